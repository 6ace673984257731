/* tiler.h: the tiler, tile/ of compiler_backend (not public; emit/builder.c
 * is its public face, mote_cc_plan and mote_cc_emit).
 *
 * Pipeline: tl_params_init() picks the tiling for a geometry; tl_gen() walks
 * the loop nest and appends operations (one future command each) in logical
 * order, recording which buffer slot each reads or writes and deriving its
 * dependencies; tl_schedule() merges the three queues' operations into one
 * stream order that lets loads run ahead, and turns dependencies into token
 * flags (inserting SYNC only when a load must wait for a store or the
 * reverse, which share no token channel).
 *
 * Variants (struct tl_variant, a table in tiler.c), each a tiling, its
 * operations and its weight blob: dense convolutions (tiler_params.c,
 * tiler_gen.c, tiler_blob.c), depthwise ones on MATMUL DEPTHWISE
 * (tiler_dw.c), global sums (tiler_gsum.c, chosen by tl_dw_params), max
 * pooling on MATMUL ACC_MAX (tiler_max.c).  They build on the primitives of
 * tiler_prim.c (operations and their dependencies, the shared LOADs and
 * STOREs, tile geometry); the bias blob is tiler_blob.c's for all of them.
 *
 * Who calls whom (no cycle; compiler_backend/README.md):
 *   tiler.c -> the variants -> tiler_prim.c;  tiler_dw.c -> tiler_gsum.c;
 *   tiler_sched.c and tiler_prim.c call no other file of tile/.
 */
#ifndef MOTE_TILER_H
#define MOTE_TILER_H

#include <stddef.h>
#include <stdint.h>

#include "core/cc_internal.h"
#include "mote/mote_hw.h"

/* Helpers of the variants' arithmetic. */
static inline uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static inline uint32_t div_up(uint32_t a, uint32_t b) { return a / b + (a % b != 0); }
/* Half of a buffer's d rows for one slot of two, or all of them when d < 2. */
static inline uint32_t half_or_all(uint32_t d) { return d >= 2 ? d / 2 : d; }

/* The largest value of a 16-bit row field (buffer rows, NROWS). */
#define ROW_FIELD_MAX 65535u

enum { TQ_LOAD = MOTE_QUEUE_LOAD, TQ_COMP = MOTE_QUEUE_COMPUTE, TQ_STORE = MOTE_QUEUE_STORE, TQ_N = 3 };

/* Buffer slots are the unit of dependency tracking; an activation slot is
 * tracked per reduction tile (tile i of a slot is resource i % TL_ASUB), so a
 * MATMUL waits only for the LOAD of its own tile, not for the whole slot. */
#define TL_MAX_ASLOTS 4
#define TL_ASUB 32
#define TL_MAX_WSLOTS 4
#define TL_MAX_CSLOTS 8
#define TL_MAX_BSLOTS 16
/* With K chunked, an accumulator slot holds a group's output tiles; each is
 * tracked on its own (tile j is resource j % TL_CSUB of the slot), so a tile's
 * STORE waits only for its own last MATMUL and the next tile's MATMULs do not
 * wait for that STORE. */
#define TL_CSUB 8
enum {
	RES_ACT0 = 0,
	RES_WGT0 = RES_ACT0 + TL_MAX_ASLOTS * TL_ASUB,
	RES_ACC0 = RES_WGT0 + TL_MAX_WSLOTS,
	RES_ACCT0 = RES_ACC0 + TL_MAX_CSLOTS,
	RES_BIAS0 = RES_ACCT0 + TL_MAX_CSLOTS * TL_CSUB,
	RES_BIAS_ALL = RES_BIAS0 + TL_MAX_BSLOTS,
	RES_N
};
_Static_assert(RES_N <= 256, "resource ids are stored in uint8_t");

