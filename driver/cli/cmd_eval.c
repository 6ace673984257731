/* cmd_eval.c: `mote eval MODEL.mote --data X.npy --labels Y.npy`: a batch
 * through a one-input model, image by image: top-1 accuracy of the first
 * output, device cycles per inference and utilization.  --check MODEL.onnx
 * runs the reference executor on every image too and compares every tensor
 * the model file names (device results and outputs) byte for byte; --agree
 * PRED.npy gives the fraction of images whose top-1 equals PRED (e.g.
 * another framework's int8 predictions).  Exit status 1 on any difference
 * from the reference.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mote/mote.h"
#include "mote/mote_compiler.h"
#include "mote/mote_kernels.h"
#include "json.h"
#include "npy.h"
#include "opts.h"
#include "outdir.h"

static long long label_at(const struct npy_array *a, size_t i)
{
	switch (a->dtype) {
	case NPY_I64: return ((const long long *)a->data)[i];
	case NPY_I32: return ((const int32_t *)a->data)[i];
	case NPY_U8: return ((const uint8_t *)a->data)[i];
	case NPY_I8: return ((const int8_t *)a->data)[i];
	case NPY_F32:
	case NPY_F64: return -1;
	}
	return -1;
}

/* A .npy of class indices for N images: one integer per image, shape (N,),
 * each in 0..CLASSES-1 (the model output's length).  Returns 0, or 3 after
 * saying what was expected and what was found. */
static int check_classes(const char *file, const char *what, const struct npy_array *a, size_t n, size_t classes)
{
	if (a->dtype == NPY_F32 || a->dtype == NPY_F64)
		return cli_fail("%s: %ss must be integers (class indices), not floats", file, what), 3;
	if (a->ndim != 1) {
		char shape[96] = "";
		for (int d = 0, k = 0; d < a->ndim && k < (int)sizeof shape - 24; d++)
			k += snprintf(shape + k, sizeof shape - (size_t)k, "%s%zu", d ? ", " : "", a->shape[d]);
		return cli_fail("%s: %ss of shape (%s); expected one class index per image, shape (%zu,)%s", file, what,
				shape, n, a->ndim == 2 ? " (one-hot rows are not class indices)" : ""),
		       3;
	}
	if (a->count != n)
		return cli_fail("%s: %zu %ss for %zu images; expected exactly one per image", file, a->count, what, n), 3;
	for (size_t i = 0; i < n; i++) {
		long long v = label_at(a, i);
		if (v < 0 || (unsigned long long)v >= classes)
			return cli_fail("%s: %s %lld at index %zu is outside the model's %zu classes (0..%zu)", file, what,
					v, i, classes, classes ? classes - 1 : 0),
			       3;
	}
	return 0;
}

/* argmax of an output tensor (float, int8, uint8 or int32) */
static size_t argmax(const void *buf, int32_t dtype, size_t n)
{
	size_t best = 0;
	double bv = 0;
	for (size_t i = 0; i < n; i++) {
		double v = dtype == 1 ? ((const float *)buf)[i] : dtype == 2 ? ((const uint8_t *)buf)[i]
			 : dtype == 3 ? ((const int8_t *)buf)[i] : ((const int32_t *)buf)[i];
		if (i == 0 || v > bv)
			bv = v, best = i;
	}
	return best;
}

struct tally {
	size_t images, correct, agree, agree_n, mismatched_images, mismatched_tensors;
	uint64_t cycles, macs;
};

/* --predictions: N int32 top-1 classes as .npy, replacing PATH whole or not at all. */
static int write_predictions(const char *path, const int32_t *top1, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = !f || npy_fwrite(f, NPY_I32, &n, 1, top1);
	if (f && fclose(f))
		rc = 1;
	if (!rc && cli_replace_file(path, buf, len, NULL))
		rc = 1;
	if (rc)
		cli_fail("--predictions %s: cannot write it: %s", path, strerror(errno));
	free(buf);
	return rc;
}

