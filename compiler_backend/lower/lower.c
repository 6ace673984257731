/* lower.c: one integer IR node onto mote_cc_conv (see lower.h). */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int32_t byte_val(const struct ir_tensor *t, size_t i)
{
	const uint8_t *d = t->data;
	return t->dtype == IR_UINT8 ? d[i] : (int8_t)d[i];
}

static float f32(const struct ir_tensor *t, size_t i)
{
	float f;
	memcpy(&f, (const uint8_t *)t->data + 4 * i, 4);
	return f;
}

static enum mote_cc_dtype cc_type(int32_t dtype) { return dtype == IR_UINT8 ? MOTE_CC_UINT8 : MOTE_CC_INT8; }

/* Operand k: must exist, hold data unless it is the activation, and be one of two types. */
static const struct ir_tensor *arg(const struct ir_graph *g, const struct ir_node *n, uint32_t k, int need_data,
				   int32_t t1, int32_t t2, int *rc, struct mote_cc_diag *diag)
{
	if (*rc)
		return NULL;
	if (k >= n->n_in || n->in[k] < 0) {
		*rc = cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): input %u missing", n->name, n->op, k);
		return NULL;
	}
	const struct ir_tensor *t = &g->t[n->in[k]];
	if ((need_data && !t->data) || (t->dtype != t1 && t->dtype != t2) || ir_numel(t) < 1) {
		*rc = cc_fail(diag, need_data && !t->data ? MOTE_CC_ENOTSUP : MOTE_CC_EFORMAT,
			      "node '%s' (%s): input %u '%s' (%s) %s", n->name, n->op, k, t->name,
			      ir_dtype_name(t->dtype), need_data && !t->data ? "has no constant value" : "has the wrong type or shape");
		return NULL;
	}
	return t;
}

/* A zero point that must be one value for the whole tensor. */
static int uniform_zp(const struct ir_tensor *t, int32_t *zp, const struct ir_node *n, struct mote_cc_diag *diag)
{
	*zp = t ? byte_val(t, 0) : 0;
	for (int64_t i = 1; t && i < ir_numel(t); i++)
		if (byte_val(t, (size_t)i) != *zp)
			return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): per-channel zero point '%s'", n->name, n->op,
				       t->name);
	return 0;
}

/* Per-channel multiplier and shift of the STORE: the graph's arithmetic
 * (ir.h) picks the rule.  ONNX: mote_cc_quantize_scale, exactly ONNX's one
 * rounding.  TFLite: TFLite's own multiplier (QuantizeMultiplier) and shift
 * as the device's (mult, 31 - shift), rounded twice as TFLite does (STORE
 * ROUND_TFL), or under IR_ARITH_TFLITE_1R (a target without ROUND_TFL) the
 * same product rounded once, half to even (model_compile reports it). */
static int requant_params(const struct ir_graph *g, struct lowered *L, const struct ir_tensor *xs,
			  const struct ir_tensor *ws, const struct ir_tensor *ys, const struct ir_tensor *yz, uint32_t oc,
			  const struct ir_node *n, struct mote_cc_diag *diag)
{
	int64_t nw = ir_numel(ws);
	if (ir_numel(xs) != 1 || ir_numel(ys) != 1 || ir_numel(yz) != 1 || (nw != 1 && nw != oc))
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): scales or output zero point of the wrong size",
			       n->name, n->op);
	for (uint32_t c = 0; c < oc; c++) {
		double s = (double)f32(xs, 0) * (double)f32(ws, nw == 1 ? 0 : c) / (double)f32(ys, 0);
		int rc;
		if (g->arith == IR_ARITH_ONNX)
			rc = mote_cc_quantize_scale(s, &L->mult[c], &L->shift[c]);
		else if ((rc = mote_kernel_tfl_multiplier(s, &L->mult[c], &L->shift[c])) != 0)
			rc = MOTE_CC_ERANGE;
		else if (L->mult[c])
			L->shift[c] = 31 - L->shift[c];
		if (rc)
			return cc_fail(diag, rc, "node '%s' (%s): output scale %g of channel %u", n->name, n->op, s, c);
	}
	L->conv.out_type = cc_type(yz->dtype);
	L->conv.round_tfl = g->arith == IR_ARITH_TFLITE; /* the device's STORE ROUND_TFL */
	L->conv.out_zp = byte_val(yz, 0);
	int rc = ir_out_clamp(n, yz->dtype, L->conv.out_zp, &L->conv.clamp_lo, &L->conv.clamp_hi, diag);
	if (rc)
		return rc;
	L->conv.mult = L->mult;
	L->conv.shift = L->shift;
	L->out_elem = 1;
	L->y_dtype = yz->dtype;
	return 0;
}

