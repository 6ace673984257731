/* test_backend.c: the driver against backend failures (fault_backend.h).
 *
 * A scenario (open, three buffers, uploads, a job of 160 STOREs that writes
 * a pattern into its output, the wait, the download, the frees) runs on the
 * simulator seen through a wrapper that fails backend call N, for every N the
 * scenario makes; the device looks unmapped (mem_ptr NULL), so every byte
 * moves by bulk transfer.  Each failure must give an I/O error (IO or LOST),
 * never a wrong answer; no buffer may be freed while the device still runs a
 * job that names it (checked against the device's own STATUS around the
 * wrapper); afterwards the same device runs the scenario correctly (the
 * process and the device are usable); nothing leaks (counting hooks).  Then
 * the same with a link that dies at call N (every later call fails): the
 * job's buffers stay pinned (BUSY) while the device runs it, close still frees
 * everything.  Finally the paths without mem_fill (zeroing by writes), and
 * threads sharing a device behind the link: jobs and transfers interleave
 * (the io mutex, not the state lock, is held while bytes move), each job's
 * waiter gets its own result even when the next job starts at once; and a
 * long transfer over the link holds up neither another device's calls nor
 * the same device's short ones. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "fault_backend.h"
#include "mote_sim.h"
#include "mote_uri.h"
#include "test_util.h"

#define N_STORES 160u
#define OUT_ZP 0x55

struct scen {
	mote_buffer *cmds, *zero, *out;
};

/* The job: bias rows loaded from a zero buffer (multiplier 0: every output is
 * OUT_ZP), a token through compute, N_STORES one-row STOREs of 8 bytes. */
static unsigned build_stream(uint32_t *s, uint32_t zero_addr, uint32_t out_addr)
{
	unsigned n = 0;
	uint32_t *c = cmd_at(s, n++);
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_LOAD);
	MOTE_CMD_SET(c, HDR, PUSH_NEXT, 1);
	MOTE_CMD_SET(c, LOAD, DST, MOTE_BUF_BIAS);
	MOTE_CMD_SET(c, LOAD, ADDR0, zero_addr);
	MOTE_CMD_SET(c, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(c, LOAD, WIDTH, 32);
	MOTE_CMD_SET(c, LOAD, N_INNER, 3);
	MOTE_CMD_SET(c, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(c, LOAD, COUNT, 32);
	c = cmd_at(s, n++);
	put_nop_matmul(c);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1);
	MOTE_CMD_SET(c, HDR, PUSH_NEXT, 1);
	for (unsigned i = 0; i < N_STORES; i++) {
		c = cmd_at(s, n++);
		memset(c, 0, 4 * MOTE_CMD_WORDS);
		MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_STORE);
		MOTE_CMD_SET(c, HDR, POP_PREV, i == 0);
		MOTE_CMD_SET(c, STORE, N_INNER, 1);
		MOTE_CMD_SET(c, STORE, N_OUTER, 1);
		MOTE_CMD_SET(c, STORE, ADDR0, out_addr + 8 * i);
		MOTE_CMD_SET(c, STORE, NCOLS, 8);
		MOTE_CMD_SET(c, STORE, OUT_ZP, OUT_ZP);
		MOTE_CMD_SET(c, STORE, CLAMP_LO, -128);
		MOTE_CMD_SET(c, STORE, CLAMP_HI, 127);
	}
	put_end(cmd_at(s, n++));
	return n;
}

/* Run the scenario; returns 0 or the first error.  Buffers are left in SC
 * for the caller to free (so it can check the frees). */
