/* mote_job.c: submit, wait, abort, run, and what happens after an I/O error.
 *
 * One job at a time per device.  The device remembers only the last job:
 * its number, whether it runs, and once ended its outcome and result, so a
 * second wait returns the same answer.  A wait looks at the device in chunks
 * (the simulator advances WAIT_CHUNK_CYCLES, a link backend polls for about
 * WAIT_CHUNK_MS) holding the io mutex only; the device lock is taken again to
 * collect the job, so other threads' calls get in between chunks.
 *
 * I/O errors.  The buffers a job names are pinned before its START is
 * written, and released only once the device is known not to run it any
 * more: the job ended (interrupt or STATUS), or it was aborted and STATUS
 * says idle.  When a register access of submit, wait or abort fails, settle()
 * brings the link back (backend recover), reads STATUS, aborts whatever runs
 * and waits for it to drain, and collects the job.  If the device cannot be
 * reached for that, it is marked lost: the pins stay, mote_buffer_free says
 * BUSY for those buffers, and the next submit, wait or abort tries again
 * (mote__revive).  mote_close gives up on a lost device and frees the host
 * side only.
 */
#include <string.h>
#include <time.h>

#include "mote_priv.h"

/* About 10 ms of simulation at 2 M cycles/s: the timeout granularity. */
#define WAIT_CHUNK_MS 10
/* How long settle() lets an aborted job drain (wall clock). */
#define SETTLE_MS 2000

int mote_set_watchdog(mote_device *dev, uint32_t cycles)
{
	if (!dev)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	dev->wdt_cycles = cycles;
	MOTE_UNLOCK(dev);
	return MOTE_SUCCESS;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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
	/* every command is at least one word: a stream of n_cmds that does not
	 * fit even so is refused here; a longer one runs off the buffer's end
	 * into FETCH_WINDOW (the device fetches only inside the job's windows) */
	if (__builtin_mul_overflow((size_t)d->n_cmds, (size_t)4, &bytes) ||
	    __builtin_add_overflow(bytes, d->cmd_offset, &end) || end > c->size)
		return MOTE_ERROR_RANGE;
	*cmd_base = c->addr + d->cmd_offset;
	return MOTE_SUCCESS;
}

/* Register runs the bursts below rely on (a link sends each in one frame). */
_Static_assert(MOTE_REG_CMD_COUNT == MOTE_REG_CMD_BASE + 4 && MOTE_REG_WDT_LIMIT == MOTE_REG_CMD_BASE + 8 &&
		       MOTE_REG_IRQ_ACK == MOTE_REG_CMD_BASE + 12,
	       "CMD_BASE, CMD_COUNT, WDT_LIMIT, IRQ_ACK are consecutive");
_Static_assert(MOTE_REG_WIN_SIZE(0) == MOTE_REG_WIN_BASE(0) + 4 && MOTE_REG_WIN_PERM(0) == MOTE_REG_WIN_BASE(0) + 8,
	       "a window's registers are consecutive");
_Static_assert(MOTE_REG_ERR_CODE == MOTE_REG_STATUS + 4 && MOTE_REG_ERR_CMD == MOTE_REG_STATUS + 8 &&
		       MOTE_REG_ERR_ADDR == MOTE_REG_STATUS + 12 && MOTE_REG_CMDS_DONE == MOTE_REG_STATUS + 32,
	       "STATUS .. CMDS_DONE as collect_job reads them");
_Static_assert(MOTE_REG_PERF_HI(0) == MOTE_REG_PERF_LO(0) + 4 && MOTE_REG_PERF_LO(1) == MOTE_REG_PERF_LO(0) + 8,
	       "PERF_LO(i), PERF_HI(i) interleaved");

/* Program and start; lock and io held, device idle.  With bursts (a link
 * backend): CMD_BASE..IRQ_ACK in one, a window's three registers in one,
 * CTRL (the link's DOORBELL); else one register at a time. */
