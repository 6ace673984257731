/* test_ref.c: the reference executor against hand-computed results and
 * against independent formulas (an im2col product written here; the GEMM and
 * convolution references are separate loops and check each other). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cc_internal.h"
#include "cc_test_util.h"
#include "mote/mote_kernels.h"

static const int32_t one_mult[1] = {1 << 30}, one_shift[1] = {30}; /* scale 1 */

START_TEST(conv_by_hand)
{
	const uint8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}; /* 3x3x1 */
	const int8_t w[4] = {2, 0, 0, -1};                  /* 2x2x1x1 */
	const int32_t bias[1] = {10};
	struct mote_cc_conv op = {.in_h = 3, .in_w = 3, .in_c = 1, .out_c = 1, .k_h = 2, .k_w = 2, .stride_h = 1,
				  .stride_w = 1, .dil_h = 1, .dil_w = 1, .out_type = MOTE_CC_INT32,
				  .weights = w, .bias = bias};
	int32_t out[4];
	ck_assert_int_eq(mote_ref_conv(&op, in, out), 0);
	ck_assert_int_eq(out[0], 7); /* 2*1 - 5 + 10 */
	ck_assert_int_eq(out[1], 8);
	ck_assert_int_eq(out[2], 10);
	ck_assert_int_eq(out[3], 11);
	op.in_zp = 1; /* (x - 1) */
	ck_assert_int_eq(mote_ref_conv(&op, in, out), 0);
	ck_assert_int_eq(out[0], 6);
	ck_assert_int_eq(out[3], 10);
	op.in_zp = 0;
	op.w_zp = 1; /* weights 1, -1, -1, -2 */
	ck_assert_int_eq(mote_ref_conv(&op, in, out), 0);
	ck_assert_int_eq(out[0], -5);
	ck_assert_int_eq(out[1], -8);
	ck_assert_int_eq(out[2], -14);
	ck_assert_int_eq(out[3], -17);
	/* Requantized int8 with scale 1/2 and zero point 3: round_half_even(v/2) + 3 */
	int32_t half_shift[1] = {31};
	op.out_type = MOTE_CC_INT8;
	op.mult = one_mult;
	op.shift = half_shift;
	op.out_zp = 3;
	op.clamp_lo = -128;
	op.clamp_hi = 127;
	int8_t q[4];
	ck_assert_int_eq(mote_ref_conv(&op, in, q), 0);
	ck_assert_int_eq(q[0], -2 + 3);  /* -2.5 -> -2 */
	ck_assert_int_eq(q[1], -4 + 3);  /* -4 */
	ck_assert_int_eq(q[2], -7 + 3);  /* -7 */
	ck_assert_int_eq(q[3], -8 + 3);  /* -8.5 -> -8 */
}
END_TEST

START_TEST(padding_contributes_nothing)
{
	const uint8_t in[1] = {5};
	const int8_t w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
	struct mote_cc_conv op = {.in_h = 1, .in_w = 1, .in_c = 1, .out_c = 1, .k_h = 3, .k_w = 3, .stride_h = 1,
				  .stride_w = 1, .dil_h = 1, .dil_w = 1, .pad_top = 1, .pad_bottom = 1,
				  .pad_left = 1, .pad_right = 1, .in_type = MOTE_CC_UINT8, .in_zp = 2,
				  .out_type = MOTE_CC_UINT8, .out_zp = 100, .clamp_lo = 0, .clamp_hi = 255,
				  .weights = w, .mult = one_mult, .shift = one_shift};
	uint8_t out[1];
	ck_assert_int_eq(mote_ref_conv(&op, in, out), 0);
	ck_assert_int_eq(out[0], 103);
	op.clamp_hi = 101; /* clamp */
	ck_assert_int_eq(mote_ref_conv(&op, in, out), 0);
	ck_assert_int_eq(out[0], 101);
}
END_TEST

