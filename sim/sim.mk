# sim/sim.mk: the Verilated mote_top as a C library (build/lib/libmotesim.a).
#
# One Verilated model per geometry of $(SIM_GEOMETRIES) (prefix Vmote_top_<R>x<C>, bus width
# 2*R bytes) and per board of $(BOARDS) (fpga/boards.mk), the Verilator runtime compiled once (with our $stop/$fatal hooks: a library must
# not exit), and the C++ harness behind the plain C API of sim/mote_sim.h.  Everything is -fPIC
# so that libmote.so can carry it.
#
# The RTL comes from rtl/ once rtl/top/mote_top.v exists; before that, a development stand-in
# can be named with `make SIM_TOP_SRCS=path/to/mote_top.v`.  With neither, no sim rule exists.

VERILATOR  ?= verilator
SIM_VROOT  := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)

# Only committed RTL counts (other people edit rtl/ in the same tree); without git, the files.
SIM_GIT_RTL := $(shell git ls-files 'rtl/*.v' 2>/dev/null)
ifeq ($(shell git rev-parse --is-inside-work-tree 2>/dev/null),true)
SIM_RTL_ALL := $(SIM_GIT_RTL)
else
SIM_RTL_ALL := $(shell find rtl -name '*.v' 2>/dev/null | sort)
endif
ifneq ($(filter rtl/top/mote_top.v,$(SIM_RTL_ALL)),)
SIM_TOP_SRCS ?= $(filter-out rtl/formal/% rtl/link/%,$(SIM_RTL_ALL))
endif
SIM_LIB    := $(BUILD)/lib/libmotesim.a
SIM_HAVE   := $(if $(strip $(SIM_TOP_SRCS)),1,)

ifeq ($(SIM_HAVE),1)
SIM_COPT   ?= -O2
SIM_VFLAGS := --cc -O3 --x-assign fast --x-initial fast --trace-fst -Wno-fatal --top-module mote_top \
              -I$(BUILD)/rtl -CFLAGS "-fPIC -DVL_USER_FINISH -DVL_USER_STOP -DVL_USER_FATAL"
# Flags the Verilator-generated makefiles would use, for the runtime and our harness.
SIM_VCPP   := -I$(SIM_VROOT)/include -I$(SIM_VROOT)/include/vltstd -DVM_COVERAGE=0 -DVM_SC=0 \
              -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0 -faligned-new
SIM_CXXFLAGS := -std=gnu++14 -O2 -g -fPIC $(SIM_VCPP) -Isim -I$(BUILD)/include
SIM_CXXWARN  := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
SIM_RUNTIME  := verilated verilated_fst_c verilated_threads
SIM_RT_OBJS  := $(patsubst %,$(BUILD)/verilated/runtime/%.o,$(SIM_RUNTIME))
SIM_GEOM_X   := $(foreach g,$(SIM_GEOMETRIES),X($(word 1,$(subst x, ,$(g))),$(word 2,$(subst x, ,$(g)))))
SIM_OBJS     := $(BUILD)/sim/mote_sim.o $(BUILD)/sim/sim_vl_hooks.o $(SIM_RT_OBJS)
SIM_HDRS     := sim/mote_sim.h sim/sim_model.h sim/sim_model_impl.h

# $(1) = RxC, $(2) = R, $(3) = C
define SIM_GEOM_RULES
# A fresh directory each time: stale generated files must not leak into __ALL.cpp.
$(BUILD)/verilated/$(1)/Vmote_top_$(1).mk: $(SIM_TOP_SRCS) $(GEN_VH) sim/sim.mk
	rm -rf $$(@D) && mkdir -p $$(@D)
	$(VERILATOR) $(SIM_VFLAGS) --prefix Vmote_top_$(1) -GROWS=$(2) -GCOLS=$(3) \
	  -GMEM_BYTES=$$$$((2*$(2))) --Mdir $$(@D) $(SIM_TOP_SRCS) > $$(@D)/verilate.log 2>&1 \
	  || { cat $$(@D)/verilate.log; exit 1; }

$(BUILD)/verilated/$(1)/Vmote_top_$(1)__ALL.o: $(BUILD)/verilated/$(1)/Vmote_top_$(1).mk
	+$(MAKE) --no-print-directory -s -C $$(@D) -f Vmote_top_$(1).mk Vmote_top_$(1)__ALL.o \
	  CXX=$(CXX) OPT_FAST="$(SIM_COPT)" OPT_SLOW=-O2 OPT_GLOBAL=-O2 VM_PARALLEL_BUILDS=0

$(BUILD)/sim/geom_$(1).o: sim/sim_geometry.cpp $(SIM_HDRS) $(BUILD)/verilated/$(1)/Vmote_top_$(1).mk
	@mkdir -p $$(@D)
	$(CXX) $(SIM_CXXFLAGS) -I$(BUILD)/verilated/$(1) -DMOTE_SIM_PREFIX=Vmote_top_$(1) \
	  -DMOTE_SIM_FACTORY=mote_sim_make_$(1) -c $$< -o $$@

