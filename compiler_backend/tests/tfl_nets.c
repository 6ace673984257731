/* tfl_nets.c: the MLPerf-Tiny-shaped TFLite networks (see tfl_nets.h).
 *
 * A network is built layer by layer: each layer adds its constants,
 * output tensor and operator to a tm_model and computes its output in
 * double precision from its input's value as the int8 network holds it;
 * that value sets the output's quantization (calibration) and is then
 * rounded to it, so the next layer sees what the int8 network would.
 * Only +, -, *, / and sqrt on doubles (correctly rounded everywhere) and
 * exp for SOFTMAX's calibration (whose quantization is fixed) decide any
 * byte: the same bytes on every run.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_nets.h"

/* TensorType, BuiltinOperator and BuiltinOptions values (TFLite's schema.fbs) */
enum { T_F32 = 0, T_I32 = 2, T_I8 = 9 };
enum {
	OP_ADD = 0, OP_AVERAGE_POOL_2D = 1, OP_CONV_2D = 3, OP_DEPTHWISE_CONV_2D = 4, OP_DEQUANTIZE = 6,
	OP_FULLY_CONNECTED = 9, OP_MAX_POOL_2D = 17, OP_RESHAPE = 22, OP_SOFTMAX = 25, OP_PAD = 34, OP_QUANTIZE = 114
};
enum {
	OPT_NONE = 0, OPT_CONV2D = 1, OPT_DEPTHWISE_CONV2D = 2, OPT_POOL2D = 5, OPT_FULLY_CONNECTED = 8, OPT_SOFTMAX = 9,
	OPT_ADD = 11, OPT_PAD = 22, OPT_DEQUANTIZE = 38, OPT_QUANTIZE = 89
};
enum { SAME = 0, VALID = 1 };
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU6 = 3 };

struct nb {
	struct tn_net *n;
	uint64_t rng;
	double *v[TM_MAX_TENSORS]; /* each activation's value as the int8 network holds it (dequantized) */
	unsigned layers;           /* layers named so far */
	int variant;
	int batch;                 /* calibration inputs: every v[] holds this many (only nb_fc takes more than 1) */
};

/* ---- plumbing ---------------------------------------------------------------------------- */

static uint64_t nb_next(uint64_t *s) /* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double nb_unif(struct nb *b, double lo, double hi)
{
	return lo + (hi - lo) * (double)(nb_next(&b->rng) >> 11) * 0x1p-53;
}

static void *keep(struct tn_net *n, void *p)
{
	if (!p)
		abort();
	if (n->nmem == n->capmem) {
		n->capmem = n->capmem ? 2 * n->capmem : 64;
		n->mem = realloc(n->mem, n->capmem * sizeof *n->mem);
		if (!n->mem)
			abort();
	}
	n->mem[n->nmem++] = p;
	return p;
}

static void *nb_alloc(struct nb *b, size_t size) { return keep(b->n, calloc(1, size ? size : 1)); }

static const char *nb_str(struct nb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *nb_str(struct nb *b, const char *fmt, ...)
{
	char s[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	return strcpy(nb_alloc(b, strlen(s) + 1), s);
}

static size_t numel(const struct tm_tensor *t)
{
	size_t n = 1;
	for (uint32_t i = 0; i < t->rank; i++)
		n *= (size_t)t->shape[i];
	return n;
}

static int32_t nb_tensor(struct nb *b, const char *name, int32_t type, uint32_t rank, const int32_t *shape)
{
	struct tm_model *m = &b->n->m;
	if (m->nt >= TM_MAX_TENSORS)
		abort();
	struct tm_tensor *t = &m->t[m->nt];
	memset(t, 0, sizeof *t);
	t->name = name;
	t->type = type;
	t->rank = rank;
	memcpy(t->shape, shape, rank * sizeof *shape);
	return (int32_t)m->nt++;
}

/* n scales along qdim, zero points 0 (weights, biases) */
static void nb_quant(struct nb *b, int32_t t, uint32_t n, const float *s, int32_t qdim)
{
	struct tm_tensor *x = &b->n->m.t[t];
	x->nq = n;
	x->scale = s;
	x->zp = nb_alloc(b, n * sizeof(int64_t));
	x->qdim = qdim;
}

