package shard

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func wantRows(t *testing.T, b *testBackend, want []string, sql string, args ...any) {
	t.Helper()
	if diff := cmp.Diff(want, b.rows(t, sql, args...)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", sql, diff)
	}
}

func TestExecTableCreatedWithCapitalsIsReachableInAnyCase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "CREATE TABLE `Users` (`ID` int NOT NULL, `Name` varchar(20), PRIMARY KEY (`ID`), KEY `By_Name` (`Name`))")
		b.exec(t, "insert into users (id, name) values (?, ?)", 1, "ann")
		b.exec(t, "INSERT INTO USERS (Id, NAME) VALUES (?, ?)", 2, "bob")
		cols, rows := b.query(t, "select ID, name from Users where NAME = ?", "bob")
		if diff := cmp.Diff([]string{"ID", "name"}, cols); diff != "" {
			t.Errorf("columns (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"2|bob"}, rows); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		b.ddl(t, "drop index by_name on USERS")
		b.ddl(t, "DROP TABLE users")
	})
}

func TestExecPlaceholdersFollowEmissionOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table t (id bigint primary key, name varchar(10), grp int)")
		for i, n := range []string{"a", "b", "c", "d", "e"} {
			b.exec(t, "insert into t (id, name, grp) values (?, ?, ?)", i+1, n, i%2)
		}
		// LIMIT offset, count: the arguments swap places.
		wantRows(t, b, []string{"2|b", "3|c"}, "select id, name from t where id > ? order by id limit ?, ?", 0, 1, 2)
		wantRows(t, b, []string{"1", "3"}, "select id from t where grp = :g and id in ::ids order by id",
			map[string]any{"g": 0, "ids": []any{1, 2, 3}})
		wantRows(t, b, []string{"2"}, "select id from t where name = :n or name = lower(:n) order by id",
			map[string]any{"n": "b"})
	})
}

func TestExecStringLiteralsRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table s (id int primary key, v text)")
		b.exec(t, `insert into s (id, v) values (1, 'it''s'), (2, "dq\"x"), (3, 'back\\slash'), (4, 'tab\there'), (5, 'naïve ☃')`)
		wantRows(t, b, []string{"it's", `dq"x`, `back\slash`, "tab\there", "naïve ☃"}, "select v from s order by id")
		wantRows(t, b, []string{"3"}, `select id from s where v = 'back\\slash'`)
	})
}

func TestExecExpressionsFollowMySQL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table v (id int primary key, s varchar(20), n int, i int, z int, e varchar(5), f double, d decimal(4,1))")
		b.exec(t, "insert into v values (1, 'hello', null, 7, 0, 'é', 2.5, 2.5)")
		cases := []struct{ expr, want string }{
			{"i / 2", "3.5"},
			{"i div 2", "3"},
			{"-i div 2", "-3"},
			{"i % 3", "1"},
			{"mod(i, 3)", "1"},
			{"i % z", "NULL"},
			{"i / z", "NULL"},
			{"i div z", "NULL"},
			{"n <=> null", "1"},
			{"i <=> null", "0"},
			{"5 ^ 3", "6"},
			{"i & 3 | 8", "11"},
			{"1 << 4 >> 2", "4"},
			{"s like 'HE%'", "1"},
			{"s not like 'x%'", "1"},
			{"concat(s, null)", "NULL"},
			{"concat(s, '-', i)", "hello-7"},
			{"concat_ws(',', s, n, 'x')", "hello,x"},
			{"ifnull(n, 2)", "2"},
			{"coalesce(n, z, 9)", "0"},
			{"nullif(i, 7)", "NULL"},
			{"if(z, 'y', 'n')", "n"},
			{"if(i > 1, 'y', 'n')", "y"},
			{"greatest(i, n)", "NULL"},
			{"greatest(1, i, 3)", "7"},
			{"least(i, 3)", "3"},
			{"length(e)", "2"},
			{"char_length(e)", "1"},
			{"upper(s)", "HELLO"},
			{"substring(s, -3)", "llo"},
			{"substring(s, 0)", ""},
			{"substring(s, 2, 3)", "ell"},
			{"substr(s, -10)", ""},
			{"substr(s, 4)", "lo"},
			{"left(s, 2)", "he"},
			{"right(s, 2)", "lo"},
			{"round(d)", "3"},
			{"round(i / 3, 2)", "2.33"},
			{"abs(-i)", "7"},
			{"floor(f)", "2"},
			{"ceil(f)", "3"},
			{"true + 1", "2"},
			{"(i > 1) + 1", "2"},
			{"not z", "1"},
			{"i between 1 and 10", "1"},
			{"i in (1, 7)", "1"},
			{"n is null", "1"},
			{"z is false", "1"},
			{"i is true", "1"},
			{"case when i > 5 then 'big' else 'small' end", "big"},
			{"case i when 7 then 'seven' end", "seven"},
			{"cast('12' as signed) + 1", "13"},
			{"cast(i as char)", "7"},
			{"convert(s, char(2))", "he"},
			{"cast(f as decimal(10,0))", "3"},
			{"cast('2024-05-06 07:08:09' as date)", "2024-05-06"},
			{"year('2024-05-06 07:08:09')", "2024"},
			{"instr(s, 'll')", "3"},
			{"locate('l', s)", "3"},
			{"exists (select 1 from v where i = 7)", "1"},
			{"(select max(i) from v)", "7"},
			{"'B' < 'a'", "1"},
		}
		for _, c := range cases {
			got := b.rows(t, "select "+c.expr+" from v")
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("%s = %q, want %q", c.expr, got, c.want)
			}
		}
	})
}

