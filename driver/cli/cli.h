/* cli.h: the mote command-line tool's subcommands. */
#ifndef MOTE_CLI_H
#define MOTE_CLI_H

#include <stddef.h>

#include "mote/mote.h"
#include "mote/mote_compiler.h"

/* Each returns the process exit status: 0 success, 1 a check failed
 * (mismatch), 2 usage error, 3 any other error. */
int cmd_info(int argc, char **argv);
int cmd_gemm(int argc, char **argv);
int cmd_conv(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_ops(int argc, char **argv);
int cmd_prune(int argc, char **argv);
/* `mote run MODEL.mote ...`: argv[0] is the model path */
int cmd_model_run(int argc, char **argv);
/* `mote info MODEL.mote`: the model's geometry, features, tensors and steps */
int cmd_info_model(int argc, char **argv);
/* FEATURES bits and their names, ended by {0, NULL} */
struct cli_feature {
	uint32_t mask;
	const char *name;
};
extern const struct cli_feature cli_features[];
struct json;
/* A loaded model's description as keys of an open JSON object (info and
 * compile --json): geometry, features, memory, inputs, outputs, steps.
 * file/len: the .mote bytes it was loaded from. */
void cli_model_json(struct json *j, const mote_model *m, const void *file, size_t len);
#define CMD_MODEL_RUN_SYNOPSIS "MODEL.mote --input NAME=FILE.npy ... [options]"
/* run MODEL.mote's options, for `mote run --help` (f: a FILE *) */
void cmd_model_run_usage(void *f);

/* compile's progress line on a terminal (compile_extra.c): begin, pass
 * compile_progress with the state as mote_cc_compile_opts.progress, end
 * (clears the line). */
struct compile_progress {
	double t0, stage_t0, next;
	const char *stage;
	int shown;
};
void compile_progress_begin(struct compile_progress *p);
void compile_progress(void *ctx, const char *stage, unsigned done, unsigned total);
void compile_progress_end(struct compile_progress *p);
/* compile --report on a simulator target: run the model once (inputs zero)
 * and print each device step's ideal and measured cycles. 0 or -1. */
int compile_report_measured(const char *target, const void *model, size_t len);

/* The busy and byte counters of a job or step into BUF of N bytes: "load L,
 * compute C, store S cycles; bytes read R, written W", each "-" where the
 * device does not keep it (kept: mote_job_result.perf_set).  Returns 1 when
 * one is missing, else 0. */
int cli_busy_text(char *buf, size_t n, uint32_t kept, const uint64_t *perf);

/* The whole file PATH (malloc'd, *LEN bytes), or NULL. */
unsigned char *cli_slurp(const char *path, size_t *len);

/* Print "mote: <message>" to stderr; returns -1 for `return cli_fail(...)`. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last message cli_fail printed (without "mote: "), for --json's "error". */
const char *cli_last_error(void);

/* The simulator of the array a .mote file was compiled for
 * ("sim:rows=R,cols=C", from its header) into BUF of N bytes; "sim" when
 * FILE is not one (its loader then says why). */
const char *cli_model_device(const void *file, size_t len, char *buf, size_t n);

/* mote_open(URI), and on failure "mote: cannot open WHAT 'URI': <why>"
 * (mote_open_diag's reason) printed; returns mote_open's code. */
int cli_open(const char *what, const char *uri, mote_device **dev);

/* Compare every non-input tensor of m that the device still holds with the
 * reference executor's; returns how many differ (the first few are named on
 * stderr when verbose, prefixed by `what`).  n (may be NULL) counts tensors
 * compared and those skipped because a later tensor reused their memory. */
struct cli_check_count {
	size_t compared, skipped;
};
size_t cli_check_tensors(mote_model *m, mote_cc_ref *ref, const char *what, int verbose,
			 struct cli_check_count *n);

#endif
