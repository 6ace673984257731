/* ir_exec.c: reference execution of the IR's integer operators on the host.
 *
 * The oracle for compiled models: QLinearConv, ConvInteger, QLinearMatMul and
 * MatMulInteger as the ONNX operator definitions give them (onnx.ai
 * Operators.md): products of zero-point-corrected integers summed in int32;
 * the QLinear forms scale by x_scale*w_scale/y_scale, round half to even,
 * add the output zero point and saturate.  The scaling uses the same integer
 * multiplier and shift as the hardware (mote_cc_quantize_scale and
 * mote_ref_requant), so a compiled model is compared bit for bit.
 *
 * A graph of TFLite arithmetic (ir.h, enum ir_arith) scales as TFLite does:
 * the same real scale (double) through TFLite's QuantizeMultiplier, then
 * MultiplyByQuantizedMultiplier's two roundings (mote_kernel_tfl_requant);
 * TFLITE_1R applies that multiplier and shift with the device's one
 * rounding instead.  Both clamp to the node's output range (ir_out_clamp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_exec.h"
#include "ir/host_ops.h"

static int32_t elem_i(const struct ir_tensor *t, size_t i)
{
	const uint8_t *d = t->data;
	switch (t->dtype) {
	case IR_UINT8: return d[i];
	case IR_INT8: return (int8_t)d[i];
	default: return (int32_t)cc_get_le32(d + 4 * i); /* int32 */
	}
}

static float elem_f(const struct ir_tensor *t, size_t i)
{
	float f;
	memcpy(&f, (const uint8_t *)t->data + 4 * i, 4);
	return f;
}

/* Operand k of node n, which must hold data of one of the given types. */
static const struct ir_tensor *operand(const struct ir_graph *g, const struct ir_node *n, uint32_t k,
				       int32_t t1, int32_t t2, struct mote_cc_diag *diag, int *rc)
{
	if (*rc)
		return NULL;
	if (k >= n->n_in || n->in[k] < 0) {
		*rc = cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): input %u missing", n->name, n->op, k);
		return NULL;
	}
	const struct ir_tensor *t = &g->t[n->in[k]];
	if (!t->data) {
		*rc = cc_fail(diag, MOTE_CC_EINVAL, "node '%s' (%s): input '%s' has no value", n->name, n->op, t->name);
		return NULL;
	}
	if (t->dtype != t1 && t->dtype != t2) {
		*rc = cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): input '%s' is %s", n->name, n->op, t->name,
			      ir_dtype_name(t->dtype));
		return NULL;
	}
	return t;
}

/* A per-tensor or per-channel parameter: element c, or element 0. */
static int per_channel_ok(const struct ir_tensor *t, int64_t channels)
{
	int64_t n = ir_numel(t);
	return n == 1 || n == channels;
}

static size_t pick(const struct ir_tensor *t, size_t c) { return ir_numel(t) == 1 ? 0 : c; }

static int set_output(struct ir_graph *g, const struct ir_node *n, int32_t dtype, uint32_t rank,
		      const int64_t *dims, struct ir_tensor **out, struct mote_cc_diag *diag)
{
	if (n->n_out < 1 || n->out[0] < 0)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): no output", n->name, n->op);
	struct ir_tensor *t = &g->t[n->out[0]];
	t->dtype = dtype;
	t->rank = rank;
	memcpy(t->dims, dims, rank * sizeof *dims);
	int64_t ne = ir_numel(t);
	size_t bytes;
	if (ne < 0 || ne > IR_MAX_ELEMS || cc_mul_sz((size_t)ne, ir_dtype_size(dtype), &bytes))
		return cc_fail(diag, MOTE_CC_ERANGE, "node '%s' (%s): output of %lld elements (at most 2^%d)", n->name,
			       n->op, (long long)ne, IR_MAX_ELEMS_LOG2);
	free(t->data);
	t->data = calloc(bytes ? bytes : 1, 1);
	t->nbytes = bytes;
	if (!t->data)
		return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s' (%s): out of memory", n->name, n->op);
	*out = t;
	return 0;
}

/* Output element from an int32 sum: QLinear forms requantize, Integer forms keep it. */
struct post {
	int qlinear;
	int32_t arith;             /* enum ir_arith */
	const struct ir_tensor *xs, *ws, *ys, *yz;
	int32_t out_dtype;
	int32_t lo, hi;            /* the output clamp (ir_out_clamp) */
	size_t have_c;             /* 1 + the channel whose multiplier and shift are below (0: none) */
	int32_t mult, shift;
};

