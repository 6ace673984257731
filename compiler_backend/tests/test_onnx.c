/* test_onnx.c: the ONNX importer on the int8 models of the ONNX backend test
 * suite (Debian libonnx-testdata), on models built here with one defect
 * each, and on truncated and bit-flipped copies of a real model (which must
 * give an error or a graph, never a crash: ASan watches); grouped and
 * depthwise convolution nodes lowered (lower.c) and run against ir_exec. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"
#include "onnx.pb-c.h"
#include "ref/ir_exec.h"
#include "lower/lower.h"
#include "import/onnx_import.h"
#include "import/qdq_fold.h"

static const char *testdata(void)
{
	const char *d = getenv("MOTE_ONNX_TESTDATA");
	return d ? d : "/usr/share/libonnx-testdata/data/node";
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
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

static uint8_t *case_model(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s/model.onnx", testdata(), name);
	return slurp(path, len);
}

static const struct {
	const char *dir, *op;
	uint32_t n_in;
	const char *in0;
	uint32_t rank0;
} cases[] = {
	{"test_qlinearconv", "QLinearConv", 8, "x", 4},
	{"test_qlinearmatmul_2D", "QLinearMatMul", 8, "a", 2},
	{"test_qlinearmatmul_3D", "QLinearMatMul", 8, "a", 3},
	{"test_matmulinteger", "MatMulInteger", 4, "A", 2},
	{"test_convinteger_with_padding", "ConvInteger", 3, "x", 4},
	{"test_convinteger_without_padding", "ConvInteger", 3, "x", 4},
};

START_TEST(conformance_models)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		size_t len;
		uint8_t *b = case_model(cases[c].dir, &len);
		struct ir_graph g;
		struct mote_cc_diag d = {{0}};
		int rc = mote_onnx_import(b, len, &g, &d);
		ck_assert_msg(rc == 0, "%s: %s (%s)", cases[c].dir, mote_cc_status_name(rc), d.msg);
		ck_assert_int_eq(g.opset, 10);
		ck_assert_uint_eq(g.nn, 1);
		ck_assert_str_eq(g.n[0].op, cases[c].op);
		ck_assert_uint_eq(g.n[0].n_in, cases[c].n_in);
		ck_assert_uint_eq(g.n[0].n_out, 1);
		const struct ir_tensor *x = &g.t[g.n[0].in[0]];
		ck_assert_str_eq(x->name, cases[c].in0);
		ck_assert(x->is_input);
		ck_assert_uint_eq(x->rank, cases[c].rank0);
		for (uint32_t i = 0; i < x->rank; i++)
			ck_assert_int_gt(x->dims[i], 0);
		ck_assert(x->dtype == IR_UINT8 || x->dtype == IR_INT8);
		const struct ir_tensor *y = &g.t[g.n[0].out[0]];
		ck_assert(y->is_output);
		ir_graph_free(&g);
		free(b);
	}
}
END_TEST

/* Every data set of every case through the host executor, compared byte for
 * byte with the expected output the suite ships. */
START_TEST(conformance_host_exec)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		size_t len;
		uint8_t *b = case_model(cases[c].dir, &len);
		struct ir_graph g;
		struct mote_cc_diag d = {{0}};
		ck_assert_int_eq(mote_onnx_import(b, len, &g, &d), 0);
		free(b);
		int sets = 0;
		for (int ds = 0;; ds++) {
			char path[600];
			snprintf(path, sizeof path, "%s/%s/test_data_set_%d/output_0.pb", testdata(), cases[c].dir, ds);
			FILE *probe = fopen(path, "rb");
			if (!probe)
				break;
			fclose(probe);
			for (int k = 0;; k++) {
				snprintf(path, sizeof path, "%s/%s/test_data_set_%d/input_%d.pb", testdata(), cases[c].dir,
					 ds, k);
				FILE *f = fopen(path, "rb");
				if (!f)
					break;
				fclose(f);
				uint8_t *tb = slurp(path, &len);
				struct ir_tensor t;
				int rc = mote_onnx_read_tensor(tb, len, &t, &d);
				ck_assert_msg(rc == 0, "%s: %s", path, d.msg);
				free(tb);
				int32_t idx = ir_find(&g, t.name);
				ck_assert_msg(idx >= 0 && g.t[idx].is_input, "%s: '%s' is not a graph input", path, t.name);
				struct ir_tensor *in = &g.t[idx];
				ck_assert_int_eq(in->dtype, t.dtype);
				free(in->data);
				in->data = t.data;
				in->nbytes = t.nbytes;
				in->rank = t.rank;
				memcpy(in->dims, t.dims, sizeof t.dims);
				free(t.name);
			}
			int rc = ir_exec(&g, &d);
			ck_assert_msg(rc == 0, "%s: %s", cases[c].dir, d.msg);
			snprintf(path, sizeof path, "%s/%s/test_data_set_%d/output_0.pb", testdata(), cases[c].dir, ds);
			uint8_t *tb = slurp(path, &len);
			struct ir_tensor want;
			ck_assert_int_eq(mote_onnx_read_tensor(tb, len, &want, &d), 0);
			free(tb);
			const struct ir_tensor *got = &g.t[g.n[0].out[0]];
			ck_assert_int_eq(got->dtype, want.dtype);
			ck_assert_uint_eq(got->rank, want.rank);
			for (uint32_t i = 0; i < want.rank; i++)
				ck_assert_int_eq(got->dims[i], want.dims[i]);
			ck_assert_uint_eq(got->nbytes, want.nbytes);
			for (size_t i = 0; i < want.nbytes; i++)
				ck_assert_msg(((uint8_t *)got->data)[i] == ((uint8_t *)want.data)[i],
					      "%s set %d: byte %zu is %u, expected %u", cases[c].dir, ds, i,
					      ((uint8_t *)got->data)[i], ((uint8_t *)want.data)[i]);
			free(want.name);
			free(want.data);
			sets++;
		}
		ck_assert_int_ge(sets, 1);
		ir_graph_free(&g);
	}
}
END_TEST

