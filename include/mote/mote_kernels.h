/* mote_kernels.h: the host kernels of a model, the operators a .mote file
 * runs on the host between device steps (quantize at the input, softmax at
 * the output, layout changes, and operators the accelerator lacks).
 *
 * One implementation serves both the runtime (libmote runs host steps with
 * it) and the compiler's reference executor, so the two can only differ in
 * what the device computes.  The code is in driver/kernels/kernels.c.
 *
 * Tensors are in ONNX's logical layout (NCHW, row-major).  Every kernel
 * checks its operands (types, ranks, shapes against the parameters) before
 * touching data and returns 0 or a negative MOTE_KERNEL_E* code; it never
 * reads or writes outside the tensors it is given.
 */
#ifndef MOTE_KERNELS_H
#define MOTE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#define MOTE_KERNEL_MAX_RANK 6
#define MOTE_KERNEL_NPARAMS 24

enum mote_kernel_op {
	/* y = saturate(round_half_even(x / scale) + zp), x float, y int8/uint8
	 * (the division in float); with p2 = 1 the rounding is half away from zero
	 * (TFLite's QUANTIZE).  p0 scale (float bits), p1 zp, p2 rounding */
	MOTE_KOP_QUANTIZE = 1,
	/* y = (x - zp) * scale, x int8/uint8/int32, y float.  p0 scale (float bits), p1 zp */
	MOTE_KOP_DEQUANTIZE = 2,
	/* softmax over axis p0 of a float tensor (opset 13 semantics) */
	MOTE_KOP_SOFTMAX = 3,
	/* max pooling of int8/uint8 NCHW.  p0..p1 kernel h,w; p2..p3 strides;
	 * p4..p7 pads top, left, bottom, right; p8..p9 dilations */
	MOTE_KOP_MAXPOOL = 4,
	/* quantized average pooling of int8/uint8 NCHW, in the accelerator's
	 * integer arithmetic (a device AveragePool gives the same bytes):
	 *   y = saturate(round_half_even(sum(x - zx) * mult / 2^shift) + zy)
	 * with (mult, shift) = mote_kernel_quantize_scale((double)sx / ((double)n * sy)),
	 * n the window size (p8 count_include_pad; pads count, the ceil_mode
	 * overhang does not) or its part inside the image (y = zy when n = 0),
	 * and the sum wrapped to int32 (exact below 2^23 elements per window).
	 * p0..p7 as MAXPOOL, p8 count_include_pad, p9 sx, p10 zx, p11 sy, p12 zy */
	MOTE_KOP_AVGPOOL = 5,
	/* quantized add of two same-shape int8/uint8 tensors, in integers:
	 * y = saturate(round_half_even(((a - za) * Ma + (b - zb) * Mb) / 2^S) + zy),
	 * clamped below at zy when p6 (a fused Relu), with (Ma, Mb, S) from
	 * mote_kernel_add_mults(sa, sb, sy): the formula of the device's STORE ADD
	 * (mote_hw.spec), so a fused add and this kernel give the same bytes.
	 * p0 sa, p1 za, p2 sb, p3 zb, p4 sy, p5 zy, p6 relu (float scales as bits);
	 * scales whose ratios cannot be represented are MOTE_KERNEL_EPARAM. */
	MOTE_KOP_ADD = 6,
	/* the bytes unchanged (Reshape, Flatten, Identity, Squeeze, Unsqueeze) */
	MOTE_KOP_COPY = 7,
	/* transpose with permutation p0..p(rank-1) */
	MOTE_KOP_TRANSPOSE = 8,
	/* concatenate the inputs along axis p0 */
	MOTE_KOP_CONCAT = 9,
	/* kernel rows stacked as channels (a layout the compiler gives a
	 * convolution with few input channels, which then reduces over k*C
	 * contiguous bytes per kernel column instead of C): x [N][C][H][W]
	 * int8/uint8, y [N][k*C][OH][W] of the same type with
	 * y[n][ky*C + c][oy][x] = x[n][c][oy*s + ky*d - pt][x], or p4 where that
	 * row is outside the image.  p0 k, p1 s, p2 d, p3 pt, p4 the padding value
	 * (the input zero point).  With p5 = kw > 0 the whole kernel window is
	 * stacked (im2col): y [N][k*kw*C][OH][OW] with
	 * y[n][(ky*kw + kx)*C + c][oy][ox] = x[n][c][oy*s + ky*d - pt][ox*p6 + kx*p7 - p8],
	 * or p4 outside the image: p6 the x stride, p7 the x dilation, p8 the
	 * left padding (p5 = 0: rows only, as above) */
	MOTE_KOP_STACK_ROWS = 10,
	/* TFLite's int8 ADD (mote_kernel_tfl_add_sum below) of two same-shape
	 * int8/uint8 tensors: y = min(max(sum + zy, p6), p7) with
	 * sum = mote_kernel_tfl_add_sum(a - za, b - zb) for the parameters of
	 * mote_kernel_tfl_add_params(sa, sb, sy).
	 * p0 sa, p1 za, p2 sb, p3 zb, p4 sy, p5 zy (float scales as bits), p6..p7
	 * the clamp (the fused activation's range, mote_kernel_tfl_act_range) */
	MOTE_KOP_ADD_TFL = 11,
	/* TFLite's int8 AVERAGE_POOL_2D: the raw values of the window's positions
	 * inside the image summed (no zero point: TFLite's input and output share
	 * their quantization), divided by their count rounding half away from
	 * zero, clamped to [p8, p9].  p0..p7 as MAXPOOL (no dilation) */
	MOTE_KOP_AVGPOOL_TFL = 12,
	/* TFLite's QUANTIZE of an int8/uint8 tensor into another quantization
	 * (requantization): y = saturate(mote_kernel_tfl_requant(x - p1, M, S) + p3)
	 * with (M, S) = mote_kernel_tfl_multiplier((double)p0 / (double)p2).
	 * p0 xs, p1 zx, p2 ys (float scales as bits), p3 zy */
	MOTE_KOP_REQUANT_TFL = 13,
	/* quantized convolution of C/G input channels per group (G groups), in
	 * the accelerator's arithmetic, for a convolution a device cannot take
	 * (a depthwise one without FEATURES.DEPTHWISE):
	 *   y = min(max(round_half_even(v * mult[o] / 2^(shift[o] & 63)) + zy, lo), hi),
	 *   v = bias[o] + sum (x - zx) * (w - zw), summed and added with int32 wrapping.
	 * in[0] x [N][C][H][W] int8/uint8; in[1] w [KH][KW][C/G][O] int8/uint8
	 * (w[ky][kx][c][o] weighs input channel (o / (O/G)) * (C/G) + c of output
	 * channel o); in[2] bias int32 [O]; in[3] int32 [2][O]: mult, then shift;
	 * y [N][O][OH][OW] int8/uint8.  p0..p1 strides h,w; p2..p5 pads top,
	 * left, bottom, right; p6..p7 dilations; p8 G; p9 zx; p10 zw; p11 zy;
	 * p12..p13 lo, hi (in y's range); p14 rounding: 0 the one above, 1 STORE
	 * ROUND_TFL's (TFLite's two: MultiplyByQuantizedMultiplier with
	 * multiplier mult[o] and exponent 31 - (shift[o] & 63), the right shift
	 * at most 31) */
	MOTE_KOP_CONV = 14,
	/* a table lookup per element, for the elementwise activations the device
	 * lacks (LeakyRelu, Sigmoid, Tanh, ...) between two quantizations: the
	 * compiler fills the table with Q(f(DQ(x))) for each of the 256 inputs.
	 * in[0] x int8/uint8; in[1] the table, 256 elements of y's type, entry i
	 * for the input byte i (an int8 -1 is byte 255); y[k] = table[byte of x[k]],
	 * the same shape as x.  No parameters. */
	MOTE_KOP_LUT = 15,
	/* TFLite's integer SOFTMAX of an int8 (or uint8) tensor into one of the
	 * same type: the algorithm of TFLite's reference kernel
	 * (reference_ops::Softmax, also what TFLite Micro's reference kernel
	 * computes), not the lookup table TFLite's optimized kernels may use.
	 * Along axis p0, each row: d = x - max(row); where d >= p3 (diff_min),
	 * e = exp(high_mul(d * 2^p2, p1)) in gemmlowp's fixed point (input Q5.26,
	 * mote_kernel_tfl_exp_neg), the sum of the e rounded to Q12.19, its
	 * reciprocal (mote_kernel_tfl_reciprocal: r and n bits over one), and
	 * y = clamp(div_pot(high_mul(r, e), n + 23) + min) with min the type's
	 * minimum; y = min where d < diff_min.  The output's quantization is
	 * TFLite's fixed one: scale 1/256, zero point -128 (int8) or 0 (uint8).
	 * p1 input_multiplier, p2 input_left_shift, p3 diff_min as
	 * mote_kernel_tfl_softmax_params gives them.  The axis holds at most
	 * MOTE_TFL_SOFTMAX_MAX_LEN elements (else MOTE_KERNEL_ESHAPE): then the
	 * Q12.19 sum cannot overflow.  Where n + 23 > 31 (a sum of exps of 512 or
	 * more), TFLite's RoundingDivideByPOT is undefined (gemmlowp asserts the
	 * exponent <= 31); this kernel gives the exact rounding there, 0. */
	MOTE_KOP_SOFTMAX_TFL = 16,
	MOTE_KOP_COUNT_ = 17
};

