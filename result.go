package vitessdo

import (
	"database/sql/driver"

	"github.com/dot-do/vitessdo/route"
)

// result is a statement's driver.Result.
type result struct {
	r route.Result
}

var _ driver.Result = result{}

// LastInsertId returns the first id the statement generated (from the
// table's sequence, or an unsharded table's own auto-increment), or 0 when
// it generated none, as MySQL does.
func (r result) LastInsertId() (int64, error) { return r.r.LastInsertID, nil }

// RowsAffected returns the rows the statement changed, summed over shards
// (for a reference table: on one copy).
func (r result) RowsAffected() (int64, error) { return r.r.RowsAffected, nil }