static void nb_quant1(struct nb *b, int32_t t, float s, int32_t z)
{
	float *sv = nb_alloc(b, sizeof *sv);
	int64_t *zv = nb_alloc(b, sizeof *zv);
	*sv = s, *zv = z;
	struct tm_tensor *x = &b->n->m.t[t];
	x->nq = 1, x->scale = sv, x->zp = zv, x->qdim = 0;
}

/* The same quantization as tensor from (pooling, RESHAPE, PAD keep it). */
static void nb_same_quant(struct nb *b, int32_t t, int32_t from)
{
	struct tm_tensor *x = &b->n->m.t[t];
	const struct tm_tensor *f = &b->n->m.t[from];
	x->nq = f->nq, x->scale = f->scale, x->zp = f->zp, x->qdim = f->qdim;
}

static int32_t nb_const(struct nb *b, const char *name, int32_t type, uint32_t rank, const int32_t *shape,
			const void *data, size_t len)
{
	struct tm_model *m = &b->n->m;
	int32_t t = nb_tensor(b, name, type, rank, shape);
	if (m->nbuf >= TM_MAX_BUFS)
		abort();
	m->buf[m->nbuf] = data;
	m->buf_len[m->nbuf] = len;
	m->t[t].buffer = ++m->nbuf;
	return t;
}

static struct tm_op *nb_op(struct nb *b, int32_t builtin, uint32_t opt_type, uint32_t nin, const int32_t *in,
			   int32_t out)
{
	struct tm_model *m = &b->n->m;
	uint32_t code = 0;
	while (code < m->ncodes && m->codes[code] != builtin)
		code++;
	if (code == m->ncodes) {
		if (m->ncodes >= TM_MAX_CODES)
			abort();
		m->codes[m->ncodes++] = builtin;
	}
	if (m->nops >= TM_MAX_OPS)
		abort();
	struct tm_op *o = &m->ops[m->nops++];
	memset(o, 0, sizeof *o);
	o->code = code;
	o->nin = nin;
	memcpy(o->in, in, nin * sizeof *in);
	o->nout = 1;
	o->out[0] = out;
	o->opt_type = opt_type;
	return o;
}

static void nb_opts(struct tm_op *o, uint32_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (uint32_t i = 0; i < n; i++)
		o->opt[i] = va_arg(ap, int32_t);
	va_end(ap);
	o->nopt = n;
}

static double round_half_up(double x) { return floor(x + 0.5); }

/* Round v (n values) to the int8 grid of (s, z), clamped as activation act clamps. */
static void nb_round(double *v, size_t n, float s, int32_t z, int act)
{
	double lo = -128, hi = 127;
	if (act != ACT_NONE)
		lo = z;
	if (act == ACT_RELU6 && z + round_half_up(6.0 / s) < hi)
		hi = z + round_half_up(6.0 / s);
	for (size_t i = 0; i < n; i++) {
		double q = round_half_up(v[i] / s) + z;
		q = q < lo ? lo : q > hi ? hi : q;
		v[i] = (q - z) * (double)s;
	}
}

/* An activation's quantization from its value v (after the activation
 * function): TFLite's asymmetric int8 over [min(0, min v), max(0, max v)],
 * the range widened by a random 0-10%; then v rounded to it. */
static void nb_calibrate(struct nb *b, int32_t t, double *v, int act)
{
	size_t n = numel(&b->n->m.t[t]) * (size_t)b->batch;
	double lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	double span = (hi - lo) * nb_unif(b, 1.0, 1.1);
	float s = (float)(span > 1e-6 ? span / 255 : 1e-6 / 255);
	double zf = round_half_up(-128 - lo / s);
	int32_t z = (int32_t)(zf < -128 ? -128 : zf > 127 ? 127 : zf);
	nb_quant1(b, t, s, z);
	nb_round(v, n, s, z, act);
	b->v[t] = v;
}

static void nb_activate(double *v, size_t n, int act)
{
	for (size_t i = 0; act != ACT_NONE && i < n; i++) {
		v[i] = v[i] < 0 ? 0 : v[i];
		if (act == ACT_RELU6 && v[i] > 6)
			v[i] = 6;
	}
}

static const char *act_name(int act) { return act == ACT_RELU6 ? "Relu6" : "Relu"; }

