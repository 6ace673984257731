// mote_link_bridge.v: executes the link's requests (host link section of
// mote_hw.spec) on the accelerator's CSR port and on device memory, and makes
// the responses.  One request at a time: while it executes and answers, the
// parser is not listening (o_listen low).
//
// Requests take effect only when mote_link_rx says the frame is good (i_frame).
// A write whose SEQ is the last executed request's is not executed again: it is
// answered with STATUS.DUP.  Register accesses below 0x1000 go to the CSR port;
// a read's data is taken from the port's read data, which holds until the next
// read (rtl/README.md, mote_top's ports); the bridge's own registers are
// read-only.  A register burst (LEN 4k-1) is k accesses at ADDR, ADDR+4, ...:
// a read per 4 response bytes, a write per 4 request bytes.  o_csr_addr is
// the burst's address counter (loaded from ADDR, +4 per register; its bits 3:2
// also pick the bridge's own registers), so no adder beside it.  A register
// write's value: bytes 0..2 shifted into wd_q as they are read from the frame
// buffer, byte 3 the buffer's read data itself, held while the write goes (the
// buffer address stays on it).  Memory addresses stay in the request's 256-byte
// block (the spec's rule), so only the low byte of the address moves: ADDR's plus i_q.
// The bridge has no word register of its own: memory writes go a byte per
// request through the memory port's request register (mote_link_arb, master
// B), the byte in every lane and the strobe of its own; a byte per request
// keeps the register's lanes alike, so where the accelerator's writes are one
// byte in every lane too (the serial store path) synthesis keeps one lane of
// flip-flops instead of MEM_BYTES (the UART's ~10 cycles a bit leave far more
// time than the few cycles a request takes).  Reads fetch the word of each
// byte as the framer asks for it and keep that byte (rbyte_q): one memory
// read per byte.
// Addresses: i_addr holds the low ADDR_W bits of ADDR, i_addr_hi says a bit
// above them was set; a memory request carries that as its address bits from
// ADDR_W up (all ones), so an access outside a memory of 2^ADDR_W bytes or
// less stays outside it.
// LEDs: o_busy from a DOORBELL that starts a job to the interrupt's rising
// edge; o_error from a dropped frame to the next good one.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_link_bridge #(
	// memory bus width in bytes (power of two, 4..64)
	parameter MEM_BYTES = 8,
	// bytes of device memory (LREG LINK_MEM_SIZE)
	parameter [31:0] MEM_SIZE = 32'h0002_0000,
	// clock cycles per UART bit (LREG LINK_BAUD_DIV)
	parameter [31:0] BAUD_DIV = 32'd10,
	// address bits kept (13..32): the register decode needs 13
	parameter ADDR_W = 32
) (
	input  wire                   clk,
	input  wire                   rst,
	// parser: the frame and its fields (held while this executes)
	output reg                    o_listen,
	input  wire                   i_frame,
	input  wire                   i_bad,
	input  wire [7:0]             i_seq,
	input  wire [2:0]             i_op,
	input  wire                   i_op_hi,
	input  wire [7:0]             i_len,
	input  wire [ADDR_W-1:0]      i_addr,
	input  wire                   i_addr_hi,  // ADDR has a bit set at ADDR_W or above
	// frame buffer read address, its data a cycle later
	output wire [7:0]             o_buf_raddr,
	input  wire [7:0]             i_buf_rdata,
	// response content to the framer
	output wire                   o_tx_valid,
	output wire [7:0]             o_tx_byte,
	output wire                   o_tx_last,
	input  wire                   i_tx_ready,
	input  wire                   i_tx_idle,
	// the accelerator's CSR port
	output reg                    o_csr_valid,
	output reg                    o_csr_write,
	output reg  [11:0]            o_csr_addr,
	output wire [31:0]            o_csr_wdata,
	input  wire [31:0]            i_csr_rdata,
	input  wire                   i_csr_rvalid,
	// the memory port's request register (mote_link_arb, master B)
	output wire                   o_claim,
	input  wire                   i_own,
	output wire                   o_put,
	output wire [$clog2(MEM_BYTES)-1:0] o_lane,
	output wire                   o_go,
	output wire                   o_write,
	output wire [ADDR_W-1:0]      o_addr,
	output wire                   o_addr_hi,
	input  wire                   i_sent,
	input  wire                   i_resp_valid,
	input  wire [MEM_BYTES*8-1:0] i_resp_data,
	// the accelerator's interrupt line (STATUS.IRQ of every response)
	input  wire                   i_irq,
	// LEDs
	output reg                    o_busy,
	output reg                    o_error
);
	localparam LGMB = $clog2(MEM_BYTES);

	// writes: per byte S_RD (buffer read) and S_PUT; memory (after S_CLAIM):
	// S_GO, a request per byte; registers: S_CSRW after the fourth byte of
	// each; reads: S_CSRR per register, memory S_RCLAIM, S_RGO, S_RWAIT per
	// byte; S_HDR / S_DATA send the response
	localparam [3:0] S_LISTEN = 4'd0, S_CLAIM = 4'd1, S_RD = 4'd2,    S_PUT = 4'd3,
	                 S_GO     = 4'd4, S_CSRW = 4'd5,  S_CSRR = 4'd6,  S_HDR = 4'd7,
	                 S_DATA   = 4'd8, S_RCLAIM = 4'd9, S_RGO = 4'd10, S_RWAIT = 4'd11,
	                 S_DONE   = 4'd12;

	reg  [3:0]      state_q;
	reg             dup_q, err_q;        // this request: a repeated write; not an operation
	reg  [7:0]      last_seq_q;          // SEQ of the last request executed
	reg             last_ok_q;           // ... once there was one
	reg  [7:0]      i_q;                 // data byte
	reg  [23:0]     wd_q;                // a register write's bytes 2, 1, 0
	reg  [7:0]      rbyte_q;             // the memory byte the framer asks for
	reg             have_q;              // ... is in rbyte_q
	reg  [1:0]      hcnt_q;              // response header byte
	reg  [31:0]     errs_q;              // LREG LINK_ERRORS: {DUPS, RX_BAD}
	reg             irq_q;

	// the request being served
	wire       is_mem   = i_op[1];
	wire       is_bell  = i_op == `MOTE_LOP_DOORBELL;
	wire       is_reg   = !i_op[1] && !i_op[2];          // REG_READ, REG_WRITE: bursts
	wire       op_ok    = !i_op_hi && i_op != 3'd6 && (!is_reg || i_len[1:0] == 2'b11);
	wire       writes   = op_ok && i_op[0];
	wire       link_reg = i_addr[12] && is_reg;          // REG_READ/REG_WRITE at 0x1000..0x1FFF
	wire       repeated = writes && last_ok_q && i_seq == last_seq_q;
	wire [7:0] last_idx = i_op[2] && !i_op[1] ? 8'd3 : i_len; // data bytes - 1 (POLL, DOORBELL: 4)
	wire       has_data = op_ok && !i_op[0];           // REG_READ, MEM_READ, POLL
	wire       last_byte = i_q == last_idx;
	wire       bell_ack = is_bell && o_csr_addr == `MOTE_REG_IRQ_ACK; // DOORBELL's first write
	wire [7:0] baddr    = i_addr[7:0] + i_q;           // low address byte of data byte i_q (memory)

	// a register read's data byte i_q[1:0]: the bridge's registers (the spec
	// lets it decode ADDR bits 12, 3 and 2 only: three constants and
	// LINK_ERRORS; bits 3:2 of the burst's counter), or the CSR port's read data
	localparam [15:0] L_ID = `MOTE_LREG_LINK_ID, L_MEM = `MOTE_LREG_LINK_MEM_SIZE,
	                  L_BAUD = `MOTE_LREG_LINK_BAUD_DIV, L_ERR = `MOTE_LREG_LINK_ERRORS;
	localparam [31:0] C_ID = `MOTE_LINK_ID_MAGIC, C_MEM = MEM_SIZE, C_BAUD = BAUD_DIV;
	// byte b of the constant register r (a function of four bits: a LUT per bit)
	function [7:0] lconst;
		input [1:0] r;
		input [1:0] b;
		begin
			lconst = 8'd0;
			if (r == L_ID[3:2])   lconst = C_ID[{b, 3'b000} +: 8];
			if (r == L_MEM[3:2])  lconst = C_MEM[{b, 3'b000} +: 8];
			if (r == L_BAUD[3:2]) lconst = C_BAUD[{b, 3'b000} +: 8];
		end
	endfunction
	wire       is_errs = link_reg && o_csr_addr[3:2] == L_ERR[3:2];
	wire [7:0] csr_b   = i_csr_rdata[{i_q[1:0], 3'b000} +: 8];
	wire [7:0] errs_b  = errs_q[{i_q[1:0], 3'b000} +: 8];
	// a memory read's byte: the lane of the response (AND-OR, not a shifter)
	reg  [7:0]  rlane;
	integer k;
	always @(*) begin
		rlane = 8'd0;
		for (k = 0; k < MEM_BYTES; k = k + 1)
			rlane = rlane | (i_resp_data[k*8 +: 8] & {8{baddr[LGMB-1:0] == k[LGMB-1:0]}});
	end

	wire [7:0] status = ({7'd0, err_q} << `MOTE_RSP_STATUS_ERR) | ({7'd0, i_irq} << `MOTE_RSP_STATUS_IRQ) |
	                    ({7'd0, dup_q} << `MOTE_RSP_STATUS_DUP) | ({5'd0, i_op} << `MOTE_RSP_STATUS_OP);

	assign o_tx_valid  = state_q == S_HDR || (state_q == S_DATA && (have_q || !is_mem));
	// the response byte: an AND-OR of its sources (the header's three bytes,
	// the memory byte, a register's byte)
	wire in_hdr = state_q == S_HDR;
	assign o_tx_byte   = ({8{in_hdr && hcnt_q == 2'd0}} & i_seq) | ({8{in_hdr && hcnt_q == 2'd1}} & status) |
	                     ({8{in_hdr && hcnt_q == 2'd2}} & i_len) | ({8{!in_hdr && is_mem}} & rbyte_q) |
	                     ({8{!in_hdr && !is_mem && !link_reg}} & csr_b) | ({8{!in_hdr && is_errs}} & errs_b) |
	                     ({8{!in_hdr && link_reg && !is_errs}} & lconst(o_csr_addr[3:2], i_q[1:0]));
	assign o_tx_last   = state_q == S_HDR ? (hcnt_q == 2'd2 && (err_q || dup_q || !has_data)) : last_byte;
	assign o_csr_wdata = {i_buf_rdata, wd_q};
	assign o_buf_raddr = i_op == `MOTE_LOP_MEM_FILL ? 8'd0 : i_q;
	assign o_claim = state_q == S_CLAIM || state_q == S_GO || state_q == S_RCLAIM || state_q == S_RGO ||
	                 (is_mem && (state_q == S_RD || state_q == S_PUT));
	assign o_put   = state_q == S_PUT;
	assign o_lane  = baddr[LGMB-1:0];
	assign o_go    = state_q == S_GO || state_q == S_RGO;
	assign o_write = state_q == S_GO;
	assign o_addr  = {i_addr[ADDR_W-1:8], baddr[7:LGMB], {LGMB{1'b0}}};
	assign o_addr_hi = i_addr_hi;

	wire tx_take = o_tx_valid && i_tx_ready;
	// the next byte: a register write's bytes, a memory write's request gone, a
	// register write done (not DOORBELL's first), a response byte taken
	wire step_i = (state_q == S_PUT && !is_mem && i_q[1:0] != 2'd3) ||
	              (state_q == S_GO && i_sent && !last_byte) ||
	              (state_q == S_CSRW && !bell_ack && !last_byte) ||
	              (state_q == S_DATA && tx_take);
	// the next register of a burst: after a write, after a read's fourth byte
	wire step_reg = (state_q == S_CSRW && !bell_ack && !last_byte) ||
	                (state_q == S_DATA && tx_take && is_reg && i_q[1:0] == 2'd3);

	always @(posedge clk) begin
		if (rst) begin
			state_q <= S_LISTEN;
			o_listen <= 1'b0;
			o_csr_valid <= 1'b0;
			last_ok_q <= 1'b0;
			errs_q <= 32'd0;
			o_busy <= 1'b0;
			o_error <= 1'b0;
			irq_q <= 1'b0;
		end else begin
			o_csr_valid <= 1'b0;
			o_listen <= 1'b0;
			irq_q <= i_irq;
			if (i_bad) begin
				errs_q[15:0] <= errs_q[15:0] + 1'b1;
				o_error <= 1'b1;
			end
			if (i_irq && !irq_q)
				o_busy <= 1'b0;
			case (state_q)
			S_LISTEN: begin
				o_listen <= !i_frame;
				if (i_frame) begin
					o_error <= 1'b0;
					dup_q <= repeated;
					err_q <= !op_ok;
					hcnt_q <= 2'd0;
					if (repeated)
						errs_q[31:16] <= errs_q[31:16] + 1'b1;
					if (op_ok && !repeated) begin
						last_seq_q <= i_seq;
						last_ok_q <= 1'b1;
					end
					if (repeated || !op_ok || is_mem && !writes || link_reg) begin
						state_q <= S_HDR; // nothing to do first (writes to bridge registers: ignored)
					end else if (writes) begin
						state_q <= is_mem ? S_CLAIM : S_RD;
					end else begin
						o_csr_valid <= 1'b1; // REG_READ, POLL
						o_csr_write <= 1'b0;
						state_q <= S_CSRR;
					end
				end
			end
			S_CLAIM:
				if (i_own)
					state_q <= S_RD;
			S_RD: state_q <= S_PUT; // the buffer reads byte i_q
			S_PUT:
				if (is_mem) begin
					state_q <= S_GO; // the byte is in the request register
				end else if (i_q[1:0] == 2'd3) begin
					o_csr_valid <= 1'b1; // bytes 0..2 in wd_q, byte 3 from the buffer
					o_csr_write <= 1'b1;
					state_q <= S_CSRW;
				end else begin
					state_q <= S_RD;
				end
			S_GO:
				if (i_sent)
					state_q <= last_byte ? S_HDR : S_RD;
			S_CSRW:
				// DOORBELL: IRQ_ACK was written, now CTRL with the same value
				if (bell_ack) begin
					o_csr_valid <= 1'b1;
					o_busy <= o_csr_wdata[`MOTE_CTRL_START];
				end else begin
					state_q <= last_byte ? S_HDR : S_RD; // a burst goes on
				end
			S_CSRR:
				if (i_csr_rvalid)
					state_q <= hcnt_q == 2'd3 ? S_DATA : S_HDR; // the next register of a burst, or the first
			S_HDR:
				if (tx_take) begin
					hcnt_q <= hcnt_q + 1'b1;
					if (hcnt_q == 2'd2)
						state_q <= o_tx_last ? S_DONE : S_DATA;
				end
			S_DATA:
				if (is_mem && !have_q)
					state_q <= S_RCLAIM; // the word of the next byte
				else if (tx_take && last_byte)
					state_q <= S_DONE;
				else if (tx_take && is_reg && !link_reg && i_q[1:0] == 2'd3) begin
					o_csr_valid <= 1'b1; // a burst: read the next register (o_csr_addr + 4)
					state_q <= S_CSRR;
				end
			S_RCLAIM:
				if (i_own)
					state_q <= S_RGO;
			S_RGO:
				if (i_sent)
					state_q <= S_RWAIT;
			S_RWAIT:
				if (i_resp_valid)
					state_q <= S_DATA;
			S_DONE:
				// back to listening once the response has left
				if (i_tx_idle) begin
					o_listen <= 1'b1;
					state_q <= S_LISTEN;
				end
			default: state_q <= S_LISTEN;
			endcase
		end
	end

	// datapath: counters, the register write's bytes, the read byte
	always @(posedge clk) begin
		if (state_q == S_LISTEN) begin
			i_q <= 8'd0;
			have_q <= 1'b0;
			// the first register (its bits 3:2 also for the bridge's own), or
			// POLL's STATUS, DOORBELL's IRQ_ACK
			o_csr_addr <= !i_op[2] ? i_addr[11:0] : i_op[0] ? `MOTE_REG_IRQ_ACK : `MOTE_REG_STATUS;
		end else begin
			if (step_i)
				i_q <= i_q + 1'b1;
			if (state_q == S_DATA && tx_take)
				have_q <= 1'b0;
			if (state_q == S_CSRW && bell_ack)
				o_csr_addr <= `MOTE_REG_CTRL;
			else if (step_reg)
				o_csr_addr <= o_csr_addr + 12'd4;
		end
		if (state_q == S_PUT && !is_mem && i_q[1:0] != 2'd3)
			wd_q <= {i_buf_rdata, wd_q[23:8]};
		if (state_q == S_RWAIT && i_resp_valid) begin
			// a read outside the memory answers zeros whatever the memory
			// returns (the board's memory, mote_spram_mem ZERO_OUT 0, does not
			// zero them)
			rbyte_q <= rlane & {8{!i_addr_hi}};
			have_q <= 1'b1;
		end
	end
endmodule

`default_nettype wire
