package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dot-do/vitessdo"
)

// ExplainOptions choose what Explain shows.
type ExplainOptions struct {
	// Queries runs the statement and returns the shard statements it
	// sent (VEXPLAIN QUERIES); otherwise Explain returns, without running
	// it, the shard statements it would send (VEXPLAIN PLAN).
	Queries bool
}

// ExplainResult is the table VEXPLAIN returns, every value as text.
type ExplainResult struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Explain returns the driver's VEXPLAIN PLAN (or VEXPLAIN QUERIES) of a
// statement on the database cfg names. It opens the database as the
// driver does, refusing a layout the shard records disagree with.
func Explain(ctx context.Context, cfg *vitessdo.Config, statement string, opts ExplainOptions) (*ExplainResult, error) {
	statement = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(statement), ";"))
	if statement == "" {
		return nil, fmt.Errorf("vitessdo: explain: no statement")
	}
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	mode := "PLAN"
	if opts.Queries {
		mode = "QUERIES"
	}
	rs, err := db.QueryContext(ctx, "VEXPLAIN "+mode+" "+statement)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	res := &ExplainResult{Columns: cols, Rows: [][]string{}}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = showValue(v)
		}
		res.Rows = append(res.Rows, row)
	}
	return res, rs.Err()
}