enum mote_kernel_status {
	MOTE_KERNEL_OK = 0,
	MOTE_KERNEL_EOP = -1,     /* unknown op */
	MOTE_KERNEL_ETYPE = -2,   /* an operand's element type is not one the op takes */
	MOTE_KERNEL_ESHAPE = -3,  /* shapes inconsistent with each other or the parameters */
	MOTE_KERNEL_EPARAM = -4,  /* a parameter out of range */
	MOTE_KERNEL_ENOMEM = -5,
	MOTE_KERNEL_ERANGE = -6,  /* more work than MOTE_KERNEL_MAX_WORK */
};

/* Inner steps one call may take (pooling: output elements x window size), so
 * that a hostile model file cannot keep the host busy for hours. */
#define MOTE_KERNEL_MAX_WORK ((int64_t)1 << 30)

/* ONNX TensorProto.DataType codes the kernels take. */
#define MOTE_KT_FLOAT 1
#define MOTE_KT_UINT8 2
#define MOTE_KT_INT8 3
#define MOTE_KT_INT32 6

struct mote_ktensor {
	void *data;
	int32_t dtype;
	uint32_t rank;
	int64_t dims[MOTE_KERNEL_MAX_RANK];
};

/* Bytes per element of a MOTE_KT_* type, 0 for any other. */
size_t mote_kernel_dtype_size(int32_t dtype);

