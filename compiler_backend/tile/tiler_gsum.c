/* tiler_gsum.c: global sums (a depthwise convolution with all-ones weights
 * whose window is the whole input: global average pooling) on MATMUL
 * DEPTHWISE: a variant of its own (see tiler.h), whose tiling tl_dw_params
 * chooses after the depthwise checks.
 *
 * The window's pixels can be summed in any order, so the input is not
 * streamed column by column (one MATMUL per kernel column and channel group,
 * a column-major LOAD of short rows) but as plain rows, one pixel's channels
 * per row.  Channel groups of L = min(rows, cols) lanes go in batches of nb
 * groups with the same channel count (the full groups, then the partial one
 * alone); the pixels in chunks of COLS.  Per batch and chunk k (a "step"):
 *   - ONE LOAD: rows g*COLS + j (g < nb outer, j < COLS inner) hold pixel
 *     k*COLS + j of group g; pixels past the last are PAD bytes that reach
 *     the array as 0 (PAD 0, or 0x80 with XOR_MSB): the bias -n*zx accounts
 *     for the zero point of the n real pixels only, and a raw 0 adds nothing;
 *   - ONE DEPTHWISE MATMUL over the nb*COLS rows with DW_STRIDE = COLS:
 *     output n = g*COLS is the sum of group g's COLS rows per lane and goes
 *     to accumulator row g of the batch (chunk 0 written, the others
 *     ACCUMULATE).  K_VALID = the batch's channels per group, N_VALID = the
 *     chunk's real pixels, so the useful MACs are n per channel, as counted;
 *   - after the last chunk, ONE STORE of the batch's nb rows: one bias tile
 *     serves every group when bias, mult and shift are the same for every
 *     channel (a pool); else batches are one group each, every group's bias
 *     rows resident (when they fit; else tiler_dw.c's mapping).
 * ONE weight tile (lane r: COLS ones) serves the whole operator.  Pools with
 * real windows stay on tiler_dw.c's mapping.
 */
#include <string.h>

#include "tiler.h"

/* Every channel's bias, and with requantization mult and shift, equal. */
static int same_params(const struct mote_cc_conv *op)
{
	int requant = op->out_type != MOTE_CC_INT32;
	for (uint32_t o = 1; o < op->out_c; o++)
		if ((op->bias && op->bias[o] != op->bias[0]) ||
		    (requant && (op->mult[o] != op->mult[0] || op->shift[o] != op->shift[0])))
			return 0;
	return 1;
}

int tl_gsum_applies(const struct tl_params *p)
{
	const struct mote_cc_conv *op = p->op;
	if (p->oh != 1 || p->ow != 1 || op->k_h != op->in_h || op->k_w != op->in_w || op->pad_top ||
	    op->pad_left || op->pad_bottom || op->pad_right || op->in_c > INT16_MAX) /* in_c: LOAD.SX */
		return 0;
	if (!same_params(op) && (uint64_t)p->nt * MOTE_BIAS_ROWS > p->g.bbuf_depth)
		return 0; /* every group's own bias rows, resident */
	size_t n = (size_t)op->k_h * op->k_w * op->out_c;
	for (size_t i = 0; i < n; i++)
		if (op->weights[i] != 1)
			return 0;
	return 1;
}

/* After tl_dw_params' checks and lanes, nt: batches, slots and sizes.  A
 * batch is as many groups as half the activation buffer holds chunks of
 * (all of it if one is all that fits) and the accumulator reaches: a
 * MATMUL is range-checked as if its stride were 1, (nb-1)*COLS + 1 rows. */
