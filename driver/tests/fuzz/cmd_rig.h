/* cmd_rig.h: the device side of fuzz_cmd (driver/tests/fuzz/fuzz_cmd.c): the
 * rig's device memory (the job's windows, guards between them, the known
 * jobs' buffers, the rest of memory as one more guard), its input files
 * (the format: fuzz_cmd.c's header), the seeds (op.c's operators emitted by
 * the compiler's builder at the rig's addresses), the known GEMMs that must
 * run bit-exact after a bad stream, and the scrub that zeroes the buffer rows
 * jobs may have written.  Header-only, for fuzz_cmd.c alone (fail() reaches
 * fuzz_harness.h's crash catcher, or aborts under libFuzzer).
 */
#ifndef MOTE_FUZZ_CMD_RIG_H
#define MOTE_FUZZ_CMD_RIG_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#include "fuzz_harness.h"
#include "fuzz_hooks.h"
#include "mote/mote_compiler.h"
#include "op.h"

#define WDT_CYCLES 4096u                        /* the watchdog of every job */
#define RUN_TIMEOUT_MS 20000                    /* longer is a hang */
#define OUT_FILL 0x5A                           /* the output window before a job */
#define GUARD_FILL 0xA5                         /* every guard */

/* ---- the rig: device memory ------------------------------------------------------ */

enum {
	CMD_BYTES = 4096,                  /* the stream's area, at the start of the R+X window */
	DATA_BYTES = 4096,                 /* weights and bias, right after it */
	IN_BYTES = 4096,
	OUT_BYTES = 4096,
	OPND_BYTES = 4096,
	GUARD_BYTES = 1024,
	KNOWN_RO = 4096,                   /* per known job: stream, weights, bias */
	KNOWN_CMD = 1024,                  /* of which the stream's */
	KNOWN_IO = 2048,                   /* per known job: input, output */
	REST_MAX = 256 * 1024,             /* the last guard: the rest of memory, at most this */
	MAX_CMDS = CMD_BYTES / 4,
	HDR_BYTES = 28,
};

/* Allocated in this order, each its own buffer, adjacent (checked). */
enum region_id { G_LOW, RO, G_RO, IN, G_IN, OUT, G_OUT, OPND, G_OPND, K_RO, K_IN, K_OUT, G_REST, N_REGIONS };

static const struct {
	const char *name;
	size_t bytes; /* 0: the rest of memory (at most REST_MAX) */
} region_def[N_REGIONS] = {
	[G_LOW] = {"guard below the windows", GUARD_BYTES},
	[RO] = {"command/weight window", CMD_BYTES + DATA_BYTES},
	[G_RO] = {"guard after the command window", GUARD_BYTES},
	[IN] = {"input window", IN_BYTES},
	[G_IN] = {"guard after the input", GUARD_BYTES},
	[OUT] = {"output window", OUT_BYTES},
	[G_OUT] = {"guard after the output", GUARD_BYTES},
	[OPND] = {"operand window", OPND_BYTES},
	[G_OPND] = {"guard after the operand", GUARD_BYTES},
	[K_RO] = {"known jobs' commands", 3 * KNOWN_RO}, /* the dense, the sparse GEMM, the scrub */
	[K_IN] = {"known jobs' inputs", 2 * KNOWN_IO},
	[K_OUT] = {"known jobs' outputs", 2 * KNOWN_IO},
	[G_REST] = {"guard: the rest of memory", 0},
};

struct region {
	mote_buffer *buf;
	uint32_t addr;
	size_t size;
	uint8_t *dev;  /* mapped: the device's bytes themselves */
	uint8_t *want; /* what they must hold after a job (not kept for OUT) */
};

/* Window variants (input byte 6: win_perm). */
enum win_perm {
	WIN_STD,      /* commands+weights R+X, input R, output W, operand R */
	WIN_OUT_RW,   /* the output readable too (STORE ADD reading its own output) */
	WIN_RO_XONLY, /* commands+weights executable only: weight loads fail */
	WIN_RO_NOX,   /* commands+weights readable only: the first fetch fails */
	WIN_NO_OPND,  /* no operand window */
	N_WIN_PERM
};

