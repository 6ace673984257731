/* test_model.c: the model API (mote_model_*) on the simulator, with .mote
 * files the compiler wrote (`make test-models` passes their directory):
 * load, tensors, inputs, runs, reads, steps, every error path, allocation
 * failures at each point of a load, the header's feature claim, and the
 * bulk-transfer paths (no host mapping of device memory) under backend
 * failures at each call of a load and a run.
 * Usage: test_model DIR (DIR holds fm_8x8.mote, fm_8x8--keep-tensors.mote,
 * fm_16x16.mote, dscnn_8x8.mote and dscnn_icebreaker.mote). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>
#include <mote/mote_model_format.h>
#include <valgrind/valgrind.h>

#include "../fault_backend.h"
#include "../test_util.h"

static const char *g_dir;

struct blob {
	uint8_t *data;
	size_t len;
};

static struct blob read_model(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", g_dir, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (run via make test-models)", path);
	struct blob b = {0};
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	b.len = (size_t)n;
	b.data = malloc(b.len);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

static mote_device *open_sim(const char *uri)
{
	mote_device *dev = NULL;
	ck_assert_int_eq(mote_open(uri, &dev), 0);
	return dev;
}

static mote_model *load_ok(mote_device *dev, const struct blob *b)
{
	mote_model *m = NULL;
	struct mote_model_diag diag = {{0}};
	int rc = mote_model_load(dev, b->data, b->len, &m, &diag);
	ck_assert_msg(rc == 0, "load: %s: %s", mote_strerror(rc), diag.msg);
	return m;
}

/* The model's only input: its name and size. */
static struct mote_tensor_info the_input(const mote_model *m)
{
	struct mote_tensor_info in = {0}, t;
	unsigned n = 0;
	for (unsigned i = 0; i < mote_model_num_tensors(m); i++) {
		ck_assert_int_eq(mote_model_tensor(m, i, &t), 0);
		if (t.flags & MOTE_TENSOR_INPUT) {
			in = t;
			n++;
		}
	}
	ck_assert_uint_eq(n, 1);
	return in;
}

static struct mote_tensor_info the_output(const mote_model *m)
{
	struct mote_tensor_info out = {0}, t;
	for (unsigned i = 0; i < mote_model_num_tensors(m); i++) {
		ck_assert_int_eq(mote_model_tensor(m, i, &t), 0);
		if (t.flags & MOTE_TENSOR_OUTPUT)
			out = t;
	}
	ck_assert_ptr_nonnull(out.name);
	return out;
}

/* A deterministic image in [0, 1) for a float input. */
static float *make_input(const struct mote_tensor_info *in, unsigned seed)
{
	ck_assert_int_eq(in->dtype, 1);
	size_t n = in->bytes / sizeof(float);
	float *x = malloc(in->bytes);
	ck_assert_ptr_nonnull(x);
	uint32_t s = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		s = s * 1664525u + 1013904223u;
		x[i] = (float)(s >> 8) / 16777216.0f;
	}
	return x;
}

/* Run M on input X and return a copy of its output. */
static uint8_t *run_once(mote_model *m, const float *x, size_t *out_bytes)
{
	struct mote_tensor_info in = the_input(m), out = the_output(m);
	ck_assert_int_eq(mote_model_set_input(m, in.name, x, in.bytes), 0);
	ck_assert_int_eq(mote_model_run(m, 60000), 0);
	uint8_t *y = malloc(out.bytes);
	ck_assert_ptr_nonnull(y);
	ck_assert_int_eq(mote_model_read(m, out.name, y, out.bytes), 0);
	*out_bytes = out.bytes;
	return y;
}

