/* cmd_mutate.h: fuzz_cmd's mutator (driver/tests/fuzz/fuzz_cmd.c): an input
 * taken apart into commands (struct edit), changed through the generated
 * field table of mote_hw.h (mote_cmd_field_at) and the rig's addresses,
 * depths and seeds, and put back into a file.  Header-only, for fuzz_cmd.c.
 */
#ifndef MOTE_FUZZ_CMD_MUTATE_H
#define MOTE_FUZZ_CMD_MUTATE_H

#include "cmd_rig.h"

/* The lowest and highest byte offsets from ADDR0 a LOAD or STORE touches
 * (bounds and padding ignored: the rows' extent). */
static void extent(const uint32_t *c, int64_t *lo, int64_t *hi)
{
	int64_t step_o, step_i, n_o, n_i, bytes;
	if ((c[0] & 0xffu) == MOTE_OP_LOAD) {
		step_o = MOTE_CMD_GET(c, LOAD, OUTER_STEP), step_i = MOTE_CMD_GET(c, LOAD, SX);
		n_o = MOTE_CMD_GET(c, LOAD, N_OUTER), n_i = MOTE_CMD_GET(c, LOAD, N_INNER);
		bytes = MOTE_CMD_GET(c, LOAD, COUNT);
	} else {
		step_o = MOTE_CMD_GET(c, STORE, OUTER_STRIDE), step_i = MOTE_CMD_GET(c, STORE, INNER_STRIDE);
		n_o = MOTE_CMD_GET(c, STORE, N_OUTER), n_i = MOTE_CMD_GET(c, STORE, N_INNER);
		bytes = MOTE_CMD_GET(c, STORE, NCOLS) * (MOTE_CMD_GET(c, STORE, INT32) ? 4 : 1);
	}
	int64_t a = n_o > 0 ? (n_o - 1) * step_o : 0, b = n_i > 0 ? (n_i - 1) * step_i : 0;
	*lo = (a < 0 ? a : 0) + (b < 0 ? b : 0);
	*hi = (a > 0 ? a : 0) + (b > 0 ? b : 0) + (bytes > 0 ? bytes - 1 : 0);
}

/* ---- mutations ------------------------------------------------------------------------ */

/* An input taken apart: commands one per slot (an illegal opcode takes one
 * word, as the device reads it), the bytes after the last whole command. */
struct edit {
	unsigned seed, win;
	uint32_t n_cmds;
	uint32_t cmd[MAX_CMDS][MOTE_CMD_WORDS];
	unsigned ncmd;
	uint8_t tail[CMD_BYTES];
	size_t tail_len;
	uint8_t data[DATA_BYTES], in[IN_BYTES], opnd[OPND_BYTES];
	size_t data_len, in_len, opnd_len;
};

static unsigned cmd_words(const uint32_t *c)
{
	unsigned n = mote_cmd_len(c[0]);
	return n ? n : 1;
}

static void edit_from(struct edit *e, const struct input *in)
{
	e->seed = in->seed, e->win = in->win, e->n_cmds = in->n_cmds;
	e->ncmd = 0;
	size_t off = 0;
	while (off + 4 <= in->stream_len && e->ncmd < MAX_CMDS) {
		uint32_t *c = e->cmd[e->ncmd];
		memset(c, 0, sizeof e->cmd[0]);
		c[0] = get32(in->stream + off);
		unsigned n = cmd_words(c);
		if (off + 4u * n > in->stream_len)
			break;
		for (unsigned k = 1; k < n; k++)
			c[k] = get32(in->stream + off + 4 * k);
		off += 4u * n;
		e->ncmd++;
	}
	e->tail_len = in->stream_len - off;
	memcpy(e->tail, in->stream + off, e->tail_len);
	memcpy(e->data, in->data, e->data_len = in->data_len);
	memcpy(e->in, in->in, e->in_len = in->in_len);
	memcpy(e->opnd, in->opnd, e->opnd_len = in->opnd_len);
}