struct tl_params {
	struct mote_geometry g;        /* depths clamped to what 16-bit row fields reach */
	const struct mote_cc_conv *op;
	uint32_t oh, ow;
	uint32_t seg_len;              /* reduction bytes per contiguous input run */
	uint32_t seg_per_ky;           /* 1 (run = kw*cin) or kw (dilated: run = cin) */
	uint32_t tiles_per_seg;
	uint32_t kt, nt;               /* reduction tiles (with correction passes), output-channel tiles */
	uint32_t kt_real;              /* reduction tiles of the kernel itself */
	int32_t w_off;                 /* the array gets weight - w_off (128 for uint8, else 0) */
	int32_t corr[2];               /* constant weights of the correction passes */
	uint32_t n_corr;               /* correction passes: tiles kt_real*(q+1) .. read the input again */
	uint32_t kc, chunks;           /* reduction tiles per chunk, chunks */
	uint32_t nox, noy, nbx, nby;   /* output-pixel tile rectangle and counts */
	uint32_t m_rows;               /* nox * noy: largest tile */
	uint32_t ng, groups;           /* output tiles per accumulator group (K chunked) */
	uint32_t a_slots, w_slots, c_slots, b_slots;
	uint32_t byte_cost;            /* see tl_params_init */
	int act_runs;                  /* one-pixel tiles: a segment's tiles in one LOAD (serial tiling) */
	int w_resident;                /* every weight tile loaded once (serial tiling): slot n is output tile n's */
	uint32_t a_slot_rows, w_slot_rows, c_slot_rows;
	int bias_all;                  /* every tile's bias rows resident at once */
	size_t weight_bytes, bias_bytes, input_bytes, output_bytes;
	uint32_t esize;                /* output element bytes */
	uint8_t pad_byte;              /* LOAD PAD: the input zero point byte */
	int xor_msb;                   /* uint8 input */
	uint32_t tile_ch;              /* output channels per tile (bias blob): cols, or lanes */
	/* depthwise only (dw = 1); nt is then the channel groups, kt = k_w * row_groups */
	int dw;
	uint32_t lanes;                /* channels per group: min(rows, cols) (max pooling too) */
	uint32_t nrows;                /* NROWS of the largest pixel tile */
	uint64_t rows_streamed;        /* sum of NROWS over the MATMULs */
	uint32_t row_groups;           /* kernel-row groups: MATMULs per kernel column */
	uint32_t group_taps;           /* kernel rows per group (the last may have fewer) */
	uint32_t extra_rows;           /* rows the last group's stream starts below the first's */
	/* packed columns (tiler_dw.c, MATMUL DW_DROP): one MATMUL per kernel
	 * column streams every output column of the pixel tile back to back */
	int dw_pack;
	uint32_t dw_span;              /* stream rows of one output's window: (k_h-1)*dil_h + 1 */
	/* paired groups (LOAD_SPLIT): one LOAD reads two channel groups' bytes of
	 * each pixel, group 2i's rows at the slot's start, group 2i+1's dw_hi on */
	int dw_pair;
	uint32_t dw_hi;
	/* global sums only (dw = gsum = 1, tiler_gsum.c): the nt channel groups in
	 * batches of at most nb (full_batches of full groups, then the partial
	 * group alone), the pixels in chunks of cols rows */
	int gsum;
	int gsum_same;                 /* one bias, mult, shift for every channel */
	uint32_t gsum_nb, gsum_full_batches, gsum_batches, gsum_chunks;
	/* max pooling only (maxpool = 1): nt channel groups of `lanes`, kt = k_h * k_w taps */
	int maxpool;
	/* 2:4 sparse weights (op->sparse, MATMUL SPARSE): a reduction tile is kr =
	 * 2*rows bytes, its weights wt_rows = rows + rows/4 buffer rows (the
	 * compressed tile), its activations two half-tiles of rows bytes, mh =
	 * m_rows | 1 buffer rows apart (an odd distance: the two halves are in
	 * the activation buffer's two banks).  Dense: kr = wt_rows = rows. */
	int sparse;
	uint32_t kr, wt_rows;
	/* dense, FEATURES.LOAD_SPLIT: two reduction tiles of a segment per
	 * activation LOAD (HI_ROWS), the tiles mh = m_rows | 1 rows apart */
	int k_pairs;
};

/* Activation-buffer rows of one reduction tile of a pixel tile: m_rows, or
 * sparse both halves (2 * (m_rows | 1)), or with k_pairs m_rows | 1; and a
 * sparse half-tile's (or a pair's second tile's) distance. */
static inline uint32_t tl_mh(const struct tl_params *p) { return p->m_rows | 1u; }
static inline uint32_t tl_at_rows(const struct tl_params *p)
{
	return p->sparse ? 2u * tl_mh(p) : p->k_pairs ? tl_mh(p) : p->m_rows;
}

struct tl_op {
	uint32_t w[MOTE_CMD_WORDS];    /* command without token flags */
	uint8_t q;
	uint8_t nres;
	uint8_t res[3];
	uint8_t wr[3];
	int32_t dep[TQ_N];             /* latest op of each queue this one needs complete */
	uint32_t qpos;                 /* position in its queue */
};

