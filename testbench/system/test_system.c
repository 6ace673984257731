/* test_system.c: random GEMM, convolution and pooling shapes through the
 * driver on the simulated accelerator, every output byte compared with the
 * reference.  Max pooling runs on MATMUL ACC_MAX, average pooling as the
 * depthwise convolution with all-ones weights (kernels taller than the
 * array's columns as kernel-row groups; global pools as plain-row sums,
 * checked to take that plan).
 *
 *   test_system [--quick]
 *   test_system --device URI (--named I|all | --random I [--count N] [--seed S])
 *
 * The second form runs one case of the regression (scripts/regress/regress.txt)
 * alone: named shape I (or all of them) of the device's geometry, or random
 * shapes I..I+N-1 of seed S (default 1), each drawn from its own generator
 * state (seed and index), so a shape reproduces without the ones before it
 * (a failing one prints the command that runs it alone).
 * Exit 0 if every shape matched, 77 if every one was skipped (the device lacks
 * what it needs), 1 otherwise.
 *
 * Per geometry (4x4, 8x8, 16x16, the iCEBreaker board build: sim:board=
 * icebreaker, and the LFE5U-45F parameter set: sim:board=ecp5_45f) one device
 * runs the named degenerate shapes
 * and then random ones, a third of them with a residual add fused into their
 * stores (STORE ADD: operand reads at every alignment the layouts give, int8
 * and uint8 operands, Relu); the device is reused, so a job leaves it ready
 * for the next.  Exit status 0 only if every shape ran and matched bit for bit.
 *
 * 2:4 sparse weights (MATMUL SPARSE): on each device with FEATURES.SPARSE,
 * named and random GEMMs and convolutions (K not a multiple of 4, of R or of
 * 2R, single rows and columns, fewer than 4 channels, dilation) with their
 * random weights pruned 2:4 run sparse and then dense: both bit-exact against
 * the reference, byte-identical to each other, the sparse run's MACS_USEFUL
 * and MACS_DENSE those of the plan.  A device without the feature (the board)
 * must refuse a sparse operator when the stream is built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op.h"

struct shape {
	const char *why;
	int is_gemm;
	uint32_t m, k, n;                                 /* gemm */
	uint32_t h, w, cin, cout, kh, kw, stride, pad, dil; /* conv */
	uint32_t groups;                                  /* cin == cout == groups: depthwise */
	int stack_rows;                                   /* kernel rows stacked as channels */
	int pool;                                         /* OP_POOL_*: depthwise shapes only */
};

/* Shapes that break tilers: each one names what it tests.  R and C are the
 * geometry's rows and cols, so the edges move with the array. */
