#!/usr/bin/python3
"""finetune_fashion_mnist_24.py: prune the trained Fashion-MNIST CNN 2:4 and
fine-tune it with the mask fixed; write models/fashion_mnist_24/.

    /usr/bin/python3 scripts/finetune_fashion_mnist_24.py [--dense DIR] [--out DIR]
        [--epochs E] [--qat-epochs Q] [--images N] [--seed S] [--skip-first]
    /usr/bin/python3 scripts/finetune_fashion_mnist_24.py --readme [--out DIR]
        (only README.md again, from DIR/reference.json)

Needs what scripts/train_fashion_mnist.py needs (python3-torch, python3-onnx,
python3-numpy, dataset-fashion-mnist; scripts/install-deps --train), run with
/usr/bin/python3.  Network, data, batch, optimizers, learning rates, seed,
QAT configuration and ONNX export are train_fashion_mnist.py's own (imported).

The recipe (the usual one for 2:4: prune once by magnitude, retrain with the
mask fixed, same hyper-parameters):
- Start: the trained dense model, read from the dense model.onnx (--dense,
  default models/fashion_mnist): its float weights and biases are the QAT
  model's, so no dense training is repeated.
- Mask, once, on the float weights of conv1, conv2 and fc (conv1 kept dense
  with --skip-first): in every group of 4 consecutive elements along the
  reduction dimension of an output channel keep the 2 with the largest int8
  magnitude |q - zp|, q = saturate(round_half_even(w / scale) + zp) with the
  dense model's weight scale and zero point, ties to the lower index; the
  rule of `mote prune --pattern 2:4`, so the mask is the one `mote prune`
  applies to the dense model.onnx.  The reduction order is the compiler's:
  (kh, kw, ci) for a convolution weight [O, I, KH, KW] (compiler_backend/
  lower/lower.c stores [kh][kw][ci][o]), the input features in order for the
  Linear weight [O, K] (Gemm transB=1).  A last group shorter than 4 (conv1:
  9 = 4 + 4 + 1) keeps at most 2.
- Fine-tune: float training --epochs epochs (default 15, as the dense model;
  Adam, lr 1e-3 cosine-annealed), then QAT --qat-epochs (default 3; Adam lr
  1e-5), the mask re-applied after every optimizer step (pruned weights stay
  exactly 0.0, so they quantize to the zero point).
- Export to QDQ ONNX as the dense model is exported; then check that every
  group of the int8 weights (as the exported scales quantize them) has at
  most 2 non-zero values (a kept weight may round to 0: allowed).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
import torch.ao.quantization as tq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_fashion_mnist as base  # noqa: E402

LAYERS = ("conv1", "conv2", "fc")
DEFAULT_DENSE = os.path.join(base.REPO_ROOT, "models", "fashion_mnist")
DEFAULT_OUT = os.path.join(base.REPO_ROOT, "models", "fashion_mnist_24")


def reduction_view(w):
    """[O, K] view in the compiler's reduction order: conv [O,I,KH,KW] -> (kh, kw, ci)."""
    if w.ndim == 4:
        return w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)
    return w.reshape(w.shape[0], -1)


def from_reduction_view(m, shape):
    if len(shape) == 4:
        o, i, kh, kw = shape
        return m.reshape(o, kh, kw, i).transpose(0, 3, 1, 2)
    return m.reshape(shape)


def quantize(w, scale, zp):
    """ONNX QuantizeLinear to int8, the division in float32, ties to even."""
    v = np.rint(w.astype(np.float32) / np.float32(scale))
    return np.clip(v + int(zp), -128, 127).astype(np.int32)


