package route

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dot-do/vitessdo/vschema"
)

// Errors quoting a window function's call quote the window function as
// written, and keep their type.
func TestWindowShownErrorQuotesTheOverClause(t *testing.T) {
	call := "(select vitessdo_window('rank|0|1|a|', grp, qty) from items)"
	want := "(select rank() OVER (PARTITION BY grp ORDER BY qty) from items)"
	base := errors.New("x")
	for _, tt := range []struct {
		err  error
		want string
		is   func(error) bool
	}{
		{unsupportedf("the subquery %s", call), "vitessdo: unsupported: the subquery " + want, func(e error) bool { var u *UnsupportedError; return errors.As(e, &u) }},
		{planErrorf("the subquery %s", call), "vitessdo: the subquery " + want, func(e error) bool { var p *vschema.PlanError; return errors.As(e, &p) }},
		{&SyntaxError{SQL: "q", Msg: "near " + call}, (&SyntaxError{Msg: "near " + want}).Error(), func(e error) bool { var s *SyntaxError; return errors.As(e, &s) }},
		{fmt.Errorf("running %s: %w", call, base), "running " + want + ": x", func(e error) bool { return errors.Is(e, base) }},
	} {
		got := windowShownError(tt.err)
		if got.Error() != tt.want || !tt.is(got) {
			t.Errorf("windowShownError(%v) = %v, want %s of the same kind", tt.err, got, tt.want)
		}
	}
	if err := windowShownError(base); err != base {
		t.Errorf("an error without a window function's call became %v", err)
	}
}
