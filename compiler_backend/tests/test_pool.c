/* test_pool.c: pooling on the accelerator.  Max pooling (mote_cc_conv.pool =
 * MAX: identity weights, MATMUL ACC_MAX) and average pooling (the depthwise
 * convolution with all-ones weights, kernels taller than the array's columns
 * included) are built, run in the functional model and compared with the
 * reference executor AND with the host kernels of <mote/mote_kernels.h>
 * (MAXPOOL, AVGPOOL on NCHW), which the runtime uses when a pool stays on
 * the host: the two must give the same bytes.  Random shapes with stride,
 * padding, dilation, ceil-mode-like trailing pads, int8 and uint8, on 4x4,
 * 8x8, 16x16, 4x8 and 8x4 and on tiny buffers; global average pools of
 * many sizes (their own plan: plain-row sums); named shapes (ResNet-8 and
 * DS-CNN global average pooling); the plan's figures; the error paths. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"
#include "mote/mote_kernels.h"

struct pcase {
	struct mote_cc_conv op;
	int8_t *w;
	int32_t bias[64], mult[64], shift[64];
	uint8_t *in;
	int avg, include_pad;
	float sx, sy;
	int32_t kp[MOTE_KERNEL_NPARAMS]; /* the host kernel's parameters */
};

static const uint32_t geoms[][2] = {{4, 4}, {8, 8}, {16, 16}, {4, 8}, {8, 4}};

/* Taps of each output along one axis inside the input (the fewest), and the
 * count the host kernel divides by if it is the same for every output (else -1). */
static int64_t axis_taps(uint32_t in, uint32_t k, uint32_t s, uint32_t pa, uint32_t pb, uint32_t d, uint32_t out,
			 int include_pad, int64_t *min_real)
{
	int64_t n = -1;
	int same = 1;
	*min_real = k;
	for (int64_t o = 0; o < out; o++) {
		int64_t real = 0, counted = 0;
		for (int64_t t = 0; t < k; t++) {
			int64_t i = o * s - pa + t * d;
			real += i >= 0 && i < in;
			counted += i < (int64_t)in + pb;
		}
		int64_t c = include_pad ? counted : real;
		same &= n < 0 || c == n;
		n = c;
		*min_real = real < *min_real ? real : *min_real;
	}
	return same ? n : -1;
}

static void pcase_free(struct pcase *c)
{
	free(c->w);
	free(c->in);
}

/* Host kernel parameters and all-ones weights / identity requantization for
 * c->op's shape; 0 when the case is one the device runs (every window holds
 * an input element; average: one divisor for every output). */
