package vitessdo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestInformationSchemaDescribesTablesAsMySQLDoes creates a table as an
// ORM writes it and reads it back through information_schema: the types
// are the MySQL types it was created with, whatever the backend stores.
func TestInformationSchemaDescribesTablesAsMySQLDoes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openShardedKeyspace(t, e, appVSchema, "app")
		for _, q := range []string{
			"CREATE TABLE users (`id` bigint unsigned AUTO_INCREMENT, `name` varchar(191) NOT NULL DEFAULT 'anon', `bio` longtext, " +
				"`active` boolean DEFAULT true, `score` decimal(10,2), `born` datetime(3) NULL, `country` char(2), " +
				"PRIMARY KEY (`id`), UNIQUE INDEX `idx_users_name` (`name`), INDEX `idx_users_country_born` (`country`, `born`))",
			"CREATE TABLE countries (code varchar(2) NOT NULL PRIMARY KEY, name varchar(64))",
			"CREATE TABLE orders (id bigint NOT NULL PRIMARY KEY, user_id bigint unsigned NOT NULL, country varchar(2), " +
				"CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id), CONSTRAINT fk_orders_id FOREIGN KEY (id) REFERENCES users (id), CONSTRAINT fk_orders_country FOREIGN KEY (country) REFERENCES countries (code))",
			"ALTER TABLE users ADD COLUMN `level` tinyint unsigned NOT NULL DEFAULT 0",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		got, err := queryAll(db, "SELECT column_name, column_default, is_nullable = 'YES', data_type, character_maximum_length, column_type, column_key, extra, numeric_precision, numeric_scale, datetime_precision "+
			"FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ORDINAL_POSITION", "app", "users")
		if err != nil {
			t.Fatal(err)
		}
		want := result{
			Columns: []string{"COLUMN_NAME", "COLUMN_DEFAULT", "is_nullable = 'YES'", "DATA_TYPE", "CHARACTER_MAXIMUM_LENGTH", "COLUMN_TYPE", "COLUMN_KEY", "EXTRA", "NUMERIC_PRECISION", "NUMERIC_SCALE", "DATETIME_PRECISION"},
			Rows: [][]any{
				{"id", nil, int64(0), "bigint", nil, "bigint unsigned", "PRI", "auto_increment", int64(20), int64(0), nil},
				{"name", "anon", int64(0), "varchar", int64(191), "varchar(191)", "UNI", "", nil, nil, nil},
				{"bio", nil, int64(1), "longtext", int64(4294967295), "longtext", "", "", nil, nil, nil},
				{"active", "1", int64(1), "tinyint", nil, "tinyint(1)", "", "", int64(3), int64(0), nil},
				{"score", nil, int64(1), "decimal", nil, "decimal(10,2)", "", "", int64(10), int64(2), nil},
				{"born", nil, int64(1), "datetime", nil, "datetime(3)", "", "", nil, nil, int64(3)},
				{"country", nil, int64(1), "char", int64(2), "char(2)", "MUL", "", nil, nil, nil},
				{"level", "0", int64(0), "tinyint", nil, "tinyint unsigned", "", "", int64(3), int64(0), nil},
			},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("information_schema.columns (-want +got):\n%s", diff)
		}

		got, err = queryAll(db, "SELECT TABLE_NAME, COLUMN_NAME, INDEX_NAME, NON_UNIQUE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX", "app", "users")
		if err != nil {
			t.Fatal(err)
		}
		want = result{
			Columns: []string{"TABLE_NAME", "COLUMN_NAME", "INDEX_NAME", "NON_UNIQUE"},
			Rows: [][]any{
				{"users", "id", "PRIMARY", int64(0)},
				{"users", "country", "idx_users_country_born", int64(1)},
				{"users", "born", "idx_users_country_born", int64(1)},
				{"users", "name", "idx_users_name", int64(0)},
			},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("information_schema.statistics (-want +got):\n%s", diff)
		}

		// orders.user_id and users.id are both sharded by hash: a user's
		// orders live on the user's shard, so that key is kept, as is the
		// one to the reference table; orders.id is not where orders are
		// sharded, so fk_orders_id cannot be checked on one shard and is
		// dropped.
		got, err = queryAll(db, "SELECT constraint_name, table_name, constraint_type FROM information_schema.table_constraints WHERE constraint_schema = ? ORDER BY table_name, constraint_name", "app")
		if err != nil {
			t.Fatal(err)
		}
		want = result{
			Columns: []string{"CONSTRAINT_NAME", "TABLE_NAME", "CONSTRAINT_TYPE"},
			Rows: [][]any{
				{"PRIMARY", "countries", "PRIMARY KEY"},
				{"PRIMARY", "orders", "PRIMARY KEY"},
				{"fk_orders_country", "orders", "FOREIGN KEY"},
				{"fk_orders_user", "orders", "FOREIGN KEY"},
				{"PRIMARY", "users", "PRIMARY KEY"},
				{"idx_users_name", "users", "UNIQUE"},
			},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("information_schema.table_constraints (-want +got):\n%s", diff)
		}

		got, err = queryAll(db, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]any{{"app"}, {"main"}}, got.Rows); diff != "" {
			t.Errorf("information_schema.schemata (-want +got):\n%s", diff)
		}
		got, err = queryAll(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ? AND table_type = ?", "app", "orders", "BASE TABLE")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(result{Columns: []string{"count(*)"}, Rows: [][]any{{int64(1)}}}, got); diff != "" {
			t.Errorf("information_schema.tables (-want +got):\n%s", diff)
		}
	})
}
