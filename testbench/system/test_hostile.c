/* test_hostile.c: malformed and hostile command streams against the simulated
 * accelerator through the driver.
 *
 * Every case must end with its documented hardware error and command index,
 * within a bounded time (a hang is a failure), write nothing outside the
 * job's write window (guard buffers on both sides of it and every read-only
 * buffer are compared byte for byte after each job), and leave the device
 * ready: a real GEMM checked bit for bit runs after each case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote.h"
#include "mote/mote_compiler.h"
#include "mote/mote_hw.h"
#include "op.h"

#define GUARD_BYTES 4096
#define OUT_BYTES 4096
#define CMD_CAP 512 /* commands the stream buffer holds */
#define TIMEOUT_MS 60000

static int failures;

#define EXPECT(cond, ...)                                                  \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                      \
			fprintf(stderr, "\n");                             \
			failures++;                                        \
		}                                                          \
	} while (0)

struct rig {
	mote_device *dev;
	struct mote_geometry g;
	mote_buffer *cmds, *in, *guard_lo, *out, *guard_hi;
	uint32_t cmds_addr, in_addr, lo_addr, out_addr, hi_addr;
	uint8_t *in_host;       /* what the read-only input buffer must keep holding */
	uint32_t stream[CMD_CAP][MOTE_CMD_WORDS]; /* built a command a slot, packed to run */
	uint32_t n;             /* commands in the stream */
	uint8_t packed[CMD_CAP * 4 * MOTE_CMD_WORDS];
};

/* The stream as the device reads it (packed into r->packed): its bytes. */
static size_t pack(struct rig *r)
{
	return mote_cmds_pack(r->packed, &r->stream[0][0], r->n);
}

static uint32_t *next_cmd(struct rig *r, uint32_t opcode)
{
	uint32_t *c = r->stream[r->n++];
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, opcode);
	return c;
}

/* LOAD of N rows of an image of `height` rows x `width` bytes at addr. */
static uint32_t *add_load(struct rig *r, uint32_t dst, uint32_t addr, uint32_t width, uint32_t height,
			  uint32_t rows, uint32_t buf_row, uint32_t count)
{
	uint32_t *c = next_cmd(r, MOTE_OP_LOAD);
	MOTE_CMD_SET(c, LOAD, DST, dst);
	MOTE_CMD_SET(c, LOAD, ADDR0, addr);
	MOTE_CMD_SET(c, LOAD, OUTER_STEP, width);
	MOTE_CMD_SET(c, LOAD, SY, 1);
	MOTE_CMD_SET(c, LOAD, HEIGHT, height);
	MOTE_CMD_SET(c, LOAD, WIDTH, width);
	MOTE_CMD_SET(c, LOAD, N_OUTER, rows);
	MOTE_CMD_SET(c, LOAD, N_INNER, 1);
	MOTE_CMD_SET(c, LOAD, BUF_ROW, buf_row);
	MOTE_CMD_SET(c, LOAD, COUNT, count);
	return c;
}

static uint32_t *add_matmul(struct rig *r, uint32_t act_row, uint32_t acc_row, uint32_t nrows)
{
	uint32_t *c = next_cmd(r, MOTE_OP_MATMUL);
	MOTE_CMD_SET(c, MATMUL, LOAD_WEIGHTS, 1);
	MOTE_CMD_SET(c, MATMUL, ACT_ROW, act_row);
	MOTE_CMD_SET(c, MATMUL, ACC_ROW, acc_row);
	MOTE_CMD_SET(c, MATMUL, NROWS, nrows);
	MOTE_CMD_SET(c, MATMUL, K_VALID, r->g.rows);
	MOTE_CMD_SET(c, MATMUL, N_VALID, r->g.cols);
	return c;
}

static uint32_t *add_store(struct rig *r, uint32_t acc_row, uint32_t rows, uint32_t addr, uint32_t stride)
{
	uint32_t *c = next_cmd(r, MOTE_OP_STORE);
	MOTE_CMD_SET(c, STORE, ACC_ROW, acc_row);
	MOTE_CMD_SET(c, STORE, N_INNER, rows);
	MOTE_CMD_SET(c, STORE, N_OUTER, 1);
	MOTE_CMD_SET(c, STORE, ADDR0, addr);
	MOTE_CMD_SET(c, STORE, INNER_STRIDE, stride);
	MOTE_CMD_SET(c, STORE, NCOLS, r->g.cols);
	MOTE_CMD_SET(c, STORE, CLAMP_LO, -128);
	MOTE_CMD_SET(c, STORE, CLAMP_HI, 127);
	return c;
}

