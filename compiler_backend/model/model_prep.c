/* model_prep.c: an ONNX or TFLite model made ready to place and run (see model.h).
 *
 * Import (the format from the bytes: a TFLite file carries "TFL3" at bytes
 * 4..7, anything else is read as ONNX), fold ONNX's QDQ encoding into integer
 * operators (the TFLite importer writes them directly), fix the batch to 1
 * where the model leaves it open, and run the reference executor once on
 * zero inputs: every tensor then has its type and shape, whatever operators
 * produced it (the executor is the one definition of each operator's output
 * shape, so shape inference cannot disagree with execution).
 */
#include <stdlib.h>
#include <string.h>

#include "ir/host_ops.h"
#include "ref/ir_exec.h"
#include "model.h"
#include "import/onnx_import.h"
#include "import/qdq_fold.h"
#include "import/tflite_import.h"
#include "import/tflite_read.h"

/* A compiled model runs one item at a time on inputs its caller sets: refuse
 * before any execution what the device path could never take. */
static int device_inputs_ok(const struct ir_graph *g, struct mote_cc_diag *diag)
{
	unsigned inputs = 0;
	for (size_t i = 0; i < g->nt; i++) {
		const struct ir_tensor *t = &g->t[i];
		if (!t->is_input || t->data)
			continue;
		inputs++;
		if (t->rank == 4 && t->dims[0] >= 0 && t->dims[0] != 1) /* an open batch (-1) becomes 1 */
			return cc_fail(diag, MOTE_CC_ENOTSUP,
				       "graph input '%s': batch %lld (a compiled model runs one item at a time: export it "
				       "with batch 1 or a dynamic batch)",
				       t->name, (long long)t->dims[0]);
	}
	if (!inputs)
		return cc_fail(diag, MOTE_CC_ENOTSUP,
			       "the model has no inputs (every graph input is an initializer): nothing to run per inference");
	return 0;
}

/* Before anything runs, the causes that explain every later failure: a
 * model with nothing quantized in it, and operators mote has no use for (the
 * float neighbours they keep from folding fail only because of them). */
static int operators_ok(const struct ir_graph *g, struct mote_cc_diag *diag)
{
	int quantized = 0;
	for (size_t i = 0; i < g->nn; i++) {
		const char *op = g->n[i].op;
		quantized |= !strcmp(op, "QuantizeLinear") || !strcmp(op, "DequantizeLinear") || !strncmp(op, "QLinear", 7) ||
			     !strcmp(op, "ConvInteger") || !strcmp(op, "MatMulInteger");
	}
	if (g->nn && !quantized)
		return cc_fail(diag, MOTE_CC_ENOTSUP,
			       "this model is not quantized: it has no QuantizeLinear, DequantizeLinear, QLinear or Integer "
			       "operator, and mote runs int8 models (export it quantized: models/README.md has the PyTorch "
			       "recipe)");
	for (size_t i = 0; i < g->nn; i++)
		if (host_op_unknown(g->n[i].op))
			return cc_fail(diag, MOTE_CC_ENOTSUP,
				       "node '%s': unsupported operator %s (neither the accelerator nor the host runs it)",
				       g->n[i].name, g->n[i].op);
	return 0;
}

/* The graph inputs a run sets: an open batch made 1, and each of a fixed
 * type and shape within IR_MAX_ELEMS.  Checked before anything else looks at
 * the model, so a huge input is refused at once. */
static int inputs_fixed(struct ir_graph *g, struct mote_cc_diag *diag)
{
	for (size_t i = 0; i < g->nt; i++) {
		struct ir_tensor *t = &g->t[i];
		if (!t->is_input || t->data)
			continue;
		if (t->rank > 0 && t->dims[0] < 0)
			t->dims[0] = 1; /* an open batch: one item per run */
		int64_t n = ir_numel(t);
		if (n < 0 || !ir_dtype_size(t->dtype))
			return cc_fail(diag, MOTE_CC_ENOTSUP, "graph input '%s': shape or type not fixed (%s)", t->name,
				       ir_dtype_name(t->dtype));
		if (n > IR_MAX_ELEMS)
			return cc_fail(diag, MOTE_CC_ERANGE, "graph input '%s': %lld elements (at most 2^%d)", t->name,
				       (long long)n, IR_MAX_ELEMS_LOG2);
	}
	return 0;
}

