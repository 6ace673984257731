#!/bin/sh
# bench_models.sh: whole networks shaped like the MLPerf Tiny reference models
# (models/mlperf_shapes: ResNet-8, DS-CNN, MobileNetV1-0.25 at 96x96; random int8
# weights, made by scripts/make_mlperf_shapes.py) compiled and run on the simulated
# 8x8 and 16x16 arrays.  For each: compile time, then every layer's cycles and
# utilization, and the whole network's; every tensor the device keeps is checked
# bit for bit against the reference executor (a mismatch fails the bench).
# Goals on 8x8 (issue 3): ResNet-8 >= 0.93 (SCALE-Sim WS: 0.875), DS-CNN >= 0.6 (0.35).
# Then the same networks and Fashion-MNIST on the iCEBreaker board build (below).
# Every device step of every run is also written to $OUT/layers.dat (with the array and
# the memory bus of its device, and the step's BYTES_READ and BYTES_WRITTEN counters),
# which scripts/bench_plots.sh draws.
set -eu
MOTE=${MOTE:-build/bin/mote}
DIR=${MODELS:-models/mlperf_shapes}
OUT=${OUT:-build/bench}
mkdir -p "$OUT"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

LAYERS=$OUT/layers.dat
{
	echo "# every device step of scripts/bench_models.sh's runs (bytes: perf counters, '-' where the device keeps none)"
	echo "# network geometry rows cols mem_bytes step layer op cycles macs utilization bytes_read bytes_written"
} > "$LAYERS"
save_steps() { # save_steps NETWORK GEOMETRY DEVICE MOTE-RUN-ARGS...: the run's device steps into $LAYERS
	net=$1 geo=$2 dev=$3; shift 3
	info=$($MOTE info --device "$dev" --json)
	g=$(printf '%s\n' "$info" | sed -n 's/.*"rows":\([0-9]*\).*"cols":\([0-9]*\).*"mem_bytes":\([0-9]*\).*/\1 \2 \3/p')
	j=$($MOTE run "$@" --device "$dev" --json) || { echo "bench: $net on $geo failed (--json)" >&2; exit 1; }
	printf '%s\n' "$j" | awk -v pre="$net $geo $g" -f scripts/plots/steps.awk >> "$LAYERS"
}

summary=""
for net in resnet8 dscnn mobilenet_v1_025; do
	# ecp5_45f: the LFE5U-45F's 8x8 parameter set (fpga/boards.mk), beside the simulator's 8x8
	for geo in 8x8 16x16 ecp5_45f; do
		case $geo in
		*x*) r=${geo%x*}; c=${geo#*x}; t="sim:rows=$r,cols=$c";;
		*) t="sim:board=$geo";;
		esac
		mf="$OUT/${net}_$geo.mote"
		t0=$(now_ms)
		$MOTE compile "$DIR/$net.onnx" -o "$mf" --target "$t" > /dev/null
		t1=$(now_ms)
		echo "== $net on $geo (compiled in $((t1 - t0)) ms)"
		out=$($MOTE run "$mf" --input "input=$DIR/${net}_input.npy" --check "$DIR/$net.onnx" --device "$t") || {
			printf '%s\n' "$out"; echo "bench: $net on $geo failed" >&2; exit 1; }
		printf '%s\n' "$out" | grep -E '^ +[0-9]+ device|^total|^reference'
		case $geo in *x*) save_steps "$net" "$geo" "$t" "$mf" --input "input=$DIR/${net}_input.npy" \
			--check "$DIR/$net.onnx";; esac
		tot=$(printf '%s\n' "$out" | sed -n 's/^total: \([0-9]*\) device cycles, \([0-9]*\) macs, utilization \([0-9.]*\).*/\1 \2 \3/p')
		summary="$summary$(printf '%-18s %-8s %10s %10s %12s %8s' "$net" "$geo" "$((t1 - t0))" $tot)
"
	done
done
echo
echo "== whole networks (device steps; host steps are listed in each run above)"
printf '%-18s %-8s %10s %10s %12s %8s\n' network array compile_ms cycles macs util
printf '%s' "$summary"

