package dialect

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xwb1989/sqlparser"
)

// testSchema is a Schema over literal primary keys and column lists.
type testSchema struct {
	pk   map[string][]string
	cols map[string][]string
}

func (s testSchema) PrimaryKey(table string) ([]string, error) { return s.pk[table], nil }
func (s testSchema) Columns(table string) ([]string, error)    { return s.cols[table], nil }

var schemaT = testSchema{
	pk:   map[string][]string{"t": {"id"}, "users": {"id"}, "pair": {"a", "b"}},
	cols: map[string][]string{"t": {"id", "a", "b"}},
}

type renderCase struct {
	name   string
	sql    string
	vars   map[string]any
	sqlite string // expected SQLite text, or "error: substring"
	pg     string // expected PostgreSQL text, or "error: substring"
	// args expected for both dialects (booleans are 1/0 on PostgreSQL)
	args   []any
	pgArgs []any // when PostgreSQL's differ
}

func defaultVars() map[string]any {
	return map[string]any{"v1": int64(1), "v2": int64(2), "v3": int64(3), "v4": int64(4), "v5": int64(5), "list": []any{"a", "b"}}
}

func runRenderCases(t *testing.T, cases []renderCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmt, err := sqlparser.Parse(c.sql)
			if err != nil {
				t.Fatalf("parse %q: %v", c.sql, err)
			}
			vars := c.vars
			if vars == nil {
				vars = defaultVars()
			}
			for _, d := range []struct {
				dialect Dialect
				want    string
				args    []any
			}{{SQLite, c.sqlite, c.args}, {PostgreSQL, c.pg, c.pgArgs}} {
				if d.dialect == PostgreSQL && d.args == nil {
					d.args = c.args
				}
				tpl, err := Render(d.dialect, stmt, schemaT)
				if msg, ok := strings.CutPrefix(d.want, "error: "); ok {
					if err == nil || !strings.Contains(err.Error(), msg) {
						t.Errorf("%v: got error %v, want one containing %q", d.dialect, err, msg)
					}
					continue
				}
				if err != nil {
					t.Errorf("%v: %v", d.dialect, err)
					continue
				}
				query, args, err := tpl.Bind(vars)
				if err != nil {
					t.Errorf("%v: bind: %v", d.dialect, err)
					continue
				}
				if diff := cmp.Diff(d.want, query); diff != "" {
					t.Errorf("%v: query (-want +got):\n%s", d.dialect, diff)
				}
				if diff := cmp.Diff(d.args, args); diff != "" {
					t.Errorf("%v: args (-want +got):\n%s", d.dialect, diff)
				}
			}
		})
	}
}

