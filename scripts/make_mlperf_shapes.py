#!/usr/bin/python3
"""make_mlperf_shapes.py --out DIR [--seed N] [--only NAME]: three int8 QDQ ONNX
models shaped like the MLPerf Tiny reference networks, with random weights.

What.  The MLPerf Tiny benchmark (mlcommons/tiny) ships its reference networks as
int8 TFLite files (see shared/models/mlperf-tiny/README.md).  This script builds
ONNX models with the same layer shapes, so the compiler and simulator can be
benchmarked on realistic networks without a TFLite reader or trained weights:

  resnet8           image classification, 1x3x32x32, ResNet-8 (16/32/64 ch)
  dscnn             keyword spotting, 1x1x49x10, DS-CNN (64 ch, 4 dw blocks)
  mobilenet_v1_025  visual wake words, 1x3x96x96, MobileNetV1 alpha 0.25

The weights are random int8; nothing is copied from the reference files.

Why QDQ.  It is the form PyTorch's QAT export (opset 13) produces, and the form
the compiler folds: every layer is DequantizeLinear on its int8 operands, the
float operator, and QuantizeLinear on its output.  Concretely:

  input (float) -> QuantizeLinear -> DequantizeLinear                  (int8, zp 0)
  DQ(x), DQ(W_q; per-channel, axis 0), float bias -> Conv -> [Relu] -> Q -> DQ
  DQ(a), DQ(b) -> Add -> Relu -> Q -> DQ                               (ResNet-8)
  DQ -> AveragePool (kernel = whole map, stride = kernel) -> Q -> DQ
  DQ -> Flatten -> Gemm (transB=1, per-tensor weight scale) -> Q -> DQ
  DQ -> Softmax (axis 1) -> output (float)

Quantization choices a compiler must expect:
  * activations are int8, per-tensor; zero point -128 after a Relu (and after the
    AveragePool of Relu outputs), 0 otherwise (input, conv without Relu, the
    shortcut convs, logits); scale and zero point are 0-D initializers shared by
    each Q/DQ pair.
  * weights are int8 in [-127, 127] with zero point 0; Conv weights have one
    float32 scale per output channel (DequantizeLinear axis=0, 1-D int8 zero
    points), Gemm weights one scale.
  * the bias is a float32 initializer fed straight to Conv/Gemm (as PyTorch
    exports it), equal to bias_q * float32(in_scale * w_scale[o]) with bias_q an
    int32, so round(bias / (in_scale * w_scale[o])) recovers it exactly.
  * activation scales are calibrated on the sample input written beside each
    model (max of the tensor over the int8 range, times a random 1.0..1.1), so
    int8 activations use most of their range without saturating on that input.
    Weight scales are He-like (sqrt(6/fan_in)/127 times 0.8..1.2 per channel).

Padding is TensorFlow's "SAME", as in the reference models: output =
ceil(in/stride), and when the total padding is odd the extra row/column goes at
the bottom/right.  So every 3x3 stride-2 conv (ResNet-8 stacks 2 and 3, all of
MobileNet's) has ONNX pads [top 0, left 0, bottom 1, right 1], 3x3 stride-1
convs pads 1 all round, 1x1 convs none, and DS-CNN's 10x4 stride-2 first conv
pads [4, 1, 5, 1] (49x10 -> 25x5).

Op types used: QuantizeLinear, DequantizeLinear, Conv (group 1 and depthwise),
Relu, Add, AveragePool, Flatten, Gemm, Softmax.  Batch size is 1.

Also writes DIR/NAME_input.npy, a float32 sample input (uniform over the range
the input quantizer covers), from which the scales were calibrated.  Everything
is deterministic for a given --seed; each model has its own random stream, so
--only gives the same file as a full run.  Needs python3-onnx, python3-numpy
(Debian's, under /usr/bin/python3); no onnxruntime: the calibration pass is a
small numpy evaluation of the float operators.
"""
import argparse
import collections
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13