static int scenario(mote_device *dev, struct scen *sc)
{
	static uint32_t stream[(N_STORES + 3) * MOTE_CMD_WORDS];
	uint8_t out[8 * N_STORES], junk[8 * N_STORES];
	uint32_t zaddr, oaddr;
	memset(sc, 0, sizeof *sc);
	int rc = mote_buffer_alloc(dev, sizeof stream, &sc->cmds);
	if (!rc)
		rc = mote_buffer_alloc(dev, 128, &sc->zero);
	if (!rc)
		rc = mote_buffer_alloc(dev, sizeof out, &sc->out);
	if (rc)
		return rc;
	mote_buffer_addr(dev, sc->zero, &zaddr, NULL);
	mote_buffer_addr(dev, sc->out, &oaddr, NULL);
	unsigned n = build_stream(stream, zaddr, oaddr);
	memset(junk, 0xa7, sizeof junk);
	if ((rc = write_cmds(dev, sc->cmds, stream, n)) ||
	    (rc = mote_buffer_write(dev, sc->out, 0, junk, sizeof junk)))
		return rc;
	struct mote_job_desc d = job_desc(sc->cmds, n);
	d.n_windows = 3;
	d.windows[0].perm = MOTE_PERM_X;
	d.windows[1] = (struct mote_window){sc->zero, MOTE_PERM_R};
	d.windows[2] = (struct mote_window){sc->out, MOTE_PERM_W};
	mote_job job;
	struct mote_job_result r;
	if ((rc = mote_submit(dev, &d, &job)))
		return rc;
	if ((rc = mote_wait(dev, job, 30000, &r)))
		return rc;
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_NONE);
	ck_assert_uint_eq(r.cmds_done, n);
	if ((rc = mote_buffer_read(dev, sc->out, 0, out, sizeof out)))
		return rc;
	for (size_t i = 0; i < sizeof out; i++)
		ck_assert_msg(out[i] == OUT_ZP, "byte %zu is 0x%02x", i, out[i]);
	return 0;
}

/* Free the scenario's buffers.  A free may succeed only when the device is
 * not running a job (the device's own STATUS, around the wrapper), or for
 * a buffer the job does not name (none here: all three are named). */
static void free_checked(mote_device *dev, struct fault_be *f, struct scen *sc, int *kept)
{
	mote_buffer **bs[3] = {&sc->cmds, &sc->zero, &sc->out};
	*kept = 0;
	for (int i = 0; i < 3; i++) {
		if (!*bs[i])
			continue;
		uint32_t st = fault_be_raw_status(f);
		int rc = mote_buffer_free(dev, *bs[i]);
		if (rc == MOTE_SUCCESS) {
			*bs[i] = NULL;
			ck_assert_msg(!(st & MOTE_STATUS_BUSY_MASK), "buffer %d freed while the device runs the job (STATUS 0x%x)",
				      i, st);
		} else {
			ck_assert_int_eq(rc, MOTE_ERROR_BUSY);
			++*kept;
		}
	}
}

/* One failure at call K of the scenario (open included).  Returns 1 when
 * call K happened (the scenario made at least K+1 calls). */
static int one_failure(long k, int dead, int fail_rc, int hide_fill)
{
	struct count_hooks h;
	struct fault_be f;
	struct mote_open_options o;
	struct scen sc;
	mote_device *dev = NULL;
	count_hooks_init(&h, -1);
	o.hooks = &h.hooks;
	fault_be_init(&f, k, dead, fail_rc);
	f.hide_map = 1;
	f.hide_fill = hide_fill;
	int rc = mote__open_wrapped("sim:rows=8,cols=8,mem=1M", &o, fb_wrap, &f, &dev);
	if (rc) {
		ck_assert_msg(rc == fail_rc || rc == MOTE_ERROR_IO || rc == MOTE_ERROR_LOST, "open: %s",
			      mote_error_name(rc));
		ck_assert_ptr_null(dev);
		ck_assert_int_eq(h.allocs, h.frees);
		return 1;
	}
	rc = scenario(dev, &sc);
	int happened = f.failed > 0;
	if (!happened) {
		ck_assert_int_eq(rc, MOTE_SUCCESS);
	} else {
		ck_assert_msg(rc == MOTE_ERROR_IO || rc == MOTE_ERROR_LOST, "call %ld%s: %s", k, dead ? " on" : "",
			      mote_error_name(rc));
	}
	int kept;
	free_checked(dev, &f, &sc, &kept);
	/* a one-off failure: the device answered again at once, nothing stays
	 * pinned.  A dead link keeps the job's buffers when the driver cannot
	 * know whether the device runs it (kept even if it never started). */
	if (happened && !dead)
		ck_assert_int_eq(kept, 0);
	if (happened) {
		/* the link comes back: the next scenario on the same device is right,
		 * and its submit settles whatever the dead link left (pins released) */
		struct scen sc2;
		f.fail_at = -1;
		ck_assert_int_eq(scenario(dev, &sc2), MOTE_SUCCESS);
		free_checked(dev, &f, &sc2, &kept);
		ck_assert_int_eq(kept, 0);
		free_checked(dev, &f, &sc, &kept);
		ck_assert_int_eq(kept, 0);
	}
	mote_close(dev);
	ck_assert_int_gt(h.allocs, 0);
	ck_assert_int_eq(h.allocs, h.frees);
	return happened;
}