/* Multiplier and shift of real scale s in the graph's arithmetic. */
static int post_scale(struct post *p, double s)
{
	if (p->arith == IR_ARITH_ONNX)
		return mote_cc_quantize_scale(s, &p->mult, &p->shift);
	if (mote_kernel_tfl_multiplier(s, &p->mult, &p->shift))
		return MOTE_CC_ERANGE;
	return 0;
}

/* acc scaled and rounded, before the output zero point. */
static int64_t post_apply(const struct post *p, int32_t acc)
{
	switch (p->arith) {
	case IR_ARITH_TFLITE: return mote_kernel_tfl_requant(acc, p->mult, p->shift);
	case IR_ARITH_TFLITE_1R: return mote_ref_requant(acc, p->mult, p->mult ? 31 - p->shift : 0);
	default: return mote_ref_requant(acc, p->mult, p->shift);
	}
}

/* The clamp of a QLinear node's output (after its zero point is known). */
static int post_clamp(struct post *p, const struct ir_node *n, struct mote_cc_diag *diag)
{
	if (!p->qlinear)
		return 0;
	return ir_out_clamp(n, p->out_dtype, elem_i(p->yz, 0), &p->lo, &p->hi, diag);
}

static int store(struct post *p, struct ir_tensor *y, size_t i, int32_t acc, size_t c, struct mote_cc_diag *diag)
{
	uint8_t *d = y->data;
	if (!p->qlinear) {
		cc_put_le32(d + 4 * i, (uint32_t)acc);
		return 0;
	}
	if (p->have_c != c + 1) { /* one channel's outputs come in a row (convolution) */
		double s = (double)elem_f(p->xs, 0) * (double)elem_f(p->ws, pick(p->ws, c)) / (double)elem_f(p->ys, 0);
		int rc = post_scale(p, s);
		if (rc)
			return cc_fail(diag, rc, "output scale %g cannot be requantized", s);
		p->have_c = c + 1;
	}
	int64_t q = post_apply(p, acc) + elem_i(p->yz, 0);
	d[i] = (uint8_t)(q < p->lo ? p->lo : q > p->hi ? p->hi : q);
	return 0;
}

/* The multiply-accumulates of a node (the product of work[]) within IR_MAX_MACS. */
static int check_work(const struct ir_node *n, const int64_t *work, size_t cnt, struct mote_cc_diag *diag)
{
	if (ir_mul_bounded(work, cnt, IR_MAX_MACS) >= 0)
		return 0;
	char dims[160];
	size_t k = 0;
	for (size_t i = 0; i < cnt && k < sizeof dims; i++)
		k += (size_t)snprintf(dims + k, sizeof dims - k, "%s%lld", i ? " x " : "", (long long)work[i]);
	return cc_fail(diag, MOTE_CC_ERANGE, "node '%s' (%s): %s multiply-accumulates, more than the 2^%d the host "
		       "executor takes per node", n->name, n->op, dims, IR_MAX_MACS_LOG2);
}

