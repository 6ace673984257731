/* qdq_fold.c: QDQ-encoded quantized layers into integer operators.
 *
 * PyTorch exports a quantized convolution as
 *     DequantizeLinear(xq) -> Conv(x, DequantizeLinear(wq), bias) [-> Relu]
 *         -> QuantizeLinear -> yq
 * which is QLinearConv(xq, xs, xz, wq, ws, wz, ys, yz, bq) with the bias as
 * int32 of scale xs*ws[o] and zero point 0 (how ONNX defines a quantized
 * bias).  The bias comes either as DequantizeLinear of an int32 constant or
 * as a float constant, rounded half to even onto that grid.  A Relu between
 * the operator and QuantizeLinear clamps the quantized output at yz
 * (attribute "mote_relu").  Passes, in order:
 *
 *  1. Identity nodes go (their consumers read the Identity's input).
 *  1b. PyTorch's QAT Conv+BatchNorm (ConvBn2d, not fused for export):
 *        Conv(x, fq(w * sf), 0) -> Div(sf) -> Add(b) -> BatchNormalization
 *      with sf = gamma / sqrt(var + eps): the Div and the normalization's
 *      scale cancel, so it is the Conv with the bias PyTorch's conversion
 *      gives it, (b - mean) * rsqrt(var + eps) * gamma + beta (float32, in
 *      torch.nn.utils.fusion's order).
 *  2. DequantizeLinear moves after Flatten, Reshape and MaxPool: with one
 *     positive per-tensor scale these commute with it exactly, and the
 *     layout or max then runs on the integers.
 *  3. DequantizeLinear -> QuantizeLinear with the same scale, zero point and
 *     type is the identity on the integers and goes.
 *  3b. DequantizeLinear -> LeakyRelu|Sigmoid|Tanh|HardSigmoid|HardSwish|Elu
 *     -> QuantizeLinear (the activations the device lacks) becomes a table
 *     lookup on the host (MoteLut: MOTE_KOP_LUT) of Q(f(DQ(x))) for each of
 *     the 256 inputs, in float32 rounding half to even, as quantized runtimes
 *     build their activation tables.
 *  4. The layer patterns fold:
 *       Conv, MatMul, Gemm (alpha = beta = 1, transA = 0) -> QLinearConv or
 *         QLinearMatMul (with the bias as a ninth input, an extension of ours);
 *       Add -> QLinearAdd (a, as, az, b, bs, bz, ys, yz);
 *       AveragePool, GlobalAveragePool -> QLinearAveragePool (x, xs, xz, ys,
 *         yz; "mote_global" = 1 for the global form).
 *  5. A Relu after the QuantizeLinear of a folded layer (PyTorch's eager
 *     QAT with an unfused nn.ReLU: layer -> Q -> DQ -> Relu) joins the layer:
 *     Relu(DQ(q)) = DQ(max(q, zero point)) exactly, so the layer clamps at its
 *     output zero point ("mote_relu") and the Relu goes; passes 2 and 3 run
 *     again (the DQ may now sink past a MaxPool and meet a QuantizeLinear).
 *  6. Nodes whose outputs nobody reads go.
 * Anything that does not match stays as it is, for the placement report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ir_exec.h"
#include "qdq_fold.h"

static long producer(const struct ir_graph *g, int32_t t)
{
	if (t < 0)
		return -1;
	for (size_t i = 0; i < g->nn; i++)
		for (uint32_t k = 0; k < g->n[i].n_out; k++)
			if (g->n[i].out[k] == t)
				return (long)i;
	return -1;
}

/* Readers of tensor t (a graph output counts as one); *only: the last node. */
static unsigned consumers(const struct ir_graph *g, int32_t t, long *only)
{
	unsigned c = 0;
	for (size_t i = 0; i < g->nn; i++)
		for (uint32_t k = 0; k < g->n[i].n_in; k++)
			if (g->n[i].in[k] == t) {
				c++;
				*only = (long)i;
			}
	return c + (g->t[t].is_output ? 1u : 0u);
}

static void replace_uses(struct ir_graph *g, int32_t from, int32_t to)
{
	for (size_t i = 0; i < g->nn; i++)
		for (uint32_t k = 0; k < g->n[i].n_in; k++)
			if (g->n[i].in[k] == from)
				g->n[i].in[k] = to;
}

static const struct ir_node *is_op(const struct ir_graph *g, long i, const char *op)
{
	return i >= 0 && strcmp(g->n[i].op, op) == 0 && g->n[i].n_out == 1 ? &g->n[i] : NULL;
}

static int32_t opnd(const struct ir_node *n, uint32_t k) { return k < n->n_in ? n->in[k] : -1; }

/* The DequantizeLinear producing t, with explicit scale and zero point. */
static const struct ir_node *dq_of(const struct ir_graph *g, int32_t t)
{
	const struct ir_node *d = t >= 0 ? is_op(g, producer(g, t), "DequantizeLinear") : NULL;
	return d && d->n_in >= 3 && d->in[1] >= 0 && d->in[2] >= 0 ? d : NULL;
}

static const struct ir_tensor *cst(const struct ir_graph *g, int32_t t)
{
	return t >= 0 && g->t[t].data ? &g->t[t] : NULL;
}

/* A constant per-tensor scale (float) and zero point (int8/uint8). */
static int scalar_q(const struct ir_graph *g, int32_t s, int32_t z, float *sv, int32_t *zv, int32_t *zt)
{
	const struct ir_tensor *ts = cst(g, s), *tz = cst(g, z);
	if (!ts || !tz || ts->dtype != IR_FLOAT || ir_numel(ts) != 1 || ir_numel(tz) != 1 ||
	    (tz->dtype != IR_INT8 && tz->dtype != IR_UINT8))
		return 0;
	memcpy(sv, ts->data, sizeof *sv);
	*zv = tz->dtype == IR_INT8 ? *(const int8_t *)tz->data : *(const uint8_t *)tz->data;
	*zt = tz->dtype;
	return isfinite(*sv) && *sv > 0;
}

