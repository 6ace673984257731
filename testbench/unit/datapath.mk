# testbench/unit/datapath.mk: benches of the datapath (PE, array, compute unit,
# requantization lane, store unit).  Array benches run in three geometries.

DP_ARRAY_SRCS := rtl/common/mote_delay.v rtl/array/mote_pe.v rtl/array/mote_mul2.v rtl/array/mote_mul8_logic.v \
  rtl/array/mote_array.v rtl/array/mote_array_bcast.v

$(eval $(call MOTE_VTB,pe,pe_tb_top,rtl/array/mote_pe.v rtl/array/mote_mul2.v testbench/unit/pe_tb_top.v,testbench/unit/pe_tb.cpp,))
$(eval $(call MOTE_VTB,pe_ext,pe_tb_top,rtl/array/mote_pe.v rtl/array/mote_mul2.v testbench/unit/pe_tb_top.v,\
  testbench/unit/pe_tb.cpp,-GEXT=1 -CFLAGS -DTB_EXT=1))

# rows, cols, MUL_CELL (bench name suffix _cell: two-product cells)
define DP_ARRAY_GEOM
$$(eval $$(call MOTE_VTB,array_$(1)x$(2)$(if $(filter 1,$(3)),_cell),mote_array,$$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=$(1) -GCOLS=$(2) -GMUL_CELL=$(3) -CFLAGS -DTB_ROWS=$(1) -CFLAGS -DTB_COLS=$(2) -CFLAGS -DTB_EXT=$(3)))
endef
$(eval $(call DP_ARRAY_GEOM,4,4,0))
$(eval $(call DP_ARRAY_GEOM,8,8,0))
$(eval $(call DP_ARRAY_GEOM,16,16,0))
$(eval $(call DP_ARRAY_GEOM,4,8,0))
$(eval $(call DP_ARRAY_GEOM,4,4,1))
$(eval $(call DP_ARRAY_GEOM,5,3,1))
# the least exact partial-sum width (the board builds')
$(eval $(call MOTE_VTB,array_4x4_ps18,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GMUL_CELL=1 -GPSUM_W=18 -CFLAGS -DTB_ROWS=4 -CFLAGS -DTB_COLS=4 -CFLAGS -DTB_EXT=1))
# the board's array (no depthwise path: rows 0 and 1 summed in their cells), and an odd row count
$(eval $(call MOTE_VTB,array_4x4_board,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GMUL_CELL=1 -GPSUM_W=18 -GDEPTHWISE=0 -CFLAGS -DTB_ROWS=4 -CFLAGS -DTB_COLS=4 \
  -CFLAGS -DTB_EXT=1 -CFLAGS -DTB_DW=0))
$(eval $(call MOTE_VTB,array_5x3_cell_nodw,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=5 -GCOLS=3 -GMUL_CELL=1 -GDEPTHWISE=0 -CFLAGS -DTB_ROWS=5 -CFLAGS -DTB_COLS=3 -CFLAGS -DTB_EXT=1 \
  -CFLAGS -DTB_DW=0))

# the last columns' products in mote_mul8_logic (LUT_MUL_COLS: the ECP5 85F set's): the same results
$(eval $(call MOTE_VTB,array_8x8_lutmul,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=8 -GCOLS=8 -GLUT_MUL_COLS=3 -CFLAGS -DTB_ROWS=8 -CFLAGS -DTB_COLS=8))

# the sparse mode (SPARSE: row pairs sharing bundles, indexed weights): 4x4 with cells, 8x8, 16x16
$(eval $(call MOTE_VTB,array_8x8_sparse,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=8 -GCOLS=8 -GSPARSE=1 -CFLAGS -DTB_ROWS=8 -CFLAGS -DTB_COLS=8 -CFLAGS -DTB_SPARSE=1))
$(eval $(call MOTE_VTB,array_16x16_sparse,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=16 -GCOLS=16 -GSPARSE=1 -CFLAGS -DTB_ROWS=16 -CFLAGS -DTB_COLS=16 -CFLAGS -DTB_SPARSE=1))
$(eval $(call MOTE_VTB,array_4x4_sparse_cell,mote_array,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GMUL_CELL=1 -GPSUM_W=18 -GDEPTHWISE=0 -GSPARSE=1 -CFLAGS -DTB_ROWS=4 -CFLAGS -DTB_COLS=4 \
  -CFLAGS -DTB_EXT=1 -CFLAGS -DTB_DW=0 -CFLAGS -DTB_SPARSE=1))

$(eval $(call MOTE_VTB,requant,mote_requant,rtl/store/mote_requant.v rtl/common/mote_valid_pipe.v,testbench/unit/requant_tb.cpp,))

DP_COMPUTE_SRCS := $(DP_ARRAY_SRCS) rtl/common/mote_fifo_ram.v rtl/compute/mote_compute_unit.v
define DP_COMPUTE_GEOM
$$(eval $$(call MOTE_VTB,compute_$(1)x$(2),mote_compute_unit,$$(DP_COMPUTE_SRCS),testbench/unit/compute_tb.cpp,\
  -GROWS=$(1) -GCOLS=$(2) -CFLAGS -DTB_ROWS=$(1) -CFLAGS -DTB_COLS=$(2) -CFLAGS -I$(abspath $(BUILD)/include)))
