/* tflite_read.h: a TFLite flatbuffer (schema version 3) read into plain C
 * structures (not public).
 *
 * The reader is ours (no flatbuffers library is packaged for Debian 12).  It
 * checks what the flatbuffers verifier checks before any value is used:
 * every offset lands inside the buffer, every vtable and table lies inside
 * it, every field inside its table, every vector's length fits what is left,
 * every string ends in its NUL; and it bounds the work a file can ask for
 * (tables opened plus vector elements copied), so a small file whose
 * offsets share one large vector many times is refused instead of read for
 * hours.  Offsets are summed in 64 bits, so an offset that would wrap around
 * to an earlier position (the only way to make a cycle) points past the end.
 * Then the model's own consistency: schema version 3, operator code, tensor
 * and buffer indices in range, quantization vectors of matching lengths,
 * each operator's builtin_options of the type its code needs.
 *
 * Errors are MOTE_CC_EFORMAT (malformed), MOTE_CC_ENOTSUP (valid TFLite this
 * reader does not take: rank above 8, several subgraphs used as the
 * model...), MOTE_CC_ERANGE or MOTE_CC_ENOMEM, with diag naming the field:
 *   "tflite: operators[12].inputs: vector runs past the end of the buffer".
 * Paths inside subgraph 0 start at its field (tensors[3].quantization.scale);
 * others at the model's (operator_codes[2], buffers[7], subgraphs[1]).
 */
#ifndef MOTE_TFLITE_READ_H
#define MOTE_TFLITE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/cc_internal.h"

#define TFL_MAX_RANK 8

/* TensorType (schema.fbs) values the importer knows by name. */
enum tfl_type {
	TFL_FLOAT32 = 0,
	TFL_INT32 = 2,
	TFL_UINT8 = 3,
	TFL_INT64 = 4,
	TFL_INT8 = 9,
};

/* BuiltinOperator values of the operators the four MLPerf Tiny models use
 * (and PAD, MEAN); tfl_op_name() names every code. */
enum tfl_builtin {
	TFL_OP_ADD = 0,
	TFL_OP_AVERAGE_POOL_2D = 1,
	TFL_OP_CONV_2D = 3,
	TFL_OP_DEPTHWISE_CONV_2D = 4,
	TFL_OP_DEQUANTIZE = 6,
	TFL_OP_FULLY_CONNECTED = 9,
	TFL_OP_MAX_POOL_2D = 17,
	TFL_OP_RESHAPE = 22,
	TFL_OP_SOFTMAX = 25,
	TFL_OP_PAD = 34,
	TFL_OP_QUANTIZE = 114,
};

/* BuiltinOptions union types read (schema.fbs union BuiltinOptions). */
enum tfl_opt_type {
	TFL_OPT_NONE = 0,
	TFL_OPT_CONV2D = 1,
	TFL_OPT_DEPTHWISE_CONV2D = 2,
	TFL_OPT_POOL2D = 5,
	TFL_OPT_FULLY_CONNECTED = 8,
	TFL_OPT_SOFTMAX = 9,
	TFL_OPT_ADD = 11,
	TFL_OPT_RESHAPE = 17,
	TFL_OPT_PAD = 22,
	TFL_OPT_DEQUANTIZE = 38,
	TFL_OPT_QUANTIZE = 89,
};

/* Padding and ActivationFunctionType (schema.fbs). */
enum { TFL_PAD_SAME = 0, TFL_PAD_VALID = 1 };
enum { TFL_ACT_NONE = 0, TFL_ACT_RELU = 1, TFL_ACT_RELU_N1_TO_1 = 2, TFL_ACT_RELU6 = 3, TFL_ACT_TANH = 4 };

struct tfl_quant {
	uint32_t n;                  /* scales (0: the tensor is not quantized) */
	float *scale;                /* [n] */
	int64_t *zero_point;         /* [n] (zeros when the file has none) */
	int32_t dim;                 /* quantized_dimension (per-channel: n > 1) */
};

struct tfl_tensor {
	char *name;                  /* "" when the file has none */
	int32_t type;                /* enum tfl_type (any TensorType value) */
	uint32_t rank;
	int32_t shape[TFL_MAX_RANK];
	uint32_t buffer;             /* index into buffers (0: the empty buffer) */
	struct tfl_quant q;
};

struct tfl_buffer {
	const uint8_t *data;         /* into the caller's bytes, or NULL */
	size_t size;
};

/* The options of the operator types in enum tfl_opt_type; unused fields 0. */
struct tfl_options {
	int32_t padding, stride_w, stride_h, dilation_w, dilation_h, activation;
	int32_t depth_multiplier, filter_w, filter_h;
	int32_t weights_format, keep_num_dims;
	float beta;
	uint32_t n_new_shape;        /* ReshapeOptions.new_shape (absent: 0) */
	int32_t new_shape[TFL_MAX_RANK];
};

struct tfl_op {
	uint32_t opcode_index;
	int32_t builtin;             /* max(builtin_code, deprecated_builtin_code) */
	uint32_t n_in, n_out;
	int32_t *in, *out;           /* tensor indices; -1: an omitted optional input */
	uint32_t options_type;       /* enum tfl_opt_type value found in the file */
	struct tfl_options opt;
};

struct tfl_model {
	uint32_t version;
	uint32_t n_codes;
	int32_t *codes;              /* builtin code of each operator code */
	uint32_t n_buffers;
	struct tfl_buffer *buffers;
	uint32_t n_subgraphs;        /* only subgraph 0 is read */
	uint32_t n_tensors;
	struct tfl_tensor *tensors;
	uint32_t n_ops;
	struct tfl_op *ops;
	uint32_t n_inputs, n_outputs;
	int32_t *inputs, *outputs;
};

/* Does buf look like a TFLite file (identifier "TFL3" at bytes 4..7)? */
int tfl_is_tflite(const void *buf, size_t len);

/* Read and check a TFLite file.  On success *m owns everything but the
 * buffers' data, which points into buf (keep buf alive); free with
 * tfl_model_free.  On failure *m is empty.  Returns 0 or a negative
 * MOTE_CC_* status (above) with diag naming the field. */
int tfl_read(const void *buf, size_t len, struct tfl_model *m, struct mote_cc_diag *diag);

void tfl_model_free(struct tfl_model *m);

/* The BuiltinOperator name of a code ("CONV_2D"), or NULL for a code this
 * table does not hold. */
const char *tfl_op_name(int32_t builtin);

/* The options type an operator code needs (TFL_OPT_NONE for none or for a
 * code whose options the reader does not read). */
uint32_t tfl_options_type_of(int32_t builtin);

#endif
