# fpga/fpga.mk: Yosys synthesis, area per instance (the board bitstream: fpga/icebreaker/).
#
#   make synth        iCE40 UP5K-class 4x4 (synth_ice40, the iCEBreaker's parameters), ECP5
#                     8x8 (synth_ecp5) and the iCEBreaker board top (mote_top, link, memory): for
#                     each, a table per instance (self and including children) of LUT4,
#                     flip-flops, carry, iCE40 logic cells (estimate), block RAM, SPRAM and DSP,
#                     written also as build/synth/<config>.area.json beside the log
#   make synth SYNTH_FLAT=1
#                     also synthesizes each configuration flattened (the old flow, about as long
#                     again) and prints its totals under the table
#   make synth-flat   the flattened synthesis alone: one line of totals per configuration
#
# How the hierarchy is kept: synth_* runs flattened up to its LUT mapping (label map_luts),
# so constants, unused bits, memories (block RAM or flip-flops), DSPs, carries and
# flip-flops are exactly those of the flat synthesis; fpga/synth_area.c then gives each
# cell back to its instance (by its name, by the instantiation sites flatten leaves in
# its src, else by the cells it drives or, failing that, reads) as a "submod" attribute
# in the netlist it writes back; Yosys' submod rebuilds one module per instance and
# synth_* -noflatten -run map_luts: maps the LUTs (ABC) module by module.  (submod makes
# a whole wire a port when any bit crosses; the bits that nothing drives, unused in the
# flat design, are tied to 0 so that check -assert holds.)  So flip-flop,
# RAM and DSP totals equal the flat ones, and LUT4 (and carry, which the LUT pass may
# simplify) differ only by what ABC cannot merge across an instance boundary.  Each run also proves there is no
# latch (select -assert-none on $dlatch after proc) and passes check -assert on the
# flattened and on the mapped design.

SYNTH_DIR   := $(BUILD)/synth
SYNTH_SRCS   = $(sort $(shell find rtl -name '*.v'))
SYNTH_AREA  := $(BUILD)/tools/synth_area

# name | yosys synth command | chparam settings for mote_top
# the iCE40 configuration is the iCEBreaker board's parameter set (fpga/boards.mk)
SYNTH_ice40_4x4_CMD := $(ICE40_SYNTH) -top mote_top
SYNTH_ice40_4x4_PAR  = $(foreach p,$(BOARD_icebreaker_PARAMS),-set $(subst =, ,$(p)))
SYNTH_ecp5_8x8_CMD  := synth_ecp5 -top mote_top
SYNTH_ecp5_8x8_PAR  := -set ROWS 8 -set COLS 8 -set MEM_BYTES 16
# run on the flat design before the split: iCE40 keeps each carry and its adder LUT in one
# cell of its own ($__ICE40_CARRY_WRAPPER, no ports known to check or submod) from map_gates
# to map_luts; unwrapping them before ABC instead of after changes nothing (ABC maps gates only)
# ECP5: its cell library has whitebox models with processes, which write_json refuses
# (synth_ecp5 makes them blackboxes at its end anyway)
SYNTH_ice40_4x4_PRE := ice40_wrapcarry -unwrap
SYNTH_ecp5_8x8_PRE  := blackbox =A:whitebox
# ECP5: synth_ecp5 puts every multiply of 2x2 bits or more on a MULT18X18D, the compute unit's
# two per-row MAC counts too (K_VALID by N_VALID: a few bits by a few, its only multiplies); they
# become logic first (Yosys' generic multiplier, a few LUT4), so the DSP blocks are the MACs' and
# the post-processing lanes'.  (In the RTL a shift-and-add form did the same but cost the iCE40
# board 10 to 28 of its last logic cells more than synth_ice40's own mapping of the multiply; a
# selection by width instead also took constant multiplies that synth_ecp5 makes shifts: +1.3k LUT4.)
SYNTH_ECP5_PREP     := techmap *mote_compute_unit*/t:$$$$mul
SYNTH_ecp5_8x8_PREP := $(SYNTH_ECP5_PREP)

