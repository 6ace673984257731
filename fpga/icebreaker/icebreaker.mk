# fpga/icebreaker/icebreaker.mk: the iCEBreaker bitstream, one command.
#
#   make fpga          Yosys synth_ice40 (ICE40_SYNTH, fpga/boards.mk) of the board top (mote_icebreaker: PLL, reset,
#                      LEDs, mote_link, mote_top with the board's parameter set from
#                      fpga/boards.mk, the SPRAM memory); nextpnr-ice40 --pack-only first (the
#                      resources: a design that does not fit the UP5K, or takes more than
#                      FPGA_IB_MAX_LC logic cells, stops there, with its figures), then place and route (--up5k --package sg48, fixed seed, the
#                      target clock), icepack: build/fpga/icebreaker/mote.bin and report.json
#                      (lc, lc_total, dsp, ebr, spram, fmax_mhz, target_mhz, macs_per_cycle,
#                      gops_at_fmax); fails when the resources or the timing fail
#   make fpga-core-timing  the accelerator core alone placed and routed: Fmax, critical path
#   make prog          program the board's flash with iceprog (FT2232H channel A)
#   make test-fpga     make fpga, then icetime's own timing analysis of the routed design

FPGA_IB_DIR    := $(BUILD)/fpga/icebreaker
# The clock the board runs (its PLL, fpga/boards.mk) is what the routed design must meet; nextpnr
# is given the 30 MHz goal (FPGA_IB_GOAL) to place and route for, allowed to miss it.
FPGA_IB_TARGET ?= $(BOARD_icebreaker_MHZ)
FPGA_IB_GOAL   ?= 30
FPGA_IB_SEED   ?= 1
# the PLL's output and VCO from the divisors (MHz): 12 (DIVF+1) / (2^DIVQ (DIVR+1)), each within
# its range (icepll's: VCO 533..1066, output 16..275)
fpga_ib_clk     = $(word 2,$(subst =, ,$(filter $(1)=%,$(BOARD_icebreaker_CLOCK))))
FPGA_IB_PLL     = $(shell awk 'BEGIN { r = $(call fpga_ib_clk,PLL_DIVR) + 1; f = $(call fpga_ib_clk,PLL_DIVF) + 1; \
		    q = 2 ^ $(call fpga_ib_clk,PLL_DIVQ); vco = 12 * f / r; \
		    print (vco < 533 || vco > 1066) ? "VCO " vco " MHz outside 533..1066" : \
		          (vco / q < 16 || vco / q > 275) ? vco / q " MHz outside 16..275" : vco / q }')
# Most logic cells placed and routed: nextpnr-ice40 0.4 did not route this design at 95.1%,
# 96.8% or 99.8% of the UP5K's 5,280, nor at 91.3% and 92.5% with 200 enable/reset sets (router1
# stuck with 1,700 arcs to route, router2 with 1,000 wires overused); it routed 91.5% (4,831)
# once -dffe_min_ce_use 8 left 120 sets (fpga/boards.mk, ICE40_SYNTH), 92.1% (4,865) since, and
# 93.3% (4,925, the packed command stream's fetcher: 20.28 MHz, seed 1), and 94.1% (4,966, session
# 22: 24.01 MHz; its router took 11 minutes on a loaded machine, 4 for 4,946).
# So a build above 93.8% stops after packing instead of routing for hours; FPGA_IB_MAX_LC=5280
# make fpga tries anyway.
FPGA_IB_MAX_LC ?= 4950
# placing and routing takes about 4 minutes here; a router that does not converge never ends
FPGA_IB_PNR_SECONDS ?= 1200
FPGA_IB_SRCS    = $(filter-out rtl/formal/%,$(MOTE_RTL_SRCS)) fpga/icebreaker/mote_icebreaker.v
FPGA_IB_MACS    = $$(( $(word 2,$(subst =, ,$(filter ROWS=%,$(BOARD_icebreaker_PARAMS)))) * \
		     $(word 2,$(subst =, ,$(filter COLS=%,$(BOARD_icebreaker_PARAMS)))) ))

