/* test_link.c: the host side of the link protocol (driver/link.c,
 * driver/link_frame.c) against the reference board of link_ref_board.h:
 * every operation on a clean wire; thousands of random transfers through the
 * fault injector at rates well above the issue's (flips, drops and duplicates
 * of bytes), each either right or a clean IO after the retry budget, writes
 * executed exactly once per write request that succeeded; a stall shorter
 * than the budget (transparent) and one longer (IO, then the session comes
 * back); an unplugged wire (IO within the budget, resync fails too). */
#include <check.h>
#include <stdio.h>

#include "link_ref_board.h"
#include "mote_priv.h"

static void *t_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static const struct mote_alloc_hooks k_hooks = {t_alloc, t_free, NULL};

static struct mote_link_opts opts(double flip, double drop, double dup, unsigned retries)
{
	struct mote_link_opts o;
	memset(&o, 0, sizeof o);
	o.flip = flip;
	o.drop = drop;
	o.dup = dup;
	o.retries = retries;
	o.seed = 7;
	o.stall_at = 4096;
	return o;
}

static uint64_t g_rng = 99;
static uint32_t rnd32(void)
{
	g_rng = g_rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(g_rng >> 33);
}

START_TEST(test_clean_wire)
{
	struct ref_board *b = malloc(sizeof *b);
	rb_init(b, 3);
	struct link_transport tr = rb_transport(b);
	struct mote_link_opts o = opts(0, 0, 0, 4);
	struct link *l = NULL;
	ck_assert_int_eq(link_open(&k_hooks, &tr, &o, &l), 0);
	uint32_t v = 0;
	int irq = 1;
	ck_assert_int_eq(link_reg_read(l, MOTE_REG_ID, &v), 0);
	ck_assert_uint_eq(v, MOTE_ID_MAGIC);
	ck_assert_int_eq(link_reg_write(l, MOTE_REG_CMD_BASE, 0x12345678), 0);
	ck_assert_uint_eq(b->regs[MOTE_REG_CMD_BASE / 4], 0x12345678);
	ck_assert_int_eq(link_reg_read(l, MOTE_LREG_LINK_MEM_SIZE, &v), 0);
	ck_assert_uint_eq(v, RB_MEM);
	b->regs[MOTE_REG_STATUS / 4] = 0xa;
	b->irq = 1;
	ck_assert_int_eq(link_poll(l, &v, &irq), 0);
	ck_assert_uint_eq(v, 0xa);
	ck_assert_int_eq(irq, 1);
	/* bursts of registers */
	uint32_t w[70], rd[70];
	for (unsigned i = 0; i < 70; i++)
		w[i] = 0x1000u * i + 7;
	ck_assert_int_eq(link_reg_write_n(l, 0x100, 70, w), 0); /* two frames: 64 + 6 */
	for (unsigned i = 0; i < 70; i++)
		ck_assert_uint_eq(b->regs[0x100 / 4 + i], w[i]);
	ck_assert_int_eq(link_reg_read_n(l, 0x104, 66, rd), 0);
	ck_assert_int_eq(memcmp(rd, w + 1, 66 * 4), 0);
	ck_assert_int_eq(link_doorbell(l, 5), 0);
	ck_assert_uint_eq(b->regs[MOTE_REG_CTRL / 4], 5);
	ck_assert_int_eq(link_poll(l, &v, &irq), 0);
	ck_assert_int_eq(irq, 0);
	/* every flag and escape value, odd sizes and alignments */
	uint8_t src[3000], back[3000];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)(i % 7 == 0 ? MOTE_LINK_FLAG : i % 5 == 0 ? MOTE_LINK_ESC : rnd32());
	ck_assert_int_eq(link_mem_write(l, 13, src, sizeof src), 0);
	ck_assert_int_eq(memcmp(b->mem + 13, src, sizeof src), 0);
	ck_assert_int_eq(link_mem_read(l, 13, back, sizeof back), 0);
	ck_assert_int_eq(memcmp(back, src, sizeof src), 0);
	ck_assert_int_eq(link_mem_fill(l, 100, 0x7e, 700), 0);
	for (int i = 0; i < 700; i++)
		ck_assert_uint_eq(b->mem[100 + i], 0x7e);
	ck_assert_uint_eq(b->mem[99], src[86]);
	ck_assert_uint_eq(b->mem[800], src[787]);
	ck_assert_int_eq(link_mem_read(l, ((uint64_t)1 << 32) - 2, back, 3), MOTE_ERROR_RANGE);
	struct mote_link_stats st;
	link_get_stats(l, &st);
	ck_assert_uint_eq(st.retries, 0);
	ck_assert_uint_eq(st.crc_errors, 0);
	ck_assert_uint_eq(st.max_payload, 256);
	ck_assert_uint_eq(b->dups, 0);
	ck_assert_uint_eq(b->rx_bad, 0);
	link_close(l);
	rb_free(b);
	free(b);
}
END_TEST

