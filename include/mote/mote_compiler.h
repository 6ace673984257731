/* mote_compiler.h: the compiler backend's public C API (libmotecc).
 *
 * Three independent pieces:
 *   - the reference executor (mote_ref_*): plain int8 GEMM and convolution with
 *     the exact post-processing of the STORE command; the oracle every hardware
 *     result is checked against;
 *   - requantization parameters (mote_cc_quantize_scale): real scale to
 *     (mult, shift);
 *   - the command builder (mote_cc_plan_* / mote_cc_emit_*): one GEMM or one
 *     convolution to a command stream, a weight blob and a bias blob.
 *
 * Conventions: every function returns 0 or a negative enum mote_cc_status;
 * nothing is allocated that outlives a call (the caller owns every buffer it
 * passes); no global state; inputs are validated.  An optional
 * struct mote_cc_diag receives a one-line reason on failure.
 */
#ifndef MOTE_COMPILER_H
#define MOTE_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote_geometry.h"

#define MOTE_CC_API_VERSION 1

enum mote_cc_status {
	MOTE_CC_OK = 0,
	MOTE_CC_EINVAL = -1,    /* invalid argument, shape or parameter */
	MOTE_CC_ENOMEM = -2,    /* out of host memory */
	MOTE_CC_ERANGE = -3,    /* a value does not fit a command field or the 32-bit address space */
	MOTE_CC_ENOTSUP = -4,   /* valid but not supported yet (e.g. nonzero weight zero point) */
	MOTE_CC_ENOSPC = -5,    /* a caller buffer, or a target buffer, is too small */
	MOTE_CC_EINTERNAL = -6, /* a condition believed impossible (a bug: please report) */
	MOTE_CC_EFORMAT = -7,   /* a malformed or inconsistent model file */
	MOTE_CC_STATUS_COUNT = 8
};

/* Name ("MOTE_CC_EINVAL") and description of a status; never NULL. */
const char *mote_cc_status_name(int status);
const char *mote_cc_strerror(int status);

/* Optional detail of a failure: a NUL-terminated line naming the bad input. */
struct mote_cc_diag {
	char msg[192];
};

enum mote_cc_dtype {
	MOTE_CC_INT8 = 0,
	MOTE_CC_UINT8 = 1,
	MOTE_CC_INT32 = 2, /* outputs only: the int32 accumulator plus bias, no requantization */
};

/* A residual add fused into the convolution's STORE (FEATURES.STORE_ADD, the
 * spec's STORE ADD): with y an output value after the clamp (before its low
 * byte is taken) and r the same element of the operand tensor (the output's
 * layout and size, at mote_cc_addrs.operand),
 *   y2 = min(max(round_half_even(((y - out_zp) * mult_a + (r - zp) * mult_b)
 *                / 2^shift) + sum_zp, lo), hi)
 * is written instead of y: exactly the host ADD kernel of <mote/mote_kernels.h>
 * on the stored bytes, with (mult_a, mult_b, shift) from mote_kernel_add_mults.
 * Needs a byte output (not INT32). */
struct mote_cc_add {
	int on;                          /* 0: no add (the default) */
	enum mote_cc_dtype type;         /* the operand: INT8 or UINT8 */
	int32_t zp;                      /* the operand's zero point */
	uint32_t mult_a, mult_b;         /* 0..65535: of (y - out_zp) and of (r - zp) */
	uint32_t shift;                  /* 0..63 */
	int32_t sum_zp, lo, hi;          /* the sum's zero point and clamp, in the output type's range */
};

/* One 2-D convolution, batch 1, G = groups (0 or 1: a dense convolution).
 * input  [in_h][in_w][in_c]   (NHWC) of in_type (INT8 or UINT8)
 * weights [k_h][k_w][in_c/G][out_c] int8, real value w - w_zp: the weight of
 *         kernel position (ky, kx), input channel ci of the group and output
 *         channel o is at ((ky*k_w + kx)*(in_c/G) + ci)*out_c + o
 * output [out_h][out_w][out_c] of out_type, with
 *   out_h = (in_h + pad_top + pad_bottom - dil_h*(k_h-1) - 1) / stride_h + 1 (same for w)
 *   acc[o] = bias[o] + sum (x - in_zp) * (w - w_zp) over the window (padding
 *            contributes nothing) and over the input channels
 *            (o / (out_c/G))*(in_c/G) + ci, ci < in_c/G, of o's group;
 *            wrapped to int32
 * G must divide in_c and out_c.  The builder runs G = 1 and depthwise
 * convolutions (G == in_c == out_c: one input channel per output channel;
 * they need FEATURES.DEPTHWISE and int8 weights with w_zp 0; a kernel taller
 * than the array's cols runs as several accumulated kernel-row groups);
 * other groupings: ENOTSUP.
 *   INT32 output: acc.  INT8/UINT8 output: y = clamp(round_half_even(acc *
 *   mult[o] / 2^(shift[o] & 63)) + out_zp, clamp_lo, clamp_hi), exactly the
 *   STORE command of mote_hw.spec (mote_ref_postproc).
 * pool = MOTE_CC_POOL_MAX makes it a max pooling: G == in_c == out_c, no
 * weights (ignored, may be NULL), and
 *   acc[o] = bias[o] + max over the window of (x - in_zp), a padding position
 *            counting as the input type's minimum (-128 int8, 0 uint8);
 * the builder runs it with identity weights and MATMUL ACC_MAX (it needs
 * FEATURES.ACC_MAX; ENOTSUP otherwise).  Average pooling needs no mode: it is
 * the depthwise convolution with all-ones weights.
 */
