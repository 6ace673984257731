// requant_tb.cpp: mote_requant against dp_model.h, a C++ model written from the
// spec's STORE text (rounding by exact 128-bit division, not by the RTL's shift
// and remainder trick).  Random and edge inputs, one per cycle, in both
// roundings: the spec's one (half to even) and ROUND_TFL's two (TFLite's high
// multiply, then its divide by a power of two), with TFL's own edges: ties of
// either rounding, the carry of the first into the second, the left shift's
// wrap, the one saturating product.
#include "Vmote_requant.h"
#include "dp_bits.h"
#include "dp_model.h"
#include "testb.h"
#include <deque>

struct In {
	uint32_t acc, bias, mult;
	int shift; // the full 32-bit shift word; the lane gets shift & 63
	int16_t zp, lo, hi;
	bool int32, tfl;
};

static uint32_t model(const In &x)
{
	return dp_requant(x.acc, x.bias, x.mult, (uint32_t)x.shift, x.zp, x.lo, x.hi, x.int32, x.tfl);
}

static const uint32_t edges[] = {0, 1, 2, 3, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe,
				 0x40000000, 0x3fffffff, 0xc0000000, 0x00010000, 0xffff0000};

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmote_requant> tb;
	tb.m->i_valid = 0;
	tb.reset();
	DpRng rng(0x7e9a4701);
	struct Slot {
		In x;
		uint32_t want;
		bool valid;
	};
	std::deque<Slot> pipe;
	const int LAT = 4, N = 400000;
	long checked = 0, ties = 0, tfl = 0;
	for (int n = 0; n < N + LAT; n++) {
		In x;
		int kind = rng.range(0, 13);
		x.acc = rng.u32();
		x.bias = rng.chance(50) ? rng.u32() : (uint32_t)rng.range(-1000, 1000);
		x.mult = rng.chance(60) ? (0x40000000u | (rng.u32() >> 2)) : rng.u32(); // compiler range and any
		x.shift = rng.chance(70) ? rng.range(28, 40) : (int)rng.u32();
		x.zp = (int16_t)rng.range(-300, 300);
		x.lo = -128;
		x.hi = 127;
		x.int32 = rng.chance(8);
		x.tfl = rng.chance(50);
		switch (kind) {
		case 0: // edge values everywhere
			x.acc = edges[rng.range(0, 13)];
			x.bias = edges[rng.range(0, 13)];
			x.mult = edges[rng.range(0, 13)];
			x.shift = (int[]){0, 1, 31, 32, 62, 63, 64, 127, -1}[rng.range(0, 8)];
			break;
		case 1: // exact ties: p = (2k+1) * 2^(s-1)
		{
			int s = rng.range(1, 40);
			x.shift = s + 64 * rng.range(0, 3); // high bits of shift are ignored
			x.mult = 1u << rng.range(0, s - 1 < 30 ? s - 1 : 30);
			int64_t want = ((int64_t)(2 * (int64_t)rng.range(-5000, 5000) + 1)) << (s - 1);
			int64_t vv = want / (int64_t)x.mult;
			if (vv > INT32_MAX || vv < INT32_MIN)
				vv = (int32_t)vv;
			x.bias = 0;
			x.acc = (uint32_t)(int32_t)vv;
			ties++;
			break;
		}
		case 2: // near ties: one either side
		{
			int s = rng.range(1, 30);
			x.shift = s;
			x.mult = 1;
			x.bias = 0;
			x.acc = (uint32_t)((((int32_t)rng.range(-3000, 3000) * 2 + 1) << (s - 1 > 0 ? 0 : 0)) *
					   (1 << (s - 1)) + rng.range(-1, 1));
			break;
		}
		case 3: // shift 0: the product itself, clamped
			x.shift = 0;
			x.mult = (uint32_t)rng.range(-3, 3);
			x.acc = (uint32_t)rng.range(-400, 400);
			break;
		case 4: // wide clamps, lo > hi, full int16 range
			x.lo = (int16_t)rng.u32();
			x.hi = (int16_t)rng.u32();
			x.zp = (int16_t)rng.u32();
			x.shift = rng.range(0, 63);
			break;
		case 5: // relu-like clamps
			x.lo = x.zp;
			x.hi = rng.chance(50) ? 127 : (int16_t)(x.zp + 6 * 16);
			break;
		case 6: // TFL: TFLite's multipliers (mult in [2^30, 2^31), e in [-31, 30])
		case 7:
			x.tfl = true;
			x.mult = 0x40000000u | (rng.u32() >> 2);
			x.shift = 31 - rng.range(-31, 30);
			if (kind == 7) // small accumulators: the left shift does not wrap
				x.acc = (uint32_t)rng.range(-70000, 70000), x.bias = 0;
			break;
		case 8: // TFL: ties of the high multiply, p = (2k+1) * 2^30 (mult a power of two)
		{
			x.tfl = true;
			int m = rng.range(0, 30);
			x.mult = 1u << m;
			x.shift = rng.chance(50) ? rng.range(31, 63) : rng.range(0, 31);
			int l = x.shift < 31 ? 31 - x.shift : 0;
			int e = 30 - m - l; // v = (2k+1) * 2^e gives p = (2k+1) * 2^30
			int32_t k = 2 * rng.range(-2000, 2000) + 1;
			x.acc = e >= 0 && e < 19 ? (uint32_t)(k * (1 << e)) : (uint32_t)k;
			x.bias = 0;
			ties++;
			break;
		}
		case 9: // TFL: ties of the second rounding, h = (2k+1) * 2^(r-1)
		{
			x.tfl = true;
			int r = rng.range(1, 20);
			x.shift = 31 + r;
			x.mult = 0x40000000u; // h = v / 2 for even v
			x.acc = (uint32_t)((2 * rng.range(-3000, 3000) + 1) * (1 << (r - 1)) * 2 + 2 * rng.range(-1, 1));
			x.bias = 0;
			ties++;
			break;
		}
		case 10: // TFL: h mod 2^r all ones and the first rounding's carry
		{
			x.tfl = true;
			int r = rng.range(1, 12);
			x.shift = 31 + r;
			x.mult = 0x40000000u;
			// v = 2h + 1: p = h * 2^31 + 2^30, so h's round-up carries when h mod 2^r = 2^r - 1
			int32_t h = rng.range(-500, 500) * (1 << r) + ((1 << r) - 1) - rng.range(0, 1);
			x.acc = (uint32_t)(2 * h + 1);
			x.bias = 0;
			break;
		}
		case 11: // TFL: INT32_MIN * INT32_MIN (TFLite saturates), and other extremes
			x.tfl = true;
			x.acc = edges[rng.range(0, 13)];
			x.bias = rng.chance(50) ? 0 : edges[rng.range(0, 13)];
			x.mult = rng.chance(50) ? 0x80000000u : edges[rng.range(0, 13)];
			x.shift = (int[]){0, 1, 30, 31, 32, 61, 62, 63}[rng.range(0, 7)];
			if (rng.chance(50))
				x.lo = -32768, x.hi = 32767, x.zp = (int16_t)rng.range(-32768, 32767);
			break;
		default:
			break;
		}
		if (kind >= 8 && kind <= 10) // the whole int16 range: a tie is never clamped away
			x.lo = -32768, x.hi = 32767, x.zp = (int16_t)rng.range(-8, 8);
		tfl += x.tfl && !x.int32;
		tb.m->i_acc = x.acc;
		tb.m->i_bias = x.bias;
		tb.m->i_mult = x.mult;
		tb.m->i_shift = x.shift & 63;
		tb.m->i_zp = (uint16_t)x.zp;
		tb.m->i_lo = (uint16_t)x.lo;
		tb.m->i_hi = (uint16_t)x.hi;
		tb.m->i_int32 = x.int32;
		tb.m->i_tfl = x.tfl;
		// one slot in eight is a bubble: stages hold, results keep their order
		const bool v = n < N && !rng.chance(12);
		tb.m->i_valid = v;
		pipe.push_back({x, model(x), v});
		tb.tick();
		if ((int)pipe.size() > LAT) {
			pipe.pop_front();
		}
		if ((int)pipe.size() == LAT) {
			// the output now shows the oldest entry in the window
			const In &o = pipe.front().x;
			uint32_t want = pipe.front().want;
			CHECK(tb, tb.m->o_valid == pipe.front().valid, "valid wrong");
			if (!pipe.front().valid)
				continue;
			CHECK(tb, tb.m->o_data == want,
			      "acc %08x bias %08x mult %08x shift %d zp %d lo %d hi %d int32 %d tfl %d: got %08x want %08x",
			      o.acc, o.bias, o.mult, o.shift & 63, o.zp, o.lo, o.hi, o.int32, o.tfl, tb.m->o_data, want);
			checked++;
		}
	}
	printf("requant_tb: %ld results (%ld with ROUND_TFL, %ld exact ties) match the model: PASS\n", checked, tfl,
	       ties);
	return 0;
}
