/* prune.c: 2:4 magnitude pruning of an ONNX model's int8 weights, written
 * into the model file's own bytes (mote_cc_prune_onnx, <mote/mote_compiler.h>).
 *
 * Two readers of the same bytes: the ONNX importer (protobuf-c) checks the
 * model and gives the graph, the values and the shapes; the wire walker
 * (pb_wire.h) gives where each initializer's values lie in the file.  They
 * are tied together by the initializer order (the importer makes tensor i of
 * initializer i) and each located tensor is checked against the importer's
 * name and bytes.  After the changes the output is imported again and every
 * initializer compared with what was meant (the pruned ones) or with the
 * input (all others): a mismatch is MOTE_CC_EINTERNAL, never a wrong file.
 *
 * An initializer read by several layers is pruned once (by the first, the
 * others reported as its readers), left dense for all of them when any is
 * skipped, and refused when they read it along different reductions.  A
 * group of ties keeps the lower indices, also among weights already at the
 * zero point: a float weight of -0.0, or one that rounds to the zero point,
 * may be written as +0.0 though "zeroed" (weights moved off their value in
 * the integer domain) counts none.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "mote/mote_kernels.h"
#include "onnx_import.h"
#include "pb_wire.h"

/* onnx.proto field numbers */
enum {
	MODEL_GRAPH = 7,
	GRAPH_INITIALIZER = 5,
	TENSOR_FLOAT_DATA = 4,
	TENSOR_INT32_DATA = 5,
	TENSOR_NAME = 8,
	TENSOR_RAW_DATA = 9,
};

/* How a layer's weight operand is laid out along the reduction. */
enum layout {
	L_CONV,   /* [O, C/G, KH, KW], reduction (kh, kw, c) */
	L_KN,     /* [K, N]: MatMul B, Gemm transB = 0 */
	L_NK,     /* [N, K]: Gemm transB = 1 */
};

struct layer {
	size_t node;
	int32_t w;                 /* the initializer (its tensor index), -1: none */
	int32_t zp;                /* zero point initializer, -1: 0 */
	int zp_axis;               /* the axis a per-channel zero point runs along */
	int32_t qdtype;            /* int8 or uint8: the weight's integer type */
	float scale;               /* float form: the QuantizeLinear scale (0: the int8 form) */
	enum layout lay;
	const char *left;          /* NULL: prune; else the reason it is left */
	struct mote_cc_prune_layer r;
};

struct prune {
	const uint8_t *in;
	size_t len;
	struct ir_graph g;
	size_t n_init;
	struct layer *L;
	size_t nl;
	uint8_t *out;              /* the output so far */
	size_t out_len;
	struct mote_cc_diag *diag;
};

/* ---- where things lie in the file ---------------------------------------------- */

static int wire_bad(struct prune *p, size_t at)
{
	return cc_fail(p->diag, MOTE_CC_EFORMAT, "not protobuf wire format near byte %zu", at);
}

/* The ModelProto.graph field of b (exactly one). */
static int find_graph(struct prune *p, const uint8_t *b, size_t len, struct pb_field *gf)
{
	size_t pos = 0, n = 0;
	struct pb_field f;
	int r;
	while ((r = pb_next(b, len, &pos, &f)) > 0)
		if (f.num == MODEL_GRAPH) {
			if (f.wt != 2)
				return wire_bad(p, f.key);
			*gf = f;
			n++;
		}
	if (r < 0)
		return wire_bad(p, pos);
	if (n != 1)
		return cc_fail(p->diag, MOTE_CC_ENOTSUP, "the model holds %zu graph fields (one expected)", n);
	return 0;
}

/* Initializer field number idx of graph field gf in b; counts them all when idx is SIZE_MAX. */
static int find_init(struct prune *p, const uint8_t *b, const struct pb_field *gf, size_t idx, struct pb_field *out,
		     size_t *count)
{
	size_t pos = gf->off, n = 0;
	struct pb_field f;
	int r;
	while ((r = pb_next(b, pb_end(gf), &pos, &f)) > 0)
		if (f.num == GRAPH_INITIALIZER) {
			if (f.wt != 2)
				return wire_bad(p, f.key);
			if (n++ == idx) {
				*out = f;
				return 0;
			}
		}
	if (r < 0)
		return wire_bad(p, pos);
	if (count)
		*count = n;
	return idx == SIZE_MAX ? 0 : cc_fail(p->diag, MOTE_CC_EINTERNAL, "initializer %zu not found again", idx);
}