/* int8 weights uniform in [-127, 127] */
static int8_t *nb_weights(struct nb *b, size_t n)
{
	int8_t *w = nb_alloc(b, n);
	for (size_t i = 0; i < n; i++)
		w[i] = (int8_t)((int)(nb_next(&b->rng) % 255) - 127);
	return w;
}

/* He-like scales: the float weights uniform in +-sqrt(6 / fan_in), times 0.8..1.2 */
static float *nb_wscales(struct nb *b, uint32_t n, size_t fan_in)
{
	float *s = nb_alloc(b, n * sizeof *s);
	for (uint32_t i = 0; i < n; i++)
		s[i] = (float)(sqrt(6.0 / (double)fan_in) / 127 * nb_unif(b, 0.8, 1.2));
	return s;
}

/* Per-channel biases for accumulators acc [positions][O] (in real units): a
 * random fraction (+-30%) of the channel's root mean square, as an int32 of
 * scale xs * ws[o]; added to acc.  Returns the bias tensor. */
static int32_t nb_bias(struct nb *b, const char *name, double *acc, size_t positions, uint32_t O, float xs,
		       const float *ws)
{
	int32_t *bq = nb_alloc(b, O * sizeof *bq);
	float *bs = nb_alloc(b, O * sizeof *bs);
	for (uint32_t o = 0; o < O; o++) {
		double ss = 0;
		for (size_t p = 0; p < positions; p++)
			ss += acc[p * O + o] * acc[p * O + o];
		double rms = sqrt(ss / (double)positions), step = (double)(bs[o] = xs * ws[o]);
		bq[o] = (int32_t)round_half_up(nb_unif(b, -0.3, 0.3) * rms / step);
		for (size_t p = 0; p < positions; p++)
			acc[p * O + o] += bq[o] * step;
	}
	const int32_t shape[1] = {(int32_t)O};
	int32_t t = nb_const(b, name, T_I32, 1, shape, bq, O * sizeof *bq);
	nb_quant(b, t, O, bs, 0);
	return t;
}

/* ---- layers ------------------------------------------------------------------------------- */

/* The layers but nb_fc (and nb_flatten, nb_dequantize) compute one calibration input. */
static void one_input(const struct nb *b)
{
	if (b->batch != 1)
		abort();
}

/* The graph input: int8 (s, z), or float32 (s = 0). */
static int32_t nb_input(struct nb *b, const char *name, uint32_t rank, const int32_t *shape, float s, int32_t z)
{
	struct tn_net *n = b->n;
	int32_t t = nb_tensor(b, name, s > 0 ? T_I8 : T_F32, rank, shape);
	size_t cnt = numel(&n->m.t[t]) * (size_t)b->batch;
	double *v = nb_alloc(b, cnt * sizeof *v);
	for (size_t i = 0; i < cnt; i++) /* the calibration input */
		v[i] = s > 0 ? (double)(((int)(nb_next(&b->rng) % 256) - 128) - z) * s : nb_unif(b, 0, 1);
	if (s > 0)
		nb_quant1(b, t, s, z);
	b->v[t] = v;
	n->m.in[n->m.nin++] = t;
	n->in_name = name;
	n->in_type = s > 0 ? T_I8 : T_F32;
	n->in_rank = rank;
	memcpy(n->in_shape, shape, rank * sizeof *shape);
	return t;
}

/* CONV_2D (dw = 0: `out` channels) or DEPTHWISE_CONV_2D (dw = 1: depth
 * multiplier `out`) k_h x k_w, stride s, SAME or VALID, fused act. */
