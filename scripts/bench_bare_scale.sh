#!/bin/sh
# bench_bare_scale.sh: the bare weight-stationary array (testbench/bench/bare_array.v) at several
# sizes, all compiled alike: how fast one kind of straight-line evaluation code runs as it grows.
#   usage: bench_bare_scale.sh RUNS BARE_ARRAY_SCALE...   (make bench-sim-scale: the builds of
#   testbench/bench/bare_array_scale.cpp, one per size)
# Per size: the code a simulated cycle runs (scripts/hot_code_kb.awk), the instructions a PE and
# cycle (callgrind: the difference of two runs, so start-up is not counted), the PE-cycles a wall
# second (best of RUNS, the sizes run alternately) and their product, instructions a second.
# rtl/README.md ("Simulation speed") reads these figures against mote's busy 8x8 model.
set -eu
runs=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# each timed run simulates about 128 M PE-cycles (under a second), each profiled run 2.56 M
pes() { "$1" 1 | sed -n 's/^bare \([0-9]*\)x\([0-9]*\) .*/\1 \2/p' | awk '{ print $1 * $2 }'; }
for b in "$@"; do
	p=$(pes "$b")
	[ -n "$p" ] || { echo "bench_bare_scale: $b printed no size" >&2; exit 1; }
	echo 0 > "$tmp/$p.best"
done
for i in $(seq "$runs"); do
	for b in "$@"; do
		p=$(pes "$b")
		r=$("$b" $((128000000 / p)) | sed -n 's/.*, \([0-9.]*\) M PE-cycles.*/\1/p')
		[ -n "$r" ] || { echo "bench_bare_scale: $b printed no figure" >&2; exit 1; }
		awk -v a="$(cat "$tmp/$p.best")" -v c="$r" 'BEGIN { print (c > a) ? c : a }' > "$tmp/$p.best"
	done
done
printf '%-6s %6s %10s %16s %16s %12s\n' size PEs "code KB" "instr/PE-cycle" "M PE-cycles/s" "G instr/s"
for b in "$@"; do
	size=$("$b" 1 | sed -n 's/^bare \([0-9x]*\) .*/\1/p')
	p=$(pes "$b")
	n=$((1280000 / p))
	if command -v valgrind > /dev/null; then
		i1=$(valgrind --tool=callgrind --callgrind-out-file="$tmp/cg1" "$b" "$n" 2>&1 > /dev/null |
			sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,)
		i2=$(valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$tmp/cg2" "$b" $((2 * n)) 2>&1 > /dev/null |
			sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,)
		kb=$(awk -v thr="$n" -f scripts/hot_code_kb.awk "$tmp/cg2")
	else
		i1=0; i2=0; kb=-
	fi
	awk -v s="$size" -v p="$p" -v kb="$kb" -v i1="$i1" -v i2="$i2" -v n="$n" -v r="$(cat "$tmp/$p.best")" 'BEGIN {
		ipc = (i2 - i1) / n / p
		if (ipc > 0)
			printf "%-6s %6d %10s %16.1f %16.1f %12.2f\n", s, p, kb, ipc, r, ipc * r / 1000
		else
			printf "%-6s %6d %10s %16s %16.1f %12s\n", s, p, kb, "-", r, "-" }'
done
echo "(best of $runs timed runs each; code KB: the 64-byte lines run in at least half of the cycles)"
