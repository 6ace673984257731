// mote_mem_arbiter.v: NM memory masters -> one memory port.
// Round robin among requesting masters (the one after the last grant first), so
// no master starves.  The request toward memory is a register held until
// i_mem_req_ready.  Accepted reads push their master id into a FIFO; read
// responses (in order, never refused) go to the master at its head.
// o_outstanding counts accepted reads whose response has not come back
// (including one still waiting in the request register): the CSR waits for 0.
// REG_GRANT (small FPGAs, for the clock): the grant is a register, chosen from
// the requests of the cycle before (round robin after the master taken last,
// or being taken), so a master's ready depends on its own request and no
// other's: no path through the arbiter from one master to another.  A request
// then waits a cycle more when it is new or another master's turn comes; a
// master asking every cycle alone is still taken every cycle.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_mem_arbiter #(
	// number of masters (fetch, load, store)
	parameter NM = 3,
	// memory bus width in bytes
	parameter MEM_BYTES = 16,
	// log2 of the most reads outstanding at the memory
	parameter LG_OUT = 5,
	// 1: the grant a register (above)
	parameter REG_GRANT = 0,
	// master id width (derived)
	parameter IW = (NM <= 2) ? 1 : $clog2(NM)
) (
	input  wire                      clk,
	input  wire                      rst,
	// forget every outstanding read (only after a memory that stopped answering)
	input  wire                      i_flush,
	// masters, packed: master m uses bits [m*W +: W]
	input  wire [NM-1:0]             i_req_valid,
	output reg  [NM-1:0]             o_req_ready,
	input  wire [NM-1:0]             i_req_write,
	input  wire [NM*32-1:0]          i_req_addr,
	input  wire [NM*MEM_BYTES*8-1:0] i_req_wdata,
	input  wire [NM*MEM_BYTES-1:0]   i_req_wstrb,
	output wire [NM-1:0]             o_resp_valid,
	output wire [MEM_BYTES*8-1:0]    o_resp_data,
	// memory
	output reg                       o_mem_req_valid,
	input  wire                      i_mem_req_ready,
	output reg                       o_mem_req_write,
	output reg  [31:0]               o_mem_req_addr,
	output reg  [MEM_BYTES*8-1:0]    o_mem_req_wdata,
	output reg  [MEM_BYTES-1:0]      o_mem_req_wstrb,
	input  wire                      i_mem_resp_valid,
	input  wire [MEM_BYTES*8-1:0]    i_mem_resp_data,
	// reads accepted and not yet answered
	output wire [LG_OUT:0]           o_outstanding
);
	reg  [IW-1:0] last_q;  // last granted master
	wire          id_ready, id_valid;
	wire [IW-1:0] id_head;

	// the request register can take a new request this cycle
	wire slot_free = !o_mem_req_valid || i_mem_req_ready;
	// a read may be accepted only with room for its id
	wire [NM-1:0] eligible = i_req_valid & ~(~i_req_write & {NM{!id_ready}});

	// round robin: first eligible master after base (last_q, or with
	// REG_GRANT the master taken now if one is)
	reg          nx_any;
	reg [IW-1:0] nx;
	wire [IW-1:0] base;
	localparam [IW:0] NMW = NM;
	reg [IW:0] k, mm;
	always @(*) begin
		nx_any = 1'b0;
		nx = 0;
		// scan from farthest to nearest so the nearest after base wins
		for (k = NMW; k != 0; k = k - 1'b1) begin
			mm = {1'b0, base} + k;
			if (mm >= NMW)
				mm = mm - NMW;
			if (eligible[mm[IW-1:0]]) begin
				nx_any = 1'b1;
				nx = mm[IW-1:0];
			end
		end
	end
	// the master granted this cycle
	wire          grant_any;
	wire          grant_any_reg;   // REG_GRANT: a grant is held (whoever asks)
	wire [IW-1:0] grant;
	generate
		if (REG_GRANT != 0) begin : g_reg
			reg [IW-1:0] g_q;
			reg          gv_q;
			always @(posedge clk) begin
				if (rst || i_flush)
					gv_q <= 1'b0;
				else
					gv_q <= nx_any;
				g_q <= nx;
			end
			assign grant     = g_q;
			assign grant_any = gv_q && eligible[g_q];
			assign grant_any_reg = gv_q;
			assign base      = (slot_free && grant_any) ? g_q : last_q;
		end else begin : g_comb
			assign grant     = nx;
			assign grant_any = nx_any;
			assign grant_any_reg = 1'b0;
			assign base      = last_q;
		end
	endgenerate
	// apart from the grant: only this depends on i_mem_req_ready.  With
	// REG_GRANT each master's ready from its own request only (not through a
	// multiplexer of all of them: a path from one master to another)
	integer r;
	always @(*) begin
		o_req_ready = 0;
		if (REG_GRANT != 0) begin
			for (r = 0; r < NM; r = r + 1)
				o_req_ready[r] = slot_free && grant_any_reg && grant == r[IW-1:0] && eligible[r];
		end else if (slot_free && grant_any)
			o_req_ready[grant] = 1'b1;
	end

	wire take = slot_free && grant_any;

	always @(posedge clk) begin
		if (rst || i_flush) begin
			o_mem_req_valid <= 1'b0;
			last_q <= 0;
		end else begin
			if (take) begin
				o_mem_req_valid <= 1'b1;
				last_q <= grant;
			end else if (i_mem_req_ready)
				o_mem_req_valid <= 1'b0;
		end
	end

	always @(posedge clk)
		if (take) begin
			o_mem_req_write <= i_req_write[grant];
			o_mem_req_addr  <= i_req_addr[grant*32 +: 32];
			o_mem_req_wdata <= i_req_wdata[grant*MEM_BYTES*8 +: MEM_BYTES*8];
			o_mem_req_wstrb <= i_req_wstrb[grant*MEM_BYTES +: MEM_BYTES];
		end

	mote_fifo #(.WIDTH(IW), .LG_DEPTH(LG_OUT)) u_ids (
		.clk(clk), .rst(rst), .i_clear(i_flush),
		.i_wr_valid(take && !i_req_write[grant]), .o_wr_ready(id_ready), .i_wr_data(grant),
		.o_rd_valid(id_valid), .i_rd_ready(i_mem_resp_valid), .o_rd_data(id_head),
		.o_count(o_outstanding));

	genvar g;
	generate
		for (g = 0; g < NM; g = g + 1) begin : g_resp
			assign o_resp_valid[g] = i_mem_resp_valid && id_valid && id_head == g;
		end
	endgenerate
	assign o_resp_data = i_mem_resp_data;

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	// memory: responses only for reads it took
	always @(*)
		assume(!i_mem_resp_valid || id_valid);
	always @(*) begin
		// at most one master told ready, and only one that asked
		assert((o_req_ready & (o_req_ready - 1'b1)) == 0);
		assert((o_req_ready & ~i_req_valid) == 0);
	end
	always @(posedge clk)
		if (f_past_valid && !$past(rst) && !$past(i_flush)) begin
			// the memory request is held until taken
			if ($past(o_mem_req_valid) && !$past(i_mem_req_ready))
				assert(o_mem_req_valid && o_mem_req_addr == $past(o_mem_req_addr) &&
				       o_mem_req_write == $past(o_mem_req_write));
		end
	// each property reachable: every master granted while another asks, the
	// id FIFO full, a response to the last master while another one asks
	genvar f_m;
	generate
		for (f_m = 0; f_m < NM; f_m = f_m + 1) begin : g_fcov
			always @(posedge clk)
				if (f_past_valid && !rst)
					cover(o_req_ready[f_m] && (i_req_valid & ~o_req_ready) != 0);
		end
	endgenerate
	always @(posedge clk)
		if (f_past_valid && !rst) begin
			cover(!id_ready && o_mem_req_valid);
			cover(o_resp_valid[NM-1] && i_req_valid[0]);
		end
`ifdef FORMAL_FAIR
	// Round robin, bounded: while a master asks and may be taken, the others
	// are taken at most NM-1 times before it (NM with REG_GRANT: the grant
	// register was chosen a cycle before it asked).  A grant that never moves
	// on (a fixed scan start) starves the last master and fails this.
	localparam FAIR_MAX = NM - 1;
	genvar f_w;
	generate
		for (f_w = 0; f_w < NM; f_w = f_w + 1) begin : g_fair
			reg [3:0] byp_q;
			always @(posedge clk)
				if (rst || i_flush || !eligible[f_w] || o_req_ready[f_w])
					byp_q <= 0;
				else if ((o_req_ready & i_req_valid) != 0)
					byp_q <= byp_q + 1'b1;
			always @(*)
				if (f_past_valid && !rst)
					assert(byp_q <= FAIR_MAX);
			always @(posedge clk)
				if (f_past_valid && !rst)
					cover(byp_q == FAIR_MAX);
		end
	endgenerate
`endif
`endif
endmodule

`default_nettype wire
