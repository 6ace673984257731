/* tflite_cases.c: one-operator TFLite models cut from a whole model, with the
 * same input for every executor, to compare operators one at a time.
 *
 *   tflite_cases MODEL.tflite OUTDIR SEED
 *
 * Runs the whole model in mote's reference executor (TFLite arithmetic) on
 * an input from a fixed generator (int8: uniform over all values; float32:
 * uniform in [0, 1)), then for every operator but RESHAPE (no arithmetic)
 * and PAD (cut together with the convolution that reads it: the importer
 * folds a PAD into that convolution and takes it nowhere else) writes into
 * OUTDIR:
 *   case_K.tflite       operator K alone, or PAD and operator K (its
 *                       constants, quantization and options copied; its
 *                       activation inputs as graph inputs)
 *   case_K_inJ.npy      input J as the whole model computed it (NHWC, TFLite's layout)
 *   case_K_tflite.npy   mote's output of the cut model, TFLite's two roundings
 *   case_K_once.npy     the same with one rounding (what the device computes)
 * and for a PAD and its convolution also
 *   case_K_armnn.tflite the convolution alone, reading the padded tensor
 *   case_K_armnn_in0.npy  that tensor: input 0 padded here with its zero point,
 *                       as TFLite's PAD defines (Arm NN 20.08's PAD pads int8
 *                       with 0 instead: see scripts/armnn_compare.py)
 * and one line per case to OUTDIR/cases.txt: "K OPNAME N_INPUTS", OPNAME
 * the operator's name (PAD+CONV_2D for a pair).  A third executor
 * (scripts/armnn_compare.py: Arm NN) reads the same files.  Exit status 1
 * when anything fails, also for an operator it does not know how to cut and
 * for a model with no case at all (a comparison of nothing is no pass).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote_compiler.h"
#include "npy.h"
#include "tfl_build.h"
#include "import/tflite_read.h"

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

static size_t numel(const struct tfl_tensor *t)
{
	size_t n = 1;
	for (uint32_t i = 0; i < t->rank; i++)
		n *= (size_t)t->shape[i];
	return n;
}

static size_t elem_size(const struct tfl_tensor *t) { return t->type == TFL_FLOAT32 ? 4 : 1; }

static int write_npy(const char *dir, const char *name, const struct tfl_tensor *t, const void *d)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t sh[TFL_MAX_RANK];
	for (uint32_t i = 0; i < t->rank; i++)
		sh[i] = (size_t)t->shape[i];
	FILE *f = fopen(path, "wb");
	int rc = !f || npy_fwrite(f, t->type == TFL_FLOAT32 ? NPY_F32 : NPY_I8, sh, (int)t->rank, d);
	if (f && fclose(f))
		rc = 1;
	if (rc)
		fprintf(stderr, "tflite_cases: cannot write %s\n", path);
	return rc;
}

/* Tensor t of the whole-model reference in TFLite's layout (NHWC) into out. */
static int fetch(const mote_cc_ref *r, const struct tfl_model *m, uint32_t t, uint8_t *out)
{
	const struct tfl_tensor *x = &m->tensors[t];
	const size_t es = elem_size(x);
	const void *p;
	size_t n;
	if (mote_cc_ref_tensor(r, x->name, &p, &n) || n != numel(x) * es) {
		fprintf(stderr, "tflite_cases: no tensor '%s' of %zu bytes\n", x->name, numel(x) * es);
		return 1;
	}
	int is_input = 0;
	for (uint32_t i = 0; i < m->n_inputs; i++)
		is_input |= (uint32_t)m->inputs[i] == t;
	if (x->rank != 4 || is_input) { /* graph inputs keep TFLite's layout */
		memcpy(out, p, n);
		return 0;
	}
	const uint8_t *d = p; /* NCHW in the IR */
	const size_t H = (size_t)x->shape[1], W = (size_t)x->shape[2], C = (size_t)x->shape[3];
	for (size_t c = 0; c < C; c++)
		for (size_t y = 0; y < H; y++)
			for (size_t w = 0; w < W; w++)
				memcpy(out + ((y * W + w) * C + c) * es, d + ((c * H + y) * W + w) * es, es);
	return 0;
}

/* The option fields of o in field-id order (tfl_build's tm_op). */
static void options(const struct tfl_op *o, struct tm_op *t)
{
	const struct tfl_options *p = &o->opt;
	t->opt_type = o->options_type;
	t->nopt = 0;
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
	case TFL_OPT_SOFTMAX:
		t->nopt = 1;
		memcpy(&t->opt[0], &p->beta, sizeof p->beta);
		break;
	case TFL_OPT_PAD:
	case TFL_OPT_QUANTIZE:
	case TFL_OPT_DEQUANTIZE: /* empty tables */
		break;
	default:
		t->opt_type = 0;
	}
}

