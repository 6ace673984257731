/* tfl_nets.h: int8 TFLite networks shaped like the four MLPerf Tiny
 * reference models, written by tfl_build.c with pseudo-random weights from
 * a fixed seed (the same bytes on every run), so that the tests of `make
 * test` need no model file from outside the repository.
 *
 * What they copy from the reference models (mlcommons/tiny; their operator
 * lists, layouts and quantization as tflite_dump.py reads them):
 *   - layouts: NHWC activations, CONV_2D weights [out][kh][kw][in],
 *     DEPTHWISE_CONV_2D weights [1][kh][kw][in * multiplier], FULLY_CONNECTED
 *     weights [out][in], int32 biases;
 *   - quantization: per-tensor int8 activations (zero point -128 after a
 *     RELU, anything else otherwise), per-channel conv and depthwise weights
 *     (quantized_dimension 0 and 3, zero points 0), per-tensor FULLY_CONNECTED
 *     weights, biases quantized with input scale * weight scale, SOFTMAX
 *     output 1/256 with zero point -128, pooling and RESHAPE keeping their
 *     input's quantization;
 *   - shapes and operators:
 *       resnet8    1x32x32x3 int8 (scale 1, zero point -128): ResNet-8 as
 *                  the reference's 16 operators in the same order (9 CONV_2D
 *                  3x3/1x1, three residual ADDs with RELU, AVERAGE_POOL_2D
 *                  8x8, RESHAPE, FULLY_CONNECTED 10, SOFTMAX);
 *       dscnn      1x49x10x1 int8 (scale 0.58, zero point 83): DS-CNN, a
 *                  10x4 CONV_2D of 64 (stride 1, SAME), MAX_POOL_2D 2x2 VALID
 *                  to 24x5, four depthwise-separable blocks of 64 (3x3
 *                  DEPTHWISE_CONV_2D, 1x1 CONV_2D, RELU), AVERAGE_POOL_2D
 *                  24x5, RESHAPE, FULLY_CONNECTED 12, SOFTMAX;
 *       dscnn_dm2  the same with a stem of 32 and the first depthwise
 *                  convolution of depth multiplier 2 (32 -> 64);
 *       mobilenet  1x96x96x3 float32: MobileNetV1 alpha 0.25 as Keras builds it
 *                  for visual wake words: QUANTIZE (1/255, -128), a 3x3
 *                  stride-2 CONV_2D of 8, 13 depthwise-separable blocks
 *                  (8..256 channels, RELU6), each stride-2 depthwise after a
 *                  PAD of one row and column at the bottom and right with
 *                  VALID padding, AVERAGE_POOL_2D 3x3, RESHAPE,
 *                  FULLY_CONNECTED 2, SOFTMAX, DEQUANTIZE to float32;
 *       fcae       1x640 int8 (scale 0.39, zero point 89): the autoencoder,
 *                  FULLY_CONNECTED 640-128-128-128-128-8-128-128-128-128-640
 *                  with RELU on all but the last.
 *   The differences from the reference models (MAX_POOL_2D, the depth
 *   multiplier, RELU6, PAD, QUANTIZE and DEQUANTIZE) put the operators the
 *   importer takes beyond the four models into networks of their size.
 *
 * Weights are uniform int8 in [-127, 127] with He-like scales; activation
 * scales and zero points are calibrated (min and max of the tensor, widened
 * by a random 0-10%) on a calibration input, evaluating the network in
 * double precision as its int8 form would compute it (every activation
 * rounded to its quantization), so activations use most of their range and
 * few saturate.  Biases are a random fraction of each channel's spread.
 */
#ifndef TFL_NETS_H
#define TFL_NETS_H

#include <stddef.h>
#include <stdint.h>

#include "tfl_build.h"

/* The networks; those from TN_DEVICE_COUNT on run in the reference
 * executor only: the compiler refuses them (a depthwise convolution with
 * depth multiplier 2 is a grouped convolution the array cannot take, and
 * there is no host kernel for it). */
enum tn_id { TN_RESNET8, TN_DSCNN, TN_MOBILENET, TN_FCAE, TN_DSCNN_DM2, TN_COUNT };
#define TN_DEVICE_COUNT TN_DSCNN_DM2

struct tn_net {
	const char *name;            /* tn_name(id) */
	struct tm_model m;           /* points into the memory below */
	uint8_t *bytes;              /* tm_build(&m): the .tflite file */
	size_t len;
	const char *in_name;         /* the graph input (TFLite's name) */
	int32_t in_type;             /* TFL_INT8 or TFL_FLOAT32 (enum tfl_type) */
	uint32_t in_rank;
	int32_t in_shape[4];
	void *input;                 /* a sample input from the seed given to tn_build */
	size_t input_bytes;
	void **mem;                  /* every allocation the model points into */
	size_t nmem, capmem;
};

/* Build network id into *n; its sample input from input_seed (int8 uniform
 * over all 256 values, or float32 uniform in [0, 1)).  Aborts when out of
 * memory (test code).  Free with tn_free. */
void tn_build(enum tn_id id, uint64_t input_seed, struct tn_net *n);

void tn_free(struct tn_net *n);

/* The name of network id ("resnet8", "dscnn", "mobilenet", "fcae", "dscnn_dm2"). */
const char *tn_name(enum tn_id id);

#endif
