/* tfl_build.c: small TFLite files for the tests (see tfl_build.h). */
#include <stdlib.h>
#include <string.h>

#include "tfl_build.h"

struct tb {
	uint8_t *p;
	size_t len, cap;
};

static size_t tb_grow(struct tb *b, size_t n)
{
	while (b->len + n > b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	size_t at = b->len;
	memset(b->p + at, 0, n);
	b->len += n;
	return at;
}

static void tb_align(struct tb *b, size_t a)
{
	while (b->len % a)
		tb_grow(b, 1);
}

static void put32(struct tb *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->p[at + i] = (uint8_t)(v >> (8 * i));
}

static void put16(struct tb *b, size_t at, uint16_t v)
{
	b->p[at] = (uint8_t)v;
	b->p[at + 1] = (uint8_t)(v >> 8);
}

/* A table of nf 4-byte slots, every field present: returns its position. */
static size_t tb_table(struct tb *b, unsigned nf)
{
	tb_align(b, 2);
	size_t vsize = 4 + 2 * (size_t)nf, vt = tb_grow(b, vsize);
	tb_align(b, 4);
	size_t t = tb_grow(b, 4 + 4 * (size_t)nf);
	put16(b, vt, (uint16_t)vsize);
	put16(b, vt + 2, (uint16_t)(4 + 4 * nf));
	for (unsigned i = 0; i < nf; i++)
		put16(b, vt + 4 + 2 * i, (uint16_t)(4 + 4 * i));
	put32(b, t, (uint32_t)(t - vt)); /* soffset: table - vtable */
	return t;
}

static size_t slot(size_t t, unsigned f) { return t + 4 + 4 * (size_t)f; }

static void tb_set(struct tb *b, size_t t, unsigned f, uint32_t v) { put32(b, slot(t, f), v); }

/* Point the uoffset at position at to target (written later, so forward). */
static void tb_ref_at(struct tb *b, size_t at, size_t target) { put32(b, at, (uint32_t)(target - at)); }

static void tb_ref(struct tb *b, size_t t, unsigned f, size_t target) { tb_ref_at(b, slot(t, f), target); }

/* A vector of n elements of size es (data may be NULL: zeros); its length word's position. */
static size_t tb_vec(struct tb *b, uint32_t n, size_t es, const void *data)
{
	tb_align(b, es > 4 ? 8 : 4);
	if (es > 4 && b->len % 8 == 0)
		tb_grow(b, 4); /* 8-byte elements start 8-aligned after the length */
	size_t at = tb_grow(b, 4 + n * es);
	put32(b, at, n);
	if (data && n)
		memcpy(b->p + at + 4, data, n * es);
	return at;
}

static size_t tb_string(struct tb *b, const char *s)
{
	size_t n = strlen(s), at = tb_vec(b, (uint32_t)n, 1, s);
	tb_grow(b, 1); /* the NUL */
	return at;
}

static void tensor(struct tb *b, size_t at, const struct tm_tensor *t)
{
	size_t x = tb_table(b, 5); /* shape, type, buffer, name, quantization */
	tb_ref_at(b, at, x);
	tb_set(b, x, 1, (uint32_t)(uint8_t)t->type);
	tb_set(b, x, 2, t->buffer);
	tb_ref(b, x, 0, tb_vec(b, t->rank, 4, t->shape));
	tb_ref(b, x, 3, tb_string(b, t->name ? t->name : ""));
	if (!t->nq) {
		/* no quantization: drop the field by zeroing its vtable entry */
		int32_t so;
		memcpy(&so, b->p + x, 4);
		put16(b, x - (size_t)so + 4 + 2 * 4, 0);
		return;
	}
	size_t q = tb_table(b, 7); /* min max scale zero_point details_type details quantized_dimension */
	tb_ref(b, x, 4, q);
	tb_set(b, q, 6, (uint32_t)t->qdim);
	int32_t so;
	memcpy(&so, b->p + q, 4);
	put16(b, q - (size_t)so + 4, 0);         /* min: absent */
	put16(b, q - (size_t)so + 6, 0);         /* max: absent */
	put16(b, q - (size_t)so + 4 + 2 * 5, 0); /* details: absent */
	tb_ref(b, q, 2, tb_vec(b, t->nq, 4, t->scale));
	tb_ref(b, q, 3, tb_vec(b, t->nq, 8, t->zp));
}

static void op(struct tb *b, size_t at, const struct tm_op *o)
{
	size_t x = tb_table(b, 5); /* opcode_index inputs outputs builtin_options_type builtin_options */
	tb_ref_at(b, at, x);
	tb_set(b, x, 0, o->code);
	tb_set(b, x, 3, o->opt_type);
	tb_ref(b, x, 1, tb_vec(b, o->nin, 4, o->in));
	tb_ref(b, x, 2, tb_vec(b, o->nout, 4, o->out));
	if (!o->opt_type) {
		int32_t so;
		memcpy(&so, b->p + x, 4);
		put16(b, x - (size_t)so + 4 + 2 * 4, 0);
		return;
	}
	unsigned nf = o->opt_type == 17 ? 1 : o->nopt;
	size_t t = tb_table(b, nf);
	tb_ref(b, x, 4, t);
	if (o->opt_type == 17)
		tb_ref(b, t, 0, tb_vec(b, o->n_new_shape, 4, o->new_shape));
	else
		for (unsigned i = 0; i < o->nopt; i++)
			tb_set(b, t, i, (uint32_t)o->opt[i]);
}

uint8_t *tm_build(const struct tm_model *m, size_t *len)
{
	struct tb b = {0};
	tb_grow(&b, 8);
	memcpy(b.p + 4, "TFL3", 4);
	size_t root = tb_table(&b, 5); /* version operator_codes subgraphs description buffers */
	put32(&b, 0, (uint32_t)root);
	tb_set(&b, root, 0, m->version ? m->version : 3);
	size_t codes = tb_vec(&b, m->ncodes, 4, NULL);
	tb_ref(&b, root, 1, codes);
	for (uint32_t i = 0; i < m->ncodes; i++) {
		size_t c = tb_table(&b, 4); /* deprecated_builtin_code custom_code version builtin_code */
		tb_ref_at(&b, codes + 4 + 4 * i, c);
		tb_set(&b, c, 0, (uint32_t)(m->codes[i] < 127 ? m->codes[i] : 127));
		tb_set(&b, c, 2, 1);
		tb_set(&b, c, 3, (uint32_t)m->codes[i]);
		int32_t so;
		memcpy(&so, b.p + c, 4);
		put16(&b, c - (size_t)so + 6, 0); /* custom_code: absent */
	}
	size_t sgs = tb_vec(&b, 1, 4, NULL);
	tb_ref(&b, root, 2, sgs);
	size_t sg = tb_table(&b, 4); /* tensors inputs outputs operators */
	tb_ref_at(&b, sgs + 4, sg);
	tb_ref(&b, root, 3, tb_string(&b, "tfl_build"));
	size_t bufs = tb_vec(&b, m->nbuf + 1, 4, NULL);
	tb_ref(&b, root, 4, bufs);
	for (uint32_t i = 0; i <= m->nbuf; i++) {
		size_t t = tb_table(&b, 1);
		tb_ref_at(&b, bufs + 4 + 4 * i, t);
		tb_ref(&b, t, 0, tb_vec(&b, i ? (uint32_t)m->buf_len[i - 1] : 0, 1, i ? m->buf[i - 1] : NULL));
	}
	size_t tv = tb_vec(&b, m->nt, 4, NULL);
	tb_ref(&b, sg, 0, tv);
	for (uint32_t i = 0; i < m->nt; i++)
		tensor(&b, tv + 4 + 4 * i, &m->t[i]);
	tb_ref(&b, sg, 1, tb_vec(&b, m->nin, 4, m->in));
	tb_ref(&b, sg, 2, tb_vec(&b, m->nout, 4, m->out));
	size_t ov = tb_vec(&b, m->nops, 4, NULL);
	tb_ref(&b, sg, 3, ov);
	for (uint32_t i = 0; i < m->nops; i++)
		op(&b, ov + 4 + 4 * i, &m->ops[i]);
	*len = b.len;
	return b.p;
}

static int8_t tm_w1[4 * 3 * 3 * 2], tm_w2[3 * 3 * 4], tm_w3[3 * 4];
static const int32_t tm_b1[4] = {100, -200, 300, 0}, tm_b2[4] = {-50, 60, 0, 70}, tm_b3[3] = {1000, -1000, 0};
static const int32_t tm_shape[2] = {1, 4};
/* scales chosen so that every tensor spans much of its range (few saturate) */
static const float tm_s_x[1] = {0.01f}, tm_s_w1[4] = {0.01f, 0.012f, 0.008f, 0.015f}, tm_s_conv[1] = {0.02f},
		   tm_s_w2[4] = {0.01f, 0.02f, 0.015f, 0.012f}, tm_s_dw[1] = {0.06f}, tm_s_add[1] = {0.1f},
		   tm_s_w3[1] = {0.02f}, tm_s_fc[1] = {0.25f}, tm_s_prob[1] = {1.0f / 256};
static const int64_t tm_z_x[1] = {-3}, tm_z0[4] = {0, 0, 0, 0}, tm_z_conv[1] = {-128}, tm_z_dw[1] = {10},
		     tm_z_add[1] = {5}, tm_z_fc[1] = {2}, tm_z_prob[1] = {-128};

static void tm_fill(int8_t *w, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		w[i] = (int8_t)(seed >> 24);
	}
}

