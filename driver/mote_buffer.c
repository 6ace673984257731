/* mote_buffer.c: device-memory allocator and buffer access.
 *
 * The device memory [MOTE_WINDOW_ALIGN, mem_size) is tiled by a list of
 * blocks in address order, each free or used; allocation is first fit with a
 * split, freeing merges a block with free neighbours.  A used block is the
 * caller's mote_buffer handle.  Handles are only ever compared against the
 * list before use, never dereferenced blindly, so a stale or foreign handle
 * is reported (NOT_FOUND) instead of corrupting the list.  Allocation takes
 * a new node for the used part, so a freed handle is not immediately reused.
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

int mote__heap_init(mote_device *dev)
{
	uint64_t base = MOTE_WINDOW_ALIGN;
	if (dev->info.mem_size <= base)
		return MOTE_ERROR_INVALID_ARG;
	dev->blocks = new_block(dev, base, dev->info.mem_size - base);
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

/* Zero device memory [addr, addr+size) (a fresh buffer). */
static int zero_range(mote_device *dev, uint64_t addr, uint64_t size)
{
	uint8_t *mem = dev->ops->mem_ptr ? dev->ops->mem_ptr(dev->be) : NULL;
	if (mem) {
		memset(mem + addr, 0, (size_t)size);
		return MOTE_SUCCESS;
	}
	static const uint8_t zeros[256];
	while (size) {
		size_t n = size < sizeof(zeros) ? (size_t)size : sizeof(zeros);
		int rc = dev->ops->mem_write(dev->be, addr, zeros, n);
		if (rc)
			return rc;
		addr += n;
		size -= n;
	}
	return MOTE_SUCCESS;
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
	int rc = MOTE_ERROR_NO_DEVICE_MEM;
	struct mote_buffer *f = dev->blocks;
	while (f && (f->used || f->size < want))
		f = f->next;
	if (f) {
		struct mote_buffer *u = new_block(dev, f->addr, want);
		rc = u ? MOTE_SUCCESS : MOTE_ERROR_NO_MEM;
		if (u) {
			/* u takes the front of f; f keeps the rest or leaves the list. */
			u->used = 1;
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
			rc = zero_range(dev, u->addr, u->size);
			if (rc) {
				MOTE_UNLOCK(dev);
				mote_buffer_free(dev, u);
				return rc;
			}
			*out = u;
		}
	}
	MOTE_UNLOCK(dev);
	return rc;
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
	if (b && b->pinned && dev->running) {
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

int mote_buffer_write(mote_device *dev, mote_buffer *buf, size_t offset, const void *src, size_t len)
{
	struct mote_buffer *b;
	if (!dev)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	int rc = span(dev, buf, offset, len, src, &b);
	if (!rc && len)
		rc = dev->ops->mem_write(dev->be, b->addr + offset, src, len);
	MOTE_UNLOCK(dev);
	return rc;
}

int mote_buffer_read(mote_device *dev, mote_buffer *buf, size_t offset, void *dst, size_t len)
{
	struct mote_buffer *b;
	if (!dev)
		return MOTE_ERROR_INVALID_ARG;
	MOTE_LOCK(dev);
	int rc = span(dev, buf, offset, len, dst, &b);
	if (!rc && len)
		rc = dev->ops->mem_read(dev->be, b->addr + offset, dst, len);
	MOTE_UNLOCK(dev);
	return rc;
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
		uint8_t *mem = dev->ops->mem_ptr ? dev->ops->mem_ptr(dev->be) : NULL;
		rc = mem ? MOTE_SUCCESS : MOTE_ERROR_NOT_SUPPORTED;
		if (mem)
			*ptr = mem + b->addr;
	}
	MOTE_UNLOCK(dev);
	return rc;
}
