package shard

import (
	"fmt"
)

// Error is a failure on one shard. It names the keyspace and shard and
// wraps the backend's error, so errors.As finds both.
type Error struct {
	Keyspace string
	Shard    string
	Err      error
}

func (e *Error) Error() string {
	return fmt.Sprintf("vitessdo: shard %s/%s: %v", e.Keyspace, e.Shard, e.Err)
}

// Unwrap returns the backend's error.
func (e *Error) Unwrap() error { return e.Err }