/* Back to a file (commands that do not fit CMD_BYTES dropped, then the tail). */
static int edit_to(const struct edit *e, struct fz_buf *b)
{
	static uint8_t stream[CMD_BYTES];
	size_t off = 0;
	for (unsigned i = 0; i < e->ncmd; i++) {
		unsigned n = cmd_words(e->cmd[i]);
		if (off + 4u * n > CMD_BYTES)
			break;
		off += mote_cmd_pack(stream + off, e->cmd[i]);
	}
	size_t t = e->tail_len < CMD_BYTES - off ? e->tail_len : CMD_BYTES - off;
	memcpy(stream + off, e->tail, t);
	struct input in = {.seed = e->seed, .win = e->win, .n_cmds = e->n_cmds, .stream = stream, .stream_len = off + t,
			   .data = e->data, .data_len = e->data_len, .in = e->in, .in_len = e->in_len,
			   .opnd = e->opnd, .opnd_len = e->opnd_len};
	return write_input(b, &in);
}

struct mut_ctx {
	struct fz_rng *rng;
	const struct rig *r;
	const struct edit *other; /* another input, for splicing */
};

/* Fields of command c (the header's, its opcode's, a tail's only with its flag). */
static unsigned fields_of(const uint32_t *c, const struct mote_cmd_field **out)
{
	unsigned op = c[0] & 0xffu, n = 0, words = cmd_words(c);
	for (unsigned i = 0; i < MOTE_NUM_CMD_FIELDS; i++) {
		const struct mote_cmd_field *f = mote_cmd_field_at(i);
		if ((f->op == 0 || f->op == op) && f->word < words)
			out[n++] = f;
	}
	return n;
}

static int is_field(const struct mote_cmd_field *f, const char *op, const char *name)
{
	return !strcmp(f->op_name, op) && !strcmp(f->name, name);
}

/* A buffer depth a row field of f counts in (0: not a row field). */
static uint32_t depth_of(const struct rig *r, const struct mote_cmd_field *f, const uint32_t *c)
{
	const struct mote_geometry *g = &r->g;
	if (is_field(f, "LOAD", "BUF_ROW")) {
		uint64_t dst = MOTE_CMD_GET(c, LOAD, DST);
		return dst == MOTE_BUF_ACT ? g->abuf_depth : dst == MOTE_BUF_WGT ? g->wbuf_depth : g->bbuf_depth;
	}
	if (is_field(f, "MATMUL", "ACT_ROW") || is_field(f, "MATMUL", "ACT_ROW_HI"))
		return g->abuf_depth;
	if (is_field(f, "MATMUL", "WGT_ROW"))
		return g->wbuf_depth;
	if (is_field(f, "MATMUL", "ACC_ROW") || is_field(f, "STORE", "ACC_ROW"))
		return g->acc_depth;
	if (is_field(f, "STORE", "BIAS_ROW"))
		return g->bbuf_depth;
	return 0;
}

static int is_addr(const struct mote_cmd_field *f)
{
	return f->width == 32 && !f->is_signed && (!strcmp(f->name, "ADDR0") || !strcmp(f->name, "ADD_ADDR0"));
}

/* An address at or near an edge of a region (or of memory). */
static uint32_t edge_addr(struct mut_ctx *m)
{
	static const int32_t delta[] = {-64, -16, -8, -4, -2, -1, 0, 0, 0, 1, 2, 4, 8, 16, 64};
	const struct rig *r = m->r;
	switch (fz_below(m->rng, 12)) {
	case 0: return 0;
	case 1: return (uint32_t)r->info.mem_size + (uint32_t)fz_below(m->rng, 3) - 1u;
	case 2: return 0xffffffffu - (uint32_t)fz_below(m->rng, 64);
	default: {
		const struct region *g = &r->r[fz_below(m->rng, N_REGIONS)];
		uint32_t e = g->addr + (fz_chance(m->rng, 2) ? (uint32_t)g->size : 0);
		return e + (uint32_t)delta[fz_below(m->rng, sizeof delta / sizeof delta[0])];
	}
	}
}

