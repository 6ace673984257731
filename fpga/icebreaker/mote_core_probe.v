// mote_core_probe.v: a timing probe of the board's accelerator core, not a board top that
// does anything.  mote_top with the board's parameter set and its SPRAM memory, as in
// mote_icebreaker, but the host link replaced by a shift register from one pin that drives the
// CSR port (so nothing is optimised away) and the read data folded into one output pin.  About
// 800 logic cells fewer than the board top, so nextpnr routes it where the whole board top
// does not, and its critical path is the core's (make fpga-core-timing).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_board.vh"

module mote_core_probe (
	input  wire i_clk12,
	input  wire i_uart_rx,
	output wire o_uart_tx,
	input  wire i_btn_n,
	output wire o_led_r_n,
	output wire o_led_g_n
);
	wire clk, locked;
	SB_PLL40_PAD #(.FEEDBACK_PATH("SIMPLE"), .DIVR(4'd0), .DIVF(7'd79), .DIVQ(3'd5), .FILTER_RANGE(3'd1)) u_pll (
		.PACKAGEPIN(i_clk12), .PLLOUTGLOBAL(clk), .LOCK(locked), .RESETB(1'b1), .BYPASS(1'b0));
	reg [3:0] rst_q = 4'hf;
	always @(posedge clk) rst_q <= (!locked || !i_btn_n) ? 4'hf : {rst_q[2:0], 1'b0};
	wire rst = rst_q[3];
	localparam MB = `MOTE_BOARD_MEM_BYTES;
	reg [45:0] sh_q;
	always @(posedge clk) sh_q <= {sh_q[44:0], i_uart_rx};
	wire csr_rvalid, irq, bus_error;
	wire [31:0] csr_rdata;
	wire        a_valid, a_ready, a_write, a_resp_valid;
	wire [31:0] a_addr;
	wire [MB*8-1:0] a_wdata, a_resp_data;
	wire [MB-1:0]   a_wstrb;
	mote_top #(`MOTE_BOARD_PARAMS) u_top (
		.clk(clk), .rst(rst),
		.i_csr_valid(sh_q[45]), .i_csr_write(sh_q[44]), .i_csr_addr(sh_q[43:32]), .i_csr_wdata(sh_q[31:0]),
		.o_csr_rdata(csr_rdata), .o_csr_rvalid(csr_rvalid),
		.o_mem_req_valid(a_valid), .i_mem_req_ready(a_ready), .o_mem_req_write(a_write), .o_mem_req_addr(a_addr),
		.o_mem_req_wdata(a_wdata), .o_mem_req_wstrb(a_wstrb), .i_mem_resp_valid(a_resp_valid),
		.i_mem_resp_data(a_resp_data), .o_irq(irq));
	mote_spram_mem #(.ICE40(1), .LG_WORDS(14), .ZERO_OUT(0)) u_mem (
		.clk(clk), .rst(rst),
		.i_req_valid(a_valid), .o_req_ready(a_ready), .i_req_write(a_write),
		.i_req_addr(a_addr), .i_req_wdata(a_wdata), .i_req_wstrb(a_wstrb),
		.o_resp_valid(a_resp_valid), .o_resp_data(a_resp_data), .o_bus_error(bus_error));
	reg out_q;
	always @(posedge clk) out_q <= ^{csr_rdata, csr_rvalid};
	assign o_uart_tx = out_q;
	assign o_led_r_n = !irq;
	assign o_led_g_n = !bus_error;
endmodule