func TestExecSubstringWithBoundPositions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table v (s varchar(20))")
		b.exec(t, "insert into v values ('hello'), (null)")
		for _, c := range []struct {
			pos, n any
			want   []string
		}{
			{2, 2, []string{"el", "NULL"}},
			{-2, 5, []string{"lo", "NULL"}},
			{0, 2, []string{"", "NULL"}},
			{-9, 2, []string{"", "NULL"}},
			{2, -1, []string{"", "NULL"}},
		} {
			if diff := cmp.Diff(c.want, b.rows(t, "select substring(s, ?, ?) from v order by s desc", c.pos, c.n)); diff != "" {
				t.Errorf("substring(s, %v, %v) (-want +got):\n%s", c.pos, c.n, diff)
			}
		}
	})
}

func TestExecTextComparesBytewise(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table w (v varchar(10))")
		b.exec(t, "insert into w values ('b'), ('B'), ('a'), ('A'), ('é'), (null)")
		wantRows(t, b, []string{"NULL", "A", "B", "a", "b", "é"}, "select v from w order by v")
		wantRows(t, b, []string{"é", "b", "a", "B", "A", "NULL"}, "select v from w order by v desc")
		wantRows(t, b, []string{"b"}, "select v from w where v = 'b'")
		wantRows(t, b, []string{"B", "b"}, "select v from w where v like 'b' order by v")
		wantRows(t, b, []string{"A|1", "B|1", "a|1", "b|1", "é|1"}, "select v, count(*) from w where v is not null group by v order by v")
	})
}

func TestExecLikeEscapesWithBackslash(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table l (v varchar(10))")
		b.exec(t, "insert into l values ('a_c'), ('abc'), ('a%c')")
		wantRows(t, b, []string{"a_c"}, "select v from l where v like ?", `a\_c`)
		wantRows(t, b, []string{"a%c"}, "select v from l where v like ? escape '!'", `a!%c`)
		wantRows(t, b, []string{"a%c", "a_c", "abc"}, "select v from l where v like 'a%' order by v")
	})
}

func TestExecNullsSortFirstAscendingAndLastDescending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table n (id int primary key, x int)")
		b.exec(t, "insert into n values (1, 2), (2, null), (3, 1)")
		wantRows(t, b, []string{"2", "3", "1"}, "select id from n order by x")
		wantRows(t, b, []string{"1", "3", "2"}, "select id from n order by x desc")
	})
}

func TestExecAliasesInGroupByHavingOrderBy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table emp (id int primary key, dept varchar(10), pay int)")
		b.exec(t, "insert into emp values (1, 'a', 10), (2, 'a', 20), (3, 'b', 5), (4, 'c', 1), (5, 'c', 2), (6, 'c', 3)")
		cols, rows := b.query(t, "select Dept, count(*) as Total, sum(pay) as Pay from emp group by dept having total > ? order by TOTAL desc", 1)
		if diff := cmp.Diff([]string{"Dept", "Total", "Pay"}, cols); diff != "" {
			t.Errorf("columns (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"c|3|6", "a|2|30"}, rows); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		wantRows(t, b, []string{"A|2", "C|3"}, "select upper(dept) as D, count(*) as n from emp group by D having n > 1 order by d")
		wantRows(t, b, []string{"a", "b", "c"}, "select distinct dept from (select dept as Dept from emp) as s order by s.dept")
		// GROUP BY and HAVING prefer a FROM column to an alias of the same name.
		b.exec(t, "insert into emp values (7, 'A', 1)")
		wantRows(t, b, []string{"A|1", "A|2", "B|1", "C|3"}, "select upper(dept) as dept, count(*) as n from emp group by dept order by 1, 2")
		wantRows(t, b, []string{"A|1"}, "select upper(dept) as dept, count(*) from emp group by dept having dept = 'A'")
		wantRows(t, b, []string{"a|2", "c|3"}, "select dept, count(*) as n from emp group by dept having n > 1 order by dept")
	})
}

