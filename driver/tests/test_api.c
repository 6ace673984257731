/* test_api.c: libmote API contract: URIs, error names, buffers, allocation
 * failure, submit argument checks.  Short runs only (also run under valgrind). */
#include <stdio.h>

#include "mote_uri.h"
#include "test_util.h"

/* ---- URIs ---- */

static const struct {
	const char *uri;
	int rc;
	const char *why; /* in mote_open_diag's reason */
} k_bad_uris[] = {
	{"", MOTE_ERROR_INVALID_ARG,
	 "an empty device URI"},
	{"foo", MOTE_ERROR_INVALID_ARG,
	 "unknown device kind in 'foo'"},
	{"simulator", MOTE_ERROR_INVALID_ARG,
	 "unknown device kind 'simulator'"},
	{"sim:", MOTE_ERROR_INVALID_ARG,
	 "'sim:' without options"},
	{"sim:rows=8", MOTE_ERROR_INVALID_ARG,
	 "rows and cols go together"},
	{"sim:cols=8", MOTE_ERROR_INVALID_ARG,
	 "rows and cols go together"},
	{"sim:rows=8,cols=8,rows=8", MOTE_ERROR_INVALID_ARG,
	 "key 'rows' given twice"},
	{"sim:rows=x,cols=8", MOTE_ERROR_INVALID_ARG,
	 "rows=x: a decimal number 1..255"},
	{"sim:rows=,cols=8", MOTE_ERROR_INVALID_ARG,
	 "rows=: a decimal number 1..255"},
	{"sim:rows=99999999999999999999999,cols=8", MOTE_ERROR_INVALID_ARG,
	 "rows=99999999999999999999999: a decimal"},
	{"sim:rows=256,cols=8", MOTE_ERROR_INVALID_ARG,
	 "rows=256: a decimal number 1..255"},
	{"sim:mem=100", MOTE_ERROR_INVALID_ARG,
	 "mem=100: bytes, a multiple of 64"},
	{"sim:mem=64", MOTE_ERROR_INVALID_ARG,
	 "mem=64: bytes, a multiple of 64 and at least 128"},
	{"sim:mem=5G", MOTE_ERROR_INVALID_ARG,
	 "mem=5G: bytes"},
	{"sim:mem=1Q", MOTE_ERROR_INVALID_ARG,
	 "mem=1Q: bytes"},
	{"sim:mem=1KK", MOTE_ERROR_INVALID_ARG,
	 "mem=1KK: bytes"},
	{"sim:latency=0", MOTE_ERROR_INVALID_ARG,
	 "latency=0: cycles, 1..4096"},
	{"sim:latency=4097", MOTE_ERROR_INVALID_ARG,
	 "latency=4097: cycles, 1..4096"},
	{"sim:bw=0", MOTE_ERROR_INVALID_ARG,
	 "bw=0: request bytes per cycle, 1..4096"},
	{"sim:bogus=1", MOTE_ERROR_INVALID_ARG,
	 "unknown key 'bogus' (sim keys: rows, cols, mem,"},
	{"sim:=1", MOTE_ERROR_INVALID_ARG,
	 "option '=1' is not KEY=VALUE"},
	{"sim:rows", MOTE_ERROR_INVALID_ARG,
	 "option 'rows' is not KEY=VALUE"},
	{"sim:latency=4,", MOTE_ERROR_INVALID_ARG,
	 "an empty option"},
	{"sim:trace=", MOTE_ERROR_INVALID_ARG,
	 "trace=: a file path"},
	{"usb:12", MOTE_ERROR_INVALID_ARG,
	 "usb:VID:PID expected"},
	{"usb:1209:00zz", MOTE_ERROR_INVALID_ARG,
	 "usb:VID:PID expected"},
	{"pcie:", MOTE_ERROR_NOT_SUPPORTED,
	 "no pcie backend"},
	{"pcie", MOTE_ERROR_NOT_SUPPORTED,
	 "no pcie backend"},
	{"usb,link=uart", MOTE_ERROR_INVALID_ARG,
	 "link= is a key of sim"},
	{"usb:1209:0001:", MOTE_ERROR_INVALID_ARG,
	 "USB serial: 1..64 characters"},
	{"usb,interface=2", MOTE_ERROR_INVALID_ARG,
	 "channels 0 (A) and 1 (B)"},
	{"sim:link=uart,flip=0.9", MOTE_ERROR_INVALID_ARG,
	 "flip=0.9: a probability 0..0.5"},
	{"sim:link=uart,rows=4,cols=4", MOTE_ERROR_NOT_FOUND,
	 "the link board is built 8x8 only"},
	{"pcie:0000:01:00.0", MOTE_ERROR_NOT_SUPPORTED,
	 "no pcie backend"},
	{"sim:rows=3,cols=3", MOTE_ERROR_NOT_FOUND,
	 "no 3x3 simulator in this build (it has 4x4, 8x8, 16x16; boards: icebreaker, ecp5_45f)"},
	/* board= : sim (and sim over the link) only, and it fixes geometry and memory */
	{"sim:board=", MOTE_ERROR_INVALID_ARG,
	 "board=: a board name"},
	{"sim:board=icebreaker,board=icebreaker", MOTE_ERROR_INVALID_ARG,
	 "key 'board' given twice"},
	{"sim:board=icebreaker,rows=4,cols=4", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:rows=4,cols=4,board=icebreaker", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:board=icebreaker,mem=128K", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:board=icebreaker,latency=1", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:board=icebreaker,bw=8", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:link=uart,board=icebreaker,rows=4,cols=4", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:link=uart,board=icebreaker,latency=2", MOTE_ERROR_INVALID_ARG,
	 "board= fixes the geometry and the memory"},
	{"sim:link=uart,board=nosuchboard", MOTE_ERROR_NOT_FOUND,
	 "no board 'nosuchboard' behind a link"},
	{"usb:0403:6010,board=icebreaker", MOTE_ERROR_INVALID_ARG,
	 "key 'board' does not apply to usb"},
	{"usb,board=icebreaker", MOTE_ERROR_INVALID_ARG,
	 "key 'board' does not apply to usb"},
	{"sim:board=nosuchboard", MOTE_ERROR_NOT_FOUND,
	 "no board 'nosuchboard' in this build"},
};

