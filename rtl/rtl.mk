# rtl/rtl.mk: rules for rtl/ (included by the top Makefile).
#
#   make lint     verilator --lint-only -Wall of mote_top for 4x4, 8x8, 16x16, 4x8, 8x8 without
#                 the depthwise path, STORE ADD and ROUND_TFL, without ACC_MAX, and 4x4 with the
#                 small-FPGA choices (MUL_CELL, one accumulator copy) (waivers only in
#                 rtl/lint.vlt), each board's parameter set and its board top (with Yosys'
#                 iCE40 cell models), then iverilog -g2005 and yosys read_verilog of every RTL file
#   make formal   bounded proofs (yosys + yosys-smtbmc, z3) of the FORMAL blocks of mote_fifo,
#                 mote_window_check, mote_cmd_decode, mote_tokens, mote_mem_arbiter (and its
#                 round robin's bound, FORMAL_FAIR) and
#                 mote_cmd_queue and mote_fifo_ram, the last two also unbounded (k-induction) with their covers;
#                 the yosys half of each proof is rtl/formal/<module>.ys
#
# MOTE_RTL_SRCS lists every RTL source (others may use it).

MOTE_RTL_SRCS := $(sort $(shell find rtl -name '*.v'))
RTL_LINT_VLT  := $(wildcard rtl/lint.vlt)

# name | parameters of mote_top (the simulator's geometries: bus width 2*ROWS bytes)
RTL_LINT_4x4   := -GROWS=4 -GCOLS=4 -GMEM_BYTES=8 -GABUF_DEPTH=1024 -GWBUF_DEPTH=256 \
                  -GBBUF_DEPTH=24 -GACC_DEPTH=256 -GPPU_LANES=1
RTL_LINT_8x8   := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16
RTL_LINT_16x16 := -GROWS=16 -GCOLS=16 -GMEM_BYTES=32
RTL_LINT_8x8dense := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16 -GDEPTHWISE=0 -GSTORE_ADD=0 -GROUND_TFL=0
RTL_LINT_4x8   := -GROWS=4 -GCOLS=8 -GMEM_BYTES=8
RTL_LINT_8x8nomax := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16 -GACC_MAX=0
# the small-FPGA choices: multiplier cells, one accumulator copy
RTL_LINT_4x4small := -GROWS=4 -GCOLS=4 -GMEM_BYTES=8 -GABUF_DEPTH=512 -GWBUF_DEPTH=256 -GBBUF_DEPTH=24 \
                     -GACC_DEPTH=256 -GPPU_LANES=1 -GMUL_CELL=1 -GACC_COPIES=1 -GPSUM_W=18
# shared command queues (FEATURES.QUEUES)
RTL_LINT_8x8q1 := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16 -GQUEUES=1 -GMEM_ADDR_W=20
RTL_LINT_8x8q2 := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16 -GQUEUES=2 -GMEM_ADDR_W=20
# without the sparse mode (MATMUL SPARSE is FIELD; one activation-buffer bank)
RTL_LINT_8x8nosparse := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16 -GSPARSE=0
RTL_LINT_CONFIGS := 4x4 8x8 16x16 8x8dense 4x8 8x8nomax 4x4small 8x8q1 8x8q2 8x8nosparse

