/* model_priv.h: the model runtime's insides (model_load.c, model_run.c). */
#ifndef MOTE_MODEL_PRIV_H
#define MOTE_MODEL_PRIV_H

#include <mote/mote.h>
#include <mote/mote_kernels.h>
#include <mote/mote_model_format.h>

/* A checked header and where the sections are. */
struct mf_view {
	struct mote_mf_header h;
	struct mote_mf_section sec[MOTE_MF_SEC_HOST_CONST + 1];
	const char *str;
	uint32_t nt, ns;
};

struct mote_model {
	mote_device *dev;
	struct mote_mf_header h;
	char *strings;
	uint32_t nt, ns;
	struct mote_mf_tensor *t;
	struct mote_mf_step *s;
	struct mote_step_info *info;
	mote_buffer *cbuf, *arena;     /* commands + constants (R|X), activations (R|W) */
	uint8_t *stage;                /* host staging of one device tensor (layout moves) */
	void **host;                   /* per tensor: its bytes in ONNX layout */
	uint8_t *host_ok, *dev_ok;     /* which copy is current */
	uint8_t *set;                  /* inputs set since load */
};

/* Host side of a model sized for v (records not yet copied); NULL: no memory. */
mote_model *model__alloc(mote_device *dev, const struct mf_view *v);

/* Device buffers, relocated commands, constants, host tensor buffers. */
int model__setup(mote_model *m, const uint8_t *file, const struct mf_view *v);

#endif
