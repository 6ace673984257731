# fpga/fpga.mk: Yosys synthesis for cell counts (the iCE40 board flow comes later).
#
#   make synth        iCE40 UP5K-class 4x4 (synth_ice40 -dsp) and ECP5 8x8 (synth_ecp5),
#                     then a table of cells per configuration (fpga/synth_report.sh)
#
# Each run also proves there is no latch (select -assert-none on $dlatch after proc).

SYNTH_DIR   := $(BUILD)/synth
SYNTH_SRCS   = $(sort $(shell find rtl -name '*.v'))

# name | yosys synth command | chparam settings for mote_top
SYNTH_ice40_4x4_CMD := synth_ice40 -dsp -top mote_top
SYNTH_ice40_4x4_PAR := -set ROWS 4 -set COLS 4 -set MEM_BYTES 8 -set ABUF_DEPTH 1024 \
                       -set WBUF_DEPTH 256 -set BBUF_DEPTH 24 -set ACC_DEPTH 256 -set PPU_LANES 1 \
                       -set QUEUE_DEPTH 4 -set LG_LOAD_READS 3
SYNTH_ecp5_8x8_CMD  := synth_ecp5 -top mote_top
SYNTH_ecp5_8x8_PAR  := -set ROWS 8 -set COLS 8 -set MEM_BYTES 16

SYNTH_CONFIGS := ice40_4x4 ecp5_8x8

define MOTE_SYNTH
$(SYNTH_DIR)/$(1).log: $$(SYNTH_SRCS) $(GEN_VH)
	@mkdir -p $(SYNTH_DIR)
	@echo "SYNTH $(1) (several minutes)"
	@yosys -q -l $$@.tmp -p 'read_verilog -defer -I$(BUILD)/rtl $$(SYNTH_SRCS); \
	  chparam $(SYNTH_$(1)_PAR) mote_top; hierarchy -top mote_top; proc; \
	  select -assert-none t:$$$$dlatch t:$$$$adlatch t:$$$$dlatchsr; \
	  $(SYNTH_$(1)_CMD); check -assert; tee -o $(SYNTH_DIR)/$(1).stat stat' > /dev/null
	@mv $$@.tmp $$@
endef
$(foreach c,$(SYNTH_CONFIGS),$(eval $(call MOTE_SYNTH,$(c))))

.PHONY: synth
synth: $(foreach c,$(SYNTH_CONFIGS),$(SYNTH_DIR)/$(c).log)
	@sh fpga/synth_report.sh $(foreach c,$(SYNTH_CONFIGS),$(SYNTH_DIR)/$(c).stat)
