// load_unit_tb.cpp: mote_load_unit against a C++ model of the spec's LOAD.
// Random 2-D regions (negative and positive offsets and steps, padding wider
// than the image, XOR_MSB, unaligned addresses, all three destinations), a
// memory with random latency and back-pressure, tokens, and window / range
// violations (no request may leave the readable window), COUNT above the row
// width (FIELD, nothing read or written), every row (bias word) written once.
// With P_SPLIT (SPARSE=1): LOAD HI_ROWS, rows of 2*ROWS bytes whose halves
// go to two activation rows HI_ROWS apart (odd), in one write; HI_ROWS even,
// on another buffer or without SPARSE is FIELD, the second row past the
// buffer LOAD_RANGE.  And LOAD W_PAIR: rows of 2*COLS bytes written to weight
// rows 2n and 2n+1 in one write; on another buffer or without SPARSE FIELD.
// The command is offered with valid held until the unit takes it (with its
// token).  Fixed seed.
#include "Vmote_load_unit.h"
#include "testb.h"
#include "wide.h"
#include <deque>
#include <map>
#include <set>
#include <vector>
extern "C" {
#include "mote/mote_hw.h"
}

#ifndef P_ROWS
#define P_ROWS 8
#endif
#ifndef P_COLS
#define P_COLS 8
#endif
#ifndef P_MB
#define P_MB 16
#endif
#ifndef P_BW
#define P_BW 0 // BIAS_WORDS: bias rows written as P_BW 32-bit words (row*P_BW + k)
#endif
#ifndef P_SERIAL
#define P_SERIAL 0 // the narrow path: a byte per cycle
#endif
#ifndef P_SPLIT
#define P_SPLIT 0 // SPARSE=1: LOAD HI_ROWS
#endif
static const int DEPTH[3] = {64, 32, 24}; // ABUF, WBUF, BBUF depths given with -G
static const int RW[3] = {P_ROWS, P_COLS, 4 * P_COLS};

static uint8_t mem_byte(uint32_t a) { return (uint8_t)((a * 2654435761u) >> 13) ^ (uint8_t)(a >> 7); }

struct Win {
	uint32_t base, size;
	bool ok(uint32_t a) const { return (uint64_t)a >= base && (uint64_t)a + P_MB <= (uint64_t)base + size; }
};

struct Load {
	uint32_t c[16];
	int dst, xr, pad, count, n_in, n_out, buf_row, hi = 0, pair = 0;
	int32_t y0, sy, sx, x0, step;
	uint32_t addr0, width, height;
};

struct Expect {
	std::map<std::pair<int, int>, std::vector<uint8_t>> rows; // (dst,row) -> bytes
	int err = 0;                                               // MOTE_ERR_*
	uint32_t err_addr = 0;
	int rows_before_err = 0;
	std::set<std::pair<int, int>> written; // (dst, buffer row or bias word) written once each
};

