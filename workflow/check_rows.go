package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vindex"
	"github.com/dot-do/vitessdo/vschema"
)

// rowBatch is how many rows go to a vindex (or a lookup query) at once.
const rowBatch = 256

// placement reads every row of every sharded table, shard by shard, and
// reports the rows whose primary vindex names another shard.
func (c *checker) placement(ctx context.Context, ks *vschema.Keyspace) error {
	for _, t := range sortedTables(ks) {
		if !t.IsSharded() || t.Primary() == nil {
			continue
		}
		if t.Primary().Vindex.NeedsCursor() {
			c.r.warning(Finding{Kind: KindNotChecked, Keyspace: ks.Name, Table: t.Name, Message: fmt.Sprintf("the placement of rows by the lookup vindex %s is not checked", t.Primary().Name)})
			continue
		}
		for _, sh := range c.shards(ks) {
			if c.tables[ks.Name][strings.ToLower(t.Name)][sh.Name] == nil {
				continue
			}
			if err := c.placementOn(ctx, t, sh); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Shard: sh.Name, Table: t.Name, Message: fmt.Sprintf("reading the table: %v", err)})
			}
		}
	}
	return nil
}

// primaryKey returns the table's primary-key columns on a shard, else
// the columns of its primary vindex.
func primaryKey(ctx context.Context, t *vschema.Table, sh *shard.Shard) []string {
	if pk, err := sh.Backend.PrimaryKeyContext(ctx, t.Name); err == nil && len(pk) > 0 {
		return pk
	}
	if p := t.Primary(); p != nil {
		return p.Columns
	}
	return nil
}

