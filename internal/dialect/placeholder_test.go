package dialect

import "testing"

func TestPlaceholderAtFindsTheDialectsPlaceholders(t *testing.T) {
	tests := []struct {
		d        Dialect
		sql      string
		i        int
		width    int
		arg      int
		numbered bool
	}{
		{SQLite, "a = ?", 4, 1, 0, false},
		{SQLite, "a = $1", 4, 0, 0, false},
		{PostgreSQL, "a = ?", 4, 0, 0, false},
		{PostgreSQL, "a = $1", 4, 2, 0, true},
		{PostgreSQL, "a = $12)", 4, 3, 11, true},
		{PostgreSQL, "a = $0", 4, 2, -1, true},
		{PostgreSQL, "a = $", 4, 0, 0, false},
		{PostgreSQL, "a = $x", 4, 0, 0, false},
	}
	for _, tt := range tests {
		w, arg, numbered := tt.d.PlaceholderAt(tt.sql, tt.i)
		if w != tt.width || w > 0 && (arg != tt.arg || numbered != tt.numbered) {
			t.Errorf("%v.PlaceholderAt(%q, %d) = %d, %d, %v; want %d, %d, %v", tt.d, tt.sql, tt.i, w, arg, numbered, tt.width, tt.arg, tt.numbered)
		}
	}
}