/* A new value of field f of command c. */
static uint32_t field_value(struct mut_ctx *m, const struct mote_cmd_field *f, const uint32_t *c)
{
	struct fz_rng *rng = m->rng;
	const struct mote_geometry *g = &m->r->g;
	uint32_t mask = f->width >= 32 ? 0xffffffffu : (1u << f->width) - 1u;
	uint32_t v = (uint32_t)mote_cmd_take(c, f->word, f->lsb, f->width, 0);
	uint32_t smax = f->is_signed ? mask >> 1 : mask, smin = f->is_signed ? ~(mask >> 1) : 0;
	if (is_addr(f) && fz_below(rng, 3))
		return edge_addr(m);
	uint32_t depth = depth_of(m->r, f, c);
	if (depth && fz_chance(rng, 2)) {
		static const uint32_t back[] = {0, 1, 2, 3, 4, 5, 8};
		uint32_t d = fz_chance(rng, 3) ? g->rows + g->rows / 4 : back[fz_below(rng, sizeof back / sizeof back[0])];
		return depth - d + (uint32_t)fz_below(rng, 2);
	}
	switch (fz_below(rng, 12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return smax;
	case 3: return f->is_signed ? smin : smax - 1;
	case 4: return f->is_signed ? mask : v + 1; /* -1 */
	case 5: return v - 1;
	case 6: return v ^ (1u << fz_below(rng, f->width));
	case 7: return (uint32_t)fz_next(rng);
	case 8: {
		const uint32_t gv[] = {g->rows, g->cols, 2 * g->rows, g->rows + 1, g->cols + 1, g->rows + g->rows / 4,
				       g->abuf_depth, g->wbuf_depth, g->bbuf_depth, g->acc_depth, 4 * g->cols};
		return gv[fz_below(rng, sizeof gv / sizeof gv[0])];
	}
	case 9: return v + (uint32_t)(fz_chance(rng, 2) ? 1 : -1) * (uint32_t)(2 + fz_below(rng, 15));
	case 10: return fz_chance(rng, 2) ? v * 2 : v / 2;
	default: return 1u << fz_below(rng, f->width);
	}
}

static const uint32_t *find_field_cmd(const struct edit *e, struct fz_rng *rng, unsigned *idx)
{
	if (!e->ncmd)
		return NULL;
	*idx = (unsigned)fz_below(rng, e->ncmd);
	return e->cmd[*idx];
}

/* A LOAD's or STORE's (or its operand's) rows placed with their first or last
 * byte on a region's edge, or one byte over. */
static const char *mut_span(struct mut_ctx *m, struct edit *e)
{
	unsigned idx = 0;
	for (int tries = 0; tries < 8; tries++) {
		uint32_t *c = (uint32_t *)find_field_cmd(e, m->rng, &idx);
		if (!c)
			return "span-none";
		unsigned op = c[0] & 0xffu;
		if (op != MOTE_OP_LOAD && op != MOTE_OP_STORE)
			continue;
		int64_t lo, hi;
		extent(c, &lo, &hi);
		const struct region *g = &m->r->r[fz_below(m->rng, N_REGIONS)];
		int over = (int)fz_below(m->rng, 3) - 1; /* -1 inside by one, 0 on the edge, 1 over */
		int64_t a = fz_chance(m->rng, 2) ? (int64_t)g->addr + (int64_t)g->size - 1 - hi + over
						 : (int64_t)g->addr - lo - over;
		int operand = op == MOTE_OP_STORE && MOTE_CMD_GET(c, STORE, ADD) && fz_chance(m->rng, 2);
		if (op == MOTE_OP_LOAD)
			MOTE_CMD_SET(c, LOAD, ADDR0, (uint32_t)a);
		else if (operand)
			MOTE_CMD_SET(c, STORE, ADD_ADDR0, (uint32_t)a);
		else
			MOTE_CMD_SET(c, STORE, ADDR0, (uint32_t)a);
		return over > 0 ? "span-over-edge" : over ? "span-inside-edge" : "span-on-edge";
	}
	return "span-none";
}

static const char *mut_field(struct mut_ctx *m, struct edit *e)
{
	unsigned idx;
	uint32_t *c = (uint32_t *)find_field_cmd(e, m->rng, &idx);
	if (!c)
		return "field-none";
	const struct mote_cmd_field *fl[MOTE_NUM_CMD_FIELDS];
	unsigned n = fields_of(c, fl);
	const struct mote_cmd_field *f = fl[fz_below(m->rng, n)];
	if (f->word == 0 && f->lsb == 0) /* the opcode: mut_opcode's */
		return "field-opcode-skip";
	mote_cmd_put(c, f->word, f->lsb, f->width, field_value(m, f, c));
	return f->width == 1 ? "field-flag" : is_addr(f) ? "field-address" : "field";
}

static const char *mut_opcode(struct mut_ctx *m, struct edit *e)
{
	static const uint32_t bad[] = {0, 5, 6, 14, 16, 0x77, 0xff};
	static const uint32_t good[] = {MOTE_OP_LOAD, MOTE_OP_MATMUL, MOTE_OP_STORE, MOTE_OP_SYNC, MOTE_OP_END};
	unsigned idx;
	uint32_t *c = (uint32_t *)find_field_cmd(e, m->rng, &idx);
	if (!c)
		return "opcode-none";
	int ok = fz_below(m->rng, 4) != 0;
	MOTE_CMD_SET(c, HDR, OPCODE, ok ? good[fz_below(m->rng, 5)] : bad[fz_below(m->rng, sizeof bad / sizeof bad[0])]);
	return ok ? "opcode" : "opcode-illegal";
}

/* A token bit flipped, or a SYNC with random token bits inserted. */
static const char *mut_tokens(struct mut_ctx *m, struct edit *e)
{
	static const unsigned lsb[] = {MOTE_HDR_POP_PREV_LSB, MOTE_HDR_POP_NEXT_LSB, MOTE_HDR_PUSH_PREV_LSB,
				       MOTE_HDR_PUSH_NEXT_LSB};
	if (e->ncmd && fz_below(m->rng, 3)) {
		e->cmd[fz_below(m->rng, e->ncmd)][0] ^= 1u << lsb[fz_below(m->rng, 4)];
		return "token-flip";
	}
	if (e->ncmd >= MAX_CMDS)
		return "token-skip";
	unsigned at = (unsigned)fz_below(m->rng, e->ncmd + 1);
	if (fz_chance(m->rng, 8) && e->ncmd + MOTE_TOKEN_MAX + 8 <= MAX_CMDS) {
		/* about TOKEN_MAX pushes into one counter: around its overflow (TOKEN) */
		unsigned k = MOTE_TOKEN_MAX - 2 + (unsigned)fz_below(m->rng, 6), q = (unsigned)fz_below(m->rng, 3);
		memmove(e->cmd[at + k], e->cmd[at], (e->ncmd - at) * sizeof e->cmd[0]);
		for (unsigned i = 0; i < k; i++) {
			uint32_t *c = e->cmd[at + i];
			memset(c, 0, sizeof e->cmd[0]);
			MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_SYNC);
			MOTE_CMD_SET(c, SYNC, QUEUE, q);
			if (q == MOTE_QUEUE_STORE)
				MOTE_CMD_SET(c, HDR, PUSH_PREV, 1);
			else
				MOTE_CMD_SET(c, HDR, PUSH_NEXT, 1);
		}
		e->ncmd += k;
		e->n_cmds += k;
		return "token-flood";
	}
	memmove(e->cmd[at + 1], e->cmd[at], (e->ncmd - at) * sizeof e->cmd[0]);
	uint32_t *c = e->cmd[at];
	memset(c, 0, sizeof e->cmd[0]);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_SYNC);
	MOTE_CMD_SET(c, SYNC, QUEUE, fz_below(m->rng, 4));
	c[0] |= (uint32_t)fz_below(m->rng, 16) << MOTE_HDR_POP_PREV_LSB;
	e->ncmd++;
	if (fz_below(m->rng, 4))
		e->n_cmds++;
	return "token-sync";
}

