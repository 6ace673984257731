// mote_link_crc32.v: the link's CRC-32 register (IEEE 802.3 / zlib: reflected
// polynomial 0xEDB88320), BITS bits of a byte per cycle.  i_init sets the
// register to all ones; a byte is taken on i_valid && o_ready and worked in
// over 8/BITS cycles, its first BITS bits in the cycle it is taken, so with
// BITS = 8 a byte is taken every cycle.  While o_ready, o_crc is the register
// over every byte taken since i_init and o_residue says it equals the spec's
// LINK_CRC_RESIDUE (a frame with its own CRC appended leaves that).  A byte
// taken with i_shift is not worked in: the register shifts right by 8 instead
// (the polynomial never added), so the framer sends the CRC a low byte at a time.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link_crc32 #(
	// bits per cycle: 1 (smallest: a few LUTs), 2, 4 or 8 (a byte per cycle)
	parameter BITS = 1
) (
	input  wire        clk,
	input  wire        rst,
	input  wire        i_init,
	input  wire        i_valid,
	input  wire        i_shift,
	input  wire [7:0]  i_data,
	output wire        o_ready,
	output reg  [31:0] o_crc,
	output wire        o_residue
);
	localparam STEPS = 8 / BITS;

	// the register after BITS more bits, least significant first (sh: only
	// shifted)
	function [31:0] step;
		input [31:0]     c;
		input [BITS-1:0] d;
		input            sh;
		integer k;
		begin
			step = c;
			for (k = 0; k < BITS; k = k + 1)
				step = (step[0] ^ d[k]) && !sh ? (step >> 1) ^ 32'hEDB88320 : step >> 1;
		end
	endfunction

	reg [3:0] left_q;   // steps of the current byte still to do
	reg [7:0] data_q;   // its bits still to do, next at [BITS-1:0]
	reg       shift_q;  // ... or it shifts

	assign o_ready = left_q == 0;
	assign o_residue = o_crc == `MOTE_LINK_CRC_RESIDUE;

	wire take = i_valid && o_ready;

	always @(posedge clk)
		if (rst)
			left_q <= 4'd0;
		else if (take)
			left_q <= STEPS - 1;
		else if (left_q != 0)
			left_q <= left_q - 1'b1;

	always @(posedge clk) begin
		if (i_init)
			o_crc <= 32'hFFFFFFFF;
		else if (take)
			o_crc <= step(o_crc, i_data[BITS-1:0], i_shift);
		else if (left_q != 0)
			o_crc <= step(o_crc, data_q[BITS-1:0], shift_q);
		if (take) begin
			data_q <= i_data >> BITS;
			shift_q <= i_shift;
		end else if (left_q != 0)
			data_q <= data_q >> BITS;
	end

`ifdef FORMAL
	// The register equals a byte-at-a-time model whenever it is ready.
	function [31:0] f_byte;
		input [31:0] c;
		input [7:0]  d;
		integer k;
		begin
			f_byte = c;
			for (k = 0; k < 8; k = k + 1)
				f_byte = (f_byte[0] ^ d[k]) ? (f_byte >> 1) ^ 32'hEDB88320 : f_byte >> 1;
		end
	endfunction
	reg        f_past_valid = 1'b0;
	reg        f_known = 1'b0; // the model is initialised
	reg [31:0] f_crc;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	// i_init only between bytes (as its users do)
	always @(*)
		assume(!i_init || (o_ready && !i_valid));
	reg        f_shifted = 1'b0; // the last byte taken was a shift
	always @(posedge clk) begin
		if (take)
			f_shifted <= i_shift && f_known && !i_init;
		if (i_init) begin
			f_known <= 1'b1;
			f_crc <= 32'hFFFFFFFF;
		end else if (take)
			f_crc <= i_shift ? f_crc >> 8 : f_byte(f_crc, i_data);
		if (rst)
			f_known <= 1'b0;
	end
	always @(*)
		if (f_past_valid && f_known && o_ready && !rst)
			assert(o_crc == f_crc);
	always @(*)
		if (f_past_valid)
			assert(left_q < STEPS);
	always @(posedge clk) begin
		cover(f_past_valid && f_known && o_residue && o_ready);
		cover(f_past_valid && f_known && o_ready && f_shifted && o_crc[31:24] == 8'd0);
	end
`endif
endmodule

`default_nettype wire
