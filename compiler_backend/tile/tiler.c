/* tiler.c: the tiler's entry points (see tiler.h) over its table of variants.
 *
 * tl_params_init makes the checks every operator needs (the geometry, the
 * features the operator asks for, tensor sizes, 2:4 weights), then hands the
 * operator to its variant's tiling: max pooling, depthwise (which takes
 * global sums to their own variant when they qualify) or dense.  tl_gen and
 * tl_write_weights then run the variant the tiling took.  This file is the
 * only one of tile/ that knows every variant; the variants know the
 * primitives (tiler_prim.c) and nothing above them.
 */
#include <string.h>

#include "tiler.h"

/* The variants (tiler.h, struct tl_variant).  Global sums are chosen by
 * tl_dw_params after its checks (it calls tl_gsum_params), so their entry
 * has no tiling of its own here. */
enum { TL_DENSE, TL_DW, TL_GSUM, TL_MAX };
static const struct tl_variant tl_variants[] = {
	[TL_DENSE] = {"dense", tl_dense_params, tl_dense_gen, tl_dense_write_weights},
	[TL_DW] = {"depthwise", tl_dw_params, tl_dw_gen, tl_dw_write_weights},
	[TL_GSUM] = {"global sum", NULL, tl_gsum_gen, tl_gsum_write_weights},
	[TL_MAX] = {"max pooling", tl_max_params, tl_max_gen, tl_max_write_weights},
};

/* The variant a finished tiling took. */
static const struct tl_variant *variant_of(const struct tl_params *p)
{
	return &tl_variants[p->gsum ? TL_GSUM : p->dw ? TL_DW : p->maxpool ? TL_MAX : TL_DENSE];
}

static int geometry_ok(const struct mote_geometry *g, struct mote_cc_diag *diag)
{
	if (!g)
		return cc_fail(diag, MOTE_CC_EINVAL, "no geometry");
	if (!g->rows || !g->cols || g->rows > 255 || g->cols > 255)
		return cc_fail(diag, MOTE_CC_EINVAL, "array %ux%u outside 1..255", g->rows, g->cols);
	if (!g->abuf_depth || !g->acc_depth)
		return cc_fail(diag, MOTE_CC_EINVAL, "empty activation buffer or accumulator");
	if (g->wbuf_depth < g->rows)
		return cc_fail(diag, MOTE_CC_ENOSPC, "weight buffer (%u rows) holds less than one %u-row tile",
			       g->wbuf_depth, g->rows);
	if (g->bbuf_depth < MOTE_BIAS_ROWS)
		return cc_fail(diag, MOTE_CC_ENOSPC, "bias buffer (%u rows) holds less than one tile's %u rows",
			       g->bbuf_depth, (unsigned)MOTE_BIAS_ROWS);
	return 0;
}

int tl_params_init(struct tl_params *p, const struct mote_geometry *geom, const struct mote_cc_conv *op, uint32_t byte_cost,
		   struct mote_cc_diag *diag)
{
	memset(p, 0, sizeof *p);
	int rc = geometry_ok(geom, diag);
	if (rc)
		return rc;
	rc = mote_cc_conv_check(op, &p->oh, &p->ow, diag);
	if (rc)
		return rc;
	if (op->in_type == MOTE_CC_UINT8 && !(geom->features & MOTE_FEATURES_XOR_MSB_MASK))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "uint8 input needs the XOR_MSB feature");
	if (op->out_type == MOTE_CC_INT32 && !(geom->features & MOTE_FEATURES_INT32_OUT_MASK))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "int32 output needs the INT32_OUT feature");
	if (op->add.on && !(geom->features & MOTE_FEATURES_STORE_ADD_MASK))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "a fused add needs the STORE_ADD feature");
	if (op->round_tfl && op->out_type != MOTE_CC_INT32 && !(geom->features & MOTE_FEATURES_ROUND_TFL_MASK))
		return cc_fail(diag, MOTE_CC_ENOTSUP, "TFLite's two roundings need the ROUND_TFL feature");
	p->op = op;
	p->byte_cost = byte_cost;
	p->g = *geom;
	p->g.abuf_depth = min_u32(geom->abuf_depth, ROW_FIELD_MAX);
	p->g.wbuf_depth = min_u32(geom->wbuf_depth, ROW_FIELD_MAX);
	p->g.bbuf_depth = min_u32(geom->bbuf_depth, ROW_FIELD_MAX);
	p->g.acc_depth = min_u32(geom->acc_depth, ROW_FIELD_MAX);
	const struct mote_geometry *g = &p->g;
	uint32_t R = g->rows, C = g->cols;
	/* Tensor sizes (conv_check bounded the tensors by 4 GiB) and input encoding. */
	p->esize = (uint32_t)mote_cc_dtype_size(op->out_type);
	p->input_bytes = (size_t)op->in_h * op->in_w * op->in_c;
	p->output_bytes = (size_t)p->oh * p->ow * op->out_c * p->esize;
	p->xor_msb = op->in_type == MOTE_CC_UINT8;
	p->pad_byte = (uint8_t)(op->in_zp & 0xff);
	p->tile_ch = C;
	p->kr = p->wt_rows = R;
	if (op->sparse) {
		if (!(geom->features & MOTE_FEATURES_SPARSE_MASK))
			return cc_fail(diag, MOTE_CC_ENOTSUP, "2:4 sparse weights need the SPARSE feature");
		if (R % 4)
			return cc_fail(diag, MOTE_CC_ENOTSUP, "2:4 sparse weights need array rows a multiple of 4, not %u", R);
		if (op->pool != MOTE_CC_POOL_NONE || cc_groups(op) > 1 || op->w_type != MOTE_CC_INT8 || op->w_zp)
			return cc_fail(diag, MOTE_CC_ENOTSUP,
				       "2:4 sparse weights: only int8 weights without zero point, no groups, no pooling");
		int rc2 = mote_cc_sparse_check(op, diag);
		if (rc2)
			return rc2;
		p->sparse = 1;
		p->kr = 2 * R;
		p->wt_rows = R + R / 4;
	}
	int kind = op->pool == MOTE_CC_POOL_MAX ? TL_MAX : cc_groups(op) > 1 ? TL_DW : TL_DENSE;
	return tl_variants[kind].params(p, diag);
}

int tl_gen(const struct tl_params *p, const struct mote_cc_addrs *a, struct tl_ops *ops,
	   struct mote_cc_diag *diag)
{
	memset(ops, 0, sizeof *ops);
	for (unsigned r = 0; r < RES_N; r++) {
		ops->last_writer[r] = -1;
		for (int q = 0; q < TQ_N; q++)
			ops->last_reader[r][q] = -1;
	}
	struct tl_gen x = {.p = p, .a = a, .ops = ops, .diag = diag};
	return variant_of(p)->gen(&x);
}

void tl_write_weights(const struct tl_params *p, uint8_t *dst)
{
	variant_of(p)->write_weights(p, dst);
}