static int named_shapes(uint32_t R, uint32_t C, struct shape *s)
{
	int n = 0;
#define G(w_, m_, k_, n_) s[n++] = (struct shape){.why = w_, .is_gemm = 1, .m = m_, .k = k_, .n = n_}
#define CV(w_, h_, wd_, ci_, co_, kh_, kw_, st_, p_, d_)                                                         \
	s[n++] = (struct shape){.why = w_, .h = h_, .w = wd_, .cin = ci_, .cout = co_, .kh = kh_, .kw = kw_,     \
				.stride = st_, .pad = p_, .dil = d_}
	G("1x1x1 gemm", 1, 1, 1);
	G("single row", 1, 3 * R, 2 * C);
	G("single column", 5 * R, 3 * R, 1);
	G("K = R + 1", 17, R + 1, C);
	G("K = R - 1", 9, R > 1 ? R - 1 : 1, C);
	G("N = C + 1", 13, 2 * R, C + 1);
	G("N = C - 1", 13, 2 * R, C > 1 ? C - 1 : 1);
	G("M = 1, K and N ragged", 1, 3 * R + 1, 2 * C + 3);
	G("K far beyond the activation buffer", 3, 9000, 3);
	G("long M, ragged everything", 700, R + 3, C + 5);
	CV("1x1x1 conv", 1, 1, 1, 1, 1, 1, 1, 0, 1);
	CV("1x1 conv, C_in not a multiple of R", 5, 7, R + 1, C + 1, 1, 1, 1, 0, 1);
	CV("3x3 pad 2 (more than the kernel's half)", 6, 5, 3, 4, 3, 3, 1, 2, 1);
	CV("1x1 kernel with padding", 4, 4, 2, 3, 1, 1, 1, 1, 1);
	CV("padding larger than the image", 2, 2, 3, 5, 3, 3, 1, 3, 1);
	CV("stride 2", 9, 9, 5, C + 2, 3, 3, 2, 1, 1);
	CV("dilation 2", 9, 8, 4, 3, 3, 3, 1, 2, 2);
	CV("stride 3 dilation 2 pad 1", 11, 10, 3, 2, 3, 2, 3, 1, 2);
	CV("kernel as large as the image", 5, 5, 2, 3, 5, 5, 1, 0, 1);
	CV("wide kernel row", 4, 12, 3, 4, 1, 7, 1, 3, 1);
	CV("one input channel", 10, 10, 1, 8, 3, 3, 1, 1, 1);
#define DW(w_, h_, wd_, c_, kh_, kw_, st_, p_, d_)                                                                \
	do {                                                                                                     \
		CV(w_, h_, wd_, c_, c_, kh_, kw_, st_, p_, d_);                                                   \
		s[n - 1].groups = c_;                                                                            \
	} while (0)
#define SR(w_, h_, wd_, ci_, co_, kh_, kw_, st_, p_, d_)                                                         \
	do {                                                                                                     \
		CV(w_, h_, wd_, ci_, co_, kh_, kw_, st_, p_, d_);                                                 \
		s[n - 1].stack_rows = 1;                                                                         \
	} while (0)
	SR("stacked rows: 3x3 stem on 3 channels", 12, 11, 3, C + 3, 3, 3, 1, 1, 1);
	SR("stacked rows: 10x4 stride 2, one channel", 25, 10, 1, 2 * C, 10, 4, 2, 2, 1);
	SR("stacked rows: dilation 2, padding past the image", 5, 6, 2, 3, 3, 2, 1, 3, 2);
	DW("depthwise 3x3 (DS-CNN block)", 25, 5, 2 * C, 3, 3, 1, 1, 1);
	DW("depthwise 3x3 stride 2", 13, 11, C + 3, 3, 3, 2, 1, 1);
	DW("depthwise, one channel", 7, 6, 1, 3, 3, 1, 1, 1);
	DW("depthwise kernel spanning every column", C + 2, 4, C, C, 1, 1, 0, 1);
	DW("depthwise 1xK kernel", 5, 12, 3, 1, 5, 1, 2, 1);
	DW("depthwise dilation 2", 9, 9, C - 1 ? C - 1 : 1, 2, 3, 1, 2, 2);
	DW("depthwise 1x1 image", 1, 1, 3 * C, 3, 3, 1, 1, 1);
	DW("depthwise kernel taller than the columns", 2 * C + 5, 6, C + 1, 2 * C + 1, 3, 1, 1, 1);
#define POOL(p_, w_, h_, wd_, c_, kh_, kw_, st_, p2_, d_)                                                        \
	do {                                                                                                     \
		DW(w_, h_, wd_, c_, kh_, kw_, st_, p2_, d_);                                                      \
		s[n - 1].pool = p_;                                                                              \
	} while (0)
	POOL(OP_POOL_MAX, "max pool 2x2 stride 2", 28, 28, 16, 2, 2, 2, 0, 1);
	POOL(OP_POOL_MAX, "max pool 3x3 stride 2 pad 1", 15, 16, C + 3, 3, 3, 2, 1, 1);
	POOL(OP_POOL_MAX, "max pool dilation 2, one channel", 9, 9, 1, 2, 3, 1, 1, 2);
	POOL(OP_POOL_MAX, "max pool as large as the image", 5, 7, 2 * C, 5, 7, 1, 0, 1);
	POOL(OP_POOL_AVG, "global average pool 25x5 (DS-CNN)", 25, 5, 64, 25, 5, 1, 0, 1);
	POOL(OP_POOL_AVG, "global average pool 8x8 (ResNet-8)", 8, 8, 64, 8, 8, 1, 0, 1);
	POOL(OP_POOL_AVG, "average pool 3x3 pad 1", 10, 9, C - 1 ? C - 1 : 1, 3, 3, 1, 1, 1);
	POOL(OP_POOL_AVG, "global average pool 7x3, odd channels", 7, 3, 2 * C + 3, 7, 3, 1, 0, 1);
	POOL(OP_POOL_AVG, "global average pool 1x13, fewer channels than lanes", 1, 13, R - 1 ? R - 1 : 2, 1, 13, 1,
	     0, 1);
	POOL(OP_POOL_AVG, "global average pool 11x9x37", 11, 9, 37, 11, 9, 1, 0, 1);
	return n;
#undef SR
#undef POOL
#undef DW
#undef G
#undef CV
}

