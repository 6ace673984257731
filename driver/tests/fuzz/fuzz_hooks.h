/* fuzz_hooks.h: counting allocation hooks for the driver's fuzz targets
 * (fuzz_model.c, fuzz_cmd.c): a device opened with them
 * (mote_open_options.hooks = &hooks.h) counts its live host allocations, so
 * a target can check that an input gave back everything it took.
 */
#ifndef MOTE_FUZZ_HOOKS_H
#define MOTE_FUZZ_HOOKS_H

#include <stdlib.h>

#include <mote/mote.h>

struct hooks {
	struct mote_alloc_hooks h; /* {h_alloc, h_free, &this} */
	long live;                 /* allocations not freed yet */
};

static void *h_alloc(void *ctx, size_t n)
{
	void *p = malloc(n);
	if (p)
		((struct hooks *)ctx)->live++;
	return p;
}

static void h_free(void *ctx, void *p)
{
	if (p)
		((struct hooks *)ctx)->live--;
	free(p);
}

/* The hooks of h, counting into h->live. */
static inline void hooks_init(struct hooks *h)
{
	h->h = (struct mote_alloc_hooks){h_alloc, h_free, h};
	h->live = 0;
}

#endif /* MOTE_FUZZ_HOOKS_H */
