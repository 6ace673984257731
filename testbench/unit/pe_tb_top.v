// pe_tb_top.v: bench wrapper giving mote_pe the rst port testb.h expects.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module pe_tb_top (
	input  wire        clk,
	input  wire        rst,
	input  wire [7:0]  i_act,
	input  wire        i_bank,
	input  wire        i_dw,
	output wire [7:0]  o_act,
	output wire        o_bank,
	output wire        o_dw,
	input  wire [31:0] i_psum,
	output wire [31:0] o_psum,
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
	mote_pe #(.DEPTHWISE(1), .DW_W(19)) u_pe (.clk(clk), .i_act(i_act), .i_bank(i_bank), .i_dw(i_dw),
		      .o_act(o_act), .o_bank(o_bank), .o_dw(o_dw),
		      .i_psum(i_psum), .o_psum(o_psum), .i_hpsum(i_hpsum), .o_hpsum(o_hpsum), .i_wshift(i_wshift), .i_wbank(i_wbank),
		      .i_w0(i_w0), .i_w1(i_w1), .o_w0(o_w0), .o_w1(o_w1));
endmodule

`default_nettype wire
