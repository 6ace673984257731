// mote_window_scan.v: is the memory word a master wants inside a window that
// grants it permission NEED?  One window per cycle: a subtractor and a
// comparator instead of NUM_WINDOWS of each beside an adder per window.
// The window tried (w_q) is kept from word to word and moves to the next one
// on a miss, so consecutive words of one window pass at one per cycle and a
// word no window holds fails after NUM_WINDOWS cycles of trying.
//
// The check: bases and sizes are multiples of WINDOW_ALIGN (the CSR block
// drops their low bits) and a word's address a multiple of MEM_BYTES <=
// WINDOW_ALIGN, so with a = addr >> LGA, b = base >> LGA, z = size >> LGA the
// word is inside exactly when a - b, without borrow, is below z: the spec's
// addr >= base && addr + MEM_BYTES <= base + size, in 33 bits.  With ADDR_W < 32
// the CSR block keeps bases and sizes clamped to 2^ADDR_W (mote_csr), so b and z
// fit ADDR_W + 1 - LGA bits, and a word at or above 2^ADDR_W is in no window.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_window_scan #(
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// the permission bit needed (the spec's WIN_PERM R, W or X position)
	parameter NEED_BIT = `MOTE_WIN_PERM_R,
	// address bits of the device's memory (32: the whole address space)
	parameter ADDR_W = 32,
	// window index bits (derived)
	parameter WW = (NUM_WINDOWS > 1) ? $clog2(NUM_WINDOWS) : 1
) (
	input  wire                      clk,
	input  wire                      rst,
	// back to window 0 (abort)
	input  wire                      i_clear,
	// a word waits at i_addr (held until taken) ...
	input  wire                      i_want,
	input  wire [31:0]               i_addr,
	// ... and was taken, or a new one comes: the windows tried count from 0
	input  wire                      i_restart,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// window w_q holds the word (combinational)
	output wire                      o_hit,
	// i_want, this window misses and every window has been tried for the word
	output wire                      o_fail
);
	localparam LGA = $clog2(`MOTE_WINDOW_ALIGN);
	localparam AB  = ADDR_W - LGA;   // bits of a block index below 2^ADDR_W
	localparam [31:0] WLAST32 = NUM_WINDOWS - 1;
	localparam [WW-1:0] WLAST = WLAST32[WW-1:0];

	reg  [WW-1:0] w_q;       // window tried now
	reg  [WW-1:0] tries_q;   // windows tried for this word

	// a base or size in blocks: AB + 1 bits (2^ADDR_W itself when clamped)
	wire [32:0]   base33 = {1'b0, i_win_base[32*w_q +: 32]};
	wire [32:0]   size33 = {1'b0, i_win_size[32*w_q +: 32]};
	wire          a_out  = ({32'd0, i_addr} >> ADDR_W) != 64'd0;
	wire [AB:0]   b = base33[LGA +: AB+1];
	wire [AB:0]   z = size33[LGA +: AB+1];
	wire [AB+1:0] d = {2'b0, i_addr[ADDR_W-1:LGA]} - {1'b0, b};
	// each window's permission bit picked by a constant index (3*w_q would be
	// a multiply, which synth_ecp5 puts on a DSP block)
	wire [NUM_WINDOWS-1:0] need_ok;
	genvar gw;
	generate
		for (gw = 0; gw < NUM_WINDOWS; gw = gw + 1) begin : g_need
			assign need_ok[gw] = i_win_perm[3*gw + NEED_BIT];
		end
	endgenerate
	assign o_hit = need_ok[w_q] && !a_out && !d[AB+1] && d[AB:0] < z;

	wire miss = i_want && !o_hit;
	assign o_fail = miss && tries_q == WLAST;

	always @(posedge clk) begin
		if (rst || i_clear)
			w_q <= {WW{1'b0}};
		else if (miss)
			w_q <= (w_q == WLAST) ? {WW{1'b0}} : w_q + 1'b1;
		if (rst || i_clear || i_restart)
			tries_q <= {WW{1'b0}};
		else if (miss)
			tries_q <= tries_q + 1'b1;
	end
	wire unused_bits = ^{base33, size33, i_addr[LGA-1:0], i_win_perm};   // beside the block index and NEED_BIT

`ifdef FORMAL
	// What the CSR block and the masters guarantee: windows aligned (and
	// clamped to 2^ADDR_W when ADDR_W < 32) and fixed while words are checked,
	// 8-byte words, a word's address held until it is taken (i_restart).
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	integer f_a;
	always @(*) begin
		if (!f_past_valid)
			assume(rst);
		assume(i_addr % 8 == 0);
		for (f_a = 0; f_a < NUM_WINDOWS; f_a = f_a + 1) begin
			assume(i_win_base[f_a*32 +: LGA] == 0);
			assume(i_win_size[f_a*32 +: LGA] == 0);
			if (ADDR_W < 32) begin
				assume({32'd0, i_win_base[f_a*32 +: 32]} <= (64'd1 << ADDR_W));
				assume({32'd0, i_win_size[f_a*32 +: 32]} <= (64'd1 << ADDR_W));
			end
		end
	end
	// (on the values of this step: a clocked assume would constrain the last one)
	reg [NUM_WINDOWS*32-1:0] f_base, f_size;
	reg [NUM_WINDOWS*3-1:0]  f_perm;
	reg [31:0]               f_addr;
	reg                      f_keep;   // the word must still be the same
	always @(posedge clk) begin
		f_base <= i_win_base;
		f_size <= i_win_size;
		f_perm <= i_win_perm;
		f_addr <= i_addr;
		f_keep <= !rst && !i_clear && !i_restart;
	end
	always @(*)
		if (f_past_valid) begin
			assume(i_win_base == f_base && i_win_size == f_size && i_win_perm == f_perm);
			if (f_keep)
				assume(i_addr == f_addr);
		end
	// the spec's answer for window w: 33-bit sums, nothing narrowed, and the
	// word inside the device's memory
	function f_inside;
		input integer w;
		begin
			f_inside = i_win_perm[w*3 + NEED_BIT] &&
				   {32'd0, i_addr} >= {32'd0, i_win_base[w*32 +: 32]} &&
				   {32'd0, i_addr} + 64'd8 <= {32'd0, i_win_base[w*32 +: 32]} + {32'd0, i_win_size[w*32 +: 32]} &&
				   {32'd0, i_addr} + 64'd8 <= (64'd1 << ADDR_W);
		end
	endfunction
	// the windows seen to miss the word since it came
	reg [NUM_WINDOWS-1:0] f_missed;
	always @(posedge clk)
		if (rst || i_clear || i_restart)
			f_missed <= {NUM_WINDOWS{1'b0}};
		else if (i_want && !o_hit)
			f_missed[w_q] <= 1'b1;
	integer f_w, f_k;
	reg f_any;
	always @(*)
		if (f_past_valid && !rst) begin
			assert(w_q <= WLAST && tries_q <= WLAST);
			// the window tried is answered exactly
			assert(o_hit == f_inside(w_q));
			f_any = 1'b0;
			for (f_w = 0; f_w < NUM_WINDOWS; f_w = f_w + 1) begin
				if (f_missed[f_w])
					assert(!f_inside(f_w));
				f_any = f_any | f_inside(f_w);
			end
			// the tries_q windows before w_q have missed
			for (f_k = 0; f_k < NUM_WINDOWS; f_k = f_k + 1)
				if (f_k < tries_q)
					assert(f_missed[(w_q + NUM_WINDOWS - 1 - f_k) % NUM_WINDOWS]);
			// a word fails only when no window holds it
			if (o_fail)
				assert(!f_any);
		end
	always @(posedge clk)
		if (f_past_valid && !rst) begin
			cover(o_fail);
			cover(o_hit && tries_q == WLAST);   // found in the last window tried
			cover(o_hit && i_addr >= 32'h0001_0000);
		end
`endif
endmodule

`default_nettype wire
