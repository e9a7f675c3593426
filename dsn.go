package vitessdo

import (
	"database/sql/driver"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dot-do/vitessdo/internal/txn"
	"github.com/dot-do/vitessdo/route"
	"github.com/dot-do/vitessdo/shard"
)

// Transaction modes, as in Vitess.
const (
	// TxSingle refuses a transaction that touches a second shard.
	TxSingle = txn.Single
	// TxMulti commits shard by shard in a fixed order (the default).
	TxMulti = txn.Multi
	// TxTwoPC commits atomically with two-phase commit (PostgreSQL shards).
	TxTwoPC = txn.TwoPC
)

// The join_hash modes (see Config.JoinHash).
const (
	JoinHashAuto   = route.JoinHashAuto
	JoinHashAlways = route.JoinHashAlways
	JoinHashNever  = route.JoinHashNever
)

// Defaults of the Config options.
const (
	DefaultPlanCache = 1000
	// DefaultMaxMemoryRows is the default of MaxMemoryRows, VTGate's.
	DefaultMaxMemoryRows = 300000
)

// Config is a parsed DSN. The zero value of an option means its default.
type Config struct {
	// VSchema is the path of the VSchema JSON file. Either VSchema or
	// VSchemaJSON is required.
	VSchema string
	// VSchemaJSON is a VSchema held in memory, for programs that build
	// their configuration in Go. It has no DSN form: FormatDSN omits it.
	VSchemaJSON []byte
	// Keyspace names the keyspace of a single-keyspace VSchema file.
	Keyspace string
	// Dir is where shards without a backend URL live as SQLite files,
	// DIR/KEYSPACE/SHARD.db. ":memory:" gives private in-memory shards.
	Dir string
	// Shards maps "KEYSPACE/SHARD" to a backend URL (sqlite:PATH,
	// postgres://…), overriding the VSchema's or adding a shard.
	Shards map[string]string

	// PlanCache is the number of query plans kept (default 1000;
	// negative disables the cache).
	PlanCache int
	// ScatterConcurrency bounds how many shards one statement fetches
	// rows from at once (default 0: four per core, at least 8; shard
	// statements measured quick run one after another on the caller's
	// goroutine and take no slot).
	ScatterConcurrency int
	// MaxMemoryRows bounds the rows an operator holds in memory (a sort
	// the shards cannot do, the deduplication of a UNION across shards):
	// past it the statement fails with an error naming the limit
	// (default DefaultMaxMemoryRows).
	MaxMemoryRows int
	// JoinBatch is the number of outer rows a join across shards binds
	// into one run of its inner side (default route.DefaultJoinBatch).
	JoinBatch int
	// JoinHash chooses how a join across shards pairs rows on an equality:
	// JoinHashAuto (default, "") reads the inner side once into a hash
	// table when both sides are scatters and the key routes the inner side
	// nowhere in particular, and binds batches of outer keys otherwise;
	// JoinHashAlways hashes every equality join without other conditions;
	// JoinHashNever always binds batches.
	JoinHash string
	// QueryTimeout bounds every statement (default 0: none).
	QueryTimeout time.Duration
	// TransactionMode is TxSingle, TxMulti (default) or TxTwoPC.
	TransactionMode string
	// MaxOpenConns, MaxIdleConns and ConnMaxLifetime size each shard's
	// connection pool (defaults: database/sql's, with MaxIdleConns 4).
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration

	// WrapConnector, when set, wraps the driver.Connector of every shard
	// backend before its pool opens: for tracing, metrics, or failures
	// injected in tests. url is the backend URL with any password
	// redacted. It has no DSN form: FormatDSN omits it.
	WrapConnector func(url string, c driver.Connector) driver.Connector

	// SkipLayoutCheck opens the shards without comparing the VSchema's
	// layout with the shard records (see LayoutError), for tools that
	// report or repair a layout: `vitessdo check`, the reshard
	// workflow. It has no DSN form: FormatDSN omits it.
	SkipLayoutCheck bool
}

// dsnKeys lists every DSN key; ParseDSN rejects others.
var dsnKeys = []string{
	"conn_max_lifetime", "dir", "join_batch", "join_hash", "keyspace", "max_idle_conns", "max_memory_rows", "max_open_conns",
	"plan_cache", "query_timeout", "scatter_concurrency", "shard",
	"transaction_mode", "vschema",
}