int model_prepare_opts(const void *model, size_t len, int for_device, int round_once, struct ir_graph *g,
		       struct mote_cc_diag *diag)
{
	memset(g, 0, sizeof *g);
	unsigned folded;
	int rc, tflite = tfl_is_tflite(model, len);
	/* in order: the model's inputs, its operators, then folding */
	if (tflite)
		rc = mote_tflite_import(model, len, g, diag);
	else if (!(rc = mote_onnx_import(model, len, g, diag)) && !(rc = for_device ? device_inputs_ok(g, diag) : 0) &&
		 !(rc = inputs_fixed(g, diag)) && !(rc = operators_ok(g, diag)))
		rc = ir_fold_qdq(g, &folded, diag);
	if (!rc && round_once && g->arith == IR_ARITH_TFLITE)
		g->arith = IR_ARITH_TFLITE_1R;
	if (!rc && tflite && for_device)
		rc = device_inputs_ok(g, diag);
	if (!rc && tflite)
		rc = inputs_fixed(g, diag);
	for (size_t i = 0; !rc && i < g->nt; i++) {
		struct ir_tensor *t = &g->t[i];
		if (!t->is_input || t->data)
			continue;
		size_t n = (size_t)ir_numel(t), es = ir_dtype_size(t->dtype);
		if (!(t->data = calloc(n > 0 ? n * es : 1, 1)))
			rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
		else
			t->nbytes = n * es;
	}
	if (!rc)
		rc = ir_exec(g, diag);
	if (rc)
		ir_graph_free(g);
	return rc;
}

int model_prepare(const void *model, size_t len, int for_device, struct ir_graph *g, struct mote_cc_diag *diag)
{
	return model_prepare_opts(model, len, for_device, 0, g, diag);
}

/* ---- the reference executor's public face ----------------------------------- */

struct mote_cc_ref {
	struct ir_graph g;
};

int mote_cc_ref_open(const void *onnx, size_t len, mote_cc_ref **out, struct mote_cc_diag *diag)
{
	return mote_cc_ref_open_opts(onnx, len, NULL, out, diag);
}

int mote_cc_ref_open_opts(const void *model, size_t len, const struct mote_cc_ref_opts *opts, mote_cc_ref **out,
			  struct mote_cc_diag *diag)
{
	if (!out || !model)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	*out = NULL;
	mote_cc_ref *r = calloc(1, sizeof *r);
	if (!r)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	int rc = model_prepare_opts(model, len, 0, opts && opts->round_once, &r->g, diag);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int mote_cc_ref_set_input(mote_cc_ref *r, const char *name, const void *data, size_t bytes,
			  struct mote_cc_diag *diag)
{
	if (!r || !name || !data)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	int32_t k = ir_find(&r->g, name);
	if (k < 0 || !r->g.t[k].is_input)
		return cc_fail(diag, MOTE_CC_EINVAL, "'%s' is not an input of the model", name);
	struct ir_tensor *t = &r->g.t[k];
	if (bytes != t->nbytes)
		return cc_fail(diag, MOTE_CC_EINVAL, "input '%s': %zu bytes given, %zu expected", name, bytes, t->nbytes);
	memcpy(t->data, data, bytes);
	return 0;
}

int mote_cc_ref_run(mote_cc_ref *r, struct mote_cc_diag *diag)
{
	if (!r)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	return ir_exec(&r->g, diag);
}

int mote_cc_ref_tensor(const mote_cc_ref *r, const char *name, const void **data, size_t *bytes)
{
	if (!r || !name || !data || !bytes)
		return MOTE_CC_EINVAL;
	int32_t k = ir_find(&r->g, name);
	if (k < 0 || !r->g.t[k].data)
		return MOTE_CC_EINVAL;
	*data = r->g.t[k].data;
	*bytes = r->g.t[k].nbytes;
	return 0;
}

const char *mote_cc_ref_arithmetic(const mote_cc_ref *r)
{
	if (!r)
		return "onnx";
	switch (r->g.arith) {
	case IR_ARITH_TFLITE: return "tflite";
	case IR_ARITH_TFLITE_1R: return "tflite-round-once";
	default: return "onnx";
	}
}

void mote_cc_ref_close(mote_cc_ref *r)
{
	if (!r)
		return;
	ir_graph_free(&r->g);
	free(r);
}
