/* mote_uri.c: device URI parser.
 *
 *   uri      = "sim" [ ":" option *( "," option ) ]
 *            | "usb" [ ":" hex4 ":" hex4 [ ":" serial ] ] *( "," option )
 *            | "pcie:" text
 *   option   = "rows=" dec | "cols=" dec | "mem=" dec [ "K" | "M" | "G" ] | "latency=" dec
 *            | "bw=" dec | "trace=" path      (path: any characters but ",")
 *            | "board=" name                  (sim only: a board build, fpga/boards.mk)
 *            | "link=uart"                    (sim only: a simulated board over the link)
 *            | "interface=" dec | "baud=" dec (usb only)
 *            | "flip=" prob | "drop=" prob | "dup=" prob | "stall=" dec | "stall_at=" dec
 *            | "unplug=" dec | "seed=" dec | "retries=" dec | "timeout=" dec
 *                                             (link options: sim with link=uart, and usb)
 *   prob     = dec [ "." dec ] [ ( "e" | "E" ) [ "-" | "+" ] dec ]   (0 .. 0.5)
 *   serial   = 1*64( ALPHA | DIGIT | "-" | "_" | "." )
 * Each key at most once; rows and cols together or not at all; a key that
 * does not apply to the URI's kind is malformed.  A board fixes the geometry
 * and the memory, so board takes none of rows, cols, mem, latency, bw.  With
 * link=uart, no board is the 8x8 link board (rtl/link/mote_link_top) and a
 * board is that board build's whole top (its link, mote_top and memory cells).
 */
#include <stdio.h>
#include <string.h>

#include <mote/mote.h>

#include "mote_priv.h"
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

/* A probability 0..0.5 ("0.01", "1e-4", "5E-3"), without the C library's
 * locale-dependent strtod.  Returns 0 or MOTE_ERROR_INVALID_ARG. */
static int parse_prob(const char *s, size_t n, double *p)
{
	uint64_t mant = 0;
	int digits = 0, frac = 0, exp = 0, exp_neg = 0, exp_digits = 0;
	size_t i = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if (digits < 18)
			mant = mant * 10 + (uint64_t)(s[i] - '0');
		else
			frac--; /* digits beyond 18 only scale */
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
			if (digits < 18) {
				mant = mant * 10 + (uint64_t)(s[i] - '0');
				frac++;
			}
	}
	if (digits == 0)
		return MOTE_ERROR_INVALID_ARG;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			exp_neg = s[i++] == '-';
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, exp_digits++)
			if (exp < 1000)
				exp = exp * 10 + (s[i] - '0');
		if (exp_digits == 0)
			return MOTE_ERROR_INVALID_ARG;
	}
	if (i != n)
		return MOTE_ERROR_INVALID_ARG;
	int e10 = (exp_neg ? -exp : exp) - frac;
	double v = (double)mant;
	for (; e10 > 0 && v <= 1.0; e10--)
		v *= 10.0;
	for (; e10 < 0 && v != 0.0; e10++)
		v /= 10.0;
	if (e10 > 0 || !(v <= 0.5))
		return MOTE_ERROR_INVALID_ARG;
	*p = v;
	return 0;
}

static int is_hex4(const char *s, size_t n, unsigned *v)
{
	unsigned x = 0;
	if (n != 4)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return 0;
		x = x * 16 + d;
	}
	*v = x;
	return 1;
}

static int key_is(const char *k, size_t kn, const char *want)
{
	return strlen(want) == kn && memcmp(k, want, kn) == 0;
}

/* Which kinds a key applies to. */
enum { FOR_SIM = 1, FOR_SIMLINK = 2, FOR_USB = 4, FOR_LINK = FOR_SIMLINK | FOR_USB };

struct key {
	const char *name;
	unsigned kinds;
};

