/* test_tfl_softmax.c: TFLite's integer SOFTMAX for int8/uint8 (host kernel
 * SOFTMAX_TFL, driver/kernels/kernels_tflite.c) and its import.
 *
 *   - the gemmlowp fixed-point helpers on values worked out step by step
 *     from their definitions, and within the error bounds gemmlowp's own
 *     test states for them (test/test_fixedpoint.cc: exp_on_negative_values
 *     within 3e-7 of exp, one_over_one_plus_x_for_x_in_0_1 within 3e-9 of
 *     1 / (1 + x), on the same test values: 2^i + {-2..2}, their negatives,
 *     the int32 extremes and 1000 values of the LCG x = x * 1664525 +
 *     1013904223 from 1);
 *   - SoftmaxPrepare's parameters by hand;
 *   - the kernel on hand-derived rows (all equal: 1/N as the algorithm
 *     rounds it; one dominant input: 127), on the Android NNAPI CTS example
 *     softmax_quant8_1 (uint8 [1, 2, 10, 20], scale 0.5, beta 1e-5 ->
 *     [64, 64, 64, 64]; also as a one-operator uint8 model through the
 *     importer and the reference executor), and against a float softmax on many random rows
 *     at several input scales and betas (within 1 of round(p * 256) + min);
 *   - refusals: bad parameters, types and shapes; at import, an output
 *     quantization TFLite refuses, named with the operator's index. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_compiler.h"
#include "mote/mote_kernels.h"
#include "cc_test_util.h"
#include "ir/ir.h"
#include "import/tflite_import.h"
#include "tfl_build.h"

/* gemmlowp's test values (test/test_fixedpoint.cc main()). */
static size_t gemmlowp_values(int32_t *v)
{
	size_t n = 0;
	for (int i = 0; i < 31; i++)
		for (int d = -2; d <= 2; d++) {
			v[n++] = (int32_t)(((int64_t)1 << i) + d);
			v[n++] = (int32_t)(-((int64_t)1 << i) + d);
		}
	const int32_t ext[6] = {INT32_MIN, INT32_MIN + 1, INT32_MIN + 2, INT32_MAX - 2, INT32_MAX - 1, INT32_MAX};
	for (int i = 0; i < 6; i++)
		v[n++] = ext[i];
	uint32_t r = 1;
	for (int i = 0; i < 1000; i++) {
		r = r * 1664525u + 1013904223u;
		v[n++] = (int32_t)r;
	}
	return n;
}

START_TEST(exp_neg)
{
	/* a = 0: One() */
	ck_assert_int_eq(mote_kernel_tfl_exp_neg(0), INT32_MAX);
	/* a = -1/4 (-2^24 in Q5.26): a mod 1/4 - 1/4 = a, no barrel-shifter bit;
	 * into Q0.31 -2^29, x = -2^29 + 2^28 = -2^28, x2 = 2^56 / 2^31 = 2^25,
	 * x3 = -2^53 / 2^31 = -2^22, x4 = 2^19, x4 / 4 = 2^17;
	 * (2^17 - 2^22) * 715827883 / 2^31 = -4063232 * (2^31 + 1) / (3 * 2^31)
	 * = -1354410.667 -> -1354411; + x2 = 32200021, / 2 = 16100010.5 ->
	 * 16100011 (ties away from zero); x + t = -252335445;
	 * 1895147668 * -252335445 / 2^31 = -222685248.9 -> -222685249;
	 * + 1895147668 = 1672462419 (exp(-1/4) * 2^31 = 1672461946.6) */
	ck_assert_int_eq(mote_kernel_tfl_exp_neg(-(1 << 24)), 1672462419);
	/* gemmlowp's bound on its test values (a < 0) */
	static int32_t v[2048];
	size_t n = gemmlowp_values(v), checked = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] >= 0)
			continue;
		double want = exp(ldexp((double)v[i], -26)), got = ldexp((double)mote_kernel_tfl_exp_neg(v[i]), -31);
		ck_assert_msg(fabs(want - got) < 3e-7, "exp(%d / 2^26): %.10g, expected %.10g", v[i], got, want);
		checked++;
	}
	ck_assert_uint_gt(checked, 500);
}
END_TEST

