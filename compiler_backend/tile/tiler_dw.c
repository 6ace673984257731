/* tiler_dw.c: depthwise convolutions (groups == in_c == out_c) on MATMUL
 * DEPTHWISE: lane r of the array correlates channel r down one image column
 * with a 1-D kernel of up to `cols` taps (mote_hw.spec).
 *
 * Tiling.  The L = min(rows, cols) lanes take a channel group of L channels.
 * A pixel tile is noy output rows x nox output columns (all of out_w, and as
 * many rows as fit; only when one whole output row does not fit is out_w
 * split, one output row per tile).  For channel group g and a pixel tile
 * (a "step"):
 *   - ONE LOAD fills the activation slot column-major: buffer row
 *     slot + o*LEN + m holds input column ix0 + o, input row iy0 + m for the
 *     group's channels, LEN = NROWS + extra_rows, NROWS = (ny-1)*stride_h +
 *     cols (extra_rows: kernel-row groups, below).  The LOAD's outer
 *     bound is the x bound (Y0 = ix0, SY = 1, HEIGHT = in_w) and its inner
 *     bound the y bound (X0 = iy0*pitch + ch0, SX = pitch, WIDTH =
 *     in_h*pitch), so padding rows and columns, and the tail rows past the
 *     kernel span, come out as PAD (the input zero point);
 *   - per kernel column kx, per kernel-row group q, per output column x: one
 *     MATMUL over input column x*stride_w + kx*dil_w, starting q*T*dil_h
 *     rows down it, with the weight tile (g, kx, q): lane r's weight row
 *     holds kernel[ky][kx] at byte (ky - q*T)*dil_h for the group's T kernel
 *     rows (T = (cols-1)/dil_h + 1: as many as fit the array's cols taps),
 *     so stream row n = y*stride_h gives output row y (DW_STRIDE =
 *     stride_h); all but the first (kx, q) accumulate.  A kernel spanning at
 *     most cols rows is one group; a taller one (a global average pooling
 *     of a 25-row map on 8 columns) is ceil(k_h/T), its streams extra_rows =
 *     (groups-1)*T*dil_h rows longer.
 *     Accumulator row x*ny + y of the slot holds output pixel (y, x);
 *   - one STORE of the tile (N_OUTER = columns, N_INNER = rows).
 * The activation zero point is folded into the bias (tiler_blob.c): the
 * padding bytes are the zero point, so they cancel exactly.
 *
 * Packed columns (p->dw_pack: one kernel-row group and FEATURES.DW_DROP).
 * Each stream above ends with cols - 1 rows that only drain the array, once
 * per output column: a third of the stream for a 6-row map on 8 columns.  So
 * instead the MATMUL of weight tile kx streams all nx input columns
 * x*stride_w + kx*dil_w of the tile back to back, one command per kernel
 * column:
 *   - the slot holds every input column as LEN = (ny - 1 + ceil(span /
 *     stride_h)) * stride_h rows (span = (k_h-1)*dil_h + 1: the rows of one
 *     output's window), the columns in phase order (input column c at
 *     position (c mod stride_w) columns first, then c / stride_w), so the
 *     columns a kernel column reads are consecutive; one LOAD per phase
 *     (outer step stride_w columns), then one of padding for the rows the
 *     last stream drains through (so every row streamed holds data);
 *   - the stream's output rows come in periods of P = LEN / stride_h: the
 *     first ny of each are the column's outputs, the other P - ny windows
 *     reach into the next column and are dropped (MATMUL DW_KEEP = ny,
 *     DW_DROP = P - ny), so the accumulator holds pixel (y, x) at row
 *     x*ny + y as above and the STORE is the same;
 *   - NROWS = (nx-1)*LEN + (ny-1)*stride_h + cols.
 * The pixel tile is then chosen for the fewest streamed rows (dw_pack_tile).
 *
 * Paired groups (p->dw_pair: packed, FEATURES.LOAD_SPLIT, lanes == rows).
 * A depthwise LOAD gathers one row of `lanes` bytes per pixel, a memory read
 * each, and on small maps the load unit, not the array, sets the pace.  So
 * channel groups 2i and 2i+1 share their activation LOADs: each reads 2*rows
 * bytes of a pixel and writes the second half dw_hi (odd: the other bank)
 * rows further (LOAD HI_ROWS).  Their steps alternate per pixel tile (2i, then
 * 2i+1, on the same slot), and only group 2i's step loads; a last odd group
 * runs alone.
 */
