// mote_pe.v: one processing element of the weight-stationary array.
// Two weight banks (one streams, the shadow one loads); the activation's own
// bank bit picks the weight, so a bank switch travels with the data.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_pe (
	input  wire        clk,
	// activation from the left, with the weight bank it uses
	input  wire [7:0]  i_act,
	input  wire        i_bank,
	output reg  [7:0]  o_act,
	output reg         o_bank,
	// partial sum from above: o_psum = i_psum + i_act * w[i_bank] (int32 wrapping)
	input  wire [31:0] i_psum,
	output reg  [31:0] o_psum,
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

	assign o_w0 = w0_q;
	assign o_w1 = w1_q;

	always @(posedge clk) begin
		{o_bank, o_act} <= {i_bank, i_act};
		// a signed 8x8 product evaluated in the 32-bit width of the sum: one
		// sign-extending multiply-add (the SB_MAC16 mapping comes later)
		o_psum <= $signed(i_psum) + $signed(i_act) * $signed(w_sel);
		if (i_wshift && !i_wbank)
			w0_q <= i_w0;
		if (i_wshift && i_wbank)
			w1_q <= i_w1;
	end
endmodule

`default_nettype wire
