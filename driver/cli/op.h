/* op.h: one random int8 operator on a device, checked against the reference.
 *
 * op_make draws operands, zero points, bias and per-channel float32-exact
 * scales from a seed (the scales are chosen from the int32 accumulators so the
 * int8 outputs spread over their range) and computes the reference output;
 * op_execute builds the command stream for the device's geometry, places it
 * with the weights and bias in one read+execute window, the input in a read
 * window and the output in a write window, runs it and reads the output back.
 * With add, a residual add of a random operand tensor (its own read window) is
 * fused into the STOREs (STORE ADD), and the reference applies mote_ref_add.
 */
#ifndef MOTE_CLI_OP_H
#define MOTE_CLI_OP_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote.h"
#include "mote/mote_compiler.h"

struct op_args {
	int is_gemm;
	uint32_t m, k, n;
	uint32_t h, w, cin, cout, kh, kw, stride, pad, dil;
	uint32_t groups;  /* 0 or 1: dense; cin == cout == groups: depthwise */
	uint32_t seed;
	const char *device, *dump;
	int json, relu;
	int w_uint8;    /* weights as uint8 with a random zero point (correction passes) */
	int stack_rows; /* conv: run it on the device as mote_cc_conv_stack_rows over the
			 * stacked input (checked against the original convolution) */
	int pool;       /* OP_POOL_MAX (groups == cin == cout), OP_POOL_AVG: all-ones depthwise weights */
	int add;        /* fuse a residual add (STORE ADD) of a random operand */
	int round_tfl;  /* TFLite's multipliers (QuantizeMultiplier) and two roundings (STORE ROUND_TFL) */
	int progress;   /* a progress line on stderr while the job runs */
	int quiet;      /* --quiet: no progress line */
	int sparse;     /* 2:4: the random weights magnitude-pruned 2:4 (mote_cc_sparse_prune), the
			 * operator run with MATMUL SPARSE; the reference is the dense product */
};
enum { OP_POOL_NONE = 0, OP_POOL_MAX = 1, OP_POOL_AVG = 2 };

struct op_data {
	struct mote_cc_conv conv;  /* the operator (a GEMM is its 1x1 convolution) */
	struct mote_cc_gemm gemm;
	uint32_t out_h, out_w;
	size_t in_bytes, out_bytes, w_bytes;
	int8_t *input, *weights;
	int32_t *bias, *mult, *shift;
	double *scale;
	uint8_t *y_dev, *y_ref;
	uint8_t *operand;          /* with add: the operand (out_bytes) */
};

struct op_run {
	struct mote_cc_plan plan;
	struct mote_job_result result;
	double wall, sim_speed;
	int rc;          /* on failure: the driver's error, when a driver call failed (else 0) */
	uint64_t footprint; /* device memory the operator's buffers take (64-byte blocks) */
};

/* Make the operator's data and its reference result; the operator's device
 * memory (at least its tensors, then its planned stream on G) is held against
 * MEM first, so what cannot fit is refused before anything big is allocated
 * or computed (G NULL or MEM 0: no such check, the device's allocation
 * refuses instead: the system tests look at that refusal).  Returns 0, or -1
 * after printing the reason (cli_fail). */
int op_make(const struct op_args *a, struct op_data *d, const struct mote_geometry *g, uint64_t mem);
int op_execute(mote_device *dev, const struct mote_geometry *g, const struct op_args *a, struct op_data *d,
	       struct op_run *r);
/* Output bytes that differ between device and reference; prints the first
 * few when report is set. */
size_t op_mismatches(const struct op_data *d, int report);
/* The whole check of `mote gemm` / `mote conv` and of `mote selftest`:
 * op_make, op_execute, then *MISMATCHES = op_mismatches(d, report).
 * Returns 0 (the bytes compared: see *MISMATCHES), or -1 after printing the
 * reason (cli_fail; r->rc holds the driver's error when a driver call failed).
 * The caller frees D with op_free either way. */
int op_check(mote_device *dev, const struct mote_geometry *g, const struct op_args *a, struct op_data *d,
	     struct op_run *r, size_t *mismatches, int report);
/* Frees what op_make allocated (d stays zeroed-safe). */
void op_free(struct op_data *d);

#endif