/* Independent formula: im2col matrix times weight matrix, in 64 bits. */
static void im2col_conv(const struct mote_cc_conv *op, const uint8_t *in, uint32_t oh, uint32_t ow, int32_t *out)
{
	size_t K = (size_t)op->k_h * op->k_w * op->in_c;
	int64_t *col = malloc(K * sizeof *col);
	ck_assert_ptr_nonnull(col);
	for (uint32_t p = 0; p < oh * ow; p++) {
		uint32_t oy = p / ow, ox = p % ow;
		for (size_t k = 0; k < K; k++) {
			size_t ky = k / ((size_t)op->k_w * op->in_c), kx = k / op->in_c % op->k_w, c = k % op->in_c;
			long iy = (long)(oy * op->stride_h + ky * op->dil_h) - (long)op->pad_top;
			long ix = (long)(ox * op->stride_w + kx * op->dil_w) - (long)op->pad_left;
			int64_t v = op->in_zp;
			if (iy >= 0 && iy < (long)op->in_h && ix >= 0 && ix < (long)op->in_w) {
				uint8_t b = in[((size_t)iy * op->in_w + (size_t)ix) * op->in_c + c];
				v = op->in_type == MOTE_CC_UINT8 ? b : (int8_t)b;
			}
			col[k] = v - op->in_zp;
		}
		for (uint32_t o = 0; o < op->out_c; o++) {
			int64_t acc = op->bias ? op->bias[o] : 0;
			for (size_t k = 0; k < K; k++)
				acc += col[k] * (op->weights[k * op->out_c + o] - op->w_zp);
			out[(size_t)p * op->out_c + o] = (int32_t)acc;
		}
	}
	free(col);
}

/* A random small convolution (at most 7x7x5 in, 4 out, 4x4 kernel) with an
 * int32 output and a random input type and zero point; weights unset. */
static struct mote_cc_conv small_conv(uint64_t *r)
{
	struct mote_cc_conv op = {.in_h = (uint32_t)tc_range(r, 1, 7), .in_w = (uint32_t)tc_range(r, 1, 7),
				  .in_c = (uint32_t)tc_range(r, 1, 5), .out_c = (uint32_t)tc_range(r, 1, 4),
				  .k_h = (uint32_t)tc_range(r, 1, 4), .k_w = (uint32_t)tc_range(r, 1, 4),
				  .stride_h = (uint32_t)tc_range(r, 1, 3), .stride_w = (uint32_t)tc_range(r, 1, 3),
				  .dil_h = (uint32_t)tc_range(r, 1, 2), .dil_w = (uint32_t)tc_range(r, 1, 2),
				  .pad_top = (uint32_t)tc_range(r, 0, 3), .pad_bottom = (uint32_t)tc_range(r, 0, 3),
				  .pad_left = (uint32_t)tc_range(r, 0, 3), .pad_right = (uint32_t)tc_range(r, 0, 3),
				  .out_type = MOTE_CC_INT32};
	op.in_type = tc_rand(r) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
	op.in_zp = (int32_t)(op.in_type == MOTE_CC_UINT8 ? tc_range(r, 0, 255) : tc_range(r, -128, 127));
	return op;
}

/* Random weights, input bytes and biases (|bias| <= 10^6) for op, drawn in
 * that order from r; op's weights and bias point at them. */
static void fill_operands(struct mote_cc_conv *op, int8_t *w, size_t nw, uint8_t *in, size_t nin, int32_t *bias,
			  size_t nb, uint64_t *r)
{
	for (size_t i = 0; i < nw; i++)
		w[i] = (int8_t)tc_rand(r);
	for (size_t i = 0; i < nin; i++)
		in[i] = (uint8_t)tc_rand(r);
	for (size_t i = 0; i < nb; i++)
		bias[i] = (int32_t)tc_range(r, -1000000, 1000000);
	op->weights = w;
	op->bias = bias;
}

START_TEST(conv_vs_im2col)
{
	uint64_t s = 12345;
	for (int it = 0; it < 200; it++) {
		struct mote_cc_conv op = small_conv(&s);
		op.w_zp = (int32_t)tc_range(&s, -128, 127);
		int8_t w[4 * 4 * 5 * 4];
		int32_t bias[4];
		uint8_t in[7 * 7 * 5];
		fill_operands(&op, w, sizeof w, in, sizeof in, bias, 4, &s);
		uint32_t oh, ow;
		if (mote_cc_conv_check(&op, &oh, &ow, NULL))
			continue;
		int32_t ref[7 * 7 * 4 * 4], exp[7 * 7 * 4 * 4];
		ck_assert_uint_le((size_t)oh * ow * op.out_c, sizeof ref / sizeof ref[0]);
		ck_assert_int_eq(mote_ref_conv(&op, in, ref), 0);
		im2col_conv(&op, in, oh, ow, exp);
		ck_assert_mem_eq(ref, exp, (size_t)oh * ow * op.out_c * 4);
	}
}
END_TEST

