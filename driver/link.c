/* link.c: the host side of the link protocol (see link.h and the host link
 * section of include/mote/mote_hw.spec).
 *
 * The fault injector sits between the requests and the transport, both
 * directions, and works on bytes as they cross: each byte counts towards
 * stall_at and unplug; after unplug bytes nothing crosses any more; during
 * the stall bytes are held (up to HOLD_MAX each way) and cross, in order,
 * when it ends; otherwise a byte is dropped with probability drop, else has
 * one bit flipped with probability flip and is doubled with probability dup.
 * Order is kept: the protocol's once-only writes rely on the wire delivering
 * what it delivers in order (as a UART behind USB does).
 */
#include <string.h>

#include "link.h"
#include "link_frame.h"
#include "mote_priv.h"

#define HOLD_MAX ((size_t)64 << 10)
#define MIN_PAYLOAD 16u
#define GROW_AFTER 32u /* clean frames before the payload doubles */

struct link {
	struct mote_alloc_hooks hooks;
	struct link_transport tr;
	struct mote_link_opts o;
	uint8_t seq;
	unsigned max_payload, clean;
	struct link_rx rx;
	uint8_t wire[LINK_WIRE_MAX];
	uint8_t rbuf[1024];
	uint8_t pend[1024]; /* bytes read past a response, for the next request */
	size_t npend;
	struct mote_link_stats st;
	uint64_t t_open;    /* the transport's clock at open */
	/* injector */
	uint64_t rng, crossed;
	int stall;          /* 0 not yet, 1 now, 2 over */
	uint64_t stall_end;
	uint8_t *held_out, *held_in;
	size_t n_out, n_in, in_pos;
	int inject;         /* any fault asked for */
};

/* ---- injector ------------------------------------------------------------------ */

