# rtl/link/link.mk: the host link's RTL (rtl/link/), part of make lint, make formal and make synth.
#
#   make lint-link    verilator --lint-only -Wall of mote_link_top as the simulator builds it (8x8,
#                     16-byte bus, 4 cycles a bit) and of mote_link as a UP5K board would (8-byte bus)
#   make formal-link  yosys-smtbmc: the frame parser (bounded and k-induction: no frame the model
#                     calls bad leaves it, every good one does, data bytes only to their place, back
#                     to hunting after a flag; with all 32 address bits and with the board's 17 and
#                     the flag for the rest), the CRC register (bit-serial equals a byte at a
#                     time), the memory arbitration (responses to the master that asked)
#   make synth-link   mote_link for the iCE40 UP5K: Yosys synth_ice40, nextpnr-ice40 --pack-only;
#                     logic cells (ICESTORM_LC) and RAMs, from nextpnr's JSON report

LINK_RTL := $(sort $(wildcard rtl/link/*.v))
LINK_DEPS := $(LINK_RTL) rtl/common/mote_sram_1r1w.v

.PHONY: lint-link formal-link synth-link
lint: lint-link
formal: formal-link

lint-link: $(GEN_VH)
	@echo "LINT verilator mote_link_top (sim: 8x8, MEM_BYTES 16, BAUD_DIV 4)"
	@$(VERILATOR) --lint-only -Wall -I$(BUILD)/rtl $(RTL_LINT_VLT) --top-module mote_link_top -GMEM_BYTES=16 \
	  -GBAUD_DIV=4 -GMEM_SIZE=16777216 $(filter-out rtl/formal/%,$(MOTE_RTL_SRCS))
	@echo "LINT verilator mote_link (board: MEM_BYTES 8, BAUD_DIV 10)"
	@$(VERILATOR) --lint-only -Wall -I$(BUILD)/rtl --top-module mote_link -GMEM_BYTES=8 $(LINK_DEPS)

# module:bmc steps:cover steps:induction steps (0: none)
LINK_FORMAL := mote_link_rx:8:20:4 mote_link_rx_aw17:8:20:4 mote_link_crc32:30:44:0 mote_link_arb:12:12:4

$(BUILD)/formal/%.smt2: rtl/link/formal/%.ys $(LINK_DEPS) $(GEN_VH)
	@mkdir -p $(@D)
	@yosys -q -l $@.log -p 'script $<; write_smt2 -wires $@'

formal-link: $(foreach f,$(LINK_FORMAL),$(BUILD)/formal/$(word 1,$(subst :, ,$(f))).smt2)
	@set -e; for f in $(LINK_FORMAL); do m=$${f%%:*}; r=$${f#*:}; b=$${r%%:*}; r=$${r#*:}; c=$${r%%:*}; i=$${r#*:}; \
	  echo "FORMAL $$m (bmc steps $$b, cover, induction $$i)"; \
	  yosys-smtbmc -s z3 -t 1:$$b $(BUILD)/formal/$$m.smt2 > $(BUILD)/formal/$$m.bmc.log || \
	    { tail -20 $(BUILD)/formal/$$m.bmc.log; exit 1; }; \
	  yosys-smtbmc -s z3 -c -t 1:$$c $(BUILD)/formal/$$m.smt2 > $(BUILD)/formal/$$m.cover.log || \
	    { tail -20 $(BUILD)/formal/$$m.cover.log; exit 1; }; \
	  if [ $$i != 0 ]; then yosys-smtbmc -s z3 -i -t $$i $(BUILD)/formal/$$m.smt2 > $(BUILD)/formal/$$m.ind.log || \
	    { tail -20 $(BUILD)/formal/$$m.ind.log; exit 1; }; fi; \
	done; echo "formal-link: $(words $(LINK_FORMAL)) proofs passed"

# Area of the link on the UP5K: the board's bus (MEM_BYTES 8) and a 4-byte one.
LINK_SYNTH_DIR := $(BUILD)/synth/link
LINK_YOSYS = read_verilog -I$(BUILD)/rtl $(LINK_DEPS); chparam -set MEM_BYTES $* mote_link; hierarchy -top mote_link; proc; select -assert-none t:$$dlatch t:$$adlatch t:$$dlatchsr; synth_ice40 -top mote_link -json $@; tee -o $(@D)/mb$*.stat stat
$(LINK_SYNTH_DIR)/mb%.synth.json: $(LINK_DEPS) $(GEN_VH)
	@mkdir -p $(@D)
	@yosys -q -l $(@D)/mb$*.log -p '$(LINK_YOSYS)' > /dev/null

$(LINK_SYNTH_DIR)/mb%.report.json: $(LINK_SYNTH_DIR)/mb%.synth.json
	@nextpnr-ice40 --up5k --package sg48 --json $< --pack-only --report $@ > $(@D)/mb$*.pnr.log 2>&1 || \
	  { tail -20 $(@D)/mb$*.pnr.log; exit 1; }

synth-link: $(LINK_SYNTH_DIR)/mb8.report.json $(LINK_SYNTH_DIR)/mb4.report.json
	@for b in 8 4; do /usr/bin/python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["utilization"]; \
	  print("mote_link, MEM_BYTES %s: %d iCE40 logic cells (ICESTORM_LC) of 5280, %d RAM (EBR)" % \
	  (sys.argv[2], u["ICESTORM_LC"]["used"], u["ICESTORM_RAM"]["used"]))' $(LINK_SYNTH_DIR)/mb$$b.report.json $$b; done
synth: synth-link
