/* tiler_prim.c: the primitives every tiler variant builds on (see tiler.h):
 * the operation list and its dependency tracking (tl_new_op, tl_op_access,
 * tl_finish_op), the commands shared by the variants (blob and bias LOADs,
 * the activation LOAD of a window position, the STOREs of the output), and
 * the geometry of reduction tiles and output-pixel tiles.  Each command is
 * encoded through the generated field accessors with range checks: a value
 * that does not fit its field is an error, never truncated.
 *
 * It calls no other file of tile/: the variants (tiler_gen.c, tiler_dw.c,
 * tiler_gsum.c, tiler_max.c) call it, never the reverse.
 */
#include <stdlib.h>
#include <string.h>

#include "tiler.h"

struct mtile {
	uint32_t oy0, ny, ox0, nx, m;
};

static struct mtile mtile_of(const struct tl_params *p, uint32_t mt)
{
	struct mtile t;
	uint32_t by = mt / p->nbx, bx = mt % p->nbx;
	t.oy0 = by * p->noy;
	t.ny = p->oh - t.oy0 < p->noy ? p->oh - t.oy0 : p->noy;
	t.ox0 = bx * p->nox;
	t.nx = p->ow - t.ox0 < p->nox ? p->ow - t.ox0 : p->nox;
	t.m = t.ny * t.nx;
	return t;
}

uint32_t tl_tile_pixels(const struct tl_params *p, uint32_t mt) { return mtile_of(p, mt).m; }

struct tl_ktile tl_ktile(const struct tl_params *p, uint32_t t)
{
	t %= p->kt_real; /* a correction pass reads the same input tiles */
	uint32_t s = t / p->tiles_per_seg;
	struct tl_ktile k;
	k.ky = s / p->seg_per_ky;
	k.kx0 = s % p->seg_per_ky;
	k.j0 = (t % p->tiles_per_seg) * p->kr;
	k.cnt = min_u32(p->kr, p->seg_len - k.j0);
	return k;
}

void tl_pixel_tile(struct tl_params *p, uint32_t m_cap)
{
	if (p->ow > m_cap) {
		p->nbx = div_up(p->ow, m_cap);
		p->nox = div_up(p->ow, p->nbx);
		p->noy = 1;
		p->nby = p->oh;
	} else {
		p->nox = p->ow;
		p->nbx = 1;
		uint32_t noy_max = m_cap / p->ow;
		p->nby = div_up(p->oh, noy_max);
		p->noy = div_up(p->oh, p->nby);
	}
	p->m_rows = p->nox * p->noy;
}

static int grow(struct tl_gen *x)
{
	struct tl_ops *o = x->ops;
	if (o->n < o->cap)
		return 0;
	size_t cap = o->cap ? o->cap * 2 : 256, bytes;
	if (cap < o->cap || cc_mul_sz(cap, sizeof *o->v, &bytes))
		return cc_fail(x->diag, MOTE_CC_ENOMEM, "operation list too long");
	struct tl_op *v = realloc(o->v, bytes);
	if (!v)
		return cc_fail(x->diag, MOTE_CC_ENOMEM, "out of memory for %zu operations", cap);
	o->v = v;
	o->cap = cap;
	return 0;
}

/* Start a new operation of queue q with the given opcode; *out points at it. */
int tl_new_op(struct tl_gen *x, int q, unsigned opcode, struct tl_op **out)
{
	int rc = grow(x);
	if (rc)
		return rc;
	struct tl_op *op = &x->ops->v[x->ops->n];
	memset(op, 0, sizeof *op);
	op->q = (uint8_t)q;
	MOTE_CMD_SET(op->w, HDR, OPCODE, opcode);
	*out = op;
	return 0;
}

void tl_op_access(struct tl_op *op, unsigned res, int wr)
{
	op->res[op->nres] = (uint8_t)res;
	op->wr[op->nres] = (uint8_t)wr;
	op->nres++;
}

/* Derive op's dependencies from the resource state, then record its accesses:
 * read-after-write on the last writer, write-after-write and write-after-read
 * on the last writer and readers, each only across queues (a queue is in
 * order). */
