/* kernels.c: host kernels of a model (see <mote/mote_kernels.h>).
 *
 * Plain loops over logical-layout tensors.  Every kernel validates its
 * operands first; after that every index it computes is inside them.  The
 * quantized add is integer, as the device's STORE ADD, and average pooling
 * uses the accelerator's integer requantization (a multiplier and shift from
 * mote_kernel_quantize_scale), so host and device give the same bytes for
 * both; rounding is half to even, which is ONNX's rounding for QuantizeLinear.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels_priv.h"

int32_t mote_kernel_fbits(float f)
{
	int32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

float mote_kernel_bitsf(int32_t bits)
{
	float f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

static const char *const op_names[MOTE_KOP_COUNT_] = {
	NULL, "QUANTIZE", "DEQUANTIZE", "SOFTMAX", "MAXPOOL", "AVGPOOL", "ADD", "COPY", "TRANSPOSE", "CONCAT", "STACK_ROWS",
	"ADD_TFL", "AVGPOOL_TFL", "REQUANT_TFL", "CONV", "LUT", "SOFTMAX_TFL",
};

const char *mote_kernel_op_name(uint32_t op) { return op < MOTE_KOP_COUNT_ ? op_names[op] : NULL; }

const char *mote_kernel_strerror(int status)
{
	switch (status) {
	case MOTE_KERNEL_OK: return "success";
	case MOTE_KERNEL_EOP: return "unknown host kernel";
	case MOTE_KERNEL_ETYPE: return "operand element type not taken by the kernel";
	case MOTE_KERNEL_ESHAPE: return "operand shapes inconsistent with each other or the parameters";
	case MOTE_KERNEL_EPARAM: return "kernel parameter out of range";
	case MOTE_KERNEL_ENOMEM: return "out of host memory";
	case MOTE_KERNEL_ERANGE: return "more work than the host kernels take in one call (MOTE_KERNEL_MAX_WORK)";
	default: return "unknown kernel status";
	}
}

size_t mote_kernel_dtype_size(int32_t dt)
{
	return dt == MOTE_KT_FLOAT || dt == MOTE_KT_INT32 ? 4 : dt == MOTE_KT_INT8 || dt == MOTE_KT_UINT8 ? 1 : 0;
}

static int64_t numel(const struct mote_ktensor *t)
{
	int64_t n = 1;
	for (uint32_t i = 0; i < t->rank; i++)
		n *= t->dims[i];
	return n;
}

static int valid(const struct mote_ktensor *t)
{
	if (!t->data || t->rank > MOTE_KERNEL_MAX_RANK)
		return 0;
	int64_t n = 1;
	for (uint32_t i = 0; i < t->rank; i++) {
		if (t->dims[i] < 0 || t->dims[i] > (1 << 30))
			return 0;
		n *= t->dims[i];
		if (n > ((int64_t)1 << 34))
			return 0;
	}
	return 1;
}

static int is_q8(int32_t dt) { return dt == MOTE_KT_INT8 || dt == MOTE_KT_UINT8; }

static int32_t q_get(const struct mote_ktensor *t, int64_t i)
{
	switch (t->dtype) {
	case MOTE_KT_INT8: return ((const int8_t *)t->data)[i];
	case MOTE_KT_UINT8: return ((const uint8_t *)t->data)[i];
	default: return ((const int32_t *)t->data)[i];
	}
}

static void q_put(struct mote_ktensor *t, int64_t i, double v, int32_t lo_extra)
{
	int32_t lo = t->dtype == MOTE_KT_INT8 ? -128 : 0, hi = t->dtype == MOTE_KT_INT8 ? 127 : 255;
	if (lo_extra > lo)
		lo = lo_extra;
	double r = nearbyint(v); /* the default rounding mode: half to even */
	int32_t q = r < lo ? lo : r > hi ? hi : (int32_t)r;
	if (t->dtype == MOTE_KT_INT8)
		((int8_t *)t->data)[i] = (int8_t)q;
	else
		((uint8_t *)t->data)[i] = (uint8_t)q;
}

static int zp_ok(int32_t dt, int32_t zp)
{
	return dt == MOTE_KT_INT8 ? zp >= -128 && zp <= 127 : dt == MOTE_KT_UINT8 ? zp >= 0 && zp <= 255 : 1;
}