static int alloc_params(struct lowered *L, size_t nw, uint32_t oc, const struct ir_node *n, struct mote_cc_diag *diag)
{
	L->weights = malloc(nw ? nw : 1);
	L->bias = calloc(oc, sizeof *L->bias);
	L->mult = calloc(oc, sizeof *L->mult);
	L->shift = calloc(oc, sizeof *L->shift);
	if (!L->weights || !L->bias || !L->mult || !L->shift)
		return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s' (%s): out of memory", n->name, n->op);
	L->conv.weights = L->weights;
	L->conv.bias = L->bias;
	return 0;
}

static int lower_conv(const struct ir_graph *g, const struct ir_node *n, int q, struct lowered *L,
		      struct mote_cc_diag *diag)
{
	int rc = 0;
	const struct ir_tensor *x, *xz = NULL, *w, *wz = NULL, *b = NULL, *xs = NULL, *ws = NULL, *ys = NULL, *yz = NULL;
	x = arg(g, n, 0, 0, IR_UINT8, IR_INT8, &rc, diag);
	if (q) {
		xs = arg(g, n, 1, 1, IR_FLOAT, IR_FLOAT, &rc, diag);
		xz = arg(g, n, 2, 1, IR_UINT8, IR_INT8, &rc, diag);
		w = arg(g, n, 3, 1, IR_UINT8, IR_INT8, &rc, diag);
		ws = arg(g, n, 4, 1, IR_FLOAT, IR_FLOAT, &rc, diag);
		wz = arg(g, n, 5, 1, IR_UINT8, IR_INT8, &rc, diag);
		ys = arg(g, n, 6, 1, IR_FLOAT, IR_FLOAT, &rc, diag);
		yz = arg(g, n, 7, 1, IR_UINT8, IR_INT8, &rc, diag);
		if (n->n_in > 8 && n->in[8] >= 0)
			b = arg(g, n, 8, 1, IR_INT32, IR_INT32, &rc, diag);
	} else {
		w = arg(g, n, 1, 1, IR_UINT8, IR_INT8, &rc, diag);
		if (n->n_in > 2 && n->in[2] >= 0)
			xz = arg(g, n, 2, 1, IR_UINT8, IR_INT8, &rc, diag);
		if (n->n_in > 3 && n->in[3] >= 0)
			wz = arg(g, n, 3, 1, IR_UINT8, IR_INT8, &rc, diag);
	}
	if (rc)
		return rc;
	if (x->rank != 4 || w->rank != 4)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): only 2-D convolution", n->name, n->op);
	const struct ir_attr *a;
	if ((a = ir_attr(n, "auto_pad")) && a->kind == IR_ATTR_STRING && strcmp(a->s, "NOTSET") != 0)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): auto_pad %s", n->name, n->op, a->s);
	int64_t pads[4], str[2], dil[2];
	if ((rc = ir_attr_ints(n, "pads", pads, 4, 0, diag)) || (rc = ir_attr_ints(n, "strides", str, 2, 1, diag)) ||
	    (rc = ir_attr_ints(n, "dilations", dil, 2, 1, diag)))
		return rc;
	for (int i = 0; i < 4; i++)
		if (pads[i] < 0 || pads[i] > 65535 || (i < 2 && (str[i] < 1 || str[i] > 255 || dil[i] < 1 || dil[i] > 255)))
			return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): pads, strides or dilations out of range",
				       n->name, n->op);
	for (int i = 0; i < 4; i++)
		if (x->dims[i] < 1 || x->dims[i] > 65535 || w->dims[i] < 1 || w->dims[i] > 65535)
			return cc_fail(diag, MOTE_CC_ERANGE, "node '%s' (%s): dimension out of range", n->name, n->op);
	int64_t group = ir_attr_int(n, "group", 1);
	if (group < 1 || group > 65535 || x->dims[1] != w->dims[1] * group || w->dims[0] % group)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): group %lld does not match the channels", n->name,
			       n->op, (long long)group);
	uint32_t M = (uint32_t)w->dims[0], CG = (uint32_t)w->dims[1], KH = (uint32_t)w->dims[2], KW = (uint32_t)w->dims[3];
	uint32_t C = (uint32_t)x->dims[1]; /* CG * group */
	struct mote_cc_conv *cv = &L->conv;
	*cv = (struct mote_cc_conv){.in_h = (uint32_t)x->dims[2], .in_w = (uint32_t)x->dims[3], .in_c = C, .out_c = M,
				    .groups = (uint32_t)group,
				    .k_h = KH, .k_w = KW, .stride_h = (uint32_t)str[0], .stride_w = (uint32_t)str[1],
				    .dil_h = (uint32_t)dil[0], .dil_w = (uint32_t)dil[1], .pad_top = (uint32_t)pads[0],
				    .pad_left = (uint32_t)pads[1], .pad_bottom = (uint32_t)pads[2],
				    .pad_right = (uint32_t)pads[3], .in_type = cc_type(x->dtype), .w_type = cc_type(w->dtype),
				    .out_type = MOTE_CC_INT32};
	if ((rc = uniform_zp(xz, &cv->in_zp, n, diag)) || (rc = uniform_zp(wz, &cv->w_zp, n, diag)))
		return rc;
	size_t nw = (size_t)M * CG * KH * KW;
	if ((rc = alloc_params(L, nw, M, n, diag)))
		return rc;
	const uint8_t *wd = w->data;
	for (uint32_t o = 0; o < M; o++) /* O(C/G)HW -> [kh][kw][cin/groups][cout] */
		for (uint32_t c = 0; c < CG; c++)
			for (uint32_t ky = 0; ky < KH; ky++)
				for (uint32_t kx = 0; kx < KW; kx++)
					L->weights[(((size_t)ky * KW + kx) * CG + c) * M + o] =
						(int8_t)wd[(((size_t)o * CG + c) * KH + ky) * KW + kx];
	if (b) {
		if (ir_numel(b) != M)
			return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): bias has %lld values for %u channels",
				       n->name, n->op, (long long)ir_numel(b), M);
		for (uint32_t o = 0; o < M; o++)
			L->bias[o] = (int32_t)cc_get_le32((const uint8_t *)b->data + 4 * o);
	}
	L->out_elem = 4;
	L->y_dtype = IR_INT32;
	if (q && (rc = requant_params(g, L, xs, ws, ys, yz, M, n, diag)))
		return rc;
	uint32_t oh, ow;
	if ((rc = mote_cc_conv_check(cv, &oh, &ow, diag)))
		return rc;
	L->jobs = (uint32_t)x->dims[0];
	L->in_bytes = (size_t)cv->in_h * cv->in_w * C;
	L->out_bytes = (size_t)oh * ow * M * L->out_elem;
	L->y_rank = 4;
	int64_t yd[4] = {x->dims[0], M, oh, ow};
	memcpy(L->y_dims, yd, sizeof yd);
	return 0;
}