void tl_finish_op(struct tl_gen *x)
{
	struct tl_ops *o = x->ops;
	int32_t idx = (int32_t)o->n;
	struct tl_op *op = &o->v[idx];
	for (int q = 0; q < TQ_N; q++)
		op->dep[q] = -1;
	for (unsigned i = 0; i < op->nres; i++) {
		unsigned r = op->res[i];
		int32_t lw = o->last_writer[r];
		if (lw >= 0 && o->v[lw].q != op->q && lw > op->dep[o->v[lw].q])
			op->dep[o->v[lw].q] = lw;
		if (op->wr[i])
			for (int q = 0; q < TQ_N; q++)
				if (q != op->q && o->last_reader[r][q] > op->dep[q])
					op->dep[q] = o->last_reader[r][q];
	}
	for (unsigned i = 0; i < op->nres; i++) {
		unsigned r = op->res[i];
		if (op->wr[i]) {
			o->last_writer[r] = idx;
			for (int q = 0; q < TQ_N; q++)
				o->last_reader[r][q] = -1;
		} else {
			o->last_reader[r][op->q] = idx;
		}
	}
	op->qpos = o->qcount[op->q]++;
	o->n++;
}

/* One LOAD of n contiguous source rows of src_bytes (pair: weight row pairs). */
static int blob_rows(struct tl_gen *x, unsigned dst, uint32_t addr, uint32_t buf_row, uint32_t n,
		     uint32_t src_bytes, int pair, unsigned res)
{
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_LOAD, MOTE_OP_LOAD, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, LOAD, DST, dst);
	SETF(w, LOAD, W_PAIR, pair);
	SETF(w, LOAD, ADDR0, addr);
	SETF(w, LOAD, HEIGHT, 1);
	SETF(w, LOAD, SX, src_bytes);
	SETF(w, LOAD, WIDTH, (uint64_t)n * src_bytes);
	SETF(w, LOAD, N_INNER, n);
	SETF(w, LOAD, N_OUTER, 1);
	SETF(w, LOAD, BUF_ROW, buf_row);
	SETF(w, LOAD, COUNT, src_bytes);
	tl_op_access(op, res, 1);
	tl_finish_op(x);
	return 0;
}

/* LOAD of n_rows contiguous rows of row_bytes from a blob into a buffer.
 * Weight rows on a device with W_PAIR come two per source row (a memory
 * word each where single rows take a word each), an odd last row by a LOAD
 * of its own. */
int tl_blob_load(struct tl_gen *x, unsigned dst, uint32_t addr, uint32_t buf_row, uint32_t n_rows,
		 uint32_t row_bytes, unsigned res)
{
	if (dst != MOTE_BUF_WGT || !(x->p->g.features & MOTE_FEATURES_W_PAIR_MASK) || n_rows < 2)
		return blob_rows(x, dst, addr, buf_row, n_rows, row_bytes, 0, res);
	uint32_t pairs = n_rows / 2;
	int rc = blob_rows(x, dst, addr, buf_row, pairs, 2 * row_bytes, 1, res);
	if (rc == 0 && n_rows % 2)
		rc = blob_rows(x, dst, addr + 2 * pairs * row_bytes, buf_row + 2 * pairs, 1, row_bytes, 0, res);
	return rc;
}

int tl_bias_load(struct tl_gen *x, uint32_t n_first, uint32_t n_tiles, uint32_t buf_row, unsigned res)
{
	const struct tl_params *p = x->p;
	uint32_t row_bytes = 4u * p->g.cols;
	uint64_t off = (uint64_t)n_first * MOTE_BIAS_ROWS * row_bytes;
	return tl_blob_load(x, MOTE_BUF_BIAS, (uint32_t)(x->a->bias + off), buf_row, n_tiles * MOTE_BIAS_ROWS,
			    row_bytes, res);
}

/* Activation LOAD of window position k for pixel tile mt into rows starting
 * at buf_row: outer rows walk output rows (oy), inner rows output columns
 * (ox); per-byte x bounds and the y bound produce the padding. */