/* Commands deleted, duplicated, swapped, moved, cut, an END inserted, or
 * commands of another input spliced in; CMD_COUNT follows mostly. */
static const char *mut_list(struct mut_ctx *m, struct edit *e)
{
	struct fz_rng *rng = m->rng;
	unsigned n = e->ncmd;
	int follow = fz_below(rng, 4) != 0;
	const char *what;
	switch (fz_below(rng, 7)) {
	case 0: { /* delete one or a run */
		if (!n)
			return "list-none";
		unsigned at = (unsigned)fz_below(rng, n), k = 1 + (unsigned)(fz_chance(rng, 4) ? fz_below(rng, n - at) : 0);
		if (k > n - at)
			k = n - at;
		memmove(e->cmd[at], e->cmd[at + k], (n - at - k) * sizeof e->cmd[0]);
		e->ncmd -= k;
		if (follow)
			e->n_cmds -= k;
		what = "list-delete";
		break;
	}
	case 1: { /* duplicate one (a few times) */
		if (!n || n >= MAX_CMDS)
			return "list-none";
		unsigned at = (unsigned)fz_below(rng, n), k = 1 + (unsigned)(fz_chance(rng, 4) ? fz_below(rng, 8) : 0);
		if (k > MAX_CMDS - n)
			k = MAX_CMDS - n;
		memmove(e->cmd[at + k], e->cmd[at], (n - at) * sizeof e->cmd[0]);
		for (unsigned i = 1; i <= k; i++)
			memcpy(e->cmd[at + i], e->cmd[at], sizeof e->cmd[0]);
		e->ncmd += k;
		if (follow)
			e->n_cmds += k;
		what = "list-duplicate";
		break;
	}
	case 2: { /* swap two */
		if (n < 2)
			return "list-none";
		unsigned a = (unsigned)fz_below(rng, n), b = (unsigned)fz_below(rng, n);
		uint32_t tmp[MOTE_CMD_WORDS];
		memcpy(tmp, e->cmd[a], sizeof tmp);
		memcpy(e->cmd[a], e->cmd[b], sizeof tmp);
		memcpy(e->cmd[b], tmp, sizeof tmp);
		return "list-swap";
	}
	case 3: { /* move one */
		if (n < 2)
			return "list-none";
		unsigned a = (unsigned)fz_below(rng, n), b = (unsigned)fz_below(rng, n);
		uint32_t tmp[MOTE_CMD_WORDS];
		memcpy(tmp, e->cmd[a], sizeof tmp);
		if (a < b)
			memmove(e->cmd[a], e->cmd[a + 1], (b - a) * sizeof e->cmd[0]);
		else
			memmove(e->cmd[b + 1], e->cmd[b], (a - b) * sizeof e->cmd[0]);
		memcpy(e->cmd[b], tmp, sizeof tmp);
		return "list-move";
	}
	case 4: { /* cut the end (the END goes first) */
		if (!n)
			return "list-none";
		unsigned k = 1 + (unsigned)fz_below(rng, n < 4 ? n : 4);
		e->ncmd -= k;
		e->tail_len = 0;
		if (follow)
			e->n_cmds -= k;
		what = "list-truncate";
		break;
	}
	case 5: { /* an END somewhere */
		if (n >= MAX_CMDS)
			return "list-none";
		unsigned at = (unsigned)fz_below(rng, n + 1);
		memmove(e->cmd[at + 1], e->cmd[at], (n - at) * sizeof e->cmd[0]);
		memset(e->cmd[at], 0, sizeof e->cmd[0]);
		MOTE_CMD_SET(e->cmd[at], HDR, OPCODE, MOTE_OP_END);
		e->ncmd++;
		if (follow)
			e->n_cmds++;
		what = "list-insert-end";
		break;
	}
	default: { /* commands of the other input: a run inserted, or its suffix after our prefix */
		const struct edit *o = m->other;
		if (!o || !o->ncmd)
			return "list-none";
		unsigned from = (unsigned)fz_below(rng, o->ncmd), k = 1 + (unsigned)fz_below(rng, o->ncmd - from);
		unsigned at = (unsigned)fz_below(rng, n + 1);
		if (fz_chance(rng, 2)) { /* cross over: ours up to at, theirs from `from` */
			if (k > MAX_CMDS - at)
				k = MAX_CMDS - at;
			memcpy(e->cmd[at], o->cmd[from], k * sizeof e->cmd[0]);
			e->ncmd = at + k;
			e->tail_len = 0;
			e->n_cmds = follow ? e->ncmd : e->n_cmds;
			return "list-crossover";
		}
		if (k > MAX_CMDS - n)
			k = MAX_CMDS - n;
		memmove(e->cmd[at + k], e->cmd[at], (n - at) * sizeof e->cmd[0]);
		memcpy(e->cmd[at], o->cmd[from], k * sizeof e->cmd[0]);
		e->ncmd += k;
		if (follow)
			e->n_cmds += k;
		what = "list-splice";
		break;
	}
	}
	return what;
}