/* splitmix64 */
static uint64_t rnd(struct link *l)
{
	uint64_t z = (l->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int chance(struct link *l, double p)
{
	return p > 0 && (double)(rnd(l) >> 11) * (1.0 / 9007199254740992.0) < p;
}

/* Byte B crossing the wire: 0, 1 or 2 bytes into OUT. */
static size_t mangle(struct link *l, uint8_t b, uint8_t *out)
{
	l->crossed++;
	if (l->o.have_unplug && l->crossed > l->o.unplug)
		return 0;
	if (chance(l, l->o.drop)) {
		l->st.injected_drops++;
		return 0;
	}
	if (chance(l, l->o.flip)) {
		b ^= (uint8_t)(1u << (rnd(l) & 7));
		l->st.injected_flips++;
	}
	out[0] = b;
	if (chance(l, l->o.dup)) {
		out[1] = b;
		l->st.injected_dups++;
		return 2;
	}
	return 1;
}

/* Start or end the stall by the bytes crossed and the clock. */
static int stall_tick(struct link *l)
{
	if (!l->o.stall_ms || l->stall == 2)
		return 0;
	uint64_t now = l->tr.now_us(l->tr.t);
	if (l->stall == 0 && l->crossed >= l->o.stall_at) {
		l->stall = 1;
		l->stall_end = now + l->o.stall_ms * 1000u;
	}
	if (l->stall == 1 && now >= l->stall_end) {
		l->stall = 2;
		int rc = l->n_out ? l->tr.write(l->tr.t, l->held_out, l->n_out) : 0;
		l->n_out = 0;
		return rc;
	}
	return 0;
}

static int inj_write(struct link *l, const uint8_t *p, size_t n)
{
	if (!l->inject)
		return l->tr.write(l->tr.t, p, n);
	int rc = stall_tick(l);
	if (rc)
		return rc;
	uint8_t tmp[2 * 256];
	while (n) {
		size_t k = n < 256 ? n : 256, o = 0;
		for (size_t i = 0; i < k; i++)
			o += mangle(l, p[i], tmp + o);
		if (l->stall == 1) {
			size_t room = HOLD_MAX - l->n_out;
			memcpy(l->held_out + l->n_out, tmp, o < room ? o : room); /* beyond: lost, as in a full buffer */
			l->n_out += o < room ? o : room;
		} else if (o && (rc = l->tr.write(l->tr.t, tmp, o))) {
			return rc;
		}
		p += k;
		n -= k;
	}
	return 0;
}

static int inj_read(struct link *l, uint8_t *p, size_t cap, size_t *got, uint64_t timeout_us)
{
	*got = 0;
	if (!l->inject)
		return l->tr.read(l->tr.t, p, cap, got, timeout_us);
	if (l->stall == 2 && l->in_pos < l->n_in) { /* what the stall held, first */
		size_t k = l->n_in - l->in_pos < cap ? l->n_in - l->in_pos : cap;
		memcpy(p, l->held_in + l->in_pos, k);
		l->in_pos += k;
		*got = k;
		return 0;
	}
	int rc = stall_tick(l);
	if (rc)
		return rc;
	uint8_t raw[256];
	size_t n = 0, want = cap / 2 < sizeof raw ? cap / 2 : sizeof raw;
	if (l->stall == 1) {
		uint64_t now = l->tr.now_us(l->tr.t), left = l->stall_end > now ? l->stall_end - now : 0;
		rc = l->tr.read(l->tr.t, raw, sizeof raw, &n, timeout_us < left ? timeout_us : left);
		for (size_t i = 0; i < n && !rc; i++) {
			uint8_t two[2];
			size_t o = mangle(l, raw[i], two);
			for (size_t j = 0; j < o && l->n_in < HOLD_MAX; j++)
				l->held_in[l->n_in++] = two[j];
		}
		return rc ? rc : stall_tick(l);
	}
	rc = l->tr.read(l->tr.t, raw, want ? want : 1, &n, timeout_us);
	size_t o = 0;
	for (size_t i = 0; i < n && !rc; i++)
		o += mangle(l, raw[i], p + o);
	*got = o;
	return rc;
}

/* ---- requests -------------------------------------------------------------------- */

/* Answer deadline of a request of WIRE bytes whose response has RSP content
 * bytes (escapes counted at worst). */
static uint64_t answer_us(const struct link *l, size_t wire, size_t rsp)
{
	if (l->o.timeout_ms)
		return (uint64_t)l->o.timeout_ms * 1000u;
	uint64_t bits = 10u * (uint64_t)(wire + 2 * rsp + 2);
	return bits * 1000000u / l->tr.baud + l->tr.slack_us;
}

/* Feed bytes P[0..n) to the decoder, looking for R's response (R NULL: any
 * frame is stale).  1: found (data copied to OUT, status to *ST, the rest of
 * P kept for later), 0: not yet, 2: a damaged frame came (send again). */
static int scan(struct link *l, const uint8_t *p, size_t n, const struct link_req *r, uint8_t *out, uint8_t *st)
{
	int damaged = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		uint64_t bad = l->rx.bad;
		if (!link_rx_byte(&l->rx, p[i], &len)) {
			if (l->rx.bad != bad) {
				l->st.crc_errors++;
				damaged = 1;
			}
			continue;
		}
		l->st.frames_received++;
		const uint8_t *data;
		size_t nd;
		int c = r ? link_rsp_check(l->rx.buf, len, r, st, &data, &nd) : 0;
		if (c == 1) {
			if (nd)
				memcpy(out, data, nd);
			l->npend = n - i - 1 < sizeof l->pend ? n - i - 1 : sizeof l->pend;
			memmove(l->pend, p + i + 1, l->npend);
			return 1;
		}
		if (c == 0) {
			l->st.stale++;
		} else {
			l->st.crc_errors++;
			damaged = 1;
		}
	}
	return damaged ? 2 : 0;
}

/* One request, retransmitted up to the budget.  R's fields but SEQ set by
 * the caller; OUT gets the response data (link_rsp_data_bytes). */
static int transact(struct link *l, struct link_req *r, uint8_t *out, uint8_t *st)
{
	r->seq = ++l->seq;
	size_t nw = link_encode_req(r, l->wire);
	size_t rsp = MOTE_FRAME_RSP_HDR_BYTES + link_rsp_data_bytes(r->op, r->len, 0) + MOTE_LINK_CRC_BYTES;
	uint64_t tmo = answer_us(l, nw, rsp);
	/* bytes that came after the previous response (a late copy of it, say):
	 * whatever they hold answers nothing sent now */
	if (l->npend) {
		uint8_t tmp[sizeof l->pend];
		size_t n = l->npend;
		memcpy(tmp, l->pend, n);
		l->npend = 0;
		scan(l, tmp, n, NULL, NULL, st);
	}
	for (unsigned attempt = 0;; attempt++) {
		if (attempt > l->o.retries)
			return MOTE_ERROR_IO;
		if (attempt) {
			l->st.retries++;
			l->clean = 0;
			if (l->max_payload / 2 >= MIN_PAYLOAD)
				l->max_payload /= 2;
		}
		int rc = inj_write(l, l->wire, nw);
		if (rc)
			return rc;
		l->st.frames_sent++;
		l->st.bytes_sent += nw;
		const uint64_t deadline = l->tr.now_us(l->tr.t) + tmo;
		for (;;) {
			uint64_t now = l->tr.now_us(l->tr.t);
			if (now >= deadline) {
				l->st.timeouts++;
				break;
			}
			size_t got = 0;
			if ((rc = inj_read(l, l->rbuf, sizeof l->rbuf, &got, deadline - now)))
				return rc;
			l->st.bytes_received += got;
			int s = scan(l, l->rbuf, got, r, out, st);
			if (s == 1) {
				if (attempt == 0 && ++l->clean >= GROW_AFTER && l->max_payload < MOTE_LINK_MAX_DATA) {
					l->max_payload *= 2;
					l->clean = 0;
				}
				return 0;
			}
			if (s == 2)
				break; /* its answer came damaged: at once again */
		}
	}
}

static int status_ok(uint8_t st)
{
	return st & MOTE_RSP_STATUS_ERR_MASK ? MOTE_ERROR_IO : 0;
}

int link_reg_read(struct link *l, uint32_t addr, uint32_t *v)
{
	struct link_req r = {.op = MOTE_LOP_REG_READ, .len = 3, .addr = addr};
	uint8_t d[4], st;
	int rc = transact(l, &r, d, &st);
	if (!rc)
		rc = status_ok(st);
	if (!rc)
		*v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	return rc;
}

static int write32(struct link *l, unsigned op, uint32_t addr, uint32_t v)
{
	uint8_t d[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)}, st;
	struct link_req r = {.op = (uint8_t)op, .len = 3, .addr = addr, .data = d};
	int rc = transact(l, &r, NULL, &st);
	return rc ? rc : status_ok(st);
}