/* A STORE whose rows add the operand rows at opnd (same stride): STORE ADD. */
static uint32_t *add_store_add(struct rig *r, uint32_t rows, uint32_t addr, uint32_t opnd, uint32_t stride)
{
	uint32_t *c = add_store(r, 0, rows, addr, stride);
	MOTE_CMD_SET(c, STORE, ADD, 1);
	MOTE_CMD_SET(c, STORE, ADD_ADDR0, opnd);
	MOTE_CMD_SET(c, STORE, ADD_MULT_A, 20000);
	MOTE_CMD_SET(c, STORE, ADD_MULT_B, 30000);
	MOTE_CMD_SET(c, STORE, ADD_SHIFT, 15);
	MOTE_CMD_SET(c, STORE, ADD_LO, -128);
	MOTE_CMD_SET(c, STORE, ADD_HI, 127);
	return c;
}

static void add_end(struct rig *r)
{
	next_cmd(r, MOTE_OP_END);
}

/* Fill the guards and the output with known bytes before a job. */
static void arm(struct rig *r)
{
	uint8_t pat[GUARD_BYTES];
	memset(pat, 0xA5, sizeof pat);
	mote_buffer_write(r->dev, r->guard_lo, 0, pat, GUARD_BYTES);
	mote_buffer_write(r->dev, r->guard_hi, 0, pat, GUARD_BYTES);
	mote_buffer_write(r->dev, r->in, 0, r->in_host, GUARD_BYTES);
}

/* Nothing outside the write window changed: guards, input, command stream. */
static void check_untouched(struct rig *r, const char *name)
{
	uint8_t buf[GUARD_BYTES];
	mote_buffer *g[2] = {r->guard_lo, r->guard_hi};
	for (int i = 0; i < 2; i++) {
		mote_buffer_read(r->dev, g[i], 0, buf, GUARD_BYTES);
		for (int b = 0; b < GUARD_BYTES; b++)
			if (buf[b] != 0xA5) {
				EXPECT(0, "%s: guard %s byte %d written (0x%02x)", name, i ? "above" : "below", b, buf[b]);
				break;
			}
	}
	mote_buffer_read(r->dev, r->in, 0, buf, GUARD_BYTES);
	EXPECT(!memcmp(buf, r->in_host, GUARD_BYTES), "%s: read-only input buffer changed", name);
	static uint8_t back[sizeof r->packed];
	size_t bytes = pack(r);
	mote_buffer_read(r->dev, r->cmds, 0, back, bytes);
	EXPECT(!memcmp(back, r->packed, bytes), "%s: command stream changed", name);
}

/* Run the stream with the standard windows: commands X, input R, output W. */
static int run_stream(struct rig *r, struct mote_job_result *res)
{
	mote_buffer_write(r->dev, r->cmds, 0, r->packed, pack(r));
	struct mote_job_desc job = {.cmds = r->cmds, .n_cmds = r->n, .n_windows = 3,
				    .windows = {{r->cmds, MOTE_PERM_X}, {r->in, MOTE_PERM_R}, {r->out, MOTE_PERM_W}}};
	memset(res, 0, sizeof *res);
	return mote_run(r->dev, &job, TIMEOUT_MS, res);
}

/* A real GEMM, bit-exact, proves the device is usable after a bad job. */
static void check_device_usable(struct rig *r, const char *after)
{
	struct op_args a = {.is_gemm = 1, .m = 37, .k = 3 * r->g.rows + 1, .n = 2 * r->g.cols + 1, .seed = 7};
	struct op_data d;
	struct op_run run;
	memset(&d, 0, sizeof d);
	memset(&run, 0, sizeof run);
	int bad = op_make(&a, &d, NULL, 0) < 0 || op_execute(r->dev, &r->g, &a, &d, &run) < 0;
	EXPECT(!bad && op_mismatches(&d, 1) == 0, "good GEMM after '%s' failed", after);
	op_free(&d);
}

/* addr: the expected ERR_ADDR, or UINT32_MAX for any */
static void expect_error_at(struct rig *r, const char *name, uint32_t code, uint32_t cmd_index, uint32_t addr)
{
	struct mote_job_result res;
	arm(r);
	int rc = run_stream(r, &res);
	EXPECT(rc == MOTE_ERROR_JOB_FAILED, "%s: run returned %s, expected JOB_FAILED", name, mote_error_name(rc));
	EXPECT(res.hw_error == code, "%s: hardware error %s, expected %s", name, mote_hw_err_name(res.hw_error),
	       mote_hw_err_name(code));
	if (cmd_index != UINT32_MAX)
		EXPECT(res.err_cmd == cmd_index, "%s: failing command %u, expected %u", name, res.err_cmd, cmd_index);
	if (addr != UINT32_MAX)
		EXPECT(res.err_addr == addr, "%s: fault address 0x%08x, expected 0x%08x", name, res.err_addr, addr);
	check_untouched(r, name);
	check_device_usable(r, name);
	printf("  %-44s -> %s at command %u%s\n", name, mote_hw_err_name(res.hw_error), res.err_cmd,
	       res.hw_error >= MOTE_ERR_FETCH_WINDOW && res.hw_error <= MOTE_ERR_WRITE_WINDOW ? " (address checked)" : "");
}

