/* mote.h: libmote, the user-space driver of the mote accelerator.
 *
 * Shape (after libusb): opaque handles, one closed enum of negative error
 * codes, every call that waits takes a timeout in milliseconds, the library
 * never exits or aborts and holds no global mutable state.  Each device has
 * its own mutex: any number of threads may call into one device; a wait
 * releases the device between simulation chunks so other threads get in.
 * The device runs one job at a time: mote_submit and mote_run say BUSY while
 * another job runs (the caller decides whether to wait); mote_model_run
 * queues instead, each device step waiting for the device within the run's
 * timeout, so models run from several threads take turns.
 *
 * Transfers: every call that moves bytes or touches a register either
 * completes or fails with an error, never half silently.  A failed write
 * (MOTE_ERROR_IO) may have changed a prefix of the bytes, never applied
 * anything twice; a failed read leaves the destination undefined.  Every
 * call that can block ends within a deadline (the caller's timeout, or the
 * backend's per-transfer deadline times its retry budget).  After an I/O
 * error nothing the device may still be using is unpinned or freed: a job
 * that was running is aborted on the device first, and when the device
 * cannot be reached the job's buffers stay reserved (MOTE_ERROR_LOST) until
 * it answers again or the device is closed.
 *
 * Ownership in one sentence: what mote_open/mote_buffer_alloc hand out, the
 * caller gives back with mote_close/mote_buffer_free; everything else is
 * borrowed.  Strings returned by the library are static or live as long as
 * the device.
 *
 * Register offsets, opcodes and hardware error codes (MOTE_REG_*, MOTE_OP_*,
 * MOTE_ERR_*) come from the generated <mote/mote_hw.h>.
 */
#ifndef MOTE_H
#define MOTE_H

#include <stddef.h>
#include <stdint.h>

#include <mote/mote_geometry.h>
#include <mote/mote_hw.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Library version (also the shared library's: libmote.so.MAJOR, file
 * libmote.so.MAJOR.MINOR.PATCH).  Minor bumps only add to the API; a major
 * bump breaks it. */
#define MOTE_VERSION_MAJOR 1
#define MOTE_VERSION_MINOR 4
#define MOTE_VERSION_PATCH 0
/* API version: major << 16 | minor. */
#define MOTE_API_VERSION (0x10000u * MOTE_VERSION_MAJOR + MOTE_VERSION_MINOR)

/* The library's version as "MAJOR.MINOR.PATCH" (the one the program runs
 * with, which may be newer than the header it was built with). */
const char *mote_version(void);

/* Every libmote call returns 0 (MOTE_SUCCESS) or one of these. */
enum mote_error {
	MOTE_SUCCESS = 0,
	MOTE_ERROR_INVALID_ARG = -1,    /* NULL, zero, misaligned or malformed argument */
	MOTE_ERROR_NO_MEM = -2,         /* host allocation failed */
	MOTE_ERROR_NO_DEVICE_MEM = -3,  /* no free device memory block large enough */
	MOTE_ERROR_NOT_SUPPORTED = -4,  /* backend or feature not available in this build */
	MOTE_ERROR_NOT_FOUND = -5,      /* no such geometry, buffer or job on this device */
	MOTE_ERROR_RANGE = -6,          /* offset/length outside the buffer or register space */
	MOTE_ERROR_BUSY = -7,           /* a job is already running on the device */
	MOTE_ERROR_TIMEOUT = -8,        /* the wait ran out; the job is still running */
	MOTE_ERROR_JOB_FAILED = -9,     /* the job ended with a hardware error (see the result) */
	MOTE_ERROR_BAD_DEVICE = -10,    /* ID magic or spec version not what this driver speaks */
	MOTE_ERROR_IO = -11,            /* the backend failed (simulator stopped, link lost) */
	MOTE_ERROR_STATE = -12,         /* not valid now (e.g. abort with no job running) */
	MOTE_ERROR_BAD_MODEL = -13,     /* model file malformed, corrupt or inconsistent */
	MOTE_ERROR_INCOMPATIBLE = -14,  /* model built for another geometry or format version */
	MOTE_ERROR_LOST = -15,          /* the device stopped answering; a job it ran keeps its buffers */
	MOTE_ERROR_COUNT_ = -16         /* sentinel, not an error: codes are > MOTE_ERROR_COUNT_ */
};

