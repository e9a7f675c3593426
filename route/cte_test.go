package route

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/vschema"
)

// The splitter reads the WITH clause with the parser's tokenizer: strings,
// comments and backquoted names holding WITH, AS or parentheses do not
// cut the text, nested parentheses stay in the body, and the ? before
// each piece are counted.
func TestSplitWith(t *testing.T) {
	for _, tt := range []struct {
		sql  string
		ctes []cteDef
		main string
		args int
		// mainArgs is the ? before the main statement.
		mainArgs int
	}{
		{
			sql:  "WITH c AS (SELECT 1) SELECT * FROM c",
			ctes: []cteDef{{name: "c", body: "SELECT 1"}},
			main: "SELECT * FROM c",
		},
		{
			sql:  "with a(x, y) as (select id, name from t where name = ')' and (id > (1))), `b c` as (select 'WITH d AS (' from a) select * from a, `b c`",
			ctes: []cteDef{{name: "a", cols: []string{"x", "y"}, body: "select id, name from t where name = ')' and (id > (1))"}, {name: "b c", body: "select 'WITH d AS (' from a"}},
			main: "select * from a, `b c`",
		},
		{
			sql:  "WITH /* a ( comment */ c -- and ) another\n AS ( SELECT \"x)\" AS `)` /* ) */ ) , d AS (SELECT ?, (?) FROM c) /* before */ SELECT * FROM d WHERE x = ?",
			ctes: []cteDef{{name: "c", body: "SELECT \"x)\" AS `)` /* ) */"}, {name: "d", body: "SELECT ?, (?) FROM c", argsBefore: 0, nargs: 2}},
			main: "SELECT * FROM d WHERE x = ?",
			args: 3, mainArgs: 2,
		},
		{
			sql:  "WITH c AS (SELECT ? AS a), d AS (SELECT ? AS b) SELECT ? FROM c, d",
			ctes: []cteDef{{name: "c", body: "SELECT ? AS a", nargs: 1}, {name: "d", body: "SELECT ? AS b", argsBefore: 1, nargs: 1}},
			main: "SELECT ? FROM c, d",
			args: 3, mainArgs: 2,
		},
		{
			sql:  "WITH status AS (SELECT 'it''s (' AS s) SELECT * FROM status",
			ctes: []cteDef{{name: "status", body: "SELECT 'it''s (' AS s"}},
			main: "SELECT * FROM status",
		},
	} {
		w, err := splitWith(tt.sql)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		want := &withClause{ctes: tt.ctes, main: tt.main, args: tt.args, mainArgs: tt.mainArgs}
		if diff := cmp.Diff(want, w, cmp.AllowUnexported(withClause{}, cteDef{})); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.sql, diff)
		}
	}
}

// What the splitter cannot read is a syntax error; what it reads but the
// router does not run is unsupported, saying why; a name used twice is an
// error.
func TestSplitWithRefusals(t *testing.T) {
	for _, tt := range []struct {
		sql, want string
		kind      string
	}{
		{"WITH ks.c AS (SELECT 1) SELECT * FROM c", "takes no qualifier", "unsupported"},
		{"WITH c AS (SELECT :x) SELECT * FROM c", "named bind variable", "unsupported"},
		{"WITH c AS (SELECT 1), C AS (SELECT 2) SELECT * FROM c", "used twice", "plan"},
		{"WITH c AS (SELECT 1 SELECT * FROM c", "no closing parenthesis", "syntax"},
		{"WITH c AS (SELECT 1)", "no statement follows", "syntax"},
		{"WITH c SELECT 1", "want AS", "syntax"},
		{"WITH c (SELECT 1) SELECT 1", "want a column name", "syntax"},
		{"WITH c AS SELECT 1", "want (", "syntax"},
		{"WITH 'c' AS (SELECT 1) SELECT 1", "want the name", "syntax"},
		{"WITH c(a b) AS (SELECT 1) SELECT 1", "want , or )", "syntax"},
		{"WITH c AS () SELECT 1", "empty body", "syntax"},
		{"WITH c AS (SELECT 'x) SELECT 1", "cannot read", "syntax"},
	} {
		_, err := splitWith(tt.sql)
		checkErrKind(t, tt.sql, err, tt.kind, tt.want)
	}
}