static int scale_ok(int32_t bits)
{
	float s = mote_kernel_bitsf(bits);
	return isfinite(s) && s > 0;
}

static int quantize(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	if (x->dtype != MOTE_KT_FLOAT || !is_q8(y->dtype))
		return MOTE_KERNEL_ETYPE;
	if (numel(x) != numel(y))
		return MOTE_KERNEL_ESHAPE;
	if (!scale_ok(p[0]) || !zp_ok(y->dtype, p[1]) || (p[2] != 0 && p[2] != 1))
		return MOTE_KERNEL_EPARAM;
	float s = mote_kernel_bitsf(p[0]);
	const float *xf = x->data;
	for (int64_t i = 0, n = numel(x); i < n; i++) {
		/* ONNX: saturate(round(x / scale) + zero_point); the division in float;
		 * TFLite (p2 = 1) rounds ties away from zero */
		float v = xf[i] / s;
		q_put(y, i, isnan(v) ? 0.0 : (double)(p[2] ? roundf(v) : nearbyintf(v)) + p[1], INT32_MIN);
	}
	return 0;
}

static int dequantize(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	if (!(is_q8(x->dtype) || x->dtype == MOTE_KT_INT32) || y->dtype != MOTE_KT_FLOAT)
		return MOTE_KERNEL_ETYPE;
	if (numel(x) != numel(y))
		return MOTE_KERNEL_ESHAPE;
	if (!scale_ok(p[0]) || !zp_ok(x->dtype, p[1]))
		return MOTE_KERNEL_EPARAM;
	float s = mote_kernel_bitsf(p[0]);
	float *yf = y->data;
	for (int64_t i = 0, n = numel(x); i < n; i++)
		yf[i] = (float)((int64_t)q_get(x, i) - p[1]) * s;
	return 0;
}

static int softmax(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	if (x->dtype != MOTE_KT_FLOAT || y->dtype != MOTE_KT_FLOAT)
		return MOTE_KERNEL_ETYPE;
	if (numel(x) != numel(y) || x->rank == 0)
		return MOTE_KERNEL_ESHAPE;
	if (p[0] < 0 || (uint32_t)p[0] >= x->rank)
		return MOTE_KERNEL_EPARAM;
	int64_t outer = 1, len = x->dims[p[0]], inner = 1;
	for (int32_t i = 0; i < p[0]; i++)
		outer *= x->dims[i];
	for (uint32_t i = (uint32_t)p[0] + 1; i < x->rank; i++)
		inner *= x->dims[i];
	const float *xf = x->data;
	float *yf = y->data;
	for (int64_t o = 0; o < outer; o++)
		for (int64_t in = 0; in < inner; in++) {
			const float *xs = xf + o * len * inner + in;
			float *ys = yf + o * len * inner + in;
			float m = -INFINITY;
			for (int64_t k = 0; k < len; k++)
				m = xs[k * inner] > m ? xs[k * inner] : m;
			double sum = 0;
			for (int64_t k = 0; k < len; k++)
				sum += exp((double)xs[k * inner] - m);
			for (int64_t k = 0; k < len; k++)
				ys[k * inner] = (float)(exp((double)xs[k * inner] - m) / sum);
		}
	return 0;
}

/* Pooling geometry of p0..p9 against x [N][C][H][W] and y [N][C][OH][OW]. */
struct pool {
	int64_t kh, kw, sh, sw, pt, pl, dh, dw;
};