/* Number of codes in enum mote_error, MOTE_SUCCESS included. */
#define MOTE_ERROR_COUNT 16

/* Symbolic name ("MOTE_ERROR_TIMEOUT") of a code; "MOTE_ERROR_UNKNOWN" for
 * values outside the enum.  Static storage. */
const char *mote_error_name(int err);

/* One-line English description of a code.  Static storage. */
const char *mote_strerror(int err);

typedef struct mote_device mote_device;
typedef struct mote_buffer mote_buffer;

/* A job is named by a number, never reused on a device (0 is never a job). */
typedef uint64_t mote_job;

/* Allocation hooks: every host allocation of the device goes through them.
 * alloc returns NULL on failure; free accepts NULL. */
struct mote_alloc_hooks {
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr);
	void *ctx;
};

/* Open options; a NULL pointer means all defaults. */
struct mote_open_options {
	const struct mote_alloc_hooks *hooks; /* NULL: malloc/free */
};

/* Open the device named by URI:
 *   sim                          simulator, 8x8, defaults below
 *   sim:KEY=VALUE[,KEY=VALUE...] keys: rows, cols (both or neither; a built
 *                                geometry), mem (bytes, K or M suffix, a
 *                                multiple of 64, default 16M), latency
 *                                (cycles, default 8), bw (request bytes per
 *                                cycle, default the bus width), trace (FST
 *                                file; MOTE_TRACE in the environment works too),
 *                                board (a board build simulated as it is
 *                                built, e.g. board=icebreaker: its parameter
 *                                set, cells and memory; takes none of rows,
 *                                cols, mem, latency, bw)
 *   sim:link=uart[,KEY=VALUE...] the simulated board (rtl/link/mote_link_top:
 *                                the 8x8 accelerator with 16M of memory behind
 *                                a UART and the link bridge) reached through
 *                                the link protocol, byte for byte over a
 *                                simulated wire; memory is not mapped into the
 *                                host.  Keys: latency, bw, trace as above,
 *                                board (e.g. board=icebreaker: that board
 *                                build's whole top as it goes into the
 *                                bitstream, at its own clock and bit time;
 *                                then no latency, bw), and the link options
 *                                below
 *   usb[:VID:PID[:SERIAL]][,KEY=VALUE...]
 *                                a board behind an FTDI FT2232H/FT232H bridge
 *                                over libusb-1.0 (VID:PID in hex, default
 *                                0403:6010; SERIAL: the USB serial string).
 *                                Keys: interface (FTDI channel, 0 = A, 1 = B,
 *                                default 1: the UART on iCEBreaker boards),
 *                                baud (default 3000000), and the link options
 *   pcie:...                     MOTE_ERROR_NOT_SUPPORTED in this build
 * Link options (sim:link=uart and usb), for fault injection and tuning:
 *   flip=P     per byte, probability that one of its bits is flipped
 *   drop=P     per byte, probability that it is lost
 *   dup=P      per byte, probability that it arrives twice
 *              (P: a decimal fraction or e-notation, 0..0.5; both directions)
 *   stall=MS   once, the wire carries nothing for MS ms of link time (bytes
 *              sent meanwhile are held and delivered late), from the byte
 *              given by stall_at=N (default 4096 bytes into the session)
 *   unplug=N   after N bytes the wire carries nothing ever again
 *   seed=N     seed of the fault generator (default 1)
 *   retries=N  retry budget of one frame (default 24, 0..1000)
 *   timeout=MS deadline of one answer before a retry (default: from the
 *              frame length and baud rate)
 * A key that does not apply to the URI's kind is malformed (INVALID_ARG).
 * The device's ID and VERSION registers are checked (MOTE_ERROR_BAD_DEVICE);
 * the memory size and geometry are read from the device, not the URI.
 * On success *OUT owns a device the caller closes with mote_close; on failure
 * *OUT is NULL and nothing is left allocated.  Errors: INVALID_ARG (NULL,
 * malformed URI, unknown key, bad number), NOT_SUPPORTED, NOT_FOUND (no model
 * of that geometry or board; no USB device matching), BUSY (the USB interface
 * is claimed by another program), NO_MEM, BAD_DEVICE, IO, LOST. */
