/* test_usb.c: the usb backend (driver/backend_usb.c, libusb-1.0) against the
 * FT2232H stand-in of ftdi_shim.c (linked in ahead of libusb), whose channel B
 * is wired to the simulated board: no device, a device another program holds,
 * the wrong serial or baud rate, then transfers and jobs, and the device
 * unplugged in the middle of a job (the job's buffers kept, the call returns
 * within its deadline, close frees everything).  ASan+UBSan. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../test_util.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void shim(const char *mode, const char *unplug)
{
	if (mode)
		setenv("MOTE_FTDI_SHIM", mode, 1);
	else
		unsetenv("MOTE_FTDI_SHIM");
	if (unplug)
		setenv("MOTE_FTDI_SHIM_UNPLUG", unplug, 1);
	else
		unsetenv("MOTE_FTDI_SHIM_UNPLUG");
}

START_TEST(test_open_errors)
{
	mote_device *dev = (mote_device *)&dev;
	double t0 = now_s();
	shim("absent", NULL);
	ck_assert_int_eq(mote_open("usb", &dev), MOTE_ERROR_NOT_FOUND);
	ck_assert_ptr_null(dev);
	shim("busy", NULL);
	ck_assert_int_eq(mote_open("usb", &dev), MOTE_ERROR_BUSY);
	shim(NULL, NULL);
	ck_assert_int_eq(mote_open("usb:0403:6010:OTHER", &dev), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_open("usb:1209:0001", &dev), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_open("usb,baud=100000000", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_double_lt(now_s() - t0, 2.0); /* each at once */
	/* a baud rate the board does not run at: it hears garbage, nothing answers */
	t0 = now_s();
	ck_assert_int_eq(mote_open("usb,baud=1000000,retries=2", &dev), MOTE_ERROR_IO);
	ck_assert_double_lt(now_s() - t0, 5.0);
	ck_assert_ptr_null(dev);
}
END_TEST

/* Each refusal of test_open_errors in words (mote_open_diag). */
START_TEST(test_open_reasons)
{
	static const struct {
		const char *shim, *uri, *why;
		int rc;
	} k[] = {
		{"absent", "usb", "no USB device 0403:6010 is plugged in", MOTE_ERROR_NOT_FOUND},
		{"busy", "usb", "interface 1 of USB device 0403:6010 is held by another program", MOTE_ERROR_BUSY},
		{NULL, "usb:0403:6010:OTHER", "no USB device 0403:6010 has the serial 'OTHER' (1 with other serials)",
		 MOTE_ERROR_NOT_FOUND},
		{NULL, "usb:1209:0001", "no USB device 1209:0001 is plugged in", MOTE_ERROR_NOT_FOUND},
		{NULL, "usb,baud=100000000", "baud=100000000: 300..12000000 expected", MOTE_ERROR_INVALID_ARG},
		{NULL, "usb,baud=1000000,retries=2", "does not answer on the link at 1000000 baud", MOTE_ERROR_IO},
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		mote_device *dev = NULL;
		struct mote_open_diag d;
		shim(k[i].shim, NULL);
		ck_assert_int_eq(mote_open_diag(k[i].uri, NULL, &dev, &d), k[i].rc);
		ck_assert_ptr_null(dev);
		ck_assert_msg(strstr(d.msg, k[i].why) != NULL, "%s: '%s' lacks '%s'", k[i].uri, d.msg, k[i].why);
	}
	shim(NULL, NULL);
}
END_TEST