/* Random transfers through faults.  Memory ends as the host wrote it; each
 * write request that succeeded was executed once (the board's count of
 * executed writes equals the requests; failed ones may or may not have been
 * executed, at most once). */
static void random_traffic(double flip, double drop, double dup, unsigned retries, int ops, int *n_io)
{
	struct ref_board *b = malloc(sizeof *b);
	rb_init(b, 3);
	struct link_transport tr = rb_transport(b);
	struct mote_link_opts o = opts(flip, drop, dup, retries);
	struct link *l = NULL;
	int rc;
	while ((rc = link_open(&k_hooks, &tr, &o, &l)) == MOTE_ERROR_IO)
		o.seed++; /* the same seed fails the same way */
	ck_assert_int_eq(rc, 0);
	static uint8_t shadow[RB_MEM], buf[4096];
	memset(shadow, 0, sizeof shadow);
	memset(b->mem, 0, sizeof b->mem);
	uint64_t writes_before, requests_before;
	struct mote_link_stats st;
	*n_io = 0;
	for (int i = 0; i < ops; i++) {
		link_get_stats(l, &st);
		requests_before = st.frames_sent - st.retries;
		size_t n = 1 + rnd32() % (rnd32() % 8 ? 100 : 1000);
		uint32_t a = rnd32() % (RB_MEM - (uint32_t)n);
		int kind = (int)(rnd32() % 3);
		writes_before = b->executed_writes;
		if (kind == 0) {
			for (size_t k = 0; k < n; k++)
				buf[k] = (uint8_t)rnd32();
			rc = link_mem_write(l, a, buf, n);
			if (!rc)
				memcpy(shadow + a, buf, n);
		} else if (kind == 1) {
			uint8_t v = (uint8_t)rnd32();
			rc = link_mem_fill(l, a, v, n);
			if (!rc)
				memset(shadow + a, v, n);
		} else {
			rc = link_mem_read(l, a, buf, n);
			if (!rc)
				ck_assert_msg(memcmp(buf, shadow + a, n) == 0, "op %d: read of %zu at %u differs", i, n, a);
		}
		if (kind < 2) {
			/* each write request of this transfer executed once (at most
			 * once for the one that failed) */
			link_get_stats(l, &st);
			uint64_t requests = st.frames_sent - st.retries - requests_before, done = b->executed_writes - writes_before;
			if (!rc)
				ck_assert_msg(done == requests, "op %d: %llu write requests, %llu executed", i,
					      (unsigned long long)requests, (unsigned long long)done);
			else
				ck_assert_msg(done == requests || done + 1 == requests, "op %d: %llu write requests, %llu executed",
					      i, (unsigned long long)requests, (unsigned long long)done);
		}
		if (rc) {
			ck_assert_int_eq(rc, MOTE_ERROR_IO);
			++*n_io;
			int rs;
			while ((rs = link_resync(l)) == MOTE_ERROR_IO)
				;
			ck_assert_int_eq(rs, 0);
			/* after the resync nothing sent before can still run: what the
			 * board has is the truth for that range */
			memcpy(shadow + a, b->mem + a, n);
		}
		if (memcmp(shadow, b->mem, RB_MEM) != 0) {
			size_t k = 0;
			while (shadow[k] == b->mem[k])
				k++;
			ck_abort_msg("op %d (kind %d, %zu bytes at %u, rc %d): memory differs at %zu", i, kind, n, a, rc, k);
		}
	}
	link_get_stats(l, &st);
	if (flip + drop + dup > 0) {
		ck_assert_uint_gt(st.retries, 0);
		ck_assert_uint_gt(st.crc_errors + st.timeouts, 0);
		ck_assert_uint_gt(st.injected_drops + st.injected_flips + st.injected_dups, 0);
	}
	printf("link %g/%g/%g, %d ops: %llu frames, %llu retries, %llu damaged, %llu timeouts, %llu stale, "
	       "board dups %llu, bad %llu, %d transfers gave up\n",
	       flip, drop, dup, ops, (unsigned long long)st.frames_sent, (unsigned long long)st.retries,
	       (unsigned long long)st.crc_errors, (unsigned long long)st.timeouts, (unsigned long long)st.stale,
	       (unsigned long long)b->dups, (unsigned long long)b->rx_bad, *n_io);
	link_close(l);
	rb_free(b);
	free(b);
}

