/* fuzz_model.c: bounded-time mutation fuzzer of the .mote model loader
 * (mote_model_load / mote_model_free) and of running what it accepts
 * (mote_model_run on the simulated 8x8 device, or the one --device names:
 * make fuzz runs it on the board build too, whose DS-CNN seed carries the
 * depthwise convolutions as host steps with HOST_CONST tensors), built with
 * ASan+UBSan.
 *
 * Seeds: the ONNX seeds of fuzz_seeds.h compiled with mote_cc_compile_onnx
 * for the geometry the device reports.  Seven inputs in eight are a .mote
 * seed or corpus entry with 1 to 4 .mote-aware mutations (fuzz_mutate.h:
 * header, section table and record fields set to boundary values, then
 * file_bytes and the CRC-32 fixed, so the field checks behind the checksum
 * are what gets exercised).  The eighth is a mutated ONNX model compiled
 * for the device: when the compiler accepts it, the loader must too, and
 * the model must run without a device error and agree with the reference
 * executor (mote_cc_ref_*) on every output, zero inputs.
 *
 * Every model that loads is inspected (every tensor and step record, names
 * read) and run with zero inputs under a per-step timeout: any status is
 * fine but no sanitizer report, no hang, no leak.  Leaks are checked per
 * input twice: the device's allocation hooks (host memory and device
 * buffers: every block the model took must be back after mote_model_free)
 * and the sanitizer's live heap (LeakSanitizer confirms).
 *
 *   fuzz_model [--seconds 30] [--iters 200000] [--seed 1] [--timeout 30] [--replay FILE]
 *   fuzz_model --regress driver/tests/fuzz/regress   (the inputs past runs found)
 *   fuzz_model --write-seeds DIR   (the .mote seeds, compiled for the device, and the ONNX ones)
 * Built with -DMOTE_LIBFUZZER: LLVMFuzzerTestOneInput (the same work and
 * checks per input, on the device MOTE_MODEL_DEVICE names; a .mote file or
 * ONNX by its magic, the kind of run by its bytes) and
 * LLVMFuzzerCustomMutator (the mutations above), no main
 * (scripts/fuzz/fuzz.mk).
 * A replayed file is taken as .mote if it starts with the magic, else as ONNX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#include "fuzz_harness.h"
#include "fuzz_hooks.h"
#include "fuzz_libfuzzer.h"
#include "fuzz_seeds.h"
#include "mote/mote_compiler.h"

const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=1024:detect_leaks=1:hard_rss_limit_mb=8192";
}
const char *__ubsan_default_options(void) __attribute__((used));
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1:abort_on_error=1"; }

#define DEVICE_URI "sim:rows=8,cols=8" /* the default; --device names another */
#define STEP_TIMEOUT_MS 2000
#define WATCHDOG_CYCLES 200000u
#define MAX_IO_BYTES ((size_t)64 << 20) /* larger tensors are not set or read */

struct target {
	mote_device *dev;
	struct hooks hooks;
	struct mote_geometry geo;
	uint64_t mem_size;    /* the device's memory (models are compiled to fit it) */
	uint8_t *zeros;       /* MAX_IO_BYTES of zeros (input data) */
	uint8_t *scratch;     /* MAX_IO_BYTES (output reads) */
};

struct outcome {
	int load;             /* mote_model_load's status */
	struct mote_model_diag diag;
	int run;              /* mote_model_run's status; 1: not run */
	int compiled;         /* ONNX mode: mote_cc_compile_onnx's status; 1: not an ONNX input */
	struct mote_cc_diag cdiag;
	int timed_out;
};

static void check_load_refusal(int rc, const struct mote_model_diag *d, const mote_model *m)
{
	if (rc >= 0 || rc <= MOTE_ERROR_COUNT_)
		fz_fail("mote_model_load returned %d, not an enum mote_error", rc);
	if (!d->msg[0])
		fz_fail("mote_model_load refused the file (%s) without a diagnostic", mote_error_name(rc));
	if (!memchr(d->msg, 0, sizeof d->msg))
		fz_fail("mote_model_load: diagnostic not terminated");
	if (m)
		fz_fail("mote_model_load failed (%s) but set *out", mote_error_name(rc));
}