/* The committed QDQ case (scripts/make_qdq_case.py): DequantizeLinear x3,
 * Conv, Relu, QuantizeLinear fold into one QLinearConv with the Relu kept as
 * mote_relu, and the host executor reproduces the float definitions' output. */
/* The public node-by-node API (mote_cc_nodes, what `mote run --onnx-test`
 * uses): every case with each lowered job run by the plain reference
 * convolution (mote_ref_conv) in place of a device, equal to the reference
 * executor's run and to the expected outputs; and its refusals. */
static int ref_job(void *ctx, const struct mote_cc_conv *conv, const void *input, size_t in_bytes, void *output,
		   size_t out_bytes)
{
	(void)in_bytes;
	(void)out_bytes;
	(*(unsigned *)ctx)++;
	return mote_ref_conv(conv, input, output);
}

static int fail_job(void *ctx, const struct mote_cc_conv *conv, const void *input, size_t in_bytes, void *output,
		    size_t out_bytes)
{
	(void)ctx, (void)conv, (void)input, (void)in_bytes, (void)output, (void)out_bytes;
	return -7;
}

static struct mote_cc_tensor read_pb(const char *dir, const char *file)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s/test_data_set_0/%s", testdata(), dir, file);
	size_t len;
	uint8_t *b = slurp(path, &len);
	struct mote_cc_tensor t;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_cc_tensor_read_pb(b, len, &t, &d) == 0, "%s: %s", path, d.msg);
	free(b);
	return t;
}

START_TEST(nodes_api)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		size_t len;
		uint8_t *b = case_model(cases[c].dir, &len);
		mote_cc_nodes *dev, *ref, *bad;
		struct mote_cc_diag d = {{0}};
		ck_assert_int_eq(mote_cc_nodes_open(b, len, &dev, &d), 0);
		ck_assert_int_eq(mote_cc_nodes_open(b, len, &ref, &d), 0);
		ck_assert_int_eq(mote_cc_nodes_open(b, len, &bad, &d), 0);
		ck_assert_int_eq(mote_cc_nodes_fold_qdq(dev, &d), 0);
		ck_assert_int_eq(mote_cc_nodes_fold_qdq(ref, &d), 0);
		free(b);
		for (uint32_t k = 0; k < cases[c].n_in; k++) {
			char f[32];
			snprintf(f, sizeof f, "input_%u.pb", k);
			struct mote_cc_tensor t = read_pb(cases[c].dir, f), u = read_pb(cases[c].dir, f);
			ck_assert_int_eq(mote_cc_nodes_set_input(dev, &t, (int)k), 0);
			ck_assert(t.data == NULL);
			ck_assert_int_eq(mote_cc_nodes_set_input(ref, &u, (int)k), 0);
			mote_cc_tensor_free(&t);
			mote_cc_tensor_free(&u);
		}
		ck_assert_str_eq(mote_cc_dtype_name(3), "int8");
		ck_assert_str_eq(mote_cc_dtype_name(99), "unsupported type");
		struct mote_cc_tensor y = read_pb(cases[c].dir, "output_0.pb");
		const void *got, *want;
		size_t gb, wb;
		ck_assert_int_eq(mote_cc_nodes_output(dev, &y, 0, &got, &gb), MOTE_CC_EINVAL); /* not run yet */
		unsigned jobs = 0;
		ck_assert_msg(mote_cc_nodes_run(dev, ref_job, &jobs, &d) == 0, "%s: %s", cases[c].dir, d.msg);
		ck_assert_uint_ge(jobs, 1);
		ck_assert_int_eq(mote_cc_nodes_run_ref(ref, &d), 0);
		ck_assert_int_eq(mote_cc_nodes_output(dev, &y, 0, &got, &gb), 0);
		ck_assert_int_eq(mote_cc_nodes_output(ref, &y, 0, &want, &wb), 0);
		ck_assert_uint_eq(gb, y.nbytes);
		ck_assert_uint_eq(wb, y.nbytes);
		ck_assert_msg(!memcmp(got, want, gb) && !memcmp(got, y.data, gb), "%s: differs", cases[c].dir);
		/* refusals: an input of another type, nothing taken; a failing job, its status */
		struct mote_cc_tensor t = read_pb(cases[c].dir, "input_0.pb");
		t.dtype = t.dtype == 3 ? 2 : 3;
		ck_assert_int_eq(mote_cc_nodes_set_input(bad, &t, 0), MOTE_CC_EINVAL);
		ck_assert(t.data != NULL);
		t.dtype = t.dtype == 3 ? 2 : 3;
		ck_assert_int_eq(mote_cc_nodes_set_input(bad, &t, 0), 0);
		mote_cc_tensor_free(&t);
		for (uint32_t k = 1; k < cases[c].n_in; k++) {
			char f[32];
			snprintf(f, sizeof f, "input_%u.pb", k);
			t = read_pb(cases[c].dir, f);
			ck_assert_int_eq(mote_cc_nodes_set_input(bad, &t, (int)k), 0);
			mote_cc_tensor_free(&t);
		}
		struct mote_cc_diag e = {{0}};
		ck_assert_int_eq(mote_cc_nodes_run(bad, fail_job, NULL, &e), -7);
		ck_assert_str_eq(e.msg, "");
		ck_assert_int_eq(mote_cc_nodes_output(bad, &y, 0, &got, &gb), MOTE_CC_EINVAL);
		mote_cc_tensor_free(&y);
		mote_cc_tensor_free(NULL);
		mote_cc_nodes_close(dev);
		mote_cc_nodes_close(ref);
		mote_cc_nodes_close(bad);
		mote_cc_nodes_close(NULL);
	}
}
END_TEST

