package merge

import (
	"errors"
	"testing"
)

func TestConcatReturnsSourcesInOrder(t *testing.T) {
	tests := []struct {
		name string
		srcs []*literal
		want []string
	}{
		{"no sources", nil, nil},
		{"all empty", []*literal{lit(t, "k:TEXT"), lit(t, "k:TEXT")}, nil},
		{"empty between", []*literal{
			lit(t, "k:TEXT n:INTEGER", "a|1", "b|NULL"),
			lit(t, "k:TEXT n:INTEGER"),
			lit(t, "k:TEXT n:INTEGER", "a|1", "Ä|-3"),
		}, []string{"a|1", "b|NULL", "a|1", "Ä|-3"}},
		{"all in one", []*literal{
			lit(t, "k:TEXT n:INTEGER"),
			lit(t, "k:TEXT n:INTEGER", "x|1", "y|2"),
		}, []string{"x|1", "y|2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConcat(sources(tt.srcs...))
			if len(tt.srcs) == 0 {
				c = NewConcat(nil)
			}
			wantRows(t, c, tt.want...)
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			checkClosedOnce(t, tt.srcs...)
		})
	}
}

func TestConcatClosesExhaustedSourceBeforeReadingNext(t *testing.T) {
	a := lit(t, "n:INTEGER", "1")
	b := lit(t, "n:INTEGER", "2")
	c := NewConcat(sources(a, b))
	for range 2 {
		if _, err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if a.closes != 1 || b.closes != 0 {
		t.Fatalf("closes a=%d b=%d, want 1 0", a.closes, b.closes)
	}
	c.Close()
	c.Close()
	checkClosedOnce(t, a, b)
}

func TestConcatErrorIsSticky(t *testing.T) {
	boom := errors.New("shard -80: connection reset")
	a := lit(t, "n:INTEGER", "1")
	a.err = boom
	b := lit(t, "n:INTEGER", "2")
	c := NewConcat(sources(a, b))
	got, err := drain(t, c)
	if !errors.Is(err, boom) || len(got) != 1 {
		t.Fatalf("got %v rows, err %v; want 1 row, %v", len(got), err, boom)
	}
	if _, err := c.Next(); !errors.Is(err, boom) {
		t.Fatalf("second Next: %v, want %v", err, boom)
	}
	if b.reads != 0 {
		t.Fatal("read the next source after an error")
	}
	c.Close()
	checkClosedOnce(t, a, b)
}
