# compiler_backend/compiler_backend.mk: rules for compiler_backend/ (included by the top Makefile).
#
#   make motecc        build/lib/libmotecc.a (link with -lm)
#   make test-cc       Check unit tests under ASan+UBSan, then valgrind-cc
#   make valgrind-cc   the functional-model and a reduced builder test under valgrind

MOTECC_DIR   := compiler_backend
MOTECC_SRCS  := $(wildcard $(MOTECC_DIR)/*.c)
MOTECC_HDRS  := $(wildcard $(MOTECC_DIR)/*.h) include/mote/mote_compiler.h include/mote/mote_fmodel.h \
                include/mote/mote_geometry.h $(GEN_H)
MOTECC_LIB   := $(BUILD)/lib/libmotecc.a
MOTECC_SAN   := $(BUILD)/lib/libmotecc-san.a
MOTECC_OBJS  := $(patsubst $(MOTECC_DIR)/%.c,$(BUILD)/obj/motecc/%.o,$(MOTECC_SRCS))
MOTECC_SOBJS := $(patsubst $(MOTECC_DIR)/%.c,$(BUILD)/obj/motecc-san/%.o,$(MOTECC_SRCS))
MOTECC_TESTS := ref requant fmodel builder
MOTECC_TUTIL := $(MOTECC_DIR)/tests/cc_test_util.c $(MOTECC_DIR)/tests/cc_test_util.h
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

.PHONY: motecc test-cc valgrind-cc
all: motecc
MOTE_TESTS += test-cc
motecc: $(MOTECC_LIB)

$(BUILD)/obj/motecc/%.o: $(MOTECC_DIR)/%.c $(MOTECC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -c $< -o $@

$(BUILD)/obj/motecc-san/%.o: $(MOTECC_DIR)/%.c $(MOTECC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(MOTECC_LIB): $(MOTECC_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(MOTECC_SAN): $(MOTECC_SOBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Sanitized test binaries (ASan+UBSan) and plain ones for valgrind.
$(BUILD)/tests/cc/test_%: $(MOTECC_DIR)/tests/test_%.c $(MOTECC_TUTIL) $(MOTECC_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) $(CHECK_CFLAGS) -I$(MOTECC_DIR)/tests $< $(MOTECC_DIR)/tests/cc_test_util.c \
	  $(MOTECC_SAN) -o $@ $(CHECK_LIBS) -lm

$(BUILD)/tests/cc-vg/test_%: $(MOTECC_DIR)/tests/test_%.c $(MOTECC_TUTIL) $(MOTECC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) $(CHECK_CFLAGS) -I$(MOTECC_DIR)/tests $< $(MOTECC_DIR)/tests/cc_test_util.c \
	  $(MOTECC_LIB) -o $@ $(CHECK_LIBS) -lm

test-cc: $(patsubst %,$(BUILD)/tests/cc/test_%,$(MOTECC_TESTS))
	@set -e; for t in $^; do echo "RUN $$t"; $$t; done
	@$(MAKE) --no-print-directory valgrind-cc
	@echo "test-cc: passed"

# valgrind needs the unsanitized build; CK_FORK=no keeps the test in one process.
valgrind-cc: $(BUILD)/tests/cc-vg/test_fmodel $(BUILD)/tests/cc-vg/test_builder
	CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
	  $(BUILD)/tests/cc-vg/test_fmodel
	CK_FORK=no MOTE_CC_TEST_CASES=12 valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=all $(BUILD)/tests/cc-vg/test_builder