START_TEST(qdq_fold_conv_relu)
{
	const char *dir = getenv("MOTE_QDQ_CASE");
	char path[512];
	snprintf(path, sizeof path, "%s/model.onnx", dir ? dir : "models/onnx_cases/qdq_conv_relu");
	size_t len;
	uint8_t *b = slurp(path, &len);
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	ck_assert_int_eq(mote_onnx_import(b, len, &g, &d), 0);
	free(b);
	ck_assert_uint_eq(g.nn, 6);
	unsigned folded = 0;
	ck_assert_int_eq(ir_fold_qdq(&g, &folded, &d), 0);
	ck_assert_uint_eq(folded, 1);
	ck_assert_uint_eq(g.nn, 1);
	ck_assert_str_eq(g.n[0].op, "QLinearConv");
	ck_assert_uint_eq(g.n[0].n_in, 9);
	const struct ir_attr *r = ir_attr(&g.n[0], "mote_relu");
	ck_assert(r && r->kind == IR_ATTR_INT && r->i == 1);
	ck_assert(ir_attr(&g.n[0], "pads") != NULL);
	snprintf(path, sizeof path, "%s/test_data_set_0/input_0.pb", dir ? dir : "models/onnx_cases/qdq_conv_relu");
	b = slurp(path, &len);
	struct ir_tensor t;
	ck_assert_int_eq(mote_onnx_read_tensor(b, len, &t, &d), 0);
	free(b);
	struct ir_tensor *x = &g.t[ir_find(&g, "x")];
	x->data = t.data;
	x->nbytes = t.nbytes;
	free(t.name);
	ck_assert_msg(ir_exec(&g, &d) == 0, "%s", d.msg);
	snprintf(path, sizeof path, "%s/test_data_set_0/output_0.pb", dir ? dir : "models/onnx_cases/qdq_conv_relu");
	b = slurp(path, &len);
	ck_assert_int_eq(mote_onnx_read_tensor(b, len, &t, &d), 0);
	free(b);
	const struct ir_tensor *y = &g.t[g.n[0].out[0]];
	ck_assert_uint_eq(y->nbytes, t.nbytes);
	ck_assert(memcmp(y->data, t.data, t.nbytes) == 0);
	free(t.name);
	free(t.data);
	ir_graph_free(&g);
}
END_TEST

/* ---- models with one defect, built with the generated bindings ---------- */

struct mini {
	Onnx__ModelProto m;
	Onnx__GraphProto g;
	Onnx__OperatorSetIdProto opset, *opsets[1];
	Onnx__NodeProto node, *nodes[1];
	char *node_in[2], *node_out[1];
	Onnx__ValueInfoProto in, out, *ins[1], *outs[1];
	Onnx__TypeProto in_t, out_t;
	Onnx__TypeProto__Tensor in_tt, out_tt;
	Onnx__TensorProto init, *inits[1];
	int64_t init_dims[1];
	int32_t init_vals[3];
};

/* Relu(x) with an initializer "w" (3 int8 values) and opset 13: valid. */
static void mini_init(struct mini *k)
{
	memset(k, 0, sizeof *k);
	onnx__model_proto__init(&k->m);
	onnx__graph_proto__init(&k->g);
	onnx__operator_set_id_proto__init(&k->opset);
	onnx__node_proto__init(&k->node);
	onnx__value_info_proto__init(&k->in);
	onnx__value_info_proto__init(&k->out);
	onnx__type_proto__init(&k->in_t);
	onnx__type_proto__init(&k->out_t);
	onnx__type_proto__tensor__init(&k->in_tt);
	onnx__type_proto__tensor__init(&k->out_tt);
	onnx__tensor_proto__init(&k->init);
	k->opset.domain = "";
	k->opset.has_version = 1;
	k->opset.version = 13;
	k->opsets[0] = &k->opset;
	k->m.n_opset_import = 1;
	k->m.opset_import = k->opsets;
	k->m.graph = &k->g;
	k->g.name = "mini";
	k->node.op_type = "Relu";
	k->node.name = "relu0";
	k->node_in[0] = "x";
	k->node_out[0] = "y";
	k->node.n_input = 1;
	k->node.input = k->node_in;
	k->node.n_output = 1;
	k->node.output = k->node_out;
	k->nodes[0] = &k->node;
	k->g.n_node = 1;
	k->g.node = k->nodes;
	k->in_tt.has_elem_type = 1;
	k->in_tt.elem_type = IR_INT8;
	k->in_t.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	k->in_t.tensor_type = &k->in_tt;
	k->in.name = "x";
	k->in.type = &k->in_t;
	k->ins[0] = &k->in;
	k->g.n_input = 1;
	k->g.input = k->ins;
	k->out_tt = k->in_tt;
	k->out_t.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	k->out_t.tensor_type = &k->out_tt;
	k->out.name = "y";
	k->out.type = &k->out_t;
	k->outs[0] = &k->out;
	k->g.n_output = 1;
	k->g.output = k->outs;
	k->init.name = "w";
	k->init.has_data_type = 1;
	k->init.data_type = IR_INT8;
	k->init_dims[0] = 3;
	k->init.n_dims = 1;
	k->init.dims = k->init_dims;
	k->init_vals[0] = -128;
	k->init_vals[1] = 0;
	k->init_vals[2] = 127;
	k->init.n_int32_data = 3;
	k->init.int32_data = k->init_vals;
	k->inits[0] = &k->init;
	k->g.n_initializer = 1;
	k->g.initializer = k->inits;
}