RTL_RP := )
.PHONY: lint formal
lint: $(GEN_VH) $(foreach b,$(BOARDS),$(BUILD)/fpga/$(b)/mote_board.vh)
	@set -e; for c in $(RTL_LINT_CONFIGS); do \
	  case $$c in 4x4) p="$(RTL_LINT_4x4)";; 8x8) p="$(RTL_LINT_8x8)";; 16x16) p="$(RTL_LINT_16x16)";; \
	    8x8dense) p="$(RTL_LINT_8x8dense)";; 4x8) p="$(RTL_LINT_4x8)";; 8x8nomax) p="$(RTL_LINT_8x8nomax)";; \
	    4x4small) p="$(RTL_LINT_4x4small)";; 8x8q1) p="$(RTL_LINT_8x8q1)";; 8x8q2) p="$(RTL_LINT_8x8q2)";; \
	    8x8nosparse) p="$(RTL_LINT_8x8nosparse)";; esac; \
	  echo "LINT verilator mote_top $$c"; \
	  $(VERILATOR) --lint-only -Wall -I$(BUILD)/rtl $(RTL_LINT_VLT) --top-module mote_top $$p $(MOTE_RTL_SRCS); \
	done
	@set -e; for b in $(BOARDS); do echo "LINT verilator mote_top board $$b (with the iCE40 cell models)"; done
	@$(foreach b,$(BOARDS),$(VERILATOR) --lint-only -Wall -I$(BUILD)/rtl $(RTL_LINT_VLT) --top-module mote_top \
	  $(call board_gflags,$(b)) $(ICE40_VFLAGS) $(MOTE_RTL_SRCS) $(ICE40_CELLS_SIM) &&) true
	@set -e; for b in $(BOARDS); do echo "LINT verilator board top mote_$$b (PLL, reset, link, SPRAM memory)"; done
	@$(foreach b,$(BOARDS),$(VERILATOR) --lint-only -Wall -I$(BUILD)/rtl -I$(BUILD)/fpga/$(b) $(RTL_LINT_VLT) \
	  --top-module mote_$(b) $(ICE40_VFLAGS) fpga/$(b)/mote_$(b).v $(MOTE_RTL_SRCS) $(ICE40_CELLS_SIM) &&) true
	@echo "LINT iverilog -g2005 ($(words $(MOTE_RTL_SRCS)) files)"
	@iverilog -g2005 -I$(BUILD)/rtl -o /dev/null $(MOTE_RTL_SRCS)
	@echo "LINT yosys read_verilog ($(words $(MOTE_RTL_SRCS)) files)"
	@mkdir -p $(BUILD)/lint
	@yosys -q -l $(BUILD)/lint/yosys.log -p 'read_verilog -I$(BUILD)/rtl $(MOTE_RTL_SRCS); hierarchy -check -top mote_top' \
	  > /dev/null 2>&1 || { tail -20 $(BUILD)/lint/yosys.log; exit 1; }
	@# no latches in any configuration: Yosys' proc makes one of any variable a combinational block
	@# leaves alone on some path (Verilator's LATCH warning misses loop variables)
	@set -e; for c in default $(RTL_LINT_CONFIGS) $(addprefix board-,$(BOARDS)); do \
	  case $$c in default) p="";; 4x4) p="$(RTL_LINT_4x4)";; 8x8) p="$(RTL_LINT_8x8)";; 16x16) p="$(RTL_LINT_16x16)";; \
	    8x8dense) p="$(RTL_LINT_8x8dense)";; 4x8) p="$(RTL_LINT_4x8)";; 8x8nomax) p="$(RTL_LINT_8x8nomax)";; \
	    4x4small) p="$(RTL_LINT_4x4small)";; 8x8q1) p="$(RTL_LINT_8x8q1)";; 8x8q2) p="$(RTL_LINT_8x8q2)";; \
	    8x8nosparse) p="$(RTL_LINT_8x8nosparse)";; $(foreach b,$(BOARDS),board-$(b)$(RTL_RP) p="$(call board_gflags,$(b))";;) esac; \
	  set=$$(printf '%s\n' "$$p" | sed 's/-G\([A-Za-z_0-9]*\)=\([^ ]*\)/-set \1 \2/g'); \
	  yosys -q -l $(BUILD)/lint/latch_$$c.log -p "read_verilog -lib +/ice40/cells_sim.v; \
	    read_verilog -I$(BUILD)/rtl $(MOTE_RTL_SRCS); chparam $$set mote_top; hierarchy -check -top mote_top; proc; \
	    select -assert-none t:\$$dlatch t:\$$adlatch t:\$$dlatchsr" > /dev/null 2>&1 || \
	    { tail -8 $(BUILD)/lint/latch_$$c.log; echo "lint: a latch in mote_top $$c"; exit 1; }; \
	done; echo "LINT yosys proc: no latch in mote_top (default, $(RTL_LINT_CONFIGS), $(BOARDS))"
	@echo "lint: clean"

