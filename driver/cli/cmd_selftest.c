/* cmd_selftest.c: `mote selftest`: the bring-up self-test of a device.
 *
 * Runs the checks of selftest.h in order, one line each ("PASS name: detail"
 * or "FAIL name: what was expected, what was found"), then a summary; stops
 * early only when a check says the rest would mean nothing (the device is not
 * a mote device or cannot be reached), and says so.  The same on every
 * backend.  Exit status: 0 every check passed, 1 a check failed (or the
 * device could not be opened: the identity check fails then), 2 usage.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "opts.h"
#include "selftest.h"

static const struct {
	const char *name;
	st_check_fn run;
} checks[] = {
	{"identity", st_identity}, {"registers", st_registers}, {"memory", st_memory},
	{"compute", st_compute},   {"errors", st_errors},       {"perf", st_perf},
};
#define N_CHECKS (sizeof checks / sizeof checks[0])

struct outcome {
	int ran;
	enum st_outcome out;
	double seconds; /* wall time of the check */
	char detail[ST_DETAIL];
};

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void print_json(const char *uri, const struct st_ctx *c, int opened, int quick, const struct outcome *o,
		       size_t stopped, unsigned failed)
{
	struct json j;
	json_begin(&j, stdout);
	json_str(&j, "device", uri);
	if (opened) {
		json_str(&j, "backend", c->info.backend);
		json_uint(&j, "rows", c->info.geometry.rows);
		json_uint(&j, "cols", c->info.geometry.cols);
		json_uint(&j, "device_memory", c->info.mem_size);
	}
	json_bool(&j, "quick", quick);
	json_key_array(&j, "checks");
	for (size_t i = 0; i < N_CHECKS; i++) {
		json_array_object(&j);
		json_str(&j, "name", checks[i].name);
		json_str(&j, "result", !o[i].ran ? "not run" : o[i].out == ST_PASS ? "pass" : "fail");
		if (o[i].ran) {
			json_str(&j, "detail", o[i].detail);
			json_num(&j, "seconds", o[i].seconds);
		}
		json_close(&j);
	}
	json_close(&j);
	unsigned ran = 0;
	for (size_t i = 0; i < N_CHECKS; i++)
		ran += (unsigned)o[i].ran;
	json_uint(&j, "passed", ran - failed);
	json_uint(&j, "failed", failed);
	json_uint(&j, "not_run", N_CHECKS - ran);
	if (stopped < N_CHECKS)
		json_str(&j, "stopped_after", checks[stopped].name);
	json_uint(&j, "status", failed ? 1 : 0);
	json_end(&j);
}

int cmd_selftest(int argc, char **argv)
{
	const char *uri = "sim";
	int json = 0, quick = 0;
	uint32_t seed = 1;
	struct opt opts[] = {
		{"device", OPT_STR, &uri, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &json, 0, 0, 0, "print one JSON object", 0},
		{"quick", OPT_FLAG, &quick, 0, 0, 0, "test the first 8 KiB of device memory, not all of it (for slow links)", 0},
		{"seed", OPT_U32, &seed, 0, 0, UINT32_MAX - 1, "seed of the compute check's operands (default 1)", 0},
		{0},
	};
	int rc = opts_parse("selftest", "[--device URI] [--json] [--quick] [--seed S]", opts, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	static struct outcome o[N_CHECKS]; /* ~3 KB: off the stack */
	memset(o, 0, sizeof o);
	struct st_ctx c = {.dev = NULL, .quick = quick, .seed = seed};
	size_t stopped = N_CHECKS;
	unsigned failed = 0;
	struct mote_open_diag why;
	rc = mote_open_diag(uri, NULL, &c.dev, &why);
	if (rc < 0) { /* the identity check fails: nothing else can run */
		o[0].ran = 1;
		o[0].out = ST_STOP;
		snprintf(o[0].detail, sizeof o[0].detail, "cannot open '%s': %s", uri, why.msg);
		stopped = 0;
		failed = 1;
	} else {
		mote_device_info(c.dev, &c.info);
		if (!json)
			printf("selftest of %s (%s backend)%s\n", uri, c.info.backend, quick ? ", quick" : "");
	}
	for (size_t i = 0; i < N_CHECKS && stopped == N_CHECKS; i++) {
		double t0 = now_seconds();
		o[i].ran = 1;
		o[i].out = checks[i].run(&c, o[i].detail, sizeof o[i].detail);
		o[i].seconds = now_seconds() - t0;
		fflush(stderr);
		if (o[i].out != ST_PASS)
			failed++;
		if (o[i].out == ST_STOP)
			stopped = i;
		if (!json) {
			printf("%s %s: %s\n", o[i].out == ST_PASS ? "PASS" : "FAIL", checks[i].name, o[i].detail);
			fflush(stdout);
		}
	}
	if (json) {
		print_json(uri, &c, c.dev != NULL, quick, o, stopped, failed);
	} else {
		if (stopped == 0 && !c.dev)
			printf("FAIL identity: %s\n", o[0].detail);
		if (stopped < N_CHECKS - 1) {
			printf("stopped after %s: %s; not run:", checks[stopped].name,
			       stopped == 0 ? "no mote device to test" : "the device stopped answering");
			for (size_t i = stopped + 1; i < N_CHECKS; i++)
				printf(" %s", checks[i].name);
			printf("\n");
		}
		unsigned ran = 0;
		for (size_t i = 0; i < N_CHECKS; i++)
			ran += (unsigned)o[i].ran;
		if (failed)
			printf("selftest: FAILED: %u of %u checks failed", failed, ran);
		else
			printf("selftest: all %u checks passed", ran);
		printf(" on %s%s\n", uri, ran < N_CHECKS ? " (the rest not run)" : "");
	}
	mote_close(c.dev);
	return failed ? 1 : 0;
}
