// mote_array_bcast.v: ROWS x COLS weight-stationary array for small FPGAs,
// activations broadcast instead of skewed.  Every column's ROWS products of a
// row are formed by two-product multiplier cells (mote_mul2 HOLD and SUM: on
// iCE40 an SB_MAC16 whose B input register holds the column's weight pair and
// whose output adder sums the pair), then by a registered adder per column.  No
// input skew, no output de-skew, no partial-sum register per PE: on the UP5K's
// 4x4 array this is about a third of the systolic array's logic (mote_array
// measured 876 LC there).  No shadow weights: a tile's weights go straight
// into the cells, a pair of rows at a time, the odd row of a pair waiting in
// one staging row (COLS bytes) for the even one; the ROWS x COLS shadow bytes
// were lone flip-flops, a logic cell each, and the load costs the compute
// unit a few cycles per weight tile instead.  No depthwise path
// (mote_compute_unit takes this array only with DEPTHWISE = 0).
// Same ports as mote_array, so the compute unit takes either.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Timing contract (cycles at this module's inputs):
//  * i_act row given at cycle T: o_sum[c] = sum_r act[r]*W[r][c] at T+LAT with
//    o_valid, LAT = 5: the cells' operand registers (T; the odd rows' a
//    cycle later), their product registers (T+1, T+2), the pair sums in the
//    cells' output registers (T+3), the column sums (T+4).
//  * i_wshift at cycle S brings weight row r on i_wgt (byte c for column c),
//    rows ROWS-1 down to 0, one tile after the other (a counter here knows
//    which row comes; reset sets it to ROWS-1).  An odd row goes into the
//    staging row; an even row 2k loads cell pair k of every column with rows
//    2k and 2k+1 (the staged one) at the end of S.
//  * Hazards the user must respect (checked by array_tb): a shift of an even
//    row comes at S >= T_old + 2, T_old the last row of the tiles before
//    (their products use the cells' weights up to two cycles after they
//    enter);
//    a tile's first row enters at T >= S of its row 0 (the same cycle is
//    fine: the cells take the weights at its end, the row's products form
//    in the cycle after).  Odd rows may shift any time after the previous
//    tile's row 0: a tile's first shift can go while the tile before streams.
//    i_bank and i_wbank are not used (mote_array's banks).
module mote_array_bcast #(
	// array rows: reduction elements per pass
	parameter ROWS = 4,
	// array columns: output channels per pass
	parameter COLS = 4,
	// unused (no depthwise path); kept so the two arrays take one parameter set
	parameter DEPTHWISE = 0,
	// the multiplier cells: 2 iCE40 SB_MAC16, else their behavioural twin
	parameter MUL_CELL = 2,
	// bits of the column sums (16+log2(ROWS) .. 32)
	parameter PSUM_W = 32
) (
	input  wire                 clk,
	input  wire                 rst,
	// activation row in
	input  wire                 i_valid,
	input  wire [ROWS*8-1:0]    i_act,
	input  wire                 i_bank,
	input  wire                 i_dw,
	// weight shift chain in (one weight row per shift)
	input  wire                 i_wshift,
	input  wire                 i_wbank,
	input  wire [COLS*8-1:0]    i_wgt,
	// result row out
	output wire                 o_valid,
	output wire [COLS*32-1:0]   o_sum,
	output wire                 o_dw
);
	localparam LAT   = 5;
	localparam PAIRS = (ROWS + 1) / 2;
	localparam PS_MIN = 16 + $clog2(ROWS);

	generate
		if (ROWS < 2 || PSUM_W < PS_MIN || PSUM_W > 32 || DEPTHWISE != 0) begin : g_bad_param
			mote_array_bcast_param_out_of_range u_stop ();
		end
	endgenerate
	wire unused_in = &{1'b0, i_dw, i_bank, i_wbank};

	// ---- weight loads: the row coming (ROWS-1 .. 0) and the staged odd row
	localparam RW = $clog2(ROWS);
	localparam [31:0] RLAST32 = ROWS - 1;
	localparam [RW-1:0] RLAST = RLAST32[RW-1:0];
	reg  [RW-1:0]     r_q;
	reg  [COLS*8-1:0] stage_q;
	always @(posedge clk) begin
		if (rst)
			r_q <= RLAST;
		else if (i_wshift)
			r_q <= (r_q == {RW{1'b0}}) ? RLAST : r_q - 1'b1;
		// every row passes through it: only an odd one is read from it
		if (i_wshift)
			stage_q <= i_wgt;
	end

	// ---- the odd rows' activations, a cycle late (a register per pair, the
	// columns share it): each cell sums its pair itself (mote_mul2 SUM, the
	// SB_MAC16's output adder), its row 2k+1 product a cycle after the row 2k one
	wire [8*PAIRS-1:0] act_odd;
	reg  [8*PAIRS-1:0] act_odd_q;
	genvar c, k;
	generate
		for (k = 0; k < PAIRS; k = k + 1) begin : g_odd
			if (2 * k + 1 < ROWS) begin : g_two
				assign act_odd[8*k +: 8] = i_act[8*(2*k+1) +: 8];
			end else begin : g_one
				assign act_odd[8*k +: 8] = 8'd0;
			end
		end
	endgenerate
	always @(posedge clk)
		act_odd_q <= act_odd;

	// ---- cells: pair k of column c multiplies rows 2k and 2k+1 and sums them
	generate
		for (c = 0; c < COLS; c = c + 1) begin : g_col
			// the pair sums of the column, 17 bits signed each
			wire [PAIRS*17-1:0] ps_all;
			for (k = 0; k < PAIRS; k = k + 1) begin : g_pair
				wire [15:0] p0, p1;
				wire [7:0]  b1;
				if (2 * k + 1 < ROWS) begin : g_two
					assign b1 = stage_q[8*c +: 8];
				end else begin : g_one
					assign b1 = 8'd0;
				end
				localparam [31:0] ROW0_32 = 2 * k;
				wire bload = i_wshift && r_q == ROW0_32[RW-1:0];
				mote_mul2 #(.ICE40(MUL_CELL == 2 ? 1 : 0), .HOLD(1), .SUM(1)) u_mul (
					.clk(clk), .i_bload(bload),
					.i_a0(i_act[8*(2*k) +: 8]), .i_b0(i_wgt[8*c +: 8]),
					.i_a1(act_odd_q[8*k +: 8]), .i_b1(b1), .o_p0(p0), .o_p1(p1));
				// the pair's sum in 17 bits: the two products lie in
				// [-16256, 16384], so their sum in [-32512, 32768] wraps in
				// 16 bits only at 32768, read as -32768 (which no sum is)
				assign ps_all[17*k +: 17] = {p1[15] && p1[14:0] != 15'd0, p1};
				wire unused_p0 = ^p0;
			end
			// the column's sum over its pairs
			reg [PSUM_W-1:0] sum;
			reg [PSUM_W-1:0] sum_q;
			integer j;
			always @(*) begin
				sum = {PSUM_W{1'b0}};
				for (j = 0; j < PAIRS; j = j + 1)
					sum = sum + {{(PSUM_W-16){ps_all[17*j+16]}}, ps_all[17*j +: 16]};
			end
			always @(posedge clk)
				sum_q <= sum;
			assign o_sum[32*c +: 32] = {{(32-PSUM_W){sum_q[PSUM_W-1]}}, sum_q};
		end
	endgenerate
	assign o_dw = 1'b0;

	// ---- valid pipeline (control: reset)
	reg [LAT-1:0] vld_q;
	always @(posedge clk) begin
		if (rst)
			vld_q <= 0;
		else
			vld_q <= {vld_q[LAT-2:0], i_valid};
	end
	assign o_valid = vld_q[LAT-1];
endmodule

`default_nettype wire
