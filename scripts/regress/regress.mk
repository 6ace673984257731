# scripts/regress/regress.mk: the regression runner (included last by the top Makefile).
#
#   make regress [SIZE=quick|nightly|smoke] [ONLY='GLOB ...'] [SHARDS=N] [SLURM=1]
#        the regression of scripts/regress/regress.txt at that size (only the cases named
#        SUITE/NAME matching a glob), its programs built first; here, JOBS (the cores) cases
#        at a time; with SLURM=1 as a Slurm job array of SHARDS (4) tasks, waited for.  Then
#        $(REGRESS_DIR)/junit.xml and summary.txt (printed last); exit 1 if anything failed.
#   make regress-submit ...  the same, submitted to Slurm without waiting (SLURM implied)
#   make regress-merge       wait for the array last submitted (if any), then merge and report
#   make regress-rerun [SLURM=1]   run again only the shards that failed (or did not finish), merge
#   make test-regress        the runner against cases of known outcome, then a one-node Slurm
#                            cluster of its own: the same regression locally and as a job array,
#                            case for case; a shard cancelled on purpose; its rerun
# REGRESS_DIR (build/regress) holds the plan, results, logs and each case's files; REGRESS_CPUS,
# REGRESS_TIME and REGRESS_SBATCH_ARGS go to sbatch (scripts/regress/slurm.sh).

REGRESS      := $(BUILD)/tools/regress
# before each merge: the libfuzzer suite's campaign corpora merged, its figures per target
# (scripts/fuzz/libfuzzer.sh regress-merge; nothing when the run had no campaign)
REGRESS_FUZZ_MERGE = LF_DIR=$(LF_DIR) sh scripts/fuzz/libfuzzer.sh regress-merge $(REGRESS_DIR) || true
REGRESS_DESC ?= scripts/regress/regress.txt
REGRESS_DIR  ?= $(BUILD)/regress
SIZE         ?= quick
ONLY         ?=
SLURM        ?=
SHARDS       ?= $(if $(or $(filter 1,$(SLURM)),$(filter regress-submit,$(MAKECMDGOALS))),4,1)

$(REGRESS): scripts/regress/regress.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_C) -o $@ $<

.PHONY: regress regress-plan regress-submit regress-merge regress-rerun test-regress
regress-plan: $(REGRESS)
	@rm -rf $(REGRESS_DIR)
	@$(REGRESS) plan $(REGRESS_DESC) --size $(SIZE) --shards $(SHARDS) --only '$(ONLY)' --out $(REGRESS_DIR)
	@echo "regress: building $$($(REGRESS) needs $(REGRESS_DIR) | wc -l) programs the cases run"
	@$(MAKE) --no-print-directory -j$(JOBS) $$($(REGRESS) needs $(REGRESS_DIR)) > $(REGRESS_DIR)/build.log 2>&1 || \
	  { tail -30 $(REGRESS_DIR)/build.log; echo "regress: the build failed ($(REGRESS_DIR)/build.log)"; exit 1; }

regress: regress-plan
ifeq ($(SLURM),1)
	@sh scripts/regress/slurm.sh submit $(REGRESS_DIR)
	@sh scripts/regress/slurm.sh wait $(REGRESS_DIR)
else
	@$(REGRESS) run $(REGRESS_DIR) --all --jobs $(JOBS) || true
endif
	@$(REGRESS_FUZZ_MERGE)
	@$(REGRESS) merge $(REGRESS_DIR)

regress-submit: regress-plan
	@sh scripts/regress/slurm.sh submit $(REGRESS_DIR)
	@echo "regress: make regress-merge REGRESS_DIR=$(REGRESS_DIR) waits for it and reports"

regress-merge: $(REGRESS)
	@if [ -f $(REGRESS_DIR)/slurm/jobs ]; then sh scripts/regress/slurm.sh wait $(REGRESS_DIR); fi
	@$(REGRESS_FUZZ_MERGE)
	@$(REGRESS) merge $(REGRESS_DIR)

regress-rerun: $(REGRESS)
	@s=$$($(REGRESS) rerun-shards $(REGRESS_DIR)); \
	  if [ -z "$$s" ]; then echo "regress: no shard of $(REGRESS_DIR) to rerun"; exit 0; fi; \
	  echo "regress: rerunning shard(s) $$s of $(REGRESS_DIR)"; \
	  if [ "$(SLURM)" = 1 ]; then sh scripts/regress/slurm.sh submit $(REGRESS_DIR) $$s && \
	    sh scripts/regress/slurm.sh wait $(REGRESS_DIR) || exit 1; \
	  else $(REGRESS) run $(REGRESS_DIR) $$(echo $$s | sed 's/^/--shard /; s/,/ --shard /g') --jobs $(JOBS) || true; fi
	@$(REGRESS_FUZZ_MERGE)
	@$(REGRESS) merge $(REGRESS_DIR)

# make test-regress: scripts/regress/test_regress.sh (needs root: slurmd runs the jobs)
REGRESS_TEST_DIR := $(BUILD)/test-regress
test-regress: $(REGRESS)
	@sh scripts/regress/test_regress.sh $(REGRESS_TEST_DIR) "$(notdir $(MOTE_TB_BINS))"
MOTE_TESTS += test-regress
