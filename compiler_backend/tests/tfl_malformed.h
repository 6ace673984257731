/* tfl_malformed.h: the TFLite reader on malformed copies of a well-formed
 * model (Check assertions; shared by test_tflite.c, on a network tfl_nets.c
 * writes, and test_mlperf.c, on a reference model TFLite's converter wrote,
 * whose vtables are shared between tables as flatc shares them). */
#ifndef TFL_MALFORMED_H
#define TFL_MALFORMED_H

#include <stddef.h>
#include <stdint.h>

/* Truncations, offsets past the end or wrapping around, vectors running
 * past the end, a vtable outside the buffer, indices out of range, a string
 * without its NUL, a field outside its table and the schema version, each
 * patched into a copy of b (len bytes, a model of at least 13 operators whose
 * operator 12 has inputs) and refused with exactly its message. */
void tfl_malformed_checks(const uint8_t *b, size_t len);

#endif