/* The one field num of tensor tf (0: absent), refusing a repeated one. */
static int tensor_field(struct prune *p, const uint8_t *b, const struct pb_field *tf, uint32_t num, const char *name,
			struct pb_field *out, int *found)
{
	size_t pos = tf->off;
	struct pb_field f;
	int r;
	*found = 0;
	while ((r = pb_next(b, pb_end(tf), &pos, &f)) > 0)
		if (f.num == num) {
			if (f.wt != 2)
				return wire_bad(p, f.key);
			if ((*found)++)
				return cc_fail(p->diag, MOTE_CC_ENOTSUP, "initializer '%s': field %u appears twice", name, num);
			*out = f;
		}
	return r < 0 ? wire_bad(p, pos) : 0;
}

/* ---- the graph ------------------------------------------------------------------ */

static long producer(const struct ir_graph *g, int32_t t)
{
	for (size_t i = 0; t >= 0 && i < g->nn; i++)
		for (uint32_t k = 0; k < g->n[i].n_out; k++)
			if (g->n[i].out[k] == t)
				return (long)i;
	return -1;
}

/* The initializer tensor t is (through Identity nodes), or -1. */
static int32_t const_src(const struct prune *p, int32_t t)
{
	for (int hop = 0; t >= 0 && hop < 64; hop++) {
		if ((size_t)t < p->n_init)
			return t;
		long k = producer(&p->g, t);
		if (k < 0 || strcmp(p->g.n[k].op, "Identity") || p->g.n[k].n_in != 1)
			return -1;
		t = p->g.n[k].in[0];
	}
	return -1;
}

static int32_t in_at(const struct ir_node *n, uint32_t k)
{
	return k < n->n_in ? n->in[k] : -1;
}

static int is_q8(int32_t dt)
{
	return dt == IR_INT8 || dt == IR_UINT8;
}

/* Is node n a convolution or matrix product; its weight operand and layout. */
static int layer_kind(const struct ir_node *n, uint32_t *w_in, uint32_t *zp_in, int *qlinear, enum layout *lay)
{
	static const struct {
		const char *op;
		uint32_t w, zp;
		int qlinear;
		enum layout lay;
	} ops[] = {
		{"Conv", 1, 0, 0, L_CONV},         {"Gemm", 1, 0, 0, L_KN},
		{"MatMul", 1, 0, 0, L_KN},         {"QLinearConv", 3, 5, 1, L_CONV},
		{"QLinearMatMul", 3, 5, 1, L_KN},  {"ConvInteger", 1, 3, 1, L_CONV},
		{"MatMulInteger", 1, 3, 1, L_KN},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strcmp(n->op, ops[i].op)) {
			*w_in = ops[i].w, *zp_in = ops[i].zp, *qlinear = ops[i].qlinear, *lay = ops[i].lay;
			if (!strcmp(n->op, "Gemm") && ir_attr_int(n, "transB", 0))
				*lay = L_NK;
			return 1;
		}
	return 0;
}

