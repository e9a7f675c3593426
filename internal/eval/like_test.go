package eval

import "testing"

func TestLikeMatchesAsEachEngine(t *testing.T) {
	tests := []struct {
		value, pattern any
		sqlite, pg     any
	}{
		{"app", "app%", int64(1), true},
		{"APP_archive", "app\\_%", int64(0), false},
		{"app_archive", "app\\_%", int64(0), true},
		{"App", "app", int64(1), false},
		{"Ärger", "ärger", int64(0), false},
		{"Ärger", "_rger", int64(1), true},
		{"main", "%a%", int64(1), true},
		{"main", "m_n", int64(0), false},
		{"", "%", int64(1), true},
		{"x", "", int64(0), false},
		{int64(120), "12%", int64(1), "error"},
		{nil, "%", nil, nil},
		{"x", nil, nil, nil},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			eng  Engine
			want any
		}{{SQLite, tt.sqlite}, {PostgreSQL, tt.pg}} {
			e := Like(Lit(tt.value), Lit(tt.pattern))
			ev := NewEvaluator(c.eng, nil)
			if err := ev.Check(&e); err != nil {
				t.Fatal(err)
			}
			got, err := ev.Value(&e, nil)
			if c.want == "error" {
				if err == nil {
					t.Errorf("%v LIKE %v on %v = %v, want an error", tt.value, tt.pattern, c.eng, got)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v LIKE %v on %v: %v", tt.value, tt.pattern, c.eng, err)
			}
			if got != c.want {
				t.Errorf("%v LIKE %v on %v = %v, want %v", tt.value, tt.pattern, c.eng, got, c.want)
			}
		}
	}
}
