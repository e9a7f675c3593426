// Command vitessdo runs the workflows of package workflow on a vitessdo
// database named by its driver DSN:
//
//	vitessdo check -dsn DSN [-keyspace KS] [-json]
//	vitessdo explain -dsn DSN [-queries] [-json] 'SQL'
//	vitessdo movetables -dsn DSN -source URL [-tables a,b,…] [-json]
//	vitessdo reshard -dsn DSN -keyspace KS -to SHARDS [-backend TEMPLATE] [-cleanup] [-json]
//
// Every subcommand prints a human summary, or with -json a machine
// summary, and exits 0 on success, 1 when it found problems or failed,
// and 2 on a usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1
	exitUsage    = 2
)

// command is one subcommand.
type command struct {
	name string
	// synopsis shows its arguments; summary says what it does.
	synopsis string
	summary  string
	// run parses args (after the subcommand's name) and runs it,
	// returning the exit code.
	run func(ctx context.Context, c *command, e *env, args []string) int
}

// commands lists the subcommands, in the order usage shows them. A new
// subcommand is a file holding its command and a line here.
var commands = []*command{
	checkCommand,
	explainCommand,
	moveTablesCommand,
	reshardCommand,
}

// env is where a subcommand writes.
type env struct {
	stdout, stderr io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the subcommand args name and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, c, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "vitessdo: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: vitessdo <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n  %-10s   %s\n", c.name, c.summary, "", "vitessdo "+c.name+" "+c.synopsis)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run vitessdo <command> -h for its flags. Exit status: 0 success, 1 problems found or failure, 2 usage error.")
}

// flags returns a flag set for a subcommand whose errors go to stderr.
func (c *command) flags(e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("vitessdo "+c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: vitessdo %s %s\n\n%s\n\n", c.name, c.synopsis, c.summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a subcommand's flags; ok is false with the exit code when
// it should stop (-h, or a usage error).
func parse(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// usageError reports a usage error of a subcommand.
func usageError(e *env, fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return exitUsage
}

// fail reports a failure of a subcommand.
func fail(e *env, name string, err error) int {
	fmt.Fprintf(e.stderr, "vitessdo %s: %s\n", name, strings.TrimPrefix(err.Error(), "vitessdo: "))
	return exitProblems
}

// writeJSON writes v indented.
// splitList returns the non-empty, trimmed items of a comma-separated
// flag value.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printResult prints the result of the command called name to standard
// output: as indented JSON when asJSON is set, else through print, for
// people. It reports false, with the exit code, when the JSON cannot be
// written.
func printResult[R any](e *env, name string, asJSON bool, res R, print func(io.Writer, R)) (code int, ok bool) {
	if !asJSON {
		print(e.stdout, res)
		return exitOK, true
	}
	if err := writeJSON(e.stdout, res); err != nil {
		return fail(e, name, err), false
	}
	return exitOK, true
}
