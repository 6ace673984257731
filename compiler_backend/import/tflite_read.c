/* tflite_read.c: TFLite schema version 3 over flatbuf.c (see tflite_read.h).
 *
 * Field ids are those of TensorFlow Lite's schema.fbs (tensorflow/lite/
 * schema/schema.fbs, the order of each table's fields):
 *   Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4
 *   OperatorCode: deprecated_builtin_code 0 (byte), custom_code 1, version 2,
 *     builtin_code 3 (int); the operator is the larger of the two codes
 *   SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4
 *   Tensor: shape 0, type 1 (byte), buffer 2 (uint), name 3, quantization 4,
 *     is_variable 5, sparsity 6
 *   QuantizationParameters: min 0, max 1, scale 2 ([float]), zero_point 3
 *     ([long]), details_type 4, details 5, quantized_dimension 6 (int)
 *   Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3,
 *     builtin_options 4, custom_options 5
 *   Buffer: data 0 ([ubyte]), offset 1 (ulong), size 2 (ulong)
 *   Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3,
 *     dilation_w_factor 4 (default 1), dilation_h_factor 5 (default 1)
 *   DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3,
 *     fused_activation_function 4, dilation_w_factor 5, dilation_h_factor 6
 *   Pool2DOptions: padding 0, stride_w 1, stride_h 2, filter_width 3,
 *     filter_height 4, fused_activation_function 5
 *   FullyConnectedOptions: fused_activation_function 0, weights_format 1,
 *     keep_num_dims 2
 *   SoftmaxOptions: beta 0 (float); AddOptions: fused_activation_function 0;
 *   ReshapeOptions: new_shape 0 ([int])
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flatbuf.h"
#include "tflite_read.h"

#define BAD(...) cc_fail(f->diag, MOTE_CC_EFORMAT, __VA_ARGS__)
#define NOTSUP(...) cc_fail(f->diag, MOTE_CC_ENOTSUP, __VA_ARGS__)

/* Counts of the model's vectors: generous for any model this compiler runs,
 * and a bound on what a hostile file makes us allocate. */
#define MAX_COUNT (1u << 20)

int tfl_is_tflite(const void *buf, size_t len)
{
	return buf && len >= 8 && memcmp((const uint8_t *)buf + 4, "TFL3", 4) == 0;
}

static int get_i32(struct fb *f, const struct fb_table *t, unsigned id, const char *field, int32_t dflt, int32_t *v)
{
	uint64_t x;
	int rc = fb_scalar(f, t, id, field, 4, (uint32_t)dflt, &x);
	*v = (int32_t)(uint32_t)x;
	return rc;
}

static int get_i8(struct fb *f, const struct fb_table *t, unsigned id, const char *field, int32_t *v)
{
	uint64_t x;
	int rc = fb_scalar(f, t, id, field, 1, 0, &x);
	*v = (int8_t)(uint8_t)x;
	return rc;
}

/* A vector of int32 into a fresh array (*a owned by the caller; NULL when empty). */
static int int_vector(struct fb *f, const struct fb_table *t, unsigned id, const char *field, int32_t **a,
		      uint32_t *n, uint32_t max)
{
	struct fb_vec v;
	*a = NULL;
	*n = 0;
	int rc = fb_vector(f, t, id, field, 4, &v);
	if (rc <= 0)
		return rc;
	if (v.n > max)
		return NOTSUP("tflite: %s%s%s: %u elements (at most %u)", t->path, t->path[0] ? "." : "", field, v.n,
			      max);
	if (!v.n)
		return 0;
	if (!(*a = malloc((size_t)v.n * sizeof **a)))
		return cc_fail(f->diag, MOTE_CC_ENOMEM, "tflite: %s%s%s: out of memory", t->path, t->path[0] ? "." : "",
			       field);
	for (uint32_t i = 0; i < v.n; i++)
		(*a)[i] = (int32_t)fb_u32(f->p + v.pos + 4 * (size_t)i);
	*n = v.n;
	return 0;
}

