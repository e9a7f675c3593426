package vitessdo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
)

// transaction is a connection's transaction across shards. A shard joins
// the first time a statement touches it: a backend transaction is begun on
// a connection of the shard's pool and kept until commit or rollback, so
// later statements on that shard see the transaction's writes.
type transaction struct {
	c        *conn
	mode     string
	opts     *sql.TxOptions
	implicit bool
	// ctx lives as long as the transaction: the backend transactions are
	// begun with it, so a statement's context ending does not end them.
	ctx    context.Context
	cancel context.CancelFunc

	mu         sync.Mutex
	parts      []*txPart // in the order the shards joined
	byKey      map[partKey]*txPart
	savepoints []string
	// order is the commit order statements join in now: lookup vindexes
	// write in the pre and post transactions (see vindex.CommitOrder).
	order vindex.CommitOrder
}

// txPart is one backend transaction of the transaction.
type txPart struct {
	shard *shard.Shard
	tx    *sql.Tx
	// rank orders commits: the pre transactions, then the normal ones,
	// then the post ones; within a rank, the order of joining.
	rank int
}

// partKey names a backend transaction. On PostgreSQL the pre, normal and
// post transactions of a backend are separate connections, as in Vitess;
// an SQLite file has one writer, so there they share one transaction,
// committed at the earliest of their ranks.
type partKey struct {
	order   vindex.CommitOrder
	backend *shard.Backend
}

func orderRank(o vindex.CommitOrder) int {
	switch o {
	case vindex.CommitPre:
		return 0
	case vindex.CommitPost:
		return 2
	}
	return 1
}

func newTransaction(c *conn, opts driver.TxOptions) (*transaction, error) {
	mode := c.session.TransactionMode
	if mode == TxTwoPC {
		return nil, &UnsupportedError{Msg: "transaction_mode twopc is not available yet; use multi"}
	}
	txo, err := txOptions(c.e.topo, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &transaction{c: c, mode: mode, opts: txo, ctx: ctx, cancel: cancel, byKey: map[partKey]*txPart{}}, nil
}

// txOptions maps database/sql's options to every backend of the topology:
// SQLite transactions are serializable, which gives every weaker level;
// PostgreSQL gives the standard levels. A level a backend cannot give is
// an error now, not when a shard joins.
func txOptions(topo *shard.Topology, opts driver.TxOptions) (*sql.TxOptions, error) {
	level := sql.IsolationLevel(opts.Isolation)
	for _, b := range topo.Backends() {
		switch level {
		case sql.LevelDefault, sql.LevelReadUncommitted, sql.LevelReadCommitted, sql.LevelRepeatableRead, sql.LevelSerializable:
		case sql.LevelSnapshot:
			if b.Dialect == shard.PostgreSQL {
				// PostgreSQL's REPEATABLE READ is snapshot isolation.
				level = sql.LevelRepeatableRead
			}
		default:
			return nil, fmt.Errorf("vitessdo: isolation level %v is not available on %s", level, b.Dialect)
		}
	}
	return &sql.TxOptions{Isolation: level, ReadOnly: opts.ReadOnly}, nil
}

// querier returns the shard's backend transaction, beginning it (and
// replaying the savepoints set so far) when the shard joins.
func (t *transaction) querier(ctx context.Context, s *shard.Shard) (shard.Querier, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := partKey{order: t.order, backend: s.Backend}
	if s.Backend.Dialect == shard.SQLite {
		k.order = vindex.CommitNormal
	}
	if p := t.byKey[k]; p != nil {
		if r := orderRank(t.order); r < p.rank {
			p.rank = r
		}
		return p.tx, nil
	}
	if t.mode == TxSingle && len(t.parts) > 0 && t.parts[0].shard.Backend != s.Backend {
		return nil, &TransactionError{Msg: fmt.Sprintf("transaction_mode single: the transaction is on shard %s and a statement needs shard %s; use transaction_mode multi, or keep the transaction on one shard", t.parts[0].shard, s)}
	}
	opts := t.opts
	if s.Backend.Dialect == shard.SQLite && opts.Isolation != sql.LevelDefault {
		// SQLite is serializable whatever is asked; the driver accepts
		// only the default.
		opts = &sql.TxOptions{ReadOnly: opts.ReadOnly}
	}
	tx, err := s.Backend.DB.BeginTx(t.ctx, opts)
	if err != nil {
		return nil, &shard.Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
	}
	for _, sp := range t.savepoints {
		if _, err := tx.ExecContext(ctx, savepointSQL(s.Backend.Dialect, "SAVEPOINT", sp)); err != nil {
			tx.Rollback()
			return nil, &shard.Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
		}
	}
	p := &txPart{shard: s, tx: tx, rank: orderRank(t.order)}
	t.parts = append(t.parts, p)
	t.byKey[k] = p
	return tx, nil
}

// commit commits the shards one by one: the pre transactions, the normal
// ones, the post ones, each group in the order the shards joined. If a
// commit fails after others succeeded, the rest are rolled back and the
// error lists exactly which shards committed.
func (t *transaction) commit(ctx context.Context) error {
	defer t.cancel()
	t.mu.Lock()
	parts := append([]*txPart(nil), t.parts...)
	t.mu.Unlock()
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].rank < parts[j].rank })
	var committed []string
	for i, p := range parts {
		if err := p.tx.Commit(); err != nil {
			var rolled []string
			for _, q := range parts[i+1:] {
				q.tx.Rollback()
				rolled = append(rolled, q.shard.String())
			}
			if i == 0 {
				return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("commit: %w (no shard committed; the others were rolled back)", err)}
			}
			return &CommitError{Committed: committed, Failed: p.shard.String(), RolledBack: rolled, Err: err}
		}
		committed = append(committed, p.shard.String())
	}
	return nil
}

