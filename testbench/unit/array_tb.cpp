// array_tb.cpp: mote_array against a C++ matrix product.  Tiles of random
// weights stream back to back, the driver using the array's exact hazard rules
// (earliest legal weight shift, earliest legal first row), so a one-cycle error
// in the skew or the bank timing shows up as a wrong sum.  Depthwise tiles
// (rows on consecutive cycles, as the compute unit streams them) mix with
// dense ones; their row m >= COLS-1 must give lane r = sum_j a[m-COLS+1+j][r]
// * W[r][j], their first COLS-1 rows are not checked.  Build with
// -GROWS=R -GCOLS=C and -DTB_ROWS=R -DTB_COLS=C (and -GMUL_CELL=1 -DTB_EXT=1
// for two-product multiplier cells; -GDEPTHWISE=0 -DTB_DW=0 without the
// depthwise path; -DTB_BCAST=1 for mote_array_bcast: latency 5, weights
// loaded straight into the cells, a pair of rows at a time, once the tiles
// before have entered; -GSPARSE=1 -DTB_SPARSE=1: 2:4 sparse tiles mixed in,
// rows of 2R bytes, each weight with its 2-bit index, every pair of indices
// ascending, row r = 2j + h of column c multiplying byte 4j + index).
#include "Vmote_array.h"
#include "dp_bits.h"
#include "testb.h"
#include <deque>
#include <vector>

#ifndef TB_EXT
#define TB_EXT 0
#endif
// TB_DW=0 for an array built with -GDEPTHWISE=0: no depthwise tiles
#ifndef TB_DW
#define TB_DW 1
#endif
#ifndef TB_BCAST
#define TB_BCAST 0
#endif
#ifndef TB_SPARSE
#define TB_SPARSE 0
#endif
// with MUL_CELL (TB_EXT) the products come from registered cells: one more cycle
static const int R = TB_ROWS, C = TB_COLS, LAT = TB_BCAST ? 5 : R + C - 1 + (TB_EXT ? 1 : 0), L = R < C ? R : C;
// bytes of an activation row the array takes (a sparse row: 2R)
static const int AR = TB_SPARSE ? 2 * R : R;

struct Tile {
	bool load;
	bool dw;
	bool sp;                // 2:4 sparse (TB_SPARSE)
	int n;
	std::vector<int8_t> w;  // R x C
	std::vector<uint8_t> idx; // R x C: each weight's index in its group (sparse)
	std::vector<int8_t> a;  // n x AR
	int bank;
};

struct Run {
	TESTB<Vmote_array> tb;
	DpRng rng;
	// per row: mode, whether checked, the sums
	struct Want {
		bool dw, check;
		std::vector<int32_t> sum;
	};
	std::deque<Want> expect;
	long dw_rows = 0;
	long rows_out = 0;
	uint64_t first_out = 0, last_out = 0;
	explicit Run(uint64_t seed) : rng(seed) {}

	void step(bool valid, const int8_t *act, int bank, bool dw, bool wshift, int wbank, const int8_t *wrow,
		  bool sp = false, const uint8_t *irow = nullptr)
	{
		Vmote_array *m = tb.m;
		m->i_valid = valid;
		m->i_bank = bank;
		m->i_dw = dw;
		for (int r = 0; r < AR; r++) /* a dense row's bytes above R: noise */
			dp_set(m->i_act, 8 * r, 8, valid && (sp || r < R) ? (uint8_t)act[r] : rng.u32());
#if TB_SPARSE
		m->i_sp = valid ? sp : rng.u32() & 1;
		for (int c = 0; c < C; c++)
			dp_set(m->i_widx, 2 * c, 2, wshift && irow ? irow[c] : rng.u32());
#else
		(void)sp;
		(void)irow;
#endif
		m->i_wshift = wshift;
		m->i_wbank = wbank;
		for (int c = 0; c < C; c++)
			dp_set(m->i_wgt, 8 * c, 8, wshift ? (uint8_t)wrow[c] : rng.u32());
		tb.tick();
		// outputs after the edge belong to the cycle that follows
		if (m->o_valid) {
			CHECK(tb, !expect.empty(), "output row with nothing expected");
			Want e = expect.front();
			expect.pop_front();
			CHECK(tb, m->o_dw == e.dw, "row %ld: o_dw %d want %d", rows_out, m->o_dw, e.dw);
			for (int c = 0; e.check && c < C; c++) {
				int32_t got = (int32_t)dp_get(m->o_sum, 32 * c, 32);
				CHECK(tb, got == e.sum[c], "row %ld col %d (%s): got %d want %d", rows_out, c,
				      e.dw ? "depthwise" : "dense", got, e.sum[c]);
			}
			if (rows_out == 0)
				first_out = tb.cycle;
			last_out = tb.cycle;
			rows_out++;
		}
	}

