package shard

import (
	"runtime"
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
//
// The open-file limit alone rarely binds: the Go runtime raises the
// soft limit to the hard one at start-up, often hundreds of thousands.
// So the budget is also bounded by what the machine can use: SQLite
// statements are CPU work of this process, and beyond a few hundred
// connections per core more only hold descriptors and page caches.
// Idle connections are bounded process-wide too, so that the
// descriptors a process keeps between statements do not grow with the
// shard count.

// fdsPerConn is what one shard connection is counted as: an SQLite
// connection in WAL mode holds two descriptors, and its file's shared
// memory a third while any connection has it open.
const fdsPerConn = 3

// fdReserve is kept out of the budget for the rest of the program
// (its own files, sockets, the runtime's descriptors), and an eighth of
// the limit above it.
const fdReserve = 64

// connsPerCore and minConns bound the budget by the machine: at most
// connsPerCore shard connections per core, and never fewer than
// minConns (about 1,500 descriptors of SQLite connections).
const (
	connsPerCore = 128
	minConns     = 512
)

// idleConns is how many idle connections the process's pools keep in
// all, shared among them (at most 4 a pool, at least 1, unless the DSN
// sets max_idle_conns).
const idleConns = 128

// connBudget returns how many shard connections the process may hold:
// what its open-file limit leaves (see fdReserve and fdsPerConn), at
// most machineConns.
func connBudget() int {
	budget := machineConns()
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<24 {
		return budget
	}
	free := int(rl.Cur) - fdReserve
	free -= free / 8
	return max(1, min(budget, free/fdsPerConn))
}

// machineConns is the bound of the process's shard connections the
// machine's cores give.
func machineConns() int { return max(minConns, connsPerCore*runtime.GOMAXPROCS(0)) }

// idleShare returns the idle connections a pool keeps by default when n
// pools share the process's idle budget.
func idleShare(n int) int { return max(1, min(4, idleConns/max(1, n))) }

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
	idleDefault := idleShare(len(budget.backends))
	for b, opts := range budget.backends {
		open := share
		if opts.MaxOpenConns > 0 && opts.MaxOpenConns < open {
			open = opts.MaxOpenConns
		}
		idle := opts.MaxIdleConns
		if idle == 0 {
			idle = idleDefault
		}
		idle = min(idle, open)
		b.maxOpen.Store(int64(open))
		if b.pool != nil {
			b.pool.setLimits(open, idle)
			continue
		}
		b.DB.SetMaxOpenConns(open)
		b.DB.SetMaxIdleConns(idle)
	}
}

// Tight reports whether the backend's pool is bounded (by
// max_open_conns or the process's connection budget, so always once
// the backend is open): a statement reading several shards must then
// take their connections in topology order, one after another, or two
// scatters that each held some while waiting for the others' could wait
// for ever.
func (b *Backend) Tight() bool {
	return b.maxOpen.Load() > 0
}

// MaxOpenConns returns the bound of the backend's pool.
func (b *Backend) MaxOpenConns() int { return int(b.maxOpen.Load()) }
