/* link_ref_board.h: a reference board for the host link tests, in C: the
 * link protocol's board side as the spec states it (duplicates of the last
 * write answered and not executed, reads executed, bytes ignored while a
 * response goes out) over a register file and a byte memory, on a wire with
 * a clock.  It is what rtl/link/ implements; the host side (driver/link.c)
 * is tested against it without the RTL, fast, at high fault rates.
 *
 * Time: a byte takes byte_us on the wire each way.  A request is executed
 * when its closing flag arrives; its response then takes the wire for its
 * bytes, during which the board drops what arrives. */
#ifndef MOTE_LINK_REF_BOARD_H
#define MOTE_LINK_REF_BOARD_H

#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "link_frame.h"

#define RB_MEM (64u << 10)
#define RB_Q (1u << 20)

struct ref_board {
	uint8_t mem[RB_MEM];
	uint32_t regs[1024]; /* MOTE_REG_* space, word index */
	uint32_t last_seq;   /* 256: none yet */
	uint64_t executed_writes, dups, rx_bad;
	int irq;
	struct link_rx rx;
	uint64_t now, byte_us, busy_until;
	/* host -> board bytes in flight, board -> host bytes with arrival times */
	uint8_t *to_host;
	uint64_t *to_host_t;
	size_t nh, hpos;
	int dead;            /* unplugged: nothing crosses */
};

static inline void rb_init(struct ref_board *b, uint64_t byte_us)
{
	memset(b, 0, sizeof *b);
	b->last_seq = 256;
	b->byte_us = byte_us;
	link_rx_init(&b->rx);
	b->to_host = malloc(RB_Q);
	b->to_host_t = malloc(RB_Q * sizeof(uint64_t));
	b->regs[MOTE_REG_ID / 4] = MOTE_ID_MAGIC;
}

static inline void rb_free(struct ref_board *b)
{
	free(b->to_host);
	free(b->to_host_t);
}

static inline void rb_send(struct ref_board *b, const uint8_t *p, size_t n)
{
	uint64_t t = b->now > b->busy_until ? b->now : b->busy_until;
	for (size_t i = 0; i < n && b->nh < RB_Q; i++) {
		t += b->byte_us;
		b->to_host[b->nh] = p[i];
		b->to_host_t[b->nh++] = t;
	}
	b->busy_until = t;
}

static inline uint32_t rb_reg(struct ref_board *b, uint32_t a)
{
	if (a == MOTE_LREG_LINK_ID)
		return MOTE_LINK_ID_MAGIC;
	if (a == MOTE_LREG_LINK_MEM_SIZE)
		return RB_MEM;
	if (a == MOTE_LREG_LINK_BAUD_DIV)
		return 4;
	if (a == MOTE_LREG_LINK_ERRORS)
		return (uint32_t)(b->rx_bad & 0xffff) | (uint32_t)(b->dups & 0xffff) << 16;
	return a < 0x1000 ? b->regs[a / 4] : 0;
}

