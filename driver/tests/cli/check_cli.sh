#!/usr/bin/env bash
# check_cli.sh MOTE ONNX_RENAME TMPDIR: every file the CLI writes stays in the
# directory the user named, whatever names a model carries, appears whole or
# not at all, and is reported written only once it was; --json output parses
# whatever the names hold and also on errors; wrong labels and a check with
# nothing to check are refused, naming what was expected and what was found, and
# so are inputs of another shape or with bytes after the array.
#
# The hostile models are the Fashion-MNIST model with its output renamed (and
# an intermediate tensor made a second output) by onnx_rename, compiled by
# the real compiler: a .mote file carries tensor names as its model gave them.
set -u
mote=$1; rename=$2; tmp=$3
img=models/fashion_mnist/one_image.npy; onnx=models/fashion_mnist/model.onnx
mid=/activation_post_process_1/QuantizeLinear_output_0   # PyTorch's names hold '/'
fail=0
bad() { echo "check_cli: $*"; fail=1; }
# expect NAME RC TEXT CMD...: exit status RC and TEXT in the output
expect() {
	local name=$1 want=$2 text=$3 out rc; shift 3
	out=$("$@" 2>&1); rc=$?
	[ $rc -eq "$want" ] || bad "$name: exit $rc, wanted $want; got: $out"
	grep -qF -- "$text" <<<"$out" || bad "$name: no '$text' in: $out"
}
# only FILES (relative names) under DIR, nothing else
only() {
	local dir=$1 got want; shift
	got=$(cd "$dir" && find . -mindepth 1 | sort | tr '\n' ' ')
	want=$(for f in "$@"; do echo "./$f"; done | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || bad "$dir holds '$got', wanted '$want'"
}
rm -rf "$tmp"; mkdir -p "$tmp"
mk() { # mk NAME RENAME-ARGS...: NAME.mote from the model with its names edited
	local n=$1; shift
	"$rename" "$onnx" "$tmp/$n.onnx" "$@" && "$mote" compile "$tmp/$n.onnx" -o "$tmp/$n.mote" > /dev/null ||
		bad "cannot make $n.mote"
}
run() { "$mote" run "$1" --input image=$img --output "$2"; }

# the plain model: the reference for the bytes written under hostile names
mk plain
run "$tmp/plain.mote" "$tmp/ref" > /dev/null || bad "plain run failed"
only "$tmp/ref" logits.npy

# a name that climbs out ('../'), and a PyTorch name with '/': both land inside, mapped
mk climb 'logits=../escaped' "+$mid"
mkdir -p "$tmp/c/d"
expect climb 0 "written" run "$tmp/climb.mote" "$tmp/c/d"
only "$tmp/c" d d/.._escaped.npy d/_activation_post_process_1_QuantizeLinear_output_0.npy
cmp -s "$tmp/ref/logits.npy" "$tmp/c/d/.._escaped.npy" || bad "climb: the mapped file differs from logits.npy"
# the intermediate tensor: 16x28x28 uint8 behind a 128-byte header
[ "$(stat -c %s "$tmp/c/d/_activation_post_process_1_QuantizeLinear_output_0.npy")" = $((128 + 12544)) ] ||
	bad "climb: the intermediate output has the wrong size"

# names that map to nothing usable are refused before anything runs or is made
mk dots 'logits=..'
expect dots 3 "dots only" run "$tmp/dots.mote" "$tmp/dots_out"
[ ! -e "$tmp/dots_out" ] || bad "dots: the output directory was made for a refused run"
mk dot 'logits=.'
expect dot 3 "dots only" run "$tmp/dot.mote" "$tmp/dot_out"
long=$(printf 'x%.0s' $(seq 1 300))
mk long "logits=$long"
expect long 3 "longer than" run "$tmp/long.mote" "$tmp/long_out"

# two outputs that map to one file: refused naming both, nothing written
mk clash 'logits=a/b' "+$mid" && "$rename" "$tmp/clash.onnx" "$tmp/clash.onnx" "$mid=a_b" &&
	"$mote" compile "$tmp/clash.onnx" -o "$tmp/clash.mote" > /dev/null || bad "cannot make clash.mote"
expect clash 3 "outputs 'a_b' and 'a/b' would both be written as a_b.npy" run "$tmp/clash.mote" "$tmp/clash_out"
[ ! -e "$tmp/clash_out" ] || bad "clash: the output directory was made for a refused run"

# an empty directory name is a usage error, for --output and --dump alike
expect empty-output 2 "empty directory name" run "$tmp/plain.mote" ""
expect empty-dump 2 "empty directory name" "$mote" gemm --m 8 --k 8 --n 8 --dump ""

# a symbolic link planted under an output's name is replaced, never written through
mkdir -p "$tmp/s"; echo victim > "$tmp/victim"; ln -s "$tmp/victim" "$tmp/s/logits.npy"
ln -s "$tmp/victim" "$tmp/s/y.npy"
run "$tmp/plain.mote" "$tmp/s" > /dev/null || bad "symlink: run failed"
"$mote" gemm --m 8 --k 8 --n 8 --dump "$tmp/s" > /dev/null || bad "symlink: gemm --dump failed"
[ "$(cat "$tmp/victim")" = victim ] || bad "symlink: the link's target was written"
[ -f "$tmp/s/logits.npy" ] && [ ! -L "$tmp/s/logits.npy" ] || bad "symlink: logits.npy is not a plain file"
cmp -s "$tmp/ref/logits.npy" "$tmp/s/logits.npy" || bad "symlink: logits.npy differs"

# a write that fails is reported, not called written, and leaves no partial or temporary file
mkdir -p "$tmp/w/logits.npy"
out=$(run "$tmp/plain.mote" "$tmp/w" 2>&1); rc=$?
[ $rc -eq 3 ] || bad "failed write: exit $rc, wanted 3"
grep -q "cannot write logits.npy" <<<"$out" || bad "failed write: no error in: $out"
grep -q "written" <<<"$out" && bad "failed write: reported written: $out"
only "$tmp/w" logits.npy

# compile never overwrites its own input (same path, another spelling, a hard link) ...
cp "$onnx" "$tmp/in.onnx"; ln "$tmp/in.onnx" "$tmp/in_link.onnx"
for o in "$tmp/in.onnx" "$tmp/./in.onnx" "$tmp/in_link.onnx"; do
	expect "compile -o $o" 2 "it is the model being compiled" "$mote" compile "$tmp/in.onnx" -o "$o"
done
cmp -s "$onnx" "$tmp/in.onnx" || bad "compile: its input changed"
# ... and a compile that fails leaves an existing output as it was
cp "$tmp/plain.mote" "$tmp/keep.mote"; head -c 100 "$onnx" > "$tmp/broken.onnx"
expect "failed compile" 3 "broken.onnx" "$mote" compile "$tmp/broken.onnx" -o "$tmp/keep.mote"
cmp -s "$tmp/plain.mote" "$tmp/keep.mote" || bad "failed compile: the existing output changed"
only_tmp=$(find "$tmp" -name '.mote-tmp-*' | head -1)
[ -z "$only_tmp" ] || bad "a temporary file was left behind: $only_tmp"

# --json: names with quotes, backslashes, control and invalid UTF-8 bytes still give
# one well-formed object, and so does an error
py=/usr/bin/python3
mk quote $'logits=q"u\\o\x01te\xff\xc3\xa9'
"$mote" run "$tmp/quote.mote" --input image=$img --json > "$tmp/quote.json" || bad "json: run failed"
$py -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["outputs"]==["q\"u\\o\x01te\ufffd\u00e9"], d["outputs"]; assert d["status"]==0 and len(d["steps"])>0' \
	"$tmp/quote.json" || bad "json: names not escaped: $(cat "$tmp/quote.json")"
for args in "run $tmp/nothere.mote --input image=$img" "run $tmp/plain.mote --input image=$img --output $tmp/w" \
	"eval $tmp/nothere.mote --data $img --labels $img" "run --onnx-test $tmp/nothere"; do
	"$mote" $args --json > "$tmp/err.json" 2> /dev/null
	$py -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]==3 and d["error"], d' "$tmp/err.json" ||
		bad "json: mote $args --json: not one object with an error: $(cat "$tmp/err.json")"