$(BUILD)/tb/compute_$(1)x$(2)/compute_$(1)x$(2): $(GEN_H)
endef
$(eval $(call DP_COMPUTE_GEOM,4,4))
$(eval $(call DP_COMPUTE_GEOM,8,8))
$(eval $(call DP_COMPUTE_GEOM,16,16))
$(eval $(call DP_COMPUTE_GEOM,4,8))
# with two-product multiplier cells (one cycle more through the array)
$(eval $(call MOTE_VTB,compute_4x4_cell,mote_compute_unit,$(DP_COMPUTE_SRCS),testbench/unit/compute_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GMUL_CELL=1 -CFLAGS -DTB_ROWS=4 -CFLAGS -DTB_COLS=4 -CFLAGS -I$(abspath $(BUILD)/include)))
$(BUILD)/tb/compute_4x4_cell/compute_4x4_cell: $(GEN_H)
# without ACC_MAX: the flag must be FIELD (the error cases of the bench)
$(eval $(call MOTE_VTB,compute_8x8_nomax,mote_compute_unit,$(DP_COMPUTE_SRCS),testbench/unit/compute_tb.cpp,\
  -GROWS=8 -GCOLS=8 -GACC_MAX=0 -CFLAGS -DTB_ROWS=8 -CFLAGS -DTB_COLS=8 -CFLAGS -DTB_ACC_MAX=0 \
  -CFLAGS -I$(abspath $(BUILD)/include)))
$(BUILD)/tb/compute_8x8_nomax/compute_8x8_nomax: $(GEN_H)

DP_STORE_SRCS := rtl/common/mote_delay.v rtl/common/mote_fifo.v rtl/common/mote_sram_1r1w.v \
                 rtl/mem/mote_window_check.v rtl/store/mote_requant.v rtl/common/mote_valid_pipe.v rtl/store/mote_store_ppu.v \
                 rtl/store/mote_store_add.v rtl/store/mote_store_operand.v rtl/store/mote_store_writer.v \
                 rtl/store/mote_store_rows.v rtl/store/mote_requant_serial.v rtl/mem/mote_window_scan.v \
                 rtl/store/mote_store_bytes.v rtl/store/mote_store_serial.v rtl/store/mote_store_unit.v
# name, COLS, MEM_BYTES, PPU_LANES, more verilator arguments
define DP_STORE_GEOM
$$(eval $$(call MOTE_VTB,store_$(1),mote_store_unit,$$(DP_STORE_SRCS),testbench/unit/store_tb.cpp,\
  -GROWS=$(2) -GCOLS=$(2) -GMEM_BYTES=$(3) -GPPU_LANES=$(4) -CFLAGS -DTB_COLS=$(2) -CFLAGS -DTB_MEM_BYTES=$(3) \
  -CFLAGS -DTB_LANES=$(4) -CFLAGS -I$(abspath $(BUILD)/include) $(5)))
$(BUILD)/tb/store_$(1)/store_$(1): $(GEN_H)
endef
$(eval $(call DP_STORE_GEOM,8x8,8,16,8))
$(eval $(call DP_STORE_GEOM,4x4_mb8_lanes1,4,8,1))
$(eval $(call DP_STORE_GEOM,16x16_lanes4,16,16,4))
# the iCE40 board's store path (fpga/boards.mk): serial lane, 64 bias rows, 256 accumulator rows
$(eval $(call DP_STORE_GEOM,4x4_board,4,8,1,-GPPU_SERIAL=1 -GSTORE_ADD=0 -GBBUF_DEPTH=64 -GACC_DEPTH=256 \
  -CFLAGS -DTB_SERIAL=1 -CFLAGS -DTB_BDEPTH=64 -CFLAGS -DTB_CDEPTH=256))
# ... and its Yosys iCE40 netlist (synth_ice40, Yosys' cell models), under the same bench
STORE_BOARD_SET := -set ROWS 4 -set COLS 4 -set MEM_BYTES 8 -set BBUF_DEPTH 64 -set ACC_DEPTH 256 -set PPU_LANES 1 \
                   -set STORE_ADD 0 -set PPU_SERIAL 1
STORE_NET_YS = read_verilog -defer -I$(BUILD)/rtl $(DP_STORE_SRCS); chparam $(STORE_BOARD_SET) mote_store_unit; \
               hierarchy -top mote_store_unit; synth_ice40 -top mote_store_unit; setundef -zero -params; \
               write_verilog -noattr $@
$(BUILD)/netsim/mote_store_unit_board.v: $(DP_STORE_SRCS) $(GEN_VH)
	@mkdir -p $(@D)
	@yosys -q -l $@.log -p '$(STORE_NET_YS)' > /dev/null
