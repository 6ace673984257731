// mote_array.v: ROWS x COLS weight-stationary systolic array with input skew,
// output de-skew and shadow weights loaded through a skewed vertical chain.
// Latency LAT = ROWS+COLS-1: a row given at cycle T leaves as one COLS-wide row at T+LAT.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Timing contract (cycles are cycles at this module's inputs):
//  * i_act row m given at cycle T: byte r (reduction index r) meets PE(r,c) at
//    T+r+c; o_sum[c] = sum_r act[r]*W[r][c] (bank i_bank) at T+LAT with o_valid.
//  * i_wshift at cycle S shifts i_wgt (byte c for column c) into bank i_wbank;
//    column c shifts at S+c.  Feed weight rows ROWS-1 down to 0 in ROWS
//    consecutive shifts S0..S0+ROWS-1 (row r ends in PE row r).
//  * Hazards the driver must respect (both exact, checked by array_tb):
//    - a shift into bank b may start (S0) only when S0 >= T_last(b) + ROWS - 1,
//      T_last(b) the input cycle of the last row that uses bank b;
//    - the first row using the new weights may enter at T >= S0 + ROWS.
//    So with back-to-back tiles a bank switch needs no bubble when the tile in
//    between has at least 2*ROWS-2 rows.
module mote_array #(
	// array rows: reduction elements per pass
	parameter ROWS = 8,
	// array columns: output channels per pass
	parameter COLS = 8
) (
	input  wire                 clk,
	input  wire                 rst,
	// activation row in
	input  wire                 i_valid,
	input  wire [ROWS*8-1:0]    i_act,
	input  wire                 i_bank,
	// weight shift chain in (one weight row per shift)
	input  wire                 i_wshift,
	input  wire                 i_wbank,
	input  wire [COLS*8-1:0]    i_wgt,
	// result row out
	output wire                 o_valid,
	output wire [COLS*32-1:0]   o_sum
);
	localparam LAT = ROWS + COLS - 1;

	// ah: activation (with bank bit, 9 bits) entering PE(r,c), c = COLS is the right edge
	wire [9*ROWS*(COLS+1)-1:0] ah;
	// pv: partial sum entering PE(r,c) from above, r = ROWS is the bottom edge
	wire [32*(ROWS+1)*COLS-1:0] pv;
	// w0v/w1v: weight chain entering PE(r,c) from above
	wire [8*(ROWS+1)*COLS-1:0] w0v, w1v;
	// per-column shift enable and bank after the column skew
	wire [COLS-1:0] wen, wbk;

	genvar r, c;

	// ---- input skew: row r delayed by r cycles
	generate
		for (r = 0; r < ROWS; r = r + 1) begin : g_skew
			if (r == 0) begin : g_direct
				assign ah[0 +: 9] = {i_bank, i_act[7:0]};
			end else begin : g_delay
				reg [8:0] sk_q [0:r-1];
				integer k;
				always @(posedge clk) begin
					sk_q[0] <= {i_bank, i_act[8*r +: 8]};
					for (k = 1; k < r; k = k + 1)
						sk_q[k] <= sk_q[k-1];
				end
				assign ah[9*r*(COLS+1) +: 9] = sk_q[r-1];
			end
		end
	endgenerate

	// ---- weight skew: column c shifts c cycles after column 0
	assign wen[0] = i_wshift;
	assign wbk[0] = i_wbank;
	generate
		if (COLS > 1) begin : g_wen
			// enable is control state (reset); the bank bit rides along
			reg [COLS-1:1] wen_q, wbk_q;
			always @(posedge clk) begin
				if (rst)
					wen_q <= 0;
				else
					wen_q <= wen[COLS-2:0];
				wbk_q <= wbk[COLS-2:0];
			end
			assign wen[COLS-1:1] = wen_q;
			assign wbk[COLS-1:1] = wbk_q;
		end
		for (c = 0; c < COLS; c = c + 1) begin : g_wskew
			if (c == 0) begin : g_direct
				assign w0v[0 +: 8] = i_wgt[7:0];
			end else begin : g_delay
				reg [7:0] wsk_q [0:c-1];
				integer k;
				always @(posedge clk) begin
					wsk_q[0] <= i_wgt[8*c +: 8];
					for (k = 1; k < c; k = k + 1)
						wsk_q[k] <= wsk_q[k-1];
				end
				assign w0v[8*c +: 8] = wsk_q[c-1];
			end
			// both chains take the same input; the PE picks the bank
			assign w1v[8*c +: 8] = w0v[8*c +: 8];
			assign pv[32*c +: 32] = 32'd0;
		end
	endgenerate

	// ---- the grid
	generate
		for (r = 0; r < ROWS; r = r + 1) begin : g_row
			for (c = 0; c < COLS; c = c + 1) begin : g_col
				mote_pe u_pe (
					.clk      (clk),
					.i_act    (ah[9*(r*(COLS+1)+c) +: 8]),
					.i_bank   (ah[9*(r*(COLS+1)+c) + 8]),
					.o_act    (ah[9*(r*(COLS+1)+c+1) +: 8]),
					.o_bank   (ah[9*(r*(COLS+1)+c+1) + 8]),
					.i_psum   (pv[32*(r*COLS+c) +: 32]),
					.o_psum   (pv[32*((r+1)*COLS+c) +: 32]),
					.i_wshift (wen[c]),
					.i_wbank  (wbk[c]),
					.i_w0     (w0v[8*(r*COLS+c) +: 8]),
					.i_w1     (w1v[8*(r*COLS+c) +: 8]),
					.o_w0     (w0v[8*((r+1)*COLS+c) +: 8]),
					.o_w1     (w1v[8*((r+1)*COLS+c) +: 8])
				);
			end
		end
	endgenerate

	// ---- output de-skew: column c leaves PE(ROWS-1,c) at T+ROWS+c, delay COLS-1-c more
	generate
		for (c = 0; c < COLS; c = c + 1) begin : g_deskew
			if (c == COLS - 1) begin : g_direct
				assign o_sum[32*c +: 32] = pv[32*(ROWS*COLS+c) +: 32];
			end else begin : g_delay
				localparam D = COLS - 1 - c;
				reg [31:0] dq_q [0:D-1];
				integer k;
				always @(posedge clk) begin
					dq_q[0] <= pv[32*(ROWS*COLS+c) +: 32];
					for (k = 1; k < D; k = k + 1)
						dq_q[k] <= dq_q[k-1];
				end
				assign o_sum[32*c +: 32] = dq_q[D-1];
			end
		end
	endgenerate

	// the chain's bottom end and the activations' right edge go nowhere
	wire unused_edges = &{1'b0, w0v[8*ROWS*COLS +: 8*COLS], w1v[8*ROWS*COLS +: 8*COLS]};

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