int tl_gsum_params(struct tl_params *p, struct mote_cc_diag *diag)
{
	const struct mote_geometry *g = &p->g;
	const struct mote_cc_conv *op = p->op;
	uint32_t R = g->rows, C = g->cols;
	uint32_t full = op->out_c / p->lanes;
	uint32_t a_cap = g->abuf_depth >= 2 * C ? g->abuf_depth / 2 : g->abuf_depth;
	uint32_t by_act = a_cap / C, by_acc = (g->acc_depth - 1) / C + 1;
	p->gsum_same = same_params(op);
	uint32_t nb = min_u32(full && p->gsum_same ? full : 1, min_u32(by_act, by_acc));
	if (!nb)
		return cc_fail(diag, MOTE_CC_ENOSPC, "activation buffer (%u rows) holds less than %u rows",
			       g->abuf_depth, C);
	p->gsum = 1;
	p->gsum_nb = nb;
	p->gsum_full_batches = div_up(full, nb);
	p->gsum_batches = p->gsum_full_batches + (op->out_c % p->lanes != 0);
	p->gsum_chunks = div_up(op->in_h * op->in_w, C); /* conv_check: < 2^32 input bytes */
	if ((uint64_t)p->gsum_batches * p->gsum_chunks > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "too many tiles");
	p->kt = p->kt_real = p->kc = 1;
	p->chunks = p->ng = p->groups = 1;
	p->nox = p->noy = p->nbx = p->nby = 1;
	p->row_groups = 1;
	p->group_taps = C;
	p->extra_rows = 0;
	p->nrows = nb * C;
	p->m_rows = 1;
	p->a_slot_rows = nb * C;
	p->w_slot_rows = R;
	p->c_slot_rows = nb;
	uint32_t reach = (nb - 1) * C + 1;
	p->a_slots = min_u32(TL_MAX_ASLOTS, g->abuf_depth / p->a_slot_rows);
	p->w_slots = 1;
	p->c_slots = min_u32(TL_MAX_CSLOTS, 1 + (g->acc_depth - reach) / nb);
	p->bias_all = 1; /* tile 0 serves every channel, or (nb = 1) every tile resident */
	p->b_slots = 1;
	if (CC_NEVER(!p->a_slots || g->wbuf_depth < R || reach > g->acc_depth || g->bbuf_depth < MOTE_BIAS_ROWS))
		return cc_fail(diag, MOTE_CC_EINTERNAL, "global-sum tiling left a buffer without a slot");
	p->rows_streamed = (uint64_t)p->nt * p->gsum_chunks * C;
	p->weight_bytes = (size_t)R * C;
	p->bias_bytes = (size_t)p->nt * MOTE_BIAS_ROWS * 4u * C;
	if (p->bias_bytes > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "bias rows larger than 4 GiB");
	return 0;
}

/* Step s: batch s / chunks, chunk s % chunks. */
struct gs_step {
	uint32_t ch0, ng, cnt; /* first channel, groups, channels per group */
	uint32_t k, real;      /* chunk, its real pixels */
	uint32_t aslot;
};

static struct gs_step gs_step_of(const struct tl_params *p, uint32_t s)
{
	const struct mote_cc_conv *cv = p->op;
	uint32_t b = s / p->gsum_chunks, C = p->g.cols, npix = cv->in_h * cv->in_w;
	struct gs_step t;
	t.ch0 = b * p->gsum_nb * p->lanes;
	if (b < p->gsum_full_batches) {
		t.ng = min_u32(p->gsum_nb, cv->out_c / p->lanes - b * p->gsum_nb);
		t.cnt = p->lanes;
	} else { /* the partial group */
		t.ng = 1;
		t.cnt = cv->out_c - t.ch0;
	}
	t.k = s % p->gsum_chunks;
	t.real = min_u32(C, npix - t.k * C);
	t.aslot = s % p->a_slots;
	return t;
}

/* X0 counts bytes of the whole image from pixel 0 (without the channel
 * offset, which is ADDR0's and OUTER_STEP's), so rows past the last pixel
 * fail the WIDTH bound and come out as PAD. */