static uint64_t rs = 0x243F6A8885A308D3ULL;
static int skipped; /* shapes the device cannot run (counted for the exit status of one case) */

/* the generator state of random shape I of seed S (splitmix64 of both; never 0) */
static void rnd_at(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * 0x9E3779B97F4A7C15ULL + i + 1;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	rs = (z ^ (z >> 31)) | 1;
}
static uint32_t rnd(uint32_t lo, uint32_t hi)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return lo + (uint32_t)(rs % (uint64_t)(hi - lo + 1));
}

static void random_shape(struct shape *s, uint32_t R, uint32_t C)
{
	memset(s, 0, sizeof *s);
	s->why = "random";
	if (rnd(0, 2) == 0) {
		s->is_gemm = 1;
		s->m = rnd(1, 96);
		s->k = rnd(1, 6 * R);
		s->n = rnd(1, 4 * C);
		return;
	}
	s->kh = rnd(1, 4);
	s->kw = rnd(1, 4);
	s->stride = rnd(1, 3);
	s->dil = rnd(0, 4) ? 1 : 2;
	s->pad = rnd(0, 3);
	uint32_t span_h = s->dil * (s->kh - 1) + 1, span_w = s->dil * (s->kw - 1) + 1;
	/* the padded image must hold one window */
	uint32_t min_h = span_h > 2 * s->pad ? span_h - 2 * s->pad : 1;
	uint32_t min_w = span_w > 2 * s->pad ? span_w - 2 * s->pad : 1;
	s->h = rnd(min_h, min_h + 10);
	s->w = rnd(min_w, min_w + 10);
	s->cin = rnd(1, 3 * R);
	s->cout = rnd(1, 3 * C);
	/* a third of the convolutions depthwise (a third of those max pooling,
	 * a third average pooling with kernels up to three times the columns) */
	if (rnd(0, 2) == 0) {
		s->why = "random depthwise";
		s->cout = s->cin;
		s->groups = s->cin;
		s->pool = (int)rnd(0, 2);
		s->why = s->pool == OP_POOL_MAX ? "random max pool" : s->pool ? "random average pool" : s->why;
		if (s->pool == OP_POOL_AVG) {
			s->dil = 1;
			s->kh = rnd(1, 3 * C);
			s->h = rnd(s->kh, s->kh + 6);
			s->w = rnd(s->kw, s->kw + 8);
		}
	} else if (rnd(0, 3) == 0) {
		s->why = "random stacked rows";
		s->stack_rows = 1;
	}
}

/* A global average pool over several channels: tiler_gsum.c's plain-row
 * sums with one weight tile (one channel is a dense convolution). */
