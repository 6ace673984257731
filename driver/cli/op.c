/* op.c: one random int8 operator (GEMM or convolution) on a device, and its
 * reference result.  Shared by `mote gemm`/`mote conv` and the system tests. */
#include "op.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mote/mote_kernels.h"

/* Deterministic operands for a seed: xorshift64*. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static int32_t rng_range(uint64_t *s, int32_t lo, int32_t hi)
{
	return lo + (int32_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A scale with 24 significant bits: a float32 value, so (mult, shift) hold it
 * exactly and an independent float64 check of round(acc * scale) agrees. */
static double float32_exact(double s)
{
	int e;
	double m = frexp(s, &e);
	return ldexp(nearbyint(ldexp(m, 24)), e - 24);
}


void op_free(struct op_data *d)
{
	free(d->input);
	free(d->weights);
	free(d->bias);
	free(d->mult);
	free(d->shift);
	free(d->scale);
	free(d->y_dev);
	free(d->y_ref);
	free(d->operand);
}

/* The fused add: operand bytes and type, scales of the three tensors drawn
 * around the output's, their multipliers as the host ADD kernel derives them;
 * a Relu with the convolution's. */
static int make_add(const struct op_args *a, struct op_data *d, uint64_t *s)
{
	struct mote_cc_add *ad = &d->conv.add;
	d->operand = malloc(d->out_bytes ? d->out_bytes : 1);
	if (!d->operand)
		return cli_fail("out of memory");
	ad->on = 1;
	ad->type = rng_range(s, 0, 1) ? MOTE_CC_UINT8 : MOTE_CC_INT8;
	ad->zp = ad->type == MOTE_CC_UINT8 ? rng_range(s, 0, 255) : rng_range(s, -128, 127);
	for (size_t i = 0; i < d->out_bytes; i++)
		d->operand[i] = (uint8_t)rng_range(s, 0, 255);
	float sy = (float)(0.5 + rng_unit(s)), sa = (float)(sy * (0.25 + 2 * rng_unit(s)));
	float sb = (float)(sy * (0.25 + 2 * rng_unit(s)));
	struct mote_add_mults m;
	if (mote_kernel_add_mults(sa, sb, sy, &m))
		return cli_fail("add scales %g %g %g", sa, sb, sy);
	ad->mult_a = m.mult_a, ad->mult_b = m.mult_b, ad->shift = m.shift;
	ad->sum_zp = rng_range(s, -16, 16);
	ad->lo = a->relu ? ad->sum_zp : -128;
	ad->hi = 127;
	return 0;
}

/* Fill the operator: random data, then scales from the int32 accumulators so
 * the int8 outputs spread over the range instead of saturating. */
static size_t align64(size_t v);

/* The operator's bytes on the device, at the least (input, weights, output,
 * the operand of an add, and the MATMULs no tiling on G can do without; 64-bit
 * arithmetic: a shape beyond any memory says so instead of overflowing):
 * refused at once when they exceed MEM, before anything is allocated,
 * planned or computed. */
