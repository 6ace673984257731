// mote_link_tx.v: the link's response framer (host link section of
// mote_hw.spec).  Content bytes come in (i_valid/o_ready, i_last on the last);
// wire bytes go out to the UART (o_valid/i_ready, held in a register): a flag,
// the content with flags and escapes escaped, the CRC-32 of the content (its
// complement, little-endian, escaped too), a closing flag.  o_idle: nothing
// taken and not yet sent.  The CRC register is the parser's (mote_link_rx
// lends it while it does not listen): o_crc_* feed it, o_ready waits for it
// (a bit per cycle is well inside the 10 bit times the UART takes per byte).
// An escaped byte is not taken until its second half goes out (the escape goes
// first, the byte stays at the input), so no byte is kept here.  The CRC bytes
// are the register's low byte, complemented: after each the register shifts
// right by 8 (o_crc_shift), and the next CRC byte is the low byte again.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link_tx (
	input  wire       clk,
	input  wire       rst,
	// the CRC register
	output wire       o_crc_init,
	output wire       o_crc_valid,
	output wire       o_crc_shift,
	output wire [7:0] o_crc_data,
	input  wire       i_crc_ready,
	input  wire [7:0] i_crc,   // its low byte
	input  wire       i_valid,
	input  wire [7:0] i_byte,
	input  wire       i_last,
	output wire       o_ready,
	output reg        o_valid,
	output reg  [7:0] o_byte,
	input  wire       i_ready,
	output wire       o_idle
);
	localparam [1:0] S_IDLE = 2'd0, S_BODY = 2'd1, S_CRC = 2'd2, S_EOF = 2'd3;

	reg  [1:0] state_q;
	reg        esc_q;   // the escape of the current byte has gone out
	reg  [1:0] k_q;     // CRC byte

	wire       out_free = !o_valid || i_ready;
	wire       in_crc   = state_q == S_CRC;
	wire [7:0] cur      = in_crc ? ~i_crc : i_byte;
	wire       cur_esc  = cur == `MOTE_LINK_FLAG || cur == `MOTE_LINK_ESC;
	wire       half     = cur_esc && !esc_q; // the escape goes now, the byte stays
	// a content or CRC byte goes out now (its escape, or all of it)
	wire       send     = out_free && i_crc_ready && (in_crc || (state_q == S_BODY && i_valid));
	wire       done     = send && !half;     // ... and it is done with
	localparam [7:0] ESC_XOR = `MOTE_LINK_ESC_XOR;

	assign o_ready = state_q == S_BODY && out_free && i_crc_ready && !half;
	assign o_idle = state_q == S_IDLE && !o_valid;
	assign o_crc_init = state_q == S_IDLE;
	assign o_crc_valid = done;
	assign o_crc_shift = in_crc;
	assign o_crc_data = i_byte;

	always @(posedge clk) begin
		if (rst) begin
			state_q <= S_IDLE;
			o_valid <= 1'b0;
		end else begin
			if (i_ready)
				o_valid <= 1'b0;
			if (send)
				o_valid <= 1'b1;
			case (state_q)
			S_IDLE:
				if (i_valid && out_free) begin
					o_valid <= 1'b1;
					state_q <= S_BODY;
				end
			S_BODY:
				if (done && i_last)
					state_q <= S_CRC;
			S_CRC:
				if (done && k_q == 2'd3)
					state_q <= S_EOF;
			default: // S_EOF
				if (out_free) begin
					o_valid <= 1'b1;
					state_q <= S_IDLE;
				end
			endcase
		end
	end

	// the byte register: a flag, an escape, or the byte (XORed after its escape)
	always @(posedge clk) begin
		if ((state_q == S_IDLE || state_q == S_EOF) && out_free)
			o_byte <= `MOTE_LINK_FLAG;
		else if (send)
			o_byte <= half ? `MOTE_LINK_ESC : cur ^ (esc_q ? ESC_XOR : 8'd0);
		if (state_q == S_IDLE)
			k_q <= 2'd0;
		else if (done && in_crc)
			k_q <= k_q + 1'b1;
		if (state_q == S_IDLE || done)
			esc_q <= 1'b0;
		else if (send)
			esc_q <= 1'b1;
	end
endmodule

`default_nettype wire
