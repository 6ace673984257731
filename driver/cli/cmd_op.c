/* cmd_op.c: `mote gemm` and `mote conv`.
 *
 * Make one random int8 operator (operands, zero points, bias and per-channel
 * scales), build its command stream for the device's geometry, run it, and
 * compare every output byte with the reference executor.  Exit status: 0 all
 * bytes equal, 1 mismatches, 2 usage, 3 any other error.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mote/mote.h"
#include "mote/mote_compiler.h"
#include "npy.h"
#include "outdir.h"
#include "op.h"
#include "opts.h"

/* --dump's directory; the first file that could not be written and why */
struct dump {
	struct outdir dir;
	const char *failed;
	int err;
};

static void dump_array(struct dump *d, const char *name, enum npy_dtype t, const size_t *shape, int nd, const void *p)
{
	if (!d->failed && outdir_write_npy(&d->dir, name, t, shape, nd, p))
		d->failed = name, d->err = errno;
}

static void dump_scalar_i8(struct dump *d, const char *name, int32_t v)
{
	int8_t b = (int8_t)v;
	dump_array(d, name, NPY_I8, NULL, 0, &b);
}

/* Write what an independent checker needs.  GEMM: a (MxK), b (KxN), y (MxN).
 * Convolution in ONNX layouts: x (1,C,H,W), w (O,C,KH,KW), y (1,O,OH,OW),
 * strides, pads (top, left, bottom, right), dilations. */
static int op_dump(const struct op_args *a, const struct op_data *d, struct outdir *od)
{
	const struct mote_cc_conv *c = &d->conv;
	struct dump dd = {.dir = *od, .failed = NULL}, *dir = &dd;
	size_t oc = c->out_c, n1 = oc;
	const char *pfx_in = a->is_gemm ? "a" : "x", *pfx_w = a->is_gemm ? "b" : "w";
	char zp_in[32], zp_w[32]; /* each its own: dd.failed may point at one */
	if (a->is_gemm) {
		size_t sa[2] = {a->m, a->k}, sb[2] = {a->k, a->n}, sy[2] = {a->m, a->n};
		dump_array(dir, "a.npy", NPY_I8, sa, 2, d->input);
		dump_array(dir, "b.npy", NPY_I8, sb, 2, d->weights);
		dump_array(dir, "y.npy", NPY_I8, sy, 2, d->y_dev);
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
		dump_array(dir, "x.npy", NPY_I8, sx, 4, x);
		dump_array(dir, "w.npy", NPY_I8, sw, 4, w);
		dump_array(dir, "y.npy", NPY_I8, sy, 4, y);
		dump_array(dir, "strides.npy", NPY_I32, &two, 1, strides);
		dump_array(dir, "pads.npy", NPY_I32, &four, 1, pads);
		dump_array(dir, "dilations.npy", NPY_I32, &two, 1, dil);
		free(x);
		free(w);
		free(y);
	}
	snprintf(zp_in, sizeof zp_in, "%s_zero_point.npy", pfx_in);
	dump_scalar_i8(dir, zp_in, c->in_zp);
	snprintf(zp_w, sizeof zp_w, "%s_zero_point.npy", pfx_w);
	dump_scalar_i8(dir, zp_w, c->w_zp);
	dump_scalar_i8(dir, "y_zero_point.npy", c->out_zp);
	int32_t clamp[2] = {c->clamp_lo, c->clamp_hi};
	size_t two = 2;
	dump_array(dir, "clamp.npy", NPY_I32, &two, 1, clamp);
	dump_array(dir, "bias.npy", NPY_I32, &n1, 1, d->bias);
	dump_array(dir, "scale.npy", NPY_F64, &n1, 1, d->scale);
	dump_array(dir, "multiplier.npy", NPY_I32, &n1, 1, d->mult);
	dump_array(dir, "shift.npy", NPY_I32, &n1, 1, d->shift);
	if (dd.failed)
		return cli_fail("--dump %s: cannot write %s: %s", a->dump, dd.failed, strerror(dd.err));
	return 0;
}

