/* fuzz_cmd.c: bounded-time mutation fuzzer of raw command streams submitted
 * straight to the simulated accelerator (mote_run on sim:rows=8,cols=8 with
 * 256 KB of memory, or the device --device names), the driver and this
 * program built with ASan+UBSan.
 *
 * Seeds: small dense and 2:4 sparse GEMMs and convolutions (op.c's random
 * operators: depthwise, max pooling, STORE ADD, uint8 weights, TFLite
 * rounding where the device has the feature) emitted by the compiler's
 * builder (mote_cc_emit_*) for the device's geometry at the rig's addresses.
 * Each seed must run bit-exact before fuzzing starts.
 *
 * An input (a file: see "input files" below) is a command stream, the bytes
 * of the job's read-only areas (weights and bias, input, residual operand),
 * the CMD_COUNT to program and a window variant.  Mutations decode the
 * stream into commands and change them through the generated field table
 * (mote_cmd_field_at of mote_hw.h): a field set to a boundary value of its
 * width and sign, to a buffer depth or a geometry value, a bit of it
 * flipped; an address set at and around every window and guard edge, or so
 * that the access's first or last byte lands on a window edge; opcodes
 * changed to other and to illegal ones; token bits flipped, SYNCs inserted;
 * commands deleted, duplicated, swapped, moved, truncated, an END inserted,
 * commands spliced from another input; CMD_COUNT moved off the command count;
 * sparse metadata bytes of compressed weight tiles set to pairs that name one
 * element twice, descend, or ascend differently; data bytes changed; the
 * window permissions and their order varied; raw byte mutations.
 *
 * Device memory is all the rig's (below its size cap): the job's windows
 * (commands with weights and bias R+X, input R, output W, operand R) with a
 * guard region between each two, the known jobs' and the scrub's buffers,
 * and the rest of memory as one more guard.  Before every input a scrub job
 * zeroes the buffer rows earlier jobs may have written (as their commands
 * decode) and both weight registers of the array, so an input's outcome is
 * its own (a stream may read rows it did not write, or race its own loads)
 * and a saved input replays as it ran; one input in 16 is run twice to check.
 * Each input must:
 *   - complete (END retired, and then CMDS_DONE is END's index + 1), or stop
 *     with a documented hardware error (mote_hw.spec's err enum; never
 *     ABORTED) whose ERR_CMD lies within the stream as the device decodes it
 *     (no later than its first END, illegal opcode, command running out of
 *     the executable window, or CMD_COUNT: NO_END exactly at CMD_COUNT,
 *     OPCODE and FETCH_WINDOW exactly at theirs) and names a command of the
 *     right kind (LOAD_RANGE a LOAD, COMPUTE_RANGE and SPARSE_META a MATMUL,
 *     STORE_RANGE and WRITE_WINDOW a STORE, READ_WINDOW a LOAD or an ADD
 *     STORE, TOKEN the command that pushes or, on a device without
 *     FEATURES.TOKEN_IDX, one of the next few of the same unit after one:
 *     token_fits), with a
 *     window error's address outside every window with that permission and
 *     inside what the failing command reaches (its rows, or its own words);
 *     or be refused by mote_run with a documented driver error (CMD_COUNT 0
 *     or beyond the command buffer);
 *   - end within the hardware watchdog (WDT_CYCLES without progress): a
 *     host timeout (RUN_TIMEOUT_MS) is a hang;
 *   - leave every byte of device memory outside the output window as it was
 *     (guards, read-only windows, the stream, the known jobs' buffers);
 *   - when only its data differ from a GEMM seed's (input, weight tiles;
 *     one input in 8 is made so): give exactly the reference GEMM of those
 *     data (the tiles decompressed), or SPARSE_META when a tile's metadata is
 *     invalid in a real column;
 *   - leave the device able to run a known GEMM bit-exact (dense, and sparse
 *     on SPARSE devices, in turn): after every input that stopped with an
 *     error, and after every --check-every-th (default 1: each) completed one;
 *   - leak nothing (the device's allocation hooks and LeakSanitizer).
 * Any failure (or a sanitizer report, or a hang past --timeout) writes the
 * input to OUT/crash-cmd-<iteration>.bin, replayable with --replay.  The
 * corpus keeps inputs that showed something new: an outcome kind (status,
 * failing command's opcode, where the stream stops) or a perf counter in a
 * power-of-two bucket not reached before.  At the end: streams per second
 * and the tally of outcomes (completed, each hardware error, refusals).
 *
 *   fuzz_cmd [--seconds 30] [--iters 200000] [--min-iters N] [--seed 1]
 *            [--check-every 1] [--device URI] [--keep DIR] [--replay FILE] [-v]
 *   fuzz_cmd --regress driver/tests/fuzz/cmd_regress   (the inputs past runs found)
 *   fuzz_cmd --write-seeds DIR   (the seeds as input files, to start a corpus)
 * --min-iters N fails the run when fewer than N streams ran (make test's
 * floor); --keep DIR writes every input of a new outcome kind there.
 *
 * Built with -DMOTE_LIBFUZZER it has no main but LLVMFuzzerTestOneInput
 * (the same per-input work and checks; a failure aborts) and
 * LLVMFuzzerCustomMutator (the mutations above), for a libFuzzer build
 * (clang -fsanitize=fuzzer,address,undefined) with MOTE_CMD_DEVICE naming the
 * device: make fuzz-libfuzzer (scripts/fuzz/fuzz.mk) builds it with clang
 * copies of the C objects it links (the driver, the compiler backend, op.c
 * and cli_fail.c: GCC's and clang's ASan runtimes do not mix) and the
 * Verilated objects as g++ made them, uninstrumented; make fuzz-afl the same
 * with afl-clang-fast.
 *
 * Input files: a 28-byte header, little-endian,
 *   0  "MCMD"      magic
 *   4  u8 version  1
 *   5  u8 seed     the seed it was made from (the data-only oracle's)
 *   6  u8 win      window variant: bits 0-2 the permissions (enum win_perm,
 *                  modulo its count), bits 3-4 a rotation of the window slots
 *   7  u8 0
 *   8  u32 n_cmds  CMD_COUNT
 *   12 u32 stream_len, 16 u32 data_len, 20 u32 in_len, 24 u32 opnd_len
 * then the four parts: the stream (at the command window's start, at most
 * CMD_BYTES), the weights and bias (DATA_BYTES, right after the stream's
 * area in the same window), the input and the operand.  What a part does not
 * cover of its area is zero.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#include "cmd_mutate.h"
#include "cmd_rig.h"
#include "fuzz_harness.h"

#ifndef MOTE_LIBFUZZER
const char *__asan_default_options(void) __attribute__((used));
const char *__asan_default_options(void) { return "allocator_may_return_null=1:detect_leaks=1"; }
const char *__ubsan_default_options(void) __attribute__((used));
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1:abort_on_error=1"; }
#endif

#define DEVICE_URI "sim:rows=8,cols=8,mem=256K" /* the default; --device names another */