/* Import the packed model; returns the status, diag in d. */
static int mini_import(struct mini *k, struct mote_cc_diag *d)
{
	size_t len = onnx__model_proto__get_packed_size(&k->m);
	uint8_t *b = malloc(len ? len : 1);
	ck_assert(b != NULL);
	onnx__model_proto__pack(&k->m, b);
	struct ir_graph g;
	memset(d, 0, sizeof *d);
	int rc = mote_onnx_import(b, len, &g, d);
	if (rc == 0) {
		const struct ir_tensor *w = &g.t[ir_find(&g, "w")];
		ck_assert_uint_eq(w->nbytes, 3);
		ck_assert_int_eq(((int8_t *)w->data)[0], -128);
		ck_assert_int_eq(((int8_t *)w->data)[2], 127);
		ir_graph_free(&g);
	} else {
		ck_assert_uint_eq(g.nt, 0);
		ck_assert_msg(d->msg[0] != 0, "status %d without a reason", rc);
	}
	free(b);
	return rc;
}

#define EXPECT(k, status, text)                                                                         \
	do {                                                                                            \
		struct mote_cc_diag d_;                                                                 \
		int rc_ = mini_import(k, &d_);                                                          \
		ck_assert_msg(rc_ == (status), "got %s (%s)", mote_cc_status_name(rc_), d_.msg);        \
		if (((const char *)(text))[0])                                                          \
			ck_assert_msg(strstr(d_.msg, text) != NULL, "'%s' lacks '%s'", d_.msg, (char *)text); \
	} while (0)

START_TEST(defects)
{
	struct mini k;
	mini_init(&k);
	EXPECT(&k, 0, "");

	mini_init(&k);
	k.node_in[0] = "nowhere";
	EXPECT(&k, MOTE_CC_EFORMAT, "relu0");

	mini_init(&k);
	k.opset.version = 7;
	EXPECT(&k, MOTE_CC_ENOTSUP, "opset 7");

	mini_init(&k);
	k.m.n_opset_import = 0;
	EXPECT(&k, MOTE_CC_EFORMAT, "operator set");

	mini_init(&k);
	k.init_dims[0] = 4; /* 3 values for 4 elements */
	EXPECT(&k, MOTE_CC_EFORMAT, "'w'");

	mini_init(&k);
	k.init_vals[1] = 300;
	EXPECT(&k, MOTE_CC_EFORMAT, "not int8");

	mini_init(&k);
	k.init_dims[0] = -3;
	EXPECT(&k, MOTE_CC_EFORMAT, "dimension");

	mini_init(&k);
	k.init_dims[0] = (int64_t)1 << 40; /* absurd size */
	EXPECT(&k, MOTE_CC_ERANGE, "too large");

	mini_init(&k);
	k.init.data_type = 11; /* double */
	EXPECT(&k, MOTE_CC_ENOTSUP, "element type");

	mini_init(&k);
	k.node_out[0] = "x"; /* redefines the graph input */
	EXPECT(&k, MOTE_CC_EFORMAT, "defined twice");

	mini_init(&k);
	k.node_out[0] = "z"; /* graph output y is never produced */
	EXPECT(&k, MOTE_CC_EFORMAT, "produced by no node");

	mini_init(&k);
	k.node.domain = "com.microsoft";
	EXPECT(&k, MOTE_CC_ENOTSUP, "domain");

	mini_init(&k);
	k.m.graph = NULL;
	EXPECT(&k, MOTE_CC_EFORMAT, "no graph");

	mini_init(&k);
	Onnx__ValueInfoProto *twice[2] = {&k.in, &k.in};
	k.g.input = twice;
	k.g.n_input = 2;
	EXPECT(&k, MOTE_CC_EFORMAT, "graph input 'x' is listed twice");
}
END_TEST

/* ---- grouped convolutions: lower.c against ir_exec ---------------------------------- */

static int32_t add_tensor(struct ir_graph *g, const char *name, int32_t dtype, uint32_t rank, const int64_t *dims,
			  size_t nbytes, uint64_t *seed)
{
	struct mote_cc_diag d;
	int32_t i = ir_add_tensor(g, name, &d);
	ck_assert_int_ge(i, 0);
	struct ir_tensor *t = &g->t[i];
	t->dtype = dtype;
	t->rank = rank;
	memcpy(t->dims, dims, rank * sizeof *dims);
	if (nbytes) {
		t->data = malloc(nbytes);
		ck_assert_ptr_nonnull(t->data);
		t->nbytes = nbytes;
		for (size_t k = 0; k < nbytes; k++)
			((uint8_t *)t->data)[k] = (uint8_t)tc_rand(seed);
	}
	return i;
}

