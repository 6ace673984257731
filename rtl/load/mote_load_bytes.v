// mote_load_bytes.v: the narrow load path's packer (mote_load_serial): one
// byte per cycle.  Response words go to a small buffer of 2^LG_RESP words as
// they arrive (the address side reserves a slot for each read it issues).  For
// each row descriptor {lo, hi, off} it walks the row's bytes b = 0..RW-1: byte
// b is PAD outside [lo, hi), else the next byte of the held words (from byte
// off of the first); XOR_MSB flips bit 7 of every byte.  A word is released
// after its last byte or the row's last in-bounds byte (each row reads its own
// words).  Bytes go straight to their place in the row register, which is the
// registered write data; the row is written the cycle after its last byte
// (with BIAS_WORDS = n > 0, a BIAS row as n 32-bit words, word k the cycle
// after byte 4k+3, to row*n + k).  Rows stream back to back: RW cycles a row
// while the words are there.
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
	// log2 of the words held
	parameter LG_RESP = 1,
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
	input  wire                   i_desc_valid,
	output wire                   o_desc_ready,
	input  wire [PW-1:0]          i_lo,
	input  wire [PW-1:0]          i_hi,
	input  wire [$clog2(MEM_BYTES)-1:0] i_off,
	// a response word (always taken: its slot was reserved)
	input  wire                   i_word_valid,
	input  wire [MEM_BYTES*8-1:0] i_word,
	// a word slot freed
	output wire                   o_pop,
	output reg                    o_we,
	output reg  [1:0]             o_sel,
	output reg  [15:0]            o_row,
	output wire [RWMAX*8-1:0]     o_wdata,
	output wire                   o_busy,       // a row in progress or its write pending
	output wire                   o_wait_mem    // a byte waits for its word
);
	localparam LG_MB = $clog2(MEM_BYTES);
	localparam DEPTH = 1 << LG_RESP;
	localparam WB    = (BIAS_WORDS != 0) ? 4 : 4 * COLS;     // bias bytes per write
	localparam RWO0  = (ROWS > COLS) ? ROWS : COLS;
	localparam RWO   = (RWO0 > WB) ? RWO0 : WB;               // bytes of the row register
	localparam RWL   = $clog2(RWO);
	localparam [31:0] RA32 = ROWS - 1, RW32 = COLS - 1, RB32 = 4 * COLS - 1, BW32 = BIAS_WORDS;

	// ---- words ----
	reg  [MEM_BYTES*8-1:0] mem [0:DEPTH-1];
	reg  [LG_RESP:0]       wp_q, rp_q;
	wire                   avail = wp_q != rp_q;
	always @(posedge clk)
		if (i_word_valid)
			mem[wp_q[LG_RESP-1:0]] <= i_word;

	// ---- the row ----
	reg            cur_q;            // a row in progress
	reg  [PW-1:0]  b_q, lo_q, hi_q;
	reg  [LG_MB-1:0] lane_q;
	reg  [DRW-1:0] row_q;
	reg  [RWO*8-1:0] wr_q;

	reg  [PW-1:0]  last_b;
	always @(*)
		case (i_dst)
		`MOTE_BUF_ACT: last_b = RA32[PW-1:0];
		`MOTE_BUF_WGT: last_b = RW32[PW-1:0];
		default:       last_b = RB32[PW-1:0];
		endcase
	wire narrow   = BIAS_WORDS != 0 && i_dst == `MOTE_BUF_BIAS;
	wire inb      = b_q >= lo_q && b_q < hi_q;
	wire step     = cur_q && (!inb || avail);
	wire row_end  = step && b_q == last_b;
	wire take     = i_desc_valid && (!cur_q || row_end);
	assign o_desc_ready = take;
	assign o_pop  = step && inb && (&lane_q || b_q + 1'b1 == hi_q);
	assign o_busy = cur_q || o_we;
	assign o_wait_mem = cur_q && inb && !avail;

	wire [7:0] wbyte = mem[rp_q[LG_RESP-1:0]][8*lane_q +: 8];
	wire [7:0] obyte = (inb ? wbyte : i_pad) ^ {i_xor, 7'd0};
	// byte b's place in the row register
	wire [PW-1:0]  posf = narrow ? (b_q & 3) : b_q;
	wire [RWL-1:0] pos  = posf[RWL-1:0];

	always @(posedge clk) begin
		if (rst || i_abort) begin
			cur_q <= 1'b0;
			wp_q  <= 0;
			rp_q  <= 0;
			o_we  <= 1'b0;
		end else begin
			if (i_word_valid)
				wp_q <= wp_q + 1'b1;
			if (o_pop)
				rp_q <= rp_q + 1'b1;
			if (take)
				cur_q <= 1'b1;
			else if (row_end)
				cur_q <= 1'b0;
			o_we <= step && (narrow ? &b_q[1:0] : row_end);
		end
	end

	integer k;
	always @(posedge clk) begin
		if (take) begin
			b_q    <= {PW{1'b0}};
			lo_q   <= i_lo;
			hi_q   <= i_hi;
			lane_q <= i_off;
		end else if (step) begin
			b_q <= b_q + 1'b1;
			if (inb)
				lane_q <= lane_q + 1'b1;
		end
		if (i_start)
			row_q <= i_row0[DRW-1:0];
		else if (row_end)
			row_q <= row_q + 1'b1;
		if (step) begin
			o_sel <= i_dst;
			o_row <= narrow ? {{(16-DRW){1'b0}}, row_q} * BW32[15:0] + {{(16-PW){1'b0}}, b_q >> 2} :
				 {{(16-DRW){1'b0}}, row_q};
		end
		for (k = 0; k < RWO; k = k + 1)
			if (step && pos == k[RWL-1:0])
				wr_q[8*k +: 8] <= obyte;
	end
	generate
		if (RWO < RWMAX) begin : g_pad
			assign o_wdata = {{((RWMAX-RWO)*8){1'b0}}, wr_q};
		end else begin : g_full
			assign o_wdata = wr_q;
		end
	endgenerate
	wire unused_pos = ^{posf, i_row0};
endmodule

`default_nettype wire
