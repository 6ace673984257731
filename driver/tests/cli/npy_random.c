/* npy_random.c: OUT.npy of int8 values from a fixed generator, for tests
 * that need a model input without committing one.
 *
 *   npy_random OUT.npy SEED D0 [D1 ...]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "npy.h"

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 11) {
		fprintf(stderr, "usage: npy_random OUT.npy SEED D0 [D1 ...] (at most 8 dimensions)\n");
		return 2;
	}
	uint64_t s = strtoull(argv[2], NULL, 10);
	size_t shape[8], n = 1;
	int nd = argc - 3;
	for (int i = 0; i < nd; i++) {
		shape[i] = strtoul(argv[3 + i], NULL, 10);
		if (!shape[i] || shape[i] > (1u << 24) || (n *= shape[i]) > (1u << 24)) {
			fprintf(stderr, "npy_random: dimension %s out of range\n", argv[3 + i]);
			return 2;
		}
	}
	int8_t *d = malloc(n);
	FILE *f = fopen(argv[1], "wb");
	if (!d || !f) {
		perror(argv[1]);
		return 1;
	}
	for (size_t i = 0; i < n; i++) { /* splitmix64 */
		uint64_t z = (s += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		d[i] = (int8_t)(z ^ (z >> 31));
	}
	int rc = npy_fwrite(f, NPY_I8, shape, nd, d);
	free(d);
	if (fclose(f) || rc) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
