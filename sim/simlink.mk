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

$(BUILD)/sim/mote_simlink.o: sim/mote_simlink.cpp sim/mote_simlink.h $(SIM_HDRS) $(SIMLINK_DIR)/Vmote_link_top_8x8.mk
	@mkdir -p $(@D)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_CXXWARN) -I$(SIMLINK_DIR) -c $< -o $@

SIM_OBJS += $(SIMLINK_DIR)/Vmote_link_top_8x8__ALL.o $(BUILD)/sim/mote_simlink.o
endif