/* The permissions variant of an input's window byte: bits 0-2, modulo N_WIN_PERM. */
static unsigned win_perm(unsigned win) { return (win & 7u) % N_WIN_PERM; }

struct window {
	enum region_id reg;
	uint32_t perm;
};

/* An operator of op.c placed in the rig: its stream, then (from cmd_cap)
 * weights and bias in the R+X area, its input, output and operand. */
struct placed {
	struct op_args a;
	struct op_data d;
	struct mote_cc_plan plan;
	uint8_t *ro;         /* ro_bytes: the stream, zeros to cmd_cap, weights, bias */
	size_t ro_bytes, cmd_cap, w_off, b_off;
};

struct seed {
	char name[64];
	struct placed p;
	int oracle;           /* a GEMM with zero points 0 whose tiles decode (data-only inputs) */
	uint32_t kt, nt, wt_rows; /* its weight blob: nt * kt tiles of wt_rows * cols bytes */
	struct fz_buf file;   /* the seed as an input file */
};

#define MAX_SEEDS 16

struct rig {
	mote_device *dev;
	struct hooks hooks;
	struct mote_device_info info;
	struct mote_geometry g;
	struct region r[N_REGIONS];
	struct seed seeds[MAX_SEEDS];
	unsigned n_seeds;
	struct placed known[2];  /* dense GEMM; sparse GEMM on SPARSE devices */
	unsigned n_known, next_known;
	uint32_t dirty_lo[4], dirty_hi[4]; /* buffer rows written since the last scrub (B_*) */
	uint64_t scrub_cycles;
	uint8_t *scratch;        /* OUT_BYTES */
	uint64_t known_runs;
};

/* ---- failures --------------------------------------------------------------------- */

/* A failed check: the input is saved (fz_fail) and the process ends; under
 * libFuzzer, abort (libFuzzer saves the input). */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
#ifdef MOTE_LIBFUZZER
	fprintf(stderr, "fuzz_cmd: %s\n", msg);
	abort();
#else
	fz_fail("%s", msg);
#endif
}

/* ---- input files ---------------------------------------------------------------- */

struct input {
	unsigned seed, win;
	uint32_t n_cmds;
	const uint8_t *stream, *data, *in, *opnd;
	size_t stream_len, data_len, in_len, opnd_len;
};

static uint32_t get32(const uint8_t *p) { return (uint32_t)fz_get_le(p, 4); }

/* 0, or -1 for a file that is not an input (bad magic or version, parts
 * longer than the file or than their areas). */
static int parse_input(const uint8_t *p, size_t n, struct input *in)
{
	memset(in, 0, sizeof *in);
	if (n < HDR_BYTES || memcmp(p, "MCMD", 4) || p[4] != 1)
		return -1;
	in->seed = p[5];
	in->win = p[6];
	in->n_cmds = get32(p + 8);
	size_t len[4], cap[4] = {CMD_BYTES, DATA_BYTES, IN_BYTES, OPND_BYTES}, off = HDR_BYTES;
	const uint8_t *part[4];
	for (int k = 0; k < 4; k++) {
		len[k] = get32(p + 12 + 4 * k);
		if (len[k] > cap[k] || len[k] > n - off)
			return -1;
		part[k] = p + off;
		off += len[k];
	}
	in->stream = part[0], in->stream_len = len[0];
	in->data = part[1], in->data_len = len[1];
	in->in = part[2], in->in_len = len[2];
	in->opnd = part[3], in->opnd_len = len[3];
	return 0;
}

/* The file of an input whose parts lie elsewhere; 0 or -1 (out of memory). */
static int write_input(struct fz_buf *b, const struct input *in)
{
	size_t n = HDR_BYTES + in->stream_len + in->data_len + in->in_len + in->opnd_len;
	uint8_t *tmp = malloc(n);
	if (!tmp)
		return -1;
	memset(tmp, 0, HDR_BYTES);
	memcpy(tmp, "MCMD", 4);
	tmp[4] = 1;
	tmp[5] = (uint8_t)in->seed;
	tmp[6] = (uint8_t)in->win;
	fz_put_le(tmp + 8, in->n_cmds, 4);
	const uint8_t *part[4] = {in->stream, in->data, in->in, in->opnd};
	size_t len[4] = {in->stream_len, in->data_len, in->in_len, in->opnd_len}, off = HDR_BYTES;
	for (int k = 0; k < 4; k++) {
		fz_put_le(tmp + 12 + 4 * k, len[k], 4);
		if (len[k])
			memcpy(tmp + off, part[k], len[k]);
		off += len[k];
	}
	int rc = fz_set(b, tmp, n);
	free(tmp);
	return rc;
}

