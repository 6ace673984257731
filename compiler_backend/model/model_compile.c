/* model_compile.c: an ONNX model to a .mote file (format: mote_model_format.h).
 *
 *  1. model_prepare: import, fold, shapes.
 *  2. Placement, node by node in graph order: the integer convolutions and
 *     matrix products with constant weights go to the accelerator (lower.c);
 *     so do max and average pooling where the target and the shape allow
 *     (lower_pool.c), else they stay host kernels; everything else must have
 *     a host kernel (host_ops.c) or the model is refused with the node named.
 *     Then a quantized Add whose operand comes from a device step that
 *     nothing else reads, the other operand being ready before that step, is
 *     fused into that step's STOREs (STORE ADD, with FEATURES.STORE_ADD): the
 *     step writes the sum, and the operand it would have written no longer
 *     exists on the device.
 *  3. Tensors: every non-constant tensor a step touches gets a record; those
 *     a device step reads or writes get an arena range.  Ranges are given
 *     greedily, largest first, at the lowest offset free for the tensor's
 *     whole lifetime (first step writing it to last step reading it; model
 *     inputs from the start, outputs to the end).
 *  4. Emission: each device step is planned, then emitted at virtual
 *     addresses (constant segment at CONST_VBASE, arena at ARENA_VBASE); the
 *     address fields of its LOAD and STORE commands then become segment
 *     offsets with a relocation each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/host_ops.h"
#include "lower/lower.h"
#include "model.h"
#include "core/sparse.h"
#include "mote/mote_hw.h"
#include "mote/mote_model_format.h"
#include "tile/tiler.h"

#define CONST_VBASE 0x10000000u
#define ARENA_VBASE 0x80000000u
#define ALIGN64(x) (((x) + 63u) & ~(size_t)63u)

struct step {
	const struct ir_node *n;
	int device;
	int fused;            /* a host Add now done by a device step's STOREs: dropped */
	struct lowered L;
	/* device step with a fused Add: its operand and output tensors (else -1),
	 * the Add node and the sum's quantization */
	int32_t res_in, res_out;
	const struct ir_node *add;
	float res_scale;
	int32_t res_zp;
	struct mote_cc_plan plan;
	struct host_op h;
	/* 2:4: the dense tiling's ideal cycles when the step runs sparse (else
	 * 0), or why a device convolution runs dense although sparsity is on */
	uint64_t dense_ideal;
	const char *dense_why;
	uint32_t cmd_first;
	size_t cmd_off;      /* byte offset of command cmd_first in the packed stream */
	size_t w_off, b_off; /* in the constant blob */
};

struct ftensor {
	int32_t ir;           /* IR tensor index */
	uint32_t flags;
	long first, last;     /* lifetime in steps */
	size_t bytes, off;
	float scale;
	int32_t zp;
};

struct compile {
	const struct mote_geometry *geo;
	struct ir_graph g;
	struct step *s;
	size_t ns;
	struct ftensor *t;
	size_t nt;
	int32_t *ir2f;        /* IR tensor -> file tensor, -1 */
	size_t arena_bytes, blob_bytes;
	uint32_t n_cmds;
	size_t cmd_bytes;     /* the packed stream */
	mote_cc_report_fn report;
	void *ctx;
	uint32_t byte_cost;   /* the tiling's price of a command byte (see cc_plan_conv_cost) */
	enum mote_cc_sparsity sparsity;
	void (*progress)(void *ctx, const char *stage, unsigned done, unsigned total);
	void *progress_ctx;
};

static void progress(const struct compile *c, const char *stage, size_t done, size_t total)
{
	if (c->progress)
		c->progress(c->progress_ctx, stage, (unsigned)done, (unsigned)total);
}

static void say(struct compile *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct compile *c, const char *fmt, ...)
{
	if (!c->report)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	c->report(c->ctx, line);
}

static int is_device_op(const char *op)
{
	return !strcmp(op, "QLinearConv") || !strcmp(op, "ConvInteger") || !strcmp(op, "QLinearMatMul") ||
	       !strcmp(op, "MatMulInteger");
}

/* ---- placement ------------------------------------------------------------------ */

/* A pooling host step moves to the device when it lowers and plans there;
 * otherwise it stays on the host and the report says why. */
static void try_pool_on_device(struct compile *c, struct step *s)
{
	if (s->h.op != MOTE_KOP_MAXPOOL && s->h.op != MOTE_KOP_AVGPOOL)
		return;
	struct mote_cc_diag d = {{0}};
	int rc = lower_pool(&c->g, s->n, &s->h, &s->L, &d);
	if (!rc && (rc = cc_plan_conv_cost(c->geo, &s->L.conv, c->byte_cost, &s->plan, &d)))
		lower_free(&s->L);
	if (rc)
		say(c, "  host: node '%s' (%s): %s", s->n->name, s->n->op, d.msg);
	else
		s->device = 1;
}

/* An IR tensor holding a constant operand of a host step: name, type,
 * shape, and its bytes (copied).  Returns the index or a negative status. */
static int32_t host_const(struct compile *c, const char *node, const char *what, int32_t dtype, uint32_t rank,
			  const int64_t *dims, const void *data, size_t bytes, struct mote_cc_diag *diag)
{
	char name[256];
	snprintf(name, sizeof name, "%s::%s", node, what);
	void *copy = malloc(bytes ? bytes : 1);
	if (!copy)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	memcpy(copy, data, bytes);
	/* ir_add_tensor may move the tensor table: the MatMul steps' pointers into it follow */
	const struct ir_tensor *base = c->g.t;
	int32_t t = ir_add_tensor(&c->g, name, diag);
	if (t < 0) {
		free(copy);
		return t;
	}
	for (size_t i = 0; i < c->ns; i++)
		if (c->s[i].device && c->s[i].L.b_src)
			c->s[i].L.b_src = c->g.t + (c->s[i].L.b_src - base);
	struct ir_tensor *x = &c->g.t[t];
	x->dtype = dtype;
	x->rank = rank;
	for (uint32_t k = 0; k < rank; k++)
		x->dims[k] = dims[k];
	x->data = copy;
	x->nbytes = bytes;
	x->is_derived = x->is_host_const = 1;
	return t;
}

/* A convolution the device cannot take (a grouped one without DEPTHWISE, or
 * outside its limits) as the host kernel MOTE_KOP_CONV, with the same
 * arithmetic: its weights, bias and multipliers become constant tensors of
 * the file (HOST_CONST).  0, or ENOTSUP with why (the node then has no place). */
