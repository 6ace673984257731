/* test_builder.c: command builder -> functional model, bit-exact against the
 * reference executor on random GEMM and convolution shapes for the 4x4, 8x8
 * and 16x16 geometries (default buffer depths and tiny ones that force K
 * chunking and single-slot rings), under three model schedules and queue
 * depths 1..8; plus degenerate shapes, K far beyond the buffers, the ideal
 * utilization figures and the builder's error paths.  Depthwise
 * convolutions (MATMUL DEPTHWISE) the same way on 4x4, 8x8, 16x16, 4x8 and
 * 8x4, with buffers small enough to split the image into many pixel tiles,
 * kernels taller than the columns (kernel-row groups) included.
 * MOTE_CC_TEST_CASES overrides the random cases per geometry (default 320;
 * depthwise: half that). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"
#include "mote/mote_kernels.h"

struct tc_case {
	struct mote_cc_conv op;
	int8_t *w;
	int32_t *bias, *mult, *shift;
	uint8_t *in;
	uint8_t *opnd; /* the fused add's operand, or NULL */
};

static void case_free(struct tc_case *c)
{
	free(c->w);
	free(c->bias);
	free(c->mult);
	free(c->shift);
	free(c->in);
	free(c->opnd);
}

/* A fused residual add on a quarter of the byte-output cases: the operand's
 * type and zero point, ratios from 1/64 to 64 (through the host kernel's
 * multipliers) or raw fields, a Relu-like clamp now and then. */
static void case_add(struct tc_case *c, uint64_t *s, size_t out_bytes)
{
	struct mote_cc_conv *op = &c->op;
	if (op->out_type == MOTE_CC_INT32 || tc_rand(s) % 4)
		return;
	struct mote_cc_add *a = &op->add;
	a->on = 1;
	a->type = tc_rand(s) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
	a->zp = a->type == MOTE_CC_UINT8 ? (int32_t)tc_range(s, 0, 255) : (int32_t)tc_range(s, -128, 127);
	struct mote_add_mults m = {(uint32_t)tc_range(s, 0, 65535), (uint32_t)tc_range(s, 0, 65535),
				   (uint32_t)tc_range(s, 0, 63)};
	if (tc_rand(s) % 4) {
		float sa = (float)tc_range(s, 1, 4096) / 64.0f, sb = (float)tc_range(s, 1, 4096) / 64.0f;
		ck_assert_int_eq(mote_kernel_add_mults(sa, sb, (float)tc_range(s, 1, 4096) / 64.0f, &m), 0);
	}
	a->mult_a = m.mult_a, a->mult_b = m.mult_b, a->shift = m.shift;
	int32_t lo = op->out_type == MOTE_CC_UINT8 ? 0 : -128, hi = lo + 255;
	a->sum_zp = (int32_t)tc_range(s, lo, hi);
	a->lo = tc_rand(s) % 3 ? lo : a->sum_zp;
	a->hi = hi;
	c->opnd = malloc(out_bytes ? out_bytes : 1);
	ck_assert(c->opnd != NULL);
	for (size_t i = 0; i < out_bytes; i++)
		c->opnd[i] = (uint8_t)tc_rand(s);
}

/* Fill data and quantization for c->op's shape (dims already set). */
static void case_fill(struct tc_case *c, uint64_t *s)
{
	struct mote_cc_conv *op = &c->op;
	uint32_t cig = op->in_c / (op->groups ? op->groups : 1); /* input channels per output channel */
	size_t nw = (size_t)op->k_h * op->k_w * cig * op->out_c;
	size_t nin = (size_t)op->in_h * op->in_w * op->in_c;
	c->w = malloc(nw);
	c->bias = malloc(op->out_c * sizeof(int32_t));
	c->mult = malloc(op->out_c * sizeof(int32_t));
	c->shift = malloc(op->out_c * sizeof(int32_t));
	c->in = malloc(nin);
	ck_assert(c->w && c->bias && c->mult && c->shift && c->in);
	for (size_t i = 0; i < nw; i++)
		c->w[i] = (int8_t)tc_range(s, -128, 127);
	for (size_t i = 0; i < nin; i++)
		c->in[i] = (uint8_t)tc_rand(s);
	op->in_type = tc_rand(s) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
	op->in_zp = op->in_type == MOTE_CC_UINT8 ? (int32_t)tc_range(s, 0, 255) : (int32_t)tc_range(s, -128, 127);
	/* weight encodings: int8 symmetric (half the cases), int8 with a zero
	 * point, uint8 with a zero point (the last two need correction passes) */
	int wt = (int)tc_range(s, 0, 3);
	op->w_type = wt == 3 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
	op->w_zp = wt < 2 ? 0 : wt == 2 ? (int32_t)tc_range(s, -128, 127) : (int32_t)tc_range(s, 0, 255);
	if (wt == 3 && tc_rand(s) % 4 == 0)
		op->w_zp = 0; /* w_off - w_zp = 128: two passes of 64 */
	int ot = (int)tc_range(s, 0, 2);
	op->out_type = ot == 0 ? MOTE_CC_INT8 : ot == 1 ? MOTE_CC_UINT8 : MOTE_CC_INT32;
	int32_t lo = op->out_type == MOTE_CC_UINT8 ? 0 : -128, hi = lo + 255;
	op->out_zp = (int32_t)tc_range(s, lo, hi);
	op->clamp_lo = lo;
	op->clamp_hi = hi;
	if (tc_rand(s) % 3 == 0) { /* a fused ReLU-like clamp */
		op->clamp_lo = (int32_t)tc_range(s, lo, hi);
		op->clamp_hi = (int32_t)tc_range(s, op->clamp_lo, hi);
	}
	/* Scales that keep outputs mostly inside the clamp: acc ~ 2^14 sqrt(K). */
	uint64_t k = (uint64_t)op->k_h * op->k_w * cig;
	int lg = 0;
	while ((1ull << (2 * lg)) < k)
		lg++;
	for (uint32_t o = 0; o < op->out_c; o++) {
		c->bias[o] = (int32_t)tc_range(s, -100000, 100000);
		c->mult[o] = (int32_t)tc_range(s, 1 << 30, 0x7fffffff);
		c->shift[o] = (int32_t)tc_range(s, 36 + lg, 40 + lg);
	}
	if (tc_rand(s) % 8 == 0) /* some raw hardware values, any sign and shift */
		for (uint32_t o = 0; o < op->out_c; o++) {
			c->mult[o] = (int32_t)(uint32_t)tc_rand(s);
			c->shift[o] = (int32_t)(uint32_t)tc_rand(s);
		}
	op->weights = c->w;
	op->bias = tc_rand(s) % 5 ? c->bias : NULL;
	op->mult = c->mult;
	op->shift = c->shift;
	uint32_t oh, ow;
	ck_assert_int_eq(mote_cc_conv_check(op, &oh, &ow, NULL), 0);
	case_add(c, s, (size_t)oh * ow * op->out_c);
}

