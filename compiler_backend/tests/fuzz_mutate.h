/* fuzz_mutate.h: the deterministic input mutator shared by the fuzz targets
 * (compiler_backend/tests/fuzz_onnx.c, driver/tests/fuzz/fuzz_model.c).
 *
 * Header-only, no global state: a seeded generator (struct fz_rng), a
 * growable byte buffer (struct fz_buf) and three families of mutations:
 *
 *   - bytes (fz_mutate_bytes): bit flips, bytes and 16/32/64-bit words set
 *     to interesting values, small deltas, truncation, extension, chunk
 *     duplication/deletion/overwrite, splicing with a second input;
 *   - protobuf (fz_mutate_pb): the input is walked as protobuf wire format
 *     (every length-delimited field whose payload parses as a message is
 *     descended into), then one field is changed: a varint set to a
 *     boundary value, a length prefix overwritten with a huge or off-by-one
 *     value, a field deleted, duplicated, moved, inserted or transplanted
 *     from the second input, a string replaced by another string of the
 *     file (rewires the graph: a node then reads another tensor), a payload's
 *     bytes mutated.  Unless the point is a malformed length, the length
 *     prefix of every enclosing message is rewritten so the outer messages
 *     still parse and the change reaches the importer's own checks;
 *   - .mote (fz_mutate_mote): 32-bit fields of the header, the section
 *     table and the records (tensors, steps, relocations, commands) set to
 *     boundary values (0, 1, len, len+1, 0xffffffff, 0x80000000, a
 *     neighbour, another record's value), records rewired with their
 *     meaning in mind (fz_mote_semantic: a step's output made one of its
 *     inputs, an input made a later step's output, steps swapped, a
 *     tensor's shape or type changed with its byte count kept consistent),
 *     or bytes mutated; then, almost always, file_bytes and the CRC-32
 *     fixed so that the loader's field checks behind the checksum are
 *     reached.
 *
 * Every function returns the name of what it did (for -v traces), or NULL
 * when the buffer could not grow (out of memory).  Sizes stay below
 * FZ_MAX_LEN.
 */
#ifndef MOTE_FUZZ_MUTATE_H
#define MOTE_FUZZ_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_hw.h"
#include "mote/mote_model_format.h"

#define FZ_MAX_LEN ((size_t)8 << 20)

/* ---- generator ------------------------------------------------------------------- */

struct fz_rng {
	uint64_t s;
};

/* splitmix64 */
static inline uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (0 for n == 0). */
static inline uint64_t fz_below(struct fz_rng *r, uint64_t n) { return n ? fz_next(r) % n : 0; }

/* One chance in n. */
static inline int fz_chance(struct fz_rng *r, uint64_t n) { return fz_below(r, n) == 0; }

/* ---- buffer ---------------------------------------------------------------------- */

struct fz_buf {
	uint8_t *d;
	size_t len, cap;
};

static inline int fz_reserve(struct fz_buf *b, size_t n)
{
	if (n <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < n)
		cap *= 2;
	uint8_t *d = realloc(b->d, cap);
	if (!d)
		return -1;
	b->d = d;
	b->cap = cap;
	return 0;
}

static inline int fz_set(struct fz_buf *b, const void *data, size_t len)
{
	if (fz_reserve(b, len ? len : 1))
		return -1;
	if (len)
		memcpy(b->d, data, len);
	b->len = len;
	return 0;
}

static inline void fz_buf_free(struct fz_buf *b)
{
	free(b->d);
	memset(b, 0, sizeof *b);
}

/* Replace bytes [off, off+old) with src[0..n) (src may not point into b). */
static inline int fz_replace(struct fz_buf *b, size_t off, size_t old, const uint8_t *src, size_t n)
{
	if (off > b->len || old > b->len - off || b->len - old + n > FZ_MAX_LEN)
		return -1;
	if (fz_reserve(b, b->len - old + n + 1))
		return -1;
	memmove(b->d + off + n, b->d + off + old, b->len - off - old);
	if (n)
		memcpy(b->d + off, src, n);
	b->len = b->len - old + n;
	return 0;
}

/* ---- interesting values ---------------------------------------------------------- */

static inline uint64_t fz_interesting64(struct fz_rng *r, uint64_t orig, uint64_t len)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127, 128, 255, 256, 1023, 1024, 4095, 4096,
		32767, 32768, 65535, 65536, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu, 0x100000000ull,
		(uint64_t)1 << 40, ((uint64_t)1 << 40) + 1, (uint64_t)1 << 62, 0x7fffffffffffffffull,
		0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull};
	switch (fz_below(r, 8)) {
	case 0: return orig + 1;
	case 1: return orig - 1;
	case 2: return orig * 2;
	case 3: return orig / 2;
	case 4: return fz_chance(r, 2) ? len : len + 1;
	case 5: return fz_below(r, 16);
	default: return v[fz_below(r, sizeof v / sizeof v[0])];
	}
}

