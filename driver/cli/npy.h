/* npy.h: read and write NumPy .npy files (version 1.0 written, 1.x and 2.x read).
 *
 * The format (magic "\x93NUMPY", version, little-endian header length, a
 * Python-literal dict with descr/fortran_order/shape padded to 64 bytes, then
 * the raw C-order data) is documented by NumPy in numpy/lib/format.py.
 */
#ifndef MOTE_CLI_NPY_H
#define MOTE_CLI_NPY_H

#include <stddef.h>
#include <stdio.h>

enum npy_dtype { NPY_I8, NPY_U8, NPY_I32, NPY_F64, NPY_F32, NPY_I64 };

/* An array read from a .npy file (version 1.x or 2.x, C order, little-endian). */
struct npy_array {
	enum npy_dtype dtype;
	int ndim;
	size_t shape[8];
	size_t count, elem;  /* elements and bytes per element */
	void *data;          /* malloc'd; free it */
};

/* Read PATH into *A.  Returns 0, or -1 with a one-line reason in WHY. */
int npy_read(const char *path, struct npy_array *a, char *why, size_t why_len);

/* Write DATA (C order, SHAPE[0..NDIM-1]) of DTYPE to F and flush it.  NDIM 0
 * writes a scalar.  Returns 0, or -1 with errno set (F may hold part of it).
 * Files are written through outdir.h, which decides where they may go. */
int npy_fwrite(FILE *f, enum npy_dtype dtype, const size_t *shape, int ndim, const void *data);

#endif