/* CMD_COUNT off the number of commands, or the window variant, or the seed. */
static const char *mut_header(struct mut_ctx *m, struct edit *e)
{
	struct fz_rng *rng = m->rng;
	switch (fz_below(rng, 4)) {
	case 0: {
		static const uint32_t v[] = {0, 1, 2, MAX_CMDS, (CMD_BYTES + DATA_BYTES) / 4, (CMD_BYTES + DATA_BYTES) / 4 + 1,
					     0xffffffffu};
		e->n_cmds = fz_chance(rng, 3) ? v[fz_below(rng, sizeof v / sizeof v[0])]
					      : e->ncmd + (uint32_t)fz_below(rng, 7) - 3u;
		return "count";
	}
	case 1:
	case 2:
		e->win = (unsigned)fz_below(rng, 32);
		return "windows";
	default:
		e->seed = (unsigned)fz_below(rng, m->r->n_seeds);
		return "seed-index";
	}
}

/* A byte of the data: in a sparse seed's weight tiles often a metadata byte
 * (an index pair naming one element twice, descending, or another ascending
 * pair), else any byte of the weights, bias, input or operand. */
static const char *mut_data(struct mut_ctx *m, struct edit *e)
{
	struct fz_rng *rng = m->rng;
	const struct rig *r = m->r;
	const struct seed *s = e->seed < r->n_seeds ? &r->seeds[e->seed] : NULL;
	uint32_t R = r->g.rows, C = r->g.cols;
	if (s && s->p.a.sparse && fz_below(rng, 3)) {
		size_t tile = (size_t)(R + R / 4) * C, tiles = s->p.plan.weight_bytes / tile;
		size_t at = fz_below(rng, tiles) * tile + (size_t)(5 * fz_below(rng, R / 4) + 4) * C + fz_below(rng, C);
		if (!tiles || at >= e->data_len)
			return "meta-none";
		static const uint8_t pair_ok[6] = {0x4, 0x8, 0xC, 0x9, 0xD, 0xE}; /* (i0, i1), i0 < i1: i0 | i1 << 2 */
		uint8_t b = e->data[at];
		unsigned half = (unsigned)fz_below(rng, 2) * 4;
		switch (fz_below(rng, 4)) {
		case 0: { /* one element twice */
			unsigned i = (unsigned)fz_below(rng, 4);
			b = (uint8_t)((b & ~(0xFu << half)) | (i | i << 2) << half);
			e->data[at] = b;
			return "meta-same-element";
		}
		case 1: { /* descending */
			uint8_t p = pair_ok[fz_below(rng, 6)];
			b = (uint8_t)((b & ~(0xFu << half)) | ((p >> 2 | (p & 3) << 2) << half));
			e->data[at] = b;
			return "meta-descending";
		}
		case 2: /* another valid pattern */
			e->data[at] = (uint8_t)(pair_ok[fz_below(rng, 6)] | pair_ok[fz_below(rng, 6)] << 4);
			return "meta-other-pair";
		default:
			e->data[at] = (uint8_t)fz_next(rng);
			return "meta-random";
		}
	}
	uint8_t *part[3] = {e->data, e->in, e->opnd};
	size_t len[3] = {e->data_len, e->in_len, e->opnd_len};
	unsigned k = (unsigned)fz_below(rng, 3);
	if (!len[k])
		return "data-none";
	size_t at = fz_below(rng, len[k]);
	if (k == 0 && s && fz_chance(rng, 2) && s->p.plan.weight_bytes) /* mostly weights: the oracle holds */
		at = fz_below(rng, s->p.plan.weight_bytes);
	part[k][at] = fz_chance(rng, 2) ? (uint8_t)fz_next(rng) : (uint8_t)(part[k][at] ^ (1u << fz_below(rng, 8)));
	return k == 0 ? "data-weights" : k == 1 ? "data-input" : "data-operand";
}

static const char *mut_word(struct mut_ctx *m, struct edit *e)
{
	unsigned idx;
	uint32_t *c = (uint32_t *)find_field_cmd(e, m->rng, &idx);
	if (!c)
		return "word-none";
	unsigned w = (unsigned)fz_below(m->rng, cmd_words(c));
	c[w] = fz_chance(m->rng, 2) ? c[w] ^ (1u << fz_below(m->rng, 32)) : fz_interesting32(m->rng, c[w], 0);
	return "word";
}

/* One structured mutation of e. */
static const char *mutate(struct mut_ctx *m, struct edit *e)
{
	switch (fz_below(m->rng, 20)) {
	case 0: case 1: case 2: case 3: case 4: case 5: return mut_field(m, e);
	case 6: case 7: return mut_span(m, e);
	case 8: return mut_opcode(m, e);
	case 9: case 10: return mut_tokens(m, e);
	case 11: case 12: case 13: return mut_list(m, e);
	case 14: return mut_header(m, e);
	case 15: case 16: case 17: return mut_data(m, e);
	default: return mut_word(m, e);
	}
}

#endif /* MOTE_FUZZ_CMD_MUTATE_H */
