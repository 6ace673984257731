// mote_store_wincheck.v: the serial store path's write-window check for one
// word at a time: is the memory word at i_addr inside a writable window?
// (mote_window_scan: one window per cycle, starting with the window that held
// the previous word.)
// Timing: i_start with the address (held until o_done); o_done rises one
// cycle after the window holding the word is found (the cycle after i_start
// when it is the previous word's), at most NUM_WINDOWS cycles after i_start
// with o_ok low when none does; both hold until the next i_start.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_store_wincheck #(
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// address bits of the device's memory (32: the whole address space)
	parameter ADDR_W = 32
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_start,
	input  wire [31:0]               i_addr,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	output reg                       o_done,
	output reg                       o_ok
);
	reg  busy_q;
	wire hit, fail;
	mote_window_scan #(.NUM_WINDOWS(NUM_WINDOWS), .NEED_BIT(`MOTE_WIN_PERM_W), .ADDR_W(ADDR_W)) u_win (
		.clk(clk), .rst(rst), .i_clear(1'b0), .i_want(busy_q), .i_addr(i_addr), .i_restart(i_start),
		.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm),
		.o_hit(hit), .o_fail(fail));

	always @(posedge clk) begin
		if (rst) begin
			busy_q <= 1'b0;
			o_done <= 1'b0;
		end else if (i_start) begin
			busy_q <= 1'b1;
			o_done <= 1'b0;
		end else if (busy_q && (hit || fail)) begin
			busy_q <= 1'b0;
			o_done <= 1'b1;
		end
		if (i_start)
			o_ok <= 1'b0;
		else if (busy_q && hit)
			o_ok <= 1'b1;
	end
endmodule

`default_nettype wire
