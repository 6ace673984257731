// mote_window_check.v: is the memory word at i_addr inside a window that grants NEED?
// Combinational.  A word [i_addr, i_addr + MEM_BYTES) is allowed when one window
// with every NEED permission bit holds it entirely.  Windows are aligned to
// WINDOW_ALIGN by the CSR block, so the end compare uses 33 bits and cannot wrap.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_window_check #(
	// number of windows
	parameter NUM_WINDOWS = 4,
	// bytes per memory word
	parameter MEM_BYTES = 16,
	// permission bits required: bit0 read, bit1 write, bit2 execute (fetch)
	parameter [2:0] NEED = 3'b001
) (
	input  wire [31:0]               i_addr,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	output reg                       o_ok
);
	integer w;
	reg [32:0] lo, hi, end_addr;

	always @(*) begin
		o_ok = 1'b0;
		end_addr = {1'b0, i_addr} + MEM_BYTES;
		for (w = 0; w < NUM_WINDOWS; w = w + 1) begin
			lo = {1'b0, i_win_base[w*32 +: 32]};
			hi = lo + {1'b0, i_win_size[w*32 +: 32]};
			if ((i_win_perm[w*3 +: 3] & NEED) == NEED &&
			    {1'b0, i_addr} >= lo && end_addr <= hi)
				o_ok = 1'b1;
		end
	end

`ifdef FORMAL
	// Soundness: an accepted word lies inside some window with the permission.
	// (Checked exhaustively by the solver over all addresses and windows.)
	integer f_w;
	reg f_inside;
	always @(*) begin
		f_inside = 1'b0;
		for (f_w = 0; f_w < NUM_WINDOWS; f_w = f_w + 1)
			if ((i_win_perm[f_w*3 +: 3] & NEED) == NEED &&
			    {32'd0, i_addr} >= {32'd0, i_win_base[f_w*32 +: 32]} &&
			    {32'd0, i_addr} + MEM_BYTES <= {32'd0, i_win_base[f_w*32 +: 32]} + {32'd0, i_win_size[f_w*32 +: 32]})
				f_inside = 1'b1;
		assert(o_ok == f_inside);
	end
`endif
endmodule

`default_nettype wire