/* With --sparsity 2:4, the same pruned weights also run dense: its cycles */
struct sparse_cmp {
	int on;
	uint64_t dense_cycles;
	size_t dense_mismatches, differ; /* dense run against the reference; bytes the two runs differ in */
};

static void op_report(const struct op_args *a, const struct mote_device_info *info, const struct op_data *d,
		      const struct op_run *r, size_t mismatches, const struct sparse_cmp *sp)
{
	const struct mote_geometry *g = &info->geometry;
	uint64_t cycles = r->result.perf[MOTE_PERF_CYCLES];
	uint64_t macs = r->plan.macs_useful;
	double util = cycles ? (double)macs / ((double)cycles * g->rows * g->cols) : 0;
	/* dense-equivalent MACs over the same slots: what the sparse array's cycles are worth */
	double eff = cycles ? (double)r->plan.macs_dense / ((double)cycles * g->rows * g->cols) : 0;
	double speedup = sp->on && cycles ? (double)sp->dense_cycles / (double)cycles : 0;
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
			json_uint(&j, "groups", a->groups ? a->groups : 1);
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
		if (sp->on) {
			json_uint(&j, "dense_cycles", sp->dense_cycles);
			json_num(&j, "speedup", speedup);
			json_num(&j, "effective_utilization", eff);
		}
		json_num(&j, "wall_seconds", r->wall);
		json_num(&j, "sim_cycles_per_second", r->sim_speed);
		json_key_object(&j, "perf");
		for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
			if (r->result.perf_set >> i & 1)   /* the counters the device keeps */
				json_uint(&j, mote_perf_name(i), r->result.perf[i]);
		json_close(&j);
		json_end(&j);
		return;
	}
	if (a->is_gemm)
		printf("gemm M=%u K=%u N=%u", a->m, a->k, a->n);
	else
		printf("conv %ux%ux%u -> %u, %ux%u kernel, stride %u, pad %u, dilation %u%s (output %ux%u)", a->h, a->w,
		       a->cin, a->cout, a->kh, a->kw, a->stride, a->pad, a->dil,
		       a->groups > 1 ? (a->groups == a->cin && a->groups == a->cout ? ", depthwise" : ", grouped") : "",
		       d->out_h, d->out_w);
	printf(" on %s (%ux%u array)%s\n", info->uri, g->rows, g->cols, sp->on ? ", 2:4 sparse weights" : "");
	printf("  outputs      %zu bytes, %zu mismatches against the reference executor%s\n", d->out_bytes, mismatches,
	       mismatches ? "" : " (bit-exact)");
	printf("  cycles       %llu\n", (unsigned long long)cycles);
	if (sp->on) {
		printf("  dense        %llu cycles for the same pruned weights run dense (%zu mismatches, %zu bytes "
		       "differ from the sparse run): speedup %.3f\n", (unsigned long long)sp->dense_cycles,
		       sp->dense_mismatches, sp->differ, speedup);
		printf("  effective    %.4f (dense-equivalent MACs %llu / (cycles x %u x %u))\n", eff,
		       (unsigned long long)r->plan.macs_dense, g->rows, g->cols);
	}
	/* issued = ROWS*COLS per activation row: a device without the counter
	 * (a small board build) still counts the rows, or counts neither */
	const uint32_t kept = r->result.perf_set;
	int have_issued = (kept >> MOTE_PERF_MACS_ISSUED & 1) || (kept >> MOTE_PERF_ARRAY_ACTIVE & 1);
	uint64_t issued = kept >> MOTE_PERF_MACS_ISSUED & 1 ? r->result.perf[MOTE_PERF_MACS_ISSUED]
							    : r->result.perf[MOTE_PERF_ARRAY_ACTIVE] * g->rows * g->cols;
	if (have_issued)
		printf("  MACs         %llu useful, %llu issued\n", (unsigned long long)macs, (unsigned long long)issued);
	else
		printf("  MACs         %llu useful\n", (unsigned long long)macs);
	printf("  utilization  %.4f (useful MACs / (cycles x %u x %u))\n", util, g->rows, g->cols);
	printf("  commands     %u (%u load, %u matmul, %u store, %u sync)\n", r->plan.n_cmds, r->plan.n_load,
	       r->plan.n_matmul, r->plan.n_store, r->plan.n_sync);
	char busy[160];
	int missing = cli_busy_text(busy, sizeof busy, kept, r->result.perf);
	printf("  busy         %s%s\n", busy, missing ? " (-: not counted by this device)" : "");
	printf("  simulation   %.2f s wall, %.0f simulated cycles/s\n", r->wall, r->sim_speed);
}

