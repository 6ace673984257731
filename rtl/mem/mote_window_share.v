// mote_window_share.v: one window checker for NP masters (small FPGAs): what
// NP mote_window_scan instances answer, one master at a time.  Each master
// (port p) keeps its own scan state, the window it tries (w_q) and the
// windows tried for its word (tries_q), as mote_window_scan does; one
// multiplexer of the windows, one subtractor and one comparator serve the
// port granted (g_q).  A port not granted sees neither hit nor fail and waits,
// as it waits while its scan tries windows.
//
// The grant (a register: nothing here depends on which ports want in the
// same cycle but through g_q) moves, round robin to the next port that
// wants, when the granted port
//   - does not want,
//   - had its word taken (i_restart) or failed it,
//   - or hit a word and registers its request (bit p of REL_ON_HIT: it stops
//     wanting the next cycle).
// Otherwise it stays: a port whose hit drives its memory request directly
// keeps the grant, and its request stays valid, until the request is taken,
// and a scan runs through the windows without a break.  So a port must want
// only when it can use a hit: a port waiting for room elsewhere must not want
// (it would hold the checker while the masters it waits for need it).
// Every port wants a memory request and the memory takes one per cycle, so
// sharing costs cycles only when masters ask in the same cycles (and a cycle
// when a port starts wanting while the grant rests on another).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_window_share #(
	// masters
	parameter NP = 3,
	// number of memory windows
	parameter NUM_WINDOWS = 4,
	// per port, the permission bit needed (the spec's WIN_PERM position), 2 bits a port
	parameter [2*NP-1:0] NEED_BITS = {NP{2'd0}},
	// bit p: port p registers its request on a hit (the grant moves on)
	parameter [NP-1:0] REL_ON_HIT = {NP{1'b0}},
	// address bits of the device's memory (32: the whole address space)
	parameter ADDR_W = 32,
	// window index bits (derived)
	parameter WW = (NUM_WINDOWS > 1) ? $clog2(NUM_WINDOWS) : 1,
	// port index bits (derived)
	parameter PW = (NP > 1) ? $clog2(NP) : 1
) (
	input  wire                      clk,
	input  wire                      rst,
	// per port, as mote_window_scan's i_clear, i_want, i_addr, i_restart
	input  wire [NP-1:0]             i_clear,
	input  wire [NP-1:0]             i_want,
	input  wire [NP*32-1:0]          i_addr,
	input  wire [NP-1:0]             i_restart,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// the CSR block reads window i_rd_w's registers this cycle: its base,
	// size and permissions on o_rd_* (combinational) from the multiplexer the
	// check uses, which checks nothing in that cycle (its port waits a cycle)
	input  wire                      i_rd,
	input  wire [WW-1:0]             i_rd_w,
	output wire [31:0]               o_rd_base,
	output wire [31:0]               o_rd_size,
	output wire [2:0]                o_rd_perm,
	// per port, as mote_window_scan's o_hit and o_fail, only for the port
	// granted (combinational)
	output wire [NP-1:0]             o_hit,
	output wire [NP-1:0]             o_fail
);
	localparam LGA = $clog2(`MOTE_WINDOW_ALIGN);
	localparam AB  = ADDR_W - LGA;   // bits of a block index below 2^ADDR_W
	localparam [31:0] WLAST32 = NUM_WINDOWS - 1;
	localparam [WW-1:0] WLAST = WLAST32[WW-1:0];
	localparam [31:0] PLAST32 = NP - 1;
	localparam [PW-1:0] PLAST = PLAST32[PW-1:0];

	reg  [PW-1:0]    g_q;                  // port granted
	reg  [NP*WW-1:0] w_q;                  // per port: window tried now
	reg  [NP*WW-1:0] tries_q;              // per port: windows tried for its word

	// the granted port's word and window
	wire [WW-1:0] w = w_q[g_q*WW +: WW];
	wire [31:0]   addr = i_addr[g_q*32 +: 32];
	wire [1:0]    need = NEED_BITS[g_q*2 +: 2];
	wire          want = i_want[g_q] && !i_rd;

	// the window: w, or the one the CSR block reads
	wire [WW-1:0] wm = i_rd ? i_rd_w : w;
	assign o_rd_base = i_win_base[32*wm +: 32];
	assign o_rd_size = i_win_size[32*wm +: 32];
	assign o_rd_perm = i_win_perm[3*wm +: 3];

	// the check, as mote_window_scan's
	wire [32:0]   base33 = {1'b0, o_rd_base};
	wire [32:0]   size33 = {1'b0, o_rd_size};
	wire          a_out  = ({32'd0, addr} >> ADDR_W) != 64'd0;
	wire [AB:0]   b = base33[LGA +: AB+1];
	wire [AB:0]   z = size33[LGA +: AB+1];
	wire [AB+1:0] d = {2'b0, addr[ADDR_W-1:LGA]} - {1'b0, b};
	wire          hit = want && o_rd_perm[need] && !a_out && !d[AB+1] && d[AB:0] < z;
	wire          miss = want && !hit;
	wire          fail = miss && tries_q[g_q*WW +: WW] == WLAST;

	assign o_hit  = {{(NP-1){1'b0}}, hit} << g_q;
	assign o_fail = {{(NP-1){1'b0}}, fail} << g_q;

	// the next port that wants after the granted one (the granted one last)
	reg          nx_any;
	reg [PW-1:0] nx;
	reg [PW-1:0] pp;
	integer k;
	always @(*) begin
		nx_any = 1'b0;
		nx = g_q;
		pp = g_q;
		for (k = 0; k < NP; k = k + 1) begin
			pp = (pp == PLAST) ? {PW{1'b0}} : pp + 1'b1;
			if (!nx_any && i_want[pp]) begin
				nx_any = 1'b1;
				nx = pp;
			end
		end
	end
	wire release_g = !i_want[g_q] || i_restart[g_q] || fail || (hit && REL_ON_HIT[g_q]);

	integer p;
	always @(posedge clk) begin
		if (rst)
			g_q <= {PW{1'b0}};
		else if (release_g && nx_any)
			g_q <= nx;
		for (p = 0; p < NP; p = p + 1) begin
			if (rst || i_clear[p])
				w_q[p*WW +: WW] <= {WW{1'b0}};
			else if (miss && g_q == p[PW-1:0])
				w_q[p*WW +: WW] <= (w == WLAST) ? {WW{1'b0}} : w + 1'b1;
			if (rst || i_clear[p] || i_restart[p])
				tries_q[p*WW +: WW] <= {WW{1'b0}};
			else if (miss && g_q == p[PW-1:0])
				tries_q[p*WW +: WW] <= tries_q[p*WW +: WW] + 1'b1;
		end
	end
	wire unused_bits = ^{base33, size33, addr[LGA-1:0]};   // beside the block index
endmodule

`default_nettype wire
