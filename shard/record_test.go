package shard

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dot-do/vitessdo/key"
)

func recordBackend(tb *testBackend) *Backend {
	return &Backend{DB: tb.db, Dialect: tb.d, URL: tb.d.String()}
}

func TestShardRecordsWriteReadMarkClear(t *testing.T) {
	forEachBackend(t, func(t *testing.T, tb *testBackend) {
		ctx := context.Background()
		b := recordBackend(tb)
		got, err := ReadRecords(ctx, b)
		if err != nil || got != nil {
			t.Fatalf("records of an empty backend: %v, %v", got, err)
		}
		kr, _ := key.ParseKeyRange("-40")
		r := Record{Keyspace: "ks", Shard: "-40", KeyRange: kr, State: StateServing}
		if err := EnsureRecord(ctx, b, r); err != nil {
			t.Fatal(err)
		}
		// A second EnsureRecord keeps the record and adds a placement.
		r2 := r
		r2.Placement = []string{"-40", "40-"}
		r2.State = StateRetired
		if err := EnsureRecord(ctx, b, r2); err != nil {
			t.Fatal(err)
		}
		want := []Record{{Keyspace: "ks", Shard: "-40", KeyRange: kr, Placement: []string{"-40", "40-"}, State: StateServing}}
		read := func() []Record {
			t.Helper()
			got, err := ReadRecords(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		opts := cmp.Comparer(func(a, b key.KeyRange) bool { return a.String() == b.String() })
		if d := cmp.Diff(want, read(), opts); d != "" {
			t.Fatalf("after EnsureRecord (-want +got):\n%s", d)
		}
		if err := MarkResharding(ctx, b, "ks", "-40", "-20,20-40"); err != nil {
			t.Fatal(err)
		}
		want[0].State, want[0].Detail = StateResharding, "-20,20-40"
		if d := cmp.Diff(want, read(), opts); d != "" {
			t.Fatalf("after MarkResharding (-want +got):\n%s", d)
		}
		if err := MarkRetired(ctx, b, "ks", "-40"); err != nil {
			t.Fatal(err)
		}
		want[0].State, want[0].Detail = StateRetired, ""
		if d := cmp.Diff(want, read(), opts); d != "" {
			t.Fatalf("after MarkRetired (-want +got):\n%s", d)
		}
		if err := MarkRetired(ctx, b, "ks", "40-"); err == nil {
			t.Fatal("marking a shard without a record succeeded")
		}
		kr2, _ := key.ParseKeyRange("40-")
		if err := WriteRecord(ctx, b, Record{Keyspace: "ks", Shard: "40-", KeyRange: kr2}); err != nil {
			t.Fatal(err)
		}
		if err := ClearRecord(ctx, b, "ks", "-40"); err != nil {
			t.Fatal(err)
		}
		want = []Record{{Keyspace: "ks", Shard: "40-", KeyRange: kr2, State: StateServing}}
		if d := cmp.Diff(want, read(), opts); d != "" {
			t.Fatalf("after ClearRecord (-want +got):\n%s", d)
		}
		tables, err := TableNames(ctx, b)
		if err != nil || len(tables) != 0 {
			t.Fatalf("TableNames lists the record table: %v, %v", tables, err)
		}
		catalog, err := b.ReadCatalog(ctx, func(ctx context.Context, q string) ([][]any, error) {
			rs, err := b.DB.QueryContext(ctx, q)
			if err != nil {
				return nil, err
			}
			defer rs.Close()
			cols, _ := rs.Columns()
			var out [][]any
			for rs.Next() {
				row := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range row {
					ptrs[i] = &row[i]
				}
				if err := rs.Scan(ptrs...); err != nil {
					return nil, err
				}
				out = append(out, row)
			}
			return out, rs.Err()
		})
		if err != nil || len(catalog) != 0 {
			t.Fatalf("the catalog lists the record table: %v, %v", catalog, err)
		}
	})
}
