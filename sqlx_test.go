package vitessdo_test

import (
	"database/sql"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jmoiron/sqlx"
)

// sqlxCustomer is a customers row as sqlx scans it: by column name.
type sqlxCustomer struct {
	ID    int64          `db:"id"`
	Name  string         `db:"name"`
	Email string         `db:"email"`
	Tier  int            `db:"tier"`
	Note  sql.NullString `db:"note"`
}

var sqlxSchema = []string{
	"CREATE TABLE customers (id bigint unsigned NOT NULL AUTO_INCREMENT, name varchar(100) NOT NULL, email varchar(191), tier int NOT NULL DEFAULT 1, note text, PRIMARY KEY (id))",
	"CREATE TABLE orders (id bigint unsigned NOT NULL AUTO_INCREMENT, customer_id bigint unsigned NOT NULL, amount bigint, PRIMARY KEY (id), KEY (customer_id))",
}

// sqlxPair is sqlx over a sharded vitessdo and over its oracle.
type sqlxPair struct {
	sharded, oracle *sqlx.DB
}

func newSqlxPair(t *testing.T, e engine) *sqlxPair {
	t.Helper()
	p := &sqlxPair{
		sharded: sqlx.NewDb(openShardedKeyspace(t, e, shopVSchema, "shop"), "vitessdo"),
		oracle:  sqlx.NewDb(openShardedKeyspace(t, e, unshardedVSchema(t, shopVSchema), "shop"), "vitessdo"),
	}
	for _, db := range []*sqlx.DB{p.sharded, p.oracle} {
		for _, q := range append(append([]string{}, shopSequences...), sqlxSchema...) {
			db.MustExec(q)
		}
	}
	return p
}

