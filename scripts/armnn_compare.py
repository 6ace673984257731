#!/usr/bin/python3
"""armnn_compare.py DIR [DIR ...]: mote's reference executor against Arm NN, one
operator at a time.

Each DIR holds what compiler_backend/tests/tflite_cases.c wrote for one model:
case_K.tflite (one operator cut from the model, constants and quantization
copied), case_K_inJ.npy (its inputs as the whole model computed them),
case_K_tflite.npy and case_K_once.npy (mote's outputs in TFLite's arithmetic,
two roundings, and in the device's, one rounding).  Arm NN (Debian
python3-pyarmnn 20.08, TFLite parser, CpuRef backend; run with /usr/bin/python3)
runs each case on the same inputs.

The agreement required, and why: Arm NN's CpuRef dequantizes, computes in
float and requantizes once, so it is TFLite's arithmetic with one rounding,
not TFLite's default two (SaturatingRoundingDoublingHighMul, then
RoundingDivideByPOT).  Hence:
  - mote's one-rounding output (TFLite's multipliers, one rounding, what the
    device computes) must be within 1 of Arm NN everywhere and equal on at
    least MIN_EXACT_ONCE (99.5%) of each convolution's, matrix product's and
    add's elements (measured: 100%); pooling only within 1 (an average's
    ties: TFLite rounds them away from zero, Arm NN's float path may not);
  - mote's TFLite output (two roundings) must be within 1 of Arm NN
    everywhere; how many elements differ is printed, not bounded: two
    roundings part from one whenever the exact value lies within 2^-(e+1) of
    a half (e the final shift), which is about 1 element in 2^(e+2): 0.1-0.4%
    of most layers here, but 10% of the autoencoder's dense_2 (shift 2).
Exit 1 when a case fails.
"""
import os
import sys

import numpy as np

MIN_EXACT_ONCE = 0.995


def run_armnn(ann, path, inputs):
    parser = ann.ITfLiteParser()
    net = parser.CreateNetworkFromBinaryFile(path)
    runtime = ann.IRuntime(ann.CreationOptions())
    opt, _ = ann.Optimize(net, [ann.BackendId('CpuRef')], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(opt)
    names = parser.GetSubgraphInputTensorNames(0)
    bindings = [parser.GetNetworkInputBindingInfo(0, n) for n in names]
    in_tensors = ann.make_input_tensors(bindings, inputs)
    outs = [parser.GetNetworkOutputBindingInfo(0, n) for n in parser.GetSubgraphOutputTensorNames(0)]
    out_tensors = ann.make_output_tensors(outs)
    runtime.EnqueueWorkload(net_id, in_tensors, out_tensors)
    res = ann.workload_tensors_to_ndarray(out_tensors)
    runtime.UnloadNetwork(net_id)
    return res[0]


def main(dirs):
    import pyarmnn as ann
    failed = 0
    print('%-28s %-18s %8s  %-24s %-24s' % ('case', 'operator', 'elements', 'tflite: equal / max diff',
                                            'one rounding: equal / max'))
    for d in dirs:
        with open(os.path.join(d, 'cases.txt')) as f:
            cases = [line.split() for line in f if line.strip()]
        for k, op, n_in in cases:
            base = os.path.join(d, 'case_%s' % k)
            inputs = [np.load('%s_in%d.npy' % (base, j)) for j in range(int(n_in))]
            want = np.load(base + '_tflite.npy').astype(np.int32)
            once = np.load(base + '_once.npy').astype(np.int32)
            got = run_armnn(ann, base + '.tflite', inputs).astype(np.int32).reshape(want.shape)
            line = '%-28s %-18s %8d' % (os.path.basename(d) + '/' + k, op, want.size)
            for mine, strict in ((want, False), (once, 'POOL' not in op)):
                diff = np.abs(mine - got)
                eq = float(np.mean(diff == 0))
                line += '  %8.4f%% / %d %10s' % (100 * eq, diff.max(), '')
                if diff.max() > 1 or (strict and eq < MIN_EXACT_ONCE):
                    failed += 1
                    line += ' FAIL'
            print(line)
    if failed:
        print('armnn_compare: %d comparisons outside the agreement required' % failed)
        return 1
    print('armnn_compare: every operator within 1 of Arm NN CpuRef in both arithmetics; the one-rounding outputs '
          'of convolutions, matrix products and adds >= %.1f%% equal' % (100 * MIN_EXACT_ONCE))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
