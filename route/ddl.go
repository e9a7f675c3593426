package route

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dot-do/vitessdo/internal/dialect"
	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/merge"
	"github.com/dot-do/vitessdo/shard"
	"github.com/dot-do/vitessdo/vschema"
)

// ddlPlan runs DDL on every shard of the table's keyspace (reference and
// sharded tables alike have a copy of the table on each shard). It is not
// atomic across shards: when a shard fails, the error says which shards
// applied the statement.
type ddlPlan struct {
	p    *Planner
	ks   *vschema.Keyspace
	stmt dialect.DDLStatement
	mu   sync.Mutex
	tpls map[dialect.Dialect][]*dialect.Template
	// only restricts the statement to the shards a session targets
	// (USE ks:shard); nil means every shard of the keyspace.
	only    key.Destination
	dropped []string // foreign keys dropped, for VEXPLAIN
}

var _ Plan = (*ddlPlan)(nil)

// isDDL reports statements that are DDL by their first word.
func isDDL(sql string) bool {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return false
	}
	switch strings.ToLower(f[0]) {
	case "create", "drop", "alter", "truncate", "rename":
		return true
	}
	return false
}

// planDDL plans CREATE/DROP TABLE, CREATE/DROP INDEX, ALTER TABLE and
// TRUNCATE, read by the shard package's DDL recogniser (the pinned parser
// reads some of these only partly).
func (p *Planner) planDDL(sql string, s *Session) (Plan, error) {
	f := strings.Fields(strings.ToLower(sql))
	if len(f) >= 2 {
		switch f[1] {
		case "database", "schema":
			return nil, unsupportedf("CREATE/DROP DATABASE: keyspaces are defined by the vschema")
		case "view", "trigger", "procedure", "function", "event":
			return nil, unsupportedf("%s %s", strings.ToUpper(f[0]), strings.ToUpper(f[1]))
		}
	}
	if f[0] == "rename" {
		return nil, unsupportedf("RENAME TABLE: the vschema names the table; rename it there and recreate the table")
	}
	stmt, err := dialect.ParseDDL(sql)
	if err != nil {
		return nil, err
	}
	names := []string{stmt.TableName()}
	if dt, ok := stmt.(*dialect.DropTable); ok {
		names = dt.Tables
	}
	var ks *vschema.Keyspace
	for _, n := range names {
		qual, name := splitQualified(n)
		t, err := p.vs.FindTable(qual, name, s.Keyspace)
		if err != nil {
			return nil, err
		}
		if ks != nil && ks != t.Keyspace {
			return nil, unsupportedf("DROP TABLE of tables in different keyspaces (%s and %s)", ks.Name, t.Keyspace.Name)
		}
		ks = t.Keyspace
	}
	dp := &ddlPlan{p: p, ks: ks, stmt: stmt, tpls: map[dialect.Dialect][]*dialect.Template{}}
	if s.Targeted() {
		if s.Keyspace != ks.Name {
			return nil, planErrorf("DDL on %s while the session targets keyspace %s", ks.Name, s.Keyspace)
		}
		dp.only = key.DestinationShard(s.Shard)
		if s.KeyRange != nil {
			dp.only = key.DestinationKeyRange(*s.KeyRange)
		}
	}
	if err := dp.foreignKeys(); err != nil {
		return nil, err
	}
	unqualify(stmt)
	if mc, ok := stmt.(*dialect.ModifyColumn); ok {
		return &modifyColumnPlan{dp: dp, stmt: mc}, nil
	}
	return dp, nil
}

func splitQualified(name string) (string, string) {
	if q, n, ok := strings.Cut(name, "."); ok {
		return strings.Trim(q, "`"), strings.Trim(n, "`")
	}
	return "", name
}