int mote_open(const char *uri, mote_device **out);
int mote_open_ex(const char *uri, const struct mote_open_options *opts, mote_device **out);

/* Why an open failed, in words (since 1.4): the key and the values it takes,
 * the geometries and boards this build has, the trace file and the OS's
 * reason, the USB device looked for.  Empty on success. */
struct mote_open_diag {
	char msg[256];
};

/* mote_open_ex, and on failure the reason in DIAG (which may be NULL). */
int mote_open_diag(const char *uri, const struct mote_open_options *opts, mote_device **out,
		   struct mote_open_diag *diag);

/* Close: a running job is aborted, every buffer still allocated is freed
 * (their handles die with the device).  NULL is a no-op. */
void mote_close(mote_device *dev);

/* Device description, filled from the device's registers at open. */
struct mote_device_info {
	struct mote_geometry geometry;
	uint32_t hw_version;   /* VERSION register: major << 16 | minor */
	uint32_t num_windows;  /* GEOMETRY.WINDOWS */
	uint64_t mem_size;     /* device memory bytes, as the device reports them */
	uint32_t perf_width;   /* bits per perf counter: 64, or fewer (they wrap) */
	uint32_t perf_set;     /* bit i: perf counter i is counted (the others read 0) */
	const char *backend;   /* "sim", "sim-link", "usb"; valid while the device is open */
	const char *uri;       /* the URI given to mote_open; valid while open */
};

/* Copy the device description to *INFO.  INVALID_ARG on NULL. */
int mote_device_info(mote_device *dev, struct mote_device_info *info);

/* Link statistics of a device reached through the link protocol (sim:link,
 * usb), counted since open.  Host side: frames and bytes each way, requests
 * sent again (retries), answers that arrived damaged (bad CRC, length or
 * escape: crc_errors) or not at all (timeouts), answers to an older request
 * (stale), resynchronisations after a transfer gave up.  Device side (its
 * link registers, read when this is called; counted since the board's
 * reset): request frames it dropped as damaged, and retransmitted writes it
 * recognised and did not apply again.  Injected faults (URI options) are
 * counted too, so a test can compare.  NOT_SUPPORTED for a device without a
 * link (sim); IO/LOST when the device registers cannot be read (the host
 * counters are filled anyway). */
struct mote_link_stats {
	uint64_t frames_sent, frames_received;
	uint64_t bytes_sent, bytes_received;   /* on the wire, escapes and flags included */
	uint64_t retries;
	uint64_t crc_errors;
	uint64_t timeouts;
	uint64_t stale;
	uint64_t resyncs;
	uint64_t polls;                        /* POLL requests (waiting for jobs) */
	uint64_t dev_rx_errors;
	uint64_t dev_duplicates;
	uint64_t injected_flips, injected_drops, injected_dups; /* faults the URI asked for */
	uint32_t baud;                         /* bits per second on the wire (sim: nominal) */
	uint32_t max_payload;                  /* largest data bytes per frame now */
	uint64_t elapsed_us;                   /* the link's clock since open: wall time (usb),
	                                          simulated time at the board's clock (sim:link) */
};
int mote_link_stats(mote_device *dev, struct mote_link_stats *st);

/* Raw register access for bring-up: OFFSET is a MOTE_REG_* byte offset,
 * 4-aligned, below 0x1000 (RANGE otherwise).  Writing CTRL while a job runs
 * is allowed and is the caller's business. */
int mote_reg_read(mote_device *dev, uint32_t offset, uint32_t *value);
int mote_reg_write(mote_device *dev, uint32_t offset, uint32_t value);

