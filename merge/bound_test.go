package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func TestBoundFailsPastItsLimitAndNeverReturnsAPartialSort(t *testing.T) {
	src := lit(t, "n:INTEGER", "3", "1", "2")
	it := NewSort(NewBound(src, 2, "sort"), []eval.SortKey{{Col: 0}}, eval.SQLite)
	_, err := drain(t, it)
	var me *MemoryRowsError
	if !errors.As(err, &me) || me.Limit != 2 {
		t.Fatalf("err = %v, want a MemoryRowsError with limit 2", err)
	}
	it.Close()
	checkClosedOnce(t, src)

	src = lit(t, "n:INTEGER", "3", "1")
	wantRows(t, NewSort(NewBound(src, 2, "sort"), []eval.SortKey{{Col: 0}}, eval.SQLite), "1", "3")
	if it := NewBound(src, 0, "sort"); it != Iterator(src) {
		t.Error("a limit of 0 should return the source itself")
	}
}
