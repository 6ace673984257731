/* tfl_build.h: small TFLite files built in memory for the tests.
 *
 * A forward flatbuffer writer: objects are appended in order and a parent
 * is written before its children, so every uoffset points forward (as the
 * format requires).  Each table gets its own vtable just before it and one
 * 4-byte slot per field (a byte field takes the slot's low byte, which is
 * where a little-endian reader finds it).  On top of it, tm_build writes a
 * whole model from a plain description.  Field ids: tflite_read.c's list.
 */
#ifndef TFL_BUILD_H
#define TFL_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct tm_tensor {
	const char *name;
	int32_t type;                 /* TensorType */
	uint32_t rank;
	int32_t shape[6];
	uint32_t buffer;
	uint32_t nq;                  /* scales (0: no quantization table) */
	const float *scale;
	const int64_t *zp;
	int32_t qdim;
};

struct tm_op {
	uint32_t code;                /* index into codes */
	uint32_t nin, nout;
	int32_t in[4], out[2];
	uint32_t opt_type;            /* builtin_options_type (0: none) */
	uint32_t nopt;                /* option fields, all present, in field-id order */
	int32_t opt[8];               /* their values (a float as its bits) */
	uint32_t n_new_shape;         /* ReshapeOptions.new_shape, when opt_type is 17 */
	int32_t new_shape[4];
};

/* Room for networks of the MLPerf Tiny models' size (tfl_nets.c). */
#define TM_MAX_CODES 16
#define TM_MAX_BUFS 96
#define TM_MAX_TENSORS 128
#define TM_MAX_OPS 48

struct tm_model {
	uint32_t version;             /* 0 means 3 */
	uint32_t ncodes;
	int32_t codes[TM_MAX_CODES];  /* builtin_code (and the deprecated byte when < 127) */
	uint32_t nbuf;                /* buffers after the empty buffer 0 */
	const void *buf[TM_MAX_BUFS];
	size_t buf_len[TM_MAX_BUFS];
	uint32_t nt;
	struct tm_tensor t[TM_MAX_TENSORS];
	uint32_t nops;
	struct tm_op ops[TM_MAX_OPS];
	uint32_t nin, nout;
	int32_t in[2], out[2];
};

/* The model's bytes (free with free()); *len their count. */
uint8_t *tm_build(const struct tm_model *m, size_t *len);

#endif

/* A small CNN exercising every imported operator (weights from a fixed
 * generator): input x [1,4,4,2] int8 -> CONV_2D 3x3 SAME + RELU (4 ch,
 * per-channel) -> DEPTHWISE_CONV_2D 3x3 stride 2 SAME -> ADD (of that
 * tensor with itself) + RELU6 -> AVERAGE_POOL_2D 2x2 VALID (variant 1:
 * MAX_POOL_2D) -> RESHAPE [1,4] -> FULLY_CONNECTED 3 -> SOFTMAX; variant 2:
 * a PAD 1,1,1,1 ("x_padded") first and the CONV_2D VALID (the same layer).
 * Tensor names: "x", "conv", "dw", "add", "pool", "flat", "fc", "prob". */
void tm_tiny_cnn(struct tm_model *m, int variant);
