/* test_tflite.c: the TFLite reader (tflite_read.c) on the four MLPerf Tiny
 * reference models and on malformed copies of them and of small models
 * built here (tfl_build.c).
 *
 * The models are outside the repository: MOTE_MLPERF_TINY names their
 * directory (make test sets it from MLPERF_TINY, default
 * ../shared/models/mlperf-tiny); a missing model is a failure, not a skip.
 *
 * The importer (tflite_import.c) on the same models: the nodes it makes,
 * the graph's inputs and outputs as TFLite names and shapes them; and on
 * a small CNN built here, whose every tensor the reference executor computes
 * is compared with a direct NHWC computation written in this file from
 * TFLite's operator definitions (so the layout changes, padding, weight
 * reordering and clamps of the import are checked against code that has
 * none of them).
 *
 * What the reader must find was established independently of it:
 *   - a digest (FNV-1a 64 of a canonical text of every code, tensor with its
 *     quantization, operator with its options, and the graph inputs and
 *     outputs) computed by scripts/tflite_dump.py, a second reader written
 *     in Python from the schema (`tflite_dump.py MODEL --digest`);
 *   - graph input and output names, shapes and quantization as Arm NN's
 *     TFLite parser (Debian python3-pyarmnn 20.08) reports them.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flatbuf.h"
#include "ir_exec.h"
#include "model.h"
#include "mote/mote_kernels.h"
#include "tfl_build.h"
#include "tflite_import.h"
#include "tflite_read.h"

static const char *model_dir(void)
{
	const char *d = getenv("MOTE_MLPERF_TINY");
	return d ? d : "../shared/models/mlperf-tiny";
}

static uint8_t *slurp_model(const char *file, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", model_dir(), file);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s: set MLPERF_TINY (make) or MOTE_MLPERF_TINY to the directory of the "
		      "MLPerf Tiny .tflite models", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert(n > 0);
	rewind(f);
	uint8_t *b = malloc((size_t)n);
	ck_assert(b != NULL);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* ---- the canonical text of scripts/tflite_dump.py's digest_text ------------------ */

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		ck_assert(n >= 0);
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = 2 * t->cap + (size_t)n + 64;
		t->s = realloc(t->s, t->cap);
		ck_assert(t->s != NULL);
	}
}

static void put_ints(struct text *t, const int32_t *v, uint32_t n)
{
	put(t, "[");
	for (uint32_t i = 0; i < n; i++)
		put(t, "%s%d", i ? "," : "", v[i]);
	put(t, "]");
}

static uint32_t fbits(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	return h;
}

static void digest(const struct tfl_model *m, uint64_t *h, size_t *len)
{
	struct text t = {0};
	put(&t, "v%u\n", m->version);
	for (uint32_t i = 0; i < m->n_codes; i++)
		put(&t, "c%d\n", m->codes[i]);
	put(&t, "b%u\n", m->n_buffers);
	for (uint32_t i = 0; i < m->n_tensors; i++) {
		const struct tfl_tensor *x = &m->tensors[i];
		put(&t, "t%u %s %d %u %zu ", i, x->name, x->type, x->buffer, m->buffers[x->buffer].size);
		put_ints(&t, x->shape, x->rank);
		put(&t, " q[");
		for (uint32_t k = 0; k < x->q.n; k++)
			put(&t, "%s%08x", k ? "," : "", fbits(x->q.scale[k]));
		put(&t, "] z[");
		for (uint32_t k = 0; k < x->q.n; k++)
			put(&t, "%s%lld", k ? "," : "", (long long)x->q.zero_point[k]);
		put(&t, "] d%d\n", x->q.n ? x->q.dim : 0);
	}
	for (uint32_t i = 0; i < m->n_ops; i++) {
		const struct tfl_op *o = &m->ops[i];
		const struct tfl_options *p = &o->opt;
		put(&t, "o%u %d ", i, o->builtin);
		put_ints(&t, o->in, o->n_in);
		put(&t, " ");
		put_ints(&t, o->out, o->n_out);
		put(&t, " %u pad%d sw%d sh%d dw%d dh%d act%d dm%d fw%d fh%d wf%d kd%d beta%08x ns", o->options_type, p->padding,
		    p->stride_w, p->stride_h, p->dilation_w, p->dilation_h, p->activation, p->depth_multiplier, p->filter_w,
		    p->filter_h, p->weights_format, p->keep_num_dims, fbits(p->beta));
		put_ints(&t, p->new_shape, p->n_new_shape);
		put(&t, "\n");
	}
	put(&t, "i");
	put_ints(&t, m->inputs, m->n_inputs);
	put(&t, " o");
	put_ints(&t, m->outputs, m->n_outputs);
	put(&t, "\n");
	*h = fnv1a64(t.s, t.len);
	*len = t.len;
	if (getenv("MOTE_TFLITE_DIGEST_TEXT"))
		fwrite(t.s, 1, t.len, stderr);
	free(t.s);
}

/* ---- the four models ---------------------------------------------------------------- */

