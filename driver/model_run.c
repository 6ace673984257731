/* model_run.c: running a loaded model (mote_model_run and the accessors).
 *
 * Each tensor may have two copies: host (ONNX layout) and, for device
 * tensors, the arena (NHWC for rank 4).  host_ok/dev_ok say which is
 * current; a step first brings its inputs to its side (upload before a
 * device step, download before a host step), then marks its output current
 * on its side only.  A device step is one job: the step's command range,
 * with the constant buffer readable and executable and the arena readable
 * and writable, nothing else.
 *
 * Nothing here needs device memory mapped into the host: the relocated
 * command stream and constants are built on the host and written with one
 * bulk transfer; tensors move between their host copy and the arena through
 * mote_buffer_read / mote_buffer_write, a layout change going through the
 * staging buffer (as large as the largest device tensor, allocated at load
 * so a run allocates nothing).
 */
#include <string.h>
#include <time.h>

#include "model_priv.h"
#include "mote_priv.h"

static void *zalloc(mote_device *dev, size_t n)
{
	void *p = mote__alloc(&dev->hooks, n ? n : 1);
	if (p)
		memset(p, 0, n ? n : 1);
	return p;
}

mote_model *model__alloc(mote_device *dev, const struct mf_view *v)
{
	mote_model *m = zalloc(dev, sizeof *m);
	if (!m)
		return NULL;
	m->dev = dev;
	m->h = v->h;
	m->nt = v->nt;
	m->ns = v->ns;
	m->strings = zalloc(dev, v->sec[MOTE_MF_SEC_STRINGS].size);
	m->t = zalloc(dev, v->nt * sizeof *m->t);
	m->s = zalloc(dev, v->ns * sizeof *m->s);
	m->info = zalloc(dev, v->ns * sizeof *m->info);
	m->host = zalloc(dev, v->nt * sizeof *m->host);
	m->host_ok = zalloc(dev, v->nt);
	m->dev_ok = zalloc(dev, v->nt);
	m->set = zalloc(dev, v->nt);
	if (m->strings)
		memcpy(m->strings, v->str, v->sec[MOTE_MF_SEC_STRINGS].size);
	if (!m->strings || !m->t || !m->s || !m->info || !m->host || !m->host_ok || !m->dev_ok || !m->set) {
		mote_model_free(m);
		return NULL;
	}
	return m;
}

/* A device step's op as mote_step_info names it (the loader checked op). */
static const char *device_op_name(uint32_t op, int add)
{
	static const char *const names[MOTE_MF_DEV_COUNT_][2] = {
		[MOTE_MF_DEV_CONV] = {"conv", "conv+add"},
		[MOTE_MF_DEV_DEPTHWISE] = {"depthwise", "depthwise+add"},
		[MOTE_MF_DEV_FC] = {"fc", "fc+add"},
		[MOTE_MF_DEV_POOL] = {"pool", "pool+add"},
		[MOTE_MF_DEV_GROUPED] = {"grouped", "grouped+add"},
	};
	return op < MOTE_MF_DEV_COUNT_ && names[op][0] ? names[op][add != 0] : "?";
}

