/* tflite_imp.h: what the TFLite importer's files share (not public).
 * tflite_import.c: tensors, layouts, graph inputs and outputs, dispatch;
 * tflite_layer_util.c: helpers of the operators; tflite_conv.c: the
 * convolutions and FULLY_CONNECTED; tflite_layers.c: the other operators. */
#ifndef MOTE_TFLITE_IMP_H
#define MOTE_TFLITE_IMP_H

#include "ir/ir.h"
#include "tflite_read.h"

struct imp {
	const struct tfl_model *m;
	struct ir_graph *g;
	int32_t *map;                 /* TFLite tensor -> its IR tensor (IR layout), -1 until made */
	uint8_t *is_out;              /* TFLite tensor is a graph output */
	/* a PAD's output, folded into the convolution that reads it: the spatial
	 * pads (top, bottom, left, right) still to apply to map[t], which is the
	 * PAD's input; pad_ok lets imp_act hand such a tensor out */
	int32_t (*pads)[4];
	uint8_t *padded, pad_ok;
	uint32_t op;                  /* the operator being imported, for messages */
	struct mote_cc_diag *diag;
};

/* An attribute of a new node: an int (n == 0: v[0]) or n ints. */
struct nattr {
	const char *name;
	size_t n;
	int64_t v[4];
};

/* cc_fail prefixed with "tflite: operators[i] (NAME): ". */
int imp_fail(struct imp *im, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The TFLite name of an operator code ("CONV_2D"), or "builtin code N" in buf. */
const char *imp_op_name(int32_t code, char *buf, size_t cap);

/* A new IR tensor named base + suffix (made unique with "#k"); index or a
 * negative status. */
int32_t imp_tensor(struct imp *im, const char *base, const char *suffix);

/* A new constant (data taken over, freed on failure). */
int32_t imp_const(struct imp *im, const char *base, const char *suffix, int32_t dtype, uint32_t rank,
		  const int64_t *dims, void *data, size_t nbytes);
/* Constant scalars: a float scale, a zero point of dtype (int8/uint8). */
int32_t imp_scale(struct imp *im, const char *base, const char *suffix, float v);
int32_t imp_zp(struct imp *im, const char *base, const char *suffix, int32_t dtype, int32_t v);

/* A new node "operators[i]" + suffix: op(in[0..nin)) -> out, with attributes. */
int imp_node(struct imp *im, const char *suffix, const char *op, const int32_t *in, uint32_t nin, int32_t out,
	     const struct nattr *a, size_t na);

/* The IR element type of a TFLite tensor type, or 0. */
int32_t imp_dtype(int32_t tfl_type);

/* Operator input k (its TFLite tensor index, never -1) as an activation:
 * produced by an earlier operator or a graph input.  Its IR tensor, or a
 * negative status. */
int32_t imp_act(struct imp *im, uint32_t k);

/* The per-tensor quantization of TFLite tensor t (one scale, positive and
 * finite; the zero point in its type's range); what names it in messages. */
int imp_quant(struct imp *im, uint32_t t, const char *what, float *scale, int32_t *zp);

/* The constant data of TFLite tensor t as elements of es bytes, numel of
 * its shape of them; what names it in messages. */
int imp_data(struct imp *im, uint32_t t, size_t es, const char *what, const uint8_t **data, int64_t *numel);

/* The IR tensor for operator output k (TFLite tensor t): its type, and
 * rank and dims given in TFLite's layout (rank 4: NHWC) stored as the IR's
 * (NCHW).  Index or a negative status. */
int32_t imp_output(struct imp *im, uint32_t t);

/* IR tensor x (IR layout) with its elements in TFLite's order (rank 4:
 * NHWC bytes): x itself when the layouts agree, else a Transpose; the
 * result's index. */
int32_t imp_tflite_order(struct imp *im, int32_t x);

/* ---- helpers of the operators (tflite_layer_util.c) ---- */

/* TFLite tensor t. */
const struct tfl_tensor *imp_tt(const struct imp *im, int32_t t);
/* o has in_min..in_max inputs (the first in_min present) and one output. */
int imp_io_count(struct imp *im, const struct tfl_op *o, uint32_t in_min, uint32_t in_max);
/* imp_io_count, then the IR tensor of the first input (imp_act): it, or a
 * negative error. */
int32_t imp_first_act(struct imp *im, const struct tfl_op *o, uint32_t in_min, uint32_t in_max);
int imp_is_q8(int32_t ir_dtype);
/* The clamp of fused activation act on output tensor t (scale ys, zp yz) as
 * a "mote_clamp" attribute in *a; *na is 1, or 0 for NONE. */
int imp_act_clamp(struct imp *im, int act, uint32_t t, float ys, int32_t yz, struct nattr *a, size_t *na);
/* One spatial dimension of a window operator: output size and pads. */
int imp_window(struct imp *im, const char *dim, int64_t in, int64_t k, int64_t s, int64_t d, int padding,
	       int64_t *out, int64_t *before, int64_t *after);
/* Output tensor t must be NHWC [n][h][w][c]. */
int imp_check_out4(struct imp *im, uint32_t t, int64_t n, int64_t h, int64_t w, int64_t c);
/* Per-tensor quantization of t as scalar constants "operators[i]/SUFFIX_scale"
 * and "..._zero_point" (*ts, *tz), the values in *s, *z. */
int imp_act_quant(struct imp *im, uint32_t t, const char *what, const char *suffix, float *s, int32_t *z,
		  int32_t *ts, int32_t *tz);

/* Operators: 0 or a negative status. */
int imp_conv(struct imp *im, const struct tfl_op *o, int depthwise);
int imp_fully_connected(struct imp *im, const struct tfl_op *o);
int imp_add(struct imp *im, const struct tfl_op *o);
int imp_pool(struct imp *im, const struct tfl_op *o, int avg);
int imp_reshape(struct imp *im, const struct tfl_op *o);
int imp_softmax(struct imp *im, const struct tfl_op *o);
int imp_quantize(struct imp *im, const struct tfl_op *o, int dequantize);
int imp_pad(struct imp *im, const struct tfl_op *o);

#endif
