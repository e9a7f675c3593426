package route

import (
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func TestDisplayQueryWritesArgumentsInPlace(t *testing.T) {
	tests := []struct {
		d    dialect.Dialect
		sql  string
		args []any
		want string
	}{
		{dialect.SQLite, "SELECT `a?` FROM t WHERE b = ? AND c = '?' AND d = ?", []any{"it's", int64(2)}, "SELECT `a?` FROM t WHERE b = 'it''s' AND c = '?' AND d = 2"},
		{dialect.SQLite, "SELECT ? , ?", []any{nil}, "SELECT NULL , ?"},
		{dialect.SQLite, "SELECT $1", []any{int64(1)}, "SELECT $1"},
		{dialect.PostgreSQL, `SELECT "$1" FROM t WHERE b = $2 AND c = $1 AND d = '$1'`, []any{int64(1), "x"}, `SELECT "$1" FROM t WHERE b = 'x' AND c = 1 AND d = '$1'`},
		{dialect.PostgreSQL, "SELECT $10, $0, $3, ?", []any{0, 1, 2, 3, 4, 5, 6, 7, 8, "ten"}, "SELECT 'ten', ?, 2, ?"},
		{dialect.PostgreSQL, "SELECT $99999999999999999999, $", []any{int64(1)}, "SELECT ?, $"},
	}
	for _, tt := range tests {
		if got := DisplayQuery(tt.d, tt.sql, tt.args); got != tt.want {
			t.Errorf("DisplayQuery(%v, %q) = %q, want %q", tt.d, tt.sql, got, tt.want)
		}
	}
}