int model__setup(mote_model *m, const uint8_t *file, const struct mf_view *v)
{
	mote_device *dev = m->dev;
	size_t stage = 1;
	const struct mote_mf_section *hc = &v->sec[MOTE_MF_SEC_HOST_CONST];
	for (uint32_t i = 0; i < m->nt; i++) {
		if (!(m->host[i] = zalloc(dev, m->t[i].bytes)))
			return MOTE_ERROR_NO_MEM;
		if ((m->t[i].flags & MOTE_MF_T_DEVICE) && m->t[i].bytes > stage)
			stage = m->t[i].bytes;
		if (m->t[i].flags & MOTE_MF_T_CONST) { /* range checked by the loader */
			memcpy(m->host[i], file + hc->offset + m->t[i].arena_offset, m->t[i].bytes);
			m->host_ok[i] = 1;
		}
	}
	if (!(m->stage = zalloc(dev, stage)))
		return MOTE_ERROR_NO_MEM;
	for (uint32_t i = 0; i < m->ns; i++) {
		const struct mote_mf_step *s = &m->s[i];
		struct mote_step_info *in = &m->info[i];
		in->name = m->strings + s->name;
		in->on_device = s->kind == MOTE_MF_STEP_DEVICE;
		in->op = in->on_device ? device_op_name(s->op, s->n_in == 2) : mote_kernel_op_name(s->op);
		in->macs = s->macs;
		in->ideal_cycles = s->macs_ideal_cycles;
	}
	size_t cbytes = m->h.const_bytes ? m->h.const_bytes : 64;
	int rc = mote_buffer_alloc(dev, cbytes, &m->cbuf);
	if (!rc)
		rc = mote_buffer_alloc(dev, m->h.arena_bytes, &m->arena);
	uint32_t cbase, abase;
	size_t sz;
	if (!rc)
		rc = mote_buffer_addr(dev, m->cbuf, &cbase, &sz);
	if (!rc)
		rc = mote_buffer_addr(dev, m->arena, &abase, &sz);
	if (rc)
		return rc;
	/* The constant buffer's image: commands, relocated, and constants. */
	uint8_t *img = zalloc(dev, cbytes);
	if (!img)
		return MOTE_ERROR_NO_MEM;
	const struct mote_mf_section *sc = &v->sec[MOTE_MF_SEC_CMDS], *sk = &v->sec[MOTE_MF_SEC_CONST],
				     *sr = &v->sec[MOTE_MF_SEC_RELOCS];
	memcpy(img, file + sc->offset, sc->size);
	memcpy(img + m->h.const_offset, file + sk->offset, sk->size);
	for (uint32_t i = 0; i < sr->count; i++) {
		struct mote_mf_reloc r;
		memcpy(&r, file + sr->offset + i * sizeof r, sizeof r);
		uint8_t *w = img + 4 * (size_t)r.word;
		uint32_t val = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
		val += r.segment == MOTE_MF_SEG_ARENA ? abase : cbase;
		for (int b = 0; b < 4; b++)
			w[b] = (uint8_t)(val >> (8 * b));
	}
	rc = mote_buffer_write(dev, m->cbuf, 0, img, cbytes);
	mote__free(&dev->hooks, img);
	return rc;
}

void mote_model_free(mote_model *m)
{
	if (!m)
		return;
	mote_device *dev = m->dev;
	if (m->cbuf)
		mote_buffer_free(dev, m->cbuf);
	if (m->arena)
		mote_buffer_free(dev, m->arena);
	for (uint32_t i = 0; m->host && i < m->nt; i++)
		mote__free(&dev->hooks, m->host[i]);
	mote__free(&dev->hooks, m->host);
	mote__free(&dev->hooks, m->strings);
	mote__free(&dev->hooks, m->t);
	mote__free(&dev->hooks, m->s);
	mote__free(&dev->hooks, m->info);
	mote__free(&dev->hooks, m->host_ok);
	mote__free(&dev->hooks, m->dev_ok);
	mote__free(&dev->hooks, m->set);
	mote__free(&dev->hooks, m->stage);
	mote__free(&dev->hooks, m);
}

/* ---- accessors ------------------------------------------------------------------- */

unsigned mote_model_num_tensors(const mote_model *m) { return m ? m->nt : 0; }
unsigned mote_model_num_steps(const mote_model *m) { return m ? m->ns : 0; }
uint32_t mote_model_features(const mote_model *m) { return m ? m->h.features : 0; }

int mote_model_tensor(const mote_model *m, unsigned i, struct mote_tensor_info *info)
{
	if (!m || !info)
		return MOTE_ERROR_INVALID_ARG;
	if (i >= m->nt)
		return MOTE_ERROR_NOT_FOUND;
	const struct mote_mf_tensor *t = &m->t[i];
	memset(info, 0, sizeof *info);
	info->name = m->strings + t->name;
	info->dtype = t->dtype;
	info->rank = t->rank;
	memcpy(info->dims, t->dims, sizeof info->dims);
	info->bytes = t->bytes;
	info->scale = t->scale;
	info->zero_point = t->zero_point;
	_Static_assert(MOTE_TENSOR_DERIVED == MOTE_MF_T_DERIVED && MOTE_TENSOR_CONST == MOTE_MF_T_CONST,
		       "the API's tensor flags are the file's");
	info->flags = t->flags & (MOTE_TENSOR_INPUT | MOTE_TENSOR_OUTPUT | MOTE_TENSOR_DEVICE | MOTE_TENSOR_DERIVED |
			      MOTE_TENSOR_CONST);
	return 0;
}

int mote_model_find(const mote_model *m, const char *name, unsigned *index)
{
	if (!m || !name || !index)
		return MOTE_ERROR_INVALID_ARG;
	for (uint32_t i = 0; i < m->nt; i++)
		if (!strcmp(m->strings + m->t[i].name, name)) {
			*index = i;
			return 0;
		}
	return MOTE_ERROR_NOT_FOUND;
}