int cmd_eval(int argc, char **argv)
{
	const char *data = NULL, *labels = NULL, *check = NULL, *agree = NULL, *device = NULL, *preds = NULL;
	uint32_t limit = 0;
	int json = 0, quiet = 0;
	struct json jw;
	struct opt o[] = {
		{"data", OPT_STR, &data, 1, 0, 0, "inputs, .npy [N, ...] matching the model input", 0},
		{"labels", OPT_STR, &labels, 1, 0, 0, "labels, .npy [N] of integers", 0},
		{"check", OPT_STR, &check, 0, 0, 0,
		 "the source model (.onnx or .tflite): compare every tensor of every image with the reference executor", 0},
		{"agree", OPT_STR, &agree, 0, 0, 0, "reference top-1 predictions, .npy [N]", 0},
		{"limit", OPT_U32, &limit, 0, 1, 1u << 30, "evaluate at most N images", 0},
		{"predictions", OPT_STR, &preds, 0, 0, 0, "write each image's top-1 class there, .npy int32 [N]", 0},
		{"quiet", OPT_FLAG, &quiet, 0, 0, 0, "no progress line (there is none unless stderr is a terminal)", 0},
		{"device", OPT_STR, &device, 0, 0, 0, "device URI (default: the simulator of the array it was compiled for)", 0},
		{"json", OPT_FLAG, &json, 0, 0, 0, "print one JSON object", 0},
		{0},
	};
	static const char synopsis[] = "MODEL.mote --data X.npy --labels Y.npy [options]";
	if (argc < 2 || argv[1][0] == '-') {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		if (!help)
			fprintf(stderr, "mote eval: the model file is missing\n");
		opts_usage("eval", synopsis, o, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *path = argv[1];
	int rc = opts_parse("eval", synopsis, o, argc - 1, argv + 1);
	if (rc)
		return rc > 0 ? 0 : 2;
	struct npy_array X = {0}, Y = {0}, P = {0};
	char why[256];
	int status = 0;
	if (npy_read(data, &X, why, sizeof why) || npy_read(labels, &Y, why, sizeof why) ||
	    (agree && npy_read(agree, &P, why, sizeof why)))
		status = 3, cli_fail("%s", why);
	size_t mlen = 0, olen = 0;
	uint8_t *mf = status ? NULL : cli_slurp(path, &mlen), *onnx = NULL;
	if (!status && !mf)
		status = 3, cli_fail("cannot read %s: %s", path, strerror(errno));
	mote_cc_ref *ref = NULL;
	struct mote_cc_diag cd = {{0}};
	mote_device *dev = NULL;
	mote_model *m = NULL;
	struct mote_model_diag md = {{0}};
	char def[64];
	if (!status && !device) /* the array it was compiled for */
		device = cli_model_device(mf, mlen, def, sizeof def);
	if (!status && (rc = cli_open("device", device, &dev)))
		status = 3;
	if (!status && (rc = mote_model_load(dev, mf, mlen, &m, &md)))
		status = 3, cli_fail("%s: %s: %s", path, mote_strerror(rc), md.msg);
	/* the reference in the model's arithmetic (a TFLite model compiled for a
	 * device without STORE ROUND_TFL rounds once) */
	const struct mote_cc_ref_opts ref_opts = {
		.round_once = !(mote_model_features(m) & MOTE_FEATURES_ROUND_TFL_MASK)};
	if (!status && check && (!(onnx = cli_slurp(check, &olen)) || mote_cc_ref_open_opts(onnx, olen, &ref_opts, &ref, &cd)))
		status = 3, cli_fail("%s: %s", check, onnx ? cd.msg : "cannot read");
	/* the model's one input and first output */
	struct mote_tensor_info in = {0}, out = {0};
	int have_in = 0, have_out = 0;
	for (unsigned i = 0; !status && i < mote_model_num_tensors(m); i++) {
		struct mote_tensor_info t;
		mote_model_tensor(m, i, &t);
		if (t.flags & MOTE_TENSOR_INPUT)
			in = t, have_in++;
		if ((t.flags & MOTE_TENSOR_OUTPUT) && !have_out++)
			out = t;
	}
	size_t n = X.shape[0];
	if (!status && have_in != 1)
		status = 3, cli_fail("%s: eval needs a model with one input (it has %d)", path, have_in);
	if (!status && (X.ndim < 1 || n == 0 || X.count * X.elem != n * in.bytes || (in.dtype == 1) != (X.dtype == NPY_F32)))
		status = 3, cli_fail("%s: %zu elements of %zu bytes do not make [N] x input '%s' (%zu bytes, type %d)",
				     data, X.count, X.elem, in.name, in.bytes, in.dtype);
	size_t classes = have_out ? out.bytes / mote_kernel_dtype_size(out.dtype) : 0;
	if (!status)
		status = check_classes(labels, "label", &Y, n, classes);
	if (!status && agree)
		status = check_classes(agree, "prediction", &P, n, classes);
	if (limit && limit < n)
		n = limit;
	struct tally t = {0};
	void *obuf = status ? NULL : malloc(out.bytes ? out.bytes : 1);
	int32_t *top1 = status || !preds ? NULL : malloc(n * sizeof *top1);
	/* --json: the confusion matrix, [label][prediction] (labels are checked in range) */
	size_t *conf = status || !json || !classes ? NULL : calloc(classes * classes, sizeof *conf);
	if (!status && json && classes && !conf)
		status = 3, cli_fail("out of memory");
	if (!status && preds && !top1)
		status = 3, cli_fail("out of memory");
	/* the predictions file never replaces one of the inputs */
	const char *const ins[] = {path, data, labels, check, agree};
	for (size_t k = 0; !status && preds && k < sizeof ins / sizeof ins[0]; k++)
		if (ins[k] && cli_same_file(preds, ins[k]))
			status = 2, cli_fail("--predictions %s: it is %s, an input; name another file", preds, ins[k]);
	struct mote_device_info di = {0};
	if (dev)
		mote_device_info(dev, &di);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* a progress line on a terminal: images done, rate, time left (twice a second) */
	int progress = !quiet && !json && isatty(STDERR_FILENO);
	double next_note = 0.5;
	for (size_t i = 0; !status && i < n; i++) {
		if (progress && i) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
			if (el >= next_note) {
				next_note = el + 0.5;
				fprintf(stderr, "\r  image %zu of %zu, %.1f images/s, about %.0f s left   ", i, n, (double)i / el,
					el / (double)i * (double)(n - i));
			}
		}
		const uint8_t *x = (const uint8_t *)X.data + i * in.bytes;
		if ((rc = mote_model_set_input(m, in.name, x, in.bytes)) || (rc = mote_model_run(m, MOTE_TIMEOUT_INFINITE)) ||
		    (rc = mote_model_read(m, out.name, obuf, out.bytes))) {
			status = 3, cli_fail("image %zu: %s", i, mote_strerror(rc));
			break;
		}
		size_t top = argmax(obuf, out.dtype, out.bytes / mote_kernel_dtype_size(out.dtype));
		t.images++;
		if (top1)
			top1[i] = (int32_t)top;
		if (conf && top < classes)
			conf[(size_t)label_at(&Y, i) * classes + top]++;
		t.correct += (long long)top == label_at(&Y, i);
		if (agree)
			t.agree += (long long)top == label_at(&P, i), t.agree_n++;
		for (unsigned s = 0; s < mote_model_num_steps(m); s++) {
			struct mote_step_info si;
			mote_model_step(m, s, &si);
			if (si.on_device)
				t.cycles += si.perf[MOTE_PERF_CYCLES], t.macs += si.macs;
		}
		if (ref) {
			if (mote_cc_ref_set_input(ref, in.name, x, in.bytes, &cd) || mote_cc_ref_run(ref, &cd)) {
				status = 3, cli_fail("reference, image %zu: %s", i, cd.msg);
				break;
			}
			char what[48];
			snprintf(what, sizeof what, "image %zu", i);
			size_t bad = cli_check_tensors(m, ref, what, !json, NULL);
			t.mismatched_tensors += bad;
			t.mismatched_images += bad > 0;
		}
	}
	if (progress)
		fprintf(stderr, "\r%60s\r", ""); /* the progress line cleared */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!status && top1 && write_predictions(preds, top1, t.images))
		status = 3;
	if (!status) {
		double acc = (double)t.correct / (double)t.images, cpi = (double)t.cycles / (double)t.images;
		double util = t.cycles ? (double)t.macs / ((double)t.cycles * di.geometry.rows * di.geometry.cols) : 0;
		if (json) {
			json_begin(&jw, stdout);
			json_str(&jw, "model", path);
			json_str(&jw, "device", di.uri);
			json_uint(&jw, "images", t.images);
			json_num(&jw, "accuracy", acc);
			json_num(&jw, "cycles_per_inference", cpi);
			json_num(&jw, "utilization", util);
			json_num(&jw, "macs_per_inference", (double)t.macs / (double)t.images);
			json_num(&jw, "wall_seconds", wall);
			if (agree)
				json_num(&jw, "agreement", (double)t.agree / (double)t.agree_n);
			if (ref)
				json_uint(&jw, "reference_mismatches", t.mismatched_images);
			if (preds)
				json_str(&jw, "predictions", preds);
			json_key_array(&jw, "confusion"); /* rows: labels, columns: top-1 predictions */
			for (size_t a = 0; conf && a < classes; a++) {
				json_key_array(&jw, NULL);
				for (size_t b = 0; b < classes; b++)
					json_elem_uint(&jw, conf[a * classes + b]);
				json_close(&jw);
			}
			json_close(&jw);
			json_int(&jw, "status", t.mismatched_images ? 1 : 0);
			json_finish(&jw);
		} else {
			printf("%s on %s: %zu images, top-1 accuracy %.4f (%zu correct)\n", path, di.uri, t.images, acc,
			       t.correct);
			printf("  %.0f cycles per inference, utilization %.4f, %.0f MACs per inference, %.2f s wall\n", cpi,
			       util, (double)t.macs / (double)t.images, wall);
			if (agree)
				printf("  top-1 agrees with %s on %zu of %zu images (%.4f)\n", agree, t.agree, t.agree_n,
				       (double)t.agree / (double)t.agree_n);
			if (ref)
				printf("  reference executor: %zu of %zu images differ (%zu tensors)%s\n",
				       t.mismatched_images, t.images, t.mismatched_tensors,
				       t.mismatched_images ? "" : ": every tensor bit-exact");
		}
		if (preds && !json)
			printf("  predictions: %zu top-1 classes written to %s\n", t.images, preds);
		if (t.mismatched_images)
			status = 1;
	} else if (json) { /* one complete object also on errors */
		json_begin(&jw, stdout);
		json_str(&jw, "model", path);
		json_str(&jw, "error", cli_last_error());
		json_int(&jw, "status", status);
		json_finish(&jw);
	}
	free(obuf);
	free(top1);
	free(conf);
	mote_model_free(m);
	mote_close(dev);
	mote_cc_ref_close(ref);
	free(onnx);
	free(mf);
	free(X.data);
	free(Y.data);
	free(P.data);
	return status;
}