/* Name of an op ("MAXPOOL"), or NULL. */
const char *mote_kernel_op_name(uint32_t op);
/* Description of a status; never NULL. */
const char *mote_kernel_strerror(int status);

/* Run op on n_in inputs into n_out outputs (each output's type, shape and
 * data set by the caller).  Returns 0 or a negative mote_kernel_status. */
int mote_kernel_run(uint32_t op, const int32_t params[MOTE_KERNEL_NPARAMS], const struct mote_ktensor *in,
		    unsigned n_in, struct mote_ktensor *out, unsigned n_out);

/* Real scale s to the accelerator's requantization (mult, shift), so that
 * round_half_even(acc * mult / 2^shift) approximates acc * s (exactly when s
 * has at most 31 significant bits, e.g. every float32):
 *   - 2^-63 <= s < 2^31 (roughly): mult in [2^30, 2^31), shift in [0, 63];
 *   - s == 0, or s so small that |acc * s| < 0.5 for every int32 acc:
 *     mult = 0, shift = 0 (every result is 0, the exact rounded value);
 *   - s >= 2^31 after rounding, s negative, NaN or infinite, or a NULL
 *     pointer: MOTE_KERNEL_EPARAM (*mult and *shift then 0 when writable).
 * The compiler (mote_cc_quantize_scale) uses this same rule. */