static int fits_at_all(const struct op_args *a, const struct mote_geometry *g, uint64_t mem)
{
	uint64_t in, w, out, pixels, red, oc;
	if (a->is_gemm) {
		in = (uint64_t)a->m * a->k;
		w = (uint64_t)a->k * a->n;
		out = (uint64_t)a->m * a->n;
		pixels = a->m, red = a->k, oc = a->n;
	} else {
		uint64_t grp = a->groups > 1 ? a->groups : 1, span_h = (uint64_t)a->dil * (a->kh ? a->kh - 1 : 0) + 1;
		uint64_t span_w = (uint64_t)a->dil * (a->kw ? a->kw - 1 : 0) + 1, ph = (uint64_t)a->h + 2ull * a->pad;
		uint64_t pw = (uint64_t)a->w + 2ull * a->pad, st = a->stride ? a->stride : 1;
		if (ph < span_h || pw < span_w || !a->cin || a->cin % grp)
			return 0; /* not a valid shape: mote_cc_conv_check says what is wrong */
		in = (uint64_t)a->h * a->w * a->cin;
		w = (uint64_t)a->kh * a->kw * (a->cin / grp) * a->cout;
		pixels = ((ph - span_h) / st + 1) * ((pw - span_w) / st + 1);
		out = pixels * a->cout;
		red = (uint64_t)a->kh * a->kw * a->cin, oc = a->cout;
		if (grp > 1 || a->pool != OP_POOL_NONE)
			pixels = 0; /* grouped and pooling tilings differ: no command bound */
	}
	/* A MATMUL streams at most ACC_DEPTH output pixels through one tile of
	 * COLS channels and ROWS reduction elements (2 ROWS with 2:4 weights). */
	uint64_t mm = 0;
	if (pixels && g->acc_depth && g->rows && g->cols)
		mm = ((pixels + g->acc_depth - 1) / g->acc_depth) * ((red + 2ull * g->rows - 1) / (2ull * g->rows)) *
		     ((oc + g->cols - 1) / g->cols);
	uint64_t cmds = mm > UINT64_MAX / 64 ? UINT64_MAX / 4 : mm * 4 * MOTE_MATMUL_WORDS;
	uint64_t need = in + w + out + (a->add ? out : 0) + cmds;
	if (need <= mem && need >= in)
		return 0;
	return cli_fail("the operator needs at least %llu bytes of device memory (input %llu, weights %llu, output "
			"%llu%s, %llu MATMUL commands at the least), the device has %llu", (unsigned long long)need,
			(unsigned long long)in, (unsigned long long)w, (unsigned long long)out,
			a->add ? ", the add's operand as much" : "", (unsigned long long)mm, (unsigned long long)mem);
}

/* The operator's command stream planned on G (its output requantized, with
 * placeholder multipliers: the bytes are those of the real run) and its
 * whole footprint held against MEM, before the reference computes anything. */
