package dialect

import "github.com/xwb1989/sqlparser"

// backendAggregates are the aggregate functions of SQLite and PostgreSQL
// that MySQL (and so the parser's list) does not have. A call to one
// aggregates the rows, wherever it stands: a statement over several
// shards must merge it, or refuse it, rather than take each shard's
// result for a row.
var backendAggregates = map[string]bool{
	// SQLite
	"total": true, "json_group_array": true, "json_group_object": true,
	"jsonb_group_array": true, "jsonb_group_object": true, "median": true,
	// registered by the SQLite backend (SQLiteAggregates)
	"mysql_var_pop": true, "mysql_var_samp": true, "mysql_stddev_pop": true,
	"mysql_stddev_samp": true, "mysql_moments": true,
	// PostgreSQL
	"string_agg": true, "array_agg": true, "bool_and": true, "bool_or": true,
	"every": true, "json_agg": true, "jsonb_agg": true, "json_object_agg": true,
	"jsonb_object_agg": true, "xmlagg": true, "corr": true, "covar_pop": true,
	"covar_samp": true, "regr_avgx": true, "regr_avgy": true, "regr_count": true,
	"regr_intercept": true, "regr_r2": true, "regr_slope": true, "regr_sxx": true,
	"regr_sxy": true, "regr_syy": true, "percentile_cont": true,
	"percentile_disc": true, "mode": true, "range_agg": true, "range_intersect_agg": true,
	"any_value": true,
}

// IsAggregate reports whether f is an aggregate function: one of MySQL's
// (sqlparser.Aggregates) or of a backend's.
func IsAggregate(f *sqlparser.FuncExpr) bool {
	name := f.Name.Lowered()
	return f.Qualifier.IsEmpty() && (sqlparser.Aggregates[name] || backendAggregates[name])
}
