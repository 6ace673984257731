/* requant.c: real scale -> (mult, shift) for the STORE post-processing.
 * The rule is the host kernels' (mote_kernel_quantize_scale in
 * driver/kernels/kernels.c), so the runtime's average pooling and the compiler agree;
 * this only maps its errors to the compiler's statuses.
 */
#include <math.h>

#include "cc_internal.h"
#include "mote/mote_kernels.h"

int mote_cc_quantize_scale(double s, int32_t *mult, int32_t *shift)
{
	if (!mult || !shift || isnan(s) || isinf(s) || s < 0)
		return MOTE_CC_EINVAL;
	/* the only other failure: s >= 2^31, which no multiplier holds */
	return mote_kernel_quantize_scale(s, mult, shift) ? MOTE_CC_ERANGE : 0;
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
