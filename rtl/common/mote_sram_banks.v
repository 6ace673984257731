// mote_sram_banks.v: a buffer of DEPTH rows as two block RAMs, the even rows
// and the odd ones, so that one write can fill a row of each (a split row:
// LOAD HI_ROWS into the activation buffer, LOAD W_PAIR into the weight
// buffer) and each bank is read at a row of its own.  A split write puts
// i_lo at row i_row and i_hi at row i_row_hi, whose parity differs (the load
// unit checks it); a plain write puts i_lo at i_row.  Reads take the row
// within the bank (row / 2); the data comes the next cycle.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_sram_banks #(
	// bits per row
	parameter WIDTH = 64,
	// rows in all (even)
	parameter DEPTH = 1024,
	// bits of a row index (derived)
	parameter AW = $clog2(DEPTH)
) (
	input  wire             clk,
	input  wire             i_we,
	input  wire             i_split,
	input  wire [15:0]      i_row,
	input  wire [15:0]      i_row_hi,
	input  wire [WIDTH-1:0] i_lo,
	input  wire [WIDTH-1:0] i_hi,
	input  wire             i_re,
	input  wire [AW-2:0]    i_raddr0,   // the even bank's row (row / 2)
	input  wire [AW-2:0]    i_raddr1,   // the odd bank's row
	output wire [WIDTH-1:0] o_rdata0,
	output wire [WIDTH-1:0] o_rdata1
);
	wire [15:0] r0 = (i_split && i_row[0]) ? i_row_hi : i_row;   // the even row written
	wire [15:0] r1 = (i_split && !i_row[0]) ? i_row_hi : i_row;  // the odd row written
	mote_sram_1r1w #(.WIDTH(WIDTH), .DEPTH(DEPTH / 2), .RW_OLD(0)) u_bank0 (
		.clk(clk), .i_we(i_we && (i_split || !i_row[0])), .i_waddr(r0[AW-1:1]),
		.i_wdata((i_split && i_row[0]) ? i_hi : i_lo), .i_re(i_re), .i_raddr(i_raddr0), .o_rdata(o_rdata0));
	mote_sram_1r1w #(.WIDTH(WIDTH), .DEPTH(DEPTH / 2), .RW_OLD(0)) u_bank1 (
		.clk(clk), .i_we(i_we && (i_split || i_row[0])), .i_waddr(r1[AW-1:1]),
		.i_wdata((i_split && !i_row[0]) ? i_hi : i_lo), .i_re(i_re), .i_raddr(i_raddr1), .o_rdata(o_rdata1));
	wire unused_rows = &{1'b0, ^r0, ^r1};
	generate
		if (DEPTH % 2 != 0) begin : g_bad
			// two banks need an even DEPTH (elaboration stops here)
			mote_sram_banks_needs_an_even_depth u_stop ();
		end
	endgenerate
endmodule

`default_nettype wire