func (p *sqlxPair) same(t *testing.T, what string, fn func(db *sqlx.DB) (any, error)) any {
	t.Helper()
	got, err := fn(p.sharded)
	if err != nil {
		t.Fatalf("%s on vitessdo: %v", what, err)
	}
	want, err := fn(p.oracle)
	if err != nil {
		t.Fatalf("%s on the oracle: %v", what, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: vitessdo differs from one database (-oracle +vitessdo):\n%s", what, diff)
	}
	return got
}

func TestSqlxNeedsNoBindDriver(t *testing.T) {
	// sqlx does not know "vitessdo"; for an unknown driver it keeps ?
	// placeholders, which is vitessdo's dialect.
	if got := sqlx.BindType("vitessdo"); got != sqlx.UNKNOWN {
		t.Fatalf("BindType = %d", got)
	}
	if got := sqlx.Rebind(sqlx.BindType("vitessdo"), "SELECT * FROM t WHERE a = ? AND b IN (?, ?)"); got != "SELECT * FROM t WHERE a = ? AND b IN (?, ?)" {
		t.Errorf("Rebind = %q", got)
	}
}

func TestSqlxMatchesOneDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSqlxPair(t, e)
		p.same(t, "NamedExec of one struct", func(db *sqlx.DB) (any, error) {
			res, err := db.NamedExec("INSERT INTO customers (name, email, tier) VALUES (:name, :email, :tier)", sqlxCustomer{Name: "Ada", Email: "ada@x", Tier: 2})
			if err != nil {
				return nil, err
			}
			id, err := res.LastInsertId()
			return id, err
		})
		p.same(t, "NamedExec of a slice: one multi-row INSERT split by shard", func(db *sqlx.DB) (any, error) {
			var cs []sqlxCustomer
			for _, n := range []string{"Bob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy"} {
				cs = append(cs, sqlxCustomer{Name: n, Email: n + "@x", Tier: len(n)})
			}
			res, err := db.NamedExec("INSERT INTO customers (name, email, tier) VALUES (:name, :email, :tier)", cs)
			if err != nil {
				return nil, err
			}
			n, _ := res.RowsAffected()
			id, err := res.LastInsertId()
			return []int64{n, id}, err
		})
		// The batch went to several shards.
		if got := explain(t, p.sharded.DB, "SELECT id FROM customers WHERE id IN (2, 3, 4, 5, 6, 7, 8, 9)"); len(got) < 2 {
			t.Errorf("the batch's rows are on %v, want several shards", got)
		}
		p.same(t, "Select into a slice", func(db *sqlx.DB) (any, error) {
			var cs []sqlxCustomer
			err := db.Select(&cs, "SELECT * FROM customers WHERE tier >= ? ORDER BY name", 2)
			return cs, err
		})
		p.same(t, "Select without ORDER BY", func(db *sqlx.DB) (any, error) {
			var cs []sqlxCustomer
			err := db.Select(&cs, "SELECT id, name, email, tier, note FROM customers")
			sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
			return cs, err
		})
		p.same(t, "Get", func(db *sqlx.DB) (any, error) {
			var c sqlxCustomer
			err := db.Get(&c, "SELECT * FROM customers WHERE id = ?", 4)
			return c, err
		})
		p.same(t, "Get of an aggregate", func(db *sqlx.DB) (any, error) {
			var agg struct {
				N    int64 `db:"n"`
				Tier int64 `db:"total_tier"`
			}
			err := db.Get(&agg, "SELECT count(*) AS n, sum(tier) AS total_tier FROM customers")
			return agg, err
		})
		p.same(t, "NamedQuery", func(db *sqlx.DB) (any, error) {
			rows, err := db.NamedQuery("SELECT * FROM customers WHERE tier = :tier ORDER BY id", map[string]any{"tier": 3})
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var cs []sqlxCustomer
			for rows.Next() {
				var c sqlxCustomer
				if err := rows.StructScan(&c); err != nil {
					return nil, err
				}
				cs = append(cs, c)
			}
			return cs, rows.Err()
		})
		p.same(t, "sqlx.In and Rebind", func(db *sqlx.DB) (any, error) {
			q, args, err := sqlx.In("SELECT id, name FROM customers WHERE id IN (?) AND tier > ? ORDER BY id", []int{1, 3, 5, 7, 9}, 0)
			if err != nil {
				return nil, err
			}
			var cs []struct {
				ID   int64  `db:"id"`
				Name string `db:"name"`
			}
			err = db.Select(&cs, db.Rebind(q), args...)
			return cs, err
		})
		p.same(t, "Preparex", func(db *sqlx.DB) (any, error) {
			st, err := db.Preparex("SELECT * FROM customers WHERE id = ?")
			if err != nil {
				return nil, err
			}
			defer st.Close()
			var out []sqlxCustomer
			for _, id := range []int{2, 6, 9} {
				var c sqlxCustomer
				if err := st.Get(&c, id); err != nil {
					return nil, err
				}
				out = append(out, c)
			}
			return out, nil
		})
		p.same(t, "NamedExec UPDATE and a transaction", func(db *sqlx.DB) (any, error) {
			tx, err := db.Beginx()
			if err != nil {
				return nil, err
			}
			if _, err := tx.NamedExec("UPDATE customers SET note = :note WHERE tier = :tier", map[string]any{"note": "vip", "tier": 3}); err != nil {
				tx.Rollback()
				return nil, err
			}
			if _, err := tx.NamedExec("INSERT INTO orders (customer_id, amount) VALUES (:customer_id, :amount)", []map[string]any{{"customer_id": 1, "amount": 10}, {"customer_id": 4, "amount": 20}, {"customer_id": 9, "amount": 30}}); err != nil {
				tx.Rollback()
				return nil, err
			}
			if err := tx.Commit(); err != nil {
				return nil, err
			}
			var rows []struct {
				Name   string `db:"name"`
				Amount int64  `db:"amount"`
				Note   sql.NullString
			}
			err = db.Select(&rows, "SELECT c.name, o.amount, c.note AS note FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.amount")
			return rows, err
		})
	})
}

func TestSqlxOpensByDriverName(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db, err := sqlx.Open("vitessdo", shopDSN(t, e))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range append(append([]string{}, shopSequences...), sqlxSchema...) {
			db.MustExec(q)
		}
		db.MustExec("INSERT INTO customers (name, email) VALUES (?, ?), (?, ?)", "a", "a@x", "b", "b@x")
		var names []string
		if err := db.Select(&names, "SELECT name FROM customers ORDER BY name"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a", "b"}, names); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
	})
}
