// mul2_tb_top.v: mote_mul2 as an iCE40 SB_MAC16 (Yosys' cell model) beside
// its behavioural twin, same inputs, for mul2_tb.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mul2_tb_top (
	input  wire        clk,
	input  wire        rst,
	input  wire [7:0]  i_a0,
	input  wire [7:0]  i_b0,
	input  wire [7:0]  i_a1,
	input  wire [7:0]  i_b1,
	input  wire        i_bload,
	output wire [15:0] o_mac_p0,
	output wire [15:0] o_mac_p1,
	output wire [15:0] o_beh_p0,
	output wire [15:0] o_beh_p1,
	// the same pair with SUM (the first two rows' partial sum)
	output wire [15:0] o_mac_s0,
	output wire [15:0] o_mac_s1,
	output wire [15:0] o_beh_s0,
	output wire [15:0] o_beh_s1,
	// HOLD and SUM (mote_array_bcast: B held, the pair summed in the cell)
	output wire [15:0] o_mac_h0,
	output wire [15:0] o_mac_h1,
	output wire [15:0] o_beh_h0,
	output wire [15:0] o_beh_h1
);
	wire unused_rst = rst;
	mote_mul2 #(.ICE40(1)) u_mac (.clk(clk), .i_bload(1'b0), .i_a0(i_a0), .i_b0(i_b0), .i_a1(i_a1), .i_b1(i_b1),
				      .o_p0(o_mac_p0), .o_p1(o_mac_p1));
	mote_mul2 #(.ICE40(0)) u_beh (.clk(clk), .i_bload(1'b0), .i_a0(i_a0), .i_b0(i_b0), .i_a1(i_a1), .i_b1(i_b1),
				      .o_p0(o_beh_p0), .o_p1(o_beh_p1));
	mote_mul2 #(.ICE40(1), .SUM(1)) u_mac_s (.clk(clk), .i_bload(1'b0), .i_a0(i_a0), .i_b0(i_b0), .i_a1(i_a1), .i_b1(i_b1),
						 .o_p0(o_mac_s0), .o_p1(o_mac_s1));
	mote_mul2 #(.ICE40(0), .SUM(1)) u_beh_s (.clk(clk), .i_bload(1'b0), .i_a0(i_a0), .i_b0(i_b0), .i_a1(i_a1), .i_b1(i_b1),
						 .o_p0(o_beh_s0), .o_p1(o_beh_s1));
	mote_mul2 #(.ICE40(1), .SUM(1), .HOLD(1)) u_mac_h (.clk(clk), .i_bload(i_bload), .i_a0(i_a0), .i_b0(i_b0),
							   .i_a1(i_a1), .i_b1(i_b1), .o_p0(o_mac_h0), .o_p1(o_mac_h1));
	mote_mul2 #(.ICE40(0), .SUM(1), .HOLD(1)) u_beh_h (.clk(clk), .i_bload(i_bload), .i_a0(i_a0), .i_b0(i_b0),
							   .i_a1(i_a1), .i_b1(i_b1), .o_p0(o_beh_h0), .o_p1(o_beh_h1));
endmodule

`default_nettype wire