done

# eval: labels are one class index per image, in the model's class range
$py - "$tmp" <<'PY'
import sys, numpy as np
t = sys.argv[1]
y = np.load("models/fashion_mnist/test_labels.npy").astype(np.int64)
np.save(t + "/onehot.npy", np.eye(10, dtype=np.int64)[y])
np.save(t + "/toomany.npy", np.concatenate([y, y[:1]]))
r = y.copy(); r[5] = 12; np.save(t + "/range.npy", r)
np.save(t + "/float.npy", y.astype(np.float32))
PY
ev() { "$mote" eval "$tmp/plain.mote" --data models/fashion_mnist/test_images.npy "$@"; }
expect onehot 3 "shape (300, 10); expected one class index per image, shape (300,)" ev --labels "$tmp/onehot.npy"
expect toomany 3 "301 labels for 300 images" ev --labels "$tmp/toomany.npy"
expect range 3 "label 12 at index 5 is outside the model's 10 classes (0..9)" ev --labels "$tmp/range.npy"
expect float 3 "must be integers" ev --labels "$tmp/float.npy"
expect agree-range 3 "prediction 12 at index 5" ev --labels models/fashion_mnist/test_labels.npy --agree "$tmp/range.npy"
expect eval-ok 0 "top-1 accuracy" ev --labels models/fashion_mnist/test_labels.npy --limit 2
# eval's progress line: on a terminal only (script(1), Debian's essential bsdutils, gives it one),
# never with --quiet
evt="$mote eval $tmp/plain.mote --data models/fashion_mnist/test_images.npy --labels models/fashion_mnist/test_labels.npy --limit 40"
script -qec "$evt" /dev/null | grep -q "images/s, about" || bad "progress: no progress line on a terminal"
script -qec "$evt --quiet" /dev/null | grep -q "images/s" && bad "progress: a progress line with --quiet"
$evt 2>&1 | grep -q "images/s" && bad "progress: a progress line without a terminal"

