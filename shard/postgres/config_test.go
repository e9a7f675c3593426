package postgres

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestParseConfigGivesAConnectTimeoutUnlessTheURLSetsOne(t *testing.T) {
	t.Setenv("PGCONNECT_TIMEOUT", "")
	for _, tc := range []struct {
		url  string
		want time.Duration
	}{
		{"postgres://u@h/db?sslmode=disable", DefaultConnectTimeout},
		{"postgres://u@h/db?connect_timeout=3", 3 * time.Second},
		{"postgresql://u@h/db?connect_timeout=0", 0},
		{"host=h user=u dbname=db", DefaultConnectTimeout},
		{"host=h user=u connect_timeout=2", 2 * time.Second},
	} {
		cfg, err := parseConfig(tc.url)
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if cfg.ConnectTimeout != tc.want {
			t.Errorf("%s: ConnectTimeout %v, want %v", tc.url, cfg.ConnectTimeout, tc.want)
		}
	}
}

func TestSchemaCreatorTakesTheFirstSchemaOfTheSearchPath(t *testing.T) {
	for _, tc := range []struct{ searchPath, want string }{
		{"", ""},
		{"app_0", "app_0"},
		{"App_0, public", "app_0"},
		{`"Mixed Case",public`, "Mixed Case"},
		{"$user, public", ""},
		{"public", ""},
		{"pg_catalog", ""},
	} {
		cfg := &pgx.ConnConfig{}
		cfg.RuntimeParams = map[string]string{"search_path": tc.searchPath}
		if got := newSchemaCreator(cfg).schema; got != tc.want {
			t.Errorf("search_path %q: schema %q, want %q", tc.searchPath, got, tc.want)
		}
	}
}
