/* selftest_jobs.c: `mote selftest`'s job checks.
 *
 * compute: a GEMM and a convolution with a partial tile in every dimension,
 *   made, run and compared bit for bit exactly as `mote gemm` and `mote conv`
 *   do it (op_check).
 * errors:  two jobs that fault on purpose (an illegal opcode at command 1, a
 *   STORE into a window that may only be read) end with that error, command
 *   index and address, and a GEMM right after is bit-exact again.
 * perf:    the counters of a GEMM, read from their registers: CYCLES > 0,
 *   MACS_USEFUL = M*K*N, CMDS and CMDS_DONE the commands run, a counter the
 *   device does not keep reads 0 (high word too), the kept ones read what
 *   the driver reported, busy and stall counts within CYCLES.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "op.h"
#include "selftest.h"

/* The GEMM of the compute, errors and perf checks: two reduction passes and a
 * partial one, a full column tile and a partial one. */
static struct op_args gemm_args(const struct st_ctx *c)
{
	const struct mote_geometry *g = &c->info.geometry;
	return (struct op_args){.is_gemm = 1, .m = 9, .k = 2 * g->rows + 3, .n = g->cols + 3, .seed = c->seed};
}

/* Run A on the device and compare; *RES (may be NULL) gets the job's result
 * and plan.  Returns ST_PASS, or the failure in DETAIL. */
static enum st_outcome run_op(struct st_ctx *c, const struct op_args *a, const char *what, struct op_run *res,
			      char *detail, size_t n)
{
	struct op_data d;
	struct op_run r;
	memset(&d, 0, sizeof d);
	memset(&r, 0, sizeof r);
	size_t bad = 0;
	enum st_outcome out = ST_PASS;
	if (op_check(c->dev, &c->info.geometry, a, &d, &r, &bad, 0) < 0) {
		snprintf(detail, n, "%s: %s", what, cli_last_error());
		out = r.rc == MOTE_ERROR_IO || r.rc == MOTE_ERROR_LOST ? ST_STOP : ST_FAIL;
	} else if (bad) {
		size_t i = 0;
		while (i < d.out_bytes && d.y_dev[i] == d.y_ref[i])
			i++;
		snprintf(detail, n, "%s: the reference's bytes expected, %zu of %zu differ (first: output %zu, expected %d, "
			 "found %d)", what, bad, d.out_bytes, i, (int8_t)d.y_ref[i], (int8_t)d.y_dev[i]);
		out = ST_FAIL;
	}
	if (res)
		*res = r;
	op_free(&d);
	return out;
}

enum st_outcome st_compute(struct st_ctx *c, char *detail, size_t n)
{
	const struct mote_geometry *g = &c->info.geometry;
	struct op_args gm = gemm_args(c);
	struct op_args cv = {.h = 6, .w = 6, .cin = g->rows + 1, .cout = g->cols + 1, .kh = 3, .kw = 3, .stride = 1,
			     .pad = 1, .dil = 1, .seed = c->seed};
	char what_g[64], what_c[96];
	snprintf(what_g, sizeof what_g, "gemm M=%u K=%u N=%u", gm.m, gm.k, gm.n);
	snprintf(what_c, sizeof what_c, "conv %ux%ux%u -> %u, 3x3, pad 1", cv.h, cv.w, cv.cin, cv.cout);
	struct op_run rg, rc;
	enum st_outcome out = run_op(c, &gm, what_g, &rg, detail, n);
	if (out != ST_PASS)
		return out;
	out = run_op(c, &cv, what_c, &rc, detail, n);
	if (out != ST_PASS)
		return out;
	snprintf(detail, n, "%s (%llu cycles) and %s (%llu cycles) bit-exact against the reference executor (seed %u)",
		 what_g, (unsigned long long)rg.result.perf[MOTE_PERF_CYCLES], what_c,
		 (unsigned long long)rc.result.perf[MOTE_PERF_CYCLES], c->seed);
	return ST_PASS;
}

/* ---- errors ---------------------------------------------------------------- */

/* the most commands a self-test stream holds */
#define ST_MAX_CMDS 3

static uint32_t *cmd(uint32_t *s, unsigned i)
{
	return s + (size_t)i * MOTE_CMD_WORDS;
}