int link_reg_write(struct link *l, uint32_t addr, uint32_t v)
{
	return write32(l, MOTE_LOP_REG_WRITE, addr, v);
}

/* Registers per frame: as many as the frame size now allows (it shrinks on
 * a noisy wire, so do bursts), at most 64. */
static unsigned burst(const struct link *l, unsigned n)
{
	unsigned k = l->max_payload / 4u;
	if (k < 1)
		k = 1;
	return n < k ? n : k;
}

int link_reg_read_n(struct link *l, uint32_t addr, unsigned n, uint32_t *v)
{
	uint8_t d[MOTE_LINK_MAX_DATA], st;
	while (n) {
		unsigned k = burst(l, n);
		struct link_req r = {.op = MOTE_LOP_REG_READ, .len = (uint8_t)(4 * k - 1), .addr = addr};
		int rc = transact(l, &r, d, &st);
		if (!rc)
			rc = status_ok(st);
		if (rc)
			return rc;
		for (unsigned i = 0; i < k; i++)
			v[i] = (uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 | (uint32_t)d[4 * i + 2] << 16 |
			       (uint32_t)d[4 * i + 3] << 24;
		v += k;
		addr += 4 * k;
		n -= k;
	}
	return 0;
}

int link_reg_write_n(struct link *l, uint32_t addr, unsigned n, const uint32_t *v)
{
	uint8_t d[MOTE_LINK_MAX_DATA], st;
	while (n) {
		unsigned k = burst(l, n);
		for (unsigned i = 0; i < k; i++)
			for (unsigned b = 0; b < 4; b++)
				d[4 * i + b] = (uint8_t)(v[i] >> (8 * b));
		struct link_req r = {.op = MOTE_LOP_REG_WRITE, .len = (uint8_t)(4 * k - 1), .addr = addr, .data = d};
		int rc = transact(l, &r, NULL, &st);
		if (!rc)
			rc = status_ok(st);
		if (rc)
			return rc;
		v += k;
		addr += 4 * k;
		n -= k;
	}
	return 0;
}

int link_doorbell(struct link *l, uint32_t v)
{
	return write32(l, MOTE_LOP_DOORBELL, 0, v);
}

int link_poll(struct link *l, uint32_t *status, int *irq)
{
	struct link_req r = {.op = MOTE_LOP_POLL, .len = 3};
	l->st.polls++;
	uint8_t d[4], st;
	int rc = transact(l, &r, d, &st);
	if (!rc)
		rc = status_ok(st);
	if (!rc) {
		*status = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
		*irq = (st & MOTE_RSP_STATUS_IRQ_MASK) != 0;
	}
	return rc;
}

/* Memory in frames of up to max_payload bytes, each inside one 256-byte
 * block (the spec's rule: the board moves only the low address byte), never
 * across the 32-bit address space.  OP: MEM_READ, MEM_WRITE or MEM_FILL. */
static int mem_op(struct link *l, unsigned op, uint64_t addr, uint8_t *dst, const uint8_t *src, uint8_t fill,
		  size_t n)
{
	uint64_t end;
	if (__builtin_add_overflow(addr, (uint64_t)n, &end) || end > ((uint64_t)1 << 32))
		return MOTE_ERROR_RANGE;
	while (n) {
		/* a fill carries one byte whatever its length: always the full frame */
		size_t k = op == MOTE_LOP_MEM_FILL ? MOTE_LINK_MAX_DATA : l->max_payload;
		size_t block = MOTE_LINK_MAX_DATA - (size_t)(addr % MOTE_LINK_MAX_DATA);
		if (k > block)
			k = block;
		if (k > n)
			k = n;
		uint8_t st;
		struct link_req r = {.op = (uint8_t)op, .len = (uint8_t)(k - 1), .addr = (uint32_t)addr,
				     .data = op == MOTE_LOP_MEM_FILL ? &fill : src};
		int rc = transact(l, &r, dst, &st);
		if (!rc)
			rc = status_ok(st);
		if (rc)
			return rc;
		addr += k;
		n -= k;
		if (dst)
			dst += k;
		if (src)
			src += k;
	}
	return 0;
}

int link_mem_read(struct link *l, uint64_t addr, void *dst, size_t n)
{
	return mem_op(l, MOTE_LOP_MEM_READ, addr, dst, NULL, 0, n);
}

int link_mem_write(struct link *l, uint64_t addr, const void *src, size_t n)
{
	return mem_op(l, MOTE_LOP_MEM_WRITE, addr, NULL, src, 0, n);
}

int link_mem_fill(struct link *l, uint64_t addr, uint8_t v, size_t n)
{
	return mem_op(l, MOTE_LOP_MEM_FILL, addr, NULL, NULL, v, n);
}

/* ---- session ---------------------------------------------------------------------- */

static int probe(struct link *l)
{
	uint32_t id = 0;
	int rc = link_reg_read(l, MOTE_LREG_LINK_ID, &id);
	if (rc)
		return rc;
	return id == MOTE_LINK_ID_MAGIC ? 0 : MOTE_ERROR_BAD_DEVICE;
}

/* An escape right before a flag damages whatever frame the board was
 * receiving: a request given up on cannot complete (and run) later. */
static const uint8_t k_break[4] = {MOTE_LINK_ESC, MOTE_LINK_FLAG, MOTE_LINK_FLAG, MOTE_LINK_FLAG};

int link_resync(struct link *l)
{
	l->st.resyncs++;
	int rc = inj_write(l, k_break, sizeof k_break);
	if (rc)
		return rc;
	/* drain: until quiet for one longest-frame time, at most four of them */
	uint64_t quiet = answer_us(l, LINK_WIRE_MAX, 0), t0 = l->tr.now_us(l->tr.t), last = t0;
	for (;;) {
		uint64_t now = l->tr.now_us(l->tr.t);
		if (now - last >= quiet || now - t0 >= 4 * quiet)
			break;
		size_t got = 0;
		if ((rc = inj_read(l, l->rbuf, sizeof l->rbuf, &got, quiet)))
			return rc;
		l->st.bytes_received += got;
		if (got)
			last = l->tr.now_us(l->tr.t);
	}
	link_rx_reset(&l->rx);
	l->npend = 0;
	l->max_payload = MIN_PAYLOAD;
	return probe(l);
}

int link_open(const struct mote_alloc_hooks *h, const struct link_transport *tr, const struct mote_link_opts *o,
	      struct link **out)
{
	*out = NULL;
	struct link *l = mote__alloc(h, sizeof *l);
	if (!l)
		return MOTE_ERROR_NO_MEM;
	memset(l, 0, sizeof *l);
	l->hooks = *h;
	l->tr = *tr;
	l->o = *o;
	l->rng = o->seed;
	l->max_payload = MOTE_LINK_MAX_DATA;
	l->inject = o->flip > 0 || o->drop > 0 || o->dup > 0 || o->stall_ms || o->have_unplug;
	l->t_open = tr->now_us(tr->t);
	link_rx_init(&l->rx);
	if (o->stall_ms) {
		l->held_out = mote__alloc(h, HOLD_MAX);
		l->held_in = mote__alloc(h, HOLD_MAX);
		if (!l->held_out || !l->held_in) {
			link_close(l);
			return MOTE_ERROR_NO_MEM;
		}
	}
	/* end whatever the board was receiving, as damage */
	int rc = inj_write(l, k_break, sizeof k_break);
	if (!rc)
		rc = probe(l);
	if (rc) {
		link_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

void link_close(struct link *l)
{
	if (!l)
		return;
	struct mote_alloc_hooks h = l->hooks;
	mote__free(&h, l->held_out);
	mote__free(&h, l->held_in);
	mote__free(&h, l);
}

void link_get_stats(const struct link *l, struct mote_link_stats *st)
{
	*st = l->st;
	st->baud = l->tr.baud;
	st->max_payload = l->max_payload;
	st->elapsed_us = l->tr.now_us(l->tr.t) - l->t_open;
}
