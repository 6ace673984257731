/* onnx_import.c: ONNX ModelProto bytes to the graph IR.
 *
 * Parsing is protobuf-c's, with C bindings generated at build time from the
 * onnx.proto that Debian's libonnx-dev installs.  This file checks what the
 * parser cannot: the default-domain opset, element types, shapes, constant
 * sizes against their shapes, and that every node input is defined before
 * use (graph input, initializer, or an earlier node's output).  Each error
 * names the node, tensor or field.  Facts used (onnx.proto comments): int8,
 * uint8 and int32 constants without raw_data are held in int32_data; raw_data
 * is little-endian; dims of -1 are not allowed in initializers.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "onnx_import.h"
#include "onnx.pb-c.h"

/* Opsets whose int8 operators this importer has been checked against. */
#define OPSET_MIN 10
#define OPSET_MAX 19

static int copy_shape(struct ir_tensor *t, size_t n, const int64_t *dims, const char *what,
		      struct mote_cc_diag *diag)
{
	if (n > IR_MAX_RANK)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "%s '%s': rank %zu (at most %d)", what, t->name, n, IR_MAX_RANK);
	t->rank = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		if (dims[i] < 0 || dims[i] > ((int64_t)1 << 40))
			return cc_fail(diag, MOTE_CC_EFORMAT, "%s '%s': dimension %zu is %lld", what, t->name, i,
				       (long long)dims[i]);
		t->dims[i] = dims[i];
	}
	return 0;
}

/* Constant data of an initializer into t (shape and type already set). */
static int load_data(struct ir_tensor *t, const Onnx__TensorProto *tp, struct mote_cc_diag *diag)
{
	size_t es = ir_dtype_size(t->dtype);
	int64_t n = ir_numel(t);
	size_t bytes;
	if (n < 0 || cc_mul_sz((size_t)n, es, &bytes) || bytes > ((size_t)1 << 31))
		return cc_fail(diag, MOTE_CC_ERANGE, "initializer '%s': too large", t->name);
	if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "initializer '%s': external data is not supported", t->name);
	/* the values must be in the file before their room is taken: a small file
	 * claiming a huge shape is refused without allocating it */
	size_t have;
	switch (t->dtype) {
	case IR_FLOAT: have = tp->n_float_data; break;
	case IR_INT64: have = tp->n_int64_data; break;
	default: have = tp->n_int32_data; break; /* int8, uint8, int32 */
	}
	if (tp->has_raw_data && tp->raw_data.len != bytes)
		return cc_fail(diag, MOTE_CC_EFORMAT, "initializer '%s': raw_data has %zu bytes, shape needs %zu", t->name,
			       tp->raw_data.len, bytes);
	if (!tp->has_raw_data && have != (size_t)n)
		return cc_fail(diag, MOTE_CC_EFORMAT, "initializer '%s': %zu values, shape needs %lld", t->name, have,
			       (long long)n);
	uint8_t *d = malloc(bytes ? bytes : 1);
	if (!d)
		return cc_fail(diag, MOTE_CC_ENOMEM, "initializer '%s': out of memory for %zu bytes", t->name, bytes);
	t->data = d;
	t->nbytes = bytes;
	if (tp->has_raw_data) {
		if (bytes)
			memcpy(d, tp->raw_data.data, bytes);
		return 0;
	}
	for (size_t i = 0; i < (size_t)n; i++) {
		switch (t->dtype) {
		case IR_FLOAT: memcpy(d + 4 * i, &tp->float_data[i], 4); break;
		case IR_INT64: cc_put_le32(d + 8 * i, (uint32_t)tp->int64_data[i]);
			cc_put_le32(d + 8 * i + 4, (uint32_t)((uint64_t)tp->int64_data[i] >> 32)); break;
		case IR_INT32: cc_put_le32(d + 4 * i, (uint32_t)tp->int32_data[i]); break;
		case IR_INT8:
			if (tp->int32_data[i] < -128 || tp->int32_data[i] > 127)
				return cc_fail(diag, MOTE_CC_EFORMAT, "initializer '%s': value %d at %zu is not int8",
					       t->name, tp->int32_data[i], i);
			d[i] = (uint8_t)tp->int32_data[i];
			break;
		default:
			if (tp->int32_data[i] < 0 || tp->int32_data[i] > 255)
				return cc_fail(diag, MOTE_CC_EFORMAT, "initializer '%s': value %d at %zu is not uint8",
					       t->name, tp->int32_data[i], i);
			d[i] = (uint8_t)tp->int32_data[i];
			break;
		}
	}
	return 0;
}