/* Run the N commands of STREAM with window 0 over them (X) and window 1 over
 * DATA with PERM; the job's outcome in *RES. */
static int run_stream(mote_device *dev, const uint32_t *stream, unsigned nc, mote_buffer *data, uint32_t perm,
		      struct mote_job_result *res)
{
	mote_buffer *b = NULL;
	uint8_t packed[ST_MAX_CMDS * 4 * MOTE_CMD_WORDS];
	if (nc > ST_MAX_CMDS)
		return MOTE_ERROR_INVALID_ARG;
	size_t bytes = mote_cmds_pack(packed, stream, nc);
	int rc = mote_buffer_alloc(dev, bytes, &b);
	if (rc < 0)
		return rc;
	rc = mote_buffer_write(dev, b, 0, packed, bytes);
	if (rc == 0) {
		struct mote_job_desc job = {.cmds = b, .n_cmds = nc, .n_windows = 2,
					    .windows = {{b, MOTE_PERM_X}, {data, perm}}};
		rc = mote_run(dev, &job, MOTE_TIMEOUT_INFINITE, res);
	}
	int rf = mote_buffer_free(dev, b);
	if (rc == 0 || rc == MOTE_ERROR_JOB_FAILED) /* the job ran: a failed free is the news */
		return rf < 0 ? rf : rc;
	return rc;
}

/* One faulting job: its outcome must be JOB_FAILED with ERR, at command IDX
 * (and ADDR for window errors, ~0u: not checked). */
static enum st_outcome fault(struct st_ctx *c, const char *what, const uint32_t *stream, unsigned nc,
			     mote_buffer *data, uint32_t perm, uint32_t err, uint32_t idx, uint32_t addr, char *detail,
			     size_t n)
{
	struct mote_job_result r;
	memset(&r, 0, sizeof r);
	int rc = run_stream(c->dev, stream, nc, data, perm, &r);
	if (rc != MOTE_ERROR_JOB_FAILED) {
		if (rc < 0)
			return st_driver_fail(rc, what, detail, n);
		snprintf(detail, n, "%s: error %s expected, the job ended without error", what, mote_hw_err_name(err));
		return ST_FAIL;
	}
	if (r.hw_error != err || r.err_cmd != idx || (addr != ~0u && r.err_addr != addr)) {
		char at[32] = "";
		if (addr != ~0u)
			snprintf(at, sizeof at, ", address 0x%08x", addr);
		snprintf(detail, n, "%s: error %s at command %u%s expected, found %s at command %u, address 0x%08x", what,
			 mote_hw_err_name(err), idx, at, r.hw_error_name, r.err_cmd, r.err_addr);
		return ST_FAIL;
	}
	return ST_PASS;
}