START_TEST(reciprocal)
{
	/* x = 0: half the denominator (0 + One() + 1) / 2 = 2^30; Newton's x
	 * converges to 2 (2^30 in Q2.29), whose doubling into Q0.31 saturates */
	ck_assert_int_eq(mote_kernel_tfl_one_over_one_plus_x(0), INT32_MAX);
	/* 1 / 1.5 = 1431655765.3 / 2^31; the three Newton steps from 48/17 - 32/17 * 0.75
	 * (h = 0.75, every product exact in 64 bits, evaluated with an exact
	 * integer model of the definition) end at 1431655762 */
	ck_assert_int_eq(mote_kernel_tfl_one_over_one_plus_x(1 << 30), 1431655762);
	static int32_t v[2048];
	size_t n = gemmlowp_values(v), checked = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] <= 0)
			continue;
		double a = ldexp((double)v[i], -31), want = 1.0 / (1.0 + a);
		double got = ldexp((double)mote_kernel_tfl_one_over_one_plus_x(v[i]), -31);
		ck_assert_msg(fabs(want - got) < 3e-9, "1 / (1 + %d / 2^31): %.12g, expected %.12g", v[i], got, want);
		checked++;
	}
	ck_assert_uint_gt(checked, 500);
	/* GetReciprocal in Q12.19: 1.0 (2^19, 12 leading zeros) is 1 * 2^0;
	 * 3.0 (3 * 2^19, 11 leading zeros) is 1.5 * 2^1; 4095.5 is 1.99951 * 2^11 */
	int nb = -1;
	ck_assert_int_eq(mote_kernel_tfl_reciprocal(1 << 19, 12, &nb), INT32_MAX);
	ck_assert_int_eq(nb, 0);
	ck_assert_int_eq(mote_kernel_tfl_reciprocal(3 << 19, 12, &nb), 1431655762);
	ck_assert_int_eq(nb, 1);
	int32_t r = mote_kernel_tfl_reciprocal(4095 * (1 << 19) + (1 << 18), 12, &nb);
	ck_assert_int_eq(nb, 11);
	ck_assert(fabs(ldexp((double)r, -31) - 2048.0 / 4095.5) < 3e-9);
}
END_TEST

START_TEST(params)
{
	struct mote_tfl_softmax p;
	/* beta 1, scale 1/16: 2^-4 * 2^26 = 2^22 = 0.5 * 2^23: multiplier 2^30,
	 * left shift 23, diff_min -floor(31 * 2^26 / 2^23) = -248 */
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, 1.0f / 16, &p), 0);
	ck_assert(p.input_multiplier == 1 << 30 && p.input_left_shift == 23 && p.diff_min == -248);
	/* beta 1, scale 0.1f = 13421773 * 2^-27: m = 13421773 / 2 = 6710886.5
	 * = (6710886.5 / 2^23) * 2^23, times 2^31: 6710886.5 * 2^8 = 1717986944
	 * (TFLite Micro's softmax tests use this input scale) */
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, 0.1f, &p), 0);
	ck_assert(p.input_multiplier == 1717986944 && p.input_left_shift == 23 && p.diff_min == -248);
	/* beta 1, scale 1: 2^26: shift 27, diff_min -floor(31 / 2) = -15 */
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, 1.0f, &p), 0);
	ck_assert(p.input_multiplier == 1 << 30 && p.input_left_shift == 27 && p.diff_min == -15);
	/* beta 2, scale 64: 2^33 capped at 2^31 - 1 (frexp: (2^31 - 1) / 2^31 * 2^31):
	 * multiplier 2^31 - 1, shift 31, diff_min -floor(0.97) = 0 */
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(2.0f, 64.0f, &p), 0);
	ck_assert(p.input_multiplier == INT32_MAX && p.input_left_shift == 31 && p.diff_min == 0);
	/* just above 1: 1.5 * 2^-26 * 2^26 = 1.5 = 0.75 * 2^1 */
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.5f, ldexpf(1.0f, -26), &p), 0);
	ck_assert(p.input_multiplier == 1610612736 && p.input_left_shift == 1 && p.diff_min == -(31 << 25));
	ck_assert(mote_kernel_tfl_softmax_ok(&p));
	/* m <= 1: QuantizeMultiplierGreaterThanOne's check; and what is not a scale or a beta */
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, ldexpf(1.0f, -26), &p), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(0.5f, ldexpf(1.0f, -27), &p), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(0.0f, 1.0f, &p), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(-1.0f, 1.0f, &p), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, NAN, &p), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(INFINITY, 1.0f, &p), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, 1.0f, NULL), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_softmax_diff_min(0), -(31 << 26));
	ck_assert_int_eq(mote_kernel_tfl_softmax_diff_min(26), -31);
}
END_TEST

