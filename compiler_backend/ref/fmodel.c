/* fmodel.c: functional model of the command set (see mote_fmodel.h).
 *
 * The model fetches eagerly (as far as the bounded queues allow), then runs
 * one whole command of a runnable queue head, and repeats.  A head is
 * runnable when every token counter it pops is non-zero.  Each command checks
 * its fields and buffer ranges before touching anything, as the RTL does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cc_internal.h"
#include "mote/mote_fmodel.h"
#include "mote/mote_kernels.h"

enum { Q_LOAD = MOTE_QUEUE_LOAD, Q_COMP = MOTE_QUEUE_COMPUTE, Q_STORE = MOTE_QUEUE_STORE, NQ = 3 };
enum { T_L2C, T_C2L, T_C2S, T_S2C, NT };
enum { F_POP_PREV, F_POP_NEXT, F_PUSH_PREV, F_PUSH_NEXT, NF };

/* Token counter named by header flag f in queue q, or -1 if the flag names no
 * queue there (load has no previous queue, store no next one). */
static const int flag_token[NQ][NF] = {
	[Q_LOAD] = {-1, T_C2L, -1, T_L2C},
	[Q_COMP] = {T_L2C, T_S2C, T_C2L, T_C2S},
	[Q_STORE] = {T_C2S, -1, T_S2C, -1},
};

struct fm_cmd {
	uint32_t idx;
	uint32_t q;
	uint32_t w[MOTE_CMD_WORDS];
};

struct fm_queue {
	struct fm_cmd *ent; /* ring of queue_depth entries */
	uint32_t head, count;
};

struct fm {
	const struct mote_fm_config *cfg;
	const struct mote_geometry *g;
	uint8_t *mem;
	uint32_t base;
	size_t size;
	uint8_t *abuf, *wbuf, *bbuf;
	int32_t *acc;
	int8_t *wact; /* active weight bank [rows][cols] */
	uint8_t *widx; /* sparse: each active weight's 2-bit index in its group [rows][cols] */
	int wsp;       /* the active weights were loaded by a SPARSE MATMUL */
	uint32_t tok[NT];
	struct fm_queue q[NQ];  /* the device's queues: unit u's commands go to q[qmap[u]] */
	int qmap[NQ];
	struct mote_fm_result *res;
	uint64_t rng;
};

static uint32_t cmd_flag(const uint32_t *w, int f)
{
	switch (f) {
	case F_POP_PREV: return (uint32_t)MOTE_CMD_GET(w, HDR, POP_PREV);
	case F_POP_NEXT: return (uint32_t)MOTE_CMD_GET(w, HDR, POP_NEXT);
	case F_PUSH_PREV: return (uint32_t)MOTE_CMD_GET(w, HDR, PUSH_PREV);
	default: return (uint32_t)MOTE_CMD_GET(w, HDR, PUSH_NEXT);
	}
}

/* Record a job error; returns 1 so callers can `return fail(...)`. */
static int fail(struct fm *m, uint32_t code, uint32_t idx, uint32_t addr)
{
	m->res->err_code = code;
	m->res->err_cmd = idx;
	m->res->err_addr = addr & ~(m->g->mem_bytes - 1u);
	return 1;
}

static int win_ok(const struct fm *m, uint32_t addr, uint32_t perm)
{
	for (unsigned i = 0; i < MOTE_NUM_WINDOWS; i++) {
		const struct mote_fm_window *w = &m->cfg->win[i];
		if (w->size && (w->perm & perm) && addr >= w->base && (uint64_t)addr < (uint64_t)w->base + w->size)
			return 1;
	}
	return 0;
}

/* Windows lie inside mem (checked at start), so a permitted address is backed. */
static uint8_t *mem_at(struct fm *m, uint32_t addr)
{
	return m->mem + (addr - m->base);
}

