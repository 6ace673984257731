/* model_stack.c: the kernel-rows-as-channels pass of model compilation (see
 * model.h and mote_cc_conv_stack_rows).
 *
 * The stacked input is k_h/stride_h times the size of the original, made on
 * the host by a MoteStackRows node, so the pass only takes convolutions whose
 * input is made on the host anyway (the quantized model input, typically the
 * stem), where it costs no extra transfer, and only when it saves array
 * cycles on the target geometry.  The rewritten node stays an ordinary ONNX
 * convolution (kernel 1 x k_w, no vertical stride, dilation or padding), so
 * lowering, placement and the reference executor need nothing new.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/host_ops.h"
#include "lower/lower.h"
#include "model.h"
#include "core/sparse.h"

static int is_conv(const struct ir_node *n)
{
	return !strcmp(n->op, "QLinearConv") || !strcmp(n->op, "ConvInteger");
}

static int is_device(const struct ir_node *n)
{
	return is_conv(n) || !strcmp(n->op, "QLinearMatMul") || !strcmp(n->op, "MatMulInteger");
}

/* Is tensor x made on the host: a graph input, or the output of a node that
 * runs on the host? */
static int host_made(const struct ir_graph *g, size_t before, int32_t x)
{
	if (g->t[x].is_input)
		return 1;
	for (size_t i = 0; i < before; i++)
		for (uint32_t k = 0; k < g->n[i].n_out; k++)
			if (g->n[i].out[k] == x)
				return !is_device(&g->n[i]);
	return 0;
}

/* Are n's operands after the first (weights, scales, zero points, bias) all
 * initializers?  A graph input there is refused by placement, which must
 * still see the node as written. */
static int constant_operands(const struct ir_graph *g, const struct ir_node *n)
{
	for (uint32_t k = 1; k < n->n_in; k++)
		if (n->in[k] >= 0 && g->t[n->in[k]].is_input)
			return 0;
	return 1;
}

