/* pb_wire.c: a walker over protobuf wire format (see pb_wire.h). */
#include "pb_wire.h"

/* A varint at buf[*pos, end): at most 10 bytes, the tenth at most 1. */
static int varint(const uint8_t *buf, size_t end, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (*pos >= end)
			return -1;
		uint8_t b = buf[(*pos)++];
		if (i == 9 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

int pb_next(const uint8_t *buf, size_t end, size_t *pos, struct pb_field *f)
{
	if (*pos >= end)
		return 0;
	uint64_t key;
	f->key = *pos;
	if (varint(buf, end, pos, &key) || key >> 32 || (key >> 3) == 0)
		return -1;
	f->num = (uint32_t)(key >> 3);
	f->wt = (uint32_t)(key & 7);
	f->len_off = f->off = *pos;
	f->v = 0;
	switch (f->wt) {
	case 0:
		if (varint(buf, end, pos, &f->v))
			return -1;
		f->len = *pos - f->off;
		return 1;
	case 1:
	case 5: {
		size_t n = f->wt == 1 ? 8 : 4;
		if (end - *pos < n)
			return -1;
		f->len = n;
		*pos += n;
		return 1;
	}
	case 2: {
		uint64_t n;
		if (varint(buf, end, pos, &n) || n > end - *pos)
			return -1;
		f->off = *pos;
		f->len = (size_t)n;
		*pos += (size_t)n;
		return 1;
	}
	default:
		return -1;
	}
}

size_t pb_varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >>= 7)
		n++;
	return n;
}

size_t pb_put_varint(uint8_t *dst, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		dst[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	dst[n++] = (uint8_t)v;
	return n;
}