/* Kernel rows stacked as channels: the host kernel (NCHW) equals the layout
 * written here (NHWC), and the k_h = 1 convolution over it, on the
 * reference executor and on the functional model of the command stream for
 * 4x4 and 8x8 arrays, equals the original convolution bit for bit. */
START_TEST(stacked_rows_equivalent)
{
	uint64_t s = 777;
	int ran = 0;
	for (int it = 0; it < 150; it++) {
		struct mote_cc_conv op = small_conv(&s);
		op.w_type = tc_rand(&s) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
		op.w_zp = (int32_t)(op.w_type == MOTE_CC_UINT8 ? tc_range(&s, 0, 255) : tc_range(&s, -128, 127));
		int8_t w[4 * 4 * 5 * 4], sw[sizeof w];
		int32_t bias[4];
		uint8_t in[7 * 7 * 5], nchw[sizeof in];
		fill_operands(&op, w, sizeof w, in, sizeof in, bias, 4, &s);
		uint32_t oh, ow, H = op.in_h, W = op.in_w, C = op.in_c, K = op.k_h;
		if (mote_cc_conv_check(&op, &oh, &ow, NULL))
			continue;
		struct mote_cc_conv st;
		ck_assert_int_eq(mote_cc_conv_stack_rows(&op, &st, sw, NULL), 0);
		ck_assert_uint_eq(st.in_h, oh);
		ck_assert_uint_eq(st.in_c, K * C);
		/* the stacked input, NHWC, from its definition */
		uint8_t sx[7 * 7 * 4 * 5], kout[sizeof sx];
		for (uint32_t oy = 0; oy < oh; oy++)
			for (uint32_t x = 0; x < W; x++)
				for (uint32_t ky = 0; ky < K; ky++)
					for (uint32_t c = 0; c < C; c++) {
						int64_t iy = (int64_t)oy * op.stride_h + (int64_t)ky * op.dil_h - op.pad_top;
						sx[((size_t)oy * W + x) * K * C + ky * C + c] =
							iy < 0 || iy >= H ? (uint8_t)op.in_zp : in[((size_t)iy * W + x) * C + c];
					}
		/* the host kernel on the NCHW input gives the same bytes */
		for (uint32_t c = 0; c < C; c++)
			for (uint32_t p = 0; p < H * W; p++)
				nchw[(size_t)c * H * W + p] = in[(size_t)p * C + c];
		int32_t kp[MOTE_KERNEL_NPARAMS] = {(int32_t)K, (int32_t)op.stride_h, (int32_t)op.dil_h,
						   (int32_t)op.pad_top, op.in_zp};
		int32_t kt = op.in_type == MOTE_CC_UINT8 ? MOTE_KT_UINT8 : MOTE_KT_INT8;
		struct mote_ktensor kx = {.data = nchw, .dtype = kt, .rank = 4, .dims = {1, C, H, W}};
		struct mote_ktensor ky = {.data = kout, .dtype = kt, .rank = 4, .dims = {1, K * C, oh, W}};
		ck_assert_int_eq(mote_kernel_run(MOTE_KOP_STACK_ROWS, kp, &kx, 1, &ky, 1), 0);
		for (uint32_t c = 0; c < K * C; c++)
			for (uint32_t p = 0; p < oh * W; p++)
				ck_assert_uint_eq(kout[(size_t)c * oh * W + p], sx[(size_t)p * K * C + c]);
		int32_t ref[7 * 7 * 4 * 4], got[7 * 7 * 4 * 4];
		size_t ob = (size_t)oh * ow * op.out_c * 4;
		ck_assert_int_eq(mote_ref_conv(&op, in, ref), 0);
		ck_assert_int_eq(mote_ref_conv(&st, sx, got), 0);
		ck_assert_mem_eq(ref, got, ob);
		for (uint32_t r = 4; r <= 8; r += 4) {
			struct mote_geometry g = tc_geom(r, r);
			struct tc_run run = {.queue_depth = 8, .seed = (uint64_t)it};
			memset(got, 0x5a, sizeof got);
			ck_assert_msg(tc_run_conv(&g, &st, sx, got, &run) == 0, "%s", run.why);
			ck_assert_mem_eq(ref, got, ob);
		}
		ran++;
	}
	ck_assert_int_gt(ran, 50);
	/* grouped convolutions are refused */
	struct mote_cc_conv gop = {.in_h = 3, .in_w = 3, .in_c = 2, .out_c = 2, .k_h = 3, .k_w = 1, .stride_h = 1,
				   .stride_w = 1, .dil_h = 1, .dil_w = 1, .groups = 2, .out_type = MOTE_CC_INT32};
	int8_t gw[6];
	struct mote_cc_conv gst;
	gop.weights = gw;
	ck_assert_int_eq(mote_cc_conv_stack_rows(&gop, &gst, gw, NULL), MOTE_CC_ENOTSUP);
}
END_TEST