static int32_t nb_conv(struct nb *b, int32_t x, int dw, int out, int kh, int kw, int s, int pad, int act)
{
	one_input(b);
	const struct tm_tensor *xt = &b->n->m.t[x];
	const int H = xt->shape[1], W = xt->shape[2], C = xt->shape[3], O = dw ? C * out : out;
	const float xs = xt->scale[0];
	int OH, OW, pt = 0, pl = 0;
	if (pad == SAME) {
		OH = (H + s - 1) / s, OW = (W + s - 1) / s;
		int th = (OH - 1) * s + kh - H, tw = (OW - 1) * s + kw - W;
		pt = th > 0 ? th / 2 : 0, pl = tw > 0 ? tw / 2 : 0;
	} else
		OH = (H - kh) / s + 1, OW = (W - kw) / s + 1;
	const size_t fan_in = (size_t)kh * kw * (dw ? 1 : C), nw = (size_t)O * fan_in;
	const int8_t *w = nb_weights(b, nw);
	const float *ws = nb_wscales(b, (uint32_t)O, fan_in);
	const double *xv = b->v[x];
	double *y = nb_alloc(b, (size_t)OH * OW * O * sizeof *y);
	for (int oy = 0; oy < OH; oy++)
		for (int ox = 0; ox < OW; ox++)
			for (int o = 0; o < O; o++) {
				double acc = 0;
				for (int ky = 0; ky < kh; ky++)
					for (int kx = 0; kx < kw; kx++) {
						int iy = oy * s + ky - pt, ix = ox * s + kx - pl;
						if (iy < 0 || iy >= H || ix < 0 || ix >= W)
							continue; /* the zero point: 0 in real units */
						const double *xp = xv + ((size_t)iy * W + ix) * C;
						if (dw)
							acc += xp[o / out] * w[(ky * kw + kx) * O + o];
						else
							for (int c = 0; c < C; c++)
								acc += xp[c] * w[(((size_t)o * kh + ky) * kw + kx) * C + c];
					}
				y[((size_t)oy * OW + ox) * O + o] = acc * (double)ws[o];
			}
	unsigned k = b->layers++;
	const char *kind = dw ? "depthwise_conv2d" : "conv2d";
	const int32_t wshape[4] = {dw ? 1 : O, kh, kw, dw ? O : C};
	int32_t wt = nb_const(b, nb_str(b, "model/%s_%u/%s", kind, k, dw ? "depthwise" : "Conv2D"), T_I8, 4, wshape, w,
			      nw);
	nb_quant(b, wt, (uint32_t)O, ws, dw ? 3 : 0);
	int32_t bt = nb_bias(b, nb_str(b, "model/%s_%u/BiasAdd/ReadVariableOp", kind, k), y, (size_t)OH * OW,
			     (uint32_t)O, xs, ws);
	nb_activate(y, (size_t)OH * OW * O, act);
	const int32_t yshape[4] = {1, OH, OW, O};
	const char *yname = act ? nb_str(b, "model/activation_%u/%s;model/%s_%u/BiasAdd", k, act_name(act), kind, k)
				: nb_str(b, "model/%s_%u/BiasAdd", kind, k);
	int32_t yt = nb_tensor(b, yname, T_I8, 4, yshape);
	nb_calibrate(b, yt, y, act);
	struct tm_op *o = nb_op(b, dw ? OP_DEPTHWISE_CONV_2D : OP_CONV_2D, dw ? OPT_DEPTHWISE_CONV2D : OPT_CONV2D, 3,
				(const int32_t[3]){x, wt, bt}, yt);
	if (dw) /* padding stride_w stride_h depth_multiplier activation dilation_w dilation_h */
		nb_opts(o, 7, pad, s, s, out, act, 1, 1);
	else /* padding stride_w stride_h activation dilation_w dilation_h */
		nb_opts(o, 6, pad, s, s, act, 1, 1);
	return yt;
}

/* FULLY_CONNECTED of a [1][K] input to N, per-tensor weights; logits (a
 * SOFTMAX follows): the weight scale set for outputs of root mean square
 * 1.5, so that the probabilities are not all 0 and 1. */