// rollback rolls back every shard.
func (t *transaction) rollback(ctx context.Context) error {
	defer t.cancel()
	t.mu.Lock()
	parts := t.parts
	t.mu.Unlock()
	var errs []error
	for _, p := range parts {
		if err := p.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			errs = append(errs, &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("rollback: %w", err)})
		}
	}
	return errors.Join(errs...)
}

// savepoint applies SAVEPOINT, ROLLBACK TO or RELEASE on every shard in
// the transaction and keeps the list of savepoints that shards joining
// later replay, so that ROLLBACK TO means the same on every shard.
func (t *transaction) savepoint(ctx context.Context, kind txKind, name string) error {
	if !validSavepoint(name) {
		return fmt.Errorf("vitessdo: savepoint name %q: use letters, digits and _", name)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	idx := -1
	for i, sp := range t.savepoints {
		if strings.EqualFold(sp, name) {
			idx = i
		}
	}
	verb := "SAVEPOINT"
	switch kind {
	case txRollbackTo:
		verb = "ROLLBACK TO SAVEPOINT"
	case txRelease:
		verb = "RELEASE SAVEPOINT"
	}
	if kind != txSavepoint && idx < 0 {
		return fmt.Errorf("vitessdo: %s %s: no such savepoint", verb, name)
	}
	for _, p := range t.parts {
		if _, err := p.tx.ExecContext(ctx, savepointSQL(p.shard.Backend.Dialect, verb, name)); err != nil {
			return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: err}
		}
	}
	switch kind {
	case txSavepoint:
		if idx >= 0 {
			// A savepoint of the same name replaces the old one.
			t.savepoints = append(t.savepoints[:idx], t.savepoints[idx+1:]...)
		}
		t.savepoints = append(t.savepoints, name)
	case txRollbackTo:
		t.savepoints = t.savepoints[:idx+1]
	case txRelease:
		t.savepoints = t.savepoints[:idx]
	}
	return nil
}

func validSavepoint(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func savepointSQL(d shard.Dialect, verb, name string) string {
	return verb + ` "` + name + `"`
}

// txHandle is the driver.Tx database/sql holds.
type txHandle struct {
	c *conn
	t *transaction
}

var _ driver.Tx = (*txHandle)(nil)

// Commit commits every shard of the transaction; see CommitError.
func (h *txHandle) Commit() error {
	if h.c.tx != h.t {
		return sql.ErrTxDone
	}
	h.c.endTx()
	return h.t.commit(context.Background())
}

// Rollback rolls back every shard of the transaction.
func (h *txHandle) Rollback() error {
	if h.c.tx != h.t {
		return sql.ErrTxDone
	}
	h.c.endTx()
	return h.t.rollback(context.Background())
}

// CommitError reports a multi-shard commit that failed part way: the
// shards in Committed have committed, Failed did not, and RolledBack were
// rolled back. The transaction is neither all applied nor all undone.
type CommitError struct {
	Committed  []string
	Failed     string
	RolledBack []string
	Err        error
}

func (e *CommitError) Error() string {
	return fmt.Sprintf("vitessdo: commit failed on shard %s after shards %s committed (rolled back: %s): %v",
		e.Failed, strings.Join(e.Committed, ", "), listOrNone(e.RolledBack), e.Err)
}

// Unwrap returns the failed shard's error.
func (e *CommitError) Unwrap() error { return e.Err }

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// TransactionError reports a statement the transaction mode refuses. The
// transaction stays usable for rollback.
type TransactionError struct {
	Msg string
}

func (e *TransactionError) Error() string { return "vitessdo: " + e.Msg }

// txKind is a transaction statement given as SQL text.
type txKind int

const (
	txInvalid txKind = iota
	txBegin
	txCommit
	txRollback
	txSavepoint
	txRollbackTo
	txRelease
)

type txStatement struct {
	kind     txKind
	name     string
	readOnly bool
}

// runTxControl runs BEGIN, COMMIT, ROLLBACK and the savepoint statements
// given as SQL text. They act like the database/sql calls; a transaction
// begun with BEGIN belongs to the connection, so use it through sql.Conn.
func (c *conn) runTxControl(ctx context.Context, st txStatement) error {
	switch st.kind {
	case txInvalid:
		return fmt.Errorf("vitessdo: unsupported transaction statement %q", st.name)
	case txBegin:
		_, err := c.BeginTx(ctx, driver.TxOptions{ReadOnly: st.readOnly})
		return err
	case txCommit:
		if c.tx == nil {
			return nil
		}
		t := c.tx
		c.endTx()
		return t.commit(ctx)
	case txRollback:
		if c.tx == nil {
			return nil
		}
		t := c.tx
		c.endTx()
		return t.rollback(ctx)
	}
	if c.tx == nil {
		return fmt.Errorf("vitessdo: savepoint statements need a transaction")
	}
	return c.tx.savepoint(ctx, st.kind, st.name)
}
