#!/usr/bin/env bash
# check_prune.sh MOTE TMPDIR: `mote prune --pattern 2:4` end to end.
#   - Fashion-MNIST pruned whole, with --skip-first, and with --skip: check_prune.py (numpy and
#     its own protobuf reader) holds the weights to the 2:4 rule, the skipped layers to the dense
#     model, every other byte to the input, and the --json figures to what it finds;
#   - the pruned model compiles and runs bit-exact with the reference executor (eval --check)
#     on the dense 8x8 array, and so does the ResNet-8-shaped model pruned outside its first layer;
#   - models/fashion_mnist_24 keeps the mask prune gives the dense model and is 2:4 already;
#   - pruning a pruned model changes nothing; the text report names every layer; valgrind clean;
#   - refusals, each with its exit status and message: an unknown pattern, a --skip naming no node
#     or a node that is not a layer, -o naming the input (left untouched), no -o, a truncated
#     model, a TFLite file, a missing input, an output directory that does not exist.
set -u
mote=$1; tmp=$2
fm=models/fashion_mnist
CHECK=check_prune
. driver/tests/cli/check_lib.sh
rm -rf "$tmp"; mkdir -p "$tmp"
py=/usr/bin/python3

# the whole model, with --skip-first, with --skip (twice)
"$mote" prune $fm/model.onnx -o "$tmp/all.onnx" --pattern 2:4 --json > "$tmp/all.json" || bad "prune failed"
$py driver/tests/cli/check_prune.py $fm/model.onnx "$tmp/all.onnx" "$tmp/all.json" || bad "all layers: check_prune.py"
"$mote" prune $fm/model.onnx -o "$tmp/first.onnx" --pattern 2:4 --skip-first --json > "$tmp/first.json" ||
	bad "prune --skip-first failed"
$py driver/tests/cli/check_prune.py $fm/model.onnx "$tmp/first.onnx" "$tmp/first.json" --dense /conv1/Conv ||
	bad "--skip-first: check_prune.py"
"$mote" prune $fm/model.onnx -o "$tmp/skip.onnx" --pattern 2:4 --skip /conv2/Conv --skip=/fc/Gemm --json \
	> "$tmp/skip.json" || bad "prune --skip failed"
$py driver/tests/cli/check_prune.py $fm/model.onnx "$tmp/skip.onnx" "$tmp/skip.json" --dense /conv2/Conv /fc/Gemm ||
	bad "--skip: check_prune.py"
grep -qF '"node":"/conv2/Conv","op":"Conv","weight":"conv2.weight","pruned":false,"left":"skipped: named"' \
	"$tmp/skip.json" || bad "--skip: the report does not say /conv2/Conv was skipped: $(cat "$tmp/skip.json")"

# the text report: every layer with its figures (the same as --json's)
expect report 0 "/conv2/Conv                  Conv          conv2.weight [32 x 144, float+QuantizeLinear] zeroed 2169 of 4608 (47.1%), magnitude removed 23.6%, at zero now 50.0%" \
	"$mote" prune $fm/model.onnx -o "$tmp/text.onnx" --pattern 2:4
cmp -s "$tmp/text.onnx" "$tmp/all.onnx" || bad "the text and --json runs wrote different files"
# again on its own output: nothing more to prune, the same bytes
expect again 0 ": 0 of 20432 weights in 3 layers set to the zero point" \
	"$mote" prune "$tmp/all.onnx" -o "$tmp/again.onnx" --pattern 2:4
cmp -s "$tmp/again.onnx" "$tmp/all.onnx" || bad "pruning a pruned model changed it"

# the committed 2:4 model (scripts/finetune_fashion_mnist_24.py): fine-tuned with exactly the mask
# prune gives the dense model, and 2:4 already (pruning it sets no weight off the zero point; its
# -0.0 weights are written +0.0)
$py driver/tests/cli/check_prune.py --within "$tmp/all.onnx" models/fashion_mnist_24/model.onnx ||
	bad "fashion_mnist_24 does not hold the mask prune gives the dense model"
expect ft24 0 ": 0 of 20432 weights in 3 layers set to the zero point" \
	"$mote" prune models/fashion_mnist_24/model.onnx -o "$tmp/ft24.onnx" --pattern 2:4

# still a model the compiler takes, bit-exact on today's dense array
t=sim:rows=8,cols=8
"$mote" compile "$tmp/all.onnx" -o "$tmp/all.mote" --target $t > /dev/null || bad "the pruned model does not compile"
out=$("$mote" eval "$tmp/all.mote" --data $fm/test_images.npy --labels $fm/test_labels.npy --check "$tmp/all.onnx" \
	--limit 10 --device $t --quiet 2>&1) || bad "eval --check of the pruned model: $out"
