/* tiler_gen.c: the dense variant's operations (see tiler.h): the loop nest of
 * one convolution as operations in logical order, built from the primitives
 * of tiler_prim.c (the tiling is tiler_params.c's, the weight blob
 * tiler_blob.c's).
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
#include "tiler.h"

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

static int gen_weight_load(struct tl_gen *x, uint32_t n, const struct step *st, uint32_t wslot)
{
	const struct tl_params *p = x->p;
	uint64_t tile_bytes = (uint64_t)p->wt_rows * p->g.cols;
	uint64_t off = ((uint64_t)n * p->kt + st->t0) * tile_bytes;
	return tl_blob_load(x, MOTE_BUF_WGT, (uint32_t)(x->a->weights + off), wslot * p->w_slot_rows,
			    (st->t1 - st->t0) * p->wt_rows, p->g.cols, RES_WGT0 + wslot);
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
	uint32_t m_pix = tl_tile_pixels(p, st->mt);
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
	SETF(w, MATMUL, NROWS, m_pix);
	SETF(w, MATMUL, K_VALID, k.cnt);
	SETF(w, MATMUL, N_VALID, nv < p->g.cols ? nv : p->g.cols);
	tl_op_access(op, act_res(p, aslot, t - st->t0), 0);
	tl_op_access(op, p->w_resident ? RES_WGT0 : RES_WGT0 + wslot, 0);
	tl_op_access(op, acc_res, 1);
	tl_finish_op(x);
	return 0;
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

/* Reduction tile t + 1 continues tile t in the same segment (k_pairs). */
static int pairs_with(const struct tl_params *p, uint32_t t)
{
	if ((t + 1) % p->kt_real == 0)
		return 0; /* a correction pass starts over */
	struct tl_ktile a = tl_ktile(p, t), b = tl_ktile(p, t + 1);
	return a.ky == b.ky && a.kx0 == b.kx0 && b.j0 == a.j0 + a.cnt;
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
		} else if (p->k_pairs && i + 1 < i1 && k.cnt == p->g.rows && pairs_with(p, st.t0 + i)) {
			/* this tile and the next, bytes j0 .. j0+2*rows-1 of one segment */
			struct tl_ktile k2 = tl_ktile(p, st.t0 + i + 1);
			k.cnt += k2.cnt;
			rc = tl_window_load_pair(x, st.mt, k, row, act_res(p, aslot, i), tl_mh(p), act_res(p, aslot, i + 1));
			n = 2;
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

int tl_dense_gen(struct tl_gen *x)
{
	const struct tl_params *p = x->p;
	int rc = 0;
	uint32_t steps = n_steps(p);
	for (uint32_t s = 0; !rc && s < steps; s++)
		rc = gen_step(x, s, steps);
	return rc;
}