static void expect_error(struct rig *r, const char *name, uint32_t code, uint32_t cmd_index)
{
	expect_error_at(r, name, code, cmd_index, UINT32_MAX);
}

/* The stream must complete and leave every guarded byte as it was. */
static void expect_runs(struct rig *r, const char *name)
{
	struct mote_job_result res;
	arm(r);
	int rc = run_stream(r, &res);
	EXPECT(rc == 0, "%s: %s (%s at command %u)", name, mote_error_name(rc), mote_hw_err_name(res.hw_error),
	       res.err_cmd);
	check_untouched(r, name);
	printf("  %-44s -> ran\n", name);
}

static void cases(struct rig *r)
{
	const struct mote_geometry *g = &r->g;

	r->n = 0;
	add_load(r, MOTE_BUF_ACT, r->in_addr, g->rows, 64, 4, 0, g->rows);
	next_cmd(r, MOTE_OP_SYNC);
	next_cmd(r, 0x77);
	add_end(r);
	expect_error(r, "illegal opcode 0x77", MOTE_ERR_OPCODE, 2);

	r->n = 0;
	next_cmd(r, 0); /* opcode 0 is not a command either */
	add_end(r);
	expect_error(r, "opcode 0", MOTE_ERR_OPCODE, 0);

	r->n = 0;
	uint32_t *c = add_load(r, MOTE_BUF_ACT, r->in_addr, g->rows, 64, 4, 0, g->rows);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1); /* the load queue has no previous queue */
	add_end(r);
	expect_error(r, "LOAD with POP_PREV (no such queue)", MOTE_ERR_FIELD, 0);

	r->n = 0;
	add_load(r, 3, r->in_addr, g->rows, 64, 4, 0, g->rows);
	add_end(r);
	expect_error(r, "LOAD to destination 3", MOTE_ERR_FIELD, 0);

	r->n = 0;
	add_load(r, MOTE_BUF_ACT, r->in_addr, 4 * g->rows, 64, 4, 0, g->rows + 1);
	add_end(r);
	expect_error(r, "LOAD COUNT above the row width", MOTE_ERR_FIELD, 0);

	r->n = 0;
	add_load(r, MOTE_BUF_ACT, r->in_addr, g->rows, 64, 4, 0, g->rows);
	add_load(r, MOTE_BUF_ACT, r->lo_addr, g->rows, 64, 4, 0, g->rows);
	add_end(r);
	expect_error(r, "LOAD from outside every window", MOTE_ERR_READ_WINDOW, 1);

	r->n = 0;
	add_load(r, MOTE_BUF_ACT, r->in_addr, g->rows, 64, 4, 0, g->rows);
	add_load(r, MOTE_BUF_ACT, r->out_addr, g->rows, 64, 4, 0, g->rows);
	add_end(r);
	expect_error(r, "LOAD from a write-only window", MOTE_ERR_READ_WINDOW, 1);

	r->n = 0;
	add_load(r, MOTE_BUF_ACT, r->in_addr, g->rows, 64, 1, g->abuf_depth - 1, g->rows);
	add_load(r, MOTE_BUF_ACT, r->in_addr, g->rows, 64, 2, g->abuf_depth - 1, g->rows);
	add_end(r);
	expect_error(r, "LOAD rows past the activation buffer", MOTE_ERR_LOAD_RANGE, 1);

	r->n = 0;
	add_matmul(r, g->abuf_depth - 4, 0, 5);
	add_end(r);
	expect_error(r, "MATMUL rows past the activation buffer", MOTE_ERR_COMPUTE_RANGE, 0);

	r->n = 0;
	add_matmul(r, 0, g->acc_depth - 2, 3);
	add_end(r);
	expect_error(r, "MATMUL rows past the accumulator", MOTE_ERR_COMPUTE_RANGE, 0);

	r->n = 0;
	c = add_matmul(r, 0, 0, 4);
	MOTE_CMD_SET(c, MATMUL, WGT_ROW, g->wbuf_depth - g->rows + 1);
	add_end(r);
	expect_error(r, "MATMUL weights past the weight buffer", MOTE_ERR_COMPUTE_RANGE, 0);

	if (g->features & MOTE_FEATURES_DEPTHWISE_MASK) {
		/* columns of DW_KEEP + DW_DROP outputs: DW_DROP without DW_KEEP */
		r->n = 0;
		c = add_matmul(r, 0, 0, 4 * g->cols);
		MOTE_CMD_SET(c, MATMUL, DEPTHWISE, 1);
		MOTE_CMD_SET(c, MATMUL, DW_STRIDE, 1);
		MOTE_CMD_SET(c, MATMUL, DW_DROP, 2);
		add_end(r);
		expect_error(r, "depthwise MATMUL dropping rows after none kept", MOTE_ERR_FIELD, 0);
	}

	r->n = 0;
	c = add_store(r, 0, 4, r->out_addr, g->cols);
	MOTE_CMD_SET(c, STORE, BIAS_ROW, g->bbuf_depth - 2);
	add_end(r);
	expect_error(r, "STORE bias rows past the bias buffer", MOTE_ERR_STORE_RANGE, 0);

	r->n = 0;
	add_store(r, g->acc_depth - 3, 4, r->out_addr, g->cols);
	add_end(r);
	expect_error(r, "STORE rows past the accumulator", MOTE_ERR_STORE_RANGE, 0);

	r->n = 0;
	add_store(r, 0, 2, r->out_addr, g->cols);
	add_store(r, 0, 4, r->lo_addr + 64, g->cols);
	add_end(r);
	expect_error(r, "STORE into the guard below the output", MOTE_ERR_WRITE_WINDOW, 1);

	r->n = 0;
	/* rows walk off the end of the output window into the guard above */
	add_store(r, 0, 64, r->out_addr + OUT_BYTES - 5 * 64, 64);
	add_end(r);
	expect_error(r, "STORE rows running past the output window", MOTE_ERR_WRITE_WINDOW, 0);

	r->n = 0;
	add_store(r, 0, 1, r->in_addr, g->cols);
	add_end(r);
	expect_error(r, "STORE into a read-only window", MOTE_ERR_WRITE_WINDOW, 0);

	if (g->features & MOTE_FEATURES_STORE_ADD_MASK) {
		/* STORE ADD operands: the first command reads legally (from the input window) */
		r->n = 0;
		add_store_add(r, 2, r->out_addr, r->in_addr + 3, g->cols);
		add_store_add(r, 4, r->out_addr, r->lo_addr + 64 + 5, g->cols);
		add_end(r);
		expect_error_at(r, "STORE ADD operand outside every window", MOTE_ERR_READ_WINDOW, 1, r->lo_addr + 64);

		r->n = 0;
		add_store_add(r, 4, r->out_addr, r->out_addr + 64, g->cols);
		add_end(r);
		expect_error_at(r, "STORE ADD operand in a write-only window", MOTE_ERR_READ_WINDOW, 0, r->out_addr + 64);

		r->n = 0;
		/* operand rows walk off the end of the input window */
		add_store_add(r, 64, r->out_addr, r->in_addr + GUARD_BYTES - 7 * 64 + 1, 64);
		add_end(r);
		expect_error_at(r, "STORE ADD operand rows past the input window", MOTE_ERR_READ_WINDOW, 0,
				r->in_addr + GUARD_BYTES);

		r->n = 0;
		c = add_store_add(r, 2, r->out_addr, r->in_addr, g->cols);
		MOTE_CMD_SET(c, STORE, INT32, 1);
		add_end(r);
		expect_error(r, "STORE ADD with INT32", MOTE_ERR_FIELD, 0);
	}

	r->n = 0;
	for (int i = 0; i < 6; i++)
		next_cmd(r, MOTE_OP_SYNC);
	expect_error(r, "a stream with no END", MOTE_ERR_NO_END, 6);

	r->n = 0;
	c = add_matmul(r, 0, 0, 4);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1); /* waits for a load token nobody gives */
	add_end(r);
	mote_set_watchdog(r->dev, 5000);
	expect_error(r, "MATMUL waiting for a token forever", MOTE_ERR_WATCHDOG, 0);
	mote_set_watchdog(r->dev, MOTE_DEFAULT_WDT_CYCLES);

	r->n = 0;
	for (uint32_t i = 0; i <= MOTE_TOKEN_MAX; i++) {
		c = next_cmd(r, MOTE_OP_SYNC);
		MOTE_CMD_SET(c, SYNC, QUEUE, MOTE_QUEUE_LOAD);
		MOTE_CMD_SET(c, HDR, PUSH_NEXT, 1);
	}
	add_end(r);
	/* the 256th push overflows: ERR_CMD is that SYNC (without FEATURES.TOKEN_IDX,
	 * the iCEBreaker build's, the load unit's current command: the END after it) */
	expect_error(r, "more tokens than a counter holds", MOTE_ERR_TOKEN,
		     (r->g.features & MOTE_FEATURES_TOKEN_IDX_MASK) ? MOTE_TOKEN_MAX : UINT32_MAX);

	/* Fetch from a buffer without execute permission, through raw registers. */
	{
		struct mote_job_result res;
		arm(r);
		r->n = 0;
		add_end(r);
		struct mote_job_desc job = {.cmds = r->cmds, .n_cmds = 1, .n_windows = 3,
					    .windows = {{r->cmds, MOTE_PERM_R}, {r->in, MOTE_PERM_R}, {r->out, MOTE_PERM_W}}};
		mote_buffer_write(r->dev, r->cmds, 0, r->packed, pack(r));
		int rc = mote_run(r->dev, &job, TIMEOUT_MS, &res);
		EXPECT(rc == MOTE_ERROR_JOB_FAILED && res.hw_error == MOTE_ERR_FETCH_WINDOW,
		       "fetch without X: %s / %s", mote_error_name(rc), mote_hw_err_name(res.hw_error));
		EXPECT(res.err_addr == r->cmds_addr, "fetch without X: address 0x%x, expected 0x%x", res.err_addr,
		       r->cmds_addr);
		check_device_usable(r, "fetch without X");
		printf("  %-44s -> %s at 0x%08x\n", "fetch from a non-executable window", mote_hw_err_name(res.hw_error),
		       res.err_addr);
	}
}

