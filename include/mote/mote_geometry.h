/* mote_geometry.h: the shape of one accelerator configuration.
 *
 * The driver fills it from the device's read-only registers (GEOMETRY,
 * *_DEPTH, FEATURES); the compiler tiles against it.  Shared so that the two
 * can never describe a target differently.
 */
#ifndef MOTE_GEOMETRY_H
#define MOTE_GEOMETRY_H

#include <stdint.h>

struct mote_geometry {
	uint32_t rows;       /* array rows: reduction elements per pass, activation-row bytes */
	uint32_t cols;       /* array columns: output channels per pass */
	uint32_t mem_bytes;  /* device memory bus width in bytes */
	uint32_t abuf_depth; /* activation buffer rows (rows bytes each) */
	uint32_t wbuf_depth; /* weight buffer rows (cols bytes each) */
	uint32_t bbuf_depth; /* bias buffer rows (4*cols bytes each) */
	uint32_t acc_depth;  /* accumulator rows (cols int32 each) */
	uint32_t features;   /* MOTE_FEATURES_*_MASK bits of mote_hw.h */
};

#endif
