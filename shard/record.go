package shard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dot-do/vitessdo/key"
)

// RecordTable is the table in which a shard backend records which shards
// it holds, as Vitess keeps shard records in its topology. The driver
// writes a shard's record the first time it creates a table on it; the
// reshard workflow rewrites records as it moves shards. The catalog that
// information_schema reads does not list it.
const RecordTable = "vitessdo_shard_record"

// RecordState is the state of a shard record.
type RecordState string

// The states of a shard record.
const (
	// StateServing is a shard of the layout the VSchema lists.
	StateServing RecordState = "serving"
	// StateRetired is a shard a finished reshard replaced: its rows are
	// stale copies, kept until the reshard's cleanup removes them.
	StateRetired RecordState = "retired"
	// StateResharding is a shard a reshard is copying rows into and has
	// not switched to yet. The layout before the reshard does not list
	// it and reads as before; a VSchema that lists it while it is in
	// this state names a half-done reshard, which the driver refuses.
	StateResharding RecordState = "resharding"
)

// Record says which shard of which keyspace a backend holds.
type Record struct {
	Keyspace string
	Shard    string
	// KeyRange is the shard's key range.
	KeyRange key.KeyRange
	// Placement is the keyspace's shard list in order when a table of
	// the keyspace is placed by a vindex that picks shards from that
	// list (consistent_hash, range): rows sit where that list put them,
	// so another list means another placement. Nil otherwise.
	Placement []string
	// State is StateServing, StateRetired or StateResharding.
	State RecordState
	// Detail says more about the state: for StateResharding, the shard
	// list the reshard moves to.
	Detail string
}

// String returns keyspace/shard (state).
func (r Record) String() string { return fmt.Sprintf("%s/%s (%s)", r.Keyspace, r.Shard, r.State) }

// RecordKeeper is implemented by backends that can keep shard records:
// it returns the statements, in the backend's dialect, that read and
// write RecordTable and list the backend's tables.
type RecordKeeper interface {
	RecordStatements() RecordStatements
}

// RecordStatements are one backend's statements over RecordTable. The
// statements that take arguments take them in the order each field's
// comment lists.
type RecordStatements struct {
	// Exists returns one row, true when RecordTable exists.
	Exists string
	// Create creates RecordTable if it does not exist.
	Create string
	// Select returns keyspace, shard, key_range, placement, state,
	// detail of every record.
	Select string
	// Insert adds a record unless one exists for (keyspace, shard):
	// keyspace, shard, key_range, placement, state, detail.
	Insert string
	// Upsert adds or replaces the record of (keyspace, shard), in the
	// argument order of Insert.
	Upsert string
	// SetState sets a record's state and detail: state, detail,
	// keyspace, shard.
	SetState string
	// SetPlacement sets a record's placement where it has none:
	// placement, keyspace, shard.
	SetPlacement string
	// Delete removes a record: keyspace, shard.
	Delete string
	// Tables returns the name of every table of the backend's database
	// (its schema on PostgreSQL), RecordTable included.
	Tables string
}

// recordStatements returns the backend's record statements.
func (b *Backend) recordStatements() (RecordStatements, error) {
	rk, ok := b.Capabilities().(RecordKeeper)
	if !ok {
		return RecordStatements{}, fmt.Errorf("vitessdo: shard records: %s backends keep none", b.Product())
	}
	return rk.RecordStatements(), nil
}

// ReadRecords returns every shard record the backend holds, none when it
// has no record table.
func ReadRecords(ctx context.Context, b *Backend) ([]Record, error) {
	return ReadRecordsFrom(ctx, b, b.DB)
}

// ReadRecordsFrom is ReadRecords run through q (a transaction of the
// backend, for one).
func ReadRecordsFrom(ctx context.Context, b *Backend, q Querier) ([]Record, error) {
	st, err := b.recordStatements()
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := q.QueryRowContext(ctx, st.Exists).Scan(&exists); err != nil {
		return nil, fmt.Errorf("vitessdo: reading shard records of %s: %w", b.URL, err)
	}
	if !exists {
		return nil, nil
	}
	rs, err := q.QueryContext(ctx, st.Select)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: reading shard records of %s: %w", b.URL, err)
	}
	defer rs.Close()
	var out []Record
	for rs.Next() {
		var r Record
		var kr, placement, state string
		if err := rs.Scan(&r.Keyspace, &r.Shard, &kr, &placement, &state, &r.Detail); err != nil {
			return nil, fmt.Errorf("vitessdo: reading shard records of %s: %w", b.URL, err)
		}
		if r.KeyRange, err = key.ParseKeyRange(kr); err != nil {
			return nil, fmt.Errorf("vitessdo: shard record %s/%s of %s: %w", r.Keyspace, r.Shard, b.URL, err)
		}
		r.Placement = splitPlacement(placement)
		r.State = RecordState(state)
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("vitessdo: reading shard records of %s: %w", b.URL, err)
	}
	return out, nil
}

// FindRecord returns the record of keyspace/shard among records, or
// false.
func FindRecord(records []Record, keyspace, shard string) (Record, bool) {
	for _, r := range records {
		if r.Keyspace == keyspace && r.Shard == shard {
			return r, true
		}
	}
	return Record{}, false
}

