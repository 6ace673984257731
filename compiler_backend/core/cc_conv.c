/* cc_conv.c: validation of one convolution (shared by the reference and the
 * builder) and the GEMM-as-convolution view. */
#include "cc_internal.h"

void mote_cc_gemm_as_conv(const struct mote_cc_gemm *g, struct mote_cc_conv *c)
{
	*c = (struct mote_cc_conv){
		.in_h = g->m, .in_w = 1, .in_c = g->k, .out_c = g->n,
		.k_h = 1, .k_w = 1, .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1,
		.in_type = g->a_type, .in_zp = g->a_zp, .w_type = g->b_type, .w_zp = g->b_zp,
		.out_type = g->out_type, .out_zp = g->out_zp,
		.clamp_lo = g->clamp_lo, .clamp_hi = g->clamp_hi,
		.weights = g->b, .bias = g->bias, .mult = g->mult, .shift = g->shift, .round_tfl = g->round_tfl, .sparse = g->sparse,
	};
}

/* Output extent along one axis, or 0 when the window never fits. */
static uint64_t out_extent(uint64_t in, uint64_t pa, uint64_t pb, uint64_t k, uint64_t dil,
			   uint64_t stride)
{
	uint64_t span = dil * (k - 1) + 1; /* all operands < 2^32: no overflow in 64 bits */
	uint64_t padded = in + pa + pb;
	if (padded < span)
		return 0;
	return (padded - span) / stride + 1;
}

/* The fused add's fields (op->add), when it is on. */
static int add_check(const struct mote_cc_conv *op, struct mote_cc_diag *diag)
{
	const struct mote_cc_add *a = &op->add;
	if (!a->on)
		return 0;
	if (op->out_type == MOTE_CC_INT32)
		return cc_fail(diag, MOTE_CC_EINVAL, "a fused add needs an int8 or uint8 output");
	if (a->type != MOTE_CC_INT8 && a->type != MOTE_CC_UINT8)
		return cc_fail(diag, MOTE_CC_EINVAL, "add operand type must be int8 or uint8");
	if (!cc_in_range(a->type, a->zp))
		return cc_fail(diag, MOTE_CC_EINVAL, "add operand zero point %d outside its type", a->zp);
	if (a->mult_a > 65535 || a->mult_b > 65535 || a->shift > 63)
		return cc_fail(diag, MOTE_CC_EINVAL, "add multipliers %u, %u (at most 65535) or shift %u (at most 63)",
			       a->mult_a, a->mult_b, a->shift);
	if (!cc_in_range(op->out_type, a->sum_zp) || !cc_in_range(op->out_type, a->lo) ||
	    !cc_in_range(op->out_type, a->hi) || a->lo > a->hi)
		return cc_fail(diag, MOTE_CC_EINVAL, "add zero point %d or clamp [%d, %d] outside the output type",
			       a->sum_zp, a->lo, a->hi);
	return 0;
}