/* One cut model being made: the whole model's tensors mapped to its own. */
struct cut {
	const struct tfl_model *m;
	const mote_cc_ref *r;
	struct tm_model t;
	int32_t *map;           /* [m->n_tensors]: the cut model's tensor, or -1 */
	uint8_t *in[2];         /* graph inputs' data (NHWC) */
	size_t in_n[2];
	uint32_t in_t[2];       /* their tensors in the whole model */
};

static int32_t cut_tensor(struct cut *c, uint32_t ti, int *bad)
{
	if (c->map[ti] >= 0)
		return c->map[ti];
	const struct tfl_tensor *x = &c->m->tensors[ti];
	const struct tfl_buffer *bf = &c->m->buffers[x->buffer];
	if (c->t.nt >= TM_MAX_TENSORS) {
		*bad = 1;
		return 0;
	}
	struct tm_tensor *y = &c->t.t[c->t.nt];
	*y = (struct tm_tensor){x->name, x->type, x->rank, {0}, 0, x->q.n, x->q.scale, x->q.zero_point, x->q.dim};
	memcpy(y->shape, x->shape, x->rank * sizeof *x->shape);
	if (bf->data && bf->size) {
		c->t.buf[c->t.nbuf] = bf->data;
		c->t.buf_len[c->t.nbuf] = bf->size;
		y->buffer = ++c->t.nbuf;
	} else if (c->t.nin < 2) { /* an activation: a graph input with what the whole model computed */
		uint32_t j = c->t.nin++;
		c->t.in[j] = (int32_t)c->t.nt;
		c->in_t[j] = ti;
		c->in_n[j] = numel(x) * elem_size(x);
		c->in[j] = malloc(c->in_n[j] ? c->in_n[j] : 1);
		*bad |= !c->in[j] || fetch(c->r, c->m, ti, c->in[j]);
	} else
		*bad = 1;
	return c->map[ti] = (int32_t)c->t.nt++;
}

/* Tensor ti of the whole model as a graph input of the cut model holding
 * data (n bytes, NHWC; taken over). */
static void cut_input(struct cut *c, uint32_t ti, uint8_t *data, size_t n)
{
	const struct tfl_tensor *x = &c->m->tensors[ti];
	struct tm_tensor *y = &c->t.t[c->t.nt];
	*y = (struct tm_tensor){x->name, x->type, x->rank, {0}, 0, x->q.n, x->q.scale, x->q.zero_point, x->q.dim};
	memcpy(y->shape, x->shape, x->rank * sizeof *x->shape);
	uint32_t j = c->t.nin++;
	c->t.in[j] = (int32_t)c->t.nt;
	c->in_t[j] = ti;
	c->in[j] = data;
	c->in_n[j] = n;
	c->map[ti] = (int32_t)c->t.nt++;
}

/* PAD's input x (NHWC int8, the shape of tensors[pad->in[0]]) padded as PAD
 * defines: with the zero point, by the 4x2 paddings constant. */
static uint8_t *pad_nhwc(const struct tfl_model *m, const struct tfl_op *pad, const uint8_t *x, size_t *n)
{
	const struct tfl_tensor *xt = &m->tensors[pad->in[0]], *yt = &m->tensors[pad->out[0]];
	const struct tfl_buffer *pb = &m->buffers[m->tensors[pad->in[1]].buffer];
	if (xt->rank != 4 || yt->rank != 4 || xt->type != TFL_INT8 || !pb->data || pb->size != 32 || !xt->q.n)
		return NULL;
	int32_t v[8];
	for (int i = 0; i < 8; i++)
		v[i] = (int32_t)((uint32_t)pb->data[4 * i] | (uint32_t)pb->data[4 * i + 1] << 8 |
				 (uint32_t)pb->data[4 * i + 2] << 16 | (uint32_t)pb->data[4 * i + 3] << 24);
	const size_t H = (size_t)xt->shape[1], W = (size_t)xt->shape[2], C = (size_t)xt->shape[3];
	const size_t PH = (size_t)yt->shape[1], PW = (size_t)yt->shape[2];
	if (v[0] || v[1] || v[6] || v[7] || PH != H + (size_t)v[2] + (size_t)v[3] || PW != W + (size_t)v[4] + (size_t)v[5] ||
	    (size_t)yt->shape[3] != C)
		return NULL;
	*n = PH * PW * C;
	uint8_t *y = malloc(*n);
	if (!y)
		return NULL;
	memset(y, (uint8_t)(int8_t)xt->q.zero_point[0], *n);
	for (size_t r = 0; r < H; r++)
		memcpy(y + ((r + (size_t)v[2]) * PW + (size_t)v[4]) * C, x + r * W * C, W * C);
	return y;
}

