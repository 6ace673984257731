// mote_top.v: the mote accelerator: CSR block, command fetch and queues,
// dependency tokens, load / compute / store units, buffers, memory arbiter.
// Ports and parameters as rtl/README.md lists them.  The accumulator is two
// copies written together (copy A read by the compute unit, copy B by the
// store unit) or, with ACC_COPIES = 1, one whose read port the store unit
// takes when the compute unit does not.  Masters of the arbiter: 0 fetch, 1 load, 2 store writes,
// 3 store operand reads (STORE ADD).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_top #(
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
	// commands each queue holds at least (its words go to block RAM)
	parameter QUEUE_DEPTH = 8,
	// units sharing a command queue (FEATURES.QUEUES): 0 none, 1 load and
	// store, 2 all three (small FPGAs: a queue's entry is a flip-flop per
	// command bit; the units sharing one run their commands in stream order)
	parameter QUEUES = 0,
	// requantization lanes; a row takes COLS/PPU_LANES cycles
	parameter PPU_LANES = COLS,
	// log2 of the load unit's reads in flight (its response FIFO): must cover
	// the memory's round trip for loads to stream at one word per cycle
	parameter LG_LOAD_READS = 4,
	// log2 of the reads the memory arbiter keeps in flight (its ID FIFO): must
	// cover the memory's round trip
	parameter LG_MEM_READS = 5,
	// the load unit: 0 a memory word per cycle; 1 a byte per cycle (small
	// FPGAs: the command left in its queue while it runs, a memory read per
	// in-bounds byte, no word buffer: LG_LOAD_READS is not used)
	parameter LOAD_SERIAL = 0,
	// log2 of the command fetcher's reads in flight (its response buffer, in
	// flip-flops); -1: two commands' worth of memory words (at least 4); 0: one
	// read at a time (a command then takes about 6 cycles per memory word)
	parameter LG_FETCH_READS = -1,
	// 1: MATMUL DEPTHWISE (a horizontal partial-sum path in every PE)
	parameter DEPTHWISE = 1,
	// 1: MATMUL ACC_MAX (max instead of sum in the accumulator update); 0: FIELD
	parameter ACC_MAX = 1,
	// 1: STORE ADD (the store unit reads an operand row per output row and adds it)
	parameter STORE_ADD = 1,
	// 1: STORE ROUND_TFL (TFLite's two roundings in the requantization
	// lanes; not on the serial lane, PPU_SERIAL, where the flag is FIELD)
	parameter ROUND_TFL = 1,
	// the array's multipliers: 0 one per PE; 1 a registered two-product cell
	// per two PEs; 2 that cell as an iCE40 SB_MAC16 (two 8x8 products each)
	parameter MUL_CELL = 0,
	// bits of the array's partial sums: 32 simulates fastest; any width from
	// 16+log2(max(ROWS,COLS)) is exact (an FPGA build takes the least)
	parameter PSUM_W = 32,
	// the last LUT_MUL_COLS array columns' multipliers in mote_mul8_logic,
	// which the ECP5 flows build from logic (a synthesis choice: the same
	// products); the 16x16 array within an LFE5U-85F's 156 multipliers
	parameter LUT_MUL_COLS = 0,
	// 1: the array broadcasts activations to two-product cells and sums each
	// column in an adder tree (mote_array_bcast: needs MUL_CELL and no
	// DEPTHWISE; a third of the systolic array's logic on a 4x4 iCE40 build)
	parameter ARRAY_BCAST = 0,
	// copies of the accumulator: 2, one read port each for compute and store;
	// 1, one read port shared, the compute unit's reads first (half the RAM)
	parameter ACC_COPIES = 2,
	// 0: row-parallel requantization lanes; 1: one serial lane (a value per 4
	// cycles, small FPGAs) with a bias buffer of 32-bit words (no STORE ADD)
	parameter PPU_SERIAL = 0,
	// perf counters kept (bit i: the spec's counter i; CYCLES, MACS_USEFUL and
	// CMDS at least) and their width (64, or down to 16: they wrap)
	parameter PERF_SET = (1 << `MOTE_NUM_PERF) - 1,
	parameter PERF_W = 64,
	// address bits of the device's memory: a word at or above 2^MEM_ADDR_W is
	// outside every window (32: the whole address space; a board: its memory)
	parameter MEM_ADDR_W = 32,
	// 1: CSR requests and memory responses registered on the way in; 0: taken
	// as they come (the board: its link bridge and SPRAM answer from registers)
	parameter IN_REG = 1,
	// 1: the compute unit's metadata delay line in a block RAM (small FPGAs)
	parameter DELAY_RAM = 0,
	// 1: one window checker (mote_window_share) for the command fetcher and
	// the narrow load and store paths (LOAD_SERIAL, PPU_SERIAL), one master
	// at a time, instead of a mote_window_scan in each (small FPGAs)
	parameter WIN_SHARE = 0,
	// 1: the memory arbiter's grant a register (mote_mem_arbiter REG_GRANT: no
	// path through it from one master to another; small FPGAs, for the clock)
	parameter ARB_REG_GRANT = 0,
	// 1: the compute unit takes a command only into an empty stage W
	// (mote_compute_unit CMD_REG_READY: its ready from registers; small FPGAs,
	// for the clock)
	parameter CP_REG_READY = 0,
	// 1: the CSR block keeps CMD_BASE, CMD_COUNT and WDT_LIMIT in a block RAM
	// (mote_csr CFG_RAM: register reads a cycle longer, START two cycles)
	parameter CFG_RAM = 0,
	// 1 (with WIN_SHARE): the windows' bases and sizes in a block RAM of the
	// shared checker instead of flip-flops of the CSR block (small FPGAs)
	parameter WIN_RAM = 0,
	// 1 (with WIN_SHARE): the shared checker keeps each master's answer per
	// 64-byte block (mote_window_share BLOCK_HOLD): a master's request no
	// longer waits on the check in its cycle (for the clock)
	parameter WIN_HOLD = 0,
	// 1: a TOKEN error names the command that pushed (each unit hands the
	// counters its pushing command's index: the compute unit a FIFO of them
	// in a block RAM); 0: the pushing unit's current command, which may be a
	// later one (iCEBreaker: about 90 logic cells and a block RAM saved)
	parameter PUSH_IDX = 1,
	// 1: MATMUL SPARSE (2:4 sparse weights, FEATURES.SPARSE): PEs select
	// their activation from 4-byte bundles shared by row pairs, the weights
	// carry 2-bit indices, the activation buffer is two banks (even and odd
	// rows) read together (needs ROWS a multiple of 4, an even ABUF_DEPTH and
	// the systolic array); 0: SPARSE is FIELD
	parameter SPARSE = 1,
	// memory windows (the spec's NUM_WINDOWS)
	parameter NUM_WINDOWS = `MOTE_NUM_WINDOWS
) (
	input  wire                   clk,
	input  wire                   rst,
	input  wire                   i_csr_valid,
	input  wire                   i_csr_write,
	input  wire [11:0]            i_csr_addr,
	input  wire [31:0]            i_csr_wdata,
	output wire [31:0]            o_csr_rdata,
	output wire                   o_csr_rvalid,
	output wire                   o_mem_req_valid,
	input  wire                   i_mem_req_ready,
	output wire                   o_mem_req_write,
	output wire [31:0]            o_mem_req_addr,
	output wire [MEM_BYTES*8-1:0] o_mem_req_wdata,
	output wire [MEM_BYTES-1:0]   o_mem_req_wstrb,
	input  wire                   i_mem_resp_valid,
	input  wire [MEM_BYTES*8-1:0] i_mem_resp_data,
	output wire                   o_irq
);
	localparam AW_A  = $clog2(ABUF_DEPTH);
	localparam AW_W  = $clog2(WBUF_DEPTH);
	localparam AW_B  = $clog2(BBUF_DEPTH);
	localparam AW_BS = (PPU_SERIAL != 0) ? $clog2(BBUF_DEPTH * COLS) : AW_B;   // bias-buffer reads
	localparam AW_C  = $clog2(ACC_DEPTH);
	localparam ROUND_TFL_ON = (PPU_SERIAL != 0) ? 0 : ROUND_TFL;   // FEATURES.ROUND_TFL
	// LOAD HI_ROWS (FEATURES.LOAD_SPLIT): the sparse builds' fast load path
	localparam LOAD_SPLIT = (SPARSE != 0 && LOAD_SERIAL == 0) ? 1 : 0;
	localparam RWA   = (LOAD_SPLIT != 0) ? 2 * ROWS : ROWS;   // widest activation row a LOAD writes
	localparam RWMAX = (RWA > 4 * COLS) ? RWA : 4 * COLS;
	localparam MB8   = MEM_BYTES * 8;
	localparam LG_OUT = LG_MEM_READS;
	localparam [31:0] MACS_PER_ROW = ROWS * COLS;
	localparam [31:0] MEM_BYTES32  = MEM_BYTES;
	// Bits of a command index.  Commands are at least one 32-bit word long and
	// every word fetched is checked to lie below 2^MEM_ADDR_W, so a stream
	// faults at the latest at index 2^(MEM_ADDR_W - 2) (CMD_BASE 0); every
	// index the device holds or reports (ERR_CMD, NO_END's CMD_COUNT included)
	// is at most that: one bit more than the memory's words.
	localparam LG_CMDB = 2;
	localparam IDX_W   = (MEM_ADDR_W >= 31) ? 32 : MEM_ADDR_W - LG_CMDB + 1;

	// ---- CSR block ----
	wire        start, abort, arb_flush, job_busy;
	wire        base_load, base_ok, count_ok;   // (CFG_RAM: CMD_BASE early, registers written)
	wire [31:0] cmd_base, cmd_count;
	wire [NUM_WINDOWS*32-1:0] win_base, win_size;
	wire [NUM_WINDOWS*3-1:0]  win_perm;

	// ---- fetch and queues ----
	wire        f_req_valid, f_req_ready, f_resp_valid;
	wire [31:0] f_req_addr;
	wire        ld_valid, ld_ready, cp_valid, cp_ready, st_valid, st_ready;
	wire [511:0] ld_cmd, cp_cmd, st_cmd;
	wire [31:0] ld_idx, cp_idx, st_idx;
	wire        f_end, f_idle, f_busy, f_push, q_empty, f_err;
	wire [31:0] f_cur, f_err_idx, f_err_addr;
	wire [7:0]  f_err_code;
	wire [MB8-1:0] resp_data;
	// the shared window checker's ports (WIN_SHARE): fetch, load, store
	wire [33:0] f_wc, l_wc, s_wc;
	wire        f_wc_take, l_wc_take, s_wc_take;
	wire [1:0]  f_wci, l_wci, s_wci;

	localparam LG_WPC   = $clog2(4 * `MOTE_CMD_WORDS / MEM_BYTES);
	localparam LG_FETCH = (LG_FETCH_READS >= 0) ? LG_FETCH_READS : (LG_WPC + 1 < 2) ? 2 : LG_WPC + 1;
	mote_fetch #(.MEM_BYTES(MEM_BYTES), .NUM_WINDOWS(NUM_WINDOWS), .QUEUE_DEPTH(QUEUE_DEPTH),
		     .STORE_ADD(STORE_ADD), .QUEUES(QUEUES), .LG_RBUF(LG_FETCH), .ADDR_W(MEM_ADDR_W), .IDX_W(IDX_W), .WIN_EXT(WIN_SHARE), .BASE_EARLY(CFG_RAM)) u_fetch (
		.clk(clk), .rst(rst), .i_abort(abort),
		.i_start(start), .i_base_load(base_load), .i_base_ok(base_ok), .i_count_ok(count_ok),
		.i_base(cmd_base), .i_count(cmd_count),
		.i_win_base(win_base), .i_win_size(win_size), .i_win_perm(win_perm), .o_wc(f_wc), .o_wc_take(f_wc_take), .i_wc(f_wci),
		.o_req_valid(f_req_valid), .i_req_ready(f_req_ready), .o_req_addr(f_req_addr),
		.i_resp_valid(f_resp_valid), .i_resp_data(resp_data),
		.o_ld_valid(ld_valid), .i_ld_ready(ld_ready), .o_ld_cmd(ld_cmd), .o_ld_idx(ld_idx),
		.o_cp_valid(cp_valid), .i_cp_ready(cp_ready), .o_cp_cmd(cp_cmd), .o_cp_idx(cp_idx),
		.o_st_valid(st_valid), .i_st_ready(st_ready), .o_st_cmd(st_cmd), .o_st_idx(st_idx),
		.o_end(f_end), .o_idle(f_idle), .o_busy(f_busy), .o_push(f_push), .o_queues_empty(q_empty),
		.o_cur_idx(f_cur), .o_err_valid(f_err), .o_err_code(f_err_code), .o_err_idx(f_err_idx),
		.o_err_addr(f_err_addr));

	// ---- tokens ----
	wire l2c_av, c2l_av, c2s_av, s2c_av;
	wire l2c_pop, c2l_pop, c2s_pop, s2c_pop, l2c_push, c2l_push, c2s_push, s2c_push;
	wire        t_err;
	wire [7:0]  t_err_code;
	wire [31:0] t_err_idx;
	wire [31:0] l_cur, c_cur, s_cur;
	wire [31:0] l_pidx, c_pidx, s_pidx;   // the command index of each unit's token push

	mote_tokens u_tokens (
		.clk(clk), .rst(rst), .i_clear(abort || start),
		.i_l2c_pop(l2c_pop), .i_c2l_pop(c2l_pop), .i_c2s_pop(c2s_pop), .i_s2c_pop(s2c_pop),
		.i_l2c_push(l2c_push), .i_c2l_push(c2l_push), .i_c2s_push(c2s_push), .i_s2c_push(s2c_push),
		.i_load_idx(PUSH_IDX != 0 ? l_pidx : l_cur), .i_comp_idx(PUSH_IDX != 0 ? c_pidx : c_cur),
		.i_store_idx(PUSH_IDX != 0 ? s_pidx : s_cur),
		.o_l2c_avail(l2c_av), .o_c2l_avail(c2l_av), .o_c2s_avail(c2s_av), .o_s2c_avail(s2c_av),
		.o_err_valid(t_err), .o_err_code(t_err_code), .o_err_idx(t_err_idx));

	// ---- load unit ----
	wire        l_req_valid, l_req_ready, l_resp_valid;
	wire [31:0] l_req_addr;
	wire        l_we;
	wire [1:0]  l_sel;
	wire [15:0] l_row, l_row_hi;
	wire        l_split;
	wire [RWMAX*8-1:0] l_wdata;
	wire        l_idle, l_busy, l_retire, l_err, l_stall_dep, l_stall_mem;
	wire [7:0]  l_err_code;
	wire [31:0] l_err_idx, l_err_addr;

	mote_load_unit #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH),
			 .WBUF_DEPTH(WBUF_DEPTH), .BBUF_DEPTH(BBUF_DEPTH), .NUM_WINDOWS(NUM_WINDOWS),
			 .ADDR_W(MEM_ADDR_W), .LG_RESP(LG_LOAD_READS), .BIAS_WORDS((PPU_SERIAL != 0) ? COLS : 0),
			 .SERIAL(LOAD_SERIAL), .WIN_EXT(WIN_SHARE), .SPARSE(LOAD_SPLIT)) u_load (
		.clk(clk), .rst(rst), .i_abort(abort),
		.i_cmd_valid(ld_valid), .o_cmd_ready(ld_ready), .i_cmd(ld_cmd), .i_cmd_idx(ld_idx),
		.i_tok_c2l_avail(c2l_av), .o_tok_c2l_pop(c2l_pop), .o_tok_l2c_push(l2c_push),
		.i_win_base(win_base), .i_win_size(win_size), .i_win_perm(win_perm), .o_wc(l_wc), .o_wc_take(l_wc_take), .i_wc(l_wci),
		.o_req_valid(l_req_valid), .i_req_ready(l_req_ready), .o_req_addr(l_req_addr),
		.i_resp_valid(l_resp_valid), .i_resp_data(resp_data),
		.o_buf_we(l_we), .o_buf_sel(l_sel), .o_buf_row(l_row), .o_buf_split(l_split), .o_buf_row_hi(l_row_hi),
		.o_buf_wdata(l_wdata),
		.o_idle(l_idle), .o_busy(l_busy), .o_retire(l_retire),
		.o_err_valid(l_err), .o_err_code(l_err_code), .o_err_idx(l_err_idx), .o_err_addr(l_err_addr),
		.o_cur_idx(l_cur), .o_push_idx(l_pidx), .o_stall_dep(l_stall_dep), .o_stall_mem(l_stall_mem));

	// ---- compute unit ----
	wire            a_re, w_re, ca_re;
	wire [COLS-1:0] acc_we;   // per column
	wire [AW_A-1:0] a_raddr, a_raddr1;
	wire [AW_W-1:0] w_raddr;
	wire [AW_C-1:0] ca_raddr, acc_waddr;
	wire [ROWS*8-1:0]  a_rdata, a_rdata1;
	wire [COLS*8-1:0]  w_rdata;
	wire [COLS*32-1:0] ca_rdata, acc_wdata;
	wire        c_idle, c_busy, c_retire, c_err, c_row, c_stall_dep, c_stall_wgt;
	wire [7:0]  c_err_code;
	wire [31:0] c_err_idx, c_useful, c_dense;

	mote_compute_unit #(.ROWS(ROWS), .COLS(COLS), .ABUF_DEPTH(ABUF_DEPTH), .WBUF_DEPTH(WBUF_DEPTH),
			    .ACC_DEPTH(ACC_DEPTH), .DEPTHWISE(DEPTHWISE), .ACC_MAX(ACC_MAX),
			    .MUL_CELL(MUL_CELL), .PSUM_W(PSUM_W), .LUT_MUL_COLS(LUT_MUL_COLS), .ARRAY_BCAST(ARRAY_BCAST),
			    .DELAY_RAM(DELAY_RAM), .SPARSE(SPARSE), .IDX_W(IDX_W), .CMD_REG_READY(CP_REG_READY)) u_compute (
		.clk(clk), .rst(rst), .i_abort(abort),
		.i_cmd_valid(cp_valid), .o_cmd_ready(cp_ready), .i_cmd(cp_cmd), .i_cmd_idx(cp_idx),
		.i_tok_l2c_avail(l2c_av), .i_tok_s2c_avail(s2c_av), .o_tok_l2c_pop(l2c_pop),
		.o_tok_s2c_pop(s2c_pop), .o_tok_c2l_push(c2l_push), .o_tok_c2s_push(c2s_push),
		.o_abuf_re(a_re), .o_abuf_raddr(a_raddr), .i_abuf_rdata(a_rdata),
		.o_abuf_raddr1(a_raddr1), .i_abuf_rdata1(a_rdata1),
		.o_wbuf_re(w_re), .o_wbuf_raddr(w_raddr), .i_wbuf_rdata(w_rdata),
		.o_acc_re(ca_re), .o_acc_raddr(ca_raddr), .i_acc_rdata(ca_rdata),
		.o_acc_we(acc_we), .o_acc_waddr(acc_waddr), .o_acc_wdata(acc_wdata),
		.o_idle(c_idle), .o_busy(c_busy), .o_retire(c_retire),
		.o_err_valid(c_err), .o_err_code(c_err_code), .o_err_idx(c_err_idx), .o_cur_idx(c_cur), .o_push_idx(c_pidx),
		.o_perf_row(c_row), .o_perf_useful(c_useful), .o_perf_dense(c_dense), .o_stall_dep(c_stall_dep), .o_stall_wgt(c_stall_wgt));

	// ---- store unit ----
	wire            b_re, sa_re;
	wire [AW_BS-1:0] b_raddr;
	wire [AW_C-1:0] sa_raddr;
	wire [COLS*32-1:0] b_rdata, sa_rdata;
	wire        sa_free;
	wire        s_req_valid, s_req_ready, s_req_write;
	wire [31:0] s_req_addr;
	wire [MB8-1:0] s_req_wdata;
	wire [MEM_BYTES-1:0] s_req_wstrb;
	wire        s_idle, s_busy, s_retire, s_err, s_stall_dep, s_stall_mem;
	wire        sr_req_valid, sr_req_ready, sr_resp_valid;
	wire [31:0] sr_req_addr;
	wire [7:0]  s_err_code;
	wire [31:0] s_err_idx, s_err_addr;

	mote_store_unit #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .BBUF_DEPTH(BBUF_DEPTH),
			  .ACC_DEPTH(ACC_DEPTH), .PPU_LANES(PPU_LANES), .NUM_WINDOWS(NUM_WINDOWS),
			  .ADDR_W(MEM_ADDR_W), .STORE_ADD(STORE_ADD), .ROUND_TFL(ROUND_TFL_ON), .PPU_SERIAL(PPU_SERIAL), .WIN_EXT(WIN_SHARE)) u_store (
		.clk(clk), .rst(rst), .i_abort(abort),
		.i_cmd_valid(st_valid), .o_cmd_ready(st_ready), .i_cmd(st_cmd), .i_cmd_idx(st_idx),
		.i_tok_c2s_avail(c2s_av), .o_tok_c2s_pop(c2s_pop), .o_tok_s2c_push(s2c_push),
		.o_bbuf_re(b_re), .o_bbuf_raddr(b_raddr), .i_bbuf_rdata(b_rdata),
		.i_bbuf_we(l_we && l_sel == `MOTE_BUF_BIAS),
		.o_acc_re(sa_re), .o_acc_raddr(sa_raddr), .i_acc_rdata(sa_rdata), .i_acc_free(sa_free),
		.o_req_valid(s_req_valid), .i_req_ready(s_req_ready), .o_req_write(s_req_write),
		.o_req_addr(s_req_addr), .o_req_wdata(s_req_wdata), .o_req_wstrb(s_req_wstrb),
		.o_rd_req_valid(sr_req_valid), .i_rd_req_ready(sr_req_ready), .o_rd_req_addr(sr_req_addr),
		.i_rd_resp_valid(sr_resp_valid), .i_rd_resp_data(resp_data),
		.i_win_base(win_base), .i_win_size(win_size), .i_win_perm(win_perm), .o_wc(s_wc), .o_wc_take(s_wc_take), .i_wc(s_wci),
		.o_idle(s_idle), .o_busy(s_busy), .o_retire(s_retire),
		.o_err_valid(s_err), .o_err_code(s_err_code), .o_err_idx(s_err_idx), .o_err_addr(s_err_addr),
		.o_cur_idx(s_cur), .o_push_idx(s_pidx), .o_stall_dep(s_stall_dep), .o_stall_mem(s_stall_mem));

	// ---- buffers ----
	// RW_OLD 0: no buffer is read in the cycle its row is written.  Activation
	// and weight rows are written by loads the compute unit waits for (tokens),
	// and the compute unit's read-modify-write of an accumulator row waits
	// while that row's write is one or two cycles away (s_hold), so its read
	// never meets the write; the store unit reads rows the compute unit gave it
	// (tokens).  Only a stream whose tokens race its own units could meet one,
	// and its results are undefined anyway.  (Saves a write register and a
	// bypass multiplexer per RAM bit on iCE40: 180 flip-flops on the board.)
	generate
		if (SPARSE != 0) begin : g_abuf2
			// two banks, the even rows and the odd ones, each read at its own
			// row (a sparse row takes one of each: its two activation rows
			// differ in parity)
			// a split row (LOAD HI_ROWS, odd) writes both banks at once: its
			// first half to l_row, its second to l_row_hi, of the other parity
			mote_sram_banks #(.WIDTH(ROWS*8), .DEPTH(ABUF_DEPTH)) u_abuf (
				.clk(clk), .i_we(l_we && l_sel == `MOTE_BUF_ACT), .i_split(l_split), .i_row(l_row),
				.i_row_hi(l_row_hi), .i_lo(l_wdata[ROWS*8-1:0]), .i_hi(l_wdata[RWA*8-1:RWA*8-ROWS*8]),
				.i_re(a_re), .i_raddr0(a_raddr[AW_A-2:0]), .i_raddr1(a_raddr1[AW_A-2:0]),
				.o_rdata0(a_rdata), .o_rdata1(a_rdata1));
			wire unused_ra = &{1'b0, a_raddr[AW_A-1], a_raddr1[AW_A-1]};
			if (ABUF_DEPTH % 2 != 0 || ARRAY_BCAST != 0) begin : g_bad
				// SPARSE needs an even ABUF_DEPTH and the systolic array
				mote_top_sparse_needs_even_abuf_and_systolic_array u_stop ();
			end
		end else begin : g_abuf1
			mote_sram_1r1w #(.WIDTH(ROWS*8), .DEPTH(ABUF_DEPTH), .RW_OLD(0)) u_abuf (
				.clk(clk), .i_we(l_we && l_sel == `MOTE_BUF_ACT), .i_waddr(l_row[AW_A-1:0]),
				.i_wdata(l_wdata[ROWS*8-1:0]), .i_re(a_re), .i_raddr(a_raddr), .o_rdata(a_rdata));
			assign a_rdata1 = {(ROWS*8){1'b0}};
			wire unused_ra1 = &{1'b0, a_raddr1, l_split, l_row_hi};
		end
	endgenerate
	generate
		if (LOAD_SPLIT != 0) begin : g_wbuf2
			// two banks, the even rows and the odd ones, so that a LOAD W_PAIR
			// writes a weight row pair (a memory word) in one cycle; the
			// compute unit reads one row, from the bank its parity names
			wire [COLS*8-1:0] rd0, rd1;
			reg               odd_q;   // the row being read is odd
			mote_sram_banks #(.WIDTH(COLS*8), .DEPTH(WBUF_DEPTH)) u_wbuf (
				.clk(clk), .i_we(l_we && l_sel == `MOTE_BUF_WGT), .i_split(l_split), .i_row(l_row),
				.i_row_hi(l_row_hi), .i_lo(l_wdata[COLS*8-1:0]), .i_hi(l_wdata[2*COLS*8-1:COLS*8]),
				.i_re(w_re), .i_raddr0(w_raddr[AW_W-1:1]), .i_raddr1(w_raddr[AW_W-1:1]),
				.o_rdata0(rd0), .o_rdata1(rd1));
			always @(posedge clk)
				if (w_re)
					odd_q <= w_raddr[0];
			assign w_rdata = odd_q ? rd1 : rd0;
		end else begin : g_wbuf1
			mote_sram_1r1w #(.WIDTH(COLS*8), .DEPTH(WBUF_DEPTH), .RW_OLD(0)) u_wbuf (
				.clk(clk), .i_we(l_we && l_sel == `MOTE_BUF_WGT), .i_waddr(l_row[AW_W-1:0]),
				.i_wdata(l_wdata[COLS*8-1:0]), .i_re(w_re), .i_raddr(w_raddr), .o_rdata(w_rdata));
		end
	endgenerate
	generate
		if (PPU_SERIAL != 0) begin : g_bbuf_words
			// the serial store path's bias buffer: a 32-bit word per column,
			// written a word per cycle by the load unit (BIAS_WORDS)
			wire [31:0] b_word;
			mote_store_bbuf #(.DEPTH(BBUF_DEPTH * COLS)) u_bbuf (
				.clk(clk), .i_we(l_we && l_sel == `MOTE_BUF_BIAS), .i_waddr(l_row[AW_BS-1:0]),
				.i_wdata(l_wdata[31:0]), .i_re(b_re), .i_raddr(b_raddr), .o_rdata(b_word));
			assign b_rdata = {{((COLS-1)*32){1'b0}}, b_word};
		end else begin : g_bbuf_rows
			mote_sram_1r1w #(.WIDTH(COLS*32), .DEPTH(BBUF_DEPTH)) u_bbuf (
				.clk(clk), .i_we(l_we && l_sel == `MOTE_BUF_BIAS), .i_waddr(l_row[AW_B-1:0]),
				.i_wdata(l_wdata[COLS*32-1:0]), .i_re(b_re), .i_raddr(b_raddr), .o_rdata(b_rdata));
		end
	endgenerate
	generate
		if (ACC_COPIES == 2) begin : g_acc2
			// a RAM per column and copy, not one with a write lane per column:
			// the same block RAMs, and a simulator writes a column as a word
			// instead of a part of a row-wide one (a call per column at -Os)
			genvar ac;
			for (ac = 0; ac < COLS; ac = ac + 1) begin : g_col
				mote_sram_1r1w #(.WIDTH(32), .DEPTH(ACC_DEPTH), .RW_OLD(0)) u_acc_a (
					.clk(clk), .i_we(acc_we[ac]), .i_waddr(acc_waddr), .i_wdata(acc_wdata[32*ac +: 32]),
					.i_re(ca_re), .i_raddr(ca_raddr), .o_rdata(ca_rdata[32*ac +: 32]));
				mote_sram_1r1w #(.WIDTH(32), .DEPTH(ACC_DEPTH), .RW_OLD(0)) u_acc_b (
					.clk(clk), .i_we(acc_we[ac]), .i_waddr(acc_waddr), .i_wdata(acc_wdata[32*ac +: 32]),
					.i_re(sa_re), .i_raddr(sa_raddr), .o_rdata(sa_rdata[32*ac +: 32]));
			end
			assign sa_free = 1'b1;
		end else begin : g_acc1
			// one copy: the compute unit's read-modify-write cannot wait (the
			// array's timing is fixed), so it reads first and the store unit
			// reads in the cycles it does not; each takes the data only after
			// its own read
			wire [COLS*32-1:0] rdata;
			mote_sram_1r1w #(.WIDTH(COLS*32), .DEPTH(ACC_DEPTH), .LANES(COLS), .RW_OLD(0)) u_acc (
				.clk(clk), .i_we(acc_we), .i_waddr(acc_waddr), .i_wdata(acc_wdata),
				.i_re(ca_re || sa_re), .i_raddr(ca_re ? ca_raddr : sa_raddr), .o_rdata(rdata));
			assign ca_rdata = rdata;
			assign sa_free  = !ca_re;
			// the store unit's lanes take a row's columns over COLS/PPU_LANES
			// cycles, while the compute unit's next read may change the RAM's
			// output: the store side keeps its row (as its own copy would);
			// the serial path takes its value the cycle after its read and
			// needs no copy
			reg                sa_got_q;
			reg [COLS*32-1:0]  sa_hold_q;
			always @(posedge clk) begin
				sa_got_q <= sa_re;
				if (sa_got_q)
					sa_hold_q <= rdata;
			end
			assign sa_rdata = (sa_got_q || PPU_SERIAL != 0) ? rdata : sa_hold_q;
		end
	endgenerate

	// ---- input register ----
	// CSR requests and memory responses enter the design one cycle after they
	// arrive, so nothing inside depends combinationally on them (only
	// i_mem_req_ready does, through the arbiter): the host side of the design
	// stays timing-clean on an FPGA, and a simulator that settles new inputs
	// re-evaluates almost nothing.  IN_REG 0 (a board whose link bridge and
	// memory drive these from registers already) takes them as they come.
	wire           csr_valid_q, csr_write_q;
	wire [11:0]    csr_addr_q;
	wire [31:0]    csr_wdata_q;
	wire           resp_valid_q;
	wire [MB8-1:0] resp_data_q;
	generate
		if (IN_REG != 0) begin : g_in_reg
			reg            cv_q, cw_q, rv_q;
			reg [11:0]     ca_q;
			reg [31:0]     cd_q;
			reg [MB8-1:0]  rd_q;
			always @(posedge clk) begin
				if (rst) begin
					cv_q <= 1'b0;
					rv_q <= 1'b0;
				end else begin
					cv_q <= i_csr_valid;
					rv_q <= i_mem_resp_valid;
				end
				if (i_csr_valid) begin
					cw_q <= i_csr_write;
					ca_q <= i_csr_addr;
					cd_q <= i_csr_wdata;
				end
				if (i_mem_resp_valid)
					rd_q <= i_mem_resp_data;
			end
			assign {csr_valid_q, csr_write_q, csr_addr_q, csr_wdata_q} = {cv_q, cw_q, ca_q, cd_q};
			assign {resp_valid_q, resp_data_q} = {rv_q, rd_q};
		end else begin : g_in_direct
			// a board whose CSR port and memory answer from registers of their own
			assign {csr_valid_q, csr_write_q, csr_addr_q, csr_wdata_q} =
				{i_csr_valid, i_csr_write, i_csr_addr, i_csr_wdata};
			assign {resp_valid_q, resp_data_q} = {i_mem_resp_valid, i_mem_resp_data};
		end
	endgenerate

	// ---- the shared window checker ----
	// Ports: 0 the fetcher (execute), 1 the load unit (read), 2 the store
	// unit's writes (write; its hit goes into a request register, so the
	// checker moves on at once).  Each o_wc: {clear, want, address}; o_wc_take:
	// its word was taken (restart).
	// The CSR block reads the window registers back through its window
	// multiplexer (a read of the windows' region takes it for that cycle).
	localparam [11:0] WIN_RB = `MOTE_REG_WIN_BASE;
	wire        wrd_now = csr_valid_q && !csr_write_q && csr_addr_q[11:6] == WIN_RB[11:6];
	wire [31:0] wrd_base, wrd_size;
	wire [2:0]  wrd_perm;
	// WIN_RAM: the CSR block's window writes, and its read-back a cycle ahead
	wire        ww_valid, wrd_pre, wrd_late;
	wire [1:0]  ww_w, ww_lane, wrd_w;
	wire [31:0] ww_value;
	wire        wrd   = WIN_RAM != 0 ? wrd_late : wrd_now;
	wire [1:0]  wrd_i = WIN_RAM != 0 ? wrd_w : csr_addr_q[5:4];
	generate
		if (WIN_SHARE != 0) begin : g_wshare
			localparam [1:0] NX = `MOTE_WIN_PERM_X, NR = `MOTE_WIN_PERM_R, NWR = `MOTE_WIN_PERM_W;
			wire [2:0] hit, fail;
			mote_window_share #(.NP(3), .NUM_WINDOWS(NUM_WINDOWS), .NEED_BITS({NWR, NR, NX}),
					    .REL_ON_HIT(3'b100), .ADDR_W(MEM_ADDR_W), .WIN_RAM(WIN_RAM),
					    .BLOCK_HOLD(WIN_HOLD)) u_wshare (
				.clk(clk), .rst(rst),
				.i_clear({s_wc[33], l_wc[33], f_wc[33]}), .i_restart({s_wc_take, l_wc_take, f_wc_take}),
				.i_inval(start),
				.i_want({s_wc[32], l_wc[32], f_wc[32]}), .i_addr({s_wc[31:0], l_wc[31:0], f_wc[31:0]}),
				.i_win_base(win_base), .i_win_size(win_size), .i_win_perm(win_perm),
				.i_ww_valid(ww_valid), .i_ww_w(ww_w), .i_ww_lane(ww_lane), .i_ww_value(ww_value),
				.i_rd_pre(wrd_pre),
				.i_rd(wrd), .i_rd_w(wrd_i), .o_rd_base(wrd_base), .o_rd_size(wrd_size),
				.o_rd_perm(wrd_perm), .o_hit(hit), .o_fail(fail));
			assign f_wci = {fail[0], hit[0]};
			assign l_wci = {fail[1], hit[1]};
			assign s_wci = {fail[2], hit[2]};
		end else begin : g_wown
			assign {f_wci, l_wci, s_wci} = 6'd0;
			assign {wrd_base, wrd_size, wrd_perm} = 67'd0;
			wire unused_wc = ^{f_wc, l_wc, s_wc, f_wc_take, l_wc_take, s_wc_take, wrd, wrd_i, wrd_pre,
					   ww_valid, ww_w, ww_lane, ww_value};
		end
	endgenerate

	// ---- memory arbiter ----
	wire [3:0]        arb_ready, arb_resp;
	wire [LG_OUT:0]   outstanding;

	mote_mem_arbiter #(.NM(4), .MEM_BYTES(MEM_BYTES), .LG_OUT(LG_OUT), .REG_GRANT(ARB_REG_GRANT)) u_arb (
		.clk(clk), .rst(rst), .i_flush(arb_flush),
		.i_req_valid({sr_req_valid, s_req_valid, l_req_valid, f_req_valid}), .o_req_ready(arb_ready),
		.i_req_write({1'b0, s_req_write, 1'b0, 1'b0}),
		.i_req_addr({sr_req_addr, s_req_addr, l_req_addr, f_req_addr}),
		.i_req_wdata({{MB8{1'b0}}, s_req_wdata, {MB8{1'b0}}, {MB8{1'b0}}}),
		.i_req_wstrb({{MEM_BYTES{1'b0}}, s_req_wstrb, {MEM_BYTES{1'b0}}, {MEM_BYTES{1'b0}}}),
		.o_resp_valid(arb_resp), .o_resp_data(resp_data),
		.o_mem_req_valid(o_mem_req_valid), .i_mem_req_ready(i_mem_req_ready),
		.o_mem_req_write(o_mem_req_write), .o_mem_req_addr(o_mem_req_addr),
		.o_mem_req_wdata(o_mem_req_wdata), .o_mem_req_wstrb(o_mem_req_wstrb),
		.i_mem_resp_valid(resp_valid_q), .i_mem_resp_data(resp_data_q),
		.o_outstanding(outstanding));
	assign f_req_ready  = arb_ready[0];
	assign l_req_ready  = arb_ready[1];
	assign s_req_ready  = arb_ready[2];
	assign sr_req_ready = arb_ready[3];
	assign sr_resp_valid = arb_resp[3];
	assign f_resp_valid = arb_resp[0];
	assign l_resp_valid = arb_resp[1];

	// ---- job status, watchdog progress, perf events ----
	wire mem_hs   = o_mem_req_valid && i_mem_req_ready;
	wire progress = mem_hs || resp_valid_q || f_push || (ld_valid && ld_ready) ||
			(cp_valid && cp_ready) || (st_valid && st_ready) || c_row ||
			l_retire || c_retire || s_retire;
	wire quiet    = f_idle && q_empty && l_idle && c_idle && s_idle;
	wire mem_idle = (outstanding == 0) && !o_mem_req_valid;

	function [31:0] popcount(input [MEM_BYTES-1:0] v);
		integer i;
		begin
			popcount = 32'd0;
			for (i = 0; i < MEM_BYTES; i = i + 1)
				popcount = popcount + {31'd0, v[i]};
		end
	endfunction

	// Events that depend on i_mem_req_ready reach the watchdog and the
	// counters one cycle late (registered): the totals are the same, and the
	// counters' wide increment vector stays out of the input-settling logic.
	reg        progress_q, l_stall_mem_q, s_stall_mem_q;
	reg [31:0] wr_bytes_q;
	always @(posedge clk) begin
		progress_q    <= !rst && progress;
		l_stall_mem_q <= l_stall_mem;
		s_stall_mem_q <= s_stall_mem;
		if (mem_hs && o_mem_req_write)
			wr_bytes_q <= popcount(o_mem_req_wstrb);
		else
			wr_bytes_q <= 32'd0;
	end

	reg [`MOTE_NUM_PERF*32-1:0] perf_inc;
	always @(*) begin
		perf_inc = 0;  // CYCLES and CMDS are counted inside mote_csr
		perf_inc[`MOTE_PERF_FETCH_BUSY*32 +: 32]      = {31'd0, f_busy};
		perf_inc[`MOTE_PERF_LOAD_BUSY*32 +: 32]       = {31'd0, l_busy};
		perf_inc[`MOTE_PERF_COMPUTE_BUSY*32 +: 32]    = {31'd0, c_busy};
		perf_inc[`MOTE_PERF_STORE_BUSY*32 +: 32]      = {31'd0, s_busy};
		perf_inc[`MOTE_PERF_MACS_ISSUED*32 +: 32]     = c_row ? MACS_PER_ROW : 32'd0;
		perf_inc[`MOTE_PERF_MACS_USEFUL*32 +: 32]     = c_row ? c_useful : 32'd0;
		perf_inc[`MOTE_PERF_MACS_DENSE*32 +: 32]      = c_row ? c_dense : 32'd0;
		perf_inc[`MOTE_PERF_ARRAY_ACTIVE*32 +: 32]    = {31'd0, c_row};
		perf_inc[`MOTE_PERF_STALL_LOAD_DEP*32 +: 32]  = {31'd0, l_stall_dep};
		perf_inc[`MOTE_PERF_STALL_COMP_DEP*32 +: 32]  = {31'd0, c_stall_dep};
		perf_inc[`MOTE_PERF_STALL_STORE_DEP*32 +: 32] = {31'd0, s_stall_dep};
		perf_inc[`MOTE_PERF_STALL_LOAD_MEM*32 +: 32]  = {31'd0, l_stall_mem_q};
		perf_inc[`MOTE_PERF_STALL_STORE_MEM*32 +: 32] = {31'd0, s_stall_mem_q};
		perf_inc[`MOTE_PERF_STALL_COMP_WGT*32 +: 32]  = {31'd0, c_stall_wgt};
		perf_inc[`MOTE_PERF_BYTES_READ*32 +: 32]      = resp_valid_q ? MEM_BYTES32 : 32'd0;
		perf_inc[`MOTE_PERF_BYTES_WRITTEN*32 +: 32]   = wr_bytes_q;
	end

	mote_csr #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES), .ABUF_DEPTH(ABUF_DEPTH),
		   .WBUF_DEPTH(WBUF_DEPTH), .BBUF_DEPTH(BBUF_DEPTH), .ACC_DEPTH(ACC_DEPTH),
		   .DEPTHWISE(DEPTHWISE), .ACC_MAX(ACC_MAX), .STORE_ADD(STORE_ADD), .ROUND_TFL(ROUND_TFL_ON), .SPARSE(SPARSE), .LOAD_SPLIT(LOAD_SPLIT), .TOKEN_IDX(PUSH_IDX), .QUEUES(QUEUES), .NUM_WINDOWS(NUM_WINDOWS), .MEM_ADDR_W(MEM_ADDR_W), .IDX_W(IDX_W), .NSRC(5), .NHOLD(4),
		   .WIN_RD_EXT(WIN_SHARE == 0 ? 0 : WIN_RAM != 0 ? 2 : 1),
		   .PERF_SET(PERF_SET), .PERF_W(PERF_W), .CFG_RAM(CFG_RAM)) u_csr (
		.clk(clk), .rst(rst),
		.i_csr_valid(csr_valid_q), .i_csr_write(csr_write_q), .i_csr_addr(csr_addr_q),
		.i_csr_wdata(csr_wdata_q), .o_csr_rdata(o_csr_rdata), .o_csr_rvalid(o_csr_rvalid),
		.o_irq(o_irq), .o_start(start), .o_base_load(base_load), .o_base_ok(base_ok), .o_count_ok(count_ok),
		.o_abort(abort), .o_busy(job_busy), .o_arb_flush(arb_flush),
		.o_cmd_base(cmd_base), .o_cmd_count(cmd_count),
		.o_win_base(win_base), .o_win_size(win_size), .o_win_perm(win_perm),
		.i_wrd_base(wrd_base), .i_wrd_size(wrd_size), .i_wrd_perm(wrd_perm),
		.o_ww_valid(ww_valid), .o_ww_w(ww_w), .o_ww_lane(ww_lane), .o_ww_value(ww_value),
		.o_wrd_pre(wrd_pre), .o_wrd(wrd_late), .o_wrd_w(wrd_w),
		.i_err_valid({t_err, s_err, c_err, l_err, f_err}),
		.i_err_code({t_err_code, s_err_code, c_err_code, l_err_code, f_err_code}),
		.i_err_idx({t_err_idx, s_err_idx, c_err_idx, l_err_idx, f_err_idx}),
		.i_err_addr({32'd0, s_err_addr, 32'd0, l_err_addr, f_err_addr}),
		.i_end_seen(f_end), .i_quiet(quiet), .i_mem_idle(mem_idle), .i_progress(progress_q),
		.i_hold_valid({!s_idle, !c_idle, !l_idle, !f_idle}),
		.i_hold_idx({s_cur, c_cur, l_cur, f_cur}),
		.i_retire_n({1'b0, l_retire} + {1'b0, c_retire} + {1'b0, s_retire}),
		.i_perf_inc(perf_inc));

	// ports and bits that only matter inside one unit
	wire unused_top = ^{job_busy, arb_resp[2], l_row, l_wdata};
endmodule

`default_nettype wire
