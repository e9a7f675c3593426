// Package workflow holds the operations that move, verify and explain the
// data of a vitessdo database as a Go API, the operations Vitess calls
// workflows; the vitessdo command (cmd/vitessdo) is a thin wrapper over
// them.
//
// Check verifies what the driver assumes about the shards: the VSchema is
// valid and every shard reachable, the shard records agree with the
// VSchema's layout, every table exists on every shard of its keyspace with
// the same columns, every row sits on the shard its primary vindex names,
// reference tables are the same on every shard, owned lookup vindexes
// agree with their owner tables both ways, and every sequence is ahead of
// the ids it gave. It reads the shards as streams, a batch of rows at a
// time, and compares values as the backend returns them.
//
// Explain returns the driver's VEXPLAIN PLAN or VEXPLAIN QUERIES of a
// statement.
//
// A workflow opens the shards whatever their layout (see
// vitessdo.Config.SkipLayoutCheck): it is how a layout the driver refuses
// is reported and repaired.
package workflow