static inline uint32_t fz_interesting32(struct fz_rng *r, uint32_t orig, uint32_t len)
{
	static const uint32_t v[] = {0,     1,     2,      3,      4,     7,           8,           15,
				     16,    31,    32,     63,     64,    65,          127,         128,
				     255,   256,   1023,   1024,   4095,  4096,        32767,       32768,
				     65535, 65536, 1u << 24, 1u << 30, (1u << 30) + 1, 0x7fffffffu, 0x80000000u,
				     0xfffffffeu, 0xffffffffu};
	switch (fz_below(r, 10)) {
	case 0: return orig + 1;
	case 1: return orig - 1;
	case 2: return orig + 8 * (uint32_t)(1 + fz_below(r, 8));
	case 3: return orig * 2;
	case 4: return len;
	case 5: return len + 1;
	case 6: return (uint32_t)fz_below(r, 16);
	case 7: return (uint32_t)fz_next(r);
	default: return v[fz_below(r, sizeof v / sizeof v[0])];
	}
}

static inline void fz_put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t fz_get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* ---- byte mutations --------------------------------------------------------------- */

/* One mutation of b; other (may be empty) is a second input to splice from. */
static inline const char *fz_mutate_bytes(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other)
{
	static const uint8_t ib[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x20, 0x40, 0x08, 0x81};
	size_t len = b->len;
	if (len == 0) {
		uint8_t x = (uint8_t)fz_next(r);
		return fz_replace(b, 0, 0, &x, 1) ? NULL : "append-first";
	}
	uint64_t pos = fz_below(r, len);
	switch (fz_below(r, 13)) {
	case 0:
		b->d[pos] ^= (uint8_t)(1u << fz_below(r, 8));
		return "bit-flip";
	case 1:
		b->d[pos] = ib[fz_below(r, sizeof ib)];
		return "byte-interesting";
	case 2:
		b->d[pos] = (uint8_t)fz_next(r);
		return "byte-random";
	case 3:
		b->d[pos] = (uint8_t)(b->d[pos] + (fz_chance(r, 2) ? 1 : -1) * (int)(1 + fz_below(r, 8)));
		return "byte-delta";
	case 4: {
		unsigned w = 2u << fz_below(r, 3); /* 2, 4, 8 */
		if (len < w)
			return "word-skip";
		pos = fz_below(r, len - w + 1);
		fz_put_le(b->d + pos, fz_interesting64(r, fz_get_le(b->d + pos, w), len), w);
		return "word-interesting";
	}
	case 5: /* truncate */
		b->len = (size_t)fz_below(r, len);
		return "truncate";
	case 6: { /* extend */
		size_t n = 1 + (size_t)fz_below(r, fz_chance(r, 4) ? 4096 : 32);
		if (len + n > FZ_MAX_LEN || fz_reserve(b, len + n))
			return "extend-skip";
		int zeros = fz_chance(r, 2);
		for (size_t i = 0; i < n; i++)
			b->d[len + i] = zeros ? 0 : (uint8_t)fz_next(r);
		b->len = len + n;
		return "extend";
	}
	case 7: { /* duplicate a chunk at another place */
		size_t n = 1 + (size_t)fz_below(r, len - pos < 256 ? len - pos : 256);
		uint8_t tmp[256];
		memcpy(tmp, b->d + pos, n);
		return fz_replace(b, (size_t)fz_below(r, len + 1), 0, tmp, n) ? "dup-skip" : "chunk-dup";
	}
	case 8: { /* delete a chunk */
		size_t n = 1 + (size_t)fz_below(r, len - pos < 512 ? len - pos : 512);
		fz_replace(b, pos, n, NULL, 0);
		return "chunk-delete";
	}
	case 9: { /* overwrite a chunk with another part of the input */
		size_t src = (size_t)fz_below(r, len), n = 1 + (size_t)fz_below(r, 64);
		if (n > len - src)
			n = len - src;
		if (n > len - pos)
			n = len - pos;
		memmove(b->d + pos, b->d + src, n);
		return "chunk-copy";
	}
	case 10: /* splice: our prefix, the other's suffix */
	case 11: { /* or insert a chunk of the other */
		if (!other || other->len == 0)
			return "splice-skip";
		size_t opos = (size_t)fz_below(r, other->len);
		if (fz_chance(r, 2)) {
			size_t n = other->len - opos;
			if (pos + n > FZ_MAX_LEN || fz_reserve(b, pos + n))
				return "splice-skip";
			memcpy(b->d + pos, other->d + opos, n);
			b->len = pos + n;
			return "splice";
		}
		size_t n = 1 + (size_t)fz_below(r, other->len - opos < 1024 ? other->len - opos : 1024);
		uint8_t *tmp = malloc(n);
		if (!tmp)
			return NULL;
		memcpy(tmp, other->d + opos, n);
		int rc = fz_replace(b, pos, 0, tmp, n);
		free(tmp);
		return rc ? "insert-skip" : "splice-insert";
	}
	default: { /* swap two bytes */
		size_t q = (size_t)fz_below(r, len);
		uint8_t t = b->d[pos];
		b->d[pos] = b->d[q];
		b->d[q] = t;
		return "byte-swap";
	}
	}
}

