#!/usr/bin/env bash
# check_sparsity.sh MOTE TMPDIR: `mote compile --sparsity auto|dense|2:4` end to end.
#   - the 2:4 fine-tuned Fashion-MNIST model (models/fashion_mnist_24): auto runs every layer
#     sparse on 8x8 (the stem as a 1x1 convolution over its stacked 3x3 window, so its 2:4
#     groups are the (ky, kx, c) groups mote prune cut), the report says so per layer with
#     the dense ideal cycles and gives the measured cycles; dense runs none sparse;
#   - sparse and dense compiles of the same model give identical output bytes, bit-exact with
#     the reference executor on 4x4, 8x8 and 16x16, the same eval accuracy and agreement with
#     PyTorch's int8 predictions, and the sparse one fewer cycles per image;
#   - 2:4 refuses, naming the node, a layer whose weights are not 2:4 (the dense model; the
#     ResNet-8-shaped model pruned outside its first layer), and a target without the feature
#     (the iCEBreaker board build), which auto compiles dense, saying why;
#   - a compile shows a progress line on a terminal only (script(1) makes one), not with --quiet.
set -u
mote=$1; tmp=$2
fm=models/fashion_mnist; f24=models/fashion_mnist_24
CHECK=check_sparsity
. driver/tests/cli/check_lib.sh
rm -rf "$tmp"; mkdir -p "$tmp"

# the report of auto and dense on 8x8
rep=$("$mote" compile $f24/model.onnx -o "$tmp/auto8.mote" --target sim:rows=8,cols=8 --report 2>&1) ||
	bad "auto compile failed: $rep"
for node in /conv1/Conv /conv2/Conv /fc/Gemm; do
	grep -E "device .* $node .*sparse 2:4 \(dense: ideal cycles [0-9]+\)" <<<"$rep" >/dev/null ||
		bad "auto: $node is not reported sparse: $rep"
done
grep -q "MoteStackRows .*1x1x28x28 uint8 *-> 1x9x28x28" <<<"$rep" || bad "auto: the stem's window is not stacked: $rep"
grep -q "^sparse 2:4: 3 of 5 device steps; ideal cycles [0-9]* (all dense: [0-9]*, [0-9.]*x)" <<<"$rep" ||
	bad "auto: no sparse summary: $rep"
grep -q "^measured on sim:rows=8,cols=8" <<<"$rep" || bad "auto: no measured cycles: $rep"
grep -qE "^ +[0-9]+ /conv2/Conv +conv +[0-9]+ +[0-9]+ +[0-9.]+ +1\.[0-9]+$" <<<"$rep" ||
	bad "auto: conv2's effective utilization is not above 1: $rep"
rep=$("$mote" compile $f24/model.onnx -o "$tmp/dense8.mote" --target sim:rows=8,cols=8 --report --sparsity dense 2>&1) ||
	bad "dense compile failed: $rep"
grep -q "sparse 2:4" <<<"$rep" && bad "--sparsity dense: a sparse layer: $rep"

# the same bytes, bit-exact, on every geometry
img=$fm/one_image.npy
for g in 4 8 16; do
	for sp in auto dense; do
		"$mote" compile $f24/model.onnx -o "$tmp/$sp$g.mote" --target sim:rows=$g,cols=$g --sparsity $sp \
			--keep-tensors > /dev/null || bad "compile $sp $g"
		expect "check-$sp-$g" 0 "reference executor: 0 of" "$mote" run "$tmp/$sp$g.mote" \
			--input image=$img --check $f24/model.onnx
		"$mote" run "$tmp/$sp$g.mote" --input image=$img --output "$tmp/out-$sp$g" > /dev/null ||
			bad "run $sp $g"
	done
	cmp -s "$tmp/out-auto$g/logits.npy" "$tmp/out-dense$g/logits.npy" || bad "$g x $g: sparse and dense logits differ"
done

# eval: the same accuracy and agreement; fewer cycles per image
ev() { "$mote" eval "$1" --data $fm/test_images.npy --labels $fm/test_labels.npy --limit 60 \
	--agree $f24/torch_int8_pred.npy --json; }
ja=$(ev "$tmp/auto8.mote") || bad "eval auto: $ja"
jd=$(ev "$tmp/dense8.mote") || bad "eval dense: $jd"
/usr/bin/python3 - "$ja" "$jd" <<'EOF' || bad "eval: sparse and dense differ: $ja / $jd"
import json, sys
a, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert a["accuracy"] == d["accuracy"] and a["agreement"] == d["agreement"], (a, d)
assert a["agreement"] == 1.0, a  # PyTorch's own int8 predictions, image for image
assert a["cycles_per_inference"] < d["cycles_per_inference"], (a["cycles_per_inference"], d["cycles_per_inference"])
EOF

# refusals and the feature
expect strict-dense-model 3 "node '/conv1/Conv' (QLinearConv): 2:4 sparsity: weights not 2:4 sparse: output channel 0" \
	"$mote" compile $fm/model.onnx -o "$tmp/x.mote" --sparsity 2:4
expect strict-fm24 0 "bytes for 8x8" "$mote" compile $f24/model.onnx -o "$tmp/x.mote" --sparsity 2:4
"$mote" prune models/mlperf_shapes/resnet8.onnx -o "$tmp/r8.onnx" --pattern 2:4 --skip-first > /dev/null ||
	bad "prune resnet8"
expect strict-skipped-first 3 "node 'conv0' (QLinearConv): 2:4 sparsity: weights not 2:4 sparse" \
	"$mote" compile "$tmp/r8.onnx" -o "$tmp/x.mote" --sparsity 2:4
expect auto-r8 0 "sparse 2:4: 9 of 11 device steps" "$mote" compile "$tmp/r8.onnx" -o "$tmp/x.mote" --report
expect strict-board 3 "2:4 sparsity: the 4x4 target has no SPARSE feature" \
	"$mote" compile $f24/model.onnx -o "$tmp/x.mote" --sparsity 2:4 --target sim:board=icebreaker
expect auto-board 0 "dense (the target has no SPARSE feature)" \
	"$mote" compile $f24/model.onnx -o "$tmp/x.mote" --target sim:board=icebreaker --report
expect bad-mode 2 "--sparsity 3:4: expected auto, dense or 2:4" \
	"$mote" compile $f24/model.onnx -o "$tmp/x.mote" --sparsity 3:4

# the progress line: on a terminal, not with --quiet, not in a pipe
cc=("$mote" compile $f24/model.onnx -o "$tmp/p.mote")
out=$(script -qec "${cc[*]}" /dev/null | tr '\r' '\n')
grep -q "^  compile: planning 1 of 9 steps ([0-9.]* s)" <<<"$out" || bad "progress: no progress line on a terminal: $out"
grep -q "bytes for 8x8, compiled in" <<<"$out" || bad "progress: the compile itself: $out"
out=$(script -qec "${cc[*]} --quiet" /dev/null | tr '\r' '\n')
grep -q "compile:" <<<"$out" && bad "progress: a progress line with --quiet"
out=$("${cc[@]}" 2>&1)
grep -q "compile:" <<<"$out" && bad "progress: a progress line in a pipe"

[ $fail -eq 0 ] || exit 1
echo "check_sparsity: auto/dense/2:4 choices and report, same bytes bit-exact on 3 geometries, eval, refusals, progress: passed"
