/* tiler_sched.c: stream order and dependency tokens.
 *
 * Order.  The operations of each queue keep their logical order; the three
 * are merged so that (1) stores go as soon as their data is computed, (2) a
 * load goes as soon as its slot is free but at most LOAD_CREDIT loads per
 * MATMUL unless the array is waiting for them, (3) MATMULs otherwise.  The
 * head with the lowest logical index is always ready, so the merge never
 * stalls, and every dependency points backwards in the stream: executed one
 * command at a time in stream order nothing ever waits, hence no queue depth
 * can deadlock the stream.
 *
 * Tokens.  Units complete their commands in order, so "command Y of queue p is
 * complete" follows from popping a token that Y (or a later command of p)
 * pushed.  Each queue keeps a vector of what its next command knows complete;
 * a pop of Y's token adds everything Y knew.  A dependency on Y that is not
 * yet known becomes PUSH on Y and POP on the consumer (every push is popped
 * once, in order, so the counters stay small).  Load and store share no
 * channel: such a dependency goes through a compute command that already
 * knows Y complete, or through a SYNC inserted in the compute queue.
 */
#include <stdlib.h>
#include <string.h>

#include "tiler.h"

#define LOAD_CREDIT 1

enum { F_POP_PREV, F_POP_NEXT, F_PUSH_PREV, F_PUSH_NEXT };

/* Direct channel from producer queue p to consumer queue q: the flag the
 * producer pushes with and the flag the consumer pops with (-1: none). */
static const int8_t push_flag[TQ_N][TQ_N] = {
	[TQ_LOAD] = {[TQ_COMP] = F_PUSH_NEXT, [TQ_LOAD] = -1, [TQ_STORE] = -1},
	[TQ_COMP] = {[TQ_LOAD] = F_PUSH_PREV, [TQ_STORE] = F_PUSH_NEXT, [TQ_COMP] = -1},
	[TQ_STORE] = {[TQ_COMP] = F_PUSH_PREV, [TQ_LOAD] = -1, [TQ_STORE] = -1},
};
static const int8_t pop_flag[TQ_N][TQ_N] = {
	[TQ_LOAD] = {[TQ_COMP] = F_POP_PREV, [TQ_LOAD] = -1, [TQ_STORE] = -1},
	[TQ_COMP] = {[TQ_LOAD] = F_POP_NEXT, [TQ_STORE] = F_POP_PREV, [TQ_COMP] = -1},
	[TQ_STORE] = {[TQ_COMP] = F_POP_NEXT, [TQ_LOAD] = -1, [TQ_STORE] = -1},
};

static void set_flag(uint32_t *w, int f)
{
	switch (f) {
	case F_POP_PREV: MOTE_CMD_SET(w, HDR, POP_PREV, 1); break;
	case F_POP_NEXT: MOTE_CMD_SET(w, HDR, POP_NEXT, 1); break;
	case F_PUSH_PREV: MOTE_CMD_SET(w, HDR, PUSH_PREV, 1); break;
	default: MOTE_CMD_SET(w, HDR, PUSH_NEXT, 1); break;
	}
}

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

static int stream_grow(struct tl_stream *s, struct mote_cc_diag *diag)
{
	if (s->n < s->cap)
		return 0;
	size_t cap = s->cap ? s->cap * 2 : 256, b1, b2, b3;
	if (cap > (size_t)INT32_MAX || cc_mul_sz(cap, sizeof *s->w, &b1) || cc_mul_sz(cap, sizeof *s->ka, &b2) ||
	    cc_mul_sz(cap, sizeof(int32_t), &b3))
		return cc_fail(diag, MOTE_CC_ERANGE, "command stream too long");
	void *w = realloc(s->w, b1);
	if (w)
		s->w = w;
	void *ka = realloc(s->ka, b2);
	if (ka)
		s->ka = ka;
	void *q = realloc(s->q, cap);
	if (q)
		s->q = q;
	void *comp = realloc(s->comp, b3);
	if (comp)
		s->comp = comp;
	if (!w || !ka || !q || !comp)
		return cc_fail(diag, MOTE_CC_ENOMEM, "out of memory for %zu commands", cap);
	s->cap = cap;
	return 0;
}

/* Set tokens so that the next command of queue q (words w) waits for the
 * stream commands need[p]; may first append a SYNC to the compute queue. */
static int require(struct tl_stream *s, int q, uint32_t *w, int32_t need[TQ_N], struct mote_cc_diag *diag);

/* Append command w of queue q (its dependencies need[]); returns its index. */
static int append(struct tl_stream *s, int q, const uint32_t *w, int32_t need[TQ_N], int32_t *idx,
		  struct mote_cc_diag *diag)
{
	uint32_t cmd[MOTE_CMD_WORDS];
	memcpy(cmd, w, sizeof cmd);
	int rc = require(s, q, cmd, need, diag);
	if (rc)
		return rc;
	if ((rc = stream_grow(s, diag)))
		return rc;
	int32_t i = (int32_t)s->n++;
	memcpy(s->w[i], cmd, sizeof cmd);
	s->q[i] = (uint8_t)q;
	for (int p = 0; p < TQ_N; p++)
		s->ka[i][p] = s->k[q][p];
	s->ka[i][q] = i;
	s->k[q][q] = i;
	if (q == TQ_COMP)
		s->comp[s->ncomp++] = i;
	switch (MOTE_CMD_GET(cmd, HDR, OPCODE)) {
	case MOTE_OP_LOAD: s->n_load++; break;
	case MOTE_OP_MATMUL: s->n_matmul++; break;
	case MOTE_OP_STORE: s->n_store++; break;
	default: s->n_sync++; break;
	}
	*idx = i;
	return 0;
}

