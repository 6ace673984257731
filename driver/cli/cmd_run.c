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
#include "ref/ir_exec.h"
#include "json.h"
#include "lower/lower.h"
#include "import/onnx_import.h"
#include "import/qdq_fold.h"
#include "op.h"
#include "opts.h"

static int exists(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f)
		fclose(f);
	return f != NULL;
}

/* The tensor of a .pb file, by name, else the k-th graph input/output. */
static int32_t bind(const struct ir_graph *g, const struct ir_tensor *t, int output, int k)
{
	int32_t i = t->name && t->name[0] ? ir_find(g, t->name) : -1;
	if (i >= 0)
		return i;
	int seen = 0;
	for (size_t j = 0; j < g->nt; j++)
		if ((output ? g->t[j].is_output : g->t[j].is_input) && seen++ == k)
			return (int32_t)j;
	return -1;
}

static int load_inputs(struct ir_graph *g, const char *set)
{
	for (int k = 0;; k++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/input_%d.pb", set, k);
		size_t len;
		uint8_t *b = cli_slurp(path, &len);
		if (!b)
			return k ? 0 : cli_fail("%s: no input_0.pb", set);
		struct ir_tensor t;
		struct mote_cc_diag d = {{0}};
		int rc = mote_onnx_read_tensor(b, len, &t, &d);
		free(b);
		if (rc)
			return cli_fail("%s: %s", path, d.msg);
		int32_t i = bind(g, &t, 0, k);
		if (i < 0 || !g->t[i].is_input || g->t[i].dtype != t.dtype) {
			cli_fail("%s: tensor '%s' (%s) matches no graph input", path, t.name, ir_dtype_name(t.dtype));
			free(t.name);
			free(t.data);
			return -1;
		}
		struct ir_tensor *in = &g->t[i];
		free(in->data);
		in->data = t.data;
		in->nbytes = t.nbytes;
		in->rank = t.rank;
		memcpy(in->dims, t.dims, sizeof t.dims);
		free(t.name);
	}
}

struct totals {
	uint64_t cycles, macs;
	unsigned nodes, jobs;
};

