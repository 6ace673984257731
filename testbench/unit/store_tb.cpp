// store_tb.cpp: mote_store_unit against a C++ model of the spec's STORE: bias
// and accumulator buffers (registered reads), the requantization of dp_model.h,
// a byte-addressed device memory with write windows, and the c2s/s2c tokens.
// Random STOREs with unaligned addresses, signed strides, NCOLS < COLS, INT32,
// memory back-pressure; range, field and window errors; streaming rate.
// STORE ADD: operand rows read through the unit's read port (random latency and
// back-pressure, any alignment, uint8/int8, in place or reading an earlier
// command's output), read-window faults, and the streaming rate with ADD.
// Build with -GCOLS=C -GMEM_BYTES=M -GPPU_LANES=L and the matching -DTB_* defines;
// TB_SERIAL=1 (with -GPPU_SERIAL=1) is the narrow path: a 32-bit bias buffer
// read one word (row*COLS + column) at a time, STORE ADD a FIELD error, and a
// sweep of every shift amount through its multiplier.  ROUND_TFL (TFLite's two
// roundings) on random STOREs of the row path; a FIELD error on the serial one.
#include "Vmote_store_unit.h"
#include "dp_bits.h"
#include "dp_model.h"
#include "mote/mote_hw.h"
#include "testb.h"
#include <deque>
#include <map>
#include <string>
#include <vector>

#ifndef TB_SERIAL
#define TB_SERIAL 0
#endif
#ifndef TB_BDEPTH
#define TB_BDEPTH 96
#endif
#ifndef TB_CDEPTH
#define TB_CDEPTH 1024
#endif
static const int C = TB_COLS, MB = TB_MEM_BYTES;
static const int BDEPTH = TB_BDEPTH, CDEPTH = TB_CDEPTH;
static const bool SERIAL = TB_SERIAL;
static const uint32_t MEM_LO = 0x10000, MEM_HI = 0x30000;
// windows: 0 writable, 1 read-only, 2 read-write, 3 empty; 0x1E000.. none
static const uint32_t WBASE[4] = {0x10000, 0x18000, 0x1C000, 0}, WSIZE[4] = {0x8000, 0x4000, 0x2000, 0};
static const uint32_t WPERM[4] = {2, 1, 3, 0};

// perm: 2 write, 1 read
static bool win_ok(uint32_t a, uint32_t perm = 2)
{
	for (int w = 0; w < 4; w++)
		if ((WPERM[w] & perm) && a >= WBASE[w] && (uint64_t)a + MB <= (uint64_t)WBASE[w] + WSIZE[w])
			return true;
	return false;
}

struct Cmd {
	bool sync = false, pop = false, push = false, pop_next = false, int32 = false, tfl = false;
	int acc = 0, bias = 0, ni = 1, no = 1, ncols = C;
	uint32_t addr0 = MEM_LO;
	int32_t is = 0, os = 0;
	int16_t zp = 0, lo = -128, hi = 127;
	// STORE ADD
	bool add = false, u8 = false;
	uint32_t aaddr = 0;
	uint16_t ma = 0, mb = 0;
	int16_t azp = 0, aozp = 0, alo = -128, ahi = 127;
	int ash = 0;
	uint32_t idx = 0;
	long words = 0; // words the command writes (model; the serial path: bytes)
	void encode(uint32_t *w) const
	{
		for (int i = 0; i < 16; i++)
			w[i] = 0;
		MOTE_CMD_SET(w, HDR, OPCODE, sync ? MOTE_OP_SYNC : MOTE_OP_STORE);
		MOTE_CMD_SET(w, HDR, POP_PREV, pop);
		MOTE_CMD_SET(w, HDR, PUSH_PREV, push);
		MOTE_CMD_SET(w, HDR, POP_NEXT, pop_next);
		if (sync) {
			MOTE_CMD_SET(w, SYNC, QUEUE, MOTE_QUEUE_STORE);
			return;
		}
		MOTE_CMD_SET(w, STORE, INT32, int32);
		MOTE_CMD_SET(w, STORE, ROUND_TFL, tfl);
		MOTE_CMD_SET(w, STORE, ACC_ROW, acc);
		MOTE_CMD_SET(w, STORE, BIAS_ROW, bias);
		MOTE_CMD_SET(w, STORE, N_INNER, ni);
		MOTE_CMD_SET(w, STORE, N_OUTER, no);
		MOTE_CMD_SET(w, STORE, ADDR0, addr0);
		MOTE_CMD_SET(w, STORE, INNER_STRIDE, is);
		MOTE_CMD_SET(w, STORE, OUTER_STRIDE, os);
		MOTE_CMD_SET(w, STORE, NCOLS, ncols);
		MOTE_CMD_SET(w, STORE, OUT_ZP, zp);
		MOTE_CMD_SET(w, STORE, CLAMP_LO, lo);
		MOTE_CMD_SET(w, STORE, CLAMP_HI, hi);
		MOTE_CMD_SET(w, STORE, ADD, add);
		MOTE_CMD_SET(w, STORE, ADD_U8, u8);
		MOTE_CMD_SET(w, STORE, ADD_ADDR0, aaddr);
		MOTE_CMD_SET(w, STORE, ADD_MULT_A, ma);
		MOTE_CMD_SET(w, STORE, ADD_MULT_B, mb);
		MOTE_CMD_SET(w, STORE, ADD_ZP, azp);
		MOTE_CMD_SET(w, STORE, ADD_OUT_ZP, aozp);
		MOTE_CMD_SET(w, STORE, ADD_LO, alo);
		MOTE_CMD_SET(w, STORE, ADD_HI, ahi);
		MOTE_CMD_SET(w, STORE, ADD_SHIFT, ash);
	}
};

