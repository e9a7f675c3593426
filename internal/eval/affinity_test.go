package eval

import "testing"

// Results as SQLite 3.53 and PostgreSQL 15 give them for the same
// comparisons over a column and a literal.
func TestComparisonsConvertLikeTheEngine(t *testing.T) {
	cols := []Column{{Name: "qty", DatabaseType: "INTEGER"}, {Name: "grp", DatabaseType: "TEXT"}, {Name: "expr"}}
	row := Row{int64(7), "5", int64(7)}
	tests := []struct {
		name string
		eng  Engine
		e    Expr
		want any
	}{
		{"integer column against numeric text", SQLite, Gt(Col(0), Lit("5")), int64(1)},
		{"integer column against text with spaces", SQLite, Eq(Col(0), Lit(" 7 ")), int64(1)},
		{"integer column against non-numeric text", SQLite, Lt(Col(0), Lit("5x")), int64(1)},
		{"text column against a number", SQLite, Eq(Col(1), Lit(5)), int64(1)},
		{"no affinity: a number is below any text", SQLite, Gt(Col(2), Lit("5")), int64(0)},
		{"literal against literal: no conversion", SQLite, Eq(Lit(7), Lit("7")), int64(0)},
		{"pg string literal takes the integer's type", PostgreSQL, Gt(Col(2), Lit("5")), true},
		{"pg string literal against a float", PostgreSQL, Eq(Lit(2.5), Lit("2.5")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, tt.eng, cols, row, tt.e)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