enum mote_cc_pool {
	MOTE_CC_POOL_NONE = 0,
	MOTE_CC_POOL_MAX = 1,
};

struct mote_cc_conv {
	uint32_t in_h, in_w, in_c, out_c;
	uint32_t k_h, k_w;
	uint32_t stride_h, stride_w;     /* >= 1 */
	uint32_t dil_h, dil_w;           /* >= 1 */
	uint32_t pad_top, pad_bottom, pad_left, pad_right;
	enum mote_cc_dtype in_type;      /* INT8 or UINT8 */
	int32_t in_zp;                   /* in the range of in_type */
	enum mote_cc_dtype w_type;       /* INT8 (the default, 0) or UINT8 */
	int32_t w_zp;                    /* in the range of w_type; a nonzero one (or uint8
					  * weights) costs the builder extra reduction passes */
	enum mote_cc_dtype out_type;     /* INT8, UINT8 or INT32 */
	int32_t out_zp;                  /* in the range of out_type (ignored for INT32) */
	int32_t clamp_lo, clamp_hi;      /* out_type range, lo <= hi (ignored for INT32) */
	const int8_t *weights;           /* required; bytes of w_type */
	const int32_t *bias;             /* [out_c], NULL: zeros */
	const int32_t *mult;             /* [out_c], required unless INT32 output */
	const int32_t *shift;            /* [out_c], required unless INT32 output; used & 63 */
	uint32_t groups;                 /* G above; 0 (the default) means 1 */
	enum mote_cc_pool pool;          /* NONE (the default, 0) or MAX (above) */
	struct mote_cc_add add;          /* fused residual add (above); ignored by mote_ref_conv,
					  * which gives y: apply mote_ref_add to its output */
	int round_tfl;                   /* 1: requantize with TFLite's two roundings (STORE
					  * ROUND_TFL, mote_ref_requant_tfl; the device needs
					  * FEATURES.ROUND_TFL), mult and shift as TFLite's
					  * (M, 31 - e); 0: one rounding (mote_ref_requant) */
	int sparse;                      /* 1: the weights are 2:4 sparse in the groups of
					  * mote_cc_sparse_check (int8, w_zp 0, groups 1, no
					  * pool); the builder emits MATMUL SPARSE (FEATURES.SPARSE)
					  * with compressed weight tiles, the reference checks the
					  * pattern and computes the dense product (the same result) */
};

/* One matrix product Y[m][n] = A[m][k] x B[k][n] with the same quantization
 * as a convolution (it is the 1x1 convolution of an m x 1 image with k
 * channels).  A and Y are dense row-major; B is [k][n] int8. */
struct mote_cc_gemm {
	uint32_t m, k, n;
	enum mote_cc_dtype a_type;       /* INT8 or UINT8 */
	int32_t a_zp;
	enum mote_cc_dtype b_type;       /* INT8 (the default) or UINT8 */
	int32_t b_zp;
	enum mote_cc_dtype out_type;
	int32_t out_zp;
	int32_t clamp_lo, clamp_hi;
	const int8_t *b;                 /* [k][n] */
	const int32_t *bias, *mult, *shift;
	int round_tfl;                   /* as mote_cc_conv's */
	int sparse;                      /* as mote_cc_conv's (groups: 4 consecutive k) */
};

/* The convolution equivalent to a GEMM (pointers shared, nothing copied). */
void mote_cc_gemm_as_conv(const struct mote_cc_gemm *g, struct mote_cc_conv *c);

