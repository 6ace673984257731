/* onnx_rename.c: a test tool that gives an ONNX model hostile tensor names.
 *
 *   onnx_rename IN.onnx OUT.onnx [OLD=NEW ...] [+NAME[@TYPE] ...]
 *   onnx_rename IN.onnx -l        list each node's outputs, then the graph's
 *
 * OLD=NEW renames tensor OLD everywhere it appears (node inputs and outputs,
 * graph inputs and outputs, initializers, value_info); +NAME[@TYPE] makes
 * the existing tensor NAME a graph output as well (ONNX element TYPE,
 * default 2: uint8).  The CLI tests use it to make
 * models whose output names climb out of a directory, hold '/', are dots
 * only, or collide once made safe, and compile them with the real compiler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

static void rename_str(char **s, const char *old, const char *new)
{
	if (*s && !strcmp(*s, old)) {
		char *n = strdup(new);
		if (!n)
			exit(3);
		free(*s);
		*s = n;
	}
}

static void rename_all(Onnx__GraphProto *g, const char *old, const char *new)
{
	for (size_t i = 0; i < g->n_node; i++) {
		for (size_t k = 0; k < g->node[i]->n_input; k++)
			rename_str(&g->node[i]->input[k], old, new);
		for (size_t k = 0; k < g->node[i]->n_output; k++)
			rename_str(&g->node[i]->output[k], old, new);
	}
	for (size_t i = 0; i < g->n_input; i++)
		rename_str(&g->input[i]->name, old, new);
	for (size_t i = 0; i < g->n_output; i++)
		rename_str(&g->output[i]->name, old, new);
	for (size_t i = 0; i < g->n_value_info; i++)
		rename_str(&g->value_info[i]->name, old, new);
	for (size_t i = 0; i < g->n_initializer; i++)
		rename_str(&g->initializer[i]->name, old, new);
}

/* A graph output for NAME: a tensor of ONNX element type ELEM, shape left
 * to the compiler's inference. */
static void add_output(Onnx__GraphProto *g, const char *name, int elem)
{
	Onnx__ValueInfoProto **o = realloc(g->output, (g->n_output + 1) * sizeof *o);
	Onnx__ValueInfoProto *v = calloc(1, sizeof *v);
	Onnx__TypeProto *t = calloc(1, sizeof *t);
	Onnx__TypeProto__Tensor *tt = calloc(1, sizeof *tt);
	if (!o || !v || !t || !tt)
		exit(3);
	g->output = o;
	onnx__value_info_proto__init(v);
	onnx__type_proto__init(t);
	onnx__type_proto__tensor__init(tt);
	tt->has_elem_type = 1;
	tt->elem_type = elem;
	t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	t->tensor_type = tt;
	v->type = t;
	v->name = strdup(name);
	g->output[g->n_output++] = v;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: onnx_rename IN.onnx OUT.onnx [OLD=NEW ...] [+NAME[@TYPE] ...]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return perror(argv[1]), 3;
	static uint8_t buf[8 << 20];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
	if (!m || !m->graph)
		return fprintf(stderr, "%s: not an ONNX model\n", argv[1]), 3;
	if (!strcmp(argv[2], "-l")) {
		for (size_t i = 0; i < m->graph->n_node; i++)
			for (size_t k = 0; k < m->graph->node[i]->n_output; k++)
				printf("%s %s\n", m->graph->node[i]->op_type, m->graph->node[i]->output[k]);
		for (size_t i = 0; i < m->graph->n_output; i++)
			printf("output %s\n", m->graph->output[i]->name);
		onnx__model_proto__free_unpacked(m, NULL);
		return 0;
	}
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char *at = strrchr(argv[i], '@');
		if (argv[i][0] == '+') {
			if (at)
				*at = 0;
			add_output(m->graph, argv[i] + 1, at ? atoi(at + 1) : 2);
		}
		else if (eq) {
			*eq = 0;
			rename_all(m->graph, argv[i], eq + 1);
		} else
			return fprintf(stderr, "onnx_rename: '%s' is neither OLD=NEW nor +NAME\n", argv[i]), 2;
	}
	size_t n = onnx__model_proto__get_packed_size(m);
	uint8_t *out = malloc(n);
	if (!out)
		return 3;
	onnx__model_proto__pack(m, out);
	onnx__model_proto__free_unpacked(m, NULL);
	f = fopen(argv[2], "wb");
	int ok = f && fwrite(out, 1, n, f) == n;
	if (f && fclose(f))
		ok = 0;
	free(out);
	return ok ? 0 : (perror(argv[2]), 3);
}
