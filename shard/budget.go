package shard

import (
	"sync"
	"syscall"
)

// Every shard connection holds file descriptors (an SQLite connection its
// database file and write-ahead log, beside the shared-memory file of
// its database; a PostgreSQL connection a socket), and descriptors are a
// resource of the process: the open-file limit (RLIMIT_NOFILE) bounds
// them all, whatever connectors the process opens. So the backends open
// in the process share one budget of connections, derived from that
// limit, and each backend's pool is bounded by its share: the DSN's
// max_open_conns where that is lower, never less than one connection.
// The shares change as backends open and close.

// fdsPerConn is what one shard connection is counted as: an SQLite
// connection in WAL mode holds two descriptors, and its file's shared
// memory a third while any connection has it open.
const fdsPerConn = 3

// fdReserve is kept out of the budget for the rest of the program
// (its own files, sockets, the runtime's descriptors), and an eighth of
// the limit above it.
const fdReserve = 64

// connBudget returns how many shard connections the process may hold.
func connBudget() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<24 {
		return 1 << 20
	}
	free := int(rl.Cur) - fdReserve
	free -= free / 8
	return max(1, free/fdsPerConn)
}

// budget is the process's set of open backends: descriptors are the
// process's, so this is the one piece of state every connector shares.
var budget struct {
	mu       sync.Mutex
	backends map[*Backend]PoolOptions
}

// join adds an opened backend to the budget and resizes every pool.
func (b *Backend) joinBudget(opts PoolOptions) {
	budget.mu.Lock()
	defer budget.mu.Unlock()
	if budget.backends == nil {
		budget.backends = map[*Backend]PoolOptions{}
	}
	budget.backends[b] = opts
	rebalance()
}

// leaveBudget removes a closed backend and resizes the others.
func (b *Backend) leaveBudget() {
	budget.mu.Lock()
	defer budget.mu.Unlock()
	if _, ok := budget.backends[b]; ok {
		delete(budget.backends, b)
		rebalance()
	}
}

// rebalance gives each backend its share of the budget. Called with
// budget.mu held.
func rebalance() {
	if len(budget.backends) == 0 {
		return
	}
	share := max(1, connBudget()/len(budget.backends))
	for b, opts := range budget.backends {
		open := share
		if opts.MaxOpenConns > 0 && opts.MaxOpenConns < open {
			open = opts.MaxOpenConns
		}
		idle := opts.MaxIdleConns
		if idle == 0 {
			idle = 4
		}
		idle = min(idle, open)
		b.maxOpen.Store(int64(open))
		b.DB.SetMaxOpenConns(open)
		b.DB.SetMaxIdleConns(idle)
	}
}

// orderedBelow is the share under which a scatter takes its shards'
// connections one after another in topology order (see NeedsOrder): with
// so few connections a backend, two scatters that each held some while
// waiting for the others' would wait for ever.
const orderedBelow = 8

// Tight reports whether the backend's pool is bounded so low that a
// statement reading several shards must take their connections in
// topology order.
func (b *Backend) Tight() bool {
	n := b.maxOpen.Load()
	return n > 0 && n < orderedBelow
}

// MaxOpenConns returns the bound of the backend's pool.
func (b *Backend) MaxOpenConns() int { return int(b.maxOpen.Load()) }