int cli_busy_text(char *buf, size_t n, uint32_t kept, const uint64_t *perf)
{
	static const unsigned busy[] = {MOTE_PERF_LOAD_BUSY, MOTE_PERF_COMPUTE_BUSY, MOTE_PERF_STORE_BUSY,
					MOTE_PERF_BYTES_READ, MOTE_PERF_BYTES_WRITTEN};
	char val[5][24];
	int missing = 0;
	for (unsigned i = 0; i < 5; i++) {
		if (kept >> busy[i] & 1) {
			snprintf(val[i], sizeof val[i], "%llu", (unsigned long long)perf[busy[i]]);
		} else {
			snprintf(val[i], sizeof val[i], "-");
			missing = 1;
		}
	}
	snprintf(buf, n, "load %s, compute %s, store %s cycles; bytes read %s, written %s", val[0], val[1], val[2],
		 val[3], val[4]);
	return missing;
}

/* --sparsity: dense (the default) or 2:4; 0, or usage error 2 */
static int parse_sparsity(struct op_args *a, const char *s)
{
	if (!s || !strcmp(s, "dense"))
		a->sparse = 0;
	else if (!strcmp(s, "2:4"))
		a->sparse = 1;
	else
		return cli_fail("--sparsity %s: dense or 2:4", s), 2;
	if (a->sparse && (a->w_uint8 || a->stack_rows || a->groups > 1))
		return cli_fail("--sparsity 2:4 takes int8 weights without groups or stacked rows"), 2;
	return 0;
}

static int run_op(struct op_args *a)
{
	mote_device *dev = NULL;
	struct op_data d;
	memset(&d, 0, sizeof d);
	struct op_run r;
	memset(&r, 0, sizeof r);
	int status = 3;
	struct outdir od = {-1, NULL};
	if (a->dump && !a->dump[0])
		return cli_fail("--dump '': an empty directory name (use . for the current directory)"), 2;
	if (a->dump && outdir_open(&od, "--dump", a->dump, 1)) /* before any work: a bad directory fails at once */
		return 3;
	a->progress = !a->quiet && !a->json && isatty(STDERR_FILENO);
	int rc = cli_open("device", a->device, &dev);
	if (rc < 0) {
		outdir_close(&od);
		return 3;
	}
	struct mote_device_info info;
	mote_device_info(dev, &info);
	size_t mismatches = 0;
	struct sparse_cmp sp = {.on = a->sparse};
	if (op_check(dev, &info.geometry, a, &d, &r, &mismatches, 1) < 0)
		goto out;
	if (a->sparse) { /* the same pruned weights dense: the same bytes, its cycles */
		struct op_run rd;
		memset(&rd, 0, sizeof rd);
		uint8_t *y_sparse = malloc(d.out_bytes ? d.out_bytes : 1);
		if (!y_sparse) {
			cli_fail("out of memory");
			goto out;
		}
		memcpy(y_sparse, d.y_dev, d.out_bytes);
		d.conv.sparse = 0;
		d.gemm.sparse = 0;
		struct op_args ad = *a;
		ad.sparse = 0;
		if (op_execute(dev, &info.geometry, &ad, &d, &rd) < 0) {
			free(y_sparse);
			goto out;
		}
		sp.dense_cycles = rd.result.perf[MOTE_PERF_CYCLES];
		sp.dense_mismatches = op_mismatches(&d, 1);
		for (size_t i = 0; i < d.out_bytes; i++)
			sp.differ += y_sparse[i] != d.y_dev[i];
		memcpy(d.y_dev, y_sparse, d.out_bytes); /* --dump writes the sparse run's output */
		free(y_sparse);
		d.conv.sparse = 1;
		d.gemm.sparse = 1;
	}
	if (a->dump && op_dump(a, &d, &od) < 0)
		goto out;
	op_report(a, &info, &d, &r, mismatches + sp.dense_mismatches + sp.differ, &sp);
	status = mismatches || sp.dense_mismatches || sp.differ ? 1 : 0;
out:
	op_free(&d);
	outdir_close(&od);
	mote_close(dev);
	return status;
}