START_TEST(test_bad_uri)
{
	mote_device *dev = (mote_device *)&dev; /* must be reset to NULL */
	int rc = mote_open(k_bad_uris[_i].uri, &dev);
	ck_assert_msg(rc == k_bad_uris[_i].rc, "%s: got %s", k_bad_uris[_i].uri, mote_error_name(rc));
	ck_assert_ptr_null(dev);
	/* the same through mote_open_diag, with the reason in words */
	struct mote_open_diag d;
	memset(&d, 'x', sizeof d);
	dev = (mote_device *)&dev;
	rc = mote_open_diag(k_bad_uris[_i].uri, NULL, &dev, &d);
	ck_assert_int_eq(rc, k_bad_uris[_i].rc);
	ck_assert_ptr_null(dev);
	ck_assert_msg(memchr(d.msg, '\0', sizeof d.msg) != NULL, "%s: reason not terminated", k_bad_uris[_i].uri);
	ck_assert_msg(strstr(d.msg, k_bad_uris[_i].why) != NULL, "%s: reason '%s' lacks '%s'", k_bad_uris[_i].uri, d.msg,
		      k_bad_uris[_i].why);
}
END_TEST

/* The trace file that cannot be written, named with the OS's reason (from the
 * URI and from MOTE_TRACE), before any simulator is built; a good open leaves
 * the reason empty. */