static void set_f32(struct ir_graph *g, int32_t t, size_t k, float v)
{
	memcpy((uint8_t *)g->t[t].data + 4 * k, &v, 4);
}

static void set_attr(struct ir_attr *a, const char *name, const int64_t *v, size_t n)
{
	a->name = ir_strdup(name);
	a->kind = n ? IR_ATTR_INTS : IR_ATTR_INT;
	a->n = n;
	if (n) {
		a->ints = malloc(n * sizeof *a->ints);
		ck_assert_ptr_nonnull(a->ints);
		memcpy(a->ints, v, n * sizeof *v);
	} else {
		a->i = v[0];
	}
	ck_assert_ptr_nonnull(a->name);
}

struct gconv {
	int qlinear;
	uint32_t c, m, group, h, w, kh, kw;
	int64_t pads[4], strides[2];
	int32_t x_type;
	uint32_t rows, cols; /* geometry of the device run (depthwise) */
	uint32_t batch;      /* 0: 1 */
	int64_t ks[2];       /* a kernel_shape attribute, when ks[0] != 0 */
};

/* A graph of one convolution node k (random operands from seed); returns the
 * output tensor's index. */
static int32_t build_gconv(struct ir_graph *gp, const struct gconv *k, uint64_t seed)
{
	uint64_t s = seed;
	struct ir_graph g;
	memset(&g, 0, sizeof g);
	int64_t nb = k->batch ? k->batch : 1;
	int64_t xd[4] = {nb, k->c, k->h, k->w}, wd[4] = {k->m, k->c / k->group, k->kh, k->kw}, one[1] = {1},
		md[1] = {k->m};
	int32_t x = add_tensor(&g, "x", k->x_type, 4, xd, (size_t)(nb * k->c * k->h * k->w), &s);
	int32_t w = add_tensor(&g, "w", IR_INT8, 4, wd, (size_t)(k->m * wd[1] * k->kh * k->kw), &s);
	int32_t xz = add_tensor(&g, "xz", k->x_type, 1, one, 1, &s);
	int32_t wz = add_tensor(&g, "wz", IR_INT8, 1, one, 1, &s);
	((uint8_t *)g.t[wz].data)[0] = 0;
	int32_t in[9];
	uint32_t n_in;
	if (k->qlinear) {
		int32_t xs = add_tensor(&g, "xs", IR_FLOAT, 1, one, 4, &s);
		int32_t ws = add_tensor(&g, "ws", IR_FLOAT, 1, md, 4 * (size_t)k->m, &s);
		int32_t ys = add_tensor(&g, "ys", IR_FLOAT, 1, one, 4, &s);
		int32_t yz = add_tensor(&g, "yz", IR_INT8, 1, one, 1, &s);
		int32_t b = add_tensor(&g, "b", IR_INT32, 1, md, 4 * (size_t)k->m, &s);
		set_f32(&g, xs, 0, 0.05f);
		set_f32(&g, ys, 0, 0.2f);
		for (uint32_t o = 0; o < k->m; o++) {
			set_f32(&g, ws, o, 0.01f + 0.003f * (float)o);
			cc_put_le32((uint8_t *)g.t[b].data + 4 * o, (uint32_t)(int32_t)tc_range(&s, -3000, 3000));
		}
		int32_t v[9] = {x, xs, xz, w, ws, wz, ys, yz, b};
		memcpy(in, v, sizeof v);
		n_in = 9;
	} else {
		int32_t v[4] = {x, w, xz, wz};
		memcpy(in, v, sizeof v);
		n_in = 4;
	}
	struct mote_cc_diag d = {{0}};
	int32_t y = ir_add_tensor(&g, "y", &d);
	ck_assert_int_ge(y, 0);
	struct ir_node *n;
	ck_assert_int_eq(ir_add_node(&g, "conv", k->qlinear ? "QLinearConv" : "ConvInteger", &n, &d), 0);
	n->in = malloc(n_in * sizeof *n->in);
	n->out = malloc(sizeof *n->out);
	n->attrs = calloc(4, sizeof *n->attrs);
	ck_assert(n->in && n->out && n->attrs);
	memcpy(n->in, in, n_in * sizeof *in);
	n->n_in = n_in;
	n->out[0] = y;
	n->n_out = 1;
	int64_t grp = k->group;
	set_attr(&n->attrs[0], "group", &grp, 0);
	set_attr(&n->attrs[1], "pads", k->pads, 4);
	set_attr(&n->attrs[2], "strides", k->strides, 2);
	n->n_attrs = 3;
	if (k->ks[0])
		set_attr(&n->attrs[n->n_attrs++], "kernel_shape", k->ks, 2);
	*gp = g;
	return y;
}

/* One node; ir_exec's output against the lowered convolution's (device for
 * a depthwise one, mote_ref_conv otherwise), unpacked to NCHW. */
