/* selftest_regs.c: `mote selftest`'s identity and register checks.
 *
 * identity: ID and VERSION, the geometry, features and perf configuration
 * read again and compared with what the driver read at open, and each one
 * plausible.  registers: the read/write configuration registers (CMD_BASE,
 * CMD_COUNT, WDT_LIMIT, every window's BASE, SIZE and PERM) each hold
 * walking-ones, walking-zeros, all-zeros and all-ones patterns, every
 * register a different one at a time and all read back after all were
 * written (a register that answers for another is caught); then restored.
 */
#include <stdio.h>
#include <string.h>

#include "selftest.h"

enum st_outcome st_driver_fail(int rc, const char *what, char *detail, size_t n)
{
	snprintf(detail, n, "%s: success expected, the driver returned %s (%s)", what, mote_error_name(rc),
		 mote_strerror(rc));
	return rc == MOTE_ERROR_IO || rc == MOTE_ERROR_LOST ? ST_STOP : ST_FAIL;
}

void st_bytes(uint64_t v, char *out, size_t n)
{
	if (v >= (1u << 20) && v % (1u << 20) == 0)
		snprintf(out, n, "%llu MiB", (unsigned long long)(v >> 20));
	else if (v >= 1024 && v % 1024 == 0)
		snprintf(out, n, "%llu KiB", (unsigned long long)(v >> 10));
	else
		snprintf(out, n, "%llu bytes", (unsigned long long)v);
}

static uint32_t field(uint32_t v, uint32_t mask, unsigned lsb)
{
	return (v & mask) >> lsb;
}

enum st_outcome st_identity(struct st_ctx *c, char *detail, size_t n)
{
	const struct mote_device_info *in = &c->info;
	const struct mote_geometry *g = &in->geometry;
	static const uint32_t regs[] = {MOTE_REG_ID, MOTE_REG_VERSION, MOTE_REG_GEOMETRY, MOTE_REG_ABUF_DEPTH,
					MOTE_REG_WBUF_DEPTH, MOTE_REG_BBUF_DEPTH, MOTE_REG_ACC_DEPTH, MOTE_REG_FEATURES,
					MOTE_REG_PERF_CONFIG, MOTE_REG_PERF_SET};
	uint32_t v[sizeof regs / sizeof regs[0]];
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
		int rc = mote_reg_read(c->dev, regs[i], &v[i]);
		if (rc < 0) { /* nothing after identity means anything then */
			st_driver_fail(rc, "reading the identity registers", detail, n);
			return ST_STOP;
		}
	}
	if (v[0] != MOTE_ID_MAGIC) {
		snprintf(detail, n, "ID 0x%08x expected, found 0x%08x: not a mote device", MOTE_ID_MAGIC, v[0]);
		return ST_STOP;
	}
	if (v[1] >> 16 != MOTE_HW_VERSION_MAJOR) {
		snprintf(detail, n, "spec major version %u expected, found %u.%u", MOTE_HW_VERSION_MAJOR, v[1] >> 16,
			 v[1] & 0xffff);
		return ST_STOP;
	}
	/* the same registers read twice (at open, now) must agree; before spec 1.3
	 * there were no PERF_CONFIG and PERF_SET: every counter, 64 bits */
	int have_pcfg = v[1] >> 16 > 1 || (v[1] & 0xffff) >= 3;
	uint32_t geo = v[2];
	uint32_t pw = have_pcfg ? field(v[8], MOTE_PERF_CONFIG_WIDTH_MASK, MOTE_PERF_CONFIG_WIDTH_LSB) : 64;
	if (!have_pcfg)
		v[9] = (1u << MOTE_NUM_PERF) - 1;
	const struct {
		const char *name;
		uint64_t now, at_open;
	} same[] = {
		{"VERSION", v[1], in->hw_version},
		{"GEOMETRY.ROWS", field(geo, MOTE_GEOMETRY_ROWS_MASK, MOTE_GEOMETRY_ROWS_LSB), g->rows},
		{"GEOMETRY.COLS", field(geo, MOTE_GEOMETRY_COLS_MASK, MOTE_GEOMETRY_COLS_LSB), g->cols},
		{"GEOMETRY.MEM_BYTES", field(geo, MOTE_GEOMETRY_MEM_BYTES_MASK, MOTE_GEOMETRY_MEM_BYTES_LSB), g->mem_bytes},
		{"GEOMETRY.WINDOWS", field(geo, MOTE_GEOMETRY_WINDOWS_MASK, MOTE_GEOMETRY_WINDOWS_LSB), in->num_windows},
		{"ABUF_DEPTH", v[3], g->abuf_depth},
		{"WBUF_DEPTH", v[4], g->wbuf_depth},
		{"BBUF_DEPTH", v[5], g->bbuf_depth},
		{"ACC_DEPTH", v[6], g->acc_depth},
		{"FEATURES", v[7], g->features},
		{"PERF_CONFIG.WIDTH", pw, in->perf_width},
		{"PERF_SET", v[9], in->perf_set},
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		if (same[i].now != same[i].at_open) {
			snprintf(detail, n, "%s read 0x%llx at open, now 0x%llx (unstable register reads)", same[i].name,
				 (unsigned long long)same[i].at_open, (unsigned long long)same[i].now);
			return ST_FAIL;
		}
	/* plausible: what the command set and the driver need of a device */
	const uint32_t need = 1u << MOTE_PERF_CYCLES | 1u << MOTE_PERF_MACS_USEFUL | 1u << MOTE_PERF_CMDS;
	const uint32_t known = MOTE_FEATURES_DEFINED_MASK; /* every FEATURES bit mote_hw.spec defines */
	const uint32_t queues = (g->features & MOTE_FEATURES_QUEUES_MASK) >> MOTE_FEATURES_QUEUES_LSB;
	const struct {
		int ok;
		const char *want;
		uint64_t found;
	} sane[] = {
		{g->rows > 0, "ROWS > 0", g->rows},
		{g->cols > 0, "COLS > 0", g->cols},
		{g->mem_bytes > 0, "MEM_BYTES > 0", g->mem_bytes},
		{in->num_windows == MOTE_NUM_WINDOWS, "WINDOWS = " "4", in->num_windows},
		{g->wbuf_depth >= g->rows, "WBUF_DEPTH >= ROWS (one weight tile)", g->wbuf_depth},
		{g->abuf_depth >= g->rows && g->abuf_depth >= g->cols, "ABUF_DEPTH >= ROWS and COLS", g->abuf_depth},
		{g->acc_depth >= g->cols, "ACC_DEPTH >= COLS", g->acc_depth},
		{g->bbuf_depth >= MOTE_BIAS_ROWS, "BBUF_DEPTH >= BIAS_ROWS (3)", g->bbuf_depth},
		{(g->features & ~known) == 0, "no FEATURES bits beyond the spec's", g->features},
		{queues <= MOTE_QUEUES_ONE, "FEATURES.QUEUES <= 2", queues},
		{pw >= 16 && pw <= 64, "PERF_CONFIG.WIDTH 16..64", pw},
		{(v[9] & need) == need, "PERF_SET with CYCLES, MACS_USEFUL and CMDS", v[9]},
		{v[9] >> MOTE_NUM_PERF == 0, "no PERF_SET bits beyond the spec's counters", v[9]},
		{in->mem_size >= 2 * MOTE_WINDOW_ALIGN && in->mem_size % MOTE_WINDOW_ALIGN == 0 &&
			 in->mem_size <= ((uint64_t)1 << 32),
		 "device memory a multiple of 64 bytes, 128 bytes to 4 GiB", in->mem_size},
	};
	for (size_t i = 0; i < sizeof sane / sizeof sane[0]; i++)
		if (!sane[i].ok) {
			snprintf(detail, n, "%s expected, found %llu (0x%llx)", sane[i].want,
				 (unsigned long long)sane[i].found, (unsigned long long)sane[i].found);
			return ST_FAIL;
		}
	char mem[32];
	st_bytes(in->mem_size, mem, sizeof mem);
	unsigned kept = 0;
	for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
		kept += in->perf_set >> i & 1;
	snprintf(detail, n, "mote %u.%u, %ux%u array, bus %u B, buffers %u/%u/%u/%u rows, features 0x%02x, %u of %u "
		 "perf counters of %u bits, %s of device memory (%s backend)",
		 v[1] >> 16, v[1] & 0xffff, g->rows, g->cols, g->mem_bytes, g->abuf_depth, g->wbuf_depth, g->bbuf_depth,
		 g->acc_depth, g->features, kept, MOTE_NUM_PERF, pw, mem, in->backend);
	return ST_PASS;
}

