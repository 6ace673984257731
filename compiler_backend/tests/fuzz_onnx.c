/* fuzz_onnx.c: bounded-time mutation fuzzer of the ONNX importer and the
 * compiler (mote_cc_compile_onnx) and of the reference path
 * (mote_cc_ref_open/set_input/run/tensor/close), built with ASan+UBSan.
 *
 * Seeds: the committed models (models/fashion_mnist, models/mlperf_shapes,
 * models/onnx_cases/qdq_conv_relu) and the int8 node cases of the ONNX
 * backend suite (libonnx-testdata; MOTE_ONNX_TESTDATA overrides the
 * directory), as shipped and with their weights and quantization
 * parameters turned into initializers (so that they compile).  Each input is a seed or a corpus entry with 1 to 4
 * mutations of fuzz_mutate.h, mostly protobuf-aware.  Every input must
 * come back (any status) without a sanitizer report, a hang or a leak; a
 * refusal must carry a diagnostic, leave *model NULL, and have a status of
 * enum mote_cc_status; an accepted model must be a .mote file whose header
 * magic, size and CRC-32 are right.  One input in four (and every accepted
 * one) also goes through the reference executor: zero inputs, a run, and
 * every tensor of the graph read back byte by byte.  Every input also goes
 * through mote_cc_prune_onnx (2:4, skipping the first layer): a refusal as
 * above but never MOTE_CC_EINTERNAL (the wire walker and protobuf-c must
 * agree on every file protobuf-c takes), an accepted one a file protobuf-c
 * unpacks, as long as the input when nothing was rewritten as int32_data.
 *
 *   fuzz_onnx [--seconds 30] [--iters 200000] [--seed 1] [--timeout 20] [--replay FILE]
 *   fuzz_onnx --regress compiler_backend/tests/fuzz_regress   (the inputs past runs found)
 *   fuzz_onnx --write-seeds DIR   (the seed models as files, to start a corpus)
 * Built with -DMOTE_LIBFUZZER: LLVMFuzzerTestOneInput (the same work and
 * checks per input; the reference executor for one input in four by its
 * bytes) and LLVMFuzzerCustomMutator (the mutations above), no main
 * (scripts/fuzz/fuzz.mk).
 * Exit status: 0 clean, 1 a failed check or leak, 3 a hang, the sanitizer's
 * on a report (crash file in build/fuzz/crash-onnx-<iter>.bin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_cc_checks.h"
#include "fuzz_harness.h"
#include "fuzz_libfuzzer.h"
#include "mote/mote_compiler.h"
#include "fuzz_seeds.h"
#include "onnx.pb-c.h"

/* Defaults for the sanitizer runtime (the environment's options come after). */
const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void)
{
	/* an allocation past 1 GiB is a finding, not an ENOMEM path: the compiler checks
	 * what it allocates against the file first (an initializer's values must be
	 * there) and the executor bounds every tensor to 2^24 elements */
	return "allocator_may_return_null=0:max_allocation_size_mb=1024:detect_leaks=1:hard_rss_limit_mb=8192";
}
const char *__ubsan_default_options(void) __attribute__((used));
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1:abort_on_error=1"; }

struct report_ctx {
	unsigned lines;
	size_t bytes;
};

static void report_line(void *ctx, const char *line)
{
	struct report_ctx *r = ctx;
	if (!line)
		fz_fail("the compiler reported a NULL line");
	r->lines++;
	r->bytes += strlen(line); /* ASan: the line is a terminated string */
}

/* What one input did (the stats are updated after the leak check). */
struct outcome {
	int status;           /* of mote_cc_compile_onnx */
	struct mote_cc_diag diag;
	int ref_status;       /* of mote_cc_ref_open; 1: not tried */
	int ref_run;          /* of mote_cc_ref_run; 1: not tried */
	struct mote_cc_diag ref_diag;
	size_t model_len;
};

static void read_tensor(const mote_cc_ref *r, const char *name)
{
	const void *p = NULL;
	size_t n = 0;
	if (!name || mote_cc_ref_tensor(r, name, &p, &n))
		return;
	if (!p && n)
		fz_fail("tensor '%s': NULL data of %zu bytes", name, n);
	if (p)
		(void)touch(p, n);
}

