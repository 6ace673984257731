/* model_load.c: a .mote file checked and put on a device (mote_model_load).
 *
 * Nothing in the file is trusted: every offset, count, index and size is
 * checked against the file and against each other before anything is
 * allocated on the device, so a bad file gets BAD_MODEL naming the field and
 * the device stays as it was.  The hardware windows then bound what the
 * command stream can touch: the constant buffer (read, execute) and the
 * arena (read, write) of this model only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model_priv.h"

static int fail(struct mote_model_diag *diag, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct mote_model_diag *diag, int err, const char *fmt, ...)
{
	if (diag) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
		va_end(ap);
	}
	return err;
}

#define BAD(...) fail(diag, MOTE_ERROR_BAD_MODEL, __VA_ARGS__)

/* Sections into v; each id at most once, inside the file, records whole. */
static int read_sections(const uint8_t *d, size_t len, const struct mote_mf_header *h, struct mf_view *v,
			 struct mote_model_diag *diag)
{
	/* record sizes (CMDS: commands of different lengths, walked in check_file) */
	static const size_t rec[] = {0, 1, sizeof(struct mote_mf_tensor), sizeof(struct mote_mf_step),
				     0, 1, sizeof(struct mote_mf_reloc), 1};
	if (h->n_sections > 16 || sizeof *h + (size_t)h->n_sections * sizeof(struct mote_mf_section) > len)
		return BAD("header: %u sections do not fit the file", h->n_sections);
	for (uint32_t i = 0; i < h->n_sections; i++) {
		struct mote_mf_section s;
		memcpy(&s, d + sizeof *h + i * sizeof s, sizeof s);
		if (s.id < MOTE_MF_SEC_STRINGS || s.id > MOTE_MF_SEC_HOST_CONST)
			return BAD("section %u: unknown id %u", i, s.id);
		if (v->sec[s.id].offset)
			return BAD("section %u: id %u appears twice", i, s.id);
		if (s.offset % MOTE_MF_ALIGN || s.offset < sizeof *h || s.offset > len || s.size > len - s.offset)
			return BAD("section %u (id %u): offset %u size %u outside the %zu-byte file", i, s.id, s.offset,
				   s.size, len);
		if (rec[s.id] && (uint64_t)s.count * rec[s.id] != s.size)
			return BAD("section %u (id %u): %u records do not make %u bytes", i, s.id, s.count, s.size);
		v->sec[s.id] = s;
	}
	for (uint32_t id = MOTE_MF_SEC_STRINGS; id <= MOTE_MF_SEC_RELOCS; id++) /* HOST_CONST is optional too */
		if (!v->sec[id].offset && id != MOTE_MF_SEC_RELOCS)
			return BAD("section id %u missing", id);
	const struct mote_mf_section *st = &v->sec[MOTE_MF_SEC_STRINGS];
	if (st->size == 0 || d[st->offset + st->size - 1] != 0)
		return BAD("string table not NUL-terminated");
	return 0;
}

static int check_tensor(const struct mote_mf_tensor *t, uint32_t i, const struct mote_mf_header *h,
			uint32_t str_size, uint32_t host_const, struct mote_model_diag *diag)
{
	size_t es = mote_kernel_dtype_size(t->dtype);
	if (t->name >= str_size)
		return BAD("tensor %u: name offset %u outside the string table", i, t->name);
	if (!es || t->rank > MOTE_MF_MAX_RANK || t->flags & ~63u)
		return BAD("tensor %u: type %d, rank %u or flags 0x%x invalid", i, t->dtype, t->rank, t->flags);
	uint64_t n = 1;
	for (uint32_t k = 0; k < t->rank; k++) {
		n *= t->dims[k];
		if (n > (1u << 30))
			return BAD("tensor %u: more than 2^30 elements", i);
	}
	if (n * es != t->bytes)
		return BAD("tensor %u: %u bytes for %llu elements of %zu", i, t->bytes, (unsigned long long)n, es);
	if (t->flags & MOTE_MF_T_DEVICE &&
	    (t->arena_offset % 64 || t->arena_offset > h->arena_bytes || t->bytes > h->arena_bytes - t->arena_offset))
		return BAD("tensor %u: arena range %u+%u outside the %u-byte arena", i, t->arena_offset, t->bytes,
			   h->arena_bytes);
	if (t->flags & MOTE_MF_T_CONST) {
		if (t->flags & (MOTE_MF_T_INPUT | MOTE_MF_T_OUTPUT | MOTE_MF_T_DEVICE | MOTE_MF_T_NHWC))
			return BAD("tensor %u: a constant cannot be a model input, an output or a device tensor", i);
		if (t->arena_offset > host_const || t->bytes > host_const - t->arena_offset)
			return BAD("tensor %u: constant bytes %u+%u outside the %u-byte HOST_CONST section", i,
				   t->arena_offset, t->bytes, host_const);
	} else if (!(t->flags & MOTE_MF_T_DEVICE) && t->arena_offset)
		return BAD("tensor %u: arena offset %u on a host tensor (only device tensors live in the arena)", i,
			   t->arena_offset);
	if (t->flags & MOTE_MF_T_NHWC && (!(t->flags & MOTE_MF_T_DEVICE) || t->rank != 4 || t->dims[0] != 1))
		return BAD("tensor %u: NHWC needs a device tensor of shape [1][C][H][W]", i);
	return 0;
}