static int exec_load(struct fm *m, const struct fm_cmd *c)
{
	const uint32_t *w = c->w;
	const struct mote_geometry *g = m->g;
	uint32_t dst = (uint32_t)MOTE_CMD_GET(w, LOAD, DST);
	uint32_t row_bytes, depth;
	uint8_t *buf;
	switch (dst) {
	case MOTE_BUF_ACT: row_bytes = g->rows; depth = g->abuf_depth; buf = m->abuf; break;
	case MOTE_BUF_WGT: row_bytes = g->cols; depth = g->wbuf_depth; buf = m->wbuf; break;
	case MOTE_BUF_BIAS: row_bytes = 4u * g->cols; depth = g->bbuf_depth; buf = m->bbuf; break;
	default: return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	}
	/* HI_ROWS: a source row of 2*rows bytes, its second half hi rows on */
	uint32_t hi = (uint32_t)MOTE_CMD_GET(w, LOAD, HI_ROWS), src_bytes = row_bytes;
	if (!(g->features & MOTE_FEATURES_LOAD_SPLIT_MASK))
		hi = 0; /* a device without the feature ignores the field */
	if (hi) {
		if (dst != MOTE_BUF_ACT || !(hi & 1))
			return fail(m, MOTE_ERR_FIELD, c->idx, 0);
		src_bytes = 2 * row_bytes;
	}
	/* W_PAIR: a source row of 2*cols bytes, written to weight rows 2n and 2n+1 */
	uint32_t pair = (uint32_t)MOTE_CMD_GET(w, LOAD, W_PAIR);
	if (pair) {
		if (!(g->features & MOTE_FEATURES_W_PAIR_MASK) || dst != MOTE_BUF_WGT)
			return fail(m, MOTE_ERR_FIELD, c->idx, 0);
		src_bytes = 2 * row_bytes;
		hi = 1;
	}
	uint32_t count = (uint32_t)MOTE_CMD_GET(w, LOAD, COUNT);
	if (count > src_bytes)
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	uint64_t n_in = (uint64_t)MOTE_CMD_GET(w, LOAD, N_INNER);
	uint64_t n_out = (uint64_t)MOTE_CMD_GET(w, LOAD, N_OUTER);
	uint64_t row0 = (uint64_t)MOTE_CMD_GET(w, LOAD, BUF_ROW);
	uint64_t row_step = pair ? 2 : 1; /* buffer rows per source row */
	if (n_in && n_out && row0 + n_in * n_out * row_step + (pair ? 0 : hi) > depth)
		return fail(m, MOTE_ERR_LOAD_RANGE, c->idx, 0);
	uint32_t addr0 = (uint32_t)MOTE_CMD_GET(w, LOAD, ADDR0);
	int64_t ostep = MOTE_CMD_GET(w, LOAD, OUTER_STEP);
	int64_t y0 = MOTE_CMD_GET(w, LOAD, Y0), sy = MOTE_CMD_GET(w, LOAD, SY);
	int64_t x0 = MOTE_CMD_GET(w, LOAD, X0), sx = MOTE_CMD_GET(w, LOAD, SX);
	int64_t height = MOTE_CMD_GET(w, LOAD, HEIGHT), width = MOTE_CMD_GET(w, LOAD, WIDTH);
	uint8_t pad = (uint8_t)MOTE_CMD_GET(w, LOAD, PAD);
	uint8_t flip = MOTE_CMD_GET(w, LOAD, XOR_MSB) ? 0x80 : 0x00;
	for (uint64_t o = 0; o < n_out; o++) {
		int64_t y = y0 + (int64_t)o * sy;
		int y_in = y >= 0 && y < height;
		for (uint64_t i = 0; i < n_in; i++) {
			int64_t x = x0 + (int64_t)i * sx;
			/* 32-bit address arithmetic, wrapping like the hardware's adders */
			uint32_t raddr = addr0 + (uint32_t)((uint64_t)o * (uint64_t)ostep) +
					 (uint32_t)((uint64_t)i * (uint64_t)sx);
			uint8_t *dstrow = buf + (size_t)(row0 + (o * n_in + i) * row_step) * row_bytes;
			for (uint32_t b = 0; b < src_bytes; b++) {
				uint8_t v = pad;
				if (b < count && y_in && x + b >= 0 && x + b < width) {
					uint32_t a = raddr + b;
					if (!win_ok(m, a, MOTE_WIN_PERM_R_MASK))
						return fail(m, MOTE_ERR_READ_WINDOW, c->idx, a);
					v = *mem_at(m, a);
					m->res->bytes_read++;
				}
				if (b < row_bytes)
					dstrow[b] = v ^ flip;
				else
					dstrow[(size_t)hi * row_bytes + b - row_bytes] = v ^ flip;
			}
		}
	}
	m->res->n_load++;
	return 0;
}

/* Accumulator update of a MATMUL: written, added (ACCUMULATE, int32 wrapping)
 * or the signed maximum (ACCUMULATE | ACC_MAX). */
enum acc_mode { ACC_WRITE, ACC_ADD, ACC_KEEP_MAX };

