/* fuzz_harness.h: the driver loop pieces shared by the fuzz targets
 * (compiler_backend/tests/fuzz_onnx.c, driver/tests/fuzz/fuzz_model.c,
 * driver/tests/fuzz/fuzz_cmd.c).
 *
 *   - options: --seconds S (wall-clock cap), --iters N, --seed N,
 *     --min-iters N (fuzz_cmd: a floor, the run fails when fewer inputs ran),
 *     --timeout S (per input), --out DIR, --replay FILE..., -v;
 *   - a crash catcher: before each input the target arms it with the bytes
 *     and the iteration; a sanitizer report (through the sanitizer's death
 *     callback), a per-input timeout (SIGALRM) or a failed check of the
 *     target itself writes the input to DIR/crash-<target>-<iter>.bin and
 *     the process exits nonzero.  Signal handlers and the death callback
 *     cannot take an argument, so the armed input is reached through the one
 *     static pointer of this file (a test program's, not a library's);
 *   - a per-input leak check: the sanitizer allocator's live byte count
 *     before and after an input; a difference is confirmed by LeakSanitizer
 *     (memory still reachable, e.g. a lazily made cache, is not a leak);
 *   - figures: inputs accepted and refused by status, distinct diagnostic
 *     messages (a string set), the corpus (seeds plus inputs that produced
 *     a diagnostic never seen before, digits ignored: a cheap stand-in for
 *     coverage feedback).
 *
 * The sanitizer entry points are weak: without -fsanitize the targets still
 * build and run (no death callback, no leak check).
 *
 * Built with -DMOTE_LIBFUZZER (the targets' libFuzzer and AFL++ entry
 * points: fuzz_libfuzzer.h) the engine owns the input, its timeout (SIGALRM)
 * and the crash file: arming sets no alarm, and a failed check prints its
 * message and aborts, so that the engine saves the input.
 */
#ifndef MOTE_FUZZ_HARNESS_H
#define MOTE_FUZZ_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_mutate.h"

/* Sanitizer runtime entry points (weak: NULL without -fsanitize). */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
void __sanitizer_print_stack_trace(void) __attribute__((weak));

#define FZ_MAX_FILES 64

struct fz_opts {
	const char *target;   /* "onnx", "model": crash file names */
	double seconds;       /* wall-clock cap, 0: none */
	uint64_t iters;       /* iteration cap, 0: none */
	uint64_t min_iters;   /* fuzz_cmd: fewer inputs than this by the end is a failure (0: no floor) */
	uint64_t seed;
	unsigned timeout_s;   /* per input */
	const char *out_dir;
	int verbose;
	int keep_going;       /* fuzz_onnx: a hang is saved and counted, the run goes on */
	int n_replay;
	const char *replay[FZ_MAX_FILES];
	const char *regress;  /* --regress DIR: the named regression inputs and their expected refusals */
	const char *write_seeds; /* --write-seeds DIR: the target's seeds as files (a corpus to start from) */
	uint64_t short_every; /* fuzz_model: one run in N with a 1 ms step timeout (0: never) */
	uint64_t onnx_every;  /* fuzz_model: one input in N is ONNX compiled for the device (0: never) */
	const char *device;   /* fuzz_model, fuzz_cmd: the device URI (NULL: the target's default) */
	uint64_t check_every; /* fuzz_cmd: the known job after every N-th completed stream (0: only after errors) */
	int n_seeds;          /* extra seed files */
	const char *seeds[FZ_MAX_FILES];
};

