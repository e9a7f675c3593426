package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRenameReportsTheStatementsNames(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  []string
	}{
		{"renamed", []string{"k", "a name longer than a backend keeps"}, []string{"k", "a name longer than a backend keeps"}},
		{"other column count keeps the source's", []string{"only"}, []string{"k", "n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := lit(t, "k:TEXT n:INTEGER", "a|1", "b|NULL")
			r := NewRename(src, tt.names)
			var got []string
			for _, c := range r.Columns() {
				got = append(got, c.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			wantRows(t, r, "a|1", "b|NULL") // and closes r
			checkClosedOnce(t, src)
		})
	}
}