static int conv_on_host(struct compile *c, struct step *s, struct mote_cc_diag *d)
{
	const struct mote_cc_conv *cv = &s->L.conv;
	uint32_t G = cc_groups(cv), cig = cv->in_c / G, O = cv->out_c;
	if (cv->out_type == MOTE_CC_INT32 || cv->pool != MOTE_CC_POOL_NONE || cv->add.on || s->L.is_matmul ||
	    s->L.jobs != 1 || s->L.y_rank != 4)
		return cc_fail(d, MOTE_CC_ENOTSUP, "node '%s' (%s): no host kernel for this convolution either",
			       s->n->name, s->n->op);
	int32_t *bm = calloc(3 * (size_t)O, sizeof *bm); /* bias, then mult and shift */
	if (!bm)
		return cc_fail(d, MOTE_CC_ENOMEM, "out of memory");
	for (uint32_t o = 0; o < O; o++) {
		bm[o] = cv->bias ? cv->bias[o] : 0;
		bm[O + o] = cv->mult[o];
		bm[2 * O + o] = cv->shift[o];
	}
	int64_t wd[4] = {cv->k_h, cv->k_w, cig, O}, bd[1] = {O}, md[2] = {2, O};
	int32_t wt = cv->w_type == MOTE_CC_UINT8 ? IR_UINT8 : IR_INT8;
	int32_t w = host_const(c, s->n->name, "weights", wt, 4, wd, cv->weights, (size_t)cv->k_h * cv->k_w * cig * O, d);
	int32_t b = w < 0 ? w : host_const(c, s->n->name, "bias", IR_INT32, 1, bd, bm, 4u * (size_t)O, d);
	int32_t m = b < 0 ? b : host_const(c, s->n->name, "mult_shift", IR_INT32, 2, md, bm + O, 8u * (size_t)O, d);
	free(bm);
	if (m < 0)
		return m;
	struct host_op *h = &s->h;
	memset(h, 0, sizeof *h);
	h->op = MOTE_KOP_CONV;
	int32_t p[] = {(int32_t)cv->stride_h, (int32_t)cv->stride_w, (int32_t)cv->pad_top, (int32_t)cv->pad_left,
		       (int32_t)cv->pad_bottom, (int32_t)cv->pad_right, (int32_t)cv->dil_h, (int32_t)cv->dil_w,
		       (int32_t)G, cv->in_zp, cv->w_zp, cv->out_zp, cv->clamp_lo, cv->clamp_hi, cv->round_tfl != 0};
	memcpy(h->params, p, sizeof p);
	h->n_data = 4;
	h->data[0] = s->L.x;
	h->data[1] = w;
	h->data[2] = b;
	h->data[3] = m;
	h->out_dtype = s->L.y_dtype;
	h->out_rank = s->L.y_rank;
	memcpy(h->out_dims, s->L.y_dims, sizeof h->out_dims);
	const struct ir_node *n = s->n;
	if (n->op[0] == 'Q' && n->n_in > 7 && c->g.t[n->in[6]].data && c->g.t[n->in[6]].dtype == IR_FLOAT)
		memcpy(&h->out_scale, c->g.t[n->in[6]].data, sizeof h->out_scale);
	h->out_zp = cv->out_zp;
	lower_free(&s->L);
	s->device = 0;
	return 0;
}

/* The device step s, planned dense, runs sparse if c->sparsity lets it and
 * its weights are 2:4 (see mote_cc_compile_opts): s->plan becomes the
 * sparse tiling's.  0, or the error --sparsity 2:4 makes of a layer that
 * cannot run sparse. */
static int choose_sparse(struct compile *c, struct step *s, struct mote_cc_diag *d)
{
	struct mote_cc_conv *cv = &s->L.conv;
	int strict = c->sparsity == MOTE_CC_SPARSITY_S24;
	if (c->sparsity == MOTE_CC_SPARSITY_DENSE)
		return 0;
	if (!cc_sparse_target(c->geo)) { /* (2:4 was refused before) */
		s->dense_why = c->geo->rows % 4 ? "array rows not a multiple of 4" : "the target has no SPARSE feature";
		return 0;
	}
	if ((s->dense_why = cc_sparse_unfit(cv)) != NULL)
		return 0;
	struct mote_cc_diag sd = {{0}};
	if (mote_cc_sparse_check(cv, &sd)) {
		s->dense_why = "weights not 2:4";
		return strict ? cc_fail(d, MOTE_CC_EINVAL, "node '%s' (%s): 2:4 sparsity: %s", s->n->name, s->n->op,
					sd.msg)
			      : 0;
	}
	struct mote_cc_plan sp;
	cv->sparse = 1;
	int rc = cc_plan_conv_cost(c->geo, cv, c->byte_cost, &sp, &sd);
	if (rc) {
		cv->sparse = 0;
		s->dense_why = "no sparse tiling";
		return strict ? cc_fail(d, rc, "node '%s' (%s): 2:4 sparsity: no sparse tiling: %s", s->n->name,
					s->n->op, sd.msg)
			      : 0;
	}
	/* fewer rows streamed, or as many and fewer weight bytes (2:4 never
	 * streams more, but a layer with one reduction tile may gain nothing) */
	if (!strict && (sp.rows_streamed > s->plan.rows_streamed ||
			(sp.rows_streamed == s->plan.rows_streamed && sp.weight_bytes >= s->plan.weight_bytes))) {
		cv->sparse = 0;
		s->dense_why = "no gain";
		return 0;
	}
	s->dense_ideal = s->plan.rows_streamed;
	s->plan = sp;
	return 0;
}

static int place(struct compile *c, struct mote_cc_diag *diag)
{
	c->s = calloc(c->g.nn ? c->g.nn : 1, sizeof *c->s);
	if (!c->s)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	int first_rc = 0, first_unknown = 0;
	char first_msg[sizeof diag->msg] = "";
	unsigned bad = 0;
	for (size_t i = 0; i < c->g.nn; i++) {
		progress(c, "planning", i, c->g.nn);
		struct step *s = &c->s[c->ns++];
		s->n = &c->g.n[i];
		s->res_in = s->res_out = -1;
		struct mote_cc_diag d = {{0}};
		int rc;
		if (is_device_op(s->n->op)) {
			s->device = 1;
			rc = lower_node(&c->g, s->n, &s->L, &d);
			if (!rc && s->L.jobs != 1)
				rc = cc_fail(&d, MOTE_CC_ENOTSUP, "node '%s' (%s): batch %u (a model runs one item at a time)",
					     s->n->name, s->n->op, s->L.jobs);
			if (!rc && (rc = cc_plan_conv_cost(c->geo, &s->L.conv, c->byte_cost, &s->plan, &d))) {
				char why[sizeof d.msg]; /* the planner's reason, with the node it is about */
				memcpy(why, d.msg, sizeof why);
				cc_fail(&d, rc, "node '%s' (%s): %s", s->n->name, s->n->op, why);
				if (rc == MOTE_CC_ENOTSUP && cc_groups(&s->L.conv) > 1) {
					struct mote_cc_diag hd = {{0}};
					if (!(rc = conv_on_host(c, s, &hd)))
						say(c, "  host: %s", d.msg);
					else {
						char first[sizeof d.msg];
						memcpy(first, d.msg, sizeof first);
						cc_fail(&d, rc, "%s; %s", first, hd.msg);
					}
				}
			} else if (!rc) {
				rc = choose_sparse(c, s, &d);
			}
		} else {
			rc = host_op_of(&c->g, s->n, &s->h, &d);
			if (!rc)
				try_pool_on_device(c, s);
		}
		if (rc) {
			say(c, "  unsupported: %s", d.msg);
			/* an operator mote knows nothing of is the cause to name first:
			 * the float neighbours it keeps from folding only follow from it */
			int unknown = host_op_unknown(s->n->op);
			if (!bad++ || (unknown && !first_unknown)) {
				first_rc = rc;
				first_unknown = unknown;
				memcpy(first_msg, d.msg, sizeof first_msg);
			}
		}
	}
	if (bad)
		return cc_fail(diag, first_rc, "%s%s", first_msg, bad > 1 ? " (and more: see the report)" : "");
	return 0;
}

