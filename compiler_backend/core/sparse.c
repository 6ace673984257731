/* sparse.c: 2:4 structured sparsity (MATMUL SPARSE): the groups of an
 * operator's weights, magnitude pruning, the pattern check, and the
 * compressed tile the weight buffer holds (mote_hw.spec):
 *
 *   rows + rows/4 rows of cols bytes, in groups of five for q < rows/4:
 *   rows 5q+s (s < 4) the kept values of array row 4q+s, row 5q+4 their
 *   2-bit indices (bits [2s+1:2s] of byte c: array row 4q+s, column c).
 *   Array row r = 2j + h keeps the weight of tile element 4j + index.
 */
#include <string.h>

#include "cc_internal.h"
#include "mote/mote_hw.h"
#include "sparse.h"

void cc_sparse_runs(const struct mote_cc_conv *op, uint32_t *run, uint32_t *nruns)
{
	int dilated = op->dil_w > 1 && op->k_w > 1; /* as the tiler cuts segments */
	*run = dilated ? op->in_c : op->k_w * op->in_c;
	*nruns = dilated ? op->k_h * op->k_w : op->k_h;
}

const char *cc_sparse_unfit(const struct mote_cc_conv *op)
{
	if (cc_groups(op) > 1)
		return "grouped convolution";
	if (op->pool != MOTE_CC_POOL_NONE)
		return "pooling";
	if (op->w_type != MOTE_CC_INT8)
		return "uint8 weights";
	if (op->w_zp)
		return "weight zero point";
	return NULL;
}

int cc_sparse_target(const struct mote_geometry *g)
{
	return (g->features & MOTE_FEATURES_SPARSE_MASK) && g->rows % 4 == 0;
}

static int sparse_op_ok(const struct mote_cc_conv *op)
{
	if (!op || !op->weights || mote_cc_conv_check(op, NULL, NULL, NULL) < 0)
		return 0;
	return op->w_type == MOTE_CC_INT8 && cc_groups(op) == 1 && op->pool == MOTE_CC_POOL_NONE;
}

static uint32_t abs8(int8_t v) { return v < 0 ? (uint32_t)-(int32_t)v : (uint32_t)v; }

int mote_cc_sparse_prune(const struct mote_cc_conv *op, int8_t *w)
{
	if (!sparse_op_ok(op) || !w)
		return MOTE_CC_EINVAL;
	uint32_t run, nruns, oc = op->out_c;
	cc_sparse_runs(op, &run, &nruns);
	if (w != op->weights)
		memcpy(w, op->weights, (size_t)run * nruns * oc);
	for (uint32_t r = 0; r < nruns; r++)
		for (uint32_t g0 = 0; g0 < run; g0 += MOTE_SPARSE_GROUP)
			for (uint32_t o = 0; o < oc; o++) {
				size_t k0 = (size_t)r * run + g0;
				uint32_t n = run - g0 < MOTE_SPARSE_GROUP ? run - g0 : MOTE_SPARSE_GROUP;
				/* keep the two largest magnitudes (the lower index on a tie) */
				uint32_t b0 = 0, b1 = n > 1 ? 1 : 0;
				if (n > 1 && abs8(w[(k0 + 1) * oc + o]) > abs8(w[k0 * oc + o]))
					b0 = 1, b1 = 0;
				for (uint32_t i = 2; i < n; i++) {
					uint32_t m = abs8(w[(k0 + i) * oc + o]);
					if (m > abs8(w[(k0 + b0) * oc + o]))
						b1 = b0, b0 = i;
					else if (m > abs8(w[(k0 + b1) * oc + o]))
						b1 = i;
				}
				for (uint32_t i = 0; i < n; i++)
					if (i != b0 && i != b1)
						w[(k0 + i) * oc + o] = 0;
			}
	return 0;
}

int mote_cc_sparse_check(const struct mote_cc_conv *op, struct mote_cc_diag *diag)
{
	if (!sparse_op_ok(op))
		return cc_fail(diag, MOTE_CC_EINVAL, "2:4 sparsity needs a valid convolution or GEMM with int8 weights, "
			       "no groups, no pooling");
	uint32_t run, nruns, oc = op->out_c;
	cc_sparse_runs(op, &run, &nruns);
	for (uint32_t r = 0; r < nruns; r++)
		for (uint32_t g0 = 0; g0 < run; g0 += MOTE_SPARSE_GROUP)
			for (uint32_t o = 0; o < oc; o++) {
				size_t k0 = (size_t)r * run + g0;
				uint32_t n = run - g0 < MOTE_SPARSE_GROUP ? run - g0 : MOTE_SPARSE_GROUP, nz = 0;
				for (uint32_t i = 0; i < n; i++)
					nz += op->weights[(k0 + i) * oc + o] != 0;
				if (nz > MOTE_SPARSE_KEEP)
					return cc_fail(diag, MOTE_CC_EINVAL,
						       "weights not 2:4 sparse: output channel %u, reduction elements %zu..%zu "
						       "hold %u non-zero weights", o, k0, k0 + n - 1, nz);
			}
	return 0;
}

