/* test_util.h: helpers shared by the driver tests: counting / failing
 * allocation hooks and command-stream builders. */
#ifndef MOTE_TEST_UTIL_H
#define MOTE_TEST_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

/* Hooks that count and fail the allocation numbered fail_at (0-based),
 * or none when fail_at < 0. */
struct count_hooks {
	struct mote_alloc_hooks hooks;
	long allocs, frees, fail_at;
};

static void *count_alloc(void *ctx, size_t n)
{
	struct count_hooks *c = ctx;
	if (c->fail_at >= 0 && c->allocs == c->fail_at) {
		c->fail_at = -2; /* fail once */
		return NULL;
	}
	void *p = malloc(n);
	if (p)
		c->allocs++;
	return p;
}

static void count_free(void *ctx, void *p)
{
	struct count_hooks *c = ctx;
	if (p)
		c->frees++;
	free(p);
}

static inline void count_hooks_init(struct count_hooks *c, long fail_at)
{
	memset(c, 0, sizeof(*c));
	c->hooks.alloc = count_alloc;
	c->hooks.free = count_free;
	c->hooks.ctx = c;
	c->fail_at = fail_at;
}

/* Command i of a stream in host memory. */
static inline uint32_t *cmd_at(uint32_t *stream, unsigned i)
{
	return stream + (size_t)i * MOTE_CMD_WORDS;
}

static inline void put_end(uint32_t *c)
{
	memset(c, 0, MOTE_CMD_BYTES);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_END);
}

/* A MATMUL of zero rows and no token flags: retires without effect. */
static inline void put_nop_matmul(uint32_t *c)
{
	memset(c, 0, MOTE_CMD_BYTES);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_MATMUL);
}

/* Allocate a buffer holding N commands and copy STREAM into it. */
static inline mote_buffer *upload_cmds(mote_device *dev, const uint32_t *stream, unsigned n)
{
	mote_buffer *b = NULL;
	ck_assert_int_eq(mote_buffer_alloc(dev, (size_t)n * MOTE_CMD_BYTES, &b), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_write(dev, b, 0, stream, (size_t)n * MOTE_CMD_BYTES), MOTE_SUCCESS);
	return b;
}

static inline struct mote_job_desc job_desc(mote_buffer *cmds, uint32_t n)
{
	struct mote_job_desc d;
	memset(&d, 0, sizeof(d));
	d.cmds = cmds;
	d.n_cmds = n;
	d.n_windows = 1;
	d.windows[0].buf = cmds;
	d.windows[0].perm = MOTE_PERM_X;
	return d;
}

#endif