# info MODEL.mote: the model as the loader reads it; a file that is none is refused
expect info-model 0 "steps:" "$mote" info "$tmp/plain.mote"
"$mote" info "$tmp/plain.mote" --json > "$tmp/info.json" || bad "info-model --json failed"
"$mote" run "$tmp/plain.mote" --input image=$img > "$tmp/info_run.txt" || bad "info-model: run failed"
$py -c 'import json, sys; d = json.load(open(sys.argv[1])); run = open(sys.argv[2]).read().split("\n")
assert [(t["name"], t["dtype"], t["shape"]) for t in d["inputs"]] == [("image", "float32", [1, 1, 28, 28])], d["inputs"]
assert [t["name"] for t in d["outputs"]] == ["logits"], d["outputs"]
steps = [l.split()[1:3] for l in run if l[:5].strip().isdigit() and l.split()[1] in ("device", "host")]
assert [[("device" if s["device"] else "host"), s["op"]] for s in d["steps"]] == steps, (d["steps"], steps)
assert d["rows"] == 8 and d["cols"] == 8 and all(s["macs"] > 0 for s in d["steps"] if s["device"])' \
	"$tmp/info.json" "$tmp/info_run.txt" || bad "info-model: the JSON does not describe the model as run shows it"
head -c 300 /dev/urandom > "$tmp/junk.mote"
expect info-junk 3 "not a .mote file" "$mote" info "$tmp/junk.mote"
# compile --json: one object, the model as info describes it; on an error, one with the error
"$mote" compile "$onnx" -o "$tmp/cj.mote" --json > "$tmp/cj.json" || bad "compile --json failed"
"$mote" info "$tmp/cj.mote" --json > "$tmp/cj_info.json" || bad "compile --json: info failed"
$py -c 'import json, sys; c = json.load(open(sys.argv[1])); i = json.load(open(sys.argv[2]))
assert c["status"] == 0 and c["compile_ms"] > 0 and c["warnings"] == [], c
for k in ("bytes", "rows", "cols", "features", "inputs", "outputs", "steps", "const_bytes", "arena_bytes"):
    assert c[k] == i[k], (k, c[k], i[k])' "$tmp/cj.json" "$tmp/cj_info.json" || bad "compile --json: not the model info describes"
