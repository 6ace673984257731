/* host_ops.c: IR nodes as host kernels (see host_ops.h).
 *
 * Attribute defaults and output shapes follow the ONNX operator definitions
 * (onnx/defs, opset 13: QuantizeLinear, DequantizeLinear, Softmax, MaxPool,
 * AveragePool, Flatten, Reshape, Transpose, Concat).  QLinearAveragePool and
 * QLinearAdd are the folding pass's names for DQ -> AveragePool|Add -> Q
 * (inputs as in qdq_fold.c).  A graph of TFLite arithmetic (ir.h) gets
 * TFLite's kernels for them (ADD_TFL, AVGPOOL_TFL) and QuantizeLinear
 * rounding ties away from zero; the TFLite importer's own nodes
 * QLinearRequantize and MoteTflSoftmax run only there (REQUANT_TFL,
 * SOFTMAX_TFL).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host_ops.h"
#include "mote/mote_compiler.h"

#define NOTSUP(...) cc_fail(diag, MOTE_CC_ENOTSUP, __VA_ARGS__)
#define BAD(...) cc_fail(diag, MOTE_CC_EFORMAT, __VA_ARGS__)

static const struct ir_tensor *in_t(const struct ir_graph *g, const struct ir_node *n, uint32_t k)
{
	return k < n->n_in && n->in[k] >= 0 ? &g->t[n->in[k]] : NULL;
}

/* A constant scalar scale (float) of node n's input k. */
static int const_scale(const struct ir_graph *g, const struct ir_node *n, uint32_t k, float *s,
		       struct mote_cc_diag *diag)
{
	const struct ir_tensor *t = in_t(g, n, k);
	if (!t || !t->data || t->dtype != IR_FLOAT)
		return NOTSUP("node '%s' (%s): input %u (a scale) must be a float constant", n->name, n->op, k);
	if (ir_numel(t) != 1)
		return NOTSUP("node '%s' (%s): per-axis scale '%s' on the host (only per-tensor)", n->name, n->op,
			      t->name);
	memcpy(s, t->data, sizeof *s);
	if (!isfinite(*s) || *s <= 0)
		return BAD("node '%s' (%s): scale '%s' is %g (must be positive and finite)", n->name, n->op, t->name,
			   (double)*s);
	return 0;
}

/* A constant scalar zero point of input k (absent: 0 of dflt_type). */
static int const_zp(const struct ir_graph *g, const struct ir_node *n, uint32_t k, int32_t *zp, int32_t *dtype,
		    struct mote_cc_diag *diag)
{
	const struct ir_tensor *t = in_t(g, n, k);
	*zp = 0;
	if (!t)
		return 0;
	if (!t->data || (t->dtype != IR_INT8 && t->dtype != IR_UINT8))
		return NOTSUP("node '%s' (%s): input %u (a zero point) must be an int8/uint8 constant", n->name,
			      n->op, k);
	if (ir_numel(t) != 1)
		return NOTSUP("node '%s' (%s): per-axis zero point '%s' on the host", n->name, n->op, t->name);
	*zp = t->dtype == IR_INT8 ? *(const int8_t *)t->data : *(const uint8_t *)t->data;
	if (dtype)
		*dtype = t->dtype;
	return 0;
}

static void same_shape(struct host_op *h, const struct ir_tensor *x, int32_t dtype)
{
	h->out_dtype = dtype;
	h->out_rank = x->rank;
	memcpy(h->out_dims, x->dims, sizeof h->out_dims);
}

