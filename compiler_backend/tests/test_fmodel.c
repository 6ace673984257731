/* test_fmodel.c: the functional model on hand-written streams: LOAD 2-D
 * semantics (padding, COUNT, XOR_MSB) observed through an identity-weight
 * MATMUL and an INT32 STORE, requantizing STORE, MATMUL DEPTHWISE and
 * ACC_MAX (dense and depthwise) against a direct computation, and every
 * malformed-stream error with its code and command index. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"

#define MEM 0x10000u
#define CMDS 0x0000u   /* X window [0, 0x1000) */
#define SRC 0x1000u    /* R window [0x1000, 0x8000) */
#define DST 0x8000u    /* W window [0x8000, 0x10000) */

#define RIG_MAX_CMDS 1024

struct rig {
	uint8_t *mem;
	uint32_t n;                  /* commands put; the next goes at off[n] */
	uint32_t off[RIG_MAX_CMDS + 1]; /* byte offset of command i from cmd_base (off[0] 0) */
	struct mote_fm_config cfg;
	struct mote_fm_result res;
};

static struct rig *rig_new(uint32_t rows, uint32_t cols)
{
	struct rig *r = calloc(1, sizeof *r);
	ck_assert_ptr_nonnull(r);
	r->mem = calloc(MEM, 1);
	ck_assert_ptr_nonnull(r->mem);
	r->cfg.geom = tc_geom(rows, cols);
	r->cfg.queue_depth = 8;
	r->cfg.cmd_base = CMDS;
	r->cfg.win[0] = (struct mote_fm_window){CMDS, 0x1000, MOTE_WIN_PERM_X_MASK};
	r->cfg.win[1] = (struct mote_fm_window){SRC, 0x7000, MOTE_WIN_PERM_R_MASK};
	r->cfg.win[2] = (struct mote_fm_window){DST, 0x8000, MOTE_WIN_PERM_W_MASK};
	return r;
}

static void rig_free(struct rig *r)
{
	free(r->mem);
	free(r);
}

/* Append a command (words w) to the packed stream at cmd_base (after command
 * n - 1: setting n rewinds). */
static void put(struct rig *r, const uint32_t *w)
{
	ck_assert_uint_lt(r->n, RIG_MAX_CMDS);
	r->off[r->n + 1] = r->off[r->n] + (uint32_t)mote_cmd_pack(r->mem + r->cfg.cmd_base + r->off[r->n], w);
	r->n++;
}

static void run(struct rig *r)
{
	r->cfg.cmd_count = r->n;
	ck_assert_int_eq(mote_fm_run(&r->cfg, r->mem, 0, MEM, &r->res), 0);
}

static void op(uint32_t *w, unsigned opcode)
{
	memset(w, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(w, HDR, OPCODE, opcode);
}

static void end(struct rig *r)
{
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_END);
	put(r, w);
}

/* A MATMUL of nrows activation rows from row 0 with the weights at wgt_row
 * (waiting for the load's token), an INT32 STORE of them to DST, and END. */
static void matmul_store(struct rig *r, uint32_t wgt_row, uint32_t nrows)
{
	uint32_t R = r->cfg.geom.rows, C = r->cfg.geom.cols, w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, HDR, POP_PREV, 1);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1);
	MOTE_CMD_SET(w, MATMUL, LOAD_WEIGHTS, 1);
	MOTE_CMD_SET(w, MATMUL, WGT_ROW, wgt_row);
	MOTE_CMD_SET(w, MATMUL, NROWS, nrows);
	MOTE_CMD_SET(w, MATMUL, K_VALID, R);
	MOTE_CMD_SET(w, MATMUL, N_VALID, C);
	put(r, w);
	op(w, MOTE_OP_STORE);
	MOTE_CMD_SET(w, HDR, POP_PREV, 1);
	MOTE_CMD_SET(w, STORE, INT32, 1);
	MOTE_CMD_SET(w, STORE, N_INNER, nrows);
	MOTE_CMD_SET(w, STORE, N_OUTER, 1);
	MOTE_CMD_SET(w, STORE, ADDR0, DST);
	MOTE_CMD_SET(w, STORE, INNER_STRIDE, 4 * C);
	MOTE_CMD_SET(w, STORE, NCOLS, C);
	put(r, w);
	end(r);
}

/* Identity weights into wbuf rows 0..rows-1 from SRC+0x3000 and a MATMUL of
 * nrows activation rows, then an INT32 STORE of them to DST (zero bias). */
static void identity_pipeline(struct rig *r, uint32_t nrows)
{
	uint32_t R = r->cfg.geom.rows, C = r->cfg.geom.cols, w[MOTE_CMD_WORDS];
	for (uint32_t i = 0; i < R; i++)
		for (uint32_t c = 0; c < C; c++)
			r->mem[SRC + 0x3000 + i * C + c] = i == c;
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1);
	MOTE_CMD_SET(w, LOAD, DST, MOTE_BUF_WGT);
	MOTE_CMD_SET(w, LOAD, ADDR0, SRC + 0x3000);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, R * C);
	MOTE_CMD_SET(w, LOAD, SX, C);
	MOTE_CMD_SET(w, LOAD, N_INNER, R);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, C);
	put(r, w);
	matmul_store(r, 0, nrows);
}