/* The two indices a group's kept pair takes: its non-zero weights, filled up
 * with zero positions so the pair ascends. */
static void pair_of(const int8_t *g, uint32_t *i0, uint32_t *i1)
{
	uint32_t p[4], n = 0;
	for (uint32_t i = 0; i < MOTE_SPARSE_GROUP; i++)
		if (g[i])
			p[n++] = i;
	if (n >= 2) {
		*i0 = p[0], *i1 = p[1];
	} else if (n == 1) {
		*i0 = p[0] < 3 ? p[0] : 2;
		*i1 = *i0 + 1;
	} else {
		*i0 = 0, *i1 = 1;
	}
}

int mote_cc_sparse_pack_tile(const int8_t *dense, uint32_t rows, uint32_t cols, uint8_t *tile,
			     struct mote_cc_diag *diag)
{
	if (!dense || !tile || !rows || rows % 4 || !cols)
		return cc_fail(diag, MOTE_CC_EINVAL, "sparse tile of %u rows (a multiple of 4) and %u columns", rows, cols);
	for (uint32_t q = 0; q < rows / 4; q++) {
		uint8_t *irow = tile + ((size_t)5 * q + 4) * cols;
		memset(irow, 0, cols);
		for (uint32_t h = 0; h < 2; h++) /* the two pairs of array rows 4q..4q+3 */
			for (uint32_t c = 0; c < cols; c++) {
				uint32_t j = 2 * q + h, nz = 0;
				int8_t g[4];
				for (uint32_t i = 0; i < 4; i++) {
					g[i] = dense[((size_t)4 * j + i) * cols + c];
					nz += g[i] != 0;
				}
				if (nz > MOTE_SPARSE_KEEP)
					return cc_fail(diag, MOTE_CC_EINVAL,
						       "tile column %u: elements %u..%u hold %u non-zero weights", c, 4 * j,
						       4 * j + 3, nz);
				uint32_t i0, i1;
				pair_of(g, &i0, &i1);
				tile[((size_t)5 * q + 2 * h) * cols + c] = (uint8_t)g[i0];
				tile[((size_t)5 * q + 2 * h + 1) * cols + c] = (uint8_t)g[i1];
				irow[c] |= (uint8_t)(i0 << (4 * h) | i1 << (4 * h + 2));
			}
	}
	return 0;
}

int mote_cc_sparse_check_tile(const uint8_t *tile, uint32_t rows, uint32_t cols, uint32_t n_valid,
			      struct mote_cc_diag *diag)
{
	if (!tile || !rows || rows % 4 || !cols)
		return cc_fail(diag, MOTE_CC_EINVAL, "sparse tile of %u rows (a multiple of 4) and %u columns", rows, cols);
	for (uint32_t q = 0; q < rows / 4; q++)
		for (uint32_t c = 0; c < cols && c < n_valid; c++) {
			uint8_t b = tile[((size_t)5 * q + 4) * cols + c];
			for (uint32_t h = 0; h < 2; h++) {
				uint32_t i0 = b >> (4 * h) & 3u, i1 = b >> (4 * h + 2) & 3u;
				if (i0 >= i1)
					return cc_fail(diag, MOTE_CC_EINVAL,
						       "invalid sparse metadata: index row %u (buffer row %u of the tile), "
						       "column %u: weight rows %u and %u name elements %u and %u of group %u "
						       "(a pair must ascend)", q, 5 * q + 4, c, 4 * q + 2 * h, 4 * q + 2 * h + 1,
						       i0, i1, 2 * q + h);
			}
		}
	return 0;
}

int mote_cc_sparse_unpack_tile(const uint8_t *tile, uint32_t rows, uint32_t cols, int8_t *dense)
{
	if (!dense || mote_cc_sparse_check_tile(tile, rows, cols, cols, NULL) < 0)
		return MOTE_CC_EINVAL;
	memset(dense, 0, (size_t)2 * rows * cols);
	for (uint32_t r = 0; r < rows; r++)
		for (uint32_t c = 0; c < cols; c++) {
			uint32_t q = r / 4, s = r % 4;
			uint32_t idx = tile[((size_t)5 * q + 4) * cols + c] >> (2 * s) & 3u;
			dense[((size_t)4 * (r / 2) + idx) * cols + c] = (int8_t)tile[((size_t)5 * q + s) * cols + c];
		}
	return 0;
}