/* Fill L for node index ni (a layer kind): where its int8 weights are, or why it is left. */
static int classify(struct prune *p, size_t ni, struct layer *L)
{
	const struct ir_graph *g = &p->g;
	const struct ir_node *n = &g->n[ni];
	uint32_t w_in, zp_in;
	int qlinear;
	memset(L, 0, sizeof *L);
	L->node = ni, L->w = L->zp = -1;
	layer_kind(n, &w_in, &zp_in, &qlinear, &L->lay);
	int32_t w = in_at(n, w_in);
	if (qlinear) {
		L->w = const_src(p, w);
		L->zp = const_src(p, in_at(n, zp_in));
		L->zp_axis = L->lay == L_CONV ? 0 : 1;
		if (L->w < 0 || !is_q8(g->t[L->w].dtype))
			return L->left = "its weights are not a constant int8 initializer", 0;
		if (in_at(n, zp_in) >= 0 && L->zp < 0)
			return L->left = "its weight zero point is not constant", 0;
	} else {
		long dq = producer(g, w);
		if (dq < 0 || strcmp(g->n[dq].op, "DequantizeLinear"))
			return L->left = "its weights are not quantized (no DequantizeLinear)", 0;
		const struct ir_node *d = &g->n[dq];
		int32_t src = const_src(p, in_at(d, 0));
		long q = src < 0 ? producer(g, in_at(d, 0)) : -1;
		if (src >= 0) { /* DequantizeLinear of an int8 initializer */
			L->w = src;
			L->zp = const_src(p, in_at(d, 2));
			if (in_at(d, 2) >= 0 && L->zp < 0)
				return L->left = "its weight zero point is not constant", 0;
			int64_t ax = ir_attr_int(d, "axis", 1);
			L->zp_axis = (int)(ax < 0 ? ax + (int64_t)g->t[src].rank : ax);
			if (!is_q8(g->t[src].dtype))
				return L->left = "its quantized weights are not int8 or uint8", 0;
		} else if (q >= 0 && !strcmp(g->n[q].op, "QuantizeLinear")) { /* of QuantizeLinear of floats */
			const struct ir_node *qn = &g->n[q];
			int32_t f = const_src(p, in_at(qn, 0)), s = const_src(p, in_at(qn, 1)), z = const_src(p, in_at(qn, 2));
			if (f < 0 || g->t[f].dtype != IR_FLOAT)
				return L->left = "its weights are not a constant", 0;
			if (s < 0 || g->t[s].dtype != IR_FLOAT || ir_numel(&g->t[s]) != 1 ||
			    (in_at(qn, 2) >= 0 && (z < 0 || ir_numel(&g->t[z]) != 1 || !is_q8(g->t[z].dtype))))
				return L->left = "its weight QuantizeLinear is not per-tensor with constant scale and zero point", 0;
			memcpy(&L->scale, g->t[s].data, 4);
			if (!(L->scale > 0))
				return L->left = "its weight scale is not positive", 0;
			L->w = f, L->zp = z;
			L->zp_axis = 0;
			L->qdtype = z >= 0 ? g->t[z].dtype : IR_UINT8; /* ONNX: no zero point quantizes to uint8 */
		} else
			return L->left = "its weights are not constant", 0;
	}
	if (!L->qdtype)
		L->qdtype = g->t[L->w].dtype;
	const struct ir_tensor *wt = &g->t[L->w];
	if (L->zp >= 0 && (g->t[L->zp].dtype != L->qdtype || ir_numel(&g->t[L->zp]) < 1))
		return L->left = "its weight zero point does not match the weights' type", 0;
	if (L->lay == L_CONV ? wt->rank != 4 : wt->rank != 2)
		return L->left = L->lay == L_CONV ? "its weight is not 4-D (a 2-D convolution)" : "its weight is not 2-D", 0;
	int64_t nz = L->zp >= 0 ? ir_numel(&g->t[L->zp]) : 1;
	if (nz != 1 && (L->zp_axis < 0 || (uint32_t)L->zp_axis >= wt->rank || wt->dims[L->zp_axis] != nz))
		return cc_fail(p->diag, MOTE_CC_EFORMAT, "node '%s' (%s): weight zero point '%s' has %lld values along axis %d "
			       "of '%s'", n->name, n->op, g->t[L->zp].name, (long long)nz, L->zp_axis, wt->name);
	if (ir_numel(wt) <= 0)
		return L->left = "its weight is empty", 0;
	return 0;
}

/* ---- the rule ------------------------------------------------------------------- */

