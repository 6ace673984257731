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
	// write-enable lanes: i_we[k] writes bits [k*WIDTH/LANES +: WIDTH/LANES]
	// (the accumulator: one per column; block RAMs take them as bit masks)
	parameter LANES = 1,
	// address bits (derived)
	parameter AW = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
	input  wire             clk,
	input  wire [LANES-1:0] i_we,
	input  wire [AW-1:0]    i_waddr,
	input  wire [WIDTH-1:0] i_wdata,
	input  wire             i_re,
	input  wire [AW-1:0]    i_raddr,
	output reg  [WIDTH-1:0] o_rdata
);
	localparam LW = WIDTH / LANES;
	reg [WIDTH-1:0] mem [0:DEPTH-1];

	generate
		if (LANES == 1) begin : g_row
			always @(posedge clk)
				if (i_we[0])
					mem[i_waddr] <= i_wdata;
		end else begin : g_lanes
			integer k;
			always @(posedge clk)
				for (k = 0; k < LANES; k = k + 1)
					if (i_we[k])
						mem[i_waddr][k*LW +: LW] <= i_wdata[k*LW +: LW];
		end
	endgenerate
	always @(posedge clk)
		if (i_re)
			o_rdata <= mem[i_raddr];
endmodule

`default_nettype wire
