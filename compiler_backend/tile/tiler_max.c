/* tiler_max.c: max pooling (mote_cc_conv.pool = MAX) on MATMUL ACC_MAX.
 *
 * The array holds one identity tile (W[r][r] = 1 for r < L = min(rows,
 * cols)), loaded once: a dense MATMUL then copies activation byte r of each
 * row to accumulator column r, and with ACCUMULATE | ACC_MAX keeps the
 * maximum.  Channels go in groups of L.  For each output-pixel tile (outer)
 * and channel group (inner), a "step":
 *   - per window tap (ky, kx): one LOAD of the tile's input pixels at that
 *     tap (one buffer row per output pixel, the group's channels), padding
 *     as the input type's minimum (PAD 0x80 int8, 0x00 uint8 through XOR_MSB,
 *     so it never wins a max);
 *   - per tap one MATMUL over the tile's pixels into one accumulator slot:
 *     the first written, the others ACCUMULATE | ACC_MAX;
 *   - one STORE: bias - in_zp (tiler_blob.c folds it like a convolution's,
 *     with weight sum 1), then the requantization the op asks for.
 * Useful MACs: one per channel per tap per output pixel (the diagonal of the
 * identity): K_VALID = 1, N_VALID = the group's channels, so the perf
 * counters agree with mote_cc_plan.macs_model = out_h*out_w*C*k_h*k_w.
 */
#include <string.h>

#include "tiler.h"

int tl_max_params(struct tl_params *p, struct mote_cc_diag *diag)
{
	const struct mote_geometry *g = &p->g;
	const struct mote_cc_conv *op = p->op;
	uint32_t R = g->rows, C = g->cols;
	if (!(g->features & MOTE_FEATURES_ACC_MAX_MASK))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "max pooling needs the ACC_MAX feature");
	uint64_t taps = (uint64_t)op->k_h * op->k_w;
	uint32_t a2 = half_or_all(g->abuf_depth);
	if (taps > g->abuf_depth)
		return cc_fail(diag, MOTE_CC_ENOSPC, "max pooling window of %llu taps: more than the %u activation rows",
			       (unsigned long long)taps, g->abuf_depth);
	p->maxpool = 1;
	p->lanes = min_u32(R, C);
	p->tile_ch = p->lanes;
	p->nt = div_up(op->out_c, p->lanes);
	p->kt = p->kt_real = p->kc = (uint32_t)taps;
	p->chunks = p->ng = p->groups = 1;
	/* the padding never wins: the smallest int8 the array sees */
	p->pad_byte = p->xor_msb ? 0x00 : 0x80;

	/* every tap of a pixel tile resident at once (half the buffer when it
	 * leaves room for one pixel per tap, else all of it) */
	uint32_t acap = taps <= a2 ? a2 : g->abuf_depth;
	uint32_t m_cap = min_u32(min_u32(acap / (uint32_t)taps, half_or_all(g->acc_depth)), ROW_FIELD_MAX);
	if (CC_NEVER(!m_cap))
		return cc_fail(diag, MOTE_CC_EINTERNAL, "no room for one pixel per tap");
	tl_pixel_tile(p, m_cap);
	if ((uint64_t)p->nbx * p->nby * p->nt > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "too many tiles");
	p->a_slot_rows = (uint32_t)taps * p->m_rows;
	p->w_slot_rows = R;
	p->c_slot_rows = p->m_rows;
	p->a_slots = min_u32(TL_MAX_ASLOTS, g->abuf_depth / p->a_slot_rows);
	p->w_slots = 1;
	p->c_slots = min_u32(TL_MAX_CSLOTS, g->acc_depth / p->c_slot_rows);
	p->bias_all = (uint64_t)p->nt * MOTE_BIAS_ROWS <= g->bbuf_depth;
	p->b_slots = p->bias_all ? 1 : min_u32(TL_MAX_BSLOTS, g->bbuf_depth / MOTE_BIAS_ROWS);
	if (CC_NEVER(!p->a_slots || !p->c_slots || !p->b_slots))
		return cc_fail(diag, MOTE_CC_EINTERNAL, "max pooling tiling left a buffer without a slot");
	p->rows_streamed = (uint64_t)p->oh * p->ow * p->nt * taps;
	p->weight_bytes = (size_t)R * C;
	size_t t;
	if (cc_mul_sz((size_t)p->nt * MOTE_BIAS_ROWS, 4u * (size_t)C, &t) || t > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "bias rows larger than 4 GiB");
	p->bias_bytes = t;
	return 0;
}

