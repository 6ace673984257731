/* test_tfl_arith.c: TFLite's integer arithmetic (driver/kernels/kernels_tflite.c,
 * the ADD_TFL / AVGPOOL_TFL / QUANTIZE host kernels, the reference
 * executor's TFLite requantization) against values computed by hand from
 * TFLite's definitions (QuantizeMultiplier, SaturatingRoundingDoublingHighMul,
 * RoundingDivideByPOT, MultiplyByQuantizedMultiplier, the int8 ADD, the
 * int8 AVERAGE_POOL_2D, CalculateActivationRangeQuantized).  Each case says
 * its arithmetic; most are ties, where the conventions part. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_compiler.h"
#include "mote/mote_kernels.h"
#include "cc_test_util.h"
#include "tfl_build.h"

START_TEST(multiplier)
{
	static const struct {
		double s;
		int32_t mult, shift;
	} c[] = {
		{0.5, 1 << 30, 0},              /* 0.5 * 2^0 */
		{0.75, 1610612736, 0},          /* 0.75 * 2^31 */
		{1.0, 1 << 30, 1},              /* frexp: 0.5 * 2^1 */
		{3.0, 1610612736, 2},           /* 0.75 * 2^2 */
		{0.1, 1717986918, -3},          /* 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4 */
		/* q * 2^31 = 2^30 + 0.5 exactly: ties away from zero (to even would keep 2^30) */
		{0.5 + 1.0 / 4294967296.0, (1 << 30) + 1, 0},
		/* q * 2^31 = 2^31 - 0.25 rounds to 2^31: carried into the exponent */
		{1.0 - 1.0 / 8589934592.0, 1 << 30, 1},
		{1.0 / 1099511627776.0, 0, 0},  /* 2^-40: shift -39 < -31, flushed to 0 */
		{0.0, 0, 0},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int32_t m = -1, sh = -1;
		ck_assert_int_eq(mote_kernel_tfl_multiplier(c[i].s, &m, &sh), 0);
		ck_assert_msg(m == c[i].mult && sh == c[i].shift, "s %.17g: (%d, %d), expected (%d, %d)", c[i].s, m, sh,
			      c[i].mult, c[i].shift);
	}
	int32_t m, sh;
	ck_assert_int_eq(mote_kernel_tfl_multiplier(-0.5, &m, &sh), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_multiplier(NAN, &m, &sh), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_multiplier(2147483648.0, &m, &sh), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_tfl_multiplier(0.5, NULL, &sh), MOTE_KERNEL_EPARAM);
}
END_TEST

