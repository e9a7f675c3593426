package vitessdo

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/dot-do/vitessdo/vschema"
)

// LoadVSchema reads and validates the configuration's VSchema as a
// Connector would, shards the DSN adds with shard= included, without
// opening any shard. Programs that work on shards directly (the
// workflows, the vitessdo command) see the keyspaces the driver sees.
func (c *Config) LoadVSchema() (*vschema.VSchema, error) {
	src := vschema.Source{Keyspace: c.Keyspace, ExtraShards: map[string][]string{}}
	if len(c.VSchemaJSON) > 0 {
		src.Data = c.VSchemaJSON
	} else {
		data, err := os.ReadFile(c.VSchema)
		if err != nil {
			return nil, &ConfigError{Msg: "reading vschema", Err: err}
		}
		src.File, src.Data, src.Dir = c.VSchema, data, filepath.Dir(c.VSchema)
	}
	for target := range c.Shards {
		ks, sh, _ := strings.Cut(target, "/")
		src.ExtraShards[ks] = append(src.ExtraShards[ks], sh)
	}
	vs, err := vschema.Load(src)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	return vs, nil
}

// ShardURL returns the backend URL a Connector opens for one shard of a
// keyspace of the configuration's VSchema: the DSN's shard= URL, else the
// VSchema's "shards" URL (a relative SQLite path resolved against the
// VSchema file's directory), else the SQLite file DIR/KEYSPACE/SHARD.db
// under dir=, whose directory it creates.
func (c *Config) ShardURL(ks *vschema.Keyspace, shard string) (string, error) {
	dir := ""
	if len(c.VSchemaJSON) == 0 && c.VSchema != "" {
		dir = filepath.Dir(c.VSchema)
	}
	if c.Dir == ":memory:" {
		return "", configErrorf("shard %s/%s: private in-memory shards (dir=:memory:) are not reachable outside their Connector", ks.Name, shard)
	}
	return shardURL(c, ks, shard, dir, 0)
}
