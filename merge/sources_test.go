package merge

import (
	"reflect"
	"testing"
)

// An SQLite shard that found no rows describes its columns without scan
// types; the merge takes them from the first shard that gives them.
func TestColumnsComeFromTheFirstSourceThatDescribesThem(t *testing.T) {
	str := reflect.TypeFor[string]()
	empty := Empty([]Column{{Name: "a"}, {Name: "b"}})
	full := NewStatic([]Column{{Name: "a", ScanType: str}, {Name: "b"}}, []Row{{"x", nil}})
	c := NewConcat([]Iterator{empty, full})
	cols := c.Columns()
	if cols[0].ScanType != str || cols[1].ScanType != nil || cols[0].Name != "a" {
		t.Errorf("columns %+v, want a's scan type from the second source", cols)
	}
	if empty.Columns()[0].ScanType != nil {
		t.Error("the first source's columns were modified")
	}
}
