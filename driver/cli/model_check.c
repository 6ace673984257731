/* model_check.c: compare a model's tensors on the device with the reference
 * executor (shared by `mote run --check` and `mote eval --check`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

size_t cli_check_tensors(mote_model *m, mote_cc_ref *ref, const char *what, int verbose,
			 struct cli_check_count *n)
{
	size_t bad = 0;
	for (unsigned i = 0; i < mote_model_num_tensors(m); i++) {
		struct mote_tensor_info ti;
		mote_model_tensor(m, i, &ti);
		/* a derived tensor (a layout the compiler made) is not in the ONNX
		 * model; the step that reads it is checked through its output */
		if (ti.flags & (MOTE_TENSOR_INPUT | MOTE_TENSOR_DERIVED))
			continue;
		const void *want;
		size_t wb;
		void *got = malloc(ti.bytes ? ti.bytes : 1);
		int rc = got ? mote_model_read(m, ti.name, got, ti.bytes) : MOTE_ERROR_NO_MEM;
		if (rc == MOTE_ERROR_STATE) { /* overwritten by a later tensor (arena reuse): not kept */
			free(got);
			if (n)
				n->skipped++;
			continue;
		}
		if (n)
			n->compared++;
		if (rc || mote_cc_ref_tensor(ref, ti.name, &want, &wb) || wb != ti.bytes || memcmp(got, want, wb)) {
			if (verbose && bad < 4)
				fprintf(stderr, "mote: %s: tensor '%s' differs from the reference executor\n", what,
					ti.name);
			bad++;
		}
		free(got);
	}
	return bad;
}
