// mote_link_tx.v: the link's response framer (host link section of
// mote_hw.spec).  Content bytes come in (i_valid/o_ready, i_last on the last);
// wire bytes go out to the UART (o_valid/i_ready, held in a register): a flag,
// the content with flags and escapes escaped, the CRC-32 of the content (its
// complement, little-endian, escaped too), a closing flag.  o_idle: nothing
// taken and not yet sent.  The CRC register is the parser's (mote_link_rx
// lends it while it does not listen): o_crc_* feed it, o_ready waits for it
// (a bit per cycle is well inside the 10 bit times the UART takes per byte).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link_tx (
	input  wire       clk,
	input  wire       rst,
	// the CRC register
	output wire       o_crc_init,
	output wire       o_crc_valid,
	output wire [7:0] o_crc_data,
	input  wire       i_crc_ready,
	input  wire [31:0] i_crc,
	input  wire       i_valid,
	input  wire [7:0] i_byte,
	input  wire       i_last,
	output wire       o_ready,
	output reg        o_valid,
	output reg  [7:0] o_byte,
	input  wire       i_ready,
	output wire       o_idle
);
	localparam [2:0] S_IDLE = 3'd0, S_BODY = 3'd1, S_PEND = 3'd2, S_CRC = 3'd3, S_EOF = 3'd4;

	reg  [2:0] state_q;
	reg  [2:0] ret_q;   // where S_PEND goes on
	reg  [7:0] pend_q;  // second byte of an escape
	reg  [1:0] k_q;     // CRC byte
	wire       crc_ready = i_crc_ready;
	wire [31:0] crc = i_crc;

	wire       out_free = !o_valid || i_ready;
	assign o_ready = state_q == S_BODY && out_free && crc_ready;
	assign o_idle = state_q == S_IDLE && !o_valid;

	wire       take = i_valid && o_ready;
	wire [7:0] crc_byte = ~crc[{k_q, 3'b000} +: 8];
	wire [7:0] cur = state_q == S_CRC ? crc_byte : i_byte;
	wire       cur_esc = cur == `MOTE_LINK_FLAG || cur == `MOTE_LINK_ESC;

	assign o_crc_init = state_q == S_IDLE;
	assign o_crc_valid = take;
	assign o_crc_data = i_byte;

	always @(posedge clk) begin
		if (rst) begin
			state_q <= S_IDLE;
			o_valid <= 1'b0;
		end else begin
			if (i_ready)
				o_valid <= 1'b0;
			case (state_q)
			S_IDLE:
				if (i_valid && out_free) begin
					o_valid <= 1'b1;
					state_q <= S_BODY;
				end
			S_BODY:
				if (take) begin
					o_valid <= 1'b1;
					state_q <= cur_esc ? S_PEND : i_last ? S_CRC : S_BODY;
					ret_q <= i_last ? S_CRC : S_BODY;
					k_q <= 2'd0;
				end
			S_PEND:
				if (out_free) begin
					o_valid <= 1'b1;
					state_q <= ret_q;
				end
			S_CRC:
				if (out_free && crc_ready) begin
					o_valid <= 1'b1;
					k_q <= k_q + 1'b1;
					state_q <= cur_esc ? S_PEND : k_q == 2'd3 ? S_EOF : S_CRC;
					ret_q <= k_q == 2'd3 ? S_EOF : S_CRC;
				end
			S_EOF:
				if (out_free) begin
					o_valid <= 1'b1;
					state_q <= S_IDLE;
				end
			default: state_q <= S_IDLE;
			endcase
		end
	end

	// the byte register: loaded whenever the state machine sends
	always @(posedge clk)
		case (state_q)
		S_IDLE, S_EOF:
			if (out_free)
				o_byte <= `MOTE_LINK_FLAG;
		S_BODY, S_CRC:
			if (out_free) begin
				o_byte <= cur_esc ? `MOTE_LINK_ESC : cur;
				pend_q <= cur ^ `MOTE_LINK_ESC_XOR;
			end
		S_PEND:
			if (out_free)
				o_byte <= pend_q;
		default: ;
		endcase
endmodule

`default_nettype wire
