package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// resharder copies a keyspace's rows from the shards that go away
// (sources) into the shards that come (targets).
type resharder struct {
	ks      *vschema.Keyspace
	sources []*shardBackend
	targets []*shardBackend
	// ranges[i] is the key range of targets[i].
	ranges []key.KeyRange
	to     []string
	opts   ReshardOptions

	tables []reshardTable
}

// reshardTable is one table being moved and what the copy saw of it.
type reshardTable struct {
	t     *vschema.Table
	cols  []string
	kinds []valueKind
	// copied[i] is the sum of the rows copied into targets[i], as the
	// copy read them from the sources.
	copied []Sum
}

// prepare marks the new shards as a reshard in progress and creates
// every table on them afresh, as the old shards describe it.
func (r *resharder) prepare(ctx context.Context) error {
	for _, t := range r.targets {
		if err := guardTarget(ctx, t, r.ks); err != nil {
			return err
		}
		if err := markInProgress(ctx, t, r.ks, r.to); err != nil {
			return err
		}
	}
	cat, err := readCatalog(ctx, r.sources[0].backend)
	if err != nil {
		return fmt.Errorf("vitessdo: reshard: shard %s: %w", r.sources[0], err)
	}
	for _, t := range dataTables(r.ks) {
		info, ok := cat[strings.ToLower(t.Name)]
		if !ok {
			continue
		}
		cols, kinds := columnsOf(info)
		ddl := createTableSQL(t.Name, info, true)
		for _, tg := range r.targets {
			if err := dropTable(ctx, tg.backend, t.Name); err != nil {
				return fmt.Errorf("vitessdo: reshard: shard %s: %w", tg, err)
			}
			if err := createTable(ctx, tg.backend, ddl); err != nil {
				return fmt.Errorf("vitessdo: reshard: shard %s: table %s: %w", tg, t.Name, err)
			}
		}
		r.tables = append(r.tables, reshardTable{t: t, cols: cols, kinds: kinds, copied: make([]Sum, len(r.targets))})
	}
	return nil
}

// readers returns the old shards a table's rows are read from: every
// source for a sharded table, the first for a reference table (whose
// rows every shard holds).
func (r *resharder) readers(t *vschema.Table) []*shardBackend {
	if t.IsSharded() {
		return r.sources
	}
	return r.sources[:1]
}

// countRows returns the rows the copy will read.
func (r *resharder) countRows(ctx context.Context) (int64, error) {
	var total int64
	for _, rt := range r.tables {
		for _, s := range r.readers(rt.t) {
			n, err := countTable(ctx, s.backend, rt.t.Name)
			if err != nil {
				return 0, fmt.Errorf("vitessdo: reshard: shard %s: %w", s, err)
			}
			if rt.t.IsSharded() {
				total += n
			} else {
				total += n * int64(len(r.targets))
			}
		}
	}
	return total, nil
}

func countTable(ctx context.Context, b *shard.Backend, table string) (int64, error) {
	t, err := b.Dialect.QuoteIdent(strings.ToLower(table))
	if err != nil {
		return 0, err
	}
	var n int64
	if err := b.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting %s: %w", table, err)
	}
	return n, nil
}

// copy copies every table, one after another; each table is read from
// the old shards in parallel and written to the new shards in parallel,
// in one transaction per new shard.
func (r *resharder) copy(ctx context.Context) error {
	total, err := r.countRows(ctx)
	if err != nil {
		return err
	}
	m := startMeter(ctx, r.opts.Progress, "copy", total)
	defer m.finish()
	for i := range r.tables {
		m.setTable(r.tables[i].t.Name)
		if err := r.copyTable(ctx, &r.tables[i], m); err != nil {
			return err
		}
	}
	return nil
}

// batch is rows bound for one new shard.
type batch [][]any

func (r *resharder) copyTable(ctx context.Context, rt *reshardTable, m *meter) error {
	g := newGroup(ctx)
	chans := make([]chan batch, len(r.targets))
	for i, tg := range r.targets {
		chans[i] = make(chan batch, 4)
		g.run(func(ctx context.Context) error {
			return writeRows(ctx, tg, rt.t.Name, rt.cols, chans[i], m, r.opts.afterBatch)
		})
	}
	readers := newGroup(g.ctx)
	sums := make([][]Sum, len(r.readers(rt.t)))
	for si, src := range r.readers(rt.t) {
		sums[si] = make([]Sum, len(r.targets))
		readers.run(func(ctx context.Context) error {
			return r.readShard(ctx, rt, src, chans, sums[si])
		})
	}
	rerr := readers.wait()
	for _, c := range chans {
		close(c)
	}
	werr := g.wait()
	if rerr != nil {
		return rerr
	}
	if werr != nil {
		return werr
	}
	for _, s := range sums {
		for i := range s {
			rt.copied[i].merge(s[i])
		}
	}
	return ctx.Err()
}

