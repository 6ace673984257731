// mote_store_serial.v: the narrow store path (PPU_SERIAL): executes STORE and
// store-queue SYNC commands one value at a time, for small FPGAs.  Decode and
// range check -> one accumulator value at a time through the shift-add lane
// (mote_requant_serial) -> a byte per write (mote_store_bytes).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// Contract and cycle facts (see rtl/README.md, "The narrow store path"):
//  * The command stays in the queue's entry register while it runs: its fields
//    are read from i_cmd, and o_cmd_ready takes it the cycle it retires (with
//    o_retire, and o_tok_s2c_push when PUSH_PREV), after its last write is
//    accepted.  A FIELD or STORE_RANGE command is taken with its error pulse.
//  * Decode: FIELD (token flags of no store queue, NCOLS > COLS, ADD) and the
//    bias range at once; the accumulator range by adding N_INNER to ACC_ROW
//    N_OUTER times (stopping at the first sum beyond ACC_DEPTH: at most
//    ACC_DEPTH+1 cycles, N_OUTER for a legal command); then the c2s token.
//  * Values, in row order then column order: the shift word read (P0, once
//    the lane no longer needs the previous value's multiplier on the bias
//    buffer's read data; not for INT32), then, when the lane is free and the
//    accumulator port too (i_acc_free), the bias word and the accumulator row
//    read together (P1, in the lane's last cycle at the earliest), then the
//    value enters the lane (P2, v = acc[column] + bias) while the multiplier
//    word is read (it stays on the read data for the lane's multiply steps).
//    The accumulator row is read once per value.
//  * The writer walks the output rows itself, a byte per write; WRITE_WINDOW
//    stops everything (nothing after the faulting word is written) until
//    i_abort.  The command retires once the lane holds no value and no byte.
module mote_store_serial #(
	// array columns: int32 values per accumulator row (power of two)
	parameter COLS = 4,
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 8,
	// bias buffer rows (COLS 32-bit words each)
	parameter BBUF_DEPTH = 24,
	// accumulator rows
	parameter ACC_DEPTH = 256,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// address bits of the device's memory (the writer's window scan)
	parameter ADDR_W = 32,
	// 0: its own write check (mote_window_scan); 1: a shared checker's
	// (mote_window_share, in mote_top) through o_wc / i_wc
	parameter WIN_EXT = 0,
	// buffer address widths (derived)
	parameter AW_B = $clog2(BBUF_DEPTH * COLS),
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
	input  wire [31:0]               i_bbuf_rdata,
	output wire                      o_acc_re,
	output wire [AW_C-1:0]           o_acc_raddr,
	input  wire [COLS*32-1:0]        i_acc_rdata,
	input  wire                      i_acc_free,
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	output wire [MEM_BYTES*8-1:0]    o_req_wdata,
	output wire [MEM_BYTES-1:0]      o_req_wstrb,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT): {clear, want, address} and the
	// word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
	output wire                      o_idle,
	output wire                      o_retire,
	output wire                      o_err_valid,
	output wire [7:0]                o_err_code,
	output wire [31:0]               o_err_idx,
	output wire [31:0]               o_err_addr,
	output wire [31:0]               o_cur_idx,
	output wire [31:0]               o_push_idx,
	output wire                      o_stall_dep,
	output wire                      o_stall_mem
);
	localparam CW  = (COLS > 1) ? $clog2(COLS) : 1;
	localparam RW  = AW_B - CW;                     // bias-buffer row bits
	localparam NBW = $clog2(4 * COLS + 1);          // bytes per output row
	localparam UW  = AW_C + 2;                      // ACC_ROW + k*N_INNER <= 2*ACC_DEPTH
	localparam [31:0] COLS32 = COLS, ACC32 = ACC_DEPTH, BB_LAST32 = BBUF_DEPTH - `MOTE_BIAS_ROWS;
	localparam [UW-1:0] ACC_END = ACC32[UW-1:0];
	localparam [15:0] COLS16 = COLS32[15:0], BB_LAST = BB_LAST32[15:0];

	wire clear = rst || i_abort;

	// x > k (unsigned) as plain logic: Yosys 0.23 builds a carry chain (a LUT
	// and a carry per bit) for any comparison, even with a constant
	function gtc;
		input [15:0] x, k;
		integer i;
		reg eq;
		begin
			gtc = 1'b0;
			eq  = 1'b1;
			for (i = 15; i >= 0; i = i - 1) begin
				gtc = gtc || (eq && x[i] && !k[i]);
				eq  = eq && x[i] == k[i];
			end
		end
	endfunction

	// ================================================================ the command (held in the queue)
	wire        c_st     = i_cmd[`MOTE_HDR_OPCODE] == `MOTE_OP_STORE;
	wire        c_pop    = i_cmd[`MOTE_HDR_POP_PREV];
	wire        c_push   = i_cmd[`MOTE_HDR_PUSH_PREV];
	wire        c_int32  = i_cmd[`MOTE_STORE_INT32];
	wire [15:0] c_acc    = i_cmd[`MOTE_STORE_ACC_ROW];
	wire [15:0] c_bias   = i_cmd[`MOTE_STORE_BIAS_ROW];
	wire [15:0] c_ni     = i_cmd[`MOTE_STORE_N_INNER];
	wire [15:0] c_no     = i_cmd[`MOTE_STORE_N_OUTER];
	wire [15:0] c_nc     = i_cmd[`MOTE_STORE_NCOLS];
	wire [15:0] c_zp     = i_cmd[`MOTE_STORE_OUT_ZP];
	wire [15:0] c_lo     = i_cmd[`MOTE_STORE_CLAMP_LO];
	wire [15:0] c_hi     = i_cmd[`MOTE_STORE_CLAMP_HI];
	wire        c_field  = i_cmd[`MOTE_HDR_POP_NEXT] || i_cmd[`MOTE_HDR_PUSH_NEXT] ||
			       (c_st && (gtc(c_nc, COLS16) || i_cmd[`MOTE_STORE_ADD] || i_cmd[`MOTE_STORE_ROUND_TFL]));
	wire        c_brange = c_st && gtc(c_bias, BB_LAST);
	// no rows: no accumulator range check; no bytes: tokens only
	wire        c_rows0  = !c_st || c_ni == 16'd0 || c_no == 16'd0;
	wire        c_tokonly = c_rows0 || c_nc == 16'd0;
	// rows beyond the accumulator whatever the rest (N_INNER, N_OUTER >= 1):
	// ACC_ROW, N_INNER or N_OUTER of 2^(UW-1) > ACC_DEPTH or more; below that
	// the range check's sums decide
	wire        c_big    = |{c_acc[15:UW-1], c_ni[15:UW-1], c_no[15:UW-1]};
	// CLAMP_LO > CLAMP_HI (signed), as logic
	wire        c_lo_gt_hi = gtc(c_lo ^ 16'h8000, c_hi ^ 16'h8000);
	wire [NBW-1:0] c_nb  = c_int32 ? {c_nc[NBW-3:0], 2'b00} : c_nc[NBW-1:0];
	wire [CW-1:0]  c_last_col = c_nc[CW-1:0] - 1'b1;

	// ================================================================ control
	localparam [2:0] C_IDLE = 3'd0, C_ERR = 3'd1, C_RNG = 3'd2, C_TOK = 3'd3,
			 C_RUN = 3'd4, C_DRAIN = 3'd5, C_RET = 3'd6;
	reg  [2:0]    st_q;
	reg  [1:0]    ph_q;               // value phase
	reg           halted_q;
	reg  [7:0]    err_code_q;
	reg  [UW-1:0] u_q;                // ACC_ROW + k*N_INNER, then the end row
	reg  [CW-1:0] col_q;              // column being issued
	// accumulator row being issued (the range check counts its k here)
	reg  [UW-1:0] row_q;
	reg  [5:0]    s_q;                // shift of the value being issued

	wire          l_ready, l_mfree, l_busy, l_bvalid, w_bready;
	wire [7:0]    l_byte;
	wire          w_err;
	wire [31:0]   w_err_addr;

	wire [UW-1:0] u_next   = u_q + c_ni[UW-1:0];
	wire          rng_done = row_q[UW-2:0] == c_no[UW-2:0];
	wire          tok_ok   = !c_pop || i_tok_c2s_avail;
	wire          run      = st_q == C_RUN && !halted_q;
	wire          sh_rd    = run && ph_q == 2'd0 && l_mfree;
	wire          acc_go   = run && ph_q == 2'd1 && l_ready && i_acc_free;
	wire          l_load   = run && ph_q == 2'd2;
	wire          v_last   = col_q == c_last_col && row_q + 1'b1 == u_q;
	wire          w_start  = st_q == C_TOK && tok_ok && !c_tokonly;
	// the writer starts the cycle after (its first byte is twenty cycles or
	// more away): its address adder then takes ADDR0 on a register's word, not
	// at the end of the command's and the tokens' decode
	reg           w_start_q;
	// the writer's walk rests at 0 outside a command: its error address is
	// then 0, as ERR_ADDR must be for FIELD and STORE_RANGE
	wire          w_idle   = st_q == C_IDLE || st_q == C_ERR || st_q == C_RNG || st_q == C_RET;

	always @(posedge clk)
		w_start_q <= w_start && !clear;

	always @(posedge clk) begin
		if (clear) begin
			st_q     <= C_IDLE;
			halted_q <= 1'b0;
		end else begin
			if (w_err)
				halted_q <= 1'b1;
			case (st_q)
			C_IDLE:
				if (i_cmd_valid && !halted_q) begin
					if (c_field || c_brange || (!c_rows0 && c_big))
						st_q <= C_ERR;
					else
						st_q <= c_rows0 ? C_TOK : C_RNG;
				end
			C_ERR: begin
				st_q     <= C_IDLE;
				halted_q <= 1'b1;
			end
			C_RNG:
				if (rng_done)
					st_q <= C_TOK;
				else if (gtc({{(16-UW){1'b0}}, u_next}, {{(16-UW){1'b0}}, ACC_END}))
					st_q <= C_ERR;
			C_TOK:
				if (tok_ok)
					st_q <= c_tokonly ? C_RET : C_RUN;
			C_RUN:
				if (l_load && v_last)
					st_q <= C_DRAIN;
			C_DRAIN:
				// the lane's last byte out and the writer's request taken
				if (!l_busy && !o_req_valid)
					st_q <= C_RET;
			default:
				st_q <= C_IDLE;
			endcase
		end
	end

	always @(posedge clk) begin
		// the code of the error the state can raise
		if (st_q == C_IDLE)
			err_code_q <= c_field ? `MOTE_ERR_FIELD : `MOTE_ERR_STORE_RANGE;
		else if (st_q == C_RNG)
			err_code_q <= `MOTE_ERR_STORE_RANGE;
		else if (st_q == C_TOK)
			err_code_q <= `MOTE_ERR_WRITE_WINDOW;
		// the range check: k (in row_q) outer rows added to ACC_ROW
		if (st_q == C_IDLE)
			u_q <= c_acc[UW-1:0];
		else if (st_q == C_RNG && !rng_done)
			u_q <= u_next;
		if (st_q == C_IDLE)
			row_q <= {UW{1'b0}};
		else if (st_q == C_TOK)
			row_q <= c_acc[UW-1:0];
		else if ((st_q == C_RNG && !rng_done) || (l_load && col_q == c_last_col))
			row_q <= row_q + 1'b1;
		// P0 shift read, P1 bias and accumulator reads, P2 the value enters the lane
		if (st_q == C_TOK) begin
			ph_q  <= c_int32 ? 2'd1 : 2'd0;
			col_q <= {CW{1'b0}};
		end else if (sh_rd || acc_go) begin
			ph_q <= ph_q + 1'b1;
		end else if (l_load) begin
			ph_q  <= c_int32 ? 2'd1 : 2'd0;
			col_q <= (col_q == c_last_col) ? {CW{1'b0}} : col_q + 1'b1;
		end
		// the shift word is on the bus in P1 (the bias read replaces it the
		// cycle after)
		if (ph_q == 2'd1)
			s_q <= i_bbuf_rdata[5:0];
	end

	// bias-buffer word (BIAS_ROW + {bias 0, mult 1, shift 2}) * COLS + column
	wire [1:0] b_sel   = (ph_q == 2'd0) ? 2'd2 : (ph_q == 2'd1) ? 2'd0 : 2'd1;
	wire [RW-1:0] b_row = c_bias[RW-1:0] + {{(RW-2){1'b0}}, b_sel};
	assign o_bbuf_re    = sh_rd || acc_go || (l_load && !c_int32);
	assign o_bbuf_raddr = {b_row, col_q};
	assign o_acc_re     = acc_go;
	assign o_acc_raddr  = row_q[AW_C-1:0];

	// ================================================================ lane and writer
	mote_requant_serial u_lane (
		.clk(clk), .rst(clear), .i_load(l_load), .o_ready(l_ready),
		.i_acc(i_acc_rdata[32*col_q +: 32]), .i_data(i_bbuf_rdata), .i_shift(s_q), .i_int32(c_int32),
		.o_mfree(l_mfree),
		.i_zp(c_zp), .i_lo(c_lo), .i_hi(c_hi), .i_lo_gt_hi(c_lo_gt_hi),
		.o_bvalid(l_bvalid), .o_byte(l_byte), .i_bready(w_bready), .o_busy(l_busy));

	mote_store_bytes #(.MEM_BYTES(MEM_BYTES), .NUM_WINDOWS(NUM_WINDOWS), .ADDR_W(ADDR_W), .NBW(NBW), .CNW(UW-1), .WIN_EXT(WIN_EXT)) u_wr (
		.clk(clk), .rst(clear), .i_idle(w_idle), .i_start(w_start_q),
		.i_addr0(i_cmd[`MOTE_STORE_ADDR0]), .i_is(i_cmd[`MOTE_STORE_INNER_STRIDE]),
		.i_os(i_cmd[`MOTE_STORE_OUTER_STRIDE]), .i_ni(c_ni), .i_nb(c_nb),
		.i_bvalid(l_bvalid), .o_bready(w_bready), .i_byte(l_byte),
		.o_req_valid(o_req_valid), .i_req_ready(i_req_ready), .o_req_addr(o_req_addr),
		.o_req_wdata(o_req_wdata), .o_req_wstrb(o_req_wstrb),
		.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm), .o_wc(o_wc), .o_wc_take(o_wc_take), .i_wc(i_wc),
		.o_err(w_err), .o_err_addr(w_err_addr));

	// ================================================================ status
	assign o_cmd_ready    = st_q == C_ERR || st_q == C_RET;
	assign o_retire       = st_q == C_RET;
	assign o_tok_s2c_push = st_q == C_RET && c_push;
	assign o_tok_c2s_pop  = st_q == C_TOK && c_pop && i_tok_c2s_avail;
	assign o_err_valid    = st_q == C_ERR || w_err;
	assign o_err_code     = err_code_q;
	assign o_err_idx      = i_cmd_idx;
	assign o_err_addr     = w_err_addr;
	assign o_cur_idx      = i_cmd_idx;
	assign o_push_idx     = i_cmd_idx;   // the command is held until it retires
	assign o_idle         = st_q == C_IDLE;
	assign o_stall_dep    = st_q == C_TOK && !tok_ok;
	assign o_stall_mem    = o_req_valid && !i_req_ready;

	wire unused_ok = &{1'b0, i_cmd, c_nc[15:NBW], c_bias[15:RW], i_bbuf_rdata[31:6]};
endmodule

`default_nettype wire