/* The reference path on an input whose import may or may not succeed. */
static void ref_path(const struct fz_buf *in, struct outcome *o)
{
	mote_cc_ref *r = (mote_cc_ref *)1;
	memset(&o->ref_diag, 0, sizeof o->ref_diag);
	int st = mote_cc_ref_open(in->d, in->len, &r, &o->ref_diag);
	o->ref_status = st;
	if (st) {
		check_refusal("mote_cc_ref_open", st, &o->ref_diag);
		if (r)
			fz_fail("mote_cc_ref_open failed but left a handle");
		return;
	}
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, in->len, in->d);
	if (!m || !m->graph)
		fz_fail("mote_cc_ref_open accepted bytes protobuf-c cannot unpack as a model with a graph");
	const Onnx__GraphProto *g = m->graph;
	for (size_t i = 0; i < g->n_input; i++) {
		const char *name = g->input[i]->name;
		const void *p;
		size_t n;
		if (!name || mote_cc_ref_tensor(r, name, &p, &n))
			continue;
		uint8_t *z = calloc(n + 1, 1);
		if (!z)
			fz_fail("out of memory in the harness");
		struct mote_cc_diag d = {{0}};
		int rc = mote_cc_ref_set_input(r, name, z, n + 1, &d); /* one byte too many */
		if (rc == 0)
			fz_fail("input '%s' of %zu bytes took %zu", name, n, n + 1);
		check_refusal("mote_cc_ref_set_input", rc, &d);
		memset(&d, 0, sizeof d);
		rc = mote_cc_ref_set_input(r, name, z, n, &d);
		if (rc)
			check_refusal("mote_cc_ref_set_input", rc, &d); /* an initializer listed as an input */
		free(z);
	}
	memset(&o->ref_diag, 0, sizeof o->ref_diag);
	st = o->ref_run = mote_cc_ref_run(r, &o->ref_diag);
	if (st) {
		check_refusal("mote_cc_ref_run", st, &o->ref_diag);
	} else {
		for (size_t i = 0; i < g->n_input; i++)
			read_tensor(r, g->input[i]->name);
		for (size_t i = 0; i < g->n_node; i++)
			for (size_t k = 0; k < g->node[i]->n_output; k++)
				read_tensor(r, g->node[i]->output[k]);
		for (size_t i = 0; i < g->n_output; i++)
			read_tensor(r, g->output[i]->name);
	}
	onnx__model_proto__free_unpacked(m, NULL);
	mote_cc_ref_close(r);
}

static void run_one(const struct mote_geometry *geo, const struct fz_buf *in, int with_ref, struct outcome *o);

#ifndef MOTE_LIBFUZZER
/* run_one, or with --keep-going 1 when it hung (the crash file is written, the input abandoned). */
static int run_guarded(struct fz_crash *crash, const struct mote_geometry *geo, const struct fz_buf *in,
		       int with_ref, struct outcome *o)
{
	sigjmp_buf env;
	if (sigsetjmp(env, 1)) {
		crash->hang_jump = NULL;
		return 1;
	}
	crash->hang_jump = &env;
	run_one(geo, in, with_ref, o);
	crash->hang_jump = NULL;
	return 0;
}
#endif

static void count_rewrites(void *ctx, const struct mote_cc_prune_layer *l)
{
	*(int *)ctx += !l->left && !strcmp(l->encoding, "int32_data");
}

static void prune_path(const struct fz_buf *in)
{
	int rewrites = 0;
	struct mote_cc_prune_opts po = {.keep = 2, .group = 4, .skip_first = 1};
	struct mote_cc_diag d = {{0}};
	void *out = (void *)1;
	size_t olen = 12345;
	int st = mote_cc_prune_onnx(in->d, in->len, &po, count_rewrites, &rewrites, &out, &olen, &d);
	if (st) {
		check_refusal("mote_cc_prune_onnx", st, &d);
		if (st == MOTE_CC_EINTERNAL)
			fz_fail("mote_cc_prune_onnx: MOTE_CC_EINTERNAL: %s", d.msg);
		if (out || olen)
			fz_fail("mote_cc_prune_onnx failed but set *out %p, *out_len %zu", out, olen);
		return;
	}
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, olen, out);
	if (!m)
		fz_fail("mote_cc_prune_onnx wrote %zu bytes protobuf-c cannot unpack", olen);
	onnx__model_proto__free_unpacked(m, NULL);
	if (!rewrites && olen != in->len)
		fz_fail("mote_cc_prune_onnx changed the length (%zu to %zu) without an int32_data rewrite", in->len, olen);
	mote_cc_free(out);
}

