# testbench/xsim/xsim.mk: the cross-simulation subset (Icarus Verilog).
#
#   make test-xsim   a few GEMM and convolution jobs (testbench/xsim/xsim.c: xsim --list) through
#                    the whole accelerator, mote_top, under Icarus (testbench/xsim/xsim_tb.v, the
#                    simulator library's memory and register timing in Verilog-2005) and under
#                    Verilator (the simulator library) from the same memory image and register
#                    script: both bit-exact with the reference executor, nothing else written,
#                    every register read (STATUS, all perf counters) and the cycles identical;
#                    each simulator's cycles per CPU second and their ratio.  Then the check
#                    itself: a flipped bit of an expected output, and of a perf counter Icarus
#                    read, each make it fail.
#
# The Icarus models are the simulator library's geometries (ROWS, COLS, MEM_BYTES = 2*ROWS, the
# other parameters their defaults), compiled from the same sources ($(SIM_TOP_SRCS)).

XSIM_DIR   := $(BUILD)/xsim
XSIM_BIN   := $(XSIM_DIR)/xsim
# device memory of both simulators' runs (bytes)
XSIM_MEM   := 65536
XSIM_GEOMS := 4x4 8x8
XSIM_VVPS  := $(foreach g,$(XSIM_GEOMS),$(XSIM_DIR)/xsim_$(g).vvp)
IVERILOG   ?= iverilog

$(XSIM_DIR)/xsim_%.vvp: testbench/xsim/xsim_tb.v $(SIM_TOP_SRCS) $(GEN_VH) testbench/xsim/xsim.mk
	@mkdir -p $(@D)
	$(IVERILOG) -g2005 -I$(BUILD)/rtl -s xsim_tb -P xsim_tb.ROWS=$(word 1,$(subst x, ,$*)) \
	  -P xsim_tb.COLS=$(word 2,$(subst x, ,$*)) -P xsim_tb.MEM_SIZE=$(XSIM_MEM) -o $@ \
	  testbench/xsim/xsim_tb.v $(SIM_TOP_SRCS)

ifeq ($(SIM_HAVE),1)
XSIM_OBJS := $(BUILD)/cli/op.o $(BUILD)/cli/cli_fail.o
$(XSIM_BIN): testbench/xsim/xsim.c testbench/xsim/xsim.mk $(XSIM_OBJS) $(DRV_LIB_A) $(MOTECC_LIB) $(KERN_LIB) $(GEN_H) \
  sim/mote_sim.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -Isim -Idriver/cli -DXSIM_MEM=$(XSIM_MEM)u -o $@ $< $(XSIM_OBJS) $(DRV_LIB_A) $(MOTECC_LIB) \
	  $(KERN_LIB) $(DRV_LDLIBS) -lprotobuf-c

# The corrupted copies live in $(XSIM_DIR)/flip; the first case's files are the material.
XSIM_FLIP := $(XSIM_DIR)/flip
test-xsim: $(XSIM_BIN) $(XSIM_VVPS)
	@$(XSIM_BIN) --vvp-dir $(XSIM_DIR) --out $(XSIM_DIR)/run
	@set -e; c=$$($(XSIM_BIN) --list | awk 'NR == 1 { print $$1 }'); \
	  l=$$(sed -n 's/^list xcase //p' scripts/regress/regress.txt); \
	  [ "$$l" = "$$($(XSIM_BIN) --list | awk '{ print $$1 }' | tr '\n' ' ' | sed 's/ $$//')" ] || \
	    { echo "test-xsim: scripts/regress/regress.txt's list xcase is not xsim --list's cases"; exit 1; }; \
	  rm -rf $(XSIM_FLIP) && mkdir -p $(XSIM_FLIP) && cp -r $(XSIM_DIR)/run/$$c $(XSIM_FLIP)/out; \
	  cp -r $(XSIM_FLIP)/out $(XSIM_FLIP)/perf; \
	  bus=$$(awk '/^geometry/ { print $$4 }' $(XSIM_FLIP)/out/layout.txt); \
	  a=$$(awk '/^region output/ { print $$3 }' $(XSIM_FLIP)/out/layout.txt); a=$$(printf '%d' $$a); \
	  awk -v L=$$((a / bus + 1)) -v P=$$((2 * (bus - 1 - a % bus) + 2)) 'NR == L { c = substr($$0, P, 1); \
	    $$0 = substr($$0, 1, P - 1) (c == "0" ? "1" : "0") substr($$0, P + 1) } { print }' \
	    $(XSIM_FLIP)/out/expect.hex > $(XSIM_FLIP)/e && mv $(XSIM_FLIP)/e $(XSIM_FLIP)/out/expect.hex; \
	  awk '$$1 == "read" && $$2 == "0x100" { $$3 = "0x00000000" } { print }' \
	    $(XSIM_FLIP)/perf/icarus.txt > $(XSIM_FLIP)/i && mv $(XSIM_FLIP)/i $(XSIM_FLIP)/perf/icarus.txt; \
	  ! $(XSIM_BIN) --check $(XSIM_FLIP)/out > $(XSIM_FLIP)/out.log 2>&1 || \
	    { echo "test-xsim: a flipped bit of the expected output passed the check"; exit 1; }; \
	  grep -q 'Icarus: output byte 0 ' $(XSIM_FLIP)/out.log || { cat $(XSIM_FLIP)/out.log; exit 1; }; \
	  ! $(XSIM_BIN) --check $(XSIM_FLIP)/perf > $(XSIM_FLIP)/perf.log 2>&1 || \
	    { echo "test-xsim: a changed perf counter of the Icarus run passed the check"; exit 1; }; \
	  grep -q 'register reads differ' $(XSIM_FLIP)/perf.log || { cat $(XSIM_FLIP)/perf.log; exit 1; }; \
	  echo "test-xsim: $$($(XSIM_BIN) --list | wc -l) cases bit-exact under Icarus and Verilator, cycle for cycle;" \
	    "a flipped expected output bit and a changed perf counter each fail the check"
MOTE_TESTS += test-xsim
endif
.PHONY: test-xsim
