// mote_fifo_ram.v: synchronous FIFO whose storage is block RAM, valid/ready on
// both sides.  mote_fifo's head register is loaded either from its storage or,
// when the FIFO is empty, straight from the write side; that second source keeps
// Yosys from folding the register into a RAM read port, so its storage is always
// flip-flops.  Here the head register is the RAM's read register and nothing
// else: an entry is written to the RAM, read out of it into the head the next
// cycle and shown the cycle after (a push into an empty FIFO shows two cycles
// later, one more than mote_fifo); then entries move one per cycle.  It holds
// 2^LG_DEPTH entries in the RAM plus the head.  The RAM's read and write never
// meet on one row (a row is read only while it holds an entry not yet read, and
// written only when the RAM is not full), so it needs no read-during-write
// logic (no_rw_check).  i_clear empties it (used on abort).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_fifo_ram #(
	// bits per entry
	parameter WIDTH = 32,
	// log2 of the RAM's entries (1 or more)
	parameter LG_DEPTH = 6
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
	// entries held (RAM and head): 0 .. 2^LG_DEPTH + 1
	output wire [LG_DEPTH+1:0] o_count
);
	localparam DEPTH = 1 << LG_DEPTH;

	(* no_rw_check, ram_style = "block" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
	reg [LG_DEPTH:0] wr_ptr_q, rd_ptr_q;   // RAM rows written / read (one extra bit)
	reg              head_v_q;
	reg [WIDTH-1:0]  head_q;

	wire [LG_DEPTH:0] stored = wr_ptr_q - rd_ptr_q;   // in the RAM, not yet read
	wire full  = stored[LG_DEPTH];
	wire push  = i_wr_valid && !full;
	wire pop   = head_v_q && i_rd_ready;
	wire rd    = (stored != 0) && (!head_v_q || pop);

	assign o_wr_ready = !full;
	assign o_rd_valid = head_v_q;
	assign o_rd_data  = head_q;
	assign o_count    = {1'b0, stored} + {{LG_DEPTH+1{1'b0}}, head_v_q};

	always @(posedge clk) begin
		if (rst || i_clear) begin
			wr_ptr_q <= 0;
			rd_ptr_q <= 0;
			head_v_q <= 1'b0;
		end else begin
			if (push)
				wr_ptr_q <= wr_ptr_q + 1'b1;
			if (rd)
				rd_ptr_q <= rd_ptr_q + 1'b1;
			if (rd)
				head_v_q <= 1'b1;
			else if (pop)
				head_v_q <= 1'b0;
		end
	end

	always @(posedge clk)
		if (push)
			mem[wr_ptr_q[LG_DEPTH-1:0]] <= i_wr_data;
	always @(posedge clk)
		if (rd)
			head_q <= mem[rd_ptr_q[LG_DEPTH-1:0]];

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	always @(*) if (f_past_valid) begin
		assert(stored <= DEPTH);
		assert(o_count <= DEPTH + 1);
		// the RAM never reads the row it writes (no_rw_check holds)
		if (push && rd)
			assert(wr_ptr_q[LG_DEPTH-1:0] != rd_ptr_q[LG_DEPTH-1:0]);
	end
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && !$past(i_clear)) begin
			// count moves by exactly push - pop
			assert(o_count == $past(o_count) + $past(push) - $past(pop));
			// the head does not change unless popped
			if ($past(o_rd_valid) && !$past(pop))
				assert(o_rd_valid && o_rd_data == $past(o_rd_data));
		end
	// order and data: one entry, picked at will as it is pushed, leaves as the
	// head with the data it went in with, after every entry pushed before it
	(* anyseq *) reg f_pick;
	reg              f_in;       // the picked entry is held
	reg [LG_DEPTH:0] f_ptr;      // its RAM row (with the wrap bit)
	reg [WIDTH-1:0]  f_data;
	wire [LG_DEPTH:0] f_ahead = f_ptr - rd_ptr_q;   // entries read out before it
	wire f_in_ram  = f_ahead < stored;
	wire f_at_head = head_v_q && rd_ptr_q - 1'b1 == f_ptr;
	always @(posedge clk) begin
		if (rst || i_clear)
			f_in <= 1'b0;
		else if (f_in && pop && f_at_head)
			f_in <= 1'b0;
		else if (!f_in && push && f_pick) begin
			f_in   <= 1'b1;
			f_ptr  <= wr_ptr_q;
			f_data <= i_wr_data;
		end
	end
	always @(*) if (f_past_valid && f_in) begin
		assert(f_in_ram || f_at_head);
		if (f_in_ram)
			assert(mem[f_ptr[LG_DEPTH-1:0]] == f_data);
		if (f_at_head)
			assert(head_q == f_data);
	end
	always @(posedge clk)
		if (f_past_valid) begin
			cover(f_in && pop && f_at_head && $past(full));   // it leaves after a full RAM
			cover(full);
			cover($past(full) && !o_rd_valid);
			cover(push && pop && rd);
		end
`endif
endmodule

`default_nettype wire
