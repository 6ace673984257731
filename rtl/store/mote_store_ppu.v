// mote_store_ppu.v: the store unit's post-processing: PPU_LANES requantization
// lanes fed COLS/PPU_LANES chunks per row, metadata beside them, then the row
// packed (bytes or int32) and shifted to its memory alignment for the writer.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Timing: a chunk given at cycle t leaves the lanes at t+4; the row's entry
// (o_valid, o_row, registered) is presented the cycle after its last chunk leaves.
module mote_store_ppu #(
	// int32 values per accumulator row
	parameter COLS = 8,
	// requantization lanes (divides COLS)
	parameter PPU_LANES = COLS,
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 16,
	// words of the aligned row buffer
	parameter NW = 3,
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
	input  wire [CHW-1:0]       i_ch,
	input  wire [15:0]          i_zp,
	input  wire [15:0]          i_lo,
	input  wire [15:0]          i_hi,
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
	localparam LANE_LAT = 4;
	localparam RB = 4 * COLS;
	localparam [31:0] MBM1 = MEM_BYTES - 1;

	wire [PPU_LANES*32-1:0] lane_out;
	wire [PPU_LANES-1:0]    lane_vld;
	genvar l;
	generate
		for (l = 0; l < PPU_LANES; l = l + 1) begin : g_lane
			wire [31:0] col = {{(32-CHW){1'b0}}, i_ch} * PPU_LANES + l;
			mote_requant u_rq (
				.clk     (clk),
				.rst     (rst),
				.i_valid (i_valid),
				.i_acc   (i_acc[32*col +: 32]),
				.i_bias  (i_bias[32*col +: 32]),
				.i_mult  (i_mult[32*col +: 32]),
				.i_shift (i_shift[6*col +: 6]),
				.i_zp    (i_zp),
				.i_lo    (i_lo),
				.i_hi    (i_hi),
				.i_int32 (i_int32),
				.o_data  (lane_out[32*l +: 32]),
				.o_valid (lane_vld[l])
			);
		end
	endgenerate

	// metadata beside the lanes: {mark, last, end, push, int32, chunk, nb, addr, idx}
	localparam MW = 5 + CHW + NBB + 64;
	wire [MW-1:0] o_md;
	mote_delay #(.WIDTH(MW), .DEPTH(LANE_LAT)) u_md (
		.clk(clk), .i_d({i_mark, i_last, i_end, i_push, i_int32, i_ch, i_nb, i_addr, i_idx}), .o_q(o_md));
	wire           o_vld  = lane_vld[0];      // i_valid, four cycles later
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

	// the row's bytes (int8: the low byte of each lane; int32: all four),
	// shifted to the offset of its first byte in the first bus word
	function [WB*8-1:0] align_row;
		input [COLS*32-1:0] f;
		input               i32;
		input [LGMB-1:0]    off;
		reg   [WB*8-1:0]    rb;
		integer k;
		begin
			rb = {(WB*8){1'b0}};
			if (i32)
				rb[RB*8-1:0] = f;
			else
				for (k = 0; k < COLS; k = k + 1)
					rb[8*k +: 8] = f[32*k +: 8];
			align_row = rb << {off, 3'b000};
		end
	endfunction

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
		if (row_done)
			orow_q <= {align_row(full, o_i32, o_off), o_addr[31:LGMB], o_off, o_nb, o_nw,
				   o_last, o_push, o_idx};
	end
	assign o_valid = ov_q;
	assign o_row   = orow_q;

	wire unused_ok = &{1'b0, lane_vld, o_nwf};
endmodule

`default_nettype wire