func (c *checker) placementOn(ctx context.Context, t *vschema.Table, sh *shard.Shard) error {
	pv := t.Primary()
	pk := primaryKey(ctx, t, sh)
	cols := union(pk, pv.Columns)
	vcols := make([]int, len(pv.Columns))
	for i, col := range pv.Columns {
		vcols[i] = indexOf(cols, col)
	}
	var batch [][]any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		dests, err := mapRows(ctx, pv.Vindex, batch, vcols)
		if err != nil {
			return err
		}
		for i, d := range dests {
			name, ok := c.shardOf(sh.Keyspace, d)
			if !ok || name == sh.Name {
				continue
			}
			msg := fmt.Sprintf("the row is on shard %s but its primary vindex %s names shard %s", sh.Name, pv.Name, name)
			if name == "" {
				msg = fmt.Sprintf("the row is on shard %s but its primary vindex %s maps it to no shard", sh.Name, pv.Name)
			}
			c.r.problem(Finding{Kind: KindMisplacedRow, Keyspace: sh.Keyspace, Shard: sh.Name, Table: t.Name, Key: keyOf(pk, batch[i][:len(pk)]), Message: msg})
		}
		batch = batch[:0]
		return nil
	}
	err := c.scanShard(ctx, sh, "SELECT "+columnList(cols)+" FROM "+quoteIdent(t.Name), nil, func(row []any) error {
		c.r.Rows++
		batch = append(batch, copyRow(row))
		if len(batch) == rowBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// mapRows maps the vindex columns (at positions cols) of rows to their
// destinations.
func mapRows(ctx context.Context, v vindex.Vindex, rows [][]any, cols []int) ([]key.Destination, error) {
	switch v := v.(type) {
	case vindex.SingleColumn:
		values := make([]any, len(rows))
		for i, r := range rows {
			values[i] = r[cols[0]]
		}
		return v.Map(ctx, nil, values)
	case vindex.MultiColumn:
		vrows := make([][]any, len(rows))
		for i, r := range rows {
			vr := make([]any, len(cols))
			for j, k := range cols {
				vr[j] = r[k]
			}
			vrows[i] = vr
		}
		return v.Map(ctx, nil, vrows)
	}
	return nil, fmt.Errorf("vindex %s maps no values", v)
}

// shardOf returns the shard a destination names, "" for none; false when
// it names several (a range).
func (c *checker) shardOf(keyspace string, d key.Destination) (string, bool) {
	switch d := d.(type) {
	case key.DestinationKeyspaceID:
		if sh := c.topo.ShardFor(keyspace, d); sh != nil {
			return sh.Name, true
		}
	case key.DestinationShard:
		return string(d), true
	case key.DestinationNone:
		return "", true
	}
	return "", false
}

// references compares each reference table across the shards of its
// keyspace: a digest of its rows in primary-key order on each shard, the
// shards whose digest differs from the most common one named.
func (c *checker) references(ctx context.Context, ks *vschema.Keyspace) error {
	for _, t := range sortedTables(ks) {
		if t.Type != vschema.TypeReference {
			continue
		}
		type digest struct {
			sum  [32]byte
			rows int64
		}
		digests := map[string]digest{}
		var names []string
		for _, sh := range c.shards(ks) {
			ti := c.tables[ks.Name][strings.ToLower(t.Name)][sh.Name]
			if ti == nil {
				continue
			}
			order := primaryKey(ctx, t, sh)
			if len(order) == 0 {
				for _, col := range ti.Columns {
					order = append(order, col.Name)
				}
			}
			h := sha256.New()
			var n int64
			err := c.scanShard(ctx, sh, "SELECT * FROM "+quoteIdent(t.Name)+" ORDER BY "+columnList(order), nil, func(row []any) error {
				n++
				c.r.Rows++
				hashRow(h, row)
				return nil
			})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Shard: sh.Name, Table: t.Name, Message: fmt.Sprintf("reading the table: %v", err)})
				continue
			}
			var d digest
			copy(d.sum[:], h.Sum(nil))
			d.rows = n
			digests[sh.Name] = d
			names = append(names, sh.Name)
		}
		count := map[[32]byte]int{}
		for _, d := range digests {
			count[d.sum]++
		}
		if len(count) < 2 {
			continue
		}
		// The digest most shards have (the first shard's on a tie) is
		// the table's.
		best := digests[names[0]].sum
		for s, n := range count {
			if n > count[best] {
				best = s
			}
		}
		var ref string
		for _, n := range names {
			if digests[n].sum == best {
				ref = n
				break
			}
		}
		sort.Strings(names)
		for _, n := range names {
			if d := digests[n]; d.sum != best {
				c.r.problem(Finding{Kind: KindReferenceDrift, Keyspace: ks.Name, Shard: n, Table: t.Name,
					Message: fmt.Sprintf("the reference table's rows differ from shard %s's (%d rows here, %d there)", ref, d.rows, digests[ref].rows)})
			}
		}
	}
	return nil
}

// hashRow adds a row to a digest, each value with its Go type, as the
// backend returned it.
func hashRow(h interface{ Write([]byte) (int, error) }, row []any) {
	var buf [9]byte
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			h.Write([]byte{0})
		case int64:
			buf[0] = 1
			binary.BigEndian.PutUint64(buf[1:], uint64(v))
			h.Write(buf[:])
		case float64:
			buf[0] = 2
			binary.BigEndian.PutUint64(buf[1:], math.Float64bits(v))
			h.Write(buf[:])
		case bool:
			if v {
				h.Write([]byte{3, 1})
			} else {
				h.Write([]byte{3, 0})
			}
		case []byte:
			writeBytes(h, 4, v)
		case string:
			writeBytes(h, 5, []byte(v))
		case time.Time:
			writeBytes(h, 6, []byte(v.UTC().Format(time.RFC3339Nano)))
		default:
			writeBytes(h, 7, []byte(fmt.Sprintf("%T:%v", v, v)))
		}
	}
	h.Write([]byte{0xff})
}

func writeBytes(h interface{ Write([]byte) (int, error) }, tag byte, b []byte) {
	var buf [9]byte
	buf[0] = tag
	binary.BigEndian.PutUint64(buf[1:], uint64(len(b)))
	h.Write(buf[:])
	h.Write(b)
}
