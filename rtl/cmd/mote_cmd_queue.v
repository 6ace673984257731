// mote_cmd_queue.v: one command queue, narrow: a FIFO of 32-bit words (block
// RAM on an FPGA) that the fetcher fills with each command's first NW words
// and then its index, and an entry register that gathers them back into one
// command for the unit.  A queue of whole 512-bit commands held in flip-flops
// cost about 2.7k flip-flops per queue; this one costs NW*32+32 plus the
// FIFO's head, and holds (2^LG_WORDS + 1) / (NW+1) commands.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// Timing: a word pushed into an empty queue reaches the entry register three
// cycles later (RAM, FIFO head, then the entry); words then move one per cycle.
// The entry's last word (the index) completes it: o_valid rises the cycle
// after, and the cycle a complete entry is taken the next entry's first word
// may already move in, so entries stream at one per NW+1 cycles.
module mote_cmd_queue #(
	// command words per entry (1..CMD_WORDS): the unit's opcode fields reach no further
	parameter NW = 4,
	// log2 of the FIFO's words
	parameter LG_WORDS = 6,
	// bits of a command index (the bits above read as zero)
	parameter IDX_W = 32
) (
	input  wire          clk,
	input  wire          rst,
	// empty the queue (abort, job start)
	input  wire          i_clear,
	// words in entry order: command words 0..NW-1, then the command's index
	input  wire          i_wr_valid,
	output wire          o_wr_ready,
	input  wire [31:0]   i_wr_data,
	// whole entries: o_cmd holds words 0..NW-1 (the words above read as zero)
	output wire          o_valid,
	input  wire          i_ready,
	output wire [511:0]  o_cmd,
	output wire [31:0]   o_idx,
	// no word stored and no entry (whole or partial) held
	output wire          o_empty
);
	localparam CW = $clog2(NW + 2);
	localparam [CW-1:0] FULL = NW + 1;

	wire        w_valid;
	wire [31:0] w_data;
	wire [LG_WORDS+1:0] w_count;
	reg  [CW-1:0] cnt_q;     // words of the current entry gathered (FULL: complete)
	wire          take = o_valid && i_ready;
	wire          pop  = w_valid && (cnt_q != FULL || take);
	// where the popped word goes: a fresh entry when the complete one leaves now
	wire [CW-1:0] slot = take ? {CW{1'b0}} : cnt_q;

	mote_fifo_ram #(.WIDTH(32), .LG_DEPTH(LG_WORDS)) u_words (
		.clk(clk), .rst(rst), .i_clear(i_clear),
		.i_wr_valid(i_wr_valid), .o_wr_ready(o_wr_ready), .i_wr_data(i_wr_data),
		.o_rd_valid(w_valid), .i_rd_ready(pop), .o_rd_data(w_data), .o_count(w_count));

	always @(posedge clk) begin
		if (rst || i_clear)
			cnt_q <= 0;
		else if (pop)
			cnt_q <= slot + 1'b1;
		else if (take)
			cnt_q <= 0;
	end

	// one named register per word (a simulator then moves only the word that changes)
	genvar k;
	generate
		for (k = 0; k < NW; k = k + 1) begin : g_w
			reg [31:0] q;
			always @(posedge clk)
				if (pop && slot == k)
					q <= w_data;
		end
		for (k = 0; k < `MOTE_CMD_WORDS; k = k + 1) begin : g_out
			if (k < NW) begin : g_word
				assign o_cmd[32*k +: 32] = g_w[k].q;
			end else begin : g_zero
				assign o_cmd[32*k +: 32] = 32'd0;
			end
		end
	endgenerate
	reg [IDX_W-1:0] idx_q;
	always @(posedge clk)
		if (pop && slot == NW)
			idx_q <= w_data[IDX_W-1:0];
	generate
		if (IDX_W < 32) begin : g_idx_narrow
			assign o_idx = {{(32-IDX_W){1'b0}}, idx_q};
			wire unused_idx = ^w_data[31:IDX_W];   // the fetcher writes them 0
		end else begin : g_idx_full
			assign o_idx = idx_q;
		end
	endgenerate
	assign o_valid = (cnt_q == FULL);
	assign o_empty = !w_valid && cnt_q == 0;
	wire unused_count = ^w_count;

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	always @(*) begin
		assert(cnt_q <= FULL);
		if (pop)
			assert(slot < FULL);
	end
	always @(posedge clk)
		if (f_past_valid && !rst) begin
			cover(take);
			cover(take && pop);   // an entry leaves while the next one's first word moves in
		end
	// a complete entry stays put until taken
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && !$past(i_clear) && $past(o_valid) && !$past(i_ready)) begin
			assert(o_valid);
			assert(o_cmd == $past(o_cmd) && o_idx == $past(o_idx));
		end
`endif
endmodule

`default_nettype wire