/* ---- placing operators ------------------------------------------------------------ */

static size_t align64(size_t v) { return (v + 63) & ~(size_t)63; }

/* Build p (its op_args set) for the rig's geometry at these addresses.
 * Returns 0, or -1 after printing why (the operator does not fit). */
static int place_op(struct rig *r, struct placed *p, uint32_t ro_addr, size_t cmd_cap, size_t ro_cap,
		    uint32_t in_addr, size_t in_cap, uint32_t out_addr, size_t out_cap, uint32_t opnd_addr,
		    size_t opnd_cap, int zero_points_0)
{
	struct mote_cc_diag diag = {{0}};
	if (op_make(&p->a, &p->d, NULL, 0) < 0)
		return -1;
	int gemm = p->a.is_gemm && !p->a.add; /* a GEMM with an add runs as its 1x1 convolution (op.c) */
	if (zero_points_0 && gemm) {
		/* weight bytes then mean what they say: no zero-point correction folded into the bias */
		p->d.gemm.a_zp = 0;
		p->d.conv.in_zp = 0;
		if (mote_ref_gemm(&p->d.gemm, p->d.input, p->d.y_ref) < 0)
			return fprintf(stderr, "fuzz_cmd: reference GEMM refused\n"), -1;
	}
	int rc = gemm ? mote_cc_plan_gemm(&r->g, &p->d.gemm, &p->plan, &diag)
		      : mote_cc_plan_conv(&r->g, &p->d.conv, &p->plan, &diag);
	if (rc < 0)
		return fprintf(stderr, "fuzz_cmd: cannot plan: %s\n", diag.msg), -1;
	p->cmd_cap = cmd_cap;
	p->w_off = cmd_cap;
	p->b_off = p->w_off + align64(p->plan.weight_bytes);
	p->ro_bytes = p->b_off + align64(p->plan.bias_bytes);
	if (p->plan.cmd_bytes > cmd_cap || p->ro_bytes > ro_cap || p->plan.input_bytes > in_cap ||
	    p->plan.output_bytes > out_cap || (p->a.add && p->d.out_bytes > opnd_cap)) {
		fprintf(stderr,
			"fuzz_cmd: operator too large for the rig (%zu stream bytes, %zu weight+bias, %zu in, %zu out)\n",
			p->plan.cmd_bytes, p->ro_bytes - p->w_off, p->plan.input_bytes, p->plan.output_bytes);
		return -1;
	}
	if (!(p->ro = calloc(p->ro_bytes, 1)))
		return -1;
	struct mote_cc_addrs addrs = {.input = in_addr, .output = out_addr, .weights = ro_addr + (uint32_t)p->w_off,
				      .bias = ro_addr + (uint32_t)p->b_off, .cmds = ro_addr, .operand = opnd_addr};
	struct mote_cc_bufs bufs = {.cmds = p->ro, .cmds_cap = p->plan.cmd_bytes, .weights = p->ro + p->w_off,
				    .weights_cap = p->plan.weight_bytes, .bias = p->ro + p->b_off,
				    .bias_cap = p->plan.bias_bytes};
	rc = gemm ? mote_cc_emit_gemm(&r->g, &p->d.gemm, &addrs, &bufs, &p->plan, &diag)
		  : mote_cc_emit_conv(&r->g, &p->d.conv, &addrs, &bufs, &p->plan, &diag);
	if (rc < 0)
		return fprintf(stderr, "fuzz_cmd: cannot emit: %s\n", diag.msg), -1;
	return 0;
}

static void placed_free(struct placed *p)
{
	op_free(&p->d);
	free(p->ro);
	memset(p, 0, sizeof *p);
}

/* ---- the rig: setup ------------------------------------------------------------------ */

