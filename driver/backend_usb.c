/* backend_usb.c: usb[:VID:PID[:SERIAL]], a board behind an FTDI FT2232H /
 * FT232H USB bridge, over libusb-1.0, speaking the link protocol (link.c) on
 * one of the bridge's UART channels (channel B, interface 1, on iCEBreaker
 * boards: channel A programs the flash).
 *
 * FTDI facts used (from FTDI's application note AN120 on baud rates and the
 * vendor requests as the Linux ftdi_sio driver and libftdi document them):
 * vendor OUT requests to the device, wIndex = channel (1 = A, 2 = B): 0x00
 * reset (wValue 0 reset, 1 purge RX, 2 purge TX), 0x02 flow control (wValue
 * 0 and the high byte of wIndex 0: none), 0x03 baud rate, 0x04 line (wValue
 * 8: 8 data bits, no parity, 1 stop bit), 0x06 event character (wValue: the
 * character, bit 8 enables: the bridge sends what it holds as soon as that
 * character arrives, instead of at the next latency-timer tick), 0x09 latency
 * timer (ms), 0x0B bit mode (wValue 0: plain UART).  The event character is
 * the frame flag, so a response goes up the moment its closing flag is in.  Baud rate on the H chips: a 120 MHz clock
 * sampled 10 times a bit, divisor = 12 MHz / baud in eighths, the integer in
 * bits 0..13, the eighths encoded (0,3,2,4,1,5,6,7 for 0..7 eighths) in bits
 * 14..16, bit 17 selecting the 120 MHz clock; wValue its low 16 bits, the
 * high byte of wIndex the rest.  Bulk endpoints: channel A 0x02 out, 0x81
 * in; B 0x04 out, 0x83 in.  Every bulk IN packet (wMaxPacketSize, 512 at high
 * speed) starts with two modem-status bytes, data follows.
 *
 * Time on the link is the wall clock.  No device, a device another program
 * has claimed, a device unplugged: NOT_FOUND, BUSY, LOST (libusb's
 * NO_DEVICE), each at once, without waiting for a retry budget.
 */
#include <libusb.h>
#include <string.h>
#include <time.h>

#include "link.h"
#include "mote_priv.h"
#include "mote_uri.h"

#define FTDI_REQ_OUT 0x40 /* vendor, device, host to device */
#define FTDI_RESET 0x00
#define FTDI_FLOW 0x02
#define FTDI_BAUD 0x03
#define FTDI_DATA 0x04
#define FTDI_EVENT_CHAR 0x06
#define FTDI_LATENCY 0x09
#define FTDI_BITMODE 0x0B
#define FTDI_STATUS_BYTES 2u
#define CTRL_TIMEOUT_MS 500u
/* what an answer may take beyond its bytes: USB scheduling, the latency
 * timer (1 ms), the host */
#define SLACK_US 20000u
#define WAIT_CHUNK_MS 10

struct usb_be {
	struct mote_alloc_hooks hooks;
	libusb_context *ctx;
	libusb_device_handle *h;
	unsigned iface;          /* USB interface = FTDI channel - 1 */
	unsigned char ep_in, ep_out;
	unsigned packet;         /* bulk IN packet size */
	int lost;
	struct link *link;
	struct link_transport tr;
	uint8_t in[4096];        /* one bulk IN transfer, status bytes still in */
	uint8_t data[4096];      /* its data bytes, not yet handed out */
	size_t nd, pos;
};

static int from_usb(int rc)
{
	switch (rc) {
	case LIBUSB_SUCCESS: return MOTE_SUCCESS;
	case LIBUSB_ERROR_NO_DEVICE: return MOTE_ERROR_LOST;
	case LIBUSB_ERROR_BUSY: return MOTE_ERROR_BUSY;
	case LIBUSB_ERROR_NOT_FOUND: return MOTE_ERROR_NOT_FOUND;
	case LIBUSB_ERROR_NO_MEM: return MOTE_ERROR_NO_MEM;
	case LIBUSB_ERROR_ACCESS: return MOTE_ERROR_BUSY; /* someone else's, or not ours to open */
	default: return MOTE_ERROR_IO;
	}
}

/* Divisor value for the baud rate (H chips, 120 MHz clock); 0 when the rate
 * is out of reach (the fractional forms below 2 are not usable). */