func TestExecUnionJoinsAndSubqueries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table p (id int primary key, name varchar(10))")
		b.ddl(t, "create table c (id int primary key, pid int, v int)")
		b.exec(t, "insert into p values (1, 'x'), (2, 'y'), (3, 'z')")
		b.exec(t, "insert into c values (10, 1, 5), (11, 1, 6), (12, 2, 7), (13, 9, 8)")
		wantRows(t, b, []string{"x|5", "x|6", "y|7", "z|NULL"}, "select p.name, c.v from p left join c on c.pid = p.id order by p.name, c.v")
		wantRows(t, b, []string{"NULL|8", "x|5", "x|6", "y|7"}, "select p.name, c.v from p right join c on c.pid = p.id order by p.name, c.v")
		wantRows(t, b, []string{"x|5"}, "select p.name, c.v from p join c on c.pid = p.id where c.v = (select min(v) from c)")
		wantRows(t, b, []string{"9"}, "select count(*) from p cross join p as q")
		wantRows(t, b, []string{"1", "2"}, "select id from p where exists (select 1 from c where c.pid = p.id) order by id")
		wantRows(t, b, []string{"1", "2", "3", "5"}, "select id from p union select v from c where v < 6 order by id")
		wantRows(t, b, []string{"10", "3", "2"}, "(select id from p order by id desc limit 2) union all (select id from c order by id limit 1) order by id desc limit 3")
		wantRows(t, b, []string{"1|5"}, "select p.id, v from p straight_join c on c.pid = p.id where v = 5")
		wantRows(t, b, []string{"x|11"}, "select name, max(c.id) from p join c on p.id = c.pid group by name having max(c.v) > 5 and name < 'y'")
	})
}

func TestExecBooleansAreIntegers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table f (id int primary key, active bool not null default false)")
		b.exec(t, "insert into f (id, active) values (?, ?), (?, ?), (3, true)", 1, true, 2, false)
		b.exec(t, "insert into f (id) values (4)")
		wantRows(t, b, []string{"1", "3"}, "select id from f where active = 1 order by id")
		wantRows(t, b, []string{"1", "3"}, "select id from f where active order by id")
		wantRows(t, b, []string{"1", "3"}, "select id from f where active = true order by id")
		wantRows(t, b, []string{"1", "3"}, "select id from f where active = ? order by id", true)
		wantRows(t, b, []string{"2", "4"}, "select id from f where not active order by id")
		wantRows(t, b, []string{"2"}, "select sum(active) from f")
		wantRows(t, b, []string{"2"}, "select sum(id > 2) from f")
		wantRows(t, b, []string{"1|1", "2|0"}, "select id, active is true from f where id < 3 order by id")
	})
}

func TestExecUpserts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table u (id int primary key, name varchar(10), hits int not null default 0, note varchar(10) default 'none')")
		b.exec(t, "insert into u (id, name, hits) values (?, ?, ?)", 1, "a", 1)
		b.exec(t, "insert into u (id, name, hits) values (?, ?, ?), (2, 'b', 1) on duplicate key update name = values(name), hits = hits + values(hits)", 1, "A", 5)
		wantRows(t, b, []string{"1|A|6", "2|b|1"}, "select id, name, hits from u order by id")

		b.exec(t, "insert ignore into u (id, name) values (1, 'ignored'), (3, 'c')")
		wantRows(t, b, []string{"1|A", "2|b", "3|c"}, "select id, name from u order by id")

		b.exec(t, "update u set note = 'kept' where id = 2")
		b.exec(t, "replace into u (id, name) values (2, 'B')")
		// REPLACE deletes and re-inserts: unlisted columns take their defaults.
		wantRows(t, b, []string{"2|B|0|none"}, "select id, name, hits, note from u where id = 2")

		b.exec(t, "insert into u (id, name) select id + 10, name from u where id < 3 on duplicate key update name = 'x'")
		b.exec(t, "insert into u (id, name) select id, name from u where id > 10 on duplicate key update name = concat(u.name, '!')")
		wantRows(t, b, []string{"11|A!", "12|B!"}, "select id, name from u where id > 10 order by id")
	})
}

