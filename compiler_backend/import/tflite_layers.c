/* tflite_layers.c: TFLite's ADD, pooling, RESHAPE, SOFTMAX, QUANTIZE,
 * DEQUANTIZE and PAD as IR nodes (see tflite_import.h).
 *
 * Facts used (TensorFlow Lite's kernels): pooling, reshape and PAD keep
 * their input's quantization (TFLite's int8 kernels require it); PAD pads
 * an int8 tensor with its zero point; SOFTMAX works along the last axis
 * with beta scaling its input, and from int8 to int8 (uint8 to uint8) in
 * integers (host kernel SOFTMAX_TFL, driver/kernels/kernels_tflite.c), its output
 * quantized with scale 1/256 and the type's minimum as zero point.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_kernels.h"
#include "tflite_imp.h"

#define NOTSUP(...) imp_fail(im, MOTE_CC_ENOTSUP, __VA_ARGS__)
#define BAD(...) imp_fail(im, MOTE_CC_EFORMAT, __VA_ARGS__)

int imp_add(struct imp *im, const struct tfl_op *o)
{
	int rc = imp_io_count(im, o, 2, 2);
	if (rc)
		return rc;
	int32_t a = imp_act(im, 0), b = a < 0 ? a : imp_act(im, 1);
	if (b < 0)
		return b;
	const struct ir_tensor *at = &im->g->t[a], *bt = &im->g->t[b];
	uint32_t yi = (uint32_t)o->out[0];
	if (!imp_is_q8(at->dtype) || at->dtype != bt->dtype || imp_dtype(imp_tt(im, (int32_t)yi)->type) != at->dtype)
		return NOTSUP("inputs and output must be int8 (or uint8) alike");
	if (at->rank != bt->rank || memcmp(at->dims, bt->dims, at->rank * sizeof *at->dims) != 0 ||
	    imp_tt(im, (int32_t)yi)->rank != at->rank)
		return NOTSUP("broadcasting (the inputs' and output's shapes differ)");
	float as, bs, ys;
	int32_t az, bz, yz, tas, taz, tbs, tbz, tys, tyz;
	struct nattr at_[1];
	size_t na;
	if ((rc = imp_act_quant(im, (uint32_t)o->in[0], "input", "a", &as, &az, &tas, &taz)) ||
	    (rc = imp_act_quant(im, (uint32_t)o->in[1], "input", "b", &bs, &bz, &tbs, &tbz)) ||
	    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = imp_act_clamp(im, o->opt.activation, yi, ys, yz, &at_[0], &na)))
		return rc;
	struct mote_tfl_add m;
	if (mote_kernel_tfl_add_params(as, bs, ys, &m))
		return NOTSUP("scales %g, %g -> %g are outside what TFLite's int8 ADD takes", (double)as, (double)bs,
			      (double)ys);
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	int32_t in[8] = {a, tas, taz, b, tbs, tbz, tys, tyz};
	return imp_node(im, "", "QLinearAdd", in, 8, y, at_, na);
}

int imp_pool(struct imp *im, const struct tfl_op *o, int avg)
{
	int32_t x = imp_first_act(im, o, 1, 1);
	if (x < 0)
		return x;
	int rc;
	const struct ir_tensor *xt = &im->g->t[x];
	uint32_t yi = (uint32_t)o->out[0];
	const struct tfl_options *p = &o->opt;
	if (xt->rank != 4 || !imp_is_q8(xt->dtype) || imp_dtype(imp_tt(im, (int32_t)yi)->type) != xt->dtype)
		return NOTSUP("input and output must be rank-4 int8 (or uint8) tensors");
	int64_t N = xt->dims[0], C = xt->dims[1], oh, ow, pt, pb, pl, pr;
	if ((rc = imp_window(im, "height", xt->dims[2], p->filter_h, p->stride_h, 1, p->padding, &oh, &pt, &pb)) ||
	    (rc = imp_window(im, "width", xt->dims[3], p->filter_w, p->stride_w, 1, p->padding, &ow, &pl, &pr)) ||
	    (rc = imp_check_out4(im, yi, N, oh, ow, C)))
		return rc;
	float xs, ys;
	int32_t xz, yz, txs, txz, tys, tyz;
	struct nattr a[4];
	size_t na;
	if ((rc = imp_act_quant(im, (uint32_t)o->in[0], "input", "x", &xs, &xz, &txs, &txz)) ||
	    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = imp_act_clamp(im, p->activation, yi, ys, yz, &a[3], &na)))
		return rc;
	if (xs != ys || xz != yz)
		return NOTSUP("input and output quantization differ (%g, %d -> %g, %d); TFLite's int8 pooling keeps it",
			      (double)xs, xz, (double)ys, yz);
	if (!avg && na)
		return NOTSUP("a fused activation on max pooling");
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	a[0] = (struct nattr){"kernel_shape", 2, {p->filter_h, p->filter_w}};
	a[1] = (struct nattr){"strides", 2, {p->stride_h, p->stride_w}};
	a[2] = (struct nattr){"pads", 4, {pt, pl, pb, pr}};
	if (!avg)
		return imp_node(im, "", "MaxPool", &x, 1, y, a, 3);
	int32_t in[5] = {x, txs, txz, tys, tyz};
	return imp_node(im, "", "QLinearAveragePool", in, 5, y, a, 3 + na);
}

/* A Reshape of x to dims d (rank r) into tensor y (made by the caller or here). */
static int reshape_to(struct imp *im, int32_t x, int32_t y, const int64_t *d, uint32_t r, const char *suffix)
{
	int64_t *sv = malloc((r ? r : 1) * sizeof *sv), n = r;
	if (!sv)
		return NOTSUP("out of memory");
	memcpy(sv, d, r * sizeof *sv);
	char base[48];
	snprintf(base, sizeof base, "operators[%u]%s", im->op, suffix);
	int32_t s = imp_const(im, base, "/shape", IR_INT64, 1, &n, sv, r * sizeof *sv);
	if (s < 0)
		return s;
	int32_t in[2] = {x, s};
	return imp_node(im, suffix, "Reshape", in, 2, y, NULL, 0);
}

