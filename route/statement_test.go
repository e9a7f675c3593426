package route

import (
	"testing"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/shard"
)

func TestShardStatementKeepsOneTemplatePerDialect(t *testing.T) {
	ast, err := sqlparser.Parse("select id from t where id = 1")
	if err != nil {
		t.Fatal(err)
	}
	s := newShardStmt(ast)
	sqlite, postgres := &shard.Backend{Dialect: dialect.SQLite}, &shard.Backend{Dialect: dialect.PostgreSQL}
	t1, err := s.template(t.Context(), sqlite)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := s.template(t.Context(), postgres)
	if err != nil {
		t.Fatal(err)
	}
	if t1 == t2 {
		t.Fatal("SQLite and PostgreSQL share a template")
	}
	if again, _ := s.template(t.Context(), sqlite); again != t1 {
		t.Error("the SQLite template was rendered again")
	}
	// A dialect the renderer does not know is an error, not a panic.
	if _, err := s.template(t.Context(), &shard.Backend{Dialect: dialect.Dialect(7)}); err == nil {
		t.Error("template for an unknown dialect: no error")
	}
}