// ParseDSN parses a DSN of URL-escaped key=value pairs joined by '&'.
func ParseDSN(dsn string) (*Config, error) {
	values, err := url.ParseQuery(dsn)
	if err != nil {
		return nil, configErrorf("dsn %q: %v", redactDSN(dsn), err)
	}
	cfg := &Config{}
	for k, vs := range values {
		if !isDSNKey(k) {
			if hint := unescapedShardURL(dsn); hint != "" {
				return nil, configErrorf("dsn: unknown key %q: a shard's backend URL must be URL-escaped inside the DSN, or its own '&' ends it: write %s", k, hint)
			}
			return nil, configErrorf("dsn: unknown key %q (known keys: %s)", k, strings.Join(dsnKeys, ", "))
		}
		if k != "shard" && len(vs) > 1 {
			return nil, configErrorf("dsn: key %q is given %d times", k, len(vs))
		}
		if err := cfg.set(k, vs); err != nil {
			return nil, err
		}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// unescapedShardURL finds a shard= value whose backend URL has a query
// that the DSN's '&' cut short (shard=ks/0=postgres://h/db?sslmode=disable&search_path=s)
// and returns that shard=… pair as it should be written, escaped, with
// any password redacted; "" when there is none.
func unescapedShardURL(dsn string) string {
	parts := strings.Split(dsn, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		if k != "shard" || !strings.Contains(v, "?") {
			continue
		}
		if raw, err := url.QueryUnescape(v); err == nil {
			v = raw
		}
		n := 0
		for _, q := range parts[i+1:] {
			qk, _, _ := strings.Cut(q, "=")
			if isDSNKey(qk) {
				break
			}
			v += "&" + q
			n++
		}
		if n == 0 {
			continue
		}
		return "shard=" + url.QueryEscape(redactShardValue(v))
	}
	return ""
}

func isDSNKey(k string) bool {
	i := sort.SearchStrings(dsnKeys, k)
	return i < len(dsnKeys) && dsnKeys[i] == k
}

func (c *Config) set(key string, vs []string) error {
	v := vs[0]
	var err error
	switch key {
	case "vschema":
		c.VSchema = v
	case "keyspace":
		c.Keyspace = v
	case "dir":
		c.Dir = v
	case "shard":
		c.Shards = make(map[string]string, len(vs))
		for _, s := range vs {
			target, backend, ok := strings.Cut(s, "=")
			if !ok || target == "" || backend == "" {
				return configErrorf("dsn: shard %q: want KEYSPACE/SHARD=BACKEND_URL", redactShardValue(s))
			}
			ks, sh, ok := strings.Cut(target, "/")
			if !ok || ks == "" || sh == "" {
				return configErrorf("dsn: shard %q: want KEYSPACE/SHARD=BACKEND_URL", redactShardValue(s))
			}
			if _, dup := c.Shards[target]; dup {
				return configErrorf("dsn: shard %q is given twice", target)
			}
			c.Shards[target] = backend
		}
	case "plan_cache":
		c.PlanCache, err = parseInt(key, v)
	case "scatter_concurrency":
		c.ScatterConcurrency, err = parseInt(key, v)
	case "max_memory_rows":
		c.MaxMemoryRows, err = parseInt(key, v)
	case "join_batch":
		c.JoinBatch, err = parseInt(key, v)
	case "join_hash":
		c.JoinHash = v
	case "max_open_conns":
		c.MaxOpenConns, err = parseInt(key, v)
	case "max_idle_conns":
		c.MaxIdleConns, err = parseInt(key, v)
	case "query_timeout":
		c.QueryTimeout, err = parseDuration(key, v)
	case "conn_max_lifetime":
		c.ConnMaxLifetime, err = parseDuration(key, v)
	case "transaction_mode":
		c.TransactionMode = v
	}
	return err
}

func parseInt(key, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, configErrorf("dsn: %s=%q is not an integer", key, v)
	}
	return n, nil
}

func parseDuration(key, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, configErrorf("dsn: %s=%q is not a duration (such as 500ms or 2s)", key, v)
	}
	if d < 0 {
		return 0, configErrorf("dsn: %s=%q is negative", key, v)
	}
	return d, nil
}

