/* test_jobs.c: jobs on the simulated device (every geometry), hardware
 * errors followed by good jobs, timeouts, busy, abort, watchdog, two threads
 * on one device, and the simulator's memory model through sim/mote_sim.h. */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mote_sim.h"
#include "test_util.h"

static const unsigned k_geoms[][2] = {{4, 4}, {8, 8}, {16, 16}};

static mote_device *open_geom(unsigned r, unsigned c)
{
	char uri[96];
	mote_device *dev = NULL;
	snprintf(uri, sizeof(uri), "sim:rows=%u,cols=%u,mem=1M", r, c);
	ck_assert_int_eq(mote_open(uri, &dev), MOTE_SUCCESS);
	return dev;
}

/* Run STREAM (N commands) with only an X window over it. */
static int run_stream(mote_device *dev, const uint32_t *stream, unsigned n, struct mote_job_result *r)
{
	mote_buffer *b = upload_cmds(dev, stream, n);
	struct mote_job_desc d = job_desc(b, n);
	int rc = mote_run(dev, &d, 20000, r);
	ck_assert_int_eq(mote_buffer_free(dev, b), MOTE_SUCCESS);
	return rc;
}

START_TEST(test_smoke_geometry)
{
	const unsigned R = k_geoms[_i][0], C = k_geoms[_i][1];
	mote_device *dev = open_geom(R, C);
	uint32_t v = 0, stream[3 * MOTE_CMD_WORDS];
	struct mote_job_result r;

	ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_ID, &v), MOTE_SUCCESS);
	ck_assert_uint_eq(v, MOTE_ID_MAGIC);
	ck_assert_int_eq(mote_reg_read(dev, MOTE_REG_GEOMETRY, &v), MOTE_SUCCESS);
	ck_assert_uint_eq((v & MOTE_GEOMETRY_ROWS_MASK) >> MOTE_GEOMETRY_ROWS_LSB, R);
	ck_assert_uint_eq((v & MOTE_GEOMETRY_COLS_MASK) >> MOTE_GEOMETRY_COLS_LSB, C);
	ck_assert_uint_eq((v & MOTE_GEOMETRY_MEM_BYTES_MASK) >> MOTE_GEOMETRY_MEM_BYTES_LSB, 2 * R);
	ck_assert_uint_eq((v & MOTE_GEOMETRY_WINDOWS_MASK) >> MOTE_GEOMETRY_WINDOWS_LSB, MOTE_NUM_WINDOWS);

	/* END only. */
	put_end(cmd_at(stream, 0));
	ck_assert_int_eq(run_stream(dev, stream, 1, &r), MOTE_SUCCESS);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_NONE);
	ck_assert_uint_gt(r.perf[MOTE_PERF_CYCLES], 0);
	ck_assert_uint_ge(r.perf[MOTE_PERF_BYTES_READ], 4); /* the END (one word) was fetched */

	/* An illegal opcode at index 1 fails the job precisely... */
	put_nop_matmul(cmd_at(stream, 0));
	memset(cmd_at(stream, 1), 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(cmd_at(stream, 1), HDR, OPCODE, 0x77);
	put_end(cmd_at(stream, 2));
	ck_assert_int_eq(run_stream(dev, stream, 3, &r), MOTE_ERROR_JOB_FAILED);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_OPCODE);
	ck_assert_str_eq(r.hw_error_name, "OPCODE");
	ck_assert_uint_eq(r.err_cmd, 1);

	/* ...and the device runs the next job normally. */
	put_nop_matmul(cmd_at(stream, 0));
	put_end(cmd_at(stream, 1));
	ck_assert_int_eq(run_stream(dev, stream, 2, &r), MOTE_SUCCESS);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_NONE);
	/* The MATMUL retired; whether END counts as retired is the RTL's call. */
	ck_assert_uint_ge(r.cmds_done, 1);
	ck_assert_uint_le(r.cmds_done, 2);

	/* CMD_COUNT commands without END. */
	ck_assert_int_eq(run_stream(dev, stream, 1, &r), MOTE_ERROR_JOB_FAILED);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_NO_END);
	mote_close(dev);
}
END_TEST