/* Index = bit in the seen mask. */
static const struct key k_keys[] = {
	{"rows", FOR_SIM | FOR_SIMLINK}, {"cols", FOR_SIM | FOR_SIMLINK}, {"mem", FOR_SIM},
	{"latency", FOR_SIM | FOR_SIMLINK}, {"bw", FOR_SIM | FOR_SIMLINK}, {"trace", FOR_SIM | FOR_SIMLINK},
	{"link", FOR_SIM | FOR_SIMLINK}, {"interface", FOR_USB}, {"baud", FOR_USB},
	{"flip", FOR_LINK}, {"drop", FOR_LINK}, {"dup", FOR_LINK}, {"stall", FOR_LINK},
	{"stall_at", FOR_LINK}, {"unplug", FOR_LINK}, {"seed", FOR_LINK}, {"retries", FOR_LINK},
	{"timeout", FOR_LINK}, {"board", FOR_SIM | FOR_SIMLINK},
};
enum { K_ROWS, K_COLS, K_MEM, K_LAT, K_BW, K_TRACE, K_LINK, K_IFACE, K_BAUD, K_FLIP, K_DROP, K_DUP,
       K_STALL, K_STALL_AT, K_UNPLUG, K_SEED, K_RETRIES, K_TIMEOUT, K_BOARD, K_COUNT };
_Static_assert(K_COUNT <= 32, "the seen mask is an unsigned");
_Static_assert(sizeof k_keys / sizeof k_keys[0] == K_COUNT, "key table out of step");

/* The keys of the URI kinds in WANT, comma-separated, into BUF. */
static const char *key_list(unsigned want, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < K_COUNT; i++)
		if (k_keys[i].kinds & want) {
			int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", k_keys[i].name);
			if (w < 0 || (size_t)w >= cap - n)
				break;
			n += (size_t)w;
		}
	return buf;
}

/* What a key takes, for the messages. */
static const char *key_values(int id)
{
	switch (id) {
	case K_ROWS: case K_COLS: return "a decimal number 1..255 (a built geometry)";
	case K_MEM: return "bytes, a multiple of 64 and at least 128, with an optional K, M or G suffix, at most 4G";
	case K_LAT: return "cycles, 1..4096";
	case K_BW: return "request bytes per cycle, 1..4096";
	case K_BOARD: return "a board name (icebreaker; on the simulator also ecp5_45f)";
	case K_TRACE: return "a file path";
	case K_LINK: return "uart (the only link)";
	case K_IFACE: return "an FTDI channel 0..3";
	case K_BAUD: return "300..12000000";
	case K_FLIP: case K_DROP: case K_DUP: return "a probability 0..0.5 (0.01, 1e-4)";
	case K_STALL: return "milliseconds 0..3600000";
	case K_STALL_AT: case K_UNPLUG: return "bytes 1..2^40";
	case K_SEED: return "a decimal number";
	case K_RETRIES: return "0..1000";
	case K_TIMEOUT: return "milliseconds 1..600000";
	default: return "?";
	}
}

static const char *kind_name(unsigned want)
{
	return want == FOR_SIM ? "sim" : want == FOR_SIMLINK ? "sim with link=uart" : "usb";
}

