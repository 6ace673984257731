/* test_mlperf.c: the TFLite reader and importer on the four MLPerf Tiny
 * reference models (mlcommons/tiny, int8 .tflite, as TFLite's converter
 * wrote them).  Not part of `make test`: the models are another project's
 * files and never in this repository.  `make test-mlperf MLPERF_TINY=DIR`
 * runs it (MOTE_MLPERF_TINY=DIR); a missing directory or model is a
 * failure, never a skip.  make test runs the same checks on networks of the
 * same shapes that tests/tfl_nets.c writes (test_tflite.c).
 *
 * What the reader must find was established independently of it:
 *   - a digest (FNV-1a 64 of a canonical text of every code, tensor with its
 *     quantization, operator with its options, and the graph inputs and
 *     outputs, tfl_digest.c) computed by scripts/tflite_dump.py, a second
 *     reader written in Python from the schema (`tflite_dump.py MODEL --digest`);
 *   - graph input and output names, shapes and quantization as Arm NN's
 *     TFLite parser (Debian python3-pyarmnn 20.08) reports them.
 * The importer: the nodes it makes, the graph's inputs and outputs as TFLite
 * names and shapes them, a reference run.  And malformed copies of the
 * ResNet-8 file (tfl_malformed.c), whose vtables flatc shares between tables.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/ir_exec.h"
#include "model/model.h"
#include "tfl_digest.h"
#include "tfl_malformed.h"
#include "import/tflite_import.h"
#include "import/tflite_read.h"

static uint8_t *slurp_model(const char *file, size_t *len)
{
	const char *dir = getenv("MOTE_MLPERF_TINY");
	ck_assert_msg(dir && *dir, "MOTE_MLPERF_TINY is not set: make test-mlperf MLPERF_TINY=DIR (the directory of the "
		      "four MLPerf Tiny .tflite models)");
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s: MLPERF_TINY must name the directory of the MLPerf Tiny .tflite "
		      "models", path);
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
		size_t hl;
		uint64_t h = tfl_digest(&m, &hl, NULL);
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

START_TEST(malformed_resnet8)
{
	size_t len;
	uint8_t *b = slurp_model("pretrainedResnet_quant.tflite", &len);
	tfl_malformed_checks(b, len);
	free(b);
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
	{"pretrainedResnet_quant.tflite", 17, 9, 1, 3, 1, 1, 1, 1},
	/* DS-CNN: a one-channel input is the same bytes in both layouts: a Reshape */
	{"kws_ref_model.tflite", 14, 9, 1, 0, 1, 2, 0, 1},
	{"vww_96_int8.tflite", 32, 27, 1, 0, 1, 1, 1, 1},
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
		ck_assert_uint_eq(count_op(&g, "MoteTflSoftmax"), e->softmax); /* int8 SOFTMAX: TFLite's integer one */
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

int main(void)
{
	Suite *s = suite_create("mlperf");
	TCase *tc = tcase_create("reference models");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, mlperf_models);
	tcase_add_test(tc, malformed_resnet8);
	tcase_add_test(tc, import_mlperf);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