static int set_dtype(struct ir_tensor *t, int32_t dtype, const char *what, struct mote_cc_diag *diag)
{
	if (!ir_dtype_size(dtype))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "%s '%s': element type %d is not supported", what, t->name, dtype);
	t->dtype = dtype;
	return 0;
}

static int import_initializers(struct ir_graph *g, const Onnx__GraphProto *gp, struct mote_cc_diag *diag)
{
	for (size_t i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *tp = gp->initializer[i];
		if (!tp->name || !tp->name[0])
			return cc_fail(diag, MOTE_CC_EFORMAT, "initializer %zu has no name", i);
		if (ir_find(g, tp->name) >= 0)
			return cc_fail(diag, MOTE_CC_EFORMAT, "initializer '%s' defined twice", tp->name);
		int32_t k = ir_add_tensor(g, tp->name, diag);
		if (k < 0)
			return k;
		struct ir_tensor *t = &g->t[k];
		int rc;
		if ((rc = set_dtype(t, tp->has_data_type ? tp->data_type : 0, "initializer", diag)) ||
		    (rc = copy_shape(t, tp->n_dims, tp->dims, "initializer", diag)) || (rc = load_data(t, tp, diag)))
			return rc;
	}
	return 0;
}

/* A graph input or output: its type and shape (symbolic dims stay -1). */
static int import_value(struct ir_graph *g, const Onnx__ValueInfoProto *v, int output, struct mote_cc_diag *diag)
{
	const char *what = output ? "graph output" : "graph input";
	if (!v->name || !v->name[0])
		return cc_fail(diag, MOTE_CC_EFORMAT, "%s without a name", what);
	int32_t k = ir_find(g, v->name);
	if (k >= 0 && output)
		return cc_fail(diag, MOTE_CC_EFORMAT, "graph output '%s' is also an input or initializer", v->name);
	if (k >= 0 && g->t[k].is_input)
		return cc_fail(diag, MOTE_CC_EFORMAT, "graph input '%s' is listed twice", v->name);
	if (k >= 0) /* an input that is also an initializer: a default value, keep the constant */
		return 0;
	if ((k = ir_add_tensor(g, v->name, diag)) < 0)
		return k;
	struct ir_tensor *t = &g->t[k];
	t->is_input = (uint8_t)!output;
	const Onnx__TypeProto *tp = v->type;
	if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "%s '%s' is not a tensor", what, v->name);
	const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
	int rc = set_dtype(t, tt->has_elem_type ? tt->elem_type : 0, what, diag);
	if (rc)
		return rc;
	if (!tt->shape)
		return 0; /* rank unknown */
	if (tt->shape->n_dim > IR_MAX_RANK)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "%s '%s': rank %zu", what, v->name, tt->shape->n_dim);
	t->rank = (uint32_t)tt->shape->n_dim;
	for (size_t i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			if (d->dim_value < 0 || d->dim_value > ((int64_t)1 << 40))
				return cc_fail(diag, MOTE_CC_EFORMAT, "%s '%s': dimension %zu is %lld", what, v->name, i,
					       (long long)d->dim_value);
			t->dims[i] = d->dim_value;
		}
	}
	return 0;
}