START_TEST(test_open_diag_trace)
{
	mote_device *dev = NULL;
	struct mote_open_diag d;
	ck_assert_int_eq(mote_open_diag("sim:trace=/nonexistent-dir/t.fst", NULL, &dev, &d), MOTE_ERROR_IO);
	ck_assert_ptr_null(dev);
	ck_assert_msg(strstr(d.msg, "trace=/nonexistent-dir/t.fst") && strstr(d.msg, "No such file or directory"), "%s",
		      d.msg);
	ck_assert_int_eq(setenv("MOTE_TRACE", "/nonexistent-dir/env.fst", 1), 0);
	ck_assert_int_eq(mote_open_diag("sim:rows=4,cols=4", NULL, &dev, &d), MOTE_ERROR_IO);
	ck_assert_msg(strstr(d.msg, "MOTE_TRACE=/nonexistent-dir/env.fst") != NULL, "%s", d.msg);
	ck_assert_int_eq(mote_open_diag("sim:link=uart", NULL, &dev, &d), MOTE_ERROR_IO);
	ck_assert_msg(strstr(d.msg, "MOTE_TRACE=/nonexistent-dir/env.fst") != NULL, "%s", d.msg);
	ck_assert_int_eq(unsetenv("MOTE_TRACE"), 0);
	ck_assert_int_eq(mote_open_diag("sim:rows=4,cols=4", NULL, &dev, &d), MOTE_SUCCESS);
	ck_assert_str_eq(d.msg, "");
	mote_close(dev);
}
END_TEST

START_TEST(test_uri_values)
{
	struct mote_uri u;
	ck_assert_int_eq(mote_uri_parse("sim", &u), 0);
	ck_assert_uint_eq(u.rows, 8);
	ck_assert_uint_eq(u.cols, 8);
	ck_assert_uint_eq(u.mem, 16u << 20);
	ck_assert_uint_eq(u.bw, 0);
	ck_assert_uint_eq(u.trace_len, 0);
	ck_assert_int_eq(mote_uri_parse("sim:rows=16,cols=4,mem=3K,latency=17,bw=2,trace=a b.fst", &u), 0);
	ck_assert_uint_eq(u.rows, 16);
	ck_assert_uint_eq(u.cols, 4);
	ck_assert_uint_eq(u.mem, 3 * 1024);
	ck_assert_uint_eq(u.latency, 17);
	ck_assert_uint_eq(u.bw, 2);
	ck_assert_uint_eq(u.trace_len, 7);
	ck_assert_int_eq(memcmp(u.trace, "a b.fst", 7), 0);
	ck_assert_int_eq(mote_uri_parse("sim:mem=2M", &u), 0);
	ck_assert_uint_eq(u.mem, 2u << 20);
	ck_assert_int_eq(mote_uri_parse("sim:mem=4G", &u), 0);
	ck_assert_uint_eq(u.mem, (uint64_t)4 << 30);
	ck_assert_int_eq(mote_uri_parse(NULL, &u), MOTE_ERROR_INVALID_ARG);
	ck_assert_uint_eq(u.board_len, 0);
	ck_assert_int_eq(mote_uri_parse("sim:board=icebreaker,trace=b.fst", &u), 0);
	ck_assert_int_eq(u.kind, MOTE_URI_SIM);
	ck_assert_uint_eq(u.board_len, 10);
	ck_assert_int_eq(memcmp(u.board, "icebreaker", 10), 0);
	ck_assert_uint_eq(u.trace_len, 5);
	ck_assert_int_eq(memcmp(u.trace, "b.fst", 5), 0);
	/* a board over the link: the board build's whole top */
	ck_assert_int_eq(mote_uri_parse("sim:board=icebreaker,link=uart,flip=1e-4", &u), 0);
	ck_assert_int_eq(u.kind, MOTE_URI_SIMLINK);
	ck_assert_uint_eq(u.board_len, 10);
	ck_assert_int_eq(mote_uri_parse("sim:link=uart,board=icebreaker", &u), 0);
	ck_assert_int_eq(u.kind, MOTE_URI_SIMLINK);
	/* Refused at parse time, not by a backend. */
	ck_assert_int_eq(mote_uri_parse("usb:0403:6010,board=icebreaker", &u), MOTE_ERROR_INVALID_ARG);
}
END_TEST

/* sim:board=NAME reaches the board's own model through the backend table:
 * its geometry, bus and memory are the board's, not the URI defaults, and a
 * job runs on it; every failed allocation of the open cleans up. */