int mote_kernel_quantize_scale(double s, int32_t *mult, int32_t *shift);
/* Integer multipliers of a quantized add y = a * sa/sy + b * sb/sy, as STORE
 * ADD takes them (ADD_MULT_A, ADD_MULT_B, ADD_SHIFT): with ra = sa/sy and
 * rb = sb/sy (in double), shift S is the largest S <= 63 with
 * round(max(ra, rb) * 2^S) <= 65535, and mult_a = round(ra * 2^S),
 * mult_b = round(rb * 2^S) (round half to even).  So the larger multiplier has
 * 16 bits whenever the ratio allows it and swapping (sa, sb) swaps the
 * multipliers and nothing else.  A ratio too small for 2^-63 becomes a zero
 * multiplier (that operand cannot change the result by a whole step).
 * Returns 0, or MOTE_KERNEL_EPARAM (m untouched) for a scale that is not
 * finite and positive or a ratio that rounds to 65536 or more. */
struct mote_add_mults {
	uint32_t mult_a, mult_b; /* 0..65535 */
	uint32_t shift;          /* 0..63 */
};
int mote_kernel_add_mults(float sa, float sb, float sy, struct mote_add_mults *m);

/* round_half_even(((a - za) * mult_a + (b - zb) * mult_b) / 2^shift): the sum
 * of a quantized add before its output zero point and saturation (exact for
 * differences of 17 bits, as the device's y - OUT_ZP). */
int64_t mote_kernel_add_sum(int32_t da, int32_t db, const struct mote_add_mults *m);

/* ---- TFLite arithmetic (driver/kernels/kernels_tflite.c) --------------------------------
 * TFLite's integer requantization, for models imported from TFLite: a Q31
 * multiplier and a power-of-two shift from QuantizeMultiplier, applied with
 * two roundings (the high multiply's, then the shift's, ties away from zero). */

/* QuantizeMultiplier: s = mult * 2^(shift - 31), mult in [2^30, 2^31) rounded
 * half away from zero; s = 0 or s < 2^-32 (shift < -31): mult = shift = 0.
 * MOTE_KERNEL_EPARAM for s negative, NaN, infinite or >= 2^30. */
int mote_kernel_tfl_multiplier(double s, int32_t *mult, int32_t *shift);
/* SaturatingRoundingDoublingHighMul: a * b / 2^31 rounded to nearest, ties
 * upward (TFLite's nudge: +0.5 becomes 1, -0.5 becomes 0); INT32_MIN *
 * INT32_MIN saturates to INT32_MAX. */
int32_t mote_kernel_tfl_high_mul(int32_t a, int32_t b);
/* RoundingDivideByPOT: round(x / 2^e), ties away from zero (e >= 0). */
int32_t mote_kernel_tfl_div_pot(int32_t x, int exponent);
/* MultiplyByQuantizedMultiplier: div_pot(high_mul(x * 2^max(shift,0), mult), max(-shift,0)). */
int32_t mote_kernel_tfl_requant(int32_t x, int32_t mult, int32_t shift);

/* TFLite's int8 ADD: the three multipliers and shifts (input a, input b,
 * output) and the left shift 20. */
struct mote_tfl_add {
	int32_t mult[3], shift[3];
	int32_t left_shift;
};
/* Returns 0, or MOTE_KERNEL_EPARAM for a scale that is not finite and
 * positive or a ratio TFLite's QuantizeMultiplierSmallerThanOneExp refuses. */
