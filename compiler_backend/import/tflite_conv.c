/* tflite_conv.c: TFLite's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED as
 * QLinearConv and QLinearMatMul (see tflite_import.h).
 *
 * Facts used (TensorFlow Lite's kernels and schema): CONV_2D weights are
 * [out][kh][kw][in], DEPTHWISE_CONV_2D weights [1][kh][kw][in *
 * depth_multiplier] with output channel c * multiplier + m reading input
 * channel c; FULLY_CONNECTED weights are [out][in] and its input is read as
 * [numel / in][in]; conv and FC biases are int32 with scale input_scale *
 * weight_scale (their own quantization is not used).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_kernels.h"
#include "tflite_imp.h"

#define NOTSUP(...) imp_fail(im, MOTE_CC_ENOTSUP, __VA_ARGS__)
#define BAD(...) imp_fail(im, MOTE_CC_EFORMAT, __VA_ARGS__)

/* Weight scales (one, or one per output channel along dimension qdim) and
 * zero points as IR constants named after weight tensor wt. */
static int weight_quant(struct imp *im, uint32_t wt, int64_t channels, int32_t qdim, int32_t *ws, int32_t *wz)
{
	const struct tfl_tensor *w = imp_tt(im, (int32_t)wt);
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

/* Optional input 2: an int32 bias of n values. */
static int bias_const(struct imp *im, const struct tfl_op *o, int64_t n, int32_t *b)
{
	*b = -1;
	if (o->n_in < 3 || o->in[2] < 0)
		return 0;
	const struct tfl_tensor *t = imp_tt(im, o->in[2]);
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
	int rc = imp_io_count(im, o, 2, 3);
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
	const struct tfl_tensor *w = imp_tt(im, (int32_t)wi);
	if (xt->rank != 4 || !imp_is_q8(xt->dtype))
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
		if (CG < 1 || C < 1 || C % CG || O % (C / CG))
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
	if ((rc = imp_window(im, "height", H + pp[0] + pp[1], KH, p->stride_h, p->dilation_h, p->padding, &oh, &pt, &pb)) ||
	    (rc = imp_window(im, "width", W + pp[2] + pp[3], KW, p->stride_w, p->dilation_w, p->padding, &ow, &pl, &pr)) ||
	    (rc = imp_check_out4(im, yi, N, oh, ow, O)))
		return rc;
	pt += pp[0], pb += pp[1], pl += pp[2], pr += pp[3];
	if (pt > IR_MAX_WINDOW || pb > IR_MAX_WINDOW || pl > IR_MAX_WINDOW || pr > IR_MAX_WINDOW)
		return BAD("padding beyond %d", IR_MAX_WINDOW);
	float xs, ys;
	int32_t xz, yz, txs, txz, tys, tyz, tws, twz, tb;
	struct nattr a[6];
	size_t na;
	if ((rc = imp_act_quant(im, (uint32_t)o->in[0], "input", "x", &xs, &xz, &txs, &txz)) ||
	    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = weight_quant(im, wi, O, dw ? 3 : 0, &tws, &twz)) || (rc = bias_const(im, o, O, &tb)) ||
	    (rc = imp_act_clamp(im, p->activation, yi, ys, yz, &a[5], &na)))
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
	int32_t x = imp_first_act(im, o, 2, 3);
	if (x < 0)
		return x;
	int rc;
	uint32_t wi = (uint32_t)o->in[1], yi = (uint32_t)o->out[0];
	const struct tfl_tensor *w = imp_tt(im, (int32_t)wi), *yt = imp_tt(im, (int32_t)yi);
	const struct tfl_options *p = &o->opt;
	if (!imp_is_q8(im->g->t[x].dtype))
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
	if ((rc = imp_act_quant(im, (uint32_t)o->in[0], "input", "x", &xs, &xz, &txs, &txz)) ||
	    (rc = imp_act_quant(im, yi, "output", "y", &ys, &yz, &tys, &tyz)) ||
	    (rc = weight_quant(im, wi, N, 0, &tws, &twz)) || (rc = bias_const(im, o, N, &tb)) ||
	    (rc = imp_act_clamp(im, p->activation, yi, ys, yz, &a[0], &na)))
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