static int32_t out32(const struct rig *r, uint32_t row, uint32_t col)
{
	const uint8_t *p = r->mem + DST + 4 * (row * r->cfg.geom.cols + col);
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

START_TEST(load_2d_padding)
{
	/* A 5x7 byte image; 3 outer rows from y=-1 step 2, 4 inner rows from x=-2
	 * step 3, COUNT 3 of 4 bytes, PAD 0x11, XOR_MSB off then on. */
	for (int flip = 0; flip < 2; flip++) {
		struct rig *r = rig_new(4, 4);
		const int H = 5, W = 7;
		for (int i = 0; i < H * W; i++)
			r->mem[SRC + i] = (uint8_t)(i * 7 + 1);
		uint32_t w[MOTE_CMD_WORDS];
		op(w, MOTE_OP_LOAD);
		MOTE_CMD_SET(w, LOAD, DST, MOTE_BUF_ACT);
		MOTE_CMD_SET(w, LOAD, XOR_MSB, flip);
		MOTE_CMD_SET(w, LOAD, ADDR0, SRC + (uint32_t)(-1 * W - 2)); /* byte (y=-1, x=-2) */
		MOTE_CMD_SET(w, LOAD, OUTER_STEP, 2 * W);
		MOTE_CMD_SET(w, LOAD, Y0, -1);
		MOTE_CMD_SET(w, LOAD, SY, 2);
		MOTE_CMD_SET(w, LOAD, X0, -2);
		MOTE_CMD_SET(w, LOAD, SX, 3);
		MOTE_CMD_SET(w, LOAD, HEIGHT, H);
		MOTE_CMD_SET(w, LOAD, WIDTH, W);
		MOTE_CMD_SET(w, LOAD, N_INNER, 4);
		MOTE_CMD_SET(w, LOAD, N_OUTER, 3);
		MOTE_CMD_SET(w, LOAD, COUNT, 3);
		MOTE_CMD_SET(w, LOAD, PAD, 0x11);
		put(r, w);
		identity_pipeline(r, 12);
		run(r);
		ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
		for (int o = 0; o < 3; o++)
			for (int i = 0; i < 4; i++)
				for (int b = 0; b < 4; b++) {
					int y = -1 + 2 * o, x = -2 + 3 * i + b;
					uint8_t v = b < 3 && y >= 0 && y < H && x >= 0 && x < W ? (uint8_t)((y * W + x) * 7 + 1) : 0x11;
					if (flip)
						v ^= 0x80;
					ck_assert_int_eq(out32(r, (uint32_t)(o * 4 + i), (uint32_t)b), (int8_t)v);
				}
		ck_assert_uint_eq(r->res.macs_issued, 12 * 16);
		ck_assert_uint_eq(r->res.cmds_done, 5);
		rig_free(r);
	}
}
END_TEST

/* LOAD W_PAIR (spec 2.5): weight rows two per source row, into rows 2n and
 * 2n+1 from BUF_ROW (odd here: the pairs straddle the buffer's banks in the
 * RTL); identity activations read the weights back through a MATMUL. */
static void pair_stream(struct rig *r, uint32_t buf_row, uint32_t dst, uint32_t count)
{
	uint32_t R = r->cfg.geom.rows, C = r->cfg.geom.cols, w[MOTE_CMD_WORDS];
	for (uint32_t i = 0; i < R; i++)
		for (uint32_t c = 0; c < R; c++)
			r->mem[SRC + 0x2000 + i * R + c] = i == c;
	for (uint32_t i = 0; i < R * C; i++)
		r->mem[SRC + 0x3000 + i] = (uint8_t)(i * 37 + 5);
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, DST, MOTE_BUF_ACT);
	MOTE_CMD_SET(w, LOAD, ADDR0, SRC + 0x2000);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, R * R);
	MOTE_CMD_SET(w, LOAD, SX, R);
	MOTE_CMD_SET(w, LOAD, N_INNER, R);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, R);
	put(r, w);
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1);
	MOTE_CMD_SET(w, LOAD, DST, dst);
	MOTE_CMD_SET(w, LOAD, W_PAIR, 1);
	MOTE_CMD_SET(w, LOAD, ADDR0, SRC + 0x3000);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, R * C);
	MOTE_CMD_SET(w, LOAD, SX, 2 * C);
	MOTE_CMD_SET(w, LOAD, N_INNER, R / 2);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, BUF_ROW, buf_row);
	MOTE_CMD_SET(w, LOAD, COUNT, count);
	put(r, w);
	matmul_store(r, buf_row, R);
}

START_TEST(load_weight_pairs)
{
	const uint32_t R = 4, C = 4;
	struct rig *r = rig_new(R, C);
	r->cfg.geom.features |= MOTE_FEATURES_W_PAIR_MASK;
	uint32_t depth = r->cfg.geom.wbuf_depth;
	/* odd and even first rows, the last pair ending at the buffer's last row */
	const uint32_t firsts[] = {1, 0, depth - R};
	for (unsigned t = 0; t < 3; t++) {
		r->n = 0;
		pair_stream(r, firsts[t], MOTE_BUF_WGT, 2 * C);
		run(r);
		ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
		for (uint32_t i = 0; i < R; i++)
			for (uint32_t c = 0; c < C; c++)
				ck_assert_int_eq(out32(r, i, c), (int8_t)(uint8_t)((i * C + c) * 37 + 5));
		/* each weight byte read once: four pairs of two rows */
		ck_assert_uint_eq(r->res.bytes_read, R * R + R * C);
	}
	/* COUNT below 2*COLS: the second row's missing bytes are padding (PAD 0) */
	r->n = 0;
	pair_stream(r, 1, MOTE_BUF_WGT, C + 1);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	for (uint32_t i = 0; i < R; i++)
		for (uint32_t c = 0; c < C; c++)
			ck_assert_int_eq(out32(r, i, c), i % 2 == 0 || c == 0 ? (int8_t)(uint8_t)((i * C + c) * 37 + 5) : 0);
	/* the errors: past the buffer by one row, on the activation buffer, COUNT above 2*COLS, no feature */
	struct {
		uint32_t buf_row, dst, count;
		int feat, err;
	} bad[] = {
		{depth - R + 1, MOTE_BUF_WGT, 2 * C, 1, MOTE_ERR_LOAD_RANGE},
		{0, MOTE_BUF_ACT, 2 * C, 1, MOTE_ERR_FIELD},
		{0, MOTE_BUF_WGT, 2 * C + 1, 1, MOTE_ERR_FIELD},
		{0, MOTE_BUF_WGT, 2 * C, 0, MOTE_ERR_FIELD},
	};
	for (unsigned t = 0; t < sizeof bad / sizeof bad[0]; t++) {
		r->n = 0;
		if (!bad[t].feat)
			r->cfg.geom.features &= ~MOTE_FEATURES_W_PAIR_MASK;
		pair_stream(r, bad[t].buf_row, bad[t].dst, bad[t].count);
		run(r);
		ck_assert_int_eq(r->res.err_code, bad[t].err);
		ck_assert_uint_eq(r->res.err_cmd, 1); /* the pair LOAD */
	}
	rig_free(r);
}
END_TEST

