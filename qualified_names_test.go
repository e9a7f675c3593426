package vitessdo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo"
)

func TestQualifiedNamesReachTheNamedKeyspaceInDDLAndDML(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openShardedKeyspace(t, e, shopVSchema, "shop")
		for _, q := range []string{
			"CREATE TABLE main.audit_log (id INT PRIMARY KEY, msg VARCHAR(40))",
			"CREATE TABLE `main`.`audit_old` (id INT PRIMARY KEY)",
			"CREATE INDEX audit_msg ON main.audit_log (msg)",
			"ALTER TABLE `main`.`audit_log` ADD COLUMN at_ms BIGINT",
			"INSERT INTO main.audit_log (id, msg, at_ms) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)",
			"UPDATE `main`.audit_log SET msg = 'B' WHERE id = 2",
			"DELETE FROM main.`audit_log` WHERE id = 3",
			"DROP INDEX audit_msg ON `main`.audit_log",
			"ALTER TABLE main.audit_log DROP COLUMN at_ms",
			"TRUNCATE TABLE main.audit_old",
			"DROP TABLE `main`.`audit_old`",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, q := range []string{
			"SELECT id, msg FROM main.audit_log ORDER BY id",
			"SELECT main.audit_log.id, msg FROM `main`.`audit_log` WHERE `main`.`audit_log`.id > 0 ORDER BY 1",
		} {
			got, err := queryAll(db, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if diff := cmp.Diff([][]any{{int64(1), "a"}, {int64(2), "B"}}, got.Rows); diff != "" {
				t.Errorf("%s (-want +got):\n%s", q, diff)
			}
		}
		// The rows are in keyspace main's database, the one USE main reads.
		conn, err := db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(t.Context(), "USE main"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil || n != 2 {
			t.Errorf("USE main; SELECT COUNT(*) FROM audit_log = %d, %v; want 2", n, err)
		}
		got, err := queryAll(db, "SHOW TABLES FROM main")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(result{Columns: []string{"Tables_in_main"}, Rows: [][]any{{"audit_log"}}}, got); diff != "" {
			t.Errorf("SHOW TABLES FROM main (-want +got):\n%s", diff)
		}
		// A qualifier naming no keyspace is an error that names it.
		if _, err := db.Exec("CREATE TABLE nope.t (id INT PRIMARY KEY)"); err == nil || !strings.Contains(err.Error(), `keyspace "nope" not found`) {
			t.Errorf("CREATE TABLE nope.t: %v", err)
		}
	})
}

func TestShowStatementsWithoutADefaultKeyspaceAnswerAsVTGate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSharded(t, e, shopVSchema)
		for _, q := range []string{
			"CREATE TABLE shop.customers (id BIGINT PRIMARY KEY, name VARCHAR(20))",
			"CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer_id BIGINT)",
			"CREATE TABLE main.customer_seq (id INT PRIMARY KEY, next_id BIGINT, cache BIGINT)",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, tc := range []struct {
			sql  string
			want result
		}{
			{"SHOW VSCHEMA TABLES", result{Columns: []string{"Tables"}, Rows: [][]any{
				{"main.customer_seq"}, {"main.order_seq"}, {"main.product_seq"}, {"shop.customers"}, {"shop.orders"}, {"shop.products"}}}},
			{"SHOW KEYSPACES", result{Columns: []string{"Database"}, Rows: [][]any{{"main"}, {"shop"}}}},
			{"SHOW DATABASES", result{Columns: []string{"Database"}, Rows: [][]any{{"main"}, {"shop"}, {"information_schema"}}}},
			{"SHOW DATABASES LIKE 'sh%'", result{Columns: []string{"Database"}, Rows: [][]any{{"shop"}}}},
			{"SHOW TABLES FROM shop", result{Columns: []string{"Tables_in_shop"}, Rows: [][]any{{"customers"}, {"orders"}}}},
			{"SHOW FULL TABLES FROM shop LIKE 'cust%'", result{Columns: []string{"Tables_in_shop", "Table_type"}, Rows: [][]any{{"customers", "BASE TABLE"}}}},
			{"SHOW TABLES FROM main", result{Columns: []string{"Tables_in_main"}, Rows: [][]any{{"customer_seq"}}}},
		} {
			got, err := queryAll(db, tc.sql)
			if err != nil {
				t.Errorf("%s: %v", tc.sql, err)
				continue
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.sql, diff)
			}
		}
		// SHOW TABLES needs a keyspace, as in MySQL and VTGate.
		if _, err := queryAll(db, "SHOW TABLES"); err == nil || !strings.Contains(err.Error(), "no keyspace selected") {
			t.Errorf("SHOW TABLES without a keyspace: %v", err)
		}
		var ue *vitessdo.UnsupportedError
		if _, err := queryAll(db, "SHOW TABLES FROM shop WHERE Tables_in_shop = 'orders'"); !errors.As(err, &ue) {
			t.Errorf("SHOW TABLES … WHERE: %v, want an UnsupportedError", err)
		}
	})
}
