# testbench/system/system.mk: system tests through the driver on the simulator.
#
#   make test-system    >= 200 random and degenerate GEMM/conv shapes on 4x4, 8x8, 16x16,
#                       bit-exact against the reference executor (ASan+UBSan build)
#   make test-hostile   malformed and hostile command streams: documented errors, no hang,
#                       no write outside the windows, device usable afterwards
#
# The C code (CLI operator core, driver, compiler backend) is built with ASan+UBSan; the
# Verilated models stay uninstrumented.

SYS_DIR      := $(BUILD)/system
SYS_CLI_OBJS := $(SYS_DIR)/op.o $(SYS_DIR)/cli_fail.o

$(SYS_DIR)/op.o: driver/cli/op.c $(CLI_HDRS) $(GEN_H) include/mote/mote.h include/mote/mote_compiler.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(SYS_DIR)/cli_fail.o: driver/cli/cli_fail.c driver/cli/cli.h $(GEN_H) include/mote/mote.h include/mote/mote_compiler.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

SYS_LINK = $(SYS_CLI_OBJS) $(DRV_SAN_OBJS) $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(DRV_LDLIBS)

ifeq ($(SIM_HAVE),1)
$(SYS_DIR)/%: testbench/system/%.c $(SYS_CLI_OBJS) $(DRV_SAN_OBJS) $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -Idriver/cli -o $@ $< $(SYS_LINK)

test-system: $(SYS_DIR)/test_system
	$<
test-hostile: $(SYS_DIR)/test_hostile
	$<
MOTE_TESTS += test-system test-hostile
endif

.PHONY: test-system test-hostile
