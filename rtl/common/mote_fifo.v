// mote_fifo.v: synchronous FIFO with valid/ready on both sides.
// o_rd_data is a register holding the head while o_rd_valid (first word falls
// through: a push into an empty FIFO shows the cycle after).  The storage is
// written only on a push and read only on a pop (a synchronous read with an
// enable, so it can map to block RAM, and a simulator moves a wide entry only
// when one actually moves).  i_clear empties it (used on abort).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_fifo #(
	// bits per entry
	parameter WIDTH = 32,
	// log2 of the number of entries
	parameter LG_DEPTH = 3
) (
	input  wire             clk,
	input  wire             rst,
	input  wire             i_clear,
	// write side
	input  wire             i_wr_valid,
	output wire             o_wr_ready,
	input  wire [WIDTH-1:0] i_wr_data,
	// read side
	output wire             o_rd_valid,
	input  wire             i_rd_ready,
	output wire [WIDTH-1:0] o_rd_data,
	// entries held
	output wire [LG_DEPTH:0] o_count
);
	localparam DEPTH = 1 << LG_DEPTH;

	reg [WIDTH-1:0]    mem [0:DEPTH-1];
	reg [LG_DEPTH:0]   wr_ptr_q, rd_ptr_q; // one extra bit tells full from empty

	wire full  = (wr_ptr_q[LG_DEPTH] != rd_ptr_q[LG_DEPTH]) &&
		     (wr_ptr_q[LG_DEPTH-1:0] == rd_ptr_q[LG_DEPTH-1:0]);
	wire empty = (wr_ptr_q == rd_ptr_q);
	wire push  = i_wr_valid && !full;
	wire pop   = !empty && i_rd_ready;

	reg [WIDTH-1:0] head_q;
	wire [LG_DEPTH:0] rd_next = rd_ptr_q + 1'b1;

	assign o_wr_ready = !full;
	assign o_rd_valid = !empty;
	assign o_rd_data  = head_q;
	assign o_count    = wr_ptr_q - rd_ptr_q;

	always @(posedge clk) begin
		if (rst || i_clear) begin
			wr_ptr_q <= 0;
			rd_ptr_q <= 0;
		end else begin
			if (push)
				wr_ptr_q <= wr_ptr_q + 1'b1;
			if (pop)
				rd_ptr_q <= rd_next;
		end
	end

	// head: the pushed entry when it becomes the head at once (empty, or the
	// only entry popped), else the next stored entry on a pop
	always @(posedge clk) begin
		if (push && (empty || (pop && o_count == 1)))
			head_q <= i_wr_data;
		else if (pop && o_count != 1)
			head_q <= mem[rd_next[LG_DEPTH-1:0]];
	end

	always @(posedge clk)
		if (push)
			mem[wr_ptr_q[LG_DEPTH-1:0]] <= i_wr_data;

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	always @(*) if (f_past_valid) begin  // from the step after the reset cycle
		assert(o_count <= DEPTH);
		// the head register mirrors the stored head entry
		if (!empty)
			assert(head_q == mem[rd_ptr_q[LG_DEPTH-1:0]]);
		assert(full == (o_count == DEPTH));
		assert(empty == (o_count == 0));
	end
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && !$past(i_clear)) begin
			// count moves by exactly push - pop
			assert(o_count == $past(o_count) + $past(push) - $past(pop));
			// the head does not change unless popped
			if ($past(o_rd_valid) && !$past(pop))
				assert(o_rd_data == $past(o_rd_data));
		end
	always @(posedge clk)
		if (f_past_valid) begin
			cover(full);
			cover($past(full) && empty);
		end
`endif
endmodule

`default_nettype wire