/* Replace node at slot `at` by a new node op(in) -> out taking src's name
 * and attributes (src is freed: it is another slot about to die, or `at`
 * itself), plus the int attributes named in extra (NULL-terminated, value 1). */
static int put_node(struct ir_graph *g, size_t at, size_t src, const char *op, const int32_t *in, uint32_t nin,
		    int32_t out, const char *const *extra, struct mote_cc_diag *diag)
{
	struct ir_node nn;
	memset(&nn, 0, sizeof nn);
	struct ir_node *s = &g->n[src];
	size_t ne = 0;
	while (extra && extra[ne])
		ne++;
	nn.name = ir_strdup(s->name);
	nn.op = ir_strdup(op);
	nn.in = malloc(nin * sizeof *nn.in);
	nn.out = malloc(sizeof *nn.out);
	nn.attrs = calloc(s->n_attrs + ne + 1, sizeof *nn.attrs);
	int ok = nn.name && nn.op && nn.in && nn.out && nn.attrs;
	for (size_t e = 0; ok && e < ne; e++) {
		struct ir_attr *a = &nn.attrs[e];
		a->kind = IR_ATTR_INT;
		a->i = 1;
		ok = (a->name = ir_strdup(extra[e])) != NULL;
		nn.n_attrs = e + 1;
	}
	if (!ok) {
		ir_node_free(&nn);
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	}
	memcpy(nn.in, in, nin * sizeof *in);
	nn.n_in = nin;
	nn.out[0] = out;
	nn.n_out = 1;
	/* the source's attributes move after the extra ones */
	memcpy(nn.attrs + ne, s->attrs, s->n_attrs * sizeof *s->attrs);
	nn.n_attrs = s->n_attrs + ne;
	s->n_attrs = 0;
	ir_node_free(&g->n[src]);
	if (at != src)
		ir_node_free(&g->n[at]);
	g->n[at] = nn;
	return 0;
}

/* A new constant tensor named base+suffix holding data (taken over). */
static int32_t new_const(struct ir_graph *g, const char *base, const char *suffix, int32_t dtype, uint32_t rank,
			 const int64_t *dims, void *data, size_t nbytes, struct mote_cc_diag *diag)
{
	char name[256];
	snprintf(name, sizeof name, "%s%s", base, suffix);
	int32_t t = ir_add_tensor(g, name, diag);
	if (t < 0) {
		free(data);
		return t;
	}
	struct ir_tensor *x = &g->t[t];
	x->dtype = dtype;
	x->rank = rank;
	memcpy(x->dims, dims, rank * sizeof *dims);
	x->data = data;
	x->nbytes = nbytes;
	return t;
}

/* ---- pass 0-3 ---------------------------------------------------------------- */

/* Identity and QuantizeLinear of constants become constants (PyTorch's QAT
 * export quantizes float weights in the graph and routes zero points
 * through Identity nodes).  The host kernel computes the values, so they are
 * what the runtime would compute. */
/* QuantizeLinear of a float constant with a per-axis scale (PyTorch's
 * per-channel weights: fbgemm and x86 qconfigs): saturate(round_half_even(x *
 * (1 / scale[c])) + zp[c]) along the axis, computed here (the host kernel is
 * per-tensor).  Multiplied by the float inverse as PyTorch's per-channel fake
 * quantization computes it (ONNX divides: a weight exactly between two steps
 * may land on the other; PyTorch made these weights).  1 when folded, 0 when not this case,
 * or a negative status. */
static int quantize_per_axis(struct ir_graph *g, const struct ir_node *n, struct mote_cc_diag *diag)
{
	if (n->n_in != 3 || n->in[1] < 0 || n->in[2] < 0)
		return 0;
	const struct ir_tensor *x = &g->t[n->in[0]], *s = &g->t[n->in[1]], *z = &g->t[n->in[2]];
	int64_t c = ir_numel(s), ax = ir_attr_int(n, "axis", 1);
	if (x->dtype != IR_FLOAT || s->dtype != IR_FLOAT || c <= 1 || ir_numel(z) != c ||
	    (z->dtype != IR_INT8 && z->dtype != IR_UINT8) || x->rank < 1)
		return 0;
	if (ax < 0)
		ax += x->rank;
	if (ax < 0 || ax >= (int64_t)x->rank || x->dims[ax] != c)
		return 0;
	int64_t n_el = ir_numel(x), inner = 1;
	for (uint32_t k = (uint32_t)ax + 1; k < x->rank; k++)
		inner *= x->dims[k];
	uint8_t *q = malloc(n_el > 0 ? (size_t)n_el : 1);
	if (!q)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	const float *xv = x->data, *sv = s->data;
	const int32_t lo = z->dtype == IR_INT8 ? -128 : 0, hi = lo + 255;
	for (int64_t i = 0; i < n_el; i++) {
		int64_t ch = (i / inner) % c;
		int32_t zp = z->dtype == IR_INT8 ? ((const int8_t *)z->data)[ch] : ((const uint8_t *)z->data)[ch];
		float r = nearbyintf(xv[i] * (1.0f / sv[ch]));
		int32_t v = !(r == r) ? zp : r < (float)(lo - zp) ? lo : r > (float)(hi - zp) ? hi : (int32_t)r + zp;
		q[i] = (uint8_t)v;
	}
	struct ir_tensor *y = &g->t[n->out[0]];
	y->dtype = z->dtype;
	y->rank = x->rank;
	memcpy(y->dims, x->dims, sizeof y->dims);
	y->data = q;
	y->nbytes = (size_t)n_el;
	return 1;
}