/* Set attribute name of n to cnt integers (replaced or appended). */
static int set_ints(struct ir_node *n, const char *name, const int64_t *v, size_t cnt, struct mote_cc_diag *diag)
{
	struct ir_attr *a = NULL;
	for (size_t i = 0; i < n->n_attrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			a = &n->attrs[i];
	if (!a) {
		struct ir_attr *at = realloc(n->attrs, (n->n_attrs + 1) * sizeof *at);
		if (!at)
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		n->attrs = at;
		a = &at[n->n_attrs];
		memset(a, 0, sizeof *a);
		if (!(a->name = ir_strdup(name)))
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		n->n_attrs++;
	}
	int64_t *iv = malloc((cnt ? cnt : 1) * sizeof *iv);
	if (!iv)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	memcpy(iv, v, cnt * sizeof *iv);
	free(a->ints);
	free(a->s);
	a->s = NULL;
	a->kind = cnt == 1 ? IR_ATTR_INT : IR_ATTR_INTS;
	a->ints = iv;
	a->i = v[0];
	a->n = cnt;
	return 0;
}

/* A new tensor called base + suffix; returns its index or a negative status. */
static int32_t new_tensor(struct ir_graph *g, const char *base, const char *suffix, struct mote_cc_diag *diag)
{
	char name[512];
	snprintf(name, sizeof name, "%s%s", base, suffix);
	return ir_add_tensor(g, name, diag);
}

/* Rewrite node i (lowered as L, stacked as st with weights sw; window: the
 * whole kernel window stacked, st 1x1). */
static int rewrite(struct ir_graph *g, size_t i, const struct lowered *L, const struct mote_cc_conv *st,
		   const int8_t *sw, int window, struct mote_cc_diag *diag)
{
	const struct mote_cc_conv *cv = &L->conv;
	int qlinear = !strcmp(g->n[i].op, "QLinearConv");
	uint32_t wk = qlinear ? 3 : 1;
	char base[400];
	snprintf(base, sizeof base, "%s", g->n[i].name[0] ? g->n[i].name : g->t[L->x].name);
	int32_t y = new_tensor(g, base, "/stacked_rows", diag);
	if (y < 0)
		return y;
	int32_t w = new_tensor(g, base, "/stacked_rows_w", diag);
	if (w < 0)
		return w;
	const struct ir_tensor *x = &g->t[L->x];
	struct ir_tensor *ty = &g->t[y], *tw = &g->t[w];
	ty->dtype = x->dtype;
	ty->rank = 4;
	ty->dims[0] = 1, ty->dims[1] = st->in_c, ty->dims[2] = st->in_h, ty->dims[3] = st->in_w;
	ty->nbytes = (size_t)st->in_c * st->in_h * st->in_w;
	/* (a window's weights are op's own bytes: [c'][m] with c' = (ky*k_w + kx)*C + c) */
	ty->is_derived = 1;
	/* ONNX weight layout [M][C][kh][kw] from the builder's [kh][kw][C][M] */
	size_t M = cv->out_c, C = st->in_c, KW = st->k_w, nb = M * C * KW;
	tw->dtype = g->t[g->n[i].in[wk]].dtype;
	tw->rank = 4;
	tw->dims[0] = (int64_t)M, tw->dims[1] = (int64_t)C, tw->dims[2] = 1, tw->dims[3] = (int64_t)KW;
	uint8_t *wd = malloc(nb ? nb : 1);
	if (!wd)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	for (size_t m = 0; m < M; m++) /* the bytes as lower.c took them (uint8 or int8) */
		for (size_t c = 0; c < C; c++)
			for (size_t kx = 0; kx < KW; kx++)
				wd[(m * C + c) * KW + kx] = (uint8_t)sw[(kx * C + c) * M + m];
	tw->data = wd;
	tw->nbytes = nb;
	/* the stacking node, placed before node i */
	struct ir_node *sn;
	int rc = ir_add_node(g, base, "MoteStackRows", &sn, diag);
	if (rc)
		return rc;
	size_t last = g->nn - 1;
	struct ir_node tmp = g->n[last];
	memmove(&g->n[i + 1], &g->n[i], (last - i) * sizeof *g->n);
	g->n[i] = tmp;
	sn = &g->n[i];
	struct ir_node *cn = &g->n[i + 1];
	snprintf(base, sizeof base, "%s/stack_rows", cn->name);
	free(sn->name);
	sn->in = malloc(sizeof *sn->in);
	sn->out = malloc(sizeof *sn->out);
	if (!(sn->name = ir_strdup(base)) || !sn->in || !sn->out)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	sn->n_in = sn->n_out = 1;
	sn->in[0] = L->x;
	sn->out[0] = y;
	int64_t kv[] = {cv->k_h}, sv[] = {cv->stride_h}, dv[] = {cv->dil_h}, pv[] = {cv->pad_top},
		hv[] = {st->in_h}, zv[] = {cv->in_zp};
	if ((rc = set_ints(sn, "k", kv, 1, diag)) || (rc = set_ints(sn, "stride", sv, 1, diag)) ||
	    (rc = set_ints(sn, "dilation", dv, 1, diag)) || (rc = set_ints(sn, "pad_top", pv, 1, diag)) ||
	    (rc = set_ints(sn, "out_h", hv, 1, diag)) || (rc = set_ints(sn, "pad_value", zv, 1, diag)))
		return rc;
	if (window) {
		int64_t kwv[] = {cv->k_w}, swv[] = {cv->stride_w}, dwv[] = {cv->dil_w}, plv[] = {cv->pad_left},
			owv[] = {st->in_w};
		if ((rc = set_ints(sn, "kw", kwv, 1, diag)) || (rc = set_ints(sn, "stride_w", swv, 1, diag)) ||
		    (rc = set_ints(sn, "dil_w", dwv, 1, diag)) || (rc = set_ints(sn, "pad_left", plv, 1, diag)) ||
		    (rc = set_ints(sn, "out_w", owv, 1, diag)))
			return rc;
	}
	/* the convolution over it */
	cn->in[0] = y;
	cn->in[wk] = w;
	int64_t ks[] = {1, st->k_w}, ss[] = {1, st->stride_w}, ds[] = {1, st->dil_w},
		ps[] = {0, st->pad_left, 0, st->pad_right};
	if ((rc = set_ints(cn, "kernel_shape", ks, 2, diag)) || (rc = set_ints(cn, "strides", ss, 2, diag)) ||
	    (rc = set_ints(cn, "dilations", ds, 2, diag)) || (rc = set_ints(cn, "pads", ps, 4, diag)))
		return rc;
	for (size_t a = 0; a < cn->n_attrs; a++)
		if (!strcmp(cn->attrs[a].name, "auto_pad") && cn->attrs[a].kind == IR_ATTR_STRING) {
			char *s = ir_strdup("NOTSET");
			if (!s)
				return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
			free(cn->attrs[a].s);
			cn->attrs[a].s = s;
		}
	return 0;
}

/* Ideal cycles of conv on geo, or UINT64_MAX if it does not plan. */
static uint64_t ideal(const struct mote_geometry *geo, const struct mote_cc_conv *cv)
{
	struct mote_cc_plan plan;
	struct mote_cc_diag d;
	return mote_cc_plan_conv(geo, cv, &plan, &d) ? UINT64_MAX : plan.rows_streamed;
}

/* Ideal cycles of cv as placement will run it: dense, or 2:4 sparse when
 * sparsity allows it, its weights are 2:4 in its own groups and that is
 * faster; *can_sparse: the weights are 2:4 and a sparse tiling exists. */
static uint64_t cost(const struct mote_geometry *geo, enum mote_cc_sparsity sparsity, const struct mote_cc_conv *cv,
		     int *can_sparse)
{
	uint64_t dense = ideal(geo, cv);
	*can_sparse = 0;
	if (sparsity == MOTE_CC_SPARSITY_DENSE || !cc_sparse_target(geo) || cc_sparse_unfit(cv) ||
	    mote_cc_sparse_check(cv, NULL))
		return dense;
	struct mote_cc_conv sp = *cv;
	sp.sparse = 1;
	uint64_t c = ideal(geo, &sp);
	*can_sparse = c != UINT64_MAX;
	return c < dense ? c : dense;
}

/* Of op as it is (0), its kernel rows stacked (1, st[0]) and its whole
 * window stacked (2, st[1]): the one placement runs fastest (ties: the
 * lower number, less host work), except that with --sparsity 2:4 one that
 * can run sparse goes before one that cannot (else placement refuses a
 * layer that would have been 2:4 in another layout). */
static int best_layout(const struct mote_geometry *geo, enum mote_cc_sparsity sparsity, const struct mote_cc_conv *op,
		       const struct mote_cc_conv st[2], const int ok[2])
{
	int best = 0, best_sp;
	uint64_t best_c = cost(geo, sparsity, op, &best_sp);
	for (int k = 0; k < 2; k++) {
		if (!ok[k])
			continue;
		int sp;
		uint64_t c = cost(geo, sparsity, &st[k], &sp);
		int strict_gain = sparsity == MOTE_CC_SPARSITY_S24 && sp != best_sp;
		if (c == UINT64_MAX || (strict_gain ? !sp : c >= best_c))
			continue;
		best = k + 1, best_c = c, best_sp = sp;
	}
	return best;
}

int model_stack_rows(struct ir_graph *g, const struct mote_geometry *geo, enum mote_cc_sparsity sparsity,
		     unsigned *n_done, struct mote_cc_diag *diag)
{
	*n_done = 0;
	for (size_t i = 0; i < g->nn; i++) {
		if (!is_conv(&g->n[i]) || g->n[i].n_in < 1 || g->n[i].in[0] < 0 || !host_made(g, i, g->n[i].in[0]) ||
		    !constant_operands(g, &g->n[i]))
			continue;
		struct lowered L;
		struct mote_cc_diag d;
		if (lower_node(g, &g->n[i], &L, &d))
			continue; /* placement reports it */
		const struct mote_cc_conv *cv = &L.conv;
		int rc = 0;
		if (L.jobs == 1 && cc_groups(cv) == 1 && (uint64_t)cv->k_h * cv->k_w > 1) {
			size_t nb = (size_t)cv->k_h * cv->k_w * cv->in_c * cv->out_c;
			int8_t *sw = malloc(nb ? nb : 1);
			struct mote_cc_conv st[2];
			int ok[2] = {0, 0};
			if (!sw) {
				rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
			} else {
				ok[0] = cv->k_h > 1 && !mote_cc_conv_stack_rows(cv, &st[0], sw, &d);
				ok[1] = !cc_conv_stack_window(cv, &st[1], &d);
				int k = best_layout(geo, sparsity, cv, st, ok);
				if (k)
					rc = rewrite(g, i, &L, &st[k - 1], k == 1 ? sw : cv->weights, k == 2, diag);
				if (k && !rc) {
					++*n_done;
					i++; /* the convolution, now after its stacking node */
				}
			}
			free(sw);
		}
		lower_free(&L);
		if (rc)
			return rc;
	}
	return 0;
}
