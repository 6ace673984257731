/* tflite_layer_util.c: what the TFLite operator importers share (see
 * tflite_imp.h): operand counts, fused-activation clamps, SAME/VALID
 * windows, output shape checks, activation quantization as constants.
 *
 * Facts used (TensorFlow Lite's kernels): SAME padding gives out =
 * ceil(in / stride) and pads the total (out - 1) * stride + (k - 1) *
 * dilation + 1 - in (at least 0) with the smaller half before; VALID gives
 * out = floor((in - (k - 1) * dilation - 1) / stride) + 1 and no pads;
 * fused activations clamp to TFLite's quantized activation range
 * (mote_kernel_tfl_act_range).
 */
#include <math.h>
#include <stdio.h>

#include "mote/mote_kernels.h"
#include "tflite_imp.h"

#define NOTSUP(...) imp_fail(im, MOTE_CC_ENOTSUP, __VA_ARGS__)
#define BAD(...) imp_fail(im, MOTE_CC_EFORMAT, __VA_ARGS__)

const struct tfl_tensor *imp_tt(const struct imp *im, int32_t t) { return &im->m->tensors[t]; }

int imp_io_count(struct imp *im, const struct tfl_op *o, uint32_t in_min, uint32_t in_max)
{
	if (o->n_in < in_min || o->n_in > in_max || o->n_out != 1)
		return BAD("%u inputs and %u outputs (%u to %u inputs and one output expected)", o->n_in, o->n_out, in_min,
			   in_max);
	for (uint32_t k = 0; k < in_min; k++)
		if (o->in[k] < 0)
			return BAD("input %u is missing", k);
	return 0;
}

int32_t imp_first_act(struct imp *im, const struct tfl_op *o, uint32_t in_min, uint32_t in_max)
{
	int rc = imp_io_count(im, o, in_min, in_max);
	return rc ? rc : imp_act(im, 0);
}

int imp_is_q8(int32_t dt) { return dt == IR_INT8 || dt == IR_UINT8; }

/* The clamp of a fused activation on output tensor t (scale ys, zp yz), as
 * a "mote_clamp" attribute in *a; *na counts it (0 for NONE). */
int imp_act_clamp(struct imp *im, int act, uint32_t t, float ys, int32_t yz, struct nattr *a, size_t *na)
{
	*na = 0;
	if (act == TFL_ACT_NONE)
		return 0;
	if (act != TFL_ACT_RELU && act != TFL_ACT_RELU6 && act != TFL_ACT_RELU_N1_TO_1)
		return NOTSUP("fused activation %d (only RELU, RELU6 and RELU_N1_TO_1 are supported)", act);
	int32_t qmin = imp_tt(im, (int32_t)t)->type == TFL_UINT8 ? 0 : -128, lo, hi;
	if (mote_kernel_tfl_act_range(act, ys, yz, qmin, qmin + 255, &lo, &hi))
		return BAD("fused activation %d: no clamp for output scale %g", act, (double)ys);
	*a = (struct nattr){"mote_clamp", 2, {lo, hi}};
	*na = 1;
	return 0;
}

/* One spatial dimension of a window operator. */
int imp_window(struct imp *im, const char *dim, int64_t in, int64_t k, int64_t s, int64_t d, int padding,
	       int64_t *out, int64_t *before, int64_t *after)
{
	if (k < 1 || k > IR_MAX_WINDOW || s < 1 || s > IR_MAX_WINDOW || d < 1 || d > IR_MAX_WINDOW)
		return BAD("%s: kernel %lld, stride %lld, dilation %lld (1..%d)", dim, (long long)k, (long long)s,
			   (long long)d, IR_MAX_WINDOW);
	int64_t eff = (k - 1) * d + 1;
	if (padding == TFL_PAD_SAME) {
		*out = (in + s - 1) / s;
		int64_t total = (*out - 1) * s + eff - in;
		total = total > 0 ? total : 0;
		*before = total / 2;
		*after = total - *before;
	} else if (padding == TFL_PAD_VALID) {
		if (in < eff)
			return BAD("%s: VALID window of %lld on %lld positions", dim, (long long)eff, (long long)in);
		*out = (in - eff) / s + 1;
		*before = *after = 0;
	} else
		return NOTSUP("padding %d (SAME 0 or VALID 1)", padding);
	if (*before > IR_MAX_WINDOW || *after > IR_MAX_WINDOW)
		return BAD("%s: padding beyond %d", dim, IR_MAX_WINDOW);
	return 0;
}

/* The TFLite output tensor must have the shape the operator computes
 * (rank 4: NHWC [n, h, w, c]). */
int imp_check_out4(struct imp *im, uint32_t t, int64_t n, int64_t h, int64_t w, int64_t c)
{
	const struct tfl_tensor *y = imp_tt(im, (int32_t)t);
	if (y->rank != 4 || y->shape[0] != n || y->shape[1] != h || y->shape[2] != w || y->shape[3] != c)
		return BAD("output tensors[%u] '%s' is not %lldx%lldx%lldx%lld", t, y->name, (long long)n, (long long)h,
			   (long long)w, (long long)c);
	return 0;
}

/* Activation quantization as scalar constants named after the node. */
int imp_act_quant(struct imp *im, uint32_t t, const char *what, const char *suffix, float *s, int32_t *z,
		     int32_t *ts, int32_t *tz)
{
	int rc = imp_quant(im, t, what, s, z);
	if (rc)
		return rc;
	char base[48], sfx[32];
	snprintf(base, sizeof base, "operators[%u]", im->op);
	snprintf(sfx, sizeof sfx, "/%s_scale", suffix);
	if ((*ts = imp_scale(im, base, sfx, *s)) < 0)
		return *ts;
	snprintf(sfx, sizeof sfx, "/%s_zero_point", suffix);
	*tz = imp_zp(im, base, sfx, imp_tt(im, (int32_t)t)->type == TFL_UINT8 ? IR_UINT8 : IR_INT8, *z);
	return *tz < 0 ? *tz : 0;
}
