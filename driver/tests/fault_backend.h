/* fault_backend.h: a backend wrapper for the driver tests that fails backend
 * calls on purpose (through the private mote__open_wrapped hook).
 *
 * Every call of the wrapped table is numbered from 0 (open's identity reads
 * included); call FAIL_AT fails with FAIL_RC, and with DEAD every later call
 * fails too (a link that died).  HIDE_MAP makes the device look unmapped
 * (mem_ptr NULL: the driver's bulk paths), HIDE_FILL removes mem_fill (zeroing
 * by writes).  The wrapper also gives the test a way around itself (raw_*)
 * to look at the device without being counted or failed. */
#ifndef MOTE_FAULT_BACKEND_H
#define MOTE_FAULT_BACKEND_H

#include <string.h>

#include "mote_priv.h"

struct fault_be {
	const struct mote_backend_ops *inner;
	void *be;
	struct mote_backend_ops ops;
	long calls;   /* calls so far */
	long fail_at; /* -1: none */
	int dead;
	int fail_rc;
	long failed;  /* calls failed */
	int hide_map, hide_fill;
};

static int fb_fail(struct fault_be *f)
{
	long n = f->calls++;
	if (f->fail_at >= 0 && (n == f->fail_at || (f->dead && n > f->fail_at))) {
		f->failed++;
		return 1;
	}
	return 0;
}

static int fb_reg_read(void *be, uint32_t off, uint32_t *v)
{
	struct fault_be *f = be;
	return fb_fail(f) ? f->fail_rc : f->inner->reg_read(f->be, off, v);
}

static int fb_reg_write(void *be, uint32_t off, uint32_t v)
{
	struct fault_be *f = be;
	return fb_fail(f) ? f->fail_rc : f->inner->reg_write(f->be, off, v);
}

static int fb_mem_read(void *be, uint64_t addr, void *dst, size_t len)
{
	struct fault_be *f = be;
	return fb_fail(f) ? f->fail_rc : f->inner->mem_read(f->be, addr, dst, len);
}

static int fb_mem_write(void *be, uint64_t addr, const void *src, size_t len)
{
	struct fault_be *f = be;
	if (fb_fail(f)) {
		/* a failed write may have written a prefix: do so, to be mean */
		if (len > 1)
			f->inner->mem_write(f->be, addr, src, len / 2);
		return f->fail_rc;
	}
	return f->inner->mem_write(f->be, addr, src, len);
}

static int fb_mem_fill(void *be, uint64_t addr, uint8_t value, size_t len)
{
	struct fault_be *f = be;
	return fb_fail(f) ? f->fail_rc : f->inner->mem_fill(f->be, addr, value, len);
}

static uint8_t *fb_mem_ptr(void *be)
{
	struct fault_be *f = be;
	return f->hide_map || !f->inner->mem_ptr ? NULL : f->inner->mem_ptr(f->be);
}

static int fb_wait_irq(void *be, int timeout_ms)
{
	struct fault_be *f = be;
	return fb_fail(f) ? f->fail_rc : f->inner->wait_irq(f->be, timeout_ms);
}

static int fb_recover(void *be)
{
	struct fault_be *f = be;
	return fb_fail(f) ? f->fail_rc : f->inner->recover(f->be);
}

static double fb_speed(void *be)
{
	struct fault_be *f = be;
	return f->inner->speed ? f->inner->speed(f->be) : 0;
}

static void fb_close(void *be)
{
	struct fault_be *f = be;
	f->inner->close(f->be);
	f->be = NULL;
}

static void fb_wrap(void *ctx, const struct mote_backend_ops **ops, void **be)
{
	struct fault_be *f = ctx;
	f->inner = *ops;
	f->be = *be;
	f->ops = *f->inner;
	f->ops.reg_read = fb_reg_read;
	f->ops.reg_write = fb_reg_write;
	f->ops.reg_read_n = NULL; /* one by one: each access counted and failed alone */
	f->ops.reg_write_n = NULL;
	f->ops.mem_read = fb_mem_read;
	f->ops.mem_write = fb_mem_write;
	f->ops.mem_fill = f->hide_fill || !f->inner->mem_fill ? NULL : fb_mem_fill;
	f->ops.mem_ptr = fb_mem_ptr;
	f->ops.wait_irq = fb_wait_irq;
	f->ops.recover = fb_recover;
	f->ops.speed = fb_speed;
	f->ops.link_stats = NULL;
	f->ops.close = fb_close;
	*ops = &f->ops;
	*be = f;
}

static inline void fault_be_init(struct fault_be *f, long fail_at, int dead, int fail_rc)
{
	memset(f, 0, sizeof *f);
	f->fail_at = fail_at;
	f->dead = dead;
	f->fail_rc = fail_rc;
}

/* STATUS as the device has it, around the wrapper. */
static inline uint32_t fault_be_raw_status(struct fault_be *f)
{
	uint32_t v = 0;
	if (f->be)
		f->inner->reg_read(f->be, MOTE_REG_STATUS, &v);
	return v;
}

#endif
