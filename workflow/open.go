package workflow

import (
	"database/sql"
	"fmt"

	"github.com/dot-do/vitessdo"
)

// target is a vitessdo database opened for a workflow: the connector, with
// its topology and VSchema, and a *sql.DB over it for statements that go
// through the router.
type target struct {
	conn *vitessdo.Connector
	db   *sql.DB
}

// open opens cfg whatever the shards' layout.
func open(cfg *vitessdo.Config) (*target, error) {
	if cfg == nil {
		return nil, fmt.Errorf("vitessdo: workflow: nil Config")
	}
	cc := *cfg
	cc.SkipLayoutCheck = true
	c, err := vitessdo.NewConnector(&cc)
	if err != nil {
		return nil, err
	}
	return &target{conn: c, db: sql.OpenDB(c)}, nil
}

// close closes the database and its connector.
func (t *target) close() error { return t.db.Close() }

// ParseDSN parses a driver DSN into the Config the workflows take.
func ParseDSN(dsn string) (*vitessdo.Config, error) { return vitessdo.ParseDSN(dsn) }
