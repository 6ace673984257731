/* fuzz_seeds.h: the ONNX seed models of the fuzz targets
 * (compiler_backend/tests/fuzz_onnx.c, driver/tests/fuzz/fuzz_model.c).
 *
 * The committed models, and the int8 node cases of the ONNX backend suite
 * (Debian libonnx-testdata; MOTE_ONNX_TESTDATA overrides the directory)
 * twice: as shipped (their weights and quantization parameters are graph
 * inputs, so they do not compile) and with those inputs turned into
 * initializers holding test_data_set_0's values (so they do).  Paths are
 * relative to the repository root.  Needs the protobuf-c bindings of
 * onnx.proto (build/gen/onnx) and libprotobuf-c.
 */
#ifndef MOTE_FUZZ_SEEDS_H
#define MOTE_FUZZ_SEEDS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "mote/mote_geometry.h"
#include "mote/mote_hw.h"
#include "onnx.pb-c.h"

static const char *const fz_default_seeds[] = {
	"models/fashion_mnist/model.onnx",        "models/mlperf_shapes/resnet8.onnx",
	"models/mlperf_shapes/dscnn.onnx",        "models/mlperf_shapes/mobilenet_v1_025.onnx",
	"models/onnx_cases/qdq_conv_relu/model.onnx",
};
static const char *const fz_testdata_cases[] = {
	"test_qlinearconv",  "test_qlinearmatmul_2D",         "test_qlinearmatmul_3D",
	"test_matmulinteger", "test_convinteger_with_padding", "test_convinteger_without_padding",
};

/* The simulator's 8x8 geometry (what `mote info --device sim:rows=8,cols=8` reports). */
static inline struct mote_geometry fz_geom_8x8(void)
{
	struct mote_geometry g = {
		.rows = 8, .cols = 8, .mem_bytes = 16, .abuf_depth = 4096, .wbuf_depth = 1024, .bbuf_depth = 96,
		.acc_depth = 1024,
		.features = MOTE_FEATURES_INT32_OUT_MASK | MOTE_FEATURES_XOR_MSB_MASK | MOTE_FEATURES_DEPTHWISE_MASK,
	};
	return g;
}

/* Room for every seed path fz_load_onnx_seeds may name. */
#define FZ_SEED_PATHS (sizeof fz_default_seeds / sizeof fz_default_seeds[0] + \
		       2 * sizeof fz_testdata_cases / sizeof fz_testdata_cases[0] + FZ_MAX_FILES)

/* A backend-suite case as a compilable model: the graph inputs after the
 * first (weights, scales, zero points: inputs in these cases) become
 * initializers holding test_data_set_0's values.  0, or -1 (case skipped). */
static inline int fz_case_with_constants(const char *dir, struct fz_buf *out)
{
	char path[600];
	snprintf(path, sizeof path, "%s/model.onnx", dir);
	struct fz_buf b = {0};
	if (fz_slurp(path, &b))
		return -1;
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, b.len, b.d);
	int rc = m && m->graph ? 0 : -1;
	for (size_t k = 1; !rc && k < m->graph->n_input; k++) {
		snprintf(path, sizeof path, "%s/test_data_set_0/input_%zu.pb", dir, k);
		if (fz_slurp(path, &b)) {
			rc = -1;
			break;
		}
		Onnx__TensorProto *t = onnx__tensor_proto__unpack(NULL, b.len, b.d);
		Onnx__GraphProto *g = m->graph;
		Onnx__TensorProto **ini = t ? realloc(g->initializer, (g->n_initializer + 1) * sizeof *ini) : NULL;
		if (!ini) {
			if (t)
				onnx__tensor_proto__free_unpacked(t, NULL);
			rc = -1;
			break;
		}
		g->initializer = ini;
		g->initializer[g->n_initializer++] = t;
		const char *name = g->input[k]->name ? g->input[k]->name : "";
		if (!t->name || strcmp(t->name, name)) { /* bind by position, as the suite does */
			free(t->name);
			t->name = malloc(strlen(name) + 1);
			if (!t->name) {
				rc = -1;
				break;
			}
			strcpy(t->name, name);
		}
	}
	if (!rc) {
		size_t n = onnx__model_proto__get_packed_size(m);
		rc = fz_reserve(out, n + 1);
		if (!rc)
			out->len = onnx__model_proto__pack(m, out->d);
	}
	if (m)
		onnx__model_proto__free_unpacked(m, NULL);
	fz_buf_free(&b);
	return rc;
}

static inline int fz_load_onnx_seeds(struct fz_corpus *c, struct fz_rng *r, const struct fz_opts *o,
				     char paths[][512])
{
	const char *td = getenv("MOTE_ONNX_TESTDATA");
	if (!td)
		td = "/usr/share/libonnx-testdata/data/node";
	size_t np = 0;
	for (size_t i = 0; i < sizeof fz_default_seeds / sizeof fz_default_seeds[0]; i++)
		snprintf(paths[np++], 512, "%s", fz_default_seeds[i]);
	for (size_t i = 0; i < sizeof fz_testdata_cases / sizeof fz_testdata_cases[0]; i++)
		snprintf(paths[np++], 512, "%s/%s/model.onnx", td, fz_testdata_cases[i]);
	for (int i = 0; i < o->n_seeds; i++)
		snprintf(paths[np++], 512, "%s", o->seeds[i]);
	struct fz_buf b = {0};
	for (size_t i = 0; i < np; i++) {
		if (fz_slurp(paths[i], &b)) {
			fprintf(stderr, "fuzz_%s: seed %s skipped\n", o->target, paths[i]);
			continue;
		}
		if (fz_corpus_add(c, r, &b, paths[i]) < 0)
			return -1;
	}
	/* the suite's cases once more, with their weights and quantization as constants */
	for (size_t i = 0; i < sizeof fz_testdata_cases / sizeof fz_testdata_cases[0]; i++) {
		snprintf(paths[np], 512, "%s/%s", td, fz_testdata_cases[i]);
		if (fz_case_with_constants(paths[np], &b))
			continue;
		snprintf(paths[np], 512, "%s/%s (constants)", td, fz_testdata_cases[i]);
		if (fz_corpus_add(c, r, &b, paths[np++]) < 0)
			return -1;
	}
	fz_buf_free(&b);
	return c->n ? 0 : -1;
}

#endif /* MOTE_FUZZ_SEEDS_H */
