package route

import (
	"strconv"
	"strings"
	"time"

	"github.com/xwb1989/sqlparser"
)

// timedPlan is a plan whose statement carries a /*vt+ QUERY_TIMEOUT_MS=n */
// comment directive: the statement's timeout, in place of the session's.
type timedPlan struct {
	Plan
	timeout time.Duration
}

// Timeout returns the timeout a statement's QUERY_TIMEOUT_MS directive
// sets, if it has one.
func Timeout(p Plan) (time.Duration, bool) {
	if tp, ok := p.(*timedPlan); ok {
		return tp.timeout, true
	}
	return 0, false
}

// withDirectives applies a statement's comment directives to its plan.
func withDirectives(stmt sqlparser.Statement, p Plan) (Plan, error) {
	var comments sqlparser.Comments
	switch st := stmt.(type) {
	case *sqlparser.Select:
		comments = st.Comments
	case *sqlparser.Insert:
		comments = st.Comments
	case *sqlparser.Update:
		comments = st.Comments
	case *sqlparser.Delete:
		comments = st.Comments
	case *sqlparser.Union:
		if s, ok := st.Left.(*sqlparser.Select); ok {
			comments = s.Comments
		}
	}
	return applyDirectives(comments, p)
}

// leadingComments splits the comments before a statement's first word
// from the statement, as Vitess accepts directives there
// (/*vt+ QUERY_TIMEOUT_MS=100 */ SELECT …). MySQL's executable comments
// (/*! … */) are part of the statement and stay.
func leadingComments(sql string) (sqlparser.Comments, string) {
	var comments sqlparser.Comments
	rest := strings.TrimSpace(sql)
	for strings.HasPrefix(rest, "/*") && !strings.HasPrefix(rest, "/*!") {
		end := strings.Index(rest[2:], "*/")
		if end < 0 {
			break
		}
		comments = append(comments, []byte(rest[:end+4]))
		rest = strings.TrimSpace(rest[end+4:])
	}
	return comments, rest
}

// applyDirectives applies the /*vt+ … */ directives among comments.
func applyDirectives(comments sqlparser.Comments, p Plan) (Plan, error) {
	for _, c := range comments {
		text := string(c)
		if !strings.HasPrefix(text, "/*vt+") {
			continue
		}
		for _, d := range strings.Fields(strings.TrimSuffix(strings.TrimPrefix(text, "/*vt+"), "*/")) {
			name, val, _ := strings.Cut(d, "=")
			if !strings.EqualFold(name, "QUERY_TIMEOUT_MS") {
				continue
			}
			ms, err := strconv.Atoi(val)
			if err != nil || ms < 0 {
				return nil, planErrorf("QUERY_TIMEOUT_MS=%s: want a number of milliseconds", val)
			}
			p = &timedPlan{Plan: p, timeout: time.Duration(ms) * time.Millisecond}
		}
	}
	return p, nil
}