static uint32_t ftdi_divisor(uint32_t baud)
{
	static const uint8_t frac[8] = {0, 3, 2, 4, 1, 5, 6, 7};
	uint64_t eighths = ((uint64_t)12000000u * 8u + baud / 2u) / baud;
	uint32_t whole = (uint32_t)(eighths >> 3);
	if (whole < 2 || whole > 0x3fff)
		return 0;
	return whole | (uint32_t)frac[eighths & 7u] << 14 | 0x20000u;
}

static int ctrl(struct usb_be *u, uint8_t req, uint16_t value, uint16_t index)
{
	int rc = libusb_control_transfer(u->h, FTDI_REQ_OUT, req, value, index, NULL, 0, CTRL_TIMEOUT_MS);
	return rc < 0 ? from_usb(rc) : 0;
}

/* ---- transport ----------------------------------------------------------------------- */

static uint64_t t_now(void *t)
{
	struct timespec ts;
	(void)t;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int t_write(void *t, const uint8_t *p, size_t n)
{
	struct usb_be *u = t;
	if (u->lost)
		return MOTE_ERROR_LOST;
	while (n) {
		int done = 0, chunk = n > 4096 ? 4096 : (int)n;
		int rc = libusb_bulk_transfer(u->h, u->ep_out, (unsigned char *)(uintptr_t)p, chunk, &done, CTRL_TIMEOUT_MS);
		if (rc == LIBUSB_ERROR_NO_DEVICE)
			u->lost = 1;
		if (rc && rc != LIBUSB_ERROR_TIMEOUT)
			return from_usb(rc);
		if (done <= 0)
			return MOTE_ERROR_IO; /* the bridge takes nothing: stuck */
		p += done;
		n -= (size_t)done;
	}
	return 0;
}

static int t_read(void *t, uint8_t *p, size_t cap, size_t *got, uint64_t timeout_us)
{
	struct usb_be *u = t;
	*got = 0;
	if (u->lost)
		return MOTE_ERROR_LOST;
	if (u->pos == u->nd) {
		unsigned ms = (unsigned)((timeout_us + 999u) / 1000u);
		int n = 0;
		int rc = libusb_bulk_transfer(u->h, u->ep_in, u->in, (int)sizeof u->in, &n, ms ? ms : 1);
		if (rc == LIBUSB_ERROR_NO_DEVICE)
			u->lost = 1;
		if (rc && rc != LIBUSB_ERROR_TIMEOUT)
			return from_usb(rc);
		/* each packet: two status bytes, then data */
		u->nd = u->pos = 0;
		for (size_t off = 0; off < (size_t)n; off += u->packet) {
			size_t len = (size_t)n - off < u->packet ? (size_t)n - off : u->packet;
			if (len > FTDI_STATUS_BYTES) {
				memcpy(u->data + u->nd, u->in + off + FTDI_STATUS_BYTES, len - FTDI_STATUS_BYTES);
				u->nd += len - FTDI_STATUS_BYTES;
			}
		}
	}
	size_t k = u->nd - u->pos < cap ? u->nd - u->pos : cap;
	memcpy(p, u->data + u->pos, k);
	u->pos += k;
	*got = k;
	return 0;
}

/* ---- backend ----------------------------------------------------------------------------- */

static int ub_reg_read(void *be, uint32_t off, uint32_t *v)
{
	return link_reg_read(((struct usb_be *)be)->link, off, v);
}

static int ub_reg_write(void *be, uint32_t off, uint32_t v)
{
	struct usb_be *u = be;
	if (off == MOTE_REG_CTRL && (v & MOTE_CTRL_START_MASK))
		return link_doorbell(u->link, v);
	return link_reg_write(u->link, off, v);
}

static int ub_reg_read_n(void *be, uint32_t off, unsigned n, uint32_t *v)
{
	return link_reg_read_n(((struct usb_be *)be)->link, off, n, v);
}

static int ub_reg_write_n(void *be, uint32_t off, unsigned n, const uint32_t *v)
{
	return link_reg_write_n(((struct usb_be *)be)->link, off, n, v);
}

static int ub_mem_read(void *be, uint64_t addr, void *dst, size_t len)
{
	return link_mem_read(((struct usb_be *)be)->link, addr, dst, len);
}

static int ub_mem_write(void *be, uint64_t addr, const void *src, size_t len)
{
	return link_mem_write(((struct usb_be *)be)->link, addr, src, len);
}

static int ub_mem_fill(void *be, uint64_t addr, uint8_t value, size_t len)
{
	return link_mem_fill(((struct usb_be *)be)->link, addr, value, len);
}

static int ub_wait_irq(void *be, int timeout_ms)
{
	struct usb_be *u = be;
	uint64_t end = t_now(u) + (uint64_t)(timeout_ms > 0 ? timeout_ms : WAIT_CHUNK_MS) * 1000u;
	for (;;) {
		uint32_t status = 0;
		int irq = 0;
		int rc = link_poll(u->link, &status, &irq);
		if (rc)
			return rc;
		if (irq)
			return 1;
		if (t_now(u) >= end)
			return 0;
	}
}

static int ub_recover(void *be)
{
	struct usb_be *u = be;
	if (u->lost)
		return MOTE_ERROR_LOST;
	/* the bridge's own buffers first, then the link */
	int rc = ctrl(u, FTDI_RESET, 1, (uint16_t)(u->iface + 1));
	if (!rc)
		rc = ctrl(u, FTDI_RESET, 2, (uint16_t)(u->iface + 1));
	u->nd = u->pos = 0;
	return rc ? rc : link_resync(u->link);
}

static int ub_link_stats(void *be, struct mote_link_stats *st)
{
	struct usb_be *u = be;
	uint32_t e = 0;
	link_get_stats(u->link, st);
	int rc = link_reg_read(u->link, MOTE_LREG_LINK_ERRORS, &e);
	st->dev_rx_errors = (e & MOTE_LINK_ERRORS_RX_BAD_MASK) >> MOTE_LINK_ERRORS_RX_BAD_LSB;
	st->dev_duplicates = (e & MOTE_LINK_ERRORS_DUPS_MASK) >> MOTE_LINK_ERRORS_DUPS_LSB;
	return rc;
}

static void ub_close(void *be)
{
	struct usb_be *u = be;
	struct mote_alloc_hooks h = u->hooks;
	link_close(u->link);
	if (u->h) {
		if (!u->lost)
			libusb_release_interface(u->h, (int)u->iface);
		libusb_close(u->h);
	}
	if (u->ctx)
		libusb_exit(u->ctx);
	mote__free(&h, u);
}

static const struct mote_backend_ops k_usb_ops = {
	.name = "usb",
	.reg_read = ub_reg_read,
	.reg_write = ub_reg_write,
	.reg_read_n = ub_reg_read_n,
	.reg_write_n = ub_reg_write_n,
	.mem_read = ub_mem_read,
	.mem_write = ub_mem_write,
	.mem_fill = ub_mem_fill,
	.mem_ptr = NULL,
	.wait_irq = ub_wait_irq,
	.recover = ub_recover,
	.link_stats = ub_link_stats,
	.speed = NULL,
	.close = ub_close,
};

/* The first device matching VID:PID (and SERIAL), opened; NOT_FOUND if none. */
static int find(struct usb_be *u, const struct mote_uri *uri, char *msg)
{
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	if (n < 0) {
		mote__diag(msg, "libusb cannot list the USB devices: %s", libusb_strerror((int)n));
		return from_usb((int)n);
	}
	int rc = MOTE_ERROR_NOT_FOUND, found = 0, opened = 0, err = 0;
	for (ssize_t i = 0; i < n && !u->h; i++) {
		struct libusb_device_descriptor d;
		if (libusb_get_device_descriptor(list[i], &d) || d.idVendor != uri->vid || d.idProduct != uri->pid)
			continue;
		libusb_device_handle *h = NULL;
		found++;
		int r = libusb_open(list[i], &h);
		if (r) {
			rc = from_usb(r);
			err = r;
			continue;
		}
		opened++;
		if (uri->serial) {
			unsigned char s[MOTE_URI_MAX_SERIAL + 2];
			int k = d.iSerialNumber ? libusb_get_string_descriptor_ascii(h, d.iSerialNumber, s, (int)sizeof s) : -1;
			if (k != (int)uri->serial_len || memcmp(s, uri->serial, uri->serial_len)) {
				libusb_close(h);
				continue;
			}
		}
		u->h = h;
		int mp = libusb_get_max_packet_size(list[i], u->ep_in);
		u->packet = mp > (int)FTDI_STATUS_BYTES ? (unsigned)mp : 64u;
		rc = 0;
	}
	libusb_free_device_list(list, 1);
	if (rc && !found)
		mote__diag(msg, "no USB device %04x:%04x is plugged in (lsusb lists what is)", uri->vid, uri->pid);
	else if (rc && !opened)
		mote__diag(msg, "USB device %04x:%04x found, but it cannot be opened: %s (permissions: a udev rule for "
				"it, or another program has it)", uri->vid, uri->pid, libusb_strerror(err));
	else if (rc)
		mote__diag(msg, "no USB device %04x:%04x has the serial '%.*s' (%d with other serials)", uri->vid,
			   uri->pid, (int)uri->serial_len, uri->serial, opened);
	return rc;
}

int mote__usb_open(const struct mote_uri *uri, const struct mote_alloc_hooks *h,
		   const struct mote_backend_ops **ops, void **be, uint64_t *mem_size, char *msg)
{
	uint32_t baud = uri->link.baud ? uri->link.baud : MOTE_URI_DEFAULT_BAUD;
	uint32_t div = ftdi_divisor(baud);
	if (!div) {
		mote__diag(msg, "baud=%u: the FT2232H cannot make that rate", (unsigned)baud);
		return MOTE_ERROR_INVALID_ARG;
	}
	if (uri->iface > 1) {
		mote__diag(msg, "interface=%u: the FT2232H has channels 0 (A) and 1 (B)", uri->iface);
		return MOTE_ERROR_INVALID_ARG;
	}
	struct usb_be *u = mote__alloc(h, sizeof *u);
	if (!u)
		return MOTE_ERROR_NO_MEM;
	memset(u, 0, sizeof *u);
	u->hooks = *h;
	u->iface = uri->iface;
	u->ep_in = uri->iface ? 0x83 : 0x81;
	u->ep_out = uri->iface ? 0x04 : 0x02;
	int r = libusb_init(&u->ctx), rc = from_usb(r);
	if (rc)
		mote__diag(msg, "libusb cannot start: %s", libusb_strerror(r));
	if (!rc)
		rc = find(u, uri, msg);
	if (!rc) {
		/* the kernel's ftdi_sio may hold the interface: detach it while ours */
		libusb_set_auto_detach_kernel_driver(u->h, 1);
		r = libusb_claim_interface(u->h, (int)u->iface);
		rc = from_usb(r);
		if (rc) {
			mote__diag(msg, "interface %u of USB device %04x:%04x is held by another program: %s", u->iface,
				   uri->vid, uri->pid, libusb_strerror(r));
			libusb_close(u->h); /* not claimed: nothing to release */
			u->h = NULL;
		}
	}
	uint16_t ch = (uint16_t)(u->iface + 1);
	if (!rc)
		rc = ctrl(u, FTDI_RESET, 0, ch);
	if (!rc)
		rc = ctrl(u, FTDI_BITMODE, 0, ch);
	if (!rc)
		rc = ctrl(u, FTDI_DATA, 8, ch);
	if (!rc)
		rc = ctrl(u, FTDI_FLOW, 0, ch);
	if (!rc)
		rc = ctrl(u, FTDI_BAUD, (uint16_t)div, (uint16_t)((div >> 16) << 8 | ch));
	if (!rc)
		rc = ctrl(u, FTDI_LATENCY, 1, ch);
	if (!rc)
		rc = ctrl(u, FTDI_EVENT_CHAR, 0x100 | MOTE_LINK_FLAG, ch);
	if (!rc)
		rc = ctrl(u, FTDI_RESET, 1, ch);
	if (!rc)
		rc = ctrl(u, FTDI_RESET, 2, ch);
	if (rc)
		mote__diag(msg, "USB device %04x:%04x did not take the FTDI setup requests (%s)", uri->vid, uri->pid,
			   mote_strerror(rc));
	u->tr = (struct link_transport){t_write, t_read, t_now, u, baud, SLACK_US};
	uint32_t msize = 0;
	if (!rc)
		rc = link_open(h, &u->tr, &uri->link, &u->link);
	if (!rc)
		rc = link_reg_read(u->link, MOTE_LREG_LINK_MEM_SIZE, &msize);
	if (rc) {
		mote__diag(msg, "the board behind USB device %04x:%04x does not answer on the link at %u baud (%s): is "
				"the bitstream loaded (make prog)?", uri->vid, uri->pid, (unsigned)baud, mote_strerror(rc));
		ub_close(u);
		return rc;
	}
	*ops = &k_usb_ops;
	*be = u;
	*mem_size = msize;
	return MOTE_SUCCESS;
}