/* A sparse GEMM, bit-exact, after a sparse case (devices with SPARSE). */
static void check_sparse_usable(struct rig *r, const char *after)
{
	struct op_args a = {.is_gemm = 1, .m = 29, .k = 5 * r->g.rows + 3, .n = r->g.cols + 2, .seed = 9, .sparse = 1};
	struct op_data d;
	struct op_run run;
	memset(&d, 0, sizeof d);
	memset(&run, 0, sizeof run);
	int bad = op_make(&a, &d, NULL, 0) < 0 || op_execute(r->dev, &r->g, &a, &d, &run) < 0;
	EXPECT(!bad && op_mismatches(&d, 1) == 0, "sparse GEMM after '%s' failed", after);
	op_free(&d);
}

/* Offset in the input buffer of the compressed weight tile the sparse cases load. */
#define TILE_OFF 2048u

/* Write a compressed tile (every pair valid: indices 0, 1 and 2, 3; values
 * from the input pattern) into the input buffer's host copy, with index byte
 * (q, c) set to bad.  Returns the tile's rows. */
static uint32_t put_tile_at(struct rig *r, uint32_t off, uint32_t q, uint32_t c, uint8_t bad)
{
	uint32_t R = r->g.rows, C = r->g.cols, rows = R + R / 4;
	uint8_t *t = r->in_host + off;
	for (uint32_t i = 0; i < rows * C; i++)
		t[i] = (uint8_t)(i * 37 + 11);
	for (uint32_t k = 0; k < R / 4; k++)
		memset(t + (size_t)(5 * k + 4) * C, 0xE4, C);
	t[(5 * q + 4) * C + c] = bad;
	return rows;
}

