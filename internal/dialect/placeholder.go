package dialect

// PlaceholderAt returns the length in bytes of the placeholder that
// starts at sql[i] in the dialect's statements ('?' on SQLite, $n on
// PostgreSQL), 0 when none does; the caller skips quoted text. A numbered
// placeholder ($n) stands for the argument at index arg (n-1), and
// numbered reports one; '?' stands for the next argument in order.
func (d Dialect) PlaceholderAt(sql string, i int) (width, arg int, numbered bool) {
	switch d {
	case SQLite:
		if sql[i] == '?' {
			return 1, 0, false
		}
	case PostgreSQL:
		if sql[i] != '$' || i+1 >= len(sql) || sql[i+1] < '0' || sql[i+1] > '9' {
			return 0, 0, false
		}
		n, j := 0, i+1
		for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
			if n >= 0 && n < 1<<30 {
				n = n*10 + int(sql[j]-'0')
			} else {
				n = -1 // beyond any argument list
			}
			j++
		}
		if n > 0 {
			n--
		} else {
			n = -1
		}
		return j - i, n, true
	}
	return 0, 0, false
}