static int const_fold(struct ir_graph *g, uint8_t *dead, struct mote_cc_diag *diag)
{
	for (size_t i = 0; i < g->nn; i++) {
		const struct ir_node *n = &g->n[i];
		if ((strcmp(n->op, "Identity") && strcmp(n->op, "QuantizeLinear")) || n->n_out != 1 || n->out[0] < 0 ||
		    g->t[n->out[0]].is_output || g->t[n->out[0]].data)
			continue;
		int all = n->n_in > 0;
		for (uint32_t k = 0; k < n->n_in; k++)
			if (n->in[k] >= 0 && (!g->t[n->in[k]].data || g->t[n->in[k]].is_input))
				all = 0;
		struct mote_cc_diag d;
		if (!all)
			continue;
		int pa = strcmp(n->op, "QuantizeLinear") ? 0 : quantize_per_axis(g, n, diag);
		if (pa < 0)
			return pa;
		if (pa) {
			dead[i] = 1;
			continue;
		}
		int rc = ir_exec_host(g, n, &d);
		if (rc == MOTE_CC_ENOMEM)
			return cc_fail(diag, rc, "%s", d.msg);
		if (rc) { /* not foldable (the placement report will say why) */
			struct ir_tensor *y = &g->t[n->out[0]];
			free(y->data);
			y->data = NULL;
			y->nbytes = 0;
			continue;
		}
		dead[i] = 1;
	}
	return 0;
}

static void drop_identity(struct ir_graph *g, uint8_t *dead)
{
	for (size_t i = 0; i < g->nn; i++) {
		struct ir_node *n = &g->n[i];
		if (dead[i] || strcmp(n->op, "Identity") != 0 || n->n_in != 1 || n->n_out != 1 || n->in[0] < 0 ||
		    g->t[n->out[0]].is_output)
			continue;
		replace_uses(g, n->out[0], n->in[0]);
		dead[i] = 1;
	}
}

/* The average pool's output read only by a QuantizeLinear (pass 4 folds it
 * with that quantization). */
static int avg_then_q(const struct ir_graph *g, const struct ir_node *n)
{
	long only = -1;
	return consumers(g, n->out[0], &only) == 1 && is_op(g, only, "QuantizeLinear") != NULL;
}

/* Float values of constant t (per channel: n values, or 1 broadcast), or NULL. */
static const float *cvals(const struct ir_graph *g, int32_t t, int64_t n)
{
	const struct ir_tensor *c = cst(g, t);
	if (!c || c->dtype != IR_FLOAT || (ir_numel(c) != n && ir_numel(c) != 1))
		return NULL;
	return c->data;
}

static float cval(const float *v, const struct ir_graph *g, int32_t t, int64_t o)
{
	return ir_numel(&g->t[t]) == 1 ? v[0] : v[o];
}

/* Pass 1b (see the top): returns the patterns folded, or a negative status. */
static int fold_conv_bn(struct ir_graph *g, uint8_t *dead, struct mote_cc_diag *diag)
{
	int folded = 0;
	for (size_t bi = 0; bi < g->nn; bi++) {
		struct ir_node *bn = &g->n[bi];
		if (dead[bi] || strcmp(bn->op, "BatchNormalization") || bn->n_in != 5 || bn->n_out != 1)
			continue;
		long only = -1, ai = producer(g, bn->in[0]), di = -1, ci = -1;
		if (!is_op(g, ai, "Add") || consumers(g, bn->in[0], &only) != 1)
			continue;
		di = producer(g, g->n[ai].in[0]);
		if (!is_op(g, di, "Div") || consumers(g, g->n[ai].in[0], &only) != 1)
			continue;
		ci = producer(g, g->n[di].in[0]);
		if (!is_op(g, ci, "Conv") || consumers(g, g->n[di].in[0], &only) != 1)
			continue;
		const struct ir_node *c = &g->n[ci], *dv = &g->n[di], *ad = &g->n[ai];
		const struct ir_tensor *w = c->n_in > 1 ? &g->t[c->in[1]] : NULL;
		const struct ir_node *dw = c->n_in > 1 ? dq_of(g, c->in[1]) : NULL;
		int64_t n = dw && cst(g, dw->in[0]) ? g->t[dw->in[0]].dims[0] : (w ? w->dims[0] : 0);
		if (n <= 0 || n > 65536 || ad->n_in != 2 || dv->n_in != 2)
			continue;
		const float *sf = cvals(g, dv->in[1], n), *b = cvals(g, ad->in[1], n), *gm = cvals(g, bn->in[1], n),
			    *be = cvals(g, bn->in[2], n), *mu = cvals(g, bn->in[3], n), *var = cvals(g, bn->in[4], n);
		const float *cb = c->n_in > 2 && c->in[2] >= 0 ? cvals(g, c->in[2], n) : NULL;
		if (!sf || !b || !gm || !be || !mu || !var || (c->n_in > 2 && c->in[2] >= 0 && !cb))
			continue;
		float eps = 1e-5f;
		const struct ir_attr *ea = ir_attr(bn, "epsilon");
		if (ea && ea->kind == IR_ATTR_FLOAT)
			eps = ea->f;
		float *bias = malloc((size_t)n * sizeof *bias);
		if (!bias)
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		int ok = 1;
		for (int64_t o = 0; o < n && ok; o++) {
			float g_o = cval(gm, g, bn->in[1], o), v_o = cval(var, g, bn->in[4], o);
			float std = sqrtf(v_o + eps), s_o = g_o / std, d_o = cval(sf, g, dv->in[1], o);
			/* the Div must undo the normalization's scale (to float rounding) */
			ok = std > 0 && fabsf(d_o - s_o) <= 1e-5f * fabsf(s_o) + 1e-30f;
			float rsq = 1.0f / sqrtf(v_o + eps);
			float cb_o = cval(b, g, ad->in[1], o) + (cb ? cval(cb, g, c->in[2], o) / d_o : 0.0f);
			bias[o] = (cb_o - cval(mu, g, bn->in[3], o)) * rsq * g_o + cval(be, g, bn->in[2], o);
		}
		if (!ok) {
			free(bias);
			continue;
		}
		int64_t dims[1] = {n};
		int32_t bt = new_const(g, g->n[ci].name, "/bn_bias", IR_FLOAT, 1, dims, bias, (size_t)n * sizeof *bias, diag);
		if (bt < 0)
			return bt;
		struct ir_node *cn = &g->n[ci];
		if (cn->n_in < 3) {
			int32_t *in = realloc(cn->in, 3 * sizeof *in);
			if (!in)
				return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
			cn->in = in;
			cn->n_in = 3;
		}
		cn->in[2] = bt;
		cn->out[0] = g->n[bi].out[0]; /* the Conv writes what the normalization wrote */
		dead[di] = dead[ai] = dead[bi] = 1;
		folded++;
	}
	return folded;
}