static int pcase_setup(struct pcase *c, uint64_t *s)
{
	struct mote_cc_conv *op = &c->op;
	uint32_t oh, ow;
	op->in_c = op->out_c = op->groups = op->in_c ? op->in_c : 1;
	op->weights = (const int8_t *)"";
	op->pool = c->avg ? MOTE_CC_POOL_NONE : MOTE_CC_POOL_MAX;
	op->mult = c->mult, op->shift = c->shift;
	op->clamp_lo = -128, op->clamp_hi = 127;
	if (mote_cc_conv_check(op, &oh, &ow, NULL))
		return 1;
	int64_t rh, rw;
	int64_t nh = axis_taps(op->in_h, op->k_h, op->stride_h, op->pad_top, op->pad_bottom, op->dil_h, oh,
			       c->include_pad, &rh);
	int64_t nw = axis_taps(op->in_w, op->k_w, op->stride_w, op->pad_left, op->pad_right, op->dil_w, ow,
			       c->include_pad, &rw);
	if (rh < 1 || rw < 1 || (c->avg && (nh < 0 || nw < 0)) || op->in_c > 64)
		return 1;
	int32_t *p = c->kp;
	memset(p, 0, sizeof c->kp);
	p[0] = (int32_t)op->k_h, p[1] = (int32_t)op->k_w, p[2] = (int32_t)op->stride_h, p[3] = (int32_t)op->stride_w;
	p[4] = (int32_t)op->pad_top, p[5] = (int32_t)op->pad_left, p[6] = (int32_t)op->pad_bottom;
	p[7] = (int32_t)op->pad_right;
	size_t nin = (size_t)op->in_h * op->in_w * op->in_c, nwt = (size_t)op->k_h * op->k_w * op->in_c;
	c->in = malloc(nin);
	c->w = malloc(nwt);
	ck_assert(c->in && c->w);
	for (size_t i = 0; i < nin; i++)
		c->in[i] = (uint8_t)tc_rand(s);
	memset(c->w, 1, nwt);
	int u8 = op->in_type == MOTE_CC_UINT8;
	op->out_type = op->in_type;
	op->clamp_lo = u8 ? 0 : -128, op->clamp_hi = op->clamp_lo + 255;
	int32_t mult = 1 << 30, shift = 30;
	if (c->avg) {
		op->weights = c->w;
		op->in_zp = (int32_t)tc_range(s, op->clamp_lo, op->clamp_hi);
		op->out_zp = (int32_t)tc_range(s, op->clamp_lo, op->clamp_hi);
		c->sx = (float)tc_range(s, 1, 1 << 20) / (float)(1 << 22);
		c->sy = (float)tc_range(s, 1, 1 << 20) / (float)(1 << 22);
		ck_assert_int_eq(mote_kernel_quantize_scale((double)c->sx / ((double)(nh * nw) * (double)c->sy), &mult,
							    &shift), 0);
		p[8] = c->include_pad, p[9] = mote_kernel_fbits(c->sx), p[10] = op->in_zp;
		p[11] = mote_kernel_fbits(c->sy), p[12] = op->out_zp;
	} else {
		p[8] = (int32_t)op->dil_h, p[9] = (int32_t)op->dil_w;
	}
	for (uint32_t o = 0; o < op->out_c; o++)
		c->mult[o] = mult, c->shift[o] = shift, c->bias[o] = 0;
	op->bias = c->bias;
	return 0;
}

/* The host kernel on the NCHW form of the input, back to NHWC in *out. */
static void host_kernel(const struct pcase *c, uint32_t oh, uint32_t ow, uint8_t *out)
{
	const struct mote_cc_conv *op = &c->op;
	uint32_t C = op->in_c, H = op->in_h, W = op->in_w;
	uint8_t *xn = malloc((size_t)C * H * W), *yn = malloc((size_t)C * oh * ow);
	ck_assert(xn && yn);
	for (uint32_t ch = 0; ch < C; ch++)
		for (uint32_t i = 0; i < H * W; i++)
			xn[(size_t)ch * H * W + i] = c->in[(size_t)i * C + ch];
	int32_t dt = op->in_type == MOTE_CC_UINT8 ? MOTE_KT_UINT8 : MOTE_KT_INT8;
	struct mote_ktensor x = {.data = xn, .dtype = dt, .rank = 4, .dims = {1, C, H, W}};
	struct mote_ktensor y = {.data = yn, .dtype = dt, .rank = 4, .dims = {1, C, oh, ow}};
	ck_assert_int_eq(mote_kernel_run(c->avg ? MOTE_KOP_AVGPOOL : MOTE_KOP_MAXPOOL, c->kp, &x, 1, &y, 1), 0);
	for (uint32_t ch = 0; ch < C; ch++)
		for (uint32_t i = 0; i < oh * ow; i++)
			out[(size_t)i * C + ch] = yn[(size_t)ch * oh * ow + i];
	free(xn);
	free(yn);
}