/* The flat index of output channel o, reduction element r. */
static size_t elem_at(const struct ir_tensor *w, enum layout lay, size_t o, size_t r)
{
	switch (lay) {
	case L_CONV: {
		size_t cg = (size_t)w->dims[1], kh = (size_t)w->dims[2], kw = (size_t)w->dims[3];
		size_t c = r % cg, kk = r / cg;
		return ((o * cg + c) * kh + kk / kw) * kw + kk % kw;
	}
	case L_KN: return r * (size_t)w->dims[1] + o;
	case L_NK: return o * (size_t)w->dims[1] + r;
	}
	return 0;
}

/* The integer weights q and their zero points, one per element. */
static int int_values(struct prune *p, const struct layer *L, int32_t *q, int32_t *zp)
{
	const struct ir_tensor *w = &p->g.t[L->w];
	size_t n = (size_t)ir_numel(w);
	int32_t z0 = 0;
	if (L->scale > 0) { /* the compiler's own QuantizeLinear kernel */
		uint8_t *b = malloc(n);
		if (!b)
			return cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory");
		if (L->zp >= 0)
			z0 = L->qdtype == IR_INT8 ? *(const int8_t *)p->g.t[L->zp].data : *(const uint8_t *)p->g.t[L->zp].data;
		int32_t prm[MOTE_KERNEL_NPARAMS] = {mote_kernel_fbits(L->scale), z0, 0};
		struct mote_ktensor x = {w->data, MOTE_KT_FLOAT, 1, {(int64_t)n}}, y = {b, L->qdtype, 1, {(int64_t)n}};
		int rc = mote_kernel_run(MOTE_KOP_QUANTIZE, prm, &x, 1, &y, 1);
		for (size_t e = 0; !rc && e < n; e++)
			q[e] = L->qdtype == IR_INT8 ? (int8_t)b[e] : b[e], zp[e] = z0;
		free(b);
		return rc ? cc_fail(p->diag, MOTE_CC_EFORMAT, "node '%s': weight '%s' does not quantize (kernel error %d)",
				    p->g.n[L->node].name, w->name, rc)
			  : 0;
	}
	const uint8_t *d = w->data;
	const struct ir_tensor *zt = L->zp >= 0 ? &p->g.t[L->zp] : NULL;
	size_t nz = zt ? (size_t)ir_numel(zt) : 1, stride = 1;
	for (uint32_t a = (uint32_t)L->zp_axis + 1; nz > 1 && a < w->rank; a++)
		stride *= (size_t)w->dims[a];
	for (size_t e = 0; e < n; e++) {
		size_t k = nz > 1 ? e / stride % nz : 0;
		const uint8_t *zb = zt ? (const uint8_t *)zt->data + k : NULL;
		zp[e] = !zb ? 0 : L->qdtype == IR_INT8 ? (int8_t)*zb : *zb;
		q[e] = L->qdtype == IR_INT8 ? (int8_t)d[e] : d[e];
	}
	return 0;
}

/* Decide which weights of L go (cut[e] = 1) and fill its figures. */
static int choose(struct prune *p, struct layer *L, uint8_t *cut, const int32_t *q, const int32_t *zp)
{
	const struct ir_tensor *w = &p->g.t[L->w];
	size_t O, K;
	switch (L->lay) {
	case L_CONV: O = (size_t)w->dims[0], K = (size_t)(w->dims[1] * w->dims[2] * w->dims[3]); break;
	case L_KN: O = (size_t)w->dims[1], K = (size_t)w->dims[0]; break;
	case L_NK: O = (size_t)w->dims[0], K = (size_t)w->dims[1]; break;
	default: return cc_fail(p->diag, MOTE_CC_EINTERNAL, "layout %d", (int)L->lay);
	}
	if (O > UINT32_MAX || K > UINT32_MAX)
		return cc_fail(p->diag, MOTE_CC_ERANGE, "weight '%s' too large", w->name);
	L->r.out_ch = (uint32_t)O, L->r.k = (uint32_t)K;
	L->r.groups = (uint64_t)O * ((K + 3) / 4);
	for (size_t o = 0; o < O; o++)
		for (size_t r0 = 0; r0 < K; r0 += 4) {
			size_t n = K - r0 < 4 ? K - r0 : 4, e[4];
			uint32_t m[4];
			for (size_t j = 0; j < n; j++) {
				e[j] = elem_at(w, L->lay, o, r0 + j);
				int32_t v = q[e[j]] - zp[e[j]];
				m[j] = (uint32_t)(v < 0 ? -v : v);
				L->r.mag_total += m[j];
			}
			if (n <= 2)
				continue;
			size_t a = 0, b = SIZE_MAX; /* the largest, then the next; ties to the lower index */
			for (size_t j = 1; j < n; j++)
				if (m[j] > m[a])
					a = j;
			for (size_t j = 0; j < n; j++)
				if (j != a && (b == SIZE_MAX || m[j] > m[b]))
					b = j;
			for (size_t j = 0; j < n; j++)
				if (j != a && j != b) {
					cut[e[j]] = 1;
					L->r.mag_removed += m[j];
					L->r.zeroed += m[j] != 0;
				}
		}
	for (size_t e = 0, nw = (size_t)ir_numel(w); e < nw; e++)
		L->r.zero_after += cut[e] || q[e] == zp[e];
	return 0;
}

