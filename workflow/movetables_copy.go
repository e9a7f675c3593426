package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/vindex"
)

// copyAll copies every table, one after another.
func (m *mover) copyAll(ctx context.Context) error {
	var total int64
	for _, mt := range m.tables {
		total += mt.rows
	}
	meter := startMeter(ctx, m.opts.Progress, "copy", total)
	defer meter.finish()
	for _, mt := range m.tables {
		meter.setTable(mt.t.Name)
		if mt.skip {
			meter.add(int(mt.rows))
			continue
		}
		if err := m.copyTable(ctx, mt, meter); err != nil {
			return fmt.Errorf("vitessdo: movetables: table %s: %w", mt.t, err)
		}
		if m.opts.afterTable != nil {
			m.opts.afterTable(mt.t.Name)
		}
	}
	return nil
}

// copyTable reads the source table in one goroutine and writes it in
// another, in batches, in one transaction of the driver.
func (m *mover) copyTable(ctx context.Context, mt *moveTable, meter *meter) error {
	autoInc := -1
	if ai := mt.t.AutoIncrement; ai != nil {
		for i, c := range mt.cols {
			if strings.EqualFold(c, ai.Column) {
				autoInc = i
			}
		}
	}
	size := batchRows(len(mt.cols))
	g := newGroup(ctx)
	batches := make(chan batch, 4)
	g.run(func(ctx context.Context) error {
		defer close(batches)
		b := make(batch, 0, size)
		err := readTable(ctx, m.src, mt.t.Name, mt.cols, func(row []any) error {
			cp := make([]any, len(row))
			for i, v := range row {
				if bs, ok := v.([]byte); ok {
					v = append([]byte(nil), bs...)
				}
				cp[i] = v
			}
			if autoInc >= 0 {
				if n, ok := asInt(cp[autoInc]); ok && (!mt.hasMax || n > mt.maxID) {
					mt.maxID, mt.hasMax = n, true
				}
			}
			b = append(b, cp)
			if len(b) == size {
				if err := send(ctx, batches, b); err != nil {
					return err
				}
				b = make(batch, 0, size)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("source: %w", err)
		}
		if len(b) > 0 {
			return send(ctx, batches, b)
		}
		return nil
	})
	g.run(func(ctx context.Context) error {
		err := m.writeTable(ctx, mt, batches, meter)
		for range batches {
		}
		return err
	})
	return g.wait()
}

// writeTable inserts the batches through the driver in one transaction:
// for each batch, the rows of the owned lookup vindexes, then the rows.
func (m *mover) writeTable(ctx context.Context, mt *moveTable, in <-chan batch, meter *meter) error {
	var ids *keyspaceIDs
	if len(mt.t.Owned) > 0 {
		var err error
		if ids, err = newKeyspaceIDs(mt.t, mt.cols); err != nil {
			return err
		}
	}
	owned := make([][]int, len(mt.t.Owned))
	for i, cv := range mt.t.Owned {
		for _, c := range cv.Columns {
			idx := -1
			for j, n := range mt.cols {
				if strings.EqualFold(n, c) {
					idx = j
				}
			}
			if idx < 0 {
				return fmt.Errorf("the source has no column %q, which vindex %q reads", c, cv.Name)
			}
			owned[i] = append(owned[i], idx)
		}
	}
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cur := txCursor{tx: tx}
	stmts := map[int]string{}
	args := make([]any, 0, batchRows(len(mt.cols))*len(mt.cols))
	for b := range in {
		if len(mt.t.Owned) > 0 {
			ksids, err := ids.of(ctx, b)
			if err != nil {
				return err
			}
			for i, cv := range mt.t.Owned {
				vals := make([][]any, len(b))
				for r, row := range b {
					v := make([]any, len(owned[i]))
					for j, idx := range owned[i] {
						v[j] = row[idx]
					}
					vals[r] = v
				}
				if err := cv.Vindex.(vindex.Lookup).Create(ctx, cur, vals, ksids, false); err != nil {
					return fmt.Errorf("vindex %q: %w", cv.Name, err)
				}
			}
		}
		q, ok := stmts[len(b)]
		if !ok {
			q = driverInsert(mt.t.Keyspace.Name, mt.t.Name, mt.cols, len(b))
			stmts[len(b)] = q
		}
		args = args[:0]
		for _, row := range b {
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		meter.add(len(b))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// driverInsert returns the driver's multi-row INSERT of n rows.
func driverInsert(keyspace, table string, cols []string, n int) string {
	var q strings.Builder
	q.WriteString("INSERT INTO ")
	q.WriteString(backquote(keyspace))
	q.WriteByte('.')
	q.WriteString(backquote(strings.ToLower(table)))
	q.WriteString(" (")
	q.WriteString(nameList(cols))
	q.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(row)
	}
	return q.String()
}

// advanceSequences raises the next_id of each copied table's sequence
// above the largest id copied, creating the sequence table (and its row)
// when missing.
func (m *mover) advanceSequences(ctx context.Context) error {
	for _, mt := range m.tables {
		ai := mt.t.AutoIncrement
		if ai == nil || ai.Sequence == nil || !mt.hasMax {
			continue
		}
		seq := ai.Sequence
		ddl := "CREATE TABLE " + backquote(strings.ToLower(seq.Name)) + " (`id` bigint NOT NULL, `next_id` bigint, `cache` bigint, PRIMARY KEY (`id`))"
		if _, err := m.ensureSequenceTable(ctx, mt, ddl); err != nil {
			return err
		}
		shards, err := m.shardsOf(seq.Keyspace)
		if err != nil {
			return err
		}
		next, err := raiseSequence(ctx, shards[0], seq.Name, mt.maxID+1)
		if err != nil {
			return fmt.Errorf("vitessdo: movetables: sequence %s: %w", seq, err)
		}
		m.res.Sequences = append(m.res.Sequences, SequenceAdvance{Sequence: seq.String(), Table: mt.t.String(), NextID: next})
	}
	return nil
}

// ensureSequenceTable creates a sequence table through the driver when
// its shard lacks it.
func (m *mover) ensureSequenceTable(ctx context.Context, mt *moveTable, ddl string) (bool, error) {
	seq := mt.t.AutoIncrement.Sequence
	shards, err := m.shardsOf(seq.Keyspace)
	if err != nil {
		return false, err
	}
	cat, err := readCatalog(ctx, shards[0].backend)
	if err != nil {
		return false, err
	}
	if _, ok := cat[strings.ToLower(seq.Name)]; ok {
		return false, nil
	}
	if _, err := m.db.ExecContext(ctx, qualifyDDL(seq, ddl)); err != nil {
		return false, fmt.Errorf("vitessdo: movetables: creating sequence table %s: %w", seq, err)
	}
	return true, nil
}

// raiseSequence sets a sequence's next_id to at least next, in one
// transaction on its shard, and returns the next_id it leaves.
func raiseSequence(ctx context.Context, s *shardBackend, table string, next int64) (int64, error) {
	b := s.backend
	t, err := b.Dialect.QuoteIdent(strings.ToLower(table))
	if err != nil {
		return 0, err
	}
	tx, err := b.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var cur sql.NullInt64
	p1, p2 := b.Dialect.Placeholder(1), b.Dialect.Placeholder(2)
	switch err := tx.QueryRowContext(ctx, "SELECT next_id FROM "+t+" WHERE id = 0").Scan(&cur); {
	case err == sql.ErrNoRows:
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+t+" (id, next_id, cache) VALUES (0, "+p1+", "+p2+")", next, int64(1000)); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, err
	case !cur.Valid || cur.Int64 < next:
		if _, err := tx.ExecContext(ctx, "UPDATE "+t+" SET next_id = "+p1+" WHERE id = 0", next); err != nil {
			return 0, err
		}
	default:
		next = cur.Int64
	}
	return next, tx.Commit()
}

// verify compares every table copied, the source against the union of
// its shards (each shard, for a reference table).
func (m *mover) verify(ctx context.Context) error {
	var total int64
	for _, mt := range m.tables {
		total += 2 * mt.rows
	}
	meter := startMeter(ctx, m.opts.Progress, "verify", total)
	defer meter.finish()
	for i, mt := range m.tables {
		meter.setTable(mt.t.Name)
		tc := &m.res.Tables[i]
		problems, err := m.compare(ctx, mt, tc, meter)
		if err != nil {
			return err
		}
		m.res.Problems = append(m.res.Problems, problems...)
	}
	return nil
}

// compare sums a table on the source and on its shards into tc and
// returns the differences.
func (m *mover) compare(ctx context.Context, mt *moveTable, tc *TableCopy, meter *meter) ([]string, error) {
	shards, err := m.shardsOf(mt.t.Keyspace)
	if err != nil {
		return nil, err
	}
	lower := make([]string, len(mt.cols))
	for j, c := range mt.cols {
		lower[j] = strings.ToLower(c)
	}
	reference := mt.t.Type == "reference" && mt.t.Keyspace.Sharded
	var srcSum Sum
	sums := make([]Sum, len(shards))
	// The source and the shards are read at once.
	g := newGroup(ctx)
	g.run(func(ctx context.Context) error {
		err := sumTable(ctx, m.src, mt.t.Name, mt.cols, mt.kinds, func(_ []any, h uint64) error {
			srcSum.add(h)
			meter.add(1)
			return nil
		})
		if err != nil {
			return fmt.Errorf("vitessdo: movetables: verify: source: %w", err)
		}
		return nil
	})
	for j, s := range shards {
		g.run(func(ctx context.Context) error {
			err := sumTable(ctx, s.backend, strings.ToLower(mt.t.Name), lower, mt.kinds, func(_ []any, h uint64) error {
				sums[j].add(h)
				if !reference || j == 0 {
					meter.add(1)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("vitessdo: movetables: verify: shard %s: %w", s, err)
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	tc.Source, tc.Target, tc.Shards = srcSum, Sum{}, nil
	var problems []string
	if reference {
		tc.Shards = map[string]Sum{}
		tc.Target = sums[0]
		for j, s := range shards {
			tc.Shards[s.name] = sums[j]
			if sums[j] != srcSum {
				problems = append(problems, fmt.Sprintf("reference table %s: shard %s holds %s, the source %s", mt.t, s, sums[j], srcSum))
			}
		}
		return problems, nil
	}
	for _, s := range sums {
		tc.Target.merge(s)
	}
	if tc.Target != srcSum {
		problems = append(problems, fmt.Sprintf("table %s: the shards hold %s, the source %s", mt.t, tc.Target, srcSum))
	}
	return problems, nil
}
