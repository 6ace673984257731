/* cmd_model.c: `mote compile`, `mote run MODEL.mote` and `mote eval`.
 *
 *   compile MODEL.onnx|MODEL.tflite -o OUT.mote [--target URI] [--report] [--keep-tensors]
 *   run MODEL.mote --input NAME=FILE ... [--output DIR] [--check MODEL.onnx] [--device URI] [--json] [--perf]
 *   eval MODEL.mote --data X.npy --labels Y.npy [--check MODEL.onnx]
 *        [--agree PRED.npy] [--limit N] [--device URI] [--json]
 *
 * Inputs are .npy files (or ONNX TensorProto .pb files) whose element type
 * and element count match the tensor; outputs are written as .npy.  run
 * prints each step's cycles and utilization (with --perf also its busy and
 * byte counters; with --check, after comparing
 * every tensor the device still holds with the reference executor run on the
 * same inputs: exit 1 on any difference); eval runs a batch image by
 * image, and with --check compares every tensor the device wrote, and the
 * outputs, byte for byte with the reference executor.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mote/mote.h"
#include "mote/mote_compiler.h"
#include "mote/mote_model_format.h"
#include "json.h"
#include "npy.h"
#include "opts.h"
#include "outdir.h"

static int npy_dtype_of(int32_t onnx, enum npy_dtype *t)
{
	switch (onnx) {
	case 1: *t = NPY_F32; return 0;
	case 2: *t = NPY_U8; return 0;
	case 3: *t = NPY_I8; return 0;
	case 6: *t = NPY_I32; return 0;
	default: return -1;
	}
}

/* compile's report lines: every line with --report, else only warnings, on stderr; with
 * --json they are kept for the object instead */
struct compile_out {
	int report, json;
	char **lines;
	size_t n, cap;
	int oom;
};

static void compile_line(void *ctx, const char *line)
{
	struct compile_out *co = ctx;
	int warn = strncmp(line, "warning: ", 9) == 0;
	if (!co->json) {
		if (co->report)
			printf("%s\n", line);
		else if (warn)
			fprintf(stderr, "%s\n", line);
		return;
	}
	if (!co->report && !warn)
		return;
	if (co->n == co->cap) {
		size_t cap = co->cap ? 2 * co->cap : 64;
		char **l = realloc(co->lines, cap * sizeof *l);
		if (!l) {
			co->oom = 1;
			return;
		}
		co->lines = l, co->cap = cap;
	}
	if (!(co->lines[co->n] = strdup(line)))
		co->oom = 1;
	else
		co->n++;
}

static int open_model(const char *path, const char *uri, mote_device **dev, mote_model **m)
{
	size_t len;
	uint8_t *b = cli_slurp(path, &len);
	if (!b)
		return cli_fail("cannot read %s: %s", path, strerror(errno));
	char def[64];
	if (!uri) /* the array it was compiled for */
		uri = cli_model_device(b, len, def, sizeof def);
	int rc = cli_open("device", uri, dev);
	if (rc) {
		free(b);
		return -1;
	}
	struct mote_model_diag d = {{0}};
	rc = mote_model_load(*dev, b, len, m, &d);
	free(b);
	if (rc) {
		cli_fail("%s: %s: %s", path, mote_strerror(rc), d.msg);
		mote_close(*dev);
		*dev = NULL;
		return -1;
	}
	return 0;
}

/* ---- compile ---------------------------------------------------------------------- */

/* What a compile made: the .mote bytes (mote_cc_free them), the target's geometry, the time. */
struct compiled {
	void *model;
	size_t mlen;
	struct mote_geometry geo;
	double ms;
};

