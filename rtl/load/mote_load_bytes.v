// mote_load_bytes.v: the narrow load path's packer (mote_load_serial): the
// row register, filled a byte at a time straight from the memory responses.
// The address side reads each in-bounds byte with a read of its own word, in
// order, so every response is one byte of the row: the byte at lane
// (off + p) mod MEM_BYTES goes to row position p, the next of [lo, hi).  The
// row register holds a segment of the row: the whole row, or with
// BIAS_WORDS = n > 0 a bias row's 32-bit word k (bytes 4k..4k+3), written to
// row*n + k.  When a segment starts, every byte of it is set to PAD but the
// one that arrives in that cycle (the later in-bounds bytes overwrite
// theirs); it is written the cycle after its last in-bounds byte (or after
// its start when it has none), and the next segment, or the next row's
// descriptor, starts in that write cycle.  XOR_MSB flips bit 7 of every byte.
// No word is held: responses are never refused, and a segment's bytes never
// arrive before it starts (mote_load_walk reads a row's bytes only after the
// packer took the previous row's descriptor, and a bias word's only while
// the packer has that word open).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_load_bytes #(
	// array rows: activation row bytes
	parameter ROWS = 8,
	// array columns: weight row bytes (4*COLS per bias row)
	parameter COLS = 8,
	// memory bus width in bytes
	parameter MEM_BYTES = 16,
	// 0: BIAS rows written whole; n: as n 32-bit words
	parameter BIAS_WORDS = 0,
	// bits of the buffer row count (from BUF_ROW)
	parameter DRW = 12,
	// widest destination row in bytes (derived)
	parameter RWMAX = (ROWS > 4 * COLS) ? ROWS : 4 * COLS,
	// bits of a byte position 0..RWMAX (derived)
	parameter PW = $clog2(RWMAX + 1)
) (
	input  wire                   clk,
	input  wire                   rst,
	input  wire                   i_abort,
	// start of a LOAD: the first buffer row
	input  wire                   i_start,
	input  wire [15:0]            i_row0,
	// command constants, stable while the command runs
	input  wire [1:0]             i_dst,
	input  wire                   i_xor,
	input  wire [7:0]             i_pad,
	// row descriptor: in-bounds bytes [lo, hi) (lo = hi: none), lane of byte 0
	input  wire                   i_desc_valid,
	output wire                   o_desc_ready,
	input  wire [PW-1:0]          i_lo,
	input  wire [PW-1:0]          i_hi,
	input  wire [$clog2(MEM_BYTES)-1:0] i_off,
	// a response: the next in-bounds byte's word (never refused)
	input  wire                   i_word_valid,
	input  wire [MEM_BYTES*8-1:0] i_word,
	output reg                    o_we,
	output reg  [1:0]             o_sel,
	output wire [15:0]            o_row,
	output wire [RWMAX*8-1:0]     o_wdata,
	output wire                   o_busy,       // a segment in progress or its write pending
	// the segment waiting for its bytes (a bias word with BIAS_WORDS)
	output wire                   o_seg_open,
	output wire [$clog2((BIAS_WORDS > 1) ? BIAS_WORDS : 2)-1:0] o_seg,
	output wire                   o_wait_mem    // a segment waits for a byte
);
	localparam LG_MB = $clog2(MEM_BYTES);
	localparam WB    = (BIAS_WORDS != 0) ? 4 : 4 * COLS;     // bias bytes per write
	localparam RWO0  = (ROWS > COLS) ? ROWS : COLS;
	localparam RWO   = (RWO0 > WB) ? RWO0 : WB;               // bytes of the row register
	localparam RWL   = $clog2(RWO);
	localparam NBW   = (BIAS_WORDS > 1) ? BIAS_WORDS : 2;
	localparam SGW   = $clog2(NBW);                           // segment index bits
	localparam ORW   = DRW + SGW;                             // o_row bits
	localparam [31:0] BW32 = BIAS_WORDS, SLAST32 = BIAS_WORDS - 1;
	localparam [SGW-1:0] SLAST = SLAST32[SGW-1:0];

	// a bias row as words: from the destination registered at the start (o_sel)
	// but in that cycle itself (no segment is open then), so that the
	// command's decode is not in front of the segment's compares
	wire narrow_in = BIAS_WORDS != 0 && i_dst == `MOTE_BUF_BIAS;
	wire narrow    = BIAS_WORDS != 0 && o_sel == `MOTE_BUF_BIAS;

	reg              cur_q;     // a segment in progress, its padding set
	reg  [PW-1:0]    p_q;       // row position of its next in-bounds byte
	reg  [PW-1:0]    hi_q;
	reg  [LG_MB-1:0] off_q;
	reg  [SGW-1:0]   seg_q;     // bias word of the segment (BIAS_WORDS)
	reg  [ORW-1:0]   row_q;     // buffer row (word with BIAS_WORDS) written next
	reg  [RWO*8-1:0] wr_q;

	// a segment starts: the next word of a bias row in the write cycle of the
	// previous one, else the next row's descriptor when no segment is open
	wire more   = narrow && seg_q != SLAST;
	wire nseg   = o_we && more;
	wire take   = i_desc_valid && !cur_q && !nseg;
	wire sstart = take || nseg;
	wire active = cur_q || sstart;
	assign o_desc_ready = take;

	// the segment as of this cycle
	wire [PW-1:0]    p_v   = take ? i_lo : p_q;
	wire [PW-1:0]    hi_v  = take ? i_hi : hi_q;
	wire [LG_MB-1:0] off_v = take ? i_off : off_q;
	wire [SGW-1:0]   seg_v = take ? {SGW{1'b0}} : nseg ? seg_q + 1'b1 : seg_q;
	wire [PW-1:0]    segx  = {{(PW-SGW){1'b0}}, seg_v};
	wire             byte_in = i_word_valid && active;
	wire [PW:0]      p_n   = {1'b0, p_v} + {{PW{1'b0}}, byte_in};
	// done: no in-bounds byte of the segment left after this cycle
	wire             done  = active && (p_n >= {1'b0, hi_v} || (narrow && (p_n >> 2) > {1'b0, segx}));
	assign o_busy     = cur_q || o_we;
	assign o_seg_open = cur_q;
	assign o_seg      = seg_q;
	assign o_wait_mem = cur_q && !done;

	wire [LG_MB-1:0] lane  = off_v + p_v[LG_MB-1:0];
	wire [7:0]       flip  = {i_xor, 7'd0};

	always @(posedge clk) begin
		if (rst || i_abort) begin
			cur_q <= 1'b0;
			o_we  <= 1'b0;
		end else begin
			o_we  <= done;
			cur_q <= active && !done;
		end
	end

	// the byte's place in the row register; a starting segment is all PAD
	// but for the byte that arrives with it, the later bytes overwrite theirs
	localparam [RWL-1:0] M3 = 3;
	wire [RWL-1:0] bidx = p_v[RWL-1:0] & (narrow ? M3 : {RWL{1'b1}});
	always @(posedge clk) begin
		if (active) begin
			p_q   <= p_n[PW-1:0];
			hi_q  <= hi_v;
			off_q <= off_v;
			seg_q <= seg_v;
		end
		if (i_start) begin
			o_sel <= i_dst;
			row_q <= narrow_in ? i_row0[DRW-1:0] * BW32[ORW-1:0] : {{SGW{1'b0}}, i_row0[DRW-1:0]};
		end else if (o_we)
			row_q <= row_q + 1'b1;
	end
	genvar g;
	generate
		for (g = 0; g < RWO; g = g + 1) begin : g_byte
			localparam [RWL-1:0] GI = g;
			always @(posedge clk)
				if (byte_in && bidx == GI)
					wr_q[8*g +: 8] <= i_word[8*lane +: 8] ^ flip;
				else if (sstart)
					wr_q[8*g +: 8] <= i_pad ^ flip;
		end
	endgenerate
	assign o_row = {{(16-ORW){1'b0}}, row_q};
	generate
		if (RWO < RWMAX) begin : g_pad
			assign o_wdata = {{((RWMAX-RWO)*8){1'b0}}, wr_q};
		end else begin : g_full
			assign o_wdata = wr_q;
		end
	endgenerate
	wire unused_row0 = ^{i_row0, p_n[PW]};
endmodule

`default_nettype wire