static void run_one(const struct mote_geometry *geo, const struct fz_buf *in, int with_ref, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	o->ref_status = o->ref_run = 1;
	void *model = (void *)1;
	size_t mlen = 12345;
	struct report_ctx rep = {0};
	o->status = mote_cc_compile_onnx(in->d, in->len, geo, report_line, &rep, &model, &mlen, &o->diag);
	if (o->status == 0) {
		check_model(model, mlen);
		o->model_len = mlen;
		mote_cc_free(model);
	} else {
		check_refusal("mote_cc_compile_onnx", o->status, &o->diag);
		if (model || mlen)
			fz_fail("mote_cc_compile_onnx failed but set *model %p, *model_len %zu", model, mlen);
	}
	if (with_ref || o->status == 0)
		ref_path(in, o);
	prune_path(in);
}

#ifdef MOTE_LIBFUZZER

/* ---- libFuzzer / AFL++ ------------------------------------------------------------- */

/* One input as the loop runs it: compiled, pruned, and (one input in four,
 * by its bytes, and every one that compiles) through the reference executor.
 * A sanitizer report, a failed check (abort) or a leak (the engine's
 * LeakSanitizer check) is the engine's crash. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mote_geometry geo = fz_geom_8x8();
	const struct fz_buf in = {(uint8_t *)data, size, size};
	struct outcome o;
	run_one(&geo, &in, fz_lf_choice(data, size) % 4 == 0, &o);
	return 0;
}

static struct fz_buf lf_cur, lf_prev;
static struct fz_pb lf_ip, lf_opb;

static void lf_free(void)
{
	fz_buf_free(&lf_cur);
	fz_buf_free(&lf_prev);
	fz_pb_free(&lf_ip);
	fz_pb_free(&lf_opb);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	atexit(lf_free);
	return 0;
}

/* the loop's mutations: protobuf-aware three times in four, else bytes */
static const char *lf_mutation(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other, void *ctx)
{
	(void)ctx;
	return fz_chance(r, 4) ? fz_mutate_bytes(r, b, other) : fz_mutate_pb(r, b, other, &lf_ip, &lf_opb);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return fz_lf_mutate(data, size, max_size, seed, 4, lf_mutation, NULL, &lf_cur, &lf_prev);
}

#else

struct regress_ctx {
	struct fz_crash *crash;
	const struct fz_opts *o;
	const struct mote_geometry *geo;
	struct outcome out;
};

/* A regression input: compiled (and run through the reference executor) as
 * in --replay; what counts is the compiler's status and message. */
static void regress_one(void *ctx, const char *path, const struct fz_buf *in, const char **status, const char **msg)
{
	struct regress_ctx *r = ctx;
	fz_crash_arm(r->crash, r->o, 0, in, path);
	size_t heap0 = fz_heap_bytes();
	run_one(r->geo, in, 1, &r->out);
	fz_crash_disarm(r->crash);
	if (fz_leaked(heap0))
		fz_fail("%s: memory leaked (LeakSanitizer report above)", path);
	*status = mote_cc_status_name(r->out.status);
	*msg = r->out.diag.msg;
}

