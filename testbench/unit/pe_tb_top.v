// pe_tb_top.v: bench wrapper giving mote_pe the rst port testb.h expects.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module pe_tb_top (
	input  wire        clk,
	input  wire        rst,
	input  wire [7:0]  i_act,
	input  wire        i_bank,
	output wire [7:0]  o_act,
	output wire        o_bank,
	input  wire [31:0] i_psum,
	output wire [31:0] o_psum,
	input  wire        i_wshift,
	input  wire        i_wbank,
	input  wire [7:0]  i_w0,
	input  wire [7:0]  i_w1,
	output wire [7:0]  o_w0,
	output wire [7:0]  o_w1
);
	wire unused_rst = rst; // the PE is datapath only
	mote_pe u_pe (.clk(clk), .i_act(i_act), .i_bank(i_bank), .o_act(o_act), .o_bank(o_bank),
		      .i_psum(i_psum), .o_psum(o_psum), .i_wshift(i_wshift), .i_wbank(i_wbank),
		      .i_w0(i_w0), .i_w1(i_w1), .o_w0(o_w0), .o_w1(o_w1));
endmodule

`default_nettype wire
