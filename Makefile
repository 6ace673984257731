# mote: the Makefile is the index of what the project builds and checks.
#
#   make            build everything into build/ (CLI: build/bin/mote)
#   make demo       the main job: build, run a GEMM and a convolution on the simulator
#   make test       every test: C units (ASan+UBSan), RTL units, system, hostile streams,
#                   Icarus subset, formal, lint, and the fuzzers
#   make fuzz       the ONNX, TFLite, .mote, link and command-stream fuzzers (ASan+UBSan): their
#                   regression inputs, then FUZZ_SECONDS (30) each from FUZZ_SEED (1) (the link's
#                   15 s; the command streams' 10^4 streams, FUZZ_CMD_ITERS)
#   make fuzz-libfuzzer, make fuzz-afl
#                   the same five as coverage-guided libFuzzer / AFL++ targets (clang, afl++):
#                   replays, then campaigns (scripts/fuzz/fuzz.mk); not part of make test
#   make test-mlperf MLPERF_TINY=DIR
#                   the MLPerf Tiny reference .tflite models in DIR (kept outside the
#                   repository; not part of make test, which uses networks of their shapes)
#   make bench      utilization, cycles and simulation speed figures, then their plots
#   make plots      redraw those plots (gnuplot: PNG and SVG in build/bench/plots/) from the
#                   data the last make bench wrote, with the board's area per module once
#                   make synth has run
#   make lint       verilator --lint-only -Wall for every shipped configuration
#   make formal     yosys-smtbmc proofs of FIFO, decoder and window checker
#   make synth      Yosys area per module instance, iCE40 (4x4) and ECP5 (8x8): table + JSON
#   make regress    the regression of scripts/regress/regress.txt (SIZE=quick|nightly, SLURM=1
#                   SHARDS=N for a Slurm job array): build/regress/junit.xml and summary.txt
#   make deps       install missing Debian packages (scripts/install-deps)
#   make clean
#
# Each folder adds its rules in <folder>/<folder>.mk; variables shared by all are here.

BUILD      ?= build
CC         ?= gcc
CXX        ?= g++
ifeq ($(origin CC),default)
CC := gcc
endif
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

WARN       := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wswitch-enum
INCLUDES   := -Iinclude -I$(BUILD)/include
CFLAGS_C   := -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g $(WARN) $(INCLUDES)
SANFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_SAN := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g $(WARN) $(INCLUDES) $(SANFLAGS)

# Array geometries the simulator library carries; `sim:rows=R,cols=C` picks one.
SIM_GEOMETRIES ?= 4x4 8x8 16x16

# Generated from the one description of commands and registers.
SPEC       := include/mote/mote_hw.spec
GEN_H      := $(BUILD)/include/mote/mote_hw.h
GEN_VH     := $(BUILD)/rtl/mote_hw.vh
SPECGEN    := $(BUILD)/tools/specgen

.PHONY: all demo test bench lint formal synth deps clean gen
.DEFAULT_GOAL := all

all: gen

gen: $(GEN_H) $(GEN_VH)

$(SPECGEN): scripts/specgen.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 $(WARN) -o $@ $<

$(GEN_H) $(GEN_VH) &: $(SPEC) $(SPECGEN)
	@mkdir -p $(dir $(GEN_H)) $(dir $(GEN_VH))
	$(SPECGEN) $(SPEC) $(GEN_H) $(GEN_VH)

deps:
	@scripts/install-deps

# Test suites register themselves here (MOTE_TESTS += test-x) in their fragments; long
# single-threaded ones in MOTE_BG_TESTS (see test).
MOTE_TESTS := test-layout
MOTE_BG_TESTS :=

# The repository's top level is fixed (README, "Layout"): the agreed folders and files, build/
# (ignored) and git's own.  Anything else (a stray log or netlist of an experiment, committed by
# mistake: session 22 committed six) fails the suite, naming it.
LAYOUT_TOP := rtl sim driver firmware compiler_backend fpga testbench scripts include models \
              Makefile README.md build .git .gitignore .ci
.PHONY: test-layout
test-layout:
	@extra=$$(if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then \
	    git ls-files | cut -d/ -f1 | sort -u; else ls -A; fi | \
	    grep -v -x -F $(foreach e,$(LAYOUT_TOP),-e $(e))); \
	  [ -z "$$extra" ] || { echo "test-layout: not part of the fixed top level:" $$extra >&2; exit 1; }; \
	  echo "test-layout: the top level holds only $(LAYOUT_TOP)"