/* ---- registers ---------------------------------------------------------- */

enum reg_kind { REG_PLAIN, REG_WINDOW, REG_PERM };

struct reg {
	uint32_t off;
	enum reg_kind kind;
	char name[16];
};

/* What a window register reads back after V was written: aligned down to
 * WINDOW_ALIGN and, on a device that clamps (spec 1.4: less than 4 GiB of
 * memory), a value beyond the memory as the memory's size. */
static uint32_t window_value(uint32_t v, uint64_t mem, int clamps)
{
	if (clamps && v >= mem)
		return (uint32_t)mem;
	return v & ~(uint32_t)(MOTE_WINDOW_ALIGN - 1);
}

static uint32_t expect(const struct reg *r, uint32_t v, uint64_t mem, int clamps)
{
	switch (r->kind) {
	case REG_WINDOW: return window_value(v, mem, clamps);
	case REG_PERM: return v & (MOTE_PERM_R | MOTE_PERM_W | MOTE_PERM_X);
	case REG_PLAIN: break;
	}
	return v;
}

/* Pattern P (0..65) of register I: walking ones, walking zeros, all zeros,
 * all ones, each register a few bit positions on from the one before. */
#define N_PATTERNS 66
static uint32_t pattern(unsigned p, unsigned i)
{
	unsigned b = (p + 5 * i) % 32;
	if (p < 32)
		return 1u << b;
	if (p < 64)
		return ~(1u << b);
	return p == 64 ? 0 : 0xffffffffu;
}