/* The whole kernel window stacked as channels (im2col): the host kernel with
 * p5 = k_w (NCHW) equals the layout written here (NHWC), and the 1x1
 * convolution over it equals the original bit for bit, dense and, with the
 * weights pruned 2:4 in groups of 4 consecutive (ky, kx, c) elements (the
 * rule of `mote prune`), sparse on the functional model of an 8x8 array
 * with FEATURES.SPARSE: its groups are the original reduction's. */
START_TEST(stacked_window_equivalent)
{
	uint64_t s = 4242;
	int ran = 0, ran_sparse = 0;
	for (int it = 0; it < 150; it++) {
		struct mote_cc_conv op = small_conv(&s);
		int8_t w[4 * 4 * 5 * 4];
		int32_t bias[4];
		uint8_t in[7 * 7 * 5], nchw[sizeof in];
		fill_operands(&op, w, sizeof w, in, sizeof in, bias, 4, &s);
		uint32_t oh, ow, H = op.in_h, W = op.in_w, C = op.in_c, K = op.k_h, KW = op.k_w, O = op.out_c;
		if (mote_cc_conv_check(&op, &oh, &ow, NULL))
			continue;
		/* pruned 2:4 along (ky, kx, c), flat: keep the first two non-zero of each 4 */
		uint32_t Kr = K * KW * C;
		for (uint32_t o = 0; o < O; o++)
			for (uint32_t g0 = 0; g0 < Kr; g0 += 4)
				for (uint32_t j = g0, nz = 0; j < g0 + 4 && j < Kr; j++)
					if (w[(size_t)j * O + o] && ++nz > 2)
						w[(size_t)j * O + o] = 0;
		struct mote_cc_conv st;
		ck_assert_int_eq(cc_conv_stack_window(&op, &st, NULL), 0);
		ck_assert_uint_eq(st.in_h, oh);
		ck_assert_uint_eq(st.in_w, ow);
		ck_assert_uint_eq(st.in_c, Kr);
		ck_assert_uint_eq(st.k_h * st.k_w, 1);
		uint8_t sx[13 * 13 * 4 * 4 * 5], kout[sizeof sx]; /* output up to 13x13 (7 + 3 + 3 padding) */
		for (uint32_t oy = 0; oy < oh; oy++)
			for (uint32_t ox = 0; ox < ow; ox++)
				for (uint32_t ky = 0; ky < K; ky++)
					for (uint32_t kx = 0; kx < KW; kx++)
						for (uint32_t c = 0; c < C; c++) {
							int64_t iy = (int64_t)oy * op.stride_h + (int64_t)ky * op.dil_h - op.pad_top;
							int64_t ix = (int64_t)ox * op.stride_w + (int64_t)kx * op.dil_w - op.pad_left;
							int out = iy < 0 || iy >= H || ix < 0 || ix >= W;
							sx[((size_t)oy * ow + ox) * Kr + (ky * KW + kx) * C + c] =
								out ? (uint8_t)op.in_zp : in[((size_t)iy * W + ix) * C + c];
						}
		for (uint32_t c = 0; c < C; c++)
			for (uint32_t p = 0; p < H * W; p++)
				nchw[(size_t)c * H * W + p] = in[(size_t)p * C + c];
		int32_t kp[MOTE_KERNEL_NPARAMS] = {(int32_t)K, (int32_t)op.stride_h, (int32_t)op.dil_h, (int32_t)op.pad_top,
						   op.in_zp, (int32_t)KW, (int32_t)op.stride_w, (int32_t)op.dil_w,
						   (int32_t)op.pad_left};
		int32_t kt = op.in_type == MOTE_CC_UINT8 ? MOTE_KT_UINT8 : MOTE_KT_INT8;
		struct mote_ktensor kx = {.data = nchw, .dtype = kt, .rank = 4, .dims = {1, C, H, W}};
		struct mote_ktensor ky = {.data = kout, .dtype = kt, .rank = 4, .dims = {1, Kr, oh, ow}};
		ck_assert_int_eq(mote_kernel_run(MOTE_KOP_STACK_ROWS, kp, &kx, 1, &ky, 1), 0);
		for (uint32_t c = 0; c < Kr; c++)
			for (uint32_t p = 0; p < oh * ow; p++)
				ck_assert_uint_eq(kout[(size_t)c * oh * ow + p], sx[(size_t)p * Kr + c]);
		int32_t ref[13 * 13 * 4], got[13 * 13 * 4];
		size_t ob = (size_t)oh * ow * O * 4;
		ck_assert_int_eq(mote_ref_conv(&op, in, ref), 0);
		ck_assert_int_eq(mote_ref_conv(&st, sx, got), 0);
		ck_assert_mem_eq(ref, got, ob);
		struct mote_geometry g = tc_geom(8, 8);
		g.features |= MOTE_FEATURES_SPARSE_MASK;
		for (int sparse = 0; sparse < 2; sparse++) {
			st.sparse = sparse;
			if (sparse && (op.in_type != MOTE_CC_INT8 || mote_cc_sparse_check(&st, NULL)))
				continue;
			struct tc_run run = {.queue_depth = 8, .seed = (uint64_t)it};
			memset(got, 0x5a, sizeof got);
			ck_assert_msg(tc_run_conv(&g, &st, sx, got, &run) == 0, "%s", run.why);
			ck_assert_mem_eq(ref, got, ob);
			ran_sparse += sparse;
		}
		ran++;
	}
	ck_assert_int_gt(ran, 50);
	ck_assert_int_gt(ran_sparse, 20);
	/* rows only (p5 = 0) keeps the input width: another width is refused */
	uint8_t b[16] = {0}, o[64];
	int32_t kp[MOTE_KERNEL_NPARAMS] = {2, 1, 1, 0, 0};
	struct mote_ktensor kx = {.data = b, .dtype = MOTE_KT_INT8, .rank = 4, .dims = {1, 1, 4, 4}};
	struct mote_ktensor ky = {.data = o, .dtype = MOTE_KT_INT8, .rank = 4, .dims = {1, 2, 3, 3}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_STACK_ROWS, kp, &kx, 1, &ky, 1), MOTE_KERNEL_ESHAPE);
	kp[5] = -1; /* a negative window width */
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_STACK_ROWS, kp, &kx, 1, &ky, 1), MOTE_KERNEL_EPARAM);
}
END_TEST

