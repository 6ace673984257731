/* tflite_layers.c: TFLite operators as IR nodes (see tflite_import.h).
 *
 * Facts used (TensorFlow Lite's kernels and schema): SAME padding gives
 * out = ceil(in / stride) and pads the total (out - 1) * stride + (k - 1) *
 * dilation + 1 - in (at least 0) with the smaller half before; VALID gives
 * out = floor((in - (k - 1) * dilation - 1) / stride) + 1 and no pads;
 * CONV_2D weights are [out][kh][kw][in], DEPTHWISE_CONV_2D weights
 * [1][kh][kw][in * depth_multiplier] with output channel c * multiplier + m
 * reading input channel c; FULLY_CONNECTED weights are [out][in] and its
 * input is read as [numel / in][in]; conv and FC biases are int32 with
 * scale input_scale * weight_scale; pooling and reshape keep their input's
 * quantization (TFLite's int8 kernels require it); fused activations clamp
 * to TFLite's quantized activation range (mote_kernel_tfl_act_range).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_kernels.h"
#include "tflite_imp.h"

#define NOTSUP(...) imp_fail(im, MOTE_CC_ENOTSUP, __VA_ARGS__)
#define BAD(...) imp_fail(im, MOTE_CC_EFORMAT, __VA_ARGS__)

static const struct tfl_tensor *tt(const struct imp *im, int32_t t) { return &im->m->tensors[t]; }

static int io_count(struct imp *im, const struct tfl_op *o, uint32_t in_min, uint32_t in_max)
{
	if (o->n_in < in_min || o->n_in > in_max || o->n_out != 1)
		return BAD("%u inputs and %u outputs (%u to %u inputs and one output expected)", o->n_in, o->n_out, in_min,
			   in_max);
	for (uint32_t k = 0; k < in_min; k++)
		if (o->in[k] < 0)
			return BAD("input %u is missing", k);
	return 0;
}

static int is_q8(int32_t dt) { return dt == IR_INT8 || dt == IR_UINT8; }

/* The clamp of a fused activation on output tensor t (scale ys, zp yz), as
 * a "mote_clamp" attribute in *a; *na counts it (0 for NONE). */
static int act_clamp(struct imp *im, int act, uint32_t t, float ys, int32_t yz, struct nattr *a, size_t *na)
{
	*na = 0;
	if (act == TFL_ACT_NONE)
		return 0;
	if (act != TFL_ACT_RELU && act != TFL_ACT_RELU6 && act != TFL_ACT_RELU_N1_TO_1)
		return NOTSUP("fused activation %d (only RELU, RELU6 and RELU_N1_TO_1 are supported)", act);
	int32_t qmin = tt(im, (int32_t)t)->type == TFL_UINT8 ? 0 : -128, lo, hi;
	if (mote_kernel_tfl_act_range(act, ys, yz, qmin, qmin + 255, &lo, &hi))
		return BAD("fused activation %d: no clamp for output scale %g", act, (double)ys);
	*a = (struct nattr){"mote_clamp", 2, {lo, hi}};
	*na = 1;
	return 0;
}