static int start_job(mote_device *dev, const struct mote_job_desc *d, uint64_t cmd_base)
{
	const struct mote_backend_ops *o = dev->ops;
	uint32_t win[MOTE_NUM_WINDOWS][3] = {{0}};
	for (uint32_t i = 0; i < d->n_windows; i++) {
		struct mote_buffer *b = mote__buffer_lookup(dev, d->windows[i].buf);
		win[i][0] = (uint32_t)b->addr;
		win[i][1] = (uint32_t)b->size;
		win[i][2] = d->windows[i].perm;
	}
	int rc;
	if (o->reg_write_n) {
		const uint32_t head[4] = {(uint32_t)cmd_base, d->n_cmds, dev->wdt_cycles, 1};
		rc = o->reg_write_n(dev->be, MOTE_REG_CMD_BASE, 4, head);
		for (uint32_t i = 0; i < MOTE_NUM_WINDOWS && !rc; i++)
			rc = o->reg_write_n(dev->be, MOTE_REG_WIN_BASE(i), 3, win[i]);
	} else {
		rc = o->reg_write(dev->be, MOTE_REG_CMD_BASE, (uint32_t)cmd_base);
		if (!rc)
			rc = o->reg_write(dev->be, MOTE_REG_CMD_COUNT, d->n_cmds);
		for (uint32_t i = 0; i < MOTE_NUM_WINDOWS && !rc; i++) {
			rc = o->reg_write(dev->be, MOTE_REG_WIN_BASE(i), win[i][0]);
			if (!rc)
				rc = o->reg_write(dev->be, MOTE_REG_WIN_SIZE(i), win[i][1]);
			if (!rc)
				rc = o->reg_write(dev->be, MOTE_REG_WIN_PERM(i), win[i][2]);
		}
		if (!rc)
			rc = o->reg_write(dev->be, MOTE_REG_WDT_LIMIT, dev->wdt_cycles);
		if (!rc)
			rc = o->reg_write(dev->be, MOTE_REG_IRQ_ACK, 1);
	}
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK);
	return rc;
}

/* The job has ended (the device said so): read its registers into
 * last_result, acknowledge the interrupt.  Lock and io held.  Returns the
 * job's outcome (0, JOB_FAILED) or the I/O error that kept it from being
 * read; the caller unpins either way (the device is done with the buffers). */
static int collect_job(mote_device *dev)
{
	const struct mote_backend_ops *o = dev->ops;
	struct mote_job_result *r = &dev->last_result;
	uint32_t status = 0, lo = 0, hi = 0;
	int rc;
	r->perf_set = dev->info.perf_set;
	if (o->reg_read_n) {
		/* two bursts: STATUS .. CMDS_DONE, then the perf counters in LO, HI order */
		uint32_t head[9], perf[2 * MOTE_NUM_PERF];
		rc = o->reg_read_n(dev->be, MOTE_REG_STATUS, 9, head);
		if (!rc)
			rc = o->reg_read_n(dev->be, MOTE_REG_PERF_LO(0), 2 * MOTE_NUM_PERF, perf);
		if (!rc) {
			status = head[0];
			r->hw_error = head[1];
			r->err_cmd = head[2];
			r->err_addr = head[3];
			r->cmds_done = head[8];
			for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
				r->perf[i] = !(r->perf_set >> i & 1) ? 0
					     : dev->info.perf_width > 32 ? (uint64_t)perf[2 * i + 1] << 32 | perf[2 * i]
									 : perf[2 * i];
		}
	} else {
		rc = o->reg_read(dev->be, MOTE_REG_STATUS, &status);
		if (!rc)
			rc = o->reg_read(dev->be, MOTE_REG_ERR_CODE, &r->hw_error);
		if (!rc)
			rc = o->reg_read(dev->be, MOTE_REG_ERR_CMD, &r->err_cmd);
		if (!rc)
			rc = o->reg_read(dev->be, MOTE_REG_ERR_ADDR, &r->err_addr);
		if (!rc)
			rc = o->reg_read(dev->be, MOTE_REG_CMDS_DONE, &r->cmds_done);
		/* Only the counters the device keeps; HI only when they are wider
		 * than 32 bits. */
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
	}
	if (!rc)
		rc = o->reg_write(dev->be, MOTE_REG_IRQ_ACK, 1);
	if (!rc && !(status & MOTE_STATUS_ERROR_MASK))
		r->hw_error = MOTE_ERR_NONE;
	r->hw_error_name = mote_hw_err_name(r->hw_error);
	if (!r->hw_error_name)
		r->hw_error_name = "UNKNOWN";
	if (rc)
		return rc;
	return (status & MOTE_STATUS_ERROR_MASK) ? MOTE_ERROR_JOB_FAILED : MOTE_SUCCESS;
}

