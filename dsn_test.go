package vitessdo

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn  string
		want *Config
	}{
		{"vschema=app.json", &Config{VSchema: "app.json"}},
		{"vschema=app.json&dir=.%2Fdata&keyspace=app", &Config{VSchema: "app.json", Dir: "./data", Keyspace: "app"}},
		{"vschema=a.json&dir=:memory:", &Config{VSchema: "a.json", Dir: ":memory:"}},
		{
			"vschema=a.json&shard=app%2F-80%3Dsqlite%3A%2Ftmp%2Fa.db&shard=app%2F80-%3Dpostgres%3A%2F%2Fu%3Ap%40h%2Fdb%3Fsearch_path%3Ds2",
			&Config{VSchema: "a.json", Shards: map[string]string{"app/-80": "sqlite:/tmp/a.db", "app/80-": "postgres://u:p@h/db?search_path=s2"}},
		},
		{
			"vschema=a.json&plan_cache=50&scatter_concurrency=2&query_timeout=1500ms&transaction_mode=twopc&max_open_conns=8&max_idle_conns=2&conn_max_lifetime=1h",
			&Config{VSchema: "a.json", PlanCache: 50, ScatterConcurrency: 2, QueryTimeout: 1500 * time.Millisecond, TransactionMode: TxTwoPC, MaxOpenConns: 8, MaxIdleConns: 2, ConnMaxLifetime: time.Hour},
		},
		{"vschema=a.json&plan_cache=-1", &Config{VSchema: "a.json", PlanCache: -1}},
		{"vschema=a.json&max_memory_rows=1000", &Config{VSchema: "a.json", MaxMemoryRows: 1000}},
	}
	for _, tt := range tests {
		got, err := ParseDSN(tt.dsn)
		if err != nil {
			t.Errorf("ParseDSN(%q): %v", tt.dsn, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseDSN(%q) (-want +got):\n%s", tt.dsn, diff)
		}
		again, err := ParseDSN(got.FormatDSN())
		if err != nil {
			t.Errorf("ParseDSN(FormatDSN()) of %q: %v", tt.dsn, err)
			continue
		}
		if diff := cmp.Diff(got, again); diff != "" {
			t.Errorf("round trip of %q (-first +second):\n%s", tt.dsn, diff)
		}
	}
}

func TestParseDSNErrors(t *testing.T) {
	tests := []struct {
		dsn, want string
	}{
		{"", "vitessdo: dsn: vschema is required (the path of a VSchema JSON file)"},
		{"dir=x", "vitessdo: dsn: vschema is required (the path of a VSchema JSON file)"},
		{"vschema=a&foo=1", `vitessdo: dsn: unknown key "foo" (known keys: conn_max_lifetime, dir, join_batch, join_hash, keyspace, max_idle_conns, max_memory_rows, max_open_conns, plan_cache, query_timeout, scatter_concurrency, shard, transaction_mode, vschema)`},
		{"vschema=a&vschema=b", `vitessdo: dsn: key "vschema" is given 2 times`},
		{"vschema=a&plan_cache=many", `vitessdo: dsn: plan_cache="many" is not an integer`},
		{"vschema=a&query_timeout=5", `vitessdo: dsn: query_timeout="5" is not a duration (such as 500ms or 2s)`},
		{"vschema=a&query_timeout=-1s", `vitessdo: dsn: query_timeout="-1s" is negative`},
		{"vschema=a&scatter_concurrency=-2", `vitessdo: dsn: scatter_concurrency=-2 is negative`},
		{"vschema=a&transaction_mode=xa", `vitessdo: dsn: transaction_mode="xa": want single, multi or twopc`},
		{"vschema=a&shard=app", `vitessdo: dsn: shard "app": want KEYSPACE/SHARD=BACKEND_URL`},
		{"vschema=a&shard=app%3Dsqlite%3Ax", `vitessdo: dsn: shard "app=sqlite:x": want KEYSPACE/SHARD=BACKEND_URL`},
		{"vschema=a&shard=app%2F-80%3Dx&shard=app%2F-80%3Dy", `vitessdo: dsn: shard "app/-80" is given twice`},
		{"vschema=a&shard=app/0=postgres://u:secret@h/db?sslmode=disable&search_path=app_0&keyspace=app", `vitessdo: dsn: unknown key "search_path": a shard's backend URL must be URL-escaped inside the DSN, or its own '&' ends it: write shard=app%2F0%3Dpostgres%3A%2F%2Fu%3Axxxxx%40h%2Fdb%3Fsslmode%3Ddisable%26search_path%3Dapp_0`},
		{"vschema=a&shard=app%2F-80%3Dpostgres%3A%2F%2Fu%3Asecret%40h%2Fdb&x=%zz", `vitessdo: dsn "vschema=a&shard=app/-80=postgres://u:xxxxx@h/db&x=%zz": invalid URL escape "%zz"`},
	}
	for _, tt := range tests {
		_, err := ParseDSN(tt.dsn)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseDSN(%q) error:\n got %v\nwant %s", tt.dsn, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseDSN(%q) error leaks the password: %v", tt.dsn, err)
		}
	}
}

func TestFormatDSNSortsKeysAndConfigStringRedactsPasswords(t *testing.T) {
	cfg := &Config{
		VSchema: "v.json", Dir: "d", PlanCache: 10,
		Shards: map[string]string{"ks/80-": "postgres://app:hunter2@db/x?password=hunter2", "ks/-80": "sqlite:a.db"},
	}
	got := cfg.FormatDSN()
	want := "dir=d&plan_cache=10&shard=ks%2F-80%3Dsqlite%3Aa.db&shard=ks%2F80-%3Dpostgres%3A%2F%2Fapp%3Ahunter2%40db%2Fx%3Fpassword%3Dhunter2&vschema=v.json"
	if got != want {
		t.Errorf("FormatDSN() =\n %s\nwant\n %s", got, want)
	}
	if s := cfg.String(); strings.Contains(s, "hunter2") {
		t.Errorf("String() leaks the password: %s", s)
	}
}

func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{
		"vschema=a.json&dir=x",
		"vschema=a&shard=ks%2F-80%3Dsqlite%3Ax.db&plan_cache=5&query_timeout=1s",
		"vschema=a&transaction_mode=single&max_open_conns=3",
		"%zz", "&&&", "shard=%3D",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		cfg, err := ParseDSN(dsn)
		if err != nil {
			return
		}
		again, err := ParseDSN(cfg.FormatDSN())
		if err != nil {
			t.Fatalf("ParseDSN(%q) ok, but its FormatDSN %q does not parse: %v", dsn, cfg.FormatDSN(), err)
		}
		if diff := cmp.Diff(cfg, again); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", dsn, diff)
		}
		_ = cfg.String()
	})
}
