// mote_load_serial.v: the load unit's narrow path (mote_load_unit, SERIAL 1),
// for small FPGAs: a byte per cycle.  Executes LOAD and load-queue SYNC.
// The command stays in the load queue's entry register while it runs: the unit
// reads its fields from there (nothing of it is copied) and takes it
// (o_cmd_ready) the cycle it retires, after its last buffer row is written
// (the l2c token pushed with the retire pulse when PUSH_NEXT).  It starts when
// the c2l token is there (POP_NEXT), popping it then.  FIELD (COUNT above the
// destination's row width) is found at the start; the address side
// (mote_load_walk) finds LOAD_RANGE and READ_WINDOW; an error pulses
// o_err_valid and the unit waits for i_abort, which drops everything
// (responses arriving later are ignored).  Every in-bounds byte is read on its
// own (a read of its word), and the packer (mote_load_bytes) puts each
// response's byte straight into the row register: no word is held.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_load_serial #(
	// array rows: activation row bytes
	parameter ROWS = 8,
	// array columns: weight row bytes (4*COLS per bias row)
	parameter COLS = 8,
	// memory bus width in bytes
	parameter MEM_BYTES = 16,
	// destination depths in rows
	parameter ABUF_DEPTH = 4096,
	parameter WBUF_DEPTH = 1024,
	parameter BBUF_DEPTH = 96,
	// memory windows
	parameter NUM_WINDOWS = `MOTE_NUM_WINDOWS,
	// address bits of the device's memory (mote_load_walk)
	parameter ADDR_W = 32,
	// 0: bias rows written whole; COLS: as COLS 32-bit words, one per 4 bytes
	parameter BIAS_WORDS = 0,
	// 0: its own read check (mote_window_scan); 1: a shared checker's
	// (mote_window_share, in mote_top) through o_wc / i_wc
	parameter WIN_EXT = 0,
	// widest destination row in bytes (derived)
	parameter RWMAX = (ROWS > 4 * COLS) ? ROWS : 4 * COLS
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	input  wire                      i_cmd_valid,
	output wire                      o_cmd_ready,
	input  wire [511:0]              i_cmd,
	input  wire [31:0]               i_cmd_idx,
	input  wire                      i_tok_c2l_avail,
	output wire                      o_tok_c2l_pop,
	output reg                       o_tok_l2c_push,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT): {clear, want, address} and the
	// word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	input  wire                      i_resp_valid,
	input  wire [MEM_BYTES*8-1:0]    i_resp_data,
	output wire                      o_buf_we,
	output wire [1:0]                o_buf_sel,
	output wire [15:0]               o_buf_row,
	output wire [RWMAX*8-1:0]        o_buf_wdata,
	output wire                      o_idle,
	output wire                      o_busy,
	output reg                       o_retire,
	output wire                      o_err_valid,
	output wire [7:0]                o_err_code,
	output wire [31:0]               o_err_idx,
	output wire [31:0]               o_err_addr,
	output wire [31:0]               o_cur_idx,
	output reg  [31:0]               o_push_idx,
	output wire                      o_stall_dep,
	output wire                      o_stall_mem
);
	localparam PW    = $clog2(RWMAX + 1);
	localparam LG_MB = $clog2(MEM_BYTES);
	localparam DMAX  = (ABUF_DEPTH > WBUF_DEPTH) ? ((ABUF_DEPTH > BBUF_DEPTH) ? ABUF_DEPTH : BBUF_DEPTH) :
			   ((WBUF_DEPTH > BBUF_DEPTH) ? WBUF_DEPTH : BBUF_DEPTH);
	localparam DRW   = $clog2(DMAX + 1);

	localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd2, S_ERR = 2'd3;
	reg  [1:0]       state_q;
	reg              f_err_q;    // the FIELD error, reported the cycle after the start

	// the command in front of the unit (held there until it retires)
	wire        is_load  = i_cmd[`MOTE_HDR_OPCODE] == `MOTE_OP_LOAD;
	wire        pop_next = i_cmd[`MOTE_HDR_POP_NEXT];
	wire [1:0]  c_dst    = i_cmd[`MOTE_LOAD_DST];
	wire [15:0] c_count  = i_cmd[`MOTE_LOAD_COUNT];
	localparam [31:0] RB_ACT = ROWS, RB_WGT = COLS, RB_BIAS = 4 * COLS;
	wire [17:0] row_bytes = c_dst == `MOTE_BUF_ACT ? RB_ACT[17:0] : c_dst == `MOTE_BUF_WGT ? RB_WGT[17:0] :
				RB_BIAS[17:0];
	// HI_ROWS is ignored (these builds have no FEATURES.LOAD_SPLIT, mote_hw.spec),
	// W_PAIR is FIELD (nor FEATURES.W_PAIR)
	wire        c_field  = is_load && ({2'b00, c_count} > row_bytes || i_cmd[`MOTE_LOAD_W_PAIR]);

	wire   idle   = (state_q == S_IDLE) && !o_retire && !i_abort;
	wire   start  = idle && i_cmd_valid && (!pop_next || i_tok_c2l_avail);
	assign o_tok_c2l_pop = start && pop_next;
	assign o_stall_dep   = idle && i_cmd_valid && !start;

	// ---- address side ----
	wire          w_desc_valid, w_busy, w_stall, w_err, w_err_window;
	wire [PW-1:0] w_lo, w_hi;
	wire [LG_MB-1:0] w_off;
	wire          p_desc_ready, p_busy, p_wait, p_seg_open;
	wire [$clog2((BIAS_WORDS > 1) ? BIAS_WORDS : 2)-1:0] p_seg;

	mote_load_walk #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH),
			 .WBUF_DEPTH(WBUF_DEPTH), .BBUF_DEPTH(BBUF_DEPTH), .NUM_WINDOWS(NUM_WINDOWS), .ADDR_W(ADDR_W),
			 .BIAS_WORDS(BIAS_WORDS), .WIN_EXT(WIN_EXT)) u_walk (
		.clk(clk), .rst(rst), .i_abort(i_abort),
		.i_start(start && is_load && !c_field), .i_clear(start), .i_cmd(i_cmd),
		.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm), .o_wc(o_wc), .o_wc_take(o_wc_take), .i_wc(i_wc),
		.i_seg_open(p_seg_open), .i_seg(p_seg),
		.o_req_valid(o_req_valid), .i_req_ready(i_req_ready), .o_req_addr(o_req_addr),
		.o_desc_valid(w_desc_valid), .i_desc_ready(p_desc_ready),
		.o_desc_lo(w_lo), .o_desc_hi(w_hi), .o_desc_off(w_off),
		.o_busy(w_busy), .o_stall_mem(w_stall),
		.o_err_valid(w_err), .o_err_window(w_err_window), .o_err_addr(o_err_addr));

	// ---- packer ----
	mote_load_bytes #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES),
			  .BIAS_WORDS(BIAS_WORDS), .DRW(DRW)) u_bytes (
		.clk(clk), .rst(rst), .i_abort(i_abort),
		.i_start(start), .i_row0(i_cmd[`MOTE_LOAD_BUF_ROW]),
		.i_dst(c_dst), .i_xor(i_cmd[`MOTE_LOAD_XOR_MSB]), .i_pad(i_cmd[`MOTE_LOAD_PAD]),
		.i_desc_valid(w_desc_valid), .o_desc_ready(p_desc_ready),
		.i_lo(w_lo), .i_hi(w_hi), .i_off(w_off),
		// responses count only while a command runs; after an abort they are dropped
		.i_word_valid(i_resp_valid && state_q == S_RUN), .i_word(i_resp_data),
		.o_we(o_buf_we), .o_sel(o_buf_sel), .o_row(o_buf_row), .o_wdata(o_buf_wdata),
		.o_busy(p_busy), .o_seg_open(p_seg_open), .o_seg(p_seg), .o_wait_mem(p_wait));

	// every row handed out, read, packed and written
	wire done = (state_q == S_RUN) && !w_busy && !p_busy;
	assign o_cmd_ready = done && !w_err;

	always @(posedge clk) begin
		if (rst || i_abort) begin
			state_q <= S_IDLE;
			o_retire <= 1'b0;
			o_tok_l2c_push <= 1'b0;
			f_err_q <= 1'b0;
		end else begin
			o_retire <= 1'b0;
			o_tok_l2c_push <= 1'b0;
			f_err_q <= start && c_field;
			case (state_q)
			S_IDLE: if (start) state_q <= c_field ? S_ERR : S_RUN;
			S_RUN:
				if (w_err)
					state_q <= S_ERR;
				else if (done) begin
					state_q <= S_IDLE;
					o_retire <= 1'b1;
					o_tok_l2c_push <= i_cmd[`MOTE_HDR_PUSH_NEXT];
					o_push_idx <= i_cmd_idx;   // the queue shows the next command by then
				end
			default: ;
			endcase
		end
	end

	assign o_err_valid = w_err || f_err_q;
	assign o_err_code  = f_err_q ? `MOTE_ERR_FIELD : w_err_window ? `MOTE_ERR_READ_WINDOW : `MOTE_ERR_LOAD_RANGE;
	assign o_err_idx   = i_cmd_idx;
	assign o_cur_idx   = i_cmd_idx;
	assign o_idle      = (state_q == S_IDLE) && !o_retire && !i_cmd_valid;
	assign o_busy      = (state_q != S_IDLE) || i_cmd_valid;
	assign o_stall_mem = w_stall || p_wait;
endmodule

`default_nettype wire
