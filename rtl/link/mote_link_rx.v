// mote_link_rx.v: the link's frame parser (host link section of mote_hw.spec).
// Bytes from the UART come in; whole good request frames go out.  It hunts for
// a flag, then takes content bytes (escapes undone), keeps the header fields,
// writes the bytes after the header to its frame buffer (one EBR, data byte k
// at address k; the CRC bytes land after the data), runs the CRC over it all,
// and at the closing flag raises o_frame only when the frame is good: no escape
// left open, nothing lost, the CRC register at the residue, and exactly the
// length its header implies.  Anything else raises o_bad and is forgotten.  A
// flag always starts the next frame, so after garbage the parser is back in
// step at the next flag.  o_frame stays high (fields stable, bytes ignored)
// until the bridge lowers i_listen; with i_listen low the parser ignores bytes
// and, when it is raised again, hunts for a flag.
// While it does not listen it lends its CRC register to the response framer
// (i_tx_crc_*, o_crc: one register for both directions, since the link never
// receives and answers at once).  The bridge reads the buffer (i_buf_raddr,
// o_buf_rdata a cycle later) only while the parser does not listen or holds
// a frame, when nothing writes it.
// The content count n_q starts at -7 (mod 512) after a flag, so it is the
// buffer address of the byte after the header ones, which are counted
// 0x1F9..0x1FF (n_q[8:3] all ones: a header byte).
// ADDR keeps its low ADDR_W bits (o_addr) and whether any bit above them is
// set (o_addr_hi): a board with a small memory needs no more to tell an
// address inside it from one outside.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link_rx #(
	// CRC bits per cycle (mote_link_crc32); bytes must be at least 8/CRC_BITS
	// cycles apart (a UART byte is 10 bit times: always)
	parameter CRC_BITS = 1,
	// bits of ADDR kept (13..32); the others only as o_addr_hi
	parameter ADDR_W = 32
) (
	input  wire        clk,
	input  wire        rst,
	input  wire        i_listen,
	input  wire        i_valid,
	input  wire [7:0]  i_byte,
	// the CRC register for the framer, while not listening
	input  wire        i_tx_crc_init,
	input  wire        i_tx_crc_valid,
	input  wire        i_tx_crc_shift,
	input  wire [7:0]  i_tx_crc_data,
	output wire        o_crc_ready,
	output wire [31:0] o_crc,
	// frame buffer: data byte k of the frame at address k
	input  wire [7:0]  i_buf_raddr,
	output wire [7:0]  o_buf_rdata,
	// a good frame (high until i_listen drops), its fields (held until the next
	// frame); o_bad: a one-cycle pulse per frame dropped
	output wire        o_frame,
	output reg         o_bad,
	output reg  [7:0]  o_seq,
	output reg  [2:0]  o_op,
	output reg         o_op_hi,  // high bits of OP set: not an operation
	output reg  [7:0]  o_len,
	output reg  [ADDR_W-1:0] o_addr,
	output reg         o_addr_hi  // a bit of ADDR at ADDR_W or above is set
);
	localparam [8:0] HDR   = `MOTE_FRAME_REQ_HDR_BYTES;
	localparam [8:0] CRCB  = `MOTE_LINK_CRC_BYTES;
	localparam [8:0] START = 9'd0 - HDR; // n_q after a flag
	// the count after the longest frame (data and CRC): bytes past it are lost
	localparam [8:0] MAXN  = `MOTE_LINK_MAX_DATA + `MOTE_LINK_CRC_BYTES;

	// data bytes a request carries (the spec's table)
	function [8:0] data_bytes;
		input [2:0] op;
		input       op_hi;
		input [7:0] len;
		begin
			data_bytes = 9'd0;
			if (!op_hi)
				case (op)
				`MOTE_LOP_DOORBELL: data_bytes = 9'd4;
				`MOTE_LOP_REG_WRITE, `MOTE_LOP_MEM_WRITE: data_bytes = {1'b0, len} + 9'd1;
				`MOTE_LOP_MEM_FILL:  data_bytes = 9'd1;
				default:             data_bytes = 9'd0;
				endcase
		end
	endfunction

	reg       in_q;    // a flag was seen: bytes are content
	reg       esc_q;   // the last byte was an escape
	reg       bad_q;   // this frame is damaged already (overrun, lost byte)
	reg       hold_q;  // a frame was delivered: ignore bytes until i_listen drops
	reg [8:0] n_q;     // content bytes so far, minus HDR (mod 512)

	wire       crc_ready, crc_residue;
	wire       live    = i_listen && !hold_q;
	wire       take    = live && i_valid && crc_ready;
	wire       is_flag = i_byte == `MOTE_LINK_FLAG;
	wire       is_esc  = i_byte == `MOTE_LINK_ESC;
	wire [7:0] b       = esc_q ? i_byte ^ `MOTE_LINK_ESC_XOR : i_byte;
	wire       content = take && in_q && !is_flag && !(is_esc && !esc_q);
	wire       in_hdr  = &n_q[8:3]; // 0x1F9..0x1FF (0x1F8 is never reached)
	// the length the header implies (data_bytes + CRCB): LEN + 1 + CRCB for the
	// writes with LEN, else a constant (so one 8-bit adder, not a mux of sums)
	wire       wlen    = !o_op_hi && (o_op == `MOTE_LOP_REG_WRITE || o_op == `MOTE_LOP_MEM_WRITE);
	wire [8:0] nfix    = data_bytes(o_op, o_op_hi, 8'd0) + CRCB;
	wire       len_ok  = wlen ? n_q == {1'b0, o_len} + 9'd1 + CRCB : n_q == nfix;
	wire       good    = in_q && !esc_q && !bad_q && !in_hdr && len_ok && crc_residue;
	wire       wr_en   = content && !in_hdr;

	mote_link_crc32 #(.BITS(CRC_BITS)) u_crc (
		.clk(clk), .rst(rst), .i_init(i_listen ? take && is_flag : i_tx_crc_init),
		.i_valid(i_listen ? content : i_tx_crc_valid), .i_shift(!i_listen && i_tx_crc_shift),
		.i_data(i_listen ? b : i_tx_crc_data),
		.o_ready(crc_ready), .o_crc(o_crc), .o_residue(crc_residue));
	assign o_crc_ready = crc_ready;

	assign o_frame = hold_q;

	always @(posedge clk) begin
		o_bad <= 1'b0;
		if (rst || !i_listen) begin
			in_q <= 1'b0;
			esc_q <= 1'b0;
			bad_q <= 1'b0;
			hold_q <= 1'b0;
			n_q <= START;
		end else if (live && i_valid && !crc_ready) begin
			bad_q <= 1'b1; // a byte came while the CRC was still busy: lost
		end else if (take && is_flag) begin
			if (in_q && (n_q != START || esc_q || bad_q)) begin
				o_bad <= !good;
				hold_q <= good;
			end
			in_q <= !good;
			esc_q <= 1'b0;
			bad_q <= 1'b0;
			n_q <= START;
		end else if (take && in_q) begin
			esc_q <= is_esc && !esc_q;
			if (content) begin
				if (n_q == MAXN)
					bad_q <= 1'b1;
				else
					n_q <= n_q + 1'b1;
			end
		end
	end

	// datapath: header fields by position
	localparam [32:0] HI33 = ~((33'd1 << ADDR_W) - 33'd1);
	localparam [31:0] HI = HI33[31:0];     // ADDR's bits not kept
	localparam [8:0]  ADDR0 = START + `MOTE_FRAME_REQ_ADDR_OFF; // n_q at ADDR's byte 0
	integer j;
	always @(posedge clk)
		if (content) begin
			if (n_q == START + `MOTE_FRAME_REQ_SEQ_OFF)
				o_seq <= b;
			if (n_q == START + `MOTE_FRAME_REQ_OP_OFF) begin
				o_op <= b[2:0];
				o_op_hi <= |b[7:3];
			end
			if (n_q == START + `MOTE_FRAME_REQ_LEN_OFF)
				o_len <= b;
		end
	// ADDR: bit k from its byte k/8, below ADDR_W; the bits above only noted
	// (from byte 0 on afresh)
	genvar gk;
	generate
		for (gk = 0; gk < ADDR_W; gk = gk + 1) begin : g_addr
			always @(posedge clk)
				if (content && n_q == START + `MOTE_FRAME_REQ_ADDR_OFF + gk / 8)
					o_addr[gk] <= b[gk % 8];
		end
	endgenerate
	always @(posedge clk)
		if (content)
			for (j = 0; j < 4; j = j + 1)
				if (n_q == ADDR0 + j[8:0])
					o_addr_hi <= (o_addr_hi && j != 0) || |(b & HI[8*j +: 8]);

	// the frame buffer: bytes after the header at n_q (data, then CRC); the
	// bridge reads data bytes only while nothing is written (RW_OLD 0)
	mote_sram_1r1w #(.WIDTH(8), .DEPTH(512), .RW_OLD(0)) u_buf (
		.clk(clk), .i_we(wr_en), .i_waddr(n_q), .i_wdata(b),
		.i_re(1'b1), .i_raddr({1'b0, i_buf_raddr}), .o_rdata(o_buf_rdata));

