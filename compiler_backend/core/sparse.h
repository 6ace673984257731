/* sparse.h: 2:4 sparsity helpers shared inside the compiler backend (not public). */
#ifndef MOTE_CC_SPARSE_H
#define MOTE_CC_SPARSE_H

#include <stdint.h>

#include "mote/mote_compiler.h"

/* The runs op's weights are grouped in (mote_compiler.h): *nruns runs of *run
 * reduction elements, run i starting at reduction index i * *run. */
void cc_sparse_runs(const struct mote_cc_conv *op, uint32_t *run, uint32_t *nruns);

/* Why op cannot run 2:4 sparse whatever its weights: "grouped
 * convolution", "pooling", "uint8 weights", "weight zero point"; NULL when
 * it can (given a target with the feature and rows a multiple of 4). */
const char *cc_sparse_unfit(const struct mote_cc_conv *op);

/* The target can run MATMUL SPARSE: FEATURES.SPARSE and rows a multiple of 4. */
int cc_sparse_target(const struct mote_geometry *g);

#endif