// The spec, directly (with multiplications, unlike the RTL).
static Expect model(const Load &L, const Win &w)
{
	Expect e;
	const int hr = P_SPLIT ? L.hi : 0; // HI_ROWS: without SPARSE the unit ignores it
	const bool pair = L.pair && L.dst == MOTE_BUF_WGT;
	int rw = hr ? 2 * P_ROWS : pair ? 2 * P_COLS : RW[L.dst];
	if (L.count > rw || (hr && (L.dst != MOTE_BUF_ACT || hr % 2 == 0)) ||
	    (L.pair && (!P_SPLIT || L.dst != MOTE_BUF_WGT))) {
		e.err = MOTE_ERR_FIELD;
		return e;
	}
	const int half = pair ? P_COLS : P_ROWS; // bytes of a split row's first half
	const int second = pair ? 1 : hr;        // rows from a split row's first half to its second
	for (int o = 0; o < L.n_out; o++)
		for (int i = 0; i < L.n_in; i++) {
			int r = o * L.n_in + i;
			int drow = L.buf_row + (pair ? 2 * r : r);
			if (drow + second >= DEPTH[L.dst]) {
				e.err = MOTE_ERR_LOAD_RANGE;
				return e;
			}
			int64_t y = (int64_t)L.y0 + (int64_t)o * L.sy;
			uint32_t base = L.addr0 + (uint32_t)((int64_t)o * L.step) + (uint32_t)((int64_t)i * L.sx);
			std::vector<uint8_t> row(rw);
			int64_t lo = -1, hi = -1;
			for (int b = 0; b < rw; b++) {
				int64_t x = (int64_t)L.x0 + (int64_t)i * L.sx + b;
				bool in = y >= 0 && y < L.height && x >= 0 && x < L.width && b < L.count;
				uint8_t v = in ? mem_byte(base + b) : (uint8_t)L.pad;
				if (in) {
					if (lo < 0)
						lo = b;
					hi = b;
				}
				row[b] = v ^ (L.xr ? 0x80 : 0);
			}
			if (lo >= 0) { // words covering [base+lo, base+hi], ascending
				uint32_t a = (base + (uint32_t)lo) & ~(uint32_t)(P_MB - 1);
				uint32_t last = (base + (uint32_t)hi) & ~(uint32_t)(P_MB - 1);
				for (;; a += P_MB) {
					if (!w.ok(a)) {
						e.err = MOTE_ERR_READ_WINDOW;
						e.err_addr = a;
						return e;
					}
					if (a == last)
						break;
				}
			}
			if (second) { // later rows overwrite: in order, as the unit writes
				e.rows[{L.dst, drow}] = std::vector<uint8_t>(row.begin(), row.begin() + half);
				e.rows[{L.dst, drow + second}] = std::vector<uint8_t>(row.begin() + half, row.end());
			} else {
				e.rows[{L.dst, drow}] = row;
			}
		}
	return e;
}

static void build(Load &L)
{
	memset(L.c, 0, sizeof L.c);
	MOTE_CMD_SET(L.c, HDR, OPCODE, MOTE_OP_LOAD);
	MOTE_CMD_SET(L.c, LOAD, DST, L.dst);
	MOTE_CMD_SET(L.c, LOAD, XOR_MSB, L.xr);
	MOTE_CMD_SET(L.c, LOAD, ADDR0, L.addr0);
	MOTE_CMD_SET(L.c, LOAD, OUTER_STEP, L.step);
	MOTE_CMD_SET(L.c, LOAD, Y0, L.y0);
	MOTE_CMD_SET(L.c, LOAD, SY, L.sy);
	MOTE_CMD_SET(L.c, LOAD, X0, L.x0);
	MOTE_CMD_SET(L.c, LOAD, SX, L.sx);
	MOTE_CMD_SET(L.c, LOAD, HEIGHT, L.height);
	MOTE_CMD_SET(L.c, LOAD, WIDTH, L.width);
	MOTE_CMD_SET(L.c, LOAD, N_INNER, L.n_in);
	MOTE_CMD_SET(L.c, LOAD, N_OUTER, L.n_out);
	MOTE_CMD_SET(L.c, LOAD, BUF_ROW, L.buf_row);
	MOTE_CMD_SET(L.c, LOAD, COUNT, L.count);
	MOTE_CMD_SET(L.c, LOAD, PAD, L.pad);
	MOTE_CMD_SET(L.c, LOAD, HI_ROWS, L.hi);
	MOTE_CMD_SET(L.c, LOAD, W_PAIR, L.pair);
}

struct Bench {
	TESTB<Vmote_load_unit> tb;
	Rng rng{0x10ad};
	std::deque<std::pair<uint64_t, uint32_t>> pending; // (due cycle, addr)
	uint64_t last_due = 0;
	int ready_pct = 80, lat_min = 1, lat_max = 6;
	Win win;

	void set_window(const Win &w)
	{
		win = w;
		for (int i = 0; i < 4; i++) {
			tb.m->i_win_base[i] = i == 1 ? w.base : 0x40000000u;
			tb.m->i_win_size[i] = i == 1 ? w.size : 0x1000u;
		}
		// window 1 readable; window 0 is execute-only over everything: must not count
		tb.m->i_win_perm = (1u << 3) | (4u << 0) | (2u << 6);
		tb.m->i_win_base[0] = 0;
		tb.m->i_win_size[0] = 0xffffffc0u;
	}