START_TEST(store_requant)
{
	struct rig *r = rig_new(4, 4);
	/* activations: row 0 = 10, -7, 3, 100 via identity weights */
	const int8_t a[4] = {10, -7, 3, 100};
	memcpy(r->mem + SRC, a, 4);
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, ADDR0, SRC);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, 4);
	MOTE_CMD_SET(w, LOAD, N_INNER, 1);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, 4);
	put(r, w);
	/* bias rows: bias 1,1,1,1; mult 2^30; shift 31 (scale 1/2) */
	for (int c = 0; c < 4; c++) {
		uint32_t vals[3] = {1, 1u << 30, 31};
		for (int k = 0; k < 3; k++)
			for (int b = 0; b < 4; b++)
				r->mem[SRC + 0x100 + k * 16 + c * 4 + b] = (uint8_t)(vals[k] >> (8 * b));
	}
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, DST, MOTE_BUF_BIAS);
	MOTE_CMD_SET(w, LOAD, ADDR0, SRC + 0x100);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, 48);
	MOTE_CMD_SET(w, LOAD, SX, 16);
	MOTE_CMD_SET(w, LOAD, N_INNER, 3);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, 16);
	put(r, w);
	identity_pipeline(r, 1);
	/* rewrite the STORE (command 4) as requantizing with zp 2, clamp [-128, 50] */
	uint32_t *st = w;
	op(st, MOTE_OP_STORE);
	MOTE_CMD_SET(st, HDR, POP_PREV, 1);
	MOTE_CMD_SET(st, STORE, N_INNER, 1);
	MOTE_CMD_SET(st, STORE, N_OUTER, 1);
	MOTE_CMD_SET(st, STORE, ADDR0, DST);
	MOTE_CMD_SET(st, STORE, NCOLS, 3);
	MOTE_CMD_SET(st, STORE, OUT_ZP, 2);
	MOTE_CMD_SET(st, STORE, CLAMP_LO, -128);
	MOTE_CMD_SET(st, STORE, CLAMP_HI, 50);
	r->n = 4;
	put(r, st);
	end(r);
	memset(r->mem + DST, 0xee, 8);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	ck_assert_int_eq((int8_t)r->mem[DST + 0], 6 + 2);  /* (10+1)/2 = 5.5 -> 6 */
	ck_assert_int_eq((int8_t)r->mem[DST + 1], -3 + 2); /* -6/2 = -3 */
	ck_assert_int_eq((int8_t)r->mem[DST + 2], 2 + 2);  /* 4/2 = 2 */
	ck_assert_int_eq(r->mem[DST + 3], 0xee);           /* NCOLS 3: column 3 untouched */
	rig_free(r);
}
END_TEST

/* LOAD of n contiguous rows of row_bytes from addr into buffer dst at row 0. */
static void put_rows(struct rig *r, unsigned dst, uint32_t addr, uint32_t n, uint32_t row_bytes, int push)
{
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, push);
	MOTE_CMD_SET(w, LOAD, DST, dst);
	MOTE_CMD_SET(w, LOAD, ADDR0, addr);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, n * row_bytes);
	MOTE_CMD_SET(w, LOAD, SX, row_bytes);
	MOTE_CMD_SET(w, LOAD, N_INNER, n);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, row_bytes);
	put(r, w);
}

