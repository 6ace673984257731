/* cc_test_util.c: see cc_test_util.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"

struct mote_geometry tc_geom(uint32_t rows, uint32_t cols)
{
	struct mote_geometry g = {
		.rows = rows, .cols = cols, .mem_bytes = 2 * rows, .abuf_depth = 4096, .wbuf_depth = 1024,
		.bbuf_depth = 96, .acc_depth = 1024,
		.features = MOTE_FEATURES_INT32_OUT_MASK | MOTE_FEATURES_XOR_MSB_MASK | MOTE_FEATURES_DEPTHWISE_MASK | MOTE_FEATURES_DW_DROP_MASK |
			    MOTE_FEATURES_ACC_MAX_MASK | MOTE_FEATURES_STORE_ADD_MASK | MOTE_FEATURES_ROUND_TFL_MASK,
	};
	return g;
}

uint64_t tc_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int64_t tc_range(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(tc_rand(s) % (uint64_t)(hi - lo + 1));
}

static size_t up64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}

#define CANARY 0xa5

int tc_run_conv(const struct mote_geometry *g, const struct mote_cc_conv *op, const uint8_t *input, void *out,
		struct tc_run *run)
{
	struct mote_cc_diag diag = {{0}};
	run->canary_ok = 0;
	run->status = mote_cc_plan_conv(g, op, &run->plan, &diag);
	if (run->status) {
		snprintf(run->why, sizeof run->why, "plan: %s: %s", mote_cc_status_name(run->status), diag.msg);
		return 1;
	}
	const struct mote_cc_plan *pl = &run->plan;
	/* Layout: 64-byte guard, cmds, input, weights, bias, [add operand], guard, output, guard. */
	const uint32_t base = 0x10000;
	size_t opnd_bytes = op->add.on ? pl->output_bytes : 0;
	size_t o_cmd = 64, o_in = o_cmd + up64(pl->cmd_bytes), o_w = o_in + up64(pl->input_bytes);
	size_t o_b = o_w + up64(pl->weight_bytes), o_r = o_b + up64(pl->bias_bytes), o_out = o_r + up64(opnd_bytes) + 64;
	size_t size = o_out + up64(pl->output_bytes) + 64;
	uint8_t *mem = malloc(size);
	if (!mem) {
		snprintf(run->why, sizeof run->why, "out of memory");
		return 1;
	}
	memset(mem, CANARY, size);
	memcpy(mem + o_in, input, pl->input_bytes);
	if (opnd_bytes && run->operand)
		memcpy(mem + o_r, run->operand, opnd_bytes);
	struct mote_cc_addrs a = {.input = base + (uint32_t)o_in, .output = base + (uint32_t)o_out,
				  .weights = base + (uint32_t)o_w, .bias = base + (uint32_t)o_b,
				  .cmds = base + (uint32_t)o_cmd, .operand = base + (uint32_t)o_r};
	struct mote_cc_bufs b = {mem + o_cmd, pl->cmd_bytes, mem + o_w, pl->weight_bytes, mem + o_b, pl->bias_bytes};
	run->status = mote_cc_emit_conv(g, op, &a, &b, NULL, &diag);
	if (run->status) {
		snprintf(run->why, sizeof run->why, "emit: %s: %s", mote_cc_status_name(run->status), diag.msg);
		free(mem);
		return 1;
	}
	uint8_t *before = malloc(size);
	if (!before) {
		free(mem);
		snprintf(run->why, sizeof run->why, "out of memory");
		return 1;
	}
	memcpy(before, mem, size);
	struct mote_fm_config cfg = {
		.geom = *g, .queue_depth = run->queue_depth, .cmd_base = a.cmds, .cmd_count = pl->n_cmds,
		.policy = run->policy, .seed = run->seed,
	};
	/* Windows: commands X, input..operand R, output W (rounded to 64 bytes). */
	cfg.win[0] = (struct mote_fm_window){a.cmds, (uint32_t)up64(pl->cmd_bytes), MOTE_WIN_PERM_X_MASK};
	cfg.win[1] = (struct mote_fm_window){a.input, (uint32_t)(o_out - 64 - o_in), MOTE_WIN_PERM_R_MASK};
	cfg.win[2] = (struct mote_fm_window){a.output, (uint32_t)up64(pl->output_bytes), MOTE_WIN_PERM_W_MASK};
	int rc = mote_fm_run(&cfg, mem, base, size, &run->res);
	int bad = 0;
	if (rc) {
		snprintf(run->why, sizeof run->why, "model could not run: %d", rc);
		bad = 1;
	} else if (run->res.err_code != MOTE_ERR_NONE) {
		snprintf(run->why, sizeof run->why, "job error %s at command %u (addr 0x%x, deadlock %d)",
			 mote_hw_err_name(run->res.err_code), run->res.err_cmd, run->res.err_addr, run->res.deadlock);
		bad = 1;
	}
	/* Only the output tensor may change. */
	run->canary_ok = memcmp(mem, before, o_out) == 0 &&
			 memcmp(mem + o_out + pl->output_bytes, before + o_out + pl->output_bytes,
				size - o_out - pl->output_bytes) == 0;
	memcpy(out, mem + o_out, pl->output_bytes);
	free(before);
	free(mem);
	return bad;
}
