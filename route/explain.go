package route

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/merge"
)

// explainPlan answers VEXPLAIN PLAN (the shard statements a statement would
// send, without running it) and VEXPLAIN QUERIES (runs it and returns the
// shard statements that ran, lookups and sequence reservations included).
type explainPlan struct {
	inner Plan
	run   bool
}

var _ Plan = (*explainPlan)(nil)

var explainColumns = []string{"keyspace", "shard", "query"}

func (ep *explainPlan) NumArgs() int { return ep.inner.NumArgs() }

func (ep *explainPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	var rows []ExplainRow
	if ep.run {
		s := vc.Session()
		prev := s.Recording
		s.Recording = &rows
		_, err := ep.inner.Exec(ctx, vc, args)
		s.Recording = prev
		if err != nil {
			return nil, err
		}
	} else {
		var err error
		rows, err = ep.inner.Explain(ctx, vc, args)
		if err != nil {
			return nil, err
		}
	}
	out := make([]merge.Row, len(rows))
	for i, r := range rows {
		out[i] = merge.Row{r.Keyspace, r.Shard, r.Query}
	}
	return merge.NewStatic(textColumns(explainColumns, out), out), nil
}

func (ep *explainPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, ep, vc, args)
}

func (ep *explainPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	return nil, unsupportedf("VEXPLAIN of VEXPLAIN")
}

// explainRows describes shard queries for VEXPLAIN.
func explainRows(qs []ShardQuery) []ExplainRow {
	out := make([]ExplainRow, len(qs))
	for i, q := range qs {
		out[i] = ExplainRow{Keyspace: q.Shard.Keyspace, Shard: q.Shard.Name, Query: DisplayQuery(q.Shard.Backend.Dialect, q.SQL, q.Args)}
	}
	return out
}

// DisplayQuery shows a shard statement with its arguments written in
// place of the placeholders, for people to read. It is never executed:
// the statement itself always travels with separate arguments.
func DisplayQuery(d dialect.Dialect, sql string, args []any) string {
	var b strings.Builder
	next := 0
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(sql) {
				if sql[j] == c {
					if j+1 < len(sql) && sql[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(sql) {
				j = len(sql) - 1
			}
			b.WriteString(sql[i : j+1])
			i = j
		default:
			w, n, numbered := d.PlaceholderAt(sql, i)
			if w == 0 {
				b.WriteByte(c)
				continue
			}
			if !numbered {
				n = next
				next++
			}
			b.WriteString(displayValue(argAt(args, n)))
			i += w - 1
		}
	}
	return b.String()
}

func argAt(args []any, i int) any {
	if i < 0 || i >= len(args) {
		return missingArg{}
	}
	return args[i]
}

type missingArg struct{}

func displayValue(v any) string {
	switch v := v.(type) {
	case missingArg:
		return "?"
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case []byte:
		return "X'" + hex.EncodeToString(v) + "'"
	case time.Time:
		return "'" + v.Format("2006-01-02 15:04:05.999999999") + "'"
	case bool:
		if v {
			return "true"
		}
		return "false"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = displayValue(x)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// buildSpecial plans statements recognised before parsing: VEXPLAIN,
// SHOW VSCHEMA TABLES (which the parser reads as SHOW VSCHEMA) and USE of
// a target the parser rejects (USE ks[-80]).
func (p *Planner) buildSpecial(text string, s *Session) (Plan, bool, error) {
	f := strings.Fields(text)
	if len(f) >= 2 && strings.EqualFold(f[0], "vexplain") {
		mode := strings.ToLower(f[1])
		if mode != "plan" && mode != "queries" {
			return nil, true, unsupportedf("VEXPLAIN %s (supported: VEXPLAIN PLAN and VEXPLAIN QUERIES)", f[1])
		}
		rest := strings.TrimSpace(text[strings.Index(strings.ToLower(text), mode)+len(mode):])
		if rest == "" {
			return nil, true, planErrorf("VEXPLAIN %s needs a statement", strings.ToUpper(mode))
		}
		inner, err := p.build(rest, s)
		if err != nil {
			return nil, true, err
		}
		if _, ok := inner.(*explainPlan); ok {
			return nil, true, unsupportedf("VEXPLAIN of VEXPLAIN")
		}
		return &explainPlan{inner: inner, run: mode == "queries"}, true, nil
	}
	if len(f) == 3 && strings.EqualFold(f[0], "show") && strings.EqualFold(f[1], "vschema") && strings.EqualFold(f[2], "tables") {
		return p.showVSchemaTables(s.Keyspace), true, nil
	}
	if t, ok := useTarget(text); ok && strings.ContainsAny(t, "[]") {
		pl, err := planUse(p, t)
		return pl, true, err
	}
	return nil, false, nil
}

// drain reads an iterator to its end.
func drain(it merge.Iterator) error {
	defer it.Close()
	for {
		if _, err := it.Next(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}