/* Kernel rows as channels.  A dense convolution (groups 1) whose input has
 * few channels reduces over only k_w*in_c contiguous bytes per kernel row,
 * which fills the array's rows poorly (3x3 over 3 channels: 9 bytes, two
 * 8-row passes).  Over the input stacked by MOTE_KOP_STACK_ROWS (mote_kernels.h:
 * p0 k_h, p1 stride_h, p2 dil_h, p3 pad_top, p4 in_zp; NHWC it is
 * [out_h][in_w][k_h*in_c] with byte ky*in_c + c of (oy, x) the input's
 * (oy*stride_h + ky*dil_h - pad_top, x, c), in_zp outside), the convolution
 * *st with k_h = 1 computes the same output bit for bit.  Fills *st (sharing
 * op's bias, mult and shift) with weights w (k_h*k_w*in_c*out_c bytes, the
 * caller's).  Returns 0, or the status of mote_cc_conv_check, or
 * MOTE_CC_ENOTSUP for groups > 1. */
int mote_cc_conv_stack_rows(const struct mote_cc_conv *op, struct mote_cc_conv *st, int8_t *w,
			    struct mote_cc_diag *diag);

/* Validate op (shape, types, zero points, clamps, pointers) and give the
 * output size.  Returns 0 or MOTE_CC_EINVAL / MOTE_CC_ERANGE. */
int mote_cc_conv_check(const struct mote_cc_conv *op, uint32_t *out_h, uint32_t *out_w,
		       struct mote_cc_diag *diag);

/* Size in bytes of one element of a type (1 or 4). */
size_t mote_cc_dtype_size(enum mote_cc_dtype t);

/* ---- reference executor ---------------------------------------------------- */

/* round_half_even(v * mult / 2^(shift & 63)) on the exact 64-bit product. */
int64_t mote_ref_requant(int32_t v, int32_t mult, int32_t shift);

/* STORE ROUND_TFL's q (mote_hw.spec): TFLite's MultiplyByQuantizedMultiplier
 * with multiplier mult and exponent 31 - (shift & 63): v * 2^max(31 - s, 0)
 * in int32, the high multiply rounded half up, then the divide by
 * 2^min(max(s - 31, 0), 31) rounded half away from zero.  Equals TFLite's
 * result except for the one product TFLite saturates (v' = mult = INT32_MIN),
 * where it is 2^31 instead of 2^31 - 1: the same value once clamped to 16 bits. */
int64_t mote_ref_requant_tfl(int32_t v, int32_t mult, int32_t shift);

/* The STORE post-processing of one value: v = acc + bias (int32 wrapping),
 * y = min(max(mote_ref_requant(v, mult, shift) + out_zp, lo), hi) (with
 * round_tfl, mote_ref_requant_tfl instead); returns y (the hardware writes its
 * low byte). */
int64_t mote_ref_postproc(int32_t acc, int32_t bias, int32_t mult, int32_t shift,
			  int32_t out_zp, int32_t lo, int32_t hi);
int64_t mote_ref_postproc_mode(int32_t acc, int32_t bias, int32_t mult, int32_t shift, int32_t out_zp,
			       int32_t lo, int32_t hi, int round_tfl);

/* Reference convolution / GEMM.  input and output are host arrays in the
 * layouts above (output elements of mote_cc_dtype_size(out_type) bytes,
 * int32 in host order).  Returns 0 or a negative status (op invalid). */
int mote_ref_conv(const struct mote_cc_conv *op, const void *input, void *output);
/* op's fused add (if op->add.on) on output, in place, with operand r (bytes
 * of op->add.type, the output's layout): what the device writes.  Returns 0
 * or MOTE_CC_EINVAL. */
int mote_ref_add(const struct mote_cc_conv *op, const void *r, void *output);
int mote_ref_gemm(const struct mote_cc_gemm *op, const void *a, void *y);

/* ---- 2:4 structured sparsity (MATMUL SPARSE, mote_hw.spec) ---------------------
 *
 * Groups: the weights of one output channel, in reduction order (ky, kx, ci),
 * cut into runs the device streams contiguously (a kernel row of k_w*in_c
 * elements; with dilation along x, one kernel position's in_c), each run cut
 * into groups of 4 from its start (the last group of a run may be shorter).
 * When the run length is a multiple of 4 (a GEMM's k, in_c % 4 == 0) these are
 * simply the groups of 4 consecutive reduction elements.  2:4 sparse: at most
 * 2 non-zero weights in every group. */

/* Magnitude pruning of op's weights (int8) into w (k_h*k_w*in_c*out_c bytes,
 * may be op->weights' own bytes): in each group the 2 weights of largest
 * magnitude are kept (ties: the lower index), the others set to 0.  Returns 0,
 * or MOTE_CC_EINVAL (op invalid, not int8 weights, grouped or pooling). */
int mote_cc_sparse_prune(const struct mote_cc_conv *op, int8_t *w);

/* 0 when op's weights are 2:4 sparse; MOTE_CC_EINVAL naming the first group
 * with more than 2 non-zero weights (output channel, reduction indices). */
