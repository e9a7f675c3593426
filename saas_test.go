package vitessdo_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// saasVSchema is a multi-tenant application's: tenants, their users and
// orders sharded by tenant, users found by email through a consistent
// lookup vindex, order lines sharded by order, products a reference
// table.
const saasVSchema = `{
  "keyspaces": {
    "app": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {
        "hash": {"type": "hash"},
        "md5": {"type": "unicode_loose_md5"},
        "email_idx": {
          "type": "consistent_lookup_unique",
          "params": {"table": "user_email_idx", "from": "email", "to": "keyspace_id", "ignore_nulls": "true"},
          "owner": "users"
        }
      },
      "tables": {
        "tenants": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "users": {"column_vindexes": [{"column": "tenant_id", "name": "hash"}, {"column": "email", "name": "email_idx"}]},
        "orders": {"column_vindexes": [{"column": "tenant_id", "name": "hash"}]},
        "order_items": {"column_vindexes": [{"column": "order_id", "name": "hash"}]},
        "user_email_idx": {"column_vindexes": [{"column": "email", "name": "md5"}]},
        "products": {"type": "reference"}
      }
    }
  }
}`

// saasDDL creates the SaaS schema's tables.
var saasDDL = []string{
	"CREATE TABLE tenants (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64), plan VARCHAR(16), created DATETIME)",
	"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, tenant_id BIGINT NOT NULL, email VARCHAR(128), name VARCHAR(64), score DOUBLE, active TINYINT, created DATETIME)",
	"CREATE TABLE user_email_idx (email VARCHAR(128) NOT NULL PRIMARY KEY, keyspace_id VARBINARY(16))",
	"CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, tenant_id BIGINT NOT NULL, user_id BIGINT, status VARCHAR(16), total DECIMAL(10,2), placed DATETIME, note TEXT)",
	"CREATE TABLE order_items (order_id BIGINT NOT NULL, line INT NOT NULL, product_id BIGINT, qty INT, price DECIMAL(10,2), PRIMARY KEY (order_id, line))",
	"CREATE TABLE products (id BIGINT NOT NULL PRIMARY KEY, sku VARCHAR(16), name VARCHAR(64), price DECIMAL(10,2), category VARCHAR(16))",
}