/* ---- device buffers -------------------------------------------------------
 * Device memory is handed out in MOTE_WINDOW_ALIGN-aligned blocks whose size
 * is the request rounded up to MOTE_WINDOW_ALIGN, so one buffer is exactly
 * one memory window.  The first MOTE_WINDOW_ALIGN bytes of device memory are
 * never handed out (address 0 is never a buffer).  Buffers start zeroed. */

/* Allocate SIZE (> 0) bytes.  On success *OUT is a buffer the caller frees
 * with mote_buffer_free (or that mote_close frees).  Errors: INVALID_ARG
 * (NULL, SIZE 0), NO_DEVICE_MEM (no free block large enough, including
 * sizes beyond the memory), NO_MEM. */
int mote_buffer_alloc(mote_device *dev, size_t size, mote_buffer **out);

/* Free BUF.  NOT_FOUND when BUF is not a live buffer of DEV (already freed,
 * or another device's: the handle is never dereferenced then).  BUSY when a
 * running job (or one a lost device may still run) uses it as a window or
 * command buffer, or another thread is transferring to or from it. */
int mote_buffer_free(mote_device *dev, mote_buffer *buf);

/* Device address and size (rounded) of BUF.  NOT_FOUND as above. */
int mote_buffer_addr(mote_device *dev, mote_buffer *buf, uint32_t *addr, size_t *size);

/* Copy LEN bytes into / out of BUF at OFFSET.  RANGE when OFFSET+LEN exceeds
 * the buffer (nothing copied), NOT_FOUND, INVALID_ARG (NULL data with LEN>0),
 * IO / LOST (see the transfer rule at the top).  The device lock is not held while bytes move. */
int mote_buffer_write(mote_device *dev, mote_buffer *buf, size_t offset, const void *src, size_t len);
int mote_buffer_read(mote_device *dev, mote_buffer *buf, size_t offset, void *dst, size_t len);

/* Map BUF: *PTR points at its bytes for as long as the buffer lives.  For the
 * simulator this is the model's device memory itself (no shadow copy): host
 * stores are visible to the device at once and device writes are visible
 * after the job's wait returns; do not touch it while a job writes it.
 * NOT_SUPPORTED by backends whose memory is not in this process (sim:link,
 * usb): use mote_buffer_read / mote_buffer_write, which always work. */
int mote_buffer_map(mote_device *dev, mote_buffer *buf, void **ptr);

/* ---- jobs --------------------------------------------------------------- */

/* Window permissions (MOTE_WIN_PERM_* of mote_hw.h). */
#define MOTE_PERM_R MOTE_WIN_PERM_R_MASK /* DMA may read */
#define MOTE_PERM_W MOTE_WIN_PERM_W_MASK /* DMA may write */
#define MOTE_PERM_X MOTE_WIN_PERM_X_MASK /* commands may be fetched */

struct mote_window {
	mote_buffer *buf; /* the whole buffer is the window */
	uint32_t perm;    /* MOTE_PERM_* bits, at least one */
};

struct mote_job_desc {
	mote_buffer *cmds;      /* command stream buffer */
	size_t cmd_offset;      /* byte offset of command 0 (multiple of MOTE_CMD_ALIGN) */
	uint32_t n_cmds;        /* commands (> 0) of the packed stream (mote_cmd_pack
				 * in mote_hw.h); at least n_cmds words must fit the
				 * buffer, and a stream running past it is FETCH_WINDOW */
	uint32_t n_windows;     /* 0..MOTE_NUM_WINDOWS */
	struct mote_window windows[MOTE_NUM_WINDOWS];
};

struct mote_job_result {
	uint32_t hw_error;          /* MOTE_ERR_* (MOTE_ERR_NONE on success) */
	const char *hw_error_name;  /* "NONE", "OPCODE", ...; static storage */
	uint32_t err_cmd;           /* index of the failing command (when hw_error) */
	uint32_t err_addr;          /* faulting address (window errors) */
	uint32_t cmds_done;         /* commands retired */
	uint64_t perf[MOTE_NUM_PERF]; /* MOTE_PERF_* counters; names: mote_perf_name */
	uint32_t perf_set;          /* bit i: perf[i] was counted (the device's set;
				     * the others are 0); CYCLES, MACS_USEFUL and
				     * CMDS always are */
};

