// mote_load_agen.v: LOAD address generation.  Stage 1 walks rows (o, i) with
// y, x and the row address kept incrementally (adders only), checks the buffer
// row (and with HI_ROWS or W_PAIR the row of its second half) against its depth
// (LOAD_RANGE) and computes the row's in-bounds byte span
// [lo, hi) and the aligned memory words covering it; it hands a descriptor to
// the packer and the word range to stage 2.  Stage 2 requests those words one
// per cycle, each checked for read permission before the request (READ_WINDOW,
// a failing word is never requested).  Rows that are all padding need no read.
// After an error everything freezes until i_abort.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_load_agen #(
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
	// 1: LOAD HI_ROWS names a second row (range-checked), LOAD W_PAIR writes
	// rows two at a time (the load unit took neither otherwise); 0: both ignored
	parameter SPLIT = 0,
	// widest destination row in bytes (derived)
	parameter RWMAX = (ROWS > 4 * COLS) ? ROWS : 4 * COLS,
	// bits of a byte position 0..RWMAX (derived)
	parameter PW = $clog2(RWMAX + 1),
	// bits of a word count 0..RWMAX/MEM_BYTES+2 (derived)
	parameter NWW = $clog2(RWMAX / MEM_BYTES + 3),
	// descriptor: {row[15:0], lo, hi, offset in first word, words} (derived)
	parameter DW = 16 + 2 * PW + $clog2(MEM_BYTES) + NWW
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	// start of a LOAD (one-cycle pulse while idle)
	input  wire                      i_start,
	input  wire [511:0]              i_cmd,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// room for one more response
	input  wire                      i_can_issue,
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	output wire                      o_desc_valid,
	input  wire                      i_desc_ready,
	output wire [DW-1:0]             o_desc,
	output wire                      o_busy,       // rows or words still to hand out
	output wire                      o_stall_mem,  // a request waits for the memory
	output reg                       o_err_valid,
	output reg  [7:0]                o_err_code,
	output reg  [31:0]               o_err_addr
);
	localparam LG_MB = $clog2(MEM_BYTES);

	// command fields, latched at start
	reg [1:0]         dst_q;
	reg [15:0]        count_q, height_q, n_inner_q, n_outer_q;
	reg [31:0]        width_q, step_q;
	reg [15:0]        hi_rows_q;     // HI_ROWS: the second half's row offset (0: none)
	reg               pair_q;        // W_PAIR: two weight rows per row, the second one on
	reg signed [15:0] sx_q, sy_q;
	reg signed [31:0] x0_q;

	// stage 1: the current row
	reg               s1_q;          // a row is waiting in stage 1
	reg [15:0]        ic_q, oc_q;    // inner and outer counters
	reg signed [33:0] y_q, x_q;      // image row, image column of byte 0
	reg [31:0]        addr_q;        // address of byte 0 of the row
	reg [31:0]        oaddr_q;       // address of byte 0 of the outer row's first row
	reg [16:0]        drow_q;        // destination buffer row
	reg               err_q;         // frozen after an error

	// stage 2: words of the row being requested
	reg [31:0]        waddr_q;
	reg [NWW-1:0]     wleft_q;

	wire [15:0] cmd_y0 = i_cmd[`MOTE_LOAD_Y0];
	wire [31:0] cmd_x0 = i_cmd[`MOTE_LOAD_X0];

	// ---- row span (combinational from stage 1) ----
	localparam [31:0] AD = ABUF_DEPTH, WD = WBUF_DEPTH, BD = BBUF_DEPTH;
	reg [16:0]        depth;
	always @(*)
		case (dst_q)
		`MOTE_BUF_ACT: depth = AD[16:0];
		`MOTE_BUF_WGT: depth = WD[16:0];
		default:       depth = BD[16:0];
		endcase

	// The span is formed only while stage 1 holds a row (its only users, the
	// descriptor and the word range, are taken then): a simulator skips this
	// arithmetic in every other cycle.
	reg               y_ok, has;
	reg signed [34:0] hi_raw;
	reg [33:0]        neg_x;
	reg [16:0]        lo_cl, hi_cl;
	reg [PW-1:0]      lo, hi;
	reg [31:0]        a_lo, a_last, nw_full;
	reg [NWW-1:0]     nw;
	always @(*) begin
		y_ok    = 1'b0;
		hi_raw  = 35'd0;
		neg_x   = 34'd0;
		lo_cl   = 17'd0;
		hi_cl   = 17'd0;
		has     = 1'b0;
		lo      = {PW{1'b0}};
		hi      = {PW{1'b0}};
		a_lo    = 32'd0;
		a_last  = 32'd0;
		nw_full = 32'd0;
		nw      = {NWW{1'b0}};
		if (s1_q) begin
			y_ok    = !y_q[33] && y_q[32:16] == 0 && y_q[15:0] < height_q;
			hi_raw  = $signed({3'b000, width_q}) - {x_q[33], x_q};
			neg_x   = -x_q;
			lo_cl   = !x_q[33] ? 17'd0 :
				  (neg_x > {18'd0, count_q}) ? {1'b0, count_q} : neg_x[16:0];
			hi_cl   = hi_raw[34] ? 17'd0 :
				  (hi_raw > $signed({19'd0, count_q})) ? {1'b0, count_q} : hi_raw[16:0];
			has     = y_ok && lo_cl < hi_cl;
			lo      = has ? lo_cl[PW-1:0] : {PW{1'b0}};
			hi      = has ? hi_cl[PW-1:0] : {PW{1'b0}};
			a_lo    = addr_q + {15'd0, lo_cl};
			a_last  = addr_q + {15'd0, hi_cl} - 1'b1;
			nw_full = {{LG_MB{1'b0}}, a_last[31:LG_MB]} - {{LG_MB{1'b0}}, a_lo[31:LG_MB]} + 1'b1;
			nw      = has ? nw_full[NWW-1:0] : {NWW{1'b0}};
		end
	end
	wire unused_span = ^{neg_x[33:17], hi_raw[33:17], nw_full[31:NWW], a_last[LG_MB-1:0]};

	// ---- stage 2: requests ----
	wire want = !err_q && wleft_q != 0;
	wire win_ok;   // asked only while a word waits (it is taken only then)
	mote_window_check #(.NUM_WINDOWS(NUM_WINDOWS), .MEM_BYTES(MEM_BYTES), .NEED(3'b001)) u_rchk (
		.i_en(want), .i_addr(waddr_q), .i_win_base(i_win_base), .i_win_size(i_win_size),
		.i_win_perm(i_win_perm), .o_ok(win_ok));

	assign o_req_valid = want && win_ok && i_can_issue;
	assign o_req_addr  = waddr_q;
	wire issue   = o_req_valid && i_req_ready;
	wire s2_free = (wleft_q == 0) || (wleft_q == 1 && issue);
	wire win_err = want && !win_ok;

	// ---- stage 1 -> stage 2 (formed only while stage 1 holds a row) ----
	reg try, in_range, rng_err, desc_valid;
	always @(*) begin
		try        = 1'b0;
		in_range   = 1'b0;
		rng_err    = 1'b0;
		desc_valid = 1'b0;
		if (s1_q) begin
			try        = !err_q && s2_free;
			// the row (and its second half) within the buffer
			in_range   = drow_q < depth && {1'b0, drow_q} + {2'b00, hi_rows_q} < {1'b0, depth};
			rng_err    = try && !in_range;
			desc_valid = try && in_range;
		end
	end
	assign o_desc_valid = desc_valid;
	assign o_desc = {drow_q[15:0], lo, hi, a_lo[LG_MB-1:0], nw};
	wire adv = o_desc_valid && i_desc_ready;
	wire last_inner = (ic_q == n_inner_q - 1'b1);

	always @(posedge clk) begin
		if (rst || i_abort) begin
			s1_q <= 1'b0;
			wleft_q <= 0;
			err_q <= 1'b0;
			o_err_valid <= 1'b0;
		end else begin
			o_err_valid <= 1'b0;
			if (i_start) begin
				s1_q <= i_cmd[`MOTE_LOAD_N_INNER] != 0 && i_cmd[`MOTE_LOAD_N_OUTER] != 0;
				err_q <= 1'b0;
			end else if (adv && last_inner && oc_q == n_outer_q - 1'b1)
				s1_q <= 1'b0;
			if (adv)
				wleft_q <= nw;
			else if (issue)
				wleft_q <= wleft_q - 1'b1;
			if (!err_q && (win_err || rng_err)) begin
				err_q <= 1'b1;
				o_err_valid <= 1'b1;
			end
		end
	end

	always @(posedge clk) begin
		if (i_start) begin
			dst_q     <= i_cmd[`MOTE_LOAD_DST];
			count_q   <= i_cmd[`MOTE_LOAD_COUNT];
			pair_q    <= SPLIT != 0 && i_cmd[`MOTE_LOAD_W_PAIR];
			hi_rows_q <= SPLIT == 0 ? 16'd0 : i_cmd[`MOTE_LOAD_W_PAIR] ? 16'd1 : i_cmd[`MOTE_LOAD_HI_ROWS];
			height_q  <= i_cmd[`MOTE_LOAD_HEIGHT];
			width_q   <= i_cmd[`MOTE_LOAD_WIDTH];
			n_inner_q <= i_cmd[`MOTE_LOAD_N_INNER];
			n_outer_q <= i_cmd[`MOTE_LOAD_N_OUTER];
			step_q    <= i_cmd[`MOTE_LOAD_OUTER_STEP];
			sx_q      <= i_cmd[`MOTE_LOAD_SX];
			sy_q      <= i_cmd[`MOTE_LOAD_SY];
			x0_q      <= i_cmd[`MOTE_LOAD_X0];
			ic_q      <= 0;
			oc_q      <= 0;
			y_q       <= {{18{cmd_y0[15]}}, cmd_y0};
			x_q       <= {{2{cmd_x0[31]}}, cmd_x0};
			addr_q    <= i_cmd[`MOTE_LOAD_ADDR0];
			oaddr_q   <= i_cmd[`MOTE_LOAD_ADDR0];
			drow_q    <= {1'b0, i_cmd[`MOTE_LOAD_BUF_ROW]};
		end else if (adv) begin
			drow_q <= drow_q + (pair_q ? 17'd2 : 17'd1);
			if (last_inner) begin
				ic_q    <= 0;
				oc_q    <= oc_q + 1'b1;
				y_q     <= y_q + {{18{sy_q[15]}}, sy_q};
				x_q     <= {{2{x0_q[31]}}, x0_q};
				oaddr_q <= oaddr_q + step_q;
				addr_q  <= oaddr_q + step_q;
			end else begin
				ic_q   <= ic_q + 1'b1;
				x_q    <= x_q + {{18{sx_q[15]}}, sx_q};
				addr_q <= addr_q + {{16{sx_q[15]}}, sx_q};
			end
		end
		if (adv)
			waddr_q <= {a_lo[31:LG_MB], {LG_MB{1'b0}}};
		else if (issue)
			waddr_q <= waddr_q + MEM_BYTES;
		if (!err_q) begin
			o_err_code <= win_err ? `MOTE_ERR_READ_WINDOW : `MOTE_ERR_LOAD_RANGE;
			o_err_addr <= win_err ? waddr_q : 32'd0;
		end
	end

	assign o_busy      = s1_q || wleft_q != 0;
	assign o_stall_mem = o_req_valid && !i_req_ready;
	wire unused_cmd = ^i_cmd;
endmodule

`default_nettype wire
