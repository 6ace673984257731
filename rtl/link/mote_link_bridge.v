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
// a read per 4 response bytes, a write per 4 request bytes.  Memory addresses stay in the request's 256-byte block (the spec's
// rule), so only the low byte of the address moves.  The bridge has no word
// register of its own: it works in the memory port's request register
// (mote_link_arb, master B).  A write claims it, puts its bytes, read from the
// frame buffer one at a time, into their lanes, and sends it when the word's
// last lane or the last byte is in; register writes put their 4 bytes into
// lanes 0..3 and take the CSR value from there.  Reads fetch the word of each
// byte as the framer asks for it and keep that byte (rbyte_q): one memory read
// per byte, far quicker than the UART.
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
	parameter [31:0] BAUD_DIV = 32'd10
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
	input  wire [31:0]            i_addr,
	// frame buffer read address (its data goes to the port, one cycle later)
	output wire [7:0]             o_buf_raddr,
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
	output wire [31:0]            o_addr,
	input  wire                   i_sent,
	input  wire [31:0]            i_wdata,    // lanes 0..3 of the register
	input  wire                   i_resp_valid,
	input  wire [MEM_BYTES*8-1:0] i_resp_data,
	// the accelerator's interrupt line (STATUS.IRQ of every response)
	input  wire                   i_irq,
	// LEDs
	output reg                    o_busy,
	output reg                    o_error
);
	localparam LGMB = $clog2(MEM_BYTES);

	// writes: S_CLAIM, then per byte S_RD (buffer read) and S_PUT (into its
	// lane), S_GO per word (memory) or S_CSRW (registers); reads: S_RCLAIM,
	// S_RGO, S_RWAIT per byte; S_HDR / S_DATA send the response
	localparam [3:0] S_LISTEN = 4'd0, S_CLAIM = 4'd1, S_RD = 4'd2,    S_PUT = 4'd3,
	                 S_GO     = 4'd4, S_CSRW = 4'd5,  S_CSRR = 4'd6,  S_HDR = 4'd7,
	                 S_DATA   = 4'd8, S_RCLAIM = 4'd9, S_RGO = 4'd10, S_RWAIT = 4'd11,
	                 S_DONE   = 4'd12, S_RNEXT = 4'd13;

	reg  [3:0]      state_q;
	reg             dup_q, err_q;        // this request: a repeated write; not an operation
	reg  [7:0]      last_seq_q;          // SEQ of the last request executed
	reg             last_ok_q;           // ... once there was one
	reg  [7:0]      i_q;                 // data byte
	reg             all_q;               // the last data byte of a write is in the port
	reg  [7:0]      baddr_q;             // low address byte of data byte i_q
	reg  [7-LGMB:0] wa_q;                // low word address of the request
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
	wire       link_reg = i_addr[12] && !i_op[2] && !i_op[1]; // REG_READ/REG_WRITE at 0x1000..0x1FFF
	wire       repeated = writes && last_ok_q && i_seq == last_seq_q;
	wire [7:0] last_idx = i_op[2] && !i_op[1] ? 8'd3 : i_len; // data bytes - 1 (POLL, DOORBELL: 4)
	wire [11:0] ra      = i_addr[11:0] + {4'b0000, i_q[7:2], 2'b00}; // the register of byte i_q
	wire       has_data = op_ok && !i_op[0];           // REG_READ, MEM_READ, POLL
	wire       last_byte = i_q == last_idx;

	// a register read's data byte i_q[1:0]: the bridge's registers (the spec
	// lets it decode ADDR bits 12, 3 and 2 only: three constants and
	// LINK_ERRORS), or the CSR port's read data
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
	wire       is_errs = link_reg && ra[3:2] == L_ERR[3:2];
	reg  [7:0] rreg;
	always @(*)
		if (link_reg)
			rreg = is_errs ? errs_q[{i_q[1:0], 3'b000} +: 8] : lconst(ra[3:2], i_q[1:0]);
		else
			case (i_q[1:0])
			2'd0: rreg = i_csr_rdata[7:0];
			2'd1: rreg = i_csr_rdata[15:8];
			2'd2: rreg = i_csr_rdata[23:16];
			default: rreg = i_csr_rdata[31:24];
			endcase
	// a memory read's byte: the lane of the response (AND-OR, not a shifter)
	reg  [7:0]  rlane;
	integer k;
	always @(*) begin
		rlane = 8'd0;
		for (k = 0; k < MEM_BYTES; k = k + 1)
			rlane = rlane | (i_resp_data[k*8 +: 8] & {8{baddr_q[LGMB-1:0] == k[LGMB-1:0]}});
	end

	wire [7:0] status = ({7'd0, err_q} << `MOTE_RSP_STATUS_ERR) | ({7'd0, i_irq} << `MOTE_RSP_STATUS_IRQ) |
	                    ({7'd0, dup_q} << `MOTE_RSP_STATUS_DUP) | ({5'd0, i_op} << `MOTE_RSP_STATUS_OP);
	wire [7:0] hdr_byte = hcnt_q == 2'd0 ? i_seq : hcnt_q == 2'd1 ? status : i_len;

	assign o_tx_valid  = state_q == S_HDR || (state_q == S_DATA && (have_q || !is_mem));
	assign o_tx_byte   = state_q == S_HDR ? hdr_byte : is_mem ? rbyte_q : rreg;
	assign o_tx_last   = state_q == S_HDR ? (hcnt_q == 2'd2 && (err_q || dup_q || !has_data)) : last_byte;
	assign o_csr_wdata = i_wdata;
	assign o_buf_raddr = i_op == `MOTE_LOP_MEM_FILL ? 8'd0 : i_q;
	assign o_claim = state_q == S_CLAIM || state_q == S_RD || state_q == S_PUT || state_q == S_GO ||
	                 state_q == S_CSRW || state_q == S_RCLAIM || state_q == S_RGO;
	assign o_put   = state_q == S_PUT;
	assign o_lane  = is_mem ? baddr_q[LGMB-1:0] : {{(LGMB-2){1'b0}}, i_q[1:0]};
	assign o_go    = state_q == S_GO || state_q == S_RGO;
	assign o_write = state_q == S_GO;
	assign o_addr  = {i_addr[31:8], wa_q, {LGMB{1'b0}}};

	wire tx_take = o_tx_valid && i_tx_ready;

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
						state_q <= S_CLAIM;
					end else begin
						o_csr_valid <= 1'b1; // REG_READ, POLL
						o_csr_write <= 1'b0;
						o_csr_addr <= i_op[2] ? `MOTE_REG_STATUS : ra;
						state_q <= S_CSRR;
					end
				end
			end
			S_CLAIM:
				if (i_own)
					state_q <= S_RD;
			S_RD: state_q <= S_PUT; // the buffer reads byte i_q
			S_PUT:
				if (!is_mem && i_q[1:0] == 2'd3) begin
					o_csr_valid <= 1'b1; // lanes 0..3 hold the register value
					o_csr_write <= 1'b1;
					o_csr_addr <= is_bell ? `MOTE_REG_IRQ_ACK : ra;
					state_q <= S_CSRW;
				end else if (!is_mem) begin
					state_q <= S_RD;
				end else begin
					state_q <= last_byte || &baddr_q[LGMB-1:0] ? S_GO : S_RD;
				end
			S_GO:
				if (i_sent)
					state_q <= all_q ? S_HDR : S_RD;
			S_CSRW: begin
				// DOORBELL: IRQ_ACK was written, now CTRL with the same value
				o_csr_valid <= is_bell && o_csr_addr == `MOTE_REG_IRQ_ACK;
				o_csr_addr <= `MOTE_REG_CTRL;
				if (is_bell && o_csr_addr == `MOTE_REG_IRQ_ACK)
					o_busy <= i_wdata[`MOTE_CTRL_START];
				else
					state_q <= all_q ? S_HDR : S_RD; // a burst goes on
			end
			S_CSRR:
				if (i_csr_rvalid)
					state_q <= hcnt_q == 2'd3 ? S_DATA : S_HDR; // the next register of a burst, or the first
			S_RNEXT: begin
				o_csr_valid <= 1'b1;
				o_csr_write <= 1'b0;
				o_csr_addr <= ra;
				state_q <= S_CSRR;
			end
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
				else if (tx_take && is_reg && !link_reg && i_q[1:0] == 2'd3)
					state_q <= S_RNEXT; // a burst: read the next register
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

	// datapath: counters, the read byte
	always @(posedge clk)
		case (state_q)
		S_LISTEN: begin
			i_q <= 8'd0;
			all_q <= 1'b0;
			have_q <= 1'b0;
			baddr_q <= is_mem ? i_addr[7:0] : 8'd0;
		end
		S_PUT: begin
			i_q <= i_q + 1'b1;
			all_q <= last_byte;
			baddr_q <= baddr_q + 1'b1;
			wa_q <= baddr_q[7:LGMB];
		end
		S_HDR:
			if (tx_take && hcnt_q == 2'd2)
				i_q <= 8'd0;
		S_DATA:
			if (tx_take) begin
				i_q <= i_q + 1'b1;
				have_q <= 1'b0;
				baddr_q <= baddr_q + 1'b1;
			end
		S_RCLAIM:
			wa_q <= baddr_q[7:LGMB];
		S_RWAIT:
			if (i_resp_valid) begin
				rbyte_q <= rlane;
				have_q <= 1'b1;
			end
		default: ;
		endcase
endmodule

`default_nettype wire