struct Bench {
	TESTB<Vmote_store_unit> tb;
	DpRng rng;
	std::vector<uint32_t> bbuf, acc, bbuf_r, acc_r;
	std::vector<uint8_t> mem, mmem; // device memory: DUT-written and model
	std::map<uint32_t, std::string> why; // TB_DEBUG: the value each model byte came from
	long c2s = 0;
	int tok_pct = 100, gap_pct = 0, ready_pct = 100, rd_ready_pct = 100, rd_lat_max = 6;
	int acc_busy_pct = 0; // cycles the (shared) accumulator read port serves the compute unit
	// operand reads accepted: response data and the cycle it is due
	struct Resp {
		uint64_t due;
		std::vector<uint8_t> data;
	};
	std::deque<Resp> rdq;
	long reads = 0, want_err_code = 0;
	std::deque<Cmd> queue, inflight;
	uint32_t next_idx = 0;
	long words_done = 0, words_model = 0, retired = 0, pushes = 0, stall_mem = 0;
	bool err_seen = false, model_failed = false;
	int err_code = 0;
	uint32_t err_idx = 0, err_addr = 0, want_err_idx = 0, want_err_addr = 0;
	bool abort_now = false, offered = false;
	bool bbuf_written = false; // a LOAD wrote the bias buffer (pulse for the unit)
	uint64_t first_req = 0, last_req = 0;

	explicit Bench(uint64_t seed) : rng(seed), bbuf(BDEPTH * C), acc(CDEPTH * C), bbuf_r(C), acc_r(C),
					mem(MEM_HI - MEM_LO), mmem(MEM_HI - MEM_LO)
	{
		for (int r = 0; r < BDEPTH; r++)
			for (int k = 0; k < C; k++) {
				uint32_t v;
				switch (r % 3) {
				case 0: v = rng.chance(80) ? (uint32_t)rng.range(-5000, 5000) : rng.u32(); break;
				case 1: v = rng.chance(80) ? (0x40000000u | (rng.u32() >> 2)) : rng.u32(); break;
				default: v = rng.chance(80) ? (uint32_t)rng.range(30, 45) : rng.u32(); break;
				}
				bbuf[r * C + k] = v;
			}
		for (auto &x : acc)
			x = rng.chance(70) ? (uint32_t)rng.range(-100000, 100000) : rng.u32();
		for (size_t i = 0; i < mem.size(); i++)
			mem[i] = mmem[i] = (uint8_t)rng.u32();
		Vmote_store_unit *m = tb.m;
		for (int w = 0; w < 4; w++) {
			dp_set(m->i_win_base, 32 * w, 32, WBASE[w]);
			dp_set(m->i_win_size, 32 * w, 32, WSIZE[w]);
			dp_set(m->i_win_perm, 3 * w, 3, WPERM[w]);
		}
		m->i_abort = 0;
		m->i_cmd_valid = 0;
		m->i_req_ready = 0;
		tb.reset();
	}

	// Queue a command and run the model on it (unless an earlier one failed).
	void push(Cmd c)
	{
		c.idx = next_idx;
		next_idx += 1 + rng.range(0, 2);
		if (!c.sync && !model_failed) {
			int row = c.acc;
			for (int o = 0; o < c.no && !model_failed; o++)
				for (int i = 0; i < c.ni && !model_failed; i++, row++) {
					uint32_t a = c.addr0 + (uint32_t)o * (uint32_t)c.os + (uint32_t)i * (uint32_t)c.is;
					std::vector<uint8_t> bytes;
					uint32_t ra = c.aaddr + (uint32_t)o * (uint32_t)c.os + (uint32_t)i * (uint32_t)c.is;
					if (c.add && c.ncols > 0) { // the operand row's words, read before the row is written
						for (uint32_t w = ra & ~(uint32_t)(MB - 1); w <= ((ra + c.ncols - 1) & ~(uint32_t)(MB - 1));
						     w += MB)
							if (!win_ok(w, 1)) {
								model_failed = true;
								want_err_idx = c.idx;
								want_err_addr = w;
								want_err_code = MOTE_ERR_READ_WINDOW;
								break;
							}
						if (model_failed)
							break;
					}
					for (int k = 0; k < c.ncols; k++) {
						uint32_t bi = c.bias * C + k, m1 = (c.bias + 1) * C + k, s2 = (c.bias + 2) * C + k;
						uint32_t v = dp_requant(acc[row * C + k], bbuf[bi], bbuf[m1], bbuf[s2], c.zp, c.lo, c.hi,
									c.int32, c.tfl);
						if (c.add) {
							int32_t y = dp_requant_y(acc[row * C + k], bbuf[bi], bbuf[m1], bbuf[s2], c.zp, c.lo,
										 c.hi, c.tfl);
							v = dp_store_add(y, c.zp, mmem[ra + k - MEM_LO], c.u8, c.azp, c.ma, c.mb, c.aozp,
									 c.alo, c.ahi, c.ash);
						}
						for (int b = 0; b < (c.int32 ? 4 : 1); b++)
							bytes.push_back((uint8_t)(v >> (8 * b)));
						if (getenv("TB_DEBUG")) {
							char d[200];
							snprintf(d, sizeof d, "cmd %u row %d col %d: acc %08x bias %08x mult %08x shift %u "
								 "zp %d lo %d hi %d -> %08x", next_idx, row, k, acc[row * C + k], bbuf[bi],
								 bbuf[m1], bbuf[s2], c.zp, c.lo, c.hi, v);
							for (int b = 0; b < (c.int32 ? 4 : 1); b++)
								why[a + (uint32_t)(bytes.size() - 1 - b)] = d;
						}
					}
					if (bytes.empty())
						continue;
					uint32_t w0 = a & ~(uint32_t)(MB - 1), wend = (a + (uint32_t)bytes.size() - 1) & ~(uint32_t)(MB - 1);
					for (uint32_t w = w0;; w += MB) {
						if (!win_ok(w)) {
							model_failed = true;
							want_err_idx = c.idx;
							want_err_addr = w;
							want_err_code = MOTE_ERR_WRITE_WINDOW;
							break;
						}
						int nw = 0;
						for (int j = 0; j < MB; j++) {
							uint32_t p = w + j;
							if (p >= a && p < a + bytes.size()) {
								if (!(p >= MEM_LO && p < MEM_HI)) {
									fprintf(stderr, "bench: model address %08x outside memory\n", p);
									exit(1);
								}
								mmem[p - MEM_LO] = bytes[p - a];
								nw++;
							}
						}
						// the serial path writes a byte per request
						c.words += SERIAL ? nw : 1;
						if (w == wend)
							break;
					}
				}
		}
		if (getenv("TB_DEBUG"))
			printf("cmd %u sync %d int32 %d ncols %d ni %d no %d addr0 %08x is %d os %d words %ld\n", c.idx, c.sync,
			       c.int32, c.ncols, c.ni, c.no, c.addr0, c.is, c.os, c.words);
		queue.push_back(c);
	}