/* Add operator o of the whole model to the cut model. */
static void cut_op(struct cut *c, const struct tfl_op *o, int *bad)
{
	struct tm_op *t = &c->t.ops[c->t.nops++];
	memset(t, 0, sizeof *t);
	uint32_t code = 0;
	while (code < c->t.ncodes && c->t.codes[code] != o->builtin)
		code++;
	if (code == c->t.ncodes)
		c->t.codes[c->t.ncodes++] = o->builtin;
	t->code = code;
	t->nin = o->n_in < 4 ? o->n_in : 4;
	for (uint32_t j = 0; j < t->nin; j++)
		t->in[j] = o->in[j] < 0 ? -1 : cut_tensor(c, (uint32_t)o->in[j], bad);
	/* the output: computed inside the cut model */
	const struct tfl_tensor *yt = &c->m->tensors[o->out[0]];
	struct tm_tensor *y = &c->t.t[c->t.nt];
	*y = (struct tm_tensor){yt->name, yt->type, yt->rank, {0}, 0, yt->q.n, yt->q.scale, yt->q.zero_point, yt->q.dim};
	memcpy(y->shape, yt->shape, yt->rank * sizeof *yt->shape);
	c->map[o->out[0]] = (int32_t)c->t.nt;
	t->nout = 1;
	t->out[0] = (int32_t)c->t.nt++;
	options(o, t);
}

static int run_case(const uint8_t *bytes, size_t len, int once, const struct cut *c, const char *out_name, void *out,
		    size_t out_n)
{
	struct mote_cc_ref_opts o = {.round_once = once};
	mote_cc_ref *r = NULL;
	struct mote_cc_diag d = {{0}};
	int rc = mote_cc_ref_open_opts(bytes, len, &o, &r, &d);
	for (unsigned j = 0; !rc && j < c->t.nin; j++)
		rc = mote_cc_ref_set_input(r, c->m->tensors[c->in_t[j]].name, c->in[j], c->in_n[j], &d);
	if (!rc)
		rc = mote_cc_ref_run(r, &d);
	const void *p;
	size_t n;
	if (!rc && (mote_cc_ref_tensor(r, out_name, &p, &n) || n != out_n))
		rc = 1, snprintf(d.msg, sizeof d.msg, "no output '%s' of %zu bytes", out_name, out_n);
	if (!rc)
		memcpy(out, p, n);
	else
		fprintf(stderr, "tflite_cases: %s\n", d.msg);
	mote_cc_ref_close(r);
	return rc;
}