START_TEST(high_mul_and_shift)
{
	/* a * b / 2^31 with the nudge: ties go up */
	ck_assert_int_eq(mote_kernel_tfl_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
	ck_assert_int_eq(mote_kernel_tfl_high_mul(1 << 30, 1 << 30), 1 << 29);
	ck_assert_int_eq(mote_kernel_tfl_high_mul(1, 1 << 30), 1);   /* +0.5 -> 1 */
	ck_assert_int_eq(mote_kernel_tfl_high_mul(-1, 1 << 30), 0);  /* -0.5 -> 0 */
	ck_assert_int_eq(mote_kernel_tfl_high_mul(3, 1 << 30), 2);   /* +1.5 -> 2 */
	ck_assert_int_eq(mote_kernel_tfl_high_mul(-3, 1 << 30), -1); /* -1.5 -> -1 */
	ck_assert_int_eq(mote_kernel_tfl_high_mul(-5, 1 << 29), -1); /* -1.25 -> -1 */
	ck_assert_int_eq(mote_kernel_tfl_high_mul(5, 1717986918), 4); /* 3.99999999907 */
	/* x / 2^e, ties away from zero */
	ck_assert_int_eq(mote_kernel_tfl_div_pot(5, 1), 3);
	ck_assert_int_eq(mote_kernel_tfl_div_pot(-5, 1), -3);
	ck_assert_int_eq(mote_kernel_tfl_div_pot(4, 1), 2);
	ck_assert_int_eq(mote_kernel_tfl_div_pot(-4, 1), -2);
	ck_assert_int_eq(mote_kernel_tfl_div_pot(7, 2), 2);  /* 1.75 */
	ck_assert_int_eq(mote_kernel_tfl_div_pot(-6, 2), -2); /* -1.5 */
	ck_assert_int_eq(mote_kernel_tfl_div_pot(-5, 2), -1); /* -1.25 */
	ck_assert_int_eq(mote_kernel_tfl_div_pot(123, 0), 123);
	ck_assert_int_eq(mote_kernel_tfl_div_pot(INT32_MIN, 31), -1);
	ck_assert_int_eq(mote_kernel_tfl_div_pot(INT32_MAX, 31), 1);
	/* the two roundings together: 5 * 0.25 = 1.25, but 5 * 0.5 = 2.5 -> 3, then 3 / 2 = 1.5 -> 2 */
	ck_assert_int_eq(mote_kernel_tfl_requant(5, 1 << 30, -1), 2);
	ck_assert_int_eq(mote_kernel_tfl_requant(10, 1 << 30, -1), 3);  /* 2.5: 5, then 2.5 -> 3 */
	ck_assert_int_eq(mote_kernel_tfl_requant(-5, 1 << 30, -1), -1); /* -2.5 -> -2, then -1 */
	ck_assert_int_eq(mote_kernel_tfl_requant(3, 1 << 30, 1), 3);    /* left shift: 6 * 0.5 */
	ck_assert_int_eq(mote_kernel_tfl_requant(1000, 0, 0), 0);
}
END_TEST

START_TEST(add)
{
	/* sa = sb = 1, sy = 2: (1 + 0) / 2 = 0.5 -> 1, (-1 + 0) / 2 = -0.5 -> -1 (ONNX's half to even: 0, 0) */
	struct mote_tfl_add p;
	ck_assert_int_eq(mote_kernel_tfl_add_params(1.0f, 1.0f, 2.0f, &p), 0);
	ck_assert_int_eq(p.left_shift, 20);
	ck_assert(p.mult[0] == 1 << 30 && p.shift[0] == 0 && p.mult[1] == 1 << 30 && p.shift[1] == 0);
	ck_assert(p.mult[2] == 1 << 30 && p.shift[2] == -19); /* 2 / (2^20 * 2) = 0.5 * 2^-19 */
	ck_assert_int_eq(mote_kernel_tfl_add_sum(1, 0, &p), 1);
	ck_assert_int_eq(mote_kernel_tfl_add_sum(-1, 0, &p), -1);
	ck_assert_int_eq(mote_kernel_tfl_add_sum(3, 4, &p), 4); /* 3.5 -> 4 */
	ck_assert_int_eq(mote_kernel_tfl_add_sum(-3, -4, &p), -4);
	ck_assert_int_eq(mote_kernel_tfl_add_params(1.0f, 0.0f, 1.0f, &p), MOTE_KERNEL_EPARAM);

	/* the host kernel: zero points and the clamp; sa = sb = sy = 1 */
	int8_t a[4] = {13, 10, -128, 127}, b[4] = {4, 0, -128, 127}, y[4];
	struct mote_ktensor in[2] = {{.data = a, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {4}},
				     {.data = b, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {4}}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {4}};
	int32_t pp[MOTE_KERNEL_NPARAMS] = {0};
	pp[0] = pp[2] = pp[4] = mote_kernel_fbits(1.0f);
	pp[1] = 10, pp[3] = 0, pp[5] = -5, pp[6] = -20, pp[7] = 100;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_ADD_TFL, pp, in, 2, &out, 1), 0);
	ck_assert_int_eq(y[0], 2);   /* (13 - 10) + 4 - 5 */
	ck_assert_int_eq(y[1], -5);  /* 0 + 0 - 5 */
	ck_assert_int_eq(y[2], -20); /* -138 - 128 - 5, clamped */
	ck_assert_int_eq(y[3], 100); /* 117 + 127 - 5, clamped */
	pp[6] = 101; /* an empty clamp */
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_ADD_TFL, pp, in, 2, &out, 1), MOTE_KERNEL_EPARAM);
}
END_TEST

