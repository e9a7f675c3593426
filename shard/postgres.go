package shard

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgresBackend opens a PostgreSQL backend through pgx. URL parameters pgx
// does not know, such as search_path, are sent as run-time parameters, so
// several shards can share one database in schemas of their own.
func openPostgresBackend(rawURL string, wrapper func(string, driver.Connector) driver.Connector) (*Backend, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %v", RedactURL(rawURL), redactErr(err))
	}
	// When a statement's context ends, ask the server to cancel the
	// query, so it stops working (and holding locks) at once, and close
	// the connection if the server does not answer within a few seconds.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, CancelRequestDelay: 0, DeadlineDelay: 5 * time.Second}
	}
	url := RedactURL(rawURL)
	b := &Backend{Dialect: PostgreSQL, URL: url}
	b.connector = wrap(stdlib.GetConnector(*cfg,
		stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
			c.PgConn().CustomData()[schemaGenKey] = b.generation()
			return nil
		}),
		stdlib.OptionResetSession(b.refreshStatements)), url, wrapper)
	b.DB = sql.OpenDB(b.connector)
	return b, nil
}

// schemaGenKey holds, in a connection's custom data, the schema
// generation its statement cache was filled under.
const schemaGenKey = "vitessdo.schemaGen"

// refreshStatements runs before database/sql reuses a pooled connection:
// if DDL ran since the connection cached its prepared statements, they
// are dropped. pgx caches statements by text, and PostgreSQL refuses a
// cached SELECT * whose table gained a column ("cached plan must not
// change result type").
func (b *Backend) refreshStatements(ctx context.Context, c *pgx.Conn) error {
	data := c.PgConn().CustomData()
	gen := b.generation()
	if seen, _ := data[schemaGenKey].(int64); seen == gen {
		return nil
	}
	if err := c.DeallocateAll(ctx); err != nil {
		return err
	}
	data[schemaGenKey] = gen
	return nil
}

func postgresPrimaryKey(ctx context.Context, db Querier, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT a.attname
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass($1) AND i.indisprimary
ORDER BY array_position(i.indkey::int2[], a.attnum)`, quoteIdent(table))
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}

// redactErr hides what a pgx parse error may quote of a URL.
func redactErr(err error) string {
	return RedactURL(err.Error())
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
