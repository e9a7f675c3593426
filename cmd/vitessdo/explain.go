package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dot-do/vitessdo/workflow"
)

var explainCommand = &command{
	name:     "explain",
	synopsis: "-dsn DSN [-queries] [-json] 'SQL'",
	summary:  "print the shard statements SQL would send (VEXPLAIN PLAN), or run it and print those it sent (-queries: VEXPLAIN QUERIES)",
	run:      runExplain,
}

func runExplain(ctx context.Context, c *command, e *env, args []string) int {
	fs := c.flags(e)
	dsn := fs.String("dsn", "", "the driver's DSN (vschema=FILE&dir=DIR…)")
	queries := fs.Bool("queries", false, "run the statement and show the shard statements it sent (VEXPLAIN QUERIES)")
	asJSON := fs.Bool("json", false, "print the table as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *dsn == "" {
		return usageError(e, fs, "-dsn is required")
	}
	if fs.NArg() != 1 {
		return usageError(e, fs, "want one SQL statement, got %d arguments", fs.NArg())
	}
	cfg, err := workflow.ParseDSN(*dsn)
	if err != nil {
		return usageError(e, fs, "%v", err)
	}
	res, err := workflow.Explain(ctx, cfg, fs.Arg(0), workflow.ExplainOptions{Queries: *queries})
	if err != nil {
		return fail(e, "explain", err)
	}
	code, _ := printResult(e, "explain", *asJSON, res, func(w io.Writer, res *workflow.ExplainResult) {
		printTable(w, res.Columns, res.Rows)
	})
	return code
}

// printTable prints rows under their column names, columns padded to
// their widest value, as a SQL shell does.
func printTable(w io.Writer, cols []string, rows [][]string) {
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = utf8.RuneCountInString(c)
	}
	for _, r := range rows {
		for i, v := range r {
			width[i] = max(width[i], utf8.RuneCountInString(v))
		}
	}
	line := func(vals []string) {
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v + strings.Repeat(" ", width[i]-utf8.RuneCountInString(v))
		}
		fmt.Fprintln(w, strings.TrimRight(strings.Join(parts, " | "), " "))
	}
	line(cols)
	seps := make([]string, len(cols))
	for i := range cols {
		seps[i] = strings.Repeat("-", width[i])
	}
	fmt.Fprintln(w, strings.Join(seps, "-+-"))
	for _, r := range rows {
		line(r)
	}
	fmt.Fprintf(w, "(%d rows)\n", len(rows))
}
