// compute_tb.cpp: mote_compute_unit with C++ models of the activation, weight
// and accumulator buffers (registered reads, old data on read-during-write)
// and of the token counters.  Every retired MATMUL's accumulator rows are
// compared with a C++ matrix-product model; token pops, pushes, retire order,
// range and field errors, abort, perf events and streaming utilization are checked.
// DEPTHWISE commands (1-D correlations down the streamed rows, DW_STRIDE
// decimation) mix with dense ones and are checked the same way.  ACC_MAX
// commands (with ACCUMULATE: max(acc, result), signed) mix with both; a
// mutation check counts the values a sum-instead-of-max unit would get wrong
// and requires enough of them, so the comparison is known to tell the two apart.
// Build with -GROWS=R -GCOLS=C and -DTB_ROWS=R -DTB_COLS=C; with -GACC_MAX=0
// and -DTB_ACC_MAX=0 no ACC_MAX command is issued except one that must be FIELD;
// with -GDEPTHWISE=0 and -DTB_DW=0 (the board's broadcast array) no depthwise
// command is issued except those that must be FIELD.
#include "Vmote_compute_unit.h"
#include "dp_bits.h"
#include "mote/mote_hw.h"
#include "testb.h"
#include <deque>
#include <vector>

static const int R = TB_ROWS, C = TB_COLS;
#ifndef TB_ACC_MAX
#define TB_ACC_MAX 1
#endif
#ifndef TB_BCAST
#define TB_BCAST 0
#endif
#ifndef TB_DW
#define TB_DW 1
#endif

static const int ADEPTH = 4096, WDEPTH = 1024, CDEPTH = 1024, L = R < C ? R : C;

struct Cmd {
	bool sync = false, pop_l2c = false, pop_s2c = false, push_c2l = false, push_c2s = false;
	bool loadw = false, accum = false, dw = false, amax = false;
	int wgt = 0, act = 0, acc = 0, nrows = 0, kv = R, nv = C, dws = 1;
	int dwd = 0, dwk = 0; // DW_DROP, DW_KEEP
	uint32_t idx = 0;
	std::vector<int32_t> expect; // rows acc.. (the rows it writes) after the command
	std::vector<int32_t> mutant; // the same rows if ACC_MAX summed instead (ACC_MAX commands)
	// output rows of a depthwise command (kept or dropped)
	int dw_outs() const { return nrows >= C && dws > 0 ? (nrows - C) / dws + 1 : 0; }
	// output row j kept (DW_DROP: the first DW_KEEP of each period), and its accumulator row - ACC_ROW
	bool dw_kept(int j) const { return dwd == 0 || j % (dwk + dwd) < dwk; }
	int dw_row(int j) const { return dwd == 0 ? j : j / (dwk + dwd) * dwk + j % (dwk + dwd); }
	// accumulator rows a depthwise command writes
	int dw_writes() const
	{
		int n = 0;
		for (int j = 0; j < dw_outs(); j++)
			n += dw_kept(j);
		return n;
	}
	void encode(uint32_t *w) const
	{
		for (int i = 0; i < 16; i++)
			w[i] = 0;
		MOTE_CMD_SET(w, HDR, OPCODE, sync ? MOTE_OP_SYNC : MOTE_OP_MATMUL);
		MOTE_CMD_SET(w, HDR, POP_PREV, pop_l2c);
		MOTE_CMD_SET(w, HDR, POP_NEXT, pop_s2c);
		MOTE_CMD_SET(w, HDR, PUSH_PREV, push_c2l);
		MOTE_CMD_SET(w, HDR, PUSH_NEXT, push_c2s);
		if (sync) {
			MOTE_CMD_SET(w, SYNC, QUEUE, MOTE_QUEUE_COMPUTE);
			return;
		}
		MOTE_CMD_SET(w, MATMUL, ACCUMULATE, accum);
		MOTE_CMD_SET(w, MATMUL, LOAD_WEIGHTS, loadw);
		MOTE_CMD_SET(w, MATMUL, WGT_ROW, wgt);
		MOTE_CMD_SET(w, MATMUL, ACT_ROW, act);
		MOTE_CMD_SET(w, MATMUL, ACC_ROW, acc);
		MOTE_CMD_SET(w, MATMUL, NROWS, nrows);
		MOTE_CMD_SET(w, MATMUL, K_VALID, kv);
		MOTE_CMD_SET(w, MATMUL, N_VALID, nv);
		MOTE_CMD_SET(w, MATMUL, DEPTHWISE, dw);
		MOTE_CMD_SET(w, MATMUL, DW_STRIDE, dws);
		MOTE_CMD_SET(w, MATMUL, DW_DROP, dwd);
		MOTE_CMD_SET(w, MATMUL, DW_KEEP, dwk);
		MOTE_CMD_SET(w, MATMUL, ACC_MAX, amax);
	}
	// the accumulator update of the spec; `sum` is the mutant (ACC_MAX ignored)
	int32_t update(int32_t old, uint32_t result, bool sum = false) const
	{
		if (!accum)
			return (int32_t)result;
		if (amax && !sum)
			return old > (int32_t)result ? old : (int32_t)result;
		return (int32_t)((uint32_t)old + result);
	}
	void model_row(int32_t &acc_value, uint32_t result)
	{
		int32_t old = acc_value;
		acc_value = update(old, result);
		expect.push_back(acc_value);
		if (amax)
			mutant.push_back(update(old, result, true));
	}
};