/* Device (functional model) == reference == host kernel; plan figures. */
static int check_pool(const struct mote_geometry *g, struct pcase *c, struct tc_run *run, const char *tag)
{
	const struct mote_cc_conv *op = &c->op;
	uint32_t oh, ow;
	ck_assert_int_eq(mote_cc_conv_check(op, &oh, &ow, NULL), 0);
	size_t bytes = (size_t)oh * ow * op->out_c;
	uint8_t *ref = malloc(bytes), *hw = malloc(bytes), *host = malloc(bytes);
	ck_assert(ref && hw && host);
	ck_assert_int_eq(mote_ref_conv(op, c->in, ref), 0);
	host_kernel(c, oh, ow, host);
	int bad = tc_run_conv(g, op, c->in, hw, run);
	const struct mote_cc_plan *pl = &run->plan;
	uint32_t lanes = g->rows < g->cols ? g->rows : g->cols;
	uint64_t macs = (uint64_t)oh * ow * op->out_c * op->k_h * op->k_w;
	if (!bad && memcmp(ref, host, bytes) != 0)
		snprintf(run->why, sizeof run->why, "reference differs from the host kernel"), bad = 1;
	if (!bad && memcmp(ref, hw, bytes) != 0)
		snprintf(run->why, sizeof run->why, "device differs from the reference"), bad = 1;
	if (!bad && !run->canary_ok)
		snprintf(run->why, sizeof run->why, "memory outside the output changed"), bad = 1;
	if (!bad && (pl->macs_model != macs || run->res.macs_useful != macs || pl->macs_useful != macs ||
		     run->res.rows_streamed != pl->rows_streamed || run->res.macs_issued != pl->macs_issued))
		snprintf(run->why, sizeof run->why, "MACs: model %llu useful %llu/%llu, want %llu",
			 (unsigned long long)pl->macs_model, (unsigned long long)run->res.macs_useful,
			 (unsigned long long)pl->macs_useful, (unsigned long long)macs), bad = 1;
	if (!bad && pl->n_tiles != (op->out_c + lanes - 1) / lanes && op->out_c > 1)
		snprintf(run->why, sizeof run->why, "%u channel groups", pl->n_tiles), bad = 1;
	if (!bad && !c->avg &&
	    (pl->k_tiles != op->k_h * op->k_w || pl->n_matmul != pl->k_tiles * pl->n_tiles * pl->m_tiles ||
	     pl->rows_streamed != (uint64_t)oh * ow * pl->n_tiles * pl->k_tiles))
		snprintf(run->why, sizeof run->why, "max pooling plan: %u taps, %u MATMULs", pl->k_tiles,
			 pl->n_matmul), bad = 1;
	if (bad)
		fprintf(stderr,
			"%s: %ux%u depths a%u w%u b%u c%u | %s in %ux%ux%u k %ux%u s %ux%u d %ux%u pad %u,%u,%u,%u "
			"type %d zp %d | policy %d qd %u: %s\n",
			tag, g->rows, g->cols, g->abuf_depth, g->wbuf_depth, g->bbuf_depth, g->acc_depth,
			c->avg ? "avg" : "max", op->in_h, op->in_w, op->in_c, op->k_h, op->k_w, op->stride_h,
			op->stride_w, op->dil_h, op->dil_w, op->pad_top, op->pad_bottom, op->pad_left, op->pad_right,
			op->in_type, op->in_zp, run->policy, run->queue_depth, run->why);
	free(ref);
	free(hw);
	free(host);
	return bad;
}