static void random_conv(struct tc_case *c, uint64_t *s)
{
	struct mote_cc_conv *op = &c->op;
	for (;;) {
		memset(op, 0, sizeof *op);
		int gemm = tc_rand(s) % 5 < 2;
		if (gemm) {
			int bigk = tc_rand(s) % 6 == 0;
			op->in_h = (uint32_t)tc_range(s, 1, 70);
			op->in_w = 1;
			op->in_c = (uint32_t)(bigk ? tc_range(s, 200, 1500) : tc_range(s, 1, 64));
			op->out_c = (uint32_t)tc_range(s, 1, 40);
			op->k_h = op->k_w = 1;
			op->stride_h = op->stride_w = op->dil_h = op->dil_w = 1;
		} else {
			op->in_h = (uint32_t)tc_range(s, 1, 12);
			op->in_w = (uint32_t)tc_range(s, 1, 12);
			op->in_c = (uint32_t)tc_range(s, 1, 20);
			op->out_c = (uint32_t)tc_range(s, 1, 24);
			op->k_h = (uint32_t)tc_range(s, 1, 5);
			op->k_w = (uint32_t)tc_range(s, 1, 5);
			op->stride_h = (uint32_t)tc_range(s, 1, 3);
			op->stride_w = (uint32_t)tc_range(s, 1, 3);
			op->dil_h = (uint32_t)(tc_rand(s) % 4 ? 1 : tc_range(s, 2, 3));
			op->dil_w = (uint32_t)(tc_rand(s) % 4 ? 1 : tc_range(s, 2, 3));
			op->pad_top = (uint32_t)tc_range(s, 0, 4);
			op->pad_bottom = (uint32_t)tc_range(s, 0, 4);
			op->pad_left = (uint32_t)tc_range(s, 0, 4);
			op->pad_right = (uint32_t)tc_range(s, 0, 4);
		}
		op->weights = (const int8_t *)"";
		op->in_type = MOTE_CC_INT8;
		op->out_type = MOTE_CC_INT32;
		if (mote_cc_conv_check(op, NULL, NULL, NULL) == 0)
			break;
	}
	case_fill(c, s);
}

/* Small buffers: K chunks, one-slot rings, bias rows reloaded per tile. */
static struct mote_geometry tiny_geom(uint32_t rows, uint32_t cols, uint64_t *s)
{
	struct mote_geometry g = tc_geom(rows, cols);
	g.abuf_depth = (uint32_t)tc_range(s, 1, 96);
	g.wbuf_depth = (uint32_t)tc_range(s, rows, 5 * rows);
	g.acc_depth = (uint32_t)tc_range(s, 1, 40);
	g.bbuf_depth = (uint32_t)tc_range(s, 3, 13);
	return g;
}

/* Run one case and compare with the reference; 0 when equal. */
static int check_case(const struct mote_geometry *g, struct tc_case *c, struct tc_run *run, const char *tag)
{
	uint32_t oh, ow;
	ck_assert_int_eq(mote_cc_conv_check(&c->op, &oh, &ow, NULL), 0);
	size_t bytes = (size_t)oh * ow * c->op.out_c * mote_cc_dtype_size(c->op.out_type);
	uint8_t *ref = malloc(bytes), *hw = malloc(bytes);
	ck_assert(ref && hw);
	ck_assert_int_eq(mote_ref_conv(&c->op, c->in, ref), 0);
	if (c->op.add.on)
		ck_assert_int_eq(mote_ref_add(&c->op, c->opnd, ref), 0);
	run->operand = c->opnd;
	int bad = tc_run_conv(g, &c->op, c->in, hw, run);
	const struct mote_cc_conv *op = &c->op;
	if (!bad && memcmp(ref, hw, bytes) != 0)
		snprintf(run->why, sizeof run->why, "output differs from the reference"), bad = 1;
	if (!bad && !run->canary_ok)
		snprintf(run->why, sizeof run->why, "memory outside the output changed"), bad = 1;
	if (!bad && run->res.macs_useful != run->plan.macs_useful)
		snprintf(run->why, sizeof run->why, "useful MACs %llu, expected %llu",
			 (unsigned long long)run->res.macs_useful, (unsigned long long)run->plan.macs_useful), bad = 1;
	uint32_t cig = op->in_c / (op->groups ? op->groups : 1);
	if (!bad && run->res.macs_dense != run->plan.macs_dense)
		snprintf(run->why, sizeof run->why, "dense-equivalent MACs %llu, expected %llu",
			 (unsigned long long)run->res.macs_dense, (unsigned long long)run->plan.macs_dense), bad = 1;
	if (!bad && (run->plan.macs_model != (uint64_t)oh * ow * op->out_c * op->k_h * op->k_w * cig ||
		     run->plan.macs_dense != run->plan.macs_model * run->plan.k_passes ||
		     (!op->sparse && run->plan.macs_useful != run->plan.macs_dense) ||
		     (op->sparse && run->plan.macs_useful * 2 < run->plan.macs_dense)))
		snprintf(run->why, sizeof run->why, "plan's useful MACs wrong"), bad = 1;
	/* correction passes: one unless the array cannot hold w_off - w_zp in int8 */
	int32_t cz = (op->w_type == MOTE_CC_UINT8 ? 128 : 0) - op->w_zp;
	if (!bad && run->plan.k_passes != (cz == 0 ? 1u : cz == 128 ? 3u : 2u))
		snprintf(run->why, sizeof run->why, "%u reduction passes for w_zp %d", run->plan.k_passes, op->w_zp),
			bad = 1;
	if (!bad && (run->res.rows_streamed != run->plan.rows_streamed ||
		     run->res.macs_issued != run->plan.macs_issued))
		snprintf(run->why, sizeof run->why, "rows streamed differ from the plan"), bad = 1;
	if (bad)
		fprintf(stderr,
			"%s: %ux%u depths a%u w%u b%u c%u | in %ux%ux%u out_c %u groups %u k %ux%u s %ux%u d %ux%u "
			"pad %u,%u,%u,%u types %d->%d zp %d add %d | policy %d qd %u: %s\n",
			tag, g->rows, g->cols, g->abuf_depth, g->wbuf_depth, g->bbuf_depth, g->acc_depth, op->in_h,
			op->in_w, op->in_c, op->out_c, op->groups, op->k_h, op->k_w, op->stride_h, op->stride_w,
			op->dil_h, op->dil_w, op->pad_top, op->pad_bottom, op->pad_left, op->pad_right, op->in_type,
			op->out_type, op->in_zp, op->add.on, run->policy, run->queue_depth, run->why);
	free(ref);
	free(hw);
	return bad;
}