func TestRenderSelect(t *testing.T) {
	runRenderCases(t, []renderCase{{
		name:   "point select",
		sql:    "select * from users where id = ?",
		sqlite: "SELECT * FROM `users` WHERE `id` = ?",
		pg:     `SELECT * FROM "users" WHERE "id" = $1`,
		args:   []any{int64(1)},
	}, {
		name:   "identifiers fold to lower case",
		sql:    "select U.ID, `Name` from Users as U where U.Email = ?",
		sqlite: "SELECT `u`.`id` AS `ID`, `name` AS `Name` FROM `users` AS `u` WHERE `u`.`email` = ?",
		pg:     `SELECT "u"."id" AS "ID", "name" AS "Name" FROM "users" AS "u" WHERE "u"."email" = $1`,
		args:   []any{int64(1)},
	}, {
		name:   "limit offset swaps its placeholders",
		sql:    "select a from t where b = ? order by a limit ?, ?",
		sqlite: "SELECT `a` FROM `t` WHERE `b` = ? ORDER BY `a` ASC LIMIT ? OFFSET ?",
		pg:     `SELECT "a" FROM "t" WHERE "b" = $1 ORDER BY "a" ASC NULLS FIRST LIMIT $2 OFFSET $3`,
		args:   []any{int64(1), int64(3), int64(2)},
	}, {
		name:   "a variable used twice is bound twice",
		sql:    "select a from t where b = :x or c = :x",
		vars:   map[string]any{"x": "q"},
		sqlite: "SELECT `a` FROM `t` WHERE `b` = ? OR `c` = ?",
		pg:     `SELECT "a" FROM "t" WHERE "b" = $1 OR "c" = $2`,
		args:   []any{"q", "q"},
	}, {
		name:   "list argument expands",
		sql:    "select a from t where b in ::list and c = ?",
		sqlite: "SELECT `a` FROM `t` WHERE `b` IN (?, ?) AND `c` = ?",
		pg:     `SELECT "a" FROM "t" WHERE "b" IN ($1, $2) AND "c" = $3`,
		args:   []any{"a", "b", int64(1)},
	}, {
		name:   "from dual is dropped",
		sql:    "select 1 + 1 from dual",
		sqlite: "SELECT 1 + 1",
		pg:     "SELECT 1 + 1",
	}, {
		name:   "string literals use standard quoting",
		sql:    `select 'it''s', "dq", 'back\\slash', 'nl\n' from t`,
		sqlite: "SELECT 'it''s', 'dq', 'back\\slash', 'nl\n' FROM `t`",
		pg:     `SELECT 'it''s', 'dq', 'back\slash', 'nl` + "\n" + `' FROM "t"`,
	}, {
		name:   "NUL in a literal is an error",
		sql:    `select 'a\0b' from t`,
		sqlite: "error: NUL",
		pg:     "error: NUL",
	}, {
		name:   "booleans",
		sql:    "select true, false from t where flag = true and true",
		sqlite: "SELECT 1, 0 FROM `t` WHERE `flag` = 1 AND 1",
		pg:     `SELECT 1, 0 FROM "t" WHERE "flag" = 1 AND TRUE`,
	}, {
		name:   "a number as a condition on PostgreSQL",
		sql:    "select a > 1, not b from t where active and not deleted",
		sqlite: "SELECT `a` > 1, NOT `b` FROM `t` WHERE `active` AND NOT `deleted`",
		pg:     `SELECT CAST("a" > 1 AS integer), CAST(NOT ("b" <> 0) AS integer) FROM "t" WHERE ("active" <> 0) AND NOT ("deleted" <> 0)`,
	}, {
		name:   "hex and bit literals are binary strings",
		sql:    "select x'0aff', 0xABC, b'101' from t",
		sqlite: "SELECT X'0AFF', X'0ABC', X'05' FROM `t`",
		pg:     `SELECT decode('0AFF', 'hex'), decode('0ABC', 'hex'), decode('05', 'hex') FROM "t"`,
	}, {
		name:   "placeholders PostgreSQL types as text",
		sql:    "select ?, a from t where ? is null or b = ?",
		vars:   map[string]any{"v1": 7, "v2": 2.5, "v3": true},
		sqlite: "SELECT ?, `a` FROM `t` WHERE ? IS NULL OR `b` = ?",
		pg:     `SELECT $1, "a" FROM "t" WHERE CAST($2 AS text) IS NULL OR "b" = $3`,
		args:   []any{7, 2.5, true},
		pgArgs: []any{"7", "2.5", int64(1)},
	}, {
		name:   "null-safe equality",
		sql:    "select a from t where a <=> ?",
		sqlite: "SELECT `a` FROM `t` WHERE `a` IS ?",
		pg:     `SELECT "a" FROM "t" WHERE "a" IS NOT DISTINCT FROM $1`,
		args:   []any{int64(1)},
	}, {
		name:   "like escapes with backslash and is ASCII case-insensitive",
		sql:    "select a from t where a like ? and b not like 'x%' escape '!'",
		sqlite: "SELECT `a` FROM `t` WHERE `a` LIKE ? ESCAPE '\\' AND `b` NOT LIKE 'x%' ESCAPE '!'",
		pg:     `SELECT "a" FROM "t" WHERE "a" ILIKE $1 ESCAPE '\' AND "b" NOT ILIKE 'x%' ESCAPE '!'`,
		args:   []any{int64(1)},
	}, {
		name:   "regexp",
		sql:    "select a from t where a regexp '^x'",
		sqlite: "error: unsupported: REGEXP on sqlite",
		pg:     `SELECT "a" FROM "t" WHERE "a" ~* '^x'`,
	}, {
		name:   "arithmetic follows MySQL",
		sql:    "select a / b, a div b, a % b, mod(a, 3), a ^ b, a & b | c, a << 1, ~a, -a, - -a from t",
		sqlite: "SELECT (CAST(`a` AS REAL) / `b`), CAST(`a` / `b` AS INTEGER), (`a` % `b`), (`a` % 3), ((`a` | `b`) - (`a` & `b`)), (`a` & `b`) | `c`, `a` << 1, ~`a`, -(`a`), -(-(`a`)) FROM `t`",
		pg:     `SELECT (CAST("a" AS numeric) / NULLIF("b", 0)), CAST(div(CAST("a" AS numeric), NULLIF("b", 0)) AS bigint), ("a" % NULLIF("b", 0)), ("a" % 3), ("a" # "b"), ("a" & "b") | "c", "a" << 1, ~"a", -("a"), -(-("a")) FROM "t"`,
	}, {
		name:   "is true and is null",
		sql:    "select a from t where a is true and b is not false and c is null",
		sqlite: "SELECT `a` FROM `t` WHERE `a` IS TRUE AND `b` IS NOT FALSE AND `c` IS NULL",
		pg:     `SELECT "a" FROM "t" WHERE ("a" <> 0) IS TRUE AND ("b" <> 0) IS NOT FALSE AND "c" IS NULL`,
	}, {
		name:   "case between in exists",
		sql:    "select case when a between 1 and 2 then 'x' when a in (3, 4) then 'y' else 'z' end, case a when 1 then 'one' end from t where exists (select 1 from u where u.id = t.id)",
		sqlite: "SELECT CASE WHEN `a` BETWEEN 1 AND 2 THEN 'x' WHEN `a` IN (3, 4) THEN 'y' ELSE 'z' END, CASE `a` WHEN 1 THEN 'one' END FROM `t` WHERE EXISTS (SELECT 1 FROM `u` WHERE `u`.`id` = `t`.`id`)",
		pg:     `SELECT CASE WHEN "a" BETWEEN 1 AND 2 THEN 'x' WHEN "a" IN (3, 4) THEN 'y' ELSE 'z' END, CASE "a" WHEN 1 THEN 'one' END FROM "t" WHERE EXISTS (SELECT 1 FROM "u" WHERE "u"."id" = "t"."id")`,
	}, {
		name:   "joins",
		sql:    "select * from a join b on a.id = b.id left join c using (id) right outer join d on d.x = c.x straight_join e cross join f natural join g",
		sqlite: "SELECT * FROM `a` JOIN `b` ON `a`.`id` = `b`.`id` LEFT JOIN `c` USING (`id`) RIGHT JOIN `d` ON `d`.`x` = `c`.`x` CROSS JOIN `e` CROSS JOIN `f` NATURAL JOIN `g`",
		pg:     `SELECT * FROM "a" JOIN "b" ON "a"."id" = "b"."id" LEFT JOIN "c" USING ("id") RIGHT JOIN "d" ON "d"."x" = "c"."x" CROSS JOIN "e" CROSS JOIN "f" NATURAL JOIN "g"`,
	}, {
		name:   "index hints and cache hints are dropped",
		sql:    "select sql_no_cache straight_join a from t use index (ix) where a = 1",
		sqlite: "SELECT `a` FROM `t` WHERE `a` = 1",
		pg:     `SELECT "a" FROM "t" WHERE "a" = 1`,
	}, {
		name:   "derived table",
		sql:    "select s.N from (select name as N from t) as s where s.n = 'x'",
		sqlite: "SELECT `s`.`n` AS `N` FROM (SELECT `name` AS `n` FROM `t`) AS `s` WHERE `s`.`n` = 'x'",
		pg:     `SELECT "s"."n" AS "N" FROM (SELECT "name" AS "n" FROM "t") AS "s" WHERE "s"."n" = 'x'`,
	}, {
		name:   "aliases keep their spelling and resolve in ORDER BY GROUP BY HAVING",
		sql:    "select Dept, count(*) as Total from t group by dept having total > ? order by TOTAL desc",
		sqlite: "SELECT `dept` AS `Dept`, count(*) AS `Total` FROM `t` GROUP BY `Dept` HAVING `Total` > ? ORDER BY `Total` DESC",
		pg:     `SELECT "dept" AS "Dept", count(*) AS "Total" FROM "t" GROUP BY "Dept" HAVING (count(*)) > $1 ORDER BY "Total" DESC NULLS LAST`,
		args:   []any{int64(1)},
	}, {
		name:   "union",
		sql:    "select a from t union select b from u union all select c from v order by a desc limit 5",
		sqlite: "SELECT `a` FROM `t` UNION SELECT `b` FROM `u` UNION ALL SELECT `c` FROM `v` ORDER BY `a` DESC LIMIT 5",
		pg:     `SELECT "a" FROM "t" UNION SELECT "b" FROM "u" UNION ALL SELECT "c" FROM "v" ORDER BY "a" DESC NULLS LAST LIMIT 5`,
	}, {
		name:   "parenthesized union members",
		sql:    "(select a from t order by a limit 2) union distinct (select b from u) order by a",
		sqlite: "SELECT * FROM (SELECT `a` FROM `t` ORDER BY `a` ASC LIMIT 2) UNION SELECT `b` FROM `u` ORDER BY `a` ASC",
		pg:     `(SELECT "a" FROM "t" ORDER BY "a" ASC NULLS FIRST LIMIT 2) UNION (SELECT "b" FROM "u") ORDER BY "a" ASC NULLS FIRST`,
	}, {
		name:   "locks",
		sql:    "select a from t where id = 1 for update",
		sqlite: "SELECT `a` FROM `t` WHERE `id` = 1",
		pg:     `SELECT "a" FROM "t" WHERE "id" = 1 FOR UPDATE`,
	}, {
		name:   "share mode",
		sql:    "select a from t where id = 1 lock in share mode",
		sqlite: "SELECT `a` FROM `t` WHERE `id` = 1",
		pg:     `SELECT "a" FROM "t" WHERE "id" = 1 FOR SHARE`,
	}, {
		name:   "collate",
		sql:    "select a from t where a = 'x' collate utf8mb4_bin order by a collate utf8mb4_general_ci",
		sqlite: "SELECT `a` FROM `t` WHERE `a` = 'x' COLLATE BINARY ORDER BY `a` COLLATE NOCASE ASC",
		pg:     "error: unsupported: COLLATE utf8mb4_general_ci on postgresql",
	}, {
		name:   "cast and convert",
		sql:    "select cast(a as char), convert(a, char(3)), cast(a as signed), cast(a as unsigned integer), cast(a as decimal(8,2)), cast(a as date), cast(a as datetime), cast(a as time), cast(a as binary), cast(a as json), convert(a using utf8mb4) from t",
		sqlite: "SELECT CAST(`a` AS TEXT), substr(CAST(`a` AS TEXT), 1, 3), CAST(`a` AS INTEGER), CAST(`a` AS INTEGER), round(CAST(`a` AS REAL), 2), date(`a`), datetime(`a`), time(`a`), CAST(`a` AS BLOB), json(`a`), `a` FROM `t`",
		pg:     `SELECT CAST("a" AS text), CAST("a" AS varchar(3)), CAST("a" AS bigint), CAST("a" AS bigint), CAST("a" AS numeric(8,2)), CAST("a" AS date), CAST("a" AS timestamp(0)), CAST("a" AS time(0)), convert_to(CAST("a" AS text), 'UTF8'), CAST("a" AS jsonb), "a" FROM "t"`,
	}, {
		name:   "json extraction",
		sql:    "select doc->'$.a', doc->>'$.b[0]', json_extract(doc, '$.c') from t",
		sqlite: "SELECT mysql_json(`doc` -> '$.a'), CASE json_type(`doc`, '$.b[0]') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(`doc` ->> '$.b[0]' AS TEXT) END, mysql_json(`doc` -> '$.c') FROM `t`",
		pg:     `SELECT CAST(jsonb_path_query_first(CAST("doc" AS jsonb), CAST('$.a' AS jsonpath)) AS text), (jsonb_path_query_first(CAST("doc" AS jsonb), CAST('$.b[0]' AS jsonpath)) #>> '{}'), CAST(jsonb_path_query_first(CAST("doc" AS jsonb), CAST('$.c' AS jsonpath)) AS text) FROM "t"`,
	}, {
		name:   "logical operators keep their structure",
		sql:    "select a from t where not (a = 1 and b = 2) and (c = 3 or d = 4) or !e and + f and ~g",
		sqlite: "SELECT `a` FROM `t` WHERE NOT (`a` = 1 AND `b` = 2) AND (`c` = 3 OR `d` = 4) OR NOT `e` AND `f` AND ~`g`",
		pg:     `SELECT "a" FROM "t" WHERE NOT ("a" = 1 AND "b" = 2) AND ("c" = 3 OR "d" = 4) OR NOT ("e" <> 0) AND (("f") <> 0) AND ((~"g") <> 0)`,
	}, {
		name:   "binary strings",
		sql:    "select binary a, _binary 'x''y' from db.t",
		sqlite: "SELECT `a`, X'782779' FROM `db`.`t`",
		pg:     `SELECT "a", decode('782779', 'hex') FROM "db"."t"`,
	}, {
		name:   "variables are unsupported",
		sql:    "select @@version",
		sqlite: "error: unsupported: variable @@version",
		pg:     "error: unsupported: variable @@version",
	}, {
		name:   "interval and match are unsupported",
		sql:    "select a from t where match(a) against ('x')",
		sqlite: "error: unsupported: MATCH",
		pg:     "error: unsupported: MATCH",
	}})
}