/* After an I/O error of a job call (or to revive a lost device): bring the
 * link back, stop whatever runs, wait until STATUS says idle, collect the job
 * that was running.  Lock held, io not.  Returns 0 when the device is known
 * idle (pins released; a running job's outcome in last_rc: IO if it had to
 * be aborted, its own otherwise), LOST when it cannot be reached (pins kept). */
static int settle(mote_device *dev)
{
	const struct mote_backend_ops *o = dev->ops;
	uint32_t status = 0;
	int aborted = 0;
	MOTE_IO_LOCK(dev);
	int rc = o->recover(dev->be);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_STATUS, &status);
	if (!rc && (status & MOTE_STATUS_BUSY_MASK)) {
		aborted = 1;
		rc = o->reg_write(dev->be, MOTE_REG_CTRL, MOTE_CTRL_ABORT_MASK | MOTE_CTRL_IRQ_EN_MASK);
		const uint64_t end = now_ms() + SETTLE_MS;
		while (!rc && (status & MOTE_STATUS_BUSY_MASK) && now_ms() < end) {
			rc = o->wait_irq(dev->be, WAIT_CHUNK_MS);
			if (rc >= 0)
				rc = o->reg_read(dev->be, MOTE_REG_STATUS, &status);
		}
	}
	if (rc || (status & MOTE_STATUS_BUSY_MASK)) {
		MOTE_IO_UNLOCK(dev);
		dev->lost = 1;
		return MOTE_ERROR_LOST;
	}
	if (dev->running) {
		/* idle now: the result is what the device says; a job stopped here
		 * (or one whose result could not be read) reports the I/O error */
		int out = collect_job(dev);
		dev->running = 0;
		dev->last_rc = (aborted || (out && out != MOTE_ERROR_JOB_FAILED)) ? MOTE_ERROR_IO : out;
	} else {
		/* a job whose submission failed midway: clear its interrupt */
		o->reg_write(dev->be, MOTE_REG_IRQ_ACK, 1);
	}
	MOTE_IO_UNLOCK(dev);
	dev->lost = 0;
	unpin_all(dev);
	return MOTE_SUCCESS;
}

int mote__revive(mote_device *dev)
{
	return dev->lost ? settle(dev) : MOTE_SUCCESS;
}

int mote_submit(mote_device *dev, const struct mote_job_desc *desc, mote_job *job)
{
	uint64_t cmd_base = 0;
	if (job)
		*job = 0;
	if (!dev || !desc || !job || !desc->cmds || desc->n_cmds == 0 ||
	    desc->cmd_offset % MOTE_CMD_ALIGN || desc->n_windows > MOTE_NUM_WINDOWS)
		return MOTE_ERROR_INVALID_ARG;
	for (uint32_t i = 0; i < desc->n_windows; i++) {
		uint32_t p = desc->windows[i].perm;
		if (!desc->windows[i].buf || p == 0 || (p & ~(MOTE_PERM_R | MOTE_PERM_W | MOTE_PERM_X)))
			return MOTE_ERROR_INVALID_ARG;
	}
	MOTE_LOCK(dev);
	int rc = mote__revive(dev);
	if (!rc)
		rc = dev->running ? MOTE_ERROR_BUSY : check_desc(dev, desc, &cmd_base);
	if (!rc) {
		/* pinned before START goes out: if the write's fate is unknown, the
		 * device may be running the job */
		set_pins(dev, desc, 1);
		MOTE_IO_LOCK(dev);
		rc = start_job(dev, desc, cmd_base);
		MOTE_IO_UNLOCK(dev);
		if (rc) {
			/* stops it if it started; pins kept when the device is lost */
			rc = settle(dev) ? MOTE_ERROR_LOST : MOTE_ERROR_IO;
		} else {
			dev->last_job++;
			dev->running = 1;
			dev->last_rc = MOTE_ERROR_STATE;
			memset(&dev->last_result, 0, sizeof(dev->last_result));
			*job = dev->last_job;
		}
	}
	MOTE_UNLOCK(dev);
	return rc;
}

