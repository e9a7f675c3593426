package postgres

import (
	"database/sql"

	"github.com/jackc/pgx/v5"

	"github.com/dot-do/vitessdo/shard"
)

// capabilities are a PostgreSQL backend's: those its SQL gives
// (shard.PostgreSQLCapabilities) and the transaction status pgx reports.
type capabilities struct {
	shard.PostgreSQLCapabilities
}

var _ shard.FailedTransactionReporter = capabilities{}

func (capabilities) InFailedTransaction(conn *sql.Conn) (failed, known bool) {
	return InFailedTransaction(conn)
}

// InFailedTransaction reports whether a PostgreSQL connection is in a
// failed transaction: a statement of the transaction had an error, and
// PostgreSQL refuses every statement until ROLLBACK or ROLLBACK TO
// SAVEPOINT, and turns COMMIT into ROLLBACK. It reads the state the
// server reported last, without a round trip. known is false when the
// connection is not pgx's (or a wrapper exposing it with a Conn method).
func InFailedTransaction(c *sql.Conn) (failed, known bool) {
	c.Raw(func(dc any) error {
		if pc, ok := dc.(interface{ Conn() *pgx.Conn }); ok && pc.Conn() != nil {
			failed, known = pc.Conn().PgConn().TxStatus() == 'E', true
		}
		return nil
	})
	return failed, known
}
