/* cc_internal.h: helpers shared by the compiler backend sources (not public).
 *
 * cc_fail() records a reason in an optional diag and returns the status, so a
 * failing check reads as one line: return cc_fail(diag, MOTE_CC_EINVAL, "...").
 */
#ifndef MOTE_CC_INTERNAL_H
#define MOTE_CC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote_compiler.h"

/* SQLite-style markers for conditions believed impossible. */
#define CC_NEVER(x) __builtin_expect(!!(x), 0)

int cc_fail(struct mote_cc_diag *diag, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Checked size arithmetic: 0 on success, nonzero on overflow. */
static inline int cc_mul_sz(size_t a, size_t b, size_t *r)
{
	return __builtin_mul_overflow(a, b, r);
}

static inline int cc_add_sz(size_t a, size_t b, size_t *r)
{
	return __builtin_add_overflow(a, b, r);
}

/* Convolution groups: 0 means 1. */
static inline uint32_t cc_groups(const struct mote_cc_conv *op)
{
	return op->groups ? op->groups : 1;
}

/* Is v representable in a dtype (INT8, UINT8)? */
int cc_in_range(enum mote_cc_dtype t, int64_t v);

/* Value of input byte b interpreted as t (INT8 or UINT8). */
static inline int32_t cc_byte_value(enum mote_cc_dtype t, uint8_t b)
{
	return t == MOTE_CC_UINT8 ? (int32_t)b : (int32_t)(int8_t)b;
}

/* Little-endian stores used for blobs and commands. */
static inline void cc_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t cc_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* mote_cc_plan_conv and mote_cc_emit_conv with a tiling for size: byte_cost
 * cycles charged per command byte by a one-queue device's tiling (the model
 * compiler's retries when a model outgrows the device's memory; 0 is the
 * public functions' choice). */
int cc_plan_conv_cost(const struct mote_geometry *g, const struct mote_cc_conv *op, uint32_t byte_cost,
		      struct mote_cc_plan *plan, struct mote_cc_diag *diag);
/* The kernel window of op as channels (stack_rows.c): *st, the 1x1
 * convolution over MOTE_KOP_STACK_ROWS's im2col input (p5 = k_w), with
 * op's weights as they are.  0, mote_cc_conv_check's status, ENOTSUP
 * (groups), ERANGE. */
int cc_conv_stack_window(const struct mote_cc_conv *op, struct mote_cc_conv *st, struct mote_cc_diag *diag);

int cc_emit_conv_cost(const struct mote_geometry *g, const struct mote_cc_conv *op, uint32_t byte_cost,
		      const struct mote_cc_addrs *a, const struct mote_cc_bufs *bufs, struct mote_cc_plan *plan,
		      struct mote_cc_diag *diag);

#endif