START_TEST(test_fetch_window)
{
	mote_device *dev = open_geom(8, 8);
	uint32_t stream[MOTE_CMD_WORDS];
	struct mote_job_result r;
	uint32_t addr;
	put_end(stream);
	mote_buffer *b = upload_cmds(dev, stream, 1);
	ck_assert_int_eq(mote_buffer_addr(dev, b, &addr, NULL), MOTE_SUCCESS);
	struct mote_job_desc d = job_desc(b, 1);
	d.windows[0].perm = MOTE_PERM_R | MOTE_PERM_W; /* readable, not executable */
	ck_assert_int_eq(mote_run(dev, &d, 20000, &r), MOTE_ERROR_JOB_FAILED);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_FETCH_WINDOW);
	ck_assert_uint_eq(r.err_cmd, 0);
	ck_assert_uint_eq(r.err_addr, addr);
	d.windows[0].perm = MOTE_PERM_X;
	ck_assert_int_eq(mote_run(dev, &d, 20000, &r), MOTE_SUCCESS);
	mote_close(dev);
}
END_TEST

/* A MATMUL that waits for a load token nobody gives: no progress. */
static mote_buffer *upload_stuck_stream(mote_device *dev)
{
	uint32_t stream[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(stream, 0));
	MOTE_CMD_SET(cmd_at(stream, 0), HDR, POP_PREV, 1);
	put_end(cmd_at(stream, 1));
	return upload_cmds(dev, stream, 2);
}

START_TEST(test_timeout_busy_abort)
{
	mote_device *dev = open_geom(8, 8);
	struct mote_job_result r;
	mote_job job, other;
	ck_assert_int_eq(mote_set_watchdog(dev, 0), MOTE_SUCCESS); /* 2^32 cycles */
	mote_buffer *b = upload_stuck_stream(dev);
	struct mote_job_desc d = job_desc(b, 2);
	ck_assert_int_eq(mote_submit(dev, &d, &job), MOTE_SUCCESS);
	ck_assert_int_eq(mote_wait(dev, job, 0, &r), MOTE_ERROR_TIMEOUT);
	ck_assert_int_eq(mote_wait(dev, job, 30, &r), MOTE_ERROR_TIMEOUT);
	ck_assert_int_eq(mote_submit(dev, &d, &other), MOTE_ERROR_BUSY);
	ck_assert_int_eq(mote_buffer_free(dev, b), MOTE_ERROR_BUSY);
	ck_assert_int_eq(mote_abort(dev, job), MOTE_SUCCESS);
	ck_assert_int_eq(mote_wait(dev, job, MOTE_TIMEOUT_INFINITE, &r), MOTE_ERROR_JOB_FAILED);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_ABORTED);
	ck_assert_int_eq(mote_abort(dev, job), MOTE_ERROR_STATE);
	ck_assert_int_eq(mote_buffer_free(dev, b), MOTE_SUCCESS);

	uint32_t stream[MOTE_CMD_WORDS];
	put_end(stream);
	ck_assert_int_eq(run_stream(dev, stream, 1, &r), MOTE_SUCCESS);
	mote_close(dev);
}
END_TEST

START_TEST(test_watchdog)
{
	mote_device *dev = open_geom(4, 4);
	struct mote_job_result r;
	ck_assert_int_eq(mote_set_watchdog(dev, 500), MOTE_SUCCESS);
	mote_buffer *b = upload_stuck_stream(dev);
	struct mote_job_desc d = job_desc(b, 2);
	ck_assert_int_eq(mote_run(dev, &d, 20000, &r), MOTE_ERROR_JOB_FAILED);
	ck_assert_uint_eq(r.hw_error, MOTE_ERR_WATCHDOG);
	ck_assert_uint_eq(r.err_cmd, 0);
	/* The job cannot end before the limit, and not much after it. */
	ck_assert_uint_ge(r.perf[MOTE_PERF_CYCLES], 500);
	ck_assert_uint_lt(r.perf[MOTE_PERF_CYCLES], 5000);
	mote_close(dev);
}
END_TEST