int mote_cc_sparse_check(const struct mote_cc_conv *op, struct mote_cc_diag *diag);

/* One compressed tile of an array with `rows` rows (a multiple of 4) and
 * `cols` columns, as the weight buffer holds it: rows + rows/4 rows of cols
 * bytes (mote_hw.spec, MATMUL SPARSE).  mote_cc_sparse_pack_tile compresses
 * dense[k][c] (2*rows x cols, k the tile's reduction index) into tile; a
 * group with more than 2 non-zero weights is MOTE_CC_EINVAL naming it.
 * Unused kept slots hold 0 at indices that keep each pair ascending.
 * mote_cc_sparse_unpack_tile is the inverse (every weight a pair names, the
 * others 0; returns MOTE_CC_EINVAL for invalid metadata).
 * mote_cc_sparse_check_tile checks the metadata of columns below n_valid as
 * the device does (each pair strictly ascending); MOTE_CC_EINVAL names the
 * index row, column, weight rows and indices. */
int mote_cc_sparse_pack_tile(const int8_t *dense, uint32_t rows, uint32_t cols, uint8_t *tile,
			     struct mote_cc_diag *diag);
int mote_cc_sparse_unpack_tile(const uint8_t *tile, uint32_t rows, uint32_t cols, int8_t *dense);
int mote_cc_sparse_check_tile(const uint8_t *tile, uint32_t rows, uint32_t cols, uint32_t n_valid,
			      struct mote_cc_diag *diag);

/* Check every compressed tile of a sparse operator's weight blob (as
 * mote_cc_emit_* wrote it for geometry g: weights, plan->weight_bytes long)
 * before it is submitted.  0, or MOTE_CC_EINVAL naming the tile (output tile
 * n, reduction tile t) and what mote_cc_sparse_check_tile found; 0 for a
 * dense operator. */
int mote_cc_sparse_check_blob(const struct mote_geometry *g, const struct mote_cc_conv *op, const void *weights,
			      size_t len, struct mote_cc_diag *diag);

/* ---- requantization parameters --------------------------------------------- */

/* Real scale s (e.g. in_scale * w_scale / out_scale) to (mult, shift) with
 * q = round_half_even(acc * mult / 2^shift):
 *   - s finite and 2^-63 <= s < 2^31 (roughly): mult in [2^30, 2^31), shift in
 *     [0, 63], mult = s * 2^shift rounded to nearest even; exact whenever s has
 *     at most 31 significant bits (every float32 scale in range);
 *   - s == 0, or s so small (shift would exceed 63, s < 2^-32) that
 *     |acc * s| < 0.5 for every int32 acc: mult = 0, shift = 0 (every result
 *     is 0, which is the exact rounded value);
 *   - s >= 2^31 (after rounding): MOTE_CC_ERANGE;
 *   - s negative, NaN or infinite: MOTE_CC_EINVAL. */
int mote_cc_quantize_scale(double s, int32_t *mult, int32_t *shift);

/* The same for n per-channel scales; on error nothing useful is written. */
int mote_cc_quantize_scales(const double *s, size_t n, int32_t *mult, int32_t *shift);

/* ---- command builder --------------------------------------------------------- */

/* What one operator needs on the device, computed by mote_cc_plan_*. */
struct mote_cc_plan {
	uint32_t n_cmds;         /* commands, END included */
	size_t cmd_bytes;        /* the packed stream's bytes (each command its mote_cmd_len words) */
	size_t weight_bytes;     /* pre-tiled weight blob */
	size_t bias_bytes;       /* bias/mult/shift rows, BIAS_ROWS per output tile */
	size_t input_bytes;      /* input tensor the stream reads */
	size_t output_bytes;     /* output tensor the stream writes */
	/* informative: the tiling chosen */
	uint32_t out_h, out_w;
	uint32_t k_tiles;        /* reduction tiles of rows, correction passes included
				  * (depthwise: k_w times the kernel-row groups, one pass
				  * each; max pooling: k_h*k_w, one pass per window tap) */
	uint32_t k_passes;       /* 1, or 2..3 with a weight zero point (or uint8 weights) */
	uint32_t n_tiles;        /* output-channel tiles of cols (depthwise and max pooling:
				  * channel groups of min(rows, cols) lanes) */
	uint32_t m_tiles;        /* output-pixel tiles */
	uint32_t m_rows;         /* activation rows per MATMUL (largest tile) */
	uint32_t k_chunk;        /* reduction tiles resident in one activation slot */
	uint32_t n_group;        /* output tiles sharing one activation chunk (K chunked) */
	uint32_t n_load, n_matmul, n_store, n_sync;
	uint64_t rows_streamed;  /* sum of NROWS: the ideal compute cycles */
	uint64_t macs_issued;    /* rows * cols * rows_streamed */
	uint64_t macs_useful;    /* what the hardware counts useful: k_passes * macs_model */
	uint64_t macs_model;     /* out_h * out_w * out_c * k_h * k_w * in_c / groups */
	uint64_t macs_dense;     /* what the hardware counts dense-equivalent (MACS_DENSE):
				  * k_passes * macs_model; macs_useful is the same except
				  * sparse, where it counts the kept weight slots */
};

