// mote_uart_tx.v: UART transmitter, 8 data bits, no parity, one stop bit, LSB
// first, i_div clock cycles per bit.  A byte is taken on i_valid && o_ready;
// o_ready is high when the line is idle, so a byte follows the previous stop
// bit at once.  o_tx is a register and rests high.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_uart_tx #(
	// width of the bit-period counter (i_div < 2^DIV_W)
	parameter DIV_W = 12
) (
	input  wire             clk,
	input  wire             rst,
	input  wire [DIV_W-1:0] i_div,
	input  wire             i_valid,
	input  wire [7:0]       i_data,
	output wire             o_ready,
	output reg              o_tx
);
	reg             busy_q;
	reg [DIV_W-1:0] cnt_q;
	reg [3:0]       bit_q;   // bits still to send after the current one
	reg [7:0]       shift_q;

	assign o_ready = !busy_q;

	always @(posedge clk) begin
		if (rst) begin
			busy_q <= 1'b0;
			o_tx <= 1'b1;
		end else if (!busy_q) begin
			if (i_valid) begin
				busy_q <= 1'b1;
				o_tx <= 1'b0; // start bit
				cnt_q <= i_div - 1'b1;
				bit_q <= 4'd9;
			end
		end else if (cnt_q != 0) begin
			cnt_q <= cnt_q - 1'b1;
		end else if (bit_q == 0) begin
			busy_q <= 1'b0; // the stop bit has lasted a bit
		end else begin
			cnt_q <= i_div - 1'b1;
			bit_q <= bit_q - 1'b1;
			o_tx <= bit_q == 4'd1 ? 1'b1 : shift_q[0];
		end
	end

	always @(posedge clk)
		if (!busy_q && i_valid)
			shift_q <= i_data;
		else if (busy_q && cnt_q == 0 && bit_q != 0 && bit_q != 4'd1)
			shift_q <= {1'b1, shift_q[7:1]};
endmodule

`default_nettype wire
