/* test_tflite.c: the TFLite reader (tflite_read.c) and importer
 * (tflite_import.c) on networks shaped like the four MLPerf Tiny reference
 * models that tfl_nets.c writes (no file from outside the repository: the
 * reference models themselves are test_mlperf.c's, `make test-mlperf`), on
 * malformed copies of them, and on small models built here (tfl_build.c).
 *
 * Agreement required:
 *   - the reader: each network's operators, tensors, quantization and graph
 *     inputs and outputs exactly as tfl_nets.c wrote them (its description,
 *     not the reader's output, is the expectation); that the C reader and
 *     the independent Python one (scripts/tflite_dump.py) give the same
 *     digest of these files is checked by make test-tflite;
 *   - malformed copies: each refused with exactly its message
 *     (tfl_malformed.c);
 *   - the importer: the number of nodes of each kind that its rules give
 *     for each network (a layout node only at the edges, one QLinearConv per
 *     CONV_2D and DEPTHWISE_CONV_2D, PADs folded away ...), the graph input
 *     and output as TFLite names and shapes them, and a reference run whose
 *     every activation is far from constant or saturated (else the bit-exact
 *     comparisons on these networks, make test-tflite, would check little);
 *   - a small CNN built here: every tensor the reference executor computes
 *     equal to a direct NHWC computation written in this file from TFLite's
 *     operator definitions (so the layout changes, padding, weight
 *     reordering and clamps of the import are checked against code that has
 *     none of them).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/flatbuf.h"
#include "ref/ir_exec.h"
#include "model/model.h"
#include "mote/mote_kernels.h"
#include "tfl_build.h"
#include "tfl_malformed.h"
#include "tfl_nets.h"
#include "import/tflite_import.h"
#include "import/tflite_read.h"

/* ---- the generated networks: what the reader finds ----------------------------------------- */

static const struct net_expect {
	enum tn_id id;
	const char *ops;            /* builtin codes in order */
	const char *in_name;
	int32_t in_type;
	uint32_t in_rank;
	int32_t in_shape[4];
	float in_scale;             /* int8 input: its quantization */
	int32_t in_zp;
	const char *out_name;
	int32_t out_type;
	int32_t out_n;
	const char *multipliers;    /* the depthwise convolutions' depth multipliers in order */
} nets[TN_COUNT] = {
	{TN_RESNET8, "3 3 3 0 3 3 3 0 3 3 3 0 1 22 9 25", "input_1_int8", TFL_INT8, 4, {1, 32, 32, 3}, 1.0f, -128,
	 "Identity_int8", TFL_INT8, 10, ""},
	{TN_DSCNN, "3 17 4 3 4 3 4 3 4 3 1 22 9 25", "input_1", TFL_INT8, 4, {1, 49, 10, 1}, 0.5847029f, 83, "Identity",
	 TFL_INT8, 12, "1 1 1 1"},
	{TN_MOBILENET,
	 "114 3 4 3 34 4 3 4 3 34 4 3 4 3 34 4 3 4 3 4 3 4 3 4 3 4 3 34 4 3 4 3 1 22 9 25 6", "input_1", TFL_FLOAT32, 4,
	 {1, 96, 96, 3}, 0, 0, "Identity", TFL_FLOAT32, 2, "1 1 1 1 1 1 1 1 1 1 1 1 1"},
	{TN_FCAE, "9 9 9 9 9 9 9 9 9 9", "input_1", TFL_INT8, 2, {1, 640}, 0.39101523f, 89, "Identity", TFL_INT8, 640,
	 ""},
	{TN_DSCNN_DM2, "3 17 4 3 4 3 4 3 4 3 1 22 9 25", "input_1", TFL_INT8, 4, {1, 49, 10, 1}, 0.5847029f, 83,
	 "Identity", TFL_INT8, 12, "2 1 1 1"},
};

static int is_act(int32_t act) { return act == TFL_ACT_RELU || act == TFL_ACT_RELU6; }