struct Bench {
	TESTB<Vmote_compute_unit> tb;
	DpRng rng;
	// device-side state
	std::vector<int8_t> abuf, wbuf;
	std::vector<int32_t> acc;
	uint64_t abuf_r[4] = {0}, wbuf_r[4] = {0};
	std::vector<uint32_t> acc_r;
	long l2c = 0, s2c = 0;
	int tok_pct = 100;   // chance per cycle that the producer adds a token
	int gap_pct = 0;     // chance per cycle the queue withholds its head
	// model state
	std::vector<int32_t> macc;
	std::vector<int8_t> mw; // current weights R x C
	std::deque<Cmd> queue, inflight;
	uint32_t next_idx = 0;
	long retired = 0, rows_perf = 0, useful_perf = 0, pushes_c2l = 0, pushes_c2s = 0;
	long stall_dep = 0, stall_wgt = 0;
	long max_values = 0, max_caught = 0; // ACC_MAX values checked; of them, where a sum differs
	bool err_seen = false;
	int err_code = 0;
	uint32_t err_idx = 0;
	bool abort_now = false;
	bool weights_loaded = false;
	uint64_t last_retire_cycle = 0;

	explicit Bench(uint64_t seed) : rng(seed), abuf(ADEPTH * R), wbuf(WDEPTH * C), acc(CDEPTH * C), acc_r(C),
					macc(CDEPTH * C), mw(R * C, 0)
	{
		for (auto &x : abuf)
			x = rng.chance(5) ? -128 : (int8_t)rng.u32();
		for (auto &x : wbuf)
			x = rng.chance(5) ? -128 : (int8_t)rng.u32();
		for (int i = 0; i < CDEPTH * C; i++)
			acc[i] = macc[i] = (int32_t)rng.u32();
		tb.m->i_abort = 0;
		tb.m->i_cmd_valid = 0;
		tb.reset();
	}

	// Queue a command; a valid MATMUL updates the model at once.
	void push(Cmd c, bool model = true)
	{
		bool streams = !c.sync && c.nrows > 0; // NROWS = 0 is tokens only: no weight load
		if (model && streams && !c.loadw && !weights_loaded)
			c.loadw = true; // the array's weights are random until the first load
		if (model && streams && c.loadw)
			weights_loaded = true;
		c.idx = next_idx;
		next_idx += 1 + rng.range(0, 3); // other queues' commands interleave
		if (model && !c.sync) {
			if (c.loadw && streams)
				for (int r = 0; r < R; r++)
					for (int k = 0; k < C; k++)
						mw[r * C + k] = wbuf[(c.wgt + r) * C + k];
			for (int m = 0; c.dw && m < c.dw_outs(); m++)
				for (int k = 0; c.dw_kept(m) && k < C; k++) {
					uint32_t s = 0;
					int n = m * c.dws; // first stream row of this output
					for (int j = 0; k < L && j < C; j++)
						s += (uint32_t)(abuf[(c.act + n + j) * R + k] * mw[k * C + j]);
					c.model_row(macc[(c.acc + c.dw_row(m)) * C + k], s);
				}
			for (int m = 0; !c.dw && m < c.nrows; m++)
				for (int k = 0; k < C; k++) {
					uint32_t s = 0;
					for (int r = 0; r < R; r++)
						s += (uint32_t)(abuf[(c.act + m) * R + r] * mw[r * C + k]);
					c.model_row(macc[(c.acc + m) * C + k], s);
				}
		}
		queue.push_back(c);
	}

