/* lower_pool.c: pooling nodes onto the accelerator (see lower.h).
 *
 * The node's host description (host_op_of: kernel, strides, pads, output
 * shape with ceil_mode, scales) is the starting point, so the device and the
 * host kernel agree on every parameter:
 *   - MaxPool: mote_cc_conv with pool = MAX (identity weights, MATMUL
 *     ACC_MAX), no requantization (mult 2^30, shift 30 is exact);
 *   - QLinearAveragePool (and the global form): the depthwise convolution
 *     with all-ones weights, in_zp = zx (the builder folds -n*zx into the
 *     bias), and (mult, shift) for sx / (n*sy), exactly the host AVGPOOL
 *     kernel's formula.  Only when n, the divisor, is the same for every
 *     output: no padding touched, or count_include_pad with no ceil_mode
 *     overhang.
 * Anything else (batch > 1, a window with no input element, an n that varies)
 * is MOTE_CC_ENOTSUP: the node stays on the host.
 */
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* Along one axis: the count of taps each output's window has (inside the
 * input, or inside input + trailing pad with include_pad, as the host kernel
 * counts), if it is the same for every output (else -1); *min_real the
 * fewest taps inside the input any window has. */
static int64_t axis_count(int64_t in, int64_t k, int64_t s, int64_t pa, int64_t pb, int64_t d, int64_t out,
			  int include_pad, int64_t *min_real)
{
	int64_t n = -1;
	int uniform = 1;
	*min_real = k;
	for (int64_t o = 0; o < out; o++) {
		int64_t real = 0, counted = 0;
		for (int64_t t = 0; t < k; t++) {
			int64_t i = o * s - pa + t * d;
			real += i >= 0 && i < in;
			counted += i < in + pb;
		}
		int64_t c = include_pad ? counted : real;
		uniform &= n < 0 || c == n;
		n = c;
		*min_real = real < *min_real ? real : *min_real;
	}
	return uniform ? n : -1;
}

/* Trailing pad giving `out` outputs (ceil_mode adds an overhang). */
static uint32_t trailing_pad(int64_t in, int64_t k, int64_t s, int64_t pa, int64_t pb, int64_t d, int64_t out)
{
	int64_t need = (out - 1) * s + d * (k - 1) + 1 - in - pa;
	return (uint32_t)(need > pb ? need : pb);
}

int lower_pool(const struct ir_graph *g, const struct ir_node *n, const struct host_op *h, struct lowered *L,
	       struct mote_cc_diag *diag)
{
	memset(L, 0, sizeof *L);
	const struct ir_tensor *x = &g->t[n->in[0]];
	const int32_t *p = h->params;
	int avg = h->op == MOTE_KOP_AVGPOOL;
	if (h->op != MOTE_KOP_MAXPOOL && !avg)
		return cc_fail(diag, MOTE_CC_EINTERNAL, "node '%s' (%s): not a pooling", n->name, n->op);
	if (x->dims[0] != 1)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): batch %lld", n->name, n->op,
			       (long long)x->dims[0]);
	if (x->dims[1] > 65535 || x->dims[2] > 65535 || x->dims[3] > 65535)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): dimension above 65535", n->name, n->op);
	int64_t C = x->dims[1], H = x->dims[2], W = x->dims[3], OH = h->out_dims[2], OW = h->out_dims[3];
	int64_t dh = avg ? 1 : p[8], dw = avg ? 1 : p[9], min_h, min_w;
	int64_t nh = axis_count(H, p[0], p[2], p[4], p[6], dh, OH, avg && p[8], &min_h);
	int64_t nw = axis_count(W, p[1], p[3], p[5], p[7], dw, OW, avg && p[8], &min_w);
	if (min_h < 1 || min_w < 1)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): a window holds no input element", n->name, n->op);
	if (avg && (nh < 0 || nw < 0))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): the divisor differs between windows (padding)",
			       n->name, n->op);
	struct mote_cc_conv *cv = &L->conv;
	int32_t ydt = avg ? h->out_dtype : x->dtype;
	*cv = (struct mote_cc_conv){
		.in_h = (uint32_t)H, .in_w = (uint32_t)W, .in_c = (uint32_t)C, .out_c = (uint32_t)C, .groups = (uint32_t)C,
		.k_h = (uint32_t)p[0], .k_w = (uint32_t)p[1], .stride_h = (uint32_t)p[2], .stride_w = (uint32_t)p[3],
		.dil_h = (uint32_t)dh, .dil_w = (uint32_t)dw, .pad_top = (uint32_t)p[4], .pad_left = (uint32_t)p[5],
		.pad_bottom = trailing_pad(H, p[0], p[2], p[4], p[6], dh, OH),
		.pad_right = trailing_pad(W, p[1], p[3], p[5], p[7], dw, OW),
		.in_type = x->dtype == IR_UINT8 ? MOTE_CC_UINT8 : MOTE_CC_INT8,
		.out_type = ydt == IR_UINT8 ? MOTE_CC_UINT8 : MOTE_CC_INT8,
		.clamp_lo = ydt == IR_UINT8 ? 0 : -128, .clamp_hi = ydt == IR_UINT8 ? 255 : 127,
		.pool = avg ? MOTE_CC_POOL_NONE : MOTE_CC_POOL_MAX,
	};
	size_t nweights = avg ? (size_t)p[0] * (size_t)p[1] * (size_t)C : 0;
	L->weights = malloc(nweights ? nweights : 1);
	L->bias = calloc((size_t)C, sizeof *L->bias);
	L->mult = calloc((size_t)C, sizeof *L->mult);
	L->shift = calloc((size_t)C, sizeof *L->shift);
	if (!L->weights || !L->bias || !L->mult || !L->shift) {
		lower_free(L);
		return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s' (%s): out of memory", n->name, n->op);
	}
	memset(L->weights, 1, nweights);
	int32_t mult = 1 << 30, shift = 30; /* max pooling: the identity */
	if (avg) {
		cv->in_zp = p[10];
		cv->out_zp = p[12];
		double s = (double)mote_kernel_bitsf(p[9]) / ((double)(nh * nw) * (double)mote_kernel_bitsf(p[11]));
		if (mote_kernel_quantize_scale(s, &mult, &shift)) {
			lower_free(L);
			return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (%s): scale %g out of range", n->name, n->op, s);
		}
	}
	for (int64_t c = 0; c < C; c++)
		L->mult[c] = mult, L->shift[c] = shift;
	cv->weights = L->weights, cv->bias = L->bias, cv->mult = L->mult, cv->shift = L->shift;
	uint32_t oh, ow;
	int rc = mote_cc_conv_check(cv, &oh, &ow, diag);
	if (!rc && (oh != OH || ow != OW))
		rc = cc_fail(diag, MOTE_CC_EINTERNAL, "node '%s' (%s): output %ux%u, the host's %lldx%lld", n->name,
			     n->op, oh, ow, (long long)OH, (long long)OW);
	if (rc) {
		lower_free(L);
		return rc;
	}
	L->jobs = 1;
	L->x = n->in[0];
	L->y = n->out[0];
	L->in_bytes = (size_t)H * W * C;
	L->out_bytes = (size_t)OH * OW * C;
	L->out_elem = 1;
	L->y_dtype = ydt;
	L->y_rank = 4;
	memcpy(L->y_dims, h->out_dims, sizeof L->y_dims);
	return 0;
}