/* Earliest compute command that knows command y of queue p complete, or -1. */
static int32_t compute_knowing(const struct tl_stream *s, int p, int32_t y)
{
	size_t lo = 0, hi = s->ncomp; /* knowledge only grows along a queue: bisect */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->ka[s->comp[mid]][p] >= y)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < s->ncomp ? s->comp[lo] : -1;
}

static int require(struct tl_stream *s, int q, uint32_t *w, int32_t need[TQ_N], struct mote_cc_diag *diag)
{
	int other = q == TQ_LOAD ? TQ_STORE : q == TQ_STORE ? TQ_LOAD : -1;
	if (other >= 0 && need[other] > s->k[q][other]) {
		/* No channel between load and store: relay through compute. */
		int32_t c = compute_knowing(s, other, need[other]);
		if (c < 0) {
			uint32_t sync[MOTE_CMD_WORDS] = {0};
			int32_t sneed[TQ_N] = {-1, -1, -1};
			sneed[other] = need[other];
			MOTE_CMD_SET(sync, HDR, OPCODE, MOTE_OP_SYNC);
			MOTE_CMD_SET(sync, SYNC, QUEUE, MOTE_QUEUE_COMPUTE);
			int rc = append(s, TQ_COMP, sync, sneed, &c, diag);
			if (rc)
				return rc;
		}
		need[TQ_COMP] = max32(need[TQ_COMP], c);
	}
	for (int p = 0; p < TQ_N; p++) {
		if (p == q || p == other || need[p] <= s->k[q][p])
			continue;
		int32_t y = need[p];
		if (CC_NEVER(y < 0 || (size_t)y >= s->n || s->q[y] != p || push_flag[p][q] < 0))
			return cc_fail(diag, MOTE_CC_EINTERNAL, "bad dependency %d of queue %d", y, q);
		/* Every earlier push on this channel was popped already (y > k), so
		 * this push pairs with this pop. */
		set_flag(s->w[y], push_flag[p][q]);
		set_flag(w, pop_flag[p][q]);
		for (int r = 0; r < TQ_N; r++)
			s->k[q][r] = max32(s->k[q][r], s->ka[y][r]);
	}
	return 0;
}

static int ready(const struct tl_ops *ops, const struct tl_op *op, const uint32_t cursor[TQ_N])
{
	for (int p = 0; p < TQ_N; p++)
		if (op->dep[p] >= 0 && ops->v[op->dep[p]].qpos >= cursor[p])
			return 0;
	return 1;
}

int tl_schedule(const struct tl_ops *ops, struct tl_stream *s, struct mote_cc_diag *diag)
{
	memset(s, 0, sizeof *s);
	for (int q = 0; q < TQ_N; q++)
		for (int p = 0; p < TQ_N; p++)
			s->k[q][p] = -1;
	size_t n = ops->n;
	int32_t *sidx = NULL, *list[TQ_N] = {NULL, NULL, NULL};
	size_t bytes;
	int rc = MOTE_CC_ENOMEM;
	if (cc_mul_sz(n ? n : 1, sizeof(int32_t), &bytes))
		return cc_fail(diag, MOTE_CC_ENOMEM, "operation list too long");
	sidx = malloc(bytes);
	for (int q = 0; q < TQ_N; q++)
		list[q] = malloc(bytes);
	if (!sidx || !list[0] || !list[1] || !list[2]) {
		rc = cc_fail(diag, MOTE_CC_ENOMEM, "out of memory scheduling %zu operations", n);
		goto out;
	}
	uint32_t len[TQ_N] = {0, 0, 0}, cur[TQ_N] = {0, 0, 0};
	for (size_t i = 0; i < n; i++)
		list[ops->v[i].q][len[ops->v[i].q]++] = (int32_t)i;
	int credit = 0;
	for (size_t done = 0; done < n; done++) {
		int rdy[TQ_N];
		for (int q = 0; q < TQ_N; q++)
			rdy[q] = cur[q] < len[q] && ready(ops, &ops->v[list[q][cur[q]]], cur);
		int q;
		if (rdy[TQ_STORE])
			q = TQ_STORE;
		else if (rdy[TQ_LOAD] && (credit > 0 || !rdy[TQ_COMP]))
			q = TQ_LOAD;
		else if (rdy[TQ_COMP])
			q = TQ_COMP;
		else {
			rc = cc_fail(diag, MOTE_CC_EINTERNAL, "stream merge found no ready operation");
			goto out;
		}
		if (q == TQ_LOAD && credit > 0)
			credit--;
		if (q == TQ_COMP && credit < LOAD_CREDIT)
			credit++;
		int32_t oi = list[q][cur[q]];
		const struct tl_op *op = &ops->v[oi];
		int32_t need[TQ_N];
		for (int p = 0; p < TQ_N; p++)
			need[p] = op->dep[p] >= 0 ? sidx[op->dep[p]] : -1;
		if ((rc = append(s, q, op->w, need, &sidx[oi], diag)))
			goto out;
		cur[q]++;
	}
	/* END: the fence that finishes the job once every queue is idle. */
	if ((rc = stream_grow(s, diag)))
		goto out;
	memset(s->w[s->n], 0, sizeof s->w[s->n]);
	MOTE_CMD_SET(s->w[s->n], HDR, OPCODE, MOTE_OP_END);
	s->q[s->n] = TQ_N;
	for (int p = 0; p < TQ_N; p++)
		s->ka[s->n][p] = -1;
	s->n++;
	rc = 0;
out:
	free(sidx);
	for (int q = 0; q < TQ_N; q++)
		free(list[q]);
	return rc;
}

void tl_stream_free(struct tl_stream *s)
{
	free(s->w);
	free(s->ka);
	free(s->q);
	free(s->comp);
	memset(s, 0, sizeof *s);
}
