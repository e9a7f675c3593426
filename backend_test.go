package vitessdo

import (
	"testing"

	"github.com/dot-do/vitessdo/shard"
)

// The backends the driver packages open have the capabilities of their
// database, those that need the driver included.
func TestCapabilitiesOfEachBackend(t *testing.T) {
	tests := []struct {
		url                                                          string
		singleWriter, readOnly, txOptions, failedTx, prepared, locks bool
	}{
		{url: "sqlite:/vitessdo-capabilities?vfs=memdb", singleWriter: true, readOnly: true, txOptions: true},
		{url: "postgres://127.0.0.1:1/capabilities", txOptions: true, failedTx: true, prepared: true, locks: true},
	}
	for _, tt := range tests {
		b, err := openBackend(tt.url, shard.PoolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := b.Capabilities()
		b.Close()
		_, sw := c.(shard.SingleWriter)
		_, ro := c.(shard.ReadOnlyEnforcer)
		_, to := c.(shard.TxOptionsAdapter)
		_, ft := c.(shard.FailedTransactionReporter)
		_, pt := c.(shard.PreparedTransactions)
		_, al := c.(shard.AdvisoryLocks)
		got := [6]bool{sw, ro, to, ft, pt, al}
		want := [6]bool{tt.singleWriter, tt.readOnly, tt.txOptions, tt.failedTx, tt.prepared, tt.locks}
		if got != want {
			t.Errorf("%s: capabilities (single writer, read-only, tx options, failed tx, prepared, advisory locks) = %v, want %v", tt.url, got, want)
		}
	}
}