int mote_model_step(const mote_model *m, unsigned i, struct mote_step_info *info)
{
	if (!m || !info)
		return MOTE_ERROR_INVALID_ARG;
	if (i >= m->ns)
		return MOTE_ERROR_NOT_FOUND;
	*info = m->info[i];
	return 0;
}

int mote_model_set_input(mote_model *m, const char *name, const void *data, size_t bytes)
{
	unsigned i;
	if (!m || !name || (!data && bytes))
		return MOTE_ERROR_INVALID_ARG;
	int rc = mote_model_find(m, name, &i);
	if (rc)
		return rc;
	if (!(m->t[i].flags & MOTE_MF_T_INPUT))
		return MOTE_ERROR_NOT_FOUND;
	if (bytes != m->t[i].bytes)
		return MOTE_ERROR_RANGE;
	memcpy(m->host[i], data, bytes);
	m->host_ok[i] = 1;
	m->dev_ok[i] = 0;
	m->set[i] = 1;
	return 0;
}

/* ---- layout moves ------------------------------------------------------------------ */

/* Tensor i's arena bytes were just written: any other tensor sharing them
 * (arena reuse) no longer has a current device copy. */
static void arena_written(mote_model *m, uint32_t i)
{
	const struct mote_mf_tensor *y = &m->t[i];
	for (uint32_t k = 0; k < m->nt; k++) {
		const struct mote_mf_tensor *t = &m->t[k];
		if ((t->flags & MOTE_MF_T_DEVICE) && t->arena_offset < y->arena_offset + y->bytes &&
		    y->arena_offset < t->arena_offset + t->bytes)
			m->dev_ok[k] = 0;
	}
	m->dev_ok[i] = 1;
}

/* host (NCHW) <-> arena (NHWC), or a plain copy, by bulk transfer.  Only
 * device tensors have an arena range: the loader's dataflow check
 * (model_load.c) guarantees that a host tensor is never fetched, i.e. read
 * before a step or the caller wrote it.  0 or the transfer's error (the
 * copies' flags are then left as they were). */
