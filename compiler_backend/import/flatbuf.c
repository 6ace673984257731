/* flatbuf.c: bounds-checked flatbuffer access (see flatbuf.h). */
#include <stdlib.h>
#include <string.h>

#include "flatbuf.h"

/* "path.field", or "field" at the top of a subgraph */
#define SEP(path) ((path)[0] ? "." : "")

uint32_t fb_u32(const uint8_t *p) { return cc_get_le32(p); }

uint16_t fb_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* [pos, pos + n) inside the buffer? */
static int inside(const struct fb *f, size_t pos, size_t n)
{
	return pos <= f->len && n <= f->len - pos;
}

static int spend(struct fb *f, uint64_t n, const char *path, const char *field)
{
	if (n > f->budget)
		return cc_fail(f->diag, MOTE_CC_ERANGE,
			       "tflite: %s%s%s: the file asks for more tables and vector elements than its size can hold "
			       "(shared subobjects?)", path, path[0] && field[0] ? "." : "", field);
	f->budget -= n;
	return 0;
}

static int open_table(struct fb *f, size_t pos, const char *path, struct fb_table *t)
{
	int rc = spend(f, 1, path, "");
	if (rc)
		return rc;
	if (!inside(f, pos, 4))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s: table starts past the end of the buffer", path);
	int64_t so = (int32_t)fb_u32(f->p + pos);
	int64_t vt = (int64_t)pos - so; /* |so| < 2^31 and pos < 2^62: no overflow in 64 bits */
	if (vt < 0 || !inside(f, (size_t)vt, 4))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s: vtable (soffset %lld) lies outside the buffer", path,
			       (long long)so);
	t->pos = pos;
	t->vt = (size_t)vt;
	t->vsize = fb_u16(f->p + t->vt);
	t->tsize = fb_u16(f->p + t->vt + 2);
	t->path = path;
	if (t->vsize < 4 || (t->vsize & 1) || !inside(f, t->vt, t->vsize))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s: vtable of %u bytes is malformed or runs past the end "
			       "of the buffer", path, t->vsize);
	if (t->tsize < 4 || !inside(f, pos, t->tsize))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s: table of %u bytes runs past the end of the buffer",
			       path, t->tsize);
	return 0;
}

int fb_root(struct fb *f, const char *path, struct fb_table *t)
{
	if (f->len < 8)
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %zu bytes: too short for a flatbuffer", f->len);
	size_t pos = fb_u32(f->p);
	if (pos >= f->len)
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: root offset %zu points past the end of the buffer (%zu "
			       "bytes)", pos, f->len);
	return open_table(f, pos, path, t);
}

/* Position of field id of size bytes inside t, 0 when absent. */
static int field_at(struct fb *f, const struct fb_table *t, unsigned id, const char *field, unsigned size,
		    size_t *at)
{
	size_t slot = 4 + 2 * (size_t)id;
	*at = 0;
	if (slot + 2 > t->vsize)
		return 0;
	uint16_t off = fb_u16(f->p + t->vt + slot);
	if (!off)
		return 0;
	if (off < 4 || (size_t)off + size > t->tsize)
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s%s%s: field at offset %u lies outside its table of %u "
			       "bytes", t->path, SEP(t->path), field, off, t->tsize);
	*at = t->pos + off;
	return 0;
}

int fb_scalar(struct fb *f, const struct fb_table *t, unsigned id, const char *field, unsigned size, uint64_t dflt,
	      uint64_t *v)
{
	size_t at;
	int rc = field_at(f, t, id, field, size, &at);
	*v = dflt;
	if (rc || !at)
		return rc;
	uint64_t x = 0;
	for (unsigned i = 0; i < size; i++)
		x |= (uint64_t)f->p[at + i] << (8 * i);
	*v = x;
	return 0;
}

/* The target of the uoffset at position at (inside the buffer, 4 bytes). */
static int follow(struct fb *f, size_t at, const char *path, const char *field, size_t *target)
{
	size_t t = at + (size_t)fb_u32(f->p + at); /* at < 2^62: no wrap in size_t */
	if (t >= f->len)
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s%s%s: offset points past the end of the buffer", path,
			       path[0] && field[0] ? "." : "", field);
	*target = t;
	return 0;
}

int fb_subtable(struct fb *f, const struct fb_table *t, unsigned id, const char *field, const char *path,
		struct fb_table *out)
{
	size_t at, target = 0;
	int rc = field_at(f, t, id, field, 4, &at);
	if (rc || !at)
		return rc;
	if ((rc = follow(f, at, t->path, field, &target)))
		return rc;
	rc = open_table(f, target, path, out);
	return rc ? rc : 1;
}

static int vector_at(struct fb *f, size_t target, const char *path, const char *field, unsigned elem,
		     struct fb_vec *out)
{
	if (!inside(f, target, 4))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s%s%s: vector length runs past the end of the buffer",
			       path, SEP(path), field);
	uint32_t n = fb_u32(f->p + target);
	size_t bytes;
	if (cc_mul_sz(n, elem, &bytes) || !inside(f, target + 4, bytes))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s%s%s: vector of %u elements runs past the end of the "
			       "buffer", path, SEP(path), field, n);
	out->pos = target + 4;
	out->n = n;
	return 0;
}

int fb_vector(struct fb *f, const struct fb_table *t, unsigned id, const char *field, unsigned elem,
	      struct fb_vec *out)
{
	size_t at, target = 0;
	out->pos = 0;
	out->n = 0;
	int rc = field_at(f, t, id, field, 4, &at);
	if (rc || !at)
		return rc;
	if ((rc = follow(f, at, t->path, field, &target)) || (rc = vector_at(f, target, t->path, field, elem, out)))
		return rc;
	/* reading costs the elements (bytes of raw data are not read one by one) */
	if (elem > 1 && (rc = spend(f, out->n, t->path, field)))
		return rc;
	return 1;
}

int fb_string(struct fb *f, const struct fb_table *t, unsigned id, const char *field, char **s)
{
	struct fb_vec v;
	*s = NULL;
	int rc = fb_vector(f, t, id, field, 1, &v);
	if (rc < 0)
		return rc;
	if (rc && (v.pos + v.n >= f->len || f->p[v.pos + v.n] != 0))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s%s%s: string of %u bytes has no NUL terminator", t->path,
			       SEP(t->path), field, v.n);
	if (rc && memchr(f->p + v.pos, 0, v.n))
		return cc_fail(f->diag, MOTE_CC_EFORMAT, "tflite: %s%s%s: string holds a NUL byte", t->path, SEP(t->path), field);
	if ((rc = spend(f, v.n, t->path, field)))
		return rc;
	if (!(*s = malloc((size_t)v.n + 1)))
		return cc_fail(f->diag, MOTE_CC_ENOMEM, "tflite: %s%s%s: out of memory", t->path, SEP(t->path), field);
	if (v.n)
		memcpy(*s, f->p + v.pos, v.n);
	(*s)[v.n] = 0;
	return 0;
}

int fb_vec_table(struct fb *f, const struct fb_vec *v, uint32_t i, const char *path, struct fb_table *out)
{
	size_t at = v->pos + 4 * (size_t)i, target = 0;
	int rc = follow(f, at, path, "", &target);
	return rc ? rc : open_table(f, target, path, out);
}
