package merge

import (
	"errors"
	"testing"

	"github.com/dot-do/vitessdo/internal/eval"
)

func TestWindowComputesEachFunctionOverItsFrame(t *testing.T) {
	// g|o|v: two partitions, ties on o in partition a.
	rows := []string{"a|1|10", "a|2|20", "a|2|30", "a|4|NULL", "b|1|5", "b|3|7"}
	asc := []eval.SortKey{{Col: 1, Nulls: eval.NullsFirst}}
	part := []int{0}
	rows3 := func(f Frame) Frame { f.Unit = FrameRows; return f }
	between := func(s, e FrameBound) Frame { return Frame{Start: s, End: e} }
	up, uf, cur := FrameBound{Kind: UnboundedPreceding}, FrameBound{Kind: UnboundedFollowing}, FrameBound{Kind: CurrentRow}
	prec := func(n int64) FrameBound { return FrameBound{Kind: Preceding, N: n} }
	foll := func(n int64) FrameBound { return FrameBound{Kind: Following, N: n} }
	tests := []struct {
		name string
		f    WindowFunc
		want []string // the appended value, by input row
	}{
		{"row_number", WindowFunc{Name: "row_number", Partition: part, Order: asc}, []string{"1", "2", "3", "4", "1", "2"}},
		{"rank", WindowFunc{Name: "rank", Partition: part, Order: asc}, []string{"1", "2", "2", "4", "1", "2"}},
		{"dense_rank", WindowFunc{Name: "dense_rank", Partition: part, Order: asc}, []string{"1", "2", "2", "3", "1", "2"}},
		{"percent_rank", WindowFunc{Name: "percent_rank", Partition: part, Order: asc}, []string{"0.0", "0.3333333333333333", "0.3333333333333333", "1.0", "0.0", "1.0"}},
		{"cume_dist", WindowFunc{Name: "cume_dist", Partition: part, Order: asc}, []string{"0.25", "0.75", "0.75", "1.0", "0.5", "1.0"}},
		{"ntile 3", WindowFunc{Name: "ntile", Args: []int{3}, Partition: part, Order: asc}, []string{"1", "1", "2", "3", "1", "2"}},
		{"lag", WindowFunc{Name: "lag", Args: []int{2}, Partition: part, Order: asc}, []string{"NULL", "10", "20", "30", "NULL", "5"}},
		{"lead 2 default", WindowFunc{Name: "lead", Args: []int{2, 4, 5}, Partition: part, Order: asc}, []string{"30", "NULL", "0", "0", "0", "0"}},
		{"running sum, peers together", WindowFunc{Name: "sum", Args: []int{2}, Partition: part, Order: asc}, []string{"10", "60", "60", "60", "5", "12"}},
		{"sum of the partition", WindowFunc{Name: "sum", Args: []int{2}, Partition: part}, []string{"60", "60", "60", "60", "12", "12"}},
		{"count rows 1 preceding", WindowFunc{Name: "count", Args: []int{2}, Partition: part, Order: asc, Frame: rows3(between(prec(1), cur))}, []string{"1", "2", "2", "1", "1", "2"}},
		{"count(*) rows current to unbounded", WindowFunc{Name: "count", Partition: part, Order: asc, Frame: rows3(between(cur, uf))}, []string{"4", "3", "2", "1", "2", "1"}},
		{"max range 1 preceding", WindowFunc{Name: "max", Args: []int{2}, Partition: part, Order: asc, Frame: between(prec(1), cur)}, []string{"10", "30", "30", "NULL", "5", "7"}},
		{"min range 1 following to unbounded", WindowFunc{Name: "min", Args: []int{2}, Partition: part, Order: asc, Frame: between(foll(1), uf)}, []string{"20", "NULL", "NULL", "NULL", "7", "NULL"}},
		{"avg rows 1 around", WindowFunc{Name: "avg", Args: []int{2}, Partition: part, Order: asc, Frame: rows3(between(prec(1), foll(1)))}, []string{"15.0", "20.0", "25.0", "30.0", "6.0", "6.0"}},
		{"first_value", WindowFunc{Name: "first_value", Args: []int{2}, Partition: part, Order: asc}, []string{"10", "10", "10", "10", "5", "5"}},
		{"last_value default frame", WindowFunc{Name: "last_value", Args: []int{2}, Partition: part, Order: asc}, []string{"10", "30", "30", "NULL", "5", "7"}},
		{"nth_value 2 whole partition", WindowFunc{Name: "nth_value", Args: []int{2, 4}, Partition: part, Order: asc, Frame: between(up, uf)}, []string{"20", "20", "20", "20", "7", "7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Column 3 is 3, column 4 is 2 (or the offset), column 5 is 0.
			in := make([]string, len(rows))
			want := make([]string, len(rows))
			for i, r := range rows {
				in[i] = r + "|3|2|0"
				want[i] = in[i] + "|" + tt.want[i]
			}
			f := tt.f
			if f.Name == "nth_value" {
				f.Args = []int{2, 4}
			}
			if f.Name == "lead" {
				// LEAD(v, 2, 0)
				f.Args = []int{2, 4, 5}
			}
			src := lit(t, "g:TEXT o:INTEGER v:INTEGER n:INTEGER k:INTEGER z:INTEGER", in...)
			w := NewWindow(src, []WindowFunc{f}, eval.SQLite)
			wantRows(t, w, want...)
			checkClosedOnce(t, src)
		})
	}
}