static int32_t acc_update(int32_t old, uint32_t result, enum acc_mode mode)
{
	switch (mode) {
	case ACC_ADD:
		return (int32_t)((uint32_t)old + result);
	case ACC_KEEP_MAX:
		return old > (int32_t)result ? old : (int32_t)result;
	case ACC_WRITE:
		break;
	}
	return (int32_t)result;
}

/* MATMUL DEPTHWISE (fields and ranges already checked, weights loaded): lane
 * r < min(ROWS, COLS) correlates activation byte r down the streamed rows
 * with weight row r; every DW_STRIDE-th output row is an output, and with
 * DW_DROP the first DW_KEEP of every DW_KEEP + DW_DROP outputs are kept. */
static void exec_depthwise(struct fm *m, const uint32_t *w, uint64_t arow, uint64_t crow, uint64_t nrows,
			   enum acc_mode mode)
{
	const struct mote_geometry *g = m->g;
	uint64_t stride = (uint64_t)MOTE_CMD_GET(w, MATMUL, DW_STRIDE);
	uint64_t kv = (uint64_t)MOTE_CMD_GET(w, MATMUL, K_VALID), nv = (uint64_t)MOTE_CMD_GET(w, MATMUL, N_VALID);
	uint32_t lanes = g->rows < g->cols ? g->rows : g->cols;
	uint64_t drop = (uint64_t)MOTE_CMD_GET(w, MATMUL, DW_DROP), keep = (uint64_t)MOTE_CMD_GET(w, MATMUL, DW_KEEP);
	const int8_t *act = (const int8_t *)m->abuf;
	for (uint64_t n = 0; n + g->cols <= nrows; n += stride) {
		uint64_t o = n / stride; /* output row */
		if (drop && o % (keep + drop) >= keep)
			continue;
		int32_t *out = m->acc + (size_t)(crow + (drop ? o / (keep + drop) * keep + o % (keep + drop) : o)) * g->cols;
		for (uint32_t r = 0; r < g->cols; r++) {
			uint32_t s = 0; /* int32 wrapping */
			for (uint32_t j = 0; r < lanes && j < g->cols; j++)
				s += (uint32_t)((int32_t)m->wact[(size_t)r * g->cols + j] *
						act[(size_t)(arow + n + j) * g->rows + r]);
			out[r] = acc_update(out[r], s, mode);
		}
		m->res->macs_useful += kv * nv;
		m->res->macs_dense += kv * nv;
	}
	m->res->rows_streamed += nrows;
	m->res->macs_issued += nrows * g->rows * g->cols;
}