"$mote" compile "$tmp/junk.mote" -o "$tmp/cj2.mote" --json > "$tmp/cj2.json" 2> /dev/null
$py -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["status"] == 3 and "ONNX" in d["error"], d' \
	"$tmp/cj2.json" || bad "compile --json: an error is not one object with it: $(cat "$tmp/cj2.json")"

# eval --predictions: one int32 top-1 per image, the accuracy printed is theirs; never over an input
expect predictions 0 "predictions: 7 top-1 classes written" ev --labels models/fashion_mnist/test_labels.npy --limit 7 \
	--predictions "$tmp/pred.npy"
acc=$(ev --labels models/fashion_mnist/test_labels.npy --limit 7 | sed -n 's/.*top-1 accuracy \([0-9.]*\).*/\1/p')
$py -c 'import sys, numpy as np; p = np.load(sys.argv[1]); y = np.load("models/fashion_mnist/test_labels.npy")[:7]
assert p.dtype == np.int32 and p.shape == (7,) and ((p >= 0) & (p < 10)).all(), (p.dtype, p.shape)
assert abs((p == y).mean() - float(sys.argv[2])) < 1e-4, ((p == y).mean(), sys.argv[2])' "$tmp/pred.npy" "$acc" ||
	bad "predictions: not 7 int32 classes that give the accuracy printed ($acc)"
# eval --json: the confusion matrix, labels by predictions, agrees with the predictions written
ev --labels models/fashion_mnist/test_labels.npy --limit 7 --predictions "$tmp/pred7.npy" --json > "$tmp/conf.json" ||
	bad "confusion: eval --json failed"
$py -c 'import json, sys, numpy as np; d = json.load(open(sys.argv[1])); p = np.load(sys.argv[2])
y = np.load("models/fashion_mnist/test_labels.npy")[:7]; c = np.array(d["confusion"])
want = np.zeros((10, 10), int); np.add.at(want, (y, p), 1)
assert (c == want).all() and abs(np.trace(c) / 7 - d["accuracy"]) < 1e-9, (c, want)' "$tmp/conf.json" "$tmp/pred7.npy" ||
	bad "confusion: not the labels-by-predictions counts"
cp models/fashion_mnist/test_labels.npy "$tmp/labels.npy"
expect predictions-input 2 "an input; name another file" ev --labels "$tmp/labels.npy" --limit 2 --predictions "$tmp/labels.npy"
cmp -s models/fashion_mnist/test_labels.npy "$tmp/labels.npy" || bad "predictions-input: the labels file changed"

# run: an input's type and shape must be the model input's exactly, and a file is one array
$py - "$tmp" <<'PY'
import sys, numpy as np
t = sys.argv[1]
x = np.load("models/fashion_mnist/one_image.npy")
np.save(t + "/flat.npy", x.reshape(-1))
np.save(t + "/three.npy", x.reshape(x.shape[1:]))
np.save(t + "/f64.npy", x.astype(np.float64))
PY
cp "$img" "$tmp/trailing.npy"; printf 'xyz' >> "$tmp/trailing.npy"
rin() { "$mote" run "$tmp/plain.mote" --input "image=$1"; }
expect flat-input 3 "input 'image' takes float32 (1, 1, 28, 28), the file holds float32 (784,)" rin "$tmp/flat.npy"
expect rank3-input 3 "the file holds float32 (1, 28, 28)" rin "$tmp/three.npy"
expect f64-input 3 "the file holds float64 (1, 1, 28, 28)" rin "$tmp/f64.npy"
expect trailing 3 "bytes after the array" rin "$tmp/trailing.npy"
expect right-input 0 "logits" rin "$img"