int mote_kernel_tfl_add_params(float sa, float sb, float sy, struct mote_tfl_add *p);
/* The rescaled sum of da = a - za and db = b - zb (|d| <= 255), before the
 * output zero point and the clamp. */
int32_t mote_kernel_tfl_add_sum(int32_t da, int32_t db, const struct mote_tfl_add *p);

/* TFLite's int8/uint8 SOFTMAX (MOTE_KOP_SOFTMAX_TFL) in gemmlowp's fixed
 * point: Qm.n is an int32 holding x * 2^n, m integer bits and n = 31 - m. */

/* exp_on_negative_values for a Q5.26 input a <= 0: exp(a) in Q0.31, 2^31 - 1
 * for a = 0 (gemmlowp's One()). */
int32_t mote_kernel_tfl_exp_neg(int32_t a);
/* one_over_one_plus_x_for_x_in_0_1: 1 / (1 + a) in Q0.31 for a Q0.31 input a
 * in [0, 1) (three Newton-Raphson steps in Q2.29). */
int32_t mote_kernel_tfl_one_over_one_plus_x(int32_t a);
/* GetReciprocal: for x > 0 holding X = x * 2^(integer_bits - 31), written
 * X = (1 + f) * 2^n with f in [0, 1): 1 / (1 + f) in Q0.31, and
 * *num_bits_over_unit = n = integer_bits - (leading zero bits of x). */
int32_t mote_kernel_tfl_reciprocal(int32_t x, int integer_bits, int *num_bits_over_unit);

/* Longest SOFTMAX_TFL axis: each element adds at most 2^19 (one, Q12.19) to
 * the int32 sum of exps. */
#define MOTE_TFL_SOFTMAX_MAX_LEN 4095
struct mote_tfl_softmax {
	int32_t input_multiplier; /* [2^30, 2^31) */
	int32_t input_left_shift; /* 0..31 */
	int32_t diff_min;         /* mote_kernel_tfl_softmax_diff_min(input_left_shift) */
};
/* TFLite's SoftmaxPrepare for int8/uint8: PreprocessSoftmaxScaling(beta,
 * input_scale, 5): m = min(beta * input_scale * 2^26, 2^31 - 1) in double,
 * then QuantizeMultiplierGreaterThanOne(m) (multiplier and left shift), and
 * diff_min.  Returns 0, or MOTE_KERNEL_EPARAM (p untouched) for beta or the
 * scale not finite and positive, or m <= 1 (TFLite's check fails there). */
int mote_kernel_tfl_softmax_params(float beta, float input_scale, struct mote_tfl_softmax *p);
/* -CalculateInputRadius(5, left_shift): -floor((2^5 - 1) * 2^26 / 2^left_shift)
 * (left_shift 0..31), the smallest difference from the row's maximum whose
 * rescaled value fits int32. */
int32_t mote_kernel_tfl_softmax_diff_min(int32_t left_shift);
/* 1 when p is what mote_kernel_tfl_softmax_params can give (the ranges above,
 * diff_min derived from the shift), else 0. */
int mote_kernel_tfl_softmax_ok(const struct mote_tfl_softmax *p);

/* TFLite's fused activation functions (schema ActivationFunctionType). */
enum { MOTE_TFL_ACT_NONE = 0, MOTE_TFL_ACT_RELU = 1, MOTE_TFL_ACT_RELU_N1_TO_1 = 2, MOTE_TFL_ACT_RELU6 = 3 };
/* The clamp [lo, hi] of a quantized output (scale, zp) in [qmin, qmax] under
 * activation act, as TFLite computes it.  Returns 0 or MOTE_KERNEL_EPARAM. */
int mote_kernel_tfl_act_range(int act, float scale, int32_t zp, int32_t qmin, int32_t qmax, int32_t *lo,
			      int32_t *hi);

/* Float parameters travel as their IEEE bits in an int32 slot. */
int32_t mote_kernel_fbits(float f);
float mote_kernel_bitsf(int32_t bits);

#endif /* MOTE_KERNELS_H */