/* Grouped convolution = G dense convolutions on the groups' channel slices. */
START_TEST(grouped_vs_per_group)
{
	uint64_t s = 2024;
	for (int it = 0; it < 300; it++) {
		uint32_t G = (uint32_t)tc_range(&s, 1, 6), cig = (uint32_t)tc_range(&s, 1, 3),
			 cog = (uint32_t)tc_range(&s, 1, 3);
		if (it % 3 == 0)
			cig = cog = 1; /* depthwise */
		struct mote_cc_conv op = {.in_h = (uint32_t)tc_range(&s, 1, 6), .in_w = (uint32_t)tc_range(&s, 1, 6),
					  .in_c = G * cig, .out_c = G * cog, .k_h = (uint32_t)tc_range(&s, 1, 3),
					  .k_w = (uint32_t)tc_range(&s, 1, 3), .stride_h = (uint32_t)tc_range(&s, 1, 2),
					  .stride_w = (uint32_t)tc_range(&s, 1, 2), .dil_h = (uint32_t)tc_range(&s, 1, 2),
					  .dil_w = (uint32_t)tc_range(&s, 1, 2), .pad_top = (uint32_t)tc_range(&s, 0, 2),
					  .pad_bottom = (uint32_t)tc_range(&s, 0, 2), .pad_left = (uint32_t)tc_range(&s, 0, 2),
					  .pad_right = (uint32_t)tc_range(&s, 0, 2), .out_type = MOTE_CC_INT32, .groups = G};
		op.in_type = tc_rand(&s) & 1 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
		op.in_zp = (int32_t)(op.in_type == MOTE_CC_UINT8 ? tc_range(&s, 0, 255) : tc_range(&s, -128, 127));
		op.w_zp = (int32_t)tc_range(&s, -128, 127);
		int8_t w[3 * 3 * 3 * 18], wg[3 * 3 * 3 * 3];
		int32_t bias[18];
		uint8_t in[6 * 6 * 18], ing[6 * 6 * 3];
		fill_operands(&op, w, sizeof w, in, sizeof in, bias, 18, &s);
		uint32_t oh, ow;
		if (mote_cc_conv_check(&op, &oh, &ow, NULL))
			continue;
		int32_t ref[10 * 10 * 18], part[10 * 10 * 3]; /* out_h, out_w <= 6 + 2 + 2 */
		ck_assert_int_eq(mote_ref_conv(&op, in, ref), 0);
		for (uint32_t g = 0; g < G; g++) {
			/* group g alone: input channels g*cig.., output channels g*cog.. */
			struct mote_cc_conv d = op;
			d.groups = 0;
			d.in_c = cig;
			d.out_c = cog;
			d.bias = bias + g * cog;
			d.weights = wg;
			for (uint32_t k = 0; k < op.k_h * op.k_w; k++)
				for (uint32_t ci = 0; ci < cig; ci++)
					for (uint32_t o = 0; o < cog; o++)
						wg[(k * cig + ci) * cog + o] = w[(k * cig + ci) * op.out_c + g * cog + o];
			for (uint32_t px = 0; px < op.in_h * op.in_w; px++)
				for (uint32_t ci = 0; ci < cig; ci++)
					ing[px * cig + ci] = in[px * op.in_c + g * cig + ci];
			ck_assert_int_eq(mote_ref_conv(&d, ing, part), 0);
			for (uint32_t px = 0; px < oh * ow; px++)
				for (uint32_t o = 0; o < cog; o++)
					if (ref[px * op.out_c + g * cog + o] != part[px * cog + o])
						ck_abort_msg("it %d: group %u of %u, pixel %u, channel %u", it, g, G, px, o);
		}
	}
	/* groups must divide both channel counts; the weight size check uses in_c/groups */
	int8_t w1[1] = {1};
	struct mote_cc_conv bad = {.in_h = 1, .in_w = 1, .in_c = 4, .out_c = 6, .k_h = 1, .k_w = 1, .stride_h = 1,
				   .stride_w = 1, .dil_h = 1, .dil_w = 1, .out_type = MOTE_CC_INT32, .weights = w1,
				   .groups = 4};
	ck_assert_int_eq(mote_cc_conv_check(&bad, NULL, NULL, NULL), MOTE_CC_EINVAL);
	bad.groups = 2;
	ck_assert_int_eq(mote_cc_conv_check(&bad, NULL, NULL, NULL), 0);
	bad = (struct mote_cc_conv){.in_h = 1, .in_w = 1, .in_c = 65536, .out_c = 65536, .k_h = 1, .k_w = 1,
				    .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1, .out_type = MOTE_CC_INT32,
				    .weights = w1};
	ck_assert_int_eq(mote_cc_conv_check(&bad, NULL, NULL, NULL), MOTE_CC_ERANGE); /* 2^32 weights */
	bad.groups = 65536;
	ck_assert_int_eq(mote_cc_conv_check(&bad, NULL, NULL, NULL), 0); /* depthwise: 2^16 */
}
END_TEST