START_TEST(matmul_depthwise)
{
	/* 4x8: lanes L = 4, columns 4..7 written 0.  MATMUL 1: 12 rows, stride 2:
	 * outputs n = 0, 2, 4 to accumulator rows 0..2.  MATMUL 2 accumulates 9
	 * rows from activation row 1, stride 1: n = 0, 1 onto rows 0, 1. */
	struct rig *r = rig_new(4, 8);
	const uint32_t R = 4, C = 8, NA = 13;
	int8_t act[13][4], wgt[4][8];
	for (uint32_t i = 0; i < NA; i++)
		for (uint32_t k = 0; k < R; k++)
			act[i][k] = (int8_t)(i * 37 + k * 11 - 90);
	for (uint32_t k = 0; k < R; k++)
		for (uint32_t j = 0; j < C; j++)
			wgt[k][j] = (int8_t)(k * 53 - j * 29 + 7);
	memcpy(r->mem + SRC, act, sizeof act);
	memcpy(r->mem + SRC + 0x3000, wgt, sizeof wgt);
	put_rows(r, MOTE_BUF_ACT, SRC, NA, R, 0);
	put_rows(r, MOTE_BUF_WGT, SRC + 0x3000, R, C, 1);
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, HDR, POP_PREV, 1);
	MOTE_CMD_SET(w, MATMUL, DEPTHWISE, 1);
	MOTE_CMD_SET(w, MATMUL, DW_STRIDE, 2);
	MOTE_CMD_SET(w, MATMUL, LOAD_WEIGHTS, 1);
	MOTE_CMD_SET(w, MATMUL, NROWS, 12);
	MOTE_CMD_SET(w, MATMUL, K_VALID, 3);
	MOTE_CMD_SET(w, MATMUL, N_VALID, 5);
	put(r, w);
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1);
	MOTE_CMD_SET(w, MATMUL, DEPTHWISE, 1);
	MOTE_CMD_SET(w, MATMUL, DW_STRIDE, 1);
	MOTE_CMD_SET(w, MATMUL, ACCUMULATE, 1);
	MOTE_CMD_SET(w, MATMUL, ACT_ROW, 1);
	MOTE_CMD_SET(w, MATMUL, NROWS, 9);
	MOTE_CMD_SET(w, MATMUL, K_VALID, 4);
	MOTE_CMD_SET(w, MATMUL, N_VALID, 8);
	put(r, w);
	op(w, MOTE_OP_STORE);
	MOTE_CMD_SET(w, HDR, POP_PREV, 1);
	MOTE_CMD_SET(w, STORE, INT32, 1);
	MOTE_CMD_SET(w, STORE, N_INNER, 3);
	MOTE_CMD_SET(w, STORE, N_OUTER, 1);
	MOTE_CMD_SET(w, STORE, ADDR0, DST);
	MOTE_CMD_SET(w, STORE, INNER_STRIDE, 4 * C);
	MOTE_CMD_SET(w, STORE, NCOLS, C);
	put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	for (uint32_t row = 0; row < 3; row++)
		for (uint32_t col = 0; col < C; col++) {
			int32_t want = 0;
			for (uint32_t j = 0; col < R && j < C; j++) {
				want += wgt[col][j] * act[2 * row + j][col];
				if (row < 2)
					want += wgt[col][j] * act[1 + row + j][col];
			}
			ck_assert_int_eq(out32(r, row, col), want);
		}
	ck_assert_uint_eq(r->res.rows_streamed, 12 + 9);
	ck_assert_uint_eq(r->res.macs_issued, (12 + 9) * R * C);
	ck_assert_uint_eq(r->res.macs_useful, 3 * 3 * 5 + 2 * 4 * 8); /* per accumulator row written */
	rig_free(r);
}
END_TEST

/* ACC_MAX: dense 8x8 with weights W, three MATMULs on the same 5 rows:
 * written, then ACCUMULATE|ACC_MAX, then ACC_MAX alone (a plain write, the
 * flag needs ACCUMULATE) and again ACCUMULATE|ACC_MAX; then a depthwise
 * MATMUL with ACCUMULATE|ACC_MAX onto rows 0..1.  Checked against a direct
 * computation of sums and signed maxima. */
static void mm(struct rig *r, uint32_t act_row, uint32_t nrows, int accum, int amax, int dw, int ldw, int push)
{
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, HDR, POP_PREV, ldw);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, push);
	MOTE_CMD_SET(w, MATMUL, LOAD_WEIGHTS, ldw);
	MOTE_CMD_SET(w, MATMUL, ACCUMULATE, accum);
	MOTE_CMD_SET(w, MATMUL, ACC_MAX, amax);
	MOTE_CMD_SET(w, MATMUL, DEPTHWISE, dw);
	MOTE_CMD_SET(w, MATMUL, DW_STRIDE, 1);
	MOTE_CMD_SET(w, MATMUL, ACT_ROW, act_row);
	MOTE_CMD_SET(w, MATMUL, NROWS, nrows);
	MOTE_CMD_SET(w, MATMUL, K_VALID, 1);
	MOTE_CMD_SET(w, MATMUL, N_VALID, 8);
	put(r, w);
}

static int32_t dense_row(int8_t act[][8], int8_t wgt[][8], uint32_t row, uint32_t col)
{
	int32_t s = 0;
	for (uint32_t k = 0; k < 8; k++)
		s += act[row][k] * wgt[k][col];
	return s;
}

