// mote_requant_serial.v: the serial store path's post-processing lane: one
// value at a time, v = acc + bias, the exact product v * mult built 8 bits of v
// per cycle from two tables of mult's multiples (block RAM), rounding half to
// even, zero point and clamp; or, with INT32, v's four bytes.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Arithmetic (the spec's STORE, exactly): with s = shift & 63, the column's
// table holds T[d] = d * m' for d = -8..8, m' = mult << r, r = -s mod 8, so the
// shift becomes s' = s + r = 8*S.  v's 32 bits are recoded into eight radix-16
// Booth digits (-8..8); each step adds two table entries,
//   acc <- (acc >>> 8) + T[d_lo] + (T[d_hi] << 4),
// and the byte leaving the bottom of acc is the next byte of p' = v * m'.
// Bytes below S are the remainder (half: bit 7 of byte S-1; sticky: the rest),
// bytes from S up are q = floor(p' / 2^s') = floor(v * mult / 2^s).  Then
//   y = min(max(q + (half & (sticky | q[0])) + zp, lo), hi)
// in 19 bits when q fits 18 bits (else q saturates to the side of its sign).
//
// Timing (a value per 4 cycles while the output is taken):
//  * a value is taken (i_valid & o_ready) at V; the table reads of its four
//    steps follow at V+1..V+4, the additions one cycle after each read;
//  * the next value may be taken in the cycle of the last read (V+4);
//  * after the fourth addition acc holds p' >> 24 and moves to the tail
//    register, which shifts out S-3 more remainder bytes (0..5 cycles, beside
//    the next value's steps), then the clamp writes the output byte: o_bvalid
//    rises S + 4 cycles after V (S >= 3, i.e. shift >= 17); S = 7 or 8 (shift
//    >= 49) makes the tail longer than the next value's steps: a value per
//    S - 2 cycles;
//  * shift <= 16 (S < 3): a slow, unoverlapped path: ten steps, q captured
//    into the tail register as its bytes leave acc, the bytes above it checked
//    to be its sign extension: a value per 13 cycles;
//  * INT32: o_bvalid with v's bytes at V+2..V+5 (no multiply).
// Table fill, per column, before a command's values: i_fill_s with the
// column's shift on i_data, then (the next cycle or later) i_fill_m with its
// mult on i_data, held there until o_fill_busy falls: r shift cycles, nine
// writes of 0, m', .. 8m', r shift cycles of ~m', nine writes of -0 .. -8m'.
module mote_requant_serial #(
	// array columns (one table region per column)
	parameter COLS = 4,
	// column index bits (derived)
	parameter CW = (COLS > 1) ? $clog2(COLS) : 1
) (
	input  wire          clk,
	input  wire          rst,
	// bias-buffer read data: shift / mult while filling, bias with a value
	input  wire [31:0]   i_data,
	// ---- table fill
	input  wire          i_fill_s,
	input  wire          i_fill_m,
	input  wire [CW-1:0] i_fill_col,
	output wire          o_fill_busy,
	// ---- values: v = i_acc + i_data
	input  wire          i_valid,
	output wire          o_ready,
	// the lane will probably take a value next cycle (to time the reads)
	output wire          o_ready_next,
	input  wire [31:0]   i_acc,
	input  wire [5:0]    i_shift,
	input  wire [CW-1:0] i_col,
	input  wire          i_int32,
	// command constants: zero point, clamp, and CLAMP_LO > CLAMP_HI
	input  wire [15:0]   i_zp,
	input  wire [15:0]   i_lo,
	input  wire [15:0]   i_hi,
	input  wire          i_lo_gt_hi,
	// ---- output bytes (int8: one per value; INT32: four)
	output reg           o_bvalid,
	output reg  [7:0]    o_byte,
	input  wire          i_bready,
	// a value, a fill or an output byte in flight
	output wire          o_busy
);
	localparam TW = 43;               // table entries: 8 * (mult << 7) is 42 bits + sign
	localparam TA = CW + 5;           // table address: {column, 5-bit digit}
	localparam AW = 48;               // accumulator and tail register

	// ================================================================ table fill
	localparam [1:0] F_IDLE = 2'd0, F_SHIFT = 2'd1, F_PASS = 2'd2;
	reg  [1:0]    f_st_q;
	reg  [2:0]    f_r_q;              // pre-scale r of the column being filled
	reg  [CW-1:0] f_col_q;
	reg  [38:0]   f_m_q;              // m' (or ~m' in the negative pass)
	reg  [TW-1:0] f_acc_q;            // k * m'
	reg  [3:0]    f_k_q;
	reg           f_neg_q;
	wire          f_pass_end = f_st_q == F_PASS && f_k_q == 4'd8;
	wire          t_we = f_st_q == F_PASS;
	wire [4:0]    t_wd = f_neg_q ? 5'd0 - {1'b0, f_k_q} : {1'b0, f_k_q};
	assign o_fill_busy = f_st_q != F_IDLE;

	always @(posedge clk) begin
		if (rst) begin
			f_st_q <= F_IDLE;
		end else if (i_fill_m) begin
			f_st_q <= (f_r_q != 3'd0) ? F_SHIFT : F_PASS;
		end else if (f_st_q == F_SHIFT) begin
			if (f_k_q == 4'd1)
				f_st_q <= F_PASS;
		end else if (f_pass_end) begin
			f_st_q <= f_neg_q ? F_IDLE : (f_r_q != 3'd0) ? F_SHIFT : F_PASS;
		end
		if (i_fill_s)
			f_r_q <= 3'd0 - i_data[2:0];
		// m' by shifting: loaded with mult (or its complement, shifting in ones)
		if (i_fill_m || (f_pass_end && !f_neg_q))
			f_m_q <= {{7{i_data[31]}}, i_data} ^ {39{f_pass_end}};
		else if (f_st_q == F_SHIFT)
			f_m_q <= {f_m_q[37:0], f_neg_q};
		if (i_fill_m) begin
			f_col_q <= i_fill_col;
			f_neg_q <= 1'b0;
		end else if (f_pass_end) begin
			f_neg_q <= 1'b1;
		end
		// shift count r, then the entry index 0..8 of the pass
		if (i_fill_m || f_pass_end)
			f_k_q <= {1'b0, f_r_q};
		else if (f_st_q == F_SHIFT)
			f_k_q <= (f_k_q == 4'd1) ? 4'd0 : f_k_q - 1'b1;
		else if (f_st_q == F_PASS)
			f_k_q <= f_k_q + 1'b1;
		// a pass starts from zero and adds m' (or ~m' + 1: -m') per entry
		if (f_st_q != F_PASS || f_pass_end)
			f_acc_q <= {TW{1'b0}};
		else
			f_acc_q <= f_acc_q + {{(TW-39){f_m_q[38]}}, f_m_q} + {{(TW-1){1'b0}}, f_neg_q};
	end

	// ================================================================ value: read side
	// Booth digit of a 5-bit window {b3 b2 b1 b0 b-1}: -8*b3 + 4*b2 + 2*b1 + b0 + b-1
	function [4:0] booth;
		input [4:0] x;
		begin
			booth = {5{x[4]}} & 5'b11000;
			booth = booth + {2'b00, x[3:1]} + {4'd0, x[0]};
		end
	endfunction

	reg           m_act_q;            // a value's table reads are in progress
	reg  [3:0]    m_j_q;              // its next read step
	reg  [31:0]   v_q;
	reg  [CW-1:0] col_q;
	reg  [3:0]    s_q;                // S = ceil(shift / 8)
	reg           slow_q, i32_q;      // S < 3; INT32
	reg           a_act_q;            // an addition is due (reads done last cycle)
	reg  [3:0]    a_k_q;              // its step
	reg  [3:0]    a_s_q;
	reg           a_slow_q;
	reg  [AW-1:0] acc_q;
	reg           trv_q;              // the tail register holds a value
	reg  [2:0]    tc_q;               // remainder bytes still to shift out of it
	reg  [AW-1:0] tr_q;

	wire [3:0] in_s    = {1'b0, i_shift[5:3]} + {3'd0, |i_shift[2:0]};
	wire       in_slow = !i_int32 && in_s < 4'd3;
	wire [3:0] m_last  = slow_q ? 4'd9 : 4'd3;
	wire       adv     = !o_bvalid || i_bready;
	wire       a_last  = a_k_q == (a_slow_q ? 4'd9 : 4'd3);
	// the tail register frees up this cycle (its value is clamped) or is free
	wire       tr_free = !trv_q || tc_q == 3'd0;
	wire       m_adv   = adv && !(a_act_q && a_last && !a_slow_q && !tr_free);
	wire       m_read  = m_act_q && m_adv;
	wire       m_done  = m_read && m_j_q == m_last;
	wire       idle_m  = !m_act_q && !a_act_q;
	assign o_ready      = adv && (in_slow ? (idle_m && !trv_q) : (!m_act_q || m_done));
	assign o_ready_next = !m_act_q || m_j_q + 4'd1 >= m_last;
	wire       take     = i_valid && o_ready;

	// the step's two digits: v bits [8j+7 : 8j-1] (zero beyond step 3)
	wire [8:0] win = (m_j_q == 4'd0) ? {v_q[7:0], 1'b0} :
			 (m_j_q == 4'd1) ? v_q[15:7] :
			 (m_j_q == 4'd2) ? v_q[23:15] :
			 (m_j_q == 4'd3) ? v_q[31:23] : 9'd0;
	wire [TA-1:0] ra = {col_q, booth(win[4:0])};
	wire [TA-1:0] rb = {col_q, booth(win[8:4])};
	wire          t_re = m_read && !i32_q;
	// The two tables (block RAM, read data registered): written only while
	// filling, read only while values run, never both in one cycle, so the
	// RAM needs no read-during-write bypass (which Yosys would otherwise build
	// beside each iCE40 block RAM: about two flip-flops and a LUT per bit).
	(* no_rw_check *) reg [TW-1:0] tab_a [0:COLS*32-1];
	(* no_rw_check *) reg [TW-1:0] tab_b [0:COLS*32-1];
	reg  [TW-1:0] ta, tb;
	always @(posedge clk) begin
		if (t_we) begin
			tab_a[{f_col_q, t_wd}] <= f_acc_q;
			tab_b[{f_col_q, t_wd}] <= f_acc_q;
		end
		if (t_re) begin
			ta <= tab_a[ra];
			tb <= tab_b[rb];
		end
	end

	always @(posedge clk) begin
		if (rst) begin
			m_act_q <= 1'b0;
			a_act_q <= 1'b0;
		end else begin
			if (take)
				m_act_q <= 1'b1;
			else if (m_done)
				m_act_q <= 1'b0;
			if (m_adv)
				a_act_q <= t_re;
		end
		if (take) begin
			v_q    <= i_acc + i_data;
			col_q  <= i_col;
			s_q    <= in_s;
			slow_q <= in_slow;
			i32_q  <= i_int32;
			m_j_q  <= 4'd0;
		end else if (m_read) begin
			m_j_q  <= m_j_q + 1'b1;
		end
		if (t_re) begin
			a_k_q    <= m_j_q;
			a_s_q    <= s_q;
			a_slow_q <= slow_q;
		end
	end

	// ================================================================ value: additions
	// remainder bytes: sticky (any bit below the half bit) and half
	reg  a_st_q, a_hf_q, a_bad_q;      // of the value in its steps
	reg  b_st_q, b_hf_q, b_bad_q;      // of the value in the tail register
	reg  b_neg_q;                      // the sign of its product
	reg  [3:0] b_j_q, b_s_q;
	wire [3:0] a_j   = a_k_q - 4'd1;   // index of the byte leaving acc
	wire [7:0] a_by  = acc_q[7:0];
	wire       a_out = a_k_q != 4'd0;
	wire       a_rem = a_out && a_j < a_s_q;
	wire       a_hb  = a_rem && a_j + 4'd1 == a_s_q;
	// slow path: bytes S..S+5 are q (into the tail register), the rest its sign
	wire       a_cap = a_slow_q && a_out && !a_rem && a_j < a_s_q + 4'd6;
	wire       a_ext = a_slow_q && a_out && !a_rem && !a_cap;
	wire       a_st_n  = a_st_q || (a_rem && (a_hb ? |a_by[6:0] : |a_by));
	wire       a_hf_n  = a_hf_q || (a_hb && a_by[7]);
	wire       a_bad_n = a_bad_q || (a_ext && a_by != {8{tr_q[AW-1]}});
	wire [AW-1:0] a_sum = {{8{acc_q[AW-1]}}, acc_q[AW-1:8]} + {{(AW-TW){ta[TW-1]}}, ta} +
			      {{(AW-TW-4){tb[TW-1]}}, tb, 4'd0};
	wire       a_go  = a_act_q && m_adv;
	wire       a_fin = a_go && a_last;

	// the tail: remainder bytes of the value after its steps
	wire [7:0] b_by  = tr_q[7:0];
	wire       b_hb  = b_j_q + 4'd1 == b_s_q;
	wire       b_shift = trv_q && tc_q != 3'd0 && adv;
	wire       b_fin   = trv_q && tc_q == 3'd0 && adv;
	// the tail register takes the product's top after the fourth step (fast
	// path), or shifts down a byte at a time, taking in at the top the next
	// byte of q (slow path) or the sign (fast path: remainder bytes go out)
	wire       tr_load  = a_fin && !a_slow_q;
	wire       tr_cap   = a_go && a_cap;
	wire [7:0] tr_top   = tr_cap ? a_by : {8{tr_q[AW-1]}};

	always @(posedge clk) begin
		if (rst)
			trv_q <= 1'b0;
		else if (a_fin)
			trv_q <= 1'b1;
		else if (b_fin)
			trv_q <= 1'b0;
		// acc starts each value from zero
		if (rst || a_fin)
			acc_q <= {AW{1'b0}};
		else if (a_go)
			acc_q <= a_sum;
		if (rst || a_fin) begin
			a_st_q  <= 1'b0;
			a_hf_q  <= 1'b0;
			a_bad_q <= 1'b0;
		end else if (a_go) begin
			a_st_q  <= a_st_n;
			a_hf_q  <= a_hf_n;
			a_bad_q <= a_bad_n;
		end
		if (tr_load)
			tr_q <= a_sum;
		else if (tr_cap || b_shift)
			tr_q <= {tr_top, tr_q[AW-1:8]};
		if (a_fin) begin
			tc_q    <= a_slow_q ? 3'd0 : a_s_q[2:0] - 3'd3;
			b_j_q   <= 4'd3;
			b_s_q   <= a_s_q;
			b_st_q  <= a_st_n;
			b_hf_q  <= a_hf_n;
			b_bad_q <= a_bad_n;
			// the slow path's last byte out is the product's top byte
			b_neg_q <= a_slow_q ? a_by[7] : a_sum[AW-1];
		end else if (b_shift) begin
			tc_q   <= tc_q - 3'd1;
			b_j_q  <= b_j_q + 4'd1;
			b_st_q <= b_st_q || (b_hb ? |b_by[6:0] : |b_by);
			b_hf_q <= b_hf_q || (b_hb && b_by[7]);
		end
	end

	// ================================================================ clamp and output
	// y's low byte from q (the tail register: its low 48 bits), the rounding
	// bits, the product's sign (q's when q does not fit) and the command
	function [7:0] clamp8;
		input [AW-1:0] q;
		input          st, hf, bad, neg;
		input [15:0]   zp, lo, hi;
		input          lo_gt_hi;
		reg            sat, below, above, up;
		reg   [18:0]   t;
		begin
			sat   = bad || !(&q[AW-1:17] || !(|q[AW-1:17]));
			up    = hf && (st || q[0]);
			t     = {q[17], q[17:0]} + {{3{zp[15]}}, zp} + {18'd0, up};
			below = sat ? neg : ($signed(t) < $signed({{3{lo[15]}}, lo}));
			above = sat ? !neg : ($signed(t) > $signed({{3{hi[15]}}, hi}));
			clamp8 = (above || lo_gt_hi) ? hi[7:0] : below ? lo[7:0] : t[7:0];
		end
	endfunction

	// INT32: v's byte j is the step's window without its low bit
	wire i32_out = m_read && i32_q;
	always @(posedge clk) begin
		if (rst)
			o_bvalid <= 1'b0;
		else if (b_fin || i32_out)
			o_bvalid <= 1'b1;
		else if (i_bready)
			o_bvalid <= 1'b0;
		if (b_fin)
			o_byte <= clamp8(tr_q, b_st_q, b_hf_q, b_bad_q, b_neg_q, i_zp, i_lo, i_hi, i_lo_gt_hi);
		else if (i32_out)
			o_byte <= win[8:1];
	end

	assign o_busy = m_act_q || a_act_q || trv_q || o_bvalid || o_fill_busy;
endmodule

`default_nettype wire