static int do_compile(const char *in, const char *out, const char *target, struct mote_cc_compile_opts *copts,
		      struct compile_out *co, struct compiled *r)
{
	if (cli_same_file(in, out))
		return cli_fail("-o %s: it is the model being compiled; name another file", out), 2;
	size_t len;
	uint8_t *onnx = cli_slurp(in, &len);
	if (!onnx)
		return cli_fail("cannot read %s: %s", in, strerror(errno)), 3;
	mote_device *dev;
	int rc;
	if ((rc = cli_open("target", target, &dev))) {
		free(onnx);
		return 3;
	}
	struct mote_device_info info;
	mote_device_info(dev, &info);
	r->geo = info.geometry;
	struct mote_cc_diag d = {{0}};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (co->report && !co->json)
		printf("%s for %ux%u:\n", in, info.geometry.rows, info.geometry.cols);
	copts->mem_bytes = info.mem_size;
	rc = mote_cc_compile_onnx_opts(onnx, len, &info.geometry, copts, compile_line, co, &r->model, &r->mlen, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	mote_close(dev);
	free(onnx);
	if (rc)
		return cli_fail("%s: %s: %s", in, mote_cc_strerror(rc), d.msg), 3;
	/* the device memory a run takes: the constant buffer (commands, weights) and
	 * the activation arena, each in whole blocks, after the reserved first block */
	struct mote_mf_header hdr;
	memcpy(&hdr, r->model, sizeof hdr);
	uint64_t need = mote_cc_model_mem_need(r->model, r->mlen);
	if (need > info.mem_size)
		return cli_fail("%s: the model needs %llu bytes of device memory (commands and constants %u, "
				"activations %u); the target %s has %llu",
				in, (unsigned long long)need, hdr.const_bytes, hdr.arena_bytes, target,
				(unsigned long long)info.mem_size),
		       3;
	rc = cli_replace_file(out, r->model, r->mlen, in);
	int err = errno;
	if (rc)
		return cli_fail("cannot write %s: %s", out, err == EEXIST ? "it is the model being compiled" : strerror(err)),
		       3;
	return 0;
}

/* compile --json: one object, also on errors: the compile's figures, its report lines
 * (warnings; with --report all), and the model as info describes it (loaded on the target) */
static int compile_json(const char *in, const char *out, const char *target, int status, const struct compile_out *co,
			const struct compiled *r)
{
	struct json j;
	json_begin(&j, stdout);
	json_str(&j, "model", in);
	json_str(&j, "output", out);
	json_str(&j, "target", target);
	json_key_array(&j, co->report ? "report" : "warnings");
	for (size_t i = 0; i < co->n; i++)
		json_elem_str(&j, co->lines[i]);
	json_close(&j);
	mote_device *dev = NULL;
	mote_model *m = NULL;
	struct mote_model_diag md = {{0}};
	int rc;
	if (!status && ((rc = mote_open(target, &dev)) || (rc = mote_model_load(dev, r->model, r->mlen, &m, &md))))
		status = 3, cli_fail("%s: cannot load it again on %s: %s %s", out, target, mote_strerror(rc), md.msg);
	if (!status) {
		json_num(&j, "compile_ms", r->ms);
		cli_model_json(&j, m, r->model, r->mlen);
	} else {
		json_str(&j, "error", cli_last_error());
	}
	json_int(&j, "status", status);
	json_finish(&j);
	mote_model_free(m);
	mote_close(dev);
	return status;
}

int cmd_compile(int argc, char **argv)
{
	const char *out = NULL, *target = "sim", *sparsity = "auto";
	struct compile_out co = {0};
	struct mote_cc_compile_opts copts = {0};
	int quiet = 0;
	struct opt o[] = {
		{"output", OPT_STR, &out, 1, 0, 0, "(or -o) the .mote file to write", 0},
		{"target", OPT_STR, &target, 0, 0, 0, "device URI whose geometry and features to compile for (default sim)", 0},
		{"report", OPT_FLAG, &co.report, 0, 0, 0, "print where every node runs, each step's layer kind, and the memory used", 0},
		{"keep-tensors", OPT_FLAG, &copts.keep_tensors, 0, 0, 0,
		 "no arena reuse: every tensor stays readable after a run (for --check)", 0},
		{"json", OPT_FLAG, &co.json, 0, 0, 0, "print one JSON object: figures, report lines, the model's steps", 0},
		{"sparsity", OPT_STR, &sparsity, 0, 0, 0,
		 "auto|dense|2:4: run 2:4 sparse weights sparse where faster (auto), never, or in every layer that "
		 "can (2:4: refuses a layer whose weights are not 2:4, naming it)", 0},
		{"quiet", OPT_FLAG, &quiet, 0, 0, 0, "no progress line (there is none unless stderr is a terminal)", 0},
		{0},
	};
	static const char synopsis[] = "MODEL.onnx|MODEL.tflite -o OUT.mote [options]\n"
				       "  (the format is read from the file: a TFLite file says \"TFL3\" at bytes 4..7)";
	if (argc < 2 || argv[1][0] == '-') {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		if (!help)
			fprintf(stderr, "mote compile: the model file is missing\n");
		opts_usage("compile", synopsis, o, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *in = argv[1];
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = "--output";
	int rc = opts_parse("compile", synopsis, o, argc - 1, argv + 1);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (!strcmp(sparsity, "auto"))
		copts.sparsity = MOTE_CC_SPARSITY_AUTO;
	else if (!strcmp(sparsity, "dense"))
		copts.sparsity = MOTE_CC_SPARSITY_DENSE;
	else if (!strcmp(sparsity, "2:4"))
		copts.sparsity = MOTE_CC_SPARSITY_S24;
	else
		return cli_fail("--sparsity %s: expected auto, dense or 2:4", sparsity), 2;
	struct compile_progress prog;
	compile_progress_begin(&prog);
	if (!quiet && !co.json && isatty(STDERR_FILENO))
		copts.progress = compile_progress, copts.progress_ctx = &prog;
	struct compiled r = {0};
	int status = do_compile(in, out, target, &copts, &co, &r);
	compile_progress_end(&prog);
	if (!status && co.report && !co.json && compile_report_measured(target, r.model, r.mlen))
		status = 3;
	if (!status && co.oom)
		status = 3, cli_fail("out of memory");
	if (co.json)
		status = compile_json(in, out, target, status, &co, &r);
	else if (!status)
		printf("%s: %zu bytes for %ux%u, compiled in %.1f ms\n", out, r.mlen, r.geo.rows, r.geo.cols, r.ms);
	mote_cc_free(r.model);
	for (size_t i = 0; i < co.n; i++)
		free(co.lines[i]);
	free(co.lines);
	return status;
}

/* ---- run -------------------------------------------------------------------------- */

/* "int8 (1, 1, 28, 28)": an element type and a shape, NumPy's way. */
static void shape_text(char *buf, size_t n, const char *type, const size_t *dims, unsigned rank)
{
	int k = snprintf(buf, n, "%s (", type);
	for (unsigned d = 0; d < rank && k > 0 && (size_t)k < n; d++)
		k += snprintf(buf + k, n - (size_t)k, "%s%zu", d ? ", " : "", dims[d]);
	if (k > 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, rank == 1 ? ",)" : ")");
}

static const char *npy_dtype_name(enum npy_dtype t)
{
	switch (t) {
	case NPY_I8: return "int8";
	case NPY_U8: return "uint8";
	case NPY_I32: return "int32";
	case NPY_F64: return "float64";
	case NPY_F32: return "float32";
	case NPY_I64: return "int64";
	}
	return "?";
}

/* the NumPy name of an ONNX element type (those a model's inputs take) */
static const char *onnx_dtype_text(int32_t t)
{
	enum npy_dtype n;
	return npy_dtype_of(t, &n) ? "an unsupported type" : npy_dtype_name(n);
}

/* Bytes for tensor info from FILE (.npy, else a TensorProto .pb): the type
 * and the shape must be the input's, exactly. */
static void *read_input(const char *file, const struct mote_tensor_info *ti)
{
	char why[256];
	size_t n = strlen(file);
	if (n > 3 && !strcmp(file + n - 3, ".pb")) {
		size_t len;
		uint8_t *b = cli_slurp(file, &len);
		if (!b)
			return cli_fail("cannot read %s: %s", file, strerror(errno)), NULL;
		struct mote_cc_tensor t;
		struct mote_cc_diag d = {{0}};
		int rc = mote_cc_tensor_read_pb(b, len, &t, &d);
		free(b);
		if (rc)
			return cli_fail("%s: %s", file, d.msg), NULL;
		free(t.name);
		int same = t.dtype == ti->dtype && t.nbytes == ti->bytes && t.rank == ti->rank;
		for (uint32_t k = 0; same && k < ti->rank; k++)
			same = (uint64_t)t.dims[k] == ti->dims[k];
		if (!same) {
			char got[160], exp[160];
			size_t gd[MOTE_MF_MAX_RANK], ed[MOTE_MF_MAX_RANK];
			for (uint32_t k = 0; k < MOTE_MF_MAX_RANK; k++) {
				gd[k] = k < t.rank ? (size_t)t.dims[k] : 0;
				ed[k] = k < ti->rank ? ti->dims[k] : 0;
			}
			shape_text(got, sizeof got, mote_cc_dtype_name(t.dtype), gd, t.rank < MOTE_MF_MAX_RANK ? t.rank : 0);
			shape_text(exp, sizeof exp, onnx_dtype_text(ti->dtype), ed, ti->rank);
			free(t.data);
			return cli_fail("%s: input '%s' takes %s, the file holds %s", file, ti->name, exp, got), NULL;
		}
		return t.data;
	}
	struct npy_array a;
	if (npy_read(file, &a, why, sizeof why))
		return cli_fail("%s", why), NULL;
	enum npy_dtype want;
	int same = !npy_dtype_of(ti->dtype, &want) && a.dtype == want && (uint32_t)a.ndim == ti->rank;
	for (uint32_t d = 0; same && d < ti->rank; d++)
		same = a.shape[d] == ti->dims[d];
	if (!same) {
		char got[160], exp[160];
		shape_text(got, sizeof got, npy_dtype_name(a.dtype), a.shape, (unsigned)a.ndim);
		size_t dims[MOTE_MF_MAX_RANK];
		for (uint32_t d = 0; d < ti->rank && d < MOTE_MF_MAX_RANK; d++)
			dims[d] = ti->dims[d];
		shape_text(exp, sizeof exp, onnx_dtype_text(ti->dtype), dims, ti->rank);
		free(a.data);
		return cli_fail("%s: input '%s' takes %s, the file holds %s", file, ti->name, exp, got), NULL;
	}
	return a.data;
}

/* arith: the reference executor's arithmetic (with cc); perf: each device
 * step's busy and byte counters and their sums, in the text (JSON always has
 * the counters) */
static void print_steps(const mote_model *m, const struct mote_geometry *g, struct json *json,
			const struct cli_check_count *cc, size_t bad, const char *arith, int perf)
{
	uint64_t cyc = 0, macs = 0, host_ns = 0;
	uint64_t sum[MOTE_NUM_PERF] = {0};
	uint32_t kept = 0;
	int any_device = 0;
	char busy[160];
	for (unsigned i = 0; i < mote_model_num_steps(m); i++) {
		struct mote_step_info s;
		mote_model_step(m, i, &s);
		uint64_t c = s.on_device ? s.perf[MOTE_PERF_CYCLES] : 0;
		double u = c ? (double)s.macs / ((double)c * g->rows * g->cols) : 0;
		cyc += c;
		macs += s.on_device ? s.macs : 0;
		host_ns += s.host_ns;
		if (s.on_device) {
			/* the counters every device step kept (one device: the same set) */
			kept = any_device ? kept & s.perf_set : s.perf_set;
			any_device = 1;
			for (unsigned k = 0; k < MOTE_NUM_PERF; k++)
				sum[k] += s.perf[k];
		}
		if (json) {
			json_array_object(json);
			json_uint(json, "step", i);
			json_str(json, "name", s.name);
			json_str(json, "op", s.op);
			json_bool(json, "device", s.on_device);
			json_uint(json, "cycles", c);
			json_uint(json, "macs", s.macs);
			json_num(json, "utilization", u);
			json_num(json, "host_us", (double)s.host_ns / 1e3);
			if (s.on_device) { /* the step's perf counters */
				json_key_object(json, "perf");
				for (unsigned k = 0; k < MOTE_NUM_PERF; k++)
					if (s.perf_set >> k & 1)   /* the counters the device keeps */
						json_uint(json, mote_perf_name(k), s.perf[k]);
				json_close(json);
			}
			json_close(json);
		} else if (s.on_device) {
			printf("  %3u device %-10s %-28s cycles %9llu  macs %10llu  utilization %.4f\n", i, s.op, s.name,
			       (unsigned long long)c, (unsigned long long)s.macs, u);
			if (perf) {
				cli_busy_text(busy, sizeof busy, s.perf_set, s.perf);
				printf("%50s busy %s\n", "", busy);
			}
		} else
			printf("  %3u host   %-10s %-28s %.1f us\n", i, s.op, s.name, (double)s.host_ns / 1e3);
	}
	double u = cyc ? (double)macs / ((double)cyc * g->rows * g->cols) : 0;
	if (json) {
		json_close(json); /* the steps */
		json_uint(json, "cycles", cyc);
		json_uint(json, "macs", macs);
		json_num(json, "utilization", u);
		if (cc) {
			json_uint(json, "tensors_compared", cc->compared);
			json_uint(json, "tensors_not_kept", cc->skipped);
			json_uint(json, "mismatches", bad);
			json_str(json, "reference_arithmetic", arith);
		}
	} else {
		printf("total: %llu device cycles, %llu macs, utilization %.4f, host steps %.1f us\n",
		       (unsigned long long)cyc, (unsigned long long)macs, u, (double)host_ns / 1e3);
		if (perf && any_device) {
			int missing = cli_busy_text(busy, sizeof busy, kept, sum);
			printf("busy: %s over the device steps%s\n", busy,
			       missing ? " (-: not counted by this device)" : "");
		}
		if (cc) {
			printf("reference executor: %zu of %zu tensors differ%s (%zu not kept: their memory was reused)\n",
			       bad, cc->compared, bad ? "" : ", bit-exact", cc->skipped);
			printf("reference arithmetic: %s\n", arith);
		}
	}
}

/* The file an output is written to under --output. */
struct out_file {
	const char *name; /* the tensor's (the model's memory) */
	char file[NAME_MAX + 1];
};

/* --output DIR: open it (made if missing) and give every output of m its file
 * name there, before anything runs: a name that cannot be made safe, or two
 * outputs that would land in one file, are refused (exit 3) naming both. */
static int output_files(mote_model *m, const char *dir, struct outdir *od, struct out_file **files)
{
	if (!dir[0])
		return cli_fail("--output '': an empty directory name (use . for the current directory)"), 2;
	unsigned nt = mote_model_num_tensors(m), n = 0;
	struct out_file *f = *files = calloc(nt ? nt : 1, sizeof *f);
	if (!f)
		return cli_fail("out of memory"), 3;
	for (unsigned i = 0; i < nt; i++) {
		struct mote_tensor_info ti;
		char why[160];
		if (mote_model_tensor(m, i, &ti) || !(ti.flags & MOTE_TENSOR_OUTPUT))
			continue;
		if (outdir_file_name(ti.name, ".npy", f[n].file, sizeof f[n].file, why, sizeof why))
			return cli_fail("--output %s: output %u cannot be written: %s", dir, i, why), 3;
		f[n].name = ti.name;
		for (unsigned j = 0; j < n; j++)
			if (!strcmp(f[j].file, f[n].file))
				return cli_fail("--output %s: outputs '%s' and '%s' would both be written as %s", dir,
						f[j].name, f[n].name, f[n].file),
				       3;
		n++;
	}
	return outdir_open(od, "--output", dir, 1) ? 3 : 0;
}

/* An int8/uint8 output of the device against TFLite's own arithmetic. */
static void print_exact_diff(const mote_cc_ref *exact, const struct mote_tensor_info *ti, const void *got)
{
	const void *want;
	size_t wb;
	if ((ti->dtype != 2 && ti->dtype != 3) || mote_cc_ref_tensor(exact, ti->name, &want, &wb) || wb != ti->bytes)
		return;
	size_t n = 0;
	int worst = 0;
	for (size_t i = 0; i < wb; i++) {
		const uint8_t a = ((const uint8_t *)got)[i], b = ((const uint8_t *)want)[i];
		int d = ti->dtype == 3 ? (int8_t)a - (int8_t)b : a - b;
		d = d < 0 ? -d : d;
		n += d != 0;
		worst = d > worst ? d : worst;
	}
	printf("  vs TFLite's arithmetic (two roundings): %zu of %zu elements differ%s", n, wb, n ? "" : "\n");
	if (n)
		printf(" (by at most %d)\n", worst);
}

/* run's options (o[RUN_OPTS]): the table parsed and the one --help prints */
#define RUN_OPTS 7
static void run_opts(struct opt *o, const char **input, const char **outdir, const char **check,
		     const char **device, int *json, int *perf)
{
	const struct opt t[] = {
		{"input", OPT_STR, input, 0, 0, 0, "NAME=FILE.npy: a model input by tensor name (one per input)", 0},
		{"output", OPT_STR, outdir, 0, 0, 0, "directory for every graph output as NAME.npy (never outside it)", 0},
		{"check", OPT_STR, check, 0, 0, 0,
		 "the source model (.onnx or .tflite): compare every tensor with the reference executor", 0},
		{"device", OPT_STR, device, 0, 0, 0, "device URI (default: the simulator of the array it was compiled for)", 0},
		{"json", OPT_FLAG, json, 0, 0, 0, "print one JSON object", 0},
		{"perf", OPT_FLAG, perf, 0, 0, 0,
		 "also print each device step's busy cycles per unit and bytes moved, and their sums ('-': a counter "
		 "the device does not keep)",
		 0},
		{0},
	};
	_Static_assert(sizeof t / sizeof t[0] == RUN_OPTS, "run's option table");
	memcpy(o, t, sizeof t);
}

void cmd_model_run_usage(void *f)
{
	const char *s = NULL;
	int flag = 0;
	struct opt o[RUN_OPTS];
	run_opts(o, &s, &s, &s, &s, &flag, &flag);
	opts_table("run", CMD_MODEL_RUN_SYNOPSIS, o, f);
}

int cmd_model_run(int argc, char **argv)
{
	const char *path = argv[0], *device = NULL, *outdir = NULL, *check = NULL;
	int json = 0, perf = 0;
	/* --input may repeat: take those out before the option table */
	const char *inputs[16];
	int n_in = 0, w = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--input") && i + 1 < argc && n_in < 16) {
			inputs[n_in++] = argv[++i];
			continue;
		}
		argv[w++] = argv[i];
	}
	argc = w;
	const char *no_value = NULL; /* an --input reaching the table had no value: opts_parse says so */
	struct opt o[RUN_OPTS];
	run_opts(o, &no_value, &outdir, &check, &device, &json, &perf);
	int rc = opts_parse("run", CMD_MODEL_RUN_SYNOPSIS, o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	struct json jwbuf, *jw = &jwbuf; /* with --json: one object, complete also on errors */
	if (json) {
		json_begin(jw, stdout);
		json_str(jw, "model", path);
	}
	mote_device *dev;
	mote_model *m;
	if (open_model(path, device, &dev, &m)) {
		if (json) {
			json_str(jw, "error", cli_last_error());
			json_int(jw, "status", 3);
			json_finish(jw);
		}
		return 3;
	}
	struct outdir od = {-1, NULL};
	struct out_file *files = NULL;
	int status = outdir ? output_files(m, outdir, &od, &files) : 0;
	mote_cc_ref *ref = NULL, *exact = NULL;
	uint8_t *onnx = NULL;
	size_t olen;
	struct mote_cc_diag cd = {{0}};
	/* the reference in the model's arithmetic (bit for bit): a TFLite model
	 * compiled for a device without STORE ROUND_TFL rounds once, and its
	 * outputs are then also compared with TFLite's own two roundings, for
	 * information */
	const struct mote_cc_ref_opts ref_opts = {
		.round_once = !(mote_model_features(m) & MOTE_FEATURES_ROUND_TFL_MASK)};
	if (check && (!(onnx = cli_slurp(check, &olen)) || mote_cc_ref_open_opts(onnx, olen, &ref_opts, &ref, &cd)))
		status = 3, cli_fail("%s: %s", check, onnx ? cd.msg : "cannot read");
	if (ref && !strcmp(mote_cc_ref_arithmetic(ref), "tflite-round-once") &&
	    mote_cc_ref_open(onnx, olen, &exact, &cd))
		status = 3, cli_fail("%s: %s", check, cd.msg);
	for (int i = 0; i < n_in && !status; i++) {
		char name[256];
		const char *eq = strchr(inputs[i], '=');
		unsigned ti;
		struct mote_tensor_info info;
		if (!eq || (size_t)(eq - inputs[i]) >= sizeof name) {
			status = 2, cli_fail("--input %s: expected NAME=FILE", inputs[i]);
			break;
		}
		memcpy(name, inputs[i], (size_t)(eq - inputs[i]));
		name[eq - inputs[i]] = 0;
		if (mote_model_find(m, name, &ti) || mote_model_tensor(m, ti, &info) || !(info.flags & MOTE_TENSOR_INPUT)) {
			status = 2, cli_fail("--input %s: the model has no input '%s'", inputs[i], name);
			break;
		}
		void *data = read_input(eq + 1, &info);
		if (!data || mote_model_set_input(m, name, data, info.bytes))
			status = 3;
		else if ((ref && mote_cc_ref_set_input(ref, name, data, info.bytes, &cd)) ||
			 (exact && mote_cc_ref_set_input(exact, name, data, info.bytes, &cd)))
			status = 3, cli_fail("reference: %s", cd.msg);
		free(data);
	}
	/* an input not given is a usage error, named with the option that gives it */
	for (unsigned t = 0; t < mote_model_num_tensors(m) && !status; t++) {
		struct mote_tensor_info ti;
		if (mote_model_tensor(m, t, &ti) || !(ti.flags & MOTE_TENSOR_INPUT))
			continue;
		int given = 0;
		size_t nl = strlen(ti.name);
		for (int i = 0; i < n_in && !given; i++)
			given = !strncmp(inputs[i], ti.name, nl) && inputs[i][nl] == '=';
		if (given)
			continue;
		char shape[96] = "";
		size_t k = 0;
		for (uint32_t d = 0; d < ti.rank && d < 6 && k < sizeof shape; d++) {
			int n = snprintf(shape + k, sizeof shape - k, "%s%u", d ? "," : "", ti.dims[d]);
			k = n < 0 ? sizeof shape : k + (size_t)n;
		}
		status = 2, cli_fail("input '%s' is missing: give it with --input %s=FILE.npy (shape [%s], %s)", ti.name,
				     ti.name, shape, ti.dtype == 1 ? "float32" : ti.dtype == 2 ? "uint8" : "int8");
	}
	if (!status && (rc = mote_model_run(m, MOTE_TIMEOUT_INFINITE))) {
		status = 3;
		cli_fail("run: %s%s", mote_strerror(rc), rc == MOTE_ERROR_STATE ? " (set every input with --input)" : "");
	}
	struct cli_check_count cc = {0, 0};
	size_t bad = 0;
	if (!status && ref) {
		if (mote_cc_ref_run(ref, &cd) || (exact && mote_cc_ref_run(exact, &cd)))
			status = 3, cli_fail("reference: %s", cd.msg);
		else if ((bad = cli_check_tensors(m, ref, path, 1, &cc)))
			status = 1;
	}
	struct mote_device_info di;
	mote_device_info(dev, &di);
	if (json)
		json_str(jw, "device", di.uri);
	if (status == 0 || status == 1) {
		if (json)
			json_key_array(jw, "outputs");
		for (unsigned i = 0, k = 0; i < mote_model_num_tensors(m); i++) {
			struct mote_tensor_info ti;
			mote_model_tensor(m, i, &ti);
			if (!(ti.flags & MOTE_TENSOR_OUTPUT))
				continue;
			void *buf = malloc(ti.bytes ? ti.bytes : 1);
			enum npy_dtype nt;
			if (!buf || mote_model_read(m, ti.name, buf, ti.bytes) || npy_dtype_of(ti.dtype, &nt)) {
				free(buf);
				status = 3;
				cli_fail("cannot read output '%s'", ti.name);
				break;
			}
			int written = 0;
			if (outdir) {
				size_t shape[6];
				for (uint32_t d = 0; d < ti.rank; d++)
					shape[d] = ti.dims[d];
				written = !outdir_write_npy(&od, files[k].file, nt, shape, (int)ti.rank, buf);
				if (!written)
					status = 3, cli_fail("--output %s: cannot write %s (output '%s'): %s", outdir, files[k].file,
							     ti.name, strerror(errno));
			}
			if (json)
				json_elem_str(jw, ti.name);
			else if (ti.dtype == 1 && ti.bytes / 4 <= 16) {
				printf("%s:", ti.name);
				for (size_t e = 0; e < ti.bytes / 4; e++)
					printf(" %.5g", (double)((float *)buf)[e]);
				printf("%s\n", written ? " (written)" : "");
			} else
				printf("%s: %zu bytes%s\n", ti.name, ti.bytes, written ? ", written" : "");
			if (written && !json)
				printf("  -> %s/%s\n", outdir, files[k].file);
			if (exact && !json)
				print_exact_diff(exact, &ti, buf);
			k++;
			free(buf);
		}
		if (json)
			json_close(jw);
		if (status == 0 || status == 1) {
			if (json)
				json_key_array(jw, "steps");
			print_steps(m, &di.geometry, json ? jw : NULL, ref ? &cc : NULL, bad,
				    ref ? mote_cc_ref_arithmetic(ref) : "", perf);
		}
	}
	if (json) {
		if (status >= 2) {
			json_close_to(jw, 0);
			json_str(jw, "error", cli_last_error());
		}
		json_int(jw, "status", status);
		json_finish(jw);
	}
	mote_cc_ref_close(ref);
	mote_cc_ref_close(exact);
	free(onnx);
	free(files);
	outdir_close(&od);
	mote_model_free(m);
	mote_close(dev);
	return status;
}
