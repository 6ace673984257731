// pe_tb_top.v: bench wrapper giving mote_pe the rst port testb.h expects;
// with EXT the PE's product comes from a behavioural mote_mul2 cell (one
// cycle later, as in an array built with MUL_CELL).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module pe_tb_top #(
	parameter EXT = 0
) (
	input  wire        clk,
	input  wire        rst,
	input  wire [7:0]  i_act,
	input  wire        i_bank,
	input  wire        i_dw,
	output wire [7:0]  o_act,
	output wire        o_bank,
	output wire        o_dw,
	input  wire [18:0] i_psum,
	output wire [18:0] o_psum,
	input  wire [18:0] i_hpsum,
	output wire [18:0] o_hpsum,
	input  wire        i_wshift,
	input  wire        i_wbank,
	input  wire [7:0]  i_w0,
	input  wire [7:0]  i_w1,
	output wire [7:0]  o_w0,
	output wire [7:0]  o_w1
);
	wire unused_rst = rst; // the PE is datapath only
	wire [7:0]  mul_a, mul_b;
	wire [15:0] prod, p1;
	generate
		if (EXT != 0) begin : g_cell
			mote_mul2 #(.ICE40(0)) u_mul (.clk(clk), .i_bload(1'b0), .i_a0(mul_a), .i_b0(mul_b), .i_a1(8'd0), .i_b1(8'd0),
						      .o_p0(prod), .o_p1(p1));
		end else begin : g_none
			assign prod = 16'd0;
			assign p1   = 16'd0;
		end
	endgenerate
	wire        sp_o;   // the dense PE (SPARSE 0): no sparse rows
	wire unused_p1 = &{1'b0, p1, mul_a, mul_b, sp_o};
	mote_pe #(.DEPTHWISE(1), .PS_W(19), .EXT_MUL(EXT)) u_pe (.clk(clk), .i_act(i_act), .i_bank(i_bank),
		      .i_dw(i_dw), .i_sp(1'b0), .o_act(o_act), .o_bank(o_bank), .o_dw(o_dw), .o_sp(sp_o),
		      .i_psum(i_psum), .o_psum(o_psum), .i_hpsum(i_hpsum), .o_hpsum(o_hpsum),
		      .o_mul_a(mul_a), .o_mul_b(mul_b), .i_prod(prod), .i_wshift(i_wshift), .i_wbank(i_wbank),
		      .i_w0(i_w0), .i_w1(i_w1), .o_w0(o_w0), .o_w1(o_w1));
endmodule

`default_nettype wire