struct tl_ops {
	struct tl_op *v;
	size_t n, cap;
	/* dependency state per resource */
	int32_t last_writer[RES_N];
	int32_t last_reader[RES_N][TQ_N];
	uint32_t qcount[TQ_N];
};

struct tl_stream {
	uint32_t (*w)[MOTE_CMD_WORDS];
	int32_t (*ka)[TQ_N];           /* per command: latest command of each queue known complete */
	uint8_t *q;
	size_t n, cap;
	int32_t k[TQ_N][TQ_N];         /* per queue: knowledge of the next command */
	int32_t *comp;                 /* stream indices of compute commands */
	size_t ncomp;
	uint32_t n_load, n_matmul, n_store, n_sync;
};

/* Generator state (tiler.c's tl_gen, for the variants' generators). */
struct tl_gen {
	const struct tl_params *p;
	const struct mote_cc_addrs *a;
	struct tl_ops *ops;
	struct mote_cc_diag *diag;
	uint32_t w_next, c_next, b_next; /* ring positions */
	uint32_t cur_c;                   /* accumulator slot of the current group */
	uint32_t w_pre, has_w_pre;        /* the next step's first weights, loaded ahead into slot w_pre */
	uint32_t cur_b[TL_MAX_BSLOTS];    /* bias slot of each tile of the current group */
};

/* Set field F of command w (opcode OP) to v, or fail with ERANGE naming the
 * field: never truncated.  Needs a struct tl_gen *x in scope. */
#define SETF(w, OP, F, v)                                                                              \
	do {                                                                                           \
		int64_t v_ = (int64_t)(v);                                                             \
		if (!MOTE_CMD_FITS(OP, F, v_))                                                         \
			return cc_fail(x->diag, MOTE_CC_ERANGE, #OP "." #F " = %lld does not fit its field", \
				       (long long)v_);                                                 \
		MOTE_CMD_SET(w, OP, F, v_);                                                            \
	} while (0)

/* ---- entry points (tiler.c; tl_schedule: tiler_sched.c; tl_write_bias: tiler_blob.c;
 * tl_ops_free: tiler_prim.c) ------------------------------------------------------- */

/* One queue for every unit (FEATURES.QUEUES ONE): commands run one at a time. */
static inline int tl_serial(const struct mote_geometry *g)
{
	return (g->features & MOTE_FEATURES_QUEUES_MASK) >> MOTE_FEATURES_QUEUES_LSB == MOTE_QUEUES_ONE;
}

/* byte_cost: cycles a byte of commands is worth to the serial tiling's
 * choice (0: cycles alone; the model compiler raises it when a model does
 * not fit the device's memory). */
int tl_params_init(struct tl_params *p, const struct mote_geometry *g, const struct mote_cc_conv *op, uint32_t byte_cost,
		   struct mote_cc_diag *diag);
int tl_gen(const struct tl_params *p, const struct mote_cc_addrs *a, struct tl_ops *ops,
	   struct mote_cc_diag *diag);
int tl_schedule(const struct tl_ops *ops, struct tl_stream *s, struct mote_cc_diag *diag);
void tl_ops_free(struct tl_ops *ops);
void tl_stream_free(struct tl_stream *s);
void tl_write_weights(const struct tl_params *p, uint8_t *dst);
void tl_write_bias(const struct tl_params *p, uint8_t *dst);

/* ---- primitives (tiler_prim.c) ---------------------------------------------------- */

/* Operation building: start one, name what it reads or writes, then finish
 * it (dependencies derived, appended). */
int tl_new_op(struct tl_gen *x, int q, unsigned opcode, struct tl_op **out);
void tl_op_access(struct tl_op *op, unsigned res, int wr);
void tl_finish_op(struct tl_gen *x);
/* The ADD fields of a STORE writing output offset off (the operand has the
 * output's layout), when the operator has a fused add. */
/* One STORE of the operator's output: n_inner x n_outer accumulator rows from
 * acc_row on, NCOLS columns, written at byte offset off of the output (and
 * read there from a fused add's operand, which has the output's layout) with
 * the given byte steps; the requantization and the add come from the
 * operator.  It reads resources acc_res and bias_res. */
struct tl_store {
	uint32_t acc_row, bias_row, n_inner, n_outer, ncols;
	uint64_t off, inner_step, outer_step;
	unsigned acc_res, bias_res;
};
int tl_emit_store(struct tl_gen *x, const struct tl_store *s);
/* A MATMUL DEPTHWISE: its fields, and the slots it reads and writes (the
 * weight slot only when it loads weights). */
