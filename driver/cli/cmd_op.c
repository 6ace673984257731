/* cmd_op.c: `mote gemm` and `mote conv`.
 *
 * Make one random int8 operator (operands, zero points, bias and per-channel
 * scales), build its command stream for the device's geometry, run it, and
 * compare every output byte with the reference executor.  Exit status: 0 all
 * bytes equal, 1 mismatches, 2 usage, 3 any other error.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "json.h"
#include "mote/mote.h"
#include "mote/mote_compiler.h"
#include "npy.h"
#include "opts.h"

struct op_args {
	int is_gemm;
	uint32_t m, k, n;
	uint32_t h, w, cin, cout, kh, kw, stride, pad, dil;
	uint32_t seed;
	const char *device, *dump;
	int json, relu;
};

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

struct op_data {
	struct mote_cc_conv conv;  /* the operator (a GEMM is its 1x1 convolution) */
	struct mote_cc_gemm gemm;
	uint32_t out_h, out_w;
	size_t in_bytes, out_bytes, w_bytes;
	int8_t *input, *weights;
	int32_t *bias, *mult, *shift;
	double *scale;
	uint8_t *y_dev, *y_ref;
};

static void op_free(struct op_data *d)
{
	free(d->input);
	free(d->weights);
	free(d->bias);
	free(d->mult);
	free(d->shift);
	free(d->scale);
	free(d->y_dev);
	free(d->y_ref);
}

/* Fill the operator: random data, then scales from the int32 accumulators so
 * the int8 outputs spread over the range instead of saturating. */
static int op_make(const struct op_args *a, struct op_data *d)
{
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
					   .out_type = MOTE_CC_INT32};
		oc = a->cout;
	}
	int32_t in_zp = rng_range(&s, -128, 127);
	uint32_t reduction = a->is_gemm ? a->k : a->kh * a->kw * a->cin;
	d->w_bytes = (size_t)reduction * oc;
	d->weights = malloc(d->w_bytes);
	d->bias = calloc(oc, sizeof *d->bias);
	d->mult = calloc(oc, sizeof *d->mult);
	d->shift = calloc(oc, sizeof *d->shift);
	d->scale = calloc(oc, sizeof *d->scale);
	if (!d->weights || !d->bias || !d->mult || !d->shift || !d->scale)
		return cli_fail("out of memory");
	for (size_t i = 0; i < d->w_bytes; i++)
		d->weights[i] = (int8_t)rng_range(&s, -128, 127);
	for (uint32_t i = 0; i < oc; i++)
		d->bias[i] = rng_range(&s, -4096, 4096);
	if (a->is_gemm) {
		d->gemm.a_zp = in_zp;
		d->gemm.b = d->weights;
		d->gemm.bias = d->bias;
		d->out_h = a->m;
		d->out_w = 1;
		mote_cc_gemm_as_conv(&d->gemm, c);
	} else {
		c->in_zp = in_zp;
		c->weights = d->weights;
		c->bias = d->bias;
	}
	int rc = mote_cc_conv_check(c, &d->out_h, &d->out_w, &diag);
	if (rc < 0)
		return cli_fail("invalid shape: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
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
	rc = mote_ref_conv(c, d->input, d->y_ref);
	if (rc < 0)
		return cli_fail("reference: %s", mote_cc_strerror(rc));
	return 0;
}

static size_t align64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}

struct op_run {
	struct mote_cc_plan plan;
	struct mote_job_result result;
	double wall, sim_speed;
};

/* Build the stream, place it with the weights and bias in one read/execute
 * window, the input in a read window and the output in a write window. */
