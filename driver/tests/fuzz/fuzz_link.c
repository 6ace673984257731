/* fuzz_link.c: bounded-time mutation fuzzer of the host side's link frame
 * parser (driver/link_frame.c) and of the request layer above it
 * (driver/link.c) against a hostile board, built with ASan+UBSan.
 *
 * An input is what a board sends: any bytes.  Each input is
 *   1. fed to the frame receiver byte by byte; every frame it delivers must
 *      have a good CRC over exactly its content, fit LINK_CONTENT_MAX, come
 *      back identical when framed again and received by a fresh receiver, and
 *      survive link_rsp_check and link_req_parse (lengths and pointers inside
 *      the frame, data lengths as the operation says);
 *   2. followed by LINK_ESC, a flag and a good frame: the receiver must deliver
 *      exactly that frame whatever came before (resynchronisation);
 *   3. the answer of a board to a session: link_open, then a register read, a
 *      memory read and a memory write, with the input as everything the board
 *      says (it ignores what it is sent).  Each call must end within its retry
 *      budget of link time, with 0 or IO (or BAD_DEVICE at open); a call that
 *      succeeds must have been answered by a good frame of the input carrying
 *      its SEQ, operation and LEN, and a read must return that frame's data.
 * Seeds: streams of good responses to such a session (with flags and escapes
 * in the data).  Mutations: fuzz_mutate.h's byte mutations.
 *
 *   fuzz_link [--seconds 30] [--iters 200000] [--seed 1] [--replay FILE] [-v]
 *   fuzz_link --regress driver/tests/fuzz/link_regress
 *   fuzz_link --write-seeds DIR   (the two seed sessions as files)
 * Built with -DMOTE_LIBFUZZER: LLVMFuzzerTestOneInput (the same checks per
 * input; libFuzzer's mutations), no main (scripts/fuzz/fuzz.mk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_libfuzzer.h"
#include "link.h"
#include "link_frame.h"
#include "mote_priv.h"

const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:detect_leaks=1";
}
const char *__ubsan_default_options(void) __attribute__((used));
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1:abort_on_error=1"; }

#define RETRIES 3u
#define BYTE_US 3u

/* ---- 1 and 2: the receiver ------------------------------------------------------ */

static uint64_t check_receiver(const uint8_t *in, size_t n)
{
	struct link_rx rx, again;
	uint8_t wire[LINK_WIRE_MAX];
	uint64_t frames = 0;
	link_rx_init(&rx);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		if (!link_rx_byte(&rx, in[i], &len))
			continue;
		frames++;
		if (len + MOTE_LINK_CRC_BYTES > LINK_CONTENT_MAX || len < MOTE_FRAME_RSP_HDR_BYTES)
			fz_fail("frame of %zu content bytes delivered", len);
		if (link_crc_update(0xffffffffu, rx.buf, len + MOTE_LINK_CRC_BYTES) != MOTE_LINK_CRC_RESIDUE)
			fz_fail("frame delivered with a bad CRC");
		/* framed again (as a response: header, data) and received again */
		size_t nd = len - MOTE_FRAME_RSP_HDR_BYTES;
		if (nd <= MOTE_LINK_MAX_DATA) {
			size_t w = link_encode_rsp(rx.buf[0], rx.buf[1], rx.buf[2], rx.buf + 3, nd, wire), got = 0, l2 = 0;
			link_rx_init(&again);
			for (size_t k = 0; k < w; k++)
				got += (size_t)link_rx_byte(&again, wire[k], &l2);
			if (got != 1 || l2 != len || memcmp(again.buf, rx.buf, len))
				fz_fail("a delivered frame framed again does not come back the same");
		}
		/* as a response to the request it names, and as a request */
		struct link_req r = {.seq = rx.buf[0], .op = (uint8_t)(rx.buf[1] & 7u), .len = rx.buf[2]};
		uint8_t st = 0;
		const uint8_t *data = NULL;
		size_t n_data = 0;
		int c = link_rsp_check(rx.buf, len, &r, &st, &data, &n_data);
		if (c == 1 && (data != rx.buf + MOTE_FRAME_RSP_HDR_BYTES || data + n_data != rx.buf + len ||
			       n_data != link_rsp_data_bytes(r.op, r.len, st)))
			fz_fail("link_rsp_check accepted a frame whose data does not fit");
		struct link_req q;
		if (link_req_parse(rx.buf, len, &q) && q.data + link_req_data_bytes(q.op, q.len) != rx.buf + len)
			fz_fail("link_req_parse accepted a frame whose data does not fit");
	}
	/* resynchronisation: an escape and a flag end anything; a good frame follows */
	static const uint8_t data[6] = {MOTE_LINK_FLAG, MOTE_LINK_ESC, 1, 2, MOTE_LINK_FLAG, 0x5e};
	size_t w = link_encode_rsp(0x42, MOTE_LOP_MEM_READ, 5, data, sizeof data, wire), len = 0;
	int got = link_rx_byte(&rx, MOTE_LINK_ESC, &len);
	for (size_t k = 0; k < w; k++)
		got += link_rx_byte(&rx, wire[k], &len);
	if (got != 1 || len != 3 + sizeof data || rx.buf[0] != 0x42 || memcmp(rx.buf + 3, data, sizeof data))
		fz_fail("after the input, a good frame was not received intact (%d frames)", got);
	return frames;
}