static int32_t nb_fc(struct nb *b, int32_t x, int N, int act, int logits)
{
	const struct tm_tensor *xt = &b->n->m.t[x];
	const int K = (int)numel(xt);
	const float xs = xt->scale[0];
	const int8_t *w = nb_weights(b, (size_t)N * K);
	float *ws = nb_wscales(b, 1, (size_t)K);
	const size_t NB = (size_t)N * (size_t)b->batch; /* outputs of the whole calibration batch */
	double *y = nb_alloc(b, NB * sizeof *y), ss = 0;
	for (int s = 0; s < b->batch; s++)
		for (int o = 0; o < N; o++) {
			double acc = 0;
			for (int k = 0; k < K; k++)
				acc += b->v[x][(size_t)s * K + k] * w[(size_t)o * K + k];
			ss += acc * acc;
			y[(size_t)s * N + o] = acc;
		}
	if (logits && ss > 0)
		ws[0] = (float)(1.5 / sqrt(ss / (double)NB));
	for (size_t i = 0; i < NB; i++)
		y[i] *= (double)ws[0];
	unsigned k = b->layers++;
	const int32_t wshape[2] = {N, K}, yshape[2] = {1, N};
	int32_t wt = nb_const(b, nb_str(b, "model/dense_%u/MatMul", k), T_I8, 2, wshape, w, (size_t)N * K);
	nb_quant(b, wt, 1, ws, 0);
	/* the biases a fraction of the outputs' root mean square */
	ss = 0;
	for (size_t i = 0; i < NB; i++)
		ss += y[i] * y[i];
	const double rms = sqrt(ss / (double)NB);
	int32_t *bq = nb_alloc(b, (size_t)N * sizeof *bq);
	float *bs = nb_alloc(b, sizeof *bs);
	*bs = xs * ws[0];
	for (int o = 0; o < N; o++)
		bq[o] = (int32_t)round_half_up(nb_unif(b, -0.3, 0.3) * rms / (double)*bs);
	for (size_t i = 0; i < NB; i++)
		y[i] += bq[i % (size_t)N] * (double)*bs;
	int32_t bt = nb_const(b, nb_str(b, "model/dense_%u/BiasAdd/ReadVariableOp", k), T_I32, 1, (const int32_t[1]){N},
			      bq, (size_t)N * sizeof *bq);
	nb_quant(b, bt, 1, bs, 0);
	nb_activate(y, NB, act);
	const char *yname = act ? nb_str(b, "model/activation_%u/%s;model/dense_%u/BiasAdd", k, act_name(act), k)
				: nb_str(b, "model/dense_%u/BiasAdd", k);
	int32_t yt = nb_tensor(b, yname, T_I8, 2, yshape);
	nb_calibrate(b, yt, y, act);
	/* fused_activation_function weights_format keep_num_dims */
	nb_opts(nb_op(b, OP_FULLY_CONNECTED, OPT_FULLY_CONNECTED, 3, (const int32_t[3]){x, wt, bt}, yt), 3, act, 0, 0);
	return yt;
}

static int32_t nb_add(struct nb *b, int32_t x1, int32_t x2, int act)
{
	one_input(b);
	const struct tm_tensor *t1 = &b->n->m.t[x1];
	size_t n = numel(t1);
	double *y = nb_alloc(b, n * sizeof *y);
	for (size_t i = 0; i < n; i++)
		y[i] = b->v[x1][i] + b->v[x2][i];
	nb_activate(y, n, act);
	unsigned k = b->layers++;
	int32_t yt = nb_tensor(b, nb_str(b, "model/activation_%u/%s;model/add_%u/add", k, act_name(act), k), T_I8,
			       t1->rank, t1->shape);
	nb_calibrate(b, yt, y, act);
	nb_opts(nb_op(b, OP_ADD, OPT_ADD, 2, (const int32_t[2]){x1, x2}, yt), 1, act);
	return yt;
}

/* AVERAGE_POOL_2D or MAX_POOL_2D k_h x k_w, strides sh, sw, VALID; the input's quantization. */
static int32_t nb_pool(struct nb *b, int32_t x, int avg, int kh, int kw, int sh, int sw)
{
	one_input(b);
	const struct tm_tensor *xt = &b->n->m.t[x];
	const int H = xt->shape[1], W = xt->shape[2], C = xt->shape[3];
	const int OH = (H - kh) / sh + 1, OW = (W - kw) / sw + 1;
	double *y = nb_alloc(b, (size_t)OH * OW * C * sizeof *y);
	for (int oy = 0; oy < OH; oy++)
		for (int ox = 0; ox < OW; ox++)
			for (int c = 0; c < C; c++) {
				double sum = 0, best = -INFINITY;
				for (int ky = 0; ky < kh; ky++)
					for (int kx = 0; kx < kw; kx++) {
						double v = b->v[x][((size_t)(oy * sh + ky) * W + ox * sw + kx) * C + c];
						sum += v;
						best = v > best ? v : best;
					}
				y[((size_t)oy * OW + ox) * C + c] = avg ? sum / (kh * kw) : best;
			}
	unsigned k = b->layers++;
	const int32_t yshape[4] = {1, OH, OW, C};
	int32_t yt = nb_tensor(b, nb_str(b, avg ? "model/average_pooling2d_%u/AvgPool" : "model/max_pooling2d_%u/MaxPool", k),
			       T_I8, 4, yshape);
	nb_same_quant(b, yt, x);
	nb_round(y, (size_t)OH * OW * C, xt->scale[0], (int32_t)xt->zp[0], ACT_NONE);
	b->v[yt] = y;
	/* padding stride_w stride_h filter_width filter_height activation */
	nb_opts(nb_op(b, avg ? OP_AVERAGE_POOL_2D : OP_MAX_POOL_2D, OPT_POOL2D, 1, &x, yt), 6, VALID, sw, sh, kw, kh,
		ACT_NONE);
	return yt;
}

