// top_smoke_tb.cpp: first whole-mote_top bench (8x8, MEM_BYTES 16) with a C++
// memory (random back-pressure and latency).  CSR identity reads; window
// masking; an END-only job completes with DONE and the interrupt; an illegal
// opcode ends with ERROR (code, command index) and the next job succeeds; a
// LOAD handing a token to a tokens-only MATMUL; a watchdog case (a MATMUL pops
// an l2c token nobody pushes); a fetch outside the window; a host abort; perf
// counter reads; every address of the register space read after reset with the
// rw registers written (unmapped and unaligned addresses read 0).  Fixed seed.
// top_smoke_cfgram: the same with CFG_RAM (CMD_BASE, CMD_COUNT, WDT_LIMIT in a
// block RAM, START reading them out, reads a cycle longer).
#include "Vmote_top.h"
#include "testb.h"
#include "wide.h"
#include <deque>
#include <vector>
extern "C" {
#include "mote/mote_hw.h"
}

static const int MB = 16;
#ifndef TB_CSR_EXTRA
#define TB_CSR_EXTRA 0   // cycles a register read takes beyond two (mote_top CFG_RAM: 1)
#endif
static const uint32_t MEM_SIZE = 1u << 20;

struct Top {
	TESTB<Vmote_top> tb;
	std::vector<uint8_t> mem = std::vector<uint8_t>(MEM_SIZE);
	std::deque<std::pair<uint64_t, uint32_t>> pend;
	uint64_t last_due = 0;
	Rng r{0x70b5};
	uint64_t reads = 0, writes = 0;

	void step()
	{
		auto *m = tb.m;
		m->i_mem_req_ready = r.chance(80);
		if (!pend.empty() && pend.front().first <= tb.cycle) {
			m->i_mem_resp_valid = 1;
			uint32_t a = pend.front().second;
			for (int b = 0; b < MB; b++)
				wset(m->i_mem_resp_data, b, mem[(a + b) % MEM_SIZE]);
			pend.pop_front();
		} else
			m->i_mem_resp_valid = 0;
		m->eval();
		if (m->o_mem_req_valid && m->i_mem_req_ready) {
			uint32_t a = m->o_mem_req_addr;
			CHECK(tb, a % MB == 0, "unaligned memory request %08x", a);
			if (m->o_mem_req_write) {
				for (int b = 0; b < MB; b++)
					if ((m->o_mem_req_wstrb >> b) & 1)
						mem[(a + b) % MEM_SIZE] = wget(m->o_mem_req_wdata, b);
				writes++;
			} else {
				uint64_t due = tb.cycle + r.range(2, 6);
				if (due <= last_due)
					due = last_due + 1;
				last_due = due;
				pend.push_back({due, a});
				reads++;
			}
		}
		tb.tick();
	}
	void write(uint32_t addr, uint32_t v)
	{
		tb.m->i_csr_valid = 1, tb.m->i_csr_write = 1, tb.m->i_csr_addr = addr, tb.m->i_csr_wdata = v;
		step();
		tb.m->i_csr_valid = 0, tb.m->i_csr_write = 0;
	}
	uint32_t read(uint32_t addr)
	{
		tb.m->i_csr_valid = 1, tb.m->i_csr_write = 0, tb.m->i_csr_addr = addr;
		step();
		tb.m->i_csr_valid = 0;
		// the request is registered on entry, the answer registered again
		// (CFG_RAM: a cycle later, the block RAM's read)
		CHECK(tb, !tb.m->o_csr_rvalid, "o_csr_rvalid one cycle after a read (input register missing)");
		step();
		for (int k = 0; k < TB_CSR_EXTRA; k++) {
			CHECK(tb, !tb.m->o_csr_rvalid, "o_csr_rvalid before the CFG_RAM read's cycle");
			step();
		}
		CHECK(tb, tb.m->o_csr_rvalid, "no o_csr_rvalid %d cycles after a read", 2 + TB_CSR_EXTRA);
		uint32_t v = tb.m->o_csr_rdata;
		step();
		CHECK(tb, !tb.m->o_csr_rvalid, "o_csr_rvalid longer than one cycle");
		return v;
	}
	// the command packed at addr (its mote_cmd_len words); returns the next command's address
	uint32_t put_cmd(uint32_t addr, const uint32_t *c)
	{
		uint8_t b[64];
		uint32_t n = (uint32_t)mote_cmd_pack(b, c);
		for (uint32_t i = 0; i < n; i++)
			mem[addr + i] = b[i];
		return addr + n;
	}
	// start a job and wait for it to end; returns STATUS
	uint32_t job(uint32_t base, uint32_t count, int max_cycles = 20000)
	{
		write(MOTE_REG_CMD_BASE, base);
		write(MOTE_REG_CMD_COUNT, count);
		write(MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK);
		CHECK(tb, read(MOTE_REG_STATUS) & MOTE_STATUS_BUSY_MASK || read(MOTE_REG_STATUS) & MOTE_STATUS_DONE_MASK,
		      "job did not start");
		for (int i = 0; i < max_cycles; i++) {
			if (tb.m->o_irq)
				break;
			step();
		}
		CHECK(tb, tb.m->o_irq, "no interrupt after %d cycles", max_cycles);
		uint32_t st = read(MOTE_REG_STATUS);
		CHECK(tb, !(st & MOTE_STATUS_BUSY_MASK) && (st & MOTE_STATUS_DONE_MASK) && (st & MOTE_STATUS_IRQ_MASK),
		      "status %x at the interrupt", st);
		CHECK(tb, pend.empty(), "job ended with reads in flight");
		write(MOTE_REG_IRQ_ACK, 1);
		step();
		CHECK(tb, !tb.m->o_irq && !(read(MOTE_REG_STATUS) & MOTE_STATUS_IRQ_MASK), "IRQ_ACK did not clear");
		return st;
	}
	void expect_ok(const char *what, uint32_t st, uint32_t cmds)
	{
		CHECK(tb, !(st & MOTE_STATUS_ERROR_MASK), "%s: ERROR set, code %u cmd %u", what, read(MOTE_REG_ERR_CODE),
		      read(MOTE_REG_ERR_CMD));
		CHECK(tb, read(MOTE_REG_ERR_CODE) == MOTE_ERR_NONE, "%s: ERR_CODE", what);
		uint32_t done = read(MOTE_REG_CMDS_DONE);
		CHECK(tb, done == cmds, "%s: CMDS_DONE %u expected %u", what, done, cmds);
		printf("  %s: DONE, %u commands\n", what, done);
	}
	void expect_err(const char *what, uint32_t st, uint32_t code, uint32_t idx)
	{
		CHECK(tb, st & MOTE_STATUS_ERROR_MASK, "%s: no ERROR", what);
		uint32_t c = read(MOTE_REG_ERR_CODE), i = read(MOTE_REG_ERR_CMD);
		CHECK(tb, c == code && i == idx, "%s: error %u at %u, expected %u at %u", what, c, i, code, idx);
		printf("  %s: ERROR %s at command %u\n", what, mote_hw_err_name(c), i);
	}
};