/* SOFTMAX_TFL of one row of n int8 (lo = -128) or uint8 (lo = 0) values. */
static int run_row(float beta, float scale, int lo, const int32_t *x, int n, int32_t *y)
{
	struct mote_tfl_softmax sp;
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(beta, scale, &sp), 0);
	int8_t xi[MOTE_TFL_SOFTMAX_MAX_LEN], yi[MOTE_TFL_SOFTMAX_MAX_LEN];
	uint8_t *xu = (uint8_t *)xi, *yu = (uint8_t *)yi;
	for (int i = 0; i < n; i++) {
		if (lo)
			xi[i] = (int8_t)x[i];
		else
			xu[i] = (uint8_t)x[i];
	}
	int32_t p[MOTE_KERNEL_NPARAMS] = {1, sp.input_multiplier, sp.input_left_shift, sp.diff_min};
	int32_t dt = lo ? MOTE_KT_INT8 : MOTE_KT_UINT8;
	struct mote_ktensor in = {.data = xi, .dtype = dt, .rank = 2, .dims = {1, n}};
	struct mote_ktensor out = {.data = yi, .dtype = dt, .rank = 2, .dims = {1, n}};
	int rc = mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &in, 1, &out, 1);
	for (int i = 0; !rc && i < n; i++)
		y[i] = lo ? yi[i] : yu[i];
	return rc;
}

START_TEST(hand_rows)
{
	static int32_t x[MOTE_TFL_SOFTMAX_MAX_LEN], y[MOTE_TFL_SOFTMAX_MAX_LEN];
	/* N equal inputs: every exp is One() = 2^31 - 1, rescaled to Q12.19 as
	 * 2^19 (the rounding carries), sum N * 2^19; N = 2^k: GetReciprocal gives
	 * One() (f = 0) and n = k, and One() * One() / 2^31 = 2^31 - 2, so
	 * y = round((2^31 - 2) / 2^(k + 23)) - 128 = 2^(8-k) - 128 (N = 1: 256,
	 * clamped to 127); N = 3: r = 1431655762 (above), n = 1, r * One() / 2^31
	 * = 1431655761, / 2^24 = 85.33 -> 85, -43; N = 1000: the sum 1000 * 2^19
	 * has 3 leading zeros, n = 9, a shift of 32 (TFLite's undefined case):
	 * 0, -128; N = 4095: n = 11, a shift of 34: -128 */
	static const struct {
		int n;
		int32_t y;
	} eq[] = {{1, 127}, {2, 0}, {3, -43}, {4, -64}, {8, -96}, {64, -124}, {256, -127}, {1000, -128}, {4095, -128}};
	for (size_t k = 0; k < sizeof eq / sizeof eq[0]; k++) {
		for (int i = 0; i < eq[k].n; i++)
			x[i] = -7;
		ck_assert_int_eq(run_row(1.0f, 0.1f, -128, x, eq[k].n, y), 0);
		for (int i = 0; i < eq[k].n; i++)
			ck_assert_msg(y[i] == eq[k].y, "%d equal inputs: y[%d] = %d, expected %d", eq[k].n, i, y[i], eq[k].y);
	}
	/* one dominant input: scale 1, the others 25 or more below (diff_min -15)
	 * contribute nothing: the sum is 2^19 alone, the maximum gets 127 and the
	 * rest -128 */
	const int32_t dom[5] = {-128, 127, -100, 101, -128};
	ck_assert_int_eq(run_row(1.0f, 1.0f, -128, dom, 5, y), 0);
	ck_assert(y[0] == -128 && y[1] == 127 && y[2] == -128 && y[3] == -128 && y[4] == -128);
	/* two maxima alone: 0.5 each, 128 - 128 = 0 */
	const int32_t two[4] = {100, -100, 100, 0};
	ck_assert_int_eq(run_row(1.0f, 1.0f, -128, two, 4, y), 0);
	ck_assert(y[0] == 0 && y[1] == -128 && y[2] == 0 && y[3] == -128);
	/* uint8: NNAPI CTS softmax_quant8_1 */
	const int32_t cts[4] = {1, 2, 10, 20};
	ck_assert_int_eq(run_row(0.00001f, 0.5f, 0, cts, 4, y), 0);
	ck_assert(y[0] == 64 && y[1] == 64 && y[2] == 64 && y[3] == 64);
	/* uint8 all equal: 1/4 -> 64, one alone -> 255 */
	const int32_t u4[4] = {200, 200, 200, 200};
	ck_assert_int_eq(run_row(1.0f, 0.1f, 0, u4, 4, y), 0);
	ck_assert(y[0] == 64 && y[3] == 64);
	ck_assert_int_eq(run_row(1.0f, 0.1f, 0, u4, 1, y), 0);
	ck_assert_int_eq(y[0], 255);
}
END_TEST

