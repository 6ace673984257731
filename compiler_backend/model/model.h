/* model.h: whole-model compilation (not public; the API is in mote_compiler.h). */
#ifndef MOTE_MODEL_H
#define MOTE_MODEL_H

#include "ir/ir.h"

/* Import ONNX or TFLite bytes (told apart by tfl_is_tflite), fold QDQ, fix
 * an open batch to 1 and give every tensor its type and shape (one
 * reference run on zero inputs).  for_device (the compiler): refuse first,
 * before running anything, a model without inputs or with a rank-4 input of
 * batch > 1.  round_once: a TFLite model gets IR_ARITH_TFLITE_1R (ir.h)
 * instead of IR_ARITH_TFLITE.  On failure g is empty. */
int model_prepare_opts(const void *model, size_t len, int for_device, int round_once, struct ir_graph *g,
		       struct mote_cc_diag *diag);
int model_prepare(const void *model, size_t len, int for_device, struct ir_graph *g, struct mote_cc_diag *diag);

/* Kernel rows (mote_cc_conv_stack_rows) or the whole kernel window
 * (cc_conv_stack_window) as channels: each QLinearConv or ConvInteger whose
 * input a host step makes and whose ideal cycles on geo drop with it (run
 * dense or, as sparsity allows, 2:4 sparse) gets a MoteStackRows node (host
 * kernel MOTE_KOP_STACK_ROWS) before it and becomes the k_h = 1 (or 1x1)
 * convolution over that node's output (marked is_derived), with its weights
 * rearranged.  *n_done counts them. */
int model_stack_rows(struct ir_graph *g, const struct mote_geometry *geo, enum mote_cc_sparsity sparsity,
		     unsigned *n_done, struct mote_cc_diag *diag);

#endif