/* A vector of tables, at most MAX_COUNT long (absent: 0 elements). */
static int table_vector(struct fb *f, const struct fb_table *t, unsigned id, const char *field, struct fb_vec *v)
{
	int rc = fb_vector(f, t, id, field, 4, v);
	if (rc < 0)
		return rc;
	if (v->n > MAX_COUNT)
		return NOTSUP("tflite: %s%s%s: %u elements (at most %u)", t->path, t->path[0] ? "." : "", field, v->n,
			      MAX_COUNT);
	return 0;
}

static void *alloc_n(struct fb *f, uint32_t n, size_t size, const char *what)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		cc_fail(f->diag, MOTE_CC_ENOMEM, "tflite: %s: out of memory for %u entries", what, n);
	return p;
}

static int read_codes(struct fb *f, const struct fb_table *model, struct tfl_model *m)
{
	struct fb_vec v;
	int rc = table_vector(f, model, 1, "operator_codes", &v);
	if (rc)
		return rc;
	if (!(m->codes = alloc_n(f, v.n, sizeof *m->codes, "operator_codes")))
		return MOTE_CC_ENOMEM;
	for (uint32_t i = 0; i < v.n; i++) {
		char path[48];
		struct fb_table t;
		int32_t dep, code;
		snprintf(path, sizeof path, "operator_codes[%u]", i);
		if ((rc = fb_vec_table(f, &v, i, path, &t)) || (rc = get_i8(f, &t, 0, "deprecated_builtin_code", &dep)) ||
		    (rc = get_i32(f, &t, 3, "builtin_code", 0, &code)))
			return rc;
		if (dep < 0 || code < 0)
			return BAD("tflite: %s: builtin code %d (deprecated byte %d) is negative", path, code, dep);
		m->codes[i] = code > dep ? code : dep;
		m->n_codes = i + 1;
	}
	return 0;
}

static int read_buffers(struct fb *f, const struct fb_table *model, struct tfl_model *m)
{
	struct fb_vec v;
	int rc = table_vector(f, model, 4, "buffers", &v);
	if (rc)
		return rc;
	if (!(m->buffers = alloc_n(f, v.n, sizeof *m->buffers, "buffers")))
		return MOTE_CC_ENOMEM;
	m->n_buffers = v.n;
	for (uint32_t i = 0; i < v.n; i++) {
		char path[48];
		struct fb_table t;
		struct fb_vec d;
		uint64_t off, size;
		snprintf(path, sizeof path, "buffers[%u]", i);
		if ((rc = fb_vec_table(f, &v, i, path, &t)) || (rc = fb_vector(f, &t, 0, "data", 1, &d)) < 0 ||
		    (rc = fb_scalar(f, &t, 1, "offset", 8, 0, &off)) || (rc = fb_scalar(f, &t, 2, "size", 8, 0, &size)))
			return rc;
		if (d.n) {
			m->buffers[i] = (struct tfl_buffer){.data = f->p + d.pos, .size = d.n};
		} else if (off > 1) { /* data outside the flatbuffer, at an offset from the file's start */
			if (off > f->len || size > f->len - off)
				return BAD("tflite: %s: %llu bytes at offset %llu run past the end of the file (%zu bytes)",
					   path, (unsigned long long)size, (unsigned long long)off, f->len);
			m->buffers[i] = (struct tfl_buffer){.data = f->p + off, .size = (size_t)size};
		}
	}
	return 0;
}