def mask_24(score):
    """Keep mask [O, K] for scores [O, K] >= 0: the 2 largest of every 4
    consecutive along K, ties to the lower index; a short last group keeps
    at most 2."""
    o, k = score.shape
    groups = (k + 3) // 4
    padded = np.full((o, groups * 4), -1.0)
    padded[:, :k] = score
    g = padded.reshape(o, groups, 4)
    order = np.argsort(-g, axis=2, kind="stable")  # stable: equal scores keep index order
    keep = np.zeros(g.shape, dtype=bool)
    np.put_along_axis(keep, order[:, :, :2], True, axis=2)
    return keep.reshape(o, groups * 4)[:, :k]


def weight_quant(graph, values, layer):
    """Scale and zero point of the QuantizeLinear that quantizes layer.weight."""
    for n in graph.node:
        if n.op_type == "QuantizeLinear" and n.input[0] == f"{layer}.weight":
            return float(values[n.input[1]].reshape(-1)[0]), int(values[n.input[2]].reshape(-1)[0])
    raise SystemExit(f"no QuantizeLinear of {layer}.weight in the dense model")


def load_dense(path):
    """The dense Net with the float weights of model.onnx, and each layer's weight (scale, zp)."""
    model = onnx.load(path)
    values = base.constant_values(model.graph)
    net = base.Net()
    state = net.state_dict()
    for k in state:
        if k not in values or tuple(values[k].shape) != tuple(state[k].shape):
            raise SystemExit(f"{path}: no initializer {k} of shape {tuple(state[k].shape)}")
        state[k] = torch.from_numpy(values[k].copy())
    net.load_state_dict(state)
    return net, {l: weight_quant(model.graph, values, l) for l in LAYERS}


def check_24(path, layers):
    """Every group of every pruned layer's int8 weights has at most 2 non-zeros;
    per-layer counts for reference.json."""
    model = onnx.load(path)
    values = base.constant_values(model.graph)
    stats = {}
    for l in layers:
        w = values[f"{l}.weight"]
        s, zp = weight_quant(model.graph, values, l)
        q = reduction_view(quantize(w, s, zp)) - zp
        o, k = q.shape
        groups = (k + 3) // 4
        pad = np.zeros((o, groups * 4), dtype=np.int32)
        pad[:, :k] = q
        per_group = (pad.reshape(o, groups, 4) != 0).sum(axis=2)
        if per_group.max() > 2:
            raise SystemExit(f"{path}: {l}.weight breaks 2:4 ({int((per_group > 2).sum())} groups)")
        kept = int(np.minimum(2, np.minimum(4, k - 4 * np.arange(groups))).sum()) * o
        stats[l] = {"weights": int(q.size), "kept_by_mask": kept,
                    "nonzero_int8": int((q != 0).sum()),
                    "kept_but_int8_zero": kept - int((q != 0).sum())}
        print(f"{l}.weight {list(w.shape)}: 2:4 holds in all {o * groups} groups; "
              f"{stats[l]['nonzero_int8']} of {q.size} int8 weights non-zero "
              f"({stats[l]['kept_but_int8_zero']} kept weights round to 0)", flush=True)
    return stats


