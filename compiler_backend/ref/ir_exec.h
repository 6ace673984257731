/* ir_exec.h: reference execution of an IR graph on the host (not public). */
#ifndef MOTE_IR_EXEC_H
#define MOTE_IR_EXEC_H

#include "ir/ir.h"

/* Run every node in order.  Graph inputs must hold data (set t->data,
 * t->nbytes, type and shape); node outputs get freshly allocated data.
 * Returns 0, or an error naming the node (MOTE_CC_ENOTSUP for an operator the
 * executor does not have, MOTE_CC_EFORMAT for inconsistent operands). */
int ir_exec(struct ir_graph *g, struct mote_cc_diag *diag);

/* Node n by its host kernel (host_ops.h), the one the runtime runs: its
 * data inputs must hold values; its output gets fresh data. */
int ir_exec_host(struct ir_graph *g, const struct ir_node *n, struct mote_cc_diag *diag);

#endif