int mote_cc_conv_check(const struct mote_cc_conv *op, uint32_t *out_h, uint32_t *out_w,
		       struct mote_cc_diag *diag)
{
	if (!op)
		return cc_fail(diag, MOTE_CC_EINVAL, "no operator");
	if (!op->in_h || !op->in_w || !op->in_c || !op->out_c || !op->k_h || !op->k_w)
		return cc_fail(diag, MOTE_CC_EINVAL, "zero dimension (in %ux%ux%u, out_c %u, kernel %ux%u)",
			       op->in_h, op->in_w, op->in_c, op->out_c, op->k_h, op->k_w);
	if (!op->stride_h || !op->stride_w || !op->dil_h || !op->dil_w)
		return cc_fail(diag, MOTE_CC_EINVAL, "stride and dilation must be >= 1");
	int rc;
	uint32_t groups = cc_groups(op);
	if (op->in_c % groups || op->out_c % groups)
		return cc_fail(diag, MOTE_CC_EINVAL, "%u groups do not divide in_c %u and out_c %u", groups, op->in_c,
			       op->out_c);
	if (op->in_type != MOTE_CC_INT8 && op->in_type != MOTE_CC_UINT8)
		return cc_fail(diag, MOTE_CC_EINVAL, "input type must be int8 or uint8");
	if (!cc_in_range(op->in_type, op->in_zp))
		return cc_fail(diag, MOTE_CC_EINVAL, "input zero point %d outside the input type", op->in_zp);
	if (op->w_type != MOTE_CC_INT8 && op->w_type != MOTE_CC_UINT8)
		return cc_fail(diag, MOTE_CC_EINVAL, "weight type must be int8 or uint8");
	if (!cc_in_range(op->w_type, op->w_zp))
		return cc_fail(diag, MOTE_CC_EINVAL, "weight zero point %d outside the weight type", op->w_zp);
	if (op->pool != MOTE_CC_POOL_NONE && op->pool != MOTE_CC_POOL_MAX)
		return cc_fail(diag, MOTE_CC_EINVAL, "unknown pooling mode %d", (int)op->pool);
	if (op->pool == MOTE_CC_POOL_MAX && (groups != op->in_c || groups != op->out_c))
		return cc_fail(diag, MOTE_CC_EINVAL, "max pooling needs groups == in_c == out_c (%u, %u, %u)", groups,
			       op->in_c, op->out_c);
	if (!op->weights && op->pool != MOTE_CC_POOL_MAX)
		return cc_fail(diag, MOTE_CC_EINVAL, "no weights");
	switch (op->out_type) {
	case MOTE_CC_INT8:
	case MOTE_CC_UINT8:
		if (!op->mult || !op->shift)
			return cc_fail(diag, MOTE_CC_EINVAL, "requantized output needs mult and shift");
		if (!cc_in_range(op->out_type, op->out_zp))
			return cc_fail(diag, MOTE_CC_EINVAL, "output zero point %d outside the output type", op->out_zp);
		if (!cc_in_range(op->out_type, op->clamp_lo) || !cc_in_range(op->out_type, op->clamp_hi) ||
		    op->clamp_lo > op->clamp_hi)
			return cc_fail(diag, MOTE_CC_EINVAL, "clamp [%d, %d] empty or outside the output type",
				       op->clamp_lo, op->clamp_hi);
		break;
	case MOTE_CC_INT32:
		break;
	default:
		return cc_fail(diag, MOTE_CC_EINVAL, "unknown output type %d", (int)op->out_type);
	}
	if ((rc = add_check(op, diag)))
		return rc;
	uint64_t oh = out_extent(op->in_h, op->pad_top, op->pad_bottom, op->k_h, op->dil_h, op->stride_h);
	uint64_t ow = out_extent(op->in_w, op->pad_left, op->pad_right, op->k_w, op->dil_w, op->stride_w);
	if (!oh || !ow)
		return cc_fail(diag, MOTE_CC_EINVAL, "kernel window larger than the padded input");
	/* Every tensor must be addressable with 32 bits. */
	uint64_t in_bytes;
	uint64_t t;
	if (__builtin_mul_overflow((uint64_t)op->in_h * op->in_w, (uint64_t)op->in_c, &in_bytes) ||
	    in_bytes > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "input tensor larger than 4 GiB");
	if (oh > UINT32_MAX || ow > UINT32_MAX ||
	    __builtin_mul_overflow(oh * ow, (uint64_t)op->out_c * mote_cc_dtype_size(op->out_type), &t) ||
	    t > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "output tensor larger than 4 GiB");
	if (__builtin_mul_overflow((uint64_t)op->k_h * op->k_w, (uint64_t)(op->in_c / groups), &t) ||
	    __builtin_mul_overflow(t, (uint64_t)op->out_c, &t) || t > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "weight tensor larger than 4 GiB");
	if (out_h)
		*out_h = (uint32_t)oh;
	if (out_w)
		*out_w = (uint32_t)ow;
	return 0;
}