// EnsureRecord writes a shard's record unless the backend has one for
// that keyspace and shard; a record without a placement takes r's. The
// driver calls it before it first creates a table on a shard.
func EnsureRecord(ctx context.Context, b *Backend, r Record) error {
	st, err := b.recordStatements()
	if err != nil {
		return err
	}
	if err := createRecordTable(ctx, b, b.DB, st); err != nil {
		return err
	}
	if _, err := b.DB.ExecContext(ctx, st.Insert, recordArgs(r)...); err != nil {
		return fmt.Errorf("vitessdo: writing shard record %s/%s: %w", r.Keyspace, r.Shard, err)
	}
	if len(r.Placement) > 0 {
		if _, err := b.DB.ExecContext(ctx, st.SetPlacement, strings.Join(r.Placement, ","), r.Keyspace, r.Shard); err != nil {
			return fmt.Errorf("vitessdo: writing shard record %s/%s: %w", r.Keyspace, r.Shard, err)
		}
	}
	return nil
}

// WriteRecord adds or replaces a shard's record.
func WriteRecord(ctx context.Context, b *Backend, r Record) error {
	return WriteRecordTo(ctx, b, b.DB, r)
}

// WriteRecordTo is WriteRecord run through q (a transaction of the
// backend, for one). On PostgreSQL the record table is created first
// when missing, which in a transaction commits with it.
func WriteRecordTo(ctx context.Context, b *Backend, q Querier, r Record) error {
	st, err := b.recordStatements()
	if err != nil {
		return err
	}
	if r.State == "" {
		r.State = StateServing
	}
	if err := createRecordTable(ctx, b, q, st); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, st.Upsert, recordArgs(r)...); err != nil {
		return fmt.Errorf("vitessdo: writing shard record %s/%s: %w", r.Keyspace, r.Shard, err)
	}
	return nil
}

// MarkRetired marks a shard's record retired: a finished reshard
// replaced the shard. Its backend is kept (and does not stop the driver
// from opening) until it is removed.
func MarkRetired(ctx context.Context, b *Backend, keyspace, shard string) error {
	return setState(ctx, b, keyspace, shard, StateRetired, "")
}

// MarkResharding marks a shard's record as the target of a reshard in
// progress; to names the shard list the reshard moves to. The record
// must exist (WriteRecord it first).
func MarkResharding(ctx context.Context, b *Backend, keyspace, shard, to string) error {
	return setState(ctx, b, keyspace, shard, StateResharding, to)
}

// MarkServing marks a shard's record serving, as a reshard does to its
// new shards when it switches.
func MarkServing(ctx context.Context, b *Backend, keyspace, shard string) error {
	return setState(ctx, b, keyspace, shard, StateServing, "")
}

func setState(ctx context.Context, b *Backend, keyspace, shard string, state RecordState, detail string) error {
	st, err := b.recordStatements()
	if err != nil {
		return err
	}
	if err := createRecordTable(ctx, b, b.DB, st); err != nil {
		return err
	}
	res, err := b.DB.ExecContext(ctx, st.SetState, string(state), detail, keyspace, shard)
	if err != nil {
		return fmt.Errorf("vitessdo: marking shard %s/%s %s: %w", keyspace, shard, state, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("vitessdo: marking shard %s/%s %s: the backend %s has no record of it", keyspace, shard, state, b.URL)
	}
	return nil
}

// ClearRecord removes a shard's record from a backend, if it has one.
func ClearRecord(ctx context.Context, b *Backend, keyspace, shard string) error {
	st, err := b.recordStatements()
	if err != nil {
		return err
	}
	var exists bool
	if err := b.DB.QueryRowContext(ctx, st.Exists).Scan(&exists); err != nil || !exists {
		return err
	}
	if _, err := b.DB.ExecContext(ctx, st.Delete, keyspace, shard); err != nil {
		return fmt.Errorf("vitessdo: clearing shard record %s/%s: %w", keyspace, shard, err)
	}
	return nil
}

// TableNames returns the tables of the backend's database (its schema on
// PostgreSQL), without RecordTable, sorted.
func TableNames(ctx context.Context, b *Backend) ([]string, error) {
	st, err := b.recordStatements()
	if err != nil {
		return nil, err
	}
	rs, err := b.DB.QueryContext(ctx, st.Tables)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: listing the tables of %s: %w", b.URL, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			return nil, fmt.Errorf("vitessdo: listing the tables of %s: %w", b.URL, err)
		}
		if name != RecordTable {
			out = append(out, name)
		}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("vitessdo: listing the tables of %s: %w", b.URL, err)
	}
	slices.Sort(out)
	return out, nil
}

// HasRows reports whether a table of the backend holds a row. The table
// name is one TableNames returned.
func HasRows(ctx context.Context, b *Backend, table string) (bool, error) {
	q := "SELECT 1 FROM " + quoteIdent(table) + " LIMIT 1"
	var one int
	switch err := b.DB.QueryRowContext(ctx, q).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("vitessdo: reading table %s of %s: %w", table, b.URL, err)
	}
	return true, nil
}

func createRecordTable(ctx context.Context, b *Backend, q Querier, st RecordStatements) error {
	if _, err := q.ExecContext(ctx, st.Create); err != nil {
		return fmt.Errorf("vitessdo: creating %s on %s: %w", RecordTable, b.URL, err)
	}
	return nil
}

func recordArgs(r Record) []any {
	if r.State == "" {
		r.State = StateServing
	}
	return []any{r.Keyspace, r.Shard, r.KeyRange.String(), strings.Join(r.Placement, ","), string(r.State), r.Detail}
}

func splitPlacement(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