# module:first checked step:bmc depth.  Sequential proofs skip step 0, the reset cycle
# (registers start arbitrary; every block assumes rst there).
RTL_FORMAL := mote_fifo:1:24 mote_window_check:0:1 mote_window_check_17:0:1 mote_window_scan:1:5 mote_window_scan_17:1:5 mote_cmd_decode:0:1 mote_tokens:1:14 \
              mote_mem_arbiter:1:12 mote_mem_arbiter_reg:1:12 mote_mem_arbiter_fair:1:16 mote_mem_arbiter_reg_fair:1:16 \
              mote_cmd_queue:1:12 mote_fifo_ram:1:16 mote_window_share_ram:1:6
# module:induction length[:cover steps]: also proved unbounded (k-induction, yosys-smtbmc -i),
# and every cover statement reached (yosys-smtbmc -c, in the induction length's steps unless
# given).  mote_window_share_ram: the board's shared window checker with its window RAM and
# kept answers (rtl/formal/mote_window_share_ram.ys, bit-blasted), about 2 minutes here.  Its
# bounded proof to step 10 found a fault in session 13: a scan cut short when its port stopped
# wanting (the fetcher's read-ahead at a job's END) kept its count of windows tried into the
# next job, whose first check could then fail against windows it never tried (a false
# FETCH_WINDOW); a job's start and a new word now begin a scan afresh.  Induction closes with
# the RAM's rows and output tied to the windows as written (mote_sram_1r1w's f_mem) and each
# kept answer the spec's for its block.
RTL_INDUCT := mote_cmd_queue:12 mote_fifo_ram:12 mote_mem_arbiter:8 mote_mem_arbiter_reg:8 mote_window_scan:6 mote_window_scan_17:6 \
              mote_window_share_ram:3:10

$(BUILD)/formal/%.smt2: rtl/formal/%.ys $(MOTE_RTL_SRCS) $(GEN_VH)
	@mkdir -p $(@D)
	@yosys -q -l $@.log -p 'script $<; write_smt2 -wires $@'

formal: $(foreach f,$(RTL_FORMAL),$(BUILD)/formal/$(word 1,$(subst :, ,$(f))).smt2)
	@set -e; for f in $(RTL_FORMAL); do m=$${f%%:*}; t=$${f#*:}; \
	  echo "FORMAL $$m (bmc steps $$t)"; \
	  yosys-smtbmc -s z3 -t $$t $(BUILD)/formal/$$m.smt2 > $(BUILD)/formal/$$m.bmc.log || \
	    { tail -20 $(BUILD)/formal/$$m.bmc.log; exit 1; }; \
	done
	@set -e; for f in $(RTL_INDUCT); do m=$${f%%:*}; k=$${f#*:}; c=$${k#*:}; k=$${k%%:*}; \
	  echo "FORMAL $$m (k-induction, length $$k; covers)"; \
	  yosys-smtbmc -s z3 -i -t $$k $(BUILD)/formal/$$m.smt2 > $(BUILD)/formal/$$m.ind.log || \
	    { tail -20 $(BUILD)/formal/$$m.ind.log; exit 1; }; \
	  yosys-smtbmc -s z3 -c -t $$c $(BUILD)/formal/$$m.smt2 > $(BUILD)/formal/$$m.cover.log || \
	    { tail -20 $(BUILD)/formal/$$m.cover.log; exit 1; }; \
	done; echo "formal: $(words $(RTL_FORMAL)) bounded proofs, $(words $(RTL_INDUCT)) unbounded, passed"


MOTE_TESTS += lint formal