	void cycle()
	{
		Vmote_store_unit *m = tb.m;
		for (int k = 0; k < C; k++) {
			dp_set(m->i_bbuf_rdata, 32 * k, 32, bbuf_r[k]);
			dp_set(m->i_acc_rdata, 32 * k, 32, acc_r[k]);
		}
		m->i_tok_c2s_avail = c2s > 0;
		m->i_bbuf_we = bbuf_written;
		bbuf_written = false;
		// a command once offered stays offered until taken (valid/ready)
		bool offer = !queue.empty() && (offered || !(gap_pct && rng.chance(gap_pct)));
		m->i_cmd_valid = offer;
		if (offer) {
			uint32_t w[16];
			queue.front().encode(w);
			for (int i = 0; i < 16; i++)
				m->i_cmd[i] = w[i];
			m->i_cmd_idx = queue.front().idx;
		}
		m->i_req_ready = rng.chance(ready_pct);
		m->i_rd_req_ready = rng.chance(rd_ready_pct);
		// a shared accumulator read port (one copy): taken by the compute unit at times
		bool acc_free = !acc_busy_pct || !rng.chance(acc_busy_pct);
		m->i_acc_free = acc_free;
		bool resp = !rdq.empty() && rdq.front().due <= tb.cycle;
		m->i_rd_resp_valid = resp;
		if (resp)
			for (int j = 0; j < MB; j++)
				dp_set(m->i_rd_resp_data, 8 * j, 8, rdq.front().data[j]);
		m->i_abort = abort_now;
		m->eval();
		if (resp)
			rdq.pop_front();
		// operand reads, also while aborting (the CSR holds the abort until they are answered)
		if (m->o_rd_req_valid && m->i_rd_req_ready) {
			uint32_t a = m->o_rd_req_addr;
			CHECK(tb, (a & (MB - 1)) == 0, "unaligned read %08x", a);
			CHECK(tb, win_ok(a, 1), "read %08x outside the read windows", a);
			CHECK(tb, a >= MEM_LO && a + MB <= MEM_HI, "read %08x outside memory", a);
			Resp r;
			uint64_t last = rdq.empty() ? 0 : rdq.back().due;
			r.due = tb.cycle + 1 + (uint64_t)rng.range(0, rd_lat_max);
			r.due = r.due <= last ? last + 1 : r.due;
			r.data.assign(mem.begin() + (a - MEM_LO), mem.begin() + (a - MEM_LO) + MB);
			rdq.push_back(r);
			reads++;
		}
		if (!abort_now) {
			offered = offer && !m->o_cmd_ready;
			if (offer && m->o_cmd_ready) {
				inflight.push_back(queue.front());
				queue.pop_front();
			}
			if (m->o_tok_c2s_pop) {
				CHECK(tb, c2s > 0, "c2s popped at zero");
				c2s--;
			}
			// a retire reports words accepted in earlier cycles
			if (m->o_retire) {
				CHECK(tb, !inflight.empty(), "retire with nothing in flight");
				Cmd &c = inflight.front();
				words_model += c.words;
				CHECK(tb, words_done == words_model, "cmd %u retired after %ld words, want %ld", c.idx, words_done,
				      words_model);
				CHECK(tb, m->o_tok_s2c_push == c.push, "push of cmd %u", c.idx);
				CHECK(tb, !c.push || m->o_push_idx == c.idx, "push of cmd %u names command %u", c.idx,
				      m->o_push_idx);
				inflight.pop_front();
				retired++;
			} else {
				CHECK(tb, !m->o_tok_s2c_push, "push without retire");
			}
			if (m->o_req_valid) {
				CHECK(tb, m->o_req_write, "store issued a read");
				if (m->i_req_ready) {
					uint32_t a = m->o_req_addr;
					if (getenv("TB_DEBUG"))
						printf("cycle %llu: write %08x strb %llx\n", (unsigned long long)tb.cycle, a,
						       (unsigned long long)dp_get(m->o_req_wstrb, 0, MB));
					CHECK(tb, (a & (MB - 1)) == 0, "unaligned request %08x", a);
					CHECK(tb, win_ok(a), "request %08x outside the write windows", a);
					CHECK(tb, a >= MEM_LO && a + MB <= MEM_HI, "request %08x outside memory", a);
					for (int j = 0; j < MB; j++)
						if ((dp_get(m->o_req_wstrb, j, 1)))
							mem[a + j - MEM_LO] = (uint8_t)dp_get(m->o_req_wdata, 8 * j, 8);
					if (words_done == 0)
						first_req = tb.cycle;
					last_req = tb.cycle;
					words_done++;
				} else {
					stall_mem++;
				}
			}
			if (m->o_req_valid && !m->i_req_ready)
				CHECK(tb, m->o_stall_mem, "stall_mem");
			else if (!m->o_rd_req_valid && inflight.empty())
				CHECK(tb, !m->o_stall_mem, "stall_mem without a command");
			if (m->o_err_valid) {
				CHECK(tb, !err_seen, "second error pulse");
				err_seen = true;
				err_code = m->o_err_code;
				err_idx = m->o_err_idx;
				err_addr = m->o_err_addr;
			}
			pushes += m->o_tok_s2c_push;
		}
		std::vector<uint32_t> nb = bbuf_r, na = acc_r;
		if (m->o_bbuf_re && SERIAL) { // one 32-bit word: row*C + column
			CHECK(tb, m->o_bbuf_raddr < BDEPTH * C, "bbuf address");
			nb[0] = bbuf[m->o_bbuf_raddr];
		} else if (m->o_bbuf_re) {
			CHECK(tb, m->o_bbuf_raddr < BDEPTH, "bbuf address");
			for (int k = 0; k < C; k++)
				nb[k] = bbuf[m->o_bbuf_raddr * C + k];
		}
		if (m->o_acc_re) {
			CHECK(tb, acc_free, "accumulator read while the port is taken");
			CHECK(tb, m->o_acc_raddr < CDEPTH, "acc address");
			for (int k = 0; k < C; k++)
				na[k] = acc[m->o_acc_raddr * C + k];
		} else if (SERIAL && !acc_free) {
			// the serial path takes a row's value the cycle after its read: the
			// port serving the compute unit meanwhile changes the data
			for (int k = 0; k < C; k++)
				na[k] = (uint32_t)rng.u32();
		} /* else: the last row read stays (mote_top holds it with one accumulator copy) */
		tb.tick();
		bbuf_r = nb;
		acc_r = na;
		if (tok_pct && rng.chance(tok_pct))
			c2s++;
	}

