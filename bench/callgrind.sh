#!/bin/sh
# callgrind.sh counts the instructions of one operation on each side of
# a benchmark under valgrind's callgrind. Instruction counts do not
# depend on the machine's other load, so they compare code where
# wall-clock times under load cannot.
#
# By default it counts the prepared point select of
# PreparedPointSelectAlone on each of its sides: through vitessdo,
# prepared and unprepared, straight on the shard file holding each id,
# and on the single database. With PAIRS it counts pair benchmarks
# instead (overhead_test.go), each side run alone (-bench.side 0 for
# vitessdo, 1 for the single database).
#
# Each side runs twice under callgrind, with LOW and HIGH operations (one
# process each); the difference of the two totals over HIGH-LOW is the
# instructions of one operation, everything done once (the process, the
# fixture's opening, the warm-up) cancelled out.
#
# The write benchmarks (those whose name matches the shell pattern WARM,
# default *Insert*) empty the events table before they start, so a run
# deletes the rows of the run before it: each of their counted runs
# follows an uncounted run of LOW operations (natively, its output kept
# as *.warm.log), so that the LOW and the HIGH run delete the same rows
# and the difference counts the operations only. WARM=none runs no
# warm-up.
#
#   bench/callgrind.sh                        # the test binary built here
#   BIN=/tmp/bench.before bench/callgrind.sh  # another build of the benchmarks
#   PAIRS='Update Insert TxUpdate' bench/callgrind.sh
#   PAIRS='Insert100 RangeScatter' LOW=100 HIGH=600 bench/callgrind.sh
#   LOW=1000 HIGH=9000 BENCH_DIR=/dev/shm/mine bench/callgrind.sh
#   PAIRS='ScalePointSelect/shards=8' ARGS='-bench.scale.shards 8' bench/callgrind.sh
#
# Go's asynchronous preemption signals trip callgrind, so it runs with
# GODEBUG=asyncpreemptoff=1, and valgrind knows no RDTSCP instruction
# (the runtime's cputicks uses it where the CPU has it), so with
# cpu.rdtscp=off too; and with GOMAXPROCS=1, since the scheduler's
# spinning between threads (runtime.GC's sweep loop that testing starts
# every benchmark with) otherwise varies by thousands of instructions an
# operation between runs. With it two runs differ by about 1%; each side
# is counted RUNS times (default 2), the lowest kept. The callgrind files
# are kept in $OUT (default bench/callgrind-<time>/) for
# callgrind_annotate.
set -eu

cd "$(dirname "$0")"
LOW=${LOW:-1000}
HIGH=${HIGH:-9000}
RUNS=${RUNS:-2}
PAIRS=${PAIRS:-}
SIDES=${SIDES:-vitessdo vitessdo-unprepared shards one}
WARM=${WARM-*Insert*}
OUT=${OUT:-callgrind-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
if [ -z "${BIN:-}" ]; then
	BIN=$OUT/bench.test
	go test -c -o "$BIN" .
fi

# total NAME N RUN ARGS... prints the instructions of a run of N
# operations of the benchmark ARGS select, after an uncounted run of LOW
# operations when NAME matches WARM.
total() {
	name=$(echo "$1" | tr / _) n=$2 run=$3
	file=$OUT/$name.$n.$run.out
	shift 3
	case $name in
	$WARM)
		"$BIN" -test.run '^$' -test.benchtime "${LOW}x" ${BENCH_DIR:+-bench.dir "$BENCH_DIR"} ${ARGS:-} "$@" \
			>"$OUT/$name.$n.$run.warm.log" 2>&1
		;;
	esac
	GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --callgrind-out-file="$file" \
		"$BIN" -test.run '^$' -test.benchtime "${n}x" ${BENCH_DIR:+-bench.dir "$BENCH_DIR"} ${ARGS:-} "$@" \
		>"$OUT/$name.$n.$run.log" 2>&1
	awk '/^summary:/ { print $2 }' "$file"
}

# count NAME ARGS... prints the instructions of one operation.
count() {
	name=$1
	shift
	best=
	for run in $(seq "$RUNS"); do
		lo=$(total "$name" "$LOW" "$run" "$@")
		hi=$(total "$name" "$HIGH" "$run" "$@")
		n=$(( (hi - lo) / (HIGH - LOW) ))
		if [ -z "$best" ] || [ "$n" -lt "$best" ]; then
			best=$n
		fi
	done
	echo "$name $best instructions/op"
}

if [ -n "$PAIRS" ]; then
	for b in $PAIRS; do
		vt=$(count "$b-vitessdo" -test.bench "^Benchmark$b\$" -bench.side 0)
		one=$(count "$b-one" -test.bench "^Benchmark$b\$" -bench.side 1)
		echo "$vt"
		echo "$one"
	done
	exit 0
fi
for side in $SIDES; do
	count "$side" -test.bench "PreparedPointSelectAlone/$side\$"
done