void tm_tiny_cnn(struct tm_model *m, int variant)
{
	tm_fill(tm_w1, sizeof tm_w1, 1);
	tm_fill(tm_w2, sizeof tm_w2, 2);
	tm_fill(tm_w3, sizeof tm_w3, 3);
	memset(m, 0, sizeof *m);
	m->ncodes = 7;
	const int32_t codes[7] = {3, 4, 0, variant == 1 ? 17 : 1, 22, 9, 25};
	memcpy(m->codes, codes, sizeof codes);
	m->nbuf = 7;
	const void *bufs[7] = {tm_w1, tm_b1, tm_w2, tm_b2, tm_shape, tm_w3, tm_b3};
	const size_t lens[7] = {sizeof tm_w1, sizeof tm_b1, sizeof tm_w2, sizeof tm_b2, sizeof tm_shape, sizeof tm_w3,
				sizeof tm_b3};
	for (int i = 0; i < 7; i++)
		m->buf[i] = bufs[i], m->buf_len[i] = lens[i];
	m->nt = 15;
	m->t[0] = (struct tm_tensor){"x", 9, 4, {1, 4, 4, 2}, 0, 1, tm_s_x, tm_z_x, 0};
	m->t[1] = (struct tm_tensor){"w1", 9, 4, {4, 3, 3, 2}, 1, 4, tm_s_w1, tm_z0, 0};
	m->t[2] = (struct tm_tensor){"b1", 2, 1, {4}, 2, 0, NULL, NULL, 0};
	m->t[3] = (struct tm_tensor){"conv", 9, 4, {1, 4, 4, 4}, 0, 1, tm_s_conv, tm_z_conv, 0};
	m->t[4] = (struct tm_tensor){"w2", 9, 4, {1, 3, 3, 4}, 3, 4, tm_s_w2, tm_z0, 3};
	m->t[5] = (struct tm_tensor){"b2", 2, 1, {4}, 4, 0, NULL, NULL, 0};
	m->t[6] = (struct tm_tensor){"dw", 9, 4, {1, 2, 2, 4}, 0, 1, tm_s_dw, tm_z_dw, 0};
	m->t[7] = (struct tm_tensor){"add", 9, 4, {1, 2, 2, 4}, 0, 1, tm_s_add, tm_z_add, 0};
	m->t[8] = (struct tm_tensor){"pool", 9, 4, {1, 1, 1, 4}, 0, 1, tm_s_add, tm_z_add, 0};
	m->t[9] = (struct tm_tensor){"shape", 2, 1, {2}, 5, 0, NULL, NULL, 0};
	m->t[10] = (struct tm_tensor){"flat", 9, 2, {1, 4}, 0, 1, tm_s_add, tm_z_add, 0};
	m->t[11] = (struct tm_tensor){"w3", 9, 2, {3, 4}, 6, 1, tm_s_w3, tm_z0, 0};
	m->t[12] = (struct tm_tensor){"b3", 2, 1, {3}, 7, 0, NULL, NULL, 0};
	m->t[13] = (struct tm_tensor){"fc", 9, 2, {1, 3}, 0, 1, tm_s_fc, tm_z_fc, 0};
	m->t[14] = (struct tm_tensor){"prob", 9, 2, {1, 3}, 0, 1, tm_s_prob, tm_z_prob, 0};
	m->nops = 7;
	uint32_t one = 0x3f800000u; /* 1.0f */
	m->ops[0] = (struct tm_op){.code = 0, .nin = 3, .nout = 1, .in = {0, 1, 2}, .out = {3}, .opt_type = 1, .nopt = 6,
				   .opt = {0, 1, 1, 1, 1, 1}};
	m->ops[1] = (struct tm_op){.code = 1, .nin = 3, .nout = 1, .in = {3, 4, 5}, .out = {6}, .opt_type = 2, .nopt = 7,
				   .opt = {0, 2, 2, 1, 0, 1, 1}};
	m->ops[2] = (struct tm_op){.code = 2, .nin = 2, .nout = 1, .in = {6, 6}, .out = {7}, .opt_type = 11, .nopt = 1,
				   .opt = {3}};
	m->ops[3] = (struct tm_op){.code = 3, .nin = 1, .nout = 1, .in = {7}, .out = {8}, .opt_type = 5, .nopt = 6,
				   .opt = {1, 2, 2, 2, 2, 0}};
	m->ops[4] = (struct tm_op){.code = 4, .nin = 2, .nout = 1, .in = {8, 9}, .out = {10}, .opt_type = 17,
				   .n_new_shape = 2, .new_shape = {1, 4}};
	m->ops[5] = (struct tm_op){.code = 5, .nin = 3, .nout = 1, .in = {10, 11, 12}, .out = {13}, .opt_type = 8,
				   .nopt = 3};
	m->ops[6] = (struct tm_op){.code = 6, .nin = 1, .nout = 1, .in = {13}, .out = {14}, .opt_type = 9, .nopt = 1,
				   .opt = {(int32_t)one}};
	m->nin = m->nout = 1;
	m->in[0] = 0, m->out[0] = 14;
	if (variant != 2)
		return;
	/* PAD 1,1,1,1 ("x_padded", tensor 16; "paddings" 15) and the conv VALID */
	static const int32_t paddings[8] = {0, 0, 1, 1, 1, 1, 0, 0};
	m->codes[m->ncodes++] = 34;
	m->buf[m->nbuf] = paddings, m->buf_len[m->nbuf++] = sizeof paddings;
	m->t[m->nt] = (struct tm_tensor){"paddings", 2, 2, {4, 2}, m->nbuf, 0, NULL, NULL, 0};
	m->t[m->nt + 1] = m->t[0];
	m->t[m->nt + 1].name = "x_padded";
	m->t[m->nt + 1].shape[1] = 6, m->t[m->nt + 1].shape[2] = 6;
	memmove(&m->ops[1], &m->ops[0], m->nops * sizeof m->ops[0]);
	m->nops++;
	m->ops[0] = (struct tm_op){.code = m->ncodes - 1, .nin = 2, .nout = 1, .in = {0, (int32_t)m->nt},
				   .out = {(int32_t)m->nt + 1}, .opt_type = 22};
	m->ops[1].in[0] = (int32_t)m->nt + 1;
	m->ops[1].opt[0] = 1; /* VALID */
	m->nt += 2;
}