START_TEST(test_close_while_running)
{
	struct count_hooks h;
	struct mote_open_options o;
	mote_device *dev;
	mote_job job;
	count_hooks_init(&h, -1);
	o.hooks = &h.hooks;
	ck_assert_int_eq(mote_open_ex("sim:mem=1M", &o, &dev), MOTE_SUCCESS);
	ck_assert_int_eq(mote_set_watchdog(dev, 0), MOTE_SUCCESS);
	mote_buffer *b = upload_stuck_stream(dev);
	struct mote_job_desc d = job_desc(b, 2);
	ck_assert_int_eq(mote_submit(dev, &d, &job), MOTE_SUCCESS);
	ck_assert_int_eq(mote_wait(dev, job, 0, NULL), MOTE_ERROR_TIMEOUT);
	mote_close(dev);
	ck_assert_int_gt(h.allocs, 0);
	ck_assert_int_eq(h.allocs, h.frees);
}
END_TEST

/* ---- two threads on one device ---- */

struct thread_arg {
	mote_device *dev;
	int jobs_ok;
	int other_ok;
};

static void *job_thread(void *p)
{
	struct thread_arg *a = p;
	uint32_t stream[2 * MOTE_CMD_WORDS];
	put_nop_matmul(cmd_at(stream, 0));
	put_end(cmd_at(stream, 1));
	mote_buffer *b = NULL;
	if (mote_buffer_alloc(a->dev, sizeof(stream), &b) || write_cmds(a->dev, b, stream, 2))
		return NULL;
	struct mote_job_desc d = job_desc(b, 2);
	for (int i = 0; i < 10; i++) {
		struct mote_job_result r;
		int rc;
		while ((rc = mote_run(a->dev, &d, 20000, &r)) == MOTE_ERROR_BUSY)
			sched_yield();
		if (rc == MOTE_SUCCESS && r.cmds_done >= 1 && r.cmds_done <= 2)
			a->jobs_ok++;
	}
	mote_buffer_free(a->dev, b);
	return NULL;
}

static void *poke_thread(void *p)
{
	struct thread_arg *a = p;
	for (int i = 0; i < 200; i++) {
		uint32_t v = 0;
		mote_buffer *b = NULL;
		uint8_t x = (uint8_t)i, y = 0;
		if (mote_reg_read(a->dev, MOTE_REG_ID, &v) == MOTE_SUCCESS && v == MOTE_ID_MAGIC &&
		    mote_buffer_alloc(a->dev, 64, &b) == MOTE_SUCCESS &&
		    mote_buffer_write(a->dev, b, 7, &x, 1) == MOTE_SUCCESS &&
		    mote_buffer_read(a->dev, b, 7, &y, 1) == MOTE_SUCCESS && y == x &&
		    mote_buffer_free(a->dev, b) == MOTE_SUCCESS)
			a->other_ok++;
	}
	return NULL;
}

