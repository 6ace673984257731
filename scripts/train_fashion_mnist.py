#!/usr/bin/python3
"""train_fashion_mnist.py: train the small int8 Fashion-MNIST CNN that mote runs,
and write the committed model files (default: models/fashion_mnist/).

    /usr/bin/python3 scripts/train_fashion_mnist.py [--out DIR] [--epochs E]
        [--qat-epochs Q] [--images N] [--seed S]

Needs the Debian packages python3-torch, python3-onnx, python3-numpy and
dataset-fashion-mnist (scripts/install-deps --train).  Run it with
/usr/bin/python3: those modules belong to Debian's interpreter.

Network (eager-mode quantization-aware training, PyTorch 1.13):

    image float [N,1,28,28], pixel/255 in [0,1]
    QuantStub
    Conv2d(1,16,3,pad 1) + ReLU   (fused)   -> MaxPool2d(2)
    Conv2d(16,32,3,pad 1) + ReLU  (fused)   -> MaxPool2d(2)
    flatten -> Linear(32*7*7, 10)
    DeQuantStub -> logits

Choices and why:
- No mean/std normalization: the input is pixel/255, so the input quantizer
  learns scale ~1/255 and zero point 0 and the uint8 input is the raw pixel.
- Float pretraining first (--epochs, Adam with a cosine learning-rate
  schedule), then a short QAT fine-tune (--qat-epochs) at a small constant
  learning rate: quicker than QAT from scratch, and it gives a plain float
  model whose accuracy is the reference the int8 model is held to.
- qconfig get_default_qat_qconfig("qnnpack", version=0): activations per-tensor
  quint8 (affine, 0..255), weights per-tensor qint8 symmetric (-128..127,
  zero point 0).  That is what the downstream C compiler maps to the int8
  hardware, and version 0 uses plain FakeQuantize modules, which the ONNX
  exporter turns into QuantizeLinear/DequantizeLinear pairs (the version-1
  fused observer does not export).
- Observers are frozen (disable_observer) before every evaluation and before
  export: a live observer would move the scales on test data, and the
  exporter refuses live observers.
- model.onnx is the QAT model as torch.onnx.export writes it (opset 13, QDQ
  form, batch fixed at 1), not post-processed.  torch_int8_pred.npy comes from
  torch.ao.quantization.convert run on the qnnpack engine: PyTorch's own int8
  execution of the same scales, for comparison with mote's.
- Whole dataset kept in memory as tensors, batches from a seeded permutation,
  torch.set_num_threads(2): reproducible on the same machine and library.
"""
import argparse
import copy
import gzip
import json
import os
import time

import numpy as np
import onnx
from onnx import numpy_helper
import torch
from torch import nn
import torch.ao.quantization as tq

DATA_DIR = "/usr/share/datasets/fashion-mnist"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "models", "fashion_mnist")
SEED = 20261123
BATCH = 64
FLOAT_LR = 1e-3
QAT_LR = 1e-5
THREADS = 2
OPSET = 13
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def read_idx(path):
    """Read a gzipped IDX file (big-endian header: 0, 0, type, ndim, dims)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {body.size} bytes of data, header says {dims}")
    return body.reshape(dims)


def load_split(prefix):
    """Images as float32 [N,1,28,28] = pixel/255, labels as int64 [N]."""
    images = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise ValueError(f"{prefix}: unexpected shapes {images.shape} {labels.shape}")
    x = (images.astype(np.float32) / np.float32(255.0))[:, None, :, :]
    return np.ascontiguousarray(x), labels.astype(np.int64)


class Net(nn.Module):
    """The CNN; quant/dequant stubs are identities until prepare_qat."""

    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 7 * 7, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.fc(x)
        return self.dequant(x)


def train_epoch(model, opt, x, y, gen, after_step=None):
    """One pass over (x, y) in seeded random order; returns the mean loss.
    after_step (optional) runs after every optimizer step (a fixed pruning
    mask is re-applied there by scripts/finetune_fashion_mnist_24.py)."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(x.shape[0], generator=gen)
    total, count = 0.0, 0
    for i in range(0, x.shape[0], BATCH):
        idx = order[i:i + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        if after_step is not None:
            after_step()
        total += loss.item() * idx.numel()
        count += idx.numel()
    return total / count


def predict(model, x, batch=1000):
    """Top-1 class of every image, int64 numpy."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            out.append(model(x[i:i + batch]).argmax(1))
    return torch.cat(out).numpy().astype(np.int64)


def accuracy(pred, labels):
    return float((pred == labels).mean())


def train_float(model, x, y, epochs, gen, xt, yt, after_step=None):
    """Adam, learning rate cosine-annealed per epoch from FLOAT_LR towards 0."""
    opt = torch.optim.Adam(model.parameters(), lr=FLOAT_LR)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    for e in range(epochs):
        t0 = time.time()
        lr = opt.param_groups[0]["lr"]
        loss = train_epoch(model, opt, x, y, gen, after_step)
        sched.step()
        acc = accuracy(predict(model, xt), yt.numpy())
        print(f"float epoch {e + 1}/{epochs}: lr {lr:.2e} loss {loss:.4f} test acc"
              f" {acc:.4f} ({time.time() - t0:.1f} s)", flush=True)


def make_qat(float_model):
    """Fuse conv+relu and insert fake quantization (qnnpack, version 0)."""
    model = copy.deepcopy(float_model)
    model.train()
    model = tq.fuse_modules_qat(model, [["conv1", "relu1"], ["conv2", "relu2"]])
    model.qconfig = tq.get_default_qat_qconfig("qnnpack", version=0)
    return tq.prepare_qat(model)


def train_qat(model, x, y, epochs, gen, xt, yt, after_step=None):
    """QAT with live observers; frozen for each evaluation and at the end."""
    opt = torch.optim.Adam(model.parameters(), lr=QAT_LR)
    for e in range(epochs):
        t0 = time.time()
        model.apply(tq.enable_observer)
        loss = train_epoch(model, opt, x, y, gen, after_step)
        model.apply(tq.disable_observer)
        acc = accuracy(predict(model, xt), yt.numpy())
        print(f"QAT epoch {e + 1}/{epochs}: loss {loss:.4f} fake-quant test acc"
              f" {acc:.4f} ({time.time() - t0:.1f} s)", flush=True)
    model.apply(tq.disable_observer)
    model.eval()


def to_int8(qat_model):
    """PyTorch's own int8 model from the frozen QAT model (qnnpack engine)."""
    model = copy.deepcopy(qat_model)
    model.eval()
    return tq.convert(model)


def export_onnx(qat_model, path):
    model = copy.deepcopy(qat_model)
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=OPSET,
                      input_names=["image"], output_names=["logits"])