static int read_quant(struct fb *f, const struct fb_table *tt, const char *tpath, struct tfl_tensor *x)
{
	char path[64];
	struct fb_table q;
	snprintf(path, sizeof path, "%s.quantization", tpath);
	int rc = fb_subtable(f, tt, 4, "quantization", path, &q);
	if (rc <= 0)
		return rc;
	uint64_t details;
	int32_t dim;
	struct fb_vec sv, zv;
	if ((rc = fb_scalar(f, &q, 4, "details_type", 1, 0, &details)) || (rc = get_i32(f, &q, 6, "quantized_dimension", 0,
											  &dim)))
		return rc;
	if (details)
		return NOTSUP("tflite: %s.details_type: custom quantization (%llu) is not supported", path,
			      (unsigned long long)details);
	if ((rc = fb_vector(f, &q, 2, "scale", 4, &sv)) < 0 || (rc = fb_vector(f, &q, 3, "zero_point", 8, &zv)) < 0)
		return rc;
	if (!sv.n) {
		if (zv.n)
			return BAD("tflite: %s: %u zero points without scales", path, zv.n);
		return 0; /* min/max only: not quantized for inference */
	}
	if (zv.n && zv.n != sv.n)
		return BAD("tflite: %s.zero_point: %u values for %u scales", path, zv.n, sv.n);
	if (sv.n > 1 && (dim < 0 || (uint32_t)dim >= x->rank || (int64_t)x->shape[dim] != sv.n))
		return BAD("tflite: %s: %u scales along quantized_dimension %d of a shape whose dimension there is %d", path,
			   sv.n, dim, dim >= 0 && (uint32_t)dim < x->rank ? x->shape[dim] : -1);
	x->q.scale = malloc((size_t)sv.n * sizeof *x->q.scale);
	x->q.zero_point = calloc(sv.n, sizeof *x->q.zero_point);
	if (!x->q.scale || !x->q.zero_point)
		return cc_fail(f->diag, MOTE_CC_ENOMEM, "tflite: %s: out of memory", path);
	x->q.n = sv.n;
	x->q.dim = dim;
	for (uint32_t i = 0; i < sv.n; i++) {
		uint32_t b = fb_u32(f->p + sv.pos + 4 * (size_t)i);
		memcpy(&x->q.scale[i], &b, sizeof b);
		if (zv.n)
			x->q.zero_point[i] = (int64_t)((uint64_t)fb_u32(f->p + zv.pos + 8 * (size_t)i) |
						       (uint64_t)fb_u32(f->p + zv.pos + 8 * (size_t)i + 4) << 32);
	}
	return 0;
}

static int read_tensor(struct fb *f, const struct fb_vec *v, uint32_t i, struct tfl_model *m)
{
	char path[48];
	struct fb_table t, sp;
	struct tfl_tensor *x = &m->tensors[i];
	int32_t *shape = NULL;
	uint32_t rank;
	uint64_t buffer;
	snprintf(path, sizeof path, "tensors[%u]", i);
	int rc = fb_vec_table(f, v, i, path, &t);
	if (!rc)
		rc = fb_string(f, &t, 3, "name", &x->name);
	if (!rc)
		rc = int_vector(f, &t, 0, "shape", &shape, &rank, 1u << 16);
	if (!rc && rank > TFL_MAX_RANK)
		rc = NOTSUP("tflite: %s.shape: rank %u (at most %d)", path, rank, TFL_MAX_RANK);
	for (uint32_t d = 0; !rc && d < rank; d++) {
		if (shape[d] < 0)
			rc = BAD("tflite: %s.shape: dimension %u is %d", path, d, shape[d]);
		x->shape[d] = shape[d];
	}
	free(shape);
	if (rc)
		return rc;
	x->rank = rank;
	if ((rc = get_i8(f, &t, 1, "type", &x->type)) || (rc = fb_scalar(f, &t, 2, "buffer", 4, 0, &buffer)))
		return rc;
	if (buffer >= m->n_buffers)
		return BAD("tflite: %s.buffer: index %llu, the model has %u buffers", path, (unsigned long long)buffer,
			   m->n_buffers);
	x->buffer = (uint32_t)buffer;
	if ((rc = fb_subtable(f, &t, 6, "sparsity", path, &sp)) < 0)
		return rc;
	if (rc)
		return NOTSUP("tflite: %s.sparsity: sparse tensors are not supported", path);
	return read_quant(f, &t, path, x);
}