static inline double fz_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline void fz_usage(const struct fz_opts *o, const char *extra)
{
	fprintf(stderr,
		"usage: fuzz_%s [--seconds S] [--iters N] [--seed N] [--timeout S] [--out DIR] [-v]\n"
		"               [--keep-going] [--seed-file FILE]... [--replay FILE]...\n"
		"  --seconds S    stop after S seconds of fuzzing (default %g; 0: no limit)\n"
		"  --iters N      stop after N inputs (default %llu; 0: no limit)\n"
		"  --min-iters N  fuzz_cmd: fail when fewer than N inputs ran by the end (a floor under\n"
		"                 --seconds)\n"
		"  --seed N       generator seed (default %llu); a failure at iteration M\n"
		"                 reproduces with --seed N --iters M+1, or with --replay of the crash file\n"
		"  --timeout S    an input running longer is a hang (default %u)\n"
		"  --out DIR      where crash files go (default %s)\n"
		"  --seed-file F  one more seed input\n"
		"  --replay F     run F (and more --replay files) once each, no mutation\n"
		"  --regress DIR  run the inputs DIR/EXPECTED lists, each of which must give its status\n"
		"                 and a message containing its text (see fz_regress), then exit\n"
		"  --write-seeds DIR  write the seed inputs into DIR as files and exit (a corpus to start from)\n"
		"  --keep-going   fuzz_onnx, for exploration: a hang is saved and counted, the run goes on\n"
		"                 (the hung computation is abandoned; leak checks stop there)\n"
		"%s",
		o->target, o->seconds, (unsigned long long)o->iters, (unsigned long long)o->seed, o->timeout_s,
		o->out_dir, extra ? extra : "");
}

static inline int fz_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