static int alloc_regions(struct rig *r)
{
	uint32_t next = 0;
	for (int i = 0; i < N_REGIONS; i++) {
		struct region *g = &r->r[i];
		size_t want = region_def[i].bytes;
		if (!want) { /* the rest of memory: as much as one buffer takes, at most REST_MAX */
			uint64_t left = r->info.mem_size > next ? r->info.mem_size - next : 0;
			want = left > REST_MAX ? REST_MAX : (size_t)left;
			while (want >= 64 && mote_buffer_alloc(r->dev, want, &g->buf) < 0)
				want -= 64;
			if (want < 64)
				continue; /* no memory left: no last guard */
		} else if (mote_buffer_alloc(r->dev, want, &g->buf) < 0) {
			fprintf(stderr, "fuzz_cmd: cannot allocate the %s (%zu bytes)\n", region_def[i].name, want);
			return -1;
		}
		if (mote_buffer_addr(r->dev, g->buf, &g->addr, &g->size) < 0 ||
		    mote_buffer_map(r->dev, g->buf, (void **)&g->dev) < 0) {
			fprintf(stderr, "fuzz_cmd: the device's memory cannot be mapped (a simulator device is needed)\n");
			return -1;
		}
		if (i && g->addr != next) {
			fprintf(stderr, "fuzz_cmd: the %s is not right after the %s\n", region_def[i].name,
				region_def[i - 1].name);
			return -1;
		}
		next = g->addr + (uint32_t)g->size;
		if (i != OUT) {
			if (!(g->want = malloc(g->size)))
				return -1;
			memset(g->want, i == RO || i == IN || i == OPND || i == K_RO || i == K_IN ? 0 : GUARD_FILL, g->size);
			memcpy(g->dev, g->want, g->size);
		}
	}
	return 0;
}

/* Every byte the jobs may not write is what it was; where names the moment. */
static void check_memory(struct rig *r, const char *where)
{
	for (int i = 0; i < N_REGIONS; i++) {
		const struct region *g = &r->r[i];
		if (!g->want || !memcmp(g->dev, g->want, g->size))
			continue;
		size_t k = 0;
		while (g->dev[k] == g->want[k])
			k++;
		fail("%s: the %s was written: byte %zu (address 0x%08x) is 0x%02x, was 0x%02x", where, region_def[i].name,
		     k, g->addr + (uint32_t)k, g->dev[k], g->want[k]);
	}
}

/* The scrub: a job that sets to zero every row of the activation, weight,
 * bias and accumulator buffers a job may have written since the last scrub
 * (the rows its LOADs and MATMULs name, as decoded: r->dirty), and both
 * weight registers of every PE (dense).  It runs before every input, so that
 * what an input does depends on the input alone (a stream may read what it
 * did not write, and race its own loads) and a saved input replays as it ran
 * (the main loop runs some inputs twice to check).  The first scrub takes
 * every row. */
enum { B_ACT, B_WGT, B_BIAS, B_ACC };

static uint32_t buf_depth(const struct rig *r, unsigned b)
{
	const struct mote_geometry *g = &r->g;
	return b == B_ACT ? g->abuf_depth : b == B_WGT ? g->wbuf_depth : b == B_BIAS ? g->bbuf_depth : g->acc_depth;
}

static void dirty(struct rig *r, unsigned b, uint64_t first, uint64_t rows)
{
	uint64_t depth = buf_depth(r, b), end = first + rows;
	if (!rows || first >= depth)
		return;
	if (end > depth || end < first)
		end = depth;
	if (r->dirty_lo[b] >= r->dirty_hi[b])
		r->dirty_lo[b] = (uint32_t)first, r->dirty_hi[b] = (uint32_t)end;
	if (first < r->dirty_lo[b])
		r->dirty_lo[b] = (uint32_t)first;
	if (end > r->dirty_hi[b])
		r->dirty_hi[b] = (uint32_t)end;
}

/* The rows the commands of a stream (bytes of the command window from its
 * start, at most n_cmds commands) may write. */