# the board top (PLL, link, mote_top with the board's parameters, SPRAM memory): the table
# then has the link beside mote_top.  The parameters come in through mote_board.vh.
SYNTH_icebreaker_CMD  := $(ICE40_SYNTH) -top mote_icebreaker
SYNTH_icebreaker_TOP  := mote_icebreaker
SYNTH_icebreaker_PRE  := ice40_wrapcarry -unwrap
SYNTH_icebreaker_SRCS := fpga/icebreaker/mote_icebreaker.v
SYNTH_icebreaker_INC  := -I$(BUILD)/fpga/icebreaker
SYNTH_icebreaker_DEPS := $(BUILD)/fpga/icebreaker/mote_board.vh

SYNTH_CONFIGS := ice40_4x4 ecp5_8x8 icebreaker
# the top of a configuration (mote_top unless it says otherwise)
synth_top = $(or $(SYNTH_$(1)_TOP),mote_top)

$(SYNTH_AREA): fpga/synth_area.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -o $@ $<

# $(1): configuration.  <config>.log is the Yosys log, .stat its `stat -top mote_top`,
# .area.txt / .area.json the table.  The intermediate JSON netlists stay in build/synth/.
define MOTE_SYNTH
$(SYNTH_DIR)/$(1).log: $$(SYNTH_SRCS) $(SYNTH_$(1)_SRCS) $(SYNTH_$(1)_DEPS) $(GEN_VH) $(SYNTH_AREA)
	@mkdir -p $(SYNTH_DIR)
	@echo "SYNTH $(1) (several minutes)"
	@{ echo 'read_verilog -defer -I$(BUILD)/rtl $(SYNTH_$(1)_INC) $$(SYNTH_SRCS) $(SYNTH_$(1)_SRCS)'; \
	  $(if $(SYNTH_$(1)_PAR),echo 'chparam $(SYNTH_$(1)_PAR) $(call synth_top,$(1))';) \
	  echo 'hierarchy -top $(call synth_top,$(1))'; echo 'proc'; \
	  echo 'select -assert-none t:$$$$dlatch t:$$$$adlatch t:$$$$dlatchsr'; \
	  echo 'write_json $(SYNTH_DIR)/$(1).rtl.json'; $(if $(SYNTH_$(1)_PREP),echo '$(SYNTH_$(1)_PREP)';) \
	  echo '$(SYNTH_$(1)_CMD) -run begin:map_luts'; echo '$(SYNTH_$(1)_PRE)'; echo 'check -assert'; \
	  echo 'write_json $(SYNTH_DIR)/$(1).gates.json'; \
	  echo '! $(SYNTH_AREA) split $(call synth_top,$(1)) $(SYNTH_DIR)/$(1).rtl.json $(SYNTH_DIR)/$(1).gates.json $(SYNTH_DIR)/$(1).split.json $(SYNTH_DIR)/$(1).map > $(SYNTH_DIR)/$(1).split.txt'; \
	  echo 'delete $(call synth_top,$(1))'; echo 'read_json $(SYNTH_DIR)/$(1).split.json'; \
	  echo 'hierarchy -top $(call synth_top,$(1))'; echo 'submod'; echo 'setundef -undriven -zero'; \
	  echo '$(SYNTH_$(1)_CMD) -noflatten -run map_luts:'; echo 'check -assert'; \
	  echo 'tee -q -o $(SYNTH_DIR)/$(1).stat stat -top $(call synth_top,$(1))'; \
	  echo 'write_json $(SYNTH_DIR)/$(1).netlist.json'; } > $(SYNTH_DIR)/$(1).ys
	@start=$$$$(date +%s); \
	  yosys -q -l $$@.tmp -s $(SYNTH_DIR)/$(1).ys > /dev/null 2> $(SYNTH_DIR)/$(1).err || \
	  { tail -20 $$@.tmp; exit 1; }; \
	  echo "$$$$(( $$$$(date +%s) - start ))" > $(SYNTH_DIR)/$(1).seconds
	@$(SYNTH_AREA) report $(1) $(call synth_top,$(1)) $(SYNTH_DIR)/$(1).map $(SYNTH_DIR)/$(1).netlist.json \
	  $(SYNTH_DIR)/$(1).area.json > $(SYNTH_DIR)/$(1).area.txt
	@mv $$@.tmp $$@

