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
//
// WIN_RAM: the windows' bases and sizes live in a block RAM here instead of
// the CSR block's flip-flops (a logic cell each on an iCE40, and the
// multiplexer picking one window): written through i_ww_* (the CSR block's
// registered window writes), read a cycle ahead: the RAM's address is the
// window the granted port tries in the next cycle (the next state of g_q and
// w_q), so its data is the window tried now.  A base or size not written
// since reset reads 0 (a bit per register).  The CSR block's read-back asks a
// cycle ahead too (i_rd_pre with i_rd_w, then i_rd): its window takes the
// RAM's address for that cycle, and the check rests in the next (i_rd).  The
// permissions stay on i_win_perm (flip-flops that reset).
//
// BLOCK_HOLD: each port keeps the answer of its last check with the 64-byte
// block it was for (a block index, a hit and a fail bit), and its o_hit and
// o_fail come from them (flip-flops and a compare with its word's block)
// whether it is granted or not: the windows are aligned to 64 bytes, so one
// answer holds for every word of a block.  Only a port whose word is in a
// block without an answer asks for the checker, which checks it to its end
// (a hit or every window tried) and then moves on.  A master's memory request
// then no longer follows the check of its own cycle, and the grant moves on
// an answer, not on the master's request being taken: neither the arbiter nor
// the masters are on the path into the checker's next state any more.  An
// address outside the memory fails at once.  i_inval (a job's start) and a
// port's i_clear forget the answers: the windows change only between jobs.
//
// WIN_RAM with BLOCK_HOLD (SPEC): the check (the granted port's address
// multiplexer, a subtractor and a comparator, two carry chains) ends in
// flip-flops only (the kept answer, w_q, tries_q), not in the RAM's address
// nor the grant: the RAM reads the window after w while the granted port
// checks (a miss's next window), and the grant moves when its port stops
// asking (the cycle after its answer is kept).  The check waits a cycle
// whenever the RAM's output is not the granted port's window w (a port that
// asks again just after a hit, or a read-back's cycle): so the RAM's address
// is a guess that costs a cycle when wrong, never a wrong answer.
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
	// 1: bases and sizes in a block RAM written through i_ww_* (above)
	parameter WIN_RAM = 0,
	// 1: each port's answer kept per 64-byte block (BLOCK_HOLD, above)
	parameter BLOCK_HOLD = 0,
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
	// BLOCK_HOLD: forget every port's kept answer (a job starts: the windows
	// may have changed since)
	input  wire                      i_inval,
	input  wire [NUM_WINDOWS*32-1:0] i_win_base,
	input  wire [NUM_WINDOWS*32-1:0] i_win_size,
	input  wire [NUM_WINDOWS*3-1:0]  i_win_perm,
	// WIN_RAM: a window register write (lane bit 0 the base, 1 the size; the
	// value as the CSR block keeps it), and the read-back's address cycle
	input  wire                      i_ww_valid,
	input  wire [WW-1:0]             i_ww_w,
	input  wire [1:0]                i_ww_lane,
	input  wire [31:0]               i_ww_value,
	input  wire                      i_rd_pre,
	// the CSR block reads window i_rd_w's registers this cycle: its base,
	// size and permissions on o_rd_* (combinational) from the multiplexer the
	// check uses, which checks nothing in that cycle (its port waits a cycle);
	// WIN_RAM: i_rd_w comes with i_rd_pre the cycle before
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
	// WIN_RAM with BLOCK_HOLD: the RAM's next address and the grant do not
	// follow this cycle's check (SPEC, above)
	localparam SPEC = (WIN_RAM != 0 && BLOCK_HOLD != 0) ? 1 : 0;

	reg  [PW-1:0]    g_q;                  // port granted
	reg  [NP*WW-1:0] w_q;                  // per port: window tried now
	reg  [NP*WW-1:0] tries_q;              // per port: windows tried for its word

	// the ports that want the checker: every port that wants, or with
	// BLOCK_HOLD those whose word's block has no answer kept
	wire [NP-1:0] ask;
	// the granted port's word and window
	wire [WW-1:0] w = w_q[g_q*WW +: WW];
	wire [31:0]   addr = i_addr[g_q*32 +: 32];
	wire [1:0]    need = NEED_BITS[g_q*2 +: 2];
	wire          w_ok;   // the window on the RAM's output is w (SPEC; else 1)
	wire          want = ask[g_q] && !i_rd && w_ok;
	wire [WW-1:0] w_inc = (w == WLAST) ? {WW{1'b0}} : w + 1'b1;

	// the next state (registered below): the port granted and the windows tried
	reg  [PW-1:0]    g_d;
	reg  [NP*WW-1:0] w_d, tries_d;
	// the window the RAM reads for the next cycle: exactly the one tried then,
	// or with SPEC the one tried then unless this cycle's check hits (the
	// window after w while the granted port checks: a miss's next window;
	// after a hit the port stops asking, so it goes unused)
	wire [WW-1:0]    w_nx = SPEC == 0 ? w_d[g_d*WW +: WW] :
				(rst || i_clear[g_d]) ? {WW{1'b0}} : want ? w_inc : w_q[g_d*WW +: WW];

	// the window: w, or the one the CSR block reads
	wire [WW-1:0] wm;
	generate
		if (WIN_RAM != 0) begin : g_ram
			localparam BW = ADDR_W + 1 - LGA;   // bits kept: LGA .. ADDR_W
			wire [WW-1:0]   raddr = (i_rd_pre && !rst) ? i_rd_w : w_nx;
			reg  [WW-1:0]   raddr_q;             // the window on the RAM's output
			reg  [NUM_WINDOWS-1:0] wb_q, ws_q;   // base, size written since reset
			reg             mb_q, ms_q;          // ... for the window on the RAM's output
			wire [2*BW-1:0] rdata;
`ifdef FORMAL
			wire [NUM_WINDOWS*2*BW-1:0] f_rows;   // the RAM's rows (proof only)
`endif
			always @(posedge clk) begin
				raddr_q <= raddr;
				// (registered with the read, so not between the RAM and the
				// check; a row written in the read's cycle is not read then,
				// RW_OLD 0, so its old flag goes with its old row)
				mb_q    <= !rst && wb_q[raddr];
				ms_q    <= !rst && ws_q[raddr];
				if (rst) begin
					wb_q <= {NUM_WINDOWS{1'b0}};
					ws_q <= {NUM_WINDOWS{1'b0}};
				end else if (i_ww_valid) begin
					wb_q[i_ww_w] <= wb_q[i_ww_w] | i_ww_lane[0];
					ws_q[i_ww_w] <= ws_q[i_ww_w] | i_ww_lane[1];
				end
			end
			mote_sram_1r1w #(.WIDTH(2 * BW), .DEPTH(NUM_WINDOWS), .LANES(2), .RW_OLD(0)) u_win (
				.clk(clk), .i_we(i_ww_lane & {2{i_ww_valid}}), .i_waddr(i_ww_w),
				.i_wdata({i_ww_value[LGA +: BW], i_ww_value[LGA +: BW]}),
				.i_re(1'b1), .i_raddr(raddr), .o_rdata(rdata)
`ifdef FORMAL
				, .f_mem(f_rows)
`endif
				);
			wire [32:0] rb = {{(33-BW-LGA){1'b0}}, rdata[BW-1:0] & {BW{mb_q}}, {LGA{1'b0}}};
			wire [32:0] rs = {{(33-BW-LGA){1'b0}}, rdata[2*BW-1:BW] & {BW{ms_q}}, {LGA{1'b0}}};
			assign o_rd_base = rb[31:0];
			assign o_rd_size = rs[31:0];
			assign wm = raddr_q;
			assign w_ok = SPEC == 0 || raddr_q == w;
			wire unused_ram = ^{rb[32], rs[32], i_win_base, i_win_size, i_ww_value};
		end else begin : g_regs
			assign wm = i_rd ? i_rd_w : w;
			assign w_ok = 1'b1;
			assign o_rd_base = i_win_base[32*wm +: 32];
			assign o_rd_size = i_win_size[32*wm +: 32];
			wire unused_ww = ^{i_ww_valid, i_ww_w, i_ww_lane, i_ww_value, i_rd_pre, w_nx};
		end
	endgenerate
	assign o_rd_perm = i_win_perm[3*wm +: 3];

	// the check, as mote_window_scan's
	wire [32:0]   base33 = {1'b0, o_rd_base};
	wire [32:0]   size33 = {1'b0, o_rd_size};
	// (BLOCK_HOLD: a port asks only with its word inside the memory, so this
	// multiplexer of the address's high bits is not built)
	wire          a_out  = BLOCK_HOLD == 0 && ({32'd0, addr} >> ADDR_W) != 64'd0;
	wire [AB:0]   b = base33[LGA +: AB+1];
	wire [AB:0]   z = size33[LGA +: AB+1];
	wire [AB+1:0] d = {2'b0, addr[ADDR_W-1:LGA]} - {1'b0, b};
	// d < z as the borrow of an exact subtraction: a carry chain (as a
	// comparison it became LUT levels)
	wire          lt  = (({1'b0, d[AB:0]} - {1'b0, z}) >> (AB + 1)) != {(AB+2){1'b0}};
	wire          hit = want && o_rd_perm[need] && !a_out && !d[AB+1] && lt;
	wire          miss = want && !hit;
	wire          fail = miss && tries_q[g_q*WW +: WW] == WLAST;
	wire [NP-1:0] done_p;   // the granted port's check ended (BLOCK_HOLD: its answer kept)

	generate
		if (BLOCK_HOLD != 0) begin : g_hold
			// per port: the block of its last answer, and the answer
			reg  [NP*AB-1:0] blk_q;
			reg  [NP-1:0]    ok_q, no_q;
			wire [NP-1:0]    in_mem, same;
			genvar gp;
			for (gp = 0; gp < NP; gp = gp + 1) begin : g_port
				assign in_mem[gp] = ({32'd0, i_addr[gp*32 +: 32]} >> ADDR_W) == 64'd0;
				assign same[gp]   = i_addr[gp*32 + LGA +: AB] == blk_q[gp*AB +: AB];
			end
			// outside the memory: no window can hold it (fails at once)
			assign ask    = i_want & in_mem & ~((ok_q | no_q) & same);
			assign o_hit  = i_want & in_mem & ok_q & same;
			assign o_fail = i_want & (~in_mem | (no_q & same));
			assign done_p = {{(NP-1){1'b0}}, hit || fail} << g_q;
			integer q;
			always @(posedge clk) begin
				for (q = 0; q < NP; q = q + 1) begin
					if (rst || i_inval || i_clear[q]) begin
						ok_q[q] <= 1'b0;
						no_q[q] <= 1'b0;
					end else if (done_p[q]) begin
						ok_q[q] <= hit;
						no_q[q] <= !hit;
					end
					if (done_p[q])
						blk_q[q*AB +: AB] <= addr[LGA +: AB];
				end
			end
		end else begin : g_word
			assign ask    = i_want;
			assign o_hit  = {{(NP-1){1'b0}}, hit} << g_q;
			assign o_fail = {{(NP-1){1'b0}}, fail} << g_q;
			assign done_p = {NP{1'b0}};
			wire unused_inval = i_inval;
		end
	endgenerate

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
			if (!nx_any && ask[pp]) begin
				nx_any = 1'b1;
				nx = pp;
			end
		end
	end
	// BLOCK_HOLD: a check's end keeps its answer, so its port stops asking the
	// next cycle and the grant moves then (a cycle later than on the hit
	// itself, which keeps the check off the path into the grant and the RAM)
	wire release_g = BLOCK_HOLD != 0 ? !ask[g_q] :
			 (!i_want[g_q] || i_restart[g_q] || fail || (hit && REL_ON_HIT[g_q]));

	integer p;
	always @(*) begin
		g_d = (release_g && nx_any) ? nx : g_q;
		if (rst)
			g_d = {PW{1'b0}};
		w_d = w_q;
		tries_d = tries_q;
		for (p = 0; p < NP; p = p + 1) begin
			if (rst || i_clear[p])
				w_d[p*WW +: WW] = {WW{1'b0}};
			else if (miss && g_q == p[PW-1:0])
				w_d[p*WW +: WW] = w_inc;
			// BLOCK_HOLD: a check ends with its answer, and a job's start or a
			// new word begins a scan afresh (a scan cut short when its port
			// stopped wanting, at a job's end say, must not count the windows
			// it tried for the next job's windows: found by the proof)
			if (rst || i_clear[p] || i_restart[p] || (BLOCK_HOLD != 0 && (done_p[p] || i_inval)))
				tries_d[p*WW +: WW] = {WW{1'b0}};
			else if (miss && g_q == p[PW-1:0])
				tries_d[p*WW +: WW] = tries_q[p*WW +: WW] + 1'b1;
		end
	end
	always @(posedge clk) begin
		g_q     <= g_d;
		w_q     <= w_d;
		tries_q <= tries_d;
	end
	wire unused_bits = ^{base33, size33, addr[LGA-1:0]};   // beside the block index
`ifdef FORMAL
	// What the CSR block and the masters guarantee: window values aligned and
	// clamped to 2^ADDR_W (win_value), written only while no master checks
	// (the CSR block takes window writes only between jobs), so not in a
	// cycle a port wants nor in the one after (the RAM's write lands then);
	// the read-back's data cycle follows its address cycle; 8-byte words, a
	// word's address held until it is taken (i_restart).
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	reg f_pre_q, f_ww_q;
	reg [NUM_WINDOWS*3-1:0] f_perm_q;
	reg [NP*32-1:0]          f_addr_q;
	reg [NP-1:0]             f_keep_q;
	always @(posedge clk) begin
		f_pre_q  <= !rst && i_rd_pre;
		f_ww_q   <= i_ww_valid;
		f_perm_q <= i_win_perm;
		f_addr_q <= i_addr;
		f_keep_q <= ~(i_clear | i_restart) & {NP{!rst}};
	end
	// the windows as the registers hold them (0 until written after reset)
	reg [NUM_WINDOWS*32-1:0] f_base, f_size;
	integer f_a;
	always @(posedge clk)
		if (rst) begin
			f_base <= 0;
			f_size <= 0;
		end else if (i_ww_valid) begin
			if (i_ww_lane[0])
				f_base[i_ww_w*32 +: 32] <= i_ww_value;
			if (i_ww_lane[1])
				f_size[i_ww_w*32 +: 32] <= i_ww_value;
		end
	wire f_wchange = i_ww_valid || (f_past_valid && i_win_perm != f_perm_q);
	// (make formal, rtl/formal/mote_window_share_ram.ys, unbounded: the RAM's
	// output is the window tried, and the window tried is answered exactly, for
	// the windows as written)
	always @(*) begin
		if (!f_past_valid)
			assume(rst);
		if (WIN_RAM != 0)
			assume(i_rd == f_pre_q);
		assume(i_ww_value[LGA-1:0] == 0 && {32'd0, i_ww_value} <= (64'd1 << ADDR_W));
		if (f_wchange || f_ww_q)
			assume(i_want == 0);
		// BLOCK_HOLD: the windows change only between jobs, and a job's start
		// forgets the answers kept (the CSR block's START)
		if (BLOCK_HOLD != 0 && f_wchange)
			assume(i_inval);
		for (f_a = 0; f_a < NP; f_a = f_a + 1) begin
			assume(i_addr[f_a*32 +: 3] == 0);
			if (f_past_valid && f_keep_q[f_a])
				assume(i_addr[f_a*32 +: 32] == f_addr_q[f_a*32 +: 32]);
		end
	end
	// the spec's answer for port p's word at address addr_p and window w:
	// 33-bit sums, nothing narrowed, the word inside the device's memory
	function f_inside_at;
		input integer p;
		input [31:0] addr_p;
		input integer w;
		reg [33:0] a, b, z;
		begin
			a = {2'd0, addr_p};
			b = {2'd0, f_base[w*32 +: 32]};
			z = {2'd0, f_size[w*32 +: 32]};
			f_inside_at = i_win_perm[w*3 + NEED_BITS[p*2 +: 2]] && a >= b && a + 34'd8 <= b + z &&
				      a + 34'd8 <= (34'd1 << ADDR_W);
		end
	endfunction
	// ... for port p's word now
	function f_inside;
		input integer p, w;
		reg [31:0] a;
		begin
			a = i_addr >> (p * 32);
			f_inside = f_inside_at(p, a, w);
		end
	endfunction
	// per port: some window holds its word
	reg [NP-1:0] f_any;
	integer f_ap, f_aw;
	always @(*) begin
		f_any = {NP{1'b0}};
		for (f_ap = 0; f_ap < NP; f_ap = f_ap + 1)
			for (f_aw = 0; f_aw < NUM_WINDOWS; f_aw = f_aw + 1)
				f_any[f_ap] = f_any[f_ap] | f_inside(f_ap, f_aw);
	end
	integer f_p;
	always @(*)
		if (f_past_valid && !rst) begin
			assert(g_q < NP);
			for (f_p = 0; f_p < NP; f_p = f_p + 1)
				assert(w_q[f_p*WW +: WW] <= WLAST && tries_q[f_p*WW +: WW] <= WLAST);
			// the RAM's output is the window the check uses
			if (WIN_RAM != 0 && (SPEC != 0 ? want : !i_rd))
				assert(wm == w);
			// the window tried is answered exactly
			if (want)
				assert(hit == f_inside(g_q, w));
			// only the port granted hears an answer; with BLOCK_HOLD any port
			// may, from its kept answer, which must be the spec's
			if (BLOCK_HOLD == 0)
				assert((o_hit | o_fail) == ((hit || fail) ? ({{(NP-1){1'b0}}, 1'b1} << g_q) : {NP{1'b0}}));
			for (f_p = 0; f_p < NP; f_p = f_p + 1) begin
				assert(!(o_hit[f_p] && o_fail[f_p]));
				if (o_hit[f_p])
					assert(f_any[f_p]);
				if (o_fail[f_p])
					assert(!f_any[f_p]);
			end
		end
	// invariants for k-induction (BLOCK_HOLD): a kept answer is the spec's for
	// the port's word while it stays in the block; a scan under way has
	// missed every window it tried (the tries_q windows before w_q)
	integer f_q, f_k;
	reg [WW-1:0] f_wt;
	reg          f_blk_any;
	generate
		if (BLOCK_HOLD != 0) begin : g_finv
			always @(*)
				if (f_past_valid && !rst && !f_ww_q && !f_wchange)
					for (f_q = 0; f_q < NP; f_q = f_q + 1) begin
						assert(!(g_hold.ok_q[f_q] && g_hold.no_q[f_q]));
						if (g_hold.ok_q[f_q] && g_hold.same[f_q] && g_hold.in_mem[f_q])
							assert(f_any[f_q]);
						if (g_hold.no_q[f_q] && g_hold.same[f_q] && g_hold.in_mem[f_q])
							assert(!f_any[f_q]);
						// whatever the port's word now: the answer kept is
						// the spec's for its block (the block's first word;
						// the windows are aligned to blocks)
						f_blk_any = 1'b0;
						for (f_k = 0; f_k < NUM_WINDOWS; f_k = f_k + 1)
							f_blk_any = f_blk_any | f_inside_at(f_q,
								{{(32-ADDR_W){1'b0}}, g_hold.blk_q[f_q*AB +: AB], {LGA{1'b0}}}, f_k);
						if (g_hold.ok_q[f_q])
							assert(f_blk_any);
						if (g_hold.no_q[f_q])
							assert(!f_blk_any);
						for (f_k = 1; f_k < NUM_WINDOWS; f_k = f_k + 1) begin
							f_wt = w_q[f_q*WW +: WW] - f_k[WW-1:0];
							if (f_k <= tries_q[f_q*WW +: WW])
								assert(!f_inside(f_q, f_wt));
						end
					end
		end
	endgenerate
	// invariants for k-induction (WIN_RAM): the RAM's rows hold the windows as
	// written (a row's base or size not written since reset: its flag clear,
	// the register 0), and its output is the row raddr_q names with that
	// row's flags, but in the cycle after a write (the row written may have
	// been read then: RW_OLD 0)
	integer f_r;
	generate
		if (WIN_RAM != 0) begin : g_fram
			localparam FBW = ADDR_W + 1 - LGA;
			localparam [31:0] FZ = 32'd0;
			always @(*)
				if (f_past_valid) begin
					for (f_r = 0; f_r < NUM_WINDOWS; f_r = f_r + 1) begin
						assert(f_base[f_r*32 +: 32] == (g_ram.wb_q[f_r] ?
						       {FZ[31:FBW+LGA], g_ram.f_rows[f_r*2*FBW +: FBW], FZ[LGA-1:0]} : 32'd0));
						assert(f_size[f_r*32 +: 32] == (g_ram.ws_q[f_r] ?
						       {FZ[31:FBW+LGA], g_ram.f_rows[f_r*2*FBW + FBW +: FBW], FZ[LGA-1:0]} : 32'd0));
					end
					if (!f_ww_q) begin
						assert(g_ram.rdata == g_ram.f_rows[g_ram.raddr_q*2*FBW +: 2*FBW]);
						assert(g_ram.mb_q == g_ram.wb_q[g_ram.raddr_q]);
						assert(g_ram.ms_q == g_ram.ws_q[g_ram.raddr_q]);
					end
				end
		end
	endgenerate
	always @(posedge clk)
		if (f_past_valid && !rst) begin
			cover(fail);
			cover(hit && g_q == 2 && tries_q[2*WW +: WW] == WLAST);
			cover(i_rd && o_rd_size != 0);
			// SPEC: a port asks while the RAM shows another window (it waits)
			cover(ask[g_q] && !i_rd && !w_ok);
		end
`endif
endmodule

`default_nettype wire
