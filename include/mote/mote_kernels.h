/* mote_kernels.h: the host kernels of a model, the operators a .mote file
 * runs on the host between device steps (quantize at the input, softmax at
 * the output, layout changes, and operators the accelerator lacks).
 *
 * One implementation serves both the runtime (libmote runs host steps with
 * it) and the compiler's reference executor, so the two can only differ in
 * what the device computes.  The code is in driver/kernels.c.
 *
 * Tensors are in ONNX's logical layout (NCHW, row-major).  Every kernel
 * checks its operands (types, ranks, shapes against the parameters) before
 * touching data and returns 0 or a negative MOTE_KERNEL_E* code; it never
 * reads or writes outside the tensors it is given.
 */
#ifndef MOTE_KERNELS_H
#define MOTE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#define MOTE_KERNEL_MAX_RANK 6
#define MOTE_KERNEL_NPARAMS 24

enum mote_kernel_op {
	/* y = saturate(round_half_even(x / scale) + zp), x float, y int8/uint8.
	 * p0 scale (float bits), p1 zp */
	MOTE_KOP_QUANTIZE = 1,
	/* y = (x - zp) * scale, x int8/uint8/int32, y float.  p0 scale (float bits), p1 zp */
	MOTE_KOP_DEQUANTIZE = 2,
	/* softmax over axis p0 of a float tensor (opset 13 semantics) */
	MOTE_KOP_SOFTMAX = 3,
	/* max pooling of int8/uint8 NCHW.  p0..p1 kernel h,w; p2..p3 strides;
	 * p4..p7 pads top, left, bottom, right; p8..p9 dilations */
	MOTE_KOP_MAXPOOL = 4,
	/* quantized average pooling of int8/uint8 NCHW:
	 * y = saturate(round_half_even(sum(x - zx) * sx / (n * sy)) + zy), n the
	 * window size (p8 count_include_pad) or its part inside the image.
	 * p0..p7 as MAXPOOL, p8 count_include_pad, p9 sx, p10 zx, p11 sy, p12 zy */
	MOTE_KOP_AVGPOOL = 5,
	/* quantized add of two same-shape int8/uint8 tensors:
	 * y = saturate(round_half_even((a - za) * sa / sy + (b - zb) * sb / sy) + zy),
	 * clamped below at zy when p6 (a fused Relu).  p0 sa, p1 za, p2 sb, p3 zb,
	 * p4 sy, p5 zy, p6 relu */
	MOTE_KOP_ADD = 6,
	/* the bytes unchanged (Reshape, Flatten, Identity, Squeeze, Unsqueeze) */
	MOTE_KOP_COPY = 7,
	/* transpose with permutation p0..p(rank-1) */
	MOTE_KOP_TRANSPOSE = 8,
	/* concatenate the inputs along axis p0 */
	MOTE_KOP_CONCAT = 9,
	MOTE_KOP_COUNT_ = 10
};

enum mote_kernel_status {
	MOTE_KERNEL_OK = 0,
	MOTE_KERNEL_EOP = -1,     /* unknown op */
	MOTE_KERNEL_ETYPE = -2,   /* an operand's element type is not one the op takes */
	MOTE_KERNEL_ESHAPE = -3,  /* shapes inconsistent with each other or the parameters */
	MOTE_KERNEL_EPARAM = -4,  /* a parameter out of range */
	MOTE_KERNEL_ENOMEM = -5,
	MOTE_KERNEL_ERANGE = -6,  /* more work than MOTE_KERNEL_MAX_WORK */
};

/* Inner steps one call may take (pooling: output elements x window size), so
 * that a hostile model file cannot keep the host busy for hours. */
#define MOTE_KERNEL_MAX_WORK ((int64_t)1 << 30)

/* ONNX TensorProto.DataType codes the kernels take. */
#define MOTE_KT_FLOAT 1
#define MOTE_KT_UINT8 2
#define MOTE_KT_INT8 3
#define MOTE_KT_INT32 6

struct mote_ktensor {
	void *data;
	int32_t dtype;
	uint32_t rank;
	int64_t dims[MOTE_KERNEL_MAX_RANK];
};

/* Bytes per element of a MOTE_KT_* type, 0 for any other. */
size_t mote_kernel_dtype_size(int32_t dtype);

/* Name of an op ("MAXPOOL"), or NULL. */
const char *mote_kernel_op_name(uint32_t op);
/* Description of a status; never NULL. */
const char *mote_kernel_strerror(int status);

/* Run op on n_in inputs into n_out outputs (each output's type, shape and
 * data set by the caller).  Returns 0 or a negative mote_kernel_status. */
int mote_kernel_run(uint32_t op, const int32_t params[MOTE_KERNEL_NPARAMS], const struct mote_ktensor *in,
		    unsigned n_in, struct mote_ktensor *out, unsigned n_out);

/* Float parameters travel as their IEEE bits in an int32 slot. */
int32_t mote_kernel_fbits(float f);
float mote_kernel_bitsf(int32_t bits);

#endif /* MOTE_KERNELS_H */
