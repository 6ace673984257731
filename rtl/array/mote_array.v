// mote_array.v: ROWS x COLS weight-stationary systolic array with input skew,
// output de-skew and shadow weights loaded through a skewed vertical chain.
// Latency LAT = ROWS+COLS-1 (+1 with MUL_CELL): a row given at cycle T leaves as one
// COLS-wide row at T+LAT.  Partial sums inside are PSUM_W bits: any width from
// 16+log2(max(ROWS,COLS)) up holds the sum of ROWS (dense) or COLS (depthwise)
// int8 products without wrapping, so the results are exact either way; the
// result rows are sign-extended to int32.  32 (the default) is what a
// simulator computes fastest; an FPGA build takes the least (fewer adder bits
// and registers per PE).
// Depthwise rows (i_dw) chain each row's PEs left to right instead: lane r
// correlates activation byte r along the stream with its COLS weights.
// With SPARSE, rows 2j and 2j+1 share a 4-byte activation bundle (one
// register per pair and PE column, in the even PE; the odd PE reads it the
// cycle after, when its own byte is due): a sparse row (i_sp) brings 2*ROWS
// bytes, bundle j = bytes 4j..4j+3, and each PE multiplies the byte its
// weight's 2-bit index names; a dense row's bundle j is bytes 2j and 2j+1,
// one per PE.  Timing is the same either way.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Timing contract (cycles are cycles at this module's inputs):
//  * i_act row m given at cycle T: byte r (reduction index r) meets PE(r,c) at
//    T+r+c; o_sum[c] = sum_r act[r]*W[r][c] (bank i_bank) at T+LAT with o_valid.
//    With MUL_CELL the products come from mote_mul2 cells (two PEs of a column
//    per cell, registered), so every sum is formed one cycle later: the same
//    timing shifted by one, LAT one more.
//  * i_wshift at cycle S shifts i_wgt (byte c for column c) into bank i_wbank;
//    column c shifts at S+c.  Feed weight rows ROWS-1 down to 0 in ROWS
//    consecutive shifts S0..S0+ROWS-1 (row r ends in PE row r).
//  * Hazards the driver must respect (both exact, checked by array_tb):
//    - a shift into bank b may start (S0) only when S0 >= T_last(b) + ROWS - 1,
//      T_last(b) the input cycle of the last row that uses bank b;
//    - the first row using the new weights may enter at T >= S0 + ROWS.
//    So with back-to-back tiles a bank switch needs no bubble when the tile in
//    between has at least 2*ROWS-2 rows.
//  * Depthwise (i_dw rows, DEPTHWISE=1): a row's partial sum moves right one PE
//    per two cycles (o_psum, then o_hpsum) while activations move one PE per
//    cycle, so the sum leaving PE(r,COLS-1) saw a[n][r] at column 0, a[n+1][r]
//    at column 1, ...: o_sum[r] = sum_j a[n+j][r]*W[r][j] for lanes
//    r < min(ROWS,COLS) (other columns 0), at T+LAT where T is the input cycle
//    of row n+COLS-1 (the last it uses), with o_dw.  The sum is exact only
//    when rows n..n+COLS-1 are all depthwise rows of one bank; the user of
//    the array discards the others.  Dense and depthwise rows mix freely:
//    each PE picks the partial-sum source by the mode bit of its own row.
module mote_array #(
	// array rows: reduction elements per pass
	parameter ROWS = 8,
	// array columns: output channels per pass
	parameter COLS = 8,
	// 1: depthwise rows supported (the horizontal partial-sum path)
	parameter DEPTHWISE = 1,
	// multipliers: 0 one in each PE; 1 a registered two-product cell
	// (mote_mul2) per two PEs of a column; 2 that cell as an iCE40 SB_MAC16
	parameter MUL_CELL = 0,
	// bits of the partial sums inside (16+log2(max(ROWS,COLS)) .. 32)
	parameter PSUM_W = 32,
	// 1: 2:4 sparse rows (i_sp): ROWS a multiple of 4
	parameter SPARSE = 0,
	// the last LUT_MUL_COLS columns' PEs form their products in
	// mote_mul8_logic (built from logic by the ECP5 flows; MUL_CELL 0 only)
	parameter LUT_MUL_COLS = 0,
	// activation-row bytes and weight bits (derived)
	parameter AR = (SPARSE != 0) ? 2 * ROWS : ROWS,
	parameter WB = (SPARSE != 0) ? 10 : 8
) (
	input  wire                 clk,
	input  wire                 rst,
	// activation row in
	input  wire                 i_valid,
	input  wire [AR*8-1:0]      i_act,
	input  wire                 i_bank,
	input  wire                 i_dw,
	input  wire                 i_sp,
	// weight shift chain in (one weight row per shift); with SPARSE each
	// weight's 2-bit index beside it (column c: bits [2c+1:2c])
	input  wire                 i_wshift,
	input  wire                 i_wbank,
	input  wire [COLS*8-1:0]    i_wgt,
	input  wire [COLS*2-1:0]    i_widx,
	// result row out
	output wire                 o_valid,
	output wire [COLS*32-1:0]   o_sum,
	output wire                 o_dw
);
	localparam EXT = (MUL_CELL != 0) ? 1 : 0;
	localparam LAT = ROWS + COLS - 1 + EXT;
	// a partial sum holds at most max(ROWS, COLS) int8 products, each in
	// [-16256, 16384]: 16 + log2 of that many bits, signed, never wraps
	localparam NSUM   = ROWS > COLS ? ROWS : COLS;
	localparam PS_MIN = 16 + $clog2(NSUM);
	localparam PS_W   = PSUM_W;
	localparam LANES = ROWS < COLS ? ROWS : COLS;
	// with multiplier cells and no depthwise path, the first two rows' partial
	// sum is formed in their cell (mote_mul2 SUM: the DSP's output adder and
	// register, 16 bits) instead of in the two PEs' adders and registers: two
	// int8 products lie in [-32512, 32768], so the 16-bit sum is exact except
	// that 32768 reads as -32768, a value the sum never takes otherwise
	localparam SUM01 = (EXT != 0 && DEPTHWISE == 0 && ROWS >= 2) ? 1 : 0;
	// activation bytes a PE sees (a bundle with SPARSE)
	localparam AB = (SPARSE != 0) ? 4 : 1;

	// Wires between PEs are named per PE (generate-scope wires the neighbours
	// reference), never slices of one flat bus: Verilator rebuilds a whole wide
	// vector for every slice assigned into it, which for a 16x16 flat
	// partial-sum bus (8704 bits) cost 90% of simulation time.
	// act_l/bank_l: activation entering row r at the left edge (after the skew)
	wire [AB*8-1:0] act_l [0:ROWS-1];
	wire        bank_l [0:ROWS-1];
	wire        dw_l   [0:ROWS-1];
	wire        sp_l   [0:ROWS-1];
	// w_top: weight entering column c at the top (after the skew)
	wire [WB-1:0] w_top [0:COLS-1];
	// per-column shift enable and bank after the column skew
	wire [COLS-1:0] wen, wbk;

	genvar r, c;

	// a width the sums could wrap in is a configuration error (elaboration
	// stops here, naming it: Verilog-2005 has no $error)
	generate
		if (PSUM_W < PS_MIN || PSUM_W > 32) begin : g_bad_psum_w
			mote_array_psum_w_out_of_range u_stop ();
		end
		if (SPARSE != 0 && ROWS % 4 != 0) begin : g_bad_sparse
			mote_array_sparse_needs_rows_multiple_of_4 u_stop ();
		end
	endgenerate

	// ---- input skew: row r delayed by r cycles (with SPARSE: pair j's
	// bundle by 2j, entering the even row; the odd row takes it from there)
	generate
		if (SPARSE != 0) begin : g_skew_sp
			for (r = 0; r < ROWS; r = r + 2) begin : g_pair
				// a sparse row's bundle is bytes 4j..4j+3, a dense one's 2j, 2j+1
				wire [31:0] bun = i_sp ? i_act[16*r +: 32] : {16'd0, i_act[8*r +: 16]};
				if (r == 0) begin : g_direct
					assign act_l[0]  = bun;
					assign bank_l[0] = i_bank;
					assign dw_l[0]   = i_dw;
					assign sp_l[0]   = i_sp;
				end else begin : g_delay
					wire [34:0] sk;
					mote_delay #(.WIDTH(35), .DEPTH(r)) u_sk (
						.clk(clk), .i_d({i_sp, i_dw, i_bank, bun}), .o_q(sk));
					assign act_l[r]  = sk[31:0];
					assign bank_l[r] = sk[32];
					assign dw_l[r]   = sk[33];
					assign sp_l[r]   = sk[34];
				end
				// the odd row has no left input of its own
				assign act_l[r+1]  = 32'd0;
				assign bank_l[r+1] = 1'b0;
				assign dw_l[r+1]   = 1'b0;
				assign sp_l[r+1]   = 1'b0;
			end
		end else begin : g_skew_dense
			for (r = 0; r < ROWS; r = r + 1) begin : g_skew
				assign sp_l[r] = 1'b0;
				if (r == 0) begin : g_direct
					assign act_l[0]  = i_act[7:0];
					assign bank_l[0] = i_bank;
					assign dw_l[0]   = i_dw;
				end else begin : g_delay
					wire [9:0] sk;
					mote_delay #(.WIDTH(10), .DEPTH(r)) u_sk (
						.clk(clk), .i_d({i_dw, i_bank, i_act[8*r +: 8]}), .o_q(sk));
					assign act_l[r]  = sk[7:0];
					assign bank_l[r] = sk[8];
					assign dw_l[r]   = sk[9];
				end
			end
			wire unused_sp = &{1'b0, i_sp, i_widx};
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
			// the weight and, with SPARSE, its index
			wire [WB-1:0] w_in;
			if (SPARSE != 0) begin : g_wi
				assign w_in = {i_widx[2*c +: 2], i_wgt[8*c +: 8]};
			end else begin : g_w
				assign w_in = i_wgt[8*c +: 8];
			end
			if (c == 0) begin : g_direct
				assign w_top[0] = w_in;
			end else begin : g_delay
				// stage k moves with the shift enable k cycles old (a clock
				// enable: the chain rests between weight loads)
				genvar k;
				for (k = 0; k < c; k = k + 1) begin : g_st
					reg [WB-1:0] q;
					if (k == 0) begin : g_first
						always @(posedge clk)
							if (wen[0])
								q <= w_in;
					end else begin : g_next
						always @(posedge clk)
							if (wen[k])
								q <= g_st[k-1].q;
					end
				end
				assign w_top[c] = g_st[c-1].q;
			end
		end
	endgenerate

	// ---- the grid: each PE's outputs are wires of its own generate scope and
	// its neighbours name them directly (no array in between to copy through)
	generate
		for (r = 0; r < ROWS; r = r + 1) begin : g_row
			for (c = 0; c < COLS; c = c + 1) begin : g_col
				wire [AB*8-1:0] act_o, act_i;
				wire [WB-1:0] w0_o, w1_o, w0_i, w1_i;
				wire [7:0]  mul_a, mul_b;
				wire        bank_o, dw_o, sp_o;
				wire [PS_W-1:0] psum_o;
				wire [PS_W-1:0] hpsum_o, hpsum_i;
				wire        bank_i, dw_i, sp_i;
				wire [PS_W-1:0] psum_i;
				// the column's partial sum below this PE
				wire [PS_W-1:0] psum_v;
				wire [15:0] prod;
				if (SPARSE != 0 && r % 2 == 1) begin : g_pair
					// the odd row of a pair: the bundle of the even PE above,
					// the cycle after it (its row register)
					assign act_i   = g_row[r-1].g_col[c].act_o;
					assign bank_i  = g_row[r-1].g_col[c].bank_o;
					assign dw_i    = g_row[r-1].g_col[c].dw_o;
					assign sp_i    = g_row[r-1].g_col[c].sp_o;
					// (its own row outputs are constant: it keeps no row register)
					wire unused_odd = &{1'b0, act_o, bank_o, dw_o, sp_o};
				end else if (c == 0) begin : g_left
					assign act_i   = act_l[r];
					assign bank_i  = bank_l[r];
					assign dw_i    = dw_l[r];
					assign sp_i    = sp_l[r];
				end else begin : g_inner
					assign act_i   = g_row[r].g_col[c-1].act_o;
					assign bank_i  = g_row[r].g_col[c-1].bank_o;
					assign dw_i    = g_row[r].g_col[c-1].dw_o;
					assign sp_i    = g_row[r].g_col[c-1].sp_o;
				end
				if (c == 0) begin : g_hleft
					assign hpsum_i = {PS_W{1'b0}};
				end else begin : g_hinner
					assign hpsum_i = g_row[r].g_col[c-1].hpsum_o;
				end
				if (r == 0) begin : g_top
					assign psum_i = {PS_W{1'b0}};
					// both chains take the same input; the PE picks the bank
					assign w0_i   = w_top[c];
					assign w1_i   = w_top[c];
				end else begin : g_below
					assign psum_i = g_row[r-1].g_col[c].psum_v;
					assign w0_i   = g_row[r-1].g_col[c].w0_o;
					assign w1_i   = g_row[r-1].g_col[c].w1_o;
				end
				// multiplier cell: PEs (2k, c) and (2k+1, c) share one, held in
				// the even row's scope (an odd last row pairs with nothing);
				// without MUL_CELL each PE multiplies itself
				if (EXT != 0 && r % 2 == 0) begin : g_cell
					wire [15:0] p0, p1;
					if (r + 1 < ROWS) begin : g_two
						mote_mul2 #(.ICE40(MUL_CELL == 2 ? 1 : 0), .SUM(r == 0 ? SUM01 : 0)) u_mul (
							.clk(clk), .i_bload(1'b0), .i_a0(mul_a), .i_b0(mul_b),
							.i_a1(g_row[r+1].g_col[c].mul_a), .i_b1(g_row[r+1].g_col[c].mul_b),
							.o_p0(p0), .o_p1(p1));
					end else begin : g_one
						mote_mul2 #(.ICE40(MUL_CELL == 2 ? 1 : 0)) u_mul (
							.clk(clk), .i_bload(1'b0), .i_a0(mul_a), .i_b0(mul_b), .i_a1(8'd0), .i_b1(8'd0),
							.o_p0(p0), .o_p1(p1));
						wire unused_p1 = &{1'b0, p1};
					end
					assign prod = p0;
				end else if (EXT != 0) begin : g_odd
					assign prod = g_row[r-1].g_col[c].g_cell.p1;
				end else begin : g_self
					assign prod = 16'd0;
					wire unused_mul = &{1'b0, mul_a, mul_b};
				end
				if (SUM01 != 0 && r == 1) begin : g_sum01
					// the cell's 16-bit sum of rows 0 and 1, 32768 restored;
					// these two PEs' own sums go nowhere
					wire [15:0] v = g_row[0].g_col[c].g_cell.p1;
					assign psum_v = {{(PS_W-16){v[15] && v[14:0] != 15'd0}}, v};
					wire unused_pe_sum = &{1'b0, psum_o};
				end else begin : g_own
					assign psum_v = psum_o;
				end
				mote_pe #(.DEPTHWISE(DEPTHWISE), .PS_W(PS_W), .EXT_MUL(EXT), .SPARSE(SPARSE),
					  .ODD(r % 2), .LUT_MUL(c >= COLS - LUT_MUL_COLS ? 1 : 0)) u_pe (
					.clk      (clk),
					.i_act    (act_i),
					.i_bank   (bank_i),
					.i_dw     (dw_i),
					.i_sp     (sp_i),
					.o_act    (act_o),
					.o_bank   (bank_o),
					.o_dw     (dw_o),
					.o_sp     (sp_o),
					.i_psum   (psum_i),
					.o_psum   (psum_o),
					.i_hpsum  (hpsum_i),
					.o_hpsum  (hpsum_o),
					.o_mul_a  (mul_a),
					.o_mul_b  (mul_b),
					.i_prod   (prod),
					.i_wshift (wen[c]),
					.i_wbank  (wbk[c]),
					.i_w0     (w0_i),
					.i_w1     (w1_i),
					.o_w0     (w0_o),
					.o_w1     (w1_o)
				);
			end
		end
	endgenerate

	// ---- output de-skew: column c leaves PE(ROWS-1,c) at T+ROWS+c(+EXT), delay COLS-1-c more
	wire [PS_W-1:0] sum_out [0:COLS-1];
	generate
		for (c = 0; c < COLS; c = c + 1) begin : g_deskew
			if (c == COLS - 1) begin : g_direct
				assign sum_out[c] = g_row[ROWS-1].g_col[c].psum_v;
			end else begin : g_delay
				mote_delay #(.WIDTH(PS_W), .DEPTH(COLS - 1 - c)) u_dq (
					.clk(clk), .i_d(g_row[ROWS-1].g_col[c].psum_v), .o_q(sum_out[c]));
			end
		end
	endgenerate

	// ---- depthwise lanes leave PE(r,COLS-1) at T+r+COLS (T: input cycle of
	// the last row they use); delay ROWS-1-r more, to T+LAT like the columns
	wire [PS_W-1:0] lane_out [0:COLS-1];
	wire        dw_out;
	generate
		if (DEPTHWISE != 0) begin : g_dw
			for (c = 0; c < COLS; c = c + 1) begin : g_lane
				if (c >= LANES) begin : g_none
					assign lane_out[c] = {PS_W{1'b0}};
				end else begin : g_lane_out
					if (c == ROWS - 1) begin : g_direct
						assign lane_out[c] = g_row[c].g_col[COLS-1].psum_o;
					end else begin : g_delay
						mote_delay #(.WIDTH(PS_W), .DEPTH(ROWS - 1 - c)) u_lq (
							.clk(clk), .i_d(g_row[c].g_col[COLS-1].psum_o), .o_q(lane_out[c]));
					end
				end
			end
			// the mode bit beside the valid pipeline (datapath: no reset)
			reg [LAT-1:0] dwp_q;
			always @(posedge clk)
				dwp_q <= {dwp_q[LAT-2:0], i_dw};
			assign dw_out = dwp_q[LAT-1];
		end else begin : g_dense
			for (c = 0; c < COLS; c = c + 1) begin : g_lane
				assign lane_out[c] = {PS_W{1'b0}};
			end
			assign dw_out = 1'b0;
		end
		for (c = 0; c < COLS; c = c + 1) begin : g_out
			wire [PS_W-1:0] s = dw_out ? lane_out[c] : sum_out[c];
			assign o_sum[32*c +: 32] = {{(32-PS_W){s[PS_W-1]}}, s};
		end
	endgenerate
	assign o_dw = dw_out;

	// the chains' bottom ends and the activations' right edge go nowhere
	generate
		for (r = 0; r < ROWS; r = r + 1) begin : g_edge_r
			wire unused_right = &{1'b0, g_row[r].g_col[COLS-1].act_o, g_row[r].g_col[COLS-1].bank_o,
					      g_row[r].g_col[COLS-1].dw_o, g_row[r].g_col[COLS-1].sp_o,
					      g_row[r].g_col[COLS-1].hpsum_o, act_l[r], bank_l[r], dw_l[r], sp_l[r]};
		end
		for (c = 0; c < COLS; c = c + 1) begin : g_edge_c
			wire unused_bottom = &{1'b0, g_row[ROWS-1].g_col[c].w0_o, g_row[ROWS-1].g_col[c].w1_o};
		end
	endgenerate

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
