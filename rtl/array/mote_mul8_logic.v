// mote_mul8_logic.v: a PE's signed 8x8 product at the partial sum's width, in
// a module of its own so that a synthesis flow can find these multiplies by
// name and build them from logic (fpga/fpga.mk maps `*mote_mul8_logic*` with
// techmap before synth_ecp5, which would otherwise put every one on a DSP
// block: the 16x16 array has more MACs than an LFE5U-85F has multipliers).
// Simulation sees the same product as the PE's own multiply.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_mul8_logic #(
	// bits of the product (the PE's partial-sum width, at least 16)
	parameter PS_W = 19
) (
	input  wire [7:0]      i_a,
	input  wire [7:0]      i_w,
	output wire [PS_W-1:0] o_p
);
	// 8 x 8 -> 16 bits (exact), then sign-extended: a multiplier built from
	// logic at the sum's width would be four times as large
	wire signed [15:0] p16 = $signed(i_a) * $signed(i_w);
	assign o_p = {{(PS_W-16){p16[15]}}, p16};
endmodule

`default_nettype wire
