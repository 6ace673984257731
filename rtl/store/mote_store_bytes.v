// mote_store_bytes.v: the serial store path's writer: places output bytes,
// in order, at the command's row addresses, gathers them into one memory word
// with byte strobes (the request register itself), checks each word against
// the write windows before requesting it, and walks the rows itself.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Row (o, i) of a command starts at ADDR0 + o*OUTER_STRIDE + i*INNER_STRIDE
// and holds i_nb bytes; the rows' bytes arrive in order on i_bvalid/i_byte.
// A word is requested when its last byte is placed (the row's last byte, or
// the word's last lane) and its window check is done: every row's words are
// written separately, as the row-parallel path does.  The check of a word
// starts with its first byte and takes NUM_WINDOWS cycles; bytes wait while
// a word is requested (o_req_valid and not i_req_ready) or while a complete
// word waits for its check.  A word outside the windows is not written: it
// raises o_err (a pulse, o_err_addr the word) and the writer stops until rst.
// o_done rises when the command's last word is accepted and holds until the
// next i_start.
module mote_store_bytes #(
	// memory bus width in bytes (power of two)
	parameter MEM_BYTES = 8,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// address bits of the device's memory (mote_store_wincheck)
	parameter ADDR_W = 32,
	// bits of a row's byte count (derived by the caller)
	parameter NBW = 5,
	// bits of the row counters: N_INNER and N_OUTER are below 2^CNW (the
	// caller's range check: neither exceeds the accumulator's depth)
	parameter CNW = 10
) (
	input  wire                      clk,
	input  wire                      rst,
	// a command starts (its fields below hold until o_done)
	input  wire                      i_start,
	input  wire [31:0]               i_addr0,
	input  wire [31:0]               i_is,
	input  wire [31:0]               i_os,
	input  wire [15:0]               i_ni,
	input  wire [15:0]               i_no,
	input  wire [NBW-1:0]            i_nb,
	// output bytes in row order
	input  wire                      i_bvalid,
	output wire                      o_bready,
	input  wire [7:0]                i_byte,
	// memory master port (writes only)
	output reg                       o_req_valid,
	input  wire                      i_req_ready,
	output wire [31:0]               o_req_addr,
	output reg  [MEM_BYTES*8-1:0]    o_req_wdata,
	output reg  [MEM_BYTES-1:0]      o_req_wstrb,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	output reg                       o_done,
	output reg                       o_err,
	output wire [31:0]               o_err_addr,
	// a word is held or requested
	output wire                      o_busy
);
	localparam LGMB = $clog2(MEM_BYTES);

	// ---- the row walk: offsets from ADDR0 (cleared at i_start)
	reg  [NBW-1:0] b_q;                 // byte of the row
	reg  [CNW-1:0] i_q, o_q;
	reg  [31:0]    ro_q, oo_q;          // row offset, outer row offset
	wire [31:0]    ba = i_addr0 + ro_q + {{(32-NBW){1'b0}}, b_q};
	wire [LGMB-1:0] lane = ba[LGMB-1:0];
	wire           row_last = b_q + 1'b1 == i_nb;
	wire           in_last  = i_q + 1'b1 == i_ni[CNW-1:0];
	wire           cmd_last = row_last && in_last && o_q + 1'b1 == i_no[CNW-1:0];
	wire           word_last = row_last || &lane;

	// ---- the word: empty, filling, complete (waiting for its check), requested
	reg  [31-LGMB:0] wa_q;
	reg            fill_q, full_q, last_q, halted_q;
	wire           chk_done, chk_ok;
	assign o_bready   = !halted_q && !full_q && !o_req_valid;
	wire           put   = i_bvalid && o_bready;
	wire           first = put && !fill_q;
	// a complete word goes out once checked (the same cycle its check ends)
	wire           ready = chk_done && !first;
	wire           go    = ready && chk_ok && (full_q || (put && word_last));
	wire           fail  = ready && !chk_ok && (full_q || (put && word_last));
	assign o_req_addr = {wa_q, {LGMB{1'b0}}};
	assign o_err_addr = {wa_q, {LGMB{1'b0}}};
	assign o_busy     = fill_q || full_q || o_req_valid;

	mote_store_wincheck #(.NUM_WINDOWS(NUM_WINDOWS), .ADDR_W(ADDR_W)) u_chk (
		.clk(clk), .rst(rst), .i_start(first), .i_addr(o_req_addr),
		.i_win_base(i_win_base), .i_win_size(i_win_size), .i_win_perm(i_win_perm),
		.o_done(chk_done), .o_ok(chk_ok));

	always @(posedge clk) begin
		if (rst || i_start) begin
			b_q  <= {NBW{1'b0}};
			i_q  <= {CNW{1'b0}};
			o_q  <= {CNW{1'b0}};
			ro_q <= 32'd0;
			oo_q <= 32'd0;
		end else if (put) begin
			b_q <= row_last ? {NBW{1'b0}} : b_q + 1'b1;
			if (row_last) begin
				if (in_last) begin
					i_q  <= {CNW{1'b0}};
					o_q  <= o_q + 1'b1;
					oo_q <= oo_q + i_os;
					ro_q <= oo_q + i_os;
				end else begin
					i_q  <= i_q + 1'b1;
					ro_q <= ro_q + i_is;
				end
			end
		end
		if (rst) begin
			fill_q      <= 1'b0;
			full_q      <= 1'b0;
			o_req_valid <= 1'b0;
			halted_q    <= 1'b0;
			o_err       <= 1'b0;
			o_done      <= 1'b0;
		end else begin
			o_err <= fail && !halted_q;
			if (fail)
				halted_q <= 1'b1;
			if (go && !halted_q)
				o_req_valid <= 1'b1;
			else if (i_req_ready)
				o_req_valid <= 1'b0;
			// filling from the first byte until the word is complete
			if (put)
				fill_q <= !word_last;
			if (put && word_last && !go)
				full_q <= 1'b1;
			else if (go || fail)
				full_q <= 1'b0;
			if (i_start)
				o_done <= 1'b0;
			else if (o_req_valid && i_req_ready && last_q)
				o_done <= 1'b1;
		end
		if (first)
			wa_q <= ba[31:LGMB];
		if (put)
			last_q <= cmd_last;
	end

	wire unused_ok = &{1'b0, i_ni[15:CNW], i_no[15:CNW]};

	// the byte goes to its lane; the first byte of a word clears the others' strobes
	integer k;
	always @(posedge clk) begin
		for (k = 0; k < MEM_BYTES; k = k + 1)
			if (put && lane == k[LGMB-1:0]) begin
				o_req_wdata[8*k +: 8] <= i_byte;
				o_req_wstrb[k] <= 1'b1;
			end else if (first) begin
				o_req_wstrb[k] <= 1'b0;
			end
	end
endmodule

`default_nettype wire
