package txn

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

// Transaction is a connection's transaction across shards. A shard joins
// the first time a statement touches it: a connection is taken from the
// shard's pool and a backend transaction begun on it, and both are kept
// until commit or rollback, so later statements on that shard see the
// transaction's writes.
//
// How the backend transactions commit is the transaction mode: one shard
// only (single), shard by shard (multi), or two-phase commit (twopc, see
// twopc.go).
type Transaction struct {
	co       *Coordinator
	mode     string
	opts     sql.TxOptions
	implicit bool
	// outer is the transaction a detached connection's statements run
	// beside (lookup writes in their own transaction): it waits for them,
	// which the deadlock detector must know.
	outer *Transaction
	mu    sync.Mutex
	parts []*txPart // in the order the shards joined
	// first1 and parts1 hold the first part that joins by itself (a
	// statement on one shard), so a transaction on one shard allocates
	// no part of its own; a second shard's part is allocated as it joins.
	first1     txPart
	first1Used bool
	parts1     [1]*txPart
	// byKey finds the parts once there are more than partsScanned.
	byKey      map[partKey]*txPart
	savepoints []string // lower case, oldest first
	// order is the commit order statements join in now: lookup vindexes
	// write in the pre and post transactions (see vindex.CommitOrder).
	order vindex.CommitOrder
	// first is the first shard a statement of the normal order touched:
	// transaction_mode single refuses any other backend.
	first *shard.Shard
	// failed is set once the transaction was rolled back under the
	// application (its context ended, a shard connection broke, a
	// deadlock): every statement fails with it until Rollback.
	failed error
}

