/* mote_device.c: backends by URI kind, open/close, device description, raw registers, link
 * statistics, allocation hooks. */
#include <stdlib.h>
#include <string.h>

#include "mote_priv.h"
#include "mote_uri.h"

static void *default_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void default_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static const struct mote_alloc_hooks k_default_hooks = {default_alloc, default_free, NULL};

void *mote__alloc(const struct mote_alloc_hooks *h, size_t size)
{
	return h->alloc(h->ctx, size ? size : 1);
}

void mote__free(const struct mote_alloc_hooks *h, void *p)
{
	if (p)
		h->free(h->ctx, p);
}

char *mote__strndup(const struct mote_alloc_hooks *h, const char *s, size_t n)
{
	size_t total;
	if (__builtin_add_overflow(n, (size_t)1, &total))
		return NULL;
	char *d = mote__alloc(h, total);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Read the identity and geometry registers into dev->info (open: no other
 * thread knows the device yet, no lock needed). */
static int read_identity(mote_device *dev, char *msg)
{
	const struct mote_backend_ops *o = dev->ops;
	uint32_t id = 0, ver = 0, geo = 0, feat = 0;
	struct mote_geometry *g = &dev->info.geometry;
	int rc = o->reg_read(dev->be, MOTE_REG_ID, &id);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_VERSION, &ver);
	if (rc) {
		mote__diag(msg, "the device did not answer a read of its ID and VERSION registers (%s)",
			   mote_error_name(rc));
		return rc;
	}
	/* Minor versions only add; a different major is another language. */
	if (id != MOTE_ID_MAGIC) {
		mote__diag(msg, "the device's ID register reads 0x%08x, not mote's 0x%08x: not a mote accelerator",
			   (unsigned)id, (unsigned)MOTE_ID_MAGIC);
		return MOTE_ERROR_BAD_DEVICE;
	}
	if ((ver >> 16) != MOTE_HW_VERSION_MAJOR) {
		mote__diag(msg, "the device speaks spec %u.%u; this driver speaks %u.x", (unsigned)(ver >> 16),
			   (unsigned)(ver & 0xffff), (unsigned)MOTE_HW_VERSION_MAJOR);
		return MOTE_ERROR_BAD_DEVICE;
	}
	rc = o->reg_read(dev->be, MOTE_REG_GEOMETRY, &geo);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_ABUF_DEPTH, &g->abuf_depth);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_WBUF_DEPTH, &g->wbuf_depth);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_BBUF_DEPTH, &g->bbuf_depth);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_ACC_DEPTH, &g->acc_depth);
	if (!rc)
		rc = o->reg_read(dev->be, MOTE_REG_FEATURES, &feat);
	if (rc)
		return rc;
	/* Perf counters kept and their width: spec 1.3 on (2.0 included); before, all of 64 bits. */
	uint32_t pcfg = 64, pset = (1u << MOTE_NUM_PERF) - 1;
	if (ver >> 16 > 1 || (ver & 0xffff) >= 3) {
		rc = o->reg_read(dev->be, MOTE_REG_PERF_CONFIG, &pcfg);
		if (!rc)
			rc = o->reg_read(dev->be, MOTE_REG_PERF_SET, &pset);
		if (rc)
			return rc;
		pcfg = (pcfg & MOTE_PERF_CONFIG_WIDTH_MASK) >> MOTE_PERF_CONFIG_WIDTH_LSB;
	}
	const uint32_t need = 1u << MOTE_PERF_CYCLES | 1u << MOTE_PERF_MACS_USEFUL | 1u << MOTE_PERF_CMDS;
	if (pcfg < 16 || pcfg > 64 || (pset & need) != need || pset >> MOTE_NUM_PERF) {
		mote__diag(msg, "the device reports perf counters of %u bits, set 0x%x: not a valid configuration",
			   (unsigned)pcfg, (unsigned)pset);
		return MOTE_ERROR_BAD_DEVICE;
	}
	dev->info.perf_width = pcfg;
	dev->info.perf_set = pset;
	g->rows = (geo & MOTE_GEOMETRY_ROWS_MASK) >> MOTE_GEOMETRY_ROWS_LSB;
	g->cols = (geo & MOTE_GEOMETRY_COLS_MASK) >> MOTE_GEOMETRY_COLS_LSB;
	g->mem_bytes = (geo & MOTE_GEOMETRY_MEM_BYTES_MASK) >> MOTE_GEOMETRY_MEM_BYTES_LSB;
	g->features = feat;
	dev->info.hw_version = ver;
	dev->info.num_windows = (geo & MOTE_GEOMETRY_WINDOWS_MASK) >> MOTE_GEOMETRY_WINDOWS_LSB;
	if (g->rows == 0 || g->cols == 0 || g->mem_bytes == 0 || dev->info.num_windows != MOTE_NUM_WINDOWS) {
		mote__diag(msg, "the device's GEOMETRY register reads 0x%08x: %ux%u, a %u-byte bus, %u windows (%u expected)",
			   (unsigned)geo, g->rows, g->cols, g->mem_bytes, dev->info.num_windows, MOTE_NUM_WINDOWS);
		return MOTE_ERROR_BAD_DEVICE;
	}
	return MOTE_SUCCESS;
}

