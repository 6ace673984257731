# sim/simlink.mk: the Verilated board of the host link (rtl/link/mote_link_top, 8x8, bus 16 bytes,
# 16 MiB of memory, 4 cycles per UART bit) behind sim/mote_simlink.h, added to the simulator
# objects libmote carries (SIM_OBJS): the sim:link=uart backend talks to it byte for byte.
ifeq ($(SIM_HAVE),1)
SIMLINK_DIR  := $(BUILD)/verilated/link8x8
SIMLINK_SRCS := $(filter-out rtl/formal/%,$(SIM_RTL_ALL))
SIMLINK_PARAMS := -GROWS=8 -GCOLS=8 -GMEM_BYTES=16 -GMEM_SIZE=16777216 -GBAUD_DIV=4 -GLG_OUT=5

$(SIMLINK_DIR)/Vmote_link_top_8x8.mk: $(SIMLINK_SRCS) $(GEN_VH) sim/simlink.mk
	rm -rf $(@D) && mkdir -p $(@D)
	$(VERILATOR) $(subst --top-module mote_top,--top-module mote_link_top,$(SIM_VFLAGS)) --prefix Vmote_link_top_8x8 \
	  $(SIMLINK_PARAMS) --Mdir $(@D) $(SIMLINK_SRCS) > $(@D)/verilate.log 2>&1 || { cat $(@D)/verilate.log; exit 1; }

$(SIMLINK_DIR)/Vmote_link_top_8x8__ALL.o: $(SIMLINK_DIR)/Vmote_link_top_8x8.mk
	+$(MAKE) --no-print-directory -s -C $(@D) -f Vmote_link_top_8x8.mk Vmote_link_top_8x8__ALL.o \
	  CXX=$(CXX) OPT_FAST="$(SIM_COPT)" OPT_SLOW=-O2 OPT_GLOBAL=-O2 VM_PARALLEL_BUILDS=0

# The iCEBreaker board top whole (fpga/icebreaker/mote_icebreaker.v: what `make fpga` puts into
# the bitstream) with Yosys' iCE40 cell models and the PLL twin (testbench/board/SB_PLL40_PAD.v,
# first: Verilator keeps the first of two definitions, and cells_sim.v's PLL is a black box).
# sim:board=icebreaker,link=uart talks to it; its clock and bit time come from fpga/boards.mk.
SIMLINK_IB_DIR  := $(BUILD)/verilated/link_icebreaker
SIMLINK_IB_SRCS := testbench/board/SB_PLL40_PAD.v $(SIMLINK_SRCS) fpga/icebreaker/mote_icebreaker.v $(ICE40_CELLS_SIM)
SIMLINK_IB_CLK   = $(word 2,$(subst =, ,$(filter $(1)=%,$(BOARD_icebreaker_CLOCK))))
SIMLINK_IB_DEFS := -DMOTE_SIMLINK_HAVE_ICEBREAKER -DMOTE_SIMLINK_ICEBREAKER_HZ=$(BOARD_icebreaker_MHZ)000000u \
		   -DMOTE_SIMLINK_ICEBREAKER_BAUD_DIV=$(call SIMLINK_IB_CLK,BAUD_DIV)u

$(SIMLINK_IB_DIR)/Vmote_icebreaker.mk: $(SIMLINK_IB_SRCS) $(GEN_VH) $(BUILD)/fpga/icebreaker/mote_board.vh sim/simlink.mk fpga/boards.mk
	rm -rf $(@D) && mkdir -p $(@D)
	$(VERILATOR) $(subst --top-module mote_top,--top-module mote_icebreaker,$(SIM_VFLAGS)) --prefix Vmote_icebreaker \
	  -I$(BUILD)/fpga/icebreaker $(ICE40_VFLAGS) -Wno-MODDUP --Mdir $(@D) $(SIMLINK_IB_SRCS) > $(@D)/verilate.log 2>&1 \
	  || { cat $(@D)/verilate.log; exit 1; }

$(SIMLINK_IB_DIR)/Vmote_icebreaker__ALL.o: $(SIMLINK_IB_DIR)/Vmote_icebreaker.mk
	+$(MAKE) --no-print-directory -s -C $(@D) -f Vmote_icebreaker.mk Vmote_icebreaker__ALL.o \
	  CXX=$(CXX) OPT_FAST="$(SIM_COPT)" OPT_SLOW=-O2 OPT_GLOBAL=-O2 VM_PARALLEL_BUILDS=0

$(BUILD)/sim/mote_simlink.o: sim/mote_simlink.cpp sim/mote_simlink.h $(SIM_HDRS) $(SIMLINK_DIR)/Vmote_link_top_8x8.mk \
			     $(SIMLINK_IB_DIR)/Vmote_icebreaker.mk fpga/boards.mk
	@mkdir -p $(@D)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_CXXWARN) -I$(SIMLINK_DIR) -I$(SIMLINK_IB_DIR) $(SIMLINK_IB_DEFS) -c $< -o $@

SIM_OBJS += $(SIMLINK_DIR)/Vmote_link_top_8x8__ALL.o $(SIMLINK_IB_DIR)/Vmote_icebreaker__ALL.o $(BUILD)/sim/mote_simlink.o
endif