// txPart is one backend transaction of the transaction.
type txPart struct {
	t     *Transaction
	shard *shard.Shard
	order vindex.CommitOrder
	// held is the part's connection, taken from the shard's pool when
	// it joins (shard.Backend.Hold); holding says it has not been given
	// back yet.
	held    shard.HeldConn
	holding bool
	tx      shard.BackendTx
	// q is the part's Querier: tx, and conn for the statements that run
	// on the connection's own prepared statements.
	q shard.TxConn
	// rank orders commits: the pre transactions, then the normal ones,
	// then the post ones; within a rank, the order of joining.
	rank int
	// locked: the part holds its SQLite file's write lock, which the
	// connector's deadlock detector tracks.
	locked bool
	// readOnly, when set, enforces the read-only transaction on a
	// backend whose driver does not (shard.ReadOnlyEnforcer), and is
	// undone before the connection goes back to the pool.
	readOnly shard.ReadOnlyEnforcer

	// gid is the part's PostgreSQL transaction id during a two-phase
	// commit; prepared says PREPARE TRANSACTION took effect, and
	// maybePrepared that the connection broke before it could be known.
	gid           string
	prepared      bool
	maybePrepared bool
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

// Options say how a transaction begins.
type Options struct {
	// Mode is Single, Multi (the default when empty) or TwoPC.
	Mode string
	// TxOptions are database/sql's isolation level and read-only flag.
	TxOptions driver.TxOptions
	// Outer is the transaction the new one runs beside, for a
	// connection detached from another's transaction (lookup writes in
	// a transaction of their own): the outer one waits for it.
	Outer *Transaction
	// Implicit marks the transaction of one autocommit statement.
	Implicit bool
}

// Begin returns a new transaction. No shard is contacted until a
// statement touches it. An isolation level no backend gives, and TwoPC
// with a shard that cannot prepare, fail here.
func (co *Coordinator) Begin(o Options) (*Transaction, error) {
	mode := o.Mode
	if mode == "" {
		mode = Multi
	}
	txo, err := txOptions(o.TxOptions)
	if err != nil {
		return nil, err
	}
	if mode == TwoPC {
		if err := twoPCAvailable(co.topo); err != nil {
			return nil, err
		}
	}
	return &Transaction{co: co, mode: mode, opts: txo, implicit: o.Implicit, outer: o.Outer}, nil
}

// Implicit reports the transaction of one autocommit statement.
func (t *Transaction) Implicit() bool { return t.implicit }

// txOptions checks database/sql's options. Every level up to
// serializable is available: SQLite transactions are serializable, which
// gives every weaker level, and PostgreSQL gives each standard level
// (snapshot is its REPEATABLE READ). A level holds shard by shard: there
// is no snapshot across shards. Write-committed and linearizable are
// refused now, not when a shard joins, as database/sql asks.
func txOptions(opts driver.TxOptions) (sql.TxOptions, error) {
	level := sql.IsolationLevel(opts.Isolation)
	switch level {
	case sql.LevelDefault, sql.LevelReadUncommitted, sql.LevelReadCommitted, sql.LevelRepeatableRead, sql.LevelSnapshot, sql.LevelSerializable:
		return sql.TxOptions{Isolation: level, ReadOnly: opts.ReadOnly}, nil
	}
	return sql.TxOptions{}, fmt.Errorf("vitessdo: isolation level %v is not available: shards give read uncommitted to serializable (SQLite shards are always serializable), shard by shard", level)
}

// backendTxOptions maps the options to a backend (shard.TxOptionsAdapter:
// SQLite has no isolation level to choose, PostgreSQL names snapshot
// REPEATABLE READ). A read-only transaction that the backend's driver
// begins without refusing writes (modernc.org/sqlite begins a DEFERRED
// transaction) is made to refuse them by join (shard.ReadOnlyEnforcer).
func backendTxOptions(b *shard.Backend, o sql.TxOptions) *sql.TxOptions {
	if o == (sql.TxOptions{}) {
		// The defaults, which every backend begins with as they are (nil
		// options are database/sql's defaults).
		return nil
	}
	if a, ok := b.Capabilities().(shard.TxOptionsAdapter); ok {
		return a.TxOptions(o)
	}
	opts := o // allocated here, not for the defaults
	return &opts
}

// singleWriter reports a backend whose database has one writer at a time.
func singleWriter(b *shard.Backend) bool {
	_, ok := b.Capabilities().(shard.SingleWriter)
	return ok
}

// Querier returns the shard's backend transaction, beginning it when the
// shard joins.
func (t *Transaction) Querier(ctx context.Context, s *shard.Shard) (shard.Querier, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failed != nil {
		return nil, t.failed
	}
	normal := t.order == vindex.CommitNormal
	if normal && t.mode == Single && t.first != nil && t.first.Backend != s.Backend {
		return nil, &TransactionError{Msg: fmt.Sprintf("transaction_mode single: the transaction is on shard %s and a statement needs shard %s; keep the transaction on one shard, or use transaction_mode multi or twopc", t.first, s)}
	}
	k := partKey{order: t.order, backend: s.Backend}
	if singleWriter(s.Backend) {
		k.order = vindex.CommitNormal
	}
	p := t.part(k)
	if p == nil {
		if b := t.outer.heldPart(s.Backend); b != nil && singleWriter(s.Backend) {
			// The transaction this one runs beside holds the file's one
			// write lock, which no other transaction can take before it
			// ends: the statement runs in it (an autocommit lookup write
			// then commits or rolls back with the statement that caused
			// it).
			return &b.q, nil
		}
		var err error
		if p, err = t.join(ctx, s, k); err != nil {
			return nil, err
		}
	} else if r := orderRank(t.order); r < p.rank {
		p.rank = r
	}
	if normal && t.first == nil {
		t.first = s
	}
	return &p.q, nil
}

// Queriers returns the backend transactions of the shards, in the order
// given, joining those not in the transaction yet. The write locks of the
// SQLite shards that join are asked for together (see writeLocks): the
// statement holds none of them while it waits for another, so two such
// statements never wait for each other, and a single-shard write waits
// only for the statements holding its shard. The shards then join in
// lock order.
func (t *Transaction) Queriers(ctx context.Context, shards []*shard.Shard) ([]shard.Querier, error) {
	out := make([]shard.Querier, len(shards))
	if len(shards) == 1 {
		q, err := t.Querier(ctx, shards[0])
		out[0] = q
		return out, err
	}
	locked := t.lockFirst(ctx, shards)
	if locked.err != nil {
		return nil, locked.err
	}
	order := sortByLockOrder(shards)
	if err := t.joinTogether(ctx, shards, order); err != nil {
		t.releaseUnjoined(locked.shards)
		return nil, err
	}
	for _, i := range order {
		q, err := t.Querier(ctx, shards[i])
		if err != nil {
			t.releaseUnjoined(locked.shards)
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

type lockedShards struct {
	shards []*shard.Shard
	err    error
}

// lockFirst takes together the write locks of the SQLite shards that
// would join (not read-only, not in the transaction yet, not held by a
// transaction this one runs beside).
func (t *Transaction) lockFirst(ctx context.Context, shards []*shard.Shard) lockedShards {
	if t.opts.ReadOnly {
		return lockedShards{}
	}
	need := make([]*shard.Shard, 0, len(shards))
	t.mu.Lock()
	failed := t.failed
	for _, s := range shards {
		if !singleWriter(s.Backend) {
			continue
		}
		if t.part(partKey{order: vindex.CommitNormal, backend: s.Backend}) != nil {
			continue
		}
		need = append(need, s)
	}
	t.mu.Unlock()
	if failed != nil {
		return lockedShards{err: failed}
	}
	if len(need) < 2 {
		return lockedShards{}
	}
	own := need
	if t.outer != nil {
		own = make([]*shard.Shard, 0, len(need))
		for _, s := range need {
			if t.outer.heldPart(s.Backend) == nil {
				own = append(own, s)
			}
		}
	}
	if err := t.co.locks.acquire(ctx, t, own); err != nil {
		return lockedShards{err: err}
	}
	return lockedShards{shards: own}
}

// releaseUnjoined lets go the locks lockFirst took for shards that did
// not join.
func (t *Transaction) releaseUnjoined(shards []*shard.Shard) {
	for _, s := range shards {
		t.mu.Lock()
		p := t.part(partKey{order: vindex.CommitNormal, backend: s.Backend})
		t.mu.Unlock()
		if p == nil {
			t.co.locks.release(t, s.Backend)
		}
	}
}

// heldPart returns the part of t, or of a transaction t runs beside,
// that holds b's write lock; nil if none does (or t is nil).
func (t *Transaction) heldPart(b *shard.Backend) *txPart {
	for u := t; u != nil; u = u.outer {
		u.mu.Lock()
		for _, p := range u.parts {
			if p.locked && p.tx != nil && p.shard.Backend == b {
				u.mu.Unlock()
				return p
			}
		}
		u.mu.Unlock()
	}
	return nil
}

// InOrder runs fn with the statements it runs joining the transaction
// named by order (see vindex.CommitOrder): consistent lookup vindexes
// write in the pre and post transactions.
func (t *Transaction) InOrder(order vindex.CommitOrder, fn func() error) error {
	if order == vindex.CommitNormal {
		return fn()
	}
	t.mu.Lock()
	prev := t.order
	t.order = order
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.order = prev
		t.mu.Unlock()
	}()
	return fn()
}

// partsScanned is how many parts a transaction finds by looking through
// them; beyond, it keeps them in byKey.
const partsScanned = 8

// part returns the part named by k, or nil. Called with t.mu held.
func (t *Transaction) part(k partKey) *txPart {
	if t.byKey != nil {
		return t.byKey[k]
	}
	for _, p := range t.parts {
		if p.order == k.order && p.shard.Backend == k.backend {
			return p
		}
	}
	return nil
}

func shardError(s *shard.Shard, err error) error {
	var se *shard.Error
	if errors.As(err, &se) {
		return err
	}
	return &shard.Error{Keyspace: s.Keyspace, Shard: s.Name, Err: err}
}

// String names the part's shard, and its commit order when a backend has
// several.
func (p *txPart) String() string {
	if p.order == vindex.CommitNormal {
		return p.shard.String()
	}
	return p.shard.String() + " (" + p.order.String() + ")"
}

// end commits or rolls back the part's backend transaction and gives its
// connection back. Ending a part twice does nothing.
func (p *txPart) end(commit bool) error {
	p.t.mu.Lock()
	tx := p.tx
	p.tx = nil
	p.t.mu.Unlock()
	var err error
	if tx != nil {
		if commit {
			err = tx.Commit()
		} else if err = tx.Rollback(); errors.Is(err, sql.ErrTxDone) {
			err = nil
		}
	}
	p.release()
	return err
}

// release gives back what the part holds besides its backend
// transaction: the SQLite write lock's place in the deadlock detector
// and the pool connection.
func (p *txPart) release() {
	p.t.mu.Lock()
	holding, locked, readOnly := p.holding, p.locked, p.readOnly
	p.holding, p.locked = false, false
	p.t.mu.Unlock()
	if locked {
		p.t.co.locks.release(p.t, p.shard.Backend)
	}
	if holding {
		p.giveBack(readOnly)
	}
}

// discard closes a pool connection instead of returning it to the pool.
func discard(c *sql.Conn) {
	c.Raw(func(any) error { return driver.ErrBadConn })
}

// giveBack gives the part's connection back to the shard's pool, its
// read-only setting undone first (discarded if that fails).
func (p *txPart) giveBack(readOnly shard.ReadOnlyEnforcer) {
	if readOnly != nil {
		if err := readOnly.ResetReadOnly(context.Background(), &p.held); err != nil {
			p.held.Discard()
		}
	}
	p.held.Release()
	p.t.co.held.add(p.shard.Backend, -1)
}

// commitOrder returns the parts in the order they commit.
func (t *Transaction) commitOrder() []*txPart {
	if len(t.parts) <= 1 {
		return t.parts
	}
	parts := append([]*txPart(nil), t.parts...)
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].rank < parts[j].rank })
	return parts
}