START_TEST(avgpool)
{
	/* four channels, each one 2x2 window: the raw sum over 4, ties away from zero */
	int8_t x[16] = {1, 2, 2, 2, -1, -2, -2, -2, 1, 1, 0, 0, -1, -1, 0, 0}, y[4];
	struct mote_ktensor in = {.data = x, .dtype = MOTE_KT_INT8, .rank = 4, .dims = {1, 4, 2, 2}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 4, .dims = {1, 4, 1, 1}};
	int32_t p[MOTE_KERNEL_NPARAMS] = {2, 2, 2, 2, 0, 0, 0, 0, -128, 127};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_AVGPOOL_TFL, p, &in, 1, &out, 1), 0);
	ck_assert_int_eq(y[0], 2);  /* 1.75 */
	ck_assert_int_eq(y[1], -2); /* -1.75 */
	ck_assert_int_eq(y[2], 1);  /* 0.5 */
	ck_assert_int_eq(y[3], -1); /* -0.5 */
	p[8] = 0; /* a RELU's clamp */
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_AVGPOOL_TFL, p, &in, 1, &out, 1), 0);
	ck_assert_int_eq(y[1], 0);
	ck_assert_int_eq(y[3], 0);
	/* SAME padding: the window's positions outside the image are not counted */
	int8_t x2[4] = {3, 4, 5, 7}, y2[4];
	struct mote_ktensor in2 = {.data = x2, .dtype = MOTE_KT_INT8, .rank = 4, .dims = {1, 1, 2, 2}};
	struct mote_ktensor out2 = {.data = y2, .dtype = MOTE_KT_INT8, .rank = 4, .dims = {1, 1, 2, 2}};
	int32_t q[MOTE_KERNEL_NPARAMS] = {2, 2, 1, 1, 0, 0, 1, 1, -128, 127};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_AVGPOOL_TFL, q, &in2, 1, &out2, 1), 0);
	ck_assert_int_eq(y2[0], 5); /* 19 / 4 = 4.75 */
	ck_assert_int_eq(y2[1], 6); /* 11 / 2 = 5.5 -> 6 */
	ck_assert_int_eq(y2[2], 6); /* 12 / 2 = 6 */
	ck_assert_int_eq(y2[3], 7); /* 7 / 1 */
}
END_TEST

START_TEST(activation_range_and_quantize)
{
	int32_t lo, hi;
	ck_assert_int_eq(mote_kernel_tfl_act_range(MOTE_TFL_ACT_RELU, 0.1f, -128, -128, 127, &lo, &hi), 0);
	ck_assert(lo == -128 && hi == 127);
	ck_assert_int_eq(mote_kernel_tfl_act_range(MOTE_TFL_ACT_RELU, 0.1f, 10, -128, 127, &lo, &hi), 0);
	ck_assert(lo == 10 && hi == 127);
	ck_assert_int_eq(mote_kernel_tfl_act_range(MOTE_TFL_ACT_RELU6, 0.1f, 5, -128, 127, &lo, &hi), 0);
	ck_assert(lo == 5 && hi == 65); /* 6 / 0.1 = 60 */
	ck_assert_int_eq(mote_kernel_tfl_act_range(MOTE_TFL_ACT_RELU6, 4.0f, 0, -128, 127, &lo, &hi), 0);
	ck_assert(lo == 0 && hi == 2); /* 6 / 4 = 1.5 -> 2: ties away from zero */
	ck_assert_int_eq(mote_kernel_tfl_act_range(MOTE_TFL_ACT_RELU_N1_TO_1, 2.0f, 0, -128, 127, &lo, &hi), 0);
	ck_assert(lo == -1 && hi == 1); /* -0.5 -> -1, 0.5 -> 1 */
	ck_assert_int_eq(mote_kernel_tfl_act_range(MOTE_TFL_ACT_RELU6, 0.001f, 0, -128, 127, &lo, &hi), 0);
	ck_assert(lo == 0 && hi == 127);
	ck_assert_int_eq(mote_kernel_tfl_act_range(4, 0.1f, 0, -128, 127, &lo, &hi), MOTE_KERNEL_EPARAM);
	/* QUANTIZE: x / scale rounded half to even (ONNX), or away from zero (p2 = 1, TFLite) */
	float x[4] = {2.5f, -2.5f, 1.5f, 0.4f};
	int8_t y[4];
	struct mote_ktensor in = {.data = x, .dtype = MOTE_KT_FLOAT, .rank = 1, .dims = {4}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {4}};
	int32_t p[MOTE_KERNEL_NPARAMS] = {mote_kernel_fbits(1.0f), 0, 0};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_QUANTIZE, p, &in, 1, &out, 1), 0);
	ck_assert(y[0] == 2 && y[1] == -2 && y[2] == 2 && y[3] == 0);
	p[2] = 1;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_QUANTIZE, p, &in, 1, &out, 1), 0);
	ck_assert(y[0] == 3 && y[1] == -3 && y[2] == 2 && y[3] == 0);
	p[2] = 2;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_QUANTIZE, p, &in, 1, &out, 1), MOTE_KERNEL_EPARAM);
}
END_TEST