#include <string.h>

#include "tiler.h"

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* ---- tiling ------------------------------------------------------------------- */

/* Input columns a tile of nox output columns reads. */
static uint64_t dw_cols(const struct mote_cc_conv *op, uint64_t nox)
{
	return (nox - 1) * op->stride_w + (uint64_t)(op->k_w - 1) * op->dil_w + 1;
}

/* Buffer rows of one input column of a tile of noy output rows. */
static uint64_t dw_col_len(const struct tl_params *p, uint64_t noy)
{
	return (noy - 1) * p->op->stride_h + p->g.cols + p->extra_rows;
}

/* Activation rows of a nox x noy tile (saturating: compared with depths only). */
static uint64_t dw_arows(const struct tl_params *p, uint64_t nox, uint64_t noy)
{
	uint64_t r;
	if (__builtin_mul_overflow(dw_cols(p->op, nox), dw_col_len(p, noy), &r))
		return UINT64_MAX;
	return r;
}

/* Accumulator rows a nox x noy tile reaches: its last MATMUL is range-checked
 * as if its stride were 1. */
static uint64_t dw_reach(const struct tl_params *p, uint64_t nox, uint64_t noy)
{
	return nox * noy + (noy - 1) * (p->op->stride_h - 1);
}

/* ---- packed columns ---------------------------------------------------------------- */

/* DW_KEEP's width: output rows kept per column */
#define PK_MAX_KEEP ((1u << MOTE_MATMUL_DW_KEEP_WIDTH) - 1u)
#define PK_MAX_DROP ((1u << MOTE_MATMUL_DW_DROP_WIDTH) - 1u)

/* Buffer rows per input column of a tile of ny output rows (a multiple of stride_h). */
static uint64_t pk_len(const struct tl_params *p, uint64_t ny)
{
	uint64_t sh = p->op->stride_h;
	return (ny - 1 + (p->dw_span + sh - 1) / sh) * sh;
}

/* Rows one MATMUL streams over a tile of nx x ny outputs. */
static uint64_t pk_nrows(const struct tl_params *p, uint64_t nx, uint64_t ny)
{
	return (nx - 1) * pk_len(p, ny) + (ny - 1) * p->op->stride_h + p->g.cols;
}

/* Rows the last stream drains through after the slot's last column:
 * (ny-1)*stride_h + cols - LEN, the same for every ny. */
static uint64_t pk_tail(const struct tl_params *p)
{
	uint64_t sh = p->op->stride_h, win = (p->dw_span + sh - 1) / sh * sh;
	return p->g.cols > win ? p->g.cols - win : 0;
}

static uint64_t pk_arows(const struct tl_params *p, uint64_t nx, uint64_t ny)
{
	return dw_cols(p->op, nx) * pk_len(p, ny) + pk_tail(p);
}

/* Accumulator rows the range check counts: NROWS - cols + 1 (as if stride 1). */
static uint64_t pk_reach(const struct tl_params *p, uint64_t nx, uint64_t ny)
{
	return pk_nrows(p, nx, ny) - p->g.cols + 1;
}

/* Activation-slot rows for tiles of a rows each: paired, both groups. */
static uint64_t pk_slot(const struct tl_params *p, uint64_t a)
{
	return p->dw_pair ? (a | 1) + a : a;
}

/* The pixel tile with the fewest streamed rows (plus a little per command and
 * per step) whose slot fits half the activation buffer and half the
 * accumulator (two slots: the next tile loads while this one computes), else
 * the whole of each; 0 if no tile fits (the one-column-per-MATMUL tiling
 * then decides). */
