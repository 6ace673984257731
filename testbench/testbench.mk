# testbench/testbench.mk: RTL unit test benches under Verilator.
#
# A unit bench is one C++ file using testbench/common/testb.h.  Register one with
#   $(eval $(call MOTE_VTB,name,top_module,rtl sources,bench.cpp,extra verilator args))
# in a testbench/unit/*.mk fragment; `make test-rtl` builds and runs them all.

VERILATOR      ?= verilator
VERILATOR_TB   := --cc --exe --build -j $(JOBS) -Wall --assert --x-assign unique --x-initial unique \
                  --trace-fst -O2 -I$(BUILD)/rtl -CFLAGS "-O1 -I$(abspath testbench/common)"
MOTE_TB_BINS   :=

define MOTE_VTB
$(BUILD)/tb/$(1)/$(1): $(3) $(4) $(GEN_VH) testbench/common/testb.h testbench/common/tb_seed.h \
  testbench/unit/wide.h testbench/unit/dp_bits.h
	@mkdir -p $(BUILD)/tb/$(1)
	$(VERILATOR) $(VERILATOR_TB) --top-module $(2) --Mdir $(BUILD)/tb/$(1) $(5) \
	  $(3) $(abspath $(4)) -o $(1) > $(BUILD)/tb/$(1)/build.log 2>&1 || { cat $(BUILD)/tb/$(1)/build.log; exit 1; }
MOTE_TB_BINS += $(BUILD)/tb/$(1)/$(1)
# make tb-NAME: build and run that one bench (MOTE_SEED, MOTE_TRACE, MOTE_TRACE_START/END pass through)
.PHONY: tb-$(1)
tb-$(1): $(BUILD)/tb/$(1)/$(1)
	$(BUILD)/tb/$(1)/$(1)
endef

include $(wildcard testbench/unit/*.mk)
include testbench/system/system.mk
include testbench/netlist/netlist.mk
include testbench/xsim/xsim.mk

MOTE_TESTS += test-rtl
.PHONY: test-rtl
# the benches built and run JOBS at a time (a Verilator build and a bench are single-threaded);
# each run's output is kept in BENCH.run.log and printed in order, a failing one at once
test-rtl:
	@$(MAKE) --no-print-directory -j$(JOBS) $(MOTE_TB_BINS)
	@set -e; printf '%s\n' $(MOTE_TB_BINS) | xargs -P $(JOBS) -I{} sh -c \
	  '{} > {}.run.log 2>&1 || { echo "FAIL {}"; cat {}.run.log; exit 1; }'; \
	  for t in $(MOTE_TB_BINS); do echo "RUN $$t"; cat $$t.run.log; done; \
	  echo "test-rtl: $(words $(MOTE_TB_BINS)) RTL unit benches passed"
	@$(MAKE) --no-print-directory test-rtl-conventions

# the benches' conventions: the seed printed first, MOTE_SEED changing the run, the trace window
.PHONY: test-rtl-conventions
test-rtl-conventions: $(BUILD)/tb/fifo/fifo
	@set -e; t=$(BUILD)/tb/fifo/fifo; $$t > $(BUILD)/tb/seed0.txt; MOTE_SEED=5 $$t > $(BUILD)/tb/seed5.txt; \
	  head -1 $(BUILD)/tb/seed0.txt | grep -qx 'seed 0 (MOTE_SEED=N for another)'; \
	  head -1 $(BUILD)/tb/seed5.txt | grep -qx 'seed 5 (MOTE_SEED=N for another)'; \
	  ! cmp -s $(BUILD)/tb/seed0.txt $(BUILD)/tb/seed5.txt; \
	  MOTE_TRACE=$(BUILD)/tb/w100.fst MOTE_TRACE_START=1000 MOTE_TRACE_END=1100 $$t > /dev/null; \
	  MOTE_TRACE=$(BUILD)/tb/w10k.fst MOTE_TRACE_START=1000 MOTE_TRACE_END=11000 $$t > /dev/null; \
	  a=$$(stat -c %s $(BUILD)/tb/w100.fst); b=$$(stat -c %s $(BUILD)/tb/w10k.fst); \
	  [ $$a -gt 0 ] && [ $$((a * 4)) -lt $$b ] || { echo "test-rtl: trace window: $$a bytes for 100 cycles, $$b for 10000"; exit 1; }; \
	  echo "test-rtl: benches print their seed (MOTE_SEED changes the run) and keep a trace window ($$a bytes for 100 cycles, $$b for 10,000)"
