/* npy.c: write NumPy .npy files (see npy.h). */
#include "npy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static size_t dtype_size(enum npy_dtype t)
{
	switch (t) {
	case NPY_I8:
	case NPY_U8:
		return 1;
	case NPY_I32:
		return 4;
	case NPY_F64:
		return 8;
	}
	return 0;
}

static const char *dtype_descr(enum npy_dtype t)
{
	switch (t) {
	case NPY_I8:
		return "|i1";
	case NPY_U8:
		return "|u1";
	case NPY_I32:
		return "<i4";
	case NPY_F64:
		return "<f8";
	}
	return "?";
}

int npy_write(const char *path, enum npy_dtype dtype, const size_t *shape, int ndim, const void *data)
{
	char hdr[256];
	size_t count = 1;
	int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (", dtype_descr(dtype));
	for (int i = 0; i < ndim; i++) {
		if (__builtin_mul_overflow(count, shape[i], &count)) {
			errno = EOVERFLOW;
			return -1;
		}
		n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%zu%s", shape[i], ndim == 1 ? "," : (i + 1 < ndim ? ", " : ""));
		if ((size_t)n >= sizeof hdr - 64) {
			errno = EINVAL;
			return -1;
		}
	}
	n += snprintf(hdr + n, sizeof hdr - (size_t)n, "), }");
	/* magic(6) + version(2) + hlen(2) + header + '\n' must be a multiple of 64. */
	size_t total = 10 + (size_t)n + 1;
	size_t pad = (64 - total % 64) % 64;
	if ((size_t)n + pad + 1 >= sizeof hdr) {
		errno = EINVAL;
		return -1;
	}
	memset(hdr + n, ' ', pad);
	n += (int)pad;
	hdr[n++] = '\n';
	unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 0xff), (unsigned char)(n >> 8)};
	size_t bytes;
	if (__builtin_mul_overflow(count, dtype_size(dtype), &bytes)) {
		errno = EOVERFLOW;
		return -1;
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(pre, 1, sizeof pre, f) == sizeof pre && fwrite(hdr, 1, (size_t)n, f) == (size_t)n &&
		 (bytes == 0 || fwrite(data, 1, bytes, f) == bytes);
	if (fclose(f) != 0 || !ok) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