static int import_attr(struct ir_attr *a, const Onnx__AttributeProto *ap, const char *node,
		       struct mote_cc_diag *diag)
{
	size_t bytes;
	a->name = malloc(strlen(ap->name ? ap->name : "") + 1);
	if (!a->name)
		return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s': out of memory for an attribute", node);
	strcpy(a->name, ap->name ? ap->name : "");
	switch ((int)ap->type) { /* int: kinds not listed fall to default */
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		a->kind = IR_ATTR_INT;
		a->i = ap->i;
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		a->kind = IR_ATTR_FLOAT;
		a->f = ap->f;
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
		a->kind = IR_ATTR_STRING;
		if (!(a->s = malloc(ap->s.len + 1)))
			return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s': out of memory for attribute '%s'", node, a->name);
		if (ap->s.len)
			memcpy(a->s, ap->s.data, ap->s.len);
		a->s[ap->s.len] = 0;
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		a->kind = IR_ATTR_INTS;
		a->n = ap->n_ints;
		if (cc_mul_sz(a->n ? a->n : 1, sizeof *a->ints, &bytes) || !(a->ints = malloc(bytes)))
			return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s': out of memory for attribute '%s'", node, a->name);
		if (a->n)
			memcpy(a->ints, ap->ints, a->n * sizeof *a->ints);
		return 0;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
		a->kind = IR_ATTR_FLOATS;
		a->n = ap->n_floats;
		if (cc_mul_sz(a->n ? a->n : 1, sizeof *a->floats, &bytes) || !(a->floats = malloc(bytes)))
			return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s': out of memory for attribute '%s'", node, a->name);
		if (a->n)
			memcpy(a->floats, ap->floats, a->n * sizeof *a->floats);
		return 0;
	default:
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s': attribute '%s' has kind %d (graphs, tensors and "
			       "sparse tensors are not supported)", node, a->name, (int)ap->type);
	}
}

static int import_node(struct ir_graph *g, const Onnx__NodeProto *np, size_t idx, struct mote_cc_diag *diag)
{
	if (!np->op_type || !np->op_type[0])
		return cc_fail(diag, MOTE_CC_EFORMAT, "node %zu has no op_type", idx);
	if (np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx") != 0)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node %zu '%s': operator domain '%s' is not supported", idx,
			       np->name ? np->name : "", np->domain);
	struct ir_node *n;
	int rc = ir_add_node(g, np->name ? np->name : "", np->op_type, &n, diag);
	if (rc)
		return rc;
	const char *nm = np->name && np->name[0] ? np->name : np->op_type;
	if (np->n_input > 64 || np->n_output > 64)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s': %zu inputs, %zu outputs", nm, np->n_input, np->n_output);
	n->in = malloc((np->n_input ? np->n_input : 1) * sizeof *n->in);
	n->out = malloc((np->n_output ? np->n_output : 1) * sizeof *n->out);
	n->attrs = calloc(np->n_attribute ? np->n_attribute : 1, sizeof *n->attrs);
	if (!n->in || !n->out || !n->attrs)
		return cc_fail(diag, MOTE_CC_ENOMEM, "node '%s': out of memory", nm);
	for (size_t i = 0; i < np->n_input; i++) {
		const char *in = np->input[i] ? np->input[i] : "";
		int32_t k = in[0] ? ir_find(g, in) : -1;
		if (in[0] && k < 0)
			return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): input %zu '%s' is not defined before it", nm,
				       np->op_type, i, in);
		n->in[n->n_in++] = k;
	}
	for (size_t i = 0; i < np->n_output; i++) {
		const char *out = np->output[i] ? np->output[i] : "";
		int32_t k = -1;
		if (out[0]) {
			k = ir_find(g, out);
			if (k >= 0 && (g->t[k].is_input || g->t[k].data || !g->t[k].is_output))
				return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): output '%s' is defined twice", nm,
					       np->op_type, out);
			if (k >= 0) {
				if (g->t[k].is_output == 2)
					return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (%s): output '%s' is defined twice",
						       nm, np->op_type, out);
				g->t[k].is_output = 2; /* produced; reset to 1 after the walk */
			} else if ((k = ir_add_tensor(g, out, diag)) < 0)
				return k;
		}
		n->out[n->n_out++] = k;
	}
	for (size_t i = 0; i < np->n_attribute; i++) {
		if ((rc = import_attr(&n->attrs[i], np->attribute[i], nm, diag))) {
			n->n_attrs = i + 1; /* free what was built */
			return rc;
		}
		n->n_attrs = i + 1;
	}
	return 0;
}