// unqualify removes keyspace qualifiers from the statement's table names.
func unqualify(stmt dialect.DDLStatement) {
	strip := func(n string) string { _, t := splitQualified(n); return t }
	switch st := stmt.(type) {
	case *dialect.CreateTable:
		st.Table = strip(st.Table)
		for _, fk := range st.ForeignKeys {
			fk.RefTable = strip(fk.RefTable)
		}
	case *dialect.DropTable:
		for i := range st.Tables {
			st.Tables[i] = strip(st.Tables[i])
		}
	case *dialect.TruncateTable:
		st.Table = strip(st.Table)
	case *dialect.CreateIndex:
		st.Table = strip(st.Table)
	case *dialect.DropIndex:
		st.Table = strip(st.Table)
	case *dialect.AddColumn:
		st.Table = strip(st.Table)
	case *dialect.DropColumn:
		st.Table = strip(st.Table)
	case *dialect.ModifyColumn:
		st.Table = strip(st.Table)
	case *dialect.AddForeignKey:
		st.Table = strip(st.Table)
		st.ForeignKey.RefTable = strip(st.ForeignKey.RefTable)
	}
}

// foreignKeys keeps a FOREIGN KEY only where every shard can enforce it
// alone: in an unsharded keyspace, towards a reference table of the same
// keyspace, or between tables sharded by the same vindex on the key's
// columns (the referenced row is on the referencing row's shard). Other
// foreign keys of a sharded keyspace are dropped: enforcing them would
// need a read on another shard for every write.
func (dp *ddlPlan) foreignKeys() error {
	var fks []*dialect.ForeignKey
	var table string
	switch st := dp.stmt.(type) {
	case *dialect.CreateTable:
		fks, table = st.ForeignKeys, st.Table
	case *dialect.AddForeignKey:
		fks, table = []*dialect.ForeignKey{st.ForeignKey}, st.Table
	default:
		return nil
	}
	var keep []*dialect.ForeignKey
	for _, fk := range fks {
		if dp.enforceable(table, fk) {
			keep = append(keep, fk)
		} else {
			dp.dropped = append(dp.dropped, fmt.Sprintf("%s(%s) REFERENCES %s(%s)", table, strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", ")))
		}
	}
	switch st := dp.stmt.(type) {
	case *dialect.CreateTable:
		st.ForeignKeys = keep
	case *dialect.AddForeignKey:
		if len(keep) == 0 {
			st.ForeignKey = nil
		}
	}
	return nil
}

func (dp *ddlPlan) enforceable(table string, fk *dialect.ForeignKey) bool {
	refKs, refName := splitQualified(fk.RefTable)
	if refKs != "" && refKs != dp.ks.Name {
		return false // the referenced table is in another keyspace's databases
	}
	_, table = splitQualified(table)
	if !dp.ks.Sharded {
		return true
	}
	ref := dp.ks.Tables[strings.ToLower(refName)]
	if ref == nil {
		return false
	}
	if ref.Type == vschema.TypeReference {
		return true
	}
	t := dp.ks.Tables[strings.ToLower(table)]
	if t == nil || !t.IsSharded() || !ref.IsSharded() {
		return false
	}
	tp, rp := t.Primary(), ref.Primary()
	if tp.Vindex != rp.Vindex || len(tp.Columns) != 1 || len(fk.Columns) != 1 || len(fk.RefColumns) != 1 {
		return false
	}
	return strings.EqualFold(fk.Columns[0], tp.Columns[0]) && strings.EqualFold(fk.RefColumns[0], rp.Columns[0])
}

// templates renders the statement for a dialect once.
func (dp *ddlPlan) templates(d dialect.Dialect) ([]*dialect.Template, error) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if t, ok := dp.tpls[d]; ok {
		return t, nil
	}
	if afk, ok := dp.stmt.(*dialect.AddForeignKey); ok && afk.ForeignKey == nil {
		dp.tpls[d] = nil
		return nil, nil
	}
	t, err := dialect.RenderDDL(d, dp.stmt)
	if err != nil {
		return nil, err
	}
	dp.tpls[d] = t
	return t, nil
}