// readShard reads a table's rows from one old shard and sends each to the
// new shard its keyspace id names (every new shard, for a reference
// table), summing what it sends.
func (r *resharder) readShard(ctx context.Context, rt *reshardTable, src *shardBackend, chans []chan batch, sums []Sum) error {
	var ids *keyspaceIDs
	if rt.t.IsSharded() {
		var err error
		if ids, err = newKeyspaceIDs(rt.t, rt.cols); err != nil {
			return err
		}
	}
	size := batchRows(len(rt.cols))
	bufs := make([]batch, len(r.targets))
	pending := make([][]any, 0, size)
	hashes := make([]uint64, 0, size)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		dest, err := r.route(ctx, rt, ids, src, pending)
		if err != nil {
			return err
		}
		for i, row := range pending {
			for _, d := range dest[i] {
				sums[d].add(hashes[i])
				bufs[d] = append(bufs[d], row)
				if len(bufs[d]) >= size {
					if err := send(ctx, chans[d], bufs[d]); err != nil {
						return err
					}
					bufs[d] = nil
				}
			}
		}
		pending, hashes = pending[:0], hashes[:0]
		return nil
	}
	h := newRowHasher(rt.kinds)
	err := readTable(ctx, src.backend, rt.t.Name, rt.cols, func(row []any) error {
		cp := make([]any, len(row))
		for i, v := range row {
			if b, ok := v.([]byte); ok {
				v = append([]byte(nil), b...)
			}
			cp[i] = v
		}
		pending = append(pending, cp)
		hashes = append(hashes, h.hash(cp))
		if len(pending) == size {
			return flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("vitessdo: reshard: shard %s: %w", src, err)
	}
	if err := flush(); err != nil {
		return err
	}
	for d, b := range bufs {
		if len(b) > 0 {
			if err := send(ctx, chans[d], b); err != nil {
				return err
			}
		}
	}
	return nil
}

// route returns, per row, the new shards it goes to.
func (r *resharder) route(ctx context.Context, rt *reshardTable, ids *keyspaceIDs, src *shardBackend, rows [][]any) ([][]int, error) {
	out := make([][]int, len(rows))
	if ids == nil {
		all := make([]int, len(r.targets))
		for i := range all {
			all[i] = i
		}
		for i := range out {
			out[i] = all
		}
		return out, nil
	}
	ksids, err := ids.of(ctx, rows)
	if err != nil {
		return nil, err
	}
	for i, id := range ksids {
		d := shardIndex(r.ranges, id)
		if d < 0 {
			return nil, fmt.Errorf("vitessdo: reshard: table %s: a row on shard %s has keyspace id %x, outside every new shard it is copied to (the row is on the wrong shard: run vitessdo check)", rt.t.Name, src, id)
		}
		out[i] = []int{d}
	}
	return out, nil
}

func send(ctx context.Context, c chan batch, b batch) error {
	select {
	case c <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readTable calls each with every row of a table, in one read
// transaction, so that the rows are one snapshot of it.
func readTable(ctx context.Context, b *shard.Backend, table string, cols []string, each func(row []any) error) error {
	q, err := selectSQL(b, strings.ToLower(table), cols)
	if err != nil {
		return err
	}
	tx, err := b.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	row := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range row {
		ptrs[i] = &row[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
		if err := each(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return nil
}

// writeRows inserts the batches it receives into a table of one new
// shard, in one transaction committed when the channel closes.
func writeRows(ctx context.Context, tg *shardBackend, table string, cols []string, in <-chan batch, m *meter, afterBatch func()) error {
	drain := func() {
		for range in {
		}
	}
	tx, err := tg.backend.DB.BeginTx(ctx, nil)
	if err != nil {
		drain()
		return fmt.Errorf("vitessdo: reshard: shard %s: %w", tg, err)
	}
	defer tx.Rollback()
	stmts := map[int]string{}
	args := make([]any, 0, batchRows(len(cols))*len(cols))
	for b := range in {
		if ctx.Err() != nil {
			continue
		}
		q, ok := stmts[len(b)]
		if !ok {
			if q, err = insertSQL(tg.backend, strings.ToLower(table), cols, len(b)); err != nil {
				drain()
				return err
			}
			stmts[len(b)] = q
		}
		args = args[:0]
		for _, row := range b {
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			drain()
			return fmt.Errorf("vitessdo: reshard: shard %s: table %s: %w", tg, table, err)
		}
		m.add(len(b))
		if afterBatch != nil {
			afterBatch()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("vitessdo: reshard: shard %s: table %s: commit: %w", tg, table, err)
	}
	return nil
}
