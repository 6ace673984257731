# fpga/boards.mk: the board builds, each a parameter set of the same RTL (mote_top).
# One line per board: the parameters of mote_top, its device memory, bus width and the
# latency of that memory in cycles.  The simulator builds each board as a model of its own
# (`sim:board=NAME`, with Yosys' iCE40 cell models for the cells the board build instantiates),
# the FPGA flow synthesizes the same set.
#
# iCEBreaker (iCE40UP5K-SG48): a 4x4 array on the 8 SB_MAC16 (two signed 8x8 products each),
# activations broadcast to them and each column summed in an adder tree (ARRAY_BCAST: a third of
# the systolic array's logic), 18-bit column sums (the least that is exact for 4 rows), the
# fetcher one read at a time (LG_FETCH_READS 0), no input register (IN_REG 0: the link bridge
# and the SPRAMs answer from registers), the compute unit's 3-stage metadata delay line in a
# block RAM (DELAY_RAM 1: its flip-flops took a logic cell each), one accumulator copy, one
# requantization lane, device memory on the four SPRAMs side by side
# (16K x 64 bits = 128 KB: MEM_BYTES 8, read data one cycle after the address).
# Perf counters: CYCLES, MACS_USEFUL and CMDS of 32 bits (PERF_SET 65601), what the driver needs
# for a job's utilization (CYCLES wraps after 204 s at 21 MHz): 130 logic cells; the 9 counters
# kept before (busy cycles per unit, bytes, array rows) cost 534.
# One window checker shared by the fetcher and the narrow load and store paths (WIN_SHARE),
# which also serves the CSR block's window read-back: 219 logic cells instead of three
# checkers' 293 and about 100 of the CSR block's read multiplexer.
# The windows' bases and sizes in a block RAM of that checker (WIN_RAM), read a cycle ahead,
# instead of 96 flip-flops of the CSR block: about 80 logic cells for 2 EBR.
# One command queue for the three units (QUEUES 2, FEATURES.QUEUES ONE): a queue's entry is a
# flip-flop per command bit it carries, a logic cell each; three entries took 674 of them, one
# takes 299 (board 6,086 -> 5,450 estimated logic cells, 24 -> 20 EBR).  The units then run their
# commands one at a time in stream order: GEMM 64x64x64 115,595 -> 148,507 cycles, conv
# 16x16x16->16 3x3 137,426 -> 206,561; load and store sharing one (QUEUES 1) would cost 5,730.
# The memory arbiter's grant a register (ARB_REG_GRANT): the core's critical path went from the
# load walk through the window check and the arbiter's grant into the store writer's address
# adder (make fpga-core-timing: 10.1 MHz before, 16.8 after; 17.5 with the load walk's byte
# address a register).
# CMD_BASE, CMD_COUNT and WDT_LIMIT in a block RAM of the CSR block (CFG_RAM): START reads the
# first two out to the fetcher (the job starts two or three cycles after the START write), a
# register read answers a cycle later: 4,946 -> 4,889 logic cells (their 64 flip-flops and the
# read multiplexer's share) for 2 EBR; 23.93 -> 24.10 MHz.
# The compute unit's command ready from registers (CP_REG_READY): its stage W takes a command only
# when empty, so S's hazard compares no longer run through W into the shared queue's pop (the
# board's critical path then: 21.86 -> 22.50 MHz, 12 cells fewer; a command waits a cycle more
# where W hands one on, hidden behind any MATMUL of two rows or more).
# No ACC_MAX: the accumulate adder's max (about 90 logic cells): max pools run on the host.
# No ROUND_TFL: the serial lane rounds once (half to even) only; TFLite models keep TFLite's multipliers
# and round once here (the compiler warns).  ROUND_TFL=0 says so in FEATURES (PPU_SERIAL implies it).
# No DEPTHWISE: its horizontal partial sums (a register and a multiplexer per PE, the lanes'
# output multiplexers and its command fields) cost about 770 logic cells of the 5,280; depthwise
# convolutions and average pools run on the host (the compiler refuses them without the feature).
BOARD_icebreaker_PARAMS := ROWS=4 COLS=4 MEM_BYTES=8 ABUF_DEPTH=512 WBUF_DEPTH=256 BBUF_DEPTH=64 \
                           ACC_DEPTH=256 PPU_LANES=1 QUEUE_DEPTH=16 LG_LOAD_READS=1 LG_FETCH_READS=0 LG_MEM_READS=2 PERF_W=32 PERF_SET=65601 MEM_ADDR_W=17 MUL_CELL=2 PSUM_W=18 ARRAY_BCAST=1 IN_REG=0 DELAY_RAM=1 SPARSE=0 \
                           ACC_COPIES=1 DEPTHWISE=0 ACC_MAX=0 STORE_ADD=0 ROUND_TFL=0 PPU_SERIAL=1 LOAD_SERIAL=1 WIN_SHARE=1 QUEUES=2 WIN_RAM=1 ARB_REG_GRANT=1 WIN_HOLD=1 PUSH_IDX=0 CP_REG_READY=1 CFG_RAM=1
