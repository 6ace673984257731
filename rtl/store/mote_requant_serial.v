// mote_requant_serial.v: the serial store path's post-processing lane: one
// value at a time, v = acc + bias, the exact product v * mult by radix-4 Booth
// shift-add (two bits of v per cycle, no tables), rounding half to even on the
// bits shifted out, zero point and clamp; or, with INT32, v's four bytes.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Arithmetic (the spec's STORE, exactly).  With s = shift & 63 and o = s & 1,
// the lane multiplies v' = v << o (33 bits when o) by m = mult, so that the
// shift s' = s + o is even and the product P' = v' * m leaves the adder two
// bits a step:
//   H <- (H + d_j * m) >>> 2        (H: 34 bits, d_j the radix-4 Booth digit
//                                    j of v', j < n = 16 + o; 0 after that)
// and the two bits leaving H (the sum's bits 1:0) are P' bits 2j, 2j+1.  V
// holds v and shifts right two bits a step (its low bits are the digits'
// window, with the two bits that left it last, p1 and p2), taking the bits leaving H
// in at its top, so {H, V} is the 66-bit product shifting right.
//  * s >= 32 (big): after s'/2 steps H = P' >> s' = q (the remainder bits all
//    left H: the last one out is the half bit, the others the sticky bit);
//  * s < 32 (small): after 16 + s'/2 steps V = q's low 32 bits (the remainder
//    left V's bottom from step 16 on), H the rest of q.
// Then y = min(max(q + (half & (sticky | q[0])) + zp, lo), hi), in 18 bits
// when q fits 17 bits (else q saturates to the side of the product's sign:
// with |zp|, |lo|, |hi| < 2^15 a q beyond 17 bits is beyond the clamp).
//
// Timing: i_load takes v = i_acc + i_data (the bias), s and INT32 (the cycle
// after o_ready: the caller reads the bias and the accumulator then);
// the multiplier must be on i_data from the next cycle until o_mfree rises
// (after the n multiply steps: the bias buffer's read data holds it).  Steps
// 1 .. s'/2 (big) or 16 + s'/2 (small) cycles after i_load (16 to 32), then
// the clamp's first stage the cycle after, when its register is free (o_ready
// in that cycle), and the output byte the cycle after that, when the output
// register is free.  INT32: v's bytes, one per 4 steps (V shifting 8 bits),
// each when the output register is empty (o_bvalid low: no path from i_bready).
module mote_requant_serial (
	input  wire          clk,
	input  wire          rst,
	// ---- a value: v = i_acc + i_data, its shift, INT32
	input  wire          i_load,
	// i_load may come next cycle (no value, or its last cycle now)
	output wire          o_ready,
	input  wire [31:0]   i_acc,
	// bias-buffer read data: the bias with i_load, the multiplier after it
	input  wire [31:0]   i_data,
	input  wire [5:0]    i_shift,
	input  wire          i_int32,
	// the multiplier is no longer needed on i_data
	output wire          o_mfree,
	// command constants: zero point, clamp, and CLAMP_LO > CLAMP_HI
	input  wire [15:0]   i_zp,
	input  wire [15:0]   i_lo,
	input  wire [15:0]   i_hi,
	input  wire          i_lo_gt_hi,
	// ---- output bytes (int8: one per value; INT32: four)
	output reg           o_bvalid,
	output reg  [7:0]    o_byte,
	input  wire          i_bready,
	// a value or an output byte in flight
	output wire          o_busy
);
	// ---- state of the value in the lane
	reg           act_q;              // a value is in its steps (or waits to be clamped)
	reg           i32_q, odd_q, big_q;
	reg  [4:0]    j_q;                // step
	reg  [4:0]    last_q;             // its last step
	reg           done_q;             // the steps are over: clamp (or INT32 bytes out)
	reg           mul_q;              // a multiply step is due (the multiplier is needed)
	reg  [31:0]   v_q;                // v, shifting out two bits a step
	reg  [33:0]   h_q;                // H, or ~H when pol_q (below)
	reg           pol_q;
	reg           st_q, hf_q;         // sticky and half bits of the remainder
	// the clamp in two stages: t = q + round + zp and q's saturation are
	// registered the cycle the steps are over (the value then leaves the
	// lane, the next may load), the compares and the byte out from there
	reg           tv_q, sat_q, neg_q; // tv_q: t_q waits to go out
	reg  [17:0]   t_q;

	wire obuf_free = !o_bvalid || i_bready;

	// ---- Booth digit of v' = v << o: window {b2 b1 b0} = v' bits 2j+1, 2j, 2j-1
	// (the seventeenth digit of an odd shift takes v's sign for v' bit 33)
	wire       j16 = j_q == 5'd16;
	wire       mul_last = odd_q ? j16 : j_q == 5'd15;
	// The digit's magnitude (d_two: 2, d_one: 1) is registered a step ahead,
	// from the window the next step sees (v_q after the shift, p1 and p2 the
	// two bits that left it: no register holds them), so the window's
	// multiplexer is not in front of the adder.
	//   step j:   {v[1], v[0], p1} (even), {v[0], p1, p2} (odd, j < 16),
	//             {p1, p1, p2} (odd, j = 16)
	//   next one: {v[3], v[2], v[1]}, {v[2], v[1], v[0]}, {v[1], v[1], v[0]} (j = 15)
	function [1:0] booth;  // {two, one} of the window {b2 b1 b0}
		input [2:0] w;
		booth = {w[2] ? !w[1] && !w[0] : w[1] && w[0], w[1] ^ w[0]};
	endfunction
	wire [2:0] nwin = !odd_q ? v_q[3:1] : j_q == 5'd15 ? {v_q[1], v_q[1], v_q[0]} : v_q[2:0];
	reg        d_two, d_one;
	// The digit's sign is not an operand: H is kept in the polarity of the
	// digit to come (h_q = ~H while it is negative), so that
	//   ~H + |d|*m = ~(H - |d|*m):
	// the operand is |d|*m (a LUT a bit, not two) and the sum is stored
	// flipped to the next digit's polarity (the sum LUT's spare input); the
	// bits leaving are flipped back.  H is 0 between values: the load stores
	// it in the first digit's polarity, the last multiply step back in 0.
	wire [33:0] m1 = {{2{i_data[31]}}, i_data};
	wire [33:0] m2 = {i_data[31], i_data, 1'b0};
	wire [33:0] op = ({34{d_one}} & m1) | ({34{d_two}} & m2);
	wire [33:0] sum = h_q + op;
	wire [1:0]  out = sum[1:0] ^ {2{pol_q}};
	// the next digit's sign (b2 of the next window), 0 after the multiply
	wire        nxt_b2 = !odd_q ? v_q[3] : j_q == 5'd15 ? v_q[1] : v_q[2];
	wire [31:0] v_in = i_acc + i_data;
	wire        pol_n = i_load ? !i_int32 && (i_shift[0] ? v_in[0] : v_in[1]) : mul_q && !mul_last && nxt_b2;
	wire        flip = pol_q ^ pol_n;

	// ---- the step: who advances, and the remainder bits that leave
	// (big: the two bits leaving H; small: those leaving V from step 16 on)
	wire       i32_out = i32_q && j_q[1:0] == 2'd0;
	// (an INT32 byte waits for the clamped byte before it)
	// (no step or clamp waits on i_bready, only on registers: the writer's
	// ready comes through its window check, and these enable 100 flip-flops)
	wire       step    = act_q && !done_q && !(i32_out && (o_bvalid || tv_q));
	wire       s_last  = j_q == last_q;
	wire       r_val   = big_q || j_q[4];
	wire [1:0] r_bits  = big_q ? out : v_q[1:0];
	wire       out_go  = tv_q && obuf_free;
	wire       clamp   = act_q && done_q && !i32_q && !tv_q;

	// steps in all: s'/2 (big) or 16 + s'/2 (small), s'/2 = ceil(s / 2); the
	// last is one less (INT32: the fourth byte goes out at step 12)
	wire [5:0] half_s  = {1'b0, i_shift[5:1]} + {5'd0, i_shift[0]};
	wire [5:0] n_last  = half_s + (i_shift[5] ? 6'h3f : 6'd15);
	wire [4:0] in_last = i_int32 ? 5'd12 : n_last[4:0];

	wire   unused_ok = n_last[5];
	// (the last cycle taken only with the output register empty: no path from i_bready)
	assign o_ready = !act_q || (i32_q ? !o_bvalid && !tv_q && s_last : done_q && !tv_q);
	assign o_mfree = !mul_q;
	assign o_busy  = act_q || o_bvalid || tv_q;

	always @(posedge clk) begin
		if (rst) begin
			act_q <= 1'b0;
			mul_q <= 1'b0;
			{d_two, d_one} <= 2'b00;
		end else if (i_load) begin
			act_q <= 1'b1;
			mul_q <= !i_int32;
			// the first window: {v[1], v[0], 0} (even), {v[0], 0, 0} (odd)
			{d_two, d_one} <= i_int32 ? 2'b00 : booth(i_shift[0] ? {v_in[0], 2'b00} : {v_in[1:0], 1'b0});
		end else begin
			if (clamp || (step && s_last && i32_q))
				act_q <= 1'b0;
			// multiply steps: j < 16 + o
			if (step && mul_last)
				mul_q <= 1'b0;
			if (step)
				{d_two, d_one} <= mul_q && !mul_last ? booth(nwin) : 2'b00;
		end
		if (i_load) begin
			i32_q  <= i_int32;
			odd_q  <= i_shift[0];
			big_q  <= i_shift[5];
			last_q <= in_last;
			j_q    <= 5'd0;
			done_q <= 1'b0;
			v_q    <= v_in;
			st_q   <= 1'b0;
			hf_q   <= 1'b0;
		end else if (step) begin
			j_q    <= j_q + 1'b1;
			done_q <= s_last;
			v_q    <= {out, v_q[31:2]};
			st_q   <= st_q || (r_val && (r_bits[0] || (r_bits[1] && !s_last)));
			hf_q   <= r_val && s_last && r_bits[1];
		end
		// H: 0 after a value (its q clamped) and at reset; the load and the
		// steps store the sum shifted, in the next digit's polarity
		if (rst || clamp) begin
			h_q   <= 34'd0;
			pol_q <= 1'b0;
		end else if (i_load || step) begin
			h_q   <= {{2{sum[33]}}, sum[33:2]} ^ {34{flip}};
			pol_q <= pol_n;
		end
	end

	// ================================================================ clamp and output
	// q (17 bits) from H (big) or V (small); it fits when the bits above are
	// its sign extension, each compared with q's sign (three bits and the
	// sign a LUT).  H's top two bits need no look: after the multiply H is
	// P' >> 32 with |P'| <= 2^62 (even shift: |v| <= 2^31, |m| <= 2^31) or
	// P' >> 34 with |P'| <= 2^63 (odd: |v'| <= 2^32), so |H| <= 2^30 and
	// H[33:32] are copies of H[31]
	wire [16:0] q     = big_q ? h_q[16:0] : v_q[16:0];
	wire        fit_h = !(|(h_q[31:17] ^ {15{h_q[16]}}));
	wire        fit_s = !(|({h_q[31:0], v_q[31:17]} ^ {47{v_q[16]}}));
	wire        sat   = big_q ? !fit_h : !fit_s;
	wire        neg   = h_q[33];

	// t, q's saturation and sign: registered by the clamp's first stage
	always @(posedge clk) begin
		if (rst)
			tv_q <= 1'b0;
		else if (clamp)
			tv_q <= 1'b1;
		else if (out_go)
			tv_q <= 1'b0;
		if (clamp) begin
			t_q   <= {q[16], q} + {{2{i_zp[15]}}, i_zp} + {17'd0, hf_q && (st_q || q[0])};
			sat_q <= sat;
			neg_q <= neg;
		end
	end

	// y = min(max(t, lo), hi): hi when t > hi or lo > hi, else lo when t < lo
	function [7:0] clamp8;
		input [17:0] t;
		input        sa, ng;
		input [15:0] lo, hi;
		input        lo_gt_hi;
		reg          below, above;
		begin
			// t < lo and t > hi as the signs of exact 19-bit differences:
			// two carry chains (as comparisons they became LUT levels)
			below  = sa ? ng : (({t[17], t} - {{3{lo[15]}}, lo}) >> 18) != 19'd0;
			above  = sa ? !ng : (({{3{hi[15]}}, hi} - {t[17], t}) >> 18) != 19'd0;
			clamp8 = (above || lo_gt_hi) ? hi[7:0] : below ? lo[7:0] : t[7:0];
		end
	endfunction

	always @(posedge clk) begin
		if (rst)
			o_bvalid <= 1'b0;
		else if (out_go || (step && i32_out))
			o_bvalid <= 1'b1;
		else if (i_bready)
			o_bvalid <= 1'b0;
		if (out_go)
			o_byte <= clamp8(t_q, sat_q, neg_q, i_lo, i_hi, i_lo_gt_hi);
		else if (step && i32_out)
			o_byte <= v_q[7:0];
	end
endmodule

`default_nettype wire