static void mark_dirty(struct rig *r, const uint8_t *bytes, size_t size, uint32_t n_cmds)
{
	size_t off = 0;
	uint32_t c[MOTE_CMD_WORDS];
	for (uint32_t i = 0; i < n_cmds && off + 4 <= size; i++) {
		memset(c, 0, sizeof c);
		c[0] = get32(bytes + off);
		unsigned len = mote_cmd_len(c[0]);
		if (!len || off + 4u * len > size)
			return;
		for (unsigned k = 1; k < len; k++)
			c[k] = get32(bytes + off + 4 * k);
		off += 4u * len;
		if ((c[0] & 0xffu) == MOTE_OP_LOAD) {
			uint64_t dst = MOTE_CMD_GET(c, LOAD, DST), hi = MOTE_CMD_GET(c, LOAD, HI_ROWS);
			uint64_t rows = (uint64_t)MOTE_CMD_GET(c, LOAD, N_OUTER) * (uint64_t)MOTE_CMD_GET(c, LOAD, N_INNER);
			if (MOTE_CMD_GET(c, LOAD, W_PAIR)) /* two weight rows per row */
				rows *= 2;
			if (dst <= MOTE_BUF_BIAS)
				dirty(r, (unsigned)dst, (uint64_t)MOTE_CMD_GET(c, LOAD, BUF_ROW), rows);
			if (dst <= MOTE_BUF_BIAS && hi) /* HI_ROWS: each row's second half hi rows on */
				dirty(r, (unsigned)dst, (uint64_t)MOTE_CMD_GET(c, LOAD, BUF_ROW) + hi, rows);
		} else if ((c[0] & 0xffu) == MOTE_OP_MATMUL) {
			dirty(r, B_ACC, (uint64_t)MOTE_CMD_GET(c, MATMUL, ACC_ROW), (uint64_t)MOTE_CMD_GET(c, MATMUL, NROWS));
		}
	}
}

static uint32_t *scrub_cmd(uint32_t (*cmd)[MOTE_CMD_WORDS], uint32_t *n, uint32_t opcode)
{
	uint32_t *c = cmd[(*n)++];
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, opcode);
	return c;
}

static void run_scrub(struct rig *r)
{
	const struct mote_geometry *g = &r->g;
	uint32_t cmd[16][MOTE_CMD_WORDS], n = 0;
	/* the zero weights the MATMULs load: weight rows 0..ROWS-1, always */
	dirty(r, B_WGT, 0, g->rows);
	const uint32_t width[3] = {g->rows, g->cols, 4 * g->cols};
	for (unsigned b = B_ACT; b <= B_BIAS; b++) { /* HEIGHT 0: every row is padding, nothing is read */
		if (r->dirty_lo[b] >= r->dirty_hi[b])
			continue;
		uint32_t *c = scrub_cmd(cmd, &n, MOTE_OP_LOAD);
		MOTE_CMD_SET(c, LOAD, DST, b);
		MOTE_CMD_SET(c, LOAD, ADDR0, r->r[K_IN].addr);
		MOTE_CMD_SET(c, LOAD, BUF_ROW, r->dirty_lo[b]);
		MOTE_CMD_SET(c, LOAD, N_OUTER, r->dirty_hi[b] - r->dirty_lo[b]);
		MOTE_CMD_SET(c, LOAD, N_INNER, 1);
		MOTE_CMD_SET(c, LOAD, SY, 1);
		MOTE_CMD_SET(c, LOAD, WIDTH, width[b]);
		MOTE_CMD_SET(c, LOAD, COUNT, width[b]);
	}
	MOTE_CMD_SET(cmd[n - 1], HDR, PUSH_NEXT, 1); /* the load queue runs in order: all of them done */
	/* zero weights into both registers of every PE; the accumulator rows, a
	 * buffer's worth of activation rows at a time (any values: times zero) */
	uint32_t lo = r->dirty_lo[B_ACC], hi = r->dirty_hi[B_ACC] > lo ? r->dirty_hi[B_ACC] : lo + 1;
	for (int first = 1; lo < hi || first; first = 0) {
		uint32_t k = hi - lo < g->abuf_depth ? hi - lo : g->abuf_depth;
		uint32_t *c = scrub_cmd(cmd, &n, MOTE_OP_MATMUL);
		MOTE_CMD_SET(c, HDR, POP_PREV, first);
		MOTE_CMD_SET(c, MATMUL, LOAD_WEIGHTS, 1);
		MOTE_CMD_SET(c, MATMUL, ACC_ROW, lo < hi ? lo : 0);
		MOTE_CMD_SET(c, MATMUL, NROWS, lo < hi ? k : 1);
		MOTE_CMD_SET(c, MATMUL, K_VALID, g->rows);
		MOTE_CMD_SET(c, MATMUL, N_VALID, g->cols);
		lo += lo < hi ? k : 0;
		if (first && lo >= hi) { /* one more for the other weight register */
			c = scrub_cmd(cmd, &n, MOTE_OP_MATMUL);
			MOTE_CMD_SET(c, MATMUL, LOAD_WEIGHTS, 1);
			MOTE_CMD_SET(c, MATMUL, NROWS, 1);
			MOTE_CMD_SET(c, MATMUL, K_VALID, g->rows);
			MOTE_CMD_SET(c, MATMUL, N_VALID, g->cols);
		}
	}
	scrub_cmd(cmd, &n, MOTE_OP_END);
	struct region *ro = &r->r[K_RO];
	uint32_t off = 2 * KNOWN_RO;
	size_t bytes = mote_cmds_pack(ro->want + off, &cmd[0][0], n);
	memcpy(ro->dev + off, ro->want + off, bytes);
	struct mote_job_desc job = {.cmds = ro->buf, .cmd_offset = off, .n_cmds = n, .n_windows = 2,
				    .windows = {{ro->buf, MOTE_PERM_X}, {r->r[K_IN].buf, MOTE_PERM_R}}};
	struct mote_job_result res;
	memset(&res, 0, sizeof res);
	int rc = mote_run(r->dev, &job, RUN_TIMEOUT_MS, &res);
	if (rc)
		fail("the scrub job: %s (hardware error %s at command %u)", mote_error_name(rc),
		     mote_hw_err_name(res.hw_error) ? mote_hw_err_name(res.hw_error) : "?", res.err_cmd);
	r->scrub_cycles += res.perf[MOTE_PERF_CYCLES];
	memset(r->dirty_lo, 0, sizeof r->dirty_lo);
	memset(r->dirty_hi, 0, sizeof r->dirty_hi);
}

