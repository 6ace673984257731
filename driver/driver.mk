# driver/driver.mk: libmote (build/lib/libmote.a, libmote.so, pkgconfig/mote.pc) and its tests.
#
#   make driver           the libraries (needs the simulator library, hence the RTL)
#   make test-driver      Check unit and smoke tests under ASan+UBSan
#   make valgrind-driver  the API tests under valgrind, non-sanitized build
#
# The driver objects are built twice: -fPIC -O2 for the libraries, ASan+UBSan for the tests
# (the Verilated objects stay uninstrumented).  The host kernels are their own library
# (driver/kernels/kernels.mk), which the compiler links too: libmote.a and libmote.so carry its
# objects, so a program linking only libmote needs nothing else; the sanitized test programs
# link $(KERN_SAN) after the driver's objects.  The CLI in driver/cli is not part of libmote.

DRV_SRCS      := $(wildcard driver/*.c)
DRV_HDRS      := $(wildcard driver/*.h) include/mote/mote.h include/mote/mote_geometry.h sim/mote_sim.h
DRV_OBJS      := $(patsubst driver/%.c,$(BUILD)/driver/pic/%.o,$(DRV_SRCS))
DRV_SAN_OBJS  := $(patsubst driver/%.c,$(BUILD)/driver/san/%.o,$(DRV_SRCS))
DRV_TEST_SRCS := $(wildcard driver/tests/*.c)
DRV_LIB_A     := $(BUILD)/lib/libmote.a
DRV_LIB_SO    := $(BUILD)/lib/libmote.so
DRV_PC        := $(BUILD)/lib/pkgconfig/mote.pc
# The library's version is mote.h's MOTE_VERSION_*: the shared library is libmote.so.MAJOR.MINOR.PATCH
# with soname libmote.so.MAJOR, and it exports the functions the public headers declare, nothing
# else (a version script made from those headers: no Verilator, FST, LZ4 or mote__ symbols).
DRV_VMAJOR    := $(shell sed -n 's/^\#define MOTE_VERSION_MAJOR \([0-9]*\)$$/\1/p' include/mote/mote.h)
DRV_VMINOR    := $(shell sed -n 's/^\#define MOTE_VERSION_MINOR \([0-9]*\)$$/\1/p' include/mote/mote.h)
DRV_VPATCH    := $(shell sed -n 's/^\#define MOTE_VERSION_PATCH \([0-9]*\)$$/\1/p' include/mote/mote.h)
DRV_VERSION   := $(DRV_VMAJOR).$(DRV_VMINOR).$(DRV_VPATCH)
DRV_SONAME    := libmote.so.$(DRV_VMAJOR)
DRV_LIB_REAL  := $(BUILD)/lib/libmote.so.$(DRV_VERSION)
DRV_MAP       := $(BUILD)/lib/libmote.map
DRV_PUBLIC_H  := include/mote/mote.h include/mote/mote_kernels.h
DRV_CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)
DRV_USB_CFLAGS := $(shell pkg-config --cflags libusb-1.0 2>/dev/null || echo -I/usr/include/libusb-1.0)
DRV_LDLIBS    := -lusb-1.0 -lstdc++ -lz -lpthread -latomic -lm

$(BUILD)/driver/pic/%.o: driver/%.c $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -fPIC -pthread -Isim $(DRV_USB_CFLAGS) -c $< -o $@

$(BUILD)/driver/san/%.o: driver/%.c $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -Isim $(DRV_USB_CFLAGS) -c $< -o $@

ifeq ($(SIM_HAVE),1)
$(DRV_LIB_A): $(DRV_OBJS) $(SIM_OBJS) $(KERN_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(DRV_MAP): $(DRV_PUBLIC_H) driver/driver.mk
	@mkdir -p $(@D)
	@{ echo 'MOTE_$(DRV_VMAJOR) {'; echo '  global:'; \
	   grep -ohE '\bmote_[a-z0-9_]+[[:space:]]*\(' $(DRV_PUBLIC_H) | tr -d ' (' | grep -v '^mote__' | sort -u | \
	   sed 's/.*/    &;/'; echo '  local: *;'; echo '};'; } > $@

