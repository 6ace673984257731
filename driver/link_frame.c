/* link_frame.c: link frame codec (see link_frame.h and the host link section
 * of include/mote/mote_hw.spec). */
#include <string.h>

#include "link_frame.h"

uint32_t link_crc_update(uint32_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc;
}

int link_op_valid(unsigned op)
{
	switch (op) {
	case MOTE_LOP_REG_READ:
	case MOTE_LOP_REG_WRITE:
	case MOTE_LOP_MEM_READ:
	case MOTE_LOP_MEM_WRITE:
	case MOTE_LOP_POLL:
	case MOTE_LOP_DOORBELL:
	case MOTE_LOP_MEM_FILL:
		return 1;
	default:
		return 0;
	}
}

int link_op_writes(unsigned op)
{
	return link_op_valid(op) && (op & 1u);
}

size_t link_req_data_bytes(unsigned op, unsigned len)
{
	switch (op) {
	case MOTE_LOP_DOORBELL:
		return 4;
	case MOTE_LOP_REG_WRITE:
	case MOTE_LOP_MEM_WRITE:
		return (size_t)(len & 0xffu) + 1;
	case MOTE_LOP_MEM_FILL:
		return 1;
	default:
		return 0;
	}
}

size_t link_rsp_data_bytes(unsigned op, unsigned len, unsigned status)
{
	if (status & MOTE_RSP_STATUS_ERR_MASK)
		return 0;
	switch (op) {
	case MOTE_LOP_POLL:
		return 4;
	case MOTE_LOP_REG_READ:
	case MOTE_LOP_MEM_READ:
		return (size_t)(len & 0xffu) + 1;
	default:
		return 0;
	}
}

/* Escape one content byte into OUT; returns the bytes written. */
static size_t put(uint8_t b, uint8_t *out)
{
	if (b == MOTE_LINK_FLAG || b == MOTE_LINK_ESC) {
		out[0] = MOTE_LINK_ESC;
		out[1] = (uint8_t)(b ^ MOTE_LINK_ESC_XOR);
		return 2;
	}
	out[0] = b;
	return 1;
}

/* FLAG, HDR[0..nh), DATA[0..nd), CRC, FLAG. */
static size_t frame(const uint8_t *hdr, size_t nh, const uint8_t *data, size_t nd, uint8_t *out)
{
	size_t o = 0;
	uint32_t crc = link_crc_update(link_crc_update(0xffffffffu, hdr, nh), data, nd);
	crc = ~crc;
	out[o++] = MOTE_LINK_FLAG;
	for (size_t i = 0; i < nh; i++)
		o += put(hdr[i], out + o);
	for (size_t i = 0; i < nd; i++)
		o += put(data[i], out + o);
	for (unsigned i = 0; i < MOTE_LINK_CRC_BYTES; i++)
		o += put((uint8_t)(crc >> (8 * i)), out + o);
	out[o++] = MOTE_LINK_FLAG;
	return o;
}

size_t link_encode_req(const struct link_req *r, uint8_t *out)
{
	uint8_t h[MOTE_FRAME_REQ_HDR_BYTES];
	h[MOTE_FRAME_REQ_SEQ_OFF] = r->seq;
	h[MOTE_FRAME_REQ_OP_OFF] = r->op;
	h[MOTE_FRAME_REQ_LEN_OFF] = r->len;
	for (unsigned i = 0; i < MOTE_FRAME_REQ_ADDR_BYTES; i++)
		h[MOTE_FRAME_REQ_ADDR_OFF + i] = (uint8_t)(r->addr >> (8 * i));
	return frame(h, sizeof h, r->data, link_req_data_bytes(r->op, r->len), out);
}

size_t link_encode_rsp(uint8_t seq, uint8_t status, uint8_t len, const uint8_t *data, size_t n, uint8_t *out)
{
	uint8_t h[MOTE_FRAME_RSP_HDR_BYTES];
	h[MOTE_FRAME_RSP_SEQ_OFF] = seq;
	h[MOTE_FRAME_RSP_STATUS_OFF] = status;
	h[MOTE_FRAME_RSP_LEN_OFF] = len;
	if (n > MOTE_LINK_MAX_DATA)
		n = MOTE_LINK_MAX_DATA;
	return frame(h, sizeof h, data, n, out);
}