static int pool_check(const int32_t *p, int dil, const struct mote_ktensor *x, const struct mote_ktensor *y,
		      struct pool *g)
{
	if (!is_q8(x->dtype) || y->dtype != x->dtype)
		return MOTE_KERNEL_ETYPE;
	if (x->rank != 4 || y->rank != 4 || x->dims[0] != y->dims[0] || x->dims[1] != y->dims[1])
		return MOTE_KERNEL_ESHAPE;
	for (int i = 0; i < 8; i++)
		if (p[i] < (i < 4 ? 1 : 0) || p[i] > 4096)
			return MOTE_KERNEL_EPARAM;
	g->kh = p[0], g->kw = p[1], g->sh = p[2], g->sw = p[3], g->pt = p[4], g->pl = p[5];
	g->dh = dil ? p[8] : 1, g->dw = dil ? p[9] : 1;
	if (g->dh < 1 || g->dw < 1 || g->dh > 4096 || g->dw > 4096)
		return MOTE_KERNEL_EPARAM;
	/* every output window starts inside the padded image (ceil_mode outputs included) */
	int64_t span_h = g->dh * (g->kh - 1) + 1, span_w = g->dw * (g->kw - 1) + 1;
	int64_t ph = x->dims[2] + p[4] + p[6], pw = x->dims[3] + p[5] + p[7];
	if (span_h > ph || span_w > pw || y->dims[2] < 1 || y->dims[3] < 1)
		return MOTE_KERNEL_ESHAPE;
	int64_t floor_h = (ph - span_h) / g->sh + 1, floor_w = (pw - span_w) / g->sw + 1;
	if (y->dims[2] < floor_h || y->dims[2] > floor_h + 1 || y->dims[3] < floor_w || y->dims[3] > floor_w + 1)
		return MOTE_KERNEL_ESHAPE;
	if ((y->dims[2] - 1) * g->sh >= x->dims[2] + p[4] || (y->dims[3] - 1) * g->sw >= x->dims[3] + p[5])
		return MOTE_KERNEL_ESHAPE;
	/* numel(y) <= 2^34 (valid()) and the window <= 2^24: no overflow */
	if (numel(y) * g->kh * g->kw > MOTE_KERNEL_MAX_WORK)
		return MOTE_KERNEL_ERANGE;
	return 0;
}

/* Rule: s = f * 2^e with f in [0.5, 1) (frexp); mult = f * 2^31 rounded to
 * nearest (ties to even), shift = 31 - e.  f * 2^31 is an integer whenever s
 * has at most 31 significant bits, so float32 scales (24 bits) are exact.  If
 * rounding carries f * 2^31 up to 2^31, use 2^30 and one less shift.  shift
 * < 0 (s >= 2^31) is out of range; shift > 63 means |acc * s| < 2^31 * 2^-33
 * < 0.5 for every int32 acc, so every result is 0: mult = 0, shift = 0. */
int mote_kernel_quantize_scale(double s, int32_t *mult, int32_t *shift)
{
	if (!mult || !shift || isnan(s) || isinf(s) || s < 0)
		return MOTE_KERNEL_EPARAM;
	*mult = 0;
	*shift = 0;
	if (s == 0)
		return 0;
	int e;
	double f = frexp(s, &e);            /* s = f * 2^e, 0.5 <= f < 1 */
	double m = nearbyint(ldexp(f, 31)); /* default rounding mode: ties to even */
	if (m >= 2147483648.0) {
		m = 1073741824.0;
		e += 1;
	}
	long sh = 31L - e;
	if (sh < 0)
		return MOTE_KERNEL_EPARAM;
	if (sh <= 63) {
		*mult = (int32_t)m;
		*shift = (int32_t)sh;
	}
	return 0;
}

/* Average pooling of one window: round_half_even(v * mult / 2^shift) with
 * (mult, shift) for sx / (n * sy), v the window's sum of x - zx wrapped to
 * int32 as the accelerator's accumulator holds it (it cannot wrap for
 * windows below 2^23 elements).  0 on success, with *q the rounded value. */
int64_t mote__kernel_requant(int32_t v, int32_t mult, int32_t shift)
{
	int64_t prod = (int64_t)v * mult; /* |prod| <= 2^62: exact */
	unsigned s = (unsigned)shift & 63u;
	if (s == 0)
		return prod;
	int64_t fl = prod >> s; /* arithmetic shift: floor */
	uint64_t rem = (uint64_t)prod & (((uint64_t)1 << s) - 1u), half = (uint64_t)1 << (s - 1);
	return fl + (rem > half || (rem == half && (fl & 1)));
}

static int avgpool_requant(int32_t v, int64_t n, float sx, float sy, int64_t *q)
{
	int32_t mult, shift;
	if (mote_kernel_quantize_scale((double)sx / ((double)n * (double)sy), &mult, &shift))
		return MOTE_KERNEL_EPARAM;
	*q = mote__kernel_requant(v, mult, shift);
	return 0;
}

/* TFLite's average of a window: the raw sum over its count, rounded half
 * away from zero (C division truncates toward zero), clamped. */
static int64_t tfl_mean(int64_t sum, int64_t n, int32_t lo, int32_t hi)
{
	int64_t q = sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
	return q < lo ? lo : q > hi ? hi : q;
}

