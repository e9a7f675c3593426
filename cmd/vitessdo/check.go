package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dot-do/vitessdo/workflow"
)

var checkCommand = &command{
	name:     "check",
	synopsis: "-dsn DSN [-keyspace KS] [-json]",
	summary:  "verify the shards: vschema, reachability, layout, schema drift, row placement, reference tables, lookups, sequences",
	run:      runCheck,
}

func runCheck(ctx context.Context, c *command, e *env, args []string) int {
	fs := c.flags(e)
	dsn := fs.String("dsn", "", "the driver's DSN (vschema=FILE&dir=DIR…)")
	keyspace := fs.String("keyspace", "", "check only this keyspace")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dsn == "" {
		return usageError(e, fs, "-dsn is required")
	}
	if fs.NArg() > 0 {
		return usageError(e, fs, "unexpected arguments %q", fs.Args())
	}
	cfg, err := workflow.ParseDSN(*dsn)
	if err != nil {
		return usageError(e, fs, "%v", err)
	}
	r, err := workflow.Check(ctx, cfg, workflow.CheckOptions{Keyspace: *keyspace})
	if err != nil {
		return fail(e, "check", err)
	}
	if code, ok := printResult(e, "check", *asJSON, r, printCheck); !ok {
		return code
	}
	if !r.OK() {
		return exitProblems
	}
	return exitOK
}

// printCheck prints a report for people.
func printCheck(w io.Writer, r *workflow.CheckReport) {
	if len(r.Keyspaces) > 0 {
		fmt.Fprintf(w, "checked keyspace %s: %d shards, %d tables, %d rows in %s\n",
			strings.Join(r.Keyspaces, ", "), r.Shards, r.Tables, r.Rows, r.Elapsed.Round(1e6))
	}
	list := func(title string, fs []workflow.Finding) {
		if len(fs) == 0 {
			return
		}
		fmt.Fprintf(w, "%s (%d):\n", title, len(fs))
		for _, f := range fs {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	list("problems", r.Problems)
	list("warnings", r.Warnings)
	if r.OK() {
		fmt.Fprintf(w, "check: OK (%d warnings)\n", len(r.Warnings))
	} else {
		fmt.Fprintf(w, "check: %d problems, %d warnings\n", len(r.Problems), len(r.Warnings))
	}
}
