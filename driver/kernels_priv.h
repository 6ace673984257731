/* kernels_priv.h: host kernels kept in files of their own (not public). */
#ifndef MOTE_KERNELS_PRIV_H
#define MOTE_KERNELS_PRIV_H

#include "mote/mote_kernels.h"

/* The STORE's rounding (mote_hw.spec): round_half_even(v * mult / 2^(shift & 63)),
 * the exact 64-bit product; the device's arithmetic for every host kernel that
 * gives the device's bytes (kernels.c). */
int64_t mote__kernel_requant(int32_t v, int32_t mult, int32_t shift);

/* MOTE_KOP_CONV (kernels_conv.c): in[0..3] x, weights, bias, mult and shift. */
int mote__kernel_conv(const int32_t *p, const struct mote_ktensor *in, struct mote_ktensor *y);

#endif
