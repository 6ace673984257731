/* mote_uri.h: parsing of device URIs (grammar in mote.h, mote_open). */
#ifndef MOTE_URI_H
#define MOTE_URI_H

#include <stddef.h>
#include <stdint.h>

enum mote_uri_kind { MOTE_URI_SIM, MOTE_URI_SIMLINK, MOTE_URI_USB, MOTE_URI_PCIE };

#define MOTE_URI_DEFAULT_ROWS 8u
#define MOTE_URI_DEFAULT_COLS 8u
#define MOTE_URI_DEFAULT_MEM ((uint64_t)16 << 20)
#define MOTE_URI_DEFAULT_LATENCY 8u
#define MOTE_URI_MAX_LATENCY 4096u
#define MOTE_URI_MAX_BW 4096u
#define MOTE_URI_MAX_MEM ((uint64_t)1 << 32)
/* FTDI FT2232H: Future Technology Devices' vendor id and the product id of
 * its dual-channel bridge (the iCEBreaker's), from FTDI's published ids. */
#define MOTE_URI_DEFAULT_VID 0x0403u
#define MOTE_URI_DEFAULT_PID 0x6010u
#define MOTE_URI_DEFAULT_IFACE 1u
#define MOTE_URI_DEFAULT_BAUD 3000000u
#define MOTE_URI_DEFAULT_RETRIES 24u
#define MOTE_URI_MAX_RETRIES 1000u
#define MOTE_URI_MAX_SERIAL 64u

/* Link options (sim:link=uart and usb). */
struct mote_link_opts {
	double flip, drop, dup;    /* per byte, 0..0.5 */
	uint64_t stall_ms;         /* 0: no stall */
	uint64_t stall_at;         /* bytes before the stall begins */
	uint64_t unplug;           /* bytes before the wire dies (valid when have_unplug) */
	int have_unplug;
	uint64_t seed;
	unsigned retries;
	unsigned timeout_ms;       /* 0: derived from the frame length */
	uint32_t baud;             /* usb: 0 = default */
};

struct mote_uri {
	enum mote_uri_kind kind;
	unsigned rows, cols;
	uint64_t mem;
	unsigned latency;
	unsigned bw;            /* 0: the bus width */
	const char *trace;      /* points into the parsed string, not terminated */
	size_t trace_len;       /* 0: no trace */
	const char *board;      /* a board build's name, likewise */
	size_t board_len;       /* 0: none (geometry and memory as above) */
	/* usb */
	unsigned vid, pid, iface;
	const char *serial;     /* points into the parsed string; NULL: any */
	size_t serial_len;
	struct mote_link_opts link;
};

/* Parse URI into *OUT (which borrows URI for the trace path and serial).
 * Returns 0, MOTE_ERROR_INVALID_ARG (malformed) or MOTE_ERROR_NOT_SUPPORTED
 * (a well-formed pcie URI). */
int mote_uri_parse(const char *uri, struct mote_uri *out);
/* The same, and on failure the reason in MSG (NULL, or MOTE__DIAG_CAP bytes:
 * mote_priv.h's mote__diag). */
int mote_uri_parse_diag(const char *uri, struct mote_uri *out, char *msg);

#endif
