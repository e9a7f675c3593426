package vitessdo

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