static int dw_pack_tile(struct tl_params *p)
{
	const struct mote_geometry *g = &p->g;
	for (int all = 0; all < 2; all++) {
		uint64_t acap = all ? g->abuf_depth : half_or_all(g->abuf_depth);
		uint64_t ccap = all ? g->acc_depth : half_or_all(g->acc_depth);
		uint64_t best = UINT64_MAX;
		for (uint32_t nby = 1; nby <= p->oh; nby++) {
			uint32_t noy = div_up(p->oh, nby);
			if (div_up(p->oh, noy) != nby || noy > PK_MAX_KEEP)
				continue;
			uint32_t nox = p->ow;
			while (nox > 0 && (pk_slot(p, pk_arows(p, nox, noy)) > acap || pk_reach(p, nox, noy) > ccap))
				nox--;
			if (nox == 0)
				continue;
			uint32_t nbx = div_up(p->ow, nox);
			nox = div_up(p->ow, nbx);
			uint64_t cost = (uint64_t)nby * nbx * (p->kt * (pk_nrows(p, nox, noy) + 2) + g->cols);
			if (cost < best) {
				best = cost;
				p->nox = nox;
				p->noy = noy;
				p->nbx = nbx;
				p->nby = nby;
			}
		}
		if (best != UINT64_MAX)
			return 1;
	}
	return 0;
}

/* Sum of NROWS over one channel group's MATMULs: tiles of nox or the last
 * width, noy or the last height. */
static uint64_t pk_rows_per_group(const struct tl_params *p)
{
	uint32_t lx = p->ow - (p->nbx - 1) * p->nox, ly = p->oh - (p->nby - 1) * p->noy;
	uint64_t r = 0;
	for (int i = 0; i < 4; i++) {
		uint64_t cx = i & 1 ? 1 : p->nbx - 1, cy = i & 2 ? 1 : p->nby - 1;
		r += cx * cy * pk_nrows(p, i & 1 ? lx : p->nox, i & 2 ? ly : p->noy);
	}
	return r * p->kt;
}

static int dw_supported(const struct tl_params *p, struct mote_cc_diag *diag)
{
	const struct mote_cc_conv *op = p->op;
	uint32_t groups = cc_groups(op);
	if (groups != op->in_c || groups != op->out_c)
		return cc_fail(diag, MOTE_CC_ENOTSUP,
			       "grouped convolution (%u groups, in_c %u, out_c %u): only depthwise "
			       "(groups == in_c == out_c) runs on the accelerator",
			       groups, op->in_c, op->out_c);
	if (!(p->g.features & MOTE_FEATURES_DEPTHWISE_MASK))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "depthwise convolution needs the DEPTHWISE feature");
	if (op->w_type != MOTE_CC_INT8 || op->w_zp != 0)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "depthwise with a weight zero point (%s weights, w_zp %d)",
			       op->w_type == MOTE_CC_INT8 ? "int8" : "uint8", op->w_zp);
	if (op->stride_h > 255)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "depthwise stride_h %u above 255 (MATMUL.DW_STRIDE)",
			       op->stride_h);
	return 0;
}

/* Pixel tile: whole output rows, as many as half the activation buffer and
 * half the accumulator hold (the whole buffer when one tile is all that
 * fits); else one output row split along x. */