// newSaaSPair loads the SaaS schema with tenants, users, orders, lines
// and products whose values hold NULLs, mixed case and repeated text,
// negative and missing amounts, into a sharded database and its oracle.
func newSaaSPair(t testing.TB, e engine) *pair {
	t.Helper()
	p := newPair(t, e, saasVSchema)
	for _, ddl := range saasDDL {
		p.exec(t, ddl)
	}
	plans := []any{"free", "Pro", "pro", "enterprise", nil}
	names := []any{"Acme", "acme", "Globex", "Initech", "Umbrella", "Ächt", nil, "", "zeta", "Zeta"}
	for i := 1; i <= 10; i++ {
		var created any = time.Date(2023, time.Month(1+i%12), 1+i*2, i, 0, 0, 0, time.UTC)
		if i%4 == 0 {
			created = nil
		}
		p.exec(t, "INSERT INTO tenants (id, name, plan, created) VALUES (?, ?, ?, ?)", int64(i), names[i-1], plans[i%len(plans)], created)
	}
	cats := []any{"tools", "Tools", "food", nil, "toys"}
	for i := 1; i <= 12; i++ {
		var price any = fmt.Sprintf("%d.%02d", i*3, (i*17)%100)
		if i%5 == 0 {
			price = nil
		}
		p.exec(t, "INSERT INTO products (id, sku, name, price, category) VALUES (?, ?, ?, ?, ?)", int64(i), fmt.Sprintf("SKU-%03d", i), fmt.Sprintf("Product %c", 'A'+i), price, cats[i%len(cats)])
	}
	unames := []any{"alice", "Bob", "carol", "Dave", nil, "eve", "Frank", "", "Ünal", "bob"}
	for i := 1; i <= 40; i++ {
		var email any = fmt.Sprintf("u%d@ex%d.com", i, i%3)
		if i%9 == 0 {
			email = nil
		}
		var score any = float64((i*13)%29-7) / 2
		if i%6 == 0 {
			score = nil
		}
		var active any = int64(i % 2)
		if i%11 == 0 {
			active = nil
		}
		var created any = time.Date(2024, time.Month(1+i%12), 1+(i*3)%28, (i*5)%24, i%60, 0, 0, time.UTC)
		if i%7 == 0 {
			created = nil
		}
		p.exec(t, "INSERT INTO users (id, tenant_id, email, name, score, active, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
			int64(i), int64(1+i%10), email, unames[i%len(unames)], score, active, created)
	}
	statuses := []any{"new", "paid", "shipped", "Paid", nil, "cancelled"}
	line := 0
	for i := 1; i <= 90; i++ {
		var uid any = int64(1 + (i*7)%40)
		if i%13 == 0 {
			uid = nil
		}
		var total any = fmt.Sprintf("%d.%02d", (i*37)%200-20, (i*11)%100)
		if i%8 == 0 {
			total = nil
		}
		var placed any = time.Date(2024, time.Month(1+i%12), 1+(i*7)%28, (i*3)%24, 0, 0, 0, time.UTC)
		if i%10 == 0 {
			placed = nil
		}
		var note any = []string{"gift", "Gift wrap", "rush", "", "50% off"}[i%5]
		if i%3 == 0 {
			note = nil
		}
		tid := int64(1 + (i*3)%10)
		p.exec(t, "INSERT INTO orders (id, tenant_id, user_id, status, total, placed, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
			int64(i), tid, uid, statuses[i%len(statuses)], total, placed, note)
		for j := 0; j < i%4; j++ {
			line++
			var pid any = int64(1 + (i+j*5)%14)
			if line%17 == 0 {
				pid = nil
			}
			var qty any = int64((line*7)%9 - 1)
			if line%10 == 0 {
				qty = nil
			}
			var price any = fmt.Sprintf("%d.%02d", line%50, (line*29)%100)
			if line%12 == 0 {
				price = nil
			}
			p.exec(t, "INSERT INTO order_items (order_id, line, product_id, qty, price) VALUES (?, ?, ?, ?, ?)",
				int64(i), int64(j+1), pid, qty, price)
		}
	}
	return p
}

// saasCase is one statement of testdata/saas_statements.txt.
type saasCase struct {
	query   string
	args    []any
	ordered bool
}

// readSaaSCases reads testdata/saas_statements.txt (its header says how).
func readSaaSCases(t *testing.T) []saasCase {
	t.Helper()
	f, err := os.Open("testdata/saas_statements.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []saasCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var c saasCase
		line, c.ordered = strings.CutPrefix(line, "ordered|")
		if q, args, ok := strings.Cut(line, " -- "); ok {
			line = q
			for _, a := range strings.Split(args, " ;; ") {
				v, err := parseSaaSArg(strings.TrimSpace(a))
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				c.args = append(c.args, v)
			}
		}
		c.query = strings.TrimSpace(line)
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// parseSaaSArg reads one argument of a statement line.
func parseSaaSArg(s string) (any, error) {
	switch {
	case s == "nil":
		return nil, nil
	case s == "true", s == "false":
		return s == "true", nil
	case strings.HasPrefix(s, "b:"):
		return []byte(s[2:]), nil
	case strings.HasPrefix(s, "s:"):
		return s[2:], nil
	case strings.HasPrefix(s, "t:"):
		return time.Parse(time.RFC3339, s[2:])
	case strings.HasPrefix(s, "f:"):
		return strconv.ParseFloat(s[2:], 64)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("argument %q: %w", s, err)
	}
	return n, nil
}

// Statements an application developer writes over a multi-tenant schema
// (joins with GROUP BY, HAVING, ORDER BY and LIMIT, subqueries in every
// clause, derived tables, UNION, CASE, COALESCE, string and date
// functions, DISTINCT, lookups by email, arguments of every Go type)
// return what one database returns, or fail as it fails, on every
// engine; none is refused.
func TestSaaSStatementsEqualOneDatabase(t *testing.T) {
	cases := readSaaSCases(t)
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newSaaSPair(t, e)
		for _, c := range cases {
			if c.ordered {
				p.compareOrderedOutcome(t, c.query, c.args...)
				continue
			}
			p.compareOutcome(t, c.query, c.args...)
		}
	})
}