static void check_gconv(const struct gconv *k, uint64_t seed)
{
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	int32_t y = build_gconv(&g, k, seed);
	ck_assert_msg(ir_exec(&g, &d) == 0, "ir_exec: %s", d.msg);

	struct lowered L;
	ck_assert_msg(lower_node(&g, &g.n[0], &L, &d) == 0, "lower: %s", d.msg);
	ck_assert_uint_eq(L.conv.groups, k->group);
	uint8_t *xin = malloc(L.in_bytes), *out = malloc(L.out_bytes), *yy = malloc(g.t[y].nbytes);
	ck_assert(xin && out && yy);
	ck_assert_int_eq(lower_prepare_job(&g, &L, 0, xin), 0);
	struct mote_geometry geo = tc_geom(k->rows, k->cols);
	if (k->group == k->c && k->c == k->m) {
		struct tc_run run = {.policy = MOTE_FM_RANDOM, .queue_depth = 4, .seed = seed};
		ck_assert_msg(tc_run_conv(&geo, &L.conv, xin, out, &run) == 0, "%s", run.why);
	} else {
		struct mote_cc_plan plan;
		ck_assert_int_eq(mote_cc_plan_conv(&geo, &L.conv, &plan, &d), MOTE_CC_ENOTSUP);
		ck_assert_int_eq(mote_ref_conv(&L.conv, xin, out), 0);
	}
	lower_unpack_output(&g, &L, 0, out, yy);
	ck_assert_uint_eq(g.t[y].nbytes, L.out_bytes);
	ck_assert_msg(memcmp(yy, g.t[y].data, L.out_bytes) == 0, "%s group %u: lowered result differs from ir_exec",
		      g.n[0].op, k->group);
	free(xin);
	free(out);
	free(yy);
	lower_free(&L);
	ir_graph_free(&g);
}

START_TEST(grouped_conv_lowering)
{
	static const struct gconv convs[] = {
		{1, 12, 12, 12, 9, 7, 3, 3, {1, 1, 1, 1}, {2, 1}, IR_UINT8, 8, 8, 1, {0, 0}}, /* depthwise, requantized */
		{0, 5, 5, 5, 6, 8, 5, 1, {2, 0, 2, 0}, {1, 1}, IR_INT8, 4, 8, 1, {0, 0}},   /* depthwise 5x1, int32 */
		{0, 6, 4, 2, 5, 5, 2, 3, {0, 1, 1, 0}, {1, 2}, IR_UINT8, 8, 8, 1, {0, 0}},  /* 2 groups: reference only */
		{1, 8, 16, 8, 4, 4, 3, 3, {1, 1, 1, 1}, {1, 1}, IR_INT8, 8, 8, 1, {0, 0}},  /* multiplier 2: reference */
	};
	for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++)
		check_gconv(&convs[i], 900 + i);
}
END_TEST

/* The compiler's report collected into one string. */
struct report {
	char text[16384];
	size_t len;
};

static void collect(void *ctx, const char *line)
{
	struct report *r = ctx;
	int n = snprintf(r->text + r->len, sizeof r->text - r->len, "%s\n", line);
	if (n > 0 && r->len + (size_t)n < sizeof r->text)
		r->len += (size_t)n;
}

static void compile_report(const char *path, const struct mote_geometry *g, struct report *r)
{
	size_t len, mlen;
	uint8_t *onnx = slurp(path, &len);
	void *model;
	struct mote_cc_diag d = {{0}};
	memset(r, 0, sizeof *r);
	ck_assert_msg(mote_cc_compile_onnx(onnx, len, g, collect, r, &model, &mlen, &d) == 0, "%s: %s", path, d.msg);
	mote_cc_free(model);
	free(onnx);
}

/* Pooling placement: on the device where the target has what it needs
 * (global average pooling with kernel-row groups down to 4x4), on the host
 * (with the reason in the report) for max pooling on a target without
 * FEATURES.ACC_MAX and average pooling on one without DEPTHWISE. */
START_TEST(pool_placement)
{
	struct report r;
	struct mote_geometry g = tc_geom(8, 8);
	compile_report("models/fashion_mnist/model.onnx", &g, &r);
	ck_assert_msg(strstr(r.text, "device MaxPool") && !strstr(r.text, "host   MaxPool"), "%s", r.text);
	for (uint32_t rc = 4; rc <= 16; rc *= 2) {
		struct mote_geometry gg = tc_geom(rc, rc);
		compile_report("models/mlperf_shapes/dscnn.onnx", &gg, &r);
		ck_assert_msg(strstr(r.text, "device QLinearAveragePool"), "%ux%u: %s", rc, rc, r.text);
		compile_report("models/mlperf_shapes/resnet8.onnx", &gg, &r);
		ck_assert_msg(strstr(r.text, "device QLinearAveragePool"), "%ux%u: %s", rc, rc, r.text);
	}
	g.features &= ~MOTE_FEATURES_ACC_MAX_MASK;
	compile_report("models/fashion_mnist/model.onnx", &g, &r);
	ck_assert_msg(strstr(r.text, "host   MaxPool") && !strstr(r.text, "device MaxPool"), "%s", r.text);
	ck_assert_msg(strstr(r.text, "needs the ACC_MAX feature"), "%s", r.text);
	g.features &= ~MOTE_FEATURES_DEPTHWISE_MASK;
	compile_report("models/mlperf_shapes/resnet8.onnx", &g, &r);
	ck_assert_msg(strstr(r.text, "host   QLinearAveragePool"), "%s", r.text);
}
END_TEST

/* ---- the executor's bounds: refused at once, precisely (fuzz_onnx found these hanging or overflowing) ---- */