static int dw_pixel_tile(struct tl_params *p, struct mote_cc_diag *diag)
{
	const struct mote_geometry *g = &p->g;
	const struct mote_cc_conv *op = p->op;
	uint64_t sh = op->stride_h, C = g->cols;
	uint32_t a2 = half_or_all(g->abuf_depth), c2 = half_or_all(g->acc_depth);
	uint64_t arow1 = dw_arows(p, p->ow, 1);
	uint32_t acap = arow1 <= a2 ? a2 : g->abuf_depth;
	uint32_t ccap = p->ow <= c2 ? c2 : g->acc_depth;
	if (arow1 <= acap && p->ow <= ccap) {
		uint64_t by_act = (acap / dw_cols(op, p->ow) - C - p->extra_rows) / sh + 1;
		uint64_t by_acc = (ccap + sh - 1) / (p->ow + sh - 1); /* dw_reach(ow, noy) <= ccap */
		uint32_t noy_max = (uint32_t)min_u64(p->oh, min_u64(by_act, by_acc));
		p->nox = p->ow;
		p->nbx = 1;
		p->nby = div_up(p->oh, noy_max);
		p->noy = div_up(p->oh, p->nby);
		return 0;
	}
	uint64_t amin = dw_arows(p, 1, 1);
	if (p->row_groups == 1 && (g->features & MOTE_FEATURES_DW_DROP_MASK))
		amin = min_u64(amin, pk_arows(p, 1, 1)); /* what packing needed (it did not fit either) */
	if (amin > g->abuf_depth)
		return cc_fail(diag, MOTE_CC_ENOSPC,
			       "activation buffer (%u rows) holds less than one depthwise stream (%llu rows)",
			       g->abuf_depth, (unsigned long long)amin);
	acap = amin <= a2 ? a2 : g->abuf_depth;
	uint64_t by_act = (acap / dw_col_len(p, 1) - dw_cols(op, 1)) / op->stride_w + 1;
	uint32_t nox_max = (uint32_t)min_u64(p->ow, min_u64(by_act, c2));
	p->noy = 1;
	p->nby = p->oh;
	p->nbx = div_up(p->ow, nox_max);
	p->nox = div_up(p->ow, p->nbx);
	return 0;
}

int tl_dw_params(struct tl_params *p, struct mote_cc_diag *diag)
{
	int rc = dw_supported(p, diag);
	if (rc)
		return rc;
	const struct mote_geometry *g = &p->g;
	const struct mote_cc_conv *op = p->op;
	uint32_t R = g->rows, C = g->cols;
	p->dw = 1;
	p->lanes = min_u32(R, C);
	p->tile_ch = p->lanes;
	p->nt = div_up(op->out_c, p->lanes);
	if (tl_gsum_applies(p))
		return tl_gsum_params(p, diag);
	p->group_taps = (C - 1) / op->dil_h + 1;
	p->row_groups = div_up(op->k_h, p->group_taps);
	p->extra_rows = (p->row_groups - 1) * p->group_taps * op->dil_h; /* < k_h * dil_h < 2^24 */
	if ((uint64_t)op->k_w * p->row_groups > UINT32_MAX / R)
		return cc_fail(diag, MOTE_CC_ERANGE, "%u x %u depthwise weight tiles", op->k_w, p->row_groups);
	p->kt = p->kt_real = p->kc = op->k_w * p->row_groups;
	p->chunks = p->ng = p->groups = 1;
	p->dw_span = (op->k_h - 1) * op->dil_h + 1; /* <= cols with one row group */
	/* DW_DROP = ceil(span / stride_h) - 1 */
	p->dw_pack = p->row_groups == 1 && (g->features & MOTE_FEATURES_DW_DROP_MASK) &&
		     div_up(p->dw_span, op->stride_h) - 1 <= PK_MAX_DROP;
	p->dw_pair = p->dw_pack && (g->features & MOTE_FEATURES_LOAD_SPLIT_MASK) && p->lanes == R && p->nt >= 2;
	if (p->dw_pack && !dw_pack_tile(p) && !(p->dw_pair = 0, dw_pack_tile(p)))
		p->dw_pack = 0;
	if (!p->dw_pack && (rc = dw_pixel_tile(p, diag)))
		return rc;
	if (p->dw_pack) /* every value < the activation buffer's depth (dw_pack_tile) */
		p->nrows = (uint32_t)pk_nrows(p, p->nox, p->noy);
	else
		p->nrows = (p->noy - 1) * op->stride_h + C; /* <= the activation rows of a tile */
	p->m_rows = p->nrows;
	uint64_t steps = (uint64_t)p->nt * p->nbx * p->nby;
	if (steps > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "too many tiles");

	/* Slot rings: activations and accumulator as tiled; one weight tile (one
	 * kernel column of a channel group) per weight slot. */
	p->a_slot_rows = (uint32_t)(p->dw_pack ? pk_slot(p, pk_arows(p, p->nox, p->noy)) : dw_arows(p, p->nox, p->noy));
	p->dw_hi = p->dw_pair ? (uint32_t)pk_arows(p, p->nox, p->noy) | 1u : 0;
	p->w_slot_rows = R;
	p->c_slot_rows = p->nox * p->noy;
	uint64_t reach = p->dw_pack ? pk_reach(p, p->nox, p->noy) : dw_reach(p, p->nox, p->noy);
	p->a_slots = min_u32(TL_MAX_ASLOTS, g->abuf_depth / p->a_slot_rows);
	p->w_slots = min_u32(TL_MAX_WSLOTS, g->wbuf_depth / R);
	p->c_slots = reach > g->acc_depth ? 0 :
		     (uint32_t)min_u64(TL_MAX_CSLOTS, 1 + (g->acc_depth - reach) / p->c_slot_rows);
	p->bias_all = (uint64_t)p->nt * MOTE_BIAS_ROWS <= g->bbuf_depth;
	p->b_slots = p->bias_all ? 1 : min_u32(TL_MAX_BSLOTS, g->bbuf_depth / MOTE_BIAS_ROWS);
	if (CC_NEVER(!p->a_slots || !p->w_slots || !p->c_slots || !p->b_slots))
		return cc_fail(diag, MOTE_CC_EINTERNAL, "depthwise tiling left a buffer without a slot");

	/* Rows streamed: every output column of every channel group, kernel
	 * column and row group streams NROWS = (ny-1)*stride_h + cols rows per
	 * pixel tile row. */
	if (p->dw_pack)
		p->rows_streamed = p->nt * pk_rows_per_group(p);
	else
		p->rows_streamed = (uint64_t)p->nt * p->kt * p->ow *
				   ((uint64_t)(p->oh - p->nby) * op->stride_h + (uint64_t)p->nby * C);
	size_t t;
	if (cc_mul_sz((size_t)p->nt * p->kt, (size_t)R * C, &p->weight_bytes) || p->weight_bytes > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "pre-tiled weights larger than 4 GiB");
	if (cc_mul_sz((size_t)p->nt * MOTE_BIAS_ROWS, 4u * (size_t)C, &t) || t > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "bias rows larger than 4 GiB");
	p->bias_bytes = t;
	return 0;
}

