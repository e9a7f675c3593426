package vindex

import (
	"context"
	"fmt"
	"strings"
)

// call is one statement a fake cursor received.
type call struct {
	Via   string // Query, Exec, ExecAutocommit, QueryOrder, ExecOrder, QueryKeyspaceID
	Order string // the CommitOrder of QueryOrder/ExecOrder, the keyspace/ksid of QueryKeyspaceID
	SQL   string
	Args  []any
}

// reply is what a fake cursor answers to one statement.
type reply struct {
	rows [][]any
	err  error
}

// fakeCursor records every statement and answers from a queue of replies
// (no rows and no error once the queue is empty). It implements Cursor
// only; sessionCursor adds SessionCursor.
type fakeCursor struct {
	calls   []call
	replies []reply
}

func (c *fakeCursor) answer(cl call) ([][]any, error) {
	c.calls = append(c.calls, cl)
	if len(c.replies) == 0 {
		return nil, nil
	}
	r := c.replies[0]
	c.replies = c.replies[1:]
	return r.rows, r.err
}

func (c *fakeCursor) Query(_ context.Context, query string, args ...any) ([][]any, error) {
	return c.answer(call{Via: "Query", SQL: query, Args: args})
}

func (c *fakeCursor) Exec(_ context.Context, query string, args ...any) (int64, error) {
	_, err := c.answer(call{Via: "Exec", SQL: query, Args: args})
	return 1, err
}

func (c *fakeCursor) ExecAutocommit(_ context.Context, query string, args ...any) (int64, error) {
	_, err := c.answer(call{Via: "ExecAutocommit", SQL: query, Args: args})
	return 1, err
}

type sessionCursor struct {
	fakeCursor
	dml bool
}

func (c *sessionCursor) InTransactionAndIsDML() bool { return c.dml }

func (c *sessionCursor) QueryOrder(_ context.Context, order CommitOrder, query string, args ...any) ([][]any, error) {
	return c.answer(call{Via: "QueryOrder", Order: order.String(), SQL: query, Args: args})
}

func (c *sessionCursor) ExecOrder(_ context.Context, order CommitOrder, query string, args ...any) (int64, error) {
	_, err := c.answer(call{Via: "ExecOrder", Order: order.String(), SQL: query, Args: args})
	return 1, err
}

func (c *sessionCursor) QueryKeyspaceID(_ context.Context, keyspace string, ksid []byte, query string, args ...any) ([][]any, error) {
	return c.answer(call{Via: "QueryKeyspaceID", Order: fmt.Sprintf("%s/%x", keyspace, ksid), SQL: query, Args: args})
}

// rowsOf builds reply rows from (from, to) pairs.
func rowsOf(pairs ...[2]any) [][]any {
	out := make([][]any, len(pairs))
	for i, p := range pairs {
		out[i] = []any{p[0], p[1]}
	}
	return out
}

// sqlOf lists the SQL of the calls, for compact comparisons.
func sqlOf(calls []call) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString(c.Via)
		if c.Order != "" {
			b.WriteString("(" + c.Order + ")")
		}
		b.WriteString(" " + c.SQL + "\n")
	}
	return b.String()
}
