/* kernels_tflite.c: TFLite's integer arithmetic, for models whose front end
 * is TFLite (see <mote/mote_kernels.h>, "TFLite arithmetic").
 *
 * The definitions are TensorFlow Lite's (tensorflow/lite/kernels/internal/
 * quantization_util.cc and common.h, kernels/add.cc, reference_integer_ops),
 * written here from their documented behaviour:
 *   - QuantizeMultiplier: s = q * 2^e by frexp (q in [0.5, 1)), multiplier
 *     round(q * 2^31) with ties away from zero (std::round), 2^31 carried
 *     into the exponent, shift = e; a shift below -31 flushes to 0;
 *   - SaturatingRoundingDoublingHighMul(a, b): (a*b + nudge) / 2^31 truncated
 *     toward zero, nudge 2^30 for a*b >= 0 and 1 - 2^30 otherwise (so a tie
 *     rounds upward: +0.5 to 1, -0.5 to 0); the one overflow (a = b =
 *     INT32_MIN) saturates to INT32_MAX;
 *   - RoundingDivideByPOT(x, e): x >> e plus one when the remainder exceeds
 *     half (half plus one for negative x): ties away from zero;
 *   - MultiplyByQuantizedMultiplier(x, m, shift): x * 2^max(shift, 0) in
 *     int32, the high multiply, then divide by 2^max(-shift, 0);
 *   - int8 ADD: left shift 20, twice the larger input scale as the common
 *     scale, each input's multiplier input_scale / (2 * max scale), the
 *     output's 2 * max scale / (2^20 * output scale), each through
 *     QuantizeMultiplier with a shift <= 0 (QuantizeMultiplierSmallerThanOneExp),
 *     and the three rescalings done with MultiplyByQuantizedMultiplier;
 *   - activation ranges: zero_point + round(f / scale) (float division,
 *     ties away from zero) for f = 0 (RELU), 6 (RELU6), -1 and 1 (RELU_N1_TO_1),
 *     within the type's range;
 *   - int8/uint8 SOFTMAX: see the section at the end of the file.
 */
#include <math.h>
#include <string.h>

#include "kernels_priv.h"

int mote_kernel_tfl_multiplier(double s, int32_t *mult, int32_t *shift)
{
	if (!mult || !shift)
		return MOTE_KERNEL_EPARAM;
	*mult = 0;
	*shift = 0;
	if (isnan(s) || isinf(s) || s < 0)
		return MOTE_KERNEL_EPARAM;
	if (s == 0)
		return 0;
	int e;
	double q = frexp(s, &e);
	double qf = round(ldexp(q, 31)); /* ties away from zero */
	if (qf == 2147483648.0) {
		qf /= 2;
		e++;
	}
	if (e < -31)
		return 0; /* every result 0 */
	if (e > 30)
		return MOTE_KERNEL_EPARAM; /* x * 2^e would not fit int32 for any x but 0 */
	*mult = (int32_t)qf;
	*shift = e;
	return 0;
}

int32_t mote_kernel_tfl_high_mul(int32_t a, int32_t b)
{
	if (a == INT32_MIN && b == INT32_MIN)
		return INT32_MAX;
	int64_t ab = (int64_t)a * b;
	int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30);
	return (int32_t)((ab + nudge) / ((int64_t)1 << 31)); /* C division truncates toward zero */
}

int32_t mote_kernel_tfl_div_pot(int32_t x, int exponent)
{
	if (exponent <= 0)
		return x;
	if (exponent > 31)
		exponent = 31;
	int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
	int32_t rem = x & mask;
	int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
	return (x >> exponent) + (rem > threshold ? 1 : 0); /* arithmetic shift (gcc) */
}

int32_t mote_kernel_tfl_requant(int32_t x, int32_t mult, int32_t shift)
{
	int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
	/* x * 2^left in int32, wrapping as TFLite's int32 product does in practice */
	int32_t xs = (int32_t)((uint32_t)x << (left & 31));
	return mote_kernel_tfl_div_pot(mote_kernel_tfl_high_mul(xs, mult), right);
}