	// abort, held until every operand read is answered (as the CSR does)
	void abort()
	{
		abort_now = true;
		cycle();
		while (!rdq.empty())
			cycle();
		abort_now = false;
		CHECK(tb, tb.m->o_idle, "not idle after abort");
		queue.clear();
		inflight.clear();
		offered = false;
		words_model = words_done; // the failed command never retires
	}

	// a window fault as the model predicts, memory written up to it, then abort
	void check_fault(int code)
	{
		CHECK(tb, model_failed && want_err_code == code, "model saw no fault %d", code);
		CHECK(tb, err_seen && err_code == code && err_idx == want_err_idx && err_addr == want_err_addr,
		      "window error: seen %d code %d idx %u addr %08x want code %d idx %u addr %08x", err_seen, err_code,
		      err_idx, err_addr, code, want_err_idx, want_err_addr);
		compare_mem(); // everything before the fault, nothing after
		abort();
		model_failed = false;
	}

	// until an error is seen (the serial path is slower), then 100 cycles more:
	// nothing may be written after it
	void run_to_error()
	{
		for (int i = 0; i < 400 || (!err_seen && i < 20000); i++)
			cycle();
		for (int i = 0; i < 100; i++)
			cycle();
	}

	void drain(int limit = 200000)
	{
		int n = 0;
		while ((!queue.empty() || !inflight.empty() || !tb.m->o_idle) && n++ < limit)
			cycle();
		CHECK(tb, queue.empty() && inflight.empty() && tb.m->o_idle, "did not drain: %zu queued %zu in flight",
		      queue.size(), inflight.size());
	}

	void compare_mem()
	{
		for (size_t i = 0; i < mem.size(); i++)
			CHECK(tb, mem[i] == mmem[i], "memory %08zx: got %02x want %02x (%s)", i + MEM_LO, mem[i], mmem[i],
			      why.count((uint32_t)(i + MEM_LO)) ? why[(uint32_t)(i + MEM_LO)].c_str() : "");
	}

	int add_pct = 0;

	// a block address whose offsets [minoff, maxoff) lie inside window w, a word from its edges
	uint32_t place(int w, long minoff, long maxoff)
	{
		long lo = (long)WBASE[w] - minoff, hi = (long)WBASE[w] + WSIZE[w] - maxoff - MB;
		return (uint32_t)rng.range((int)lo + MB, (int)hi - MB);
	}

	// do the rows of c (NCOLS bytes each) overlap one another?
	static bool rows_overlap(const Cmd &c)
	{
		std::vector<long> st;
		for (int o = 0; o < c.no; o++)
			for (int i = 0; i < c.ni; i++)
				st.push_back((long)o * c.os + (long)i * c.is);
		for (size_t a = 0; a < st.size(); a++)
			for (size_t b = a + 1; b < st.size(); b++)
				if (st[a] < st[b] + c.ncols && st[b] < st[a] + c.ncols)
					return true;
		return false;
	}

