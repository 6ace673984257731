/* kernels_conv.c: the quantized (grouped) convolution as a host kernel
 * (MOTE_KOP_CONV of <mote/mote_kernels.h>), for the convolutions a device
 * cannot take (a depthwise one on a device without FEATURES.DEPTHWISE).
 *
 * The arithmetic is the accelerator's, so a layer gives the same bytes on the
 * host as on a device that has the feature: int32 sums of (x - zx)(w - zw)
 * (wrapping as the accumulator does), the bias added with int32 wrapping,
 * then the STORE post-processing of mote_hw.spec: round_half_even(v * mult /
 * 2^(shift & 63)) + zy, clamped to [lo, hi]; with p14, the rounding of STORE
 * ROUND_TFL (TFLite's two) instead.  The compiler's reference
 * executor (mote_ref_conv) is written separately; the tests hold the two
 * together.
 */
#include "kernels_priv.h"

static int zp_in(int32_t dt, int32_t v)
{
	return dt == MOTE_KT_INT8 ? v >= -128 && v <= 127 : dt == MOTE_KT_UINT8 ? v >= 0 && v <= 255 : 0;
}

static int32_t byte_value(int32_t dt, uint8_t b) { return dt == MOTE_KT_INT8 ? (int32_t)(int8_t)b : (int32_t)b; }

struct cgeom {
	int64_t n, c, h, w, o, oh, ow, kh, kw, cig, cog, g;
	int64_t sh, sw, pt, pl, dh, dw;
};

/* Operands against the parameters (see MOTE_KOP_CONV). */
static int conv_check(const int32_t *p, const struct mote_ktensor *in, const struct mote_ktensor *y, struct cgeom *g)
{
	const struct mote_ktensor *x = &in[0], *w = &in[1], *b = &in[2], *ms = &in[3];
	if (!zp_in(x->dtype, 0) || !zp_in(w->dtype, 0) || !zp_in(y->dtype, 0) || b->dtype != MOTE_KT_INT32 ||
	    ms->dtype != MOTE_KT_INT32)
		return MOTE_KERNEL_ETYPE;
	for (int i = 0; i < 9; i++)
		if (p[i] < (i < 2 || i >= 6 ? 1 : 0) || p[i] > 4096)
			return MOTE_KERNEL_EPARAM;
	if (!zp_in(x->dtype, p[9]) || !zp_in(w->dtype, p[10]) || !zp_in(y->dtype, p[11]) || !zp_in(y->dtype, p[12]) ||
	    !zp_in(y->dtype, p[13]) || p[12] > p[13] || (p[14] != 0 && p[14] != 1))
		return MOTE_KERNEL_EPARAM;
	if (x->rank != 4 || w->rank != 4 || y->rank != 4 || b->rank != 1 || ms->rank != 2)
		return MOTE_KERNEL_ESHAPE;
	g->n = x->dims[0], g->c = x->dims[1], g->h = x->dims[2], g->w = x->dims[3];
	g->kh = w->dims[0], g->kw = w->dims[1], g->cig = w->dims[2], g->o = w->dims[3], g->g = p[8];
	g->sh = p[0], g->sw = p[1], g->pt = p[2], g->pl = p[3], g->dh = p[6], g->dw = p[7];
	if (g->c % g->g || g->o % g->g || g->cig != g->c / g->g || g->kh < 1 || g->kw < 1 || g->c < 1)
		return MOTE_KERNEL_ESHAPE;
	g->cog = g->o / g->g;
	if (y->dims[0] != g->n || y->dims[1] != g->o || b->dims[0] != g->o || ms->dims[0] != 2 || ms->dims[1] != g->o)
		return MOTE_KERNEL_ESHAPE;
	int64_t span_h = g->dh * (g->kh - 1) + 1, span_w = g->dw * (g->kw - 1) + 1;
	int64_t ph = g->h + p[2] + p[4], pw = g->w + p[3] + p[5];
	if (span_h > ph || span_w > pw)
		return MOTE_KERNEL_ESHAPE;
	g->oh = (ph - span_h) / g->sh + 1, g->ow = (pw - span_w) / g->sw + 1;
	if (y->dims[2] != g->oh || y->dims[3] != g->ow)
		return MOTE_KERNEL_ESHAPE;
	/* the window and the outputs each at most 2^34 (valid tensors): the product is checked by division */
	int64_t win = g->kh * g->kw * g->cig;
	if (win > MOTE_KERNEL_MAX_WORK || g->n * g->o * g->oh * g->ow > MOTE_KERNEL_MAX_WORK / win)
		return MOTE_KERNEL_ERANGE;
	return 0;
}

int mote__kernel_conv(const int32_t *p, const struct mote_ktensor *in, struct mote_ktensor *y)
{
	struct cgeom g;
	int rc = conv_check(p, in, y, &g);
	if (rc)
		return rc;
	const uint8_t *xs = in[0].data, *ws = in[1].data;
	const int32_t *bias = in[2].data, *mult = in[3].data, *shift = mult + g.o;
	uint8_t *ys = y->data;
	int32_t xdt = in[0].dtype, wdt = in[1].dtype;
	for (int64_t n = 0; n < g.n; n++)
		for (int64_t o = 0; o < g.o; o++) {
			int64_t c0 = o / g.cog * g.cig; /* the group's first input channel */
			for (int64_t oy = 0; oy < g.oh; oy++)
				for (int64_t ox = 0; ox < g.ow; ox++) {
					uint32_t acc = 0; /* int32 wrapping, as the accumulator sums */
					for (int64_t ky = 0; ky < g.kh; ky++) {
						int64_t iy = oy * g.sh + ky * g.dh - g.pt;
						if (iy < 0 || iy >= g.h)
							continue; /* padding is x == zx: it adds 0 */
						for (int64_t kx = 0; kx < g.kw; kx++) {
							int64_t ix = ox * g.sw + kx * g.dw - g.pl;
							if (ix < 0 || ix >= g.w)
								continue;
							for (int64_t c = 0; c < g.cig; c++) {
								int32_t xv = byte_value(xdt, xs[((n * g.c + c0 + c) * g.h + iy) * g.w + ix]) - p[9];
								int32_t wv = byte_value(wdt, ws[((ky * g.kw + kx) * g.cig + c) * g.o + o]) - p[10];
								acc += (uint32_t)(xv * wv);
							}
						}
					}
					int32_t v = (int32_t)(acc + (uint32_t)bias[o]);
					int64_t q = (p[14] ? mote__kernel_requant_tfl(v, mult[o], shift[o])
							   : mote__kernel_requant(v, mult[o], shift[o])) + p[11];
					q = q < p[12] ? p[12] : q > p[13] ? p[13] : q;
					ys[((n * g.o + o) * g.oh + oy) * g.ow + ox] = (uint8_t)(q & 0xff);
				}
		}
	return 0;
}