static uint32_t put_tile(struct rig *r, uint32_t q, uint32_t c, uint8_t bad)
{
	return put_tile_at(r, TILE_OFF, q, c, bad);
}

/* LOAD of the tile into weight rows 0.., MATMUL SPARSE (after the LOAD's
 * token) on activation rows 0.. and 1.., STORE, END: the MATMUL is command 1. */
static uint32_t *sparse_stream(struct rig *r, uint32_t tile_rows)
{
	const struct mote_geometry *g = &r->g;
	r->n = 0;
	uint32_t *l = add_load(r, MOTE_BUF_WGT, r->in_addr + TILE_OFF, g->cols, tile_rows, tile_rows, 0, g->cols);
	MOTE_CMD_SET(l, HDR, PUSH_NEXT, 1);
	uint32_t *c = add_matmul(r, 0, 0, 4);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1);
	MOTE_CMD_SET(c, MATMUL, SPARSE, 1);
	MOTE_CMD_SET(c, MATMUL, ACT_ROW_HI, 5);
	MOTE_CMD_SET(c, MATMUL, K_VALID, 2 * g->rows);
	MOTE_CMD_SET(c, HDR, PUSH_NEXT, 1);
	uint32_t *s = add_store(r, 0, 4, r->out_addr, g->cols);
	MOTE_CMD_SET(s, HDR, POP_PREV, 1);
	add_end(r);
	return c;
}

/* LOAD HI_ROWS (a sparse tile's two half rows by one LOAD): FIELD without
 * FEATURES.LOAD_SPLIT, with HI_ROWS even, on another buffer or COUNT above
 * 2*ROWS; LOAD_RANGE when the second row passes the buffer; a valid one
 * runs.  Each stream is one LOAD and END: the LOAD is command 0. */
static uint32_t *split_load(struct rig *r, uint32_t dst, uint32_t buf_row, uint32_t count, uint32_t hi)
{
	r->n = 0;
	uint32_t *l = add_load(r, dst, r->in_addr, 2 * r->g.rows, 1, 1, buf_row, count);
	MOTE_CMD_SET(l, LOAD, HI_ROWS, hi);
	add_end(r);
	return l;
}

