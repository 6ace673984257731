// bare_array_speed.cpp: simulated cycles per wall second of bare_array, busy
// (a new activation row every cycle, weights shifting in now and then).
// Usage: bare_array_speed [CYCLES].  Prints one line: "bare R x C: N cycles/s".
#include "Vbare_array.h"
#include "verilated.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000000L;
	VerilatedContext ctx;
	Vbare_array m(&ctx);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	auto t0 = std::chrono::steady_clock::now();
	for (long i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		m.i_act = x; // the row's bytes (the low R*8 bits of the port)
		m.i_bank = (i >> 9) & 1;
		m.i_wshift = (i & 511) < BARE_R;
		m.i_wbank = !m.i_bank;
		m.i_wgt = x >> 3;
		m.clk = 0;
		m.eval();
		m.clk = 1;
		m.eval();
	}
	double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	printf("bare %dx%d weight-stationary array: %.0f cycles/s (sum %08x)\n", BARE_R, BARE_C, n / s,
	       (unsigned)m.o_sum[0]);
	return 0;
}