/* Returns 0, or 2 after printing the usage. */
static inline int fz_parse(int argc, char **argv, struct fz_opts *o, const char *extra_usage)
{
	const char *a = "";
	for (int i = 1; i < argc; i++) {
		a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t x;
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose++;
			continue;
		}
		if (!strcmp(a, "--keep-going")) {
			o->keep_going = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fz_usage(o, extra_usage);
			return 2;
		}
		if (!v)
			goto bad;
		i++;
		if (!strcmp(a, "--seconds")) {
			char *end;
			o->seconds = strtod(v, &end);
			if (*end || o->seconds < 0)
				goto bad;
		} else if (!strcmp(a, "--iters")) {
			if (fz_parse_u64(v, &o->iters))
				goto bad;
		} else if (!strcmp(a, "--min-iters")) {
			if (fz_parse_u64(v, &o->min_iters))
				goto bad;
		} else if (!strcmp(a, "--check-every")) {
			if (fz_parse_u64(v, &o->check_every))
				goto bad;
		} else if (!strcmp(a, "--seed")) {
			if (fz_parse_u64(v, &o->seed))
				goto bad;
		} else if (!strcmp(a, "--timeout")) {
			if (fz_parse_u64(v, &x) || x == 0 || x > 3600)
				goto bad;
			o->timeout_s = (unsigned)x;
		} else if (!strcmp(a, "--short-timeout-every")) {
			if (fz_parse_u64(v, &o->short_every))
				goto bad;
		} else if (!strcmp(a, "--onnx-every")) {
			if (fz_parse_u64(v, &o->onnx_every))
				goto bad;
		} else if (!strcmp(a, "--out")) {
			o->out_dir = v;
		} else if (!strcmp(a, "--device")) {
			o->device = v;
		} else if (!strcmp(a, "--regress")) {
			o->regress = v;
		} else if (!strcmp(a, "--write-seeds")) {
			o->write_seeds = v;
		} else if (!strcmp(a, "--replay") && o->n_replay < FZ_MAX_FILES) {
			o->replay[o->n_replay++] = v;
		} else if (!strcmp(a, "--seed-file") && o->n_seeds < FZ_MAX_FILES) {
			o->seeds[o->n_seeds++] = v;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	fprintf(stderr, "fuzz_%s: bad or incomplete argument '%s'\n", o->target, a);
	fz_usage(o, extra_usage);
	return 2;
}

/* Whole file into b; 0 or -1 (message printed). */
static inline int fz_slurp(const char *path, struct fz_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	b->len = 0;
	int rc = 0;
	for (;;) {
		if (fz_reserve(b, b->len + 65536)) {
			rc = -1;
			break;
		}
		size_t n = fread(b->d + b->len, 1, b->cap - b->len, f);
		b->len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (rc)
		fprintf(stderr, "cannot read %s\n", path);
	return rc;
}

/* ---- crash catcher ----------------------------------------------------------------- */

struct fz_crash {
	char path[512];        /* DIR/crash-<target>-<iter>.bin, made when armed */
	char banner[1024];     /* what to print: seed, iteration, reproduction */
	const uint8_t *data;   /* the input being run */
	size_t len;
	int armed;
	sigjmp_buf *hang_jump; /* --keep-going (fuzz_onnx): a hang jumps back here instead of exiting */
	unsigned long hangs;
};

/* The one static: signal handlers and the death callback take no argument. */
static struct fz_crash *fz_crash_ctx;

static void fz_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void fz_say(const char *s) { fz_write_all(2, s, strlen(s)); }

/* Async-signal-safe: open/write/close only. */
static void fz_crash_save(const char *why)
{
	struct fz_crash *c = fz_crash_ctx;
	if (!c || !c->armed)
		return;
	c->armed = 0;
	fz_say("\n==fuzz== ");
	fz_say(why);
	if (c->path[0]) {
		int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			fz_write_all(fd, c->data, c->len);
			close(fd);
		}
		fz_say(": input written to ");
		fz_say(c->path);
	}
	fz_say("\n==fuzz== ");
	fz_say(c->banner);
	fz_say("\n");
}

static void fz_on_death(void) { fz_crash_save("sanitizer report"); }

static void fz_on_alarm(int sig)
{
	(void)sig;
	fz_crash_save("timeout (a hang)");
	if (__sanitizer_print_stack_trace) { /* where it hung (not async-signal-safe, but we are leaving) */
		fz_say("==fuzz== the hang was here:\n");
		__sanitizer_print_stack_trace();
	}
	struct fz_crash *c = fz_crash_ctx;
	if (c && c->hang_jump) { /* abandon the input (what it allocated is lost) and go on */
		c->hangs++;
		siglongjmp(*c->hang_jump, 1);
	}
	_exit(3);
}

static void fz_on_fatal(int sig)
{
	fz_crash_save(sig == SIGSEGV   ? "SIGSEGV"
		      : sig == SIGBUS  ? "SIGBUS"
		      : sig == SIGFPE  ? "SIGFPE"
		      : sig == SIGABRT ? "abort (an UndefinedBehaviorSanitizer report, or an assertion)"
				       : "signal");
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline void fz_crash_install(struct fz_crash *c)
{
	fz_crash_ctx = c;
	setvbuf(stdout, NULL, _IOLBF, 0); /* a death skips stdio's flush: print line by line */
	/* GCC's UBSan runtime is not ASan's and has its own death callbacks: the
	 * targets' __ubsan_default_options say abort_on_error=1, caught here */
	signal(SIGABRT, fz_on_fatal);
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(fz_on_death);
	} else { /* no sanitizer: catch the plain signals ourselves */
		signal(SIGSEGV, fz_on_fatal);
		signal(SIGBUS, fz_on_fatal);
		signal(SIGFPE, fz_on_fatal);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fz_on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

static inline void fz_crash_arm(struct fz_crash *c, const struct fz_opts *o, uint64_t iter, const struct fz_buf *in,
				const char *replay)
{
	c->path[0] = 0; /* a replayed file or a seed is on disk already */
	if (!replay)
		snprintf(c->path, sizeof c->path, "%s/crash-%s-%llu.bin", o->out_dir, o->target,
			 (unsigned long long)iter);
	if (replay)
		snprintf(c->banner, sizeof c->banner, "replaying %s (reproduce: --replay %s)", replay, replay);
	else
		snprintf(c->banner, sizeof c->banner,
			 "fuzz_%s seed %llu iteration %llu (reproduce: --seed %llu --iters %llu, or --replay %s)",
			 o->target, (unsigned long long)o->seed, (unsigned long long)iter, (unsigned long long)o->seed,
			 (unsigned long long)iter + 1, c->path);
	c->data = in->d;
	c->len = in->len;
	c->armed = 1;
#ifndef MOTE_LIBFUZZER /* the engine's timer is SIGALRM too */
	alarm(o->timeout_s);
#endif
}

static inline void fz_crash_disarm(struct fz_crash *c)
{
#ifndef MOTE_LIBFUZZER
	alarm(0);
#endif
	c->armed = 0;
}

/* A failed check of the target: save the input, say why, exit 1 (under
 * libFuzzer or AFL++: say why and abort; the engine saves the input). */
static inline void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static inline void fz_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fflush(stdout);
#ifdef MOTE_LIBFUZZER
	fprintf(stderr, "\n==fuzz== %s\n", msg);
	abort();
#else
	alarm(0);
	fz_crash_save(msg);
	_exit(1);
#endif
}

static inline void fz_mkdir_p(const char *dir)
{
	char p[512];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* ---- leaks ------------------------------------------------------------------------- */

static inline size_t fz_heap_bytes(void)
{
	return __sanitizer_get_current_allocated_bytes ? __sanitizer_get_current_allocated_bytes() : 0;
}

/* Live heap bytes went from before to now across one input: 1 when
 * LeakSanitizer confirms unreachable blocks (it prints them). */
static inline int fz_leaked(size_t before)
{
	if (fz_heap_bytes() <= before || !__lsan_do_recoverable_leak_check)
		return 0;
	return __lsan_do_recoverable_leak_check() != 0;
}

/* ---- string set -------------------------------------------------------------------- */

struct fz_strset {
	char **slot;
	size_t n, cap;
};

static inline uint64_t fz_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

/* 1: s was new (copied in), 0: seen before, -1: out of memory. */
static inline int fz_strset_add(struct fz_strset *set, const char *s)
{
	if (2 * (set->n + 1) > set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 256;
		char **slot = calloc(cap, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i]) {
				size_t k = fz_hash(set->slot[i]) & (cap - 1);
				while (slot[k])
					k = (k + 1) & (cap - 1);
				slot[k] = set->slot[i];
			}
		free(set->slot);
		set->slot = slot;
		set->cap = cap;
	}
	size_t k = fz_hash(s) & (set->cap - 1);
	while (set->slot[k]) {
		if (!strcmp(set->slot[k], s))
			return 0;
		k = (k + 1) & (set->cap - 1);
	}
	size_t n = strlen(s) + 1;
	if (!(set->slot[k] = malloc(n)))
		return -1;
	memcpy(set->slot[k], s, n);
	set->n++;
	return 1;
}

static inline void fz_strset_free(struct fz_strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	memset(set, 0, sizeof *set);
}

/* ---- corpus -------------------------------------------------------------------------- */

#define FZ_CORPUS_MAX 384

struct fz_corpus {
	struct fz_buf e[FZ_CORPUS_MAX];
	const char *name[FZ_CORPUS_MAX]; /* seeds: their file; NULL for found inputs */
	size_t n, n_seeds;
};

static inline int fz_corpus_add(struct fz_corpus *c, struct fz_rng *r, const struct fz_buf *b, const char *name)
{
	size_t k = c->n;
	if (k == FZ_CORPUS_MAX) { /* full: a found input makes room (seeds stay) */
		if (name || c->n_seeds == c->n)
			return 0;
		k = c->n_seeds + (size_t)fz_below(r, c->n - c->n_seeds);
	}
	if (fz_set(&c->e[k], b->d, b->len))
		return -1;
	c->name[k] = name;
	if (k == c->n) {
		c->n++;
		if (name)
			c->n_seeds++;
	}
	return 1;
}

static inline void fz_corpus_free(struct fz_corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		fz_buf_free(&c->e[i]);
	c->n = c->n_seeds = 0;
}

/* --write-seeds DIR: the corpus's seeds as DIR/<name> (the seed's name with
 * every character but letters, digits, '.', '-' and '_' made '_', then ext);
 * 0 or -1 (message printed). */
static inline int fz_write_seeds(const char *dir, const struct fz_corpus *c, const char *ext)
{
	fz_mkdir_p(dir);
	for (size_t i = 0; i < c->n_seeds; i++) {
		char name[256], path[1024];
		const char *s = c->name[i] ? c->name[i] : "seed";
		const char *base = strstr(s, "models/") ? strstr(s, "models/") + 7 : s; /* repository paths: shorter */
		size_t k = 0;
		for (; *base && k + 1 < sizeof name; base++)
			name[k++] = (*base >= 'a' && *base <= 'z') || (*base >= 'A' && *base <= 'Z') ||
						(*base >= '0' && *base <= '9') || *base == '.' || *base == '-'
					    ? *base
					    : '_';
		name[k] = 0;
		snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
		FILE *f = fopen(path, "wb");
		int bad = !f || fwrite(c->e[i].d, 1, c->e[i].len, f) != c->e[i].len;
		if (f && fclose(f))
			bad = 1;
		if (bad) {
			fprintf(stderr, "cannot write %s\n", path);
			return -1;
		}
		printf("%s: %zu bytes\n", path, c->e[i].len);
	}
	return 0;
}

/* Digits dropped: "tensor 12: ..." and "tensor 3: ..." are one kind of refusal. */
static inline void fz_diag_kind(const char *msg, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *s = msg; *s && n + 1 < cap; s++)
		if (!(*s >= '0' && *s <= '9'))
			out[n++] = *s;
		else if (!n || out[n - 1] != '#')
			out[n++] = '#';
	out[n] = 0;
}

/* ---- figures ---------------------------------------------------------------------------- */

#define FZ_CODES 32

struct fz_stats {
	uint64_t iters, accepted, refused;
	uint64_t by_code[FZ_CODES];   /* -status, refusals */
	uint64_t runs, runs_ok, runs_err;
	uint64_t leak_checks;
	struct fz_strset diags, kinds;
};

/* A diagnostic seen: 1 when its kind (digits ignored) was new. */
static inline int fz_stats_note(struct fz_stats *s, const char *msg)
{
	if (!msg || !msg[0])
		return 0;
	char kind[256];
	fz_diag_kind(msg, kind, sizeof kind);
	if (fz_strset_add(&s->diags, msg) < 0)
		fz_fail("out of memory in the harness");
	int fresh = fz_strset_add(&s->kinds, kind);
	if (fresh < 0)
		fz_fail("out of memory in the harness");
	return fresh;
}

/* One refusal with its status and message; 1 when the message's kind was new. */
static inline int fz_stats_refused(struct fz_stats *s, int status, const char *msg)
{
	s->refused++;
	int k = -status;
	s->by_code[k > 0 && k < FZ_CODES ? k : FZ_CODES - 1]++;
	return fz_stats_note(s, msg);
}

/* ---- named regression inputs -------------------------------------------------------- */

/* Runs input `in` (read from path) as the target does one input, crash
 * catcher armed and leak checked, and says what became of it: the status's
 * name (e.g. "MOTE_CC_EFORMAT", "MOTE_ERROR_BAD_MODEL") and the message. */
typedef void (*fz_regress_fn)(void *ctx, const char *path, const struct fz_buf *in, const char **status,
			      const char **msg);

/* DIR/EXPECTED lists the inputs found by fuzzing, one per line:
 *     FILE STATUS TEXT...
 * FILE (in DIR) must come back with STATUS and a message containing TEXT (the
 * rest of the line, which may hold spaces); lines starting with '#' and empty
 * lines are comments.  Every entry is run; returns the number that did not
 * (a missing file counts), or -1 when DIR/EXPECTED cannot be read. */
static inline int fz_regress(const char *dir, fz_regress_fn run, void *ctx)
{
	char list[1024], path[1024], line[1024];
	snprintf(list, sizeof list, "%s/EXPECTED", dir);
	FILE *f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s: %s\n", list, strerror(errno));
		return -1;
	}
	int bad = 0, n = 0;
	struct fz_buf in = {0};
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		char file[256], want[64];
		int used = 0;
		if (sscanf(line, "%255s %63s %n", file, want, &used) != 2 || !line[used]) {
			printf("%s: malformed line '%s'\n", list, line);
			bad++;
			continue;
		}
		const char *text = line + used;
		snprintf(path, sizeof path, "%s/%s", dir, file);
		n++;
		if (fz_slurp(path, &in)) {
			bad++;
			continue;
		}
		const char *got = "", *msg = "";
		run(ctx, path, &in, &got, &msg);
		int ok = !strcmp(got, want) && strstr(msg, text);
		printf("  %s %s: %s (%s)\n", ok ? "ok  " : "FAIL", file, got, msg);
		if (!ok) {
			printf("       wanted %s with '%s'\n", want, text);
			bad++;
		}
	}
	fclose(f);
	fz_buf_free(&in);
	printf("%s: %d of %d regression inputs as expected\n", dir, n - bad, n);
	return bad;
}

#endif /* MOTE_FUZZ_HARNESS_H */