def constant_values(graph):
    """Name -> numpy array for initializers, Constant outputs, and Identity
    outputs of those (the exporter shares equal constants through Identity)."""
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value":
                    values[node.output[0]] = numpy_helper.to_array(a.t)
        elif node.op_type == "Identity" and node.input[0] in values:
            values[node.output[0]] = values[node.input[0]]
    return values


def tensor_shape(value_info):
    return [d.dim_value if d.HasField("dim_value") else d.dim_param
            for d in value_info.type.tensor_type.shape.dim]


def check_onnx(path):
    """Check the exported graph, print op types and every Q/DQ scale and zero point."""
    model = onnx.load(path)
    onnx.checker.check_model(model)
    graph = model.graph
    init_names = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in init_names]
    want = [("input", inputs, "image", [1, 1, 28, 28]),
            ("output", list(graph.output), "logits", [1, 10])]
    for kind, vis, name, shape in want:
        if len(vis) != 1 or vis[0].name != name or tensor_shape(vis[0]) != shape \
                or vis[0].type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            got = [(v.name, tensor_shape(v), v.type.tensor_type.elem_type) for v in vis]
            raise SystemExit(f"model.onnx: {kind} is {got}, want {name} float {shape}")
        print(f"onnx {kind}: {name} float {shape}")
    ops = [n.op_type for n in graph.node]
    print(f"onnx opset {[(o.domain or 'ai.onnx', o.version) for o in model.opset_import]}")
    print(f"onnx nodes ({len(ops)}): {' '.join(ops)}")
    print(f"onnx op types: {sorted(set(ops))}")
    values = constant_values(graph)
    for n in graph.node:
        if n.op_type in ("QuantizeLinear", "DequantizeLinear"):
            scale = values.get(n.input[1])
            zp = values.get(n.input[2]) if len(n.input) > 2 else None
            zp_txt = "-" if zp is None else f"{zp.tolist()} ({zp.dtype})"
            scale_txt = "?" if scale is None else f"{scale.tolist()!r}"
            src = n.input[0]
            if src in values:
                src += f" (const {values[src].dtype}{list(values[src].shape)})"
            print(f"  {n.op_type:16s} {src} -> {n.output[0]}: scale {scale_txt}"
                  f" zero_point {zp_txt}")
    return sorted(set(ops))


def save_npy(path, array, dtype):
    np.save(path, np.ascontiguousarray(array.astype(dtype)))


