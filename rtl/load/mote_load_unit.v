// mote_load_unit.v: the load queue's executor (LOAD and load-queue SYNC): the
// fast path (mote_load_rows: a memory word per cycle, the command latched when
// taken) or, with SERIAL, the narrow one for small FPGAs (mote_load_serial: a
// byte per cycle, the command left in the queue's entry while it runs).  Both
// implement the spec's LOAD exactly (strides, padding, XOR_MSB, FIELD,
// LOAD_RANGE, READ_WINDOW with the failing word) with the same ports.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_load_unit #(
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
	// address bits of the device's memory (the LOAD_SERIAL path's window check)
	parameter ADDR_W = 32,
	// log2 of the response FIFO (reads outstanding at most) and descriptor FIFO
	parameter LG_RESP = 3,
	// 0: bias rows written whole; COLS: as COLS 32-bit words, one per cycle
	// (o_buf_row = row*COLS + word; the serial store path's bias buffer)
	parameter BIAS_WORDS = 0,
	// 0: the fast path (mote_load_rows), a memory word per cycle; 1: the narrow
	// path (mote_load_serial), a byte per cycle, for small FPGAs
	parameter SERIAL = 0,
	// 1: the narrow path's read check is a shared checker's (o_wc / i_wc;
	// mote_window_share in mote_top); the fast path checks its own words
	parameter WIN_EXT = 0,
	// 1: LOAD HI_ROWS, a row of 2*ROWS bytes written as two activation rows
	// (FEATURES.LOAD_SPLIT; the fast path only); 0: HI_ROWS is ignored
	parameter SPARSE = 0,
	// widest destination row in bytes (derived)
	parameter RWMAX = ((SPARSE != 0 ? 2 * ROWS : ROWS) > 4 * COLS) ? (SPARSE != 0 ? 2 * ROWS : ROWS) : 4 * COLS
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
	output wire                      o_tok_l2c_push,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT, the narrow path): {clear, want,
	// address} and the word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
	// memory master (reads only)
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	input  wire                      i_resp_valid,
	input  wire [MEM_BYTES*8-1:0]    i_resp_data,
	// buffer row write: o_buf_sel is the LOAD DST (enum buf); the low ROWS,
	// COLS or 4*COLS bytes of o_buf_wdata are the row
	output wire                      o_buf_we,
	output wire [1:0]                o_buf_sel,
	output wire [15:0]               o_buf_row,
	// with o_buf_split the row's bytes ROWS..2*ROWS-1 go to activation row o_buf_row_hi
	output wire                      o_buf_split,
	output wire [15:0]               o_buf_row_hi,
	output wire [RWMAX*8-1:0]        o_buf_wdata,
	output wire                      o_idle,
	output wire                      o_busy,
	output wire                      o_retire,
	output wire                      o_err_valid,
	output wire [7:0]                o_err_code,
	output wire [31:0]               o_err_idx,
	output wire [31:0]               o_err_addr,
	output wire [31:0]               o_cur_idx,
	// the command index of a token push, valid in its cycle (ERR_CMD of TOKEN)
	output wire [31:0]               o_push_idx,
	output wire                      o_stall_dep,
	output wire                      o_stall_mem
);
	generate
		if (SERIAL != 0) begin : g_serial
			assign o_buf_split = 1'b0;
			assign o_buf_row_hi = 16'd0;
			mote_load_serial #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH),
					   .WBUF_DEPTH(WBUF_DEPTH), .BBUF_DEPTH(BBUF_DEPTH), .NUM_WINDOWS(NUM_WINDOWS),
					   .ADDR_W(ADDR_W), .BIAS_WORDS(BIAS_WORDS), .WIN_EXT(WIN_EXT), .RWMAX(RWMAX)) u_serial (
				.clk(clk), .rst(rst), .i_abort(i_abort), .i_cmd_valid(i_cmd_valid), .o_cmd_ready(o_cmd_ready),
				.i_cmd(i_cmd), .i_cmd_idx(i_cmd_idx), .i_tok_c2l_avail(i_tok_c2l_avail), .o_tok_c2l_pop(o_tok_c2l_pop), .o_tok_l2c_push(o_tok_l2c_push),
				.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm), .o_wc(o_wc), .o_wc_take(o_wc_take), .i_wc(i_wc),
				.o_req_valid(o_req_valid), .i_req_ready(i_req_ready),
				.o_req_addr(o_req_addr), .i_resp_valid(i_resp_valid), .i_resp_data(i_resp_data), .o_buf_we(o_buf_we), .o_buf_sel(o_buf_sel),
				.o_buf_row(o_buf_row), .o_buf_wdata(o_buf_wdata), .o_idle(o_idle), .o_busy(o_busy), .o_retire(o_retire),
				.o_err_valid(o_err_valid), .o_err_code(o_err_code), .o_err_idx(o_err_idx), .o_err_addr(o_err_addr), .o_cur_idx(o_cur_idx), .o_push_idx(o_push_idx),
				.o_stall_dep(o_stall_dep), .o_stall_mem(o_stall_mem));
		end else begin : g_rows
			assign {o_wc, o_wc_take} = 35'd0;
			wire unused_wc = ^i_wc;
			mote_load_rows #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH),
					 .WBUF_DEPTH(WBUF_DEPTH), .BBUF_DEPTH(BBUF_DEPTH), .NUM_WINDOWS(NUM_WINDOWS),
					 .LG_RESP(LG_RESP), .BIAS_WORDS(BIAS_WORDS), .SPARSE(SPARSE), .RWMAX(RWMAX)) u_rows (
				.clk(clk), .rst(rst), .i_abort(i_abort), .i_cmd_valid(i_cmd_valid), .o_cmd_ready(o_cmd_ready),
				.i_cmd(i_cmd), .i_cmd_idx(i_cmd_idx), .i_tok_c2l_avail(i_tok_c2l_avail), .o_tok_c2l_pop(o_tok_c2l_pop), .o_tok_l2c_push(o_tok_l2c_push),
				.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm), .o_req_valid(o_req_valid), .i_req_ready(i_req_ready),
				.o_req_addr(o_req_addr), .i_resp_valid(i_resp_valid), .i_resp_data(i_resp_data), .o_buf_we(o_buf_we), .o_buf_sel(o_buf_sel),
				.o_buf_row(o_buf_row), .o_buf_split(o_buf_split), .o_buf_row_hi(o_buf_row_hi),
				.o_buf_wdata(o_buf_wdata), .o_idle(o_idle), .o_busy(o_busy), .o_retire(o_retire),
				.o_err_valid(o_err_valid), .o_err_code(o_err_code), .o_err_idx(o_err_idx), .o_err_addr(o_err_addr), .o_cur_idx(o_cur_idx), .o_push_idx(o_push_idx),
				.o_stall_dep(o_stall_dep), .o_stall_mem(o_stall_mem));
		end
	endgenerate
endmodule

`default_nettype wire