static int pool_of(const struct ir_graph *g, const struct ir_node *n, struct host_op *h, int avg, int global,
		   const struct ir_tensor *x, struct mote_cc_diag *diag)
{
	if (x->rank != 4)
		return NOTSUP("node '%s' (%s): only 2-D pooling (rank 4)", n->name, n->op);
	if (x->dtype != IR_INT8 && x->dtype != IR_UINT8)
		return NOTSUP("node '%s' (%s): %s pooling (only quantized int8/uint8 pooling is supported; "
			      "is a QuantizeLinear/DequantizeLinear pair around it missing?)",
			      n->name, n->op, ir_dtype_name(x->dtype));
	const struct ir_attr *ap = ir_attr(n, "auto_pad");
	if (ap && ap->kind == IR_ATTR_STRING && strcmp(ap->s, "NOTSET") != 0)
		return NOTSUP("node '%s' (%s): auto_pad %s", n->name, n->op, ap->s);
	if (n->n_out > 1 && n->out[1] >= 0)
		return NOTSUP("node '%s' (%s): the Indices output", n->name, n->op);
	if (ir_attr_int(n, "storage_order", 0) != 0)
		return NOTSUP("node '%s' (%s): storage_order 1", n->name, n->op);
	int64_t k[2], s[2], p[4], d[2];
	int rc;
	if ((rc = ir_attr_ints(n, "kernel_shape", k, 2, 0, diag)) || (rc = ir_attr_ints(n, "strides", s, 2, 1, diag)) ||
	    (rc = ir_attr_ints(n, "pads", p, 4, 0, diag)) || (rc = ir_attr_ints(n, "dilations", d, 2, 1, diag)))
		return rc;
	if (global) {
		k[0] = x->dims[2], k[1] = x->dims[3];
		s[0] = s[1] = 1;
		memset(p, 0, sizeof p);
	}
	int ceil_mode = ir_attr_int(n, "ceil_mode", 0) != 0;
	if ((rc = ir_check_window(n, k, s, d, p, diag)))
		return rc;
	int64_t od[2];
	for (int i = 0; i < 2; i++) {
		int64_t span = d[i] * (k[i] - 1) + 1, padded = x->dims[2 + i] + p[i] + p[i + 2];
		if (span > padded)
			return BAD("node '%s' (%s): window larger than the padded input", n->name, n->op);
		int64_t q = padded - span;
		od[i] = (ceil_mode ? (q + s[i] - 1) / s[i] : q / s[i]) + 1;
		/* ceil_mode: the last window must start inside the input or its leading pad */
		if (ceil_mode && (od[i] - 1) * s[i] >= x->dims[2 + i] + p[i])
			od[i]--;
	}
	const int64_t work[6] = {x->dims[0], x->dims[1], od[0], od[1], k[0], k[1]};
	if (ir_mul_bounded(work, 6, IR_MAX_MACS) < 0)
		return cc_fail(diag, MOTE_CC_ERANGE,
			       "node '%s' (%s): %lld x %lld x %lld x %lld outputs of %lld x %lld windows, more than the "
			       "2^%d steps the host executor takes per node",
			       n->name, n->op, (long long)work[0], (long long)work[1], (long long)od[0], (long long)od[1],
			       (long long)k[0], (long long)k[1], IR_MAX_MACS_LOG2);
	int32_t *pp = h->params;
	pp[0] = (int32_t)k[0], pp[1] = (int32_t)k[1], pp[2] = (int32_t)s[0], pp[3] = (int32_t)s[1];
	pp[4] = (int32_t)p[0], pp[5] = (int32_t)p[1], pp[6] = (int32_t)p[2], pp[7] = (int32_t)p[3];
	h->out_dtype = x->dtype;
	h->out_rank = 4;
	h->out_dims[0] = x->dims[0], h->out_dims[1] = x->dims[1], h->out_dims[2] = od[0], h->out_dims[3] = od[1];
	if (!avg) {
		h->op = MOTE_KOP_MAXPOOL;
		pp[8] = (int32_t)d[0], pp[9] = (int32_t)d[1];
		return 0;
	}
	if (d[0] != 1 || d[1] != 1)
		return NOTSUP("node '%s' (%s): dilated average pooling", n->name, n->op);
	float xs, ys;
	int32_t xz, yz, ydt = x->dtype;
	if ((rc = const_scale(g, n, 1, &xs, diag)) || (rc = const_zp(g, n, 2, &xz, NULL, diag)) ||
	    (rc = const_scale(g, n, 3, &ys, diag)) || (rc = const_zp(g, n, 4, &yz, &ydt, diag)))
		return rc;
	h->out_scale = ys, h->out_zp = yz;
	if (g->arith != IR_ARITH_ONNX) {
		/* TFLite averages the raw values: its input and output share one quantization */
		if (xs != ys || xz != yz || ydt != x->dtype)
			return NOTSUP("node '%s' (%s): TFLite average pooling with different input and output "
				      "quantization", n->name, n->op);
		if (ir_attr_int(n, "count_include_pad", 0))
			return NOTSUP("node '%s' (%s): count_include_pad under TFLite arithmetic", n->name, n->op);
		h->op = MOTE_KOP_AVGPOOL_TFL;
		return ir_out_clamp(n, ydt, yz, &pp[8], &pp[9], diag);
	}
	h->op = MOTE_KOP_AVGPOOL;
	h->out_dtype = ydt;
	pp[8] = ir_attr_int(n, "count_include_pad", 0) != 0;
	pp[9] = mote_kernel_fbits(xs), pp[10] = xz, pp[11] = mote_kernel_fbits(ys), pp[12] = yz;
	h->out_scale = ys, h->out_zp = yz;
	return 0;
}