/* RESHAPE to [1][numel] with a shape tensor and no options (as TFLite's converter writes Flatten). */
static int32_t nb_flatten(struct nb *b, int32_t x)
{
	const int32_t n = (int32_t)numel(&b->n->m.t[x]);
	int32_t *sv = nb_alloc(b, 2 * sizeof *sv);
	sv[0] = 1, sv[1] = n;
	unsigned k = b->layers++;
	int32_t st = nb_const(b, nb_str(b, "model/flatten_%u/Const", k), T_I32, 1, (const int32_t[1]){2}, sv,
			      2 * sizeof *sv);
	int32_t yt = nb_tensor(b, nb_str(b, "model/flatten_%u/Reshape", k), T_I8, 2, sv);
	nb_same_quant(b, yt, x);
	b->v[yt] = b->v[x];
	nb_op(b, OP_RESHAPE, OPT_NONE, 2, (const int32_t[2]){x, st}, yt);
	return yt;
}

/* SOFTMAX (beta 1) to int8 of scale 1/256, zero point -128. */
static int32_t nb_softmax(struct nb *b, int32_t x, const char *name)
{
	one_input(b);
	const size_t n = numel(&b->n->m.t[x]);
	double *y = nb_alloc(b, n * sizeof *y), top = -INFINITY, sum = 0;
	for (size_t i = 0; i < n; i++)
		top = b->v[x][i] > top ? b->v[x][i] : top;
	for (size_t i = 0; i < n; i++)
		sum += y[i] = exp(b->v[x][i] - top);
	for (size_t i = 0; i < n; i++)
		y[i] /= sum;
	int32_t yt = nb_tensor(b, name, T_I8, b->n->m.t[x].rank, b->n->m.t[x].shape);
	nb_quant1(b, yt, 1.0f / 256, -128);
	nb_round(y, n, 1.0f / 256, -128, ACT_NONE);
	b->v[yt] = y;
	float one = 1.0f;
	int32_t beta;
	memcpy(&beta, &one, sizeof beta);
	nb_opts(nb_op(b, OP_SOFTMAX, OPT_SOFTMAX, 1, &x, yt), 1, beta);
	return yt;
}

/* PAD of height and width (top, bottom, left, right) with the zero point. */
static int32_t nb_pad(struct nb *b, int32_t x, int top, int bottom, int left, int right)
{
	one_input(b);
	const struct tm_tensor *xt = &b->n->m.t[x];
	const int H = xt->shape[1], W = xt->shape[2], C = xt->shape[3], PH = H + top + bottom, PW = W + left + right;
	int32_t *pv = nb_alloc(b, 8 * sizeof *pv);
	const int32_t pads[8] = {0, 0, top, bottom, left, right, 0, 0};
	memcpy(pv, pads, sizeof pads);
	unsigned k = b->layers++;
	int32_t pt = nb_const(b, nb_str(b, "model/zero_padding2d_%u/Pad/paddings", k), T_I32, 2, (const int32_t[2]){4, 2},
			      pv, sizeof pads);
	double *y = nb_alloc(b, (size_t)PH * PW * C * sizeof *y);
	for (int iy = 0; iy < H; iy++)
		for (int ix = 0; ix < W; ix++)
			memcpy(y + ((size_t)(iy + top) * PW + ix + left) * C, b->v[x] + ((size_t)iy * W + ix) * C,
			       (size_t)C * sizeof *y);
	int32_t yt = nb_tensor(b, nb_str(b, "model/zero_padding2d_%u/Pad", k), T_I8, 4, (const int32_t[4]){1, PH, PW, C});
	nb_same_quant(b, yt, x);
	b->v[yt] = y;
	nb_op(b, OP_PAD, OPT_PAD, 2, (const int32_t[2]){x, pt}, yt);
	return yt;
}

