/* lower.h: one IR node onto the accelerator's convolution (not public).
 *
 * QLinearConv and ConvInteger (2-D, any group) and QLinearMatMul and
 * MatMulInteger become a struct mote_cc_conv over NHWC activations and
 * [kh][kw][cin/groups][cout] weights, run once per batch item (per leading index of
 * a MatMul whose B is batched).  The ONNX tensors are NCHW (conv) or
 * [..., M, K] row-major (MatMul); lower_pack_input / lower_unpack_output
 * move one job's data between the two layouts.  All operands except the
 * activation must have values (initializers, or inputs a caller has set).
 */
#ifndef MOTE_LOWER_H
#define MOTE_LOWER_H

#include "ir/host_ops.h"
#include "ir/ir.h"

struct lowered {
	struct mote_cc_conv conv;        /* weights, bias, mult, shift point into this struct's arrays */
	int8_t *weights;
	int32_t *bias, *mult, *shift;
	int is_matmul;
	uint32_t jobs;                   /* batch items: one device job each */
	int32_t x, y;                    /* activation and output tensor indices */
	int b_batched;                   /* MatMul: B differs per job */
	const struct ir_tensor *b_src;   /* MatMul: B, for per-job weights */
	size_t in_bytes, out_bytes;      /* per job, in the device layout */
	size_t out_elem;                 /* output element bytes */
	int32_t y_dtype;                 /* the output tensor's type and shape */
	uint32_t y_rank;
	int64_t y_dims[IR_MAX_RANK];
};

/* Lower node n of g; on failure *L is empty and diag names the node. */
int lower_node(const struct ir_graph *g, const struct ir_node *n, struct lowered *L, struct mote_cc_diag *diag);

/* Job j: the weights for it (MatMul with batched B), and its input bytes in
 * the device layout (in_bytes) from the activation tensor's data. */
int lower_prepare_job(const struct ir_graph *g, struct lowered *L, uint32_t j, uint8_t *in);

/* Job j's device output (out_bytes) into the output tensor's data (which the
 * caller allocated with the full output size). */
void lower_unpack_output(const struct ir_graph *g, const struct lowered *L, uint32_t j, const uint8_t *out,
			 uint8_t *y);

/* A pooling node (MaxPool, QLinearAveragePool) with host description h
 * (host_op_of) as a device operator (lower_pool.c); MOTE_CC_ENOTSUP when it
 * cannot run there and stays on the host (diag says why). */
int lower_pool(const struct ir_graph *g, const struct ir_node *n, const struct host_op *h, struct lowered *L,
	       struct mote_cc_diag *diag);

void lower_free(struct lowered *L);

#endif
