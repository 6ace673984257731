/* mote_simlink.h: a Verilated board reached through its UART pins, as a plain
 * C library, with the host's end of the UART wire.  Two kinds:
 *   - the link board (mote_simlink_create): rtl/link/mote_link_top, the 8x8
 *     accelerator, the link bridge and a UART, its device memory the memory
 *     model of mote_sim.h (MOTE_SIMLINK_MEM_SIZE bytes);
 *   - a board build's whole top (mote_simlink_create_board): for
 *     "icebreaker", fpga/icebreaker/mote_icebreaker.v as it goes into the
 *     bitstream (PLL, reset, link, the board's mote_top, the SPRAMs), with
 *     Yosys' models of the iCE40 cells and a twin of the PLL.
 *
 * One handle is one simulated board with its device memory and a host UART
 * at the board's bit time (mote_simlink_baud_div cycles): bytes queued with
 * mote_simlink_send go out bit by bit on the board's RX pin while the board
 * is simulated; bytes the board sends come back from mote_simlink_recv.  The
 * simulator runs only inside mote_simlink_recv.  Nothing global; one thread
 * per handle at a time.  Nominal clock (mote_simlink_clock_hz): for the link
 * board MOTE_SIMLINK_CLOCK_HZ, which makes the wire 3 Mbaud (the FT2232H's
 * rate on iCEBreaker boards) at a 4-cycle bit, a short bit time that keeps the
 * simulation quick; a board build's clock and bit time are its own
 * (fpga/boards.mk: iCEBreaker 18 MHz, 6 cycles a bit, 3 Mbaud).
 */
#ifndef MOTE_SIMLINK_H
#define MOTE_SIMLINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_SIMLINK_ROWS 8u
#define MOTE_SIMLINK_COLS 8u
#define MOTE_SIMLINK_MEM_SIZE ((uint64_t)16 << 20)
#define MOTE_SIMLINK_BAUD_DIV 4u
#define MOTE_SIMLINK_CLOCK_HZ 12000000u

typedef struct mote_simlink mote_simlink;

/* Create a board: memory read LATENCY cycles (1..MOTE_SIM_MAX_LATENCY),
 * BYTES_PER_CYCLE of request bandwidth (>= 1), FST trace to TRACE_PATH (or
 * $MOTE_TRACE; NULL and none: no trace).  The board is reset before return.
 * Returns 0 and *OUT, or a negative mote_sim_error (mote_sim.h). */
int mote_simlink_create(unsigned latency, unsigned bytes_per_cycle, const char *trace_path, mote_simlink **out);
/* Create the whole top of board NAME ("icebreaker"), running (PLL locked,
 * reset over) before return; trace as above.  MOTE_SIM_ENOGEOM: this library
 * has no such board. */
int mote_simlink_create_board(const char *name, const char *trace_path, mote_simlink **out);
void mote_simlink_destroy(mote_simlink *s);

/* Queue N bytes for the host UART.  MOTE_SIM_ENOMEM when the queue (1 MiB)
 * is full (nothing queued). */
int mote_simlink_send(mote_simlink *s, const uint8_t *p, size_t n);

/* Simulate until at least one byte has arrived from the board (and the queue
 * to it is empty or the line idle for a byte time after it), or MAX_CYCLES
 * have passed; copy up to CAP received bytes to P, *GOT their number.
 * Returns 0 or MOTE_SIM_EFATAL. */
int mote_simlink_recv(mote_simlink *s, uint8_t *p, size_t cap, size_t *got, uint64_t max_cycles);

/* Cycles simulated since create; simulated cycles per wall second. */
uint64_t mote_simlink_cycles(const mote_simlink *s);
double mote_simlink_cycles_per_second(const mote_simlink *s);

/* The board's nominal clock in Hz and its UART bit time in cycles. */
uint32_t mote_simlink_clock_hz(const mote_simlink *s);
unsigned mote_simlink_baud_div(const mote_simlink *s);

/* The board's memory (tests look at it behind the link's back); NULL and
 * size 0 for a board build, whose memory is inside its RAM cells. */
uint8_t *mote_simlink_mem(mote_simlink *s, uint64_t *size);

/* The board's interrupt line now (-1: not a pin of this board) and its LEDs:
 * bit 0 busy (a board build: the green LED lit, which also blinks while the
 * clock runs), bit 1 error. */
int mote_simlink_irq(const mote_simlink *s);
int mote_simlink_leds(const mote_simlink *s);

#ifdef __cplusplus
}
#endif

#endif