/* DQ -> Flatten|Reshape|MaxPool  =>  Flatten|Reshape|MaxPool -> DQ;
 * DQ -> AveragePool|GlobalAveragePool with no QuantizeLinear after it =>
 * QLinearAveragePool keeping the input's scale and zero point -> DQ (as
 * PyTorch's int8 pools run on a quantized tensor when no observer follows
 * them: the input's quantization carries through). */
static int sink_dq(struct ir_graph *g, struct mote_cc_diag *diag)
{
	for (size_t i = 0; i < g->nn; i++) {
		struct ir_node *n = &g->n[i];
		int gap = !strcmp(n->op, "GlobalAveragePool"), avg = gap || !strcmp(n->op, "AveragePool");
		if ((strcmp(n->op, "Flatten") && strcmp(n->op, "Reshape") && strcmp(n->op, "MaxPool") && !avg) ||
		    n->n_out != 1 || n->n_in < 1 || (avg && (n->n_in != 1 || avg_then_q(g, n))))
			continue;
		const struct ir_node *d = dq_of(g, n->in[0]);
		long only = -1;
		float s;
		int32_t z, zt;
		if (!d || consumers(g, n->in[0], &only) != 1 || !scalar_q(g, d->in[1], d->in[2], &s, &z, &zt) ||
		    g->t[n->out[0]].is_output)
			continue;
		long di = producer(g, n->in[0]);
		/* the op reads the integers into a new tensor; the DQ (moved to
		 * the op's slot, so it still follows its input) writes the old output */
		char name[256];
		snprintf(name, sizeof name, "%s/q", g->t[n->out[0]].name);
		int32_t tq = ir_add_tensor(g, name, diag);
		if (tq < 0)
			return tq;
		n = &g->n[i];
		d = &g->n[di];
		int32_t y = n->out[0], dx = d->in[0];
		struct ir_node op = *n, dqn = g->n[di];
		op.in[0] = dx;
		op.out[0] = tq;
		if (avg) { /* QLinearAveragePool(xq, xs, xz, ys = xs, yz = xz) */
			int32_t *in5 = malloc(5 * sizeof *in5);
			char *name5 = ir_strdup("QLinearAveragePool");
			struct ir_attr *a = realloc(op.attrs, (op.n_attrs + 1) * sizeof *a);
			if (a)
				op.attrs = a, n->attrs = a;
			if (!in5 || !name5 || !a || (gap && !(a[op.n_attrs].name = ir_strdup("mote_global")))) {
				free(in5), free(name5);
				return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
			}
			if (gap) {
				a[op.n_attrs].kind = IR_ATTR_INT, a[op.n_attrs].i = 1;
				a[op.n_attrs].s = NULL, a[op.n_attrs].ints = NULL, a[op.n_attrs].floats = NULL;
				a[op.n_attrs].n = 0;
				op.n_attrs++;
			}
			in5[0] = dx, in5[1] = in5[3] = d->in[1], in5[2] = in5[4] = d->in[2];
			free(op.in), free(op.op);
			op.in = in5, op.n_in = 5, op.op = name5;
		}
		dqn.in[0] = tq;
		dqn.out[0] = y;
		g->n[di] = op;  /* the op where the DQ was, */
		g->n[i] = dqn;  /* the DQ where the op was */
	}
	return 0;
}

/* DQ -> Q with the same parameters: the Q's readers read the DQ's input. */
static void drop_dq_q(struct ir_graph *g, uint8_t *dead)
{
	for (size_t i = 0; i < g->nn; i++) {
		struct ir_node *q = &g->n[i];
		if (dead[i] || strcmp(q->op, "QuantizeLinear") || q->n_in < 3 || q->n_out != 1 || q->in[2] < 0 ||
		    g->t[q->out[0]].is_output)
			continue;
		const struct ir_node *d = dq_of(g, q->in[0]);
		float s1, s2;
		int32_t z1, z2, t1, t2;
		if (!d || !scalar_q(g, d->in[1], d->in[2], &s1, &z1, &t1) ||
		    !scalar_q(g, q->in[1], q->in[2], &s2, &z2, &t2) || s1 != s2 || z1 != z2 || t1 != t2 ||
		    g->t[d->in[0]].dtype != t1)
			continue;
		replace_uses(g, q->out[0], d->in[0]);
		dead[i] = 1;
	}
}

/* ---- pass 3b: activations as tables ------------------------------------------------ */

static float act_f(const struct ir_node *n, float v)
{
	const struct ir_attr *a = ir_attr(n, "alpha"), *b = ir_attr(n, "beta");
	float al = a && a->kind == IR_ATTR_FLOAT ? a->f : -1.0f, be = b && b->kind == IR_ATTR_FLOAT ? b->f : -1.0f;
	if (!strcmp(n->op, "LeakyRelu"))
		return v < 0 ? v * (al < 0 ? 0.01f : al) : v;
	if (!strcmp(n->op, "Sigmoid"))
		return 1.0f / (1.0f + expf(-v));
	if (!strcmp(n->op, "Tanh"))
		return tanhf(v);
	if (!strcmp(n->op, "HardSigmoid")) {
		float y = (al < 0 ? 0.2f : al) * v + (be < 0 ? 0.5f : be);
		return y < 0 ? 0.0f : y > 1 ? 1.0f : y;
	}
	if (!strcmp(n->op, "HardSwish")) {
		float y = v / 6.0f + 0.5f;
		return v * (y < 0 ? 0.0f : y > 1 ? 1.0f : y);
	}
	return v < 0 ? (al < 0 ? 1.0f : al) * (expf(v) - 1.0f) : v; /* Elu */
}

static int is_table_act(const char *op)
{
	return !strcmp(op, "LeakyRelu") || !strcmp(op, "Sigmoid") || !strcmp(op, "Tanh") || !strcmp(op, "HardSigmoid") ||
	       !strcmp(op, "HardSwish") || !strcmp(op, "Elu");
}