/* Every accessor on every record: names must be terminated strings inside the model. */
static void inspect(mote_model *m)
{
	unsigned nt = mote_model_num_tensors(m), ns = mote_model_num_steps(m);
	for (unsigned i = 0; i < nt; i++) {
		struct mote_tensor_info ti;
		if (mote_model_tensor(m, i, &ti))
			fz_fail("mote_model_tensor(%u) of %u failed", i, nt);
		if (!ti.name)
			fz_fail("tensor %u has a NULL name", i);
		unsigned k;
		(void)strlen(ti.name);
		if (mote_model_find(m, ti.name, &k) || k > i)
			fz_fail("tensor %u ('%s') not found by its name", i, ti.name);
	}
	for (unsigned i = 0; i < ns; i++) {
		struct mote_step_info si;
		if (mote_model_step(m, i, &si))
			fz_fail("mote_model_step(%u) of %u failed", i, ns);
		if (!si.name || !si.op)
			fz_fail("step %u: NULL name or op", i);
		(void)strlen(si.name);
		(void)strlen(si.op);
	}
	struct mote_tensor_info ti;
	if (mote_model_tensor(m, nt, &ti) != MOTE_ERROR_NOT_FOUND)
		fz_fail("mote_model_tensor past the end did not say NOT_FOUND");
}

/* Zero inputs, a run, every tensor read back.  Returns the run's status. */
static int run_model(struct target *t, mote_model *m, int timeout_ms, struct outcome *o)
{
	unsigned nt = mote_model_num_tensors(m);
	for (unsigned i = 0; i < nt; i++) {
		struct mote_tensor_info ti;
		mote_model_tensor(m, i, &ti);
		if (!(ti.flags & MOTE_TENSOR_INPUT) || ti.bytes > MAX_IO_BYTES)
			continue;
		int rc = mote_model_set_input(m, ti.name, t->zeros, ti.bytes);
		if (rc && rc != MOTE_ERROR_NOT_FOUND && rc != MOTE_ERROR_RANGE) /* a name shared with another tensor */
			fz_fail("set_input '%s' (%zu bytes): %s", ti.name, ti.bytes, mote_error_name(rc));
	}
	int rc = mote_model_run(m, timeout_ms);
	if (rc > 0 || rc <= MOTE_ERROR_COUNT_)
		fz_fail("mote_model_run returned %d", rc);
	o->timed_out = rc == MOTE_ERROR_TIMEOUT;
	for (unsigned i = 0; i < nt; i++) {
		struct mote_tensor_info ti;
		mote_model_tensor(m, i, &ti);
		if (ti.bytes <= MAX_IO_BYTES)
			(void)mote_model_read(m, ti.name, t->scratch, ti.bytes); /* any status; ASan watches */
	}
	return rc;
}

/* A compiler-made model on zero inputs: every output equal to the reference executor's. */
static void agree_with_reference(struct target *t, mote_model *m, const struct fz_buf *onnx)
{
	mote_cc_ref *r = NULL;
	struct mote_cc_diag d = {{0}};
	int rc = mote_cc_ref_open(onnx->d, onnx->len, &r, &d);
	if (rc)
		fz_fail("the compiler accepted a model the reference executor refuses: %s", d.msg);
	if ((rc = mote_cc_ref_run(r, &d)))
		fz_fail("reference run: %s", d.msg);
	unsigned nt = mote_model_num_tensors(m);
	for (unsigned i = 0; i < nt; i++) {
		struct mote_tensor_info ti;
		mote_model_tensor(m, i, &ti);
		if (!(ti.flags & MOTE_TENSOR_OUTPUT) || ti.bytes > MAX_IO_BYTES)
			continue;
		const void *want;
		size_t n;
		if (mote_cc_ref_tensor(r, ti.name, &want, &n))
			fz_fail("output '%s' unknown to the reference executor", ti.name);
		if ((rc = mote_model_read(m, ti.name, t->scratch, ti.bytes)))
			fz_fail("output '%s': read %s", ti.name, mote_error_name(rc));
		if (n != ti.bytes)
			fz_fail("output '%s': %zu bytes on the device, %zu in the reference", ti.name, ti.bytes, n);
		for (size_t k = 0; k < n; k++)
			if (t->scratch[k] != ((const uint8_t *)want)[k])
				fz_fail("output '%s': byte %zu is %u on the device, %u in the reference", ti.name, k,
					t->scratch[k], ((const uint8_t *)want)[k]);
	}
	mote_cc_ref_close(r);
}