START_TEST(run_twice_and_two_compilations_agree)
{
	struct blob a = read_model("fm_8x8.mote"), b = read_model("fm_8x8--keep-tensors.mote");
	mote_device *dev = open_sim("sim:rows=8,cols=8");
	mote_model *ma = load_ok(dev, &a), *mb = load_ok(dev, &b);
	struct mote_tensor_info in = the_input(ma);
	float *x1 = make_input(&in, 1), *x2 = make_input(&in, 2);
	size_t n1, n2, n3, n4;
	uint8_t *y1 = run_once(ma, x1, &n1), *y2 = run_once(ma, x2, &n2);
	uint8_t *y3 = run_once(ma, x1, &n3), *y4 = run_once(mb, x1, &n4);
	ck_assert_uint_eq(n1, n3);
	ck_assert_uint_eq(n1, n4);
	ck_assert_msg(memcmp(y1, y3, n1) == 0, "the same input twice gave different outputs");
	ck_assert_msg(memcmp(y1, y4, n1) == 0, "arena reuse changed the output");
	ck_assert_msg(memcmp(y1, y2, n1) != 0, "two different images gave the same output");
	/* every device step ran, measured, without a hardware error; host steps took time */
	unsigned dev_steps = 0;
	for (unsigned i = 0; i < mote_model_num_steps(ma); i++) {
		struct mote_step_info s;
		ck_assert_int_eq(mote_model_step(ma, i, &s), 0);
		ck_assert_ptr_nonnull(s.name);
		ck_assert_ptr_nonnull(s.op);
		if (s.on_device) {
			dev_steps++;
			ck_assert_uint_eq(s.hw_error, 0);
			ck_assert_uint_gt(s.macs, 0);
			ck_assert_uint_ge(s.perf[0], s.ideal_cycles);
			ck_assert_uint_gt(s.perf[0], 0);
		}
	}
	ck_assert_uint_gt(dev_steps, 0);
	struct mote_step_info s;
	ck_assert_int_eq(mote_model_step(ma, mote_model_num_steps(ma), &s), MOTE_ERROR_NOT_FOUND);
	free(x1), free(x2), free(y1), free(y2), free(y3), free(y4);
	mote_model_free(ma);
	mote_model_free(mb);
	mote_close(dev);
	free(a.data), free(b.data);
}
END_TEST

START_TEST(api_errors)
{
	struct blob a = read_model("fm_8x8.mote");
	mote_device *dev = open_sim("sim:rows=8,cols=8");
	mote_model *m = NULL;
	ck_assert_int_eq(mote_model_load(NULL, a.data, a.len, &m, NULL), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_model_load(dev, NULL, a.len, &m, NULL), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_model_load(dev, a.data, a.len, NULL, NULL), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_model_load(dev, a.data, a.len - 1, &m, NULL), MOTE_ERROR_BAD_MODEL);
	ck_assert_ptr_null(m);
	m = load_ok(dev, &a);
	struct mote_tensor_info in = the_input(m), out = the_output(m);
	unsigned idx;
	ck_assert_int_eq(mote_model_find(m, in.name, &idx), 0);
	ck_assert_int_eq(mote_model_find(m, "no such tensor", &idx), MOTE_ERROR_NOT_FOUND);
	struct mote_tensor_info t;
	ck_assert_int_eq(mote_model_tensor(m, mote_model_num_tensors(m), &t), MOTE_ERROR_NOT_FOUND);
	float *x = make_input(&in, 3);
	/* nothing runs before the input is set */
	ck_assert_int_eq(mote_model_run(m, 60000), MOTE_ERROR_STATE);
	ck_assert_int_eq(mote_model_set_input(m, "no such input", x, in.bytes), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_model_set_input(m, out.name, x, out.bytes), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_model_set_input(m, in.name, x, in.bytes - 1), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_model_set_input(m, in.name, NULL, in.bytes), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_model_set_input(m, in.name, x, in.bytes), 0);
	ck_assert_int_eq(mote_model_run(m, 60000), 0);
	uint8_t *y = malloc(out.bytes + 1);
	ck_assert_int_eq(mote_model_read(m, out.name, y, out.bytes + 1), MOTE_ERROR_RANGE);
	ck_assert_int_eq(mote_model_read(m, "no such tensor", y, out.bytes), MOTE_ERROR_NOT_FOUND);
	ck_assert_int_eq(mote_model_read(m, out.name, NULL, out.bytes), MOTE_ERROR_INVALID_ARG);
	ck_assert_int_eq(mote_model_read(m, out.name, y, out.bytes), 0);
	mote_model_free(NULL);
	free(x), free(y);
	mote_model_free(m);
	mote_close(dev);
	free(a.data);
}
END_TEST

/* A model for another geometry is refused with a reason; the device stays
 * usable for the right one. */
