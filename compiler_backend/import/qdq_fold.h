/* qdq_fold.h: QDQ-encoded layers into QLinearConv / QLinearMatMul (not public). */
#ifndef MOTE_QDQ_FOLD_H
#define MOTE_QDQ_FOLD_H

#include "ir/ir.h"

/* Rewrite every DequantizeLinear -> Conv|MatMul [-> Relu] -> QuantizeLinear
 * pattern with constant weights into the integer operator; *folded counts
 * them.  Returns 0 or MOTE_CC_ENOMEM (the graph stays valid either way). */
int ir_fold_qdq(struct ir_graph *g, unsigned *folded, struct mote_cc_diag *diag);

#endif