/* A random pool the device runs; tall average kernels (past the columns) often. */
static void random_pool(struct pcase *c, int avg, uint64_t *s)
{
	for (;;) {
		memset(c, 0, sizeof *c);
		struct mote_cc_conv *op = &c->op;
		c->avg = avg;
		op->in_h = (uint32_t)tc_range(s, 1, 20);
		op->in_w = (uint32_t)tc_range(s, 1, 14);
		op->in_c = (uint32_t)tc_range(s, 1, 40);
		op->k_h = (uint32_t)tc_range(s, 1, avg && tc_rand(s) % 3 == 0 ? 20 : 4);
		op->k_w = (uint32_t)tc_range(s, 1, 4);
		op->stride_h = (uint32_t)tc_range(s, 1, 3);
		op->stride_w = (uint32_t)tc_range(s, 1, 3);
		op->dil_h = op->dil_w = 1;
		if (!avg && tc_rand(s) % 4 == 0)
			op->dil_h = (uint32_t)tc_range(s, 1, 3), op->dil_w = (uint32_t)tc_range(s, 1, 2);
		if (tc_rand(s) % 2) { /* padding: max pooling, or average counting the pads */
			c->include_pad = avg;
			op->pad_top = (uint32_t)tc_range(s, 0, op->k_h - 1);
			op->pad_left = (uint32_t)tc_range(s, 0, op->k_w - 1);
			op->pad_bottom = (uint32_t)tc_range(s, 0, op->k_h - 1);
			op->pad_right = (uint32_t)tc_range(s, 0, op->k_w - 1);
		}
		op->in_type = tc_rand(s) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
		if (pcase_setup(c, s) == 0)
			return;
		pcase_free(c);
	}
}

static void random_pools(int avg, uint64_t seed)
{
	uint64_t s = seed;
	unsigned fails = 0, n = 0;
	for (size_t gi = 0; gi < sizeof geoms / sizeof geoms[0]; gi++)
		for (unsigned i = 0; i < 60; i++, n++) {
			struct pcase c;
			random_pool(&c, avg, &s);
			struct mote_geometry g = tc_geom(geoms[gi][0], geoms[gi][1]);
			if (i % 3 == 2) { /* small buffers: many pixel tiles, single-slot rings */
				g.abuf_depth = (uint32_t)tc_range(&s, 200, 400);
				g.acc_depth = (uint32_t)tc_range(&s, 1, 30);
				g.bbuf_depth = (uint32_t)tc_range(&s, 3, 9);
				g.wbuf_depth = (uint32_t)tc_range(&s, geoms[gi][0], 3 * geoms[gi][0]);
			}
			struct tc_run run = {.policy = (enum mote_fm_policy)(i % 3),
					     .queue_depth = (uint32_t)(i % 3 == 1 ? tc_range(&s, 1, 8) : 8),
					     .seed = tc_rand(&s)};
			char tag[48];
			snprintf(tag, sizeof tag, "%s case %u", avg ? "avg" : "max", i);
			fails += (unsigned)check_pool(&g, &c, &run, tag);
			pcase_free(&c);
		}
	ck_assert_msg(fails == 0, "%u of %u random %s pools failed", fails, n, avg ? "average" : "max");
}

START_TEST(max_random) { random_pools(0, 0x3a1); }
END_TEST
START_TEST(avg_random) { random_pools(1, 0xa76); }
END_TEST

/* An average pool whose window is the whole input (global sums, tiler_gsum.c). */
static int is_global(const struct mote_cc_conv *op)
{
	return op->k_h == op->in_h && op->k_w == op->in_w && !op->pad_top && !op->pad_left && !op->pad_bottom &&
	       !op->pad_right;
}

/* The global-sum plan: one weight tile, COLS rows streamed per channel group
 * and chunk of COLS pixels (the last padded); MATMULs: one per chunk and batch
 * of groups (several batches only when the buffers are small: roomy = 0). */
static int global_plan_ok(const struct mote_geometry *g, const struct mote_cc_conv *op, const struct mote_cc_plan *pl,
			  int roomy)
{
	uint32_t lanes = g->rows < g->cols ? g->rows : g->cols, C = g->cols;
	uint32_t groups = (op->out_c + lanes - 1) / lanes, full = op->out_c / lanes;
	uint64_t chunks = ((uint64_t)op->in_h * op->in_w + C - 1) / C;
	uint64_t batches = (full > 0) + (op->out_c % lanes != 0);
	if (pl->k_tiles != 1 || pl->rows_streamed != groups * chunks * C || pl->n_matmul > groups * chunks ||
	    pl->n_matmul < batches * chunks)
		return 0;
	return !roomy || pl->n_matmul == batches * chunks;
}