static const struct mlperf {
	const char *file;
	uint64_t digest;            /* tflite_dump.py --digest */
	size_t digest_len;
	uint32_t n_tensors, n_ops, n_buffers;
	const char *ops;            /* builtin codes in order */
	/* graph input and output as Arm NN reports them */
	const char *in_name;
	uint32_t in_rank;
	int32_t in_shape[4];
	float in_scale;
	int32_t in_zp;
	const char *out_name;
	int32_t out_n;
	float out_scale;
	int32_t out_zp;
} models[] = {
	{"pretrainedResnet_quant.tflite", 0x3d4dc8689356f592ull, 13338, 38, 16, 40,
	 "3 3 3 0 3 3 3 0 3 3 3 0 1 22 9 25", "input_1_int8", 4, {1, 32, 32, 3}, 1.0f, -128, "Identity_int8", 10,
	 0.00390625f, -128},
	{"kws_ref_model.tflite", 0xc887d9ee8de7522eull, 20576, 35, 13, 37, "3 4 3 4 3 4 3 4 3 1 22 9 25", "input_1", 4,
	 {1, 49, 10, 1}, 0.5847029089927673f, 83, "Identity", 12, 0.00390625f, -128},
	{"vww_96_int8.tflite", 0x21c1f748eecc3332ull, 80270, 89, 31, 91,
	 "3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 4 3 1 22 9 25", "input_1_int8", 4, {1, 96, 96, 3},
	 0.003921568859368563f, -128, "Identity_int8", 2, 0.00390625f, -128},
	{"ad01_int8.tflite", 0xaa13cc461362997cull, 3509, 31, 10, 33, "9 9 9 9 9 9 9 9 9 9", "input_1", 2, {1, 640},
	 0.3910152316093445f, 89, "Identity", 640, 0.36449846625328064f, 96},
};

START_TEST(mlperf_models)
{
	for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
		const struct mlperf *e = &models[k];
		size_t len;
		uint8_t *b = slurp_model(e->file, &len);
		ck_assert(tfl_is_tflite(b, len));
		struct tfl_model m;
		struct mote_cc_diag d = {{0}};
		int rc = tfl_read(b, len, &m, &d);
		ck_assert_msg(rc == 0, "%s: %s", e->file, d.msg);
		ck_assert_uint_eq(m.version, 3);
		ck_assert_uint_eq(m.n_subgraphs, 1);
		ck_assert_uint_eq(m.n_tensors, e->n_tensors);
		ck_assert_uint_eq(m.n_ops, e->n_ops);
		ck_assert_uint_eq(m.n_buffers, e->n_buffers);
		char ops[256] = "";
		for (uint32_t i = 0; i < m.n_ops; i++)
			snprintf(ops + strlen(ops), sizeof ops - strlen(ops), "%s%d", i ? " " : "", m.ops[i].builtin);
		ck_assert_str_eq(ops, e->ops);
		uint64_t h;
		size_t hl;
		digest(&m, &h, &hl);
		ck_assert_msg(h == e->digest && hl == e->digest_len, "%s: digest %016llx over %zu bytes, tflite_dump.py "
			      "gives %016llx over %zu", e->file, (unsigned long long)h, hl, (unsigned long long)e->digest,
			      e->digest_len);
		ck_assert_uint_eq(m.n_inputs, 1);
		ck_assert_uint_eq(m.n_outputs, 1);
		const struct tfl_tensor *x = &m.tensors[m.inputs[0]], *y = &m.tensors[m.outputs[0]];
		ck_assert_str_eq(x->name, e->in_name);
		ck_assert_int_eq(x->type, TFL_INT8);
		ck_assert_uint_eq(x->rank, e->in_rank);
		for (uint32_t i = 0; i < x->rank; i++)
			ck_assert_int_eq(x->shape[i], e->in_shape[i]);
		ck_assert_uint_eq(x->q.n, 1);
		ck_assert(x->q.scale[0] == e->in_scale);
		ck_assert_int_eq(x->q.zero_point[0], e->in_zp);
		ck_assert_str_eq(y->name, e->out_name);
		ck_assert_int_eq(y->type, TFL_INT8);
		ck_assert_uint_eq(y->rank, 2);
		ck_assert_int_eq(y->shape[0], 1);
		ck_assert_int_eq(y->shape[1], e->out_n);
		ck_assert(y->q.scale[0] == e->out_scale);
		ck_assert_int_eq(y->q.zero_point[0], e->out_zp);
		/* every weight a conv reads is per-channel along dimension 0 (depthwise: 3) */
		for (uint32_t i = 0; i < m.n_ops; i++) {
			const struct tfl_op *o = &m.ops[i];
			if (o->builtin != TFL_OP_CONV_2D && o->builtin != TFL_OP_DEPTHWISE_CONV_2D)
				continue;
			const struct tfl_tensor *w = &m.tensors[o->in[1]];
			int dw = o->builtin == TFL_OP_DEPTHWISE_CONV_2D;
			ck_assert_uint_eq(w->rank, 4);
			ck_assert_uint_eq(w->q.n, (uint32_t)w->shape[dw ? 3 : 0]);
			ck_assert_int_eq(w->q.dim, dw ? 3 : 0);
			ck_assert_uint_eq(m.buffers[w->buffer].size,
					  (size_t)w->shape[0] * w->shape[1] * w->shape[2] * w->shape[3]);
			ck_assert_int_eq(o->opt.depth_multiplier, dw ? 1 : 0);
		}
		tfl_model_free(&m);
		free(b);
	}
}
END_TEST

