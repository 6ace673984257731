// mote_valid_pipe.v: the valid bits of an N-stage datapath pipeline, each stage's
// the one before's a cycle later (reset to empty), or with EXT those bits
// given from outside (several lanes that move in step share one pipeline).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_valid_pipe #(
	// stages
	parameter N = 4,
	// 1: o_vld is i_vld (the caller's pipeline); 0: this module's own
	parameter EXT = 0
) (
	input  wire         clk,
	input  wire         rst,
	input  wire         i_valid,
	input  wire [N-1:0] i_vld,
	// o_vld[k]: stage k holds a value
	output wire [N-1:0] o_vld
);
	generate
		if (EXT != 0) begin : g_ext
			assign o_vld = i_vld;
			wire unused_own = &{1'b0, clk, rst, i_valid};
		end else begin : g_own
			reg [N-1:0] q;
			always @(posedge clk)
				if (rst)
					q <= {N{1'b0}};
				else
					q <= {q[N-2:0], i_valid};
			assign o_vld = q;
			wire unused_ext = &{1'b0, i_vld};
		end
	endgenerate
endmodule

`default_nettype wire