static enum st_outcome restore(mote_device *dev, const struct reg *regs, const uint32_t *saved, size_t nr,
			       char *detail, size_t n)
{
	for (size_t i = 0; i < nr; i++) {
		int rc = mote_reg_write(dev, regs[i].off, saved[i]);
		if (rc < 0)
			return st_driver_fail(rc, "restoring the registers", detail, n);
	}
	for (size_t i = 0; i < nr; i++) {
		uint32_t v = 0;
		int rc = mote_reg_read(dev, regs[i].off, &v);
		if (rc < 0)
			return st_driver_fail(rc, "reading the restored registers", detail, n);
		if (v != saved[i]) {
			snprintf(detail, n, "%s restored to 0x%08x, reads 0x%08x", regs[i].name, saved[i], v);
			return ST_FAIL;
		}
	}
	return ST_PASS;
}

enum st_outcome st_registers(struct st_ctx *c, char *detail, size_t n)
{
	struct reg regs[3 + 3 * MOTE_NUM_WINDOWS] = {
		{MOTE_REG_CMD_BASE, REG_PLAIN, "CMD_BASE"},
		{MOTE_REG_CMD_COUNT, REG_PLAIN, "CMD_COUNT"},
		{MOTE_REG_WDT_LIMIT, REG_PLAIN, "WDT_LIMIT"},
	};
	size_t nr = 3;
	for (unsigned w = 0; w < c->info.num_windows && w < MOTE_NUM_WINDOWS; w++) {
		regs[nr] = (struct reg){MOTE_REG_WIN_BASE(w), REG_WINDOW, ""};
		snprintf(regs[nr++].name, sizeof regs[0].name, "WIN_BASE(%u)", w);
		regs[nr] = (struct reg){MOTE_REG_WIN_SIZE(w), REG_WINDOW, ""};
		snprintf(regs[nr++].name, sizeof regs[0].name, "WIN_SIZE(%u)", w);
		regs[nr] = (struct reg){MOTE_REG_WIN_PERM(w), REG_PERM, ""};
		snprintf(regs[nr++].name, sizeof regs[0].name, "WIN_PERM(%u)", w);
	}
	uint32_t saved[sizeof regs / sizeof regs[0]];
	for (size_t i = 0; i < nr; i++) {
		int rc = mote_reg_read(c->dev, regs[i].off, &saved[i]);
		if (rc < 0)
			return st_driver_fail(rc, "reading the registers", detail, n);
	}
	uint64_t mem = c->info.mem_size;
	/* Spec 1.4 clamps window registers on a device with less than 4 GiB.  The
	 * simulator's builds (sim, sim:link) decode the whole 32-bit space in front
	 * of a smaller memory model and read back what was written: the first
	 * value beyond the memory tells which kind of device this is, and every
	 * other value must then read back exactly as that kind does. */
	int clamps = -1;
	enum st_outcome out = ST_PASS;
	int rc = 0;
	for (unsigned p = 0; p < N_PATTERNS && out == ST_PASS && rc == 0; p++) {
		for (size_t i = 0; i < nr && rc == 0; i++)
			rc = mote_reg_write(c->dev, regs[i].off, pattern(p, (unsigned)i));
		for (size_t i = 0; i < nr && rc == 0 && out == ST_PASS; i++) {
			uint32_t v = 0, w = pattern(p, (unsigned)i);
			rc = mote_reg_read(c->dev, regs[i].off, &v);
			if (rc == 0 && clamps < 0 && regs[i].kind == REG_WINDOW && mem < ((uint64_t)1 << 32) && w >= mem)
				clamps = v == window_value(w, mem, 1);
			if (rc == 0 && v != expect(&regs[i], w, mem, clamps == 1)) {
				snprintf(detail, n, "%s: wrote 0x%08x, expected 0x%08x, read 0x%08x (bits 0x%08x differ)",
					 regs[i].name, w, expect(&regs[i], w, mem, clamps == 1), v,
					 v ^ expect(&regs[i], w, mem, clamps == 1));
				out = ST_FAIL;
			}
		}
	}
	if (rc < 0) {
		out = st_driver_fail(rc, "register access", detail, n);
		if (out == ST_STOP) /* nothing to restore them with */
			return out;
	}
	char rest[ST_DETAIL];
	enum st_outcome r = restore(c->dev, regs, saved, nr, rest, sizeof rest);
	if (r != ST_PASS) {
		if (out == ST_PASS || r == ST_STOP)
			snprintf(detail, n, "%s", rest);
		return r;
	}
	if (out != ST_PASS)
		return out;
	char memtxt[32];
	st_bytes(mem, memtxt, sizeof memtxt);
	snprintf(detail, n, "%zu registers hold %u walking-ones/zeros patterns each, restored; windows aligned to 64 B%s%s%s",
		 nr, N_PATTERNS,
		 clamps == 1   ? " and clamped to the "
		 : clamps == 0 ? ", not clamped: values beyond the "
			       : "",
		 clamps >= 0 ? memtxt : "",
		 clamps == 1   ? " memory (spec 1.4)"
		 : clamps == 0 ? " memory read back as written (a 32-bit window space, as the simulator's builds decode it)"
			       : "");
	return ST_PASS;
}
