# testbench/unit/control.mk: unit benches of the control side (command processor,
# load unit, arbiter, CSR) and the first whole-mote_top bench.
#   name | top module | RTL sources | bench | extra Verilator arguments

CTL_CFLAGS := -CFLAGS -I$(abspath $(BUILD)/include)
CTL_FIFO   := rtl/common/mote_fifo.v
CTL_WCHK   := rtl/mem/mote_window_check.v rtl/mem/mote_window_scan.v
CTL_LOAD   := rtl/load/mote_load_agen.v rtl/load/mote_load_pack.v rtl/load/mote_load_rows.v rtl/load/mote_load_unit.v \
              rtl/load/mote_load_serial.v rtl/load/mote_load_walk.v rtl/load/mote_load_bytes.v $(CTL_WCHK) $(CTL_FIFO)
CTL_FETCH  := rtl/cmd/mote_fetch.v rtl/cmd/mote_cmd_decode.v rtl/cmd/mote_cmd_queue.v rtl/common/mote_fifo_ram.v $(CTL_WCHK) $(CTL_FIFO)

$(eval $(call MOTE_VTB,fifo,mote_fifo,$(CTL_FIFO),testbench/unit/fifo_tb.cpp,$(CTL_CFLAGS) -GWIDTH=16 -GLG_DEPTH=3))
$(eval $(call MOTE_VTB,cmd_decode,cmd_decode_tb_top,rtl/cmd/mote_cmd_decode.v testbench/unit/cmd_decode_tb_top.v,testbench/unit/cmd_decode_tb.cpp,$(CTL_CFLAGS)))
$(eval $(call MOTE_VTB,tokens,mote_tokens,rtl/cmd/mote_tokens.v,testbench/unit/tokens_tb.cpp,$(CTL_CFLAGS)))
$(eval $(call MOTE_VTB,load_unit,mote_load_unit,$(CTL_LOAD),testbench/unit/load_unit_tb.cpp,\
  $(CTL_CFLAGS) -GABUF_DEPTH=64 -GWBUF_DEPTH=32 -GBBUF_DEPTH=24))
# SPARSE: LOAD HI_ROWS (a sparse tile's two half rows by one LOAD), 8x8 and 16x16 on an 8-byte bus
$(eval $(call MOTE_VTB,load_unit_split,mote_load_unit,$(CTL_LOAD),testbench/unit/load_unit_tb.cpp,\
  $(CTL_CFLAGS) -GSPARSE=1 -GABUF_DEPTH=64 -GWBUF_DEPTH=32 -GBBUF_DEPTH=24 -CFLAGS -DP_SPLIT=1))
$(eval $(call MOTE_VTB,load_unit_split_16x16_mb8,mote_load_unit,$(CTL_LOAD),testbench/unit/load_unit_tb.cpp,\
  $(CTL_CFLAGS) -GSPARSE=1 -GROWS=16 -GCOLS=16 -GMEM_BYTES=8 -GABUF_DEPTH=64 -GWBUF_DEPTH=32 -GBBUF_DEPTH=24 \
  -CFLAGS -DP_ROWS=16 -CFLAGS -DP_COLS=16 -CFLAGS -DP_MB=8 -CFLAGS -DP_SPLIT=1))
$(eval $(call MOTE_VTB,load_unit_16x16_mb8,mote_load_unit,$(CTL_LOAD),testbench/unit/load_unit_tb.cpp,\
  $(CTL_CFLAGS) -GROWS=16 -GCOLS=16 -GMEM_BYTES=8 -GABUF_DEPTH=64 -GWBUF_DEPTH=32 -GBBUF_DEPTH=24 \
  -CFLAGS -DP_ROWS=16 -CFLAGS -DP_COLS=16 -CFLAGS -DP_MB=8))
# the narrow path (LOAD_SERIAL) at the board's geometry (bias rows as 32-bit words) and at 8x8
$(eval $(call MOTE_VTB,load_unit_4x4_serial,mote_load_unit,$(CTL_LOAD),testbench/unit/load_unit_tb.cpp,\
  $(CTL_CFLAGS) -GSERIAL=1 -GLG_RESP=1 -GBIAS_WORDS=4 -GROWS=4 -GCOLS=4 -GMEM_BYTES=8 -GABUF_DEPTH=64 -GWBUF_DEPTH=32 \
  -GBBUF_DEPTH=24 -CFLAGS -DP_ROWS=4 -CFLAGS -DP_COLS=4 -CFLAGS -DP_MB=8 -CFLAGS -DP_BW=4 -CFLAGS -DP_SERIAL=1))
