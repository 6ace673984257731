#!/bin/sh
# bench.sh: the figures of `make bench`, measured on the simulator.
#   - utilization of a 256x256x256 GEMM on 8x8 and 16x16 (goal >= 0.95; SCALE-Sim's
#     weight-stationary model, which reloads weights between folds: 0.92 and 0.85)
#   - utilization of ResNet-8-shaped 3x3 convolutions on 8x8
#   - simulated cycles per wall second of each run (goal >= 2 M on 8x8, >= 0.4 M on 16x16)
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
