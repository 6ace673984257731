/* qdq_fold.c: QDQ-encoded quantized layers into the integer operator form.
 *
 * PyTorch exports a quantized convolution as
 *     DequantizeLinear(xq) -> Conv(x, DequantizeLinear(wq), DequantizeLinear(bq))
 *         [-> Relu] -> QuantizeLinear -> yq
 * which is QLinearConv(xq, xs, xz, wq, ws, wz, ys, yz, bq) when the bias is
 * int32 with scale xs*ws and zero point 0 (how quantized bias is defined);
 * a Relu between Conv and QuantizeLinear clamps the quantized output at yz
 * (recorded as the attribute "mote_relu").  The same holds for MatMul
 * (QLinearMatMul, no bias).  Nodes left without consumers are removed.
 * Anything that does not match stays as it is, for the placement report.
 */
#include <stdlib.h>
#include <string.h>

#include "qdq_fold.h"

/* The node producing tensor t, or -1; the number of nodes consuming it. */
static long producer(const struct ir_graph *g, int32_t t)
{
	for (size_t i = 0; i < g->nn; i++)
		for (uint32_t k = 0; k < g->n[i].n_out; k++)
			if (g->n[i].out[k] == t)
				return (long)i;
	return -1;
}

static unsigned consumers(const struct ir_graph *g, int32_t t, long *only)
{
	unsigned c = 0;
	for (size_t i = 0; i < g->nn; i++)
		for (uint32_t k = 0; k < g->n[i].n_in; k++)
			if (g->n[i].in[k] == t) {
				c++;
				*only = (long)i;
			}
	return c + (g->t[t].is_output ? 1u : 0u);
}

/* Node i is op with exactly one output; NULL otherwise. */
static const struct ir_node *is_op(const struct ir_graph *g, long i, const char *op)
{
	return i >= 0 && strcmp(g->n[i].op, op) == 0 && g->n[i].n_out == 1 ? &g->n[i] : NULL;
}

static int32_t opnd(const struct ir_node *n, uint32_t k) { return k < n->n_in ? n->in[k] : -1; }

/* DequantizeLinear feeding t (t consumed only by `user`): its (q, scale, zp). */
static const struct ir_node *dq_of(const struct ir_graph *g, int32_t t, long user)
{
	long only = -1;
	if (t < 0 || consumers(g, t, &only) != 1 || only != user)
		return NULL;
	const struct ir_node *d = is_op(g, producer(g, t), "DequantizeLinear");
	return d && d->n_in >= 2 ? d : NULL;
}

static void free_node(struct ir_node *n)
{
	free(n->name);
	free(n->op);
	free(n->in);
	free(n->out);
	for (size_t a = 0; a < n->n_attrs; a++) {
		free(n->attrs[a].name);
		free(n->attrs[a].s);
		free(n->attrs[a].ints);
		free(n->attrs[a].floats);
	}
	free(n->attrs);
}

