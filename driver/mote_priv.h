/* mote_priv.h: libmote internals shared by the driver's source files. */
#ifndef MOTE_PRIV_H
#define MOTE_PRIV_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <mote/mote.h>

/* ---- backends ---------------------------------------------------------------
 * A backend is one way to reach a device: the in-process simulator, the
 * simulator behind the link protocol, a board over USB.  The driver core
 * never assumes more than this table offers; in particular device memory need
 * not be mapped into the host (mem_ptr NULL): every byte then moves through
 * mem_read / mem_write / mem_fill.
 *
 * Rules every backend keeps:
 *   - a call either completes (0) or fails with a negative mote_error and the
 *     effect stated: reg_write / mem_write / mem_fill that fail may have been
 *     applied in part (a prefix of the bytes) but never twice; reg_read /
 *     mem_read that fail leave the output undefined;
 *   - MOTE_ERROR_IO: the transport gave up on this call (retry budget spent,
 *     no answer before the deadline); recover() may bring it back;
 *   - MOTE_ERROR_LOST: the device is gone (unplugged, closed by the OS) and
 *     will not come back on this handle;
 *   - every call returns within a bounded time (the backend's own deadlines);
 *   - calls are serialised by the caller (the device's io mutex); a backend
 *     never touches driver state.
 */
struct mote_backend_ops {
	const char *name;
	/* One 32-bit register at byte offset OFF (< 0x1000). */
	int (*reg_read)(void *be, uint32_t off, uint32_t *v);
	int (*reg_write)(void *be, uint32_t off, uint32_t v);
	/* Optional: N registers at OFF, OFF+4, ... in that order, each as by
	 * reg_read / reg_write, in fewer transfers (a link's bursts). */
	int (*reg_read_n)(void *be, uint32_t off, unsigned n, uint32_t *v);
	int (*reg_write_n)(void *be, uint32_t off, unsigned n, const uint32_t *v);
	/* Bulk transfers of device memory [ADDR, ADDR+LEN), LEN > 0. */
	int (*mem_read)(void *be, uint64_t addr, void *dst, size_t len);
	int (*mem_write)(void *be, uint64_t addr, const void *src, size_t len);
	/* Optional (NULL: mem_write of VALUE bytes): LEN bytes of VALUE. */
	int (*mem_fill)(void *be, uint64_t addr, uint8_t value, size_t len);
	/* Optional: host pointer to device address 0, or NULL when device memory
	 * is not mapped into this process. */
	uint8_t *(*mem_ptr)(void *be);
	/* Wait for the interrupt line: about TIMEOUT_MS of the backend's time at
	 * most (the simulator advances one chunk of cycles instead), at least one
	 * look at the device.  1: interrupt pending, 0: not yet, <0: error. */
	int (*wait_irq)(void *be, int timeout_ms);
	/* After IO: bring the transport back to a known state (drain, resync)
	 * without touching the device's registers.  0, IO (still unreachable) or
	 * LOST. */
	int (*recover)(void *be);
	/* Optional: link statistics (NULL: the backend has no link). */
	int (*link_stats)(void *be, struct mote_link_stats *st);
	/* Optional: simulated cycles per wall second. */
	double (*speed)(void *be);
	void (*close)(void *be);
};

struct mote_uri;

/* A reason in words for a failed open: MSG is NULL (nobody asks) or a buffer
 * of MOTE__DIAG_CAP bytes (struct mote_open_diag's); the first reason written
 * stays (the deepest cause is written first). */
#define MOTE__DIAG_CAP sizeof(((struct mote_open_diag *)0)->msg)
void mote__diag(char *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open a backend for a parsed URI: on success *OPS, *BE and *MEM_SIZE (the
 * device memory size as the device reports it) are set; on failure nothing is
 * left allocated and MSG (see mote__diag) says why. */
typedef int (*mote_backend_open_fn)(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
				    const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg);

/* The backends of this build (backend_*.c). */
int mote__sim_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		   const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg);
int mote__simlink_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		       const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg);
int mote__usb_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		   const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg);

/* The trace file a simulator backend will write (TRACE, LEN from the URI, or
 * $MOTE_TRACE), opened once for writing to report a path that cannot be
 * written with the OS's reason, before any simulator is built.  0 or
 * MOTE_ERROR_IO. */