// validate checks the options that do not need the VSchema.
func (c *Config) validate() error {
	if c.VSchema == "" && len(c.VSchemaJSON) == 0 {
		return configErrorf("dsn: vschema is required (the path of a VSchema JSON file)")
	}
	switch c.TransactionMode {
	case "", TxSingle, TxMulti, TxTwoPC:
	default:
		return configErrorf("dsn: transaction_mode=%q: want single, multi or twopc", c.TransactionMode)
	}
	switch c.JoinHash {
	case JoinHashAuto, "auto", JoinHashAlways, JoinHashNever:
	default:
		return configErrorf("dsn: join_hash=%q: want auto, always or never", c.JoinHash)
	}
	for _, o := range []struct {
		key string
		n   int
	}{{"scatter_concurrency", c.ScatterConcurrency}, {"max_open_conns", c.MaxOpenConns}, {"max_idle_conns", c.MaxIdleConns}, {"max_memory_rows", c.MaxMemoryRows}, {"join_batch", c.JoinBatch}} {
		if o.n < 0 {
			return configErrorf("dsn: %s=%d is negative", o.key, o.n)
		}
	}
	if c.QueryTimeout < 0 || c.ConnMaxLifetime < 0 {
		return configErrorf("dsn: durations must not be negative")
	}
	return nil
}

// FormatDSN returns the DSN of the configuration, keys sorted, so that
// ParseDSN(c.FormatDSN()) gives back an equal Config. VSchemaJSON has no
// DSN form and is left out.
func (c *Config) FormatDSN() string {
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
	addInt := func(k string, n int) {
		if n != 0 {
			add(k, strconv.Itoa(n))
		}
	}
	addDur := func(k string, d time.Duration) {
		if d != 0 {
			add(k, d.String())
		}
	}
	addDur("conn_max_lifetime", c.ConnMaxLifetime)
	if c.Dir != "" {
		add("dir", c.Dir)
	}
	if c.Keyspace != "" {
		add("keyspace", c.Keyspace)
	}
	addInt("join_batch", c.JoinBatch)
	if c.JoinHash != "" {
		add("join_hash", c.JoinHash)
	}
	addInt("max_idle_conns", c.MaxIdleConns)
	addInt("max_memory_rows", c.MaxMemoryRows)
	addInt("max_open_conns", c.MaxOpenConns)
	addInt("plan_cache", c.PlanCache)
	addDur("query_timeout", c.QueryTimeout)
	addInt("scatter_concurrency", c.ScatterConcurrency)
	targets := make([]string, 0, len(c.Shards))
	for t := range c.Shards {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	for _, t := range targets {
		add("shard", t+"="+c.Shards[t])
	}
	if c.TransactionMode != "" {
		add("transaction_mode", c.TransactionMode)
	}
	if c.VSchema != "" {
		add("vschema", c.VSchema)
	}
	return b.String()
}

// String returns the DSN with every password replaced by "xxxxx", for logs.
func (c *Config) String() string {
	r := c.clone()
	for k, v := range r.Shards {
		r.Shards[k] = shard.RedactURL(v)
	}
	return r.FormatDSN()
}

// clone returns a deep copy, so a Connector is not affected by later
// changes to the Config it was built from.
func (c *Config) clone() *Config {
	cc := *c
	cc.VSchemaJSON = append([]byte(nil), c.VSchemaJSON...)
	if c.Shards != nil {
		cc.Shards = make(map[string]string, len(c.Shards))
		for k, v := range c.Shards {
			cc.Shards[k] = v
		}
	}
	return &cc
}

// redactDSN returns a DSN for messages: values unescaped where they can be,
// and every backend URL's password replaced by "xxxxx".
func redactDSN(dsn string) string {
	var b strings.Builder
	for i, pair := range strings.Split(dsn, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, v, hasValue := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		b.WriteString(k)
		if !hasValue {
			continue
		}
		b.WriteByte('=')
		uv, err := url.QueryUnescape(v)
		if err != nil {
			b.WriteString(shard.RedactText(v))
			continue
		}
		b.WriteString(redactShardValue(uv))
	}
	return b.String()
}

// redactShardValue redacts KEYSPACE/SHARD=URL or a bare URL.
func redactShardValue(v string) string {
	if target, backend, ok := strings.Cut(v, "="); ok && !strings.Contains(target, "://") {
		return target + "=" + shard.RedactURL(backend)
	}
	return shard.RedactURL(v)
}