	// One cycle: memory and tokens around the unit; records writes and requests.
	bool split_run = false; // the command has HI_ROWS: a row may be written again by a later one
	bool pair_run = false;  // the command has W_PAIR

	void cycle(Expect *got, int *reqs, bool tok_avail, bool *popped, bool *pushed, bool *taken = nullptr)
	{
		auto *m = tb.m;
		m->i_req_ready = rng.chance(ready_pct);
		m->i_tok_c2l_avail = tok_avail;
		if (!pending.empty() && pending.front().first <= tb.cycle) {
			m->i_resp_valid = 1;
			uint32_t a = pending.front().second;
			for (int b = 0; b < P_MB; b++)
				wset(m->i_resp_data, b, mem_byte(a + b));
			pending.pop_front();
		} else
			m->i_resp_valid = 0;
		m->eval();
		if (m->o_req_valid && m->i_req_ready) {
			uint32_t a = m->o_req_addr;
			CHECK(tb, (a & (P_MB - 1)) == 0, "unaligned request %08x", a);
			CHECK(tb, win.ok(a), "request outside the readable window: %08x", a);
			uint64_t due = tb.cycle + rng.range(lat_min, lat_max);
			if (due <= last_due)
				due = last_due + 1;
			last_due = due;
			pending.push_back({due, a});
			(*reqs)++;
		}
		if (m->o_buf_we && P_BW && m->o_buf_sel == MOTE_BUF_BIAS) {
			// one 32-bit word of a bias row
			int row = m->o_buf_row / (P_BW ? P_BW : 1), k = m->o_buf_row % (P_BW ? P_BW : 1);
			CHECK(tb, got->written.insert({MOTE_BUF_BIAS, (int)m->o_buf_row}).second, "bias word %d written twice",
			      m->o_buf_row);
			CHECK(tb, row < DEPTH[MOTE_BUF_BIAS], "write to bias word %d", m->o_buf_row);
			std::vector<uint8_t> &v = got->rows[{MOTE_BUF_BIAS, row}];
			v.resize(RW[MOTE_BUF_BIAS]);
			for (int b = 0; b < 4; b++)
				v[4 * k + b] = wget(m->o_buf_wdata, b);
		} else if (m->o_buf_we) {
			int dst = m->o_buf_sel, row = m->o_buf_row;
			CHECK(tb, got->written.insert({dst, row}).second || split_run, "dst %d row %d written twice", dst, row);
			CHECK(tb, dst < 3 && row < DEPTH[dst], "write to dst %d row %d", dst, row);
			std::vector<uint8_t> v(RW[dst]);
			for (int b = 0; b < RW[dst]; b++)
				v[b] = wget(m->o_buf_wdata, b);
			got->rows[{dst, row}] = v;
			if (m->o_buf_split) {
				int hrow = m->o_buf_row_hi;
				if (dst == MOTE_BUF_WGT) { // W_PAIR: the pair's second row, written once
					CHECK(tb, pair_run && hrow == row + 1 && hrow < DEPTH[dst],
					      "pair write: rows %d and %d", row, hrow);
					CHECK(tb, got->written.insert({dst, hrow}).second, "weight row %d written twice", hrow);
				} else {
					CHECK(tb, split_run && dst == MOTE_BUF_ACT && hrow < DEPTH[dst] && (hrow - row) % 2 != 0,
					      "split write: dst %d rows %d and %d", dst, row, hrow);
					got->written.insert({dst, hrow});
				}
				int half = RW[dst];
				for (int b = 0; b < half; b++)
					v[b] = wget(m->o_buf_wdata, half + b);
				got->rows[{dst, hrow}] = v;
			}
		}
		if (taken && m->i_cmd_valid && m->o_cmd_ready)
			*taken = true;
		if (m->o_tok_c2l_pop)
			*popped = true;
		if (m->o_tok_l2c_push) // naming its command, though the queue may show the next one
			CHECK(tb, m->o_push_idx == 77, "push names command %u", m->o_push_idx);
		if (m->o_tok_l2c_push)
			*pushed = true;
		if (m->o_err_valid) {
			got->err = m->o_err_code;
			got->err_addr = m->o_err_addr;
			CHECK(tb, m->o_err_idx == 77, "err idx %u", m->o_err_idx);
		}
		tb.tick();
	}

