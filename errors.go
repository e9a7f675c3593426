package vitessdo

import (
	"fmt"

	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
)

// ConfigError reports a bad DSN, VSchema or shard topology. It is returned
// by ParseDSN, NewConnector and the first use of a database opened with a
// bad DSN.
type ConfigError struct {
	Msg string
	// Err is the underlying error, such as a *route.VSchemaError.
	Err error
}

func (e *ConfigError) Error() string {
	if e.Err != nil {
		if e.Msg == "" {
			return "vitessdo: " + e.Err.Error()
		}
		return "vitessdo: " + e.Msg + ": " + e.Err.Error()
	}
	return "vitessdo: " + e.Msg
}

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

// UnsupportedError reports a statement vitessdo cannot run correctly; its
// message starts with "unsupported:" and says why.
type UnsupportedError = route.UnsupportedError

// VSchemaError reports an invalid VSchema, naming the file, keyspace,
// table, vindex and field concerned.
type VSchemaError = route.VSchemaError

// ShardError reports a failure on one shard, naming its keyspace and shard.
type ShardError = shard.Error

// DDLError reports DDL that failed on some shards of a keyspace, naming
// the shards that applied it and those that did not.
type DDLError = route.DDLError
