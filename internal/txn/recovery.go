package txn

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dot-do/vitessdo/shard"
)

// TwoPCRecovery is what a recovery pass did, by prepared transaction id.
type TwoPCRecovery struct {
	Committed  []string
	RolledBack []string
	// Waiting lists the undecided transactions of live connectors in
	// other processes, left to them.
	Waiting []string
}

// logRow is a row of a decision log.
type logRow struct {
	db           *sql.DB
	sql          *shard.DecisionLogStatements
	locks        shard.AdvisoryLocks
	state        string
	instance     int64
	participants []string
}

// recover runs a recovery pass; see the type's documentation.
func (c *twopc) recover(ctx context.Context) (TwoPCRecovery, error) {
	c.recoverMu.Lock()
	defer c.recoverMu.Unlock()
	var out TwoPCRecovery
	var backends []*shard.Backend
	for _, b := range c.topo.Backends() {
		if _, _, ok := twoPCCapable(b); ok {
			backends = append(backends, b)
		}
	}
	rows, err := c.readLogs(ctx, backends)
	if err != nil || len(rows) == 0 {
		return out, err
	}
	prepared := map[string]*shard.Backend{}
	for _, b := range backends {
		gids, err := preparedOn(ctx, b)
		if err != nil {
			return out, err
		}
		for _, gid := range gids {
			if prepared[gid] == nil {
				prepared[gid] = b
			}
		}
	}
	var errs []error
	// A transaction of a live connector in another process is that
	// connector's to finish, decided or not: resolving its prepared
	// transactions beside it would race its own COMMIT PREPARED.
	live := map[int64]bool{}
	others := func(row *logRow) (bool, error) {
		if row.instance == c.instance {
			return false, nil
		}
		if alive, ok := live[row.instance]; ok {
			return alive, nil
		}
		alive, err := instanceAlive(ctx, row.db, row.locks, row.instance)
		if err != nil {
			return false, err
		}
		live[row.instance] = alive
		return alive, nil
	}
	skip := map[string]bool{}
	for _, gtid := range sortedKeys(rows) {
		row := rows[gtid]
		if c.inFlight(gtid) {
			skip[gtid] = true
			continue
		}
		alive, err := others(row)
		if err != nil {
			errs = append(errs, err)
			skip[gtid] = true
			continue
		}
		if alive {
			skip[gtid] = true
			if row.state == "prepare" {
				out.Waiting = append(out.Waiting, gtid)
			}
			continue
		}
		if row.state != "prepare" {
			continue
		}
		if row.state, err = arbitrate(ctx, row.db, row.sql, gtid); err != nil {
			errs = append(errs, err)
		}
	}
	for _, gid := range sortedKeys(prepared) {
		row := rows[gtidOf(gid)]
		if row == nil || skip[gtidOf(gid)] || row.state != TwoPCCommitted && row.state != TwoPCRolledBack {
			continue
		}
		verb := rollbackPrepared
		if row.state == TwoPCCommitted {
			verb = commitPrepared
		}
		b := prepared[gid]
		pt, _, _ := twoPCCapable(b)
		if _, err := b.DB.ExecContext(ctx, preparedSQL(pt, verb, gid)); err != nil && !pt.IsUnknownPrepared(err) {
			errs = append(errs, fmt.Errorf("vitessdo: recovery: %s %s on %s: %w", verb, gid, b.URL, err))
			continue
		}
		delete(prepared, gid)
		if row.state == TwoPCCommitted {
			out.Committed = append(out.Committed, gid)
		} else {
			out.RolledBack = append(out.RolledBack, gid)
		}
	}
	left := map[string]bool{}
	for gid := range prepared {
		left[gtidOf(gid)] = true
	}
	ours := map[string]bool{}
	for _, b := range c.topo.Backends() {
		ours[b.URL] = true
	}
	for _, gtid := range sortedKeys(rows) {
		row := rows[gtid]
		if row.state != TwoPCCommitted && row.state != TwoPCRolledBack || left[gtid] || skip[gtid] || !allIn(row.participants, ours) {
			continue
		}
		if _, err := row.db.ExecContext(ctx, row.sql.DeleteInState, gtid, row.state); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// readLogs reads the rows of every backend's vitessdo_twopc table.
func (c *twopc) readLogs(ctx context.Context, backends []*shard.Backend) (map[string]*logRow, error) {
	rows := map[string]*logRow{}
	for _, b := range backends {
		db := b.DB
		if b == c.log {
			db = c.logDB
		}
		dl, ok := decisionLog(b)
		if !ok {
			continue
		}
		var exists bool
		if err := db.QueryRowContext(ctx, dl.Exists).Scan(&exists); err != nil {
			return nil, fmt.Errorf("vitessdo: recovery: reading the decision log on %s: %w", b.URL, err)
		}
		if !exists {
			continue
		}
		rs, err := db.QueryContext(ctx, dl.List)
		if err != nil {
			return nil, fmt.Errorf("vitessdo: recovery: reading the decision log on %s: %w", b.URL, err)
		}
		for rs.Next() {
			var gtid, participants string
			_, al, _ := twoPCCapable(b)
			r := &logRow{db: db, sql: dl, locks: al}
			if err := rs.Scan(&gtid, &r.state, &r.instance, &participants); err != nil {
				rs.Close()
				return nil, err
			}
			json.Unmarshal([]byte(participants), &r.participants)
			if rows[gtid] == nil {
				rows[gtid] = r
			}
		}
		if err := rs.Close(); err != nil {
			return nil, err
		}
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// preparedOn lists the vt2pc_ prepared transactions in a backend's
// database.
func preparedOn(ctx context.Context, b *shard.Backend) ([]string, error) {
	pt, _, _ := twoPCCapable(b)
	gids, err := pt.ListPrepared(ctx, b.DB, twopcPrefix)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: recovery: listing prepared transactions on %s: %w", b.URL, err)
	}
	return gids, nil
}

// instanceAlive reports whether the connector of an instance holds its
// advisory lock.
func instanceAlive(ctx context.Context, db *sql.DB, locks shard.AdvisoryLocks, instance int64) (bool, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	got, err := locks.TryAdvisoryLock(ctx, conn, instance)
	if err != nil {
		return false, err
	}
	if got {
		if err := locks.AdvisoryUnlock(ctx, conn, instance); err != nil {
			discard(conn)
		}
	}
	return !got, nil
}

// arbitrate decides rollback for an undecided transaction unless its
// coordinator decided first, and returns the decision ("" when the row
// is gone: the coordinator finished).
func arbitrate(ctx context.Context, db *sql.DB, dl *shard.DecisionLogStatements, gtid string) (string, error) {
	if _, err := db.ExecContext(ctx, dl.Rollback, gtid); err != nil {
		return "", err
	}
	var state string
	err := db.QueryRowContext(ctx, dl.State, gtid).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return state, err
}

// gtidOf returns the transaction of a part's id, gtid_i.
func gtidOf(gid string) string {
	if i := strings.LastIndexByte(gid, '_'); i > 0 {
		return gid[:i]
	}
	return gid
}

func allIn(list []string, set map[string]bool) bool {
	for _, s := range list {
		if !set[s] {
			return false
		}
	}
	return len(list) > 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// resolver runs recovery passes in the background: one when the
// connector opens, and one whenever a commit leaves a prepared part
// behind, retrying a failed pass with backoff until the connector closes.
func (c *twopc) resolver() {
	defer close(c.done)
	delay := time.Second
	for {
		ctx, cancel := context.WithTimeout(c.ctx, twopcTimeout)
		_, err := c.recover(ctx)
		cancel()
		var retry <-chan time.Time
		if err != nil {
			retry = time.After(delay)
			delay = min(2*delay, time.Minute)
		} else {
			delay = time.Second
		}
		select {
		case <-c.ctx.Done():
			return
		case <-c.kick:
		case <-retry:
		}
	}
}
