/* ref_exec.c: the reference executor, written plainly and independently of
 * the tiler: direct loops over output pixels and the kernel window, exact
 * 64-bit sums, then the STORE post-processing of mote_hw.spec. */
#include "core/cc_internal.h"
#include "mote/mote_kernels.h"

int64_t mote_ref_requant(int32_t v, int32_t mult, int32_t shift)
{
	int64_t p = (int64_t)v * (int64_t)mult; /* |p| <= 2^62: exact */
	unsigned s = (unsigned)shift & 63u;
	if (s == 0)
		return p;
	/* floor(p / 2^s) and the remainder in [0, 2^s), in two's complement. */
	int64_t q = p >> s; /* arithmetic shift (gcc): floor */
	uint64_t mask = ((uint64_t)1 << s) - 1u;
	uint64_t rem = (uint64_t)p & mask;
	uint64_t half = (uint64_t)1 << (s - 1);
	if (rem > half || (rem == half && (q & 1)))
		q += 1;
	return q;
}

int64_t mote_ref_requant_tfl(int32_t v, int32_t mult, int32_t shift)
{
	unsigned s = (unsigned)shift & 63u;
	unsigned l = s < 31 ? 31 - s : 0, r = s > 31 ? (s - 31 > 31 ? 31 : s - 31) : 0;
	int32_t x = (int32_t)((uint32_t)v << l);                       /* int32, wrapping */
	int64_t h = ((int64_t)x * mult + ((int64_t)1 << 30)) >> 31;    /* floor: arithmetic shift (gcc) */
	if (r == 0)
		return h;
	int64_t q = h >> r, rem = h & (((int64_t)1 << r) - 1), half = (int64_t)1 << (r - 1);
	return q + (rem > half || (rem == half && h >= 0)); /* ties away from zero */
}

int64_t mote_ref_postproc_mode(int32_t acc, int32_t bias, int32_t mult, int32_t shift, int32_t out_zp,
			       int32_t lo, int32_t hi, int round_tfl)
{
	int32_t v = (int32_t)((uint32_t)acc + (uint32_t)bias); /* int32 wrapping add */
	int64_t y = (round_tfl ? mote_ref_requant_tfl(v, mult, shift) : mote_ref_requant(v, mult, shift)) + out_zp;
	if (y < lo)
		y = lo;
	if (y > hi)
		y = hi;
	return y;
}

int64_t mote_ref_postproc(int32_t acc, int32_t bias, int32_t mult, int32_t shift,
			  int32_t out_zp, int32_t lo, int32_t hi)
{
	return mote_ref_postproc_mode(acc, bias, mult, shift, out_zp, lo, hi, 0);
}

static void write_out(const struct mote_cc_conv *op, void *output, size_t idx, int64_t acc, uint32_t o)
{
	int32_t bias = op->bias ? op->bias[o] : 0;
	int32_t v = (int32_t)(uint32_t)((uint64_t)acc + (uint64_t)(int64_t)bias); /* wraps mod 2^32 */
	if (op->out_type == MOTE_CC_INT32) {
		((int32_t *)output)[idx] = v;
		return;
	}
	int64_t y = mote_ref_postproc_mode(v, 0, op->mult[o], op->shift[o], op->out_zp, op->clamp_lo, op->clamp_hi,
					   op->round_tfl);
	((uint8_t *)output)[idx] = (uint8_t)(y & 0xff);
}

/* Max pooling: max over output pixel (oy, ox)'s window of channel o's
 * x - in_zp, a padding position counting as the type's minimum. */
static int64_t ref_max_window(const struct mote_cc_conv *op, const uint8_t *in, uint64_t oy, uint64_t ox, uint32_t o)
{
	int64_t lowest = (op->in_type == MOTE_CC_UINT8 ? 0 : -128) - op->in_zp, best = INT64_MIN;
	for (uint64_t ky = 0; ky < op->k_h; ky++)
		for (uint64_t kx = 0; kx < op->k_w; kx++) {
			int64_t iy = (int64_t)(oy * op->stride_h + ky * op->dil_h) - op->pad_top;
			int64_t ix = (int64_t)(ox * op->stride_w + kx * op->dil_w) - op->pad_left;
			int64_t v = lowest;
			if (iy >= 0 && iy < op->in_h && ix >= 0 && ix < op->in_w)
				v = cc_byte_value(op->in_type, in[((size_t)iy * op->in_w + (size_t)ix) * op->in_c + o]) -
				    op->in_zp;
			best = v > best ? v : best;
		}
	return best;
}

