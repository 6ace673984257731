/* fuzz_tflite.c: bounded-time mutation fuzzer of the TFLite reader and
 * importer, the compiler on TFLite input (mote_cc_compile_onnx takes both
 * formats) and the reference path (mote_cc_ref_open_opts/set_input/run/
 * tensor/close), built with ASan+UBSan.
 *
 * Seeds: the MLPerf-Tiny-shaped networks of tfl_nets.c, small models built
 * by tfl_build.c (every imported operator, fast to compile) and any
 * --seed-file FILE (make test-mlperf adds the four MLPerf Tiny reference
 * models this way; a seed that cannot be read is an error, not a skip).  Each input is
 * a seed or a corpus entry with 1 to 4 mutations: fz_mutate_bytes's, or a
 * flatbuffer-aware one that hits the structure rather than the weights (a
 * 16- or 32-bit word outside every buffer's data, as the reader finds them
 * in the input, set to a boundary value, nudged, or copied from another
 * place: offsets, vtable entries, vector lengths, indices).  Checks as
 * fuzz_onnx.c: any status but no sanitizer report, hang or leak; a refusal
 * carries a diagnostic and a status of enum mote_cc_status and leaves
 * *model NULL; an accepted model is a whole .mote file; the reference path
 * (one input in four, and every accepted one) opens, takes zero inputs of
 * exactly the right size, runs and gives every named tensor back.
 *
 *   fuzz_tflite [--seconds 30] [--iters 200000] [--seed 1] [--timeout 20] [--replay FILE] [--seed-file FILE]...
 *   fuzz_tflite --regress compiler_backend/tests/fuzz_tflite_regress
 *   fuzz_tflite --write-seeds DIR   (the seed models as files, to start a corpus)
 * Built with -DMOTE_LIBFUZZER: LLVMFuzzerTestOneInput (the same work and
 * checks per input; the reference path's share and rounding chosen by the
 * input's bytes) and LLVMFuzzerCustomMutator (the mutations above), no main
 * (scripts/fuzz/fuzz.mk).
 * Exit status: 0 clean, 1 a failed check or leak, 2 no seeds, 3 a hang, the
 * sanitizer's on a report (crash file in build/fuzz/crash-tflite-<iter>.bin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_cc_checks.h"
#include "fuzz_harness.h"
#include "fuzz_libfuzzer.h"
#include "fuzz_seeds.h"
#include "mote/mote_compiler.h"
#include "tfl_build.h"
#include "tfl_nets.h"
#include "import/tflite_read.h"

const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=0:max_allocation_size_mb=1024:detect_leaks=1:hard_rss_limit_mb=8192";
}
const char *__ubsan_default_options(void) __attribute__((used));
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1:abort_on_error=1"; }

struct outcome {
	int status;
	struct mote_cc_diag diag;
	int ref_status, ref_run; /* 1: not tried */
	struct mote_cc_diag ref_diag;
};

static void report_line(void *ctx, const char *line)
{
	if (!line)
		fz_fail("the compiler reported a NULL line");
	*(size_t *)ctx += strlen(line);
}

/* The reference path; the graph's input and tensor names from the reader. */
static void ref_path(const struct fz_buf *in, int round_once, struct outcome *o)
{
	mote_cc_ref *r = (mote_cc_ref *)1;
	struct mote_cc_ref_opts opts = {.round_once = round_once};
	memset(&o->ref_diag, 0, sizeof o->ref_diag);
	int st = o->ref_status = mote_cc_ref_open_opts(in->d, in->len, &opts, &r, &o->ref_diag);
	if (st) {
		check_refusal("mote_cc_ref_open_opts", st, &o->ref_diag);
		if (r)
			fz_fail("mote_cc_ref_open_opts failed but left a handle");
		return;
	}
	struct tfl_model m;
	struct mote_cc_diag d = {{0}};
	if (tfl_read(in->d, in->len, &m, &d))
		fz_fail("the reference opened a model the reader refuses: %s", d.msg);
	for (uint32_t i = 0; i < m.n_inputs; i++) {
		const char *name = m.tensors[m.inputs[i]].name;
		const void *p;
		size_t n;
		if (mote_cc_ref_tensor(r, name, &p, &n))
			continue;
		uint8_t *z = calloc(n + 1, 1);
		if (!z)
			fz_fail("out of memory in the harness");
		int rc = mote_cc_ref_set_input(r, name, z, n + 1, &d);
		if (rc == 0)
			fz_fail("input '%s' of %zu bytes took %zu", name, n, n + 1);
		check_refusal("mote_cc_ref_set_input", rc, &d);
		if ((rc = mote_cc_ref_set_input(r, name, z, n, &d)))
			fz_fail("input '%s' of %zu bytes refused: %s", name, n, d.msg);
		free(z);
	}
	memset(&o->ref_diag, 0, sizeof o->ref_diag);
	st = o->ref_run = mote_cc_ref_run(r, &o->ref_diag);
	if (st)
		check_refusal("mote_cc_ref_run", st, &o->ref_diag);
	for (uint32_t i = 0; !st && i < m.n_tensors; i++) {
		const void *p = NULL;
		size_t n = 0;
		if (!mote_cc_ref_tensor(r, m.tensors[i].name, &p, &n) && p)
			(void)touch(p, n);
	}
	tfl_model_free(&m);
	mote_cc_ref_close(r);
}