START_TEST(test_board_open)
{
	mote_device *dev = NULL;
	struct mote_device_info info;
	ck_assert_int_eq(mote_open("sim:board=icebreaker", &dev), MOTE_SUCCESS);
	ck_assert_int_eq(mote_device_info(dev, &info), MOTE_SUCCESS);
	ck_assert_str_eq(info.backend, "sim");
	ck_assert_str_eq(info.uri, "sim:board=icebreaker");
	ck_assert_uint_eq(info.geometry.rows, 4);
	ck_assert_uint_eq(info.geometry.cols, 4);
	ck_assert_uint_eq(info.geometry.mem_bytes, 8);
	ck_assert_uint_eq(info.mem_size, 128 * 1024);
	/* The board build has no STORE ADD; the 4x4 geometry model has. */
	ck_assert_uint_eq(info.geometry.features & MOTE_FEATURES_STORE_ADD_MASK, 0);
	/* nor ROUND_TFL (its serial lane rounds once) */
	ck_assert_uint_eq(info.geometry.features & MOTE_FEATURES_ROUND_TFL_MASK, 0);
	uint32_t stream[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(stream, 0));
	put_end(cmd_at(stream, 1));
	mote_buffer *cmds = upload_cmds(dev, stream, 2);
	struct mote_job_desc d = job_desc(cmds, 2);
	struct mote_job_result r;
	ck_assert_int_eq(mote_run(dev, &d, 5000, &r), MOTE_SUCCESS);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_NONE);
	/* The board's 128 KB is all there is. */
	mote_buffer *big = NULL;
	ck_assert_int_eq(mote_buffer_alloc(dev, 256 * 1024, &big), MOTE_ERROR_NO_DEVICE_MEM);
	ck_assert_ptr_null(big);
	/* Spec 1.4: a device built for a memory of 2^N bytes, N < 32 (the board:
	 * 128 KB), keeps window bases and sizes aligned and clamped to 2^N and
	 * reads them back so; values inside it read back as written, aligned down. */
	static const uint32_t win_rw[][2] = {
		{0x0001f040, 0x0001f040}, {0x0001f07f, 0x0001f040}, {0x00020000, 0x00020000},
		{0x00020040, 0x00020000}, {0xffffffc0, 0x00020000}, {0x80000000, 0x00020000},
		{0x00000000, 0x00000000}};
	for (size_t k = 0; k < sizeof win_rw / sizeof win_rw[0]; k++) {
		uint32_t v = 1;
		ck_assert_int_eq(mote_reg_write(dev, MOTE_REG_WIN_BASE(2), win_rw[k][0]), MOTE_SUCCESS);
		ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_WIN_BASE(2), &v), MOTE_SUCCESS);
		ck_assert_uint_eq(v, win_rw[k][1]);
		ck_assert_int_eq(mote_reg_write(dev, MOTE_REG_WIN_SIZE(3), win_rw[k][0]), MOTE_SUCCESS);
		ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_WIN_SIZE(3), &v), MOTE_SUCCESS);
		ck_assert_uint_eq(v, win_rw[k][1]);
	}
	mote_close(dev);

	struct count_hooks h;
	struct mote_open_options o;
	int rc = MOTE_ERROR_NO_MEM;
	long n;
	for (n = 0; n < 100 && rc == MOTE_ERROR_NO_MEM; n++) {
		count_hooks_init(&h, n);
		o.hooks = &h.hooks;
		dev = NULL;
		rc = mote_open_ex("sim:board=icebreaker,trace=/dev/null", &o, &dev);
		if (rc == MOTE_ERROR_NO_MEM) {
			ck_assert_ptr_null(dev);
			ck_assert_int_eq(h.allocs, h.frees);
		}
	}
	ck_assert_int_eq(rc, MOTE_SUCCESS);
	ck_assert_int_gt(n, 3); /* device, URI copy, board name, trace path, ... */
	mote_close(dev);
	ck_assert_int_eq(h.allocs, h.frees);
}
END_TEST

