/* link.h: the host side of the link protocol over any byte transport (the
 * simulated UART wire of sim:link=uart, the FTDI bridge of usb): requests,
 * retransmission with a bounded retry budget, resynchronisation, statistics,
 * and the fault injector of the URI's link options (mote.h, mote_open).
 *
 * Stop and wait: one request in flight.  A request is sent, then bytes are
 * read until its response arrives or the answer deadline passes; a damaged
 * answer, a stale one, or none makes it go again, same bytes, same SEQ, up to
 * the retry budget; then the call fails with MOTE_ERROR_IO (the transport's
 * own MOTE_ERROR_LOST at once).  Writes are applied once however often they
 * are sent (the board remembers the last SEQ).  Memory transfers and
 * register bursts are split into frames of up to max_payload bytes; the payload halves after a frame
 * needed a retry (at least 16 bytes) and doubles again after a run of clean
 * frames, so a noisy wire carries smaller frames, most of which get through.
 *
 * Not thread-safe: the caller serialises (the device's io mutex). */
#ifndef MOTE_LINK_H
#define MOTE_LINK_H

#include <stddef.h>
#include <stdint.h>

#include <mote/mote.h>

#include "mote_uri.h"

/* A byte pipe with a clock.  write: all of P[0..n) or an error (IO, LOST).
 * read: up to CAP bytes into P, waiting until at least one is there or
 * TIMEOUT_US of the transport's clock have passed; *GOT = 0 on timeout.
 * now_us: the transport's clock (the simulator's: simulated time). */
struct link_transport {
	int (*write)(void *t, const uint8_t *p, size_t n);
	int (*read)(void *t, uint8_t *p, size_t cap, size_t *got, uint64_t timeout_us);
	uint64_t (*now_us)(void *t);
	void *t;
	uint32_t baud;       /* bits per second on the wire, for answer deadlines */
	uint64_t slack_us;   /* what an answer may take beyond its bytes (device, USB, OS) */
};

struct link;

/* Open a session: the first request is a read of LREG_LINK_ID (the rule of
 * the spec: a session begins with a read), checked against LINK_ID_MAGIC
 * (BAD_DEVICE).  The transport is borrowed until link_close. */
int link_open(const struct mote_alloc_hooks *h, const struct link_transport *tr, const struct mote_link_opts *o,
	      struct link **out);
void link_close(struct link *l);

/* Register space of the link: MOTE_REG_* below 0x1000, MOTE_LREG_* above. */
int link_reg_read(struct link *l, uint32_t addr, uint32_t *v);
int link_reg_write(struct link *l, uint32_t addr, uint32_t v);
/* N registers at ADDR, ADDR+4, ... in order, in bursts of up to 64 a frame. */
int link_reg_read_n(struct link *l, uint32_t addr, unsigned n, uint32_t *v);
int link_reg_write_n(struct link *l, uint32_t addr, unsigned n, const uint32_t *v);
/* DOORBELL: IRQ_ACK then CTRL = V, one frame. */
int link_doorbell(struct link *l, uint32_t v);
/* POLL: STATUS and the interrupt line. */
int link_poll(struct link *l, uint32_t *status, int *irq);
int link_mem_read(struct link *l, uint64_t addr, void *dst, size_t n);
int link_mem_write(struct link *l, uint64_t addr, const void *src, size_t n);
int link_mem_fill(struct link *l, uint64_t addr, uint8_t v, size_t n);

/* Bring the session back after an IO: flags out, input drained, the decoder
 * reset, then a read of LINK_ID.  0, IO or LOST. */
int link_resync(struct link *l);

/* Host counters and the injected faults (the device's are read by the
 * backend); baud and max_payload filled too. */
void link_get_stats(const struct link *l, struct mote_link_stats *st);

#endif
