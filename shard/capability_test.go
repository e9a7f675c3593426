package shard

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/internal/eval"
)

func TestPreparedTransactionStatementsQuoteTheID(t *testing.T) {
	pt := (&Backend{Dialect: dialect.PostgreSQL}).Capabilities().(PreparedTransactions)
	for got, want := range map[string]string{
		pt.PrepareSQL("vt2pc_1_2_0"):        "PREPARE TRANSACTION 'vt2pc_1_2_0'",
		pt.CommitPreparedSQL("vt2pc_1_2_0"): "COMMIT PREPARED 'vt2pc_1_2_0'",
		pt.RollbackPreparedSQL("it's"):      "ROLLBACK PREPARED 'it''s'",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestCatalogAndStatementCapabilitiesOfEachBackend(t *testing.T) {
	tests := []struct {
		d                             dialect.Dialect
		catalog, stmtCache, noLengths bool
	}{
		{d: dialect.SQLite, catalog: true, stmtCache: true, noLengths: true},
		{d: dialect.PostgreSQL, catalog: true},
		{d: dialect.Dialect(99)},
	}
	for _, tt := range tests {
		c := (&Backend{Dialect: tt.d}).Capabilities()
		_, cr := c.(CatalogReader)
		_, sc := c.(StatementCacher)
		_, nl := c.(ColumnLengthsUnknown)
		got := [3]bool{cr, sc, nl}
		want := [3]bool{tt.catalog, tt.stmtCache, tt.noLengths}
		if got != want {
			t.Errorf("%v: capabilities (catalog, statement cache, no column lengths) = %v, want %v", tt.d, got, want)
		}
	}
}

func TestReadCatalogOfBackendWithoutCatalogNamesTheBackend(t *testing.T) {
	_, err := (&Backend{Dialect: dialect.Dialect(99)}).ReadCatalog(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "no catalog") {
		t.Fatalf("ReadCatalog = %v, want an error saying the backend has no catalog", err)
	}
}

type stateError string

func (e stateError) Error() string    { return "state " + string(e) }
func (e stateError) SQLState() string { return string(e) }

type codeError int

func (e codeError) Error() string { return fmt.Sprintf("code %d", int(e)) }
func (e codeError) Code() int     { return int(e) }

func TestLockConflictsOfEachBackend(t *testing.T) {
	tests := []struct {
		d    dialect.Dialect
		err  error
		want bool
	}{
		{dialect.PostgreSQL, stateError("40P01"), true},
		{dialect.PostgreSQL, fmt.Errorf("wrapped: %w", stateError("40001")), true},
		{dialect.PostgreSQL, stateError("55P03"), true},
		{dialect.PostgreSQL, stateError("23505"), false},
		{dialect.PostgreSQL, codeError(5), false},
		{dialect.PostgreSQL, errors.New("deadlock"), false},
		{dialect.SQLite, codeError(5), true},   // SQLITE_BUSY
		{dialect.SQLite, codeError(6), true},   // SQLITE_LOCKED
		{dialect.SQLite, codeError(517), true}, // SQLITE_BUSY_SNAPSHOT
		{dialect.SQLite, fmt.Errorf("wrapped: %w", codeError(262)), true},
		{dialect.SQLite, codeError(19), false},
		{dialect.SQLite, stateError("40P01"), false},
	}
	for _, tt := range tests {
		r, ok := (&Backend{Dialect: tt.d}).Capabilities().(LockConflictReporter)
		if !ok {
			t.Fatalf("%v: no LockConflictReporter", tt.d)
		}
		if got := r.IsLockConflict(tt.err); got != tt.want {
			t.Errorf("%v: IsLockConflict(%v) = %v, want %v", tt.d, tt.err, got, tt.want)
		}
	}
	if _, ok := (&Backend{Dialect: dialect.Dialect(99)}).Capabilities().(LockConflictReporter); ok {
		t.Errorf("a backend of no known dialect reports lock conflicts")
	}
}

func TestDecisionLogOnlyOnPostgreSQL(t *testing.T) {
	if _, ok := (&Backend{Dialect: dialect.SQLite}).Capabilities().(DecisionLog); ok {
		t.Errorf("SQLite keeps a decision log: it has no prepared transactions")
	}
	dl, ok := (&Backend{Dialect: dialect.PostgreSQL}).Capabilities().(DecisionLog)
	if !ok {
		t.Fatal("PostgreSQL keeps no decision log")
	}
	s := dl.DecisionLogSQL()
	// Each statement takes as many placeholders as its arguments.
	for _, c := range []struct {
		name, sql string
		args      int
	}{
		{"Create", s.Create, 0}, {"Exists", s.Exists, 0}, {"Insert", s.Insert, 3},
		{"Commit", s.Commit, 1}, {"Rollback", s.Rollback, 1}, {"State", s.State, 1},
		{"Delete", s.Delete, 1}, {"DeleteInState", s.DeleteInState, 2}, {"List", s.List, 0},
	} {
		if !strings.Contains(c.sql, "vitessdo_twopc") {
			t.Errorf("%s = %q: not about vitessdo_twopc", c.name, c.sql)
		}
		for i := 1; i <= c.args+1; i++ {
			if has := strings.Contains(c.sql, fmt.Sprintf("$%d", i)); has != (i <= c.args) {
				t.Errorf("%s = %q: placeholder $%d present = %v, want %v", c.name, c.sql, i, has, i <= c.args)
			}
		}
	}
}

func TestValueSemanticsOfEachBackend(t *testing.T) {
	for d, want := range map[dialect.Dialect]eval.Engine{dialect.SQLite: eval.SQLite, dialect.PostgreSQL: eval.PostgreSQL} {
		vs, ok := (&Backend{Dialect: d}).Capabilities().(ValueSemantics)
		if !ok || vs.Semantics() != want {
			t.Errorf("%v: value semantics %v (%v), want %v", d, vs, ok, want)
		}
	}
	if _, ok := (&Backend{Dialect: dialect.Dialect(99)}).Capabilities().(ValueSemantics); ok {
		t.Errorf("a backend of no known dialect names value semantics")
	}
}
