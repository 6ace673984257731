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
// With ADDR_W < 32 (a device with less memory than the address space) the
// CSR block keeps bases and sizes clamped to 2^ADDR_W, so b and z fit
// ADDR_W + 1 - LGA bits, and a word at or above 2^ADDR_W is in no window:
// the subtractor and the comparator shrink to the memory's block count.
// Timing: i_start with the address (held until o_done); o_done rises
// NUM_WINDOWS cycles later with o_ok, and both hold until the next i_start.
module mote_store_wincheck #(
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// address bits of the device's memory (32: the whole address space)
	parameter ADDR_W = 32,
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
	localparam AB  = ADDR_W - LGA;   // bits of a block index below 2^ADDR_W
	localparam [31:0] WLAST32 = NUM_WINDOWS - 1;
	localparam [WW-1:0] WLAST = WLAST32[WW-1:0];

	reg  [WW-1:0] w_q;
	reg           busy_q;
	// a base or size in blocks: AB + 1 bits (2^ADDR_W itself when clamped)
	wire [32:0]   base33 = {1'b0, i_win_base[32*w_q +: 32]};
	wire [32:0]   size33 = {1'b0, i_win_size[32*w_q +: 32]};
	wire          unused_w33 = ^{base33, size33};   // bits beside the block index
	wire          a_out = ({32'd0, i_addr} >> ADDR_W) != 64'd0;
	wire [AB:0]   b = base33[LGA +: AB+1];
	wire [AB:0]   z = size33[LGA +: AB+1];
	wire [AB+1:0] d = {2'b0, i_addr[ADDR_W-1:LGA]} - {1'b0, b};
	wire          hit = i_win_perm[3*w_q + `MOTE_WIN_PERM_W] && !a_out && !d[AB+1] && d[AB:0] < z;

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