/* avg: 0 max pooling, 1 ONNX average pooling, 2 TFLite's average pooling */
static int pool(const int32_t *p, int avg, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	struct pool g;
	int rc = pool_check(p, !avg, x, y, &g);
	if (rc)
		return rc;
	float sx = 0, sy = 0;
	int32_t zx = 0, zy = 0;
	if (avg == 2 && (p[8] > p[9] || !zp_ok(y->dtype, p[8]) || !zp_ok(y->dtype, p[9])))
		return MOTE_KERNEL_EPARAM;
	if (avg == 1) {
		if (!scale_ok(p[9]) || !scale_ok(p[11]) || !zp_ok(x->dtype, p[10]) || !zp_ok(y->dtype, p[12]))
			return MOTE_KERNEL_EPARAM;
		sx = mote_kernel_bitsf(p[9]), sy = mote_kernel_bitsf(p[11]);
		zx = p[10], zy = p[12];
	}
	int64_t H = x->dims[2], W = x->dims[3], OH = y->dims[2], OW = y->dims[3];
	for (int64_t nc = 0; nc < x->dims[0] * x->dims[1]; nc++)
		for (int64_t oy = 0; oy < OH; oy++)
			for (int64_t ox = 0; ox < OW; ox++) {
				int64_t best = INT64_MIN, cnt = 0, cnt_pad = 0, raw = 0;
				uint32_t sum = 0; /* int32 wrapping, as the accelerator sums */
				for (int64_t ky = 0; ky < g.kh; ky++)
					for (int64_t kx = 0; kx < g.kw; kx++) {
						int64_t iy = oy * g.sh - g.pt + ky * g.dh, ix = ox * g.sw - g.pl + kx * g.dw;
						/* count_include_pad counts pads, not the ceil_mode overhang */
						if (iy < H + p[6] && ix < W + p[7])
							cnt_pad++;
						if (iy < 0 || iy >= H || ix < 0 || ix >= W)
							continue;
						int32_t v = q_get(x, (nc * H + iy) * W + ix);
						best = v > best ? v : best;
						sum += (uint32_t)(v - zx);
						raw += v; /* |raw| < 2^8 * 2^24: no overflow */
						cnt++;
					}
				int64_t o = (nc * OH + oy) * OW + ox;
				if (!avg)
					q_put(y, o, cnt ? (double)best : 0.0, INT32_MIN);
				else if (avg == 2) /* TFLite refuses a window without a pixel: give the low clamp */
					q_put(y, o, (double)(cnt ? tfl_mean(raw, cnt, p[8], p[9]) : p[8]), INT32_MIN);
				else {
					int64_t n = p[8] ? cnt_pad : cnt, q = 0;
					if (n && avgpool_requant((int32_t)sum, n, sx, sy, &q))
						return MOTE_KERNEL_EPARAM;
					q_put(y, o, (double)(q + zy), INT32_MIN);
				}
			}
	return 0;
}

int mote_kernel_add_mults(float sa, float sb, float sy, struct mote_add_mults *m)
{
	if (!m || !(isfinite(sa) && sa > 0) || !(isfinite(sb) && sb > 0) || !(isfinite(sy) && sy > 0))
		return MOTE_KERNEL_EPARAM;
	double ra = (double)sa / sy, rb = (double)sb / sy, rmax = ra > rb ? ra : rb;
	/* ldexp is exact and nearbyint rounds half to even (the default mode);
	 * round(rmax * 2^s) only grows with s, so the first fit from the top wins */
	for (int s = 63; s >= 0; s--)
		if (nearbyint(ldexp(rmax, s)) <= 65535.0) {
			m->mult_a = (uint32_t)nearbyint(ldexp(ra, s));
			m->mult_b = (uint32_t)nearbyint(ldexp(rb, s));
			m->shift = (uint32_t)s;
			return 0;
		}
	return MOTE_KERNEL_EPARAM;
}

