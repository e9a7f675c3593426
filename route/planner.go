package route

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"

	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// Planner turns SQL text into plans and caches them.
type Planner struct {
	vs    *vschema.VSchema
	topo  *shard.Topology
	cache *planCache
	seqs  *sequences
	// maxMemoryRows bounds the rows an operator holds (see
	// WithMaxMemoryRows).
	maxMemoryRows int64
	// joinBatch is the outer rows a join binds per run of its inner
	// side (see WithJoinBatch).
	joinBatch int
	// joinHash is the join_hash mode (see WithJoinHash).
	joinHash string
	// held are the relations the router holds while the statement being
	// planned runs, by the lower-cased table name that reads them (see
	// held.go); nil for the planner of the connection.
	held map[string]*heldRel
}

// Option configures a Planner.
type Option func(*Planner)

// NewPlanner returns a planner over a VSchema and its topology, caching up
// to cacheSize plans (0 means DefaultPlanCacheSize; negative disables the
// cache).
func NewPlanner(vs *vschema.VSchema, topo *shard.Topology, cacheSize int, opts ...Option) *Planner {
	if cacheSize == 0 {
		cacheSize = DefaultPlanCacheSize
	}
	p := &Planner{vs: vs, topo: topo, cache: newPlanCache(cacheSize), seqs: newSequences()}
	for _, o := range opts {
		o(p)
	}
	return p
}

// DefaultPlanCacheSize is the plan cache's size when none is configured.
const DefaultPlanCacheSize = 1000

// DefaultMaxMemoryRows bounds the rows an operator holds when none is
// configured (VTGate's max_memory_rows).
const DefaultMaxMemoryRows = 300000

// WithMaxMemoryRows bounds the rows an operator of a plan may hold in
// memory (0 means DefaultMaxMemoryRows): a sort the shards cannot do, the
// deduplication of a UNION across shards.
func WithMaxMemoryRows(n int) Option {
	return func(p *Planner) {
		if n > 0 {
			p.maxMemoryRows = int64(n)
		}
	}
}

// WithJoinBatch sets the number of outer rows a join across shards binds
// into one run of its inner side (0 means DefaultJoinBatch).
func WithJoinBatch(n int) Option {
	return func(p *Planner) {
		if n > 0 {
			p.joinBatch = n
		}
	}
}

// The modes of WithJoinHash.
const (
	// JoinHashAuto hashes the inner side of an equality join when both
	// sides are scatters and the key routes the inner side nowhere in
	// particular.
	JoinHashAuto = ""
	// JoinHashAlways hashes the inner side of every join on equalities
	// alone.
	JoinHashAlways = "always"
	// JoinHashNever always binds batches of outer keys.
	JoinHashNever = "never"
)

// WithJoinHash sets when a join across shards reads its inner side once
// into a hash table instead of binding batches of outer keys into it.
func WithJoinHash(mode string) Option {
	return func(p *Planner) {
		if mode == "auto" {
			mode = JoinHashAuto
		}
		p.joinHash = mode
	}
}

// memoryRows returns the bound on rows an operator holds.
func (p *Planner) memoryRows() int64 {
	if p.maxMemoryRows <= 0 {
		return DefaultMaxMemoryRows
	}
	return p.maxMemoryRows
}

// VSchema returns the planner's VSchema.
func (p *Planner) VSchema() *vschema.VSchema { return p.vs }

// Topology returns the planner's topology.
func (p *Planner) Topology() *shard.Topology { return p.topo }

// Plan returns the plan of a statement for a session, from the cache when
// the same text was planned for the same session target before.
func (p *Planner) Plan(sql string, s *Session) (Plan, error) {
	ck := cacheKey(sql, s)
	if pl, ok := p.cache.get(ck); ok {
		return pl, nil
	}
	pl, err := p.build(sql, s)
	if err != nil {
		return nil, err
	}
	p.cache.put(ck, pl)
	return pl, nil
}

// CacheLen returns how many plans the cache holds.
func (p *Planner) CacheLen() int { return p.cache.len() }

func cacheKey(sql string, s *Session) planKey {
	k := planKey{keyspace: s.Keyspace, shard: s.Shard, sql: sql}
	if s.KeyRange != nil {
		k.keyRange = s.KeyRange.String()
	}
	return k
}

// build plans a statement. Comments before its first word may hold
// directives for the whole statement.
func (p *Planner) build(sql string, s *Session) (Plan, error) {
	text := strings.TrimSpace(sql)
	text = strings.TrimRight(text, "; \t\r\n")
	lead, text := leadingComments(text)
	pl, err := p.buildText(text, s)
	if err != nil || len(lead) == 0 {
		return pl, err
	}
	return applyDirectives(lead, pl)
}