/* URI kind -> backend.  A kind without an entry is not built in. */
static const struct {
	enum mote_uri_kind kind;
	mote_backend_open_fn open;
} k_backends[] = {
	{MOTE_URI_SIM, mote__sim_open},
	{MOTE_URI_SIMLINK, mote__simlink_open},
	{MOTE_URI_USB, mote__usb_open},
};

/* mote_open_diag with the test hook. */
static int open_device(const char *uri, const struct mote_open_options *opts, mote__wrap_fn wrap, void *ctx,
		       mote_device **out, char *msg)
{
	const struct mote_alloc_hooks *h = &k_default_hooks;
	struct mote_uri u;
	if (!out) {
		mote__diag(msg, "no place for the device handle (OUT is NULL)");
		return MOTE_ERROR_INVALID_ARG;
	}
	*out = NULL;
	if (!uri) {
		mote__diag(msg, "no device URI (NULL)");
		return MOTE_ERROR_INVALID_ARG;
	}
	if (opts && opts->hooks) {
		if (!opts->hooks->alloc || !opts->hooks->free) {
			mote__diag(msg, "allocation hooks without alloc or free");
			return MOTE_ERROR_INVALID_ARG;
		}
		h = opts->hooks;
	}
	int rc = mote_uri_parse_diag(uri, &u, msg);
	if (rc)
		return rc;
	mote_backend_open_fn open = NULL;
	for (size_t i = 0; i < sizeof k_backends / sizeof k_backends[0]; i++)
		if (k_backends[i].kind == u.kind)
			open = k_backends[i].open;
	if (!open) {
		mote__diag(msg, "no backend for this kind of device in this build");
		return MOTE_ERROR_NOT_SUPPORTED;
	}

	mote_device *dev = mote__alloc(h, sizeof(*dev));
	if (!dev)
		return MOTE_ERROR_NO_MEM;
	memset(dev, 0, sizeof(*dev));
	dev->hooks = *h;
	dev->wdt_cycles = MOTE_DEFAULT_WDT_CYCLES;
	dev->uri = mote__strndup(h, uri, strlen(uri));
	if (!dev->uri) {
		mote__free(h, dev);
		return MOTE_ERROR_NO_MEM;
	}
	if (pthread_mutex_init(&dev->lock, NULL) != 0) {
		mote__free(h, dev->uri);
		mote__free(h, dev);
		return MOTE_ERROR_NO_MEM;
	}
	if (mote__fifo_lock_init(&dev->io) != 0) {
		pthread_mutex_destroy(&dev->lock);
		mote__free(h, dev->uri);
		mote__free(h, dev);
		return MOTE_ERROR_NO_MEM;
	}
	uint64_t mem_size = 0;
	rc = open(&u, h, &dev->ops, &dev->be, &mem_size, msg);
	if (!rc) {
		if (wrap)
			wrap(ctx, &dev->ops, &dev->be);
		dev->info.backend = dev->ops->name;
		dev->info.uri = dev->uri;
		dev->info.mem_size = mem_size;
		rc = read_identity(dev, msg);
	}
	if (!rc)
		rc = mote__heap_init(dev);
	if (rc) {
		mote__diag(msg, "%s", mote_strerror(rc));
		mote_close(dev);
		return rc;
	}
	*out = dev;
	return MOTE_SUCCESS;
}

int mote__open_wrapped(const char *uri, const struct mote_open_options *opts, mote__wrap_fn wrap, void *ctx,
		       mote_device **out)
{
	return open_device(uri, opts, wrap, ctx, out, NULL);
}