/* ---- 3: a hostile board ------------------------------------------------------------ */

/* Each request the board hears (a flag closing a frame: after a byte that is
 * neither a flag nor an escape) releases its next answer: the input up to and
 * including the next flag that follows another byte (a frame, or noise). */
struct board {
	const uint8_t *in;
	size_t n, pos, released;
	uint64_t now;
};

static int b_write(void *t, const uint8_t *p, size_t n)
{
	struct board *b = t;
	b->now += BYTE_US * n;
	for (size_t i = 1; i < n; i++) {
		if (p[i] != MOTE_LINK_FLAG || p[i - 1] == MOTE_LINK_FLAG || p[i - 1] == MOTE_LINK_ESC)
			continue;
		size_t e = b->released;
		while (e < b->n && b->in[e] == MOTE_LINK_FLAG)
			e++;
		while (e < b->n && b->in[e] != MOTE_LINK_FLAG)
			e++;
		b->released = e < b->n ? e + 1 : e;
	}
	return 0;
}

static int b_read(void *t, uint8_t *p, size_t cap, size_t *got, uint64_t timeout_us)
{
	struct board *b = t;
	size_t k = b->released - b->pos < cap ? b->released - b->pos : cap;
	if (k > 64)
		k = 64;
	if (!k) {
		b->now += timeout_us;
		*got = 0;
		return 0;
	}
	memcpy(p, b->in + b->pos, k);
	b->pos += k;
	b->now += BYTE_US * k;
	*got = k;
	return 0;
}

static uint64_t b_now(void *t) { return ((struct board *)t)->now; }

static void *h_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}
static void h_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/* Is there a good frame in IN answering (seq, op, len) with DATA (n_data)? */
static int answered(const uint8_t *in, size_t n, uint8_t seq, unsigned op, uint8_t len, const uint8_t *data,
		    size_t n_data)
{
	struct link_rx rx;
	link_rx_init(&rx);
	for (size_t i = 0; i < n; i++) {
		size_t l = 0;
		if (link_rx_byte(&rx, in[i], &l) && l >= 3 && rx.buf[0] == seq && (rx.buf[1] & 7u) == op &&
		    rx.buf[2] == len && l - 3 == n_data && (!n_data || !memcmp(rx.buf + 3, data, n_data)))
			return 1;
	}
	return 0;
}

/* Is BUF[0..n) the data of good MEM_READ answers in IN with SEQ, SEQ+1, ...
 * (any split: the host picks the frame size)?  *NEXT: the SEQ after them. */
