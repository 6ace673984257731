// mote_store_operand.v: the store unit's read master for STORE ADD.  Walks the
// operand rows of one command (ADD_ADDR0 + o*OUTER_STRIDE + i*INNER_STRIDE,
// NCOLS bytes, any alignment), reads their memory words (each checked against
// the read windows before its request), and hands each row, shifted down to
// byte 0, to a FIFO the post-processing lanes pop.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Prefetch: rows are requested as long as the rows in flight plus the rows in
// the FIFO stay below its depth, and each word has a slot in the in-flight
// FIFO (a read is issued only when its response has a place: responses
// cannot be refused).  A row of one word costs one request, so rows stream at
// one per cycle when the arbiter grants every cycle.  A word equal to the one
// requested just before (consecutive rows sharing a memory word, as narrow
// rows packed in a wide bus do) is not read again: its entry reuses the last
// word received, so such rows cost a fraction of a request each.  The reuse
// never crosses commands (the previous command may have written that word).
// A reused first word of a row that goes on makes no entry of its own: the
// next word's entry, made in the same cycle, carries it (pre), so every row
// costs one entry (and one cycle) per word read, or one when it reads none.  On i_abort everything
// is dropped; responses of reads still in flight are ignored while i_abort
// holds (the CSR holds it until the arbiter has no read outstanding).
module mote_store_operand #(
	// bytes per operand row at most (the array's COLS)
	parameter COLS = 8,
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 16,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// log2 of the operand-row FIFO depth
	parameter LG_ROWS = 3,
	// log2 of the reads in flight (must cover the memory round trip)
	parameter LG_READS = 4,
	// derived
	parameter LGMB = $clog2(MEM_BYTES),
	// words an unaligned row can touch
	parameter NWA = (MEM_BYTES - 1 + COLS + MEM_BYTES - 1) / MEM_BYTES
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	// one command's operand rows (i_start only while o_ready)
	input  wire                      i_start,
	output wire                      o_ready,
	input  wire [31:0]               i_addr0,
	input  wire [31:0]               i_is,
	input  wire [31:0]               i_os,
	input  wire [15:0]               i_ni,
	input  wire [15:0]               i_no,
	input  wire [15:0]               i_nb,
	input  wire [31:0]               i_idx,
	// rows out: head row (byte c = column c), rows held, pop
	output wire [COLS*8-1:0]         o_row,
	output wire [LG_ROWS:0]          o_count,
	input  wire                      i_pop,
	// memory master port (read only)
	output reg                       o_req_valid,
	input  wire                      i_req_ready,
	output reg  [31:0]               o_req_addr,
	input  wire                      i_resp_valid,
	input  wire [MEM_BYTES*8-1:0]    i_resp_data,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// READ_WINDOW (pulse), then halted until i_abort
	output reg                       o_err_valid,
	output reg  [31:0]               o_err_idx,
	output reg  [31:0]               o_err_addr,
	// nothing in flight, no command being walked
	output wire                      o_idle
);
	localparam NWB = $clog2(NWA + 1);
	localparam KW  = (NWA > 1) ? $clog2(NWA) : 1;
	localparam [31:0] ROWS_N = 1 << LG_ROWS;
	localparam [31:0] MBM1   = MEM_BYTES - 1;

	wire clear = rst || i_abort;

	// ---------------------------------------------------------------- walk
	reg            act_q, halted_q;
	reg [15:0]     i_q, o_q, ni_q, no_q;
	reg [15:0]     nb_q;
	reg [31:0]     row_q, outer_q, is_q, os_q, idx_q;
	reg [KW-1:0]   k_q;                // word of the current row going out next
	reg [LG_ROWS:0] infl_q;            // rows with a word requested, not yet in the FIFO

	wire [LGMB-1:0] off  = row_q[LGMB-1:0];
	// the word last requested, for reuse: only a row's first word can be it
	reg  [31:0]     last_addr_q;
	reg             last_ok_q;
	wire [LG_ROWS:0] fifo_count;
	wire             md_ready;
	// The current word, formed only while a command is walked (every use of it
	// is under act_q): a simulator skips this arithmetic in every other cycle.
	reg  [16:0]     span;
	reg  [NWB-1:0]  nw;            // words of the current row
	reg             row_end, reuse0, skip, reuse, k_last, row_credit;
	reg  [KW-1:0]   k_eff;
	reg  [31:0]     cur_addr;
	reg  [32:0]     rows_held;
	always @(*) begin
		span       = 17'd0;
		nw         = {NWB{1'b0}};
		row_end    = 1'b0;
		reuse0     = 1'b0;
		skip       = 1'b0;
		reuse      = 1'b0;
		k_eff      = {KW{1'b0}};
		k_last     = 1'b0;
		cur_addr   = 32'd0;
		rows_held  = 33'd0;
		row_credit = 1'b0;
		if (act_q) begin
			span       = {1'b0, nb_q} + {{(17-LGMB){1'b0}}, off} + MBM1[16:0];
			nw         = span[LGMB +: NWB];
			row_end    = (i_q + 1'b1 == ni_q) && (o_q + 1'b1 == no_q);
			reuse0     = last_ok_q && k_q == 0 && {row_q[31:LGMB], {LGMB{1'b0}}} == last_addr_q;
			skip       = reuse0 && nw != 1;        // word 0 rides on word 1's entry (pre)
			reuse      = reuse0 && !skip;          // a one-word row with nothing to read
			k_eff      = k_q + {{(KW-1){1'b0}}, skip};
			k_last     = ({{(NWB-KW){1'b0}}, k_eff} + 1'b1 == nw);
			cur_addr   = {row_q[31:LGMB] + {{(32-LGMB-KW){1'b0}}, k_eff}, {LGMB{1'b0}}};
			rows_held  = {{(32-LG_ROWS){1'b0}}, infl_q} + {{(32-LG_ROWS){1'b0}}, fifo_count};
			row_credit = (k_q != 0) || rows_held < {1'b0, ROWS_N};
		end
	end
	wire             win_ok;
	// want: the walk wants a word; word_go: the word's entry is made (a
	// request, or a reuse without one); req_go: its request; fail: its window
	// check failed.  All under act_q, like the walk's arithmetic.
	reg              want, word_go, req_go, fail;
	// asked only while the walk wants a word (it is taken only then)
	mote_window_check #(.NUM_WINDOWS(NUM_WINDOWS), .MEM_BYTES(MEM_BYTES), .NEED(3'b001)) u_win (
		.i_en       (want),
		.i_addr     (cur_addr),
		.i_win_base (i_win_base),
		.i_win_size (i_win_size),
		.i_win_perm (i_win_perm),
		.o_ok       (win_ok)
	);
	// (want in a block of its own: the window check's answer depends on it)
	always @(*) begin
		want = 1'b0;
		if (act_q)
			want = !halted_q && row_credit && md_ready;
	end
	always @(*) begin
		word_go = 1'b0;
		req_go  = 1'b0;
		fail    = 1'b0;
		if (want) begin
			word_go = reuse || ((!o_req_valid || i_req_ready) && win_ok);
			req_go  = word_go && !reuse;
			fail    = !reuse && (!o_req_valid || i_req_ready) && !win_ok;
		end
	end
	wire row_push;

	assign o_ready = !act_q && !halted_q;

	always @(posedge clk) begin
		if (clear) begin
			act_q       <= 1'b0;
			halted_q    <= 1'b0;
			last_ok_q   <= 1'b0;
			o_req_valid <= 1'b0;
			o_err_valid <= 1'b0;
			infl_q      <= 0;
		end else begin
			o_err_valid <= fail;
			if (fail)
				halted_q <= 1'b1;
			if (i_start)
				act_q <= 1'b1;
			else if (word_go && k_last && row_end)
				act_q <= 1'b0;
			if (req_go)
				o_req_valid <= 1'b1;
			else if (i_req_ready)
				o_req_valid <= 1'b0;
			if (i_start)
				last_ok_q <= 1'b0;
			else if (req_go)
				last_ok_q <= 1'b1;
			infl_q <= infl_q + {{LG_ROWS{1'b0}}, word_go && k_q == 0} -
				  {{LG_ROWS{1'b0}}, row_push};
		end
		if (i_start) begin
			i_q     <= 16'd0;
			o_q     <= 16'd0;
			ni_q    <= i_ni;
			no_q    <= i_no;
			nb_q    <= i_nb;
			row_q   <= i_addr0;
			outer_q <= i_addr0;
			is_q    <= i_is;
			os_q    <= i_os;
			idx_q   <= i_idx;
			k_q     <= 0;
		end else if (word_go) begin
			k_q <= k_last ? {KW{1'b0}} : k_eff + 1'b1;
			if (k_last) begin
				if (i_q + 1'b1 == ni_q) begin
					i_q     <= 16'd0;
					o_q     <= o_q + 1'b1;
					outer_q <= outer_q + os_q;
					row_q   <= outer_q + os_q;
				end else begin
					i_q   <= i_q + 1'b1;
					row_q <= row_q + is_q;
				end
			end
		end
		if (req_go) begin
			o_req_addr  <= cur_addr;
			last_addr_q <= cur_addr;
		end
		if (fail) begin
			o_err_idx  <= idx_q;
			o_err_addr <= cur_addr;
		end
	end

	// ---------------------------------------------------------------- responses
	// one entry per word of a row: {reuse the last word, word k-1 is the last
	// word (pre), last word of its row, k, row's byte offset}; the words read
	// wait in a FIFO of the same depth (at most one word per entry, so it
	// never overflows)
	localparam MDW = 3 + KW + LGMB;
	wire            md_valid, wq_valid;
	wire [MDW-1:0]  md_head;
	wire [LG_READS:0] md_count;
	wire [MEM_BYTES*8-1:0] wq_head;
	reg             take;      // the head entry is assembled this cycle
	mote_fifo #(.WIDTH(MDW), .LG_DEPTH(LG_READS)) u_md (
		.clk        (clk),
		.rst        (rst),
		.i_clear    (i_abort),
		.i_wr_valid (word_go),
		.o_wr_ready (md_ready),
		.i_wr_data  ({reuse, skip, k_last, k_eff, off}),
		.o_rd_valid (md_valid),
		.i_rd_ready (take),
		.o_rd_data  (md_head),
		.o_count    (md_count)
	);
	wire            r_reuse = md_head[MDW-1];
	wire            r_pre   = md_head[MDW-2];
	wire            r_last  = md_head[MDW-3];
	wire [KW-1:0]   r_k     = md_head[LGMB +: KW];
	wire [KW-1:0]   r_km1   = r_k - 1'b1;        // a pre entry's reused word
	wire [LGMB-1:0] r_off   = md_head[LGMB-1:0];
	wire            unused_wq_ready;
	wire [LG_READS:0] unused_wq_count;
	mote_fifo #(.WIDTH(MEM_BYTES * 8), .LG_DEPTH(LG_READS)) u_words (
		.clk        (clk),
		.rst        (rst),
		.i_clear    (i_abort),
		.i_wr_valid (i_resp_valid),
		.o_wr_ready (unused_wq_ready),
		.i_wr_data  (i_resp_data),
		.o_rd_valid (wq_valid),
		.i_rd_ready (take && !r_reuse),
		.o_rd_data  (wq_head),
		.o_count    (unused_wq_count)
	);
	always @(*) begin
		take = 1'b0;
		if (md_valid)
			take = (r_reuse || wq_valid) && !i_abort;
	end
	assign row_push = take && r_last;

	// the word assembled: read, or the last one again; earlier words of the row
	reg  [MEM_BYTES*8-1:0]     lastw_q;
	wire [MEM_BYTES*8-1:0]     word = r_reuse ? lastw_q : wq_head;
	reg  [NWA*MEM_BYTES*8-1:0] rbuf_q;
	always @(posedge clk) begin
		if (take && !r_reuse)
			lastw_q <= wq_head;
		if (take && !r_last)
			rbuf_q[r_k*MEM_BYTES*8 +: MEM_BYTES*8] <= word;
		if (take && !r_last && r_pre)
			rbuf_q[r_km1*MEM_BYTES*8 +: MEM_BYTES*8] <= lastw_q;
	end

	// the row's bytes from its offset on
	function [COLS*8-1:0] align_row;
		input [NWA*MEM_BYTES*8-1:0] words;
		input [MEM_BYTES*8-1:0]     last;
		input [KW-1:0]              k;
		input [KW-1:0]              km1;
		input                       pre;
		input [MEM_BYTES*8-1:0]     prev;
		input [LGMB-1:0]            offs;
		reg   [NWA*MEM_BYTES*8-1:0] w;
		begin
			w = words;
			if (pre)
				w[km1*MEM_BYTES*8 +: MEM_BYTES*8] = prev;
			w[k*MEM_BYTES*8 +: MEM_BYTES*8] = last;
			w = w >> {offs, 3'b000};
			align_row = w[COLS*8-1:0];
		end
	endfunction

	// formed only in the cycle a row is pushed (the FIFO takes it then and
	// only then): a simulator skips the wide shift in every other cycle
	reg  [COLS*8-1:0] row_data;
	always @(*) begin
		row_data = {(COLS*8){1'b0}};
		if (row_push)
			row_data = align_row(rbuf_q, word, r_k, r_km1, r_pre, lastw_q, r_off);
	end
	wire              unused_ready, unused_valid;
	mote_fifo #(.WIDTH(COLS * 8), .LG_DEPTH(LG_ROWS)) u_rows (
		.clk        (clk),
		.rst        (rst),
		.i_clear    (i_abort),
		.i_wr_valid (row_push),
		.o_wr_ready (unused_ready),   // never full: rows are requested against credits
		.i_wr_data  (row_data),
		.o_rd_valid (unused_valid),
		.i_rd_ready (i_pop),
		.o_rd_data  (o_row),
		.o_count    (fifo_count)
	);
	assign o_count = fifo_count;

	assign o_idle = !act_q && !o_req_valid && md_count == 0 && infl_q == 0 && !o_err_valid;

	wire unused_ok = &{1'b0, unused_ready, unused_valid, unused_wq_ready, unused_wq_count, span};
endmodule

`default_nettype wire
