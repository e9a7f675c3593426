package sqlite

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/shard"
	// The MySQL functions the renderer writes for SQLite.
	_ "github.com/dot-do/vitessdo/shard/sqlite/mysqlfunc"
)

// SQLite shards get these pragmas unless their URL sets them:
//
//   - journal_mode(WAL): readers do not block the writer and the writer does
//     not block readers (in-memory databases keep their memory journal);
//   - busy_timeout(10000): a connection waits up to 10 s for another
//     connection's write lock instead of failing with SQLITE_BUSY;
//   - synchronous(NORMAL): with WAL, a commit survives a crash of the
//     program; a power loss may lose the last commits, never corrupt;
//   - foreign_keys(ON): FOREIGN KEY clauses are enforced, as MySQL and
//     PostgreSQL do;
//
// and _txlock=immediate: a transaction takes the write lock at BEGIN, so two
// transactions that read then write wait for each other instead of one
// failing with SQLITE_BUSY when it upgrades its lock.
var sqlitePragmas = []struct{ name, value string }{
	{"journal_mode", "WAL"},
	{"busy_timeout", "10000"},
	{"synchronous", "NORMAL"},
	{"foreign_keys", "ON"},
}

// Open opens the backend sqlite:PATH[?params] names. PATH ":memory:" is
// rewritten by the caller into a named in-memory database
// (sqlite:/NAME?vfs=memdb), which every connection of the pool shares. It
// does not connect, except to keep an in-memory database alive.
func Open(rawURL string, opts shard.PoolOptions) (*shard.Backend, error) {
	rest := strings.TrimPrefix(rawURL, "sqlite:")
	rest = strings.TrimPrefix(rest, "//")
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return nil, fmt.Errorf("backend %q: missing path", rawURL)
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %v", rawURL, err)
	}
	memory := path == ":memory:" || params.Get("vfs") == "memdb" || params.Get("mode") == "memory"
	if path == ":memory:" {
		return nil, fmt.Errorf("backend %q: a private in-memory database cannot be shared by a pool; use dir=:memory: or sqlite:/NAME?vfs=memdb", rawURL)
	}
	set := map[string]bool{}
	for _, p := range params["_pragma"] {
		name, _, _ := strings.Cut(p, "(")
		set[strings.ToLower(strings.TrimSpace(name))] = true
	}
	for _, p := range sqlitePragmas {
		if set[p.name] || (memory && p.name == "journal_mode") {
			continue
		}
		params.Add("_pragma", p.name+"("+p.value+")")
	}
	if opts.SQLiteCacheKiB > 0 && !set["cache_size"] {
		params.Add("_pragma", "cache_size(-"+strconv.Itoa(opts.SQLiteCacheKiB)+")")
	}
	if !params.Has("_txlock") {
		params.Set("_txlock", "immediate")
	}
	dsn := "file:" + path + "?" + params.Encode()
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w", rawURL, err)
	}
	b, err := shard.NewBackend(shard.BackendConfig{
		Dialect:      dialect.SQLite,
		URL:          rawURL,
		Connector:    connector,
		KeepOpen:     memory,
		Capabilities: shard.SQLiteCapabilities{},
	}, opts)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w", rawURL, err)
	}
	return b, nil
}
