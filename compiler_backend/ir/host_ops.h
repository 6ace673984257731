/* host_ops.h: IR nodes as host kernels of <mote/mote_kernels.h> (not public).
 *
 * The operators that run on the host (QuantizeLinear at the input,
 * DequantizeLinear and Softmax at the output, layout operators, and the
 * quantized pooling and add the folding pass produces) are described here
 * once: kernel, parameters, which inputs carry data, and the output's type
 * and shape.  The reference executor and the model compiler both use it.
 */
#ifndef MOTE_HOST_OPS_H
#define MOTE_HOST_OPS_H

#include "ir.h"
#include "mote/mote_kernels.h"

struct host_op {
	uint32_t op;                          /* enum mote_kernel_op */
	int32_t params[MOTE_KERNEL_NPARAMS];
	uint32_t n_data;                      /* data inputs */
	int32_t data[4];                      /* their tensor indices */
	int32_t out_dtype;
	uint32_t out_rank;
	int64_t out_dims[IR_MAX_RANK];
	float out_scale;                      /* quantization of the output (0: none known) */
	int32_t out_zp;
};

/* Describe node n as a host kernel.  Its data inputs must have known types
 * and shapes; its constant operands (scales, zero points, shapes) values.
 * Returns 0, MOTE_CC_ENOTSUP (no host kernel for this operator or this use
 * of it) or MOTE_CC_EFORMAT (inconsistent operands), with diag naming the
 * node. */
int host_op_of(const struct ir_graph *g, const struct ir_node *n, struct host_op *h, struct mote_cc_diag *diag);

/* 1 when OP is an operator mote has no use for at all: neither a host
 * kernel, nor a device operator, nor a float one the folding makes integer. */
int host_op_unknown(const char *op);

#endif
