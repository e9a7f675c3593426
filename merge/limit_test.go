package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func TestLimitWindow(t *testing.T) {
	rows := []string{"1", "2", "3", "4"}
	tests := []struct {
		name          string
		offset, count int64
		want          []string
		wantReads     int
	}{
		{"count only", 0, 2, []string{"1", "2"}, 2},
		{"offset and count", 1, 2, []string{"2", "3"}, 3},
		{"count beyond rows", 2, 10, []string{"3", "4"}, 4},
		{"offset beyond rows", 9, 1, nil, 4},
		{"zero count reads nothing", 0, 0, nil, 0},
		{"offset only", 3, -1, []string{"4"}, 4},
		{"no limit", 0, -1, rows, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := lit(t, "n:INTEGER", rows...)
			l := NewLimit(src, tt.offset, tt.count)
			wantRows(t, l, tt.want...)
			if src.reads != tt.wantReads {
				t.Errorf("read %d source rows, want %d", src.reads, tt.wantReads)
			}
			checkClosedOnce(t, src)
		})
	}
}

func TestLimitClosesSourceAsSoonAsFull(t *testing.T) {
	a := lit(t, "n:INTEGER", "1", "3", "5")
	b := lit(t, "n:INTEGER", "2", "4")
	l := NewLimit(NewOrdered(sources(a, b), []eval.SortKey{{Col: 0}}, eval.SQLite), 0, 2)
	for range 2 {
		if _, err := l.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if a.closes != 1 || b.closes != 1 {
		t.Fatalf("sources not closed after the last row: a=%d b=%d", a.closes, b.closes)
	}
	l.Close()
	checkClosedOnce(t, a, b)
}

func TestLimitPropagatesErrorWhileSkipping(t *testing.T) {
	boom := errors.New("boom")
	src := lit(t, "n:INTEGER", "1")
	src.err = boom
	l := NewLimit(src, 5, 1)
	for range 2 {
		if _, err := l.Next(); !errors.Is(err, boom) {
			t.Fatalf("Next: %v, want %v", err, boom)
		}
	}
	l.Close()
	checkClosedOnce(t, src)
}
