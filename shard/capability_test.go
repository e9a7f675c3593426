package shard

import (
	"strings"
	"testing"
)

func TestCapabilitiesOfEachBackend(t *testing.T) {
	tests := []struct {
		d                                                            Dialect
		singleWriter, readOnly, txOptions, failedTx, prepared, locks bool
	}{
		{d: SQLite, singleWriter: true, readOnly: true, txOptions: true},
		{d: PostgreSQL, txOptions: true, failedTx: true, prepared: true, locks: true},
	}
	for _, tt := range tests {
		c := (&Backend{Dialect: tt.d}).Capabilities()
		_, sw := c.(SingleWriter)
		_, ro := c.(ReadOnlyEnforcer)
		_, to := c.(TxOptionsAdapter)
		_, ft := c.(FailedTransactionReporter)
		_, pt := c.(PreparedTransactions)
		_, al := c.(AdvisoryLocks)
		got := [6]bool{sw, ro, to, ft, pt, al}
		want := [6]bool{tt.singleWriter, tt.readOnly, tt.txOptions, tt.failedTx, tt.prepared, tt.locks}
		if got != want {
			t.Errorf("%v: capabilities (single writer, read-only, tx options, failed tx, prepared, advisory locks) = %v, want %v", tt.d, got, want)
		}
	}
}

func TestPreparedTransactionStatementsQuoteTheID(t *testing.T) {
	pt := (&Backend{Dialect: PostgreSQL}).Capabilities().(PreparedTransactions)
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
		d                             Dialect
		catalog, stmtCache, noLengths bool
	}{
		{d: SQLite, catalog: true, stmtCache: true, noLengths: true},
		{d: PostgreSQL, catalog: true},
		{d: Dialect(99)},
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
	_, err := (&Backend{Dialect: Dialect(99)}).ReadCatalog(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "no catalog") {
		t.Fatalf("ReadCatalog = %v, want an error saying the backend has no catalog", err)
	}
}
