/* tiler_gen.c: the loop nest of one convolution as operations in logical
 * order (see tiler.h), each encoded through the generated field accessors
 * with range checks: a value that does not fit its field is an error, never
 * truncated.
 *
 * Loop nest (a "step" owns one activation slot):
 *   K in one chunk:  for each output-pixel tile (step):
 *                      for each output-channel tile n:
 *                        [bias rows], weights (n, all K), MATMUL per K tile, STORE
 *   K chunked:       for each pixel tile, channel group g, chunk c (step):
 *                      for n in g: [bias rows], weights (n, c), MATMUL per K tile,
 *                                in the last chunk STORE
 * The next step's activation LOADs are spread between this step's weight
 * loads, so the load queue never holds a long run of them ahead of weights
 * the array is about to need.
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

struct step {
	uint32_t mt, g, c;
	uint32_t n0, n1; /* output tiles [n0, n1) */
	uint32_t t0, t1; /* reduction tiles [t0, t1) */
};

static uint32_t n_steps(const struct tl_params *p)
{
	return p->nbx * p->nby * (p->chunks == 1 ? 1 : p->groups * p->chunks);
}

static struct step step_of(const struct tl_params *p, uint32_t s)
{
	struct step st;
	if (p->chunks == 1) {
		st.mt = s;
		st.g = 0;
		st.c = 0;
		st.n0 = 0;
		st.n1 = p->nt;
	} else {
		st.mt = s / (p->groups * p->chunks);
		st.g = (s / p->chunks) % p->groups;
		st.c = s % p->chunks;
		st.n0 = st.g * p->ng;
		st.n1 = st.n0 + p->ng < p->nt ? st.n0 + p->ng : p->nt;
	}
	st.t0 = st.c * p->kc;
	st.t1 = st.t0 + p->kc < p->kt ? st.t0 + p->kc : p->kt;
	return st;
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

/* LOAD of n_rows contiguous rows of row_bytes from a blob into a buffer. */
int tl_blob_load(struct tl_gen *x, unsigned dst, uint32_t addr, uint32_t buf_row, uint32_t n_rows,
		 uint32_t row_bytes, unsigned res)
{
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_LOAD, MOTE_OP_LOAD, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, LOAD, DST, dst);
	SETF(w, LOAD, ADDR0, addr);
	SETF(w, LOAD, HEIGHT, 1);
	SETF(w, LOAD, SX, row_bytes);
	SETF(w, LOAD, WIDTH, (uint64_t)n_rows * row_bytes);
	SETF(w, LOAD, N_INNER, n_rows);
	SETF(w, LOAD, N_OUTER, 1);
	SETF(w, LOAD, BUF_ROW, buf_row);
	SETF(w, LOAD, COUNT, row_bytes);
	tl_op_access(op, res, 1);
	tl_finish_op(x);
	return 0;
}

int tl_bias_load(struct tl_gen *x, uint32_t n_first, uint32_t n_tiles, uint32_t buf_row, unsigned res)
{
	const struct tl_params *p = x->p;
	uint32_t row_bytes = 4u * p->g.cols;
	uint64_t off = (uint64_t)n_first * MOTE_BIAS_ROWS * row_bytes;
	return tl_blob_load(x, MOTE_BUF_BIAS, (uint32_t)(x->a->bias + off), buf_row, n_tiles * MOTE_BIAS_ROWS,
			    row_bytes, res);
}

static int gen_weight_load(struct tl_gen *x, uint32_t n, const struct step *st, uint32_t wslot)
{
	const struct tl_params *p = x->p;
	uint64_t tile_bytes = (uint64_t)p->wt_rows * p->g.cols;
	uint64_t off = ((uint64_t)n * p->kt + st->t0) * tile_bytes;
	return tl_blob_load(x, MOTE_BUF_WGT, (uint32_t)(x->a->weights + off), wslot * p->w_slot_rows,
			    (st->t1 - st->t0) * p->wt_rows, p->g.cols, RES_WGT0 + wslot);
}

/* Activation LOAD of window position k for pixel tile mt into rows starting
 * at buf_row: outer rows walk output rows (oy), inner rows output columns
 * (ox); per-byte x bounds and the y bound produce the padding. */
