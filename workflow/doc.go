// Package workflow moves data into and between the shards of a vitessdo
// keyspace, as Vitess's workflows do, for programs and for the vitessdo
// command:
//
//   - MoveTables copies the tables of an existing, unsharded database
//     that vitessdo does not manage (sqlite:PATH or postgres://…) into a
//     keyspace, each row routed as the driver routes an INSERT, and
//     verifies every table against its source.
//   - Reshard splits or merges the shards of a sharded keyspace: it copies
//     the rows of the shards that change into new shard backends by
//     keyspace id, verifies the copy (VDiff), and switches the VSchema
//     file's "shards" atomically.
//
// Both take the driver's DSN. Neither leaves the data half-switched: an
// interrupted MoveTables rolls back the table it was copying, and an
// interrupted Reshard leaves the old layout in place and serving; a re-run
// starts the interrupted work over.
//
// # Checksums
//
// Verification compares row counts and an order-independent checksum over
// every column: the sum of a 64-bit hash of each row's values, each value
// first brought to one canonical form per column kind (integers, numbers,
// times, bytes and text), so that the same row read from SQLite and from
// PostgreSQL hashes alike.
package workflow
