package dialect

import (
	"testing"

	"github.com/xwb1989/sqlparser"
)

// FuzzRender renders any statement the parser accepts in both dialects,
// and binds what renders; ParseDDL and RenderDDL read the same input.
// Nothing may panic.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"select * from users where id = ?",
		"select a, count(*) as n from t where b in ::list group by a having n > 1 order by n desc limit ?, ?",
		"select concat(a, 'x'), substr(s, ?, 2), if(a, 1, 2), a <=> b, a div b, a ^ b, x'0a' from t for update",
		"(select a from t order by a limit 1) union all (select b from u) order by 1",
		"insert into t (id, a) values (?, ?) on duplicate key update a = values(a)",
		"insert ignore into t (a) select b from u",
		"replace into t (id, a) values (1, 'x')",
		"update t set a = ? where b = ? order by c limit 2",
		"delete from t where a = 1 limit 5",
		"select cast(a as decimal(10,2)), convert(a, char(3)), a collate utf8mb4_bin, doc->>'$.a' from t",
		"select group_concat(distinct a order by a separator ';') from t",
		"create table t (id int primary key auto_increment, name varchar(10) not null default 'x', key (name), constraint f foreign key (id) references u (id))",
		"alter table t add column c int unique after b",
		"create unique index ix on t (a desc, b)",
		"drop table if exists a, b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if stmt, err := ParseDDL(sql); err == nil {
			for _, d := range []Dialect{SQLite, PostgreSQL} {
				_, _ = RenderDDL(d, stmt)
			}
		}
		if sqlparser.Preview(sql) == sqlparser.StmtDDL {
			return // the parser logs what it cannot read; DDL is ParseDDL's
		}
		stmt, ok := parseNoPanic(sql)
		if !ok {
			return
		}
		for _, d := range []Dialect{SQLite, PostgreSQL} {
			tpl, err := Render(d, stmt, schemaT)
			if err != nil {
				continue
			}
			vars := map[string]any{}
			for _, p := range tpl.params {
				if p.list {
					vars[p.name] = []any{int64(1), "x"}
				} else {
					vars[p.name] = int64(1)
				}
			}
			if _, _, err := tpl.Bind(vars); err != nil {
				t.Errorf("%v: bind %q: %v", d, tpl, err)
			}
		}
	})
}

// parseNoPanic parses as the router does: the pinned parser panics on
// some inputs, which are syntax errors.
func parseNoPanic(sql string) (stmt sqlparser.Statement, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	stmt, err := sqlparser.Parse(sql)
	return stmt, err == nil
}