enum st_outcome st_errors(struct st_ctx *c, char *detail, size_t n)
{
	uint32_t s[ST_MAX_CMDS * MOTE_CMD_WORDS];
	mote_buffer *ro = NULL;
	uint32_t ro_addr = 0;
	int rc = mote_buffer_alloc(c->dev, MOTE_WINDOW_ALIGN, &ro);
	if (rc < 0)
		return st_driver_fail(rc, "allocating a data buffer", detail, n);
	mote_buffer_addr(c->dev, ro, &ro_addr, NULL);
	/* an illegal opcode (0x77) after a MATMUL of no rows */
	memset(s, 0, sizeof s);
	MOTE_CMD_SET(cmd(s, 0), HDR, OPCODE, MOTE_OP_MATMUL);
	MOTE_CMD_SET(cmd(s, 1), HDR, OPCODE, 0x77);
	MOTE_CMD_SET(cmd(s, 2), HDR, OPCODE, MOTE_OP_END);
	enum st_outcome out = fault(c, "illegal opcode", s, 3, ro, MOTE_PERM_R, MOTE_ERR_OPCODE, 1, ~0u, detail, n);
	/* a STORE of one byte of one accumulator row into the read-only buffer */
	memset(s, 0, sizeof s);
	MOTE_CMD_SET(cmd(s, 0), HDR, OPCODE, MOTE_OP_STORE);
	MOTE_CMD_SET(cmd(s, 0), STORE, N_INNER, 1);
	MOTE_CMD_SET(cmd(s, 0), STORE, N_OUTER, 1);
	MOTE_CMD_SET(cmd(s, 0), STORE, ADDR0, ro_addr);
	MOTE_CMD_SET(cmd(s, 0), STORE, NCOLS, 1);
	MOTE_CMD_SET(cmd(s, 0), STORE, CLAMP_LO, -128);
	MOTE_CMD_SET(cmd(s, 0), STORE, CLAMP_HI, 127);
	MOTE_CMD_SET(cmd(s, 1), HDR, OPCODE, MOTE_OP_END);
	if (out == ST_PASS)
		out = fault(c, "store into a read-only window", s, 2, ro, MOTE_PERM_R, MOTE_ERR_WRITE_WINDOW, 0, ro_addr,
			    detail, n);
	rc = mote_buffer_free(c->dev, ro);
	if (out == ST_PASS && rc < 0)
		out = st_driver_fail(rc, "freeing the data buffer", detail, n);
	if (out != ST_PASS)
		return out;
	struct op_args gm = gemm_args(c);
	gm.seed = c->seed + 1;
	out = run_op(c, &gm, "the clean GEMM after the faults", NULL, detail, n);
	if (out != ST_PASS)
		return out;
	snprintf(detail, n, "illegal opcode: OPCODE at command 1; store into a read-only window: WRITE_WINDOW at command "
		 "0, address 0x%08x; a GEMM right after is bit-exact", ro_addr);
	return ST_PASS;
}

/* ---- perf ------------------------------------------------------------------ */