SIM_OBJS += $(BUILD)/verilated/$(1)/Vmote_top_$(1)__ALL.o $(BUILD)/sim/geom_$(1).o
endef
$(foreach g,$(SIM_GEOMETRIES),$(eval $(call SIM_GEOM_RULES,$(g),$(word 1,$(subst x, ,$(g))),$(word 2,$(subst x, ,$(g))))))

# Boards (fpga/boards.mk): mote_top with the board's parameters, and Yosys' iCE40 cell models
# for the cells the board build instantiates, so the simulator runs the very same instances;
# the simulated-only configurations ($(SIM_ONLY_BOARDS)) instantiate no vendor cell.
# $(1) = board name
SIM_BOARDS := $(BOARDS) $(SIM_ONLY_BOARDS)
sim_board_cells = $(if $(filter $(1),$(BOARDS)),$(ICE40_CELLS_SIM))
define SIM_BOARD_RULES
$(BUILD)/verilated/$(1)/Vmote_top_$(1).mk: $(SIM_TOP_SRCS) $(GEN_VH) sim/sim.mk fpga/boards.mk $(call sim_board_cells,$(1))
	rm -rf $$(@D) && mkdir -p $$(@D)
	$(VERILATOR) $(SIM_VFLAGS) --prefix Vmote_top_$(1) $(call board_gflags,$(1)) \
	  $(if $(call sim_board_cells,$(1)),$(ICE40_VFLAGS)) \
	  --Mdir $$(@D) $(SIM_TOP_SRCS) $(call sim_board_cells,$(1)) > $$(@D)/verilate.log 2>&1 \
	  || { cat $$(@D)/verilate.log; exit 1; }

$(BUILD)/verilated/$(1)/Vmote_top_$(1)__ALL.o: $(BUILD)/verilated/$(1)/Vmote_top_$(1).mk
	+$(MAKE) --no-print-directory -s -C $$(@D) -f Vmote_top_$(1).mk Vmote_top_$(1)__ALL.o \
	  CXX=$(CXX) OPT_FAST="$(SIM_COPT)" OPT_SLOW=-O2 OPT_GLOBAL=-O2 VM_PARALLEL_BUILDS=0

$(BUILD)/sim/board_$(1).o: sim/sim_geometry.cpp $(SIM_HDRS) $(BUILD)/verilated/$(1)/Vmote_top_$(1).mk
	@mkdir -p $$(@D)
	$(CXX) $(SIM_CXXFLAGS) -I$(BUILD)/verilated/$(1) -DMOTE_SIM_PREFIX=Vmote_top_$(1) \
	  -DMOTE_SIM_FACTORY=mote_sim_make_$(1) -c $$< -o $$@

SIM_OBJS += $(BUILD)/verilated/$(1)/Vmote_top_$(1)__ALL.o $(BUILD)/sim/board_$(1).o
endef
$(foreach b,$(SIM_BOARDS),$(eval $(call SIM_BOARD_RULES,$(b))))
# B(name, memory bytes, bus bytes, memory latency) per board, for mote_sim.cpp
SIM_BOARD_X := $(foreach b,$(SIM_BOARDS),B($(b),$(BOARD_$(b)_MEM),$(BOARD_$(b)_BUS),$(BOARD_$(b)_LAT)))

$(BUILD)/verilated/runtime/%.o: $(SIM_VROOT)/include/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(SIM_CXXFLAGS) -w -DVL_USER_FINISH -DVL_USER_STOP -DVL_USER_FATAL -c $< -o $@

# The geometry list is compiled in; Makefile is a prerequisite because SIM_GEOMETRIES lives there.
$(BUILD)/sim/mote_sim.o: sim/mote_sim.cpp $(SIM_HDRS) Makefile sim/sim.mk fpga/boards.mk
	@mkdir -p $(@D)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_CXXWARN) '-DMOTE_SIM_GEOMS=$(SIM_GEOM_X)' '-DMOTE_SIM_BOARDS=$(SIM_BOARD_X)' \
	  -c $< -o $@

$(BUILD)/sim/sim_vl_hooks.o: sim/sim_vl_hooks.cpp
	@mkdir -p $(@D)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_CXXWARN) -c $< -o $@

