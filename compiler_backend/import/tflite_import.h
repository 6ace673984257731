/* tflite_import.h: TFLite model bytes to the graph IR (not public). */
#ifndef MOTE_TFLITE_IMPORT_H
#define MOTE_TFLITE_IMPORT_H

#include <stddef.h>

#include "ir/ir.h"

/* Read (tflite_read.h) and import a TFLite model into the IR the ONNX
 * importer fills, with g->arith = IR_ARITH_TFLITE:
 *   - activations in the IR's layout: a rank-4 TFLite tensor (NHWC) is an
 *     NCHW IR tensor; a rank-4 graph input keeps its TFLite name, shape and
 *     layout and is followed by a layout node (Transpose, or Reshape where
 *     the two layouts hold the same bytes: C == 1 or H*W == 1), and a rank-4
 *     graph output is made the same way from its NCHW form, so callers give
 *     and get tensors exactly as TFLite does;
 *   - CONV_2D (OHWI weights) and DEPTHWISE_CONV_2D (1HWO, any depth
 *     multiplier: groups = input channels) become QLinearConv with OIHW
 *     weights and the int32 bias as its ninth input, SAME/VALID padding as
 *     explicit pads; FULLY_CONNECTED becomes QLinearMatMul ([K][N] weights,
 *     bias ninth); fused activations become the node's "mote_clamp";
 *   - ADD becomes QLinearAdd, AVERAGE_POOL_2D QLinearAveragePool, MAX_POOL_2D
 *     MaxPool, RESHAPE a Reshape (between the layouts as needed), SOFTMAX
 *     from int8 to int8 (uint8 to uint8) MoteTflSoftmax (TFLite's integer
 *     softmax, host kernel SOFTMAX_TFL; the output must have scale 1/256 and
 *     zero point -128, or 0 for uint8), otherwise DequantizeLinear -> Softmax
 *     (float) [-> QuantizeLinear], QUANTIZE QuantizeLinear
 *     (float in) or QLinearRequantize (int8/uint8 in: TFLite's integer
 *     rescale, host kernel REQUANT_TFL), DEQUANTIZE DequantizeLinear; a PAD of height and width
 *     (with the zero point) makes no node: it folds into the pads of the
 *     CONV_2D or DEPTHWISE_CONV_2D reading it (anything else reading it is
 *     refused).
 * Every other operator, and every use of one outside what is listed, is
 * refused naming the operator and its index ("tflite: operators[7] (PAD):
 * ...").  Node names are "operators[i]" (helpers "operators[i]/what").
 * Returns 0 or a negative MOTE_CC_* status; on failure *g is empty. */
int mote_tflite_import(const void *buf, size_t len, struct ir_graph *g, struct mote_cc_diag *diag);

#endif