/* A float softmax of beta * scale * (x - max), rounded to 1/256 plus lo. */
static void float_row(float beta, float scale, int lo, const int32_t *x, int n, double *q)
{
	int32_t top = x[0];
	for (int i = 1; i < n; i++)
		top = x[i] > top ? x[i] : top;
	double sum = 0, e[MOTE_TFL_SOFTMAX_MAX_LEN];
	for (int i = 0; i < n; i++)
		sum += e[i] = exp((double)beta * (double)scale * (x[i] - top));
	for (int i = 0; i < n; i++) {
		double v = nearbyint(e[i] / sum * 256) + lo;
		q[i] = v > lo + 255 ? lo + 255 : v;
	}
}

START_TEST(against_float)
{
	static const float scales[] = {0.1f, 0.05f, 0.25f, 1.0f / 16, 1.0f / 256, 0.5f, 2.0f, 1e-3f, 7.3f, 40.0f};
	static const float betas[] = {1.0f, 0.5f, 2.0f, 0.731f, 1e-5f};
	static const int lens[] = {1, 2, 3, 5, 10, 12, 64, 100, 257, 1000, 1001, 4095};
	static int32_t x[MOTE_TFL_SOFTMAX_MAX_LEN], y[MOTE_TFL_SOFTMAX_MAX_LEN];
	static double q[MOTE_TFL_SOFTMAX_MAX_LEN];
	uint64_t rng = 0x9e3779b97f4a7c15u, elems = 0, off = 0;
	int rows = 0, skipped = 0;
	for (int t = 0; t < 2000; t++) {
		rng = rng * 6364136223846793005u + 1442695040888963407u;
		uint32_t r = (uint32_t)(rng >> 33);
		float s = scales[r % 10], b = betas[(r / 10) % 5];
		int lo = t % 4 ? -128 : 0, n = lens[(r / 50) % 12], w = (int[5]){1, 3, 10, 60, 255}[(r / 600) % 5];
		int c = lo + (int)((r >> 20) % 256);
		struct mote_tfl_softmax sp;
		if (mote_kernel_tfl_softmax_params(b, s, &sp)) { /* refused exactly where TFLite refuses */
			ck_assert((double)b * (double)s * 67108864.0 <= 1.0);
			skipped++;
			continue;
		}
		for (int i = 0; i < n; i++) {
			rng = rng * 6364136223846793005u + 1442695040888963407u;
			int v = c + (int)((rng >> 33) % (uint64_t)(2 * w + 1)) - w;
			x[i] = v < lo ? lo : v > lo + 255 ? lo + 255 : v;
		}
		ck_assert_int_eq(run_row(b, s, lo, x, n, y), 0);
		float_row(b, s, lo, x, n, q);
		for (int i = 0; i < n; i++) {
			ck_assert_msg(fabs(y[i] - q[i]) <= 1.0, "beta %g scale %g n %d: y[%d] = %d, float %g", (double)b,
				      (double)s, n, i, y[i], q[i]);
			off += y[i] != q[i];
		}
		elems += (uint64_t)n;
		rows++;
	}
	ck_assert_int_eq(rows + skipped, 2000);
	ck_assert_int_gt(rows, 1800);
	ck_assert_uint_gt(elems, 500000);
	ck_assert_uint_lt(off * 1000, elems); /* off by one on fewer than 1 in 1000 */
	fprintf(stderr, "softmax_tfl against float: %d rows (%d refused as TFLite refuses), %llu elements, %llu off by one\n",
		rows, skipped, (unsigned long long)elems, (unsigned long long)off);
}
END_TEST