/* Global average pools of many sizes (pixel counts not multiples of the
 * columns, channel counts not multiples of the lanes, a pixel or a channel
 * alone), int8 and uint8, on every geometry, roomy and tiny buffers: the
 * global-sum plan, bit-exact with the reference and the host kernel. */
START_TEST(global_random)
{
	uint64_t s = 0x6a9;
	unsigned fails = 0, n = 0;
	for (size_t gi = 0; gi < sizeof geoms / sizeof geoms[0]; gi++)
		for (unsigned i = 0; i < 40; i++, n++) {
			struct pcase c;
			memset(&c, 0, sizeof c);
			c.avg = 1;
			struct mote_cc_conv *op = &c.op;
			op->in_h = op->k_h = (uint32_t)tc_range(&s, 1, i % 4 == 0 ? 40 : 12);
			op->in_w = op->k_w = (uint32_t)tc_range(&s, 1, 12);
			op->in_c = (uint32_t)tc_range(&s, 1, 64);
			op->stride_h = op->stride_w = op->dil_h = op->dil_w = 1;
			op->in_type = tc_rand(&s) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
			ck_assert_int_eq(pcase_setup(&c, &s), 0);
			struct mote_geometry g = tc_geom(geoms[gi][0], geoms[gi][1]);
			int roomy = i % 3 != 2;
			if (!roomy) { /* small buffers: several batches, single-slot rings */
				g.abuf_depth = (uint32_t)tc_range(&s, geoms[gi][1], 4 * geoms[gi][1]);
				g.acc_depth = (uint32_t)tc_range(&s, 1, 30);
				g.bbuf_depth = (uint32_t)tc_range(&s, 3, 9);
			}
			struct tc_run run = {.policy = (enum mote_fm_policy)(i % 3),
					     .queue_depth = (uint32_t)(i % 3 == 1 ? tc_range(&s, 1, 8) : 8),
					     .seed = tc_rand(&s)};
			int bad = check_pool(&g, &c, &run, "global");
			/* one channel is a dense convolution (tiler_gen.c), not depthwise */
			if (!bad && op->in_c > 1 && !global_plan_ok(&g, op, &run.plan, roomy)) {
				fprintf(stderr, "global %ux%ux%u on %ux%u (a%u c%u): %u MATMULs, %llu rows, k_tiles %u\n",
					op->in_h, op->in_w, op->in_c, g.rows, g.cols, g.abuf_depth, g.acc_depth,
					run.plan.n_matmul, (unsigned long long)run.plan.rows_streamed, run.plan.k_tiles);
				bad = 1;
			}
			fails += (unsigned)bad;
			pcase_free(&c);
		}
	ck_assert_msg(fails == 0, "%u of %u global pools failed", fails, n);
}
END_TEST

