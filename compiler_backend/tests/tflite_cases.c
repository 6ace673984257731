/* tflite_cases.c: one-operator TFLite models cut from a real model, with the
 * same input for every executor, to compare operators one at a time.
 *
 *   tflite_cases MODEL.tflite OUTDIR SEED
 *
 * Runs the whole model in mote's reference executor (TFLite arithmetic) on
 * an int8 input from a fixed generator, then for each CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D and MAX_POOL_2D
 * writes into OUTDIR:
 *   case_K.tflite       that operator alone (its constants, quantization and
 *                       options copied; its activation inputs as graph inputs)
 *   case_K_inJ.npy      input J as the whole model computed it (NHWC, TFLite's layout)
 *   case_K_tflite.npy   mote's output of the one-operator model, TFLite's two roundings
 *   case_K_once.npy     the same with one rounding (what the device computes)
 * and one line per case to OUTDIR/cases.txt: "K OPNAME N_INPUTS".  A third
 * executor (scripts/armnn_compare.py: Arm NN) reads the same files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_compiler.h"
#include "npy.h"
#include "tfl_build.h"
#include "tflite_read.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int write_npy(const char *dir, const char *name, const int8_t *d, const int32_t *shape, uint32_t rank)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t sh[8];
	for (uint32_t i = 0; i < rank; i++)
		sh[i] = (size_t)shape[i];
	FILE *f = fopen(path, "wb");
	int rc = !f || npy_fwrite(f, NPY_I8, sh, (int)rank, d);
	if (f && fclose(f))
		rc = 1;
	if (rc)
		fprintf(stderr, "tflite_cases: cannot write %s\n", path);
	return rc;
}

static size_t numel(const struct tfl_tensor *t)
{
	size_t n = 1;
	for (uint32_t i = 0; i < t->rank; i++)
		n *= (size_t)t->shape[i];
	return n;
}

/* Tensor t of the whole-model reference in TFLite's layout (NHWC) into out. */
static int fetch(const mote_cc_ref *r, const struct tfl_model *m, uint32_t t, int8_t *out)
{
	const struct tfl_tensor *x = &m->tensors[t];
	const void *p;
	size_t n;
	if (mote_cc_ref_tensor(r, x->name, &p, &n) || n != numel(x)) {
		fprintf(stderr, "tflite_cases: no tensor '%s' of %zu bytes\n", x->name, numel(x));
		return 1;
	}
	int is_input = 0;
	for (uint32_t i = 0; i < m->n_inputs; i++)
		is_input |= (uint32_t)m->inputs[i] == t;
	if (x->rank != 4 || is_input) { /* graph inputs keep TFLite's layout */
		memcpy(out, p, n);
		return 0;
	}
	const int8_t *d = p; /* NCHW in the IR */
	int H = x->shape[1], W = x->shape[2], C = x->shape[3];
	for (int c = 0; c < C; c++)
		for (int y = 0; y < H; y++)
			for (int w = 0; w < W; w++)
				out[((size_t)y * W + w) * C + c] = d[((size_t)c * H + y) * W + w];
	return 0;
}

/* The option fields of o in field-id order (tfl_build's tm_op). */
static void options(const struct tfl_op *o, struct tm_op *t)
{
	const struct tfl_options *p = &o->opt;
	t->opt_type = o->options_type;
	switch (o->options_type) {
	case TFL_OPT_CONV2D:
		t->nopt = 6;
		memcpy(t->opt, (int32_t[]){p->padding, p->stride_w, p->stride_h, p->activation, p->dilation_w, p->dilation_h},
		       6 * sizeof(int32_t));
		break;
	case TFL_OPT_DEPTHWISE_CONV2D:
		t->nopt = 7;
		memcpy(t->opt, (int32_t[]){p->padding, p->stride_w, p->stride_h, p->depth_multiplier, p->activation,
					   p->dilation_w, p->dilation_h},
		       7 * sizeof(int32_t));
		break;
	case TFL_OPT_POOL2D:
		t->nopt = 6;
		memcpy(t->opt, (int32_t[]){p->padding, p->stride_w, p->stride_h, p->filter_w, p->filter_h, p->activation},
		       6 * sizeof(int32_t));
		break;
	case TFL_OPT_FULLY_CONNECTED:
		t->nopt = 3;
		memcpy(t->opt, (int32_t[]){p->activation, p->weights_format, p->keep_num_dims}, 3 * sizeof(int32_t));
		break;
	case TFL_OPT_ADD:
		t->nopt = 1;
		t->opt[0] = p->activation;
		break;
	default:
		t->opt_type = 0;
	}
}