/* ---- operations ------------------------------------------------------------------- */

/* Step s: channel group g (outer), pixel tile (inner); paired, the two
 * groups of a pair alternate per pixel tile. */
struct dw_tile {
	uint32_t g, ch0, cnt;  /* channel group, its first channel, its channels */
	uint32_t hi;           /* paired: the pair's second group (its rows dw_hi on) */
	uint32_t cnt_hi;       /* paired, first group: the second group's channels (its LOAD reads both) */
	int loads;             /* this step loads its activations (every step but a pair's second) */
	uint32_t li;           /* activation loads before this step's: its slot is li % a_slots */
	uint32_t oy0, ny, ox0, nx;
	uint32_t ncol, nrows;  /* input columns, rows streamed per MATMUL */
	uint32_t len;          /* buffer rows per input column: nrows + extra_rows */
	int64_t ix0, iy0;      /* first input column and row */
};

static struct dw_tile dw_tile_of(const struct tl_params *p, uint32_t s)
{
	const struct mote_cc_conv *cv = p->op;
	uint32_t per_g = p->nbx * p->nby, mt = s % per_g;
	uint32_t paired = p->dw_pair ? p->nt / 2 * 2 * per_g : 0; /* steps of paired groups */
	struct dw_tile t;
	t.g = s / per_g;
	t.hi = t.cnt_hi = 0;
	t.loads = 1;
	t.li = s;
	if (s < paired) {
		uint32_t w = s % (2 * per_g);
		mt = w / 2;
		t.hi = w % 2;
		t.g = s / (2 * per_g) * 2 + t.hi;
		t.loads = !t.hi;
		t.li = s / 2;
	} else if (p->dw_pair) {
		t.li = paired / 2 + (s - paired);
	}
	t.ch0 = t.g * p->lanes;
	t.cnt = min_u32(p->lanes, cv->out_c - t.ch0);
	if (s < paired && !t.hi)
		t.cnt_hi = min_u32(p->lanes, cv->out_c - t.ch0 - p->lanes);
	t.oy0 = mt / p->nbx * p->noy;
	t.ny = min_u32(p->noy, p->oh - t.oy0);
	t.ox0 = mt % p->nbx * p->nox;
	t.nx = min_u32(p->nox, p->ow - t.ox0);
	t.ncol = (uint32_t)dw_cols(cv, t.nx);
	if (p->dw_pack) { /* below the activation buffer's depth (dw_pack_tile) */
		t.nrows = (uint32_t)pk_nrows(p, t.nx, t.ny);
		t.len = (uint32_t)pk_len(p, t.ny);
	} else {
		t.nrows = (t.ny - 1) * cv->stride_h + p->g.cols;
		t.len = t.nrows + p->extra_rows;
	}
	t.ix0 = (int64_t)t.ox0 * cv->stride_w - cv->pad_left;
	t.iy0 = (int64_t)t.oy0 * cv->stride_h - cv->pad_top;
	return t;
}

