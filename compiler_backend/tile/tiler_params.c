/* tiler_params.c: the dense variant's tiling (see tiler.h): choosing it for
 * one convolution on one geometry, after tl_params_init's common checks.
 *
 * Reduction order is (ky, kx, ci).  With dilation 1 along x, each ky is one
 * contiguous run of kw*cin bytes of an NHWC input row (a "segment"); with
 * dilation, each (ky, kx) is a run of cin bytes.  Segments are cut into tiles
 * of `rows` bytes (the last one short: its missing rows get zero weights).
 *
 * Sizes, in order of priority:
 *   - kc (reduction tiles resident at once) is all of K when the weight
 *     buffer half and the activation buffer half allow at least
 *     min(M, KC_M_GOAL) rows per tile (activations then load once per pixel
 *     tile and serve every output tile); otherwise K is chunked and partial sums
 *     stay in the accumulator across chunks.  KC_M_GOAL is well above
 *     MT_GOAL: K in chunks with long pixel tiles beats all of K with short
 *     ones (fewer, longer MATMULs; each weight tile loaded for fewer pixel
 *     tiles; e.g. ResNet-8's 3x3 layers: 128 instead of 64 saved ~1000 cycles
 *     of ~38000 in each 32x32x16 layer on 8x8; 256 instead of 128 ~1100 in
 *     the network on 16x16);
 *   - the output-pixel tile (m_rows, a rectangle of whole output rows when
 *     they fit) is as large as half the activation buffer and half the
 *     accumulator allow, but at most a quarter of the output (not below
 *     MT_GOAL rows: the first tile's loads and the last one's store are not
 *     hidden), then balanced so the last tile is not tiny;
 *   - with K chunked, ng output tiles share each activation chunk (as many as
 *     half the accumulator holds), so activations are loaded once per group;
 *   - every buffer is split into a ring of slots (two or more when they fit)
 *     so load, compute and store overlap.
 */
#include <string.h>

#include "tiler.h"

#define MT_GOAL 64u
#define KC_M_GOAL 256u
#define MT_MIN_STEPS 4u

/* Output tiles per accumulator group (of c_rows accumulator rows), bias
 * residency, and the groups. */
static void group_tiles(struct tl_params *p, uint32_t c_rows)
{
	const struct mote_geometry *g = &p->g;
	p->ng = p->chunks == 1 ? 1 : max_u32(1, min_u32(p->nt, c_rows / p->m_rows));
	p->bias_all = (uint64_t)p->nt * MOTE_BIAS_ROWS <= g->bbuf_depth;
	p->b_slots = p->bias_all ? 1 : min_u32(TL_MAX_BSLOTS, g->bbuf_depth / MOTE_BIAS_ROWS);
	if (!p->bias_all && p->ng > p->b_slots)
		p->ng = p->b_slots; /* a group's bias rows stay resident until its stores */
	p->groups = div_up(p->nt, p->ng);
	p->ng = div_up(p->nt, p->groups);
	p->a_slot_rows = p->kc * tl_at_rows(p);
	p->w_slot_rows = p->kc * p->wt_rows;
	p->c_slot_rows = p->ng * p->m_rows;
}

/* Units with queues of their own overlap: every buffer is a ring of slots
 * (two or more where they fit) so the next tile loads while this one
 * computes and the last one stores. */
/* Pixels of a tile whose kc reduction tiles fit `rows` activation rows: one
 * row per pixel and tile, or sparse 2 * (m | 1) (m at most the largest odd
 * number not above rows / (2 kc)). */
static uint32_t act_cap(const struct tl_params *p, uint32_t rows, uint32_t kc)
{
	uint32_t per = rows / kc;
	if (!p->sparse)
		return per;
	per /= 2;
	return per % 2 ? per : per ? per - 1 : 0;
}

