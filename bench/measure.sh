#!/bin/sh
# measure.sh re-runs every workload of the overhead table (README.md,
# "Overhead: a routed statement against one database") with the flags its
# figures were taken with, and prints, per benchmark and run, the ratio,
# the cpu-ratio and the allocations per operation of both sides. Each
# benchmark interleaves rounds of vitessdo and the single database in the
# same process (pair_test.go), so the two sides share the machine's load.
#
#   bench/measure.sh                     # every SQLite workload, 3 runs
#   COUNT=5 BENCHTIME=20000x bench/measure.sh
#   VITESSDO_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable bench/measure.sh
#   BENCH_DIR=/dev/shm/mine bench/measure.sh   # where the fixtures are built and kept
#   ONLY=scale bench/measure.sh                # one group: sqlite, cache, alone, scale, postgres
#
# The raw output of each group is kept in $OUT (default
# bench/measure-<time>/), next to the test binary that produced it.
set -eu

cd "$(dirname "$0")"
COUNT=${COUNT:-3}
BENCHTIME=${BENCHTIME:-10000x}
SCALETIME=${SCALETIME:-300x}
PGTIME=${PGTIME:-2000x}
ONLY=${ONLY:-}
OUT=${OUT:-measure-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
go test -c -o "$OUT/bench.test" .

# run NAME ARGS... runs one group of benchmarks and keeps its output.
run() {
	name=$1
	shift
	if [ -n "$ONLY" ] && [ "$ONLY" != "$name" ]; then
		return
	fi
	echo "== $name" >&2
	"$OUT/bench.test" -test.run '^$' -test.benchmem -test.count "$COUNT" \
		${BENCH_DIR:+-bench.dir "$BENCH_DIR"} "$@" >"$OUT/$name.txt" 2>&1 || {
		cat "$OUT/$name.txt" >&2
		exit 1
	}
	summarize <"$OUT/$name.txt"
}

# summarize prints the metrics of each benchmark line, one line each.
summarize() {
	awk '/^Benchmark/ {
		line = $1
		for (i = 3; i < NF; i += 2) {
			if ($(i+1) ~ /^(ratio|cpu-ratio|vt-allocs\/op|one-allocs\/op|vt-ns\/op|one-ns\/op|vt-µs\/shard|fanout-µs\/shard|fds-peak|fds-held|cpu-ns\/op|allocs\/op)$/) {
				line = line "  " $(i+1) "=" $i
			}
		}
		print line
	}'
}

# The table: 4 SQLite shards of a 200,000-row table against one file.
run sqlite -test.benchtime "$BENCHTIME" -test.bench \
	'^Benchmark(PointSelect1|PointSelect1Cancellable|PointSelect4|PreparedPointSelect|ShardStatementFloor|Insert|Update|TxUpdate|Insert100|RangeScatter|ScatterCount|GormPointSelect)$'

# The same reads with page caches that hold both sides' tables (see "One
# page cache for the process").
run cache -test.benchtime "$BENCHTIME" -bench.cache 65536 -test.bench \
	'^Benchmark(PreparedPointSelect|ShardStatementFloor|RangeScatter)$'

# The prepared point select on each side alone, not interleaved.
run alone -test.benchtime 200000x -test.bench '^BenchmarkPreparedPointSelectAlone$'

# 4, 16, 64 and 256 shards of a 100,000-row table.
run scale -test.benchtime "$SCALETIME" -test.bench \
	'^BenchmarkScale(PointSelect|EmptyScatter|Insert100|ConcurrentScatters)$'

# 4 PostgreSQL schemas against one schema of the same server.
if [ -n "${VITESSDO_TEST_POSTGRES:-}" ]; then
	run postgres -test.benchtime "$PGTIME" -test.bench '^BenchmarkPostgres'
fi
