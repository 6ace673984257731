/* mote_sim.h: the Verilated mote_top as a plain C library.
 *
 * One handle is one simulated device: the accelerator of one geometry (one of
 * the Verilated models built from $(SIM_GEOMETRIES)) plus a device-memory
 * model.  Nothing here is global: handles are independent and may be used
 * from different threads, one thread per handle at a time (the driver holds a
 * per-device mutex).  The library never exits or aborts; a Verilog $stop or
 * $fatal marks the handle broken and later calls return MOTE_SIM_EFATAL.
 *
 * Memory model: a byte array of mem_size bytes.  A request is accepted when
 * the bandwidth budget allows it (bytes_per_cycle per cycle, a full bus word
 * per request; bytes_per_cycle >= bus width accepts one request every cycle)
 * and the response queue has room.  A read's data is taken when the request
 * is accepted and returned latency cycles later, strictly in request order, at
 * most one response per cycle.  A write is applied when accepted, byte lanes
 * by strobe.  A request beyond the memory or not aligned to the bus width is a
 * bus error: counted, writes dropped, reads answered with zeros.
 */
#ifndef MOTE_SIM_H
#define MOTE_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Errors (negative returns). */
enum mote_sim_error {
	MOTE_SIM_OK = 0,
	MOTE_SIM_EINVAL = -1,   /* bad argument: NULL, zero or odd sizes */
	MOTE_SIM_ENOGEOM = -2,  /* no Verilated model for this rows x cols */
	MOTE_SIM_ENOMEM = -3,   /* host allocation failed */
	MOTE_SIM_ERANGE = -4,   /* backdoor access outside the device memory */
	MOTE_SIM_ETIMEOUT = -5, /* the CSR port did not answer */
	MOTE_SIM_EFATAL = -6,   /* the model hit $stop/$fatal; the handle is unusable */
	MOTE_SIM_ETRACE = -7,   /* the trace file could not be opened */
	MOTE_SIM_EFULL = -8,    /* no room for another guard range */
};

/* Largest accepted device memory (the device address space is 32 bits). */
#define MOTE_SIM_MEM_MAX ((uint64_t)1 << 32)
/* Guard ranges one handle can hold. */
#define MOTE_SIM_MAX_GUARDS 16
/* Response queue entries: the longest latency at full bandwidth. */
#define MOTE_SIM_MAX_LATENCY 4096

typedef struct mote_sim mote_sim;

/* Create a simulated device of ROWS x COLS (MEM_BYTES = 2*ROWS bus bytes),
 * with MEM_SIZE bytes of zeroed device memory (1..MOTE_SIM_MEM_MAX),
 * LATENCY cycles from accepting a read to its response (1..MOTE_SIM_MAX_LATENCY)
 * and BYTES_PER_CYCLE of request bandwidth (>= 1).  TRACE_PATH (or, when it
 * is NULL, the environment variable MOTE_TRACE) names an FST file to write;
 * NULL and no variable: no trace.  The device is reset before return.
 * On success stores the handle in *OUT (caller owns it: mote_sim_destroy) and
 * returns 0; otherwise returns a negative mote_sim_error and *OUT is NULL. */
int mote_sim_create(unsigned rows, unsigned cols, uint64_t mem_size, unsigned latency,
		    unsigned bytes_per_cycle, const char *trace_path, mote_sim **out);

/* A board build (fpga/boards.mk): mote_top with the board's parameters and
 * the iCE40 cell models it instantiates, its device memory as the board has
 * it (size, bus width, latency; one request per cycle).  Otherwise as
 * mote_sim_create.  MOTE_SIM_ENOGEOM: no such board in this library. */
int mote_sim_create_board(const char *name, const char *trace_path, mote_sim **out);

/* Is NAME a board of this library?  1 (and its memory size in *MEM_SIZE, may
 * be NULL) or 0. */
int mote_sim_board(const char *name, uint64_t *mem_size);

/* Name of board I (0, 1, ...), or NULL past the last. */
const char *mote_sim_board_name(unsigned i);

/* Destroy the handle, closing its trace.  NULL is a no-op. */
void mote_sim_destroy(mote_sim *sim);

/* Does a model exist for this geometry?  1 or 0. */
int mote_sim_has_geometry(unsigned rows, unsigned cols);

/* Geometry I (0, 1, ...) of this library into *ROWS, *COLS: 1, or 0 past the
 * last. */
int mote_sim_geometry(unsigned i, unsigned *rows, unsigned *cols);

/* Bus width of the model in bytes. */
unsigned mote_sim_bus_bytes(const mote_sim *sim);

/* One register write / read through the CSR port (a few cycles each).
 * ADDR is a byte offset, MOTE_REG_*.  Return 0 or a negative error. */
int mote_sim_csr_write(mote_sim *sim, uint32_t addr, uint32_t value);
int mote_sim_csr_read(mote_sim *sim, uint32_t addr, uint32_t *value);

/* Host backdoor: copy LEN bytes between host memory and device memory at
 * ADDR, outside simulated time.  MOTE_SIM_ERANGE when ADDR+LEN exceeds the
 * memory (nothing copied). */
int mote_sim_mem_write(mote_sim *sim, uint64_t addr, const void *src, size_t len);
int mote_sim_mem_read(mote_sim *sim, uint64_t addr, void *dst, size_t len);

/* The device memory itself (valid until destroy) and its size.  Device reads
 * and writes see host stores through this pointer at once. */
uint8_t *mote_sim_mem(mote_sim *sim, uint64_t *size);

/* Advance N cycles.  Returns 0 or MOTE_SIM_EFATAL. */
int mote_sim_step(mote_sim *sim, uint64_t n);

/* Advance until the interrupt line is high (checked after every cycle) or
 * MAX_CYCLES have passed.  *RAN (may be NULL) gets the cycles simulated.
 * Returns 1 when o_irq is high, 0 at the limit, or a negative error. */
int mote_sim_run(mote_sim *sim, uint64_t max_cycles, uint64_t *ran);

/* Level of o_irq now. */
int mote_sim_irq(const mote_sim *sim);

/* Cycles simulated since create (including reset and CSR cycles). */
uint64_t mote_sim_cycles(const mote_sim *sim);

/* Simulated cycles per wall-clock second over all step/run calls so far
 * (0 before any). */
double mote_sim_cycles_per_second(const mote_sim *sim);

/* Guard ranges: device writes that touch [BASE, BASE+SIZE) are counted.
 * Returns 0, MOTE_SIM_EINVAL (SIZE 0 or wrapping) or MOTE_SIM_EFULL. */
int mote_sim_guard_add(mote_sim *sim, uint64_t base, uint64_t size);
void mote_sim_guard_clear(mote_sim *sim);

/* Memory-model counters. */
struct mote_sim_stats {
	uint64_t reads;             /* read requests accepted */
	uint64_t writes;            /* write requests accepted */
	uint64_t bus_errors;        /* requests beyond the memory or misaligned */
	uint64_t first_bus_error;   /* address of the first (valid when bus_errors) */
	uint64_t guard_hits;        /* write requests touching a guard range */
	uint64_t first_guard_hit;   /* first guarded byte written (valid when guard_hits) */
};
void mote_sim_get_stats(const mote_sim *sim, struct mote_sim_stats *stats);

/* Name of a mote_sim_error. */
const char *mote_sim_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif
