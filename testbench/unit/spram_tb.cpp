// spram_tb.cpp: mote_spram_mem against a C++ byte memory: random reads and
// writes with random strobes every cycle (and idle cycles), addresses all over
// the 128 KB and outside it.  A read answers one cycle later with the bytes as
// last written (zeros outside, with o_bus_error); a write outside changes
// nothing.  Built twice: with Yosys' SB_SPRAM256KA model (ICE40 = 1) and with
// the behavioural twin.  Fixed seed.
#include "Vmote_spram_mem.h"
#include "dp_bits.h"
#include "testb.h"
#include <vector>

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmote_spram_mem> tb;
	DpRng rng(0x5e7a0001);
	const uint32_t SIZE = 128 * 1024;
	std::vector<uint8_t> mem(SIZE, 0);
	std::vector<bool> known(SIZE, false); // bytes never written read as anything
	auto *m = tb.m;
	m->i_req_valid = 0;
	tb.reset();
	long reads = 0, writes = 0, outside = 0;
	for (long i = 0; i < 400000; i++) {
		bool v = rng.chance(85);
		bool wr = rng.chance(45);
		uint32_t a = rng.chance(3) ? (SIZE + (rng.u32() % (1u << 20))) & ~7u : (rng.u32() % SIZE) & ~7u;
		if (rng.chance(20)) // a small corner, so reads meet earlier writes
			a = (rng.u32() % 512) & ~7u;
		uint8_t strb = (uint8_t)rng.u32();
		uint64_t data = ((uint64_t)rng.u32() << 32) | rng.u32();
		m->i_req_valid = v;
		m->i_req_write = wr;
		m->i_req_addr = a;
		m->i_req_wdata = data;
		m->i_req_wstrb = strb;
		m->eval();
		CHECK(tb, m->o_req_ready, "not ready");
		tb.tick();
		// the read's data in the next cycle (registered at this edge)
		bool rd = v && !wr;
		CHECK(tb, m->o_resp_valid == rd, "response valid %d, expected %d", m->o_resp_valid, rd);
		if (rd)
			for (int b = 0; b < 8; b++) {
				uint8_t got = (uint8_t)(m->o_resp_data >> (8 * b));
				if (a >= SIZE)
					CHECK(tb, got == 0, "read outside %08x byte %d: %02x", a, b, got);
				else if (known[a + b])
					CHECK(tb, got == mem[a + b], "read %08x byte %d: %02x, expected %02x", a, b, got,
					      mem[a + b]);
			}
		CHECK(tb, m->o_bus_error == (v && a >= SIZE), "bus error flag");
		if (v && a >= SIZE)
			outside++;
		if (v && wr && a < SIZE) {
			for (int b = 0; b < 8; b++)
				if ((strb >> b) & 1) {
					mem[a + b] = (uint8_t)(data >> (8 * b));
					known[a + b] = true;
				}
			writes++;
		} else if (v && !wr)
			reads++;
	}
	CHECK(tb, reads > 100000 && writes > 100000 && outside > 5000, "coverage");
	printf("spram_tb: %ld reads, %ld writes, %ld outside the memory: PASS\n", reads, writes, outside);
	return 0;
}