enum st_outcome st_perf(struct st_ctx *c, char *detail, size_t n)
{
	const struct mote_device_info *in = &c->info;
	const struct mote_geometry *g = &in->geometry;
	struct op_args gm = gemm_args(c);
	struct op_run r;
	enum st_outcome out = run_op(c, &gm, "the GEMM measured", &r, detail, n);
	if (out != ST_PASS)
		return out;
	/* the counters as the registers hold them after the job */
	uint64_t reg[MOTE_NUM_PERF];
	uint32_t done = 0;
	for (unsigned i = 0; i < MOTE_NUM_PERF; i++) {
		uint32_t lo = 0, hi = 0;
		int rc = mote_reg_read(c->dev, MOTE_REG_PERF_LO(i), &lo);
		if (rc == 0)
			rc = mote_reg_read(c->dev, MOTE_REG_PERF_HI(i), &hi);
		if (rc < 0)
			return st_driver_fail(rc, "reading the perf counters", detail, n);
		if (in->perf_width <= 32 && hi) {
			snprintf(detail, n, "PERF_HI(%s) 0 expected with %u-bit counters, found 0x%08x", mote_perf_name(i),
				 in->perf_width, hi);
			return ST_FAIL;
		}
		reg[i] = (uint64_t)hi << 32 | lo;
		int kept = in->perf_set >> i & 1;
		if (kept ? reg[i] != r.result.perf[i] : reg[i] != 0) {
			snprintf(detail, n, "%s (%s) %llu expected, the register reads %llu", mote_perf_name(i),
				 kept ? "kept: what the driver reported" : "not kept",
				 kept ? (unsigned long long)r.result.perf[i] : 0ULL, (unsigned long long)reg[i]);
			return ST_FAIL;
		}
	}
	int rc = mote_reg_read(c->dev, MOTE_REG_CMDS_DONE, &done);
	if (rc < 0)
		return st_driver_fail(rc, "reading CMDS_DONE", detail, n);
	uint64_t cyc = reg[MOTE_PERF_CYCLES], macs = (uint64_t)gm.m * gm.k * gm.n;
	const uint64_t active = reg[MOTE_PERF_ARRAY_ACTIVE], cmd_bytes = r.plan.cmd_bytes;
	const struct {
		unsigned i;       /* the counter the rule is about (checked only when kept) */
		int ok;
		const char *want;
		uint64_t expected;
		const char *name; /* what was found */
		uint64_t found;
	} ck[] = {
		{MOTE_PERF_CYCLES, cyc > 0, "CYCLES > 0", 1, "cycles", cyc},
		{MOTE_PERF_MACS_USEFUL, reg[MOTE_PERF_MACS_USEFUL] == macs, "MACS_USEFUL = M*K*N", macs, "macs_useful",
		 reg[MOTE_PERF_MACS_USEFUL]},
		{MOTE_PERF_CMDS, reg[MOTE_PERF_CMDS] == r.plan.n_cmds, "CMDS = the commands of the stream", r.plan.n_cmds,
		 "cmds", reg[MOTE_PERF_CMDS]},
		{MOTE_PERF_CMDS, done == (uint32_t)reg[MOTE_PERF_CMDS], "CMDS_DONE = CMDS", (uint32_t)reg[MOTE_PERF_CMDS],
		 "CMDS_DONE", done},
		{MOTE_PERF_MACS_ISSUED, reg[MOTE_PERF_MACS_ISSUED] >= macs, "MACS_ISSUED >= MACS_USEFUL", macs,
		 "macs_issued", reg[MOTE_PERF_MACS_ISSUED]},
		{MOTE_PERF_ARRAY_ACTIVE, active * g->rows * g->cols >= macs, "ARRAY_ACTIVE x ROWS x COLS >= MACS_USEFUL",
		 macs, "array_active x ROWS x COLS", active * g->rows * g->cols},
		{MOTE_PERF_ARRAY_ACTIVE, active <= cyc, "ARRAY_ACTIVE <= CYCLES", cyc, "array_active", active},
		{MOTE_PERF_FETCH_BUSY, reg[MOTE_PERF_FETCH_BUSY] <= cyc, "FETCH_BUSY <= CYCLES", cyc, "fetch_busy",
		 reg[MOTE_PERF_FETCH_BUSY]},
		{MOTE_PERF_LOAD_BUSY, reg[MOTE_PERF_LOAD_BUSY] <= cyc, "LOAD_BUSY <= CYCLES", cyc, "load_busy",
		 reg[MOTE_PERF_LOAD_BUSY]},
		{MOTE_PERF_COMPUTE_BUSY, reg[MOTE_PERF_COMPUTE_BUSY] <= cyc, "COMPUTE_BUSY <= CYCLES", cyc, "compute_busy",
		 reg[MOTE_PERF_COMPUTE_BUSY]},
		{MOTE_PERF_STORE_BUSY, reg[MOTE_PERF_STORE_BUSY] <= cyc, "STORE_BUSY <= CYCLES", cyc, "store_busy",
		 reg[MOTE_PERF_STORE_BUSY]},
		{MOTE_PERF_BYTES_READ, reg[MOTE_PERF_BYTES_READ] >= cmd_bytes, "BYTES_READ >= the command stream's bytes",
		 cmd_bytes, "bytes_read", reg[MOTE_PERF_BYTES_READ]},
		{MOTE_PERF_BYTES_WRITTEN, reg[MOTE_PERF_BYTES_WRITTEN] == (uint64_t)gm.m * gm.n,
		 "BYTES_WRITTEN = M*N output bytes", (uint64_t)gm.m * gm.n, "bytes_written", reg[MOTE_PERF_BYTES_WRITTEN]},
	};
	for (size_t k = 0; k < sizeof ck / sizeof ck[0]; k++)
		if ((in->perf_set >> ck[k].i & 1) && !ck[k].ok) {
			snprintf(detail, n, "%s expected (%llu), found %s %llu", ck[k].want, (unsigned long long)ck[k].expected,
				 ck[k].name, (unsigned long long)ck[k].found);
			return ST_FAIL;
		}
	unsigned kept = 0;
	for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
		kept += in->perf_set >> i & 1;
	double util = (double)macs / ((double)cyc * g->rows * g->cols);
	snprintf(detail, n, "gemm M=%u K=%u N=%u: %llu cycles, %llu useful MACs (= M*K*N), %llu commands, utilization "
		 "%.3f; %u kept counters read as reported, %u not kept read 0",
		 gm.m, gm.k, gm.n, (unsigned long long)cyc, (unsigned long long)macs,
		 (unsigned long long)reg[MOTE_PERF_CMDS], util, kept, MOTE_NUM_PERF - kept);
	return ST_PASS;
}
