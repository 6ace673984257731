/* stack_rows.c: a convolution over its input with the kernel rows stacked as
 * channels (mote_cc_conv_stack_rows in mote_compiler.h).
 *
 * Reduction order stays (ky, kx, c) within the new channel index: the new
 * kernel is one row of k_w columns over k_h*in_c channels, and weight
 * (ky, kx, c, o) moves to (0, kx, ky*in_c + c, o).  Rows the stacked input
 * takes from outside the image hold the input zero point, which contributes
 * (in_zp - in_zp) * w = 0, exactly as the original padding contributes
 * nothing; x padding is unchanged.
 */
#include <string.h>

#include "core/cc_internal.h"

int mote_cc_conv_stack_rows(const struct mote_cc_conv *op, struct mote_cc_conv *st, int8_t *w,
			    struct mote_cc_diag *diag)
{
	uint32_t oh, ow;
	if (!st || !w)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	int rc = mote_cc_conv_check(op, &oh, &ow, diag);
	if (rc)
		return rc;
	if (cc_groups(op) != 1)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "stacked kernel rows of a grouped convolution");
	uint64_t cs = (uint64_t)op->k_h * op->in_c;
	if (cs > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "%llu stacked channels", (unsigned long long)cs);
	*st = *op;
	st->in_h = oh;
	st->in_c = (uint32_t)cs;
	st->k_h = 1;
	st->stride_h = 1;
	st->dil_h = 1;
	st->pad_top = st->pad_bottom = 0;
	st->weights = w;
	size_t C = op->in_c, KW = op->k_w, M = op->out_c;
	for (size_t ky = 0; ky < op->k_h; ky++)
		for (size_t kx = 0; kx < KW; kx++)
			for (size_t c = 0; c < C; c++)
				memcpy(w + (kx * cs + ky * C + c) * M, op->weights + ((ky * KW + kx) * C + c) * M, M);
	return 0;
}

/* The whole kernel window as channels (im2col): the convolution becomes
 * 1x1 over k_h*k_w*in_c channels of the input MOTE_KOP_STACK_ROWS makes
 * with p5 = k_w, in the reduction order (ky, kx, c) of op itself, so the
 * weights keep their bytes and order ([ky][kx][c][o] is [(ky*k_w + kx)*in_c
 * + c][o]) and 2:4 groups of op's reduction are the stacked layer's. */
int cc_conv_stack_window(const struct mote_cc_conv *op, struct mote_cc_conv *st, struct mote_cc_diag *diag)
{
	uint32_t oh, ow;
	if (!st)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	int rc = mote_cc_conv_check(op, &oh, &ow, diag);
	if (rc)
		return rc;
	if (cc_groups(op) != 1)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "stacked kernel window of a grouped convolution");
	uint64_t cs = (uint64_t)op->k_h * op->k_w * op->in_c;
	if (cs > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "%llu stacked channels", (unsigned long long)cs);
	*st = *op;
	st->in_h = oh;
	st->in_w = ow;
	st->in_c = (uint32_t)cs;
	st->k_h = st->k_w = 1;
	st->stride_h = st->stride_w = 1;
	st->dil_h = st->dil_w = 1;
	st->pad_top = st->pad_bottom = st->pad_left = st->pad_right = 0;
	return 0;
}