START_TEST(test_two_threads)
{
	mote_device *dev = open_geom(8, 8);
	struct thread_arg a = {dev, 0, 0}, b = {dev, 0, 0}, c = {dev, 0, 0};
	pthread_t ta, tb, tc;
	ck_assert_int_eq(pthread_create(&ta, NULL, job_thread, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, job_thread, &b), 0);
	ck_assert_int_eq(pthread_create(&tc, NULL, poke_thread, &c), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	ck_assert_int_eq(a.jobs_ok, 10);
	ck_assert_int_eq(b.jobs_ok, 10);
	ck_assert_int_eq(c.other_ok, 200);
	mote_close(dev);
}
END_TEST

/* ---- the simulator library directly ---- */

START_TEST(test_sim_create_errors)
{
	mote_sim *s = (mote_sim *)&s;
	ck_assert_int_eq(mote_sim_create(3, 3, 4096, 1, 16, NULL, &s), MOTE_SIM_ENOGEOM);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(mote_sim_create(8, 8, 0, 1, 16, NULL, &s), MOTE_SIM_EINVAL);
	ck_assert_int_eq(mote_sim_create(8, 8, 4096, 0, 16, NULL, &s), MOTE_SIM_EINVAL);
	ck_assert_int_eq(mote_sim_create(8, 8, 4096, MOTE_SIM_MAX_LATENCY + 1, 16, NULL, &s), MOTE_SIM_EINVAL);
	ck_assert_int_eq(mote_sim_create(8, 8, 4096, 1, 0, NULL, &s), MOTE_SIM_EINVAL);
	ck_assert_int_eq(mote_sim_create(8, 8, MOTE_SIM_MEM_MAX + 1, 1, 16, NULL, &s), MOTE_SIM_EINVAL);
	ck_assert_int_eq(mote_sim_create(8, 8, 4096, 1, 16, "/nonexistent/dir/x.fst", &s), MOTE_SIM_ETRACE);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(mote_sim_create(8, 8, 4096, 1, 16, NULL, NULL), MOTE_SIM_EINVAL);

	ck_assert_int_eq(mote_sim_create(8, 8, 4096, 1, 16, NULL, &s), MOTE_SIM_OK);
	ck_assert_uint_eq(mote_sim_bus_bytes(s), 16);
	uint8_t buf[16] = {1, 2, 3};
	ck_assert_int_eq(mote_sim_mem_write(s, 4090, buf, 6), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_mem_write(s, 4090, buf, 7), MOTE_SIM_ERANGE);
	ck_assert_int_eq(mote_sim_mem_read(s, UINT64_MAX, buf, 2), MOTE_SIM_ERANGE);
	ck_assert_int_eq(mote_sim_guard_add(s, 0, 0), MOTE_SIM_EINVAL);
	ck_assert_int_eq(mote_sim_guard_add(s, UINT64_MAX, 2), MOTE_SIM_EINVAL);
	for (int i = 0; i < MOTE_SIM_MAX_GUARDS; i++)
		ck_assert_int_eq(mote_sim_guard_add(s, 64u * (unsigned)i, 64), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_guard_add(s, 0, 64), MOTE_SIM_EFULL);
	uint64_t before = mote_sim_cycles(s);
	ck_assert_int_eq(mote_sim_step(s, 1000), MOTE_SIM_OK);
	ck_assert_uint_eq(mote_sim_cycles(s), before + 1000);
	ck_assert_int_eq(mote_sim_irq(s), 0);
	uint64_t ran = 0;
	ck_assert_int_eq(mote_sim_run(s, 50, &ran), 0); /* no job: no interrupt */
	ck_assert_uint_eq(ran, 50);
	ck_assert(mote_sim_cycles_per_second(s) > 0);
	mote_sim_destroy(s);
	mote_sim_destroy(NULL);
	ck_assert_str_eq(mote_sim_strerror(MOTE_SIM_ERANGE), "address range outside the device memory");
}
END_TEST

START_TEST(test_sim_trace_file)
{
	char path[] = "/tmp/mote_trace_XXXXXX";
	int fd = mkstemp(path);
	struct stat st;
	mote_sim *s;
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(mote_sim_create(4, 4, 4096, 1, 8, path, &s), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_step(s, 100), MOTE_SIM_OK);
	mote_sim_destroy(s);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 100);
	unlink(path);
}
END_TEST

/* Cycles of a job on a device with this memory model: a stream of N_NOP
 * no-op MATMULs and an END, run through the driver. */
