package vitessdo_test

import (
	"database/sql"
	"encoding/json"
	"testing"

	"github.com/dot-do/vitessdo"
)

// openShardedKeyspace is openSharded with a default keyspace, as the DSN's
// keyspace= gives it: what ORMs see as the current database.
func openShardedKeyspace(t *testing.T, e engine, vschema, keyspace string) *sql.DB {
	t.Helper()
	var vs struct {
		Keyspaces map[string]struct {
			Shards []string `json:"shards"`
		} `json:"keyspaces"`
	}
	if err := json.Unmarshal([]byte(vschema), &vs); err != nil {
		t.Fatal(err)
	}
	cfg := &vitessdo.Config{VSchemaJSON: []byte(vschema), Keyspace: keyspace, Shards: map[string]string{}}
	for ks, k := range vs.Keyspaces {
		shards := k.Shards
		if len(shards) == 0 {
			shards = []string{"0"}
		}
		for _, sh := range shards {
			cfg.Shards[ks+"/"+sh] = e.url(t, ks, sh)
		}
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}