# 2:4 sparsity (issue 13): the same weights compiled dense and sparse (--sparsity auto), each
# run once with every tensor checked against the reference executor.  Fashion-MNIST fine-tuned
# 2:4 (models/fashion_mnist_24, every layer 2:4) and ResNet-8 pruned by `mote prune --skip-first`
# (its stem dense).  Goals on 8x8: ResNet-8 >= 1.7x, Fashion-MNIST >= 1.5x fewer cycles.
# The figures also go to $OUT/sparse.dat (scripts/bench_plots.sh).
echo
echo "== 2:4 sparse against dense (device cycles per inference, the same weights)"
$MOTE prune "$DIR/resnet8.onnx" -o "$OUT/resnet8_24.onnx" --pattern 2:4 --skip-first > /dev/null
printf '%-22s %-6s %10s %10s %8s %10s\n' network array dense sparse speedup sparse_layers
{
	echo "# 2:4 sparse against dense, device cycles per inference (scripts/bench_models.sh)"
	echo "# network geometry dense_cycles sparse_cycles speedup"
} > "$OUT/sparse.dat"
for net in fashion_mnist_24 resnet8_24; do
	case $net in
	fashion_mnist_24) onnx=models/fashion_mnist_24/model.onnx; in="image=models/fashion_mnist/one_image.npy";;
	resnet8_24) onnx=$OUT/resnet8_24.onnx; in="input=$DIR/resnet8_input.npy";;
	esac
	for geo in 4x4 8x8 16x16; do
		r=${geo%x*}; c=${geo#*x}; t="sim:rows=$r,cols=$c"
		cyc=""
		for sp in dense auto; do
			mf="$OUT/${net}_${geo}_$sp.mote"
			rep=$($MOTE compile "$onnx" -o "$mf" --target "$t" --sparsity $sp --report --quiet)
			[ $sp = auto ] && layers=$(printf '%s\n' "$rep" | sed -n 's/^sparse 2:4: \([0-9]* of [0-9]*\) device steps.*/\1/p')
			out=$($MOTE run "$mf" --input "$in" --check "$onnx" --device "$t") || {
				printf '%s\n' "$out"; echo "bench: $net $sp on $geo failed" >&2; exit 1; }
			cyc="$cyc $(printf '%s\n' "$out" | sed -n 's/^total: \([0-9]*\) device cycles.*/\1/p')"
		done
		set -- $cyc
		printf '%-22s %-6s %10s %10s %8s %10s\n' "$net" "$geo" "$1" "$2" \
			"$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }')" "${layers:-0}"
		echo "$net $geo $1 $2 $(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }')" >> "$OUT/sparse.dat"
	done
done

# The iCEBreaker board build (sim:board=icebreaker: its parameter set, SB_MAC16 through
# Yosys' model, its 128 KB), each model compiled to fit it or reported as not fitting; the
# latency at the board's clock (fpga/boards.mk: BOARD_icebreaker_MHZ) and at the routed design's Fmax when
# make fpga has written build/fpga/icebreaker/report.json.  Anchors (the MLPerf Tiny reference
# models' published figures, ../shared/models/mlperf-tiny/README.md): ResNet-8 165.1 ms and
# DS-CNN 43.2 ms on an STM32L4R5 (Cortex-M4, 120 MHz); DS-CNN about 25.2 M cycles on an
# iCE40UP5K CPU with custom instructions (CFU Playground).
echo
echo "== the iCEBreaker board build (sim:board=icebreaker, device steps)"
BOARD_MHZ=$(sed -n 's/^BOARD_icebreaker_MHZ *:= *\([0-9]*\).*/\1/p' fpga/boards.mk)
[ -n "$BOARD_MHZ" ] || { echo "bench: no BOARD_icebreaker_MHZ in fpga/boards.mk" >&2; exit 1; }
fmax=$(sed -n 's/.*"fmax_mhz": *\([0-9.]*\).*/\1/p' build/fpga/icebreaker/report.json 2>/dev/null | head -1)
printf '%-18s %10s %8s %10s %12s  %s\n' network cycles util "ms_${BOARD_MHZ}MHz" "ms_Fmax" "anchor"
for net in fashion_mnist resnet8 dscnn mobilenet_v1_025; do
	case $net in
	fashion_mnist) onnx=models/fashion_mnist/model.onnx; in="image=models/fashion_mnist/one_image.npy"; anchor="-";;
	resnet8) onnx=$DIR/$net.onnx; in="input=$DIR/${net}_input.npy"; anchor="Cortex-M4 165.1 ms";;
	dscnn) onnx=$DIR/$net.onnx; in="input=$DIR/${net}_input.npy"; anchor="Cortex-M4 43.2 ms; UP5K CFU 25.2 M cycles";;
	*) onnx=$DIR/$net.onnx; in="input=$DIR/${net}_input.npy"; anchor="-";;
	esac
	mf="$OUT/${net}_icebreaker.mote"
	if ! cout=$($MOTE compile "$onnx" -o "$mf" --target sim:board=icebreaker 2>&1); then
		printf '%-18s %s\n' "$net" "does not fit: $(printf '%s\n' "$cout" | sed -n 's/.*the model needs \([0-9]*\) bytes.*/needs \1 bytes of 131072/p')"
		continue
	fi
	out=$($MOTE run "$mf" --input "$in" --check "$onnx" --device sim:board=icebreaker) || {
		printf '%s\n' "$out"; echo "bench: $net on the board failed" >&2; exit 1; }
	if [ -n "${BOARD_PERF_MOTE:-}" ] && [ -x "$BOARD_PERF_MOTE" ]; then
		# its steps as the board's twin with every counter runs them (below: the same
		# cycles, checked there), so layers.dat has the bytes the board does not count
		m0=$MOTE; MOTE=$BOARD_PERF_MOTE
		save_steps "$net" icebreaker sim:board=icebreaker_perf "$mf" --input "$in" --check "$onnx"
		MOTE=$m0
	else
		save_steps "$net" icebreaker sim:board=icebreaker "$mf" --input "$in" --check "$onnx"
	fi
	set -- $(printf '%s\n' "$out" | sed -n 's/^total: \([0-9]*\) device cycles, [0-9]* macs, utilization \([0-9.]*\).*/\1 \2/p')
	ms=$(awk -v c="$1" -v f="$BOARD_MHZ" 'BEGIN { printf "%.1f", c / (f * 1000) }')
	msf=$([ -n "$fmax" ] && awk -v c="$1" -v f="$fmax" 'BEGIN { printf "%.1f", c / (f * 1000) }' || echo "(make fpga)")
	printf '%-18s %10s %8s %10s %12s  %s\n' "$net" "$1" "$2" "$ms" "$msf" "$anchor"