int64_t mote__kernel_requant_tfl(int32_t v, int32_t mult, int32_t shift)
{
	int32_t s = shift & 63;
	return mote_kernel_tfl_requant(v, mult, 31 - (s > 62 ? 62 : s));
}

/* QuantizeMultiplierSmallerThanOneExp: 0 < s < 1, shift <= 0. */
static int smaller_than_one(double s, int32_t *mult, int32_t *shift)
{
	if (!(s > 0 && s < 1) || mote_kernel_tfl_multiplier(s, mult, shift) || *shift > 0)
		return MOTE_KERNEL_EPARAM;
	return 0;
}

int mote_kernel_tfl_add_params(float sa, float sb, float sy, struct mote_tfl_add *p)
{
	if (!p || !(isfinite(sa) && sa > 0) || !(isfinite(sb) && sb > 0) || !(isfinite(sy) && sy > 0))
		return MOTE_KERNEL_EPARAM;
	memset(p, 0, sizeof *p);
	p->left_shift = 20;
	/* TFLite: 2 * std::max(float, float) as a double; the quotients in double */
	double twice_max = 2.0 * (double)(sa > sb ? sa : sb);
	double ra = (double)sa / twice_max, rb = (double)sb / twice_max;
	double ry = twice_max / (double)((float)(1 << 20) * sy);
	if (smaller_than_one(ra, &p->mult[0], &p->shift[0]) || smaller_than_one(rb, &p->mult[1], &p->shift[1]) ||
	    smaller_than_one(ry, &p->mult[2], &p->shift[2]))
		return MOTE_KERNEL_EPARAM;
	return 0;
}

int32_t mote_kernel_tfl_add_sum(int32_t da, int32_t db, const struct mote_tfl_add *p)
{
	/* |d| <= 255: d * 2^20 fits int32 */
	int32_t a = mote_kernel_tfl_requant(da * (1 << p->left_shift), p->mult[0], p->shift[0]);
	int32_t b = mote_kernel_tfl_requant(db * (1 << p->left_shift), p->mult[1], p->shift[1]);
	return mote_kernel_tfl_requant((int32_t)((uint32_t)a + (uint32_t)b), p->mult[2], p->shift[2]);
}