static int is_global_sum(const struct shape *s)
{
	return s->pool == OP_POOL_AVG && s->groups > 1 && s->kh == s->h && s->kw == s->w && !s->pad;
}

static int run_shape(mote_device *dev, const struct mote_geometry *g, const struct shape *s, uint32_t seed,
		     const char *uri)
{
	/* a device without DEPTHWISE (the iCEBreaker build: its cost is a partial-sum
	 * register and multiplexer per PE) cannot run grouped convolutions and
	 * average pools: the compiler refuses them (a model runs them on the host) */
	if (!s->is_gemm && s->groups > 1 && s->pool != OP_POOL_MAX && !(g->features & MOTE_FEATURES_DEPTHWISE_MASK)) {
		printf("  %s: %s: needs DEPTHWISE, which the device lacks: skipped\n", uri, s->why);
		skipped++;
		return 0;
	}
	/* a third of the shapes with a residual add fused into the stores (STORE ADD) */
	int add = seed % 3 == 1 && (g->features & MOTE_FEATURES_STORE_ADD_MASK);
	struct op_args a = {.is_gemm = s->is_gemm, .m = s->m, .k = s->k, .n = s->n, .h = s->h, .w = s->w,
			    .cin = s->cin, .cout = s->cout, .kh = s->kh, .kw = s->kw, .stride = s->stride,
			    .pad = s->pad, .dil = s->dil, .groups = s->groups, .seed = seed, .device = uri,
			    .relu = (int)(seed & 1), .w_uint8 = seed % 5 == 4 && s->groups <= 1,
			    .stack_rows = s->stack_rows, .pool = s->pool, .add = add,
			    /* a quarter with TFLite's two roundings (STORE ROUND_TFL), with and without relu */
			    .round_tfl = seed % 8 / 2 == 1 && (g->features & MOTE_FEATURES_ROUND_TFL_MASK)};
	struct op_data d;
	struct op_run r;
	memset(&d, 0, sizeof d);
	memset(&r, 0, sizeof r);
	int bad = op_make(&a, &d, NULL, 0) < 0 || op_execute(dev, g, &a, &d, &r) < 0;
	/* a shape whose buffers exceed the device's memory (the board's 128 KB) must be
	 * refused for exactly that, and counts as passed only then */
	struct mote_device_info di;
	mote_device_info(dev, &di);
	if (bad && r.rc == MOTE_ERROR_NO_DEVICE_MEM && r.footprint + 2 * MOTE_WINDOW_ALIGN > di.mem_size) {
		printf("  %s: %s: %llu bytes of buffers, refused (the device has %llu)\n", uri, s->why,
		       (unsigned long long)r.footprint, (unsigned long long)di.mem_size);
		op_free(&d);
		return 0;
	}
	/* a device without ACC_MAX cannot run max pools: the compiler must refuse
	 * them (a model runs them on the host), never run them some other way */
	if (s->pool == OP_POOL_MAX && !(g->features & MOTE_FEATURES_ACC_MAX_MASK)) {
		printf("  %s: %s: needs ACC_MAX, which the device lacks: %s\n", uri, s->why,
		       bad ? "refused" : "RAN (should have been refused)");
		op_free(&d);
		return bad ? 0 : 1;
	}
	size_t mism = bad ? 0 : op_mismatches(&d, 1);
	/* the perf counters: the device's set, the ones it does not keep 0, and its
	 * count of useful MACs that of the host's plan (the utilization printed) */
	const uint32_t need = 1u << MOTE_PERF_CYCLES | 1u << MOTE_PERF_MACS_USEFUL | 1u << MOTE_PERF_CMDS;
	for (unsigned i = 0; !bad && i < MOTE_NUM_PERF; i++)
		if (!(r.result.perf_set >> i & 1) && r.result.perf[i]) {
			fprintf(stderr, "FAIL %s: %s: perf counter %s not kept but %llu\n", uri, s->why,
				mote_perf_name(i), (unsigned long long)r.result.perf[i]);
			bad = 1;
		}
	if (!bad && (r.result.perf_set != di.perf_set || (di.perf_set & need) != need ||
		     r.result.perf[MOTE_PERF_MACS_USEFUL] != r.plan.macs_useful || !r.result.perf[MOTE_PERF_CYCLES])) {
		fprintf(stderr, "FAIL %s: %s: perf set 0x%x (device 0x%x), useful MACs %llu (plan %llu), cycles %llu\n",
			uri, s->why, r.result.perf_set, di.perf_set, (unsigned long long)r.result.perf[MOTE_PERF_MACS_USEFUL],
			(unsigned long long)r.plan.macs_useful, (unsigned long long)r.result.perf[MOTE_PERF_CYCLES]);
		bad = 1;
	}
	if (!bad && is_global_sum(s) && r.plan.k_tiles != 1) {
		fprintf(stderr, "FAIL %s: %s: %u weight tiles, not the global-sum plan\n", uri, s->why, r.plan.k_tiles);
		bad = 1;
	}
	if (bad || mism) {
		if (s->is_gemm)
			fprintf(stderr, "FAIL %s: %s gemm m=%u k=%u n=%u add=%d round_tfl=%d seed=%u: %s (%zu mismatches)\n",
				uri, s->why, s->m, s->k, s->n, add, a.round_tfl, seed, bad ? "error" : "mismatch", mism);
		else
			fprintf(stderr,
				"FAIL %s: %s conv h=%u w=%u cin=%u cout=%u k=%ux%u stride=%u pad=%u dil=%u groups=%u pool=%d "
				"add=%d round_tfl=%d seed=%u: %s (%zu mismatches)\n",
				uri, s->why, s->h, s->w, s->cin, s->cout, s->kh, s->kw, s->stride, s->pad, s->dil, s->groups,
				s->pool, add, a.round_tfl, seed, bad ? "error" : "mismatch", mism);
	}
	op_free(&d);
	return bad || mism;
}