# compile: a model that needs more device memory than the target has is refused, naming both;
# exactly the memory it names is enough, one block less is not
expect small-target 3 "the target sim:mem=4096 has 4096" "$mote" compile "$onnx" -o "$tmp/small.mote" --target sim:mem=4096
[ ! -e "$tmp/small.mote" ] || bad "small-target: a model file was written"
need=$("$mote" compile "$onnx" -o "$tmp/small.mote" --target sim:mem=4096 2>&1 | sed -n 's/.*needs \([0-9]*\) bytes.*/\1/p')
[ -n "$need" ] && [ $((need % 64)) -eq 0 ] || bad "small-target: no whole-block byte count in the refusal"
expect fits-exactly 0 "bytes for 8x8" "$mote" compile "$onnx" -o "$tmp/fits.mote" --target "sim:mem=$need"
expect one-block-short 3 "needs $need bytes" "$mote" compile "$onnx" -o "$tmp/short.mote" --target "sim:mem=$((need - 64))"
"$mote" run "$tmp/fits.mote" --input image=$img --device "sim:mem=$need" > /dev/null ||
	bad "fits-exactly: the model does not run in the memory compile said it needs"

# an ONNX test case without expected outputs checks nothing: it must not pass
mkdir -p "$tmp/noexp/test_data_set_0"; cp models/onnx_cases/qdq_conv_relu/model.onnx "$tmp/noexp/"
cp models/onnx_cases/qdq_conv_relu/test_data_set_0/input_*.pb "$tmp/noexp/test_data_set_0/"
expect no-expected 3 "nothing to compare" "$mote" run --onnx-test "$tmp/noexp"
expect with-expected 0 "0 failed" "$mote" run --onnx-test models/onnx_cases/qdq_conv_relu

# a model the compiler cannot take names its real cause: the unsupported operator (not the float
# neighbour it keeps from folding), the bias of the wrong length, the scale too small to be one, a
# model with nothing quantized (the Fashion-MNIST model edited by numpy/onnx)
/usr/bin/python3 - "$onnx" "$tmp" <<'PY' || bad "cannot make the edited models"
import copy, sys
import numpy as np, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1]); out = sys.argv[2]
def init(g, name):
    return next(i for i, t in enumerate(g.initializer) if t.name == name)
a = copy.deepcopy(m)   # the first Relu becomes a Sin
next(n for n in a.graph.node if n.op_type == "Relu").op_type = "Sin"
onnx.save(a, out + "/sin.onnx")
b = copy.deepcopy(m)   # the first Conv's float bias cut to 7 values
c = next(n for n in b.graph.node if n.op_type == "Conv"); i = init(b.graph, c.input[2])
b.graph.initializer[i].CopyFrom(numpy_helper.from_array(numpy_helper.to_array(b.graph.initializer[i])[:7], c.input[2]))
onnx.save(b, out + "/bias7.onnx")
s = copy.deepcopy(m)   # the input's scale 1e-30
q = next(n for n in s.graph.node if n.op_type == "QuantizeLinear"); i = init(s.graph, q.input[1])
s.graph.initializer[i].CopyFrom(numpy_helper.from_array(np.array(1e-30, np.float32), q.input[1]))
onnx.save(s, out + "/scale.onnx")
f = copy.deepcopy(m)   # every QuantizeLinear/DequantizeLinear pair taken out: a float model
alias = {}
for n in f.graph.node:
    if n.op_type in ("QuantizeLinear", "DequantizeLinear"):
        alias[n.output[0]] = n.input[0]
def real(x):
    while x in alias:
        x = alias[x]
    return x
keep = [n for n in f.graph.node if n.op_type not in ("QuantizeLinear", "DequantizeLinear")]
for n in keep:
    for k in range(len(n.input)):
        n.input[k] = real(n.input[k])