func TestExecUpdateAndDeleteWithOrderByLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table q (id int primary key, prio int, state varchar(10))")
		b.exec(t, "insert into q values (1, 5, 'new'), (2, 9, 'new'), (3, 7, 'new'), (4, 1, 'done')")
		if n := b.exec(t, "update q set state = ? where state = 'new' order by prio desc limit ?", "taken", 2); n != 2 {
			t.Errorf("updated %d rows, want 2", n)
		}
		wantRows(t, b, []string{"2", "3"}, "select id from q where state = 'taken' order by id")
		if n := b.exec(t, "delete from q where state <> 'done' order by prio limit 1"); n != 1 {
			t.Errorf("deleted %d rows, want 1", n)
		}
		wantRows(t, b, []string{"2", "3", "4"}, "select id from q order by id")
		b.exec(t, "delete from q where q.prio > 8")
		wantRows(t, b, []string{"3", "4"}, "select id from q order by id")
	})
}

func TestExecAutoIncrementAndLastInsertID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table a (id bigint unsigned not null auto_increment primary key, v varchar(5))")
		b.exec(t, "insert into a (v) values ('x')")
		b.exec(t, "insert into a (v) values ('y')")
		wantRows(t, b, []string{"2"}, "select last_insert_id()")
		wantRows(t, b, []string{"1|x", "2|y"}, "select id, v from a order by id")
	})
}

func TestExecDefaultsAndTypes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table d (id int primary key, created datetime not null default current_timestamp, "+
			"price decimal(10,2) default '1.50', qty smallint unsigned default 3, neg int default -1, "+
			"kind enum('a','b') not null default 'a', doc json, bin varbinary(8), day date, big bigint)")
		before := time.Now().UTC().Add(-2 * time.Second)
		b.exec(t, `insert into d (id, doc, bin, day, big) values (1, '{"a": {"b": [1, 2]}}', x'00ff', '2024-02-29', 9007199254740993)`)
		wantRows(t, b, []string{"1.5|3|-1|a|2024-02-29|9007199254740993"}, "select price, qty, neg, kind, day, big from d")
		wantRows(t, b, []string{"2|1"}, "select doc->>'$.a.b[1]', json_extract(doc, '$.a.b[0]') from d")
		wantRows(t, b, []string{"1"}, "select bin = x'00ff' from d")
		var created time.Time
		row := b.rows(t, "select created from d")
		created, err := time.Parse("2006-01-02 15:04:05", row[0])
		if err != nil {
			t.Fatalf("created %q: %v", row[0], err)
		}
		if created.Before(before.Truncate(time.Second)) || created.After(time.Now().UTC().Add(2*time.Second)) {
			t.Errorf("created %v, want about %v (UTC)", created, before)
		}
		if _, err := b.tryExec("insert into d (id, kind) values (2, 'z')"); err == nil {
			t.Error("an ENUM accepted a value outside its list")
		}
	})
}

func TestExecIndexesAndColumnChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table i (id int primary key, email varchar(50), unique key email (email))")
		b.ddl(t, "create table j (id int primary key, email varchar(50), unique key email (email))") // same index name, another table
		b.exec(t, "insert into i values (1, 'a@x')")
		if _, err := b.tryExec("insert into i values (2, 'a@x')"); err == nil {
			t.Error("unique key not enforced")
		}
		b.ddl(t, "alter table i add column score int not null default 0")
		b.ddl(t, "alter table i add index by_score (score desc)")
		b.ddl(t, "create unique index by_pair on i (email, score)")
		b.exec(t, "insert into i (id, email, score) values (2, 'b@x', 5)")
		wantRows(t, b, []string{"1|a@x|0", "2|b@x|5"}, "select * from i order by id")
		b.ddl(t, "alter table i drop index by_score")
		b.ddl(t, "drop index by_pair on i")
		b.ddl(t, "alter table i drop column score")
		wantRows(t, b, []string{"1|a@x", "2|b@x"}, "select * from i where id > 0 order by id")
		b.ddl(t, "truncate table i")
		wantRows(t, b, []string{"0"}, "select count(*) from i")
		b.ddl(t, "drop table if exists i, j, nosuch")
		b.ddl(t, "create table if not exists i (id int primary key, k varchar(5), key k (k))")
		b.ddl(t, "create table if not exists i (id int primary key, k varchar(5), key k (k))")
	})
}

