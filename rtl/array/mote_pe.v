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
	// bits of a partial sum (signed): the array gives 16 + log2 of the most
	// products a sum holds, so it never wraps (int32 sums start below the array)
	parameter PS_W = 19,
	// 1: the product comes from outside (o_mul_a * o_mul_b, returned on i_prod
	// one cycle later, registered in a multiplier cell such as an iCE40
	// SB_MAC16 shared by two PEs); the sum then leaves one cycle later too
	parameter EXT_MUL = 0
) (
	input  wire        clk,
	// activation from the left, with the weight bank and mode it uses
	input  wire [7:0]  i_act,
	input  wire        i_bank,
	input  wire        i_dw,
	output wire [7:0]  o_act,
	output wire        o_bank,
	output wire        o_dw,
	// partial sum: o_psum = (dw ? i_hpsum : i_psum) + act * w[bank]
	input  wire [PS_W-1:0] i_psum,
	output reg  [PS_W-1:0] o_psum,
	// depthwise partial sum from the left (o_hpsum of the left PE: o_psum one cycle later)
	input  wire [PS_W-1:0] i_hpsum,
	output wire [PS_W-1:0] o_hpsum,
	// the multiplier's operands (act and the weight it meets) and, with
	// EXT_MUL, their signed product one cycle later
	output wire [7:0]  o_mul_a,
	output wire [7:0]  o_mul_b,
	input  wire [15:0] i_prod,
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
	// the row passing through, {dw, bank, act}: one register, so a simulator
	// moves it to the next PE in one assignment
	reg  [9:0] row_q;
	assign {o_dw, o_bank, o_act} = row_q;
	wire [7:0] w_sel = i_bank ? w1_q : w0_q;
	wire [PS_W-1:0] psum_in;
	wire [PS_W-1:0] prod;
	// the mode of the row being summed: the one entering now, or with EXT_MUL
	// (its product arrives a cycle late) the one that entered a cycle ago
	wire dw_sum;

	assign o_w0    = w0_q;
	assign o_w1    = w1_q;
	assign o_mul_a = i_act;
	assign o_mul_b = w_sel;

	generate
		if (EXT_MUL != 0) begin : g_ext
			assign prod   = {{(PS_W-16){i_prod[15]}}, i_prod};
			assign dw_sum = o_dw;
		end else begin : g_int
			// the product formed at the sum's width (exact: it fits 16 bits),
			// so no 16-bit value is sign-extended again after the multiply
			assign prod   = $signed({{(PS_W-8){i_act[7]}}, i_act}) * $signed({{(PS_W-8){w_sel[7]}}, w_sel});
			assign dw_sum = i_dw;
			wire unused_prod = &{1'b0, i_prod};
		end
		if (DEPTHWISE != 0) begin : g_dw
			reg [PS_W-1:0] hpsum_q;
			always @(posedge clk)
				hpsum_q <= o_psum;
			assign o_hpsum = hpsum_q;
			assign psum_in = dw_sum ? i_hpsum : i_psum;
		end else begin : g_dense
			assign o_hpsum = {PS_W{1'b0}};
			assign psum_in = i_psum;
			wire unused_dw = &{1'b0, i_hpsum, dw_sum};
		end
	endgenerate

	always @(posedge clk) begin
		row_q  <= {i_dw, i_bank, i_act};
		o_psum <= psum_in + prod;
		if (i_wshift && !i_wbank)
			w0_q <= i_w0;
		if (i_wshift && i_wbank)
			w1_q <= i_w1;
	end
endmodule

`default_nettype wire