START_TEST(test_open_null)
{
	mote_device *dev = NULL;
	ck_assert_int_eq(mote_open(NULL, &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("sim", NULL), MOTE_ERROR_INVALID_ARG);
	struct mote_alloc_hooks half = {count_alloc, NULL, NULL};
	struct mote_open_options o = {&half};
	ck_assert_int_eq(mote_open_ex("sim", &o, &dev), MOTE_ERROR_INVALID_ARG);
	mote_close(NULL);
	ck_assert_int_eq(mote_device_info(NULL, NULL), MOTE_ERROR_INVALID_ARG);
}
END_TEST

/* ---- error names ---- */

START_TEST(test_error_names)
{
	for (int e = 0; e > MOTE_ERROR_COUNT_; e--) {
		const char *n = mote_error_name(e);
		ck_assert_ptr_nonnull(n);
		ck_assert_msg(strncmp(n, "MOTE_", 5) == 0, "%d: %s", e, n);
		ck_assert_str_ne(mote_strerror(e), "unknown error code");
		for (int f = 0; f > e; f--) {
			ck_assert_str_ne(mote_error_name(f), n);
			ck_assert_str_ne(mote_strerror(f), mote_strerror(e));
		}
	}
	ck_assert_str_eq(mote_error_name(MOTE_ERROR_TIMEOUT), "MOTE_ERROR_TIMEOUT");
	ck_assert_str_eq(mote_error_name(1), "MOTE_ERROR_UNKNOWN");
	ck_assert_str_eq(mote_error_name(MOTE_ERROR_COUNT_), "MOTE_ERROR_UNKNOWN");
	ck_assert_str_eq(mote_strerror(-1000), "unknown error code");
	ck_assert_str_eq(mote_perf_name(MOTE_PERF_CYCLES), "cycles");
	ck_assert_ptr_null(mote_perf_name(MOTE_NUM_PERF));
}
END_TEST

/* ---- device info and registers ---- */

START_TEST(test_info_regs)
{
	mote_device *dev;
	struct mote_device_info info;
	uint32_t v = 0;
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4,mem=64K", &dev), MOTE_SUCCESS);
	ck_assert_int_eq(mote_device_info(dev, &info), MOTE_SUCCESS);
	ck_assert_uint_eq(info.geometry.rows, 4);
	ck_assert_uint_eq(info.geometry.cols, 4);
	ck_assert_uint_eq(info.geometry.mem_bytes, 8);
	ck_assert_uint_eq(info.num_windows, MOTE_NUM_WINDOWS);
	ck_assert_uint_eq(info.mem_size, 64 * 1024);
	ck_assert_uint_eq(info.hw_version >> 16, MOTE_HW_VERSION_MAJOR);
	/* the simulator builds keep every perf counter at the spec's 64 bits */
	ck_assert_uint_eq(info.perf_width, 64);
	ck_assert_uint_eq(info.perf_set, (1u << MOTE_NUM_PERF) - 1);
	ck_assert_uint_gt(info.geometry.abuf_depth, 0);
	ck_assert_str_eq(info.backend, "sim");
	ck_assert_str_eq(info.uri, "sim:rows=4,cols=4,mem=64K");
	ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_ID, &v), MOTE_SUCCESS);
	ck_assert_uint_eq(v, MOTE_ID_MAGIC);
	ck_assert_int_eq(mote_reg_read(dev, 2, &v), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_reg_read(dev, 0x1000, &v), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_reg_write(dev, 0x1001, 0), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_ID, NULL), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_reg_read(NULL, MOTE_REG_ID, &v), MOTE_ERROR_INVALID_ARG);
	/* A read-write register keeps what is written. */
	ck_assert_int_eq(mote_reg_write(dev, MOTE_REG_CMD_BASE, 0x1240), MOTE_SUCCESS);
	ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_CMD_BASE, &v), MOTE_SUCCESS);
	ck_assert_uint_eq(v, 0x1240);
	mote_close(dev);
}
END_TEST

/* ---- buffers ---- */

#define SMALL_MEM (64u * 1024u)