// Commit commits the transaction in its mode. A part in a failed
// transaction (shard.FailedTransactionReporter: PostgreSQL's) (a statement had an error and no ROLLBACK TO
// SAVEPOINT followed) would turn its COMMIT into ROLLBACK after other
// shards committed: such a transaction is rolled back everywhere instead.
func (t *Transaction) Commit(ctx context.Context) error {
	t.mu.Lock()
	failed := t.failed
	parts := t.commitOrder()
	t.mu.Unlock()
	if failed != nil {
		t.rollbackParts()
		return failed
	}
	for _, p := range parts {
		fr, ok := p.shard.Backend.Capabilities().(shard.FailedTransactionReporter)
		if !ok {
			continue
		}
		conn := p.held.Conn()
		if conn == nil {
			continue
		}
		if failed, _ := fr.InFailedTransaction(conn); failed {
			t.rollbackParts()
			return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("commit refused: a statement of the transaction failed on this shard, and %s rolls back a transaction after an error unless it rolls back to a savepoint; every shard was rolled back", p.shard.Backend.Product())}
		}
	}
	if t.mode == TwoPC && len(parts) > 1 && !t.opts.ReadOnly {
		return t.co.twopc.commit(t, parts)
	}
	return commitInOrder(parts)
}

// commitInOrder commits the parts one by one. If a commit fails, the rest
// are rolled back and the error lists exactly which shards committed.
func commitInOrder(parts []*txPart) error {
	for i, p := range parts {
		err := p.end(true)
		if err == nil {
			continue
		}
		var committed []string
		for _, q := range parts[:i] {
			committed = append(committed, q.String())
		}
		var rolled []string
		for _, q := range parts[i+1:] {
			q.end(false)
			rolled = append(rolled, q.String())
		}
		if i == 0 && !brokenConnection(err) {
			if len(parts) == 1 {
				return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("commit: %w", err)}
			}
			return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("commit: %w (no shard committed; the others were rolled back)", err)}
		}
		return &CommitError{Committed: committed, Failed: p.String(), Unknown: brokenConnection(err), RolledBack: rolled, Err: err}
	}
	return nil
}

