package txn

import (
	"database/sql"
	"strings"
	"unicode"
)

// Kind is the kind of a transaction statement given as SQL text.
type Kind int

// The kinds of transaction statements.
const (
	KindInvalid Kind = iota
	KindBegin
	KindCommit
	KindRollback
	KindSavepoint
	KindRollbackTo
	KindRelease
)

// Statement is a transaction statement given as SQL text.
type Statement struct {
	Kind Kind
	// Name is the savepoint, or what is not understood (KindInvalid).
	Name      string
	ReadOnly  bool
	Isolation sql.IsolationLevel
}

// ParseControl recognises transaction statements, which the parser does not
// fully know (SAVEPOINT, RELEASE, ROLLBACK TO) and which act on the
// connection rather than on shards:
//
//	BEGIN [WORK | TRANSACTION] [modes]
//	START TRANSACTION [modes]
//	COMMIT [WORK | TRANSACTION]
//	ROLLBACK [WORK | TRANSACTION]
//	ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name
//	SAVEPOINT name
//	RELEASE [SAVEPOINT] name
//
// where modes, separated by commas or spaces, are READ ONLY, READ WRITE
// and ISOLATION LEVEL {READ UNCOMMITTED | READ COMMITTED | REPEATABLE
// READ | SNAPSHOT | SERIALIZABLE}.
func ParseControl(query string) (Statement, bool) {
	if !controlWord(query) {
		return Statement{}, false
	}
	q := strings.TrimRight(strings.TrimSpace(query), "; \t\r\n")
	f := strings.Fields(strings.ReplaceAll(q, ",", " , "))
	if len(f) == 0 {
		return Statement{}, false
	}
	w := strings.ToLower(f[0])
	rest := lowerAll(f[1:])
	switch w {
	case "begin":
		if len(rest) > 0 && (rest[0] == "work" || rest[0] == "transaction") {
			rest = rest[1:]
		}
		return beginStatement(rest), true
	case "start":
		if len(rest) == 0 || rest[0] != "transaction" {
			return Statement{}, false
		}
		return beginStatement(rest[1:]), true
	case "commit", "rollback":
		r := rest
		if len(r) > 0 && (r[0] == "work" || r[0] == "transaction") {
			r = r[1:]
		}
		switch {
		case len(r) == 0 && w == "commit":
			return Statement{Kind: KindCommit}, true
		case len(r) == 0:
			return Statement{Kind: KindRollback}, true
		case w == "rollback" && r[0] == "to":
			r = r[1:]
			if len(r) > 0 && r[0] == "savepoint" {
				r = r[1:]
			}
			if len(r) == 1 {
				return Statement{Kind: KindRollbackTo, Name: unquoteIdent(f[len(f)-1])}, true
			}
		}
		return Statement{Kind: KindInvalid, Name: q}, true
	case "savepoint":
		if len(rest) == 1 {
			return Statement{Kind: KindSavepoint, Name: unquoteIdent(f[1])}, true
		}
		return Statement{Kind: KindInvalid, Name: q}, true
	case "release":
		r := rest
		if len(r) > 0 && r[0] == "savepoint" {
			r = r[1:]
		}
		if len(r) == 1 {
			return Statement{Kind: KindRelease, Name: unquoteIdent(f[len(f)-1])}, true
		}
		return Statement{Kind: KindInvalid, Name: q}, true
	}
	return Statement{}, false
}

// controlWords are the words a transaction statement starts with.
var controlWords = [...]string{"begin", "start", "commit", "rollback", "savepoint", "release"}

// controlWord reports whether the query's first word may start a
// transaction statement, without allocating: every other statement (the
// hot path) is told apart by its first word.
func controlWord(query string) bool {
	q := strings.TrimLeftFunc(query, unicode.IsSpace)
	if end := strings.IndexFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }); end >= 0 {
		q = q[:end]
	}
	for _, w := range controlWords {
		if strings.EqualFold(q, w) {
			return true
		}
	}
	return false
}

// beginStatement reads the modes of BEGIN or START TRANSACTION.
func beginStatement(modes []string) Statement {
	st := Statement{Kind: KindBegin}
	invalid := func(i int) Statement {
		return Statement{Kind: KindInvalid, Name: "transaction mode " + strings.Join(modes[i:], " ")}
	}
	for i := 0; i < len(modes); {
		switch {
		case modes[i] == ",":
			i++
		case hasWords(modes[i:], "read", "only"):
			st.ReadOnly = true
			i += 2
		case hasWords(modes[i:], "read", "write"):
			i += 2
		case hasWords(modes[i:], "isolation", "level"):
			level, n := isolationLevel(modes[i+2:])
			if n == 0 {
				return invalid(i)
			}
			st.Isolation = level
			i += 2 + n
		default:
			return invalid(i)
		}
	}
	return st
}

func isolationLevel(words []string) (sql.IsolationLevel, int) {
	switch {
	case hasWords(words, "read", "uncommitted"):
		return sql.LevelReadUncommitted, 2
	case hasWords(words, "read", "committed"):
		return sql.LevelReadCommitted, 2
	case hasWords(words, "repeatable", "read"):
		return sql.LevelRepeatableRead, 2
	case hasWords(words, "snapshot"):
		return sql.LevelSnapshot, 1
	case hasWords(words, "serializable"):
		return sql.LevelSerializable, 1
	}
	return 0, 0
}

func hasWords(f []string, words ...string) bool {
	if len(f) < len(words) {
		return false
	}
	for i, w := range words {
		if f[i] != w {
			return false
		}
	}
	return true
}

func lowerAll(f []string) []string {
	out := make([]string, len(f))
	for i, s := range f {
		out[i] = strings.ToLower(s)
	}
	return out
}

func unquoteIdent(s string) string {
	if len(s) >= 2 && (s[0] == '`' && s[len(s)-1] == '`' || s[0] == '"' && s[len(s)-1] == '"') {
		return s[1 : len(s)-1]
	}
	return s
}
