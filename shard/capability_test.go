package shard

import (
	"strings"
	"testing"

	"github.com/dot-do/vitessdo/internal/dialect"
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
