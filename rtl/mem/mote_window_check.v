// mote_window_check.v: is the memory word at i_addr inside a window that grants NEED?
// Combinational.  A word [i_addr, i_addr + MEM_BYTES) is allowed when one window
// with every NEED permission bit holds it entirely, and it lies below 2^ADDR_W
// (the device's memory: a word above it is outside every window).  The answer is
// asked for with i_en: without it o_ok is 0 and a simulator skips the compares
// (a master asks only in the cycles it would take the answer).
//
// Cost: the word is aligned to MEM_BYTES, windows to WINDOW_ALIGN (the CSR block
// masks them) and MEM_BYTES <= WINDOW_ALIGN, so the word lies in one
// WINDOW_ALIGN block and a window holds it exactly when the block's index is in
// [base, base + size) counted in blocks: two compares of ADDR_W - 6 bits per
// window and an adder of one bit more, instead of 33-bit ones.  A window whose
// base is above the device's memory holds nothing; a size reaching beyond it is
// taken as reaching its end (the same answer for every word below 2^ADDR_W).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_window_check #(
	// number of windows
	parameter NUM_WINDOWS = 4,
	// bytes per memory word (<= WINDOW_ALIGN)
	parameter MEM_BYTES = 16,
	// permission bits required: bit0 read, bit1 write, bit2 execute (fetch)
	parameter [2:0] NEED = 3'b001,
	// address bits of the device's memory (32: the whole address space)
	parameter ADDR_W = 32
) (
	// the answer is wanted (else o_ok is 0)
	input  wire                      i_en,
	input  wire [31:0]               i_addr,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	output reg                       o_ok
);
	localparam LB = $clog2(`MOTE_WINDOW_ALIGN);
	localparam BW = ADDR_W - LB;                  // bits of a block index
	localparam [BW:0] ALL = {1'b1, {BW{1'b0}}};   // the memory's blocks

	// the block argument needs words no larger than a block (else elaboration
	// stops here, naming it)
	generate
		if (MEM_BYTES > `MOTE_WINDOW_ALIGN) begin : g_bad_mem_bytes
			mote_window_check_word_larger_than_window_align u_stop ();
		end
	endgenerate

	// the parts of an address or size at and above 2^ADDR_W (0 when ADDR_W is 32)
	function above;
		input [31:0] v;
		begin
			above = (({32'd0, v} >> ADDR_W) != 64'd0);
		end
	endfunction

	wire [BW-1:0] a_blk = i_addr[ADDR_W-1:LB];
	wire          a_out = above(i_addr);
	integer w;
	reg [BW-1:0] b_blk;
	reg [BW:0]   s_blk, e_blk;

	always @(*) begin
		o_ok  = 1'b0;
		b_blk = {BW{1'b0}};
		s_blk = {(BW+1){1'b0}};
		e_blk = {(BW+1){1'b0}};
		if (i_en)
			for (w = 0; w < NUM_WINDOWS; w = w + 1) begin
				b_blk = i_win_base[w*32 + LB +: BW];
				s_blk = above(i_win_size[w*32 +: 32]) ? ALL : {1'b0, i_win_size[w*32 + LB +: BW]};
				e_blk = {1'b0, b_blk} + s_blk;
				if ((i_win_perm[w*3 +: 3] & NEED) == NEED && !above(i_win_base[w*32 +: 32]) && !a_out &&
				    a_blk >= b_blk && {1'b0, a_blk} < e_blk)
					o_ok = 1'b1;
			end
		else
			w = 0; // (the loop variable assigned on every path, else Yosys makes it a latch;
			       // not before the loop: that cost the 8x8 simulator 22% of its speed)
	end
	wire unused_low = ^{i_addr[LB-1:0], i_win_base, i_win_size};

`ifdef FORMAL
	// What the CSR block and the masters guarantee: aligned windows and words.
	integer f_a;
	always @(*) begin
		assume(i_addr % MEM_BYTES == 0);
		for (f_a = 0; f_a < NUM_WINDOWS; f_a = f_a + 1) begin
			assume(i_win_base[f_a*32 +: LB] == 0);
			assume(i_win_size[f_a*32 +: LB] == 0);
		end
	end
	// Exactly: accepted when one permitted window holds the word (33-bit sums,
	// nothing narrowed) and the word lies in the device's memory.
	integer f_w;
	reg f_inside;
	always @(*) begin
		f_inside = 1'b0;
		for (f_w = 0; f_w < NUM_WINDOWS; f_w = f_w + 1)
			if ((i_win_perm[f_w*3 +: 3] & NEED) == NEED &&
			    {32'd0, i_addr} >= {32'd0, i_win_base[f_w*32 +: 32]} &&
			    {32'd0, i_addr} + MEM_BYTES <= {32'd0, i_win_base[f_w*32 +: 32]} + {32'd0, i_win_size[f_w*32 +: 32]})
				f_inside = 1'b1;
		assert(o_ok == (i_en && f_inside && {32'd0, i_addr} + MEM_BYTES <= (64'd1 << ADDR_W)));
	end
`endif
endmodule

`default_nettype wire
