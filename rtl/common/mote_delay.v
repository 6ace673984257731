// mote_delay.v: a delay line, o_q = i_d from DEPTH cycles earlier, no reset.
// Built from one named register per stage rather than an array: simulators
// then move each stage with a plain assignment (an array written with
// non-blocking assignments costs Verilator a temporary per element and cycle).
// RAM = 1 (DEPTH >= 2): a circular buffer in a block RAM instead, written at
// a pointer that advances every cycle and read DEPTH - 1 entries behind it
// (the RAM's read register is the last stage): on an iCE40 a flip-flop fed
// straight from another takes a logic cell of its own, the RAM takes none.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_delay #(
	// bits per stage
	parameter WIDTH = 8,
	// stages (>= 1)
	parameter DEPTH = 1,
	// 1: in a block RAM (DEPTH >= 2; see above)
	parameter RAM = 0
) (
	input  wire             clk,
	input  wire [WIDTH-1:0] i_d,
	output wire [WIDTH-1:0] o_q
);
	generate
		if (RAM != 0 && DEPTH >= 2) begin : g_ram
			// entries: a power of two above DEPTH - 1, so the pointer wraps by itself
			localparam PW = $clog2(DEPTH);
			reg  [PW-1:0] ptr_q = {PW{1'b0}};
			localparam [31:0]   BACK32 = DEPTH - 1;
			localparam [PW-1:0] BACK = BACK32[PW-1:0];
			always @(posedge clk)
				ptr_q <= ptr_q + 1'b1;
			// the entry read at an edge was written DEPTH - 1 edges before, never
			// at the same edge (PW bits hold DEPTH > DEPTH - 1 entries apart).
			// A few entries: Yosys would build them from flip-flops unless told
			(* ram_style = "block" *) reg [WIDTH-1:0] mem [0:(1 << PW) - 1];
			reg [WIDTH-1:0] q;
			always @(posedge clk) begin
				mem[ptr_q] <= i_d;
				q <= mem[ptr_q - BACK];
			end
			assign o_q = q;
		end else begin : g_regs
			genvar k;
			for (k = 0; k < DEPTH; k = k + 1) begin : g_st
				reg [WIDTH-1:0] q;
				if (k == 0) begin : g_first
					always @(posedge clk)
						q <= i_d;
				end else begin : g_next
					always @(posedge clk)
						q <= g_st[k-1].q;
				end
			end
			assign o_q = g_st[DEPTH-1].q;
		end
	endgenerate
endmodule

`default_nettype wire