static int check_step(const struct mote_mf_step *s, uint32_t i, const struct mote_mf_tensor *t, uint32_t nt,
		      const struct mote_mf_section *sc, const uint8_t *cmds, uint32_t str_size,
		      struct mote_model_diag *diag)
{
	uint32_t n_cmds = sc->count;
	if (s->name >= str_size)
		return BAD("step %u: name offset outside the string table", i);
	if (s->n_in < 1 || s->n_in > MOTE_MF_MAX_IO || s->n_out != 1)
		return BAD("step %u: %u inputs, %u outputs", i, s->n_in, s->n_out);
	for (uint32_t k = 0; k < s->n_in; k++)
		if (s->in[k] < 0 || (uint32_t)s->in[k] >= nt)
			return BAD("step %u: input %u is tensor %d of %u", i, k, s->in[k], nt);
	if (s->out[0] < 0 || (uint32_t)s->out[0] >= nt)
		return BAD("step %u: output is tensor %d of %u", i, s->out[0], nt);
	for (uint32_t k = 0; k < s->n_in; k++)
		if (s->in[k] == s->out[0])
			return BAD("step %u: output tensor %d is also its input %u", i, s->out[0], k);
	if (s->kind == MOTE_MF_STEP_DEVICE) {
		if (s->op < MOTE_MF_DEV_CONV || s->op >= MOTE_MF_DEV_COUNT_ || s->n_in > 2)
			return BAD("step %u: device op %u with %u inputs", i, s->op, s->n_in);
		if (s->n_cmds == 0 || s->cmd_first > n_cmds || s->n_cmds > n_cmds - s->cmd_first)
			return BAD("step %u: commands %u+%u outside the %u-command stream", i, s->cmd_first, s->n_cmds,
				   n_cmds);
		/* the job's stream: n_cmds whole commands from cmd_offset, within CMDS */
		int64_t w = s->cmd_offset % MOTE_CMD_ALIGN || s->cmd_offset > sc->size ? -1
			    : mote_mf_cmd_walk(cmds + s->cmd_offset, sc->size - s->cmd_offset, s->n_cmds, NULL);
		if (w < 0)
			return BAD("step %u: %u commands at byte %u of the %u-byte stream are not whole commands", i,
				   s->n_cmds, s->cmd_offset, sc->size);
		if (!(t[s->in[0]].flags & MOTE_MF_T_DEVICE) || !(t[s->out[0]].flags & MOTE_MF_T_DEVICE) ||
		    (s->n_in == 2 && !(t[s->in[1]].flags & MOTE_MF_T_DEVICE)))
			return BAD("step %u: a device step's tensors must be in the arena", i);
	} else if (s->kind == MOTE_MF_STEP_HOST) {
		if (!mote_kernel_op_name(s->op))
			return BAD("step %u: unknown host kernel %u", i, s->op);
	} else
		return BAD("step %u: kind %u", i, s->kind);
	return 0;
}

/* The steps in order, with the set of tensors defined so far (the model
 * inputs, then each step's output): a step reads only defined tensors and
 * defines one that is not (no step overwrites an input or an earlier result),
 * and every model output is defined.  Otherwise a step would read bytes no one
 * wrote; a host tensor no step defined would even be fetched from the arena,
 * where it has no range.  defined: nt zeroed bytes, zeroed again on return. */