START_TEST(nets_read)
{
	for (int k = 0; k < TN_COUNT; k++) {
		const struct net_expect *e = &nets[k];
		struct tn_net n;
		tn_build(e->id, 7, &n);
		ck_assert(tfl_is_tflite(n.bytes, n.len));
		struct tfl_model m;
		struct mote_cc_diag d = {{0}};
		ck_assert_msg(tfl_read(n.bytes, n.len, &m, &d) == 0, "%s: %s", n.name, d.msg);
		ck_assert_uint_eq(m.version, 3);
		ck_assert_uint_eq(m.n_subgraphs, 1);
		ck_assert_uint_eq(m.n_tensors, n.m.nt);
		ck_assert_uint_eq(m.n_buffers, n.m.nbuf + 1);
		char ops[256] = "", mults[64] = "";
		for (uint32_t i = 0; i < m.n_ops; i++)
			snprintf(ops + strlen(ops), sizeof ops - strlen(ops), "%s%d", i ? " " : "", m.ops[i].builtin);
		ck_assert_msg(!strcmp(ops, e->ops), "%s: operators %s", n.name, ops);
		/* the graph input and output */
		ck_assert_uint_eq(m.n_inputs, 1);
		ck_assert_uint_eq(m.n_outputs, 1);
		const struct tfl_tensor *x = &m.tensors[m.inputs[0]], *y = &m.tensors[m.outputs[0]];
		ck_assert_str_eq(x->name, e->in_name);
		ck_assert_int_eq(x->type, e->in_type);
		ck_assert_uint_eq(x->rank, e->in_rank);
		for (uint32_t i = 0; i < x->rank; i++)
			ck_assert_int_eq(x->shape[i], e->in_shape[i]);
		ck_assert_uint_eq(x->q.n, e->in_type == TFL_INT8);
		if (x->q.n) {
			ck_assert(x->q.scale[0] == e->in_scale);
			ck_assert_int_eq(x->q.zero_point[0], e->in_zp);
		}
		ck_assert_str_eq(y->name, e->out_name);
		ck_assert_int_eq(y->type, e->out_type);
		ck_assert_uint_eq(y->rank, 2);
		ck_assert_int_eq(y->shape[0], 1);
		ck_assert_int_eq(y->shape[1], e->out_n);
		/* every operator's quantization as the reference models have it */
		for (uint32_t i = 0; i < m.n_ops; i++) {
			const struct tfl_op *o = &m.ops[i];
			const struct tfl_tensor *in = &m.tensors[o->in[0]], *out = &m.tensors[o->out[0]];
			ck_assert_uint_eq(o->n_out, 1);
			/* the options table of the operator's type (RESHAPE: none, its shape an input, as the
			 * reference models have it) */
			ck_assert_uint_eq(o->options_type, o->builtin == TFL_OP_RESHAPE ? 0 : tfl_options_type_of(o->builtin));
			if (out->type == TFL_INT8) {
				ck_assert_uint_eq(out->q.n, 1);
				ck_assert(out->q.scale[0] > 0);
			}
			switch (o->builtin) {
			case TFL_OP_CONV_2D:
			case TFL_OP_DEPTHWISE_CONV_2D:
			case TFL_OP_FULLY_CONNECTED: {
				/* weights per channel along 0 (conv) or 3 (depthwise), or per
				 * tensor (fully connected), zero points 0; the bias int32 with
				 * scale input scale * weight scale */
				int dw = o->builtin == TFL_OP_DEPTHWISE_CONV_2D, fc = o->builtin == TFL_OP_FULLY_CONNECTED;
				ck_assert_uint_eq(o->n_in, 3);
				const struct tfl_tensor *w = &m.tensors[o->in[1]], *b = &m.tensors[o->in[2]];
				ck_assert_uint_eq(w->rank, fc ? 2 : 4);
				ck_assert_int_eq(w->type, TFL_INT8);
				int32_t O = w->shape[dw ? 3 : 0];
				size_t wn = 1;
				for (uint32_t r = 0; r < w->rank; r++)
					wn *= (size_t)w->shape[r];
				ck_assert_uint_eq(m.buffers[w->buffer].size, wn);
				ck_assert_uint_eq(w->q.n, fc ? 1 : (uint32_t)O);
				ck_assert_int_eq(w->q.dim, dw ? 3 : 0);
				ck_assert_int_eq(b->type, TFL_INT32);
				ck_assert_uint_eq(b->rank, 1);
				ck_assert_int_eq(b->shape[0], O);
				ck_assert_uint_eq(m.buffers[b->buffer].size, 4 * (size_t)O);
				ck_assert_uint_eq(b->q.n, w->q.n);
				for (uint32_t c = 0; c < w->q.n; c++) {
					ck_assert_int_eq(w->q.zero_point[c], 0);
					ck_assert(b->q.scale[c] == in->q.scale[0] * w->q.scale[c]);
				}
				if (dw) {
					ck_assert_int_eq(o->opt.depth_multiplier * in->shape[3], O);
					snprintf(mults + strlen(mults), sizeof mults - strlen(mults), "%s%d", mults[0] ? " " : "",
						 o->opt.depth_multiplier);
				}
				if (is_act(o->opt.activation))
					ck_assert_int_eq(out->q.zero_point[0], -128);
				break;
			}
			case TFL_OP_ADD:
				ck_assert_int_eq(o->opt.activation, TFL_ACT_RELU);
				ck_assert_int_eq(out->q.zero_point[0], -128);
				break;
			case TFL_OP_AVERAGE_POOL_2D:
			case TFL_OP_MAX_POOL_2D:
			case TFL_OP_RESHAPE:
			case TFL_OP_PAD: /* the input's quantization */
				ck_assert(out->q.scale[0] == in->q.scale[0]);
				ck_assert_int_eq(out->q.zero_point[0], in->q.zero_point[0]);
				break;
			case TFL_OP_SOFTMAX:
				ck_assert(out->q.scale[0] == 1.0f / 256);
				ck_assert_int_eq(out->q.zero_point[0], -128);
				ck_assert(o->opt.beta == 1.0f);
				break;
			case TFL_OP_QUANTIZE:
				ck_assert_int_eq(in->type, TFL_FLOAT32);
				ck_assert_int_eq(out->type, TFL_INT8);
				break;
			case TFL_OP_DEQUANTIZE:
				ck_assert_int_eq(in->type, TFL_INT8);
				ck_assert_int_eq(out->type, TFL_FLOAT32);
				ck_assert_uint_eq(out->q.n, 0);
				break;
			default:
				ck_abort_msg("%s: operator %u: code %d", n.name, i, o->builtin);
			}
		}
		ck_assert_msg(!strcmp(mults, e->multipliers), "%s: depth multipliers %s", n.name, mults);
		tfl_model_free(&m);
		tn_free(&n);
	}
}
END_TEST