static int op_execute(mote_device *dev, const struct mote_geometry *g, const struct op_args *a,
		      struct op_data *d, struct op_run *r)
{
	struct mote_cc_diag diag = {{0}};
	int rc = a->is_gemm ? mote_cc_plan_gemm(g, &d->gemm, &r->plan, &diag)
			    : mote_cc_plan_conv(g, &d->conv, &r->plan, &diag);
	if (rc < 0)
		return cli_fail("cannot build the command stream: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
	size_t w_off = align64(r->plan.cmd_bytes), b_off = w_off + align64(r->plan.weight_bytes);
	size_t ro_bytes = b_off + align64(r->plan.bias_bytes);
	uint8_t *ro = calloc(ro_bytes, 1);
	mote_buffer *b_ro = NULL, *b_in = NULL, *b_out = NULL;
	int ret = -1;
	if (!ro) {
		cli_fail("out of memory");
		goto out;
	}
	if ((rc = mote_buffer_alloc(dev, ro_bytes, &b_ro)) < 0 ||
	    (rc = mote_buffer_alloc(dev, r->plan.input_bytes ? r->plan.input_bytes : 1, &b_in)) < 0 ||
	    (rc = mote_buffer_alloc(dev, r->plan.output_bytes ? r->plan.output_bytes : 1, &b_out)) < 0) {
		cli_fail("device memory: %s", mote_strerror(rc));
		goto out;
	}
	uint32_t ro_addr, in_addr, out_addr;
	mote_buffer_addr(dev, b_ro, &ro_addr, NULL);
	mote_buffer_addr(dev, b_in, &in_addr, NULL);
	mote_buffer_addr(dev, b_out, &out_addr, NULL);
	struct mote_cc_addrs addrs = {.input = in_addr, .output = out_addr, .weights = ro_addr + (uint32_t)w_off,
				      .bias = ro_addr + (uint32_t)b_off, .cmds = ro_addr};
	struct mote_cc_bufs bufs = {.cmds = ro, .cmds_cap = r->plan.cmd_bytes, .weights = ro + w_off,
				    .weights_cap = r->plan.weight_bytes, .bias = ro + b_off,
				    .bias_cap = r->plan.bias_bytes};
	rc = a->is_gemm ? mote_cc_emit_gemm(g, &d->gemm, &addrs, &bufs, &r->plan, &diag)
			: mote_cc_emit_conv(g, &d->conv, &addrs, &bufs, &r->plan, &diag);
	if (rc < 0) {
		cli_fail("cannot emit the command stream: %s", diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
		goto out;
	}
	if ((rc = mote_buffer_write(dev, b_ro, 0, ro, ro_bytes)) < 0 ||
	    (rc = mote_buffer_write(dev, b_in, 0, d->input, d->in_bytes)) < 0) {
		cli_fail("writing device memory: %s", mote_strerror(rc));
		goto out;
	}
	struct mote_job_desc job = {.cmds = b_ro, .n_cmds = r->plan.n_cmds, .n_windows = 3,
				    .windows = {{b_ro, MOTE_PERM_R | MOTE_PERM_X}, {b_in, MOTE_PERM_R}, {b_out, MOTE_PERM_W}}};
	double t0 = now_seconds();
	rc = mote_run(dev, &job, MOTE_TIMEOUT_INFINITE, &r->result);
	r->wall = now_seconds() - t0;
	r->sim_speed = r->wall > 0 ? (double)r->result.perf[MOTE_PERF_CYCLES] / r->wall : 0;
	if (rc < 0) {
		cli_fail("job failed: %s (hardware error %s at command %u, address 0x%08x)", mote_strerror(rc),
			 r->result.hw_error_name ? r->result.hw_error_name : "?", r->result.err_cmd, r->result.err_addr);
		goto out;
	}
	if ((rc = mote_buffer_read(dev, b_out, 0, d->y_dev, d->out_bytes)) < 0) {
		cli_fail("reading device memory: %s", mote_strerror(rc));
		goto out;
	}
	ret = 0;
out:
	if (b_out)
		mote_buffer_free(dev, b_out);
	if (b_in)
		mote_buffer_free(dev, b_in);
	if (b_ro)
		mote_buffer_free(dev, b_ro);
	free(ro);
	return ret;
}

static int dump_scalar_i8(const char *dir, const char *name, int32_t v)
{
	char path[4096];
	int8_t b = (int8_t)v;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return npy_write(path, NPY_I8, NULL, 0, &b);
}

static int dump_array(const char *dir, const char *name, enum npy_dtype t, const size_t *shape, int nd, const void *p)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return npy_write(path, t, shape, nd, p);
}

/* Write what an independent checker needs.  GEMM: a (MxK), b (KxN), y (MxN).
 * Convolution in ONNX layouts: x (1,C,H,W), w (O,C,KH,KW), y (1,O,OH,OW),
 * strides, pads (top, left, bottom, right), dilations. */
static int op_dump(const struct op_args *a, const struct op_data *d)
{
	const struct mote_cc_conv *c = &d->conv;
	if (mkdir(a->dump, 0777) != 0 && errno != EEXIST)
		return cli_fail("--dump %s: cannot create the directory", a->dump);
	size_t oc = c->out_c, n1 = oc;
	const char *pfx_in = a->is_gemm ? "a" : "x", *pfx_w = a->is_gemm ? "b" : "w";
	char name[64];
	int bad = 0;
	if (a->is_gemm) {
		size_t sa[2] = {a->m, a->k}, sb[2] = {a->k, a->n}, sy[2] = {a->m, a->n};
		bad |= dump_array(a->dump, "a.npy", NPY_I8, sa, 2, d->input);
		bad |= dump_array(a->dump, "b.npy", NPY_I8, sb, 2, d->weights);
		bad |= dump_array(a->dump, "y.npy", NPY_I8, sy, 2, d->y_dev);
	} else {
		size_t H = c->in_h, W = c->in_w, C = c->in_c, KH = c->k_h, KW = c->k_w, OH = d->out_h, OW = d->out_w;
		int8_t *x = malloc(H * W * C + 1), *w = malloc(KH * KW * C * oc + 1), *y = malloc(OH * OW * oc + 1);
		if (!x || !w || !y) {
			free(x);
			free(w);
			free(y);
			return cli_fail("out of memory");
		}
		for (size_t ci = 0; ci < C; ci++)
			for (size_t i = 0; i < H * W; i++)
				x[ci * H * W + i] = d->input[i * C + ci];
		for (size_t o = 0; o < oc; o++)
			for (size_t ci = 0; ci < C; ci++)
				for (size_t ky = 0; ky < KH; ky++)
					for (size_t kx = 0; kx < KW; kx++)
						w[((o * C + ci) * KH + ky) * KW + kx] = d->weights[((ky * KW + kx) * C + ci) * oc + o];
		for (size_t o = 0; o < oc; o++)
			for (size_t i = 0; i < OH * OW; i++)
				y[o * OH * OW + i] = (int8_t)d->y_dev[i * oc + o];
		size_t sx[4] = {1, C, H, W}, sw[4] = {oc, C, KH, KW}, sy[4] = {1, oc, OH, OW}, two = 2, four = 4;
		int32_t strides[2] = {(int32_t)c->stride_h, (int32_t)c->stride_w};
		int32_t pads[4] = {(int32_t)c->pad_top, (int32_t)c->pad_left, (int32_t)c->pad_bottom, (int32_t)c->pad_right};
		int32_t dil[2] = {(int32_t)c->dil_h, (int32_t)c->dil_w};
		bad |= dump_array(a->dump, "x.npy", NPY_I8, sx, 4, x);
		bad |= dump_array(a->dump, "w.npy", NPY_I8, sw, 4, w);
		bad |= dump_array(a->dump, "y.npy", NPY_I8, sy, 4, y);
		bad |= dump_array(a->dump, "strides.npy", NPY_I32, &two, 1, strides);
		bad |= dump_array(a->dump, "pads.npy", NPY_I32, &four, 1, pads);
		bad |= dump_array(a->dump, "dilations.npy", NPY_I32, &two, 1, dil);
		free(x);
		free(w);
		free(y);
	}
	snprintf(name, sizeof name, "%s_zero_point.npy", pfx_in);
	bad |= dump_scalar_i8(a->dump, name, c->in_zp);
	snprintf(name, sizeof name, "%s_zero_point.npy", pfx_w);
	bad |= dump_scalar_i8(a->dump, name, c->w_zp);
	bad |= dump_scalar_i8(a->dump, "y_zero_point.npy", c->out_zp);
	int32_t clamp[2] = {c->clamp_lo, c->clamp_hi};
	size_t two = 2;
	bad |= dump_array(a->dump, "clamp.npy", NPY_I32, &two, 1, clamp);
	bad |= dump_array(a->dump, "bias.npy", NPY_I32, &n1, 1, d->bias);
	bad |= dump_array(a->dump, "scale.npy", NPY_F64, &n1, 1, d->scale);
	bad |= dump_array(a->dump, "multiplier.npy", NPY_I32, &n1, 1, d->mult);
	bad |= dump_array(a->dump, "shift.npy", NPY_I32, &n1, 1, d->shift);
	if (bad)
		return cli_fail("--dump %s: cannot write the files", a->dump);
	return 0;
}

static void op_report(const struct op_args *a, const struct mote_device_info *info, const struct op_data *d,
		      const struct op_run *r, size_t mismatches)
{
	const struct mote_geometry *g = &info->geometry;
	uint64_t cycles = r->result.perf[MOTE_PERF_CYCLES];
	uint64_t macs = r->plan.macs_useful;
	double util = cycles ? (double)macs / ((double)cycles * g->rows * g->cols) : 0;
	if (a->json) {
		struct json j;
		json_begin(&j, stdout);
		json_str(&j, "op", a->is_gemm ? "gemm" : "conv");
		json_str(&j, "device", info->uri);
		json_uint(&j, "rows", g->rows);
		json_uint(&j, "cols", g->cols);
		if (a->is_gemm) {
			json_uint(&j, "m", a->m);
			json_uint(&j, "k", a->k);
			json_uint(&j, "n", a->n);
		} else {
			json_uint(&j, "h", a->h);
			json_uint(&j, "w", a->w);
			json_uint(&j, "cin", a->cin);
			json_uint(&j, "cout", a->cout);
			json_uint(&j, "kh", a->kh);
			json_uint(&j, "kw", a->kw);
			json_uint(&j, "stride", a->stride);
			json_uint(&j, "pad", a->pad);
			json_uint(&j, "dilation", a->dil);
			json_uint(&j, "out_h", d->out_h);
			json_uint(&j, "out_w", d->out_w);
		}
		json_uint(&j, "seed", a->seed);
		json_uint(&j, "cycles", cycles);
		json_uint(&j, "macs", macs);
		json_num(&j, "utilization", util);
		json_uint(&j, "outputs", d->out_bytes);
		json_uint(&j, "mismatches", mismatches);
		json_uint(&j, "commands", r->plan.n_cmds);
		json_num(&j, "wall_seconds", r->wall);
		json_num(&j, "sim_cycles_per_second", r->sim_speed);
		json_key_object(&j, "perf");
		for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
			json_uint(&j, mote_perf_name(i), r->result.perf[i]);
		json_close(&j);
		json_end(&j);
		return;
	}
	if (a->is_gemm)
		printf("gemm M=%u K=%u N=%u", a->m, a->k, a->n);
	else
		printf("conv %ux%ux%u -> %u, %ux%u kernel, stride %u, pad %u, dilation %u (output %ux%u)", a->h, a->w,
		       a->cin, a->cout, a->kh, a->kw, a->stride, a->pad, a->dil, d->out_h, d->out_w);
	printf(" on %s (%ux%u array)\n", info->uri, g->rows, g->cols);
	printf("  outputs      %zu bytes, %zu mismatches against the reference executor%s\n", d->out_bytes, mismatches,
	       mismatches ? "" : " (bit-exact)");
	printf("  cycles       %llu\n", (unsigned long long)cycles);
	printf("  MACs         %llu useful, %llu issued\n", (unsigned long long)macs,
	       (unsigned long long)r->result.perf[MOTE_PERF_MACS_ISSUED]);
	printf("  utilization  %.4f (useful MACs / (cycles x %u x %u))\n", util, g->rows, g->cols);
	printf("  commands     %u (%u load, %u matmul, %u store, %u sync)\n", r->plan.n_cmds, r->plan.n_load,
	       r->plan.n_matmul, r->plan.n_store, r->plan.n_sync);
	printf("  busy         load %llu, compute %llu, store %llu cycles; bytes read %llu, written %llu\n",
	       (unsigned long long)r->result.perf[MOTE_PERF_LOAD_BUSY],
	       (unsigned long long)r->result.perf[MOTE_PERF_COMPUTE_BUSY],
	       (unsigned long long)r->result.perf[MOTE_PERF_STORE_BUSY],
	       (unsigned long long)r->result.perf[MOTE_PERF_BYTES_READ],
	       (unsigned long long)r->result.perf[MOTE_PERF_BYTES_WRITTEN]);
	printf("  simulation   %.2f s wall, %.0f simulated cycles/s\n", r->wall, r->sim_speed);
}

static int run_op(struct op_args *a)
{
	mote_device *dev = NULL;
	struct op_data d;
	memset(&d, 0, sizeof d);
	struct op_run r;
	memset(&r, 0, sizeof r);
	int status = 3;
	int rc = mote_open(a->device, &dev);
	if (rc < 0) {
		cli_fail("cannot open device '%s': %s", a->device, mote_strerror(rc));
		return 3;
	}
	struct mote_device_info info;
	mote_device_info(dev, &info);
	if (op_make(a, &d) < 0 || op_execute(dev, &info.geometry, a, &d, &r) < 0)
		goto out;
	size_t mismatches = 0;
	for (size_t i = 0; i < d.out_bytes; i++)
		if (d.y_dev[i] != d.y_ref[i]) {
			if (mismatches < 8)
				fprintf(stderr, "mismatch at output %zu: device %d, reference %d\n", i, (int8_t)d.y_dev[i],
					(int8_t)d.y_ref[i]);
			mismatches++;
		}
	if (a->dump && op_dump(a, &d) < 0)
		goto out;
	op_report(a, &info, &d, &r, mismatches);
	status = mismatches ? 1 : 0;
out:
	op_free(&d);
	mote_close(dev);
	return status;
}

int cmd_gemm(int argc, char **argv)
{
	struct op_args a = {.is_gemm = 1, .device = "sim", .seed = 1};
	struct opt o[] = {
		{"m", OPT_U32, &a.m, 1, 1, 1u << 16, "rows of A and Y", 0},
		{"k", OPT_U32, &a.k, 1, 1, 1u << 16, "reduction length", 0},
		{"n", OPT_U32, &a.n, 1, 1, 1u << 16, "columns of B and Y", 0},
		{"seed", OPT_U32, &a.seed, 0, 0, UINT32_MAX, "random seed (default 1)", 0},
		{"relu", OPT_FLAG, &a.relu, 0, 0, 0, "clamp at the output zero point", 0},
		{"device", OPT_STR, &a.device, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &a.json, 0, 0, 0, "print one JSON object", 0},
		{"dump", OPT_STR, &a.dump, 0, 0, 0, "write operands and result as .npy files to this directory", 0},
		{0},
	};
	int rc = opts_parse("gemm", "--m M --k K --n N [options]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	return run_op(&a);
}

int cmd_conv(int argc, char **argv)
{
	struct op_args a = {.device = "sim", .seed = 1, .stride = 1, .dil = 1};
	struct opt o[] = {
		{"h", OPT_U32, &a.h, 1, 1, 1u << 15, "input height", 0},
		{"w", OPT_U32, &a.w, 1, 1, 1u << 15, "input width", 0},
		{"cin", OPT_U32, &a.cin, 1, 1, 1u << 15, "input channels", 0},
		{"cout", OPT_U32, &a.cout, 1, 1, 1u << 15, "output channels", 0},
		{"kh", OPT_U32, &a.kh, 1, 1, 255, "kernel height", 0},
		{"kw", OPT_U32, &a.kw, 1, 1, 255, "kernel width", 0},
		{"stride", OPT_U32, &a.stride, 0, 1, 255, "stride (default 1)", 0},
		{"pad", OPT_U32, &a.pad, 0, 0, 255, "zero-point padding on every side (default 0)", 0},
		{"dilation", OPT_U32, &a.dil, 0, 1, 255, "dilation (default 1)", 0},
		{"seed", OPT_U32, &a.seed, 0, 0, UINT32_MAX, "random seed (default 1)", 0},
		{"relu", OPT_FLAG, &a.relu, 0, 0, 0, "clamp at the output zero point", 0},
		{"device", OPT_STR, &a.device, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &a.json, 0, 0, 0, "print one JSON object", 0},
		{"dump", OPT_STR, &a.dump, 0, 0, 0, "write operands and result as .npy files to this directory", 0},
		{0},
	};
	int rc = opts_parse("conv", "--h H --w W --cin CI --cout CO --kh KH --kw KW [options]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	return run_op(&a);
}
