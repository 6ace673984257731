// mote_tokens.v: the four dependency-token counters between the load, compute
// and store queues.  l2c: load -> compute, c2l: compute -> load, c2s: compute ->
// store, s2c: store -> compute.  A pop and a push of the same counter may happen
// in one cycle.  A push that would take a counter above TOKEN_MAX is error TOKEN
// (registered one-cycle pulse, ERR_CMD = the index of the command that pushed); the
// counter then stays at TOKEN_MAX.  Pops of an empty counter are ignored (units
// only pop after seeing o_*_avail).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_tokens #(
	// largest count a counter may hold
	parameter TOKEN_MAX = `MOTE_TOKEN_MAX,
	// counter width (derived)
	parameter TW = $clog2(TOKEN_MAX + 1)
) (
	input  wire        clk,
	input  wire        rst,
	// empty every counter (job start, abort)
	input  wire        i_clear,
	// pops (consumer side) and pushes (producer side)
	input  wire        i_l2c_pop, i_c2l_pop, i_c2s_pop, i_s2c_pop,
	input  wire        i_l2c_push, i_c2l_push, i_c2s_push, i_s2c_push,
	// the index of the command each unit pushes for (valid with its push), reported on overflow
	input  wire [31:0] i_load_idx, i_comp_idx, i_store_idx,
	output wire        o_l2c_avail, o_c2l_avail, o_c2s_avail, o_s2c_avail,
	output reg         o_err_valid,
	output wire [7:0]  o_err_code,
	output reg  [31:0] o_err_idx
);
	reg  [TW-1:0] l2c_q, c2l_q, c2s_q, s2c_q;

	// a push overflows when the counter is full and no pop makes room
	wire ovf_l2c = i_l2c_push && !i_l2c_pop && l2c_q == TOKEN_MAX;
	wire ovf_c2l = i_c2l_push && !i_c2l_pop && c2l_q == TOKEN_MAX;
	wire ovf_c2s = i_c2s_push && !i_c2s_pop && c2s_q == TOKEN_MAX;
	wire ovf_s2c = i_s2c_push && !i_s2c_pop && s2c_q == TOKEN_MAX;

	// next value: +push -pop, saturating at TOKEN_MAX, an empty pop does nothing;
	// one adder of c and +1, -1 (all ones) or 0, not an incrementer and a
	// decrementer side by side (an iCE40 carry chain each)
	function [TW-1:0] next_count(input [TW-1:0] c, input push, input pop);
		reg up, down;
		begin
			up   = push && !(pop && c != 0) && c != TOKEN_MAX;
			down = pop && !push && c != 0;
			next_count = c + {{(TW-1){down}}, up || down};
		end
	endfunction

	always @(posedge clk) begin
		if (rst || i_clear) begin
			l2c_q <= 0;
			c2l_q <= 0;
			c2s_q <= 0;
			s2c_q <= 0;
			o_err_valid <= 1'b0;
		end else begin
			l2c_q <= next_count(l2c_q, i_l2c_push, i_l2c_pop);
			c2l_q <= next_count(c2l_q, i_c2l_push, i_c2l_pop);
			c2s_q <= next_count(c2s_q, i_c2s_push, i_c2s_pop);
			s2c_q <= next_count(s2c_q, i_s2c_push, i_s2c_pop);
			o_err_valid <= ovf_l2c || ovf_c2l || ovf_c2s || ovf_s2c;
		end
	end

	always @(posedge clk)
		o_err_idx <= ovf_l2c ? i_load_idx : ovf_s2c ? i_store_idx : i_comp_idx;

	assign o_err_code  = `MOTE_ERR_TOKEN;
	assign o_l2c_avail = (l2c_q != 0);
	assign o_c2l_avail = (c2l_q != 0);
	assign o_c2s_avail = (c2s_q != 0);
	assign o_s2c_avail = (s2c_q != 0);

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	always @(*) begin
		assert(l2c_q <= TOKEN_MAX);
		assert(c2l_q <= TOKEN_MAX);
		assert(c2s_q <= TOKEN_MAX);
		assert(s2c_q <= TOKEN_MAX);
	end
	// units pop only what they saw available
	always @(*) begin
		assume(!i_l2c_pop || o_l2c_avail);
		assume(!i_c2l_pop || o_c2l_avail);
		assume(!i_c2s_pop || o_c2s_avail);
		assume(!i_s2c_pop || o_s2c_avail);
	end
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && !$past(i_clear)) begin
			// exact count: +push -pop unless the push overflowed
			assert(l2c_q == $past(l2c_q) + ($past(i_l2c_push) && !$past(ovf_l2c)) - $past(i_l2c_pop));
			assert(c2l_q == $past(c2l_q) + ($past(i_c2l_push) && !$past(ovf_c2l)) - $past(i_c2l_pop));
			assert(c2s_q == $past(c2s_q) + ($past(i_c2s_push) && !$past(ovf_c2s)) - $past(i_c2s_pop));
			assert(s2c_q == $past(s2c_q) + ($past(i_s2c_push) && !$past(ovf_s2c)) - $past(i_s2c_pop));
			// an error exactly when a push found its counter full with no pop
			assert(o_err_valid == ($past(ovf_l2c) || $past(ovf_c2l) || $past(ovf_c2s) || $past(ovf_s2c)));
			if ($past(ovf_l2c))
				assert(o_err_idx == $past(i_load_idx));
		end
	always @(posedge clk)
		if (f_past_valid) begin
			cover(o_err_valid);
			cover(l2c_q == 2 && c2s_q == 1);
		end
`endif
endmodule

`default_nettype wire
