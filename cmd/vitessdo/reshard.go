package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/workflow"
)

var reshardCommand = &command{
	name:     "reshard",
	synopsis: "-dsn DSN -keyspace KS -to SHARDS [-backend TEMPLATE] [-cleanup] [-json]",
	summary:  "split or merge the shards of a keyspace: copy, verify, then switch the vschema file",
	run:      runReshard,
}

func runReshard(ctx context.Context, c *command, e *env, args []string) int {
	fs := c.flags(e)
	dsn := fs.String("dsn", "", "the driver's DSN (vschema=FILE&dir=DIR…)")
	keyspace := fs.String("keyspace", "", "the sharded keyspace to reshard")
	to := fs.String("to", "", "the new shards, comma-separated, covering the keyspace range: -40,40-80,80-c0,c0-")
	backend := fs.String("backend", "", "backend URL of the new shards with a {shard} placeholder ('-' in the name becomes '_'); default: SQLite files DIR/KS/SHARD.db under the DSN's dir=")
	cleanup := fs.Bool("cleanup", false, "remove the old shards' backends after the switch")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	switch {
	case *dsn == "":
		return usageError(e, fs, "-dsn is required")
	case *keyspace == "":
		return usageError(e, fs, "-keyspace is required")
	case *to == "":
		return usageError(e, fs, "-to is required")
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected arguments %q", fs.Args())
	}
	cfg, err := workflow.ParseDSN(*dsn)
	if err != nil {
		return usageError(e, fs, "%v", err)
	}
	shards := splitList(*to)
	if _, _, err := key.Partition(shards); err != nil {
		return usageError(e, fs, "-to: %v", err)
	}
	pp := newProgressPrinter(e.stderr)
	res, err := workflow.Reshard(ctx, cfg, workflow.ReshardOptions{Keyspace: *keyspace, To: shards, Backend: *backend, Cleanup: *cleanup, Progress: pp.report})
	pp.endLine()
	if res != nil {
		if code, ok := printResult(e, "reshard", *asJSON, res, printReshard); !ok {
			return code
		}
	}
	if err != nil {
		if res != nil && (errors.Is(err, workflow.ErrVerify) || errors.Is(err, workflow.ErrWritesDuringCopy)) {
			return exitProblems
		}
		return fail(e, "reshard", err)
	}
	return exitOK
}

// printReshard prints what the reshard did for people.
func printReshard(w io.Writer, r *workflow.ReshardResult) {
	if len(r.Copied) == 0 {
		fmt.Fprintf(w, "keyspace %s already has shards %s: nothing to do\n", r.Keyspace, strings.Join(r.To, ","))
		return
	}
	fmt.Fprintf(w, "keyspace %s: %s -> %s (copied into %s)\n", r.Keyspace, strings.Join(r.From, ","), strings.Join(r.To, ","), strings.Join(r.Copied, ","))
	for _, d := range r.Diffs {
		status := "ok"
		if !d.OK() {
			status = "DIFFERS"
		}
		fmt.Fprintf(w, "%-7s %s on %s: %s\n", status, d.Table, d.Shard, d.Target)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	if !r.Switched {
		fmt.Fprintln(w, "not switched: the vschema still lists the old shards")
		return
	}
	fmt.Fprintf(w, "switched: the vschema lists %s (old file kept as %s)\n", strings.Join(r.To, ","), r.VSchemaBackup)
	if len(r.Retired) > 0 {
		fmt.Fprintf(w, "retired: %s\n", strings.Join(r.Retired, ","))
	}
	if len(r.Removed) > 0 {
		fmt.Fprintf(w, "removed: %s\n", strings.Join(r.Removed, ","))
	}
}