START_TEST(test_buffer_errors)
{
	mote_device *dev, *other;
	mote_buffer *b = NULL, *c = NULL;
	uint8_t data[200];
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4,mem=64K", &dev), MOTE_SUCCESS);
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4,mem=64K", &other), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 0, &b), MOTE_ERROR_INVALID_ARG);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(mote_buffer_alloc(dev, 16, NULL), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_buffer_alloc(NULL, 16, &b), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_buffer_alloc(dev, SMALL_MEM, &b), MOTE_ERROR_NO_DEVICE_MEM);
	ck_assert_int_eq(mote_buffer_alloc(dev, SIZE_MAX, &b), MOTE_ERROR_NO_DEVICE_MEM);
	ck_assert_int_eq(mote_buffer_alloc(dev, 100, &b), MOTE_SUCCESS);

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	/* 100 rounds up to 128: the rounded size is usable, one byte more is not. */
	ck_assert_int_eq(mote_buffer_write(dev, b, 0, data, 128), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_write(dev, b, 0, data, 129), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_buffer_write(dev, b, 128, data, 1), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_buffer_write(dev, b, SIZE_MAX, data, 2), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_buffer_read(dev, b, 1, data, SIZE_MAX), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_buffer_write(dev, b, 0, NULL, 1), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_buffer_write(dev, b, 128, NULL, 0), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_read(dev, b, 0, NULL, 4), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_buffer_map(dev, b, NULL), MOTE_ERROR_INVALID_ARG);

	/* Another device's buffer is not ours. */
	ck_assert_int_eq(mote_buffer_alloc(other, 64, &c), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_write(dev, c, 0, data, 1), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_buffer_free(dev, c), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_buffer_addr(dev, c, NULL, NULL), MOTE_ERROR_NOT_FOUND);
	void *p;
	ck_assert_int_eq(mote_buffer_map(dev, c, &p), MOTE_ERROR_NOT_FOUND);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mote_buffer_free(other, c), MOTE_SUCCESS);

	/* Double free. */
	ck_assert_int_eq(mote_buffer_free(dev, b), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_free(dev, b), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_buffer_read(dev, b, 0, data, 1), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_buffer_free(dev, NULL), MOTE_ERROR_INVALID_ARG);
	mote_close(other);
	mote_close(dev);
}
END_TEST

START_TEST(test_buffer_data_and_map)
{
	mote_device *dev;
	mote_buffer *a, *b;
	uint8_t in[300], out[300];
	uint32_t addr_a, addr_b;
	size_t size_a;
	void *pa;
	ck_assert_int_eq(mote_open("sim:rows=8,cols=8,mem=64K", &dev), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 300, &a), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 1, &b), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_addr(dev, a, &addr_a, &size_a), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_addr(dev, b, &addr_b, NULL), MOTE_SUCCESS);
	ck_assert_uint_eq(addr_a % MOTE_WINDOW_ALIGN, 0);
	ck_assert_uint_eq(addr_b % MOTE_WINDOW_ALIGN, 0);
	ck_assert_uint_ge(addr_a, MOTE_WINDOW_ALIGN);
	ck_assert_uint_eq(size_a, 320);
	ck_assert(addr_b >= addr_a + size_a || addr_b + 64 <= addr_a);

	/* Fresh buffers are zero. */
	ck_assert_int_eq(mote_buffer_read(dev, a, 0, out, sizeof(out)), MOTE_SUCCESS);
	for (size_t i = 0; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0);
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i ^ 0x5a);
	ck_assert_int_eq(mote_buffer_write(dev, a, 10, in, 250), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_map(dev, a, &pa), MOTE_SUCCESS);
	ck_assert_int_eq(memcmp((uint8_t *)pa + 10, in, 250), 0);
	((uint8_t *)pa)[5] = 0xee;
	ck_assert_int_eq(mote_buffer_read(dev, a, 5, out, 1), MOTE_SUCCESS);
	ck_assert_uint_eq(out[0], 0xee);
	/* Writes to a do not reach b. */
	ck_assert_int_eq(mote_buffer_read(dev, b, 0, out, 64), MOTE_SUCCESS);
	for (size_t i = 0; i < 64; i++)
		ck_assert_uint_eq(out[i], 0);
	/* Reallocated memory is zeroed again. */
	ck_assert_int_eq(mote_buffer_free(dev, a), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 300, &a), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_read(dev, a, 0, out, 300), MOTE_SUCCESS);
	for (size_t i = 0; i < 300; i++)
		ck_assert_uint_eq(out[i], 0);
	mote_close(dev); /* frees a and b */
}
END_TEST

