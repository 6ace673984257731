// mote_load_pack.v: LOAD byte packing.  For each row descriptor {row, lo, hi,
// off, nw} from the address generator it takes nw response words and places
// byte b of the row (lo <= b < hi) from byte off + b - lo of their
// concatenation; every other byte is PAD.  XOR_MSB flips bit 7 of every byte
// (padding included).  One word per cycle; a row that fits in one word is
// written the cycle after its word arrives, so rows stream at one per cycle.
// The row write toward the buffers is registered.  With BIAS_WORDS = n > 0 (a
// bias buffer of 32-bit words, the serial store path) a BIAS row is written
// as n words instead, word k (row bytes 4k..4k+3) to o_row = row*n + k in the
// low 32 bits of o_wdata, one per cycle once the row is merged: the packer
// takes no word and holds the descriptor meanwhile (n cycles per bias row).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_load_pack #(
	// memory bus width in bytes
	parameter MEM_BYTES = 16,
	// widest destination row in bytes
	parameter RWMAX = 32,
	// bits of a byte position 0..RWMAX
	parameter PW = $clog2(RWMAX + 1),
	// bits of a word count
	parameter NWW = $clog2(RWMAX / MEM_BYTES + 3),
	// 0: BIAS rows written whole; n: as n 32-bit words, one per cycle
	parameter BIAS_WORDS = 0,
	// descriptor width (must match mote_load_agen)
	parameter DW = 16 + 2 * PW + $clog2(MEM_BYTES) + NWW
) (
	input  wire                   clk,
	input  wire                   rst,
	input  wire                   i_abort,
	// command constants, stable while the command runs
	input  wire [1:0]             i_dst,
	input  wire                   i_xor,
	input  wire [7:0]             i_pad,
	input  wire [15:0]            i_hi_rows,   // LOAD HI_ROWS (0: none)
	input  wire                   i_desc_valid,
	output wire                   o_desc_ready,
	input  wire [DW-1:0]          i_desc,
	input  wire                   i_word_valid,
	output wire                   o_word_ready,
	input  wire [MEM_BYTES*8-1:0] i_word,
	output reg                    o_we,
	output reg  [1:0]             o_sel,
	output reg  [15:0]            o_row,
	output reg  [15:0]            o_row_hi,    // o_row + HI_ROWS: the row of bytes ROWS..2*ROWS-1
	output reg  [RWMAX*8-1:0]     o_wdata,
	output wire                   o_wait_mem    // a row waits for a response word
);
	localparam LG_MB = $clog2(MEM_BYTES);
	localparam SW    = PW + NWW + LG_MB + 2;    // shift arithmetic width

	wire [15:0]      d_row;
	wire [PW-1:0]    d_lo, d_hi;
	wire [LG_MB-1:0] d_off;
	wire [NWW-1:0]   d_nw;
	assign {d_row, d_lo, d_hi, d_off, d_nw} = i_desc;

	reg  [NWW-1:0]     k_q;     // words of the current row merged so far
	reg  [RWMAX*8-1:0] acc_q;   // bytes merged so far

	// a bias row's words going out one per cycle (BIAS_WORDS only)
	localparam WOW = (BIAS_WORDS > 1) ? $clog2(BIAS_WORDS) : 1;
	localparam [31:0] WO_LAST32 = (BIAS_WORDS > 0) ? BIAS_WORDS - 1 : 0;
	localparam [WOW-1:0] WO_LAST = WO_LAST32[WOW-1:0];
	localparam [31:0] BW32 = BIAS_WORDS;
	wire           narrow = BIAS_WORDS != 0 && i_dst == `MOTE_BUF_BIAS;
	reg            wo_q;
	reg  [WOW-1:0] wk_q;

	wire need_word = (d_nw != 0);
	wire last      = !need_word || (k_q == d_nw - 1'b1);
	assign o_word_ready = i_desc_valid && need_word && !wo_q;
	wire take_word = o_word_ready && i_word_valid;
	// the row is merged (its last word taken now, or it needs none)
	wire merged    = i_desc_valid && !wo_q && (!need_word || i_word_valid) && last;
	wire wo_end    = wo_q && wk_q == WO_LAST;
	assign o_desc_ready = narrow ? wo_end : merged;
	assign o_wait_mem   = i_desc_valid && need_word && !i_word_valid && !wo_q;

	// Row byte b takes word byte b + off - lo - k*MEM_BYTES.  With the word placed
	// at byte RWMAX of a wider vector, that is a right shift by u bytes:
	wire [SW-1:0] u = {{(SW-LG_MB){1'b0}}, d_off} + RWMAX[SW-1:0] - {{(SW-PW){1'b0}}, d_lo}
			  - ({{(SW-NWW){1'b0}}, k_q} << LG_MB);

	// bit b: b >= x (x unsigned; none when x >= RWMAX).  A decoder and a
	// running OR, not RWMAX comparators: Yosys builds each b >= x as a carry
	// chain even for a constant b (1,900 ECP5 carry cells at 16x16).
	function [RWMAX-1:0] from;
		input [SW:0] x;
		reg   seen;
		integer b;
		begin
			seen = 1'b0;
			for (b = 0; b < RWMAX; b = b + 1) begin
				seen = seen | (x == b[SW:0]);
				from[b] = seen;
			end
		end
	endfunction

	// The row so far with this word merged in (acc_q when no word is taken),
	// formed once, and only while a word is taken: a simulator then does the
	// merge only in those cycles (a wide function local instead is zeroed at
	// every evaluation, called or not: 2.9% of the busy 8x8 job's -Os
	// instructions).  Outside them the temporaries are x: no latch and no
	// logic.  acc_q takes the word's bytes with a byte enable each (take):
	// from mg instead, the 8x8 ECP5 packer took 412 more LUT4.
	// Bytes lo <= b < hi that this word holds replace those of the row.  Byte b
	// is word byte j = b + u - RWMAX when 0 <= j < MEM_BYTES, that is when
	// RWMAX - u <= b < RWMAX + MEM_BYTES - u; and j mod MEM_BYTES =
	// (b + r) mod MEM_BYTES with r = (u - RWMAX) mod MEM_BYTES: so the word is
	// rotated once, by r bytes (log2(MEM_BYTES) levels of MEM_BYTES-byte
	// multiplexers), and byte b takes rotated byte b mod MEM_BYTES, instead of
	// shifting a RWMAX + MEM_BYTES-byte vector by up to that many bytes.
	reg [RWMAX*8-1:0]     mg;
	reg [MEM_BYTES*16-1:0] twice;
	reg [RWMAX-1:0]       take;
	always @(*) begin : g_merge
		reg [SW-1:0]           r;
		reg [SW:0]             w0, w1, a, z;
		integer b;
		mg = acc_q;
		if (take_word) begin
			r = (u - RWMAX[SW-1:0]) & (MEM_BYTES[SW-1:0] - 1'b1);
			twice = {i_word, i_word} >> {r, 3'b000};
			// the word's bytes [w0, w1) of the row (signed, clamped at 0),
			// within [lo, hi)
			w0 = {1'b0, RWMAX[SW-1:0]} - {1'b0, u};
			w1 = w0 + MEM_BYTES[SW:0];
			if (w0[SW])
				w0 = {(SW+1){1'b0}};
			if (w1[SW])
				w1 = {(SW+1){1'b0}};
			a = w0 > {{(SW+1-PW){1'b0}}, d_lo} ? w0 : {{(SW+1-PW){1'b0}}, d_lo};
			z = w1 < {{(SW+1-PW){1'b0}}, d_hi} ? w1 : {{(SW+1-PW){1'b0}}, d_hi};
			take = from(a) & ~from(z);
			for (b = 0; b < RWMAX; b = b + 1)
				if (take[b])
					mg[b*8 +: 8] = twice[(b % MEM_BYTES)*8 +: 8];
		end else begin
			r     = {SW{1'bx}};
			twice = {(MEM_BYTES*16){1'bx}};
			w0    = {(SW+1){1'bx}};
			w1    = {(SW+1){1'bx}};
			a     = {(SW+1){1'bx}};
			z     = {(SW+1){1'bx}};
			take  = {RWMAX{1'bx}};
			b     = 0;
		end
	end

	// bytes 4k..4k+3 of the row, PAD outside lo..hi, XOR_MSB (BIAS_WORDS)
	function [31:0] finish_word;
		input [RWMAX*8-1:0] row;
		input [WOW-1:0]     k;
		input [PW-1:0]      lo, hi;
		input [7:0]         pad;
		input               flip;
		integer b;
		begin
			finish_word = 32'd0;
			for (b = 0; b < RWMAX; b = b + 1)
				if (b / 4 == {{(32-WOW){1'b0}}, k})
					finish_word[(b % 4)*8 +: 8] = ((b[PW-1:0] >= lo && b[PW-1:0] < hi) ? row[b*8 +: 8] : pad) ^
								      {flip, 7'd0};
		end
	endfunction

	always @(posedge clk) begin
		if (rst || i_abort) begin
			k_q <= 0;
			o_we <= 1'b0;
			wo_q <= 1'b0;
		end else begin
			o_we <= narrow ? wo_q : o_desc_ready;
			if (merged)
				k_q <= 0;
			else if (take_word)
				k_q <= k_q + 1'b1;
			if (narrow && merged)
				wo_q <= 1'b1;
			else if (wo_end)
				wo_q <= 1'b0;
		end
		if (!wo_q)
			wk_q <= {WOW{1'b0}};
		else
			wk_q <= wk_q + 1'b1;
	end

	always @(posedge clk) begin : g_out
		reg [RWMAX-1:0] in;
		integer b;
		if (take_word)
			for (b = 0; b < RWMAX; b = b + 1)
				if (take[b])
					acc_q[b*8 +: 8] <= twice[(b % MEM_BYTES)*8 +: 8];
		if (!narrow && o_desc_ready) begin
			o_sel   <= i_dst;
			o_row   <= d_row;
			o_row_hi <= d_row + i_hi_rows;
			// PAD outside lo..hi, then XOR_MSB on every byte
			in = from({{(SW+1-PW){1'b0}}, d_lo}) & ~from({{(SW+1-PW){1'b0}}, d_hi});
			for (b = 0; b < RWMAX; b = b + 1)
				o_wdata[b*8 +: 8] <= (in[b] ? mg[b*8 +: 8] : i_pad) ^ {i_xor, 7'd0};
		end else if (narrow && wo_q) begin
			o_sel   <= i_dst;
			o_row   <= d_row * BW32[15:0] + {{(16-WOW){1'b0}}, wk_q};
			o_row_hi <= 16'd0;
			o_wdata <= {{(RWMAX*8-32){1'b0}}, finish_word(acc_q, wk_q, d_lo, d_hi, i_pad, i_xor)};
		end
	end
endmodule

`default_nettype wire