/* ---- writing -------------------------------------------------------------------- */

/* The bytes initializer L->w should hold after pruning (the importer's layout). */
static uint8_t *pruned_bytes(const struct prune *p, const struct layer *L, const uint8_t *cut, const int32_t *zp)
{
	const struct ir_tensor *w = &p->g.t[L->w];
	uint8_t *b = malloc(w->nbytes ? w->nbytes : 1);
	if (!b)
		return NULL;
	memcpy(b, w->data, w->nbytes);
	size_t es = ir_dtype_size(w->dtype);
	for (size_t e = 0, n = (size_t)ir_numel(w); e < n; e++)
		if (cut[e]) {
			if (w->dtype == IR_FLOAT)
				memset(b + 4 * e, 0, 4); /* +0.0: quantizes to the zero point */
			else
				b[e * es] = (uint8_t)zp[e];
		}
	return b;
}

/* Initializer i's values are int32_data: write the tensor again with vals
 * (int8/uint8 bytes) as one packed int32_data field where the first was, the
 * lengths of the tensor and the graph fields adjusted. */
static int rewrite_int32(struct prune *p, size_t i, const struct ir_tensor *w, const uint8_t *vals)
{
	struct pb_field gf, tf, f;
	int rc;
	if ((rc = find_graph(p, p->out, p->out_len, &gf)) || (rc = find_init(p, p->out, &gf, i, &tf, NULL)))
		return rc;
	size_t n = (size_t)ir_numel(w), payload = 0;
	for (size_t e = 0; e < n; e++)
		payload += pb_varint_len((uint64_t)(int64_t)(w->dtype == IR_INT8 ? (int8_t)vals[e] : vals[e]));
	size_t cap = tf.len + payload + 32, tl = 0, pos = tf.off;
	uint8_t *t = malloc(cap);
	if (!t)
		return cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory");
	int first = 1, r;
	while ((r = pb_next(p->out, pb_end(&tf), &pos, &f)) > 0) {
		if (f.num != TENSOR_INT32_DATA) {
			memcpy(t + tl, p->out + f.key, pb_end(&f) - f.key);
			tl += pb_end(&f) - f.key;
		} else if (first) {
			first = 0;
			tl += pb_put_varint(t + tl, (uint64_t)TENSOR_INT32_DATA << 3 | 2);
			tl += pb_put_varint(t + tl, payload);
			for (size_t e = 0; e < n; e++)
				tl += pb_put_varint(t + tl, (uint64_t)(int64_t)(w->dtype == IR_INT8 ? (int8_t)vals[e] : vals[e]));
		}
	}
	if (r < 0) {
		free(t);
		return wire_bad(p, pos);
	}
	/* graph payload: the old tensor field (key, length, payload) out, the new one in */
	size_t key_len = tf.len_off - tf.key, old_field = pb_end(&tf) - tf.key;
	size_t new_field = key_len + pb_varint_len(tl) + tl;
	size_t glen = gf.len - old_field + new_field;
	size_t total = gf.len_off + pb_varint_len(glen) + glen + (p->out_len - pb_end(&gf));
	uint8_t *o = malloc(total);
	if (!o) {
		free(t);
		return cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory");
	}
	size_t k = 0;
	memcpy(o, p->out, gf.len_off), k = gf.len_off;
	k += pb_put_varint(o + k, glen);
	memcpy(o + k, p->out + gf.off, tf.len_off - gf.off), k += tf.len_off - gf.off;
	k += pb_put_varint(o + k, tl);
	memcpy(o + k, t, tl), k += tl;
	memcpy(o + k, p->out + pb_end(&tf), p->out_len - pb_end(&tf)), k += p->out_len - pb_end(&tf);
	free(t);
	if (CC_NEVER(k != total)) {
		free(o);
		return cc_fail(p->diag, MOTE_CC_EINTERNAL, "rewriting '%s': %zu bytes, %zu expected", w->name, k, total);
	}
	free(p->out);
	p->out = o, p->out_len = total;
	return 0;
}

