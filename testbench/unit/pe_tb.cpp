// pe_tb.cpp: one mote_pe (19-bit partial sums) against a C++ model: random
// activations, banks and partial sums every cycle, weight shifts into either
// bank (including while the other bank is in use), extremes such as -128 *
// -128 and 19-bit wrap; depthwise cycles take the horizontal sum instead, and
// o_hpsum is o_psum one cycle later.  Built with TB_EXT the product comes from
// a mote_mul2 cell a cycle late: the sum then adds the previous cycle's
// product, chosen by the previous cycle's mode bit, to this cycle's sums.
#include "Vpe_tb_top.h"
#include "dp_bits.h"
#include "testb.h"

#ifndef TB_EXT
#define TB_EXT 0
#endif

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vpe_tb_top> tb;
	DpRng rng(0x9e000001);
	int8_t w[2] = {0, 0};
	// load both banks first
	for (int b = 0; b < 2; b++) {
		tb.m->i_wshift = 1;
		tb.m->i_wbank = b;
		tb.m->i_w0 = 0;
		tb.m->i_w1 = 0;
		tb.tick();
	}
	long n = 0, ndw = 0;
	const uint32_t M = 0x7ffffu; // 19 bits
	uint32_t prev_psum = tb.m->o_psum;
	int32_t prev_prod = 0;
	bool prev_dw = false;
	for (int i = 0; i < 200000; i++) {
		int8_t a = rng.chance(10) ? -128 : (int8_t)rng.u32();
		int bank = rng.u32() & 1;
		uint32_t psum = (rng.chance(10) ? 0x3ffffu - rng.range(0, 20000) : rng.u32()) & M;
		bool dw = rng.chance(40);
		// a 19-bit signed horizontal sum, extremes included
		int32_t h = rng.chance(10) ? (rng.chance(50) ? -(1 << 18) : (1 << 18) - 1)
					   : (int32_t)rng.range(-(1 << 18), (1 << 18) - 1);
		bool sh = rng.chance(30);
		int sb = rng.u32() & 1;
		int8_t nw0 = rng.chance(10) ? -128 : (int8_t)rng.u32(), nw1 = (int8_t)rng.u32();
		tb.m->i_act = (uint8_t)a;
		tb.m->i_bank = bank;
		tb.m->i_psum = psum;
		tb.m->i_dw = dw;
		tb.m->i_hpsum = (uint32_t)h & 0x7ffffu;
		tb.m->i_wshift = sh;
		tb.m->i_wbank = sb;
		tb.m->i_w0 = (uint8_t)nw0;
		tb.m->i_w1 = (uint8_t)nw1;
		tb.m->eval();
		// the chain outputs show the banks before this edge
		CHECK(tb, (int8_t)tb.m->o_w0 == w[0] && (int8_t)tb.m->o_w1 == w[1], "chain out");
		int32_t prod = a * w[bank];
#if TB_EXT
		uint32_t want = ((prev_dw ? (uint32_t)h : psum) + (uint32_t)prev_prod) & M;
#else
		uint32_t want = ((dw ? (uint32_t)h : psum) + (uint32_t)prod) & M;
#endif
		prev_prod = prod;
		prev_dw = dw;
		tb.tick();
		CHECK(tb, tb.m->o_hpsum == prev_psum, "o_hpsum %05x is not last o_psum %05x",
		      tb.m->o_hpsum, prev_psum);
		CHECK(tb, tb.m->o_psum == want, "a %d w %d psum %08x: got %08x want %08x", a, w[bank], psum,
		      tb.m->o_psum, want);
		CHECK(tb, (int8_t)tb.m->o_act == a && tb.m->o_bank == bank && tb.m->o_dw == dw,
		      "activation pass-through");
		prev_psum = tb.m->o_psum;
		ndw += dw;
		if (sh)
			w[sb] = sb ? nw1 : nw0;
		n++;
	}
	printf("pe_tb%s: %ld cycles (%ld depthwise) match the model: PASS\n", TB_EXT ? " (product cell)" : "", n,
	       ndw);
	return 0;
}
