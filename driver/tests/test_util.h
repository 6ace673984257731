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

/* Command i of a stream being built in host memory: commands are held
 * MOTE_CMD_WORDS words apart and packed (mote_cmds_pack) when uploaded. */
static inline uint32_t *cmd_at(uint32_t *stream, unsigned i)
{
	return stream + (size_t)i * MOTE_CMD_WORDS;
}

static inline void put_end(uint32_t *c)
{
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_END);
}

/* A MATMUL of zero rows and no token flags: retires without effect. */
static inline void put_nop_matmul(uint32_t *c)
{
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_MATMUL);
}

/* Write the N commands of STREAM packed at the start of buffer B: 0 or the
 * driver's error. */
static inline int write_cmds(mote_device *dev, mote_buffer *b, const uint32_t *stream, unsigned n)
{
	uint8_t *packed = malloc((size_t)n * 4 * MOTE_CMD_WORDS + 4);
	if (!packed)
		return MOTE_ERROR_NO_MEM;
	int rc = mote_buffer_write(dev, b, 0, packed, mote_cmds_pack(packed, stream, n));
	free(packed);
	return rc;
}

/* Allocate a buffer holding the N commands of STREAM packed, and write them. */
static inline mote_buffer *upload_cmds(mote_device *dev, const uint32_t *stream, unsigned n)
{
	mote_buffer *b = NULL;
	uint8_t *packed = malloc((size_t)n * 4 * MOTE_CMD_WORDS + 4);
	ck_assert_ptr_nonnull(packed);
	size_t bytes = mote_cmds_pack(packed, stream, n);
	ck_assert_int_eq(mote_buffer_alloc(dev, bytes, &b), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_write(dev, b, 0, packed, bytes), MOTE_SUCCESS);
	free(packed);
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
