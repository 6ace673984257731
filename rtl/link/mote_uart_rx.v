// mote_uart_rx.v: UART receiver, 8 data bits, no parity, one stop bit, LSB first.
// i_div clock cycles per bit (at least 4).  The line is synchronised by two
// flip-flops; a falling edge starts a byte, the start bit is checked half a
// bit later, then each bit is sampled at its middle.  A byte whose stop bit is
// low (framing error, a break) is dropped.  o_valid is a one-cycle pulse with
// o_data; a byte takes 10 bits, so bytes are at least 10*i_div cycles apart.
// o_data is the shift register itself: it holds the byte from its stop bit
// until the next byte's first data bit.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_uart_rx #(
	// width of the bit-period counter (i_div < 2^DIV_W)
	parameter DIV_W = 12
) (
	input  wire             clk,
	input  wire             rst,
	input  wire [DIV_W-1:0] i_div,
	input  wire             i_rx,
	output reg              o_valid,
	output wire [7:0]       o_data
);
	reg [1:0]       sync_q;   // synchroniser, [1] is the sampled line
	reg             busy_q;   // inside a byte
	reg [DIV_W-1:0] cnt_q;    // cycles until the next sample
	reg [3:0]       bit_q;    // 0: start bit, 1..8 data, 9 stop
	reg [7:0]       shift_q;

	// the line rests high: reset to idle
	always @(posedge clk)
		if (rst)
			sync_q <= 2'b11;
		else
			sync_q <= {sync_q[0], i_rx};

	wire sample = busy_q && cnt_q == 0;

	always @(posedge clk) begin
		o_valid <= 1'b0;
		if (rst) begin
			busy_q <= 1'b0;
		end else if (!busy_q) begin
			if (!sync_q[1]) begin
				// start bit: first sample half a bit on
				busy_q <= 1'b1;
				cnt_q <= {1'b0, i_div[DIV_W-1:1]} - 1'b1;
				bit_q <= 4'd0;
			end
		end else if (sample) begin
			cnt_q <= i_div - 1'b1;
			bit_q <= bit_q + 1'b1;
			if (bit_q == 4'd0 && sync_q[1])
				busy_q <= 1'b0; // a glitch, not a start bit
			if (bit_q == 4'd9) begin
				busy_q <= 1'b0;
				o_valid <= sync_q[1];
			end
		end else begin
			cnt_q <= cnt_q - 1'b1;
		end
	end

	// datapath: shift on data-bit samples; the stop bit leaves the byte in place
	always @(posedge clk)
		if (sample && bit_q != 4'd0 && bit_q != 4'd9)
			shift_q <= {sync_q[1], shift_q[7:1]};
	assign o_data = shift_q;
endmodule

`default_nettype wire