/* QUANTIZE of a float32 tensor to int8 (s, z). */
static int32_t nb_quantize(struct nb *b, int32_t x, const char *name, float s, int32_t z)
{
	one_input(b);
	const struct tm_tensor *xt = &b->n->m.t[x];
	const size_t n = numel(xt);
	double *y = nb_alloc(b, n * sizeof *y);
	memcpy(y, b->v[x], n * sizeof *y);
	int32_t yt = nb_tensor(b, name, T_I8, xt->rank, xt->shape);
	nb_quant1(b, yt, s, z);
	nb_round(y, n, s, z, ACT_NONE);
	b->v[yt] = y;
	nb_op(b, OP_QUANTIZE, OPT_QUANTIZE, 1, &x, yt);
	return yt;
}

/* DEQUANTIZE to float32. */
static int32_t nb_dequantize(struct nb *b, int32_t x, const char *name)
{
	const struct tm_tensor *xt = &b->n->m.t[x];
	int32_t yt = nb_tensor(b, name, T_F32, xt->rank, xt->shape);
	b->v[yt] = b->v[x];
	nb_op(b, OP_DEQUANTIZE, OPT_DEQUANTIZE, 1, &x, yt);
	return yt;
}

static void nb_output(struct nb *b, int32_t y) { b->n->m.out[b->n->m.nout++] = y; }

/* ---- the networks -------------------------------------------------------------------------- */

static void resnet8(struct nb *b)
{
	int32_t x = nb_input(b, "input_1_int8", 4, (const int32_t[4]){1, 32, 32, 3}, 1.0f, -128);
	int32_t c1 = nb_conv(b, x, 0, 16, 3, 3, 1, SAME, ACT_RELU);
	int32_t c2 = nb_conv(b, c1, 0, 16, 3, 3, 1, SAME, ACT_RELU);
	int32_t c3 = nb_conv(b, c2, 0, 16, 3, 3, 1, SAME, ACT_NONE);
	int32_t a = nb_add(b, c1, c3, ACT_RELU);
	for (int ch = 32; ch <= 64; ch *= 2) { /* stacks 2 and 3: a 1x1 stride-2 shortcut */
		int32_t r1 = nb_conv(b, a, 0, ch, 3, 3, 2, SAME, ACT_RELU);
		int32_t r2 = nb_conv(b, r1, 0, ch, 3, 3, 1, SAME, ACT_NONE);
		int32_t sc = nb_conv(b, a, 0, ch, 1, 1, 2, SAME, ACT_NONE);
		a = nb_add(b, sc, r2, ACT_RELU);
	}
	int32_t p = nb_pool(b, a, 1, 8, 8, 8, 8);
	int32_t f = nb_fc(b, nb_flatten(b, p), 10, ACT_NONE, 1);
	nb_output(b, nb_softmax(b, f, "Identity_int8"));
}

/* DS-CNN; variant 1: the stem 32 channels wide and the first depthwise
 * convolution with depth multiplier 2 (32 -> 64). */
static void dscnn(struct nb *b)
{
	const int dm = b->variant ? 2 : 1;
	int32_t x = nb_input(b, "input_1", 4, (const int32_t[4]){1, 49, 10, 1}, 0.5847029f, 83);
	int32_t c = nb_conv(b, x, 0, 64 / dm, 10, 4, 1, SAME, ACT_RELU);
	c = nb_pool(b, c, 0, 2, 2, 2, 2); /* 49x10 -> 24x5 */
	for (int blk = 0; blk < 4; blk++) {
		c = nb_conv(b, c, 1, blk ? 1 : dm, 3, 3, 1, SAME, ACT_RELU);
		c = nb_conv(b, c, 0, 64, 1, 1, 1, SAME, ACT_RELU);
	}
	int32_t p = nb_pool(b, c, 1, 24, 5, 24, 5);
	int32_t f = nb_fc(b, nb_flatten(b, p), 12, ACT_NONE, 1);
	nb_output(b, nb_softmax(b, f, "Identity"));
}