// Rollback rolls back every shard.
func (t *Transaction) Rollback(ctx context.Context) error {
	return t.rollbackParts()
}

func (t *Transaction) rollbackParts() error {
	t.mu.Lock()
	var parts []*txPart
	if len(t.parts) == 1 {
		parts = t.parts[:1:1]
	} else {
		parts = append(parts, t.parts...)
	}
	t.mu.Unlock()
	var errs []error
	for _, p := range parts {
		if err := p.end(false); err != nil {
			errs = append(errs, &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("rollback: %w", err)})
		}
	}
	return errors.Join(errs...)
}

// Abort rolls back every shard under the application, which learns it
// from every later statement, and from Commit, until it rolls back. It
// returns the error those statements get.
func (t *Transaction) Abort(cause error) error {
	t.rollbackParts()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.failed == nil {
		t.failed = &TransactionError{Msg: "the transaction was rolled back on every shard: " + cause.Error(), Err: cause}
	}
	return t.failed
}

// MustAbort reports a statement error after which the transaction cannot
// go on as the application expects: the statement's context ended (a
// shard may have applied part of it), a shard connection broke (that
// shard's transaction is gone), or a lock conflict a retry resolves
// (PostgreSQL's deadlock and serialization failures, SQLite's busy file,
// the connector's deadlock detector), after which holding the other
// shards' locks only makes the other transaction wait.
func (t *Transaction) MustAbort(ctx context.Context, err error) bool {
	return ctx.Err() != nil || brokenConnection(err) || t.co.lockConflict(err)
}