func TestExecForeignKeysCascade(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table parent (id int primary key)")
		b.ddl(t, "create table child (id int primary key, pid int, constraint fk_parent foreign key (pid) references parent (id) on delete cascade)")
		b.exec(t, "insert into parent values (1), (2)")
		b.exec(t, "insert into child values (10, 1), (20, 2)")
		if _, err := b.tryExec("insert into child values (30, 3)"); err == nil {
			t.Error("foreign key not enforced")
		}
		b.exec(t, "delete from parent where id = 1")
		wantRows(t, b, []string{"20"}, "select id from child")
	})
}

func TestExecGroupConcat(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table g (k int, v varchar(5))")
		b.exec(t, "insert into g values (1, 'b'), (1, 'a'), (1, null), (2, 'c')")
		wantRows(t, b, []string{"1|a;b", "2|c"}, "select k, group_concat(v order by v separator ';') from g group by k order by k")
		wantRows(t, b, []string{"a,b,c"}, "select group_concat(distinct v order by v) from g")
	})
}

func TestExecSelectForUpdateInTransaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table k (id int primary key, v int)")
		b.exec(t, "insert into k values (1, 1)")
		q, args, err := b.bind("select v from k where id = ? for update", 1)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := b.db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		var v int
		if err := tx.QueryRow(q, args...).Scan(&v); err != nil || v != 1 {
			t.Fatalf("%s: %v, %d", q, err, v)
		}
		if !strings.Contains(q, "FOR UPDATE") != (b.d == dialect.SQLite) {
			t.Errorf("lock clause in %q", q)
		}
	})
}

func TestExecNowIsUTC(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		got := b.rows(t, "select now(), utc_timestamp(), curdate()")[0]
		parts := strings.Split(got, "|")
		now, err := time.Parse("2006-01-02 15:04:05", parts[0])
		if err != nil {
			t.Fatalf("now() = %q: %v", parts[0], err)
		}
		if d := time.Since(now); d < -2*time.Second || d > 5*time.Second {
			t.Errorf("now() = %v, %v from UTC now", now, d)
		}
		if parts[0] != parts[1] && parts[1] != now.Add(time.Second).Format("2006-01-02 15:04:05") {
			t.Errorf("now() %s and utc_timestamp() %s differ", parts[0], parts[1])
		}
		if parts[2] != now.Format("2006-01-02") {
			t.Errorf("curdate() = %s, want %s", parts[2], now.Format("2006-01-02"))
		}
	})
}

func TestExecMoreForms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table m (id int primary key, k varchar(10), bin varbinary(4))")
		b.ddl(t, "create table n (id int primary key, k varchar(10))")
		b.exec(t, "insert into m values (1, 'Ab', 0x0102), (2, 'cd', X'ff'), (3, null, null)")
		b.exec(t, "insert into n (id, k) select id + 10, k from m where k is not null")
		wantRows(t, b, []string{"11|Ab", "12|cd"}, "select id, k from n order by id")
		wantRows(t, b, []string{"1|11"}, "select m.id, n.id from m join n using (k) where m.id = 1")
		wantRows(t, b, []string{"2"}, "select count(*) from m natural join (select k from n) as s")
		wantRows(t, b, []string{"1"}, "select id from m use index (primary) where k = 'Ab' collate utf8mb4_bin")
		wantRows(t, b, []string{"2"}, "select id from m where bin = 0xff lock in share mode")
		wantRows(t, b, []string{"1", "2"}, "select id from m where id <=> ? or k is not null order by id", 1)
		wantRows(t, b, []string{"1"}, "select count(*) from m where rand() < 2 and database() is not null and k = 'cd'")
		wantRows(t, b, []string{"3"}, "select id from m where not (k is not null) and -id < 0")
		wantRows(t, b, []string{"1|1"}, "select cast('{\"a\":1}' as json) is not null, cast('ab' as binary) = cast('ab' as binary)")
		if b.d == dialect.PostgreSQL {
			wantRows(t, b, []string{"1"}, "select id from m where k regexp '^a'")
		}
	})
}

func TestExecPlaceholdersPostgreSQLCannotType(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *testBackend) {
		b.ddl(t, "create table p (id int primary key, name varchar(10))")
		b.exec(t, "insert into p values (1, 'a'), (2, 'b')")
		wantRows(t, b, []string{"2"}, "select count(*) from p where ? is null or id = ?", nil, 1)
		wantRows(t, b, []string{"1"}, "select count(*) from p where ? is null or id = ?", 5, 1)
		wantRows(t, b, []string{"7|a"}, "select ?, name from p where id = 1", 7)
		wantRows(t, b, []string{"a-7", "b-7"}, "select concat(name, '-', ?) from p order by id", 7)
	})
}
