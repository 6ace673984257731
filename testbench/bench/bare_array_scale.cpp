// bare_array_scale.cpp: bare_array_speed.cpp's loop for bare_array of any size (make
// bench-sim-scale): ports wider than 64 bits take the value in their low 64 bits.  A file of its
// own so that bench-sim's yardstick, the 8x8 build of bare_array_speed.cpp, stays the binary every
// earlier ratio was read against: this harness alone, around the same model, ran the 8x8 array
// 2-15% slower at -Os (code placement, rtl/README.md "Simulation speed").
// Usage: bare_array_scale [CYCLES].  Prints one line:
// "bare RxC weight-stationary array: N cycles/s (sum S), P M PE-cycles/s".
#include "Vbare_array.h"
#include "verilated.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>

// A port of up to 64 bits is an integer; a wider one (R or C above 8) a VlWide, whose low 64
// bits take the value (the rest keep 0: the harness's work stays the same at every size).
template <typename T> static void set_port(T &port, uint64_t v) { port = v; }
template <std::size_t N> static void set_port(VlWide<N> &port, uint64_t v)
{
	port[0] = (uint32_t)v;
	port[1] = (uint32_t)(v >> 32);
}
template <typename T> static uint32_t low_word(const T &port) { return (uint32_t)port; }
template <std::size_t N> static uint32_t low_word(const VlWide<N> &port) { return port[0]; }

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000000L;
	VerilatedContext ctx;
	Vbare_array m(&ctx);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	auto t0 = std::chrono::steady_clock::now();
	for (long i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		set_port(m.i_act, x); // the row's bytes
		m.i_bank = (i >> 9) & 1;
		m.i_wshift = (i & 511) < BARE_R;
		m.i_wbank = !m.i_bank;
		set_port(m.i_wgt, x >> 3);
		m.clk = 0;
		m.eval();
		m.clk = 1;
		m.eval();
	}
	double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	printf("bare %dx%d weight-stationary array: %.0f cycles/s (sum %08x), %.1f M PE-cycles/s\n", BARE_R, BARE_C,
	       n / s, low_word(m.o_sum), n / s * BARE_R * BARE_C / 1e6);
	return 0;
}
