/* test_host_conv.c: the host convolution kernel (MOTE_KOP_CONV of
 * <mote/mote_kernels.h>, driver/kernels/kernels_conv.c) against the reference
 * executor (mote_ref_conv, compiler_backend/ref/ref_exec.c), written apart from
 * it: random grouped convolutions (depthwise, depth multipliers 2 and 3,
 * groups of several channels, one group), int8 and uint8 activations and
 * weights with zero points, strides, pads, dilations, clamps, every shift
 * amount's neighbourhood, in both roundings (the STORE's one, and ROUND_TFL's
 * two: TFLite's own functions in the kernel, the spec's formula in the
 * reference); every output byte must be equal (NCHW on the
 * host, NHWC in the reference).  Then the kernel's refusals: operands that
 * disagree with the parameters are errors, never a read outside them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"
#include "mote/mote_kernels.h"

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}
static int32_t rr(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

struct hcase {
	struct mote_cc_conv op;
	uint32_t oh, ow;
	int8_t *w;
	int32_t *bias, *mult, *shift, *ms;
	uint8_t *x_nhwc, *x_nchw;
	int32_t p[MOTE_KERNEL_NPARAMS];
};

static void hcase_free(struct hcase *c)
{
	free(c->w), free(c->bias), free(c->mult), free(c->shift), free(c->ms), free(c->x_nhwc), free(c->x_nchw);
}

static void random_case(struct hcase *c)
{
	memset(c, 0, sizeof *c);
	struct mote_cc_conv *op = &c->op;
	uint32_t G = (uint32_t)rr(1, 12), cig = (uint32_t)(rnd() % 3 ? 1 : rr(2, 4));
	uint32_t mul = (uint32_t)rr(1, 3);
	op->groups = G;
	op->in_c = G * cig;
	op->out_c = G * mul;
	op->k_h = (uint32_t)rr(1, 5), op->k_w = (uint32_t)rr(1, 5);
	op->stride_h = (uint32_t)rr(1, 3), op->stride_w = (uint32_t)rr(1, 3);
	op->dil_h = rnd() % 4 ? 1 : 2, op->dil_w = rnd() % 4 ? 1 : 2;
	op->pad_top = (uint32_t)rr(0, 2), op->pad_bottom = (uint32_t)rr(0, 2);
	op->pad_left = (uint32_t)rr(0, 2), op->pad_right = (uint32_t)rr(0, 2);
	op->in_h = (uint32_t)rr(1, 12) + op->dil_h * (op->k_h - 1);
	op->in_w = (uint32_t)rr(1, 12) + op->dil_w * (op->k_w - 1);
	op->in_type = rnd() % 2 ? MOTE_CC_INT8 : MOTE_CC_UINT8;
	op->w_type = rnd() % 3 ? MOTE_CC_INT8 : MOTE_CC_UINT8;
	op->out_type = rnd() % 2 ? MOTE_CC_INT8 : MOTE_CC_UINT8;
	int u = op->in_type == MOTE_CC_UINT8, uw = op->w_type == MOTE_CC_UINT8, uo = op->out_type == MOTE_CC_UINT8;
	op->in_zp = u ? rr(0, 255) : rr(-128, 127);
	op->w_zp = rnd() % 2 ? 0 : uw ? rr(0, 255) : rr(-128, 127);
	op->out_zp = uo ? rr(0, 255) : rr(-128, 127);
	op->clamp_lo = uo ? 0 : -128, op->clamp_hi = uo ? 255 : 127;
	if (rnd() % 4 == 0) /* a fused Relu's clamp */
		op->clamp_lo = op->out_zp;
	op->round_tfl = rnd() % 2;
	uint32_t oh = (op->in_h + op->pad_top + op->pad_bottom - op->dil_h * (op->k_h - 1) - 1) / op->stride_h + 1;
	uint32_t ow = (op->in_w + op->pad_left + op->pad_right - op->dil_w * (op->k_w - 1) - 1) / op->stride_w + 1;
	size_t nw = (size_t)op->k_h * op->k_w * cig * op->out_c, nx = (size_t)op->in_h * op->in_w * op->in_c;
	c->w = malloc(nw);
	c->bias = malloc(op->out_c * sizeof *c->bias);
	c->mult = malloc(op->out_c * sizeof *c->mult);
	c->shift = malloc(op->out_c * sizeof *c->shift);
	c->ms = malloc(2 * op->out_c * sizeof *c->ms);
	c->x_nhwc = malloc(nx);
	c->x_nchw = malloc(nx);
	ck_assert(c->w && c->bias && c->mult && c->shift && c->ms && c->x_nhwc && c->x_nchw);
	for (size_t i = 0; i < nw; i++)
		c->w[i] = (int8_t)rnd();
	for (size_t i = 0; i < nx; i++)
		c->x_nhwc[i] = (uint8_t)rnd();
	for (uint32_t o = 0; o < op->out_c; o++) {
		c->bias[o] = rnd() % 8 ? rr(-20000, 20000) : (int32_t)rnd();
		c->mult[o] = rnd() % 8 ? (int32_t)(0x40000000u | (rnd() >> 2)) : (int32_t)rnd();
		c->shift[o] = rnd() % 8 ? rr(30, 44) : rr(0, 63);
		if (op->round_tfl && rnd() % 2) /* TFLite's own: M in [2^30, 2^31), exponent -31..30 */
			c->shift[o] = 31 - rr(-31, 30);
		c->ms[o] = c->mult[o];
		c->ms[op->out_c + o] = c->shift[o];
	}
	for (uint32_t y = 0; y < op->in_h; y++)
		for (uint32_t x = 0; x < op->in_w; x++)
			for (uint32_t ch = 0; ch < op->in_c; ch++)
				c->x_nchw[((size_t)ch * op->in_h + y) * op->in_w + x] =
					c->x_nhwc[((size_t)y * op->in_w + x) * op->in_c + ch];
	op->weights = c->w, op->bias = c->bias, op->mult = c->mult, op->shift = c->shift;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_cc_conv_check(op, &c->oh, &c->ow, &d) == 0, "%s", d.msg);
	ck_assert_uint_eq(c->oh, oh);
	ck_assert_uint_eq(c->ow, ow);
	int32_t p[] = {(int32_t)op->stride_h, (int32_t)op->stride_w, (int32_t)op->pad_top, (int32_t)op->pad_left,
		       (int32_t)op->pad_bottom, (int32_t)op->pad_right, (int32_t)op->dil_h, (int32_t)op->dil_w,
		       (int32_t)G, op->in_zp, op->w_zp, op->out_zp, op->clamp_lo, op->clamp_hi, op->round_tfl};
	memcpy(c->p, p, sizeof p);
}