START_TEST(strided_axis)
{
	/* axis 1 of [2][3][2] (the IR's NCHW channel axis): the rows are strided */
	int8_t x[12] = {5, -7, 5, -7, 5, -7, /* n = 0: (c, w) */ 100, 0, -28, 0, 100, 0}, y[12];
	struct mote_tfl_softmax sp;
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, 1.0f, &sp), 0);
	int32_t p[MOTE_KERNEL_NPARAMS] = {1, sp.input_multiplier, sp.input_left_shift, sp.diff_min};
	struct mote_ktensor in = {.data = x, .dtype = MOTE_KT_INT8, .rank = 3, .dims = {2, 3, 2}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 3, .dims = {2, 3, 2}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &in, 1, &out, 1), 0);
	/* n 0: both columns three equal values (-43); n 1 column 0: two maxima
	 * (0, 0) and -28 far below (-128); column 1 three equal zeros */
	const int8_t want[12] = {-43, -43, -43, -43, -43, -43, 0, -43, -128, -43, 0, -43};
	ck_assert_mem_eq(y, want, 12);
}
END_TEST

START_TEST(refusals)
{
	int8_t x[8] = {0}, y[8];
	uint8_t u[8];
	struct mote_tfl_softmax sp;
	ck_assert_int_eq(mote_kernel_tfl_softmax_params(1.0f, 0.1f, &sp), 0);
	int32_t p[MOTE_KERNEL_NPARAMS] = {1, sp.input_multiplier, sp.input_left_shift, sp.diff_min};
	struct mote_ktensor in = {.data = x, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {1, 8}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {1, 8}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &in, 1, &out, 1), 0);
	ck_assert_str_eq(mote_kernel_op_name(MOTE_KOP_SOFTMAX_TFL), "SOFTMAX_TFL");
	int32_t q[MOTE_KERNEL_NPARAMS];
	const struct {
		int slot;
		int32_t v;
	} bad[] = {
		{0, 2},                      /* axis past the rank */
		{0, -1},                     /* negative axis */
		{1, (1 << 30) - 1},          /* multiplier below 2^30 */
		{1, -5},                     /* negative multiplier */
		{2, 32},                     /* left shift past 31 */
		{2, -1},                     /* negative left shift */
		{3, sp.diff_min + 1},        /* diff_min not -CalculateInputRadius(5, shift) */
		{3, 0},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		memcpy(q, p, sizeof q);
		q[bad[k].slot] = bad[k].v;
		ck_assert_msg(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, q, &in, 1, &out, 1) == MOTE_KERNEL_EPARAM,
			      "p%d = %d not refused", bad[k].slot, bad[k].v);
	}
	/* types: int8 into uint8, float, int32 */
	struct mote_ktensor o2 = {.data = u, .dtype = MOTE_KT_UINT8, .rank = 2, .dims = {1, 8}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &in, 1, &o2, 1), MOTE_KERNEL_ETYPE);
	float f[8] = {0}, fy[8];
	struct mote_ktensor fi = {.data = f, .dtype = MOTE_KT_FLOAT, .rank = 2, .dims = {1, 8}};
	struct mote_ktensor fo = {.data = fy, .dtype = MOTE_KT_FLOAT, .rank = 2, .dims = {1, 8}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &fi, 1, &fo, 1), MOTE_KERNEL_ETYPE);
	/* shapes: fewer outputs than inputs, a scalar, an axis longer than 4095 */
	struct mote_ktensor o3 = {.data = y, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {1, 7}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &in, 1, &o3, 1), MOTE_KERNEL_ESHAPE);
	struct mote_ktensor sc = {.data = x, .dtype = MOTE_KT_INT8, .rank = 0};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &sc, 1, &sc, 1), MOTE_KERNEL_ESHAPE);
	int8_t *big = calloc(4096, 1), *bigy = calloc(4096, 1);
	ck_assert(big && bigy);
	struct mote_ktensor bi = {.data = big, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {1, 4096}};
	struct mote_ktensor bo = {.data = bigy, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {1, 4096}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &bi, 1, &bo, 1), MOTE_KERNEL_ESHAPE);
	bi.dims[1] = bo.dims[1] = 4095;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, &bi, 1, &bo, 1), 0);
	free(big);
	free(bigy);
	/* two inputs */
	struct mote_ktensor two[2] = {in, in};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_SOFTMAX_TFL, p, two, 2, &out, 1), MOTE_KERNEL_EPARAM);
}
END_TEST