static int act_tables(struct ir_graph *g, uint8_t *dead, struct mote_cc_diag *diag)
{
	for (size_t ai = 0; ai < g->nn; ai++) {
		const struct ir_node *n = &g->n[ai];
		if (dead[ai] || !is_table_act(n->op) || n->n_in != 1 || n->n_out != 1)
			continue;
		long only = -1;
		const struct ir_node *d = dq_of(g, n->in[0]);
		if (!d || consumers(g, n->in[0], &only) != 1 || consumers(g, n->out[0], &only) != 1)
			continue;
		long qi = only;
		const struct ir_node *q = is_op(g, qi, "QuantizeLinear");
		float s1, s2;
		int32_t z1, z2, t1, t2;
		if (!q || q->n_in < 3 || !scalar_q(g, d->in[1], d->in[2], &s1, &z1, &t1) ||
		    !scalar_q(g, q->in[1], q->in[2], &s2, &z2, &t2) || !(s2 > 0))
			continue;
		uint8_t *tab = malloc(256);
		if (!tab)
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		const int32_t lo = t2 == IR_INT8 ? -128 : 0, hi = lo + 255;
		for (int b = 0; b < 256; b++) {
			int32_t xq = t1 == IR_INT8 ? (int8_t)b : b;
			float v = (float)(xq - z1) * s1, y = act_f(n, v) / s2;
			float r = nearbyintf(y);
			int32_t o = !(r == r) ? z2 : r < (float)(lo - z2) ? lo : r > (float)(hi - z2) ? hi : (int32_t)r + z2;
			tab[b] = (uint8_t)(o < lo ? lo : o > hi ? hi : o);
		}
		int64_t dims[1] = {256};
		int32_t tt = new_const(g, n->name, "/table", t2, 1, dims, tab, 256, diag);
		if (tt < 0)
			return tt;
		g->t[tt].is_host_const = g->t[tt].is_derived = 1;
		n = &g->n[ai];
		q = &g->n[qi];
		int32_t in[2] = {g->n[producer(g, n->in[0])].in[0], tt};
		int rc = put_node(g, (size_t)qi, ai, "MoteLut", in, 2, q->out[0], NULL, diag);
		if (rc)
			return rc;
		dead[ai] = 1;
	}
	return 0;
}

static int add_attr(struct ir_node *n, const char *name, int64_t i, const int64_t *ints, size_t cnt,
		    struct mote_cc_diag *diag);

/* A Clip on integers: its bounds constant scalars of the clipped type (the
 * 7-bit activation range of PyTorch's fbgemm and x86 qconfigs, exported as
 * QuantizeLinear -> Clip(max 127) -> DequantizeLinear).  1 and [lo, hi]. */
static int int_clip(const struct ir_graph *g, const struct ir_node *c, int32_t *dtype, int64_t b[2])
{
	if (strcmp(c->op, "Clip") || c->n_in < 2 || c->n_in > 3 || c->n_out != 1)
		return 0;
	*dtype = 0;
	b[0] = INT32_MIN, b[1] = INT32_MAX;
	for (uint32_t k = 1; k < c->n_in; k++) {
		if (c->in[k] < 0)
			continue;
		const struct ir_tensor *t = cst(g, c->in[k]);
		if (!t || (t->dtype != IR_INT8 && t->dtype != IR_UINT8) || ir_numel(t) != 1 || (*dtype && *dtype != t->dtype))
			return 0;
		*dtype = t->dtype;
		b[k - 1] = t->dtype == IR_INT8 ? *(const int8_t *)t->data : *(const uint8_t *)t->data;
	}
	return *dtype && b[0] <= b[1];
}

/* Integer Clips: after a folded layer (its only reader) they join it as
 * mote_clamp; after the model input's QuantizeLinear or another integer
 * operator they become a table lookup on the host.  Returns the Clips
 * handled, or a negative status. */
static int int_clips(struct ir_graph *g, uint8_t *dead, struct mote_cc_diag *diag)
{
	int done = 0;
	for (size_t i = 0; i < g->nn; i++) {
		const struct ir_node *c = &g->n[i];
		int32_t dt;
		int64_t b[2];
		if (dead[i] || !int_clip(g, c, &dt, b) || g->t[c->out[0]].is_output)
			continue;
		long only = -1, pi = producer(g, c->in[0]);
		if (pi < 0 || dead[pi])
			continue;
		const char *pop = g->n[pi].op;
		int layer = !strcmp(pop, "QLinearConv") || !strcmp(pop, "QLinearMatMul");
		if (!layer && strcmp(pop, "QuantizeLinear") && strncmp(pop, "QLinear", 7))
			continue;
		/* a QuantizeLinear after a layer not folded yet: the Clip joins it later */
		if (!strcmp(pop, "QuantizeLinear") && producer(g, g->n[pi].in[0]) >= 0)
			continue;
		if (layer && consumers(g, c->in[0], &only) == 1) {
			struct ir_node *l = &g->n[pi];
			const struct ir_attr *old = ir_attr(l, "mote_clamp");
			if (old) {
				if (old->kind != IR_ATTR_INTS || old->n != 2)
					continue;
				b[0] = b[0] > old->ints[0] ? b[0] : old->ints[0];
				b[1] = b[1] < old->ints[1] ? b[1] : old->ints[1];
				old->ints[0] = b[0], old->ints[1] = b[1];
			} else {
				int rc = add_attr(l, "mote_clamp", 0, b, 2, diag);
				if (rc)
					return rc;
			}
			replace_uses(g, g->n[i].out[0], g->n[i].in[0]);
			dead[i] = 1;
			done++;
			continue;
		}
		uint8_t *tab = malloc(256);
		if (!tab)
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		for (int v = 0; v < 256; v++) {
			int64_t x = dt == IR_INT8 ? (int8_t)v : v;
			tab[v] = (uint8_t)(x < b[0] ? b[0] : x > b[1] ? b[1] : x);
		}
		int64_t dims[1] = {256};
		int32_t tt = new_const(g, g->n[i].name, "/table", dt, 1, dims, tab, 256, diag);
		if (tt < 0)
			return tt;
		g->t[tt].is_host_const = g->t[tt].is_derived = 1;
		int32_t in[2] = {g->n[i].in[0], tt};
		int rc = put_node(g, i, i, "MoteLut", in, 2, g->n[i].out[0], NULL, diag);
		if (rc)
			return rc;
		done++;
	}
	return done;
}