static int32_t kt(enum mote_cc_dtype t) { return t == MOTE_CC_UINT8 ? MOTE_KT_UINT8 : MOTE_KT_INT8; }

/* The kernel's operands for case c, output into y (NCHW). */
static void operands(const struct hcase *c, struct mote_ktensor in[4], struct mote_ktensor *out, uint8_t *y)
{
	const struct mote_cc_conv *op = &c->op;
	uint32_t cig = op->in_c / op->groups;
	in[0] = (struct mote_ktensor){.data = c->x_nchw, .dtype = kt(op->in_type), .rank = 4,
				      .dims = {1, op->in_c, op->in_h, op->in_w}};
	in[1] = (struct mote_ktensor){.data = c->w, .dtype = kt(op->w_type), .rank = 4,
				      .dims = {op->k_h, op->k_w, cig, op->out_c}};
	in[2] = (struct mote_ktensor){.data = c->bias, .dtype = MOTE_KT_INT32, .rank = 1, .dims = {op->out_c}};
	in[3] = (struct mote_ktensor){.data = c->ms, .dtype = MOTE_KT_INT32, .rank = 2, .dims = {2, op->out_c}};
	*out = (struct mote_ktensor){.data = y, .dtype = kt(op->out_type), .rank = 4,
				     .dims = {1, op->out_c, c->oh, c->ow}};
}