/* The tiny CNN's SOFTMAX (operators[6]: fc [1,3], scale 0.25 -> prob, int8
 * 1/256, -128, beta 1) as one node, and the reference executor running the
 * kernel with the parameters TFLite computes from beta and the input scale. */
START_TEST(import_and_reference)
{
	struct tm_model tm;
	tm_tiny_cnn(&tm, 0);
	size_t len;
	uint8_t *b = tm_build(&tm, &len);
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_tflite_import(b, len, &g, &d) == 0, "%s", d.msg);
	unsigned found = 0;
	for (size_t i = 0; i < g.nn; i++) {
		const struct ir_node *n = &g.n[i];
		ck_assert_str_ne(n->op, "Softmax");
		if (strcmp(n->op, "MoteTflSoftmax"))
			continue;
		found++;
		ck_assert_str_eq(n->name, "operators[6]");
		ck_assert_int_eq(ir_attr_int(n, "axis", -1), 1);
		/* 0.25 * 2^26 = 2^24 = 0.5 * 2^25: 2^30, 25, -floor(31 * 2^26 / 2^25) = -62 */
		ck_assert_int_eq(ir_attr_int(n, "mote_input_multiplier", 0), 1 << 30);
		ck_assert_int_eq(ir_attr_int(n, "mote_input_left_shift", 0), 25);
		ck_assert_int_eq(ir_attr_int(n, "mote_diff_min", 0), -62);
	}
	ck_assert_uint_eq(found, 1);
	ir_graph_free(&g);

	mote_cc_ref *r;
	ck_assert_msg(mote_cc_ref_open(b, len, &r, &d) == 0, "%s", d.msg);
	int8_t x[32];
	for (int i = 0; i < 32; i++)
		x[i] = (int8_t)(i * 37 % 256 - 128);
	ck_assert_int_eq(mote_cc_ref_set_input(r, "x", x, sizeof x, &d), 0);
	ck_assert_msg(mote_cc_ref_run(r, &d) == 0, "%s", d.msg);
	const void *fc, *prob;
	size_t nb;
	ck_assert_int_eq(mote_cc_ref_tensor(r, "fc", &fc, &nb), 0);
	ck_assert_uint_eq(nb, 3);
	ck_assert_int_eq(mote_cc_ref_tensor(r, "prob", &prob, &nb), 0);
	ck_assert_uint_eq(nb, 3);
	int32_t row[3], want[3];
	for (int i = 0; i < 3; i++)
		row[i] = ((const int8_t *)fc)[i];
	ck_assert_int_eq(run_row(1.0f, 0.25f, -128, row, 3, want), 0);
	int spread = 0;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(((const int8_t *)prob)[i], want[i]);
		spread += want[i] > -128 && want[i] < 127;
	}
	ck_assert_int_ge(spread, 1); /* not a saturated case */
	mote_cc_ref_close(r);
	free(b);
}
END_TEST

/* What TFLite's SoftmaxPrepare refuses, named with the operator's index. */
static void import_refused(const struct tm_model *tm, const char *msg)
{
	size_t len;
	uint8_t *b = tm_build(tm, &len);
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	ck_assert_int_eq(mote_tflite_import(b, len, &g, &d), MOTE_CC_ENOTSUP);
	ck_assert_str_eq(d.msg, msg);
	free(b);
}

/* A uint8 model of one SOFTMAX (TFLite's uint8 softmax: the same algorithm,
 * output zero point 0) on the NNAPI CTS vector, through the importer and the
 * reference executor. */
