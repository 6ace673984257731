# testbench/unit/link.mk: the host link.
#   test-rtl     link_tb: mote_link between a host on the UART wire (frames from driver/link_frame.c),
#                a memory, a register file and an accelerator master
#   test-link    the CLI on sim:link=uart and on sim:board=icebreaker,link=uart (the board top
#                whole) (testbench/system/check_link.sh)
#   test-usb     the usb backend against an FT2232H stand-in wired to the simulated board
# (Here, after driver.mk and cli.mk, so their variables are set when these rules are read.)
LINK_TB_RTL := rtl/link/mote_uart_rx.v rtl/link/mote_uart_tx.v rtl/link/mote_link_crc32.v rtl/link/mote_link_rx.v \
               rtl/link/mote_link_tx.v rtl/link/mote_link_bridge.v rtl/link/mote_link_arb.v rtl/link/mote_link.v \
               rtl/common/mote_sram_1r1w.v
$(eval $(call MOTE_VTB,link,mote_link,$(LINK_TB_RTL) $(abspath driver/link_frame.c),testbench/unit/link_tb.cpp,\
  -CFLAGS -I$(abspath $(BUILD)/include) -CFLAGS -I$(abspath driver) -GMEM_BYTES=8 -GBAUD_DIV=4 -GMEM_SIZE=65536))

# The board behind the link, through the CLI (testbench/system/check_link.sh): GEMMs, convolutions
# and Fashion-MNIST bit-exact on a clean and a faulty link, stalls, unplugging, statistics; on the
# 8x8 link board, then on the iCEBreaker board top (what goes into the bitstream: PLL twin,
# reset, link, the board's mote_top with its SB_MAC16s, the SPRAMs as Yosys' cell models).
ifeq ($(SIM_HAVE),1)
test-link: $(MOTE_CLI)
	@# the 8x8 link board and the iCEBreaker board top side by side (two single-threaded simulations)
	@mkdir -p $(BUILD)/test-link-logs; \
	  /usr/bin/env bash testbench/system/check_link.sh $(MOTE_CLI) $(BUILD)/test-link sim:link=uart \
	    > $(BUILD)/test-link-logs/uart.log 2>&1 & a=$$!; \
	  /usr/bin/env bash testbench/system/check_link.sh $(MOTE_CLI) $(BUILD)/test-link-board sim:board=icebreaker,link=uart \
	    > $(BUILD)/test-link-logs/board.log 2>&1 & b=$$!; \
	  ra=0; rb=0; wait $$a || ra=$$?; wait $$b || rb=$$?; \
	  cat $(BUILD)/test-link-logs/uart.log $(BUILD)/test-link-logs/board.log; \
	  [ $$ra -eq 0 ] && [ $$rb -eq 0 ] || { echo "test-link: check_link.sh failed (8x8 link board $$ra, board top $$rb)"; exit 1; }
else
test-link:
	@echo "test-link: no RTL top yet"
endif
MOTE_TESTS += test-link
.PHONY: test-link