START_TEST(test_faults_at_issue_rates)
{
	int n_io;
	random_traffic(1e-4, 0.01, 0.01, 24, 600, &n_io);
	ck_assert_int_eq(n_io, 0); /* the default budget covers these rates */
}
END_TEST

START_TEST(test_faults_heavy)
{
	int n_io;
	random_traffic(0.002, 0.03, 0.03, 2, 300, &n_io);
	ck_assert_int_gt(n_io, 0); /* a small budget at these rates does give up, cleanly */
}
END_TEST

START_TEST(test_stall_and_unplug)
{
	struct ref_board *b = malloc(sizeof *b);
	rb_init(b, 3);
	struct link_transport tr = rb_transport(b);
	struct mote_link_opts o = opts(0, 0, 0, 16);
	o.stall_ms = 2; /* shorter than 16 answer deadlines: transparent */
	o.stall_at = 500;
	struct link *l = NULL;
	uint8_t src[2000], back[2000];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)rnd32();
	ck_assert_int_eq(link_open(&k_hooks, &tr, &o, &l), 0);
	struct mote_link_stats st, st0;
	link_get_stats(l, &st0);
	ck_assert_int_eq(link_mem_write(l, 0, src, sizeof src), 0);
	link_get_stats(l, &st);
	/* each write request executed once, however many copies the stall held */
	ck_assert_uint_gt(st.retries, 0);
	ck_assert_uint_eq(b->executed_writes, (st.frames_sent - st.retries) - (st0.frames_sent - st0.retries));
	ck_assert_uint_gt(b->dups, 0); /* held copies arrived late: answered, not executed */
	ck_assert_int_eq(link_mem_read(l, 0, back, sizeof back), 0);
	ck_assert_int_eq(memcmp(src, back, sizeof src), 0);
	link_close(l);

	/* a stall longer than the budget: IO, the session comes back after it */
	rb_free(b);
	rb_init(b, 3);
	o.stall_ms = 1000;
	o.retries = 3;
	ck_assert_int_eq(link_open(&k_hooks, &tr, &o, &l), 0);
	ck_assert_int_eq(link_mem_write(l, 0, src, sizeof src), MOTE_ERROR_IO);
	int rc, tries = 0;
	while ((rc = link_resync(l)) == MOTE_ERROR_IO)
		tries++;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_gt(tries, 0);
	ck_assert_int_eq(link_mem_write(l, 0, src, sizeof src), 0);
	ck_assert_int_eq(link_mem_read(l, 0, back, sizeof back), 0);
	ck_assert_int_eq(memcmp(src, back, sizeof src), 0);
	link_close(l);

	/* unplugged: each call ends within its budget, IO */
	rb_free(b);
	rb_init(b, 3);
	o = opts(0, 0, 0, 5);
	o.have_unplug = 1;
	o.unplug = 300;
	ck_assert_int_eq(link_open(&k_hooks, &tr, &o, &l), 0);
	uint64_t t0 = b->now;
	ck_assert_int_eq(link_mem_write(l, 0, src, sizeof src), MOTE_ERROR_IO);
	ck_assert_int_eq(link_resync(l), MOTE_ERROR_IO);
	link_get_stats(l, &st);
	ck_assert_uint_eq(st.timeouts, 12);
	ck_assert_uint_lt(b->now - t0, 1000000); /* under a second of link time */
	link_close(l);
	rb_free(b);
	free(b);
}
END_TEST

START_TEST(test_not_a_board)
{
	struct ref_board *b = malloc(sizeof *b);
	rb_init(b, 3);
	struct link_transport tr = rb_transport(b);
	struct mote_link_opts o = opts(0, 0, 0, 2);
	struct link *l = NULL;
	b->dead = 1;
	ck_assert_int_eq(link_open(&k_hooks, &tr, &o, &l), MOTE_ERROR_IO);
	ck_assert_ptr_null(l);
	rb_free(b);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("link");
	TCase *t = tcase_create("link");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, test_clean_wire);
	tcase_add_test(t, test_faults_at_issue_rates);
	tcase_add_test(t, test_faults_heavy);
	tcase_add_test(t, test_stall_and_unplug);
	tcase_add_test(t, test_not_a_board);
	suite_add_tcase(s, t);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
