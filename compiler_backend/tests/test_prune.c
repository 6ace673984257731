/* test_prune.c: mote_cc_prune_onnx (2:4 magnitude pruning of an ONNX model).
 *
 * One model holds a layer of every form the pruner takes, built with the
 * generated protobuf-c bindings: QLinearConv (per-channel non-zero zero
 * points), QLinearMatMul (int32_data), QDQ Gemm with transB 1 and 0, QDQ
 * MatMul of float weights behind QuantizeLinear (float_data, zero point
 * through Identity), a grouped QDQ Conv, ConvInteger with uint8 weights,
 * and layers it must leave (a MatMul of two activations).  Weights are
 * small random integers, so ties are frequent.  The result is read back
 * with protobuf-c and held to a reference written independently here
 * (sort each group by magnitude, then index): the kept values are exactly
 * the 2 largest, every group has at most 2 non-zero values, the reported
 * figures add up, every other initializer, node and graph field is byte
 * for byte the input's, and a raw_data-only model differs from its input
 * only inside the pruned weights' bytes.  Then skip, skip_first, running
 * twice (nothing more to prune: the same bytes), and refusals.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"
#include "mote/mote_compiler.h"
#include "onnx.pb-c.h"

#define MAXT 48
#define MAXN 32

enum { ONNX_FLOAT = 1, ONNX_UINT8 = 2, ONNX_INT8 = 3 };
enum lay { CONV, KN, NK };

/* ---- a model builder over the generated bindings ------------------------------ */

struct mb {
	Onnx__ModelProto m;
	Onnx__GraphProto g;
	Onnx__OperatorSetIdProto op, *ops[1];
	Onnx__TensorProto t[MAXT], *tp[MAXT];
	int64_t dims[MAXT][4];
	Onnx__NodeProto n[MAXN], *np[MAXN];
	char *io[MAXN][2][9];
	Onnx__AttributeProto attr[MAXN], *ap[MAXN][1];
	Onnx__ValueInfoProto vi[2], *vin[1], *vout[1];
	Onnx__TypeProto ty;
	Onnx__TypeProto__Tensor tt;
	char names[MAXT + MAXN][48];
	void *owned[MAXT];
	size_t no;
};

static void mb_init(struct mb *b)
{
	memset(b, 0, sizeof *b);
	onnx__model_proto__init(&b->m);
	onnx__graph_proto__init(&b->g);
	onnx__operator_set_id_proto__init(&b->op);
	b->op.domain = "";
	b->op.has_version = 1;
	b->op.version = 13;
	b->ops[0] = &b->op;
	b->m.n_opset_import = 1;
	b->m.opset_import = b->ops;
	b->m.graph = &b->g;
	b->g.name = "prune_test";
	b->g.initializer = b->tp;
	b->g.node = b->np;
	onnx__type_proto__init(&b->ty);
	onnx__type_proto__tensor__init(&b->tt);
	b->tt.has_elem_type = 1;
	b->tt.elem_type = ONNX_UINT8;
	b->ty.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	b->ty.tensor_type = &b->tt;
	for (int i = 0; i < 2; i++) {
		onnx__value_info_proto__init(&b->vi[i]);
		b->vi[i].type = &b->ty;
	}
	b->vi[0].name = "x";
	b->vin[0] = &b->vi[0];
	b->g.n_input = 1;
	b->g.input = b->vin;
	b->vi[1].name = "y";
	b->vout[0] = &b->vi[1];
	b->g.n_output = 1;
	b->g.output = b->vout;
}

static void mb_free(struct mb *b)
{
	for (size_t i = 0; i < b->no; i++)
		free(b->owned[i]);
}

static void *own(struct mb *b, size_t bytes)
{
	ck_assert_uint_lt(b->no, MAXT);
	void *p = calloc(1, bytes ? bytes : 1);
	ck_assert(p != NULL);
	return b->owned[b->no++] = p;
}

enum enc { RAW, INT32, FLOATS };