/* Device addresses of everything one stream touches.  The regions must not
 * overlap and must each fit below 2^32.  operand: the fused add's operand
 * (op->add.on only; output_bytes long). */
struct mote_cc_addrs {
	uint32_t input, output, weights, bias, cmds;
	uint32_t operand;
};

/* Host buffers emit fills: the command stream (little-endian words, ready to
 * copy to addrs.cmds), the weight blob and the bias blob. */
struct mote_cc_bufs {
	void *cmds;
	size_t cmds_cap;
	void *weights;
	size_t weights_cap;
	void *bias;
	size_t bias_cap;
};

/* Phase 1: validate op for geometry g and compute every size.  Returns 0, or
 * MOTE_CC_EINVAL (bad op or geometry), MOTE_CC_ENOTSUP (a feature the
 * geometry lacks, a grouped convolution that is not depthwise, or a
 * depthwise one outside the limits above), MOTE_CC_ERANGE (a field or size overflows),
 * MOTE_CC_ENOSPC (target buffers too small for one tile), MOTE_CC_ENOMEM. */
int mote_cc_plan_conv(const struct mote_geometry *g, const struct mote_cc_conv *op,
		      struct mote_cc_plan *plan, struct mote_cc_diag *diag);
int mote_cc_plan_gemm(const struct mote_geometry *g, const struct mote_cc_gemm *op,
		      struct mote_cc_plan *plan, struct mote_cc_diag *diag);

/* Phase 2: write the stream and the blobs for the given device addresses.
 * The buffers need at least the plan's sizes (MOTE_CC_ENOSPC otherwise).
 * The stream ends with END; run it with CMD_BASE = addrs.cmds and
 * CMD_COUNT = plan.n_cmds, windows: input, weights and bias readable, output
 * writable, cmds executable.  Same returns as plan, plus EINVAL for
 * overlapping or wrapping address ranges.  plan may be NULL. */
int mote_cc_emit_conv(const struct mote_geometry *g, const struct mote_cc_conv *op,
		      const struct mote_cc_addrs *addrs, const struct mote_cc_bufs *bufs,
		      struct mote_cc_plan *plan, struct mote_cc_diag *diag);
int mote_cc_emit_gemm(const struct mote_geometry *g, const struct mote_cc_gemm *op,
		      const struct mote_cc_addrs *addrs, const struct mote_cc_bufs *bufs,
		      struct mote_cc_plan *plan, struct mote_cc_diag *diag);

/* ---- whole models ------------------------------------------------------------ */

/* Receives the compiler's report, one line (no newline) per call. */
typedef void (*mote_cc_report_fn)(void *ctx, const char *line);

/* Compile an ONNX or TFLite model (bytes onnx[0..len); a TFLite file is
 * told by its identifier "TFL3" at bytes 4..7) for geometry g into a .mote
 * file (<mote/mote_model_format.h>): *model (free with mote_cc_free) of
 * *model_len bytes.  A TFLite model keeps TFLite's integer arithmetic (its
 * QuantizeMultiplier, int8 ADD and AVERAGE_POOL_2D) wherever it runs on the
 * host; the device's STORE rounds once (half to even), so a TFLite
 * convolution or matrix product on the device applies TFLite's multiplier
 * and shift with one rounding instead of TFLite's two, and the report says
 * so in a line beginning "warning: " (given even when report is only wanted
 * for warnings: see mote_cc_compile_opts).  report (may be NULL) gets the placement of every node,
 * the device-memory use and, on an unsupported model, every node that has
 * no place.  Errors: EFORMAT (malformed model), ENOTSUP (an operator or
 * attribute neither the accelerator nor the host runs; diag names the first
 * such node), ERANGE, ENOMEM, EINVAL. */
int mote_cc_compile_onnx(const void *onnx, size_t len, const struct mote_geometry *g, mote_cc_report_fn report,
			 void *ctx, void **model, size_t *model_len, struct mote_cc_diag *diag);
void mote_cc_free(void *p);