START_TEST(wrong_geometry_then_right)
{
	struct blob a = read_model("fm_8x8.mote"), b = read_model("fm_16x16.mote");
	mote_device *dev = open_sim("sim:rows=16,cols=16");
	mote_model *m = NULL;
	struct mote_model_diag diag = {{0}};
	ck_assert_int_eq(mote_model_load(dev, a.data, a.len, &m, &diag), MOTE_ERROR_INCOMPATIBLE);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(diag.msg, "8x8") != NULL, "diag: %s", diag.msg);
	m = load_ok(dev, &b);
	struct mote_tensor_info in = the_input(m);
	float *x = make_input(&in, 4);
	size_t n;
	uint8_t *y = run_once(m, x, &n);
	free(x), free(y);
	mote_model_free(m);
	mote_close(dev);
	free(a.data), free(b.data);
}
END_TEST

static void set_features_fix_crc(struct blob *b, uint32_t features)
{
	struct mote_mf_header h;
	memcpy(&h, b->data, sizeof h);
	h.features = features;
	h.crc32 = 0;
	memcpy(b->data, &h, sizeof h);
	h.crc32 = mote_mf_crc32(0, b->data, b->len);
	memcpy(b->data, &h, sizeof h);
}

/* The header declares the features the commands use, not the target's: a
 * dense model does not need DEPTHWISE, and a file hiding a feature its
 * commands use is refused before the device sees it. */
START_TEST(features_are_what_the_commands_use)
{
	struct blob a = read_model("fm_8x8.mote"), d = read_model("dscnn_8x8.mote");
	struct mote_mf_header h;
	memcpy(&h, a.data, sizeof h);
	ck_assert_uint_eq(h.features & MOTE_FEATURES_DEPTHWISE_MASK, 0);
	memcpy(&h, d.data, sizeof h);
	ck_assert_uint_ne(h.features & MOTE_FEATURES_DEPTHWISE_MASK, 0);
	mote_device *dev = open_sim("sim:rows=8,cols=8");
	set_features_fix_crc(&d, h.features & ~MOTE_FEATURES_DEPTHWISE_MASK);
	mote_model *m = NULL;
	struct mote_model_diag diag = {{0}};
	ck_assert_int_eq(mote_model_load(dev, d.data, d.len, &m, &diag), MOTE_ERROR_BAD_MODEL);
	ck_assert_msg(strstr(diag.msg, "features") != NULL, "diag: %s", diag.msg);
	/* a claim beyond the commands is harmless (the device has them all) */
	set_features_fix_crc(&d, h.features | MOTE_FEATURES_XOR_MSB_MASK);
	m = load_ok(dev, &d);
	mote_model_free(m);
	mote_close(dev);
	free(a.data), free(d.data);
}
END_TEST

/* Section id's place in the file (offset, size), or fails. */
static struct mote_mf_section find_section(const struct blob *b, uint32_t id)
{
	struct mote_mf_header h;
	memcpy(&h, b->data, sizeof h);
	for (uint32_t i = 0; i < h.n_sections; i++) {
		struct mote_mf_section s;
		memcpy(&s, b->data + sizeof h + i * sizeof s, sizeof s);
		if (s.id == id)
			return s;
	}
	ck_abort_msg("no section %u", id);
	return (struct mote_mf_section){0};
}

static void fix_crc(struct blob *b)
{
	struct mote_mf_header h;
	memcpy(&h, b->data, sizeof h);
	h.crc32 = 0;
	memcpy(b->data, &h, sizeof h);
	h.crc32 = mote_mf_crc32(0, b->data, b->len);
	memcpy(b->data, &h, sizeof h);
}

/* DS-CNN compiled for the board, whose depthwise convolutions run on the
 * host (MOTE_KOP_CONV) from constant tensors in HOST_CONST: it loads and runs
 * there, twice the same (the constants are not recomputed away), and every
 * way a file can misplace a constant is refused naming it: bytes outside the
 * section, a constant flagged as a device tensor or a model input, a step
 * writing a constant. */
