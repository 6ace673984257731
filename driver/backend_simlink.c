/* backend_simlink.c: sim:link=uart, a simulated board (sim/mote_simlink.h:
 * rtl/link/mote_link_top, 8x8; with board=NAME, that board build's whole top,
 * as it goes into the bitstream) reached through the link protocol (link.c)
 * byte for byte over its simulated UART wire.  Device memory is not mapped:
 * every byte goes through frames.  Time on the link is simulated time at the
 * board's nominal clock (the link board: MOTE_SIMLINK_CLOCK_HZ, 3 Mbaud at 4
 * cycles a bit; the iCEBreaker: 18 MHz, 6 cycles a bit, fpga/boards.mk), so
 * answer deadlines, stalls and the fault injector's schedule do not depend on
 * how fast the host simulates.
 */
#include <string.h>

#include "link.h"
#include "mote_priv.h"
#include "mote_sim.h"
#include "mote_simlink.h"
#include "mote_uri.h"

/* What the board may take beyond the frame's own bytes before answering: a
 * 256-byte write is 3 cycles a byte into memory, plus memory waits. */
#define SLACK_US 400u
/* Simulated time a wait_irq call polls for, at most (about 10 ms of host
 * time at 2 M cycles/s, like the in-process simulator's chunk). */
#define WAIT_CHUNK_CYCLES 20000u

struct simlink_be {
	struct mote_alloc_hooks hooks;
	mote_simlink *sim;
	struct link *link;
	struct link_transport tr;
};

static int from_sim(int rc)
{
	switch (rc) {
	case MOTE_SIM_OK: return MOTE_SUCCESS;
	case MOTE_SIM_EINVAL: return MOTE_ERROR_INVALID_ARG;
	case MOTE_SIM_ENOMEM: return MOTE_ERROR_NO_MEM;
	default: return MOTE_ERROR_IO;
	}
}

/* ---- transport: the host end of the wire -------------------------------------------- */

/* Cycles of the board's nominal clock in a microsecond (every board's clock
 * is a whole number of MHz). */
static uint64_t cycles_per_us(const mote_simlink *t)
{
	uint64_t c = mote_simlink_clock_hz(t) / 1000000u;
	return c ? c : 1;
}

static int t_write(void *t, const uint8_t *p, size_t n)
{
	return from_sim(mote_simlink_send(t, p, n));
}

static int t_read(void *t, uint8_t *p, size_t cap, size_t *got, uint64_t timeout_us)
{
	uint64_t c = timeout_us * cycles_per_us(t);
	return from_sim(mote_simlink_recv(t, p, cap, got, c ? c : 1));
}

static uint64_t t_now(void *t)
{
	return mote_simlink_cycles(t) / cycles_per_us(t);
}

/* ---- backend ------------------------------------------------------------------------ */

static int sl_reg_read(void *be, uint32_t off, uint32_t *v)
{
	return link_reg_read(((struct simlink_be *)be)->link, off, v);
}

static int sl_reg_write(void *be, uint32_t off, uint32_t v)
{
	struct simlink_be *s = be;
	/* a job starts in one frame: IRQ_ACK and CTRL together */
	if (off == MOTE_REG_CTRL && (v & MOTE_CTRL_START_MASK))
		return link_doorbell(s->link, v);
	return link_reg_write(s->link, off, v);
}

static int sl_reg_read_n(void *be, uint32_t off, unsigned n, uint32_t *v)
{
	return link_reg_read_n(((struct simlink_be *)be)->link, off, n, v);
}

static int sl_reg_write_n(void *be, uint32_t off, unsigned n, const uint32_t *v)
{
	return link_reg_write_n(((struct simlink_be *)be)->link, off, n, v);
}

static int sl_mem_read(void *be, uint64_t addr, void *dst, size_t len)
{
	return link_mem_read(((struct simlink_be *)be)->link, addr, dst, len);
}

static int sl_mem_write(void *be, uint64_t addr, const void *src, size_t len)
{
	return link_mem_write(((struct simlink_be *)be)->link, addr, src, len);
}

static int sl_mem_fill(void *be, uint64_t addr, uint8_t value, size_t len)
{
	return link_mem_fill(((struct simlink_be *)be)->link, addr, value, len);
}

/* Poll until the interrupt line is up or a chunk of simulated time passed. */
static int sl_wait_irq(void *be, int timeout_ms)
{
	struct simlink_be *s = be;
	uint64_t end = mote_simlink_cycles(s->sim) + WAIT_CHUNK_CYCLES;
	(void)timeout_ms;
	for (;;) {
		uint32_t status = 0;
		int irq = 0;
		int rc = link_poll(s->link, &status, &irq);
		if (rc)
			return rc;
		if (irq)
			return 1;
		if (mote_simlink_cycles(s->sim) >= end)
			return 0;
	}
}