/* The known GEMMs (dense, then sparse where the device has SPARSE) in
 * K_RO/K_IN/K_OUT: a stream that must run bit-exact after a bad one. */
static int setup_known(struct rig *r)
{
	int sparse = (r->g.features & MOTE_FEATURES_SPARSE_MASK) != 0;
	for (unsigned k = 0; k < 1u + (unsigned)sparse; k++) {
		struct placed *p = &r->known[k];
		uint32_t R = r->g.rows, C = r->g.cols;
		p->a = (struct op_args){.is_gemm = 1, .m = R + 3, .k = k ? 2 * R + 2 : R + 1, .n = C + 1,
					.seed = 11 + k, .sparse = (int)k};
		uint32_t ko = k * KNOWN_RO, io = k * KNOWN_IO;
		if (place_op(r, p, r->r[K_RO].addr + ko, KNOWN_CMD, KNOWN_RO, r->r[K_IN].addr + io, KNOWN_IO,
			     r->r[K_OUT].addr + io, KNOWN_IO, 0, 0, 0) < 0)
			return -1;
		memcpy(r->r[K_RO].want + ko, p->ro, p->ro_bytes);
		memcpy(r->r[K_RO].dev + ko, p->ro, p->ro_bytes);
		memcpy(r->r[K_IN].want + io, p->d.input, p->d.in_bytes);
		memcpy(r->r[K_IN].dev + io, p->d.input, p->d.in_bytes);
		r->n_known++;
	}
	return 0;
}

/* One known job, output compared byte for byte (and the rest of its output
 * area untouched); the rest of memory checked. */