func TestWindowNthValueAndDescendingRange(t *testing.T) {
	src := lit(t, "o:INTEGER v:INTEGER n:INTEGER", "1|10|2", "2|20|2", "4|40|2", "5|50|2")
	desc := []eval.SortKey{{Col: 0, Desc: true, Nulls: eval.NullsLast}}
	w := NewWindow(src, []WindowFunc{
		{Name: "nth_value", Args: []int{1, 2}, Order: desc, Frame: Frame{Start: FrameBound{Kind: UnboundedPreceding}, End: FrameBound{Kind: UnboundedFollowing}}},
		{Name: "sum", Args: []int{1}, Order: desc, Frame: Frame{Start: FrameBound{Kind: Preceding, N: 1}, End: FrameBound{Kind: Following, N: 1}}},
	}, eval.SQLite)
	wantRows(t, w, "1|10|2|40|30", "2|20|2|40|30", "4|40|2|40|90", "5|50|2|40|90")
}

func TestWindowPostgreSQLTypes(t *testing.T) {
	src := lit(t, "o:INT4 v:INT4", "1|1", "2|2", "3|2")
	asc := []eval.SortKey{{Col: 0, Nulls: eval.NullsFirst}}
	w := NewWindow(src, []WindowFunc{{Name: "sum", Args: []int{1}, Order: asc}, {Name: "avg", Args: []int{1}, Order: asc}}, eval.PostgreSQL)
	cols := w.Columns()
	if cols[2].DatabaseType != "INT8" || cols[3].DatabaseType != "NUMERIC" {
		t.Errorf("SUM and AVG of INT4 are %s and %s, want INT8 and NUMERIC", cols[2].DatabaseType, cols[3].DatabaseType)
	}
	wantRows(t, w, "1|1|1|1.00000000000000000000", "2|2|3|1.5000000000000000", "3|2|5|1.6666666666666667")
}

func TestWindowRangeOffsetNeedsOneOrderKey(t *testing.T) {
	src := lit(t, "o:INTEGER", "1")
	w := NewWindow(src, []WindowFunc{{Name: "count", Frame: Frame{Start: FrameBound{Kind: Preceding, N: 1}, End: FrameBound{Kind: CurrentRow}}}}, eval.SQLite)
	var se *specError
	if _, err := w.Next(); !errors.As(err, &se) {
		t.Fatalf("Next: %v, want a spec error", err)
	}
}

// Once a real value has entered SQLite's sliding SUM, the sum is a float
// for the rest of the partition, though the frame holds integers only.
func TestWindowSQLiteSumStaysFloatOnceARealEntered(t *testing.T) {
	src := lit(t, "o:INTEGER v:", "1|1", "2|1.5", "3|2", "4|3")
	asc := []eval.SortKey{{Col: 0, Nulls: eval.NullsFirst}}
	cur := FrameBound{Kind: CurrentRow}
	w := NewWindow(src, []WindowFunc{
		{Name: "sum", Args: []int{1}, Order: asc, Frame: Frame{Unit: FrameRows, Start: cur, End: cur}},
	}, eval.SQLite)
	wantRows(t, w, "1|1|1", "2|1.5|1.5", "3|2|2.0", "4|3|3.0")
}