static int read_answered(const uint8_t *in, size_t n_in, uint8_t seq, const uint8_t *buf, size_t n, uint8_t *next)
{
	if (n == 0) {
		*next = seq;
		return 1;
	}
	struct link_rx rx;
	link_rx_init(&rx);
	for (size_t i = 0; i < n_in; i++) {
		size_t l = 0;
		if (!link_rx_byte(&rx, in[i], &l) || l < 4 || rx.buf[0] != seq || (rx.buf[1] & 7u) != MOTE_LOP_MEM_READ ||
		    (size_t)rx.buf[2] + 1 != l - 3 || l - 3 > n || memcmp(rx.buf + 3, buf, l - 3))
			continue;
		if (read_answered(in, n_in, (uint8_t)(seq + 1), buf + (l - 3), n - (l - 3), next))
			return 1;
	}
	return 0;
}

/* Budget of one call in link time: its frames, each answer deadline, all tries. */
static uint64_t budget_us(size_t frames)
{
	return frames * (RETRIES + 1) * (200u + 10u * (2 * LINK_WIRE_MAX + 2) * 1000000u / 3000000u + 5000u);
}

/* What the session made of IN: the status of its last call and a message. */
static void session(const uint8_t *in, size_t n, const char **status, char *msg, size_t cap)
{
	static const struct mote_alloc_hooks hooks = {h_alloc, h_free, NULL};
	struct board b = {in, n, 0, 0, 0};
	struct link_transport tr = {b_write, b_read, b_now, &b, 3000000, 200};
	struct mote_link_opts o;
	memset(&o, 0, sizeof o);
	o.retries = RETRIES;
	struct link *l = NULL;
	uint64_t t0 = b.now;
	int rc = link_open(&hooks, &tr, &o, &l);
	if (b.now - t0 > budget_us(1))
		fz_fail("link_open took %llu us of link time", (unsigned long long)(b.now - t0));
	*status = mote_error_name(rc);
	snprintf(msg, cap, "open");
	if (rc) {
		if (rc != MOTE_ERROR_IO && rc != MOTE_ERROR_BAD_DEVICE)
			fz_fail("link_open: %s", mote_error_name(rc));
		return;
	}
	uint32_t v = 0;
	uint8_t d[4], buf[600], wseq = 0;
	t0 = b.now;
	rc = link_reg_read(l, MOTE_REG_ID, &v);
	for (int i = 0; i < 4; i++)
		d[i] = (uint8_t)(v >> (8 * i));
	if (b.now - t0 > budget_us(1))
		fz_fail("register read took too long");
	if (rc == 0 && !answered(in, n, 2, MOTE_LOP_REG_READ, 3, d, 4))
		fz_fail("register read succeeded without its answer in the input");
	*status = mote_error_name(rc);
	snprintf(msg, cap, "register read");
	if (rc == 0) {
		t0 = b.now;
		rc = link_mem_read(l, 4096, buf, 300); /* 256 + 44, smaller frames after retries */
		if (b.now - t0 > budget_us(300 / 16 + 1))
			fz_fail("memory read took too long");
		if (rc == 0 && !read_answered(in, n, 3, buf, 300, &wseq))
			fz_fail("memory read succeeded without its answers in the input");
		*status = mote_error_name(rc);
		snprintf(msg, cap, "memory read");
	}
	if (rc == 0) {
		memset(buf, 0x7e, 20);
		rc = link_mem_write(l, 64, buf, 20);
		if (rc == 0 && !answered(in, n, wseq, MOTE_LOP_MEM_WRITE, 19, NULL, 0))
			fz_fail("memory write succeeded without its answer in the input");
		*status = mote_error_name(rc);
		snprintf(msg, cap, "memory write");
	}
	if (rc != 0 && rc != MOTE_ERROR_IO)
		fz_fail("a call failed with %s", mote_error_name(rc));
	link_close(l);
}