/* ---- tensors and the arena ---------------------------------------------------------- */

static int32_t step_in(const struct step *s, uint32_t k)
{
	if (s->device)
		return k == 0 ? s->L.x : k == 1 ? s->res_in : -1;
	return k < s->h.n_data ? s->h.data[k] : -1;
}

static int32_t step_out(const struct step *s)
{
	return s->device ? (s->res_out >= 0 ? s->res_out : s->L.y) : s->n->out[0];
}

/* ---- fused adds --------------------------------------------------------------------- */

/* The step writing tensor t, or -1 (a graph input or a constant). */
static long producer(const struct compile *c, int32_t t)
{
	for (size_t i = 0; i < c->ns; i++)
		if (!c->s[i].fused && step_out(&c->s[i]) == t)
			return (long)i;
	return -1;
}

/* Steps reading tensor t (a graph output counts as one more). */
static unsigned readers(const struct compile *c, int32_t t)
{
	unsigned n = c->g.t[t].is_output ? 1 : 0;
	for (size_t i = 0; i < c->ns; i++)
		for (uint32_t k = 0; !c->s[i].fused && step_in(&c->s[i], k) >= 0; k++)
			n += step_in(&c->s[i], k) == t;
	return n;
}

/* Can operand k of the Add step a be fused into the device step writing it?
 * Then the fields of the STORE ADD, in *ad; returns the producer's index or -1. */
static long fusable(const struct compile *c, const struct step *a, unsigned k, struct mote_cc_add *ad)
{
	const int32_t *p = a->h.params;
	int32_t t = a->h.data[k], o = a->h.data[1 - k];
	long pi = producer(c, t), po = producer(c, o);
	if (pi < 0 || !c->s[pi].device || c->s[pi].res_out >= 0 || readers(c, t) != 1)
		return -1;
	const struct lowered *L = &c->s[pi].L;
	const struct ir_tensor *ot = &c->g.t[o];
	/* the other operand exists before the producer runs, as a tensor in memory
	 * (a step's output or a graph input: not a constant) */
	if (po >= pi || (po < 0 && !ot->is_input))
		return -1;
	/* the device's y is the stored operand: same type and zero point; the sum
	 * of the same byte type (the clamps are in the output type) */
	int32_t yt = L->y_dtype, st = a->h.out_dtype;
	if ((yt != IR_INT8 && yt != IR_UINT8) || st != yt || (ot->dtype != IR_INT8 && ot->dtype != IR_UINT8) ||
	    L->conv.out_type == MOTE_CC_INT32 || L->conv.out_zp != p[2 * k + 1])
		return -1;
	struct mote_add_mults m;
	if (mote_kernel_add_mults(mote_kernel_bitsf(p[2 * k]), mote_kernel_bitsf(p[2 * (1 - k)]),
				  mote_kernel_bitsf(p[4]), &m))
		return -1;
	int32_t lo = yt == IR_INT8 ? -128 : 0, hi = yt == IR_INT8 ? 127 : 255;
	*ad = (struct mote_cc_add){.on = 1, .type = ot->dtype == IR_UINT8 ? MOTE_CC_UINT8 : MOTE_CC_INT8,
				   .zp = p[2 * (1 - k) + 1], .mult_a = m.mult_a, .mult_b = m.mult_b, .shift = m.shift,
				   .sum_zp = p[5], .lo = p[6] && p[5] > lo ? p[5] : lo, .hi = hi};
	return pi;
}

/* Fuse every Add that can be (into the later producer when both operands
 * qualify), then drop the fused Add steps. */
static void fuse_adds(struct compile *c)
{
	if (!(c->geo->features & MOTE_FEATURES_STORE_ADD_MASK))
		return;
	for (size_t i = 0; i < c->ns; i++) {
		struct step *a = &c->s[i];
		if (a->device || a->h.op != MOTE_KOP_ADD || a->h.n_data != 2)
			continue;
		struct mote_cc_add ad[2];
		long p0 = fusable(c, a, 0, &ad[0]), p1 = fusable(c, a, 1, &ad[1]);
		unsigned k = p1 > p0 ? 1 : 0;
		long pi = k ? p1 : p0;
		if (pi < 0)
			continue;
		struct step *d = &c->s[pi];
		struct mote_cc_add was = d->L.conv.add;
		struct mote_cc_diag dg = {{0}};
		d->L.conv.add = ad[k];
		/* planned again: an ADD STORE is longer in the stream */
		if (cc_plan_conv_cost(c->geo, &d->L.conv, c->byte_cost, &d->plan, &dg)) {
			d->L.conv.add = was;
			continue;
		}
		d->res_in = a->h.data[1 - k];
		d->res_out = a->n->out[0];
		d->add = a->n;
		d->res_scale = a->h.out_scale;
		d->res_zp = a->h.out_zp;
		a->fused = 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < c->ns; i++)
		if (!c->s[i].fused)
			c->s[n++] = c->s[i];
	c->ns = n;
}