static int gs_act_load(struct tl_gen *x, uint32_t s)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	struct gs_step t = gs_step_of(p, s);
	uint64_t x0 = (uint64_t)t.k * p->g.cols * cv->in_c;
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_LOAD, MOTE_OP_LOAD, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, LOAD, DST, MOTE_BUF_ACT);
	SETF(w, LOAD, XOR_MSB, p->xor_msb);
	SETF(w, LOAD, ADDR0, x->a->input + (uint32_t)(x0 + t.ch0));
	SETF(w, LOAD, OUTER_STEP, p->lanes);
	SETF(w, LOAD, SY, 1);
	SETF(w, LOAD, HEIGHT, t.ng);
	SETF(w, LOAD, X0, x0);
	SETF(w, LOAD, SX, cv->in_c);
	SETF(w, LOAD, WIDTH, (uint64_t)cv->in_h * cv->in_w * cv->in_c);
	SETF(w, LOAD, N_INNER, p->g.cols);
	SETF(w, LOAD, N_OUTER, t.ng);
	SETF(w, LOAD, BUF_ROW, t.aslot * p->a_slot_rows);
	SETF(w, LOAD, COUNT, t.cnt);
	SETF(w, LOAD, PAD, p->xor_msb ? 0x80 : 0x00); /* 0 in the buffer */
	tl_op_access(op, RES_ACT0 + t.aslot * TL_ASUB, 1);
	tl_finish_op(x);
	return 0;
}

static int gs_matmul(struct tl_gen *x, const struct gs_step *t, uint32_t cslot, int first)
{
	const struct tl_params *p = x->p;
	uint32_t C = p->g.cols;
	struct tl_dw_mm m = {.stride = C, .accumulate = t->k > 0, .load_weights = (uint32_t)first,
			     .act_row = t->aslot * p->a_slot_rows, .acc_row = cslot * p->c_slot_rows,
			     .nrows = t->ng * C, .kv = t->cnt, .nv = t->real, .aslot = t->aslot, .wres = RES_WGT0,
			     .cslot = cslot};
	return tl_dw_matmul(x, &m);
}

static int gs_store(struct tl_gen *x, const struct gs_step *t, uint32_t cslot)
{
	const struct tl_params *p = x->p;
	/* one row per channel group of the batch, at the group's channels */
	struct tl_store s = {.acc_row = cslot * p->c_slot_rows,
			     .bias_row = p->gsum_same ? 0 : t->ch0 / p->lanes * MOTE_BIAS_ROWS, .n_inner = t->ng,
			     .n_outer = 1, .ncols = t->cnt, .off = (uint64_t)t->ch0 * p->esize,
			     .inner_step = (uint64_t)p->lanes * p->esize, .acc_res = RES_ACC0 + cslot,
			     .bias_res = RES_BIAS_ALL};
	return tl_emit_store(x, &s);
}

/* Load order: the weight tile, the bias rows of tile 0, the activations of
 * as many steps as the slots hold; then per step the activations a_slots-1
 * steps ahead, so loads run ahead of the MATMULs (with one slot: none). */
int tl_gsum_gen(struct tl_gen *x)
{
	const struct tl_params *p = x->p;
	uint32_t steps = p->gsum_batches * p->gsum_chunks; /* tl_gsum_params checked the product */
	uint32_t ahead = p->a_slots - 1, cslot = 0;
	int rc;
	if ((rc = tl_blob_load(x, MOTE_BUF_WGT, x->a->weights, 0, p->g.rows, p->g.cols, RES_WGT0)) ||
	    (rc = tl_bias_load(x, 0, p->gsum_same ? 1 : p->nt, 0, RES_BIAS_ALL)))
		return rc;
	for (uint32_t s = 0; s < min_u32(ahead, steps); s++)
		if ((rc = gs_act_load(x, s)))
			return rc;
	for (uint32_t s = 0; s < steps; s++) {
		struct gs_step t = gs_step_of(p, s);
		if (s + ahead < steps && (rc = gs_act_load(x, s + ahead)))
			return rc;
		if (t.k == 0)
			cslot = x->c_next++ % p->c_slots;
		if ((rc = gs_matmul(x, &t, cslot, s == 0)))
			return rc;
		if (t.k + 1 == p->gsum_chunks && (rc = gs_store(x, &t, cslot)))
			return rc;
	}
	return 0;
}

/* One tile: lane r < L holds COLS ones; rows past L are zero. */
void tl_gsum_write_weights(const struct tl_params *p, uint8_t *dst)
{
	memset(dst, 0, p->weight_bytes);
	memset(dst, 1, (size_t)p->lanes * p->g.cols);
}