static void every_call(int dead, int fail_rc, int hide_fill)
{
	long k = 0;
	while (one_failure(k, dead, fail_rc, hide_fill))
		k++;
	ck_assert_int_gt(k, 40); /* open, allocs, uploads, submit, wait, download */
	printf("backend faults (%s, %s%s): each of %ld calls failed in turn\n", dead ? "dead from there on" : "once",
	       mote_error_name(fail_rc), hide_fill ? ", no mem_fill" : "", k);
}

START_TEST(test_each_call_fails_once)
{
	every_call(0, MOTE_ERROR_IO, 0);
}
END_TEST

START_TEST(test_link_dies_at_each_call)
{
	every_call(1, MOTE_ERROR_IO, 0);
}
END_TEST

START_TEST(test_device_lost_at_each_call)
{
	every_call(1, MOTE_ERROR_LOST, 0);
}
END_TEST

START_TEST(test_each_call_fails_once_no_fill)
{
	every_call(0, MOTE_ERROR_IO, 1);
}
END_TEST

/* A lost device keeps the job's buffers until it answers again; then the job
 * is stopped, collected, and the buffers are free. */
START_TEST(test_lost_then_back)
{
	struct fault_be f;
	struct scen sc;
	mote_device *dev = NULL;
	fault_be_init(&f, -1, 1, MOTE_ERROR_IO);
	f.hide_map = 1;
	ck_assert_int_eq(mote__open_wrapped("sim:mem=1M", NULL, fb_wrap, &f, &dev), 0);
	ck_assert_int_eq(mote_set_watchdog(dev, 0), 0);
	mote_buffer *b = NULL;
	uint32_t stream[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(stream, 0));
	MOTE_CMD_SET(cmd_at(stream, 0), HDR, POP_PREV, 1); /* waits forever for a token */
	put_end(cmd_at(stream, 1));
	ck_assert_int_eq(mote_buffer_alloc(dev, sizeof stream, &b), 0);
	ck_assert_int_eq(write_cmds(dev, b, stream, 2), 0);
	struct mote_job_desc d = job_desc(b, 2);
	mote_job job;
	struct mote_job_result r;
	ck_assert_int_eq(mote_submit(dev, &d, &job), 0);
	f.fail_at = f.calls; /* the link dies now */
	ck_assert_int_eq(mote_wait(dev, job, 1000, &r), MOTE_ERROR_LOST);
	ck_assert_int_eq(mote_buffer_free(dev, b), MOTE_ERROR_BUSY);
	ck_assert_int_eq(mote_wait(dev, job, 0, &r), MOTE_ERROR_LOST);
	ck_assert_uint_ne(fault_be_raw_status(&f) & MOTE_STATUS_BUSY_MASK, 0);
	f.fail_at = -1; /* it answers again */
	ck_assert_int_eq(mote_wait(dev, job, 1000, &r), MOTE_ERROR_IO);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_ABORTED);
	ck_assert_uint_eq(fault_be_raw_status(&f) & MOTE_STATUS_BUSY_MASK, 0);
	ck_assert_int_eq(mote_buffer_free(dev, b), 0);
	ck_assert_int_eq(scenario(dev, &sc), 0);
	mote_close(dev);
}
END_TEST

