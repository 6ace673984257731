# scripts/fuzz/fuzz.mk: the five fuzz targets (fuzz_onnx, fuzz_tflite, fuzz_model, fuzz_link,
# fuzz_cmd) as coverage-guided libFuzzer and AFL++ entry points (included by the top Makefile
# after the folders' fragments, whose source lists it reuses).
#
#   make fuzz-libfuzzer [LF_SECONDS=30] [LF_RUNS=0] [LF_SEED=1] [LF_TARGETS='onnx ...']
#        build the five with clang (-fsanitize=fuzzer,address,undefined) into build/fuzz-clang/,
#        replay each one's regression inputs and committed seed corpus (libFuzzer runs the
#        files given as arguments), then a campaign of each: LF_SECONDS of wall clock or LF_RUNS
#        executions (0: no limit), whichever ends first, from its seed corpus, its regression
#        inputs and the corpus kept so far (build/fuzz-clang/corpus/TARGET, into which the
#        campaign's new inputs are merged, libFuzzer -merge=1).  Each prints executions, exec/s,
#        coverage (libFuzzer's cov: edges and ft: features at the end), corpus size and crashes;
#        a crash (file in build/fuzz-clang/run/TARGET/crashes/) fails it.
#   make fuzz-afl [AFL_SECONDS=60] [AFL_TARGETS='link onnx']
#        the same entry points built with afl-clang-fast (AFL++'s libAFLDriver, ASan+UBSan)
#        into build/fuzz-afl/, and AFL_SECONDS of afl-fuzz on each of AFL_TARGETS: executions,
#        edges, corpus and crashes from its fuzzer_stats; a crash fails it.
#   make fuzz-replay-libfuzzer   only the replay (regression inputs and seed corpora)
#
# The harnesses are the GCC fuzzers' own sources built with -DMOTE_LIBFUZZER (no main; the
# loop's per-input work and checks in LLVMFuzzerTestOneInput, the loop's structure-aware
# mutations in LLVMFuzzerCustomMutator).  GCC's and clang's ASan runtimes do not mix, so the
# C objects they link are built again here by clang (or afl-clang-fast), from the same lists
# as driver/driver.mk's, driver/kernels/kernels.mk's and compiler_backend/compiler_backend.mk's:
# DRV_SRCS, KERN_SOBJS, MOTECC_SOBJS, FUZZ_CMD_OBJS.  The Verilated simulator objects ($(SIM_OBJS): g++ -O2, no sanitizer, no
# coverage) are linked as they are.  Not part of make test: the clang objects and the five
# binaries take about 35 s of 2 cores, more than make test (near its 30 minutes) can grow, and
# its GCC fuzzers already replay every regression input; make regress runs the replays and the
# campaigns (scripts/regress/regress.txt, suite libfuzzer) and merges the campaigns' corpora
# (scripts/fuzz/libfuzzer.sh regress-merge).  Debian packages: clang, libfuzzer-14-dev, afl++
# (installed by scripts/install-deps --fuzz when one of these targets is built; make test does not).

LF_CC      ?= clang
AFL_CC     ?= afl-clang-fast
LF_DIR     := $(BUILD)/fuzz-clang
AFL_DIR    := $(BUILD)/fuzz-afl
LF_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LF_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g $(WARN) $(INCLUDES) $(LF_SAN)
LF_TARGETS ?= onnx tflite model link cmd
LF_SECONDS ?= 30
LF_RUNS    ?= 0
LF_SEED    ?= 1
AFL_SECONDS ?= 60
AFL_TARGETS ?= link onnx

# clang, libFuzzer and AFL++ installed when missing (scripts/install-deps --fuzz), before anything
# here is compiled: the two main commands install what they need, so do these
FUZZ_DEPS := $(BUILD)/fuzz-deps.stamp
$(FUZZ_DEPS):
	@mkdir -p $(@D)
	@scripts/install-deps --fuzz
	@touch $@

