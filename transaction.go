package vitessdo

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/dot-do/vitessdo/internal/txn"
)

// transaction is the driver.Tx database/sql holds: a handle on the
// connection's cross-shard transaction (see internal/txn), valid until
// the connection's transaction ends.
type transaction struct {
	c *conn
	t *txn.Transaction
}

var _ driver.Tx = (*transaction)(nil)

// Commit commits every shard of the transaction; see CommitError and
// TwoPCError.
func (tx *transaction) Commit() error {
	if tx.c.tx != tx.t {
		return sql.ErrTxDone
	}
	tx.c.endTx()
	return noRetry(tx.t.Commit(context.Background()))
}

// Rollback rolls back every shard of the transaction.
func (tx *transaction) Rollback() error {
	if tx.c.tx != tx.t {
		return sql.ErrTxDone
	}
	tx.c.endTx()
	return noRetry(tx.t.Rollback(context.Background()))
}