int imp_reshape(struct imp *im, const struct tfl_op *o)
{
	int32_t x = imp_first_act(im, o, 1, 2);
	if (x < 0)
		return x;
	int rc;
	uint32_t yi = (uint32_t)o->out[0];
	const struct tfl_tensor *yt = imp_tt(im, (int32_t)yi);
	int64_t ny = 1;
	for (uint32_t d = 0; d < yt->rank; d++)
		ny *= yt->shape[d]; /* each below 2^31, at most 8 of them: checked below before use */
	if (yt->rank > IR_MAX_RANK || ny != ir_numel(&im->g->t[x]))
		return BAD("output tensors[%u] '%s' does not hold the input's %lld elements", yi, yt->name,
			   (long long)ir_numel(&im->g->t[x]));
	if (imp_dtype(yt->type) != im->g->t[x].dtype)
		return BAD("output tensors[%u] '%s' has another element type than the input", yi, yt->name);
	int32_t xo = imp_tflite_order(im, x);
	if (xo < 0)
		return xo;
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	const struct ir_tensor *yir = &im->g->t[y];
	int64_t nhwc[IR_MAX_RANK];
	for (uint32_t d = 0; d < yt->rank; d++)
		nhwc[d] = yt->shape[d];
	if (yt->rank != 4 || yir->dims[1] == 1 || yir->dims[2] * yir->dims[3] == 1)
		return reshape_to(im, xo, y, yir->dims, yir->rank, "");
	/* rank 4 in TFLite's order, then to the IR's */
	int32_t t = imp_tensor(im, im->g->t[y].name, "/nhwc");
	if (t < 0)
		return t;
	struct ir_tensor *tv = &im->g->t[t];
	tv->dtype = im->g->t[y].dtype;
	tv->rank = 4;
	memcpy(tv->dims, nhwc, 4 * sizeof *nhwc);
	if ((rc = reshape_to(im, xo, t, nhwc, 4, "/nhwc")))
		return rc;
	struct nattr a = {"perm", 4, {0, 3, 1, 2}};
	return imp_node(im, "/nchw", "Transpose", &t, 1, y, &a, 1);
}

/* SOFTMAX from int8 to int8 (or uint8 to uint8): TFLite's integer algorithm,
 * one MoteTflSoftmax node (x, ys, yz) carrying the parameters TFLite's
 * SoftmaxPrepare computes from beta and the input scale; the output's
 * quantization must be what TFLite requires of it (SoftmaxPrepare: zero point
 * -128, scale within 0.001/256 of 1/256; for uint8 zero point 0, which the
 * reference kernel's output assumes). */