static int lower_matmul(const struct ir_graph *g, const struct ir_node *n, int q, struct lowered *L,
			struct mote_cc_diag *diag)
{
	int rc = 0;
	const struct ir_tensor *a, *az = NULL, *b, *bz = NULL, *as = NULL, *bs = NULL, *ys = NULL, *yz = NULL;
	a = arg(g, n, 0, 0, IR_UINT8, IR_INT8, &rc, diag);
	if (q) {
		as = arg(g, n, 1, 1, IR_FLOAT, IR_FLOAT, &rc, diag);
		az = arg(g, n, 2, 1, IR_UINT8, IR_INT8, &rc, diag);
		b = arg(g, n, 3, 1, IR_UINT8, IR_INT8, &rc, diag);
		bs = arg(g, n, 4, 1, IR_FLOAT, IR_FLOAT, &rc, diag);
		bz = arg(g, n, 5, 1, IR_UINT8, IR_INT8, &rc, diag);
		ys = arg(g, n, 6, 1, IR_FLOAT, IR_FLOAT, &rc, diag);
		yz = arg(g, n, 7, 1, IR_UINT8, IR_INT8, &rc, diag);
	} else {
		b = arg(g, n, 1, 1, IR_UINT8, IR_INT8, &rc, diag);
		if (n->n_in > 2 && n->in[2] >= 0)
			az = arg(g, n, 2, 1, IR_UINT8, IR_INT8, &rc, diag);
		if (n->n_in > 3 && n->in[3] >= 0)
			bz = arg(g, n, 3, 1, IR_UINT8, IR_INT8, &rc, diag);
	}
	if (rc)
		return rc;
	if (a->rank < 2 || b->rank < 2 || a->dims[a->rank - 1] != b->dims[b->rank - 2])
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): shapes do not multiply", n->name, n->op);
	int64_t M = a->dims[a->rank - 2], K = a->dims[a->rank - 1], N = b->dims[b->rank - 1];
	int64_t batch = ir_numel(a) / (M * K), bb = ir_numel(b) / (K * N);
	if ((bb != 1 && bb != batch) || M > 65535 * 64 || K > 65535 || N > 65535)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): shapes not supported", n->name, n->op);
	L->is_matmul = 1;
	L->b_batched = bb > 1;
	L->b_src = b;
	/* with one B for every batch item, the batch folds into M: one job */
	uint32_t m = (uint32_t)(L->b_batched ? M : M * batch);
	L->jobs = L->b_batched ? (uint32_t)batch : 1;
	struct mote_cc_gemm gm = {.m = m, .k = (uint32_t)K, .n = (uint32_t)N, .a_type = cc_type(a->dtype),
				  .b_type = cc_type(b->dtype), .out_type = MOTE_CC_INT32};
	if ((rc = uniform_zp(az, &gm.a_zp, n, diag)) || (rc = uniform_zp(bz, &gm.b_zp, n, diag)))
		return rc;
	mote_cc_gemm_as_conv(&gm, &L->conv);
	if ((rc = alloc_params(L, (size_t)K * N, (uint32_t)N, n, diag)))
		return rc;
	memcpy(L->weights, b->data, (size_t)K * N); /* job 0's B ([K][N] is already the layout) */
	if (q && n->n_in > 8 && n->in[8] >= 0) { /* a folded Gemm's bias (our extension) */
		const struct ir_tensor *bias = arg(g, n, 8, 1, IR_INT32, IR_INT32, &rc, diag);
		if (rc)
			return rc;
		if (ir_numel(bias) != N)
			return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): bias has %lld values for %lld columns",
				       n->name, n->op, (long long)ir_numel(bias), (long long)N);
		for (int64_t o = 0; o < N; o++)
			L->bias[o] = (int32_t)cc_get_le32((const uint8_t *)bias->data + 4 * o);
	}
	L->out_elem = 4;
	L->y_dtype = IR_INT32;
	if (q && (rc = requant_params(g, L, as, bs, ys, yz, (uint32_t)N, n, diag)))
		return rc;
	uint32_t oh, ow;
	if ((rc = mote_cc_conv_check(&L->conv, &oh, &ow, diag)))
		return rc;
	L->in_bytes = (size_t)m * K;
	L->out_bytes = (size_t)m * N * L->out_elem;
	L->y_rank = a->rank;
	memcpy(L->y_dims, a->dims, a->rank * sizeof *L->y_dims);
	L->y_dims[a->rank - 1] = N;
	return 0;
}