	// STORE ADD fields: the operand in read-only window 1, in window 2 (where
	// earlier commands write) when the output is in window 0, or in place
	void random_add(Cmd &c, bool out_w2, long minoff, long maxoff)
	{
		c.add = true;
		c.u8 = rng.chance(50);
		if (out_w2 && !rows_overlap(c) && rng.chance(30))
			c.aaddr = c.addr0;
		else
			c.aaddr = place(!out_w2 && rng.chance(40) ? 2 : 1, minoff, maxoff);
		c.ma = (uint16_t)(rng.chance(70) ? rng.range(20000, 65535) : rng.range(0, 65535));
		c.mb = (uint16_t)(rng.chance(70) ? rng.range(20000, 65535) : rng.range(0, 65535));
		c.ash = rng.chance(80) ? rng.range(14, 18) : rng.range(0, 63);
		c.azp = (int16_t)(rng.chance(80) ? rng.range(-128, 255) : rng.range(-32768, 32767));
		c.aozp = (int16_t)rng.range(-128, 127);
		c.alo = rng.chance(70) ? -128 : (int16_t)rng.range(-300, 50);
		c.ahi = rng.chance(70) ? 127 : (int16_t)rng.range(-50, 300);
		if (rng.chance(5))
			c.ash = 0, c.ma = 1, c.mb = 1; // exact sum, saturating
	}

	// A random legal STORE inside window 0 or window 2 (with add_pct% ADD).
	Cmd random_cmd()
	{
		Cmd c;
		if (rng.chance(5)) {
			c.sync = true;
		} else {
			c.int32 = rng.chance(30);
			c.tfl = !SERIAL && rng.chance(40); // ignored with INT32
			c.ncols = rng.chance(60) ? C : rng.range(0, C);
			c.ni = rng.range(1, 6);
			c.no = rng.chance(5) ? 0 : rng.range(1, 4);
			if (rng.chance(5))
				c.ni = 0;
			c.acc = rng.range(0, CDEPTH - c.ni * c.no);
			c.bias = rng.range(0, BDEPTH - 3);
			int rb = c.ncols * (c.int32 ? 4 : 1);
			c.is = rng.chance(70) ? rb + rng.range(0, 5) : rng.range(-3 * rb - 8, 3 * rb + 8);
			c.os = rng.chance(70) ? c.ni * (rb + 8) : rng.range(-400, 400);
			c.zp = (int16_t)rng.range(-20, 20);
			c.lo = rng.chance(70) ? -128 : (int16_t)rng.range(-300, 0);
			c.hi = rng.chance(70) ? 127 : (int16_t)rng.range(0, 300);
			// place the block so every row lies inside the chosen window
			long minoff = 0, maxoff = 0;
			for (int o = 0; o < c.no; o++)
				for (int i = 0; i < c.ni; i++) {
					long off = (long)o * c.os + (long)i * c.is;
					minoff = off < minoff ? off : minoff;
					maxoff = off + rb > maxoff ? off + rb : maxoff;
				}
			bool w2 = rng.chance(30);
			c.addr0 = place(w2 ? 2 : 0, minoff, maxoff);
			if (!c.int32 && rng.chance(add_pct))
				random_add(c, w2, minoff, maxoff);
		}
		c.pop = rng.chance(20);
		c.push = rng.chance(30);
		return c;
	}
};

// the serial lane's steps for a value of shift s (mote_requant_serial)
static int serial_steps(int s)
{
	s &= 63;
	return s >= 32 ? (s + 1) / 2 : 16 + (s + 1) / 2;
}