static uint64_t job_cycles(const char *uri, unsigned n_nop)
{
	mote_device *dev;
	uint32_t stream[9 * MOTE_CMD_WORDS];
	struct mote_job_result r;
	ck_assert_uint_le(n_nop, 8);
	for (unsigned i = 0; i < n_nop; i++)
		put_nop_matmul(cmd_at(stream, i));
	put_end(cmd_at(stream, n_nop));
	ck_assert_int_eq(mote_open(uri, &dev), MOTE_SUCCESS);
	ck_assert_int_eq(run_stream(dev, stream, n_nop + 1, &r), MOTE_SUCCESS);
	mote_close(dev);
	return r.perf[MOTE_PERF_CYCLES];
}

START_TEST(test_sim_latency_bandwidth)
{
	/* Each command costs at least one read round trip more at higher latency. */
	uint64_t fast = job_cycles("sim:latency=1", 8);
	uint64_t slow = job_cycles("sim:latency=60", 8);
	ck_assert_msg(slow >= fast + 59, "latency 1: %lu, latency 60: %lu", (unsigned long)fast, (unsigned long)slow);
	/* At 1 byte per cycle a 16-byte request needs 16 cycles of budget (the
	 * first is free): 9 commands need at least 9 requests, >= 8*16 cycles. */
	uint64_t narrow = job_cycles("sim:latency=1,bw=1", 8);
	ck_assert_msg(narrow >= 8 * 16 && narrow > fast, "bw full: %lu, bw 1: %lu", (unsigned long)fast,
		      (unsigned long)narrow);
}
END_TEST

/* Run a one-STORE job (INT32, accumulator row 0, 8 columns of 4 bytes, to
 * STORE_ADDR) on an 8x8 sim with a write window [WIN, WIN+64).  Returns the
 * ERR_CODE register. */
static uint32_t run_store(mote_sim *s, uint32_t store_addr, uint32_t win)
{
	uint32_t stream[2 * MOTE_CMD_WORDS], err = 99;
	uint32_t *c = cmd_at(stream, 0);
	memset(c, 0, 4 * MOTE_CMD_WORDS);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_STORE);
	MOTE_CMD_SET(c, STORE, INT32, 1);
	MOTE_CMD_SET(c, STORE, N_INNER, 1);
	MOTE_CMD_SET(c, STORE, N_OUTER, 1);
	MOTE_CMD_SET(c, STORE, ADDR0, store_addr);
	MOTE_CMD_SET(c, STORE, NCOLS, 8);
	MOTE_CMD_SET(c, STORE, CLAMP_LO, -128);
	MOTE_CMD_SET(c, STORE, CLAMP_HI, 127);
	put_end(cmd_at(stream, 1));
	uint8_t packed[sizeof stream];
	size_t bytes = mote_cmds_pack(packed, stream, 2);
	ck_assert_int_eq(mote_sim_mem_write(s, 0x1000, packed, bytes), MOTE_SIM_OK);
	const uint32_t regs[][2] = {
		{MOTE_REG_WIN_BASE(0), 0x1000}, {MOTE_REG_WIN_SIZE(0), 128},
		{MOTE_REG_WIN_PERM(0), MOTE_PERM_X}, {MOTE_REG_WIN_BASE(1), win},
		{MOTE_REG_WIN_SIZE(1), 64}, {MOTE_REG_WIN_PERM(1), MOTE_PERM_W},
		{MOTE_REG_CMD_BASE, 0x1000}, {MOTE_REG_CMD_COUNT, 2}, {MOTE_REG_WDT_LIMIT, 100000},
		{MOTE_REG_IRQ_ACK, 1}, {MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK},
	};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		ck_assert_int_eq(mote_sim_csr_write(s, regs[i][0], regs[i][1]), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_run(s, 200000, NULL), 1);
	ck_assert_int_eq(mote_sim_csr_read(s, MOTE_REG_ERR_CODE, &err), MOTE_SIM_OK);
	return err;
}