func checkErrKind(t *testing.T, sql string, err error, kind, want string) {
	t.Helper()
	var ue *UnsupportedError
	var se *SyntaxError
	var pe *vschema.PlanError
	ok := false
	switch kind {
	case "unsupported":
		ok = errors.As(err, &ue) && strings.Contains(err.Error(), "unsupported: ")
	case "syntax":
		ok = errors.As(err, &se)
	case "plan":
		ok = errors.As(err, &pe) && !errors.As(err, &ue)
	}
	if !ok || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: got %v, want a %s error saying %q", sql, err, kind, want)
	}
}

// Each reference to a CTE becomes a derived table of its body, named by
// the reference; the placeholders of each piece keep their place in the
// text, and a CTE read twice reads the same arguments twice.
func TestExpandWith(t *testing.T) {
	for _, tt := range []struct{ sql, want string }{
		{
			"WITH c AS (SELECT id FROM user) SELECT * FROM c",
			"select * from (select id from user) as c",
		},
		{
			"WITH c AS (SELECT id FROM user WHERE id > ?) SELECT x.id FROM c AS x JOIN c ON c.id = x.id WHERE x.id < ?",
			"select x.id from (select id from user where id > :v1) as x join (select id from user where id > :v1) as c on c.id = x.id where x.id < :v2",
		},
		{
			"WITH a AS (SELECT ? AS n), b (m) AS (SELECT n + ? FROM a) SELECT ? FROM b WHERE m IN (SELECT n FROM a UNION SELECT m FROM b)",
			"select :v3 from (select n + :v2 as m from (select :v1 as n from dual) as a) as b where m in (select n from (select :v1 as n from dual) as a union select m from (select n + :v2 as m from (select :v1 as n from dual) as a) as b)",
		},
		{
			// A CTE hides the table of its name; a body reads the tables,
			// not a CTE after it, and a qualified name is the table.
			"WITH user AS (SELECT id FROM music), music AS (SELECT * FROM user) SELECT * FROM music, user, ks.user",
			"select * from (select * from (select id from music) as user) as music, (select id from music) as user, ks.user",
		},
		{
			"WITH c(a, b) AS (SELECT id, name FROM user UNION SELECT 1, 2) SELECT a FROM (SELECT * FROM c) d",
			"select a from (select * from (select id as a, name as b from user union select 1, 2 from dual) as c) as d",
		},
		{
			// INSERT … SELECT, both ways: the CTE is read in the SELECT,
			// never as the table inserted into.
			"WITH music AS (SELECT id FROM user WHERE id > ?) INSERT INTO music (id) SELECT id + ? FROM music",
			"insert into music(id) select id + :v2 from (select id from user where id > :v1) as music",
		},
		{
			"INSERT INTO music (id) WITH music AS (SELECT id FROM user WHERE id > ?) SELECT id + ? FROM music",
			"insert into music(id) select id + :v2 from (select id from user where id > :v1) as music",
		},
		{
			"WITH C AS (SELECT 1 AS one) SELECT (SELECT one FROM c), EXISTS (SELECT 1 FROM C WHERE one = 1)",
			"select (select one from (select 1 as one from dual) as c), exists (select 1 from (select 1 as one from dual) as C where one = 1) from dual",
		},
	} {
		stmt, _, err := expandForTest(tt.sql)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		if got := sqlparser.String(stmt); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.sql, got, tt.want)
		}
	}
}