static void cmd_end(uint32_t *c)
{
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_END);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	Top T;
	auto *m = T.tb.m;
	m->i_csr_valid = 0;
	m->i_csr_write = 0;
	m->i_mem_resp_valid = 0;
	T.tb.reset();

	// ---- identity ----
	CHECK(T.tb, T.read(MOTE_REG_ID) == MOTE_ID_MAGIC, "ID");
	CHECK(T.tb, T.read(MOTE_REG_VERSION) == ((MOTE_HW_VERSION_MAJOR << 16) | MOTE_HW_VERSION_MINOR), "VERSION");
	uint32_t g = T.read(MOTE_REG_GEOMETRY);
	CHECK(T.tb, (g & 0xff) == 8 && ((g >> 8) & 0xff) == 8 && ((g >> 16) & 0xff) == MB && (g >> 24) == MOTE_NUM_WINDOWS,
	      "GEOMETRY %08x", g);
	CHECK(T.tb, T.read(MOTE_REG_ABUF_DEPTH) == 4096 && T.read(MOTE_REG_WBUF_DEPTH) == 1024 &&
		      T.read(MOTE_REG_BBUF_DEPTH) == 96 && T.read(MOTE_REG_ACC_DEPTH) == 1024,
	      "depths");
	// CMD_BASE, CMD_COUNT and WDT_LIMIT read 0 after reset, hold what is written,
	// and read 0 again after another reset (CFG_RAM: the RAM keeps its rows,
	// the written-since-reset flags go)
	static const uint32_t cfg_regs[3] = {MOTE_REG_CMD_BASE, MOTE_REG_CMD_COUNT, MOTE_REG_WDT_LIMIT};
	for (int k = 0; k < 3; k++)
		CHECK(T.tb, T.read(cfg_regs[k]) == 0, "register %03x after reset", cfg_regs[k]);
	for (int k = 0; k < 3; k++)
		T.write(cfg_regs[k], 0x5a5a0000u + 0x111u * (uint32_t)k);
	for (int k = 0; k < 3; k++)
		CHECK(T.tb, T.read(cfg_regs[k]) == 0x5a5a0000u + 0x111u * (uint32_t)k, "register %03x written", cfg_regs[k]);
	T.tb.reset();
	for (int k = 0; k < 3; k++)
		CHECK(T.tb, T.read(cfg_regs[k]) == 0, "register %03x after a second reset", cfg_regs[k]);
	uint32_t st0 = T.read(MOTE_REG_STATUS);
	CHECK(T.tb, st0 == 0 && !m->o_irq, "status after reset %x", st0);
	printf("  ID %08x GEOMETRY %08x FEATURES %08x\n", T.read(MOTE_REG_ID), g, T.read(MOTE_REG_FEATURES));

	// ---- the whole register space: every address, against what it holds ----
	{
		static const uint32_t feat = MOTE_FEATURES_INT32_OUT_MASK | MOTE_FEATURES_XOR_MSB_MASK |
					     MOTE_FEATURES_DEPTHWISE_MASK | MOTE_FEATURES_DW_DROP_MASK | MOTE_FEATURES_ACC_MAX_MASK |
					     MOTE_FEATURES_STORE_ADD_MASK | MOTE_FEATURES_ROUND_TFL_MASK |
					     MOTE_FEATURES_SPARSE_MASK | MOTE_FEATURES_LOAD_SPLIT_MASK |
					     MOTE_FEATURES_W_PAIR_MASK | MOTE_FEATURES_TOKEN_IDX_MASK;
		std::vector<std::pair<uint32_t, uint32_t>> regs = {
			{MOTE_REG_ID, MOTE_ID_MAGIC},
			{MOTE_REG_VERSION, (MOTE_HW_VERSION_MAJOR << 16) | MOTE_HW_VERSION_MINOR},
			{MOTE_REG_GEOMETRY, 8u | 8u << 8 | (uint32_t)MB << 16 | (uint32_t)MOTE_NUM_WINDOWS << 24},
			{MOTE_REG_ABUF_DEPTH, 4096}, {MOTE_REG_WBUF_DEPTH, 1024}, {MOTE_REG_BBUF_DEPTH, 96},
			{MOTE_REG_ACC_DEPTH, 1024}, {MOTE_REG_FEATURES, feat},
			{MOTE_REG_PERF_CONFIG, 64u << MOTE_PERF_CONFIG_WIDTH_LSB}, {MOTE_REG_PERF_SET, (1u << MOTE_NUM_PERF) - 1},
			{MOTE_REG_CMD_BASE, 0x89abcdefu}, {MOTE_REG_CMD_COUNT, 0xfedc0123u}, {MOTE_REG_WDT_LIMIT, 0x5a5a0f0fu}};
		for (uint32_t w = 0; w < MOTE_NUM_WINDOWS; w++) {
			regs.push_back({MOTE_REG_WIN_BASE(w), 0x12345640u + 0x01010100u * w});
			regs.push_back({MOTE_REG_WIN_SIZE(w), 0xedcba9c0u - 0x01010100u * w});
			regs.push_back({MOTE_REG_WIN_PERM(w), (5u + w) & 7});
		}
		for (auto &rv : regs)   // (the read-only ones ignore the write)
			T.write(rv.first, rv.second == MOTE_ID_MAGIC ? 0 : ~rv.second);
		for (auto &rv : regs)
			if (rv.first >= MOTE_REG_CMD_BASE)
				T.write(rv.first, rv.second);
		for (uint32_t a = 0; a < 0x1000; a++) {
			if (a % 4 && a % 13)   // unaligned: a sample
				continue;
			uint32_t want = 0;
			for (auto &rv : regs)
				if (rv.first == a)
					want = rv.second;
			uint32_t got = T.read(a);
			CHECK(T.tb, got == want, "register 0x%03x reads %08x, expected %08x", a, got, want);
		}
		for (auto &rv : regs)   // back to the reset values
			if (rv.first >= MOTE_REG_CMD_BASE)
				T.write(rv.first, 0);
		printf("  register space: %zu registers as written, the rest 0\n", regs.size());
	}

	// ---- windows: base/size masked to WINDOW_ALIGN ----
	T.write(MOTE_REG_WIN_BASE(0), 0x1234);
	T.write(MOTE_REG_WIN_SIZE(0), 0x10077);
	T.write(MOTE_REG_WIN_PERM(0), 0xff);
	CHECK(T.tb, T.read(MOTE_REG_WIN_BASE(0)) == 0x1200 && T.read(MOTE_REG_WIN_SIZE(0)) == 0x10040 &&
		      T.read(MOTE_REG_WIN_PERM(0)) == 7,
	      "window masking");
	T.write(MOTE_REG_WIN_BASE(0), 0x1000);
	T.write(MOTE_REG_WIN_SIZE(0), 0x20000);
	T.write(MOTE_REG_WIN_PERM(0), 7);
	T.write(MOTE_REG_WDT_LIMIT, 5000);

	uint32_t c[16], a;
	// ---- END-only job ----
	cmd_end(c);
	a = T.put_cmd(0x2000, c);
	T.expect_ok("END only", T.job(0x2000, 4), 1);
	uint64_t br = T.read(MOTE_REG_PERF_LO(MOTE_PERF_BYTES_READ));
	uint64_t cyc = T.read(MOTE_REG_PERF_LO(MOTE_PERF_CYCLES));
	CHECK(T.tb, T.read(MOTE_REG_PERF_HI(MOTE_PERF_CYCLES)) == 0, "PERF_HI");
	CHECK(T.tb, br >= 4 && br % MB == 0 && cyc > 4 && cyc < 200, "perf: %llu bytes, %llu cycles",
	      (unsigned long long)br, (unsigned long long)cyc);

	// ---- illegal opcode at command 1, then a good job ----
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_SYNC);
	MOTE_CMD_SET(c, SYNC, QUEUE, MOTE_QUEUE_STORE);
	a = T.put_cmd(0x3000, c);
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, 0x77);
	a = T.put_cmd(a, c);
	cmd_end(c);
	a = T.put_cmd(a, c);
	T.expect_err("illegal opcode", T.job(0x3000, 3), MOTE_ERR_OPCODE, 1);
	T.expect_ok("after the error", T.job(0x2000, 1), 1);

	// ---- LOAD (PUSH_NEXT) -> MATMUL tokens only (POP_PREV) -> END ----
	for (int i = 0; i < 256; i++)
		T.mem[0x8000 + i] = (uint8_t)(i * 7);
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_LOAD);
	MOTE_CMD_SET(c, HDR, PUSH_NEXT, 1);
	MOTE_CMD_SET(c, LOAD, DST, MOTE_BUF_ACT);
	MOTE_CMD_SET(c, LOAD, ADDR0, 0x8000);
	MOTE_CMD_SET(c, LOAD, HEIGHT, 1);
	MOTE_CMD_SET(c, LOAD, WIDTH, 256);
	MOTE_CMD_SET(c, LOAD, SX, 8);
	MOTE_CMD_SET(c, LOAD, N_INNER, 16);
	MOTE_CMD_SET(c, LOAD, N_OUTER, 1);
	MOTE_CMD_SET(c, LOAD, COUNT, 8);
	a = T.put_cmd(0x4000, c);
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_MATMUL);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1);
	MOTE_CMD_SET(c, MATMUL, NROWS, 0);
	a = T.put_cmd(a, c);
	cmd_end(c);
	a = T.put_cmd(a, c);
	T.expect_ok("LOAD -> MATMUL token", T.job(0x4000, 8), 3);
	uint64_t br2 = T.read(MOTE_REG_PERF_LO(MOTE_PERF_BYTES_READ));
	CHECK(T.tb, br2 >= 64 + 128, "BYTES_READ %llu", (unsigned long long)br2);
	CHECK(T.tb, T.read(MOTE_REG_PERF_LO(MOTE_PERF_LOAD_BUSY)) >= 8, "LOAD_BUSY");

	// ---- watchdog: MATMUL pops l2c, nobody pushes ----
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_SYNC);
	MOTE_CMD_SET(c, SYNC, QUEUE, MOTE_QUEUE_LOAD);
	a = T.put_cmd(0x5000, c);
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_MATMUL);
	MOTE_CMD_SET(c, HDR, POP_PREV, 1);
	a = T.put_cmd(a, c);
	cmd_end(c);
	a = T.put_cmd(a, c);
	T.write(MOTE_REG_WDT_LIMIT, 300);
	uint64_t t0 = T.tb.cycle;
	T.expect_err("watchdog", T.job(0x5000, 3), MOTE_ERR_WATCHDOG, 1);
	CHECK(T.tb, T.tb.cycle - t0 >= 300 && T.tb.cycle - t0 < 600, "watchdog took %llu cycles",
	      (unsigned long long)(T.tb.cycle - t0));
	CHECK(T.tb, T.read(MOTE_REG_PERF_LO(MOTE_PERF_STALL_COMP_DEP)) >= 250, "STALL_COMP_DEP");
	T.expect_ok("after the watchdog", T.job(0x2000, 1), 1);

	// ---- command fetch outside every executable window ----
	T.write(MOTE_REG_WIN_PERM(1), 0);
	uint32_t st = T.job(0x40000, 2);
	T.expect_err("fetch window", st, MOTE_ERR_FETCH_WINDOW, 0);
	CHECK(T.tb, T.read(MOTE_REG_ERR_ADDR) == 0x40000, "ERR_ADDR %08x", T.read(MOTE_REG_ERR_ADDR));

	// ---- CMD_COUNT without END ----
	memset(c, 0, 64);
	MOTE_CMD_SET(c, HDR, OPCODE, MOTE_OP_SYNC);
	MOTE_CMD_SET(c, SYNC, QUEUE, MOTE_QUEUE_COMPUTE);
	a = T.put_cmd(0x6000, c);
	a = T.put_cmd(a, c);
	T.expect_err("no END", T.job(0x6000, 2), MOTE_ERR_NO_END, 2);

	// ---- host abort of a job stuck on a token (watchdog off: 2^32) ----
	T.write(MOTE_REG_WDT_LIMIT, 0);
	T.write(MOTE_REG_CMD_BASE, 0x5000);
	T.write(MOTE_REG_CMD_COUNT, 3);
	T.write(MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK);
	for (int i = 0; i < 500; i++)
		T.step();
	CHECK(T.tb, T.read(MOTE_REG_STATUS) & MOTE_STATUS_BUSY_MASK, "stuck job not busy");
	T.write(MOTE_REG_CMD_BASE, 0x7777); // ignored while busy
	T.write(MOTE_REG_CTRL, MOTE_CTRL_ABORT_MASK);
	for (int i = 0; i < 100 && !m->o_irq; i++)
		T.step();
	CHECK(T.tb, m->o_irq, "no interrupt after ABORT");
	T.expect_err("host abort", T.read(MOTE_REG_STATUS), MOTE_ERR_ABORTED, 1);
	CHECK(T.tb, T.read(MOTE_REG_CMD_BASE) == 0x5000, "CMD_BASE written while busy");
	T.write(MOTE_REG_IRQ_ACK, 1);
	T.write(MOTE_REG_WDT_LIMIT, 5000);
	T.expect_ok("after the abort", T.job(0x2000, 1), 1);

	printf("top_smoke: %llu reads, %llu writes: PASS\n", (unsigned long long)T.reads, (unsigned long long)T.writes);
	return 0;
}