// TB_ONLY=n runs test n alone (debugging)
static bool want(int n)
{
	const char *o = getenv("TB_ONLY");
	return !o || atoi(o) == n;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	const uint64_t g = C * 1000 + MB * 10 + TB_LANES;
	if (want(1)) {
		// 1. random legal STOREs, memory back-pressure, tokens, queue gaps
		Bench b(0x57020001 + g);
		b.tok_pct = 20;
		b.gap_pct = 20;
		b.ready_pct = 60;
		b.rd_ready_pct = 70;
		b.add_pct = SERIAL ? 0 : 40;
		b.acc_busy_pct = 25;
		for (int i = 0; i < 1200; i++) {
			b.push(b.random_cmd());
			while (b.queue.size() > 3)
				b.cycle();
		}
		b.drain();
		CHECK(b.tb, !b.err_seen, "unexpected error %d at %u", b.err_code, b.err_idx);
		b.compare_mem();
		printf("store C=%d MB=%d lanes=%d%s: 1200 random commands (%d%% ADD of the byte ones), %ld words written, "
		       "%ld operand words read, %ld memory stalls: ok\n", C, MB, TB_LANES, SERIAL ? " serial" : "", b.add_pct,
		       b.words_done, b.reads, b.stall_mem);
	}
	if (want(2)) {
		// 2. errors: field, bias and accumulator range at the exact limits, windows
		Bench b(0x57020002 + g);
		b.tok_pct = 0;
		Cmd base;
		base.ni = 4;
		base.no = 2;
		base.is = C;
		base.os = 4 * C + 8;
		base.addr0 = 0x10101;
		struct E {
			int code;
			Cmd c;
		};
		std::vector<E> es;
		Cmd c;
		c = base; c.ncols = C + 1; es.push_back({MOTE_ERR_FIELD, c});
		c = base; c.pop_next = true; es.push_back({MOTE_ERR_FIELD, c});
		c = base; c.sync = true; c.pop_next = true; es.push_back({MOTE_ERR_FIELD, c});
		c = base; c.bias = BDEPTH - 2; es.push_back({MOTE_ERR_STORE_RANGE, c});
		c = base; c.bias = 65535; es.push_back({MOTE_ERR_STORE_RANGE, c});
		c = base; c.acc = CDEPTH - 7; es.push_back({MOTE_ERR_STORE_RANGE, c});
		c = base; c.acc = CDEPTH - 7; c.ncols = 0; es.push_back({MOTE_ERR_STORE_RANGE, c});
		c = base; c.ni = 1024; c.no = 2; c.acc = 0; es.push_back({MOTE_ERR_STORE_RANGE, c});
		c = base; c.ni = 65535; c.no = 65535; c.acc = 0; es.push_back({MOTE_ERR_STORE_RANGE, c});
		c = base; c.add = true; c.int32 = true; c.aaddr = 0x18000; es.push_back({MOTE_ERR_FIELD, c});
		c = base; c.add = true; c.int32 = true; c.ni = 0; es.push_back({MOTE_ERR_FIELD, c});
		if (SERIAL) { // the serial lane rounds once only
			c = base; c.tfl = true; es.push_back({MOTE_ERR_FIELD, c});
			c = base; c.tfl = true; c.bias = BDEPTH - 2; es.push_back({MOTE_ERR_FIELD, c});
		}
		for (auto &e : es) {
			Cmd ok = base; // legal at the limits first
			ok.bias = BDEPTH - 3;
			ok.acc = CDEPTH - 8;
			b.push(ok);
			b.drain();
			b.err_seen = false;
			b.queue.push_back(e.c);
			uint32_t bad = b.queue.back().idx = b.next_idx++;
			b.queue.push_back(base);
			b.queue.back().idx = b.next_idx++;
			for (int i = 0; i < 80; i++)
				b.cycle();
			CHECK(b.tb, b.err_seen && b.err_code == e.code && b.err_idx == bad, "error %d idx %u: seen %d code %d idx %u",
			      e.code, bad, b.err_seen, b.err_code, b.err_idx);
			CHECK(b.tb, b.err_addr == 0, "error %d: address %08x, want 0", e.code, b.err_addr);
			CHECK(b.tb, b.queue.size() == 1, "a command was accepted after the error");
			b.abort();
		}
		b.compare_mem();
		// window faults part-way: rows run from window 0 into read-only window 1
		for (int t = 0; t < 40; t++) {
			b.err_seen = false;
			Cmd w = base;
			w.int32 = b.rng.chance(50);
			w.ncols = b.rng.range(1, C);
			w.ni = b.rng.range(1, 8);
			w.no = b.rng.range(1, 3);
			w.is = w.ncols * (w.int32 ? 4 : 1) + b.rng.range(0, 3);
			w.os = w.ni * w.is;
			// the last byte lands at or beyond 0x18000 (r = 0: the first word faults)
			int rb = w.ncols * (w.int32 ? 4 : 1);
			w.addr0 = 0x18000 - (uint32_t)b.rng.range(0, (w.ni * w.no - 1) * w.is + rb - 1);
			Cmd before = base;
			b.push(before);
			b.push(w);
			b.push(before); // must not run
			b.run_to_error();
			CHECK(b.tb, b.model_failed, "model saw no fault");
			b.check_fault(MOTE_ERR_WRITE_WINDOW);
		}
		// operand faults part-way: operand rows run beyond readable window 2
		// (0x1E000) or start in write-only window 0; the output is legal
		for (int t = 0; t < (SERIAL ? 0 : 40); t++) {
			b.err_seen = false;
			Cmd w = base;
			w.add = true;
			w.u8 = b.rng.chance(50);
			w.ma = 30000, w.mb = 20000, w.ash = 15;
			w.ncols = b.rng.range(1, C);
			w.ni = b.rng.range(1, 8);
			w.no = b.rng.range(1, 3);
			w.is = w.ncols + b.rng.range(0, 3);
			w.os = w.ni * w.is;
			w.addr0 = 0x10000 + (uint32_t)b.rng.range(0, 64);
			if (t % 4 == 3)
				w.aaddr = 0x18000 - (uint32_t)b.rng.range(1, 64); // the first word faults
			else
				w.aaddr = 0x1E000 - (uint32_t)b.rng.range(0, (w.ni * w.no - 1) * w.is + w.ncols - 1);
			b.push(base);
			b.push(w);
			b.push(base); // must not run
			b.run_to_error();
			b.check_fault(MOTE_ERR_READ_WINDOW);
		}
		b.err_seen = false;
		b.push(base);
		b.drain();
		CHECK(b.tb, !b.err_seen, "error after recovery");
		b.compare_mem();
		printf("store C=%d MB=%d lanes=%d: %zu field/range errors, 40 write and %d operand window faults "
		       "(nothing written after): ok\n", C, MB, TB_LANES, es.size(), SERIAL ? 0 : 40);
	}
	if (want(3)) {
		// 3. streaming: rows of one word, memory always ready (the serial
		// lane's rate depends on the shift: here shifts of 30..45, as the
		// compiler's requantization gives; 3b measures the others)
		Bench b(0x57020003 + g);
		b.tok_pct = 0;
		for (int k = 0; SERIAL && k < C; k++)
			b.bbuf[2 * C + k] = (uint32_t)b.rng.range(30, 45);
		b.bbuf_written = true;
		int nb = C <= MB ? C : MB; // bytes per row that fit one word
		Cmd s;
		s.ncols = nb;
		s.ni = CDEPTH / 16;
		s.no = 4;
		s.is = MB;
		s.os = s.ni * MB;
		s.addr0 = 0x10000;
		for (int i = 0; i < 4; i++) {
			s.acc = CDEPTH / 4 * i;
			s.addr0 = 0x10000 + 0x1000 * i;
			b.push(s);
		}
		b.drain();
		b.compare_mem();
		// (the serial path writes a byte per request: words_done counts values;
		// a value takes its lane steps and two cycles more)
		double steps = 0;
		for (int k = 0; SERIAL && k < nb; k++)
			steps += serial_steps((int)b.bbuf[2 * C + k]) + 2.0;
		double rate = (double)b.words_done / (SERIAL ? nb : 1) / (double)(b.last_req - b.first_req + 1);
		double want = 0.9 * (SERIAL ? 1.0 / steps : TB_LANES == C ? 1.0 : (double)TB_LANES / C);
		CHECK(b.tb, rate >= want, "%.4f rows per cycle, want >= %.4f", rate, want);
		printf("store C=%d MB=%d lanes=%d: %d one-word rows in 4 STOREs at %.4f rows/cycle\n", C, MB, TB_LANES,
		       CDEPTH, rate);
	}
	if (SERIAL && want(3)) {
		// 3b. the serial lane's rate per shift amount (ceil(shift/2) steps of
		// its multiplier from 32 up, 16 more below 32) and with INT32:
		// one STORE of CDEPTH/2 rows of C values; the accumulator port taken
		// 0 or 25% of cycles.  Cycles per value: between the first and the
		// last write; per command: from its offer to its retire.
		static const int shifts[] = {38, 24, 44, 52, 60, 8, -1, 0};
		for (int busy = 0; busy <= 25; busy += 25)
			for (const int *sp = shifts; *sp != 0; sp++) {
				Bench b(0x57020013 + g + (uint64_t)busy);
				b.tok_pct = 0;
				b.acc_busy_pct = busy;
				bool i32 = *sp < 0;
				for (int k = 0; k < C; k++)
					b.bbuf[2 * C + k] = (uint32_t)(i32 ? 40 : *sp);
				b.bbuf_written = true;
				Cmd s;
				s.int32 = i32;
				s.ncols = C;
				s.ni = CDEPTH / 2;
				s.no = 1;
				s.is = s.ncols * (i32 ? 4 : 1);
				s.acc = 0;
				s.bias = 0;
				s.addr0 = 0x10000;
				uint64_t t0 = b.tb.cycle;
				b.push(s);
				b.drain();
				b.compare_mem();
				long vals = (long)s.ni * s.ncols;
				double cpv = (double)(b.last_req - b.first_req + 1) / (double)vals;
				double all = (double)(b.tb.cycle - t0) / (double)vals;
				// the lane's steps and two cycles more (INT32: 4 bytes of 3 cycles)
				double want_cpv = i32 ? 14.0 : serial_steps(*sp) + 2.0;
				if (!busy)
					CHECK(b.tb, cpv <= want_cpv + 0.05, "shift %d: %.3f cycles per value, want <= %.1f", *sp,
					      cpv, want_cpv);
				printf("store C=%d MB=%d serial: %s%s, acc port busy %d%%: %.2f cycles per value (%.1f per row), "
				       "%.2f with the command's setup\n", C, MB, i32 ? "INT32" : "shift ", i32 ? "" :
				       std::to_string(*sp).c_str(), busy, cpv, cpv * C, all);
			}
	}
	if (!SERIAL && want(4)) {
		// 4. streaming with ADD: one-word rows and one-word operand rows, operand
		// reads answered after 1..6 cycles; the prefetch must hide that
		Bench b(0x57020004 + g);
		b.tok_pct = 0;
		b.rd_lat_max = 5;
		int nb = C <= MB ? C : MB;
		Cmd s;
		s.ncols = nb;
		s.ni = 64;
		s.no = 4;
		s.is = MB;
		s.os = 64 * MB;
		s.add = true;
		s.ma = 40000, s.mb = 25000, s.ash = 16, s.aozp = 3;
		for (int i = 0; i < 4; i++) {
			s.acc = 256 * i;
			s.addr0 = 0x10000 + 0x1000 * i;
			s.aaddr = 0x18000 + 0x1000 * i;
			s.u8 = i & 1;
			b.push(s);
		}
		b.drain();
		b.compare_mem();
		double rate = (double)b.words_done / (double)(b.last_req - b.first_req + 1);
		double want = 0.85 * (TB_LANES == C ? 1.0 : (double)TB_LANES / C);
		CHECK(b.tb, rate >= want, "ADD: %.3f rows per cycle, want >= %.3f", rate, want);
		printf("store C=%d MB=%d lanes=%d: 1024 one-word ADD rows in 4 STOREs at %.3f rows/cycle\n", C, MB, TB_LANES,
		       rate);
	}
	if (!SERIAL && want(5)) {
		// 5. ADD rows packed several to a memory word: each operand word is read
		// once (the reader reuses the word it read last), at the same row rate
		Bench b(0x57020005 + g);
		b.tok_pct = 0;
		int nb = C <= MB / 2 ? C : MB / 2;
		Cmd s;
		s.ncols = nb;
		s.ni = 64;
		s.no = 4;
		s.is = nb;
		s.os = 64 * nb;
		s.add = true;
		s.ma = 30000, s.mb = 35000, s.ash = 16, s.aozp = -3;
		for (int i = 0; i < 4; i++) {
			s.acc = 256 * i;
			s.addr0 = 0x10000 + 0x1000 * i;
			s.aaddr = 0x18000 + 0x1000 * i + (uint32_t)(i & 1) * 3; // aligned, then not
			s.u8 = i & 1;
			b.push(s);
		}
		b.drain();
		b.compare_mem();
		long words = 0; // distinct operand words of the 4 commands
		for (int i = 0; i < 4; i++)
			words += (long)(((i & 1) * 3 + 256 * nb - 1) / MB + 1);
		CHECK(b.tb, b.reads == words, "%ld operand words read, want %ld (each once)", b.reads, words);
		double rate = (double)b.words_done / (double)(b.last_req - b.first_req + 1);
		double want = 0.85 * (TB_LANES == C ? 1.0 : (double)TB_LANES / C);
		CHECK(b.tb, rate >= want, "packed ADD rows: %.3f rows per cycle, want >= %.3f", rate, want);
		printf("store C=%d MB=%d lanes=%d: 1024 ADD rows of %d bytes read as %ld words, %.3f rows/cycle\n", C, MB,
		       TB_LANES, nb, b.reads, rate);
	}
	if (want(6)) {
		// 6. the arithmetic at its edges: every shift amount (upper bits of the
		// shift word set at random) with extreme multipliers and biases,
		// extreme accumulators, clamps with CLAMP_LO > CLAMP_HI
		Bench b(0x57020006 + g);
		b.tok_pct = 0;
		b.ready_pct = 70;
		static const uint32_t mults[] = {0x40000000u, 0x80000000u, 0x7fffffffu, 1u, 0xffffffffu, 0u, 0x5a5a5a5au};
		static const uint32_t extremes[] = {0x80000000u, 0x7fffffffu, 0u, 0xffffffffu};
		for (int r = 0; r < CDEPTH; r++)
			if (b.rng.chance(20))
				b.acc[r * C + b.rng.range(0, C - 1)] = extremes[b.rng.range(0, 3)];
		int n = 0, triples = BDEPTH / 3;
		for (int sh = 0; sh < 64; sh++)
			for (int mi = 0; mi < 7; mi++, n++) {
				int t = n % triples;
				if (t == 0)
					b.drain(); // the bias rows are rewritten below
				for (int k = 0; k < C; k++) {
					uint32_t m = mults[(mi + k) % 7];
					if (m == 0x40000000u || m == 0x5a5a5a5au)
						m ^= b.rng.u32() & 0x3fffffffu;
					b.bbuf[(3 * t + 1) * C + k] = m;
					b.bbuf[(3 * t + 2) * C + k] = (uint32_t)sh + 64 * (b.rng.u32() & 0xfff);
					b.bbuf[3 * t * C + k] = b.rng.chance(30) ? extremes[b.rng.range(0, 3)] :
								   (uint32_t)b.rng.range(-70000, 70000);
				}
				b.bbuf_written = true; // (as a LOAD of bias rows would)
				Cmd c;
				c.ncols = b.rng.chance(80) ? C : b.rng.range(1, C);
				c.ni = b.rng.range(1, 6);
				c.bias = 3 * t;
				c.acc = b.rng.range(0, CDEPTH - c.ni);
				c.is = c.ncols + b.rng.range(0, 9);
				c.addr0 = 0x10000 + (uint32_t)b.rng.range(0, 0x6000);
				c.zp = (int16_t)b.rng.range(-300, 300);
				c.lo = (int16_t)(b.rng.chance(70) ? -128 : b.rng.range(-32768, 32767));
				c.hi = (int16_t)(b.rng.chance(70) ? 127 : b.rng.range(-32768, 32767));
				c.tfl = !SERIAL && (n & 1); // every shift and multiplier in both roundings
				b.push(c);
			}
		// the same bias rows again right after a LOAD rewrote them: nothing of
		// the old contents may be reused (the serial path once kept tables of
		// the multipliers between STOREs)
		for (int r = 0; r < 20; r++, n++) {
			b.drain();
			for (int k = 0; k < C; k++) {
				b.bbuf[1 * C + k] = 0x40000000u ^ (b.rng.u32() & 0x3fffffffu);
				b.bbuf[2 * C + k] = (uint32_t)b.rng.range(20, 50);
			}
			b.bbuf_written = true;
			Cmd c;
			c.ni = 4;
			c.bias = 0;
			c.acc = b.rng.range(0, CDEPTH - 4);
			c.is = C;
			c.addr0 = 0x10000 + (uint32_t)b.rng.range(0, 0x6000);
			b.push(c);
			c.acc = b.rng.range(0, CDEPTH - 4); // and once more unchanged
			c.addr0 = 0x10000 + (uint32_t)b.rng.range(0, 0x6000);
			b.push(c);
		}
		b.drain();
		CHECK(b.tb, !b.err_seen, "unexpected error %d at %u", b.err_code, b.err_idx);
		b.compare_mem();
		printf("store C=%d MB=%d lanes=%d: %d STOREs over every shift amount, extreme multipliers, biases and "
		       "accumulators, bias rows rewritten between STOREs: ok\n", C, MB, TB_LANES, n + 20);
	}
	printf("store_tb C=%d MB=%d lanes=%d: PASS\n", C, MB, TB_LANES);
	return 0;
}