// What cannot be substituted is refused, saying why.
func TestExpandWithRefusals(t *testing.T) {
	for _, tt := range []struct {
		sql, want string
		kind      string
	}{
		{"WITH c AS (SELECT id FROM user) DELETE FROM c WHERE id = 1", "writes the common table expression c", "unsupported"},
		{"WITH c AS (SELECT id FROM user) UPDATE c SET id = 1", "writes the common table expression c", "unsupported"},
		{"WITH c AS (SELECT id FROM user) DELETE c FROM user JOIN c ON c.id = user.id", "writes the common table expression c", "unsupported"},
		{"WITH c AS (SELECT id FROM user) INSERT INTO music (id) VALUES (1)", "WITH before INSERT … VALUES", "unsupported"},
		{"WITH c AS (SELECT id FROM user) INSERT INTO music (id) SELECT id FROM c ON DUPLICATE KEY UPDATE id = 1", "ON DUPLICATE KEY UPDATE", "unsupported"},
		{"INSERT INTO music (id) WITH c AS (SELECT id FROM user) SELECT id FROM c ON DUPLICATE KEY UPDATE id = 1", "ON DUPLICATE KEY UPDATE", "unsupported"},
		{"WITH c AS (SELECT id FROM user) SHOW TABLES", "WITH before SHOW", "unsupported"},
		{"WITH c AS (SELECT id FROM user) SELECT * FROM c USE INDEX (i)", "index hints", "unsupported"},
		{"WITH c AS (WITH d AS (SELECT 1) SELECT * FROM d) SELECT * FROM c", "WITH inside", "unsupported"},
		{"WITH c(a) AS (SELECT id, name FROM user) SELECT * FROM c", "names 1 columns but the body selects 2", "plan"},
		{"WITH c(a) AS (SELECT * FROM user) SELECT * FROM c", "selects *", "unsupported"},
		{"WITH c(a, b) AS (SELECT id AS b, name AS a FROM user ORDER BY a LIMIT 3) SELECT * FROM c", "reads a", "unsupported"},
		{"WITH c(x) AS (SELECT id FROM user UNION SELECT 1 ORDER BY id) SELECT * FROM c", "reads id", "unsupported"},
		{"WITH c AS (SELECT ?) SELECT 1", "never reads it", "unsupported"},
		{"WITH c AS (INSERT INTO user (id) VALUES (1)) SELECT 1", "is a SELECT", "plan"},
		{"WITH c AS (SELECT 1) SELECT * FROM c WHERE", "", "syntax"},
	} {
		_, _, err := expandForTest(tt.sql)
		checkErrKind(t, tt.sql, err, tt.kind, tt.want)
	}
}

// A statement with WITH plans as its substituted statement: its plan, its
// arguments and its VEXPLAIN are those of the derived tables.
func TestWithPlansAsDerivedTables(t *testing.T) {
	p := newTestPlanner(t, dialect.SQLite)
	for _, tt := range []struct {
		with, derived string
	}{
		{"WITH c AS (SELECT id, name FROM user WHERE id = ?) SELECT name FROM c", "SELECT name FROM (SELECT id, name FROM user WHERE id = ?) AS c"},
		{"WITH c AS (SELECT id FROM user WHERE id > ?) SELECT COUNT(*) FROM c WHERE id < ?", "SELECT COUNT(*) FROM (SELECT id FROM user WHERE id > ?) AS c WHERE id < ?"},
	} {
		pw, err := p.Plan(tt.with, &Session{})
		if err != nil {
			t.Fatalf("%s: %v", tt.with, err)
		}
		pd, err := p.Plan(tt.derived, &Session{})
		if err != nil {
			t.Fatalf("%s: %v", tt.derived, err)
		}
		if pw.NumArgs() != pd.NumArgs() {
			t.Errorf("%s: %d arguments, want %d", tt.with, pw.NumArgs(), pd.NumArgs())
		}
		args := make([]any, pw.NumArgs())
		for i := range args {
			args[i] = int64(i + 1)
		}
		ew, ed := explainText(t, pw, args), explainText(t, pd, args)
		if ew != ed {
			t.Errorf("%s: plans\n%s\nwant\n%s", tt.with, ew, ed)
		}
	}
}

// explainText returns a plan's VEXPLAIN rows as text.
func explainText(t *testing.T, pl Plan, args []any) string {
	t.Helper()
	vc := &explainCursor{}
	rows, err := pl.Explain(context.Background(), vc, args)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(rows)
}