def write_readme(out, ref):
    layers = "\n".join(
        f"| {l}.weight | {v['weights']} | {v['kept_by_mask']} | {v['nonzero_int8']} | {v['kept_but_int8_zero']} |"
        for l, v in ref["layers"].items())
    first = ("conv1 is left dense (--skip-first)" if ref["skip_first"] else
             "all three layers are pruned, conv1 included (its 9 reduction elements per filter form groups "
             "of 4, 4 and 1: 5 of 9 kept)")
    text = f"""# models/fashion_mnist_24/

The Fashion-MNIST CNN of `../fashion_mnist/` pruned 2:4 and fine-tuned with the mask fixed
(issue 13), exported to QDQ ONNX the same way.  Made by

    /usr/bin/python3 scripts/finetune_fashion_mnist_24.py

from `../fashion_mnist/model.onnx` (its float weights are the trained dense model; no dense
training is repeated).  Same packages as the dense model (`scripts/install-deps --train`).

## Recipe

- Mask, once, by magnitude, on the float weights: in every group of 4 consecutive elements
  along the reduction dimension of an output channel keep the 2 with the largest int8
  magnitude |round_half_even(w / scale) - zp| (the dense model's weight scale), ties to the
  lower index: the rule of `mote prune --pattern 2:4`, so the mask is exactly the one
  `mote prune` applies to the dense model (`make test-cli` checks that every weight it zeroes
  is 0.0 here).  Reduction order as the compiler's: (kh, kw, ci) for a convolution, the input
  features for the Linear layer.  {first}.
- Fine-tune with the dense model's hyper-parameters (scripts/train_fashion_mnist.py): float
  training {ref["epochs"]} epochs (Adam, lr 1e-3 cosine-annealed per epoch, batch 64), then QAT
  {ref["qat_epochs"]} epochs (Adam, lr 1e-5), the mask re-applied after every optimizer step (the
  pruned weights stay exactly 0.0 and quantize to the zero point), seed {ref["seed"]}.
  Fine-tuning took {ref["finetune_seconds"]:.0f} s on the 2-core machine (shared).
- Export: `torch.onnx.export`, opset {ref["onnx_opset"]}, as the dense model.  Every group of the
  exported int8 weights holds at most 2 non-zero values (checked by the script; a kept weight
  may round to 0).

## Files

- `model.onnx`: the fine-tuned QAT model (input `image` float [1,1,28,28], output `logits`).
- `torch_int8_pred.npy`: PyTorch's int8 predictions (qnnpack) for the first {ref["images"]} test
  images, the same images as `../fashion_mnist/test_images.npy` (labels
  `../fashion_mnist/test_labels.npy`).
- `reference.json`: the accuracies below, the per-layer counts, the settings.

## Weights

| weight | elements | kept by the mask | non-zero int8 | kept but rounded to 0 |
|---|---|---|---|---|
{layers}

## Measured accuracy

| model | 10k test set | first {ref["images"]} test images |
|---|---|---|
| dense, int8 (`../fashion_mnist`) | {ref["dense_int8_accuracy_10k"]:.4f} | {ref["dense_int8_accuracy_subset"]:.4f} |
| dense float weights, as loaded | {ref["dense_float_weights_accuracy_10k"]:.4f} | |
| pruned once, before fine-tuning (float) | {ref["pruned_before_finetune_accuracy_10k"]:.4f} | |
| 2:4 fine-tuned, float | {ref["float_accuracy_10k"]:.4f} | {ref["float_accuracy_subset"]:.4f} |
| 2:4 QAT, fake quantization | {ref["qat_fakequant_accuracy_10k"]:.4f} | {ref["qat_fakequant_accuracy_subset"]:.4f} |
| 2:4 PyTorch int8 (converted) | {ref["int8_accuracy_10k"]:.4f} | {ref["int8_accuracy_subset"]:.4f} |

The compiler has no sparse path yet: this model runs dense on the array today, bit-exact
(`make test-models`).
"""
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dense", default=DEFAULT_DENSE, help="directory of the dense model.onnx")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--epochs", type=int, default=15, help="float fine-tuning epochs")
    ap.add_argument("--qat-epochs", type=int, default=3, help="QAT epochs")
    ap.add_argument("--images", type=int, default=300, help="test images (the dense model's subset)")
    ap.add_argument("--seed", type=int, default=base.SEED)
    ap.add_argument("--skip-first", action="store_true", help="leave conv1 dense")
    ap.add_argument("--readme", action="store_true", help="only write README.md from reference.json")
    args = ap.parse_args()
    if args.readme:
        with open(os.path.join(args.out, "reference.json")) as f:
            write_readme(args.out, json.load(f))
        return

    torch.set_num_threads(base.THREADS)
    torch.manual_seed(args.seed)
    torch.backends.quantized.engine = "qnnpack"
    gen = torch.Generator().manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    x_train, y_train = base.load_split("train")
    x_test, y_test = base.load_split("t10k")
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    xe, ye = torch.from_numpy(x_test), torch.from_numpy(y_test)
    n = args.images

    dense_path = os.path.join(args.dense, "model.onnx")
    net, wq = load_dense(dense_path)
    dense_acc = base.accuracy(base.predict(net, xe), y_test)
    print(f"dense float weights from {dense_path}: test acc {dense_acc:.4f}", flush=True)

    layers = LAYERS[1:] if args.skip_first else LAYERS
    masks = {}
    for l in layers:
        w = getattr(net, l).weight.detach().numpy()
        s, zp = wq[l]
        score = np.abs(reduction_view(quantize(w, s, zp)) - zp).astype(np.float64)
        keep = from_reduction_view(mask_24(score), w.shape)
        masks[l] = torch.from_numpy(np.ascontiguousarray(keep.astype(np.float32)))
        print(f"{l}.weight {list(w.shape)}: mask keeps {int(keep.sum())} of {keep.size}", flush=True)

    def masker(model):
        params = [(getattr(model, l).weight, masks[l]) for l in layers]

        def apply():
            with torch.no_grad():
                for p, m in params:
                    p.mul_(m)
        return apply

    apply_float = masker(net)
    apply_float()
    pruned_acc = base.accuracy(base.predict(net, xe), y_test)
    print(f"pruned once, before fine-tuning: test acc {pruned_acc:.4f}", flush=True)

    t_start = time.time()
    base.train_float(net, xt, yt, args.epochs, gen, xe, ye, after_step=apply_float)
    float_pred = base.predict(net, xe)
    qat_model = base.make_qat(net)
    apply_qat = masker(qat_model)
    apply_qat()
    base.train_qat(qat_model, xt, yt, args.qat_epochs, gen, xe, ye, after_step=apply_qat)
    train_time = time.time() - t_start
    print(f"fine-tuning wall time {train_time:.1f} s", flush=True)
    qat_pred = base.predict(qat_model, xe)
    int8_pred = base.predict(base.to_int8(qat_model), xe)

    with open(os.path.join(args.dense, "reference.json")) as f:
        dense_ref = json.load(f)
    onnx_path = os.path.join(args.out, "model.onnx")
    base.export_onnx(qat_model, onnx_path)
    ops = base.check_onnx(onnx_path)
    stats = check_24(onnx_path, layers)

    ref = {
        "float_accuracy_10k": base.accuracy(float_pred, y_test),
        "int8_accuracy_10k": base.accuracy(int8_pred, y_test),
        "float_accuracy_subset": base.accuracy(float_pred[:n], y_test[:n]),
        "int8_accuracy_subset": base.accuracy(int8_pred[:n], y_test[:n]),
        "qat_fakequant_accuracy_10k": base.accuracy(qat_pred, y_test),
        "qat_fakequant_accuracy_subset": base.accuracy(qat_pred[:n], y_test[:n]),
        "int8_vs_fakequant_agreement_10k": base.accuracy(int8_pred, qat_pred),
        "dense_float_weights_accuracy_10k": dense_acc,
        "pruned_before_finetune_accuracy_10k": pruned_acc,
        "dense_int8_accuracy_10k": dense_ref["int8_accuracy_10k"],
        "dense_int8_accuracy_subset": dense_ref["int8_accuracy_subset"],
        "pruned_layers": list(layers),
        "skip_first": bool(args.skip_first),
        "layers": stats,
        "finetune_seconds": round(train_time, 1),
        "images": n,
        "epochs": args.epochs,
        "qat_epochs": args.qat_epochs,
        "seed": args.seed,
        "torch_version": torch.__version__,
        "onnx_opset": base.OPSET,
    }
    for k, v in ref.items():
        print(f"{k}: {v}")
    base.save_npy(os.path.join(args.out, "torch_int8_pred.npy"), int8_pred[:n], "<i8")
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=2)
        f.write("\n")
    write_readme(args.out, ref)
    print(f"wrote {args.out} (op types {ops})")


if __name__ == "__main__":
    main()