static int fold_one(struct ir_graph *g, size_t ci, uint8_t *dead, struct mote_cc_diag *diag)
{
	const struct ir_node *c = &g->n[ci];
	int conv = strcmp(c->op, "Conv") == 0;
	if ((!conv && strcmp(c->op, "MatMul") != 0) || c->n_out != 1 || c->n_in < 2)
		return 0;
	const struct ir_node *dx = dq_of(g, opnd(c, 0), (long)ci), *dw = dq_of(g, opnd(c, 1), (long)ci);
	const struct ir_node *db = conv && c->n_in > 2 && c->in[2] >= 0 ? dq_of(g, c->in[2], (long)ci) : NULL;
	if (!dx || !dw || (conv && c->n_in > 2 && c->in[2] >= 0 && !db))
		return 0;
	if (!g->t[dw->in[0]].data || (db && !g->t[db->in[0]].data))
		return 0; /* weights must be constants */
	/* output: [Relu ->] QuantizeLinear */
	long only = -1, relu = -1;
	int32_t y = c->out[0];
	if (consumers(g, y, &only) != 1)
		return 0;
	const struct ir_node *r = is_op(g, only, "Relu");
	if (r) {
		relu = only;
		y = r->out[0];
		if (consumers(g, y, &only) != 1)
			return 0;
	}
	const struct ir_node *q = is_op(g, only, "QuantizeLinear");
	if (!q || q->n_in < 3 || q->in[2] < 0)
		return 0;
	long qi = only;
	/* the new node (appended; the pattern's nodes die) */
	int32_t in[9] = {dx->in[0], dx->in[1], opnd(dx, 2), dw->in[0], dw->in[1], opnd(dw, 2), q->in[1], q->in[2],
			 db ? db->in[0] : -1};
	if (in[2] < 0 || in[5] < 0)
		return 0; /* zero points must be explicit for the integer form */
	int32_t out = q->out[0];
	long dxi = producer(g, opnd(c, 0)), dwi = producer(g, opnd(c, 1)), dbi = db ? producer(g, c->in[2]) : -1;
	/* the new node takes the QuantizeLinear's place: every consumer of its
	 * output comes later, every producer of its inputs earlier */
	struct ir_node nn;
	memset(&nn, 0, sizeof nn);
	uint32_t nin = conv && in[8] >= 0 ? 9 : 8;
	size_t len = strlen(c->name);
	nn.name = malloc(len + 1);
	nn.op = malloc(sizeof "QLinearConv" > sizeof "QLinearMatMul" ? sizeof "QLinearConv" : sizeof "QLinearMatMul");
	nn.in = malloc(nin * sizeof *nn.in);
	nn.out = malloc(sizeof *nn.out);
	nn.attrs = calloc(c->n_attrs + 1, sizeof *nn.attrs);
	if (!nn.name || !nn.op || !nn.in || !nn.out || !nn.attrs) {
		free_node(&nn);
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	}
	memcpy(nn.name, c->name, len + 1);
	strcpy(nn.op, conv ? "QLinearConv" : "QLinearMatMul");
	memcpy(nn.in, in, nin * sizeof *in);
	nn.n_in = nin;
	nn.out[0] = out;
	nn.n_out = 1;
	/* the attributes move from the Conv to the new node */
	if (c->n_attrs) {
		memcpy(nn.attrs, c->attrs, c->n_attrs * sizeof *c->attrs);
		nn.n_attrs = c->n_attrs;
		g->n[ci].n_attrs = 0;
	}
	if (relu >= 0) {
		struct ir_attr *at = &nn.attrs[nn.n_attrs];
		if (!(at->name = malloc(sizeof "mote_relu"))) {
			free_node(&nn);
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		}
		memcpy(at->name, "mote_relu", sizeof "mote_relu");
		at->kind = IR_ATTR_INT;
		at->i = 1;
		nn.n_attrs++;
		dead[relu] = 1;
	}
	free_node(&g->n[qi]);
	g->n[qi] = nn;
	dead[ci] = dead[dxi] = dead[dwi] = 1;
	if (dbi >= 0)
		dead[dbi] = 1;
	return 1;
}

int ir_fold_qdq(struct ir_graph *g, unsigned *folded, struct mote_cc_diag *diag)
{
	*folded = 0;
	size_t n0 = g->nn;
	uint8_t *dead = calloc(n0 ? n0 : 1, 1);
	if (!dead)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < n0 && rc >= 0; i++) {
		if (dead[i])
			continue;
		rc = fold_one(g, i, dead, diag);
		if (rc > 0)
			(*folded)++;
	}
	size_t w = 0;
	for (size_t i = 0; i < g->nn; i++) {
		if (dead[i]) {
			free_node(&g->n[i]);
			continue;
		}
		g->n[w++] = g->n[i];
	}
	g->nn = w;
	free(dead);
	return rc < 0 ? rc : 0;
}
