#!/bin/sh
# bench_tflite.sh: the MLPerf Tiny networks from TFLite on the simulated 8x8 and 16x16 arrays.
# The networks are tfl_gen's (compiler_backend/tests/tfl_nets.c: ResNet-8, DS-CNN,
# MobileNetV1-0.25 at 96x96 and the FC autoencoder in the reference models' shapes and int8
# quantization, weights from a fixed seed); with MLPERF_TINY=DIR also the reference models
# themselves (mlcommons/tiny's .tflite files, never in this repository), on a random input.
# For each: compile time, device cycles and utilization (device steps), latency at 30 MHz
# (the UP5K's Fmax goal) and the host steps' time, the published Cortex-M4 figures beside
# (../shared/models/mlperf-tiny/README.md: STM32L4R5 at 120 MHz); then cycles and utilization
# per kind of layer (conv, depthwise, fc, pool).  Every run is checked with --check against the
# reference executor in TFLite's arithmetic (the arrays round twice, STORE ROUND_TFL): a
# mismatch fails the bench.
set -eu
MOTE=${MOTE:-build/bin/mote}
GEN=${TFL_GEN:-build/tests/cc/tfl_gen}
OUT=${OUT:-build/bench/tflite}
MHZ=30
mkdir -p "$OUT/nets"
"$GEN" "$OUT/nets" > /dev/null

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# name file input_name input_npy anchor
nets=""
for n in resnet8 dscnn mobilenet fcae; do
	in=$(awk -v n=$n '$1 == n { print $2 }' "$OUT/nets/nets.txt")
	nets="$nets$n $OUT/nets/$n.tflite $in $OUT/nets/${n}_input.npy
"
done
if [ -n "${MLPERF_TINY:-}" ]; then
	for m in pretrainedResnet_quant:input_1_int8:1,32,32,3 kws_ref_model:input_1:1,49,10,1 \
		 vww_96_int8:input_1_int8:1,96,96,3 ad01_int8:input_1:1,640; do
		n=${m%%:*}; rest=${m#*:}; in=${rest%%:*}; shape=${rest#*:}
		[ -f "$MLPERF_TINY/$n.tflite" ] || { echo "bench_tflite: $MLPERF_TINY/$n.tflite is missing" >&2; exit 1; }
		/usr/bin/python3 -c "import numpy as np; np.save('$OUT/${n}_input.npy', np.random.default_rng(1).integers(-128, 128, size=($shape), dtype=np.int8))"
		nets="$nets$n $MLPERF_TINY/$n.tflite $in $OUT/${n}_input.npy
"
	done
fi

anchor() {
	case $1 in
	resnet8|pretrainedResnet_quant) echo "Cortex-M4 165.1 ms";;
	dscnn|kws_ref_model) echo "Cortex-M4 43.2 ms";;
	*) echo "-";;
	esac
}

summary="" kinds=""
printf '%s' "$nets" | while read -r net file in npy; do
	for geo in 8x8 16x16; do
		t="sim:rows=${geo%x*},cols=${geo#*x}"
		mf="$OUT/${net}_$geo.mote"
		t0=$(now_ms)
		rep=$($MOTE compile "$file" -o "$mf" --target "$t" --report 2>&1) || {
			printf '%s\n' "$rep" >&2; echo "bench_tflite: $net on $geo: compile failed" >&2; exit 1; }
		t1=$(now_ms)
		out=$($MOTE run "$mf" --input "$in=$npy" --check "$file" --device "$t" 2>&1) || {
			printf '%s\n' "$out" >&2; echo "bench_tflite: $net on $geo: run failed or not bit-exact" >&2; exit 1; }
		printf '%s\n' "$out" | grep -qx 'reference arithmetic: tflite' || {
			printf '%s\n' "$out" >&2; echo "bench_tflite: $net on $geo: not in TFLite's arithmetic" >&2; exit 1; }
		# step -> kind from the report, then the run's device steps summed per kind
		{ printf '%s\n' "$rep" | sed -n 's/^ *\([0-9]*\) device .* layer \([a-z]*\).*/K \1 \2/p'
		  printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) device .* cycles *\([0-9]*\) *macs *\([0-9]*\).*/S \1 \2 \3/p'
		  printf '%s\n' "$out" | sed -n 's/^total: \([0-9]*\) device cycles, \([0-9]*\) macs, utilization \([0-9.]*\), host steps \([0-9.]*\) us/T \1 \2 \3 \4/p'
		} | awk -v net="$net" -v geo="$geo" -v ms="$((t1 - t0))" -v mhz=$MHZ -v pe="$(( ${geo%x*} * ${geo#*x} ))" \
			-v anchor="$(anchor "$net")" '
			$1 == "K" { kind[$2] = $3 }
			$1 == "S" { k = kind[$2]; c[k] += $3; m[k] += $4 }
			$1 == "T" { printf "NET %-22s %-6s %8d %10d %6.4f %9.2f %9.1f  %s\n", net, geo, ms, $2, $4, $2 / (mhz * 1000), $5, anchor }
			END { for (k in c) printf "KIND %-22s %-6s %-10s %10d %10d %6.4f\n", net, geo, k, c[k], m[k],
					c[k] ? m[k] / (c[k] * pe) : 0 }'
	done
done > "$OUT/figures.txt"
echo "== MLPerf Tiny networks from TFLite (device steps; bit-exact in TFLite's arithmetic)"
printf '%-22s %-6s %8s %10s %6s %9s %9s  %s\n' network array comp_ms cycles util ms_30MHz host_us anchor
sed -n 's/^NET //p' "$OUT/figures.txt"
echo
echo "== per kind of layer"
printf '%-22s %-6s %-10s %10s %10s %6s\n' network array kind cycles macs util
sed -n 's/^KIND //p' "$OUT/figures.txt" | sort -k1,1 -k2,2 -k3,3
