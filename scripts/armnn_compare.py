#!/usr/bin/python3
"""armnn_compare.py [--require OP,OP,...] DIR [DIR ...]: mote's reference
executor against Arm NN, one operator at a time.

Each DIR holds what compiler_backend/tests/tflite_cases.c wrote for one model:
case_K.tflite (one operator cut from the model, or a PAD and the convolution
reading it; constants and quantization copied), case_K_inJ.npy (its inputs as
the whole model computed them), case_K_tflite.npy and case_K_once.npy (mote's
outputs in TFLite's arithmetic, two roundings, as the arrays' STORE
ROUND_TFL computes, and with one rounding, as the board build's STORE does),
and cases.txt listing them.  Arm NN (Debian python3-pyarmnn 20.08,
TFLite parser, CpuRef backend; run with /usr/bin/python3) runs each case on
the same inputs.

The agreement required, and why: Arm NN's CpuRef dequantizes, computes in
float and requantizes once, so it is TFLite's arithmetic with one rounding,
not TFLite's default two (SaturatingRoundingDoublingHighMul, then
RoundingDivideByPOT).  Hence:
  - CONV_2D, DEPTHWISE_CONV_2D (also after a PAD), FULLY_CONNECTED, ADD:
    mote's one-rounding output (TFLite's multipliers, one rounding, what a
    device without ROUND_TFL computes) within 1 of Arm NN everywhere and equal on at least
    MIN_EXACT_ONCE (99.5%) of the elements; mote's TFLite output (two
    roundings) within 1 everywhere, how many differ printed, not bounded: two
    roundings part from one whenever the exact value lies within 2^-(e+1) of
    a half (e the final shift), about 1 element in 2^(e+2);
  - MAX_POOL_2D: equal everywhere (no arithmetic);
  - AVERAGE_POOL_2D, SOFTMAX, QUANTIZE: within 1 everywhere (an average's
    ties: TFLite rounds them away from zero, Arm NN's float path may not;
    mote's int8 SOFTMAX is TFLite's integer softmax (gemmlowp fixed point),
    Arm NN's a float one; QUANTIZE divides by the scale in another precision);
  - DEQUANTIZE (float32 output): equal everywhere ((q - zero point) * scale
    is one correctly rounded float product in both).
A PAD and the convolution reading it (PAD+...) are compared as the convolution
alone on the input that tflite_cases padded with the zero point
(case_K_armnn.tflite, case_K_armnn_in0.npy): Arm NN 20.08's PAD pads an int8
tensor with 0, not with its zero point as TFLite defines PAD (measured: a PAD
output's border held 0 where the zero point was -128, and that convolution with
SAME padding instead of the PAD equalled mote's PAD + VALID convolution on every
element); what Arm NN's own PAD gives is printed for information.
A case of another operator fails.  With --require, every operator named
(e.g. CONV_2D, PAD+DEPTHWISE_CONV_2D) must have at least one case among the
DIRs, and each DIR must hold at least one case: a comparison of nothing is no
pass.  Exit 1 when anything fails.
"""
import os
import sys

import numpy as np

MIN_EXACT_ONCE = 0.995
RULES = {  # operator: (one-rounding output equal on at least this share, max difference)
    'CONV_2D': (MIN_EXACT_ONCE, 1), 'DEPTHWISE_CONV_2D': (MIN_EXACT_ONCE, 1), 'FULLY_CONNECTED': (MIN_EXACT_ONCE, 1),
    'ADD': (MIN_EXACT_ONCE, 1), 'MAX_POOL_2D': (1.0, 0), 'AVERAGE_POOL_2D': (0.0, 1), 'SOFTMAX': (0.0, 1),
    'QUANTIZE': (0.0, 1), 'DEQUANTIZE': (1.0, 0),
}


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


def main(argv):
    required = []
    if len(argv) >= 2 and argv[0] == '--require':
        required = [op for op in argv[1].split(',') if op]
        argv = argv[2:]
    if not argv:
        print(__doc__)
        return 2
    import pyarmnn as ann
    failed = 0
    seen = set()
    print('%-24s %-24s %8s  %-24s %-24s' % ('case', 'operator', 'elements', 'tflite: equal / max diff',
                                            'one rounding: equal / max'))
    for d in argv:
        with open(os.path.join(d, 'cases.txt')) as f:
            cases = [line.split() for line in f if line.strip()]
        if not cases:
            print('%s: no case' % d)
            failed += 1
        for k, op, n_in in cases:
            seen.add(op)
            base = os.path.join(d, 'case_%s' % k)
            inputs = [np.load('%s_in%d.npy' % (base, j)) for j in range(int(n_in))]
            want = np.load(base + '_tflite.npy')
            once = np.load(base + '_once.npy')
            note = ''
            if os.path.exists(base + '_armnn.tflite'):  # a PAD: Arm NN's pads with 0 (see above)
                own = run_armnn(ann, base + '.tflite', inputs).reshape(want.shape)
                note = '  (Arm NN with its own PAD: %.1f%% equal)' % (100 * float(np.mean(own == once)))
                inputs = [np.load(base + '_armnn_in0.npy')]
                got = run_armnn(ann, base + '_armnn.tflite', inputs).reshape(want.shape)
            else:
                got = run_armnn(ann, base + '.tflite', inputs).reshape(want.shape)
            kind = op.split('+')[-1]
            line = '%-24s %-24s %8d' % (os.path.basename(d) + '/' + k, op, want.size)
            if kind not in RULES:
                print(line + '  no rule for this operator FAIL')
                failed += 1
                continue
            min_eq, max_diff = RULES[kind]
            for mine, strict in ((want, False), (once, True)):
                if mine.dtype == np.float32:
                    diff = np.abs(mine.astype(np.float64) - got.astype(np.float64))
                    worst = '%.3g' % diff.max()
                else:
                    diff = np.abs(mine.astype(np.int32) - got.astype(np.int32))
                    worst = '%d' % diff.max()
                eq = float(np.mean(diff == 0))
                line += '  %8.4f%% / %-6s %6s' % (100 * eq, worst, '')
                if diff.max() > max_diff or (strict and eq < min_eq):
                    failed += 1
                    line += ' FAIL'
            print(line + note)
    for op in required:
        if op not in seen:
            print('armnn_compare: no case of %s (required)' % op)
            failed += 1
    if failed:
        print('armnn_compare: %d comparisons outside the agreement required' % failed)
        return 1
    print('armnn_compare: every operator within the agreement required (see the docstring): convolutions, matrix '
          'products and adds within 1 of Arm NN CpuRef in both arithmetics and >= %.1f%% equal in one rounding; '
          'max pooling and dequantization equal; average pooling, softmax and quantization within 1; operators '
          'covered: %s' % (100 * MIN_EXACT_ONCE, ' '.join(sorted(seen))))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
