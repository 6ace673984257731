// mote_store_bbuf.v: the serial store path's bias buffer: 32-bit words (bias,
// mult, shift of one column), one write port (the load unit, a word per cycle)
// and one registered read port (the store unit).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Read data is registered (valid the cycle after i_re) and holds between
// reads.  A word read in the cycle it is written reads either value: the
// command stream orders a LOAD of bias rows and a STORE that reads them with
// tokens, so no legal stream does both at once.  Saying so spares the iCE40
// block RAM the read-during-write bypass Yosys would build for a read-first
// RAM (two flip-flops and a LUT per bit): this buffer is its RAM and no more
// (2 block RAMs for 64 rows of 4 columns).
module mote_store_bbuf #(
	// words (bias buffer rows * COLS)
	parameter DEPTH = 256,
	// address bits (derived)
	parameter AW = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
	input  wire          clk,
	input  wire          i_we,
	input  wire [AW-1:0] i_waddr,
	input  wire [31:0]   i_wdata,
	input  wire          i_re,
	input  wire [AW-1:0] i_raddr,
	output reg  [31:0]   o_rdata
);
	(* no_rw_check *) reg [31:0] mem [0:DEPTH-1];

	always @(posedge clk) begin
		if (i_we)
			mem[i_waddr] <= i_wdata;
		if (i_re)
			o_rdata <= mem[i_raddr];
	end
endmodule

`default_nettype wire