static unsigned n_cases(void)
{
	const char *e = getenv("MOTE_CC_TEST_CASES");
	return e ? (unsigned)strtoul(e, NULL, 10) : 320u;
}

static void random_cases(uint32_t rc, uint64_t seed)
{
	uint64_t s = seed;
	unsigned fails = 0, n = n_cases();
	for (unsigned i = 0; i < n; i++) {
		struct mote_geometry g = i % 3 == 2 ? tiny_geom(rc, rc, &s) : tc_geom(rc, rc);
		if (i % 2) /* LOAD HI_ROWS: a segment's reduction tiles two per activation LOAD */
			g.features |= MOTE_FEATURES_LOAD_SPLIT_MASK;
		if (i % 4 >= 2) /* LOAD W_PAIR: weight rows two per source row */
			g.features |= MOTE_FEATURES_W_PAIR_MASK;
		struct tc_case c;
		memset(&c, 0, sizeof c);
		random_conv(&c, &s);
		struct tc_run run = {.policy = (enum mote_fm_policy)(i % 3),
				     .queue_depth = (uint32_t)(i % 3 == 1 ? tc_range(&s, 1, 8) : 8),
				     .seed = tc_rand(&s)};
		char tag[48];
		snprintf(tag, sizeof tag, "case %u", i);
		fails += (unsigned)check_case(&g, &c, &run, tag);
		case_free(&c);
	}
	ck_assert_msg(fails == 0, "%u of %u random cases failed on %ux%u", fails, n, rc, rc);
}

/* 2:4 sparse cases: random shapes (K not a multiple of 4 or of the tile,
 * channels below 4, dilated kernels), the weights pruned, run sparse on a
 * geometry with SPARSE against the reference (the dense product). */
static void random_sparse_cases(uint32_t rc, uint64_t seed)
{
	uint64_t s = seed;
	unsigned fails = 0, n = n_cases() / 2;
	for (unsigned i = 0; i < n; i++) {
		struct mote_geometry g = i % 3 == 2 ? tiny_geom(rc, rc, &s) : tc_geom(rc, rc);
		g.features |= MOTE_FEATURES_SPARSE_MASK;
		if (i % 2) /* LOAD W_PAIR (4x4: a tile's 5 weight rows as two pairs and a single row) */
			g.features |= MOTE_FEATURES_W_PAIR_MASK;
		if (g.wbuf_depth < rc + rc / 4)
			g.wbuf_depth = rc + rc / 4;
		if (g.abuf_depth < 2)
			g.abuf_depth = 2;
		struct tc_case c;
		memset(&c, 0, sizeof c);
		random_conv(&c, &s);
		c.op.groups = 0;
		c.op.w_type = MOTE_CC_INT8;
		c.op.w_zp = 0;
		ck_assert_int_eq(mote_cc_sparse_prune(&c.op, c.w), 0);
		ck_assert_int_eq(mote_cc_sparse_check(&c.op, NULL), 0);
		c.op.sparse = 1;
		struct tc_run run = {.policy = (enum mote_fm_policy)(i % 3),
				     .queue_depth = (uint32_t)(i % 3 == 1 ? tc_range(&s, 1, 8) : 8),
				     .seed = tc_rand(&s)};
		char tag[48];
		snprintf(tag, sizeof tag, "sparse case %u", i);
		fails += (unsigned)check_case(&g, &c, &run, tag);
		case_free(&c);
	}
	ck_assert_msg(fails == 0, "%u of %u sparse cases failed on %ux%u", fails, n, rc, rc);
}

START_TEST(sparse_4x4) { random_sparse_cases(4, 0x5444); }
END_TEST
START_TEST(sparse_8x8) { random_sparse_cases(8, 0x5888); }
END_TEST
START_TEST(sparse_16x16) { random_sparse_cases(16, 0x5161); }
END_TEST

/* The compressed tile: pack, check and unpack round-trip; bad metadata named;
 * a dense pattern and a device without SPARSE refused. */
START_TEST(sparse_tiles)
{
	uint64_t s = 0x7117;
	for (uint32_t rows = 4; rows <= 16; rows += 4) {
		uint32_t cols = (uint32_t)tc_range(&s, 1, 16);
		int8_t dense[2 * 16 * 16], back[2 * 16 * 16];
		uint8_t tile[20 * 16];
		for (uint32_t k = 0; k < 2 * rows; k++)
			for (uint32_t c = 0; c < cols; c++) /* 0..2 non-zero per group */
				dense[k * cols + c] = (int8_t)(tc_rand(&s) % 2 ? tc_range(&s, -128, 127) : 0);
		for (uint32_t j = 0; j < rows / 2; j++)
			for (uint32_t c = 0; c < cols; c++) {
				uint32_t keep0 = (uint32_t)tc_range(&s, 0, 3), keep1 = (uint32_t)tc_range(&s, 0, 3);
				for (uint32_t i = 0; i < 4; i++)
					if (i != keep0 && i != keep1)
						dense[(4 * j + i) * cols + c] = 0;
			}
		struct mote_cc_diag d = {{0}};
		ck_assert_int_eq(mote_cc_sparse_pack_tile(dense, rows, cols, tile, &d), 0);
		ck_assert_int_eq(mote_cc_sparse_check_tile(tile, rows, cols, cols, &d), 0);
		ck_assert_int_eq(mote_cc_sparse_unpack_tile(tile, rows, cols, back), 0);
		ck_assert_mem_eq(dense, back, 2 * rows * cols);
		/* a pair naming one element twice, in the last column */
		uint8_t *irow = tile + (size_t)(5 * (rows / 4 - 1) + 4) * cols;
		irow[cols - 1] = (uint8_t)((irow[cols - 1] & 0xf0) | 0x5); /* indices 1, 1 */
		ck_assert_int_eq(mote_cc_sparse_check_tile(tile, rows, cols, cols, &d), MOTE_CC_EINVAL);
		ck_assert_ptr_nonnull(strstr(d.msg, "ascend"));
		ck_assert_int_eq(mote_cc_sparse_check_tile(tile, rows, cols, cols - 1, NULL), 0); /* beyond N_VALID */
		ck_assert_int_eq(mote_cc_sparse_unpack_tile(tile, rows, cols, back), MOTE_CC_EINVAL);
		irow[cols - 1] = (uint8_t)((irow[cols - 1] & 0x0f) | 0x20); /* 2 before 0: descending */
		ck_assert_int_eq(mote_cc_sparse_check_tile(tile, rows, cols, cols, NULL), MOTE_CC_EINVAL);
		dense[0] = dense[cols] = dense[2 * cols] = 1; /* three in a group */
		ck_assert_int_eq(mote_cc_sparse_pack_tile(dense, rows, cols, tile, &d), MOTE_CC_EINVAL);
	}
	/* an operator whose weights are not 2:4, and a device without SPARSE */
	int8_t w[6 * 2] = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
	int32_t m[2] = {1 << 30, 1 << 30}, sh[2] = {40, 40};
	struct mote_cc_gemm gm = {.m = 3, .k = 6, .n = 2, .out_type = MOTE_CC_INT32, .b = w, .mult = m, .shift = sh,
				  .sparse = 1};
	struct mote_cc_conv cv;
	mote_cc_gemm_as_conv(&gm, &cv);
	struct mote_cc_diag d = {{0}};
	ck_assert_int_eq(mote_cc_sparse_check(&cv, &d), MOTE_CC_EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "output channel 0"));
	struct mote_geometry g = tc_geom(8, 8);
	struct mote_cc_plan pl;
	g.features |= MOTE_FEATURES_SPARSE_MASK;
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &pl, &d), MOTE_CC_EINVAL);
	ck_assert_int_eq(mote_cc_sparse_prune(&cv, w), 0);
	ck_assert_int_eq(w[0] + w[2] + w[4] + w[6] + w[8] + w[10], 2); /* column 0: three ones in k 0..3, two kept */
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &pl, &d), 0);
	g.features &= ~MOTE_FEATURES_SPARSE_MASK;
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &pl, &d), MOTE_CC_ENOTSUP);
}
END_TEST

