/* npy.c: read and write NumPy .npy files (see npy.h). */
#include "npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t dtype_size(enum npy_dtype t)
{
	switch (t) {
	case NPY_I8:
	case NPY_U8:
		return 1;
	case NPY_I32:
	case NPY_F32:
		return 4;
	case NPY_F64:
	case NPY_I64:
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
	case NPY_F32:
		return "<f4";
	case NPY_I64:
		return "<i8";
	case NPY_F64:
		return "<f8";
	}
	return "?";
}

int npy_fwrite(FILE *f, enum npy_dtype dtype, const size_t *shape, int ndim, const void *data)
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
	errno = 0;
	int ok = fwrite(pre, 1, sizeof pre, f) == sizeof pre && fwrite(hdr, 1, (size_t)n, f) == (size_t)n &&
		 (bytes == 0 || fwrite(data, 1, bytes, f) == bytes) && fflush(f) == 0;
	if (!ok) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* ---- reading ---------------------------------------------------------------- */

static int why_set(char *why, size_t n, const char *path, const char *what)
{
	snprintf(why, n, "%s: %s", path, what);
	return -1;
}

int npy_read(const char *path, struct npy_array *a, char *why, size_t why_len)
{
	static const struct {
		const char *descr;
		enum npy_dtype t;
	} types[] = {{"'|i1'", NPY_I8}, {"'|u1'", NPY_U8}, {"'<i4'", NPY_I32}, {"'<f8'", NPY_F64},
		     {"'<f4'", NPY_F32}, {"'<i8'", NPY_I64}};
	memset(a, 0, sizeof *a);
	FILE *f = fopen(path, "rb");
	if (!f)
		return why_set(why, why_len, path, strerror(errno));
	unsigned char pre[12];
	char hdr[4096];
	int rc = -1;
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
		why_set(why, why_len, path, "not a .npy file");
		goto out;
	}
	size_t hlen = pre[8] | (size_t)pre[9] << 8;
	if (pre[6] >= 2) { /* version 2: a 4-byte header length */
		if (fread(pre + 10, 1, 2, f) != 2) {
			why_set(why, why_len, path, "truncated header");
			goto out;
		}
		hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	}
	if (hlen >= sizeof hdr || fread(hdr, 1, hlen, f) != hlen) {
		why_set(why, why_len, path, "header too long or truncated");
		goto out;
	}
	hdr[hlen] = 0;
	const char *d = strstr(hdr, "'descr':"), *fo = strstr(hdr, "'fortran_order':"), *sh = strstr(hdr, "'shape':");
	if (!d || !fo || !sh) {
		why_set(why, why_len, path, "header lacks descr, fortran_order or shape");
		goto out;
	}
	size_t ti;
	for (d += 8; *d == ' '; d++)
		;
	for (ti = 0; ti < sizeof types / sizeof types[0]; ti++)
		if (!strncmp(d, types[ti].descr, strlen(types[ti].descr)))
			break;
	if (ti == sizeof types / sizeof types[0]) {
		why_set(why, why_len, path, "element type not one of int8, uint8, int32, int64, float32, float64");
		goto out;
	}
	for (fo += 16; *fo == ' '; fo++)
		;
	if (strncmp(fo, "False", 5) != 0) {
		why_set(why, why_len, path, "Fortran order is not supported");
		goto out;
	}
	a->dtype = types[ti].t;
	a->elem = dtype_size(a->dtype);
	a->count = 1;
	const char *p = strchr(sh, '(');
	if (!p) {
		why_set(why, why_len, path, "malformed shape");
		goto out;
	}
	for (p++;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ')')
			break;
		char *end;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p || a->ndim == 8 || v > (1ull << 32)) {
			why_set(why, why_len, path, "malformed shape (or more than 8 dimensions)");
			goto out;
		}
		a->shape[a->ndim++] = (size_t)v;
		if (v && a->count > ((size_t)1 << 34) / v) {
			why_set(why, why_len, path, "array too large");
			goto out;
		}
		a->count *= (size_t)v;
		p = end;
	}
	size_t bytes = a->count * a->elem;
	a->data = malloc(bytes ? bytes : 1);
	if (!a->data) {
		why_set(why, why_len, path, "out of memory");
		goto out;
	}
	if (fread(a->data, 1, bytes, f) != bytes) {
		free(a->data);
		a->data = NULL;
		why_set(why, why_len, path, "data shorter than the shape says");
		goto out;
	}
	if (fgetc(f) != EOF) { /* a file is one array: bytes after it are an error, not ignored */
		free(a->data);
		a->data = NULL;
		why_set(why, why_len, path, "bytes after the array (the header's shape says less data)");
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}
