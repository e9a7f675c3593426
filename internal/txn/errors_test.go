package txn

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dot-do/vitessdo/shard"
)

type conflictReporter func(error) bool

func (f conflictReporter) IsLockConflict(err error) bool { return f(err) }

// TestLockConflictAsksTheBackends checks that a transaction counts as a
// lock conflict what a backend of the topology reports as one, and its
// own deadlock and lock-wait errors.
func TestLockConflictAsksTheBackends(t *testing.T) {
	busy := errors.New("busy")
	co := &Coordinator{conflicts: []shard.LockConflictReporter{conflictReporter(func(err error) bool { return errors.Is(err, busy) })}}
	for _, tt := range []struct {
		co   *Coordinator
		err  error
		want bool
	}{
		{co, fmt.Errorf("shard -80: %w", busy), true},
		{co, errors.New("syntax error"), false},
		{co, nil, false},
		{co, ErrDeadlock, true},
		{&Coordinator{}, busy, false},
	} {
		if got := tt.co.lockConflict(tt.err); got != tt.want {
			t.Errorf("lockConflict(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