func TestRenderFunctions(t *testing.T) {
	runRenderCases(t, []renderCase{{
		name:   "time",
		sql:    "select now(), current_timestamp, utc_timestamp(), curdate(), current_date, curtime(), unix_timestamp() from dual",
		sqlite: "SELECT datetime('now'), datetime('now'), datetime('now'), date('now'), date('now'), time('now'), unixepoch()",
		pg:     "SELECT to_char(date_trunc('second', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS'), to_char(date_trunc('second', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS'), to_char(date_trunc('second', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS'), to_char(CAST(now() AT TIME ZONE 'UTC' AS date), 'YYYY-MM-DD'), to_char(CAST(now() AT TIME ZONE 'UTC' AS date), 'YYYY-MM-DD'), CAST(date_trunc('second', now() AT TIME ZONE 'UTC') AS time), CAST(extract(epoch FROM now()) AS bigint)",
	}, {
		name:   "date parts",
		sql:    "select year(d), month(d), date(d) from t",
		sqlite: "SELECT CAST(strftime('%Y', `d`) AS INTEGER), CAST(strftime('%m', `d`) AS INTEGER), date(`d`) FROM `t`",
		pg:     `SELECT CAST(floor(extract(year FROM CAST("d" AS timestamp))) AS integer), CAST(floor(extract(month FROM CAST("d" AS timestamp))) AS integer), to_char(CAST("d" AS date), 'YYYY-MM-DD') FROM "t"`,
	}, {
		name:   "null handling",
		sql:    "select ifnull(a, ?), coalesce(a, b, 0), nullif(a, 0), if(a > 0, 'p', 'n'), if(a, 1, 2) from t",
		sqlite: "SELECT coalesce(`a`, ?), coalesce(`a`, `b`, 0), nullif(`a`, 0), CASE WHEN `a` > 0 THEN 'p' ELSE 'n' END, CASE WHEN `a` THEN 1 ELSE 2 END FROM `t`",
		pg:     `SELECT coalesce("a", $1), coalesce("a", "b", 0), nullif("a", 0), CASE WHEN "a" > 0 THEN 'p' ELSE 'n' END, CASE WHEN ("a" <> 0) THEN 1 ELSE 2 END FROM "t"`,
		args:   []any{int64(1)},
	}, {
		name:   "concat",
		sql:    "select concat(a, ?, 'x'), concat_ws('-', a, b) from t",
		sqlite: "SELECT (`a` || ? || 'x'), concat_ws('-', `a`, `b`) FROM `t`",
		pg:     `SELECT (CAST("a" AS text) || CAST($1 AS text) || CAST('x' AS text)), concat_ws(CAST('-' AS text), CAST("a" AS text), CAST("b" AS text)) FROM "t"`,
		args:   []any{int64(1)},
		pgArgs: []any{"1"},
	}, {
		name:   "string functions",
		sql:    "select length(a), char_length(a), lower(a), ucase(a), trim(a), ltrim(a), replace(a, 'x', 'y'), locate('x', a), instr(a, 'x') from t",
		sqlite: "SELECT octet_length(`a`), length(`a`), lower(`a`), upper(`a`), trim(`a`), ltrim(`a`), replace(`a`, 'x', 'y'), instr(`a`, 'x'), instr(`a`, 'x') FROM `t`",
		pg:     `SELECT octet_length(CAST("a" AS text)), char_length(CAST("a" AS text)), lower(CAST("a" AS text)), upper(CAST("a" AS text)), trim(CAST("a" AS text)), ltrim(CAST("a" AS text)), replace(CAST("a" AS text), 'x', 'y'), strpos(CAST("a" AS text), 'x'), strpos(CAST("a" AS text), 'x') FROM "t"`,
	}, {
		name:   "substring with literal positions",
		sql:    "select substr(a, 2), substring(a, 1, 3), substring(a from 2 for 1) from t",
		sqlite: "SELECT substr(`a`, 2), substr(`a`, 1, 3), substr(`a`, 2, 1) FROM `t`",
		pg:     `SELECT substr(CAST("a" AS text), 2), substr(CAST("a" AS text), 1, 3), substr(CAST("a" AS text), 2, 1) FROM "t"`,
	}, {
		name:   "mid is substring",
		sql:    "select mid(a, 2, 3), substring(a, 2, ?) from t",
		sqlite: "SELECT substr(`a`, 2, 3), CASE WHEN 2 = 0 OR 2 < -length(`a`) OR ? < 0 THEN substr(`a`, 1, 0) ELSE substr(`a`, 2, ?) END FROM `t`",
		pg:     `SELECT substr(CAST("a" AS text), 2, 3), CASE WHEN 2 = 0 OR 2 < -char_length(CAST("a" AS text)) OR $1 < 0 THEN substr(CAST("a" AS text), 1, 0) WHEN 2 > 0 THEN substr(CAST("a" AS text), 2, $2) ELSE substr(CAST("a" AS text), char_length(CAST("a" AS text)) + 2 + 1, $3) END FROM "t"`,
		args:   []any{int64(1), int64(1)},
		pgArgs: []any{int64(1), int64(1), int64(1)},
	}, {
		name:   "substring with a variable position spells MySQL's rule out",
		sql:    "select substr(a, ?) from t",
		sqlite: "SELECT CASE WHEN ? = 0 OR ? < -length(`a`) THEN substr(`a`, 1, 0) ELSE substr(`a`, ?) END FROM `t`",
		pg:     `SELECT CASE WHEN $1 = 0 OR $2 < -char_length(CAST("a" AS text)) THEN substr(CAST("a" AS text), 1, 0) WHEN $3 > 0 THEN substr(CAST("a" AS text), $4) ELSE substr(CAST("a" AS text), char_length(CAST("a" AS text)) + $5 + 1) END FROM "t"`,
		args:   []any{int64(1), int64(1), int64(1)},
		pgArgs: []any{int64(1), int64(1), int64(1), int64(1), int64(1)},
	}, {
		name:   "numeric functions",
		sql:    "select round(a), round(a, 2), abs(a), floor(a), ceiling(a), greatest(a, b), least(a, 1), log(a), pow(a, 2) from t",
		sqlite: "SELECT mysql_round(`a`, 0), mysql_round(`a`, 2), abs(`a`), CAST(floor(`a`) AS REAL), CAST(ceil(`a`) AS REAL), max(`a`, `b`), min(`a`, 1), ln(`a`), pow(`a`, 2) FROM `t`",
		pg:     `SELECT CAST(round(CAST("a" AS numeric)) AS double precision), CAST(round(CAST("a" AS numeric), CAST(2 AS integer)) AS double precision), abs("a"), CAST(floor("a") AS double precision), CAST(ceil("a") AS double precision), CASE WHEN "a" IS NULL OR "b" IS NULL THEN NULL ELSE greatest("a", "b") END, CASE WHEN "a" IS NULL OR 1 IS NULL THEN NULL ELSE least("a", 1) END, ln("a"), pow("a", 2) FROM "t"`,
	}, {
		name:   "date format and date arithmetic",
		sql:    "select date_format(a, '%Y-%m \"%%\"'), date_add(d, interval ? day), d - interval 1 month, datediff(a, d) from t",
		sqlite: "SELECT mysql_date_format(`a`, '%Y-%m \"%%\"'), mysql_date_add(`d`, ?, 'day'), mysql_date_add(`d`, -1, 'month'), mysql_datediff(`a`, `d`) FROM `t`",
		pg:     `SELECT to_char(CAST("a" AS timestamp), 'YYYY"-"MM" ""\"""%""\""'), to_char((CAST("d" AS timestamp) + CAST($1 AS integer) * interval '1 day'), CASE WHEN char_length(CAST("d" AS text)) <= 10 THEN 'YYYY-MM-DD' ELSE 'YYYY-MM-DD HH24:MI:SS' END), to_char((CAST("d" AS timestamp) - CAST(1 AS integer) * interval '1 month'), CASE WHEN char_length(CAST("d" AS text)) <= 10 THEN 'YYYY-MM-DD' ELSE 'YYYY-MM-DD HH24:MI:SS' END), (CAST("a" AS date) - CAST("d" AS date)) FROM "t"`,
		args:   []any{int64(1)},
	}, {
		name:   "date differences and conversions",
		sql:    "select timestampdiff(month, a, d), timestampdiff(hour, a, d), last_day(d), from_unixtime(?) from t",
		sqlite: "SELECT mysql_timestampdiff('month', `a`, `d`), mysql_timestampdiff('hour', `a`, `d`), date(`d`, 'start of month', '+1 month', '-1 day'), datetime(?, 'unixepoch') FROM `t`",
		pg:     `SELECT CAST(trunc((extract(year FROM age(CAST("d" AS timestamp), CAST("a" AS timestamp))) * 12 + extract(month FROM age(CAST("d" AS timestamp), CAST("a" AS timestamp)))) / 1) AS bigint), CAST(trunc(extract(epoch FROM (CAST("d" AS timestamp) - CAST("a" AS timestamp))) / 3600) AS bigint), to_char(CAST(date_trunc('month', CAST("d" AS timestamp)) + interval '1 month' - interval '1 day' AS date), 'YYYY-MM-DD'), to_char((to_timestamp($1) AT TIME ZONE 'UTC'), 'YYYY-MM-DD HH24:MI:SS') FROM "t"`,
		args:   []any{int64(1)},
	}, {
		name:   "padding, located search, truncation, text fallbacks",
		sql:    "select lpad(a, 5, '0'), locate('x', a, ?), truncate(b, 1), ifnull(b, 'none') from t",
		sqlite: "SELECT mysql_lpad(`a`, 5, '0'), CASE WHEN ? < 1 THEN 0 WHEN instr(substr(`a`, ?), 'x') = 0 THEN 0 ELSE instr(substr(`a`, ?), 'x') + ? - 1 END, mysql_truncate(`b`, 1), coalesce(CAST(`b` AS TEXT), 'none') FROM `t`",
		pg:     `SELECT CASE WHEN 5 < 0 OR '0' = '' AND 5 > char_length(CAST("a" AS text)) THEN NULL ELSE lpad(CAST("a" AS text), CAST(5 AS integer), '0') END, CASE WHEN $1 < 1 THEN 0 WHEN strpos(substr(CAST("a" AS text), $2), 'x') = 0 THEN 0 ELSE strpos(substr(CAST("a" AS text), $3), 'x') + $4 - 1 END, CAST(trunc(CAST("b" AS numeric), CAST(1 AS integer)) AS double precision), coalesce(CAST("b" AS text), 'none') FROM "t"`,
		args:   []any{int64(1), int64(1), int64(1), int64(1)},
	}, {
		name:   "date formats and interval units without a rendering are unsupported",
		sql:    "select date_format(a, '%U'), date_add(a, interval 1 day_hour) from t",
		sqlite: "error: unsupported: DATE_FORMAT format",
		pg:     "error: unsupported: DATE_FORMAT format",
	}, {
		name:   "aggregates",
		sql:    "select count(*), count(distinct a), sum(a), avg(distinct b), min(c), max(c) from t",
		sqlite: "SELECT count(*), count(DISTINCT `a`), sum(`a`), avg(DISTINCT `b`), min(`c`), max(`c`) FROM `t`",
		pg:     `SELECT count(*), count(DISTINCT "a"), sum("a"), avg(DISTINCT "b"), min("c"), max("c") FROM "t"`,
	}, {
		name:   "count distinct of several expressions",
		sql:    "select count(distinct a, b) from t",
		sqlite: "error: unsupported: COUNT(DISTINCT) of several",
		pg:     "error: unsupported: COUNT(DISTINCT) of several",
	}, {
		name:   "group_concat",
		sql:    "select group_concat(a), group_concat(a, b order by c desc separator '; ') from t",
		sqlite: "SELECT group_concat(`a`, ','), group_concat((`a` || `b`), '; ' ORDER BY `c` DESC) FROM `t`",
		pg:     `SELECT string_agg(CAST("a" AS text), ','), string_agg((CAST("a" AS text) || CAST("b" AS text)), '; ' ORDER BY "c" DESC NULLS LAST) FROM "t"`,
	}, {
		name:   "variances are MySQL's population statistics",
		sql:    "select variance(a), std(a), stddev(a), var_samp(a), stddev_samp(a), var_pop(a), stddev_pop(a) from t",
		sqlite: "SELECT mysql_var_pop(`a`), mysql_stddev_pop(`a`), mysql_stddev_pop(`a`), mysql_var_samp(`a`), mysql_stddev_samp(`a`), mysql_var_pop(`a`), mysql_stddev_pop(`a`) FROM `t`",
		pg:     `SELECT var_pop("a"), stddev_pop("a"), stddev_pop("a"), var_samp("a"), stddev_samp("a"), var_pop("a"), stddev_pop("a") FROM "t"`,
	}, {
		name:   "session functions",
		sql:    "select last_insert_id(), database(), rand() from dual",
		sqlite: "SELECT last_insert_rowid(), 'main', (random() / 18446744073709551616.0 + 0.5)",
		pg:     "SELECT lastval(), current_schema(), random()",
	}, {
		name:   "order by rand",
		sql:    "select a from t order by rand() limit 1",
		sqlite: "SELECT `a` FROM `t` ORDER BY (random() / 18446744073709551616.0 + 0.5) LIMIT 1",
		pg:     `SELECT "a" FROM "t" ORDER BY random() LIMIT 1`,
	}, {
		name:   "unknown functions pass through lower-cased",
		sql:    "select SOUNDEX(a), Md5(a) from t",
		sqlite: "SELECT soundex(`a`), md5(`a`) FROM `t`",
		pg:     `SELECT soundex("a"), md5("a") FROM "t"`,
	}, {
		name:   "functions that mean something else are unsupported",
		sql:    "select format(a, 2) from t",
		sqlite: "error: unsupported: function format",
		pg:     "error: unsupported: function format",
	}})
}