/* One case of the regression: see the comment at the top. */
static int run_one(int argc, char **argv)
{
	const char *uri = NULL;
	long named = -2, first = -1, count = 1; /* named: -1 all, -2 none */
	unsigned long long seed = 1;
	for (int a = 1; a < argc; a++) {
		char *end = NULL;
		if (a + 1 >= argc)
			goto usage;
		if (!strcmp(argv[a], "--device"))
			uri = argv[++a];
		else if (!strcmp(argv[a], "--named")) {
			a++;
			named = !strcmp(argv[a], "all") ? -1 : strtol(argv[a], &end, 10);
		} else if (!strcmp(argv[a], "--random"))
			first = strtol(argv[++a], &end, 10);
		else if (!strcmp(argv[a], "--count"))
			count = strtol(argv[++a], &end, 10);
		else if (!strcmp(argv[a], "--seed"))
			seed = strtoull(argv[++a], &end, 10);
		else
			goto usage;
		if (end && (*end || end == argv[a]))
			goto usage;
	}
	if (!uri || (named == -2) == (first < 0) || named < -2 || count < 1)
		goto usage;
	mote_device *dev;
	int rc = mote_open(uri, &dev);
	if (rc < 0) {
		fprintf(stderr, "FAIL cannot open %s: %s\n", uri, mote_strerror(rc));
		return 1;
	}
	struct mote_device_info info;
	mote_device_info(dev, &info);
	const struct mote_geometry *g = &info.geometry;
	struct shape shapes[64];
	int n = named_shapes(g->rows, g->cols, shapes), fails = 0, runs = 0;
	if (named >= n) {
		fprintf(stderr, "test_system: no named shape %ld (there are %d: 0..%d)\n", named, n, n - 1);
		mote_close(dev);
		return 1;
	}
	for (int i = 0; named != -2 && i < n; i++)
		if (named == -1 || named == i) {
			printf("%s: named shape %d: %s\n", uri, i, shapes[i].why);
			int f = run_shape(dev, g, &shapes[i], 1000u + (uint32_t)i, uri);
			if (f)
				fprintf(stderr, "  reproduce alone: %s --device %s --named %d\n", argv[0], uri, i);
			fails += f;
			runs++;
		}
	for (long i = first; first >= 0 && i < first + count; i++) {
		struct shape s;
		rnd_at(seed, (uint64_t)i);
		random_shape(&s, g->rows, g->cols);
		printf("%s: random shape %ld of seed %llu: %s\n", uri, i, seed, s.why);
		int f = run_shape(dev, g, &s, (uint32_t)(seed * 100000u + 2000u + (unsigned long long)i), uri);
		if (f)
			fprintf(stderr, "  reproduce alone: %s --device %s --seed %llu --random %ld\n", argv[0], uri, seed, i);
		fails += f;
		runs++;
	}
	mote_close(dev);
	printf("test_system: %s: %d shapes, %d failed, %d skipped: %s\n", uri, runs, fails, skipped,
	       fails ? "FAIL" : skipped == runs ? "SKIP" : "PASS");
	return fails ? 1 : skipped == runs ? 77 : 0;
usage:
	fprintf(stderr, "usage: test_system [--quick]\n"
			"       test_system --device URI (--named I|all | --random I [--count N] [--seed S])\n");
	return 2;
}