START_TEST(uint8_model)
{
	static const float s_in[1] = {0.5f}, s_out[1] = {1.0f / 256};
	static const int64_t z0[1] = {0};
	struct tm_model tm;
	memset(&tm, 0, sizeof tm);
	tm.ncodes = 1;
	tm.codes[0] = 25; /* SOFTMAX */
	tm.nt = 2;
	tm.t[0] = (struct tm_tensor){"x", 3, 2, {1, 4}, 0, 1, s_in, z0, 0}; /* 3: UINT8 */
	tm.t[1] = (struct tm_tensor){"y", 3, 2, {1, 4}, 0, 1, s_out, z0, 0};
	float beta = 0.00001f;
	int32_t bb;
	memcpy(&bb, &beta, sizeof bb);
	tm.nops = 1;
	tm.ops[0] = (struct tm_op){.code = 0, .nin = 1, .nout = 1, .in = {0}, .out = {1}, .opt_type = 9, .nopt = 1,
				   .opt = {bb}};
	tm.nin = tm.nout = 1;
	tm.in[0] = 0, tm.out[0] = 1;
	size_t len;
	uint8_t *b = tm_build(&tm, &len);
	mote_cc_ref *r;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_cc_ref_open(b, len, &r, &d) == 0, "%s", d.msg);
	const uint8_t x[4] = {1, 2, 10, 20}, want[4] = {64, 64, 64, 64};
	ck_assert_int_eq(mote_cc_ref_set_input(r, "x", x, sizeof x, &d), 0);
	ck_assert_msg(mote_cc_ref_run(r, &d) == 0, "%s", d.msg);
	const void *y;
	size_t nb;
	ck_assert_int_eq(mote_cc_ref_tensor(r, "y", &y, &nb), 0);
	ck_assert_uint_eq(nb, 4);
	ck_assert_mem_eq(y, want, 4);
	mote_cc_ref_close(r);
	free(b);
	/* uint8 with zero point 128: refused */
	static const int64_t z128[1] = {128};
	tm.t[1].zp = z128;
	import_refused(&tm, "tflite: operators[0] (SOFTMAX): output scale 0.00390625 and zero point 128: TFLite's "
			    "uint8 softmax requires scale 1/256 and zero point 0");
}
END_TEST

START_TEST(import_refusals)
{
	static const float s128[1] = {1.0f / 128}, s_near[1] = {1.0f / 256 * 1.0005f}, s_far[1] = {1.0f / 256 * 1.002f};
	static const int64_t z127[1] = {-127};
	struct tm_model tm;
	tm_tiny_cnn(&tm, 0);
	tm.t[14].zp = z127;
	import_refused(&tm, "tflite: operators[6] (SOFTMAX): output scale 0.00390625 and zero point -127: TFLite's "
			    "int8 softmax requires scale 1/256 and zero point -128");
	tm_tiny_cnn(&tm, 0);
	tm.t[14].scale = s128;
	import_refused(&tm, "tflite: operators[6] (SOFTMAX): output scale 0.0078125 and zero point -128: TFLite's "
			    "int8 softmax requires scale 1/256 and zero point -128");
	tm_tiny_cnn(&tm, 0);
	tm.t[14].scale = s_far; /* outside TFLite's 0.001 / 256 */
	import_refused(&tm, "tflite: operators[6] (SOFTMAX): output scale 0.00391406 and zero point -128: TFLite's "
			    "int8 softmax requires scale 1/256 and zero point -128");
	tm_tiny_cnn(&tm, 0);
	float beta = 1e-9f; /* 1e-9 * 0.25 * 2^26 = 0.017 */
	memcpy(&tm.ops[6].opt[0], &beta, sizeof beta);
	import_refused(&tm, "tflite: operators[6] (SOFTMAX): beta 1e-09 times the input scale 0.25 is at most 2^-26 "
			    "(TFLite's SoftmaxPrepare refuses it)");
	/* within TFLite's tolerance: taken */
	tm_tiny_cnn(&tm, 0);
	tm.t[14].scale = s_near;
	size_t len;
	uint8_t *b = tm_build(&tm, &len);
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_tflite_import(b, len, &g, &d) == 0, "%s", d.msg);
	ir_graph_free(&g);
	free(b);
}
END_TEST

Suite *tfl_softmax_suite(void);
Suite *tfl_softmax_suite(void)
{
	Suite *s = suite_create("tfl_softmax");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, exp_neg);
	tcase_add_test(tc, reciprocal);
	tcase_add_test(tc, params);
	tcase_add_test(tc, hand_rows);
	tcase_add_test(tc, against_float);
	tcase_add_test(tc, strided_axis);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, import_and_reference);
	tcase_add_test(tc, import_refusals);
	tcase_add_test(tc, uint8_model);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tfl_softmax_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