static int exec_matmul(struct fm *m, const struct fm_cmd *c)
{
	const uint32_t *w = c->w;
	const struct mote_geometry *g = m->g;
	uint64_t nrows = (uint64_t)MOTE_CMD_GET(w, MATMUL, NROWS);
	uint64_t kv = (uint64_t)MOTE_CMD_GET(w, MATMUL, K_VALID), nv = (uint64_t)MOTE_CMD_GET(w, MATMUL, N_VALID);
	int dw = MOTE_CMD_GET(w, MATMUL, DEPTHWISE) != 0;
	m->res->n_matmul++;
	if (nrows == 0)
		return 0; /* tokens only */
	int sp = MOTE_CMD_GET(w, MATMUL, SPARSE) != 0;
	int ldw0 = MOTE_CMD_GET(w, MATMUL, LOAD_WEIGHTS) != 0;
	uint64_t ahi = (uint64_t)MOTE_CMD_GET(w, MATMUL, ACT_ROW_HI);
	if (kv > (sp ? 2u * g->rows : g->rows) || nv > g->cols)
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	if (sp && (!(g->features & MOTE_FEATURES_SPARSE_MASK) || dw ||
		   ((uint64_t)MOTE_CMD_GET(w, MATMUL, ACT_ROW) ^ ahi) % 2 == 0))
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	if (!ldw0 && sp != m->wsp)
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	if (dw && (!(g->features & MOTE_FEATURES_DEPTHWISE_MASK) || nrows < g->cols ||
		   MOTE_CMD_GET(w, MATMUL, DW_STRIDE) == 0))
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	if (dw && MOTE_CMD_GET(w, MATMUL, DW_DROP) != 0 &&
	    (!(g->features & MOTE_FEATURES_DW_DROP_MASK) || MOTE_CMD_GET(w, MATMUL, DW_KEEP) == 0))
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	int amax = MOTE_CMD_GET(w, MATMUL, ACC_MAX) != 0;
	if (amax && !(g->features & MOTE_FEATURES_ACC_MAX_MASK))
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	int ldw = MOTE_CMD_GET(w, MATMUL, LOAD_WEIGHTS) != 0;
	enum acc_mode mode = !MOTE_CMD_GET(w, MATMUL, ACCUMULATE) ? ACC_WRITE : amax ? ACC_KEEP_MAX : ACC_ADD;
	uint64_t wrow = (uint64_t)MOTE_CMD_GET(w, MATMUL, WGT_ROW);
	uint64_t arow = (uint64_t)MOTE_CMD_GET(w, MATMUL, ACT_ROW);
	uint64_t crow = (uint64_t)MOTE_CMD_GET(w, MATMUL, ACC_ROW);
	uint64_t acc_rows = dw ? nrows - g->cols + 1 : nrows; /* depthwise: checked as if stride 1 */
	uint32_t wt_rows = sp ? g->rows + g->rows / 4 : g->rows;
	if ((ldw && wrow + wt_rows > g->wbuf_depth) || arow + nrows > g->abuf_depth ||
	    (sp && ahi + nrows > g->abuf_depth) || crow + acc_rows > g->acc_depth)
		return fail(m, MOTE_ERR_COMPUTE_RANGE, c->idx, 0);
	if (ldw && sp) { /* the compressed tile (mote_hw.spec): pairs of columns < N_VALID must ascend */
		const uint8_t *t = m->wbuf + (size_t)wrow * g->cols;
		for (uint32_t r = 0; r < g->rows; r++)
			for (uint32_t col = 0; col < g->cols; col++) {
				uint32_t q = r / 4, s = r % 4;
				m->wact[(size_t)r * g->cols + col] = (int8_t)t[((size_t)5 * q + s) * g->cols + col];
				m->widx[(size_t)r * g->cols + col] = t[((size_t)5 * q + 4) * g->cols + col] >> (2 * s) & 3u;
			}
		for (uint32_t r = 0; r < g->rows; r += 2)
			for (uint32_t col = 0; col < nv; col++)
				if (m->widx[(size_t)r * g->cols + col] >= m->widx[(size_t)(r + 1) * g->cols + col])
					return fail(m, MOTE_ERR_SPARSE_META, c->idx, 0);
	} else if (ldw) {
		memcpy(m->wact, m->wbuf + (size_t)wrow * g->cols, (size_t)g->rows * g->cols);
	}
	if (ldw)
		m->wsp = sp;
	if (sp) { /* array row r multiplies element 4*(r/2) + index of the 2*ROWS-byte row */
		for (uint64_t r = 0; r < nrows; r++) {
			const int8_t *lo = (const int8_t *)m->abuf + (size_t)(arow + r) * g->rows;
			const int8_t *hi = (const int8_t *)m->abuf + (size_t)(ahi + r) * g->rows;
			int32_t *out = m->acc + (size_t)(crow + r) * g->cols;
			for (uint32_t col = 0; col < g->cols; col++) {
				uint32_t s = 0; /* int32 wrapping */
				for (uint32_t k = 0; k < g->rows; k++) {
					uint32_t e = 4 * (k / 2) + m->widx[(size_t)k * g->cols + col];
					int8_t a = e < g->rows ? lo[e] : hi[e - g->rows];
					s += (uint32_t)((int32_t)a * m->wact[(size_t)k * g->cols + col]);
				}
				out[col] = acc_update(out[col], s, mode);
			}
		}
		uint64_t kept = 2 * (kv / 4) + (kv % 4 < 2 ? kv % 4 : 2);
		m->res->rows_streamed += nrows;
		m->res->macs_issued += nrows * g->rows * g->cols;
		m->res->macs_useful += nrows * kept * nv;
		m->res->macs_dense += nrows * kv * nv;
		return 0;
	}
	if (dw) {
		exec_depthwise(m, w, arow, crow, nrows, mode);
		return 0;
	}
	for (uint64_t r = 0; r < nrows; r++) {
		const int8_t *a = (const int8_t *)m->abuf + (size_t)(arow + r) * g->rows;
		int32_t *out = m->acc + (size_t)(crow + r) * g->cols;
		for (uint32_t col = 0; col < g->cols; col++) {
			uint32_t s = 0; /* int32 wrapping */
			for (uint32_t k = 0; k < g->rows; k++)
				s += (uint32_t)((int32_t)a[k] * m->wact[(size_t)k * g->cols + col]);
			out[col] = acc_update(out[col], s, mode);
		}
	}
	m->res->rows_streamed += nrows;
	m->res->macs_issued += nrows * g->rows * g->cols;
	m->res->macs_useful += nrows * kv * nv;
	m->res->macs_dense += nrows * kv * nv;
	return 0;
}

