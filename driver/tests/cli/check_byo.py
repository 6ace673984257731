#!/usr/bin/python3
"""check_byo.py MOTE DIR: the models of scripts/byo_pytorch.py (in DIR) compiled and run by mote,
held to PyTorch's own int8 execution (make test-byo).

Required agreement, per recipe:
  relu_maxpool  every logit of every input identical to PyTorch's int8 model (unfused ReLUs
                join their convolutions exactly; max pooling commutes with the quantization)
  relu_gap      identical on all but 3 of the 16 inputs, and the others within one step of the
                output's quantization: the global average pool keeps its input's quantization as
                PyTorch's does, but mote divides by the window through the requantization
                multiplier of 1/196, which rounds exact ties of sum/196 (about 0.6% of windows)
                by the multiplier's error instead of to even
  conv_bn_relu  every logit identical (the QAT Conv+BatchNorm folds into the convolution with the
                bias PyTorch's conversion computes)
  relu6         held to PyTorch's fake-quantized model instead (the graph that was exported): every
                logit within one output step (it computes the layers in float and rounds once at
                each fake quantization; mote in integers: 10 of 16 inputs come out identical). The
                export puts ReLU6's observer (a QuantizeLinear) after the Clip, and PyTorch's own
                int8 ReLU6 keeps its input's quantization and skips that observer, so its int8
                model computes another function; that agreement is printed for information
  leaky, sigmoid  every logit identical (the activation between two quantizations as a table of
                Q(f(DQ(x))) in float32, rounding half to even, as PyTorch's quantized kernels do)
  fbgemm, x86   held to the fake-quantized model: every logit within one step (per-channel
                weights, 7-bit activations as integer Clips); PyTorch's int8 model runs on its
                qnnpack engine here (Debian's has no FBGEMM), not the engine these qconfigs are
                for, so that agreement is printed for information only
and on the first input every tensor bit-exact with mote's reference executor (--check).
"""
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

mote, d = sys.argv[1], sys.argv[2]
fail = 0
for name, ref, need_same in (("relu_maxpool", "int8", 16), ("relu_gap", "int8", 13), ("conv_bn_relu", "int8", 16),
                             ("relu6", "fq", 0), ("relu6", "int8", None), ("leaky", "int8", 16),
                             ("sigmoid", "int8", 16), ("fbgemm", "fq", 0), ("x86", "fq", 0), ("fbgemm", "int8", None)):
    onnx_path = f"{d}/{name}.onnx"
    m = onnx.load(onnx_path)
    last_dq = [n for n in m.graph.node if n.op_type == "DequantizeLinear"][-1]
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    step = float(inits[last_dq.input[1]])
    subprocess.run([mote, "compile", onnx_path, "-o", f"{d}/{name}.mote"], check=True, capture_output=True)
    x, want = np.load(f"{d}/{name}_x.npy"), np.load(f"{d}/{name}_{ref}.npy")
    same, worst = 0, 0.0
    for i in range(len(x)):
        np.save(f"{d}/x.npy", x[i:i + 1])
        cmd = [mote, "run", f"{d}/{name}.mote", "--input", f"image={d}/x.npy", "--output", f"{d}/out"]
        if i == 0:
            cmd += ["--check", onnx_path]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or (i == 0 and "bit-exact" not in r.stdout):
            print(f"check_byo: {name}: mote run failed or not bit-exact:\n{r.stdout}{r.stderr}")
            fail = 1
            break
        got = np.load(f"{d}/out/logits.npy").reshape(-1)
        diff = float(np.abs(got - want[i]).max())
        same += diff == 0
        worst = max(worst, diff)
    ok = need_same is None or (same >= need_same and worst <= step * 1.0001)
    req = "none" if need_same is None else f"{need_same} identical, at most 1 step"
    what = "int8 model" if ref == "int8" else "fake-quantized model"
    print(f"check_byo: {name}: {same} of {len(x)} inputs' logits identical to PyTorch's {what}, "
          f"largest difference {worst / step:.2f} output steps (required: {req}): {'ok' if ok else 'FAILED'}")
    fail |= not ok
sys.exit(fail)