# $(1) build folder, $(2) compiler, $(3) coverage flags of the library objects (clang:
# -fsanitize=fuzzer-no-link; afl-clang-fast instruments by itself); the fuzz binaries link with
# -fsanitize=fuzzer (libFuzzer, or with afl-clang-fast libAFLDriver).
define LF_RULES
$(1)/driver/%.o: driver/%.c $(DRV_HDRS) $(GEN_H) | $(FUZZ_DEPS)
	@mkdir -p $$(@D)
	$(2) $(LF_CFLAGS) $(3) -pthread -Isim $(DRV_USB_CFLAGS) -c $$< -o $$@

$(1)/motecc/%.o: $(MOTECC_DIR)/%.c $(MOTECC_HDRS) $(ONNX_GEN)/onnx.pb-c.h | $(FUZZ_DEPS)
	@mkdir -p $$(@D)
	$(2) $(LF_CFLAGS) $(3) -I$(MOTECC_DIR) -I$(ONNX_GEN) -c $$< -o $$@

$(1)/kernels/%.o: $(KERN_DIR)/%.c $(KERN_HDRS) | $(FUZZ_DEPS)
	@mkdir -p $$(@D)
	$(2) $(LF_CFLAGS) $(3) -c $$< -o $$@

# generated code: compiled without our warning set, as compiler_backend.mk does
$(1)/motecc/onnx.pb-c.o: $(ONNX_GEN)/onnx.pb-c.c | $(FUZZ_DEPS)
	@mkdir -p $$(@D)
	$(2) -O1 -g $(LF_SAN) $(3) -I$(ONNX_GEN) -c $$< -o $$@

$(1)/cli/%.o: driver/cli/%.c $(CLI_HDRS) $(GEN_H) include/mote/mote.h include/mote/mote_compiler.h | $(FUZZ_DEPS)
	@mkdir -p $$(@D)
	$(2) $(LF_CFLAGS) $(3) -c $$< -o $$@

$(1)/libmotecc.a: $(patsubst $(BUILD)/obj/motecc-san/%,$(1)/motecc/%,$(MOTECC_SOBJS)) | $(FUZZ_DEPS)
	rm -f $$@ && ar rcs $$@ $$^

$(1)/libmotekernels.a: $(patsubst $(BUILD)/obj/kernels-san/%,$(1)/kernels/%,$(KERN_SOBJS)) | $(FUZZ_DEPS)
	rm -f $$@ && ar rcs $$@ $$^

$(1)/fuzz_onnx: $(MOTECC_DIR)/tests/fuzz_onnx.c $(FUZZ_HDRS) $(1)/libmotecc.a $(1)/libmotekernels.a $(GEN_H) | $(FUZZ_DEPS)
	$(2) $(LF_CFLAGS) -DMOTE_LIBFUZZER -fsanitize=fuzzer -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -I$(ONNX_GEN) $$< \
	  $(1)/libmotecc.a $(1)/libmotekernels.a -o $$@ $(MOTECC_LIBS)

$(1)/fuzz_tflite: $(MOTECC_DIR)/tests/fuzz_tflite.c $(FUZZ_TFLITE_SRC) $(FUZZ_TFLITE_SRC:.c=.h) $(FUZZ_HDRS) \
  $(1)/libmotecc.a $(1)/libmotekernels.a $(GEN_H) | $(FUZZ_DEPS)
	$(2) $(LF_CFLAGS) -DMOTE_LIBFUZZER -fsanitize=fuzzer -I$(MOTECC_DIR)/tests -I$(MOTECC_DIR) -I$(ONNX_GEN) \
	  $$< $(FUZZ_TFLITE_SRC) $(1)/libmotecc.a $(1)/libmotekernels.a -o $$@ $(MOTECC_LIBS)

$(1)/fuzz_model: driver/tests/fuzz/fuzz_model.c driver/tests/fuzz/fuzz_hooks.h $(FUZZ_HDRS) \
  $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) $(SIM_OBJS) $(1)/libmotecc.a $(1)/libmotekernels.a $(DRV_HDRS) $(GEN_H) | $(FUZZ_DEPS)
	$(2) $(LF_CFLAGS) -DMOTE_LIBFUZZER -fsanitize=fuzzer -pthread -I$(MOTECC_DIR)/tests -I$(ONNX_GEN) $$< \
	  $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) $(SIM_OBJS) $(1)/libmotecc.a $(1)/libmotekernels.a -o $$@ \
	  $(DRV_LDLIBS) $(MOTECC_LIBS)