int64_t mote_kernel_add_sum(int32_t da, int32_t db, const struct mote_add_mults *m)
{
	int64_t z = (int64_t)da * m->mult_a + (int64_t)db * m->mult_b; /* |z| < 2^35 */
	unsigned s = m->shift & 63u;
	if (s == 0)
		return z;
	/* floor without shifting a negative value, then the remainder against one half */
	int64_t f = z >= 0 ? z >> s : -((-z - 1) >> s) - 1;
	uint64_t rem = (uint64_t)z - ((uint64_t)f << s), half = (uint64_t)1 << (s - 1);
	return f + (rem > half || (rem == half && (f & 1)));
}

static int add(const int32_t *p, const struct mote_ktensor *a, const struct mote_ktensor *b, struct mote_ktensor *y)
{
	if (!is_q8(a->dtype) || !is_q8(b->dtype) || !is_q8(y->dtype))
		return MOTE_KERNEL_ETYPE;
	if (numel(a) != numel(y) || numel(b) != numel(y))
		return MOTE_KERNEL_ESHAPE;
	struct mote_add_mults m;
	if (!zp_ok(a->dtype, p[1]) || !zp_ok(b->dtype, p[3]) || !zp_ok(y->dtype, p[5]) ||
	    mote_kernel_add_mults(mote_kernel_bitsf(p[0]), mote_kernel_bitsf(p[2]), mote_kernel_bitsf(p[4]), &m))
		return MOTE_KERNEL_EPARAM;
	/* the sum is an integer: q_put's rounding leaves it as it is and only saturates */
	for (int64_t i = 0, n = numel(y); i < n; i++)
		q_put(y, i, (double)(mote_kernel_add_sum(q_get(a, i) - p[1], q_get(b, i) - p[3], &m) + p[5]),
		      p[6] ? p[5] : INT32_MIN);
	return 0;
}

static int add_tfl(const int32_t *p, const struct mote_ktensor *a, const struct mote_ktensor *b,
		   struct mote_ktensor *y)
{
	if (!is_q8(a->dtype) || !is_q8(b->dtype) || !is_q8(y->dtype))
		return MOTE_KERNEL_ETYPE;
	if (numel(a) != numel(y) || numel(b) != numel(y))
		return MOTE_KERNEL_ESHAPE;
	struct mote_tfl_add m;
	if (!zp_ok(a->dtype, p[1]) || !zp_ok(b->dtype, p[3]) || !zp_ok(y->dtype, p[5]) || !zp_ok(y->dtype, p[6]) ||
	    !zp_ok(y->dtype, p[7]) || p[6] > p[7] ||
	    mote_kernel_tfl_add_params(mote_kernel_bitsf(p[0]), mote_kernel_bitsf(p[2]), mote_kernel_bitsf(p[4]), &m))
		return MOTE_KERNEL_EPARAM;
	for (int64_t i = 0, n = numel(y); i < n; i++) {
		int64_t v = (int64_t)mote_kernel_tfl_add_sum(q_get(a, i) - p[1], q_get(b, i) - p[3], &m) + p[5];
		q_put(y, i, (double)(v < p[6] ? p[6] : v > p[7] ? p[7] : v), INT32_MIN);
	}
	return 0;
}

static int requant_tfl(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	if (!is_q8(x->dtype) || !is_q8(y->dtype))
		return MOTE_KERNEL_ETYPE;
	if (numel(x) != numel(y))
		return MOTE_KERNEL_ESHAPE;
	int32_t m, sh;
	if (!scale_ok(p[0]) || !scale_ok(p[2]) || !zp_ok(x->dtype, p[1]) || !zp_ok(y->dtype, p[3]) ||
	    mote_kernel_tfl_multiplier((double)mote_kernel_bitsf(p[0]) / (double)mote_kernel_bitsf(p[2]), &m, &sh))
		return MOTE_KERNEL_EPARAM;
	for (int64_t i = 0, n = numel(y); i < n; i++)
		q_put(y, i, (double)((int64_t)mote_kernel_tfl_requant(q_get(x, i) - p[1], m, sh) + p[3]), INT32_MIN);
	return 0;
}

