package workflow

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dot-do/vitessdo/vindex"
)

// txCursor runs a lookup vindex's statements in the copy's transaction on
// the driver, so that the lookup rows of a batch commit with its owner
// rows: the driver routes each INSERT into the lookup table by that
// table's own vindex. Every commit order is the one transaction: the
// target tables were empty when the copy began, so there is no earlier
// lookup row to order writes around.
type txCursor struct {
	tx *sql.Tx
}

var _ vindex.SessionCursor = txCursor{}

func (c txCursor) Query(ctx context.Context, query string, args ...any) ([][]any, error) {
	rows, err := c.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows)
}

func (c txCursor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c txCursor) ExecAutocommit(ctx context.Context, query string, args ...any) (int64, error) {
	return c.Exec(ctx, query, args...)
}

func (c txCursor) InTransactionAndIsDML() bool { return true }

func (c txCursor) QueryOrder(ctx context.Context, _ vindex.CommitOrder, query string, args ...any) ([][]any, error) {
	return c.Query(ctx, query, args...)
}

func (c txCursor) ExecOrder(ctx context.Context, _ vindex.CommitOrder, query string, args ...any) (int64, error) {
	return c.Exec(ctx, query, args...)
}

func (c txCursor) QueryKeyspaceID(context.Context, string, []byte, string, ...any) ([][]any, error) {
	return nil, fmt.Errorf("a lookup row of the value already exists")
}
