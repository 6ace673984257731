/* mote_job.c: submit, wait, abort, run.
 *
 * One job at a time per device.  The device remembers only the last job:
 * its number, whether it runs, and once ended its outcome and result, so a
 * second wait returns the same answer.  The simulator only advances inside
 * mote_wait, in chunks of WAIT_CHUNK_CYCLES with the lock held; the lock is
 * released between chunks so other threads can use the device.
 */
#include <string.h>
#include <time.h>

#include "mote_priv.h"

/* About 10 ms of simulation at 2 M cycles/s: the timeout granularity. */
#define WAIT_CHUNK_CYCLES 20000u
/* Cycles to let an aborted job drain when closing the device. */
#define SHUTDOWN_CYCLES 100000u

int mote_set_watchdog(mote_device *dev, uint32_t cycles)
{
	if (!dev)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	dev->wdt_cycles = cycles;
	MOTE_UNLOCK(dev);
	return MOTE_SUCCESS;
}

static void set_pins(mote_device *dev, const struct mote_job_desc *d, int on)
{
	struct mote_buffer *b = mote__buffer_lookup(dev, d->cmds);
	if (b)
		b->pinned = on;
	for (uint32_t i = 0; i < d->n_windows; i++) {
		b = mote__buffer_lookup(dev, d->windows[i].buf);
		if (b)
			b->pinned = on;
	}
}

static void unpin_all(mote_device *dev)
{
	for (struct mote_buffer *b = dev->blocks; b; b = b->next)
		b->pinned = 0;
}

/* Argument checks that need the lock (live buffers, ranges). */
static int check_desc(mote_device *dev, const struct mote_job_desc *d, uint64_t *cmd_base)
{
	struct mote_buffer *c = mote__buffer_lookup(dev, d->cmds);
	size_t bytes, end;
	if (!c)
		return MOTE_ERROR_NOT_FOUND;
	for (uint32_t i = 0; i < d->n_windows; i++)
		if (!mote__buffer_lookup(dev, d->windows[i].buf))
			return MOTE_ERROR_NOT_FOUND;
	if (__builtin_mul_overflow((size_t)d->n_cmds, (size_t)MOTE_CMD_BYTES, &bytes) ||
	    __builtin_add_overflow(bytes, d->cmd_offset, &end) || end > c->size)
		return MOTE_ERROR_RANGE;
	*cmd_base = c->addr + d->cmd_offset;
	return MOTE_SUCCESS;
}

/* Program and start; lock held, device idle. */
static int start_job(mote_device *dev, const struct mote_job_desc *d, uint64_t cmd_base)
{
	const struct mote_backend_ops *o = dev->ops;
	int rc = o->reg_write(dev->be, MOTE_REG_CMD_BASE, (uint32_t)cmd_base);
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_CMD_COUNT, d->n_cmds);
	for (uint32_t i = 0; i < MOTE_NUM_WINDOWS && !rc; i++) {
		uint32_t base = 0, size = 0, perm = 0;
		if (i < d->n_windows) {
			struct mote_buffer *b = mote__buffer_lookup(dev, d->windows[i].buf);
			base = (uint32_t)b->addr;
			size = (uint32_t)b->size;
			perm = d->windows[i].perm;
		}
		rc = o->reg_write(dev->be, MOTE_REG_WIN_BASE(i), base);
		if (!rc)
			rc = o->reg_write(dev->be, MOTE_REG_WIN_SIZE(i), size);
		if (!rc)
			rc = o->reg_write(dev->be, MOTE_REG_WIN_PERM(i), perm);
	}
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_WDT_LIMIT, dev->wdt_cycles);
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_IRQ_ACK, 1);
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK);
	return rc;
}

int mote_submit(mote_device *dev, const struct mote_job_desc *desc, mote_job *job)
{
	uint64_t cmd_base = 0;
	if (job)
		*job = 0;
	if (!dev || !desc || !job || !desc->cmds || desc->n_cmds == 0 ||
	    desc->cmd_offset % MOTE_CMD_BYTES || desc->n_windows > MOTE_NUM_WINDOWS)
		return MOTE_ERROR_INVALID_ARG;
	for (uint32_t i = 0; i < desc->n_windows; i++) {
		uint32_t p = desc->windows[i].perm;
		if (!desc->windows[i].buf || p == 0 || (p & ~(MOTE_PERM_R | MOTE_PERM_W | MOTE_PERM_X)))
			return MOTE_ERROR_INVALID_ARG;
	}
	MOTE_LOCK(dev);
	int rc = dev->running ? MOTE_ERROR_BUSY : check_desc(dev, desc, &cmd_base);
	if (!rc)
		rc = start_job(dev, desc, cmd_base);
	if (!rc) {
		dev->last_job++;
		dev->running = 1;
		dev->last_rc = MOTE_ERROR_STATE;
		memset(&dev->last_result, 0, sizeof(dev->last_result));
		set_pins(dev, desc, 1);
		*job = dev->last_job;
	}
	MOTE_UNLOCK(dev);
	return rc;
}

