// mote_store_writer.v: the store unit's memory side.  Takes aligned output
// rows from a FIFO, splits each into MEM_BYTES words with byte strobes, checks
// every word against the write windows before raising its request, and
// reports token push / retire when a command's last word is accepted.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_store_writer #(
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 16,
	// words of the aligned row buffer
	parameter NW = 3,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// log2 of the row FIFO depth
	parameter LG_FIFO = 3,
	// bits of the byte offset and word count (derived)
	parameter LGMB = $clog2(MEM_BYTES),
	parameter NWB = $clog2(NW + 1),
	// bits of a byte count (up to NW*MEM_BYTES)
	parameter NBB = $clog2(NW * MEM_BYTES + 1),
	// FIFO entry: {data, word address, offset, bytes, words, last, push, idx}
	parameter EW = NW * MEM_BYTES * 8 + (32 - LGMB) + LGMB + NBB + NWB + 2 + 32
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	// rows in (the FIFO lives here)
	input  wire                      i_row_valid,
	input  wire [EW-1:0]             i_row,
	output wire [LG_FIFO:0]          o_fifo_count,
	output wire                      o_fifo_pop,
	// memory master port (write only)
	output reg                       o_req_valid,
	input  wire                      i_req_ready,
	output reg  [31:0]               o_req_addr,
	output reg  [MEM_BYTES*8-1:0]    o_req_wdata,
	output reg  [MEM_BYTES-1:0]      o_req_wstrb,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// a command's writes are all accepted
	output reg                       o_push,
	output reg                       o_retire,
	// WRITE_WINDOW error (pulse), then halted until i_abort
	output reg                       o_err_valid,
	output reg  [31:0]               o_err_idx,
	output reg  [31:0]               o_err_addr,
	output wire                      o_busy,
	output wire [31:0]               o_head_idx,
	// the command index of o_push (the FIFO's head may be a later row by then)
	output reg  [31:0]               o_push_idx
);
	localparam WB = NW * MEM_BYTES;

	wire          clear = rst || i_abort;
	wire          f_valid;
	wire [EW-1:0] f_data;
	wire          f_pop;
	wire          f_ready; // never low when written: the store unit counts credits
	mote_fifo #(.WIDTH(EW), .LG_DEPTH(LG_FIFO)) u_fifo (
		.clk        (clk),
		.rst        (rst),
		.i_clear    (i_abort),
		.i_wr_valid (i_row_valid),
		.o_wr_ready (f_ready),
		.i_wr_data  (i_row),
		.o_rd_valid (f_valid),
		.i_rd_ready (f_pop),
		.o_rd_data  (f_data),
		.o_count    (o_fifo_count)
	);

	// head fields
	wire [WB*8-1:0]     h_data  = f_data[EW-1 -: WB*8];
	wire [31-LGMB:0]    h_waddr = f_data[EW-WB*8-1 -: 32-LGMB];
	wire [LGMB-1:0]     h_off   = f_data[32+2+NWB+NBB +: LGMB];
	wire [NBB-1:0]      h_nb    = f_data[32+2+NWB +: NBB];
	wire [NWB-1:0]      h_nw    = f_data[32+2 +: NWB];
	wire                h_last  = f_data[33];
	wire                h_pushf = f_data[32];
	wire [31:0]         h_idx   = f_data[31:0];
	assign o_head_idx = h_idx;

	reg  [NWB-1:0] k_q;           // word of the head row going out next
	reg            halted_q;
	reg            rq_last_q, rq_push_q;
	reg  [31:0]    rq_idx_q;      // the command of the word in flight
	// The head row's word address and whether the row is a marker (no words),
	// formed only while the FIFO holds a row (a simulator skips them otherwise)
	reg  [31:0]    cur_addr;
	reg            marker;
	always @(*) begin
		cur_addr = 32'd0;
		marker   = 1'b0;
		if (f_valid) begin
			cur_addr = {h_waddr + {{(32-LGMB-NWB){1'b0}}, k_q}, {LGMB{1'b0}}};
			marker   = h_nw == 0;
		end
	end
	wire           win_ok;
	// asked only while a row's word waits at the head (it is taken only then)
	mote_window_check #(.NUM_WINDOWS(NUM_WINDOWS), .MEM_BYTES(MEM_BYTES), .NEED(3'b010)) u_win (
		.i_en       (!halted_q && f_valid && !marker),
		.i_addr     (cur_addr),
		.i_win_base (i_win_base),
		.i_win_size (i_win_size),
		.i_win_perm (i_win_perm),
		.o_ok       (win_ok)
	);

	// the head row's next step: a marker (token-only command) retires once no
	// earlier word is pending; a word goes out (k_last: the row's last) or its
	// window check fails.  Formed only while a row waits and nothing halted.
	reg k_last, mark_go, word_go, fail;
	always @(*) begin
		k_last  = 1'b0;
		mark_go = 1'b0;
		word_go = 1'b0;
		fail    = 1'b0;
		if (f_valid && !halted_q) begin
			k_last  = (k_q + 1'b1 == h_nw);
			mark_go = marker && !o_req_valid;
			word_go = !marker && (!o_req_valid || i_req_ready) && win_ok;
			fail    = !marker && (!o_req_valid || i_req_ready) && !win_ok;
		end
	end
	assign f_pop      = mark_go || (word_go && k_last);
	assign o_fifo_pop = f_pop;

	// strobes of word k: bytes at row positions [off, off+nb), that is bytes
	// j with x0 <= j < x1 where x0 = off - k*MEM_BYTES and x1 = x0 + nb (a
	// function: evaluated only for a word that goes out).  Each j >= x as a
	// decoder and a running OR: Yosys makes a compare with a constant a
	// carry chain.
	function [MEM_BYTES-1:0] strobes;
		input [NWB-1:0]  k;
		input [LGMB-1:0] off;
		input [NBB-1:0]  nb;
		reg   [NBB+3:0]  x0, x1;   // signed
		reg              ge0, ge1;
		integer j;
		begin
			x0  = {{(NBB+4-LGMB){1'b0}}, off} - {{(NBB+4-NWB-LGMB){1'b0}}, k, {LGMB{1'b0}}};
			x1  = x0 + {4'd0, nb};
			ge0 = x0[NBB+3];
			ge1 = x1[NBB+3];
			for (j = 0; j < MEM_BYTES; j = j + 1) begin
				ge0 = ge0 | (x0 == j[NBB+3:0]);
				ge1 = ge1 | (x1 == j[NBB+3:0]);
				strobes[j] = ge0 && !ge1;
			end
		end
	endfunction

	always @(posedge clk) begin
		if (clear) begin
			o_req_valid <= 1'b0;
			k_q         <= 0;
			halted_q    <= 1'b0;
			o_push      <= 1'b0;
			o_retire    <= 1'b0;
			o_err_valid <= 1'b0;
		end else begin
			o_push      <= (o_req_valid && i_req_ready && rq_last_q && rq_push_q) ||
				       (mark_go && h_last && h_pushf);
			o_retire    <= (o_req_valid && i_req_ready && rq_last_q) || (mark_go && h_last);
			o_err_valid <= fail;
			if (fail)
				halted_q <= 1'b1;
			if (word_go)
				o_req_valid <= 1'b1;
			else if (i_req_ready)
				o_req_valid <= 1'b0;
			if (word_go)
				k_q <= k_last ? {NWB{1'b0}} : k_q + 1'b1;
		end
		// bus word k of the row: the entry holds the row's bytes from byte 0,
		// the memory takes them from byte off of word 0 on, so word k byte j is
		// row byte k*MEM_BYTES + j - off: the upper half of {row word k, row
		// word k-1} shifted up by off bytes, formed only for a word that goes
		// out (block-local temporaries, not a function's: Verilator zeroes a
		// wide function's locals at every evaluation, called or not)
		if (word_go) begin : g_word
			reg [MEM_BYTES*16-1:0] two;
			reg [NWB-1:0]          km1;
			km1 = k_q - 1'b1;
			two = {h_data[k_q*MEM_BYTES*8 +: MEM_BYTES*8],
			       (k_q == 0) ? {(MEM_BYTES*8){1'b0}} : h_data[km1*MEM_BYTES*8 +: MEM_BYTES*8]};
			two = two << {h_off, 3'b000};
			o_req_addr  <= cur_addr;
			o_req_wdata <= two[MEM_BYTES*16-1 -: MEM_BYTES*8];
			o_req_wstrb <= strobes(k_q, h_off, h_nb);
			rq_last_q   <= k_last && h_last;
			rq_push_q   <= h_pushf;
			rq_idx_q    <= h_idx;
		end
		// a push comes from the last word taken, or from a marker at the head
		o_push_idx <= (o_req_valid && i_req_ready && rq_last_q) ? rq_idx_q : h_idx;
		if (fail) begin
			o_err_idx  <= h_idx;
			o_err_addr <= cur_addr;
		end
	end
	wire unused_ok = &{1'b0, f_ready};
	assign o_busy = f_valid || o_req_valid || o_push || o_retire;
endmodule

`default_nettype wire
