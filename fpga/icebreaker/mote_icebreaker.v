// mote_icebreaker.v: the iCEBreaker board top.  The 12 MHz oscillator feeds
// the PLL (the design clock, 21 MHz: fpga/boards.mk); reset is held until the PLL locks and
// while the user button is pressed; the host reaches the accelerator through
// the FT2232H's UART (mote_link: the framed link, its bridge to the CSRs and
// device memory, the memory arbitration between host and accelerator);
// mote_top takes the board's parameter set as fpga/boards.mk gives it
// (MOTE_BOARD_PARAMS, generated into mote_board.vh: one source of truth); and
// device memory is the UP5K's four SPRAMs (mote_spram_mem).  LEDs: green
// blinks while the clock runs and stays lit while a job runs, red lights on a
// job error (until the next job).
// CORE_PROBE 1 is not a board that does anything: a timing probe of the core
// (make fpga-core-timing).  The link is replaced by a shift register from the
// UART pin driving the CSR port (so nothing is optimised away), the read data
// folded into the TX pin, and the memory port goes straight to the SPRAMs:
// about 800 logic cells fewer, so nextpnr routes it where the whole top does
// not, and its critical path is the core's.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_board.vh"

module mote_icebreaker #(
	// PLL: 12 MHz x (DIVF+1) / (2^DIVQ x (DIVR+1)) with the VCO (12 MHz x
	// (DIVF+1) / (DIVR+1)) in 533..1066 MHz, the output in 16..275 MHz (the
	// iCE40 sysCLOCK PLL's rules);
	// the board's values come from fpga/boards.mk (BOARD_icebreaker_CLOCK)
	parameter [3:0] PLL_DIVR = `MOTE_BOARD_PLL_DIVR,
	parameter [6:0] PLL_DIVF = `MOTE_BOARD_PLL_DIVF,
	parameter [2:0] PLL_DIVQ = `MOTE_BOARD_PLL_DIVQ,
	parameter [2:0] PLL_FILTER = 3'd1,
	// clock cycles per UART bit: 7 at 21 MHz is 3 Mbaud (the FT2232H's most)
	parameter BAUD_DIV = `MOTE_BOARD_BAUD_DIV,
	// 1: the timing probe (above)
	parameter CORE_PROBE = 0
) (
	input  wire i_clk12,
	input  wire i_uart_rx,
	output wire o_uart_tx,
	input  wire i_btn_n,
	output wire o_led_r_n,
	output wire o_led_g_n
);
	// ---- clock: SB_PLL40_PAD (the 12 MHz pin drives the PLL directly) ----
	wire clk, locked;
	// the PLL's unused pins (core output, external feedback, dynamic delay,
	// latch, SPI) left to the cell's defaults, as icepll's own module does
	/* verilator lint_off PINMISSING */
	SB_PLL40_PAD #(
		.FEEDBACK_PATH("SIMPLE"), .DIVR(PLL_DIVR), .DIVF(PLL_DIVF), .DIVQ(PLL_DIVQ),
		.FILTER_RANGE(PLL_FILTER)
	) u_pll (
		.PACKAGEPIN(i_clk12), .PLLOUTGLOBAL(clk), .LOCK(locked),
		.RESETB(1'b1), .BYPASS(1'b0)
	);
	/* verilator lint_on PINMISSING */

	// ---- reset: until the PLL locks, and while the button is held --------
	reg [3:0] rst_sync_q = 4'hf;
	reg       btn_q1, btn_q2;
	always @(posedge clk) begin
		btn_q1 <= !i_btn_n;
		btn_q2 <= btn_q1;
		rst_sync_q <= (!locked || btn_q2) ? 4'hf : {rst_sync_q[2:0], 1'b0};
	end
	wire rst = rst_sync_q[3];

	// ---- the link, the accelerator and its memory -------------------------
	localparam MB = `MOTE_BOARD_MEM_BYTES;
	wire        csr_valid, csr_write, csr_rvalid, irq, busy, err, bus_error;
	wire [11:0] csr_addr;
	wire [31:0] csr_wdata, csr_rdata;
	wire        a_valid, a_ready, a_write, a_resp_valid;
	wire [31:0] a_addr;
	wire [MB*8-1:0] a_wdata, a_resp_data;
	wire [MB-1:0]   a_wstrb;
	wire        mreq_valid, mreq_ready, mreq_write, mresp_valid;
	wire [31:0] mreq_addr;
	wire [MB*8-1:0] mreq_wdata, mresp_data;
	wire [MB-1:0]   mreq_wstrb;

	mote_top #(`MOTE_BOARD_PARAMS) u_top (
		.clk(clk), .rst(rst),
		.i_csr_valid(csr_valid), .i_csr_write(csr_write), .i_csr_addr(csr_addr), .i_csr_wdata(csr_wdata),
		.o_csr_rdata(csr_rdata), .o_csr_rvalid(csr_rvalid),
		.o_mem_req_valid(a_valid), .i_mem_req_ready(a_ready), .o_mem_req_write(a_write), .o_mem_req_addr(a_addr),
		.o_mem_req_wdata(a_wdata), .o_mem_req_wstrb(a_wstrb), .i_mem_resp_valid(a_resp_valid),
		.i_mem_resp_data(a_resp_data), .o_irq(irq));

	generate
		if (CORE_PROBE == 0) begin : g_link
			mote_link #(.MEM_BYTES(MB), .MEM_SIZE(`MOTE_BOARD_MEM_SIZE), .BAUD_DIV(BAUD_DIV),
				    .LG_OUT(`MOTE_BOARD_LG_MEM_READS)) u_link (
				.clk(clk), .rst(rst), .i_uart_rx(i_uart_rx), .o_uart_tx(o_uart_tx),
				.o_csr_valid(csr_valid), .o_csr_write(csr_write), .o_csr_addr(csr_addr), .o_csr_wdata(csr_wdata),
				.i_csr_rdata(csr_rdata), .i_csr_rvalid(csr_rvalid), .i_irq(irq),
				.i_acc_req_valid(a_valid), .o_acc_req_ready(a_ready), .i_acc_req_write(a_write), .i_acc_req_addr(a_addr),
				.i_acc_req_wdata(a_wdata), .i_acc_req_wstrb(a_wstrb), .o_acc_resp_valid(a_resp_valid),
				.o_acc_resp_data(a_resp_data),
				.o_mem_req_valid(mreq_valid), .i_mem_req_ready(mreq_ready), .o_mem_req_write(mreq_write),
				.o_mem_req_addr(mreq_addr), .o_mem_req_wdata(mreq_wdata), .o_mem_req_wstrb(mreq_wstrb),
				.i_mem_resp_valid(mresp_valid), .i_mem_resp_data(mresp_data),
				.o_busy(busy), .o_error(err));
		end else begin : g_probe
			reg [45:0] sh_q;
			reg        tx_q;
			always @(posedge clk) begin
				sh_q <= {sh_q[44:0], i_uart_rx};
				tx_q <= ^{csr_rdata, csr_rvalid};
			end
			assign {csr_valid, csr_write, csr_addr, csr_wdata} = sh_q;
			assign o_uart_tx = tx_q;
			assign {mreq_valid, mreq_write, mreq_addr, mreq_wdata, mreq_wstrb} =
			       {a_valid, a_write, a_addr, a_wdata, a_wstrb};
			assign {a_ready, a_resp_valid, a_resp_data} = {mreq_ready, mresp_valid, mresp_data};
			assign {busy, err} = {irq, bus_error};
		end
	endgenerate

	mote_spram_mem #(.ICE40(1), .LG_WORDS(14), .ZERO_OUT(0)) u_mem (
		.clk(clk), .rst(rst),
		.i_req_valid(mreq_valid), .o_req_ready(mreq_ready), .i_req_write(mreq_write),
		.i_req_addr(mreq_addr), .i_req_wdata(mreq_wdata), .i_req_wstrb(mreq_wstrb),
		.o_resp_valid(mresp_valid), .o_resp_data(mresp_data), .o_bus_error(bus_error));

	// ---- LEDs (active low) ---------------------------------------------------
	reg [24:0] blink_q;
	always @(posedge clk)
		blink_q <= blink_q + 1'b1;
	assign o_led_g_n = !(busy || blink_q[24]);
	assign o_led_r_n = !err;
	wire unused_top = ^{irq, bus_error};
endmodule

`default_nettype wire
