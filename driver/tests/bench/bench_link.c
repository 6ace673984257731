/* bench_link.c: figures of the host link (make bench-link).  A benchmark, not
 * a test: it prints, and fails only when something does not work.
 *
 *   mote-bench-link URI CLOCK_MHZ MODEL.mote
 *
 * On URI: sim:link=uart (the link's RTL in front of the 8x8 build, 3 Mbaud at
 * the nominal 12 MHz simulation clock) or sim:board=icebreaker,link=uart (the
 * iCEBreaker board top whole, 3 Mbaud at its 18 MHz); CLOCK_MHZ is that
 * board's nominal clock.  Link time is simulated time, so the figures do not
 * depend on the host:
 *   - throughput of memory writes, reads and fills, in payload bytes per
 *     second of link time, and the wire bytes per payload byte;
 *   - the model (Fashion-MNIST) loaded and one inference run: link time,
 *     wire bytes, frames; the array's cycles for the same inference (its
 *     device steps' CYCLES); the share of the inference's time the link takes;
 *   - the same inference on a board: the array at the board's clock, the UART at 3 Mbaud
 *     (its bytes take the same time), and over the FT2232H's synchronous FIFO
 *     (FTDI's FT245 mode: 8 bits at 60 MHz, about 40 MB/s sustained by FTDI's
 *     data sheet) where each stop-and-wait frame still costs a USB round trip
 *     (two 125 us high-speed microframes at least).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#ifndef BOARD_MHZ
#error "BOARD_MHZ: the iCEBreaker build's clock (BOARD_icebreaker_MHZ, fpga/boards.mk)"
#endif
#define BOARD_HZ (BOARD_MHZ * 1e6) /* iCE40 UP5K board clock */
#define FIFO_BPS 40e6  /* FT2232H synchronous FIFO, bytes per second */
#define USB_RTT_US 250.0

static void die(const char *what, int rc)
{
	fprintf(stderr, "mote-bench-link: %s: %s\n", what, mote_strerror(rc));
	exit(1);
}

struct snap {
	struct mote_link_stats s;
};

static struct mote_link_stats stats(mote_device *dev)
{
	struct mote_link_stats s;
	int rc = mote_link_stats(dev, &s);
	if (rc)
		die("link statistics", rc);
	return s;
}