void link_rx_init(struct link_rx *rx)
{
	memset(rx, 0, sizeof *rx);
	rx->crc = 0xffffffffu;
}

void link_rx_reset(struct link_rx *rx)
{
	rx->n = 0;
	rx->in_frame = 0;
	rx->esc = 0;
	rx->overrun = 0;
	rx->crc = 0xffffffffu;
}

int link_rx_byte(struct link_rx *rx, uint8_t b, size_t *len)
{
	if (b == MOTE_LINK_FLAG) {
		int good = 0;
		if (rx->in_frame && (rx->n || rx->esc || rx->overrun)) {
			/* shortest content: a response header and its CRC */
			good = !rx->esc && !rx->overrun && rx->n >= MOTE_FRAME_RSP_HDR_BYTES + MOTE_LINK_CRC_BYTES &&
			       rx->crc == MOTE_LINK_CRC_RESIDUE;
			if (good) {
				rx->frames++;
				*len = rx->n - MOTE_LINK_CRC_BYTES;
			} else {
				rx->bad++;
			}
		}
		link_rx_reset(rx);
		rx->in_frame = 1;
		return good;
	}
	if (!rx->in_frame) {
		rx->junk++;
		return 0;
	}
	if (b == MOTE_LINK_ESC && !rx->esc) {
		rx->esc = 1;
		return 0;
	}
	if (rx->esc) {
		/* an escape is followed by an escaped byte; escape-escape is damage */
		if (b == MOTE_LINK_ESC)
			rx->overrun = 1;
		b ^= MOTE_LINK_ESC_XOR;
		rx->esc = 0;
	}
	if (rx->n >= sizeof rx->buf) {
		rx->overrun = 1;
		return 0;
	}
	rx->buf[rx->n++] = b;
	rx->crc = link_crc_update(rx->crc, &b, 1);
	return 0;
}

int link_rsp_check(const uint8_t *c, size_t n, const struct link_req *r, uint8_t *status, const uint8_t **data,
		   size_t *n_data)
{
	if (n < MOTE_FRAME_RSP_HDR_BYTES)
		return -1;
	if (c[MOTE_FRAME_RSP_SEQ_OFF] != r->seq)
		return 0;
	uint8_t st = c[MOTE_FRAME_RSP_STATUS_OFF];
	size_t want = link_rsp_data_bytes(r->op, r->len, st);
	if ((st & MOTE_RSP_STATUS_OP_MASK) >> MOTE_RSP_STATUS_OP_LSB != (r->op & 7u) || c[MOTE_FRAME_RSP_LEN_OFF] != r->len ||
	    (st & 0xc0u) || n != MOTE_FRAME_RSP_HDR_BYTES + want)
		return -1;
	*status = st;
	*data = c + MOTE_FRAME_RSP_HDR_BYTES;
	*n_data = want;
	return 1;
}

int link_req_parse(const uint8_t *c, size_t n, struct link_req *r)
{
	if (n < MOTE_FRAME_REQ_HDR_BYTES)
		return 0;
	r->seq = c[MOTE_FRAME_REQ_SEQ_OFF];
	r->op = c[MOTE_FRAME_REQ_OP_OFF];
	r->len = c[MOTE_FRAME_REQ_LEN_OFF];
	r->addr = 0;
	for (unsigned i = 0; i < MOTE_FRAME_REQ_ADDR_BYTES; i++)
		r->addr |= (uint32_t)c[MOTE_FRAME_REQ_ADDR_OFF + i] << (8 * i);
	r->data = c + MOTE_FRAME_REQ_HDR_BYTES;
	return n == MOTE_FRAME_REQ_HDR_BYTES + link_req_data_bytes(r->op, r->len);
}
