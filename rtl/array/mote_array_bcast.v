// mote_array_bcast.v: ROWS x COLS weight-stationary array for small FPGAs,
// activations broadcast instead of skewed.  Every column's ROWS products of a
// row are formed in the same cycle by two-product multiplier cells (mote_mul2
// HOLD: on iCE40 an SB_MAC16 whose B input register holds the column's weight
// pair), then summed by a registered adder tree: pairs, then the column.  No
// input skew, no output de-skew, no partial-sum register per PE: on the UP5K's
// 4x4 array this is about a third of the systolic array's logic (mote_array
// measured 876 LC there).  The shadow weights are one shift chain of ROWS
// weight rows; the active weights live in the multiplier cells.  No depthwise
// path (mote_compute_unit takes this array only with DEPTHWISE = 0).
// Same ports as mote_array, so the compute unit takes either.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Timing contract (cycles at this module's inputs):
//  * i_act row given at cycle T: o_sum[c] = sum_r act[r]*W[r][c] at T+LAT with
//    o_valid, LAT = 4: the cells' operand registers (T), their product
//    registers (T+1), the pair sums (T+2), the column sums (T+3).
//  * i_wshift at cycle S shifts i_wgt (byte c for column c) into the shadow
//    chain; feed weight rows ROWS-1 down to 0 in ROWS shifts (row r ends in
//    shadow row r), as into mote_array.
//  * A valid row whose i_bank differs from the bank of the last valid row
//    (0 after reset) takes the shadow into the cells as it enters: it is the
//    first row of a new weight tile.  Hazards the user must respect (checked by
//    array_tb): that row enters at T >= S_last + 1 (the shadow complete), and
//    the next shift into the shadow comes at S >= T (the cells sample the
//    shadow at the end of cycle T, before a shift in that cycle lands).  So a
//    bank switch needs no bubble, and the next tile's weights may load as soon
//    as the current tile's first row has entered.
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
	localparam LAT   = 4;
	localparam PAIRS = (ROWS + 1) / 2;
	localparam PS_MIN = 16 + $clog2(ROWS);

	generate
		if (ROWS < 2 || PSUM_W < PS_MIN || PSUM_W > 32 || DEPTHWISE != 0) begin : g_bad_param
			mote_array_bcast_param_out_of_range u_stop ();
		end
	endgenerate
	wire unused_in = &{1'b0, i_dw, i_wbank};

	// ---- shadow weights: a chain of ROWS rows, row 0 takes i_wgt
	wire [COLS*8-1:0] sh [0:ROWS-1];
	genvar r, c, k;
	generate
		for (r = 0; r < ROWS; r = r + 1) begin : g_sh
			reg [COLS*8-1:0] q;
			if (r == 0) begin : g_first
				always @(posedge clk)
					if (i_wshift)
						q <= i_wgt;
			end else begin : g_next
				always @(posedge clk)
					if (i_wshift)
						q <= g_sh[r-1].q;
			end
			// fed rows ROWS-1 .. 0: after ROWS shifts stage r holds row r
			assign sh[r] = q;
		end
	endgenerate

	// ---- the tile's first row takes the shadow into the cells
	reg  bank_q;
	wire bload = i_valid && i_bank != bank_q;
	always @(posedge clk) begin
		if (rst)
			bank_q <= 1'b0;
		else if (i_valid)
			bank_q <= i_bank;
	end

	// ---- cells: pair k of column c multiplies rows 2k and 2k+1
	generate
		for (c = 0; c < COLS; c = c + 1) begin : g_col
			// the pair sums of the column, 17 bits signed each
			wire [PAIRS*17-1:0] ps_all;
			for (k = 0; k < PAIRS; k = k + 1) begin : g_pair
				wire [15:0] p0, p1;
				wire [7:0]  a1, b1;
				if (2 * k + 1 < ROWS) begin : g_two
					assign a1 = i_act[8*(2*k+1) +: 8];
					assign b1 = sh[2*k+1][8*c +: 8];
				end else begin : g_one
					assign a1 = 8'd0;
					assign b1 = 8'd0;
				end
				mote_mul2 #(.ICE40(MUL_CELL == 2 ? 1 : 0), .HOLD(1)) u_mul (
					.clk(clk), .i_bload(bload),
					.i_a0(i_act[8*(2*k) +: 8]), .i_b0(sh[2*k][8*c +: 8]),
					.i_a1(a1), .i_b1(b1), .o_p0(p0), .o_p1(p1));
				// the pair's sum, 17 bits signed
				reg [16:0] ps_q;
				always @(posedge clk)
					ps_q <= {p0[15], p0} + {p1[15], p1};
				assign ps_all[17*k +: 17] = ps_q;
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