/* ---- malformed copies of a real model ------------------------------------------------- */

/* Positions inside a trusted model, found with the flatbuffer accessors. */
struct where {
	struct fb f;
	struct fb_table model, sg;
	struct fb_vec subgraphs, tensors, ops;
};

static void locate(const uint8_t *b, size_t len, struct where *w, struct mote_cc_diag *d)
{
	w->f = (struct fb){.p = b, .len = len, .budget = UINT64_MAX, .diag = d};
	ck_assert_int_eq(fb_root(&w->f, "model", &w->model), 0);
	ck_assert_int_eq(fb_vector(&w->f, &w->model, 2, "subgraphs", 4, &w->subgraphs), 1);
	ck_assert_int_eq(fb_vec_table(&w->f, &w->subgraphs, 0, "subgraphs[0]", &w->sg), 0);
	ck_assert_int_eq(fb_vector(&w->f, &w->sg, 0, "tensors", 4, &w->tensors), 1);
	ck_assert_int_eq(fb_vector(&w->f, &w->sg, 3, "operators", 4, &w->ops), 1);
}

/* Position of field id of table t (present). */
static size_t field_pos(const uint8_t *b, const struct fb_table *t, unsigned id)
{
	uint16_t off = fb_u16(b + t->vt + 4 + 2 * id);
	ck_assert_uint_ne(off, 0);
	return t->pos + off;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A copy of the model with a 4-byte patch at pos; tfl_read must fail with
 * status rc and exactly the message msg. */
static void expect_patch(const uint8_t *b, size_t len, size_t pos, uint32_t v, int rc, const char *msg)
{
	uint8_t *c = malloc(len);
	ck_assert(c != NULL);
	memcpy(c, b, len);
	put_le32(c + pos, v);
	struct tfl_model m;
	struct mote_cc_diag d = {{0}};
	int got = tfl_read(c, len, &m, &d);
	ck_assert_msg(got == rc && strcmp(d.msg, msg) == 0, "patch at %zu: got %s '%s', expected %s '%s'", pos,
		      mote_cc_status_name(got), d.msg, mote_cc_status_name(rc), msg);
	free(c);
}

START_TEST(malformed)
{
	size_t len;
	uint8_t *b = slurp_model("pretrainedResnet_quant.tflite", &len);
	struct mote_cc_diag d = {{0}};
	struct tfl_model m;
	struct where w;
	locate(b, len, &w, &d);
	char msg[192];

	/* truncated: too short, no identifier, then cut inside the data */
	ck_assert_int_eq(tfl_read(b, 7, &m, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: no \"TFL3\" file identifier at bytes 4..7");
	for (size_t cut = 8; cut < len; cut += cut / 3 + 1) {
		int rc = tfl_read(b, cut, &m, &d);
		ck_assert_msg(rc == MOTE_CC_EFORMAT && strstr(d.msg, "past the end"), "cut at %zu: %s '%s'", cut,
			      mote_cc_status_name(rc), d.msg);
	}
	/* the root offset past the end */
	snprintf(msg, sizeof msg, "tflite: root offset 4294967280 points past the end of the buffer (%zu bytes)", len);
	expect_patch(b, len, 0, 0xfffffff0u, MOTE_CC_EFORMAT, msg);
	/* a vector whose length runs past the end */
	struct fb_table op12;
	ck_assert_int_eq(fb_vec_table(&w.f, &w.ops, 12, "operators[12]", &op12), 0);
	size_t in_field = field_pos(b, &op12, 1), in_vec = in_field + fb_u32(b + in_field);
	expect_patch(b, len, in_vec, 0x40000000u, MOTE_CC_EFORMAT,
		     "tflite: operators[12].inputs: vector of 1073741824 elements runs past the end of the buffer");
	/* a cycle: subgraphs[0]'s offset made to wrap back onto the subgraph vector
	 * itself (with 32-bit sums it would point 4 bytes back); summed in 64
	 * bits it points past the end */
	expect_patch(b, len, w.subgraphs.pos, 0xfffffffcu, MOTE_CC_EFORMAT,
		     "tflite: subgraphs[0]: offset points past the end of the buffer");
	/* an operator's offset pointing at its own vector: a table there has a
	 * vtable outside the buffer or is read as one, never looped over */
	expect_patch(b, len, w.ops.pos + 4 * 3, 0x7ffffff0u, MOTE_CC_EFORMAT,
		     "tflite: operators[3]: offset points past the end of the buffer");
	/* a table whose vtable lies outside the buffer */
	struct fb_table t3;
	ck_assert_int_eq(fb_vec_table(&w.f, &w.tensors, 3, "tensors[3]", &t3), 0);
	expect_patch(b, len, t3.pos, 0x80000000u, MOTE_CC_EFORMAT,
		     "tflite: tensors[3]: vtable (soffset -2147483648) lies outside the buffer");
	/* a buffer index out of range */
	expect_patch(b, len, field_pos(b, &t3, 2), 999, MOTE_CC_EFORMAT,
		     "tflite: tensors[3].buffer: index 999, the model has 40 buffers");
	/* an operator code index out of range */
	expect_patch(b, len, field_pos(b, &op12, 0), 8, MOTE_CC_EFORMAT,
		     "tflite: operators[12].opcode_index: 8, the model has 8 operator codes");
	/* a tensor index out of range */
	expect_patch(b, len, in_vec + 4, 38, MOTE_CC_EFORMAT,
		     "tflite: operators[12].inputs[0]: tensor index 38, the subgraph has 38 tensors");
	/* a string without its NUL */
	size_t name_field = field_pos(b, &t3, 3), name = name_field + fb_u32(b + name_field);
	uint32_t name_len = fb_u32(b + name);
	uint8_t *c = malloc(len);
	memcpy(c, b, len);
	c[name + 4 + name_len] = 'x';
	ck_assert_int_eq(tfl_read(c, len, &m, &d), MOTE_CC_EFORMAT);
	snprintf(msg, sizeof msg, "tflite: tensors[3].name: string of %u bytes has no NUL terminator", name_len);
	ck_assert_str_eq(d.msg, msg);
	free(c);
	/* a field outside its table: the model's vtable made to say its table
	 * has 4 bytes (the model's vtable is its own; an operator's is shared
	 * with others of the same layout) */
	snprintf(msg, sizeof msg, "tflite: model.version: field at offset %u lies outside its table of 4 bytes",
		 fb_u16(b + w.model.vt + 4));
	expect_patch(b, len, w.model.vt, (uint32_t)w.model.vsize | 0x0004u << 16, MOTE_CC_EFORMAT, msg);
	/* the schema version */
	expect_patch(b, len, field_pos(b, &w.model, 0), 2, MOTE_CC_ENOTSUP,
		     "tflite: model.version: 2 (this reader takes schema version 3)");
	free(b);
}
END_TEST

/* ---- small models built here -------------------------------------------------------------- */

static const float s1[1] = {0.5f};
static const int64_t z1[1] = {-3};

/* input [1,4] int8 -> FULLY_CONNECTED (2x4 weights, bias) -> [1,2] */
static void fc_model(struct tm_model *m)
{
	static const int8_t w[8] = {1, 2, 3, 4, -1, -2, -3, -4};
	static const int32_t bias[2] = {10, -10};
	memset(m, 0, sizeof *m);
	m->ncodes = 1;
	m->codes[0] = 9;
	m->nbuf = 2;
	m->buf[0] = w, m->buf_len[0] = sizeof w;
	m->buf[1] = bias, m->buf_len[1] = sizeof bias;
	m->nt = 4;
	m->t[0] = (struct tm_tensor){"x", 9, 2, {1, 4}, 0, 1, s1, z1, 0};
	m->t[1] = (struct tm_tensor){"w", 9, 2, {2, 4}, 1, 1, s1, NULL, 0};
	m->t[2] = (struct tm_tensor){"b", 2, 1, {2}, 2, 0, NULL, NULL, 0};
	m->t[3] = (struct tm_tensor){"y/out;1", 9, 2, {1, 2}, 0, 1, s1, z1, 0};
	m->nops = 1;
	m->ops[0] = (struct tm_op){.code = 0, .nin = 3, .nout = 1, .in = {0, 1, 2}, .out = {3}, .opt_type = 8, .nopt = 3};
	m->nin = m->nout = 1;
	m->in[0] = 0, m->out[0] = 3;
}

START_TEST(built_models)
{
	struct tm_model tm;
	struct tfl_model m;
	struct mote_cc_diag d = {{0}};
	size_t len;
	fc_model(&tm);
	uint8_t *b = tm_build(&tm, &len);
	ck_assert_msg(tfl_read(b, len, &m, &d) == 0, "%s", d.msg);
	ck_assert_uint_eq(m.n_ops, 1);
	ck_assert_int_eq(m.ops[0].builtin, TFL_OP_FULLY_CONNECTED);
	ck_assert_uint_eq(m.ops[0].options_type, TFL_OPT_FULLY_CONNECTED);
	ck_assert_str_eq(m.tensors[3].name, "y/out;1");
	ck_assert_uint_eq(m.tensors[1].q.n, 1);
	ck_assert_int_eq(m.tensors[1].q.zero_point[0], 0);
	ck_assert_int_eq(m.tensors[0].q.zero_point[0], -3);
	ck_assert_uint_eq(m.tensors[2].q.n, 0);
	ck_assert_uint_eq(m.buffers[m.tensors[1].buffer].size, 8);
	ck_assert_int_eq((int8_t)m.buffers[m.tensors[1].buffer].data[4], -1);
	tfl_model_free(&m);
	free(b);

	/* a code above 127 travels in builtin_code alone (the byte says 127) */
	fc_model(&tm);
	tm.codes[0] = 145;
	tm.ops[0].opt_type = 0;
	b = tm_build(&tm, &len);
	ck_assert_msg(tfl_read(b, len, &m, &d) == 0, "%s", d.msg);
	ck_assert_int_eq(m.ops[0].builtin, 145);
	ck_assert_str_eq(tfl_op_name(m.ops[0].builtin), "BROADCAST_ARGS");
	tfl_model_free(&m);
	free(b);

	/* options of another operator's type */
	fc_model(&tm);
	tm.ops[0].opt_type = 1;
	b = tm_build(&tm, &len);
	ck_assert_int_eq(tfl_read(b, len, &m, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: operators[0].builtin_options_type: 1, but FULLY_CONNECTED takes options type 8");
	free(b);

	/* per-channel scales that do not match the quantized dimension */
	fc_model(&tm);
	static const float s3[3] = {1, 2, 3};
	static const int64_t z3[3] = {0, 0, 0};
	tm.t[1].nq = 3, tm.t[1].scale = s3, tm.t[1].zp = z3;
	b = tm_build(&tm, &len);
	ck_assert_int_eq(tfl_read(b, len, &m, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: tensors[1].quantization: 3 scales along quantized_dimension 0 of a shape whose "
			 "dimension there is 2");
	free(b);

	/* a graph output index out of range */
	fc_model(&tm);
	tm.out[0] = 4;
	b = tm_build(&tm, &len);
	ck_assert_int_eq(tfl_read(b, len, &m, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: outputs[0]: tensor index 4, the subgraph has 4 tensors");
	free(b);

	/* the work budget (what keeps shared subobjects from multiplying the
	 * reading): a reader with 10 units left refuses a 38-element vector */
	size_t rl;
	uint8_t *r = slurp_model("pretrainedResnet_quant.tflite", &rl);
	struct where w;
	struct fb_vec v;
	locate(r, rl, &w, &d);
	w.f.budget = 10;
	ck_assert_int_eq(fb_vector(&w.f, &w.sg, 0, "tensors", 4, &v), MOTE_CC_ERANGE);
	ck_assert_str_eq(d.msg, "tflite: subgraphs[0].tensors: the file asks for more tables and vector elements than "
			 "its size can hold (shared subobjects?)");
	free(r);
}
END_TEST

/* ---- the importer ------------------------------------------------------------------------ */

static unsigned count_op(const struct ir_graph *g, const char *op)
{
	unsigned n = 0;
	for (size_t i = 0; i < g->nn; i++)
		n += !strcmp(g->n[i].op, op);
	return n;
}

static const struct import_expect {
	const char *file;
	unsigned nodes, conv, matmul, add, avg, reshape, transpose, softmax;
} imports[] = {
	/* ResNet-8: the NHWC input transposed; the pooled 1x1 map reshaped without one */
	{"pretrainedResnet_quant.tflite", 19, 9, 1, 3, 1, 1, 1, 1},
	/* DS-CNN: a one-channel input is the same bytes in both layouts: a Reshape */
	{"kws_ref_model.tflite", 16, 9, 1, 0, 1, 2, 0, 1},
	{"vww_96_int8.tflite", 34, 27, 1, 0, 1, 1, 1, 1},
	{"ad01_int8.tflite", 10, 0, 10, 0, 0, 0, 0, 0},
};

START_TEST(import_mlperf)
{
	for (size_t k = 0; k < sizeof imports / sizeof imports[0]; k++) {
		const struct import_expect *e = &imports[k];
		const struct mlperf *mp = &models[k == 0 ? 0 : k == 1 ? 1 : k == 2 ? 2 : 3];
		size_t len;
		uint8_t *b = slurp_model(e->file, &len);
		struct ir_graph g;
		struct mote_cc_diag d = {{0}};
		int rc = mote_tflite_import(b, len, &g, &d);
		ck_assert_msg(rc == 0, "%s: %s", e->file, d.msg);
		ck_assert_int_eq(g.arith, IR_ARITH_TFLITE);
		ck_assert_uint_eq(g.nn, e->nodes);
		ck_assert_uint_eq(count_op(&g, "QLinearConv"), e->conv);
		ck_assert_uint_eq(count_op(&g, "QLinearMatMul"), e->matmul);
		ck_assert_uint_eq(count_op(&g, "QLinearAdd"), e->add);
		ck_assert_uint_eq(count_op(&g, "QLinearAveragePool"), e->avg);
		ck_assert_uint_eq(count_op(&g, "Reshape"), e->reshape);
		ck_assert_uint_eq(count_op(&g, "Transpose"), e->transpose);
		ck_assert_uint_eq(count_op(&g, "Softmax"), e->softmax);
		/* the graph input and output as TFLite has them */
		int32_t xi = ir_find(&g, mp->in_name), yi = ir_find(&g, mp->out_name);
		ck_assert_int_ge(xi, 0);
		ck_assert_int_ge(yi, 0);
		ck_assert(g.t[xi].is_input && g.t[yi].is_output);
		ck_assert_uint_eq(g.t[xi].rank, mp->in_rank);
		for (uint32_t i = 0; i < mp->in_rank; i++)
			ck_assert_int_eq(g.t[xi].dims[i], mp->in_shape[i]);
		ck_assert_int_eq(g.t[yi].dims[1], mp->out_n);
		ir_graph_free(&g);
		/* the whole model through the reference executor (zero inputs) */
		struct ir_graph p;
		rc = model_prepare(b, len, 1, &p, &d);
		ck_assert_msg(rc == 0, "%s: %s", e->file, d.msg);
		ck_assert_int_eq(p.arith, IR_ARITH_TFLITE);
		ir_graph_free(&p);
		free(b);
	}
}
END_TEST

/* ---- the small CNN against a direct NHWC computation -------------------------------------- */

static int32_t clampi(int64_t v, int32_t lo, int32_t hi) { return (int32_t)(v < lo ? lo : v > hi ? hi : v); }

/* TFLite's requantization of acc for real scale s (two roundings). */
static int32_t tfl_scale(int32_t acc, double s)
{
	int32_t m, sh;
	ck_assert_int_eq(mote_kernel_tfl_multiplier(s, &m, &sh), 0);
	return mote_kernel_tfl_requant(acc, m, sh);
}

/* conv (dw = 0) or depthwise (dw = 1, multiplier 1) of NHWC x [H][W][C]
 * into y [OH][OW][O], SAME padding, TFLite's per-channel arithmetic */
static void nhwc_conv(int dw, const int8_t *x, int H, int W, int C, const int8_t *w, const int32_t *b, int O,
		      int K, int S, float xs, int xz, const float *ws, float ys, int yz, int lo, int hi, int8_t *y,
		      int OH, int OW)
{
	int pt = ((OH - 1) * S + K - H) / 2, pl = ((OW - 1) * S + K - W) / 2;
	pt = pt > 0 ? pt : 0, pl = pl > 0 ? pl : 0;
	for (int oy = 0; oy < OH; oy++)
		for (int ox = 0; ox < OW; ox++)
			for (int o = 0; o < O; o++) {
				int32_t acc = b[o];
				for (int ky = 0; ky < K; ky++)
					for (int kx = 0; kx < K; kx++) {
						int iy = oy * S + ky - pt, ix = ox * S + kx - pl;
						if (iy < 0 || iy >= H || ix < 0 || ix >= W)
							continue;
						if (dw)
							acc += (x[(iy * W + ix) * C + o] - xz) * w[(ky * K + kx) * O + o];
						else
							for (int c = 0; c < C; c++)
								acc += (x[(iy * W + ix) * C + c] - xz) * w[((o * K + ky) * K + kx) * C + c];
					}
				double s = (double)xs * (double)ws[o] / (double)ys;
				y[(oy * OW + ox) * O + o] = (int8_t)clampi((int64_t)tfl_scale(acc, s) + yz, lo, hi);
			}
}

/* a reference tensor (rank 4: NCHW, mote_compiler.h) compared with an NHWC array */
static void expect_nhwc(const mote_cc_ref *r, const char *name, const int8_t *want, int H, int W, int C)
{
	const void *p;
	size_t n;
	ck_assert_msg(mote_cc_ref_tensor(r, name, &p, &n) == 0, "no tensor '%s'", name);
	ck_assert_uint_eq(n, (size_t)H * W * C);
	const int8_t *d = p;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			for (int c = 0; c < C; c++)
				ck_assert_msg(d[(c * H + y) * W + x] == want[(y * W + x) * C + c],
					      "%s[%d][%d][%d]: reference %d, direct %d", name, y, x, c,
					      d[(c * H + y) * W + x], want[(y * W + x) * C + c]);
}

START_TEST(tiny_cnn_exact)
{
	for (int variant = 0; variant < 2; variant++) {
		struct tm_model tm;
		tm_tiny_cnn(&tm, variant);
		size_t len;
		uint8_t *b = tm_build(&tm, &len);
		mote_cc_ref *r;
		struct mote_cc_diag d = {{0}};
		int rc = mote_cc_ref_open(b, len, &r, &d);
		ck_assert_msg(rc == 0, "%s", d.msg);
		ck_assert_str_eq(mote_cc_ref_arithmetic(r), "tflite");
		int8_t x[32];
		for (int i = 0; i < 32; i++)
			x[i] = (int8_t)(i * 37 % 256 - 128);
		ck_assert_int_eq(mote_cc_ref_set_input(r, "x", x, sizeof x, &d), 0);
		ck_assert_msg(mote_cc_ref_run(r, &d) == 0, "%s", d.msg);
		/* every scale and zero point from the model description */
#define S(k) tm.t[k].scale[0]
#define Z(k) ((int)tm.t[k].zp[0])
		int8_t conv[4 * 4 * 4], dw[2 * 2 * 4], add[2 * 2 * 4], pool[4], fc[3];
		const int8_t *w1 = tm.buf[0], *w2 = tm.buf[2], *w3 = tm.buf[5];
		/* CONV_2D 3x3 SAME + RELU: clamp [max(-128, zp), 127] */
		nhwc_conv(0, x, 4, 4, 2, w1, tm.buf[1], 4, 3, 1, S(0), Z(0), tm.t[1].scale, S(3), Z(3), Z(3), 127, conv,
			  4, 4);
		expect_nhwc(r, "conv", conv, 4, 4, 4);
		nhwc_conv(1, conv, 4, 4, 4, w2, tm.buf[3], 4, 3, 2, S(3), Z(3), tm.t[4].scale, S(6), Z(6), -128, 127, dw,
			  2, 2);
		expect_nhwc(r, "dw", dw, 2, 2, 4);
		/* ADD of dw with itself + RELU6: TFLite's integer add, clamp [zp, zp + round(6 / scale)] */
		struct mote_tfl_add am;
		ck_assert_int_eq(mote_kernel_tfl_add_params(S(6), S(6), S(7), &am), 0);
		int hi6 = Z(7) + (int)lround(6.0 / S(7));
		for (int i = 0; i < 16; i++)
			add[i] = (int8_t)clampi((int64_t)mote_kernel_tfl_add_sum(dw[i] - Z(6), dw[i] - Z(6), &am) + Z(7), Z(7),
						hi6 < 127 ? hi6 : 127);
		expect_nhwc(r, "add", add, 2, 2, 4);
		/* 2x2 pooling to 1x1: TFLite's rounded mean (ties away from zero), or the max */
		for (int c = 0; c < 4; c++) {
			int sum = 0, best = -128;
			for (int p = 0; p < 4; p++) {
				sum += add[p * 4 + c];
				best = add[p * 4 + c] > best ? add[p * 4 + c] : best;
			}
			pool[c] = (int8_t)(variant ? best : sum > 0 ? (sum + 2) / 4 : (sum - 2) / 4);
		}
		expect_nhwc(r, "pool", pool, 1, 1, 4);
		/* FULLY_CONNECTED: w3 [3][4], per-tensor scale, no activation */
		for (int o = 0; o < 3; o++) {
			int32_t acc = ((const int32_t *)tm.buf[6])[o];
			for (int k = 0; k < 4; k++)
				acc += (pool[k] - Z(10)) * w3[o * 4 + k];
			fc[o] = (int8_t)clampi((int64_t)tfl_scale(acc, (double)S(10) * (double)S(11) / (double)S(13)) + Z(13),
					       -128, 127);
		}
		/* the test means something only if the tensors are not saturated */
		int spread = 0;
		for (int i = 0; i < 64; i++)
			spread += conv[i] > Z(3) && conv[i] < 127;
		for (int i = 0; i < 16; i++)
			spread += (dw[i] > -128 && dw[i] < 127) + (add[i] > Z(7) && add[i] < hi6);
		ck_assert_msg(spread >= 40, "only %d unsaturated values", spread);
		const void *got;
		size_t gb;
		ck_assert_int_eq(mote_cc_ref_tensor(r, "fc", &got, &gb), 0);
		ck_assert_uint_eq(gb, 3);
		ck_assert_mem_eq(got, fc, 3);
		/* SOFTMAX: in float (not TFLite's integer softmax): within 1 of the float softmax */
		ck_assert_int_eq(mote_cc_ref_tensor(r, "prob", &got, &gb), 0);
		double e[3], sum = 0;
		for (int o = 0; o < 3; o++)
			sum += e[o] = exp((double)S(13) * (fc[o] - Z(13)));
		for (int o = 0; o < 3; o++) {
			double q = e[o] / sum * 256 - 128;
			ck_assert_msg(fabs(((const int8_t *)got)[o] - (q > 127 ? 127 : q)) <= 1.0, "prob[%d] %d, float %g", o,
				      ((const int8_t *)got)[o], q);
		}
#undef S
#undef Z
		mote_cc_ref_close(r);
		free(b);
	}
}
END_TEST

/* One operator the importer does not take, and inconsistent operators. */
START_TEST(import_errors)
{
	struct tm_model tm;
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	size_t len;
	uint8_t *b;

	tm_tiny_cnn(&tm, 0);
	tm.codes[2] = 18; /* MUL where the ADD was */
	tm.ops[2].opt_type = 0;
	b = tm_build(&tm, &len);
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_ENOTSUP);
	ck_assert_str_eq(d.msg, "tflite: operators[2] (MUL): the operator MUL is not supported");
	free(b);

	tm_tiny_cnn(&tm, 0);
	tm.codes[2] = 200; /* no name in the table */
	tm.ops[2].opt_type = 0;
	b = tm_build(&tm, &len);
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_ENOTSUP);
	ck_assert_str_eq(d.msg, "tflite: operators[2] (builtin code 200): the operator builtin code 200 is not supported");
	free(b);

	tm_tiny_cnn(&tm, 0);
	tm.ops[1].opt[3] = 2; /* depth_multiplier 2 with weights of multiplier 1 */
	b = tm_build(&tm, &len);
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: operators[1] (DEPTHWISE_CONV_2D): depth_multiplier 2, but the weights give 1");
	free(b);

	tm_tiny_cnn(&tm, 0);
	tm.ops[0].opt[1] = 2; /* stride 2: the output would be 2x2, the file says 4x4 */
	b = tm_build(&tm, &len);
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: operators[0] (CONV_2D): output tensors[3] 'conv' is not 1x4x2x4");
	free(b);

	tm_tiny_cnn(&tm, 0);
	tm.ops[0].opt[3] = 4; /* fused TANH */
	b = tm_build(&tm, &len);
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_ENOTSUP);
	ck_assert_str_eq(d.msg, "tflite: operators[0] (CONV_2D): fused activation 4 (only RELU, RELU6 and RELU_N1_TO_1 "
			 "are supported)");
	free(b);

	tm_tiny_cnn(&tm, 0);
	tm.ops[2].in[1] = 8; /* ADD reads the pooled tensor, which operator 3 writes after it */
	b = tm_build(&tm, &len);
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: operators[2] (ADD): input 1, tensors[8] 'pool', is neither a graph input nor "
			 "written by an earlier operator");
	free(b);
}
END_TEST

/* PAD 1,1,1,1 then CONV_2D 3x3 VALID is the same layer as CONV_2D 3x3 SAME:
 * the importer folds the PAD into the convolution's pads (bit for bit the
 * same outputs); a PAD that something else reads is refused. */
START_TEST(pad_folds_into_conv)
{
	struct tm_model same, padded;
	tm_tiny_cnn(&same, 0);
	tm_tiny_cnn(&padded, 2);
	const void *outs[2];
	mote_cc_ref *r[2];
	uint8_t *b[2];
	struct mote_cc_diag d = {{0}};
	int8_t x[32];
	for (int i = 0; i < 32; i++)
		x[i] = (int8_t)(i * 53 % 256 - 128);
	for (int k = 0; k < 2; k++) {
		size_t len, n;
		b[k] = tm_build(k ? &padded : &same, &len);
		ck_assert_msg(mote_cc_ref_open(b[k], len, &r[k], &d) == 0, "%s", d.msg);
		ck_assert_int_eq(mote_cc_ref_set_input(r[k], "x", x, sizeof x, &d), 0);
		ck_assert_msg(mote_cc_ref_run(r[k], &d) == 0, "%s", d.msg);
		ck_assert_int_eq(mote_cc_ref_tensor(r[k], "conv", &outs[k], &n), 0);
		ck_assert_uint_eq(n, 64);
	}
	ck_assert_mem_eq(outs[0], outs[1], 64);
	for (int k = 0; k < 2; k++) {
		mote_cc_ref_close(r[k]);
		free(b[k]);
	}
	/* the padded tensor read by the ADD as well: refused */
	padded.ops[3].in[1] = (int32_t)padded.nt - 1;
	size_t len;
	uint8_t *bb = tm_build(&padded, &len);
	struct ir_graph g;
	ck_assert_int_eq(mote_tflite_import(bb, len, &g, &d), MOTE_CC_ENOTSUP);
	ck_assert_str_eq(d.msg, "tflite: operators[3] (ADD): input 1, tensors[16] 'x_padded', is a PAD's output, which "
			 "only input 0 of a CONV_2D or DEPTHWISE_CONV_2D takes (folded into its padding)");
	free(bb);
}
END_TEST

/* QUANTIZE from int8 to int8: TFLite's integer rescale on the host. */
START_TEST(requantize_import)
{
	static const float one[1] = {1.0f}, two[1] = {2.0f};
	static const int64_t z0[1] = {0};
	struct tm_model m;
	memset(&m, 0, sizeof m);
	m.ncodes = 1;
	m.codes[0] = 114;
	m.nt = 2;
	m.t[0] = (struct tm_tensor){"x", 9, 2, {1, 4}, 0, 1, one, z0, 0};
	m.t[1] = (struct tm_tensor){"y", 9, 2, {1, 4}, 0, 1, two, z0, 0};
	m.nops = 1;
	m.ops[0] = (struct tm_op){.code = 0, .nin = 1, .nout = 1, .in = {0}, .out = {1}};
	m.nin = m.nout = 1;
	m.in[0] = 0, m.out[0] = 1;
	size_t len;
	uint8_t *b = tm_build(&m, &len);
	mote_cc_ref *r;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_cc_ref_open(b, len, &r, &d) == 0, "%s", d.msg);
	const int8_t x[4] = {3, -3, 1, -1}, want[4] = {2, -1, 1, 0}; /* x / 2, ties upward (one rounding) */
	ck_assert_int_eq(mote_cc_ref_set_input(r, "x", x, 4, &d), 0);
	ck_assert_msg(mote_cc_ref_run(r, &d) == 0, "%s", d.msg);
	const void *y;
	size_t n;
	ck_assert_int_eq(mote_cc_ref_tensor(r, "y", &y, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(y, want, 4);
	mote_cc_ref_close(r);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tflite");
	TCase *tc = tcase_create("reader");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, mlperf_models);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, built_models);
	tcase_add_test(tc, import_mlperf);
	tcase_add_test(tc, tiny_cnn_exact);
	tcase_add_test(tc, import_errors);
	tcase_add_test(tc, pad_folds_into_conv);
	tcase_add_test(tc, requantize_import);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
