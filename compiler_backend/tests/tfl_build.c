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