/* The same with options (opts may be NULL: the defaults, as above). */
enum mote_cc_sparsity { MOTE_CC_SPARSITY_AUTO, MOTE_CC_SPARSITY_DENSE, MOTE_CC_SPARSITY_S24 };
struct mote_cc_compile_opts {
	/* every device tensor keeps its own arena range instead of sharing one
	 * with tensors whose lifetimes do not overlap: a larger arena, but every
	 * intermediate tensor can be read after a run (for checking) */
	int keep_tensors;
	/* the device memory the model must fit (bytes; 0: no limit).  On a
	 * device with one command queue (a board) a model that does not fit
	 * with the fastest tiling is tiled for size (fewer, longer commands),
	 * step by step, until it fits; the report then says so.  The caller
	 * still checks the result (mote_cc_model_mem_need). */
	uint64_t mem_bytes;
	/* 2:4 sparse weights (MATMUL SPARSE: the target needs FEATURES.SPARSE
	 * and rows a multiple of 4).  A layer can run sparse when it is a
	 * convolution or matrix product with int8 weights, no weight zero
	 * point, no groups, and its weights are 2:4 in the groups of
	 * mote_cc_sparse_check (as lowered: after kernel rows are stacked).
	 * AUTO (the default, 0): such a layer runs sparse when its sparse
	 * tiling streams fewer rows; DENSE: no layer; S24: every layer that
	 * can, the others stay dense (the report says why), and a layer whose
	 * weights are not 2:4, or a target without the feature, is an error
	 * (EINVAL / ENOTSUP naming the node). */
	enum mote_cc_sparsity sparsity;
	/* progress (may be NULL): called as the compile goes, with a stage
	 * ("planning", "emitting") and its layers done of total; a compile
	 * tiled for size (mem_bytes) goes through the stages once a tiling */
	void (*progress)(void *ctx, const char *stage, unsigned done, unsigned total);
	void *progress_ctx;
};
/* Device memory a compiled model takes when loaded: the constant buffer
 * (commands, weights) and the activation arena, each in whole
 * MOTE_WINDOW_ALIGN blocks, after the reserved first block (0 for a buffer
 * shorter than the header). */
uint64_t mote_cc_model_mem_need(const void *model, size_t len);
int mote_cc_compile_onnx_opts(const void *onnx, size_t len, const struct mote_geometry *g,
			      const struct mote_cc_compile_opts *opts, mote_cc_report_fn report, void *ctx, void **model,
			      size_t *model_len, struct mote_cc_diag *diag);

/* The reference executor on a whole model, after the same import and
 * folding as the compiler: set every input (bytes in ONNX layout), run, then
 * read any tensor by name (its bytes in ONNX layout, valid until the next
 * run or close).  This is what device results are compared with.  A TFLite
 * model runs in TFLite's integer arithmetic (two roundings, ties away from
 * zero); its graph inputs and outputs keep TFLite's names, shapes and NHWC
 * layout, its other rank-4 tensors are NCHW. */
typedef struct mote_cc_ref mote_cc_ref;
int mote_cc_ref_open(const void *onnx, size_t len, mote_cc_ref **out, struct mote_cc_diag *diag);
/* Options of the reference (opts may be NULL: the defaults, as above). */
struct mote_cc_ref_opts {
	/* a TFLite model's convolutions and matrix products apply TFLite's
	 * multiplier and shift with one rounding, half to even: what a device
	 * without TFLite's double rounding computes, so its results compare bit
	 * for bit (no effect on ONNX models) */
	int round_once;
};
int mote_cc_ref_open_opts(const void *model, size_t len, const struct mote_cc_ref_opts *opts, mote_cc_ref **out,
			  struct mote_cc_diag *diag);
/* The arithmetic the reference computes: "onnx", "tflite" (TFLite's, two
 * roundings) or "tflite-round-once" (round_once on a TFLite model); never NULL. */
const char *mote_cc_ref_arithmetic(const mote_cc_ref *r);
int mote_cc_ref_set_input(mote_cc_ref *r, const char *name, const void *data, size_t bytes,
			  struct mote_cc_diag *diag);
int mote_cc_ref_run(mote_cc_ref *r, struct mote_cc_diag *diag);
int mote_cc_ref_tensor(const mote_cc_ref *r, const char *name, const void **data, size_t *bytes);
void mote_cc_ref_close(mote_cc_ref *r);

