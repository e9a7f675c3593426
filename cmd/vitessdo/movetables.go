package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/dot-do/vitessdo/workflow"
)

var moveTablesCommand = &command{
	name:     "movetables",
	synopsis: "-dsn DSN -source URL [-tables a,b,…] [-json]",
	summary:  "copy the tables of an unsharded database (sqlite:PATH or postgres://…) into the keyspaces, then verify them",
	run:      runMoveTables,
}

func runMoveTables(ctx context.Context, c *command, e *env, args []string) int {
	fs := c.flags(e)
	dsn := fs.String("dsn", "", "the driver's DSN (vschema=FILE&dir=DIR…)")
	source := fs.String("source", "", "the database to copy from: sqlite:PATH or postgres://… (only read)")
	tables := fs.String("tables", "", "comma-separated tables to copy (default: every source table the vschema lists)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	switch {
	case *dsn == "":
		return usageError(e, fs, "-dsn is required")
	case *source == "":
		return usageError(e, fs, "-source is required")
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected arguments %q", fs.Args())
	}
	cfg, err := workflow.ParseDSN(*dsn)
	if err != nil {
		return usageError(e, fs, "%v", err)
	}
	opts := workflow.MoveTablesOptions{Source: *source}
	opts.Tables = splitList(*tables)
	pp := newProgressPrinter(e.stderr)
	opts.Progress = pp.report
	res, err := workflow.MoveTables(ctx, cfg, opts)
	pp.endLine()
	if res != nil {
		if code, ok := printResult(e, "movetables", *asJSON, res, printMoveTables); !ok {
			return code
		}
	}
	if err != nil {
		if errors.Is(err, workflow.ErrVerify) && res != nil {
			return exitProblems
		}
		return fail(e, "movetables", err)
	}
	return exitOK
}

// printMoveTables prints the copy and its verification for people.
func printMoveTables(w io.Writer, r *workflow.MoveTablesResult) {
	for _, t := range r.Tables {
		status := "ok"
		if t.Source != t.Target {
			status = "DIFFERS"
		}
		created := ""
		if t.Created {
			created = " (created)"
		}
		if t.Skipped {
			created = " (already copied)"
		}
		fmt.Fprintf(w, "%-6s %s.%s%s: source %s; shards %s\n", status, t.Keyspace, t.Table, created, t.Source, t.Target)
	}
	for _, s := range r.Sequences {
		fmt.Fprintf(w, "sequence %s (for %s): next_id %d\n", s.Sequence, s.Table, s.NextID)
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "%d problems:\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
		return
	}
	fmt.Fprintf(w, "verified %d tables: every row of the source is on the shards\n", len(r.Tables))
}