/* The LOAD of tl_window_load; with hi != 0 (LOAD HI_ROWS) k.cnt bytes up to
 * 2*rows, the second rows bytes to the rows hi on, which are resource res_hi. */
static int window_load(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t buf_row, unsigned res,
		       uint32_t hi, unsigned res_hi)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	struct mtile m = mtile_of(p, mt);
	int64_t pitch = (int64_t)cv->in_w * cv->in_c;
	int64_t y_first = (int64_t)m.oy0 * cv->stride_h + (int64_t)k.ky * cv->dil_h - cv->pad_top;
	int64_t y_last = y_first + (int64_t)(m.ny - 1) * cv->stride_h;
	int64_t xb_first = ((int64_t)m.ox0 * cv->stride_w + (int64_t)k.kx0 * cv->dil_w - cv->pad_left) * cv->in_c + k.j0;
	/* Y0 and HEIGHT are relative to ybase so large images fit the 16-bit fields. */
	int64_t ybase = y_first > 0 ? y_first : 0;
	int64_t height = (int64_t)cv->in_h - ybase;
	if (height < 0)
		height = 0;
	if (height > 65535) {
		if (y_last - ybase >= 65535)
			return cc_fail(x->diag, MOTE_CC_ERANGE, "a pixel tile spans more than 65535 input rows");
		height = 65535;
	}
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_LOAD, MOTE_OP_LOAD, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	uint32_t addr0 = x->a->input + (uint32_t)(uint64_t)(y_first * pitch + xb_first); /* mod 2^32 */
	SETF(w, LOAD, DST, MOTE_BUF_ACT);
	SETF(w, LOAD, XOR_MSB, p->xor_msb);
	SETF(w, LOAD, ADDR0, addr0);
	SETF(w, LOAD, OUTER_STEP, m.ny > 1 ? (int64_t)cv->stride_h * pitch : 0);
	SETF(w, LOAD, Y0, y_first - ybase);
	SETF(w, LOAD, SY, m.ny > 1 ? cv->stride_h : 0);
	SETF(w, LOAD, X0, xb_first);
	SETF(w, LOAD, SX, m.nx > 1 ? (int64_t)cv->stride_w * cv->in_c : 0);
	SETF(w, LOAD, HEIGHT, height);
	SETF(w, LOAD, WIDTH, pitch);
	SETF(w, LOAD, N_INNER, m.nx);
	SETF(w, LOAD, N_OUTER, m.ny);
	SETF(w, LOAD, BUF_ROW, buf_row);
	SETF(w, LOAD, COUNT, k.cnt);
	SETF(w, LOAD, PAD, p->pad_byte);
	SETF(w, LOAD, HI_ROWS, hi);
	tl_op_access(op, res, 1);
	if (hi && res_hi != res)
		tl_op_access(op, res_hi, 1);
	tl_finish_op(x);
	return 0;
}

int tl_window_load(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t buf_row, unsigned res)
{
	return window_load(x, mt, k, buf_row, res, 0, res);
}

int tl_window_load_pair(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t buf_row, unsigned res,
			uint32_t hi, unsigned res_hi)
{
	return window_load(x, mt, k, buf_row, res, hi, res_hi);
}

/* The fused add of the operator (if any) into STORE w, at byte offset off. */
static int tl_store_add(struct tl_gen *x, uint32_t *w, uint64_t off)
{
	const struct mote_cc_add *ad = &x->p->op->add;
	if (!ad->on)
		return 0;
	SETF(w, STORE, ADD, 1);
	SETF(w, STORE, ADD_U8, ad->type == MOTE_CC_UINT8);
	SETF(w, STORE, ADD_ADDR0, (uint32_t)(x->a->operand + off));
	SETF(w, STORE, ADD_MULT_A, ad->mult_a);
	SETF(w, STORE, ADD_MULT_B, ad->mult_b);
	SETF(w, STORE, ADD_ZP, ad->zp);
	SETF(w, STORE, ADD_OUT_ZP, ad->sum_zp);
	SETF(w, STORE, ADD_LO, ad->lo);
	SETF(w, STORE, ADD_HI, ad->hi);
	SETF(w, STORE, ADD_SHIFT, ad->shift);
	return 0;
}

