package vitessdo_test

import (
	"database/sql"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// signupVSchema is the layout Vitess's documentation shows: the
// sequences and the email lookup table in the unsharded keyspace, users
// and their orders sharded by user id. A signup writes the lookup row
// (on main/0) and then needs an order id from a sequence (on main/0
// too), in one transaction. The sequences reserve one id at a time, so
// every statement reserves.
const signupVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"user_seq": {"type": "sequence"}, "order_seq": {"type": "sequence"}, "users_email_lookup": {}}
    },
    "app": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "email_lookup": {
          "type": "consistent_lookup_unique",
          "params": {"table": "main.users_email_lookup", "from": "email", "to": "keyspace_id"},
          "owner": "users"
        }
      },
      "tables": {
        "users": {
          "column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "email_lookup"}],
          "auto_increment": {"column": "id", "sequence": "user_seq"}
        },
        "orders": {
          "column_vindexes": [{"column": "user_id", "name": "hash"}],
          "auto_increment": {"column": "id", "sequence": "order_seq"}
        }
      }
    }
  }
}`

var signupDDL = []string{
	"CREATE TABLE main.user_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO main.user_seq (id, next_id, cache) VALUES (0, 1, 1)",
	"CREATE TABLE main.order_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
	"INSERT INTO main.order_seq (id, next_id, cache) VALUES (0, 1, 1)",
	"CREATE TABLE main.users_email_lookup (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
}

var signupAppDDL = []string{
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(128) NOT NULL, name VARCHAR(64))",
	"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT NOT NULL)",
}

// openSignup opens the signup layout with keyspace app as the default and
// creates the sequences and the lookup table; with tables, the app's
// tables too.
func openSignup(t *testing.T, e engine, tables bool) *sql.DB {
	t.Helper()
	db := openShardedKeyspace(t, e, signupVSchema, "app")
	ddl := signupDDL
	if tables {
		ddl = append(append([]string(nil), signupDDL...), signupAppDDL...)
	}
	for _, q := range ddl {
		mustExec(t, db, q)
	}
	return db
}

// TestSignupTransactionWritesLookupAndSequenceOnOneShard runs, in a loop,
// the signup transaction of an application whose lookup table sits beside
// its sequences: BEGIN; INSERT INTO users; INSERT INTO orders; COMMIT.
// The order's id comes from a sequence on the shard whose write lock the
// transaction took for the lookup row; on SQLite that reservation runs
// in the transaction itself instead of waiting for it. Every user, order
// and lookup row is there exactly once, every user is found by email, and
// a rolled-back signup leaves nothing behind.
func TestSignupTransactionWritesLookupAndSequenceOnOneShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openSignup(t, e, true)
		const signups = 20
		want := map[string][]int64{} // email → order amounts
		for i := 0; i < signups; i++ {
			email := fmt.Sprintf("u%d@example.com", i)
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			res, err := tx.Exec("INSERT INTO users (email, name) VALUES (?, ?)", email, "user")
			if err != nil {
				t.Fatalf("signup %d: INSERT INTO users: %v", i, err)
			}
			uid, err := res.LastInsertId()
			if err != nil || uid == 0 {
				t.Fatalf("signup %d: LastInsertId %d, %v", i, uid, err)
			}
			for j := int64(1); j <= 2; j++ {
				if _, err := tx.Exec("INSERT INTO orders (user_id, amount) VALUES (?, ?)", uid, int64(i)*10+j); err != nil {
					t.Fatalf("signup %d: INSERT INTO orders: %v", i, err)
				}
			}
			if i%5 == 4 {
				if err := tx.Rollback(); err != nil {
					t.Fatalf("signup %d: ROLLBACK: %v", i, err)
				}
				continue
			}
			if err := tx.Commit(); err != nil {
				t.Fatalf("signup %d: COMMIT: %v", i, err)
			}
			want[email] = []int64{int64(i)*10 + 1, int64(i)*10 + 2}
		}
		checkSignups(t, db, want)
	})
}

// checkSignups requires exactly the committed signups: each user found by
// email with its orders, ids unique, one lookup row per user.
func checkSignups(t *testing.T, db *sql.DB, want map[string][]int64) {
	t.Helper()
	got := map[string][]int64{}
	rows, err := db.Query("SELECT u.email, o.amount FROM users u JOIN orders o ON o.user_id = u.id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var email string
		var amount int64
		if err := rows.Scan(&email, &amount); err != nil {
			t.Fatal(err)
		}
		got[email] = append(got[email], amount)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for _, a := range got {
		sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users and their orders (-want +got):\n%s", diff)
	}
	for _, q := range []string{"SELECT COUNT(*), COUNT(DISTINCT id) FROM users", "SELECT COUNT(*), COUNT(DISTINCT id) FROM orders"} {
		var n, distinct int
		if err := db.QueryRow(q).Scan(&n, &distinct); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != distinct {
			t.Errorf("%s: %d rows, %d distinct ids", q, n, distinct)
		}
	}
	var lookups int
	if err := db.QueryRow("SELECT COUNT(*) FROM main.users_email_lookup").Scan(&lookups); err != nil {
		t.Fatal(err)
	}
	if lookups != len(want) {
		t.Errorf("%d lookup rows for %d users", lookups, len(want))
	}
	for email := range want {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE email = ?", email).Scan(&n); err != nil || n != 1 {
			t.Errorf("user %s by email: %d rows, %v", email, n, err)
		}
	}
}

// Member and Purchase are the signup's models for GORM: a member owns
// the email lookup, its purchases are sharded by member id.
type Member struct {
	ID        uint
	Email     string `gorm:"size:128;not null"`
	Purchases []Purchase
}

type Purchase struct {
	ID       uint
	MemberID uint `gorm:"not null"`
	Amount   int64
}

const memberVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"user_seq": {"type": "sequence"}, "order_seq": {"type": "sequence"}, "users_email_lookup": {}}
    },
    "app": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "email_lookup": {
          "type": "consistent_lookup_unique",
          "params": {"table": "main.users_email_lookup", "from": "email", "to": "keyspace_id"},
          "owner": "members"
        }
      },
      "tables": {
        "members": {
          "column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "email_lookup"}],
          "auto_increment": {"column": "id", "sequence": "user_seq"}
        },
        "purchases": {
          "column_vindexes": [{"column": "member_id", "name": "hash"}],
          "auto_increment": {"column": "id", "sequence": "order_seq"}
        }
      }
    }
  }
}`