	// Run one command; returns cycles from acceptance to retire (or error).
	int run(const Load &L, const Expect &want, bool pop, bool push)
	{
		auto *m = tb.m;
		uint32_t c[16];
		memcpy(c, L.c, sizeof c);
		MOTE_CMD_SET(c, HDR, POP_NEXT, pop);
		MOTE_CMD_SET(c, HDR, PUSH_NEXT, push);
		for (int i = 0; i < 16; i++)
			m->i_cmd[i] = c[i];
		m->i_cmd_idx = 77;
		m->i_cmd_valid = 0;
		split_run = P_SPLIT && L.hi != 0;
		pair_run = P_SPLIT && L.pair;
		m->i_resp_valid = 0;
		for (int i = 0; i < 3 && !m->o_idle; i++)
			tb.tick(); // the retire pulse of the previous command
		CHECK(tb, m->o_idle, "unit not idle before a command");
		m->i_cmd_valid = 1; // held until taken
		Expect got;
		int reqs = 0;
		bool popped = false, pushed = false, retired = false, taken = false;
		int tok_delay = pop ? (int)rng.range(0, 20) : 0;
		int start = (int)tb.cycle, n = 0;
		for (n = 0; n < 20000; n++) {
			bool avail = n >= tok_delay;
			if (pop && !avail)
				CHECK(tb, reqs == 0 && got.rows.empty() && !taken, "worked before its token");
			cycle(&got, &reqs, avail, &popped, &pushed, &taken);
			if (taken)
				m->i_cmd_valid = 0;
			if (got.err)
				break;
			if (m->o_retire) {
				retired = true;
				pushed = m->o_tok_l2c_push; // pulses with o_retire
				break;
			}
		}
		int cycles = (int)tb.cycle - start;
		CHECK(tb, popped == pop, "pop mismatch");
		if (want.err) {
			CHECK(tb, got.err == want.err, "error %d, expected %d", got.err, want.err);
			if (want.err == MOTE_ERR_READ_WINDOW)
				CHECK(tb, got.err_addr == want.err_addr, "err addr %08x, expected %08x", got.err_addr,
				      want.err_addr);
			if (want.err == MOTE_ERR_FIELD)
				CHECK(tb, reqs == 0 && got.rows.empty(), "a FIELD command read or wrote");
			// abort: everything drops, and late responses must be ignored
			m->i_abort = 1;
			for (int i = 0; i < 12; i++)
				cycle(&got, &reqs, false, &popped, &pushed);
			m->i_abort = 0;
			pending.clear();
			return cycles;
		}
		CHECK(tb, retired && !got.err, "did not retire (err %d)", got.err);
		CHECK(tb, pushed == push, "l2c push %d expected %d", pushed, push);
		CHECK(tb, got.rows.size() == want.rows.size(), "%zu rows written, expected %zu", got.rows.size(),
		      want.rows.size());
		for (auto &kv : want.rows) {
			auto it = got.rows.find(kv.first);
			CHECK(tb, it != got.rows.end(), "row %d of dst %d not written", kv.first.second, kv.first.first);
			for (size_t b = 0; b < kv.second.size(); b++)
				CHECK(tb, it->second[b] == kv.second[b], "dst %d row %d byte %zu: %02x expected %02x",
				      kv.first.first, kv.first.second, b, it->second[b], kv.second[b]);
		}
		CHECK(tb, pending.empty(), "responses still pending after retire");
		return cycles;
	}
};

