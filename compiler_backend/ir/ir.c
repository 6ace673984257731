/* ir.c: construction, lookup and release of the graph IR. */
#include <stdlib.h>
#include <string.h>

#include "ir.h"

size_t ir_dtype_size(int32_t dtype)
{
	switch (dtype) {
	case IR_UINT8:
	case IR_INT8: return 1;
	case IR_FLOAT:
	case IR_INT32: return 4;
	case IR_INT64: return 8;
	default: return 0;
	}
}

const char *ir_dtype_name(int32_t dtype)
{
	switch (dtype) {
	case IR_FLOAT: return "float32";
	case IR_UINT8: return "uint8";
	case IR_INT8: return "int8";
	case IR_INT32: return "int32";
	case IR_INT64: return "int64";
	default: return "unsupported type";
	}
}

char *ir_strdup(const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s ? s : "", n);
	return d;
}

int32_t ir_find(const struct ir_graph *g, const char *name)
{
	for (size_t i = 0; i < g->nt; i++)
		if (strcmp(g->t[i].name, name) == 0)
			return (int32_t)i;
	return -1;
}

int32_t ir_add_tensor(struct ir_graph *g, const char *name, struct mote_cc_diag *diag)
{
	if (g->nt >= INT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "more than %d tensors", INT32_MAX);
	if (g->nt == g->capt) {
		size_t cap = g->capt ? 2 * g->capt : 16, bytes;
		if (cc_mul_sz(cap, sizeof *g->t, &bytes))
			return cc_fail(diag, MOTE_CC_ENOMEM, "tensor table too large");
		struct ir_tensor *t = realloc(g->t, bytes);
		if (!t)
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory for %zu tensors", cap);
		g->t = t;
		g->capt = cap;
	}
	struct ir_tensor *t = &g->t[g->nt];
	memset(t, 0, sizeof *t);
	if (!(t->name = ir_strdup(name)))
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory for a tensor name");
	for (int i = 0; i < IR_MAX_RANK; i++)
		t->dims[i] = -1;
	return (int32_t)g->nt++;
}

int ir_add_node(struct ir_graph *g, const char *name, const char *op, struct ir_node **out,
		struct mote_cc_diag *diag)
{
	if (g->nn == g->capn) {
		size_t cap = g->capn ? 2 * g->capn : 16, bytes;
		if (cc_mul_sz(cap, sizeof *g->n, &bytes))
			return cc_fail(diag, MOTE_CC_ENOMEM, "node table too large");
		struct ir_node *n = realloc(g->n, bytes);
		if (!n)
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory for %zu nodes", cap);
		g->n = n;
		g->capn = cap;
	}
	struct ir_node *n = &g->n[g->nn];
	memset(n, 0, sizeof *n);
	n->name = ir_strdup(name);
	n->op = ir_strdup(op);
	g->nn++; /* counted even when a copy failed, so ir_graph_free releases the other */
	if (!n->name || !n->op)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory for a node");
	*out = n;
	return 0;
}

const struct ir_attr *ir_attr(const struct ir_node *n, const char *name)
{
	for (size_t i = 0; i < n->n_attrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return &n->attrs[i];
	return NULL;
}

int64_t ir_attr_int(const struct ir_node *n, const char *name, int64_t dflt)
{
	const struct ir_attr *a = ir_attr(n, name);
	return a && a->kind == IR_ATTR_INT ? a->i : dflt;
}

int ir_attr_ints(const struct ir_node *n, const char *name, int64_t *v, size_t cnt, int64_t dflt,
		 struct mote_cc_diag *diag)
{
	const struct ir_attr *a = ir_attr(n, name);
	for (size_t i = 0; i < cnt; i++)
		v[i] = dflt;
	if (!a)
		return 0;
	if (a->kind != IR_ATTR_INTS || a->n != cnt)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): attribute %s needs %zu integers", n->name, n->op,
			       name, cnt);
	memcpy(v, a->ints, cnt * sizeof *v);
	return 0;
}

int64_t ir_numel(const struct ir_tensor *t)
{
	int64_t n = 1;
	for (uint32_t i = 0; i < t->rank; i++) {
		if (t->dims[i] < 0 || (t->dims[i] && n > ((int64_t)1 << 62) / t->dims[i]))
			return -1;
		n *= t->dims[i];
	}
	return n;
}

int64_t ir_mul_bounded(const int64_t *f, size_t n, int64_t limit)
{
	int64_t r = 1;
	for (size_t i = 0; i < n; i++)
		if (f[i] < 0 || __builtin_mul_overflow(r, f[i], &r) || r > limit)
			return -1;
	return r;
}

static int window_val(const struct ir_node *n, const char *what, const int64_t *v, int cnt, int64_t lo,
		      struct mote_cc_diag *diag)
{
	for (int i = 0; i < cnt; i++)
		if (v[i] < lo || v[i] > IR_MAX_WINDOW)
			return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): %s[%d] is %lld (%lld..%d)", n->name, n->op,
				       what, i, (long long)v[i], (long long)lo, IR_MAX_WINDOW);
	return 0;
}

int ir_check_window(const struct ir_node *n, const int64_t k[2], const int64_t s[2], const int64_t d[2],
		    const int64_t p[4], struct mote_cc_diag *diag)
{
	int rc;
	if ((rc = window_val(n, "kernel", k, 2, 1, diag)) || (rc = window_val(n, "strides", s, 2, 1, diag)) ||
	    (rc = window_val(n, "dilations", d, 2, 1, diag)) || (rc = window_val(n, "pads", p, 4, 0, diag)))
		return rc;
	return 0;
}

int ir_out_clamp(const struct ir_node *n, int32_t dtype, int32_t zp, int32_t *lo, int32_t *hi,
		 struct mote_cc_diag *diag)
{
	*lo = dtype == IR_UINT8 ? 0 : -128;
	*hi = *lo + 255;
	if (ir_attr_int(n, "mote_relu", 0) && zp > *lo)
		*lo = zp;
	const struct ir_attr *c = ir_attr(n, "mote_clamp");
	if (!c)
		return 0;
	if (c->kind != IR_ATTR_INTS || c->n != 2 || c->ints[0] > c->ints[1] || c->ints[0] > *hi || c->ints[1] < *lo)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): mote_clamp is not a range inside the output type",
			       n->name, n->op);
	*lo = c->ints[0] > *lo ? (int32_t)c->ints[0] : *lo;
	*hi = c->ints[1] < *hi ? (int32_t)c->ints[1] : *hi;
	return 0;
}

void ir_node_free(struct ir_node *n)
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
	memset(n, 0, sizeof *n);
}

void ir_graph_free(struct ir_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nt; i++) {
		free(g->t[i].name);
		free(g->t[i].data);
	}
	for (size_t i = 0; i < g->nn; i++)
		ir_node_free(&g->n[i]);
	free(g->t);
	free(g->n);
	free(g->name);
	memset(g, 0, sizeof *g);
}