START_TEST(gemm_vs_conv)
{
	uint64_t s = 999;
	for (int it = 0; it < 100; it++) {
		uint32_t m = (uint32_t)tc_range(&s, 1, 9), k = (uint32_t)tc_range(&s, 1, 40), n = (uint32_t)tc_range(&s, 1, 9);
		int8_t b[40 * 9];
		uint8_t a[9 * 40];
		int32_t mult[9], shift[9], bias[9];
		for (size_t i = 0; i < sizeof b; i++)
			b[i] = (int8_t)tc_rand(&s);
		for (size_t i = 0; i < sizeof a; i++)
			a[i] = (uint8_t)tc_rand(&s);
		for (int i = 0; i < 9; i++) {
			mult[i] = (int32_t)tc_range(&s, 1 << 30, 0x7fffffff);
			shift[i] = (int32_t)tc_range(&s, 36, 42);
			bias[i] = (int32_t)tc_range(&s, -5000, 5000);
		}
		struct mote_cc_gemm g = {.m = m, .k = k, .n = n, .a_type = MOTE_CC_UINT8, .a_zp = 7, .b_zp = -3,
					 .out_type = it & 1 ? MOTE_CC_INT8 : MOTE_CC_INT32, .out_zp = 4,
					 .clamp_lo = -100, .clamp_hi = 120, .b = b, .bias = bias, .mult = mult,
					 .shift = shift};
		struct mote_cc_conv c;
		mote_cc_gemm_as_conv(&g, &c);
		int32_t y1[81], y2[81];
		ck_assert_int_eq(mote_ref_gemm(&g, a, y1), 0);
		ck_assert_int_eq(mote_ref_conv(&c, a, y2), 0);
		ck_assert_mem_eq(y1, y2, (size_t)m * n * mote_cc_dtype_size(g.out_type));
	}
}
END_TEST