# The files the board's hierarchy uses (one module per file, named after it), in FPGA_IB_SRCS's
# order: synthesis reads only these, so RTL that only the simulators build does not move the
# board. (Yosys numbers cells as it reads; ABC's result depends on that order: one unused file
# read before the others took the packed design from 4,925 to 4,952 logic cells.)
$(FPGA_IB_DIR)/srcs.txt: $(FPGA_IB_SRCS) $(GEN_VH) $(FPGA_IB_DIR)/mote_board.vh fpga/icebreaker/icebreaker.mk
	@mkdir -p $(@D)
	@yosys -q -l $(@D)/srcs.log -p 'read_verilog -defer -I$(BUILD)/rtl -I$(FPGA_IB_DIR) $(FPGA_IB_SRCS); hierarchy -top mote_icebreaker; tee -q -o $(@D)/modules.txt ls' \
	  > /dev/null 2>&1 || { tail -20 $(@D)/srcs.log; exit 1; }
	@awk 'match($$0, /mote_[a-z0-9_]*/) { print substr($$0, RSTART, RLENGTH) }' $(@D)/modules.txt | sort -u > $@.mods
	@for f in $(FPGA_IB_SRCS); do m=$${f##*/}; grep -qx "$${m%.v}" $@.mods && echo $$f; done > $@.tmp; \
	  [ $$(wc -l < $@.tmp) -eq $$(wc -l < $@.mods) ] || { echo "fpga: a module the board uses is not in a file" \
	  "named after it:" $$(for f in $$(cat $@.tmp); do m=$${f##*/}; echo $${m%.v}; done | sort | comm -13 - $@.mods) >&2; exit 1; }
	@mv $@.tmp $@

$(FPGA_IB_DIR)/mote.json: $(FPGA_IB_DIR)/srcs.txt
	@echo "YOSYS $(ICE40_SYNTH) mote_icebreaker ($$(wc -l < $<) files, a minute)"
	@{ echo "read_verilog -defer -I$(BUILD)/rtl -I$(FPGA_IB_DIR) $$(tr '\n' ' ' < $<)"; \
	  echo 'hierarchy -top mote_icebreaker'; echo 'proc'; \
	  echo 'select -assert-none t:$$dlatch t:$$adlatch t:$$dlatchsr'; \
	  echo '$(ICE40_SYNTH) -top mote_icebreaker -json $@.tmp'; echo 'check -assert'; \
	  echo 'tee -q -o $(@D)/synth.stat stat'; } > $(@D)/mote.ys
	@yosys -q -l $(@D)/yosys.log -s $(@D)/mote.ys > /dev/null 2>&1 || { tail -20 $(@D)/yosys.log; exit 1; }
	@mv $@.tmp $@

# the resources after packing (a minute): what fits is placed and routed
$(FPGA_IB_DIR)/pack.json: $(FPGA_IB_DIR)/mote.json fpga/icebreaker/icebreaker.pcf
	@echo "NEXTPNR --pack-only (resources)"
	@nextpnr-ice40 -q --up5k --package sg48 --pcf fpga/icebreaker/icebreaker.pcf --json $< --pack-only \
	  --report $@.tmp -l $(FPGA_IB_DIR)/pack.log || { tail -5 $(FPGA_IB_DIR)/pack.log; exit 1; }
	@mv $@.tmp $@

$(FPGA_IB_DIR)/mote.asc: $(FPGA_IB_DIR)/pack.json
	@[ "$(FPGA_IB_PLL)" = "$(BOARD_icebreaker_MHZ)" ] || { echo "fpga: the PLL ($(BOARD_icebreaker_CLOCK)) gives" \
	  "$(FPGA_IB_PLL), not BOARD_icebreaker_MHZ $(BOARD_icebreaker_MHZ) MHz (fpga/boards.mk)" >&2; exit 1; }
	@sh fpga/icebreaker/report.sh --resources $(FPGA_IB_DIR) $(FPGA_IB_DIR)/pack.json $(FPGA_IB_TARGET) $(FPGA_IB_MACS) $(FPGA_IB_MAX_LC)
	@echo "NEXTPNR --up5k --package sg48 --freq $(FPGA_IB_GOAL) --seed $(FPGA_IB_SEED) (a few minutes)"
	@timeout $(FPGA_IB_PNR_SECONDS) nextpnr-ice40 -q --up5k --package sg48 --pcf fpga/icebreaker/icebreaker.pcf \
	  --json $(FPGA_IB_DIR)/mote.json --asc $@.tmp --freq $(FPGA_IB_GOAL) --timing-allow-fail --seed $(FPGA_IB_SEED) \
	  --report $(FPGA_IB_DIR)/nextpnr.json -l $(FPGA_IB_DIR)/nextpnr.log > /dev/null 2>&1 || { tail -5 $(FPGA_IB_DIR)/nextpnr.log; \
	  echo "fpga: nextpnr failed or did not finish in $(FPGA_IB_PNR_SECONDS) s (a router that does not converge" \
	  "rips up the same arcs for ever)" >&2; exit 1; }
	@mv $@.tmp $@

$(FPGA_IB_DIR)/mote.bin: $(FPGA_IB_DIR)/mote.asc
	@icepack $< $@

.PHONY: fpga prog
fpga: $(FPGA_IB_DIR)/mote.bin
	@sh fpga/icebreaker/report.sh --final $(FPGA_IB_DIR) $(FPGA_IB_DIR)/nextpnr.json $(FPGA_IB_TARGET) $(FPGA_IB_MACS) \
	  $(FPGA_IB_MAX_LC) $(FPGA_IB_GOAL)

prog: fpga
	iceprog $(FPGA_IB_DIR)/mote.bin

# In make test (beside the other suites: nextpnr is single-threaded, about four minutes): the
# bitstream built (resources and nextpnr's timing checked by make fpga), and
# its timing checked again by another analyser, icetime (fpga-icestorm, with its own chip
# database and delay model), on the routed design: the board's clock must pass there too.
.PHONY: test-fpga
MOTE_BG_TESTS += test-fpga
test-fpga: fpga
	@icetime -d up5k -P sg48 -c $(FPGA_IB_TARGET) -t $(FPGA_IB_DIR)/mote.asc > $(FPGA_IB_DIR)/icetime.log 2>&1 \
	  || { tail -5 $(FPGA_IB_DIR)/icetime.log; exit 1; }
	@grep -q "clock constraint: PASSED" $(FPGA_IB_DIR)/icetime.log || \
	  { tail -4 $(FPGA_IB_DIR)/icetime.log; echo "test-fpga: icetime: the routed design misses $(FPGA_IB_TARGET) MHz" >&2; exit 1; }
	@echo "test-fpga: icetime: $$(grep -o 'Total path delay: .*' $(FPGA_IB_DIR)/icetime.log), $(FPGA_IB_TARGET) MHz PASSED"

# The accelerator core's timing where the whole board top does not route: the board top with
# CORE_PROBE 1 (mote_top and its SPRAMs, the link replaced by a shift register on a pin)
# placed and routed at the board's target clock, timing allowed to fail, then its Fmax and
# critical path per module instance (fpga/icebreaker/critical_path.py).  About ten minutes.
FPGA_PROBE_DIR := $(BUILD)/fpga/core_probe
$(FPGA_PROBE_DIR)/probe.json: $(FPGA_IB_SRCS) $(GEN_VH) $(FPGA_IB_DIR)/mote_board.vh
	@mkdir -p $(@D)
	@echo "YOSYS $(ICE40_SYNTH) mote_icebreaker CORE_PROBE=1"
	@yosys -q -l $(@D)/yosys.log -p 'read_verilog -defer -I$(BUILD)/rtl -I$(FPGA_IB_DIR) $(FPGA_IB_SRCS); hierarchy -top mote_icebreaker -chparam CORE_PROBE 1; proc; $(ICE40_SYNTH) -top mote_icebreaker -json $@.tmp' \
	  > /dev/null 2>&1 || { tail -20 $(@D)/yosys.log; exit 1; }
	@mv $@.tmp $@

.PHONY: fpga-core-timing
fpga-core-timing: $(FPGA_PROBE_DIR)/probe.json
	@echo "NEXTPNR core probe --freq $(FPGA_IB_GOAL) --seed $(FPGA_IB_SEED) --timing-allow-fail (about ten minutes)"
	@nextpnr-ice40 -q --up5k --package sg48 --pcf fpga/icebreaker/icebreaker.pcf --json $< \
	  --freq $(FPGA_IB_GOAL) --seed $(FPGA_IB_SEED) --timing-allow-fail --report $(FPGA_PROBE_DIR)/report.json \
	  -l $(FPGA_PROBE_DIR)/nextpnr.log > /dev/null 2>&1 || { tail -5 $(FPGA_PROBE_DIR)/nextpnr.log; exit 1; }
	@grep -o 'ICESTORM_LC: *[0-9]*/ *[0-9]*' $(FPGA_PROBE_DIR)/nextpnr.log | head -1
	@/usr/bin/python3 fpga/icebreaker/critical_path.py $(FPGA_PROBE_DIR)/report.json

# The deepest register inputs of the board's synthesized netlist by an estimated delay (LUT
# levels, carries and a net per LUT: fpga/icebreaker/logic_depth.py), seconds after synthesis
# instead of one critical path per place and route; FPGA_DEPTH_MATCH=NAME prints the whole path
# of each endpoint whose cell name holds NAME.
FPGA_DEPTH_N ?= 30
.PHONY: fpga-depth
fpga-depth: $(FPGA_IB_DIR)/mote.json
	@/usr/bin/python3 fpga/icebreaker/logic_depth.py $< $(FPGA_DEPTH_N) $(FPGA_DEPTH_MATCH)