/* ---- the stream as the device decodes it -------------------------------------------- */

enum stop { STOP_END, STOP_OPCODE, STOP_FETCH, STOP_COUNT };

struct decoded {
	enum stop why;
	uint32_t at;        /* the END's, the bad opcode's, the command out of the window's index, or n_cmds */
};

static int has_x(unsigned perm_variant) { return perm_variant != WIN_RO_NOX; }

/* Walk the command window from its start as the fetcher does, at most
 * n_cmds commands (bytes: the window's content, size its length; x: whether
 * it is executable). */
static struct decoded decode(const uint8_t *bytes, size_t size, uint32_t n_cmds, int x)
{
	struct decoded d = {STOP_COUNT, n_cmds};
	size_t off = 0;
	for (uint32_t i = 0; i < n_cmds; i++) {
		if (!x || off + 4 > size)
			return (struct decoded){STOP_FETCH, i};
		uint32_t w0 = get32(bytes + off);
		unsigned len = mote_cmd_len(w0);
		if (!len)
			return (struct decoded){STOP_OPCODE, i};
		if (off + 4u * len > size)
			return (struct decoded){STOP_FETCH, i};
		if ((w0 & 0xffu) == MOTE_OP_END)
			return (struct decoded){STOP_END, i};
		off += 4u * len;
	}
	return d;
}

/* Command idx (idx at most the decoded stop) into cmd (the words past its
 * length or the window 0); its byte offset, or -1 when it is not there. */
static long cmd_at(const uint8_t *bytes, size_t size, uint32_t idx, uint32_t cmd[MOTE_CMD_WORDS])
{
	size_t off = 0;
	memset(cmd, 0, 4 * MOTE_CMD_WORDS);
	for (uint32_t i = 0; off + 4 <= size; i++) {
		uint32_t w0 = get32(bytes + off);
		unsigned len = mote_cmd_len(w0);
		if (i == idx) {
			for (unsigned k = 0; k < (len ? len : 1) && off + 4 * k + 4 <= size; k++)
				cmd[k] = get32(bytes + off + 4 * k);
			return (long)off;
		}
		if (!len)
			return -1;
		off += 4u * len;
	}
	return -1;
}

/* A window error's address is one the failing command reaches: a byte of
 * its rows' extent (a LOAD's source, a STORE's output, an ADD STORE's
 * operand), or of its own words for FETCH_WINDOW; the device may name the
 * start of the bus word holding it.  Extents that wrap around 2^32 are not
 * checked (the device's address arithmetic is 32-bit). */
static void check_fault_addr(const struct rig *r, uint32_t code, const uint32_t *c, long c_off, uint32_t cmd_base,
			     uint32_t addr)
{
	int64_t lo, hi, a0;
	unsigned op = c[0] & 0xffu;
	uint32_t bus = r->g.mem_bytes ? r->g.mem_bytes : 1;
	if (code == MOTE_ERR_FETCH_WINDOW) {
		if (c_off < 0) /* the command starts past the window's last word */
			return;
		lo = 0, hi = 4 * (int64_t)(mote_cmd_len(c[0]) ? mote_cmd_len(c[0]) : 1) - 1;
		a0 = (int64_t)cmd_base + c_off;
	} else if (code == MOTE_ERR_READ_WINDOW && op == MOTE_OP_LOAD) {
		extent(c, &lo, &hi);
		a0 = MOTE_CMD_GET(c, LOAD, ADDR0);
	} else if (code == MOTE_ERR_WRITE_WINDOW && op == MOTE_OP_STORE) {
		extent(c, &lo, &hi);
		a0 = MOTE_CMD_GET(c, STORE, ADDR0);
	} else if (code == MOTE_ERR_READ_WINDOW && op == MOTE_OP_STORE) {
		uint32_t op_cmd[MOTE_CMD_WORDS];
		memcpy(op_cmd, c, sizeof op_cmd);
		MOTE_CMD_SET(op_cmd, STORE, INT32, 0); /* the operand: NCOLS bytes a row */
		extent(op_cmd, &lo, &hi);
		a0 = MOTE_CMD_GET(c, STORE, ADD_ADDR0);
	} else {
		return;
	}
	if (a0 + lo < 0 || a0 + hi > 0xffffffffll)
		return;
	int64_t first = (a0 + lo) / bus * bus;
	if ((int64_t)addr < first || (int64_t)addr > a0 + hi)
		fail("%s at address 0x%08x; the failing %s reaches 0x%08llx..0x%08llx only", mote_hw_err_name(code), addr,
		     mote_hw_op_name(op) ? mote_hw_op_name(op) : "command", (unsigned long long)(a0 + lo),
		     (unsigned long long)(a0 + hi));
}