static void add_tensor(struct compile *c, int32_t ir, long step, int device, int write)
{
	int32_t f = c->ir2f[ir];
	if (f < 0) {
		f = c->ir2f[ir] = (int32_t)c->nt++;
		struct ftensor *t = &c->t[f];
		const struct ir_tensor *x = &c->g.t[ir];
		*t = (struct ftensor){.ir = ir, .first = x->is_input ? 0 : step, .last = step, .bytes = x->nbytes};
		if (x->is_input)
			t->flags |= MOTE_MF_T_INPUT;
		if (x->is_output)
			t->flags |= MOTE_MF_T_OUTPUT;
		if (x->is_derived)
			t->flags |= MOTE_MF_T_DERIVED;
		if (x->is_host_const) /* bytes in HOST_CONST (write_file); no lifetime in the arena */
			t->flags |= MOTE_MF_T_CONST;
	}
	struct ftensor *t = &c->t[f];
	if (write && !(c->g.t[ir].is_input))
		t->first = step < t->first ? step : t->first;
	t->last = step > t->last ? step : t->last;
	if (c->g.t[ir].is_output)
		t->last = (long)c->ns;
	if (device) {
		t->flags |= MOTE_MF_T_DEVICE;
		if (c->g.t[ir].rank == 4)
			t->flags |= MOTE_MF_T_NHWC;
	}
}

/* Step s's operands as the .mote file can hold them: a data operand is a
 * graph input or an earlier step's output (the file has no constant
 * activations), a constant operand (weights, scales, zero points, shapes) is
 * no graph input (the compiler would bake the zeros it ran on). */
static int check_operands(const struct compile *c, const struct step *s, struct mote_cc_diag *diag)
{
	const struct ir_node *n = s->n;
	for (uint32_t k = 0; k < n->n_in; k++) {
		int32_t ir = n->in[k];
		if (ir < 0)
			continue;
		const struct ir_tensor *x = &c->g.t[ir];
		int data = 0;
		for (uint32_t j = 0; step_in(s, j) >= 0; j++)
			data |= step_in(s, j) == ir;
		if (data && !x->is_input && !x->is_host_const && c->ir2f[ir] < 0)
			return cc_fail(diag, MOTE_CC_ENOTSUP,
				       "node '%s' (%s): input '%s' is a constant the host or device would have to hold as "
				       "an activation (fold it into the model before compiling)",
				       n->name, n->op, x->name);
		if (!data && x->is_input)
			return cc_fail(diag, MOTE_CC_ENOTSUP,
				       "node '%s' (%s): input %u '%s' is a graph input, but the compiler needs its value "
				       "(weights, scale, zero point or shape) as an initializer",
				       n->name, n->op, k, x->name);
	}
	return 0;
}

static int collect_tensors(struct compile *c, struct mote_cc_diag *diag)
{
	c->ir2f = malloc((c->g.nt ? c->g.nt : 1) * sizeof *c->ir2f);
	c->t = calloc(c->g.nt ? c->g.nt : 1, sizeof *c->t);
	if (!c->ir2f || !c->t)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->g.nt; i++)
		c->ir2f[i] = -1;
	unsigned inputs = 0;
	for (size_t i = 0; i < c->ns; i++) {
		const struct step *s = &c->s[i];
		int rc = check_operands(c, s, diag);
		if (rc)
			return rc;
		for (uint32_t k = 0; step_in(s, k) >= 0; k++) {
			inputs += c->g.t[step_in(s, k)].is_input && c->ir2f[step_in(s, k)] < 0;
			add_tensor(c, step_in(s, k), (long)i, s->device, 0);
		}
		add_tensor(c, step_out(s), (long)i, s->device, 1);
	}
	if (!inputs) /* the loader wants one, and a model that reads none computes a constant */
		return cc_fail(diag, MOTE_CC_ENOTSUP, "no step reads a graph input: the model computes a constant");
	for (size_t i = 0; i < c->g.nt; i++)
		if (c->g.t[i].is_output && c->ir2f[i] < 0)
			return cc_fail(diag, MOTE_CC_ENOTSUP, "graph output '%s' is not computed by any step",
				       c->g.t[i].name);
	for (size_t f = 0; f < c->nt; f++) {
		const struct ir_tensor *x = &c->g.t[c->t[f].ir];
		if (x->rank > MOTE_MF_MAX_RANK)
			return cc_fail(diag, MOTE_CC_ENOTSUP, "tensor '%s': rank %u (at most %u)", x->name, x->rank,
				       MOTE_MF_MAX_RANK);
		if ((c->t[f].flags & MOTE_MF_T_NHWC) && x->dims[0] != 1)
			return cc_fail(diag, MOTE_CC_ENOTSUP, "tensor '%s': batch %lld on the device", x->name,
				       (long long)x->dims[0]);
	}
	return 0;
}

/* Quantization of each tensor, from the step that writes it (layout steps
 * and max pooling pass their input's on). */
static void quant_info(struct compile *c)
{
	for (size_t i = 0; i < c->ns; i++) {
		const struct step *s = &c->s[i];
		struct ftensor *y = &c->t[c->ir2f[step_out(s)]];
		if (s->device && s->res_out >= 0) {
			y->scale = s->res_scale;
			y->zp = s->res_zp;
		} else if (s->device && !s->h.op) {
			const struct ir_node *n = s->n;
			if (n->op[0] == 'Q' && n->n_in > 7) {
				const struct ir_tensor *ys = &c->g.t[n->in[6]];
				if (ys->data && ys->dtype == IR_FLOAT)
					memcpy(&y->scale, ys->data, sizeof y->scale);
				y->zp = s->L.conv.out_zp;
			}
		} else if (s->h.out_scale > 0) {
			y->scale = s->h.out_scale;
			y->zp = s->h.out_zp;
		} else if (s->h.op == MOTE_KOP_COPY || s->h.op == MOTE_KOP_MAXPOOL || s->h.op == MOTE_KOP_TRANSPOSE ||
			   s->h.op == MOTE_KOP_STACK_ROWS) {
			const struct ftensor *x = &c->t[c->ir2f[s->h.data[0]]];
			y->scale = x->scale;
			y->zp = x->zp;
		}
	}
}

static int by_size_desc(const void *a, const void *b)
{
	const struct ftensor *const *x = a, *const *y = b;
	return (*x)->bytes < (*y)->bytes ? 1 : (*x)->bytes > (*y)->bytes ? -1 : 0;
}

