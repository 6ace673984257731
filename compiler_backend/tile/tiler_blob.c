/* tiler_blob.c: the dense variant's weight blob (pre-tiled in the order the
 * weight LOADs read it; the other variants write their own) and the bias
 * blob of every variant (BIAS_ROWS rows per output tile).
 *
 * Weights: tile (n, t) for output tile n, reduction tile t is `rows` rows of
 * `cols` bytes, row r = reduction index r of the tile, zero where the tile
 * runs past the segment or past out_c; tiles are stored n-major, t-minor.
 *
 * Bias: per output tile (tile_ch channels: cols, or the lanes of a
 * depthwise channel group), row 0 = bias'[c], row 1 = mult[c], row 2 =
 * shift[c], int32 little-endian, zero for columns past out_c or tile_ch (and
 * mult/shift zero for int32 output).  The array has no zero-point hardware, so the activation
 * zero point is folded in: bias'[n] = bias[n] - za * sum_k w[k][n] (int32
 * wrapping), with za the zero point as the array sees it (in_zp - 128 for
 * uint8 input, which LOAD XOR_MSB turns into int8).  Max pooling's identity
 * weights sum to 1: bias'[n] = bias[n] - za, since max(x) - za = max(x - za).
 */
#include <stdlib.h>
#include <string.h>

#include "tiler.h"

/* Sparse (p->sparse): each tile is first laid out dense, 2*rows reduction
 * elements, then compressed (mote_cc_sparse_pack_tile) into wt_rows rows.
 * tl_params_init checked the pattern, so packing cannot fail. */
static void write_sparse(const struct tl_params *p, uint8_t *dst)
{
	const struct mote_cc_conv *cv = p->op;
	uint32_t C = p->g.cols;
	int8_t dense[2 * 252 * 255]; /* a tile: rows <= 252 (a multiple of 4), cols <= 255 */
	memset(dst, 0, p->weight_bytes);
	for (uint32_t n = 0; n < p->nt; n++)
		for (uint32_t t = 0; t < p->kt; t++) {
			struct tl_ktile k = tl_ktile(p, t);
			memset(dense, 0, (size_t)p->kr * C);
			for (uint32_t r = 0; r < k.cnt; r++) {
				uint32_t j = k.j0 + r;
				uint32_t kx = p->seg_per_ky == 1 ? j / cv->in_c : k.kx0;
				uint32_t ci = p->seg_per_ky == 1 ? j % cv->in_c : j;
				const int8_t *src = cv->weights + (((size_t)k.ky * cv->k_w + kx) * cv->in_c + ci) * cv->out_c;
				for (uint32_t c = 0; c < C && (size_t)n * C + c < cv->out_c; c++)
					dense[(size_t)r * C + c] = src[(size_t)n * C + c];
			}
			uint8_t *out = dst + ((size_t)n * p->kt + t) * p->wt_rows * C;
			if (CC_NEVER(mote_cc_sparse_pack_tile(dense, p->g.rows, C, out, NULL) < 0))
				memset(out, 0, (size_t)p->wt_rows * C);
		}
}

void tl_dense_write_weights(const struct tl_params *p, uint8_t *dst)
{
	if (p->sparse) {
		write_sparse(p, dst);
		return;
	}
	const struct mote_cc_conv *cv = p->op;
	uint32_t R = p->g.rows, C = p->g.cols;
	size_t tile = (size_t)R * C;
	memset(dst, 0, p->weight_bytes);
	for (uint32_t n = 0; n < p->nt; n++)
		for (uint32_t t = 0; t < p->kt; t++) {
			struct tl_ktile k = tl_ktile(p, t);
			uint8_t *out = dst + ((size_t)n * p->kt + t) * tile;
			uint32_t pass = t / p->kt_real;
			for (uint32_t r = 0; r < k.cnt; r++) {
				if (pass) { /* correction pass: the constant, for every valid column */
					for (uint32_t c = 0; c < C && (size_t)n * C + c < cv->out_c; c++)
						out[(size_t)r * C + c] = (uint8_t)(int8_t)p->corr[pass - 1];
					continue;
				}
				uint32_t j = k.j0 + r;
				uint32_t kx = p->seg_per_ky == 1 ? j / cv->in_c : k.kx0;
				uint32_t ci = p->seg_per_ky == 1 ? j % cv->in_c : j;
				const int8_t *src = cv->weights +
					(((size_t)k.ky * cv->k_w + kx) * cv->in_c + ci) * cv->out_c;
				for (uint32_t c = 0; c < C && (size_t)n * C + c < cv->out_c; c++)
					out[(size_t)r * C + c] =
						(uint8_t)(cc_byte_value(cv->w_type, (uint8_t)src[(size_t)n * C + c]) - p->w_off);
			}
		}
}

void tl_write_bias(const struct tl_params *p, uint8_t *dst)
{
	const struct mote_cc_conv *cv = p->op;
	uint32_t C = p->g.cols, per = p->tile_ch;
	size_t row = 4u * (size_t)C;
	size_t kall = (size_t)cv->k_h * cv->k_w * (cv->in_c / cc_groups(cv)); /* weights per output channel */
	int64_t za = cv->in_zp - (cv->in_type == MOTE_CC_UINT8 ? 128 : 0);
	int requant = cv->out_type != MOTE_CC_INT32;
	memset(dst, 0, p->bias_bytes);
	for (uint32_t o = 0; o < cv->out_c; o++) {
		int64_t sum = 0;
		for (size_t k = 0; !p->maxpool && k < kall; k++) /* the weights as the array holds them */
			sum += cc_byte_value(cv->w_type, (uint8_t)cv->weights[k * cv->out_c + o]) - p->w_off;
		sum += p->maxpool ? 1 : (int64_t)kall * (p->w_off - cv->w_zp); /* identity; correction passes */
		int64_t b = (cv->bias ? cv->bias[o] : 0) - za * sum;
		uint8_t *tile = dst + (size_t)(o / per) * MOTE_BIAS_ROWS * row;
		size_t c = o % per;
		cc_put_le32(tile + 4 * c, (uint32_t)(uint64_t)b); /* int32 wrapping */
		cc_put_le32(tile + row + 4 * c, requant ? (uint32_t)cv->mult[o] : 0);
		cc_put_le32(tile + 2 * row + 4 * c, requant ? (uint32_t)cv->shift[o] : 0);
	}
}