/* tfl_build writes the same bytes every time (the tests compare runs of the
 * files make writes with these) */
START_TEST(nets_deterministic)
{
	for (int k = 0; k < TN_COUNT; k++) {
		struct tn_net a, b;
		tn_build((enum tn_id)k, 7, &a);
		tn_build((enum tn_id)k, 7, &b);
		ck_assert_uint_eq(a.len, b.len);
		ck_assert_mem_eq(a.bytes, b.bytes, a.len);
		ck_assert_uint_eq(a.input_bytes, b.input_bytes);
		ck_assert_mem_eq(a.input, b.input, a.input_bytes);
		tn_free(&b);
		tn_build((enum tn_id)k, 8, &b); /* another input, the same model */
		ck_assert_mem_eq(a.bytes, b.bytes, a.len);
		ck_assert(memcmp(a.input, b.input, a.input_bytes) != 0);
		tn_free(&a);
		tn_free(&b);
	}
}
END_TEST

/* ---- malformed copies of the ResNet-8-shaped network ---------------------------------------- */

START_TEST(malformed)
{
	struct tn_net n;
	tn_build(TN_RESNET8, 7, &n);
	tfl_malformed_checks(n.bytes, n.len);
	tn_free(&n);
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
	 * reading): a reader with 10 units left refuses the tensor vector of the
	 * ResNet-8-shaped network */
	struct tn_net n;
	tn_build(TN_RESNET8, 7, &n);
	struct fb f = {.p = n.bytes, .len = n.len, .budget = UINT64_MAX, .diag = &d};
	struct fb_table root, sg;
	struct fb_vec sgs, v;
	ck_assert_int_eq(fb_root(&f, "model", &root), 0);
	ck_assert_int_eq(fb_vector(&f, &root, 2, "subgraphs", 4, &sgs), 1);
	ck_assert_int_eq(fb_vec_table(&f, &sgs, 0, "subgraphs[0]", &sg), 0);
	f.budget = 10;
	ck_assert_int_eq(fb_vector(&f, &sg, 0, "tensors", 4, &v), MOTE_CC_ERANGE);
	ck_assert_str_eq(d.msg, "tflite: subgraphs[0].tensors: the file asks for more tables and vector elements than "
			 "its size can hold (shared subobjects?)");
	tn_free(&n);
}
END_TEST

