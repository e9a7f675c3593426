package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/shard"
)

// Open opens the backend a postgres:// or postgresql:// URL names, through
// pgx. URL parameters pgx does not know, such as search_path, are sent as
// run-time parameters, so several shards can share one database in schemas
// of their own; the first schema of search_path is created when missing.
// A connection that does not open within connect_timeout seconds
// (default DefaultConnectTimeout) fails. It does not connect; the first
// query does.
func Open(rawURL string, opts shard.PoolOptions) (*shard.Backend, error) {
	cfg, err := parseConfig(rawURL)
	if err != nil {
		return nil, err
	}
	schema := newSchemaCreator(cfg)
	// When a statement's context ends, ask the server to cancel the
	// query, so it stops working (and holding locks) at once, and close
	// the connection if the server does not answer within a few seconds.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, CancelRequestDelay: 0, DeadlineDelay: 5 * time.Second}
	}
	// The connector's hooks run when a connection opens or is reused,
	// which is after NewBackend has returned.
	var b *shard.Backend
	connector := stdlib.GetConnector(*cfg,
		stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
			c.PgConn().CustomData()[schemaGenKey] = b.SchemaGeneration()
			return schema.ensure(ctx, c)
		}),
		stdlib.OptionResetSession(func(ctx context.Context, c *pgx.Conn) error {
			return refreshStatements(ctx, b, c)
		}))
	b, err = shard.NewBackend(shard.BackendConfig{
		Dialect:      dialect.PostgreSQL,
		URL:          shard.RedactURL(rawURL),
		Connector:    connector,
		Capabilities: capabilities{},
	}, opts)
	if err != nil {
		return nil, err
	}
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
func refreshStatements(ctx context.Context, b *shard.Backend, c *pgx.Conn) error {
	data := c.PgConn().CustomData()
	gen := b.SchemaGeneration()
	if seen, _ := data[schemaGenKey].(int64); seen == gen {
		return nil
	}
	if err := c.DeallocateAll(ctx); err != nil {
		return err
	}
	data[schemaGenKey] = gen
	return nil
}

// redactErr hides what a pgx parse error may quote of a URL.
func redactErr(err error) string {
	return shard.RedactURL(err.Error())
}