static int fits_planned(const struct op_args *a, struct op_data *d, const struct mote_geometry *g, uint64_t mem)
{
	struct mote_cc_diag diag = {{0}};
	struct mote_cc_plan plan;
	struct mote_cc_conv c = d->conv;
	c.out_type = MOTE_CC_INT8;
	c.mult = d->mult;
	c.shift = d->shift;
	int rc;
	if (a->is_gemm && !a->add) {
		struct mote_cc_gemm gm = d->gemm;
		gm.out_type = MOTE_CC_INT8;
		gm.mult = d->mult;
		gm.shift = d->shift;
		rc = mote_cc_plan_gemm(g, &gm, &plan, &diag);
	} else {
		rc = mote_cc_plan_conv(g, &c, &plan, &diag);
	}
	if (rc < 0)
		return cli_fail("cannot build the command stream: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
	uint64_t need = (uint64_t)align64(plan.cmd_bytes) + align64(plan.weight_bytes) + align64(plan.bias_bytes) +
			align64(plan.input_bytes ? plan.input_bytes : 1) + align64(plan.output_bytes ? plan.output_bytes : 1) +
			(a->add ? align64(plan.output_bytes ? plan.output_bytes : 1) : 0);
	if (need <= mem)
		return 0;
	return cli_fail("the operator needs %llu bytes of device memory (%u commands in %zu bytes, weights %zu, input %zu, "
			"output %zu), the device has %llu", (unsigned long long)need, plan.n_cmds, plan.cmd_bytes,
			plan.weight_bytes, plan.input_bytes, plan.output_bytes, (unsigned long long)mem);
}

int op_make(const struct op_args *a, struct op_data *d, const struct mote_geometry *geo, uint64_t mem)
{
	if (geo && mem && fits_at_all(a, geo, mem) < 0)
		return -1;
	uint64_t s = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)a->seed * 0x100000001B3ULL);
	struct mote_cc_conv *c = &d->conv;
	struct mote_cc_diag diag = {{0}};
	uint32_t oc;
	if (a->is_gemm) {
		d->gemm = (struct mote_cc_gemm){.m = a->m, .k = a->k, .n = a->n, .a_type = MOTE_CC_INT8,
						.out_type = MOTE_CC_INT32};
		oc = a->n;
	} else {
		*c = (struct mote_cc_conv){.in_h = a->h, .in_w = a->w, .in_c = a->cin, .out_c = a->cout,
					   .k_h = a->kh, .k_w = a->kw, .stride_h = a->stride, .stride_w = a->stride,
					   .dil_h = a->dil, .dil_w = a->dil, .pad_top = a->pad, .pad_bottom = a->pad,
					   .pad_left = a->pad, .pad_right = a->pad, .in_type = MOTE_CC_INT8,
					   .out_type = MOTE_CC_INT32, .groups = a->groups};
		oc = a->cout;
	}
	int32_t in_zp = rng_range(&s, -128, 127);
	uint32_t g = a->groups > 1 && !a->is_gemm ? a->groups : 1;
	if (a->cin % g || a->cout % g)
		return cli_fail("groups %u must divide cin %u and cout %u", g, a->cin, a->cout);
	uint32_t reduction = a->is_gemm ? a->k : a->kh * a->kw * (a->cin / g);
	d->w_bytes = (size_t)reduction * oc;
	d->weights = malloc(d->w_bytes);
	d->bias = calloc(oc, sizeof *d->bias);
	d->mult = calloc(oc, sizeof *d->mult);
	d->shift = calloc(oc, sizeof *d->shift);
	d->scale = calloc(oc, sizeof *d->scale);
	if (!d->weights || !d->bias || !d->mult || !d->shift || !d->scale)
		return cli_fail("out of memory");
	for (size_t i = 0; i < d->w_bytes; i++)
		d->weights[i] = (int8_t)(a->pool == OP_POOL_AVG ? 1 : rng_range(&s, -128, 127));
	for (uint32_t i = 0; i < oc; i++)
		d->bias[i] = rng_range(&s, -4096, 4096);
	int32_t w_zp = a->w_uint8 ? rng_range(&s, 0, 255) : 0; /* drawn only when asked: other runs keep their values */
	if (a->is_gemm) {
		d->gemm.b_type = a->w_uint8 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
		d->gemm.b_zp = w_zp;
		d->gemm.a_zp = in_zp;
		d->gemm.b = d->weights;
		d->gemm.bias = d->bias;
		d->out_h = a->m;
		d->out_w = 1;
		mote_cc_gemm_as_conv(&d->gemm, c);
	} else {
		c->in_zp = in_zp;
		c->w_type = a->w_uint8 ? MOTE_CC_UINT8 : MOTE_CC_INT8;
		c->w_zp = w_zp;
		c->weights = d->weights;
		c->bias = d->bias;
		c->pool = a->pool == OP_POOL_MAX ? MOTE_CC_POOL_MAX : MOTE_CC_POOL_NONE;
	}
	int rc = mote_cc_conv_check(c, &d->out_h, &d->out_w, &diag);
	if (rc < 0)
		return cli_fail("invalid shape: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
	if (a->sparse) { /* prune the drawn weights 2:4 in place; both runs use these */
		if (a->w_uint8 || a->stack_rows || g > 1 || a->pool != OP_POOL_NONE)
			return cli_fail("--sparsity 2:4 takes int8 weights, no groups, pooling or stacked rows");
		if ((rc = mote_cc_sparse_prune(c, d->weights)) < 0)
			return cli_fail("pruning 2:4: %s", mote_cc_strerror(rc));
		c->sparse = 1;
		d->gemm.sparse = 1;
	}
	if (geo && mem && fits_planned(a, d, geo, mem) < 0)
		return -1;
	d->in_bytes = (size_t)c->in_h * c->in_w * c->in_c;
	size_t outputs = (size_t)d->out_h * d->out_w * oc;
	d->input = malloc(d->in_bytes ? d->in_bytes : 1);
	int32_t *acc = malloc(outputs * sizeof *acc);
	if (!d->input || !acc) {
		free(acc);
		return cli_fail("out of memory");
	}
	for (size_t i = 0; i < d->in_bytes; i++)
		d->input[i] = (int8_t)rng_range(&s, -128, 127);
	rc = mote_ref_conv(c, d->input, acc);
	if (rc < 0) {
		free(acc);
		return cli_fail("reference: %s", mote_cc_strerror(rc));
	}
	double sum2 = 0;
	for (size_t i = 0; i < outputs; i++)
		sum2 += (double)acc[i] * acc[i];
	free(acc);
	double rms = outputs ? sqrt(sum2 / (double)outputs) : 1.0;
	if (rms < 1.0)
		rms = 1.0;
	for (uint32_t i = 0; i < oc; i++) {
		d->scale[i] = float32_exact(48.0 / rms * (0.5 + rng_unit(&s)));
		if (a->round_tfl) { /* TFLite's (M, e) as the STORE's (mult, 31 - e) */
			if (mote_kernel_tfl_multiplier(d->scale[i], &d->mult[i], &d->shift[i]))
				return cli_fail("scale %g: no TFLite multiplier", d->scale[i]);
			d->shift[i] = d->mult[i] ? 31 - d->shift[i] : 0;
			continue;
		}
		rc = mote_cc_quantize_scale(d->scale[i], &d->mult[i], &d->shift[i]);
		if (rc < 0)
			return cli_fail("scale %g: %s", d->scale[i], mote_cc_strerror(rc));
	}
	int32_t out_zp = rng_range(&s, -16, 16);
	c->out_type = MOTE_CC_INT8;
	c->out_zp = out_zp;
	c->clamp_lo = a->relu ? out_zp : -128;
	c->clamp_hi = 127;
	c->mult = d->mult;
	c->shift = d->shift;
	c->round_tfl = a->round_tfl;
	d->gemm.round_tfl = a->round_tfl;
	if (a->is_gemm) {
		d->gemm.out_type = MOTE_CC_INT8;
		d->gemm.out_zp = out_zp;
		d->gemm.clamp_lo = c->clamp_lo;
		d->gemm.clamp_hi = c->clamp_hi;
		d->gemm.mult = d->mult;
		d->gemm.shift = d->shift;
	}
	d->out_bytes = outputs;
	d->y_dev = calloc(outputs ? outputs : 1, 1);
	d->y_ref = calloc(outputs ? outputs : 1, 1);
	if (!d->y_dev || !d->y_ref)
		return cli_fail("out of memory");
	if (a->add && make_add(a, d, &s) < 0) /* drawn last: other runs keep their values */
		return -1;
	rc = mote_ref_conv(c, d->input, d->y_ref);
	if (rc >= 0 && a->add)
		rc = mote_ref_add(c, d->operand, d->y_ref);
	if (rc < 0)
		return cli_fail("reference: %s", mote_cc_strerror(rc));
	return 0;
}