for o in f.graph.output:
    o.name = real(o.name)
del f.graph.node[:]; f.graph.node.extend(keep)
onnx.save(f, out + "/float.onnx")
PY
expect cause-operator 3 "node '/conv1/Relu': unsupported operator Sin (neither the accelerator nor the host runs it)" \
	"$mote" compile "$tmp/sin.onnx" -o "$tmp/bad.mote"
expect cause-bias 3 "malformed model: node '/conv1/Conv' (Conv): bias 'conv1.bias' has 7 values for 16 output channels" \
	"$mote" compile "$tmp/bias7.onnx" -o "$tmp/bad.mote"
expect cause-scale 3 "is not an int32 multiple of its scale" "$mote" compile "$tmp/scale.onnx" -o "$tmp/bad.mote"
expect cause-scale-why 3 "(input scale 1e-30 x weight scale" "$mote" compile "$tmp/scale.onnx" -o "$tmp/bad.mote"
expect cause-float 3 "this model is not quantized" "$mote" compile "$tmp/float.onnx" -o "$tmp/bad.mote"
expect cause-check 3 "this model is not quantized" "$mote" run "$tmp/plain.mote" --input image=$img --check "$tmp/float.onnx"
[ -e "$tmp/bad.mote" ] && bad "a refused compile left $tmp/bad.mote"

# models/README.md's operator table is the compiler's own (mote ops --markdown)
sed -n '/^<!-- mote ops --markdown -->$/,/^<!-- end of mote ops -->$/p' models/README.md | sed '1d;$d' > "$tmp/ops_readme.md"
"$mote" ops --markdown > "$tmp/ops.md" || bad "mote ops --markdown failed"
[ -s "$tmp/ops.md" ] && cmp -s "$tmp/ops.md" "$tmp/ops_readme.md" ||
	bad "models/README.md's operator table differs from mote ops --markdown (regenerate it)"
"$mote" ops | grep -q "^Conv  *folded" || bad "mote ops: no Conv line"

# usage errors are exit 2 and name what is missing; files that cannot be read say why
expect run-no-input 2 "input 'image' is missing: give it with --input image=FILE.npy (shape [1,1,28,28], float32)" \
	"$mote" run "$tmp/plain.mote"
expect run-nothing 2 "what to run is missing" "$mote" run
expect read-why 3 "cannot read $tmp/none.onnx: No such file or directory" "$mote" compile "$tmp/none.onnx" -o "$tmp/n.mote"
expect eval-read-why 3 "cannot read $tmp/none.mote: No such file or directory" \
	"$mote" eval "$tmp/none.mote" --data models/fashion_mnist/test_images.npy --labels models/fashion_mnist/test_labels.npy
# a model runs on the array it was compiled for unless told otherwise
"$mote" compile "$onnx" -o "$tmp/fm16.mote" --target sim:rows=16,cols=16 > /dev/null || bad "compile for 16x16"
expect run-own-geometry 0 "tensors differ, bit-exact" "$mote" run "$tmp/fm16.mote" --input image=$img --check "$onnx"
expect eval-own-geometry 0 "on sim:rows=16,cols=16: 2 images" "$mote" eval "$tmp/fm16.mote" \
	--data models/fashion_mnist/test_images.npy --labels models/fashion_mnist/test_labels.npy --limit 2
expect run-told-otherwise 3 "built for a 16x16 array" "$mote" run "$tmp/fm16.mote" --input image=$img --device sim

# a long job shows its progress on a terminal (script(1) makes one), not with --quiet, not in a pipe
long=("$mote" gemm --m 384 --k 384 --n 384 --device sim:rows=4,cols=4)
out=$(script -qec "${long[*]}" /dev/null | tr '\r' '\n')
grep -q "^  job: [0-9]* of [0-9]* commands ([0-9]*%), [0-9.]* M cycles/s, [0-9]* s left" <<<"$out" ||
	bad "progress: no progress line on a terminal: $out"