int mote_ref_conv(const struct mote_cc_conv *op, const void *input, void *output)
{
	uint32_t oh, ow;
	int rc = mote_cc_conv_check(op, &oh, &ow, NULL);
	if (rc)
		return rc;
	if (!input || !output)
		return MOTE_CC_EINVAL;
	/* sparse: the pattern holds, and the product is the dense one */
	if (op->sparse && (rc = mote_cc_sparse_check(op, NULL)) < 0)
		return rc;
	const uint8_t *in = input;
	uint32_t cig = op->in_c / cc_groups(op), cog = op->out_c / cc_groups(op); /* per group */
	for (uint64_t oy = 0; oy < oh; oy++)
		for (uint64_t ox = 0; ox < ow; ox++)
			for (uint32_t o = 0; o < op->out_c; o++) {
				size_t idx = (size_t)(oy * ow + ox) * op->out_c + o;
				if (op->pool == MOTE_CC_POOL_MAX) {
					write_out(op, output, idx, ref_max_window(op, in, oy, ox, o), o);
					continue;
				}
				uint32_t c0 = o / cog * cig; /* the group's first input channel */
				int64_t acc = 0;
				for (uint64_t ky = 0; ky < op->k_h; ky++) {
					int64_t iy = (int64_t)(oy * op->stride_h + ky * op->dil_h) - op->pad_top;
					if (iy < 0 || iy >= op->in_h)
						continue; /* padding: x == in_zp contributes 0 */
					for (uint64_t kx = 0; kx < op->k_w; kx++) {
						int64_t ix = (int64_t)(ox * op->stride_w + kx * op->dil_w) - op->pad_left;
						if (ix < 0 || ix >= op->in_w)
							continue;
						const uint8_t *px = in + ((size_t)iy * op->in_w + (size_t)ix) * op->in_c + c0;
						const int8_t *wk = op->weights +
							((ky * op->k_w + kx) * cig) * (size_t)op->out_c + o;
						for (uint32_t c = 0; c < cig; c++) {
							int64_t x = cc_byte_value(op->in_type, px[c]) - op->in_zp;
							int64_t w = (int64_t)cc_byte_value(op->w_type,
									(uint8_t)wk[(size_t)c * op->out_c]) - op->w_zp;
							acc += x * w;
						}
					}
				}
				write_out(op, output, idx, acc, o);
			}
	return 0;
}

int mote_ref_gemm(const struct mote_cc_gemm *op, const void *a, void *y)
{
	if (!op)
		return MOTE_CC_EINVAL;
	struct mote_cc_conv c;
	mote_cc_gemm_as_conv(op, &c);
	int rc = mote_cc_conv_check(&c, NULL, NULL, NULL);
	if (rc)
		return rc;
	if (!a || !y)
		return MOTE_CC_EINVAL;
	if (op->sparse && (rc = mote_cc_sparse_check(&c, NULL)) < 0)
		return rc;
	const uint8_t *am = a;
	/* A plain triple loop (not through mote_ref_conv) so each checks the other. */
	for (size_t i = 0; i < op->m; i++)
		for (size_t j = 0; j < op->n; j++) {
			int64_t acc = 0;
			for (size_t k = 0; k < op->k; k++)
				acc += (int64_t)(cc_byte_value(op->a_type, am[i * op->k + k]) - op->a_zp) *
				       ((int64_t)cc_byte_value(op->b_type, (uint8_t)op->b[k * op->n + j]) - op->b_zp);
			write_out(&c, y, i * op->n + j, acc, (uint32_t)j);
		}
	return 0;
}

int mote_ref_add(const struct mote_cc_conv *op, const void *r, void *output)
{
	uint32_t oh, ow;
	int rc = mote_cc_conv_check(op, &oh, &ow, NULL);
	if (rc)
		return rc;
	if (!r || !output)
		return MOTE_CC_EINVAL;
	const struct mote_cc_add *a = &op->add;
	if (!a->on)
		return 0;
	const struct mote_add_mults m = {.mult_a = a->mult_a, .mult_b = a->mult_b, .shift = a->shift};
	uint8_t *y = output;
	const uint8_t *rb = r;
	for (size_t i = 0, n = (size_t)oh * ow * op->out_c; i < n; i++) {
		/* the stored byte is y itself: y lies in the output type's range */
		int32_t yv = op->out_type == MOTE_CC_INT8 ? (int8_t)y[i] : y[i];
		int32_t rv = a->type == MOTE_CC_INT8 ? (int8_t)rb[i] : rb[i];
		int64_t t = mote_kernel_add_sum(yv - op->out_zp, rv - a->zp, &m) + a->sum_zp;
		y[i] = (uint8_t)((t < a->lo ? a->lo : t > a->hi ? a->hi : t) & 0xff);
	}
	return 0;
}
