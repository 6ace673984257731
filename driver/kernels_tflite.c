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
 *     within the type's range.
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