	void cycle()
	{
		Vmote_compute_unit *m = tb.m;
		for (int r = 0; r < R; r++) {
			dp_set(m->i_abuf_rdata, 8 * r, 8, (abuf_r[r / 8] >> (8 * (r % 8))) & 0xff);
		}
		for (int k = 0; k < C; k++) {
			dp_set(m->i_wbuf_rdata, 8 * k, 8, (wbuf_r[k / 8] >> (8 * (k % 8))) & 0xff);
			dp_set(m->i_acc_rdata, 32 * k, 32, acc_r[k]);
		}
		m->i_tok_l2c_avail = l2c > 0;
		m->i_tok_s2c_avail = s2c > 0;
		bool offer = !queue.empty() && !(gap_pct && rng.chance(gap_pct));
		m->i_cmd_valid = offer;
		if (offer) {
			uint32_t w[16];
			queue.front().encode(w);
			for (int i = 0; i < 16; i++)
				m->i_cmd[i] = w[i];
			m->i_cmd_idx = queue.front().idx;
		}
		m->i_abort = abort_now;
		m->eval();

		if (!abort_now) {
			if (offer && m->o_cmd_ready) {
				inflight.push_back(queue.front());
				queue.pop_front();
			}
			if (m->o_tok_l2c_pop) {
				CHECK(tb, l2c > 0, "l2c popped at zero");
				l2c--;
			}
			if (m->o_tok_s2c_pop) {
				CHECK(tb, s2c > 0, "s2c popped at zero");
				s2c--;
			}
			if (m->o_perf_row) {
				rows_perf++;
				useful_perf += m->o_perf_useful;
			} else {
				CHECK(tb, m->o_perf_useful == 0, "useful without a row");
			}
			stall_dep += m->o_stall_dep;
			stall_wgt += m->o_stall_wgt;
			if (m->o_err_valid) {
				CHECK(tb, !err_seen, "second error pulse");
				err_seen = true;
				err_code = m->o_err_code;
				err_idx = m->o_err_idx;
			}
		}
		// buffer edges (old data on read-during-write)
		uint64_t na[4] = {abuf_r[0], abuf_r[1], abuf_r[2], abuf_r[3]};
		uint64_t nw[4] = {wbuf_r[0], wbuf_r[1], wbuf_r[2], wbuf_r[3]};
		std::vector<uint32_t> nc = acc_r;
		if (m->o_abuf_re) {
			CHECK(tb, m->o_abuf_raddr < ADEPTH, "abuf address");
			for (int i = 0; i < 4; i++)
				na[i] = 0;
			for (int r = 0; r < R; r++)
				na[r / 8] |= (uint64_t)(uint8_t)abuf[m->o_abuf_raddr * R + r] << (8 * (r % 8));
		}
		if (m->o_wbuf_re) {
			CHECK(tb, m->o_wbuf_raddr < WDEPTH, "wbuf address");
			for (int i = 0; i < 4; i++)
				nw[i] = 0;
			for (int k = 0; k < C; k++)
				nw[k / 8] |= (uint64_t)(uint8_t)wbuf[m->o_wbuf_raddr * C + k] << (8 * (k % 8));
		}
		if (m->o_acc_re) {
			CHECK(tb, m->o_acc_raddr < CDEPTH, "acc read address");
			for (int k = 0; k < C; k++)
				nc[k] = (uint32_t)acc[m->o_acc_raddr * C + k];
		}
		if (m->o_acc_we && !abort_now) { // a write enable per column
			CHECK(tb, m->o_acc_waddr < CDEPTH, "acc write address");
			for (int k = 0; k < C; k++)
				if ((uint64_t)m->o_acc_we >> k & 1)
					acc[m->o_acc_waddr * C + k] = (int32_t)dp_get(m->o_acc_wdata, 32 * k, 32);
		}
		bool ret = m->o_retire, pc2l = m->o_tok_c2l_push, pc2s = m->o_tok_c2s_push;
		uint32_t pidx = m->o_push_idx;
		tb.tick();
		for (int i = 0; i < 4; i++) {
			abuf_r[i] = na[i];
			wbuf_r[i] = nw[i];
		}
		acc_r = nc;
		if (abort_now)
			return;
		// retire: the command's rows are in the accumulator now
		if (ret) {
			CHECK(tb, !inflight.empty(), "retire with nothing in flight");
			Cmd &c = inflight.front();
			CHECK(tb, pc2l == c.push_c2l && pc2s == c.push_c2s, "pushes of cmd %u: %d %d want %d %d", c.idx,
			      pc2l, pc2s, c.push_c2l, c.push_c2s);
			// the push names its own command (ERR_CMD of a TOKEN overflow), not the one the queue shows
			CHECK(tb, !(pc2l || pc2s) || pidx == c.idx, "push of cmd %u names command %u", c.idx, pidx);
			for (int mm = 0; mm < (int)c.expect.size() / C; mm++)
				for (int k = 0; k < C; k++) {
					int i = mm * C + k;
					CHECK(tb, acc[(c.acc + mm) * C + k] == c.expect[i],
					      "cmd %u (acc %d nrows %d accum %d max %d dw %d loadw %d) row %d col %d: got %d want %d",
					      c.idx, c.acc, c.nrows, c.accum, c.amax, c.dw, c.loadw, mm, k,
					      acc[(c.acc + mm) * C + k], c.expect[i]);
					if (c.amax && c.accum) {
						max_values++;
						max_caught += c.mutant[i] != c.expect[i];
					}
				}
			inflight.pop_front();
			retired++;
			last_retire_cycle = tb.cycle;
		} else {
			CHECK(tb, !pc2l && !pc2s, "push without retire");
		}
		pushes_c2l += pc2l;
		pushes_c2s += pc2s;
		if (tok_pct && rng.chance(tok_pct)) {
			if (rng.chance(50))
				l2c++;
			else
				s2c++;
		}
	}

