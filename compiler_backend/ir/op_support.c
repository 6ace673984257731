/* op_support.c: the ONNX operators the compiler takes, where each runs, and
 * how: the one table the placement's "unknown operator" check reads
 * (host_op_unknown) and `mote ops` prints (models/README.md's table is that
 * output, checked by test-cli). */
#include <stddef.h>
#include <string.h>

#include "mote/mote_compiler.h"

static const struct mote_cc_op_support k_ops[] = {
	{"QLinearConv", MOTE_CC_OP_DEVICE, "grouped: on the accelerator with DEPTHWISE and a depth multiplier of 1, "
					   "else on the host"},
	{"ConvInteger", MOTE_CC_OP_DEVICE, "as QLinearConv, int32 output"},
	{"QLinearMatMul", MOTE_CC_OP_DEVICE, "with a bias as a ninth input (ours)"},
	{"MatMulInteger", MOTE_CC_OP_DEVICE, "int32 output"},
	{"Conv", MOTE_CC_OP_FOLDED, "int8 operands through DequantizeLinear and its result into a QuantizeLinear: "
				    "QLinearConv"},
	{"MatMul", MOTE_CC_OP_FOLDED, "the same: QLinearMatMul"},
	{"Gemm", MOTE_CC_OP_FOLDED, "the same, alpha = beta = 1, transA = 0: QLinearMatMul"},
	{"Relu", MOTE_CC_OP_FOLDED, "joins the layer before it (clamp at its output zero point)"},
	{"Clip", MOTE_CC_OP_FOLDED, "constant bounds: joins the layer before it (ReLU6)"},
	{"BatchNormalization", MOTE_CC_OP_FOLDED, "with Div and Add after a Conv as PyTorch's QAT ConvBn exports them: "
						  "into the convolution"},
	{"Div", MOTE_CC_OP_FOLDED, "only in PyTorch's QAT ConvBn pattern"},
	{"Add", MOTE_CC_OP_FOLDED, "quantized operands: QLinearAdd"},
	{"LeakyRelu", MOTE_CC_OP_FOLDED, "between a DequantizeLinear and a QuantizeLinear: a table lookup on the host "
					 "(MOTE_KOP_LUT)"},
	{"Sigmoid", MOTE_CC_OP_FOLDED, "the same"},
	{"Tanh", MOTE_CC_OP_FOLDED, "the same"},
	{"HardSigmoid", MOTE_CC_OP_FOLDED, "the same"},
	{"HardSwish", MOTE_CC_OP_FOLDED, "the same"},
	{"Elu", MOTE_CC_OP_FOLDED, "the same"},
	{"AveragePool", MOTE_CC_OP_FOLDED, "quantized input: QLinearAveragePool (no QuantizeLinear after it: keeps "
					   "the input's quantization)"},
	{"GlobalAveragePool", MOTE_CC_OP_FOLDED, "the same"},
	{"QLinearAdd", MOTE_CC_OP_DEVICE, "fused into the convolution before it (STORE ADD), else on the host"},
	{"QLinearAveragePool", MOTE_CC_OP_DEVICE, "an all-ones depthwise convolution on the accelerator when it "
						  "plans there, else on the host"},
	{"MaxPool", MOTE_CC_OP_DEVICE, "on the accelerator (ACC_MAX) when it plans there, else on the host; after a "
				       "DequantizeLinear it runs on the integers"},
	{"QuantizeLinear", MOTE_CC_OP_HOST, "at the model's input; elsewhere folded"},
	{"DequantizeLinear", MOTE_CC_OP_HOST, "at the model's output; elsewhere folded"},
	{"Softmax", MOTE_CC_OP_HOST, "float, on the model's output"},
	{"Flatten", MOTE_CC_OP_HOST, "layout (a copy)"},
	{"Reshape", MOTE_CC_OP_HOST, "layout, constant shape"},
	{"Transpose", MOTE_CC_OP_HOST, "layout"},
	{"Concat", MOTE_CC_OP_HOST, "layout, at most 4 inputs"},
	{"Identity", MOTE_CC_OP_IMPORT, "removed"},
	{"Constant", MOTE_CC_OP_IMPORT, "becomes the constant tensor it defines"},
};

const struct mote_cc_op_support *mote_cc_op_support(size_t i)
{
	return i < sizeof k_ops / sizeof k_ops[0] ? &k_ops[i] : NULL;
}

const struct mote_cc_op_support *mote_cc_op_find(const char *op)
{
	for (size_t i = 0; op && i < sizeof k_ops / sizeof k_ops[0]; i++)
		if (!strcmp(k_ops[i].op, op))
			return &k_ops[i];
	return NULL;
}
