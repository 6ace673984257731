// mote_perf.v: the spec's perf counters.  Counter i adds i_inc[i*32 +: 32]
// every cycle i_en is high; i_clear (START) zeroes them all.  A build keeps the
// counters PERF_SET names, PERF_W bits each (64: the spec's full width; fewer
// wrap at 2^PERF_W); a counter not kept is no logic at all and reads 0.
// CMDS keeps CMDS_W bits only (the CSR block: the bits its command count can
// reach).  o_value is counter i_sel, zero-extended (combinational; the CSR
// block registers reads).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_perf #(
	// number of counters
	parameter NUM_PERF = `MOTE_NUM_PERF,
	// bits per counter (1..64)
	parameter PERF_W = 64,
	// bit i set: counter i is kept (NUM_PERF < 32)
	parameter PERF_SET = (1 << NUM_PERF) - 1,
	// bits of CMDS (1..PERF_W): fewer than PERF_W only when it cannot count
	// further in one job
	parameter CMDS_W = PERF_W,
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
			if (PERF_SET[i]) begin : g_kept
				localparam W = (i == `MOTE_PERF_CMDS) ? CMDS_W : PERF_W;
				reg [W-1:0] q;
				wire [63:0] inc = {32'd0, i_inc[i*32 +: 32]};
				wire unused_inc = ^inc;   // bits above W
				always @(posedge clk)
					if (rst || i_clear)
						q <= {W{1'b0}};
					else if (i_en)
						q <= q + inc[W-1:0];
				if (W < 64) begin : g_ext
					assign value[i] = {{64-W{1'b0}}, q};
				end else begin : g_full
					assign value[i] = q;
				end
			end else begin : g_none
				assign value[i] = 64'd0;
			end
		end
	endgenerate
	wire unused_inc = ^i_inc;

	// the counter i_sel names: an AND-OR over the counters kept (each masked
	// by its select match), not an indexed array read, which Yosys builds as a
	// shifter over all NUM_PERF words, the not kept ones included
	reg [63:0] v;
	integer k;
	always @(*) begin
		v = 64'd0;
		for (k = 0; k < NUM_PERF; k = k + 1)
			if (PERF_SET[k])
				v = v | (value[k] & {64{i_sel == k[SW-1:0]}});
	end
	assign o_value = v;
endmodule

`default_nettype wire
