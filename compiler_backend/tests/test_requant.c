/* test_requant.c: scale -> (mult, shift), checked against the scale itself
 * (exact for float32 scales) and against round_half_even(acc * scale)
 * computed independently in long double. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "cc_test_util.h"

START_TEST(float32_scales_exact)
{
	uint64_t s = 77;
	for (int i = 0; i < 50000; i++) {
		float f = ldexpf(1.0f + (float)(tc_rand(&s) & 0xffffff) / 16777216.0f, (int)tc_range(&s, -33, 30));
		int32_t m, sh;
		/* plain ifs: Check's per-assertion bookkeeping is slow in a tight loop */
		if (mote_cc_quantize_scale(f, &m, &sh) != 0 || m < (1 << 30) || sh < 0 || sh > 63 ||
		    ldexp((double)m, -sh) != (double)f)
			ck_abort_msg("scale %a: %d / 2^%d", (double)f, m, sh);
		int32_t acc = (int32_t)(uint32_t)tc_rand(&s) >> tc_range(&s, 0, 31);
		long double want = nearbyintl((long double)acc * (long double)f); /* 55 bits: exact product */
		if (mote_ref_requant(acc, m, sh) != (int64_t)want)
			ck_abort_msg("acc %d scale %a", acc, (double)f);
	}
}
END_TEST

START_TEST(ties_through_scale)
{
	int32_t m, sh;
	ck_assert_int_eq(mote_cc_quantize_scale(0.5, &m, &sh), 0);
	ck_assert_int_eq(mote_ref_requant(5, m, sh), 2);   /* 2.5 -> 2 */
	ck_assert_int_eq(mote_ref_requant(7, m, sh), 4);   /* 3.5 -> 4 */
	ck_assert_int_eq(mote_ref_requant(-5, m, sh), -2);
	ck_assert_int_eq(mote_cc_quantize_scale(0.25, &m, &sh), 0);
	ck_assert_int_eq(mote_ref_requant(-6, m, sh), -2); /* -1.5 -> -2 */
	ck_assert_int_eq(mote_ref_requant(-2, m, sh), 0);  /* -0.5 -> 0 */
	ck_assert_int_eq(mote_cc_quantize_scale(1.0, &m, &sh), 0);
	ck_assert_int_eq(m, 1 << 30);
	ck_assert_int_eq(sh, 30);
	ck_assert_int_eq(mote_ref_requant(INT32_MIN, m, sh), INT32_MIN);
}
END_TEST

START_TEST(limits)
{
	int32_t m = 99, sh = 99;
	ck_assert_int_eq(mote_cc_quantize_scale(0.0, &m, &sh), 0);
	ck_assert_int_eq(m, 0);
	ck_assert_int_eq(sh, 0);
	ck_assert_int_eq(mote_cc_quantize_scale(-1.0, &m, &sh), MOTE_CC_EINVAL);
	ck_assert_int_eq(mote_cc_quantize_scale(NAN, &m, &sh), MOTE_CC_EINVAL);
	ck_assert_int_eq(mote_cc_quantize_scale(INFINITY, &m, &sh), MOTE_CC_EINVAL);
	ck_assert_int_eq(mote_cc_quantize_scale(2147483648.0, &m, &sh), MOTE_CC_ERANGE);
	/* just below 2^31 but rounding to 31 bits carries to 2^31 */
	ck_assert_int_eq(mote_cc_quantize_scale(2147483647.75, &m, &sh), MOTE_CC_ERANGE);
	ck_assert_int_eq(mote_cc_quantize_scale(2147483647.0, &m, &sh), 0);
	ck_assert_int_eq(m, 2147483647);
	ck_assert_int_eq(sh, 0);
	/* carry inside the range: 1 - 2^-40 rounds to 2^31 / 2^31 */
	ck_assert_int_eq(mote_cc_quantize_scale(1.0 - ldexp(1, -40), &m, &sh), 0);
	ck_assert_int_eq(m, 1 << 30);
	ck_assert_int_eq(sh, 30);
	/* smallest scales with a shift: 2^-33 needs shift 63 */
	ck_assert_int_eq(mote_cc_quantize_scale(ldexp(1, -33), &m, &sh), 0);
	ck_assert_int_eq(m, 1 << 30);
	ck_assert_int_eq(sh, 63);
	ck_assert_int_eq(mote_ref_requant(INT32_MIN, m, sh), 0); /* -0.25 */
	/* below: every int32 acc rounds to 0, so mult = 0 is exact */
	ck_assert_int_eq(mote_cc_quantize_scale(ldexp(1.5, -35), &m, &sh), 0);
	ck_assert_int_eq(m, 0);
	ck_assert_int_eq(sh, 0);
	ck_assert_int_eq(mote_ref_requant(INT32_MIN, m, sh), (int64_t)nearbyintl((long double)INT32_MIN * ldexpl(1.5L, -35)));
	ck_assert_int_eq(mote_cc_quantize_scale(1.0, NULL, &sh), MOTE_CC_EINVAL);
	double v[3] = {0.5, 0.001, 3.0};
	int32_t mv[3], sv[3];
	ck_assert_int_eq(mote_cc_quantize_scales(v, 3, mv, sv), 0);
	for (int i = 0; i < 3; i++)
		ck_assert(fabs(ldexp((double)mv[i], -sv[i]) - v[i]) <= v[i] * ldexp(1, -31));
	v[1] = -1;
	ck_assert_int_eq(mote_cc_quantize_scales(v, 3, mv, sv), MOTE_CC_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("requant");
	TCase *tc = tcase_create("requant");
	tcase_add_test(tc, float32_scales_exact);
	tcase_add_test(tc, ties_through_scale);
	tcase_add_test(tc, limits);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
