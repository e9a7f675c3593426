package shard

import (
	"context"
	"errors"
	"slices"
	"testing"

	"modernc.org/sqlite"

	"github.com/dot-do/vitessdo/internal/dialect"
)

func TestSchemaContextReadsTheCatalogUnderTheStatementsContext(t *testing.T) {
	connector, err := sqlite.NewConnector("file:" + t.TempDir() + "/pk.db")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBackend(BackendConfig{Dialect: dialect.SQLite, URL: "sqlite:pk.db", Connector: connector, Capabilities: SQLiteCapabilities{}}, PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.DB.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if pk, err := b.SchemaContext(ctx).PrimaryKey("t"); !errors.Is(err, context.Canceled) {
		t.Fatalf("PrimaryKey under a cancelled context = %v, %v; want context.Canceled", pk, err)
	}
	pk, err := b.SchemaContext(t.Context()).PrimaryKey("t")
	if err != nil || !slices.Equal(pk, []string{"id"}) {
		t.Fatalf("PrimaryKey = %v, %v; want [id]", pk, err)
	}
}