static void run_one(const struct mote_geometry *geo, const struct fz_buf *in, int with_ref, int round_once,
		    struct outcome *o)
{
	memset(o, 0, sizeof *o);
	o->ref_status = o->ref_run = 1;
	void *model = (void *)1;
	size_t mlen = 12345, rep = 0;
	o->status = mote_cc_compile_onnx(in->d, in->len, geo, report_line, &rep, &model, &mlen, &o->diag);
	if (o->status == 0) {
		check_model(model, mlen);
		mote_cc_free(model);
	} else {
		check_refusal("mote_cc_compile_onnx", o->status, &o->diag);
		if (model || mlen)
			fz_fail("mote_cc_compile_onnx failed but set *model %p, *model_len %zu", model, mlen);
	}
	if (with_ref || o->status == 0)
		ref_path(in, round_once, o);
}

/* Is byte range [pos, pos + n) inside one of the model's buffers' data? */
static int in_data(const struct tfl_model *m, const uint8_t *base, size_t pos, size_t n)
{
	for (uint32_t i = 0; i < m->n_buffers; i++) {
		const struct tfl_buffer *b = &m->buffers[i];
		if (b->data && b->size && pos + n > (size_t)(b->data - base) && pos < (size_t)(b->data - base) + b->size)
			return 1;
	}
	return 0;
}

/* One flatbuffer-aware mutation: a word of the structure (not of the weights). */
static const char *mutate_fb(struct fz_rng *r, struct fz_buf *b)
{
	if (b->len < 16)
		return "fb-skip";
	struct tfl_model m;
	struct mote_cc_diag d;
	int have = tfl_read(b->d, b->len, &m, &d) == 0;
	unsigned w = fz_chance(r, 3) ? 2 : 4;
	size_t pos = 0;
	for (int tries = 0; tries < 32; tries++) {
		pos = (size_t)fz_below(r, (b->len - w) / w + 1) * w;
		if (!have || !in_data(&m, b->d, pos, w))
			break;
	}
	if (have)
		tfl_model_free(&m);
	uint64_t orig = fz_get_le(b->d + pos, w), v;
	switch (fz_below(r, 4)) {
	case 0: v = w == 4 ? fz_interesting32(r, (uint32_t)orig, b->len) : fz_interesting64(r, orig, b->len); break;
	case 1: v = orig + (uint64_t)(int64_t)((fz_chance(r, 2) ? 1 : -1) * (int64_t)(1 + fz_below(r, 16))); break;
	case 2: v = fz_get_le(b->d + (size_t)fz_below(r, (b->len - w) / w + 1) * w, w); break;
	default: v = fz_next(r); break;
	}
	fz_put_le(b->d + pos, v, w);
	return w == 4 ? "fb-word32" : "fb-word16";
}

#ifdef MOTE_LIBFUZZER

/* ---- libFuzzer / AFL++ ------------------------------------------------------------- */