START_TEST(random_4x4) { random_cases(4, 0x4444); }
END_TEST
START_TEST(random_8x8) { random_cases(8, 0x8888); }
END_TEST
START_TEST(random_16x16) { random_cases(16, 0x1616); }
END_TEST

static void gemm_case(struct tc_case *c, uint32_t m, uint32_t k, uint32_t n, uint64_t seed)
{
	uint64_t s = seed;
	memset(c, 0, sizeof *c);
	struct mote_cc_gemm gm = {.m = m, .k = k, .n = n};
	mote_cc_gemm_as_conv(&gm, &c->op);
	case_fill(c, &s);
}

static void run_gemm(const struct mote_geometry *g, uint32_t m, uint32_t k, uint32_t n, uint64_t seed,
		     struct tc_run *run)
{
	struct tc_case c;
	gemm_case(&c, m, k, n, seed);
	run->queue_depth = run->queue_depth ? run->queue_depth : 8;
	char tag[64];
	snprintf(tag, sizeof tag, "gemm %ux%ux%u", m, k, n);
	ck_assert_msg(check_case(g, &c, run, tag) == 0, "%s: %s", tag, run->why);
	case_free(&c);
}

START_TEST(degenerate_shapes)
{
	static const uint32_t shapes[][3] = {{1, 1, 1}, {1, 1, 17}, {1, 17, 1}, {17, 1, 1}, {1, 64, 64},
					     {64, 64, 1}, {3, 5, 7}, {255, 1, 255}};
	for (uint32_t rc = 4; rc <= 16; rc *= 2)
		for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
			struct mote_geometry g = tc_geom(rc, rc);
			struct tc_run run = {.policy = MOTE_FM_RANDOM, .queue_depth = 1, .seed = i};
			run_gemm(&g, shapes[i][0], shapes[i][1], shapes[i][2], 77 + i, &run);
		}
}
END_TEST

START_TEST(k_far_beyond_buffers)
{
	/* 4x4 default: the weight buffer holds 128 tiles per half; K = 6000 is 1500. */
	struct mote_geometry g = tc_geom(4, 4);
	struct tc_run run = {.policy = MOTE_FM_LOAD_FIRST};
	run_gemm(&g, 40, 6000, 9, 5, &run);
	ck_assert_uint_gt(run.plan.k_tiles / run.plan.k_chunk, 10);
	/* Tiny buffers: every chunk a single reduction tile, one slot per ring. */
	struct mote_geometry t = tc_geom(8, 8);
	t.abuf_depth = 5;
	t.wbuf_depth = 8;
	t.acc_depth = 5;
	t.bbuf_depth = 3;
	struct tc_run run2 = {.policy = MOTE_FM_RANDOM, .seed = 9};
	run_gemm(&t, 13, 700, 19, 6, &run2);
	ck_assert_uint_eq(run2.plan.k_chunk, 1);
}
END_TEST

START_TEST(conv_large_padding_stride_dilation)
{
	uint64_t s = 31;
	struct tc_case c;
	memset(&c, 0, sizeof c);
	c.op = (struct mote_cc_conv){.in_h = 5, .in_w = 6, .in_c = 3, .out_c = 5, .k_h = 3, .k_w = 2,
				     .stride_h = 2, .stride_w = 3, .dil_h = 2, .dil_w = 3, .pad_top = 6,
				     .pad_bottom = 5, .pad_left = 7, .pad_right = 4};
	case_fill(&c, &s);
	struct mote_geometry g = tc_geom(8, 8);
	struct tc_run run = {.policy = MOTE_FM_RANDOM, .queue_depth = 2, .seed = 3};
	ck_assert_msg(check_case(&g, &c, &run, "pad") == 0, "%s", run.why);
	case_free(&c);
}
END_TEST

/* Ideal figures of the tiling: every MAC issued is useful for 256^3, and
 * activation rows per MATMUL are long. */
START_TEST(gemm256_ideal)
{
	for (uint32_t rc = 8; rc <= 16; rc *= 2) {
		struct mote_geometry g = tc_geom(rc, rc);
		struct tc_run run = {.policy = MOTE_FM_LOWEST_INDEX};
		run_gemm(&g, 256, 256, 256, 1, &run);
		ck_assert_uint_eq(run.res.macs_useful, run.res.macs_issued);
		ck_assert_uint_ge(run.plan.m_rows, 64);
		ck_assert_uint_eq(run.plan.n_sync, 0);
		fprintf(stderr, "gemm 256^3 on %ux%u: m_rows %u, k_chunk %u/%u, %u cmds (%u matmul, %u load)\n", rc,
			rc, run.plan.m_rows, run.plan.k_chunk, run.plan.k_tiles, run.plan.n_cmds, run.plan.n_matmul,
			run.plan.n_load);
	}
}
END_TEST