/* Default watchdog programmed into WDT_LIMIT at each submit. */
#define MOTE_DEFAULT_WDT_CYCLES 1000000u

/* Cycles without progress before the hardware stops a job with WATCHDOG
 * (0 means 2^32).  Takes effect at the next submit. */
int mote_set_watchdog(mote_device *dev, uint32_t cycles);

/* Start a job: programs CMD_BASE, CMD_COUNT, the windows (unused ones get
 * size 0 and no permission), WDT_LIMIT, clears the interrupt and starts.
 * On success *JOB names it.  Errors: INVALID_ARG (NULL, n_cmds 0, misaligned
 * offset, more than MOTE_NUM_WINDOWS windows, a window without permission or
 * with unknown bits), RANGE (n_cmds words beyond the command buffer), NOT_FOUND (a
 * buffer not live on DEV), BUSY (a job is running), IO (the job could not be
 * started, or was started and then stopped: its buffers are free again), LOST
 * (unknown whether it started: its buffers stay pinned, see mote_wait). */
int mote_submit(mote_device *dev, const struct mote_job_desc *desc, mote_job *job);

/* Infinite wait (the hardware watchdog still bounds a job). */
#define MOTE_TIMEOUT_INFINITE (-1)

/* Wait up to TIMEOUT_MS (0: poll once, MOTE_TIMEOUT_INFINITE: no limit) for
 * JOB.  The simulator advances in the caller's thread.  Returns 0 when the job
 * ended without error, JOB_FAILED when it ended with a hardware error (the
 * device is ready for the next job), TIMEOUT when it is still running (wait
 * again or abort).  RESULT (may be NULL) is filled on 0 and JOB_FAILED.
 * IO: the link failed during the wait; the driver then stopped the job on the
 * device (RESULT is filled: hw_error ABORTED, cmds_done what it had done) and
 * its buffers are free again, the device is usable.  LOST: the device cannot
 * be reached to stop the job; its buffers stay pinned (mote_buffer_free says
 * BUSY) until a later call reaches the device, which then stops the job.
 * Waiting again on the last finished job returns the same outcome; an
 * older or unknown job is NOT_FOUND. */
int mote_wait(mote_device *dev, mote_job job, int timeout_ms, struct mote_job_result *result);

/* Ask the hardware to stop JOB (it ends with MOTE_ERR_ABORTED; wait for it).
 * STATE when JOB has already ended, NOT_FOUND when it is unknown. */
int mote_abort(mote_device *dev, mote_job job);

/* submit + wait. */
int mote_run(mote_device *dev, const struct mote_job_desc *desc, int timeout_ms,
	     struct mote_job_result *result);

/* Name of perf counter I ("cycles", ...), or NULL beyond MOTE_NUM_PERF. */
const char *mote_perf_name(unsigned i);

/* Simulated cycles per wall second so far on a simulator device, 0 else. */
double mote_sim_speed(mote_device *dev);

/* ---- models ---------------------------------------------------------------
 * A model is a .mote file (<mote/mote_model_format.h>, written by the
 * compiler: `mote compile`) loaded onto a device: its commands and constants
 * in one device buffer, its activations in another (the arena), host steps
 * run in the caller's thread.  Tensors are named as in the ONNX model and
 * exchanged in ONNX layout (NCHW), whatever the device keeps. */

typedef struct mote_model mote_model;

/* Why a load failed: one line naming the field or record. */
struct mote_model_diag {
	char msg[192];
};

/* Load model bytes DATA[0..LEN) onto DEV (the bytes are copied; DATA may be
 * freed after).  Every field is checked before the device is touched.
 * Errors: INVALID_ARG, BAD_MODEL (wrong magic, size, checksum, or any
 * inconsistent record), INCOMPATIBLE (format version, hardware version or
 * geometry differs from DEV's), NO_MEM, NO_DEVICE_MEM.  DIAG may be NULL. */
int mote_model_load(mote_device *dev, const void *data, size_t len, mote_model **out, struct mote_model_diag *diag);