/* Input columns (relative to the tile's first) of phase ph in packed order,
 * and the position of the phase's first one in the slot. */
static uint32_t pk_phase_cols(uint32_t ncol, uint32_t sw, uint32_t ph)
{
	return ph < ncol ? (ncol - ph + sw - 1) / sw : 0;
}

static uint32_t pk_pos(uint32_t ncol, uint32_t sw, uint32_t c)
{
	uint32_t pos = c / sw;
	for (uint32_t ph = 0; ph < c % sw; ph++)
		pos += pk_phase_cols(ncol, sw, ph);
	return pos;
}

/* LOAD of input columns ix0 + c0, + step, ... (n of them), each t->len rows,
 * into the slot from buffer row buf_row on. */
static int dw_cols_load(struct tl_gen *x, const struct dw_tile *t, uint32_t aslot, int64_t c0, uint32_t step,
			uint32_t n, uint32_t buf_row)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	int64_t pitch = (int64_t)cv->in_w * cv->in_c;
	int64_t x0 = t->iy0 * pitch + t->ch0, ix = t->ix0 + c0;
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_LOAD, MOTE_OP_LOAD, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, LOAD, DST, MOTE_BUF_ACT);
	SETF(w, LOAD, XOR_MSB, p->xor_msb);
	SETF(w, LOAD, ADDR0, x->a->input + (uint32_t)(uint64_t)(x0 + ix * cv->in_c)); /* mod 2^32 */
	SETF(w, LOAD, OUTER_STEP, (int64_t)step * cv->in_c);
	SETF(w, LOAD, Y0, ix);
	SETF(w, LOAD, SY, step);
	SETF(w, LOAD, X0, x0);
	SETF(w, LOAD, SX, pitch);
	SETF(w, LOAD, HEIGHT, cv->in_w);
	SETF(w, LOAD, WIDTH, (uint64_t)cv->in_h * (uint64_t)pitch);
	SETF(w, LOAD, N_INNER, t->len);
	SETF(w, LOAD, N_OUTER, n);
	SETF(w, LOAD, BUF_ROW, aslot * p->a_slot_rows + buf_row);
	SETF(w, LOAD, COUNT, t->cnt_hi ? p->lanes + t->cnt_hi : t->cnt);
	SETF(w, LOAD, HI_ROWS, t->cnt_hi ? p->dw_hi : 0);
	SETF(w, LOAD, PAD, p->pad_byte);
	tl_op_access(op, RES_ACT0 + aslot * TL_ASUB, 1);
	tl_finish_op(x);
	return 0;
}

/* The tile's input columns: in order, or packed one LOAD per phase and the
 * padding rows the last stream drains through (one column of them, left of
 * the image: all PAD, nothing read). */
static int dw_act_load(struct tl_gen *x, uint32_t s)
{
	const struct tl_params *p = x->p;
	struct dw_tile t = dw_tile_of(p, s);
	uint32_t aslot = t.li % p->a_slots;
	if (!p->dw_pack)
		return dw_cols_load(x, &t, aslot, 0, 1, t.ncol, 0);
	uint32_t sw = p->op->stride_w, nph = min_u32(sw, t.ncol), pos = 0;
	for (uint32_t ph = 0; ph < nph; ph++) {
		uint32_t n = pk_phase_cols(t.ncol, sw, ph);
		int rc = dw_cols_load(x, &t, aslot, ph, sw, n, pos * t.len);
		if (rc)
			return rc;
		pos += n;
	}
	uint32_t tail = (uint32_t)pk_tail(p); /* < cols */
	if (tail == 0)
		return 0;
	struct dw_tile pad = t;
	pad.len = tail;
	return dw_cols_load(x, &pad, aslot, -1 - t.ix0, 1, 1, pos * t.len);
}