static void expect_exec(const struct gconv *k, int status, const char *text)
{
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	build_gconv(&g, k, 77);
	int rc = ir_exec(&g, &d);
	ck_assert_msg(rc == status, "got %s (%s), wanted %s", mote_cc_status_name(rc), d.msg, mote_cc_status_name(status));
	ck_assert_msg(strstr(d.msg, text) != NULL, "'%s' lacks '%s'", d.msg, text);
	ir_graph_free(&g);
}

START_TEST(exec_bounds)
{
	const struct gconv ok = {0, 4, 4, 1, 6, 6, 3, 3, {1, 1, 1, 1}, {1, 1}, IR_INT8, 8, 8, 0, {0, 0}};
	struct gconv k = ok;
	k.pads[0] = INT64_MAX; /* was signed overflow in the output size */
	expect_exec(&k, MOTE_CC_EFORMAT, "node 'conv' (ConvInteger): pads[0] is 9223372036854775807 (0..4096)");
	k = ok;
	k.pads[3] = -1;
	expect_exec(&k, MOTE_CC_EFORMAT, "pads[3] is -1");
	k = ok;
	k.strides[1] = 0;
	expect_exec(&k, MOTE_CC_EFORMAT, "strides[1] is 0 (1..4096)");
	k = ok;
	k.strides[0] = (int64_t)1 << 40;
	expect_exec(&k, MOTE_CC_EFORMAT, "strides[0] is 1099511627776");
	k = ok;
	k.kh = 5000, k.h = 5000; /* a kernel past the window bound */
	expect_exec(&k, MOTE_CC_EFORMAT, "kernel[0] is 5000");
	/* pads in range, but 16 x 16 channels over an 8196 x 8196 output: hours of work before */
	k = ok;
	k.c = k.m = 16;
	for (int i = 0; i < 4; i++)
		k.pads[i] = 4096;
	expect_exec(&k, MOTE_CC_ERANGE, "1 x 16 x 8196 x 8196 x 16 x 3 x 3 multiply-accumulates, more than the 2^28");
	/* a large batch, bounded the same way (the compiler refuses batch > 1 before running) */
	k = ok;
	k.batch = 65535;
	k.c = k.m = 16;
	k.h = k.w = 4;
	expect_exec(&k, MOTE_CC_ERANGE, "65535 x 16 x 4 x 4 x 16 x 3 x 3 multiply-accumulates");
	/* few multiply-accumulates, but an output past 2^24 elements */
	k = (struct gconv){0, 1, 1, 1, 1, 1, 1, 1, {4096, 4096, 4096, 4096}, {1, 1}, IR_INT8, 8, 8, 0, {0, 0}};
	expect_exec(&k, MOTE_CC_ERANGE, "node 'conv' (ConvInteger): output of 67125249 elements (at most 2^24)");
	k = ok;
	k.group = 3; /* 4 channels in 3 groups */
	expect_exec(&k, MOTE_CC_EFORMAT, "group 3 for 4 input and 4 output channels");
	/* kernel_shape, when given, must agree with the weight */
	k = ok;
	k.ks[0] = 5, k.ks[1] = 5;
	expect_exec(&k, MOTE_CC_EFORMAT, "node 'conv' (ConvInteger): kernel_shape disagrees with the weight 'w' (3 x 3)");
	k = ok;
	k.ks[0] = 3, k.ks[1] = 2;
	expect_exec(&k, MOTE_CC_EFORMAT, "kernel_shape disagrees");
	k = ok;
	k.ks[0] = 3, k.ks[1] = 3;
	expect_exec(&k, 0, "");
	k = ok;
	expect_exec(&k, 0, "");

	/* MaxPool: 2048 x 2048 windows over a 4096-padded 64 x 64 image */
	uint64_t seed = 5;
	struct ir_graph g;
	memset(&g, 0, sizeof g);
	int64_t xd[4] = {1, 1, 64, 64}, kern[2] = {2048, 2048}, pads[4] = {4096, 4096, 4096, 4096};
	int32_t x = add_tensor(&g, "x", IR_INT8, 4, xd, 64 * 64, &seed);
	struct mote_cc_diag d = {{0}};
	int32_t y = ir_add_tensor(&g, "y", &d);
	struct ir_node *n;
	ck_assert_int_eq(ir_add_node(&g, "pool", "MaxPool", &n, &d), 0);
	n->in = malloc(sizeof *n->in);
	n->out = malloc(sizeof *n->out);
	n->attrs = calloc(2, sizeof *n->attrs);
	ck_assert(n->in && n->out && n->attrs);
	n->in[0] = x, n->out[0] = y, n->n_in = n->n_out = 1;
	set_attr(&n->attrs[0], "kernel_shape", kern, 2);
	set_attr(&n->attrs[1], "pads", pads, 4);
	n->n_attrs = 2;
	int rc = ir_exec(&g, &d);
	ck_assert_msg(rc == MOTE_CC_ERANGE, "got %s (%s)", mote_cc_status_name(rc), d.msg);
	ck_assert_msg(strstr(d.msg, "node 'pool' (MaxPool): 1 x 1 x 6209 x 6209 outputs of 2048 x 2048 windows"), "%s",
		      d.msg);
	ir_graph_free(&g);
}
END_TEST

