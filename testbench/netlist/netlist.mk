# testbench/netlist/netlist.mk: the gate-level check of the board build.
#
#   make test-netlist   Yosys synth_ice40 (ICE40_SYNTH) of mote_top with the iCEBreaker's parameter set
#                       (as make fpga synthesizes it), written as a netlist; Verilator runs the
#                       netlist with Yosys' iCE40 cell models as the board `icebreaker_net`;
#                       GEMM and convolution command streams run on it through the driver,
#                       bit-exact against the reference and cycle for cycle with the RTL
#                       (sim:board=icebreaker).  test_netlist links its own copy of the
#                       simulator's board table (the netlist model stays out of libmotesim).

NET_DIR   := $(BUILD)/netsim
NET_BOARD := icebreaker
NET_V     := $(NET_DIR)/mote_top_$(NET_BOARD).v
NET_VDIR  := $(BUILD)/verilated/$(NET_BOARD)_net
NET_PFX   := Vmote_top_$(NET_BOARD)_net

ifeq ($(SIM_HAVE),1)
$(NET_V): $(SIM_TOP_SRCS) $(GEN_VH) fpga/boards.mk testbench/netlist/netlist.mk
	@mkdir -p $(@D)
	@echo "YOSYS $(ICE40_SYNTH) mote_top ($(NET_BOARD)) -> gate-level netlist"
	@{ echo 'read_verilog -defer -I$(BUILD)/rtl $(SIM_TOP_SRCS)'; \
	  echo 'chparam $(foreach p,$(BOARD_$(NET_BOARD)_PARAMS),-set $(subst =, ,$(p))) mote_top'; \
	  echo 'hierarchy -top mote_top'; echo '$(ICE40_SYNTH) -top mote_top'; \
	  echo 'setundef -zero -params'; echo 'write_verilog -noattr $@.tmp'; } > $(NET_DIR)/mote_top_$(NET_BOARD).ys
	@yosys -q -l $(NET_DIR)/mote_top_$(NET_BOARD).log -s $(NET_DIR)/mote_top_$(NET_BOARD).ys > /dev/null 2>&1 || \
	  { tail -20 $(NET_DIR)/mote_top_$(NET_BOARD).log; exit 1; }
	@mv $@.tmp $@

$(NET_VDIR)/$(NET_PFX).mk: $(NET_V) $(ICE40_CELLS_SIM)
	rm -rf $(@D) && mkdir -p $(@D)
	$(VERILATOR) $(SIM_VFLAGS) -fno-inline --prefix $(NET_PFX) $(ICE40_VFLAGS) --Mdir $(@D) $(NET_V) $(ICE40_CELLS_SIM) \
	  > $(@D)/verilate.log 2>&1 || { cat $(@D)/verilate.log; exit 1; }

# -O1: a flat netlist is a lot of C++; the run is short
$(NET_VDIR)/$(NET_PFX)__ALL.o: $(NET_VDIR)/$(NET_PFX).mk
	+$(MAKE) --no-print-directory -s -C $(@D) -f $(NET_PFX).mk $(NET_PFX)__ALL.o \
	  CXX=$(CXX) OPT_FAST=-O1 OPT_SLOW=-O1 OPT_GLOBAL=-O1 VM_PARALLEL_BUILDS=0

$(NET_DIR)/board_$(NET_BOARD)_net.o: sim/sim_geometry.cpp $(SIM_HDRS) $(NET_VDIR)/$(NET_PFX).mk
	$(CXX) $(SIM_CXXFLAGS) -I$(NET_VDIR) -DMOTE_SIM_PREFIX=$(NET_PFX) \
	  -DMOTE_SIM_FACTORY=mote_sim_make_$(NET_BOARD)_net -c $< -o $@

# the board table with the netlist beside the boards of fpga/boards.mk
NET_BOARD_X := $(SIM_BOARD_X) B($(NET_BOARD)_net,$(BOARD_$(NET_BOARD)_MEM),$(BOARD_$(NET_BOARD)_BUS),$(BOARD_$(NET_BOARD)_LAT))
$(NET_DIR)/mote_sim_net.o: sim/mote_sim.cpp $(SIM_HDRS) Makefile sim/sim.mk fpga/boards.mk
	@mkdir -p $(@D)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_CXXWARN) '-DMOTE_SIM_GEOMS=$(SIM_GEOM_X)' '-DMOTE_SIM_BOARDS=$(NET_BOARD_X)' \
	  -c $< -o $@

NET_SIM_OBJS := $(filter-out $(BUILD)/sim/mote_sim.o,$(SIM_OBJS)) $(NET_DIR)/mote_sim_net.o \
                $(NET_VDIR)/$(NET_PFX)__ALL.o $(NET_DIR)/board_$(NET_BOARD)_net.o

$(NET_DIR)/test_netlist: testbench/netlist/test_netlist.c $(SYS_CLI_OBJS) $(DRV_SAN_OBJS) $(NET_SIM_OBJS) $(MOTECC_SAN) \
  $(KERN_SAN) $(GEN_H)
	$(CC) $(CFLAGS_SAN) -Idriver/cli -o $@ $< $(SYS_CLI_OBJS) $(DRV_SAN_OBJS) $(NET_SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) \
	  $(DRV_LDLIBS)

test-netlist: $(NET_DIR)/test_netlist
	$<
MOTE_TESTS += test-netlist
endif
.PHONY: test-netlist
