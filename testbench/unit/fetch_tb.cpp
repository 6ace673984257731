// fetch_tb.cpp: mote_fetch (fetch + decode + queues, 8x8, MEM_BYTES 16, queues
// of 4) against a C++ memory holding random and hostile packed command streams
// (each command its mote_cmd_len words, starting at any word of a memory word):
// illegal opcodes, bad fields, streams running out of the executable window,
// streams without END, END followed by garbage, aborts mid-stream.  Checks the
// commands each queue delivers (order, index, the words its opcodes use, zeros
// above the command's length and above them: the queues carry only those
// words), the error code, command
// index and address, that no request leaves the window, and that reads in
// flight never exceed the response buffer.  Fixed seed.  The board's build
// (-DTB_MB=8 -DTB_RBUF=1 -DTB_ADDR_W=17 with the matching -G parameters): a
// memory of 2^17 bytes, streams that start beyond it or run across its end
// (the request address counts in 18 bits there), one read at a time.
// -DTB_QUEUES=1|2 (with -GQUEUES): load and store share a queue, or all three
// do: a shared queue's entries carry the most words any of its units takes,
// reach their units in stream order, and only one of them sees an entry at a time.
#include "Vmote_fetch.h"
#include "testb.h"
#include "wide.h"
#include <deque>
#include <map>
#include <vector>
extern "C" {
#include "mote/mote_hw.h"
}

#ifndef TB_MB
#define TB_MB 16
#endif
#ifndef TB_RBUF
#define TB_RBUF 8
#endif
#ifndef TB_ADDR_W
#define TB_ADDR_W 32
#endif
static const int MB = TB_MB, RBUF = TB_RBUF;
// one 32-bit word per read (one read at a time on a bus wider than a word):
// a failing word is reported at its own address, else at its memory word's
static const bool W32 = RBUF == 1 && MB > 4;
static const uint64_t MEM_END = 1ull << TB_ADDR_W;
#ifndef TB_QUEUES
#define TB_QUEUES 0
#endif
// the queue each unit's commands go to (FEATURES.QUEUES)
static const int QOF[3][3] = {{0, 1, 2}, {0, 1, 0}, {0, 0, 0}};
static const int *UQ = QOF[TB_QUEUES];
// words each unit's commands carry (load, compute, store with STORE ADD): in a
// shared queue the most any unit sharing it takes
static const int NWU[3] = {MOTE_LOAD_WORDS, MOTE_MATMUL_WORDS, MOTE_STORE_WORDS};
static int nw_of(int u)
{
	int n = 0;
	for (int v = 0; v < 3; v++)
		if (UQ[v] == UQ[u] && NWU[v] > n)
			n = NWU[v];
	return n;
}

struct Cmd {
	uint32_t w[16];
	int q; // 0 load, 1 compute, 2 store, 3 END, -1 error
	int err;
};

static Cmd random_legal(Rng &r)
{
	Cmd c;
	for (int i = 0; i < 16; i++)
		c.w[i] = (uint32_t)r.next();
	int kind = (int)r.range(0, 3);
	c.w[0] &= 0xfff00000u; // clear header fields except high unused bits
	int flags;
	switch (kind) {
	case 0: // LOAD: DST and COUNT legal, only *_NEXT flags
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_LOAD);
		MOTE_CMD_SET(c.w, LOAD, DST, r.range(0, 2));
		MOTE_CMD_SET(c.w, LOAD, COUNT, r.range(0, 8));
		flags = (int)r.range(0, 3);
		MOTE_CMD_SET(c.w, HDR, POP_NEXT, flags & 1);
		MOTE_CMD_SET(c.w, HDR, PUSH_NEXT, flags >> 1);
		c.q = 0;
		break;
	case 1:
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_MATMUL);
		c.w[0] |= (uint32_t)r.range(0, 15) << 8;
		c.q = 1;
		break;
	case 2: // with ADD half the time: 13 words in the stream, else 8
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_STORE);
		MOTE_CMD_SET(c.w, STORE, ADD, r.range(0, 1));
		MOTE_CMD_SET(c.w, HDR, POP_PREV, r.range(0, 1));
		MOTE_CMD_SET(c.w, HDR, PUSH_PREV, r.range(0, 1));
		c.q = 2;
		break;
	default:
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_SYNC);
		c.q = (int)r.range(0, 2);
		MOTE_CMD_SET(c.w, SYNC, QUEUE, c.q);
		if (c.q == 1)
			c.w[0] |= (uint32_t)r.range(0, 15) << 8;
		break;
	}
	c.err = 0;
	return c;
}

