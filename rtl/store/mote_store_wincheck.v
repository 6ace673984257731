// mote_store_wincheck.v: the serial store path's write-window check, one
// window per cycle: is the memory word at i_addr inside a writable window?
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// The answer is the spec's (i_addr >= base and i_addr + MEM_BYTES <= base +
// size, in 33 bits, for a window with W permission), computed on address bits
// [31:LGA] only: window bases and sizes are multiples of WINDOW_ALIGN (the CSR
// block drops their low bits) and a word address is a multiple of MEM_BYTES
// <= WINDOW_ALIGN, so with a = addr >> LGA, b = base >> LGA, z = size >> LGA
// the word is inside exactly when a - b (no borrow) < z.  One subtractor and
// one comparator, a window per cycle, instead of NUM_WINDOWS of each beside
// an adder per window.
// Timing: i_start with the address (held until o_done); o_done rises
// NUM_WINDOWS cycles later with o_ok, and both hold until the next i_start.
module mote_store_wincheck #(
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// window index bits (derived)
	parameter WW = (NUM_WINDOWS > 1) ? $clog2(NUM_WINDOWS) : 1
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
	localparam LGA = $clog2(`MOTE_WINDOW_ALIGN);
	localparam AB  = 32 - LGA;
	localparam [31:0] WLAST32 = NUM_WINDOWS - 1;
	localparam [WW-1:0] WLAST = WLAST32[WW-1:0];

	reg  [WW-1:0] w_q;
	reg           busy_q;
	wire [AB-1:0] b = i_win_base[32*w_q + LGA +: AB];
	wire [AB-1:0] z = i_win_size[32*w_q + LGA +: AB];
	wire [AB:0]   d = {1'b0, i_addr[31:LGA]} - {1'b0, b};
	wire          hit = i_win_perm[3*w_q + `MOTE_WIN_PERM_W] && !d[AB] && d[AB-1:0] < z;

	always @(posedge clk) begin
		if (rst) begin
			busy_q <= 1'b0;
			o_done <= 1'b0;
		end else if (i_start) begin
			busy_q <= 1'b1;
			o_done <= 1'b0;
		end else if (busy_q && w_q == WLAST) begin
			busy_q <= 1'b0;
			o_done <= 1'b1;
		end
		if (i_start) begin
			w_q  <= {WW{1'b0}};
			o_ok <= 1'b0;
		end else if (busy_q) begin
			w_q  <= w_q + 1'b1;
			o_ok <= o_ok || hit;
		end
	end
	wire unused_ok = &{1'b0, i_addr[LGA-1:0]};
endmodule

`default_nettype wire