#ifdef MOTE_LIBFUZZER

/* ---- libFuzzer / AFL++ ------------------------------------------------------------- */

/* One input as the loop runs it: the receiver's checks, then the session
 * against a board that says the input (libFuzzer's own mutations). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *status = "";
	char msg[128];
	check_receiver(data, size);
	session(data, size, &status, msg, sizeof msg);
	return 0;
}

#else

/* ---- seeds and the loop ------------------------------------------------------------- */

static void fz_append(struct fz_buf *b, const uint8_t *p, size_t n)
{
	if (fz_replace(b, b->len, 0, p, n))
		fz_fail("out of memory in the harness");
}

static size_t rsp(uint8_t seq, unsigned op, uint8_t len, const uint8_t *d, size_t nd, uint8_t *out)
{
	return link_encode_rsp(seq, (uint8_t)op, len, d, nd, out);
}

/* The answers a good board gives the session: seq 1 LINK_ID, 2 ID, 3-4 memory, 5 ack. */
static void make_seed(struct fz_buf *b, int variant)
{
	uint8_t w[LINK_WIRE_MAX], d[256];
	uint32_t id = MOTE_LINK_ID_MAGIC, mid = MOTE_ID_MAGIC;
	b->len = 0;
	uint8_t idb[4] = {(uint8_t)id, (uint8_t)(id >> 8), (uint8_t)(id >> 16), (uint8_t)(id >> 24)};
	uint8_t mb[4] = {(uint8_t)mid, (uint8_t)(mid >> 8), (uint8_t)(mid >> 16), (uint8_t)(mid >> 24)};
	for (int i = 0; i < 256; i++)
		d[i] = (uint8_t)(variant ? (i % 3 ? (int)MOTE_LINK_FLAG : (int)MOTE_LINK_ESC) : i * 37);
	size_t n = rsp(1, MOTE_LOP_REG_READ, 3, idb, 4, w);
	fz_append(b, w, n);
	if (variant) /* noise between answers */
		fz_append(b, (const uint8_t *)"\x7d\x7e\x00\x7e", 4);
	n = rsp(2, MOTE_LOP_REG_READ, 3, mb, 4, w);
	fz_append(b, w, n);
	n = rsp(3, MOTE_LOP_MEM_READ, 255, d, 256, w);
	fz_append(b, w, n);
	n = rsp(4, MOTE_LOP_MEM_READ, 43, d, 44, w);
	fz_append(b, w, n);
	n = rsp(5, MOTE_LOP_MEM_WRITE, 19, NULL, 0, w);
	fz_append(b, w, n);
}

struct run_ctx {
	struct fz_crash *crash;
	const struct fz_opts *o;
	char msg[128];
};

static void run_one(struct run_ctx *c, uint64_t it, const struct fz_buf *in, const char *replay, const char **status)
{
	size_t before = fz_heap_bytes();
	fz_crash_arm(c->crash, c->o, it, in, replay);
	check_receiver(in->d, in->len);
	session(in->d, in->len, status, c->msg, sizeof c->msg);
	fz_crash_disarm(c->crash);
	if (fz_leaked(before))
		fz_fail("leak");
}

static void regress_one(void *ctx, const char *path, const struct fz_buf *in, const char **status, const char **msg)
{
	struct run_ctx *c = ctx;
	run_one(c, 0, in, path, status);
	*msg = c->msg;
}