/* Write new values (the importer's layout) of initializer i into p->out:
 * in place for raw_data and float_data, again for int32_data. */
static int write_values(struct prune *p, struct layer *L, const uint8_t *vals)
{
	const struct ir_tensor *w = &p->g.t[L->w];
	size_t i = (size_t)L->w, n = (size_t)ir_numel(w), es = ir_dtype_size(w->dtype);
	struct pb_field gf, tf, f;
	int rc, found;
	if ((rc = find_graph(p, p->out, p->out_len, &gf)) || (rc = find_init(p, p->out, &gf, i, &tf, NULL)) ||
	    (rc = tensor_field(p, p->out, &tf, TENSOR_NAME, w->name, &f, &found)))
		return rc;
	if (!found || f.len != strlen(w->name) || memcmp(p->out + f.off, w->name, f.len))
		return cc_fail(p->diag, MOTE_CC_EINTERNAL, "initializer %zu is not '%s' in the file", i, w->name);
	if ((rc = tensor_field(p, p->out, &tf, TENSOR_RAW_DATA, w->name, &f, &found)))
		return rc;
	if (found) {
		if (CC_NEVER(f.len != w->nbytes || memcmp(p->out + f.off, w->data, f.len)))
			return cc_fail(p->diag, MOTE_CC_EINTERNAL, "'%s': raw_data differs from the importer's", w->name);
		L->r.encoding = "raw_data";
		memcpy(p->out + f.off, vals, f.len);
		/* where the values lie in the input (an int32_data rewrite may have moved them here) */
		if ((rc = find_graph(p, p->in, p->len, &gf)) || (rc = find_init(p, p->in, &gf, i, &tf, NULL)) ||
		    (rc = tensor_field(p, p->in, &tf, TENSOR_RAW_DATA, w->name, &f, &found)))
			return rc;
		L->r.data_off = f.off, L->r.data_len = f.len;
		return 0;
	}
	if (w->dtype != IR_FLOAT) {
		L->r.encoding = "int32_data";
		return rewrite_int32(p, i, w, vals);
	}
	/* float_data: packed runs (wire type 2) or single values (5), 4 bytes each, in order */
	L->r.encoding = "float_data";
	size_t pos = tf.off, e = 0;
	int r;
	while ((r = pb_next(p->out, pb_end(&tf), &pos, &f)) > 0) {
		if (f.num != TENSOR_FLOAT_DATA)
			continue;
		if ((f.wt != 2 && f.wt != 5) || f.len % 4 || f.len / 4 > n - e)
			return cc_fail(p->diag, MOTE_CC_EFORMAT, "initializer '%s': malformed float_data", w->name);
		memcpy(p->out + f.off, vals + e * es, f.len);
		e += f.len / 4;
	}
	if (r < 0)
		return wire_bad(p, pos);
	return e == n ? 0 : cc_fail(p->diag, MOTE_CC_EINTERNAL, "'%s': %zu float_data values, %zu expected", w->name, e, n);
}

/* ---- the whole ------------------------------------------------------------------ */