/* One .mote input: load, inspect, maybe run, free.  run: 0 no run, 1 a run
 * with STEP_TIMEOUT_MS per device step, 2 with 1 ms (the timeout path).
 * onnx: the model it was compiled from (the loader must accept it, and it
 * must run and agree with the reference). */
static void one_mote(struct target *t, const struct fz_buf *in, int run, const struct fz_buf *onnx,
		     struct outcome *o)
{
	mote_model *m = (mote_model *)1;
	memset(&o->diag, 0, sizeof o->diag);
	o->load = mote_model_load(t->dev, in->d, in->len, &m, &o->diag);
	if (o->load) {
		if (onnx && o->load != MOTE_ERROR_NO_DEVICE_MEM)
			fz_fail("the compiler wrote a file the loader refuses: %s (%s)", mote_error_name(o->load),
				o->diag.msg);
		check_load_refusal(o->load, &o->diag, m);
		return;
	}
	if (!m)
		fz_fail("mote_model_load succeeded with a NULL model");
	inspect(m);
	if (run || onnx) {
		o->run = run_model(t, m, run == 2 && !onnx ? 1 : STEP_TIMEOUT_MS, o);
		if (onnx && o->run && o->run != MOTE_ERROR_TIMEOUT) {
			struct mote_step_info si = {0};
			for (unsigned k = 0; k < mote_model_num_steps(m); k++)
				if (!mote_model_step(m, k, &si) && si.hw_error)
					break;
			fz_fail("a compiled model failed to run: %s (step '%s', hw error %u)", mote_error_name(o->run),
				si.name ? si.name : "", si.hw_error);
		}
		if (onnx && o->run == 0)
			agree_with_reference(t, m, onnx);
	}
	mote_model_free(m);
}

static void one_onnx(struct target *t, const struct fz_buf *onnx, struct fz_buf *mote_out, struct outcome *o)
{
	void *model = NULL;
	size_t len = 0;
	memset(&o->cdiag, 0, sizeof o->cdiag);
	/* for the device's memory: a board's models are tiled for size when they must be */
	struct mote_cc_compile_opts co = {.mem_bytes = t->mem_size};
	o->compiled = mote_cc_compile_onnx_opts(onnx->d, onnx->len, &t->geo, &co, NULL, NULL, &model, &len, &o->cdiag);
	if (o->compiled) {
		if (!o->cdiag.msg[0])
			fz_fail("mote_cc_compile_onnx refused the model (%s) without a diagnostic",
				mote_cc_status_name(o->compiled));
		return;
	}
	struct fz_buf mb = {.d = model, .len = len, .cap = len};
	one_mote(t, &mb, 1, onnx, o);
	if (mote_out && fz_set(mote_out, model, len))
		fz_fail("out of memory in the harness");
	mote_cc_free(model);
}

static int is_mote(const struct fz_buf *b)
{
	return b->len >= 4 && fz_get_le(b->d, 4) == MOTE_MF_MAGIC;
}

#ifdef MOTE_LIBFUZZER

/* ---- libFuzzer / AFL++ ------------------------------------------------------------- */

static struct target lf_t;
static struct fz_buf lf_cur, lf_prev;
static struct fz_pb lf_ip, lf_opb;

static void lf_teardown(void)
{
	free(lf_t.zeros);
	free(lf_t.scratch);
	mote_close(lf_t.dev);
	fz_buf_free(&lf_cur);
	fz_buf_free(&lf_prev);
	fz_pb_free(&lf_ip);
	fz_pb_free(&lf_opb);
}