uint32_t tfl_options_type_of(int32_t builtin)
{
	switch (builtin) {
	case TFL_OP_CONV_2D: return TFL_OPT_CONV2D;
	case TFL_OP_DEPTHWISE_CONV_2D: return TFL_OPT_DEPTHWISE_CONV2D;
	case TFL_OP_AVERAGE_POOL_2D:
	case TFL_OP_MAX_POOL_2D: return TFL_OPT_POOL2D;
	case TFL_OP_FULLY_CONNECTED: return TFL_OPT_FULLY_CONNECTED;
	case TFL_OP_SOFTMAX: return TFL_OPT_SOFTMAX;
	case TFL_OP_ADD: return TFL_OPT_ADD;
	case TFL_OP_RESHAPE: return TFL_OPT_RESHAPE;
	case TFL_OP_PAD: return TFL_OPT_PAD;
	case TFL_OP_DEQUANTIZE: return TFL_OPT_DEQUANTIZE;
	case TFL_OP_QUANTIZE: return TFL_OPT_QUANTIZE;
	default: return TFL_OPT_NONE;
	}
}

static int read_options(struct fb *f, const struct fb_table *t, const char *opath, struct tfl_op *o)
{
	struct tfl_options *p = &o->opt;
	struct fb_table ot;
	char path[64];
	p->dilation_w = p->dilation_h = 1;
	uint32_t want = tfl_options_type_of(o->builtin);
	if (o->options_type != TFL_OPT_NONE && want != TFL_OPT_NONE && o->options_type != want)
		return BAD("tflite: %s.builtin_options_type: %u, but %s takes options type %u", opath, o->options_type,
			   tfl_op_name(o->builtin), want);
	snprintf(path, sizeof path, "%s.builtin_options", opath);
	int rc = fb_subtable(f, t, 4, "builtin_options", path, &ot);
	if (rc < 0)
		return rc;
	if (!rc || want == TFL_OPT_NONE || o->options_type == TFL_OPT_NONE)
		return 0;
	uint64_t keep, beta;
	switch (want) {
	case TFL_OPT_CONV2D:
		if ((rc = get_i8(f, &ot, 0, "padding", &p->padding)) || (rc = get_i32(f, &ot, 1, "stride_w", 0, &p->stride_w)) ||
		    (rc = get_i32(f, &ot, 2, "stride_h", 0, &p->stride_h)) ||
		    (rc = get_i8(f, &ot, 3, "fused_activation_function", &p->activation)) ||
		    (rc = get_i32(f, &ot, 4, "dilation_w_factor", 1, &p->dilation_w)) ||
		    (rc = get_i32(f, &ot, 5, "dilation_h_factor", 1, &p->dilation_h)))
			return rc;
		return 0;
	case TFL_OPT_DEPTHWISE_CONV2D:
		if ((rc = get_i8(f, &ot, 0, "padding", &p->padding)) || (rc = get_i32(f, &ot, 1, "stride_w", 0, &p->stride_w)) ||
		    (rc = get_i32(f, &ot, 2, "stride_h", 0, &p->stride_h)) ||
		    (rc = get_i32(f, &ot, 3, "depth_multiplier", 0, &p->depth_multiplier)) ||
		    (rc = get_i8(f, &ot, 4, "fused_activation_function", &p->activation)) ||
		    (rc = get_i32(f, &ot, 5, "dilation_w_factor", 1, &p->dilation_w)) ||
		    (rc = get_i32(f, &ot, 6, "dilation_h_factor", 1, &p->dilation_h)))
			return rc;
		return 0;
	case TFL_OPT_POOL2D:
		if ((rc = get_i8(f, &ot, 0, "padding", &p->padding)) || (rc = get_i32(f, &ot, 1, "stride_w", 0, &p->stride_w)) ||
		    (rc = get_i32(f, &ot, 2, "stride_h", 0, &p->stride_h)) ||
		    (rc = get_i32(f, &ot, 3, "filter_width", 0, &p->filter_w)) ||
		    (rc = get_i32(f, &ot, 4, "filter_height", 0, &p->filter_h)) ||
		    (rc = get_i8(f, &ot, 5, "fused_activation_function", &p->activation)))
			return rc;
		return 0;
	case TFL_OPT_FULLY_CONNECTED:
		if ((rc = get_i8(f, &ot, 0, "fused_activation_function", &p->activation)) ||
		    (rc = get_i8(f, &ot, 1, "weights_format", &p->weights_format)) ||
		    (rc = fb_scalar(f, &ot, 2, "keep_num_dims", 1, 0, &keep)))
			return rc;
		p->keep_num_dims = keep != 0;
		return 0;
	case TFL_OPT_SOFTMAX: {
		if ((rc = fb_scalar(f, &ot, 0, "beta", 4, 0, &beta)))
			return rc;
		uint32_t b = (uint32_t)beta;
		memcpy(&p->beta, &b, sizeof b);
		return 0;
	}
	case TFL_OPT_ADD:
		return get_i8(f, &ot, 0, "fused_activation_function", &p->activation);
	case TFL_OPT_RESHAPE: {
		int32_t *s;
		uint32_t n;
		if ((rc = int_vector(f, &ot, 0, "new_shape", &s, &n, TFL_MAX_RANK)))
			return rc;
		if (n)
			memcpy(p->new_shape, s, n * sizeof *s);
		p->n_new_shape = n;
		free(s);
		return 0;
	}
	default: /* PAD, QUANTIZE, DEQUANTIZE: options without fields */
		return 0;
	}
}