START_TEST(test_allocator_fill_and_coalesce)
{
	enum { N = (SMALL_MEM - MOTE_WINDOW_ALIGN) / 1024 };
	mote_device *dev;
	mote_buffer *bufs[N + 1], *big;
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4,mem=64K", &dev), MOTE_SUCCESS);
	/* The usable memory is 64K minus the reserved first block. */
	ck_assert_int_eq(mote_buffer_alloc(dev, SMALL_MEM - MOTE_WINDOW_ALIGN, &big), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 1, &bufs[0]), MOTE_ERROR_NO_DEVICE_MEM);
	ck_assert_int_eq(mote_buffer_free(dev, big), MOTE_SUCCESS);

	for (int i = 0; i < N; i++)
		ck_assert_int_eq(mote_buffer_alloc(dev, 1024, &bufs[i]), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 1024, &bufs[N]), MOTE_ERROR_NO_DEVICE_MEM);
	/* Free every other block: lots of free space, but no 2K hole. */
	for (int i = 0; i < N; i += 2)
		ck_assert_int_eq(mote_buffer_free(dev, bufs[i]), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 2048, &big), MOTE_ERROR_NO_DEVICE_MEM);
	/* Freeing the rest must merge everything back into one block. */
	for (int i = 1; i < N; i += 2)
		ck_assert_int_eq(mote_buffer_free(dev, bufs[i]), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, SMALL_MEM - MOTE_WINDOW_ALIGN, &big), MOTE_SUCCESS);
	mote_close(dev);
}
END_TEST

/* ---- allocation failure ---- */

START_TEST(test_oom_open_and_alloc)
{
	struct count_hooks h;
	struct mote_open_options o;
	mote_device *dev = NULL;
	long n;
	int rc = MOTE_ERROR_NO_MEM;
	/* Fail each allocation of open in turn; every failure must clean up. */
	for (n = 0; n < 100 && rc == MOTE_ERROR_NO_MEM; n++) {
		count_hooks_init(&h, n);
		o.hooks = &h.hooks;
		rc = mote_open_ex("sim:rows=4,cols=4,mem=64K,trace=/dev/null", &o, &dev);
		if (rc == MOTE_ERROR_NO_MEM) {
			ck_assert_ptr_null(dev);
			ck_assert_int_eq(h.allocs, h.frees);
		}
	}
	ck_assert_int_eq(rc, MOTE_SUCCESS);
	ck_assert_int_gt(n, 2); /* open allocates (device, URI copy, heap) */

	/* Now the buffer allocator: fail its next host allocation. */
	mote_buffer *a = NULL, *b = NULL;
	h.fail_at = h.allocs;
	ck_assert_int_eq(mote_buffer_alloc(dev, 64, &a), MOTE_ERROR_NO_MEM);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(mote_buffer_alloc(dev, 64, &a), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(dev, 64, &b), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_free(dev, a), MOTE_SUCCESS);
	mote_close(dev);
	ck_assert_int_eq(h.allocs, h.frees);
}
END_TEST

/* ---- submit arguments ---- */

