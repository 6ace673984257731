// mote_store_bytes.v: the serial store path's writer: writes output bytes, in
// order, at the command's row addresses, one byte per memory request (the
// byte on every lane, one strobe), each word checked against the write
// windows before it is requested; it walks the rows itself.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

// Row (o, i) of a command starts at ADDR0 + o*OUTER_STRIDE + i*INNER_STRIDE
// (32-bit, wrapping) and holds i_nb bytes; the rows' bytes arrive in order on
// i_bvalid/i_byte and stay there until o_bready.  Per byte: its word address
// is registered (the cycle after the walk moved), checked (mote_window_scan:
// one window per cycle, starting with the window that held the previous
// word), then requested with the byte's strobe; o_bready the cycle the word
// is found in a window (the byte is copied into the request), so the caller's
// last byte is written once o_req_valid is low.  A byte takes three cycles at
// best.  A word outside
// the windows is not written: o_err (a pulse, o_err_addr the word) and the
// writer stops until rst.  The memory sees the same bytes as from whole-word
// writes (BYTES_WRITTEN counts strobes), a write per byte.
// The walk keeps the byte's address in one register with one adder: +1 per
// byte, back to the row's start after its last byte, then +INNER_STRIDE; the
// next outer row takes INNER_STRIDE off N_INNER-1 times (back to the outer
// row's start, a cycle each, while the lane works on the next value) and adds
// OUTER_STRIDE.  While i_idle (no command) the address rests at 0, so
// o_err_addr reads 0 (the caller's other errors), and a command starts by
// adding ADDR0.
module mote_store_bytes #(
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 8,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// address bits of the device's memory (mote_window_scan)
	parameter ADDR_W = 32,
	// 0: its own write check (mote_window_scan); 1: a shared checker's
	// (mote_window_share, in mote_top) through o_wc / i_wc
	parameter WIN_EXT = 0,
	// bits of a row's byte count (derived by the caller)
	parameter NBW = 5,
	// bits of the inner-row counter: N_INNER is below 2^CNW (the caller's
	// range check: it does not exceed the accumulator's depth)
	parameter CNW = 10
) (
	input  wire                      clk,
	input  wire                      rst,
	// no command: the walk rests at address 0
	input  wire                      i_idle,
	// a command starts (its fields below hold until it ends)
	input  wire                      i_start,
	input  wire [31:0]               i_addr0,
	input  wire [31:0]               i_is,
	input  wire [31:0]               i_os,
	input  wire [15:0]               i_ni,
	input  wire [NBW-1:0]            i_nb,
	// output bytes in row order (i_byte held until o_bready)
	input  wire                      i_bvalid,
	output wire                      o_bready,
	input  wire [7:0]                i_byte,
	// memory master port (writes only)
	output reg                       o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	output wire [MEM_BYTES*8-1:0]    o_req_wdata,
	output reg  [MEM_BYTES-1:0]      o_req_wstrb,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the shared checker's port (WIN_EXT): {clear, want, address} and the
	// word taken (restart) out, {fail, hit} back
	output wire [33:0]               o_wc,
	output wire                      o_wc_take,
	input  wire [1:0]                i_wc,
	output reg                       o_err,
	output wire [31:0]               o_err_addr
);
	localparam LGMB = $clog2(MEM_BYTES);

	// ---- the walk: the byte's address, its byte of the row, the inner row;
	// after a row, INNER_STRIDE is due (P_IN) or the walk back (P_BACK)
	localparam [1:0] P_NONE = 2'd0, P_IN = 2'd1, P_BACK = 2'd2;
	reg  [31:0]    a_q;
	reg  [NBW-1:0] b_q;
	reg  [CNW-1:0] i_q;
	reg  [1:0]     pend_q;
	reg            moved_q, halted_q;
	wire           adv      = o_req_valid && i_req_ready;
	// i_q == 0, a register that moves with i_q (no compare of it in front of
	// the adder's operand)
	reg            i_zero;
	// the row's last byte is at b_q (b_q + 1 == i_nb), kept in a register so
	// that b_q's compare is not in front of the address adder
	reg            row_last;
	// what the adder adds: ADDR0 (start), 1 (next byte), -b (back to the
	// row's start), INNER_STRIDE, -INNER_STRIDE, OUTER_STRIDE
	wire           s_row  = adv && row_last;
	wire           s_in   = pend_q == P_IN;
	wire           s_back = pend_q == P_BACK && !i_zero;
	wire           s_out  = pend_q == P_BACK && i_zero;
	wire [CNW-1:0] i_step = i_q + (s_back ? {CNW{1'b1}} : {{(CNW-1){1'b0}}, 1'b1});
	wire           in_last = i_step == i_ni[CNW-1:0];
	// (a request is taken, adv, only with nothing else due: no command start,
	// pend_q P_NONE; so the adder assumes adv when nothing else is due and adv
	// only enables the register: the memory's ready stays off the carry chain)
	wire           s_adv  = !i_start && pend_q == P_NONE;
	wire [31:0]    a_add  = i_start ? i_addr0 : s_out ? i_os :
				(s_in || s_back) ? i_is ^ {32{s_back}} :
				row_last ? ~{{(32-NBW){1'b0}}, b_q} : 32'd0;
	wire [31:0]    a_next = a_q + a_add + {31'd0, s_adv || s_back};

	// ---- the byte's word: checked the cycle after the walk moved, requested
	wire             want = i_bvalid && !moved_q && pend_q == P_NONE && !o_req_valid && !halted_q;
	wire             hit, fail;
	// the byte is taken into the request (byte_q) when the word is found in a
	// window, so the lane is released then, not when the memory accepts the
	// request: no path from the memory's ready into the lane
	reg  [7:0]       byte_q;
	assign o_bready    = want && hit;
	assign o_req_addr  = {a_q[31:LGMB], {LGMB{1'b0}}};
	assign o_err_addr  = o_req_addr;
	assign o_req_wdata = {MEM_BYTES{byte_q}};

	generate
		if (WIN_EXT == 0) begin : g_win
			mote_window_scan #(.NUM_WINDOWS(NUM_WINDOWS), .NEED_BIT(`MOTE_WIN_PERM_W), .ADDR_W(ADDR_W)) u_win (
				.clk(clk), .rst(rst), .i_clear(1'b0), .i_want(want), .i_addr(o_req_addr), .i_restart(adv),
				.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm),
				.o_hit(hit), .o_fail(fail));
			assign {o_wc, o_wc_take} = 35'd0;
			wire unused_wc = ^i_wc;
		end else begin : g_wext
			// the shared checker (a hit is registered into the request: the
			// checker moves on at once, mote_top's REL_ON_HIT)
			assign o_wc = {rst, want, o_req_addr};
			assign o_wc_take = adv;
			assign {fail, hit} = i_wc;
			wire unused_win = ^{i_win_base, i_win_size, i_win_perm};
		end
	endgenerate

	always @(posedge clk) begin
		if (rst || i_idle)
			a_q <= 32'd0;
		else if (i_start || adv || s_in || s_back || s_out)
			a_q <= a_next;
		if (rst || i_start || s_row) begin
			b_q      <= {NBW{1'b0}};
			row_last <= i_nb == {{(NBW-1){1'b0}}, 1'b1};
		end else if (adv) begin
			b_q      <= b_q + 1'b1;
			row_last <= b_q + {{(NBW-2){1'b0}}, 2'b10} == i_nb;
		end
		// inner row: up to N_INNER-1, then (held there) down to 0 walking back
		if (i_start) begin
			i_q    <= {CNW{1'b0}};
			i_zero <= 1'b1;
		end else if ((s_row && !in_last) || s_back) begin
			i_q    <= i_step;
			i_zero <= i_step == {CNW{1'b0}};
		end
		// (a walk back after a command's last byte ends when the next starts)
		if (rst || i_idle || i_start || s_in || s_out)
			pend_q <= P_NONE;
		else if (s_row)
			pend_q <= in_last ? P_BACK : P_IN;
		moved_q <= i_start || adv || pend_q != P_NONE;
		if (rst) begin
			o_req_valid <= 1'b0;
			halted_q    <= 1'b0;
			o_err       <= 1'b0;
		end else begin
			o_err <= want && fail;
			if (want && fail)
				halted_q <= 1'b1;
			if (want && hit)
				o_req_valid <= 1'b1;
			else if (i_req_ready)
				o_req_valid <= 1'b0;
		end
	end

	// the byte and its strobe
	integer k;
	always @(posedge clk)
		if (want && hit) begin
			byte_q <= i_byte;
			for (k = 0; k < MEM_BYTES; k = k + 1)
				o_req_wstrb[k] <= a_q[LGMB-1:0] == k[LGMB-1:0];
		end

	wire unused_ok = &{1'b0, i_ni[15:CNW]};
endmodule

`default_nettype wire
