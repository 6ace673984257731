/* tfl_gen.c: the MLPerf-Tiny-shaped TFLite networks of tfl_nets.c as files,
 * for the tests that run them through the CLI and Arm NN.
 *
 *   tfl_gen OUTDIR [SEED]   writes OUTDIR/NAME.tflite and OUTDIR/NAME_input.npy
 *                           (a sample input from SEED, default 7) for every
 *                           network of tfl_nets.h, and OUTDIR/nets.txt with one
 *                           line "NAME INPUT_NAME device|reference" per network
 *                           (reference: the compiler refuses it, see tfl_nets.h)
 *   tfl_gen --digest FILE   the C reader's digest of FILE (tfl_digest.h), printed
 *                           as scripts/tflite_dump.py FILE --digest prints its own
 * Exit status 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "tfl_digest.h"
#include "tfl_nets.h"
#include "import/tflite_read.h"

static int write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(d, 1, n, f) != n;
	if (f && fclose(f))
		bad = 1;
	if (bad)
		fprintf(stderr, "tfl_gen: cannot write %s: %s\n", path, strerror(errno));
	return bad;
}

static int digest_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "tfl_gen: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t cap = 1 << 16, len = 0, got;
	uint8_t *b = malloc(cap);
	while (b && (got = fread(b + len, 1, cap - len, f)) > 0)
		if ((len += got) == cap)
			b = realloc(b, cap *= 2);
	fclose(f);
	if (!b) {
		fprintf(stderr, "tfl_gen: out of memory\n");
		return 1;
	}
	struct tfl_model m;
	struct mote_cc_diag d = {{0}};
	if (tfl_read(b, len, &m, &d)) {
		fprintf(stderr, "tfl_gen: %s: %s\n", path, d.msg);
		free(b);
		return 1;
	}
	size_t tl;
	uint64_t h = tfl_digest(&m, &tl, NULL);
	printf("%016llx %zu\n", (unsigned long long)h, tl);
	tfl_model_free(&m);
	free(b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--digest"))
		return digest_file(argv[2]);
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: tfl_gen OUTDIR [SEED] | tfl_gen --digest FILE.tflite\n");
		return 1;
	}
	const char *dir = argv[1];
	uint64_t seed = argc == 3 ? strtoull(argv[2], NULL, 10) : 7;
	char path[1024];
	snprintf(path, sizeof path, "%s/nets.txt", dir);
	FILE *list = fopen(path, "w");
	if (!list) {
		fprintf(stderr, "tfl_gen: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	int bad = 0;
	for (int id = 0; id < TN_COUNT && !bad; id++) {
		struct tn_net n;
		tn_build((enum tn_id)id, seed, &n);
		snprintf(path, sizeof path, "%s/%s.tflite", dir, n.name);
		bad |= write_file(path, n.bytes, n.len);
		snprintf(path, sizeof path, "%s/%s_input.npy", dir, n.name);
		size_t shape[4];
		for (uint32_t i = 0; i < n.in_rank; i++)
			shape[i] = (size_t)n.in_shape[i];
		FILE *f = bad ? NULL : fopen(path, "wb");
		if (!bad && (!f || npy_fwrite(f, n.in_type == TFL_FLOAT32 ? NPY_F32 : NPY_I8, shape, (int)n.in_rank, n.input)))
			bad = 1;
		if (f && fclose(f))
			bad = 1;
		if (bad)
			fprintf(stderr, "tfl_gen: cannot write %s\n", path);
		fprintf(list, "%s %s %s\n", n.name, n.in_name, id < TN_DEVICE_COUNT ? "device" : "reference");
		tn_free(&n);
	}
	if (fclose(list))
		bad = 1;
	return bad;
}