/* Compile the packed model k for 8x8: its status must be status, its message contain text. */
static void expect_compile(struct mini *k, int status, const char *text)
{
	size_t len = onnx__model_proto__get_packed_size(&k->m);
	uint8_t *b = malloc(len);
	ck_assert_ptr_nonnull(b);
	onnx__model_proto__pack(&k->m, b);
	struct mote_geometry geo = tc_geom(8, 8);
	void *model = NULL;
	size_t mlen = 0;
	struct mote_cc_diag d = {{0}};
	int rc = mote_cc_compile_onnx(b, len, &geo, NULL, NULL, &model, &mlen, &d);
	ck_assert_msg(rc == status, "got %s (%s)", mote_cc_status_name(rc), d.msg);
	ck_assert_msg(strstr(d.msg, text), "'%s' lacks '%s'", d.msg, text);
	ck_assert(rc ? model == NULL : model != NULL);
	mote_cc_free(model);
	free(b);
}

/* A model whose only graph input is also an initializer computes a constant:
 * the compiler refuses it (the loader would refuse a file without inputs). */
START_TEST(compile_needs_an_input)
{
	struct mini k;
	mini_init(&k);
	k.init.name = "x"; /* x: an input with a default value, i.e. a constant */
	expect_compile(&k, MOTE_CC_ENOTSUP, "the model has no inputs (every graph input is an initializer)");
}
END_TEST

/* ConvInteger(x [1,1,3,3], w [1,1,1,3]): the compiled file holds weights only
 * as constants and activations only as inputs or step results (found by
 * fuzz_onnx: a weight given as a graph input was compiled as zeros, a
 * constant activation as an arena range nobody filled). */
START_TEST(compile_operand_kinds)
{
	struct mini k;
	Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
	Onnx__TensorShapeProto__Dimension dim[4], *dims[4];
	for (int i = 0; i < 4; i++) {
		onnx__tensor_shape_proto__dimension__init(&dim[i]);
		dim[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		dim[i].dim_value = i < 2 ? 1 : 3;
		dims[i] = &dim[i];
	}
	shape.n_dim = 4;
	shape.dim = dims;
	int64_t wd[4] = {1, 1, 1, 3};
	mini_init(&k);
	k.node.op_type = "ConvInteger";
	k.node_in[1] = "w";
	k.node.n_input = 2;
	k.in_tt.shape = &shape;
	k.out_tt.elem_type = IR_INT32;
	k.init.dims = wd;
	k.init.n_dims = 4;
	expect_compile(&k, 0, ""); /* as it should be */

	/* w a graph input (no initializer) */
	Onnx__ValueInfoProto w_in = k.in, *ins[2] = {&k.in, &w_in};
	w_in.name = "w";
	k.g.input = ins;
	k.g.n_input = 2;
	k.g.n_initializer = 0;
	expect_compile(&k, MOTE_CC_ENOTSUP, "input 1 'w' is a graph input, but the compiler needs its value");

	/* x a constant, and another input so that the model has one */
	Onnx__TensorProto x_init = k.init, *inits[2] = {&k.init, &x_init};
	int64_t xd[4] = {1, 1, 3, 3};
	int32_t xv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	x_init.name = "x";
	x_init.dims = xd;
	x_init.int32_data = xv;
	x_init.n_int32_data = 9;
	k.g.initializer = inits;
	k.g.n_initializer = 2;
	w_in.name = "unused";
	expect_compile(&k, MOTE_CC_ENOTSUP, "input 'x' is a constant the host or device would have to hold");
}
END_TEST

START_TEST(truncated_and_flipped)
{
	size_t len;
	uint8_t *b = case_model("test_qlinearconv", &len);
	size_t fails = 0;
	for (size_t n = 0; n < len; n++) {
		uint8_t *c = malloc(n ? n : 1); /* exact size: ASan sees any read past the end */
		ck_assert(c != NULL);
		memcpy(c, b, n);
		struct ir_graph g;
		struct mote_cc_diag d = {{0}};
		int rc = mote_onnx_import(c, n, &g, &d);
		if (rc) {
			fails++;
			ck_assert_msg(d.msg[0] != 0, "prefix %zu: status %d without a reason", n, rc);
		} else {
			ir_graph_free(&g);
		}
		free(c);
	}
	/* a prefix can be a complete message only where a field ends; most are not */
	ck_assert_msg(fails * 10 >= len * 9, "%zu of %zu prefixes accepted", len - fails, len);

	const char *env = getenv("MOTE_ONNX_TEST_FLIPS");
	long flips = env ? atol(env) : 3000;
	uint64_t s = 99;
	uint8_t *c = malloc(len);
	ck_assert(c != NULL);
	for (long i = 0; i < flips; i++) {
		memcpy(c, b, len);
		int nf = (int)tc_range(&s, 1, 4);
		for (int f = 0; f < nf; f++)
			c[tc_range(&s, 0, (int64_t)len - 1)] ^= (uint8_t)(1u << tc_range(&s, 0, 7));
		struct ir_graph g;
		struct mote_cc_diag d = {{0}};
		if (mote_onnx_import(c, len, &g, &d) == 0)
			ir_graph_free(&g);
	}
	free(c);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("onnx");
	TCase *tc = tcase_create("onnx");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, conformance_models);
	tcase_add_test(tc, conformance_host_exec);
	tcase_add_test(tc, nodes_api);
	tcase_add_test(tc, qdq_fold_conv_relu);
	tcase_add_test(tc, defects);
	tcase_add_test(tc, grouped_conv_lowering);
	tcase_add_test(tc, pool_placement);
	tcase_add_test(tc, truncated_and_flipped);
	tcase_add_test(tc, exec_bounds);
	tcase_add_test(tc, compile_needs_an_input);
	tcase_add_test(tc, compile_operand_kinds);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