/* ---- protobuf wire format ------------------------------------------------------------ */

struct fz_pb_field {
	size_t key_off;   /* first byte of the key varint */
	size_t len_off;   /* LEN fields: first byte of the length varint */
	size_t val_off;   /* varint value, fixed value or LEN payload */
	size_t val_len;   /* its bytes */
	uint32_t fieldno;
	int32_t parent;   /* index of the enclosing LEN field, -1 at the top */
	uint8_t wt;       /* wire type 0, 1, 2 or 5 */
	uint8_t len_len;  /* bytes of the length varint */
	uint8_t is_msg;   /* LEN payload parsed as a message */
	uint8_t depth;
};

struct fz_pb {
	struct fz_pb_field *f;
	size_t n, cap;
};

#define FZ_PB_MAX_FIELDS 60000u
#define FZ_PB_MAX_DEPTH 12

static inline void fz_pb_free(struct fz_pb *p)
{
	free(p->f);
	memset(p, 0, sizeof *p);
}

/* A varint at d[*off..end): 0 and *off advanced, or -1. */
static inline int fz_pb_varint(const uint8_t *d, size_t end, size_t *off, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (*off >= end)
			return -1;
		uint8_t c = d[(*off)++];
		x |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

static inline unsigned fz_pb_encode(uint64_t v, uint8_t out[10])
{
	unsigned n = 0;
	do {
		out[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			out[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* Index the message d[start..end) into p; 0 when it parsed exactly. */
static inline int fz_pb_walk(const uint8_t *d, size_t start, size_t end, int32_t parent, unsigned depth,
			     struct fz_pb *p)
{
	size_t off = start;
	while (off < end) {
		if (p->n >= FZ_PB_MAX_FIELDS)
			return 0; /* enough: keep what was found */
		struct fz_pb_field f;
		memset(&f, 0, sizeof f);
		f.key_off = off;
		uint64_t key, v;
		if (fz_pb_varint(d, end, &off, &key))
			return -1;
		f.wt = (uint8_t)(key & 7);
		if ((key >> 3) == 0 || (key >> 3) > 536870911u)
			return -1;
		f.fieldno = (uint32_t)(key >> 3);
		f.parent = parent;
		f.depth = (uint8_t)depth;
		switch (f.wt) {
		case 0:
			f.val_off = off;
			if (fz_pb_varint(d, end, &off, &v))
				return -1;
			f.val_len = off - f.val_off;
			break;
		case 1:
		case 5:
			f.val_off = off;
			f.val_len = f.wt == 1 ? 8 : 4;
			if (end - off < f.val_len)
				return -1;
			off += f.val_len;
			break;
		case 2:
			f.len_off = off;
			if (fz_pb_varint(d, end, &off, &v) || v > end - off)
				return -1;
			f.len_len = (uint8_t)(off - f.len_off);
			f.val_off = off;
			f.val_len = (size_t)v;
			off += (size_t)v;
			break;
		default:
			return -1;
		}
		if (p->n == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 256;
			struct fz_pb_field *nf = realloc(p->f, cap * sizeof *nf);
			if (!nf)
				return -1;
			p->f = nf;
			p->cap = cap;
		}
		size_t me = p->n++;
		p->f[me] = f;
		/* a payload that parses exactly as a message (of plausible field numbers) is one */
		if (f.wt == 2 && f.val_len && depth < FZ_PB_MAX_DEPTH && (d[f.val_off] >> 3) >= 1 &&
		    (d[f.val_off] >> 3) <= 15 && (d[f.val_off] & 7) != 3 && (d[f.val_off] & 7) != 4) {
			if (fz_pb_walk(d, f.val_off, f.val_off + f.val_len, (int32_t)me, depth + 1, p) == 0)
				p->f[me].is_msg = 1;
			else
				p->n = me + 1; /* not a message: forget what the attempt indexed */
		}
	}
	return 0;
}

/* Index b (a top-level message); fields are kept even when the tail does not parse. */
static inline int fz_pb_index(const struct fz_buf *b, struct fz_pb *p)
{
	p->n = 0;
	fz_pb_walk(b->d, 0, b->len, -1, 0, p);
	return p->n ? 0 : -1;
}

/* Bytes of b changed by delta inside the payload of field `parent` (index p,
 * made before the change): rewrite the length prefix of it and of every
 * enclosing field, innermost first.  Returns 0 or -1. */
static inline int fz_pb_fix(struct fz_buf *b, const struct fz_pb *p, int32_t parent, long delta)
{
	for (int32_t a = parent; a >= 0 && delta; a = p->f[a].parent) {
		const struct fz_pb_field *f = &p->f[a];
		uint8_t enc[10];
		long nl = (long)f->val_len + delta;
		if (nl < 0)
			return -1;
		unsigned n = fz_pb_encode((uint64_t)nl, enc);
		if (fz_replace(b, f->len_off, f->len_len, enc, n))
			return -1;
		delta += (long)n - (long)f->len_len;
	}
	return 0;
}

/* Replace [off, off+old) with src[0..n) inside the payload of `parent`, keeping lengths right. */
static inline int fz_pb_splice(struct fz_buf *b, const struct fz_pb *p, int32_t parent, size_t off, size_t old,
			       const uint8_t *src, size_t n)
{
	if (fz_replace(b, off, old, src, n))
		return -1;
	return fz_pb_fix(b, p, parent, (long)n - (long)old);
}

static inline size_t fz_pb_end(const struct fz_pb_field *f) { return f->val_off + f->val_len; }

/* A random field matching a predicate-free choice, or -1. */
static inline long fz_pb_pick(struct fz_rng *r, const struct fz_pb *p, int want_wt, int want_msg)
{
	if (!p->n)
		return -1;
	for (int tries = 0; tries < 64; tries++) {
		size_t i = (size_t)fz_below(r, p->n);
		const struct fz_pb_field *f = &p->f[i];
		if (want_wt >= 0 && f->wt != want_wt)
			continue;
		if (want_msg >= 0 && f->is_msg != want_msg)
			continue;
		return (long)i;
	}
	return -1;
}

/* One protobuf-aware mutation; other (may be NULL) gives transplants.  ip
 * and op are scratch indexes kept by the caller between calls. */
static inline const char *fz_mutate_pb(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other,
				       struct fz_pb *ip, struct fz_pb *op)
{
	if (fz_pb_index(b, ip))
		return fz_mutate_bytes(r, b, other);
	uint8_t enc[10];
	long i, j;
	switch (fz_below(r, 11)) {
	case 0:
	case 1: { /* a varint field to a boundary value */
		if ((i = fz_pb_pick(r, ip, 0, -1)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		size_t o = f->val_off;
		uint64_t v = 0;
		fz_pb_varint(b->d, b->len, &o, &v);
		unsigned n = fz_pb_encode(fz_interesting64(r, v, b->len), enc);
		return fz_pb_splice(b, ip, f->parent, f->val_off, f->val_len, enc, n) ? NULL : "pb-varint";
	}
	case 2: { /* a length prefix made wrong (the enclosing lengths stay: malformed on purpose) */
		if ((i = fz_pb_pick(r, ip, 2, -1)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		uint64_t nl;
		switch (fz_below(r, 6)) {
		case 0: nl = f->val_len + 1; break;
		case 1: nl = f->val_len ? f->val_len - 1 : 0; break;
		case 2: nl = b->len - f->val_off + fz_below(r, 2); break;
		case 3: nl = 0; break;
		default: nl = fz_interesting64(r, f->val_len, b->len); break;
		}
		unsigned n = fz_pb_encode(nl, enc);
		return fz_replace(b, f->len_off, f->len_len, enc, n) ? NULL : "pb-badlen";
	}
	case 3: { /* delete a field */
		if ((i = fz_pb_pick(r, ip, -1, -1)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		return fz_pb_splice(b, ip, f->parent, f->key_off, fz_pb_end(f) - f->key_off, NULL, 0) ? "pb-skip"
												    : "pb-delete";
	}
	case 4: { /* duplicate a field right after itself */
		if ((i = fz_pb_pick(r, ip, -1, -1)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		size_t n = fz_pb_end(f) - f->key_off;
		if (n > (1u << 20))
			break;
		uint8_t *tmp = malloc(n);
		if (!tmp)
			return NULL;
		memcpy(tmp, b->d + f->key_off, n);
		int rc = fz_pb_splice(b, ip, f->parent, fz_pb_end(f), 0, tmp, n);
		free(tmp);
		return rc ? "pb-skip" : "pb-dup";
	}
	case 5: { /* swap two fields of one message (order: a use before its definition) */
		if ((i = fz_pb_pick(r, ip, -1, -1)) < 0)
			break;
		const struct fz_pb_field *a = &ip->f[i];
		for (int tries = 0; tries < 32; tries++) {
			j = (long)fz_below(r, ip->n);
			const struct fz_pb_field *c = &ip->f[j];
			if (c->parent != a->parent || j == i)
				continue;
			const struct fz_pb_field *x = c->key_off < a->key_off ? c : a, *y = x == a ? c : a;
			size_t lx = fz_pb_end(x) - x->key_off, ly = fz_pb_end(y) - y->key_off;
			size_t mid = y->key_off - fz_pb_end(x), tot = lx + mid + ly;
			if (tot > (4u << 20))
				break;
			uint8_t *tmp = malloc(tot);
			if (!tmp)
				return NULL;
			memcpy(tmp, b->d + y->key_off, ly);
			memcpy(tmp + ly, b->d + fz_pb_end(x), mid);
			memcpy(tmp + ly + mid, b->d + x->key_off, lx);
			memcpy(b->d + x->key_off, tmp, tot);
			free(tmp);
			return "pb-swap";
		}
		break;
	}
	case 6: { /* a string replaced by another (short) string of the file: rewires names */
		if ((i = fz_pb_pick(r, ip, 2, 0)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		for (int tries = 0; tries < 32; tries++) {
			j = fz_pb_pick(r, ip, 2, 0);
			if (j < 0 || ip->f[j].val_len > 256 || j == i)
				continue;
			uint8_t tmp[256];
			size_t n = ip->f[j].val_len;
			memcpy(tmp, b->d + ip->f[j].val_off, n);
			if (n && fz_chance(r, 8))
				tmp[fz_below(r, n)] ^= 1; /* a near miss */
			int rc = fz_pb_splice(b, ip, f->parent, f->val_off, f->val_len, tmp, n);
			return rc ? "pb-skip" : "pb-restring";
		}
		break;
	}
	case 7: { /* a payload's bytes mutated (raw_data, names, packed dims), lengths fixed */
		if ((i = fz_pb_pick(r, ip, 2, 0)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		struct fz_buf sub = {0};
		if (fz_set(&sub, b->d + f->val_off, f->val_len))
			return NULL;
		const char *what = fz_mutate_bytes(r, &sub, NULL);
		int rc = what ? fz_pb_splice(b, ip, f->parent, f->val_off, f->val_len, sub.d, sub.len) : -1;
		fz_buf_free(&sub);
		return rc ? "pb-skip" : "pb-payload";
	}
	case 8: { /* insert a new varint field into a message */
		if ((i = fz_pb_pick(r, ip, 2, 1)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		uint8_t tmp[20];
		unsigned n = fz_pb_encode((uint64_t)(1 + fz_below(r, 24)) << 3, tmp);
		n += fz_pb_encode(fz_interesting64(r, 0, b->len), tmp + n);
		return fz_pb_splice(b, ip, (int32_t)i, f->val_off + (fz_chance(r, 2) ? 0 : f->val_len), 0, tmp, n)
			       ? "pb-skip"
			       : "pb-insert";
	}
	default: { /* transplant: a field of the other input (same field number) replaces or joins one */
		if (!other || !other->len)
			break;
		struct fz_buf ob = *other; /* read-only view */
		if (fz_pb_index(&ob, op) || (i = fz_pb_pick(r, ip, -1, -1)) < 0)
			break;
		const struct fz_pb_field *f = &ip->f[i];
		for (int tries = 0; tries < 64; tries++) {
			j = (long)fz_below(r, op->n);
			const struct fz_pb_field *g = &op->f[j];
			if (g->fieldno != f->fieldno || g->wt != f->wt || g->depth != f->depth)
				continue;
			size_t n = fz_pb_end(g) - g->key_off;
			if (n > (2u << 20))
				continue;
			int replace = fz_chance(r, 2);
			size_t at = replace ? f->key_off : fz_pb_end(f);
			size_t old = replace ? fz_pb_end(f) - f->key_off : 0;
			int rc = fz_pb_splice(b, ip, f->parent, at, old, other->d + g->key_off, n);
			return rc ? "pb-skip" : "pb-transplant";
		}
		break;
	}
	}
	return fz_mutate_bytes(r, b, other);
}

/* ---- .mote files ------------------------------------------------------------------- */

static inline void fz_mote_fix(struct fz_buf *b, int fix_len, int fix_crc)
{
	if (b->len < sizeof(struct mote_mf_header))
		return;
	if (fix_len)
		fz_put_le(b->d + offsetof(struct mote_mf_header, file_bytes), (uint32_t)b->len, 4);
	if (fix_crc) {
		fz_put_le(b->d + offsetof(struct mote_mf_header, crc32), 0, 4);
		fz_put_le(b->d + offsetof(struct mote_mf_header, crc32), mote_mf_crc32(0, b->d, b->len), 4);
	}
}

/* Section id's table entry as found in b (a copy), or 0 when absent. */
static inline int fz_mote_section(const struct fz_buf *b, uint32_t id, struct mote_mf_section *out)
{
	const size_t hs = sizeof(struct mote_mf_header);
	if (b->len < hs)
		return 0;
	uint32_t ns = (uint32_t)fz_get_le(b->d + offsetof(struct mote_mf_header, n_sections), 4);
	for (uint32_t i = 0; i < ns && i < 16 && hs + (i + 1) * sizeof *out <= b->len; i++) {
		memcpy(out, b->d + hs + i * sizeof *out, sizeof *out);
		if (out->id == id)
			return 1;
	}
	return 0;
}

/* The 32-bit word at off gets an interesting value (or another word's). */
static inline void fz_mote_word(struct fz_rng *r, struct fz_buf *b, size_t off, uint32_t n_records)
{
	uint32_t orig = (uint32_t)fz_get_le(b->d + off, 4), v;
	switch (fz_below(r, 6)) {
	case 0: /* an index-like value: -1, 0, the count, a neighbour of it */
		v = fz_chance(r, 2) ? (uint32_t)fz_below(r, n_records + 2) : (uint32_t)-1;
		break;
	case 1: { /* the value of another aligned word of the file */
		size_t o = (size_t)fz_below(r, b->len / 4) * 4;
		v = (uint32_t)fz_get_le(b->d + o, 4);
		break;
	}
	default: v = fz_interesting32(r, orig, (uint32_t)b->len); break;
	}
	fz_put_le(b->d + off, v, 4);
}

/* A record of a section found in b: its file offset, or 0. */
static inline size_t fz_mote_record(const struct fz_buf *b, uint32_t id, size_t rec_size, uint32_t *count,
				    struct fz_rng *r, uint32_t *index)
{
	struct mote_mf_section s;
	if (!fz_mote_section(b, id, &s) || s.offset > b->len || s.size > b->len - s.offset || s.size < rec_size)
		return 0;
	*count = (uint32_t)(s.size / rec_size);
	*index = (uint32_t)fz_below(r, *count);
	return s.offset + *index * rec_size;
}

static inline uint64_t fz_numel(const struct mote_mf_tensor *t)
{
	uint64_t n = 1;
	for (uint32_t k = 0; k < t->rank && k < MOTE_MF_MAX_RANK; k++) {
		n *= t->dims[k];
		if (n > ((uint64_t)1 << 32))
			return n;
	}
	return n;
}

/* Bytes of a tensor record made consistent with its type and shape (when they fit). */
static inline void fz_mote_rebytes(struct mote_mf_tensor *t)
{
	uint32_t es = t->dtype == 1 || t->dtype == 6 ? 4 : t->dtype == 2 || t->dtype == 3 ? 1 : 0;
	uint64_t n = fz_numel(t) * es;
	if (es && n < ((uint64_t)1 << 32))
		t->bytes = (uint32_t)n;
}

/* A mutation that knows what the records mean: steps wired to other tensors
 * (an output that is also an input, an input produced later), another host
 * kernel, steps swapped, a tensor's flags, shape or type changed with its
 * byte count kept consistent (so the loader's checks pass and the runtime
 * meets the change).  NULL when b has no usable tensor and step tables. */
static inline const char *fz_mote_semantic(struct fz_rng *r, struct fz_buf *b)
{
	uint32_t nt, ns, ti, si, nc = 0;
	struct mote_mf_section sc;
	size_t to = fz_mote_record(b, MOTE_MF_SEC_TENSORS, sizeof(struct mote_mf_tensor), &nt, r, &ti);
	size_t so = fz_mote_record(b, MOTE_MF_SEC_STEPS, sizeof(struct mote_mf_step), &ns, r, &si);
	if (!to || !so)
		return NULL;
	if (fz_mote_section(b, MOTE_MF_SEC_CMDS, &sc))
		nc = sc.count;
	struct mote_mf_step s, o;
	struct mote_mf_tensor t;
	memcpy(&s, b->d + so, sizeof s);
	memcpy(&t, b->d + to, sizeof t);
	size_t o_off = so - si * sizeof s + (size_t)fz_below(r, ns) * sizeof s;
	memcpy(&o, b->d + o_off, sizeof o);
	uint32_t k = (uint32_t)fz_below(r, MOTE_MF_MAX_IO), nin = s.n_in >= 1 && s.n_in <= MOTE_MF_MAX_IO ? s.n_in : 1;
	const char *what;
	switch (fz_below(r, 13)) {
	case 0:
		s.out[0] = s.in[fz_below(r, nin)];
		what = "mote-step-alias";
		break;
	case 1:
		s.in[fz_below(r, nin)] = o.out[0];
		what = "mote-step-rewire";
		break;
	case 2:
		s.in[fz_below(r, nin)] = (int32_t)fz_below(r, nt);
		what = "mote-step-input";
		break;
	case 3:
		if (fz_chance(r, 4))
			s.kind = s.kind == MOTE_MF_STEP_HOST ? MOTE_MF_STEP_DEVICE : MOTE_MF_STEP_HOST;
		else
			s.op = (uint32_t)(1 + fz_below(r, 9));
		what = "mote-step-op";
		break;
	case 4:
		s.n_in = 1 + (uint32_t)fz_below(r, MOTE_MF_MAX_IO);
		s.in[s.n_in - 1] = (int32_t)fz_below(r, nt);
		what = "mote-step-arity";
		break;
	case 5: {
		uint32_t v[] = {0, 1, nc, nc - 1, nc + 1, s.n_cmds + 1, o.cmd_first, o.n_cmds, nc - s.cmd_first};
		if (fz_chance(r, 2))
			s.cmd_first = v[fz_below(r, sizeof v / sizeof v[0])];
		else
			s.n_cmds = v[fz_below(r, sizeof v / sizeof v[0])];
		what = "mote-step-cmds";
		break;
	}
	case 6:
		k = (uint32_t)fz_below(r, 16);
		s.params[k] = (int32_t)fz_interesting32(r, (uint32_t)s.params[k], 8);
		what = "mote-step-param";
		break;
	case 7: /* two steps trade places: the order changes */
		memcpy(b->d + o_off, &s, sizeof s);
		s = o;
		what = "mote-step-swap";
		break;
	case 8:
		t.flags ^= 1u << fz_below(r, 4);
		what = "mote-tensor-flags";
		break;
	case 9:
		if (t.rank)
			t.dims[fz_below(r, t.rank < MOTE_MF_MAX_RANK ? t.rank : MOTE_MF_MAX_RANK)] =
				fz_chance(r, 2) ? (uint32_t)fz_below(r, 70) : fz_interesting32(r, t.dims[0], 64);
		fz_mote_rebytes(&t);
		what = "mote-tensor-dims";
		break;
	case 10: {
		static const int32_t types[] = {1, 2, 3, 6};
		t.dtype = types[fz_below(r, 4)];
		if (fz_chance(r, 3))
			t.rank = (uint32_t)fz_below(r, MOTE_MF_MAX_RANK + 1);
		fz_mote_rebytes(&t);
		what = "mote-tensor-type";
		break;
	}
	case 11: {
		uint32_t arena = (uint32_t)fz_get_le(b->d + offsetof(struct mote_mf_header, arena_bytes), 4);
		uint32_t v[] = {0, 64, arena, arena - 64, (arena - t.bytes) & ~63u, (arena - t.bytes + 64) & ~63u,
				0x80000000u, 0xffffffc0u};
		t.arena_offset = v[fz_below(r, sizeof v / sizeof v[0])];
		what = "mote-tensor-arena";
		break;
	}
	default: { /* the tensor becomes another's twin (same name, or same place) */
		uint32_t tj;
		size_t oo = fz_mote_record(b, MOTE_MF_SEC_TENSORS, sizeof t, &nt, r, &tj);
		struct mote_mf_tensor u;
		memcpy(&u, b->d + oo, sizeof u);
		if (fz_chance(r, 2))
			t.name = u.name;
		else
			t.arena_offset = u.arena_offset;
		what = "mote-tensor-twin";
		break;
	}
	}
	memcpy(b->d + so, &s, sizeof s);
	memcpy(b->d + to, &t, sizeof t);
	return what;
}

/* One .mote-aware mutation.  The CRC and file_bytes are fixed afterwards
 * except now and then (so that their own checks keep being exercised). */
static inline const char *fz_mutate_mote(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other)
{
	const size_t hs = sizeof(struct mote_mf_header);
	const char *what = NULL;
	size_t len0 = b->len;
	if (b->len < hs) {
		what = fz_mutate_bytes(r, b, other);
	} else {
		struct mote_mf_section s;
		/* CMDS: commands of different lengths, mutated as 32-bit words */
		static const uint32_t rec_size[] = {0, 1, sizeof(struct mote_mf_tensor), sizeof(struct mote_mf_step),
						    4, 1, sizeof(struct mote_mf_reloc)};
		switch (fz_below(r, 15)) {
		case 12:
		case 13:
		case 14:
			if ((what = fz_mote_semantic(r, b)))
				break;
			what = fz_mutate_bytes(r, b, other);
			break;
		case 0:
		case 1: /* a header field */
			fz_mote_word(r, b, 4 * (size_t)fz_below(r, hs / 4), 8);
			what = "mote-header";
			break;
		case 2:
		case 3: { /* a section table field */
			uint32_t ns = (uint32_t)fz_get_le(b->d + offsetof(struct mote_mf_header, n_sections), 4);
			if (ns > 16 || hs + ns * sizeof s > b->len || !ns) {
				what = fz_mutate_bytes(r, b, other);
				break;
			}
			fz_mote_word(r, b, hs + 4 * (size_t)fz_below(r, ns * 4), ns);
			what = "mote-section";
			break;
		}
		case 4:
		case 5:
		case 6:
		case 7:
		case 8: { /* a field of a record: tensor, step, relocation or command */
			static const uint32_t ids[] = {MOTE_MF_SEC_TENSORS, MOTE_MF_SEC_TENSORS, MOTE_MF_SEC_STEPS,
						       MOTE_MF_SEC_STEPS, MOTE_MF_SEC_STEPS, MOTE_MF_SEC_RELOCS,
						       MOTE_MF_SEC_CMDS, MOTE_MF_SEC_STRINGS};
			uint32_t id = ids[fz_below(r, sizeof ids / sizeof ids[0])];
			if (!fz_mote_section(b, id, &s) || !s.size || s.offset > b->len || s.size > b->len - s.offset ||
			    s.size < 4) {
				what = fz_mutate_bytes(r, b, other);
				break;
			}
			if (id == MOTE_MF_SEC_STRINGS) { /* a NUL removed or added, a name made another's */
				size_t o = s.offset + (size_t)fz_below(r, s.size);
				b->d[o] = b->d[o] ? 0 : (uint8_t)'A';
				what = "mote-strings";
				break;
			}
			uint32_t rs = rec_size[id], nrec = s.size / rs;
			if (!nrec) {
				what = fz_mutate_bytes(r, b, other);
				break;
			}
			size_t rec = s.offset + (size_t)fz_below(r, nrec) * rs;
			uint32_t tensors = 0;
			struct mote_mf_section st;
			if (fz_mote_section(b, MOTE_MF_SEC_TENSORS, &st))
				tensors = st.count;
			if (id == MOTE_MF_SEC_CMDS && fz_chance(r, 2)) {
				b->d[rec + fz_below(r, rs)] ^= (uint8_t)(1u << fz_below(r, 8));
				what = "mote-cmd-bit";
				break;
			}
			fz_mote_word(r, b, rec + 4 * (size_t)fz_below(r, rs / 4),
				     id == MOTE_MF_SEC_STEPS ? tensors : nrec);
			what = id == MOTE_MF_SEC_TENSORS ? "mote-tensor"
			       : id == MOTE_MF_SEC_STEPS ? "mote-step"
			       : id == MOTE_MF_SEC_RELOCS ? "mote-reloc"
							  : "mote-cmd";
			break;
		}
		case 9: { /* a whole record copied over another of the same kind (maybe from the other file) */
			uint32_t id = fz_chance(r, 2) ? MOTE_MF_SEC_STEPS : MOTE_MF_SEC_TENSORS;
			struct mote_mf_section so;
			const struct fz_buf *src = other && other->len && fz_chance(r, 2) ? other : b;
			if (!fz_mote_section(b, id, &s) || !fz_mote_section(src, id, &so) || s.offset > b->len ||
			    s.size > b->len - s.offset || so.offset > src->len || so.size > src->len - so.offset ||
			    s.size < rec_size[id] || so.size < rec_size[id]) {
				what = fz_mutate_bytes(r, b, other);
				break;
			}
			size_t to = s.offset + (size_t)fz_below(r, s.size / rec_size[id]) * rec_size[id];
			size_t from = so.offset + (size_t)fz_below(r, so.size / rec_size[id]) * rec_size[id];
			memmove(b->d + to, src->d + from, rec_size[id]);
			what = "mote-record-copy";
			break;
		}
		default:
			what = fz_mutate_bytes(r, b, other);
			break;
		}
	}
	if (what)
		fz_mote_fix(b, b->len != len0 ? !fz_chance(r, 8) : 0, !fz_chance(r, 16));
	return what;
}

#endif /* MOTE_FUZZ_MUTATE_H */
