// mote_link.v: the host link of a board: UART, frame parser (with the frame
// buffer, one EBR), bridge, response framer (with the parser's CRC register), and the
// memory arbiter between the accelerator's memory master and the bridge's.  The accelerator's CSR port
// is driven by the bridge only.  Everything between the UART pins and the
// memory port that is not mote_top, so its area is measured on its own.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link #(
	// memory bus width in bytes (power of two, 4..64)
	parameter MEM_BYTES = 8,
	// bytes of device memory behind the port (reported to the host)
	parameter [31:0] MEM_SIZE = 32'h0002_0000,
	// clock cycles per UART bit (at least 4): 10 at 30 MHz is 3 Mbaud
	parameter BAUD_DIV = 10,
	// log2 of the accelerator's reads outstanding (mote_top: 5)
	parameter LG_OUT = 5,
	// CRC bits per cycle (1: smallest)
	parameter CRC_BITS = 1
) (
	input  wire                   clk,
	input  wire                   rst,
	input  wire                   i_uart_rx,
	output wire                   o_uart_tx,
	// to the accelerator's CSR port
	output wire                   o_csr_valid,
	output wire                   o_csr_write,
	output wire [11:0]            o_csr_addr,
	output wire [31:0]            o_csr_wdata,
	input  wire [31:0]            i_csr_rdata,
	input  wire                   i_csr_rvalid,
	input  wire                   i_irq,
	// the accelerator's memory master
	input  wire                   i_acc_req_valid,
	output wire                   o_acc_req_ready,
	input  wire                   i_acc_req_write,
	input  wire [31:0]            i_acc_req_addr,
	input  wire [MEM_BYTES*8-1:0] i_acc_req_wdata,
	input  wire [MEM_BYTES-1:0]   i_acc_req_wstrb,
	output wire                   o_acc_resp_valid,
	output wire [MEM_BYTES*8-1:0] o_acc_resp_data,
	// memory
	output wire                   o_mem_req_valid,
	input  wire                   i_mem_req_ready,
	output wire                   o_mem_req_write,
	output wire [31:0]            o_mem_req_addr,
	output wire [MEM_BYTES*8-1:0] o_mem_req_wdata,
	output wire [MEM_BYTES-1:0]   o_mem_req_wstrb,
	input  wire                   i_mem_resp_valid,
	input  wire [MEM_BYTES*8-1:0] i_mem_resp_data,
	// LEDs
	output wire                   o_busy,
	output wire                   o_error
);
	// the bit-period counters as wide as BAUD_DIV needs (4 bits at 3 Mbaud from 30 MHz)
	localparam DIV_W = $clog2(BAUD_DIV + 1);
	localparam [31:0] BD32 = BAUD_DIV;
	localparam [DIV_W-1:0] DIV = BD32[DIV_W-1:0];
	// address bits the link keeps: those of MEM_SIZE's span (at least the 13
	// of the register decode); above them only whether one is set, which is
	// sent as all ones: outside the memory as before
	localparam AW_MEM = MEM_SIZE > 32'h8000_0000 ? 32 : $clog2(MEM_SIZE);
	localparam AW = AW_MEM < 13 ? 13 : AW_MEM;

	wire       rx_valid, listen, frame, bad, op_hi, addr_hi, b_addr_hi;
	wire       crc_init, crc_valid, crc_shift, crc_ready;
	wire [7:0] crc_data;
	wire [31:0] crc;
	wire [23:0] unused_crc = crc[31:8]; // the framer takes the low byte (it shifts the register)
	wire [7:0] rx_byte, seq, len, buf_raddr, buf_rdata;
	wire [2:0] op;
	wire [AW-1:0] addr, b_addr;
	wire       tx_valid, tx_last, tx_ready, tx_idle, u_valid, u_ready;
	wire [7:0] tx_byte, u_byte;
	wire       b_claim, b_own, b_put, b_go, b_write, b_sent, b_resp_valid;
	wire [$clog2(MEM_BYTES)-1:0] b_lane;

	mote_uart_rx #(.DIV_W(DIV_W)) u_urx (
		.clk(clk), .rst(rst), .i_div(DIV), .i_rx(i_uart_rx), .o_valid(rx_valid), .o_data(rx_byte));

	mote_link_rx #(.CRC_BITS(CRC_BITS), .ADDR_W(AW)) u_rx (
		.clk(clk), .rst(rst), .i_listen(listen), .i_valid(rx_valid), .i_byte(rx_byte),
		.i_tx_crc_init(crc_init), .i_tx_crc_valid(crc_valid), .i_tx_crc_shift(crc_shift), .i_tx_crc_data(crc_data),
		.o_crc_ready(crc_ready), .o_crc(crc),
		.i_buf_raddr(buf_raddr), .o_buf_rdata(buf_rdata),
		.o_frame(frame), .o_bad(bad), .o_seq(seq), .o_op(op), .o_op_hi(op_hi), .o_len(len), .o_addr(addr), .o_addr_hi(addr_hi));

	mote_link_bridge #(.MEM_BYTES(MEM_BYTES), .MEM_SIZE(MEM_SIZE), .BAUD_DIV(BAUD_DIV), .ADDR_W(AW)) u_bridge (
		.clk(clk), .rst(rst),
		.o_listen(listen), .i_frame(frame), .i_bad(bad), .i_seq(seq), .i_op(op), .i_op_hi(op_hi),
		.i_len(len), .i_addr(addr), .i_addr_hi(addr_hi), .o_buf_raddr(buf_raddr), .i_buf_rdata(buf_rdata),
		.o_tx_valid(tx_valid), .o_tx_byte(tx_byte), .o_tx_last(tx_last), .i_tx_ready(tx_ready),
		.i_tx_idle(tx_idle && u_ready && !u_valid),
		.o_csr_valid(o_csr_valid), .o_csr_write(o_csr_write), .o_csr_addr(o_csr_addr), .o_csr_wdata(o_csr_wdata),
		.i_csr_rdata(i_csr_rdata), .i_csr_rvalid(i_csr_rvalid),
		.o_claim(b_claim), .i_own(b_own), .o_put(b_put), .o_lane(b_lane), .o_go(b_go), .o_write(b_write),
		.o_addr(b_addr), .o_addr_hi(b_addr_hi), .i_sent(b_sent), .i_resp_valid(b_resp_valid),
		.i_resp_data(i_mem_resp_data),
		.i_irq(i_irq), .o_busy(o_busy), .o_error(o_error));

	mote_link_tx u_tx (
		.clk(clk), .rst(rst), .o_crc_init(crc_init), .o_crc_valid(crc_valid), .o_crc_shift(crc_shift), .o_crc_data(crc_data),
		.i_crc_ready(crc_ready), .i_crc(crc[7:0]), .i_valid(tx_valid), .i_byte(tx_byte), .i_last(tx_last), .o_ready(tx_ready),
		.o_valid(u_valid), .o_byte(u_byte), .i_ready(u_ready), .o_idle(tx_idle));

	mote_uart_tx #(.DIV_W(DIV_W)) u_utx (
		.clk(clk), .rst(rst), .i_div(DIV), .i_valid(u_valid), .i_data(u_byte), .o_ready(u_ready), .o_tx(o_uart_tx));

	// master A: the accelerator, master B: the bridge; read data goes to both
	mote_link_arb #(.MEM_BYTES(MEM_BYTES), .LG_OUT(LG_OUT), .ADDR_W(AW)) u_arb (
		.clk(clk), .rst(rst),
		.i_a_valid(i_acc_req_valid), .o_a_ready(o_acc_req_ready), .i_a_write(i_acc_req_write),
		.i_a_addr(i_acc_req_addr), .i_a_wdata(i_acc_req_wdata), .i_a_wstrb(i_acc_req_wstrb),
		.o_a_resp_valid(o_acc_resp_valid),
		.i_b_claim(b_claim), .o_b_own(b_own), .i_b_put(b_put), .i_b_lane(b_lane), .i_b_byte(buf_rdata),
		.i_b_go(b_go), .i_b_write(b_write), .i_b_addr(b_addr), .i_b_addr_hi(b_addr_hi), .o_b_sent(b_sent),
		.o_b_resp_valid(b_resp_valid),
		.o_mem_req_valid(o_mem_req_valid), .i_mem_req_ready(i_mem_req_ready), .o_mem_req_write(o_mem_req_write),
		.o_mem_req_addr(o_mem_req_addr), .o_mem_req_wdata(o_mem_req_wdata), .o_mem_req_wstrb(o_mem_req_wstrb),
		.i_mem_resp_valid(i_mem_resp_valid));
	assign o_acc_resp_data = i_mem_resp_data;
endmodule

`default_nettype wire
