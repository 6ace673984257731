/* mote_fmodel.h: functional model of mote's command set (part of libmotecc).
 *
 * Executes a command stream against a host byte array standing for device
 * memory with the semantics of mote_hw.spec and rtl/README.md: in-order
 * fetch with X-window checks into three bounded queues (load, compute,
 * store; fewer, shared, as the geometry's FEATURES.QUEUES says), the four
 * dependency-token counters, the buffers, the accumulator
 * and the STORE post-processing.  Not cycle-accurate: a deterministic
 * scheduler executes one whole command of whichever queue head can proceed
 * (its tokens available).  Errors carry the spec's MOTE_ERR_* code and the
 * command index; a state where nothing can proceed and END has not drained is
 * reported as MOTE_ERR_WATCHDOG with deadlock = 1 (the hardware's watchdog).
 *
 * Interpretations where the spec is silent (to be kept equal in the RTL):
 *   - LOAD XOR_MSB flips bit 7 of every byte written, PAD bytes included;
 *   - MATMUL with NROWS = 0 only does its token operations (no weight load);
 *   - MATMUL K_VALID > ROWS or N_VALID > COLS, LOAD COUNT above the row width,
 *     STORE NCOLS > COLS, LOAD DST or SYNC QUEUE of 3: error FIELD;
 *   - the weights before the first LOAD_WEIGHTS are zero;
 *   - MATMUL DEPTHWISE: on a geometry without FEATURES.DEPTHWISE, or with
 *     NROWS < COLS or DW_STRIDE = 0 (NROWS != 0): FIELD; the field checks
 *     come before the range checks; accumulator columns >= min(ROWS, COLS)
 *     get 0 (left unchanged with ACCUMULATE);
 *   - MATMUL ACC_MAX: with ACCUMULATE the signed max of the old value and the
 *     row's result, without it a plain write; on a geometry without
 *     FEATURES.ACC_MAX (NROWS != 0): FIELD, checked with the other fields;
 *   - STORE: q + OUT_ZP and the clamp are computed exactly (64-bit), mult is
 *     a signed int32;
 *   - STORE ADD: on a geometry without FEATURES.STORE_ADD, or with INT32
 *     (even with no rows): FIELD, after the NCOLS check and before the range
 *     checks; each row's operand bytes are checked (READ_WINDOW) before the
 *     row is written, and each output byte is written after its operand byte
 *     is read (so an output row may be its own operand row);
 *   - NO_END reports ERR_CMD = CMD_COUNT; END counts as a retired command.
 */
#ifndef MOTE_FMODEL_H
#define MOTE_FMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote_geometry.h"
#include "mote/mote_hw.h"

struct mote_fm_window {
	uint32_t base; /* multiple of MOTE_WINDOW_ALIGN */
	uint32_t size; /* multiple of MOTE_WINDOW_ALIGN; 0: unused */
	uint32_t perm; /* MOTE_WIN_PERM_{R,W,X}_MASK bits */
};

enum mote_fm_policy {
	MOTE_FM_LOWEST_INDEX = 0, /* run the runnable queue head with the lowest command index */
	MOTE_FM_RANDOM = 1,       /* pick a runnable head at random (seeded): exposes missing tokens */
	MOTE_FM_LOAD_FIRST = 2,   /* prefer load, then store, then compute: loads run far ahead */
};

struct mote_fm_config {
	struct mote_geometry geom;
	uint32_t queue_depth;                       /* commands per queue, >= 1 (hardware: 8) */
	struct mote_fm_window win[MOTE_NUM_WINDOWS];
	uint32_t cmd_base, cmd_count;               /* CMD_BASE, CMD_COUNT */
	enum mote_fm_policy policy;
	uint64_t seed;                              /* MOTE_FM_RANDOM only */
};

struct mote_fm_result {
	uint32_t err_code;     /* MOTE_ERR_* (MOTE_ERR_NONE: the job completed) */
	uint32_t err_cmd;      /* command index of the error */
	uint32_t err_addr;     /* word-aligned faulting address (window errors) */
	int deadlock;          /* err_code is WATCHDOG because nothing could proceed */
	uint32_t cmds_done;    /* retired commands, END included */
	/* ideal figures, as the perf counters of the same names define them */
	uint64_t macs_issued;  /* ROWS*COLS per activation row streamed */
	uint64_t macs_useful;  /* K_VALID*N_VALID per activation row streamed (SPARSE: kept slots) */
	uint64_t macs_dense;   /* K_VALID*N_VALID per activation row streamed (MACS_DENSE) */
	uint64_t rows_streamed;/* activation rows streamed (= ARRAY_ACTIVE, the ideal cycles) */
	uint64_t bytes_read;   /* data bytes read by LOAD (exact bytes, not bus words) */
	uint64_t bytes_written;/* bytes written by STORE */
	uint32_t n_load, n_matmul, n_store, n_sync;
	uint32_t max_tokens[4];/* peak of l2c, c2l, c2s, s2c */
};

/* Run the job in cfg against mem (mem_size bytes at device address
 * mem_base); every window with a nonzero size must lie inside it.  Job
 * errors are reported in *res and return 0; the return value is negative
 * (MOTE_CC_EINVAL, MOTE_CC_ENOMEM) only when the model could not run.  mem is
 * modified by STOREs; everything allocated is freed before return. */
int mote_fm_run(const struct mote_fm_config *cfg, uint8_t *mem, uint32_t mem_base, size_t mem_size,
		struct mote_fm_result *res);

#endif /* MOTE_FMODEL_H */