START_TEST(conv3x3_ideal)
{
	static const uint32_t shapes[][3] = {{32, 16, 16}, {16, 32, 32}, {8, 64, 64}};
	for (uint32_t rc = 8; rc <= 16; rc *= 2)
		for (size_t i = 0; i < 3; i++) {
			uint64_t s = 100 + i;
			struct tc_case c;
			memset(&c, 0, sizeof c);
			c.op = (struct mote_cc_conv){.in_h = shapes[i][0], .in_w = shapes[i][0], .in_c = shapes[i][1],
						     .out_c = shapes[i][2], .k_h = 3, .k_w = 3, .stride_h = 1,
						     .stride_w = 1, .dil_h = 1, .dil_w = 1, .pad_top = 1,
						     .pad_bottom = 1, .pad_left = 1, .pad_right = 1};
			case_fill(&c, &s);
			struct mote_geometry g = tc_geom(rc, rc);
			struct tc_run run = {.policy = MOTE_FM_LOWEST_INDEX, .queue_depth = 8};
			ck_assert_msg(check_case(&g, &c, &run, "conv3x3") == 0, "%s", run.why);
			ck_assert_uint_eq(run.res.macs_useful, run.res.macs_issued); /* channels fill the array */
			fprintf(stderr, "conv %ux%ux%u->%u 3x3 on %ux%u: m_rows %u, k %u/%u, %u cmds\n", shapes[i][0],
				shapes[i][0], shapes[i][1], shapes[i][2], rc, rc, run.plan.m_rows, run.plan.k_chunk,
				run.plan.k_tiles, run.plan.n_cmds);
			case_free(&c);
		}
}
END_TEST

/* ---- depthwise ------------------------------------------------------------------ */

/* A depthwise op of c channels (dims set by the caller), random data and
 * quantization with int8 weights and w_zp 0. */
static void dw_fill(struct tc_case *c, uint32_t ch, uint64_t *s)
{
	c->op.in_c = c->op.out_c = c->op.groups = ch;
	case_fill(c, s);
	c->op.w_type = MOTE_CC_INT8;
	c->op.w_zp = 0;
}

static void random_dw(struct tc_case *c, uint32_t cols, uint64_t *s)
{
	struct mote_cc_conv *op = &c->op;
	for (;;) {
		memset(op, 0, sizeof *op);
		op->in_h = (uint32_t)tc_range(s, 1, 14);
		op->in_w = (uint32_t)tc_range(s, 1, 14);
		op->in_c = op->out_c = op->groups = (uint32_t)tc_range(s, 1, 40);
		/* a kernel taller than the columns (kernel-row groups) in a fifth */
		op->k_h = (uint32_t)tc_range(s, 1, tc_rand(s) % 5 ? 5 : 2 * cols + 3);
		op->k_w = (uint32_t)tc_range(s, 1, 5);
		op->stride_h = (uint32_t)tc_range(s, 1, 3);
		op->stride_w = (uint32_t)tc_range(s, 1, 3);
		op->dil_h = (uint32_t)(tc_rand(s) % 4 ? 1 : tc_range(s, 2, 3));
		op->dil_w = (uint32_t)(tc_rand(s) % 4 ? 1 : tc_range(s, 2, 3));
		op->pad_top = (uint32_t)tc_range(s, 0, 4);
		op->pad_bottom = (uint32_t)tc_range(s, 0, 4);
		op->pad_left = (uint32_t)tc_range(s, 0, 4);
		op->pad_right = (uint32_t)tc_range(s, 0, 4);
		if (op->k_h > 5)
			op->in_h = (uint32_t)tc_range(s, op->k_h * op->dil_h, op->k_h * op->dil_h + 6);
		op->weights = (const int8_t *)"";
		op->out_type = MOTE_CC_INT32;
		if (mote_cc_conv_check(op, NULL, NULL, NULL) == 0)
			break;
	}
	dw_fill(c, op->in_c, s);
}

/* Buffers just big enough for one depthwise stream of op: many pixel tiles,
 * rows split along x, single-slot rings, bias reloaded per step. */
static struct mote_geometry tiny_dw_geom(uint32_t rows, uint32_t cols, const struct mote_cc_conv *op, uint64_t *s)
{
	struct mote_geometry g = tc_geom(rows, cols);
	uint32_t taps = (cols - 1) / op->dil_h + 1, groups = (op->k_h + taps - 1) / taps; /* kernel-row groups */
	uint32_t amin = ((op->k_w - 1) * op->dil_w + 1) * (cols + (groups - 1) * taps * op->dil_h);
	g.abuf_depth = (uint32_t)tc_range(s, amin, amin + 160);
	g.wbuf_depth = (uint32_t)tc_range(s, rows, 5 * rows);
	g.acc_depth = (uint32_t)tc_range(s, 1, 40);
	g.bbuf_depth = (uint32_t)tc_range(s, 3, 13);
	return g;
}

/* Plan figures of a depthwise run beyond what check_case verifies. */
static int dw_plan_ok(const struct mote_geometry *g, const struct mote_cc_conv *op, const struct tc_run *run)
{
	uint32_t lanes = g->rows < g->cols ? g->rows : g->cols;
	const struct mote_cc_plan *pl = &run->plan;
	if (op->groups <= 1)
		return 1; /* one channel: a dense convolution */
	uint32_t taps = (g->cols - 1) / op->dil_h + 1; /* kernel rows per MATMUL */
	return pl->k_tiles == op->k_w * ((op->k_h + taps - 1) / taps) && pl->k_passes == 1 && pl->n_tiles == (op->out_c + lanes - 1) / lanes &&
	       pl->macs_issued == pl->rows_streamed * g->rows * g->cols && pl->n_store == pl->n_tiles * pl->m_tiles;
}

static void random_dw_cases(uint32_t rows, uint32_t cols, uint64_t seed)
{
	uint64_t s = seed;
	unsigned fails = 0, n = n_cases() / 2;
	for (unsigned i = 0; i < n; i++) {
		struct tc_case c;
		memset(&c, 0, sizeof c);
		random_dw(&c, cols, &s);
		struct mote_geometry g = i % 3 == 2 ? tiny_dw_geom(rows, cols, &c.op, &s) : tc_geom(rows, cols);
		if (i % 4 == 3) /* a device without DW_DROP: one MATMUL per output column */
			g.features &= ~MOTE_FEATURES_DW_DROP_MASK;
		if (i % 2 == 0) /* LOAD HI_ROWS: two channel groups per activation LOAD */
			g.features |= MOTE_FEATURES_LOAD_SPLIT_MASK;
		if (i % 3 == 0) /* LOAD W_PAIR */
			g.features |= MOTE_FEATURES_W_PAIR_MASK;
		struct tc_run run = {.policy = (enum mote_fm_policy)(i % 3),
				     .queue_depth = (uint32_t)(i % 3 == 1 ? tc_range(&s, 1, 8) : 8),
				     .seed = tc_rand(&s)};
		char tag[48];
		snprintf(tag, sizeof tag, "dw case %u", i);
		int bad = check_case(&g, &c, &run, tag);
		if (!bad && !dw_plan_ok(&g, &c.op, &run)) {
			fprintf(stderr, "%s: plan figures wrong\n", tag);
			bad = 1;
		}
		fails += (unsigned)bad;
		case_free(&c);
	}
	ck_assert_msg(fails == 0, "%u of %u random depthwise cases failed on %ux%u", fails, n, rows, cols);
}

START_TEST(dw_random_4x4) { random_dw_cases(4, 4, 0xd444); }
END_TEST
START_TEST(dw_random_8x8) { random_dw_cases(8, 8, 0xd888); }
END_TEST
START_TEST(dw_random_16x16) { random_dw_cases(16, 16, 0xd161); }
END_TEST
START_TEST(dw_random_4x8) { random_dw_cases(4, 8, 0xd48); }
END_TEST
START_TEST(dw_random_8x4) { random_dw_cases(8, 4, 0xd84); }
END_TEST

struct dw_shape {
	const char *name;
	uint32_t h, w, c, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr;
};

/* Named layer shapes on every geometry, each with uint8 and int8 input and
 * requantized and int32 output. */
START_TEST(dw_shapes)
{
	static const struct dw_shape shapes[] = {
		{"3x3 s1 pad 1", 16, 16, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{"3x3 s2 pad 1", 15, 16, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
		{"5x5 pad 2", 12, 11, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},
		{"3x3 dil 2", 13, 12, 9, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},
		{"1x5", 7, 20, 12, 1, 5, 1, 1, 1, 1, 0, 0, 2, 2},
		{"5x1", 20, 7, 12, 5, 1, 1, 1, 1, 1, 2, 2, 0, 0},
		{"C 13, 3x3 s(3,2)", 17, 9, 13, 3, 3, 3, 2, 1, 1, 1, 0, 0, 1},
		{"DS-CNN 25x5x64", 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{"11x3 dil 2 s2 (row groups)", 30, 7, 10, 11, 3, 2, 1, 2, 1, 3, 4, 1, 1},
		{"25x5 (global, row groups)", 25, 5, 17, 25, 5, 1, 1, 1, 1, 0, 0, 0, 0},
	};
	static const uint32_t geoms[][2] = {{8, 8}, {16, 16}, {4, 8}, {8, 4}};
	for (size_t gi = 0; gi < 4; gi++)
		for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
			const struct dw_shape *sh = &shapes[i]; /* 5 taps on 4 columns: two row groups */
			for (int v = 0; v < 2; v++) {
				uint64_t s = 500 + i * 8 + gi * 2 + (uint64_t)v;
				struct tc_case c;
				memset(&c, 0, sizeof c);
				c.op = (struct mote_cc_conv){.in_h = sh->h, .in_w = sh->w, .k_h = sh->kh, .k_w = sh->kw,
							     .stride_h = sh->sh, .stride_w = sh->sw, .dil_h = sh->dh,
							     .dil_w = sh->dw, .pad_top = sh->pt, .pad_bottom = sh->pb,
							     .pad_left = sh->pl, .pad_right = sh->pr};
				dw_fill(&c, sh->c, &s);
				c.op.in_type = v ? MOTE_CC_UINT8 : MOTE_CC_INT8;
				c.op.in_zp = v ? 131 : -7;
				c.op.add.on = 0; /* the types change here: no add */
				if (v) {
					c.op.out_type = MOTE_CC_INT32;
				} else {
					c.op.out_type = MOTE_CC_INT8;
					c.op.out_zp = 3;
					c.op.clamp_lo = -128;
					c.op.clamp_hi = 127;
				}
				struct mote_geometry g = tc_geom(geoms[gi][0], geoms[gi][1]);
				struct tc_run run = {.policy = (enum mote_fm_policy)((i + gi) % 3), .queue_depth = 8,
						     .seed = s};
				char tag[64];
				snprintf(tag, sizeof tag, "dw %s", sh->name);
				ck_assert_msg(check_case(&g, &c, &run, tag) == 0, "%s on %ux%u: %s", sh->name,
					      geoms[gi][0], geoms[gi][1], run.why);
				ck_assert_msg(dw_plan_ok(&g, &c.op, &run), "%s: plan figures", sh->name);
				ck_assert_uint_eq(run.plan.n_sync, 0);
				case_free(&c);
			}
		}
}
END_TEST

/* The DS-CNN depthwise layer: one pixel tile, and the utilization the
 * packed columns give (L lanes x k_h taps of rows x cols per streamed row;
 * per channel group and kernel column one MATMUL of the 5 columns, 27 rows
 * each (25 outputs, 2 dropped), the last drained through cols - 1 rows);
 * without DW_DROP one MATMUL per column, 25 of 24 + cols rows kept. */
START_TEST(dw_dscnn_utilization)
{
	for (uint32_t rc = 8; rc <= 16; rc *= 2) {
		uint64_t s = 77;
		struct tc_case c;
		memset(&c, 0, sizeof c);
		c.op = (struct mote_cc_conv){.in_h = 25, .in_w = 5, .k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1,
					     .dil_h = 1, .dil_w = 1, .pad_top = 1, .pad_bottom = 1, .pad_left = 1,
					     .pad_right = 1};
		dw_fill(&c, 64, &s);
		struct mote_geometry g = tc_geom(rc, rc);
		struct tc_run run = {.policy = MOTE_FM_LOWEST_INDEX, .queue_depth = 8};
		ck_assert_msg(check_case(&g, &c, &run, "ds-cnn dw") == 0, "%s", run.why);
		const struct mote_cc_plan *pl = &run.plan;
		ck_assert_uint_eq(pl->m_tiles, 1);
		ck_assert_uint_eq(pl->macs_model, 25 * 5 * 64 * 9);
		ck_assert_uint_eq(pl->rows_streamed, (uint64_t)(64 / rc) * 3 * (4 * 27 + 24 + rc));
		ck_assert_uint_eq(pl->n_matmul, (64 / rc) * 3);
		ck_assert_uint_eq(run.res.macs_issued, pl->macs_issued);
		struct mote_geometry split = g; /* channel groups in pairs: half the activation LOADs */
		split.features |= MOTE_FEATURES_LOAD_SPLIT_MASK;
		struct tc_run run2 = {.policy = MOTE_FM_LOWEST_INDEX, .queue_depth = 8};
		ck_assert_msg(check_case(&split, &c, &run2, "ds-cnn dw, LOAD_SPLIT") == 0, "%s", run2.why);
		ck_assert_uint_eq(run2.plan.rows_streamed, pl->rows_streamed);
		ck_assert_uint_eq(run2.plan.n_load, pl->n_load - (64 / rc) / 2 * 2);
		struct mote_geometry nodrop = g;
		nodrop.features &= ~MOTE_FEATURES_DW_DROP_MASK;
		struct tc_run run1 = {.policy = MOTE_FM_LOWEST_INDEX, .queue_depth = 8};
		ck_assert_msg(check_case(&nodrop, &c, &run1, "ds-cnn dw, no DW_DROP") == 0, "%s", run1.why);
		ck_assert_uint_eq(run1.plan.rows_streamed, (uint64_t)(64 / rc) * 3 * 5 * (24 + rc));
		ck_assert_uint_eq(run1.plan.n_matmul, (64 / rc) * 3 * 5);
		fprintf(stderr, "dw 25x5x64 3x3 on %ux%u: %u cmds (%u matmul, %u load), NROWS %u, "
			"macs_model/macs_issued = %llu/%llu = %.3f\n", rc, rc, pl->n_cmds, pl->n_matmul, pl->n_load,
			pl->m_rows, (unsigned long long)pl->macs_model, (unsigned long long)pl->macs_issued,
			(double)pl->macs_model / (double)pl->macs_issued);
		case_free(&c);
	}
}
END_TEST

/* Small buffers: several pixel tiles of whole rows, then rows split along x. */
START_TEST(dw_tiles)
{
	uint64_t s = 4321;
	struct tc_case c;
	memset(&c, 0, sizeof c);
	c.op = (struct mote_cc_conv){.in_h = 20, .in_w = 6, .k_h = 3, .k_w = 3, .stride_h = 1, .stride_w = 1,
				     .dil_h = 1, .dil_w = 1, .pad_top = 1, .pad_bottom = 1, .pad_left = 1,
				     .pad_right = 1};
	dw_fill(&c, 19, &s);
	struct mote_geometry g = tc_geom(8, 8);
	g.abuf_depth = 100; /* a slot of 8 columns x (noy + 7) rows: noy <= 5 */
	g.bbuf_depth = 6;   /* 3 channel groups: bias rows reloaded */
	g.wbuf_depth = 8;   /* one weight slot */
	struct tc_run run = {.policy = MOTE_FM_RANDOM, .queue_depth = 3, .seed = 5};
	ck_assert_msg(check_case(&g, &c, &run, "dw tiles") == 0, "%s", run.why);
	ck_assert_uint_ge(run.plan.m_tiles, 4);
	ck_assert(dw_plan_ok(&g, &c.op, &run));
	g.acc_depth = 4; /* fewer than out_w: one output row per tile, split along x */
	struct tc_run run2 = {.policy = MOTE_FM_LOAD_FIRST, .queue_depth = 2};
	ck_assert_msg(check_case(&g, &c, &run2, "dw x split") == 0, "%s", run2.why);
	ck_assert_uint_ge(run2.plan.m_tiles, 2 * 20);
	ck_assert(dw_plan_ok(&g, &c.op, &run2));
	case_free(&c);
}
END_TEST

START_TEST(dw_errors)
{
	struct mote_geometry g = tc_geom(8, 8);
	struct mote_cc_plan plan;
	struct mote_cc_diag d;
	int8_t w[4 * 6 * 6] = {0};
	int32_t mult[6] = {1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30}, shift[6] = {31, 31, 31, 31, 31, 31};
	struct mote_cc_conv cv = {.in_h = 9, .in_w = 9, .in_c = 6, .out_c = 6, .groups = 6, .k_h = 3, .k_w = 3,
				  .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1, .weights = w, .mult = mult,
				  .shift = shift, .clamp_lo = -128, .clamp_hi = 127};
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), 0);
	cv.groups = 3; /* grouped, two channels per group */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(d.msg, "grouped convolution"));
	cv.groups = 4; /* does not divide 6 */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_EINVAL);
	cv.groups = 6;
	cv.out_c = 12; /* channel multiplier 2 */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	cv.out_c = 6;
	cv.dil_h = 4; /* span 9 > 8 columns: two kernel-row groups (2 taps, then 1) */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), 0);
	ck_assert_uint_eq(plan.k_tiles, 3 * 2);
	cv.dil_h = 3; /* span 7 fits: one group */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), 0);
	ck_assert_uint_eq(plan.k_tiles, 3);
	cv.dil_h = 1;
	cv.w_zp = 1;
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(d.msg, "depthwise with a weight zero point"));
	cv.w_zp = 0;
	cv.w_type = MOTE_CC_UINT8; /* uint8 weights: the array needs an offset of 128 */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	cv.w_type = MOTE_CC_INT8;
	cv.in_h = 600;
	cv.stride_h = 256;
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	cv.in_h = 9;
	cv.stride_h = 1;
	struct mote_geometry nodw = g;
	nodw.features &= ~MOTE_FEATURES_DEPTHWISE_MASK;
	ck_assert_int_eq(mote_cc_plan_conv(&nodw, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(d.msg, "DEPTHWISE"));
	cv.groups = 1; /* the same shape dense needs no feature */
	cv.weights = calloc(9 * 6 * 6, 1);
	ck_assert_ptr_nonnull(cv.weights);
	ck_assert_int_eq(mote_cc_plan_conv(&nodw, &cv, &plan, &d), 0);
	free((void *)cv.weights);
	cv.weights = w;
	cv.groups = 6;
	/* uint8 input needs XOR_MSB, as for dense */
	nodw.features = MOTE_FEATURES_DEPTHWISE_MASK;
	cv.in_type = MOTE_CC_UINT8;
	ck_assert_int_eq(mote_cc_plan_conv(&nodw, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	cv.in_type = MOTE_CC_INT8;
	/* an activation buffer below one packed stream (one output: its 3
	 * columns of 3 rows and the 5 rows it drains through) */
	struct mote_geometry small = g;
	small.abuf_depth = 13;
	ck_assert_int_eq(mote_cc_plan_conv(&small, &cv, &plan, &d), MOTE_CC_ENOSPC);
	ck_assert_ptr_nonnull(strstr(d.msg, "(14 rows)"));
	small.abuf_depth = 14;
	ck_assert_int_eq(mote_cc_plan_conv(&small, &cv, &plan, &d), 0);
	/* without DW_DROP: below one stream (3 columns x 8 rows) */
	small.features &= ~MOTE_FEATURES_DW_DROP_MASK;
	small.abuf_depth = 23;
	ck_assert_int_eq(mote_cc_plan_conv(&small, &cv, &plan, &d), MOTE_CC_ENOSPC);
	ck_assert_ptr_nonnull(strstr(d.msg, "(24 rows)"));
	small.abuf_depth = 24;
	ck_assert_int_eq(mote_cc_plan_conv(&small, &cv, &plan, &d), 0);
	/* an image row pitch beyond LOAD.SX (16-bit signed) */
	int8_t *wide = calloc(9 * 4096, 1);
	ck_assert_ptr_nonnull(wide);
	cv = (struct mote_cc_conv){.in_h = 2, .in_w = 8, .in_c = 4096, .out_c = 4096, .groups = 4096, .k_h = 1,
				   .k_w = 1, .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1, .weights = wide,
				   .out_type = MOTE_CC_INT32};
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ERANGE);
	ck_assert_ptr_nonnull(strstr(d.msg, "LOAD.SX"));
	free(wide);
}
END_TEST

START_TEST(builder_errors)
{
	struct mote_geometry g = tc_geom(8, 8);
	struct mote_cc_plan plan;
	struct mote_cc_diag d;
	int32_t mult[4] = {1 << 30, 1 << 30, 1 << 30, 1 << 30}, shift[4] = {31, 31, 31, 31};
	int8_t w[64] = {0};
	struct mote_cc_gemm gm = {.m = 4, .k = 4, .n = 4, .b = w, .mult = mult, .shift = shift,
				  .clamp_lo = -128, .clamp_hi = 127};
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), 0);
	uint32_t k_plain = plan.k_tiles;
	gm.b_zp = 3; /* one correction pass */
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), 0);
	ck_assert_uint_eq(plan.k_tiles, 2 * k_plain);
	gm.b_type = MOTE_CC_UINT8, gm.b_zp = 0; /* 128 - 0 needs two */
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), 0);
	ck_assert_uint_eq(plan.k_tiles, 3 * k_plain);
	gm.b_zp = 256;
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), MOTE_CC_EINVAL);
	gm.b_type = MOTE_CC_INT8, gm.b_zp = 0;
	gm.k = 0;
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), MOTE_CC_EINVAL);
	gm.k = 4;
	gm.clamp_lo = 5, gm.clamp_hi = 4;
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), MOTE_CC_EINVAL);
	gm.clamp_lo = -128, gm.clamp_hi = 127;
	gm.a_type = MOTE_CC_UINT8, gm.a_zp = -1;
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), MOTE_CC_EINVAL);
	gm.a_type = MOTE_CC_INT8, gm.a_zp = 0;
	struct mote_geometry small = g;
	small.wbuf_depth = 7;
	ck_assert_int_eq(mote_cc_plan_gemm(&small, &gm, &plan, &d), MOTE_CC_ENOSPC);
	small = g;
	small.features = 0;
	gm.out_type = MOTE_CC_INT32;
	ck_assert_int_eq(mote_cc_plan_gemm(&small, &gm, &plan, &d), MOTE_CC_ENOTSUP);
	gm.out_type = MOTE_CC_INT8;

	/* Fields that cannot hold the shape: split or rejected, never truncated. */
	struct mote_cc_conv cv = {.in_h = 1, .in_w = 1, .in_c = 1, .out_c = 1, .k_h = 1, .k_w = 1, .stride_h = 1,
				  .stride_w = 1, .dil_h = 1, .dil_w = 1, .pad_top = 40000, .weights = w,
				  .mult = mult, .shift = shift, .clamp_lo = -128, .clamp_hi = 127};
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_ERANGE);
	ck_assert_ptr_nonnull(strstr(d.msg, "LOAD.Y0"));
	struct mote_geometry g16 = tc_geom(16, 16);
	int8_t *wide = calloc(16384, 1);
	ck_assert_ptr_nonnull(wide);
	cv = (struct mote_cc_conv){.in_h = 1, .in_w = 4, .in_c = 16384, .out_c = 1, .k_h = 1, .k_w = 1,
				   .stride_h = 1, .stride_w = 2, .dil_h = 1, .dil_w = 1, .weights = wide,
				   .mult = mult, .shift = shift, .clamp_lo = -128, .clamp_hi = 127};
	ck_assert_int_eq(mote_cc_plan_conv(&g16, &cv, &plan, &d), MOTE_CC_ERANGE);
	ck_assert_ptr_nonnull(strstr(d.msg, "LOAD.SX"));
	free(wide);

	/* Emit: small buffers and overlapping regions. */
	ck_assert_int_eq(mote_cc_plan_gemm(&g, &gm, &plan, &d), 0);
	uint8_t *cmds = malloc(plan.cmd_bytes), *wb = malloc(plan.weight_bytes), *bb = malloc(plan.bias_bytes);
	ck_assert(cmds && wb && bb);
	struct mote_cc_addrs a = {.input = 0x1000, .output = 0x2000, .weights = 0x3000, .bias = 0x4000, .cmds = 0x5000};
	struct mote_cc_bufs b = {cmds, plan.cmd_bytes - 1, wb, plan.weight_bytes, bb, plan.bias_bytes};
	ck_assert_int_eq(mote_cc_emit_gemm(&g, &gm, &a, &b, NULL, &d), MOTE_CC_ENOSPC);
	b.cmds_cap = plan.cmd_bytes;
	ck_assert_int_eq(mote_cc_emit_gemm(&g, &gm, &a, &b, NULL, &d), 0);
	a.output = 0x1008;
	ck_assert_int_eq(mote_cc_emit_gemm(&g, &gm, &a, &b, NULL, &d), MOTE_CC_EINVAL);
	a.output = 0xfffffff8u;
	ck_assert_int_eq(mote_cc_emit_gemm(&g, &gm, &a, &b, NULL, &d), MOTE_CC_EINVAL);
	free(cmds);
	free(wb);
	free(bb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("builder");
	TCase *tc = tcase_create("builder");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, builder_errors);
	tcase_add_test(tc, degenerate_shapes);
	tcase_add_test(tc, conv_large_padding_stride_dilation);
	tcase_add_test(tc, k_far_beyond_buffers);
	tcase_add_test(tc, gemm256_ideal);
	tcase_add_test(tc, conv3x3_ideal);
	tcase_add_test(tc, random_4x4);
	tcase_add_test(tc, random_8x8);
	tcase_add_test(tc, random_16x16);
	tcase_add_test(tc, sparse_tiles);
	tcase_add_test(tc, sparse_4x4);
	tcase_add_test(tc, sparse_8x8);
	tcase_add_test(tc, sparse_16x16);
	tcase_add_test(tc, dw_errors);
	tcase_add_test(tc, dw_dscnn_utilization);
	tcase_add_test(tc, dw_shapes);
	tcase_add_test(tc, dw_tiles);
	tcase_add_test(tc, dw_random_4x4);
	tcase_add_test(tc, dw_random_8x8);
	tcase_add_test(tc, dw_random_16x16);
	tcase_add_test(tc, dw_random_4x8);
	tcase_add_test(tc, dw_random_8x4);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