START_TEST(requantize)
{
	/* xs / ys = 0.5: multiplier 2^30, shift 0: one rounding, the high multiply's (ties upward) */
	int8_t x[6] = {3, -3, 1, -1, 127, -128}, y[6];
	struct mote_ktensor in = {.data = x, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {6}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {6}};
	int32_t p[MOTE_KERNEL_NPARAMS] = {mote_kernel_fbits(1.0f), 0, mote_kernel_fbits(2.0f), 0};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_REQUANT_TFL, p, &in, 1, &out, 1), 0);
	ck_assert(y[0] == 2 && y[1] == -1 && y[2] == 1 && y[3] == 0 && y[4] == 64 && y[5] == -64);
	/* zero points, and a ratio of 4 (shift 3) saturating */
	p[1] = 10, p[2] = mote_kernel_fbits(0.25f), p[3] = -5;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_REQUANT_TFL, p, &in, 1, &out, 1), 0);
	ck_assert(y[0] == -33 && y[2] == -41 && y[4] == 127 && y[5] == -128); /* (3 - 10) * 4 - 5 = -33 */
}
END_TEST

/* A 1x1 CONV_2D of one channel with effective scale 0.25 (multiplier 2^30,
 * shift -1) through the reference executor: TFLite's two roundings, and the
 * one rounding (half to even) a device without the mode computes. */
START_TEST(conv_two_roundings)
{
	static const int8_t w[1] = {1};
	static const float s1[1] = {1.0f}, sw[1] = {0.25f};
	static const int64_t z0[1] = {0};
	struct tm_model m;
	memset(&m, 0, sizeof m);
	m.ncodes = 1;
	m.codes[0] = 3;
	m.nbuf = 1;
	m.buf[0] = w, m.buf_len[0] = 1;
	m.nt = 3;
	m.t[0] = (struct tm_tensor){"x", 9, 4, {1, 1, 6, 1}, 0, 1, s1, z0, 0};
	m.t[1] = (struct tm_tensor){"w", 9, 4, {1, 1, 1, 1}, 1, 1, sw, z0, 0};
	m.t[2] = (struct tm_tensor){"y", 9, 4, {1, 1, 6, 1}, 0, 1, s1, z0, 0};
	m.nops = 1;
	m.ops[0] = (struct tm_op){.code = 0, .nin = 2, .nout = 1, .in = {0, 1}, .out = {2}, .opt_type = 1, .nopt = 6,
				  .opt = {1, 1, 1, 0, 1, 1}};
	m.nin = m.nout = 1;
	m.in[0] = 0, m.out[0] = 2;
	size_t len;
	uint8_t *b = tm_build(&m, &len);
	/* x * 0.25 for x = 5 (1.25), 6 (1.5), 10 (2.5), -5 (-1.25), -6 (-1.5), -10 (-2.5) */
	const int8_t x[6] = {5, 6, 10, -5, -6, -10};
	/* TFLite: x * 2^30 / 2^31 with the nudge (truncated), then / 2 ties away:
	 * 5: 3, 1.5 -> 2;  6: 3.5 -> 3, 2;  10: 5.5 -> 5, 2.5 -> 3;
	 * -5: -2.99 -> -2, -1;  -6: -3.49 -> -3, -1.5 -> -2;  -10: -5.49 -> -5, -2.5 -> -3 */
	const int8_t tflite[6] = {2, 2, 3, -1, -2, -3};
	const int8_t once[6] = {1, 2, 2, -1, -2, -2}; /* half to even of the exact quarter */
	for (int round_once = 0; round_once < 2; round_once++) {
		struct mote_cc_ref_opts o = {.round_once = round_once};
		mote_cc_ref *r;
		struct mote_cc_diag d = {{0}};
		ck_assert_msg(mote_cc_ref_open_opts(b, len, &o, &r, &d) == 0, "%s", d.msg);
		ck_assert_str_eq(mote_cc_ref_arithmetic(r), round_once ? "tflite-round-once" : "tflite");
		ck_assert_int_eq(mote_cc_ref_set_input(r, "x", x, 6, &d), 0);
		ck_assert_msg(mote_cc_ref_run(r, &d) == 0, "%s", d.msg);
		const void *y;
		size_t n;
		ck_assert_int_eq(mote_cc_ref_tensor(r, "y", &y, &n), 0);
		ck_assert_uint_eq(n, 6);
		for (int i = 0; i < 6; i++)
			ck_assert_msg(((const int8_t *)y)[i] == (round_once ? once : tflite)[i], "x %d: %d, expected %d", x[i],
				      ((const int8_t *)y)[i], (round_once ? once : tflite)[i]);
		mote_cc_ref_close(r);
	}
	free(b);
}
END_TEST