static int parse_option(const char *k, size_t kn, const char *v, size_t vn, struct mote_uri *u, unsigned *seen,
			char *msg)
{
	uint64_t x = 0;
	int rc = 0, id = -1;
	for (int i = 0; i < K_COUNT; i++)
		if (key_is(k, kn, k_keys[i].name))
			id = i;
	if (id < 0) {
		char keys[200];
		unsigned want = u->kind == MOTE_URI_USB ? FOR_USB : FOR_SIM | FOR_SIMLINK;
		mote__diag(msg, "unknown key '%.*s' (%s keys: %s)", (int)(kn > 40 ? 40 : kn), k,
			   u->kind == MOTE_URI_USB ? "usb" : "sim", key_list(want, keys, sizeof keys));
		return MOTE_ERROR_INVALID_ARG;
	}
	if ((*seen >> id) & 1) {
		mote__diag(msg, "key '%s' given twice", k_keys[id].name);
		return MOTE_ERROR_INVALID_ARG;
	}
	*seen |= 1u << id;
	struct mote_link_opts *l = &u->link;
	switch (id) {
	case K_ROWS: rc = parse_num(v, vn, 0, 255, &x); u->rows = (unsigned)x; break;
	case K_COLS: rc = parse_num(v, vn, 0, 255, &x); u->cols = (unsigned)x; break;
	case K_MEM:
		rc = parse_num(v, vn, 1, MOTE_URI_MAX_MEM, &x);
		/* Room for the reserved first block and one buffer, whole blocks. */
		if (rc == 0 && (x < 2 * MOTE_WINDOW_ALIGN || x % MOTE_WINDOW_ALIGN))
			rc = MOTE_ERROR_INVALID_ARG;
		u->mem = x;
		break;
	case K_LAT:
		rc = parse_num(v, vn, 0, MOTE_URI_MAX_LATENCY, &x);
		if (rc == 0 && x == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->latency = (unsigned)x;
		break;
	case K_BW:
		rc = parse_num(v, vn, 0, MOTE_URI_MAX_BW, &x);
		if (rc == 0 && x == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->bw = (unsigned)x;
		break;
	case K_BOARD:
		if (vn == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->board = v;
		u->board_len = vn;
		break;
	case K_TRACE:
		if (vn == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		u->trace = v;
		u->trace_len = vn;
		break;
	case K_LINK:
		if (u->kind != MOTE_URI_SIM) {
			mote__diag(msg, "link= is a key of sim (sim:link=uart), not of usb");
			return MOTE_ERROR_INVALID_ARG;
		}
		if (!key_is(v, vn, "uart"))
			rc = MOTE_ERROR_INVALID_ARG;
		u->kind = MOTE_URI_SIMLINK;
		break;
	case K_IFACE: rc = parse_num(v, vn, 0, 3, &x); u->iface = (unsigned)x; break;
	case K_BAUD:
		rc = parse_num(v, vn, 0, 12000000, &x);
		if (rc == 0 && x < 300)
			rc = MOTE_ERROR_INVALID_ARG;
		l->baud = (uint32_t)x;
		break;
	case K_FLIP: rc = parse_prob(v, vn, &l->flip); break;
	case K_DROP: rc = parse_prob(v, vn, &l->drop); break;
	case K_DUP: rc = parse_prob(v, vn, &l->dup); break;
	case K_STALL: rc = parse_num(v, vn, 0, 3600000, &l->stall_ms); break;
	case K_STALL_AT: rc = parse_num(v, vn, 1, (uint64_t)1 << 40, &l->stall_at); break;
	case K_UNPLUG:
		rc = parse_num(v, vn, 1, (uint64_t)1 << 40, &l->unplug);
		l->have_unplug = 1;
		break;
	case K_SEED: rc = parse_num(v, vn, 0, UINT64_MAX, &l->seed); break;
	case K_RETRIES: rc = parse_num(v, vn, 0, MOTE_URI_MAX_RETRIES, &x); l->retries = (unsigned)x; break;
	case K_TIMEOUT:
		rc = parse_num(v, vn, 0, 600000, &x);
		if (rc == 0 && x == 0)
			rc = MOTE_ERROR_INVALID_ARG;
		l->timeout_ms = (unsigned)x;
		break;
	default: rc = MOTE_ERROR_INVALID_ARG;
	}
	if (rc)
		mote__diag(msg, "%s=%.*s: %s expected", k_keys[id].name, (int)(vn > 40 ? 40 : vn), v, key_values(id));
	return rc;
}

/* KEY=VALUE[,KEY=VALUE...] from P to the end; then the kind check. */
static int parse_options(const char *p, struct mote_uri *u, unsigned *seen, char *msg)
{
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (!eq || eq == p) {
			if (n == 0)
				mote__diag(msg, "an empty option (two commas, or a comma at the end)");
			else
				mote__diag(msg, "option '%.*s' is not KEY=VALUE", (int)(n > 40 ? 40 : n), p);
			return MOTE_ERROR_INVALID_ARG;
		}
		int rc = parse_option(p, (size_t)(eq - p), eq + 1, n - (size_t)(eq - p) - 1, u, seen, msg);
		if (rc)
			return rc;
		if (!end)
			break;
		p = end + 1;
	}
	unsigned want = u->kind == MOTE_URI_SIM ? FOR_SIM : u->kind == MOTE_URI_SIMLINK ? FOR_SIMLINK : FOR_USB;
	for (int i = 0; i < K_COUNT; i++)
		if ((*seen >> i) & 1 && !(k_keys[i].kinds & want)) {
			char keys[200];
			mote__diag(msg, "key '%s' does not apply to %s (its keys: %s)", k_keys[i].name, kind_name(want),
				   key_list(want, keys, sizeof keys));
			return MOTE_ERROR_INVALID_ARG;
		}
	return 0;
}

static int parse_sim(const char *p, struct mote_uri *u, char *msg)
{
	unsigned seen = 0;
	if (*p == '\0')
		return 0;
	if (*p != ':' || p[1] == '\0') {
		mote__diag(msg, *p == ':' ? "'sim:' without options (sim, or sim:KEY=VALUE,...)"
					  : "unknown device kind 'sim%.20s' (sim, usb, pcie)", p);
		return MOTE_ERROR_INVALID_ARG;
	}
	int rc = parse_options(p + 1, u, &seen, msg);
	if (rc)
		return rc;
	if (!!(seen & (1u << K_ROWS)) != !!(seen & (1u << K_COLS))) {
		mote__diag(msg, "rows and cols go together: give both or neither");
		return MOTE_ERROR_INVALID_ARG;
	}
	/* A board fixes the geometry and the memory. */
	const unsigned fixed = (1u << K_ROWS) | (1u << K_COLS) | (1u << K_MEM) | (1u << K_LAT) | (1u << K_BW);
	if ((seen & (1u << K_BOARD)) && (seen & fixed)) {
		mote__diag(msg, "board= fixes the geometry and the memory: none of rows, cols, mem, latency, bw with it");
		return MOTE_ERROR_INVALID_ARG;
	}
	return 0;
}

static int serial_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
	       c == '.';
}

static int parse_usb(const char *p, struct mote_uri *u, char *msg)
{
	unsigned seen = 0;
	u->kind = MOTE_URI_USB;
	if (*p == ':') {
		if (strnlen(p, 10) < 10 || !is_hex4(p + 1, 4, &u->vid) || p[5] != ':' || !is_hex4(p + 6, 4, &u->pid)) {
			mote__diag(msg, "usb:%.20s: usb:VID:PID expected, 4 hex digits each (usb:0403:6010)", p + 1);
			return MOTE_ERROR_INVALID_ARG;
		}
		p += 10;
		if (*p == ':') {
			size_t n = 0;
			while (p[1 + n] && serial_char(p[1 + n]))
				n++;
			if (n == 0 || n > MOTE_URI_MAX_SERIAL) {
				mote__diag(msg, "USB serial: 1..%u characters of A-Z a-z 0-9 - _ . expected",
					   MOTE_URI_MAX_SERIAL);
				return MOTE_ERROR_INVALID_ARG;
			}
			u->serial = p + 1;
			u->serial_len = n;
			p += 1 + n;
		}
	}
	if (*p == '\0')
		return 0;
	if (*p != ',' || p[1] == '\0') {
		mote__diag(msg, "'%.40s' after usb: ',KEY=VALUE' options expected", p);
		return MOTE_ERROR_INVALID_ARG;
	}
	return parse_options(p + 1, u, &seen, msg);
}

int mote_uri_parse(const char *uri, struct mote_uri *u)
{
	return mote_uri_parse_diag(uri, u, NULL);
}

int mote_uri_parse_diag(const char *uri, struct mote_uri *u, char *msg)
{
	if (!uri || !u) {
		mote__diag(msg, "no device URI");
		return MOTE_ERROR_INVALID_ARG;
	}
	memset(u, 0, sizeof(*u));
	u->kind = MOTE_URI_SIM;
	u->rows = MOTE_URI_DEFAULT_ROWS;
	u->cols = MOTE_URI_DEFAULT_COLS;
	u->mem = MOTE_URI_DEFAULT_MEM;
	u->latency = MOTE_URI_DEFAULT_LATENCY;
	u->vid = MOTE_URI_DEFAULT_VID;
	u->pid = MOTE_URI_DEFAULT_PID;
	u->iface = MOTE_URI_DEFAULT_IFACE;
	u->link.seed = 1;
	u->link.stall_at = 4096;
	u->link.retries = MOTE_URI_DEFAULT_RETRIES;
	if (strncmp(uri, "sim", 3) == 0)
		return parse_sim(uri + 3, u, msg);
	if (strncmp(uri, "usb", 3) == 0 && (uri[3] == '\0' || uri[3] == ':' || uri[3] == ','))
		return parse_usb(uri + 3, u, msg);
	if (strncmp(uri, "pcie", 4) == 0 && (uri[4] == '\0' || uri[4] == ':')) {
		u->kind = MOTE_URI_PCIE;
		mote__diag(msg, "this build has no pcie backend (it has sim, sim:link=uart and usb)");
		return MOTE_ERROR_NOT_SUPPORTED;
	}
	if (!uri[0])
		mote__diag(msg, "an empty device URI (sim, sim:KEY=VALUE,..., usb[:VID:PID[:SERIAL]])");
	else
		mote__diag(msg, "unknown device kind in '%.40s' (sim, sim:KEY=VALUE,..., usb[:VID:PID[:SERIAL]])", uri);
	return MOTE_ERROR_INVALID_ARG;
}