/* ---- pass 4: layers ----------------------------------------------------------- */

/* After op node c: [Relu ->] QuantizeLinear; its index, and the Relu's. */
static long quant_after(const struct ir_graph *g, size_t c, long *relu)
{
	long only = -1;
	int32_t y = g->n[c].out[0];
	*relu = -1;
	if (consumers(g, y, &only) != 1)
		return -1;
	if (is_op(g, only, "Relu")) {
		*relu = only;
		y = g->n[only].out[0];
		if (consumers(g, y, &only) != 1)
			return -1;
	}
	const struct ir_node *q = is_op(g, only, "QuantizeLinear");
	return q && q->n_in >= 3 && q->in[1] >= 0 && q->in[2] >= 0 ? only : -1;
}

/* Float bias b[n] onto the int32 grid xs * ws[o]; the new tensor, or a
 * negative status naming what keeps it from the grid (a length other than
 * the output channels', a value that does not fit int32 at that scale, a
 * weight scale that is not float: the DequantizeLinear is malformed). */
static int32_t quantize_bias(struct ir_graph *g, const struct ir_node *c, const struct ir_tensor *b, float xs,
			     const struct ir_tensor *ws, int64_t n, struct mote_cc_diag *diag)
{
	if (ws->dtype != IR_FLOAT)
		return cc_fail(diag, MOTE_CC_EFORMAT,
			       "node '%s' (%s): weight scale '%s' is %s, not float (DequantizeLinear scales are float)",
			       c->name, c->op, ws->name, ir_dtype_name(ws->dtype));
	if (b->dtype != IR_FLOAT)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): bias '%s' is %s, neither float nor DequantizeLinear of "
			       "int32", c->name, c->op, b->name, ir_dtype_name(b->dtype));
	if (ir_numel(b) != n)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): bias '%s' has %lld values for %lld output channels",
			       c->name, c->op, b->name, (long long)ir_numel(b), (long long)n);
	if (ir_numel(ws) != 1 && ir_numel(ws) != n)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): weight scale '%s' has %lld values for %lld output "
			       "channels", c->name, c->op, ws->name, (long long)ir_numel(ws), (long long)n);
	int32_t *q = malloc((size_t)(n ? n : 1) * sizeof *q);
	if (!q)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	const float *bf = b->data, *wf = ws->data;
	for (int64_t o = 0; o < n; o++) {
		double s = (double)xs * wf[ir_numel(ws) == 1 ? 0 : o];
		double v = s > 0 ? nearbyint(bf[o] / s) : NAN;
		if (!(v >= INT32_MIN && v <= INT32_MAX)) {
			free(q);
			return cc_fail(diag, MOTE_CC_ENOTSUP,
				       "node '%s' (%s): bias %g of output channel %lld is not an int32 multiple of its scale %g "
				       "(input scale %g x weight scale %g)%s", c->name, c->op, (double)bf[o], (long long)o, s,
				       (double)xs, (double)wf[ir_numel(ws) == 1 ? 0 : o],
				       s > 0 && s < 1e-20 ? ": an input or weight scale that small is no real quantization" : "");
		}
		q[o] = (int32_t)v;
	}
	int64_t dims[1] = {n};
	return new_const(g, c->name, "/bias_q", IR_INT32, 1, dims, q, (size_t)n * sizeof *q, diag);
}

/* Gemm's B as [K][N] with its scale and zero point per column. */
static int gemm_weights(struct ir_graph *g, const struct ir_node *c, const struct ir_node *dw, int trans,
			int32_t *w, int32_t *ws, int32_t *wz, struct mote_cc_diag *diag)
{
	const struct ir_tensor *wt = cst(g, dw->in[0]), *st = cst(g, dw->in[1]), *zt = cst(g, dw->in[2]);
	if (!wt || !st || !zt || wt->rank != 2 || (wt->dtype != IR_INT8 && wt->dtype != IR_UINT8))
		return 0;
	int64_t K = trans ? wt->dims[1] : wt->dims[0], N = trans ? wt->dims[0] : wt->dims[1];
	const struct ir_attr *ax = ir_attr(dw, "axis");
	if (ir_numel(st) != 1 && !(ir_numel(st) == N && ax && ax->kind == IR_ATTR_INT && ax->i == (trans ? 0 : 1)))
		return 0;
	*w = dw->in[0], *ws = dw->in[1], *wz = dw->in[2];
	if (!trans)
		return 1;
	uint8_t *t = malloc((size_t)(K * N > 0 ? K * N : 1));
	if (!t)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	const uint8_t *src = wt->data;
	for (int64_t k = 0; k < K; k++)
		for (int64_t n = 0; n < N; n++)
			t[k * N + n] = src[n * K + k];
	int64_t dims[2] = {K, N};
	int32_t nt = new_const(g, c->name, "/b_kn", wt->dtype, 2, dims, t, (size_t)(K * N), diag);
	if (nt < 0)
		return nt;
	*w = nt;
	return 1;
}

