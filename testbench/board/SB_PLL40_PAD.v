// SB_PLL40_PAD.v: a simulation twin of the iCE40 sysCLOCK PLL for the
// Verilated board top (sim/simlink.mk).  Yosys' cells_sim.v declares this cell
// as a black box (no model), so the simulation compiles this file ahead of
// cells_sim.v (Verilator keeps the first definition: -Wno-MODDUP).
// The output is the input pin itself: a simulation cycle of the board is a
// cycle of the PLL's output clock, and the frequency the divisors give
// (fpga/boards.mk) is the nominal clock the host side counts time in.  LOCK
// rises after LOCK_CYCLES cycles, as the real PLL locks some time after
// configuration, so the board's reset-until-lock path runs as on hardware.
// Not synthesizable on purpose (the real board takes the cell from the
// device): it lives in testbench/.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module SB_PLL40_PAD #(
	// the cell's parameters (the board sets these; the twin ignores them)
	parameter FEEDBACK_PATH = "SIMPLE",
	parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED",
	parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED",
	parameter SHIFTREG_DIV_MODE = 1'b0,
	parameter FDA_FEEDBACK = 4'b0000,
	parameter FDA_RELATIVE = 4'b0000,
	parameter PLLOUT_SELECT = "GENCLK",
	parameter DIVR = 4'b0000,
	parameter DIVF = 7'b0000000,
	parameter DIVQ = 3'b000,
	parameter FILTER_RANGE = 3'b000,
	parameter ENABLE_ICEGATE = 1'b0,
	parameter TEST_MODE = 1'b0,
	parameter EXTERNAL_DIVIDE_FACTOR = 1,
	// the twin's own: cycles from the start until LOCK
	parameter LOCK_CYCLES = 16
) (
	input  wire       PACKAGEPIN,
	output wire       PLLOUTCORE,
	output wire       PLLOUTGLOBAL,
	input  wire       EXTFEEDBACK,
	input  wire [7:0] DYNAMICDELAY,
	output wire       LOCK,
	input  wire       BYPASS,
	input  wire       RESETB,
	input  wire       LATCHINPUTVALUE,
	output wire       SDO,
	input  wire       SDI,
	input  wire       SCLK
);
	reg [7:0] lock_cnt_q = 8'd0;
	always @(posedge PACKAGEPIN)
		if (!RESETB)
			lock_cnt_q <= 8'd0;
		else if (lock_cnt_q != LOCK_CYCLES[7:0])
			lock_cnt_q <= lock_cnt_q + 8'd1;

	assign PLLOUTCORE   = PACKAGEPIN;
	assign PLLOUTGLOBAL = PACKAGEPIN;
	assign LOCK         = lock_cnt_q == LOCK_CYCLES[7:0];
	assign SDO          = 1'b0;
	wire unused = ^{EXTFEEDBACK, DYNAMICDELAY, BYPASS, LATCHINPUTVALUE, SDI, SCLK};
endmodule

`default_nettype wire
