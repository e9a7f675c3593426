package vindex_test

import (
	"context"
	"fmt"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/vindex"
)

// shardOf resolves a keyspace id among shard names, as the topology does.
func shardOf(id []byte, shards []string) string {
	for _, name := range shards {
		r, _ := key.ParseKeyRange(name)
		if r.Contains(id) {
			return name
		}
	}
	return "none"
}

func ExampleNew() {
	env := vindex.Env{Keyspace: "commerce", Shards: []string{"-80", "80-"}}
	v, err := vindex.New("user_idx", "hash", nil, env)
	if err != nil {
		panic(err)
	}
	dests, err := v.(vindex.SingleColumn).Map(context.Background(), nil, []any{int64(1), int64(4), "1000", nil})
	if err != nil {
		panic(err)
	}
	for _, d := range dests {
		if id, ok := d.(key.DestinationKeyspaceID); ok {
			fmt.Println(d, "in shard", shardOf(id, env.Shards))
			continue
		}
		fmt.Println(d)
	}
	// Output:
	// KeyspaceId(166b40b44aba4bd6) in shard -80
	// KeyspaceId(d2fd8867d50d2dfe) in shard 80-
	// KeyspaceId(1f7db68037e0ff5a) in shard -80
	// None()
}

func ExampleNew_unicodeLoose() {
	v, err := vindex.New("name_idx", "unicode_loose_xxhash", nil, vindex.Env{})
	if err != nil {
		panic(err)
	}
	dests, _ := v.(vindex.SingleColumn).Map(context.Background(), nil, []any{"Tést", "TEST ", "test"})
	fmt.Println(dests[0], dests[1], dests[2])
	// Output:
	// KeyspaceId(42d21361087a4c07) KeyspaceId(42d21361087a4c07) KeyspaceId(42d21361087a4c07)
}

func ExampleNew_range() {
	env := vindex.Env{Keyspace: "events", Shards: []string{"-80", "80-"}}
	v, err := vindex.New("by_year", "range", map[string]string{
		"ranges": `[{"to": 2020, "shard": "-80"}, {"from": 2020, "shard": "80-"}]`,
	}, env)
	if err != nil {
		panic(err)
	}
	dests, _ := v.(vindex.SingleColumn).Map(context.Background(), nil, []any{int64(2019), int64(2024)})
	fmt.Println(dests)
	// Output:
	// [Shard(-80) Shard(80-)]
}

func ExampleNew_errors() {
	_, err := vindex.New("user_idx", "hsh", nil, vindex.Env{})
	fmt.Println(err)
	_, err = vindex.New("name_idx", "lookup", map[string]string{"from": "name", "to": "keyspace_id"}, vindex.Env{})
	fmt.Println(err)
	// Output:
	// vindex "user_idx": unknown type "hsh"
	// vindex "name_idx": lookup: missing param "table"
}

func ExampleHashUint64() {
	id := vindex.HashUint64(1)
	n, _ := vindex.UnhashKeyspaceID(id)
	fmt.Printf("%x %d\n", id, n)
	// Output:
	// 166b40b44aba4bd6 1
}

// printingCursor shows the statements a lookup vindex sends and answers
// them from a fixed lookup table.
type printingCursor struct {
	table map[string][]byte // from value -> keyspace id
}

func (c printingCursor) Query(_ context.Context, query string, args ...any) ([][]any, error) {
	fmt.Println(query, args)
	var rows [][]any
	for _, a := range args {
		if id, ok := c.table[fmt.Sprint(a)]; ok {
			rows = append(rows, []any{a, id})
		}
	}
	return rows, nil
}

func (c printingCursor) Exec(_ context.Context, query string, args ...any) (int64, error) {
	fmt.Println(query, args)
	return 1, nil
}

func (c printingCursor) ExecAutocommit(ctx context.Context, query string, args ...any) (int64, error) {
	return c.Exec(ctx, query, args...)
}

func ExampleLookup() {
	v, err := vindex.New("email_idx", "lookup_unique", map[string]string{
		"table": "email_idx", "from": "email", "to": "keyspace_id", "owner": "user",
	}, vindex.Env{Keyspace: "commerce"})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	c := printingCursor{table: map[string][]byte{"ann@example.com": vindex.HashUint64(1)}}

	// The router inserts the owner row user(id 1, email ann@...) and the
	// lookup row with it.
	_ = v.(vindex.Lookup).Create(ctx, c, [][]any{{"ann@example.com"}}, [][]byte{vindex.HashUint64(1)}, false)

	// Later, WHERE email = ? routes through the lookup table.
	dests, _ := v.(vindex.SingleColumn).Map(ctx, c, []any{"ann@example.com", "bob@example.com"})
	fmt.Println(dests)
	// Output:
	// insert into `email_idx`(`email`, `keyspace_id`) values (?, ?) [ann@example.com [22 107 64 180 74 186 75 214]]
	// select `email`, `keyspace_id` from `email_idx` where `email` in (?) [ann@example.com]
	// select `email`, `keyspace_id` from `email_idx` where `email` in (?) [bob@example.com]
	// [KeyspaceId(166b40b44aba4bd6) None()]
}
