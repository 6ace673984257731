/* mote_uri.h: parsing of device URIs (grammar in mote.h, mote_open). */
#ifndef MOTE_URI_H
#define MOTE_URI_H

#include <stddef.h>
#include <stdint.h>

enum mote_uri_kind { MOTE_URI_SIM, MOTE_URI_USB, MOTE_URI_PCIE };

#define MOTE_URI_DEFAULT_ROWS 8u
#define MOTE_URI_DEFAULT_COLS 8u
#define MOTE_URI_DEFAULT_MEM ((uint64_t)16 << 20)
#define MOTE_URI_DEFAULT_LATENCY 8u
#define MOTE_URI_MAX_LATENCY 4096u
#define MOTE_URI_MAX_BW 4096u
#define MOTE_URI_MAX_MEM ((uint64_t)1 << 32)

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
};

/* Parse URI into *OUT (which borrows URI for the trace path).
 * Returns 0, MOTE_ERROR_INVALID_ARG (malformed) or MOTE_ERROR_NOT_SUPPORTED
 * (a well-formed usb/pcie URI). */
int mote_uri_parse(const char *uri, struct mote_uri *out);

#endif