int tl_window_load(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t buf_row, unsigned res)
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
	tl_op_access(op, res, 1);
	tl_finish_op(x);
	return 0;
}

/* Resource of activation tile i of slot aslot: each tile its own, or with
 * merged loads (act_runs) the slot as a whole. */
static unsigned act_res(const struct tl_params *p, uint32_t aslot, uint32_t i)
{
	return RES_ACT0 + aslot * TL_ASUB + (p->act_runs ? 0 : i % TL_ASUB);
}

static int gen_matmul(struct tl_gen *x, const struct step *st, uint32_t n, uint32_t t, uint32_t aslot,
		      uint32_t wslot, uint32_t cslot, uint32_t acc_row, unsigned acc_res)
{
	const struct tl_params *p = x->p;
	struct mtile m = mtile_of(p, st->mt);
	struct tl_ktile k = tl_ktile(p, t);
	uint32_t nv = p->op->out_c - n * p->g.cols;
	struct tl_op *op;
	int rc = tl_new_op(x, TQ_COMP, MOTE_OP_MATMUL, &op);
	if (rc)
		return rc;
	uint32_t *w = op->w;
	SETF(w, MATMUL, ACCUMULATE, !(st->c == 0 && t == st->t0));
	SETF(w, MATMUL, LOAD_WEIGHTS, 1);
	uint32_t act_row = aslot * p->a_slot_rows + (t - st->t0) * tl_at_rows(p);
	SETF(w, MATMUL, WGT_ROW, wslot * p->w_slot_rows + (t - st->t0) * p->wt_rows);
	SETF(w, MATMUL, ACT_ROW, act_row);
	if (p->sparse) { /* the tile's second half-tile an odd number of rows on */
		SETF(w, MATMUL, SPARSE, 1);
		SETF(w, MATMUL, ACT_ROW_HI, act_row + tl_mh(p));
	}
	SETF(w, MATMUL, ACC_ROW, cslot * p->c_slot_rows + acc_row);
	SETF(w, MATMUL, NROWS, m.m);
	SETF(w, MATMUL, K_VALID, k.cnt);
	SETF(w, MATMUL, N_VALID, nv < p->g.cols ? nv : p->g.cols);
	tl_op_access(op, act_res(p, aslot, t - st->t0), 0);
	tl_op_access(op, p->w_resident ? RES_WGT0 : RES_WGT0 + wslot, 0);
	tl_op_access(op, acc_res, 1);
	tl_finish_op(x);
	return 0;
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

/* STORE of output-channel tile n (cols channels, fewer in the last). */
static int gen_store(struct tl_gen *x, uint32_t mt, uint32_t n, uint32_t cslot, uint32_t acc_row,
		     unsigned acc_res, uint32_t bias_row, unsigned bias_res)
{
	uint32_t C = x->p->g.cols, nv = x->p->op->out_c - n * C;
	return tl_tile_store(x, mt, n * C, nv < C ? nv : C, cslot, acc_row, acc_res, bias_row, bias_res);
}

/* Bias row and resource of output tile n, for its store. */
static void bias_of(const struct tl_gen *x, const struct step *st, uint32_t n, uint32_t *row, unsigned *res)
{
	if (x->p->bias_all) {
		*row = n * MOTE_BIAS_ROWS;
		*res = RES_BIAS_ALL;
	} else {
		uint32_t b = x->cur_b[(n - st->n0) % TL_MAX_BSLOTS];
		*row = b * MOTE_BIAS_ROWS;
		*res = RES_BIAS0 + b;
	}
}

/* With one-pixel tiles (act_runs) the tiles of one segment are consecutive
 * bytes of one input row and go to consecutive buffer rows: one LOAD of a
 * row per tile takes them all.  The last tile of the segment may read bytes
 * of the next one (or padding past the image row): its rows beyond K_VALID
 * meet zero weights. */
static int act_run_load(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t n_tiles, uint32_t buf_row,
			unsigned res)
{
	struct tl_op *op;
	k.cnt = x->p->g.rows;
	int rc = tl_window_load(x, mt, k, buf_row, res);
	if (rc)
		return rc;
	op = &x->ops->v[x->ops->n - 1];
	SETF(op->w, LOAD, SX, x->p->g.rows);
	/* sparse: a tile's two half-tiles are consecutive rows (mh = 1) */
	SETF(op->w, LOAD, N_INNER, (uint64_t)n_tiles * (x->p->sparse ? 2 : 1));
	return 0;
}

static int gen_act_tiles(struct tl_gen *x, uint32_t s, uint32_t i0, uint32_t i1)
{
	const struct tl_params *p = x->p;
	struct step st = step_of(p, s);
	uint32_t aslot = s % p->a_slots;
	for (uint32_t i = i0; i < i1;) {
		struct tl_ktile k = tl_ktile(p, st.t0 + i);
		uint32_t n = 1;
		if (p->act_runs) {
			uint32_t left = (p->seg_len - k.j0 + p->kr - 1) / p->kr; /* tiles left in the segment */
			n = i1 - i < left ? i1 - i : left;
		}
		uint32_t row = aslot * p->a_slot_rows + i * tl_at_rows(p);
		int rc;
		if (n > 1) {
			rc = act_run_load(x, st.mt, k, n, row, act_res(p, aslot, i));
		} else if (p->sparse) {
			/* a sparse tile: its first rows bytes, then (if it has more)
			 * the rest mh rows on; a half with no bytes is not loaded (its
			 * weights are all zero) */
			struct tl_ktile lo = k, hi = k;
			lo.cnt = k.cnt < p->g.rows ? k.cnt : p->g.rows;
			hi.j0 = k.j0 + p->g.rows;
			hi.cnt = k.cnt - lo.cnt;
			if (hi.cnt && (p->g.features & MOTE_FEATURES_LOAD_SPLIT_MASK)) {
				/* both halves by one LOAD (HI_ROWS): each source row read once */
				rc = tl_window_load(x, st.mt, k, row, act_res(p, aslot, i));
				if (!rc)
					SETF(x->ops->v[x->ops->n - 1].w, LOAD, HI_ROWS, tl_mh(p));
			} else {
				rc = tl_window_load(x, st.mt, lo, row, act_res(p, aslot, i));
				if (!rc && hi.cnt)
					rc = tl_window_load(x, st.mt, hi, row + tl_mh(p), act_res(p, aslot, i));
			}
		} else {
			rc = tl_window_load(x, st.mt, k, row, act_res(p, aslot, i));
		}
		if (rc)
			return rc;
		i += n;
	}
	return 0;
}

static int gen_step(struct tl_gen *x, uint32_t s, uint32_t steps)
{
	const struct tl_params *p = x->p;
	struct step st = step_of(p, s);
	uint32_t aslot = s % p->a_slots;
	int spread = p->a_slots > 1 && s + 1 < steps; /* prefetch the next step's activations */
	uint32_t next_tiles = 0;
	if (spread) {
		struct step nx = step_of(p, s + 1);
		next_tiles = nx.t1 - nx.t0;
	}
	int rc;
	/* Activations loaded at the start of the step: tile 0 first, the rest
	 * after the first weight load, so the first MATMUL waits for one tile of
	 * each (the load unit works in order), not for the whole slot. */
	int own = s == 0 || p->a_slots == 1;
	if (own && (rc = gen_act_tiles(x, s, 0, 1)))
		return rc;
	uint32_t items = st.n1 - st.n0;
	if (st.c == 0 && p->chunks > 1)
		x->cur_c = x->c_next++ % p->c_slots;
	/* weight slot of item j when loaded during item j-1 (or, for item 0,
	 * during the previous step's last item) */
	uint32_t w_ahead = x->w_pre;
	for (uint32_t j = 0; j < items; j++) {
		uint32_t n = st.n0 + j;
		if (!p->bias_all && st.c == 0) {
			uint32_t b = x->b_next++ % p->b_slots;
			x->cur_b[j % TL_MAX_BSLOTS] = b; /* ng <= b_slots when K is chunked */
			if ((rc = tl_bias_load(x, n, 1, b * MOTE_BIAS_ROWS, RES_BIAS0 + b)))
				return rc;
		}
		/* item j's weights, unless loaded ahead during item j-1 (or
		 * resident: all of them loaded before the first MATMUL) */
		uint32_t wslot = w_ahead;
		if (p->w_resident) {
			wslot = n;
			if (s == 0 && j == 0 &&
			    (rc = tl_blob_load(x, MOTE_BUF_WGT, x->a->weights, 0, p->nt * p->kt * p->wt_rows, p->g.cols,
					       RES_WGT0)))
				return rc;
		} else if ((j == 0 && !x->has_w_pre) || p->w_slots < 2) {
			wslot = x->w_next++ % p->w_slots;
			if ((rc = gen_weight_load(x, n, &st, wslot)))
				return rc;
		}
		/* resident bias rows: after what the first MATMUL needs, before the
		 * activation tiles the following MATMULs pop (so they learn it is
		 * loaded and can pass that to the first STORE without a SYNC) */
		if (p->bias_all && s == 0 && j == 0 && (rc = tl_bias_load(x, 0, p->nt, 0, RES_BIAS_ALL)))
			return rc;
		if (own && j == 0 && (rc = gen_act_tiles(x, s, 1, st.t1 - st.t0)))
			return rc;
		/* With two or more weight slots, item j+1's weights go before the
		 * activations prefetched during item j: the array then never waits
		 * for them behind a run of activation loads. */
		x->has_w_pre = 0;
		if (!p->w_resident && p->w_slots > 1 && j + 1 < items) {
			w_ahead = x->w_next++ % p->w_slots;
			if ((rc = gen_weight_load(x, n + 1, &st, w_ahead)))
				return rc;
		} else if (!p->w_resident && p->w_slots > 1 && s + 1 < steps) {
			struct step nx = step_of(p, s + 1);
			x->w_pre = x->w_next++ % p->w_slots;
			x->has_w_pre = 1;
			if ((rc = gen_weight_load(x, nx.n0, &nx, x->w_pre)))
				return rc;
		}
		if (spread) {
			uint32_t i0 = (uint32_t)((uint64_t)j * next_tiles / items);
			uint32_t i1 = (uint32_t)((uint64_t)(j + 1) * next_tiles / items);
			if ((rc = gen_act_tiles(x, s + 1, i0, i1)))
				return rc;
		}
		uint32_t cslot, acc_row;
		unsigned acc_res;
		if (p->chunks == 1) {
			cslot = x->c_next++ % p->c_slots;
			acc_row = 0;
			acc_res = RES_ACC0 + cslot;
		} else {
			cslot = x->cur_c;
			acc_row = j * p->m_rows;
			acc_res = RES_ACCT0 + cslot * TL_CSUB + j % TL_CSUB;
		}
		for (uint32_t t = st.t0; t < st.t1; t++)
			if ((rc = gen_matmul(x, &st, n, t, aslot, wslot, cslot, acc_row, acc_res)))
				return rc;
		/* a tile is stored right after its last MATMUL (with K chunked, in
		 * the last chunk), so its STORE overlaps the next tile's MATMULs */
		if (st.c == p->chunks - 1) {
			uint32_t brow;
			unsigned bres;
			bias_of(x, &st, n, &brow, &bres);
			if ((rc = gen_store(x, st.mt, n, cslot, acc_row, acc_res, brow, bres)))
				return rc;
		}
	}
	return 0;
}

int tl_gen(const struct tl_params *p, const struct mote_cc_addrs *a, struct tl_ops *ops,
	   struct mote_cc_diag *diag)
{
	memset(ops, 0, sizeof *ops);
	for (unsigned r = 0; r < RES_N; r++) {
		ops->last_writer[r] = -1;
		for (int q = 0; q < TQ_N; q++)
			ops->last_reader[r][q] = -1;
	}
	struct tl_gen x = {.p = p, .a = a, .ops = ops, .diag = diag};
	if (p->dw)
		return tl_dw_gen(&x);
	if (p->maxpool)
		return tl_max_gen(&x);
	int rc = 0;
	uint32_t steps = n_steps(p);
	for (uint32_t s = 0; !rc && s < steps; s++)
		rc = gen_step(&x, s, steps);
	return rc;
}

void tl_ops_free(struct tl_ops *ops)
{
	free(ops->v);
	ops->v = NULL;
	ops->n = ops->cap = 0;
}
