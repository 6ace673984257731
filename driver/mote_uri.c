/* mote_uri.c: device URI parser.
 *
 *   uri      = "sim" [ ":" option *( "," option ) ] | "usb" [ ":" hex4 ":" hex4 ] | "pcie:" text
 *   option   = "rows=" dec | "cols=" dec | "mem=" dec [ "K" | "M" | "G" ] | "latency=" dec
 *            | "bw=" dec | "trace=" path      (path: any characters but ",")
 *            | "board=" name                  (a board build: fpga/boards.mk)
 * Each key at most once; rows and cols together or not at all; a board fixes
 * the geometry and the memory, so board takes none of rows, cols, mem,
 * latency, bw.
 */
#include <string.h>

#include <mote/mote.h>

#include "mote_uri.h"

/* Decimal number of [S, S+N) into *V, at most MAX; suffix K/M/G allowed when
 * SUFFIX.  Returns 0 or MOTE_ERROR_INVALID_ARG. */
static int parse_num(const char *s, size_t n, int suffix, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;
	if (n == 0)
		return MOTE_ERROR_INVALID_ARG;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, (uint64_t)(s[i] - '0'), &x))
			return MOTE_ERROR_INVALID_ARG;
	}
	if (i == 0)
		return MOTE_ERROR_INVALID_ARG;
	if (i < n) {
		unsigned shift;
		if (!suffix || i + 1 != n)
			return MOTE_ERROR_INVALID_ARG;
		switch (s[i]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return MOTE_ERROR_INVALID_ARG;
		}
		if (x > (UINT64_MAX >> shift))
			return MOTE_ERROR_INVALID_ARG;
		x <<= shift;
	}
	if (x > max)
		return MOTE_ERROR_INVALID_ARG;
	*v = x;
	return 0;
}

static int is_hex4(const char *s, size_t n)
{
	if (n != 4)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

static int key_is(const char *k, size_t kn, const char *want)
{
	return strlen(want) == kn && memcmp(k, want, kn) == 0;
}

enum { SEEN_ROWS = 1, SEEN_COLS = 2, SEEN_MEM = 4, SEEN_LAT = 8, SEEN_BW = 16, SEEN_TRACE = 32, SEEN_BOARD = 64 };

static int parse_option(const char *k, size_t kn, const char *v, size_t vn, struct mote_uri *u,
			unsigned *seen)
{
	uint64_t x = 0;
	unsigned bit;
	int rc = 0;
	if (key_is(k, kn, "rows")) {
		bit = SEEN_ROWS;
		rc = parse_num(v, vn, 0, 255, &x);
		u->rows = (unsigned)x;
	} else if (key_is(k, kn, "cols")) {
		bit = SEEN_COLS;
		rc = parse_num(v, vn, 0, 255, &x);
		u->cols = (unsigned)x;
	} else if (key_is(k, kn, "mem")) {
		bit = SEEN_MEM;
		rc = parse_num(v, vn, 1, MOTE_URI_MAX_MEM, &x);
		/* Room for the reserved first block and one buffer, whole blocks. */
		if (rc == 0 && (x < 2 * MOTE_WINDOW_ALIGN || x % MOTE_WINDOW_ALIGN))
			rc = MOTE_ERROR_INVALID_ARG;
		u->mem = x;
	} else if (key_is(k, kn, "latency")) {
		bit = SEEN_LAT;
		rc = parse_num(v, vn, 0, MOTE_URI_MAX_LATENCY, &x);
		if (rc == 0 && x == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->latency = (unsigned)x;
	} else if (key_is(k, kn, "bw")) {
		bit = SEEN_BW;
		rc = parse_num(v, vn, 0, MOTE_URI_MAX_BW, &x);
		if (rc == 0 && x == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->bw = (unsigned)x;
	} else if (key_is(k, kn, "board")) {
		bit = SEEN_BOARD;
		if (vn == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->board = v;
		u->board_len = vn;
	} else if (key_is(k, kn, "trace")) {
		bit = SEEN_TRACE;
		if (vn == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->trace = v;
		u->trace_len = vn;
	} else {
		return MOTE_ERROR_INVALID_ARG;
	}
	if (rc)
		return rc;
	if (*seen & bit)
		return MOTE_ERROR_INVALID_ARG;
	*seen |= bit;
	return 0;
}

static int parse_sim(const char *p, struct mote_uri *u)
{
	unsigned seen = 0;
	if (*p == '\0')
		return 0;
	if (*p != ':' || p[1] == '\0')
		return MOTE_ERROR_INVALID_ARG;
	p++;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (!eq || eq == p)
			return MOTE_ERROR_INVALID_ARG;
		int rc = parse_option(p, (size_t)(eq - p), eq + 1, n - (size_t)(eq - p) - 1, u, &seen);
		if (rc)
			return rc;
		if (!end)
			break;
		p = end + 1;
	}
	if (!!(seen & SEEN_ROWS) != !!(seen & SEEN_COLS))
		return MOTE_ERROR_INVALID_ARG;
	if ((seen & SEEN_BOARD) && (seen & (SEEN_ROWS | SEEN_COLS | SEEN_MEM | SEEN_LAT | SEEN_BW)))
		return MOTE_ERROR_INVALID_ARG;
	return 0;
}

int mote_uri_parse(const char *uri, struct mote_uri *u)
{
	if (!uri || !u)
		return MOTE_ERROR_INVALID_ARG;
	memset(u, 0, sizeof(*u));
	u->kind = MOTE_URI_SIM;
	u->rows = MOTE_URI_DEFAULT_ROWS;
	u->cols = MOTE_URI_DEFAULT_COLS;
	u->mem = MOTE_URI_DEFAULT_MEM;
	u->latency = MOTE_URI_DEFAULT_LATENCY;
	if (strncmp(uri, "sim", 3) == 0)
		return parse_sim(uri + 3, u);
	if (strncmp(uri, "usb", 3) == 0) {
		const char *p = uri + 3;
		u->kind = MOTE_URI_USB;
		if (*p == '\0')
			return MOTE_ERROR_NOT_SUPPORTED;
		if (*p == ':' && strlen(p) == 10 && is_hex4(p + 1, 4) && p[5] == ':' && is_hex4(p + 6, 4))
			return MOTE_ERROR_NOT_SUPPORTED;
		return MOTE_ERROR_INVALID_ARG;
	}
	if (strncmp(uri, "pcie:", 5) == 0 && uri[5] != '\0') {
		u->kind = MOTE_URI_PCIE;
		return MOTE_ERROR_NOT_SUPPORTED;
	}
	return MOTE_ERROR_INVALID_ARG;
}
