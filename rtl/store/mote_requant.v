// mote_requant.v: one post-processing lane: bias add, 32x32 multiply, rounding
// shift (half to even), output zero point and clamp; or the int32 sum itself.
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
module mote_requant (
	input  wire        clk,
	input  wire        rst,
	// a stage's registers load only when it holds a valid entry (clock enable)
	input  wire        i_valid,
	input  wire [31:0] i_acc,
	input  wire [31:0] i_bias,
	input  wire [31:0] i_mult,
	// shift amount: the caller passes shift & 63
	input  wire [5:0]  i_shift,
	input  wire [15:0] i_zp,
	input  wire [15:0] i_lo,
	input  wire [15:0] i_hi,
	input  wire        i_int32,
	output reg  [31:0] o_data,
	// y itself (it fits 16 bits: it lies between lo and hi), for STORE ADD
	output reg  [15:0] o_y,
	output wire        o_valid
);
	// valid pipeline (control: reset)
	reg [3:0] vld_q;
	always @(posedge clk) begin
		if (rst)
			vld_q <= 4'd0;
		else
			vld_q <= {vld_q[2:0], i_valid};
	end
	assign o_valid = vld_q[3];

	// Datapath only: no reset.  Each stage loads with its valid bit: saves
	// power on the FPGA and, in a simulator, the work of idle cycles.
	// stage 1: bias add
	reg [31:0] v1_q, mult1_q;
	reg [5:0]  sh1_q;
	reg [15:0] zp1_q, lo1_q, hi1_q;
	reg        i32_1_q;
	// stage 2: exact product
	reg signed [63:0] p2_q;
	reg [31:0] v2_q;
	reg [5:0]  sh2_q;
	reg [15:0] zp2_q, lo2_q, hi2_q;
	reg        i32_2_q;
	// stage 3: floor and round-up bit
	reg signed [63:0] f3_q;
	reg        up3_q;
	reg [31:0] v3_q;
	reg [15:0] zp3_q, lo3_q, hi3_q;
	reg        i32_3_q;

	// Stage 3 and 4 logic as functions called inside the enabled stages, so
	// that a simulator evaluates them only for valid entries.
	// stage 3: round-up bit of p / 2^sh (remainder against one half)
	function round_up;
		input [63:0] p;
		input [5:0]  sh;
		reg   [63:0] rem, half;
		begin
			rem  = p & ((64'd1 << sh) - 64'd1);
			half = (64'd1 << sh) >> 1;                  // 0 when shift is 0
			round_up = (sh != 6'd0) && ((rem > half) || (rem == half && p[sh]));   // p[sh]: lsb of the floor
		end
	endfunction

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

	always @(posedge clk) begin
		if (i_valid) begin
			v1_q    <= i_acc + i_bias;
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
		end
		if (vld_q[1]) begin
			f3_q    <= p2_q >>> sh2_q;
			up3_q   <= round_up(p2_q, sh2_q);
			v3_q    <= v2_q;
			zp3_q   <= zp2_q;
			lo3_q   <= lo2_q;
			hi3_q   <= hi2_q;
			i32_3_q <= i32_2_q;
		end
		if (vld_q[2])
			{o_y, o_data} <= stage4(f3_q, up3_q, zp3_q, lo3_q, hi3_q, i32_3_q, v3_q);
	end

endmodule

`default_nettype wire