/* A Constant node (PyTorch exports them for a fused convolution's zero bias
 * and for Clip's bounds) becomes the constant tensor it defines, as an
 * initializer would: its 'value' tensor, or a value_float(s)/value_int(s). */
static int import_constant(struct ir_graph *g, const Onnx__NodeProto *np, size_t idx, struct mote_cc_diag *diag)
{
	const char *nm = np->name && np->name[0] ? np->name : "Constant";
	if (np->n_input || np->n_output != 1 || !np->output[0] || !np->output[0][0] || np->n_attribute != 1)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node %zu '%s' (Constant): no inputs, one output and one attribute "
			       "expected", idx, nm);
	const char *out = np->output[0];
	if (ir_find(g, out) >= 0)
		return cc_fail(diag, MOTE_CC_EFORMAT, "node '%s' (Constant): output '%s' is defined twice", nm, out);
	const Onnx__AttributeProto *a = np->attribute[0];
	Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
	const Onnx__TensorProto *src = &tp;
	int64_t one = 1, n_dims = 1, iv = a->i;
	float fv = a->f;
	const char *an = a->name ? a->name : "";
	if (!strcmp(an, "value") && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR && a->t) {
		src = a->t;
		n_dims = -1;
	} else if (!strcmp(an, "value_float") && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT) {
		tp.has_data_type = 1, tp.data_type = IR_FLOAT, tp.n_float_data = 1, tp.float_data = &fv, n_dims = 0;
	} else if (!strcmp(an, "value_floats") && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS) {
		tp.has_data_type = 1, tp.data_type = IR_FLOAT, tp.n_float_data = a->n_floats, tp.float_data = a->floats;
		one = (int64_t)a->n_floats;
	} else if (!strcmp(an, "value_int") && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT) {
		tp.has_data_type = 1, tp.data_type = IR_INT64, tp.n_int64_data = 1, tp.int64_data = &iv, n_dims = 0;
	} else if (!strcmp(an, "value_ints") && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS) {
		tp.has_data_type = 1, tp.data_type = IR_INT64, tp.n_int64_data = a->n_ints, tp.int64_data = a->ints;
		one = (int64_t)a->n_ints;
	} else {
		return cc_fail(diag, MOTE_CC_ENOTSUP, "node '%s' (Constant): attribute '%s' of kind %d is not supported "
			       "(value, value_float(s), value_int(s) are)", nm, an, (int)a->type);
	}
	if (n_dims >= 0) {
		tp.n_dims = (size_t)n_dims;
		tp.dims = &one;
	}
	int32_t k = ir_add_tensor(g, out, diag);
	if (k < 0)
		return k;
	struct ir_tensor *t = &g->t[k];
	int rc;
	if ((rc = set_dtype(t, src->has_data_type ? src->data_type : 0, "constant", diag)) ||
	    (rc = copy_shape(t, src->n_dims, src->dims, "constant", diag)) || (rc = load_data(t, src, diag)))
		return rc;
	return 0;
}