/* ---- an ONNX graph node by node (`mote run --onnx-test`) ---------------------
 *
 * A case of the ONNX backend test suite is a small model (model.onnx) with
 * its inputs and expected outputs as TensorProto files (test_data_set_N/
 * input_K.pb, output_K.pb); weights and quantization parameters are among
 * the inputs, so the model cannot be compiled ahead of them.  mote_cc_nodes
 * holds such a model imported (mote_cc_nodes_open) and, as the compiler
 * does, its QDQ layers folded into integer operators (mote_cc_nodes_fold_qdq,
 * a separate step so a caller can tell an import failure from a fold
 * failure).  Set its inputs from the files, then either run every node on an
 * accelerator, node by node in graph order, each lowered onto a
 * mote_cc_conv of one or more jobs that the caller's function runs
 * (mote_cc_nodes_run), or run the reference executor (mote_cc_nodes_run_ref);
 * then read the outputs (mote_cc_nodes_output).  This is how the CLI reaches
 * the importer, the lowering and the reference executor without their
 * internal headers. */

/* A tensor read from an ONNX TensorProto: its name ("" when it has none), its
 * ONNX element type (TensorProto.DataType: 1 float, 2 uint8, 3 int8, 6 int32,
 * 7 int64), shape and bytes. */
#define MOTE_CC_MAX_RANK 8
struct mote_cc_tensor {
	char *name;
	int32_t dtype;
	uint32_t rank;
	int64_t dims[MOTE_CC_MAX_RANK];
	void *data;
	size_t nbytes;
};
/* Parse TensorProto bytes into *t, which then owns name and data (free them
 * with mote_cc_tensor_free).  On failure *t is empty and diag says why:
 * MOTE_CC_EFORMAT, MOTE_CC_ENOTSUP (an element type or layout it does not
 * take), MOTE_CC_ENOMEM, MOTE_CC_EINVAL. */
int mote_cc_tensor_read_pb(const void *pb, size_t len, struct mote_cc_tensor *t, struct mote_cc_diag *diag);
/* Free t's name and data and empty it (t may be NULL). */
void mote_cc_tensor_free(struct mote_cc_tensor *t);
/* The NumPy-style name of an ONNX element type ("int8", "float32", ...), or
 * "unsupported type"; never NULL. */
const char *mote_cc_dtype_name(int32_t dtype);

typedef struct mote_cc_nodes mote_cc_nodes;
/* Import the ONNX model bytes (copied: the caller keeps its buffer).  *out
 * owns the graph until mote_cc_nodes_close; NULL on failure, diag naming the
 * node, tensor or field (the statuses of the compiler's import). */
int mote_cc_nodes_open(const void *onnx, size_t len, mote_cc_nodes **out, struct mote_cc_diag *diag);
/* Fold its QDQ layers into integer operators (the compiler's folding). */
int mote_cc_nodes_fold_qdq(mote_cc_nodes *n, struct mote_cc_diag *diag);
/* Take t's bytes as a graph input: the input named t->name, else (no such
 * tensor, or no name) the k-th graph input.  On success the graph owns
 * t->data (set to NULL; t->name stays the caller's), and the input takes t's
 * shape.  MOTE_CC_EINVAL, nothing taken, when the tensor found is not a graph
 * input or has another element type. */
int mote_cc_nodes_set_input(mote_cc_nodes *n, struct mote_cc_tensor *t, int k);
/* Run one job: conv (its weights, bias, multipliers and shifts the job's)
 * over in_bytes of input in the device layout, out_bytes of output written
 * to output.  0 on success; anything else stops mote_cc_nodes_run. */
typedef int (*mote_cc_job_fn)(void *ctx, const struct mote_cc_conv *conv, const void *input, size_t in_bytes,
			      void *output, size_t out_bytes);
/* Every node in graph order through job: the device's results become the
 * node's output, which the nodes after it read.  Returns 0; a status with
 * diag naming the node when a node cannot be lowered, MOTE_CC_ENOMEM; or,
 * diag left empty, the job function's nonzero return, or MOTE_CC_EINVAL when
 * a node's input has no data. */
int mote_cc_nodes_run(mote_cc_nodes *n, mote_cc_job_fn job, void *ctx, struct mote_cc_diag *diag);
/* Every node by the reference executor, on the host. */
int mote_cc_nodes_run_ref(mote_cc_nodes *n, struct mote_cc_diag *diag);
/* The graph output that expected (an output_K.pb read) stands for: the
 * tensor named expected->name, else the k-th graph output.  0 with its bytes
 * (valid until the next run or close) when it has a result: after
 * mote_cc_nodes_run one a job wrote, after mote_cc_nodes_run_ref the
 * reference's; MOTE_CC_EINVAL when there is none. */
int mote_cc_nodes_output(const mote_cc_nodes *n, const struct mote_cc_tensor *expected, int k, const void **data,
			 size_t *bytes);
void mote_cc_nodes_close(mote_cc_nodes *n);

/* ---- the operators it takes ---------------------------------------------------- */

/* Where an ONNX operator of a model runs: the accelerator (DEVICE, or the
 * host where the device cannot plan it), folded into an integer operator
 * (FOLDED: the QDQ patterns of PyTorch's exports), the host (HOST), or
 * handled at import (IMPORT). */
