// mote_compute_unit.v: executes MATMUL and compute-queue SYNC commands.
// Three command stages (decode+tokens, weight load into the shadow bank,
// activation streaming) feed the array; a metadata delay line beside the array
// drives the accumulator read-modify-write, token pushes and retirement.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// Cycle facts (LAT = ROWS+COLS-1, one more with MUL_CELL; 5 with ARRAY_BCAST):
//  * H (decode): the command waits in the compute queue's entry (taken as it
//    passes to W); range/field errors are computed the cycle it arrives, so it
//    may pass (or fail) from the next; waits for the popped token counters,
//    pops them all in one cycle as it passes to W.
//  * W (weights): with LOAD_WEIGHTS reads weight rows WGT_ROW+ROWS-1 down to
//    WGT_ROW (one per cycle) into the bank the current tile does not use,
//    first waiting until the last row that used that bank is ROWS-1 cycles
//    old (mote_array hazard rule).  Passes to S in the cycle of its last read.
//  * S (stream): one abuf read per cycle, no stall; a tokens-only command
//    (NROWS = 0, or SYNC) takes one marker slot instead.
//  * abuf read at t, row enters the array at t+1, acc read at t+LAT, sum at
//    t+LAT+1, acc write presented at t+LAT+2 together with the command's
//    token pushes and o_retire (its last row).  The write lands in the RAM at
//    the end of t+LAT+2, so the reads of the next two rows (t+LAT+1, t+LAT+2)
//    would miss it: instead of forwarding (two COLS*32-bit registers and a
//    3:1 multiplexer per bit), S holds an ACCUMULATE row whose accumulator row
//    one of the two rows before it writes (a bubble; only commands of one or
//    two rows on the same accumulator rows meet it, and those wait for
//    weights anyway).  Within a command the rows are distinct, so a
//    depthwise command (which must stream without gaps) is never held after
//    its first row.
//  * DEPTHWISE: the array gives output n with row n+COLS-1, so S marks the
//    first COLS-1 rows (and, with DW_STRIDE > 1, the rows between kept
//    outputs, and with DW_DROP the DW_DROP outputs after every DW_KEEP) as
//    not written; only written rows advance the accumulator row and count
//    useful MACs.
//  * ACC_MAX (with ACCUMULATE): the read-modify-write keeps max(old, sum) per
//    column, signed, instead of old + sum; it travels with ACCUMULATE in the
//    metadata beside the array, so dense and depthwise rows take it alike.
//  * SPARSE (2:4 weights, mote_hw.spec): W reads ROWS + ROWS/4 weight rows,
//    top down, in groups of five: the group's index row first (into widx_q,
//    its pairs checked the cycle its data arrives, columns below N_VALID),
//    then its four value rows, each shifted into the array with its 2-bit
//    indices (widx_q's top pair of each byte, then shifted up by two).  An
//    index row failing the check is error SPARSE_META for W's command (its
//    index kept in w_idx_q): W stops before it passes, so no row streams.
//    The check is done four reads before W's last, so W never passes with a
//    check outstanding; and while W holds a sparse load, a later command's
//    error in H waits, so the earlier command's error is the one reported.
//    S reads activation rows ACT_ROW+m and ACT_ROW_HI+m in one cycle from the
//    activation buffer's two banks (even and odd rows: the two differ in
//    parity), and the array gets the 2*ROWS bytes {hi, lo}.
module mote_compute_unit #(
	// array rows: reduction elements per pass
	parameter ROWS = 8,
	// array columns: output channels per pass
	parameter COLS = 8,
	// activation buffer rows (ROWS bytes each)
	parameter ABUF_DEPTH = 4096,
	// weight buffer rows (COLS bytes each)
	parameter WBUF_DEPTH = 1024,
	// accumulator rows (COLS int32 each)
	parameter ACC_DEPTH = 1024,
	// 1: MATMUL DEPTHWISE supported (FEATURES.DEPTHWISE)
	parameter DEPTHWISE = 1,
	// 1: MATMUL ACC_MAX supported (FEATURES.ACC_MAX); 0: ACC_MAX is FIELD
	parameter ACC_MAX = 1,
	// the array's multipliers (mote_array MUL_CELL: 0 in the PEs, 1 shared
	// registered cells, 2 those cells as iCE40 SB_MAC16; 1 and 2 add a cycle)
	parameter MUL_CELL = 0,
	// bits of the array's partial sums (mote_array PSUM_W)
	parameter PSUM_W = 32,
	// columns whose multipliers an FPGA flow builds from logic (mote_array)
	parameter LUT_MUL_COLS = 0,
	// 1: mote_array_bcast (activations broadcast to two-product cells, adder
	// trees; small FPGAs, no depthwise) instead of the systolic mote_array
	parameter ARRAY_BCAST = 0,
	// 1: the command metadata's delay line (LAT - 1 stages) in a block RAM
	// (mote_delay RAM: small FPGAs, where each of its flip-flops takes a cell)
	parameter DELAY_RAM = 0,
	// 1: MATMUL SPARSE (2:4 weights, FEATURES.SPARSE): the activation buffer
	// is two banks (even and odd rows, o_abuf_raddr / o_abuf_raddr1), the
	// array's PEs select from 4-byte bundles; 0: SPARSE is FIELD
	parameter SPARSE = 0,
	// bits of a command index that can be non-zero (the stream's length bounds it)
	parameter IDX_W = 32,
	// 1: a command passes from the queue's entry to W only while W is empty,
	// so o_cmd_ready comes from registers, not from S's hazard checks through
	// W (a slow FPGA's longest path: S, W, the queue's pop); a command then
	// waits a cycle more where W passes one on and takes the next at once
	parameter CMD_REG_READY = 0,
	// buffer address widths (derived)
	parameter AW_A = $clog2(ABUF_DEPTH),
	parameter AW_W = $clog2(WBUF_DEPTH),
	parameter AW_C = $clog2(ACC_DEPTH)
) (
	input  wire                 clk,
	input  wire                 rst,
	input  wire                 i_abort,
	// command queue
	input  wire                 i_cmd_valid,
	output wire                 o_cmd_ready,
	input  wire [511:0]         i_cmd,
	input  wire [31:0]          i_cmd_idx,
	// dependency tokens
	input  wire                 i_tok_l2c_avail,
	input  wire                 i_tok_s2c_avail,
	output wire                 o_tok_l2c_pop,
	output wire                 o_tok_s2c_pop,
	output wire                 o_tok_c2l_push,
	output wire                 o_tok_c2s_push,
	// buffers (read data one cycle after the address)
	// activation buffer: one row per read, or with SPARSE two banks (the
	// even rows' at o_abuf_raddr, the odd rows' at o_abuf_raddr1, each a
	// row index within its bank)
	output wire                 o_abuf_re,
	output wire [AW_A-1:0]      o_abuf_raddr,
	input  wire [ROWS*8-1:0]    i_abuf_rdata,
	output wire [AW_A-1:0]      o_abuf_raddr1,
	input  wire [ROWS*8-1:0]    i_abuf_rdata1,
	output wire                 o_wbuf_re,
	output wire [AW_W-1:0]      o_wbuf_raddr,
	input  wire [COLS*8-1:0]    i_wbuf_rdata,
	output wire                 o_acc_re,
	output wire [AW_C-1:0]      o_acc_raddr,
	input  wire [COLS*32-1:0]   i_acc_rdata,
	output wire [COLS-1:0]      o_acc_we,     // per column
	output wire [AW_C-1:0]      o_acc_waddr,
	output wire [COLS*32-1:0]   o_acc_wdata,
	// status
	output wire                 o_idle,
	output wire                 o_busy,
	output wire                 o_retire,
	output wire                 o_err_valid,
	output wire [7:0]           o_err_code,
	output wire [31:0]          o_err_idx,
	output wire [31:0]          o_cur_idx,
	// the command index of a token push, valid in its cycle (ERR_CMD of TOKEN)
	output wire [31:0]          o_push_idx,
	// perf events
	output wire                 o_perf_row,
	output wire [31:0]          o_perf_useful,
	output wire [31:0]          o_perf_dense,
	output wire                 o_stall_dep,
	output wire                 o_stall_wgt
);
	localparam LAT = ARRAY_BCAST != 0 ? 5 : ROWS + COLS - 1 + (MUL_CELL != 0 ? 1 : 0);
	// bits of K_VALID*N_VALID once both are checked against ROWS/COLS
	// (K_VALID up to 2*ROWS with SPARSE)
	localparam KW = $clog2(2 * ROWS + 1);
	localparam NW = $clog2(COLS + 1);
	localparam UW = KW + NW;
	// weight rows of a tile: ROWS, or with SPARSE ROWS + ROWS/4 (the index rows)
	localparam WROWS = ROWS + ROWS / 4;
	always @(posedge clk) begin
		if (clear) begin
			p1v_q <= 1'b0;
			p2v_q <= 1'b0;
		end else begin
			p1v_q <= s_row && s_wr;
			p2v_q <= p1v_q;
		end
		p1a_q <= s_acc_q;
		p2a_q <= p1a_q;
	end

	// bank-busy countdown: ROWS-2 .. 0
	localparam CW = $clog2(ROWS);
	// weight rows still to read: WROWS .. 0
	localparam RW = $clog2(WROWS + 1);
	localparam [31:0] ROWS32 = ROWS;
	localparam [31:0] ROWS2_32 = 2 * ROWS;
	localparam [31:0] WROWS32 = WROWS;
	localparam [31:0] WROWS1 = WROWS - 1;
	localparam [31:0] WSMAX32 = WBUF_DEPTH - WROWS;
	localparam [31:0] BUSY32 = ROWS - 2;
	localparam [31:0] ROWS1 = ROWS - 1;
	localparam [31:0] COLS32 = COLS;
	// depthwise skip counter: COLS-1 .. 0
	localparam CWC = $clog2(COLS) + 1;
	localparam [31:0] SKIP32 = COLS - 1;
	// range checks: bits of the bounds (at most 16: the fields' width)
	localparam LA0 = $clog2(ABUF_DEPTH + 1);
	localparam LC0 = $clog2(ACC_DEPTH + COLS);
	localparam LA = LA0 > 16 ? 16 : LA0;
	localparam LC = LC0 > 16 ? 16 : LC0;
	localparam [31:0] ABUF32  = ABUF_DEPTH;
	localparam [31:0] ACC32   = ACC_DEPTH;
	localparam [31:0] ACCDW32 = ACC_DEPTH + COLS - 1;
	localparam [31:0] WMAX32  = WBUF_DEPTH - ROWS;
	// NROWS of a command without error: at most ABUF_DEPTH
	localparam NRW = LA;
	localparam [NRW-1:0] ONE_NR = 1;

	reg halted_q;      // an error was reported: accept nothing until i_abort
	wire clear = rst || i_abort;

	// x > k for a constant k, as plain logic: the first bit (from the top)
	// where x and k differ decides.  (A comparison operator becomes a carry
	// chain on iCE40, one cell per bit.)
	function above;
		input [31:0] x, k;
		integer b;
		reg done;
		begin
			above = 1'b0;
			done  = 1'b0;
			for (b = 31; b >= 0; b = b - 1)
				if (!done && x[b] != k[b]) begin
					above = x[b];
					done  = 1'b1;
				end
		end
	endfunction

	// ================================================================ decode
	wire [7:0]  c_op    = i_cmd[`MOTE_HDR_OPCODE];
	wire        c_mm    = (c_op == `MOTE_OP_MATMUL);
	wire [15:0] c_wgt   = i_cmd[`MOTE_MATMUL_WGT_ROW];
	wire [15:0] c_act   = i_cmd[`MOTE_MATMUL_ACT_ROW];
	wire [15:0] c_acc   = i_cmd[`MOTE_MATMUL_ACC_ROW];
	// NROWS as it stands: another opcode's bits there are never used (c_rows
	// gates the checks, and S streams nothing for a tokens-only command)
	wire [15:0] c_nrows = i_cmd[`MOTE_MATMUL_NROWS];
	wire [15:0] c_kv    = i_cmd[`MOTE_MATMUL_K_VALID];
	wire [15:0] c_nv    = i_cmd[`MOTE_MATMUL_N_VALID];
	wire        c_dw    = i_cmd[`MOTE_MATMUL_DEPTHWISE];
	wire [7:0]  c_dws   = i_cmd[`MOTE_MATMUL_DW_STRIDE];
	wire [7:0]  c_dwd   = i_cmd[`MOTE_MATMUL_DW_DROP];
	wire [10:0] c_dwk   = i_cmd[`MOTE_MATMUL_DW_KEEP];
	wire        c_max   = i_cmd[`MOTE_MATMUL_ACC_MAX];
	wire        c_sp    = i_cmd[`MOTE_MATMUL_SPARSE];
	wire [15:0] c_ahi   = i_cmd[`MOTE_MATMUL_ACT_ROW_HI];
	// Range checks on the buffer address widths: x + y > K is x or y at
	// least 2^L (L the bits of K), or the (L+1)-bit sum of their low bits
	// above K.  Depthwise writes NROWS-COLS+1 rows at most (checked as stride
	// 1): its bound is ACC_DEPTH+COLS-1; NROWS < COLS is a field error first.
	// NROWS = 0 is tokens only (spec): no weight load, nothing to check.
	wire c_rows  = c_mm && c_nrows != 16'd0;
	wire c_ldw   = c_rows && i_cmd[`MOTE_MATMUL_LOAD_WEIGHTS];
	// The command's error code (FIELD, COMPUTE_RANGE or NONE), a function
	// called only in the cycle a command arrives in the entry: a simulator then evaluates these
	// compares in that cycle alone, not in every cycle (the logic is the same).
	// SPARSE: without SPARSE built in, with DEPTHWISE, with K_VALID above
	// 2*ROWS, or with both activation rows of one parity it is FIELD; so is
	// a MATMUL without LOAD_WEIGHTS whose mode is not its weights' (fsp).
	function [7:0] cmd_err;
		input        rows, ldw, dw, amax, sp, fsp;
		input [15:0] nrows, kv, nv, act, acc, wgt, ahi;
		input [7:0]  dws, dwd;
		input [10:0] dwk;
		reg          dwbad, spbad, field, act_bad, ahi_bad, acc_bad, wgt_bad, range;
		reg   [LA:0] act_sum, ahi_sum;
		reg   [LC:0] acc_sum;
		begin
			dwbad   = dw && (DEPTHWISE == 0 || !above({16'd0, nrows}, SKIP32) || dws == 8'd0 ||
					     (dwd != 8'd0 && dwk == 11'd0));
			spbad   = sp ? (SPARSE == 0 || dw || above({16'd0, kv}, ROWS2_32) || act[0] == ahi[0]) :
				       above({16'd0, kv}, ROWS32);
			field   = rows && (spbad || above({16'd0, nv}, COLS32) || dwbad ||
					  (amax && ACC_MAX == 0) || (!ldw && sp != fsp));
			act_sum = {1'b0, act[LA-1:0]} + {1'b0, nrows[LA-1:0]};
			ahi_sum = {1'b0, ahi[LA-1:0]} + {1'b0, nrows[LA-1:0]};
			acc_sum = {1'b0, acc[LC-1:0]} + {1'b0, nrows[LC-1:0]};
			act_bad = (act >> LA) != 16'd0 || (nrows >> LA) != 16'd0 || above({{(31-LA){1'b0}}, act_sum}, ABUF32);
			ahi_bad = sp && ((ahi >> LA) != 16'd0 || above({{(31-LA){1'b0}}, ahi_sum}, ABUF32));
			acc_bad = (acc >> LC) != 16'd0 || (nrows >> LC) != 16'd0 ||
				  ((dw && DEPTHWISE != 0) ? above({{(31-LC){1'b0}}, acc_sum}, ACCDW32) :
							   above({{(31-LC){1'b0}}, acc_sum}, ACC32));
			wgt_bad = sp ? (WBUF_DEPTH < WROWS || above({16'd0, wgt}, WSMAX32)) :
				       (WBUF_DEPTH < ROWS || above({16'd0, wgt}, WMAX32));
			range   = rows && ((ldw && wgt_bad) || act_bad || ahi_bad || acc_bad);
			cmd_err = field ? `MOTE_ERR_FIELD : range ? `MOTE_ERR_COMPUTE_RANGE : `MOTE_ERR_NONE;
		end
	endfunction
	// useful MACs per row: K_VALID*N_VALID, or with SPARSE the kept slots of
	// the K_VALID elements (2 per whole group, min(K_VALID mod 4, 2) for a
	// partial one) times N_VALID; dense-equivalent: K_VALID*N_VALID always
	wire [KW-1:0] c_kept = c_sp ? {1'b0, c_kv[KW-1:2], 1'b0} + {{(KW-2){1'b0}}, c_kv[1], c_kv[0] & !c_kv[1]} :
				      c_kv[KW-1:0];
	wire [UW-1:0] c_useful = c_kept * c_nv[NW-1:0];
	wire [UW-1:0] c_dense  = c_kv[KW-1:0] * c_nv[NW-1:0];

	// ================================================================ stage H
	// H is the compute queue's entry register: the command waits there (the
	// queue holds it while it is not taken) and nothing of it is copied until
	// it passes to W, which takes it (o_cmd_ready).  Its error code is
	// computed the cycle it arrives (h_chk_q: computed); a failed command stays
	// in the entry, whose index is then the error's.
	reg            h_chk_q;
	reg [7:0]      h_err_q;

	wire h_valid = i_cmd_valid && h_chk_q && !halted_q;
	wire tok_ok = (!i_cmd[`MOTE_HDR_POP_PREV] || i_tok_l2c_avail) && (!i_cmd[`MOTE_HDR_POP_NEXT] || i_tok_s2c_avail);
	wire w_accept;
	wire h_go   = h_valid && h_err_q == `MOTE_ERR_NONE && tok_ok && w_accept;
	// (a sparse weight load in W, its index checks not all done, reports
	// first: H's error waits for it)
	wire w_chk;
	wire h_fail = h_valid && h_err_q != `MOTE_ERR_NONE && !w_chk;
	assign o_cmd_ready = h_go;
	assign o_tok_l2c_pop = h_go && i_cmd[`MOTE_HDR_POP_PREV];
	assign o_tok_s2c_pop = h_go && i_cmd[`MOTE_HDR_POP_NEXT];

	// WGT_ROW + ROWS - 1 (sparse: + ROWS + ROWS/4 - 1): the first weight row read
	wire [AW_W-1:0] c_wtop = c_wgt[AW_W-1:0] + (c_sp ? WROWS1[AW_W-1:0] : ROWS1[AW_W-1:0]);
	// the sparse mode of the newest weights (a MATMUL without LOAD_WEIGHTS must match it)
	reg             front_sp_q;
	always @(posedge clk) begin
		if (clear)
			h_chk_q <= 1'b0;
		else
			h_chk_q <= i_cmd_valid && !h_go;
		if (i_cmd_valid && !h_chk_q)
			h_err_q <= cmd_err(c_rows, c_ldw, c_dw, c_max, c_sp, front_sp_q, c_nrows, c_kv, c_nv, c_act, c_acc,
					   c_wgt, c_ahi, c_dws, c_dwd, c_dwk);
	end

	// errors: one-cycle pulse, then halted until i_abort.  The failed command
	// stays in the entry meanwhile (not taken), its code in h_err_q, so they
	// are the error's outputs.
	// W's SPARSE_META (w_bad: an index row's check failed this cycle) names
	// W's command, whose index W keeps.
	reg        err_valid_q, w_err_q;
	wire       w_bad;
	reg [31:0] w_idx_q;
	always @(posedge clk) begin
		if (clear) begin
			halted_q    <= 1'b0;
			err_valid_q <= 1'b0;
			w_err_q     <= 1'b0;
		end else begin
			err_valid_q <= (h_fail || w_bad) && !halted_q;
			if (h_fail || w_bad)
				halted_q <= 1'b1;
			if (w_bad && !halted_q)
				w_err_q <= 1'b1;
		end
	end
	assign o_err_valid = err_valid_q;
	assign o_err_code  = w_err_q ? `MOTE_ERR_SPARSE_META : h_err_q;
	assign o_err_idx   = w_err_q ? w_idx_q : i_cmd_idx;

	// columns below N_VALID
	function [COLS-1:0] col_mask;
		input [15:0] nv;
		integer c;
		begin
			for (c = 0; c < COLS; c = c + 1)
				col_mask[c] = above({16'd0, nv}, c);
		end
	endfunction
	// an index row's pairs ascend (byte c: [1:0] < [3:2], [5:4] < [7:6]) in
	// every column of the mask
	function idx_ok;
		input [COLS*8-1:0] b;
		input [COLS-1:0]   m;
		integer c;
		begin
			idx_ok = 1'b1;
			for (c = 0; c < COLS; c = c + 1)
				if (m[c] && (b[8*c +: 2] >= b[8*c+2 +: 2] || b[8*c+4 +: 2] >= b[8*c+6 +: 2]))
					idx_ok = 1'b0;
		end
	endfunction

	// ================================================================ stage W
	reg            w_valid_q, w_loadw_q, w_bank_q, w_accum_q, w_max_q, w_push_c2l_q, w_push_c2s_q, w_dw_q;
	reg            w_sp_q;      // SPARSE
	reg [2:0]      w_ph_q;      // sparse: reads left in the group of five (4: its index row)
	reg [COLS-1:0] w_cmask_q;   // sparse: columns below N_VALID (their index pairs are checked)
	reg [7:0]      w_dws_q, w_dwd_q;
	reg [10:0]     w_dwk_q;
	reg [AW_W-1:0] w_addr_q;
	reg [RW-1:0]   w_cnt_q;     // weight rows still to read
	reg [AW_A-1:0] w_act_q, w_ahi_q;
	reg [AW_C-1:0] w_acc_q;
	reg [NRW-1:0]  w_nrows_q;
	reg            w_mark_q;    // tokens only (SYNC, or NROWS 0)
	reg [UW-1:0]   w_useful_q, w_dense_q;
	reg            front_bank_q; // bank of the newest weights (given to W's command)
	reg [CW-1:0]   busy0_q, busy1_q; // per bank: cycles until a weight load may start

	wire s_accept;
	reg  s_valid_q;   // stage S holds a command
	// the weight row may go to the array: into the bank a load goes into once
	// mote_array's countdown says it is free; with mote_array_bcast, which
	// loads its cells directly, an odd row (w_cnt_q even: the row is
	// w_cnt_q - 1) any time (it waits in the array's staging row), an even
	// one only once S has held no command for two cycles (the rows of the
	// tiles before were read two cycles or more ago: the cells are done with
	// their weights when the row arrives)
	reg  s_was_q;     // s_valid_q of the cycle before
	wire w_free    = ARRAY_BCAST != 0 ? (!w_cnt_q[0] || (!s_valid_q && !s_was_q)) :
			 (w_bank_q ? busy1_q : busy0_q) == 0;
	wire w_rd      = w_valid_q && w_loadw_q && w_cnt_q != 0 && w_free && !halted_q;
	wire w_done    = !w_loadw_q || w_cnt_q == 0 || (w_rd && w_cnt_q == 1);
	wire w_pass    = w_valid_q && w_done && s_accept && !halted_q;
	// this read is a sparse tile's index row
	wire w_rd_idx  = w_rd && w_sp_q && w_ph_q == 3'd4;
	assign w_chk   = SPARSE != 0 && w_valid_q && w_sp_q && w_loadw_q;
	assign w_accept = !w_valid_q || (CMD_REG_READY == 0 && w_pass);
	assign o_wbuf_re    = w_rd;
	assign o_wbuf_raddr = w_addr_q;

	wire h_bank = c_ldw ? !front_bank_q : front_bank_q;
	always @(posedge clk) begin
		if (clear) begin
			w_valid_q    <= 1'b0;
			front_bank_q <= 1'b0;
			front_sp_q   <= 1'b0;
		end else if (h_go) begin
			w_valid_q    <= 1'b1;
			front_bank_q <= h_bank;
			if (c_ldw)
				front_sp_q <= c_sp && SPARSE != 0;
		end else if (w_pass) begin
			w_valid_q    <= 1'b0;
		end
		if (h_go) begin
			w_loadw_q    <= c_ldw;
			w_bank_q     <= h_bank;
			w_accum_q    <= i_cmd[`MOTE_MATMUL_ACCUMULATE];
			w_max_q      <= c_max && ACC_MAX != 0;
			w_dw_q       <= c_dw && DEPTHWISE != 0;
			w_sp_q       <= c_sp && SPARSE != 0;
			w_ph_q       <= 3'd4;
			w_idx_q      <= i_cmd_idx;
			w_cmask_q    <= col_mask(c_nv);
			w_ahi_q      <= c_ahi[AW_A-1:0];
			w_dense_q    <= c_dense;
			w_dws_q      <= c_dws;
			w_dwd_q      <= c_dwd;
			w_dwk_q      <= c_dwk;
			w_push_c2l_q <= i_cmd[`MOTE_HDR_PUSH_PREV];
			w_push_c2s_q <= i_cmd[`MOTE_HDR_PUSH_NEXT];
			w_addr_q     <= c_wtop;
			w_cnt_q      <= c_sp && SPARSE != 0 ? WROWS32[RW-1:0] : ROWS32[RW-1:0];
			w_act_q      <= c_act[AW_A-1:0];
			w_acc_q      <= c_acc[AW_C-1:0];
			w_nrows_q    <= c_nrows[NRW-1:0];
			w_mark_q     <= !c_rows;
			w_useful_q   <= c_useful;
		end else if (w_rd) begin
			w_addr_q <= w_addr_q - 1'b1;
			w_cnt_q  <= w_cnt_q - 1'b1;
			w_ph_q   <= w_ph_q == 3'd0 ? 3'd4 : w_ph_q - 3'd1;
		end
	end


	// ================================================================ stage S
	reg            s_mark_q, s_bank_q, s_accum_q, s_max_q, s_push_c2l_q, s_push_c2s_q, s_dw_q, s_sp_q;
	reg [AW_A-1:0] s_addr_q, s_ahi_q;
	reg [AW_C-1:0] s_acc_q;
	reg [NRW-1:0]  s_left_q;
	reg [UW-1:0]   s_useful_q, s_dense_q;
	// depthwise: rows before the first output, and the phase within DW_STRIDE
	reg [CWC-1:0]  s_skip_q;
	reg [7:0]      s_ph_q, s_dws_q;
	// depthwise with DW_DROP: the output row's place in its period of
	// DW_KEEP + DW_DROP rows (kept while below DW_KEEP)
	reg [7:0]      s_dwd_q;
	reg [10:0]     s_dwk_q;
	reg [11:0]     s_kc_q;
	wire s_out  = s_skip_q == 0 && s_ph_q == 8'd0;   // an output row
	wire s_keep = DEPTHWISE == 0 || s_dwd_q == 8'd0 || s_kc_q < {1'b0, s_dwk_q};

	// this row writes its accumulator row (always, unless depthwise says not)
	wire s_wr   = !s_dw_q || (s_out && s_keep);
	// read-modify-write hazard: the rows issued one and two cycles ago (the
	// ones that write an accumulator row), whose writes this row's read would
	// miss.  A depthwise command's first written row comes COLS-1 rows after
	// its first: with COLS < 3 its first row also waits until both are clear.
	reg            p1v_q, p2v_q, s_first_q;
	reg [AW_C-1:0] p1a_q, p2a_q;
	wire s_hold = s_accum_q && ((s_wr && ((p1v_q && p1a_q == s_acc_q) || (p2v_q && p2a_q == s_acc_q))) ||
				    (DEPTHWISE != 0 && COLS < 3 && s_dw_q && s_first_q && (p1v_q || p2v_q)));
	wire s_row  = s_valid_q && !s_mark_q && !s_hold;
	wire s_last = s_valid_q && (s_mark_q || (s_left_q == ONE_NR && !s_hold));
	assign s_accept = !s_valid_q || s_last;
	assign o_abuf_re    = s_row;
	generate
		if (SPARSE != 0) begin : g_banks
			// bank 0 holds the even rows, bank 1 the odd ones: the row of
			// ACT_ROW and the row of ACT_ROW_HI (a dense row: only the first
			// matters), each to the bank of its parity
			assign o_abuf_raddr  = {1'b0, s_addr_q[0] ? s_ahi_q[AW_A-1:1] : s_addr_q[AW_A-1:1]};
			assign o_abuf_raddr1 = {1'b0, s_addr_q[0] ? s_addr_q[AW_A-1:1] : s_ahi_q[AW_A-1:1]};
		end else begin : g_one
			assign o_abuf_raddr  = s_addr_q;
			assign o_abuf_raddr1 = {AW_A{1'b0}};
		end
	endgenerate

	always @(posedge clk) begin
		s_was_q <= s_valid_q && !clear;
		if (clear)
			s_valid_q <= 1'b0;
		else if (w_pass)
			s_valid_q <= 1'b1;
		else if (s_last)
			s_valid_q <= 1'b0;
		if (w_pass) begin
			s_mark_q     <= w_mark_q;
			s_bank_q     <= w_bank_q;
			s_accum_q    <= w_accum_q;
			s_max_q      <= w_max_q;
			s_push_c2l_q <= w_push_c2l_q;
			s_push_c2s_q <= w_push_c2s_q;
			s_addr_q     <= w_act_q;
			s_acc_q      <= w_acc_q;
			s_left_q     <= w_nrows_q;
			s_useful_q   <= w_useful_q;
			s_dense_q    <= w_dense_q;
			s_dw_q       <= w_dw_q;
			s_sp_q       <= w_sp_q;
			s_ahi_q      <= w_ahi_q;
			s_dws_q      <= w_dws_q;
			s_dwd_q      <= w_dwd_q;
			s_dwk_q      <= w_dwk_q;
			s_kc_q       <= 12'd0;
			s_skip_q     <= w_dw_q ? SKIP32[CWC-1:0] : {CWC{1'b0}};
			s_ph_q       <= 8'd0;
			s_first_q    <= 1'b1;
		end else if (s_row) begin
			s_first_q <= 1'b0;
			s_addr_q <= s_addr_q + 1'b1;
			s_ahi_q  <= s_ahi_q + 1'b1;
			s_left_q <= s_left_q - 1'b1;
			if (s_wr)
				s_acc_q <= s_acc_q + 1'b1;
			if (s_skip_q != 0)
				s_skip_q <= s_skip_q - 1'b1;
			else
				s_ph_q <= s_ph_q + 8'd1 == s_dws_q ? 8'd0 : s_ph_q + 8'd1;
			if (DEPTHWISE != 0 && s_dw_q && s_out)
				s_kc_q <= s_kc_q + 12'd1 == {1'b0, s_dwk_q} + {4'd0, s_dwd_q} ? 12'd0 : s_kc_q + 12'd1;
		end
	end

	// bank-busy countdown: a load into bank b may start ROWS-1 cycles after
	// the last abuf read of a row using b (that row enters the array one later)
	always @(posedge clk) begin
		if (clear)
			busy0_q <= 0;
		else if (s_row && !s_bank_q)
			busy0_q <= BUSY32[CW-1:0];
		else if (busy0_q != 0)
			busy0_q <= busy0_q - 1'b1;
		if (clear)
			busy1_q <= 0;
		else if (s_row && s_bank_q)
			busy1_q <= BUSY32[CW-1:0];
		else if (busy1_q != 0)
			busy1_q <= busy1_q - 1'b1;
	end

	// ================================================================ array
	// slot registers: what enters the array this cycle (abuf data arrives now)
	reg            in_valid_q, in_last_q, in_bank_q, in_accum_q, in_max_q, in_c2l_q, in_c2s_q, in_dw_q, in_wr_q;
	reg [AW_C-1:0] in_acc_q;
	reg [UW-1:0]   in_useful_q, in_dense_q;
	reg            in_sp_q, in_swap_q;
	reg            wshift_q, wbank_q;

	// The index row read last cycle is in i_wbuf_rdata now: checked, and kept
	// in widx_q for the four value rows that follow; each value row shifts in
	// with bits [7:6] of each byte, then widx_q moves up two bits (a byte's
	// low bits take its neighbour's top ones, never used).
	reg              idx_rd_q;
	reg [COLS*8-1:0] widx_q;
	wire [COLS*2-1:0] widx;
	generate
		if (SPARSE != 0) begin : g_widx
			reg idx_bad;
			always @(*) begin
				idx_bad = 1'b0;
				if (idx_rd_q)
					idx_bad = !idx_ok(i_wbuf_rdata, w_cmask_q);
			end
			assign w_bad = idx_bad;
			always @(posedge clk) begin
				if (clear)
					idx_rd_q <= 1'b0;
				else
					idx_rd_q <= w_rd_idx;
				if (idx_rd_q)
					widx_q <= i_wbuf_rdata;
				else if (wshift_q)
					widx_q <= widx_q << 2;
			end
			genvar gi;
			for (gi = 0; gi < COLS; gi = gi + 1) begin : g_col
				assign widx[2*gi +: 2] = widx_q[8*gi+6 +: 2];
			end
		end else begin : g_nowidx
			assign w_bad = 1'b0;
			assign widx  = {(COLS*2){1'b0}};
			always @(posedge clk) begin
				idx_rd_q <= 1'b0;
				widx_q   <= {(COLS*8){1'b0}};
			end
			wire unused_widx = &{1'b0, idx_rd_q, widx_q, w_rd_idx, w_cmask_q, w_idx_q};
		end
	endgenerate

	always @(posedge clk) begin
		if (clear) begin
			in_valid_q <= 1'b0;
			in_last_q  <= 1'b0;
			wshift_q   <= 1'b0;
		end else begin
			in_valid_q <= s_row;
			in_last_q  <= s_last;
			wshift_q   <= w_rd && !w_rd_idx;
		end
		in_bank_q   <= s_bank_q;
		in_accum_q  <= s_accum_q;
		in_max_q    <= s_max_q;
		in_dw_q     <= s_dw_q;
		in_wr_q     <= s_wr;
		in_c2l_q    <= s_push_c2l_q;
		in_c2s_q    <= s_push_c2s_q;
		in_acc_q    <= s_acc_q;
		// 0 unless a written row enters (o_perf_useful straight from it)
		in_useful_q <= !clear && s_row && s_wr ? s_useful_q : {UW{1'b0}};
		in_dense_q  <= !clear && s_row && s_wr ? s_dense_q : {UW{1'b0}};
		in_sp_q     <= s_sp_q;
		in_swap_q   <= s_addr_q[0];
		wbank_q     <= w_bank_q;
	end
	assign o_perf_row    = in_valid_q;
	assign o_perf_useful = {{(32-UW){1'b0}}, in_useful_q};
	assign o_perf_dense  = {{(32-UW){1'b0}}, in_dense_q};

	// the array's activation row: the row read, or with SPARSE {hi, lo} from
	// the two banks (lo the row of ACT_ROW: bank 1 when it is odd)
	localparam AR = (SPARSE != 0) ? 2 * ROWS : ROWS;
	wire [AR*8-1:0] arr_act;
	generate
		if (SPARSE != 0) begin : g_act2
			assign arr_act = in_swap_q ? {i_abuf_rdata, i_abuf_rdata1} : {i_abuf_rdata1, i_abuf_rdata};
		end else begin : g_act1
			assign arr_act = i_abuf_rdata;
			wire unused_rd1 = &{1'b0, i_abuf_rdata1, in_sp_q, in_swap_q, s_ahi_q, widx};
		end
	endgenerate

	wire               arr_valid;
	wire [COLS*32-1:0] arr_sum;
	wire               arr_dw;
	generate
		if (ARRAY_BCAST != 0) begin : g_bcast
			if (SPARSE != 0) begin : g_bad_sparse
				// mote_array_bcast has no sparse mode (elaboration stops here)
				mote_compute_sparse_needs_the_systolic_array u_stop ();
			end
			mote_array_bcast #(.ROWS(ROWS), .COLS(COLS), .DEPTHWISE(DEPTHWISE), .MUL_CELL(MUL_CELL),
					   .PSUM_W(PSUM_W)) u_array (
				.clk      (clk),
				.rst      (clear),
				.i_valid  (in_valid_q),
				.i_act    (arr_act[ROWS*8-1:0]),
				.i_bank   (in_bank_q),
				.i_dw     (in_dw_q),
				.i_wshift (wshift_q),
				.i_wbank  (wbank_q),
				.i_wgt    (i_wbuf_rdata),
				.o_valid  (arr_valid),
				.o_sum    (arr_sum),
				.o_dw     (arr_dw)
			);
		end else begin : g_systolic
			mote_array #(.ROWS(ROWS), .COLS(COLS), .DEPTHWISE(DEPTHWISE), .MUL_CELL(MUL_CELL), .PSUM_W(PSUM_W),
				     .SPARSE(SPARSE), .LUT_MUL_COLS(LUT_MUL_COLS)) u_array (
				.clk      (clk),
				.rst      (clear),
				.i_valid  (in_valid_q),
				.i_act    (arr_act),
				.i_bank   (in_bank_q),
				.i_dw     (in_dw_q),
				.i_sp     (in_sp_q),
				.i_wshift (wshift_q),
				.i_wbank  (wbank_q),
				.i_wgt    (i_wbuf_rdata),
				.i_widx   (widx),
				.o_valid  (arr_valid),
				.o_sum    (arr_sum),
				.o_dw     (arr_dw)
			);
		end
	endgenerate

	// metadata beside the array: valid and last bits as shift vectors (reset),
	// {c2l, c2s, max, write, accumulate, acc row} per stage (datapath, no reset)
	localparam MW = 5 + AW_C;
	reg [LAT:1]  mv_q, ml_q;
	always @(posedge clk) begin
		if (clear) begin
			mv_q <= 0;
			ml_q <= 0;
		end else begin
			mv_q <= {mv_q[LAT-1:1], in_valid_q};
			ml_q <= {ml_q[LAT-1:1], in_last_q};
		end
	end
	// rd_md: LAT-1 cycles old (the accumulator read), ex_md: LAT (the sum)
	wire [MW-1:0] rd_md, ex_md;
	mote_delay #(.WIDTH(MW), .DEPTH(LAT - 1), .RAM(DELAY_RAM)) u_md (
		.clk(clk), .i_d({in_c2l_q, in_c2s_q, in_max_q, in_wr_q, in_accum_q, in_acc_q}), .o_q(rd_md));
	mote_delay #(.WIDTH(MW), .DEPTH(1)) u_md_ex (.clk(clk), .i_d(rd_md), .o_q(ex_md));
	wire md_busy = |{mv_q, ml_q};

	// ================================================================ accumulate
	// old row read one cycle ahead (S keeps the rows apart so the read sees
	// every earlier write)
	assign o_acc_re    = mv_q[LAT-1] && rd_md[AW_C+1] && rd_md[AW_C];
	assign o_acc_raddr = rd_md[AW_C-1:0];

	wire            ex_valid = arr_valid && mv_q[LAT] && ex_md[AW_C+1];
	wire            ex_last  = ml_q[LAT];
	wire [AW_C-1:0] ex_addr  = ex_md[AW_C-1:0];
	reg             we1_q, c2l_q, c2s_q, retire_q;
	reg [COLS-1:0]  keep_q;   // columns ACC_MAX leaves as they are
	reg [AW_C-1:0]  a1_q;
	reg [COLS*32-1:0] d1_q;

	// The new accumulator row: the array's sums, or with ACCUMULATE the sums
	// plus the old row; with ACC_MAX too the signed maximum of the two, where
	// the old value wins by not being written (its column's write enable
	// off: the RAM holds it, S kept the rows apart).  One adder per column
	// does both: with ACC_MAX built in, and t ("take s": a plain write or
	// ACC_MAX), it adds ~s + 1, o - s, whose sign (33 bits) says whether
	// o >= s (then o is kept; on a tie either is the same value); else o + s.
	// The value written is t ? s : the sum, s being ~(s ^ t): so each bit's
	// LUT takes t, o, s ^ t and the carry, the iCE40 adder's own LUT, and the
	// only logic besides the adder is s ^ t, PSUM_W bits a column (the rest
	// is s's sign extension).  Without ACC_MAX nothing is inverted: t ? s :
	// o + s.
	wire ex_take = !ex_md[AW_C] || (ex_md[AW_C+2] && ACC_MAX != 0);
	wire ex_inv  = ex_take && ACC_MAX != 0;
	wire [COLS*PSUM_W-1:0] ex_sx;   // s ^ inv per column, PSUM_W bits
	genvar gx;
	generate
		if (MUL_CELL == 2 && ACC_MAX != 0) begin : g_sx_ice40
			// an iCE40 build: s ^ t as LUT instances, so Yosys' LUT mapper
			// (ABC) cannot see that ~(s ^ t) = s where t is 1 and give the
			// select its own LUT (s, t, sum) beside the adder's (a LUT more per
			// accumulator bit: 128 on the 4x4 board).
			for (gx = 0; gx < COLS * PSUM_W; gx = gx + 1) begin : g_lut
				SB_LUT4 #(.LUT_INIT(16'h6666)) u_x (
					.I0(arr_sum[32 * (gx / PSUM_W) + gx % PSUM_W]), .I1(ex_inv),
					.I2(1'b0), .I3(1'b0), .O(ex_sx[gx]));
			end
		end else begin : g_sx
			for (gx = 0; gx < COLS; gx = gx + 1) begin : g_col
				assign ex_sx[PSUM_W*gx +: PSUM_W] = arr_sum[32*gx +: PSUM_W] ^ {PSUM_W{ex_inv}};
			end
		end
	endgenerate
	// Column c's accumulate step, {the column kept (max: the old value is not
	// below), the new value}: a function called only for valid rows, so a
	// simulator skips it in idle cycles.  One column a call, so the values a
	// simulator zeroes at every evaluation, called or not, are a column wide.
	function [32:0] accumulate;
		input integer c;
		input         t, inv, amax;
		reg   [31:0]  sx, o;
		reg   [32:0]  r;
		begin
			sx = {32{ex_sx[PSUM_W*c + PSUM_W-1]}};
			sx[PSUM_W-1:0] = ex_sx[PSUM_W*c +: PSUM_W];
			o  = i_acc_rdata[32*c +: 32];
			r  = {o[31], o} + {sx[31], sx} + {32'd0, inv};
			accumulate = {amax && !r[32], t ? sx ^ {32{inv}} : r[31:0]};
		end
	endfunction
	integer ac;

	always @(posedge clk) begin
		if (clear) begin
			we1_q    <= 1'b0;
			c2l_q    <= 1'b0;
			c2s_q    <= 1'b0;
			retire_q <= 1'b0;
		end else begin
			we1_q    <= ex_valid;
			c2l_q    <= ex_last && ex_md[MW-1];
			c2s_q    <= ex_last && ex_md[MW-2];
			retire_q <= ex_last;
		end
		if (ex_valid) begin
			a1_q <= ex_addr;
			for (ac = 0; ac < COLS; ac = ac + 1)
				{keep_q[ac], d1_q[32*ac +: 32]} <= accumulate(ac, ex_take, ex_inv,
									      ex_md[AW_C] && ex_md[AW_C+2] && ACC_MAX != 0);
		end
	end
	assign o_acc_we       = {COLS{we1_q}} & ~keep_q;
	assign o_acc_waddr    = a1_q;
	assign o_acc_wdata    = d1_q;
	assign o_tok_c2l_push = c2l_q;
	assign o_tok_c2s_push = c2s_q;
	assign o_retire       = retire_q;

	// The index of each pushing command, from W to its push at the end of the
	// pipeline (by then the queue holds later commands): a FIFO in command
	// order, written as the command leaves W and read as it pushes.  At most
	// one command leaves W a cycle and it pushes LAT + 4 cycles later, so
	// LAT + 8 entries never fill.  (A block RAM on an FPGA.)
	localparam LG_PQ = $clog2(LAT + 8);
	wire [IDX_W-1:0] pq_head;
	wire             pq_valid, pq_ready;
	wire [LG_PQ+1:0] pq_count;
	mote_fifo_ram #(.WIDTH(IDX_W), .LG_DEPTH(LG_PQ)) u_push_idx (
		.clk(clk), .rst(rst), .i_clear(i_abort),
		.i_wr_valid(w_pass && (w_push_c2l_q || w_push_c2s_q)), .o_wr_ready(pq_ready),
		.i_wr_data(w_idx_q[IDX_W-1:0]),
		.o_rd_valid(pq_valid), .i_rd_ready(c2l_q || c2s_q), .o_rd_data(pq_head), .o_count(pq_count));
	generate
		if (IDX_W < 32) begin : g_pidx_w
			assign o_push_idx = {{(32-IDX_W){1'b0}}, pq_head};
		end else begin : g_pidx
			assign o_push_idx = pq_head;
		end
	endgenerate

	// ================================================================ status
	assign o_idle = !(i_cmd_valid && !halted_q) && !w_valid_q && !s_valid_q && !in_valid_q && !in_last_q &&
			!md_busy && !we1_q && !retire_q;
	assign o_busy = !o_idle;
	// the index of the command in the entry, or of the newest one taken (the
	// queue's index word, the entry's last, stays until the next entry is
	// complete).  Only H waits without bound (for tokens): W waits for S and
	// the bank countdown, S streams (held two cycles at most), the array drains
	// in LAT cycles; so whenever the unit stays busy (the watchdog's ERR_CMD)
	// the entry's command is the one it holds, and W and S carry no index.
	assign o_cur_idx = i_cmd_idx;
	assign o_stall_dep = h_valid && h_err_q == `MOTE_ERR_NONE && !tok_ok;
	assign o_stall_wgt = w_valid_q && !w_done && !s_valid_q;

	// fields other opcodes own and the flag bits W/S do not need; the sums'
	// bits above PSUM_W (their sign extension)
	wire unused_ok = &{1'b0, pq_valid, pq_ready, pq_count, i_cmd, c_op, rd_md[MW-1 -: 3], c_act[15:AW_A],
			   c_acc[15:AW_C], c_ahi[15:AW_A], c_kv[15:KW], c_nv[15:NW], arr_dw, arr_sum};
endmodule

`default_nettype wire