$(SIM_LIB): $(SIM_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# Libraries a program linking libmotesim.a also needs.
SIM_LDLIBS := -lstdc++ -lz -lpthread -latomic -lm
endif

.PHONY: sim
sim: $(if $(SIM_HAVE),$(SIM_LIB))

# Simulation speed (a benchmark: prints cycles per second idle and busy per geometry).
ifeq ($(SIM_HAVE),1)
$(BUILD)/bin/mote-simspeed: sim/mote_simspeed.c sim/mote_sim.h $(SIM_LIB) $(GEN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -Isim -o $@ $< $(SIM_LIB) $(SIM_LDLIBS)

# The yardstick: a bare 8x8 weight-stationary array (testbench/bench/bare_array.v), Verilated with
# the library's Verilator flags; mote's busy 8x8 speed is printed as a share of it, twice:
#   - both compiled at the library's C++ optimisation (SIM_COPT, -O2): what users run;
#   - both at Verilator's default (-Os, what a Verilated makefile uses when told nothing): how
#     issue 11 measured the ratio (0.365 at the close of the dense work, 0.228 when it was filed;
#     e72e82d reads 0.341 here). g++ -O2 vectorizes the bare array's 64 identical PEs (3.6x its
#     -Os speed) and speeds mote up 1.45x, so the -O2 ratio reads about 0.4 of the -Os one.
# $(1) = directory, $(2) = C++ optimisation, $(3) = harness (bare_array_speed, or bare_array_scale
# for any size), $(4) and $(5) = rows and columns
define BARE_ARRAY_RULE
$(1)/$(3): testbench/bench/bare_array.v testbench/bench/$(3).cpp sim/sim.mk
	@rm -rf $$(@D) && mkdir -p $$(@D)
	$$(VERILATOR) --cc --exe --build -j $$(JOBS) -O3 --x-assign fast --x-initial fast --trace-fst -Wno-fatal \
	  --top-module bare_array -GR=$(4) -GC=$(5) -CFLAGS "-DBARE_R=$(4) -DBARE_C=$(5)" -MAKEFLAGS "OPT_FAST=$(2)" \
	  --Mdir $$(@D) testbench/bench/bare_array.v $$(abspath testbench/bench/$(3).cpp) \
	  -o $(3) > $$(@D)/build.log 2>&1 || { cat $$(@D)/build.log; exit 1; }
endef
BARE_DIR    := $(BUILD)/bench/bare_8x8
BARE_OS_DIR := $(BUILD)/bench/bare_8x8_os
$(eval $(call BARE_ARRAY_RULE,$(BARE_DIR),$(SIM_COPT),bare_array_speed,8,8))
$(eval $(call BARE_ARRAY_RULE,$(BARE_OS_DIR),-Os,bare_array_speed,8,8))

# The bare array at growing sizes, at -Os: how fast the same straight-line code runs as it grows
# past the first-level instruction cache (rtl/README.md, "Simulation speed"); 8x8 is bench-sim's
# yardstick's size, built here with the scale harness.  A few minutes: five Verilator builds, then
# timed and profiled runs.
BARE_SCALE_SIZES := 8x8 8x16 8x32 16x32 16x64
$(foreach g,$(BARE_SCALE_SIZES),$(eval $(call BARE_ARRAY_RULE,$(BUILD)/bench/scale_$(g),-Os,bare_array_scale,$(word 1,$(subst x, ,$(g))),$(word 2,$(subst x, ,$(g))))))
.PHONY: bench-sim-scale
bench-sim-scale: $(foreach g,$(BARE_SCALE_SIZES),$(BUILD)/bench/scale_$(g)/bare_array_scale)
	@sh scripts/bench_bare_scale.sh $(BENCH_SIM_RUNS) $^

# mote's 8x8 model compiled at -Os: the library built again, 8x8 only, in a build tree of its own
BENCH_OS_BUILD := $(BUILD)/bench/os
.PHONY: bench-sim-os-build
bench-sim-os-build:
	@$(MAKE) --no-print-directory -s BUILD=$(BENCH_OS_BUILD) SIM_COPT=-Os SIM_GEOMETRIES=8x8 BOARDS= \
	  SIM_ONLY_BOARDS= $(BENCH_OS_BUILD)/bin/mote-simspeed

# The iCEBreaker's parameter set with every perf counter (fpga/boards.mk: icebreaker_perf) and the
# mote tool that reaches it, in a build tree of its own: scripts/bench_models.sh shows with it where
# the board's cycles go (make bench)
BOARD_PERF_BUILD := $(BUILD)/bench/board_perf
.PHONY: bench-board-perf-build
bench-board-perf-build:
	@$(MAKE) --no-print-directory -s BUILD=$(BOARD_PERF_BUILD) SIM_GEOMETRIES=4x4 BOARDS="icebreaker icebreaker_perf" \
	  SIM_ONLY_BOARDS= $(BOARD_PERF_BUILD)/bin/mote

# The ratio takes the best of BENCH_SIM_RUNS runs of each side, measured alternately.
BENCH_SIM_RUNS ?= 3
bench-sim: $(BUILD)/bin/mote-simspeed $(BARE_DIR)/bare_array_speed $(BARE_OS_DIR)/bare_array_speed bench-sim-os-build
	@for g in $(SIM_GEOMETRIES); do $< $$(echo $$g | tr x ' '); done
	@sh scripts/bench_sim_ratio.sh "library build ($(SIM_COPT))" $< $(BARE_DIR)/bare_array_speed $(BENCH_SIM_RUNS)
	@sh scripts/bench_sim_ratio.sh "Verilator's default (-Os, issue 11's measure)" $(BENCH_OS_BUILD)/bin/mote-simspeed \
	  $(BARE_OS_DIR)/bare_array_speed $(BENCH_SIM_RUNS)
else
bench-sim:
	@echo "bench-sim: no RTL top yet (rtl/top/mote_top.v)"
endif
.PHONY: bench-sim
