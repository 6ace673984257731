/* nodes.c: an ONNX graph node by node, the ONNX backend test cases' way
 * (mote_cc_nodes and mote_cc_tensor of <mote/mote_compiler.h>): import,
 * QDQ folding, each node lowered onto the accelerator and run by the
 * caller's job function, or the reference executor, over the inputs the
 * case's TensorProto files give. */
#include <stdlib.h>
#include <string.h>

#include "import/onnx_import.h"
#include "import/qdq_fold.h"
#include "lower/lower.h"
#include "ref/ir_exec.h"

_Static_assert(MOTE_CC_MAX_RANK == IR_MAX_RANK, "struct mote_cc_tensor holds an IR tensor's shape");

struct mote_cc_nodes {
	struct ir_graph g;
	uint8_t **dev_out; /* per tensor: what the device wrote (mote_cc_nodes_run), else NULL */
	int ran_device;
};

int mote_cc_tensor_read_pb(const void *pb, size_t len, struct mote_cc_tensor *t, struct mote_cc_diag *diag)
{
	if (!t)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	struct ir_tensor it;
	int rc = mote_onnx_read_tensor(pb, len, &it, diag);
	memset(t, 0, sizeof *t);
	if (rc)
		return rc;
	t->name = it.name;
	t->dtype = it.dtype;
	t->rank = it.rank;
	memcpy(t->dims, it.dims, sizeof t->dims);
	t->data = it.data;
	t->nbytes = it.nbytes;
	return 0;
}

void mote_cc_tensor_free(struct mote_cc_tensor *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->data);
	memset(t, 0, sizeof *t);
}

const char *mote_cc_dtype_name(int32_t dtype) { return ir_dtype_name(dtype); }

int mote_cc_nodes_open(const void *onnx, size_t len, mote_cc_nodes **out, struct mote_cc_diag *diag)
{
	if (!out)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	*out = NULL;
	mote_cc_nodes *n = calloc(1, sizeof *n);
	if (!n)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	int rc = mote_onnx_import(onnx, len, &n->g, diag);
	if (rc) {
		free(n);
		return rc;
	}
	*out = n;
	return 0;
}

int mote_cc_nodes_fold_qdq(mote_cc_nodes *n, struct mote_cc_diag *diag)
{
	if (!n)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	unsigned folded;
	return ir_fold_qdq(&n->g, &folded, diag);
}

/* The tensor of t's name, else the k-th graph input (output). */
static int32_t bind(const struct ir_graph *g, const struct mote_cc_tensor *t, int output, int k)
{
	int32_t i = t->name && t->name[0] ? ir_find(g, t->name) : -1;
	if (i >= 0)
		return i;
	int seen = 0;
	for (size_t j = 0; j < g->nt; j++)
		if ((output ? g->t[j].is_output : g->t[j].is_input) && seen++ == k)
			return (int32_t)j;
	return -1;
}

int mote_cc_nodes_set_input(mote_cc_nodes *n, struct mote_cc_tensor *t, int k)
{
	if (!n || !t)
		return MOTE_CC_EINVAL;
	int32_t i = bind(&n->g, t, 0, k);
	if (i < 0 || !n->g.t[i].is_input || n->g.t[i].dtype != t->dtype)
		return MOTE_CC_EINVAL;
	struct ir_tensor *in = &n->g.t[i];
	free(in->data);
	in->data = t->data;
	in->nbytes = t->nbytes;
	in->rank = t->rank;
	memcpy(in->dims, t->dims, sizeof t->dims);
	t->data = NULL;
	return 0;
}

/* Node n on the device through job: its output in dev_out[y] and, for the
 * nodes after it, in the output tensor. */
static int run_node(mote_cc_nodes *nd, const struct ir_node *n, mote_cc_job_fn job, void *ctx,
		    struct mote_cc_diag *diag)
{
	struct ir_graph *g = &nd->g;
	struct lowered L;
	int rc = lower_node(g, n, &L, diag);
	if (rc)
		return rc;
	struct ir_tensor *y = &g->t[L.y];
	size_t total = L.out_bytes * L.jobs;
	free(nd->dev_out[L.y]);
	nd->dev_out[L.y] = calloc(total ? total : 1, 1);
	uint8_t *input = malloc(L.in_bytes ? L.in_bytes : 1);
	uint8_t *y_dev = malloc(L.out_bytes ? L.out_bytes : 1);
	if (!nd->dev_out[L.y] || !input || !y_dev)
		rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	/* the device result goes to the output tensor too, so later nodes consume it */
	y->dtype = L.y_dtype;
	y->rank = L.y_rank;
	memcpy(y->dims, L.y_dims, sizeof L.y_dims);
	for (uint32_t j = 0; !rc && j < L.jobs; j++) {
		if ((rc = lower_prepare_job(g, &L, j, input)) == 0 &&
		    (rc = job(ctx, &L.conv, input, L.in_bytes, y_dev, L.out_bytes)) == 0)
			lower_unpack_output(g, &L, j, y_dev, nd->dev_out[L.y]);
	}
	int32_t yi = L.y;
	free(input);
	free(y_dev);
	lower_free(&L);
	if (rc)
		return rc;
	free(y->data);
	y->data = malloc(total ? total : 1);
	if (!y->data)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	memcpy(y->data, nd->dev_out[yi], total);
	y->nbytes = total;
	return 0;
}

int mote_cc_nodes_run(mote_cc_nodes *n, mote_cc_job_fn job, void *ctx, struct mote_cc_diag *diag)
{
	if (!n || !job)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	if (!n->dev_out && !(n->dev_out = calloc(n->g.nt ? n->g.nt : 1, sizeof *n->dev_out)))
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory");
	n->ran_device = 1;
	for (size_t ni = 0; ni < n->g.nn; ni++) {
		int rc = run_node(n, &n->g.n[ni], job, ctx, diag);
		if (rc)
			return rc;
	}
	return 0;
}

int mote_cc_nodes_run_ref(mote_cc_nodes *n, struct mote_cc_diag *diag)
{
	if (!n)
		return cc_fail(diag, MOTE_CC_EINVAL, "NULL argument");
	return ir_exec(&n->g, diag);
}

int mote_cc_nodes_output(const mote_cc_nodes *n, const struct mote_cc_tensor *expected, int k, const void **data,
			 size_t *bytes)
{
	if (!n || !expected || !data || !bytes)
		return MOTE_CC_EINVAL;
	int32_t i = bind(&n->g, expected, 1, k);
	if (i < 0 || (n->ran_device && !n->dev_out[i]) || !n->g.t[i].data)
		return MOTE_CC_EINVAL;
	*data = n->g.t[i].data;
	*bytes = n->g.t[i].nbytes;
	return 0;
}

void mote_cc_nodes_close(mote_cc_nodes *n)
{
	if (!n)
		return;
	for (size_t i = 0; n->dev_out && i < n->g.nt; i++)
		free(n->dev_out[i]);
	free(n->dev_out);
	ir_graph_free(&n->g);
	free(n);
}
