# compiler_backend/compiler_backend.mk: rules for compiler_backend/ (included by the top Makefile).
#
#   make motecc        build/lib/libmotecc.a (link with build/lib/libmotekernels.a, -lprotobuf-c -lm)
#   make test-cc       Check unit tests under ASan+UBSan, then valgrind-cc
#   make valgrind-cc   the functional-model and a reduced builder test under valgrind
#   make lint-layers   the stages call only the stages below them (compiler_backend/README.md), tile/
#                      has no cycle, the CLI includes only public headers (scripts/check_layers.py;
#                      part of make lint)

MOTECC_DIR   := compiler_backend
# The pipeline's stages, one folder each (compiler_backend/README.md: what each holds and which
# may call which); their sources are the library.  A source includes a header of its own folder
# by name, another folder's as "folder/name.h" (-I$(MOTECC_DIR)).
MOTECC_STAGES := core ir ref import lower tile emit model
MOTECC_SRCS  := $(foreach d,$(MOTECC_STAGES),$(wildcard $(MOTECC_DIR)/$(d)/*.c))
MOTECC_HDRS  := $(foreach d,$(MOTECC_STAGES),$(wildcard $(MOTECC_DIR)/$(d)/*.h)) include/mote/mote_compiler.h \
                include/mote/mote_fmodel.h \
                include/mote/mote_geometry.h $(GEN_H)
MOTECC_LIB   := $(BUILD)/lib/libmotecc.a
MOTECC_SAN   := $(BUILD)/lib/libmotecc-san.a
# C bindings of ONNX, generated from the onnx.proto that libonnx-dev installs
ONNX_PROTO   ?= /usr/include/onnx/onnx.proto
ONNX_GEN     := $(BUILD)/gen/onnx
MOTECC_OBJS  := $(patsubst $(MOTECC_DIR)/%.c,$(BUILD)/obj/motecc/%.o,$(MOTECC_SRCS)) $(BUILD)/obj/motecc/onnx.pb-c.o
MOTECC_SOBJS := $(patsubst $(MOTECC_DIR)/%.c,$(BUILD)/obj/motecc-san/%.o,$(MOTECC_SRCS)) \
                $(BUILD)/obj/motecc-san/onnx.pb-c.o
MOTECC_HDRS  += include/mote/mote_kernels.h include/mote/mote_model_format.h
# what a program linking libmotecc needs after it: the host kernels (driver/kernels/kernels.mk,
# $(KERN_LIB), or $(KERN_SAN) after $(MOTECC_SAN)), then these
MOTECC_LIBS  := -lprotobuf-c -lm
MOTECC_TESTS := ref requant fmodel builder pool onnx add tflite tfl_arith tfl_softmax host_conv prune
# helpers linked into every Check test: geometries and runs, the TFLite writer (tfl_build), the
# MLPerf-Tiny-shaped TFLite networks written with it (tfl_nets), malformed-file checks, the digest
MOTECC_TSRC  := $(addprefix $(MOTECC_DIR)/tests/,cc_test_util.c tfl_build.c tfl_nets.c tfl_malformed.c tfl_digest.c)
MOTECC_TUTIL := $(MOTECC_TSRC) $(MOTECC_TSRC:.c=.h)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

.PHONY: motecc test-cc valgrind-cc lint-layers
all: motecc
MOTE_TESTS += test-cc
motecc: $(MOTECC_LIB)

$(ONNX_GEN)/onnx.pb-c.c $(ONNX_GEN)/onnx.pb-c.h: $(ONNX_PROTO)
	@mkdir -p $(ONNX_GEN)
	protoc-c --proto_path=$(dir $(ONNX_PROTO)) --c_out=$(ONNX_GEN) $(ONNX_PROTO)

$(BUILD)/obj/motecc/%.o: $(MOTECC_DIR)/%.c $(MOTECC_HDRS) $(ONNX_GEN)/onnx.pb-c.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -I$(MOTECC_DIR) -I$(ONNX_GEN) -c $< -o $@

$(BUILD)/obj/motecc-san/%.o: $(MOTECC_DIR)/%.c $(MOTECC_HDRS) $(ONNX_GEN)/onnx.pb-c.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -I$(MOTECC_DIR) -I$(ONNX_GEN) -c $< -o $@

# generated code: compiled without our warning set
$(BUILD)/obj/motecc/onnx.pb-c.o: $(ONNX_GEN)/onnx.pb-c.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -fPIC -I$(ONNX_GEN) -c $< -o $@

$(BUILD)/obj/motecc-san/onnx.pb-c.o: $(ONNX_GEN)/onnx.pb-c.c
	@mkdir -p $(@D)
	$(CC) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -I$(ONNX_GEN) -c $< -o $@

$(MOTECC_LIB): $(MOTECC_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(MOTECC_SAN): $(MOTECC_SOBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Sanitized test binaries (ASan+UBSan) and plain ones for valgrind.
$(BUILD)/tests/cc/test_%: $(MOTECC_DIR)/tests/test_%.c $(MOTECC_TUTIL) $(MOTECC_SAN) $(KERN_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) $(CHECK_CFLAGS) -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -I$(ONNX_GEN) $< $(MOTECC_TSRC) \
	  $(MOTECC_SAN) $(KERN_SAN) -o $@ $(CHECK_LIBS) $(MOTECC_LIBS)

$(BUILD)/tests/cc-vg/test_%: $(MOTECC_DIR)/tests/test_%.c $(MOTECC_TUTIL) $(MOTECC_LIB) $(KERN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) $(CHECK_CFLAGS) -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -I$(ONNX_GEN) $< $(MOTECC_TSRC) \
	  $(MOTECC_LIB) $(KERN_LIB) -o $@ $(CHECK_LIBS) $(MOTECC_LIBS)

lint: lint-layers
lint-layers: $(MOTECC_LIB)
	@python3 scripts/check_layers.py $(BUILD)/obj/motecc

test-cc: $(patsubst %,$(BUILD)/tests/cc/test_%,$(MOTECC_TESTS))
	@set -e; for t in $^; do echo "RUN $$t"; $$t; done
	@$(MAKE) --no-print-directory valgrind-cc
	@echo "test-cc: passed"

# valgrind needs the unsanitized build; CK_FORK=no keeps the test in one process.
valgrind-cc: $(BUILD)/tests/cc-vg/test_fmodel $(BUILD)/tests/cc-vg/test_builder $(BUILD)/tests/cc-vg/test_onnx \
  $(BUILD)/tests/cc-vg/test_tflite $(BUILD)/tests/cc-vg/test_tfl_arith $(BUILD)/tests/cc-vg/test_prune
	CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
	  $(BUILD)/tests/cc-vg/test_prune
	CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
	  $(BUILD)/tests/cc-vg/test_tflite
	CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
	  $(BUILD)/tests/cc-vg/test_tfl_arith
	CK_FORK=no MOTE_ONNX_TEST_FLIPS=40 valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=all $(BUILD)/tests/cc-vg/test_onnx
	CK_FORK=no valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all \
	  $(BUILD)/tests/cc-vg/test_fmodel
	CK_FORK=no MOTE_CC_TEST_CASES=12 valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=all $(BUILD)/tests/cc-vg/test_builder

# The MLPerf-Tiny-shaped TFLite networks of tests/tfl_nets.c (ResNet-8, DS-CNN, MobileNetV1-0.25,
# the FC autoencoder: their shapes, operators, layouts and quantization, pseudo-random weights
# from a fixed seed; and DS-CNN with a depth multiplier of 2, whose grouped convolution runs on the host) as
# files, each with a sample input: `tfl_gen DIR` writes DIR/NAME.tflite, DIR/NAME_input.npy and
# DIR/nets.txt; `tfl_gen --digest FILE` prints the C reader's digest of FILE as
# scripts/tflite_dump.py --digest prints its own.
TFL_GEN      := $(BUILD)/tests/cc/tfl_gen
TFL_GEN_SRC  := $(addprefix $(MOTECC_DIR)/tests/,tfl_nets.c tfl_build.c tfl_digest.c)
TFL_NETS     := resnet8 dscnn mobilenet fcae
TFL_NETS_REF := dscnn_dm2
$(TFL_GEN): $(MOTECC_DIR)/tests/tfl_gen.c $(TFL_GEN_SRC) $(TFL_GEN_SRC:.c=.h) $(MOTECC_DIR)/tests/tfl_build.h \
  driver/cli/npy.c driver/cli/npy.h $(MOTECC_SAN) $(KERN_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -Idriver/cli $< $(TFL_GEN_SRC) driver/cli/npy.c \
	  $(MOTECC_SAN) $(KERN_SAN) -o $@ $(MOTECC_LIBS)

# mote's reference executor against Arm NN (Debian python3-pyarmnn, CpuRef) one operator at a
# time: tflite_cases cuts every operator but RESHAPE out of a model (a PAD with the convolution
# reading it), with the input the whole model computed for it, here from the generated networks
# (make test-mlperf does the same with the reference models), and scripts/armnn_compare.py
# states and checks the agreement required (its docstring: convolutions, matrix products and
# adds within 1 and >= 99.5% equal in the device's one rounding, which Arm NN shares; max
# pooling and dequantization equal; average pooling, softmax, quantization within 1), and that
# every operator named by --require was compared.
TFLITE_CASES := $(BUILD)/tests/cc/tflite_cases
$(TFLITE_CASES): $(MOTECC_DIR)/tests/tflite_cases.c $(MOTECC_DIR)/tests/tfl_build.c $(MOTECC_DIR)/tests/tfl_build.h \
  driver/cli/npy.c driver/cli/npy.h $(MOTECC_LIB) $(KERN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -Idriver/cli $< $(MOTECC_DIR)/tests/tfl_build.c \
	  driver/cli/npy.c $(MOTECC_LIB) $(KERN_LIB) -o $@ $(MOTECC_LIBS)
ARMNN_TMP := $(BUILD)/test-armnn
ARMNN_OPS := CONV_2D,DEPTHWISE_CONV_2D,PAD+DEPTHWISE_CONV_2D,FULLY_CONNECTED,ADD,AVERAGE_POOL_2D,MAX_POOL_2D,SOFTMAX,QUANTIZE,DEQUANTIZE
.PHONY: test-tflite-armnn
test-tflite-armnn: $(TFLITE_CASES) $(TFL_GEN)
	@rm -rf $(ARMNN_TMP) && mkdir -p $(ARMNN_TMP)/nets && $(TFL_GEN) $(ARMNN_TMP)/nets
	@set -e; for m in $(TFL_NETS) $(TFL_NETS_REF); do \
	  mkdir -p $(ARMNN_TMP)/$$m; $(TFLITE_CASES) $(ARMNN_TMP)/nets/$$m.tflite $(ARMNN_TMP)/$$m 7; done
	/usr/bin/python3 scripts/armnn_compare.py --require $(ARMNN_OPS) \
	  $(addprefix $(ARMNN_TMP)/,$(TFL_NETS) $(TFL_NETS_REF))
MOTE_TESTS += test-tflite-armnn

# Bounded-time mutation fuzzer of the ONNX importer, the compiler and the reference executor
# (ASan+UBSan): first the inputs past runs found (compiler_backend/tests/fuzz_regress/EXPECTED:
# each must get its refusal), then FUZZ_SECONDS of wall clock or FUZZ_ITERS inputs, whichever
# ends first, from FUZZ_SEED; a failing input lands in $(BUILD)/fuzz/crash-onnx-<iter>.bin.
# `make fuzz` runs it with the .mote loader's (driver/driver.mk).  FUZZ_ONNX_ARGS /
# FUZZ_MODEL_ARGS pass more options (build/fuzz/fuzz_onnx --help), e.g.
# FUZZ_ONNX_ARGS=--keep-going for a long look.
FUZZ_SECONDS ?= 30
FUZZ_ITERS   ?= 200000
FUZZ_SEED    ?= 1
FUZZ_ONNX_ARGS  ?=
FUZZ_MODEL_ARGS ?=
FUZZ_ARGS     = --seconds $(FUZZ_SECONDS) --iters $(FUZZ_ITERS) --seed $(FUZZ_SEED) --out $(BUILD)/fuzz
FUZZ_HDRS    := $(MOTECC_DIR)/tests/fuzz_mutate.h $(MOTECC_DIR)/tests/fuzz_harness.h \
                $(MOTECC_DIR)/tests/fuzz_seeds.h $(MOTECC_DIR)/tests/fuzz_cc_checks.h \
                $(MOTECC_DIR)/tests/fuzz_libfuzzer.h
$(BUILD)/fuzz/fuzz_onnx: $(MOTECC_DIR)/tests/fuzz_onnx.c $(FUZZ_HDRS) $(MOTECC_SAN) $(KERN_SAN) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -I$(ONNX_GEN) $< $(MOTECC_SAN) $(KERN_SAN) -o $@ \
	  $(MOTECC_LIBS)

.PHONY: fuzz-onnx
fuzz-onnx: $(BUILD)/fuzz/fuzz_onnx
	$< --regress $(MOTECC_DIR)/tests/fuzz_regress
	$< $(FUZZ_ARGS) $(FUZZ_ONNX_ARGS)

# The TFLite reader, importer, compiler and reference path, fuzzed the same way from the
# MLPerf-Tiny-shaped networks of tests/tfl_nets.c and small models built by tests/tfl_build.c
# (and any --seed-file in FUZZ_TFLITE_ARGS: make test-mlperf adds the reference models); its
# regression inputs and their refusals in compiler_backend/tests/fuzz_tflite_regress/EXPECTED.
FUZZ_TFLITE_ARGS ?=
FUZZ_TFLITE_SRC  := $(addprefix $(MOTECC_DIR)/tests/,tfl_build.c tfl_nets.c)
$(BUILD)/fuzz/fuzz_tflite: $(MOTECC_DIR)/tests/fuzz_tflite.c $(FUZZ_TFLITE_SRC) $(FUZZ_TFLITE_SRC:.c=.h) $(FUZZ_HDRS) \
  $(MOTECC_SAN) $(KERN_SAN) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -I$(ONNX_GEN) $< $(FUZZ_TFLITE_SRC) \
	  $(MOTECC_SAN) $(KERN_SAN) -o $@ $(MOTECC_LIBS)

.PHONY: fuzz-tflite
fuzz-tflite: $(BUILD)/fuzz/fuzz_tflite
	$< --regress $(MOTECC_DIR)/tests/fuzz_tflite_regress
	$< $(FUZZ_ARGS) $(FUZZ_TFLITE_ARGS)
