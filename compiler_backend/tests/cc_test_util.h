/* cc_test_util.h: helpers shared by the compiler backend's Check tests:
 * geometries, a seeded generator, and one end-to-end run of an operator
 * (plan -> emit into a device-memory image -> functional model). */
#ifndef CC_TEST_UTIL_H
#define CC_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote_compiler.h"
#include "mote/mote_fmodel.h"

/* Simulator default geometry for rows x cols (features INT32_OUT, XOR_MSB,
 * DEPTHWISE, STORE_ADD). */
struct mote_geometry tc_geom(uint32_t rows, uint32_t cols);

uint64_t tc_rand(uint64_t *s);
/* Uniform in [lo, hi]. */
int64_t tc_range(uint64_t *s, int64_t lo, int64_t hi);

struct tc_run {
	enum mote_fm_policy policy;
	uint32_t queue_depth;
	uint64_t seed;
	const uint8_t *operand; /* with op->add.on: the add's operand (the output's size) */
	/* results */
	struct mote_cc_plan plan;
	struct mote_fm_result res;
	int status;          /* builder status */
	int canary_ok;       /* nothing outside the output tensor changed */
	char why[256];
};

/* Build op for g, run it in the model on input, copy the output tensor to
 * out (plan.output_bytes).  Returns 0 when the model ran to completion without
 * a job error; otherwise nonzero with run->why explaining. */
int tc_run_conv(const struct mote_geometry *g, const struct mote_cc_conv *op, const uint8_t *input, void *out,
		struct tc_run *run);

#endif