static inline void rb_exec(struct ref_board *b, const uint8_t *c, size_t n)
{
	struct link_req r;
	uint8_t out[LINK_WIRE_MAX], d[256];
	size_t nd = 0;
	if (!link_req_parse(c, n, &r)) {
		b->rx_bad++;
		return;
	}
	uint8_t st = (uint8_t)(r.op & 7u);
	int reg_op = r.op == MOTE_LOP_REG_READ || r.op == MOTE_LOP_REG_WRITE;
	if (!link_op_valid(r.op) || (reg_op && (r.len & 3u) != 3u)) {
		st |= MOTE_RSP_STATUS_ERR_MASK;
	} else if (link_op_writes(r.op) && r.seq == b->last_seq) {
		st |= MOTE_RSP_STATUS_DUP_MASK;
		b->dups++;
	} else {
		size_t k = (size_t)r.len + 1;
		uint32_t v = 0;
		if (r.op == MOTE_LOP_DOORBELL)
			v = (uint32_t)r.data[0] | (uint32_t)r.data[1] << 8 | (uint32_t)r.data[2] << 16 |
			    (uint32_t)r.data[3] << 24;
		switch (r.op) {
		case MOTE_LOP_POLL:
			v = rb_reg(b, MOTE_REG_STATUS);
			for (int i = 0; i < 4; i++)
				d[nd++] = (uint8_t)(v >> (8 * i));
			break;
		case MOTE_LOP_REG_READ: /* (LEN+1)/4 registers from ADDR on */
			for (size_t w = 0; w < k / 4; w++) {
				v = rb_reg(b, (r.addr + 4 * (uint32_t)w) & 0xffff);
				for (int i = 0; i < 4; i++)
					d[nd++] = (uint8_t)(v >> (8 * i));
			}
			break;
		case MOTE_LOP_REG_WRITE:
			for (size_t w = 0; w < k / 4; w++) {
				uint32_t a = r.addr + 4 * (uint32_t)w;
				const uint8_t *q = r.data + 4 * w;
				if (a < 0x1000)
					b->regs[(a & 0xfff) / 4] = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
								 (uint32_t)q[3] << 24;
			}
			break;
		case MOTE_LOP_DOORBELL:
			b->regs[MOTE_REG_CTRL / 4] = v;
			b->irq = 0;
			break;
		case MOTE_LOP_MEM_READ:
			for (size_t i = 0; i < k; i++)
				d[nd++] = b->mem[(r.addr + i) % RB_MEM];
			break;
		case MOTE_LOP_MEM_WRITE:
			for (size_t i = 0; i < k; i++)
				b->mem[(r.addr + i) % RB_MEM] = r.data[i];
			break;
		case MOTE_LOP_MEM_FILL:
			for (size_t i = 0; i < k; i++)
				b->mem[(r.addr + i) % RB_MEM] = r.data[0];
			break;
		default:
			break;
		}
		if (link_op_writes(r.op))
			b->executed_writes++;
		b->last_seq = r.seq;
	}
	if (b->irq)
		st |= MOTE_RSP_STATUS_IRQ_MASK;
	rb_send(b, out, link_encode_rsp(r.seq, st, r.len, d, nd, out));
}

/* transport: the host writes; each byte reaches the board byte_us later */
static inline int rb_write(void *t, const uint8_t *p, size_t n)
{
	struct ref_board *b = t;
	for (size_t i = 0; i < n; i++) {
		b->now += b->byte_us;
		if (b->dead || b->now < b->busy_until)
			continue; /* answering: not listening */
		size_t len;
		uint64_t bad = b->rx.bad;
		if (link_rx_byte(&b->rx, p[i], &len))
			rb_exec(b, b->rx.buf, len);
		else if (b->rx.bad != bad)
			b->rx_bad++;
	}
	return 0;
}

static inline int rb_read(void *t, uint8_t *p, size_t cap, size_t *got, uint64_t timeout_us)
{
	struct ref_board *b = t;
	uint64_t end = b->now + timeout_us;
	*got = 0;
	while (*got < cap && b->hpos < b->nh && b->to_host_t[b->hpos] <= end) {
		if (b->to_host_t[b->hpos] > b->now)
			b->now = b->to_host_t[b->hpos];
		if (!b->dead)
			p[(*got)++] = b->to_host[b->hpos];
		b->hpos++;
		if (*got)
			break; /* one at a time: the caller decides how long to go on */
	}
	if (!*got)
		b->now = end;
	if (b->hpos == b->nh)
		b->hpos = b->nh = 0;
	return 0;
}

static inline uint64_t rb_now(void *t)
{
	return ((struct ref_board *)t)->now;
}

static inline struct link_transport rb_transport(struct ref_board *b)
{
	struct link_transport tr = {rb_write, rb_read, rb_now, b, (uint32_t)(10000000u / b->byte_us), 200};
	return tr;
}

#endif