/* ---- one input ------------------------------------------------------------------------- */

struct outcome {
	int parsed;               /* 0: not an input file (nothing run) */
	int rc;                   /* mote_run's status */
	struct mote_job_result res;
	struct decoded dec;
	uint32_t err_w0;          /* word 0 of the failing command */
	int oracle;               /* 0 none; 1 the output was compared with the reference; 2 SPARSE_META predicted */
};

static void build_windows(const struct input *in, struct window w[MOTE_NUM_WINDOWS], uint32_t *n)
{
	unsigned pv = win_perm(in->win), rot = (in->win >> 3) & 3;
	struct window all[4] = {{RO, MOTE_PERM_R | MOTE_PERM_X}, {IN, MOTE_PERM_R}, {OUT, MOTE_PERM_W}, {OPND, MOTE_PERM_R}};
	uint32_t k = 4;
	if (pv == WIN_OUT_RW)
		all[2].perm |= MOTE_PERM_R;
	else if (pv == WIN_RO_XONLY)
		all[0].perm = MOTE_PERM_X;
	else if (pv == WIN_RO_NOX)
		all[0].perm = MOTE_PERM_R;
	else if (pv == WIN_NO_OPND)
		k = 3;
	for (uint32_t i = 0; i < k; i++)
		w[i] = all[(i + rot) % k];
	*n = k;
}

/* Is addr inside a window with permission perm? */
static int in_window(const struct rig *r, const struct window *w, uint32_t n, uint32_t addr, uint32_t perm)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct region *g = &r->r[w[i].reg];
		if ((w[i].perm & perm) && addr >= g->addr && addr - g->addr < g->size)
			return 1;
	}
	return 0;
}

/* Which seed this input is, data aside: its stream, CMD_COUNT, bias and a
 * window variant that changes nothing for a GEMM; NULL otherwise. */
static const struct seed *same_stream(const struct rig *r, const struct input *in)
{
	if (in->seed >= r->n_seeds)
		return NULL;
	const struct seed *s = &r->seeds[in->seed];
	const struct placed *p = &s->p;
	unsigned pv = win_perm(in->win);
	size_t w_bytes = p->plan.weight_bytes, d_len = p->ro_bytes - p->w_off;
	if (!s->oracle || (pv != WIN_STD && pv != WIN_OUT_RW && pv != WIN_NO_OPND) || in->n_cmds != p->plan.n_cmds ||
	    in->stream_len != p->plan.cmd_bytes || memcmp(in->stream, p->ro, in->stream_len) || in->data_len != d_len ||
	    memcmp(in->data + w_bytes, p->ro + p->w_off + w_bytes, d_len - w_bytes) || in->in_len != p->d.in_bytes)
		return NULL;
	return s;
}

/* The data-only oracle: the GEMM of the input's A and of the weights its
 * tiles hold.  Returns 1 (want filled: the job must give exactly it), 2 (a
 * tile's metadata is invalid in a real column: SPARSE_META), 0 (no oracle:
 * a non-zero weight past K, whose activation the builder's stream need not
 * load, as its own weights there are zero), -1 (no memory). */
static int gemm_oracle(const struct rig *r, const struct seed *s, const struct input *in, uint8_t *want)
{
	const struct mote_cc_gemm *g0 = &s->p.d.gemm;
	uint32_t R = r->g.rows, C = r->g.cols, span = g0->sparse ? 2 * R : R;
	int8_t *w = calloc((size_t)g0->k * g0->n, 1), *tile = malloc((size_t)2 * R * C);
	uint8_t *meta = malloc((size_t)(R + R / 4) * C);
	int ret = 1;
	if (!w || !tile || !meta) {
		ret = -1;
		goto out;
	}
	for (uint32_t nt = 0; nt < s->nt; nt++)
		for (uint32_t kt = 0; kt < s->kt; kt++) {
			const uint8_t *t = in->data + ((size_t)nt * s->kt + kt) * s->wt_rows * C;
			uint32_t nv = g0->n - nt * C < C ? g0->n - nt * C : C;
			if (g0->sparse) {
				if (mote_cc_sparse_check_tile(t, R, C, nv, NULL) < 0) {
					ret = 2;
					goto out;
				}
				/* columns past N_VALID are not checked by the device: made valid to decompress */
				memcpy(meta, t, (size_t)s->wt_rows * C);
				for (uint32_t q = 0; q < R / 4; q++)
					memset(meta + (size_t)(5 * q + 4) * C + nv, 0xE4, C - nv);
				if (mote_cc_sparse_unpack_tile(meta, R, C, tile) < 0)
					fail("a tile the metadata check accepts does not decompress");
			} else {
				memcpy(tile, t, (size_t)R * C);
			}
			for (uint32_t i = 0; i < span; i++)
				for (uint32_t c = 0; c < nv; c++) {
					int8_t v = tile[(size_t)i * C + c];
					if (kt * span + i < g0->k)
						w[(size_t)(kt * span + i) * g0->n + nt * C + c] = v;
					else if (v) { /* a weight past K: its activations need not be loaded at all */
						ret = 0;
						goto out;
					}
				}
		}
	struct mote_cc_gemm g = *g0;
	g.b = w;
	g.sparse = 0; /* the reference of the decompressed weights: the dense product */
	if (mote_ref_gemm(&g, in->in, want) < 0)
		fail("the reference refuses the seed's GEMM");
out:
	free(w);
	free(tile);
	free(meta);
	return ret;
}

/* The unit that runs a command (0 load, 1 compute, 2 store), or -1. */
static int unit_of(uint32_t w0)
{
	switch (w0 & 0xffu) {
	case MOTE_OP_LOAD: return 0;
	case MOTE_OP_MATMUL: return 1;
	case MOTE_OP_STORE: return 2;
	case MOTE_OP_SYNC: return MOTE_CMD_GET(&w0, SYNC, QUEUE) < 3 ? (int)MOTE_CMD_GET(&w0, SYNC, QUEUE) : -1;
	default: return -1;
	}
}