static void split_load_cases(struct rig *r)
{
	const struct mote_geometry *g = &r->g;
	uint32_t R = g->rows;
	if (!(g->features & MOTE_FEATURES_LOAD_SPLIT_MASK)) {
		/* ignored: a row is ROWS bytes, so 2*ROWS is the row width's FIELD; ROWS runs */
		split_load(r, MOTE_BUF_ACT, 0, 2 * R, 1);
		expect_error(r, "LOAD HI_ROWS, no LOAD_SPLIT, COUNT 2*ROWS", MOTE_ERR_FIELD, 0);
		split_load(r, MOTE_BUF_ACT, 0, R, 2);
		expect_runs(r, "LOAD HI_ROWS ignored without LOAD_SPLIT");
		return;
	}
	split_load(r, MOTE_BUF_ACT, 0, 2 * R, 2);
	expect_error(r, "LOAD HI_ROWS even (one bank)", MOTE_ERR_FIELD, 0);
	split_load(r, MOTE_BUF_WGT, 0, 2 * R, 1);
	expect_error(r, "LOAD HI_ROWS into the weight buffer", MOTE_ERR_FIELD, 0);
	split_load(r, MOTE_BUF_ACT, 0, 2 * R + 1, 1);
	expect_error(r, "LOAD HI_ROWS, COUNT above 2*ROWS", MOTE_ERR_FIELD, 0);
	split_load(r, MOTE_BUF_ACT, g->abuf_depth - 2, 2 * R, 3);
	expect_error(r, "LOAD HI_ROWS, second row past the buffer", MOTE_ERR_LOAD_RANGE, 0);
	split_load(r, MOTE_BUF_ACT, g->abuf_depth - 2, 2 * R, 1);
	expect_runs(r, "valid LOAD HI_ROWS at the buffer's end");
}

/* LOAD W_PAIR (weight rows two per source row): FIELD without
 * FEATURES.W_PAIR, on the activation buffer or COUNT above 2*COLS;
 * LOAD_RANGE when the pair's second row passes the buffer; a valid one at
 * the buffer's end runs.  Each stream is one LOAD and END. */
static void pair_load(struct rig *r, uint32_t dst, uint32_t buf_row, uint32_t count)
{
	r->n = 0;
	uint32_t *l = add_load(r, dst, r->in_addr, 2 * r->g.cols, 1, 1, buf_row, count);
	MOTE_CMD_SET(l, LOAD, W_PAIR, 1);
	add_end(r);
}

static void pair_load_cases(struct rig *r)
{
	const struct mote_geometry *g = &r->g;
	uint32_t C = g->cols;
	if (!(g->features & MOTE_FEATURES_W_PAIR_MASK)) {
		pair_load(r, MOTE_BUF_WGT, 0, C);
		expect_error(r, "LOAD W_PAIR without the feature", MOTE_ERR_FIELD, 0);
		return;
	}
	pair_load(r, MOTE_BUF_ACT, 0, 2 * C);
	expect_error(r, "LOAD W_PAIR into the activation buffer", MOTE_ERR_FIELD, 0);
	pair_load(r, MOTE_BUF_WGT, 0, 2 * C + 1);
	expect_error(r, "LOAD W_PAIR, COUNT above 2*COLS", MOTE_ERR_FIELD, 0);
	pair_load(r, MOTE_BUF_WGT, g->wbuf_depth - 1, 2 * C);
	expect_error(r, "LOAD W_PAIR, second row past the buffer", MOTE_ERR_LOAD_RANGE, 0);
	pair_load(r, MOTE_BUF_WGT, g->wbuf_depth - 2, 2 * C);
	expect_runs(r, "valid LOAD W_PAIR at the buffer's end");
}

/* 2:4 sparse MATMULs from raw streams: bad metadata (caught by the driver's
 * check before submission, and by the device when submitted anyway), fields
 * the sparse mode forbids, a device without the feature. */
