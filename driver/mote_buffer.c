/* mote_buffer.c: device-memory allocator and buffer access.
 *
 * The device memory [MOTE_WINDOW_ALIGN, mem_size) is tiled by a list of
 * blocks in address order, each free or used; allocation is first fit with a
 * split, freeing merges a block with free neighbours.  A used block is the
 * caller's mote_buffer handle.  Handles are only ever compared against the
 * list before use, never dereferenced blindly, so a stale or foreign handle
 * is reported (NOT_FOUND) instead of corrupting the list.  Allocation takes
 * a new node for the used part, so a freed handle is not immediately reused.
 *
 * Bytes move without the device lock: a transfer marks its buffer (xfer, so
 * it cannot be freed meanwhile), drops the lock and moves the bytes in chunks
 * under the io mutex only, so other threads' calls get in between chunks.
 * Nothing here needs a host mapping of device memory: a backend without one
 * gets bulk transfers (and mem_fill, when it has it, for zeroing).
 */
#include <string.h>

#include "mote_priv.h"

static struct mote_buffer *new_block(mote_device *dev, uint64_t addr, uint64_t size)
{
	struct mote_buffer *b = mote__alloc(&dev->hooks, sizeof(*b));
	if (b) {
		memset(b, 0, sizeof(*b));
		b->addr = addr;
		b->size = size;
	}
	return b;
}

/* Bytes moved per hold of the io mutex. */
#define XFER_CHUNK ((size_t)16 << 10)

int mote__heap_init(mote_device *dev)
{
	uint64_t base = MOTE_WINDOW_ALIGN, top = dev->info.mem_size;
	/* What the device reports: the 32-bit address space at most, whole blocks. */
	if (top > ((uint64_t)1 << 32))
		top = (uint64_t)1 << 32;
	top &= ~(uint64_t)(MOTE_WINDOW_ALIGN - 1);
	if (top <= base)
		return MOTE_ERROR_BAD_DEVICE;
	dev->info.mem_size = top;
	dev->blocks = new_block(dev, base, top - base);
	return dev->blocks ? MOTE_SUCCESS : MOTE_ERROR_NO_MEM;
}

void mote__heap_destroy(mote_device *dev)
{
	struct mote_buffer *b = dev->blocks;
	while (b) {
		struct mote_buffer *next = b->next;
		mote__free(&dev->hooks, b);
		b = next;
	}
	dev->blocks = NULL;
}

struct mote_buffer *mote__buffer_lookup(mote_device *dev, const mote_buffer *buf)
{
	for (struct mote_buffer *b = dev->blocks; b; b = b->next)
		if (b == buf)
			return b->used ? b : NULL;
	return NULL;
}

/* Move [addr, addr+len) in chunks, io held per chunk; lock not held.
 * DIR: 0 read into DST, 1 write from SRC, 2 fill with zeros. */
static int xfer(mote_device *dev, int dir, uint64_t addr, void *dst, const void *src, size_t len)
{
	const struct mote_backend_ops *o = dev->ops;
	static const uint8_t zeros[256];
	size_t done = 0;
	int rc = MOTE_SUCCESS;
	while (done < len && !rc) {
		size_t n = len - done < XFER_CHUNK ? len - done : XFER_CHUNK;
		MOTE_IO_LOCK(dev);
		uint8_t *mem = o->mem_ptr ? o->mem_ptr(dev->be) : NULL;
		if (dir == 2 && mem) {
			memset(mem + addr + done, 0, n);
		} else if (dir == 2 && o->mem_fill) {
			rc = o->mem_fill(dev->be, addr + done, 0, n);
		} else if (dir == 2) {
			for (size_t k = 0; k < n && !rc; k += sizeof zeros)
				rc = o->mem_write(dev->be, addr + done + k, zeros, n - k < sizeof zeros ? n - k : sizeof zeros);
		} else if (dir == 1) {
			rc = o->mem_write(dev->be, addr + done, (const uint8_t *)src + done, n);
		} else {
			rc = o->mem_read(dev->be, addr + done, (uint8_t *)dst + done, n);
		}
		MOTE_IO_UNLOCK(dev);
		done += n;
	}
	return rc;
}

int mote_buffer_alloc(mote_device *dev, size_t size, mote_buffer **out)
{
	uint64_t want;
	if (!out)
		return MOTE_ERROR_INVALID_ARG;
	*out = NULL;
	if (!dev || size == 0)
		return MOTE_ERROR_INVALID_ARG;
	if (__builtin_add_overflow((uint64_t)size, (uint64_t)(MOTE_WINDOW_ALIGN - 1), &want))
		return MOTE_ERROR_NO_DEVICE_MEM;
	want &= ~(uint64_t)(MOTE_WINDOW_ALIGN - 1);

	MOTE_LOCK(dev);
	struct mote_buffer *f = dev->blocks;
	while (f && (f->used || f->size < want))
		f = f->next;
	if (!f) {
		MOTE_UNLOCK(dev);
		return MOTE_ERROR_NO_DEVICE_MEM;
	}
	struct mote_buffer *u = new_block(dev, f->addr, want);
	if (!u) {
		MOTE_UNLOCK(dev);
		return MOTE_ERROR_NO_MEM;
	}
	/* u takes the front of f; f keeps the rest or leaves the list. */
	u->used = 1;
	u->xfer = 1; /* not the caller's yet: nobody can free it while it is zeroed */
	u->prev = f->prev;
	u->next = f;
	if (f->prev)
		f->prev->next = u;
	else
		dev->blocks = u;
	f->prev = u;
	f->addr += want;
	f->size -= want;
	if (f->size == 0) {
		u->next = f->next;
		if (f->next)
			f->next->prev = u;
		mote__free(&dev->hooks, f);
	}
	uint64_t addr = u->addr, n = u->size;
	MOTE_UNLOCK(dev);
	int rc = xfer(dev, 2, addr, NULL, NULL, (size_t)n);
	MOTE_LOCK(dev);
	u->xfer = 0;
	MOTE_UNLOCK(dev);
	if (rc) {
		mote_buffer_free(dev, u);
		return rc;
	}
	*out = u;
	return MOTE_SUCCESS;
}