int mote_open_diag(const char *uri, const struct mote_open_options *opts, mote_device **out,
		   struct mote_open_diag *diag)
{
	if (diag)
		diag->msg[0] = '\0';
	int rc = open_device(uri, opts, NULL, NULL, out, diag ? diag->msg : NULL);
	if (rc)
		mote__diag(diag ? diag->msg : NULL, "%s", mote_strerror(rc));
	return rc;
}

int mote_open_ex(const char *uri, const struct mote_open_options *opts, mote_device **out)
{
	return mote__open_wrapped(uri, opts, NULL, NULL, out);
}

int mote_open(const char *uri, mote_device **out)
{
	return mote_open_ex(uri, NULL, out);
}

void mote_close(mote_device *dev)
{
	if (!dev)
		return;
	MOTE_LOCK(dev);
	if (dev->ops)
		mote__job_shutdown(dev);
	mote__heap_destroy(dev);
	if (dev->ops)
		dev->ops->close(dev->be);
	MOTE_UNLOCK(dev);
	mote__fifo_lock_destroy(&dev->io);
	pthread_mutex_destroy(&dev->lock);
	struct mote_alloc_hooks h = dev->hooks;
	mote__free(&h, dev->uri);
	mote__free(&h, dev);
}

int mote_device_info(mote_device *dev, struct mote_device_info *info)
{
	if (!dev || !info)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	*info = dev->info;
	MOTE_UNLOCK(dev);
	return MOTE_SUCCESS;
}

static int reg_check(mote_device *dev, uint32_t offset)
{
	if (!dev)
		return MOTE_ERROR_INVALID_ARG;
	if (offset % 4 || offset >= 0x1000)
		return MOTE_ERROR_RANGE;
	return MOTE_SUCCESS;
}

int mote_reg_read(mote_device *dev, uint32_t offset, uint32_t *value)
{
	int rc = reg_check(dev, offset);
	if (rc)
		return rc;
	if (!value)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_IO_LOCK(dev);
	rc = dev->ops->reg_read(dev->be, offset, value);
	MOTE_IO_UNLOCK(dev);
	return rc;
}

int mote_reg_write(mote_device *dev, uint32_t offset, uint32_t value)
{
	int rc = reg_check(dev, offset);
	if (rc)
		return rc;
	MOTE_IO_LOCK(dev);
	rc = dev->ops->reg_write(dev->be, offset, value);
	MOTE_IO_UNLOCK(dev);
	return rc;
}

double mote_sim_speed(mote_device *dev)
{
	if (!dev)
		return 0;
	MOTE_IO_LOCK(dev);
	double s = dev->ops->speed ? dev->ops->speed(dev->be) : 0;
	MOTE_IO_UNLOCK(dev);
	return s;
}

int mote_link_stats(mote_device *dev, struct mote_link_stats *st)
{
	if (!dev || !st)
		return MOTE_ERROR_INVALID_ARG;
	memset(st, 0, sizeof *st);
	if (!dev->ops->link_stats)
		return MOTE_ERROR_NOT_SUPPORTED;
	MOTE_IO_LOCK(dev);
	int rc = dev->ops->link_stats(dev->be, st);
	MOTE_IO_UNLOCK(dev);
	return rc;
}

/* ---- the IO lock: first come, first served -------------------------------------- */

int mote__fifo_lock_init(struct mote_fifo_lock *l)
{
	l->next = l->serving = 0;
	if (pthread_mutex_init(&l->m, NULL) != 0)
		return -1;
	if (pthread_cond_init(&l->turn, NULL) != 0) {
		pthread_mutex_destroy(&l->m);
		return -1;
	}
	return 0;
}

void mote__fifo_lock_destroy(struct mote_fifo_lock *l)
{
	pthread_cond_destroy(&l->turn);
	pthread_mutex_destroy(&l->m);
}

void mote__fifo_lock(struct mote_fifo_lock *l)
{
	pthread_mutex_lock(&l->m);
	unsigned long me = l->next++;
	while (me != l->serving)
		pthread_cond_wait(&l->turn, &l->m);
	pthread_mutex_unlock(&l->m);
}

void mote__fifo_unlock(struct mote_fifo_lock *l)
{
	pthread_mutex_lock(&l->m);
	l->serving++;
	pthread_cond_broadcast(&l->turn);
	pthread_mutex_unlock(&l->m);
}