static int alloc_arena(struct compile *c, int keep_all, struct mote_cc_diag *diag)
{
	struct ftensor **order = malloc((c->nt ? c->nt : 1) * sizeof *order);
	if (!order)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	size_t n = 0;
	for (size_t f = 0; f < c->nt; f++)
		if (c->t[f].flags & MOTE_MF_T_DEVICE)
			order[n++] = &c->t[f];
	qsort(order, n, sizeof *order, by_size_desc);
	c->arena_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct ftensor *t = order[i];
		size_t off = 0;
		for (int moved = 1; moved;) { /* lowest offset clear of every placed, overlapping-lifetime tensor */
			moved = 0;
			for (size_t j = 0; j < i; j++) {
				const struct ftensor *u = order[j];
				if (!keep_all && (u->last < t->first || t->last < u->first))
					continue;
				if (off < u->off + ALIGN64(u->bytes) && u->off < off + ALIGN64(t->bytes)) {
					off = u->off + ALIGN64(u->bytes);
					moved = 1;
				}
			}
		}
		t->off = off;
		if (off + ALIGN64(t->bytes) > c->arena_bytes)
			c->arena_bytes = off + ALIGN64(t->bytes);
	}
	free(order);
	if (c->arena_bytes > (1u << 30))
		return cc_fail(diag, MOTE_CC_ERANGE, "activation arena of %zu bytes", c->arena_bytes);
	if (c->arena_bytes == 0)
		c->arena_bytes = 64;
	return 0;
}

/* ---- emission ----------------------------------------------------------------------- */

struct out {
	uint8_t *cmds, *blob;
	struct mote_mf_reloc *rel;
	size_t n_rel, cap_rel;
};

static int add_reloc(struct out *o, uint32_t word, uint32_t seg)
{
	if (o->n_rel == o->cap_rel) {
		size_t cap = o->cap_rel ? 2 * o->cap_rel : 256;
		struct mote_mf_reloc *r = realloc(o->rel, cap * sizeof *r);
		if (!r)
			return MOTE_CC_ENOMEM;
		o->rel = r;
		o->cap_rel = cap;
	}
	o->rel[o->n_rel++] = (struct mote_mf_reloc){.word = word, .segment = seg};
	return 0;
}

/* Word `word` of the command at cmd, whose word 0 is stream word i, becomes an
 * offset in segment seg. */
static int reloc_word(struct out *o, uint8_t *cmd, uint32_t i, uint32_t word, uint32_t seg)
{
	uint32_t v = cc_get_le32(cmd + 4 * word);
	cc_put_le32(cmd + 4 * word, v - (seg == MOTE_MF_SEG_ARENA ? ARENA_VBASE : CONST_VBASE));
	return add_reloc(o, i + word, seg);
}

/* The address fields of the n commands at byte off of the stream (bytes in
 * all) become segment offsets. */
static int relocate(struct out *o, size_t off, size_t bytes, uint32_t n, struct mote_cc_diag *diag)
{
	for (uint32_t k = 0; k < n; k++) {
		uint8_t *cmd = o->cmds + off;
		uint32_t w[MOTE_CMD_WORDS], word, seg, i = (uint32_t)(off / 4);
		size_t len = mote_cmd_unpack(w, cmd, bytes - off);
		if (!len)
			return cc_fail(diag, MOTE_CC_EINVAL, "internal: command %u of the stream is not whole", k);
		off += len;
		int64_t op = MOTE_CMD_GET(w, HDR, OPCODE);
		if (op == MOTE_OP_LOAD) {
			int64_t dst = MOTE_CMD_GET(w, LOAD, DST);
			word = MOTE_LOAD_ADDR0_WORD;
			seg = dst == MOTE_BUF_ACT ? MOTE_MF_SEG_ARENA : MOTE_MF_SEG_CONST;
		} else if (op == MOTE_OP_STORE) {
			word = MOTE_STORE_ADDR0_WORD;
			seg = MOTE_MF_SEG_ARENA;
			if (MOTE_CMD_GET(w, STORE, ADD) && reloc_word(o, cmd, i, MOTE_STORE_ADD_ADDR0_WORD, seg))
				return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		} else
			continue;
		if (reloc_word(o, cmd, i, word, seg))
			return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	}
	return 0;
}

static int layout_device(struct compile *c, struct mote_cc_diag *diag)
{
	size_t cmds = 0, blob = 0, cbytes = 0;
	for (size_t i = 0; i < c->ns; i++) {
		struct step *s = &c->s[i];
		if (!s->device)
			continue;
		s->cmd_first = (uint32_t)cmds;
		s->cmd_off = cbytes;
		cmds += s->plan.n_cmds;
		cbytes += s->plan.cmd_bytes;
		s->w_off = blob;
		blob = ALIGN64(blob + s->plan.weight_bytes);
		s->b_off = blob;
		blob = ALIGN64(blob + s->plan.bias_bytes);
	}
	if (cmds > (1u << 22) || cbytes > (1u << 28) || blob > (1u << 30))
		return cc_fail(diag, MOTE_CC_ERANGE, "%zu commands and %zu constant bytes: too large", cmds, blob);
	c->n_cmds = (uint32_t)cmds;
	c->cmd_bytes = cbytes;
	c->blob_bytes = blob ? blob : 64;
	return 0;
}

static int emit_device(struct compile *c, struct out *o, struct mote_cc_diag *diag)
{
	size_t const_off = ALIGN64(c->cmd_bytes);
	o->cmds = calloc(c->cmd_bytes ? c->cmd_bytes : 1, 1);
	o->blob = calloc(c->blob_bytes, 1);
	if (!o->cmds || !o->blob)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->ns; i++) {
		struct step *s = &c->s[i];
		if (!s->device)
			continue;
		progress(c, "emitting", i, c->ns);
		const struct ftensor *x = &c->t[c->ir2f[s->L.x]], *y = &c->t[c->ir2f[step_out(s)]];
		struct mote_cc_addrs a = {
			.input = ARENA_VBASE + (uint32_t)x->off,
			.output = ARENA_VBASE + (uint32_t)y->off,
			.weights = CONST_VBASE + (uint32_t)(const_off + s->w_off),
			.bias = CONST_VBASE + (uint32_t)(const_off + s->b_off),
			.cmds = CONST_VBASE + (uint32_t)s->cmd_off,
			.operand = s->res_in >= 0 ? ARENA_VBASE + (uint32_t)c->t[c->ir2f[s->res_in]].off : 0,
		};
		struct mote_cc_bufs b = {
			.cmds = o->cmds + s->cmd_off,
			.cmds_cap = s->plan.cmd_bytes,
			.weights = o->blob + s->w_off,
			.weights_cap = s->plan.weight_bytes,
			.bias = o->blob + s->b_off,
			.bias_cap = s->plan.bias_bytes,
		};
		/* the two arena ranges are distinct unless the sizes are 0 */
		int rc = cc_emit_conv_cost(c->geo, &s->L.conv, c->byte_cost, &a, &b, NULL, diag);
		if (rc)
			return rc;
		if ((rc = relocate(o, s->cmd_off, c->cmd_bytes, s->plan.n_cmds, diag)))
			return rc;
	}
	return 0;
}

/* ---- the file ---------------------------------------------------------------------- */

struct strtab {
	char *buf;
	size_t len, cap;
};

