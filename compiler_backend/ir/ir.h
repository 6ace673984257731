/* ir.h: the compiler's graph IR (not public).
 *
 * A graph is a list of tensors and a list of nodes in topological order.
 * Nodes name their operands by tensor index; a tensor holds its element type
 * (the ONNX TensorProto.DataType code), its shape (-1 for a dimension not
 * known yet) and, for constants, its data in little-endian element order.
 * Attributes keep the ONNX kinds that int8 models use (int, float, string,
 * ints, floats); the importer drops nothing silently: an attribute kind it
 * cannot hold is an error naming the node.
 *
 * Passes (quantization folding, fusion, placement, scheduling) read and
 * rewrite this structure; the importer is the only code that knows ONNX.
 */
#ifndef MOTE_IR_H
#define MOTE_IR_H

#include <stddef.h>
#include <stdint.h>

#include "core/cc_internal.h"

#define IR_MAX_RANK 8

/* Element types: the ONNX TensorProto.DataType codes (onnx.proto). */
enum ir_dtype {
	IR_FLOAT = 1,
	IR_UINT8 = 2,
	IR_INT8 = 3,
	IR_INT32 = 6,
	IR_INT64 = 7,
};

struct ir_tensor {
	char *name;
	int32_t dtype;               /* enum ir_dtype */
	uint32_t rank;
	int64_t dims[IR_MAX_RANK];   /* -1: not known */
	void *data;                  /* constant data or NULL */
	size_t nbytes;
	uint8_t is_input, is_output; /* a graph input or output */
	uint8_t is_derived;          /* made by a compiler pass: a layout of another tensor, not in the model */
	uint8_t is_host_const;       /* made by the compiler: a constant operand of a host step (data set) */
};

enum ir_attr_kind { IR_ATTR_INT, IR_ATTR_FLOAT, IR_ATTR_STRING, IR_ATTR_INTS, IR_ATTR_FLOATS };

struct ir_attr {
	char *name;
	enum ir_attr_kind kind;
	int64_t i;
	float f;
	char *s;
	int64_t *ints;
	float *floats;
	size_t n;                    /* elements of ints or floats */
};

struct ir_node {
	char *name;                  /* never NULL ("" if the model gives none) */
	char *op;                    /* ONNX op_type */
	uint32_t n_in, n_out;
	int32_t *in, *out;           /* tensor indices; -1 for an omitted optional input */
	struct ir_attr *attrs;
	size_t n_attrs;
};

/* The integer arithmetic of the model's front end, which the reference
 * executor, the host kernels and the lowering follow:
 *   ONNX: a real scale to a multiplier and shift (mote_cc_quantize_scale),
 *     one rounding half to even; ONNX's QLinearAdd / AveragePool semantics
 *     as the device computes them (mote_kernels.h ADD, AVGPOOL);
 *   TFLITE: TFLite's QuantizeMultiplier and its two roundings ties away from
 *     zero (mote_kernel_tfl_requant), its int8 ADD and AVERAGE_POOL_2D
 *     (ADD_TFL, AVGPOOL_TFL), QUANTIZE rounding ties away from zero;
 *   TFLITE_1R: as TFLITE, but convolutions and matrix products round once,
 *     half to even, with TFLite's multiplier and shift: what a device
 *     without the double-rounding mode computes (the reference a device run
 *     of a TFLite model is compared with, bit for bit).
 * Integer-operator attributes the TFLite importer sets: "mote_clamp" (two
 * ints, the output's [lo, hi] from a fused activation, on QLinearConv,
 * QLinearMatMul, QLinearAdd, QLinearAveragePool). */
enum ir_arith { IR_ARITH_ONNX = 0, IR_ARITH_TFLITE = 1, IR_ARITH_TFLITE_1R = 2 };

struct ir_graph {
	char *name;
	int64_t opset;               /* version of the default ("ai.onnx") domain */
	int32_t arith;               /* enum ir_arith */
	struct ir_tensor *t;
	size_t nt, capt;
	struct ir_node *n;
	size_t nn, capn;
};