/* MOTE_KOP_LUT: each output is the table's entry for the input byte (an
 * int8 -1 reads entry 255); wrong types, a short table, mismatched shapes
 * are refused. */
START_TEST(lut_kernel)
{
	int8_t x[6] = {-128, -1, 0, 1, 127, -1}, y[6];
	uint8_t ux[3] = {0, 200, 255}, uy[3];
	int8_t tab[256];
	for (int i = 0; i < 256; i++)
		tab[i] = (int8_t)(255 - i);
	int32_t p[MOTE_KERNEL_NPARAMS] = {0};
	struct mote_ktensor in[2] = {{.data = x, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {2, 3}},
				     {.data = tab, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {256}}};
	struct mote_ktensor out = {.data = y, .dtype = MOTE_KT_INT8, .rank = 2, .dims = {2, 3}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_LUT, p, in, 2, &out, 1), 0);
	for (int k = 0; k < 6; k++)
		ck_assert_int_eq(y[k], (int8_t)(255 - (uint8_t)x[k]));
	struct mote_ktensor uin[2] = {{.data = ux, .dtype = MOTE_KT_UINT8, .rank = 1, .dims = {3}}, in[1]};
	struct mote_ktensor uout = {.data = uy, .dtype = MOTE_KT_INT8, .rank = 1, .dims = {3}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_LUT, p, uin, 2, &uout, 1), 0);
	ck_assert_int_eq(uy[0], 255);
	ck_assert_int_eq(uy[1], 55);
	ck_assert_int_eq(uy[2], 0);
	struct mote_ktensor bad = in[1];
	bad.dims[0] = 255;
	struct mote_ktensor b2[2] = {in[0], bad};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_LUT, p, b2, 2, &out, 1), MOTE_KERNEL_ESHAPE);
	bad = in[1];
	bad.dtype = MOTE_KT_UINT8; /* the table must have y's type */
	b2[1] = bad;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_LUT, p, b2, 2, &out, 1), MOTE_KERNEL_ETYPE);
	out.dims[1] = 2;
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_LUT, p, in, 2, &out, 1), MOTE_KERNEL_ESHAPE);
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_LUT, p, in, 1, &uout, 1), MOTE_KERNEL_EPARAM);
}
END_TEST