// buildText plans a statement without leading comments.
func (p *Planner) buildText(text string, s *Session) (Plan, error) {
	if pl, ok, err := p.buildSpecial(text, s); ok || err != nil {
		return pl, err
	}
	if isDDL(text) {
		return p.planDDL(text, s)
	}
	if hasNestedWith(text) {
		inlined, err := inlineNestedWith(text)
		if err != nil {
			return nil, err
		}
		text = inlined
	}
	if wtext, ok, err := readWindows(text); err != nil {
		return nil, err
	} else if ok {
		return shownWindows(p.planWindowText(text, wtext, s))
	}
	if startsWithWith(text) {
		return p.planWith(text, 0, s)
	}
	stmt, err := Parse(text)
	if err != nil {
		if at := insertWithAt(text); at > 0 {
			return p.planWith(text, at, s)
		}
		if uerr := unsupportedSyntax(text); uerr != nil {
			return nil, uerr
		}
		return nil, err
	}
	pl, err := p.buildStatement(text, stmt, s)
	if err != nil {
		return nil, err
	}
	return withDirectives(stmt, pl)
}

// Parse parses one statement of the Vitess/MySQL dialect. A panic of the
// parser becomes a syntax error; DDL the parser only partly understands is
// an error, never a statement half-read.
func Parse(sql string) (stmt sqlparser.Statement, err error) {
	defer func() {
		if r := recover(); r != nil {
			stmt, err = nil, &SyntaxError{SQL: sql, Msg: fmt.Sprint(r)}
		}
	}()
	stmt, err = sqlparser.ParseStrictDDL(sql)
	if err != nil {
		return nil, &SyntaxError{SQL: sql, Msg: err.Error()}
	}
	return stmt, nil
}

func (p *Planner) buildStatement(sql string, stmt sqlparser.Statement, s *Session) (Plan, error) {
	nargs := countArgs(stmt)
	switch st := stmt.(type) {
	case *sqlparser.Use:
		return planUse(p, st.DBName.String())
	case *sqlparser.Show:
		return p.planShow(st, sql, s)
	case *sqlparser.Set:
		return planSet(st)
	case *sqlparser.Begin, *sqlparser.Commit, *sqlparser.Rollback:
		return nil, planErrorf("transaction statements are handled by the connection")
	}
	if sel, ok := stmt.(sqlparser.SelectStatement); ok {
		if tables, ok, err := infoSchemaTables(sel); (ok || err != nil) && selectHasWindow(sel) {
			return nil, unsupportedf("window functions over information_schema")
		} else if ok || err != nil {
			if err != nil {
				return nil, err
			}
			return p.planInformationSchema(sel, tables, nargs, s)
		}
	}
	nameItemsByText(sql, stmt)
	if s.Targeted() {
		return p.planTargeted(stmt, s, nargs)
	}
	if sel, ok := stmt.(*sqlparser.Select); ok && ownWindows(sel) {
		return p.planWindows(sel, s, nargs)
	}
	switch stmt.(type) {
	case *sqlparser.Update, *sqlparser.Delete:
		if hasWindow(stmt) {
			return p.planWindowWrite(stmt, s, nargs)
		}
	}
	if sel, ok := stmt.(*sqlparser.Select); ok {
		if pl, ok, err := p.planVindexTable(sel, s, nargs); ok || err != nil {
			return pl, err
		}
	}
	switch st := stmt.(type) {
	case sqlparser.SelectStatement:
		return p.planSelect(st, s, nargs)
	case *sqlparser.Insert:
		return p.planInsert(st, s, nargs)
	case *sqlparser.Update:
		return p.planUpdate(st, s, nargs)
	case *sqlparser.Delete:
		return p.planDelete(st, s, nargs)
	case *sqlparser.DBDDL:
		return nil, unsupportedf("CREATE/DROP DATABASE: keyspaces are defined by the vschema")
	case *sqlparser.Stream:
		return nil, unsupportedf("STREAM")
	default:
		return nil, unsupportedf("statement %q", firstWords(sql, 3))
	}
}

// countArgs returns the number of ? placeholders: sqlparser names them
// :v1, :v2, … in text order.
func countArgs(stmt sqlparser.SQLNode) int {
	n := 0
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if v, ok := node.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg {
			if i, ok := argIndex(string(v.Val)); ok && i+1 > n {
				n = i + 1
			}
		}
		return true, nil
	}, stmt)
	return n
}

// argIndex returns the zero-based index of a :vN placeholder.
func argIndex(name string) (int, bool) {
	if !strings.HasPrefix(name, ":v") {
		return 0, false
	}
	i, err := strconv.Atoi(name[2:])
	if err != nil || i < 1 {
		return 0, false
	}
	return i - 1, true
}

func firstWords(sql string, n int) string {
	f := strings.Fields(sql)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}