/* STORE ADD fields, and the residual add of one value (the spec's formula) */
struct fm_add {
	int on, u8;
	uint32_t addr0;
	struct mote_add_mults mults;
	int32_t zp, out_zp, lo, hi;
};

static void add_fields(const uint32_t *w, struct fm_add *a)
{
	a->on = MOTE_CMD_GET(w, STORE, ADD) != 0;
	a->u8 = MOTE_CMD_GET(w, STORE, ADD_U8) != 0;
	a->addr0 = (uint32_t)MOTE_CMD_GET(w, STORE, ADD_ADDR0);
	a->mults.mult_a = (uint32_t)MOTE_CMD_GET(w, STORE, ADD_MULT_A);
	a->mults.mult_b = (uint32_t)MOTE_CMD_GET(w, STORE, ADD_MULT_B);
	a->mults.shift = (uint32_t)MOTE_CMD_GET(w, STORE, ADD_SHIFT);
	a->zp = (int32_t)MOTE_CMD_GET(w, STORE, ADD_ZP);
	a->out_zp = (int32_t)MOTE_CMD_GET(w, STORE, ADD_OUT_ZP);
	a->lo = (int32_t)MOTE_CMD_GET(w, STORE, ADD_LO);
	a->hi = (int32_t)MOTE_CMD_GET(w, STORE, ADD_HI);
}

/* y the clamped value (|y| < 2^15), r the operand byte */
static uint8_t add_value(const struct fm_add *a, int32_t y, int32_t out_zp, uint8_t r)
{
	int32_t rv = a->u8 ? (int32_t)r : (int32_t)(int8_t)r;
	int64_t t = mote_kernel_add_sum(y - out_zp, rv - a->zp, &a->mults) + a->out_zp;
	t = t < a->lo ? a->lo : t;
	t = t > a->hi ? a->hi : t;
	return (uint8_t)((uint64_t)t & 0xff);
}

