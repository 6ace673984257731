/* backend_simlink.c: the simulated board over the link protocol (not built yet). */
#include "mote_priv.h"

int mote__simlink_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		       const struct mote_backend_ops **ops, void **be, uint64_t *mem_size)
{
	(void)uri, (void)h, (void)ops, (void)be, (void)mem_size;
	return MOTE_ERROR_NOT_SUPPORTED;
}