static int check_dataflow(const struct mote_mf_tensor *t, uint32_t nt, const struct mote_mf_step *s, uint32_t ns,
			  const char *str, uint8_t *defined, struct mote_model_diag *diag)
{
	int rc = 0;
	for (uint32_t i = 0; i < nt; i++)
		defined[i] = (t[i].flags & (MOTE_MF_T_INPUT | MOTE_MF_T_CONST)) != 0;
	for (uint32_t i = 0; i < ns && !rc; i++) {
		for (uint32_t k = 0; k < s[i].n_in && !rc; k++)
			if (!defined[s[i].in[k]])
				rc = BAD("step %u ('%s'): input %u is tensor %d ('%s'), neither a model input nor an earlier "
					 "step's output",
					 i, str + s[i].name, k, s[i].in[k], str + t[s[i].in[k]].name);
		if (!rc && defined[s[i].out[0]])
			rc = BAD("step %u ('%s'): output tensor %d ('%s') is already a model input, a constant or an earlier step's "
				 "output",
				 i, str + s[i].name, s[i].out[0], str + t[s[i].out[0]].name);
		if (!rc)
			defined[s[i].out[0]] = 1;
	}
	for (uint32_t i = 0; i < nt && !rc; i++)
		if ((t[i].flags & MOTE_MF_T_OUTPUT) && !defined[i])
			rc = BAD("tensor %u ('%s'): a model output no step computes", i, str + t[i].name);
	memset(defined, 0, nt);
	return rc;
}

static int check_compat(const struct mote_mf_header *h, const struct mote_device_info *di,
			struct mote_model_diag *diag)
{
	const struct mote_geometry *g = &di->geometry;
	if (h->hw_version >> 16 != di->hw_version >> 16)
		return fail(diag, MOTE_ERROR_INCOMPATIBLE, "built for hardware version %u.%u, the device is %u.%u",
			    h->hw_version >> 16, h->hw_version & 0xffff, di->hw_version >> 16, di->hw_version & 0xffff);
	if (h->rows != g->rows || h->cols != g->cols || h->mem_bytes != g->mem_bytes)
		return fail(diag, MOTE_ERROR_INCOMPATIBLE,
			    "built for a %ux%u array with a %u-byte bus, the device is %ux%u with %u bytes (recompile "
			    "with --target sim:rows=%u,cols=%u)",
			    h->rows, h->cols, h->mem_bytes, g->rows, g->cols, g->mem_bytes, g->rows, g->cols);
	if (h->abuf_depth > g->abuf_depth || h->wbuf_depth > g->wbuf_depth || h->bbuf_depth > g->bbuf_depth ||
	    h->acc_depth > g->acc_depth)
		return fail(diag, MOTE_ERROR_INCOMPATIBLE, "built for larger on-chip buffers than the device has");
	if (h->features & ~g->features)
		return fail(diag, MOTE_ERROR_INCOMPATIBLE, "uses features 0x%x the device lacks",
			    h->features & ~g->features);
	return 0;
}

/* Header, sections, records: everything short of touching the device. */
static int check_file(const uint8_t *d, size_t len, const struct mote_device_info *di, struct mf_view *v,
		      struct mote_model_diag *diag)
{
	struct mote_mf_header h;
	if (len < sizeof h)
		return BAD("%zu bytes: shorter than the header", len);
	memcpy(&h, d, sizeof h);
	if (h.magic != MOTE_MF_MAGIC)
		return BAD("not a .mote file (magic 0x%08x)", h.magic);
	if (h.version != MOTE_MF_VERSION)
		return fail(diag, MOTE_ERROR_INCOMPATIBLE, "format version %u; this driver reads version %u", h.version,
			    MOTE_MF_VERSION);
	if (h.file_bytes != len)
		return BAD("header says %u bytes, the file has %zu (truncated?)", h.file_bytes, len);
	uint32_t crc = h.crc32;
	struct mote_mf_header z = h;
	z.crc32 = 0;
	uint32_t got = mote_mf_crc32(mote_mf_crc32(0, &z, sizeof z), d + sizeof z, len - sizeof z);
	if (got != crc)
		return BAD("checksum 0x%08x, computed 0x%08x: the file is corrupt", crc, got);
	int rc = check_compat(&h, di, diag);
	if (rc)
		return rc;
	if (h.arena_bytes == 0 || h.arena_bytes > (1u << 30) || h.const_bytes > (1u << 30))
		return BAD("header: arena %u or constants %u bytes", h.arena_bytes, h.const_bytes);
	memset(v, 0, sizeof *v);
	v->h = h;
	if ((rc = read_sections(d, len, &h, v, diag)))
		return rc;
	const struct mote_mf_section *sc = &v->sec[MOTE_MF_SEC_CMDS], *sk = &v->sec[MOTE_MF_SEC_CONST];
	uint32_t used = 0;
	int64_t walked = mote_mf_cmd_walk(d + sc->offset, sc->size, sc->count, &used);
	if (walked < 0)
		return BAD("command %lld of %u: not an opcode, or past the %u-byte stream", (long long)(-1 - walked),
			   sc->count, sc->size);
	if ((uint64_t)walked != sc->size)
		return BAD("%u commands take %lld bytes, the stream has %u", sc->count, (long long)walked, sc->size);
	uint64_t cmd_bytes = sc->size;
	if (h.const_offset % 64 || h.const_offset < cmd_bytes || h.const_offset > h.const_bytes ||
	    sk->size > h.const_bytes - h.const_offset)
		return BAD("header: constants at %u (+%u) do not fit a %u-byte buffer after %llu command bytes",
			   h.const_offset, sk->size, h.const_bytes, (unsigned long long)cmd_bytes);
	if (used & ~h.features)
		return BAD("header: the commands use features 0x%x the header does not declare", used & ~h.features);
	v->str = (const char *)d + v->sec[MOTE_MF_SEC_STRINGS].offset;
	v->nt = v->sec[MOTE_MF_SEC_TENSORS].count;
	v->ns = v->sec[MOTE_MF_SEC_STEPS].count;
	if (v->nt == 0 || v->ns == 0)
		return BAD("no tensors or no steps");
	return 0;
}