static int fold_matrix_op(struct ir_graph *g, size_t ci, uint8_t *dead, struct mote_cc_diag *diag)
{
	const struct ir_node *c = &g->n[ci];
	int conv = !strcmp(c->op, "Conv"), gemm = !strcmp(c->op, "Gemm");
	if ((!conv && !gemm && strcmp(c->op, "MatMul")) || c->n_out != 1 || c->n_in < 2)
		return 0;
	const struct ir_node *dx = dq_of(g, opnd(c, 0)), *dw = dq_of(g, opnd(c, 1));
	int32_t bias = c->n_in > 2 ? c->in[2] : -1;
	if (!dx || !dw || !cst(g, dw->in[0]))
		return 0;
	float xs;
	int32_t xz, xzt;
	if (!scalar_q(g, dx->in[1], dx->in[2], &xs, &xz, &xzt))
		return 0;
	int32_t w = dw->in[0], ws = dw->in[1], wz = dw->in[2];
	int64_t n_out = 0;
	if (gemm) {
		const struct ir_attr *a;
		if (((a = ir_attr(c, "alpha")) && a->f != 1.0f) || ((a = ir_attr(c, "beta")) && a->f != 1.0f) ||
		    ((a = ir_attr(c, "transA")) && a->i != 0))
			return 0;
		a = ir_attr(c, "transB");
		int rc = gemm_weights(g, c, dw, a && a->i, &w, &ws, &wz, diag);
		if (rc <= 0)
			return rc;
		c = &g->n[ci]; /* tensors may have moved; nodes did not */
		dw = dq_of(g, opnd(c, 1));
		n_out = g->t[w].dims[1];
	} else if (conv) {
		const struct ir_tensor *wt = &g->t[w];
		const struct ir_attr *ax = ir_attr(dw, "axis");
		/* per-channel scales must run along the output channels (DQ's axis defaults to 1) */
		if (wt->rank != 4 || (ir_numel(&g->t[ws]) != 1 && !(ax && ax->kind == IR_ATTR_INT && ax->i == 0)))
			return 0;
		n_out = wt->dims[0];
	}
	if (!gemm && !conv)
		n_out = g->t[w].rank >= 2 ? g->t[w].dims[g->t[w].rank - 1] : 0;
	/* bias: DQ(int32) with scale xs*ws, or a float constant */
	int32_t bq = -1;
	if (bias >= 0) {
		const struct ir_node *db = dq_of(g, bias);
		if (db && cst(g, db->in[0]) && g->t[db->in[0]].dtype == IR_INT32)
			bq = db->in[0];
		else if (cst(g, bias)) {
			long r0;
			if (!cst(g, ws) || quant_after(g, ci, &r0) < 0)
				return 0; /* not the pattern: the bias is not the reason */
			bq = quantize_bias(g, c, &g->t[bias], xs, &g->t[ws], n_out, diag);
			if (bq < 0)
				return bq;
		} else
			return 0;
	}
	long relu, qi = quant_after(g, ci, &relu);
	if (qi < 0)
		return 0;
	const struct ir_node *q = &g->n[qi];
	int32_t in[9] = {dx->in[0], dx->in[1], dx->in[2], w, ws, wz, q->in[1], q->in[2], bq};
	static const char *const relu_attr[] = {"mote_relu", NULL};
	int32_t out = q->out[0];
	if (gemm) { /* Gemm's attributes mean nothing to QLinearMatMul */
		struct ir_node *cn = &g->n[ci];
		for (size_t a = 0; a < cn->n_attrs; a++) {
			free(cn->attrs[a].name);
			free(cn->attrs[a].s);
			free(cn->attrs[a].ints);
			free(cn->attrs[a].floats);
		}
		cn->n_attrs = 0;
	}
	int rc = put_node(g, (size_t)qi, ci, conv ? "QLinearConv" : "QLinearMatMul", in, bq >= 0 ? 9 : 8, out,
			  relu >= 0 ? relu_attr : NULL, diag);
	if (rc)
		return rc;
	dead[ci] = 1;
	if (relu >= 0)
		dead[relu] = 1;
	return 1;
}

static int fold_add_pool(struct ir_graph *g, size_t ci, uint8_t *dead, struct mote_cc_diag *diag)
{
	const struct ir_node *c = &g->n[ci];
	int add = !strcmp(c->op, "Add"), gap = !strcmp(c->op, "GlobalAveragePool");
	if ((!add && !gap && strcmp(c->op, "AveragePool")) || c->n_out != 1 || c->n_in < (add ? 2u : 1u))
		return 0;
	const struct ir_node *da = dq_of(g, opnd(c, 0)), *db = add ? dq_of(g, opnd(c, 1)) : NULL;
	float s;
	int32_t z, zt;
	if (!da || !scalar_q(g, da->in[1], da->in[2], &s, &z, &zt) ||
	    (add && (!db || !scalar_q(g, db->in[1], db->in[2], &s, &z, &zt))))
		return 0;
	long relu, qi = quant_after(g, ci, &relu);
	if (qi < 0 || (relu >= 0 && !add))
		return 0;
	const struct ir_node *q = &g->n[qi];
	if (!scalar_q(g, q->in[1], q->in[2], &s, &z, &zt))
		return 0;
	static const char *const relu_attr[] = {"mote_relu", NULL}, *const global_attr[] = {"mote_global", NULL};
	int32_t out = q->out[0];
	int rc;
	if (add) {
		int32_t in[8] = {da->in[0], da->in[1], da->in[2], db->in[0], db->in[1], db->in[2], q->in[1], q->in[2]};
		rc = put_node(g, (size_t)qi, ci, "QLinearAdd", in, 8, out, relu >= 0 ? relu_attr : NULL, diag);
	} else {
		int32_t in[5] = {da->in[0], da->in[1], da->in[2], q->in[1], q->in[2]};
		rc = put_node(g, (size_t)qi, ci, "QLinearAveragePool", in, 5, out, gap ? global_attr : NULL, diag);
	}
	if (rc)
		return rc;
	dead[ci] = 1;
	if (relu >= 0)
		dead[relu] = 1;
	return 1;
}

/* ---- pass 5 and the driver ----------------------------------------------------- */

static int compact(struct ir_graph *g, uint8_t *dead)
{
	size_t w = 0;
	for (size_t i = 0; i < g->nn; i++) {
		if (dead[i]) {
			ir_node_free(&g->n[i]);
			continue;
		}
		g->n[w++] = g->n[i];
	}
	int changed = w != g->nn;
	g->nn = w;
	memset(dead, 0, w ? w : 1);
	return changed;
}

static void mark_unread(const struct ir_graph *g, uint8_t *dead)
{
	for (size_t i = g->nn; i-- > 0;) {
		const struct ir_node *n = &g->n[i];
		int used = 0;
		for (uint32_t k = 0; k < n->n_out && !used; k++) {
			long only;
			used = n->out[k] >= 0 && consumers(g, n->out[k], &only) > 0;
		}
		if (!used)
			dead[i] = 1;
	}
}

