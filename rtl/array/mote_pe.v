// mote_pe.v: one processing element of the weight-stationary array.
// Two weight banks (one streams, the shadow one loads); the activation's own
// bank bit picks the weight, so a bank switch travels with the data.  A
// depthwise row (its i_dw bit, also travelling with the data) takes its
// partial sum from the left neighbour instead of from above: the row then is
// a chain of 1-D correlation taps (mote_array explains the timing).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_pe #(
	// 1: the horizontal (depthwise) partial-sum path exists
	parameter DEPTHWISE = 1,
	// bits of a depthwise partial sum (signed; it is a sum of at most COLS products)
	parameter DW_W = 19
) (
	input  wire        clk,
	// activation from the left, with the weight bank and mode it uses
	input  wire [7:0]  i_act,
	input  wire        i_bank,
	input  wire        i_dw,
	output reg  [7:0]  o_act,
	output reg         o_bank,
	output reg         o_dw,
	// partial sum: o_psum = (i_dw ? i_hpsum : i_psum) + i_act * w[i_bank] (int32 wrapping)
	input  wire [31:0] i_psum,
	output reg  [31:0] o_psum,
	// depthwise partial sum from the left (o_hpsum of the left PE: o_psum one cycle later)
	input  wire [DW_W-1:0] i_hpsum,
	output wire [DW_W-1:0] o_hpsum,
	// weight shift chain (vertical): when i_wshift, bank i_wbank takes the
	// weight of the PE above (i_w0/i_w1) and passes its old one down
	input  wire        i_wshift,
	input  wire        i_wbank,
	input  wire [7:0]  i_w0,
	input  wire [7:0]  i_w1,
	output wire [7:0]  o_w0,
	output wire [7:0]  o_w1
);
	// Datapath only: no reset (the array resets its valid and shift-enable bits).
	reg  [7:0] w0_q, w1_q;
	wire [7:0] w_sel = i_bank ? w1_q : w0_q;
	wire [31:0] psum_in;

	assign o_w0 = w0_q;
	assign o_w1 = w1_q;

	generate
		if (DEPTHWISE) begin : g_dw
			reg [DW_W-1:0] hpsum_q;
			always @(posedge clk)
				hpsum_q <= o_psum[DW_W-1:0];
			assign o_hpsum = hpsum_q;
			assign psum_in = i_dw ? {{(32-DW_W){i_hpsum[DW_W-1]}}, i_hpsum} : i_psum;
		end else begin : g_dense
			assign o_hpsum = {DW_W{1'b0}};
			assign psum_in = i_psum;
			wire unused_dw = &{1'b0, i_hpsum};
		end
	endgenerate

	always @(posedge clk) begin
		{o_dw, o_bank, o_act} <= {i_dw, i_bank, i_act};
		// a signed 8x8 product evaluated in the 32-bit width of the sum: one
		// sign-extending multiply-add (the SB_MAC16 mapping comes later)
		o_psum <= $signed(psum_in) + $signed(i_act) * $signed(w_sel);
		if (i_wshift && !i_wbank)
			w0_q <= i_w0;
		if (i_wshift && i_wbank)
			w1_q <= i_w1;
	end
endmodule

`default_nettype wire
