// mote_sram_1r1w.v: inferred RAM with one write port and one registered read port.
// Maps to EBR/SPRAM on iCE40, block RAM elsewhere.  o_rdata holds between reads.
// A read of the row being written in the same cycle returns the old row with
// RW_OLD = 1; with RW_OLD = 0 the user promises it never does one (the
// simulation still returns the old row, a block RAM may not), and synthesis
// adds no logic to make the block RAM answer so: on iCE40 that logic is a
// register of the written row and a multiplexer, a flip-flop per bit.  Such a
// memory (RW_OLD = 0) is a block RAM whatever its size.
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
	// 1: a read of the row written in the same cycle returns the old row;
	// 0: no such read happens (see above)
	parameter RW_OLD = 1,
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
`ifdef FORMAL
	,
	// formal proofs only: every row (row k at bits k*WIDTH), for invariants
	// about what the memory holds (Yosys takes no hierarchical references)
	output wire [DEPTH*WIDTH-1:0] f_mem
`endif
);
	localparam LW = WIDTH / LANES;
	// (the two branches differ only in the attribute: Verilog-2005 attributes
	// cannot depend on a parameter)
	generate
		if (RW_OLD != 0) begin : g_old
			reg [WIDTH-1:0] mem [0:DEPTH-1];
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
			always @(posedge clk)
				if (i_re)
					o_rdata <= mem[i_raddr];
		end else begin : g_free
			// a block RAM however small (a window checker's four rows would
			// otherwise become flip-flops, a logic cell each on an iCE40)
			(* no_rw_check, ram_style = "block" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
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
			always @(posedge clk)
				if (i_re)
					o_rdata <= mem[i_raddr];
		end
	endgenerate
`ifdef FORMAL
	// (one branch above holds the rows)
	genvar fk;
	for (fk = 0; fk < DEPTH; fk = fk + 1) begin : g_f
		if (RW_OLD != 0) begin : g_o
			assign f_mem[fk*WIDTH +: WIDTH] = g_old.mem[fk];
		end else begin : g_n
			assign f_mem[fk*WIDTH +: WIDTH] = g_free.mem[fk];
		end
	end
`endif
endmodule

`default_nettype wire
