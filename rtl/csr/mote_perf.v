// mote_perf.v: the spec's 64-bit perf counters.  Counter i adds
// i_inc[i*32 +: 32] every cycle i_en is high; i_clear (START) zeroes them all.
// o_value is counter i_sel (combinational; the CSR block registers reads).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_perf #(
	// number of counters
	parameter NUM_PERF = `MOTE_NUM_PERF,
	// select width (derived)
	parameter SW = $clog2(NUM_PERF)
) (
	input  wire                   clk,
	input  wire                   rst,
	input  wire                   i_clear,
	input  wire                   i_en,
	input  wire [NUM_PERF*32-1:0] i_inc,
	input  wire [SW-1:0]          i_sel,
	output wire [63:0]            o_value
);
	// one named register per counter (not an array: see mote_delay.v)
	wire [63:0] value [0:NUM_PERF-1];
	genvar i;
	generate
		for (i = 0; i < NUM_PERF; i = i + 1) begin : g_cnt
			reg [63:0] q;
			always @(posedge clk)
				if (rst || i_clear)
					q <= 64'd0;
				else if (i_en)
					q <= q + {32'd0, i_inc[i*32 +: 32]};
			assign value[i] = q;
		end
	endgenerate

	assign o_value = value[i_sel];
endmodule

`default_nettype wire