/* Operator i's tensor indices: each in range (inputs may be -1: omitted). */
static int check_indices(struct fb *f, const char *opath, const char *field, const int32_t *v, uint32_t n,
			 uint32_t n_tensors, int allow_omitted)
{
	for (uint32_t k = 0; k < n; k++)
		if (v[k] >= (int64_t)n_tensors || v[k] < (allow_omitted ? -1 : 0))
			return BAD("tflite: %s%s%s[%u]: tensor index %d, the subgraph has %u tensors", opath,
				   opath[0] ? "." : "", field, k, v[k], n_tensors);
	return 0;
}

static int read_op(struct fb *f, const struct fb_vec *v, uint32_t i, struct tfl_model *m)
{
	char path[48];
	struct fb_table t;
	struct tfl_op *o = &m->ops[i];
	uint64_t code, ot;
	snprintf(path, sizeof path, "operators[%u]", i);
	int rc = fb_vec_table(f, v, i, path, &t);
	if (!rc)
		rc = fb_scalar(f, &t, 0, "opcode_index", 4, 0, &code);
	if (rc)
		return rc;
	if (code >= m->n_codes)
		return BAD("tflite: %s.opcode_index: %llu, the model has %u operator codes", path, (unsigned long long)code,
			   m->n_codes);
	o->opcode_index = (uint32_t)code;
	o->builtin = m->codes[code];
	if ((rc = int_vector(f, &t, 1, "inputs", &o->in, &o->n_in, 1u << 16)) ||
	    (rc = int_vector(f, &t, 2, "outputs", &o->out, &o->n_out, 1u << 16)) ||
	    (rc = check_indices(f, path, "inputs", o->in, o->n_in, m->n_tensors, 1)) ||
	    (rc = check_indices(f, path, "outputs", o->out, o->n_out, m->n_tensors, 0)) ||
	    (rc = fb_scalar(f, &t, 3, "builtin_options_type", 1, 0, &ot)))
		return rc;
	o->options_type = (uint32_t)ot;
	return read_options(f, &t, path, o);
}

