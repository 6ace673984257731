# driver/kernels/kernels.mk: the host kernels (<mote/mote_kernels.h>) as one library that both
# sides link: the driver runs a .mote file's host steps with them, the compiler's reference
# executor computes the same steps with them (included by the top Makefile before the compiler
# and the driver, whose rules name these libraries).
#
#   build/lib/libmotekernels.a      -O2 -fPIC: libmote.so and libmote.a carry its objects (so a
#                                   program that links only libmote needs nothing else); programs
#                                   linking libmotecc.a link it after that
#   build/lib/libmotekernels-san.a  ASan+UBSan, for the sanitized tests, fuzzers and benches
#
# Each source is compiled once per flavour.

KERN_DIR     := driver/kernels
KERN_SRCS    := $(wildcard $(KERN_DIR)/*.c)
KERN_HDRS    := $(wildcard $(KERN_DIR)/*.h) include/mote/mote_kernels.h
KERN_OBJS    := $(patsubst $(KERN_DIR)/%.c,$(BUILD)/obj/kernels/%.o,$(KERN_SRCS))
KERN_SOBJS   := $(patsubst $(KERN_DIR)/%.c,$(BUILD)/obj/kernels-san/%.o,$(KERN_SRCS))
KERN_LIB     := $(BUILD)/lib/libmotekernels.a
KERN_SAN     := $(BUILD)/lib/libmotekernels-san.a

.PHONY: kernels
all: kernels
kernels: $(KERN_LIB)

$(BUILD)/obj/kernels/%.o: $(KERN_DIR)/%.c $(KERN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -fPIC -c $< -o $@

$(BUILD)/obj/kernels-san/%.o: $(KERN_DIR)/%.c $(KERN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(KERN_LIB): $(KERN_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(KERN_SAN): $(KERN_SOBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