$(eval $(call MOTE_VTB,store_4x4_board_net,mote_store_unit,$(BUILD)/netsim/mote_store_unit_board.v $(ICE40_CELLS_SIM),\
  testbench/unit/store_tb.cpp,-Wno-fatal $(ICE40_VFLAGS) -CFLAGS -DTB_COLS=4 -CFLAGS -DTB_MEM_BYTES=8 -CFLAGS -DTB_LANES=1 \
  -CFLAGS -I$(abspath $(BUILD)/include) -CFLAGS -DTB_SERIAL=1 -CFLAGS -DTB_BDEPTH=64 -CFLAGS -DTB_CDEPTH=256))
$(BUILD)/tb/store_4x4_board_net/store_4x4_board_net: $(GEN_H)
# the serial path at 8 columns on a 16-byte bus (its parameters beyond the board)
$(eval $(call DP_STORE_GEOM,8x8_serial,8,16,1,-GPPU_SERIAL=1 -GSTORE_ADD=0 -CFLAGS -DTB_SERIAL=1))

# the benches' shared headers
$(filter $(BUILD)/tb/pe/% $(BUILD)/tb/array_% $(BUILD)/tb/compute_% $(BUILD)/tb/store_% $(BUILD)/tb/requant/%,$(MOTE_TB_BINS)): \
  testbench/unit/dp_bits.h testbench/unit/dp_model.h

# The iCE40 multiplier cell: Yosys' own SB_MAC16 model against the behavioural twin
# (ICE40_CELLS_SIM and ICE40_VFLAGS: fpga/boards.mk).
$(eval $(call MOTE_VTB,mul2,mul2_tb_top,rtl/array/mote_mul2.v testbench/unit/mul2_tb_top.v $(ICE40_CELLS_SIM),\
  testbench/unit/mul2_tb.cpp,$(ICE40_VFLAGS)))

# the serial store path's lane alone (shift-add multiply, rounding, clamp, INT32 bytes)
$(eval $(call MOTE_VTB,requant_serial,mote_requant_serial,rtl/store/mote_requant_serial.v,\
  testbench/unit/requant_serial_tb.cpp,))
$(BUILD)/tb/requant_serial/requant_serial: testbench/unit/dp_bits.h testbench/unit/dp_model.h

# the board's broadcast array (mote_array_bcast): behavioural cells, an odd row count, and
# Yosys' SB_MAC16 model (the cells the board build instantiates)
DP_BCAST_FLAGS = -GMUL_CELL=$(3) -GDEPTHWISE=0 -CFLAGS -DTB_ROWS=$(1) -CFLAGS -DTB_COLS=$(2) \
  -CFLAGS -DTB_EXT=1 -CFLAGS -DTB_DW=0 -CFLAGS -DTB_BCAST=1
$(eval $(call MOTE_VTB,array_4x4_bcast,mote_array_bcast,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GPSUM_W=18 $(call DP_BCAST_FLAGS,4,4,1) --prefix Vmote_array))
$(eval $(call MOTE_VTB,array_5x3_bcast,mote_array_bcast,$(DP_ARRAY_SRCS),testbench/unit/array_tb.cpp,\
  -GROWS=5 -GCOLS=3 $(call DP_BCAST_FLAGS,5,3,1) --prefix Vmote_array))
$(eval $(call MOTE_VTB,array_4x4_bcast_ice40,mote_array_bcast,$(DP_ARRAY_SRCS) $(ICE40_CELLS_SIM),testbench/unit/array_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GPSUM_W=18 $(call DP_BCAST_FLAGS,4,4,2) $(ICE40_VFLAGS) --prefix Vmote_array))
# the compute unit with it, as the board builds it
$(eval $(call MOTE_VTB,compute_4x4_bcast,mote_compute_unit,$(DP_COMPUTE_SRCS),testbench/unit/compute_tb.cpp,\
  -GROWS=4 -GCOLS=4 -GPSUM_W=18 -GARRAY_BCAST=1 $(call DP_BCAST_FLAGS,4,4,1) -CFLAGS -I$(abspath $(BUILD)/include)))
$(BUILD)/tb/compute_4x4_bcast/compute_4x4_bcast: $(GEN_H)
# ... and with the iCE40 cells the board build instantiates (Yosys' models: SB_MAC16, and the
# SB_LUT4s of the accumulator update with ACC_MAX) and its metadata delay line in a RAM
$(eval $(call MOTE_VTB,compute_4x4_bcast_ice40,mote_compute_unit,$(DP_COMPUTE_SRCS) $(ICE40_CELLS_SIM),\
  testbench/unit/compute_tb.cpp,-GROWS=4 -GCOLS=4 -GPSUM_W=18 -GARRAY_BCAST=1 -GDELAY_RAM=1 $(call DP_BCAST_FLAGS,4,4,2) \
  $(ICE40_VFLAGS) -CFLAGS -I$(abspath $(BUILD)/include)))
$(BUILD)/tb/compute_4x4_bcast_ice40/compute_4x4_bcast_ice40: $(GEN_H)