START_TEST(matmul_acc_max)
{
	struct rig *r = rig_new(8, 8);
	int8_t act[24][8], wgt[8][8];
	for (uint32_t i = 0; i < 24; i++)
		for (uint32_t k = 0; k < 8; k++)
			act[i][k] = (int8_t)(i * 101 + k * 67 - 50);
	for (uint32_t k = 0; k < 8; k++)
		for (uint32_t j = 0; j < 8; j++)
			wgt[k][j] = (int8_t)(k * 31 - j * 45 + 3);
	memcpy(r->mem + SRC, act, sizeof act);
	memcpy(r->mem + SRC + 0x3000, wgt, sizeof wgt);
	put_rows(r, MOTE_BUF_ACT, SRC, 24, 8, 0);
	put_rows(r, MOTE_BUF_WGT, SRC + 0x3000, 8, 8, 1);
	mm(r, 0, 5, 0, 0, 0, 1, 0);  /* rows 0..4 = act 0..4 */
	mm(r, 5, 5, 1, 1, 0, 0, 0);  /* max with act 5..9 */
	mm(r, 10, 5, 1, 1, 0, 0, 0); /* max with act 10..14 */
	mm(r, 15, 8, 1, 1, 1, 0, 1); /* depthwise max onto row 0 (rows 15..22, one output) */
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_STORE);
	MOTE_CMD_SET(w, HDR, POP_PREV, 1);
	MOTE_CMD_SET(w, STORE, INT32, 1);
	MOTE_CMD_SET(w, STORE, N_INNER, 5);
	MOTE_CMD_SET(w, STORE, N_OUTER, 1);
	MOTE_CMD_SET(w, STORE, ADDR0, DST);
	MOTE_CMD_SET(w, STORE, INNER_STRIDE, 32);
	MOTE_CMD_SET(w, STORE, NCOLS, 8);
	put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	int differs = 0; /* a sum would give other values */
	for (uint32_t row = 0; row < 5; row++)
		for (uint32_t col = 0; col < 8; col++) {
			int32_t want = dense_row(act, wgt, row, col);
			for (uint32_t t = 1; t < 3; t++) {
				int32_t v = dense_row(act, wgt, row + 5 * t, col);
				want = v > want ? v : want;
			}
			if (row == 0) {
				int32_t v = 0;
				for (uint32_t j = 0; j < 8; j++)
					v += wgt[col][j] * act[15 + j][col];
				differs += v != 0 && want != v;
				want = v > want ? v : want;
			}
			differs += want != dense_row(act, wgt, row, col) + dense_row(act, wgt, row + 5, col);
			ck_assert_int_eq(out32(r, row, col), want);
		}
	ck_assert_int_gt(differs, 20);
	ck_assert_uint_eq(r->res.macs_useful, 3 * 5 * 8 + 8);
	/* ACC_MAX without ACCUMULATE writes: the rows become act 0..4 again */
	r->n = 0;
	put_rows(r, MOTE_BUF_ACT, SRC, 24, 8, 0);
	put_rows(r, MOTE_BUF_WGT, SRC + 0x3000, 8, 8, 1);
	mm(r, 5, 5, 1, 0, 0, 1, 0); /* a sum first, then overwritten */
	mm(r, 0, 5, 0, 1, 0, 0, 1);
	put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	for (uint32_t row = 0; row < 5; row++)
		for (uint32_t col = 0; col < 8; col++)
			ck_assert_int_eq(out32(r, row, col), dense_row(act, wgt, row, col));
	rig_free(r);
}
END_TEST

/* One bad command (after a good SYNC) and END; expect code at index 1. */
static void expect_error_features(void (*make)(uint32_t *w), uint32_t code, uint32_t features)
{
	struct rig *r = rig_new(8, 8);
	r->cfg.geom.features = features;
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_SYNC);
	put(r, w);
	make(w);
	put(r, w);
	end(r);
	run(r);
	ck_assert_msg(r->res.err_code == code, "got %s, want %s", mote_hw_err_name(r->res.err_code),
		      mote_hw_err_name(code));
	ck_assert_uint_eq(r->res.err_cmd, code == MOTE_ERR_NONE ? 0 : 1);
	rig_free(r);
}

static void expect_error(void (*make)(uint32_t *w), uint32_t code)
{
	expect_error_features(make, code, tc_geom(8, 8).features);
}