/* The operator of m that writes tensor t, or -1. */
static int32_t producer(const struct tfl_model *m, int32_t t)
{
	for (uint32_t i = 0; i < m->n_ops; i++)
		if (m->ops[i].n_out && m->ops[i].out[0] == t)
			return (int32_t)i;
	return -1;
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
		size_t n = numel(x), es = elem_size(x);
		uint8_t *v = malloc(n ? n * es : 1);
		for (size_t k = 0; v && k < n; k++) { /* splitmix64, as npy_random */
			uint64_t z = (s += 0x9e3779b97f4a7c15ull);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
			z ^= z >> 31;
			if (x->type == TFL_FLOAT32) {
				float f = (float)((double)(z >> 11) * 0x1p-53);
				memcpy(v + 4 * k, &f, 4);
			} else
				v[k] = (uint8_t)z;
		}
		if (!v || mote_cc_ref_set_input(r, x->name, v, n * es, &d)) {
			fprintf(stderr, "tflite_cases: %s\n", v ? d.msg : "out of memory");
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
	unsigned cases = 0;
	int32_t *map = malloc((m.n_tensors ? m.n_tensors : 1) * sizeof *map);
	bad |= !map;
	for (uint32_t k = 0; k < m.n_ops && !bad; k++) {
		const struct tfl_op *o = &m.ops[k];
		int32_t code = o->builtin;
		if (code == TFL_OP_RESHAPE || code == TFL_OP_PAD)
			continue;
		if (code != TFL_OP_CONV_2D && code != TFL_OP_DEPTHWISE_CONV_2D && code != TFL_OP_FULLY_CONNECTED &&
		    code != TFL_OP_ADD && code != TFL_OP_AVERAGE_POOL_2D && code != TFL_OP_MAX_POOL_2D &&
		    code != TFL_OP_SOFTMAX && code != TFL_OP_QUANTIZE && code != TFL_OP_DEQUANTIZE) {
			fprintf(stderr, "tflite_cases: operators[%u] (%s) is not cut into a case\n", k, tfl_op_name(code));
			bad = 1;
			break;
		}
		/* the cut model: a PAD before a convolution with it */
		struct cut c = {.m = &m, .r = r, .map = map};
		for (uint32_t i = 0; i < m.n_tensors; i++)
			map[i] = -1;
		int32_t p = (code == TFL_OP_CONV_2D || code == TFL_OP_DEPTHWISE_CONV_2D) ? producer(&m, o->in[0]) : -1;
		char opname[64];
		if (p >= 0 && m.ops[p].builtin == TFL_OP_PAD) {
			cut_op(&c, &m.ops[p], &bad);
			snprintf(opname, sizeof opname, "PAD+%s", tfl_op_name(code));
		} else
			snprintf(opname, sizeof opname, "%s", tfl_op_name(code));
		cut_op(&c, o, &bad);
		const struct tfl_tensor *yt = &m.tensors[o->out[0]];
		c.t.nout = 1;
		c.t.out[0] = map[o->out[0]];
		size_t cl = 0, on = numel(yt) * elem_size(yt);
		uint8_t *cb = bad ? NULL : tm_build(&c.t, &cl);
		uint8_t *y2 = malloc(on ? on : 1), *y1 = malloc(on ? on : 1);
		bad |= !cb || !y1 || !y2;
		if (!bad)
			bad |= run_case(cb, cl, 0, &c, yt->name, y2, on) || run_case(cb, cl, 1, &c, yt->name, y1, on);
		char name[64];
		snprintf(path, sizeof path, "%s/case_%u.tflite", argv[2], k);
		FILE *f = bad ? NULL : fopen(path, "wb");
		if (!bad)
			bad |= !f || fwrite(cb, 1, cl, f) != cl;
		if (f)
			bad |= fclose(f) != 0;
		for (uint32_t j = 0; j < c.t.nin && !bad; j++) {
			snprintf(name, sizeof name, "case_%u_in%u.npy", k, j);
			bad |= write_npy(argv[2], name, &m.tensors[c.in_t[j]], c.in[j]);
		}
		if (!bad && p >= 0 && m.ops[p].builtin == TFL_OP_PAD) {
			/* the convolution alone on the padded tensor, for Arm NN */
			struct cut a = {.m = &m, .r = r, .map = map};
			for (uint32_t i = 0; i < m.n_tensors; i++)
				map[i] = -1;
			size_t pn = 0;
			uint8_t *pd = pad_nhwc(&m, &m.ops[p], c.in[0], &pn);
			bad |= !pd;
			if (pd)
				cut_input(&a, (uint32_t)m.ops[p].out[0], pd, pn);
			cut_op(&a, o, &bad);
			a.t.nout = 1;
			a.t.out[0] = map[o->out[0]];
			size_t al = 0;
			uint8_t *ab = bad ? NULL : tm_build(&a.t, &al);
			snprintf(path, sizeof path, "%s/case_%u_armnn.tflite", argv[2], k);
			FILE *af = ab ? fopen(path, "wb") : NULL;
			bad |= !af || fwrite(ab, 1, al, af) != al;
			if (af)
				bad |= fclose(af) != 0;
			snprintf(name, sizeof name, "case_%u_armnn_in0.npy", k);
			bad |= bad || write_npy(argv[2], name, &m.tensors[m.ops[p].out[0]], pd);
			free(ab);
			for (int j = 0; j < 2; j++)
				free(a.in[j]);
		}
		snprintf(name, sizeof name, "case_%u_tflite.npy", k);
		bad |= bad || write_npy(argv[2], name, yt, y2);
		snprintf(name, sizeof name, "case_%u_once.npy", k);
		bad |= bad || write_npy(argv[2], name, yt, y1);
		if (!bad) {
			fprintf(list, "%u %s %u\n", k, opname, c.t.nin);
			cases++;
		} else
			fprintf(stderr, "tflite_cases: %s: operators[%u] (%s) failed\n", argv[1], k, opname);
		free(cb);
		free(y1);
		free(y2);
		for (int j = 0; j < 2; j++)
			free(c.in[j]);
	}
	if (fclose(list))
		bad = 1;
	if (!bad && !cases) {
		fprintf(stderr, "tflite_cases: %s: no operator to compare\n", argv[1]);
		bad = 1;
	}
	free(map);
	mote_cc_ref_close(r);
	tfl_model_free(&m);
	free(b);
	return bad;
}
