# testbench/unit/board.mk: benches of the board builds' own pieces (fpga/boards.mk).

# device memory on the UP5K's SPRAMs: Yosys' SB_SPRAM256KA model, and the behavioural twin
$(eval $(call MOTE_VTB,spram,mote_spram_mem,rtl/mem/mote_spram_mem.v $(ICE40_CELLS_SIM),testbench/unit/spram_tb.cpp,\
  $(ICE40_VFLAGS) -GICE40=1))
$(eval $(call MOTE_VTB,spram_behav,mote_spram_mem,rtl/mem/mote_spram_mem.v,testbench/unit/spram_tb.cpp,-GICE40=0))