START_TEST(kernel_equals_reference)
{
	long bytes = 0, tfl = 0;
	for (int i = 0; i < 400; i++) {
		struct hcase c;
		random_case(&c);
		size_t ny = (size_t)c.oh * c.ow * c.op.out_c;
		uint8_t *want = malloc(ny), *got = malloc(ny);
		ck_assert(want && got);
		ck_assert_int_eq(mote_ref_conv(&c.op, c.x_nhwc, want), 0);
		struct mote_ktensor in[4], out;
		operands(&c, in, &out, got);
		ck_assert_int_eq(mote_kernel_run(MOTE_KOP_CONV, c.p, in, 4, &out, 1), 0);
		for (uint32_t o = 0; o < c.op.out_c; o++)
			for (uint32_t y = 0; y < c.oh; y++)
				for (uint32_t x = 0; x < c.ow; x++) {
					uint8_t g = got[((size_t)o * c.oh + y) * c.ow + x];
					uint8_t w = want[((size_t)y * c.ow + x) * c.op.out_c + o];
					ck_assert_msg(g == w,
						      "case %d (%ux%ux%u, %u groups, %u -> %u, k %ux%u): channel %u (%u,%u): "
						      "kernel %u, reference %u",
						      i, c.op.in_h, c.op.in_w, c.op.in_c, c.op.groups, c.op.in_c, c.op.out_c,
						      c.op.k_h, c.op.k_w, o, y, x, g, w);
				}
		bytes += (long)ny;
		tfl += c.op.round_tfl;
		free(want), free(got);
		hcase_free(&c);
	}
	ck_assert_int_gt(tfl, 100);
	printf("test_host_conv: 400 random grouped convolutions (%ld rounding as TFLite), %ld output bytes equal to "
	       "mote_ref_conv\n", tfl, bytes);
}
END_TEST

START_TEST(kernel_refuses_bad_operands)
{
	struct hcase c;
	random_case(&c);
	while (c.op.groups < 2) {
		hcase_free(&c);
		random_case(&c);
	}
	size_t ny = (size_t)c.oh * c.ow * c.op.out_c;
	uint8_t *y = malloc(ny);
	struct mote_ktensor in[4], out;
	operands(&c, in, &out, y);
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_CONV, c.p, in, 4, &out, 1), 0);
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_CONV, c.p, in, 3, &out, 1), MOTE_KERNEL_EPARAM);
	struct mote_ktensor b[4];
	int32_t p[MOTE_KERNEL_NPARAMS];
	/* each a disagreement the kernel must find before reading anything */
	for (int k = 0; k < 10; k++) {
		memcpy(b, in, sizeof b);
		memcpy(p, c.p, sizeof p);
		struct mote_ktensor o = out;
		int want = MOTE_KERNEL_ESHAPE;
		switch (k) {
		case 0: b[1].dims[3] += 1; break;                         /* weights for another output count */
		case 1: b[1].dims[2] += 1; break;                         /* channels per group */
		case 2: b[2].dims[0] -= 1; break;                         /* bias length */
		case 3: b[3].dims[0] = 1; break;                          /* no shifts */
		case 4: o.dims[2] += 1; break;                            /* output height */
		case 5: p[8] = (int32_t)c.op.in_c + 1; break;             /* groups not dividing the channels */
		case 6: p[0] = 0, want = MOTE_KERNEL_EPARAM; break;       /* stride 0 */
		case 7: p[12] = p[13] + 1, want = MOTE_KERNEL_EPARAM; break; /* lo > hi */
		case 8: b[2].dtype = MOTE_KT_INT8, want = MOTE_KERNEL_ETYPE; break;
		case 9: p[14] = 2, want = MOTE_KERNEL_EPARAM; break;     /* no such rounding */
		}
		ck_assert_msg(mote_kernel_run(MOTE_KOP_CONV, p, b, 4, &o, 1) == want, "disagreement %d not refused", k);
	}
	ck_assert_str_eq(mote_kernel_op_name(MOTE_KOP_CONV), "CONV");
	free(y);
	hcase_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host_conv");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kernel_equals_reference);
	tcase_add_test(tc, kernel_refuses_bad_operands);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
