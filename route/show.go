package route

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/merge"
)

// planShow answers SHOW KEYSPACES (DATABASES, SCHEMAS, VITESS_KEYSPACES),
// SHOW VITESS_SHARDS and SHOW [FULL] TABLES [FROM ks] [LIKE 'pattern'],
// as VTGate does. sql is the statement's text: the parser drops what
// follows SHOW DATABASES, so its LIKE is read from the text.
func (p *Planner) planShow(st *sqlparser.Show, sql string, s *Session) (Plan, error) {
	switch typ := strings.ToLower(st.Type); typ {
	case "keyspaces", "databases", "schemas", "vitess_keyspaces":
		like, err := showLike(sql)
		if err != nil {
			return nil, err
		}
		return p.showKeyspaces(typ != "keyspaces" && typ != "vitess_keyspaces", like), nil
	case "vitess_shards":
		return &staticPlan{cols: []string{"Shards"}, run: func(Cursor, []any) ([]merge.Row, error) {
			var rows []merge.Row
			for _, ks := range p.vs.KeyspaceNames() {
				for _, sh := range p.vs.Keyspace(ks).Shards {
					rows = append(rows, merge.Row{ks + "/" + sh})
				}
			}
			return rows, nil
		}}, nil
	case "tables":
		return p.showTables(st.ShowTablesOpt, s)
	}
	return nil, unsupportedf("SHOW %s", st.Type)
}

// showLikeRe finds the LIKE 'pattern' of a SHOW statement.
var (
	showLikeRe  = regexp.MustCompile(`(?is)\blike\s+'((?:[^'\\]|''|\\.)*)'\s*$`)
	showWhereRe = regexp.MustCompile(`(?is)\bwhere\b`)
)

// showLike returns the LIKE pattern of a SHOW statement ("" when none).
// A WHERE filter is refused rather than ignored.
func showLike(sql string) (*regexp.Regexp, error) {
	if showWhereRe.MatchString(sql) {
		return nil, unsupportedf("SHOW … WHERE: filter with LIKE 'pattern'")
	}
	m := showLikeRe.FindStringSubmatch(sql)
	if m == nil {
		if regexp.MustCompile(`(?is)\blike\b`).MatchString(sql) {
			return nil, planErrorf("SHOW … LIKE: want a quoted pattern, as LIKE 'ab%%'")
		}
		return nil, nil
	}
	return likePattern(strings.ReplaceAll(m[1], "''", "'")), nil
}

// likePattern compiles a SQL LIKE pattern (% and _, backslash escapes),
// matched without regard to case as MySQL's SHOW does.
func likePattern(pat string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?is)^")
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '\\' && i+1 < len(pat):
			i++
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// showKeyspaces lists the keyspaces; SHOW DATABASES also lists
// information_schema, the one system schema vitessdo answers.
func (p *Planner) showKeyspaces(databases bool, like *regexp.Regexp) Plan {
	return &staticPlan{cols: []string{"Database"}, run: func(Cursor, []any) ([]merge.Row, error) {
		names := p.vs.KeyspaceNames()
		if databases {
			names = append(names, infoSchemaName)
		}
		var rows []merge.Row
		for _, n := range names {
			if like == nil || like.MatchString(n) {
				rows = append(rows, merge.Row{n})
			}
		}
		return rows, nil
	}}
}

// showVSchemaTables lists the tables the VSchema gives the keyspace;
// without a keyspace, every keyspace's tables as keyspace.table.
func (p *Planner) showVSchemaTables(ksName string) Plan {
	return &staticPlan{cols: []string{"Tables"}, run: func(Cursor, []any) ([]merge.Row, error) {
		var names []string
		for _, n := range p.vs.KeyspaceNames() {
			if ksName != "" && n != ksName {
				continue
			}
			for _, t := range p.vs.Keyspace(n).Tables {
				if ksName == "" {
					names = append(names, n+"."+t.Name)
				} else {
					names = append(names, t.Name)
				}
			}
		}
		sort.Strings(names)
		rows := make([]merge.Row, len(names))
		for i, n := range names {
			rows[i] = merge.Row{n}
		}
		return rows, nil
	}}
}

// showTables lists the tables of a keyspace's databases, read from the
// catalog of its first shard as VTGate sends SHOW TABLES to one shard:
// tables the VSchema lists and tables an unsharded keyspace holds
// unlisted. FULL adds Table_type.
func (p *Planner) showTables(opt *sqlparser.ShowTablesOpt, s *Session) (Plan, error) {
	ksName := s.Keyspace
	full := false
	var filter *sqlparser.ShowFilter
	if opt != nil {
		if opt.DbName != "" {
			ksName = opt.DbName
		}
		full = opt.Full != ""
		filter = opt.Filter
	}
	if ksName == "" {
		return nil, planErrorf("SHOW TABLES: no keyspace selected: USE a keyspace, name one (SHOW TABLES FROM ks), or add keyspace= to the DSN")
	}
	if p.vs.Keyspace(ksName) == nil {
		return nil, planErrorf("SHOW TABLES FROM %s: keyspace %q not found in the vschema (keyspaces: %s)", ksName, ksName, strings.Join(p.vs.KeyspaceNames(), ", "))
	}
	var like *regexp.Regexp
	if filter != nil {
		if filter.Filter != nil {
			return nil, unsupportedf("SHOW TABLES … WHERE: filter with LIKE 'pattern'")
		}
		like = likePattern(filter.Like)
	}
	col := "Tables_in_" + ksName
	q := "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name"
	stmt, err := Parse(q)
	if err != nil {
		return nil, err
	}
	inner, err := p.planInformationSchema(stmt.(sqlparser.SelectStatement), []*infoTable{infoTables["tables"]}, 1, s)
	if err != nil {
		return nil, err
	}
	cols := []string{col}
	if full {
		cols = append(cols, "Table_type")
	}
	return &showTablesPlan{inner: inner, ks: ksName, cols: cols, like: like}, nil
}

// showTablesPlan answers SHOW TABLES from an information_schema.TABLES
// plan.
type showTablesPlan struct {
	inner Plan
	ks    string
	cols  []string // Tables_in_ks [, Table_type]
	like  *regexp.Regexp
}

var _ Plan = (*showTablesPlan)(nil)

func (sp *showTablesPlan) NumArgs() int { return 0 }

func (sp *showTablesPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	return execByQuery(ctx, sp, vc, args)
}

func (sp *showTablesPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	return sp.inner.Explain(ctx, vc, []any{sp.ks})
}

func (sp *showTablesPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	it, err := sp.inner.Query(ctx, vc, []any{sp.ks})
	if err != nil {
		return nil, err
	}
	all, err := merge.ReadAll(it)
	if err != nil {
		return nil, err
	}
	var rows []merge.Row
	for _, r := range all {
		name, _ := r[0].(string)
		if sp.like != nil && !sp.like.MatchString(name) {
			continue
		}
		rows = append(rows, r[:len(sp.cols)])
	}
	return merge.NewStatic(textColumns(sp.cols, rows), rows), nil
}
