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
$(BUILD)/tb/$(1)/$(1): $(3) $(4) $(GEN_VH) testbench/common/testb.h
	@mkdir -p $(BUILD)/tb/$(1)
	$(VERILATOR) $(VERILATOR_TB) --top-module $(2) --Mdir $(BUILD)/tb/$(1) $(5) \
	  $(3) $(abspath $(4)) -o $(1) > $(BUILD)/tb/$(1)/build.log 2>&1 || { cat $(BUILD)/tb/$(1)/build.log; exit 1; }
MOTE_TB_BINS += $(BUILD)/tb/$(1)/$(1)
endef

include $(wildcard testbench/unit/*.mk)
include testbench/system/system.mk
include testbench/netlist/netlist.mk

MOTE_TESTS += test-rtl
.PHONY: test-rtl
# the benches built two at a time (a Verilator build is mostly single-threaded), then run in turn
test-rtl:
	@$(MAKE) --no-print-directory -j$(JOBS) $(MOTE_TB_BINS)
	@set -e; for t in $(MOTE_TB_BINS); do echo "RUN $$t"; $$t; done; \
	  echo "test-rtl: $(words $(MOTE_TB_BINS)) RTL unit benches passed"