# The USB backend without hardware: driver/tests/usb/ftdi_shim.c stands in for libusb and answers
# as an FT2232H whose channel B is wired to the simulated board.  Linked into test_usb (ASan),
# and as a preloadable library for the CLI (check_link.sh through usb).
ifeq ($(SIM_HAVE),1)
USB_SHIM_SO := $(BUILD)/lib/libmote_ftdi_shim.so
$(BUILD)/driver/san/ftdi_shim.o: driver/tests/usb/ftdi_shim.c sim/mote_simlink.h sim/mote_sim.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -Isim $(DRV_USB_CFLAGS) -c $< -o $@
$(USB_SHIM_SO): driver/tests/usb/ftdi_shim.c sim/mote_simlink.h $(SIM_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -fPIC -shared -Isim $(DRV_USB_CFLAGS) -o $@ $< $(SIM_OBJS) -lstdc++ -lz -lpthread -latomic -lm
$(BUILD)/driver/tests/usb/test_usb: driver/tests/usb/test_usb.c $(BUILD)/driver/san/ftdi_shim.o $(DRV_SAN_OBJS) \
  $(SIM_OBJS) $(KERN_SAN) driver/tests/test_util.h $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -Isim -Idriver -o $@ $< $(BUILD)/driver/san/ftdi_shim.o $(DRV_SAN_OBJS) $(SIM_OBJS) \
	  $(KERN_SAN) $(DRV_CHECK_LIBS) $(DRV_LDLIBS)
test-usb: $(BUILD)/driver/tests/usb/test_usb $(USB_SHIM_SO) $(MOTE_CLI)
	$(BUILD)/driver/tests/usb/test_usb
	@LINK_QUICK=1 LD_PRELOAD=$(abspath $(USB_SHIM_SO)) /usr/bin/env bash testbench/system/check_link.sh $(MOTE_CLI) \
	  $(BUILD)/test-usb usb
	@out=$$(LD_PRELOAD=$(abspath $(USB_SHIM_SO)) $(MOTE_CLI) selftest --device usb --quick 2>&1) && \
	  printf '%s\n' "$$out" | grep -q '^selftest: all 6 checks passed on usb$$' || \
	  { printf '%s\n' "$$out"; echo "test-usb: mote selftest --device usb failed"; exit 1; }
	@echo "test-usb: mote selftest --device usb --quick: all 6 checks passed"
	@out=$$(MOTE_FTDI_SHIM_BOARD=icebreaker LD_PRELOAD=$(abspath $(USB_SHIM_SO)) $(MOTE_CLI) selftest --device usb --quick 2>&1) && \
	  printf '%s\n' "$$out" | grep -q '^selftest: all 6 checks passed on usb$$' && \
	  out=$$(MOTE_FTDI_SHIM_BOARD=icebreaker LD_PRELOAD=$(abspath $(USB_SHIM_SO)) $(MOTE_CLI) gemm --m 24 --k 40 --n 20 \
	    --device usb 2>&1) && printf '%s\n' "$$out" | grep -q '(4x4 array)' && printf '%s\n' "$$out" | grep -q 'bit-exact' || \
	  { printf '%s\n' "$$out"; echo "test-usb: the iCEBreaker board top behind the FT2232H stand-in failed"; exit 1; }
	@echo "test-usb: the iCEBreaker board top behind the FT2232H stand-in: selftest passed, a GEMM bit-exact on its 4x4 array"
else
test-usb:
	@echo "test-usb: no RTL top yet"
endif
MOTE_TESTS += test-usb
.PHONY: test-usb

# Figures of the host link (driver/tests/bench/bench_link.c): throughput on sim:link=uart and on
# the iCEBreaker board top (sim:board=icebreaker,link=uart), the Fashion-MNIST model loaded and run
# over each, the link's share of an inference, a board and the
# FT2232H synchronous FIFO projected.  Part of make bench.
ifeq ($(SIM_HAVE),1)
$(BUILD)/bin/mote-bench-link: driver/tests/bench/bench_link.c $(DRV_LIB_A) $(GEN_H) include/mote/mote.h fpga/boards.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -DBOARD_MHZ=$(BOARD_icebreaker_MHZ) -o $@ $< $(DRV_LIB_A) $(DRV_LDLIBS)
bench-link: $(BUILD)/bin/mote-bench-link $(MOTE_CLI)
	@mkdir -p $(BUILD)/bench-link
	@$(MOTE_CLI) compile models/fashion_mnist/model.onnx -o $(BUILD)/bench-link/fm.mote --target sim:rows=8,cols=8 > /dev/null
	@$(BUILD)/bin/mote-bench-link sim:link=uart 12 $(BUILD)/bench-link/fm.mote
	@echo; $(MOTE_CLI) compile models/fashion_mnist/model.onnx -o $(BUILD)/bench-link/fm_board.mote \
	  --target sim:board=icebreaker > /dev/null
	@$(BUILD)/bin/mote-bench-link sim:board=icebreaker,link=uart $(BOARD_icebreaker_MHZ) $(BUILD)/bench-link/fm_board.mote
	@$(MAKE) --no-print-directory synth-link
else
bench-link:
	@echo "bench-link: no RTL top yet"
endif
.PHONY: bench-link
bench: bench-link
