/* kernels_priv.h: host kernels kept in files of their own (not public). */
#ifndef MOTE_KERNELS_PRIV_H
#define MOTE_KERNELS_PRIV_H

#include "mote/mote_kernels.h"

/* The STORE's rounding (mote_hw.spec): round_half_even(v * mult / 2^(shift & 63)),
 * the exact 64-bit product; the device's arithmetic for every host kernel that
 * gives the device's bytes (kernels.c). */
int64_t mote__kernel_requant(int32_t v, int32_t mult, int32_t shift);

/* STORE ROUND_TFL's rounding, through TFLite's own functions (kernels_tflite.c):
 * mote_kernel_tfl_requant with exponent 31 - (shift & 63), the right shift at
 * most 31 (TFLite's saturating high multiply: the spec's STORE gives 2^31
 * where this gives 2^31 - 1, the same once clamped). */
int64_t mote__kernel_requant_tfl(int32_t v, int32_t mult, int32_t shift);

/* MOTE_KOP_CONV (kernels_conv.c): in[0..3] x, weights, bias, mult and shift. */
int mote__kernel_conv(const int32_t *p, const struct mote_ktensor *in, struct mote_ktensor *y);

/* MOTE_KOP_SOFTMAX_TFL (kernels_tflite.c): x into y along axis p0. */
int mote__kernel_softmax_tfl(const int32_t *p, const struct mote_ktensor *x, struct mote_ktensor *y);

#endif
