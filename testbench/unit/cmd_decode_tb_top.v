// cmd_decode_tb_top.v: bench wrapper giving the combinational mote_cmd_decode
// the clk/rst ports the TESTB template drives (they are unused).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module cmd_decode_tb_top (
	input  wire         clk,
	input  wire         rst,
	input  wire [31:0]  i_cmd,
	output wire         o_load,
	output wire         o_compute,
	output wire         o_store,
	output wire         o_end,
	output wire         o_err,
	output wire [7:0]   o_err_code
);
	wire unused_clk = clk ^ rst;
	mote_cmd_decode u_dec (
		.i_cmd(i_cmd), .o_load(o_load), .o_compute(o_compute), .o_store(o_store),
		.o_end(o_end), .o_err(o_err), .o_err_code(o_err_code));
endmodule

`default_nettype wire