START_TEST(test_sim_guards_and_bus_errors)
{
	mote_sim *s;
	struct mote_sim_stats st;
	ck_assert_int_eq(mote_sim_create(8, 8, 0x10000, 4, 16, NULL, &s), MOTE_SIM_OK);
	/* A guard just after the 32 bytes written: strobes keep the device out. */
	ck_assert_int_eq(mote_sim_guard_add(s, 0x2020, 0x20), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_guard_add(s, 0x1ff0, 0x10), MOTE_SIM_OK);
	ck_assert_uint_eq(run_store(s, 0x2000, 0x2000), MOTE_ERR_NONE);
	mote_sim_get_stats(s, &st);
	ck_assert_uint_ge(st.writes, 2); /* 32 bytes on a 16-byte bus */
	ck_assert_uint_eq(st.guard_hits, 0);
	ck_assert_uint_eq(st.bus_errors, 0);
	/* A guard inside the written range is hit, at its first byte. */
	mote_sim_guard_clear(s);
	ck_assert_int_eq(mote_sim_guard_add(s, 0x2014, 4), MOTE_SIM_OK);
	ck_assert_uint_eq(run_store(s, 0x2000, 0x2000), MOTE_ERR_NONE);
	mote_sim_get_stats(s, &st);
	ck_assert_uint_eq(st.guard_hits, 1);
	ck_assert_uint_eq(st.first_guard_hit, 0x2014);
	/* A write beyond the 64K memory is a bus error, not a crash. */
	ck_assert_uint_eq(run_store(s, 0x10000, 0x10000), MOTE_ERR_NONE);
	mote_sim_get_stats(s, &st);
	ck_assert_uint_ge(st.bus_errors, 1);
	ck_assert_uint_eq(st.first_bus_error, 0x10000);
	mote_sim_destroy(s);
}
END_TEST

/* Start a raw job on sim S: one window [0, 4 GiB) with every permission (the
 * board clamps it to its memory), the stream at BASE, COUNT commands; run it
 * to its end and return ERR_CODE, with ERR_CMD and ERR_ADDR in *CMD, *ADDR. */
static uint32_t run_raw(mote_sim *s, uint32_t base, uint32_t count, uint32_t *cmd, uint32_t *addr)
{
	uint32_t err = 99;
	const uint32_t regs[][2] = {
		{MOTE_REG_WIN_BASE(0), 0}, {MOTE_REG_WIN_SIZE(0), 0xffffffc0},
		{MOTE_REG_WIN_PERM(0), MOTE_PERM_R | MOTE_PERM_W | MOTE_PERM_X},
		{MOTE_REG_CMD_BASE, base}, {MOTE_REG_CMD_COUNT, count}, {MOTE_REG_WDT_LIMIT, 100000},
		{MOTE_REG_IRQ_ACK, 1}, {MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK},
	};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		ck_assert_int_eq(mote_sim_csr_write(s, regs[i][0], regs[i][1]), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_run(s, 2000000, NULL), 1);
	ck_assert_int_eq(mote_sim_csr_read(s, MOTE_REG_ERR_CODE, &err), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_csr_read(s, MOTE_REG_ERR_CMD, cmd), MOTE_SIM_OK);
	ck_assert_int_eq(mote_sim_csr_read(s, MOTE_REG_ERR_ADDR, addr), MOTE_SIM_OK);
	return err;
}

/* The board keeps command indices in as few bits as its memory needs (one
 * more than its memory's 32-bit words, the shortest command's length: 16 for
 * 128 KB).  At the edges of that width: a memory full of one-word commands
 * (SYNC) without END faults on the first word past the memory with ERR_CMD =
 * 32768 (the top bit); NO_END reports CMD_COUNT itself; a count beyond every
 * index the memory holds (2^16 and up, all ones, 2^32-1) still ends at the
 * memory's end. */