/* Named shapes on every geometry, int8 and uint8. */
START_TEST(named_shapes)
{
	static const struct {
		const char *name;
		int avg, include_pad;
		uint32_t h, w, c, kh, kw, sh, sw, pt, pb, pl, pr;
	} shapes[] = {
		{"max 2x2 s2 (Fashion-MNIST)", 0, 0, 28, 28, 16, 2, 2, 2, 2, 0, 0, 0, 0},
		{"max 3x3 s2 pad 1", 0, 0, 15, 16, 24, 3, 3, 2, 2, 1, 1, 1, 1},
		{"max 3x3 s1 ceil overhang", 0, 0, 9, 9, 5, 3, 3, 2, 2, 0, 1, 0, 1},
		{"avg 2x2 s2", 1, 0, 16, 16, 20, 2, 2, 2, 2, 0, 0, 0, 0},
		{"avg 3x3 pad 1 counting pads", 1, 1, 12, 11, 9, 3, 3, 1, 1, 1, 1, 1, 1},
		{"GAP ResNet-8 8x8x64", 1, 0, 8, 8, 64, 8, 8, 1, 1, 0, 0, 0, 0},
		{"GAP DS-CNN 25x5x64", 1, 0, 25, 5, 64, 25, 5, 1, 1, 0, 0, 0, 0},
		{"GAP MobileNet-shaped 3x3x64", 1, 0, 3, 3, 64, 3, 3, 1, 1, 0, 0, 0, 0},
		{"avg 17x1 tall s3", 1, 0, 40, 3, 7, 17, 1, 3, 1, 0, 0, 0, 0},
	};
	for (size_t gi = 0; gi < sizeof geoms / sizeof geoms[0]; gi++)
		for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
			for (int v = 0; v < 2; v++) {
				uint64_t s = 900 + i * 16 + gi * 2 + (uint64_t)v;
				struct pcase c;
				memset(&c, 0, sizeof c);
				c.avg = shapes[i].avg, c.include_pad = shapes[i].include_pad;
				c.op = (struct mote_cc_conv){.in_h = shapes[i].h, .in_w = shapes[i].w, .in_c = shapes[i].c,
							     .k_h = shapes[i].kh, .k_w = shapes[i].kw,
							     .stride_h = shapes[i].sh, .stride_w = shapes[i].sw,
							     .dil_h = 1, .dil_w = 1, .pad_top = shapes[i].pt,
							     .pad_bottom = shapes[i].pb, .pad_left = shapes[i].pl,
							     .pad_right = shapes[i].pr,
							     .in_type = v ? MOTE_CC_UINT8 : MOTE_CC_INT8};
				ck_assert_msg(pcase_setup(&c, &s) == 0, "%s: not a device case", shapes[i].name);
				struct mote_geometry g = tc_geom(geoms[gi][0], geoms[gi][1]);
				struct tc_run run = {.policy = (enum mote_fm_policy)((i + gi) % 3), .queue_depth = 8,
						     .seed = s};
				ck_assert_msg(check_pool(&g, &c, &run, shapes[i].name) == 0, "%s on %ux%u: %s",
					      shapes[i].name, geoms[gi][0], geoms[gi][1], run.why);
				ck_assert_uint_eq(run.plan.n_sync, 0);
				uint32_t T = (geoms[gi][1] - 1) / c.op.dil_h + 1; /* kernel rows per group */
				if (c.avg && !is_global(&c.op))
					ck_assert_uint_eq(run.plan.k_tiles, c.op.k_w * ((c.op.k_h + T - 1) / T));
				if (c.avg && is_global(&c.op))
					ck_assert_msg(global_plan_ok(&g, &c.op, &run.plan, 1), "%s on %ux%u: not the global-sum plan",
						      shapes[i].name, geoms[gi][0], geoms[gi][1]);
				pcase_free(&c);
			}
}
END_TEST

/* By hand: 1x4 int8 image, 1x2 window stride 1 with one pad each side:
 * maxima [-7, 3, 3, 5, 5] of x - in_zp; the pads never win. */
START_TEST(max_by_hand)
{
	const uint8_t in[4] = {(uint8_t)-9, 1, (uint8_t)-128, 3};
	int32_t mult[1] = {1 << 30}, shift[1] = {30}, bias[1] = {0};
	struct mote_cc_conv op = {.in_h = 1, .in_w = 4, .in_c = 1, .out_c = 1, .groups = 1, .k_h = 1, .k_w = 2,
				  .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1, .pad_left = 1, .pad_right = 1,
				  .in_zp = -2, .out_type = MOTE_CC_INT8, .clamp_lo = -128, .clamp_hi = 127,
				  .bias = bias, .mult = mult, .shift = shift, .pool = MOTE_CC_POOL_MAX};
	int8_t out[5];
	ck_assert_int_eq(mote_ref_conv(&op, in, out), 0);
	const int8_t want[5] = {-7, 3, 3, 5, 5};
	ck_assert_mem_eq(out, want, 5);
	struct tc_run run = {.policy = MOTE_FM_RANDOM, .queue_depth = 4, .seed = 3};
	struct mote_geometry g = tc_geom(4, 4);
	int8_t hw[5];
	ck_assert_msg(tc_run_conv(&g, &op, in, hw, &run) == 0, "%s", run.why);
	ck_assert_mem_eq(hw, want, 5);
	/* uint8 with a zero point above the data: every value negative */
	const uint8_t inu[4] = {0, 200, 255, 3};
	op.in_type = MOTE_CC_UINT8;
	op.in_zp = 255;
	ck_assert_int_eq(mote_ref_conv(&op, inu, out), 0);
	const int8_t wantu[5] = {-128, -55, 0, 0, -128}; /* pads -255 and 3 - 255 clamp */
	ck_assert_mem_eq(out, wantu, 5);
	ck_assert_msg(tc_run_conv(&g, &op, inu, hw, &run) == 0, "%s", run.why);
	ck_assert_mem_eq(hw, out, 5);
}
END_TEST