static int exec_conv(struct ir_graph *g, const struct ir_node *n, int qlinear, struct mote_cc_diag *diag)
{
	int rc = 0;
	const struct ir_tensor *x, *xz = NULL, *w, *wz = NULL, *b = NULL;
	struct post p = {.qlinear = qlinear, .arith = g->arith};
	x = operand(g, n, 0, IR_UINT8, IR_INT8, diag, &rc);
	if (qlinear) {
		p.xs = operand(g, n, 1, IR_FLOAT, IR_FLOAT, diag, &rc);
		xz = operand(g, n, 2, IR_UINT8, IR_INT8, diag, &rc);
		w = operand(g, n, 3, IR_UINT8, IR_INT8, diag, &rc);
		p.ws = operand(g, n, 4, IR_FLOAT, IR_FLOAT, diag, &rc);
		wz = operand(g, n, 5, IR_UINT8, IR_INT8, diag, &rc);
		p.ys = operand(g, n, 6, IR_FLOAT, IR_FLOAT, diag, &rc);
		p.yz = operand(g, n, 7, IR_UINT8, IR_INT8, diag, &rc);
		if (n->n_in > 8 && n->in[8] >= 0)
			b = operand(g, n, 8, IR_INT32, IR_INT32, diag, &rc);
	} else {
		w = operand(g, n, 1, IR_UINT8, IR_INT8, diag, &rc);
		if (n->n_in > 2 && n->in[2] >= 0)
			xz = operand(g, n, 2, IR_UINT8, IR_INT8, diag, &rc);
		if (n->n_in > 3 && n->in[3] >= 0)
			wz = operand(g, n, 3, IR_UINT8, IR_INT8, diag, &rc);
	}
	if (rc)
		return rc;
	if (x->rank != 4 || w->rank != 4)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): only 2-D convolution (rank 4) is supported",
			       n->name, n->op);
	int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
	int64_t M = w->dims[0], CG = w->dims[1], KH = w->dims[2], KW = w->dims[3];
	int64_t group = ir_attr_int(n, "group", 1), pads[4], str[2], dil[2];
	const struct ir_attr *ap = ir_attr(n, "auto_pad");
	if (ap && ap->kind == IR_ATTR_STRING && strcmp(ap->s, "NOTSET") != 0)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): auto_pad %s", n->name, n->op, ap->s);
	if ((rc = ir_attr_ints(n, "pads", pads, 4, 0, diag)) || (rc = ir_attr_ints(n, "strides", str, 2, 1, diag)) ||
	    (rc = ir_attr_ints(n, "dilations", dil, 2, 1, diag)))
		return rc;
	/* kernel_shape is optional (ONNX infers it from the weight); given, it must agree */
	const struct ir_attr *ks = ir_attr(n, "kernel_shape");
	if (ks && (ks->kind != IR_ATTR_INTS || ks->n != 2 || ks->ints[0] != KH || ks->ints[1] != KW))
		return cc_fail(diag, MOTE_CC_EFORMAT,
			       "node '%s' (%s): kernel_shape %s the weight '%s' (%lld x %lld)", n->name, n->op,
			       ks->kind != IR_ATTR_INTS || ks->n != 2 ? "is not two integers, unlike" : "disagrees with",
			       w->name, (long long)KH, (long long)KW);
	/* every figure in range before any arithmetic on it (attributes are any int64) */
	const int64_t kern[2] = {KH, KW};
	if ((rc = ir_check_window(n, kern, str, dil, pads, diag)))
		return rc;
	if (group < 1 || group > C || C % group || M % group)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): group %lld for %lld input and %lld output channels",
			       n->name, n->op, (long long)group, (long long)C, (long long)M);
	if (CG != C / group)
		return cc_fail(diag, MOTE_CC_EFORMAT,
			       "node '%s' (%s): input '%s' has %lld channels, weight '%s' takes %lld per group x %lld",
			       n->name, n->op, x->name, (long long)C, w->name, (long long)CG, (long long)group);
	int64_t OH = (H + pads[0] + pads[2] - dil[0] * (KH - 1) - 1) / str[0] + 1;
	int64_t OW = (W + pads[1] + pads[3] - dil[1] * (KW - 1) - 1) / str[1] + 1;
	if (OH < 1 || OW < 1)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): empty output (%lld x %lld)", n->name, n->op,
			       (long long)OH, (long long)OW);
	if ((xz && ir_numel(xz) != 1) || (wz && !per_channel_ok(wz, M)) || (b && ir_numel(b) != M) ||
	    (qlinear && (!per_channel_ok(p.ws, M) || ir_numel(p.xs) != 1 || ir_numel(p.ys) != 1)))
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): scale, zero point or bias of the wrong size",
			       n->name, n->op);
	const int64_t work[7] = {N, M, OH, OW, CG, KH, KW};
	if ((rc = check_work(n, work, 7, diag)))
		return rc;
	p.out_dtype = qlinear ? p.yz->dtype : IR_INT32;
	if ((rc = post_clamp(&p, n, diag)))
		return rc;
	int64_t od[4] = {N, M, OH, OW};
	struct ir_tensor *y;
	if ((rc = set_output(g, n, p.out_dtype, 4, od, &y, diag)))
		return rc;
	/* the operands minus their zero points, once (-255..255 fits int16): the
	 * inner loop is then a plain multiply-add, several times faster */
	size_t nx = (size_t)ir_numel(x), nw = (size_t)ir_numel(w), per_m = (size_t)(CG * KH * KW);
	int16_t *xv = malloc((nx ? nx : 1) * sizeof *xv), *wv = malloc((nw ? nw : 1) * sizeof *wv);
	if (!xv || !wv) {
		free(xv);
		free(wv);
		return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s' (%s): out of memory", n->name, n->op);
	}
	int32_t x0 = xz ? elem_i(xz, 0) : 0;
	for (size_t k = 0; k < nx; k++)
		xv[k] = (int16_t)(elem_i(x, k) - x0);
	for (size_t k = 0; k < nw; k++)
		wv[k] = (int16_t)(elem_i(w, k) - (wz ? elem_i(wz, pick(wz, k / per_m)) : 0));
	size_t i = 0;
	for (int64_t nn = 0; nn < N && !rc; nn++)
		for (int64_t m = 0; m < M && !rc; m++) {
			int64_t gi = m / (M / group);
			for (int64_t oy = 0; oy < OH && !rc; oy++)
				for (int64_t ox = 0; ox < OW && !rc; ox++, i++) {
					uint32_t acc = b ? (uint32_t)elem_i(b, (size_t)m) : 0; /* int32, wrapping */
					for (int64_t c = 0; c < CG; c++)
						for (int64_t ky = 0; ky < KH; ky++) {
							int64_t iy = oy * str[0] + ky * dil[0] - pads[0];
							if (iy < 0 || iy >= H)
								continue;
							const int16_t *xr = xv + ((nn * C + gi * CG + c) * H + iy) * W;
							const int16_t *wr = wv + ((m * CG + c) * KH + ky) * KW;
							for (int64_t kx = 0; kx < KW; kx++) {
								int64_t ix = ox * str[1] + kx * dil[1] - pads[1];
								if (ix >= 0 && ix < W)
									acc += (uint32_t)(xr[ix] * wr[kx]);
							}
						}
					rc = store(&p, y, i, (int32_t)acc, (size_t)m, diag);
				}
		}
	free(xv);
	free(wv);
	return rc;
}