static size_t align64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}


/* Build the stream, place it with the weights and bias in one read/execute
 * window, the input in a read window and the output in a write window. */
/* The input of mote_cc_conv_stack_rows(c) (NHWC), from its definition. */
static void stack_input(const struct mote_cc_conv *c, uint32_t oh, const int8_t *x, int8_t *y)
{
	size_t W = c->in_w, C = c->in_c, KC = (size_t)c->k_h * C;
	for (size_t oy = 0; oy < oh; oy++)
		for (size_t ky = 0; ky < c->k_h; ky++) {
			int64_t iy = (int64_t)oy * c->stride_h + (int64_t)ky * c->dil_h - c->pad_top;
			for (size_t px = 0; px < W; px++) {
				int8_t *dst = y + (oy * W + px) * KC + ky * C;
				if (iy < 0 || iy >= (int64_t)c->in_h)
					memset(dst, c->in_zp & 0xff, C);
				else
					memcpy(dst, x + ((size_t)iy * W + px) * C, C);
			}
		}
}

static int execute(mote_device *dev, const struct mote_geometry *g, const struct op_args *a, struct op_data *d,
		   const struct mote_cc_conv *conv, const int8_t *input, size_t in_bytes, struct op_run *r);

int op_execute(mote_device *dev, const struct mote_geometry *g, const struct op_args *a,
		      struct op_data *d, struct op_run *r)
{
	if (a->is_gemm || !a->stack_rows)
		return execute(dev, g, a, d, &d->conv, d->input, d->in_bytes, r);
	struct mote_cc_diag diag = {{0}};
	struct mote_cc_conv st;
	size_t in_bytes = (size_t)d->out_h * d->conv.in_w * d->conv.k_h * d->conv.in_c;
	int8_t *w = malloc(d->w_bytes ? d->w_bytes : 1), *x = malloc(in_bytes ? in_bytes : 1);
	int rc = -1;
	if (!w || !x)
		cli_fail("out of memory");
	else if (mote_cc_conv_stack_rows(&d->conv, &st, w, &diag) < 0)
		cli_fail("cannot stack the kernel rows: %s", diag.msg);
	else {
		stack_input(&d->conv, d->out_h, d->input, x);
		rc = execute(dev, g, a, d, &st, x, in_bytes, r);
	}
	free(w);
	free(x);
	return rc;
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A perf counter's low word (the commands retired fit 32 bits). */
static uint32_t counter(mote_device *dev, unsigned i)
{
	uint32_t v = 0;
	return mote_reg_read(dev, MOTE_REG_PERF_LO(i), &v) ? 0 : v;
}

/* mote_run of JOB, with a progress line on stderr when PROGRESS: commands
 * retired of the stream's, simulated cycles per second, the time left; twice
 * a second once the job has run a second, cleared at the end. */
static int run_job(mote_device *dev, const struct mote_job_desc *job, int progress, struct mote_job_result *result)
{
	if (!progress)
		return mote_run(dev, job, MOTE_TIMEOUT_INFINITE, result);
	mote_job id;
	int rc = mote_submit(dev, job, &id);
	if (rc)
		return rc;
	const double t0 = wall_s();
	int shown = 0;
	while ((rc = mote_wait(dev, id, 500, result)) == MOTE_ERROR_TIMEOUT) {
		double dt = wall_s() - t0;
		if (dt < 1.0)
			continue;
		uint32_t done = counter(dev, MOTE_PERF_CMDS), cyc = counter(dev, MOTE_PERF_CYCLES);
		double f = job->n_cmds ? (double)done / job->n_cmds : 0;
		char left[32] = "?";
		if (f > 0.01)
			snprintf(left, sizeof left, "%.0f s", dt / f - dt);
		fprintf(stderr, "\r  job: %u of %u commands (%.0f%%), %.2f M cycles/s, %s left   ", done, job->n_cmds,
			100 * f, cyc / dt / 1e6, left);
		shown = 1;
	}
	if (shown)
		fprintf(stderr, "\r%70s\r", "");
	return rc;
}

static int execute(mote_device *dev, const struct mote_geometry *g, const struct op_args *a, struct op_data *d,
		   const struct mote_cc_conv *conv, const int8_t *input, size_t in_bytes, struct op_run *r)
{
	struct mote_cc_diag diag = {{0}};
	int gemm = a->is_gemm && !a->add; /* a GEMM with an add runs as its 1x1 convolution */
	int rc = gemm ? mote_cc_plan_gemm(g, &d->gemm, &r->plan, &diag) : mote_cc_plan_conv(g, conv, &r->plan, &diag);
	if (rc < 0)
		return cli_fail("cannot build the command stream: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
	size_t w_off = align64(r->plan.cmd_bytes), b_off = w_off + align64(r->plan.weight_bytes);
	size_t ro_bytes = b_off + align64(r->plan.bias_bytes);
	r->footprint = ro_bytes + align64(r->plan.input_bytes ? r->plan.input_bytes : 1) +
		       align64(r->plan.output_bytes ? r->plan.output_bytes : 1) +
		       (a->add ? align64(d->out_bytes ? d->out_bytes : 1) : 0);
	uint8_t *ro = calloc(ro_bytes, 1);
	mote_buffer *b_ro = NULL, *b_in = NULL, *b_out = NULL, *b_opnd = NULL;
	int ret = -1;
	if (!ro) {
		cli_fail("out of memory");
		goto out;
	}
	if ((rc = mote_buffer_alloc(dev, ro_bytes, &b_ro)) < 0 ||
	    (rc = mote_buffer_alloc(dev, r->plan.input_bytes ? r->plan.input_bytes : 1, &b_in)) < 0 ||
	    (rc = mote_buffer_alloc(dev, r->plan.output_bytes ? r->plan.output_bytes : 1, &b_out)) < 0 ||
	    (a->add && (rc = mote_buffer_alloc(dev, d->out_bytes ? d->out_bytes : 1, &b_opnd)) < 0)) {
		r->rc = rc;
		cli_fail("device memory: %s", mote_strerror(rc));
		goto out;
	}
	uint32_t ro_addr, in_addr, out_addr, opnd_addr = 0;
	mote_buffer_addr(dev, b_ro, &ro_addr, NULL);
	mote_buffer_addr(dev, b_in, &in_addr, NULL);
	mote_buffer_addr(dev, b_out, &out_addr, NULL);
	if (b_opnd)
		mote_buffer_addr(dev, b_opnd, &opnd_addr, NULL);
	struct mote_cc_addrs addrs = {.input = in_addr, .output = out_addr, .weights = ro_addr + (uint32_t)w_off,
				      .bias = ro_addr + (uint32_t)b_off, .cmds = ro_addr, .operand = opnd_addr};
	struct mote_cc_bufs bufs = {.cmds = ro, .cmds_cap = r->plan.cmd_bytes, .weights = ro + w_off,
				    .weights_cap = r->plan.weight_bytes, .bias = ro + b_off,
				    .bias_cap = r->plan.bias_bytes};
	rc = gemm ? mote_cc_emit_gemm(g, &d->gemm, &addrs, &bufs, &r->plan, &diag)
		  : mote_cc_emit_conv(g, conv, &addrs, &bufs, &r->plan, &diag);
	if (rc < 0) {
		cli_fail("cannot emit the command stream: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
		goto out;
	}
	/* compressed weights: every tile's metadata checked before submission */
	if (conv->sparse && (rc = mote_cc_sparse_check_blob(g, conv, ro + w_off, r->plan.weight_bytes, &diag)) < 0) {
		cli_fail("invalid sparse weights: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
		goto out;
	}
	if ((rc = mote_buffer_write(dev, b_ro, 0, ro, ro_bytes)) < 0 ||
	    (rc = mote_buffer_write(dev, b_in, 0, input, in_bytes)) < 0 ||
	    (b_opnd && (rc = mote_buffer_write(dev, b_opnd, 0, d->operand, d->out_bytes)) < 0)) {
		r->rc = rc;
		cli_fail("writing device memory: %s", mote_strerror(rc));
		goto out;
	}
	struct mote_job_desc job = {.cmds = b_ro, .n_cmds = r->plan.n_cmds, .n_windows = b_opnd ? 4 : 3,
				    .windows = {{b_ro, MOTE_PERM_R | MOTE_PERM_X}, {b_in, MOTE_PERM_R}, {b_out, MOTE_PERM_W},
						{b_opnd, MOTE_PERM_R}}};
	double t0 = now_seconds();
	rc = run_job(dev, &job, a->progress, &r->result);
	r->wall = now_seconds() - t0;
	r->sim_speed = r->wall > 0 ? (double)r->result.perf[MOTE_PERF_CYCLES] / r->wall : 0;
	if (rc < 0) {
		r->rc = rc;
		cli_fail("job failed: %s (hardware error %s at command %u, address 0x%08x)", mote_strerror(rc),
			 r->result.hw_error_name ? r->result.hw_error_name : "?", r->result.err_cmd, r->result.err_addr);
		goto out;
	}
	if ((rc = mote_buffer_read(dev, b_out, 0, d->y_dev, d->out_bytes)) < 0) {
		r->rc = rc;
		cli_fail("reading device memory: %s", mote_strerror(rc));
		goto out;
	}
	ret = 0;
out:
	if (b_opnd)
		mote_buffer_free(dev, b_opnd);
	if (b_out)
		mote_buffer_free(dev, b_out);
	if (b_in)
		mote_buffer_free(dev, b_in);
	if (b_ro)
		mote_buffer_free(dev, b_ro);
	free(ro);
	return ret;
}

size_t op_mismatches(const struct op_data *d, int report)
{
	size_t n = 0;
	for (size_t i = 0; i < d->out_bytes; i++)
		if (d->y_dev[i] != d->y_ref[i]) {
			if (report && n < 8)
				fprintf(stderr, "mismatch at output %zu: device %d, reference %d\n", i, (int8_t)d->y_dev[i],
					(int8_t)d->y_ref[i]);
			n++;
		}
	return n;
}

int op_check(mote_device *dev, const struct mote_geometry *g, const struct op_args *a, struct op_data *d,
	     struct op_run *r, size_t *mismatches, int report)
{
	struct mote_device_info info;
	if (mote_device_info(dev, &info) < 0)
		return cli_fail("no device");
	if (op_make(a, d, g, info.mem_size) < 0 || op_execute(dev, g, a, d, r) < 0)
		return -1;
	*mismatches = op_mismatches(d, report);
	return 0;
}
