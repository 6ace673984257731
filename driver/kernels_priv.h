/* kernels_priv.h: host kernels kept in files of their own (not public). */
#ifndef MOTE_KERNELS_PRIV_H
#define MOTE_KERNELS_PRIV_H

#include "mote/mote_kernels.h"

/* MOTE_KOP_CONV (kernels_conv.c): in[0..3] x, weights, bias, mult and shift. */
int mote__kernel_conv(const int32_t *p, const struct mote_ktensor *in, struct mote_ktensor *y);

#endif