static int exec_matmul(struct ir_graph *g, const struct ir_node *n, int qlinear, struct mote_cc_diag *diag)
{
	int rc = 0;
	const struct ir_tensor *a, *az = NULL, *b, *bz = NULL, *bias = NULL;
	struct post p = {.qlinear = qlinear, .arith = g->arith};
	a = operand(g, n, 0, IR_UINT8, IR_INT8, diag, &rc);
	if (qlinear) {
		p.xs = operand(g, n, 1, IR_FLOAT, IR_FLOAT, diag, &rc);
		az = operand(g, n, 2, IR_UINT8, IR_INT8, diag, &rc);
		b = operand(g, n, 3, IR_UINT8, IR_INT8, diag, &rc);
		p.ws = operand(g, n, 4, IR_FLOAT, IR_FLOAT, diag, &rc);
		bz = operand(g, n, 5, IR_UINT8, IR_INT8, diag, &rc);
		p.ys = operand(g, n, 6, IR_FLOAT, IR_FLOAT, diag, &rc);
		p.yz = operand(g, n, 7, IR_UINT8, IR_INT8, diag, &rc);
		if (n->n_in > 8 && n->in[8] >= 0) /* our extension: a folded Gemm's bias */
			bias = operand(g, n, 8, IR_INT32, IR_INT32, diag, &rc);
	} else {
		b = operand(g, n, 1, IR_UINT8, IR_INT8, diag, &rc);
		if (n->n_in > 2 && n->in[2] >= 0)
			az = operand(g, n, 2, IR_UINT8, IR_INT8, diag, &rc);
		if (n->n_in > 3 && n->in[3] >= 0)
			bz = operand(g, n, 3, IR_UINT8, IR_INT8, diag, &rc);
	}
	if (rc)
		return rc;
	if (a->rank < 2 || b->rank < 2 || a->dims[a->rank - 1] != b->dims[b->rank - 2])
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): shapes do not multiply", n->name, n->op);
	int64_t M = a->dims[a->rank - 2], K = a->dims[a->rank - 1], N = b->dims[b->rank - 1];
	if (M < 1 || K < 1 || N < 1 || ir_numel(a) < 0 || ir_numel(b) < 0)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): empty or unknown shape", n->name, n->op);
	int64_t batch = ir_numel(a) / (M * K), bbatch = ir_numel(b) / (K * N);
	if (bbatch != 1 && bbatch != batch)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): batch broadcasting of B", n->name, n->op);
	const int64_t work[4] = {batch, M, N, K};
	if ((rc = check_work(n, work, 4, diag)))
		return rc;
	if ((az && ir_numel(az) != 1) || (bz && !per_channel_ok(bz, N)) || (bias && ir_numel(bias) != N) ||
	    (qlinear && (!per_channel_ok(p.ws, N) || ir_numel(p.xs) != 1 || ir_numel(p.ys) != 1)))
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): scale or zero point of the wrong size", n->name,
			       n->op);
	p.out_dtype = qlinear ? p.yz->dtype : IR_INT32;
	if ((rc = post_clamp(&p, n, diag)))
		return rc;
	int64_t od[IR_MAX_RANK];
	memcpy(od, a->dims, a->rank * sizeof *od);
	od[a->rank - 1] = N;
	struct ir_tensor *y;
	if ((rc = set_output(g, n, p.out_dtype, a->rank, od, &y, diag)))
		return rc;
	int32_t a0 = az ? elem_i(az, 0) : 0;
	size_t i = 0;
	for (int64_t s = 0; s < batch; s++)
		for (int64_t r = 0; r < M; r++)
			for (int64_t c = 0; c < N; c++, i++) {
				int32_t b0 = bz ? elem_i(bz, pick(bz, (size_t)c)) : 0;
				uint32_t acc = bias ? (uint32_t)elem_i(bias, (size_t)c) : 0;
				for (int64_t k = 0; k < K; k++)
					acc += (uint32_t)((elem_i(a, (size_t)((s * M + r) * K + k)) - a0) *
							  (elem_i(b, (size_t)(((bbatch > 1 ? s : 0) * K + k) * N + c)) - b0));
				if ((rc = store(&p, y, i, (int32_t)acc, (size_t)c, diag)))
					return rc;
			}
	return 0;
}