static void sparse_cases(struct rig *r)
{
	const struct mote_geometry *g = &r->g;
	int has = (g->features & MOTE_FEATURES_SPARSE_MASK) != 0;
	uint32_t R = g->rows, C = g->cols;
	struct mote_cc_diag diag = {{0}};
	uint32_t rows = put_tile(r, 0, 0, 0xE4);
	uint32_t *c = sparse_stream(r, rows);
	if (!has) {
		expect_error(r, "sparse MATMUL without the SPARSE feature", MOTE_ERR_FIELD, 1);
		return;
	}
	/* the valid tile runs */
	{
		struct mote_job_result res;
		arm(r);
		int rc = run_stream(r, &res);
		EXPECT(rc == 0, "valid sparse tile: %s (%s at command %u)", mote_error_name(rc),
		       mote_hw_err_name(res.hw_error), res.err_cmd);
		check_untouched(r, "valid sparse tile");
		EXPECT(mote_cc_sparse_check_tile(r->in_host + TILE_OFF, R, C, C, NULL) == 0, "valid tile refused by the driver");
	}
	/* an index pair naming one element twice, in the last group's last column */
	rows = put_tile(r, R / 4 - 1, C - 1, 0x55);
	EXPECT(mote_cc_sparse_check_tile(r->in_host + TILE_OFF, R, C, C, &diag) == MOTE_CC_EINVAL &&
	       strstr(diag.msg, "column") && strstr(diag.msg, "ascend"), "driver check: '%s'", diag.msg);
	printf("  %-44s -> driver: %s\n", "index pair naming one element (host check)", diag.msg);
	sparse_stream(r, rows);
	expect_error(r, "sparse MATMUL, index pair naming one element", MOTE_ERR_SPARSE_META, 1);
	check_sparse_usable(r, "index pair naming one element");

	/* a descending pair in the first group's first column */
	rows = put_tile(r, 0, 0, 0x1B);
	EXPECT(mote_cc_sparse_check_tile(r->in_host + TILE_OFF, R, C, C, NULL) == MOTE_CC_EINVAL,
	       "driver check accepted a descending pair");
	sparse_stream(r, rows);
	expect_error(r, "sparse MATMUL, descending index pair", MOTE_ERR_SPARSE_META, 1);

	/* the same bad column beyond N_VALID: not an error (its output is not real) */
	rows = put_tile(r, 0, C - 1, 0x55);
	c = sparse_stream(r, rows);
	MOTE_CMD_SET(c, MATMUL, N_VALID, C - 1);
	{
		struct mote_job_result res;
		arm(r);
		int rc = run_stream(r, &res);
		EXPECT(rc == 0, "bad metadata beyond N_VALID: %s", mote_hw_err_name(res.hw_error));
		check_untouched(r, "bad metadata beyond N_VALID");
	}

	/* bad metadata in the second MATMUL: the first runs, the error names the second */
	rows = put_tile(r, 0, 0, 0xE4);
	sparse_stream(r, rows);
	r->n--; /* drop END */
	/* the second tile, 512 bytes on, bad in its first index row */
	put_tile_at(r, TILE_OFF + 512, 0, C / 2, 0x55);
	uint32_t *l = add_load(r, MOTE_BUF_WGT, r->in_addr + TILE_OFF + 512, C, rows, rows, rows, C);
	MOTE_CMD_SET(l, HDR, PUSH_NEXT, 1);
	c = add_matmul(r, 0, 8, 4);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1);
	MOTE_CMD_SET(c, MATMUL, SPARSE, 1);
	MOTE_CMD_SET(c, MATMUL, WGT_ROW, rows);
	MOTE_CMD_SET(c, MATMUL, ACT_ROW_HI, 9);
	add_end(r);
	expect_error(r, "second sparse MATMUL with bad metadata", MOTE_ERR_SPARSE_META, 4);

	/* fields the sparse mode forbids */
	rows = put_tile(r, 0, 0, 0xE4);
	c = sparse_stream(r, rows);
	MOTE_CMD_SET(c, MATMUL, K_VALID, 2 * R + 1);
	expect_error(r, "sparse MATMUL with K beyond 2R", MOTE_ERR_FIELD, 1);

	c = sparse_stream(r, rows);
	MOTE_CMD_SET(c, MATMUL, ACT_ROW_HI, 6); /* the same parity as ACT_ROW 0 */
	expect_error(r, "sparse MATMUL, both halves in one bank", MOTE_ERR_FIELD, 1);

	c = sparse_stream(r, rows);
	MOTE_CMD_SET(c, MATMUL, ACT_ROW_HI, g->abuf_depth - 3); /* odd, but 4 rows pass the end */
	expect_error(r, "sparse MATMUL, high half past the buffer", MOTE_ERR_COMPUTE_RANGE, 1);

	c = sparse_stream(r, rows);
	MOTE_CMD_SET(c, MATMUL, WGT_ROW, g->wbuf_depth - rows + 1);
	expect_error(r, "sparse MATMUL, compressed tile past the buffer", MOTE_ERR_COMPUTE_RANGE, 1);

	if (g->features & MOTE_FEATURES_DEPTHWISE_MASK) {
		c = sparse_stream(r, rows);
		MOTE_CMD_SET(c, MATMUL, DEPTHWISE, 1);
		MOTE_CMD_SET(c, MATMUL, DW_STRIDE, 1);
		MOTE_CMD_SET(c, MATMUL, NROWS, C);
		expect_error(r, "sparse MATMUL with DEPTHWISE", MOTE_ERR_FIELD, 1);
	}

	/* a sparse MATMUL reusing weights loaded dense */
	r->n = 0;
	add_load(r, MOTE_BUF_WGT, r->in_addr, C, R, R, 0, C);
	c = add_matmul(r, 0, 0, 4);
	c = add_matmul(r, 0, 4, 4);
	MOTE_CMD_SET(c, MATMUL, LOAD_WEIGHTS, 0);
	MOTE_CMD_SET(c, MATMUL, SPARSE, 1);
	MOTE_CMD_SET(c, MATMUL, ACT_ROW_HI, 5);
	add_end(r);
	expect_error(r, "sparse MATMUL on weights loaded dense", MOTE_ERR_FIELD, 2);
	check_sparse_usable(r, "sparse field errors");
}