/* One input as the loop runs it; the reference executor (one input in four,
 * and every one that compiles) and its rounding chosen by the input's bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mote_geometry geo = fz_geom_8x8();
	const struct fz_buf in = {(uint8_t *)data, size, size};
	uint64_t h = fz_lf_choice(data, size);
	struct outcome o;
	run_one(&geo, &in, h % 4 == 0, (int)(h >> 8) & 1, &o);
	return 0;
}

static struct fz_buf lf_cur, lf_prev;

static void lf_free(void)
{
	fz_buf_free(&lf_cur);
	fz_buf_free(&lf_prev);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	atexit(lf_free);
	return 0;
}

/* the loop's mutations: bytes one time in three, else a word of the flatbuffer's structure */
static const char *lf_mutation(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other, void *ctx)
{
	(void)ctx;
	return fz_chance(r, 3) ? fz_mutate_bytes(r, b, other) : mutate_fb(r, b);
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

static void regress_one(void *ctx, const char *path, const struct fz_buf *in, const char **status, const char **msg)
{
	struct regress_ctx *r = ctx;
	fz_crash_arm(r->crash, r->o, 0, in, path);
	size_t heap0 = fz_heap_bytes();
	run_one(r->geo, in, 1, 0, &r->out);
	fz_crash_disarm(r->crash);
	if (fz_leaked(heap0))
		fz_fail("%s: memory leaked (LeakSanitizer report above)", path);
	*status = mote_cc_status_name(r->out.status);
	*msg = r->out.diag.msg;
}

static int load_seeds(struct fz_corpus *c, struct fz_rng *rng, const struct fz_opts *o)
{
	struct fz_buf b = {0};
	for (int i = 0; i < o->n_seeds; i++) {
		if (fz_slurp(o->seeds[i], &b)) {
			fprintf(stderr, "fuzz_tflite: seed %s cannot be read\n", o->seeds[i]);
			fz_buf_free(&b);
			return -1;
		}
		if (fz_corpus_add(c, rng, &b, o->seeds[i]) < 0)
			return -1;
	}
	for (int id = 0; id < TN_DEVICE_COUNT; id++) { /* every seed must compile */
		struct tn_net n;
		tn_build((enum tn_id)id, 7, &n);
		int rc = fz_set(&b, n.bytes, n.len);
		if (rc || fz_corpus_add(c, rng, &b, tn_name((enum tn_id)id)) < 0) {
			tn_free(&n);
			return -1;
		}
		tn_free(&n);
	}
	static const char *const tiny[3] = {"tiny_cnn", "tiny_cnn_maxpool", "tiny_cnn_pad"};
	for (int v = 0; v < 3; v++) {
		struct tm_model tm;
		tm_tiny_cnn(&tm, v);
		size_t len;
		uint8_t *d = tm_build(&tm, &len);
		int rc = fz_set(&b, d, len);
		free(d);
		if (rc || fz_corpus_add(c, rng, &b, tiny[v]) < 0)
			return -1;
	}
	c->n_seeds = c->n;
	fz_buf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	struct fz_opts o = {.target = "tflite", .seconds = 30, .iters = 200000, .seed = 1, .timeout_s = 20,
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
		rc = load_seeds(&corpus, &rng, &o) || fz_write_seeds(o.write_seeds, &corpus, ".tflite") ? 2 : 0;
		fz_corpus_free(&corpus);
		return rc;
	}
	if (o.n_replay) {
		for (int i = 0; i < o.n_replay; i++) {
			if (fz_slurp(o.replay[i], &cur))
				return 2;
			fz_crash_arm(&crash, &o, 0, &cur, o.replay[i]);
			run_one(&geo, &cur, 1, 0, &out);
			fz_crash_disarm(&crash);
			printf("%s: compile %s (%s); reference %d/%d %s\n", o.replay[i], mote_cc_status_name(out.status),
			       out.diag.msg, out.ref_status, out.ref_run, out.ref_diag.msg);
		}
		fz_buf_free(&cur);
		return 0;
	}
	struct fz_rng rng = {o.seed};
	struct fz_corpus corpus = {0};
	if (load_seeds(&corpus, &rng, &o)) {
		fz_corpus_free(&corpus);
		return 2;
	}
	printf("fuzz_tflite: seed %llu, %zu seed models, at most %llu inputs and %g s, timeout %u s per input\n",
	       (unsigned long long)o.seed, corpus.n_seeds, (unsigned long long)o.iters, o.seconds, o.timeout_s);
	fflush(stdout);
	for (size_t i = 0; i < corpus.n_seeds; i++) {
		fz_crash_arm(&crash, &o, 0, &corpus.e[i], corpus.name[i]);
		size_t heap0 = fz_heap_bytes();
		run_one(&geo, &corpus.e[i], 1, (int)(i & 1), &out);
		fz_crash_disarm(&crash);
		if (fz_leaked(heap0))
			fz_fail("leak on seed %s", corpus.name[i]);
		if (out.status || out.ref_status || out.ref_run)
			fz_fail("seed %s: compile %s (%s), reference %d/%d (%s)", corpus.name[i],
				mote_cc_status_name(out.status), out.diag.msg, out.ref_status, out.ref_run, out.ref_diag.msg);
	}
	double t0 = fz_now(), last = t0;
	uint64_t it;
	for (it = 0; (!o.iters || it < o.iters) && (!o.seconds || fz_now() - t0 < o.seconds); it++) {
		const struct fz_buf *base = &corpus.e[fz_below(&rng, corpus.n)];
		const struct fz_buf *other = &corpus.e[fz_below(&rng, corpus.n)];
		if (fz_set(&cur, base->d, base->len))
			fz_fail("out of memory in the harness");
		unsigned nm = 1 + (unsigned)(fz_chance(&rng, 2) ? 0 : fz_below(&rng, 4));
		for (unsigned k = 0; k < nm; k++) {
			const char *what = fz_chance(&rng, 3) ? fz_mutate_bytes(&rng, &cur, other) : mutate_fb(&rng, &cur);
			if (!what)
				fz_fail("out of memory in the mutator");
		}
		int with_ref = fz_chance(&rng, 4), round_once = fz_chance(&rng, 2);
		fz_crash_arm(&crash, &o, it, &cur, NULL);
		size_t heap0 = fz_heap_bytes();
		run_one(&geo, &cur, with_ref, round_once, &out);
		fz_crash_disarm(&crash);
		if (heap0 && fz_heap_bytes() > heap0) {
			st.leak_checks++;
			crash.armed = 1;
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
			st.runs++;
			st.runs_ok += out.ref_run == 0;
			st.runs_err += out.ref_run != 0 && out.ref_run != 1;
			fresh |= fz_stats_note(&st, out.ref_diag.msg);
		}
		if ((fresh || (out.status == 0 && fz_chance(&rng, 8))) && fz_corpus_add(&corpus, &rng, &cur, NULL) < 0)
			fz_fail("out of memory in the harness");
		if (fz_now() - last > 10) {
			last = fz_now();
			printf("  ... %llu inputs, %.0f s, %llu accepted, %zu distinct diagnostics, corpus %zu\n",
			       (unsigned long long)st.iters, last - t0, (unsigned long long)st.accepted, st.diags.n, corpus.n);
			fflush(stdout);
		}
	}
	double secs = fz_now() - t0;
	printf("fuzz_tflite: seed %llu: %llu inputs in %.1f s (%.0f/s)\n", (unsigned long long)o.seed,
	       (unsigned long long)st.iters, secs, (double)st.iters / (secs > 0 ? secs : 1));
	printf("  compile: %llu accepted, %llu refused:", (unsigned long long)st.accepted,
	       (unsigned long long)(st.iters - st.accepted));
	for (int k = 1; k < FZ_CODES; k++)
		if (st.by_code[k])
			printf(" %s %llu", mote_cc_status_name(-k), (unsigned long long)st.by_code[k]);
	printf("\n  reference executor: %llu inputs tried, %llu ran, %llu runs refused\n", (unsigned long long)st.runs,
	       (unsigned long long)st.runs_ok, (unsigned long long)st.runs_err);
	printf("  distinct diagnostics: %zu (%zu kinds, digits ignored); corpus %zu (%zu seeds); %llu leak checks\n",
	       st.diags.n, st.kinds.n, corpus.n, corpus.n_seeds, (unsigned long long)st.leak_checks);
	printf("fuzz_tflite: no crash, hang, leak or failed check\n");
	fz_buf_free(&cur);
	fz_corpus_free(&corpus);
	fz_strset_free(&st.diags);
	fz_strset_free(&st.kinds);
	return 0;
}

#endif /* MOTE_LIBFUZZER */
