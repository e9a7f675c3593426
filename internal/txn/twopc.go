package txn

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dot-do/vitessdo/shard"
)

// twopc coordinates the two-phase commits of a connector
// (transaction_mode twopc), on PostgreSQL shards, which can PREPARE
// TRANSACTION: make a transaction durable without committing it, then
// COMMIT PREPARED or ROLLBACK PREPARED it from any connection.
//
// # Protocol
//
// A transaction whose writes touched two or more backend transactions
// (parts) commits in four steps:
//
//  1. Record: a row (gtid, 'prepare', instance, participants) is
//     inserted into the decision log and committed on its own.
//  2. Prepare: PREPARE TRANSACTION 'gtid_i' runs on every part i, in
//     parallel, each checked in pg_prepared_xacts (PostgreSQL answers a
//     PREPARE of a transaction that had an error by rolling it back,
//     without an error).
//  3. Decide: UPDATE the row to 'commit' WHERE state = 'prepare',
//     committed on its own: that commit is the commit point. If a part
//     failed to prepare, the row goes to 'rollback' instead and the
//     prepared parts are rolled back.
//  4. Finish: COMMIT PREPARED on every part, in commit order (consistent
//     lookups' pre transactions first, their post transactions last),
//     then the row is deleted.
//
// # The decision log
//
// The log is a table, vitessdo_twopc, on one backend: the first
// PostgreSQL backend of the topology (keyspaces in name order, shards in
// key-range order), created on the first two-phase commit. One log rather
// than a record on every participant (as Vitess's redo tables keep),
// because the decision must be a single write that a recovery can race
// safely: recovery rolls an undecided transaction back with the same
// conditional UPDATE (state 'prepare' to 'rollback') that the coordinator
// commits it with (to 'commit'), so the row decides who wins, and no
// transaction is ever committed on one shard and rolled back on another.
//
// The log's backend is usually a participant too. That is fine: the log
// is written on a pool of its own (Backend.OpenPool), in transactions of
// their own, never in a participant's transaction, so the decision is
// durable before the first COMMIT PREPARED whether or not its backend
// takes part, and that backend's part is prepared and committed like any
// other. The separate pool also keeps log writes from waiting for the
// shard pool's connections, which the transactions being committed hold.
// Recovery reads the vitessdo_twopc table of every PostgreSQL backend, so
// a log on a backend that is no longer first (the topology changed) is
// still honoured.
//
// # Identifiers
//
// A transaction's gtid is vt2pc_<instance>_<n>: instance is 16 hex digits
// drawn at random when the connector opens, n counts its two-phase
// commits. Part i's PostgreSQL transaction id (gid) is gtid_i, and the
// log row lists the participants' backend URLs (passwords redacted) in
// that order. Recovery only touches prepared transactions whose gid
// starts with vt2pc_ and whose gtid has a row in one of the topology's
// logs, so it leaves alone other programs' prepared transactions, and
// other topologies' on a shared server.
//
// The instance is also a PostgreSQL advisory-lock key: from its first
// two-phase commit until it closes, a connector holds
// pg_advisory_lock(instance) on the log's backend, on a connection of its
// own. Recovery tells an undecided transaction of a live connector in
// another process (the lock is taken: left to its owner) from one whose
// connector is gone (the lock is free: rolled back).
//
// # Recovery
//
// A recovery pass (Connector.RecoverTwoPC) lists the vt2pc_ prepared
// transactions on every PostgreSQL backend and the rows of every log; it
// rolls back the undecided transactions of connectors that are gone (and
// of this one, when not in flight), then commits or rolls back every
// prepared part as its row says, and deletes the rows of transactions
// with no part left whose participants all belong to the topology. A
// connector runs a pass in the background when it opens, and again,
// retrying with backoff, whenever a commit leaves a prepared part behind,
// until the pass succeeds or the connector closes.
type twopc struct {
	topo  *shard.Topology
	log   *shard.Backend
	logDB *sql.DB
	// logSQL are the statements of the decision log on log.
	logSQL   *shard.DecisionLogStatements
	instance int64
	seq      atomic.Int64

	setupMu sync.Mutex
	ready   bool
	lock    *sql.Conn // holds the advisory lock of instance

	mu       sync.Mutex
	inflight map[string]bool // gtids being committed now

	recoverMu sync.Mutex // one recovery pass at a time
	kick      chan struct{}
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
}

