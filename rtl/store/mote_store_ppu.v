// mote_store_ppu.v: the store unit's post-processing: PPU_LANES requantization
// lanes fed COLS/PPU_LANES chunks per row, with STORE_ADD an add lane after
// each, metadata beside them, then the row packed (bytes or int32) and shifted
// to its memory alignment for the writer.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Timing: a chunk given at cycle t leaves the requantization lanes at t+4 and,
// with STORE_ADD, the add lanes at t+7; the row's entry (o_valid, o_row,
// registered) is presented the cycle after its last chunk leaves.  An add
// chunk takes its operand bytes from i_opnd at t+4 (the head of the operand
// FIFO); the row's last chunk pops it then (o_opnd_pop).
module mote_store_ppu #(
	// int32 values per accumulator row
	parameter COLS = 8,
	// requantization lanes (divides COLS)
	parameter PPU_LANES = COLS,
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 16,
	// words of the aligned row buffer
	parameter NW = 3,
	// 1: the STORE ADD lanes (three more cycles of latency)
	parameter STORE_ADD = 1,
	// 1: the lanes round as TFLite with i_tfl (STORE ROUND_TFL)
	parameter ROUND_TFL = 1,
	// derived widths (match mote_store_unit and mote_store_writer)
	parameter P    = COLS / PPU_LANES,
	parameter CHW  = (P > 1) ? $clog2(P) : 1,
	parameter LGMB = $clog2(MEM_BYTES),
	parameter WB   = NW * MEM_BYTES,
	parameter NWB  = $clog2(NW + 1),
	parameter NBB  = $clog2(WB + 1),
	parameter EW   = WB * 8 + (32 - LGMB) + LGMB + NBB + NWB + 2 + 32
) (
	input  wire                 clk,
	input  wire                 rst,
	// one chunk: valid, marker (token-only, no data), last row of the command,
	// last chunk of the row, push flag, int32 output, chunk index
	input  wire                 i_valid,
	input  wire                 i_mark,
	input  wire                 i_last,
	input  wire                 i_end,
	input  wire                 i_push,
	input  wire                 i_int32,
	// STORE ROUND_TFL
	input  wire                 i_tfl,
	input  wire [CHW-1:0]       i_ch,
	input  wire [15:0]          i_zp,
	input  wire [15:0]          i_lo,
	input  wire [15:0]          i_hi,
	// STORE ADD fields (i_add: this chunk adds; never with i_mark or i_int32)
	input  wire                 i_add,
	input  wire                 i_add_u8,
	input  wire [15:0]          i_add_zp,
	input  wire [15:0]          i_add_ozp,
	input  wire [15:0]          i_add_ma,
	input  wire [15:0]          i_add_mb,
	input  wire [15:0]          i_add_lo,
	input  wire [15:0]          i_add_hi,
	input  wire [5:0]           i_add_shift,
	// head of the operand FIFO (byte c = column c) and its pop
	input  wire [COLS*8-1:0]    i_opnd,
	output wire                 o_opnd_pop,
	// bytes of the output row, its address, the command index
	input  wire [NBB-1:0]       i_nb,
	input  wire [31:0]          i_addr,
	input  wire [31:0]          i_idx,
	// accumulator row and per-column bias, multiplier, shift
	input  wire [COLS*32-1:0]   i_acc,
	input  wire [COLS*32-1:0]   i_bias,
	input  wire [COLS*32-1:0]   i_mult,
	input  wire [COLS*6-1:0]    i_shift,
	// writer FIFO entry: {data, word address, offset, bytes, words, last, push, idx}
	output wire                 o_valid,
	output wire [EW-1:0]        o_row
);
	localparam RB = 4 * COLS;
	localparam [31:0] MBM1 = MEM_BYTES - 1;

	// the lanes' valid pipeline, one for all (control: reset): pv_q[k] is
	// i_valid k+1 cycles ago; the requantization lanes use [3:0], the add
	// lanes [6:4]
	reg [6:0] pv_q;
	always @(posedge clk) begin
		if (rst)
			pv_q <= 7'd0;
		else if (i_valid || pv_q != 7'd0)
			pv_q <= {pv_q[5:0], i_valid};
	end

	wire [PPU_LANES*32-1:0] rq_out;
	wire [PPU_LANES*16-1:0] rq_y;
	wire [PPU_LANES-1:0]    rq_vld;
	// each column's shift in a byte of its own, so that a lane's is picked at
	// 8*col (a shift) rather than 6*col (a multiply, which synth_ecp5 puts on
	// a DSP block where col varies: P > 1)
	wire [COLS*8-1:0] shift8;
	genvar l;
	generate
		for (l = 0; l < COLS; l = l + 1) begin : g_shift8
			assign shift8[8*l +: 8] = {2'b00, i_shift[6*l +: 6]};
		end
		for (l = 0; l < PPU_LANES; l = l + 1) begin : g_lane
			// the column this lane takes; a constant with one chunk per row
			// (a simulator then selects the lane's inputs without a shift)
			wire [31:0] col = (P > 1) ? {{(32-CHW){1'b0}}, i_ch} * PPU_LANES + l : l;
			mote_requant #(.ROUND_TFL(ROUND_TFL), .VLD_IN(1)) u_rq (
				.clk     (clk),
				.rst     (rst),
				.i_valid (i_valid),
				.i_vld   (pv_q[3:0]),
				.i_acc   (i_acc[32*col +: 32]),
				.i_bias  (i_bias[32*col +: 32]),
				.i_mult  (i_mult[32*col +: 32]),
				.i_shift (shift8[8*col +: 6]),
				.i_zp    (i_zp),
				.i_lo    (i_lo),
				.i_hi    (i_hi),
				.i_int32 (i_int32),
				.i_tfl   (i_tfl),
				.o_data  (rq_out[32*l +: 32]),
				.o_y     (rq_y[16*l +: 16]),
				.o_valid (rq_vld[l])
			);
		end
	endgenerate

	// metadata beside the lanes: {mark, last, end, push, int32, chunk, nb, addr, idx}
	localparam MW = 5 + CHW + NBB + 64;
	// (stages load with the valid bit they travel beside: every use of them
	// is qualified by that bit, and an idle PPU then moves nothing)
	wire [MW-1:0] md4, o_md;
	reg  [MW-1:0] md1_q, md2_q, md3_q, md4_q;
	always @(posedge clk) begin
		if (i_valid)
			md1_q <= {i_mark, i_last, i_end, i_push, i_int32, i_ch, i_nb, i_addr, i_idx};
		if (pv_q[0])
			md2_q <= md1_q;
		if (pv_q[1])
			md3_q <= md2_q;
		if (pv_q[2])
			md4_q <= md3_q;
	end
	assign md4 = md4_q;

	wire [PPU_LANES*32-1:0] lane_out;
	wire [PPU_LANES-1:0]    lane_vld;
	generate
		if (STORE_ADD != 0) begin : g_add
			// the add fields beside the requantization lanes:
			// {add, u8, zp, add_zp, add_ozp, ma, mb, lo, hi, shift}
			localparam AW = 2 + 16 * 7 + 6;
			reg  [AW-1:0] a1_q, a2_q, a3_q, a4_q;
			always @(posedge clk) begin
				if (i_valid)
					a1_q <= {i_add, i_add_u8, i_zp, i_add_zp, i_add_ozp, i_add_ma, i_add_mb,
						 i_add_lo, i_add_hi, i_add_shift};
				if (pv_q[0])
					a2_q <= a1_q;
				if (pv_q[1])
					a3_q <= a2_q;
				if (pv_q[2])
					a4_q <= a3_q;
			end
			wire [AW-1:0] a4 = a4_q;
			wire           a4_add = a4[AW-1];
			wire [CHW-1:0] ch4    = md4[64+NBB +: CHW];
			for (l = 0; l < PPU_LANES; l = l + 1) begin : g_alane
				wire [31:0] col = (P > 1) ? {{(32-CHW){1'b0}}, ch4} * PPU_LANES + l : l;
				mote_store_add #(.VLD_IN(1)) u_add (
					.clk      (clk),
					.rst      (rst),
					.i_valid  (rq_vld[l]),
					.i_vld    (pv_q[6:4]),
					.i_add    (a4_add),
					.i_data   (rq_out[32*l +: 32]),
					.i_y      (rq_y[16*l +: 16]),
					.i_r      (i_opnd[8*col +: 8]),
					.i_u8     (a4[AW-2]),
					.i_zp     (a4[6+16*6 +: 16]),
					.i_add_zp (a4[6+16*5 +: 16]),
					.i_out_zp (a4[6+16*4 +: 16]),
					.i_mult_a (a4[6+16*3 +: 16]),
					.i_mult_b (a4[6+16*2 +: 16]),
					.i_lo     (a4[6+16 +: 16]),
					.i_hi     (a4[6 +: 16]),
					.i_shift  (a4[5:0]),
					.o_data   (lane_out[32*l +: 32]),
					.o_valid  (lane_vld[l])
				);
			end
			// md4's end bit: the row's last chunk
			assign o_opnd_pop = rq_vld[0] && a4_add && md4[MW-3];
			reg [MW-1:0] md5_q, md6_q, md7_q;
			always @(posedge clk) begin
				if (pv_q[3])
					md5_q <= md4;
				if (pv_q[4])
					md6_q <= md5_q;
				if (pv_q[5])
					md7_q <= md6_q;
			end
			assign o_md = md7_q;
		end else begin : g_noadd
			assign lane_out   = rq_out;
			assign lane_vld   = rq_vld;
			assign o_opnd_pop = 1'b0;
			assign o_md       = md4;
			wire unused_add = &{1'b0, i_add, i_add_u8, i_add_zp, i_add_ozp, i_add_ma, i_add_mb,
					    i_add_lo, i_add_hi, i_add_shift, i_opnd, rq_y};
		end
	endgenerate
	wire           o_vld  = lane_vld[0];      // i_valid, the lanes' latency later
	wire           o_mark = o_md[MW-1];
	wire           o_last = o_md[MW-2];
	wire           o_end  = o_md[MW-3];
	wire           o_push = o_md[MW-4];
	wire           o_i32  = o_md[MW-5];
	wire [CHW-1:0] o_ch   = o_md[64+NBB +: CHW];
	wire [NBB-1:0] o_nb   = o_md[64 +: NBB];
	wire [31:0]    o_addr = o_md[32 +: 32];
	wire [31:0]    o_idx  = o_md[31:0];

	// ================================================================ pack
	wire [COLS*32-1:0] full;
	generate
		if (P > 1) begin : g_asm
			reg [(P-1)*PPU_LANES*32-1:0] asm_q;
			always @(posedge clk)
				if (o_vld && !o_end)
					asm_q[o_ch*PPU_LANES*32 +: PPU_LANES*32] <= lane_out;
			assign full = {lane_out, asm_q};
		end else begin : g_noasm
			assign full = lane_out;
			wire unused_ch = &{1'b0, o_ch};
		end
	endgenerate

	wire [LGMB-1:0] o_off   = o_addr[LGMB-1:0];
	wire [NBB:0]    o_span  = {1'b0, o_nb} + {{(NBB+1-LGMB){1'b0}}, o_off} + MBM1[NBB:0];
	wire [NBB:0]    o_nwf   = o_mark ? {(NBB+1){1'b0}} : (o_span >> LGMB);
	wire [NWB-1:0]  o_nw    = o_nwf[NWB-1:0];
	wire            row_done = o_vld && o_end;

	// registered entry; built only in the cycle a row completes
	reg          ov_q;
	reg [EW-1:0] orow_q;
	always @(posedge clk) begin
		if (rst)
			ov_q <= 1'b0;
		else
			ov_q <= row_done;
		// the row's bytes (int8: the low byte of each lane; int32: all four) from
		// byte 0; the writer moves each bus word to the row's offset as it goes
		// out (a word's worth of shifter instead of the whole row's).  A
		// block-local temporary, not a function's: Verilator zeroes a wide
		// function's locals at every evaluation, called or not.
		if (row_done) begin : g_pack
			reg [WB*8-1:0] rb;
			integer k;
			rb = {(WB*8){1'b0}};
			if (o_i32)
				rb[RB*8-1:0] = full;
			else
				for (k = 0; k < COLS; k = k + 1)
					rb[8*k +: 8] = full[32*k +: 8];
			orow_q <= {rb, o_addr[31:LGMB], o_off, o_nb, o_nw, o_last, o_push, o_idx};
		end
	end
	assign o_valid = ov_q;
	assign o_row   = orow_q;

	wire unused_ok = &{1'b0, lane_vld, rq_vld, o_nwf, pv_q};
endmodule

`default_nettype wire