static int softmax_q8(struct imp *im, const struct tfl_op *o, int32_t x, int64_t axis, float beta)
{
	uint32_t yi = (uint32_t)o->out[0];
	const int32_t xdt = im->g->t[x].dtype, qmin = xdt == IR_INT8 ? -128 : 0;
	const int64_t len = im->g->t[x].dims[axis];
	float xs, ys;
	int32_t xz, yz, tys, tyz;
	int rc;
	if ((rc = imp_quant(im, (uint32_t)o->in[0], "input", &xs, &xz)) ||
	    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)))
		return rc;
	if (yz != qmin || fabsf(ys - 1.0f / 256) > 0.001f / 256)
		return NOTSUP("output scale %g and zero point %d: TFLite's %s softmax requires scale 1/256 and zero point %d",
			      (double)ys, yz, ir_dtype_name(xdt), qmin);
	struct mote_tfl_softmax sp;
	if (mote_kernel_tfl_softmax_params(beta, xs, &sp))
		return NOTSUP("beta %g times the input scale %g is at most 2^-26 (TFLite's SoftmaxPrepare refuses it)",
			      (double)beta, (double)xs);
	if (len > MOTE_TFL_SOFTMAX_MAX_LEN)
		return NOTSUP("%lld elements along the last axis: TFLite's sum of exps (Q12.19) can overflow past %d",
			      (long long)len, MOTE_TFL_SOFTMAX_MAX_LEN);
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	struct nattr a[4] = {{"axis", 0, {axis}},
			     {"mote_input_multiplier", 0, {sp.input_multiplier}},
			     {"mote_input_left_shift", 0, {sp.input_left_shift}},
			     {"mote_diff_min", 0, {sp.diff_min}}};
	int32_t in[3] = {x, tys, tyz};
	return imp_node(im, "", "MoteTflSoftmax", in, 3, y, a, 4);
}

int imp_softmax(struct imp *im, const struct tfl_op *o)
{
	int32_t x = imp_first_act(im, o, 1, 1);
	if (x < 0)
		return x;
	int rc;
	uint32_t yi = (uint32_t)o->out[0];
	const int32_t xdt = im->g->t[x].dtype; /* copied: new tensors move the table */
	const uint32_t xrank = im->g->t[x].rank;
	float beta = o->opt.beta;
	if (!(isfinite(beta) && beta > 0))
		return NOTSUP("beta %g", (double)beta);
	if (xrank < 1)
		return NOTSUP("a scalar input");
	int64_t axis = xrank == 4 ? 1 : xrank - 1; /* TFLite's last axis: C, which the IR holds at 1 */
	int32_t yt = imp_dtype(imp_tt(im, (int32_t)yi)->type);
	if (imp_is_q8(xdt) && yt == xdt)
		return softmax_q8(im, o, x, axis, beta);
	int32_t f = x;
	if (imp_is_q8(xdt)) {
		float xs;
		int32_t xz, txs, txz;
		if ((rc = imp_quant(im, (uint32_t)o->in[0], "input", &xs, &xz)))
			return rc;
		/* softmax(beta * x) = softmax over x dequantized with scale beta * xs */
		float s = (float)((double)beta * xs);
		if (!(isfinite(s) && s > 0))
			return NOTSUP("beta %g times the input scale %g", (double)beta, (double)xs);
		char base[48];
		snprintf(base, sizeof base, "operators[%u]", im->op);
		if ((txs = imp_scale(im, base, "/x_scale_times_beta", s)) < 0 ||
		    (txz = imp_zp(im, base, "/x_zero_point", xdt, xz)) < 0)
			return txs < 0 ? txs : txz;
		if ((f = imp_tensor(im, base, "/float")) < 0)
			return f;
		int32_t in[3] = {x, txs, txz};
		if ((rc = imp_node(im, "/dequantize", "DequantizeLinear", in, 3, f, NULL, 0)))
			return rc;
	} else if (xdt != IR_FLOAT || beta != 1.0f)
		return NOTSUP("a %s input%s", ir_dtype_name(xdt), xdt == IR_FLOAT ? " with beta other than 1" : "");
	struct nattr a = {"axis", 0, {axis}};
	if (yt == IR_FLOAT) {
		int32_t y = imp_output(im, yi);
		return y < 0 ? y : imp_node(im, "", "Softmax", &f, 1, y, &a, 1);
	}
	if (!imp_is_q8(yt))
		return NOTSUP("a %s output", ir_dtype_name(yt));
	float ys;
	int32_t yz, tys, tyz;
	char base[48];
	snprintf(base, sizeof base, "operators[%u]", im->op);
	int32_t sm = imp_tensor(im, base, "/softmax");
	if (sm < 0)
		return sm;
	if ((rc = imp_node(im, "", "Softmax", &f, 1, sm, &a, 1)) ||
	    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)))
		return rc;
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	int32_t in[3] = {sm, tys, tyz};
	return imp_node(im, "/quantize", "QuantizeLinear", in, 3, y, NULL, 0);
}