	// Stream the tiles with the earliest legal schedule (plus random gaps when
	// gap_pct > 0).  Returns the number of rows streamed.
	long stream(std::vector<Tile> &tiles, int gap_pct)
	{
		long t = 0;                        // input cycle counter
		long t_last[2] = {-1000, -1000};   // last input cycle of a row per bank
		long t_row = -1000;                // last input cycle of a row
		int cur_bank = 0;
		size_t ld = 0;                     // next tile whose load is pending
		int ld_j = -1;                     // shift index in progress (-1: none)
		long ld_start = 0, ld_done[1024];
		size_t st = 0;                     // tile streaming
		int st_m = 0;
		long total = 0;
		for (size_t k = 0; k < tiles.size(); k++) {
			if (tiles[k].load)
				cur_bank ^= 1;
			tiles[k].bank = cur_bank;
			ld_done[k] = tiles[k].load ? -1 : 0;
		}
		while (st < tiles.size()) {
			bool wshift = false;
			int wbank = 0;
			const int8_t *wrow = nullptr;
			const uint8_t *irow = nullptr;
			bool sp = false;
			bool valid = false;
			const int8_t *act = nullptr;
			int bank = 0;
			bool dw = false;
			// the two sides as functions: weights first (a bcast tile's first
			// row may enter in the cycle of its last weight row)
			auto weight_side = [&]() {
				// weight side: find the next tile to load (must be in order, and
				// earlier tiles on the same bank must have issued all rows)
				while (ld < tiles.size() && !tiles[ld].load)
					ld++;
				if (TB_BCAST && ld < tiles.size()) {
					// mote_array_bcast loads its cells: the next row r = R-1-ld_j
					// of tile ld; an odd row may shift whenever the last load is
					// done, an even one (it loads a cell pair) only once every
					// earlier tile's rows have entered, two cycles before this
					// one or more (weights first here, so st == ld says they
					// all entered before this cycle)
					if (ld_j < 0)
						ld_j = 0;
					bool even = (R - 1 - ld_j) % 2 == 0;
					bool ok = !even || (st == ld && t >= t_row + 2);
					if (ok && !(gap_pct && rng.chance(gap_pct))) {
						wshift = true;
						wrow = &tiles[ld].w[(R - 1 - ld_j) * C];
						if (++ld_j == R) {
							ld_done[ld] = t; // its first row may enter now
							ld_j = -1;
							ld++;
						}
					}
					return;
				} else if (ld < tiles.size() && ld_j < 0) {
					int b = tiles[ld].bank;
					bool earlier_done = true;
					for (size_t j = st; j < ld; j++)
						if (tiles[j].bank == b)
							earlier_done = false;
					if (st == ld && st_m > 0)
						earlier_done = false;
					if (earlier_done && t >= t_last[b] + R - 1 && !(gap_pct && rng.chance(gap_pct))) {
						ld_j = 0;
						ld_start = t;
					}
				}
				if (ld_j >= 0) {
					wshift = true;
					wbank = tiles[ld].bank;
					wrow = &tiles[ld].w[(R - 1 - ld_j) * C];
					irow = &tiles[ld].idx[(R - 1 - ld_j) * C];
					if (++ld_j == R) {
						ld_done[ld] = ld_start + R; // first legal row cycle
						ld_j = -1;
						ld++;
					}
				}
			};
			auto act_side = [&]() {
				// activation side
				Tile &ts = tiles[st];
				bool ready = ts.load ? (ld_done[st] >= 0 && t >= ld_done[st]) : true;
				// depthwise rows of a tile enter on consecutive cycles: no gap inside
				bool gap = gap_pct && !(ts.dw && st_m > 0) && rng.chance(gap_pct);
				if (ready && !gap) {
					valid = true;
					act = &ts.a[st_m * AR];
					bank = ts.bank;
					dw = ts.dw;
					sp = ts.sp;
					t_last[bank] = t;
					t_row = t;
					Want e{ts.dw, !ts.dw || st_m >= C - 1, std::vector<int32_t>(C, 0)};
					for (int c = 0; e.check && c < C; c++) {
						int32_t s = 0;
						if (ts.sp) {
							for (int r = 0; r < R; r++)
								s += act[4 * (r / 2) + ts.idx[r * C + c]] * ts.w[r * C + c];
						} else if (!ts.dw) {
							for (int r = 0; r < R; r++)
								s = (int32_t)((uint32_t)s + (uint32_t)(act[r] * ts.w[r * C + c]));
						} else if (c < L) {
							const int8_t *a0 = &ts.a[(st_m - C + 1) * AR];
							for (int j = 0; j < C; j++)
								s += a0[j * AR + c] * ts.w[c * C + j];
						}
						e.sum[c] = s;
					}
					dw_rows += ts.dw && e.check;
					expect.push_back(e);
					total++;
					if (++st_m == ts.n) {
						st_m = 0;
						st++;
					}
				} else {
					bank = rng.u32() & 1;
					dw = rng.u32() & 1;
				}
			};
			weight_side();
			act_side();
			if (getenv("TB_DEBUG") && t < 80)
				printf("t %ld (cyc %llu) valid %d bank %d wshift %d wbank %d st %zu m %d ld %zu j %d\n", t,
				       (unsigned long long)tb.cycle, valid, bank, wshift, wbank, st, st_m, ld, ld_j);
			step(valid, act, bank, dw, wshift, wbank, wrow, sp, irow);
			t++;
		}
		for (int i = 0; i < LAT + 2; i++)
			step(false, nullptr, 0, false, false, 0, nullptr);
		CHECK(tb, expect.empty(), "%zu rows never came out", expect.size());
		return total;
	}
};