include fpga/boards.mk
include rtl/rtl.mk
include rtl/link/link.mk
include driver/kernels/kernels.mk
include compiler_backend/compiler_backend.mk
include sim/sim.mk
include sim/simlink.mk
include driver/driver.mk
include driver/cli/cli.mk
include testbench/testbench.mk
include fpga/fpga.mk
include fpga/icebreaker/icebreaker.mk
include driver/install.mk
include scripts/fuzz/fuzz.mk
include scripts/regress/regress.mk

# `make test` installs what is missing, then runs every suite in order and stops at the first
# failure, each suite's time printed.  The suites of MOTE_BG_TESTS (single-threaded and long:
# the bitstream's place and route) run beside them from the start, their output kept in
# $(BUILD)/<suite>.log and shown, with their verdict, at the end.  Suites are also callable one
# by one (make test-rtl, ...).
test: deps
	@$(MAKE) --no-print-directory all
	@set -e; t0=$$(date +%s); \
	  for t in $(MOTE_BG_TESTS); do rm -f $(BUILD)/$$t.rc; \
	    { s=$$(date +%s); rc=0; $(MAKE) --no-print-directory $$t > $(BUILD)/$$t.log 2>&1 || rc=$$?; \
	      echo "   ($$t: $$(( $$(date +%s) - s )) s, beside the others)" >> $(BUILD)/$$t.log; echo $$rc > $(BUILD)/$$t.rc; } & \
	  done; \
	  for t in $(MOTE_TESTS); do echo "== $$t"; s=$$(date +%s); \
	    $(MAKE) --no-print-directory $$t || { wait; exit 1; }; echo "   ($$t: $$(( $$(date +%s) - s )) s)"; done; \
	  wait; for t in $(MOTE_BG_TESTS); do echo "== $$t"; cat $(BUILD)/$$t.log; \
	    [ "$$(cat $(BUILD)/$$t.rc 2>/dev/null)" = 0 ] || { echo "make test: $$t failed" >&2; exit 1; }; done; \
	  echo "make test: all suites passed in $$(( $$(date +%s) - t0 )) s ($(MOTE_TESTS) $(MOTE_BG_TESTS))"

clean:
	rm -rf $(BUILD)

# Figures, not pass/fail targets (a mismatch still fails): see scripts/bench.sh,
# scripts/bench_models.sh (whole MLPerf-Tiny-shaped ONNX networks on 8x8 and 16x16, and the
# board) and scripts/bench_tflite.sh (the MLPerf Tiny networks from TFLite, per kind of layer;
# with MLPERF_TINY=DIR also the reference .tflite models in DIR).  The first two also write
# build/bench/*.dat, which scripts/bench_plots.sh draws with gnuplot (make plots: only that).
.PHONY: bench plots
bench: all $(TFL_GEN)
	@sh scripts/bench.sh
	@$(MAKE) --no-print-directory bench-board-perf-build
	@echo; BOARD_PERF_MOTE=$(BOARD_PERF_BUILD)/bin/mote sh scripts/bench_models.sh
	@echo; MLPERF_TINY="$(MLPERF_TINY)" TFL_GEN=$(TFL_GEN) sh scripts/bench_tflite.sh
	@$(MAKE) --no-print-directory bench-sim
	@echo; sh scripts/bench_plots.sh

plots:
	@sh scripts/bench_plots.sh

