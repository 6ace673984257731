// mote_fetch.v: command fetch, decode and the three command queues.
// On i_start it reads the packed command stream at CMD_BASE (whole memory
// words, decoding from the word CMD_BASE names) with reads outstanding, only
// as many as its response buffer has room for, until END, an error or a word
// outside the executable windows (the stream's end is its END: reads ahead
// of it are dropped).  Each word is checked
// for execute permission before it is requested (mote_window_scan: one window
// per cycle, the stream's words pass at one per cycle); a failing word stops
// the requests and, once every earlier word has been decoded (so errors stay
// in stream order), is error FETCH_WINDOW if a command still needs a word.
// A command's word 0 is decoded (mote_cmd_decode) as it arrives and picks the
// queue and the command's length (the spec's MOTE_CMD_LEN: 10 words for LOAD,
// 5 for MATMUL, 8 for STORE, 13 with ADD, 1 for SYNC and END); then the words
// that queue's entries carry (the spec's <OP>_WORDS; in a shared queue the
// most any of its units takes) and the command's index go into it one 32-bit
// word per cycle (mote_cmd_queue: a word FIFO in block RAM and an entry
// register): words past the command's length go in as zeros, words past the
// entry's are dropped.  A word 0 that is not an opcode is OPCODE at once; a
// command that decodes to another error or END takes effect only once all
// its words are in (so a command running out of the executable window is
// FETCH_WINDOW whatever its first word says).  END stops fetching (responses
// still in flight are dropped) and raises o_end until the next start or
// abort; CMD_COUNT commands without END is NO_END with ERR_CMD = CMD_COUNT.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_fetch #(
	// memory bus width in bytes (4..64)
	parameter MEM_BYTES = 16,
	// memory windows
	parameter NUM_WINDOWS = `MOTE_NUM_WINDOWS,
	// commands each queue holds at least
	parameter QUEUE_DEPTH = 8,
	// 1: STORE ADD exists (the store queue carries its words)
	parameter STORE_ADD = 1,
	// which units share a queue (FEATURES.QUEUES): 0 three queues, 1 load and
	// store share one, 2 one queue for all.  A shared queue's entry is held by
	// the unit it belongs to until that command retires, so the units sharing
	// it run their commands one at a time in stream order: each queue's entry
	// register costs a flip-flop per command bit (a logic cell each on an iCE40)
	parameter QUEUES = 0,
	// address bits of the device's memory (mote_window_check)
	parameter ADDR_W = 32,
	// bits of a command index (mote_top: the most a stream in 2^ADDR_W bytes
	// reaches before a fetch leaves the memory); the index ports are 32 bits,
	// the bits above IDX_W 0
	parameter IDX_W = 32,
	// 0: its own execute check (mote_window_scan); 1: a shared checker's
	// (mote_window_share, in mote_top) through o_wc / i_wc
	parameter WIN_EXT = 0,
	// 1: CMD_BASE comes early, with i_base_load (the CSR block's CFG_RAM)
	parameter BASE_EARLY = 0,
	// log2 of the response buffer in words: reads outstanding at most (0: one
	// read at a time into a one-word register); by default room for twice the
	// longest command's memory words
	parameter LG_RBUF = ($clog2(4 * `MOTE_CMD_WORDS / MEM_BYTES) + 1 < 2) ? 2 : $clog2(4 * `MOTE_CMD_WORDS / MEM_BYTES) + 1
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	// job start (one-cycle pulse) with the stream's place
	input  wire                      i_start,
	// BASE_EARLY: i_base comes with i_base_load, before i_start (else with
	// i_start); i_base_ok, i_count_ok: 0 reads the value as 0
	input  wire                      i_base_load,
	input  wire                      i_base_ok,
	input  wire                      i_count_ok,
	input  wire [31:0]               i_base,
	input  wire [31:0]               i_count,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT): {clear, want, address} and the
	// word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
	// memory master (reads only)
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	input  wire                      i_resp_valid,
	input  wire [MEM_BYTES*8-1:0]    i_resp_data,
	// queue read sides: load, compute, store
	output wire                      o_ld_valid,
	input  wire                      i_ld_ready,
	output wire [511:0]              o_ld_cmd,
	output wire [31:0]               o_ld_idx,
	output wire                      o_cp_valid,
	input  wire                      i_cp_ready,
	output wire [511:0]              o_cp_cmd,
	output wire [31:0]               o_cp_idx,
	output wire                      o_st_valid,
	input  wire                      i_st_ready,
	output wire [511:0]              o_st_cmd,
	output wire [31:0]               o_st_idx,
	// status
	output wire                      o_end,          // END decoded, fetching stopped
	output wire                      o_idle,         // not fetching
	output wire                      o_busy,         // a read is outstanding (perf)
	output wire                      o_push,         // a queue took a command (progress)
	output wire                      o_queues_empty,
	output wire [31:0]               o_cur_idx,      // index of the next command to decode
	output reg                       o_err_valid,
	output reg  [7:0]                o_err_code,
	output reg  [31:0]               o_err_idx,
	// the failing word with FETCH_WINDOW, else 0: read in o_err_valid's cycle
	// only (the word's address register, which holds then: no issue follows
	// a failed check; masked by a flag, so no 32 flip-flops of a copy)
	output wire [31:0]               o_err_addr
);
	localparam LG_MB   = $clog2(MEM_BYTES);
	// One read at a time (LG_RBUF 0, small FPGAs): each read fetches one 32-bit
	// word (the memory word's lane picked as it arrives), so the response
	// register is 32 flip-flops fed through that multiplexer instead of a
	// memory word's worth fed by nothing (a logic cell each on an iCE40); the
	// price is a read per 32-bit word instead of per memory word.
	localparam W32     = (LG_RBUF == 0 && MEM_BYTES > 4);
	localparam SB      = W32 ? 4 : MEM_BYTES;      // bytes a read brings
	localparam WPCH    = SB / 4;                   // 32-bit words per read
	localparam RBW     = SB * 8;                   // response bits kept
	localparam RBUF    = 1 << LG_RBUF;
	// words each queue's entries carry (the spec's field extents)
	localparam NW_LD   = `MOTE_LOAD_WORDS;
	localparam NW_CP   = `MOTE_MATMUL_WORDS;
	localparam NW_ST   = STORE_ADD ? `MOTE_STORE_WORDS : `MOTE_STORE_ADD_ADDR0_WORD;
	// queue FIFOs: QUEUE_DEPTH entries of NW+1 words each, at least
	// words a unit's commands take in its queue: in a shared queue the most
	// any of its units takes (the extra words are the command's own, unused)
	localparam NW_LS   = (NW_LD > NW_ST) ? NW_LD : NW_ST;
	localparam NW_ALL  = (NW_LS > NW_CP) ? NW_LS : NW_CP;
	localparam NWU_LD  = (QUEUES == 2) ? NW_ALL : (QUEUES == 1) ? NW_LS : NW_LD;
	localparam NWU_CP  = (QUEUES == 2) ? NW_ALL : NW_CP;
	localparam NWU_ST  = (QUEUES == 2) ? NW_ALL : (QUEUES == 1) ? NW_LS : NW_ST;

	localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_END = 2'd2, S_ERR = 2'd3;
	reg [1:0] state_q;

	// ---- request side ------------------------------------------------------
	// Narrow counting: the request address counts in AH bits, its bits above
	// are the base's and never change: a base with any of them set fails its
	// first word (every word at or above 2^ADDR_W is outside every window),
	// and from below 2^AH the count stops at 2^ADDR_W at the latest.  No
	// count of words to request: reads go on, one buffer ahead of the
	// decoder, until END, an error or a word outside the executable windows
	// (in a 32-bit address space also after its last word: no wrap to 0).
	localparam AH = (ADDR_W < 31) ? ADDR_W + 1 : 32;
	localparam [31:0] SB32 = SB;
	localparam [31:0] TOPW = 32'hffffffff & ~(SB32 - 1);   // the address space's last read
	reg [31:0]        iss_addr_q;   // next word to request (after a failed check: that word)
	reg               err_win_q;    // the error reported is FETCH_WINDOW
	reg               stop_q;       // a word failed the window check
	reg [LG_RBUF:0]   outst_q;      // requests whose response has not arrived
	reg [IDX_W-1:0]   count_q;      // CMD_COUNT, saturated at all ones (never reached)
	wire [LG_RBUF:0]  rbuf_count;
	wire              win_ok, win_fail;

	wire [LG_RBUF+1:0] used = {1'b0, outst_q} + {1'b0, rbuf_count};
	wire want  = (state_q == S_RUN) && !stop_q;
	assign o_req_valid = want && win_ok && used < RBUF;
	assign o_req_addr  = {iss_addr_q[31:LG_MB], {LG_MB{1'b0}}};
	wire issue = o_req_valid && i_req_ready;

	// execute permission, one window per cycle (the stream's words share one)
	generate
		if (WIN_EXT == 0) begin : g_xchk
			mote_window_scan #(.NUM_WINDOWS(NUM_WINDOWS), .NEED_BIT(`MOTE_WIN_PERM_X), .ADDR_W(ADDR_W)) u_xchk (
				.clk(clk), .rst(rst), .i_clear(i_abort), .i_want(want), .i_addr(iss_addr_q),
				.i_restart(issue || i_start), .i_win_base(i_win_base), .i_win_size(i_win_size),
				.i_win_perm(i_win_perm), .o_hit(win_ok), .o_fail(win_fail));
			assign {o_wc, o_wc_take} = 35'd0;
			wire unused_wc = ^i_wc;
		end else begin : g_xext
			// the shared checker: wanted only with room for the response (a
			// fetcher holding the checker while its buffer waits for the
			// queues, which wait for the units, which wait for the checker,
			// would never move)
			assign o_wc = {i_abort, want && used < RBUF, iss_addr_q};
			assign o_wc_take = issue || i_start;
			assign {win_fail, win_ok} = i_wc;
			wire unused_win = ^{i_win_base, i_win_size, i_win_perm};
		end
	endgenerate
	wire resp  = i_resp_valid && (state_q == S_RUN);

	// ---- response buffer: memory words, taken apart 32 bits at a time --------
	wire                   rb_valid;
	wire                   rb_ready;   // always: reads are issued only with room
	wire [RBW-1:0]         rb_data;
	wire                   rb_pop;

	generate
		if (LG_RBUF != 0) begin : g_rbuf
			mote_fifo #(.WIDTH(MEM_BYTES*8), .LG_DEPTH(LG_RBUF)) u_rbuf (
				.clk(clk), .rst(rst), .i_clear(state_q != S_RUN),
				.i_wr_valid(resp), .o_wr_ready(rb_ready), .i_wr_data(i_resp_data),
				.o_rd_valid(rb_valid), .i_rd_ready(rb_pop), .o_rd_data(rb_data),
				.o_count(rbuf_count));
		end else begin : g_rword
			// one read in flight and its 32-bit word held (small FPGAs): a
			// response comes only when the word before it has been taken
			reg           v_q;
			reg [RBW-1:0] d_q;
			wire [RBW-1:0] lane;
			if (W32) begin : g_lane
				// the lane of the word read, noted when its read goes
				reg [LG_MB-3:0] sel_q;
				always @(posedge clk)
					if (issue)
						sel_q <= iss_addr_q[LG_MB-1:2];
				assign lane = i_resp_data[32 * sel_q +: 32];
			end else begin : g_whole
				assign lane = i_resp_data;
			end
			always @(posedge clk) begin
				if (rst || state_q != S_RUN)
					v_q <= 1'b0;
				else if (resp)
					v_q <= 1'b1;
				else if (rb_pop)
					v_q <= 1'b0;
				if (resp)
					d_q <= lane;
			end
			assign rb_valid   = v_q;
			assign rb_data    = d_q;
			assign rb_ready   = !v_q;
			assign rbuf_count = v_q;
		end
	endgenerate

	// the command being taken apart: its index, the next word wi_q, its queue
	// (q_q, one-hot), its length in the stream (len_q), the words its queue
	// carries (nw_q: those past len_q go in as zeros, those past nw_q are
	// dropped) and the larger of the two (tot_q: the words to go through)
	reg  [IDX_W-1:0] idx_q;
	reg  [4:0]  wi_q;
	reg  [2:0]  q_q;
	reg  [4:0]  len_q;
	reg  [3:0]  nw_q;
	reg  [4:0]  tot_q;
	reg         idx_done_q;   // the index went in after the last word
	reg         bad_q;        // the command decoded to an error (code in bad_code_q) ...
	reg         end_q;        // ... or to END: either takes effect after its last word
	reg  [7:0]  bad_code_q;
	// the next stream word's place in the memory word at the buffer's head
	localparam LG_WPCH = (WPCH > 1) ? $clog2(WPCH) : 1;
	localparam [31:0] PMAX32 = WPCH - 1;
	localparam [LG_WPCH-1:0] PMAX = PMAX32[LG_WPCH-1:0];
	wire [LG_WPCH-1:0] pos;
	// CMD_BASE taken in (BASE_EARLY: with i_base_load, before i_start)
	wire               base_ld = BASE_EARLY != 0 ? i_base_load : i_start;
	wire               unused_base_load = BASE_EARLY == 0 && i_base_load;
	wire [31:0] word = rb_data[32 * pos +: 32];
	wire        last_in_mw = (pos == PMAX);

	// ---- decode of word 0 ----------------------------------------------------
	wire       d_load, d_comp, d_store, d_end, d_err;
	wire [7:0] d_code;
	mote_cmd_decode u_dec (
		.i_cmd(word), .o_load(d_load), .o_compute(d_comp), .o_store(d_store),
		.o_end(d_end), .o_err(d_err), .o_err_code(d_code));
	// its length in the stream (0: not an opcode, an error at once)
	wire [4:0] d_len = `MOTE_CMD_LEN(word);

	// ---- queues ----------------------------------------------------------------
	wire [2:0]  q_ready;
	wire [2:0]  q_empty;
	// an index zero-extended to 32 bits (33 first: a replication of 0 is not Verilog-2005)
	wire [32:0] idx33    = {{(33-IDX_W){1'b0}}, idx_q};
	wire [31:0] idx32    = idx33[31:0];
	wire        first    = (state_q == S_RUN) && wi_q == 0 && rb_valid && idx_q != count_q;
	wire [2:0]  d_q      = {d_store, d_comp, d_load};
	wire [3:0]  d_nw     = d_load ? NWU_LD[3:0] : d_comp ? NWU_CP[3:0] : NWU_ST[3:0];
	wire [4:0]  d_nw5    = {1'b0, d_nw};
	// word 0 goes where its decode says; the next words where word 0 went
	wire        in_cmd   = (state_q == S_RUN) && wi_q != 0 && wi_q != tot_q;
	wire        push_w0  = first && !d_err && !d_end && |(d_q & q_ready);
	// an error or END: word 0 taken, its other words dropped, nothing pushed
	wire        hold_w0  = first && (d_err || d_end);
	wire        from_str = wi_q < len_q;                 // the word is the stream's
	wire        to_q     = wi_q < {1'b0, nw_q};          // the queue takes it
	wire        push_wk  = in_cmd && to_q && (from_str ? rb_valid : 1'b1) && |(q_q & q_ready);
	wire        skip     = in_cmd && !to_q && rb_valid;  // from_str here (wi_q < tot_q)
	wire        consume  = push_w0 || hold_w0 || ((push_wk && from_str) || skip);
	wire        step     = push_w0 || hold_w0 || push_wk || skip;
	// the index once every word of the command is through (a command running
	// out of the executable window never completes an entry)
	wire        all_in   = (state_q == S_RUN) && wi_q != 0 && wi_q == tot_q;
	wire        push_idx = all_in && !idx_done_q && |(q_q & q_ready);
	assign rb_pop = consume && last_in_mw;
	generate
		if (WPCH > 1) begin : g_pos
			// from the stream's first word on; wraps at the memory word's end
			reg [LG_WPCH-1:0] q;
			always @(posedge clk)
				if (base_ld)
					q <= i_base[2 +: LG_WPCH] & {LG_WPCH{i_base_ok}};
				else if (consume)
					q <= q + 1'b1;
			assign pos = q;
		end else begin : g_pos1
			assign pos = 1'b0;
		end
	endgenerate
	wire        cmd_done = all_in && (idx_done_q || push_idx) && !bad_q && !end_q;
	wire [2:0]  push_q   = push_w0 ? d_q : ((push_wk || push_idx) ? q_q : 3'b000);
	// a shared queue's index word carries the unit above the index
	wire [34:0] tag35    = {32'd0, q_q} << IDX_W;
	wire [31:0] push_d   = push_idx ? (idx32 | (QUEUES != 0 ? tag35[31:0] : 32'd0)) :
			       (push_wk && !from_str) ? 32'd0 : word;
	wire        unused_tag = ^tag35[34:32];
	generate
		if (QUEUES != 0 && IDX_W > 29) begin : g_bad_queues
			// the unit's three bits must fit above the index: MEM_ADDR_W < 32
			mote_fetch_QUEUES_needs_IDX_W_at_most_29 u_stop ();
		end
	endgenerate
	wire        q_clear  = i_abort || i_start;

	localparam [32:0] IMASK33 = (33'd1 << IDX_W) - 33'd1;
	// physical queue p carries the units QMASK[3p +: 3] (bit 0 load, 1
	// compute, 2 store); a queue of more than one unit keeps the unit's bit
	// (its one-hot) in the index word above the index
	localparam [8:0] QMASK = (QUEUES == 2) ? 9'b000_000_111 :
				 (QUEUES == 1) ? 9'b000_010_101 : 9'b100_010_001;
	// queue of each unit
	localparam [5:0] UQ    = (QUEUES == 2) ? 6'b00_00_00 :
				 (QUEUES == 1) ? 6'b00_01_00 : 6'b10_01_00;
	wire [2:0]   pq_valid, pq_ready, pq_wr_ready, pq_empty, pq_push;
	wire [1535:0] pq_cmd;
	wire [95:0]  pq_idx;
	wire [8:0]   pq_tag;     // the unit of the entry (all ones: the queue has one unit)
	wire [2:0]   u_ready = {i_st_ready, i_cp_ready, i_ld_ready};
	genvar p;
	generate
		for (p = 0; p < 3; p = p + 1) begin : g_q
			localparam [2:0] M  = QMASK[3*p +: 3];
			localparam       N0  = M[0] ? NW_LD : 1;
			localparam       N1  = (M[1] && NW_CP > N0) ? NW_CP : N0;
			localparam       NWQ = (M[2] && NW_ST > N1) ? NW_ST : N1;
			localparam       MULTI = (M == 3'b111 || M == 3'b101 || M == 3'b011 || M == 3'b110);
			localparam       TW    = MULTI ? 3 : 0;
			localparam       LGQ   = $clog2(QUEUE_DEPTH * (NWQ + 1));
			if (M != 3'b000) begin : g_on
				wire [31:0] idx;
				mote_cmd_queue #(.NW(NWQ), .LG_WORDS(LGQ), .IDX_W(IDX_W + TW)) u_q (
					.clk(clk), .rst(rst), .i_clear(q_clear),
					.i_wr_valid(pq_push[p]), .o_wr_ready(pq_wr_ready[p]), .i_wr_data(push_d),
					.o_valid(pq_valid[p]), .i_ready(pq_ready[p]), .o_cmd(pq_cmd[512*p +: 512]),
					.o_idx(idx), .o_empty(pq_empty[p]));
				if (MULTI) begin : g_tag
					assign pq_tag[3*p +: 3] = idx[IDX_W +: 3];
					assign pq_idx[32*p +: 32] = idx & IMASK33[31:0];
				end else begin : g_one
					assign pq_tag[3*p +: 3] = 3'b111;
					assign pq_idx[32*p +: 32] = idx;
				end
				assign pq_push[p]  = |(push_q & M);
				assign pq_ready[p] = |(pq_tag[3*p +: 3] & M & u_ready);
			end else begin : g_off
				assign {pq_valid[p], pq_wr_ready[p], pq_push[p], pq_ready[p]} = 4'b0000;
				wire unused_off = ^{pq_push[p], pq_ready[p]};
				assign pq_empty[p] = 1'b1;
				assign pq_cmd[512*p +: 512] = 512'd0;
				assign {pq_idx[32*p +: 32], pq_tag[3*p +: 3]} = 35'd0;
			end
		end
	endgenerate
	// the unit side: a unit sees its queue's entry when the entry is its own
	wire [1:0] uq_ld = UQ[1:0], uq_cp = UQ[3:2], uq_st = UQ[5:4];
	assign o_ld_valid = pq_valid[uq_ld] && pq_tag[3*uq_ld + 0];
	assign o_cp_valid = pq_valid[uq_cp] && pq_tag[3*uq_cp + 1];
	assign o_st_valid = pq_valid[uq_st] && pq_tag[3*uq_st + 2];
	assign o_ld_cmd   = pq_cmd[512*uq_ld +: 512];
	assign o_cp_cmd   = pq_cmd[512*uq_cp +: 512];
	assign o_st_cmd   = pq_cmd[512*uq_st +: 512];
	assign o_ld_idx   = pq_idx[32*uq_ld +: 32];
	assign o_cp_idx   = pq_idx[32*uq_cp +: 32];
	assign o_st_idx   = pq_idx[32*uq_st +: 32];
	assign q_ready    = {pq_wr_ready[uq_st], pq_wr_ready[uq_cp], pq_wr_ready[uq_ld]};
	assign q_empty    = pq_empty;

	assign o_queues_empty = &q_empty;
	wire   unused_bits    = ^{rb_ready, i_base[LG_MB-1:0]};
	// CMD_COUNT in IDX_W bits: a count the index can never reach (the fetch
	// leaves the memory first) is all ones, which it cannot reach either
	wire [IDX_W-1:0] count_sat = !i_count_ok ? {IDX_W{1'b0}} :
				     (({32'd0, i_count} >> IDX_W) != 64'd0) ? {IDX_W{1'b1}} : i_count[IDX_W-1:0];

	// ---- errors found in stream order ------------------------------------------
	// a failing word stops requests; once every word before it is taken apart
	// (nothing in flight or buffered, the current command not complete) it is
	// the error of the command it belongs to
	wire need_w  = (wi_q == 0) ? idx_q != count_q : from_str;   // a stream word is next
	wire win_err = (state_q == S_RUN) && stop_q && outst_q == 0 && !rb_valid && need_w;
	// (a read-ahead past the stream may have failed its check: not an error)
	wire no_end  = (state_q == S_RUN) && wi_q == 0 && idx_q == count_q;
	wire [32:0] eidx33   = {{(33-IDX_W){1'b0}}, no_end ? count_q : idx_q};
	wire        unused_idx33 = ^{idx33[32], eidx33[32]};
	wire dec_err = (state_q == S_RUN) && bad_q && all_in;
	wire end_in  = (state_q == S_RUN) && end_q && all_in;

	always @(posedge clk) begin
		if (rst || i_abort) begin
			state_q <= S_IDLE;
			o_err_valid <= 1'b0;
			stop_q <= 1'b0;
			outst_q <= 0;
		end else if (i_start) begin
			state_q <= S_RUN;
			o_err_valid <= 1'b0;
			stop_q <= 1'b0;
			outst_q <= 0;
		end else begin
			o_err_valid <= 1'b0;
			outst_q <= outst_q + {{LG_RBUF{1'b0}}, issue} - {{LG_RBUF{1'b0}}, resp};
			if (win_fail || (issue && AH == 32 && iss_addr_q == TOPW))
				stop_q <= 1'b1;
			if (dec_err || win_err || no_end) begin
				state_q <= S_ERR;
				o_err_valid <= 1'b1;
			end else if (end_in)
				state_q <= S_END;
		end
	end

	// datapath registers (no reset needed: qualified by the state above)
	always @(posedge clk) begin
		// W32 reads one word at a time from the stream's first; else whole
		// memory words, decoding from the stream's first word in the first
		if (base_ld)
			iss_addr_q <= !i_base_ok ? 32'd0 : W32 ? {i_base[31:2], 2'b00} : {i_base[31:LG_MB], {LG_MB{1'b0}}};
		if (i_start) begin
			count_q    <= count_sat;
			idx_q      <= {IDX_W{1'b0}};
			wi_q       <= 5'd0;
			idx_done_q <= 1'b0;
			bad_q      <= 1'b0;
			end_q      <= 1'b0;
		end else begin
			if (issue && !(AH == 32 && iss_addr_q == TOPW))
				iss_addr_q[AH-1:0] <= iss_addr_q[AH-1:0] + SB32[AH-1:0];
			if (push_w0) begin
				q_q   <= d_q;
				len_q <= d_len;
				nw_q  <= d_nw;
				tot_q <= (d_len > d_nw5) ? d_len : d_nw5;
			end
			if (hold_w0) begin
				q_q        <= 3'b000;
				len_q      <= d_len;
				nw_q       <= 4'd0;
				tot_q      <= (d_len == 5'd0) ? 5'd1 : d_len;   // not an opcode: at once
				bad_q      <= d_err;
				end_q      <= d_end;
				bad_code_q <= d_code;
				idx_done_q <= 1'b1;
			end
			if (cmd_done) begin
				wi_q       <= 5'd0;
				idx_done_q <= 1'b0;
				idx_q      <= idx_q + 1'b1;
			end else begin
				if (step)
					wi_q <= wi_q + 1'b1;
				if (push_idx)
					idx_done_q <= 1'b1;
			end
		end
		o_err_idx  <= eidx33[31:0];
		err_win_q  <= win_err;
		o_err_code <= dec_err ? bad_code_q : win_err ? `MOTE_ERR_FETCH_WINDOW : `MOTE_ERR_NO_END;
	end

	assign o_err_addr = iss_addr_q & {32{err_win_q}};
	assign o_end     = (state_q == S_END);
	assign o_idle    = (state_q != S_RUN);
	assign o_busy    = (state_q == S_RUN) && (outst_q != 0);
	assign o_push    = |push_q;
	assign o_cur_idx = idx32;
endmodule

`default_nettype wire