static int sl_recover(void *be)
{
	return link_resync(((struct simlink_be *)be)->link);
}

/* Host counters, then the board's (LINK_ERRORS). */
static int sl_link_stats(void *be, struct mote_link_stats *st)
{
	struct simlink_be *s = be;
	uint32_t e = 0;
	link_get_stats(s->link, st);
	int rc = link_reg_read(s->link, MOTE_LREG_LINK_ERRORS, &e);
	st->dev_rx_errors = (e & MOTE_LINK_ERRORS_RX_BAD_MASK) >> MOTE_LINK_ERRORS_RX_BAD_LSB;
	st->dev_duplicates = (e & MOTE_LINK_ERRORS_DUPS_MASK) >> MOTE_LINK_ERRORS_DUPS_LSB;
	return rc;
}

static double sl_speed(void *be)
{
	return mote_simlink_cycles_per_second(((struct simlink_be *)be)->sim);
}

static void sl_close(void *be)
{
	struct simlink_be *s = be;
	struct mote_alloc_hooks h = s->hooks;
	link_close(s->link);
	mote_simlink_destroy(s->sim);
	mote__free(&h, s);
}

static const struct mote_backend_ops k_simlink_ops = {
	.name = "sim-link",
	.reg_read = sl_reg_read,
	.reg_write = sl_reg_write,
	.reg_read_n = sl_reg_read_n,
	.reg_write_n = sl_reg_write_n,
	.mem_read = sl_mem_read,
	.mem_write = sl_mem_write,
	.mem_fill = sl_mem_fill,
	.mem_ptr = NULL,
	.wait_irq = sl_wait_irq,
	.recover = sl_recover,
	.link_stats = sl_link_stats,
	.speed = sl_speed,
	.close = sl_close,
};

int mote__simlink_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		       const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg)
{
	char *trace = NULL, *board = NULL;
	if (!uri->board_len && (uri->rows != MOTE_SIMLINK_ROWS || uri->cols != MOTE_SIMLINK_COLS)) {
		mote__diag(msg, "the link board is built %ux%u only (sim:link=uart, or sim:link=uart,board=NAME for a "
				"board's whole top)", MOTE_SIMLINK_ROWS, MOTE_SIMLINK_COLS);
		return MOTE_ERROR_NOT_FOUND;
	}
	int rc = mote__trace_check(uri->trace, uri->trace_len, msg);
	if (rc)
		return rc;
	struct simlink_be *s = mote__alloc(h, sizeof *s);
	if (!s)
		return MOTE_ERROR_NO_MEM;
	memset(s, 0, sizeof *s);
	s->hooks = *h;
	if ((uri->trace_len && !(trace = mote__strndup(h, uri->trace, uri->trace_len))) ||
	    (uri->board_len && !(board = mote__strndup(h, uri->board, uri->board_len)))) {
		mote__free(h, trace);
		mote__free(h, s);
		return MOTE_ERROR_NO_MEM;
	}
	rc = board ? mote_simlink_create_board(board, trace, &s->sim)
		   : mote_simlink_create(uri->latency, uri->bw ? uri->bw : 2 * MOTE_SIMLINK_ROWS, trace, &s->sim);
	if (rc == MOTE_SIM_ENOGEOM)
		mote__diag(msg, "no board '%s' behind a link in this build (it has: icebreaker)", board);
	else if (rc)
		mote__diag(msg, "the simulated board: %s", mote_sim_strerror(rc));
	rc = rc == MOTE_SIM_ENOGEOM ? MOTE_ERROR_NOT_FOUND : from_sim(rc);
	mote__free(h, board);
	mote__free(h, trace);
	if (rc) {
		mote__free(h, s);
		return rc;
	}
	s->tr = (struct link_transport){t_write, t_read, t_now, s->sim,
					mote_simlink_clock_hz(s->sim) / mote_simlink_baud_div(s->sim), SLACK_US};
	uint32_t msize = 0;
	rc = link_open(h, &s->tr, &uri->link, &s->link);
	if (!rc)
		rc = link_reg_read(s->link, MOTE_LREG_LINK_MEM_SIZE, &msize);
	if (rc) {
		mote__diag(msg, "the simulated board did not answer on the link (%s)", mote_strerror(rc));
		link_close(s->link);
		mote_simlink_destroy(s->sim);
		mote__free(h, s);
		return rc;
	}
	*ops = &k_simlink_ops;
	*be = s;
	*mem_size = msize;
	return MOTE_SUCCESS;
}