/* STORE ROUND_TFL (mote_hw.spec): the reference's mote_ref_requant_tfl, written
 * from the spec's formula (a floor and a rounding divide), against TFLite's own
 * functions as the host kernels use them, over every shift and TFLite's
 * multipliers and any others; the one product TFLite saturates must give the
 * same value once clamped to 16 bits, as the spec says. */
START_TEST(store_round_tfl)
{
	/* by hand: shift s is TFLite's exponent 31 - s */
	ck_assert_int_eq(mote_ref_requant_tfl(5, 1 << 30, 32), 2);   /* 2.5 -> 3, then 1.5 -> 2 */
	ck_assert_int_eq(mote_ref_requant_tfl(10, 1 << 30, 32), 3);
	ck_assert_int_eq(mote_ref_requant_tfl(-5, 1 << 30, 32), -1);  /* -2.5 -> -2, then -1 */
	ck_assert_int_eq(mote_ref_requant_tfl(3, 1 << 30, 30), 3);    /* left shift: 6 * 0.5 */
	ck_assert_int_eq(mote_ref_requant_tfl(-1, 1 << 30, 31), 0);   /* -0.5 -> 0 */
	ck_assert_int_eq(mote_ref_requant_tfl(1, 1 << 30, 31), 1);    /* +0.5 -> 1 */
	ck_assert_int_eq(mote_ref_requant_tfl(3, 1 << 30, 33), 1);    /* 1.5 -> 2, then 2 / 4 = 0.5 -> 1 (once: 0.375 -> 0) */
	uint64_t rng = 0x5eed7f1u;
	long n = 0, sat = 0;
	for (int i = 0; i < 2000000; i++) {
		uint64_t r = tc_rand(&rng);
		int32_t v = (r & 3) == 0 ? (int32_t)(uint32_t)(r >> 32) : (int32_t)((int64_t)(r >> 40) % 70000);
		uint64_t r2 = tc_rand(&rng);
		int32_t mult = (r2 & 1) ? (int32_t)(0x40000000u | (uint32_t)(r2 >> 34)) : (int32_t)(uint32_t)(r2 >> 32);
		int32_t shift = (int32_t)((r2 >> 8) & 63);
		if ((r2 & 0xf0) == 0)
			v = INT32_MIN, mult = INT32_MIN;
		int32_t s = shift > 62 ? 62 : shift;
		int64_t got = mote_ref_requant_tfl(v, mult, shift);
		int64_t want = mote_kernel_tfl_requant(v, mult, 31 - s);
		int32_t x = (int32_t)((uint32_t)v << (shift < 31 ? 31 - shift : 0));
		if (x == INT32_MIN && mult == INT32_MIN) {
			sat++;
			for (int32_t zp = -32768; zp <= 32767; zp += 4369)
				if (mote_ref_postproc_mode(v, 0, mult, shift, zp, -32768, 32767, 1) !=
				    (want + zp > 32767 ? 32767 : want + zp < -32768 ? -32768 : want + zp))
					ck_abort_msg("saturating product, shift %d zp %d: clamped values differ", shift, zp);
			continue;
		}
		if (got != want)
			ck_abort_msg("v %d mult %d shift %d: %lld, TFLite %lld", v, mult, shift, (long long)got,
				     (long long)want);
		n++;
	}
	ck_assert_int_gt(sat, 1000);
	ck_assert_int_gt(n, 1900000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tfl_arith");
	TCase *tc = tcase_create("arith");
	tcase_add_test(tc, multiplier);
	tcase_add_test(tc, high_mul_and_shift);
	tcase_add_test(tc, add);
	tcase_add_test(tc, avgpool);
	tcase_add_test(tc, activation_range_and_quantize);
	tcase_add_test(tc, conv_two_roundings);
	tcase_add_test(tc, requantize);
	tcase_add_test(tc, store_round_tfl);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
