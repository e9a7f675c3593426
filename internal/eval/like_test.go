package eval

import "testing"

// The expectations are what SQLite's LIKE … ESCAPE and PostgreSQL's
// ILIKE … ESCAPE return, over a COLLATE "C" operand (pgC) and over text
// of the database's default collation (pg).
func TestLikeMatchesAsEachEngine(t *testing.T) {
	tests := []struct {
		value, pattern, escape any
		sqlite, pgC, pg        any
	}{
		{"app", "app%", "\\", int64(1), true, true},
		{"APP_archive", "app\\_%", "\\", int64(1), true, true},
		{"app_archive", "app\\_%", "\\", int64(1), true, true},
		{"App", "app", "\\", int64(1), true, true},
		{"Ärger", "ärger", "\\", int64(0), false, true},
		{"Ärger", "_rger", "\\", int64(1), true, true},
		{"main", "%a%", "\\", int64(1), true, true},
		{"main", "m_n", "\\", int64(0), false, false},
		{"", "%", "\\", int64(1), true, true},
		{"x", "", "\\", int64(0), false, false},
		{"a\\b", "a\\b", "\\", int64(0), false, false},
		{"a\\b", "a\\\\b", "\\", int64(1), true, true},
		{"ab", "ab\\", "\\", int64(0), false, false},
		{"a", "a\\", "\\", int64(0), false, false},
		{"abc", "a%\\", "\\", int64(0), "error", "error"},
		{"abc", "%\\", "\\", int64(0), "error", "error"},
		{"a%", "a!%", "!", int64(1), true, true},
		{"ab", "a!%", "!", int64(0), false, false},
		{"a%b", "a%%b", "%", int64(1), true, true},
		{"a%", "a%%", "%", int64(1), true, true},
		{"a_", "a__", "_", int64(1), true, true},
		{"ab", "a__", "_", int64(0), false, false},
		{"a.c", "a_c", "", "error", true, true},
		{"a\\c", "a\\c", "", "error", true, true},
		{"A", "a", "", "error", true, true},
		{"abc", "%b%", "", "error", true, true},
		{"abc", "%B_", "", "error", true, true},
		{"aXbXc", "%x_x%", "\\", int64(1), true, true},
		{"日本", "__", "\\", int64(1), true, true},
		{"日本", "_", "\\", int64(0), false, false},
		{"abc", "ab\\", "\\", int64(0), "error", "error"},
		{"abc", "a\\_c", "\\", int64(0), false, false},
		{"a_c", "a\\_c", "\\", int64(1), true, true},
		{"a_c", "A\\_C", "\\", int64(1), true, true},
		{"ßx", "SSx", "\\", int64(0), false, false},
		{"éa", "É_", "\\", int64(0), false, true},
		{"Éa", "é%", "\\", int64(0), false, true},
		{"xaXb", "%xb", "x", int64(1), true, true},
		{"xaXb", "%Xb", "X", int64(1), true, true},
		{"a%b", "a\\%b", "!", int64(0), false, false},
		{"a\\%b", "a\\%b", "!", int64(1), true, true},
		{int64(120), "12%", `\`, int64(1), "error", "error"},
		{2.5, "2._", `\`, int64(1), "error", "error"},
		{"a\x00b", "a", `\`, int64(1), false, false},
		{nil, "%", `\`, nil, nil, nil},
		{"x", nil, `\`, nil, nil, nil},
		{"x", "x", nil, nil, nil, nil},
		{nil, "x", "ab", "error", nil, nil},
		{"x", "x", "ab", "error", "error", "error"},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			eng   Engine
			ascii bool
			want  any
		}{{SQLite, true, tt.sqlite}, {PostgreSQL, true, tt.pgC}, {PostgreSQL, false, tt.pg}} {
			e := LikeEscape(Lit(tt.value), Lit(tt.pattern), Lit(tt.escape), c.ascii)
			ev := NewEvaluator(c.eng, nil)
			if err := ev.Check(&e); err != nil {
				if c.want != "error" {
					t.Errorf("%q LIKE %q ESCAPE %q on %v (ASCII %v): %v", tt.value, tt.pattern, tt.escape, c.eng, c.ascii, err)
				}
				continue
			}
			got, err := ev.Value(&e, nil)
			if c.want == "error" {
				if err == nil {
					t.Errorf("%q LIKE %q ESCAPE %q on %v (ASCII %v) = %v, want an error", tt.value, tt.pattern, tt.escape, c.eng, c.ascii, got)
				}
				continue
			}
			if err != nil {
				t.Errorf("%q LIKE %q ESCAPE %q on %v (ASCII %v): %v", tt.value, tt.pattern, tt.escape, c.eng, c.ascii, err)
				continue
			}
			if got != c.want {
				t.Errorf("%q LIKE %q ESCAPE %q on %v (ASCII %v) = %v, want %v", tt.value, tt.pattern, tt.escape, c.eng, c.ascii, got, c.want)
			}
		}
	}
}
