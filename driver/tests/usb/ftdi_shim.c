/* ftdi_shim.c: a stand-in for the libusb-1.0 calls driver/backend_usb.c makes,
 * answering as an FT2232H (0403:6010, serial MOTE0001, high speed: 512-byte
 * bulk packets) whose channel B UART is wired to a simulated board
 * (sim/mote_simlink.h: the Verilated 8x8 mote_link_top, or a board build's
 * whole top, as on an iCEBreaker: MOTE_FTDI_SHIM_BOARD).  Linked into a test
 * binary ahead of libusb, or preloaded (LD_PRELOAD) into the mote CLI, so the
 * USB backend runs unchanged without hardware.
 *
 * Like the chip: vendor requests set the channel up (a baud rate that is not
 * the board's 3 Mbaud makes the board hear nothing: the bytes are garbage to
 * its UART); every bulk IN transfer returns within the latency timer, each
 * 512-byte packet its two modem-status bytes first (a packet with only those
 * when nothing came); bulk OUT bytes go out on the wire.  Each libusb context
 * has its own devices and boards: no state outside them.
 *
 * Environment, read at libusb_init:
 *   MOTE_FTDI_SHIM=absent     no device on the bus
 *   MOTE_FTDI_SHIM=busy       the interfaces are claimed by another program
 *   MOTE_FTDI_SHIM_BOARD=NAME the UART wired to board NAME's whole top
 *                             (icebreaker) instead of the 8x8 link board
 *   MOTE_FTDI_SHIM_UNPLUG=N   the device goes away after N bulk bytes (both
 *                             ways): every later call says LIBUSB_ERROR_NO_DEVICE
 */
#include <libusb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mote_sim.h"
#include "mote_simlink.h"

#define SHIM_VID 0x0403
#define SHIM_PID 0x6010
#define SHIM_SERIAL "MOTE0001"
#define SHIM_PACKET 512
#define BOARD_BAUD 3000000u

struct libusb_device {
	struct libusb_context *ctx;
};

struct libusb_context {
	struct libusb_device dev;
	int absent, busy;
	unsigned long long unplug_after; /* 0: never */
	char board[32];                  /* "": the 8x8 link board */
	unsigned long long bytes;
};

struct libusb_device_handle {
	struct libusb_context *ctx;
	mote_simlink *board;
	int claimed;
	unsigned baud;      /* as the last SET_BAUD_RATE decoded */
	unsigned latency;   /* ms */
	int line_ok;        /* 8N1 */
};