/* Append an attribute to node n (INT i when ints is NULL, else INTS of n
 * values). */
static int add_attr(struct ir_node *n, const char *name, int64_t i, const int64_t *ints, size_t cnt,
		    struct mote_cc_diag *diag)
{
	struct ir_attr *a = realloc(n->attrs, (n->n_attrs + 1) * sizeof *a);
	if (!a)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	n->attrs = a;
	a += n->n_attrs;
	memset(a, 0, sizeof *a);
	if (!(a->name = ir_strdup(name)) || (ints && !(a->ints = malloc(cnt * sizeof *ints)))) {
		free(a->name);
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	}
	a->kind = ints ? IR_ATTR_INTS : IR_ATTR_INT;
	a->i = i;
	if (ints)
		memcpy(a->ints, ints, cnt * sizeof *ints), a->n = cnt;
	n->n_attrs++;
	return 0;
}

/* A Clip's bound K (1 min, 2 max) on the integer grid (s, z) of its input
 * (rounded half to even, as PyTorch's quantized hardtanh places them): 0 and
 * *q, 1 when absent, -1 when not a constant float scalar. */
static int clip_bound(const struct ir_graph *g, const struct ir_node *c, uint32_t k, float s, int32_t z,
		      int64_t *q)
{
	if (k >= c->n_in || c->in[k] < 0)
		return 1;
	const struct ir_tensor *t = cst(g, c->in[k]);
	if (!t || t->dtype != IR_FLOAT || ir_numel(t) != 1 || !(s > 0))
		return -1;
	float v;
	memcpy(&v, t->data, sizeof v);
	double r = nearbyint((double)v / s) + z;
	if (!(r > -1e9 && r < 1e9))
		return -1;
	*q = (int64_t)r;
	return 0;
}

/* Pass 5: layer -> yq -> DQ -> Relu|Clip, yq and the DQ read once: the layer
 * clamps at its zero point (Relu), or at Clip's constant bounds placed on its
 * output grid ("mote_clamp"), and the activation's readers read the DQ.
 * Returns the activations joined, or a negative status. */
static int relu_into_layer(struct ir_graph *g, uint8_t *dead, struct mote_cc_diag *diag)
{
	int joined = 0;
	for (size_t i = 0; i < g->nn; i++) {
		struct ir_node *r = &g->n[i];
		int clip = !strcmp(r->op, "Clip");
		if (dead[i] || (strcmp(r->op, "Relu") && !clip) || r->n_in < 1 || (!clip && r->n_in != 1) ||
		    r->n_out != 1 || g->t[r->out[0]].is_output)
			continue;
		long only = -1, di = producer(g, r->in[0]);
		const struct ir_node *d = dq_of(g, r->in[0]);
		if (!d || consumers(g, r->in[0], &only) != 1)
			continue;
		int32_t yq = d->in[0];
		long li = producer(g, yq);
		if (li < 0 || dead[li] || consumers(g, yq, &only) != 1 ||
		    (strcmp(g->n[li].op, "QLinearConv") && strcmp(g->n[li].op, "QLinearMatMul")))
			continue;
		int64_t b[2] = {INT32_MIN, INT32_MAX};
		if (clip) {
			float s;
			int32_t z, zt;
			if (!scalar_q(g, d->in[1], d->in[2], &s, &z, &zt) || clip_bound(g, r, 1, s, z, &b[0]) < 0 ||
			    clip_bound(g, r, 2, s, z, &b[1]) < 0 || b[0] > b[1] || ir_attr(g->n + li, "mote_clamp"))
				continue;
		}
		struct ir_node *l = &g->n[li];
		int rc = clip ? add_attr(l, "mote_clamp", 0, b, 2, diag)
			      : ir_attr_int(l, "mote_relu", 0) ? 0 : add_attr(l, "mote_relu", 1, NULL, 0, diag);
		if (rc)
			return rc;
		replace_uses(g, g->n[i].out[0], g->n[di].out[0]);
		dead[i] = 1;
		joined++;
	}
	return joined;
}

int ir_fold_qdq(struct ir_graph *g, unsigned *folded, struct mote_cc_diag *diag)
{
	*folded = 0;
	uint8_t *dead = calloc(g->nn ? g->nn : 1, 1);
	if (!dead)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	int rc = const_fold(g, dead, diag);
	if (rc < 0)
		goto out;
	drop_identity(g, dead);
	compact(g, dead);
	if ((rc = fold_conv_bn(g, dead, diag)) < 0)
		goto out;
	compact(g, dead);
	if ((rc = sink_dq(g, diag)) < 0)
		goto out;
	drop_dq_q(g, dead);
	compact(g, dead);
	if ((rc = act_tables(g, dead, diag)) < 0)
		goto out;
	compact(g, dead);
	/* passes 4 and 5 until nothing changes: a Relu joined lets a DQ sink,
	 * which lets the next layer fold (a pool between them and no
	 * QuantizeLinear after it: PyTorch's eager QAT with unfused ReLUs) */
	for (int round = 0; round < 64; round++) {
		for (size_t i = 0; i < g->nn && rc >= 0; i++) {
			if (dead[i])
				continue;
			rc = fold_matrix_op(g, i, dead, diag);
			if (rc == 0)
				rc = fold_add_pool(g, i, dead, diag);
			if (rc > 0)
				(*folded)++;
		}
		if (rc < 0)
			goto out;
		compact(g, dead);
		int clips = int_clips(g, dead, diag);
		if (clips < 0) {
			rc = clips;
			goto out;
		}
		compact(g, dead);
		if ((rc = relu_into_layer(g, dead, diag)) < 0)
			goto out;
		if (!rc && !clips)
			break;
		compact(g, dead);
		if ((rc = sink_dq(g, diag)) < 0)
			goto out;
		drop_dq_q(g, dead);
		compact(g, dead);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	compact(g, dead);
	/* unread nodes, repeatedly: a removed reader can leave its producer unread */
	do
		mark_unread(g, dead);
	while (compact(g, dead));
out:
	free(dead);
	return rc < 0 ? rc : 0;
}