// Savepoint applies SAVEPOINT, ROLLBACK TO or RELEASE on every shard in
// the transaction and keeps the list of savepoints that shards joining
// later replay, so that ROLLBACK TO means the same on every shard. Names
// are case-insensitive, as in MySQL. A savepoint statement that fails on
// a shard after it took effect on another leaves the shards disagreeing:
// the transaction is then rolled back.
func (t *Transaction) Savepoint(ctx context.Context, kind Kind, name string) error {
	if !validSavepoint(name) {
		return fmt.Errorf("vitessdo: savepoint name %q: use letters, digits and _", name)
	}
	name = strings.ToLower(name)
	t.mu.Lock()
	if t.failed != nil {
		t.mu.Unlock()
		return t.failed
	}
	idx := -1
	for i, sp := range t.savepoints {
		if sp == name {
			idx = i
		}
	}
	verb := "SAVEPOINT"
	switch kind {
	case KindRollbackTo:
		verb = "ROLLBACK TO SAVEPOINT"
	case KindRelease:
		verb = "RELEASE SAVEPOINT"
	}
	if kind != KindSavepoint && idx < 0 {
		t.mu.Unlock()
		return fmt.Errorf("vitessdo: %s %s: no such savepoint", verb, name)
	}
	var failed error
	for i, p := range t.parts {
		if _, err := p.tx.ExecContext(ctx, savepointSQL(verb, name)); err != nil {
			failed = shardError(p.shard, err)
			if i == 0 && !t.MustAbort(ctx, err) {
				t.mu.Unlock()
				return failed
			}
			break
		}
	}
	if failed == nil {
		switch kind {
		case KindSavepoint:
			if idx >= 0 {
				// A savepoint of the same name replaces the old one.
				t.savepoints = append(t.savepoints[:idx], t.savepoints[idx+1:]...)
			}
			t.savepoints = append(t.savepoints, name)
		case KindRollbackTo:
			t.savepoints = t.savepoints[:idx+1]
		case KindRelease:
			t.savepoints = t.savepoints[:idx]
		}
	}
	t.mu.Unlock()
	if failed != nil {
		return t.Abort(fmt.Errorf("%s %s: %w", verb, name, failed))
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

// savepointSQL quotes the name, which both dialects accept in double
// quotes; the name is already lower case, so quoting changes nothing.
func savepointSQL(verb, name string) string {
	return verb + ` "` + name + `"`
}