/* One look at a running job: io held, lock not.  1: ended, 0: not yet, <0. */
static int look(mote_device *dev)
{
	uint32_t status = 0;
	int rc = dev->ops->wait_irq(dev->be, WAIT_CHUNK_MS);
	if (rc != 0)
		return rc;
	/* No interrupt: trust STATUS too, in case the line is not wired. */
	rc = dev->ops->reg_read(dev->be, MOTE_REG_STATUS, &status);
	if (rc)
		return rc;
	return !(status & MOTE_STATUS_BUSY_MASK) && (status & MOTE_STATUS_DONE_MASK);
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
		int rc = mote__revive(dev);
		if (rc) {
			MOTE_UNLOCK(dev);
			return rc;
		}
		if (!dev->running) {
			rc = dev->last_rc;
			if (result && (rc == MOTE_SUCCESS || rc == MOTE_ERROR_JOB_FAILED || rc == MOTE_ERROR_IO))
				*result = dev->last_result;
			MOTE_UNLOCK(dev);
			return rc;
		}
		MOTE_UNLOCK(dev);

		MOTE_IO_LOCK(dev);
		rc = look(dev);
		MOTE_IO_UNLOCK(dev);

		MOTE_LOCK(dev);
		if (job == dev->last_job && dev->running && !dev->lost) {
			if (rc < 0 && settle(dev)) { /* collects the job (last_rc IO), or the device is lost */
				MOTE_UNLOCK(dev);
				return MOTE_ERROR_LOST;
			} else if (rc == 1) {
				MOTE_IO_LOCK(dev);
				dev->last_rc = collect_job(dev);
				MOTE_IO_UNLOCK(dev);
				dev->running = 0;
				unpin_all(dev);
			}
			if (!dev->running) {
				/* ended here: report it before the lock goes (another thread
				 * may start the next job as soon as it does) */
				rc = dev->last_rc;
				if (result && (rc == MOTE_SUCCESS || rc == MOTE_ERROR_JOB_FAILED || rc == MOTE_ERROR_IO))
					*result = dev->last_result;
				MOTE_UNLOCK(dev);
				return rc;
			}
		}
		MOTE_UNLOCK(dev);
		/* whatever happened, the top of the loop reports it; only a job still
		 * running is subject to the deadline */
		if (rc == 0 && timeout_ms != MOTE_TIMEOUT_INFINITE && now_ms() >= deadline) {
			MOTE_LOCK(dev);
			int still = job == dev->last_job && dev->running && !dev->lost;
			MOTE_UNLOCK(dev);
			if (still)
				return MOTE_ERROR_TIMEOUT;
		}
	}
}

int mote_abort(mote_device *dev, mote_job job)
{
	if (!dev || job == 0)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	int rc;
	if (job != dev->last_job) {
		rc = MOTE_ERROR_NOT_FOUND;
	} else if (dev->lost) {
		rc = mote__revive(dev); /* stops the job when the device answers */
	} else if (!dev->running) {
		rc = MOTE_ERROR_STATE;
	} else {
		MOTE_IO_LOCK(dev);
		rc = dev->ops->reg_write(dev->be, MOTE_REG_CTRL, MOTE_CTRL_ABORT_MASK | MOTE_CTRL_IRQ_EN_MASK);
		MOTE_IO_UNLOCK(dev);
		if (rc)
			rc = settle(dev); /* 0: the job is stopped and collected */
	}
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
	if (dev->running || dev->lost) {
		/* settle aborts and drains; a device that cannot be reached is left as
		 * it is: the handle dies, the host side is freed */
		settle(dev);
	}
	dev->running = 0;
	dev->lost = 0;
	unpin_all(dev);
}