static int exec_store(struct fm *m, const struct fm_cmd *c)
{
	const uint32_t *w = c->w;
	const struct mote_geometry *g = m->g;
	uint32_t ncols = (uint32_t)MOTE_CMD_GET(w, STORE, NCOLS);
	if (ncols > g->cols)
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	struct fm_add ad;
	add_fields(w, &ad);
	if (ad.on && (MOTE_CMD_GET(w, STORE, INT32) || !(g->features & MOTE_FEATURES_STORE_ADD_MASK)))
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	int tfl = MOTE_CMD_GET(w, STORE, ROUND_TFL) != 0;
	if (tfl && !(g->features & MOTE_FEATURES_ROUND_TFL_MASK))
		return fail(m, MOTE_ERR_FIELD, c->idx, 0);
	uint64_t n_in = (uint64_t)MOTE_CMD_GET(w, STORE, N_INNER), n_out = (uint64_t)MOTE_CMD_GET(w, STORE, N_OUTER);
	uint64_t crow = (uint64_t)MOTE_CMD_GET(w, STORE, ACC_ROW), brow = (uint64_t)MOTE_CMD_GET(w, STORE, BIAS_ROW);
	if (crow + n_in * n_out > g->acc_depth || brow + MOTE_BIAS_ROWS > g->bbuf_depth)
		return fail(m, MOTE_ERR_STORE_RANGE, c->idx, 0);
	int int32_out = MOTE_CMD_GET(w, STORE, INT32) != 0;
	uint32_t addr0 = (uint32_t)MOTE_CMD_GET(w, STORE, ADDR0);
	int64_t istr = MOTE_CMD_GET(w, STORE, INNER_STRIDE), ostr = MOTE_CMD_GET(w, STORE, OUTER_STRIDE);
	int32_t zp = (int32_t)MOTE_CMD_GET(w, STORE, OUT_ZP);
	int32_t lo = (int32_t)MOTE_CMD_GET(w, STORE, CLAMP_LO), hi = (int32_t)MOTE_CMD_GET(w, STORE, CLAMP_HI);
	size_t brow_bytes = 4u * (size_t)g->cols;
	const uint8_t *bias = m->bbuf + (size_t)brow * brow_bytes;
	for (uint64_t o = 0; o < n_out; o++)
		for (uint64_t i = 0; i < n_in; i++) {
			const int32_t *acc = m->acc + (size_t)(crow + o * n_in + i) * g->cols;
			uint32_t step = (uint32_t)((uint64_t)o * (uint64_t)ostr) + (uint32_t)((uint64_t)i * (uint64_t)istr);
			uint32_t a = addr0 + step, ra = ad.addr0 + step;
			/* the operand row is read before the row is written (READ_WINDOW first) */
			for (uint32_t col = 0; ad.on && col < ncols; col++)
				if (!win_ok(m, ra + col, MOTE_WIN_PERM_R_MASK))
					return fail(m, MOTE_ERR_READ_WINDOW, c->idx, ra + col);
			for (uint32_t col = 0; col < ncols; col++) {
				int32_t b = (int32_t)cc_get_le32(bias + 4u * col);
				int32_t mu = (int32_t)cc_get_le32(bias + brow_bytes + 4u * col);
				int32_t sh = (int32_t)cc_get_le32(bias + 2 * brow_bytes + 4u * col);
				uint8_t bytes[4];
				unsigned nb;
				if (int32_out) {
					cc_put_le32(bytes, (uint32_t)acc[col] + (uint32_t)b);
					nb = 4;
				} else {
					int64_t y = mote_ref_postproc_mode(acc[col], b, mu, sh, zp, lo, hi, tfl);
					bytes[0] = ad.on ? add_value(&ad, (int32_t)y, zp, *mem_at(m, ra + col))
							 : (uint8_t)(y & 0xff);
					nb = 1;
				}
				for (unsigned k = 0; k < nb; k++) {
					uint32_t wa = a + col * nb + k;
					if (!win_ok(m, wa, MOTE_WIN_PERM_W_MASK))
						return fail(m, MOTE_ERR_WRITE_WINDOW, c->idx, wa);
					*mem_at(m, wa) = bytes[k];
					m->res->bytes_written++;
				}
			}
		}
	m->res->n_store++;
	return 0;
}

/* Fetch and decode command `idx`, at addr in the packed stream, into *c (its
 * length in *bytes).  Word 0 first: not an opcode is OPCODE at once; then
 * the command's other words, each checked for execute permission, so a
 * command running out of the executable window is FETCH_WINDOW whatever its
 * word 0 says.  Returns 1 on a job error, 2 for END, 0 for a command bound to
 * queue c->q. */
static int fetch_one(struct fm *m, uint32_t idx, uint32_t addr, struct fm_cmd *c, uint32_t *bytes)
{
	for (uint32_t b = 0; b < 4; b++)
		if (!win_ok(m, addr + b, MOTE_WIN_PERM_X_MASK))
			return fail(m, MOTE_ERR_FETCH_WINDOW, idx, addr + b);
	memset(c->w, 0, sizeof c->w);
	c->w[0] = cc_get_le32(mem_at(m, addr));
	unsigned len = mote_cmd_len(c->w[0]);
	if (len == 0)
		return fail(m, MOTE_ERR_OPCODE, idx, 0);
	for (uint32_t b = 4; b < 4u * len; b++)
		if (!win_ok(m, addr + b, MOTE_WIN_PERM_X_MASK))
			return fail(m, MOTE_ERR_FETCH_WINDOW, idx, addr + b);
	c->idx = idx;
	for (unsigned i = 1; i < len; i++)
		c->w[i] = cc_get_le32(mem_at(m, addr + 4u * i));
	*bytes = 4u * len;
	switch (MOTE_CMD_GET(c->w, HDR, OPCODE)) {
	case MOTE_OP_LOAD: c->q = Q_LOAD; break;
	case MOTE_OP_MATMUL: c->q = Q_COMP; break;
	case MOTE_OP_STORE: c->q = Q_STORE; break;
	case MOTE_OP_SYNC:
		c->q = (uint32_t)MOTE_CMD_GET(c->w, SYNC, QUEUE);
		if (c->q >= NQ)
			return fail(m, MOTE_ERR_FIELD, idx, 0);
		break;
	case MOTE_OP_END: return 2;
	default: return fail(m, MOTE_ERR_OPCODE, idx, 0);
	}
	for (int f = 0; f < NF; f++)
		if (cmd_flag(c->w, f) && flag_token[c->q][f] < 0)
			return fail(m, MOTE_ERR_FIELD, idx, 0);
	return 0;
}