static void run_known(struct rig *r, const char *after)
{
	unsigned k = r->next_known++ % r->n_known;
	struct placed *p = &r->known[k];
	struct region *ro = &r->r[K_RO], *out = &r->r[K_OUT];
	uint8_t *o = out->dev + k * KNOWN_IO;
	memset(o, OUT_FILL, KNOWN_IO);
	memset(out->want + k * KNOWN_IO, OUT_FILL, KNOWN_IO);
	struct mote_job_desc job = {.cmds = ro->buf, .cmd_offset = k * KNOWN_RO, .n_cmds = p->plan.n_cmds, .n_windows = 3,
				    .windows = {{ro->buf, MOTE_PERM_R | MOTE_PERM_X}, {r->r[K_IN].buf, MOTE_PERM_R},
						{out->buf, MOTE_PERM_W}}};
	struct mote_job_result res;
	memset(&res, 0, sizeof res);
	int rc = mote_run(r->dev, &job, RUN_TIMEOUT_MS, &res);
	mark_dirty(r, ro->want + k * KNOWN_RO, KNOWN_RO, p->plan.n_cmds);
	r->known_runs++;
	if (rc)
		fail("the known %s GEMM after %s: %s (hardware error %s at command %u)", k ? "sparse" : "dense", after,
		     mote_error_name(rc), mote_hw_err_name(res.hw_error) ? mote_hw_err_name(res.hw_error) : "?",
		     res.err_cmd);
	for (size_t i = 0; i < KNOWN_IO; i++) {
		uint8_t want = i < p->d.out_bytes ? p->d.y_ref[i] : OUT_FILL;
		if (o[i] != want)
			fail("the known %s GEMM after %s: output byte %zu is %d, the reference says %d", k ? "sparse" : "dense",
			     after, i, (int8_t)o[i], (int8_t)want);
	}
	memcpy(out->want + k * KNOWN_IO, o, KNOWN_IO);
	check_memory(r, "the known GEMM");
}

/* The shapes the seeds are made of (the device's features permitting). */
static int add_seed(struct rig *r, const char *name, struct op_args a)
{
	if (r->n_seeds == MAX_SEEDS)
		return 0;
	struct seed *s = &r->seeds[r->n_seeds];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->p.a = a;
	int gemm = a.is_gemm && !a.add;
	if (place_op(r, &s->p, r->r[RO].addr, CMD_BYTES, CMD_BYTES + DATA_BYTES, r->r[IN].addr, IN_BYTES,
		     r->r[OUT].addr, OUT_BYTES, r->r[OPND].addr, OPND_BYTES, gemm && !a.w_uint8) < 0) {
		fprintf(stderr, "fuzz_cmd: seed '%s' left out\n", name);
		placed_free(&s->p);
		return 0;
	}
	const struct placed *p = &s->p;
	struct input in = {.seed = r->n_seeds, .win = WIN_STD, .n_cmds = p->plan.n_cmds, .stream = p->ro,
			   .stream_len = p->plan.cmd_bytes, .data = p->ro + p->w_off, .data_len = p->ro_bytes - p->w_off,
			   .in = (const uint8_t *)p->d.input, .in_len = p->d.in_bytes,
			   .opnd = p->d.operand, .opnd_len = p->d.operand ? p->d.out_bytes : 0};
	if (write_input(&s->file, &in))
		return -1;
	/* the data-only oracle: a GEMM without zero points whose blob is nt x kt tiles of wt_rows rows */
	uint32_t R = r->g.rows, C = r->g.cols;
	s->kt = (a.k + (a.sparse ? 2 * R : R) - 1) / (a.sparse ? 2 * R : R);
	s->nt = (a.n + C - 1) / C;
	s->wt_rows = a.sparse ? R + R / 4 : R;
	s->oracle = gemm && !a.w_uint8 && !a.round_tfl && p->plan.weight_bytes == (size_t)s->nt * s->kt * s->wt_rows * C;
	r->n_seeds++;
	return 0;
}