# MACs and parameters of the reference models, from the README's table.
REFERENCE = {
    "resnet8": (12.50e6, 77.7e3),
    "dscnn": (2.66e6, 22.6e3),
    "mobilenet_v1_025": (7.49e6, 210.9e3),
}


def same_pads(size, kernel, stride):
    """TensorFlow SAME padding for one axis: (begin, end), output ceil(size/stride)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d(x, w, bias, stride, pads, group):
    """Float reference Conv for batch 1: x [C,H,W], w [O,C/g,kh,kw], pads (t,l,b,r)."""
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    out_c, cg, kh, kw = w.shape
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))
    win = win[:, ::stride[0], ::stride[1]]                    # [C, OH, OW, kh, kw]
    oh, ow = win.shape[1:3]
    win = win.reshape(group, cg, oh, ow, kh, kw)
    wg = w.reshape(group, out_c // group, cg, kh, kw)
    y = np.einsum("gcyxkl,gockl->goyx", win, wg, optimize=True)
    return y.reshape(out_c, oh, ow) + bias[:, None, None]


class QdqBuilder:
    """Builds a QDQ graph layer by layer while evaluating it in float64 on a
    sample input, so each activation scale can be taken from the real tensor.

    Every layer method takes and returns the name of a DequantizeLinear output;
    self.values holds its (dequantized) value without the batch axis, and
    self.qparams its (scale, zero point)."""

    def __init__(self, name, rng):
        self.name, self.rng = name, rng
        self.nodes, self.inits = [], []
        self.values, self.qparams = {}, {}
        self.macs = self.params = 0
        self.input_shape = self.output_shape = None

    # -- plumbing -----------------------------------------------------------
    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, output, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=name, **attrs))
        return output

    def quantize(self, x, prefix, value, nonneg):
        """Q -> DQ of float tensor x (whose value is given), scale calibrated."""
        qmax = 255.0 if nonneg else 127.0
        peak = max(float(np.abs(value).max()), 1e-3)
        scale = np.float32(peak / qmax * self.rng.uniform(1.0, 1.1))
        zp = -128 if nonneg else 0
        return self.qdq(x, prefix, value, scale, zp)

    def qdq(self, x, prefix, value, scale, zp):
        s = self.const(f"{prefix}/out_scale", np.array(scale, dtype=np.float32))
        z = self.const(f"{prefix}/out_zp", np.array(zp, dtype=np.int8))
        q = self.node("QuantizeLinear", [x, s, z], f"{prefix}/out_q", f"{prefix}/quant")
        dq = self.node("DequantizeLinear", [q, s, z], f"{prefix}/out_dq", f"{prefix}/dequant")
        qv = np.clip(np.round(value / np.float64(scale)) + zp, -128, 127)  # half to even
        self.values[dq] = (qv - zp) * np.float64(scale)
        self.qparams[dq] = (np.float32(scale), zp)
        return dq

    def weights(self, prefix, shape, per_channel):
        """int8 weights and their DequantizeLinear; returns (tensor, scales)."""
        fan_in = int(np.prod(shape[1:]))
        n = shape[0] if per_channel else 1
        scale = (np.sqrt(6.0 / fan_in) / 127.0 * self.rng.uniform(0.8, 1.2, n)).astype(np.float32)
        wq = self.rng.integers(-127, 128, size=shape, dtype=np.int8)
        if per_channel:
            s = self.const(f"{prefix}/w_scale", scale)
            z = self.const(f"{prefix}/w_zp", np.zeros(n, dtype=np.int8))
            attrs = {"axis": 0}
        else:
            s = self.const(f"{prefix}/w_scale", scale.reshape(()))
            z = self.const(f"{prefix}/w_zp", np.array(0, dtype=np.int8))
            attrs = {}
        self.const(f"{prefix}/w_q", wq)
        w = self.node("DequantizeLinear", [f"{prefix}/w_q", s, z], f"{prefix}/w",
                      f"{prefix}/w_dequant", **attrs)
        bshape = (-1,) + (1,) * (len(shape) - 1)
        self.values[w] = wq.astype(np.float64) * scale.astype(np.float64).reshape(bshape)
        self.params += wq.size
        return w, np.broadcast_to(scale, (shape[0],))

    def bias(self, prefix, in_scale, w_scale):
        """float32 bias, an exact int32 multiple of float32(in_scale * w_scale)."""
        step = (np.float32(in_scale) * w_scale).astype(np.float32)
        bq = np.round(self.rng.uniform(-0.1, 0.1, w_scale.size) / step).astype(np.int32)
        b = (bq.astype(np.float64) * step).astype(np.float32)
        assert np.array_equal(np.round(b / step).astype(np.int64), bq), prefix
        self.params += b.size
        self.values[f"{prefix}/b"] = b.astype(np.float64)
        return self.const(f"{prefix}/b", b)

    # -- layers -------------------------------------------------------------
    def input(self, shape, scale):
        """Float graph input `input`, quantized to int8 (zp 0); makes the sample."""
        self.input_shape = list(shape)
        lo, hi = -128 * scale, 127 * scale
        self.sample = self.rng.uniform(lo, hi, size=shape).astype(np.float32)
        return self.qdq("input", "input", self.sample[0].astype(np.float64), scale, 0)

    def conv(self, x, prefix, out_c, kernel, stride=1, group=1, relu=True):
        in_c, h, w = self.values[x].shape
        kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        (top, bottom), (left, right) = same_pads(h, kh, sh), same_pads(w, kw, sw)
        wname, wscale = self.weights(prefix, (out_c, in_c // group, kh, kw), True)
        b = self.bias(prefix, self.qparams[x][0], wscale)
        pads = (top, left, bottom, right)
        y = self.node("Conv", [x, wname, b], f"{prefix}/acc", prefix, kernel_shape=[kh, kw],
                      strides=[sh, sw], pads=list(pads), dilations=[1, 1], group=group)
        value = conv2d(self.values[x], self.values[wname], self.values[b], (sh, sw), pads, group)
        self.macs += value.size * kh * kw * in_c // group
        if relu:
            y = self.node("Relu", [y], f"{prefix}/relu", f"{prefix}/relu")
            value = np.maximum(value, 0.0)
        return self.quantize(y, prefix, value, nonneg=relu)

    def add(self, a, b, prefix, relu=True):
        y = self.node("Add", [a, b], f"{prefix}/sum", prefix)
        value = self.values[a] + self.values[b]
        if relu:
            y = self.node("Relu", [y], f"{prefix}/relu", f"{prefix}/relu")
            value = np.maximum(value, 0.0)
        return self.quantize(y, prefix, value, nonneg=relu)

    def global_avgpool(self, x, prefix):
        """AveragePool whose kernel (and stride) is the whole feature map."""
        c, h, w = self.values[x].shape
        y = self.node("AveragePool", [x], f"{prefix}/avg", prefix,
                      kernel_shape=[h, w], strides=[h, w], pads=[0, 0, 0, 0])
        value = self.values[x].mean(axis=(1, 2), keepdims=True)
        return self.quantize(y, prefix, value, nonneg=self.qparams[x][1] == -128)

    def fc(self, x, prefix, out_n):
        """Flatten (on the float DQ output) -> Gemm, weights [out, in], transB=1."""
        flat = self.node("Flatten", [x], f"{prefix}/flat", f"{prefix}/flatten", axis=1)
        value = self.values[x].reshape(-1)
        wname, wscale = self.weights(prefix, (out_n, value.size), False)
        b = self.bias(prefix, self.qparams[x][0], wscale)
        y = self.node("Gemm", [flat, wname, b], f"{prefix}/acc", prefix,
                      alpha=1.0, beta=1.0, transA=0, transB=1)
        self.macs += value.size * out_n
        value = self.values[wname] @ value + self.values[b]
        return self.quantize(y, prefix, value, nonneg=False)

    def softmax(self, x):
        n = self.values[x].size
        self.output_shape = [1, n]
        return self.node("Softmax", [x], "output", "softmax", axis=1)

    # -- result -------------------------------------------------------------
    def model(self):
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, self.input_shape)],
            [helper.make_tensor_value_info("output", TensorProto.FLOAT, self.output_shape)],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="mote make_mlperf_shapes.py")
        model.doc_string = (f"{self.name}: shaped like the MLPerf Tiny reference model, "
                            "random int8 weights, QDQ form")
        return model


# -- the three networks -------------------------------------------------------
def resnet8(b):
    x = b.input((1, 3, 32, 32), np.float32(1 / 128 * b.rng.uniform(0.9, 1.1)))
    x = b.conv(x, "conv0", 16, 3)
    for name, ch, stride in (("stack1", 16, 1), ("stack2", 32, 2), ("stack3", 64, 2)):
        y = b.conv(x, f"{name}/conv1", ch, 3, stride)
        y = b.conv(y, f"{name}/conv2", ch, 3, 1, relu=False)
        if stride != 1:
            x = b.conv(x, f"{name}/shortcut", ch, 1, stride, relu=False)
        x = b.add(y, x, f"{name}/add")
    x = b.global_avgpool(x, "pool")
    return b.softmax(b.fc(x, "fc", 10))


def dscnn(b):
    x = b.input((1, 1, 49, 10), np.float32(1 / 128 * b.rng.uniform(0.9, 1.1)))
    x = b.conv(x, "conv0", 64, (10, 4), 2)
    for i in range(1, 5):
        x = b.conv(x, f"block{i}/dw", 64, 3, 1, group=64)
        x = b.conv(x, f"block{i}/pw", 64, 1)
    x = b.global_avgpool(x, "pool")
    return b.softmax(b.fc(x, "fc", 12))


MOBILENET_BLOCKS = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2)] + \
                   [(128, 1)] * 5 + [(256, 2), (256, 1)]


def mobilenet_v1_025(b):
    x = b.input((1, 3, 96, 96), np.float32(1 / 128 * b.rng.uniform(0.9, 1.1)))
    x = b.conv(x, "conv0", 8, 3, 2)
    for i, (out_c, stride) in enumerate(MOBILENET_BLOCKS, 1):
        c = b.values[x].shape[0]
        x = b.conv(x, f"block{i}/dw", c, 3, stride, group=c)
        x = b.conv(x, f"block{i}/pw", out_c, 1)
    x = b.global_avgpool(x, "pool")
    return b.softmax(b.fc(x, "fc", 2))


NETWORKS = {"resnet8": resnet8, "dscnn": dscnn, "mobilenet_v1_025": mobilenet_v1_025}


# -- driver --------------------------------------------------------------------
def build(name, seed):
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    b = QdqBuilder(name, rng)
    NETWORKS[name](b)
    model = b.model()
    onnx.checker.check_model(model)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out = inferred.graph.output[0].type.tensor_type.shape
    assert [d.dim_value for d in out.dim] == b.output_shape, name
    return b, model


def summary(b, model, path):
    hist = collections.Counter(n.op_type for n in model.graph.node)
    ref_macs, ref_params = REFERENCE[b.name]
    scales = [float(s) for s, _ in b.qparams.values()]
    lines = [
        f"{b.name}: {path} ({os.path.getsize(path):,} bytes)",
        f"  nodes {len(model.graph.node)}: "
        + ", ".join(f"{op} {n}" for op, n in sorted(hist.items())),
        f"  params {b.params:,} (reference {ref_params / 1e3:.1f} k, "
        f"{100 * (b.params / ref_params - 1):+.2f} %)",
        f"  MACs {b.macs:,} (reference {ref_macs / 1e6:.2f} M, "
        f"{100 * (b.macs / ref_macs - 1):+.2f} %)",
        f"  {len(scales)} int8 activation tensors, scales {min(scales):.4g} .. {max(scales):.4g}",
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--only", choices=sorted(NETWORKS), help="build one model")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name in [args.only] if args.only else NETWORKS:
        b, model = build(name, args.seed)
        path = os.path.join(args.out, f"{name}.onnx")
        onnx.save(model, path)
        np.save(os.path.join(args.out, f"{name}_input.npy"), b.sample)
        print(summary(b, model, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
