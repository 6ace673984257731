/* backend_sim.c: the in-process simulator backend (sim/mote_sim.h). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "mote_priv.h"
#include "mote_sim.h"
#include "mote_uri.h"

static int from_sim(int rc)
{
	switch (rc) {
	case MOTE_SIM_OK: return MOTE_SUCCESS;
	case MOTE_SIM_EINVAL: return MOTE_ERROR_INVALID_ARG;
	case MOTE_SIM_ENOGEOM: return MOTE_ERROR_NOT_FOUND;
	case MOTE_SIM_ENOMEM: return MOTE_ERROR_NO_MEM;
	case MOTE_SIM_ERANGE: return MOTE_ERROR_RANGE;
	case MOTE_SIM_ETRACE: return MOTE_ERROR_IO;
	default: return MOTE_ERROR_IO;
	}
}

static int sim_reg_read(void *be, uint32_t off, uint32_t *v)
{
	return from_sim(mote_sim_csr_read(be, off, v));
}

static int sim_reg_write(void *be, uint32_t off, uint32_t v)
{
	return from_sim(mote_sim_csr_write(be, off, v));
}

static int sim_mem_write(void *be, uint64_t addr, const void *src, size_t len)
{
	return from_sim(mote_sim_mem_write(be, addr, src, len));
}

static int sim_mem_read(void *be, uint64_t addr, void *dst, size_t len)
{
	return from_sim(mote_sim_mem_read(be, addr, dst, len));
}

static uint8_t *sim_mem_ptr(void *be)
{
	return mote_sim_mem(be, NULL);
}

/* Simulated cycles per wait_irq call: about 10 ms at 2 M cycles/s (the
 * simulator's time is not the wall clock: the caller bounds its waits). */
#define WAIT_CHUNK_CYCLES 20000u

static int sim_wait_irq(void *be, int timeout_ms)
{
	(void)timeout_ms;
	int rc = mote_sim_run(be, WAIT_CHUNK_CYCLES, NULL);
	return rc < 0 ? from_sim(rc) : rc;
}

static int sim_mem_fill(void *be, uint64_t addr, uint8_t value, size_t len)
{
	uint64_t size = 0, end;
	uint8_t *mem = mote_sim_mem(be, &size);
	if (__builtin_add_overflow(addr, (uint64_t)len, &end) || end > size)
		return MOTE_ERROR_RANGE;
	memset(mem + addr, value, len);
	return MOTE_SUCCESS;
}

static int sim_recover(void *be)
{
	(void)be; /* nothing between the driver and the model to bring back */
	return MOTE_SUCCESS;
}

static double sim_speed(void *be)
{
	return mote_sim_cycles_per_second(be);
}

static void sim_close(void *be)
{
	mote_sim_destroy(be);
}

static const struct mote_backend_ops k_sim_ops = {
	.name = "sim",
	.reg_read = sim_reg_read,
	.reg_write = sim_reg_write,
	.mem_write = sim_mem_write,
	.mem_read = sim_mem_read,
	.mem_fill = sim_mem_fill,
	.mem_ptr = sim_mem_ptr,
	.wait_irq = sim_wait_irq,
	.recover = sim_recover,
	.speed = sim_speed,
	.close = sim_close,
};

/* "4x4, 8x8, 16x16; boards: icebreaker": what this library has. */
void mote__sim_builds(char *buf, size_t cap)
{
	size_t n = 0;
	unsigned r, c;
	buf[0] = '\0';
	for (unsigned i = 0; mote_sim_geometry(i, &r, &c) && n < cap; i++) {
		int w = snprintf(buf + n, cap - n, "%s%ux%u", i ? ", " : "", r, c);
		n = w < 0 ? cap : n + (size_t)w;
	}
	const char *b;
	for (unsigned i = 0; (b = mote_sim_board_name(i)) && n < cap; i++) {
		int w = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "; boards: ", b);
		n = w < 0 ? cap : n + (size_t)w;
	}
}

int mote__sim_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		   const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg)
{
	char *trace = NULL, *board = NULL, builds[160];
	mote_sim *sim = NULL;
	unsigned bw = uri->bw ? uri->bw : 2 * uri->rows;
	*mem_size = uri->mem;
	if (uri->board_len) {
		board = mote__strndup(h, uri->board, uri->board_len);
		if (!board)
			return MOTE_ERROR_NO_MEM;
		if (!mote_sim_board(board, mem_size)) {
			mote__sim_builds(builds, sizeof builds);
			mote__diag(msg, "no board '%.40s' in this build (it has %s)", board, builds);
			mote__free(h, board);
			return MOTE_ERROR_NOT_FOUND;
		}
	} else if (!mote_sim_has_geometry(uri->rows, uri->cols)) {
		mote__sim_builds(builds, sizeof builds);
		mote__diag(msg, "no %ux%u simulator in this build (it has %s)", uri->rows, uri->cols, builds);
		return MOTE_ERROR_NOT_FOUND;
	}
	int rc = mote__trace_check(uri->trace, uri->trace_len, msg);
	if (rc) {
		mote__free(h, board);
		return rc;
	}
	if (uri->trace_len) {
		trace = mote__strndup(h, uri->trace, uri->trace_len);
		if (!trace) {
			mote__free(h, board);
			return MOTE_ERROR_NO_MEM;
		}
	}
	rc = board ? mote_sim_create_board(board, trace, &sim)
		   : mote_sim_create(uri->rows, uri->cols, uri->mem, uri->latency, bw, trace, &sim);
	mote__free(h, trace);
	mote__free(h, board);
	if (rc) {
		mote__diag(msg, "the simulator: %s", mote_sim_strerror(rc));
		return from_sim(rc);
	}
	*ops = &k_sim_ops;
	*be = sim;
	mote_sim_mem(sim, mem_size); /* the model's memory, as created */
	return MOTE_SUCCESS;
}