grep -qF "every tensor bit-exact" <<<"$out" || bad "the pruned model is not bit-exact: $out"
net=models/mlperf_shapes/resnet8
"$mote" prune $net.onnx -o "$tmp/resnet8.onnx" --pattern 2:4 --skip-first > "$tmp/resnet8.txt" || bad "resnet8: prune failed"
grep -q "left: skipped: the first layer" "$tmp/resnet8.txt" || bad "resnet8: the first layer not left: $(cat "$tmp/resnet8.txt")"
[ "$(grep -c 'zeroed' "$tmp/resnet8.txt")" -ge 8 ] || bad "resnet8: fewer than 8 layers pruned: $(cat "$tmp/resnet8.txt")"
"$mote" compile "$tmp/resnet8.onnx" -o "$tmp/resnet8.mote" --target $t > /dev/null || bad "resnet8: pruned does not compile"
out=$("$mote" run "$tmp/resnet8.mote" --device $t --input input=${net}_input.npy --check "$tmp/resnet8.onnx" 2>&1) ||
	bad "resnet8: run --check of the pruned model: $out"
grep -q "^reference executor: 0 of [1-9][0-9]* tensors differ, bit-exact" <<<"$out" || bad "resnet8 pruned: $out"

# valgrind: no leak, no invalid access, on a success and on a refusal
for extra in "" "--skip nobody"; do
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		"$mote" prune $fm/model.onnx -o "$tmp/vg.onnx" --pattern 2:4 $extra > /dev/null 2>&1
	[ $? -ne 99 ] || bad "valgrind: mote prune $extra"
done

# refusals
expect pattern 2 "mote: --pattern '1:4': unknown pattern (the one supported is 2:4)" \
	"$mote" prune $fm/model.onnx -o "$tmp/x.onnx" --pattern 1:4
expect pattern-text 2 "mote: --pattern '2:4x': unknown pattern" "$mote" prune $fm/model.onnx -o "$tmp/x.onnx" --pattern 2:4x
expect skip-none 2 "mote: --skip '/conv9/Conv': no node has that name" \
	"$mote" prune $fm/model.onnx -o "$tmp/x.onnx" --pattern 2:4 --skip /conv9/Conv
expect skip-relu 2 "mote: --skip '/conv1/Relu': that node is a Relu, not a convolution or matrix product" \
	"$mote" prune $fm/model.onnx -o "$tmp/x.onnx" --pattern 2:4 --skip /conv1/Relu
cp $fm/model.onnx "$tmp/in.onnx"
expect same 2 "mote: -o $tmp/in.onnx: it is the model being pruned; name another file" \
	"$mote" prune "$tmp/in.onnx" -o "$tmp/in.onnx" --pattern 2:4
ln -s in.onnx "$tmp/link.onnx"
expect same-link 2 "it is the model being pruned" "$mote" prune "$tmp/in.onnx" -o "$tmp/link.onnx" --pattern 2:4
cmp -s "$tmp/in.onnx" $fm/model.onnx || bad "-o onto the input changed it"
expect no-output 2 "mote prune: --output is required" "$mote" prune $fm/model.onnx --pattern 2:4
expect no-pattern 2 "mote prune: --pattern is required" "$mote" prune $fm/model.onnx -o "$tmp/x.onnx"
expect no-model 2 "mote prune: the model file is missing" "$mote" prune --pattern 2:4
head -c 4000 $fm/model.onnx > "$tmp/cut.onnx"
expect truncated 3 "mote: $tmp/cut.onnx: MOTE_CC_EFORMAT: not a valid ONNX model" \
	"$mote" prune "$tmp/cut.onnx" -o "$tmp/x.onnx" --pattern 2:4
printf '\034\000\000\000TFL3\000\000\000\000' > "$tmp/m.tflite"
expect tflite 3 "mote: $tmp/m.tflite: a TFLite model; prune takes ONNX models" \
	"$mote" prune "$tmp/m.tflite" -o "$tmp/x.onnx" --pattern 2:4
expect missing 3 "mote: cannot read $tmp/none.onnx: No such file or directory" \
	"$mote" prune "$tmp/none.onnx" -o "$tmp/x.onnx" --pattern 2:4
expect no-dir 3 "mote: cannot write $tmp/nodir/x.onnx: No such file or directory" \
	"$mote" prune $fm/model.onnx -o "$tmp/nodir/x.onnx" --pattern 2:4
[ ! -e "$tmp/x.onnx" ] || bad "a refused prune wrote $tmp/x.onnx"
out=$("$mote" prune $fm/model.onnx -o "$tmp/x.onnx" --pattern 2:4 --skip nobody --json 2>/dev/null); rc=$?
[ $rc -eq 2 ] && $py -c 'import json, sys; j = json.loads(sys.argv[1]); assert j["status"] == 2 and "nobody" in j["error"]' \
	"$out" || bad "--json on a refusal: exit $rc, $out"

[ $fail -eq 0 ] || exit 1
echo "check_prune: 2:4 rule, skips, unchanged bytes, bit-exact compile and run, refusals: passed"