int mote__trace_check(const char *trace, size_t len, char *msg);

/* What the simulator library has, in words ("4x4, 8x8, 16x16; boards:
 * icebreaker"), into BUF of CAP bytes (backend_sim.c). */
void mote__sim_builds(char *buf, size_t cap);

/* Test hook (driver tests only): WRAP is called once the backend is open and
 * may replace its table and handle with a wrapper of them (the wrapper's
 * close must close the original).  mote_open_ex otherwise. */
typedef void (*mote__wrap_fn)(void *ctx, const struct mote_backend_ops **ops, void **be);
int mote__open_wrapped(const char *uri, const struct mote_open_options *opts, mote__wrap_fn wrap, void *ctx,
		       mote_device **out);

/* ---- device state ------------------------------------------------------------ */

/* A block of device memory; the blocks of a device tile [WINDOW_ALIGN,
 * mem_size) in address order.  Used blocks are the mote_buffer handles. */
struct mote_buffer {
	struct mote_buffer *prev, *next;
	uint64_t addr, size;
	int used;
	int pinned;    /* named by the running job (or by one whose end is unknown) */
	unsigned xfer; /* transfers in progress on it (lock released meanwhile) */
};

/* A first-come first-served lock: a thread that releases it and asks again
 * at once queues behind those already waiting (a plain mutex lets it take the
 * lock straight back, and a long transfer then starves a register read). */
struct mote_fifo_lock {
	pthread_mutex_t m;
	pthread_cond_t turn;
	unsigned long next, serving; /* tickets handed out, the ticket served */
};

/* Two locks: LOCK guards the state below and is held only for bookkeeping
 * and short register sequences; IO serialises backend calls, in the order
 * they asked.  Order: LOCK may be held while taking IO, never the other way
 * round.  Long transfers and waits hold IO only, in chunks, so other threads'
 * state calls (and their own transfers, between chunks) get in. */
struct mote_device {
	struct mote_alloc_hooks hooks;
	pthread_mutex_t lock;
	struct mote_fifo_lock io;
	const struct mote_backend_ops *ops;
	void *be;
	char *uri;
	struct mote_device_info info;
	struct mote_buffer *blocks;
	uint32_t wdt_cycles;
	/* Jobs: only the last one is remembered. */
	mote_job last_job;
	int running;
	int last_rc;
	struct mote_job_result last_result;
	/* The device stopped answering while a job ran or started: the job's
	 * buffers stay pinned until the device answers again (mote__revive). */
	int lost;
};

/* Host allocation through the device's (or the open options') hooks. */
void *mote__alloc(const struct mote_alloc_hooks *h, size_t size);
void mote__free(const struct mote_alloc_hooks *h, void *p);
char *mote__strndup(const struct mote_alloc_hooks *h, const char *s, size_t n);

/* Device memory allocator (mote_buffer.c), lock held. */
int mote__heap_init(mote_device *dev);
void mote__heap_destroy(mote_device *dev);
struct mote_buffer *mote__buffer_lookup(mote_device *dev, const mote_buffer *buf);

/* Jobs (mote_job.c), lock held.  shutdown: abort a running job and wait for
 * it to end (mote_close).  revive: a lost device answers again? Then whatever
 * ran is stopped and collected and the pins are released: 0, else LOST. */
void mote__job_shutdown(mote_device *dev);
int mote__revive(mote_device *dev);

#define MOTE_LOCK(dev) pthread_mutex_lock(&(dev)->lock)
#define MOTE_UNLOCK(dev) pthread_mutex_unlock(&(dev)->lock)
int mote__fifo_lock_init(struct mote_fifo_lock *l);
void mote__fifo_lock_destroy(struct mote_fifo_lock *l);
void mote__fifo_lock(struct mote_fifo_lock *l);
void mote__fifo_unlock(struct mote_fifo_lock *l);
#define MOTE_IO_LOCK(dev) mote__fifo_lock(&(dev)->io)
#define MOTE_IO_UNLOCK(dev) mote__fifo_unlock(&(dev)->io)

#endif