func TestRenderDML(t *testing.T) {
	runRenderCases(t, []renderCase{{
		name:   "insert values",
		sql:    "insert into Users (ID, name) values (?, ?), (3, 'c')",
		sqlite: "INSERT INTO `users` (`id`, `name`) VALUES (?, ?), (3, 'c')",
		pg:     `INSERT INTO "users" ("id", "name") VALUES ($1, $2), (3, 'c')`,
		args:   []any{int64(1), int64(2)},
	}, {
		name:   "insert select",
		sql:    "insert into t (a) select b from u where c = ?",
		sqlite: "INSERT INTO `t` (`a`) SELECT `b` FROM `u` WHERE `c` = ?",
		pg:     `INSERT INTO "t" ("a") SELECT "b" FROM "u" WHERE "c" = $1`,
		args:   []any{int64(1)},
	}, {
		name:   "insert ignore",
		sql:    "insert ignore into t (id, a) values (?, ?)",
		sqlite: "INSERT OR IGNORE INTO `t` (`id`, `a`) VALUES (?, ?)",
		pg:     `INSERT INTO "t" ("id", "a") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		args:   []any{int64(1), int64(2)},
	}, {
		name:   "on duplicate key update",
		sql:    "insert into t (id, a, b) values (?, ?, ?) on duplicate key update a = values(a), b = b + values(b)",
		sqlite: "INSERT INTO `t` (`id`, `a`, `b`) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET `a` = excluded.`a`, `b` = `t`.`b` + excluded.`b`",
		pg:     `INSERT INTO "t" ("id", "a", "b") VALUES ($1, $2, $3) ON CONFLICT ("id") DO UPDATE SET "a" = excluded."a", "b" = "t"."b" + excluded."b"`,
		args:   []any{int64(1), int64(2), int64(3)},
	}, {
		name:   "composite conflict target",
		sql:    "insert into pair (a, b, c) values (1, 2, 3) on duplicate key update c = values(c)",
		sqlite: "INSERT INTO `pair` (`a`, `b`, `c`) VALUES (1, 2, 3) ON CONFLICT DO UPDATE SET `c` = excluded.`c`",
		pg:     `INSERT INTO "pair" ("a", "b", "c") VALUES (1, 2, 3) ON CONFLICT ("a", "b") DO UPDATE SET "c" = excluded."c"`,
	}, {
		name:   "insert select on duplicate key update",
		sql:    "insert into t (id, a) select id, a from u on duplicate key update a = values(a)",
		sqlite: "INSERT INTO `t` (`id`, `a`) SELECT * FROM (SELECT `id`, `a` FROM `u`) WHERE 1 ON CONFLICT DO UPDATE SET `a` = excluded.`a`",
		pg:     `INSERT INTO "t" ("id", "a") SELECT "id", "a" FROM "u" ON CONFLICT ("id") DO UPDATE SET "a" = excluded."a"`,
	}, {
		name:   "subqueries in an upsert see their own tables",
		sql:    "insert into t (id, a) (select id, a from u) on duplicate key update a = (select max(a) from u where u.id = t.id) + b",
		sqlite: "INSERT INTO `t` (`id`, `a`) SELECT * FROM (SELECT `id`, `a` FROM `u`) WHERE 1 ON CONFLICT DO UPDATE SET `a` = (SELECT max(`a`) FROM `u` WHERE `u`.`id` = `t`.`id`) + `t`.`b`",
		pg:     `INSERT INTO "t" ("id", "a") SELECT "id", "a" FROM "u" ON CONFLICT ("id") DO UPDATE SET "a" = (SELECT max("a") FROM "u" WHERE "u"."id" = "t"."id") + "t"."b"`,
	}, {
		name:   "replace",
		sql:    "replace into t (id, a) values (?, ?)",
		sqlite: "REPLACE INTO `t` (`id`, `a`) VALUES (?, ?)",
		pg:     `INSERT INTO "t" ("id", "a") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "id" = excluded."id", "a" = excluded."a", "b" = DEFAULT`,
		args:   []any{int64(1), int64(2)},
	}, {
		name:   "upsert without a primary key",
		sql:    "insert into nokey (a) values (1) on duplicate key update a = 2",
		sqlite: "INSERT INTO `nokey` (`a`) VALUES (1) ON CONFLICT DO UPDATE SET `a` = 2",
		pg:     "error: unsupported: ON DUPLICATE KEY UPDATE on table nokey without a primary key",
	}, {
		name:   "values() outside an upsert",
		sql:    "update t set a = values(a)",
		sqlite: "error: unsupported: VALUES()",
		pg:     "error: unsupported: VALUES()",
	}, {
		name:   "update",
		sql:    "update Users set Name = ?, t.n = n + 1 where id = ?",
		sqlite: "UPDATE `users` SET `name` = ?, `n` = `n` + 1 WHERE `id` = ?",
		pg:     `UPDATE "users" SET "name" = $1, "n" = "n" + 1 WHERE "id" = $2`,
		args:   []any{int64(1), int64(2)},
	}, {
		name:   "update order by limit selects rows by key",
		sql:    "update t set a = ? where b = ? order by c desc limit 2",
		sqlite: "UPDATE `t` SET `a` = ? WHERE rowid IN (SELECT rowid FROM `t` WHERE `b` = ? ORDER BY `c` DESC LIMIT 2)",
		pg:     `UPDATE "t" SET "a" = $1 WHERE "id" IN (SELECT "id" FROM "t" WHERE "b" = $2 ORDER BY "c" DESC NULLS LAST LIMIT 2)`,
		args:   []any{int64(1), int64(2)},
	}, {
		name:   "update order by without limit",
		sql:    "update t set a = 1 order by b",
		sqlite: "UPDATE `t` SET `a` = 1",
		pg:     `UPDATE "t" SET "a" = 1`,
	}, {
		name:   "delete",
		sql:    "delete from t where a in ::list",
		sqlite: "DELETE FROM `t` WHERE `a` IN (?, ?)",
		pg:     `DELETE FROM "t" WHERE "a" IN ($1, $2)`,
		args:   []any{"a", "b"},
	}, {
		name:   "delete limit with a composite key",
		sql:    "delete from pair where c > 0 limit 10",
		sqlite: "DELETE FROM `pair` WHERE rowid IN (SELECT rowid FROM `pair` WHERE `c` > 0 LIMIT 10)",
		pg:     `DELETE FROM "pair" WHERE ("a", "b") IN (SELECT "a", "b" FROM "pair" WHERE "c" > 0 LIMIT 10)`,
	}, {
		name:   "multi-table update",
		sql:    "update a join b on a.id = b.id set a.x = b.y",
		sqlite: "error: unsupported: multi-table UPDATE",
		pg:     "error: unsupported: multi-table UPDATE",
	}, {
		name:   "multi-table delete",
		sql:    "delete a from a join b on a.id = b.id",
		sqlite: "error: unsupported: multi-table DELETE",
		pg:     "error: unsupported: multi-table DELETE",
	}, {
		name:   "go bools are integers on PostgreSQL",
		sql:    "update t set active = ? where id = ?",
		vars:   map[string]any{"v1": true, "v2": int64(7)},
		sqlite: "UPDATE `t` SET `active` = ? WHERE `id` = ?",
		pg:     `UPDATE "t" SET "active" = $1 WHERE "id" = $2`,
		args:   []any{true, int64(7)},
		pgArgs: []any{int64(1), int64(7)},
	}})
}

func TestRenderRejectsOtherStatements(t *testing.T) {
	for _, sql := range []string{"set autocommit = 1", "show tables", "use ks", "begin", "create table t (a int)"} {
		stmt, err := sqlparser.Parse(sql)
		if err != nil {
			t.Fatalf("parse %q: %v", sql, err)
		}
		if _, err := Render(SQLite, stmt, nil); err == nil {
			t.Errorf("Render(%q) succeeded, want an error", sql)
		}
	}
}

func TestRenderUpsertNeedsSchemaOnPostgreSQL(t *testing.T) {
	stmt, err := sqlparser.Parse("insert into t (id) values (1) on duplicate key update id = id")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Render(SQLite, stmt, nil); err != nil {
		t.Errorf("sqlite: %v", err)
	}
	if _, err := Render(PostgreSQL, stmt, nil); err == nil || !strings.Contains(err.Error(), "no schema") {
		t.Errorf("postgresql: got %v, want a no-schema error", err)
	}
}

func TestUnsupportedErrorIsTyped(t *testing.T) {
	stmt, err := sqlparser.Parse("select a from t where a regexp 'x'")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Render(SQLite, stmt, nil)
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Msg != "REGEXP on "+SQLite.String() {
		t.Fatalf("got %v, want an UnsupportedError for REGEXP on sqlite", err)
	}
	if got, want := err.Error(), "vitessdo: unsupported: REGEXP on sqlite"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}