/* Element size in bytes of a dtype, 0 for a type the IR does not hold. */
size_t ir_dtype_size(int32_t dtype);
const char *ir_dtype_name(int32_t dtype);

/* Index of the tensor called name, or -1. */
int32_t ir_find(const struct ir_graph *g, const char *name);

/* Append a tensor (name copied) with unknown type and shape; returns its
 * index or a negative status. */
int32_t ir_add_tensor(struct ir_graph *g, const char *name, struct mote_cc_diag *diag);

/* Append an empty node (name and op copied); *out points to it until the next append. */
int ir_add_node(struct ir_graph *g, const char *name, const char *op, struct ir_node **out,
		struct mote_cc_diag *diag);

/* Attribute called name of a node, or NULL. */
const struct ir_attr *ir_attr(const struct ir_node *n, const char *name);

/* Integer attribute called name (dflt when absent or not an int). */
int64_t ir_attr_int(const struct ir_node *n, const char *name, int64_t dflt);

/* cnt integers of attribute name into v (all dflt when absent); a present
 * attribute of another kind or length is MOTE_CC_EFORMAT naming the node. */
int ir_attr_ints(const struct ir_node *n, const char *name, int64_t *v, size_t cnt, int64_t dflt,
		 struct mote_cc_diag *diag);

/* A malloc'd copy of s, or NULL. */
char *ir_strdup(const char *s);

/* Number of elements of a tensor whose shape is fully known; -1 otherwise
 * (or on overflow past 2^62). */
int64_t ir_numel(const struct ir_tensor *t);

/* Bounds of the reference executor, which is also the compiler's shape
 * inference (model_prepare runs it once): every figure is checked before any
 * arithmetic or allocation that depends on it, so a hostile model is refused
 * at once with MOTE_CC_ERANGE naming the node instead of running for hours.
 *   IR_MAX_ELEMS   elements of a graph input or of a node's output (2^24);
 *   IR_MAX_MACS    multiply-accumulates of one convolution or matrix product,
 *                  and window positions of one pooling node (2^28: a second
 *                  or so, a few under ASan; the largest layer of ResNet-50 has
 *                  0.23 G);
 *   IR_MAX_WINDOW  a kernel size, stride, dilation or pad (4096). */
#define IR_MAX_ELEMS_LOG2 24
#define IR_MAX_MACS_LOG2 28
#define IR_MAX_ELEMS ((int64_t)1 << IR_MAX_ELEMS_LOG2)
#define IR_MAX_MACS ((int64_t)1 << IR_MAX_MACS_LOG2)
#define IR_MAX_WINDOW 4096

/* Product of n non-negative factors, or -1 when it passes limit (no overflow). */
int64_t ir_mul_bounded(const int64_t *f, size_t n, int64_t limit);

/* A 2-D window's kernel k[2] (1..IR_MAX_WINDOW), strides s[2] and dilations
 * d[2] (1..IR_MAX_WINDOW) and pads p[4] (0..IR_MAX_WINDOW) in range; else
 * MOTE_CC_EFORMAT naming the node, the attribute and its value. */
int ir_check_window(const struct ir_node *n, const int64_t k[2], const int64_t s[2], const int64_t d[2],
		    const int64_t p[4], struct mote_cc_diag *diag);

/* The output clamp of an integer node: [lo, hi] of the output type
 * (int8/uint8), narrowed by "mote_relu" (lo = the output zero point zp) and
 * "mote_clamp"; MOTE_CC_EFORMAT naming the node for a malformed clamp. */
int ir_out_clamp(const struct ir_node *n, int32_t dtype, int32_t zp, int32_t *lo, int32_t *hi,
		 struct mote_cc_diag *diag);

/* Free a node's members and zero it. */
void ir_node_free(struct ir_node *n);

void ir_graph_free(struct ir_graph *g);

#endif