	void drain(int limit = 100000)
	{
		int n = 0;
		while ((!queue.empty() || !inflight.empty() || !tb.m->o_idle) && n++ < limit)
			cycle();
		CHECK(tb, queue.empty() && inflight.empty() && tb.m->o_idle, "did not drain: %zu queued %zu in flight",
		      queue.size(), inflight.size());
	}

	Cmd random_cmd(int acc_span)
	{
		Cmd c;
		if (rng.chance(6)) {
			c.sync = true;
		} else {
			int k = rng.range(0, 99);
			c.nrows = k < 10 ? 0 : k < 45 ? 1 : k < 60 ? rng.range(2, 4) : k < 95 ? rng.range(5, 3 * R) : rng.range(50, 300);
			c.loadw = rng.chance(45);
			c.accum = rng.chance(55);
			c.wgt = rng.range(0, WDEPTH - R);
			c.act = rng.range(0, ADEPTH - c.nrows);
			int span = acc_span < c.nrows ? c.nrows : acc_span;
			c.acc = rng.range(0, span - c.nrows);
			if (c.acc + c.nrows > CDEPTH)
				c.acc = CDEPTH - c.nrows;
			c.kv = rng.range(0, R);
			c.nv = rng.range(0, C);
			c.amax = TB_ACC_MAX && rng.chance(35); // without ACCUMULATE it is a plain write
			if (TB_DW && c.nrows >= C && rng.chance(35)) {
				c.dw = true;
				c.dws = rng.chance(60) ? 1 : rng.range(2, 3);
				if (rng.chance(40)) { // several image columns in one command: drop the rows between
					c.dwd = rng.range(1, 4);
					c.dwk = rng.range(1, 6);
				}
				c.acc = rng.range(0, span - c.nrows);
				if (c.acc + c.nrows - C + 1 > CDEPTH)
					c.acc = CDEPTH - (c.nrows - C + 1);
			}
		}
		c.pop_l2c = rng.chance(15);
		c.pop_s2c = rng.chance(15);
		c.push_c2l = rng.chance(20);
		c.push_c2s = rng.chance(20);
		return c;
	}
};

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	const uint64_t g = R * 1000 + C;
	{
		// 1. random sequences: overlapping accumulator rows, tokens, gaps
		Bench b(0xc0de0001 + g);
		b.tok_pct = 30;
		b.gap_pct = 20;
		for (int i = 0; i < 1500; i++) {
			b.push(b.random_cmd(i % 300 < 150 ? 4 : 64));
			while (b.queue.size() > 4)
				b.cycle();
		}
		b.drain();
		CHECK(b.tb, !b.err_seen, "unexpected error");
		// mutation: a unit that summed on ACC_MAX would have failed on max_caught values
		CHECK(b.tb, !TB_ACC_MAX || (b.max_values > 1000 && b.max_caught > b.max_values / 4),
		      "ACC_MAX cases do not tell max from sum: %ld of %ld values differ", b.max_caught, b.max_values);
		printf("compute %dx%d: 1500 random commands, %ld rows, stalls dep %ld wgt %ld, %ld ACC_MAX values "
		       "(%ld where a sum differs): ok\n", R, C, b.rows_perf, b.stall_dep, b.stall_wgt, b.max_values,
		       b.max_caught);
	}
	{
		// 2. NROWS=1 back to back on the same few accumulator rows, no gaps
		Bench b(0xc0de0002 + g);
		b.tok_pct = 0;
		for (int i = 0; i < 3000; i++) {
			Cmd c;
			c.nrows = 1 + (b.rng.chance(20) ? b.rng.range(1, 3) : 0);
			c.accum = b.rng.chance(80);
			c.amax = TB_ACC_MAX && b.rng.chance(40); // max and sum on the same rows: forwarding
			c.loadw = b.rng.chance(10) || i == 0;
			c.wgt = b.rng.range(0, WDEPTH - R);
			c.act = b.rng.range(0, ADEPTH - 4);
			c.acc = b.rng.range(0, 2);
			b.push(c);
		}
		uint64_t t0 = b.tb.cycle;
		b.drain();
		CHECK(b.tb, !TB_ACC_MAX || b.max_caught > b.max_values / 4, "ACC_MAX: %ld of %ld values differ from a sum",
		      b.max_caught, b.max_values);
		printf("compute %dx%d: 3000 short MATMULs on 3 accumulator rows (%ld ACC_MAX values) in %llu cycles: ok\n",
		       R, C, b.max_values, (unsigned long long)(b.tb.cycle - t0));
	}
	{
		// 3. errors: field and range (exact boundaries), then abort and recover
		Bench b(0xc0de0003 + g);
		b.tok_pct = 0;
		struct E {
			int code;
			Cmd c;
		};
		std::vector<E> es;
		Cmd base;
		base.nrows = 4;
		base.loadw = true;
		Cmd c;
		c = base; c.kv = R + 1; es.push_back({MOTE_ERR_FIELD, c});
		c = base; c.nv = C + 1; es.push_back({MOTE_ERR_FIELD, c});
		c = base; c.wgt = WDEPTH - R + 1; es.push_back({MOTE_ERR_COMPUTE_RANGE, c});
		c = base; c.act = ADEPTH - 3; es.push_back({MOTE_ERR_COMPUTE_RANGE, c});
		c = base; c.acc = CDEPTH - 3; es.push_back({MOTE_ERR_COMPUTE_RANGE, c});
		c = base; c.nrows = 65535; c.act = 65535; es.push_back({MOTE_ERR_COMPUTE_RANGE, c});
		c = base; c.acc = 65535; c.nrows = 65535; es.push_back({MOTE_ERR_COMPUTE_RANGE, c});
		c = base; c.wgt = 65535; es.push_back({MOTE_ERR_COMPUTE_RANGE, c});
		Cmd dwb = base;
		dwb.dw = true;
		dwb.nrows = C + 3;
		c = dwb; c.nrows = C - 1; es.push_back({MOTE_ERR_FIELD, c});
		c = dwb; c.dws = 0; es.push_back({MOTE_ERR_FIELD, c});
		c = dwb; c.dwd = 2; c.dwk = 0; es.push_back({MOTE_ERR_FIELD, c});
		// without the depthwise path every depthwise command is FIELD, before any range error
		c = dwb; es.push_back({TB_DW ? MOTE_ERR_NONE : MOTE_ERR_FIELD, c});
		if (TB_DW)
			es.pop_back();
		c = dwb; c.acc = CDEPTH - 3; es.push_back({TB_DW ? MOTE_ERR_COMPUTE_RANGE : MOTE_ERR_FIELD, c});
		c = dwb; c.act = ADEPTH - C - 2; es.push_back({TB_DW ? MOTE_ERR_COMPUTE_RANGE : MOTE_ERR_FIELD, c});
		if (!TB_ACC_MAX) {
			c = base; c.accum = c.amax = true; es.push_back({MOTE_ERR_FIELD, c});
			c = dwb; c.amax = true; es.push_back({MOTE_ERR_FIELD, c});
		}
		for (auto &e : es) {
			// legal commands at the exact limits first
			Cmd ok = base;
			ok.wgt = WDEPTH - R;
			ok.act = ADEPTH - 4;
			ok.acc = CDEPTH - 4;
			b.push(ok);
			// and a depthwise one whose C+3 rows write the last 4 accumulator rows
			Cmd okd = ok;
			okd.dw = TB_DW;
			okd.nrows = C + 3;
			okd.act = ADEPTH - (C + 3);
			okd.dws = 1 + (int)(&e - &es[0]) % 3;
			if (!TB_DW)   // a dense one of as many rows, at the end of the accumulator
				okd.acc = CDEPTH - okd.nrows;
			b.push(okd);
			b.drain();
			b.err_seen = false;
			b.push(e.c, false);
			uint32_t bad = b.queue.back().idx;
			Cmd after = base;
			b.push(after, false);
			for (int i = 0; i < 60; i++)
				b.cycle();
			CHECK(b.tb, b.err_seen && b.err_code == e.code && b.err_idx == bad, "error %d idx %u: seen %d code %d idx %u",
			      e.code, bad, b.err_seen, b.err_code, b.err_idx);
			// the failing command stays in the queue's entry (not taken), and so
			// does everything after it
			CHECK(b.tb, b.queue.size() == 2 && b.queue.front().idx == bad,
			      "the failing command or one after it was taken");
			CHECK(b.tb, b.retired == 2 * ((long)(&e - &es[0]) + 1), "the failing command retired");
			b.abort_now = true;
			b.cycle();
			b.abort_now = false;
			// the abort clears the queue too (mote_top): its entry is gone
			b.queue.clear();
			b.inflight.clear();
			b.tb.m->i_cmd_valid = 0;
			b.tb.m->eval();
			CHECK(b.tb, b.tb.m->o_idle, "not idle after abort");
			b.err_seen = false;
		}
		// it still works after the last abort; the model's weights must be reloaded
		Cmd fin = base;
		fin.act = 17;
		b.push(fin);
		b.drain();
		CHECK(b.tb, !b.err_seen, "error after recovery");
		printf("compute %dx%d: %zu field/range errors with index, abort, recovery: ok\n", R, C, es.size());
	}
	{
		// 4. utilization: 64 MATMULs of 256 rows, new weights each, streaming
		Bench b(0xc0de0004 + g);
		b.tok_pct = 0;
		long useful = 0;
		for (int i = 0; i < 64; i++) {
			Cmd c;
			c.nrows = 256;
			c.loadw = true;
			c.accum = i % 4 != 0;
			c.amax = TB_ACC_MAX && i % 8 >= 4; // max pooling streams as fast
			c.wgt = b.rng.range(0, WDEPTH - R);
			c.act = b.rng.range(0, ADEPTH - 256);
			c.acc = 256 * (i % 4);
			c.kv = b.rng.range(1, R);
			c.nv = b.rng.range(1, C);
			useful += (long)c.kv * c.nv * c.nrows;
			b.push(c);
		}
		uint64_t t0 = b.tb.cycle;
		b.drain();
		double cyc = (double)(b.last_retire_cycle - t0);
		double util = 64.0 * 256 / cyc;
		CHECK(b.tb, b.rows_perf == 64 * 256, "perf rows %ld", b.rows_perf);
		CHECK(b.tb, b.useful_perf == useful, "perf useful %ld want %ld", b.useful_perf, useful);
		CHECK(b.tb, util >= 0.97, "utilization %.4f", util);
		printf("compute %dx%d: 64 x 256 rows in %.0f cycles (command in to last retire): utilization %.4f\n", R, C,
		       cyc, util);
		// 5. minimal tiles that still stream without bubbles: 2R-2 rows, new
		// weights each (mote_array_bcast: its cells load between tiles, R
		// cycles each, R+1 with R odd: the weight reads from two cycles after
		// the tile before, but a first odd row, and the one before S streams
		// again)
		Bench b2(0xc0de0005 + g);
		b2.tok_pct = 0;
		for (int i = 0; i < 64; i++) {
			Cmd c;
			c.nrows = 2 * R - 2;
			c.loadw = true;
			c.wgt = b2.rng.range(0, WDEPTH - R);
			c.act = b2.rng.range(0, ADEPTH - 64);
			c.acc = b2.rng.range(0, CDEPTH - 64);
			b2.push(c);
		}
		uint64_t t1 = b2.tb.cycle;
		b2.drain();
		double cyc2 = (double)(b2.last_retire_cycle - t1);
		double fixed = R + 3 + (R + C - 1) + 2; // first load, pipeline fill and drain
		double between = TB_BCAST ? 63.0 * (R + R % 2) : 0;
		CHECK(b2.tb, cyc2 <= 64.0 * (2 * R - 2) + between + fixed, "%.0f cycles for %d rows", cyc2,
		      64 * (2 * R - 2));
		printf("compute %dx%d: 64 x %d-row tiles with bank switches in %.0f cycles (rows %d + fixed %.0f)\n", R, C,
		       2 * R - 2, cyc2, 64 * (2 * R - 2), cyc2 - 64 * (2 * R - 2));
	}
	if (TB_DW) {
		// 6. depthwise streaming: 64 commands of 256 rows (new weights each,
		// strides 1 and 2) stream one row per cycle; useful MACs only on the
		// rows written
		Bench b(0xc0de0006 + g);
		b.tok_pct = 0;
		long useful = 0;
		for (int i = 0; i < 64; i++) {
			Cmd c;
			c.dw = true;
			c.dws = 1 + i % 2;
			if (i % 3 == 2) { // columns of 9 outputs, 2 of them dropped
				c.dwk = 7;
				c.dwd = 2;
			}
			c.nrows = 256;
			c.loadw = true;
			c.accum = i % 4 != 0;
			c.amax = TB_ACC_MAX && i % 8 >= 4;
			c.wgt = b.rng.range(0, WDEPTH - R);
			c.act = b.rng.range(0, ADEPTH - 256);
			c.acc = 256 * (i % 4);
			c.kv = b.rng.range(1, L);
			c.nv = b.rng.range(1, C);
			useful += (long)c.kv * c.nv * c.dw_writes();
			b.push(c);
		}
		uint64_t t0 = b.tb.cycle;
		b.drain();
		double cyc = (double)(b.last_retire_cycle - t0);
		double util = 64.0 * 256 / cyc;
		CHECK(b.tb, b.rows_perf == 64 * 256, "perf rows %ld", b.rows_perf);
		CHECK(b.tb, b.useful_perf == useful, "perf useful %ld want %ld", b.useful_perf, useful);
		CHECK(b.tb, util >= 0.97, "depthwise streaming %.4f rows per cycle", util);
		printf("compute %dx%d: 64 depthwise x 256 rows in %.0f cycles: %.4f rows per cycle, perf useful exact\n",
		       R, C, cyc, util);
	}
	printf("compute_tb %dx%d: PASS\n", R, C);
	return 0;
}