static int overlap_tiling(struct tl_params *p)
{
	const struct mote_geometry *g = &p->g;
	uint32_t WR = p->wt_rows;
	/* Reduction chunk. */
	uint32_t wcap = g->wbuf_depth / (2 * WR) ? g->wbuf_depth / (2 * WR) : g->wbuf_depth / WR;
	uint64_t mtot = (uint64_t)p->oh * p->ow;
	uint32_t m_goal = (uint32_t)(mtot < KC_M_GOAL ? mtot : KC_M_GOAL);
	uint32_t a2 = half_or_all(g->abuf_depth);
	if (act_cap(p, a2, 1) == 0)
		a2 = g->abuf_depth; /* sparse: one slot when half cannot hold a tile's two rows */
	uint32_t kc = min_u32(p->kt, wcap);
	if (act_cap(p, a2, kc) < m_goal)
		kc = max_u32(1, min_u32(kc, a2 / (p->sparse ? 2 * m_goal : m_goal)));
	p->chunks = div_up(p->kt, kc);
	p->kc = div_up(p->kt, p->chunks);

	/* Dense tiles of one segment in pairs (LOAD HI_ROWS reads both with one
	 * memory read per pixel): the tiles then lie m_rows | 1 rows apart, so
	 * a pixel tile has a row less room. */
	int pairs = !p->sparse && (g->features & MOTE_FEATURES_LOAD_SPLIT_MASK) && p->tiles_per_seg >= 2 &&
		    p->kc >= 2 && mtot > 1;
	/* Output-pixel tile: a rectangle of noy x nox output pixels. */
	uint32_t a_pix = act_cap(p, a2, p->kc);
	if (pairs && a_pix > 2)
		a_pix--;
	uint32_t m_cap = min_u32(min_u32(a_pix, half_or_all(g->acc_depth)), ROW_FIELD_MAX);
	/* at least MT_MIN_STEPS pixel tiles (of MT_GOAL rows or more): the first
	 * tile's loads and the last tile's store do not overlap compute, so
	 * their length is a cost a smaller tile cuts */
	uint64_t m_spread = (mtot + MT_MIN_STEPS - 1) / MT_MIN_STEPS;
	m_cap = min_u32(m_cap, (uint32_t)(m_spread > MT_GOAL ? m_spread : MT_GOAL));
	if (!m_cap)
		return -1;
	tl_pixel_tile(p, m_cap);
	p->k_pairs = pairs && p->m_rows > 1 && (uint64_t)p->kc * (p->m_rows | 1) <= a2;
	group_tiles(p, half_or_all(g->acc_depth));
	p->a_slots = min_u32(TL_MAX_ASLOTS, g->abuf_depth / p->a_slot_rows);
	p->w_slots = min_u32(TL_MAX_WSLOTS, g->wbuf_depth / p->w_slot_rows);
	p->c_slots = min_u32(TL_MAX_CSLOTS, g->acc_depth / p->c_slot_rows);
	/* one-pixel tiles (a matrix-vector product): a segment's tiles in one
	 * LOAD, not a LOAD (and its latency) per tile */
	p->act_runs = p->m_rows == 1;
	return 0;
}

/* Cost of a serial tiling, in estimated cycles of the board build (its load
 * path moves a byte a cycle): every command costs the fetch of its words and
 * a start-up (SERIAL_CMD_CYCLES, about 40 measured on sim:board=icebreaker
 * for a 1-row MATMUL and its 4-byte LOAD), a LOAD a cycle per byte, a
 * MATMUL its weight rows and a cycle per activation row.  Nothing overlaps,
 * so the sum is the time.  The stores' cost is the same for every tiling.
 * Each command byte adds byte_cost cycles: a tiling for size when the
 * model must fit a small memory. */
#define SERIAL_CMD_CYCLES 16u
static uint64_t serial_cost(const struct tl_params *p)
{
	uint64_t R = p->g.rows, C = p->g.cols, mt = (uint64_t)p->nbx * p->nby, mtot = (uint64_t)p->oh * p->ow;
	uint64_t reload = p->chunks == 1 ? 1 : p->groups; /* activation loads per pixel tile and K tile */
	uint64_t segs = (uint64_t)p->op->k_h * p->seg_per_ky * (1 + p->n_corr);
	uint64_t act = (p->m_rows == 1 ? p->chunks + segs : p->kt) * mt * reload, act_rows = p->kt * mtot * reload;
	uint64_t wl = p->w_resident ? 1 : (uint64_t)p->nt * p->chunks * mt;
	uint64_t w_rows = p->w_resident ? (uint64_t)p->nt * p->kt * R : (uint64_t)p->nt * p->kt * R * mt;
	uint64_t mm = (uint64_t)p->kt * p->nt * mt, st = (uint64_t)p->nt * mt;
	uint64_t words = (act + wl) * MOTE_LOAD_WORDS + mm * MOTE_MATMUL_WORDS + st * MOTE_STORE_SHORT_WORDS;
	return (act + wl + mm + st) * SERIAL_CMD_CYCLES + words * 2 + act_rows * R + w_rows * C + mm * R +
	       (uint64_t)p->kt * p->nt * mtot + words * 4 * p->byte_cost;
}

/* One queue for every unit (FEATURES.QUEUES ONE): commands run one at a time
 * in stream order, so a ring of slots buys nothing and halves what a tile
 * can hold.  Every buffer is one slot, and of the reduction chunks that fit
 * the one with the fewest estimated cycles is taken (mostly: the fewest
 * commands, which also keeps the stream small for a board's little memory).
 * The weights stay resident across pixel tiles when all of them fit. */
