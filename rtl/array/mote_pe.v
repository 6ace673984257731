// mote_pe.v: one processing element of the weight-stationary array.
// Two weight banks (one streams, the shadow one loads); the activation's own
// bank bit picks the weight, so a bank switch travels with the data.  A
// depthwise row (its i_dw bit, also travelling with the data) takes its
// partial sum from the left neighbour instead of from above: the row then is
// a chain of 1-D correlation taps (mote_array explains the timing).  With
// SPARSE the activation is a 4-byte bundle shared by a pair of PE rows and
// each bank holds a 2-bit index beside its weight: a sparse row multiplies
// the bundle's byte the index names, a dense row byte ODD (its own).
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
	parameter EXT_MUL = 0,
	// 1: 2:4 sparse rows (MATMUL SPARSE): i_act is a 4-byte bundle, the
	// weights carry a 2-bit index in bits [9:8]
	parameter SPARSE = 0,
	// with SPARSE: 1 for the odd PE of a row pair, which takes its bundle from
	// the even PE above (that PE's row register, the cycle after it used it)
	// and keeps no row register of its own; its dense byte is byte 1
	parameter ODD = 0,
	// 1: the product in mote_mul8_logic (a synthesis flow builds it from logic)
	parameter LUT_MUL = 0,
	// bytes of the activation bundle and bits of a weight (derived)
	parameter AB = (SPARSE != 0) ? 4 : 1,
	parameter WB = (SPARSE != 0) ? 10 : 8
) (
	input  wire        clk,
	// activation from the left (from above: the odd PE of a sparse pair),
	// with the weight bank and modes it uses
	input  wire [AB*8-1:0] i_act,
	input  wire        i_bank,
	input  wire        i_dw,
	input  wire        i_sp,
	output wire [AB*8-1:0] o_act,
	output wire        o_bank,
	output wire        o_dw,
	output wire        o_sp,
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
	input  wire [WB-1:0] i_w0,
	input  wire [WB-1:0] i_w1,
	output wire [WB-1:0] o_w0,
	output wire [WB-1:0] o_w1
);
	// Datapath only: no reset (the array resets its valid and shift-enable bits).
	reg  [WB-1:0] w0_q, w1_q;
	wire [WB-1:0] w_bank = i_bank ? w1_q : w0_q;
	wire [7:0] w_sel = w_bank[7:0];
	// the activation this PE multiplies
	wire [7:0] a_sel;
	wire [PS_W-1:0] psum_in;
	wire [PS_W-1:0] prod;
	// the mode of the row being summed: the one entering now, or with EXT_MUL
	// (its product arrives a cycle late) the one that entered a cycle ago
	wire dw_sum;
	// i_dw one cycle old (with EXT_MUL)
	wire dw_old;

	assign o_w0    = w0_q;
	assign o_w1    = w1_q;
	assign o_mul_a = a_sel;
	assign o_mul_b = w_sel;

	generate
		if (SPARSE != 0) begin : g_sp
			// byte index in the bundle: the weight's index in a sparse row,
			// the PE's own byte (0 even, 1 odd) in a dense one
			wire [1:0] bsel = i_sp ? w_bank[9:8] : ((ODD != 0) ? 2'd1 : 2'd0);
			assign a_sel = i_act[8*bsel +: 8];
			if (ODD != 0) begin : g_odd
				// the pair's bundle lives in the even PE's row register
				assign {o_sp, o_dw, o_bank, o_act} = {3'd0, {(AB*8){1'b0}}};
				if (EXT_MUL != 0 && DEPTHWISE != 0) begin : g_dwq
					reg dw_q;
					always @(posedge clk)
						dw_q <= i_dw;
					assign dw_old = dw_q;
				end else begin : g_nodwq
					assign dw_old = 1'b0;
					wire unused_dw_in = &{1'b0, i_dw};
				end
			end else begin : g_even
				// the row passing through, {sp, dw, bank, bundle}: one
				// register, so a simulator moves it in one assignment
				reg [AB*8+2:0] row_q;
				always @(posedge clk)
					row_q <= {i_sp, i_dw, i_bank, i_act};
				assign {o_sp, o_dw, o_bank, o_act} = row_q;
				assign dw_old = row_q[AB*8+1];
			end
		end else begin : g_dense_row
			reg  [9:0] row_q;
			always @(posedge clk)
				row_q <= {i_dw, i_bank, i_act};
			assign {o_dw, o_bank, o_act} = row_q;
			assign o_sp   = 1'b0;
			assign a_sel  = i_act;
			assign dw_old = row_q[9];
			wire unused_sp = &{1'b0, i_sp};
		end
		if (EXT_MUL != 0) begin : g_ext
			assign prod   = {{(PS_W-16){i_prod[15]}}, i_prod};
			assign dw_sum = dw_old;
		end else begin : g_int
			// the product formed at the sum's width (exact: it fits 16 bits),
			// so no 16-bit value is sign-extended again after the multiply
			if (LUT_MUL != 0) begin : g_lut
				mote_mul8_logic #(.PS_W(PS_W)) u_mul (.i_a(a_sel), .i_w(w_sel), .o_p(prod));
			end else begin : g_op
				// (signed 8-bit operands widened by the context: a simulator
				// then sign-extends each in one step, not by replicating bit 7)
				assign prod = $signed(a_sel) * $signed(w_sel);
			end
			assign dw_sum = i_dw;
			wire unused_prod = &{1'b0, i_prod, dw_old};
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
		o_psum <= psum_in + prod;
		if (i_wshift && !i_wbank)
			w0_q <= i_w0;
		if (i_wshift && i_wbank)
			w1_q <= i_w1;
	end
endmodule

`default_nettype wire