# The main job: build, then run a GEMM and a ResNet-8-shaped convolution on the simulated
# 8x8 accelerator, each checked byte for byte against the C reference executor.
demo: deps
	@$(MAKE) --no-print-directory all
	@echo; echo "== the device"; $(BUILD)/bin/mote info --device sim:rows=8,cols=8
	@echo; echo "== a 256x256x256 int8 GEMM"; $(BUILD)/bin/mote gemm --m 256 --k 256 --n 256 --device sim:rows=8,cols=8
	@echo; echo "== a 3x3 convolution, 32x32x16 -> 16, stride 1, pad 1 (ResNet-8's first stage)"; \
	  $(BUILD)/bin/mote conv --h 32 --w 32 --cin 16 --cout 16 --kh 3 --kw 3 --pad 1 --device sim:rows=8,cols=8
	@echo; echo "== compile the Fashion-MNIST int8 CNN (models/fashion_mnist, QAT in PyTorch, QDQ ONNX)"
	@$(BUILD)/bin/mote compile models/fashion_mnist/model.onnx -o $(BUILD)/fashion_mnist.mote --target sim:rows=8,cols=8 --report
	@echo; echo "== one image, layer by layer"
	@$(BUILD)/bin/mote run $(BUILD)/fashion_mnist.mote --input image=models/fashion_mnist/one_image.npy --device sim:rows=8,cols=8
	@echo; echo "== 300 test images on the simulator, every tensor checked against the reference executor"
	@$(BUILD)/bin/mote eval $(BUILD)/fashion_mnist.mote --data models/fashion_mnist/test_images.npy \
	  --labels models/fashion_mnist/test_labels.npy --agree models/fashion_mnist/torch_int8_pred.npy \
	  --check models/fashion_mnist/model.onnx --device sim:rows=8,cols=8 > $(BUILD)/demo_fm_eval.txt; \
	  rc=$$?; cat $(BUILD)/demo_fm_eval.txt; exit $$rc
	@echo "   (PyTorch on the same images: $$(grep -o '"float_accuracy_subset": [0-9.]*' models/fashion_mnist/reference.json), \
	  $$(grep -o '"int8_accuracy_subset": [0-9.]*' models/fashion_mnist/reference.json))"
	@echo; echo "== the same CNN pruned 2:4 and fine-tuned (models/fashion_mnist_24): its 2:4 layers run sparse"
	@$(BUILD)/bin/mote compile models/fashion_mnist_24/model.onnx -o $(BUILD)/fashion_mnist_24.mote --target sim:rows=8,cols=8 --report
	@echo; $(BUILD)/bin/mote eval $(BUILD)/fashion_mnist_24.mote --data models/fashion_mnist/test_images.npy \
	  --labels models/fashion_mnist/test_labels.npy --agree models/fashion_mnist_24/torch_int8_pred.npy \
	  --check models/fashion_mnist_24/model.onnx --device sim:rows=8,cols=8 > $(BUILD)/demo_fm24_eval.txt; \
	  rc=$$?; cat $(BUILD)/demo_fm24_eval.txt; exit $$rc
	@echo "   (PyTorch on the same images: $$(grep -o '"int8_accuracy_subset": [0-9.]*' models/fashion_mnist_24/reference.json);" \
	  "dense $$(grep -o '"int8_accuracy_subset": [0-9.]*' models/fashion_mnist/reference.json))"
	@echo; echo "== dense and 2:4 on the 8x8 array, 300 test images"
	@awk 'FNR == 1 { f++; for (i = 1; i < NF; i++) if ($$i == "accuracy") acc[f] = $$(i + 1) } \
	  FNR == 2 { cyc[f] = $$1 } \
	  END { printf "   dense: top-1 %s, %d cycles per image\n   2:4:   top-1 %s, %d cycles per image (%.2fx fewer)\n", \
	        acc[1], cyc[1], acc[2], cyc[2], cyc[1] / cyc[2] }' $(BUILD)/demo_fm_eval.txt $(BUILD)/demo_fm24_eval.txt
	@echo; echo "== an MLPerf Tiny network from TFLite: DS-CNN keyword spotting (the reference model's layers and int8"
	@echo "   quantization, weights from a fixed seed, written by tfl_gen), rounding as TFLite does (STORE ROUND_TFL)"
	@$(MAKE) --no-print-directory $(TFL_GEN) && mkdir -p $(BUILD)/demo_tflite && $(TFL_GEN) $(BUILD)/demo_tflite > /dev/null
	@$(BUILD)/bin/mote compile $(BUILD)/demo_tflite/dscnn.tflite -o $(BUILD)/dscnn.mote --target sim:rows=8,cols=8 --report
	@echo; $(BUILD)/bin/mote run $(BUILD)/dscnn.mote --device sim:rows=8,cols=8 \
	  --input $$(awk '$$1 == "dscnn" { print $$2 }' $(BUILD)/demo_tflite/nets.txt)=$(BUILD)/demo_tflite/dscnn_input.npy \
	  --check $(BUILD)/demo_tflite/dscnn.tflite
