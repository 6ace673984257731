# testbench/unit/link.mk: the host link (rtl/link/): mote_link between a host on the UART wire
# (frames from driver/link_frame.c), a memory, a register file and an accelerator master.
LINK_TB_RTL := rtl/link/mote_uart_rx.v rtl/link/mote_uart_tx.v rtl/link/mote_link_crc32.v rtl/link/mote_link_rx.v \
               rtl/link/mote_link_tx.v rtl/link/mote_link_bridge.v rtl/link/mote_link_arb.v rtl/link/mote_link.v \
               rtl/common/mote_sram_1r1w.v
$(eval $(call MOTE_VTB,link,mote_link,$(LINK_TB_RTL) $(abspath driver/link_frame.c),testbench/unit/link_tb.cpp,\
  -CFLAGS -I$(abspath $(BUILD)/include) -CFLAGS -I$(abspath driver) -GMEM_BYTES=8 -GBAUD_DIV=4 -GMEM_SIZE=65536))