func (dp *ddlPlan) NumArgs() int { return 0 }

func (dp *ddlPlan) Query(ctx context.Context, vc Cursor, args []any) (merge.Iterator, error) {
	return queryByExec(ctx, dp, vc, args)
}

// shards returns the shards the statement runs on.
func (dp *ddlPlan) shards() ([]*shard.Shard, error) {
	if dp.only == nil {
		return dp.p.topo.Shards(dp.ks.Name), nil
	}
	shards, err := dp.p.topo.Resolve(dp.ks.Name, dp.only)
	if err != nil {
		return nil, planErrorf("%v", err)
	}
	return shards, nil
}

// shardQueries returns, per shard, the statements to run in order.
func (dp *ddlPlan) shardQueries(shards []*shard.Shard) ([][]ShardQuery, error) {
	out := make([][]ShardQuery, len(shards))
	for i, sh := range shards {
		tpls, err := dp.templates(sh.Backend.Dialect)
		if err != nil {
			return nil, err
		}
		for _, t := range tpls {
			sql, args, err := t.Bind(nil)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], ShardQuery{Shard: sh, SQL: sql, Args: args})
		}
	}
	return out, nil
}

func (dp *ddlPlan) Explain(ctx context.Context, vc Cursor, args []any) ([]ExplainRow, error) {
	shards, err := dp.shards()
	if err != nil {
		return nil, err
	}
	per, err := dp.shardQueries(shards)
	if err != nil {
		return nil, err
	}
	var rows []ExplainRow
	for _, qs := range per {
		rows = append(rows, explainRows(qs)...)
	}
	return rows, nil
}

// Exec runs the statements on every shard: statement k on all shards in
// parallel, then statement k+1 on the shards where k succeeded.
func (dp *ddlPlan) Exec(ctx context.Context, vc Cursor, args []any) (Result, error) {
	if vc.Session().InTransaction {
		return Result{}, unsupportedf("DDL inside a transaction: commit or roll back first")
	}
	shards, err := dp.shards()
	if err != nil {
		return Result{}, err
	}
	per, err := dp.shardQueries(shards)
	if err != nil {
		return Result{}, err
	}
	if _, ok := dp.stmt.(*dialect.CreateTable); ok {
		if err := dp.ensureRecords(ctx, shards); err != nil {
			return Result{}, err
		}
	}
	failed := map[int]error{}
	for k := 0; ; k++ {
		var round []ShardQuery
		var idx []int
		for i, qs := range per {
			if k < len(qs) && failed[i] == nil {
				round = append(round, qs[k])
				idx = append(idx, i)
			}
		}
		if len(round) == 0 {
			break
		}
		results, err := vc.ExecShards(ctx, round)
		if err != nil {
			// ExecShards joins the errors; find which shards failed.
			for j, q := range round {
				if e := shardErr(err, q.Shard); e != nil {
					failed[idx[j]] = e
				}
			}
			if len(failed) == 0 {
				return Result{}, err
			}
		}
		_ = results
	}
	for _, sh := range shards {
		sh.Backend.ForgetSchema()
	}
	dp.p.cache.clear()
	if len(failed) == 0 {
		return Result{}, nil
	}
	de := &DDLError{}
	for i, sh := range shards {
		if e := failed[i]; e != nil {
			de.Failed = append(de.Failed, sh.String())
			de.Errs = append(de.Errs, e)
		} else {
			de.Applied = append(de.Applied, sh.String())
		}
	}
	return Result{}, de
}

// shardErr finds the error of one shard in the joined errors of a round.
func shardErr(err error, sh *shard.Shard) error {
	var joined interface{ Unwrap() []error }
	list := []error{err}
	if errors.As(err, &joined) {
		list = joined.Unwrap()
	}
	for _, e := range list {
		var se *shard.Error
		if errors.As(e, &se) && se.Keyspace == sh.Keyspace && se.Shard == sh.Name {
			return e
		}
	}
	return nil
}