static int read_subgraph(struct fb *f, const struct fb_table *model, struct tfl_model *m)
{
	struct fb_vec sgs, tv, ov;
	struct fb_table sg;
	int rc = table_vector(f, model, 2, "subgraphs", &sgs);
	if (rc)
		return rc;
	if (!sgs.n)
		return BAD("tflite: subgraphs: the model has none");
	m->n_subgraphs = sgs.n;
	/* paths inside the main subgraph start at its fields ("tensors[3]") */
	if ((rc = fb_vec_table(f, &sgs, 0, "subgraphs[0]", &sg)))
		return rc;
	sg.path = "";
	if ((rc = table_vector(f, &sg, 0, "tensors", &tv)) || (rc = table_vector(f, &sg, 3, "operators", &ov)))
		return rc;
	if (!(m->tensors = alloc_n(f, tv.n, sizeof *m->tensors, "tensors")) ||
	    !(m->ops = alloc_n(f, ov.n, sizeof *m->ops, "operators")))
		return MOTE_CC_ENOMEM;
	for (uint32_t i = 0; i < tv.n; i++) {
		m->n_tensors = i + 1; /* counted before filled, so a failure frees what it holds */
		if ((rc = read_tensor(f, &tv, i, m)))
			return rc;
	}
	m->n_tensors = tv.n;
	if ((rc = int_vector(f, &sg, 1, "inputs", &m->inputs, &m->n_inputs, MAX_COUNT)) ||
	    (rc = int_vector(f, &sg, 2, "outputs", &m->outputs, &m->n_outputs, MAX_COUNT)) ||
	    (rc = check_indices(f, "", "inputs", m->inputs, m->n_inputs, m->n_tensors, 0)) ||
	    (rc = check_indices(f, "", "outputs", m->outputs, m->n_outputs, m->n_tensors, 0)))
		return rc;
	for (uint32_t i = 0; i < ov.n; i++) {
		m->n_ops = i + 1;
		if ((rc = read_op(f, &ov, i, m)))
			return rc;
	}
	m->n_ops = ov.n;
	return 0;
}

int tfl_read(const void *buf, size_t len, struct tfl_model *m, struct mote_cc_diag *diag)
{
	memset(m, 0, sizeof *m);
	if (!buf)
		return cc_fail(diag, MOTE_CC_EINVAL, "tflite: no model bytes");
	/* each table costs at least 4 bytes of the file and each element 1; 4x
	 * that (and a floor for tiny files) is what honest sharing could need */
	struct fb fb = {.p = buf, .len = len, .budget = 4 * (uint64_t)len + 4096, .diag = diag}, *f = &fb;
	struct fb_table model;
	int rc;
	if (!tfl_is_tflite(buf, len)) {
		rc = BAD("tflite: no \"TFL3\" file identifier at bytes 4..7");
		goto out;
	}
	if ((rc = fb_root(f, "model", &model)))
		goto out;
	uint64_t version;
	if ((rc = fb_scalar(f, &model, 0, "version", 4, 0, &version)))
		goto out;
	if (version != 3) {
		rc = NOTSUP("tflite: model.version: %llu (this reader takes schema version 3)", (unsigned long long)version);
		goto out;
	}
	m->version = 3;
	if ((rc = read_codes(f, &model, m)) || (rc = read_buffers(f, &model, m)) || (rc = read_subgraph(f, &model, m)))
		goto out;
out:
	if (rc)
		tfl_model_free(m);
	return rc;
}

void tfl_model_free(struct tfl_model *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; m->tensors && i < m->n_tensors; i++) {
		free(m->tensors[i].name);
		free(m->tensors[i].q.scale);
		free(m->tensors[i].q.zero_point);
	}
	for (uint32_t i = 0; m->ops && i < m->n_ops; i++) {
		free(m->ops[i].in);
		free(m->ops[i].out);
	}
	free(m->tensors);
	free(m->ops);
	free(m->codes);
	free(m->buffers);
	free(m->inputs);
	free(m->outputs);
	memset(m, 0, sizeof *m);
}
