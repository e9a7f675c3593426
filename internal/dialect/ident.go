package dialect

import (
	"bytes"
	"strings"
)

// QuoteIdent returns name quoted as an identifier of the dialect, its case
// kept: for statements built from a backend's own catalog names, which
// are already as the backend stores them.
func (d Dialect) QuoteIdent(name string) (string, error) {
	var buf bytes.Buffer
	if err := d.writeIdent(&buf, name); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Placeholder returns the dialect's n-th bind placeholder (1-based): ?
// for SQLite, $n for PostgreSQL.
func (d Dialect) Placeholder(n int) string {
	var b strings.Builder
	writePlaceholder(&b, d, n)
	return b.String()
}