int tl_emit_store(struct tl_gen *x, const struct tl_store *s)
{
	const struct mote_cc_conv *cv = x->p->op;
	int requant = cv->out_type != MOTE_CC_INT32;
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_STORE, MOTE_OP_STORE, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, STORE, INT32, !requant);
	SETF(w, STORE, ROUND_TFL, requant && cv->round_tfl);
	SETF(w, STORE, ACC_ROW, s->acc_row);
	SETF(w, STORE, BIAS_ROW, s->bias_row);
	SETF(w, STORE, N_INNER, s->n_inner);
	SETF(w, STORE, N_OUTER, s->n_outer);
	SETF(w, STORE, ADDR0, (uint32_t)(x->a->output + s->off));
	SETF(w, STORE, INNER_STRIDE, s->n_inner > 1 ? (int64_t)s->inner_step : 0);
	SETF(w, STORE, OUTER_STRIDE, s->n_outer > 1 ? (int64_t)s->outer_step : 0);
	SETF(w, STORE, NCOLS, s->ncols);
	SETF(w, STORE, OUT_ZP, requant ? cv->out_zp : 0);
	SETF(w, STORE, CLAMP_LO, requant ? cv->clamp_lo : 0);
	SETF(w, STORE, CLAMP_HI, requant ? cv->clamp_hi : 0);
	if ((rc = tl_store_add(x, w, s->off)))
		return rc;
	tl_op_access(op, s->acc_res, 0);
	tl_op_access(op, s->bias_res, 0);
	tl_finish_op(x);
	return 0;
}

int tl_dw_matmul(struct tl_gen *x, const struct tl_dw_mm *m)
{
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_COMP, MOTE_OP_MATMUL, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, MATMUL, DEPTHWISE, 1);
	SETF(w, MATMUL, DW_STRIDE, m->stride);
	SETF(w, MATMUL, DW_KEEP, m->keep);
	SETF(w, MATMUL, DW_DROP, m->drop);
	SETF(w, MATMUL, ACCUMULATE, m->accumulate);
	SETF(w, MATMUL, LOAD_WEIGHTS, m->load_weights);
	SETF(w, MATMUL, WGT_ROW, m->wgt_row);
	SETF(w, MATMUL, ACT_ROW, m->act_row);
	SETF(w, MATMUL, ACC_ROW, m->acc_row);
	SETF(w, MATMUL, NROWS, m->nrows);
	SETF(w, MATMUL, K_VALID, m->kv);
	SETF(w, MATMUL, N_VALID, m->nv);
	tl_op_access(op, RES_ACT0 + m->aslot * TL_ASUB, 0);
	if (m->load_weights) /* only a weight-loading MATMUL reads the weight buffer */
		tl_op_access(op, m->wres, 0);
	tl_op_access(op, RES_ACC0 + m->cslot, 1);
	tl_finish_op(x);
	return 0;
}

int tl_tile_store(struct tl_gen *x, uint32_t mt, uint32_t ch0, uint32_t ncols, uint32_t cslot, uint32_t acc_row,
		  unsigned acc_res, uint32_t bias_row, unsigned bias_res)
{
	const struct tl_params *p = x->p;
	uint64_t oc = p->op->out_c, es = p->esize;
	struct mtile m = mtile_of(p, mt);
	struct tl_store s = {.acc_row = cslot * p->c_slot_rows + acc_row, .bias_row = bias_row, .n_inner = m.nx,
			     .n_outer = m.ny, .ncols = ncols, .off = (((uint64_t)m.oy0 * p->ow + m.ox0) * oc + ch0) * es,
			     .inner_step = oc * es, .outer_step = (uint64_t)p->ow * oc * es, .acc_res = acc_res,
			     .bias_res = bias_res};
	return tl_emit_store(x, &s);
}

void tl_ops_free(struct tl_ops *ops)
{
	free(ops->v);
	ops->v = NULL;
	ops->n = ops->cap = 0;
}