static void bad_opcode(uint32_t *w) { op(w, 5); }
static void bad_opcode0(uint32_t *w) { op(w, 0); }
static void bad_dst(uint32_t *w) { op(w, MOTE_OP_LOAD); MOTE_CMD_SET(w, LOAD, DST, 3); }
static void load_pop_prev(uint32_t *w) { op(w, MOTE_OP_LOAD); MOTE_CMD_SET(w, HDR, POP_PREV, 1); }
static void store_push_next(uint32_t *w) { op(w, MOTE_OP_STORE); MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1); }
static void sync_queue3(uint32_t *w) { op(w, MOTE_OP_SYNC); MOTE_CMD_SET(w, SYNC, QUEUE, 3); }
static void load_count(uint32_t *w) { op(w, MOTE_OP_LOAD); MOTE_CMD_SET(w, LOAD, COUNT, 9); }
static void store_ncols(uint32_t *w) { op(w, MOTE_OP_STORE); MOTE_CMD_SET(w, STORE, NCOLS, 9); }
static void matmul_kvalid(uint32_t *w) { op(w, MOTE_OP_MATMUL); MOTE_CMD_SET(w, MATMUL, NROWS, 1); MOTE_CMD_SET(w, MATMUL, K_VALID, 9); }
static void load_range(uint32_t *w)
{
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, BUF_ROW, 4090);
	MOTE_CMD_SET(w, LOAD, N_INNER, 3);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 3); /* rows 4090..4098 > 4096 */
}
static void compute_range(uint32_t *w)
{
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, MATMUL, ACC_ROW, 1000);
	MOTE_CMD_SET(w, MATMUL, NROWS, 25);
}
static void compute_range_w(uint32_t *w)
{
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, MATMUL, LOAD_WEIGHTS, 1);
	MOTE_CMD_SET(w, MATMUL, WGT_ROW, 1017);
	MOTE_CMD_SET(w, MATMUL, NROWS, 1);
}
static void store_range(uint32_t *w) { op(w, MOTE_OP_STORE); MOTE_CMD_SET(w, STORE, BIAS_ROW, 94); }
/* MATMUL DEPTHWISE on 8x8 (COLS 8; accumulator 1024 rows, activations 4096) */
static void dw(uint32_t *w, uint32_t nrows, uint32_t stride)
{
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, MATMUL, DEPTHWISE, 1);
	MOTE_CMD_SET(w, MATMUL, NROWS, nrows);
	MOTE_CMD_SET(w, MATMUL, DW_STRIDE, stride);
}
static void dw_short(uint32_t *w) { dw(w, 7, 1); }
static void dw_stride0(uint32_t *w) { dw(w, 8, 0); }
static void dw_tokens_only(uint32_t *w) { dw(w, 0, 0); }
static void dw_kvalid(uint32_t *w) { dw(w, 8, 1); MOTE_CMD_SET(w, MATMUL, N_VALID, 9); }
static void dw_acc_edge(uint32_t *w) /* rows 1019..1023 as if stride 1: fits */
{
	dw(w, 12, 4);
	MOTE_CMD_SET(w, MATMUL, ACC_ROW, 1019);
}
static void dw_acc_range(uint32_t *w) /* writes rows 1020, 1021 but is checked up to 1024 */
{
	dw(w, 12, 4);
	MOTE_CMD_SET(w, MATMUL, ACC_ROW, 1020);
}
static void dw_act_range(uint32_t *w)
{
	dw(w, 9, 1);
	MOTE_CMD_SET(w, MATMUL, ACT_ROW, 4096 - 8);
}
static void dw_wgt_range(uint32_t *w)
{
	dw(w, 8, 1);
	MOTE_CMD_SET(w, MATMUL, LOAD_WEIGHTS, 1);
	MOTE_CMD_SET(w, MATMUL, WGT_ROW, 1017);
}
static void acc_max_rows(uint32_t *w)
{
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, MATMUL, ACCUMULATE, 1);
	MOTE_CMD_SET(w, MATMUL, ACC_MAX, 1);
	MOTE_CMD_SET(w, MATMUL, NROWS, 3);
}
static void acc_max_tokens_only(uint32_t *w) { acc_max_rows(w); MOTE_CMD_SET(w, MATMUL, NROWS, 0); }
static void read_window(uint32_t *w)
{
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, ADDR0, DST); /* writable but not readable */
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, 8);
	MOTE_CMD_SET(w, LOAD, N_INNER, 1);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, 8);
}
static void write_window(uint32_t *w)
{
	op(w, MOTE_OP_STORE);
	MOTE_CMD_SET(w, STORE, N_INNER, 1);
	MOTE_CMD_SET(w, STORE, N_OUTER, 1);
	MOTE_CMD_SET(w, STORE, ADDR0, SRC + 0x20); /* readable only */
	MOTE_CMD_SET(w, STORE, NCOLS, 1);
}

/* STORE ADD: one row from the accumulator into DST, the operand in SRC (readable) */
static void store_add(uint32_t *w)
{
	write_window(w);
	MOTE_CMD_SET(w, STORE, ADDR0, DST);
	MOTE_CMD_SET(w, STORE, ADD, 1);
	MOTE_CMD_SET(w, STORE, ADD_ADDR0, SRC + 3);
	MOTE_CMD_SET(w, STORE, ADD_MULT_A, 1);
	MOTE_CMD_SET(w, STORE, ADD_HI, 127);
}
static void store_add_int32(uint32_t *w) { store_add(w); MOTE_CMD_SET(w, STORE, INT32, 1); }
static void store_add_int32_norows(uint32_t *w) { store_add_int32(w); MOTE_CMD_SET(w, STORE, N_INNER, 0); }
static void store_add_unreadable(uint32_t *w) { store_add(w); MOTE_CMD_SET(w, STORE, ADD_ADDR0, DST + 0x40); }
static void store_add_range(uint32_t *w) { store_add_int32(w); MOTE_CMD_SET(w, STORE, BIAS_ROW, 94); }
/* STORE ROUND_TFL: one row into DST, rounded as TFLite */
static void store_tfl(uint32_t *w)
{
	write_window(w);
	MOTE_CMD_SET(w, STORE, ADDR0, DST);
	MOTE_CMD_SET(w, STORE, ROUND_TFL, 1);
}
static void store_tfl_range(uint32_t *w) { store_tfl(w); MOTE_CMD_SET(w, STORE, BIAS_ROW, 94); }