/* ---- the importer on the generated networks ------------------------------------------------ */

static unsigned count_op(const struct ir_graph *g, const char *op)
{
	unsigned n = 0;
	for (size_t i = 0; i < g->nn; i++)
		n += !strcmp(g->n[i].op, op);
	return n;
}

/* What the importer's rules make of each network: one QLinearConv per
 * CONV_2D and DEPTHWISE_CONV_2D (a PAD folded into the convolution after it:
 * no node), one QLinearMatMul per FULLY_CONNECTED, QLinearAdd, MaxPool and
 * QLinearAveragePool one each, the int8 SOFTMAX one MoteTflSoftmax (TFLite's
 * integer softmax), QUANTIZE and DEQUANTIZE as QuantizeLinear and
 * DequantizeLinear; RESHAPE of the pooled 1x1 map a Reshape (NHWC and NCHW
 * hold its bytes alike); and at the edges the NHWC input in the IR's NCHW:
 * a Transpose, or a Reshape for a one-channel input (the same bytes). */
static const struct import_expect {
	enum tn_id id;
	unsigned nodes, conv, matmul, add, avg, max, reshape, transpose, softmax, quant, dequant;
} imports[TN_COUNT] = {
	{TN_RESNET8, 17, 9, 1, 3, 1, 0, 1, 1, 1, 0, 0},
	{TN_DSCNN, 15, 9, 1, 0, 1, 1, 2, 0, 1, 0, 0},
	{TN_MOBILENET, 34, 27, 1, 0, 1, 0, 1, 1, 1, 1, 1},
	{TN_FCAE, 10, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0},
	{TN_DSCNN_DM2, 15, 9, 1, 0, 1, 1, 2, 0, 1, 0, 0},
};

START_TEST(import_nets)
{
	for (int k = 0; k < TN_COUNT; k++) {
		const struct import_expect *e = &imports[k];
		const struct net_expect *ne = &nets[k];
		struct tn_net n;
		tn_build(e->id, 7, &n);
		struct ir_graph g;
		struct mote_cc_diag d = {{0}};
		int rc = mote_tflite_import(n.bytes, n.len, &g, &d);
		ck_assert_msg(rc == 0, "%s: %s", n.name, d.msg);
		ck_assert_int_eq(g.arith, IR_ARITH_TFLITE);
		unsigned got[11] = {(unsigned)g.nn, count_op(&g, "QLinearConv"), count_op(&g, "QLinearMatMul"),
				    count_op(&g, "QLinearAdd"), count_op(&g, "QLinearAveragePool"), count_op(&g, "MaxPool"),
				    count_op(&g, "Reshape"), count_op(&g, "Transpose"), count_op(&g, "MoteTflSoftmax"),
				    count_op(&g, "QuantizeLinear"), count_op(&g, "DequantizeLinear")};
		const unsigned want[11] = {e->nodes, e->conv, e->matmul, e->add,   e->avg,    e->max,
					   e->reshape, e->transpose, e->softmax, e->quant, e->dequant};
		for (int i = 0; i < 11; i++)
			ck_assert_msg(got[i] == want[i], "%s: count %d is %u, expected %u", n.name, i, got[i], want[i]);
		/* the graph input and output as TFLite has them */
		int32_t xi = ir_find(&g, ne->in_name), yi = ir_find(&g, ne->out_name);
		ck_assert_int_ge(xi, 0);
		ck_assert_int_ge(yi, 0);
		ck_assert(g.t[xi].is_input && g.t[yi].is_output);
		ck_assert_uint_eq(g.t[xi].rank, ne->in_rank);
		for (uint32_t i = 0; i < ne->in_rank; i++)
			ck_assert_int_eq(g.t[xi].dims[i], ne->in_shape[i]);
		ck_assert_int_eq(g.t[yi].dims[1], ne->out_n);
		ir_graph_free(&g);
		tn_free(&n);
	}
}
END_TEST

