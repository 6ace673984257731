/* requant.c: real scale -> (mult, shift) for the STORE post-processing.
 *
 * Rule: write s = f * 2^e with f in [0.5, 1) (frexp); mult = f * 2^31 rounded
 * to nearest (ties to even), shift = 31 - e.  f * 2^31 is an integer whenever s
 * has at most 31 significant bits, so float32 scales (24 bits) are exact and
 * round_half_even(acc * mult / 2^shift) is then exactly round_half_even(acc * s).
 * If rounding carries f * 2^31 up to 2^31, use 2^30 and one less shift.
 * Limits (see mote_compiler.h): shift < 0 (s >= 2^31) is ERANGE; shift > 63
 * means |acc * s| < 2^31 * 2^-33 < 0.5 for every int32 acc, so every result is
 * 0, represented exactly by mult = 0, shift = 0.
 */
#include <math.h>

#include "cc_internal.h"

int mote_cc_quantize_scale(double s, int32_t *mult, int32_t *shift)
{
	if (!mult || !shift)
		return MOTE_CC_EINVAL;
	if (isnan(s) || isinf(s) || s < 0)
		return MOTE_CC_EINVAL;
	if (s == 0) {
		*mult = 0;
		*shift = 0;
		return 0;
	}
	int e;
	double f = frexp(s, &e);            /* s = f * 2^e, 0.5 <= f < 1 */
	double m = nearbyint(ldexp(f, 31)); /* default rounding mode: ties to even */
	if (m >= 2147483648.0) {
		m = 1073741824.0;
		e += 1;
	}
	long sh = 31L - e;
	if (sh < 0)
		return MOTE_CC_ERANGE;
	if (sh > 63) {
		*mult = 0;
		*shift = 0;
		return 0;
	}
	*mult = (int32_t)m;
	*shift = (int32_t)sh;
	return 0;
}

int mote_cc_quantize_scales(const double *s, size_t n, int32_t *mult, int32_t *shift)
{
	if (!s || !mult || !shift)
		return MOTE_CC_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int rc = mote_cc_quantize_scale(s[i], &mult[i], &shift[i]);
		if (rc)
			return rc;
	}
	return 0;
}