grep -q "0 mismatches against the reference executor (bit-exact)" <<<"$out" || bad "progress: the run itself: $out"
out=$(script -qec "${long[*]} --quiet" /dev/null | tr '\r' '\n')
grep -q "job:" <<<"$out" && bad "progress: a progress line with --quiet"
out=$("${long[@]}" 2>&1)
grep -q "job:" <<<"$out" && bad "progress: a progress line in a pipe"

# what cannot fit the device is refused at once (it took 40 s and 4 GB, and 73 s), naming the bytes
expect gemm-too-big 3 "needs at least 55834574848 bytes of device memory (input 4294967296, weights 4294967296" \
	timeout 5 "$mote" gemm --m 65536 --k 65536 --n 65536
expect conv-too-big 3 "1121733 MATMUL commands at the least), the device has 16777216" \
	timeout 5 "$mote" conv --h 8 --w 8 --cin 4 --cout 4 --kh 255 --kw 255 --pad 255
expect conv-too-big-board 3 "the device has 131072" \
	timeout 5 "$mote" conv --h 64 --w 64 --cin 64 --cout 64 --kh 3 --kw 3 --pad 1 --device sim:board=icebreaker

# a device that cannot be opened: the reason, not the error class (exit 3, every command)
expect uri-key 3 "unknown key 'row' (sim keys: rows, cols," "$mote" info --device sim:row=8
expect uri-mem 3 "mem=4097: bytes, a multiple of 64" "$mote" gemm --m 8 --k 8 --n 8 --device sim:mem=4097
expect uri-latency 3 "latency=0: cycles, 1..4096" "$mote" conv --h 4 --w 4 --cin 4 --cout 4 --kh 1 --kw 1 \
	--device sim:latency=0
expect uri-geometry 3 "no 5x5 simulator in this build (it has 4x4, 8x8, 16x16; boards: icebreaker, ecp5_45f)" \
	"$mote" run "$tmp/plain.mote" --input image=$img --device sim:rows=5,cols=5
expect uri-pcie 3 "no pcie backend" "$mote" eval "$tmp/plain.mote" --data models/fashion_mnist/test_images.npy \
	--labels models/fashion_mnist/test_labels.npy --device pcie
expect uri-trace 3 "cannot write the waveform file trace=$tmp/no-dir/t.fst: No such file or directory" \
	"$mote" info --device "sim:trace=$tmp/no-dir/t.fst"
MOTE_TRACE="$tmp/no-dir/e.fst" expect uri-mote-trace 3 "MOTE_TRACE=$tmp/no-dir/e.fst: No such file or directory" \
	"$mote" compile "$onnx" -o "$tmp/t.mote" --target sim
expect uri-selftest 1 "FAIL identity: cannot open 'sim:bw=0': bw=0: request bytes per cycle" \
	"$mote" selftest --device sim:bw=0

# --sparsity 2:4: the dense command's JSON keys plus dense_cycles, speedup and
# effective_utilization; both runs bit-exact; a bad value is a usage error
"$mote" gemm --m 33 --k 70 --n 11 --json > "$tmp/dense.json" || bad "sparsity: dense gemm failed"
"$mote" gemm --m 33 --k 70 --n 11 --sparsity 2:4 --json > "$tmp/sparse.json" || bad "sparsity: sparse gemm failed"
$py -c 'import json,sys
d=json.load(open(sys.argv[1])); s=json.load(open(sys.argv[2]))
assert set(s) == set(d) | {"dense_cycles", "speedup", "effective_utilization"}, set(s) ^ set(d)
assert s["mismatches"] == 0 and s["dense_cycles"] > s["cycles"] > 0, s
assert abs(s["speedup"] - s["dense_cycles"] / s["cycles"]) < 1e-9, s
assert s["perf"]["macs_useful"] < s["perf"]["macs_dense"] <= 2 * s["perf"]["macs_useful"], s["perf"]' \
	"$tmp/dense.json" "$tmp/sparse.json" || bad "sparsity: JSON keys or figures wrong"
