// mote_store_add.v: one lane of STORE ADD, the residual add after the clamp.
// Three pipeline stages, one result per cycle, no stall: o_data/o_valid are
// the result for the inputs given 3 cycles earlier.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// As the spec's STORE ADD defines it, with y the lane's clamped value and r
// the operand byte (uint8 when i_u8, else int8):
//   z  = (y - OUT_ZP) * MULT_A + (r - ADD_ZP) * MULT_B     (exact: 35 bits)
//   q2 = round_half_even(z / 2^SHIFT)
//   o_data = {24'd0, low byte of min(max(q2 + ADD_OUT_ZP, LO), HI)}
// Without i_add, o_data is i_data (the requantized byte or the int32 sum).
module mote_store_add #(
	// 1: the stage valid bits come from i_vld (one valid pipeline shared by
	// all lanes, see mote_requant); 0: the lane keeps its own
	parameter VLD_IN = 0
) (
	input  wire        clk,
	input  wire        rst,
	// a stage's registers load only when it holds a valid entry (clock enable)
	input  wire        i_valid,
	// with VLD_IN: i_valid 1, 2, 3 cycles ago (reset by the caller)
	input  wire [2:0]  i_vld,
	input  wire        i_add,
	// the lane's output without the add, and its clamped value y
	input  wire [31:0] i_data,
	input  wire [15:0] i_y,
	input  wire [7:0]  i_r,
	input  wire        i_u8,
	input  wire [15:0] i_zp,
	input  wire [15:0] i_add_zp,
	input  wire [15:0] i_out_zp,
	input  wire [15:0] i_mult_a,
	input  wire [15:0] i_mult_b,
	input  wire [15:0] i_lo,
	input  wire [15:0] i_hi,
	input  wire [5:0]  i_shift,
	output reg  [31:0] o_data,
	output wire        o_valid
);
	wire [2:0] vld_q;
	mote_valid_pipe #(.N(3), .EXT(VLD_IN)) u_vld (
		.clk(clk), .rst(rst), .i_valid(i_valid), .i_vld(i_vld), .o_vld(vld_q));
	assign o_valid = vld_q[2];

	// stage 1: the exact sum z
	reg signed [63:0] z1_q;
	reg [31:0] d1_q;
	reg        add1_q;
	reg [5:0]  sh1_q;
	reg [15:0] ozp1_q, lo1_q, hi1_q;
	// stage 2: rounded sum plus the output zero point
	reg signed [63:0] t2_q;
	reg        add2_q;
	reg [31:0] d2_q;
	reg [15:0] lo2_q, hi2_q;

	// z in 64 bits (|z| < 2^35): 17-bit differences times 16-bit multipliers
	function signed [63:0] sum_z;
		input [15:0] y, zp, r16, azp, ma, mb;
		reg signed [63:0] da, db;
		begin
			da = $signed({{48{y[15]}}, y}) - $signed({{48{zp[15]}}, zp});
			db = $signed({{48{r16[15]}}, r16}) - $signed({{48{azp[15]}}, azp});
			sum_z = da * $signed({48'd0, ma}) + db * $signed({48'd0, mb});
		end
	endfunction

	// round half to even of z / 2^sh: up when the guard bit (weight one half)
	// is set and either a lower bit is set or the floor is odd
	function round_up;
		input [63:0] z;
		input [5:0]  sh;
		reg   [5:0]  g;
		begin
			g = sh - 6'd1;
			round_up = (sh != 6'd0) && z[g] && ((|(z & ((64'd1 << g) - 64'd1))) || z[sh]);
		end
	endfunction

	// stage 3: the clamp, in full width, and the low byte
	function [7:0] clamp_lo_hi;
		input [63:0] t;
		input [15:0] lo, hi;
		begin
			if ($signed(t) < $signed({{48{lo[15]}}, lo}))
				clamp_lo_hi = ($signed(lo) > $signed(hi)) ? hi[7:0] : lo[7:0];
			else if ($signed(t) > $signed({{48{hi[15]}}, hi}))
				clamp_lo_hi = hi[7:0];
			else
				clamp_lo_hi = t[7:0];
		end
	endfunction

	wire [15:0] r16 = {{8{i_r[7] && !i_u8}}, i_r};
	// one test for an empty pipeline, then each stage's own enable
	always @(posedge clk) begin
		if (i_valid || vld_q[1:0] != 2'd0) begin
			if (i_valid) begin
				z1_q   <= i_add ? sum_z(i_y, i_zp, r16, i_add_zp, i_mult_a, i_mult_b) : 64'sd0;
				d1_q   <= i_data;
				add1_q <= i_add;
				sh1_q  <= i_shift;
				ozp1_q <= i_out_zp;
				lo1_q  <= i_lo;
				hi1_q  <= i_hi;
			end
			if (vld_q[0]) begin
				t2_q   <= (z1_q >>> sh1_q) + $signed({63'd0, round_up(z1_q, sh1_q)}) +
					  $signed({{48{ozp1_q[15]}}, ozp1_q});
				add2_q <= add1_q;
				d2_q   <= d1_q;
				lo2_q  <= lo1_q;
				hi2_q  <= hi1_q;
			end
			if (vld_q[1])
				o_data <= add2_q ? {24'd0, clamp_lo_hi(t2_q, lo2_q, hi2_q)} : d2_q;
		end
	end
endmodule

`default_nettype wire
