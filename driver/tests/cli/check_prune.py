#!/usr/bin/python3
"""check_prune.py DENSE.onnx PRUNED.onnx REPORT.json [--dense NODE...]
   check_prune.py --within PRUNED.onnx FINETUNED.onnx

The second form: every weight of a Conv or Gemm that PRUNED.onnx holds at +0.0
is 0.0 (either sign: masking a negative weight gives -0.0) in FINETUNED.onnx too (a model fine-tuned with the mask `mote prune`
applied, scripts/finetune_fashion_mnist_24.py, keeps that mask).

An independent check of `mote prune --pattern 2:4` on a QDQ model whose
convolution and Gemm weights are float initializers behind QuantizeLinear
(PyTorch's QAT export, models/fashion_mnist): numpy and a protobuf
wire-format reader written here (no onnx package, no code of the tool).

- Every layer not named with --dense: in the int8 values (round half to even
  of w / scale, plus the zero point) every group of 4 consecutive weights
  along the reduction ((kh, kw, c) for Conv [O, C, KH, KW], K for Gemm
  transB=1 [N, K]) of an output channel holds the 2 largest |q - zp| of the
  dense model's group (ties: the lower index) and the others are +0.0.
- Layers named with --dense: their weights are the dense model's.
- Every byte of the two files outside the pruned weights' raw_data is equal
  (same length), and the report's data_offset/data_bytes name those bytes.
- The report's per-layer counts (zeroed, magnitude) are the ones found here.
Prints one line per layer; exits 1 on the first difference.
"""
import json
import sys

import numpy as np


def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def fields(b, lo, hi):
    """(number, wire type, value or (start, end)) of each field in b[lo:hi]."""
    i = lo
    while i < hi:
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
            yield num, wt, v
        elif wt == 2:
            n, i = varint(b, i)
            yield num, wt, (i, i + n)
            i += n
        elif wt == 5:
            yield num, wt, (i, i + 4)
            i += 4
        elif wt == 1:
            yield num, wt, (i, i + 8)
            i += 8
        else:
            raise SystemExit(f"wire type {wt} at {i}")


def read_model(path):
    b = open(path, "rb").read()
    graph = [v for n, w, v in fields(b, 0, len(b)) if n == 7]
    assert len(graph) == 1
    g0, g1 = graph[0]
    inits, nodes = {}, []
    for n, w, v in fields(b, g0, g1):
        if n == 5:  # TensorProto: dims 1, data_type 2, name 8, raw_data 9
            t = {"dims": []}
            for tn, tw, tv in fields(b, *v):
                if tn == 1:
                    t["dims"].append(tv)
                elif tn == 2:
                    t["type"] = tv
                elif tn == 8:
                    t["name"] = b[tv[0]:tv[1]].decode()
                elif tn == 9:
                    t["raw"] = tv
            inits[t["name"]] = t
        elif n == 1:  # NodeProto: input 1, output 2, name 3, op_type 4
            nd = {"in": [], "out": []}
            for nn, nw, nv in fields(b, *v):
                if nn in (1, 2, 3, 4) and nw == 2:
                    s = b[nv[0]:nv[1]].decode()
                    {1: nd["in"], 2: nd["out"]}.get(nn, []).append(s)
                    if nn == 3:
                        nd["name"] = s
                    if nn == 4:
                        nd["op"] = s
            nodes.append(nd)
    return b, inits, nodes


def values(b, t):
    dt = {1: np.float32, 2: np.uint8, 3: np.int8}[t["type"]]
    lo, hi = t["raw"]
    return np.frombuffer(b[lo:hi], dtype=dt).reshape(t["dims"])


def const(b, inits, nodes, name):
    """An initializer's values, through Identity nodes."""
    for _ in range(8):
        if name in inits:
            return values(b, inits[name])
        src = [n for n in nodes if n["op"] == "Identity" and n["out"] == [name]]
        assert src, name
        name = src[0]["in"][0]
    raise SystemExit(name)


def within(pruned_path, tuned_path):
    pb, pinit, pnodes = read_model(pruned_path)
    tb, tinit, _ = read_model(tuned_path)
    for nd in pnodes:
        if nd["op"] not in ("Conv", "Gemm"):
            continue
        dq = [n for n in pnodes if n["out"] == [nd["in"][1]]][0]
        wname = [n for n in pnodes if n["out"] == [dq["in"][0]]][0]["in"][0]
        mask = values(pb, pinit[wname]).view(np.uint32) == 0
        tuned = values(tb, tinit[wname])
        if (tuned[mask] != 0).any():
            raise SystemExit(f"{wname}: {int((tuned[mask] != 0).sum())} weights mote prune zeroes are not 0.0 "
                             f"in {tuned_path}")
        print(f"{nd['name']}: the {int(mask.sum())} weights mote prune zeroes are 0.0 in the fine-tuned model")