`ifdef FORMAL
	// ---- an independent model of what the frame is: the bytes since the flag,
	// unescaped, their CRC (a byte at a time), their count, the header bytes
	function [31:0] f_crc_byte;
		input [31:0] c;
		input [7:0]  d;
		integer i;
		begin
			f_crc_byte = c;
			for (i = 0; i < 8; i = i + 1)
				f_crc_byte = (f_crc_byte[0] ^ d[i]) ? (f_crc_byte >> 1) ^ 32'hEDB88320 : f_crc_byte >> 1;
		end
	endfunction
	reg        f_past_valid = 1'b0;
	reg        f_in, f_esc, f_lost, f_over;
	reg [8:0]  f_n;
	reg [31:0] f_crc;
	reg [7:0]  f_seq, f_len, f_op_byte;
	reg [31:0] f_addr;
	// the frame as it was at its closing flag
	reg        f_done_ok;
	reg [8:0]  f_done_n;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);

	wire f_byte_in = i_listen && !hold_q && i_valid;         // offered while listening
	wire [7:0] f_b = f_esc ? i_byte ^ 8'h20 : i_byte;
	always @(posedge clk) begin
		if (rst || !i_listen) begin
			f_in <= 1'b0;
			f_esc <= 1'b0;
		end else if (f_byte_in && !crc_ready) begin
			f_lost <= 1'b1;
		end else if (f_byte_in && i_byte == 8'h7E) begin
			// what the frame was: the model's own verdict
			f_done_ok <= f_in && !f_esc && !f_lost && !f_over && f_crc == 32'hDEBB20E3 &&
			             f_n == 9'd11 + data_bytes(f_op_byte[2:0], |f_op_byte[7:3], f_len);
			f_done_n <= f_n;
			f_in <= 1'b1;
			f_esc <= 1'b0;
			f_lost <= 1'b0;
			f_over <= 1'b0;
			f_n <= 9'd0;
			f_crc <= 32'hFFFFFFFF;
		end else if (f_byte_in && f_in) begin
			if (i_byte == 8'h7D && !f_esc)
				f_esc <= 1'b1;
			else begin
				f_esc <= 1'b0;
				f_crc <= f_crc_byte(f_crc, f_b);
				if (f_n == 9'd267)
					f_over <= 1'b1;
				else
					f_n <= f_n + 1'b1;
				if (f_n == 9'd0) f_seq <= f_b;
				if (f_n == 9'd1) f_op_byte <= f_b;
				if (f_n == 9'd2) f_len <= f_b;
				if (f_n == 9'd3) f_addr[7:0] <= f_b;
				if (f_n == 9'd4) f_addr[15:8] <= f_b;
				if (f_n == 9'd5) f_addr[23:16] <= f_b;
				if (f_n == 9'd6) f_addr[31:24] <= f_b;
			end
		end
		if (rst) begin
			f_lost <= 1'b0;
			f_over <= 1'b0;
		end
	end

	// o_addr and o_addr_hi agree with the ADDR bits SEEN of the model's A
	function f_addr_ok;
		input [31:0] a;
		input [31:0] seen;
		reg   [31:0] mine;
		begin
			mine = 32'd0;
			mine[ADDR_W-1:0] = o_addr;
			f_addr_ok = ((mine ^ a) & ~HI & seen) == 32'd0 && o_addr_hi == |(a & HI & seen);
		end
	endfunction
	// nothing leaves the parser but frames the model calls good, with its fields
	always @(*)
		if (f_past_valid && o_frame) begin
			assert(f_done_ok);
			assert(o_seq == f_seq && o_len == f_len && f_addr_ok(f_addr, 32'hFFFFFFFF));
			assert({o_op_hi, o_op} == {|f_op_byte[7:3], f_op_byte[2:0]});
		end
	// a frame the model calls good is delivered
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && $past(i_listen) && $past(f_byte_in && crc_ready && i_byte == 8'h7E) &&
		    !$past(hold_q))
			assert(o_frame == f_done_ok);
	// the buffer gets the bytes after the header only, at their place (data
	// byte k at k), as the model saw them
	always @(*)
		if (f_past_valid && !rst && wr_en) begin
			assert(f_in && f_n >= 9'd7 && n_q == f_n - 9'd7);
			assert(b == f_b);
		end
	// back to hunting: after a flag the parser is at a frame start; without
	// i_listen it is out of any frame; the count never runs past a frame
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && $past(i_listen) && !$past(hold_q) && $past(i_valid && crc_ready) &&
		    $past(i_byte) == 8'h7E && !o_frame)
			assert(in_q && n_q == START && !esc_q && !bad_q);
	always @(posedge clk)
		if (f_past_valid && !$past(i_listen))
			assert(!in_q && !hold_q);
	always @(*) begin
		if (f_past_valid)
			assert(n_q <= MAXN || n_q >= START);
		if (f_past_valid && !rst && i_listen && !hold_q)
			assert(in_q == f_in && (!in_q || (n_q == f_n + START && esc_q == f_esc)));
	end
	// what makes the above inductive: the parser's state is the model's
	always @(*)
		if (f_past_valid && !rst && i_listen) begin
			if (hold_q)
				assert(!in_q && f_in && f_n == 0 && f_done_ok && !f_esc);
			if (in_q && !hold_q) begin
				assert(crc_ready && o_crc == f_crc && bad_q == (f_lost || f_over));
				if (f_n > 0) assert(o_seq == f_seq);
				if (f_n > 1) assert({o_op_hi, o_op} == {|f_op_byte[7:3], f_op_byte[2:0]});
				if (f_n > 2) assert(o_len == f_len);
				// ADDR's bytes seen so far: kept bits equal, o_addr_hi says
				// whether one of theirs above ADDR_W is set
				if (f_n > 6)      assert(f_addr_ok(f_addr, 32'hFFFFFFFF));
				else if (f_n > 5) assert(f_addr_ok(f_addr, 32'h00FFFFFF));
				else if (f_n > 4) assert(f_addr_ok(f_addr, 32'h0000FFFF));
				else if (f_n > 3) assert(f_addr_ok(f_addr, 32'h000000FF));
			end
			if (hold_q)
				assert(o_seq == f_seq && o_len == f_len && f_addr_ok(f_addr, 32'hFFFFFFFF) &&
				       {o_op_hi, o_op} == {|f_op_byte[7:3], f_op_byte[2:0]});
		end
	always @(posedge clk) begin
		cover(f_past_valid && o_frame && o_op == `MOTE_LOP_MEM_WRITE);
		cover(f_past_valid && o_frame && o_op == `MOTE_LOP_REG_READ);
	end
`endif
endmodule

`default_nettype wire