done

# Where the board's cycles go: the same networks on sim:board=icebreaker_perf (fpga/boards.mk: the
# board's parameter set with every perf counter; built by make bench in a tree of its own, its
# mote tool named by BOARD_PERF_MOTE), each unit's busy cycles over the device steps (mote run
# --perf).  Its cycles must equal the board's above: the counters change no timing.  The board runs
# its units one command at a time (one command queue), so the busy cycles add up to about the
# total; the store column's cycles per byte written is the serial requantization lane's rate.
echo
echo "== where the board's cycles go (sim:board=icebreaker_perf: every perf counter, the same timing)"
if [ -z "${BOARD_PERF_MOTE:-}" ] || [ ! -x "$BOARD_PERF_MOTE" ]; then
	echo "(not built: make bench builds it, BOARD_PERF_MOTE names its mote tool)"
	exit 0
fi
printf '%-18s %10s %10s %13s %11s %15s\n' network cycles load_busy compute_busy store_busy store_cyc/byte
for net in fashion_mnist dscnn; do
	case $net in
	fashion_mnist) onnx=models/fashion_mnist/model.onnx; in="image=models/fashion_mnist/one_image.npy";;
	*) onnx=$DIR/$net.onnx; in="input=$DIR/${net}_input.npy";;
	esac
	mf="$OUT/${net}_icebreaker_perf.mote"
	$BOARD_PERF_MOTE compile "$onnx" -o "$mf" --target sim:board=icebreaker_perf > /dev/null
	out=$($BOARD_PERF_MOTE run "$mf" --input "$in" --check "$onnx" --device sim:board=icebreaker_perf --perf) || {
		printf '%s\n' "$out"; echo "bench: $net on icebreaker_perf failed" >&2; exit 1; }
	cyc=$(printf '%s\n' "$out" | sed -n 's/^total: \([0-9]*\) device cycles.*/\1/p')
	board=$($MOTE run "$OUT/${net}_icebreaker.mote" --input "$in" --device sim:board=icebreaker |
		sed -n 's/^total: \([0-9]*\) device cycles.*/\1/p')
	[ -n "$cyc" ] && [ "$cyc" = "$board" ] || {
		echo "bench: $net: icebreaker_perf ran $cyc cycles, the board $board: not the same timing" >&2; exit 1; }
	set -- $(printf '%s\n' "$out" | sed -n 's/^busy: load \([0-9]*\), compute \([0-9]*\), store \([0-9]*\) cycles; bytes read [0-9]*, written \([0-9]*\).*/\1 \2 \3 \4/p')
	[ $# -eq 4 ] || { printf '%s\n' "$out"; echo "bench: $net: no busy figures from mote run --perf" >&2; exit 1; }
	printf '%-18s %10s %10s %13s %11s %15s\n' "$net" "$cyc" "$1" "$2" "$3" \
		"$(awk -v s="$3" -v w="$4" 'BEGIN { printf "%.1f", w ? s / w : 0 }')"
done