static int pushes(uint32_t w0) { return MOTE_CMD_GET(&w0, HDR, PUSH_PREV) || MOTE_CMD_GET(&w0, HDR, PUSH_NEXT); }

/* May TOKEN name command idx (word 0 w0)?  The pushing command; or, on a
 * device without FEATURES.TOKEN_IDX (mote_top PUSH_IDX 0: the iCEBreaker
 * build), a later command of the same unit, one of the TOKEN_LAG after a
 * pushing one: a LOAD pushes once its rows are written, a MATMUL or a
 * compute-queue SYNC at the end of the compute pipeline, and such a device
 * reports the index the unit's queue entry holds by then. */
#define TOKEN_LAG 8
static int token_fits(const uint8_t *bytes, size_t size, uint32_t idx, uint32_t w0, uint32_t features)
{
	if (pushes(w0))
		return 1;
	if (features & MOTE_FEATURES_TOKEN_IDX_MASK)
		return 0;
	int unit = unit_of(w0);
	uint32_t last[TOKEN_LAG] = {0}; /* the unit's commands before idx, a ring */
	unsigned n = 0;
	size_t off = 0;
	for (uint32_t i = 0; i < idx && off + 4 <= size; i++) {
		uint32_t c = get32(bytes + off);
		if (unit >= 0 && unit_of(c) == unit)
			last[n++ % TOKEN_LAG] = c;
		off += 4u * (mote_cmd_len(c) ? mote_cmd_len(c) : 1);
	}
	for (unsigned k = 0; k < TOKEN_LAG && k < n; k++)
		if (pushes(last[k]))
			return 1;
	return 0;
}

/* Which command kinds may report a hardware error (0: any). */
static int err_fits_cmd(uint32_t code, uint32_t w0)
{
	unsigned op = w0 & 0xffu;
	switch (code) {
	case MOTE_ERR_LOAD_RANGE: return op == MOTE_OP_LOAD;
	case MOTE_ERR_COMPUTE_RANGE: return op == MOTE_OP_MATMUL;
	case MOTE_ERR_SPARSE_META: return op == MOTE_OP_MATMUL && MOTE_CMD_GET(&w0, MATMUL, SPARSE);
	case MOTE_ERR_STORE_RANGE:
	case MOTE_ERR_WRITE_WINDOW: return op == MOTE_OP_STORE;
	case MOTE_ERR_READ_WINDOW: return op == MOTE_OP_LOAD || (op == MOTE_OP_STORE && MOTE_CMD_GET(&w0, STORE, ADD));
	case MOTE_ERR_TOKEN: return unit_of(w0) >= 0; /* and token_fits */
	default: return 1;
	}
}

/* Run one input file and check everything the header promises.  Returns
 * with o filled (o->parsed 0 for a file that is not an input). */