static int check_records(const uint8_t *d, struct mf_view *v, struct mote_mf_tensor *t, struct mote_mf_step *s,
			 uint8_t *defined, struct mote_model_diag *diag)
{
	uint32_t ss = v->sec[MOTE_MF_SEC_STRINGS].size;
	const struct mote_mf_section *sc = &v->sec[MOTE_MF_SEC_CMDS];
	memcpy(t, d + v->sec[MOTE_MF_SEC_TENSORS].offset, v->nt * sizeof *t);
	memcpy(s, d + v->sec[MOTE_MF_SEC_STEPS].offset, v->ns * sizeof *s);
	int rc;
	unsigned inputs = 0, outputs = 0;
	for (uint32_t i = 0; i < v->nt; i++) {
		if ((rc = check_tensor(&t[i], i, &v->h, ss, v->sec[MOTE_MF_SEC_HOST_CONST].size, diag)))
			return rc;
		inputs += !!(t[i].flags & MOTE_MF_T_INPUT);
		outputs += !!(t[i].flags & MOTE_MF_T_OUTPUT);
	}
	if (!inputs || !outputs)
		return BAD("the model has %u inputs and %u outputs", inputs, outputs);
	for (uint32_t i = 0; i < v->ns; i++)
		if ((rc = check_step(&s[i], i, t, v->nt, sc, d + sc->offset, ss, diag)))
			return rc;
	if ((rc = check_dataflow(t, v->nt, s, v->ns, v->str, defined, diag)))
		return rc;
	const struct mote_mf_section *sr = &v->sec[MOTE_MF_SEC_RELOCS];
	for (uint32_t i = 0; i < sr->count; i++) {
		struct mote_mf_reloc r;
		memcpy(&r, d + sr->offset + i * sizeof r, sizeof r);
		if (r.word >= sc->size / 4 || r.segment > MOTE_MF_SEG_ARENA)
			return BAD("relocation %u: word %u segment %u", i, r.word, r.segment);
	}
	return 0;
}

int mote_model_load(mote_device *dev, const void *data, size_t len, mote_model **out, struct mote_model_diag *diag)
{
	if (diag)
		diag->msg[0] = 0;
	if (!dev || !data || !out)
		return fail(diag, MOTE_ERROR_INVALID_ARG, "NULL argument");
	*out = NULL;
	struct mote_device_info di;
	int rc = mote_device_info(dev, &di);
	if (rc)
		return rc;
	const uint8_t *d = data;
	struct mf_view v;
	if ((rc = check_file(d, len, &di, &v, diag)))
		return rc;
	mote_model *m = model__alloc(dev, &v);
	if (!m)
		return fail(diag, MOTE_ERROR_NO_MEM, "out of host memory");
	/* m->set (nt zeroed bytes, zero again afterwards) is check_records' scratch set */
	if ((rc = check_records(d, &v, m->t, m->s, m->set, diag)) || (rc = model__setup(m, d, &v))) {
		if (rc == MOTE_ERROR_NO_DEVICE_MEM)
			fail(diag, rc, "no %u + %u bytes of device memory", v.h.const_bytes, v.h.arena_bytes);
		else if (rc == MOTE_ERROR_NO_MEM)
			fail(diag, rc, "out of host memory");
		mote_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