int imp_quantize(struct imp *im, const struct tfl_op *o, int dq)
{
	int32_t x = imp_first_act(im, o, 1, 1);
	if (x < 0)
		return x;
	int rc;
	uint32_t yi = (uint32_t)o->out[0];
	int32_t xd = im->g->t[x].dtype, yd = imp_dtype(imp_tt(im, (int32_t)yi)->type);
	float s;
	int32_t z, ts, tz;
	if (dq) {
		if (!imp_is_q8(xd) || yd != IR_FLOAT)
			return NOTSUP("from %s to %s (int8 or uint8 to float32 is supported)", ir_dtype_name(xd),
				      ir_dtype_name(yd));
		rc = imp_act_quant(im, (uint32_t)o->in[0], "input", "x", &s, &z, &ts, &tz);
	} else if (imp_is_q8(xd) && imp_is_q8(yd)) { /* requantization: TFLite's integer rescale */
		float ys;
		int32_t yz, tys, tyz;
		if ((rc = imp_act_quant(im, (uint32_t)o->in[0], "input", "x", &s, &z, &ts, &tz)) ||
		    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)))
			return rc;
		int32_t y = imp_output(im, yi);
		if (y < 0)
			return y;
		int32_t in[5] = {x, ts, tz, tys, tyz};
		return imp_node(im, "", "QLinearRequantize", in, 5, y, NULL, 0);
	} else {
		if (xd != IR_FLOAT || !imp_is_q8(yd))
			return NOTSUP("from %s to %s (float32, int8 or uint8 to int8 or uint8 is supported)",
				      ir_dtype_name(xd), ir_dtype_name(yd));
		rc = imp_act_quant(im, yi, "output", "y", &s, &z, &ts, &tz);
	}
	if (rc)
		return rc;
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	int32_t in[3] = {x, ts, tz};
	return imp_node(im, "", dq ? "DequantizeLinear" : "QuantizeLinear", in, 3, y, NULL, 0);
}

/* PAD of a rank-4 activation along height and width only, with the zero
 * point (TFLite's PAD pads an int8 tensor with its output zero point, and
 * input and output share their quantization): no node; the convolution that
 * reads the result takes the pads as its own (imp_conv), which pads with the
 * input zero point, the same bytes.  Anything else reading it is refused. */
int imp_pad(struct imp *im, const struct tfl_op *o)
{
	int rc = imp_io_count(im, o, 2, 2);
	if (rc)
		return rc;
	uint32_t xi = (uint32_t)o->in[0], yi = (uint32_t)o->out[0];
	im->pad_ok = 1; /* PAD after PAD: the pads add up */
	int32_t x = imp_act(im, 0);
	im->pad_ok = 0;
	if (x < 0)
		return x;
	const struct tfl_tensor *xt = imp_tt(im, (int32_t)xi), *yt = imp_tt(im, (int32_t)yi), *pt = imp_tt(im, o->in[1]);
	if (xt->rank != 4 || !imp_is_q8(im->g->t[x].dtype) || yt->rank != 4 || yt->type != xt->type)
		return NOTSUP("only a rank-4 int8 or uint8 tensor is padded");
	const uint8_t *pd;
	int64_t n;
	if (pt->type != TFL_INT32 || pt->rank != 2 || pt->shape[0] != 4 || pt->shape[1] != 2)
		return NOTSUP("paddings tensors[%d] must be a 4x2 int32 constant", o->in[1]);
	if ((rc = imp_data(im, (uint32_t)o->in[1], 4, "paddings", &pd, &n)))
		return rc;
	int32_t v[8];
	for (int i = 0; i < 8; i++) {
		v[i] = (int32_t)cc_get_le32(pd + 4 * i);
		if (v[i] < 0 || v[i] > IR_MAX_WINDOW)
			return BAD("padding %d out of 0..%d", v[i], IR_MAX_WINDOW);
	}
	if (v[0] || v[1] || v[6] || v[7])
		return NOTSUP("padding along the batch or channels");
	for (int d = 0; d < 4; d++)
		if ((int64_t)yt->shape[d] != (int64_t)xt->shape[d] + v[2 * d] + v[2 * d + 1])
			return BAD("output tensors[%u] '%s' is not the padded input's shape", yi, yt->name);
	float xs, ys;
	int32_t xz, yz;
	if ((rc = imp_quant(im, xi, "input", &xs, &xz)) || (rc = imp_quant(im, yi, "output", &ys, &yz)))
		return rc;
	if (xs != ys || xz != yz)
		return NOTSUP("input and output quantization differ");
	if (im->map[yi] >= 0)
		return BAD("tensors[%u] '%s' is written twice", yi, yt->name);
	const int32_t *before = im->padded[xi] ? im->pads[xi] : (const int32_t[4]){0, 0, 0, 0};
	int32_t *q = im->pads[yi];
	q[0] = before[0] + v[2], q[1] = before[1] + v[3], q[2] = before[2] + v[4], q[3] = before[3] + v[5];
	im->padded[yi] = 1;
	im->map[yi] = x;
	return 0;
}