START_TEST(test_submit_errors)
{
	mote_device *dev, *other;
	mote_buffer *cmds, *foreign;
	uint32_t stream[2 * MOTE_CMD_WORDS];
	mote_job job = 99;
	put_end(cmd_at(stream, 0));
	put_end(cmd_at(stream, 1));
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4,mem=64K", &dev), MOTE_SUCCESS);
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4,mem=64K", &other), MOTE_SUCCESS);
	/* a 64-byte buffer: END, END (one word each), then zeros */
	ck_assert_int_eq(mote_buffer_alloc(dev, 64, &cmds), MOTE_SUCCESS);
	ck_assert_int_eq(write_cmds(dev, cmds, stream, 2), MOTE_SUCCESS);
	ck_assert_int_eq(mote_buffer_alloc(other, 64, &foreign), MOTE_SUCCESS);
	struct mote_job_desc d = job_desc(cmds, 1), e;

	ck_assert_int_eq(mote_submit(NULL, &d, &job), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(job, 0);
	ck_assert_int_eq(mote_submit(dev, NULL, &job), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_submit(dev, &d, NULL), MOTE_ERROR_INVALID_ARG);
	e = d; e.n_cmds = 0;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_INVALID_ARG);
	e = d; e.n_windows = MOTE_NUM_WINDOWS + 1;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_INVALID_ARG);
	e = d; e.windows[0].perm = 0;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_INVALID_ARG);
	e = d; e.windows[0].perm = 8;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_INVALID_ARG);
	e = d; e.windows[0].buf = NULL;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_INVALID_ARG);
	e = d; e.cmd_offset = 2; /* not a multiple of MOTE_CMD_ALIGN */
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_INVALID_ARG);
	e = d; e.n_cmds = 17; /* 17 words at the least: more than the buffer */
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_RANGE);
	e = d; e.n_cmds = UINT32_MAX;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_RANGE);
	e = d; e.cmd_offset = 60; e.n_cmds = 2;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_RANGE);
	e = d; e.cmds = foreign;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_NOT_FOUND);
	e = d; e.n_windows = 2; e.windows[1].buf = foreign; e.windows[1].perm = MOTE_PERM_R;
	ck_assert_int_eq(mote_submit(dev, &e, &job), MOTE_ERROR_NOT_FOUND);

	/* Waits and aborts on jobs that never existed. */
	struct mote_job_result r;
	ck_assert_int_eq(mote_wait(dev, 0, 10, &r), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_wait(dev, 12345, 10, &r), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_wait(dev, 1, -2, &r), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_abort(dev, 12345), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_abort(NULL, 1), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_set_watchdog(NULL, 5), MOTE_ERROR_INVALID_ARG);

	/* An offset inside the buffer works: command 1 of the stream. */
	e = d; e.cmd_offset = 4;
	ck_assert_int_eq(mote_run(dev, &e, 5000, &r), MOTE_SUCCESS);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_NONE);
	/* Waiting again on the finished job gives the same answer; abort is too late. */
	job = 0;
	ck_assert_int_eq(mote_submit(dev, &d, &job), MOTE_SUCCESS);
	ck_assert_int_eq(mote_wait(dev, job, MOTE_TIMEOUT_INFINITE, NULL), MOTE_SUCCESS);
	ck_assert_int_eq(mote_wait(dev, job, 0, &r), MOTE_SUCCESS);
	ck_assert_str_eq(r.hw_error_name, "NONE");
	ck_assert_int_eq(mote_abort(dev, job), MOTE_ERROR_STATE);
	ck_assert_int_eq(mote_wait(dev, job - 1, 0, &r), MOTE_ERROR_NOT_FOUND);
	mote_close(other);
	mote_close(dev);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 120);
	tcase_add_loop_test(t, test_bad_uri, 0, (int)(sizeof(k_bad_uris) / sizeof(k_bad_uris[0])));
	tcase_add_test(t, test_uri_values);
	tcase_add_test(t, test_board_open);
	tcase_add_test(t, test_open_diag_trace);
	tcase_add_test(t, test_open_null);
	tcase_add_test(t, test_error_names);
	tcase_add_test(t, test_info_regs);
	tcase_add_test(t, test_buffer_errors);
	tcase_add_test(t, test_buffer_data_and_map);
	tcase_add_test(t, test_allocator_fill_and_coalesce);
	tcase_add_test(t, test_oom_open_and_alloc);
	tcase_add_test(t, test_submit_errors);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(api_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