static int reshape_of(const struct ir_graph *g, const struct ir_node *n, struct host_op *h,
		      const struct ir_tensor *x, struct mote_cc_diag *diag)
{
	const struct ir_tensor *s = in_t(g, n, 1);
	if (!s || !s->data || s->dtype != IR_INT64 || s->rank != 1)
		return NOTSUP("node '%s' (Reshape): the shape must be a 1-D int64 constant", n->name);
	int64_t cnt = ir_numel(s), known = 1, infer = -1, total = ir_numel(x);
	if (cnt < 0 || cnt > IR_MAX_RANK)
		return NOTSUP("node '%s' (Reshape): rank %lld result", n->name, (long long)cnt);
	if (ir_attr_int(n, "allowzero", 0))
		return NOTSUP("node '%s' (Reshape): allowzero", n->name);
	const int64_t *sv = s->data;
	for (int64_t i = 0; i < cnt; i++) {
		int64_t v = sv[i];
		if (v == 0) {
			if ((uint64_t)i >= x->rank)
				return BAD("node '%s' (Reshape): 0 at %lld copies a dimension the input lacks", n->name,
					   (long long)i);
			v = x->dims[i];
		}
		if (v == -1) {
			if (infer >= 0)
				return BAD("node '%s' (Reshape): two -1 dimensions", n->name);
			infer = i;
			v = 1;
		} else if (v < 0 || v > ((int64_t)1 << 31))
			return BAD("node '%s' (Reshape): dimension %lld is %lld", n->name, (long long)i, (long long)v);
		h->out_dims[i] = v;
		known *= v;
	}
	if (infer >= 0) {
		if (known == 0 || total % known)
			return BAD("node '%s' (Reshape): cannot infer the -1 dimension", n->name);
		h->out_dims[infer] = total / known;
		known = total;
	}
	if (known != total)
		return BAD("node '%s' (Reshape): %lld elements into %lld", n->name, (long long)total, (long long)known);
	h->op = MOTE_KOP_COPY;
	h->out_rank = (uint32_t)cnt;
	h->out_dtype = x->dtype;
	return 0;
}

int host_op_unknown(const char *op)
{
	return mote_cc_op_find(op) == NULL; /* the one table: op_support.c */
}

/* Why a foldable float node was left in float: its data inputs and its
 * consumers, in words (the first thing that does not fit the pattern). */
static void why_float(const struct ir_graph *g, const struct ir_node *n, char *why, size_t cap)
{
	const struct ir_tensor *x = in_t(g, n, 0);
	why[0] = '\0';
	if (x && x->dtype == 1) {
		for (size_t i = 0; i < g->nn; i++)
			for (uint32_t o = 0; o < g->n[i].n_out; o++)
				if (g->n[i].out[o] == n->in[0] && strcmp(g->n[i].op, "DequantizeLinear")) {
					snprintf(why, cap, ": its input comes from node '%s' (%s), not from a DequantizeLinear",
						 g->n[i].name, g->n[i].op);
					return;
				}
	}
	for (uint32_t o = 0; o < n->n_out; o++)
		for (size_t i = 0; i < g->nn; i++)
			for (uint32_t k = 0; k < g->n[i].n_in; k++)
				if (g->n[i].in[k] == n->out[o] && strcmp(g->n[i].op, "QuantizeLinear")) {
					snprintf(why, cap, ": its output goes to node '%s' (%s), not to a QuantizeLinear",
						 g->n[i].name, g->n[i].op);
					return;
				}
}