static Cmd hostile(Rng &r)
{
	Cmd c = random_legal(r);
	c.q = -1;
	switch (r.range(0, 5)) {
	case 0: { // illegal opcode
		int op;
		do
			op = (int)r.range(0, 255);
		while (op == 1 || op == 2 || op == 3 || op == 4 || op == 15);
		MOTE_CMD_SET(c.w, HDR, OPCODE, op);
		c.err = MOTE_ERR_OPCODE;
		break;
	}
	case 1: // LOAD with a *_PREV flag
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_LOAD);
		MOTE_CMD_SET(c.w, LOAD, DST, 0);
		MOTE_CMD_SET(c.w, LOAD, COUNT, 8);
		MOTE_CMD_SET(c.w, HDR, PUSH_PREV, 1);
		c.err = MOTE_ERR_FIELD;
		break;
	case 2: // LOAD DST 3
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_LOAD);
		MOTE_CMD_SET(c.w, HDR, POP_PREV, 0);
		MOTE_CMD_SET(c.w, HDR, PUSH_PREV, 0);
		MOTE_CMD_SET(c.w, LOAD, DST, 3);
		c.err = MOTE_ERR_FIELD;
		break;
	case 3: // LOAD COUNT above the row width: word 8 is the load unit's to check, the fetcher passes it
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_LOAD);
		MOTE_CMD_SET(c.w, HDR, POP_PREV, 0);
		MOTE_CMD_SET(c.w, HDR, PUSH_PREV, 0);
		MOTE_CMD_SET(c.w, LOAD, DST, 0);
		MOTE_CMD_SET(c.w, LOAD, COUNT, r.range(9, 65535));
		c.q = 0;
		c.err = 0;
		break;
	case 4: // STORE with POP_NEXT
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_STORE);
		MOTE_CMD_SET(c.w, HDR, POP_NEXT, 1);
		c.err = MOTE_ERR_FIELD;
		break;
	default: // SYNC QUEUE 3
		MOTE_CMD_SET(c.w, HDR, OPCODE, MOTE_OP_SYNC);
		MOTE_CMD_SET(c.w, SYNC, QUEUE, 3);
		c.err = MOTE_ERR_FIELD;
		break;
	}
	return c;
}