"$mote" conv --h 7 --w 6 --cin 3 --cout 5 --kh 3 --kw 3 --pad 1 --sparsity 2:4 > /dev/null || bad "sparsity: sparse conv failed"
expect bad-sparsity 2 "dense or 2:4" "$mote" gemm --m 8 --k 8 --n 8 --sparsity 1:4
expect sparse-groups 2 "without groups" "$mote" conv --h 5 --w 5 --cin 4 --cout 4 --kh 3 --kw 3 --groups 4 --sparsity 2:4

# --report's measured table: a device that counts dense-equivalent MACs gets an effective
# utilization (a dense model: equal to the utilization); the board keeps three counters, so
# its column reads "-", never a measured-looking 0
rep=$("$mote" compile "$onnx" -o "$tmp/rep8.mote" --target sim:rows=8,cols=8 --report 2>&1) || bad "report 8x8: $rep"
grep -qE "^  total: .*utilization ([0-9.]+), effective \1$" <<<"$rep" || bad "report 8x8: effective is not the utilization: $rep"
rep=$("$mote" compile "$onnx" -o "$tmp/repib.mote" --target sim:board=icebreaker --report 2>&1) || bad "report board: $rep"
grep -qE "^ +[0-9]+ +[^ ]+ +conv +[0-9]+ +[0-9]+ +[0-9.]+ +-$" <<<"$rep" || bad "report board: a layer's effective is not -: $rep"
grep -q "effective - (the device does not count dense-equivalent MACs)" <<<"$rep" || bad "report board: total: $rep"

# run --perf: each device step's busy and byte counters as --json reports them, their sums on
# the busy line; a device that keeps none of them (the board keeps three counters) prints "-"
"$mote" run "$tmp/plain.mote" --input image=$img --perf > "$tmp/perf.txt" || bad "perf: run failed"
"$mote" run "$tmp/plain.mote" --input image=$img --json > "$tmp/perf.json" || bad "perf: run --json failed"
$py - "$tmp/perf.txt" "$tmp/perf.json" <<'PY' || bad "perf: --perf disagrees with --json: $(cat "$tmp/perf.txt")"
import json, re, sys
txt = open(sys.argv[1]).read().split("\n"); steps = [s for s in json.load(open(sys.argv[2]))["steps"] if s["device"]]
pat = r"load (\d+), compute (\d+), store (\d+) cycles; bytes read (\d+), written (\d+)"
rows = [tuple(map(int, m.groups())) for m in (re.search(r"^ +busy " + pat + r"$", l) for l in txt) if m]
keys = ("load_busy", "compute_busy", "store_busy", "bytes_read", "bytes_written")
want = [tuple(s["perf"][k] for k in keys) for s in steps]
assert rows == want and len(rows) > 0, (rows, want)
tot = [tuple(map(int, m.groups())) for m in (re.search(r"^busy: " + pat + " over the device steps$", l) for l in txt) if m]
assert tot == [tuple(map(sum, zip(*want)))], tot
assert all(r[0] > 0 and r[1] > 0 and r[2] > 0 for r in rows), rows
PY
"$mote" compile "$onnx" -o "$tmp/perfib.mote" --target sim:board=icebreaker > /dev/null || bad "perf: board compile failed"
out=$("$mote" run "$tmp/perfib.mote" --input image=$img --device sim:board=icebreaker --perf 2>&1) || bad "perf: board run: $out"
grep -qx " *busy load -, compute -, store - cycles; bytes read -, written -" <<<"$out" || bad "perf: board step: $out"
grep -qx "busy: load -, compute -, store - cycles; bytes read -, written - over the device steps (-: not counted by this device)" \
	<<<"$out" || bad "perf: board total: $out"

[ $fail -eq 0 ] && echo "check_cli: hostile names, clashes, links, failed writes, self-overwrites, JSON escaping and errors, labels and empty checks, device URIs, --sparsity, --report's effective column, run --perf all handled"
exit $fail