static int32_t quantize_act(float f, float scale, int32_t zp)
{
	float r = roundf(f / scale);
	/* the bounds below are applied by the caller; keep the conversion defined */
	if (!(r > -2147483648.0f))
		return INT32_MIN;
	if (!(r < 2147483648.0f))
		return INT32_MAX;
	int64_t v = (int64_t)zp + (int64_t)r;
	return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

int mote_kernel_tfl_act_range(int act, float scale, int32_t zp, int32_t qmin, int32_t qmax, int32_t *lo,
			      int32_t *hi)
{
	if (!lo || !hi || !(isfinite(scale) && scale > 0) || qmin > qmax)
		return MOTE_KERNEL_EPARAM;
	*lo = qmin;
	*hi = qmax;
	int32_t a, b;
	switch (act) {
	case MOTE_TFL_ACT_NONE: return 0;
	case MOTE_TFL_ACT_RELU: a = quantize_act(0.0f, scale, zp), b = qmax; break;
	case MOTE_TFL_ACT_RELU6: a = quantize_act(0.0f, scale, zp), b = quantize_act(6.0f, scale, zp); break;
	case MOTE_TFL_ACT_RELU_N1_TO_1: a = quantize_act(-1.0f, scale, zp), b = quantize_act(1.0f, scale, zp); break;
	default: return MOTE_KERNEL_EPARAM;
	}
	*lo = a > qmin ? a : qmin;
	*hi = b < qmax ? b : qmax;
	if (*lo > *hi) /* an empty range: TFLite's clamps then give act_max everywhere */
		*lo = *hi;
	return 0;
}

/* ---- SOFTMAX (MOTE_KOP_SOFTMAX_TFL) ----------------------------------------------
 * TFLite's integer softmax for int8/uint8 tensors, written from the
 * definitions of TFLite's reference kernel and gemmlowp's fixed point
 * (tensorflow/lite/kernels/internal/reference/softmax.h, the quantized
 * Softmax template; kernels/activations.cc SoftmaxPrepare, kReference;
 * quantization_util.cc PreprocessSoftmaxScaling and CalculateInputRadius;
 * common.h GetReciprocal and MultiplyByQuantizedMultiplierGreaterThanOne;
 * gemmlowp fixedpoint/fixedpoint.h).  TFLite's optimized kernels compute
 * int8 softmax with a float lookup table instead; TFLite Micro's reference
 * kernel computes this algorithm.  The facts used:
 *   - FixedPoint<int32, m>: x * 2^(31 - m) in an int32; the product of two
 *     is SaturatingRoundingDoublingHighMul of their raw values (integer bits
 *     add up); + and - are plain int32 arithmetic; Rescale to fewer integer
 *     bits is a saturating left shift (x > 2^(31-e) - 1 gives INT32_MAX,
 *     x < -(2^(31-e) - 1) gives INT32_MIN), to more bits RoundingDivideByPOT;
 *     One() of Q0.31 is 2^31 - 1; RoundingHalfSum(a, b) = (a + b + sign) / 2
 *     in 64 bits, sign +1 for a + b >= 0 and -1 otherwise, truncated;
 *   - exp_on_interval_between_negative_one_quarter_and_0_excl(a), Q0.31:
 *     x = a + 1/8, x2 = x*x, x3 = x2*x, x4 = x2*x2, t = ((x4/4 + x3) *
 *     (1/3) + x2) / 2 (the divisions by 4 and 2 RoundingDivideByPOT), result
 *     c + c * (x + t), c = exp(-1/8) = 1895147668, 1/3 = 715827883;
 *   - exp_on_negative_values(a), Q5.26 in, Q0.31 out: a mod 1/4 minus 1/4
 *     ((a & (2^24 - 1)) - 2^24) rescaled to Q0.31 into the function above;
 *     then for each bit 24 + k (k = -2..4) set in that value minus a, the
 *     result times exp(-2^k): 1672461947, 1302514674, 790015084, 290630308,
 *     39332535, 720401, 242 (Q0.31); a = 0 gives One();
 *   - one_over_one_plus_x_for_x_in_0_1(a): h = RoundingHalfSum(a, One()),
 *     in Q2.29 x = 48/17 + h * (-32/17) (1515870810, -1010580540), three
 *     times x = x + Rescale<2>(x * (1 - h * x)) (1 = 2^29), then x / 2 as
 *     Q1.30 rescaled to Q0.31;
 *   - GetReciprocal(x, m): z = leading zeros of x, n = m - z, the result
 *     one_over_one_plus_x of (x << z) - 2^31 (uint32 arithmetic);
 *   - the kernel: kScaledDiffIntegerBits 5, kAccumulationIntegerBits 12;
 *     each row's maximum; the difference d = x - max used where d >=
 *     diff_min, rescaled by SaturatingRoundingDoublingHighMul(d * 2^shift,
 *     multiplier); the sum of Rescale<12> of the exps (RoundingDivideByPOT
 *     by 12); GetReciprocal(sum, 12); the output RoundingDivideByPOT(
 *     reciprocal * exp, n + 31 - 8) plus the type's minimum, clamped; the
 *     type's minimum where d < diff_min;
 *   - the parameters (SoftmaxPrepare): PreprocessSoftmaxScaling(beta,
 *     input_scale, 5) and diff_min = -CalculateInputRadius(5, shift), with
 *     TFLite's default double rounding (not TFLITE_SINGLE_ROUNDING). */

static int32_t add_w(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t sub_w(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }

/* SaturatingRoundingMultiplyByPOT with a positive exponent e: x * 2^e saturated. */
static int32_t sat_shl(int32_t x, int e)
{
	const int32_t threshold = (int32_t)(((int64_t)1 << (31 - e)) - 1);
	if (x > threshold)
		return INT32_MAX;
	if (x < -threshold)
		return INT32_MIN;
	return (int32_t)((uint32_t)x << e);
}

/* exp(a) for a Q0.31 in [-1/4, 0) (the polynomial about -1/8). */
static int32_t exp_quarter(int32_t a)
{
	const int32_t c = 1895147668, third = 715827883;
	int32_t x = add_w(a, 1 << 28);
	int32_t x2 = mote_kernel_tfl_high_mul(x, x);
	int32_t x3 = mote_kernel_tfl_high_mul(x2, x);
	int32_t x4 = mote_kernel_tfl_high_mul(x2, x2);
	int32_t x4_4 = mote_kernel_tfl_div_pot(x4, 2);
	int32_t t = mote_kernel_tfl_div_pot(add_w(mote_kernel_tfl_high_mul(add_w(x4_4, x3), third), x2), 1);
	return add_w(c, mote_kernel_tfl_high_mul(c, add_w(x, t)));
}

int32_t mote_kernel_tfl_exp_neg(int32_t a)
{
	static const int32_t mult[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
	const int32_t quarter = 1 << 24; /* 1/4 in Q5.26 */
	int32_t amod = sub_w(a & (quarter - 1), quarter);
	int32_t r = exp_quarter(sat_shl(amod, 5)); /* Q5.26 to Q0.31 */
	int32_t rem = sub_w(amod, a);
	for (int k = 0; k < 7; k++) /* bit 26 + (k - 2): exp(-2^(k-2)) */
		if ((uint32_t)rem & ((uint32_t)1 << (24 + k)))
			r = mote_kernel_tfl_high_mul(r, mult[k]);
	return a == 0 ? INT32_MAX : r;
}

int32_t mote_kernel_tfl_one_over_one_plus_x(int32_t a)
{
	int64_t s = (int64_t)a + INT32_MAX;
	int32_t h = (int32_t)((s + (s >= 0 ? 1 : -1)) / 2); /* RoundingHalfSum(a, One()) */
	int32_t x = add_w(1515870810, mote_kernel_tfl_high_mul(h, -1010580540));
	for (int i = 0; i < 3; i++) {
		int32_t one_minus = sub_w(1 << 29, mote_kernel_tfl_high_mul(h, x));
		x = add_w(x, sat_shl(mote_kernel_tfl_high_mul(x, one_minus), 2));
	}
	return sat_shl(x, 1);
}

int32_t mote_kernel_tfl_reciprocal(int32_t x, int integer_bits, int *num_bits_over_unit)
{
	int z = x == 0 ? 32 : __builtin_clz((uint32_t)x);
	if (num_bits_over_unit)
		*num_bits_over_unit = integer_bits - z;
	uint32_t norm = z < 32 ? (uint32_t)x << z : 0;
	return mote_kernel_tfl_one_over_one_plus_x((int32_t)(norm - ((uint32_t)1 << 31)));
}

int32_t mote_kernel_tfl_softmax_diff_min(int32_t left_shift)
{
	/* floor(31 * 2^26 / 2^s): exact in double as in integers */
	return left_shift < 0 || left_shift > 31 ? 0 : -(int32_t)(((int64_t)31 << 26) >> left_shift);
}

int mote_kernel_tfl_softmax_params(float beta, float input_scale, struct mote_tfl_softmax *p)
{
	if (!p || !(isfinite(beta) && beta > 0) || !(isfinite(input_scale) && input_scale > 0))
		return MOTE_KERNEL_EPARAM;
	/* PreprocessSoftmaxScaling: beta * input_scale * 2^(31 - 5) in double, at most 2^31 - 1 */
	double m = (double)beta * (double)input_scale * (double)(1 << 26);
	if (m > 2147483647.0)
		m = 2147483647.0;
	if (!(m > 1.0)) /* QuantizeMultiplierGreaterThanOne's check */
		return MOTE_KERNEL_EPARAM;
	int e;
	double q = round(ldexp(frexp(m, &e), 31)); /* QuantizeMultiplier: ties away from zero */
	if (q == 2147483648.0) { /* not reached for m <= 2^31 - 1 with e = 31 */
		q /= 2;
		e++;
	}
	if (e < 0 || e > 31)
		return MOTE_KERNEL_EPARAM;
	p->input_multiplier = (int32_t)q;
	p->input_left_shift = e;
	p->diff_min = mote_kernel_tfl_softmax_diff_min(e);
	return 0;
}

int mote_kernel_tfl_softmax_ok(const struct mote_tfl_softmax *p)
{
	return p && p->input_multiplier >= (1 << 30) && p->input_left_shift >= 0 && p->input_left_shift <= 31 &&
	       p->diff_min == mote_kernel_tfl_softmax_diff_min(p->input_left_shift);
}

/* RoundingDivideByPOT for exponents past 31 too (there: the exact rounding of
 * a value below 2^31 by 2^32 or more, 0). */
static int32_t div_pot_wide(int32_t x, int e) { return e > 31 ? 0 : mote_kernel_tfl_div_pot(x, e); }

static int32_t get8(const struct mote_ktensor *t, int64_t i)
{
	return t->dtype == MOTE_KT_INT8 ? ((const int8_t *)t->data)[i] : ((const uint8_t *)t->data)[i];
}

int mote__kernel_softmax_tfl(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	if ((x->dtype != MOTE_KT_INT8 && x->dtype != MOTE_KT_UINT8) || y->dtype != x->dtype)
		return MOTE_KERNEL_ETYPE;
	if (x->rank == 0)
		return MOTE_KERNEL_ESHAPE;
	const struct mote_tfl_softmax sp = {p[1], p[2], p[3]};
	if (p[0] < 0 || (uint32_t)p[0] >= x->rank || !mote_kernel_tfl_softmax_ok(&sp))
		return MOTE_KERNEL_EPARAM;
	int64_t outer = 1, len = x->dims[p[0]], inner = 1, ny = 1;
	for (int32_t i = 0; i < p[0]; i++)
		outer *= x->dims[i];
	for (uint32_t i = (uint32_t)p[0] + 1; i < x->rank; i++)
		inner *= x->dims[i];
	for (uint32_t i = 0; i < y->rank; i++)
		ny *= y->dims[i];
	if (ny != outer * len * inner || len > MOTE_TFL_SOFTMAX_MAX_LEN)
		return MOTE_KERNEL_ESHAPE;
	const int32_t lo = x->dtype == MOTE_KT_INT8 ? -128 : 0, hi = lo + 255;
	for (int64_t o = 0; o < outer; o++)
		for (int64_t in = 0; in < inner; in++) {
			const int64_t base = o * len * inner + in;
			int32_t top = lo, sum = 0; /* sum <= 4095 * 2^19 < 2^31 */
			for (int64_t k = 0; k < len; k++) {
				int32_t v = get8(x, base + k * inner);
				top = v > top ? v : top;
			}
			/* the exps twice, as TFLite's reference computes them: no buffer */
			for (int64_t k = 0; k < len; k++) {
				int32_t d = get8(x, base + k * inner) - top;
				if (d >= sp.diff_min)
					sum += mote_kernel_tfl_div_pot(
						mote_kernel_tfl_exp_neg(mote_kernel_tfl_requant(d, sp.input_multiplier,
											sp.input_left_shift)),
						12);
			}
			int n;
			int32_t r = mote_kernel_tfl_reciprocal(sum, 12, &n);
			for (int64_t k = 0; k < len; k++) {
				int32_t d = get8(x, base + k * inner) - top, q = lo;
				if (d >= sp.diff_min) {
					int32_t e = mote_kernel_tfl_exp_neg(
						mote_kernel_tfl_requant(d, sp.input_multiplier, sp.input_left_shift));
					int64_t v = (int64_t)div_pot_wide(mote_kernel_tfl_high_mul(r, e), n + 31 - 8) + lo;
					q = v < lo ? lo : v > hi ? hi : (int32_t)v;
				}
				if (y->dtype == MOTE_KT_INT8)
					((int8_t *)y->data)[base + k * inner] = (int8_t)q;
				else
					((uint8_t *)y->data)[base + k * inner] = (uint8_t)q;
			}
		}
	return 0;
}
