package vitessdo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
)

// txKind is a transaction statement given as SQL text.
type txKind int

const (
	txInvalid txKind = iota
	txBegin
	txCommit
	txRollback
	txSavepoint
	txRollbackTo
	txRelease
)

type txStatement struct {
	kind      txKind
	name      string // the savepoint, or what is not understood
	readOnly  bool
	isolation sql.IsolationLevel
}

// txControl recognises transaction statements, which the parser does not
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
func txControl(query string) (txStatement, bool) {
	q := strings.TrimRight(strings.TrimSpace(query), "; \t\r\n")
	f := strings.Fields(strings.ReplaceAll(q, ",", " , "))
	if len(f) == 0 {
		return txStatement{}, false
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
			return txStatement{}, false
		}
		return beginStatement(rest[1:]), true
	case "commit", "rollback":
		r := rest
		if len(r) > 0 && (r[0] == "work" || r[0] == "transaction") {
			r = r[1:]
		}
		switch {
		case len(r) == 0 && w == "commit":
			return txStatement{kind: txCommit}, true
		case len(r) == 0:
			return txStatement{kind: txRollback}, true
		case w == "rollback" && r[0] == "to":
			r = r[1:]
			if len(r) > 0 && r[0] == "savepoint" {
				r = r[1:]
			}
			if len(r) == 1 {
				return txStatement{kind: txRollbackTo, name: unquoteIdent(f[len(f)-1])}, true
			}
		}
		return txStatement{kind: txInvalid, name: q}, true
	case "savepoint":
		if len(rest) == 1 {
			return txStatement{kind: txSavepoint, name: unquoteIdent(f[1])}, true
		}
		return txStatement{kind: txInvalid, name: q}, true
	case "release":
		r := rest
		if len(r) > 0 && r[0] == "savepoint" {
			r = r[1:]
		}
		if len(r) == 1 {
			return txStatement{kind: txRelease, name: unquoteIdent(f[len(f)-1])}, true
		}
		return txStatement{kind: txInvalid, name: q}, true
	}
	return txStatement{}, false
}

// beginStatement reads the modes of BEGIN or START TRANSACTION.
func beginStatement(modes []string) txStatement {
	st := txStatement{kind: txBegin}
	invalid := func(i int) txStatement {
		return txStatement{kind: txInvalid, name: "transaction mode " + strings.Join(modes[i:], " ")}
	}
	for i := 0; i < len(modes); {
		switch {
		case modes[i] == ",":
			i++
		case hasWords(modes[i:], "read", "only"):
			st.readOnly = true
			i += 2
		case hasWords(modes[i:], "read", "write"):
			i += 2
		case hasWords(modes[i:], "isolation", "level"):
			level, n := isolationLevel(modes[i+2:])
			if n == 0 {
				return invalid(i)
			}
			st.isolation = level
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

// runTxControl runs BEGIN, COMMIT, ROLLBACK and the savepoint statements
// given as SQL text. They act like the database/sql calls. A transaction
// begun with BEGIN belongs to the connection, so use it through sql.Conn:
// on a *sql.DB the next statement may run on another connection, and a
// connection that goes back to the pool with its transaction open has it
// rolled back when it is next used (ResetSession).
func (c *conn) runTxControl(ctx context.Context, st txStatement) error {
	switch st.kind {
	case txInvalid:
		return fmt.Errorf("vitessdo: unsupported transaction statement %q", st.name)
	case txBegin:
		_, err := c.BeginTx(ctx, driver.TxOptions{Isolation: driver.IsolationLevel(st.isolation), ReadOnly: st.readOnly})
		return err
	case txCommit:
		if c.tx == nil {
			return nil
		}
		t := c.tx
		c.endTx()
		return noRetry(t.commit(ctx))
	case txRollback:
		if c.tx == nil {
			return nil
		}
		t := c.tx
		c.endTx()
		return noRetry(t.rollback(ctx))
	}
	if c.tx == nil {
		return errors.New("vitessdo: SAVEPOINT, ROLLBACK TO and RELEASE need a transaction")
	}
	return noRetry(c.tx.savepoint(ctx, st.kind, st.name))
}