struct tl_dw_mm {
	uint32_t stride, keep, drop, accumulate, load_weights;
	uint64_t wgt_row, act_row, acc_row;
	uint32_t nrows, kv, nv;
	uint32_t aslot, wres, cslot;
};
int tl_dw_matmul(struct tl_gen *x, const struct tl_dw_mm *m);
/* LOAD of n_rows contiguous rows of row_bytes from a blob into a buffer. */
int tl_blob_load(struct tl_gen *x, unsigned dst, uint32_t addr, uint32_t buf_row, uint32_t n_rows,
		 uint32_t row_bytes, unsigned res);
/* LOAD of the bias rows of tiles n_first.. n_first+n_tiles-1. */
int tl_bias_load(struct tl_gen *x, uint32_t n_first, uint32_t n_tiles, uint32_t buf_row, unsigned res);

/* Geometry of reduction tile t: segment (ky, kx0), first byte j0 in it, count. */
struct tl_ktile {
	uint32_t ky, kx0, j0, cnt;
};
struct tl_ktile tl_ktile(const struct tl_params *p, uint32_t t);

/* Output-pixel tiling (nox, noy, nbx, nby, m_rows) for at most m_cap pixels
 * per tile: whole output rows when one fits, else one row split along x. */
void tl_pixel_tile(struct tl_params *p, uint32_t m_cap);

/* Output pixels of pixel tile mt. */
uint32_t tl_tile_pixels(const struct tl_params *p, uint32_t mt);

/* Activation LOAD for pixel tile mt of the window position (ky, kx0) of
 * input channels j0 .. j0+cnt-1 (bytes of the segment at kx0): one buffer
 * row per output pixel, row-major over the tile, from buf_row on. */
int tl_window_load(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t buf_row, unsigned res);
/* The same for two reduction tiles of one segment, k.cnt bytes (at most
 * 2*rows) by LOAD HI_ROWS: the second tile's rows hi (odd) on, resource res_hi. */
int tl_window_load_pair(struct tl_gen *x, uint32_t mt, struct tl_ktile k, uint32_t buf_row, unsigned res,
			uint32_t hi, unsigned res_hi);

/* STORE of pixel tile mt, output channels ch0 .. ch0+ncols-1, from
 * accumulator rows cslot*c_slot_rows + acc_row on (row-major over the tile),
 * tracked as resource acc_res. */
int tl_tile_store(struct tl_gen *x, uint32_t mt, uint32_t ch0, uint32_t ncols, uint32_t cslot, uint32_t acc_row,
		  unsigned acc_res, uint32_t bias_row, unsigned bias_res);

/* ---- variants -------------------------------------------------------------------- */

/* A variant: its tiling (after the common checks of tl_params_init, which
 * filled g, op, oh, ow, the tensor sizes and the 2:4 fields; NULL where
 * another variant's tiling chooses it), its operations, its weight blob. */
struct tl_variant {
	const char *name;
	int (*params)(struct tl_params *p, struct mote_cc_diag *diag);
	int (*gen)(struct tl_gen *x);
	void (*write_weights)(const struct tl_params *p, uint8_t *dst);
};

/* Dense (tiler_params.c, tiler_gen.c, tiler_blob.c). */
int tl_dense_params(struct tl_params *p, struct mote_cc_diag *diag);
int tl_dense_gen(struct tl_gen *x);
void tl_dense_write_weights(const struct tl_params *p, uint8_t *dst);

/* Depthwise (tiler_dw.c): the tiling (global sums go to tl_gsum_params from
 * it), the operations, the weight blob. */
int tl_dw_params(struct tl_params *p, struct mote_cc_diag *diag);
int tl_dw_gen(struct tl_gen *x);
void tl_dw_write_weights(const struct tl_params *p, uint8_t *dst);

/* Global sums (tiler_gsum.c, a depthwise convolution that is one): whether
 * the op is one (all-ones weights, window == input, output 1x1), then the
 * three pieces. */
int tl_gsum_applies(const struct tl_params *p);
int tl_gsum_params(struct tl_params *p, struct mote_cc_diag *diag);
int tl_gsum_gen(struct tl_gen *x);
void tl_gsum_write_weights(const struct tl_params *p, uint8_t *dst);

/* Max pooling (tiler_max.c): the same three pieces. */
int tl_max_params(struct tl_params *p, struct mote_cc_diag *diag);
int tl_max_gen(struct tl_gen *x);
void tl_max_write_weights(const struct tl_params *p, uint8_t *dst);

#endif