/* Unlink and free N, which follows P (both free): P absorbs N. */
static void absorb(mote_device *dev, struct mote_buffer *p, struct mote_buffer *n)
{
	p->size += n->size;
	p->next = n->next;
	if (n->next)
		n->next->prev = p;
	mote__free(&dev->hooks, n);
}

int mote_buffer_free(mote_device *dev, mote_buffer *buf)
{
	if (!dev || !buf)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	struct mote_buffer *b = mote__buffer_lookup(dev, buf);
	int rc = MOTE_ERROR_NOT_FOUND;
	if (b && ((b->pinned && (dev->running || dev->lost)) || b->xfer)) {
		rc = MOTE_ERROR_BUSY;
	} else if (b) {
		b->used = 0;
		b->pinned = 0;
		if (b->next && !b->next->used)
			absorb(dev, b, b->next);
		if (b->prev && !b->prev->used)
			absorb(dev, b->prev, b);
		rc = MOTE_SUCCESS;
	}
	MOTE_UNLOCK(dev);
	return rc;
}

int mote_buffer_addr(mote_device *dev, mote_buffer *buf, uint32_t *addr, size_t *size)
{
	if (!dev || !buf)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	struct mote_buffer *b = mote__buffer_lookup(dev, buf);
	if (b) {
		if (addr)
			*addr = (uint32_t)b->addr;
		if (size)
			*size = (size_t)b->size;
	}
	MOTE_UNLOCK(dev);
	return b ? MOTE_SUCCESS : MOTE_ERROR_NOT_FOUND;
}

/* Common checks of read/write: live buffer, [offset, offset+len) inside. */
static int span(mote_device *dev, mote_buffer *buf, size_t offset, size_t len, const void *data,
		struct mote_buffer **b)
{
	size_t end;
	if (!dev || !buf || (!data && len))
		return MOTE_ERROR_INVALID_ARG;
	*b = mote__buffer_lookup(dev, buf);
	if (!*b)
		return MOTE_ERROR_NOT_FOUND;
	if (__builtin_add_overflow(offset, len, &end) || end > (*b)->size)
		return MOTE_ERROR_RANGE;
	return MOTE_SUCCESS;
}

/* Check, mark, transfer without the lock, unmark. */
static int buffer_xfer(mote_device *dev, mote_buffer *buf, size_t offset, void *dst, const void *src, size_t len)
{
	struct mote_buffer *b;
	if (!dev)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	int rc = span(dev, buf, offset, len, src ? src : dst, &b);
	uint64_t addr = 0;
	if (!rc && len) {
		b->xfer++;
		addr = b->addr + offset;
	}
	MOTE_UNLOCK(dev);
	if (rc || !len)
		return rc;
	rc = xfer(dev, src ? 1 : 0, addr, dst, src, len);
	MOTE_LOCK(dev);
	b->xfer--;
	MOTE_UNLOCK(dev);
	return rc;
}

int mote_buffer_write(mote_device *dev, mote_buffer *buf, size_t offset, const void *src, size_t len)
{
	if (!src && len)
		return MOTE_ERROR_INVALID_ARG;
	return buffer_xfer(dev, buf, offset, NULL, src ? src : (const void *)"", len);
}

int mote_buffer_read(mote_device *dev, mote_buffer *buf, size_t offset, void *dst, size_t len)
{
	if (!dst && len)
		return MOTE_ERROR_INVALID_ARG;
	return buffer_xfer(dev, buf, offset, dst, NULL, len);
}

int mote_buffer_map(mote_device *dev, mote_buffer *buf, void **ptr)
{
	if (!ptr)
		return MOTE_ERROR_INVALID_ARG;
	*ptr = NULL;
	if (!dev || !buf)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	int rc = MOTE_ERROR_NOT_FOUND;
	struct mote_buffer *b = mote__buffer_lookup(dev, buf);
	if (b) {
		uint8_t *mem = dev->ops->mem_ptr ? dev->ops->mem_ptr(dev->be) : NULL; /* a constant: no io */
		rc = mem ? MOTE_SUCCESS : MOTE_ERROR_NOT_SUPPORTED;
		if (mem)
			*ptr = mem + b->addr;
	}
	MOTE_UNLOCK(dev);
	return rc;
}