START_TEST(requant_rounding)
{
	/* v * 2^30 / 2^31 = v / 2: ties go to the even neighbour, both signs */
	ck_assert_int_eq(mote_ref_requant(3, 1 << 30, 31), 2);
	ck_assert_int_eq(mote_ref_requant(5, 1 << 30, 31), 2);
	ck_assert_int_eq(mote_ref_requant(-3, 1 << 30, 31), -2);
	ck_assert_int_eq(mote_ref_requant(-5, 1 << 30, 31), -2);
	ck_assert_int_eq(mote_ref_requant(7, 1 << 30, 32), 2);   /* 1.75 */
	ck_assert_int_eq(mote_ref_requant(-7, 1 << 30, 32), -2);
	ck_assert_int_eq(mote_ref_requant(5, 1 << 30, 32), 1);   /* 1.25 */
	ck_assert_int_eq(mote_ref_requant(6, 1 << 30, 32), 2);   /* 1.5 */
	ck_assert_int_eq(mote_ref_requant(-6, 1 << 30, 32), -2);
	ck_assert_int_eq(mote_ref_requant(-10, 1 << 30, 32), -2); /* -2.5 */
	/* shift 0 and the & 63 of the spec */
	ck_assert_int_eq(mote_ref_requant(-3, 7, 0), -21);
	ck_assert_int_eq(mote_ref_requant(-3, 7, 64), -21);
	ck_assert_int_eq(mote_ref_requant(1, 1 << 30, 64 + 31), 0); /* 0.5 -> 0 */
	/* the extremes of the 64-bit product */
	ck_assert_int_eq(mote_ref_requant(INT32_MIN, INT32_MIN, 62), 1);
	ck_assert_int_eq(mote_ref_requant(INT32_MIN, INT32_MIN, 63), 0); /* exactly 0.5 */
	ck_assert_int_eq(mote_ref_requant(INT32_MIN, INT32_MAX, 63), 0); /* just above -0.5 */
	ck_assert_int_eq(mote_ref_requant(INT32_MAX, INT32_MAX, 0), (int64_t)INT32_MAX * INT32_MAX);
	/* post-processing: int32 wrap of acc + bias, zero point, clamp */
	ck_assert_int_eq(mote_ref_postproc(INT32_MAX, 1, 1 << 30, 30, 0, INT32_MIN, INT32_MAX), INT32_MIN);
	ck_assert_int_eq(mote_ref_postproc(10, 1, 1 << 30, 31, -3, -128, 127), 3);  /* 5.5 -> 6, -3 */
	ck_assert_int_eq(mote_ref_postproc(1000, 0, 1 << 30, 30, 0, -128, 127), 127);
	ck_assert_int_eq(mote_ref_postproc(-1000, 0, 1 << 30, 30, 5, 0, 255), 0);
}
END_TEST

START_TEST(requant_vs_long_double)
{
	uint64_t s = 4242;
	for (int i = 0; i < 200000; i++) {
		int32_t v = (int32_t)(uint32_t)tc_rand(&s);
		if (i & 1)
			v >>= tc_range(&s, 0, 30);
		int32_t mult = (int32_t)(uint32_t)tc_rand(&s);
		int32_t shift = (int32_t)tc_range(&s, 0, 63);
		/* |v * mult| <= 2^62 fits the 64-bit mantissa of long double exactly */
		long double x = ldexpl((long double)v * (long double)mult, -shift);
		int64_t want = (int64_t)nearbyintl(x); /* default mode: ties to even */
		if (mote_ref_requant(v, mult, shift) != want) /* plain if: Check's bookkeeping is slow in loops */
			ck_abort_msg("v %d mult %d shift %d", v, mult, shift);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reference");
	TCase *tc = tcase_create("reference");
	tcase_add_test(tc, conv_by_hand);
	tcase_add_test(tc, padding_contributes_nothing);
	tcase_add_test(tc, conv_vs_im2col);
	tcase_add_test(tc, stacked_rows_equivalent);
	tcase_add_test(tc, stacked_window_equivalent);
	tcase_add_test(tc, grouped_vs_per_group);
	tcase_add_test(tc, gemm_vs_conv);
	tcase_add_test(tc, requant_rounding);
	tcase_add_test(tc, lut_kernel);
	tcase_add_test(tc, requant_vs_long_double);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
