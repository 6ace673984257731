// mul2_tb.cpp: the SB_MAC16 instance of mote_mul2 (simulated with Yosys'
// cells_sim.v model) equals its behavioural twin and the signed products, one
// cycle after the inputs: every (a, b) pair of int8 on each half (2 x 65536
// cycles, the other half random), then random inputs on both.  The same for
// the cell with HOLD and SUM (mote_array_bcast's), against a model of the
// SB_MAC16's registers: B taken on i_bload only.
#include "Vmul2_tb_top.h"
#include "dp_bits.h"
#include "testb.h"

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmul2_tb_top> tb;
	DpRng rng(0x3a1f0001);
	long n = 0;
	int16_t p0_hist[4] = {0, 0, 0, 0}, p1_hist[4] = {0, 0, 0, 0}; // [k]: product of the inputs k+1 ticks ago
	// HOLD and SUM: the cell's registers (A, B in; G, F products; S, Q out)
	int8_t ra0 = 0, ra1 = 0, rb0 = 0, rb1 = 0;
	int16_t rg = 0, rf = 0, rs = 0, rq = 0;
	long loads = 0;
	for (long i = 0; i < 3 * 65536; i++) {
		int8_t a0, b0, a1, b1;
		if (i < 65536) { /* every pair on the bottom half */
			a0 = (int8_t)(i >> 8), b0 = (int8_t)i, a1 = (int8_t)rng.u32(), b1 = (int8_t)rng.u32();
		} else if (i < 2 * 65536) { /* every pair on the top half */
			a1 = (int8_t)(i >> 8), b1 = (int8_t)i, a0 = (int8_t)rng.u32(), b0 = (int8_t)rng.u32();
		} else {
			a0 = (int8_t)rng.u32(), b0 = (int8_t)rng.u32(), a1 = (int8_t)rng.u32(), b1 = (int8_t)rng.u32();
		}
		tb.m->i_a0 = (uint8_t)a0;
		tb.m->i_b0 = (uint8_t)b0;
		tb.m->i_a1 = (uint8_t)a1;
		tb.m->i_b1 = (uint8_t)b1;
		bool bload = (rng.u32() & 3) == 0;
		tb.m->i_bload = bload;
		tb.tick();
		// the registers after this edge, all from their values before it
		rq = (int16_t)(uint16_t)((uint16_t)rf + (uint16_t)rs);
		rs = rg;
		rf = (int16_t)(ra1 * rb1);
		rg = (int16_t)(ra0 * rb0);
		ra0 = a0, ra1 = a1;
		if (bload)
			rb0 = b0, rb1 = b1, loads++;
		if (i >= 4) {
			CHECK(tb, (int16_t)tb.m->o_mac_h0 == rs && (int16_t)tb.m->o_mac_h1 == rq,
			      "SB_MAC16 HOLD SUM: h0 %d want %d, h1 %d want %d", (int16_t)tb.m->o_mac_h0, rs,
			      (int16_t)tb.m->o_mac_h1, rq);
			CHECK(tb, tb.m->o_mac_h0 == tb.m->o_beh_h0 && tb.m->o_mac_h1 == tb.m->o_beh_h1,
			      "HOLD SUM twin differs");
		}
		CHECK(tb, (int16_t)tb.m->o_mac_p0 == (int16_t)(a0 * b0) && (int16_t)tb.m->o_mac_p1 == (int16_t)(a1 * b1),
		      "SB_MAC16: %d*%d=%d, %d*%d=%d", a0, b0, (int16_t)tb.m->o_mac_p0, a1, b1, (int16_t)tb.m->o_mac_p1);
		CHECK(tb, tb.m->o_mac_p0 == tb.m->o_beh_p0 && tb.m->o_mac_p1 == tb.m->o_beh_p1, "twin differs");
		// SUM: s0 = a0*b0 two ticks back, s1 = a1*b1 two back + a0*b0 three back (mod 2^16)
		for (int k = 3; k > 0; k--)
			p0_hist[k] = p0_hist[k - 1], p1_hist[k] = p1_hist[k - 1];
		p0_hist[0] = (int16_t)(a0 * b0), p1_hist[0] = (int16_t)(a1 * b1);
		if (i >= 3) {
			uint16_t s1 = (uint16_t)((uint16_t)p1_hist[1] + (uint16_t)p0_hist[2]);
			CHECK(tb, (int16_t)tb.m->o_mac_s0 == p0_hist[1] && tb.m->o_mac_s1 == s1,
			      "SB_MAC16 SUM: s0 %d want %d, s1 0x%04x want 0x%04x", (int16_t)tb.m->o_mac_s0, p0_hist[1],
			      tb.m->o_mac_s1, s1);
			CHECK(tb, tb.m->o_mac_s0 == tb.m->o_beh_s0 && tb.m->o_mac_s1 == tb.m->o_beh_s1, "SUM twin differs");
		}
		n++;
	}
	printf("mul2_tb: SB_MAC16 model and behavioural twin equal the signed products (and, with SUM, the two-row "
	       "sums; with HOLD, %ld weight loads) on %ld cycles: PASS\n", loads, n);
	return 0;
}