static int runnable(const struct fm *m, const struct fm_cmd *c)
{
	for (int f = F_POP_PREV; f <= F_POP_NEXT; f++)
		if (cmd_flag(c->w, f) && m->tok[flag_token[c->q][f]] == 0)
			return 0;
	return 1;
}

/* Pop, execute, push: one whole command of queue p's head. */
static int execute_head(struct fm *m, int p)
{
	struct fm_queue *fq = &m->q[p];
	const struct fm_cmd *c = &fq->ent[fq->head];
	const int q = (int)c->q; /* the command's unit: its token counters */
	for (int f = F_POP_PREV; f <= F_POP_NEXT; f++)
		if (cmd_flag(c->w, f))
			m->tok[flag_token[q][f]]--;
	int err = 0;
	switch (MOTE_CMD_GET(c->w, HDR, OPCODE)) {
	case MOTE_OP_LOAD: err = exec_load(m, c); break;
	case MOTE_OP_MATMUL: err = exec_matmul(m, c); break;
	case MOTE_OP_STORE: err = exec_store(m, c); break;
	default: m->res->n_sync++; break; /* SYNC */
	}
	if (err)
		return 1;
	for (int f = F_PUSH_PREV; f <= F_PUSH_NEXT; f++) {
		if (!cmd_flag(c->w, f))
			continue;
		int t = flag_token[q][f];
		if (m->tok[t] >= MOTE_TOKEN_MAX)
			return fail(m, MOTE_ERR_TOKEN, c->idx, 0);
		m->tok[t]++;
		if (m->tok[t] > m->res->max_tokens[t])
			m->res->max_tokens[t] = m->tok[t];
	}
	m->res->cmds_done++;
	fq->head = (fq->head + 1) % m->cfg->queue_depth;
	fq->count--;
	return 0;
}

