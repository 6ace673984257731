/* tfl_digest.h: a canonical text of a TFLite model as tfl_read reads it
 * (every operator code; every tensor with its type, buffer, buffer size,
 * shape and quantization; every operator with its inputs, outputs and
 * options; the graph inputs and outputs) and its FNV-1a 64 digest: the
 * same text scripts/tflite_dump.py --digest builds from its own, independent
 * reading of the file, so the two readers can be compared on any model. */
#ifndef TFL_DIGEST_H
#define TFL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "import/tflite_read.h"

/* The digest of m's canonical text; *len the text's length.  With text
 * non-NULL, *text is the text (free with free()).  Aborts when out of memory. */
uint64_t tfl_digest(const struct tfl_model *m, size_t *len, char **text);

#endif