def write_readme(out, ref, ops):
    text = f"""# models/fashion_mnist/

A small int8 CNN for Fashion-MNIST, trained with quantization-aware training in
PyTorch {ref["torch_version"]} and exported to QDQ ONNX, with test images and PyTorch's
own int8 predictions for checking mote's results.  Regenerate everything with

    /usr/bin/python3 scripts/train_fashion_mnist.py

(options: `--out DIR`, `--epochs` float epochs, default {ref["epochs"]}, `--qat-epochs`,
default {ref["qat_epochs"]}, `--images N`, default {ref["images"]}, `--seed`, default {ref["seed"]}).
Needs `python3-torch python3-onnx python3-numpy dataset-fashion-mnist`
(`scripts/install-deps --train`), run with Debian's `/usr/bin/python3`.  Same
machine and library versions give the same files; others may differ slightly.

## Files

- `model.onnx`: the QAT model as `torch.onnx.export` writes it (opset {OPSET},
  not post-processed).  Input `image` float [1,1,28,28] (pixel/255), output
  `logits` float [1,10].  Op types: {", ".join(ops)}.
  Activations are per-tensor uint8 (affine), weights per-tensor int8 symmetric
  (zero point 0), biases float (qconfig `get_default_qat_qconfig("qnnpack", version=0)`).
- `test_images.npy`: the first {ref["images"]} Fashion-MNIST test images, float32
  [{ref["images"]},1,28,28], pixel/255.
- `test_labels.npy`: their labels, int64 [{ref["images"]}].
- `torch_int8_pred.npy`: top-1 predictions of PyTorch's int8 model
  (`torch.ao.quantization.convert`, qnnpack engine) for those images, int64 [{ref["images"]}].
- `reference.json`: the accuracies below and the training settings.

## Network

    image [1,1,28,28] -> QuantStub
    -> Conv2d(1,16,3,pad 1)+ReLU -> MaxPool2d(2)       [16,14,14]
    -> Conv2d(16,32,3,pad 1)+ReLU -> MaxPool2d(2)      [32,7,7]
    -> flatten -> Linear(1568,10) -> DeQuantStub -> logits

Float training {ref["epochs"]} epochs (Adam, lr {FLOAT_LR} cosine-annealed per epoch), then
QAT {ref["qat_epochs"]} epochs (Adam, constant lr {QAT_LR}, observers live while training and
frozen for evaluation and export), batch {BATCH}, seed {ref["seed"]}.

## Measured accuracy

| model | 10k test set | first {ref["images"]} test images |
|---|---|---|
| float (before QAT) | {ref["float_accuracy_10k"]:.4f} | {ref["float_accuracy_subset"]:.4f} |
| QAT, fake quantization | {ref["qat_fakequant_accuracy_10k"]:.4f} | {ref["qat_fakequant_accuracy_subset"]:.4f} |
| PyTorch int8 (converted) | {ref["int8_accuracy_10k"]:.4f} | {ref["int8_accuracy_subset"]:.4f} |

## Data

Fashion-MNIST by Zalando Research (https://github.com/zalandoresearch/fashion-mnist),
MIT license, as installed by the Debian package `dataset-fashion-mnist`
({DATA_DIR}/*-ubyte.gz).  Classes 0-9: {", ".join(CLASSES)}.
"""
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--epochs", type=int, default=15, help="float training epochs")
    ap.add_argument("--qat-epochs", type=int, default=3, help="QAT epochs")
    ap.add_argument("--images", type=int, default=300, help="test images to save")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    if not 1 <= args.images <= 10000:
        ap.error("--images must be 1..10000")

    torch.set_num_threads(THREADS)
    torch.manual_seed(args.seed)
    torch.backends.quantized.engine = "qnnpack"
    gen = torch.Generator().manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    x_train, y_train = load_split("train")
    x_test, y_test = load_split("t10k")
    print(f"train {x_train.shape} test {x_test.shape}, torch {torch.__version__},"
          f" onnx {onnx.__version__}, numpy {np.__version__}", flush=True)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    xe, ye = torch.from_numpy(x_test), torch.from_numpy(y_test)
    n = args.images

    t_start = time.time()
    float_model = Net()
    train_float(float_model, xt, yt, args.epochs, gen, xe, ye)
    float_pred = predict(float_model, xe)

    qat_model = make_qat(float_model)
    train_qat(qat_model, xt, yt, args.qat_epochs, gen, xe, ye)
    train_time = time.time() - t_start
    print(f"training wall time {train_time:.1f} s", flush=True)
    qat_pred = predict(qat_model, xe)

    int8_model = to_int8(qat_model)
    int8_pred = predict(int8_model, xe)
    print(int8_model)

    ref = {
        "float_accuracy_10k": accuracy(float_pred, y_test),
        "int8_accuracy_10k": accuracy(int8_pred, y_test),
        "float_accuracy_subset": accuracy(float_pred[:n], y_test[:n]),
        "int8_accuracy_subset": accuracy(int8_pred[:n], y_test[:n]),
        "qat_fakequant_accuracy_10k": accuracy(qat_pred, y_test),
        "qat_fakequant_accuracy_subset": accuracy(qat_pred[:n], y_test[:n]),
        "int8_vs_fakequant_agreement_10k": accuracy(int8_pred, qat_pred),
        "images": n,
        "epochs": args.epochs,
        "qat_epochs": args.qat_epochs,
        "seed": args.seed,
        "torch_version": torch.__version__,
        "onnx_opset": OPSET,
    }
    for k, v in ref.items():
        print(f"{k}: {v}")

    onnx_path = os.path.join(args.out, "model.onnx")
    export_onnx(qat_model, onnx_path)
    ops = check_onnx(onnx_path)

    save_npy(os.path.join(args.out, "test_images.npy"), x_test[:n], "<f4")
    save_npy(os.path.join(args.out, "test_labels.npy"), y_test[:n], "<i8")
    save_npy(os.path.join(args.out, "torch_int8_pred.npy"), int8_pred[:n], "<i8")
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=2)
        f.write("\n")
    write_readme(args.out, ref, ops)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