static void delta(const struct mote_link_stats *a, const struct mote_link_stats *b, double *us, double *wire,
		  double *frames)
{
	*us = (double)(b->elapsed_us - a->elapsed_us);
	/* a POLL and its answer: 7 + 4 and 3 + 4 + 4 content bytes, 4 flags */
	*wire = (double)(b->bytes_sent - a->bytes_sent + b->bytes_received - a->bytes_received);
	*frames = (double)(b->frames_sent - a->frames_sent);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint8_t *d = malloc((size_t)n);
	if (!d || fread(d, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return d;
}

int main(int argc, char **argv)
{
	if (argc != 4 || atof(argv[2]) <= 0) {
		fprintf(stderr, "usage: mote-bench-link URI CLOCK_MHZ MODEL.mote\n");
		return 2;
	}
	const char *uri = argv[1], *model = argv[3];
	const double sim_hz = atof(argv[2]) * 1e6;
	mote_device *dev;
	int rc = mote_open(uri, &dev);
	if (rc)
		die(uri, rc);
	struct mote_link_stats a, b;
	double us, wire, frames;
	printf("host link on %s: %u baud (nominal %.0f MHz clock), stop and wait, frames of up to 256 data bytes\n", uri,
	       stats(dev).baud, sim_hz / 1e6);

	/* ---- throughput ---- */
	const size_t N = 32 * 1024; /* a quarter of the board's memory */
	uint8_t *buf = malloc(N), *back = malloc(N);
	for (size_t i = 0; i < N; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	mote_buffer *mb;
	if ((rc = mote_buffer_alloc(dev, N, &mb)))
		die("alloc", rc);
	const char *names[3] = {"write", "read", "fill (zeroing)"};
	for (int k = 0; k < 3; k++) {
		a = stats(dev);
		if (k == 0)
			rc = mote_buffer_write(dev, mb, 0, buf, N);
		else if (k == 1)
			rc = mote_buffer_read(dev, mb, 0, back, N);
		else {
			mote_buffer *z;
			rc = mote_buffer_alloc(dev, N, &z); /* zeroed by MEM_FILL frames */
			if (!rc)
				rc = mote_buffer_free(dev, z);
		}
		if (rc)
			die(names[k], rc);
		b = stats(dev);
		delta(&a, &b, &us, &wire, &frames);
		printf("  %-15s %7.0f KB/s of payload (%zu KB in %.1f ms of link time), %.2f wire bytes per payload byte, "
		       "%.0f frames\n",
		       names[k], (double)N / 1024 / (us * 1e-6), N / 1024, us / 1000, wire / (double)N, frames);
	}
	if (memcmp(buf, back, N))
		die("read back", MOTE_ERROR_IO);
	mote_buffer_free(dev, mb);

	/* ---- the model ---- */
	size_t len;
	uint8_t *file = slurp(model, &len);
	mote_model *m;
	struct mote_model_diag diag;
	a = stats(dev);
	if ((rc = mote_model_load(dev, file, len, &m, &diag)))
		die(diag.msg, rc);
	b = stats(dev);
	delta(&a, &b, &us, &wire, &frames);
	printf("model %s (%zu bytes): loaded in %.1f ms of link time, %.0f wire bytes, %.0f frames\n", model, len,
	       us / 1000, wire, frames);
	struct mote_tensor_info in = {0}, t, out = {0};
	for (unsigned i = 0; i < mote_model_num_tensors(m); i++) {
		mote_model_tensor(m, i, &t);
		if (t.flags & MOTE_TENSOR_INPUT)
			in = t;
		if (t.flags & MOTE_TENSOR_OUTPUT)
			out = t;
	}
	float *x = malloc(in.bytes);
	uint8_t *y = malloc(out.bytes);
	for (size_t i = 0; i < in.bytes / sizeof(float); i++)
		x[i] = (float)((i * 37) % 101) / 101.0f;
	a = stats(dev);
	if ((rc = mote_model_set_input(m, in.name, x, in.bytes)) || (rc = mote_model_run(m, 60000)) ||
	    (rc = mote_model_read(m, out.name, y, out.bytes)))
		die("run", rc);
	b = stats(dev);
	delta(&a, &b, &us, &wire, &frames);
	uint64_t cycles = 0;
	unsigned dsteps = 0;
	for (unsigned i = 0; i < mote_model_num_steps(m); i++) {
		struct mote_step_info si;
		mote_model_step(m, i, &si);
		if (si.on_device) {
			cycles += si.perf[MOTE_PERF_CYCLES];
			dsteps++;
		}
	}
	double array_us = (double)cycles / sim_hz * 1e6;
	printf("one inference (input, %u device steps, host steps' tensors, output):\n", dsteps);
	printf("  link time %.2f ms, %.0f wire bytes, %.0f frames (polls included); the array %llu cycles = %.2f ms at "
	       "%.0f MHz: the link takes %.0f%% of the inference\n",
	       us / 1000, wire, frames, (unsigned long long)cycles, array_us / 1000, sim_hz / 1e6,
	       100.0 * (us - array_us) / us);
	/* A board: the array at its clock; every frame but the polls (they wait on
	 * the array) crosses USB too, a round trip each, stop and wait.  Over the
	 * UART its bytes take the time they took here; over the synchronous FIFO
	 * they go at 40 MB/s. */
	double polls = (double)(b.polls - a.polls), xfer = frames - polls, poll_wire = polls * 26;
	double board_array = (double)cycles / BOARD_HZ * 1e6, rtt = (xfer + dsteps) * USB_RTT_US;
	double uart_bytes = (wire - poll_wire) * 10.0 / (double)b.baud * 1e6, fifo_bytes = (wire - poll_wire) / FIFO_BPS * 1e6;
	printf("  polls: %.0f of the %.0f frames (%.0f%% of the wire bytes) waited for the array; %.0f frames moved "
	       "registers and data\n",
	       polls, frames, 100.0 * poll_wire / wire, xfer);
	printf("  on a UP5K board (array at %.0f MHz: %.2f ms), each of the %.0f frames a %.0f us USB round trip (%.1f ms):\n",
	       BOARD_HZ / 1e6, board_array / 1000, xfer + dsteps, USB_RTT_US, rtt / 1000);
	printf("    UART at 3 Mbaud: %.1f ms of bytes, %.1f ms in all, the link %.0f%%\n", uart_bytes / 1000,
	       (uart_bytes + rtt + board_array) / 1000, 100.0 * (uart_bytes + rtt) / (uart_bytes + rtt + board_array));
	printf("    FT2232H synchronous FIFO (40 MB/s): %.2f ms of bytes, %.1f ms in all, the link %.0f%%: the round "
	       "trips, not the bytes, set the pace; several frames in flight (a window instead of stop and wait) would "
	       "be the next step\n",
	       fifo_bytes / 1000, (fifo_bytes + rtt + board_array) / 1000,
	       100.0 * (fifo_bytes + rtt) / (fifo_bytes + rtt + board_array));
	mote_model_free(m);
	free(file), free(x), free(y), free(buf), free(back);
	mote_close(dev);
	return 0;
}