static void mobilenet(struct nb *b)
{
	int32_t xf = nb_input(b, "input_1", 4, (const int32_t[4]){1, 96, 96, 3}, 0, 0);
	int32_t x = nb_quantize(b, xf, "input_1_int8", 1.0f / 255, -128);
	int32_t c = nb_conv(b, x, 0, 8, 3, 3, 2, SAME, ACT_RELU6);
	static const int blocks[13][2] = {{1, 16}, {2, 32}, {1, 32}, {2, 64}, {1, 64}, {2, 128}, {1, 128},
					  {1, 128}, {1, 128}, {1, 128}, {1, 128}, {2, 256}, {1, 256}};
	for (int i = 0; i < 13; i++) {
		int s = blocks[i][0];
		if (s == 2) /* Keras: ZeroPadding2D(((0, 1), (0, 1))) and a VALID stride-2 depthwise */
			c = nb_pad(b, c, 0, 1, 0, 1);
		c = nb_conv(b, c, 1, 1, 3, 3, s, s == 2 ? VALID : SAME, ACT_RELU6);
		c = nb_conv(b, c, 0, blocks[i][1], 1, 1, 1, SAME, ACT_RELU6);
	}
	int32_t p = nb_pool(b, c, 1, 3, 3, 3, 3);
	int32_t f = nb_fc(b, nb_flatten(b, p), 2, ACT_NONE, 1);
	int32_t sm = nb_softmax(b, f, "Identity_int8");
	nb_output(b, nb_dequantize(b, sm, "Identity"));
}

static void fcae(struct nb *b)
{
	int32_t x = nb_input(b, "input_1", 2, (const int32_t[2]){1, 640}, 0.39101523f, 89);
	static const int widths[10] = {128, 128, 128, 128, 8, 128, 128, 128, 128, 640};
	for (int i = 0; i < 10; i++) {
		x = nb_fc(b, x, widths[i], i < 9 ? ACT_RELU : ACT_NONE, 0);
		if (i == 9)
			b->n->m.t[x].name = "Identity";
	}
	nb_output(b, x);
}

static const struct {
	const char *name;
	void (*make)(struct nb *);
	int variant;
	int batch;     /* calibration inputs (the convolutional networks: one, their maps have many positions) */
	uint64_t seed; /* weights and calibration inputs */
} nets[TN_COUNT] = {
	[TN_RESNET8] = {"resnet8", resnet8, 0, 1, 0x5245534e45543801ull},
	[TN_DSCNN] = {"dscnn", dscnn, 0, 1, 0x445343434e4e0002ull},
	[TN_MOBILENET] = {"mobilenet", mobilenet, 0, 1, 0x4d4f42494c450003ull},
	[TN_FCAE] = {"fcae", fcae, 0, 16, 0x4643414500000004ull},
	[TN_DSCNN_DM2] = {"dscnn_dm2", dscnn, 1, 1, 0x445343434e4e0005ull},
};

const char *tn_name(enum tn_id id) { return (unsigned)id < TN_COUNT ? nets[id].name : NULL; }

void tn_build(enum tn_id id, uint64_t input_seed, struct tn_net *n)
{
	if ((unsigned)id >= TN_COUNT)
		abort();
	memset(n, 0, sizeof *n);
	n->name = nets[id].name;
	struct nb b = {.n = n, .rng = nets[id].seed, .variant = nets[id].variant, .batch = nets[id].batch};
	nets[id].make(&b);
	n->bytes = keep(n, tm_build(&n->m, &n->len));
	/* the sample input */
	size_t cnt = 1;
	for (uint32_t i = 0; i < n->in_rank; i++)
		cnt *= (size_t)n->in_shape[i];
	n->input_bytes = cnt * (n->in_type == T_F32 ? 4 : 1);
	n->input = nb_alloc(&b, n->input_bytes);
	uint64_t s = input_seed;
	for (size_t i = 0; i < cnt; i++) {
		uint64_t r = nb_next(&s);
		if (n->in_type == T_F32)
			((float *)n->input)[i] = (float)((double)(r >> 11) * 0x1p-53);
		else
			((int8_t *)n->input)[i] = (int8_t)(uint8_t)r;
	}
}

void tn_free(struct tn_net *n)
{
	for (size_t i = 0; i < n->nmem; i++)
		free(n->mem[i]);
	free(n->mem);
	memset(n, 0, sizeof *n);
}