# the old flow: flattened, totals only
$(SYNTH_DIR)/$(1).flat.log: $$(SYNTH_SRCS) $(SYNTH_$(1)_SRCS) $(SYNTH_$(1)_DEPS) $(GEN_VH)
	@mkdir -p $(SYNTH_DIR)
	@echo "SYNTH $(1) flattened (several minutes)"
	@yosys -q -l $$@.tmp -p 'read_verilog -defer -I$(BUILD)/rtl $(SYNTH_$(1)_INC) $$(SYNTH_SRCS) $(SYNTH_$(1)_SRCS); \
	  $(if $(SYNTH_$(1)_PAR),chparam $(SYNTH_$(1)_PAR) $(call synth_top,$(1));) hierarchy -top $(call synth_top,$(1)); proc; \
	  select -assert-none t:$$$$dlatch t:$$$$adlatch t:$$$$dlatchsr; $(if $(SYNTH_$(1)_PREP),$(SYNTH_$(1)_PREP);) \
	  $(SYNTH_$(1)_CMD); check -assert; tee -o $(SYNTH_DIR)/$(1).flat.stat stat' > /dev/null
	@mv $$@.tmp $$@
endef
$(foreach c,$(SYNTH_CONFIGS),$(eval $(call MOTE_SYNTH,$(c))))

# ---- make synth-sparse: what the 2:4 sparse mode (SPARSE) costs on the UP5K ----
# The board build's parameters with the systolic array (ARRAY_BCAST 0: mote_array_bcast has no
# sparse mode), without and with SPARSE: the difference is the sparse mode's cost.
SYNTH_SPARSE_BASE := $(filter-out ARRAY_BCAST=% SPARSE=%,$(BOARD_icebreaker_PARAMS)) ARRAY_BCAST=0
SYNTH_ice40_4x4_sys_CMD    := $(ICE40_SYNTH) -top mote_top
SYNTH_ice40_4x4_sys_PAR     = $(foreach p,$(SYNTH_SPARSE_BASE) SPARSE=0,-set $(subst =, ,$(p)))
SYNTH_ice40_4x4_sys_PRE    := ice40_wrapcarry -unwrap
SYNTH_ice40_4x4_sparse_CMD := $(ICE40_SYNTH) -top mote_top
SYNTH_ice40_4x4_sparse_PAR  = $(foreach p,$(SYNTH_SPARSE_BASE) SPARSE=1,-set $(subst =, ,$(p)))
SYNTH_ice40_4x4_sparse_PRE := ice40_wrapcarry -unwrap
SPARSE_CONFIGS := ice40_4x4_sys ice40_4x4_sparse
$(foreach c,$(SPARSE_CONFIGS),$(eval $(call MOTE_SYNTH,$(c))))
.PHONY: synth-sparse
synth-sparse: $(foreach c,$(SPARSE_CONFIGS),$(SYNTH_DIR)/$(c).log)
	@for c in $(SPARSE_CONFIGS); do cat $(SYNTH_DIR)/$$c.area.txt; done

SYNTH_FLAT ?=
.PHONY: synth synth-flat
synth: $(foreach c,$(SYNTH_CONFIGS),$(SYNTH_DIR)/$(c).log $(if $(SYNTH_FLAT),$(SYNTH_DIR)/$(c).flat.log))
	@for c in $(SYNTH_CONFIGS); do \
	  if [ -n "$(SYNTH_FLAT)" ]; then \
	    $(SYNTH_AREA) report $$c $$(case $$c in icebreaker) echo mote_icebreaker;; *) echo mote_top;; esac) $(SYNTH_DIR)/$$c.map $(SYNTH_DIR)/$$c.netlist.json \
	      $(SYNTH_DIR)/$$c.area.json $(SYNTH_DIR)/$$c.flat.stat > $(SYNTH_DIR)/$$c.area.txt || exit 1; \
	  fi; \
	  cat $(SYNTH_DIR)/$$c.area.txt; \
	  echo "  ($(SYNTH_DIR)/$$c.area.json; yosys $$(cat $(SYNTH_DIR)/$$c.seconds) s)"; \
	done