/* An initializer: n values of type dt (vals as int32 for integer types, or fv floats). */
static void mb_init_tensor(struct mb *b, const char *name, int dt, int rank, const int64_t *dims,
			   const int32_t *vals, const float *fv, enum enc enc)
{
	size_t k = b->g.n_initializer++;
	ck_assert_uint_lt(k, MAXT);
	Onnx__TensorProto *t = &b->t[k];
	onnx__tensor_proto__init(t);
	b->tp[k] = t;
	t->name = (char *)name;
	t->has_data_type = 1;
	t->data_type = dt;
	size_t n = 1;
	for (int d = 0; d < rank; d++)
		n *= (size_t)(b->dims[k][d] = dims[d]);
	t->n_dims = (size_t)rank;
	t->dims = b->dims[k];
	if (enc == INT32) {
		int32_t *v = own(b, n * sizeof *v);
		memcpy(v, vals, n * sizeof *v);
		t->n_int32_data = n;
		t->int32_data = v;
	} else if (enc == FLOATS) {
		float *v = own(b, n * sizeof *v);
		memcpy(v, fv, n * sizeof *v);
		t->n_float_data = n;
		t->float_data = v;
	} else {
		size_t es = dt == ONNX_FLOAT ? 4 : 1;
		uint8_t *r = own(b, n * es);
		for (size_t i = 0; i < n; i++) {
			if (dt == ONNX_FLOAT)
				memcpy(r + 4 * i, &fv[i], 4);
			else
				r[i] = (uint8_t)vals[i];
		}
		t->has_raw_data = 1;
		t->raw_data.len = n * es;
		t->raw_data.data = r;
	}
}

static Onnx__NodeProto *mb_node(struct mb *b, const char *name, const char *op, const char *const *in, size_t nin,
				const char *out)
{
	size_t k = b->g.n_node++;
	ck_assert_uint_lt(k, MAXN);
	Onnx__NodeProto *n = &b->n[k];
	onnx__node_proto__init(n);
	b->np[k] = n;
	n->name = (char *)name;
	n->op_type = (char *)op;
	for (size_t i = 0; i < nin; i++)
		b->io[k][0][i] = (char *)in[i];
	b->io[k][1][0] = (char *)out;
	n->n_input = nin;
	n->input = b->io[k][0];
	n->n_output = 1;
	n->output = b->io[k][1];
	return n;
}

static void mb_attr_int(struct mb *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
	size_t k = (size_t)(n - b->n);
	Onnx__AttributeProto *a = &b->attr[k];
	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
	a->has_i = 1;
	a->i = v;
	b->ap[k][0] = a;
	n->n_attribute = 1;
	n->attribute = b->ap[k];
}

static uint8_t *mb_pack(struct mb *b, size_t *len)
{
	*len = onnx__model_proto__get_packed_size(&b->m);
	uint8_t *p = malloc(*len);
	ck_assert(p != NULL);
	onnx__model_proto__pack(&b->m, p);
	return p;
}

/* ---- the test model -------------------------------------------------------------- */

/* A layer the reference checks: which initializer, its layout, zero points. */
struct expect {
	const char *node, *weight;
	enum lay lay;
	int dt;                 /* ONNX_INT8 / ONNX_UINT8 / ONNX_FLOAT (then scale, zp) */
	int rank;
	int64_t dims[4];
	const int32_t *zp;      /* per element of the zp axis, or one */
	int nzp, zp_axis;
	float scale;
};

struct model {
	struct mb b;
	struct expect e[8];
	size_t ne;
	int32_t zp_conv[5], zp_mm, zp_gt, zp_gn, zp_g, zp_f, zp_u;
	uint64_t seed;
};