def main():
    if sys.argv[1] == "--within":
        return within(sys.argv[2], sys.argv[3])
    dense_path, pruned_path, report_path = sys.argv[1:4]
    keep_dense = sys.argv[5:] if len(sys.argv) > 4 and sys.argv[4] == "--dense" else []
    db, dinit, dnodes = read_model(dense_path)
    pb, pinit, _ = read_model(pruned_path)
    report = {l["node"]: l for l in json.load(open(report_path))["layers"]}
    if len(db) != len(pb):
        raise SystemExit(f"lengths {len(db)} and {len(pb)}")
    changed = np.zeros(len(db), dtype=bool)
    for nd in dnodes:
        if nd["op"] not in ("Conv", "Gemm"):
            continue
        dq = [n for n in dnodes if n["out"] == [nd["in"][1]]][0]
        q = [n for n in dnodes if n["out"] == [dq["in"][0]]][0]
        wname = q["in"][0]
        scale = const(db, dinit, dnodes, q["in"][1]).reshape(-1)[0]
        zp = int(const(db, dinit, dnodes, q["in"][2]).reshape(-1)[0])
        w = values(db, dinit[wname])
        wp = values(pb, pinit[wname])
        if pinit[wname]["raw"] != dinit[wname]["raw"]:
            raise SystemExit(f"{wname}: raw_data moved")
        if nd["name"] in keep_dense:
            if not np.array_equal(w.view(np.uint32), wp.view(np.uint32)):
                raise SystemExit(f"{nd['name']}: weights changed though left dense")
            print(f"{nd['name']}: {wname} left dense, unchanged")
            continue
        lo, hi = dinit[wname]["raw"]
        changed[lo:hi] = True
        r = report[nd["name"]]
        if (r.get("data_offset"), r.get("data_bytes")) != (lo, hi - lo):
            raise SystemExit(f"{nd['name']}: report says bytes {r.get('data_offset')}+{r.get('data_bytes')}, "
                             f"the file {lo}+{hi - lo}")
        qv = np.clip(np.rint(w / np.float32(scale)) + zp, -128, 127).astype(np.int64)
        if w.ndim == 4:  # [O, C, KH, KW] -> [O, KH*KW*C], c fastest
            q2 = qv.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)
            p2 = wp.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)
            w2 = w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1)
        else:  # Gemm transB=1: [N, K]
            q2, p2, w2 = qv, wp, w
        mag = np.abs(q2 - zp)
        zeroed = removed = 0
        for o in range(q2.shape[0]):
            for g in range(0, q2.shape[1], 4):
                m = [(-int(mag[o, g + j]), j) for j in range(min(4, q2.shape[1] - g))]
                kept = {j for _, j in sorted(m)[:2]}
                for j in range(len(m)):
                    if j in kept:
                        ok = p2[o, g + j].view(np.uint32) == w2[o, g + j].view(np.uint32)
                    else:
                        ok = p2[o, g + j].view(np.uint32) == 0  # +0.0
                        zeroed += mag[o, g + j] != 0
                        removed += int(mag[o, g + j])
                    if not ok:
                        raise SystemExit(f"{nd['name']}: channel {o} element {g + j}: {p2[o, g + j]!r}, "
                                         f"dense {w2[o, g + j]!r}, group magnitudes {[-x for x, _ in m]}")
                nz = np.count_nonzero(np.clip(np.rint(p2[o, g:g + 4] / np.float32(scale)) + zp, -128, 127) - zp)
                if nz > 2:
                    raise SystemExit(f"{nd['name']}: channel {o} group {g}: {nz} non-zero int8 weights")
        if (r["zeroed"], r["magnitude"], r["magnitude_removed"]) != (zeroed, int(mag.sum()), removed):
            raise SystemExit(f"{nd['name']}: report {r['zeroed']} {r['magnitude']} {r['magnitude_removed']}, "
                             f"found {zeroed} {int(mag.sum())} {removed}")
        print(f"{nd['name']}: {wname} 2:4 in every group along the reduction, the 2 largest kept, "
              f"{zeroed} zeroed, {100 * removed / max(1, int(mag.sum())):.1f}% of the magnitude")
    d = np.frombuffer(db, dtype=np.uint8) != np.frombuffer(pb, dtype=np.uint8)
    if (d & ~changed).any():
        raise SystemExit(f"byte {int(np.argmax(d & ~changed))} differs outside the pruned weights")
    print(f"{int(d.sum())} bytes differ, all inside the pruned weights' raw_data")


if __name__ == "__main__":
    main()