$(DRV_LIB_REAL): $(DRV_OBJS) $(SIM_OBJS) $(KERN_LIB) $(DRV_MAP)
	@mkdir -p $(@D)
	$(CXX) -shared -Wl,-soname,$(DRV_SONAME) -Wl,--version-script=$(DRV_MAP) -o $@ $(DRV_OBJS) $(SIM_OBJS) \
	  -Wl,--whole-archive $(KERN_LIB) -Wl,--no-whole-archive -lusb-1.0 -lz -lpthread -latomic -lm

$(DRV_LIB_SO): $(DRV_LIB_REAL)
	ln -sf $(notdir $(DRV_LIB_REAL)) $(BUILD)/lib/$(DRV_SONAME) && ln -sf $(DRV_SONAME) $@

# the build tree's pkg-config file (make install writes the installed one)
$(DRV_PC): driver/driver.mk include/mote/mote.h
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(abspath .)' 'libdir=$(abspath $(BUILD)/lib)' \
	  'Name: mote' 'Description: mote accelerator driver (simulator backend included)' \
	  'Version: $(DRV_VERSION)' 'Cflags: -I$${prefix}/include -I$(abspath $(BUILD)/include)' \
	  'Libs: -L$${libdir} -Wl,-rpath,$${libdir} -lmote $(DRV_LDLIBS)' > $@

# Test binaries: one per driver/tests/test_*.c, sanitized and plain.
$(BUILD)/driver/tests/%: driver/tests/%.c driver/tests/test_util.h driver/tests/fault_backend.h driver/tests/link_ref_board.h $(DRV_SAN_OBJS) $(SIM_OBJS) $(KERN_SAN) $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -Isim -Idriver -o $@ $< $(DRV_SAN_OBJS) $(SIM_OBJS) $(KERN_SAN) $(DRV_CHECK_LIBS) \
	  $(DRV_LDLIBS)

$(BUILD)/driver/tests-plain/%: driver/tests/%.c driver/tests/test_util.h driver/tests/fault_backend.h $(DRV_LIB_A) $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -pthread -Isim -Idriver -o $@ $< $(DRV_LIB_A) $(DRV_CHECK_LIBS) $(DRV_LDLIBS)

DRV_TESTS       := $(patsubst driver/tests/%.c,$(BUILD)/driver/tests/%,$(DRV_TEST_SRCS))
driver: $(DRV_LIB_A) $(DRV_LIB_SO) $(DRV_PC)
all: driver
MOTE_TESTS += test-driver

test-driver: $(DRV_TESTS)
	@set -e; for t in $(DRV_TESTS); do echo "RUN $$t"; $$t; done

# The .mote loader's bounded-time fuzzer (driver/tests/fuzz/, outside the test_*.c wildcard
# above): first the files past runs found (driver/tests/fuzz/regress/EXPECTED: each must get
# its refusal), then mutated model files, CRC fixed, loaded and run on the simulator under
# ASan+UBSan.
# FUZZ_ARGS, FUZZ_MODEL_ARGS and FUZZ_HDRS come from compiler_backend/compiler_backend.mk.
$(BUILD)/fuzz/fuzz_model: driver/tests/fuzz/fuzz_model.c driver/tests/fuzz/fuzz_hooks.h $(FUZZ_HDRS) $(DRV_SAN_OBJS) \
  $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -I$(MOTECC_DIR)/tests -I$(ONNX_GEN) -o $@ $< $(DRV_SAN_OBJS) $(SIM_OBJS) \
	  $(MOTECC_SAN) $(KERN_SAN) $(DRV_LDLIBS) $(MOTECC_LIBS)

# Then FUZZ_BOARD_SECONDS (15) more on the board build (sim:board=icebreaker): its models are tiled
# for its 128 KB, and its DS-CNN seed runs the depthwise convolutions on the host from HOST_CONST.
FUZZ_BOARD_SECONDS ?= 15
fuzz-model: $(BUILD)/fuzz/fuzz_model
	$< --regress driver/tests/fuzz/regress
	$< $(FUZZ_ARGS) $(FUZZ_MODEL_ARGS)
	$< --seconds $(FUZZ_BOARD_SECONDS) --iters $(FUZZ_ITERS) --seed $(FUZZ_SEED) --out $(BUILD)/fuzz \
	  --device sim:board=icebreaker $(FUZZ_MODEL_ARGS)