/* Step s: pixel tile s / nt (outer), channel group s % nt (inner). */
static int max_loads(struct tl_gen *x, uint32_t s)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	uint32_t mt = s / p->nt, grp = s % p->nt, aslot = s % p->a_slots;
	uint32_t ch0 = grp * p->lanes, cnt = min_u32(p->lanes, cv->out_c - ch0);
	for (uint32_t t = 0; t < p->kt; t++) {
		struct tl_ktile k = {.ky = t / cv->k_w, .kx0 = t % cv->k_w, .j0 = ch0, .cnt = cnt};
		int rc = tl_window_load(x, mt, k, aslot * p->a_slot_rows + t * p->m_rows,
					RES_ACT0 + aslot * TL_ASUB + t % TL_ASUB);
		if (rc)
			return rc;
	}
	return 0;
}

static int max_matmul(struct tl_gen *x, uint32_t s, uint32_t t, uint32_t cslot)
{
	const struct tl_params *p = x->p;
	uint32_t aslot = s % p->a_slots, ch0 = s % p->nt * p->lanes;
	int first = s == 0 && t == 0;
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_COMP, MOTE_OP_MATMUL, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, MATMUL, ACCUMULATE, t > 0);
	SETF(w, MATMUL, ACC_MAX, t > 0);
	SETF(w, MATMUL, LOAD_WEIGHTS, first); /* the identity stays for the whole operator */
	SETF(w, MATMUL, WGT_ROW, 0);
	SETF(w, MATMUL, ACT_ROW, aslot * p->a_slot_rows + t * p->m_rows);
	SETF(w, MATMUL, ACC_ROW, cslot * p->c_slot_rows);
	SETF(w, MATMUL, NROWS, tl_tile_pixels(p, s / p->nt));
	SETF(w, MATMUL, K_VALID, 1);
	SETF(w, MATMUL, N_VALID, min_u32(p->lanes, p->op->out_c - ch0));
	tl_op_access(op, RES_ACT0 + aslot * TL_ASUB + t % TL_ASUB, 0);
	if (first)
		tl_op_access(op, RES_WGT0, 0);
	tl_op_access(op, RES_ACC0 + cslot, 1);
	tl_finish_op(x);
	return 0;
}

/* Load order: the identity, [resident bias rows], [own taps], then the next
 * step's taps ahead of this step's MATMULs so they arrive while it computes. */
static int max_step(struct tl_gen *x, uint32_t s, uint32_t steps)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	uint32_t grp = s % p->nt, R = p->g.rows, C = p->g.cols;
	int rc;
	if (s == 0 && (rc = tl_blob_load(x, MOTE_BUF_WGT, x->a->weights, 0, R, C, RES_WGT0)))
		return rc;
	uint32_t brow = grp * MOTE_BIAS_ROWS;
	unsigned bres = RES_BIAS_ALL;
	if (p->bias_all && s == 0 && (rc = tl_bias_load(x, 0, p->nt, 0, RES_BIAS_ALL)))
		return rc;
	if (!p->bias_all) {
		uint32_t b = x->b_next++ % p->b_slots;
		brow = b * MOTE_BIAS_ROWS;
		bres = RES_BIAS0 + b;
		if ((rc = tl_bias_load(x, grp, 1, brow, bres)))
			return rc;
	}
	if ((s == 0 || p->a_slots == 1) && (rc = max_loads(x, s)))
		return rc;
	if (p->a_slots > 1 && s + 1 < steps && (rc = max_loads(x, s + 1)))
		return rc;
	uint32_t cslot = x->c_next++ % p->c_slots;
	for (uint32_t t = 0; t < p->kt; t++)
		if ((rc = max_matmul(x, s, t, cslot)))
			return rc;
	uint32_t ch0 = grp * p->lanes;
	return tl_tile_store(x, s / p->nt, ch0, min_u32(p->lanes, cv->out_c - ch0), cslot, 0, RES_ACC0 + cslot, brow,
			     bres);
}

int tl_max_gen(struct tl_gen *x)
{
	const struct tl_params *p = x->p;
	uint32_t steps = p->nt * p->nbx * p->nby; /* tl_max_params checked the product */
	int rc = 0;
	for (uint32_t s = 0; !rc && s < steps; s++)
		rc = max_step(x, s, steps);
	return rc;
}

/* One rows x cols tile: 1 on the diagonal of the first min(rows, cols) rows. */
void tl_max_write_weights(const struct tl_params *p, uint8_t *dst)
{
	uint32_t C = p->g.cols;
	memset(dst, 0, p->weight_bytes);
	for (uint32_t r = 0; r < p->lanes; r++)
		dst[(size_t)r * C + r] = 1;
}
