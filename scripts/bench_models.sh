#!/bin/sh
# bench_models.sh: whole networks shaped like the MLPerf Tiny reference models
# (models/mlperf_shapes: ResNet-8, DS-CNN, MobileNetV1-0.25 at 96x96; random int8
# weights, made by scripts/make_mlperf_shapes.py) compiled and run on the simulated
# 8x8 and 16x16 arrays.  For each: compile time, then every layer's cycles and
# utilization, and the whole network's; every tensor the device keeps is checked
# bit for bit against the reference executor (a mismatch fails the bench).
# Goals on 8x8 (issue 3): ResNet-8 >= 0.93 (SCALE-Sim WS: 0.875), DS-CNN >= 0.6 (0.35).
set -eu
MOTE=${MOTE:-build/bin/mote}
DIR=${MODELS:-models/mlperf_shapes}
OUT=${OUT:-build/bench}
mkdir -p "$OUT"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

summary=""
for net in resnet8 dscnn mobilenet_v1_025; do
	for geo in 8x8 16x16; do
		r=${geo%x*}; c=${geo#*x}; t="sim:rows=$r,cols=$c"
		mf="$OUT/${net}_$geo.mote"
		t0=$(now_ms)
		$MOTE compile "$DIR/$net.onnx" -o "$mf" --target "$t" > /dev/null
		t1=$(now_ms)
		echo "== $net on $geo (compiled in $((t1 - t0)) ms)"
		out=$($MOTE run "$mf" --input "input=$DIR/${net}_input.npy" --check "$DIR/$net.onnx" --device "$t") || {
			printf '%s\n' "$out"; echo "bench: $net on $geo failed" >&2; exit 1; }
		printf '%s\n' "$out" | grep -E '^ +[0-9]+ device|^total|^reference'
		tot=$(printf '%s\n' "$out" | sed -n 's/^total: \([0-9]*\) device cycles, \([0-9]*\) macs, utilization \([0-9.]*\).*/\1 \2 \3/p')
		summary="$summary$(printf '%-18s %-6s %10s %10s %12s %8s' "$net" "$geo" "$((t1 - t0))" $tot)
"
	done
done
echo
echo "== whole networks (device steps; host steps are listed in each run above)"
printf '%-18s %-6s %10s %10s %12s %8s\n' network array compile_ms cycles macs util
printf '%s' "$summary"
