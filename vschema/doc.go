// Package vschema loads and validates a Vitess VSchema: the keyspaces, their
// vindexes, their tables and, a vitessdo addition, their shards.
//
// It is the first step of a statement's path and the one every other
// part shares: the planner (package route) resolves table names through
// it, the connector opens the shards it lists, and the command-line tool
// and the workflows read the same file the driver reads.
//
//	vs, err := vschema.Load(vschema.Source{File: "app.vschema.json", Data: data})
//
// Load accepts both of Vitess's forms: the multi-keyspace form
// ({"keyspaces": {"ks": {…}}}, as Vitess serves it) and the single-keyspace
// form ({"sharded": true, "vindexes": {…}, "tables": {…}}, with the
// keyspace named by Source.Keyspace). Every problem is a *VSchemaError
// naming the file, keyspace, table, vindex and field: an unknown vindex
// type, a sharded table without a primary vindex, a vindex named but not
// defined, an owner that does not exist, shards that leave a gap in the
// keyspace-id range or overlap. Unknown fields are errors too, except the
// few Vitess defines that vitessdo does not use, so a typo never passes
// silently.
//
// # Resolving table names
//
// FindTable resolves a name as a statement writes it: qualified by a
// keyspace, or unqualified, when the session's default keyspace wins, then
// a table listed by exactly one keyspace (Vitess's global routing), then
// the only unsharded keyspace, which may hold tables its VSchema does not
// list. A name it cannot resolve, or resolves ambiguously, is a
// *PlanError.
package vschema