int ir_exec_host(struct ir_graph *g, const struct ir_node *n, struct mote_cc_diag *diag)
{
	struct host_op h;
	int rc = host_op_of(g, n, &h, diag);
	if (rc)
		return rc;
	for (uint32_t k = 0; k < h.n_data; k++)
		if (!g->t[h.data[k]].data)
			return cc_fail(diag, MOTE_CC_EINVAL, "node '%s' (%s): input '%s' has no value", n->name, n->op,
				       g->t[h.data[k]].name);
	struct ir_tensor *y;
	if (h.out_rank > MOTE_KERNEL_MAX_RANK)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): rank %u output", n->name, n->op, h.out_rank);
	if ((rc = set_output(g, n, h.out_dtype, h.out_rank, h.out_dims, &y, diag)))
		return rc;
	struct mote_ktensor kin[4], kout;
	for (uint32_t k = 0; k < h.n_data; k++) {
		const struct ir_tensor *t = &g->t[h.data[k]];
		if (t->rank > MOTE_KERNEL_MAX_RANK)
			return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): rank %u input", n->name, n->op, t->rank);
		kin[k] = (struct mote_ktensor){.data = t->data, .dtype = t->dtype, .rank = t->rank};
		memcpy(kin[k].dims, t->dims, t->rank * sizeof *t->dims);
	}
	kout = (struct mote_ktensor){.data = y->data, .dtype = y->dtype, .rank = y->rank};
	memcpy(kout.dims, y->dims, y->rank * sizeof *y->dims);
	rc = mote_kernel_run(h.op, h.params, kin, h.n_data, &kout, 1);
	if (rc)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): %s", n->name, n->op, mote_kernel_strerror(rc));
	return 0;
}

int ir_exec(struct ir_graph *g, struct mote_cc_diag *diag)
{
	for (size_t i = 0; i < g->nn; i++) {
		const struct ir_node *n = &g->n[i];
		int rc;
		if (strcmp(n->op, "QLinearConv") == 0)
			rc = exec_conv(g, n, 1, diag);
		else if (strcmp(n->op, "ConvInteger") == 0)
			rc = exec_conv(g, n, 0, diag);
		else if (strcmp(n->op, "QLinearMatMul") == 0)
			rc = exec_matmul(g, n, 1, diag);
		else if (strcmp(n->op, "MatMulInteger") == 0)
			rc = exec_matmul(g, n, 0, diag);
		else
			rc = ir_exec_host(g, n, diag);
		if (rc)
			return rc;
	}
	return 0;
}
