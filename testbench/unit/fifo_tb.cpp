// fifo_tb.cpp: mote_fifo (WIDTH 16, 8 entries) against a std::deque, random
// pushes, pops and clears, fixed seed.
#include "Vmote_fifo.h"
#include "testb.h"
#include "wide.h"
#include <deque>

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmote_fifo> tb;
	Rng r(0xf1f0);
	std::deque<uint16_t> q;
	auto *m = tb.m;
	m->i_clear = 0;
	m->i_wr_valid = 0;
	m->i_rd_ready = 0;
	tb.reset();
	int pushes = 0, pops = 0, fulls = 0;
	for (int c = 0; c < 200000; c++) {
		int phase = (c / 5000) % 3; // fill-biased, drain-biased, balanced
		m->i_wr_valid = r.chance(phase == 0 ? 80 : phase == 1 ? 30 : 50);
		m->i_wr_data = (uint16_t)r.next();
		m->i_rd_ready = r.chance(phase == 0 ? 30 : phase == 1 ? 80 : 50);
		m->i_clear = r.chance(1) && r.chance(10);
		m->eval();
		CHECK(tb, m->o_count == q.size(), "count %d, model %zu", m->o_count, q.size());
		CHECK(tb, m->o_wr_ready == (q.size() < 8), "wr_ready");
		CHECK(tb, m->o_rd_valid == !q.empty(), "rd_valid");
		if (!q.empty())
			CHECK(tb, m->o_rd_data == q.front(), "head %04x, model %04x", m->o_rd_data, q.front());
		fulls += q.size() == 8;
		bool push = m->i_wr_valid && m->o_wr_ready, pop = m->i_rd_ready && m->o_rd_valid;
		uint16_t d = m->i_wr_data;
		tb.tick();
		if (m->i_clear) {
			q.clear();
			continue;
		}
		if (pop)
			q.pop_front(), pops++;
		if (push)
			q.push_back(d), pushes++;
	}
	CHECK(tb, fulls > 1000 && pops > 50000, "coverage");
	printf("fifo: %d pushes, %d pops, %d full cycles: PASS\n", pushes, pops, fulls);
	return 0;
}
