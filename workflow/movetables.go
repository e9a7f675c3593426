package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/dot-do/vitessdo"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// MoveTablesOptions say what to move.
type MoveTablesOptions struct {
	// Source is the database to copy from, which vitessdo does not
	// manage: sqlite:PATH or postgres://…. It is only read.
	Source string
	// Tables lists the tables to copy; empty means every table of the
	// source that the VSchema lists.
	Tables []string
	// Progress, when set, is called as rows are copied and verified,
	// from one goroutine at a time.
	Progress func(Progress)

	// afterTable, when set, is called after each table is committed
	// (tests interrupt the copy there).
	afterTable func(table string)
}

// MoveTablesResult says what MoveTables copied and what the verification
// found.
type MoveTablesResult struct {
	Tables []TableCopy `json:"tables"`
	// Sequences lists the sequences advanced past the ids copied.
	Sequences []SequenceAdvance `json:"sequences,omitempty"`
	// Problems lists the differences the verification found.
	Problems []string `json:"problems,omitempty"`
}

// TableCopy is one table copied and its verification: the source against
// the union of the shards (a reference table against each shard).
type TableCopy struct {
	Table    string `json:"table"`
	Keyspace string `json:"keyspace"`
	Created  bool   `json:"created"`
	// Skipped reports a table whose shards already held exactly the
	// source's rows (copied by an earlier, interrupted run).
	Skipped bool `json:"skipped,omitempty"`
	Source  Sum  `json:"source"`
	Target  Sum  `json:"target"`
	// Shards holds, for a reference table, what each shard holds.
	Shards map[string]Sum `json:"shards,omitempty"`
}

// SequenceAdvance is a sequence whose next_id MoveTables raised.
type SequenceAdvance struct {
	Sequence string `json:"sequence"`
	Table    string `json:"table"`
	NextID   int64  `json:"next_id"`
}

// MoveTables copies tables of an unsharded database that vitessdo does
// not manage into the DSN's keyspaces, each row routed as the driver
// routes an INSERT: to the shard of its primary vindex, a reference
// table's rows to every shard, with the rows of the owned lookup vindexes
// created and the sequences advanced past the largest id copied. Tables
// missing on the shards are created from the source's columns and
// indexes. The tables on the shards must be empty.
//
// Each table is copied in one transaction of the driver, in batched
// multi-row INSERTs that the driver splits by shard and runs on the
// shards in parallel: an interrupted copy leaves the table as it was.
// Then every table is verified, the source against the union of the
// shards (row count and a checksum over every column); a difference is
// listed in Problems and returned as an error wrapping ErrVerify.
func MoveTables(ctx context.Context, cfg *vitessdo.Config, opts MoveTablesOptions) (*MoveTablesResult, error) {
	l, err := openLayout(cfg)
	if err != nil {
		return nil, err
	}
	if l.cfg.VSchema == "" || len(l.cfg.VSchemaJSON) > 0 {
		return nil, fmt.Errorf("vitessdo: movetables: the dsn holds its vschema in memory; movetables needs a vschema file")
	}
	src, err := openSource(opts.Source)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: movetables: source: %w", err)
	}
	defer src.Close()
	cat, err := readCatalog(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: movetables: source %s: %w", src.URL, err)
	}
	tables, err := l.moveList(cat, opts.Tables)
	if err != nil {
		return nil, err
	}
	private, err := copyVSchema(l.cfg.VSchema)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: movetables: %w", err)
	}
	defer os.Remove(private)
	pcfg := *l.cfg
	pcfg.VSchema = private
	conn, err := vitessdo.NewConnector(&pcfg)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: movetables: %w", err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	m := &mover{l: l, src: src, cat: cat, db: db, opts: opts, res: &MoveTablesResult{}}
	defer m.close()
	if err := m.prepare(ctx, tables); err != nil {
		return nil, err
	}
	if err := m.copyAll(ctx); err != nil {
		return m.res, err
	}
	if err := m.advanceSequences(ctx); err != nil {
		return m.res, err
	}
	if err := m.verify(ctx); err != nil {
		return m.res, err
	}
	if len(m.res.Problems) > 0 {
		return m.res, fmt.Errorf("vitessdo: movetables: %w: %s", ErrVerify, strings.Join(m.res.Problems, "; "))
	}
	return m.res, nil
}