/* One spatial dimension of a window operator. */
static int window(struct imp *im, const char *dim, int64_t in, int64_t k, int64_t s, int64_t d, int padding,
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
static int check_out4(struct imp *im, uint32_t t, int64_t n, int64_t h, int64_t w, int64_t c)
{
	const struct tfl_tensor *y = tt(im, (int32_t)t);
	if (y->rank != 4 || y->shape[0] != n || y->shape[1] != h || y->shape[2] != w || y->shape[3] != c)
		return BAD("output tensors[%u] '%s' is not %lldx%lldx%lldx%lld", t, y->name, (long long)n, (long long)h,
			   (long long)w, (long long)c);
	return 0;
}

/* Weight scales (one, or one per output channel along dimension qdim) and
 * zero points as IR constants named after weight tensor wt. */
static int weight_quant(struct imp *im, uint32_t wt, int64_t channels, int32_t qdim, int32_t *ws, int32_t *wz)
{
	const struct tfl_tensor *w = tt(im, (int32_t)wt);
	uint32_t n = w->q.n;
	if (n != 1 && (n != channels || w->q.dim != qdim))
		return NOTSUP("weights tensors[%u] '%s': %u scales along dimension %d (one, or one per output channel "
			      "along %d)", wt, w->name, n, w->q.dim, qdim);
	int32_t dt = w->type == TFL_UINT8 ? IR_UINT8 : IR_INT8, lo = dt == IR_UINT8 ? 0 : -128;
	int same = 1;
	for (uint32_t i = 0; i < n; i++) {
		if (!(isfinite(w->q.scale[i]) && w->q.scale[i] > 0))
			return BAD("weights tensors[%u] '%s': scale %u is %g", wt, w->name, i, (double)w->q.scale[i]);
		if (w->q.zero_point[i] < lo || w->q.zero_point[i] > lo + 255)
			return BAD("weights tensors[%u] '%s': zero point %u outside its type", wt, w->name, i);
		same &= w->q.zero_point[i] == w->q.zero_point[0];
	}
	float *s = malloc(n * sizeof *s);
	uint8_t *z = malloc(n);
	if (!s || !z) {
		free(s);
		free(z);
		return NOTSUP("out of memory");
	}
	for (uint32_t i = 0; i < n; i++) {
		s[i] = w->q.scale[i];
		z[i] = (uint8_t)w->q.zero_point[i];
	}
	int64_t dn = n;
	*ws = imp_const(im, w->name, "/scale", IR_FLOAT, n > 1, &dn, s, n * sizeof *s);
	int64_t one = 1;
	if (*ws < 0) {
		free(z);
		return *ws;
	}
	*wz = imp_const(im, w->name, "/zero_point", dt, same ? 0 : 1, same ? &one : &dn, z, same ? 1 : n);
	return *wz < 0 ? *wz : 0;
}

/* Activation quantization as scalar constants named after the node. */
static int act_quant(struct imp *im, uint32_t t, const char *what, const char *suffix, float *s, int32_t *z,
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
	*tz = imp_zp(im, base, sfx, tt(im, (int32_t)t)->type == TFL_UINT8 ? IR_UINT8 : IR_INT8, *z);
	return *tz < 0 ? *tz : 0;
}

/* Optional input 2: an int32 bias of n values. */
static int bias_const(struct imp *im, const struct tfl_op *o, int64_t n, int32_t *b)
{
	*b = -1;
	if (o->n_in < 3 || o->in[2] < 0)
		return 0;
	const struct tfl_tensor *t = tt(im, o->in[2]);
	const uint8_t *d;
	int64_t cnt;
	if (t->type != TFL_INT32)
		return NOTSUP("bias tensors[%d] '%s' is not int32", o->in[2], t->name);
	int rc = imp_data(im, (uint32_t)o->in[2], 4, "bias", &d, &cnt);
	if (rc)
		return rc;
	if (cnt != n)
		return BAD("bias tensors[%d] '%s' has %lld values for %lld output channels", o->in[2], t->name,
			   (long long)cnt, (long long)n);
	int32_t *v = malloc((size_t)(n ? n : 1) * sizeof *v);
	if (!v)
		return NOTSUP("out of memory");
	for (int64_t i = 0; i < n; i++)
		v[i] = (int32_t)cc_get_le32(d + 4 * i);
	*b = imp_const(im, t->name, "", IR_INT32, 1, &n, v, (size_t)n * sizeof *v);
	return *b < 0 ? *b : 0;
}

int imp_conv(struct imp *im, const struct tfl_op *o, int dw)
{
	int rc = io_count(im, o, 2, 3);
	if (rc)
		return rc;
	im->pad_ok = 1; /* a PAD before it folds into its pads */
	int32_t x = imp_act(im, 0);
	im->pad_ok = 0;
	if (x < 0)
		return x;
	const struct ir_tensor *xt = &im->g->t[x];
	const int32_t *pp = im->padded[o->in[0]] ? im->pads[o->in[0]] : (const int32_t[4]){0, 0, 0, 0};
	uint32_t wi = (uint32_t)o->in[1], yi = (uint32_t)o->out[0];
	const struct tfl_tensor *w = tt(im, (int32_t)wi);
	if (xt->rank != 4 || !is_q8(xt->dtype))
		return NOTSUP("input must be a rank-4 int8 or uint8 tensor");
	if (w->rank != 4 || (w->type != TFL_INT8 && w->type != TFL_UINT8))
		return NOTSUP("weights tensors[%u] '%s' must be a rank-4 int8 or uint8 constant", wi, w->name);
	const uint8_t *wd;
	int64_t wn;
	if ((rc = imp_data(im, wi, 1, "weights", &wd, &wn)))
		return rc;
	int64_t N = xt->dims[0], C = xt->dims[1], H = xt->dims[2], W = xt->dims[3];
	int64_t KH = w->shape[1], KW = w->shape[2], O, CG, group;
	const struct tfl_options *p = &o->opt;
	if (!dw) {
		O = w->shape[0], CG = w->shape[3];
		if (CG < 1 || C % CG || O % (C / CG))
			return BAD("weights tensors[%u] '%s' take %lld input channels, the input has %lld", wi, w->name,
				   (long long)CG, (long long)C);
		group = C / CG;
	} else {
		O = w->shape[3], CG = 1, group = C;
		if (w->shape[0] != 1 || C < 1 || O % C)
			return BAD("weights tensors[%u] '%s' are not [1][kh][kw][%lld * multiplier]", wi, w->name, (long long)C);
		if (p->depth_multiplier && (int64_t)p->depth_multiplier * C != O)
			return BAD("depth_multiplier %d, but the weights give %lld", p->depth_multiplier, (long long)(O / C));
	}
	int64_t oh, ow, pt, pb, pl, pr;
	if ((rc = window(im, "height", H + pp[0] + pp[1], KH, p->stride_h, p->dilation_h, p->padding, &oh, &pt, &pb)) ||
	    (rc = window(im, "width", W + pp[2] + pp[3], KW, p->stride_w, p->dilation_w, p->padding, &ow, &pl, &pr)) ||
	    (rc = check_out4(im, yi, N, oh, ow, O)))
		return rc;
	pt += pp[0], pb += pp[1], pl += pp[2], pr += pp[3];
	if (pt > IR_MAX_WINDOW || pb > IR_MAX_WINDOW || pl > IR_MAX_WINDOW || pr > IR_MAX_WINDOW)
		return BAD("padding beyond %d", IR_MAX_WINDOW);
	float xs, ys;
	int32_t xz, yz, txs, txz, tys, tyz, tws, twz, tb;
	struct nattr a[6];
	size_t na;
	if ((rc = act_quant(im, (uint32_t)o->in[0], "input", "x", &xs, &xz, &txs, &txz)) ||
	    (rc = act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = weight_quant(im, wi, O, dw ? 3 : 0, &tws, &twz)) || (rc = bias_const(im, o, O, &tb)) ||
	    (rc = act_clamp(im, p->activation, yi, ys, yz, &a[5], &na)))
		return rc;
	/* weights to the IR's [out][in/group][kh][kw] */
	uint8_t *wv = malloc((size_t)wn ? (size_t)wn : 1);
	if (!wv)
		return NOTSUP("out of memory");
	for (int64_t oc = 0; oc < O; oc++)
		for (int64_t c = 0; c < CG; c++)
			for (int64_t ky = 0; ky < KH; ky++)
				for (int64_t kx = 0; kx < KW; kx++)
					wv[((oc * CG + c) * KH + ky) * KW + kx] =
						dw ? wd[(ky * KW + kx) * O + oc] : wd[((oc * KH + ky) * KW + kx) * CG + c];
	int64_t wdims[4] = {O, CG, KH, KW};
	int32_t tw = imp_const(im, w->name, "", w->type == TFL_UINT8 ? IR_UINT8 : IR_INT8, 4, wdims, wv, (size_t)wn);
	if (tw < 0)
		return tw;
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	a[0] = (struct nattr){"kernel_shape", 2, {KH, KW}};
	a[1] = (struct nattr){"strides", 2, {p->stride_h, p->stride_w}};
	a[2] = (struct nattr){"dilations", 2, {p->dilation_h, p->dilation_w}};
	a[3] = (struct nattr){"pads", 4, {pt, pl, pb, pr}};
	a[4] = (struct nattr){"group", 0, {group}};
	int32_t in[9] = {x, txs, txz, tw, tws, twz, tys, tyz, tb};
	return imp_node(im, "", "QLinearConv", in, tb >= 0 ? 9 : 8, y, a, 5 + na);
}

int imp_fully_connected(struct imp *im, const struct tfl_op *o)
{
	int rc = io_count(im, o, 2, 3);
	if (rc)
		return rc;
	int32_t x = imp_act(im, 0);
	if (x < 0)
		return x;
	uint32_t wi = (uint32_t)o->in[1], yi = (uint32_t)o->out[0];
	const struct tfl_tensor *w = tt(im, (int32_t)wi), *yt = tt(im, (int32_t)yi);
	const struct tfl_options *p = &o->opt;
	if (!is_q8(im->g->t[x].dtype))
		return NOTSUP("input must be an int8 or uint8 tensor");
	if (w->rank != 2 || (w->type != TFL_INT8 && w->type != TFL_UINT8))
		return NOTSUP("weights tensors[%u] '%s' must be a rank-2 int8 or uint8 constant", wi, w->name);
	if (p->weights_format)
		return NOTSUP("weights_format %d (only DEFAULT)", p->weights_format);
	const uint8_t *wd;
	int64_t wn, N = w->shape[0], K = w->shape[1], total = ir_numel(&im->g->t[x]);
	if ((rc = imp_data(im, wi, 1, "weights", &wd, &wn)))
		return rc;
	if (K < 1 || N < 1 || total < 0 || total % K)
		return BAD("an input of %lld elements is no whole number of rows of %lld", (long long)total, (long long)K);
	int64_t B = total / K;
	if (p->keep_num_dims && im->g->t[x].rank != 2)
		return NOTSUP("keep_num_dims with a rank-%u input", im->g->t[x].rank);
	if (yt->rank != 2 || yt->shape[0] != B || yt->shape[1] != N)
		return BAD("output tensors[%u] '%s' is not %lldx%lld", yi, yt->name, (long long)B, (long long)N);
	float xs, ys;
	int32_t xz, yz, txs, txz, tys, tyz, tws, twz, tb;
	struct nattr a[1];
	size_t na;
	if ((rc = act_quant(im, (uint32_t)o->in[0], "input", "x", &xs, &xz, &txs, &txz)) ||
	    (rc = act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = weight_quant(im, wi, N, 0, &tws, &twz)) || (rc = bias_const(im, o, N, &tb)) ||
	    (rc = act_clamp(im, p->activation, yi, ys, yz, &a[0], &na)))
		return rc;
	/* the input as [B][K] rows in TFLite's element order */
	const struct ir_tensor *xt = &im->g->t[x];
	if (xt->rank != 2 || xt->dims[1] != K) {
		int32_t xo = imp_tflite_order(im, x);
		if (xo < 0)
			return xo;
		int64_t *sv = malloc(2 * sizeof *sv), two = 2;
		if (!sv)
			return NOTSUP("out of memory");
		sv[0] = B, sv[1] = K;
		char base[48];
		snprintf(base, sizeof base, "operators[%u]", im->op);
		int32_t s = imp_const(im, base, "/rows_shape", IR_INT64, 1, &two, sv, 2 * sizeof *sv);
		int32_t r = s < 0 ? s : imp_tensor(im, base, "/rows");
		if (r < 0)
			return r;
		im->g->t[r].dtype = im->g->t[x].dtype;
		im->g->t[r].rank = 2;
		im->g->t[r].dims[0] = B, im->g->t[r].dims[1] = K;
		int32_t in2[2] = {xo, s};
		if ((rc = imp_node(im, "/rows", "Reshape", in2, 2, r, NULL, 0)))
			return rc;
		x = r;
	}
	uint8_t *wv = malloc((size_t)wn ? (size_t)wn : 1); /* [N][K] -> [K][N] */
	if (!wv)
		return NOTSUP("out of memory");
	for (int64_t n = 0; n < N; n++)
		for (int64_t k = 0; k < K; k++)
			wv[k * N + n] = wd[n * K + k];
	int64_t wdims[2] = {K, N};
	int32_t tw = imp_const(im, w->name, "", w->type == TFL_UINT8 ? IR_UINT8 : IR_INT8, 2, wdims, wv, (size_t)wn);
	if (tw < 0)
		return tw;
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	int32_t in[9] = {x, txs, txz, tw, tws, twz, tys, tyz, tb};
	return imp_node(im, "", "QLinearMatMul", in, tb >= 0 ? 9 : 8, y, a, na);
}

int imp_add(struct imp *im, const struct tfl_op *o)
{
	int rc = io_count(im, o, 2, 2);
	if (rc)
		return rc;
	int32_t a = imp_act(im, 0), b = a < 0 ? a : imp_act(im, 1);
	if (b < 0)
		return b;
	const struct ir_tensor *at = &im->g->t[a], *bt = &im->g->t[b];
	uint32_t yi = (uint32_t)o->out[0];
	if (!is_q8(at->dtype) || at->dtype != bt->dtype || imp_dtype(tt(im, (int32_t)yi)->type) != at->dtype)
		return NOTSUP("inputs and output must be int8 (or uint8) alike");
	if (at->rank != bt->rank || memcmp(at->dims, bt->dims, at->rank * sizeof *at->dims) != 0 ||
	    tt(im, (int32_t)yi)->rank != at->rank)
		return NOTSUP("broadcasting (the inputs' and output's shapes differ)");
	float as, bs, ys;
	int32_t az, bz, yz, tas, taz, tbs, tbz, tys, tyz;
	struct nattr at_[1];
	size_t na;
	if ((rc = act_quant(im, (uint32_t)o->in[0], "input", "a", &as, &az, &tas, &taz)) ||
	    (rc = act_quant(im, (uint32_t)o->in[1], "input", "b", &bs, &bz, &tbs, &tbz)) ||
	    (rc = act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = act_clamp(im, o->opt.activation, yi, ys, yz, &at_[0], &na)))
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
	int rc = io_count(im, o, 1, 1);
	if (rc)
		return rc;
	int32_t x = imp_act(im, 0);
	if (x < 0)
		return x;
	const struct ir_tensor *xt = &im->g->t[x];
	uint32_t yi = (uint32_t)o->out[0];
	const struct tfl_options *p = &o->opt;
	if (xt->rank != 4 || !is_q8(xt->dtype) || imp_dtype(tt(im, (int32_t)yi)->type) != xt->dtype)
		return NOTSUP("input and output must be rank-4 int8 (or uint8) tensors");
	int64_t N = xt->dims[0], C = xt->dims[1], oh, ow, pt, pb, pl, pr;
	if ((rc = window(im, "height", xt->dims[2], p->filter_h, p->stride_h, 1, p->padding, &oh, &pt, &pb)) ||
	    (rc = window(im, "width", xt->dims[3], p->filter_w, p->stride_w, 1, p->padding, &ow, &pl, &pr)) ||
	    (rc = check_out4(im, yi, N, oh, ow, C)))
		return rc;
	float xs, ys;
	int32_t xz, yz, txs, txz, tys, tyz;
	struct nattr a[4];
	size_t na;
	if ((rc = act_quant(im, (uint32_t)o->in[0], "input", "x", &xs, &xz, &txs, &txz)) ||
	    (rc = act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = act_clamp(im, p->activation, yi, ys, yz, &a[3], &na)))
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
	int rc = io_count(im, o, 1, 2);
	if (rc)
		return rc;
	int32_t x = imp_act(im, 0);
	if (x < 0)
		return x;
	uint32_t yi = (uint32_t)o->out[0];
	const struct tfl_tensor *yt = tt(im, (int32_t)yi);
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

int imp_softmax(struct imp *im, const struct tfl_op *o)
{
	int rc = io_count(im, o, 1, 1);
	if (rc)
		return rc;
	int32_t x = imp_act(im, 0);
	if (x < 0)
		return x;
	uint32_t yi = (uint32_t)o->out[0];
	const int32_t xdt = im->g->t[x].dtype; /* copied: new tensors move the table */
	const uint32_t xrank = im->g->t[x].rank;
	float beta = o->opt.beta;
	if (!(isfinite(beta) && beta > 0))
		return NOTSUP("beta %g", (double)beta);
	if (xrank < 1)
		return NOTSUP("a scalar input");
	int64_t axis = xrank == 4 ? 1 : xrank - 1; /* TFLite's last axis: C, which the IR holds at 1 */
	int32_t f = x;
	if (is_q8(xdt)) {
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
	int32_t yt = imp_dtype(tt(im, (int32_t)yi)->type);
	struct nattr a = {"axis", 0, {axis}};
	if (yt == IR_FLOAT) {
		int32_t y = imp_output(im, yi);
		return y < 0 ? y : imp_node(im, "", "Softmax", &f, 1, y, &a, 1);
	}
	if (!is_q8(yt))
		return NOTSUP("a %s output", ir_dtype_name(yt));
	float ys;
	int32_t yz, tys, tyz;
	char base[48];
	snprintf(base, sizeof base, "operators[%u]", im->op);
	int32_t sm = imp_tensor(im, base, "/softmax");
	if (sm < 0)
		return sm;
	if ((rc = imp_node(im, "", "Softmax", &f, 1, sm, &a, 1)) ||
	    (rc = act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)))
		return rc;
	int32_t y = imp_output(im, yi);
	if (y < 0)
		return y;
	int32_t in[3] = {sm, tys, tyz};
	return imp_node(im, "/quantize", "QuantizeLinear", in, 3, y, NULL, 0);
}

int imp_quantize(struct imp *im, const struct tfl_op *o, int dq)
{
	int rc = io_count(im, o, 1, 1);
	if (rc)
		return rc;
	int32_t x = imp_act(im, 0);
	if (x < 0)
		return x;
	uint32_t yi = (uint32_t)o->out[0];
	int32_t xd = im->g->t[x].dtype, yd = imp_dtype(tt(im, (int32_t)yi)->type);
	float s;
	int32_t z, ts, tz;
	if (dq) {
		if (!is_q8(xd) || yd != IR_FLOAT)
			return NOTSUP("from %s to %s (int8 or uint8 to float32 is supported)", ir_dtype_name(xd),
				      ir_dtype_name(yd));
		rc = act_quant(im, (uint32_t)o->in[0], "input", "x", &s, &z, &ts, &tz);
	} else if (is_q8(xd) && is_q8(yd)) { /* requantization: TFLite's integer rescale */
		float ys;
		int32_t yz, tys, tyz;
		if ((rc = act_quant(im, (uint32_t)o->in[0], "input", "x", &s, &z, &ts, &tz)) ||
		    (rc = act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)))
			return rc;
		int32_t y = imp_output(im, yi);
		if (y < 0)
			return y;
		int32_t in[5] = {x, ts, tz, tys, tyz};
		return imp_node(im, "", "QLinearRequantize", in, 5, y, NULL, 0);
	} else {
		if (xd != IR_FLOAT || !is_q8(yd))
			return NOTSUP("from %s to %s (float32, int8 or uint8 to int8 or uint8 is supported)",
				      ir_dtype_name(xd), ir_dtype_name(yd));
		rc = act_quant(im, yi, "output", "y", &s, &z, &ts, &tz);
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
	int rc = io_count(im, o, 2, 2);
	if (rc)
		return rc;
	uint32_t xi = (uint32_t)o->in[0], yi = (uint32_t)o->out[0];
	im->pad_ok = 1; /* PAD after PAD: the pads add up */
	int32_t x = imp_act(im, 0);
	im->pad_ok = 0;
	if (x < 0)
		return x;
	const struct tfl_tensor *xt = tt(im, (int32_t)xi), *yt = tt(im, (int32_t)yi), *pt = tt(im, o->in[1]);
	if (xt->rank != 4 || !is_q8(im->g->t[x].dtype) || yt->rank != 4 || yt->type != xt->type)
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
