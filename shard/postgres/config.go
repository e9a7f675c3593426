package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dot-do/vitessdo/shard"
)

// DefaultConnectTimeout bounds how long opening a connection to a shard
// may take, TLS and authentication included, when the URL sets no
// connect_timeout (seconds, as libpq reads it; 0 waits for ever). A
// server that accepts the connection and never answers then fails the
// statement instead of blocking it.
const DefaultConnectTimeout = 10 * time.Second

// parseConfig parses a backend URL and applies vitessdo's defaults.
func parseConfig(rawURL string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %v", shard.RedactURL(rawURL), redactErr(err))
	}
	if !setsConnectTimeout(rawURL) {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	return cfg, nil
}

// setsConnectTimeout reports whether the URL (or libpq's environment)
// chooses a connect timeout.
func setsConnectTimeout(rawURL string) bool {
	if os.Getenv("PGCONNECT_TIMEOUT") != "" {
		return true
	}
	if u, err := url.Parse(rawURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return u.Query().Has("connect_timeout")
	}
	return strings.Contains(rawURL, "connect_timeout=")
}

// schemaCreator creates the first schema of a URL's search_path the first
// time a connection opens, so a shard URL can name a schema that does not
// exist yet (PostgreSQL would otherwise refuse every CREATE TABLE with
// "no schema has been selected to create in").
type schemaCreator struct {
	schema string // "" when the search_path names none to create
	done   atomic.Bool
}

func newSchemaCreator(cfg *pgx.ConnConfig) *schemaCreator {
	sc := &schemaCreator{}
	first, _, _ := strings.Cut(cfg.RuntimeParams["search_path"], ",")
	first = strings.TrimSpace(first)
	if strings.HasPrefix(first, `"`) && strings.HasSuffix(first, `"`) && len(first) >= 2 {
		first = strings.ReplaceAll(first[1:len(first)-1], `""`, `"`)
	} else {
		first = strings.ToLower(first)
	}
	if first != "" && first != "$user" && first != "public" && !strings.HasPrefix(first, "pg_") {
		sc.schema = first
	}
	return sc
}

// ensure creates the schema on the connection, once per backend.
func (sc *schemaCreator) ensure(ctx context.Context, c *pgx.Conn) error {
	if sc.schema == "" || sc.done.Load() {
		return nil
	}
	var exists bool
	if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", sc.schema).Scan(&exists); err != nil {
		return fmt.Errorf("search_path schema %q: %w", sc.schema, err)
	}
	if !exists {
		if _, err := c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{sc.schema}.Sanitize()); err != nil {
			return fmt.Errorf("search_path schema %q does not exist and could not be created (create it, or grant CREATE on the database): %w", sc.schema, err)
		}
	}
	sc.done.Store(true)
	return nil
}