START_TEST(errors)
{
	struct mote_geometry g = tc_geom(8, 8);
	struct mote_cc_plan plan;
	struct mote_cc_diag d;
	int32_t mult[6] = {1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30}, shift[6] = {30, 30, 30, 30, 30, 30};
	struct mote_cc_conv cv = {.in_h = 9, .in_w = 9, .in_c = 6, .out_c = 6, .groups = 6, .k_h = 3, .k_w = 3,
				  .stride_h = 2, .stride_w = 2, .dil_h = 1, .dil_w = 1, .mult = mult, .shift = shift,
				  .clamp_lo = -128, .clamp_hi = 127, .pool = MOTE_CC_POOL_MAX};
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), 0); /* no weights needed */
	ck_assert_uint_eq(plan.weight_bytes, 64);                    /* one identity tile */
	ck_assert_uint_eq(plan.k_tiles, 9);
	struct mote_geometry nomax = g;
	nomax.features &= ~MOTE_FEATURES_ACC_MAX_MASK;
	ck_assert_int_eq(mote_cc_plan_conv(&nomax, &cv, &plan, &d), MOTE_CC_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(d.msg, "ACC_MAX"));
	cv.groups = 3;
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "max pooling needs groups"));
	cv.groups = 6;
	cv.pool = (enum mote_cc_pool)2;
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_EINVAL);
	cv.pool = MOTE_CC_POOL_NONE; /* a depthwise convolution needs weights */
	ck_assert_int_eq(mote_cc_plan_conv(&g, &cv, &plan, &d), MOTE_CC_EINVAL);
	ck_assert_ptr_nonnull(strstr(d.msg, "no weights"));
	cv.pool = MOTE_CC_POOL_MAX;
	struct mote_geometry small = g;
	small.abuf_depth = 8; /* fewer rows than the 9 taps of one pixel */
	ck_assert_int_eq(mote_cc_plan_conv(&small, &cv, &plan, &d), MOTE_CC_ENOSPC);
	small.abuf_depth = 9;
	ck_assert_int_eq(mote_cc_plan_conv(&small, &cv, &plan, &d), 0);
	ck_assert_uint_eq(plan.m_rows, 1);
	/* the requantization derivation: one rule for the compiler and the kernels */
	int32_t m1, s1, m2, s2;
	ck_assert_int_eq(mote_cc_quantize_scale(0.1 / 9, &m1, &s1), 0);
	ck_assert_int_eq(mote_kernel_quantize_scale(0.1 / 9, &m2, &s2), 0);
	ck_assert(m1 == m2 && s1 == s2 && m1 >= 1 << 30);
	ck_assert_int_eq(mote_kernel_quantize_scale(-1.0, &m2, &s2), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_quantize_scale(4294967296.0, &m2, &s2), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_cc_quantize_scale(4294967296.0, &m1, &s1), MOTE_CC_ERANGE);
	ck_assert_int_eq(mote_cc_quantize_scale(-1.0, &m1, &s1), MOTE_CC_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, max_by_hand);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, named_shapes);
	tcase_add_test(tc, max_random);
	tcase_add_test(tc, avg_random);
	tcase_add_test(tc, global_random);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