// expandForTest expands a statement with WITH at its start or in its
// INSERT … SELECT.
func expandForTest(sql string) (sqlparser.Statement, string, error) {
	at := 0
	if !startsWithWith(sql) {
		at = insertWithAt(sql)
	}
	if at < 0 {
		return nil, "", errors.New("no WITH")
	}
	return expandWith(sql, at)
}

// Any text beginning with WITH is split, expanded and planned without a
// panic, and a split's pieces are parts of the text.
func FuzzWith(f *testing.F) {
	for _, s := range []string{
		"WITH c AS (SELECT id FROM user) SELECT * FROM c",
		"WITH a(x) AS (SELECT ? FROM user), b AS (SELECT * FROM a WHERE x > ?) SELECT * FROM b, a",
		"WITH `c``d` AS (SELECT 'a''(' /* ) */ FROM user -- x\n) SELECT * FROM `c``d`",
		"INSERT INTO music (id) WITH c AS (SELECT id FROM user) SELECT id FROM c",
		"WITH c AS (SELECT id FROM user UNION SELECT id FROM music) (SELECT * FROM c) UNION (SELECT 1)",
	} {
		f.Add(s)
	}
	p := newTestPlanner(f, dialect.SQLite)
	f.Fuzz(func(t *testing.T, sql string) {
		if w, err := splitWith(sql); err == nil {
			for _, c := range w.ctes {
				if !strings.Contains(sql, c.body) {
					t.Fatalf("%q: body %q is not in the text", sql, c.body)
				}
			}
			if !strings.HasSuffix(sql, w.main) {
				t.Fatalf("%q: main %q does not end the text", sql, w.main)
			}
		}
		_ = insertWithAt(sql)
		_, _ = p.Plan(sql, &Session{})
	})
}

// A WITH inside parentheses is the SELECT it starts with its CTEs
// substituted, placed back in the parentheses; the placeholders of the
// whole text keep their order.
func TestNestedWithIsInlined(t *testing.T) {
	for _, tt := range []struct{ sql, want string }{
		{"SELECT ? FROM user WHERE name = '( WITH x AS (' AND id = ?", "SELECT ? FROM user WHERE name = '( WITH x AS (' AND id = ?"},
		{"SELECT * FROM (WITH c AS (SELECT id FROM user WHERE id > ?) SELECT id FROM c WHERE id < ?) AS d WHERE d.id <> ?",
			"SELECT * FROM (select id from (select id from user where id > :v1) as c where id < :v2) AS d WHERE d.id <> :v3"},
		{"SELECT id FROM user WHERE id IN (WITH c AS (SELECT user_id FROM music) SELECT user_id FROM c) AND name = '( WITH x'",
			"SELECT id FROM user WHERE id IN (select user_id from (select user_id from music) as c) AND name = '( WITH x'"},
		{"WITH a AS (WITH b AS (SELECT ? AS x) SELECT x FROM b) SELECT (WITH c AS (SELECT 2 AS y) SELECT y FROM c) AS y, x FROM a",
			"WITH a AS (select x from (select :v1 as x from dual) as b) SELECT (select y from (select 2 as y from dual) as c) AS y, x FROM a"},
		{"SELECT * FROM (WITH c AS (SELECT 1 AS n) SELECT n FROM (WITH d AS (SELECT n FROM c) SELECT n FROM d) AS e) AS f",
			"SELECT * FROM (select n from (select n from (select n from (select 1 as n from dual) as c) as d) as e) AS f"},
	} {
		got, err := inlineNestedWith(tt.sql)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.sql, got, tt.want)
		}
	}
	for _, tt := range []struct{ sql, want, kind string }{
		{"SELECT * FROM (WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c) AS d", "WITH RECURSIVE inside parentheses", "unsupported"},
		{"SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c WHERE :v1 = 1) AS d", "beside :vN", "unsupported"},
		{"SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c WHERE) AS d", "", "syntax"},
	} {
		_, err := inlineNestedWith(tt.sql)
		checkErrKind(t, tt.sql, err, tt.kind, tt.want)
	}
}