synth-flat: $(foreach c,$(SYNTH_CONFIGS),$(SYNTH_DIR)/$(c).flat.log)
	@sh fpga/synth_report.sh $(foreach c,$(SYNTH_CONFIGS),$(SYNTH_DIR)/$(c).flat.stat)

# ---- make fpga-report: what the larger parts would take (Yosys estimates) ----
# nextpnr-ecp5 and nextpnr-gowin are not Debian 12 packages, so these are the flattened
# synthesis's cell counts against each device's capacity, not placed designs.  The
# geometries are the simulator's (ROWS x COLS, bus 2*ROWS bytes, every other parameter
# its default: the builds whose utilization make bench reports).  Gowin: Yosys 0.23
# maps no multiplier to the GW1NR's DSP blocks, so every MAC is LUT logic there.
REPORT_CONFIGS := ecp5_8x8 ecp5_45f_8x8 ecp5_16x16 ecp5_85f_16x16 gowin_4x4 gowin_8x8
# The two parameter sets made to fit a part are mapped to LUT4s only (-nowidelut): by default
# synth_ecp5's ABC script maps for depth with LUT5..LUT7 (a LUT4 pair and a PFUMX, and so on),
# which on the flattened 16x16 gave 112,943 LUT4 cells against 68,719 with -nowidelut (the
# same design, 16k L6MUX21 and 32k PFUMX fewer), and no place and route here judges its depth.
# the LFE5U-45F's parameter set (fpga/boards.mk, simulated as sim:board=ecp5_45f)
SYNTH_ecp5_45f_8x8_CMD := synth_ecp5 -top mote_top -nowidelut
SYNTH_ecp5_45f_8x8_PAR  = $(foreach p,$(BOARD_ecp5_45f_PARAMS),-set $(subst =, ,$(p)))
SYNTH_ecp5_45f_8x8_PRE := blackbox =A:whitebox
SYNTH_ecp5_45f_8x8_PREP := $(SYNTH_ECP5_PREP)
# the LFE5U-85F's 16x16 parameter set (fpga/boards.mk): its 256 MACs are more than the 85F's
# 156 MULT18X18D, so the last LUT_MUL_COLS columns' products (mote_mul8_logic) become logic
# first, as the compute unit's counts do
SYNTH_ecp5_85f_16x16_CMD := synth_ecp5 -top mote_top -nowidelut
SYNTH_ecp5_85f_16x16_PAR  = $(foreach p,$(ECP5_85F_PARAMS),-set $(subst =, ,$(p)))
SYNTH_ecp5_85f_16x16_PRE := blackbox =A:whitebox
SYNTH_ecp5_85f_16x16_PREP := $(SYNTH_ECP5_PREP) *mote_mul8_logic*/t:$$$$mul
SYNTH_ecp5_16x16_CMD := synth_ecp5 -top mote_top
SYNTH_ecp5_16x16_PAR := -set ROWS 16 -set COLS 16 -set MEM_BYTES 32
SYNTH_ecp5_16x16_PREP := $(SYNTH_ECP5_PREP)
SYNTH_gowin_4x4_CMD  := synth_gowin -top mote_top
SYNTH_gowin_4x4_PAR  := -set ROWS 4 -set COLS 4 -set MEM_BYTES 8
SYNTH_gowin_8x8_CMD  := synth_gowin -top mote_top
SYNTH_gowin_8x8_PAR  := -set ROWS 8 -set COLS 8 -set MEM_BYTES 16
$(foreach c,$(filter-out $(SYNTH_CONFIGS),$(REPORT_CONFIGS)),$(eval $(call MOTE_SYNTH,$(c))))

.PHONY: fpga-report
fpga-report: $(foreach c,$(REPORT_CONFIGS),$(SYNTH_DIR)/$(c).flat.log)
	@sh fpga/fpga_report.sh $(foreach c,$(REPORT_CONFIGS),$(SYNTH_DIR)/$(c).flat.stat) | tee $(SYNTH_DIR)/fpga_report.txt
