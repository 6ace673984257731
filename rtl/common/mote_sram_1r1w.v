// mote_sram_1r1w.v: inferred RAM with one write port and one registered read port.
// Maps to EBR/SPRAM on iCE40, block RAM elsewhere.  A read of the row being
// written in the same cycle returns the old row; o_rdata holds between reads.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_sram_1r1w #(
	// bits per row
	parameter WIDTH = 64,
	// rows
	parameter DEPTH = 1024,
	// address bits (derived)
	parameter AW = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
	input  wire             clk,
	input  wire             i_we,
	input  wire [AW-1:0]    i_waddr,
	input  wire [WIDTH-1:0] i_wdata,
	input  wire             i_re,
	input  wire [AW-1:0]    i_raddr,
	output reg  [WIDTH-1:0] o_rdata
);
	reg [WIDTH-1:0] mem [0:DEPTH-1];

	always @(posedge clk) begin
		if (i_we)
			mem[i_waddr] <= i_wdata;
		if (i_re)
			o_rdata <= mem[i_raddr];
	end
endmodule

`default_nettype wire