/* The device of MOTE_MODEL_DEVICE (default DEVICE_URI), opened once with the counting hooks. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *uri = getenv("MOTE_MODEL_DEVICE") ? getenv("MOTE_MODEL_DEVICE") : DEVICE_URI;
	hooks_init(&lf_t.hooks);
	struct mote_open_options oo = {.hooks = &lf_t.hooks.h};
	int rc = mote_open_ex(uri, &oo, &lf_t.dev);
	if (rc) {
		fprintf(stderr, "fuzz_model: cannot open %s: %s\n", uri, mote_strerror(rc));
		abort();
	}
	struct mote_device_info di;
	mote_device_info(lf_t.dev, &di);
	lf_t.geo = di.geometry;
	lf_t.mem_size = di.mem_size;
	mote_set_watchdog(lf_t.dev, WATCHDOG_CYCLES);
	lf_t.zeros = calloc(MAX_IO_BYTES, 1);
	lf_t.scratch = malloc(MAX_IO_BYTES);
	if (!lf_t.zeros || !lf_t.scratch)
		abort();
	atexit(lf_teardown);
	return 0;
}

/* One input as the loop runs it: a .mote file (the magic) loaded, inspected
 * and, as its bytes choose, not run, run, or run with 1 ms steps (one run in
 * 16); anything else is ONNX, compiled for the device, then loaded, run and
 * checked against the reference executor.  Every allocation of the device's
 * hooks must be back afterwards. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fz_buf in = {(uint8_t *)data, size, size};
	uint64_t h = fz_lf_choice(data, size);
	int run = h & 1 ? ((h >> 8) % 16 == 0 ? 2 : 1) : 0;
	struct outcome o;
	memset(&o, 0, sizeof o);
	o.run = o.compiled = 1;
	long live0 = lf_t.hooks.live;
	if (is_mote(&in))
		one_mote(&lf_t, &in, run, NULL, &o);
	else
		one_onnx(&lf_t, &in, NULL, &o);
	if (lf_t.hooks.live != live0)
		fz_fail("%ld allocations of the device's hooks not given back after mote_model_free (run status %s)",
			lf_t.hooks.live - live0, o.run == 1 ? "not run" : mote_error_name(o.run));
	return 0;
}

/* the loop's mutations: .mote-aware (CRC fixed) on a .mote file, protobuf-aware
 * or bytes on ONNX */
static const char *lf_mutation(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other, void *ctx)
{
	(void)ctx;
	if (is_mote(b))
		return fz_mutate_mote(r, b, other);
	return fz_chance(r, 4) ? fz_mutate_bytes(r, b, other) : fz_mutate_pb(r, b, other, &lf_ip, &lf_opb);
}

/* libFuzzer's own mutations would break the CRC of nearly every .mote file:
 * they get one time in 8, and the CRC is fixed after them one time in 2. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size_t n = fz_lf_mutate(data, size, max_size, seed, 8, lf_mutation, NULL, &lf_cur, &lf_prev);
	if (n >= sizeof(struct mote_mf_header) && (seed >> 16) & 1 && !fz_set(&lf_cur, data, n) && is_mote(&lf_cur)) {
		fz_mote_fix(&lf_cur, 1, 1);
		memcpy(data, lf_cur.d, n);
	}
	return n;
}

#else

/* Runs one input and checks that it gave everything back. */
static void run_checked(struct target *t, struct fz_crash *crash, const struct fz_opts *opts, uint64_t iter,
			const struct fz_buf *in, int is_onnx, int run, struct fz_buf *mote_out, const char *replay,
			struct outcome *o, uint64_t *leak_checks)
{
	memset(o, 0, sizeof *o);
	o->run = o->compiled = 1;
	long live0 = t->hooks.live;
	size_t heap0 = fz_heap_bytes();
	fz_crash_arm(crash, opts, iter, in, replay);
	if (is_onnx)
		one_onnx(t, in, mote_out, o);
	else
		one_mote(t, in, run, NULL, o);
	fz_crash_disarm(crash);
	crash->armed = 1; /* fz_fail below saves the input */
	if (t->hooks.live != live0)
		fz_fail("%ld allocations of the device's hooks not given back after mote_model_free (host memory or "
			"device buffers; run status %s)",
			t->hooks.live - live0, o->run == 1 ? "not run" : mote_error_name(o->run));
	if (heap0 && fz_heap_bytes() > heap0) {
		++*leak_checks;
		if (fz_leaked(heap0))
			fz_fail("memory leaked (LeakSanitizer report above)");
	}
	crash->armed = 0;
}