/* Free the model's host and device memory.  NULL is a no-op.  The device
 * must still be open.  Device buffers a lost device may still be using stay
 * reserved until mote_close. */
void mote_model_free(mote_model *m);

/* Tensor flags (a copy of the file's). */
#define MOTE_TENSOR_INPUT 1u
#define MOTE_TENSOR_OUTPUT 2u
#define MOTE_TENSOR_DEVICE 4u
/* made by the compiler (e.g. an input re-laid out for a convolution), not
 * in the ONNX model: a reference executor of the model does not have it */
#define MOTE_TENSOR_DERIVED 16u
/* a constant a host step reads (the weights of a convolution the device
 * cannot take, run on the host); also DERIVED */
#define MOTE_TENSOR_CONST 32u

struct mote_tensor_info {
	const char *name;     /* valid while the model lives */
	int32_t dtype;        /* ONNX TensorProto.DataType: 1 float, 2 uint8, 3 int8, 6 int32 */
	uint32_t rank;
	uint32_t dims[6];
	size_t bytes;
	float scale;          /* quantization of int8/uint8 tensors, 0 if none */
	int32_t zero_point;
	uint32_t flags;       /* MOTE_TENSOR_* */
};

/* Tensors are numbered 0..mote_model_num_tensors()-1; inputs and outputs
 * are tensors with the flag set. */
unsigned mote_model_num_tensors(const mote_model *m);
int mote_model_tensor(const mote_model *m, unsigned i, struct mote_tensor_info *info);
/* Index of the tensor called NAME, or NOT_FOUND. */
int mote_model_find(const mote_model *m, const char *name, unsigned *index);

/* Copy BYTES (exactly the tensor's size: RANGE otherwise) into input NAME
 * (NOT_FOUND when no input has that name). */
int mote_model_set_input(mote_model *m, const char *name, const void *data, size_t bytes);

/* Run every step.  TIMEOUT_MS bounds each device step (see mote_wait),
 * its wait for another thread's job included (runs queue: never BUSY).  One
 * model is run by one thread at a time; other models on the same device may
 * run meanwhile.
 * Errors: STATE (an input never set), JOB_FAILED (a device step failed: the
 * step's info tells which), BAD_MODEL (a host step refused its operands),
 * TIMEOUT (the step's job was aborted: the device is ready again), IO (a
 * transfer or the step's job failed on the link; the job was stopped), LOST
 * (the device stopped answering: see mote_wait). */
int mote_model_run(mote_model *m, int timeout_ms);

/* After a run: copy tensor NAME (an output, or any other tensor the run
 * computed) out, BYTES exactly its size. */
int mote_model_read(mote_model *m, const char *name, void *data, size_t bytes);

/* Steps, in execution order, and what the last run measured. */
struct mote_step_info {
	const char *name;       /* the ONNX node's name */
	const char *op;         /* device steps: the layer, "conv", "depthwise", "fc", "pool" or "grouped"
				 * ("+add" with a fused add); host steps: the kernel's name */
	int on_device;
	uint64_t macs;          /* device: multiply-accumulates the layer needs */
	uint64_t ideal_cycles;  /* device: activation rows streamed (cycles at 100% use) */
	uint64_t perf[MOTE_NUM_PERF]; /* device: the job's perf counters */
	uint32_t perf_set;            /* device: bit i, perf[i] was counted */
	uint32_t hw_error;      /* device: MOTE_ERR_* of the last run */
	uint64_t host_ns;       /* host: wall time of the kernel */
};

unsigned mote_model_num_steps(const mote_model *m);
int mote_model_step(const mote_model *m, unsigned i, struct mote_step_info *info);

/* The FEATURES bits (mote_hw.h MOTE_FEATURES_*) the model declares: those its
 * commands use, and ROUND_TFL when its arithmetic is TFLite's two roundings
 * (a TFLite model compiled for a device with STORE ROUND_TFL; its host steps
 * round so too).  0 for NULL. */
uint32_t mote_model_features(const mote_model *m);

#ifdef __cplusplus
}
#endif

#endif