static int transpose(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	size_t es = mote_kernel_dtype_size(x->dtype);
	if (!es || y->dtype != x->dtype)
		return MOTE_KERNEL_ETYPE;
	if (x->rank != y->rank || x->rank == 0)
		return MOTE_KERNEL_ESHAPE;
	uint32_t r = x->rank, seen = 0;
	for (uint32_t i = 0; i < r; i++) {
		if (p[i] < 0 || (uint32_t)p[i] >= r || (seen >> p[i] & 1))
			return MOTE_KERNEL_EPARAM;
		seen |= 1u << p[i];
		if (y->dims[i] != x->dims[p[i]])
			return MOTE_KERNEL_ESHAPE;
	}
	int64_t xstride[MOTE_KERNEL_MAX_RANK], idx[MOTE_KERNEL_MAX_RANK] = {0};
	xstride[r - 1] = 1;
	for (uint32_t i = r - 1; i > 0; i--)
		xstride[i - 1] = xstride[i] * x->dims[i];
	const uint8_t *xs = x->data;
	uint8_t *ys = y->data;
	for (int64_t o = 0, n = numel(y); o < n; o++) {
		int64_t src = 0;
		for (uint32_t i = 0; i < r; i++)
			src += idx[i] * xstride[p[i]];
		memcpy(ys + (size_t)o * es, xs + (size_t)src * es, es);
		for (uint32_t i = r; i-- > 0;) { /* next output index, last dimension fastest */
			if (++idx[i] < y->dims[i])
				break;
			idx[i] = 0;
		}
	}
	return 0;
}

static int concat(const int32_t *p, const struct mote_ktensor *in, unsigned n_in, struct mote_ktensor *y)
{
	size_t es = mote_kernel_dtype_size(y->dtype);
	if (!es)
		return MOTE_KERNEL_ETYPE;
	if (p[0] < 0 || (uint32_t)p[0] >= y->rank)
		return MOTE_KERNEL_EPARAM;
	uint32_t ax = (uint32_t)p[0];
	int64_t total = 0;
	for (unsigned k = 0; k < n_in; k++) {
		if (in[k].dtype != y->dtype)
			return MOTE_KERNEL_ETYPE;
		if (in[k].rank != y->rank)
			return MOTE_KERNEL_ESHAPE;
		for (uint32_t i = 0; i < y->rank; i++)
			if (i != ax && in[k].dims[i] != y->dims[i])
				return MOTE_KERNEL_ESHAPE;
		total += in[k].dims[ax];
	}
	if (total != y->dims[ax])
		return MOTE_KERNEL_ESHAPE;
	int64_t outer = 1, inner = 1;
	for (uint32_t i = 0; i < ax; i++)
		outer *= y->dims[i];
	for (uint32_t i = ax + 1; i < y->rank; i++)
		inner *= y->dims[i];
	uint8_t *ys = y->data;
	size_t row = (size_t)(y->dims[ax] * inner) * es, off = 0;
	for (unsigned k = 0; k < n_in; k++) {
		size_t part = (size_t)(in[k].dims[ax] * inner) * es;
		for (int64_t o = 0; o < outer; o++)
			memcpy(ys + (size_t)o * row + off, (const uint8_t *)in[k].data + (size_t)o * part, part);
		off += part;
	}
	return 0;
}

static int stack_rows(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y)
{
	if (!is_q8(x->dtype) || y->dtype != x->dtype)
		return MOTE_KERNEL_ETYPE;
	/* p5 = 0 (rows only): the x stride, dilation and padding of the identity */
	int32_t q[9] = {p[0], p[1], p[2], p[3], p[4], p[5] ? p[5] : 1, p[5] ? p[6] : 1, p[5] ? p[7] : 1,
			p[5] ? p[8] : 0};
	for (int i = 0; i < 9; i++)
		if (i != 4 && (q[i] < (i == 3 || i == 8 ? 0 : 1) || q[i] > 4096))
			return MOTE_KERNEL_EPARAM;
	if (p[5] < 0 || !zp_ok(x->dtype, p[4]))
		return MOTE_KERNEL_EPARAM;
	int64_t k = q[0], s = q[1], d = q[2], pt = q[3], kw = q[5], sw = q[6], dw = q[7], pl = q[8];
	if (x->rank != 4 || y->rank != 4 || y->dims[0] != x->dims[0] || y->dims[1] != k * kw * x->dims[1] ||
	    (!p[5] && y->dims[3] != x->dims[3]))
		return MOTE_KERNEL_ESHAPE;
	int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3], OH = y->dims[2], OW = y->dims[3];
	const uint8_t *xs = x->data;
	uint8_t *ys = y->data;
	for (int64_t n = 0; n < N; n++)
		for (int64_t ky = 0; ky < k; ky++)
			for (int64_t kx = 0; kx < kw; kx++)
				for (int64_t c = 0; c < C; c++)
					for (int64_t oy = 0; oy < OH; oy++) {
						int64_t iy = oy * s + ky * d - pt;
						uint8_t *row = ys + ((((n * k + ky) * kw + kx) * C + c) * OH + oy) * OW;
						if (iy < 0 || iy >= H) {
							memset(row, p[4] & 0xff, (size_t)OW);
							continue;
						}
						const uint8_t *src = xs + ((n * C + c) * H + iy) * W;
						if (!p[5]) {
							memcpy(row, src, (size_t)W);
						} else {
							for (int64_t ox = 0; ox < OW; ox++) {
								int64_t ix = ox * sw + kx * dw - pl;
								row[ox] = ix < 0 || ix >= W ? (uint8_t)p[4] : src[ix];
							}
						}
					}
	return 0;
}

