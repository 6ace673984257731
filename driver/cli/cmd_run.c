/* cmd_run.c: `mote run --onnx-test DIR`: a case of the ONNX backend test
 * suite (model.onnx and test_data_set_N/{input,output}_K.pb) run on the
 * device.  For every data set: the inputs are read (weights and
 * quantization parameters are inputs in these cases, so each data set is
 * lowered again), every node runs on the accelerator, the device's outputs
 * are compared byte for byte with the host reference executor and with the
 * expected outputs.  Exit status 1 on any difference.
 *
 * `mote run MODEL.mote` (a compiled model) is in cmd_model.c.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "op.h"
#include "opts.h"

static int exists(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f)
		fclose(f);
	return f != NULL;
}

static int load_inputs(mote_cc_nodes *g, const char *set)
{
	for (int k = 0;; k++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/input_%d.pb", set, k);
		size_t len;
		uint8_t *b = cli_slurp(path, &len);
		if (!b)
			return k ? 0 : cli_fail("%s: no input_0.pb", set);
		struct mote_cc_tensor t;
		struct mote_cc_diag d = {{0}};
		int rc = mote_cc_tensor_read_pb(b, len, &t, &d);
		free(b);
		if (rc)
			return cli_fail("%s: %s", path, d.msg);
		if (mote_cc_nodes_set_input(g, &t, k)) {
			cli_fail("%s: tensor '%s' (%s) matches no graph input", path, t.name, mote_cc_dtype_name(t.dtype));
			mote_cc_tensor_free(&t);
			return -1;
		}
		mote_cc_tensor_free(&t);
	}
}

struct totals {
	uint64_t cycles, macs;
	unsigned jobs;
};

/* What one job of a node needs to run on the device (mote_cc_job_fn). */
struct job_ctx {
	mote_device *dev;
	const struct mote_geometry *geo;
	struct totals *tot;
};

static int run_job(void *ctx, const struct mote_cc_conv *conv, const void *input, size_t in_bytes, void *output,
		   size_t out_bytes)
{
	struct job_ctx *c = ctx;
	struct op_args a = {.device = "", .seed = 0};
	struct op_data od;
	memset(&od, 0, sizeof od);
	od.conv = *conv;
	od.out_bytes = out_bytes;
	od.in_bytes = in_bytes;
	od.input = (void *)input;
	od.y_dev = output;
	struct op_run r;
	memset(&r, 0, sizeof r);
	if (op_execute(c->dev, c->geo, &a, &od, &r) < 0)
		return -1;
	c->tot->cycles += r.result.perf[MOTE_PERF_CYCLES];
	c->tot->macs += r.plan.macs_useful;
	c->tot->jobs++;
	return 0;
}

static int compare(const char *what, const uint8_t *got, const uint8_t *want, size_t n, size_t *diff)
{
	*diff = 0;
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			if (*diff < 4)
				fprintf(stderr, "mote: %s: byte %zu is %u, expected %u\n", what, i, got[i], want[i]);
			(*diff)++;
		}
	return *diff ? 1 : 0;
}

/* One data set: 0 all equal, 1 a difference, -1 an error.  Every node runs on
 * the device (g) and on the host reference executor (ref). */
static int run_set(mote_device *dev, const struct mote_geometry *geo, const uint8_t *model, size_t mlen,
		   const char *set /* < 4096 bytes */, struct totals *tot, size_t *diffs)
{
	mote_cc_nodes *g = NULL, *ref = NULL;
	struct mote_cc_diag d = {{0}};
	if (mote_cc_nodes_open(model, mlen, &g, &d))
		return cli_fail("model.onnx: %s", d.msg);
	if (mote_cc_nodes_open(model, mlen, &ref, &d)) {
		mote_cc_nodes_close(g);
		return cli_fail("model.onnx: %s", d.msg);
	}
	if (mote_cc_nodes_fold_qdq(g, &d) || mote_cc_nodes_fold_qdq(ref, &d)) {
		mote_cc_nodes_close(g);
		mote_cc_nodes_close(ref);
		return cli_fail("model.onnx: %s", d.msg);
	}
	int status = -1;
	struct job_ctx jc = {dev, geo, tot};
	if (load_inputs(g, set) || load_inputs(ref, set))
		goto out;
	struct mote_cc_diag rd = {{0}};
	if (mote_cc_nodes_run(g, run_job, &jc, &rd)) {
		if (rd.msg[0]) /* else the job said why */
			cli_fail("%s", rd.msg);
		goto out;
	}
	if (mote_cc_nodes_run_ref(ref, &d)) {
		cli_fail("reference executor: %s", d.msg);
		goto out;
	}
	status = 0;
	int checked = 0;
	for (int k = 0;; k++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/output_%d.pb", set, k);
		size_t len;
		uint8_t *b = cli_slurp(path, &len);
		if (!b)
			break;
		struct mote_cc_tensor t;
		int rc = mote_cc_tensor_read_pb(b, len, &t, &d);
		free(b);
		if (rc) {
			status = cli_fail("%s: %s", path, d.msg);
			break;
		}
		const void *got, *want;
		size_t gb, wb;
		if (mote_cc_nodes_output(g, &t, k, &got, &gb) || mote_cc_nodes_output(ref, &t, k, &want, &wb) ||
		    gb != t.nbytes || wb != t.nbytes) {
			status = cli_fail("%s: output '%s' has no device result of its size", path, t.name);
		} else {
			size_t dr, de;
			char what[4400];
			snprintf(what, sizeof what, "%s '%s' device vs reference", set, t.name);
			int a1 = compare(what, got, want, t.nbytes, &dr);
			snprintf(what, sizeof what, "%s '%s' device vs expected", set, t.name);
			int a2 = compare(what, got, t.data, t.nbytes, &de);
			*diffs += dr + de;
			if ((a1 || a2) && status == 0)
				status = 1;
		}
		mote_cc_tensor_free(&t);
		if (status < 0)
			break;
		if (k == 0 && status >= 0)
			checked = 1;
	}
	if (status >= 0 && !checked) /* a check that checked nothing must not pass */
		status = cli_fail("%s: no expected outputs (output_0.pb): nothing to compare the device with", set);
out:
	mote_cc_nodes_close(g);
	mote_cc_nodes_close(ref);
	return status;
}