// TestGormCreateWithAssociationsBesideLookupAndSequences creates members
// with their purchases through GORM, in a loop: GORM inserts the member
// and its purchases in one transaction, the layout keeping the lookup
// table beside the sequences. Every call succeeds and leaves exactly its
// rows.
func TestGormCreateWithAssociationsBesideLookupAndSequences(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		sqlDB := openShardedKeyspace(t, e, memberVSchema, "app")
		for _, q := range signupDDL {
			mustExec(t, sqlDB, q)
		}
		db, err := gorm.Open(mysql.New(mysql.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AutoMigrate(&Member{}, &Purchase{}); err != nil {
			t.Fatalf("AutoMigrate: %v", err)
		}
		const members = 20
		want := map[string][]int64{}
		for i := 0; i < members; i++ {
			email := fmt.Sprintf("m%d@example.com", i)
			m := Member{Email: email, Purchases: []Purchase{{Amount: int64(i)*10 + 1}, {Amount: int64(i)*10 + 2}}}
			if err := db.Create(&m).Error; err != nil {
				t.Fatalf("Create %d: %v", i, err)
			}
			if m.ID == 0 || m.Purchases[0].ID == 0 || m.Purchases[1].ID == 0 || m.Purchases[0].MemberID != m.ID {
				t.Fatalf("Create %d: ids %+v", i, m)
			}
			want[email] = []int64{int64(i)*10 + 1, int64(i)*10 + 2}
		}
		var got []Member
		if err := db.Preload("Purchases").Find(&got).Error; err != nil {
			t.Fatal(err)
		}
		have := map[string][]int64{}
		ids := map[uint]bool{}
		for _, m := range got {
			if ids[m.ID] {
				t.Errorf("member id %d twice", m.ID)
			}
			ids[m.ID] = true
			for _, p := range m.Purchases {
				have[m.Email] = append(have[m.Email], p.Amount)
			}
			sort.Slice(have[m.Email], func(i, j int) bool { return have[m.Email][i] < have[m.Email][j] })
		}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("members and purchases (-want +got):\n%s", diff)
		}
		var byEmail Member
		if err := db.Where("email = ?", "m7@example.com").First(&byEmail).Error; err != nil {
			t.Errorf("member by email: %v", err)
		}
	})
}