/* y[k] = table[byte of x[k]] (MOTE_KOP_LUT). */
static int lut(const struct mote_ktensor *x, const struct mote_ktensor *tab, struct mote_ktensor *y)
{
	if (!is_q8(x->dtype) || !is_q8(y->dtype) || tab->dtype != y->dtype)
		return MOTE_KERNEL_ETYPE;
	if (numel(tab) != 256 || numel(x) != numel(y))
		return MOTE_KERNEL_ESHAPE;
	const uint8_t *xs = x->data, *t = tab->data;
	uint8_t *ys = y->data;
	for (int64_t k = 0; k < numel(x); k++)
		ys[k] = t[xs[k]];
	return 0;
}

int mote_kernel_run(uint32_t op, const int32_t params[MOTE_KERNEL_NPARAMS], const struct mote_ktensor *in,
		    unsigned n_in, struct mote_ktensor *out, unsigned n_out)
{
	if (!params || !in || !out || n_out != 1 || n_in < 1 || n_in > 4)
		return MOTE_KERNEL_EPARAM;
	for (unsigned k = 0; k < n_in; k++)
		if (!valid(&in[k]))
			return MOTE_KERNEL_ESHAPE;
	if (!valid(out))
		return MOTE_KERNEL_ESHAPE;
	unsigned want = op == MOTE_KOP_ADD || op == MOTE_KOP_ADD_TFL || op == MOTE_KOP_LUT ? 2 : op == MOTE_KOP_CONCAT ? n_in :
			op == MOTE_KOP_CONV ? 4 : 1;
	if (n_in != want)
		return MOTE_KERNEL_EPARAM;
	switch (op) {
	case MOTE_KOP_QUANTIZE: return quantize(params, in, out);
	case MOTE_KOP_DEQUANTIZE: return dequantize(params, in, out);
	case MOTE_KOP_SOFTMAX: return softmax(params, in, out);
	case MOTE_KOP_MAXPOOL: return pool(params, 0, in, out);
	case MOTE_KOP_AVGPOOL: return pool(params, 1, in, out);
	case MOTE_KOP_ADD: return add(params, &in[0], &in[1], out);
	case MOTE_KOP_COPY:
		if (!mote_kernel_dtype_size(in->dtype) || in->dtype != out->dtype)
			return MOTE_KERNEL_ETYPE;
		if (numel(in) != numel(out))
			return MOTE_KERNEL_ESHAPE;
		memmove(out->data, in->data, (size_t)numel(in) * mote_kernel_dtype_size(in->dtype));
		return 0;
	case MOTE_KOP_TRANSPOSE: return transpose(params, in, out);
	case MOTE_KOP_CONCAT: return concat(params, in, n_in, out);
	case MOTE_KOP_STACK_ROWS: return stack_rows(params, in, out);
	case MOTE_KOP_ADD_TFL: return add_tfl(params, &in[0], &in[1], out);
	case MOTE_KOP_AVGPOOL_TFL: return pool(params, 2, in, out);
	case MOTE_KOP_REQUANT_TFL: return requant_tfl(params, in, out);
	case MOTE_KOP_CONV: return mote__kernel_conv(params, in, out);
	case MOTE_KOP_LUT: return lut(&in[0], &in[1], out);
	case MOTE_KOP_SOFTMAX_TFL: return mote__kernel_softmax_tfl(params, in, out);
	default: return MOTE_KERNEL_EOP;
	}
}
