// mote_fetch.v: command fetch, decode and the three command queues.
// On i_start it reads CMD_COUNT commands of CMD_BYTES from CMD_BASE (taken as a
// multiple of MEM_BYTES) with reads outstanding, only as many as its response
// buffer has room for.  Each word is checked for execute permission before it
// is requested; a failing word stops the requests and, once every earlier word
// has been decoded (so errors stay in stream order), is error FETCH_WINDOW.
// Assembled commands are decoded (mote_cmd_decode) and pushed as {idx, cmd}
// into the load, compute or store queue.  END stops fetching (responses still
// in flight are dropped) and raises o_end until the next start or abort;
// CMD_COUNT commands without END is NO_END with ERR_CMD = CMD_COUNT.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_fetch #(
	// array rows (LOAD COUNT bound of the activation buffer)
	parameter ROWS = 8,
	// array columns (LOAD COUNT bound of the weight and bias buffers)
	parameter COLS = 8,
	// memory bus width in bytes (4..64)
	parameter MEM_BYTES = 16,
	// memory windows
	parameter NUM_WINDOWS = `MOTE_NUM_WINDOWS,
	// commands per queue (power of two)
	parameter QUEUE_DEPTH = 8,
	// memory words per command (derived)
	parameter WPC = `MOTE_CMD_BYTES / MEM_BYTES,
	// log2 of the response buffer in words: reads outstanding at most (derived)
	parameter LG_RBUF = ($clog2(WPC) + 1 < 2) ? 2 : $clog2(WPC) + 1
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	// job start (one-cycle pulse) with the stream's place
	input  wire                      i_start,
	input  wire [31:0]               i_base,
	input  wire [31:0]               i_count,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
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
	output reg  [31:0]               o_err_addr
);
	localparam LG_MB   = $clog2(MEM_BYTES);
	localparam LG_WPC  = $clog2(WPC);
	localparam WCW     = (LG_WPC < 1) ? 1 : LG_WPC;
	localparam LG_QD   = $clog2(QUEUE_DEPTH);
	localparam RBUF    = 1 << LG_RBUF;
	localparam QW      = 32 + 512;
	localparam [31:0]    WLAST32 = WPC - 1;
	localparam [WCW-1:0] WLAST = WLAST32[WCW-1:0];

	localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_END = 2'd2, S_ERR = 2'd3;
	reg [1:0] state_q;

	// ---- request side ------------------------------------------------------
	reg [31:0]        iss_addr_q;   // next word to request
	reg [32+LG_WPC:0] iss_left_q;   // words still to request
	reg               stop_q;       // a word failed the window check
	reg [31:0]        fail_addr_q;
	reg [LG_RBUF:0]   outst_q;      // requests whose response has not arrived
	reg [31:0]        count_q;
	wire [LG_RBUF:0]  rbuf_count;
	wire              win_ok;

	mote_window_check #(.NUM_WINDOWS(NUM_WINDOWS), .MEM_BYTES(MEM_BYTES), .NEED(3'b100)) u_xchk (
		.i_addr(iss_addr_q), .i_win_base(i_win_base), .i_win_size(i_win_size),
		.i_win_perm(i_win_perm), .o_ok(win_ok));

	wire [LG_RBUF+1:0] used = {1'b0, outst_q} + {1'b0, rbuf_count};
	wire want  = (state_q == S_RUN) && !stop_q && iss_left_q != 0;
	assign o_req_valid = want && win_ok && used < RBUF;
	assign o_req_addr  = iss_addr_q;
	wire issue = o_req_valid && i_req_ready;
	wire resp  = i_resp_valid && (state_q == S_RUN);

	// ---- response buffer and command assembly -------------------------------
	wire                   rb_valid;
	wire                   rb_ready;   // always: reads are issued only with room
	wire [MEM_BYTES*8-1:0] rb_data;
	// the queue entry {index, command} is assembled in place (one register, so
	// no concatenation is rebuilt every cycle for the queues' write data)
	reg  [QW-1:0]          ent_q;
	wire [511:0]           cmd_q = ent_q[511:0];
	wire [31:0]            idx_q = ent_q[QW-1:512];
	reg                    full_q;     // cmd_q holds a whole command
	reg  [WCW-1:0]         wcnt_q;     // words of the command assembled so far
	wire                   rb_pop = (state_q == S_RUN) && !full_q && rb_valid;

	mote_fifo #(.WIDTH(MEM_BYTES*8), .LG_DEPTH(LG_RBUF)) u_rbuf (
		.clk(clk), .rst(rst), .i_clear(state_q != S_RUN),
		.i_wr_valid(resp), .o_wr_ready(rb_ready), .i_wr_data(i_resp_data),
		.o_rd_valid(rb_valid), .i_rd_ready(rb_pop), .o_rd_data(rb_data),
		.o_count(rbuf_count));

	// ---- decode and queues ---------------------------------------------------
	wire       d_load, d_comp, d_store, d_end, d_err;
	wire [7:0] d_code;
	mote_cmd_decode #(.ROWS(ROWS), .COLS(COLS)) u_dec (
		.i_cmd(cmd_q), .o_load(d_load), .o_compute(d_comp), .o_store(d_store),
		.o_end(d_end), .o_err(d_err), .o_err_code(d_code));

	wire       dispatch = (state_q == S_RUN) && full_q;
	wire [2:0] q_ready;
	wire [2:0] q_valid;
	wire [2:0] q_push = {dispatch && d_store, dispatch && d_comp, dispatch && d_load};
	wire       pushed = |(q_push & q_ready);
	wire [LG_QD:0] cnt_ld, cnt_cp, cnt_st;
	wire       q_clear = i_abort || i_start;

	mote_fifo #(.WIDTH(QW), .LG_DEPTH(LG_QD)) u_q_ld (
		.clk(clk), .rst(rst), .i_clear(q_clear),
		.i_wr_valid(q_push[0]), .o_wr_ready(q_ready[0]), .i_wr_data(ent_q),
		.o_rd_valid(q_valid[0]), .i_rd_ready(i_ld_ready), .o_rd_data({o_ld_idx, o_ld_cmd}),
		.o_count(cnt_ld));
	mote_fifo #(.WIDTH(QW), .LG_DEPTH(LG_QD)) u_q_cp (
		.clk(clk), .rst(rst), .i_clear(q_clear),
		.i_wr_valid(q_push[1]), .o_wr_ready(q_ready[1]), .i_wr_data(ent_q),
		.o_rd_valid(q_valid[1]), .i_rd_ready(i_cp_ready), .o_rd_data({o_cp_idx, o_cp_cmd}),
		.o_count(cnt_cp));
	mote_fifo #(.WIDTH(QW), .LG_DEPTH(LG_QD)) u_q_st (
		.clk(clk), .rst(rst), .i_clear(q_clear),
		.i_wr_valid(q_push[2]), .o_wr_ready(q_ready[2]), .i_wr_data(ent_q),
		.o_rd_valid(q_valid[2]), .i_rd_ready(i_st_ready), .o_rd_data({o_st_idx, o_st_cmd}),
		.o_count(cnt_st));

	assign o_ld_valid     = q_valid[0];
	assign o_cp_valid     = q_valid[1];
	assign o_st_valid     = q_valid[2];
	assign o_queues_empty = (q_valid == 3'b000);
	wire   unused_bits    = ^{cnt_ld, cnt_cp, cnt_st, rb_ready, i_base[LG_MB-1:0]};

	// ---- errors found in stream order ------------------------------------------
	wire win_err = (state_q == S_RUN) && stop_q && !full_q && outst_q == 0 && !rb_valid;
	wire no_end  = (state_q == S_RUN) && !stop_q && !full_q && idx_q == count_q;
	wire dec_err = dispatch && d_err;

	always @(posedge clk) begin
		if (rst || i_abort) begin
			state_q <= S_IDLE;
			o_err_valid <= 1'b0;
			stop_q <= 1'b0;
			full_q <= 1'b0;
			outst_q <= 0;
		end else if (i_start) begin
			state_q <= S_RUN;
			o_err_valid <= 1'b0;
			stop_q <= 1'b0;
			full_q <= 1'b0;
			outst_q <= 0;
		end else begin
			o_err_valid <= 1'b0;
			outst_q <= outst_q + {{LG_RBUF{1'b0}}, issue} - {{LG_RBUF{1'b0}}, resp};
			if (want && !win_ok)
				stop_q <= 1'b1;
			if (rb_pop && wcnt_q == WLAST)
				full_q <= 1'b1;
			else if (pushed)
				full_q <= 1'b0;
			if (dec_err || win_err || no_end) begin
				state_q <= S_ERR;
				o_err_valid <= 1'b1;
			end else if (dispatch && d_end)
				state_q <= S_END;
		end
	end

	// datapath registers (no reset needed: qualified by the state above)
	always @(posedge clk) begin
		if (i_start) begin
			iss_addr_q <= {i_base[31:LG_MB], {LG_MB{1'b0}}};
			iss_left_q <= {1'b0, i_count, {LG_WPC{1'b0}}};
			count_q    <= i_count;
			wcnt_q     <= 0;
			ent_q[QW-1:512] <= 32'd0;
		end else begin
			if (issue) begin
				iss_addr_q <= iss_addr_q + MEM_BYTES;
				iss_left_q <= iss_left_q - 1'b1;
			end
			if (want && !win_ok)
				fail_addr_q <= iss_addr_q;
			if (rb_pop) begin
				ent_q[wcnt_q * MEM_BYTES * 8 +: MEM_BYTES * 8] <= rb_data;
				wcnt_q <= (wcnt_q == WLAST) ? {WCW{1'b0}} : wcnt_q + 1'b1;
			end
			if (pushed)
				ent_q[QW-1:512] <= idx_q + 1'b1;
		end
		o_err_idx  <= no_end ? count_q : idx_q;
		o_err_addr <= win_err ? fail_addr_q : 32'd0;
		o_err_code <= dec_err ? d_code : win_err ? `MOTE_ERR_FETCH_WINDOW : `MOTE_ERR_NO_END;
	end

	assign o_end     = (state_q == S_END);
	assign o_idle    = (state_q != S_RUN);
	assign o_busy    = (state_q == S_RUN) && (outst_q != 0);
	assign o_push    = pushed;
	assign o_cur_idx = idx_q;
endmodule

`default_nettype wire