static int32_t *rnd_vals(struct model *M, size_t n, int lo, int hi)
{
	int32_t *v = own(&M->b, n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = (int32_t)tc_range(&M->seed, lo, hi);
	return v;
}

static void expect_layer(struct model *M, const char *node, const char *w, enum lay lay, int dt, int rank,
			 const int64_t *dims, const int32_t *zp, int nzp, int axis, float scale)
{
	struct expect *e = &M->e[M->ne++];
	*e = (struct expect){node, w, lay, dt, rank, {0}, zp, nzp, axis, scale};
	memcpy(e->dims, dims, (size_t)rank * sizeof *dims);
}

/* every form; int32: the QLinearMatMul's weights as int32_data (else raw_data) */
static void build(struct model *M, int int32)
{
	memset(M, 0, sizeof *M);
	struct mb *b = &M->b;
	mb_init(b);
	M->seed = 0x5eed2024;
	static const int64_t one[1] = {1};
	static const int32_t zero[1] = {0};
	float s = 0.05f;
	/* shared scalars */
	mb_init_tensor(b, "s", ONNX_FLOAT, 0, one, NULL, &s, RAW);
	mb_init_tensor(b, "zx", ONNX_UINT8, 0, one, zero, NULL, RAW);

	/* QLinearConv: W [5, 6, 3, 3] int8, per-channel zero points, K = 54 */
	static const int64_t dc[4] = {5, 6, 3, 3}, d5[1] = {5};
	for (int o = 0; o < 5; o++)
		M->zp_conv[o] = o - 2;
	mb_init_tensor(b, "wc", ONNX_INT8, 4, dc, rnd_vals(M, 270, -6, 6), NULL, RAW);
	mb_init_tensor(b, "wc_zp", ONNX_INT8, 1, d5, M->zp_conv, NULL, RAW);
	const char *qc[] = {"x", "s", "zx", "wc", "s", "wc_zp", "s", "zx"};
	mb_node(b, "qconv", "QLinearConv", qc, 8, "y0");
	expect_layer(M, "qconv", "wc", CONV, ONNX_INT8, 4, dc, M->zp_conv, 5, 0, 0);

	/* QLinearMatMul: B [10, 3] (K 10 per column), zero point 2 */
	static const int64_t dm[2] = {10, 3};
	M->zp_mm = 2;
	mb_init_tensor(b, "wm", ONNX_INT8, 2, dm, rnd_vals(M, 30, -5, 5), NULL, int32 ? INT32 : RAW);
	mb_init_tensor(b, "wm_zp", ONNX_INT8, 0, one, &M->zp_mm, NULL, RAW);
	const char *qm[] = {"y0", "s", "zx", "wm", "s", "wm_zp", "s", "zx"};
	mb_node(b, "qmatmul", "QLinearMatMul", qm, 8, "y1");
	expect_layer(M, "qmatmul", "wm", KN, ONNX_INT8, 2, dm, &M->zp_mm, 1, 0, 0);

	/* QDQ Gemm transB = 1: B [4, 7] */
	static const int64_t dgt[2] = {4, 7};
	M->zp_gt = 0;
	mb_init_tensor(b, "wgt", ONNX_INT8, 2, dgt, rnd_vals(M, 28, -3, 3), NULL, RAW);
	mb_init_tensor(b, "wgt_zp", ONNX_INT8, 0, one, &M->zp_gt, NULL, RAW);
	const char *dq1[] = {"wgt", "s", "wgt_zp"}, *g1[] = {"y1", "wgt_dq"};
	mb_node(b, "dq_gt", "DequantizeLinear", dq1, 3, "wgt_dq");
	mb_attr_int(b, mb_node(b, "gemm_t", "Gemm", g1, 2, "y2"), "transB", 1);
	expect_layer(M, "gemm_t", "wgt", NK, ONNX_INT8, 2, dgt, &M->zp_gt, 1, 0, 0);

	/* QDQ Gemm transB = 0: B [9, 2], zero point -1 */
	static const int64_t dgn[2] = {9, 2};
	M->zp_gn = -1;
	mb_init_tensor(b, "wgn", ONNX_INT8, 2, dgn, rnd_vals(M, 18, -4, 4), NULL, RAW);
	mb_init_tensor(b, "wgn_zp", ONNX_INT8, 0, one, &M->zp_gn, NULL, RAW);
	const char *dq2[] = {"wgn", "s", "wgn_zp"}, *g2[] = {"y2", "wgn_dq"};
	mb_node(b, "dq_gn", "DequantizeLinear", dq2, 3, "wgn_dq");
	mb_node(b, "gemm_n", "Gemm", g2, 2, "y3");
	expect_layer(M, "gemm_n", "wgn", KN, ONNX_INT8, 2, dgn, &M->zp_gn, 1, 0, 0);

	/* QDQ MatMul of float weights F [6, 5] behind QuantizeLinear, zero point 3 through Identity, float_data */
	static const int64_t df[2] = {6, 5};
	float *fv = own(b, 30 * sizeof *fv);
	for (int i = 0; i < 30; i++) /* on the grid and between it (ties of the rounding too) */
		fv[i] = s * (float)tc_range(&M->seed, -8, 8) * (i % 3 == 0 ? 0.5f : 1.0f);
	M->zp_f = 3;
	mb_init_tensor(b, "wf", ONNX_FLOAT, 2, df, NULL, fv, int32 ? FLOATS : RAW);
	mb_init_tensor(b, "wf_zp0", ONNX_INT8, 0, one, &M->zp_f, NULL, RAW);
	const char *id[] = {"wf_zp0"}, *q[] = {"wf", "s", "wf_zp"}, *dq3[] = {"wf_q", "s", "wf_zp"},
		   *mm[] = {"y3", "wf_dq"};
	mb_node(b, "id_zp", "Identity", id, 1, "wf_zp");
	mb_node(b, "q_f", "QuantizeLinear", q, 3, "wf_q");
	mb_node(b, "dq_f", "DequantizeLinear", dq3, 3, "wf_dq");
	mb_node(b, "matmul_f", "MatMul", mm, 2, "y4");
	expect_layer(M, "matmul_f", "wf", KN, ONNX_FLOAT, 2, df, &M->zp_f, 1, 0, s);

	/* grouped QDQ Conv: W [4, 2, 2, 3], group 2, K = 12 */
	static const int64_t dg[4] = {4, 2, 2, 3};
	M->zp_g = 0;
	mb_init_tensor(b, "wg", ONNX_INT8, 4, dg, rnd_vals(M, 48, -7, 7), NULL, RAW);
	const char *dq4[] = {"wg", "s"}, *cg[] = {"y4", "wg_dq"};
	mb_node(b, "dq_g", "DequantizeLinear", dq4, 2, "wg_dq");
	mb_attr_int(b, mb_node(b, "conv_g", "Conv", cg, 2, "y5"), "group", 2);
	expect_layer(M, "conv_g", "wg", CONV, ONNX_INT8, 4, dg, &M->zp_g, 1, 0, 0);

	/* ConvInteger: uint8 W [3, 2, 1, 3] (K = 6), zero point 128 */
	static const int64_t du[4] = {3, 2, 1, 3};
	M->zp_u = 128;
	mb_init_tensor(b, "wu", ONNX_UINT8, 4, du, rnd_vals(M, 18, 120, 136), NULL, RAW);
	mb_init_tensor(b, "wu_zp", ONNX_UINT8, 0, one, &M->zp_u, NULL, RAW);
	const char *ci[] = {"y5", "wu", "zx", "wu_zp"};
	mb_node(b, "convint", "ConvInteger", ci, 4, "y6");
	expect_layer(M, "convint", "wu", CONV, ONNX_UINT8, 4, du, &M->zp_u, 1, 0, 0);

	/* left: a matrix product of two activations; a Relu */
	const char *aa[] = {"y6", "y6"}, *r[] = {"y7"};
	mb_node(b, "matmul_act", "MatMul", aa, 2, "y7");
	mb_node(b, "relu", "Relu", r, 1, "y");
}

/* ---- the independent reference --------------------------------------------------- */

static const Onnx__TensorProto *find_init(const Onnx__GraphProto *g, const char *name)
{
	for (size_t i = 0; i < g->n_initializer; i++)
		if (!strcmp(g->initializer[i]->name, name))
			return g->initializer[i];
	return NULL;
}

static size_t numel(const struct expect *e)
{
	size_t n = 1;
	for (int d = 0; d < e->rank; d++)
		n *= (size_t)e->dims[d];
	return n;
}

/* The integer value of element i of t as the model means it. */
static int32_t qval(const struct expect *e, const Onnx__TensorProto *t, size_t i)
{
	if (e->dt == ONNX_FLOAT) {
		float f;
		if (t->has_raw_data)
			memcpy(&f, t->raw_data.data + 4 * i, 4);
		else
			f = t->float_data[i];
		double v = nearbyint((double)(f / e->scale)) + e->zp[0];
		return (int32_t)(v < -128 ? -128 : v > 127 ? 127 : v);
	}
	if (!t->has_raw_data)
		return t->int32_data[i];
	return e->dt == ONNX_INT8 ? (int8_t)t->raw_data.data[i] : t->raw_data.data[i];
}

static int32_t zp_of(const struct expect *e, size_t i)
{
	if (e->nzp == 1)
		return e->zp[0];
	size_t stride = 1;
	for (int d = e->zp_axis + 1; d < e->rank; d++)
		stride *= (size_t)e->dims[d];
	return e->zp[i / stride % (size_t)e->nzp];
}

/* Output channels, reduction length, and the flat index of (o, r): written
 * from the layouts' definitions, not from prune.c. */
static void shape_of(const struct expect *e, size_t *O, size_t *K)
{
	if (e->lay == CONV)
		*O = (size_t)e->dims[0], *K = (size_t)(e->dims[1] * e->dims[2] * e->dims[3]);
	else if (e->lay == KN)
		*O = (size_t)e->dims[1], *K = (size_t)e->dims[0];
	else
		*O = (size_t)e->dims[0], *K = (size_t)e->dims[1];
}

static size_t index_of(const struct expect *e, size_t o, size_t r)
{
	if (e->lay == KN)
		return r * (size_t)e->dims[1] + o;
	if (e->lay == NK)
		return o * (size_t)e->dims[1] + r;
	/* r runs over (kh, kw, c), c fastest */
	size_t C = (size_t)e->dims[1], KH = (size_t)e->dims[2], KW = (size_t)e->dims[3];
	size_t c = r % C, kx = r / C % KW, ky = r / C / KW;
	return ((o * C + c) * KH + ky) * KW + kx;
}

struct cand {
	int32_t mag;
	size_t j;
};

static int by_mag_then_index(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->mag != y->mag)
		return x->mag > y->mag ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

/* Layer e of the input (before) and output (after): exactly the reference's
 * choice, 2:4 in every group, and the figures r reported. */
static void check_layer(const struct expect *e, const Onnx__TensorProto *before, const Onnx__TensorProto *after,
			const struct mote_cc_prune_layer *r)
{
	size_t O, K, n = numel(e);
	shape_of(e, &O, &K);
	uint64_t zeroed = 0, removed = 0, total = 0, at_zero = 0;
	int *cut = calloc(n, sizeof *cut);
	ck_assert(cut != NULL);
	for (size_t o = 0; o < O; o++)
		for (size_t r0 = 0; r0 < K; r0 += 4) {
			struct cand c[4];
			size_t g = K - r0 < 4 ? K - r0 : 4;
			for (size_t j = 0; j < g; j++) {
				size_t i = index_of(e, o, r0 + j);
				c[j] = (struct cand){abs(qval(e, before, i) - zp_of(e, i)), j};
				total += (uint64_t)c[j].mag;
			}
			qsort(c, g, sizeof c[0], by_mag_then_index);
			for (size_t j = 2; j < g; j++) {
				cut[index_of(e, o, r0 + c[j].j)] = 1;
				removed += (uint64_t)c[j].mag;
				zeroed += c[j].mag != 0;
			}
			size_t nonzero = 0;
			for (size_t j = 0; j < g; j++) {
				size_t i = index_of(e, o, r0 + j);
				nonzero += qval(e, after, i) != zp_of(e, i);
			}
			ck_assert_msg(nonzero <= 2, "%s: channel %zu group at %zu has %zu non-zero weights", e->node, o, r0,
				      nonzero);
		}
	for (size_t i = 0; i < n; i++) {
		int32_t want = cut[i] ? zp_of(e, i) : qval(e, before, i);
		ck_assert_msg(qval(e, after, i) == want, "%s: element %zu is %d, expected %d", e->node, i,
			      qval(e, after, i), want);
		if (e->dt == ONNX_FLOAT && cut[i]) { /* pruned floats are +0.0 exactly */
			float f;
			if (after->has_raw_data)
				memcpy(&f, after->raw_data.data + 4 * i, 4);
			else
				f = after->float_data[i];
			ck_assert(f == 0.0f && !signbit(f));
		}
		at_zero += qval(e, after, i) == zp_of(e, i);
	}
	free(cut);
	ck_assert_ptr_null(r->left);
	ck_assert_uint_eq(r->weights, n);
	ck_assert_uint_eq(r->out_ch, O);
	ck_assert_uint_eq(r->k, K);
	ck_assert_uint_eq(r->groups, O * ((K + 3) / 4));
	ck_assert_uint_eq(r->zeroed, zeroed);
	ck_assert_uint_eq(r->mag_removed, removed);
	ck_assert_uint_eq(r->mag_total, total);
	ck_assert_uint_eq(r->zero_after, at_zero);
	ck_assert_msg(zeroed > 0, "%s: nothing to prune: a weak test", e->node);
}

/* ---- running it ------------------------------------------------------------------- */

struct reports {
	struct mote_cc_prune_layer r[16];
	char node[16][32], left[16][80];
	size_t n;
};

static void collect(void *ctx, const struct mote_cc_prune_layer *l)
{
	struct reports *R = ctx;
	ck_assert_uint_lt(R->n, 16);
	R->r[R->n] = *l;
	snprintf(R->node[R->n], sizeof R->node[0], "%s", l->node);
	snprintf(R->left[R->n], sizeof R->left[0], "%s", l->left ? l->left : "");
	R->r[R->n].node = R->node[R->n];
	R->r[R->n].left = l->left ? R->left[R->n] : NULL;
	R->r[R->n].weight = R->r[R->n].op = R->r[R->n].form = R->r[R->n].encoding = NULL; /* valid in the call only */
	R->n++;
}

static const struct mote_cc_prune_layer *report_of(const struct reports *R, const char *node)
{
	for (size_t i = 0; i < R->n; i++)
		if (!strcmp(R->node[i], node))
			return &R->r[i];
	ck_abort_msg("no report for %s", node);
	return NULL;
}

static int run(const uint8_t *in, size_t len, const struct mote_cc_prune_opts *o, struct reports *R, uint8_t **out,
	       size_t *olen, struct mote_cc_diag *d)
{
	void *p = NULL;
	memset(R, 0, sizeof *R);
	memset(d, 0, sizeof *d);
	int rc = mote_cc_prune_onnx(in, len, o, collect, R, &p, olen, d);
	*out = p;
	if (rc)
		ck_assert_ptr_null(p);
	return rc;
}

/* Two packed messages equal byte for byte. */
#define SAME_PACKED(kind, a, b)                                                                       \
	do {                                                                                          \
		size_t la_ = onnx__##kind##__get_packed_size(a), lb_ = onnx__##kind##__get_packed_size(b); \
		uint8_t *pa_ = malloc(la_ + 1), *pb_ = malloc(lb_ + 1);                                   \
		ck_assert(pa_ && pb_);                                                                    \
		onnx__##kind##__pack(a, pa_);                                                             \
		onnx__##kind##__pack(b, pb_);                                                             \
		ck_assert_msg(la_ == lb_ && !memcmp(pa_, pb_, la_), #kind " differs");                    \
		free(pa_);                                                                                \
		free(pb_);                                                                                \
	} while (0)

static int is_pruned_weight(const struct model *M, const char *name, const char *const *skip, size_t n_skip)
{
	for (size_t i = 0; i < M->ne; i++)
		if (!strcmp(M->e[i].weight, name)) {
			for (size_t k = 0; k < n_skip; k++)
				if (!strcmp(skip[k], M->e[i].node))
					return 0;
			return 1;
		}
	return 0;
}

/* The whole check of one pruned model against its input. */
static void check_model(const struct model *M, const uint8_t *in, size_t len, const uint8_t *out, size_t olen,
			const struct reports *R, const char *const *skip, size_t n_skip)
{
	Onnx__ModelProto *a = onnx__model_proto__unpack(NULL, len, in), *b = onnx__model_proto__unpack(NULL, olen, out);
	ck_assert(a && b);
	const Onnx__GraphProto *ga = a->graph, *gb = b->graph;
	ck_assert_uint_eq(ga->n_initializer, gb->n_initializer);
	ck_assert_uint_eq(ga->n_node, gb->n_node);
	for (size_t i = 0; i < ga->n_node; i++)
		SAME_PACKED(node_proto, ga->node[i], gb->node[i]);
	for (size_t i = 0; i < ga->n_input; i++)
		SAME_PACKED(value_info_proto, ga->input[i], gb->input[i]);
	for (size_t i = 0; i < ga->n_output; i++)
		SAME_PACKED(value_info_proto, ga->output[i], gb->output[i]);
	for (size_t i = 0; i < ga->n_initializer; i++) {
		ck_assert_str_eq(ga->initializer[i]->name, gb->initializer[i]->name);
		if (!is_pruned_weight(M, ga->initializer[i]->name, skip, n_skip))
			SAME_PACKED(tensor_proto, ga->initializer[i], gb->initializer[i]);
	}
	for (size_t i = 0; i < M->ne; i++) {
		const struct expect *e = &M->e[i];
		const struct mote_cc_prune_layer *r = report_of(R, e->node);
		if (!is_pruned_weight(M, e->weight, skip, n_skip)) {
			ck_assert_str_eq(r->left, "skipped: named");
			continue;
		}
		check_layer(e, find_init(ga, e->weight), find_init(gb, e->weight), r);
	}
	ck_assert_str_eq(report_of(R, "matmul_act")->left, "its weights are not quantized (no DequantizeLinear)");
	onnx__model_proto__free_unpacked(a, NULL);
	onnx__model_proto__free_unpacked(b, NULL);
}

static const struct mote_cc_prune_opts opts24 = {2, 4, NULL, 0, 0};

START_TEST(every_form_raw)
{
	struct model M;
	build(&M, 0);
	size_t len, olen;
	uint8_t *in = mb_pack(&M.b, &len), *out;
	struct reports R;
	struct mote_cc_diag d;
	ck_assert_int_eq(run(in, len, &opts24, &R, &out, &olen, &d), 0);
	ck_assert_uint_eq(R.n, M.ne + 1);
	check_model(&M, in, len, out, olen, &R, NULL, 0);
	/* raw_data only: the same length, and every byte that differs lies in a pruned weight's values */
	ck_assert_uint_eq(olen, len);
	for (size_t i = 0; i < len; i++) {
		if (in[i] == out[i])
			continue;
		int inside = 0;
		for (size_t k = 0; k < R.n; k++)
			inside |= !R.r[k].left && i >= R.r[k].data_off && i < R.r[k].data_off + R.r[k].data_len;
		ck_assert_msg(inside, "byte %zu changed outside the pruned weights", i);
	}
	for (size_t k = 0; k < R.n; k++) /* the reported ranges hold the input's weights */
		if (!R.r[k].left) {
			const Onnx__TensorProto *t = NULL;
			Onnx__ModelProto *a = onnx__model_proto__unpack(NULL, len, in);
			for (size_t e = 0; e < M.ne; e++)
				if (!strcmp(M.e[e].node, R.node[k]))
					t = find_init(a->graph, M.e[e].weight);
			ck_assert(t && t->raw_data.len == R.r[k].data_len);
			ck_assert(!memcmp(in + R.r[k].data_off, t->raw_data.data, t->raw_data.len));
			onnx__model_proto__free_unpacked(a, NULL);
		}
	/* again: nothing left to prune, the same bytes */
	uint8_t *again;
	size_t alen;
	ck_assert_int_eq(run(out, olen, &opts24, &R, &again, &alen, &d), 0);
	ck_assert_uint_eq(alen, olen);
	ck_assert(!memcmp(again, out, olen));
	for (size_t k = 0; k < R.n; k++)
		ck_assert_uint_eq(R.r[k].zeroed, 0);
	mote_cc_free(again);
	mote_cc_free(out);
	free(in);
	mb_free(&M.b);
}
END_TEST

/* int32_data and float_data: written again / in place; everything else the same */
START_TEST(every_form_int32_and_float_data)
{
	struct model M;
	build(&M, 1);
	size_t len, olen;
	uint8_t *in = mb_pack(&M.b, &len), *out;
	struct reports R;
	struct mote_cc_diag d;
	ck_assert_int_eq(run(in, len, &opts24, &R, &out, &olen, &d), 0);
	check_model(&M, in, len, out, olen, &R, NULL, 0);
	ck_assert_uint_eq(report_of(&R, "qmatmul")->data_len, 0); /* not raw_data: no range */
	mote_cc_free(out);
	free(in);
	mb_free(&M.b);
}
END_TEST

START_TEST(skips)
{
	struct model M;
	build(&M, 0);
	size_t len, olen;
	uint8_t *in = mb_pack(&M.b, &len), *out;
	struct reports R;
	struct mote_cc_diag d;
	const char *skip[] = {"gemm_t", "convint"};
	struct mote_cc_prune_opts o = {2, 4, skip, 2, 0};
	ck_assert_int_eq(run(in, len, &o, &R, &out, &olen, &d), 0);
	check_model(&M, in, len, out, olen, &R, skip, 2);
	mote_cc_free(out);
	/* skip_first: the first layer in graph order (qconv) stays as it was */
	o = (struct mote_cc_prune_opts){2, 4, NULL, 0, 1};
	ck_assert_int_eq(run(in, len, &o, &R, &out, &olen, &d), 0);
	ck_assert_str_eq(report_of(&R, "qconv")->left, "skipped: the first layer");
	ck_assert_ptr_null(report_of(&R, "qmatmul")->left);
	Onnx__ModelProto *a = onnx__model_proto__unpack(NULL, len, in), *b = onnx__model_proto__unpack(NULL, olen, out);
	SAME_PACKED(tensor_proto, find_init(a->graph, "wc"), find_init(b->graph, "wc"));
	onnx__model_proto__free_unpacked(a, NULL);
	onnx__model_proto__free_unpacked(b, NULL);
	mote_cc_free(out);
	free(in);
	mb_free(&M.b);
}
END_TEST

/* an initializer read by two layers: pruned once; a skip of either keeps it dense; two layouts refused */
START_TEST(shared_weights)
{
	struct model M;
	build(&M, 0);
	const char *qc[] = {"x", "s", "zx", "wc", "s", "wc_zp", "s", "zx"};
	mb_node(&M.b, "qconv_again", "QLinearConv", qc, 8, "z0");
	size_t len, olen;
	uint8_t *in = mb_pack(&M.b, &len), *out;
	struct reports R;
	struct mote_cc_diag d;
	ck_assert_int_eq(run(in, len, &opts24, &R, &out, &olen, &d), 0);
	check_model(&M, in, len, out, olen, &R, NULL, 0);
	ck_assert_str_eq(report_of(&R, "qconv_again")->left, "its weights are another layer's, pruned there");
	mote_cc_free(out);
	const char *skip[] = {"qconv_again"};
	struct mote_cc_prune_opts o = {2, 4, skip, 1, 0};
	ck_assert_int_eq(run(in, len, &o, &R, &out, &olen, &d), 0);
	ck_assert_str_eq(report_of(&R, "qconv")->left, "its weights are also a skipped layer's");
	Onnx__ModelProto *a = onnx__model_proto__unpack(NULL, len, in), *b = onnx__model_proto__unpack(NULL, olen, out);
	SAME_PACKED(tensor_proto, find_init(a->graph, "wc"), find_init(b->graph, "wc"));
	onnx__model_proto__free_unpacked(a, NULL);
	onnx__model_proto__free_unpacked(b, NULL);
	mote_cc_free(out);
	free(in);
	/* the transB = 1 Gemm's weights read again by a Gemm with transB = 0 */
	const char *g[] = {"y1", "wgt_dq"};
	mb_node(&M.b, "gemm_again", "Gemm", g, 2, "z1");
	in = mb_pack(&M.b, &len);
	ck_assert_int_eq(run(in, len, &opts24, &R, &out, &olen, &d), MOTE_CC_ENOTSUP);
	ck_assert_str_eq(d.msg, "nodes 'gemm_t' and 'gemm_again' read weight 'wgt' along different reduction dimensions");
	free(in);
	mb_free(&M.b);
}
END_TEST

START_TEST(refusals)
{
	struct model M;
	build(&M, 0);
	size_t len, olen;
	uint8_t *in = mb_pack(&M.b, &len), *out;
	struct reports R;
	struct mote_cc_diag d;
	struct mote_cc_prune_opts o = {1, 4, NULL, 0, 0};
	ck_assert_int_eq(run(in, len, &o, &R, &out, &olen, &d), MOTE_CC_EINVAL);
	ck_assert_str_eq(d.msg, "pattern 1:4 is not supported (only 2:4)");
	const char *nobody[] = {"no_such_node"}, *relu[] = {"relu"};
	o = (struct mote_cc_prune_opts){2, 4, nobody, 1, 0};
	ck_assert_int_eq(run(in, len, &o, &R, &out, &olen, &d), MOTE_CC_EINVAL);
	ck_assert_str_eq(d.msg, "skip 'no_such_node': no node has that name");
	o.skip = relu;
	ck_assert_int_eq(run(in, len, &o, &R, &out, &olen, &d), MOTE_CC_EINVAL);
	ck_assert_str_eq(d.msg, "skip 'relu': that node is a Relu, not a convolution or matrix product");
	ck_assert_uint_eq(R.n, 0);
	/* malformed: every truncation is refused with the importer's error or gives a model */
	for (size_t cut = 0; cut < len; cut += 7) {
		int rc = run(in, cut, &opts24, &R, &out, &olen, &d);
		ck_assert_msg(rc == 0 || rc == MOTE_CC_EFORMAT || rc == MOTE_CC_ENOTSUP, "truncated at %zu: %d %s", cut,
			      rc, d.msg);
		mote_cc_free(out);
	}
	ck_assert_int_eq(run(in, 10, &opts24, &R, &out, &olen, &d), MOTE_CC_EFORMAT);
	ck_assert_int_eq(mote_cc_prune_onnx(in, len, NULL, NULL, NULL, (void **)&out, &olen, &d), MOTE_CC_EINVAL);
	ck_assert_int_eq(mote_cc_prune_onnx(in, len, &opts24, NULL, NULL, NULL, &olen, &d), MOTE_CC_EINVAL);
	free(in);
	mb_free(&M.b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prune");
	TCase *tc = tcase_create("prune");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_form_raw);
	tcase_add_test(tc, every_form_int32_and_float_data);
	tcase_add_test(tc, skips);
	tcase_add_test(tc, shared_weights);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
