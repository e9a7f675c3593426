package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/dot-do/vitessdo/vschema"
)

// sequences reports each table whose sequence's next_id is not above the
// largest id of the table: the next insert would reuse an id.
func (c *checker) sequences(ctx context.Context, ks *vschema.Keyspace) error {
	for _, t := range sortedTables(ks) {
		ai := t.AutoIncrement
		if ai == nil || ai.Sequence == nil {
			continue
		}
		seq := ai.Sequence
		var maxID, next any
		q := "SELECT MAX(" + quoteIdent(ai.Column) + ") FROM " + quoteIdent(ks.Name) + "." + quoteIdent(t.Name)
		if err := c.t.db.QueryRowContext(ctx, q).Scan(&maxID); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.r.problem(Finding{Kind: KindUnreachable, Keyspace: ks.Name, Table: t.Name, Column: ai.Column, Message: fmt.Sprintf("reading the largest id: %v", err)})
			continue
		}
		q = "SELECT next_id FROM " + quoteIdent(seq.Keyspace.Name) + "." + quoteIdent(seq.Name) + " WHERE id = 0"
		err := c.t.db.QueryRowContext(ctx, q).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			if maxID != nil {
				c.r.problem(Finding{Kind: KindSequenceBehind, Keyspace: seq.Keyspace.Name, Table: seq.Name, Message: fmt.Sprintf("the sequence has no row with id = 0, and table %s uses it", t)})
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.r.problem(Finding{Kind: KindUnreachable, Keyspace: seq.Keyspace.Name, Table: seq.Name, Message: fmt.Sprintf("reading next_id: %v", err)})
			continue
		}
		if maxID == nil {
			continue
		}
		m, err1 := toInt(maxID)
		n, err2 := toInt(next)
		if err1 != nil || err2 != nil {
			c.r.warning(Finding{Kind: KindNotChecked, Keyspace: ks.Name, Table: t.Name, Column: ai.Column, Message: fmt.Sprintf("ids are not integers (largest %v, next_id %v)", showValue(maxID), showValue(next))})
			continue
		}
		if n <= m {
			c.r.problem(Finding{Kind: KindSequenceBehind, Keyspace: seq.Keyspace.Name, Table: seq.Name, Column: "next_id",
				Message: fmt.Sprintf("next_id is %d but table %s already has %s %d: the next insert would reuse an id", n, t, ai.Column, m)})
		}
	}
	return nil
}

func toInt(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case float64:
		return int64(v), nil
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("not an integer: %T", v)
}