/* Shapes for the sparse sweep: the reduction length against 4, R and 2R. */
static int sparse_shapes(uint32_t R, uint32_t C, struct shape *s)
{
	int n = 0;
#define G(w_, m_, k_, n_) s[n++] = (struct shape){.why = w_, .is_gemm = 1, .m = m_, .k = k_, .n = n_}
#define CV(w_, h_, wd_, ci_, co_, kh_, kw_, st_, p_, d_)                                                         \
	s[n++] = (struct shape){.why = w_, .h = h_, .w = wd_, .cin = ci_, .cout = co_, .kh = kh_, .kw = kw_,     \
				.stride = st_, .pad = p_, .dil = d_}
	G("sparse K = 1", 5, 1, 3);
	G("sparse K = 3 (one partial group)", 7, 3, C);
	G("sparse K = 2R + 1", 9, 2 * R + 1, C);
	G("sparse K = 2R - 2 (not a multiple of 4)", 7, 2 * R - 2, C + 1);
	G("sparse K = R + 3", 13, R + 3, C);
	G("sparse single row, K = 4R + 5", 1, 4 * R + 5, 2 * C + 1);
	G("sparse single column", 3 * R, 5 * R + 1, 1);
	G("sparse long M", 300, 3 * R, C - 1 ? C - 1 : 1);
	CV("sparse 3x3 on 3 channels", 8, 7, 3, C + 1, 3, 3, 1, 1, 1);
	CV("sparse 1x1 on 2 channels", 5, 5, 2, 3, 1, 1, 1, 0, 1);
	CV("sparse 3x3 stride 2 on 5 channels", 9, 9, 5, C + 2, 3, 3, 2, 1, 1);
	CV("sparse dilation 2 on 6 channels", 9, 8, 6, 3, 3, 3, 1, 2, 2);
	CV("sparse 5x5 on one channel", 10, 10, 1, 4, 5, 5, 1, 2, 1);
	CV("sparse 1x1 on 4R channels", 4, 4, 4 * R, C, 1, 1, 1, 0, 1);
	CV("sparse 3x3 on 2R + 4 channels", 6, 6, 2 * R + 4, C + 3, 3, 3, 1, 1, 1);
	return n;
#undef G
#undef CV
}

static void random_sparse_shape(struct shape *s, uint32_t R, uint32_t C)
{
	do {
		random_shape(s, R, C);
	} while (s->groups > 1 || s->stack_rows);
	s->why = s->is_gemm ? "random sparse gemm" : "random sparse conv";
}