START_TEST(test_board_command_index_width)
{
	mote_sim *s;
	uint64_t mem = 0;
	uint32_t cmd = 0, addr = 0;
	ck_assert_int_eq(mote_sim_create_board("icebreaker", NULL, &s), MOTE_SIM_OK);
	uint8_t *m = mote_sim_mem(s, &mem);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(mem, 128 * 1024);
	const uint32_t slots = (uint32_t)(mem / 4);
	uint32_t c[MOTE_CMD_WORDS];
	memset(c, 0, sizeof c);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_SYNC);
	ck_assert_uint_eq(mote_cmd_len(c[0]), 1);
	for (uint32_t i = 0; i < slots; i++)
		ck_assert_int_eq(mote_sim_mem_write(s, (uint64_t)i * 4, c, 4), MOTE_SIM_OK);
	static const uint32_t counts[] = {0xffffffffu, 65536, 65535, 32769, 0x80000000u};
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		ck_assert_uint_eq(run_raw(s, 0, counts[k], &cmd, &addr), MOTE_ERR_FETCH_WINDOW);
		ck_assert_uint_eq(cmd, slots);
		ck_assert_uint_eq(addr, (uint32_t)mem);
	}
	/* every command the memory holds, no END: NO_END with CMD_COUNT */
	ck_assert_uint_eq(run_raw(s, 0, slots, &cmd, &addr), MOTE_ERR_NO_END);
	ck_assert_uint_eq(cmd, slots);
	ck_assert_uint_eq(run_raw(s, 0, slots - 1, &cmd, &addr), MOTE_ERR_NO_END);
	ck_assert_uint_eq(cmd, slots - 1);
	/* started near the end: the index counts from the stream's start */
	ck_assert_uint_eq(run_raw(s, (uint32_t)mem - 3 * 4, 0xffffffffu, &cmd, &addr), MOTE_ERR_FETCH_WINDOW);
	ck_assert_uint_eq(cmd, 3);
	ck_assert_uint_eq(addr, (uint32_t)mem);
	/* a stream starting beyond the memory faults at once, its address whole */
	ck_assert_uint_eq(run_raw(s, 0x40000000, 5, &cmd, &addr), MOTE_ERR_FETCH_WINDOW);
	ck_assert_uint_eq(cmd, 0);
	ck_assert_uint_eq(addr, 0x40000000);
	/* and the last word holding END runs clean through 32767 commands */
	put_end(c);
	ck_assert_int_eq(mote_sim_mem_write(s, mem - 4, c, 4), MOTE_SIM_OK);
	ck_assert_uint_eq(run_raw(s, 0, 0xffffffffu, &cmd, &addr), MOTE_ERR_NONE);
	uint32_t done = 0;
	ck_assert_int_eq(mote_sim_csr_read(s, MOTE_REG_CMDS_DONE, &done), MOTE_SIM_OK);
	ck_assert_uint_eq(done, slots);
	mote_sim_destroy(s);
}
END_TEST

static Suite *jobs_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *t = tcase_create("device");
	tcase_set_timeout(t, 300);
	tcase_add_loop_test(t, test_smoke_geometry, 0, (int)(sizeof(k_geoms) / sizeof(k_geoms[0])));
	tcase_add_test(t, test_fetch_window);
	tcase_add_test(t, test_timeout_busy_abort);
	tcase_add_test(t, test_watchdog);
	tcase_add_test(t, test_close_while_running);
	tcase_add_test(t, test_two_threads);
	suite_add_tcase(s, t);
	TCase *m = tcase_create("sim");
	tcase_set_timeout(m, 120);
	tcase_add_test(m, test_sim_create_errors);
	tcase_add_test(m, test_sim_trace_file);
	tcase_add_test(m, test_sim_latency_bandwidth);
	tcase_add_test(m, test_sim_guards_and_bus_errors);
	tcase_add_test(m, test_board_command_index_width);
	suite_add_tcase(s, m);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jobs_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
