/* tflite_import.c: a TFLite model into the graph IR (see tflite_import.h):
 * tensors and their layouts, graph inputs and outputs, one operator at a
 * time through tflite_layers.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflite_imp.h"
#include "tflite_import.h"

/* Where the current node comes from: "operators[i]", "inputs[i]", "outputs[i]". */
static char *where(struct imp *im, char *buf, size_t cap)
{
	if (im->op < im->m->n_ops)
		snprintf(buf, cap, "operators[%u]", im->op);
	else
		snprintf(buf, cap, "%s[%u]", im->op - im->m->n_ops < 0x10000000u ? "inputs" : "outputs",
			 (im->op - im->m->n_ops) & 0x0fffffffu);
	return buf;
}

#define IMP_INPUT(i) (im->m->n_ops + (uint32_t)(i))
#define IMP_OUTPUT(i) (im->m->n_ops + 0x10000000u + (uint32_t)(i))

const char *imp_op_name(int32_t code, char *buf, size_t cap)
{
	const char *s = tfl_op_name(code);
	if (s)
		return s;
	snprintf(buf, cap, "builtin code %d", code);
	return buf;
}

int imp_fail(struct imp *im, int status, const char *fmt, ...)
{
	char msg[192], w[48], nb[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (im->op < im->m->n_ops)
		return cc_fail(im->diag, status, "tflite: %s (%s): %s", where(im, w, sizeof w),
			       imp_op_name(im->m->ops[im->op].builtin, nb, sizeof nb), msg);
	return cc_fail(im->diag, status, "tflite: %s: %s", where(im, w, sizeof w), msg);
}

int32_t imp_tensor(struct imp *im, const char *base, const char *suffix)
{
	char name[512];
	snprintf(name, sizeof name, "%s%s", base, suffix);
	for (unsigned k = 1; ir_find(im->g, name) >= 0; k++)
		snprintf(name, sizeof name, "%s%s#%u", base, suffix, k);
	return ir_add_tensor(im->g, name, im->diag);
}

int32_t imp_const(struct imp *im, const char *base, const char *suffix, int32_t dtype, uint32_t rank,
		  const int64_t *dims, void *data, size_t nbytes)
{
	int32_t t = imp_tensor(im, base, suffix);
	if (t < 0) {
		free(data);
		return t;
	}
	struct ir_tensor *x = &im->g->t[t];
	x->dtype = dtype;
	x->rank = rank;
	if (rank)
		memcpy(x->dims, dims, rank * sizeof *dims);
	x->data = data;
	x->nbytes = nbytes;
	return t;
}

int32_t imp_scale(struct imp *im, const char *base, const char *suffix, float v)
{
	float *d = malloc(sizeof *d);
	if (!d)
		return imp_fail(im, MOTE_CC_ENOMEM, "out of memory");
	*d = v;
	return imp_const(im, base, suffix, IR_FLOAT, 0, NULL, d, sizeof *d);
}

int32_t imp_zp(struct imp *im, const char *base, const char *suffix, int32_t dtype, int32_t v)
{
	uint8_t *d = malloc(1);
	if (!d)
		return imp_fail(im, MOTE_CC_ENOMEM, "out of memory");
	*d = (uint8_t)v;
	return imp_const(im, base, suffix, dtype, 0, NULL, d, 1);
}

int imp_node(struct imp *im, const char *suffix, const char *op, const int32_t *in, uint32_t nin, int32_t out,
	     const struct nattr *a, size_t na)
{
	char name[64], w[48];
	snprintf(name, sizeof name, "%s%s", where(im, w, sizeof w), suffix);
	struct ir_node *n;
	int rc = ir_add_node(im->g, name, op, &n, im->diag);
	if (rc)
		return rc;
	n->in = malloc((nin ? nin : 1) * sizeof *n->in);
	n->out = malloc(sizeof *n->out);
	n->attrs = calloc(na ? na : 1, sizeof *n->attrs);
	if (!n->in || !n->out || !n->attrs)
		return imp_fail(im, MOTE_CC_ENOMEM, "out of memory");
	memcpy(n->in, in, nin * sizeof *in);
	n->n_in = nin;
	n->out[0] = out;
	n->n_out = 1;
	for (size_t i = 0; i < na; i++) {
		struct ir_attr *t = &n->attrs[i];
		n->n_attrs = i + 1;
		if (!(t->name = ir_strdup(a[i].name)))
			return imp_fail(im, MOTE_CC_ENOMEM, "out of memory");
		if (!a[i].n) {
			t->kind = IR_ATTR_INT;
			t->i = a[i].v[0];
			continue;
		}
		t->kind = IR_ATTR_INTS;
		t->n = a[i].n;
		if (!(t->ints = malloc(a[i].n * sizeof *t->ints)))
			return imp_fail(im, MOTE_CC_ENOMEM, "out of memory");
		memcpy(t->ints, a[i].v, a[i].n * sizeof *t->ints);
	}
	return 0;
}

int32_t imp_dtype(int32_t tfl_type)
{
	switch (tfl_type) {
	case TFL_FLOAT32: return IR_FLOAT;
	case TFL_INT32: return IR_INT32;
	case TFL_UINT8: return IR_UINT8;
	case TFL_INT64: return IR_INT64;
	case TFL_INT8: return IR_INT8;
	default: return 0;
	}
}

static const char *tname(const struct imp *im, uint32_t t)
{
	return im->m->tensors[t].name;
}

int32_t imp_act(struct imp *im, uint32_t k)
{
	const struct tfl_op *o = &im->m->ops[im->op];
	if (k >= o->n_in || o->in[k] < 0)
		return imp_fail(im, MOTE_CC_EFORMAT, "input %u is missing", k);
	uint32_t t = (uint32_t)o->in[k];
	if (im->padded[t] && !(k == 0 && im->pad_ok))
		return imp_fail(im, MOTE_CC_ENOTSUP, "input %u, tensors[%u] '%s', is a PAD's output, which only input 0 of "
				"a CONV_2D or DEPTHWISE_CONV_2D takes (folded into its padding)", k, t, tname(im, t));
	if (im->map[t] >= 0)
		return im->map[t];
	if (im->m->buffers[im->m->tensors[t].buffer].size)
		return imp_fail(im, MOTE_CC_ENOTSUP, "input %u, tensors[%u] '%s', is a constant where an activation is "
				"expected", k, t, tname(im, t));
	return imp_fail(im, MOTE_CC_EFORMAT, "input %u, tensors[%u] '%s', is neither a graph input nor written by an "
			"earlier operator", k, t, tname(im, t));
}

int imp_quant(struct imp *im, uint32_t t, const char *what, float *scale, int32_t *zp)
{
	const struct tfl_tensor *x = &im->m->tensors[t];
	if (x->q.n != 1)
		return imp_fail(im, MOTE_CC_ENOTSUP, "%s tensors[%u] '%s': %s quantization (one scale and zero point "
				"needed)", what, t, x->name, x->q.n ? "per-channel" : "no");
	*scale = x->q.scale[0];
	int64_t z = x->q.zero_point[0];
	int32_t lo = x->type == TFL_UINT8 ? 0 : -128, hi = lo + 255;
	if (!(isfinite(*scale) && *scale > 0))
		return imp_fail(im, MOTE_CC_EFORMAT, "%s tensors[%u] '%s': scale %g", what, t, x->name, (double)*scale);
	if ((x->type == TFL_INT8 || x->type == TFL_UINT8) && (z < lo || z > hi))
		return imp_fail(im, MOTE_CC_EFORMAT, "%s tensors[%u] '%s': zero point %lld outside its type", what, t,
				x->name, (long long)z);
	*zp = (int32_t)z;
	return 0;
}

int imp_data(struct imp *im, uint32_t t, size_t es, const char *what, const uint8_t **data, int64_t *numel)
{
	const struct tfl_tensor *x = &im->m->tensors[t];
	const struct tfl_buffer *b = &im->m->buffers[x->buffer];
	int64_t n = 1;
	for (uint32_t d = 0; d < x->rank; d++)
		if (__builtin_mul_overflow(n, (int64_t)x->shape[d], &n) || n > ((int64_t)1 << 31))
			return imp_fail(im, MOTE_CC_ERANGE, "%s tensors[%u] '%s': too large", what, t, x->name);
	if (!b->data)
		return imp_fail(im, MOTE_CC_ENOTSUP, "%s tensors[%u] '%s' has no constant data", what, t, x->name);
	if (b->size != (size_t)n * es)
		return imp_fail(im, MOTE_CC_EFORMAT, "%s tensors[%u] '%s': buffer of %zu bytes, its shape needs %lld", what,
				t, x->name, b->size, (long long)n * (long long)es);
	*data = b->data;
	*numel = n;
	return 0;
}

/* dims of a rank-4 NHWC shape in NCHW order (others as they are) */
static void ir_dims_of(const struct tfl_tensor *x, int64_t *d)
{
	for (uint32_t i = 0; i < x->rank; i++)
		d[i] = x->shape[i];
	if (x->rank == 4) {
		d[1] = x->shape[3];
		d[2] = x->shape[1];
		d[3] = x->shape[2];
	}
}

static int set_type_shape(struct imp *im, int32_t k, uint32_t t)
{
	const struct tfl_tensor *x = &im->m->tensors[t];
	int32_t dt = imp_dtype(x->type);
	if (!dt)
		return imp_fail(im, MOTE_CC_ENOTSUP, "tensors[%u] '%s': element type %d is not supported", t, x->name,
				x->type);
	if (x->rank > IR_MAX_RANK)
		return imp_fail(im, MOTE_CC_ENOTSUP, "tensors[%u] '%s': rank %u", t, x->name, x->rank);
	struct ir_tensor *y = &im->g->t[k];
	y->dtype = dt;
	y->rank = x->rank;
	ir_dims_of(x, y->dims);
	return 0;
}

int32_t imp_output(struct imp *im, uint32_t t)
{
	if (im->map[t] >= 0)
		return imp_fail(im, MOTE_CC_EFORMAT, "tensors[%u] '%s' is written twice (or is a graph input)", t,
				tname(im, t));
	if (im->m->buffers[im->m->tensors[t].buffer].size)
		return imp_fail(im, MOTE_CC_EFORMAT, "output tensors[%u] '%s' holds constant data", t, tname(im, t));
	/* a rank-4 graph output keeps its name for the NHWC tensor made at the end */
	int nchw_out = im->is_out[t] && im->m->tensors[t].rank == 4;
	int32_t k = imp_tensor(im, tname(im, t), nchw_out ? "/nchw" : "");
	if (k < 0)
		return k;
	int rc = set_type_shape(im, k, t);
	if (rc)
		return rc;
	im->map[t] = k;
	return k;
}

/* A layout node from x (IR) to a new tensor named base+suffix with dims d:
 * Transpose by perm, or a Reshape when the two orders hold the same bytes. */
static int32_t relayout(struct imp *im, int32_t x, const char *base, const char *suffix, const int64_t *d,
			const int64_t perm[4], int same_bytes)
{
	int32_t y = imp_tensor(im, base, suffix);
	if (y < 0)
		return y;
	struct ir_tensor *yt = &im->g->t[y];
	yt->dtype = im->g->t[x].dtype;
	yt->rank = 4;
	memcpy(yt->dims, d, 4 * sizeof *d);
	int rc;
	if (same_bytes) {
		int64_t *sv = malloc(4 * sizeof *sv);
		if (!sv)
			return imp_fail(im, MOTE_CC_ENOMEM, "out of memory");
		memcpy(sv, d, 4 * sizeof *sv);
		int64_t four = 4;
		int32_t s = imp_const(im, base, "/shape", IR_INT64, 1, &four, sv, 4 * sizeof *sv);
		if (s < 0)
			return s;
		int32_t in[2] = {x, s};
		rc = imp_node(im, suffix, "Reshape", in, 2, y, NULL, 0);
	} else {
		struct nattr a = {"perm", 4, {perm[0], perm[1], perm[2], perm[3]}};
		rc = imp_node(im, suffix, "Transpose", &x, 1, y, &a, 1);
	}
	return rc ? rc : y;
}

int32_t imp_tflite_order(struct imp *im, int32_t x)
{
	const struct ir_tensor *t = &im->g->t[x];
	if (t->rank != 4)
		return x;
	int64_t d[4] = {t->dims[0], t->dims[2], t->dims[3], t->dims[1]};
	static const int64_t perm[4] = {0, 2, 3, 1};
	if (t->dims[1] == 1 || t->dims[2] * t->dims[3] == 1)
		return x; /* NCHW and NHWC hold the same bytes */
	char base[256];
	snprintf(base, sizeof base, "%s", t->name);
	return relayout(im, x, base, "/nhwc", d, perm, 0);
}

static int import_inputs(struct imp *im)
{
	const struct tfl_model *m = im->m;
	for (uint32_t i = 0; i < m->n_inputs; i++) {
		uint32_t t = (uint32_t)m->inputs[i];
		im->op = IMP_INPUT(i);
		if (im->map[t] >= 0)
			return imp_fail(im, MOTE_CC_EFORMAT, "tensors[%u] '%s' is listed twice", t, tname(im, t));
		if (m->buffers[m->tensors[t].buffer].size)
			return imp_fail(im, MOTE_CC_ENOTSUP, "tensors[%u] '%s' holds constant data", t, tname(im, t));
		int32_t k = imp_tensor(im, tname(im, t), "");
		if (k < 0)
			return k;
		int rc = set_type_shape(im, k, t);
		if (rc)
			return rc;
		struct ir_tensor *x = &im->g->t[k];
		x->is_input = 1;
		im->map[t] = k;
		if (x->rank != 4)
			continue;
		/* the caller's tensor is NHWC, as TFLite's: the IR's NCHW form follows it */
		const struct tfl_tensor *tt = &m->tensors[t];
		int64_t nhwc[4] = {tt->shape[0], tt->shape[1], tt->shape[2], tt->shape[3]}, d[4];
		ir_dims_of(tt, d);
		memcpy(x->dims, nhwc, sizeof nhwc);
		static const int64_t perm[4] = {0, 3, 1, 2};
		int32_t y = relayout(im, k, tname(im, t), "/nchw", d, perm, tt->shape[3] == 1 || (int64_t)tt->shape[1] * tt->shape[2] == 1);
		if (y < 0)
			return y;
		im->map[t] = y;
	}
	return 0;
}

static int import_outputs(struct imp *im)
{
	const struct tfl_model *m = im->m;
	if (!m->n_outputs)
		return cc_fail(im->diag, MOTE_CC_EFORMAT, "tflite: outputs: the subgraph has none");
	for (uint32_t i = 0; i < m->n_outputs; i++) {
		uint32_t t = (uint32_t)m->outputs[i];
		im->op = IMP_OUTPUT(i);
		int32_t k = im->map[t];
		if (k < 0)
			return imp_fail(im, MOTE_CC_EFORMAT, "tensors[%u] '%s' is written by no operator", t, tname(im, t));
		if (im->padded[t])
			return imp_fail(im, MOTE_CC_ENOTSUP, "tensors[%u] '%s' is a PAD's output (a PAD is only taken folded "
					"into a convolution)", t, tname(im, t));
		if (im->g->t[k].is_input || im->g->t[k].is_output)
			return imp_fail(im, MOTE_CC_ENOTSUP, "tensors[%u] '%s' is a graph input or listed twice", t,
					tname(im, t));
		const struct tfl_tensor *tt = &m->tensors[t];
		if (tt->rank == 4) {
			int64_t nhwc[4] = {tt->shape[0], tt->shape[1], tt->shape[2], tt->shape[3]};
			static const int64_t perm[4] = {0, 2, 3, 1};
			k = relayout(im, k, tname(im, t), "", nhwc, perm, tt->shape[3] == 1 || (int64_t)tt->shape[1] * tt->shape[2] == 1);
			if (k < 0)
				return k;
			/* its name must be the model's: nothing else may have taken it */
			if (strcmp(im->g->t[k].name, tname(im, t)) != 0)
				return imp_fail(im, MOTE_CC_EFORMAT, "tensors[%u] '%s': the name is taken twice", t, tname(im, t));
		}
		im->g->t[k].is_output = 1;
	}
	return 0;
}

static int import_op(struct imp *im, const struct tfl_op *o)
{
	char nb[32];
	switch (o->builtin) {
	case TFL_OP_CONV_2D: return imp_conv(im, o, 0);
	case TFL_OP_DEPTHWISE_CONV_2D: return imp_conv(im, o, 1);
	case TFL_OP_FULLY_CONNECTED: return imp_fully_connected(im, o);
	case TFL_OP_ADD: return imp_add(im, o);
	case TFL_OP_AVERAGE_POOL_2D: return imp_pool(im, o, 1);
	case TFL_OP_MAX_POOL_2D: return imp_pool(im, o, 0);
	case TFL_OP_RESHAPE: return imp_reshape(im, o);
	case TFL_OP_SOFTMAX: return imp_softmax(im, o);
	case TFL_OP_QUANTIZE: return imp_quantize(im, o, 0);
	case TFL_OP_DEQUANTIZE: return imp_quantize(im, o, 1);
	case TFL_OP_PAD: return imp_pad(im, o);
	default:
		return imp_fail(im, MOTE_CC_ENOTSUP, "the operator %s is not supported",
				imp_op_name(o->builtin, nb, sizeof nb));
	}
}

int mote_tflite_import(const void *buf, size_t len, struct ir_graph *g, struct mote_cc_diag *diag)
{
	memset(g, 0, sizeof *g);
	struct tfl_model m;
	int rc = tfl_read(buf, len, &m, diag);
	if (rc)
		return rc;
	struct imp im = {.m = &m, .g = g, .diag = diag};
	im.map = malloc((m.n_tensors ? m.n_tensors : 1) * sizeof *im.map);
	im.is_out = calloc(m.n_tensors ? m.n_tensors : 1, 1);
	im.padded = calloc(m.n_tensors ? m.n_tensors : 1, 1);
	im.pads = calloc(m.n_tensors ? m.n_tensors : 1, sizeof *im.pads);
	g->opset = 13; /* the ONNX semantics the host kernels follow (Softmax over one axis) */
	g->arith = IR_ARITH_TFLITE;
	if (!im.map || !im.is_out || !im.padded || !im.pads || !(g->name = ir_strdup("tflite")))
		rc = cc_fail(diag, MOTE_CC_ENOMEM, "tflite: out of memory");
	for (uint32_t i = 0; !rc && i < m.n_tensors; i++)
		im.map[i] = -1;
	for (uint32_t i = 0; !rc && i < m.n_outputs; i++)
		im.is_out[m.outputs[i]] = 1;
	if (!rc && m.n_subgraphs > 1)
		rc = cc_fail(diag, MOTE_CC_ENOTSUP, "tflite: subgraphs: %u (only one, without control flow, is supported)",
			     m.n_subgraphs);
	if (!rc)
		rc = import_inputs(&im);
	for (uint32_t i = 0; !rc && i < m.n_ops; i++) {
		im.op = i;
		rc = import_op(&im, &m.ops[i]);
	}
	if (!rc)
		rc = import_outputs(&im);
	free(im.map);
	free(im.is_out);
	free(im.padded);
	free(im.pads);
	tfl_model_free(&m);
	if (rc)
		ir_graph_free(g);
	return rc;
}