static void run_input(struct rig *r, const uint8_t *data, size_t size, struct outcome *o, uint64_t check_every,
		      uint64_t iter)
{
	struct input in;
	memset(o, 0, sizeof *o);
	if (parse_input(data, size, &in) < 0)
		return;
	o->parsed = 1;
	struct region *ro = &r->r[RO], *ri = &r->r[IN], *rp = &r->r[OPND], *rout = &r->r[OUT];
	memset(ro->want, 0, ro->size);
	memcpy(ro->want, in.stream, in.stream_len);
	memcpy(ro->want + CMD_BYTES, in.data, in.data_len);
	memset(ri->want, 0, ri->size);
	memcpy(ri->want, in.in, in.in_len);
	memset(rp->want, 0, rp->size);
	memcpy(rp->want, in.opnd, in.opnd_len);
	memcpy(ro->dev, ro->want, ro->size);
	memcpy(ri->dev, ri->want, ri->size);
	memcpy(rp->dev, rp->want, rp->size);
	memset(rout->dev, OUT_FILL, rout->size);

	run_scrub(r);
	struct window w[MOTE_NUM_WINDOWS];
	uint32_t nw;
	build_windows(&in, w, &nw);
	struct mote_job_desc job = {.cmds = ro->buf, .n_cmds = in.n_cmds, .n_windows = nw};
	for (uint32_t i = 0; i < nw; i++)
		job.windows[i] = (struct mote_window){r->r[w[i].reg].buf, w[i].perm};
	long live0 = r->hooks.live;
	o->rc = mote_run(r->dev, &job, RUN_TIMEOUT_MS, &o->res);
	mark_dirty(r, ro->want, ro->size, in.n_cmds);
	const struct mote_job_result *res = &o->res;
	check_memory(r, "the stream");
	if (r->hooks.live != live0)
		fail("%ld of the device's host allocations not given back after the job", r->hooks.live - live0);

	/* refusals: documented driver errors for a CMD_COUNT the buffer cannot hold */
	if (o->rc == MOTE_ERROR_INVALID_ARG || o->rc == MOTE_ERROR_RANGE) {
		uint64_t words = ro->size / 4;
		if (in.n_cmds != 0 && in.n_cmds <= words)
			fail("mote_run refused CMD_COUNT %u (%s); the command buffer holds %llu words", in.n_cmds,
			     mote_error_name(o->rc), (unsigned long long)words);
		return;
	}
	if (o->rc == MOTE_ERROR_TIMEOUT)
		fail("the job ran past %d ms: a hang the watchdog (%u cycles) did not end", RUN_TIMEOUT_MS, WDT_CYCLES);
	if (o->rc != 0 && o->rc != MOTE_ERROR_JOB_FAILED)
		fail("mote_run returned %s (%d)", mote_error_name(o->rc), o->rc);

	o->dec = decode(ro->want, ro->size, in.n_cmds, has_x(win_perm(in.win)));
	const struct decoded *d = &o->dec;
	static const char *why_name[] = {"an END", "an illegal opcode", "a command out of the executable window",
					 "CMD_COUNT"};
	if (res->cmds_done > d->at + 1u)
		fail("%u commands retired, the stream stops at command %u (%s)", res->cmds_done, d->at, why_name[d->why]);
	if (o->rc == 0) {
		if (d->why != STOP_END)
			fail("the job completed, but command %u is %s, not END", d->at, why_name[d->why]);
		if (res->cmds_done != d->at + 1)
			fail("the job completed with %u commands retired, END is command %u", res->cmds_done, d->at);
	} else {
		uint32_t code = res->hw_error, at = res->err_cmd, c[MOTE_CMD_WORDS];
		const char *name = mote_hw_err_name(code);
		long c_off = cmd_at(ro->want, ro->size, at, c);
		o->err_w0 = code == MOTE_ERR_NO_END ? 0 : c[0]; /* NO_END names no command of the stream */
		if (!name || code == MOTE_ERR_NONE || code == MOTE_ERR_ABORTED)
			fail("the job failed with hardware error %u (%s), not a documented error of a stream", code,
			     name ? name : "unknown");
		if (code == MOTE_ERR_NO_END && !(d->why == STOP_COUNT && at == in.n_cmds))
			fail("NO_END at command %u; CMD_COUNT is %u and the stream stops at %u (%s)", at, in.n_cmds, d->at,
			     why_name[d->why]);
		if (code == MOTE_ERR_OPCODE && !(d->why == STOP_OPCODE && at == d->at))
			fail("OPCODE at command %u; the first illegal opcode is at %u (%s)", at, d->at, why_name[d->why]);
		if (code == MOTE_ERR_FETCH_WINDOW && !(d->why == STOP_FETCH && at == d->at))
			fail("FETCH_WINDOW at command %u; the stream stops at %u (%s)", at, d->at, why_name[d->why]);
		if (code != MOTE_ERR_NO_END && code != MOTE_ERR_OPCODE && code != MOTE_ERR_FETCH_WINDOW) {
			if (at > d->at || (at == d->at && code != MOTE_ERR_WATCHDOG))
				fail("%s at command %u, past the stream's stop at command %u (%s)", name, at, d->at,
				     why_name[d->why]);
			if (at < d->at && (!err_fits_cmd(code, o->err_w0) ||
					   (code == MOTE_ERR_TOKEN && !token_fits(ro->want, ro->size, at, o->err_w0, r->g.features))))
				fail("%s at command %u, a %s (word 0 0x%08x)", name, at,
				     mote_hw_op_name(o->err_w0 & 0xffu) ? mote_hw_op_name(o->err_w0 & 0xffu) : "?", o->err_w0);
		}
		uint32_t perm = code == MOTE_ERR_FETCH_WINDOW ? MOTE_PERM_X
				: code == MOTE_ERR_READ_WINDOW ? MOTE_PERM_R
				: code == MOTE_ERR_WRITE_WINDOW ? MOTE_PERM_W : 0;
		if (perm && in_window(r, w, nw, res->err_addr, perm))
			fail("%s at address 0x%08x, inside a window that allows it", name, res->err_addr);
		check_fault_addr(r, code, c, c_off, ro->addr, res->err_addr);
	}

	/* data-only inputs of a GEMM seed: the exact result */
	const struct seed *s = same_stream(r, &in);
	if (s) {
		int k = gemm_oracle(r, s, &in, r->scratch);
		if (k < 0)
			fail("out of memory in the harness");
		o->oracle = k;
		if (k == 2 && !(o->rc == MOTE_ERROR_JOB_FAILED && res->hw_error == MOTE_ERR_SPARSE_META))
			fail("seed '%s' with invalid metadata in a real column: %s, not SPARSE_META", s->name,
			     o->rc ? mote_hw_err_name(res->hw_error) : "completed");
		if (k == 1) {
			if (o->rc)
				fail("seed '%s' with other data: %s at command %u", s->name, mote_hw_err_name(res->hw_error),
				     res->err_cmd);
			size_t n = s->p.d.out_bytes;
			for (size_t i = 0; i < OUT_BYTES; i++)
				if (rout->dev[i] != (i < n ? r->scratch[i] : OUT_FILL))
					fail("seed '%s' with other data: output byte %zu is %d, the reference says %d", s->name, i,
					     (int8_t)rout->dev[i], i < n ? (int8_t)r->scratch[i] : (int8_t)OUT_FILL);
		}
	}

	if (o->rc || (check_every && iter % check_every == 0))
		run_known(r, o->rc ? mote_hw_err_name(res->hw_error) : "a completed stream");
}

#ifdef MOTE_LIBFUZZER

/* ---- libFuzzer ----------------------------------------------------------------------- */

static struct rig lf_rig;

static void lf_teardown(void) { teardown(&lf_rig); }

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *uri = getenv("MOTE_CMD_DEVICE");
	if (setup(&lf_rig, uri ? uri : DEVICE_URI) < 0)
		abort();
	atexit(lf_teardown);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome o;
	run_input(&lf_rig, data, size, &o, 1, 0);
	return 0;
}

/* The structured mutator instead of libFuzzer's bytes: 1 to 4 of mutate()'s,
 * from a seed when the input is not an input file (an empty corpus). */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	static struct edit e, other;
	static struct fz_buf out;
	struct fz_rng rng = {seed};
	struct rig *r = &lf_rig;
	struct input in;
	const struct fz_buf *s = &r->seeds[fz_below(&rng, r->n_seeds)].file;
	if (parse_input(data, size, &in) < 0 && parse_input(s->d, s->len, &in) < 0)
		return 0;
	edit_from(&e, &in);
	if (parse_input(s->d, s->len, &in) < 0)
		return 0;
	edit_from(&other, &in);
	struct mut_ctx m = {.rng = &rng, .r = r, .other = &other};
	unsigned n = 1 + (unsigned)fz_below(&rng, 4);
	for (unsigned k = 0; k < n; k++)
		mutate(&m, &e);
	if (edit_to(&e, &out) || out.len > max_size)
		return 0;
	memcpy(data, out.d, out.len);
	return out.len;
}