const (
	twopcPrefix = "vt2pc_"
	// twopcTimeout bounds a two-phase commit, and a recovery pass.
	twopcTimeout = 30 * time.Second
)

// Decisions of a two-phase commit, as TwoPCError reports them.
const (
	// TwoPCCommitted: the commit decision is recorded; the transaction
	// is committed, or will be on the shards listed as pending.
	TwoPCCommitted = "commit"
	// TwoPCRolledBack: no shard committed and none will.
	TwoPCRolledBack = "rollback"
	// TwoPCUnknown: the decision could not be recorded or read back;
	// recovery decides, and commits or rolls back every shard alike.
	TwoPCUnknown = "unknown"
)

// Labels of the second phase's two statements, for messages.
const (
	commitPrepared   = "COMMIT PREPARED"
	rollbackPrepared = "ROLLBACK PREPARED"
)

// twoPCCapable returns a backend's capabilities for two-phase commit:
// preparing transactions, and the advisory locks that tell a live
// connector from a gone one. ok is false when it lacks either.
func twoPCCapable(b *shard.Backend) (shard.PreparedTransactions, shard.AdvisoryLocks, bool) {
	pt, ok1 := b.Capabilities().(shard.PreparedTransactions)
	al, ok2 := b.Capabilities().(shard.AdvisoryLocks)
	return pt, al, ok1 && ok2
}

// decisionLog returns the statements of a backend's decision log; ok is
// false when the backend cannot keep one.
func decisionLog(b *shard.Backend) (*shard.DecisionLogStatements, bool) {
	dl, ok := b.Capabilities().(shard.DecisionLog)
	if !ok {
		return nil, false
	}
	return dl.DecisionLogSQL(), true
}

// preparedSQL returns the second-phase statement named by verb for a
// prepared transaction id.
func preparedSQL(pt shard.PreparedTransactions, verb, gid string) string {
	if verb == commitPrepared {
		return pt.CommitPreparedSQL(gid)
	}
	return pt.RollbackPreparedSQL(gid)
}

