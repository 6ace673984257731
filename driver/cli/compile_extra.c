/* compile_extra.c: what `mote compile` shows beside the compiler's own
 * report: the progress line on a terminal, and (--report on a simulator
 * target) the cycles each device step measures when the model runs once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mote/mote.h"
#include "mote/mote_hw.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void compile_progress_begin(struct compile_progress *p)
{
	memset(p, 0, sizeof *p);
	p->t0 = now_s();
}

/* mote_cc_compile_opts.progress: "  compile: planning 5 of 12 steps, about 1 s
 * left" on stderr, at the first call of a stage and then at most five times a
 * second; the time left is the stage's, from its rate so far. */
void compile_progress(void *ctx, const char *stage, unsigned done, unsigned total)
{
	struct compile_progress *p = ctx;
	double t = now_s();
	if (stage != p->stage) {
		p->stage = stage;
		p->stage_t0 = t;
		p->next = 0;
	}
	if (t < p->next)
		return;
	p->next = t + 0.2;
	char left[40] = "";
	double el = t - p->stage_t0;
	if (done && el > 0)
		snprintf(left, sizeof left, ", about %.1f s left", el / done * (total - done));
	fprintf(stderr, "\r  compile: %s %u of %u steps (%.1f s)%s   ", stage, done + 1, total, t - p->t0, left);
	fflush(stderr);
	p->shown = 1;
}

void compile_progress_end(struct compile_progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r%72s\r", "");
	p->shown = 0;
}

/* Run the compiled model once on a fresh TARGET (a simulator) with every
 * input zero and print what each device step measured beside its ideal
 * cycles; the array's timing does not depend on the values.  0, or -1 with
 * the error reported. */
int compile_report_measured(const char *target, const void *model, size_t len)
{
	if (strncmp(target, "sim", 3) || (target[3] && target[3] != ':')) {
		printf("measured: not run (the target is not a simulator; mote run MODEL.mote measures on it)\n");
		return 0;
	}
	mote_device *dev = NULL;
	mote_model *m = NULL;
	struct mote_model_diag md = {{0}};
	int rc = cli_open("target", target, &dev);
	if (rc)
		return -1;
	if ((rc = mote_model_load(dev, model, len, &m, &md))) {
		mote_close(dev);
		return cli_fail("the model does not load on %s: %s %s", target, mote_strerror(rc), md.msg);
	}
	unsigned nt = mote_model_num_tensors(m);
	for (unsigned i = 0; !rc && i < nt; i++) {
		struct mote_tensor_info ti;
		if (mote_model_tensor(m, i, &ti) || !(ti.flags & MOTE_TENSOR_INPUT))
			continue;
		void *z = calloc(ti.bytes ? ti.bytes : 1, 1);
		rc = z ? mote_model_set_input(m, ti.name, z, ti.bytes) : MOTE_ERROR_NO_MEM;
		free(z);
	}
	if (!rc)
		rc = mote_model_run(m, MOTE_TIMEOUT_INFINITE);
	if (rc) {
		cli_fail("the model does not run on %s: %s", target, mote_strerror(rc));
	} else {
		uint64_t cyc = 0, ideal = 0, dense = 0, useful = 0;
		struct mote_device_info di;
		mote_device_info(dev, &di);
		uint64_t lanes = (uint64_t)di.geometry.rows * di.geometry.cols;
		/* a device that does not count dense-equivalent MACs (the board's
		 * three counters) has no effective utilization: "-", not 0 */
		const int have_dense = di.perf_set >> MOTE_PERF_MACS_DENSE & 1;
		printf("measured on %s (one run, inputs zero):\n", target);
		printf("  %3s %-24s %-10s %12s %12s %11s %9s\n", "#", "node", "layer", "ideal cycles", "cycles",
		       "utilization", "effective");
		for (unsigned s = 0; s < mote_model_num_steps(m); s++) {
			struct mote_step_info si;
			if (mote_model_step(m, s, &si) || !si.on_device)
				continue;
			uint64_t c = si.perf[MOTE_PERF_CYCLES];
			cyc += c, ideal += si.ideal_cycles;
			useful += si.perf[MOTE_PERF_MACS_USEFUL], dense += si.perf[MOTE_PERF_MACS_DENSE];
			/* utilization: the MAC slots holding a kept weight; effective: the
			 * dense-equivalent MACs (a 2:4 layer can pass 1) */
			char eff[16] = "-";
			if (have_dense)
				snprintf(eff, sizeof eff, "%.4f",
					 c ? (double)si.perf[MOTE_PERF_MACS_DENSE] / ((double)c * lanes) : 0);
			printf("  %3u %-24s %-10s %12llu %12llu %11.4f %9s\n", s, si.name, si.op,
			       (unsigned long long)si.ideal_cycles, (unsigned long long)c,
			       c ? (double)si.perf[MOTE_PERF_MACS_USEFUL] / ((double)c * lanes) : 0, eff);
		}
		char eff[16] = "-";
		if (have_dense)
			snprintf(eff, sizeof eff, "%.4f", cyc ? (double)dense / ((double)cyc * lanes) : 0);
		printf("  total: ideal cycles %llu, cycles %llu, utilization %.4f, effective %s%s\n",
		       (unsigned long long)ideal, (unsigned long long)cyc, cyc ? (double)useful / ((double)cyc * lanes) : 0,
		       eff, have_dense ? "" : " (the device does not count dense-equivalent MACs)");
	}
	mote_model_free(m);
	mote_close(dev);
	return rc ? -1 : 0;
}