int host_op_of(const struct ir_graph *g, const struct ir_node *n, struct host_op *h, struct mote_cc_diag *diag)
{
	memset(h, 0, sizeof *h);
	const struct ir_tensor *x = in_t(g, n, 0);
	if (!x || n->n_out < 1 || n->out[0] < 0)
		return BAD("node '%s' (%s): missing input or output", n->name, n->op);
	if (x->dtype == 0 || ir_numel(x) < 0)
		return BAD("node '%s' (%s): input '%s' has no known type and shape", n->name, n->op, x->name);
	h->n_data = 1;
	h->data[0] = n->in[0];
	const char *op = n->op;
	int rc = 0;
	if (strcmp(op, "QuantizeLinear") == 0) {
		float s;
		int32_t zp, dt = IR_UINT8;
		if (x->dtype != IR_FLOAT)
			return NOTSUP("node '%s' (QuantizeLinear): input is %s, not float", n->name,
				      ir_dtype_name(x->dtype));
		if ((rc = const_scale(g, n, 1, &s, diag)) || (rc = const_zp(g, n, 2, &zp, &dt, diag)))
			return rc;
		h->op = MOTE_KOP_QUANTIZE;
		h->params[0] = mote_kernel_fbits(s), h->params[1] = zp;
		h->params[2] = g->arith != IR_ARITH_ONNX; /* TFLite: ties away from zero */
		same_shape(h, x, dt);
		h->out_scale = s, h->out_zp = zp;
	} else if (strcmp(op, "DequantizeLinear") == 0) {
		float s;
		int32_t zp;
		if (x->dtype != IR_INT8 && x->dtype != IR_UINT8 && x->dtype != IR_INT32)
			return NOTSUP("node '%s' (DequantizeLinear): input is %s", n->name, ir_dtype_name(x->dtype));
		if ((rc = const_scale(g, n, 1, &s, diag)) || (rc = const_zp(g, n, 2, &zp, NULL, diag)))
			return rc;
		h->op = MOTE_KOP_DEQUANTIZE;
		h->params[0] = mote_kernel_fbits(s), h->params[1] = zp;
		same_shape(h, x, IR_FLOAT);
	} else if (strcmp(op, "QLinearRequantize") == 0) {
		/* the TFLite importer's name for QUANTIZE between two quantizations:
		 * x, xs, xz, ys, yz */
		float xs, ys;
		int32_t xz, yz, ydt = x->dtype;
		if (g->arith == IR_ARITH_ONNX)
			return NOTSUP("node '%s' (QLinearRequantize): only under TFLite arithmetic", n->name);
		if (x->dtype != IR_INT8 && x->dtype != IR_UINT8)
			return NOTSUP("node '%s' (QLinearRequantize): input is %s", n->name, ir_dtype_name(x->dtype));
		if ((rc = const_scale(g, n, 1, &xs, diag)) || (rc = const_zp(g, n, 2, &xz, NULL, diag)) ||
		    (rc = const_scale(g, n, 3, &ys, diag)) || (rc = const_zp(g, n, 4, &yz, &ydt, diag)))
			return rc;
		int32_t m, sh;
		if (mote_kernel_tfl_multiplier((double)xs / (double)ys, &m, &sh))
			return NOTSUP("node '%s' (QLinearRequantize): scale ratio %g", n->name, (double)xs / ys);
		h->op = MOTE_KOP_REQUANT_TFL;
		h->params[0] = mote_kernel_fbits(xs), h->params[1] = xz;
		h->params[2] = mote_kernel_fbits(ys), h->params[3] = yz;
		same_shape(h, x, ydt);
		h->out_scale = ys, h->out_zp = yz;
	} else if (strcmp(op, "MoteTflSoftmax") == 0) {
		/* the TFLite importer's int8/uint8 SOFTMAX: x, ys, yz; attributes axis and
		 * the parameters its SoftmaxPrepare computes (mote_kernel_tfl_softmax_params) */
		float ys;
		int32_t yz, ydt = x->dtype;
		int64_t ax = ir_attr_int(n, "axis", -1), r = x->rank;
		if (g->arith == IR_ARITH_ONNX)
			return NOTSUP("node '%s' (MoteTflSoftmax): only under TFLite arithmetic", n->name);
		if (x->dtype != IR_INT8 && x->dtype != IR_UINT8)
			return NOTSUP("node '%s' (MoteTflSoftmax): input is %s", n->name, ir_dtype_name(x->dtype));
		if ((rc = const_scale(g, n, 1, &ys, diag)) || (rc = const_zp(g, n, 2, &yz, &ydt, diag)))
			return rc;
		if (ydt != x->dtype || yz != (ydt == IR_INT8 ? -128 : 0) || fabsf(ys - 1.0f / 256) > 0.001f / 256)
			return NOTSUP("node '%s' (MoteTflSoftmax): output %s, scale %g, zero point %d (TFLite's: the "
				      "input's type, 1/256 and the type's minimum)", n->name, ir_dtype_name(ydt), (double)ys, yz);
		if (ax < 0 || ax >= r)
			return BAD("node '%s' (MoteTflSoftmax): axis %lld for rank %lld", n->name, (long long)ax, (long long)r);
		if (x->dims[ax] > MOTE_TFL_SOFTMAX_MAX_LEN)
			return NOTSUP("node '%s' (MoteTflSoftmax): %lld elements along the axis (at most %d)", n->name,
				      (long long)x->dims[ax], MOTE_TFL_SOFTMAX_MAX_LEN);
		int64_t m = ir_attr_int(n, "mote_input_multiplier", 0), ls = ir_attr_int(n, "mote_input_left_shift", -1),
			dm = ir_attr_int(n, "mote_diff_min", 1);
		struct mote_tfl_softmax sp = {(int32_t)m, (int32_t)ls, (int32_t)dm};
		if (m < 0 || m > INT32_MAX || ls < 0 || ls > 31 || dm < INT32_MIN || dm > 0 || !mote_kernel_tfl_softmax_ok(&sp))
			return BAD("node '%s' (MoteTflSoftmax): multiplier %lld, left shift %lld, diff_min %lld are not "
				   "TFLite's softmax parameters", n->name, (long long)m, (long long)ls, (long long)dm);
		h->op = MOTE_KOP_SOFTMAX_TFL;
		h->params[0] = (int32_t)ax, h->params[1] = sp.input_multiplier, h->params[2] = sp.input_left_shift;
		h->params[3] = sp.diff_min;
		same_shape(h, x, ydt);
		h->out_scale = ys, h->out_zp = yz;
	} else if (strcmp(op, "Softmax") == 0) {
		int64_t ax = ir_attr_int(n, "axis", g->opset >= 13 ? -1 : 1), r = x->rank;
		if (ax < -r || ax >= r)
			return BAD("node '%s' (Softmax): axis %lld for rank %lld", n->name, (long long)ax, (long long)r);
		ax = ax < 0 ? ax + r : ax;
		/* before opset 13 Softmax works on the input flattened at axis: the
		 * same as one axis only when that axis is the last */
		if (g->opset < 13 && ax != r - 1)
			return NOTSUP("node '%s' (Softmax): opset %lld coerced axis %lld", n->name, (long long)g->opset,
				      (long long)ax);
		if (x->dtype != IR_FLOAT)
			return NOTSUP("node '%s' (Softmax): input is %s", n->name, ir_dtype_name(x->dtype));
		h->op = MOTE_KOP_SOFTMAX;
		h->params[0] = (int32_t)ax;
		same_shape(h, x, IR_FLOAT);
	} else if (strcmp(op, "MaxPool") == 0) {
		rc = pool_of(g, n, h, 0, 0, x, diag);
	} else if (strcmp(op, "QLinearAveragePool") == 0) {
		rc = pool_of(g, n, h, 1, ir_attr_int(n, "mote_global", 0) != 0, x, diag);
	} else if (strcmp(op, "QLinearAdd") == 0) {
		const struct ir_tensor *b = in_t(g, n, 3);
		float sa, sb, sy;
		int32_t za, zb, zy, ydt = x->dtype;
		if (!b || b->dtype == 0 || ir_numel(b) < 0)
			return BAD("node '%s' (Add): second input unknown", n->name);
		if (b->rank != x->rank || memcmp(b->dims, x->dims, x->rank * sizeof *x->dims) != 0)
			return NOTSUP("node '%s' (Add): broadcasting (the inputs' shapes differ)", n->name);
		if ((rc = const_scale(g, n, 1, &sa, diag)) || (rc = const_zp(g, n, 2, &za, NULL, diag)) ||
		    (rc = const_scale(g, n, 4, &sb, diag)) || (rc = const_zp(g, n, 5, &zb, NULL, diag)) ||
		    (rc = const_scale(g, n, 6, &sy, diag)) || (rc = const_zp(g, n, 7, &zy, &ydt, diag)))
			return rc;
		struct mote_add_mults m;
		struct mote_tfl_add tm;
		int32_t *p = h->params;
		if (g->arith != IR_ARITH_ONNX) {
			if (mote_kernel_tfl_add_params(sa, sb, sy, &tm))
				return NOTSUP("node '%s' (Add): scales %g, %g, %g outside TFLite's integer add", n->name,
					      (double)sa, (double)sb, (double)sy);
			h->op = MOTE_KOP_ADD_TFL;
			if ((rc = ir_out_clamp(n, ydt, zy, &p[6], &p[7], diag)))
				return rc;
		} else {
			if (mote_kernel_add_mults(sa, sb, sy, &m))
				return NOTSUP("node '%s' (Add): scale ratios %g, %g not below 65536 (the integer add's limit)",
					      n->name, (double)sa / sy, (double)sb / sy);
			h->op = MOTE_KOP_ADD;
			p[6] = ir_attr_int(n, "mote_relu", 0) != 0;
		}
		h->n_data = 2;
		h->data[1] = n->in[3];
		p[0] = mote_kernel_fbits(sa), p[1] = za, p[2] = mote_kernel_fbits(sb), p[3] = zb;
		p[4] = mote_kernel_fbits(sy), p[5] = zy;
		same_shape(h, x, ydt);
		h->out_scale = sy, h->out_zp = zy;
	} else if (strcmp(op, "Flatten") == 0) {
		int64_t ax = ir_attr_int(n, "axis", 1), r = x->rank, a = 1, b = 1;
		if (ax < -r || ax > r)
			return BAD("node '%s' (Flatten): axis %lld for rank %lld", n->name, (long long)ax, (long long)r);
		ax = ax < 0 ? ax + r : ax;
		for (int64_t i = 0; i < r; i++)
			*(i < ax ? &a : &b) *= x->dims[i];
		h->op = MOTE_KOP_COPY;
		h->out_dtype = x->dtype;
		h->out_rank = 2;
		h->out_dims[0] = a, h->out_dims[1] = b;
	} else if (strcmp(op, "Reshape") == 0) {
		rc = reshape_of(g, n, h, x, diag);
	} else if (strcmp(op, "Identity") == 0) {
		h->op = MOTE_KOP_COPY;
		same_shape(h, x, x->dtype);
	} else if (strcmp(op, "Transpose") == 0) {
		int64_t perm[IR_MAX_RANK];
		uint32_t r = x->rank;
		if (r == 0 || r > MOTE_KERNEL_MAX_RANK)
			return NOTSUP("node '%s' (Transpose): rank %u", n->name, r);
		for (uint32_t i = 0; i < r; i++)
			perm[i] = r - 1 - i;
		const struct ir_attr *a = ir_attr(n, "perm");
		if (a && (a->kind != IR_ATTR_INTS || a->n != r))
			return BAD("node '%s' (Transpose): perm needs %u integers", n->name, r);
		if (a)
			memcpy(perm, a->ints, r * sizeof *perm);
		for (uint32_t i = 0; i < r; i++) {
			if (perm[i] < 0 || perm[i] >= r)
				return BAD("node '%s' (Transpose): perm[%u] = %lld", n->name, i, (long long)perm[i]);
			h->params[i] = (int32_t)perm[i];
			h->out_dims[i] = x->dims[perm[i]];
		}
		h->op = MOTE_KOP_TRANSPOSE;
		h->out_dtype = x->dtype;
		h->out_rank = r;
	} else if (strcmp(op, "MoteLut") == 0) {
		/* made by qdq_fold.c: an activation between two quantizations as a
		 * table of its 256 results (input 1, y's type) */
		const struct ir_tensor *tab = in_t(g, n, 1);
		if (n->n_in != 2 || !tab || !tab->data || ir_numel(tab) != 256 ||
		    (tab->dtype != IR_INT8 && tab->dtype != IR_UINT8) || (x->dtype != IR_INT8 && x->dtype != IR_UINT8))
			return BAD("node '%s' (MoteLut): an int8/uint8 input and a table of 256 int8/uint8 expected", n->name);
		h->op = MOTE_KOP_LUT;
		h->data[1] = n->in[1];
		h->n_data = 2;
		same_shape(h, x, tab->dtype);
	} else if (strcmp(op, "MoteStackRows") == 0) {
		/* made by model_stack.c: attributes k, stride, dilation, pad_top, out_h, pad_value,
		 * and for a whole window kw, stride_w, dil_w, pad_left, out_w (kw 0: rows only) */
		int64_t k = ir_attr_int(n, "k", 0), s = ir_attr_int(n, "stride", 0), d = ir_attr_int(n, "dilation", 0),
			pt = ir_attr_int(n, "pad_top", -1), oh = ir_attr_int(n, "out_h", 0), zp = ir_attr_int(n, "pad_value", 0);
		int64_t kw = ir_attr_int(n, "kw", 0), sw = ir_attr_int(n, "stride_w", 1), dw = ir_attr_int(n, "dil_w", 1),
			pl = ir_attr_int(n, "pad_left", 0), ow = ir_attr_int(n, "out_w", x->rank == 4 ? x->dims[3] : 0);
		if (x->rank != 4 || k < 1 || k > 4096 || s < 1 || s > 4096 || d < 1 || d > 4096 || pt < 0 || pt > 4096 ||
		    oh < 1 || oh > ((int64_t)1 << 30) || kw < 0 || kw > 4096 || sw < 1 || sw > 4096 || dw < 1 || dw > 4096 ||
		    pl < 0 || pl > 4096 || ow < 1 || ow > ((int64_t)1 << 30) || (!kw && ow != x->dims[3]) ||
		    x->dims[1] * k * (kw ? kw : 1) > ((int64_t)1 << 30) || zp < -128 || zp > 255)
			return BAD("node '%s' (MoteStackRows): attributes out of range", n->name);
		int32_t *p = h->params;
		p[0] = (int32_t)k, p[1] = (int32_t)s, p[2] = (int32_t)d, p[3] = (int32_t)pt, p[4] = (int32_t)zp;
		if (kw)
			p[5] = (int32_t)kw, p[6] = (int32_t)sw, p[7] = (int32_t)dw, p[8] = (int32_t)pl;
		h->op = MOTE_KOP_STACK_ROWS;
		same_shape(h, x, x->dtype);
		h->out_dims[1] = x->dims[1] * k * (kw ? kw : 1);
		h->out_dims[2] = oh;
		h->out_dims[3] = ow;
	} else if (strcmp(op, "Concat") == 0) {
		int64_t ax = ir_attr_int(n, "axis", 0), r = x->rank;
		if (n->n_in < 1 || n->n_in > 4)
			return NOTSUP("node '%s' (Concat): %u inputs (at most 4)", n->name, n->n_in);
		if (ax < -r || ax >= r)
			return BAD("node '%s' (Concat): axis %lld for rank %lld", n->name, (long long)ax, (long long)r);
		ax = ax < 0 ? ax + r : ax;
		same_shape(h, x, x->dtype);
		h->out_dims[ax] = 0;
		for (uint32_t k = 0; k < n->n_in; k++) {
			const struct ir_tensor *t = in_t(g, n, k);
			if (!t || t->dtype != x->dtype || t->rank != x->rank || ir_numel(t) < 0)
				return BAD("node '%s' (Concat): input %u differs in type or rank", n->name, k);
			h->data[k] = n->in[k];
			h->out_dims[ax] += t->dims[ax];
		}
		h->n_data = n->n_in;
		h->op = MOTE_KOP_CONCAT;
		h->params[0] = (int32_t)ax;
	} else if (mote_cc_op_find(op) && mote_cc_op_find(op)->kind == MOTE_CC_OP_FOLDED) {
		char why[160];
		why_float(g, n, why, sizeof why);
		return NOTSUP("node '%s': %s left in float (a quantized one needs int8 operands through DequantizeLinear "
			      "and its result into a QuantizeLinear)%s", n->name, op, why);
	} else {
		return NOTSUP("node '%s': unsupported operator %s (neither the accelerator nor the host runs it)", n->name,
			      op);
	}
	if (rc)
		return rc;
	for (uint32_t k = 0; k < h->n_data; k++)
		if (!g->t[h->data[k]].dtype || ir_numel(&g->t[h->data[k]]) < 0)
			return BAD("node '%s' (%s): input '%s' has no known type and shape", n->name, op,
				   g->t[h->data[k]].name);
	return 0;
}