static uint32_t str_add(struct strtab *st, const char *s, int *oom)
{
	size_t l = strlen(s) + 1;
	if (st->len + l > st->cap) {
		size_t cap = (st->cap ? 2 * st->cap : 1024) + l;
		char *b = realloc(st->buf, cap);
		if (!b) {
			*oom = 1;
			return 0;
		}
		st->buf = b;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, s, l);
	st->len += l;
	return (uint32_t)(st->len - l);
}

/* A device step's kind of layer, for the report (and make bench's per-kind figures). */
static const char *layer_kind(const struct step *s)
{
	if (s->L.conv.pool == MOTE_CC_POOL_MAX || strstr(s->n->op, "Pool"))
		return "pool";
	if (s->L.is_matmul)
		return "fc";
	uint32_t G = cc_groups(&s->L.conv);
	if (G > 1)
		return G == s->L.conv.in_c && G == s->L.conv.out_c ? "depthwise" : "grouped";
	return "conv";
}

/* The .mote file's op of a device step (its layer_kind). */
static uint32_t device_op(const struct step *s)
{
	const char *k = layer_kind(s);
	return !strcmp(k, "pool")        ? MOTE_MF_DEV_POOL :
	       !strcmp(k, "fc")          ? MOTE_MF_DEV_FC :
	       !strcmp(k, "depthwise")   ? MOTE_MF_DEV_DEPTHWISE :
	       !strcmp(k, "grouped")     ? MOTE_MF_DEV_GROUPED : MOTE_MF_DEV_CONV;
}

static int write_file(struct compile *c, struct out *o, void **model, size_t *model_len, struct mote_cc_diag *diag)
{
	struct strtab st = {0};
	int oom = 0;
	str_add(&st, "", &oom);
	struct mote_mf_tensor *ft = calloc(c->nt ? c->nt : 1, sizeof *ft);
	struct mote_mf_step *fs = calloc(c->ns ? c->ns : 1, sizeof *fs);
	int rc = 0;
	/* the host steps' constants (HOST_CONST): each at a MOTE_MF_ALIGN offset */
	size_t hc_len = 0;
	for (size_t f = 0; f < c->nt; f++)
		if (c->t[f].flags & MOTE_MF_T_CONST)
			hc_len = ((hc_len + MOTE_MF_ALIGN - 1) & ~(size_t)(MOTE_MF_ALIGN - 1)) + c->t[f].bytes;
	uint8_t *hc = hc_len ? calloc(hc_len, 1) : NULL;
	if (!ft || !fs || (hc_len && !hc) || hc_len > 0x7fffffffu)
		oom = 1;
	hc_len = 0;
	for (size_t f = 0; !oom && f < c->nt; f++) {
		const struct ftensor *t = &c->t[f];
		const struct ir_tensor *x = &c->g.t[t->ir];
		size_t off = t->off;
		if (t->flags & MOTE_MF_T_CONST) {
			off = hc_len = (hc_len + MOTE_MF_ALIGN - 1) & ~(size_t)(MOTE_MF_ALIGN - 1);
			memcpy(hc + off, x->data, t->bytes);
			hc_len += t->bytes;
		}
		ft[f] = (struct mote_mf_tensor){.name = str_add(&st, x->name, &oom), .dtype = x->dtype, .rank = x->rank,
						.flags = t->flags, .scale = t->scale, .zero_point = t->zp,
						.arena_offset = (uint32_t)off, .bytes = (uint32_t)t->bytes};
		for (uint32_t d = 0; d < x->rank; d++)
			ft[f].dims[d] = (uint32_t)x->dims[d];
	}
	for (size_t i = 0; !oom && i < c->ns; i++) {
		const struct step *s = &c->s[i];
		struct mote_mf_step *r = &fs[i];
		r->name = str_add(&st, s->n->name, &oom);
		for (int k = 0; k < (int)MOTE_MF_MAX_IO; k++)
			r->in[k] = r->out[k] = -1;
		if (s->device) {
			r->kind = MOTE_MF_STEP_DEVICE;
			r->op = device_op(s);
			r->n_in = s->res_in >= 0 ? 2 : 1;
			r->in[0] = c->ir2f[s->L.x];
			if (s->res_in >= 0)
				r->in[1] = c->ir2f[s->res_in];
			r->cmd_first = s->cmd_first;
			r->cmd_offset = (uint32_t)s->cmd_off;
			r->n_cmds = s->plan.n_cmds;
			r->macs = s->plan.macs_model;
			r->macs_ideal_cycles = s->plan.rows_streamed;
		} else {
			r->kind = MOTE_MF_STEP_HOST;
			r->op = s->h.op;
			r->n_in = s->h.n_data;
			for (uint32_t k = 0; k < s->h.n_data; k++)
				r->in[k] = c->ir2f[s->h.data[k]];
			memcpy(r->params, s->h.params, sizeof r->params);
		}
		r->n_out = 1;
		r->out[0] = c->ir2f[step_out(s)];
	}
	if (oom) {
		rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		goto done;
	}
	struct {
		uint32_t id;
		const void *data;
		size_t size, count;
	} sec[] = {
		{MOTE_MF_SEC_STRINGS, st.buf, st.len, st.len},
		{MOTE_MF_SEC_TENSORS, ft, c->nt * sizeof *ft, c->nt},
		{MOTE_MF_SEC_STEPS, fs, c->ns * sizeof *fs, c->ns},
		{MOTE_MF_SEC_CMDS, o->cmds, c->cmd_bytes, c->n_cmds},
		{MOTE_MF_SEC_CONST, o->blob, c->blob_bytes, c->blob_bytes},
		{MOTE_MF_SEC_RELOCS, o->rel, o->n_rel * sizeof *o->rel, o->n_rel},
		{MOTE_MF_SEC_HOST_CONST, hc, hc_len, hc_len},
	};
	/* HOST_CONST only when a host step has constants: other files stay as they were */
	enum { NSEC_MAX = sizeof sec / sizeof sec[0] };
	const int NSEC = hc_len ? NSEC_MAX : NSEC_MAX - 1;
	size_t size = sizeof(struct mote_mf_header) + (size_t)NSEC * sizeof(struct mote_mf_section);
	struct mote_mf_section tab[NSEC_MAX];
	for (int k = 0; k < NSEC; k++) {
		size = (size + MOTE_MF_ALIGN - 1) & ~(size_t)(MOTE_MF_ALIGN - 1);
		tab[k] = (struct mote_mf_section){.id = sec[k].id, .offset = (uint32_t)size, .size = (uint32_t)sec[k].size,
						  .count = (uint32_t)sec[k].count};
		size += sec[k].size;
	}
	if (size > 0x7fffffffu) {
		rc = cc_fail(diag, MOTE_CC_ERANGE, "model file of %zu bytes", size);
		goto done;
	}
	uint8_t *file = calloc(size, 1);
	if (!file) {
		rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		goto done;
	}
	size_t const_off = ALIGN64(c->cmd_bytes);
	uint32_t features = 0;
	if (mote_mf_cmd_walk(o->cmds, c->cmd_bytes, c->n_cmds, &features) != (int64_t)c->cmd_bytes) {
		free(file);
		rc = cc_fail(diag, MOTE_CC_EINVAL, "internal: the command stream is not whole");
		goto done;
	}
	/* the model's arithmetic: TFLite's two roundings wherever it requantizes
	 * (also in host steps), so it needs a device that has them */
	if (c->g.arith == IR_ARITH_TFLITE)
		features |= MOTE_FEATURES_ROUND_TFL_MASK;
	struct mote_mf_header h = {
		.magic = MOTE_MF_MAGIC, .version = MOTE_MF_VERSION, .file_bytes = (uint32_t)size,
		.hw_version = MOTE_HW_VERSION_MAJOR << 16 | MOTE_HW_VERSION_MINOR, .rows = c->geo->rows,
		.cols = c->geo->cols, .mem_bytes = c->geo->mem_bytes, .abuf_depth = c->geo->abuf_depth,
		.wbuf_depth = c->geo->wbuf_depth, .bbuf_depth = c->geo->bbuf_depth, .acc_depth = c->geo->acc_depth,
		.features = features, .n_sections = NSEC, .const_offset = (uint32_t)const_off,
		.const_bytes = (uint32_t)(const_off + c->blob_bytes), .arena_bytes = (uint32_t)c->arena_bytes,
	};
	memcpy(file, &h, sizeof h);
	memcpy(file + sizeof h, tab, (size_t)NSEC * sizeof tab[0]);
	for (int k = 0; k < NSEC; k++)
		if (sec[k].size)
			memcpy(file + tab[k].offset, sec[k].data, sec[k].size);
	h.crc32 = mote_mf_crc32(0, file, size);
	memcpy(file, &h, sizeof h);
	*model = file;
	*model_len = size;
done:
	free(st.buf);
	free(ft);
	free(fs);
	free(hc);
	return rc;
}