# The host side's link frame parser and request layer against a hostile board
# (driver/tests/fuzz/fuzz_link.c), FUZZ_LINK_SECONDS (15) of it.
FUZZ_LINK_SECONDS ?= 15
$(BUILD)/fuzz/fuzz_link: driver/tests/fuzz/fuzz_link.c $(FUZZ_HDRS) $(DRV_SAN_OBJS) $(SIM_OBJS) $(KERN_SAN) $(DRV_HDRS) \
  $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -Idriver -I$(MOTECC_DIR)/tests -o $@ $< $(DRV_SAN_OBJS) $(SIM_OBJS) $(KERN_SAN) \
	  $(DRV_LDLIBS)

fuzz-link: $(BUILD)/fuzz/fuzz_link
	$< --regress driver/tests/fuzz/link_regress
	$< --seconds $(FUZZ_LINK_SECONDS) --iters $(FUZZ_ITERS) --seed $(FUZZ_SEED) --out $(BUILD)/fuzz

# Raw command streams against the simulated device (driver/tests/fuzz/fuzz_cmd.c): first the
# inputs past runs found (driver/tests/fuzz/cmd_regress/EXPECTED), then mutated dense and sparse
# streams, FUZZ_CMD_ITERS (10^4) of them or FUZZ_CMD_SECONDS (120) of wall clock, whichever ends
# first; fewer than FUZZ_CMD_MIN_ITERS (10^4) streams by then fails (10^4 take 20-45 s on two
# busy cores).  It prints streams/s and the tally of outcomes.  Its seeds are op.c's operators
# (the system tests' objects, built by testbench/system/system.mk).  A longer look:
# make fuzz-cmd FUZZ_CMD_ITERS=0 FUZZ_CMD_SECONDS=600 FUZZ_SEED=7.
FUZZ_CMD_ITERS     ?= 10000
FUZZ_CMD_SECONDS   ?= 120
FUZZ_CMD_MIN_ITERS ?= 10000
FUZZ_CMD_OBJS      := $(BUILD)/system/op.o $(BUILD)/system/cli_fail.o
FUZZ_CMD_HDRS      := $(addprefix driver/tests/fuzz/,cmd_rig.h cmd_mutate.h fuzz_hooks.h) driver/cli/op.h
$(BUILD)/fuzz/fuzz_cmd: driver/tests/fuzz/fuzz_cmd.c $(FUZZ_CMD_HDRS) $(FUZZ_HDRS) $(FUZZ_CMD_OBJS) $(DRV_SAN_OBJS) \
  $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -Idriver/cli -I$(MOTECC_DIR)/tests -o $@ $< $(FUZZ_CMD_OBJS) $(DRV_SAN_OBJS) \
	  $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(DRV_LDLIBS) $(MOTECC_LIBS)

fuzz-cmd: $(BUILD)/fuzz/fuzz_cmd
	$< --regress driver/tests/fuzz/cmd_regress
	$< --seconds $(FUZZ_CMD_SECONDS) --iters $(FUZZ_CMD_ITERS) --min-iters $(FUZZ_CMD_MIN_ITERS) \
	  --seed $(FUZZ_SEED) --out $(BUILD)/fuzz

# Valgrind wants no fork per test; the API suite covers every error path without long runs.
valgrind-driver: $(BUILD)/driver/tests-plain/test_api
	CK_FORK=no valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect,possible \
	  --errors-for-leak-kinds=definite,indirect,possible $<
else
driver test-driver valgrind-driver fuzz-model fuzz-link fuzz-cmd:
	@echo "$@: no RTL top yet (rtl/top/mote_top.v); nothing to build"
endif

.PHONY: driver test-driver valgrind-driver fuzz-model fuzz-link fuzz-cmd fuzz

# The fuzzers, one after the other (make fuzz FUZZ_SECONDS=300 FUZZ_SEED=7 for a longer look;
# fuzz-cmd counts streams: FUZZ_CMD_ITERS above).
MOTE_TESTS += fuzz
fuzz:
	@$(MAKE) --no-print-directory fuzz-onnx
	@$(MAKE) --no-print-directory fuzz-tflite
	@$(MAKE) --no-print-directory fuzz-model
	@$(MAKE) --no-print-directory fuzz-link
	@$(MAKE) --no-print-directory fuzz-cmd

# Keep the objects the test pattern rules build from (make would delete them as intermediates).
.SECONDARY: $(DRV_SAN_OBJS) $(DRV_OBJS)