/* The link keys of the URI grammar. */
START_TEST(test_uri_link_keys)
{
	mote_device *dev = NULL;
	/* link options belong to link URIs only */
	ck_assert_int_eq(mote_open("sim:flip=0.01", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("sim:link=uart,mem=1M", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("sim:link=tcp", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("usb,rows=8", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("usb:0403", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("usb:0403:6010:", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("usb,baud=100", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("usb,drop=0.6", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_open("usb,drop=1e", &dev), MOTE_ERROR_INVALID_ARG);
	ck_assert_ptr_null(dev);
	struct mote_uri u;
	ck_assert_int_eq(mote_uri_parse("sim:link=uart,flip=1e-4,drop=0.01,dup=1E-2,stall=50,stall_at=1K,unplug=9000,"
					"seed=7,retries=3,timeout=20",
					&u),
			 0);
	ck_assert_int_eq(u.kind, MOTE_URI_SIMLINK);
	ck_assert(u.link.flip > 0.99e-4 && u.link.flip < 1.01e-4);
	ck_assert(u.link.drop > 0.0099 && u.link.drop < 0.0101);
	ck_assert(u.link.dup > 0.0099 && u.link.dup < 0.0101);
	ck_assert_uint_eq(u.link.stall_ms, 50);
	ck_assert_uint_eq(u.link.stall_at, 1024);
	ck_assert_uint_eq(u.link.unplug, 9000);
	ck_assert_int_eq(u.link.have_unplug, 1);
	ck_assert_uint_eq(u.link.seed, 7);
	ck_assert_uint_eq(u.link.retries, 3);
	ck_assert_uint_eq(u.link.timeout_ms, 20);
	ck_assert_int_eq(mote_uri_parse("usb:1209:00aB:SN-1.x,interface=0,baud=1000000", &u), 0);
	ck_assert_int_eq(u.kind, MOTE_URI_USB);
	ck_assert_uint_eq(u.vid, 0x1209);
	ck_assert_uint_eq(u.pid, 0xab);
	ck_assert_uint_eq(u.serial_len, 6);
	ck_assert_int_eq(memcmp(u.serial, "SN-1.x", 6), 0);
	ck_assert_uint_eq(u.iface, 0);
	ck_assert_uint_eq(u.link.baud, 1000000);
	ck_assert_int_eq(mote_uri_parse("usb", &u), 0);
	ck_assert_uint_eq(u.vid, 0x0403);
	ck_assert_uint_eq(u.pid, 0x6010);
	ck_assert_uint_eq(u.iface, 1);
	ck_assert_ptr_null(u.serial);
}
END_TEST

struct thr {
	mote_device *dev;
	int ok;
};

static void *job_thread(void *p)
{
	struct thr *t = p;
	uint32_t s[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(s, 0));
	put_end(cmd_at(s, 1));
	mote_buffer *b = NULL;
	if (mote_buffer_alloc(t->dev, sizeof s, &b) || write_cmds(t->dev, b, s, 2))
		return NULL;
	struct mote_job_desc d = job_desc(b, 2);
	for (int i = 0; i < 4; i++) {
		struct mote_job_result r;
		int rc;
		while ((rc = mote_run(t->dev, &d, 20000, &r)) == MOTE_ERROR_BUSY)
			sched_yield();
		t->ok += rc == MOTE_SUCCESS && r.cmds_done == 2;
	}
	mote_buffer_free(t->dev, b);
	return NULL;
}

static void *poke_thread(void *p)
{
	struct thr *t = p;
	for (int i = 0; i < 8; i++) {
		uint32_t v = 0;
		mote_buffer *b = NULL;
		uint8_t big[1500], back[1500];
		memset(big, i * 7 + 1, sizeof big);
		if (mote_reg_read(t->dev, MOTE_REG_ID, &v) == MOTE_SUCCESS && v == MOTE_ID_MAGIC &&
		    mote_buffer_alloc(t->dev, sizeof big, &b) == MOTE_SUCCESS &&
		    mote_buffer_write(t->dev, b, 0, big, sizeof big) == MOTE_SUCCESS &&
		    mote_buffer_read(t->dev, b, 0, back, sizeof back) == MOTE_SUCCESS && !memcmp(big, back, sizeof big) &&
		    mote_buffer_free(t->dev, b) == MOTE_SUCCESS)
			t->ok++;
	}
	return NULL;
}

START_TEST(test_threads_on_the_link)
{
	mote_device *dev = NULL;
	ck_assert_int_eq(mote_open("sim:link=uart", &dev), 0);
	struct thr a = {dev, 0}, b = {dev, 0}, c = {dev, 0};
	pthread_t ta, tb, tc;
	ck_assert_int_eq(pthread_create(&ta, NULL, job_thread, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, job_thread, &b), 0);
	ck_assert_int_eq(pthread_create(&tc, NULL, poke_thread, &c), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	ck_assert_int_eq(a.ok, 4);
	ck_assert_int_eq(b.ok, 4);
	ck_assert_int_eq(c.ok, 8);
	mote_close(dev);
}
END_TEST

/* A long transfer: 96 KB written over the link (about 0.4 s of link time,
 * seconds of simulation), then DONE set. */
struct slow {
	mote_device *dev;
	atomic_int done;
	int rc;
};

static void *slow_thread(void *p)
{
	struct slow *t = p;
	const size_t n = 96 * 1024;
	uint8_t *big = malloc(n);
	mote_buffer *b = NULL;
	t->rc = big ? mote_buffer_alloc(t->dev, n, &b) : MOTE_ERROR_NO_MEM;
	if (!t->rc) {
		memset(big, 0xa5, n);
		t->rc = mote_buffer_write(t->dev, b, 0, big, n);
		mote_buffer_free(t->dev, b);
	}
	free(big);
	atomic_store(&t->done, 1);
	return NULL;
}

/* While a thread moves 96 KB over one link device: a second device (the
 * in-process simulator) runs its jobs, and the same device answers register
 * reads, all before the transfer ends: nothing global, and the transfer
 * holds the io mutex a chunk at a time. */
START_TEST(test_slow_transfer_blocks_nobody)
{
	mote_device *link = NULL, *other = NULL;
	ck_assert_int_eq(mote_open("sim:link=uart", &link), 0);
	ck_assert_int_eq(mote_open("sim:rows=4,cols=4", &other), 0);
	struct slow t = {link, 0, 0};
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, slow_thread, &t), 0);
	/* wait until the transfer is under way: the link's byte count moves */
	struct mote_link_stats st;
	do {
		ck_assert_int_eq(mote_link_stats(link, &st), 0);
		sched_yield();
	} while (st.bytes_sent < 4096 && !atomic_load(&t.done));
	ck_assert_msg(!atomic_load(&t.done), "the transfer ended before the test could look at it");
	struct thr o = {other, 0};
	job_thread(&o);
	int other_before = !atomic_load(&t.done);
	unsigned reads = 0;
	for (int i = 0; i < 3; i++) {
		uint32_t v = 0;
		ck_assert_int_eq(mote_reg_read(link, MOTE_REG_ID, &v), 0);
		ck_assert_uint_eq(v, MOTE_ID_MAGIC);
		reads += !atomic_load(&t.done);
	}
	pthread_join(th, NULL);
	ck_assert_int_eq(t.rc, 0);
	ck_assert_int_eq(o.ok, 4);
	ck_assert_msg(other_before, "the other device's 4 jobs waited for the link transfer");
	ck_assert_msg(reads == 3, "only %u of 3 register reads on the link device came before its long transfer ended",
		      reads);
	mote_close(other);
	mote_close(link);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("backend");
	TCase *t = tcase_create("faults");
	tcase_set_timeout(t, 600);
	tcase_add_test(t, test_uri_link_keys);
	tcase_add_test(t, test_each_call_fails_once);
	tcase_add_test(t, test_link_dies_at_each_call);
	tcase_add_test(t, test_device_lost_at_each_call);
	tcase_add_test(t, test_each_call_fails_once_no_fill);
	tcase_add_test(t, test_lost_then_back);
	tcase_add_test(t, test_threads_on_the_link);
	tcase_add_test(t, test_slow_transfer_blocks_nobody);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