/* Every activation the reference executor computes for a network on its
 * sample input (TFLite's arithmetic), in the model's own tensors: an int8
 * tensor must take many values and few at the top of its range (calibrated
 * on another input, some may saturate), a RELU's output must not be mostly
 * cut to zero; the float output of the MobileNet-shaped network holds two
 * probabilities. */
START_TEST(nets_reference)
{
	for (int k = 0; k < TN_COUNT; k++) {
		struct tn_net n;
		tn_build((enum tn_id)k, 7, &n);
		struct tfl_model m;
		struct mote_cc_diag d = {{0}};
		ck_assert_int_eq(tfl_read(n.bytes, n.len, &m, &d), 0);
		mote_cc_ref *r;
		ck_assert_msg(mote_cc_ref_open(n.bytes, n.len, &r, &d) == 0, "%s: %s", n.name, d.msg);
		ck_assert_str_eq(mote_cc_ref_arithmetic(r), "tflite");
		ck_assert_int_eq(mote_cc_ref_set_input(r, n.in_name, n.input, n.input_bytes, &d), 0);
		ck_assert_msg(mote_cc_ref_run(r, &d) == 0, "%s: %s", n.name, d.msg);
		unsigned checked = 0;
		for (uint32_t i = 0; i < m.n_ops; i++) {
			const struct tfl_op *o = &m.ops[i];
			const struct tfl_tensor *y = &m.tensors[o->out[0]];
			if (o->builtin == TFL_OP_PAD) /* folded into the convolution after it: no tensor */
				continue;
			const void *p;
			size_t bytes;
			ck_assert_msg(mote_cc_ref_tensor(r, y->name, &p, &bytes) == 0, "%s: no tensor '%s'", n.name, y->name);
			if (y->type == TFL_FLOAT32) {
				ck_assert_uint_eq(bytes, 8);
				const float *f = p;
				ck_assert(f[0] >= 0 && f[1] >= 0 && fabs(f[0] + f[1] - 1) < 0.02);
				checked++;
				continue;
			}
			const int8_t *v = p;
			unsigned seen[256] = {0}, distinct = 0;
			for (size_t e = 0; e < bytes; e++)
				distinct += !seen[v[e] + 128]++;
			int32_t z = (int32_t)y->q.zero_point[0];
			int relu = (o->builtin == TFL_OP_ADD || o->builtin == TFL_OP_CONV_2D ||
				    o->builtin == TFL_OP_DEPTHWISE_CONV_2D || o->builtin == TFL_OP_FULLY_CONNECTED) &&
				   is_act(o->opt.activation);
			size_t top = seen[255], zero = relu ? seen[z + 128] : 0;
			if (getenv("MOTE_TFLITE_NET_STATS"))
				fprintf(stderr, "%s op %u (%s): %zu values, %u distinct, %zu at 127, %zu at the zero point\n",
					n.name, i, tfl_op_name(o->builtin), bytes, distinct, top, zero);
			if (bytes >= 64) {
				ck_assert_msg(distinct >= 24, "%s: operator %u (%s): %u distinct values", n.name, i,
					      tfl_op_name(o->builtin), distinct);
				ck_assert_msg(top * 50 <= bytes, "%s: operator %u (%s): %zu of %zu values at 127", n.name, i,
					      tfl_op_name(o->builtin), top, bytes);
				ck_assert_msg(zero * 10 <= bytes * 9, "%s: operator %u (%s): %zu of %zu values cut to zero",
					      n.name, i, tfl_op_name(o->builtin), zero, bytes);
			} else /* the logits and probabilities: not all alike */
				ck_assert_msg(distinct >= (bytes > 4 ? 3u : 2u), "%s: operator %u (%s): %u distinct values",
					      n.name, i, tfl_op_name(o->builtin), distinct);
			checked++;
		}
		ck_assert_uint_eq(checked, m.n_ops - (k == TN_MOBILENET ? 4 : 0));
		mote_cc_ref_close(r);
		tfl_model_free(&m);
		tn_free(&n);
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
		/* SOFTMAX: TFLite's integer softmax (exact values: test_tfl_softmax), within 1 of the float softmax */
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
	tcase_add_test(tc, nets_read);
	tcase_add_test(tc, nets_deterministic);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, built_models);
	tcase_add_test(tc, import_nets);
	tcase_add_test(tc, nets_reference);
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
