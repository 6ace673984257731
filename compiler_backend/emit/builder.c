/* builder.c: the public two-phase builder API (plan, then emit). */
#include <string.h>

#include "tile/tiler.h"

/* Build the stream for addresses a (plan: all zero) and fill *plan. */
static int build(const struct mote_geometry *g, const struct mote_cc_conv *op, uint32_t byte_cost,
		 const struct mote_cc_addrs *a, struct tl_params *p, struct tl_stream *s, struct mote_cc_plan *plan,
		 struct mote_cc_diag *diag)
{
	struct tl_ops ops;
	memset(s, 0, sizeof *s);
	int rc = tl_params_init(p, g, op, byte_cost, diag);
	if (rc)
		return rc;
	uint64_t steps = (uint64_t)p->nbx * p->nby * (p->chunks == 1 ? 1 : (uint64_t)p->groups * p->chunks);
	if (!p->dw && !p->maxpool && steps > UINT32_MAX) /* checked by tl_dw_params, tl_max_params */
		return cc_fail(diag, MOTE_CC_ERANGE, "too many tiles");
	rc = tl_gen(p, a, &ops, diag);
	if (!rc)
		rc = tl_schedule(&ops, s, diag);
	tl_ops_free(&ops);
	if (rc) {
		tl_stream_free(s);
		return rc;
	}
	uint64_t bytes = 0;
	for (size_t i = 0; i < s->n; i++)
		bytes += 4u * mote_cmd_len(s->w[i][0]);
	if (s->n > UINT32_MAX || bytes > UINT32_MAX) {
		tl_stream_free(s);
		return cc_fail(diag, MOTE_CC_ERANGE, "command stream larger than 4 GiB");
	}
	memset(plan, 0, sizeof *plan);
	plan->n_cmds = (uint32_t)s->n;
	plan->cmd_bytes = (size_t)bytes;
	plan->weight_bytes = p->weight_bytes;
	plan->bias_bytes = p->bias_bytes;
	plan->input_bytes = p->input_bytes;
	plan->output_bytes = p->output_bytes;
	plan->out_h = p->oh;
	plan->out_w = p->ow;
	plan->k_tiles = p->kt;
	plan->k_passes = 1 + p->n_corr;
	plan->n_tiles = p->nt;
	plan->m_tiles = p->nbx * p->nby;
	plan->m_rows = p->m_rows;
	plan->k_chunk = p->kc;
	plan->n_group = p->ng;
	plan->n_load = s->n_load;
	plan->n_matmul = s->n_matmul;
	plan->n_store = s->n_store;
	plan->n_sync = s->n_sync;
	uint64_t rows_per_tile_set = (uint64_t)p->oh * p->ow; /* every pixel streams once per (n, t) */
	plan->rows_streamed = p->dw || p->maxpool ? p->rows_streamed : rows_per_tile_set * p->nt * p->kt;
	plan->macs_issued = plan->rows_streamed * p->g.rows * p->g.cols;
	plan->macs_model = rows_per_tile_set * op->out_c * op->k_h * op->k_w * (op->in_c / cc_groups(op));
	plan->macs_useful = plan->macs_model * plan->k_passes;
	plan->macs_dense = plan->macs_useful;
	if (p->sparse) { /* the kept slots of each tile's K_VALID elements */
		uint64_t kept = 0;
		for (uint32_t t = 0; t < p->kt; t++) {
			uint32_t cnt = tl_ktile(p, t).cnt;
			kept += 2u * (cnt / 4u) + (cnt % 4u < 2u ? cnt % 4u : 2u);
		}
		plan->macs_useful = rows_per_tile_set * op->out_c * kept;
	}
	return 0;
}

int mote_cc_sparse_check_blob(const struct mote_geometry *g, const struct mote_cc_conv *op, const void *weights,
			      size_t len, struct mote_cc_diag *diag)
{
	struct tl_params p;
	int rc = tl_params_init(&p, g, op, 0, diag);
	if (rc)
		return rc;
	if (!p.sparse)
		return 0;
	if (!weights || len < p.weight_bytes)
		return cc_fail(diag, MOTE_CC_EINVAL, "weight blob of %zu bytes, %zu needed", len, p.weight_bytes);
	uint32_t C = p.g.cols;
	for (uint32_t n = 0; n < p.nt; n++)
		for (uint32_t t = 0; t < p.kt; t++) {
			struct mote_cc_diag d = {{0}};
			const uint8_t *tile = (const uint8_t *)weights + ((size_t)n * p.kt + t) * p.wt_rows * C;
			uint32_t nv = op->out_c - n * C < C ? op->out_c - n * C : C;
			if (mote_cc_sparse_check_tile(tile, p.g.rows, C, nv, &d) < 0)
				return cc_fail(diag, MOTE_CC_EINVAL, "weight tile (output tile %u, reduction tile %u) at blob "
					       "offset %zu: %s", n, t, (size_t)(tile - (const uint8_t *)weights), d.msg);
		}
	return 0;
}

