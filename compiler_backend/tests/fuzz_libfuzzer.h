/* fuzz_libfuzzer.h: what the fuzz targets' libFuzzer entry points share
 * (compiler_backend/tests/fuzz_onnx.c, fuzz_tflite.c, driver/tests/fuzz/
 * fuzz_model.c, fuzz_link.c, fuzz_cmd.c, each built with -DMOTE_LIBFUZZER:
 * no main, but LLVMFuzzerTestOneInput doing the per-input work and checks of
 * the target's own loop).  The same objects run under libFuzzer (clang
 * -fsanitize=fuzzer,address,undefined) and AFL++ (afl-clang-fast
 * -fsanitize=fuzzer links AFL++'s libAFLDriver instead); see
 * scripts/fuzz/fuzz.mk.
 *
 *   - the engine's entry points, declared (-Wmissing-prototypes asks);
 *   - fz_lf_choice: the choices the home-made loops draw at random per
 *     input (run the reference executor too? which rounding?) made from the
 *     input's bytes instead, so that an input always does the same thing and
 *     a crash file replays;
 *   - fz_lf_mutate: a target's structure-aware mutation (fuzz_mutate.h's
 *     protobuf, .mote or flatbuffer mutations) as LLVMFuzzerCustomMutator,
 *     alternating with libFuzzer's own (LLVMFuzzerMutate: its byte
 *     mutations, dictionary and the comparisons it traced), the previous
 *     input as the second input of splices.  The engine is single-threaded:
 *     the scratch buffers are the caller's statics.
 */
#ifndef MOTE_FUZZ_LIBFUZZER_H
#define MOTE_FUZZ_LIBFUZZER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_mutate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
/* libFuzzer's own mutator (libAFLDriver has one too, which leaves the input as it is) */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));

/* A hash of the input's bytes (FNV-1a, then mixed): its per-input choices. */
static inline uint64_t fz_lf_choice(const uint8_t *d, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	struct fz_rng r = {h};
	return fz_next(&r);
}

/* A mutation of b (other: a second input to splice from); the name of what
 * it did, or NULL (out of memory). */
typedef const char *(*fz_lf_mutator)(struct fz_rng *r, struct fz_buf *b, const struct fz_buf *other, void *ctx);

/* LLVMFuzzerCustomMutator's body: one time in `own` (seeded by the engine)
 * libFuzzer's mutation, else 1 to 4 of fn's on a copy; the result back into
 * data when it fits max_size (else libFuzzer's mutation after all).  cur and
 * prev are the caller's static buffers (prev: the input before this one). */
static inline size_t fz_lf_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed, unsigned own,
				  fz_lf_mutator fn, void *ctx, struct fz_buf *cur, struct fz_buf *prev)
{
	struct fz_rng r = {seed};
	size_t n = 0;
	if (!(own && LLVMFuzzerMutate && fz_chance(&r, own)) && !fz_set(cur, data, size)) {
		const char *what = "";
		unsigned nm = 1 + (unsigned)(fz_chance(&r, 2) ? 0 : fz_below(&r, 4));
		for (unsigned k = 0; k < nm && what; k++)
			what = fn(&r, cur, prev->len ? prev : cur, ctx);
		if (what && cur->len <= max_size && cur->len) {
			memcpy(data, cur->d, cur->len);
			n = cur->len;
		}
	}
	if (fz_set(prev, data, size)) /* out of memory: no splices until there is some */
		prev->len = 0;
	if (!n)
		n = LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, max_size) : size;
	return n;
}

#endif /* MOTE_FUZZ_LIBFUZZER_H */
