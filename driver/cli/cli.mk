# driver/cli/cli.mk: the `mote` command-line tool (build/bin/mote).
# Links the driver (libmote, with the simulator inside) and the compiler backend (libmotecc, then
# the host kernels' library).  It is compiled with the public headers only (include/mote/, no
# -I of another folder's internals): make lint-layers checks its includes.

CLI_SRCS := $(wildcard driver/cli/*.c)
CLI_HDRS := $(wildcard driver/cli/*.h)
CLI_OBJS := $(patsubst driver/cli/%.c,$(BUILD)/cli/%.o,$(CLI_SRCS))
MOTE_CLI := $(BUILD)/bin/mote

$(BUILD)/cli/%.o: driver/cli/%.c $(CLI_HDRS) $(GEN_H) include/mote/mote.h include/mote/mote_compiler.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -c $< -o $@

ifeq ($(SIM_HAVE),1)
$(MOTE_CLI): $(CLI_OBJS) $(DRV_LIB_A) $(MOTECC_LIB) $(KERN_LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $(CLI_OBJS) $(DRV_LIB_A) $(MOTECC_LIB) $(KERN_LIB) $(DRV_LDLIBS) -lprotobuf-c
all: $(MOTE_CLI)

# The int8 cases of the ONNX backend test suite (Debian libonnx-testdata), each
# run on the simulated accelerator and compared byte for byte with the host
# reference executor and the expected outputs.
ONNX_TESTDATA ?= /usr/share/libonnx-testdata/data/node
ONNX_CASES    := test_qlinearconv test_qlinearmatmul_2D test_qlinearmatmul_3D test_matmulinteger \
                 test_convinteger_with_padding test_convinteger_without_padding
# QDQ cases made by scripts/make_qdq_case.py (expected outputs from the float definitions)
ONNX_OWN_CASES := qdq_conv_relu
test-onnx: $(MOTE_CLI)
	@set -e; for c in $(ONNX_CASES); do \
	  $(MOTE_CLI) run --onnx-test $(ONNX_TESTDATA)/$$c --device sim:rows=8,cols=8; \
	  $(MOTE_CLI) run --onnx-test $(ONNX_TESTDATA)/$$c --device sim:rows=4,cols=4 > /dev/null; done
	@for c in $(ONNX_OWN_CASES); do $(MOTE_CLI) run --onnx-test models/onnx_cases/$$c --device sim:rows=8,cols=8; done
	@echo "test-onnx: $(words $(ONNX_CASES)) ONNX conformance cases (8x8 and 4x4) and $(words $(ONNX_OWN_CASES)) QDQ case passed"
MOTE_TESTS += test-onnx
.PHONY: test-onnx

# Whole models compiled to .mote files and run on the simulator: every tensor
# of every image compared with the reference executor (mote eval --check exits
# 1 on any difference), on two geometries (and Fashion-MNIST on the board
# build, sim:board=icebreaker); and bad model files refused with
# the documented error before the device is touched.
MODELS_TMP := $(BUILD)/test-models
MODEL_API_TEST := $(BUILD)/driver/tests/model/test_model
MODEL_API_PLAIN := $(BUILD)/driver/tests-plain/model/test_model
test-models: $(MOTE_CLI) $(MODEL_API_TEST) $(MODEL_API_PLAIN)
	@mkdir -p $(MODELS_TMP)
	@set -e; for geo in 8x8 16x16; do r=$${geo%x*}; c=$${geo#*x}; t=sim:rows=$$r,cols=$$c; \
	  for keep in "" --keep-tensors; do \
	    $(MOTE_CLI) compile models/fashion_mnist/model.onnx -o $(MODELS_TMP)/fm_$$geo$$keep.mote --target $$t $$keep; \
	    $(MOTE_CLI) eval $(MODELS_TMP)/fm_$$geo$$keep.mote --data models/fashion_mnist/test_images.npy \
	      --labels models/fashion_mnist/test_labels.npy --check models/fashion_mnist/model.onnx --limit 40 --device $$t; \
	    for net in resnet8 dscnn mobilenet_v1_025; do \
	      $(MOTE_CLI) compile models/mlperf_shapes/$$net.onnx -o $(MODELS_TMP)/$${net}_$$geo$$keep.mote --target $$t \
	        $$keep > /dev/null; \
	      out=$$($(MOTE_CLI) run $(MODELS_TMP)/$${net}_$$geo$$keep.mote --device $$t \
	        --input input=models/mlperf_shapes/$${net}_input.npy --check models/mlperf_shapes/$$net.onnx) || \
	        { printf '%s\n' "$$out"; echo "test-models: $$net on $$geo $$keep differs or failed"; exit 1; }; \
	      printf '%s %s %s: %s\n' $$net $$geo "$$keep" "$$(printf '%s\n' "$$out" | tail -1)"; \
	    done; done; done
	@# the board build: Fashion-MNIST fits its 128 KB (the serial tiling of a one-queue device), and
	@# DS-CNN with its depthwise convolutions on the host (MOTE_KOP_CONV: no DEPTHWISE on the board)
	$(MOTE_CLI) compile models/fashion_mnist/model.onnx -o $(MODELS_TMP)/fm_icebreaker.mote --target sim:board=icebreaker
	$(MOTE_CLI) eval $(MODELS_TMP)/fm_icebreaker.mote --data models/fashion_mnist/test_images.npy \
	  --labels models/fashion_mnist/test_labels.npy --check models/fashion_mnist/model.onnx --limit 8 --device sim:board=icebreaker
	$(MOTE_CLI) compile models/mlperf_shapes/dscnn.onnx -o $(MODELS_TMP)/dscnn_icebreaker.mote --target sim:board=icebreaker
	@out=$$($(MOTE_CLI) run $(MODELS_TMP)/dscnn_icebreaker.mote --device sim:board=icebreaker \
	  --input input=models/mlperf_shapes/dscnn_input.npy --check models/mlperf_shapes/dscnn.onnx) || \
	  { printf '%s\n' "$$out"; echo "test-models: dscnn on the board differs or failed"; exit 1; }; \
	  printf 'dscnn icebreaker: %s\n' "$$(printf '%s\n' "$$out" | tail -2 | tr '\n' ' ')"
	@# the 2:4 fine-tuned Fashion-MNIST model (dense on the array until the sparse path): bit-exact
	$(MOTE_CLI) compile models/fashion_mnist_24/model.onnx -o $(MODELS_TMP)/fm24_8x8.mote --target sim:rows=8,cols=8
	$(MOTE_CLI) eval $(MODELS_TMP)/fm24_8x8.mote --data models/fashion_mnist/test_images.npy \
	  --labels models/fashion_mnist/test_labels.npy --agree models/fashion_mnist_24/torch_int8_pred.npy \
	  --check models/fashion_mnist_24/model.onnx --limit 40 --device sim:rows=8,cols=8
	@/usr/bin/env bash scripts/check_bad_models.sh $(MOTE_CLI) $(MODELS_TMP)
	$(MODEL_API_TEST) $(MODELS_TMP)
	@# memcheck on the model case (the threads case runs under helgrind below)
	CK_FORK=no CK_RUN_CASE=model valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect,possible $(MODEL_API_PLAIN) $(MODELS_TMP)
	@# threads running models on shared devices, under helgrind: no data race, no lock-order problem
	CK_FORK=no CK_RUN_CASE=threads valgrind --tool=helgrind -q --error-exitcode=1 \
	  --suppressions=driver/tests/helgrind.supp $(MODEL_API_PLAIN) $(MODELS_TMP)
	@echo "test-models: Fashion-MNIST (dense and 2:4) and the ResNet-8, DS-CNN and MobileNet-shaped models bit-exact on 8x8 and 16x16, Fashion-MNIST and DS-CNN on the board build; bad files refused"
MOTE_TESTS += test-models
.PHONY: test-models

# TFLite models through the CLI: the MLPerf-Tiny-shaped networks that tfl_gen writes
# (compiler_backend/compiler_backend.mk: ResNet-8, DS-CNN, MobileNetV1-0.25, the FC
# autoencoder, pseudo-random weights from a fixed seed), each compiled from its .tflite file and
# run on its sample input on the simulated 8x8 and 16x16 arrays, with and without
# --keep-tensors, by driver/tests/cli/check_tflite.sh (agreement required: every tensor the
# device keeps equal byte for byte to the reference executor in TFLite's own arithmetic, two
# roundings, which the arrays' STORE ROUND_TFL does; with --keep-tensors every tensor kept and
# compared).  Before that, the C reader and scripts/tflite_dump.py (an independent reader) must
# give every file the same digest, and DS-CNN with a depth multiplier of 2 must compile with the
# grouped convolution the array cannot take on the host (MOTE_KOP_CONV, rounding as TFLite),
# then pass the same checks.  Last, that model on the board build, which has no ROUND_TFL:
# compile must warn that its steps round once, and run --check must compare with the reference
# in that arithmetic ("tflite-round-once"), bit-exact.
TFLITE_TMP := $(BUILD)/test-tflite
test-tflite: $(MOTE_CLI) $(TFL_GEN)
	@rm -rf $(TFLITE_TMP) && mkdir -p $(TFLITE_TMP)/nets && $(TFL_GEN) $(TFLITE_TMP)/nets
	@set -e; for net in $(TFL_NETS) $(TFL_NETS_REF); do f=$(TFLITE_TMP)/nets/$$net.tflite; \
	  c=$$($(TFL_GEN) --digest $$f); p=$$(/usr/bin/python3 scripts/tflite_dump.py $$f --digest); \
	  if [ -z "$$c" ] || [ "$$c" != "$$p" ]; then \
	    echo "test-tflite: $$net: the C reader's digest '$$c', tflite_dump.py's '$$p'"; exit 1; fi; \
	  echo "$$net.tflite: digest $$c (the C reader and tflite_dump.py)"; done
	@set -e; for net in $(TFL_NETS_REF); do \
	  out=$$($(MOTE_CLI) compile $(TFLITE_TMP)/nets/$$net.tflite -o $(TFLITE_TMP)/$$net.mote --report 2>&1) || \
	    { printf '%s\n' "$$out"; echo "test-tflite: $$net: compile failed"; exit 1; }; \
	  printf '%s\n' "$$out" | grep -qF "host: node 'operators[2]' (QLinearConv): grouped convolution (32 groups, in_c 32, out_c 64)" || \
	    { printf '%s\n' "$$out"; echo "test-tflite: $$net: its grouped convolution is not placed on the host"; exit 1; }; \
	  echo "$$net.tflite: the grouped convolution (depth multiplier 2) placed on the host"; done
	@set -e; for net in $(TFL_NETS) $(TFL_NETS_REF); do \
	  in=$$(awk -v n=$$net '$$1 == n { print $$2 }' $(TFLITE_TMP)/nets/nets.txt); \
	  if [ -z "$$in" ]; then echo "test-tflite: $$net is not in nets.txt"; exit 1; fi; \
	  /usr/bin/env bash driver/tests/cli/check_tflite.sh $(MOTE_CLI) $(TFLITE_TMP) $(TFLITE_TMP)/nets/$$net.tflite \
	    $$in $(TFLITE_TMP)/nets/$${net}_input.npy; done
	@set -e; net=dscnn_dm2; t=sim:board=icebreaker; f=$(TFLITE_TMP)/board_$$net.mote; \
	  in=$$(awk -v n=$$net '$$1 == n { print $$2 }' $(TFLITE_TMP)/nets/nets.txt); \
	  out=$$($(MOTE_CLI) compile $(TFLITE_TMP)/nets/$$net.tflite -o $$f --target $$t 2>&1) || \
	    { printf '%s\n' "$$out"; echo "test-tflite: $$net on $$t: compile failed"; exit 1; }; \
	  printf '%s\n' "$$out" | grep -q "requantize with TFLite's multipliers but round once" || \
	    { printf '%s\n' "$$out"; echo "test-tflite: $$net on $$t: no warning that it rounds once"; exit 1; }; \
	  out=$$($(MOTE_CLI) run $$f --device $$t --input $$in=$(TFLITE_TMP)/nets/$${net}_input.npy \
	    --check $(TFLITE_TMP)/nets/$$net.tflite 2>&1) || \
	    { printf '%s\n' "$$out"; echo "test-tflite: $$net on $$t: run failed or differs"; exit 1; }; \
	  printf '%s\n' "$$out" | grep -q '^reference executor: 0 of [1-9][0-9]* tensors differ, bit-exact' && \
	  printf '%s\n' "$$out" | grep -qx 'reference arithmetic: tflite-round-once' || \
	    { printf '%s\n' "$$out"; echo "test-tflite: $$net on $$t: not bit-exact in the round-once arithmetic"; exit 1; }; \
	  echo "$$net on $$t (no ROUND_TFL): $$(printf '%s\n' "$$out" | grep '^reference executor'), rounding once"
	@echo "test-tflite: $(TFL_NETS) $(TFL_NETS_REF) compiled from TFLite and bit-exact with the reference on 8x8 and 16x16"
MOTE_TESTS += test-tflite
.PHONY: test-tflite

# The MLPerf Tiny reference models themselves (mlcommons/tiny's int8 .tflite files: another
# project's binaries, never in this repository, so not in make test):
#   make test-mlperf MLPERF_TINY=DIR
# with DIR holding pretrainedResnet_quant.tflite, kws_ref_model.tflite, vww_96_int8.tflite and
# ad01_int8.tflite.  Fails (never skips) when MLPERF_TINY is unset or a model is missing.  Runs
# test_mlperf (the reader against tflite_dump.py's digests and Arm NN's view of the inputs and
# outputs, malformed copies of ResNet-8, the importer), each model through check_tflite.sh as
# test-tflite does (8x8 and 16x16, bit-exact), every operator against Arm NN as
# test-tflite-armnn does, and FUZZ_SECONDS of fuzz_tflite with the models among its seeds.
MLPERF_TINY ?=
MLPERF_TMP := $(BUILD)/test-mlperf
# model file, input name, input shape
MLPERF_MODELS := pretrainedResnet_quant:input_1_int8:1,32,32,3 kws_ref_model:input_1:1,49,10,1 \
                 vww_96_int8:input_1_int8:1,96,96,3 ad01_int8:input_1:1,640
MLPERF_NAMES := $(foreach m,$(MLPERF_MODELS),$(word 1,$(subst :, ,$(m))))
NPY_RANDOM := $(BUILD)/tests/cli/npy_random
$(NPY_RANDOM): driver/tests/cli/npy_random.c driver/cli/npy.c driver/cli/npy.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -Idriver/cli -o $@ driver/tests/cli/npy_random.c driver/cli/npy.c
# asked for without its models: stop before building anything
ifneq ($(filter test-mlperf,$(MAKECMDGOALS)),)
ifeq ($(strip $(MLPERF_TINY)),)
$(error test-mlperf: MLPERF_TINY is not set: make test-mlperf MLPERF_TINY=DIR, DIR holding the MLPerf Tiny \
  reference models $(addsuffix .tflite,$(MLPERF_NAMES)))
endif
$(foreach m,$(MLPERF_NAMES),$(if $(wildcard $(MLPERF_TINY)/$(m).tflite),,$(error test-mlperf: $(MLPERF_TINY)/$(m).tflite: \
  no such file (MLPERF_TINY must name the directory of the MLPerf Tiny reference models))))
endif
.PHONY: test-mlperf
test-mlperf: $(MOTE_CLI) $(NPY_RANDOM) $(BUILD)/tests/cc/test_mlperf $(TFLITE_CASES) $(BUILD)/fuzz/fuzz_tflite
	MOTE_MLPERF_TINY=$(abspath $(MLPERF_TINY)) $(BUILD)/tests/cc/test_mlperf
	@rm -rf $(MLPERF_TMP) && mkdir -p $(MLPERF_TMP)
	@set -e; for m in $(MLPERF_MODELS); do set -- $$(echo $$m | tr : ' '); net=$$1; in=$$2; shape=$$3; \
	  $(NPY_RANDOM) $(MLPERF_TMP)/$$net.npy 7 $$(echo $$shape | tr , ' '); \
	  /usr/bin/env bash driver/tests/cli/check_tflite.sh $(MOTE_CLI) $(MLPERF_TMP) $(MLPERF_TINY)/$$net.tflite $$in \
	    $(MLPERF_TMP)/$$net.npy; done
	@set -e; for m in $(MLPERF_NAMES); do mkdir -p $(MLPERF_TMP)/armnn/$$m; \
	  $(TFLITE_CASES) $(MLPERF_TINY)/$$m.tflite $(MLPERF_TMP)/armnn/$$m 7; done
	/usr/bin/python3 scripts/armnn_compare.py --require CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED,ADD,AVERAGE_POOL_2D,SOFTMAX \
	  $(addprefix $(MLPERF_TMP)/armnn/,$(MLPERF_NAMES))
	$(BUILD)/fuzz/fuzz_tflite $(FUZZ_ARGS) $(addprefix --seed-file $(MLPERF_TINY)/,$(addsuffix .tflite,$(MLPERF_NAMES)))
	@echo "test-mlperf: the four MLPerf Tiny reference models read, imported, bit-exact on 8x8 and 16x16, within" \
	  "the agreement required of Arm NN, fuzzed"

# What the CLI writes and accepts: hostile tensor names (made by onnx_rename and
# compiled), name clashes, planted symbolic links, failed writes, a compile onto
# its own input, --json with such names and on errors, wrong labels, an ONNX test
# case with nothing to compare (driver/tests/cli/check_cli.sh).  `mote prune`: the 2:4 rule
# checked by an independent reader (check_prune.py), skips, every other byte unchanged, the
# pruned models bit-exact on the device, refusals (driver/tests/cli/check_prune.sh).  `mote
# compile --sparsity`: auto/dense/2:4 choices, report and measured cycles, sparse and dense
# bytes identical and bit-exact on 3 geometries, refusals, the progress line
# (driver/tests/cli/check_sparsity.sh).
ONNX_RENAME := $(BUILD)/tests/cli/onnx_rename
$(ONNX_RENAME): driver/tests/cli/onnx_rename.c $(BUILD)/obj/motecc/onnx.pb-c.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -I$(ONNX_GEN) -o $@ $^ -lprotobuf-c
# `mote selftest`: each check against a simulated board with the fault it is there for
# (driver/tests/cli/test_selftest.c, ASan+UBSan: the check sources, the driver's, the
# compiler's), then the CLI on sim, sim:board=icebreaker and sim:link=uart, its --json, and
# a board that stops answering or is not there (driver/tests/cli/check_selftest.sh).
ST_TEST     := $(BUILD)/tests/cli/test_selftest
ST_TEST_SRC := driver/tests/cli/test_selftest.c driver/cli/selftest_regs.c driver/cli/selftest_mem.c \
               driver/cli/selftest_jobs.c driver/cli/op.c driver/cli/cli_fail.c
$(ST_TEST): $(ST_TEST_SRC) $(CLI_HDRS) $(DRV_SAN_OBJS) $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(DRV_HDRS) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -pthread -Isim -Idriver -Idriver/cli -o $@ $(ST_TEST_SRC) \
	  $(DRV_SAN_OBJS) $(SIM_OBJS) $(MOTECC_SAN) $(KERN_SAN) $(DRV_LDLIBS) $(MOTECC_LIBS)
test-cli: $(MOTE_CLI) $(ONNX_RENAME) $(ST_TEST)
	@/usr/bin/env bash driver/tests/cli/check_cli.sh $(MOTE_CLI) $(ONNX_RENAME) $(BUILD)/test-cli
	@/usr/bin/env bash driver/tests/cli/check_prune.sh $(MOTE_CLI) $(BUILD)/test-prune
	@/usr/bin/env bash driver/tests/cli/check_sparsity.sh $(MOTE_CLI) $(BUILD)/test-sparsity
	$(ST_TEST)
	@/usr/bin/env bash driver/tests/cli/check_selftest.sh $(MOTE_CLI) $(GEN_H)
# Bring your own PyTorch model: eager-mode QAT recipes exported with Debian's PyTorch
# (scripts/byo_pytorch.py), compiled, bit-exact with the reference executor and held to PyTorch's
# own int8 execution (driver/tests/cli/check_byo.py states the agreement each requires).
test-byo: $(MOTE_CLI)
	@rm -rf $(BUILD)/test-byo && mkdir -p $(BUILD)/test-byo
	@/usr/bin/python3 scripts/byo_pytorch.py $(BUILD)/test-byo 2> $(BUILD)/test-byo/export.log || \
	  { cat $(BUILD)/test-byo/export.log; exit 1; }
	@/usr/bin/python3 driver/tests/cli/check_byo.py $(MOTE_CLI) $(BUILD)/test-byo
MOTE_TESTS += test-byo
.PHONY: test-byo
MOTE_TESTS += test-cli
.PHONY: test-cli
endif

.PHONY: cli
cli: $(MOTE_CLI)