// One LOAD of n rows of `count` bytes, sx apart in one image row, with memory always ready
// and a latency of 3 (row 1 of the buffer for weight pairs: they straddle its banks).
// Returns its cycles from acceptance to retire.
static int stream_rows(Bench &B, int dst, int count, int sx, int n, int hi, int pair)
{
	Load L;
	L.dst = dst;
	L.xr = 0, L.pad = 0, L.count = count, L.hi = hi, L.pair = pair;
	L.width = 64 * count, L.height = 1, L.y0 = 0, L.sy = 0, L.step = 0;
	L.x0 = 0, L.sx = sx, L.n_in = n, L.n_out = 1, L.buf_row = pair;
	L.addr0 = 0x40000;
	build(L);
	B.set_window(Win{0x3ff00, 0x10000});
	B.ready_pct = 100;
	B.lat_min = B.lat_max = 3;
	Expect e = model(L, B.win);
	return B.run(L, e, false, false);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	Bench B;
	B.tb.m->i_abort = 0;
	B.tb.m->i_cmd_valid = 0;
	B.tb.reset();
	Rng &r = B.rng;
	int n_ok = 0, n_split_ok = 0, n_pair_ok = 0, n_err[16] = {0};

	for (int t = 0; t < 1500; t++) {
		Load L;
		L.dst = (int)r.range(0, 2);
		int rw = RW[L.dst];
		L.xr = r.chance(30);
		L.pad = (int)r.range(0, 255);
		L.hi = 0;
		if (r.chance(P_SPLIT ? 30 : 5)) { // HI_ROWS: odd mostly, even or on another buffer FIELD
			L.hi = (int)r.range(1, 40) | (r.chance(85) ? 1 : 0);
			if (r.chance(80))
				L.dst = MOTE_BUF_ACT;
			if (P_SPLIT)
				rw = 2 * P_ROWS;
		} else if (r.chance(P_SPLIT ? 30 : 5)) { // W_PAIR: weights mostly, another buffer FIELD
			L.pair = 1;
			if (r.chance(80))
				L.dst = MOTE_BUF_WGT;
			if (P_SPLIT && L.dst == MOTE_BUF_WGT)
				rw = 2 * P_COLS;
		}
		L.count = r.chance(50) ? rw : (int)r.range(0, rw);
		if (r.chance(3))
			L.count = rw + (int)r.range(1, 65535 - rw); // FIELD

		L.width = (uint32_t)r.range(1, 48);
		L.height = (uint32_t)r.range(1, 9);
		L.x0 = (int32_t)r.range(-2 * rw, L.width + 4);
		L.sx = (int32_t)r.range(-4, 9);
		L.y0 = (int32_t)r.range(-3, L.height + 1);
		L.sy = (int32_t)r.range(-2, 3);
		L.n_in = (int)r.range(r.chance(5) ? 0 : 1, 7);
		L.n_out = (int)r.range(r.chance(5) ? 0 : 1, 5);
		uint32_t pitch = L.width + (uint32_t)r.range(0, 9);
		L.step = L.sy * (int32_t)pitch;
		uint32_t img = 0x20000u + (uint32_t)r.range(0, 4096);
		L.addr0 = img + (uint32_t)(L.y0 * (int32_t)pitch + L.x0);
		if (L.pair)
			L.n_out = (int)r.range(r.chance(5) ? 0 : 1, 2); // two rows each: within the 32-row buffer
		int rows = L.n_in * L.n_out * (L.pair ? 2 : 1) + L.hi;
		L.buf_row = (int)r.range(0, DEPTH[L.dst] > rows ? DEPTH[L.dst] - rows : 0);
		if (r.chance(8))
			L.buf_row = (int)r.range(0, DEPTH[L.dst] + 2); // may run past the end
		// window around the image, sometimes cut short on either side
		uint32_t lo = (img - 64) & ~63u, hi = (img + L.height * pitch + 64 + 63) & ~63u;
		Win w{lo, hi - lo};
		if (r.chance(10))
			w.base += 64 * (uint32_t)r.range(1, 3), w.size -= 64 * 3;
		if (r.chance(10))
			w.size = (uint32_t)r.range(1, 4) * 64;
		build(L);
		B.set_window(w);
		B.ready_pct = r.chance(30) ? 100 : (int)r.range(30, 95);
		Expect e = model(L, w);
		B.run(L, e, r.chance(30), r.chance(50));
		if (e.err)
			n_err[e.err]++;
		else
			n_ok++, n_split_ok += P_SPLIT && L.hi != 0, n_pair_ok += L.pair;
	}
	CHECK(B.tb,
	      n_ok > 1000 && n_err[MOTE_ERR_READ_WINDOW] > 20 && n_err[MOTE_ERR_LOAD_RANGE] > 20 &&
		      n_err[MOTE_ERR_FIELD] > 20,
	      "coverage: %d ok, %d window, %d range, %d field", n_ok, n_err[MOTE_ERR_READ_WINDOW],
	      n_err[MOTE_ERR_LOAD_RANGE], n_err[MOTE_ERR_FIELD]);

	// SYNC on the load queue: tokens only
	{
		Load L;
		memset(&L, 0, sizeof L);
		memset(L.c, 0, sizeof L.c);
		MOTE_CMD_SET(L.c, HDR, OPCODE, MOTE_OP_SYNC);
		MOTE_CMD_SET(L.c, SYNC, QUEUE, MOTE_QUEUE_LOAD);
		Expect e;
		B.run(L, e, true, true);
	}

	// Throughput: activation rows one memory word each, memory always ready.
	{
		int cyc = stream_rows(B, MOTE_BUF_ACT, P_ROWS, P_MB >= P_ROWS ? P_MB : P_ROWS, 48, 0, 0);
		printf("load_unit: %d rows in %d cycles (memory latency 3)\n", 48, cyc);
		int wpr = (P_ROWS + P_MB - 1) / P_MB; // memory words per row
		if (P_SERIAL) // a byte per cycle
			CHECK(B.tb, cyc <= 48 * P_ROWS + 12, "throughput: %d cycles for %d rows", cyc, 48);
		else
			CHECK(B.tb, cyc <= 48 * wpr + 12, "throughput: %d cycles for %d rows", cyc, 48);
	}
	// Throughput of split rows (HI_ROWS) and of weight row pairs (W_PAIR): a row of 2*ROWS or
	// 2*COLS bytes per memory word it spans, both halves in one write
	if (P_SPLIT) {
		int cyc = stream_rows(B, MOTE_BUF_ACT, 2 * P_ROWS, 2 * P_ROWS, 24, 25, 0);
		printf("load_unit: %d split rows (%d bytes) in %d cycles (memory latency 3)\n", 24, 2 * P_ROWS, cyc);
		CHECK(B.tb, cyc <= 24 * ((2 * P_ROWS + P_MB - 1) / P_MB) + 12, "split throughput: %d cycles", cyc);
		CHECK(B.tb, n_split_ok > 100, "coverage: %d split loads ok", n_split_ok);
		cyc = stream_rows(B, MOTE_BUF_WGT, 2 * P_COLS, 2 * P_COLS, 15, 0, 1);
		printf("load_unit: %d weight row pairs (%d bytes) in %d cycles (memory latency 3)\n", 15, 2 * P_COLS, cyc);
		CHECK(B.tb, cyc <= 15 * ((2 * P_COLS + P_MB - 1) / P_MB) + 12, "pair throughput: %d cycles", cyc);
		CHECK(B.tb, n_pair_ok > 50, "coverage: %d weight pair loads ok", n_pair_ok);
	}
	printf("load_unit %dx%d MEM_BYTES=%d: %d loads ok (%d split, %d weight pairs), %d window errors, %d range errors, "
	       "%d field: PASS\n",
	       P_ROWS, P_COLS, P_MB, n_ok, n_split_ok, n_pair_ok, n_err[MOTE_ERR_READ_WINDOW], n_err[MOTE_ERR_LOAD_RANGE],
	       n_err[MOTE_ERR_FIELD]);
	return 0;
}
