// mote_load_rows.v: the load unit's fast path (mote_load_unit, SERIAL 0): a memory
// word per cycle.  Executes LOAD and load-queue SYNC.
// Waits, with the queue's command in front of it, for a c2l token when
// POP_NEXT, then takes the command and pops the token in one cycle: the
// address generator (mote_load_agen) latches its fields then, so the command
// is held nowhere else.  The generator and the packer (mote_load_pack) run
// decoupled by a descriptor FIFO and a response FIFO, and once its last buffer
// row is written the command retires and pushes an l2c token when PUSH_NEXT.
// Reads are issued only while the response FIFO has room for every
// outstanding one.  Errors (FIELD: a COUNT above the destination's row width,
// found when the command is taken, HI_ROWS (SPARSE only) not ACT or even, and
// W_PAIR not WGT or without SPARSE;
// READ_WINDOW, LOAD_RANGE) pulse o_err_valid;
// the unit then waits for i_abort, which drops everything (responses arriving
// later are ignored).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_load_rows #(
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
	// log2 of the response FIFO (reads outstanding at most) and descriptor FIFO
	parameter LG_RESP = 3,
	// 0: bias rows written whole; COLS: as COLS 32-bit words, one per cycle
	// (o_buf_row = row*COLS + word; the serial store path's bias buffer)
	parameter BIAS_WORDS = 0,
	// 1: LOAD HI_ROWS (FEATURES.LOAD_SPLIT): an activation row of 2*ROWS bytes
	// written as two buffer rows, and LOAD W_PAIR (FEATURES.W_PAIR): a weight
	// row pair of 2*COLS bytes; 0: HI_ROWS is ignored, W_PAIR is FIELD
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
	output reg                       o_tok_l2c_push,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
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
	// with o_buf_split the row's second half (bytes ROWS..2*ROWS-1 of an
	// activation row, COLS..2*COLS-1 of a weight row pair) goes to o_buf_row_hi
	output wire                      o_buf_split,
	output wire [15:0]               o_buf_row_hi,
	output wire [RWMAX*8-1:0]        o_buf_wdata,
	output wire                      o_idle,
	output wire                      o_busy,
	output reg                       o_retire,
	output wire                      o_err_valid,
	output wire [7:0]                o_err_code,
	output wire [31:0]               o_err_idx,
	output wire [31:0]               o_err_addr,
	output wire [31:0]               o_cur_idx,
	output wire [31:0]               o_push_idx,
	output wire                      o_stall_dep,
	output wire                      o_stall_mem
);
	localparam PW    = $clog2(RWMAX + 1);
	localparam NWW   = $clog2(RWMAX / MEM_BYTES + 3);
	localparam DW    = 16 + 2 * PW + $clog2(MEM_BYTES) + NWW;
	localparam RDEPTH = 1 << LG_RESP;

	localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd2, S_ERR = 2'd3;
	reg  [1:0]   state_q;
	reg  [31:0]  idx_q;
	reg  [LG_RESP:0] outst_q;
	// of the running command (taken with it)
	reg          push_next_q;
	reg  [1:0]   dst_q;
	reg          xor_q;
	reg  [7:0]   pad_q;
	reg  [15:0]  hi_rows_q;
	reg          f_err_q;   // the FIELD error, reported the cycle after the command is taken

	// the command in front of the unit, before it is taken
	wire        is_load  = i_cmd[`MOTE_HDR_OPCODE] == `MOTE_OP_LOAD;
	wire        pop_next = i_cmd[`MOTE_HDR_POP_NEXT];
	wire [1:0]  c_dst    = i_cmd[`MOTE_LOAD_DST];
	wire [15:0] c_count  = i_cmd[`MOTE_LOAD_COUNT];
	wire [15:0] c_hi     = i_cmd[`MOTE_LOAD_HI_ROWS];
	wire        c_split  = SPARSE != 0 && c_hi != 16'd0;   // without SPARSE the field is ignored
	wire        c_pair   = i_cmd[`MOTE_LOAD_W_PAIR];
	localparam [31:0] RB_ACT = ROWS, RB_ACT2 = 2 * ROWS, RB_WGT = COLS, RB_WGT2 = 2 * COLS, RB_BIAS = 4 * COLS;
	wire [17:0] row_bytes = c_dst == `MOTE_BUF_ACT ? (c_split ? RB_ACT2[17:0] : RB_ACT[17:0]) :
				c_dst == `MOTE_BUF_WGT ? (c_pair ? RB_WGT2[17:0] : RB_WGT[17:0]) : RB_BIAS[17:0];
	// (DST 3 is the fetcher's FIELD error: it never gets here)
	wire        c_split_bad = c_split && (c_dst != `MOTE_BUF_ACT || !c_hi[0]);
	wire        c_pair_bad  = c_pair && (SPARSE == 0 || c_dst != `MOTE_BUF_WGT);
	wire   idle   = (state_q == S_IDLE) && !o_retire && !i_abort;
	// checked only while a command waits to be taken (a simulator skips the
	// compare in every other cycle)
	reg         c_field;
	always @(*) begin
		c_field = 1'b0;
		if (idle && i_cmd_valid)
			c_field = is_load && ({2'b00, c_count} > row_bytes || c_split_bad || c_pair_bad);
	end

	wire   tok_ok = idle && i_cmd_valid && (!pop_next || i_tok_c2l_avail);
	assign o_cmd_ready   = tok_ok;
	wire   accept        = tok_ok;
	wire   field_err     = accept && c_field;
	assign o_tok_c2l_pop = tok_ok && pop_next;
	assign o_stall_dep   = idle && i_cmd_valid && !tok_ok;

	// ---- address generation ----
	wire             a_req_valid, a_desc_valid, a_busy, a_stall, a_err;
	wire [7:0]       a_err_code;
	wire [31:0]      a_err_addr;
	wire [DW-1:0]    a_desc;
	wire             d_ready, d_valid, r_valid, r_ready, p_desc_ready, p_word_ready;
	wire [DW-1:0]    d_head;
	wire [MEM_BYTES*8-1:0] r_head;
	wire [LG_RESP:0] d_count, r_count;
	wire [LG_RESP+1:0] used = {1'b0, outst_q} + {1'b0, r_count};

	mote_load_agen #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH),
			 .WBUF_DEPTH(WBUF_DEPTH), .BBUF_DEPTH(BBUF_DEPTH), .NUM_WINDOWS(NUM_WINDOWS),
			 .RWMAX(RWMAX), .SPLIT(SPARSE)) u_agen (
		.clk(clk), .rst(rst), .i_abort(i_abort),
		.i_start(tok_ok && is_load && !c_field), .i_cmd(i_cmd),
		.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm),
		.i_can_issue(used < RDEPTH),
		.o_req_valid(a_req_valid), .i_req_ready(i_req_ready), .o_req_addr(o_req_addr),
		.o_desc_valid(a_desc_valid), .i_desc_ready(d_ready), .o_desc(a_desc),
		.o_busy(a_busy), .o_stall_mem(a_stall),
		.o_err_valid(a_err), .o_err_code(a_err_code), .o_err_addr(a_err_addr));
	assign o_req_valid = a_req_valid;
	wire issue = a_req_valid && i_req_ready;
	// responses count only while a command runs; after an abort they are dropped
	wire resp  = i_resp_valid && (state_q == S_RUN);

	mote_fifo #(.WIDTH(DW), .LG_DEPTH(LG_RESP)) u_desc (
		.clk(clk), .rst(rst), .i_clear(i_abort),
		.i_wr_valid(a_desc_valid), .o_wr_ready(d_ready), .i_wr_data(a_desc),
		.o_rd_valid(d_valid), .i_rd_ready(p_desc_ready), .o_rd_data(d_head),
		.o_count(d_count));

	mote_fifo #(.WIDTH(MEM_BYTES*8), .LG_DEPTH(LG_RESP)) u_resp (
		.clk(clk), .rst(rst), .i_clear(i_abort),
		.i_wr_valid(resp), .o_wr_ready(r_ready), .i_wr_data(i_resp_data),
		.o_rd_valid(r_valid), .i_rd_ready(p_word_ready), .o_rd_data(r_head),
		.o_count(r_count));

	// ---- packing ----
	wire p_wait;
	mote_load_pack #(.MEM_BYTES(MEM_BYTES), .RWMAX(RWMAX), .BIAS_WORDS(BIAS_WORDS)) u_pack (
		.clk(clk), .rst(rst), .i_abort(i_abort),
		.i_dst(dst_q), .i_xor(xor_q), .i_pad(pad_q), .i_hi_rows(hi_rows_q),
		.i_desc_valid(d_valid), .o_desc_ready(p_desc_ready), .i_desc(d_head),
		.i_word_valid(r_valid), .o_word_ready(p_word_ready), .i_word(r_head),
		.o_we(o_buf_we), .o_sel(o_buf_sel), .o_row(o_buf_row), .o_row_hi(o_buf_row_hi), .o_wdata(o_buf_wdata),
		.o_wait_mem(p_wait));


	always @(posedge clk) begin
		if (rst || i_abort) begin
			state_q <= S_IDLE;
			outst_q <= 0;
			o_retire <= 1'b0;
			o_tok_l2c_push <= 1'b0;
			f_err_q <= 1'b0;
		end else begin
			o_retire <= 1'b0;
			o_tok_l2c_push <= 1'b0;
			f_err_q <= field_err;
			outst_q <= outst_q + {{LG_RESP{1'b0}}, issue} - {{LG_RESP{1'b0}}, resp};
			case (state_q)
			S_IDLE: if (accept) state_q <= field_err ? S_ERR : S_RUN;
			S_RUN:
				if (a_err)
					state_q <= S_ERR;
				else if (!a_busy && !d_valid && !r_valid && outst_q == 0 && !o_buf_we) begin
					// every row handed out, read, packed and written
					state_q <= S_IDLE;
					o_retire <= 1'b1;
					o_tok_l2c_push <= push_next_q;
				end
			default: ;
			endcase
		end
	end

	always @(posedge clk) begin
		if (accept) begin
			idx_q       <= i_cmd_idx;
			push_next_q <= i_cmd[`MOTE_HDR_PUSH_NEXT];
			dst_q       <= c_dst;
			xor_q       <= i_cmd[`MOTE_LOAD_XOR_MSB];
			pad_q       <= i_cmd[`MOTE_LOAD_PAD];
			// a weight row pair: its second half one row on
			hi_rows_q   <= c_pair ? 16'd1 : c_split ? c_hi : 16'd0;
		end
	end

	assign o_buf_split = hi_rows_q != 16'd0;
	assign o_err_valid = a_err || f_err_q;
	assign o_err_code  = f_err_q ? `MOTE_ERR_FIELD : a_err_code;
	assign o_err_addr  = f_err_q ? 32'd0 : a_err_addr;
	assign o_err_idx   = idx_q;
	// a command waiting for its token counts as held (busy, its index shown)
	assign o_cur_idx   = (state_q == S_IDLE) ? i_cmd_idx : idx_q;
	// the push comes with the retire pulse, before the next command is taken
	assign o_push_idx  = idx_q;
	assign o_idle      = (state_q == S_IDLE) && !o_retire && !i_cmd_valid;
	assign o_busy      = (state_q != S_IDLE) || i_cmd_valid;
	assign o_stall_mem = a_stall || p_wait;
	wire unused_bits = ^{d_count, r_ready};
endmodule

`default_nettype wire
