// mote_requant.v: one post-processing lane: bias add, 32x32 multiply, rounding
// shift (half to even, or TFLite's two roundings with i_tfl), output zero point
// and clamp; or the int32 sum itself.
// Four pipeline stages, one result per cycle, no stall: o_data/o_valid are the
// result for the inputs given 4 cycles earlier.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// As the spec's STORE defines it:
//   v = acc + bias                                  (int32, wrapping)
//   q = round_half_even(v * mult / 2^shift)         (exact 64-bit product)
//   y = min(max(q + zp, lo), hi)                    (compared in full width)
//   o_data = i_int32 ? v : {24'd0, y[7:0]},  o_y = y
// Rounding: with f = floor(p / 2^s) (arithmetic shift) and r = p mod 2^s,
// q = f + 1 when r > 2^(s-1), or r == 2^(s-1) and f is odd; else q = f.
// That is exact for negative products too, since floor and the remainder
// are taken in two's complement.
//
// STORE ROUND_TFL (i_tfl, with ROUND_TFL = 1): l = max(31 - s, 0) and
// r = min(max(s - 31, 0), 31);  x = v << l (int32), p = x * mult,
// h = floor((p + 2^30) / 2^31), q = round(h / 2^r) ties away from zero.
// Both roundings come down to one floor and one round-up bit, so stages 3
// and 4 are shared with the single rounding (round3 below).
// h < 0 exactly when p < 0, unless p[30] rounds p >>> 31 = -1 up to 0.
// The left shift goes in stage 1 after the bias add (INT32 ignores i_tfl, so
// v itself is kept when it is written).
module mote_requant #(
	// 1: the TFLite rounding (i_tfl); 0: i_tfl is ignored (the store unit
	// refuses ROUND_TFL as FIELD before it reaches the lane)
	parameter ROUND_TFL = 1,
	// 1: the stage valid bits come from i_vld (a caller with many lanes
	// keeps one valid pipeline for all of them, so a simulator shifts one
	// instead of one per lane); 0: the lane keeps its own
	parameter VLD_IN = 0
) (
	input  wire        clk,
	input  wire        rst,
	// a stage's registers load only when it holds a valid entry (clock enable)
	input  wire        i_valid,
	// with VLD_IN: i_valid 1, 2, 3, 4 cycles ago (reset by the caller)
	input  wire [3:0]  i_vld,
	input  wire [31:0] i_acc,
	input  wire [31:0] i_bias,
	input  wire [31:0] i_mult,
	// shift amount: the caller passes shift & 63
	input  wire [5:0]  i_shift,
	input  wire [15:0] i_zp,
	input  wire [15:0] i_lo,
	input  wire [15:0] i_hi,
	input  wire        i_int32,
	// STORE ROUND_TFL (ignored with i_int32)
	input  wire        i_tfl,
	output reg  [31:0] o_data,
	// y itself (it fits 16 bits: it lies between lo and hi), for STORE ADD
	output reg  [15:0] o_y,
	output wire        o_valid
);
	// valid pipeline (control: reset)
	wire [3:0] vld_q;
	mote_valid_pipe #(.N(4), .EXT(VLD_IN)) u_vld (
		.clk(clk), .rst(rst), .i_valid(i_valid), .i_vld(i_vld), .o_vld(vld_q));
	assign o_valid = vld_q[3];

	// Datapath only: no reset.  Each stage loads with its valid bit: saves
	// power on the FPGA and, in a simulator, the work of idle cycles.
	// stage 1: bias add
	reg [31:0] v1_q, mult1_q;
	reg [5:0]  sh1_q;
	reg [15:0] zp1_q, lo1_q, hi1_q;
	reg        i32_1_q, tfl1_q;
	// stage 2: exact product
	reg signed [63:0] p2_q;
	reg [31:0] v2_q;
	reg [5:0]  sh2_q;
	reg [15:0] zp2_q, lo2_q, hi2_q;
	reg        i32_2_q, tfl2_q;
	// stage 3: floor and round-up bit
	reg signed [63:0] f3_q;
	reg        up3_q;
	reg [31:0] v3_q;
	reg [15:0] zp3_q, lo3_q, hi3_q;
	reg        i32_3_q;

	// Stage 3 and 4 logic inside the enabled stages, so that a simulator
	// evaluates them only for valid entries (stage 3's in block-local
	// temporaries, not a function's: Verilator zeroes a wide function's locals
	// at every evaluation, called or not).
	// stage 3: {floor, round-up bit} of either rounding, sharing one shifter
	// and one pair of reductions.  k is the floor's shift: sh, or with tfl
	// t = min(max(sh, 31), 62).  g = p[k-1] is the first bit below the floor
	// (0 when k is 0); Z and O say whether the bits under g, down to bit 0
	// (or to bit 31 with tfl: the high multiply's floor), are all 0 / all 1.
	//  one rounding: up = g and (something below g, or the floor odd);
	//  tfl: with hu = p[30] (the high multiply's round-up bit), h's bits
	//  k-1..31 are rf, and m = rf + hu is h mod 2^r unless it carries
	//  (hu, g and O: then q is the floor plus one, which g and hu give too):
	//    m > 2^(r-1)  is g and (hu or not Z);
	//    m == 2^(r-1) is (g and Z) without hu, (not g and O) with hu;
	//  and a tie rounds up only for h >= 0.  At k = 31 (r = 0) the bits under
	//  g are none (Z = O = 1) and g is hu: up = hu, the high multiply alone.
	// stage 4: zero point and clamp, in 64 bits (|q| <= 2^62)
	function [15:0] clamp16;
		input [63:0] f;
		input        up;
		input [15:0] zp, lo, hi;
		reg signed [63:0] t, lo64, hi64, mx;
		begin
			t    = $signed(f) + $signed({63'd0, up}) + $signed({{48{zp[15]}}, zp});
			lo64 = $signed({{48{lo[15]}}, lo});
			hi64 = $signed({{48{hi[15]}}, hi});
			mx   = (t < lo64) ? lo64 : t;
			clamp16 = (mx > hi64) ? hi64[15:0] : mx[15:0];
		end
	endfunction

	// stage 4's outputs {y, data}
	function [47:0] stage4;
		input [63:0] f;
		input        up;
		input [15:0] zp, lo, hi;
		input        i32;
		input [31:0] v;
		reg   [15:0] y;
		begin
			y = clamp16(f, up, zp, lo, hi);
			stage4 = {y, i32 ? v : {24'd0, y[7:0]}};
		end
	endfunction

	// one test for an empty pipeline (the common case: a lane idles while
	// the array streams), then each stage's own enable
	always @(posedge clk) begin
		if (i_valid || vld_q[2:0] != 3'd0) begin
			if (i_valid) begin
				// ROUND_TFL: x = v << max(31 - s, 0), wrapping; INT32 keeps v
				if (ROUND_TFL != 0 && i_tfl && !i_int32 && i_shift < 6'd31)
					v1_q <= (i_acc + i_bias) << (6'd31 - i_shift);
				else
					v1_q <= i_acc + i_bias;
				tfl1_q  <= (ROUND_TFL != 0) && i_tfl && !i_int32;
				mult1_q <= i_mult;
				sh1_q   <= i_shift;
				zp1_q   <= i_zp;
				lo1_q   <= i_lo;
				hi1_q   <= i_hi;
				i32_1_q <= i_int32;
			end
			if (vld_q[0]) begin
				p2_q    <= $signed(v1_q) * $signed(mult1_q);
				v2_q    <= v1_q;
				sh2_q   <= sh1_q;
				zp2_q   <= zp1_q;
				lo2_q   <= lo1_q;
				hi2_q   <= hi1_q;
				i32_2_q <= i32_1_q;
				tfl2_q  <= tfl1_q;
			end
			if (vld_q[1]) begin : g_round
				reg [5:0]  k;
				reg [63:0] f, below, low;
				reg        g, z, o, hu, hneg;
				k     = !tfl2_q ? sh2_q : (sh2_q < 6'd31) ? 6'd31 : (sh2_q == 6'd63) ? 6'd62 : sh2_q;
				f     = $signed(p2_q) >>> k;
				g     = (k != 6'd0) && p2_q[k - 6'd1];
				below = ((64'd1 << k) >> 1) - 64'd1;         // bits under g (none when k is 0 or 1)
				if (tfl2_q)
					below = below & ~64'h7fff_ffff;          // ... down to bit 31
				low   = p2_q & below;
				z     = (low == 64'd0);
				o     = (low == below);
				hu    = p2_q[30];
				hneg  = p2_q[63] && !(hu && (p2_q[62:31] == 32'hffffffff));
				f3_q  <= f;
				if (!tfl2_q)
					up3_q <= g && (!z || f[0]);
				else
					up3_q <= (g && (hu || !z)) || ((hu ? (!g && o) : (g && z)) && !hneg);
				v3_q    <= v2_q;
				zp3_q   <= zp2_q;
				lo3_q   <= lo2_q;
				hi3_q   <= hi2_q;
				i32_3_q <= i32_2_q;
			end
			if (vld_q[2])
				{o_y, o_data} <= stage4(f3_q, up3_q, zp3_q, lo3_q, hi3_q, i32_3_q, v3_q);
		end
	end

endmodule

`default_nettype wire