static int run_case(const uint8_t *bytes, size_t len, int once, const char *const *in_names, int8_t *const *in,
		    const size_t *in_n, unsigned n_in, const char *out_name, int8_t *out, size_t out_n)
{
	struct mote_cc_ref_opts o = {.round_once = once};
	mote_cc_ref *r = NULL;
	struct mote_cc_diag d = {{0}};
	int rc = mote_cc_ref_open_opts(bytes, len, &o, &r, &d);
	for (unsigned j = 0; !rc && j < n_in; j++)
		rc = mote_cc_ref_set_input(r, in_names[j], in[j], in_n[j], &d);
	if (!rc)
		rc = mote_cc_ref_run(r, &d);
	const void *p;
	size_t n;
	if (!rc && (mote_cc_ref_tensor(r, out_name, &p, &n) || n != out_n))
		rc = 1, snprintf(d.msg, sizeof d.msg, "no output '%s'", out_name);
	if (!rc)
		memcpy(out, p, n);
	else
		fprintf(stderr, "tflite_cases: %s\n", d.msg);
	mote_cc_ref_close(r);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: tflite_cases MODEL.tflite OUTDIR SEED\n");
		return 2;
	}
	size_t len;
	uint8_t *b = slurp(argv[1], &len);
	struct tfl_model m;
	struct mote_cc_diag d = {{0}};
	if (!b || tfl_read(b, len, &m, &d)) {
		fprintf(stderr, "tflite_cases: %s: %s\n", argv[1], b ? d.msg : "cannot read");
		return 1;
	}
	mote_cc_ref *r;
	if (mote_cc_ref_open(b, len, &r, &d)) {
		fprintf(stderr, "tflite_cases: %s\n", d.msg);
		return 1;
	}
	uint64_t s = strtoull(argv[3], NULL, 10);
	for (uint32_t i = 0; i < m.n_inputs; i++) {
		const struct tfl_tensor *x = &m.tensors[m.inputs[i]];
		size_t n = numel(x);
		int8_t *v = malloc(n);
		for (size_t k = 0; k < n; k++) { /* splitmix64, as npy_random */
			uint64_t z = (s += 0x9e3779b97f4a7c15ull);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
			v[k] = (int8_t)(z ^ (z >> 31));
		}
		if (mote_cc_ref_set_input(r, x->name, v, n, &d)) {
			fprintf(stderr, "tflite_cases: %s\n", d.msg);
			return 1;
		}
		free(v);
	}
	if (mote_cc_ref_run(r, &d)) {
		fprintf(stderr, "tflite_cases: %s\n", d.msg);
		return 1;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/cases.txt", argv[2]);
	FILE *list = fopen(path, "w");
	if (!list) {
		fprintf(stderr, "tflite_cases: cannot write %s\n", path);
		return 1;
	}
	int bad = 0;
	for (uint32_t k = 0; k < m.n_ops && !bad; k++) {
		const struct tfl_op *o = &m.ops[k];
		int32_t code = o->builtin;
		if (code != TFL_OP_CONV_2D && code != TFL_OP_DEPTHWISE_CONV_2D && code != TFL_OP_FULLY_CONNECTED &&
		    code != TFL_OP_ADD && code != TFL_OP_AVERAGE_POOL_2D && code != TFL_OP_MAX_POOL_2D)
			continue;
		/* the one-operator model: its tensors in order, activations as graph inputs */
		struct tm_model t;
		memset(&t, 0, sizeof t);
		t.ncodes = 1;
		t.codes[0] = code;
		int8_t *in[4] = {0};
		size_t in_n[4];
		const char *in_names[4];
		int32_t map[4];
		for (uint32_t j = 0; j < o->n_in && j < 3; j++) {
			if (o->in[j] < 0) {
				map[j] = -1;
				continue;
			}
			const struct tfl_tensor *x = &m.tensors[o->in[j]];
			const struct tfl_buffer *bf = &m.buffers[x->buffer];
			struct tm_tensor *y = &t.t[t.nt];
			*y = (struct tm_tensor){x->name, x->type, x->rank, {0}, 0, x->q.n, x->q.scale, x->q.zero_point,
						x->q.dim};
			memcpy(y->shape, x->shape, x->rank * sizeof *x->shape);
			if (bf->data && bf->size) {
				t.buf[t.nbuf] = bf->data;
				t.buf_len[t.nbuf] = bf->size;
				y->buffer = ++t.nbuf;
			} else if (t.nin < 2) {
				t.in[t.nin] = (int32_t)t.nt;
				in_n[t.nin] = numel(x);
				in_names[t.nin] = x->name;
				in[t.nin] = malloc(in_n[t.nin]);
				bad |= fetch(r, &m, (uint32_t)o->in[j], in[t.nin]);
				t.nin++;
			}
			map[j] = (int32_t)t.nt++;
		}
		const struct tfl_tensor *yt = &m.tensors[o->out[0]];
		t.t[t.nt] = (struct tm_tensor){yt->name, yt->type, yt->rank, {0}, 0, yt->q.n, yt->q.scale,
					       yt->q.zero_point, yt->q.dim};
		memcpy(t.t[t.nt].shape, yt->shape, yt->rank * sizeof *yt->shape);
		t.out[0] = (int32_t)t.nt++;
		t.nout = 1;
		t.nops = 1;
		t.ops[0] = (struct tm_op){.code = 0, .nin = o->n_in < 3 ? o->n_in : 3, .nout = 1, .out = {t.out[0]}};
		for (uint32_t j = 0; j < t.ops[0].nin; j++)
			t.ops[0].in[j] = map[j];
		options(o, &t.ops[0]);
		size_t cl;
		uint8_t *cb = tm_build(&t, &cl);
		size_t on = numel(yt);
		int8_t *y2 = malloc(on), *y1 = malloc(on);
		bad |= !cb || !y1 || !y2;
		if (!bad)
			bad |= run_case(cb, cl, 0, in_names, in, in_n, t.nin, yt->name, y2, on) ||
			       run_case(cb, cl, 1, in_names, in, in_n, t.nin, yt->name, y1, on);
		char name[64];
		snprintf(path, sizeof path, "%s/case_%u.tflite", argv[2], k);
		FILE *f = fopen(path, "wb");
		bad |= !f || fwrite(cb, 1, cl, f) != cl;
		if (f)
			bad |= fclose(f) != 0;
		for (uint32_t j = 0; j < t.nin && !bad; j++) {
			snprintf(name, sizeof name, "case_%u_in%u.npy", k, j);
			const struct tfl_tensor *x = &m.tensors[o->in[j]];
			bad |= write_npy(argv[2], name, in[j], x->shape, x->rank);
		}
		snprintf(name, sizeof name, "case_%u_tflite.npy", k);
		bad |= bad || write_npy(argv[2], name, y2, yt->shape, yt->rank);
		snprintf(name, sizeof name, "case_%u_once.npy", k);
		bad |= bad || write_npy(argv[2], name, y1, yt->shape, yt->rank);
		fprintf(list, "%u %s %u\n", k, tfl_op_name(code), t.nin);
		free(cb);
		free(y1);
		free(y2);
		for (int j = 0; j < 4; j++)
			free(in[j]);
	}
	if (fclose(list))
		bad = 1;
	mote_cc_ref_close(r);
	tfl_model_free(&m);
	free(b);
	return bad;
}