$(1)/fuzz_link: driver/tests/fuzz/fuzz_link.c $(FUZZ_HDRS) $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) \
  $(SIM_OBJS) $(1)/libmotekernels.a $(DRV_HDRS) $(GEN_H) | $(FUZZ_DEPS)
	$(2) $(LF_CFLAGS) -DMOTE_LIBFUZZER -fsanitize=fuzzer -pthread -Idriver -I$(MOTECC_DIR)/tests $$< \
	  $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) $(SIM_OBJS) $(1)/libmotekernels.a -o $$@ $(DRV_LDLIBS)

$(1)/fuzz_cmd: driver/tests/fuzz/fuzz_cmd.c $(FUZZ_CMD_HDRS) $(FUZZ_HDRS) \
  $(patsubst $(BUILD)/system/%,$(1)/cli/%,$(FUZZ_CMD_OBJS)) $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) \
  $(SIM_OBJS) $(1)/libmotecc.a $(1)/libmotekernels.a $(DRV_HDRS) $(GEN_H) | $(FUZZ_DEPS)
	$(2) $(LF_CFLAGS) -DMOTE_LIBFUZZER -fsanitize=fuzzer -pthread -Idriver/cli -I$(MOTECC_DIR)/tests $$< \
	  $(patsubst $(BUILD)/system/%,$(1)/cli/%,$(FUZZ_CMD_OBJS)) $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) \
	  $(SIM_OBJS) $(1)/libmotecc.a $(1)/libmotekernels.a -o $$@ $(DRV_LDLIBS) $(MOTECC_LIBS)

.SECONDARY: $(patsubst driver/%.c,$(1)/driver/%.o,$(DRV_SRCS)) $(patsubst $(BUILD)/obj/motecc-san/%,$(1)/motecc/%,$(MOTECC_SOBJS)) \
  $(patsubst $(BUILD)/obj/kernels-san/%,$(1)/kernels/%,$(KERN_SOBJS)) \
  $(patsubst $(BUILD)/system/%,$(1)/cli/%,$(FUZZ_CMD_OBJS))
endef

$(eval $(call LF_RULES,$(LF_DIR),$(LF_CC),-fsanitize=fuzzer-no-link))
$(eval $(call LF_RULES,$(AFL_DIR),$(AFL_CC),))

LF_BINS  := $(patsubst %,$(LF_DIR)/fuzz_%,$(LF_TARGETS))
AFL_BINS := $(patsubst %,$(AFL_DIR)/fuzz_%,$(AFL_TARGETS))

.PHONY: fuzz-libfuzzer fuzz-replay-libfuzzer fuzz-afl
fuzz-replay-libfuzzer: $(LF_BINS)
	@LF_DIR=$(LF_DIR) sh scripts/fuzz/libfuzzer.sh replay $(LF_TARGETS)

fuzz-libfuzzer: fuzz-replay-libfuzzer
	@set -e; for t in $(LF_TARGETS); do \
	  LF_DIR=$(LF_DIR) sh scripts/fuzz/libfuzzer.sh campaign $$t $(LF_SECONDS) $(LF_RUNS) $(LF_SEED) $(LF_DIR)/run/$$t; \
	  LF_DIR=$(LF_DIR) sh scripts/fuzz/libfuzzer.sh merge $$t $(LF_DIR)/corpus/$$t $(LF_DIR)/run/$$t/corpus; done

fuzz-afl: $(AFL_BINS)
	@set -e; for t in $(AFL_TARGETS); do \
	  AFL_DIR=$(AFL_DIR) LF_DIR=$(LF_DIR) sh scripts/fuzz/libfuzzer.sh afl $$t $(AFL_SECONDS) $(AFL_DIR)/run/$$t; done
