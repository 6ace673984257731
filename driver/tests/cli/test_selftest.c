/* test_selftest.c: every check of `mote selftest` fails, naming what it
 * expected and what it found, on a board with that fault, and passes on the
 * same board without it.
 *
 * The board is the iCEBreaker build simulated (sim:board=icebreaker) behind a
 * wrapper of its backend (the driver tests' private mote__open_wrapped hook:
 * nothing in the public API) that plays a broken board: a memory data bit
 * stuck at 1, an address line not connected, a register bit stuck at 0, a
 * register that answers for another, a perf counter the device does not keep
 * reading non-zero, an error index off by one, a wrong ID, a corrupted
 * result.  Memory goes through the bulk calls (the mapping is hidden), so
 * every byte passes the wrapper, as it does on a board behind its link.
 */
#include <stdio.h>
#include <string.h>

#include "mote_priv.h"
#include "selftest.h"

enum fault { F_NONE, F_MEM_STUCK, F_MEM_ALIAS, F_REG_STUCK, F_REG_ALIAS, F_PERF, F_ERR_CMD, F_ID, F_RESULT };

struct bad_board {
	const struct mote_backend_ops *inner;
	void *be;
	struct mote_backend_ops ops;
	enum fault fault;
	int armed; /* after open: the driver's identity reads see a good board */
};

#define STUCK_ADDR 0x2468u /* byte whose bit 2 is stuck at 1 */
#define ALIAS_BIT 0x1000u  /* address line 12 not connected */

static uint32_t win_shadow; /* F_REG_ALIAS: WIN_BASE(1) answers with what WIN_SIZE(1) was given */

static int bb_reg_read(void *be, uint32_t off, uint32_t *v)
{
	struct bad_board *b = be;
	int rc = b->inner->reg_read(b->be, off, v);
	if (rc || !b->armed)
		return rc;
	if (b->fault == F_REG_STUCK && off == MOTE_REG_WDT_LIMIT)
		*v &= ~0x80u;
	if (b->fault == F_REG_ALIAS && off == MOTE_REG_WIN_BASE(1))
		*v = win_shadow;
	if (b->fault == F_PERF && off == MOTE_REG_PERF_LO(MOTE_PERF_FETCH_BUSY))
		*v = 7;
	if (b->fault == F_ERR_CMD && off == MOTE_REG_ERR_CMD)
		*v += 1;
	if (b->fault == F_ID && off == MOTE_REG_ID)
		*v = 0x12345678;
	return 0;
}

static int bb_reg_write(void *be, uint32_t off, uint32_t v)
{
	struct bad_board *b = be;
	if (b->armed && b->fault == F_REG_ALIAS && off == MOTE_REG_WIN_SIZE(1))
		win_shadow = v & ~63u; /* below the 128 KiB memory or not: as WIN_SIZE keeps it */
	return b->inner->reg_write(b->be, off, v);
}

/* F_MEM_ALIAS: the device address a transfer really reaches */
static uint64_t reach(const struct bad_board *b, uint64_t a)
{
	return b->armed && b->fault == F_MEM_ALIAS ? a & ~(uint64_t)ALIAS_BIT : a;
}

static int bb_mem_read(void *be, uint64_t addr, void *dst, size_t len)
{
	struct bad_board *b = be;
	unsigned char *d = dst;
	for (size_t done = 0; done < len;) { /* in pieces that do not cross an ALIAS_BIT boundary */
		size_t k = ALIAS_BIT - (addr + done) % ALIAS_BIT;
		k = k < len - done ? k : len - done;
		int rc = b->inner->mem_read(b->be, reach(b, addr + done), d + done, k);
		if (rc)
			return rc;
		done += k;
	}
	if (b->armed && b->fault == F_MEM_STUCK && addr <= STUCK_ADDR && STUCK_ADDR < addr + len)
		d[STUCK_ADDR - addr] |= 0x04;
	if (b->armed && b->fault == F_RESULT && len > 0)
		d[0] ^= 0x01;
	return 0;
}

static int bb_mem_write(void *be, uint64_t addr, const void *src, size_t len)
{
	struct bad_board *b = be;
	const unsigned char *s = src;
	for (size_t done = 0; done < len;) {
		size_t k = ALIAS_BIT - (addr + done) % ALIAS_BIT;
		k = k < len - done ? k : len - done;
		int rc = b->inner->mem_write(b->be, reach(b, addr + done), s + done, k);
		if (rc)
			return rc;
		done += k;
	}
	return 0;
}

static uint8_t *bb_mem_ptr(void *be)
{
	(void)be;
	return NULL; /* every byte through bb_mem_read / bb_mem_write */
}

static int bb_wait_irq(void *be, int timeout_ms)
{
	struct bad_board *b = be;
	return b->inner->wait_irq(b->be, timeout_ms);
}

static int bb_recover(void *be)
{
	struct bad_board *b = be;
	return b->inner->recover(b->be);
}