/* ---- report and entry point ------------------------------------------------------------ */

/* Does the target round twice as TFLite does (STORE ROUND_TFL)? */
static int device_rounds_twice(const struct mote_geometry *geo)
{
	return (geo->features & MOTE_FEATURES_ROUND_TFL_MASK) != 0;
}

/* A TFLite model: say what cannot be bit-exact with TFLite.  On a target that
 * rounds once, every requantizing step (on the device, and the convolutions
 * on the host, which round as the device does); a SOFTMAX computed in float
 * (one with a float input or output: an int8 or uint8 one is TFLite's
 * integer softmax, SOFTMAX_TFL, bit-exact on every target). */
static void report_rounding(struct compile *c)
{
	if (c->g.arith == IR_ARITH_ONNX)
		return;
	unsigned n = 0;
	const char *first = NULL;
	for (size_t i = 0; c->g.arith == IR_ARITH_TFLITE_1R && i < c->ns; i++)
		if ((c->s[i].device && c->s[i].L.conv.out_type != MOTE_CC_INT32 && c->s[i].L.conv.pool != MOTE_CC_POOL_MAX) ||
		    (!c->s[i].device && c->s[i].h.op == MOTE_KOP_CONV)) {
			n++;
			first = first ? first : c->s[i].n->name;
		}
	if (n)
		say(c, "warning: not bit-exact with TFLite: %u step%s (the first: %s) requantize%s with TFLite's "
		    "multipliers but round once (half to even); TFLite rounds twice, so an output may differ by 1 "
		    "(the target has no STORE ROUND_TFL)", n, n > 1 ? "s" : "", first, n > 1 ? "" : "s");
	unsigned sm = 0;
	for (size_t i = 0; i < c->ns; i++)
		sm += !c->s[i].device && c->s[i].h.op == MOTE_KOP_SOFTMAX;
	if (sm)
		say(c, "warning: not bit-exact with TFLite: %u SOFTMAX computed in float on the host (dequantize, "
		    "softmax, quantize), not with TFLite's integer softmax", sm);
}

static void shape_str(const struct ir_tensor *t, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	for (uint32_t d = 0; d < t->rank && n + 1 < cap; d++)
		n += (size_t)snprintf(buf + n, cap - n, d ? "x%lld" : "%lld", (long long)t->dims[d]);
	if (n + 1 < cap)
		snprintf(buf + n, cap - n, " %s", ir_dtype_name(t->dtype));
}

static void report_steps(struct compile *c)
{
	uint64_t macs = 0, ideal = 0, ideal_dense = 0;
	unsigned dev = 0, n_sparse = 0;
	say(c, "  %3s %-6s %-14s %-24s %-22s    %-22s  %s", "#", "place", "operator", "node", "input", "output",
	    "device: MACs, commands, ideal cycles, layer; host: kernel");
	for (size_t i = 0; i < c->ns; i++) {
		const struct step *s = &c->s[i];
		char xs[96], ys[96];
		shape_str(&c->g.t[step_in(s, 0)], xs, sizeof xs);
		shape_str(&c->g.t[step_out(s)], ys, sizeof ys);
		if (s->device) {
			dev++;
			macs += s->plan.macs_model;
			ideal += s->plan.rows_streamed;
			char sp[80] = "";
			if (s->L.conv.sparse)
				snprintf(sp, sizeof sp, "  sparse 2:4 (dense: ideal cycles %llu)",
					 (unsigned long long)s->dense_ideal);
			else if (s->dense_why && c->sparsity != MOTE_CC_SPARSITY_DENSE)
				snprintf(sp, sizeof sp, "  dense (%s)", s->dense_why);
			say(c, "  %3zu device %-14s %-24s %-22s -> %-22s  macs %llu  cmds %u  ideal cycles %llu  layer %s%s%s%s%s",
			    i, s->n->op, s->n->name, xs, ys, (unsigned long long)s->plan.macs_model, s->plan.n_cmds,
			    (unsigned long long)s->plan.rows_streamed, layer_kind(s), s->add ? "  (conv + add: " : "",
			    s->add ? s->add->name : "", s->add ? ")" : "", sp);
			if (s->L.conv.sparse)
				n_sparse++, ideal_dense += s->dense_ideal;
			else
				ideal_dense += s->plan.rows_streamed;
		} else {
			say(c, "  %3zu host   %-14s %-24s %-22s -> %-22s  (%s)", i, s->n->op, s->n->name, xs, ys,
			    mote_kernel_op_name(s->h.op));
		}
	}
	say(c, "steps: %zu (%u on the accelerator, %zu on the host); macs %llu; ideal cycles %llu", c->ns, dev,
	    c->ns - dev, (unsigned long long)macs, (unsigned long long)ideal);
	if (n_sparse)
		say(c, "sparse 2:4: %u of %u device steps; ideal cycles %llu (all dense: %llu, %.2fx)", n_sparse, dev,
		    (unsigned long long)ideal, (unsigned long long)ideal_dense, ideal ? (double)ideal_dense / ideal : 0);
	size_t sum = 0;
	for (size_t f = 0; f < c->nt; f++)
		if (c->t[f].flags & MOTE_MF_T_DEVICE)
			sum += ALIGN64(c->t[f].bytes);
	say(c, "device memory: arena %zu bytes (tensors %zu without reuse), commands %u (%zu bytes), constants %zu bytes",
	    c->arena_bytes, sum, c->n_cmds, c->cmd_bytes, c->blob_bytes);
}