// moveList resolves the tables to move: those named, else every source
// table the VSchema lists.
func (l *layout) moveList(cat map[string]shard.TableInfo, names []string) ([]*vschema.Table, error) {
	var out []*vschema.Table
	if len(names) == 0 {
		srcNames := make([]string, 0, len(cat))
		for n := range cat {
			srcNames = append(srcNames, n)
		}
		sort.Strings(srcNames)
		for _, n := range srcNames {
			for _, ksName := range l.vs.KeyspaceNames() {
				if t := l.vs.Keyspace(ksName).Tables[n]; t != nil && t.Type != vschema.TypeSequence {
					out = append(out, t)
					break
				}
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("vitessdo: movetables: no table of the source is listed in the vschema %s", l.cfg.VSchema)
		}
		return out, nil
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if _, ok := cat[strings.ToLower(n)]; !ok {
			return nil, fmt.Errorf("vitessdo: movetables: the source has no table %q", n)
		}
		t, err := l.vs.FindTable("", n, l.cfg.Keyspace)
		if err != nil {
			return nil, fmt.Errorf("vitessdo: movetables: table %q: %w", n, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// mover is one MoveTables run.
type mover struct {
	l    *layout
	src  *shard.Backend
	cat  map[string]shard.TableInfo
	db   *sql.DB
	opts MoveTablesOptions
	res  *MoveTablesResult

	tables []*moveTable
	// shards holds the open shards of each keyspace written.
	shards map[string][]*shardBackend
}

// moveTable is one table being moved.
type moveTable struct {
	t     *vschema.Table
	info  shard.TableInfo
	cols  []string
	kinds []valueKind
	rows  int64
	// maxID is the largest value of the auto-increment column copied.
	maxID  int64
	hasMax bool
	copy   *TableCopy
	// skip is set when the shards hold the source's rows already.
	skip bool
}

func (m *mover) close() {
	for _, s := range m.shards {
		closeShards(s)
	}
}

// shardsOf returns the open shards of a keyspace.
func (m *mover) shardsOf(ks *vschema.Keyspace) ([]*shardBackend, error) {
	if m.shards == nil {
		m.shards = map[string][]*shardBackend{}
	}
	if s, ok := m.shards[ks.Name]; ok {
		return s, nil
	}
	s, err := m.l.openShards(ks, ks.Shards)
	if err != nil {
		return nil, err
	}
	m.shards[ks.Name] = s
	return s, nil
}

// prepare creates the tables missing on the shards, the lookup tables of
// their owned vindexes included. A table that already holds rows is
// skipped when they are exactly the source's (a run interrupted after it
// copied the table), and refused otherwise.
func (m *mover) prepare(ctx context.Context, tables []*vschema.Table) error {
	for _, t := range tables {
		info := m.cat[strings.ToLower(t.Name)]
		cols, kinds := columnsOf(info)
		mt := &moveTable{t: t, info: info, cols: cols, kinds: kinds, copy: &TableCopy{Table: t.Name, Keyspace: t.Keyspace.Name}}
		created, rows, err := m.ensureTable(ctx, t, createTableSQL(t.Name, info, t.Keyspace.Sharded))
		if err != nil {
			return err
		}
		mt.copy.Created = created
		if rows > 0 {
			problems, err := m.compare(ctx, mt, mt.copy, startMeter(ctx, nil, "", 0))
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				return fmt.Errorf("vitessdo: movetables: table %s already holds %d rows on its shards, not the source's (%s): movetables copies into empty tables", t, rows, strings.Join(problems, "; "))
			}
			mt.skip, mt.copy.Skipped = true, true
			if err := m.sourceMaxID(ctx, mt); err != nil {
				return err
			}
		}
		for _, cv := range t.Owned {
			lt, ddl, err := m.lookupTableDDL(t, info, cv)
			if err != nil {
				return err
			}
			_, n, err := m.ensureTable(ctx, lt, ddl)
			if err != nil {
				return err
			}
			if n > 0 && !mt.skip {
				return fmt.Errorf("vitessdo: movetables: lookup table %s of vindex %q already holds %d rows: movetables copies into empty tables", lt, cv.Name, n)
			}
		}
		if mt.rows, err = countTable(ctx, m.src, t.Name); err != nil {
			return fmt.Errorf("vitessdo: movetables: source: %w", err)
		}
		m.tables = append(m.tables, mt)
		m.res.Tables = append(m.res.Tables, *mt.copy)
	}
	return nil
}

// ensureTable creates a table through the driver when its keyspace's
// first shard lacks it. It reports whether it created the table, and how
// many rows the shards hold of it.
func (m *mover) ensureTable(ctx context.Context, t *vschema.Table, ddl string) (bool, int64, error) {
	shards, err := m.shardsOf(t.Keyspace)
	if err != nil {
		return false, 0, err
	}
	cat, err := readCatalog(ctx, shards[0].backend)
	if err != nil {
		return false, 0, fmt.Errorf("vitessdo: movetables: shard %s: %w", shards[0], err)
	}
	if _, ok := cat[strings.ToLower(t.Name)]; !ok {
		if _, err := m.db.ExecContext(ctx, qualifyDDL(t, ddl)); err != nil {
			return false, 0, fmt.Errorf("vitessdo: movetables: creating table %s: %w", t, err)
		}
		return true, 0, nil
	}
	var total int64
	for _, s := range shards {
		n, err := countTable(ctx, s.backend, t.Name)
		if err != nil {
			return false, 0, fmt.Errorf("vitessdo: movetables: shard %s: %w", s, err)
		}
		total += n
	}
	return false, total, nil
}

// qualifyDDL names the table's keyspace in its CREATE TABLE, for the
// driver to run it on that keyspace's shards.
func qualifyDDL(t *vschema.Table, ddl string) string {
	prefix := "CREATE TABLE " + backquote(strings.ToLower(t.Name))
	if rest, ok := strings.CutPrefix(ddl, prefix); ok {
		return "CREATE TABLE " + backquote(t.Keyspace.Name) + "." + backquote(strings.ToLower(t.Name)) + rest
	}
	return ddl
}

// lookupTableDDL returns the lookup table of an owned vindex and its
// CREATE TABLE: the "from" columns typed as the owner's columns, the "to"
// column holding a keyspace id (an unsigned integer for lookup_hash).
func (m *mover) lookupTableDDL(owner *vschema.Table, info shard.TableInfo, cv *vschema.ColumnVindex) (*vschema.Table, string, error) {
	tr, ok := cv.Vindex.(vindex.TableReader)
	if !ok {
		return nil, "", fmt.Errorf("vitessdo: movetables: table %s: owned vindex %q has no lookup table", owner, cv.Name)
	}
	lt := tr.LookupTable()
	qual, name, found := strings.Cut(lt.Table, ".")
	if !found {
		qual, name = "", lt.Table
	}
	t, err := m.l.vs.FindTable(qual, name, owner.Keyspace.Name)
	if err != nil {
		return nil, "", fmt.Errorf("vitessdo: movetables: table %s: lookup table of vindex %q: %w", owner, cv.Name, err)
	}
	toType := "varbinary(64)"
	switch cv.Vindex.(type) {
	case *vindex.LookupHash, *vindex.LookupHashUnique:
		toType = "bigint unsigned"
	}
	var cols []shard.ColumnInfo
	for i, f := range lt.From {
		typ := "varchar(255)"
		if i < len(cv.Columns) {
			for _, c := range info.Columns {
				if strings.EqualFold(c.Name, cv.Columns[i]) {
					typ = c.Type
				}
			}
		}
		cols = append(cols, shard.ColumnInfo{Name: f, Type: typ, NotNull: true})
	}
	cols = append(cols, shard.ColumnInfo{Name: lt.To, Type: toType})
	pk := slices.Clone(lt.From)
	if !cv.Vindex.IsUnique() {
		pk = append(pk, lt.To)
		cols[len(cols)-1].NotNull = true
	}
	return t, createTableSQL(t.Name, shard.TableInfo{Name: t.Name, Columns: cols, PrimaryKey: pk}, t.Keyspace.Sharded), nil
}

// sourceMaxID reads the largest auto-increment id of a source table, for
// a table whose copy is skipped.
func (m *mover) sourceMaxID(ctx context.Context, mt *moveTable) error {
	ai := mt.t.AutoIncrement
	if ai == nil {
		return nil
	}
	for _, c := range mt.cols {
		if !strings.EqualFold(c, ai.Column) {
			continue
		}
		col, err := m.src.Dialect.QuoteIdent(c)
		if err != nil {
			return err
		}
		tbl, err := m.src.Dialect.QuoteIdent(mt.info.Name)
		if err != nil {
			return err
		}
		var max sql.NullInt64
		if err := m.src.DB.QueryRowContext(ctx, "SELECT MAX("+col+") FROM "+tbl).Scan(&max); err != nil {
			return fmt.Errorf("vitessdo: movetables: source: %w", err)
		}
		mt.maxID, mt.hasMax = max.Int64, max.Valid
	}
	return nil
}