enum mote_cc_op_kind { MOTE_CC_OP_DEVICE, MOTE_CC_OP_FOLDED, MOTE_CC_OP_HOST, MOTE_CC_OP_IMPORT };

struct mote_cc_op_support {
	const char *op;             /* ONNX op_type */
	enum mote_cc_op_kind kind;
	const char *note;           /* how, and its conditions */
};

/* Entry I of the table (0, 1, ...), NULL past the last; the entry of OP, or
 * NULL for an operator the compiler does not take. */
const struct mote_cc_op_support *mote_cc_op_support(size_t i);
const struct mote_cc_op_support *mote_cc_op_find(const char *op);

/* ---- N:M structured pruning of an ONNX model (`mote prune`) ----------------
 *
 * mote_cc_prune_onnx applies magnitude 2:4 pruning to the constant weights of
 * the convolutions and matrix products of an int8 ONNX model:
 *   - Conv, Gemm, MatMul in QDQ form, the weight DequantizeLinear(W) of an
 *     int8 (or uint8) initializer W, or DequantizeLinear(QuantizeLinear(F))
 *     of a float initializer F (PyTorch's QAT export; per-tensor scale);
 *   - QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger with a constant
 *     weight operand;
 *   (zero points and scales may come through Identity nodes, as PyTorch
 *   exports them).  The int8 value of a weight is W itself, or
 *   saturate(round_half_even(F / scale) + zp) as the compiler computes it.
 * The reduction dimension is the compiler's: for a convolution weight
 * [O, C/G, KH, KW] the order (kh, kw, c), c fastest (the weight layout of
 * struct mote_cc_conv); for MatMul B [K, N] (and Gemm with transB = 0) K
 * for each column; for Gemm with transB = 1, B [N, K] along each row.  In
 * every group of 4 consecutive reduction elements of an output channel
 * (the last group shorter when K is not a multiple of 4) the 2 with the
 * largest |q - zp| are kept (ties: the lower index) and the others become
 * the zero point: zp in W, 0.0 in F (which quantizes to zp).  zp is the
 * weight zero point (per tensor or per output channel).
 * Every other byte of the file is kept: the values are changed where they
 * lie (raw_data, float_data); an int8 initializer held in int32_data is
 * written again as one packed int32_data field (its length and the lengths
 * around it change, nothing else). */
struct mote_cc_prune_opts {
	unsigned keep, group;           /* keep of every group: only 2 and 4 (2:4) */
	const char *const *skip;        /* node names to leave dense (each must name a prunable layer) */
	size_t n_skip;
	int skip_first;                 /* leave the first convolution or matrix product (graph order) dense */
};

/* What happened to one convolution or matrix product (pointers valid
 * during the callback only). */
struct mote_cc_prune_layer {
	const char *node, *op;          /* the node's name (may be "") and op_type */
	const char *weight;             /* the initializer changed (or that would be) */
	const char *form;               /* "int8", "uint8" or "float+QuantizeLinear" */
	const char *encoding;           /* "raw_data", "int32_data" or "float_data" */
	const char *left;               /* NULL: pruned; else why it was left as it is */
	uint64_t weights;               /* elements */
	uint32_t out_ch, k;             /* output channels, reduction length per channel */
	uint64_t groups;                /* groups of (up to) 4 */
	uint64_t zeroed;                /* weights set to the zero point that were not at it */
	uint64_t zero_after;            /* weights at the zero point afterwards */
	uint64_t mag_total, mag_removed;/* sums of |q - zp| before, and of the weights zeroed */
	uint64_t data_off, data_len;    /* raw_data: where the values lie in the input file (else 0, 0) */
};

/* Prune buf (len bytes of ONNX) into *out (*out_len bytes; release with
 * mote_cc_free).  layer (may be NULL) is called for every convolution and
 * matrix product in graph order, pruned or left, after the whole model is
 * done.  Returns 0; MOTE_CC_EINVAL for bad options (a pattern other than
 * 2:4, a skip name that names no node or a node that is not a prunable
 * layer: diag names it); what mote_onnx_import returns for a malformed or
 * unsupported model (diag names the field); MOTE_CC_ENOTSUP for encodings
 * this cannot patch (external data, a repeated field it relies on);
 * MOTE_CC_ENOMEM.  On failure *out is NULL. */
int mote_cc_prune_onnx(const void *buf, size_t len, const struct mote_cc_prune_opts *opts,
		       void (*layer)(void *ctx, const struct mote_cc_prune_layer *l), void *ctx, void **out,
		       size_t *out_len, struct mote_cc_diag *diag);

#endif /* MOTE_COMPILER_H */