static std::vector<Tile> make_tiles(DpRng &rng, int count, int nmin, int nmax, int load_pct, int dw_pct = 0)
{
	std::vector<Tile> v(count);
	for (int k = 0; k < count; k++) {
		Tile &t = v[k];
		t.load = k == 0 || rng.chance(load_pct);
		t.dw = rng.chance(dw_pct);
		/* sparse tiles (TB_SPARSE): a third of those that load; a tile that
		 * reuses weights keeps their mode */
		t.sp = TB_SPARSE && (t.load ? !t.dw && rng.chance(35) : v[k - 1].sp);
		if (t.sp)
			t.dw = false;
		t.n = rng.range(nmin, nmax);
		if (t.dw && rng.chance(80))
			t.n += C - 1; // mostly long enough to give outputs
		t.w.resize(R * C);
		for (auto &x : t.w)
			x = (int8_t)rng.u32();
		// keep extremes common: -128 * -128 and friends
		if (rng.chance(20))
			for (auto &x : t.w)
				x = rng.chance(50) ? -128 : 127;
		t.idx.resize(R * C);
		for (int r = 0; TB_SPARSE && r < R; r += 2)
			for (int c = 0; c < C; c++) { /* an ascending pair of distinct indices */
				int i0 = rng.range(0, 2), i1 = rng.range(i0 + 1, 3);
				t.idx[r * C + c] = (uint8_t)i0;
				t.idx[(r + 1) * C + c] = (uint8_t)i1;
			}
		if (!t.load) {
			t.w = v[k - 1].w; // no new weights: the tile reuses the last ones
			t.idx = v[k - 1].idx;
		}
		t.a.resize(t.n * AR);
		for (auto &x : t.a)
			x = rng.chance(10) ? -128 : (int8_t)rng.u32();
	}
	return v;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	{
		// 1. random short and long tiles, earliest legal schedule, no gaps
		Run run(0x5eed0001 + R * 131 + C);
		run.tb.reset();
		auto tiles = make_tiles(run.rng, 300, 1, 3 * R, 70);
		if (getenv("TB_DEBUG"))
			for (int k = 0; k < 6; k++)
				printf("tile %d load %d n %d\n", k, tiles[k].load, tiles[k].n);
		long n = run.stream(tiles, 0);
		printf("array %dx%d: %ld rows in %zu tiles (earliest schedule) ok\n", R, C, n, tiles.size());
	}
	{
		// 2. random gaps on both sides
		Run run(0x5eed0002 + R * 131 + C);
		run.tb.reset();
		auto tiles = make_tiles(run.rng, 200, 1, 2 * R + 2, 60);
		long n = run.stream(tiles, 30);
		printf("array %dx%d: %ld rows with random gaps ok\n", R, C, n);
	}
	{
		// 3. tiles of 2R-2 rows, each with new weights: one row per cycle, no
		// bubble; mote_array_bcast loads the cells between tiles, from two
		// cycles after the previous tile's last row: R rows (R-1 when the
		// first is odd and shifts early), its last in the cycle of the tile's
		// first row
		Run run(0x5eed0003 + R * 131 + C);
		run.tb.reset();
		auto tiles = make_tiles(run.rng, 40, 2 * R - 2, 2 * R - 2, 100);
		long n = run.stream(tiles, 0);
		CHECK(run.tb, run.rows_out == n, "rows");
		uint64_t span = run.last_out - run.first_out + 1;
		long bubbles = TB_BCAST ? (R % 2 == 0 ? R - 1 : R) * (long)(tiles.size() - 1) : 0;
		CHECK(run.tb, span == (uint64_t)(n + bubbles), "%ld rows took %llu output cycles, want %ld", n,
		      (unsigned long long)span, n + bubbles);
		printf("array %dx%d: %ld rows of %d-row tiles, new weights every tile, %llu cycles (%ld between tiles)\n",
		       R, C, n, 2 * R - 2, (unsigned long long)span, bubbles);
	}
	{
		// 4. depthwise and dense tiles mixed, earliest schedule, then with gaps
		for (int gaps = 0; TB_DW && gaps <= 30; gaps += 30) {
			Run run(0x5eed0004 + R * 131 + C + gaps);
			run.tb.reset();
			auto tiles = make_tiles(run.rng, 200, 1, 3 * R, 60, 50);
			long n = run.stream(tiles, gaps);
			CHECK(run.tb, run.dw_rows > 20 * C, "only %ld depthwise rows checked", run.dw_rows);
			printf("array %dx%d: %ld rows, %ld checked depthwise outputs (%d lanes), gaps %d%% ok\n", R, C, n,
			       run.dw_rows, L, gaps);
		}
	}
	if (TB_SPARSE) {
		// 5. sparse, dense and depthwise tiles mixed, with gaps: every sparse row checked
		Run run(0x5eed0005 + R * 131 + C);
		run.tb.reset();
		auto tiles = make_tiles(run.rng, 200, 1, 3 * R, 70, TB_DW ? 20 : 0);
		long nsp = 0;
		for (auto &t : tiles)
			nsp += t.sp ? t.n : 0;
		long n = run.stream(tiles, 20);
		CHECK(run.tb, nsp > 20 * R, "only %ld sparse rows", nsp);
		printf("array %dx%d: %ld rows, %ld of them 2:4 sparse, with gaps ok\n", R, C, n, nsp);
	}
	printf("array_tb %dx%d: PASS\n", R, C);
	return 0;
}
