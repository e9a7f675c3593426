package route

import (
	"context"
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// infoSchemaPlan answers a SELECT over MySQL's information_schema, as ORMs
// and migration tools ask it (GORM's migrator reads SCHEMATA, TABLES,
// COLUMNS, STATISTICS and TABLE_CONSTRAINTS). Each keyspace is a schema.
//
// The answer is built for every execution, never cached: the keyspaces
// come from the VSchema, and the tables, columns, indexes and foreign keys
// of a keyspace from the catalog of its first shard (DDL runs on every
// shard of the keyspace; a DDLError names the shards where it did not),
// read through the session, so inside a transaction it sees the
// transaction's view. Column types are MySQL's: the type each column was
// created with is recorded in the backend's catalog (see shard.TableInfo).
//
// The router evaluates the statement itself (see catalogSelect): it
// builds the rows of the information_schema table the statement reads,
// for the keyspaces its WHERE asks for (table_schema = ?), and runs the
// statement's clauses over them with the merge's operators. Result columns
// are named as MySQL 8 names them: a plain column in upper case
// (COLUMN_NAME), other items by their text.
type infoSchemaPlan struct {
	p      *Planner
	tables []*infoTable
	query  *catalogSelect
	// schemas are the values of conditions `<schema column> = value` in
	// the WHERE: when there are any, only those keyspaces are read.
	schemas []valueExpr
	// catalogs reports whether any table named needs the shards' catalogs
	// (every one but SCHEMATA).
	catalogs bool
	nargs    int
	// global is set for a session without a default keyspace over a
	// VSchema of several keyspaces: the catalog is then one schema (see
	// GlobalSchema).
	global bool
}

var _ Plan = (*infoSchemaPlan)(nil)

// infoTable is one information_schema table: its columns, in MySQL's
// order and spelling.
type infoTable struct {
	name string
	cols []string
	rows func(ks string, b *shard.Backend, tables []shard.TableInfo) [][]any
}

// infoTables are the information_schema tables vitessdo answers, by
// lower-cased name.
var infoTables = map[string]*infoTable{}

func init() {
	for _, t := range []*infoTable{
		{name: "schemata", cols: []string{"CATALOG_NAME", "SCHEMA_NAME", "DEFAULT_CHARACTER_SET_NAME", "DEFAULT_COLLATION_NAME", "SQL_PATH", "DEFAULT_ENCRYPTION"}},
		{name: "tables", cols: []string{"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE", "ENGINE", "VERSION", "ROW_FORMAT", "TABLE_ROWS", "AUTO_INCREMENT", "CREATE_TIME", "UPDATE_TIME", "TABLE_COLLATION", "CREATE_OPTIONS", "TABLE_COMMENT"}, rows: tablesRows},
		{name: "columns", cols: []string{"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION", "COLUMN_DEFAULT", "IS_NULLABLE", "DATA_TYPE", "CHARACTER_MAXIMUM_LENGTH", "CHARACTER_OCTET_LENGTH", "NUMERIC_PRECISION", "NUMERIC_SCALE", "DATETIME_PRECISION", "CHARACTER_SET_NAME", "COLLATION_NAME", "COLUMN_TYPE", "COLUMN_KEY", "EXTRA", "PRIVILEGES", "COLUMN_COMMENT", "GENERATION_EXPRESSION", "SRS_ID"}, rows: columnsRows},
		{name: "statistics", cols: []string{"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "NON_UNIQUE", "INDEX_SCHEMA", "INDEX_NAME", "SEQ_IN_INDEX", "COLUMN_NAME", "COLLATION", "CARDINALITY", "SUB_PART", "PACKED", "NULLABLE", "INDEX_TYPE", "COMMENT", "INDEX_COMMENT", "IS_VISIBLE", "EXPRESSION"}, rows: statisticsRows},
		{name: "table_constraints", cols: []string{"CONSTRAINT_CATALOG", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME", "TABLE_SCHEMA", "TABLE_NAME", "CONSTRAINT_TYPE", "ENFORCED"}, rows: tableConstraintsRows},
		{name: "key_column_usage", cols: []string{"CONSTRAINT_CATALOG", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME", "TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION", "POSITION_IN_UNIQUE_CONSTRAINT", "REFERENCED_TABLE_SCHEMA", "REFERENCED_TABLE_NAME", "REFERENCED_COLUMN_NAME"}, rows: keyColumnUsageRows},
		{name: "referential_constraints", cols: []string{"CONSTRAINT_CATALOG", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME", "UNIQUE_CONSTRAINT_CATALOG", "UNIQUE_CONSTRAINT_SCHEMA", "UNIQUE_CONSTRAINT_NAME", "MATCH_OPTION", "UPDATE_RULE", "DELETE_RULE", "TABLE_NAME", "REFERENCED_TABLE_NAME"}, rows: referentialConstraintsRows},
	} {
		infoTables[t.name] = t
	}
}

const infoSchemaName = "information_schema"

// schemaColumns are the columns whose equality with a value restricts
// the keyspaces an information_schema query needs.
var schemaColumns = map[string]bool{"table_schema": true, "constraint_schema": true, "schema_name": true, "index_schema": true}

// infoSchemaTables returns the information_schema tables a statement
// reads; ok is false when it reads none. Reading them together with
// keyspace tables is an error.
func infoSchemaTables(stmt sqlparser.SelectStatement) (tables []*infoTable, ok bool, err error) {
	var other []string
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		ate, isTable := n.(*sqlparser.AliasedTableExpr)
		if !isTable {
			return true, nil
		}
		tn, isName := ate.Expr.(sqlparser.TableName)
		if !isName {
			return true, nil
		}
		if !strings.EqualFold(tn.Qualifier.String(), infoSchemaName) {
			other = append(other, sqlparser.String(tn))
			return true, nil
		}
		ok = true
		t := infoTables[strings.ToLower(tn.Name.String())]
		if t == nil {
			err = unsupportedf("information_schema.%s: vitessdo answers information_schema.%s", tn.Name.String(), strings.Join(infoTableNames(), ", "))
			return false, nil
		}
		if !containsTable(tables, t) {
			tables = append(tables, t)
		}
		return true, nil
	}, stmt)
	if ok && err == nil && len(other) > 0 {
		err = unsupportedf("a query of information_schema with other tables (%s)", strings.Join(other, ", "))
	}
	return tables, ok, err
}

func containsTable(ts []*infoTable, t *infoTable) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func infoTableNames() []string {
	names := make([]string, 0, len(infoTables))
	for _, n := range []string{"schemata", "tables", "columns", "statistics", "table_constraints", "key_column_usage", "referential_constraints"} {
		names = append(names, strings.ToUpper(n))
	}
	return names
}

// planInformationSchema plans a SELECT over information_schema tables.
func (p *Planner) planInformationSchema(sel sqlparser.SelectStatement, tables []*infoTable, nargs int, s *Session) (Plan, error) {
	ip := &infoSchemaPlan{p: p, tables: tables, nargs: nargs, global: s.Keyspace == "" && len(p.vs.Keyspaces) > 1}
	for _, t := range tables {
		ip.catalogs = ip.catalogs || t.rows != nil
	}
	if s, ok := sel.(*sqlparser.Select); ok && s.Where != nil {
		for _, c := range splitAnd(s.Where.Expr) {
			cmp, ok := c.(*sqlparser.ComparisonExpr)
			if !ok || cmp.Operator != sqlparser.EqualStr {
				continue
			}
			col, ok := cmp.Left.(*sqlparser.ColName)
			if !ok || !schemaColumns[col.Name.Lowered()] {
				continue
			}
			if v, ok := newValueExpr(cmp.Right); ok {
				ip.schemas = append(ip.schemas, v)
			}
		}
	}
	q, err := compileCatalogSelect(sel, tables[0])
	if err != nil {
		return nil, err
	}
	ip.query = q
	return ip, nil
}

func (ip *infoSchemaPlan) NumArgs() int { return ip.nargs }

func (ip *infoSchemaPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, ip, vc, args)
}

// Explain lists the catalog reads: one shard of each keyspace asked for.
func (ip *infoSchemaPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	kss, err := ip.keyspaces(args)
	if err != nil || !ip.catalogs {
		return nil, err
	}
	var rows []ExplainRow
	for _, ks := range kss {
		if shards := ip.p.topo.Shards(ks.Name); len(shards) > 0 {
			rows = append(rows, ExplainRow{Keyspace: ks.Name, Shard: shards[0].Name, Query: "-- catalog read for information_schema"})
		}
	}
	return rows, nil
}

// keyspaces returns the keyspaces the statement asks about.
func (ip *infoSchemaPlan) keyspaces(args []any) ([]*vschema.Keyspace, error) {
	var out []*vschema.Keyspace
	if len(ip.schemas) == 0 && ip.global {
		return []*vschema.Keyspace{globalKeyspace}, nil
	}
	if len(ip.schemas) == 0 {
		for _, n := range ip.p.vs.KeyspaceNames() {
			out = append(out, ip.p.vs.Keyspace(n))
		}
		return out, nil
	}
	for _, v := range ip.schemas {
		x, err := v.eval(args)
		if err != nil {
			return nil, err
		}
		name, ok := x.(string)
		if b, isBytes := x.([]byte); isBytes {
			name, ok = string(b), true
		}
		if !ok {
			continue
		}
		if ks := ip.p.vs.Keyspace(name); ks != nil && !containsKeyspace(out, ks) {
			out = append(out, ks)
		} else if ip.global && name == GlobalSchema && !containsKeyspace(out, globalKeyspace) {
			out = append(out, globalKeyspace)
		}
	}
	return out, nil
}

func containsKeyspace(l []*vschema.Keyspace, ks *vschema.Keyspace) bool {
	for _, x := range l {
		if x == ks {
			return true
		}
	}
	return false
}

func (ip *infoSchemaPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	kss, err := ip.keyspaces(args)
	if err != nil {
		return nil, err
	}
	var sources []catalogSource
	for _, ks := range kss {
		if ks == globalKeyspace {
			gs, err := ip.globalSources(ctx, vc)
			if err != nil {
				return nil, err
			}
			sources = append(sources, gs...)
			continue
		}
		src, ok, err := ip.keyspaceSource(ctx, vc, ks)
		if err != nil {
			return nil, err
		}
		if ok {
			sources = append(sources, src)
		}
	}
	names, out, err := ip.query.run(ip.query.table.build(sources), args)
	if err != nil {
		return nil, fmt.Errorf("vitessdo: information_schema.%s: %w", strings.ToUpper(ip.query.table.name), err)
	}
	return merge.NewStatic(textColumns(names, out), out), nil
}

// catalogSource is what one schema of the answer holds from one
// keyspace: the tables of its first shard's catalog.
type catalogSource struct {
	schema  string
	backend *shard.Backend
	tables  []shard.TableInfo
}

// keyspaceSource reads a keyspace's catalog from its first shard, when
// the statement needs catalogs; ok is false for a keyspace without
// shards.
func (ip *infoSchemaPlan) keyspaceSource(ctx context.Context, vc Cursor, ks *vschema.Keyspace) (src catalogSource, ok bool, err error) {
	src.schema = ks.Name
	if !ip.catalogs {
		return src, true, nil
	}
	shards := ip.p.topo.Shards(ks.Name)
	if len(shards) == 0 {
		return src, false, nil
	}
	sh := shards[0]
	src.backend = sh.Backend
	src.tables, err = sh.Backend.ReadCatalog(ctx, func(ctx context.Context, q string) ([][]any, error) {
		return readShard(ctx, vc, sh, q)
	})
	if err != nil {
		return src, false, &shard.Error{Keyspace: sh.Keyspace, Shard: sh.Name, Err: err}
	}
	return src, true, nil
}

// readShard runs a catalog query on one shard through the session.
func readShard(ctx context.Context, vc Cursor, sh *shard.Shard, q string) ([][]any, error) {
	its, err := vc.StreamShards(ctx, []ShardQuery{{Shard: sh, SQL: q}})
	if err != nil {
		return nil, err
	}
	return merge.ReadAll(its[0])
}