// autocommitLookupVSchema keeps an autocommit lookup table (its rows
// written in transactions of their own) in the unsharded keyspace,
// beside the sequence and a table of settings.
const autocommitLookupVSchema = `{
  "keyspaces": {
    "main": {
      "sharded": false,
      "tables": {"user_seq": {"type": "sequence"}, "users_email_lookup": {}, "settings": {}}
    },
    "app": {
      "sharded": true,
      "shards": ["-80", "80-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "email_lookup": {
          "type": "lookup_unique",
          "params": {"table": "main.users_email_lookup", "from": "email", "to": "keyspace_id", "autocommit": "true"},
          "owner": "users"
        }
      },
      "tables": {
        "users": {
          "column_vindexes": [{"column": "id", "name": "hash"}, {"column": "email", "name": "email_lookup"}],
          "auto_increment": {"column": "id", "sequence": "user_seq"}
        }
      }
    }
  }
}`

// TestAutocommitLookupWriteInATransactionHoldingItsShard inserts users
// owning an autocommit lookup in transactions that already wrote the
// lookup's shard. On SQLite the transaction holds that file's one write
// lock, which a transaction of its own could not take before this one
// ends: the lookup row is written in the transaction, and commits or
// rolls back with the user's row.
func TestAutocommitLookupWriteInATransactionHoldingItsShard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		db := openShardedKeyspace(t, e, autocommitLookupVSchema, "app")
		for _, q := range []string{
			"CREATE TABLE main.user_seq (id INT NOT NULL PRIMARY KEY, next_id BIGINT, cache BIGINT)",
			"INSERT INTO main.user_seq (id, next_id, cache) VALUES (0, 1, 1)",
			"CREATE TABLE main.users_email_lookup (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
			"CREATE TABLE main.settings (name VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT)",
			"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(128) NOT NULL, name VARCHAR(64))",
		} {
			mustExec(t, db, q)
		}
		want := map[string][]int64{}
		for i := 0; i < 6; i++ {
			email := fmt.Sprintf("a%d@example.com", i)
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, tx, "INSERT INTO main.settings (name, value) VALUES (?, 'x')", email)
			if _, err := tx.Exec("INSERT INTO users (id, email, name) VALUES (?, ?, 'a')", 100+i, email); err != nil {
				t.Fatalf("user %d: %v", i, err)
			}
			if i%3 == 2 {
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := tx.Commit(); err != nil {
				t.Fatalf("user %d: COMMIT: %v", i, err)
			}
			want[email] = nil
		}
		got := map[string][]int64{}
		rows, err := db.Query("SELECT email FROM users")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var email string
			rows.Scan(&email)
			got[email] = nil
		}
		rows.Close()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
		for email := range want {
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE email = ?", email).Scan(&n); err != nil || n != 1 {
				t.Errorf("user %s by email: %d rows, %v", email, n, err)
			}
		}
		var lookups int
		if err := db.QueryRow("SELECT COUNT(*) FROM main.users_email_lookup").Scan(&lookups); err != nil {
			t.Fatal(err)
		}
		if e.name == "sqlite" && lookups != len(want) {
			t.Errorf("%d lookup rows for %d users: the rolled-back users' rows stay", lookups, len(want))
		}
	})
}