/* Weight tile wt = kx * row_groups + q: kernel column kx, kernel-row group q. */
static int dw_matmul(struct tl_gen *x, const struct dw_tile *t, uint32_t wt, uint32_t ox, uint32_t aslot,
		     uint32_t wslot, uint32_t cslot)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	uint32_t kx = wt / p->row_groups, ky0 = wt % p->row_groups * p->group_taps;
	uint64_t col = (uint64_t)ox * cv->stride_w + (uint64_t)kx * cv->dil_w; /* input column - ix0 */
	struct tl_dw_mm m = {.stride = cv->stride_h, .accumulate = wt > 0, .load_weights = ox == 0,
			     .wgt_row = wslot * p->w_slot_rows,
			     .act_row = aslot * p->a_slot_rows + col * t->len + (uint64_t)ky0 * cv->dil_h,
			     .acc_row = cslot * p->c_slot_rows + ox * t->ny, .nrows = t->nrows, .kv = t->cnt,
			     .nv = min_u32(p->group_taps, cv->k_h - ky0), .aslot = aslot, .wres = RES_WGT0 + wslot,
			     .cslot = cslot};
	return tl_dw_matmul(x, &m);
}

/* Packed: the MATMUL of kernel column kx over the whole tile (DW_KEEP and
 * DW_DROP only when it streams more than one column). */
static int pk_matmul(struct tl_gen *x, const struct dw_tile *t, uint32_t kx, uint32_t aslot, uint32_t wslot,
		     uint32_t cslot)
{
	const struct tl_params *p = x->p;
	const struct mote_cc_conv *cv = p->op;
	uint32_t first = pk_pos(t->ncol, cv->stride_w, kx * cv->dil_w);
	struct tl_dw_mm m = {.stride = cv->stride_h, .keep = t->nx > 1 ? t->ny : 0,
			     .drop = t->nx > 1 ? t->len / cv->stride_h - t->ny : 0, .accumulate = kx > 0,
			     .load_weights = 1, .wgt_row = wslot * p->w_slot_rows,
			     .act_row = aslot * p->a_slot_rows + (t->hi ? p->dw_hi : 0) + (uint64_t)first * t->len,
			     .acc_row = cslot * p->c_slot_rows, .nrows = t->nrows, .kv = t->cnt, .nv = cv->k_h,
			     .aslot = aslot, .wres = RES_WGT0 + wslot, .cslot = cslot};
	return tl_dw_matmul(x, &m);
}

static int dw_store(struct tl_gen *x, const struct dw_tile *t, uint32_t cslot, uint32_t bias_row,
		    unsigned bias_res)
{
	const struct tl_params *p = x->p;
	uint64_t oc = p->op->out_c, es = p->esize;
	/* column-major tile: inner rows go down the image, outer across */
	struct tl_store s = {.acc_row = cslot * p->c_slot_rows, .bias_row = bias_row, .n_inner = t->ny,
			     .n_outer = t->nx, .ncols = t->cnt,
			     .off = (((uint64_t)t->oy0 * p->ow + t->ox0) * oc + t->ch0) * es,
			     .inner_step = (uint64_t)p->ow * oc * es, .outer_step = oc * es,
			     .acc_res = RES_ACC0 + cslot, .bias_res = bias_res};
	return tl_emit_store(x, &s);
}

/* One step.  Load order: [own activations], [bias], the weight tiles, with
 * the next step's activations right after the weights the ring lets load
 * ahead, so they arrive while this step computes.  Bias rows go before a
 * weight tile, so the MATMUL popping that tile's token learns they are
 * loaded and passes it on to the STORE (no SYNC). */
