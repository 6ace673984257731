// bare_array.v: the yardstick of simulation speed, not part of mote: an
// R x C weight-stationary int8 array and nothing else (shadow weights with a
// bank bit per activation, 32-bit partial sums, activations right, sums down,
// weights shifted in from the top).  `make bench-sim` Verilates it with the
// simulator library's flags and compares mote's busy cycles per second with it.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module bare_array #(
	parameter R = 8,
	parameter C = 8
) (
	input  wire           clk,
	input  wire [R*8-1:0] i_act,
	input  wire           i_bank,
	input  wire           i_wshift,
	input  wire           i_wbank,
	input  wire [C*8-1:0] i_wgt,
	output wire [C*32-1:0] o_sum
);
	genvar r, c;
	generate
		for (r = 0; r < R; r = r + 1) begin : g_r
			for (c = 0; c < C; c = c + 1) begin : g_c
				reg [7:0]  a_q, w0_q, w1_q;
				reg        b_q;
				reg [31:0] s_q;
				wire [7:0]  a_in  = (c == 0) ? i_act[8*r +: 8] : g_r[r].g_c[(c == 0) ? 0 : c-1].a_q;
				wire        b_in  = (c == 0) ? i_bank : g_r[r].g_c[(c == 0) ? 0 : c-1].b_q;
				wire [31:0] s_in  = (r == 0) ? 32'd0 : g_r[(r == 0) ? 0 : r-1].g_c[c].s_q;
				wire [7:0]  w_in0 = (r == 0) ? i_wgt[8*c +: 8] : g_r[(r == 0) ? 0 : r-1].g_c[c].w0_q;
				wire [7:0]  w_in1 = (r == 0) ? i_wgt[8*c +: 8] : g_r[(r == 0) ? 0 : r-1].g_c[c].w1_q;
				wire [7:0]  w     = b_in ? w1_q : w0_q;
				always @(posedge clk) begin
					a_q <= a_in;
					b_q <= b_in;
					s_q <= $signed(s_in) + $signed(a_in) * $signed(w);
					if (i_wshift && !i_wbank)
						w0_q <= w_in0;
					if (i_wshift && i_wbank)
						w1_q <= w_in1;
				end
			end
		end
		for (c = 0; c < C; c = c + 1) begin : g_o
			assign o_sum[32*c +: 32] = g_r[R-1].g_c[c].s_q;
		end
	endgenerate
endmodule

`default_nettype wire