/* Every node of g on the device; outputs land in dev_out[tensor] (allocated). */
static int run_nodes(mote_device *dev, const struct mote_geometry *geo, struct ir_graph *g, uint8_t **dev_out,
		     struct totals *tot)
{
	for (size_t ni = 0; ni < g->nn; ni++) {
		const struct ir_node *n = &g->n[ni];
		struct lowered L;
		struct mote_cc_diag d = {{0}};
		int rc = lower_node(g, n, &L, &d);
		if (rc)
			return cli_fail("%s", d.msg);
		struct ir_tensor *y = &g->t[L.y];
		size_t total = L.out_bytes * L.jobs;
		free(dev_out[L.y]);
		dev_out[L.y] = calloc(total ? total : 1, 1);
		struct op_args a = {.device = "", .seed = 0};
		struct op_data od;
		memset(&od, 0, sizeof od);
		od.conv = L.conv;
		od.out_bytes = L.out_bytes;
		od.in_bytes = L.in_bytes;
		od.input = malloc(L.in_bytes ? L.in_bytes : 1);
		od.y_dev = malloc(L.out_bytes ? L.out_bytes : 1);
		int bad = !dev_out[L.y] || !od.input || !od.y_dev;
		if (bad)
			cli_fail("out of memory");
		/* the device result goes to the output tensor too, so later nodes consume it */
		y->dtype = L.y_dtype;
		y->rank = L.y_rank;
		memcpy(y->dims, L.y_dims, sizeof L.y_dims);
		for (uint32_t j = 0; !bad && j < L.jobs; j++) {
			struct op_run r;
			memset(&r, 0, sizeof r);
			bad = lower_prepare_job(g, &L, j, (uint8_t *)od.input) != 0 || op_execute(dev, geo, &a, &od, &r) < 0;
			if (!bad) {
				lower_unpack_output(g, &L, j, od.y_dev, dev_out[L.y]);
				tot->cycles += r.result.perf[MOTE_PERF_CYCLES];
				tot->macs += r.plan.macs_useful;
				tot->jobs++;
			}
		}
		int32_t yi = L.y;
		free(od.input);
		free(od.y_dev);
		lower_free(&L);
		if (bad)
			return -1;
		free(y->data);
		y->data = malloc(total ? total : 1);
		if (!y->data)
			return cli_fail("out of memory");
		memcpy(y->data, dev_out[yi], total);
		y->nbytes = total;
		tot->nodes++;
	}
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

/* One data set: 0 all equal, 1 a difference, -1 an error. */
static int run_set(mote_device *dev, const struct mote_geometry *geo, const uint8_t *model, size_t mlen,
		   const char *set /* < 4096 bytes */, struct totals *tot, size_t *diffs)
{
	struct ir_graph g, ref;
	struct mote_cc_diag d = {{0}};
	if (mote_onnx_import(model, mlen, &g, &d))
		return cli_fail("model.onnx: %s", d.msg);
	if (mote_onnx_import(model, mlen, &ref, &d)) {
		ir_graph_free(&g);
		return cli_fail("model.onnx: %s", d.msg);
	}
	unsigned folded;
	if (ir_fold_qdq(&g, &folded, &d) || ir_fold_qdq(&ref, &folded, &d)) {
		ir_graph_free(&g);
		ir_graph_free(&ref);
		return cli_fail("model.onnx: %s", d.msg);
	}
	int status = -1;
	uint8_t **dev_out = calloc(g.nt ? g.nt : 1, sizeof *dev_out);
	if (!dev_out || load_inputs(&g, set) || load_inputs(&ref, set) || run_nodes(dev, geo, &g, dev_out, tot))
		goto out;
	if (ir_exec(&ref, &d)) {
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
		struct ir_tensor t;
		int rc = mote_onnx_read_tensor(b, len, &t, &d);
		free(b);
		if (rc) {
			status = cli_fail("%s: %s", path, d.msg);
			break;
		}
		int32_t i = bind(&g, &t, 1, k);
		if (i < 0 || !dev_out[i] || g.t[i].nbytes != t.nbytes || ref.t[i].nbytes != t.nbytes) {
			status = cli_fail("%s: output '%s' has no device result of its size", path, t.name);
		} else {
			size_t dr, de;
			char what[4400];
			snprintf(what, sizeof what, "%s '%s' device vs reference", set, t.name);
			int a1 = compare(what, g.t[i].data, ref.t[i].data, t.nbytes, &dr);
			snprintf(what, sizeof what, "%s '%s' device vs expected", set, t.name);
			int a2 = compare(what, g.t[i].data, t.data, t.nbytes, &de);
			*diffs += dr + de;
			if ((a1 || a2) && status == 0)
				status = 1;
		}
		free(t.name);
		free(t.data);
		if (status < 0)
			break;
		if (k == 0 && status >= 0)
			checked = 1;
	}
	if (status >= 0 && !checked) /* a check that checked nothing must not pass */
		status = cli_fail("%s: no expected outputs (output_0.pb): nothing to compare the device with", set);
out:
	for (size_t i = 0; dev_out && i < g.nt; i++)
		free(dev_out[i]);
	free(dev_out);
	ir_graph_free(&g);
	ir_graph_free(&ref);
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
	struct totals tot = {0, 0, 0, 0};
	size_t diffs = 0;
	int sets = 0, failed = 0, status = 0;
	uint8_t *model = cli_slurp(path, &mlen);
	struct ir_graph check;
	struct mote_cc_diag diag = {{0}};
	if (!model)
		status = 3, cli_fail("cannot read %s: %s", path, strerror(errno));
	else if ((rc = mote_onnx_import(model, mlen, &check, &diag)) != 0) /* before any device work */
		status = 3, cli_fail("%s: %s", path, diag.msg);
	else {
		ir_graph_free(&check);
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
