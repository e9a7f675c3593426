package txn

import (
	"testing"

	"github.com/dot-do/vitessdo/shard"
)

func TestTransactionConnsCountsAndSaysWhenTheCountMoves(t *testing.T) {
	co := &Coordinator{}
	a, b := &shard.Backend{}, &shard.Backend{}
	n, moved := co.TransactionConns(a)
	if n != 0 {
		t.Fatalf("no transaction: %d connections held", n)
	}
	co.held.add(b, 1)
	select {
	case <-moved:
		t.Fatal("a change of another backend's count woke the waiter")
	default:
	}
	co.held.add(a, 1)
	select {
	case <-moved:
	default:
		t.Fatal("the count moved and the channel is open")
	}
	if n, _ := co.TransactionConns(a); n != 1 {
		t.Errorf("one connection taken: count %d", n)
	}
	co.held.add(a, -1)
	if n, _ := co.TransactionConns(a); n != 0 {
		t.Errorf("the connection given back: count %d", n)
	}
}
