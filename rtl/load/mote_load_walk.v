// mote_load_walk.v: the narrow load path's address side (mote_load_serial).
// Walks the LOAD's rows (o, i) with the image row y, the image column x of byte
// 0 and the row's address kept incrementally (adders only, no multiply), reads
// the command's fields straight from the load queue's entry, which stays put
// while the command runs.  Per row, once the previous row's last byte is
// requested and the packer has taken the previous descriptor: the buffer row
// against its depth (LOAD_RANGE), then the row's in-bounds byte span [lo, hi)
// (both clamped to COUNT; lo = hi = 0 when the row is all padding) and the
// lane of its byte 0 go to the packer as a descriptor; the leading padding is
// stepped over a byte per cycle and each in-bounds byte is requested (a read
// of its word), one per cycle, the word checked against the read windows
// first (READ_WINDOW, ERR_ADDR the word; a failing word is never requested).
// After an error everything freezes until i_abort.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// Widths, all exact for the spec's 32-bit fields:
// - s = i*SX is kept (reset per outer row), x = X0 + s is a register loaded
//   from it the cycle after it changes (a row is handed out every second
//   cycle at most), the byte's address a register loaded with the row's
//   address oaddr + s when the row is handed out and stepped with the
//   byte's position (no adder between it and the window check); i stays at most the largest
//   depth DMAX (rows beyond a buffer's depth are an error before they are
//   walked), so |s| <= DMAX * 2^15 and |x| < 2^32: 33 bits.
// - y = Y0 + o*SY moves one way only; it can enter [0, HEIGHT) only from
//   below with SY > 0, so it is kept in 18 bits with a flag set for good when
//   it has left for the side it moves to (y >= 2^16 with SY >= 0, y < 0 with
//   SY < 0): until then y lies in [-2^15, 2^16 + 2^15).
// - the inner, outer and buffer-row counters need only count to the depth.
// Window check: mote_window_scan, one window per cycle, starting with the
// window that held the previous byte's word: bytes of one window pass at one
// per cycle; a word no window holds fails after NUM_WINDOWS cycles.
module mote_load_walk #(
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
	// address bits of the device's memory (32: the whole address space)
	parameter ADDR_W = 32,
	// 0: bias rows packed whole; n: as n 32-bit words (the packer's segments)
	parameter BIAS_WORDS = 0,
	// 0: its own read check (mote_window_scan); 1: a shared checker's
	// (mote_window_share, in mote_top) through o_wc / i_wc
	parameter WIN_EXT = 0,
	// widest destination row in bytes (derived)
	parameter RWMAX = (ROWS > 4 * COLS) ? ROWS : 4 * COLS,
	// bits of a byte position 0..RWMAX (derived)
	parameter PW = $clog2(RWMAX + 1),
	// bits of a bias word index (derived)
	parameter SGW = $clog2((BIAS_WORDS > 1) ? BIAS_WORDS : 2)
) (
	input  wire                      clk,
	input  wire                      rst,
	input  wire                      i_abort,
	// start of a LOAD; i_cmd holds it from then until the unit retires it
	input  wire                      i_start,
	// the walk's error address reads 0 from here (any command taken)
	input  wire                      i_clear,
	input  wire [511:0]              i_cmd,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT): {clear, want, address} and the
	// word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
	// the packer's open segment (bias word) of the row it packs
	input  wire                      i_seg_open,
	input  wire [SGW-1:0]            i_seg,
	output wire                      o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	// row descriptor: byte span [lo, hi) and the byte offset of its first word
	output reg                       o_desc_valid,
	input  wire                      i_desc_ready,
	output reg  [PW-1:0]             o_desc_lo,
	output reg  [PW-1:0]             o_desc_hi,
	output reg  [$clog2(MEM_BYTES)-1:0] o_desc_off,
	output wire                      o_busy,       // rows, words or a descriptor still to hand out
	output wire                      o_stall_mem,  // a request waits for the memory
	output reg                       o_err_valid,
	output reg                       o_err_window, // 1 READ_WINDOW, 0 LOAD_RANGE
	output wire [31:0]               o_err_addr    // the failing word (0 for LOAD_RANGE)
);
	localparam LG_MB = $clog2(MEM_BYTES);
	localparam DMAX  = (ABUF_DEPTH > WBUF_DEPTH) ? ((ABUF_DEPTH > BBUF_DEPTH) ? ABUF_DEPTH : BBUF_DEPTH) :
			   ((WBUF_DEPTH > BBUF_DEPTH) ? WBUF_DEPTH : BBUF_DEPTH);
	localparam DRW   = $clog2(DMAX + 1);                 // a buffer row 0..DMAX
	localparam CW    = DRW + 1;                          // inner and outer counters 0..2*DMAX+1
	localparam SW    = 16 + DRW;                         // s = i*SX, signed

	// ---- the command (held in the queue's entry) ----
	wire [1:0]  c_dst    = i_cmd[`MOTE_LOAD_DST];
	wire [31:0] c_addr0  = i_cmd[`MOTE_LOAD_ADDR0];
	wire [31:0] c_step   = i_cmd[`MOTE_LOAD_OUTER_STEP];
	wire [15:0] c_y0     = i_cmd[`MOTE_LOAD_Y0];
	wire [15:0] c_sy     = i_cmd[`MOTE_LOAD_SY];
	wire [31:0] c_x0     = i_cmd[`MOTE_LOAD_X0];
	wire [15:0] c_sx     = i_cmd[`MOTE_LOAD_SX];
	wire [15:0] c_height = i_cmd[`MOTE_LOAD_HEIGHT];
	wire [31:0] c_width  = i_cmd[`MOTE_LOAD_WIDTH];
	wire [15:0] c_ninner = i_cmd[`MOTE_LOAD_N_INNER];
	wire [15:0] c_nouter = i_cmd[`MOTE_LOAD_N_OUTER];
	wire [15:0] c_bufrow = i_cmd[`MOTE_LOAD_BUF_ROW];
	wire [15:0] c_count  = i_cmd[`MOTE_LOAD_COUNT];   // at most the row width (else FIELD before start)
	wire [PW-1:0] count  = c_count[PW-1:0];

	// ---- the row walk ----
	reg               row_q;         // a row waits to be handed out
	reg               err_q;         // frozen after an error
	reg  [CW-1:0]     ic_q, oc_q;    // inner and outer row
	reg  [DRW-1:0]    drow_q;        // buffer row (BUF_ROW's low bits)
	reg               dbig_q;        // BUF_ROW >= 2^DRW: beyond every depth
	reg  [SW-1:0]     s_q;           // i*SX
	reg  [31:0]       oaddr_q;       // address of byte 0 of the outer row's first row
	reg               settle_q;      // s changed: x follows now
	// x = X0 + s, the image column of byte 0 (signed), is kept only as the
	// row's clamped span [lo_c, hi_c) it gives, registers loaded when settle_q
	// (computed from a register x in the cycle that used them, the span made
	// the iCE40 board's critical path: 56 ns)
	wire [32:0]       x_d = {c_x0[31], c_x0} + {{(33-SW){s_q[SW-1]}}, s_q};
	reg  [PW-1:0]     lo_cq, hi_cq;
	reg  [17:0]       y_q;           // image row (see above)
	reg               yout_q;        // y has left [0, 2^16) for good

	// ---- this row's span ----
	localparam [31:0] AD = ABUF_DEPTH, WD = WBUF_DEPTH, BD = BBUF_DEPTH;
	reg [DRW-1:0] depth;
	always @(*)
		case (c_dst)
		`MOTE_BUF_ACT: depth = AD[DRW-1:0];
		`MOTE_BUF_WGT: depth = WD[DRW-1:0];
		default:       depth = BD[DRW-1:0];
		endcase
	wire range_ok = !dbig_q && drow_q < depth;

	wire          y_ok   = !yout_q && y_q[17:16] == 2'b00 && y_q[15:0] < c_height;
	// hi = clamp(WIDTH - x, 0, COUNT)
	wire [33:0]   hr     = {2'b00, c_width} - {x_d[32], x_d};   // signed
	wire [PW-1:0] hi_d   = hr[33] ? {PW{1'b0}} :
			       (hr[32:PW] != 0 || hr[PW-1:0] > count) ? count : hr[PW-1:0];
	// lo = clamp(-x, 0, COUNT): -x fits PW+1 bits when x >= -2^PW
	wire [PW:0]   nx     = ~x_d[PW:0] + 1'b1;
	wire          x_near = &x_d[32:PW];
	wire [PW-1:0] lo_d   = !x_d[32] ? {PW{1'b0}} :
			       (!x_near || nx > {1'b0, count}) ? count : nx[PW-1:0];
	wire [PW-1:0] hi_c   = hi_cq;
	wire [PW-1:0] lo_c   = lo_cq;
	wire          has    = y_ok && lo_c < hi_c;
	wire [PW-1:0] lo     = has ? lo_c : {PW{1'b0}};
	wire [PW-1:0] hi     = has ? hi_c : {PW{1'b0}};

	// ---- requests: a read per in-bounds byte, of the byte's word ----
	reg  [PW-1:0]     pos_q;         // row position: [0, lo) stepped over, [lo, hi) read
	wire [PW:0]       pos_1 = {1'b0, pos_q} + 1'b1;
	// the byte's address: the row's plus its position (an adder instead of a
	// byte address register with its own incrementer and load multiplexer)
	// the byte's address (the row's address plus pos_q), a register that
	// moves with pos_q (0 with a zeroed walk, the row's address ra_n with a
	// new row, +1 with the position): no adder before the window check and
	// the request (the clock's critical path ran through it).  Reset and abort leave it stale
	// until the next command zeroes it: nothing reads it before (no byte is
	// wanted until a row is handed out).
	reg  [31:0]       ab;
	wire              hit, win_err;

	// A bias row packed as words: a byte is read only once the packer has
	// this row and the byte's word open (its bytes must not arrive while an
	// earlier word of the row is still to be written); other rows need no
	// such check: a row's responses follow the previous row's, and the packer
	// takes a row's descriptor in the cycle after the previous row's last byte.
	wire narrow  = BIAS_WORDS != 0 && c_dst == `MOTE_BUF_BIAS;
	wire [PW-1:0] pseg = pos_q >> 2;
	wire seg_ok  = !narrow || (!o_desc_valid && i_seg_open && pseg == {{(PW-SGW){1'b0}}, i_seg});
	// (the descriptor register holds this row's span until the next row)
	// pos_q < o_desc_lo, pos_q < o_desc_hi and pos_q + 1 == o_desc_hi, kept in
	// registers that move with them (formed from the registers' next values
	// beside each other, the step only choosing): no compare of pos_q in
	// front of the request, the memory arbiter and the walk's next row
	reg  skip_q, left_q, lastb_q;
	wire want    = !err_q && !skip_q && left_q;
	assign o_req_valid = want && hit && seg_ok;
	assign o_req_addr  = {ab[31:LG_MB], {LG_MB{1'b0}}};
	wire issue   = o_req_valid && i_req_ready;

	// ---- handing out a row: once the previous row's last read goes out ----
	wire rdone   = !left_q || (issue && lastb_q);
	wire go      = row_q && !err_q && !settle_q && rdone && (!o_desc_valid || i_desc_ready);
	wire rng_err = go && !range_ok;
	wire adv     = go && range_ok;
	generate
		if (WIN_EXT == 0) begin : g_win
			mote_window_scan #(.NUM_WINDOWS(NUM_WINDOWS), .NEED_BIT(`MOTE_WIN_PERM_R), .ADDR_W(ADDR_W)) u_win (
				.clk(clk), .rst(rst), .i_clear(i_abort), .i_want(want), .i_addr(o_req_addr), .i_restart(adv || issue),
				.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm),
				.o_hit(hit), .o_fail(win_err));
			assign {o_wc, o_wc_take} = 35'd0;
			wire unused_wc = ^i_wc;
		end else begin : g_wext
			// the shared checker: wanted only when a hit can be requested
			// (the packer's segment open), else it would hold the checker
			assign o_wc = {i_abort, want && seg_ok, o_req_addr};
			assign o_wc_take = adv || issue;
			assign {win_err, hit} = i_wc;
			wire unused_win = ^{i_win_base, i_win_size, i_win_perm};
		end
	endgenerate
	// (a count of 2^CW or more is never reached: the depth ends the walk first)
	wire [16:0] ic_n = {{(17-CW){1'b0}}, ic_q} + 17'd1;
	wire [16:0] oc_n = {{(17-CW){1'b0}}, oc_q} + 17'd1;
	wire last_in  = ic_n == {1'b0, c_ninner};
	wire last_out = oc_n == {1'b0, c_nouter};
	wire [17:0] y_n  = y_q + {{2{c_sy[15]}}, c_sy};
	wire [31:0] oa_n = oaddr_q + c_step;
	// the address of the row handed out (s and oaddr are still its own)
	wire [31:0] ra_n = oaddr_q + {{(32-SW){s_q[SW-1]}}, s_q};
	// the error address reads 0 from a new command on and after a range error
	// (but for READ_WINDOW): the row address and position cleared, and with
	// them the span, so that nothing is stepped over or read
	wire zero    = i_clear || (rng_err && !err_q);

	always @(posedge clk) begin
		if (rst || i_abort) begin
			row_q <= 1'b0;
			err_q <= 1'b0;
			pos_q <= 0;
			o_desc_lo <= 0;
			o_desc_hi <= 0;
			{skip_q, left_q, lastb_q} <= 3'b000;
			o_desc_valid <= 1'b0;
			o_err_valid <= 1'b0;
		end else begin
			o_err_valid <= 1'b0;
			if (i_start) begin
				row_q <= c_ninner != 0 && c_nouter != 0;
				err_q <= 1'b0;
			end else if (adv && last_in && last_out)
				row_q <= 1'b0;
			if (zero) begin
				pos_q     <= {PW{1'b0}};
				o_desc_lo <= {PW{1'b0}};
				o_desc_hi <= {PW{1'b0}};
				{skip_q, left_q, lastb_q} <= 3'b000;
			end else if (adv) begin
				pos_q     <= {PW{1'b0}};
				o_desc_lo <= lo;
				o_desc_hi <= hi;
				skip_q    <= lo != {PW{1'b0}};
				left_q    <= hi != {PW{1'b0}};
				lastb_q   <= hi == {{(PW-1){1'b0}}, 1'b1};
			end
			else if ((!err_q && skip_q) || issue) begin
				pos_q <= pos_q + 1'b1;
				skip_q  <= pos_1 < {1'b0, o_desc_lo};
				left_q  <= pos_1 < {1'b0, o_desc_hi};
				lastb_q <= pos_1 + 1'b1 == {1'b0, o_desc_hi};
			end
			if (adv)
				o_desc_valid <= 1'b1;
			else if (i_desc_ready)
				o_desc_valid <= 1'b0;
			if (!err_q && (win_err || rng_err)) begin
				err_q <= 1'b1;
				o_err_valid <= 1'b1;
			end
		end
	end

	always @(posedge clk) begin
		if (i_start) begin
			ic_q    <= 0;
			oc_q    <= 0;
			drow_q  <= c_bufrow[DRW-1:0];
			dbig_q  <= ({1'b0, c_bufrow} >> DRW) != 17'd0;
			y_q     <= {{2{c_y0[15]}}, c_y0};
			yout_q  <= c_sy[15] && c_y0[15];
			s_q     <= {SW{1'b0}};
			oaddr_q <= c_addr0;
		end else if (adv) begin
			drow_q <= drow_q + 1'b1;
			if (last_in) begin
				ic_q    <= 0;
				oc_q    <= oc_n[CW-1:0];
				y_q     <= y_n;
				yout_q  <= yout_q || (c_sy[15] ? y_n[17] : y_n[17:16] == 2'b01);
				s_q     <= {SW{1'b0}};
				oaddr_q <= oa_n;
			end else begin
				ic_q <= ic_n[CW-1:0];
				s_q  <= s_q + {{(SW-16){c_sx[15]}}, c_sx};
			end
		end
		settle_q <= i_start || adv;
		if (settle_q) begin
			lo_cq <= lo_d;
			hi_cq <= hi_d;
		end
		if (adv)
			o_desc_off <= ra_n[LG_MB-1:0];
		if (zero)
			ab <= 32'd0;
		else if (adv)
			ab <= ra_n;
		else if (!rst && !i_abort && ((!err_q && skip_q) || issue))
			ab <= ab + 1'b1;
		if (!err_q)
			o_err_window <= win_err;
	end

	assign o_err_addr  = o_req_addr;
	assign o_busy      = row_q || left_q || o_desc_valid;
	assign o_stall_mem = o_req_valid && !i_req_ready;
	wire unused_cmd = ^{i_cmd, c_count, ic_n, oc_n, ab[LG_MB-1:0]};
endmodule

`default_nettype wire