#else

/* ---- the loop ---------------------------------------------------------------------------- */

#define N_HW_ERRS 32

struct tally {
	uint64_t streams, completed, refused, oracle_exact, oracle_meta, cycles, reruns;
	uint64_t by_err[N_HW_ERRS];
	uint64_t by_refusal[FZ_CODES];
};

static void count(struct tally *t, const struct outcome *o)
{
	t->streams++;
	if (!o->parsed)
		return;
	if (o->rc == 0)
		t->completed++;
	else if (o->rc == MOTE_ERROR_JOB_FAILED)
		t->by_err[o->res.hw_error < N_HW_ERRS ? o->res.hw_error : N_HW_ERRS - 1]++;
	else {
		t->refused++;
		t->by_refusal[-o->rc < FZ_CODES ? -o->rc : FZ_CODES - 1]++;
	}
	t->oracle_exact += o->oracle == 1;
	t->oracle_meta += o->oracle == 2;
	t->cycles += o->res.perf[MOTE_PERF_CYCLES];
}

static void print_tally(const struct tally *t, double secs, const struct rig *r)
{
	printf("  %llu streams in %.1f s (%.0f/s), %.0f simulated cycles each on average (and %.0f of scrub)\n",
	       (unsigned long long)t->streams, secs, (double)t->streams / (secs > 0 ? secs : 1),
	       t->streams ? (double)t->cycles / (double)t->streams : 0.0,
	       t->streams ? (double)r->scrub_cycles / (double)t->streams : 0.0);
	printf("  completed %llu", (unsigned long long)t->completed);
	for (unsigned k = 1; k < N_HW_ERRS; k++)
		if (t->by_err[k])
			printf(", %s %llu", mote_hw_err_name(k) ? mote_hw_err_name(k) : "?", (unsigned long long)t->by_err[k]);
	for (unsigned k = 1; k < FZ_CODES; k++)
		if (t->by_refusal[k])
			printf(", refused %s %llu", mote_error_name(-(int)k), (unsigned long long)t->by_refusal[k]);
	printf("\n  data-only GEMM inputs checked against the reference: %llu bit-exact, %llu SPARSE_META as predicted; "
	       "%llu known-GEMM runs after the streams; %llu streams run twice, alike\n",
	       (unsigned long long)t->oracle_exact, (unsigned long long)t->oracle_meta, (unsigned long long)r->known_runs,
	       (unsigned long long)t->reruns);
}

/* A status name and message for --regress and --replay. */
static void describe(const struct outcome *o, char *status, size_t scap, char *msg, size_t mcap)
{
	if (!o->parsed) {
		snprintf(status, scap, "MALFORMED");
		snprintf(msg, mcap, "not an input file");
	} else if (o->rc == 0) {
		snprintf(status, scap, "NONE");
		snprintf(msg, mcap, "completed: %u commands retired%s", o->res.cmds_done,
			 o->oracle == 1 ? ", output bit-exact" : "");
	} else if (o->rc == MOTE_ERROR_JOB_FAILED) {
		const char *op = mote_hw_op_name(o->err_w0 & 0xffu);
		snprintf(status, scap, "%s", mote_hw_err_name(o->res.hw_error));
		snprintf(msg, mcap, "command %u%s%s%s, address 0x%08x, %u commands retired", o->res.err_cmd,
			 op && o->err_w0 ? " (" : "", op && o->err_w0 ? op : "", op && o->err_w0 ? ")" : "", o->res.err_addr,
			 o->res.cmds_done);
	} else {
		snprintf(status, scap, "%s", mote_error_name(o->rc));
		snprintf(msg, mcap, "refused by mote_run");
	}
}

/* The corpus's feedback, a cheap stand-in for coverage: an input is kept when
 * it shows something no input showed before: its outcome's kind (status,
 * failing command's opcode, where the stream stops, oracle) or a perf counter
 * of the job in a power-of-two bucket never reached.  1: new, 0: not. */
static int features_new(struct fz_strset *kinds, struct fz_strset *features, const struct outcome *o,
			const char *status)
{
	char key[128];
	const char *op = mote_hw_op_name(o->err_w0 & 0xffu);
	snprintf(key, sizeof key, "%s %s %d %d", status, op ? op : "-", (int)o->dec.why, o->oracle);
	int fresh = fz_strset_add(kinds, key);
	for (unsigned i = 0; i < MOTE_NUM_PERF && fresh >= 0; i++) {
		uint64_t v = o->res.perf[i];
		unsigned b = 0;
		while (v) {
			b++;
			v >>= 1;
		}
		snprintf(key, sizeof key, "%u:%u", i, b);
		int f = fz_strset_add(features, key);
		fresh = f < 0 ? f : fresh | f;
	}
	if (fresh < 0)
		fz_fail("out of memory in the harness");
	return fresh;
}


struct regress_ctx {
	struct rig *r;
	struct fz_crash *crash;
	const struct fz_opts *o;
	struct outcome out;
	char status[64], msg[192];
};

static void run_armed(struct rig *r, struct fz_crash *crash, const struct fz_opts *opts, uint64_t iter,
		      const struct fz_buf *in, const char *replay, struct outcome *o)
{
	size_t heap0 = fz_heap_bytes();
	fz_crash_arm(crash, opts, iter, in, replay);
	run_input(r, in->d, in->len, o, opts->check_every, iter);
	if (heap0 && fz_heap_bytes() > heap0 && fz_leaked(heap0))
		fz_fail("memory leaked (LeakSanitizer report above)");
	fz_crash_disarm(crash);
}