int cc_plan_conv_cost(const struct mote_geometry *g, const struct mote_cc_conv *op, uint32_t byte_cost,
		      struct mote_cc_plan *plan, struct mote_cc_diag *diag)
{
	if (!plan)
		return cc_fail(diag, MOTE_CC_EINVAL, "no plan");
	struct tl_params p;
	struct tl_stream s;
	const struct mote_cc_addrs zero = {0};
	int rc = build(g, op, byte_cost, &zero, &p, &s, plan, diag);
	if (!rc)
		tl_stream_free(&s);
	return rc;
}

int mote_cc_plan_conv(const struct mote_geometry *g, const struct mote_cc_conv *op, struct mote_cc_plan *plan,
		      struct mote_cc_diag *diag)
{
	return cc_plan_conv_cost(g, op, 0, plan, diag);
}

int mote_cc_plan_gemm(const struct mote_geometry *g, const struct mote_cc_gemm *op, struct mote_cc_plan *plan,
		      struct mote_cc_diag *diag)
{
	if (!op)
		return cc_fail(diag, MOTE_CC_EINVAL, "no operator");
	struct mote_cc_conv c;
	mote_cc_gemm_as_conv(op, &c);
	return mote_cc_plan_conv(g, &c, plan, diag);
}

struct region {
	uint32_t base;
	size_t size;
	const char *name;
};

static int regions_ok(const struct region *r, unsigned n, struct mote_cc_diag *diag)
{
	for (unsigned i = 0; i < n; i++)
		if ((uint64_t)r[i].base + r[i].size > (uint64_t)UINT32_MAX + 1)
			return cc_fail(diag, MOTE_CC_EINVAL, "%s region wraps past 4 GiB", r[i].name);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (r[i].size && r[j].size && (uint64_t)r[i].base < (uint64_t)r[j].base + r[j].size &&
			    (uint64_t)r[j].base < (uint64_t)r[i].base + r[i].size)
				return cc_fail(diag, MOTE_CC_EINVAL, "%s and %s regions overlap", r[i].name, r[j].name);
	return 0;
}

int mote_cc_emit_conv(const struct mote_geometry *g, const struct mote_cc_conv *op, const struct mote_cc_addrs *a,
		      const struct mote_cc_bufs *bufs, struct mote_cc_plan *plan, struct mote_cc_diag *diag)
{
	return cc_emit_conv_cost(g, op, 0, a, bufs, plan, diag);
}

int cc_emit_conv_cost(const struct mote_geometry *g, const struct mote_cc_conv *op, uint32_t byte_cost,
		      const struct mote_cc_addrs *a, const struct mote_cc_bufs *bufs, struct mote_cc_plan *plan,
		      struct mote_cc_diag *diag)
{
	if (!a || !bufs)
		return cc_fail(diag, MOTE_CC_EINVAL, "no addresses or buffers");
	struct tl_params p;
	struct tl_stream s;
	struct mote_cc_plan local;
	struct mote_cc_plan *pl = plan ? plan : &local;
	int rc = build(g, op, byte_cost, a, &p, &s, pl, diag);
	if (rc)
		return rc;
	const struct region r[6] = {
		{a->input, pl->input_bytes, "input"},   {a->output, pl->output_bytes, "output"},
		{a->weights, pl->weight_bytes, "weight"}, {a->bias, pl->bias_bytes, "bias"},
		{a->cmds, pl->cmd_bytes, "command"},    {a->operand, op->add.on ? pl->output_bytes : 0, "add operand"},
	};
	rc = regions_ok(r, 6, diag);
	if (!rc && (!bufs->cmds || bufs->cmds_cap < pl->cmd_bytes))
		rc = cc_fail(diag, MOTE_CC_ENOSPC, "command buffer needs %zu bytes", pl->cmd_bytes);
	if (!rc && (!bufs->weights || bufs->weights_cap < pl->weight_bytes))
		rc = cc_fail(diag, MOTE_CC_ENOSPC, "weight buffer needs %zu bytes", pl->weight_bytes);
	if (!rc && (!bufs->bias || bufs->bias_cap < pl->bias_bytes))
		rc = cc_fail(diag, MOTE_CC_ENOSPC, "bias buffer needs %zu bytes", pl->bias_bytes);
	if (!rc) {
		uint8_t *out = bufs->cmds;
		for (size_t i = 0; i < s.n; i++)
			out += mote_cmd_pack(out, s.w[i]); /* the stream packed: each command its words */
		tl_write_weights(&p, bufs->weights);
		tl_write_bias(&p, bufs->bias);
		if (p.sparse && CC_NEVER(mote_cc_sparse_check_blob(g, op, bufs->weights, pl->weight_bytes, diag) < 0))
			rc = MOTE_CC_EINTERNAL;
	}
	tl_stream_free(&s);
	return rc;
}

int mote_cc_emit_gemm(const struct mote_geometry *g, const struct mote_cc_gemm *op, const struct mote_cc_addrs *a,
		      const struct mote_cc_bufs *bufs, struct mote_cc_plan *plan, struct mote_cc_diag *diag)
{
	if (!op)
		return cc_fail(diag, MOTE_CC_EINVAL, "no operator");
	struct mote_cc_conv c;
	mote_cc_gemm_as_conv(op, &c);
	return mote_cc_emit_conv(g, &c, a, bufs, plan, diag);
}
