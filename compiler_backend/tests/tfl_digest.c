/* tfl_digest.c: the canonical text of scripts/tflite_dump.py's digest_text
 * (see tfl_digest.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_digest.h"

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = t->s ? vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap) : -1;
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = 2 * t->cap + (n > 0 ? (size_t)n : 0) + 256;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
}

static void put_ints(struct text *t, const int32_t *v, uint32_t n)
{
	put(t, "[");
	for (uint32_t i = 0; i < n; i++)
		put(t, "%s%d", i ? "," : "", v[i]);
	put(t, "]");
}

static uint32_t fbits(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	return h;
}

uint64_t tfl_digest(const struct tfl_model *m, size_t *len, char **text)
{
	struct text t = {0};
	put(&t, "v%u\n", m->version);
	for (uint32_t i = 0; i < m->n_codes; i++)
		put(&t, "c%d\n", m->codes[i]);
	put(&t, "b%u\n", m->n_buffers);
	for (uint32_t i = 0; i < m->n_tensors; i++) {
		const struct tfl_tensor *x = &m->tensors[i];
		put(&t, "t%u %s %d %u %zu ", i, x->name, x->type, x->buffer, m->buffers[x->buffer].size);
		put_ints(&t, x->shape, x->rank);
		put(&t, " q[");
		for (uint32_t k = 0; k < x->q.n; k++)
			put(&t, "%s%08x", k ? "," : "", fbits(x->q.scale[k]));
		put(&t, "] z[");
		for (uint32_t k = 0; k < x->q.n; k++)
			put(&t, "%s%lld", k ? "," : "", (long long)x->q.zero_point[k]);
		put(&t, "] d%d\n", x->q.n ? x->q.dim : 0);
	}
	for (uint32_t i = 0; i < m->n_ops; i++) {
		const struct tfl_op *o = &m->ops[i];
		const struct tfl_options *p = &o->opt;
		put(&t, "o%u %d ", i, o->builtin);
		put_ints(&t, o->in, o->n_in);
		put(&t, " ");
		put_ints(&t, o->out, o->n_out);
		put(&t, " %u pad%d sw%d sh%d dw%d dh%d act%d dm%d fw%d fh%d wf%d kd%d beta%08x ns", o->options_type, p->padding,
		    p->stride_w, p->stride_h, p->dilation_w, p->dilation_h, p->activation, p->depth_multiplier, p->filter_w,
		    p->filter_h, p->weights_format, p->keep_num_dims, fbits(p->beta));
		put_ints(&t, p->new_shape, p->n_new_shape);
		put(&t, "\n");
	}
	put(&t, "i");
	put_ints(&t, m->inputs, m->n_inputs);
	put(&t, " o");
	put_ints(&t, m->outputs, m->n_outputs);
	put(&t, "\n");
	uint64_t h = fnv1a64(t.s, t.len);
	*len = t.len;
	if (text)
		*text = t.s;
	else
		free(t.s);
	return h;
}