static int dw_step(struct tl_gen *x, uint32_t s, uint32_t steps)
{
	const struct tl_params *p = x->p;
	struct dw_tile t = dw_tile_of(p, s);
	uint32_t aslot = t.li % p->a_slots, R = p->g.rows, C = p->g.cols;
	/* the next step that loads (paired: after a pair's first, its second's successor) */
	uint32_t next = s + 1 < steps && !dw_tile_of(p, s + 1).loads ? s + 2 : s + 1;
	int rc;
	if (t.loads && (s == 0 || p->a_slots == 1) && (rc = dw_act_load(x, s)))
		return rc;
	uint32_t brow = t.g * MOTE_BIAS_ROWS;
	unsigned bres = RES_BIAS_ALL;
	if (p->bias_all && s == 0 && (rc = tl_bias_load(x, 0, p->nt, 0, RES_BIAS_ALL)))
		return rc;
	if (!p->bias_all) {
		uint32_t b = x->b_next++ % p->b_slots;
		brow = b * MOTE_BIAS_ROWS;
		bres = RES_BIAS0 + b;
		if ((rc = tl_bias_load(x, t.g, 1, brow, bres)))
			return rc;
	}
	uint32_t cslot = x->c_next++ % p->c_slots;
	uint32_t prefetch_wt = min_u32(p->kt, p->w_slots) - 1;
	for (uint32_t wt = 0; wt < p->kt; wt++) {
		uint32_t wslot = x->w_next++ % p->w_slots;
		uint64_t off = ((uint64_t)t.g * p->kt + wt) * R * C;
		if ((rc = tl_blob_load(x, MOTE_BUF_WGT, (uint32_t)(x->a->weights + off), wslot * R, R, C,
				       RES_WGT0 + wslot)))
			return rc;
		if (wt == prefetch_wt && t.loads && p->a_slots > 1 && next < steps && (rc = dw_act_load(x, next)))
			return rc;
		if (p->dw_pack) {
			if ((rc = pk_matmul(x, &t, wt, aslot, wslot, cslot)))
				return rc;
			continue;
		}
		for (uint32_t ox = 0; ox < t.nx; ox++)
			if ((rc = dw_matmul(x, &t, wt, ox, aslot, wslot, cslot)))
				return rc;
	}
	return dw_store(x, &t, cslot, brow, bres);
}

int tl_dw_gen(struct tl_gen *x)
{
	const struct tl_params *p = x->p;
	uint32_t steps = p->nt * p->nbx * p->nby; /* tl_dw_params checked the product */
	int rc = 0;
	for (uint32_t s = 0; !rc && s < steps; s++)
		rc = dw_step(x, s, steps);
	return rc;
}

/* ---- weight blob ------------------------------------------------------------------ */

/* Tile (g, kx, q) (g-major, then kx) is `rows` rows of `cols` bytes: row r
 * (channel g*L + r) holds kernel[ky][kx] of that channel at byte
 * (ky - q*T)*dil_h for the group's kernel rows ky, zero elsewhere and in
 * rows past L or past the channels. */
void tl_dw_write_weights(const struct tl_params *p, uint8_t *dst)
{
	const struct mote_cc_conv *cv = p->op;
	uint32_t R = p->g.rows, C = p->g.cols, T = p->group_taps;
	memset(dst, 0, p->weight_bytes);
	for (uint32_t g = 0; g < p->nt; g++)
		for (uint32_t wt = 0; wt < p->kt; wt++) {
			uint8_t *tile = dst + ((size_t)g * p->kt + wt) * R * C;
			uint32_t kx = wt / p->row_groups, ky0 = wt % p->row_groups * T;
			uint32_t ky1 = min_u32(ky0 + T, cv->k_h);
			for (uint32_t r = 0; r < p->lanes && g * p->lanes + r < cv->out_c; r++)
				for (uint32_t ky = ky0; ky < ky1; ky++)
					tile[(size_t)r * C + (size_t)(ky - ky0) * cv->dil_h] =
						(uint8_t)cv->weights[((size_t)ky * cv->k_w + kx) * cv->out_c + g * p->lanes + r];
		}
}
