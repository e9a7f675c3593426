package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// schema reads every shard's catalog and reports the VSchema tables a
// shard lacks and the columns that differ between the shards that have a
// table: a column some shards lack, or whose type differs, named on the
// shards that are in the minority.
func (c *checker) schema(ctx context.Context, ks *vschema.Keyspace) error {
	byTable := map[string]map[string]*shard.TableInfo{}
	c.tables[ks.Name] = byTable
	shards := c.shards(ks)
	for _, sh := range shards {
		tables, err := sh.Backend.ReadCatalog(ctx, queryAll(sh.Backend.DB))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Shard: sh.Name, Message: fmt.Sprintf("reading its catalog: %v", err)})
			c.down[sh.Backend] = true
			continue
		}
		for i := range tables {
			name := strings.ToLower(tables[i].Name)
			if ks.Tables[name] == nil {
				continue
			}
			if byTable[name] == nil {
				byTable[name] = map[string]*shard.TableInfo{}
			}
			byTable[name][sh.Name] = &tables[i]
		}
	}
	shards = c.shards(ks)
	for _, t := range sortedTables(ks) {
		c.r.Tables++
		have := byTable[strings.ToLower(t.Name)]
		for _, sh := range shards {
			if have[sh.Name] == nil {
				c.r.problem(Finding{Kind: KindMissingTable, Keyspace: ks.Name, Shard: sh.Name, Table: t.Name, Message: "the vschema lists the table but the shard does not have it"})
			}
		}
		c.columnDrift(ks, t, shards, have)
	}
	return nil
}

// columnDrift compares a table's columns across the shards that have it.
func (c *checker) columnDrift(ks *vschema.Keyspace, t *vschema.Table, shards []*shard.Shard, have map[string]*shard.TableInfo) {
	if len(have) < 2 {
		return
	}
	// types[column][type] lists the shards with that column of that type.
	types := map[string]map[string][]string{}
	for _, sh := range shards {
		ti := have[sh.Name]
		if ti == nil {
			continue
		}
		for _, col := range ti.Columns {
			name := strings.ToLower(col.Name)
			if types[name] == nil {
				types[name] = map[string][]string{}
			}
			typ := strings.ToLower(col.Type)
			types[name][typ] = append(types[name][typ], sh.Name)
		}
	}
	cols := make([]string, 0, len(types))
	for col := range types {
		cols = append(cols, col)
	}
	sort.Strings(cols)
	for _, col := range cols {
		var with []string
		for _, shs := range types[col] {
			with = append(with, shs...)
		}
		if len(with) < len(have) {
			// Present on some shards only: name the minority.
			if 2*len(with) <= len(have) {
				for _, s := range sortedStrings(with) {
					c.r.problem(Finding{Kind: KindColumnDrift, Keyspace: ks.Name, Shard: s, Table: t.Name, Column: col,
						Message: fmt.Sprintf("the shard has column %s, which %d of the %d other shards with the table lack", col, len(have)-len(with), len(have)-1)})
				}
			} else {
				for _, sh := range shards {
					if have[sh.Name] != nil && !contains(with, sh.Name) {
						c.r.problem(Finding{Kind: KindColumnDrift, Keyspace: ks.Name, Shard: sh.Name, Table: t.Name, Column: col,
							Message: fmt.Sprintf("the shard lacks column %s, which the other shards with the table have", col)})
					}
				}
			}
		}
		if len(types[col]) > 1 {
			// The type most shards have is the table's.
			best, bestN := "", -1
			for typ, shs := range types[col] {
				if len(shs) > bestN || (len(shs) == bestN && typ < best) {
					best, bestN = typ, len(shs)
				}
			}
			for typ, shs := range types[col] {
				if typ == best {
					continue
				}
				for _, s := range sortedStrings(shs) {
					c.r.problem(Finding{Kind: KindColumnDrift, Keyspace: ks.Name, Shard: s, Table: t.Name, Column: col,
						Message: fmt.Sprintf("column %s is %s on this shard and %s on %d others", col, typ, best, bestN)})
				}
			}
		}
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// queryAll runs a catalog query on a backend's pool.
func queryAll(db *sql.DB) shard.QueryFunc {
	return func(ctx context.Context, q string) ([][]any, error) {
		rs, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		return scanAll(rs)
	}
}
