/* flatbuf.h: bounds-checked access to a flatbuffer (not public).
 *
 * The format's facts (flatbuffers documentation, "FlatBuffers internals"):
 * little-endian throughout; the buffer starts with a uoffset (uint32) to the
 * root table and may carry a 4-byte file identifier after it; a table starts
 * with an soffset (int32) that, subtracted from the table's position, gives
 * its vtable; a vtable is uint16 values: its own size in bytes, the table's
 * inline size, then one offset per field id (field id i at byte 4 + 2i; 0 or
 * beyond the vtable: the field is absent and takes its default); a field
 * holding a table, vector or string holds a uoffset relative to the field's
 * own position; a vector is a uint32 element count then the elements; a
 * string is a byte vector followed by a NUL; a vector of tables holds one
 * uoffset per element, relative to that element's position; a union is two
 * fields, a ubyte type (id n) and a table offset (id n + 1).
 *
 * Every accessor checks before it reads and reports a failure as
 * "tflite: PATH.FIELD: reason" through cc_fail (MOTE_CC_EFORMAT, or
 * MOTE_CC_ERANGE when the work budget is spent).  Positions are size_t,
 * sums are checked, so nothing wraps.
 */
#ifndef MOTE_FLATBUF_H
#define MOTE_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/cc_internal.h"

struct fb {
	const uint8_t *p;
	size_t len;
	uint64_t budget;              /* tables opened + vector elements read, still allowed */
	struct mote_cc_diag *diag;
};

struct fb_table {
	size_t pos, vt;               /* the table and its vtable */
	uint16_t vsize, tsize;
	const char *path;             /* for messages, e.g. "operators[3]" */
};

struct fb_vec {
	size_t pos;                   /* first element */
	uint32_t n;
};

uint32_t fb_u32(const uint8_t *p);
uint16_t fb_u16(const uint8_t *p);

/* The root table (path names it in messages). */
int fb_root(struct fb *f, const char *path, struct fb_table *t);

/* Scalars: the field's value, or dflt when absent.  size is 1, 2, 4 or 8;
 * the bytes are returned zero-extended (callers sign-convert). */
int fb_scalar(struct fb *f, const struct fb_table *t, unsigned id, const char *field, unsigned size, uint64_t dflt,
	      uint64_t *v);

/* A table, vector or string field; returns 1 (present, *out filled), 0
 * (absent) or a negative status.  elem is the element size of a vector
 * (fb_vector) or 1 (fb_string). */
int fb_subtable(struct fb *f, const struct fb_table *t, unsigned id, const char *field, const char *path,
		struct fb_table *out);
int fb_vector(struct fb *f, const struct fb_table *t, unsigned id, const char *field, unsigned elem,
	      struct fb_vec *out);
/* A string field as a fresh NUL-terminated copy (absent: ""); *s owned by the caller. */
int fb_string(struct fb *f, const struct fb_table *t, unsigned id, const char *field, char **s);

/* Element i of a vector of tables. */
int fb_vec_table(struct fb *f, const struct fb_vec *v, uint32_t i, const char *path, struct fb_table *out);

#endif