BOARD_icebreaker_MEM    := 131072
BOARD_icebreaker_BUS    := 8
BOARD_icebreaker_LAT    := 1
# The board's clock: the PLL from the 12 MHz oscillator, 12 MHz x (DIVF+1) / (2^DIVQ x (DIVR+1)),
# its VCO (12 MHz x (DIVF+1) / (DIVR+1)) within 533..1066 MHz and its output within 16..275 MHz
# (the iCE40 sysCLOCK PLL's rules, as icepll states them), and the UART's clock cycles per bit
# (3 Mbaud, the FT2232H's most: 21 MHz / 7).  21 MHz (a multiple of 3 MHz, for the UART) because
# the routed board build reaches 24.27 MHz (seed 1; icetime 23.81), not the 30 MHz goal (24 MHz, the next
# multiple, is not a clock the build keeps: nextpnr's 24.27 is icetime's 23.81); make fpga checks the PLL gives BOARD_icebreaker_MHZ and that
# the routed design meets it.
BOARD_icebreaker_CLOCK  := PLL_DIVR=0 PLL_DIVF=55 PLL_DIVQ=5 BAUD_DIV=7
BOARD_icebreaker_MHZ    := 21

BOARDS := icebreaker

# icebreaker_perf: the iCEBreaker's parameter set with every perf counter (PERF_SET at its default,
# still 32 bits wide), simulated only and built only by `make bench` in a build tree of its own
# (BOARD_PERF_BUILD, sim/sim.mk).  The counters change no timing, so its cycles are the board's
# (the bench checks that they are), and `mote run --perf` on it shows where they go: each unit's
# busy cycles and the bytes moved, which the board itself does not count.
BOARD_icebreaker_perf_PARAMS := $(filter-out PERF_SET=%,$(BOARD_icebreaker_PARAMS))
BOARD_icebreaker_perf_MEM    := $(BOARD_icebreaker_MEM)
BOARD_icebreaker_perf_BUS    := $(BOARD_icebreaker_BUS)
BOARD_icebreaker_perf_LAT    := $(BOARD_icebreaker_LAT)

# Simulated-only configurations: a parameter set of mote_top the simulator builds as a model of
# its own (`sim:board=NAME`, like a board) and `make fpga-report` synthesizes, without a board top
# (no pins, PLL or link).
# ecp5_45f: the 8x8 array for a Lattice LFE5U-45F (72 18x18 multipliers, 44k LUT4: the ULX3S's
# and OrangeCrab's part), one multiplier per MAC and 8 more: two requantization lanes (4
# multipliers each for the 32x32 product; a row takes 4 cycles in them) and no STORE ADD (its 8 add
# lanes took 16 multipliers and its operand reader about 20k LUT4: the compiler runs residual adds
# on the host).  Every other parameter is the 8x8 simulator's.  Device memory and its model are the
# 8x8 simulator's too: 16 MB, a 16-byte bus, 8 cycles of latency.
BOARD_ecp5_45f_PARAMS := ROWS=8 COLS=8 MEM_BYTES=16 PPU_LANES=2 STORE_ADD=0
BOARD_ecp5_45f_MEM    := 16777216
BOARD_ecp5_45f_BUS    := 16
BOARD_ecp5_45f_LAT    := 8
SIM_ONLY_BOARDS := ecp5_45f

