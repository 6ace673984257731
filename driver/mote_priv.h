/* mote_priv.h: libmote internals shared by the driver's source files. */
#ifndef MOTE_PRIV_H
#define MOTE_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include <mote/mote.h>

/* What a backend provides.  All calls are made with the device lock held. */
struct mote_backend_ops {
	const char *name;
	int (*reg_read)(void *be, uint32_t off, uint32_t *v);
	int (*reg_write)(void *be, uint32_t off, uint32_t v);
	int (*mem_write)(void *be, uint64_t addr, const void *src, size_t len);
	int (*mem_read)(void *be, uint64_t addr, void *dst, size_t len);
	/* Host pointer to device address 0, or NULL if memory cannot be mapped. */
	uint8_t *(*mem_ptr)(void *be);
	/* Let the device run for up to CYCLES (simulator) or a short while
	 * (hardware).  1: interrupt pending, 0: not yet, <0: mote_error. */
	int (*advance)(void *be, uint64_t cycles);
	double (*speed)(void *be);
	void (*close)(void *be);
};

/* A block of device memory; the blocks of a device tile [WINDOW_ALIGN,
 * mem_size) in address order.  Used blocks are the mote_buffer handles. */
struct mote_buffer {
	struct mote_buffer *prev, *next;
	uint64_t addr, size;
	int used;
	int pinned; /* named by the running job */
};

struct mote_device {
	struct mote_alloc_hooks hooks;
	pthread_mutex_t lock;
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
};

/* Host allocation through the device's (or the open options') hooks. */
void *mote__alloc(const struct mote_alloc_hooks *h, size_t size);
void mote__free(const struct mote_alloc_hooks *h, void *p);
char *mote__strndup(const struct mote_alloc_hooks *h, const char *s, size_t n);

/* Device memory allocator (mote_buffer.c), lock held. */
int mote__heap_init(mote_device *dev);
void mote__heap_destroy(mote_device *dev);
struct mote_buffer *mote__buffer_lookup(mote_device *dev, const mote_buffer *buf);

/* Abort a running job and wait for it to end (mote_close), lock held. */
void mote__job_shutdown(mote_device *dev);

/* Sim backend (backend_sim.c): parse-free open from a parsed URI. */
struct mote_uri;
int mote__sim_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		   const struct mote_backend_ops **ops, void **be, uint64_t *mem_size);

#define MOTE_LOCK(dev) pthread_mutex_lock(&(dev)->lock)
#define MOTE_UNLOCK(dev) pthread_mutex_unlock(&(dev)->lock)

#endif