START_TEST(malformed_streams)
{
	expect_error(store_add, MOTE_ERR_NONE);
	expect_error(store_add_int32, MOTE_ERR_FIELD);
	expect_error(store_add_int32_norows, MOTE_ERR_FIELD);
	expect_error(store_add_unreadable, MOTE_ERR_READ_WINDOW);
	expect_error(store_add_range, MOTE_ERR_FIELD); /* FIELD before the range checks */
	expect_error_features(store_add, MOTE_ERR_FIELD, tc_geom(8, 8).features & ~MOTE_FEATURES_STORE_ADD_MASK);
	expect_error(store_tfl, MOTE_ERR_NONE);
	expect_error_features(store_tfl, MOTE_ERR_FIELD, tc_geom(8, 8).features & ~MOTE_FEATURES_ROUND_TFL_MASK);
	expect_error_features(store_tfl_range, MOTE_ERR_FIELD, tc_geom(8, 8).features & ~MOTE_FEATURES_ROUND_TFL_MASK);
	expect_error(store_tfl_range, MOTE_ERR_STORE_RANGE);
	expect_error(bad_opcode, MOTE_ERR_OPCODE);
	expect_error(bad_opcode0, MOTE_ERR_OPCODE);
	expect_error(bad_dst, MOTE_ERR_FIELD);
	expect_error(load_pop_prev, MOTE_ERR_FIELD);
	expect_error(store_push_next, MOTE_ERR_FIELD);
	expect_error(sync_queue3, MOTE_ERR_FIELD);
	expect_error(load_count, MOTE_ERR_FIELD);
	expect_error(store_ncols, MOTE_ERR_FIELD);
	expect_error(matmul_kvalid, MOTE_ERR_FIELD);
	expect_error(load_range, MOTE_ERR_LOAD_RANGE);
	expect_error(compute_range, MOTE_ERR_COMPUTE_RANGE);
	expect_error(compute_range_w, MOTE_ERR_COMPUTE_RANGE);
	expect_error(store_range, MOTE_ERR_STORE_RANGE);
	expect_error(dw_short, MOTE_ERR_FIELD);
	expect_error(dw_stride0, MOTE_ERR_FIELD);
	expect_error(dw_tokens_only, MOTE_ERR_NONE);
	expect_error(dw_kvalid, MOTE_ERR_FIELD);
	expect_error(dw_acc_edge, MOTE_ERR_NONE);
	expect_error(dw_acc_range, MOTE_ERR_COMPUTE_RANGE);
	expect_error(dw_act_range, MOTE_ERR_COMPUTE_RANGE);
	expect_error(dw_wgt_range, MOTE_ERR_COMPUTE_RANGE);
	uint32_t no_dw = tc_geom(8, 8).features & ~MOTE_FEATURES_DEPTHWISE_MASK;
	expect_error_features(dw_acc_edge, MOTE_ERR_FIELD, no_dw);
	expect_error_features(dw_tokens_only, MOTE_ERR_NONE, no_dw);
	uint32_t no_max = tc_geom(8, 8).features & ~MOTE_FEATURES_ACC_MAX_MASK;
	expect_error(acc_max_rows, MOTE_ERR_NONE);
	expect_error_features(acc_max_rows, MOTE_ERR_FIELD, no_max);
	expect_error_features(acc_max_tokens_only, MOTE_ERR_NONE, no_max);
	expect_error(read_window, MOTE_ERR_READ_WINDOW);
	expect_error(write_window, MOTE_ERR_WRITE_WINDOW);
}
END_TEST

START_TEST(window_addresses_and_padding)
{
	/* A LOAD whose rows are all padding reads nothing: no window error. */
	struct rig *r = rig_new(8, 8);
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, ADDR0, 0xfff00000u);
	MOTE_CMD_SET(w, LOAD, Y0, -3);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 2);
	MOTE_CMD_SET(w, LOAD, WIDTH, 8);
	MOTE_CMD_SET(w, LOAD, N_INNER, 2);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, 8);
	put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	ck_assert_uint_eq(r->res.bytes_read, 0);
	/* A read crossing the end of the readable window reports the word address. */
	r->n = 0;
	op(w, MOTE_OP_LOAD);
	MOTE_CMD_SET(w, LOAD, ADDR0, DST - 5);
	MOTE_CMD_SET(w, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(w, LOAD, WIDTH, 8);
	MOTE_CMD_SET(w, LOAD, N_INNER, 1);
	MOTE_CMD_SET(w, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(w, LOAD, COUNT, 8);
	put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_READ_WINDOW);
	ck_assert_uint_eq(r->res.err_addr, DST); /* 16-byte words: DST is the first bad word */
	ck_assert_uint_eq(r->res.err_cmd, 0);
	/* Fetch outside the executable window. */
	op(w, MOTE_OP_SYNC);
	r->n = 0;
	r->cfg.cmd_base = CMDS + 0x1000 - 2 * 4; /* two good one-word commands before the edge */
	put(r, w);
	put(r, w);
	r->cfg.cmd_count = 4;
	ck_assert_int_eq(mote_fm_run(&r->cfg, r->mem, 0, MEM, &r->res), 0);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_FETCH_WINDOW);
	ck_assert_uint_eq(r->res.err_cmd, 2);
	ck_assert_uint_eq(r->res.err_addr, 0x1000);
	rig_free(r);
}
END_TEST

START_TEST(no_end_deadlock_tokens)
{
	struct rig *r = rig_new(8, 8);
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_SYNC);
	put(r, w);
	put(r, w);
	run(r); /* no END within CMD_COUNT */
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NO_END);
	ck_assert_uint_eq(r->res.err_cmd, 2);
	/* A MATMUL waiting for a load token nobody pushes. */
	r->n = 0;
	op(w, MOTE_OP_SYNC);
	put(r, w);
	op(w, MOTE_OP_MATMUL);
	MOTE_CMD_SET(w, HDR, POP_PREV, 1);
	put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_WATCHDOG);
	ck_assert_int_eq(r->res.deadlock, 1);
	ck_assert_uint_eq(r->res.err_cmd, 1);
	/* 256 pushes of l2c with no pop: the 256th overflows TOKEN_MAX. */
	r->cfg.win[0].size = MEM; /* long streams: all of memory executable */
	r->n = 0;
	op(w, MOTE_OP_SYNC);
	MOTE_CMD_SET(w, SYNC, QUEUE, MOTE_QUEUE_LOAD);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1);
	for (unsigned i = 0; i <= MOTE_TOKEN_MAX; i++)
		put(r, w);
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_TOKEN);
	ck_assert_uint_eq(r->res.err_cmd, MOTE_TOKEN_MAX);
	/* Same stream with a compute SYNC popping each: completes. */
	r->n = 0;
	uint32_t pop[MOTE_CMD_WORDS];
	op(pop, MOTE_OP_SYNC);
	MOTE_CMD_SET(pop, SYNC, QUEUE, MOTE_QUEUE_COMPUTE);
	MOTE_CMD_SET(pop, HDR, POP_PREV, 1);
	for (unsigned i = 0; i <= MOTE_TOKEN_MAX; i++) {
		put(r, w);
		put(r, pop);
	}
	end(r);
	run(r);
	ck_assert_int_eq(r->res.err_code, MOTE_ERR_NONE);
	ck_assert_uint_eq(r->res.cmds_done, r->n);
	/* Invalid configurations are refused, not run. */
	r->cfg.queue_depth = 0;
	ck_assert_int_eq(mote_fm_run(&r->cfg, r->mem, 0, MEM, &r->res), MOTE_CC_EINVAL);
	r->cfg.queue_depth = 8;
	r->cfg.win[3] = (struct mote_fm_window){MEM, 64, MOTE_WIN_PERM_R_MASK}; /* outside mem */
	ck_assert_int_eq(mote_fm_run(&r->cfg, r->mem, 0, MEM, &r->res), MOTE_CC_EINVAL);
	rig_free(r);
}
END_TEST