static void regress_one(void *ctx, const char *path, const struct fz_buf *in, const char **status, const char **msg)
{
	struct regress_ctx *c = ctx;
	run_armed(c->r, c->crash, c->o, 0, in, path, &c->out);
	describe(&c->out, c->status, sizeof c->status, c->msg, sizeof c->msg);
	*status = c->status;
	*msg = c->msg;
}

static int write_file(const char *path, const struct fz_buf *b)
{
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(b->d, 1, b->len, f) != b->len;
	if (f && fclose(f))
		bad = 1;
	if (bad)
		fprintf(stderr, "fuzz_cmd: cannot write %s\n", path);
	return bad;
}

static void keep(const char *dir, const struct fz_buf *in, const char *status, const struct outcome *o, uint64_t it)
{
	char path[1024];
	const char *op = mote_hw_op_name(o->err_w0 & 0xffu);
	fz_mkdir_p(dir);
	snprintf(path, sizeof path, "%s/%s-%s-%llu.bin", dir, status, op && o->rc ? op : "x", (unsigned long long)it);
	write_file(path, in);
}

static int write_seeds(const struct rig *r, const char *dir)
{
	fz_mkdir_p(dir);
	for (unsigned i = 0; i < r->n_seeds; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/seed-%02u.bin", dir, i);
		if (write_file(path, &r->seeds[i].file))
			return 1;
		printf("%s: %s\n", path, r->seeds[i].name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fz_opts o = {.target = "cmd", .seconds = 30, .iters = 200000, .seed = 1, .timeout_s = 60,
			    .out_dir = "build/fuzz", .check_every = 1};
	const char *keep_dir = NULL;
	/* --keep is ours alone: taken out before the shared parser sees the rest */
	int n_args = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep_dir = argv[++i];
		else
			argv[n_args++] = argv[i];
	}
	int rc = fz_parse(n_args, argv, &o,
			  "  --device URI   the device (default " DEVICE_URI "; its memory must map: a simulator)\n"
			  "  --check-every N  the known GEMM after every N-th completed stream too (default 1; 0: only\n"
			  "                 after the streams that stop with an error)\n"
			  "  --keep DIR     write every input with an outcome kind not seen before (its status, the\n"
			  "                 failing command's opcode) to DIR/<status>-<opcode>-<iteration>.bin\n"
			  "  a --replay or --regress file is an input file (see the header of fuzz_cmd.c)\n");
	if (rc)
		return rc;
	if (o.keep_going) {
		fprintf(stderr, "fuzz_cmd: --keep-going is fuzz_onnx's\n");
		return 2;
	}
	fz_mkdir_p(o.out_dir);
	struct fz_crash crash = {0};
	fz_crash_install(&crash);
	static struct rig rig;
	const char *uri = o.device ? o.device : DEVICE_URI;
	if (setup(&rig, uri) < 0) {
		teardown(&rig);
		return 2;
	}
	struct rig *r = &rig;
	struct outcome out;
	struct fz_buf cur = {0};
	char status[64], msg[192];
	if (o.write_seeds) {
		rc = write_seeds(r, o.write_seeds);
		goto done;
	}
	if (o.regress) {
		struct regress_ctx ctx = {.r = r, .crash = &crash, .o = &o};
		rc = fz_regress(o.regress, regress_one, &ctx) ? 1 : 0;
		goto done;
	}
	if (o.n_replay) {
		for (int i = 0; i < o.n_replay; i++) {
			if (fz_slurp(o.replay[i], &cur)) {
				rc = 2;
				goto done;
			}
			run_armed(r, &crash, &o, 0, &cur, o.replay[i], &out);
			describe(&out, status, sizeof status, msg, sizeof msg);
			printf("%s: %s: %s\n", o.replay[i], status, msg);
		}
		goto done;
	}

	/* every seed runs as it is, bit-exact */
	for (unsigned i = 0; i < r->n_seeds; i++) {
		const struct seed *s = &r->seeds[i];
		run_armed(r, &crash, &o, 0, &s->file, s->name, &out);
		if (out.rc)
			fz_fail("seed '%s' fails: %s at command %u", s->name, mote_hw_err_name(out.res.hw_error),
				out.res.err_cmd);
		for (size_t k = 0; k < s->p.d.out_bytes; k++)
			if (r->r[OUT].dev[k] != s->p.d.y_ref[k])
				fz_fail("seed '%s': output byte %zu is %d, the reference says %d", s->name, k,
					(int8_t)r->r[OUT].dev[k], (int8_t)s->p.d.y_ref[k]);
		if (o.verbose)
			printf("  seed %u '%s': %u commands, %zu stream bytes, %llu cycles%s\n", i, s->name, s->p.plan.n_cmds,
			       s->p.plan.cmd_bytes, (unsigned long long)out.res.perf[MOTE_PERF_CYCLES],
			       s->oracle ? " (data-only oracle)" : "");
	}
	printf("fuzz_cmd: seed %llu, %u seed streams on %s (%ux%u, features 0x%x), at most %llu streams (0: no limit) "
	       "and %g s, at least %llu; watchdog %u cycles\n",
	       (unsigned long long)o.seed, r->n_seeds, uri, r->g.rows, r->g.cols, r->g.features,
	       (unsigned long long)o.iters, o.seconds, (unsigned long long)o.min_iters, WDT_CYCLES);

	struct fz_rng rng = {o.seed};
	struct fz_corpus corpus = {0};
	for (unsigned i = 0; i < r->n_seeds; i++)
		if (fz_corpus_add(&corpus, &rng, &r->seeds[i].file, r->seeds[i].name) < 0)
			fz_fail("out of memory in the harness");
	struct edit *e = malloc(sizeof *e), *other = malloc(sizeof *other);
	struct fz_strset kinds = {0}, features = {0};
	if (!e || !other)
		fz_fail("out of memory in the harness");
	const struct seed *oracle_seeds[MAX_SEEDS];
	unsigned n_oracle = 0;
	for (unsigned i = 0; i < r->n_seeds; i++)
		if (r->seeds[i].oracle)
			oracle_seeds[n_oracle++] = &r->seeds[i];
	struct tally t = {0};
	double t0 = fz_now(), last_print = t0;
	for (uint64_t it = 0; (!o.iters || it < o.iters) && (!o.seconds || fz_now() - t0 < o.seconds); it++) {
		const struct fz_buf *base = &corpus.e[fz_below(&rng, corpus.n)], *ob = &corpus.e[fz_below(&rng, corpus.n)];
		struct input pin;
		if (parse_input(base->d, base->len, &pin) < 0 || (edit_from(e, &pin), parse_input(ob->d, ob->len, &pin) < 0))
			fz_fail("a corpus entry is not an input file");
		edit_from(other, &pin);
		struct mut_ctx m = {.rng = &rng, .r = r, .other = other};
		unsigned nm = 1 + (unsigned)(fz_chance(&rng, 2) ? 0 : fz_below(&rng, 4));
		/* one input in 8: a GEMM seed with other data only, its result known exactly */
		const struct seed *os = n_oracle && fz_chance(&rng, 8) ? oracle_seeds[fz_below(&rng, n_oracle)] : NULL;
		int raw = !os && fz_chance(&rng, 16);
		if (os) {
			if (parse_input(os->file.d, os->file.len, &pin) < 0)
				fz_fail("a seed is not an input file");
			edit_from(e, &pin);
		}
		for (unsigned k = 0; k < nm; k++) {
			const char *what = os ? mut_data(&m, e) : mutate(&m, e);
			if (o.verbose > 1)
				printf("    %llu: %s\n", (unsigned long long)it, what);
		}
		if (edit_to(e, &cur))
			fz_fail("out of memory in the harness");
		if (raw) { /* bytes of the stream itself (the header and the data stay whole) */
			struct input cin;
			struct fz_buf sb = {0};
			if (parse_input(cur.d, cur.len, &cin) < 0 || fz_set(&sb, cin.stream, cin.stream_len) ||
			    !fz_mutate_bytes(&rng, &sb, NULL))
				fz_fail("out of memory in the harness");
			if (sb.len > CMD_BYTES)
				sb.len = CMD_BYTES;
			cin.stream = sb.d;
			cin.stream_len = sb.len;
			struct fz_buf nb = {0};
			if (write_input(&nb, &cin))
				fz_fail("out of memory in the harness");
			fz_buf_free(&sb);
			fz_buf_free(&cur);
			cur = nb;
		}
		run_armed(r, &crash, &o, it, &cur, NULL, &out);
		count(&t, &out);
		if (fz_chance(&rng, 16)) { /* the scrub makes an input's outcome its own: once more, the same */
			memcpy(r->scratch, r->r[OUT].dev, OUT_BYTES);
			struct outcome again;
			run_armed(r, &crash, &o, it, &cur, NULL, &again);
			crash.armed = 1; /* fz_fail saves the input */
			if (again.rc != out.rc || again.res.hw_error != out.res.hw_error || again.res.err_cmd != out.res.err_cmd ||
			    again.res.err_addr != out.res.err_addr || again.res.cmds_done != out.res.cmds_done ||
			    memcmp(r->scratch, r->r[OUT].dev, OUT_BYTES))
				fz_fail("the same input ran twice differently: %s %s at %u, then %s %s at %u (or other output bytes)",
					mote_error_name(out.rc), mote_hw_err_name(out.res.hw_error), out.res.err_cmd,
					mote_error_name(again.rc), mote_hw_err_name(again.res.hw_error), again.res.err_cmd);
			crash.armed = 0;
			t.reruns++;
		}
		describe(&out, status, sizeof status, msg, sizeof msg);
		size_t n_kinds = kinds.n;
		int fresh = features_new(&kinds, &features, &out, status);
		if (keep_dir && kinds.n > n_kinds)
			keep(keep_dir, &cur, status, &out, it);
		if (fresh && fz_corpus_add(&corpus, &rng, &cur, NULL) < 0)
			fz_fail("out of memory in the harness");
		if (o.verbose && (fresh || o.verbose > 1))
			printf("  %llu: %s: %s\n", (unsigned long long)it, status, msg);
		if (fz_now() - last_print > 10) {
			last_print = fz_now();
			printf("  ... %llu streams, %.0f s, %llu completed, %zu outcome kinds\n", (unsigned long long)t.streams,
			       last_print - t0, (unsigned long long)t.completed, kinds.n);
		}
	}
	double secs = fz_now() - t0;
	printf("fuzz_cmd: seed %llu on %s:\n", (unsigned long long)o.seed, uri);
	print_tally(&t, secs, r);
	printf("  %zu outcome kinds, %zu features; corpus %zu\n", kinds.n, features.n, corpus.n);
	free(e);
	free(other);
	fz_corpus_free(&corpus);
	fz_strset_free(&kinds);
	fz_strset_free(&features);
	if (o.min_iters && t.streams < o.min_iters) {
		printf("fuzz_cmd: FAIL: %llu streams, fewer than the %llu required (--min-iters)\n",
		       (unsigned long long)t.streams, (unsigned long long)o.min_iters);
		rc = 1;
		goto done;
	}
	printf("fuzz_cmd: no crash, hang, write outside the windows, undocumented status or wrong result\n");
done:
	fz_buf_free(&cur);
	teardown(r);
	return rc;
}

#endif /* MOTE_LIBFUZZER */