$(eval $(call MOTE_VTB,load_unit_8x8_serial,mote_load_unit,$(CTL_LOAD),testbench/unit/load_unit_tb.cpp,\
  $(CTL_CFLAGS) -GSERIAL=1 -GLG_RESP=2 -GABUF_DEPTH=64 -GWBUF_DEPTH=32 -GBBUF_DEPTH=24 -CFLAGS -DP_SERIAL=1))
$(eval $(call MOTE_VTB,fetch,mote_fetch,$(CTL_FETCH),testbench/unit/fetch_tb.cpp,$(CTL_CFLAGS) -GQUEUE_DEPTH=4))
# the board's fetcher: an 8-byte bus, one read at a time, a memory of 2^17 bytes, 16-bit indices
$(eval $(call MOTE_VTB,fetch_board,mote_fetch,$(CTL_FETCH),testbench/unit/fetch_tb.cpp,$(CTL_CFLAGS) -GQUEUE_DEPTH=4 \
  -GMEM_BYTES=8 -GLG_RBUF=0 -GADDR_W=17 -GIDX_W=16 -CFLAGS -DTB_MB=8 -CFLAGS -DTB_RBUF=1 -CFLAGS -DTB_ADDR_W=17))
# ... with CMD_BASE early on a bus CMD_COUNT then takes (BASE_EARLY: the board's CFG_RAM)
$(eval $(call MOTE_VTB,fetch_board_early,mote_fetch,$(CTL_FETCH),testbench/unit/fetch_tb.cpp,$(CTL_CFLAGS) -GQUEUE_DEPTH=4 \
  -GMEM_BYTES=8 -GLG_RBUF=0 -GADDR_W=17 -GIDX_W=16 -GBASE_EARLY=1 -CFLAGS -DTB_MB=8 -CFLAGS -DTB_RBUF=1 -CFLAGS -DTB_ADDR_W=17 \
  -CFLAGS -DTB_BASE_EARLY=1))
# shared queues (FEATURES.QUEUES): the board's one queue, and load and store sharing one at 8x8
$(eval $(call MOTE_VTB,fetch_board_q2,mote_fetch,$(CTL_FETCH),testbench/unit/fetch_tb.cpp,$(CTL_CFLAGS) -GQUEUE_DEPTH=4 \
  -GMEM_BYTES=8 -GLG_RBUF=0 -GADDR_W=17 -GIDX_W=16 -GQUEUES=2 -CFLAGS -DTB_MB=8 -CFLAGS -DTB_RBUF=1 -CFLAGS -DTB_ADDR_W=17 \
  -CFLAGS -DTB_QUEUES=2))
$(eval $(call MOTE_VTB,fetch_q1,mote_fetch,$(CTL_FETCH),testbench/unit/fetch_tb.cpp,$(CTL_CFLAGS) -GQUEUE_DEPTH=4 \
  -GADDR_W=24 -GIDX_W=23 -GQUEUES=1 -CFLAGS -DTB_ADDR_W=24 -CFLAGS -DTB_QUEUES=1))
$(eval $(call MOTE_VTB,top_smoke,mote_top,$(MOTE_RTL_SRCS),testbench/unit/top_smoke_tb.cpp,$(CTL_CFLAGS)))
# the board's CSR register RAM (CFG_RAM) in the same bench
$(eval $(call MOTE_VTB,top_smoke_cfgram,mote_top,$(MOTE_RTL_SRCS),testbench/unit/top_smoke_tb.cpp,$(CTL_CFLAGS) \
  -GCFG_RAM=1 -CFLAGS -DTB_CSR_EXTRA=1))
$(eval $(call MOTE_VTB,mem_arbiter,mote_mem_arbiter,rtl/mem/mote_mem_arbiter.v $(CTL_FIFO),testbench/unit/mem_arbiter_tb.cpp,$(CTL_CFLAGS)))
# the board's: the grant a register
$(eval $(call MOTE_VTB,mem_arbiter_reg,mote_mem_arbiter,rtl/mem/mote_mem_arbiter.v $(CTL_FIFO),testbench/unit/mem_arbiter_tb.cpp,$(CTL_CFLAGS) -GREG_GRANT=1))