struct Got {
	uint32_t idx;
	uint32_t w[16];
};

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmote_fetch> tb;
	Rng r(0xfe7c);
	auto *m = tb.m;
	m->i_abort = 0;
	m->i_start = 0;
	m->i_base_load = 0;
	m->i_base_ok = m->i_count_ok = 1;   // (BASE_EARLY 0: CMD_BASE and CMD_COUNT with i_start)
	m->i_ld_ready = m->i_cp_ready = m->i_st_ready = 0;
	m->i_resp_valid = 0;
	tb.reset();
	std::map<uint32_t, uint8_t> mem;
	std::deque<std::pair<uint64_t, uint32_t>> pend;
	uint64_t last_due = 0;
	int stats[16] = {0}, n_end = 0, n_abort = 0, max_out = 0;

	for (int t = 0; t < 600; t++) {
		// ---- build a stream ----
		int n = (int)r.range(0, 24);
		// any word: streams start anywhere in a memory word
		uint32_t base = 0x10000u + 64u * (uint32_t)r.range(0, 200) + (r.chance(50) ? 4u * (uint32_t)r.range(1, 15) : 0);
		// a memory smaller than the address space: streams across its end and beyond it
		if (MEM_END < (1ull << 32) && r.chance(15))
			base = (uint32_t)(MEM_END - 4u * (uint32_t)r.range(0, 120));
		else if (MEM_END < (1ull << 32) && r.chance(8))
			base = (uint32_t)(r.chance(50) ? MEM_END * (uint32_t)r.range(1, 3) : 0xffff0000u) + 4u * (uint32_t)r.range(0, 40);
		std::vector<Cmd> s;
		int end_at = r.chance(70) && n > 0 ? (int)r.range(0, n - 1) : -1;
		int bad_at = r.chance(35) && n > 0 ? (int)r.range(0, n - 1) : -1;
		for (int i = 0; i < n; i++)
			s.push_back(i == end_at ? Cmd{} : i == bad_at ? hostile(r) : random_legal(r));
		if (end_at >= 0) {
			memset(s[end_at].w, 0, sizeof s[end_at].w);
			MOTE_CMD_SET(s[end_at].w, HDR, OPCODE, MOTE_OP_END);
			s[end_at].w[5] = (uint32_t)r.next(); // END is one word: the rest is not its own
			s[end_at].q = 3;
			s[end_at].err = 0;
		}
		// packed: command i at off[i] bytes from base, its mote_cmd_len words
		// (a word 0 that is not an opcode alone), garbage after the last
		mem.clear();
		std::vector<uint32_t> off(n + 1, 0);
		for (int i = 0; i < n; i++) {
			uint8_t b[64];
			off[i + 1] = off[i] + (uint32_t)mote_cmd_pack(b, s[i].w);
			for (uint32_t k = 0; k < off[i + 1] - off[i]; k++)
				mem[base + off[i] + k] = b[k];
		}
		for (uint32_t k = 0; k < 64; k++)
			mem[base + off[n] + k] = (uint8_t)r.next();
		// windows: 0 executable over the stream (sometimes cut), 1 readable only over everything
		uint32_t wlo = base & ~63u, whi = (base + off[n] + 63u) & ~63u;
		if (r.chance(25) && n > 0)
			whi = wlo + 64u * (uint32_t)r.range(0, (off[n] + 63) / 64);
		if (r.chance(10) && n > 0)
			wlo += 64;
		for (int w = 0; w < 4; w++)
			m->i_win_base[w] = 0, m->i_win_size[w] = 0;
		m->i_win_base[0] = wlo;
		m->i_win_size[0] = whi > wlo ? whi - wlo : 0;
		m->i_win_base[1] = 0;
		m->i_win_size[1] = 0xffffffc0u;
		m->i_win_perm = 4u | (1u << 3) | (2u << 6);
		auto x_ok = [&](uint32_t a) { return a >= wlo && (uint64_t)a + MB <= whi && (uint64_t)a + MB <= MEM_END; };
		// ---- expected: commands per queue, then END / error in stream order ----
		std::vector<Got> want[3];
		int exp_err = 0;
		uint32_t exp_idx = 0, exp_addr = 0;
		bool exp_end = false;
		// the first of a command's words outside the window, or -1
		auto bad_word = [&](int i, uint32_t from, uint32_t to) {
			for (uint32_t k = from; k < to; k++)
				if (!x_ok((base + off[i] + 4 * k) & ~(uint32_t)(MB - 1)))
					return (int)k;
			return -1;
		};
		for (int i = 0;; i++) {
			if (i == n) {
				exp_err = MOTE_ERR_NO_END, exp_idx = (uint32_t)n;
				break;
			}
			// word 0 first: a word 0 that is not an opcode is OPCODE at once; a
			// command running out of the window is FETCH_WINDOW whatever else
			uint32_t len = mote_cmd_len(s[i].w[0]);
			int bw = bad_word(i, 0, 1);
			if (bw < 0 && len != 0)
				bw = bad_word(i, 1, len);
			if (bw >= 0) {
				exp_err = MOTE_ERR_FETCH_WINDOW, exp_idx = (uint32_t)i;
				exp_addr = base + off[i] + 4 * (uint32_t)bw;
				if (!W32)
					exp_addr &= ~(uint32_t)(MB - 1);
				break;
			}
			if (s[i].err) {
				exp_err = s[i].err, exp_idx = (uint32_t)i;
				break;
			}
			if (s[i].q == 3) {
				exp_end = true;
				break;
			}
			Got g;
			g.idx = (uint32_t)i;
			memset(g.w, 0, sizeof g.w);
			uint32_t nw = (uint32_t)nw_of(s[i].q);
			memcpy(g.w, s[i].w, 4 * (len < nw ? len : nw));
			want[s[i].q].push_back(g);
		}
		bool do_abort = r.chance(8);
		int abort_at = (int)r.range(0, 60);

		// ---- run ----
#ifdef TB_BASE_EARLY
		// CMD_BASE first (BASE_EARLY, mote_csr CFG_RAM: one bus), a cycle or
		// more before START, the bus moving on in between; CMD_COUNT on it
		// with START
		m->i_base = base;
		m->i_base_load = 1;
		tb.tick();
		m->i_base_load = 0;
		// (from a generator of its own: the jobs stay fetch_board's)
		static Rng rb(0xba5e);
		for (int k = (int)rb.range(0, 2); k > 0; k--) {
			m->i_base = (uint32_t)rb.next();
			tb.tick();
		}
		m->i_base = (uint32_t)n;
#else
		m->i_base = base;
#endif
		m->i_count = (uint32_t)n;
		m->i_start = 1;
		tb.tick();
		m->i_start = 0;
		std::vector<Got> got[3];
		int err = 0;
		uint32_t err_idx = 0, err_addr = 0;
		int outst = 0, rp[3];
		for (int q = 0; q < 3; q++)
			rp[q] = (int)r.range(10, 100);
		int ready_pct = (int)r.range(30, 100), cyc, quiet = 0;
		int64_t last_taken[3] = {-1, -1, -1}; // per queue: the index its last entry had
		for (cyc = 0; cyc < 5000; cyc++) {
			if (do_abort && cyc == abort_at) {
				m->i_abort = 1;
				tb.tick();
				m->i_abort = 0;
				n_abort++;
				break;
			}
			m->i_req_ready = r.chance(ready_pct);
			m->i_ld_ready = r.chance(rp[0]);
			m->i_cp_ready = r.chance(rp[1]);
			m->i_st_ready = r.chance(rp[2]);
			if (!pend.empty() && pend.front().first <= tb.cycle) {
				m->i_resp_valid = 1;
				for (int b = 0; b < MB; b++) {
					auto it = mem.find(pend.front().second + b);
					wset(m->i_resp_data, b, it == mem.end() ? (uint8_t)0xee : it->second);
				}
				pend.pop_front();
				outst--;
			} else
				m->i_resp_valid = 0;
			m->eval();
			if (m->o_req_valid && m->i_req_ready) {
				uint32_t a = m->o_req_addr;
				CHECK(tb, (a % MB) == 0 && x_ok(a), "bad fetch address %08x", a);
				uint64_t due = tb.cycle + r.range(1, 10);
				if (due <= last_due)
					due = last_due + 1;
				last_due = due;
				pend.push_back({due, a});
				outst++;
				max_out = outst > max_out ? outst : max_out;
				CHECK(tb, outst <= RBUF, "%d reads outstanding", outst);
			}
			auto take = [&](int q, bool v, bool rd, const VlWide<16> &cmd, uint32_t idx) {
				if (v && rd) {
					CHECK(tb, (int64_t)idx > last_taken[UQ[q]], "queue of unit %d: index %u after %lld", q, idx,
					      (long long)last_taken[UQ[q]]);
					last_taken[UQ[q]] = idx;
					Got g;
					g.idx = idx;
					for (int i = 0; i < 16; i++)
						g.w[i] = cmd[i];
					got[q].push_back(g);
				}
			};
			// units sharing a queue never see an entry at the same time
			for (int u = 0; u < 3; u++)
				for (int v = u + 1; v < 3; v++) {
					bool vu = u == 0 ? m->o_ld_valid : m->o_cp_valid;
					bool vv = v == 1 ? m->o_cp_valid : m->o_st_valid;
					CHECK(tb, UQ[u] != UQ[v] || !(vu && vv), "units %d and %d share a queue, both valid", u, v);
				}
			take(0, m->o_ld_valid, m->i_ld_ready, m->o_ld_cmd, m->o_ld_idx);
			take(1, m->o_cp_valid, m->i_cp_ready, m->o_cp_cmd, m->o_cp_idx);
			take(2, m->o_st_valid, m->i_st_ready, m->o_st_cmd, m->o_st_idx);
			if (m->o_err_valid) {
				CHECK(tb, !err, "second error pulse");
				err = m->o_err_code, err_idx = m->o_err_idx, err_addr = m->o_err_addr;
			}
			tb.tick();
			// after END every entry drains; after an error the entry of the failing
			// command stays partial (the CSR's abort clears it): wait until no
			// complete entry has shown for longer than one takes to gather
			quiet = (m->o_ld_valid || m->o_cp_valid || m->o_st_valid) ? 0 : quiet + 1;
			if (cyc > 0 && (err ? quiet > 2 * 16 : m->o_end && m->o_queues_empty))
				break;
		}
		CHECK(tb, cyc < 5000, "stream %d did not finish", t);
		if (!do_abort || cyc < abort_at) {
			CHECK(tb, err == exp_err, "stream %d: error %d, expected %d", t, err, exp_err);
			if (err) {
				CHECK(tb, err_idx == exp_idx, "stream %d: err idx %u, expected %u", t, err_idx, exp_idx);
				if (err == MOTE_ERR_FETCH_WINDOW)
					CHECK(tb, err_addr == exp_addr, "err addr %08x expected %08x", err_addr, exp_addr);
			}
			CHECK(tb, (bool)m->o_end == exp_end, "end %d expected %d", m->o_end, exp_end);
			for (int q = 0; q < 3; q++) {
				CHECK(tb, got[q].size() == want[q].size(), "stream %d queue %d: %zu commands, expected %zu",
				      t, q, got[q].size(), want[q].size());
				for (size_t i = 0; i < got[q].size(); i++) {
					CHECK(tb, got[q][i].idx == want[q][i].idx, "queue %d entry %zu idx %u expected %u", q, i,
					      got[q][i].idx, want[q][i].idx);
					CHECK(tb, !memcmp(got[q][i].w, want[q][i].w, 64), "queue %d entry %zu bits differ", q, i);
				}
			}
			stats[err]++;
			n_end += exp_end;
			m->i_abort = 1; // the CSR aborts after an error; after END it just starts again
			tb.tick();
			m->i_abort = 0;
		}
		CHECK(tb, m->o_idle && m->o_queues_empty, "not idle after abort");
		// the CSR waits for every read to come back before the next job; they must be ignored
		m->i_req_ready = 0;
		while (!pend.empty()) {
			m->i_resp_valid = pend.front().first <= tb.cycle;
			if (m->i_resp_valid)
				pend.pop_front(), outst--;
			m->eval();
			CHECK(tb, !m->o_req_valid && !m->o_ld_valid && !m->o_err_valid, "activity after stop: req %d ld %d err %d", m->o_req_valid, m->o_ld_valid, m->o_err_valid);
			tb.tick();
		}
		m->i_resp_valid = 0;
	}
	CHECK(tb, stats[MOTE_ERR_OPCODE] > 10 && stats[MOTE_ERR_FIELD] > 30 && stats[MOTE_ERR_FETCH_WINDOW] > 10 &&
		      stats[MOTE_ERR_NO_END] > 30 && n_end > 100 && n_abort > 10,
	      "coverage: %d END, %d OPCODE, %d FIELD, %d FETCH_WINDOW, %d NO_END, %d aborts", n_end,
	      stats[MOTE_ERR_OPCODE], stats[MOTE_ERR_FIELD], stats[MOTE_ERR_FETCH_WINDOW], stats[MOTE_ERR_NO_END], n_abort);
	printf("fetch: %d END, %d OPCODE, %d FIELD, %d FETCH_WINDOW, %d NO_END, %d aborts, max %d reads in flight: PASS\n",
	       n_end, stats[MOTE_ERR_OPCODE], stats[MOTE_ERR_FIELD], stats[MOTE_ERR_FETCH_WINDOW],
	       stats[MOTE_ERR_NO_END], n_abort, max_out);
	return 0;
}