// newTwoPC returns the coordinator of a topology with backends that can
// take part in two-phase commit (PostgreSQL), nil for one without, and
// starts its background recovery.
func newTwoPC(topo *shard.Topology, maxOpenConns int) *twopc {
	var log *shard.Backend
	var logSQL *shard.DecisionLogStatements
	for _, b := range topo.Backends() {
		if _, _, ok := twoPCCapable(b); ok {
			if dl, ok := decisionLog(b); ok {
				log, logSQL = b, dl
				break
			}
		}
	}
	if log == nil {
		return nil
	}
	db := log.OpenPool()
	if maxOpenConns > 0 {
		db.SetMaxOpenConns(maxOpenConns + 1) // and the advisory lock's connection
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &twopc{
		topo: topo, log: log, logDB: db, logSQL: logSQL, instance: newInstance(),
		inflight: map[string]bool{}, kick: make(chan struct{}, 1),
		ctx: ctx, cancel: cancel, done: make(chan struct{}),
	}
	go c.resolver()
	return c
}

// newInstance draws a connector's instance: positive, as an advisory-lock
// key is a bigint, and 63 random bits, so two connectors never share one.
func newInstance() int64 {
	var b [8]byte
	rand.Read(b[:])
	if id := int64(binary.BigEndian.Uint64(b[:]) >> 1); id != 0 {
		return id
	}
	return 1
}

// twoPCAvailable refuses transaction_mode twopc on a topology with a
// shard that cannot take part.
func twoPCAvailable(topo *shard.Topology) error {
	for _, ks := range topo.Keyspaces() {
		for _, s := range topo.Shards(ks) {
			if _, _, ok := twoPCCapable(s.Backend); !ok {
				return &TransactionError{Msg: fmt.Sprintf("transaction_mode twopc needs every shard on PostgreSQL, and shard %s is on %s, which has no PREPARE TRANSACTION: it cannot promise to commit before the other shards do; use transaction_mode multi", s, s.Backend.Product())}
			}
		}
	}
	return nil
}

// setup creates the log table and takes the instance's advisory lock,
// once.
func (c *twopc) setup(ctx context.Context) error {
	c.setupMu.Lock()
	defer c.setupMu.Unlock()
	if c.ready {
		return nil
	}
	if _, err := c.logDB.ExecContext(ctx, c.logSQL.Create); err != nil {
		// Two connectors creating the table at once: one fails.
		var exists bool
		if c.logDB.QueryRowContext(ctx, c.logSQL.Exists).Scan(&exists); !exists {
			return err
		}
	}
	conn, err := c.logDB.Conn(ctx)
	if err != nil {
		return err
	}
	_, al, _ := twoPCCapable(c.log)
	got, err := al.TryAdvisoryLock(ctx, conn, c.instance)
	if err != nil || !got {
		conn.Close()
		if err == nil {
			err = fmt.Errorf("advisory lock %d is taken", c.instance)
		}
		return err
	}
	c.lock, c.ready = conn, true
	return nil
}

func (c *twopc) track(gtid string, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on {
		c.inflight[gtid] = true
	} else {
		delete(c.inflight, gtid)
	}
}

func (c *twopc) inFlight(gtid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inflight[gtid]
}

// wake asks the background resolver for a recovery pass.
func (c *twopc) wake() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// commit commits the parts with two-phase commit; see the protocol above.
func (c *twopc) commit(t *Transaction, parts []*txPart) error {
	ctx, cancel := context.WithTimeout(context.Background(), twopcTimeout)
	defer cancel()
	if err := c.setup(ctx); err != nil {
		rollbackAll(parts)
		return &TwoPCError{Decision: TwoPCRolledBack, Err: fmt.Errorf("setting up the decision log on %s: %w", c.log.URL, err)}
	}
	gtid := fmt.Sprintf("%s%016x_%d", twopcPrefix, c.instance, c.seq.Add(1))
	// Work left behind goes to the resolver once the transaction is no
	// longer in flight, which a recovery pass would skip.
	var leftBehind bool
	defer func() {
		if leftBehind {
			c.wake()
		}
	}()
	c.track(gtid, true)
	defer c.track(gtid, false)
	urls := make([]string, len(parts))
	for i, p := range parts {
		p.gid = fmt.Sprintf("%s_%d", gtid, i)
		urls[i] = p.shard.Backend.URL
	}
	list, _ := json.Marshal(urls)
	if _, err := c.logDB.ExecContext(ctx, c.logSQL.Insert, gtid, c.instance, string(list)); err != nil {
		rollbackAll(parts)
		return &TwoPCError{GTID: gtid, Decision: TwoPCRolledBack, Err: fmt.Errorf("recording the transaction in the decision log on %s: %w", c.log.URL, err)}
	}
	if err := prepareAll(ctx, parts); err != nil {
		pending := c.abandon(ctx, gtid, parts)
		leftBehind = len(pending) > 0
		return &TwoPCError{GTID: gtid, Decision: TwoPCRolledBack, Pending: pending, Err: err}
	}
	won, err := c.decide(ctx, gtid)
	if err != nil {
		var pending []string
		for _, p := range parts {
			pending = append(pending, p.String())
			p.release()
		}
		leftBehind = true
		return &TwoPCError{GTID: gtid, Decision: TwoPCUnknown, Pending: pending, Err: err}
	}
	if !won {
		pending := c.abandon(ctx, gtid, parts)
		leftBehind = len(pending) > 0
		return &TwoPCError{GTID: gtid, Decision: TwoPCRolledBack, Pending: pending, Err: errors.New("a recovery rolled the transaction back before its commit was recorded")}
	}
	if pending, err := finishPrepared(ctx, parts, commitPrepared); err != nil {
		leftBehind = true
		return &TwoPCError{GTID: gtid, Decision: TwoPCCommitted, Pending: pending, Err: err}
	}
	// A row left behind is deleted by the next recovery pass.
	c.logDB.ExecContext(ctx, c.logSQL.Delete, gtid)
	return nil
}

func rollbackAll(parts []*txPart) {
	for _, p := range parts {
		p.end(false)
	}
}

// prepareAll prepares every part in parallel.
func prepareAll(ctx context.Context, parts []*txPart) error {
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.prepare(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// prepare runs PREPARE TRANSACTION on the part and checks that it took
// effect. Either way database/sql's transaction ends (the session has
// none any more); the connection stays for the second phase.
func (p *txPart) prepare(ctx context.Context) error {
	p.t.mu.Lock()
	tx := p.tx
	p.tx = nil
	p.t.mu.Unlock()
	pt, _, _ := twoPCCapable(p.shard.Backend)
	_, err := tx.ExecContext(ctx, pt.PrepareSQL(p.gid))
	if err == nil {
		var prepared bool
		prepared, err = pt.IsPrepared(ctx, tx, p.gid)
		switch {
		case err != nil:
			p.maybePrepared = true
		case prepared:
			p.prepared = true
		default:
			err = errors.New("PREPARE TRANSACTION rolled the transaction back: a statement of the transaction had failed on this shard")
		}
	} else if brokenConnection(err) {
		p.maybePrepared = true
	}
	tx.Rollback()
	if err != nil {
		return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("prepare: %w", err)}
	}
	return nil
}

// decide records the commit decision. It reports false when the row is
// no longer 'prepare' (a recovery rolled the transaction back), and an
// error when the outcome of the write cannot be read back.
func (c *twopc) decide(ctx context.Context, gtid string) (bool, error) {
	res, err := c.logDB.ExecContext(ctx, c.logSQL.Commit, gtid)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil {
			return n == 1, nil
		}
	}
	// The write may or may not have committed: read the row.
	var state string
	switch rerr := c.logDB.QueryRowContext(ctx, c.logSQL.State, gtid).Scan(&state); {
	case errors.Is(rerr, sql.ErrNoRows):
		return false, nil
	case rerr != nil:
		return false, fmt.Errorf("recording the commit decision in the log on %s: %w", c.log.URL, err)
	}
	return state == TwoPCCommitted, nil
}

// abandon rolls back a transaction that will not commit: the row goes to
// 'rollback' (recovery then agrees), the prepared parts are rolled back,
// and the row is deleted. It returns the parts that may be left
// prepared, for the resolver to roll back.
func (c *twopc) abandon(ctx context.Context, gtid string, parts []*txPart) []string {
	c.logDB.ExecContext(ctx, c.logSQL.Rollback, gtid)
	pending, err := finishPrepared(ctx, parts, rollbackPrepared)
	if err != nil {
		return pending
	}
	c.logDB.ExecContext(ctx, c.logSQL.Delete, gtid)
	return nil
}

// finishPrepared runs COMMIT PREPARED or ROLLBACK PREPARED on the parts,
// in order, and gives their connections back. A part that is not
// prepared is rolled back. It returns the parts it could not finish.
func finishPrepared(ctx context.Context, parts []*txPart, verb string) ([]string, error) {
	var pending []string
	var errs []error
	for _, p := range parts {
		if !p.prepared && !p.maybePrepared {
			p.end(false)
			continue
		}
		if err := p.finish(ctx, verb); err != nil {
			pending = append(pending, p.String())
			errs = append(errs, err)
		}
		p.release()
	}
	return pending, errors.Join(errs...)
}

// finish runs COMMIT PREPARED or ROLLBACK PREPARED for the part, on its
// connection or, if that broke, on another of the backend's. A prepared
// transaction that no longer exists was finished by a recovery (or, when
// rolling back, never prepared).
func (p *txPart) finish(ctx context.Context, verb string) error {
	pt, _, _ := twoPCCapable(p.shard.Backend)
	q := preparedSQL(pt, verb, p.gid)
	var err error
	p.t.mu.Lock()
	holding := p.holding
	p.t.mu.Unlock()
	if holding {
		_, err = p.held.ExecContext(ctx, q)
	}
	if !holding || brokenConnection(err) {
		_, err = p.shard.Backend.DB.ExecContext(ctx, q)
	}
	if err == nil || pt.IsUnknownPrepared(err) {
		return nil
	}
	return &shard.Error{Keyspace: p.shard.Keyspace, Shard: p.shard.Name, Err: fmt.Errorf("%s: %w", strings.ToLower(verb), err)}
}

// close stops the resolver and releases the log's connections (and with
// them the advisory lock). Prepared transactions stay for a recovery.
func (c *twopc) close() {
	c.cancel()
	<-c.done
	c.setupMu.Lock()
	if c.lock != nil {
		discard(c.lock)
		c.lock.Close()
		c.lock = nil
	}
	c.setupMu.Unlock()
	c.logDB.Close()
}