static int check_opts(const struct mote_cc_prune_opts *o, struct mote_cc_diag *diag)
{
	if (!o)
		return cc_fail(diag, MOTE_CC_EINVAL, "no options");
	if (o->keep != 2 || o->group != 4)
		return cc_fail(diag, MOTE_CC_EINVAL, "pattern %u:%u is not supported (only 2:4)", o->keep, o->group);
	if (o->n_skip && !o->skip)
		return cc_fail(diag, MOTE_CC_EINVAL, "no skip names");
	return 0;
}

static void set_report(struct prune *p, struct layer *L)
{
	const struct ir_node *n = &p->g.n[L->node];
	L->r.node = n->name, L->r.op = n->op, L->r.left = L->left;
	L->r.weight = L->w >= 0 ? p->g.t[L->w].name : "";
	L->r.form = L->scale > 0 ? "float+QuantizeLinear" : L->qdtype == IR_UINT8 ? "uint8" : "int8";
	if (!L->r.encoding)
		L->r.encoding = "";
	L->r.weights = L->w >= 0 ? (uint64_t)ir_numel(&p->g.t[L->w]) : 0;
}

/* The layers, classified, with skips applied. */
static int find_layers(struct prune *p, const struct mote_cc_prune_opts *o)
{
	if (!(p->L = calloc(p->g.nn ? p->g.nn : 1, sizeof *p->L)))
		return cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory");
	int rc;
	for (size_t i = 0; i < p->g.nn; i++) {
		uint32_t a, b;
		int c;
		enum layout l;
		if (!layer_kind(&p->g.n[i], &a, &b, &c, &l))
			continue;
		struct layer *L = &p->L[p->nl++];
		if ((rc = classify(p, i, L)))
			return rc;
		if (!L->left && o->skip_first && p->nl == 1)
			L->left = "skipped: the first layer";
	}
	for (size_t s = 0; s < o->n_skip; s++) {
		const char *name = o->skip[s] ? o->skip[s] : "";
		size_t hits = 0;
		for (size_t i = 0; i < p->nl; i++)
			if (!strcmp(p->g.n[p->L[i].node].name, name)) {
				hits++;
				if (!p->L[i].left)
					p->L[i].left = "skipped: named";
			}
		if (hits)
			continue;
		for (size_t i = 0; i < p->g.nn; i++)
			if (!strcmp(p->g.n[i].name, name))
				return cc_fail(p->diag, MOTE_CC_EINVAL, "skip '%s': that node is a %s, not a convolution or "
					       "matrix product", name, p->g.n[i].op);
		return cc_fail(p->diag, MOTE_CC_EINVAL, "skip '%s': no node has that name", name);
	}
	/* one initializer pruned once: a second layer reading it in another layout could not keep
	 * 2:4, and a layer left dense by a skip keeps it dense for every reader */
	for (size_t i = 0; i < p->nl; i++)
		for (size_t j = 0; j < p->nl; j++) {
			struct layer *a = &p->L[i], *b = &p->L[j];
			if (i == j || a->w < 0 || a->w != b->w || a->left || !b->left)
				continue;
			if (!strncmp(b->left, "skipped", 7))
				a->left = "its weights are also a skipped layer's";
		}
	for (size_t i = 0; i < p->nl; i++)
		for (size_t j = 0; j < i && !p->L[i].left; j++)
			if (!p->L[j].left && p->L[j].w == p->L[i].w) {
				if (p->L[j].lay != p->L[i].lay)
					return cc_fail(p->diag, MOTE_CC_ENOTSUP, "nodes '%s' and '%s' read weight '%s' along "
						       "different reduction dimensions", p->g.n[p->L[j].node].name,
						       p->g.n[p->L[i].node].name, p->g.t[p->L[i].w].name);
				p->L[i].left = "its weights are another layer's, pruned there";
			}
	return 0;
}