START_TEST(host_constants_checked)
{
	struct blob a = read_model("dscnn_icebreaker.mote");
	mote_device *dev = open_sim("sim:board=icebreaker");
	mote_model *m = load_ok(dev, &a);
	unsigned consts = 0;
	for (unsigned i = 0; i < mote_model_num_tensors(m); i++) {
		struct mote_tensor_info t;
		ck_assert_int_eq(mote_model_tensor(m, i, &t), 0);
		if (t.flags & MOTE_TENSOR_CONST) {
			consts++;
			ck_assert_uint_ne(t.flags & MOTE_TENSOR_DERIVED, 0);
			ck_assert_uint_eq(t.flags & (MOTE_TENSOR_INPUT | MOTE_TENSOR_OUTPUT | MOTE_TENSOR_DEVICE), 0);
		}
	}
	ck_assert_uint_eq(consts, 12); /* weights, bias, multipliers of 4 depthwise convolutions */
	unsigned host_convs = 0, dev_conv = 0, dev_fc = 0, dev_other = 0;
	for (unsigned i = 0; i < mote_model_num_steps(m); i++) {
		struct mote_step_info si;
		ck_assert_int_eq(mote_model_step(m, i, &si), 0);
		host_convs += !si.on_device && !strcmp(si.op, "CONV");
		/* device steps named by their layer: the stem and the 1x1 convolutions, the classifier */
		dev_conv += si.on_device && !strcmp(si.op, "conv");
		dev_fc += si.on_device && !strcmp(si.op, "fc");
		dev_other += si.on_device && strcmp(si.op, "conv") && strcmp(si.op, "fc");
	}
	ck_assert_uint_eq(host_convs, 4);
	ck_assert_uint_eq(dev_conv, 5);
	ck_assert_uint_eq(dev_fc, 1);
	ck_assert_uint_eq(dev_other, 0);
	struct mote_tensor_info in = the_input(m);
	float *x = make_input(&in, 5);
	size_t n1, n2;
	uint8_t *y1 = run_once(m, x, &n1), *y2 = run_once(m, x, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(y1, y2, n1);
	mote_model_free(m);

	struct mote_mf_section ts = find_section(&a, MOTE_MF_SEC_TENSORS), hs = find_section(&a, MOTE_MF_SEC_HOST_CONST);
	struct mote_mf_section ss = find_section(&a, MOTE_MF_SEC_STEPS);
	uint32_t ci = UINT32_MAX;
	for (uint32_t i = 0; i < ts.count && ci == UINT32_MAX; i++) {
		struct mote_mf_tensor t;
		memcpy(&t, a.data + ts.offset + i * sizeof t, sizeof t);
		if (t.flags & MOTE_MF_T_CONST)
			ci = i;
	}
	ck_assert_uint_ne(ci, UINT32_MAX);
	static const char *const want[] = {"HOST_CONST", "HOST_CONST", "device tensor", "model input",
					   "already a model input, a constant"};
	for (int k = 0; k < 5; k++) {
		struct blob b = {malloc(a.len), a.len};
		ck_assert_ptr_nonnull(b.data);
		memcpy(b.data, a.data, a.len);
		struct mote_mf_tensor t;
		uint8_t *rec = b.data + ts.offset + ci * sizeof t;
		memcpy(&t, rec, sizeof t);
		switch (k) {
		case 0: t.arena_offset = hs.size - t.bytes + 1; break; /* one byte past the section */
		case 1: t.arena_offset = UINT32_MAX - 2; break;        /* wrapping */
		case 2: t.flags |= MOTE_MF_T_DEVICE; break;
		case 3: t.flags |= MOTE_MF_T_INPUT; break;
		case 4: {                                                /* the first step writes the constant */
			struct mote_mf_step st;
			memcpy(&st, b.data + ss.offset, sizeof st);
			st.out[0] = (int32_t)ci;
			memcpy(b.data + ss.offset, &st, sizeof st);
			break;
		}
		}
		memcpy(rec, &t, sizeof t);
		fix_crc(&b);
		struct mote_model_diag diag = {{0}};
		mote_model *bad = NULL;
		ck_assert_int_eq(mote_model_load(dev, b.data, b.len, &bad, &diag), MOTE_ERROR_BAD_MODEL);
		ck_assert_ptr_null(bad);
		ck_assert_msg(strstr(diag.msg, want[k]) != NULL, "mutation %d: %s", k, diag.msg);
		free(b.data);
	}
	m = load_ok(dev, &a); /* the device is as it was */
	uint8_t *y3 = run_once(m, x, &n2);
	ck_assert_mem_eq(y1, y3, n1);
	mote_model_free(m);
	free(x), free(y1), free(y2), free(y3);
	mote_close(dev);
	free(a.data);
}
END_TEST

/* Fail each host allocation of a load in turn: every failure is NO_MEM with
 * nothing leaked, and the device loads the model afterwards. */
START_TEST(load_survives_each_allocation_failure)
{
	struct blob a = read_model("fm_8x8.mote");
	int loaded = 0;
	long failures = 0;
	for (long k = 0; k < 200 && !loaded; k++) {
		struct count_hooks hk;
		count_hooks_init(&hk, -1);
		struct mote_open_options opt = {.hooks = &hk.hooks};
		mote_device *dev = NULL;
		ck_assert_int_eq(mote_open_ex("sim:rows=8,cols=8", &opt, &dev), 0);
		hk.fail_at = hk.allocs + k;
		mote_model *m = NULL;
		int rc = mote_model_load(dev, a.data, a.len, &m, NULL);
		if (rc == 0) {
			loaded = 1;
			mote_model_free(m);
		} else {
			ck_assert_msg(rc == MOTE_ERROR_NO_MEM, "allocation %ld failed: %s", k, mote_strerror(rc));
			ck_assert_ptr_null(m);
			failures++;
			hk.fail_at = -1;
			m = load_ok(dev, &a);
			mote_model_free(m);
		}
		mote_close(dev);
		ck_assert_int_eq(hk.allocs, hk.frees);
	}
	ck_assert_msg(loaded, "the load never succeeded");
	ck_assert_msg(failures > 0, "the load allocated nothing through the device's hooks");
	free(a.data);
}
END_TEST

/* Through a wrapper hiding the device's host mapping (every byte by bulk
 * transfer) the model gives the same output as mapped; each backend call of
 * a load and a run failing in turn is an I/O error with nothing leaked and
 * nothing left pinned, and the same device then loads and runs it right.
 * Under valgrind (test-models runs this binary there too: 50 times slower)
 * every 16th call fails; the sanitizer build fails each one. */
START_TEST(bulk_paths_survive_each_backend_failure)
{
	struct blob a = read_model("fm_8x8.mote");
	mote_device *dev = open_sim("sim:rows=8,cols=8");
	mote_model *m = load_ok(dev, &a);
	struct mote_tensor_info in = the_input(m);
	float *x = make_input(&in, 3);
	size_t nref;
	uint8_t *ref = run_once(m, x, &nref);
	char *in_name = strdup(in.name); /* in.name dies with m */
	in.name = in_name;
	mote_model_free(m);
	mote_close(dev);
	long k = 0, happened = 1, step = RUNNING_ON_VALGRIND ? 16 : 1;
	for (; happened; k += step) {
		struct count_hooks hk;
		struct fault_be f;
		struct mote_open_options opt = {.hooks = &hk.hooks};
		count_hooks_init(&hk, -1);
		fault_be_init(&f, -1, 0, MOTE_ERROR_IO);
		f.hide_map = 1;
		dev = NULL;
		ck_assert_int_eq(mote__open_wrapped("sim:rows=8,cols=8,mem=1M", &opt, fb_wrap, &f, &dev), 0);
		f.fail_at = f.calls + k;
		m = NULL;
		int rc = mote_model_load(dev, a.data, a.len, &m, NULL);
		if (!rc) {
			ck_assert_int_eq(mote_model_set_input(m, in.name, x, in.bytes), 0);
			rc = mote_model_run(m, 60000);
		}
		happened = f.failed > 0;
		f.fail_at = -1;
		if (!happened) {
			size_t n;
			ck_assert_int_eq(rc, 0);
			uint8_t *y = run_once(m, x, &n);
			ck_assert_uint_eq(n, nref);
			ck_assert_int_eq(memcmp(y, ref, n), 0);
			free(y);
		} else {
			ck_assert_msg(rc == MOTE_ERROR_IO, "call %ld: %s", k, mote_error_name(rc));
			if (!m)
				m = load_ok(dev, &a);
			size_t n;
			uint8_t *y = run_once(m, x, &n);
			ck_assert_int_eq(memcmp(y, ref, n), 0);
			free(y);
		}
		mote_model_free(m);
		/* everything the model took is back: the whole memory is one block */
		mote_buffer *big = NULL;
		struct mote_device_info di;
		ck_assert_int_eq(mote_device_info(dev, &di), 0);
		ck_assert_int_eq(mote_buffer_alloc(dev, (size_t)di.mem_size - MOTE_WINDOW_ALIGN, &big), 0);
		ck_assert_int_eq(mote_buffer_free(dev, big), 0);
		mote_close(dev);
		ck_assert_int_eq(hk.allocs, hk.frees);
	}
	printf("model load and run: every %ld of %ld backend calls failed in turn\n", step, k - step);
	ck_assert_int_gt(k, 50);
	free(ref), free(x), free(a.data), free(in_name);
}
END_TEST

/* One thread's share of the stress test: its own model on a shared device,
 * RUNS runs of its own input, each output compared with the one the model
 * gave alone before the threads started. */
struct runner {
	mote_model *m;
	const float *x;
	const uint8_t *ref;
	size_t out_bytes;
	int runs, ok, first_rc;
};

static void *runner_main(void *p)
{
	struct runner *r = p;
	struct mote_tensor_info in = the_input(r->m), out = the_output(r->m);
	uint8_t *y = malloc(r->out_bytes);
	for (int i = 0; y && i < r->runs; i++) {
		int rc = mote_model_set_input(r->m, in.name, r->x, in.bytes);
		if (!rc)
			rc = mote_model_run(r->m, 60000);
		if (!rc)
			rc = mote_model_read(r->m, out.name, y, out.bytes);
		if (!rc && !memcmp(y, r->ref, r->out_bytes))
			r->ok++;
		else if (!r->first_rc)
			r->first_rc = rc ? rc : 1;
	}
	free(y);
	return NULL;
}

/* Threads running models on shared devices queue (mote.h: any number of
 * threads may call into one device): two devices, two models each (one of
 * them a second load of the same file), a thread per model; every run
 * succeeds (no BUSY: a step waits for the other thread's job) with the bytes
 * the model gives alone.  Under helgrind too (make test-models). */
START_TEST(threads_queue_on_a_device)
{
	const int runs = RUNNING_ON_VALGRIND ? 3 : 30;
	static const char *const files[4] = {"fm_8x8.mote", "dscnn_8x8.mote", "fm_16x16.mote", "fm_16x16.mote"};
	mote_device *dev[2] = {open_sim("sim:rows=8,cols=8"), open_sim("sim:rows=16,cols=16")};
	struct blob b[4];
	struct runner r[4];
	float *x[4];
	pthread_t th[4];
	memset(r, 0, sizeof r);
	for (int i = 0; i < 4; i++) {
		b[i] = read_model(files[i]);
		r[i].m = load_ok(dev[i / 2], &b[i]);
		struct mote_tensor_info in = the_input(r[i].m);
		x[i] = make_input(&in, 10 + (unsigned)i);
		r[i].x = x[i];
		r[i].ref = run_once(r[i].m, x[i], &r[i].out_bytes);
		r[i].runs = runs;
	}
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, runner_main, &r[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 4; i++) {
		ck_assert_msg(r[i].ok == runs, "%s, thread %d: %d of %d runs right, first failure %s", files[i], i, r[i].ok,
			      runs, r[i].first_rc > 0 ? "wrong bytes" : mote_error_name(r[i].first_rc));
		mote_model_free(r[i].m);
		free((void *)r[i].ref), free(x[i]), free(b[i].data);
	}
	mote_close(dev[0]);
	mote_close(dev[1]);
}
END_TEST

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR (the .mote files of make test-models)\n", argv[0]);
		return 2;
	}
	g_dir = argv[1];
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("model");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, run_twice_and_two_compilations_agree);
	tcase_add_test(tc, api_errors);
	tcase_add_test(tc, wrong_geometry_then_right);
	tcase_add_test(tc, features_are_what_the_commands_use);
	tcase_add_test(tc, host_constants_checked);
	tcase_add_test(tc, load_survives_each_allocation_failure);
	tcase_add_test(tc, bulk_paths_survive_each_backend_failure);
	suite_add_tcase(s, tc);
	TCase *tt = tcase_create("threads");
	tcase_set_timeout(tt, 600);
	tcase_add_test(tt, threads_queue_on_a_device);
	suite_add_tcase(s, tt);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