static void sync_cmd(struct rig *r, uint32_t queue, int pop_prev, int pop_next, int push_prev, int push_next)
{
	uint32_t w[MOTE_CMD_WORDS];
	op(w, MOTE_OP_SYNC);
	MOTE_CMD_SET(w, SYNC, QUEUE, queue);
	MOTE_CMD_SET(w, HDR, POP_PREV, pop_prev);
	MOTE_CMD_SET(w, HDR, POP_NEXT, pop_next);
	MOTE_CMD_SET(w, HDR, PUSH_PREV, push_prev);
	MOTE_CMD_SET(w, HDR, PUSH_NEXT, push_next);
	put(r, w);
}

/* Run the stream with FEATURES.QUEUES = queues; expect completion, or a
 * deadlock (WATCHDOG) at command dl_cmd when dl_cmd >= 0. */
static void run_queues(struct rig *r, uint32_t queues, int dl_cmd)
{
	r->cfg.geom.features = (r->cfg.geom.features & ~MOTE_FEATURES_QUEUES_MASK) | queues << MOTE_FEATURES_QUEUES_LSB;
	run(r);
	if (dl_cmd < 0) {
		ck_assert_msg(r->res.err_code == MOTE_ERR_NONE, "queues %u: error %u at %u", queues, r->res.err_code,
			      r->res.err_cmd);
		ck_assert_uint_eq(r->res.cmds_done, r->n);
	} else {
		ck_assert_msg(r->res.err_code == MOTE_ERR_WATCHDOG && r->res.deadlock, "queues %u: error %u, no deadlock",
			      queues, r->res.err_code);
		ck_assert_uint_eq(r->res.err_cmd, (uint32_t)dl_cmd);
	}
}

/* FEATURES.QUEUES: units sharing a queue run its commands in stream order, so
 * a wait for a token a later command pushes deadlocks there (and only there). */
START_TEST(shared_queues)
{
	struct rig *r = rig_new(8, 8);
	/* in stream order (load -> compute -> store -> compute -> load): runs on all three */
	sync_cmd(r, MOTE_QUEUE_LOAD, 0, 0, 0, 1);
	sync_cmd(r, MOTE_QUEUE_COMPUTE, 1, 0, 0, 1);
	sync_cmd(r, MOTE_QUEUE_STORE, 1, 0, 1, 0);
	sync_cmd(r, MOTE_QUEUE_COMPUTE, 0, 1, 1, 0);
	sync_cmd(r, MOTE_QUEUE_LOAD, 0, 1, 0, 0);
	end(r);
	for (uint32_t q = MOTE_QUEUES_THREE; q <= MOTE_QUEUES_ONE; q++)
		run_queues(r, q, -1);
	/* a load waiting for the compute command behind it: one queue deadlocks */
	r->n = 0;
	sync_cmd(r, MOTE_QUEUE_LOAD, 0, 1, 0, 0);
	sync_cmd(r, MOTE_QUEUE_COMPUTE, 0, 0, 1, 0);
	end(r);
	run_queues(r, MOTE_QUEUES_THREE, -1);
	run_queues(r, MOTE_QUEUES_LS, -1);
	run_queues(r, MOTE_QUEUES_ONE, 0);
	/* a store waiting for a compute that waits for the load behind the store:
	 * load and store sharing a queue deadlock */
	r->n = 0;
	sync_cmd(r, MOTE_QUEUE_STORE, 1, 0, 0, 0);
	sync_cmd(r, MOTE_QUEUE_COMPUTE, 1, 0, 0, 1);
	sync_cmd(r, MOTE_QUEUE_LOAD, 0, 0, 0, 1);
	end(r);
	run_queues(r, MOTE_QUEUES_THREE, -1);
	run_queues(r, MOTE_QUEUES_LS, 0);
	run_queues(r, MOTE_QUEUES_ONE, 0);
	/* QUEUES 3 is not a device */
	r->cfg.geom.features |= MOTE_FEATURES_QUEUES_MASK;
	ck_assert_int_eq(mote_fm_run(&r->cfg, r->mem, 0, MEM, &r->res), MOTE_CC_EINVAL);
	rig_free(r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fmodel");
	TCase *tc = tcase_create("fmodel");
	tcase_add_test(tc, load_2d_padding);
	tcase_add_test(tc, load_weight_pairs);
	tcase_add_test(tc, store_requant);
	tcase_add_test(tc, matmul_depthwise);
	tcase_add_test(tc, matmul_acc_max);
	tcase_add_test(tc, malformed_streams);
	tcase_add_test(tc, window_addresses_and_padding);
	tcase_add_test(tc, no_end_deadlock_tokens);
	tcase_add_test(tc, shared_queues);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