static double bb_speed(void *be)
{
	struct bad_board *b = be;
	return b->inner->speed ? b->inner->speed(b->be) : 0;
}

static void bb_close(void *be)
{
	struct bad_board *b = be;
	b->inner->close(b->be);
}

static void bb_wrap(void *ctx, const struct mote_backend_ops **ops, void **be)
{
	struct bad_board *b = ctx;
	b->inner = *ops;
	b->be = *be;
	b->ops = **ops;
	b->ops.reg_read = bb_reg_read;
	b->ops.reg_write = bb_reg_write;
	b->ops.reg_read_n = NULL; /* every register read through bb_reg_read */
	b->ops.reg_write_n = NULL;
	b->ops.mem_read = bb_mem_read;
	b->ops.mem_write = bb_mem_write;
	b->ops.mem_fill = NULL; /* zeroing by writes: through the fault too */
	b->ops.mem_ptr = bb_mem_ptr;
	b->ops.wait_irq = bb_wait_irq;
	b->ops.recover = bb_recover;
	b->ops.speed = bb_speed;
	b->ops.link_stats = NULL; /* the simulated board has no link */
	b->ops.close = bb_close;
	*ops = &b->ops;
	*be = b;
}

static int failures;

/* Run CHECK on the board with FAULT: its outcome must be WANT and its line
 * must hold TEXT. */
static void expect(const char *name, enum fault fault, st_check_fn check, enum st_outcome want, const char *text)
{
	struct bad_board b;
	memset(&b, 0, sizeof b);
	b.fault = fault;
	struct st_ctx c = {.dev = NULL, .quick = 0, .seed = 1};
	int rc = mote__open_wrapped("sim:board=icebreaker", NULL, bb_wrap, &b, &c.dev);
	if (rc < 0) {
		printf("test_selftest: %s: cannot open: %s\n", name, mote_error_name(rc));
		failures++;
		return;
	}
	mote_device_info(c.dev, &c.info);
	b.armed = 1;
	char detail[ST_DETAIL] = "";
	enum st_outcome got = check(&c, detail, sizeof detail);
	mote_close(c.dev);
	if (got != want || !strstr(detail, text)) {
		printf("test_selftest: %s: wanted outcome %d with '%s', got %d: %s\n", name, want, text, got, detail);
		failures++;
	} else {
		printf("  %-22s %s %s\n", name, got == ST_PASS ? "PASS" : "FAIL", detail);
	}
}

int main(void)
{
	/* each check passes on the board as it is, through the wrapper */
	char ident[64]; /* the spec's version, as the device reports it */
	snprintf(ident, sizeof ident, "mote %d.%d, 4x4 array", MOTE_HW_VERSION_MAJOR, MOTE_HW_VERSION_MINOR);
	expect("identity", F_NONE, st_identity, ST_PASS, ident);
	expect("registers", F_NONE, st_registers, ST_PASS, "clamped to the 128 KiB memory");
	expect("memory", F_NONE, st_memory, ST_PASS, "0x00000040..0x00020000");
	expect("compute", F_NONE, st_compute, ST_PASS, "bit-exact");
	expect("errors", F_NONE, st_errors, ST_PASS, "OPCODE at command 1");
	expect("perf", F_NONE, st_perf, ST_PASS, "not kept read 0");
	/* and fails on the fault it is there for */
	expect("wrong ID", F_ID, st_identity, ST_STOP, "ID 0x4d4f5445 expected, found 0x12345678");
	expect("stuck register bit", F_REG_STUCK, st_registers, ST_FAIL,
	       "WDT_LIMIT: wrote 0x00000080, expected 0x00000080, read 0x00000000 (bits 0x00000080 differ)");
	expect("register alias", F_REG_ALIAS, st_registers, ST_FAIL, "WIN_BASE(1): wrote 0x");
	expect("stuck data bit", F_MEM_STUCK, st_memory, ST_FAIL,
	       "address pass: at 0x00002468 wrote 0x00002468, read 0x0000246c (bits 0x00000004 differ); 1 of");
	expect("address line", F_MEM_ALIAS, st_memory, ST_FAIL,
	       "address pass: at 0x00000040 wrote 0x00000040, read 0x00001040 (bits 0x00001000 differ)");
	expect("corrupted result", F_RESULT, st_compute, ST_FAIL, "the reference's bytes expected");
	expect("error index", F_ERR_CMD, st_errors, ST_FAIL,
	       "illegal opcode: error OPCODE at command 1 expected, found OPCODE at command 2");
	expect("counter not kept", F_PERF, st_perf, ST_FAIL, "fetch_busy (not kept) 0 expected, the register reads 7");
	if (failures)
		printf("test_selftest: %d case(s) failed\n", failures);
	else
		printf("test_selftest: every check passes on the simulated board and fails on its fault, naming it\n");
	return failures != 0;
}
