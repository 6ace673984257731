// mote_link_top.v: the accelerator reached over a UART: mote_link (UART,
// frame parser and buffer, bridge, framer, memory arbitration) in front of
// mote_top.  A board top adds the clock (PLL), the memory controller on the
// memory port and the pins.  mote_top's parameters pass through; the link's
// are MEM_SIZE (reported to the host), BAUD_DIV (clock cycles per UART bit:
// 10 at 30 MHz is 3 Mbaud) and LG_OUT (the accelerator's reads outstanding).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link_top #(
	// array rows = reduction elements per pass = activation-row bytes
	parameter ROWS = 8,
	// array columns = output channels per pass
	parameter COLS = 8,
	// memory bus width in bytes (power of two, 4..64)
	parameter MEM_BYTES = 16,
	// activation buffer rows (ROWS bytes each)
	parameter ABUF_DEPTH = 4096,
	// weight buffer rows (COLS bytes each)
	parameter WBUF_DEPTH = 1024,
	// bias buffer rows (4*COLS bytes each; 3 per output tile)
	parameter BBUF_DEPTH = 96,
	// accumulator rows (COLS int32 each)
	parameter ACC_DEPTH = 1024,
	// commands per queue (power of two)
	parameter QUEUE_DEPTH = 8,
	// requantization lanes; a row takes COLS/PPU_LANES cycles
	parameter PPU_LANES = COLS,
	// log2 of the load unit's reads in flight
	parameter LG_LOAD_READS = 4,
	// MATMUL DEPTHWISE, ACC_MAX, STORE ADD (FEATURES)
	parameter DEPTHWISE = 1,
	parameter ACC_MAX = 1,
	parameter STORE_ADD = 1,
	// STORE ROUND_TFL (FEATURES)
	parameter ROUND_TFL = 1,
	// bytes of device memory on the memory port (LREG LINK_MEM_SIZE)
	parameter [31:0] MEM_SIZE = 32'h0002_0000,
	// clock cycles per UART bit (at least 4)
	parameter BAUD_DIV = 10,
	// log2 of the accelerator's reads outstanding (mote_top keeps up to 32)
	parameter LG_OUT = 5
) (
	input  wire                   clk,
	input  wire                   rst,
	input  wire                   i_uart_rx,
	output wire                   o_uart_tx,
	output wire                   o_mem_req_valid,
	input  wire                   i_mem_req_ready,
	output wire                   o_mem_req_write,
	output wire [31:0]            o_mem_req_addr,
	output wire [MEM_BYTES*8-1:0] o_mem_req_wdata,
	output wire [MEM_BYTES-1:0]   o_mem_req_wstrb,
	input  wire                   i_mem_resp_valid,
	input  wire [MEM_BYTES*8-1:0] i_mem_resp_data,
	output wire                   o_irq,
	output wire                   o_busy,
	output wire                   o_error
);
	wire        csr_valid, csr_write, csr_rvalid;
	wire [11:0] csr_addr;
	wire [31:0] csr_wdata, csr_rdata;
	wire        a_valid, a_ready, a_write, a_resp_valid;
	wire [31:0] a_addr;
	wire [MEM_BYTES*8-1:0] a_wdata, a_resp_data;
	wire [MEM_BYTES-1:0]   a_wstrb;

	mote_top #(
		.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH), .WBUF_DEPTH(WBUF_DEPTH),
		.BBUF_DEPTH(BBUF_DEPTH), .ACC_DEPTH(ACC_DEPTH), .QUEUE_DEPTH(QUEUE_DEPTH), .PPU_LANES(PPU_LANES),
		.LG_LOAD_READS(LG_LOAD_READS), .DEPTHWISE(DEPTHWISE), .ACC_MAX(ACC_MAX), .STORE_ADD(STORE_ADD), .ROUND_TFL(ROUND_TFL)
	) u_top (
		.clk(clk), .rst(rst),
		.i_csr_valid(csr_valid), .i_csr_write(csr_write), .i_csr_addr(csr_addr), .i_csr_wdata(csr_wdata),
		.o_csr_rdata(csr_rdata), .o_csr_rvalid(csr_rvalid),
		.o_mem_req_valid(a_valid), .i_mem_req_ready(a_ready), .o_mem_req_write(a_write), .o_mem_req_addr(a_addr),
		.o_mem_req_wdata(a_wdata), .o_mem_req_wstrb(a_wstrb), .i_mem_resp_valid(a_resp_valid),
		.i_mem_resp_data(a_resp_data), .o_irq(o_irq));

	mote_link #(.MEM_BYTES(MEM_BYTES), .MEM_SIZE(MEM_SIZE), .BAUD_DIV(BAUD_DIV), .LG_OUT(LG_OUT)) u_link (
		.clk(clk), .rst(rst), .i_uart_rx(i_uart_rx), .o_uart_tx(o_uart_tx),
		.o_csr_valid(csr_valid), .o_csr_write(csr_write), .o_csr_addr(csr_addr), .o_csr_wdata(csr_wdata),
		.i_csr_rdata(csr_rdata), .i_csr_rvalid(csr_rvalid), .i_irq(o_irq),
		.i_acc_req_valid(a_valid), .o_acc_req_ready(a_ready), .i_acc_req_write(a_write), .i_acc_req_addr(a_addr),
		.i_acc_req_wdata(a_wdata), .i_acc_req_wstrb(a_wstrb), .o_acc_resp_valid(a_resp_valid),
		.o_acc_resp_data(a_resp_data),
		.o_mem_req_valid(o_mem_req_valid), .i_mem_req_ready(i_mem_req_ready), .o_mem_req_write(o_mem_req_write),
		.o_mem_req_addr(o_mem_req_addr), .o_mem_req_wdata(o_mem_req_wdata), .o_mem_req_wstrb(o_mem_req_wstrb),
		.i_mem_resp_valid(i_mem_resp_valid), .i_mem_resp_data(i_mem_resp_data),
		.o_busy(o_busy), .o_error(o_error));
endmodule

`default_nettype wire