/* One sparse shape: sparse run, dense run of the same pruned weights, both
 * against the reference and each other.  Returns 1 on a failure. */
static int run_sparse(mote_device *dev, const struct mote_geometry *g, const struct shape *s, uint32_t seed,
		      const char *uri)
{
	struct op_args a = {.is_gemm = s->is_gemm, .m = s->m, .k = s->k, .n = s->n, .h = s->h, .w = s->w,
			    .cin = s->cin, .cout = s->cout, .kh = s->kh, .kw = s->kw, .stride = s->stride,
			    .pad = s->pad, .dil = s->dil, .seed = seed, .device = uri, .relu = (int)(seed & 1),
			    .sparse = 1,
			    .add = seed % 3 == 1 && (g->features & MOTE_FEATURES_STORE_ADD_MASK),
			    .round_tfl = seed % 8 / 2 == 1 && (g->features & MOTE_FEATURES_ROUND_TFL_MASK)};
	struct op_data d;
	struct op_run r, rd;
	memset(&d, 0, sizeof d);
	memset(&r, 0, sizeof r);
	memset(&rd, 0, sizeof rd);
	int bad = op_make(&a, &d, NULL, 0) < 0;
	if (!bad && !(g->features & MOTE_FEATURES_SPARSE_MASK)) {
		/* the builder must refuse it (a sparse MATMUL would be FIELD) */
		int ran = op_execute(dev, g, &a, &d, &r) == 0;
		printf("  %s: %s: needs SPARSE, which the device lacks: %s\n", uri, s->why,
		       ran ? "RAN (should have been refused)" : "refused");
		op_free(&d);
		return ran;
	}
	bad = bad || op_execute(dev, g, &a, &d, &r) < 0;
	size_t mism = bad ? 0 : op_mismatches(&d, 1), mism_dense = 0, differ = 0;
	uint8_t *y_sparse = bad ? NULL : malloc(d.out_bytes ? d.out_bytes : 1);
	if (!bad && !y_sparse)
		bad = 1;
	if (!bad && (r.result.perf[MOTE_PERF_MACS_USEFUL] != r.plan.macs_useful ||
		     ((r.result.perf_set >> MOTE_PERF_MACS_DENSE & 1) &&
		      r.result.perf[MOTE_PERF_MACS_DENSE] != r.plan.macs_dense) ||
		     r.plan.macs_dense != r.plan.macs_model || 2 * r.plan.macs_useful < r.plan.macs_dense)) {
		fprintf(stderr, "FAIL %s: %s: useful MACs %llu (plan %llu), dense-equivalent %llu (plan %llu, model %llu)\n",
			uri, s->why, (unsigned long long)r.result.perf[MOTE_PERF_MACS_USEFUL],
			(unsigned long long)r.plan.macs_useful, (unsigned long long)r.result.perf[MOTE_PERF_MACS_DENSE],
			(unsigned long long)r.plan.macs_dense, (unsigned long long)r.plan.macs_model);
		bad = 1;
	}
	if (!bad) {
		memcpy(y_sparse, d.y_dev, d.out_bytes);
		memset(d.y_dev, 0, d.out_bytes);
		d.conv.sparse = d.gemm.sparse = 0;
		struct op_args ad = a;
		ad.sparse = 0;
		bad = op_execute(dev, g, &ad, &d, &rd) < 0;
		if (!bad) {
			mism_dense = op_mismatches(&d, 1);
			for (size_t i = 0; i < d.out_bytes; i++)
				differ += y_sparse[i] != d.y_dev[i];
		}
	}
	free(y_sparse);
	if (bad || mism || mism_dense || differ) {
		if (s->is_gemm)
			fprintf(stderr, "FAIL %s: %s gemm m=%u k=%u n=%u seed=%u: %s (%zu sparse, %zu dense mismatches, "
				"%zu bytes differ)\n", uri, s->why, s->m, s->k, s->n, seed, bad ? "error" : "mismatch", mism,
				mism_dense, differ);
		else
			fprintf(stderr,
				"FAIL %s: %s conv h=%u w=%u cin=%u cout=%u k=%ux%u stride=%u pad=%u dil=%u seed=%u: %s (%zu "
				"sparse, %zu dense mismatches, %zu bytes differ)\n",
				uri, s->why, s->h, s->w, s->cin, s->cout, s->kh, s->kw, s->stride, s->pad, s->dil, seed,
				bad ? "error" : "mismatch", mism, mism_dense, differ);
	}
	op_free(&d);
	return bad || mism || mism_dense || differ;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--quick"))
		return run_one(argc, argv);
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	static const struct {
		const char *uri;
		int random;
	} devs[] = {{"sim:rows=4,cols=4", 50}, {"sim:rows=8,cols=8", 80}, {"sim:rows=16,cols=16", 30},
		    /* the iCEBreaker board build as it is built: its parameter set,
		     * SB_MAC16 through Yosys' model, its memory */
		    {"sim:board=icebreaker", 30},
		    /* the LFE5U-45F parameter set: 8x8 with two requantization lanes
		     * (a row in four chunks) and no STORE ADD */
		    {"sim:board=ecp5_45f", 20}};
	int fails = 0, runs = 0;
	for (size_t di = 0; di < sizeof devs / sizeof devs[0]; di++) {
		mote_device *dev;
		int rc = mote_open(devs[di].uri, &dev);
		if (rc < 0) {
			fprintf(stderr, "FAIL cannot open %s: %s\n", devs[di].uri, mote_strerror(rc));
			return 1;
		}
		struct mote_device_info info;
		mote_device_info(dev, &info);
		const struct mote_geometry *g = &info.geometry;
		struct shape shapes[64];
		int n = named_shapes(g->rows, g->cols, shapes);
		int dev_fails = 0, dev_runs = 0;
		for (int i = 0; i < n; i++, dev_runs++)
			dev_fails += run_shape(dev, g, &shapes[i], 1000u + (uint32_t)i, devs[di].uri);
		int nr = quick ? devs[di].random / 5 : devs[di].random;
		for (int i = 0; i < nr; i++, dev_runs++) {
			struct shape s;
			random_shape(&s, g->rows, g->cols);
			dev_fails += run_shape(dev, g, &s, 2000u + (uint32_t)i, devs[di].uri);
		}
		printf("%-22s %3d shapes (%d named, %d random), %d failed\n", devs[di].uri, dev_runs, n, nr, dev_fails);
		/* 2:4 sparse weights: named shapes, then random ones (a few on the board:
		 * it must refuse them all) */
		int sp_fails = 0, sp_runs = 0;
		int ns = sparse_shapes(g->rows, g->cols, shapes);
		for (int i = 0; i < ns; i++, sp_runs++)
			sp_fails += run_sparse(dev, g, &shapes[i], 3000u + (uint32_t)i, devs[di].uri);
		int nsr = (g->features & MOTE_FEATURES_SPARSE_MASK) ? (quick ? devs[di].random / 10 : devs[di].random / 3) : 2;
		for (int i = 0; i < nsr; i++, sp_runs++) {
			struct shape s;
			random_sparse_shape(&s, g->rows, g->cols);
			sp_fails += run_sparse(dev, g, &s, 4000u + (uint32_t)i, devs[di].uri);
		}
		printf("%-22s %3d sparse shapes (%d named, %d random, each run sparse and dense), %d failed\n",
		       devs[di].uri, sp_runs, ns, nsr, sp_fails);
		dev_fails += sp_fails;
		dev_runs += sp_runs;
		fails += dev_fails;
		runs += dev_runs;
		mote_close(dev);
	}
	printf("test_system: %d shapes, %d failed: %s\n", runs, fails, fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
