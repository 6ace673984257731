#!/usr/bin/python3
"""byo_pytorch.py DIR: small PyTorch models as users bring them, exported to QDQ ONNX with
Debian's PyTorch, with PyTorch's own int8 outputs for comparison (make test-byo).

Recipes (PyTorch 1.13 eager-mode QAT, the qnnpack QAT qconfig version 0 with observers frozen
before export: ../shared/notes.md):
  relu_maxpool  Conv, nn.ReLU (not fused), MaxPool, twice, then Flatten and Linear: no
                QuantizeLinear after the ReLUs and pools
  relu_gap      the same with AdaptiveAvgPool2d(1) as the second pool
  conv_bn_relu  Conv, BatchNorm2d, ReLU fused for QAT (fuse_modules_qat: ConvBnReLU2d), which
                PyTorch exports as Conv, Div, Add, BatchNormalization, Relu, with Constant nodes
  relu6         the first ReLU an nn.ReLU6 (exported as Clip with Constant bounds)
  leaky, sigmoid  the first ReLU an nn.LeakyReLU(0.1) or nn.Sigmoid (its own observer after it)
  fbgemm, x86   relu_maxpool with the fbgemm and x86 QAT qconfigs (per-channel weights, 7-bit
                activations exported as Clip after QuantizeLinear); Debian's PyTorch has no FBGEMM
                engine, so PyTorch's int8 model runs on its qnnpack engine
For each: DIR/NAME.onnx, DIR/NAME_x.npy (N float32 inputs [N,1,28,28]), DIR/NAME_int8.npy (the
logits of torch.ao.quantization.convert's int8 model on them, float32 [N,10]) and DIR/NAME_fq.npy
(the logits of the fake-quantized model that was exported).
"""
import sys

import numpy as np
import torch
import torch.ao.quantization as tq
import torch.nn as nn

N = 16


class Net(nn.Module):
    def __init__(self, gap, bn, act):
        super().__init__()
        self.q, self.dq = tq.QuantStub(), tq.DeQuantStub()
        self.c1, self.p1 = nn.Conv2d(1, 8, 3, padding=1), nn.MaxPool2d(2)
        self.a1 = {"relu": nn.ReLU, "relu6": nn.ReLU6, "sigmoid": nn.Sigmoid,
                   "leaky": lambda: nn.LeakyReLU(0.1)}[act]()
        self.c2, self.a2 = nn.Conv2d(8, 16, 3, padding=1), nn.ReLU()
        self.b1, self.b2 = (nn.BatchNorm2d(8), nn.BatchNorm2d(16)) if bn else (nn.Identity(), nn.Identity())
        self.p2 = nn.AdaptiveAvgPool2d(1) if gap else nn.MaxPool2d(2)
        self.fc = nn.Linear(16 if gap else 16 * 7 * 7, 10)

    def forward(self, x):
        x = self.p1(self.a1(self.b1(self.c1(self.q(x)))))
        x = self.p2(self.a2(self.b2(self.c2(x))))
        return self.dq(self.fc(torch.flatten(x, 1)))


def recipe(out, name, gap=False, bn=False, act="relu", qconfig="qnnpack"):
    torch.manual_seed(0)
    torch.backends.quantized.engine = "qnnpack"
    m = Net(gap, bn, act)
    m.train()
    if bn:
        m = tq.fuse_modules_qat(m, [["c1", "b1", "a1"], ["c2", "b2", "a2"]])
    m.qconfig = tq.get_default_qat_qconfig(qconfig, version=0)
    tq.prepare_qat(m, inplace=True)
    for _ in range(3):  # the observers see some data (no training needed for the arithmetic)
        m(torch.rand(8, 1, 28, 28))
    m.eval()
    m.apply(tq.disable_observer)
    torch.onnx.export(m, torch.rand(1, 1, 28, 28), f"{out}/{name}.onnx", opset_version=13,
                      input_names=["image"], output_names=["logits"])
    q = tq.convert(m, inplace=False)
    x = np.random.default_rng(1).random((N, 1, 28, 28), dtype=np.float32)
    with torch.no_grad():
        y = q(torch.from_numpy(x)).numpy().astype(np.float32)
        f = m(torch.from_numpy(x)).numpy().astype(np.float32)
    np.save(f"{out}/{name}_x.npy", x)
    np.save(f"{out}/{name}_int8.npy", y)
    np.save(f"{out}/{name}_fq.npy", f)


if __name__ == "__main__":
    recipe(sys.argv[1], "relu_maxpool")
    recipe(sys.argv[1], "relu_gap", gap=True)
    recipe(sys.argv[1], "conv_bn_relu", bn=True)
    recipe(sys.argv[1], "relu6", act="relu6")
    recipe(sys.argv[1], "leaky", act="leaky")
    recipe(sys.argv[1], "sigmoid", act="sigmoid")
    recipe(sys.argv[1], "fbgemm", qconfig="fbgemm")
    recipe(sys.argv[1], "x86", qconfig="x86")
