// mem_arbiter_tb.cpp: mote_mem_arbiter (3 masters, MEM_BYTES 16) with random
// masters (reads and writes, held until taken) and a memory with random
// back-pressure and latency.  Checks: the memory sees exactly the accepted
// requests in acceptance order, each read response reaches the master that
// asked, in its order; o_outstanding counts reads in flight; no master waits
// more than a few grants (round robin).  Fixed seed.  Also built with the
// grant a register (-GREG_GRANT=1, the board's).
#include "Vmote_mem_arbiter.h"
#include "testb.h"
#include "wide.h"
#include <deque>

static const int NM = 3, MB = 16;

struct Req {
	bool write;
	uint32_t addr;
	uint8_t tag;
};

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmote_mem_arbiter> tb;
	Rng r(0xa4b1);
	auto *m = tb.m;
	m->i_flush = 0;
	m->i_req_valid = 0;
	m->i_mem_resp_valid = 0;
	tb.reset();
	bool have[NM] = {false};
	Req cur[NM];
	int waited[NM] = {0}, max_wait = 0;
	std::deque<Req> accepted;                  // in acceptance order, toward memory
	std::deque<std::pair<uint64_t, Req>> pend; // reads at the memory
	std::deque<uint32_t> expect[NM];           // read addresses per master, in order
	uint64_t last_due = 0;
	int reads = 0, writes = 0, resp_seen[NM] = {0};
	for (int c = 0; c < 100000; c++) {
		// masters: hold a request until taken
		uint32_t valid = 0, wr = 0;
		for (int k = 0; k < NM; k++) {
			if (!have[k] && r.chance(k == 0 ? 90 : 50)) {
				have[k] = true;
				cur[k].write = k == 2 && r.chance(60);
				cur[k].addr = (uint32_t)(r.next() & ~(uint64_t)(MB - 1));
				cur[k].tag = (uint8_t)r.next();
				waited[k] = 0;
			}
			if (have[k]) {
				valid |= 1u << k;
				wr |= (uint32_t)cur[k].write << k;
				m->i_req_addr[k] = cur[k].addr;
				for (int b = 0; b < MB; b++)
					wset(m->i_req_wdata, k * MB + b, (uint8_t)(cur[k].tag + b));
			}
		}
		m->i_req_valid = valid;
		m->i_req_write = wr;
		m->i_req_wstrb = (uint64_t)r.next() & 0xffffffffffffull;
		m->i_mem_req_ready = r.chance(70);
		bool resp = !pend.empty() && pend.front().first <= tb.cycle;
		m->i_mem_resp_valid = resp;
		if (resp)
			for (int b = 0; b < MB; b++)
				wset(m->i_mem_resp_data, b, (uint8_t)(pend.front().second.addr >> 4) ^ (uint8_t)b);
		m->eval();
		CHECK(tb, m->o_outstanding == (int)(pend.size() + [&] {
				  int n = 0;
				  for (auto &q : accepted)
					  n += !q.write;
				  return n;
			  }()),
		      "outstanding %d", m->o_outstanding);
		// responses go to the master whose read is oldest
		if (resp) {
			Req q = pend.front().second;
			pend.pop_front();
			int who = -1;
			for (int k = 0; k < NM; k++)
				if (!expect[k].empty() && expect[k].front() == q.addr && ((m->o_resp_valid >> k) & 1))
					who = k;
			CHECK(tb, who >= 0 && __builtin_popcount(m->o_resp_valid) == 1, "response routed to %x",
			      m->o_resp_valid);
			expect[who].pop_front();
			resp_seen[who]++;
			CHECK(tb, wget(m->o_resp_data, 3) == ((uint8_t)(q.addr >> 4) ^ 3), "response data");
		} else
			CHECK(tb, m->o_resp_valid == 0, "response without memory response");
		// the memory takes the registered request
		if (m->o_mem_req_valid && m->i_mem_req_ready) {
			CHECK(tb, !accepted.empty(), "memory request nobody made");
			Req q = accepted.front();
			accepted.pop_front();
			CHECK(tb, m->o_mem_req_addr == q.addr && m->o_mem_req_write == q.write, "request order");
			if (q.write) {
				CHECK(tb, wget(m->o_mem_req_wdata, 5) == (uint8_t)(q.tag + 5), "write data");
				writes++;
			} else {
				uint64_t due = tb.cycle + r.range(1, 8);
				if (due <= last_due)
					due = last_due + 1;
				last_due = due;
				pend.push_back({due, q});
				reads++;
			}
		}
		// masters see ready
		uint32_t rdy = m->o_req_ready;
		CHECK(tb, (rdy & ~valid) == 0 && __builtin_popcount(rdy) <= 1, "ready %x for valid %x", rdy, valid);
		for (int k = 0; k < NM; k++) {
			if ((rdy >> k) & 1) {
				accepted.push_back(cur[k]);
				if (!cur[k].write)
					expect[k].push_back(cur[k].addr);
				have[k] = false;
			} else if (have[k])
				max_wait = ++waited[k] > max_wait ? waited[k] : max_wait;
		}
		tb.tick();
	}
	CHECK(tb, max_wait < 40, "a master waited %d cycles", max_wait);
	CHECK(tb, reads > 10000 && writes > 3000 && resp_seen[1] > 3000 && resp_seen[2] > 1000, "coverage");
	printf("mem_arbiter: %d reads, %d writes, longest wait %d cycles: PASS\n", reads, writes, max_wait);
	return 0;
}