int main(int argc, char **argv)
{
	struct fz_opts o = {.target = "onnx", .seconds = 30, .iters = 200000, .seed = 1, .timeout_s = 20,
			    .out_dir = "build/fuzz"};
	int rc = fz_parse(argc, argv, &o, NULL);
	if (rc)
		return rc;
	fz_mkdir_p(o.out_dir);
	struct fz_crash crash = {0};
	fz_crash_install(&crash);
	const struct mote_geometry geo = fz_geom_8x8();
	struct fz_stats st = {0};
	struct outcome out;
	struct fz_buf cur = {0};

	if (o.regress) {
		struct regress_ctx rc_ctx = {.crash = &crash, .o = &o, .geo = &geo};
		return fz_regress(o.regress, regress_one, &rc_ctx) ? 1 : 0;
	}
	if (o.write_seeds) { /* the seeds the loop starts from, as files */
		struct fz_rng rng = {o.seed};
		struct fz_corpus corpus = {0};
		char seed_paths[FZ_SEED_PATHS][512];
		rc = fz_load_onnx_seeds(&corpus, &rng, &o, seed_paths) || fz_write_seeds(o.write_seeds, &corpus, "") ? 2 : 0;
		fz_corpus_free(&corpus);
		return rc;
	}
	if (o.n_replay) {
		for (int i = 0; i < o.n_replay; i++) {
			if (fz_slurp(o.replay[i], &cur))
				return 2;
			fz_crash_arm(&crash, &o, 0, &cur, o.replay[i]);
			size_t heap0 = fz_heap_bytes();
			run_one(&geo, &cur, 1, &out);
			fz_crash_disarm(&crash);
			int leaked = fz_leaked(heap0);
			int ref_failed = out.ref_status != 1 && (out.ref_status || (out.ref_run && out.ref_run != 1));
			printf("%s: compile %s%s%s%s; reference %s%s%s\n", o.replay[i], mote_cc_status_name(out.status),
			       out.status ? " (" : "", out.diag.msg, out.status ? ")" : "",
			       out.ref_status == 1	 ? "not run"
			       : out.ref_status	 ? mote_cc_status_name(out.ref_status)
			       : out.ref_run == 0 ? "ran"
						  : mote_cc_status_name(out.ref_run),
			       ref_failed ? ": " : "", ref_failed ? out.ref_diag.msg : "");
			if (leaked) {
				printf("%s: LEAK (see the LeakSanitizer report above)\n", o.replay[i]);
				return 1;
			}
		}
		fz_buf_free(&cur);
		return 0;
	}

	struct fz_rng rng = {o.seed};
	struct fz_corpus corpus = {0};
	char seed_paths[FZ_SEED_PATHS][512];
	if (fz_load_onnx_seeds(&corpus, &rng, &o, seed_paths)) {
		fprintf(stderr, "fuzz_onnx: no seed could be read (run from the repository root)\n");
		return 2;
	}
	printf("fuzz_onnx: seed %llu, %zu seed models, at most %llu inputs (0: no limit) and %g s, timeout %u s "
	       "per input\n",
	       (unsigned long long)o.seed, corpus.n_seeds, (unsigned long long)o.iters, o.seconds, o.timeout_s);
	fflush(stdout);

	/* the seeds themselves first: each must compile or be refused cleanly */
	struct fz_pb ip = {0}, opb = {0};
	double t0 = fz_now(), last_print = t0;
	uint64_t compiled_seeds = 0;
	for (size_t i = 0; i < corpus.n_seeds; i++) {
		fz_crash_arm(&crash, &o, 0, &corpus.e[i], corpus.name[i]);
		size_t heap0 = fz_heap_bytes();
		run_one(&geo, &corpus.e[i], 1, &out);
		fz_crash_disarm(&crash);
		if (fz_leaked(heap0))
			fz_fail("leak on seed %s", corpus.name[i]);
		compiled_seeds += out.status == 0;
		if (out.status)
			printf("  seed %s: %s (%s)\n", corpus.name[i], mote_cc_status_name(out.status), out.diag.msg);
	}
	uint64_t ref_opened = 0;
	int leak_checks_off = 0;
	uint64_t it;
	for (it = 0; (!o.iters || it < o.iters) && (!o.seconds || fz_now() - t0 < o.seconds); it++) {
		const struct fz_buf *base = &corpus.e[fz_below(&rng, corpus.n)];
		const struct fz_buf *other = &corpus.e[fz_below(&rng, corpus.n)];
		if (fz_set(&cur, base->d, base->len))
			fz_fail("out of memory in the harness");
		unsigned nm = 1 + (unsigned)(fz_chance(&rng, 2) ? 0 : fz_below(&rng, 4));
		for (unsigned k = 0; k < nm; k++) {
			const char *what = fz_chance(&rng, 4) ? fz_mutate_bytes(&rng, &cur, other)
							      : fz_mutate_pb(&rng, &cur, other, &ip, &opb);
			if (!what)
				fz_fail("out of memory in the mutator");
			if (o.verbose > 1)
				printf("    %llu: %s -> %zu bytes\n", (unsigned long long)it, what, cur.len);
		}
		int with_ref = fz_chance(&rng, 4);
		fz_crash_arm(&crash, &o, it, &cur, NULL);
		size_t heap0 = fz_heap_bytes();
		if (o.keep_going) {
			if (run_guarded(&crash, &geo, &cur, with_ref, &out)) {
				st.iters++; /* a hang: its memory is lost, so no leak check from now on */
				leak_checks_off = 1;
				continue;
			}
		} else {
			run_one(&geo, &cur, with_ref, &out);
		}
		fz_crash_disarm(&crash);
		if (!leak_checks_off && heap0 && fz_heap_bytes() > heap0) {
			st.leak_checks++;
			crash.armed = 1; /* fz_fail saves the input */
			if (fz_leaked(heap0))
				fz_fail("memory leaked (LeakSanitizer report above)");
			crash.armed = 0;
		}
		st.iters++;
		int fresh = 0;
		if (out.status == 0)
			st.accepted++;
		else
			fresh = fz_stats_refused(&st, out.status, out.diag.msg);
		if (out.ref_status != 1) {
			st.runs++; /* here: reference opens */
			if (out.ref_status == 0)
				ref_opened++;
			if (out.ref_run == 0)
				st.runs_ok++;
			else if (out.ref_run != 1)
				st.runs_err++;
			fresh |= fz_stats_note(&st, out.ref_diag.msg); /* a refusal's message counts too */
		}
		if ((fresh || (out.status == 0 && fz_chance(&rng, 8))) && fz_corpus_add(&corpus, &rng, &cur, NULL) < 0)
			fz_fail("out of memory in the harness");
		if (o.verbose && (fresh || o.verbose > 1))
			printf("  %llu: %s %s\n", (unsigned long long)it, mote_cc_status_name(out.status),
			       out.diag.msg);
		if (fz_now() - last_print > 10) {
			last_print = fz_now();
			printf("  ... %llu inputs, %.0f s, %llu accepted, %zu distinct diagnostics, corpus %zu\n",
			       (unsigned long long)st.iters, last_print - t0, (unsigned long long)st.accepted,
			       st.diags.n, corpus.n);
			fflush(stdout);
		}
	}
	double secs = fz_now() - t0;
	printf("fuzz_onnx: seed %llu: %llu inputs in %.1f s (%.0f/s); %llu of %zu seeds compile\n",
	       (unsigned long long)o.seed, (unsigned long long)st.iters, secs, (double)st.iters / (secs > 0 ? secs : 1),
	       (unsigned long long)compiled_seeds, corpus.n_seeds);
	printf("  compile: %llu accepted, %llu refused:", (unsigned long long)st.accepted,
	       (unsigned long long)(st.iters - st.accepted));
	for (int k = 1; k < FZ_CODES; k++)
		if (st.by_code[k])
			printf(" %s %llu", mote_cc_status_name(-k), (unsigned long long)st.by_code[k]);
	printf("\n  reference executor: %llu inputs tried, %llu opened, %llu ran, %llu runs refused\n",
	       (unsigned long long)st.runs, (unsigned long long)ref_opened, (unsigned long long)st.runs_ok,
	       (unsigned long long)st.runs_err);
	printf("  distinct diagnostics: %zu (%zu kinds, digits ignored); corpus %zu (%zu seeds); %llu leak checks\n",
	       st.diags.n, st.kinds.n, corpus.n, corpus.n_seeds, (unsigned long long)st.leak_checks);
	if (crash.hangs) {
		printf("fuzz_onnx: %lu hangs (--keep-going: inputs in %s/crash-onnx-*.bin; leak checks stopped at the "
		       "first)\n",
		       crash.hangs, o.out_dir);
		rc = 3;
	} else {
		printf("fuzz_onnx: no crash, hang, leak or failed check\n");
	}
	fz_pb_free(&ip);
	fz_pb_free(&opb);
	fz_buf_free(&cur);
	fz_corpus_free(&corpus);
	fz_strset_free(&st.diags);
	fz_strset_free(&st.kinds);
	fflush(stdout);
	if (crash.hangs) /* the abandoned inputs' memory would fill LeakSanitizer's exit report */
		_exit(rc);
	return rc;
}

#endif /* MOTE_LIBFUZZER */