int cmd_run(int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return cmd_model_run(argc - 1, argv + 1);
	if (argc < 2) {
		fprintf(stderr, "mote run: what to run is missing: a model (mote run MODEL.mote --input NAME=FILE.npy) or "
				"an ONNX test case (mote run --onnx-test DIR); see mote run --help\n");
		return 2;
	}
	const char *dir = NULL, *device = "sim";
	int json = 0;
	struct opt o[] = {
		{"onnx-test", OPT_STR, &dir, 1, 0, 0, "an ONNX backend test case: model.onnx and test_data_set_*", 0},
		{"device", OPT_STR, &device, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &json, 0, 0, 0, "print one JSON object", 0},
		{0},
	};
	for (int i = 1; i < argc; i++) /* both forms' options */
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cmd_model_run_usage(stdout);
			printf("\n");
			opts_table("run", "--onnx-test DIR [options]", o, stdout);
			opts_footer(stdout);
			return 0;
		}
	int rc = opts_parse("run", "--onnx-test DIR [options]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	char path[4096];
	snprintf(path, sizeof path, "%s/model.onnx", dir);
	size_t mlen;
	mote_device *dev = NULL;
	struct mote_device_info info = {0};
	struct totals tot = {0, 0, 0};
	size_t diffs = 0;
	int sets = 0, failed = 0, status = 0;
	uint8_t *model = cli_slurp(path, &mlen);
	mote_cc_nodes *check = NULL;
	struct mote_cc_diag diag = {{0}};
	if (!model)
		status = 3, cli_fail("cannot read %s: %s", path, strerror(errno));
	else if ((rc = mote_cc_nodes_open(model, mlen, &check, &diag)) != 0) /* before any device work */
		status = 3, cli_fail("%s: %s", path, diag.msg);
	else {
		mote_cc_nodes_close(check);
		if ((rc = cli_open("device", device, &dev)) < 0)
			status = 3;
		else
			mote_device_info(dev, &info);
	}
	for (; !status; sets++) {
		snprintf(path, sizeof path, "%s/test_data_set_%d", dir, sets);
		char probe[4200];
		snprintf(probe, sizeof probe, "%s/input_0.pb", path);
		if (!exists(probe))
			break;
		rc = run_set(dev, &info.geometry, model, mlen, path, &tot, &diffs);
		if (rc < 0) {
			status = 3;
			break;
		}
		failed += rc;
	}
	if (!status && sets == 0) {
		cli_fail("%s: no test_data_set_0", dir);
		status = 3;
	}
	if (!status)
		status = failed ? 1 : 0;
	const struct mote_geometry *g = &info.geometry;
	double util = tot.cycles ? (double)tot.macs / ((double)tot.cycles * g->rows * g->cols) : 0;
	if (json) { /* one complete object, also on errors */
		struct json j;
		json_begin(&j, stdout);
		json_str(&j, "case", dir);
		if (dev) {
			json_str(&j, "device", info.uri);
			json_uint(&j, "rows", g->rows);
			json_uint(&j, "cols", g->cols);
		}
		json_int(&j, "data_sets", sets);
		json_int(&j, "failed", failed);
		json_uint(&j, "differences", diffs);
		json_uint(&j, "jobs", tot.jobs);
		json_uint(&j, "cycles", tot.cycles);
		json_uint(&j, "macs", tot.macs);
		json_num(&j, "utilization", util);
		if (status == 3)
			json_str(&j, "error", cli_last_error());
		json_int(&j, "status", status);
		json_finish(&j);
	} else if (status != 3)
		printf("%s on %s: %d data set(s), %d failed, %zu differing bytes; %u job(s), %llu cycles, "
		       "utilization %.4f\n",
		       dir, info.uri, sets, failed, diffs, tot.jobs, (unsigned long long)tot.cycles, util);
	mote_close(dev);
	free(model);
	return status;
}