int cmd_gemm(int argc, char **argv)
{
	struct op_args a = {.is_gemm = 1, .device = "sim", .seed = 1};
	const char *sparsity = NULL;
	struct opt o[] = {
		{"m", OPT_U32, &a.m, 1, 1, 1u << 16, "rows of A and Y", 0},
		{"k", OPT_U32, &a.k, 1, 1, 1u << 16, "reduction length", 0},
		{"n", OPT_U32, &a.n, 1, 1, 1u << 16, "columns of B and Y", 0},
		{"seed", OPT_U32, &a.seed, 0, 0, UINT32_MAX, "random seed (default 1)", 0},
		{"relu", OPT_FLAG, &a.relu, 0, 0, 0, "clamp at the output zero point", 0},
		{"add", OPT_FLAG, &a.add, 0, 0, 0, "fuse a residual add of a random tensor into the stores (STORE ADD)", 0},
		{"round-tfl", OPT_FLAG, &a.round_tfl, 0, 0, 0, "TFLite's multipliers and two roundings (STORE ROUND_TFL)", 0},
		{"sparsity", OPT_STR, &sparsity, 0, 0, 0,
		 "dense (default) or 2:4: prune the weights 2:4, run sparse and dense, report both", 0},
		{"device", OPT_STR, &a.device, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &a.json, 0, 0, 0, "print one JSON object", 0},
		{"dump", OPT_STR, &a.dump, 0, 0, 0, "write operands and result as .npy files to this directory", 0},
		{"quiet", OPT_FLAG, &a.quiet, 0, 0, 0, "no progress line (there is none unless stderr is a terminal)", 0},
		{0},
	};
	int rc = opts_parse("gemm", "--m M --k K --n N [options]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if ((rc = parse_sparsity(&a, sparsity)))
		return rc;
	return run_op(&a);
}

int cmd_conv(int argc, char **argv)
{
	struct op_args a = {.device = "sim", .seed = 1, .stride = 1, .dil = 1};
	const char *sparsity = NULL;
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
		{"groups", OPT_U32, &a.groups, 0, 1, 1u << 15, "groups (default 1; cin = cout = groups: depthwise)", 0},
		{"stack-rows", OPT_FLAG, &a.stack_rows, 0, 0, 0,
		 "run it with the kernel rows stacked as channels (the host lays out the input)", 0},
		{"seed", OPT_U32, &a.seed, 0, 0, UINT32_MAX, "random seed (default 1)", 0},
		{"relu", OPT_FLAG, &a.relu, 0, 0, 0, "clamp at the output zero point", 0},
		{"add", OPT_FLAG, &a.add, 0, 0, 0, "fuse a residual add of a random tensor into the stores (STORE ADD)", 0},
		{"round-tfl", OPT_FLAG, &a.round_tfl, 0, 0, 0, "TFLite's multipliers and two roundings (STORE ROUND_TFL)", 0},
		{"sparsity", OPT_STR, &sparsity, 0, 0, 0,
		 "dense (default) or 2:4: prune the weights 2:4, run sparse and dense, report both", 0},
		{"device", OPT_STR, &a.device, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &a.json, 0, 0, 0, "print one JSON object", 0},
		{"dump", OPT_STR, &a.dump, 0, 0, 0, "write operands and result as .npy files to this directory", 0},
		{"quiet", OPT_FLAG, &a.quiet, 0, 0, 0, "no progress line (there is none unless stderr is a terminal)", 0},
		{0},
	};
	int rc = opts_parse("conv", "--h H --w W --cin CI --cout CO --kh KH --kw KW [options]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if ((rc = parse_sparsity(&a, sparsity)))
		return rc;
	return run_op(&a);
}