static uint64_t next_rand(uint64_t *s)
{
	/* splitmix64: deterministic, seedable */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Queue whose head runs next under the policy, or -1 if none can. */
static int pick(struct fm *m)
{
	int cand[NQ], n = 0;
	for (int q = 0; q < NQ; q++)
		if (m->q[q].count && runnable(m, &m->q[q].ent[m->q[q].head]))
			cand[n++] = q;
	if (!n)
		return -1;
	switch (m->cfg->policy) {
	case MOTE_FM_RANDOM:
		return cand[next_rand(&m->rng) % (uint64_t)n];
	case MOTE_FM_LOAD_FIRST: {
		static const int order[NQ] = {Q_LOAD, Q_STORE, Q_COMP};
		for (int k = 0; k < NQ; k++)
			for (int j = 0; j < n; j++)
				if (cand[j] == order[k])
					return cand[j];
		return cand[0];
	}
	case MOTE_FM_LOWEST_INDEX:
	default: {
		int best = cand[0];
		for (int j = 1; j < n; j++)
			if (m->q[cand[j]].ent[m->q[cand[j]].head].idx < m->q[best].ent[m->q[best].head].idx)
				best = cand[j];
		return best;
	}
	}
}

static int run(struct fm *m)
{
	const struct mote_fm_config *cfg = m->cfg;
	uint32_t fetch = 0, faddr = cfg->cmd_base & ~(uint32_t)(MOTE_CMD_ALIGN - 1), len = 0;
	int ended = 0;
	struct fm_cmd c;
	for (;;) {
		while (!ended) {
			if (fetch >= cfg->cmd_count)
				return fail(m, MOTE_ERR_NO_END, cfg->cmd_count, 0);
			int r = fetch_one(m, fetch, faddr, &c, &len);
			if (r == 1)
				return 1;
			if (r == 2) {
				ended = 1;
				fetch++;
				break;
			}
			struct fm_queue *fq = &m->q[m->qmap[c.q]];
			if (fq->count == cfg->queue_depth)
				break; /* in-order fetch waits for room */
			fq->ent[(fq->head + fq->count) % cfg->queue_depth] = c;
			fq->count++;
			fetch++;
			faddr += len;
		}
		int q = pick(m);
		if (q >= 0) {
			if (execute_head(m, q))
				return 1;
			continue;
		}
		if (ended && !m->q[0].count && !m->q[1].count && !m->q[2].count) {
			m->res->cmds_done++; /* END */
			return 0;
		}
		/* Nothing can proceed: the hardware's watchdog would fire. */
		uint32_t low = UINT32_MAX;
		for (int k = 0; k < NQ; k++)
			if (m->q[k].count && m->q[k].ent[m->q[k].head].idx < low)
				low = m->q[k].ent[m->q[k].head].idx;
		m->res->deadlock = 1;
		return fail(m, MOTE_ERR_WATCHDOG, low, 0);
	}
}

static int config_ok(const struct mote_fm_config *cfg, uint32_t mem_base, size_t mem_size)
{
	const struct mote_geometry *g = &cfg->geom;
	if (!g->rows || !g->cols || !g->abuf_depth || !g->wbuf_depth || !g->bbuf_depth || !g->acc_depth)
		return 0;
	if (!g->mem_bytes || (g->mem_bytes & (g->mem_bytes - 1u)) || !cfg->queue_depth)
		return 0;
	if ((g->features & MOTE_FEATURES_QUEUES_MASK) >> MOTE_FEATURES_QUEUES_LSB > MOTE_QUEUES_ONE)
		return 0;
	if (g->rows > 4096 || g->cols > 4096 || cfg->queue_depth > 4096)
		return 0;
	for (unsigned i = 0; i < MOTE_NUM_WINDOWS; i++) {
		const struct mote_fm_window *w = &cfg->win[i];
		if (!w->size)
			continue;
		if (w->base % MOTE_WINDOW_ALIGN || w->size % MOTE_WINDOW_ALIGN)
			return 0;
		if (w->base < mem_base || (uint64_t)w->base + w->size > (uint64_t)mem_base + mem_size)
			return 0;
	}
	return 1;
}

static void *alloc_array(size_t n, size_t sz)
{
	size_t bytes;
	if (cc_mul_sz(n, sz, &bytes))
		return NULL;
	return calloc(bytes ? bytes : 1, 1);
}

int mote_fm_run(const struct mote_fm_config *cfg, uint8_t *mem, uint32_t mem_base, size_t mem_size,
		struct mote_fm_result *res)
{
	if (!cfg || !res || (!mem && mem_size) || !config_ok(cfg, mem_base, mem_size))
		return MOTE_CC_EINVAL;
	memset(res, 0, sizeof *res);
	const struct mote_geometry *g = &cfg->geom;
	struct fm m = {.cfg = cfg, .g = g, .mem = mem, .base = mem_base, .size = mem_size, .res = res,
		       .rng = cfg->seed};
	m.abuf = alloc_array((size_t)g->abuf_depth, g->rows);
	m.wbuf = alloc_array((size_t)g->wbuf_depth, g->cols);
	m.bbuf = alloc_array((size_t)g->bbuf_depth, 4u * (size_t)g->cols);
	m.acc = alloc_array((size_t)g->acc_depth * g->cols, sizeof(int32_t));
	m.wact = alloc_array((size_t)g->rows, g->cols);
	m.widx = alloc_array((size_t)g->rows, g->cols);
	int ok = m.abuf && m.wbuf && m.bbuf && m.acc && m.wact && m.widx;
	/* FEATURES.QUEUES: which units share a queue (their commands then run in
	 * stream order, one at a time) */
	switch ((g->features & MOTE_FEATURES_QUEUES_MASK) >> MOTE_FEATURES_QUEUES_LSB) {
	case MOTE_QUEUES_ONE: m.qmap[Q_LOAD] = m.qmap[Q_COMP] = m.qmap[Q_STORE] = 0; break;
	case MOTE_QUEUES_LS:
		m.qmap[Q_LOAD] = m.qmap[Q_STORE] = Q_LOAD;
		m.qmap[Q_COMP] = Q_COMP;
		break;
	default: m.qmap[Q_LOAD] = Q_LOAD, m.qmap[Q_COMP] = Q_COMP, m.qmap[Q_STORE] = Q_STORE; break;
	}
	for (int q = 0; q < NQ; q++) {
		m.q[q].ent = alloc_array(cfg->queue_depth, sizeof(struct fm_cmd));
		ok = ok && m.q[q].ent;
	}
	int rc = MOTE_CC_ENOMEM;
	if (ok) {
		run(&m);
		rc = 0;
	}
	for (int q = 0; q < NQ; q++)
		free(m.q[q].ent);
	free(m.abuf);
	free(m.wbuf);
	free(m.bbuf);
	free(m.acc);
	free(m.wact);
	free(m.widx);
	return rc;
}