/* Random words shaped like commands: whatever each does, it ends, writes
 * nowhere but the output window, and the device works afterwards. */
static void garbage(struct rig *r, int count)
{
	uint64_t s = 0xD1B54A32D192ED03ULL;
	int ended_ok = 0, ended_err = 0;
	mote_set_watchdog(r->dev, 20000);
	for (int t = 0; t < count; t++) {
		r->n = 1 + (uint32_t)(s % 24);
		for (uint32_t i = 0; i < r->n; i++)
			for (unsigned w = 0; w < MOTE_CMD_WORDS; w++) {
				s ^= s << 13;
				s ^= s >> 7;
				s ^= s << 17;
				r->stream[i][w] = (uint32_t)(s >> 16);
				if (w == 0) /* mostly real opcodes, so the units get exercised */
					r->stream[i][w] = (r->stream[i][w] & ~0xffu) | (uint32_t)(1 + (s >> 8) % 5);
				if (w == 0 && (s & 0xf) == 0)
					r->stream[i][w] = (r->stream[i][w] & ~0xffu) | MOTE_OP_END;
			}
		struct mote_job_result res;
		arm(r);
		int rc = run_stream(r, &res);
		EXPECT(rc == 0 || rc == MOTE_ERROR_JOB_FAILED, "garbage stream %d: %s", t, mote_error_name(rc));
		if (rc == 0)
			ended_ok++;
		else
			ended_err++;
		check_untouched(r, "garbage stream");
	}
	mote_set_watchdog(r->dev, MOTE_DEFAULT_WDT_CYCLES);
	check_device_usable(r, "garbage streams");
	printf("  %d random streams: %d ended cleanly, %d with an error, none hung or wrote outside\n", count, ended_ok,
	       ended_err);
}

static int setup(struct rig *r, const char *uri)
{
	memset(r, 0, sizeof *r);
	if (mote_open(uri, &r->dev) < 0)
		return -1;
	struct mote_device_info info;
	mote_device_info(r->dev, &info);
	r->g = info.geometry;
	/* Allocated in this order so the guards sit right below and above the output. */
	if (mote_buffer_alloc(r->dev, sizeof r->packed, &r->cmds) < 0 ||
	    mote_buffer_alloc(r->dev, GUARD_BYTES, &r->in) < 0 || mote_buffer_alloc(r->dev, GUARD_BYTES, &r->guard_lo) < 0 ||
	    mote_buffer_alloc(r->dev, OUT_BYTES, &r->out) < 0 || mote_buffer_alloc(r->dev, GUARD_BYTES, &r->guard_hi) < 0)
		return -1;
	mote_buffer_addr(r->dev, r->cmds, &r->cmds_addr, NULL);
	mote_buffer_addr(r->dev, r->in, &r->in_addr, NULL);
	mote_buffer_addr(r->dev, r->guard_lo, &r->lo_addr, NULL);
	mote_buffer_addr(r->dev, r->out, &r->out_addr, NULL);
	mote_buffer_addr(r->dev, r->guard_hi, &r->hi_addr, NULL);
	if (r->lo_addr + GUARD_BYTES != r->out_addr || r->out_addr + OUT_BYTES != r->hi_addr) {
		fprintf(stderr, "FAIL guards are not adjacent to the output window\n");
		return -1;
	}
	r->in_host = malloc(GUARD_BYTES);
	if (!r->in_host)
		return -1;
	for (int i = 0; i < GUARD_BYTES; i++)
		r->in_host[i] = (uint8_t)(i * 37 + 11);
	return 0;
}

int main(void)
{
	// the board build too: its window checks are one shared checker (WIN_SHARE)
	static const char *uris[] = {"sim:rows=8,cols=8", "sim:rows=4,cols=4", "sim:board=icebreaker"};
	static struct rig r;
	for (size_t u = 0; u < sizeof uris / sizeof uris[0]; u++) {
		printf("%s:\n", uris[u]);
		if (setup(&r, uris[u]) < 0) {
			fprintf(stderr, "FAIL setting up %s\n", uris[u]);
			return 1;
		}
		cases(&r);
		sparse_cases(&r);
		split_load_cases(&r);
		pair_load_cases(&r);
		garbage(&r, u == 0 ? 60 : 20);
		free(r.in_host);
		mote_close(r.dev);
	}
	printf("test_hostile: %s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