struct regress_ctx {
	struct target *t;
	struct fz_crash *crash;
	const struct fz_opts *o;
	struct outcome out;
	uint64_t leak_checks;
};

/* A regression input: a .mote file loaded and, if it loads, run (the status
 * is then the run's); an ONNX file compiled first (the compiler's refusal,
 * or what became of the .mote it wrote). */
static void regress_one(void *ctx, const char *path, const struct fz_buf *in, const char **status, const char **msg)
{
	struct regress_ctx *r = ctx;
	int onnx = !is_mote(in);
	run_checked(r->t, r->crash, r->o, 0, in, onnx, 1, NULL, path, &r->out, &r->leak_checks);
	if (onnx && r->out.compiled) {
		*status = mote_cc_status_name(r->out.compiled);
		*msg = r->out.cdiag.msg;
		return;
	}
	*status = mote_error_name(r->out.load ? r->out.load : r->out.run == 1 ? 0 : r->out.run);
	*msg = r->out.diag.msg;
}

int main(int argc, char **argv)
{
	struct fz_opts o = {.target = "model", .seconds = 30, .iters = 200000, .seed = 1, .timeout_s = 30,
			    .out_dir = "build/fuzz"};
	o.short_every = 16;
	o.onnx_every = 8;
	int rc = fz_parse(argc, argv, &o,
			  "  --short-timeout-every N  one run in N gets a 1 ms step timeout: the timeout path must\n"
			  "                 give every buffer back too (default 16; 0: never)\n"
			  "  --device URI   the device (default " DEVICE_URI "; sim:board=icebreaker: the board build,\n"
			  "                 whose models run depthwise convolutions on the host from HOST_CONST)\n"
			  "  --onnx-every N one input in N is a mutated ONNX model compiled for the device, which\n"
			  "                 must then load, run and agree with the reference (default 8; 0: never)\n"
			  "  a --replay file starting with the .mote magic is a model file, else ONNX\n");
	if (rc)
		return rc;
	if (o.keep_going) {
		fprintf(stderr, "fuzz_model: --keep-going is fuzz_onnx's (a hang here may hold the device's lock)\n");
		return 2;
	}
	fz_mkdir_p(o.out_dir);
	struct fz_crash crash = {0};
	fz_crash_install(&crash);

	struct target t;
	memset(&t, 0, sizeof t);
	hooks_init(&t.hooks); /* every host allocation of libmote, counted */
	struct mote_open_options oo = {.hooks = &t.hooks.h};
	const char *uri = o.device ? o.device : DEVICE_URI;
	if ((rc = mote_open_ex(uri, &oo, &t.dev))) {
		fprintf(stderr, "fuzz_model: cannot open %s: %s\n", uri, mote_strerror(rc));
		return 2;
	}
	struct mote_device_info di;
	mote_device_info(t.dev, &di);
	t.geo = di.geometry;
	t.mem_size = di.mem_size;
	mote_set_watchdog(t.dev, WATCHDOG_CYCLES);
	t.zeros = calloc(MAX_IO_BYTES, 1);
	t.scratch = malloc(MAX_IO_BYTES);
	if (!t.zeros || !t.scratch)
		return 2;
	struct outcome out;
	struct fz_buf cur = {0};
	uint64_t leak_checks = 0;

	if (o.regress) {
		struct regress_ctx rc_ctx = {.t = &t, .crash = &crash, .o = &o};
		rc = fz_regress(o.regress, regress_one, &rc_ctx) ? 1 : 0;
		goto done;
	}
	if (o.n_replay) {
		for (int i = 0; i < o.n_replay; i++) {
			if (fz_slurp(o.replay[i], &cur))
				return 2;
			int onnx = !is_mote(&cur);
			if (!onnx && o.short_every) { /* the 1 ms timeout path first, then a whole run */
				run_checked(&t, &crash, &o, 0, &cur, 0, 2, NULL, o.replay[i], &out, &leak_checks);
				printf("%s: load %s%s%s; run with 1 ms steps %s\n", o.replay[i],
				       mote_error_name(out.load), out.load ? ": " : "", out.diag.msg,
				       out.run == 1 ? "not tried" : mote_error_name(out.run));
			}
			run_checked(&t, &crash, &o, 0, &cur, onnx, 1, NULL, o.replay[i], &out, &leak_checks);
			if (onnx)
				printf("%s (ONNX): compile %s%s%s", o.replay[i], mote_cc_status_name(out.compiled),
				       out.compiled ? ": " : "", out.cdiag.msg);
			else
				printf("%s", o.replay[i]);
			if (!onnx || !out.compiled)
				printf("%s load %s%s%s; run %s", onnx ? ";" : ":", mote_error_name(out.load),
				       out.load ? ": " : "", out.diag.msg,
				       out.run == 1 ? "not tried" : mote_error_name(out.run));
			printf("\n");
		}
		goto done;
	}

	struct fz_rng rng = {o.seed};
	struct fz_corpus onnx_corpus = {0}, mote_corpus = {0};
	char seed_paths[FZ_SEED_PATHS][512];
	char mote_names[FZ_SEED_PATHS][560];
	if (fz_load_onnx_seeds(&onnx_corpus, &rng, &o, seed_paths)) {
		fprintf(stderr, "fuzz_model: no seed could be read (run from the repository root)\n");
		return 2;
	}
	/* .mote seeds: every ONNX seed that compiles; each must load, run and agree */
	struct fz_buf mb = {0};
	for (size_t i = 0; i < onnx_corpus.n_seeds; i++) {
		run_checked(&t, &crash, &o, 0, &onnx_corpus.e[i], 1, 1, &mb, onnx_corpus.name[i], &out, &leak_checks);
		if (out.compiled)
			continue;
		snprintf(mote_names[mote_corpus.n], sizeof mote_names[0], "%s (compiled)", onnx_corpus.name[i]);
		if (fz_corpus_add(&mote_corpus, &rng, &mb, mote_names[mote_corpus.n]) < 0)
			return 2;
	}
	fz_buf_free(&mb);
	if (!mote_corpus.n) {
		fprintf(stderr, "fuzz_model: no seed model compiles for %s\n", uri);
		return 2;
	}
	if (o.write_seeds) { /* the .mote seeds as the device's compiler made them, and the ONNX ones */
		rc = fz_write_seeds(o.write_seeds, &mote_corpus, ".mote") || fz_write_seeds(o.write_seeds, &onnx_corpus, "")
			     ? 2
			     : 0;
		fz_corpus_free(&onnx_corpus);
		fz_corpus_free(&mote_corpus);
		goto done;
	}
	printf("fuzz_model: seed %llu, %zu .mote seeds (of %zu ONNX seeds) on %s, at most %llu inputs (0: no "
	       "limit) and %g s, timeout %u s per input\n",
	       (unsigned long long)o.seed, mote_corpus.n_seeds, onnx_corpus.n_seeds, uri,
	       (unsigned long long)o.iters, o.seconds, o.timeout_s);
	fflush(stdout);

	struct fz_stats st = {0};
	uint64_t onnx_inputs = 0, onnx_compiled = 0, loaded = 0, timeouts = 0, run_by_code[FZ_CODES] = {0};
	struct fz_pb ip = {0}, opb = {0};
	double t0 = fz_now(), last_print = t0;
	for (uint64_t it = 0; (!o.iters || it < o.iters) && (!o.seconds || fz_now() - t0 < o.seconds); it++) {
		int onnx = o.onnx_every && fz_chance(&rng, o.onnx_every);
		struct fz_corpus *c = onnx ? &onnx_corpus : &mote_corpus;
		const struct fz_buf *base = &c->e[fz_below(&rng, c->n)], *other = &c->e[fz_below(&rng, c->n)];
		if (fz_set(&cur, base->d, base->len))
			fz_fail("out of memory in the harness");
		unsigned nm = 1 + (unsigned)(fz_chance(&rng, 2) ? 0 : fz_below(&rng, 4));
		for (unsigned k = 0; k < nm; k++) {
			const char *what = !onnx		   ? fz_mutate_mote(&rng, &cur, other)
					   : fz_chance(&rng, 4) ? fz_mutate_bytes(&rng, &cur, other)
								: fz_mutate_pb(&rng, &cur, other, &ip, &opb);
			if (!what)
				fz_fail("out of memory in the mutator");
			if (o.verbose > 1)
				printf("    %llu: %s -> %zu bytes\n", (unsigned long long)it, what, cur.len);
		}
		int run = fz_chance(&rng, 2) ? (o.short_every && fz_chance(&rng, o.short_every) ? 2 : 1) : 0;
		run_checked(&t, &crash, &o, it, &cur, onnx, run, NULL, NULL, &out, &leak_checks);
		st.iters++;
		int fresh = 0;
		if (onnx) {
			onnx_inputs++;
			if (out.compiled == 0)
				onnx_compiled++;
			else
				fresh = fz_stats_note(&st, out.cdiag.msg);
		}
		if (!onnx || out.compiled == 0) {
			if (out.load == 0) {
				st.accepted++;
				loaded++;
			} else {
				fresh |= fz_stats_refused(&st, out.load, out.diag.msg);
			}
			if (out.run != 1) {
				st.runs++;
				if (out.run == 0)
					st.runs_ok++;
				else
					run_by_code[-out.run < FZ_CODES ? -out.run : FZ_CODES - 1]++;
				timeouts += out.timed_out;
			}
		}
		if (fresh || (!onnx && out.load == 0 && fz_chance(&rng, 4)))
			if (fz_corpus_add(c, &rng, &cur, NULL) < 0)
				fz_fail("out of memory in the harness");
		if (o.verbose && (fresh || o.verbose > 1))
			printf("  %llu: %s %s %s\n", (unsigned long long)it, onnx ? "onnx" : "mote",
			       onnx && out.compiled ? mote_cc_status_name(out.compiled) : mote_error_name(out.load),
			       onnx && out.compiled ? out.cdiag.msg : out.diag.msg);
		if (fz_now() - last_print > 10) {
			last_print = fz_now();
			printf("  ... %llu inputs, %.0f s, %llu loaded, %llu runs, %zu distinct diagnostics\n",
			       (unsigned long long)st.iters, last_print - t0, (unsigned long long)loaded,
			       (unsigned long long)st.runs, st.diags.n);
			fflush(stdout);
		}
	}
	double secs = fz_now() - t0;
	uint64_t mote_inputs = st.iters - onnx_inputs;
	printf("fuzz_model: seed %llu: %llu inputs in %.1f s (%.0f/s)\n", (unsigned long long)o.seed,
	       (unsigned long long)st.iters, secs, (double)st.iters / (secs > 0 ? secs : 1));
	printf("  .mote files: %llu mutated + %llu compiled from mutated ONNX (%llu ONNX refused by the compiler)\n",
	       (unsigned long long)mote_inputs, (unsigned long long)onnx_compiled,
	       (unsigned long long)(onnx_inputs - onnx_compiled));
	printf("  load: %llu accepted, %llu refused:", (unsigned long long)st.accepted, (unsigned long long)st.refused);
	for (int k = 1; k < FZ_CODES; k++)
		if (st.by_code[k])
			printf(" %s %llu", mote_error_name(-k), (unsigned long long)st.by_code[k]);
	printf("\n  runs: %llu, %llu ok:", (unsigned long long)st.runs, (unsigned long long)st.runs_ok);
	for (int k = 1; k < FZ_CODES; k++)
		if (run_by_code[k])
			printf(" %s %llu", mote_error_name(-k), (unsigned long long)run_by_code[k]);
	printf("\n  distinct diagnostics: %zu (%zu kinds, digits ignored); corpus %zu .mote + %zu ONNX; %llu leak "
	       "checks\n",
	       st.diags.n, st.kinds.n, mote_corpus.n, onnx_corpus.n, (unsigned long long)leak_checks);
	printf("fuzz_model: no crash, hang, leak or failed check\n");
	(void)timeouts;
	fz_pb_free(&ip);
	fz_pb_free(&opb);
	fz_corpus_free(&onnx_corpus);
	fz_corpus_free(&mote_corpus);
	fz_strset_free(&st.diags);
	fz_strset_free(&st.kinds);
done:
	fz_buf_free(&cur);
	free(t.zeros);
	free(t.scratch);
	mote_close(t.dev);
	fflush(stdout);
	return rc;
}

#endif /* MOTE_LIBFUZZER */
