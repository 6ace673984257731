/* link_frame.h: the host side's codec of link frames (the host link section
 * of include/mote/mote_hw.spec): encoding requests and responses, and the
 * byte-at-a-time receiver that finds frames in a damaged stream.
 *
 * No allocation, no global state; every function is total over its inputs
 * (driver/tests/fuzz/fuzz_link.c feeds it arbitrary bytes). */
#ifndef MOTE_LINK_FRAME_H
#define MOTE_LINK_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <mote/mote_hw.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest content (header, data, CRC) of any frame, and its worst case on
 * the wire (every byte escaped, two flags). */
#define LINK_CONTENT_MAX (MOTE_FRAME_REQ_HDR_BYTES + MOTE_LINK_MAX_DATA + MOTE_LINK_CRC_BYTES)
#define LINK_WIRE_MAX (2 + 2 * LINK_CONTENT_MAX)

/* CRC-32 register update (reflected 0xEDB88320; start at 0xffffffff; a
 * frame's CRC is the complement of the register after header and data). */
uint32_t link_crc_update(uint32_t crc, const uint8_t *p, size_t n);

/* Data bytes a request of operation OP and length field LEN carries, and
 * its response; an operation that is none (6, or above 7) carries none. */
size_t link_req_data_bytes(unsigned op, unsigned len);
size_t link_rsp_data_bytes(unsigned op, unsigned len, unsigned status);

/* Is OP an operation, and does it write (applied once, remembered)? */
int link_op_valid(unsigned op);
int link_op_writes(unsigned op);

struct link_req {
	uint8_t seq, op, len;
	uint32_t addr;
	const uint8_t *data; /* link_req_data_bytes(op, len) bytes */
};

/* Frame REQ (FLAG, escaped content with its CRC, FLAG) into OUT, which has
 * room for LINK_WIRE_MAX bytes; returns the bytes written. */
size_t link_encode_req(const struct link_req *r, uint8_t *out);

/* Frame a response the same way (the reference board of the tests, the
 * fuzzer's round trips). */
size_t link_encode_rsp(uint8_t seq, uint8_t status, uint8_t len, const uint8_t *data, size_t n, uint8_t *out);

/* Receiver.  Bytes go in one at a time; a frame comes out when its closing
 * flag arrives, its escapes are whole, it is at most LINK_CONTENT_MAX bytes
 * and its CRC register ends at the residue.  Everything else is counted and
 * forgotten, and the receiver waits for the next flag. */
struct link_rx {
	uint8_t buf[LINK_CONTENT_MAX];
	size_t n;         /* content bytes so far */
	int in_frame;     /* a flag was seen: bytes are content */
	int esc;          /* the last byte was an escape */
	int overrun;      /* more than LINK_CONTENT_MAX bytes: dropped at the flag */
	uint32_t crc;
	uint64_t frames;  /* good frames delivered */
	uint64_t bad;     /* frames dropped: CRC, escape, too short or too long */
	uint64_t junk;    /* bytes outside any frame */
};

void link_rx_init(struct link_rx *rx);

/* Feed byte B.  Returns 1 when B completed a good frame: its content
 * without the CRC is rx->buf[0 .. *len) until the next call. */
int link_rx_byte(struct link_rx *rx, uint8_t b, size_t *len);

/* Forget any partial frame (resynchronisation); counters stay. */
void link_rx_reset(struct link_rx *rx);

/* Does response content C[0..n) (CRC stripped) answer request R?
 * 1: yes, *STATUS and *DATA / *N_DATA set (DATA points into C);
 * 0: it answers another SEQ (stale); -1: it has R's SEQ but does not fit R
 * (operation, LEN or data length). */
int link_rsp_check(const uint8_t *c, size_t n, const struct link_req *r, uint8_t *status, const uint8_t **data,
		   size_t *n_data);

/* Parse request content C[0..n) (CRC stripped) as the board does: 1 and *R
 * filled (R->data points into C), or 0 when its length does not fit its
 * operation.  Used by the reference board of the tests. */
int link_req_parse(const uint8_t *c, size_t n, struct link_req *r);

#ifdef __cplusplus
}
#endif

#endif
