package dialect

import (
	"github.com/xwb1989/sqlparser"
)

// insert renders INSERT and REPLACE.
//
//   - INSERT IGNORE: SQLite INSERT OR IGNORE; PostgreSQL ON CONFLICT DO NOTHING.
//   - ON DUPLICATE KEY UPDATE a = VALUES(a): ON CONFLICT … DO UPDATE SET
//     a = excluded.a. SQLite takes no conflict target, so like MySQL it
//     fires on any unique key; PostgreSQL requires one and gets the primary
//     key from the Schema, so a conflict on another unique key is an error
//     there rather than an update.
//   - REPLACE: SQLite has it. PostgreSQL gets ON CONFLICT (pk) DO UPDATE
//     setting every listed column from excluded and every other column to
//     DEFAULT, as MySQL's delete-then-insert would; it needs a Schema that
//     is also a ColumnSchema.
func (r *renderer) insert(ins *sqlparser.Insert) {
	if len(ins.Partitions) > 0 {
		r.unsupported("PARTITION selection")
		return
	}
	replace := ins.Action == sqlparser.ReplaceStr
	ignore := ins.Ignore != ""
	switch {
	case r.d == SQLite && replace:
		r.write("REPLACE INTO ")
	case r.d == SQLite && ignore:
		r.write("INSERT OR IGNORE INTO ")
	default:
		r.write("INSERT INTO ")
	}
	r.tableName(ins.Table)
	if len(ins.Columns) > 0 {
		r.write(" ")
		r.columnList(ins.Columns)
	}
	rows := ins.Rows
	if p, ok := rows.(*sqlparser.ParenSelect); ok && p != nil {
		rows = p.Select // INSERT … (SELECT …): SQLite takes no parentheses
	}
	switch rows := rows.(type) {
	case sqlparser.Values:
		r.values(rows)
	case sqlparser.SelectStatement:
		r.write(" ")
		// SQLite cannot tell the ON of an upsert from a join's ON after
		// INSERT … SELECT … FROM t: its documentation asks for a WHERE.
		if r.d == SQLite && len(ins.OnDup) > 0 {
			r.write("SELECT * FROM (")
			r.node(rows)
			r.write(") WHERE 1")
		} else {
			r.node(rows)
		}
	default:
		r.fail(errorf("unexpected insert rows %T", ins.Rows))
		return
	}
	table := foldIdent(ins.Table.Name.String())
	switch {
	case len(ins.OnDup) > 0:
		r.write(" ON CONFLICT ")
		if r.d == PostgreSQL {
			r.conflictTarget(table, "ON DUPLICATE KEY UPDATE")
		}
		r.write("DO UPDATE SET ")
		r.onDup = table
		r.updateExprs(sqlparser.UpdateExprs(ins.OnDup))
		r.onDup = ""
	case replace && r.d == PostgreSQL:
		r.replaceTail(table, ins.Columns)
	case ignore && r.d == PostgreSQL:
		r.write(" ON CONFLICT DO NOTHING")
	}
}

func (r *renderer) values(rows sqlparser.Values) {
	r.write(" VALUES ")
	for i, row := range rows {
		if i > 0 {
			r.write(", ")
		}
		r.write("(")
		for j, e := range row {
			if j > 0 {
				r.write(", ")
			}
			r.value(e)
		}
		r.write(")")
	}
}

// conflictTarget writes "(pk, …) " for PostgreSQL's ON CONFLICT.
func (r *renderer) conflictTarget(table, what string) []string {
	pk := r.primaryKey(table, what)
	if r.err != nil {
		return nil
	}
	r.write("(")
	for i, c := range pk {
		if i > 0 {
			r.write(", ")
		}
		r.ident(c)
	}
	r.write(") ")
	return pk
}

func (r *renderer) primaryKey(table, what string) []string {
	if r.err != nil {
		return nil
	}
	if r.schema == nil {
		r.fail(errorf("%s on %s needs the primary key of %s: no schema", what, r.d, table))
		return nil
	}
	pk, err := r.schema.PrimaryKey(table)
	if err != nil {
		r.fail(errorf("%s: primary key of %s: %w", what, table, err))
		return nil
	}
	if len(pk) == 0 {
		r.unsupported(what + " on table " + table + " without a primary key")
		return nil
	}
	return pk
}

func (r *renderer) replaceTail(table string, listed sqlparser.Columns) {
	cs, ok := r.schema.(ColumnSchema)
	if !ok {
		r.unsupported("REPLACE without a ColumnSchema")
		return
	}
	all, err := cs.Columns(table)
	if err != nil {
		r.fail(errorf("REPLACE: columns of %s: %v", table, err))
		return
	}
	r.write(" ON CONFLICT ")
	r.conflictTarget(table, "REPLACE")
	r.write("DO UPDATE SET ")
	set := map[string]bool{}
	if len(listed) == 0 {
		for _, c := range all {
			set[foldIdent(c)] = true
		}
	}
	for _, c := range listed {
		set[foldIdent(c.String())] = true
	}
	for i, c := range all {
		if i > 0 {
			r.write(", ")
		}
		r.ident(c)
		if set[foldIdent(c)] {
			r.write(" = excluded.")
			r.ident(c)
		} else {
			r.write(" = DEFAULT")
		}
	}
}

// updateExprs renders the SET list. A target column is written without its
// qualifier: neither SQLite nor PostgreSQL accepts t.col there.
func (r *renderer) updateExprs(exprs sqlparser.UpdateExprs) {
	for i, ue := range exprs {
		if i > 0 {
			r.write(", ")
		}
		if ue == nil || ue.Name == nil {
			r.fail(errorf("missing SET column"))
			return
		}
		r.ident(ue.Name.Name.String())
		r.write(" = ")
		r.value(ue.Expr)
	}
}
