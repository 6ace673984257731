// mote_csr.v: the spec's registers, the job FSM, first-error capture, watchdog
// and perf counters (mote_perf).
// Job FSM: IDLE --START--> RUN --(END seen, queues empty, units idle, no read
// outstanding)--> IDLE with DONE; RUN --(unit error, host ABORT, watchdog)-->
// DRAIN: abort held to every unit until all are idle and no read is
// outstanding, then IDLE with DONE|ERROR.  Every job end sets STATUS.IRQ; the
// line is STATUS.IRQ & IRQ_EN.  The first error of a job wins (same cycle: the
// lowest source).  Watchdog and ABORT report ERR_CMD = the lowest command index
// a busy unit (or the fetcher) holds.  A watchdog expiry during DRAIN (memory
// no longer answering) ends the job anyway and flushes the arbiter.
// CSR reads answer the cycle after the request.  CMD_BASE, CMD_COUNT and the
// windows ignore writes while a job runs.  END counts as a retired command.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_csr #(
	// geometry reported in GEOMETRY and the depth registers
	parameter ROWS = 8,
	parameter COLS = 8,
	parameter MEM_BYTES = 16,
	parameter ABUF_DEPTH = 4096,
	parameter WBUF_DEPTH = 1024,
	parameter BBUF_DEPTH = 96,
	parameter ACC_DEPTH = 1024,
	// FEATURES.DEPTHWISE
	parameter DEPTHWISE = 1,
	// FEATURES.SPARSE
	parameter SPARSE = 0,
	// FEATURES.ACC_MAX
	parameter ACC_MAX = 1,
	// FEATURES.STORE_ADD
	parameter STORE_ADD = 1,
	// FEATURES.ROUND_TFL
	parameter ROUND_TFL = 1,
	// FEATURES.LOAD_SPLIT and FEATURES.W_PAIR
	parameter LOAD_SPLIT = 0,
	// FEATURES.TOKEN_IDX (mote_top PUSH_IDX)
	parameter TOKEN_IDX = 1,
	// FEATURES.QUEUES
	parameter QUEUES = 0,
	// memory windows
	parameter NUM_WINDOWS = `MOTE_NUM_WINDOWS,
	// address bits of the device's memory (32: the whole address space); a
	// window's base and size are kept clamped to 2^MEM_ADDR_W (see below)
	parameter MEM_ADDR_W = 32,
	// 1: window registers read back through i_wrd_* (the shared window
	// checker's multiplexer, mote_top WIN_SHARE) instead of a multiplexer here;
	// 2: also the bases and sizes kept there (its block RAM, mote_window_share
	// WIN_RAM): written through o_ww_*, read back asking a cycle ahead
	// (o_wrd_pre, o_wrd_w), the data on i_wrd_* the cycle after (o_wrd), so
	// such a read answers two cycles later than the others
	parameter WIN_RD_EXT = 0,
	// bits of a command index (mote_top): the index inputs' bits above are 0
	parameter IDX_W = 32,
	// perf counters kept (bit i: counter i) and their width (see mote_perf)
	parameter PERF_SET = (1 << `MOTE_NUM_PERF) - 1,
	parameter PERF_W = 64,
	// error sources (fetch, load, compute, store, tokens)
	parameter NSRC = 5,
	// command holders reported by the watchdog (fetch, load, compute, store)
	parameter NHOLD = 4,
	// 1: CMD_BASE, CMD_COUNT and WDT_LIMIT as written kept in a block RAM (a
	// small FPGA's logic cells): CMD_BASE and CMD_COUNT only there, read out to
	// the fetcher at START (o_base_load, then o_start a cycle or two later, both
	// on the same bus), and every register read takes a cycle more (the RAM's)
	parameter CFG_RAM = 0
) (
	input  wire                      clk,
	input  wire                      rst,
	// host register port
	input  wire                      i_csr_valid,
	input  wire                      i_csr_write,
	input  wire [11:0]               i_csr_addr,
	input  wire [31:0]               i_csr_wdata,
	output reg  [31:0]               o_csr_rdata,
	output reg                       o_csr_rvalid,
	output wire                      o_irq,
	// job control toward the units
	output wire                      o_start,       // one cycle, with o_cmd_base/count
	// CFG_RAM: CMD_BASE on o_cmd_base (the same bus as o_cmd_count) the cycle
	// before o_start or earlier; o_base_ok/o_count_ok: written since reset (else 0)
	output wire                      o_base_load,
	output wire                      o_base_ok,
	output wire                      o_count_ok,
	output reg                       o_abort,
	output wire                      o_busy,
	output reg                       o_arb_flush,
	output wire [31:0]               o_cmd_base,
	output wire [31:0]               o_cmd_count,
	output reg  [NUM_WINDOWS*32-1:0] o_win_base,
	output reg  [NUM_WINDOWS*32-1:0] o_win_size,
	output reg  [NUM_WINDOWS*3-1:0]  o_win_perm,
	// WIN_RD_EXT: the registers of the window i_csr_addr[5:4] names, in the
	// cycle of a read of the windows' region (combinational, from o_win_*)
	input  wire [31:0]               i_wrd_base,
	input  wire [31:0]               i_wrd_size,
	input  wire [2:0]                i_wrd_perm,
	// WIN_RD_EXT 2: window writes (lane bit 0 BASE, 1 SIZE; the value clamped)
	// and the read-back's two cycles
	output reg                       o_ww_valid,
	output reg  [1:0]                o_ww_w,
	output reg  [1:0]                o_ww_lane,
	output reg  [31:0]               o_ww_value,
	output reg                       o_wrd_pre,
	output reg                       o_wrd,
	output reg  [1:0]                o_wrd_w,
	// unit status
	input  wire [NSRC-1:0]           i_err_valid,
	input  wire [NSRC*8-1:0]         i_err_code,
	input  wire [NSRC*32-1:0]        i_err_idx,
	input  wire [NSRC*32-1:0]        i_err_addr,
	input  wire                      i_end_seen,    // fetch decoded END
	input  wire                      i_quiet,       // queues empty, fetch and units idle
	input  wire                      i_mem_idle,    // no read outstanding, no request pending
	input  wire                      i_progress,    // watchdog: something moved this cycle
	input  wire [NHOLD-1:0]          i_hold_valid,
	input  wire [NHOLD*32-1:0]       i_hold_idx,
	input  wire [1:0]                i_retire_n,    // commands retired this cycle
	// perf increments per counter (CYCLES and CMDS are filled in here)
	input  wire [`MOTE_NUM_PERF*32-1:0] i_perf_inc
);
	localparam NP = `MOTE_NUM_PERF;
	localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1, S_DRAIN = 2'd2;
	localparam [31:0] WALIGN_MASK = ~(`MOTE_WINDOW_ALIGN - 1);
	localparam [31:0] MEM_MASK    = (MEM_ADDR_W >= 32) ? 32'hffff_ffff : (32'd1 << (MEM_ADDR_W % 32)) - 1;

	reg [1:0]  state_q;
	reg        done_q, error_q, irq_q, irq_en_q;
	reg [7:0]  err_code_q;
	reg [IDX_W-1:0] err_cmd_q;
	reg [31:0] err_addr_q, wdt_limit_q, wdt_q, hi_latch_q;
	reg [1:0]  drain_q;   // cycles spent in DRAIN (saturating), abort must settle
	wire [32:0] err_cmd33 = {{(33-IDX_W){1'b0}}, err_cmd_q};   // (33 first: IDX_W may be 32)
	wire [31:0] err_cmd32 = err_cmd33[31:0];
	wire        unused_err_cmd = err_cmd33[32];

	// The register map as this block decodes it: single registers and the
	// windows' registers by their addresses in reads (WIN_B + w * WIN_BS and so
	// on); writes to the windows by their 16-byte groups in one 64-byte region
	// (a[5:4] the window, a[3:2] BASE, SIZE or PERM); the perf counters' LO/HI
	// pairs in one 256-byte region (a[7:3] the counter, a[2] LO or HI).
	localparam [11:0] WIN_B  = `MOTE_REG_WIN_BASE;
	localparam [11:0] WIN_S  = `MOTE_REG_WIN_SIZE;
	localparam [11:0] WIN_P  = `MOTE_REG_WIN_PERM;
	localparam [11:0] WIN_BS = `MOTE_REG_WIN_BASE_STRIDE;
	localparam [11:0] WIN_SS = `MOTE_REG_WIN_SIZE_STRIDE;
	localparam [11:0] WIN_PS = `MOTE_REG_WIN_PERM_STRIDE;
	localparam [11:0] PERF_L = `MOTE_REG_PERF_LO;
	localparam [5:0]  WIN_REGION   = WIN_B[11:6];
	localparam [1:0]  WIN_BASE_OFF = WIN_B[3:2];
	localparam [1:0]  WIN_SIZE_OFF = WIN_S[3:2];
	localparam [1:0]  WIN_PERM_OFF = WIN_P[3:2];
	localparam [3:0]  PERF_REGION  = PERF_L[11:8];
	generate
		if (`MOTE_REG_WIN_BASE % 64 != 0 || NUM_WINDOWS > 4 || `MOTE_REG_WIN_BASE_STRIDE != 16 ||
		    `MOTE_REG_WIN_SIZE_STRIDE != 16 || `MOTE_REG_WIN_PERM_STRIDE != 16 ||
		    `MOTE_REG_WIN_SIZE != `MOTE_REG_WIN_BASE + 4 || `MOTE_REG_WIN_PERM != `MOTE_REG_WIN_BASE + 8 ||
		    `MOTE_REG_PERF_LO % 256 != 0 || `MOTE_REG_PERF_LO_STRIDE != 8 || `MOTE_REG_PERF_HI_STRIDE != 8 ||
		    `MOTE_REG_PERF_HI != `MOTE_REG_PERF_LO + 4 || `MOTE_NUM_PERF > 32) begin : g_bad_map
			mote_csr_register_map_not_decoded u_stop ();
		end
	endgenerate
	wire wr = i_csr_valid && i_csr_write;
	wire rd = i_csr_valid && !i_csr_write;
	wire ctrl_wr = wr && i_csr_addr == `MOTE_REG_CTRL;
	wire win_wr  = wr && i_csr_addr[11:6] == WIN_REGION && i_csr_addr[1:0] == 2'd0 &&
		       {30'd0, i_csr_addr[5:4]} < NUM_WINDOWS;
	// CFG_RAM: START reads CMD_BASE, then CMD_COUNT from the RAM (seq_q: 1 base
	// read, 3 count read waiting for a register read to leave the port, 2 count
	// read); the job starts with the count
	wire [1:0] seq_q;
	wire       idle = state_q == S_IDLE && seq_q == 2'd0;
	wire       start_wr = ctrl_wr && i_csr_wdata[`MOTE_CTRL_START] && idle;
	assign o_start = CFG_RAM != 0 ? seq_q == 2'd2 : start_wr;
	assign o_base_load = CFG_RAM != 0 && seq_q == 2'd1;
	wire host_abort = ctrl_wr && i_csr_wdata[`MOTE_CTRL_ABORT] && state_q == S_RUN;
	assign o_busy = !idle;
	assign o_irq  = irq_q && irq_en_q;

	// ---- first error among simultaneous sources: the lowest source number ----
	// The winner as a one-hot vector (the lowest valid bit), its fields an
	// AND-OR of the sources: two sources' bits per LUT instead of a chain of
	// 2:1 multiplexers, one per source and bit.
	wire [NSRC-1:0] e_first = i_err_valid & ~(i_err_valid - 1'b1);
	wire            e_any   = |i_err_valid;
	reg  [7:0]      e_code;
	reg  [IDX_W-1:0] e_idx;
	reg  [31:0]     e_addr;
	integer s;
	always @(*) begin
		e_code = 8'd0;
		e_idx = {IDX_W{1'b0}};
		e_addr = 32'd0;
		for (s = 0; s < NSRC; s = s + 1) begin
			e_code = e_code | (i_err_code[s*8 +: 8] & {8{e_first[s]}});
			e_idx  = e_idx | (i_err_idx[s*32 +: IDX_W] & {IDX_W{e_first[s]}});
			e_addr = e_addr | (i_err_addr[s*32 +: 32] & {32{e_first[s]}});
		end
	end

	// ---- lowest command index held (watchdog, abort) ----
	// The fetcher's index (holder 0: the next command it decodes) is above
	// every index a unit holds (those commands were decoded before), so it
	// counts only when no unit holds one: the minimum is taken over the units
	// alone, one comparator fewer.
	reg [IDX_W-1:0] held_idx;
	reg        held_any;
	integer h;
	always @(*) begin
		held_any = 1'b0;
		held_idx = {IDX_W{1'b0}};
		for (h = 1; h < NHOLD; h = h + 1)
			if (i_hold_valid[h] && (!held_any || i_hold_idx[h*32 +: IDX_W] < held_idx)) begin
				held_any = 1'b1;
				held_idx = i_hold_idx[h*32 +: IDX_W];
			end
		if (!held_any)
			held_idx = i_hold_idx[IDX_W-1:0] & {IDX_W{i_hold_valid[0]}};
	end
	wire unused_idx = ^{i_err_idx, i_hold_idx};   // the bits above IDX_W: 0
	wire unused_wrd = WIN_RD_EXT == 0 && ^{i_wrd_base, i_wrd_size, i_wrd_perm};

	// ---- watchdog: WDT_LIMIT cycles without progress (0: 2^32) ----
	// wdt_q counts down from WDT_LIMIT, reloaded by progress (and while idle):
	// it fires on the WDT_LIMIT-th cycle in a row without progress, 0 wrapping
	// to 2^32 - 1 first (a compare with 1 instead of with WDT_LIMIT - 1: no
	// subtractor)
	wire wdt_fire = (wdt_q == 32'd1) && !i_progress;

	wire normal_end = state_q == S_RUN && !e_any && !host_abort && !wdt_fire &&
			  i_end_seen && i_quiet && i_mem_idle;
	wire drain_end  = state_q == S_DRAIN && ((drain_q == 2'd3 && i_quiet && i_mem_idle) || wdt_fire);

	always @(posedge clk) begin
		if (rst) begin
			state_q <= S_IDLE;
			done_q <= 1'b0;
			error_q <= 1'b0;
			irq_q <= 1'b0;
			irq_en_q <= 1'b0;
			o_abort <= 1'b0;
			o_arb_flush <= 1'b0;
			err_code_q <= `MOTE_ERR_NONE;
			err_cmd_q <= {IDX_W{1'b0}};
			err_addr_q <= 32'd0;
			wdt_q <= 32'd0;
			drain_q <= 2'd0;
		end else begin
			o_arb_flush <= 1'b0;
			if (i_progress || state_q == S_IDLE)
				wdt_q <= wdt_limit_q;
			else
				wdt_q <= wdt_q - 1'b1;
			if (drain_q != 2'd3)
				drain_q <= drain_q + 1'b1;
			if (wr && i_csr_addr == `MOTE_REG_IRQ_ACK && i_csr_wdata[0])
				irq_q <= 1'b0;
			case (state_q)
			S_IDLE: begin
				if (start_wr) begin
					done_q <= 1'b0;
					error_q <= 1'b0;
					irq_q <= 1'b0;
					irq_en_q <= i_csr_wdata[`MOTE_CTRL_IRQ_EN];
					err_code_q <= `MOTE_ERR_NONE;
					err_cmd_q <= {IDX_W{1'b0}};
					err_addr_q <= 32'd0;
				end
				if (o_start)
					state_q <= S_RUN;
			end
			S_RUN:
				if (e_any || host_abort || wdt_fire) begin
					state_q <= S_DRAIN;
					o_abort <= 1'b1;
					drain_q <= 2'd0;
					wdt_q <= wdt_limit_q;
					err_code_q <= e_any ? e_code : host_abort ? `MOTE_ERR_ABORTED : `MOTE_ERR_WATCHDOG;
					err_cmd_q  <= e_any ? e_idx : held_idx;
					err_addr_q <= e_addr;   // (0 without a unit's error)
				end else if (normal_end) begin
					state_q <= S_IDLE;
					done_q <= 1'b1;
					irq_q <= 1'b1;
				end
			default: // S_DRAIN
				if (drain_end) begin
					state_q <= S_IDLE;
					o_abort <= 1'b0;
					o_arb_flush <= !(i_quiet && i_mem_idle);
					done_q <= 1'b1;
					error_q <= 1'b1;
					irq_q <= 1'b1;
				end
			endcase
		end
	end

	// ---- configuration registers ----
	// A window's base and size, aligned down to WINDOW_ALIGN and clamped to the
	// memory's size 2^MEM_ADDR_W: every word a master can reach (below 2^MEM_ADDR_W)
	// is held by the clamped window exactly when it is held by the written one
	// (a base at the memory's end holds nothing, a size reaching it everything
	// from the base on), and a register then needs MEM_ADDR_W + 1 - 6 bits, not
	// 26 (the bits above are constant 0 and synthesis drops them).  They read
	// back clamped (spec: WIN_BASE, WIN_SIZE).
	function [31:0] win_value;
		input [31:0] v;
		begin
			if (MEM_ADDR_W < 32 && ({32'd0, v} >> MEM_ADDR_W) != 64'd0)
				win_value = 32'd1 << (MEM_ADDR_W % 32);
			else   // (the mask says what the test implies: the bits above are 0)
				win_value = v & WALIGN_MASK & MEM_MASK;
		end
	endfunction
	reg [31:0] base_q, count_q;   // (CFG_RAM 0)
	integer w;
	always @(posedge clk) begin
		if (rst) begin
			base_q <= 32'd0;
			count_q <= 32'd0;
			wdt_limit_q <= 32'd0;
			o_win_base <= 0;
			o_win_size <= 0;
			o_win_perm <= 0;
		end else if (wr) begin
			if (i_csr_addr == `MOTE_REG_WDT_LIMIT)
				wdt_limit_q <= i_csr_wdata;
			if (idle) begin
				if (i_csr_addr == `MOTE_REG_CMD_BASE && CFG_RAM == 0)
					base_q <= i_csr_wdata;
				if (i_csr_addr == `MOTE_REG_CMD_COUNT && CFG_RAM == 0)
					count_q <= i_csr_wdata;
				for (w = 0; w < NUM_WINDOWS; w = w + 1)
					if (win_wr && {30'd0, i_csr_addr[5:4]} == w)
						case (i_csr_addr[3:2])
						WIN_BASE_OFF: if (WIN_RD_EXT != 2) o_win_base[w*32 +: 32] <= win_value(i_csr_wdata);
						WIN_SIZE_OFF: if (WIN_RD_EXT != 2) o_win_size[w*32 +: 32] <= win_value(i_csr_wdata);
						WIN_PERM_OFF: o_win_perm[w*3 +: 3] <= i_csr_wdata[2:0];
						default: ;
						endcase
			end
		end
	end

	// WIN_RD_EXT 2: the base and size writes leave as a registered write
	always @(posedge clk) begin
		if (rst)
			o_ww_valid <= 1'b0;
		else
			o_ww_valid <= WIN_RD_EXT == 2 && win_wr && idle &&
				      (i_csr_addr[3:2] == WIN_BASE_OFF || i_csr_addr[3:2] == WIN_SIZE_OFF);
		o_ww_w     <= i_csr_addr[5:4];
		o_ww_lane  <= {i_csr_addr[3:2] == WIN_SIZE_OFF, i_csr_addr[3:2] == WIN_BASE_OFF};
		o_ww_value <= win_value(i_csr_wdata);
	end

	// WIN_RD_EXT 2: a read of a window's register asks the checker's RAM the
	// next cycle (o_wrd_pre) and takes its data the cycle after (o_wrd)
	wire       win_rd = WIN_RD_EXT == 2 && rd && i_csr_addr[11:6] == WIN_REGION && i_csr_addr[1:0] == 2'd0 &&
			    {30'd0, i_csr_addr[5:4]} < NUM_WINDOWS;

	// ---- CFG_RAM: CMD_BASE, CMD_COUNT and WDT_LIMIT in a block RAM ----
	// Rows 0, 1, 2; a row's flag says it was written since reset (else the
	// register reads 0).  The RAM's one read port serves a register read in
	// its cycle first, START's two reads otherwise; its output holds between
	// reads.  WDT_LIMIT keeps its flip-flops too (the watchdog reloads from them).
	wire        rd_q;
	wire [11:0] ra_q;
	wire        cfg_at  = i_csr_addr == `MOTE_REG_CMD_BASE || i_csr_addr == `MOTE_REG_CMD_COUNT ||
			      i_csr_addr == `MOTE_REG_WDT_LIMIT;
	wire [1:0]  cfg_row = i_csr_addr == `MOTE_REG_CMD_COUNT ? 2'd1 : i_csr_addr == `MOTE_REG_WDT_LIMIT ? 2'd2 : 2'd0;
	wire        cfg_rd  = rd && cfg_at;
	wire        cfg_we  = CFG_RAM != 0 && wr && cfg_at && (cfg_row == 2'd2 || idle);
	wire        cfg_re  = cfg_rd || start_wr || seq_q == 2'd1 || seq_q == 2'd3;
	wire [1:0]  cfg_raddr = cfg_rd ? cfg_row : start_wr ? 2'd0 : 2'd1;
	wire [31:0] cfg_rdata;
	wire [2:0]  cfg_ok_q;
	wire [11:0] ra = CFG_RAM != 0 ? ra_q : i_csr_addr;
	// the value of the CFG_RAM register a read names (0 if not one, or not written)
	wire        cfg_val_ok = (ra == `MOTE_REG_CMD_BASE && cfg_ok_q[0]) || (ra == `MOTE_REG_CMD_COUNT && cfg_ok_q[1]) ||
			         (ra == `MOTE_REG_WDT_LIMIT && cfg_ok_q[2]);
	generate
		if (CFG_RAM != 0) begin : g_cfg
			mote_sram_1r1w #(.WIDTH(32), .DEPTH(4), .RW_OLD(0)) u_cfg (
				.clk(clk), .i_we(cfg_we), .i_waddr(cfg_row), .i_wdata(i_csr_wdata),
				.i_re(cfg_re), .i_raddr(cfg_raddr), .o_rdata(cfg_rdata));
			reg  [1:0]  seq_r;
			reg  [2:0]  ok_r;
			reg         rd_r;
			reg  [11:0] ra_r;
			always @(posedge clk) begin
				if (rst) begin
					seq_r <= 2'd0;
					ok_r <= 3'd0;
					rd_r <= 1'b0;
				end else begin
					case (seq_r)
					2'd0: if (start_wr) seq_r <= 2'd1;
					2'd1, 2'd3: seq_r <= cfg_rd ? 2'd3 : 2'd2;
					default: seq_r <= 2'd0;
					endcase
					if (cfg_we)
						ok_r[cfg_row] <= 1'b1;
					rd_r <= rd && !win_rd;
				end
				ra_r <= i_csr_addr;
			end
			assign seq_q = seq_r;
			assign cfg_ok_q = ok_r;
			assign rd_q = rd_r;
			assign ra_q = ra_r;
			assign o_cmd_base = cfg_rdata;
			assign o_cmd_count = cfg_rdata;
			assign o_base_ok = cfg_ok_q[0];
			assign o_count_ok = cfg_ok_q[1];
			wire unused_cfg = ^{base_q, count_q};
		end else begin : g_cfg_regs
			assign seq_q = 2'd0;
			assign cfg_ok_q = 3'd0;
			assign rd_q = 1'b0;
			assign ra_q = 12'd0;
			assign cfg_rdata = 32'd0;
			assign o_cmd_base = base_q;
			assign o_cmd_count = count_q;
			assign o_base_ok = 1'b1;
			assign o_count_ok = 1'b1;
			wire unused_cfg = ^{cfg_re, cfg_raddr, cfg_we, cfg_val_ok};
		end
	endgenerate

	// ---- perf counters ----
	reg  [NP*32-1:0] inc;
	wire [63:0]      perf_val;
	always @(*) begin
		inc = i_perf_inc;
		inc[`MOTE_PERF_CYCLES*32 +: 32] = 32'd1;
		inc[`MOTE_PERF_CMDS*32 +: 32] = {30'd0, i_retire_n} + {31'd0, normal_end};
	end
	// The counter a PERF_LO read names, from its address bits: this is the only
	// part of a read decoded outside the clocked read below (a simulator
	// evaluates combinational logic every cycle, reads are rare).
	// (CFG_RAM: from the read's address registered, a cycle later)
	wire        perf_hit   = ra[11:8] == PERF_REGION && {27'd0, ra[7:3]} < NP &&
				 ra[1:0] == 2'd0;   // PERF_LO(i) or PERF_HI(i)
	wire        perf_lo_rd = perf_hit && !ra[2];
	wire [4:0]  perf_sel = ra[11:8] == PERF_REGION ? ra[7:3] : `MOTE_PERF_CMDS;
	// the counters the driver cannot do without, and a sane width: else
	// elaboration stops here, naming it (Verilog-2005 has no $error)
	generate
		if (!PERF_SET[`MOTE_PERF_CYCLES] || !PERF_SET[`MOTE_PERF_MACS_USEFUL] ||
		    !PERF_SET[`MOTE_PERF_CMDS] || PERF_W < 16 || PERF_W > 64) begin : g_bad_perf
			mote_csr_perf_set_or_width_invalid u_stop ();
		end
	endgenerate
	localparam [31:0] PERF_SET_W = PERF_SET & ((1 << NP) - 1);
	// CMDS: a job retires fewer than 2^IDX_W commands (END included): their
	// indices are IDX_W bits, and the fetch stops before the index wraps; so a
	// narrowed build (PERF_W < 64) keeps IDX_W + 1 bits of it (64-bit builds
	// keep every counter whole)
	localparam CMDS_W = (PERF_W < 64 && IDX_W + 1 < PERF_W) ? IDX_W + 1 : PERF_W;
	mote_perf #(.NUM_PERF(NP), .PERF_W(PERF_W), .PERF_SET(PERF_SET), .CMDS_W(CMDS_W)) u_perf (
		.clk(clk), .rst(rst), .i_clear(o_start), .i_en(state_q != S_IDLE),
		.i_inc(inc), .i_sel(perf_sel), .o_value(perf_val));

	// ---- reads: decoded only in the cycle of a read ----
	// An AND-OR multiplexer: each register's value masked by its address match,
	// all ORed (a read of no register reads 0).  Written so, the LUTs take two
	// registers' bits each; a case on the address built a chain of 2:1
	// multiplexers, a LUT per register bit (iCE40 board: about 60 LUTs more).
	function [31:0] at;   // v if the address is reg, else 0
		input [11:0] a, reg_a;
		input [31:0] v;
		at = v & {32{a == reg_a}};
	endfunction
	function [31:0] read_value;
		input [11:0] a;
		reg [31:0] v, geo, feat, stat;
		integer wi;
		begin
			geo = 32'd0;
			geo[`MOTE_GEOMETRY_ROWS +: `MOTE_GEOMETRY_ROWS_W] = ROWS[7:0];
			geo[`MOTE_GEOMETRY_COLS +: `MOTE_GEOMETRY_COLS_W] = COLS[7:0];
			geo[`MOTE_GEOMETRY_MEM_BYTES +: `MOTE_GEOMETRY_MEM_BYTES_W] = MEM_BYTES[7:0];
			geo[`MOTE_GEOMETRY_WINDOWS +: `MOTE_GEOMETRY_WINDOWS_W] = NUM_WINDOWS[7:0];
			feat = 32'd0;
			feat[`MOTE_FEATURES_INT32_OUT] = 1'b1;
			feat[`MOTE_FEATURES_XOR_MSB] = 1'b1;
			feat[`MOTE_FEATURES_DEPTHWISE] = DEPTHWISE != 0;
			feat[`MOTE_FEATURES_DW_DROP] = DEPTHWISE != 0;
			feat[`MOTE_FEATURES_SPARSE] = SPARSE != 0;
			feat[`MOTE_FEATURES_ACC_MAX] = ACC_MAX != 0;
			feat[`MOTE_FEATURES_STORE_ADD] = STORE_ADD != 0;
			feat[`MOTE_FEATURES_ROUND_TFL] = ROUND_TFL != 0;
			feat[`MOTE_FEATURES_LOAD_SPLIT] = LOAD_SPLIT != 0;
			feat[`MOTE_FEATURES_W_PAIR] = LOAD_SPLIT != 0;
			feat[`MOTE_FEATURES_TOKEN_IDX] = TOKEN_IDX != 0;
			feat[`MOTE_FEATURES_QUEUES +: `MOTE_FEATURES_QUEUES_W] = QUEUES[1:0];
			stat = 32'd0;
			stat[`MOTE_STATUS_BUSY]  = o_busy;
			stat[`MOTE_STATUS_DONE]  = done_q;
			stat[`MOTE_STATUS_ERROR] = error_q;
			stat[`MOTE_STATUS_IRQ]   = irq_q;
			v = at(a, `MOTE_REG_ID, `MOTE_ID_MAGIC) | at(a, `MOTE_REG_VERSION, `MOTE_HW_VERSION) |
			    at(a, `MOTE_REG_GEOMETRY, geo) | at(a, `MOTE_REG_FEATURES, feat) |
			    at(a, `MOTE_REG_ABUF_DEPTH, ABUF_DEPTH) | at(a, `MOTE_REG_WBUF_DEPTH, WBUF_DEPTH) |
			    at(a, `MOTE_REG_BBUF_DEPTH, BBUF_DEPTH) | at(a, `MOTE_REG_ACC_DEPTH, ACC_DEPTH) |
			    at(a, `MOTE_REG_STATUS, stat) | at(a, `MOTE_REG_ERR_CODE, {24'd0, err_code_q}) |
			    at(a, `MOTE_REG_ERR_CMD, err_cmd32) | at(a, `MOTE_REG_ERR_ADDR, err_addr_q) |
			    at(a, `MOTE_REG_CMD_BASE, base_q) | at(a, `MOTE_REG_CMD_COUNT, count_q) |
			    at(a, `MOTE_REG_WDT_LIMIT, wdt_limit_q & {32{CFG_RAM == 0}}) |
			    (cfg_rdata & {32{cfg_val_ok}}) | at(a, `MOTE_REG_CMDS_DONE, perf_val[31:0]) |
			    at(a, `MOTE_REG_PERF_CONFIG, {24'd0, PERF_W[7:0]} << `MOTE_PERF_CONFIG_WIDTH) |
			    at(a, `MOTE_REG_PERF_SET, PERF_SET_W);
			if (WIN_RD_EXT == 0) begin
				for (wi = 0; wi < NUM_WINDOWS; wi = wi + 1)
					v = v | at(a, WIN_B + wi[11:0] * WIN_BS, o_win_base[wi*32 +: 32]) |
					    at(a, WIN_S + wi[11:0] * WIN_SS, o_win_size[wi*32 +: 32]) |
					    at(a, WIN_P + wi[11:0] * WIN_PS, {29'd0, o_win_perm[wi*3 +: 3]});
			end else if (WIN_RD_EXT == 1 && a[11:6] == WIN_REGION && a[1:0] == 2'd0 && {30'd0, a[5:4]} < NUM_WINDOWS) begin
				// the window's registers come selected: only which of the three
				v = v | (i_wrd_base & {32{a[3:2] == WIN_BASE_OFF}}) |
				    (i_wrd_size & {32{a[3:2] == WIN_SIZE_OFF}}) |
				    ({29'd0, i_wrd_perm} & {32{a[3:2] == WIN_PERM_OFF}});
			end
			if (perf_hit && !a[2])   // PERF_LO(i)
				v = v | perf_val[31:0];
			if (perf_hit && a[2] && PERF_W > 32)   // PERF_HI(i): 0 with PERF_W <= 32
				v = v | hi_latch_q;
			read_value = v;
		end
	endfunction

	// (win_rd: above)
	reg  [1:0] wsel_q;   // the register of the window read: BASE, SIZE, PERM
	always @(posedge clk) begin
		if (rst) begin
			o_csr_rvalid <= 1'b0;
			o_wrd_pre <= 1'b0;
			o_wrd <= 1'b0;
		end else begin
			o_csr_rvalid <= (CFG_RAM != 0 ? rd_q : rd && !win_rd) || o_wrd;
			o_wrd_pre <= win_rd;
			o_wrd <= o_wrd_pre;
		end
		if (win_rd) begin
			o_wrd_w <= i_csr_addr[5:4];
			wsel_q  <= i_csr_addr[3:2];
		end
		if (CFG_RAM != 0 ? rd_q : rd && !win_rd) begin
			o_csr_rdata <= read_value(ra);
			if (perf_lo_rd)
				hi_latch_q <= perf_val[63:32];   // 0 with PERF_W <= 32
		end else if (o_wrd)
			o_csr_rdata <= (i_wrd_base & {32{wsel_q == WIN_BASE_OFF}}) |
				       (i_wrd_size & {32{wsel_q == WIN_SIZE_OFF}}) |
				       ({29'd0, i_wrd_perm} & {32{wsel_q == WIN_PERM_OFF}});
	end
endmodule

`default_nettype wire
