package route

import (
	"errors"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
)

// Valid SQL the parser cannot read is unsupported, saying why, not a
// syntax error; real syntax errors stay syntax errors.
func TestUnparsedFormsAreUnsupported(t *testing.T) {
	p := newTestPlanner(t, dialect.SQLite)
	for _, tt := range []struct{ sql, want string }{
		{"with recursive t(n) as (select 1 union all select n+1 from t where n < 3 limit 2) select * from t", "WITH RECURSIVE t: ORDER BY, LIMIT"},
		{"/* c */ WITH RECURSIVE x AS (SELECT id FROM user UNION ALL SELECT MAX(id) FROM x) SELECT * FROM x", "WITH RECURSIVE x: DISTINCT, GROUP BY"},
		{"SELECT * FROM (WITH RECURSIVE x AS (SELECT id FROM user UNION ALL SELECT id + 1 FROM x) SELECT * FROM x) d", "WITH RECURSIVE inside parentheses"},
		{"SELECT id FROM user WHERE id IN ( with recursive x AS (SELECT id FROM user UNION SELECT id FROM x) SELECT * FROM x)", "WITH RECURSIVE inside parentheses"},
		{"SELECT id FROM user ORDER BY name NULLS LAST, id", "NULLS FIRST/LAST in a statement's ORDER BY"},
		{"SELECT id, RANK() OVER (ORDER BY name NULLS FIRST) FROM user ORDER BY name DESC NULLS FIRST", "NULLS FIRST/LAST in a statement's ORDER BY"},
	} {
		_, err := p.Plan(tt.sql, &Session{})
		var ue *UnsupportedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "unsupported: "+tt.want) {
			t.Errorf("%s: got %v, want unsupported: %s", tt.sql, err, tt.want)
		}
	}
	for _, sql := range []string{"SELEC 1", "SELECT * FROM user WHERE", "SELECT 1 +", "SELECT RANK() OVER (ORDER BY name NULLS LAST) FROM user WHERE"} {
		_, err := p.Plan(sql, &Session{})
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a syntax error", sql, err)
		}
	}
}