static int move(mote_model *m, uint32_t i, int to_device)
{
	const struct mote_mf_tensor *t = &m->t[i];
	if (!(t->flags & MOTE_MF_T_DEVICE))
		return 0; /* believed impossible (see above); its host copy stays as it is */
	uint8_t *hv = m->host[i];
	int rc;
	if (!(t->flags & MOTE_MF_T_NHWC)) {
		rc = to_device ? mote_buffer_write(m->dev, m->arena, t->arena_offset, hv, t->bytes)
			       : mote_buffer_read(m->dev, m->arena, t->arena_offset, hv, t->bytes);
	} else {
		size_t C = t->dims[1], HW = (size_t)t->dims[2] * t->dims[3], es = mote_kernel_dtype_size(t->dtype);
		uint8_t *dv = m->stage;
		rc = to_device ? 0 : mote_buffer_read(m->dev, m->arena, t->arena_offset, dv, t->bytes);
		for (size_t c = 0; c < C && !rc; c++)
			for (size_t p = 0; p < HW; p++) {
				uint8_t *h = hv + (c * HW + p) * es, *d = dv + (p * C + c) * es;
				memcpy(to_device ? d : h, to_device ? h : d, es);
			}
		if (to_device && !rc)
			rc = mote_buffer_write(m->dev, m->arena, t->arena_offset, dv, t->bytes);
	}
	if (rc)
		return rc;
	if (to_device)
		arena_written(m, i);
	else
		m->host_ok[i] = 1;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How long a timed-out step's abort may take to end the job. */
#define ABORT_WAIT_MS 1000

static int run_device(mote_model *m, uint32_t k, int timeout_ms)
{
	const struct mote_mf_step *s = &m->s[k];
	int rc;
	for (uint32_t j = 0; j < s->n_in; j++) /* the input, and a fused add's operand */
		if (!m->dev_ok[s->in[j]] && (rc = move(m, (uint32_t)s->in[j], 1)))
			return rc;
	struct mote_job_desc jd = {
		.cmds = m->cbuf,
		.cmd_offset = s->cmd_offset,
		.n_cmds = s->n_cmds,
		.n_windows = 2,
		.windows = {{m->cbuf, MOTE_PERM_R | MOTE_PERM_X}, {m->arena, MOTE_PERM_R | MOTE_PERM_W}},
	};
	struct mote_job_result r;
	memset(&r, 0, sizeof r);
	mote_job job = 0;
	/* Another thread's job holds the device (a model of its own, or a raw
	 * job): runs from several threads queue, each step waiting its turn
	 * within the step's timeout (a step that never started times out
	 * without an abort). */
	const uint64_t t0 = now_ns();
	while ((rc = mote_submit(m->dev, &jd, &job)) == MOTE_ERROR_BUSY) {
		if (timeout_ms != MOTE_TIMEOUT_INFINITE && now_ns() - t0 >= (uint64_t)timeout_ms * 1000000u) {
			rc = MOTE_ERROR_TIMEOUT;
			break;
		}
		struct timespec nap = {0, 50000}; /* 50 us: a job is thousands of cycles */
		nanosleep(&nap, NULL);
	}
	if (!rc)
		rc = mote_wait(m->dev, job, timeout_ms, &r);
	if (rc == MOTE_ERROR_TIMEOUT && job) {
		/* A model run never leaves a job behind: stop it, so the device and
		 * the model's buffers are free again (the hardware abort is prompt;
		 * the wait is bounded anyway).  The run still reports TIMEOUT. */
		mote_abort(m->dev, job);
		mote_wait(m->dev, job, ABORT_WAIT_MS, NULL);
	}
	struct mote_step_info *in = &m->info[k];
	memcpy(in->perf, r.perf, sizeof in->perf);
	in->perf_set = r.perf_set;
	in->hw_error = r.hw_error;
	if (rc)
		return rc;
	arena_written(m, (uint32_t)s->out[0]);
	m->host_ok[s->out[0]] = 0;
	return 0;
}

static int run_host(mote_model *m, uint32_t k)
{
	const struct mote_mf_step *s = &m->s[k];
	struct mote_ktensor in[MOTE_MF_MAX_IO], out;
	uint64_t t0 = now_ns();
	for (uint32_t j = 0; j < s->n_in; j++) {
		uint32_t i = (uint32_t)s->in[j];
		int rc = m->host_ok[i] ? 0 : move(m, i, 0);
		if (rc)
			return rc;
		in[j] = (struct mote_ktensor){.data = m->host[i], .dtype = m->t[i].dtype, .rank = m->t[i].rank};
		for (uint32_t d = 0; d < m->t[i].rank; d++)
			in[j].dims[d] = m->t[i].dims[d];
	}
	uint32_t o = (uint32_t)s->out[0];
	out = (struct mote_ktensor){.data = m->host[o], .dtype = m->t[o].dtype, .rank = m->t[o].rank};
	for (uint32_t d = 0; d < m->t[o].rank; d++)
		out.dims[d] = m->t[o].dims[d];
	int rc = mote_kernel_run(s->op, s->params, in, s->n_in, &out, 1);
	m->info[k].host_ns = now_ns() - t0;
	if (rc)
		return MOTE_ERROR_BAD_MODEL;
	m->host_ok[o] = 1;
	m->dev_ok[o] = 0;
	return 0;
}

int mote_model_run(mote_model *m, int timeout_ms)
{
	if (!m)
		return MOTE_ERROR_INVALID_ARG;
	for (uint32_t i = 0; i < m->nt; i++)
		if ((m->t[i].flags & MOTE_MF_T_INPUT) && !m->set[i])
			return MOTE_ERROR_STATE;
	/* every non-input is recomputed: nothing left from the previous run counts
	 * (constants stay as loaded) */
	for (uint32_t i = 0; i < m->nt; i++)
		if (!(m->t[i].flags & (MOTE_MF_T_INPUT | MOTE_MF_T_CONST)))
			m->host_ok[i] = m->dev_ok[i] = 0;
	for (uint32_t k = 0; k < m->ns; k++) {
		m->info[k].hw_error = 0;
		int rc = m->s[k].kind == MOTE_MF_STEP_DEVICE ? run_device(m, k, timeout_ms) : run_host(m, k);
		if (rc)
			return rc;
	}
	return 0;
}

int mote_model_read(mote_model *m, const char *name, void *data, size_t bytes)
{
	unsigned i;
	if (!m || !name || !data)
		return MOTE_ERROR_INVALID_ARG;
	int rc = mote_model_find(m, name, &i);
	if (rc)
		return rc;
	if (bytes != m->t[i].bytes)
		return MOTE_ERROR_RANGE;
	if (!m->host_ok[i]) {
		if (!m->dev_ok[i])
			return MOTE_ERROR_STATE; /* not computed, or overwritten by a later tensor */
		if ((rc = move(m, i, 0)))
			return rc;
	}
	memcpy(data, m->host[i], bytes);
	return 0;
}
