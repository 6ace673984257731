// mote_store_unit.v: the store queue's executor (STORE and store-queue SYNC):
// the row-parallel path (mote_store_rows) or, with PPU_SERIAL, the narrow one
// (mote_store_serial: one value at a time, for small FPGAs).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// The two paths share the ports.  With PPU_SERIAL the bias buffer is read one
// 32-bit value at a time: o_bbuf_raddr is row*COLS + column and the value is
// i_bbuf_rdata[31:0] (see mote_store_serial for its timing contract).
module mote_store_unit #(
	// array rows (for geometry symmetry; the store unit does not use it)
	parameter ROWS = 8,
	// array columns: int32 values per accumulator row
	parameter COLS = 8,
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 16,
	// bias buffer rows (4*COLS bytes each)
	parameter BBUF_DEPTH = 96,
	// accumulator rows
	parameter ACC_DEPTH = 1024,
	// requantization lanes (divides COLS; row-parallel path only)
	parameter PPU_LANES = COLS,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// address bits of the device's memory (the PPU_SERIAL path's window check)
	parameter ADDR_W = 32,
	// 1: STORE ADD (operand read master and add lanes; FEATURES.STORE_ADD);
	// row-parallel path only: the serial path reports ADD as FIELD
	parameter STORE_ADD = 1,
	// 1: STORE ROUND_TFL (TFLite's two roundings; FEATURES.ROUND_TFL); 0, and
	// always on the serial path: the flag is FIELD
	parameter ROUND_TFL = 1,
	// 0: row-parallel lanes; 1: one serial lane (shift-add multiplier, a
	// value per ceil(shift/2) + 2 cycles), a 32-bit bias buffer, a writer of
	// a byte per request
	parameter PPU_SERIAL = 0,
	// 1: the serial path's write check is a shared checker's (o_wc / i_wc;
	// mote_window_share in mote_top); the row path checks its own words
	parameter WIN_EXT = 0,
	// buffer address widths (derived)
	parameter AW_B = $clog2((PPU_SERIAL != 0) ? BBUF_DEPTH * COLS : ((BBUF_DEPTH <= 2) ? 2 : BBUF_DEPTH)),
	parameter AW_C = $clog2(ACC_DEPTH)
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	input  wire                      i_cmd_valid,
	output wire                      o_cmd_ready,
	input  wire [511:0]              i_cmd,
	input  wire [31:0]               i_cmd_idx,
	input  wire                      i_tok_c2s_avail,
	output wire                      o_tok_c2s_pop,
	output wire                      o_tok_s2c_push,
	output wire                      o_bbuf_re,
	output wire [AW_B-1:0]           o_bbuf_raddr,
	input  wire [COLS*32-1:0]        i_bbuf_rdata,
	// the bias buffer is written this cycle (unused: neither path keeps
	// anything of it between commands)
	input  wire                      i_bbuf_we,
	output wire                      o_acc_re,
	output wire [AW_C-1:0]           o_acc_raddr,
	input  wire [COLS*32-1:0]        i_acc_rdata,
	// the accumulator's read port is free this cycle (with one copy of it the
	// compute unit's reads come first; o_acc_re is raised only when free);
	// the row-parallel path needs i_acc_rdata to keep the last row this unit
	// read until its next read, the serial path uses it only the cycle after
	input  wire                      i_acc_free,
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire                      o_req_write,
	output wire [31:0]               o_req_addr,
	output wire [MEM_BYTES*8-1:0]    o_req_wdata,
	output wire [MEM_BYTES-1:0]      o_req_wstrb,
	// operand reads (STORE ADD): a second memory master, read only
	output wire                      o_rd_req_valid,
	input  wire                      i_rd_req_ready,
	output wire [31:0]               o_rd_req_addr,
	input  wire                      i_rd_resp_valid,
	input  wire [MEM_BYTES*8-1:0]    i_rd_resp_data,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT, the serial path): {clear, want,
	// address} and the word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
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
		if (PPU_SERIAL != 0) begin : g_serial
			mote_store_serial #(.COLS(COLS), .MEM_BYTES(MEM_BYTES), .BBUF_DEPTH(BBUF_DEPTH),
					    .ACC_DEPTH(ACC_DEPTH), .NUM_WINDOWS(NUM_WINDOWS), .ADDR_W(ADDR_W), .WIN_EXT(WIN_EXT)) u_serial (
				.clk(clk), .rst(rst), .i_abort(i_abort),
				.i_cmd_valid(i_cmd_valid), .o_cmd_ready(o_cmd_ready), .i_cmd(i_cmd),
				.i_cmd_idx(i_cmd_idx), .i_tok_c2s_avail(i_tok_c2s_avail),
				.o_tok_c2s_pop(o_tok_c2s_pop), .o_tok_s2c_push(o_tok_s2c_push),
				.o_bbuf_re(o_bbuf_re), .o_bbuf_raddr(o_bbuf_raddr), .i_bbuf_rdata(i_bbuf_rdata[31:0]),
				.o_acc_re(o_acc_re), .o_acc_raddr(o_acc_raddr), .i_acc_rdata(i_acc_rdata),
				.i_acc_free(i_acc_free),
				.o_req_valid(o_req_valid), .i_req_ready(i_req_ready), .o_req_addr(o_req_addr),
				.o_req_wdata(o_req_wdata), .o_req_wstrb(o_req_wstrb),
				.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm), .o_wc(o_wc), .o_wc_take(o_wc_take), .i_wc(i_wc),
				.o_idle(o_idle), .o_retire(o_retire),
				.o_err_valid(o_err_valid), .o_err_code(o_err_code), .o_err_idx(o_err_idx),
				.o_err_addr(o_err_addr), .o_cur_idx(o_cur_idx), .o_push_idx(o_push_idx), .o_stall_dep(o_stall_dep),
				.o_stall_mem(o_stall_mem));
			assign o_req_write    = 1'b1;
			assign o_busy         = !o_idle;
			// no operand reads: ADD is FIELD
			assign o_rd_req_valid = 1'b0;
			assign o_rd_req_addr  = 32'd0;
			wire unused_serial = &{1'b0, i_bbuf_rdata[COLS*32-1:32], i_rd_req_ready, i_rd_resp_valid,
					       i_rd_resp_data, i_bbuf_we};
		end else begin : g_rows
			mote_store_rows #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .BBUF_DEPTH(BBUF_DEPTH),
					  .ACC_DEPTH(ACC_DEPTH), .PPU_LANES(PPU_LANES), .NUM_WINDOWS(NUM_WINDOWS),
					  .STORE_ADD(STORE_ADD), .ROUND_TFL(ROUND_TFL), .AW_B(AW_B), .AW_C(AW_C)) u_rows (
				.clk(clk), .rst(rst), .i_abort(i_abort),
				.i_cmd_valid(i_cmd_valid), .o_cmd_ready(o_cmd_ready), .i_cmd(i_cmd),
				.i_cmd_idx(i_cmd_idx), .i_tok_c2s_avail(i_tok_c2s_avail),
				.o_tok_c2s_pop(o_tok_c2s_pop), .o_tok_s2c_push(o_tok_s2c_push),
				.o_bbuf_re(o_bbuf_re), .o_bbuf_raddr(o_bbuf_raddr), .i_bbuf_rdata(i_bbuf_rdata),
				.o_acc_re(o_acc_re), .o_acc_raddr(o_acc_raddr), .i_acc_rdata(i_acc_rdata),
				.i_acc_free(i_acc_free),
				.o_req_valid(o_req_valid), .i_req_ready(i_req_ready), .o_req_write(o_req_write),
				.o_req_addr(o_req_addr), .o_req_wdata(o_req_wdata), .o_req_wstrb(o_req_wstrb),
				.o_rd_req_valid(o_rd_req_valid), .i_rd_req_ready(i_rd_req_ready),
				.o_rd_req_addr(o_rd_req_addr), .i_rd_resp_valid(i_rd_resp_valid),
				.i_rd_resp_data(i_rd_resp_data),
				.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm),
				.o_idle(o_idle), .o_busy(o_busy), .o_retire(o_retire),
				.o_err_valid(o_err_valid), .o_err_code(o_err_code), .o_err_idx(o_err_idx),
				.o_err_addr(o_err_addr), .o_cur_idx(o_cur_idx), .o_push_idx(o_push_idx), .o_stall_dep(o_stall_dep),
				.o_stall_mem(o_stall_mem));
			wire unused_rows = ^{i_bbuf_we, i_wc};
			assign {o_wc, o_wc_take} = 35'd0;
		end
	endgenerate
	localparam unused_rows = ROWS;
endmodule

`default_nettype wire