/* The job has ended: collect its registers, acknowledge, unpin.  Lock held. */
static int finish_job(mote_device *dev)
{
	const struct mote_backend_ops *o = dev->ops;
	struct mote_job_result *r = &dev->last_result;
	uint32_t status = 0, lo = 0, hi = 0;
	int rc = o->reg_read(dev->be, MOTE_REG_STATUS, &status);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_ERR_CODE, &r->hw_error);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_ERR_CMD, &r->err_cmd);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_ERR_ADDR, &r->err_addr);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_CMDS_DONE, &r->cmds_done);
	/* Only the counters the device keeps; HI only when they are wider than
	 * 32 bits (fewer register reads over a link). */
	r->perf_set = dev->info.perf_set;
	for (unsigned i = 0; i < MOTE_NUM_PERF && !rc; i++) {
		r->perf[i] = 0;
		if (!(r->perf_set >> i & 1))
			continue;
		/* Reading LO latches HI: the pair is one consistent 64-bit value. */
		lo = hi = 0;
		rc = o->reg_read(dev->be, MOTE_REG_PERF_LO(i), &lo);
		if (!rc && dev->info.perf_width > 32)
			rc = o->reg_read(dev->be, MOTE_REG_PERF_HI(i), &hi);
		r->perf[i] = (uint64_t)hi << 32 | lo;
	}
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_IRQ_ACK, 1);
	dev->running = 0;
	unpin_all(dev);
	if (rc) {
		dev->last_rc = rc;
		return rc;
	}
	if (!(status & MOTE_STATUS_ERROR_MASK))
		r->hw_error = MOTE_ERR_NONE;
	r->hw_error_name = mote_hw_err_name(r->hw_error);
	if (!r->hw_error_name)
		r->hw_error_name = "UNKNOWN";
	dev->last_rc = (status & MOTE_STATUS_ERROR_MASK) ? MOTE_ERROR_JOB_FAILED : MOTE_SUCCESS;
	return dev->last_rc;
}

/* One chunk of progress; lock held, job running.  1: ended, 0: not yet. */
static int step_job(mote_device *dev)
{
	int rc = dev->ops->advance(dev->be, WAIT_CHUNK_CYCLES);
	uint32_t status = 0;
	if (rc < 0)
		return rc;
	if (rc == 0) {
		/* No interrupt: trust STATUS too, in case the line is not wired. */
		rc = dev->ops->reg_read(dev->be, MOTE_REG_STATUS, &status);
		if (rc)
			return rc;
		if ((status & MOTE_STATUS_BUSY_MASK) || !(status & MOTE_STATUS_DONE_MASK))
			return 0;
	}
	finish_job(dev);
	return 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int mote_wait(mote_device *dev, mote_job job, int timeout_ms, struct mote_job_result *result)
{
	if (!dev || job == 0 || timeout_ms < MOTE_TIMEOUT_INFINITE)
		return MOTE_ERROR_INVALID_ARG;
	const uint64_t deadline = now_ms() + (timeout_ms > 0 ? (uint64_t)timeout_ms : 0);
	for (;;) {
		MOTE_LOCK(dev);
		if (job != dev->last_job) {
			MOTE_UNLOCK(dev);
			return MOTE_ERROR_NOT_FOUND;
		}
		int rc = dev->running ? step_job(dev) : 1;
		if (rc == 1) {
			rc = dev->last_rc;
			if (result && (rc == MOTE_SUCCESS || rc == MOTE_ERROR_JOB_FAILED))
				*result = dev->last_result;
		} else if (rc == 0) {
			rc = MOTE_ERROR_TIMEOUT;
		}
		MOTE_UNLOCK(dev);
		if (rc != MOTE_ERROR_TIMEOUT)
			return rc;
		if (timeout_ms != MOTE_TIMEOUT_INFINITE && now_ms() >= deadline)
			return MOTE_ERROR_TIMEOUT;
	}
}

int mote_abort(mote_device *dev, mote_job job)
{
	if (!dev || job == 0)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	int rc;
	if (job != dev->last_job)
		rc = MOTE_ERROR_NOT_FOUND;
	else if (!dev->running)
		rc = MOTE_ERROR_STATE;
	else
		rc = dev->ops->reg_write(dev->be, MOTE_REG_CTRL, MOTE_CTRL_ABORT_MASK | MOTE_CTRL_IRQ_EN_MASK);
	MOTE_UNLOCK(dev);
	return rc;
}

int mote_run(mote_device *dev, const struct mote_job_desc *desc, int timeout_ms,
	     struct mote_job_result *result)
{
	mote_job job;
	int rc = mote_submit(dev, desc, &job);
	if (rc)
		return rc;
	return mote_wait(dev, job, timeout_ms, result);
}

void mote__job_shutdown(mote_device *dev)
{
	if (!dev->running)
		return;
	if (dev->ops->reg_write(dev->be, MOTE_REG_CTRL, MOTE_CTRL_ABORT_MASK | MOTE_CTRL_IRQ_EN_MASK) == 0)
		for (unsigned i = 0; i * WAIT_CHUNK_CYCLES < SHUTDOWN_CYCLES && dev->running; i++)
			if (step_job(dev) < 0)
				break;
	dev->running = 0;
	unpin_all(dev);
}
