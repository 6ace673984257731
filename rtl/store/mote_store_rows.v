// mote_store_rows.v: the row-parallel store path (PPU_SERIAL = 0): executes
// STORE and store-queue SYNC commands a whole accumulator row at a time.
// Decode (errors, tokens) -> row issue (bias rows, accumulator rows, addresses)
// -> PPU lanes (mote_requant, with ADD mote_store_add fed by the operand reader
// mote_store_operand) -> byte packing and alignment -> mote_store_writer.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// Cycle facts (P = COLS/PPU_LANES chunks per row, lane latency 4):
//  * decode: FIELD and bias-range checks at acceptance; the accumulator range
//    needs N_OUTER*N_INNER, done by shift-and-add over N_OUTER's bits (no
//    multiplier, overlaps the previous command); then tokens are popped.
//  * issue: 3 bias-buffer reads (bias, mult, shift), then one accumulator read
//    per P cycles while the writer FIFO has room (credits count rows in flight);
//    the accumulator row index and the address are computed incrementally.
//  * acc read at t, lanes fed at t+1..t+P, row packed and aligned into the
//    FIFO at t+P+4, first word request at t+P+6 when memory is ready.
//  A row that fits one memory word takes one cycle; the unit streams one
//  accumulator row per cycle (per P cycles) after 4 setup cycles per command.
//  * ADD: the operand reader starts with the command (at the token pop) and
//    prefetches operand rows into its FIFO; an accumulator row is read only
//    when its operand row is there and not yet claimed by an earlier row
//    (claims count rows issued whose operand the add lanes have not popped).
//    The add lanes add 3 cycles of latency; with ADD each row also costs a
//    read, so rows stream at the memory's pace.
module mote_store_rows #(
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
	// requantization lanes (divides COLS)
	parameter PPU_LANES = COLS,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// 1: STORE ADD (operand read master and add lanes; FEATURES.STORE_ADD)
	parameter STORE_ADD = 1,
	// 1: STORE ROUND_TFL (FEATURES.ROUND_TFL); 0: the flag is FIELD
	parameter ROUND_TFL = 1,
	// buffer address widths (derived)
	parameter AW_B = (BBUF_DEPTH <= 2) ? 1 : $clog2(BBUF_DEPTH),
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
	output wire                      o_acc_re,
	output wire [AW_C-1:0]           o_acc_raddr,
	input  wire [COLS*32-1:0]        i_acc_rdata,
	// the accumulator's read port is free this cycle (with one copy of it the
	// compute unit's reads come first; o_acc_re is raised only when free);
	// i_acc_rdata keeps the last row this unit read until its next read
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
	output wire                      o_idle,
	output wire                      o_busy,
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
	localparam P    = COLS / PPU_LANES;            // cycles per row in the lanes
	localparam CHW  = (P > 1) ? $clog2(P) : 1;     // chunk index bits
	localparam LGMB = $clog2(MEM_BYTES);
	localparam RB   = 4 * COLS;                     // bytes of an INT32 row
	localparam NW   = (MEM_BYTES - 1 + RB + MEM_BYTES - 1) / MEM_BYTES; // words per row, worst case
	localparam WB   = NW * MEM_BYTES;
	localparam NWB  = $clog2(NW + 1);
	localparam NBB  = $clog2(WB + 1);
	// the writer FIFO covers the rows in the lanes (3 more with the add lanes)
	localparam LG_FIFO = STORE_ADD ? 4 : 3;
	localparam LG_OPND = 4;
	localparam EW   = WB * 8 + (32 - LGMB) + LGMB + NBB + NWB + 2 + 32;
	localparam [31:0] PM1  = P - 1;
	localparam unused_rows = ROWS;   // kept for a uniform parameter list
	localparam [31:0] FIFO_N = 1 << LG_FIFO;
	localparam [31:0] ACC32  = ACC_DEPTH;

	wire clear = rst || i_abort;
	reg  halted_q;
	integer k;

	// ================================================================ decode
	wire [7:0]  c_op  = i_cmd[`MOTE_HDR_OPCODE];
	wire        c_st  = (c_op == `MOTE_OP_STORE);
	wire [15:0] c_nc  = i_cmd[`MOTE_STORE_NCOLS];
	wire [15:0] c_bias = i_cmd[`MOTE_STORE_BIAS_ROW];
	wire [31:0] c_bias_end = {16'd0, c_bias} + `MOTE_BIAS_ROWS;
	wire c_add = c_st && i_cmd[`MOTE_STORE_ADD];
	wire c_field = i_cmd[`MOTE_HDR_POP_NEXT] || i_cmd[`MOTE_HDR_PUSH_NEXT] ||
		       (c_st && {16'd0, c_nc} > COLS) ||
		       (c_add && (i_cmd[`MOTE_STORE_INT32] || STORE_ADD == 0)) ||
		       (c_st && i_cmd[`MOTE_STORE_ROUND_TFL] && ROUND_TFL == 0);
	wire c_brange = c_st && c_bias_end > BBUF_DEPTH;

	localparam A_IDLE = 3'd0, A_B0 = 3'd1, A_B1 = 3'd2, A_B2 = 3'd3, A_ROWS = 3'd4, A_MARK = 3'd5;
	reg         h_valid_q, h_field_q, h_brange_q, h_st_q, h_pop_q, h_push_q, h_int32_q, h_tfl_q;
	reg [15:0]  h_acc_q, h_bias_q, h_ni_q, h_no_q, h_nc_q;
	reg [15:0]  h_zp_q, h_lo_q, h_hi_q;
	reg [31:0]  h_addr0_q, h_is_q, h_os_q, h_idx_q;
	// ADD fields: {u8, add_zp, add_ozp, ma, mb, lo, hi, shift}
	localparam ADW = 1 + 16 * 6 + 6;
	reg         h_add_q;
	reg [ADW-1:0] h_addf_q;
	reg [31:0]  h_aaddr_q;
	reg [31:0]  h_prod_q, h_mcand_q;    // N_OUTER*N_INNER by shift and add
	reg [15:0]  h_mplier_q;
	wire        h_mul_done = (h_mplier_q == 16'd0);
	wire        h_ready = h_valid_q && h_mul_done;
	wire        a_accept;
	// An ADD command starts the operand reader once every earlier row is
	// written (its writes accepted, so the in-order memory returns them to
	// the reads: an operand may be an earlier STORE's output).
	wire        rd_ready, w_busy;
	reg  [LG_FIFO+1:0] infl_q;
	// after an operand read fault no command starts; the issue stage stops by
	// itself at the row whose operand never comes
	reg         r_halt_q;
	wire        stop    = halted_q || r_halt_q;
	// The decoded command's checks and the go / fail decision, formed only
	// while a command is ready (a simulator skips them in every other cycle).
	// h_tokonly: no rows to write (SYNC, or no rows or columns), only tokens.
	reg  [7:0]  h_err;
	reg         h_tokonly, tok_ok, h_go, h_fail;
	always @(*) begin
		h_err     = `MOTE_ERR_NONE;
		h_tokonly = 1'b0;
		tok_ok    = 1'b0;
		h_go      = 1'b0;
		h_fail    = 1'b0;
		if (h_ready) begin
			h_tokonly = !h_st_q || h_prod_q == 32'd0 || h_nc_q == 16'd0;
			// the accumulator rows N_OUTER*N_INNER from ACC_ROW must exist
			h_err     = h_field_q ? `MOTE_ERR_FIELD :
				    (h_brange_q || (h_st_q && h_prod_q != 32'd0 &&
						    {18'd0, h_acc_q} + {2'd0, h_prod_q} > {2'b00, ACC32})) ?
				    `MOTE_ERR_STORE_RANGE : `MOTE_ERR_NONE;
			tok_ok    = !h_pop_q || i_tok_c2s_avail;
			h_go      = h_err == `MOTE_ERR_NONE && tok_ok && a_accept && !stop &&
				    (!h_add_q || h_tokonly ||
				     (rd_ready && a_state_q == A_IDLE && infl_q == 0 && !w_busy));
			h_fail    = h_err != `MOTE_ERR_NONE && !stop;
		end
	end
	assign o_cmd_ready   = !stop && (!h_valid_q || h_go);
	assign o_tok_c2s_pop = h_go && h_pop_q;

	always @(posedge clk) begin
		if (clear)
			h_valid_q <= 1'b0;
		else if (i_cmd_valid && o_cmd_ready)
			h_valid_q <= 1'b1;
		else if (h_go || h_fail)
			h_valid_q <= 1'b0;
		if (i_cmd_valid && o_cmd_ready) begin
			h_field_q  <= c_field;
			h_brange_q <= c_brange;
			h_st_q     <= c_st;
			h_pop_q    <= i_cmd[`MOTE_HDR_POP_PREV];
			h_push_q   <= i_cmd[`MOTE_HDR_PUSH_PREV];
			h_int32_q  <= i_cmd[`MOTE_STORE_INT32];
			h_tfl_q    <= i_cmd[`MOTE_STORE_ROUND_TFL];
			h_add_q    <= c_add;
			h_addf_q   <= {i_cmd[`MOTE_STORE_ADD_U8], i_cmd[`MOTE_STORE_ADD_ZP],
				       i_cmd[`MOTE_STORE_ADD_OUT_ZP], i_cmd[`MOTE_STORE_ADD_MULT_A],
				       i_cmd[`MOTE_STORE_ADD_MULT_B], i_cmd[`MOTE_STORE_ADD_LO],
				       i_cmd[`MOTE_STORE_ADD_HI], i_cmd[`MOTE_STORE_ADD_SHIFT]};
			h_aaddr_q  <= i_cmd[`MOTE_STORE_ADD_ADDR0];
			h_acc_q    <= i_cmd[`MOTE_STORE_ACC_ROW];
			h_bias_q   <= c_bias;
			h_ni_q     <= i_cmd[`MOTE_STORE_N_INNER];
			h_no_q     <= i_cmd[`MOTE_STORE_N_OUTER];
			h_nc_q     <= c_nc;
			h_zp_q     <= i_cmd[`MOTE_STORE_OUT_ZP];
			h_lo_q     <= i_cmd[`MOTE_STORE_CLAMP_LO];
			h_hi_q     <= i_cmd[`MOTE_STORE_CLAMP_HI];
			h_addr0_q  <= i_cmd[`MOTE_STORE_ADDR0];
			h_is_q     <= i_cmd[`MOTE_STORE_INNER_STRIDE];
			h_os_q     <= i_cmd[`MOTE_STORE_OUTER_STRIDE];
			h_idx_q    <= i_cmd_idx;
			h_prod_q   <= 32'd0;
			h_mcand_q  <= {16'd0, i_cmd[`MOTE_STORE_N_INNER]};
			h_mplier_q <= c_st ? i_cmd[`MOTE_STORE_N_OUTER] : 16'd0;
		end else if (!h_mul_done) begin
			if (h_mplier_q[0])
				h_prod_q <= h_prod_q + h_mcand_q;
			h_mcand_q  <= {h_mcand_q[30:0], 1'b0};
			h_mplier_q <= {1'b0, h_mplier_q[15:1]};
		end
	end

	// ================================================================ issue
	reg [2:0]      a_state_q;
	reg            a_int32_q, a_tfl_q, a_push_q, a_add_q;
	reg [ADW-1:0]  a_addf_q;
	reg [15:0]     a_zp_q, a_lo_q, a_hi_q;
	reg [NBB-1:0]  a_nb_q;              // bytes per output row
	reg [AW_B-1:0] a_baddr_q;
	reg [AW_C-1:0] a_acc_q;
	reg [15:0]     a_i_q, a_o_q, a_ni_q, a_no_q;
	reg [31:0]     a_row_q, a_outer_q, a_is_q, a_os_q, a_idx_q;
	reg [CHW-1:0]  a_ch_q;
	reg [1:0]      cap_q;               // bias row arriving: 1 bias, 2 mult, 3 shift
	reg [COLS*32-1:0] bias_q, mult_q;
	reg [COLS*6-1:0]  shift_q;

	// credits: rows issued but not yet in the writer FIFO (infl_q), plus the FIFO count
	wire [LG_FIFO:0]   fifo_count;
	wire               fifo_push;
	wire credit = ({{(32-LG_FIFO-2){1'b0}}, infl_q} + {{(31-LG_FIFO){1'b0}}, fifo_count}) < FIFO_N;

	wire a_row_end  = (a_ch_q == PM1[CHW-1:0]);
	wire a_cmd_end  = (a_i_q + 1'b1 == a_ni_q) && (a_o_q + 1'b1 == a_no_q);
	// operand rows in the reader's FIFO not claimed by an issued row
	reg  [LG_OPND:0] claim_q;
	wire [LG_OPND:0] opnd_count;
	wire             opnd_pop;
	wire opnd_ok    = !a_add_q || opnd_count > claim_q;
	wire a_read     = !halted_q && a_state_q == A_ROWS && a_ch_q == 0 && credit && opnd_ok && i_acc_free;
	wire a_step     = !halted_q && a_state_q == A_ROWS && (a_ch_q != 0 || (credit && opnd_ok && i_acc_free));
	wire a_mark     = !halted_q && a_state_q == A_MARK && credit;
	wire a_done     = a_mark || (a_step && a_row_end && a_cmd_end);
	assign a_accept = a_state_q == A_IDLE || a_done;
	assign o_bbuf_re    = a_state_q == A_B0 || a_state_q == A_B1 || a_state_q == A_B2;
	assign o_bbuf_raddr = a_baddr_q;
	assign o_acc_re     = a_read;
	assign o_acc_raddr  = a_acc_q;

	wire [NBB+1:0] h_nb = h_int32_q ? {h_nc_q[NBB-1:0], 2'b00} : {2'b00, h_nc_q[NBB-1:0]};
	always @(posedge clk) begin
		if (clear) begin
			a_state_q <= A_IDLE;
			cap_q     <= 2'd0;
		end else begin
			cap_q <= (a_state_q == A_B0) ? 2'd1 : (a_state_q == A_B1) ? 2'd2 :
				 (a_state_q == A_B2) ? 2'd3 : 2'd0;
			if (h_go)
				a_state_q <= h_tokonly ? A_MARK : A_B0;
			else if (a_done)
				a_state_q <= A_IDLE;
			else if (a_state_q == A_B0)
				a_state_q <= A_B1;
			else if (a_state_q == A_B1)
				a_state_q <= A_B2;
			else if (a_state_q == A_B2)
				a_state_q <= A_ROWS;
		end
		if (h_go) begin
			a_int32_q <= h_int32_q;
			a_tfl_q   <= h_tfl_q;
			a_push_q  <= h_push_q;
			a_add_q   <= h_add_q;
			a_addf_q  <= h_addf_q;
			a_zp_q    <= h_zp_q;
			a_lo_q    <= h_lo_q;
			a_hi_q    <= h_hi_q;
			a_nb_q    <= h_nb[NBB-1:0];
			a_baddr_q <= h_bias_q[AW_B-1:0];
			a_acc_q   <= h_acc_q[AW_C-1:0];
			a_i_q     <= 16'd0;
			a_o_q     <= 16'd0;
			a_ni_q    <= h_ni_q;
			a_no_q    <= h_no_q;
			a_row_q   <= h_addr0_q;
			a_outer_q <= h_addr0_q;
			a_is_q    <= h_is_q;
			a_os_q    <= h_os_q;
			a_idx_q   <= h_idx_q;
			a_ch_q    <= 0;
		end else begin
			if (o_bbuf_re)
				a_baddr_q <= a_baddr_q + 1'b1;
			if (a_step) begin
				a_ch_q <= a_row_end ? {CHW{1'b0}} : a_ch_q + 1'b1;
				if (a_row_end) begin
					a_acc_q <= a_acc_q + 1'b1;
					if (a_i_q + 1'b1 == a_ni_q) begin
						a_i_q     <= 16'd0;
						a_o_q     <= a_o_q + 1'b1;
						a_outer_q <= a_outer_q + a_os_q;
						a_row_q   <= a_outer_q + a_os_q;
					end else begin
						a_i_q   <= a_i_q + 1'b1;
						a_row_q <= a_row_q + a_is_q;
					end
				end
			end
		end
		if (cap_q == 2'd1)
			bias_q <= i_bbuf_rdata;
		if (cap_q == 2'd2)
			mult_q <= i_bbuf_rdata;
		for (k = 0; k < COLS; k = k + 1)
			if (cap_q == 2'd3)
				shift_q[6*k +: 6] <= i_bbuf_rdata[32*k +: 6];
	end

	// ================================================================ lanes (mote_store_ppu)
	// feed register: the chunk at the lanes' inputs this cycle
	reg            f_valid_q, f_mark_q, f_last_q, f_push_q, f_int32_q, f_tfl_q, f_end_q, f_add_q;
	reg [ADW-1:0]  f_addf_q;
	reg [CHW-1:0]  f_ch_q;
	reg [15:0]     f_zp_q, f_lo_q, f_hi_q;
	reg [31:0]     f_addr_q, f_idx_q;
	reg [NBB-1:0]  f_nb_q;
	always @(posedge clk) begin
		if (clear)
			f_valid_q <= 1'b0;
		else
			f_valid_q <= a_step || a_mark;
		if (a_step || a_mark) begin
			f_mark_q  <= a_mark;
			f_last_q  <= a_mark || a_cmd_end;
			f_end_q   <= a_mark || a_row_end;
			f_push_q  <= a_push_q;
			f_int32_q <= a_int32_q;
			f_tfl_q   <= a_tfl_q;
			f_add_q   <= a_add_q && !a_mark;
			f_addf_q  <= a_addf_q;
			f_ch_q    <= a_ch_q;
			f_zp_q    <= a_zp_q;
			f_lo_q    <= a_lo_q;
			f_hi_q    <= a_hi_q;
			f_addr_q  <= a_row_q;
			f_idx_q   <= a_idx_q;
			f_nb_q    <= a_nb_q;
		end
	end

	wire [EW-1:0] row_entry;
	wire [COLS*8-1:0] opnd_row;
	mote_store_ppu #(.COLS(COLS), .PPU_LANES(PPU_LANES), .MEM_BYTES(MEM_BYTES), .NW(NW),
			 .STORE_ADD(STORE_ADD), .ROUND_TFL(ROUND_TFL)) u_ppu (
		.clk     (clk),
		.rst     (clear),
		.i_valid (f_valid_q),
		.i_mark  (f_mark_q),
		.i_last  (f_last_q),
		.i_end   (f_end_q),
		.i_push  (f_push_q),
		.i_int32 (f_int32_q),
		.i_tfl   (f_tfl_q),
		.i_ch    (f_ch_q),
		.i_zp    (f_zp_q),
		.i_lo    (f_lo_q),
		.i_hi    (f_hi_q),
		.i_add       (f_add_q),
		.i_add_u8    (f_addf_q[ADW-1]),
		.i_add_zp    (f_addf_q[6+16*5 +: 16]),
		.i_add_ozp   (f_addf_q[6+16*4 +: 16]),
		.i_add_ma    (f_addf_q[6+16*3 +: 16]),
		.i_add_mb    (f_addf_q[6+16*2 +: 16]),
		.i_add_lo    (f_addf_q[6+16 +: 16]),
		.i_add_hi    (f_addf_q[6 +: 16]),
		.i_add_shift (f_addf_q[5:0]),
		.i_opnd      (opnd_row),
		.o_opnd_pop  (opnd_pop),
		.i_nb    (f_nb_q),
		.i_addr  (f_addr_q),
		.i_idx   (f_idx_q),
		.i_acc   (i_acc_rdata),
		.i_bias  (bias_q),
		.i_mult  (mult_q),
		.i_shift (shift_q),
		.o_valid (fifo_push),
		.o_row   (row_entry)
	);

	always @(posedge clk) begin
		if (clear) begin
			infl_q  <= 0;
			claim_q <= 0;
		end else begin
			infl_q <= infl_q + {{(LG_FIFO+1){1'b0}}, a_read || a_mark} -
				  {{(LG_FIFO+1){1'b0}}, fifo_push};
			claim_q <= claim_q + {{LG_OPND{1'b0}}, a_read && a_add_q} -
				   {{LG_OPND{1'b0}}, opnd_pop};
		end
	end

	// ================================================================ operand reads (ADD)
	wire        r_err, r_idle;
	wire [31:0] r_err_idx, r_err_addr;
	generate
		if (STORE_ADD != 0) begin : g_opnd
			mote_store_operand #(.COLS(COLS), .MEM_BYTES(MEM_BYTES), .NUM_WINDOWS(NUM_WINDOWS),
					     .LG_ROWS(LG_OPND)) u_opnd (
				.clk          (clk),
				.rst          (rst),
				.i_abort      (i_abort),
				.i_start      (h_go && h_add_q && !h_tokonly),
				.o_ready      (rd_ready),
				.i_addr0      (h_aaddr_q),
				.i_is         (h_is_q),
				.i_os         (h_os_q),
				.i_ni         (h_ni_q),
				.i_no         (h_no_q),
				.i_nb         (h_nc_q),
				.i_idx        (h_idx_q),
				.o_row        (opnd_row),
				.o_count      (opnd_count),
				.i_pop        (opnd_pop),
				.o_req_valid  (o_rd_req_valid),
				.i_req_ready  (i_rd_req_ready),
				.o_req_addr   (o_rd_req_addr),
				.i_resp_valid (i_rd_resp_valid),
				.i_resp_data  (i_rd_resp_data),
				.i_win_base   (i_win_base),
				.i_win_size   (i_win_size),
				.i_win_perm   (i_win_perm),
				.o_err_valid  (r_err),
				.o_err_idx    (r_err_idx),
				.o_err_addr   (r_err_addr),
				.o_idle       (r_idle)
			);
		end else begin : g_noopnd
			// ADD is FIELD at decode: nothing here ever runs
			assign rd_ready       = 1'b1;
			assign opnd_row       = {(COLS*8){1'b0}};
			assign opnd_count     = 0;
			assign o_rd_req_valid = 1'b0;
			assign o_rd_req_addr  = 32'd0;
			assign r_err          = 1'b0;
			assign r_err_idx      = 32'd0;
			assign r_err_addr     = 32'd0;
			assign r_idle         = 1'b1;
			wire unused_rd = &{1'b0, i_rd_req_ready, i_rd_resp_valid, i_rd_resp_data, h_aaddr_q};
		end
	endgenerate

	// ================================================================ write
	wire        w_push, w_retire, w_err, w_pop;
	wire [31:0] w_err_idx, w_err_addr, w_head_idx, w_push_idx;
	mote_store_writer #(.MEM_BYTES(MEM_BYTES), .NW(NW), .NUM_WINDOWS(NUM_WINDOWS), .LG_FIFO(LG_FIFO)) u_wr (
		.clk          (clk),
		.rst          (rst),
		.i_abort      (i_abort),
		.i_row_valid  (fifo_push),
		.i_row        (row_entry),
		.o_fifo_count (fifo_count),
		.o_fifo_pop   (w_pop),
		.o_req_valid  (o_req_valid),
		.i_req_ready  (i_req_ready),
		.o_req_addr   (o_req_addr),
		.o_req_wdata  (o_req_wdata),
		.o_req_wstrb  (o_req_wstrb),
		.i_win_base   (i_win_base),
		.i_win_size   (i_win_size),
		.i_win_perm   (i_win_perm),
		.o_push       (w_push),
		.o_retire     (w_retire),
		.o_err_valid  (w_err),
		.o_err_idx    (w_err_idx),
		.o_err_addr   (w_err_addr),
		.o_busy       (w_busy),
		.o_head_idx   (w_head_idx),
		.o_push_idx   (w_push_idx)
	);
	assign o_req_write    = 1'b1;
	assign o_tok_s2c_push = w_push;
	assign o_push_idx     = w_push_idx;
	assign o_retire       = w_retire;

	// ================================================================ errors
	reg        err_valid_q;
	reg [7:0]  err_code_q;
	reg [31:0] err_idx_q, err_addr_q;
	always @(posedge clk) begin
		if (clear) begin
			halted_q    <= 1'b0;
			r_halt_q    <= 1'b0;
			err_valid_q <= 1'b0;
		end else begin
			err_valid_q <= h_fail && !w_err && !r_err;
			if (h_fail || w_err)
				halted_q <= 1'b1;
			if (r_err)
				r_halt_q <= 1'b1;
		end
		if (h_fail) begin
			err_code_q <= h_err;
			err_idx_q  <= h_idx_q;
			err_addr_q <= 32'd0;
		end
	end
	// window errors are of older commands than a same-cycle decode error, and
	// the writer's (rows already computed) older than or as old as the reader's
	assign o_err_valid = err_valid_q || w_err || r_err;
	assign o_err_code  = w_err ? `MOTE_ERR_WRITE_WINDOW : r_err ? `MOTE_ERR_READ_WINDOW : err_code_q;
	assign o_err_idx   = w_err ? w_err_idx : r_err ? r_err_idx : err_idx_q;
	assign o_err_addr  = w_err ? w_err_addr : r_err ? r_err_addr : err_addr_q;

	// ================================================================ status
	assign o_idle = !h_valid_q && a_state_q == A_IDLE && infl_q == 0 && !w_busy && !err_valid_q &&
			r_idle && claim_q == 0;
	assign o_busy = !o_idle;
	assign o_cur_idx = w_busy ? w_head_idx : (a_state_q != A_IDLE) ? a_idx_q : h_idx_q;
	assign o_stall_dep = h_ready && h_err == `MOTE_ERR_NONE && !tok_ok && !stop;
	// waiting for memory: a write or an operand read not taken, or a row held
	// back because its operand has not arrived
	assign o_stall_mem = (o_req_valid && !i_req_ready) || (o_rd_req_valid && !i_rd_req_ready) ||
			     (!stop && a_state_q == A_ROWS && a_ch_q == 0 && credit && !opnd_ok);

	wire unused_ok = &{1'b0, i_cmd, c_op, w_pop, h_nb[NBB+1:NBB],
			   h_acc_q, h_bias_q, h_nc_q};
endmodule

`default_nettype wire