static int setup_seeds(struct rig *r)
{
	uint32_t f = r->g.features;
	int sp = (f & MOTE_FEATURES_SPARSE_MASK) != 0;
	/* GEMMs: several tiles each way, a ragged last tile */
	add_seed(r, "gemm dense 13x21x11", (struct op_args){.is_gemm = 1, .m = 13, .k = 21, .n = 11, .seed = 1});
	add_seed(r, "gemm dense int8 relu 5x8x8", (struct op_args){.is_gemm = 1, .m = 5, .k = 8, .n = 8, .seed = 2, .relu = 1});
	if (sp) {
		add_seed(r, "gemm 2:4 9x40x12", (struct op_args){.is_gemm = 1, .m = 9, .k = 40, .n = 12, .seed = 3, .sparse = 1});
		add_seed(r, "gemm 2:4 4x18x5", (struct op_args){.is_gemm = 1, .m = 4, .k = 18, .n = 5, .seed = 4, .sparse = 1});
	}
	add_seed(r, "gemm uint8 weights 6x17x9", (struct op_args){.is_gemm = 1, .m = 6, .k = 17, .n = 9, .seed = 5, .w_uint8 = 1});
	/* convolutions */
	add_seed(r, "conv 3x3 pad 1 5x5x3->8",
		 (struct op_args){.h = 5, .w = 5, .cin = 3, .cout = 8, .kh = 3, .kw = 3, .stride = 1, .pad = 1, .dil = 1, .seed = 6});
	add_seed(r, "conv 3x3 stride 2 7x6x4->6",
		 (struct op_args){.h = 7, .w = 6, .cin = 4, .cout = 6, .kh = 3, .kw = 3, .stride = 2, .pad = 0, .dil = 1, .seed = 7});
	if (sp)
		add_seed(r, "conv 2:4 3x3 pad 1 4x4x8->6", (struct op_args){.h = 4, .w = 4, .cin = 8, .cout = 6, .kh = 3, .kw = 3,
									 .stride = 1, .pad = 1, .dil = 1, .seed = 8, .sparse = 1});
	if (f & MOTE_FEATURES_DEPTHWISE_MASK)
		add_seed(r, "depthwise 3x3 pad 1 6x6x8", (struct op_args){.h = 6, .w = 6, .cin = 8, .cout = 8, .kh = 3, .kw = 3,
									  .stride = 1, .pad = 1, .dil = 1, .groups = 8, .seed = 9});
	if (f & MOTE_FEATURES_ACC_MAX_MASK)
		add_seed(r, "max pool 2x2 stride 2 6x6x8", (struct op_args){.h = 6, .w = 6, .cin = 8, .cout = 8, .kh = 2, .kw = 2,
									    .stride = 2, .pad = 0, .dil = 1, .groups = 8,
									    .pool = OP_POOL_MAX, .seed = 10});
	if (f & MOTE_FEATURES_STORE_ADD_MASK)
		add_seed(r, "conv 1x1 + STORE ADD 4x4x8->8", (struct op_args){.h = 4, .w = 4, .cin = 8, .cout = 8, .kh = 1, .kw = 1,
									      .stride = 1, .pad = 0, .dil = 1, .add = 1, .seed = 11});
	if (f & MOTE_FEATURES_ROUND_TFL_MASK)
		add_seed(r, "gemm ROUND_TFL 7x12x6", (struct op_args){.is_gemm = 1, .m = 7, .k = 12, .n = 6, .seed = 12,
								       .round_tfl = 1});
	return r->n_seeds ? 0 : -1;
}

static int setup(struct rig *r, const char *uri)
{
	memset(r, 0, sizeof *r);
	hooks_init(&r->hooks);
	struct mote_open_options oo = {.hooks = &r->hooks.h};
	struct mote_open_diag od = {{0}};
	int rc = mote_open_diag(uri, &oo, &r->dev, &od);
	if (rc) {
		fprintf(stderr, "fuzz_cmd: cannot open %s: %s\n", uri, od.msg[0] ? od.msg : mote_strerror(rc));
		return -1;
	}
	mote_device_info(r->dev, &r->info);
	r->g = r->info.geometry;
	mote_set_watchdog(r->dev, WDT_CYCLES);
	if (!(r->scratch = malloc(OUT_BYTES)) || alloc_regions(r) < 0 || setup_known(r) < 0 || setup_seeds(r) < 0)
		return -1;
	for (unsigned b = 0; b < 4; b++) /* the first scrub: every row */
		r->dirty_hi[b] = buf_depth(r, b);
	return 0;
}

static void teardown(struct rig *r)
{
	for (unsigned i = 0; i < r->n_seeds; i++) {
		placed_free(&r->seeds[i].p);
		fz_buf_free(&r->seeds[i].file);
	}
	for (unsigned k = 0; k < 2; k++)
		placed_free(&r->known[k]);
	for (int i = 0; i < N_REGIONS; i++)
		free(r->r[i].want);
	free(r->scratch);
	mote_close(r->dev); /* frees the buffers */
	memset(r, 0, sizeof *r);
}

#endif /* MOTE_FUZZ_CMD_RIG_H */