/* Import the output again: every initializer as meant (want[i], or the input's). */
static int verify(struct prune *p, uint8_t *const *want)
{
	struct ir_graph g2;
	struct mote_cc_diag d;
	if (mote_onnx_import(p->out, p->out_len, &g2, &d))
		return cc_fail(p->diag, MOTE_CC_EINTERNAL, "the pruned model does not import: %s", d.msg);
	int rc = 0;
	if (g2.nn != p->g.nn || g2.nt != p->g.nt)
		rc = cc_fail(p->diag, MOTE_CC_EINTERNAL, "the pruned model has other nodes or tensors");
	for (size_t i = 0; !rc && i < p->n_init; i++) {
		const struct ir_tensor *a = &p->g.t[i], *b = &g2.t[i];
		const void *exp = want[i] ? want[i] : a->data;
		if (strcmp(a->name, b->name) || a->nbytes != b->nbytes || memcmp(exp, b->data, a->nbytes))
			rc = cc_fail(p->diag, MOTE_CC_EINTERNAL, "initializer '%s' is not as meant after pruning", a->name);
	}
	ir_graph_free(&g2);
	return rc;
}

static int prune_all(struct prune *p, const struct mote_cc_prune_opts *o)
{
	int rc;
	struct pb_field gf;
	if ((rc = mote_onnx_import(p->in, p->len, &p->g, p->diag)) || (rc = find_graph(p, p->in, p->len, &gf)) ||
	    (rc = find_init(p, p->in, &gf, SIZE_MAX, NULL, &p->n_init)))
		return rc;
	if (CC_NEVER(p->n_init > p->g.nt))
		return cc_fail(p->diag, MOTE_CC_EINTERNAL, "%zu initializers, %zu tensors", p->n_init, p->g.nt);
	if ((rc = find_layers(p, o)))
		return rc;
	if (!(p->out = malloc(p->len ? p->len : 1)))
		return cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory");
	memcpy(p->out, p->in, p->len);
	p->out_len = p->len;
	uint8_t **want = calloc(p->n_init ? p->n_init : 1, sizeof *want);
	if (!want)
		return cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory");
	/* one at a time: each write finds its tensor again, after the lengths an
	 * int32_data rewrite before it may have moved */
	for (size_t i = 0; i < p->nl && !rc; i++) {
		struct layer *L = &p->L[i];
		if (L->left)
			continue;
		const struct ir_tensor *w = &p->g.t[L->w];
		size_t n = (size_t)ir_numel(w);
		int32_t *q = malloc(n * sizeof *q), *zp = malloc(n * sizeof *zp);
		uint8_t *cut = calloc(n, 1);
		if (!q || !zp || !cut)
			rc = cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory for '%s'", w->name);
		if (!rc && !(rc = int_values(p, L, q, zp)) && !(rc = choose(p, L, cut, q, zp)) &&
		    !(want[L->w] = pruned_bytes(p, L, cut, zp)))
			rc = cc_fail(p->diag, MOTE_CC_ENOMEM, "out of memory for '%s'", w->name);
		free(q);
		free(zp);
		free(cut);
		if (!rc)
			rc = write_values(p, L, want[L->w]);
	}
	if (!rc)
		rc = verify(p, want);
	for (size_t i = 0; i < p->n_init; i++)
		free(want[i]);
	free(want);
	return rc;
}

int mote_cc_prune_onnx(const void *buf, size_t len, const struct mote_cc_prune_opts *opts,
		       void (*layer)(void *ctx, const struct mote_cc_prune_layer *l), void *ctx, void **out,
		       size_t *out_len, struct mote_cc_diag *diag)
{
	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!out || !out_len || (!buf && len))
		return cc_fail(diag, MOTE_CC_EINVAL, "no model or no output");
	int rc = check_opts(opts, diag);
	if (rc)
		return rc;
	struct prune p = {.in = buf, .len = len, .diag = diag};
	rc = prune_all(&p, opts);
	for (size_t i = 0; !rc && i < p.nl; i++) {
		set_report(&p, &p.L[i]);
		if (layer)
			layer(ctx, &p.L[i].r);
	}
	if (!rc) {
		*out = p.out, *out_len = p.out_len;
		p.out = NULL;
	}
	free(p.out);
	free(p.L);
	ir_graph_free(&p.g);
	return rc;
}
