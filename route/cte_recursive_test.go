package route

import (
	"strings"
	"testing"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func sqlString(n sqlparser.SQLNode) string { return sqlparser.String(n) }

// A CTE that reads itself under WITH RECURSIVE is split into its anchor
// and its recursive SELECT; the shapes the backends give different
// meanings are refused, saying why.
func TestExpandRecursive(t *testing.T) {
	for _, tt := range []struct {
		sql, anchor, step string
		distinct          bool
	}{
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ?) SELECT n FROM c",
			"select 1 as n from dual", "select n + 1 from (select n from `cte:c`) as c where n < :v1", false},
		{"WITH RECURSIVE a AS (SELECT id FROM user), c AS (SELECT id FROM a UNION SELECT u.id FROM user u JOIN c ON u.name = c.id) SELECT id FROM c",
			"select id from (select id from user) as a", "select u.id from user as u join (select id from `cte:c`) as c on u.name = c.id", true},
	} {
		x, err := expand(tt.sql, 0)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		if len(x.recursive) != 1 {
			t.Errorf("%s: %d recursive CTEs, want 1", tt.sql, len(x.recursive))
			continue
		}
		rc := x.recursive[0]
		if got := sqlString(rc.anchor); got != tt.anchor {
			t.Errorf("%s: anchor\n got %s\nwant %s", tt.sql, got, tt.anchor)
		}
		if got := sqlString(rc.step); got != tt.step {
			t.Errorf("%s: step\n got %s\nwant %s", tt.sql, got, tt.step)
		}
		if rc.distinct != tt.distinct {
			t.Errorf("%s: distinct %v, want %v", tt.sql, rc.distinct, tt.distinct)
		}
	}
	for _, tt := range []struct{ sql, want, kind string }{
		{"WITH RECURSIVE c (n) AS (SELECT n FROM c) SELECT n FROM c", "is the UNION [ALL]", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c ORDER BY 1) SELECT n FROM c", "ORDER BY, LIMIT", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT n FROM c UNION ALL SELECT 1) SELECT n FROM c", "only the last SELECT", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT DISTINCT n + 1 FROM c) SELECT n FROM c", "DISTINCT, GROUP BY", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT c.n FROM c JOIN c AS d ON d.n = c.n) SELECT n FROM c", "reads c once", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT id FROM user WHERE id IN (SELECT n FROM c)) SELECT n FROM c", "reads c once", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT user.id FROM user LEFT JOIN c ON c.n = user.id) SELECT n FROM c", "nullable side", "unsupported"},
		{"WITH RECURSIVE c AS (SELECT 1 UNION ALL SELECT 2 FROM c) SELECT * FROM c", "computed without an alias", "unsupported"},
		{"WITH RECURSIVE c AS (SELECT * FROM user UNION ALL SELECT * FROM c) SELECT * FROM c", "selects *", "unsupported"},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n, n FROM c) SELECT n FROM c", "selects 2 columns", "plan"},
		{"WITH RECURSIVE a AS (SELECT id FROM b), b AS (SELECT 1 AS id) SELECT * FROM a", "written after", "unsupported"},
	} {
		_, _, err := expandForTest(tt.sql)
		checkErrKind(t, tt.sql, err, tt.kind, tt.want)
	}
}

// A recursion over sharded tables runs at the router, one over the
// tables of an unsharded keyspace goes to its shard whole.
func TestPlanRecursive(t *testing.T) {
	p := newTestPlanner(t, dialect.SQLite)
	for _, tt := range []struct {
		sql   string
		whole bool
	}{
		{"WITH RECURSIVE c AS (SELECT id FROM user WHERE id = 1 UNION ALL SELECT u.id FROM user u JOIN c ON u.name = c.id) SELECT id FROM c", false},
		{"WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 3) SELECT n FROM c", false},
		{"WITH RECURSIVE c AS (SELECT id FROM plain WHERE id = 1 UNION ALL SELECT p.id FROM plain p JOIN c ON p.id = c.id + 1) SELECT id FROM c", true},
		{"WITH RECURSIVE c AS (SELECT id FROM ref WHERE id = 1 UNION ALL SELECT r.id FROM c JOIN ref r ON r.id = c.id + 1) SELECT COUNT(*) FROM c", true},
		{"WITH RECURSIVE c AS (SELECT id FROM pin WHERE id = 1 UNION SELECT p.id FROM c JOIN pin p ON p.id = c.id + 1) SELECT * FROM c", true},
		{"WITH RECURSIVE c AS (SELECT id FROM pin WHERE id = 1 UNION SELECT p.id FROM c JOIN ref p ON p.id = c.id + 1) SELECT * FROM c", true},
		{"WITH RECURSIVE c AS (SELECT id FROM pin WHERE id = 1 UNION SELECT p.id FROM c JOIN user p ON p.id = c.id + 1) SELECT * FROM c", false},
		// Every sharded table restricted to one vindex value.
		{"WITH RECURSIVE c AS (SELECT id, name FROM user WHERE id = 5 UNION ALL SELECT u.id, u.name FROM c JOIN user u ON u.name = c.name JOIN ref r ON r.id = u.id WHERE u.id = 5 AND c.id < 9) SELECT * FROM c", true},
		{"WITH RECURSIVE c AS (SELECT user_id AS id FROM music WHERE user_id = 5 UNION ALL SELECT u.id FROM c JOIN user u ON u.id = c.id WHERE 5 = u.id) SELECT * FROM c WHERE id IN (SELECT id FROM user WHERE id = 5)", true},
		{"WITH RECURSIVE c AS (SELECT id, name FROM user WHERE id = 5 UNION ALL SELECT u.id, u.name FROM c JOIN user u ON u.name = c.name WHERE u.id = 6) SELECT * FROM c", false},
		{"WITH RECURSIVE c AS (SELECT id, name FROM user WHERE id = 5 UNION ALL SELECT u.id, u.name FROM c JOIN user u ON u.name = c.name WHERE u.id = 5 OR u.id = 6) SELECT * FROM c", false},
		{"WITH RECURSIVE c AS (SELECT id, name FROM user WHERE id = 5 UNION ALL SELECT u.id, u.name FROM c JOIN user u ON u.name = c.name WHERE u.id = 5) SELECT * FROM c WHERE id IN (SELECT id FROM user)", false},
	} {
		s := &Session{}
		if !tt.whole && strings.Contains(tt.sql, "SELECT 1 UNION") {
			s.Keyspace = "user"
		}
		pl, err := p.Plan(tt.sql, s)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		_, whole := pl.(*selectPlan)
		_, router := pl.(*recursivePlan)
		if whole != tt.whole || router == tt.whole {
			t.Errorf("%s: plan %T, whole %v", tt.sql, pl, tt.whole)
		}
	}
}
