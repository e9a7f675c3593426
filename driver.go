package vitessdo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync"
)

// DriverName is the name vitessdo registers with database/sql.
const DriverName = "vitessdo"

func init() {
	sql.Register(DriverName, &Driver{})
}

// Driver is the database/sql driver. Programs use it through
// sql.Open("vitessdo", dsn); see ParseDSN for the DSN.
type Driver struct{}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
	_ driver.Connector     = (*Connector)(nil)
	_ io.Closer            = (*Connector)(nil)
)

// Open opens a connection on a connector of its own. database/sql does
// not call it (it uses OpenConnector); it exists for programs that use the
// driver directly.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	dc, err := c.Connect(context.Background())
	if err != nil {
		c.(*Connector).Close()
		return nil, err
	}
	dc.(*conn).ownsConnector = true
	return dc, nil
}

// OpenConnector parses the DSN and returns a Connector: the VSchema is
// loaded and the shard backends are set up, but nothing is connected yet.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg)
}

// Connector owns what all connections of one database share: the VSchema,
// the plan cache, the sequence caches and one connection pool per shard
// backend. A vitessdo connection borrows shard connections from those
// pools as its statements need them. Closing the *sql.DB closes the
// Connector, which closes every shard pool.
type Connector struct {
	cfg     *Config
	engine  *engine
	closeMu sync.Once
	err     error
}

// NewConnector returns a Connector for a configuration built in Go, for
// use with sql.OpenDB. The Config is copied; later changes to it have no
// effect.
func NewConnector(cfg *Config) (*Connector, error) {
	if cfg == nil {
		return nil, configErrorf("nil Config")
	}
	cfg = cfg.clone()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	e, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	return &Connector{cfg: cfg, engine: e}, nil
}

// Connect returns a new connection. It does not connect to any shard: shard
// connections are taken from the shard pools when statements run.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if c.engine.closed.Load() {
		return nil, errors.New("vitessdo: connector is closed")
	}
	return newConn(c.engine), nil
}

// Driver returns the vitessdo Driver.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Close closes every shard backend's pool. database/sql calls it when the
// *sql.DB is closed.
func (c *Connector) Close() error {
	c.closeMu.Do(func() {
		c.err = c.engine.close()
	})
	return c.err
}

// Config returns a copy of the connector's configuration.
func (c *Connector) Config() *Config { return c.cfg.clone() }
