/* mote_simspeed.c: simulated cycles per wall second of the Verilated device,
 * idle (reset, no job) and busy (back-to-back MATMULs streaming activation
 * rows through the array).  Usage: mote-simspeed [ROWS COLS [IDLE_CYCLES]].
 * A benchmark, never a test: prints numbers, judges nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote_hw.h>

#include "mote_sim.h"

#define MEM_SIZE (1u << 20)
#define CMD_ADDR 0x1000u
#define DATA_ADDR 0x10000u
#define NROWS 1024u  /* activation rows per MATMUL (within the default buffer depths) */
#define N_MATMUL 16u

static int die(const char *what, int rc)
{
	fprintf(stderr, "mote-simspeed: %s: %s\n", what, mote_sim_strerror(rc));
	return 1;
}

/* LOAD of N rows of ROW_BYTES bytes from a contiguous image into buffer DST. */
static void put_load(uint32_t *c, unsigned dst, unsigned n, unsigned row_bytes, int push)
{
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_LOAD);
	MOTE_CMD_SET(c, HDR, PUSH_NEXT, push);
	MOTE_CMD_SET(c, LOAD, DST, dst);
	MOTE_CMD_SET(c, LOAD, ADDR0, DATA_ADDR);
	MOTE_CMD_SET(c, LOAD, SX, row_bytes);
	MOTE_CMD_SET(c, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(c, LOAD, WIDTH, n * row_bytes);
	MOTE_CMD_SET(c, LOAD, N_INNER, n);
	MOTE_CMD_SET(c, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(c, LOAD, COUNT, row_bytes);
}

int main(int argc, char **argv)
{
	unsigned rows = argc > 2 ? (unsigned)atoi(argv[1]) : 8, cols = argc > 2 ? (unsigned)atoi(argv[2]) : 8;
	uint64_t idle = argc > 3 ? strtoull(argv[3], NULL, 10) : 4000000;
	uint32_t stream[(3 + N_MATMUL) * MOTE_CMD_WORDS];
	mote_sim *s;
	int rc = mote_sim_create(rows, cols, MEM_SIZE, 8, 2 * rows, NULL, &s);
	if (rc)
		return die("create", rc);
	rc = mote_sim_step(s, idle);
	if (rc)
		return die("step", rc);
	printf("%ux%u idle: %.3f M cycles/s over %llu cycles\n", rows, cols,
	       mote_sim_cycles_per_second(s) / 1e6, (unsigned long long)idle);
	mote_sim_destroy(s);

	rc = mote_sim_create(rows, cols, MEM_SIZE, 8, 2 * rows, NULL, &s);
	if (rc)
		return die("create", rc);
	put_load(stream, MOTE_BUF_WGT, rows, cols, 0);
	put_load(stream + MOTE_CMD_WORDS, MOTE_BUF_ACT, NROWS, rows, 1);
	for (unsigned i = 0; i < N_MATMUL; i++) {
		uint32_t *c = stream + (2 + i) * MOTE_CMD_WORDS;
		memset(c, 0, 4 * MOTE_CMD_WORDS);
		MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_MATMUL);
		MOTE_CMD_SET(c, HDR, POP_PREV, i == 0);
		MOTE_CMD_SET(c, MATMUL, LOAD_WEIGHTS, i == 0);
		MOTE_CMD_SET(c, MATMUL, ACCUMULATE, i != 0);
		MOTE_CMD_SET(c, MATMUL, NROWS, NROWS);
		MOTE_CMD_SET(c, MATMUL, K_VALID, rows);
		MOTE_CMD_SET(c, MATMUL, N_VALID, cols);
	}
	uint32_t *end = stream + (2 + N_MATMUL) * MOTE_CMD_WORDS;
	memset(end, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(end, HDR, OPCODE, MOTE_OP_END);
	uint8_t packed[sizeof stream];
	rc = mote_sim_mem_write(s, CMD_ADDR, packed, mote_cmds_pack(packed, stream, 3 + N_MATMUL));
	const uint32_t regs[][2] = {
		{MOTE_REG_WIN_BASE(0), 0}, {MOTE_REG_WIN_SIZE(0), MEM_SIZE},
		{MOTE_REG_WIN_PERM(0), MOTE_WIN_PERM_R_MASK | MOTE_WIN_PERM_W_MASK | MOTE_WIN_PERM_X_MASK},
		{MOTE_REG_CMD_BASE, CMD_ADDR}, {MOTE_REG_CMD_COUNT, 3 + N_MATMUL},
		{MOTE_REG_WDT_LIMIT, 1000000}, {MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK},
	};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]) && !rc; i++)
		rc = mote_sim_csr_write(s, regs[i][0], regs[i][1]);
	if (rc)
		return die("program", rc);
	double before = mote_sim_cycles_per_second(s);
	(void)before;
	uint64_t ran = 0;
	rc = mote_sim_run(s, 100000000, &ran);
	if (rc < 0)
		return die("run", rc);
	uint32_t err = 0, lo = 0, hi = 0, act = 0;
	mote_sim_csr_read(s, MOTE_REG_ERR_CODE, &err);
	mote_sim_csr_read(s, MOTE_REG_PERF_LO(MOTE_PERF_ARRAY_ACTIVE), &act);
	mote_sim_csr_read(s, MOTE_REG_PERF_LO(MOTE_PERF_CYCLES), &lo);
	mote_sim_csr_read(s, MOTE_REG_PERF_HI(MOTE_PERF_CYCLES), &hi);
	printf("%ux%u busy: %.3f M cycles/s (job: %llu cycles, array active %u, error %s)\n", rows, cols,
	       mote_sim_cycles_per_second(s) / 1e6, (unsigned long long)((uint64_t)hi << 32 | lo), act,
	       mote_hw_err_name(err) ? mote_hw_err_name(err) : "?");
	mote_sim_destroy(s);
	return 0;
}