int main(int argc, char **argv)
{
	struct fz_opts o = {.target = "link", .seconds = 30, .iters = 200000, .seed = 1, .timeout_s = 10,
			    .out_dir = "build/fuzz"};
	if (fz_parse(argc, argv, &o, NULL))
		return 2;
	struct fz_crash crash = {0};
	fz_crash_install(&crash);
	fz_mkdir_p(o.out_dir);
	struct run_ctx ctx = {&crash, &o, ""};
	if (o.regress)
		return fz_regress(o.regress, regress_one, &ctx) ? 1 : 0;
	struct fz_buf cur = {0};
	const char *status = "";
	for (int i = 0; i < o.n_replay; i++) {
		if (fz_slurp(o.replay[i], &cur))
			return 2;
		run_one(&ctx, 0, &cur, o.replay[i], &status);
		printf("%s: %s (%s)\n", o.replay[i], status, ctx.msg);
	}
	if (o.n_replay) {
		fz_buf_free(&cur);
		return 0;
	}
	struct fz_rng rng = {o.seed};
	struct fz_corpus corpus = {0};
	struct fz_buf seed = {0};
	for (int v = 0; v < 2; v++) {
		make_seed(&seed, v);
		if (fz_corpus_add(&corpus, &rng, &seed, v ? "noisy session" : "session") < 0)
			return 2;
	}
	if (o.write_seeds) { /* the two seeds as files */
		int rc = fz_write_seeds(o.write_seeds, &corpus, ".bin") ? 2 : 0;
		fz_buf_free(&seed);
		fz_corpus_free(&corpus);
		return rc;
	}
	for (int i = 0; i < o.n_seeds; i++) {
		if (fz_slurp(o.seeds[i], &seed) || fz_corpus_add(&corpus, &rng, &seed, o.seeds[i]) < 0)
			return 2;
	}
	fz_buf_free(&seed);
	printf("fuzz_link: seed %llu, %zu seeds, at most %llu inputs and %g s\n", (unsigned long long)o.seed,
	       corpus.n, (unsigned long long)o.iters, o.seconds);
	struct fz_strset outcomes = {0};
	uint64_t by_call[5] = {0}, ok = 0, iters = 0;
	double t0 = fz_now();
	for (uint64_t it = 0; (!o.iters || it < o.iters) && (!o.seconds || fz_now() - t0 < o.seconds); it++) {
		const struct fz_buf *base = &corpus.e[fz_below(&rng, corpus.n)], *other = &corpus.e[fz_below(&rng, corpus.n)];
		if (fz_set(&cur, base->d, base->len))
			fz_fail("out of memory in the harness");
		unsigned nm = 1 + (unsigned)fz_below(&rng, 4);
		for (unsigned k = 0; k < nm; k++)
			if (!fz_mutate_bytes(&rng, &cur, other))
				fz_fail("out of memory in the mutator");
		run_one(&ctx, it, &cur, NULL, &status);
		iters++;
		char key[192];
		snprintf(key, sizeof key, "%s %s", ctx.msg, status);
		int fresh = fz_strset_add(&outcomes, key);
		if (fresh < 0)
			fz_fail("out of memory in the harness");
		if (!strcmp(status, "MOTE_SUCCESS"))
			ok++;
		by_call[!strcmp(ctx.msg, "open") ? 0 : !strcmp(ctx.msg, "register read") ? 1 : !strcmp(ctx.msg, "memory read") ? 2 : 3]++;
		if ((fresh || fz_chance(&rng, 16)) && fz_corpus_add(&corpus, &rng, &cur, NULL) < 0)
			fz_fail("out of memory in the harness");
	}
	double secs = fz_now() - t0;
	printf("fuzz_link: %llu inputs in %.1f s; sessions ended at open %llu, register read %llu, memory read %llu, "
	       "memory write %llu; %llu whole sessions succeeded; %zu distinct outcomes\n",
	       (unsigned long long)iters, secs, (unsigned long long)by_call[0], (unsigned long long)by_call[1],
	       (unsigned long long)by_call[2], (unsigned long long)by_call[3], (unsigned long long)ok, outcomes.n);
	printf("fuzz_link: no crash, hang, leak or failed check\n");
	fz_strset_free(&outcomes);
	fz_corpus_free(&corpus);
	fz_buf_free(&cur);
	return 0;
}

#endif /* MOTE_LIBFUZZER */