static int gone(struct libusb_context *c)
{
	return c->unplug_after && c->bytes >= c->unplug_after;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int libusb_init(libusb_context **out)
{
	struct libusb_context *c = calloc(1, sizeof *c);
	if (!c)
		return LIBUSB_ERROR_NO_MEM;
	const char *m = getenv("MOTE_FTDI_SHIM"), *u = getenv("MOTE_FTDI_SHIM_UNPLUG");
	c->absent = m && !strcmp(m, "absent");
	c->busy = m && !strcmp(m, "busy");
	c->unplug_after = u ? strtoull(u, NULL, 10) : 0;
	const char *b = getenv("MOTE_FTDI_SHIM_BOARD");
	if (b && strlen(b) < sizeof c->board)
		strcpy(c->board, b);
	c->dev.ctx = c;
	*out = c;
	return 0;
}

void libusb_exit(libusb_context *c)
{
	free(c);
}

ssize_t libusb_get_device_list(libusb_context *c, libusb_device ***list)
{
	libusb_device **l = calloc(2, sizeof *l);
	if (!l)
		return LIBUSB_ERROR_NO_MEM;
	ssize_t n = 0;
	if (!c->absent && !gone(c))
		l[n++] = &c->dev;
	*list = l;
	return n;
}

void libusb_free_device_list(libusb_device **list, int unref)
{
	(void)unref;
	free(list);
}

int libusb_get_device_descriptor(libusb_device *dev, struct libusb_device_descriptor *d)
{
	(void)dev;
	memset(d, 0, sizeof *d);
	d->bLength = LIBUSB_DT_DEVICE_SIZE;
	d->bDescriptorType = LIBUSB_DT_DEVICE;
	d->bcdUSB = 0x0200;
	d->idVendor = SHIM_VID;
	d->idProduct = SHIM_PID;
	d->bcdDevice = 0x0700; /* FT2232H */
	d->iManufacturer = 1;
	d->iProduct = 2;
	d->iSerialNumber = 3;
	d->bNumConfigurations = 1;
	return 0;
}

int libusb_get_max_packet_size(libusb_device *dev, unsigned char endpoint)
{
	(void)dev, (void)endpoint;
	return SHIM_PACKET;
}

int libusb_open(libusb_device *dev, libusb_device_handle **out)
{
	if (gone(dev->ctx))
		return LIBUSB_ERROR_NO_DEVICE;
	struct libusb_device_handle *h = calloc(1, sizeof *h);
	if (!h)
		return LIBUSB_ERROR_NO_MEM;
	h->ctx = dev->ctx;
	h->latency = 16;
	if (dev->ctx->board[0] ? mote_simlink_create_board(dev->ctx->board, NULL, &h->board)
			       : mote_simlink_create(8, 16, NULL, &h->board)) {
		free(h);
		return LIBUSB_ERROR_NO_MEM;
	}
	*out = h;
	return 0;
}

void libusb_close(libusb_device_handle *h)
{
	if (!h)
		return;
	mote_simlink_destroy(h->board);
	free(h);
}

int libusb_get_string_descriptor_ascii(libusb_device_handle *h, uint8_t index, unsigned char *data, int length)
{
	static const char *const s[] = {"", "FTDI", "Dual RS232-HS", SHIM_SERIAL};
	if (gone(h->ctx))
		return LIBUSB_ERROR_NO_DEVICE;
	if (index < 1 || index > 3 || length < 1)
		return LIBUSB_ERROR_INVALID_PARAM;
	int n = (int)strlen(s[index]);
	if (n > length - 1)
		n = length - 1;
	memcpy(data, s[index], (size_t)n);
	data[n] = 0;
	return n;
}

int libusb_set_auto_detach_kernel_driver(libusb_device_handle *h, int enable)
{
	(void)h, (void)enable;
	return 0;
}

int libusb_claim_interface(libusb_device_handle *h, int iface)
{
	if (gone(h->ctx))
		return LIBUSB_ERROR_NO_DEVICE;
	if (iface < 0 || iface > 1)
		return LIBUSB_ERROR_NOT_FOUND;
	if (h->ctx->busy)
		return LIBUSB_ERROR_BUSY;
	h->claimed |= 1 << iface;
	return 0;
}

int libusb_release_interface(libusb_device_handle *h, int iface)
{
	if (gone(h->ctx))
		return LIBUSB_ERROR_NO_DEVICE;
	h->claimed &= ~(1 << iface);
	return 0;
}

/* FT2232H baud rate from the SET_BAUD_RATE value and index (AN120: eighths
 * encoded 0,3,2,4,1,5,6,7; bit 17 the 120 MHz clock sampled 10 times a bit). */
static unsigned decode_baud(uint16_t value, uint16_t index)
{
	static const unsigned eighths[8] = {0, 4, 2, 1, 3, 5, 6, 7};
	unsigned div = value | (unsigned)(index >> 8) << 16;
	unsigned whole = div & 0x3fff, e = eighths[(div >> 14) & 7];
	unsigned base = (div & 0x20000) ? 12000000u : 3000000u;
	unsigned d8 = whole * 8 + e;
	return d8 ? (unsigned)(((unsigned long long)base * 8 + d8 / 2) / d8) : 0;
}

int libusb_control_transfer(libusb_device_handle *h, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
			    unsigned char *data, uint16_t length, unsigned int timeout)
{
	(void)data, (void)timeout;
	if (gone(h->ctx))
		return LIBUSB_ERROR_NO_DEVICE;
	if (type != 0x40 || length || !(h->claimed & (1 << ((index & 0xff) - 1))))
		return LIBUSB_ERROR_PIPE;
	switch (req) {
	case 0x00: /* reset / purge: nothing buffered here outlives a transfer */
	case 0x02: /* flow control */
	case 0x0B: /* bit mode */
		return 0;
	case 0x06: /* event character: this stand-in answers at once anyway */
		return 0;
	case 0x03:
		h->baud = decode_baud(value, index);
		return 0;
	case 0x04:
		h->line_ok = value == 0x0008;
		return 0;
	case 0x09:
		h->latency = value ? value : 1;
		return 0;
	default:
		return LIBUSB_ERROR_PIPE;
	}
}

/* Does the board understand the host's UART?  Channel B, 3 Mbaud, 8N1. */
static int wired(const libusb_device_handle *h)
{
	unsigned d = h->baud > BOARD_BAUD ? h->baud - BOARD_BAUD : BOARD_BAUD - h->baud;
	return (h->claimed & 2) && h->line_ok && d * 50 < BOARD_BAUD; /* within 2% */
}

int libusb_bulk_transfer(libusb_device_handle *h, unsigned char ep, unsigned char *data, int length, int *transferred,
			 unsigned int timeout)
{
	struct libusb_context *c = h->ctx;
	*transferred = 0;
	if (gone(c))
		return LIBUSB_ERROR_NO_DEVICE;
	if (ep == 0x04) {
		if (c->unplug_after && c->bytes + (unsigned)length >= c->unplug_after)
			length = (int)(c->unplug_after - c->bytes);
		if (wired(h) && length > 0 && mote_simlink_send(h->board, data, (size_t)length))
			return LIBUSB_ERROR_OVERFLOW;
		c->bytes += (unsigned)length;
		*transferred = length;
		return gone(c) ? LIBUSB_ERROR_NO_DEVICE : 0;
	}
	if (ep != 0x83 || length < 2)
		return LIBUSB_ERROR_INVALID_PARAM;
	/* the board for up to the latency timer (bounded by the call's timeout),
	 * then whatever came, in packets with two status bytes each */
	double wait = 1e-3 * (h->latency < timeout || !timeout ? h->latency : timeout), t0 = now_s();
	int n = 0;
	for (;;) {
		int room = length - n;
		int payload_room = room - 2 * ((room + SHIM_PACKET - 1) / SHIM_PACKET);
		size_t got = 0;
		uint8_t buf[SHIM_PACKET];
		if (payload_room > 0 &&
		    mote_simlink_recv(h->board, buf, (size_t)(payload_room < SHIM_PACKET - 2 ? payload_room : SHIM_PACKET - 2),
				      &got, 400))
			return LIBUSB_ERROR_IO;
		for (size_t i = 0; i < got; i++) {
			if (n % SHIM_PACKET == 0) {
				data[n++] = 0x01; /* modem status: CTS etc. */
				data[n++] = 0x60; /* line status: transmitter empty */
			}
			data[n++] = buf[i];
		}
		c->bytes += got;
		if (gone(c))
			return LIBUSB_ERROR_NO_DEVICE;
		if ((got == 0 && n > 0) || n >= length - 2 || now_s() - t0 >= wait)
			break;
	}
	if (n == 0) { /* the latency timer ran out: status only */
		data[n++] = 0x01;
		data[n++] = 0x60;
	}
	*transferred = n;
	return 0;
}