# ecp5_85f (synthesized by make fpga-report only): the 16x16 array for an LFE5U-85F (156
# multipliers, 84k LUT4): four requantization lanes, no STORE ADD, and the last 8 columns' 128
# products in logic (LUT_MUL_COLS), 128 + 16 (the lanes) multipliers, and the array's partial sums
# at the least exact width (16 + log2 16 bits)
ECP5_85F_PARAMS := ROWS=16 COLS=16 MEM_BYTES=32 PPU_LANES=4 STORE_ADD=0 LUT_MUL_COLS=8 PSUM_W=20

# Yosys' iCE40 synthesis, the one command every iCE40 flow uses (bitstream, area table, gate-level
# netlist).  Without -dsp on purpose: Yosys 0.23's ice40_dsp pass (run by -dsp) takes the SB_MAC16
# cells mote_mul2 instantiates for DSP inference and rewrites them as combinational 16x16 multipliers
# (MODE_8x8, the A/B and product registers and the clock all dropped: every product wrong, found by
# the gate-level test, testbench/netlist).  Every multiplier of a board build is such an instance,
# so -dsp has nothing to infer.
# -dffe_min_ce_use 8: a clock enable shared by fewer than 8 flip-flops becomes logic instead (a LUT
# input of the flip-flop's own LUT where it has one): an iCE40 logic tile's 8 cells share one
# enable and one reset, so every distinct enable splits tiles.  On the board build: 202 enable and
# reset combinations -> 120, and 4,864 packed logic cells -> 4,831.
ICE40_SYNTH := synth_ice40 -dffe_min_ce_use 8

# Yosys' iCE40 cell models, for simulating what a board build instantiates (SB_MAC16) and the
# synthesized netlist; their lint waivers and defines.
ICE40_CELLS_SIM := /usr/share/yosys/ice40/cells_sim.v
ICE40_VFLAGS    := fpga/ice40_cells.vlt -DNO_ICE40_DEFAULT_ASSIGNMENTS --timescale 1ns/1ps
# -G form of a board's parameters, for Verilator
board_gflags = $(foreach p,$(BOARD_$(1)_PARAMS),-G$(p))

# A board's parameter set as Verilog (one source of truth for its board top):
# $(BUILD)/fpga/<board>/mote_board.vh defines MOTE_BOARD_PARAMS (".ROWS(4), .COLS(4), ..."),
# MOTE_BOARD_<PARAM> for each (MOTE_BOARD_MEM_BYTES: the bus), MOTE_BOARD_MEM_SIZE and the clock's
# MOTE_BOARD_PLL_DIVR/DIVF/DIVQ and MOTE_BOARD_BAUD_DIV.
board_comma  := ,
board_lparen := (
board_rparen := )
board_empty  :=
board_space  := $(board_empty) $(board_empty)
board_vparams = $(subst $(board_space),$(board_comma) ,$(strip $(foreach p,$(BOARD_$(1)_PARAMS),.$(subst =,$(board_lparen),$(p))$(board_rparen))))
define MOTE_BOARD_VH
$(BUILD)/fpga/$(1)/mote_board.vh: fpga/boards.mk
	@mkdir -p $$(@D)
	@{ echo '// generated from fpga/boards.mk: the $(1) board build'; \
	  echo '`define MOTE_BOARD_PARAMS $$(call board_vparams,$(1))'; \
	  $$(foreach p,$$(BOARD_$(1)_PARAMS),echo '`define MOTE_BOARD_$$(subst =, ,$$(p))';) \
	  echo '`define MOTE_BOARD_MEM_SIZE $$(BOARD_$(1)_MEM)'; \
	  $$(foreach p,$$(BOARD_$(1)_CLOCK),echo '`define MOTE_BOARD_$$(subst =, ,$$(p))';) } > $$@
endef
$(foreach b,$(BOARDS),$(eval $(call MOTE_BOARD_VH,$(b))))