static int serial_tiling(struct tl_params *p)
{
	const struct mote_geometry *g = &p->g;
	uint32_t kc_max = min_u32(p->kt, g->wbuf_depth / p->wt_rows);
	struct tl_params best;
	int have = 0;
	uint64_t best_cost = 0;
	for (uint32_t kc = kc_max; kc >= 1; kc--) {
		struct tl_params c = *p;
		c.chunks = div_up(p->kt, kc);
		if (div_up(p->kt, c.chunks) != kc)
			continue; /* the same chunking as a larger kc */
		c.kc = kc;
		uint32_t m_cap = min_u32(min_u32(act_cap(p, g->abuf_depth, kc), g->acc_depth), ROW_FIELD_MAX);
		if (!m_cap)
			continue;
		tl_pixel_tile(&c, m_cap);
		group_tiles(&c, g->acc_depth);
		c.w_resident = c.chunks == 1 && (uint64_t)p->nt * p->kt * p->wt_rows <= g->wbuf_depth;
		uint64_t cost = serial_cost(&c);
		if (!have || cost < best_cost) {
			best = c;
			best_cost = cost;
			have = 1;
		}
	}
	if (!have)
		return -1;
	*p = best;
	p->a_slots = p->w_slots = p->c_slots = 1;
	p->act_runs = p->m_rows == 1;
	if (p->w_resident) {
		p->w_slot_rows = p->kt * p->wt_rows;
		p->w_slots = p->nt; /* output tile n's weights are slot n */
	}
	return 0;
}

/* After tl_params_init's common checks (geometry, features, sizes, 2:4 weights). */
int tl_dense_params(struct tl_params *p, struct mote_cc_diag *diag)
{
	const struct mote_cc_conv *op = p->op;
	const struct mote_geometry *g = &p->g;
	uint32_t R = g->rows, C = g->cols;
	/* Reduction segments and tiles. */
	int dilated = op->dil_w > 1 && op->k_w > 1;
	p->seg_per_ky = dilated ? op->k_w : 1;
	uint64_t seg = dilated ? op->in_c : (uint64_t)op->k_w * op->in_c;
	if (seg > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "kernel row of %llu bytes", (unsigned long long)seg);
	p->seg_len = (uint32_t)seg;
	p->tiles_per_seg = div_up(p->seg_len, p->kr);
	uint64_t kt = (uint64_t)op->k_h * p->seg_per_ky * p->tiles_per_seg;
	if (kt > UINT32_MAX / R)
		return cc_fail(diag, MOTE_CC_ERANGE, "%llu reduction tiles", (unsigned long long)kt);
	/* Weight zero point: (w - wz) = (w - w_off) + c with c = w_off - wz.  The
	 * array takes int8 weights w - w_off; c * sum(x - xz) is added exactly by
	 * reading the input again against constant weights c (one pass, or two
	 * of 64 when c = 128, which int8 cannot hold). */
	p->w_off = op->w_type == MOTE_CC_UINT8 ? 128 : 0;
	int32_t cz = p->w_off - op->w_zp;
	p->n_corr = cz == 0 ? 0 : cz == 128 ? 2 : 1;
	p->corr[0] = cz == 128 ? 64 : cz;
	p->corr[1] = 64;
	p->kt_real = (uint32_t)kt;
	kt *= 1 + p->n_corr;
	if (kt > UINT32_MAX / R)
		return cc_fail(diag, MOTE_CC_ERANGE, "%llu reduction tiles", (unsigned long long)kt);
	p->kt = (uint32_t)kt;
	p->nt = div_up(op->out_c, C);

	if (tl_serial(g) ? serial_tiling(p) : overlap_tiling(p))
		return cc_fail(diag, MOTE_CC_EINTERNAL, "no room for one activation row");
	if ((uint64_t)p->nbx * p->nby > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "too many output tiles");
	if (CC_NEVER(!p->a_slots || !p->w_slots || !p->c_slots || !p->b_slots))
		return cc_fail(diag, MOTE_CC_EINTERNAL, "tiling left a buffer without a slot");

	/* Blob sizes. */
	size_t t;
	if (cc_mul_sz((size_t)p->nt * p->kt, (size_t)p->wt_rows * C, &p->weight_bytes) || p->weight_bytes > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "pre-tiled weights larger than 4 GiB");
	if (cc_mul_sz((size_t)p->nt * MOTE_BIAS_ROWS, 4u * (size_t)C, &t) || t > UINT32_MAX)
		return cc_fail(diag, MOTE_CC_ERANGE, "bias rows larger than 4 GiB");
	p->bias_bytes = t;
	return 0;
}
