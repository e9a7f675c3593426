package route

import (
	"context"

	"github.com/dot-do/vitessdo/vschema"
)

// GlobalSchema is the one schema information_schema shows a session
// that has no default keyspace over a VSchema of several keyspaces. It
// holds every table an unqualified name reaches, as Vitess's global
// routing resolves names: a table the VSchema lists in one keyspace
// only, and a table an unsharded keyspace holds unlisted when it is the
// only unsharded keyspace. Tools that take the current database from
// information_schema.SCHEMATA (GORM's migrator does, when DATABASE() is
// NULL) then see the tables their statements reach, whatever the
// keyspaces are called. A query that names a keyspace
// (table_schema = 'shop') still reads that keyspace.
const GlobalSchema = "vt_global"

// globalKeyspace stands for GlobalSchema among the keyspaces an
// information_schema query reads; it is in no VSchema.
var globalKeyspace = &vschema.Keyspace{Name: GlobalSchema}

// globalSources reads every keyspace's catalog and keeps, in schema
// GlobalSchema, the tables unqualified names resolve to.
func (ip *infoSchemaPlan) globalSources(ctx context.Context, vc Cursor) ([]catalogSource, error) {
	var out []catalogSource
	for _, name := range ip.p.vs.KeyspaceNames() {
		ks := ip.p.vs.Keyspace(name)
		src, ok, err := ip.keyspaceSource(ctx, vc, ks)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		src.schema = GlobalSchema
		kept := src.tables[:0:0]
		for _, t := range src.tables {
			if rt, err := ip.p.vs.FindTable("", t.Name, ""); err == nil && rt.Keyspace == ks {
				kept = append(kept, t)
			}
		}
		src.tables = kept
		out = append(out, src)
	}
	return out, nil
}
