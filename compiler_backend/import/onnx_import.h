/* onnx_import.h: ONNX model bytes to the graph IR (not public). */
#ifndef MOTE_ONNX_IMPORT_H
#define MOTE_ONNX_IMPORT_H

#include <stddef.h>

#include "ir/ir.h"

/* Parse and check an ONNX ModelProto.  On success *g holds the graph (free
 * with ir_graph_free); on failure *g is empty and diag names the node, tensor
 * or field.  Returns 0, MOTE_CC_EFORMAT (malformed or inconsistent),
 * MOTE_CC_ENOTSUP (valid ONNX this importer does not take), MOTE_CC_ERANGE,
 * MOTE_CC_ENOMEM or MOTE_CC_EINVAL. */
int mote_onnx_import(const void *buf, size_t len, struct ir_graph *g, struct mote_cc_diag *diag);

/* Parse an ONNX TensorProto (a test_data_set_N/input_K.pb file) into *t:
 * name, type, shape and data, owned by *t (free t->name and t->data). */
int mote_onnx_read_tensor(const void *buf, size_t len, struct ir_tensor *t, struct mote_cc_diag *diag);

#endif