int mote_cc_compile_onnx(const void *onnx, size_t len, const struct mote_geometry *geo, mote_cc_report_fn report,
			 void *ctx, void **model, size_t *model_len, struct mote_cc_diag *diag)
{
	return mote_cc_compile_onnx_opts(onnx, len, geo, NULL, report, ctx, model, model_len, diag);
}

uint64_t mote_cc_model_mem_need(const void *model, size_t len)
{
	struct mote_mf_header h;
	if (!model || len < sizeof h)
		return 0;
	memcpy(&h, model, sizeof h);
	uint64_t a = MOTE_WINDOW_ALIGN;
	return a + ((uint64_t)h.const_bytes + a - 1) / a * a + ((uint64_t)h.arena_bytes + a - 1) / a * a;
}

static int compile_once(const void *onnx, size_t len, const struct mote_geometry *geo,
			const struct mote_cc_compile_opts *opts, uint32_t byte_cost, mote_cc_report_fn report,
			void *ctx, void **model, size_t *model_len, struct mote_cc_diag *diag);

/* A one-queue device (a board) whose memory the model outgrows with the
 * fastest tiling is given tilings that price command bytes ever higher
 * (fewer, longer commands: some per cent more cycles a layer) until the
 * model fits; the report is of the compile that is kept. */
int mote_cc_compile_onnx_opts(const void *onnx, size_t len, const struct mote_geometry *geo,
			      const struct mote_cc_compile_opts *opts, mote_cc_report_fn report, void *ctx, void **model,
			      size_t *model_len, struct mote_cc_diag *diag)
{
	static const uint32_t costs[] = {0, 2, 8, 32, 128, 512};
	uint64_t mem = opts ? opts->mem_bytes : 0;
	if (!mem || !geo || !model || !model_len || !tl_serial(geo))
		return compile_once(onnx, len, geo, opts, 0, report, ctx, model, model_len, diag);
	size_t k = 0;
	for (; k + 1 < sizeof costs / sizeof costs[0]; k++) {
		int rc = compile_once(onnx, len, geo, opts, costs[k], NULL, NULL, model, model_len, diag);
		if (rc)
			return report ? compile_once(onnx, len, geo, opts, costs[k], report, ctx, model, model_len, diag)
				      : rc;
		uint64_t need = mote_cc_model_mem_need(*model, *model_len);
		mote_cc_free(*model);
		*model = NULL;
		*model_len = 0;
		if (need <= mem)
			break;
	}
	int rc = compile_once(onnx, len, geo, opts, costs[k], report, ctx, model, model_len, diag);
	if (!rc && k > 0 && report) {
		char line[200];
		snprintf(line, sizeof line,
			 "tiled for size (a command byte priced at %u cycles): the fastest tiling does not fit the "
			 "device's %llu bytes",
			 costs[k], (unsigned long long)mem);
		report(ctx, line);
	}
	return rc;
}

static int compile_once(const void *onnx, size_t len, const struct mote_geometry *geo,
			const struct mote_cc_compile_opts *opts, uint32_t byte_cost, mote_cc_report_fn report,
			void *ctx, void **model, size_t *model_len, struct mote_cc_diag *diag)
{
	if (!onnx || !geo || !model || !model_len)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	*model = NULL;
	*model_len = 0;
	struct compile c = {.geo = geo, .report = report, .ctx = ctx, .byte_cost = byte_cost};
	if (opts) {
		c.sparsity = opts->sparsity;
		c.progress = opts->progress;
		c.progress_ctx = opts->progress_ctx;
		if ((unsigned)c.sparsity > MOTE_CC_SPARSITY_S24)
			return cc_fail(diag, MOTE_CC_EINVAL, "sparsity %d: not AUTO, DENSE or S24", (int)c.sparsity);
		if (c.sparsity == MOTE_CC_SPARSITY_S24 && !cc_sparse_target(geo))
			return cc_fail(diag, MOTE_CC_ENOTSUP, "2:4 sparsity: the %ux%u target has %s", geo->rows, geo->cols,
				       geo->rows % 4 ? "array rows not a multiple of 4" : "no SPARSE feature");
	}
	struct out o = {0};
	unsigned stacked = 0;
	int rc = model_prepare(onnx, len, 1, &c.g, diag);
	/* a TFLite model on a target that rounds once: TFLite's multipliers, one
	 * rounding everywhere (the device's STOREs and the host convolutions) */
	if (!rc && c.g.arith == IR_ARITH_TFLITE && !device_rounds_twice(geo))
		c.g.arith = IR_ARITH_TFLITE_1R;
	if (!rc && (rc = model_stack_rows(&c.g, geo, c.sparsity, &stacked, diag)) == 0 && stacked)
		say(&c, "kernel rows (or windows) stacked as channels for %u convolution%s (MoteStackRows steps below)", stacked,
		    stacked > 1 ? "s" : "");
	if (!rc)
		rc = place(&c, diag);
	if (!rc)
		fuse_adds(&c);
	if (!rc)
		rc = collect_tensors(&c, diag);
	if (!rc) {
		quant_info(&c);
		rc = alloc_arena(&c, opts && opts->keep_tensors, diag);
	}
	if (!rc)
		rc = layout_device(&c, diag);
	if (!rc)
		rc = emit_device(&c, &o, diag);
	if (!rc) {
		report_steps(&c);
		report_rounding(&c);
	}
	if (!rc)
		rc = write_file(&c, &o, model, model_len, diag);
	for (size_t i = 0; i < c.ns; i++)
		if (c.s[i].device)
			lower_free(&c.s[i].L);
	free(c.s);
	free(c.t);
	free(c.ir2f);
	free(o.cmds);
	free(o.blob);
	free(o.rel);
	ir_graph_free(&c.g);
	return rc;
}

void mote_cc_free(void *p) { free(p); }