START_TEST(test_transfers_and_jobs)
{
	struct count_hooks h;
	struct mote_open_options o;
	mote_device *dev = NULL;
	count_hooks_init(&h, -1);
	o.hooks = &h.hooks;
	shim(NULL, NULL);
	ck_assert_int_eq(mote_open_ex("usb:0403:6010:MOTE0001,interface=1,baud=3000000", &o, &dev), 0);
	struct mote_device_info info;
	ck_assert_int_eq(mote_device_info(dev, &info), 0);
	ck_assert_str_eq(info.backend, "usb");
	ck_assert_uint_eq(info.mem_size, 16u << 20);
	ck_assert_uint_eq(info.geometry.rows, 8);
	/* bytes that need escapes, lengths across packets and 256-byte blocks */
	static uint8_t a[5000], back[5000];
	for (size_t i = 0; i < sizeof a; i++)
		a[i] = (uint8_t)(i % 3 ? i * 13 : 0x7e - (i & 1));
	mote_buffer *b = NULL;
	ck_assert_int_eq(mote_buffer_alloc(dev, sizeof a, &b), 0);
	ck_assert_int_eq(mote_buffer_read(dev, b, 0, back, sizeof back), 0);
	for (size_t i = 0; i < sizeof back; i++)
		ck_assert_uint_eq(back[i], 0); /* zeroed by fill frames */
	ck_assert_int_eq(mote_buffer_write(dev, b, 3, a, sizeof a - 3), 0);
	ck_assert_int_eq(mote_buffer_read(dev, b, 3, back, sizeof a - 3), 0);
	ck_assert_int_eq(memcmp(a, back, sizeof a - 3), 0);
	void *p;
	ck_assert_int_eq(mote_buffer_map(dev, b, &p), MOTE_ERROR_NOT_SUPPORTED);
	/* jobs: an illegal opcode fails precisely, then a good one */
	uint32_t s[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(s, 0));
	memset(cmd_at(s, 1), 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(cmd_at(s, 1), HDR, OPCODE, 0x77);
	mote_buffer *c = upload_cmds(dev, s, 2);
	struct mote_job_desc d = job_desc(c, 2);
	struct mote_job_result r;
	ck_assert_int_eq(mote_run(dev, &d, 20000, &r), MOTE_ERROR_JOB_FAILED);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_OPCODE);
	ck_assert_uint_eq(r.err_cmd, 1);
	put_end(cmd_at(s, 1));
	ck_assert_int_eq(write_cmds(dev, c, s, 2), 0);
	ck_assert_int_eq(mote_run(dev, &d, 20000, &r), 0);
	ck_assert_uint_eq(r.cmds_done, 2);
	struct mote_link_stats st;
	ck_assert_int_eq(mote_link_stats(dev, &st), 0);
	ck_assert_uint_eq(st.baud, 3000000);
	ck_assert_uint_gt(st.frames_sent, 40); /* (retries: the stand-in's board is slower than the wall clock) */
	ck_assert_int_eq(mote_buffer_free(dev, b), 0);
	ck_assert_int_eq(mote_buffer_free(dev, c), 0);
	mote_close(dev);
	ck_assert_int_eq(h.allocs, h.frees);
}
END_TEST

/* The device disappears while a job that never ends runs: the wait says LOST
 * at once (libusb's NO_DEVICE, no retries), the job's buffer stays pinned,
 * later calls fail quickly, close frees everything. */
START_TEST(test_unplug_mid_job)
{
	struct count_hooks h;
	struct mote_open_options o;
	mote_device *dev = NULL;
	count_hooks_init(&h, -1);
	o.hooks = &h.hooks;
	shim(NULL, "40000"); /* bytes: after open and the upload, while polling */
	ck_assert_int_eq(mote_open_ex("usb", &o, &dev), 0);
	ck_assert_int_eq(mote_set_watchdog(dev, 0), 0);
	uint32_t s[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(s, 0));
	MOTE_CMD_SET(cmd_at(s, 0), HDR, POP_PREV, 1); /* waits for a token forever */
	put_end(cmd_at(s, 1));
	mote_buffer *c = upload_cmds(dev, s, 2);
	struct mote_job_desc d = job_desc(c, 2);
	mote_job job;
	ck_assert_int_eq(mote_submit(dev, &d, &job), 0);
	double t0 = now_s();
	int rc;
	while ((rc = mote_wait(dev, job, 100, NULL)) == MOTE_ERROR_TIMEOUT)
		ck_assert_double_lt(now_s() - t0, 60.0);
	ck_assert_int_eq(rc, MOTE_ERROR_LOST);
	ck_assert_double_lt(now_s() - t0, 30.0);
	ck_assert_int_eq(mote_buffer_free(dev, c), MOTE_ERROR_BUSY);
	t0 = now_s();
	uint32_t v;
	ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_ID, &v), MOTE_ERROR_LOST);
	ck_assert_int_eq(mote_wait(dev, job, 0, NULL), MOTE_ERROR_LOST);
	ck_assert_double_lt(now_s() - t0, 1.0);
	mote_close(dev);
	ck_assert_int_eq(h.allocs, h.frees);
	shim(NULL, NULL);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("usb");
	TCase *t = tcase_create("usb");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, test_open_errors);
	tcase_add_test(t, test_open_reasons);
	tcase_add_test(t, test_transfers_and_jobs);
	tcase_add_test(t, test_unplug_mid_job);
	suite_add_tcase(su, t);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
