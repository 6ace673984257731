// mote_link_arb.v: the memory port shared by the accelerator (master A) and
// the link bridge (master B), in the smallest form that keeps the port's
// contract: one request register toward memory, held until i_mem_req_ready;
// read responses in request order, never refused.
//
// A hands over whole requests (valid/ready).  B works in the register itself:
// it claims it (i_b_claim: A gets no more requests in; granted as o_b_own once
// the register is free, the strobes cleared then), writes a byte
// (i_b_put: into every lane, the strobe of lane i_b_lane set), and sends the
// register as a request (i_b_go with i_b_write and i_b_addr); the request went
// when o_b_sent pulses, after which the strobes are clear for the next byte.
// B's byte goes to every lane so that the lanes stay alike wherever A's writes
// are one byte in every lane too: synthesis then keeps one lane of flip-flops.
// While B owns the register A waits (the bridge holds it for a frame's writes,
// a few cycles a byte).
// Addresses: the register keeps bits ADDR_W-1..LW (requests are aligned to
// the word: the port's rule) and, below 32, whether a bit above them is set
// (A: any of i_a_addr's, B: i_b_addr_hi), sent as all ones from ADDR_W up: an
// address outside a memory of 2^ADDR_W bytes or less stays outside it.
// B has at most one read outstanding, so no id FIFO: when B's read goes, the
// number of A's reads still unanswered is noted, and B's response is the one
// after that many more.  A keeps fewer than 2^(LG_OUT+1) reads outstanding.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_link_arb #(
	// memory bus width in bytes
	parameter MEM_BYTES = 8,
	// log2 of the most reads master A keeps outstanding
	parameter LG_OUT = 5,
	// address bits kept (LW+1..32)
	parameter ADDR_W = 32,
	// lane index width (derived)
	parameter LW = (MEM_BYTES <= 2) ? 1 : $clog2(MEM_BYTES)
) (
	input  wire                   clk,
	input  wire                   rst,
	// master A (the accelerator)
	input  wire                   i_a_valid,
	output wire                   o_a_ready,
	input  wire                   i_a_write,
	input  wire [31:0]            i_a_addr,
	input  wire [MEM_BYTES*8-1:0] i_a_wdata,
	input  wire [MEM_BYTES-1:0]   i_a_wstrb,
	output wire                   o_a_resp_valid,
	// master B (the bridge)
	input  wire                   i_b_claim,
	output reg                    o_b_own,
	input  wire                   i_b_put,
	input  wire [LW-1:0]          i_b_lane,
	input  wire [7:0]             i_b_byte,
	input  wire                   i_b_go,
	input  wire                   i_b_write,
	input  wire [ADDR_W-1:0]      i_b_addr,
	input  wire                   i_b_addr_hi,
	output wire                   o_b_sent,
	output wire                   o_b_resp_valid,
	// memory
	output reg                    o_mem_req_valid,
	input  wire                   i_mem_req_ready,
	output reg                    o_mem_req_write,
	output wire [31:0]            o_mem_req_addr,
	output reg  [MEM_BYTES*8-1:0] o_mem_req_wdata,
	output reg  [MEM_BYTES-1:0]   o_mem_req_wstrb,
	input  wire                   i_mem_resp_valid
);
	reg [LG_OUT:0] a_out_q;   // A's reads taken, not answered
	reg            b_wait_q;  // B's read sent, not answered
	reg [LG_OUT:0] ahead_q;   // A's responses due before B's
	reg            b_req_q;   // the register holds B's request

	wire slot = !o_mem_req_valid || i_mem_req_ready;
	assign o_a_ready = slot && !o_b_own && !i_b_claim; // a claim of B keeps A out from the next slot on
	wire take_a = o_a_ready && i_a_valid;
	wire grab_b = i_b_claim && !o_b_own && slot;
	wire go_b   = o_b_own && i_b_go && !o_mem_req_valid;
	assign o_b_sent = b_req_q && o_mem_req_valid && i_mem_req_ready;

	// b_head_q = b_wait_q && ahead_q == 0 (the next response is B's), a
	// register formed from their next values: the response's split between
	// A and B is then one gate after the memory's valid (the core's response
	// path ran through the compare into the load packer)
	reg  b_head_q;
	wire resp_b = i_mem_resp_valid && b_head_q;
	assign o_b_resp_valid = resp_b;
	assign o_a_resp_valid = i_mem_resp_valid && !resp_b;
	wire [LG_OUT:0] a_resp = {{LG_OUT{1'b0}}, o_a_resp_valid};

	always @(posedge clk) begin
		if (rst) begin
			o_mem_req_valid <= 1'b0;
			o_b_own <= 1'b0;
			b_req_q <= 1'b0;
			a_out_q <= 0;
			b_wait_q <= 1'b0;
		end else begin
			if (take_a || go_b)
				o_mem_req_valid <= 1'b1;
			else if (i_mem_req_ready)
				o_mem_req_valid <= 1'b0;
			if (grab_b)
				o_b_own <= 1'b1;
			else if (!i_b_claim && !b_req_q)
				o_b_own <= 1'b0;
			if (go_b)
				b_req_q <= 1'b1;
			else if (o_b_sent)
				b_req_q <= 1'b0;
			a_out_q <= a_out_q + {{LG_OUT{1'b0}}, take_a && !i_a_write} - a_resp;
			if (go_b && !i_b_write)
				b_wait_q <= 1'b1;
			else if (resp_b)
				b_wait_q <= 1'b0;
		end
		// B's read waits for the A reads taken before it (answered ones excepted)
		if (go_b && !i_b_write)
			ahead_q <= a_out_q - a_resp;
		else if (b_wait_q && o_a_resp_valid)
			ahead_q <= ahead_q - 1'b1;
		// ahead_q's next value is 0 where it is now a_resp's, 1 or 0
		if (rst)
			b_head_q <= 1'b0;
		else if (go_b && !i_b_write)
			b_head_q <= a_out_q == a_resp;
		else
			b_head_q <= b_wait_q && !resp_b && ahead_q == {{LG_OUT{1'b0}}, o_a_resp_valid};
	end

	// the request register: A's request whole, or B's byte in every lane with
	// its lane's strobe
	wire put_b = i_b_put && o_b_own && !b_req_q;
	always @(posedge clk)
		if (take_a)
			o_mem_req_wdata <= i_a_wdata;
		else if (put_b)
			o_mem_req_wdata <= {MEM_BYTES{i_b_byte}};
	genvar g;
	generate
		for (g = 0; g < MEM_BYTES; g = g + 1) begin : g_lane
			always @(posedge clk)
				if (take_a)
					o_mem_req_wstrb[g] <= i_a_wstrb[g];
				else if (grab_b || o_b_sent)
					o_mem_req_wstrb[g] <= 1'b0;
				else if (put_b && i_b_lane == g)
					o_mem_req_wstrb[g] <= 1'b1;
		end
	endgenerate
	reg [ADDR_W-1:LW] addr_q;
	always @(posedge clk)
		if (take_a || go_b) begin
			o_mem_req_write <= take_a ? i_a_write : i_b_write;
			addr_q <= take_a ? i_a_addr[ADDR_W-1:LW] : i_b_addr[ADDR_W-1:LW];
		end
	generate
		if (ADDR_W < 32) begin : g_hi
			reg hi_q; // an address bit at ADDR_W or above is set
			always @(posedge clk)
				if (take_a || go_b)
					hi_q <= take_a ? |i_a_addr[31:ADDR_W] : i_b_addr_hi;
			assign o_mem_req_addr = {{(32 - ADDR_W){hi_q}}, addr_q, {LW{1'b0}}};
		end else begin : g_full
			wire unused_hi = i_b_addr_hi;
			assign o_mem_req_addr = {addr_q, {LW{1'b0}}};
		end
	endgenerate
	wire unused_low = ^{i_a_addr[LW-1:0], i_b_addr[LW-1:0]}; // aligned (the port's rule)

`ifdef FORMAL
	// Every response goes to the master whose read it answers (a model queue
	// of who asked, at most 4 reads outstanding here); the register never
	// changes under a request the memory has not taken; A and B never share.
	reg       f_past_valid = 1'b0;
	reg [3:0] f_who;   // bit k: the k-th oldest read is B's
	reg [2:0] f_n;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	wire f_push = (take_a && !i_a_write) || (go_b && !i_b_write);
	always @(*) begin
		assume(!i_mem_resp_valid || f_n != 0);
		assume(f_n < 4 || (!i_a_valid && !i_b_claim));
		// B: one read at a time, goes only when it owns the register
		assume(!(i_b_go && !i_b_write && b_wait_q));
	end
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && $past(i_a_valid && !o_a_ready))
			assume(i_a_valid && i_a_addr == $past(i_a_addr) && i_a_write == $past(i_a_write));
	always @(posedge clk)
		if (rst) begin
			f_n <= 0;
		end else begin
			case ({f_push, i_mem_resp_valid})
			2'b10: begin
				f_who[f_n[1:0]] <= go_b;
				f_n <= f_n + 1'b1;
			end
			2'b01: begin
				f_who <= f_who >> 1;
				f_n <= f_n - 1'b1;
			end
			2'b11: begin
				f_who <= f_who >> 1;
				f_who[f_n[1:0] - 1'b1] <= go_b;
			end
			default: ;
			endcase
		end
	// what the counters say about the model queue (so the proof is unbounded):
	// A's reads and B's one make up the queue, B's read is the one ahead_q A
	// reads after the oldest, and no other entry is B's
	integer f_k;
	always @(*)
		if (f_past_valid && !rst) begin
			assert(f_n <= 4);
			// B's request stays in the register until the memory takes it
			// (B may give up ownership meanwhile); while B owns the
			// register, a request in it is B's
			assert(!b_req_q || o_mem_req_valid);
			assert(!(o_b_own && o_mem_req_valid) || b_req_q);
			assert({1'b0, f_n} == {1'b0, a_out_q} + {3'b0, b_wait_q});
			// the registered head flag is what it stands for
			assert(b_head_q == (b_wait_q && ahead_q == 0));
			if (b_wait_q)
				assert(ahead_q <= a_out_q && ahead_q < 4);
			// a full model queue: B cannot be about to add a read (it only
			// claims below 4, and a claim keeps A out)
			assert(f_n < 4 || !o_b_own || b_wait_q);
			for (f_k = 0; f_k < 4; f_k = f_k + 1)
				if (f_k < f_n)
					assert(f_who[f_k] == (b_wait_q && ahead_q == f_k));
		end
	always @(*)
		if (f_past_valid && !rst) begin
			assert(!(take_a && (go_b || grab_b)));
			assert(!(take_a && o_b_own));
			if (i_mem_resp_valid)
				assert(o_b_resp_valid == f_who[0] && o_a_resp_valid == !f_who[0]);
		end
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && $past(o_mem_req_valid && !i_mem_req_ready))
			assert(o_mem_req_valid && o_mem_req_addr == $past(o_mem_req_addr) &&
			       o_mem_req_write == $past(o_mem_req_write) && o_mem_req_wdata == $past(o_mem_req_wdata) &&
			       o_mem_req_wstrb == $past(o_mem_req_wstrb));
	always @(posedge clk) begin
		cover(f_past_valid && o_b_resp_valid && $past(o_a_resp_valid));
		cover(f_past_valid && o_b_sent && o_mem_req_write && o_mem_req_wstrb == 4'b0100);
	end
`endif
endmodule

`default_nettype wire
