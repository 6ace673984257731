// mote_delay.v: a delay line, o_q = i_d from DEPTH cycles earlier, no reset.
// Built from one named register per stage rather than an array: simulators
// then move each stage with a plain assignment (an array written with
// non-blocking assignments costs Verilator a temporary per element and cycle).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_delay #(
	// bits per stage
	parameter WIDTH = 8,
	// stages (>= 1)
	parameter DEPTH = 1
) (
	input  wire             clk,
	input  wire [WIDTH-1:0] i_d,
	output wire [WIDTH-1:0] o_q
);
	genvar k;
	generate
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
	endgenerate
	assign o_q = g_st[DEPTH-1].q;
endmodule

`default_nettype wire