int lower_node(const struct ir_graph *g, const struct ir_node *n, struct lowered *L, struct mote_cc_diag *diag)
{
	memset(L, 0, sizeof *L);
	int rc;
	if (strcmp(n->op, "QLinearConv") == 0 || strcmp(n->op, "ConvInteger") == 0)
		rc = lower_conv(g, n, n->op[0] == 'Q', L, diag);
	else if (strcmp(n->op, "QLinearMatMul") == 0 || strcmp(n->op, "MatMulInteger") == 0)
		rc = lower_matmul(g, n, n->op[0] == 'Q', L, diag);
	else
		rc = cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s': %s does not run on the accelerator yet", n->name, n->op);
	if (!rc && (n->n_out < 1 || n->out[0] < 0))
		rc = cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): no output", n->name, n->op);
	if (rc) {
		lower_free(L);
		return rc;
	}
	L->x = n->in[0];
	L->y = n->out[0];
	return 0;
}

int lower_prepare_job(const struct ir_graph *g, struct lowered *L, uint32_t j, uint8_t *in)
{
	const struct ir_tensor *x = &g->t[L->x];
	const uint8_t *xd = (const uint8_t *)x->data;
	if (!xd)
		return MOTE_CC_EINVAL;
	if (L->is_matmul) {
		memcpy(in, xd + (size_t)j * L->in_bytes, L->in_bytes);
		if (L->b_batched) {
			size_t kn = (size_t)L->conv.in_c * L->conv.out_c;
			memcpy(L->weights, (const uint8_t *)L->b_src->data + (size_t)j * kn, kn);
		}
		return 0;
	}
	uint32_t C = L->conv.in_c, H = L->conv.in_h, W = L->conv.in_w; /* NCHW -> HWC of item j */
	for (uint32_t c = 0; c < C; c++)
		for (uint32_t y = 0; y < H; y++)
			for (uint32_t xx = 0; xx < W; xx++)
				in[((size_t)y * W + xx) * C + c] = xd[(((size_t)j * C + c) * H + y) * W + xx];
	return 0;
}

void lower_unpack_output(const struct ir_graph *g, const struct lowered *L, uint32_t j, const uint8_t *out,
			 uint8_t *y)
{
	(void)g;
	if (L->is_matmul) {
		memcpy(y + (size_t)j * L->out_bytes, out, L->out_bytes);
		return;
	}
	size_t e = L->out_elem;
	uint32_t M = L->conv.out_c, OH = (uint32_t)L->y_dims[2], OW = (uint32_t)L->y_dims[3];
	for (uint32_t o = 0; o < M; o++) /* HWC -> CHW of item j */
		for (uint32_t p = 0; p < OH * OW; p++)
			memcpy(y + ((((size_t)j * M + o) * OH * OW) + p) * e, out + ((size_t)p * M + o) * e, e);
}

void lower_free(struct lowered *L)
{
	free(L->weights);
	free(L->bias);
	free(L->mult);
	free(L->shift);
	memset(L, 0, sizeof *L);
}
