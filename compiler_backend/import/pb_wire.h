/* pb_wire.h: a walker over protobuf wire format (not public).
 *
 * protobuf-c (onnx_import.c) decodes a model into copies; `mote prune`
 * must also know where in the file each value lies, to change those bytes
 * and no other.  This walks the fields of one message in a byte range,
 * giving each field's number, wire type and byte positions.  Wire types:
 * 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit; the
 * deprecated groups (3, 4) are refused as malformed.
 */
#ifndef MOTE_PB_WIRE_H
#define MOTE_PB_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct pb_field {
	uint32_t num;     /* field number (>= 1) */
	uint32_t wt;      /* wire type: 0, 1, 2 or 5 */
	size_t key;       /* offset of the key: the field's first byte */
	size_t len_off;   /* wire type 2: offset of the length varint (else = off) */
	size_t off, len;  /* the payload: after the length (2), the varint bytes (0), 8 or 4 bytes (1, 5) */
	uint64_t v;       /* wire type 0: the value */
};

/* The field at *pos of a message that ends at end (buf[*pos, end)); *pos
 * moves past it.  Returns 1 with *f set, 0 at the end, -1 when the bytes are
 * malformed (a truncated or over-long varint, a length past end, a group,
 * field number 0). */
int pb_next(const uint8_t *buf, size_t end, size_t *pos, struct pb_field *f);

/* One past the field's last byte. */
static inline size_t pb_end(const struct pb_field *f)
{
	return f->off + f->len;
}

/* Bytes of v as a varint (1..10). */
size_t pb_varint_len(uint64_t v);
/* Write v as a varint at dst; returns the bytes written. */
size_t pb_put_varint(uint8_t *dst, uint64_t v);

#endif
