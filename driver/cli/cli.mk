# driver/cli/cli.mk: the `mote` command-line tool (build/bin/mote).
# Links the driver (libmote, with the simulator inside) and the compiler backend (libmotecc).

CLI_SRCS := $(wildcard driver/cli/*.c)
CLI_HDRS := $(wildcard driver/cli/*.h)
CLI_OBJS := $(patsubst driver/cli/%.c,$(BUILD)/cli/%.o,$(CLI_SRCS))
MOTE_CLI := $(BUILD)/bin/mote

$(BUILD)/cli/%.o: driver/cli/%.c $(CLI_HDRS) $(GEN_H) include/mote/mote.h include/mote/mote_compiler.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -c $< -o $@

ifeq ($(SIM_HAVE),1)
$(MOTE_CLI): $(CLI_OBJS) $(DRV_LIB_A) $(MOTECC_LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(CLI_OBJS) $(DRV_LIB_A) $(MOTECC_LIB) $(DRV_LDLIBS)
all: $(MOTE_CLI)
endif

.PHONY: cli
cli: $(MOTE_CLI)