static int import_graph(struct ir_graph *g, const Onnx__ModelProto *m, struct mote_cc_diag *diag)
{
	g->opset = -1;
	for (size_t i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];
		if ((!o->domain || !o->domain[0] || strcmp(o->domain, "ai.onnx") == 0) && o->has_version)
			g->opset = o->version;
	}
	if (g->opset < 0)
		return cc_fail(diag, MOTE_CC_EFORMAT, "model imports no version of the default operator set");
	if (g->opset < OPSET_MIN || g->opset > OPSET_MAX)
		return cc_fail(diag, MOTE_CC_ENOTSUP, "opset %lld is not supported (%d..%d)", (long long)g->opset,
			       OPSET_MIN, OPSET_MAX);
	const Onnx__GraphProto *gp = m->graph;
	if (!gp)
		return cc_fail(diag, MOTE_CC_EFORMAT, "model has no graph");
	size_t len = strlen(gp->name ? gp->name : "");
	if (!(g->name = malloc(len + 1)))
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	memcpy(g->name, gp->name ? gp->name : "", len + 1);
	int rc = import_initializers(g, gp, diag);
	for (size_t i = 0; !rc && i < gp->n_input; i++)
		rc = import_value(g, gp->input[i], 0, diag);
	for (size_t i = 0; !rc && i < gp->n_output; i++) {
		rc = import_value(g, gp->output[i], 1, diag);
		if (!rc)
			g->t[ir_find(g, gp->output[i]->name)].is_output = 1;
	}
	for (size_t i = 0; !rc && i < gp->n_node; i++)
		rc = gp->node[i]->op_type && !strcmp(gp->node[i]->op_type, "Constant") &&
			     (!gp->node[i]->domain || !gp->node[i]->domain[0])
			     ? import_constant(g, gp->node[i], i, diag)
			     : import_node(g, gp->node[i], i, diag);
	if (rc)
		return rc;
	if (!gp->n_output)
		return cc_fail(diag, MOTE_CC_EFORMAT, "graph has no outputs");
	for (size_t i = 0; i < g->nt; i++)
		if (g->t[i].is_output) {
			if (g->t[i].is_output != 2)
				return cc_fail(diag, MOTE_CC_EFORMAT, "graph output '%s' is produced by no node",
					       g->t[i].name);
			g->t[i].is_output = 1;
		}
	return 0;
}

int mote_onnx_import(const void *buf, size_t len, struct ir_graph *g, struct mote_cc_diag *diag)
{
	memset(g, 0, sizeof *g);
	if (!buf && len)
		return cc_fail(diag, MOTE_CC_EINVAL, "no model bytes");
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
	if (!m)
		return cc_fail(diag, MOTE_CC_EFORMAT, "not a valid ONNX model (protobuf parse failed on %zu bytes)", len);
	int rc = import_graph(g, m, diag);
	onnx__model_proto__free_unpacked(m, NULL);
	if (rc)
		ir_graph_free(g);
	return rc;
}

int mote_onnx_read_tensor(const void *buf, size_t len, struct ir_tensor *t, struct mote_cc_diag *diag)
{
	memset(t, 0, sizeof *t);
	if (!buf && len)
		return cc_fail(diag, MOTE_CC_EINVAL, "no tensor bytes");
	Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, len, buf);
	if (!tp)
		return cc_fail(diag, MOTE_CC_EFORMAT, "not a valid ONNX TensorProto (%zu bytes)", len);
	const char *name = tp->name ? tp->name : "";
	int rc = 0;
	if (!(t->name = malloc(strlen(name) + 1)))
		rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	else
		strcpy(t->name, name);
	if (!rc && !(rc = set_dtype(t, tp->has_data_type ? tp->data_type : 0, "tensor", diag)) &&
	    !(rc = copy_shape(t, tp->n_dims, tp->dims, "tensor", diag)))
		rc = load_data(t, tp, diag);
	onnx__tensor_proto__free_unpacked(tp, NULL);
	if (rc) {
		free(t->name);
		free(t->data);
		memset(t, 0, sizeof *t);
	}
	return rc;
}
