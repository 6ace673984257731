#!/usr/bin/python3
"""make_qdq_case.py OUTDIR: a QDQ-encoded int8 Conv+Relu test case in the layout
of the ONNX backend test suite (model.onnx, test_data_set_0/{input,output}_0.pb).

The model is what PyTorch's exporter produces for a quantized conv layer:
DequantizeLinear on the uint8 input, the int8 per-channel weights and the int32
bias, a float Conv and Relu, then QuantizeLinear.  The expected output is
computed here with those float operators' definitions (numpy, float64), not
with the integer path under test.  The scales are powers of two, so the float
arithmetic is exact and rounding (half to even, as QuantizeLinear defines it)
is the only thing both paths must agree on.  Needs python3-onnx, python3-numpy.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(out):
    rng = np.random.default_rng(20261123)
    n, cin, h, w, cout, k = 1, 5, 9, 7, 6, 3
    xs, xz = 2.0 ** -4, 128
    ws = np.array([2.0 ** -e for e in (5, 6, 4, 5, 7, 6)], dtype=np.float32)
    ys, yz = 2.0 ** -2, 90
    wq = rng.integers(-128, 128, size=(cout, cin, k, k), dtype=np.int8)
    bq = rng.integers(-3000, 3000, size=(cout,), dtype=np.int32)
    xq = rng.integers(0, 256, size=(n, cin, h, w), dtype=np.uint8)

    init = [
        numpy_helper.from_array(np.array(xs, dtype=np.float32), "x_scale"),
        numpy_helper.from_array(np.array(xz, dtype=np.uint8), "x_zero_point"),
        numpy_helper.from_array(wq, "w_q"),
        numpy_helper.from_array(ws, "w_scale"),
        numpy_helper.from_array(np.zeros(cout, dtype=np.int8), "w_zero_point"),
        numpy_helper.from_array(bq, "b_q"),
        numpy_helper.from_array((ws * np.float32(xs)).astype(np.float32), "b_scale"),
        numpy_helper.from_array(np.zeros(cout, dtype=np.int32), "b_zero_point"),
        numpy_helper.from_array(np.array(ys, dtype=np.float32), "y_scale"),
        numpy_helper.from_array(np.array(yz, dtype=np.uint8), "y_zero_point"),
    ]
    nodes = [
        helper.make_node("DequantizeLinear", ["x", "x_scale", "x_zero_point"], ["x_f"], name="dq_x"),
        helper.make_node("DequantizeLinear", ["w_q", "w_scale", "w_zero_point"], ["w_f"], name="dq_w", axis=0),
        helper.make_node("DequantizeLinear", ["b_q", "b_scale", "b_zero_point"], ["b_f"], name="dq_b", axis=0),
        helper.make_node("Conv", ["x_f", "w_f", "b_f"], ["c"], name="conv0", pads=[1, 1, 1, 1],
                         strides=[1, 1], kernel_shape=[k, k]),
        helper.make_node("Relu", ["c"], ["r"], name="relu0"),
        helper.make_node("QuantizeLinear", ["r", "y_scale", "y_zero_point"], ["y"], name="q_y"),
    ]
    graph = helper.make_graph(
        nodes, "qdq_conv_relu",
        [helper.make_tensor_value_info("x", TensorProto.UINT8, [n, cin, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [n, cout, h, w])], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)

    # the float definitions: dequantize, convolve, add bias, relu, quantize
    x = (xq.astype(np.float64) - xz) * xs
    wf = wq.astype(np.float64) * ws.astype(np.float64)[:, None, None, None]
    bf = bq.astype(np.float64) * (ws.astype(np.float64) * xs)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    c = np.zeros((n, cout, h, w))
    for ky in range(k):
        for kx in range(k):
            c += np.einsum("nchw,oc->nohw", xp[:, :, ky:ky + h, kx:kx + w], wf[:, :, ky, kx])
    c += bf[None, :, None, None]
    r = np.maximum(c, 0.0)
    y = np.clip(np.round(r / ys) + yz, 0, 255).astype(np.uint8)  # np.round: half to even

    os.makedirs(os.path.join(out, "test_data_set_0"), exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "test_data_set_0", "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(xq, "x").SerializeToString())
    with open(os.path.join(out, "test_data_set_0", "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(y, "y").SerializeToString())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_qdq_case.py OUTDIR")
    main(sys.argv[1])
