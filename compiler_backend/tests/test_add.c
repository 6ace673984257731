/* test_add.c: the quantized add shared by the host ADD kernel and STORE ADD:
 * the multipliers (largest shift, ties, limits, symmetry), the integer sum
 * against an exact rational reference (ties to even, saturation, Relu, the
 * operands swapped); and the compiler's fusion of Adds into the STOREs of
 * ResNet-8's device steps (which step, which operand, the STORE fields),
 * or no fusion without FEATURES.STORE_ADD. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test_util.h"
#include "ir/ir.h"
#include "model/model.h"
#include "mote/mote_hw.h"
#include "mote/mote_kernels.h"
#include "mote/mote_model_format.h"

/* ---- multipliers ------------------------------------------------------------ */

static struct mote_add_mults mults(float sa, float sb, float sy)
{
	struct mote_add_mults m = {0, 0, 99};
	ck_assert_int_eq(mote_kernel_add_mults(sa, sb, sy, &m), 0);
	return m;
}

START_TEST(mults_by_hand)
{
	/* 0.5 * 2^17 = 65536 does not fit: S = 16 */
	struct mote_add_mults m = mults(0.5f, 0.25f, 1.0f);
	ck_assert_uint_eq(m.shift, 16);
	ck_assert_uint_eq(m.mult_a, 32768);
	ck_assert_uint_eq(m.mult_b, 16384);
	/* ratio 1: 65535 < 2^16, so S = 15 with 32768 */
	m = mults(3.0f, 3.0f, 3.0f);
	ck_assert_uint_eq(m.shift, 15);
	ck_assert_uint_eq(m.mult_a, 32768);
	ck_assert_uint_eq(m.mult_b, 32768);
	/* the largest ratios: S = 0; 65534.5 rounds to even 65534, 65535.5 to 65536 (no fit) */
	m = mults(65534.5f, 1.0f, 1.0f);
	ck_assert_uint_eq(m.shift, 0);
	ck_assert_uint_eq(m.mult_a, 65534);
	ck_assert_uint_eq(m.mult_b, 1);
	m = mults(65535.0f, 0.5f, 1.0f);
	ck_assert_uint_eq(m.shift, 0);
	ck_assert_uint_eq(m.mult_b, 0); /* 0.5 rounds to even 0 */
	struct mote_add_mults keep = {7, 8, 9};
	ck_assert_int_eq(mote_kernel_add_mults(65535.5f, 1.0f, 1.0f, &keep), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_add_mults(1.0f, 70000.0f, 1.0f, &keep), MOTE_KERNEL_EPARAM);
	ck_assert_uint_eq(keep.mult_a, 7); /* untouched on failure */
	/* tiny ratios reach S = 63; smaller ones give a zero multiplier */
	m = mults(1.0f, 1e-30f, 1.0f);
	ck_assert_uint_eq(m.shift, 15);
	ck_assert_uint_eq(m.mult_b, 0);
	m = mults(ldexpf(1.0f, -60), ldexpf(1.0f, -62), 1.0f);
	ck_assert_uint_eq(m.shift, 63);
	ck_assert_uint_eq(m.mult_a, 8);
	ck_assert_uint_eq(m.mult_b, 2);
	/* bad scales */
	ck_assert_int_eq(mote_kernel_add_mults(0.0f, 1.0f, 1.0f, &keep), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_add_mults(1.0f, -1.0f, 1.0f, &keep), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_add_mults(1.0f, 1.0f, INFINITY, &keep), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_add_mults(NAN, 1.0f, 1.0f, &keep), MOTE_KERNEL_EPARAM);
	ck_assert_int_eq(mote_kernel_add_mults(1.0f, 1.0f, 1.0f, NULL), MOTE_KERNEL_EPARAM);
}
END_TEST

/* The definition: largest S with round(max * 2^S) <= 65535, checked against
 * S + 1 and the multipliers re-derived in long double; swapping the scales
 * swaps the multipliers only. */
START_TEST(mults_random)
{
	uint64_t s = 0xadd1;
	for (int i = 0; i < 20000; i++) {
		float sa = ldexpf((float)tc_range(&s, 1, 1 << 20), (int)tc_range(&s, -40, 0));
		float sb = ldexpf((float)tc_range(&s, 1, 1 << 20), (int)tc_range(&s, -40, 0));
		float sy = ldexpf((float)tc_range(&s, 1, 1 << 20), (int)tc_range(&s, -40, 0));
		struct mote_add_mults m, w;
		int rc = mote_kernel_add_mults(sa, sb, sy, &m);
		long double ra = (long double)sa / sy, rb = (long double)sb / sy, mx = ra > rb ? ra : rb;
		if (rc) {
			ck_assert(nearbyintl(mx) > 65535.0L);
			continue;
		}
		/* plain ifs: Check's bookkeeping is slow in loops */
		if (m.shift > 63 || nearbyintl(ldexpl(mx, (int)m.shift)) > 65535.0L ||
		    (m.shift < 63 && nearbyintl(ldexpl(mx, (int)m.shift + 1)) <= 65535.0L) ||
		    m.mult_a != (uint32_t)nearbyintl(ldexpl(ra, (int)m.shift)) ||
		    m.mult_b != (uint32_t)nearbyintl(ldexpl(rb, (int)m.shift)))
			ck_abort_msg("sa %a sb %a sy %a: %u %u >> %u", sa, sb, sy, m.mult_a, m.mult_b, m.shift);
		if (mote_kernel_add_mults(sb, sa, sy, &w) || w.shift != m.shift || w.mult_a != m.mult_b ||
		    w.mult_b != m.mult_a)
			ck_abort_msg("swapped scales sa %a sb %a sy %a", sa, sb, sy);
	}
}
END_TEST

/* ---- the integer sum -------------------------------------------------------- */

/* round_half_even(z / 2^s) by exact division (independent of the kernel's shifts) */
static int64_t rhe_div(__int128 z, unsigned s)
{
	__int128 d = (__int128)1 << s, q = z / d, r = z - q * d;
	if (r < 0)
		q -= 1, r += d;
	if (2 * r > d || (2 * r == d && (q & 1)))
		q += 1;
	return (int64_t)q;
}

START_TEST(sum_ties_and_limits)
{
	struct mote_add_mults h = {1, 1, 1}; /* z / 2 */
	static const int32_t da[] = {1, 3, 5, -1, -3, -5, 2, -2, 0};
	static const int64_t want[] = {0, 2, 2, 0, -2, -2, 1, -1, 0}; /* ties to the even neighbour */
	for (unsigned i = 0; i < sizeof da / sizeof da[0]; i++)
		ck_assert_int_eq(mote_kernel_add_sum(da[i], 0, &h), want[i]);
	/* shift 0: the exact sum; the extremes of 17-bit differences and 16-bit multipliers */
	struct mote_add_mults e = {65535, 65535, 0};
	ck_assert_int_eq(mote_kernel_add_sum(65535, 65535, &e), (int64_t)2 * 65535 * 65535);
	ck_assert_int_eq(mote_kernel_add_sum(-65536, -65536, &e), (int64_t)-2 * 65536 * 65535);
	e.shift = 63; /* every value rounds to 0 (|z| < 2^62) */
	ck_assert_int_eq(mote_kernel_add_sum(-65536, -65536, &e), 0);
	ck_assert_int_eq(mote_kernel_add_sum(65535, 65535, &e), 0);
	uint64_t s = 0x5e;
	for (int i = 0; i < 200000; i++) {
		struct mote_add_mults m = {(uint32_t)tc_range(&s, 0, 65535), (uint32_t)tc_range(&s, 0, 65535),
					   (uint32_t)tc_range(&s, 0, 63)};
		if (i % 4 == 0)
			m.shift = (uint32_t)tc_range(&s, 0, 4); /* many exact ties */
		int32_t a = (int32_t)tc_range(&s, -65536, 65535), b = (int32_t)tc_range(&s, -65536, 65535);
		__int128 z = (__int128)a * m.mult_a + (__int128)b * m.mult_b;
		struct mote_add_mults w = {m.mult_b, m.mult_a, m.shift};
		int64_t got = mote_kernel_add_sum(a, b, &m);
		if (got != rhe_div(z, m.shift) || mote_kernel_add_sum(b, a, &w) != got)
			ck_abort_msg("a %d b %d mults %u %u shift %u: %lld", a, b, m.mult_a, m.mult_b, m.shift,
				     (long long)got);
	}
}
END_TEST

/* The kernel on whole tensors: the formula with its saturation and Relu,
 * int8 and uint8 operands, and a/b swapped giving the same bytes. */
static void run_add(const int32_t *p, const void *a, int32_t ta, const void *b, int32_t tb, void *y, int32_t ty,
		    int64_t n)
{
	struct mote_ktensor in[2] = {{(void *)a, ta, 1, {n}}, {(void *)b, tb, 1, {n}}};
	struct mote_ktensor out = {y, ty, 1, {n}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_ADD, p, in, 2, &out, 1), 0);
}

static int32_t byte_val(const uint8_t *d, int32_t t, int64_t i) { return t == MOTE_KT_INT8 ? (int8_t)d[i] : d[i]; }

START_TEST(kernel_formula)
{
	enum { N = 4096 };
	uint8_t a[N], b[N], y[N], y2[N];
	uint64_t s = 0xab;
	for (int it = 0; it < 60; it++) {
		int32_t ta = tc_rand(&s) & 1 ? MOTE_KT_INT8 : MOTE_KT_UINT8, tb = tc_rand(&s) & 1 ? MOTE_KT_INT8 : MOTE_KT_UINT8;
		int32_t ty = tc_rand(&s) & 1 ? MOTE_KT_INT8 : MOTE_KT_UINT8;
		int32_t lo_a = ta == MOTE_KT_INT8 ? -128 : 0, lo_b = tb == MOTE_KT_INT8 ? -128 : 0;
		int32_t lo = ty == MOTE_KT_INT8 ? -128 : 0, hi = lo + 255;
		float sa = (float)tc_range(&s, 1, 1000) / 997.0f, sb = (float)tc_range(&s, 1, 1000) / 991.0f;
		float sy = it % 3 == 0 ? sa / 8 : (float)tc_range(&s, 1, 1000) / 983.0f; /* / 8: saturates */
		int32_t p[MOTE_KERNEL_NPARAMS] = {0};
		p[0] = mote_kernel_fbits(sa), p[1] = (int32_t)tc_range(&s, lo_a, lo_a + 255);
		p[2] = mote_kernel_fbits(sb), p[3] = (int32_t)tc_range(&s, lo_b, lo_b + 255);
		p[4] = mote_kernel_fbits(sy), p[5] = (int32_t)tc_range(&s, lo, hi), p[6] = it % 2;
		for (int i = 0; i < N; i++)
			a[i] = (uint8_t)tc_rand(&s), b[i] = (uint8_t)tc_rand(&s);
		run_add(p, a, ta, b, tb, y, ty, N);
		struct mote_add_mults m = mults(sa, sb, sy);
		unsigned sat = 0;
		for (int i = 0; i < N; i++) {
			__int128 z = (__int128)(byte_val(a, ta, i) - p[1]) * m.mult_a +
				     (__int128)(byte_val(b, tb, i) - p[3]) * m.mult_b;
			int64_t v = rhe_div(z, m.shift) + p[5], l = p[6] ? p[5] : lo;
			sat += v < l || v > hi;
			v = v < l ? l : v > hi ? hi : v;
			if (byte_val(y, ty, i) != v)
				ck_abort_msg("case %d element %d: %d, want %lld", it, i, byte_val(y, ty, i), (long long)v);
		}
		if (it % 3 == 0)
			ck_assert_uint_gt(sat, N / 8);
		int32_t q[MOTE_KERNEL_NPARAMS];
		memcpy(q, p, sizeof q);
		q[0] = p[2], q[1] = p[3], q[2] = p[0], q[3] = p[1];
		run_add(q, b, tb, a, ta, y2, ty, N);
		ck_assert(memcmp(y, y2, N) == 0);
	}
	/* unrepresentable ratio: a parameter error, nothing written */
	int32_t p[MOTE_KERNEL_NPARAMS] = {0};
	p[0] = mote_kernel_fbits(70000.0f), p[2] = mote_kernel_fbits(1.0f), p[4] = mote_kernel_fbits(1.0f);
	struct mote_ktensor in[2] = {{a, MOTE_KT_INT8, 1, {4}}, {b, MOTE_KT_INT8, 1, {4}}};
	struct mote_ktensor out = {y, MOTE_KT_INT8, 1, {4}};
	ck_assert_int_eq(mote_kernel_run(MOTE_KOP_ADD, p, in, 2, &out, 1), MOTE_KERNEL_EPARAM);
}
END_TEST

/* ---- fusion in the compiler ------------------------------------------------------ */

struct mf {
	void *file;
	size_t len;
	const char *str;
	const struct mote_mf_tensor *t;
	const struct mote_mf_step *s;
	const uint8_t *cmds;
	uint32_t nt, ns, ncmd;
	size_t cbytes; /* the packed stream's */
};

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *b = malloc((size_t)n);
	ck_assert(b && fread(b, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void compile(const void *onnx, size_t len, const struct mote_geometry *g, struct mf *m)
{
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(mote_cc_compile_onnx(onnx, len, g, NULL, NULL, &m->file, &m->len, &d) == 0, "%s", d.msg);
	const uint8_t *f = m->file;
	struct mote_mf_header h;
	memcpy(&h, f, sizeof h);
	for (uint32_t k = 0; k < h.n_sections; k++) {
		struct mote_mf_section sec;
		memcpy(&sec, f + sizeof h + k * sizeof sec, sizeof sec);
		if (sec.id == MOTE_MF_SEC_STRINGS)
			m->str = (const char *)f + sec.offset;
		if (sec.id == MOTE_MF_SEC_TENSORS)
			m->t = (const void *)(f + sec.offset), m->nt = sec.count;
		if (sec.id == MOTE_MF_SEC_STEPS)
			m->s = (const void *)(f + sec.offset), m->ns = sec.count;
		if (sec.id == MOTE_MF_SEC_CMDS)
			m->cmds = f + sec.offset, m->ncmd = sec.count, m->cbytes = sec.size;
	}
	ck_assert(m->str && m->t && m->s && m->cmds);
}

static const char *tname(const struct mf *m, int32_t t) { return m->str + m->t[t].name; }

/* STOREs of step k: how many, and how many with ADD (all fields checked against want) */
static void stores_of(const struct mf *m, uint32_t k, const uint32_t *want, unsigned *n, unsigned *n_add)
{
	*n = *n_add = 0;
	size_t off = m->s[k].cmd_offset;
	for (uint32_t i = 0; i < m->s[k].n_cmds; i++) {
		uint32_t w[MOTE_CMD_WORDS];
		size_t len = mote_cmd_unpack(w, m->cmds + off, m->cbytes - off);
		ck_assert_uint_gt(len, 0);
		off += len;
		if (MOTE_CMD_GET(w, HDR, OPCODE) != MOTE_OP_STORE)
			continue;
		(*n)++;
		if (!MOTE_CMD_GET(w, STORE, ADD))
			continue;
		(*n_add)++;
		for (unsigned f = 9; f <= 12; f++) /* multipliers, zero points, clamp, shift */
			ck_assert_uint_eq(w[f], want[f]);
		ck_assert_uint_eq(MOTE_CMD_GET(w, STORE, ADD_U8), MOTE_CMD_GET(want, STORE, ADD_U8));
		/* the operand's offset within its tensor is the output's within its own */
		int64_t oo = MOTE_CMD_GET(w, STORE, ADDR0) - m->t[m->s[k].out[0]].arena_offset;
		int64_t ro = MOTE_CMD_GET(w, STORE, ADD_ADDR0) - m->t[m->s[k].in[1]].arena_offset;
		ck_assert_int_eq(oo, ro);
	}
}

static long find_step(const struct mf *m, const char *name)
{
	for (uint32_t k = 0; k < m->ns; k++)
		if (!strcmp(m->str + m->s[k].name, name))
			return k;
	return -1;
}

START_TEST(fuse_resnet8)
{
	size_t len;
	void *onnx = slurp("models/mlperf_shapes/resnet8.onnx", &len);
	struct ir_graph g;
	struct mote_cc_diag d = {{0}};
	ck_assert_msg(model_prepare(onnx, len, 1, &g, &d) == 0, "%s", d.msg);
	uint32_t unfused_steps = 0;
	for (int with = 0; with < 2; with++) {
		struct mote_geometry geo = tc_geom(8, 8);
		if (!with)
			geo.features &= ~MOTE_FEATURES_STORE_ADD_MASK;
		struct mf m = {0};
		compile(onnx, len, &geo, &m);
		unsigned adds = 0, host_adds = 0, fused_stores = 0;
		for (uint32_t k = 0; k < m.ns; k++)
			host_adds += m.s[k].kind == MOTE_MF_STEP_HOST && m.s[k].op == MOTE_KOP_ADD;
		for (size_t i = 0; i < g.nn; i++) {
			const struct ir_node *n = &g.n[i];
			if (strcmp(n->op, "QLinearAdd"))
				continue;
			adds++;
			/* the later of the two operands' producers (both device steps in ResNet-8) */
			long pa = -1, pb = -1;
			for (size_t j = 0; j < g.nn; j++)
				for (uint32_t o = 0; o < g.n[j].n_out; o++) {
					pa = g.n[j].out[o] == n->in[0] ? (long)j : pa;
					pb = g.n[j].out[o] == n->in[3] ? (long)j : pb;
				}
			ck_assert(pa >= 0 && pb >= 0);
			const struct ir_node *prod = &g.n[pa > pb ? pa : pb];
			int32_t other = pa > pb ? n->in[3] : n->in[0];
			long k = find_step(&m, prod->name);
			ck_assert_msg(k >= 0, "no step %s", prod->name);
			const struct mote_mf_step *st = &m.s[k];
			ck_assert_uint_eq(st->kind, MOTE_MF_STEP_DEVICE);
			if (!with) {
				ck_assert_uint_eq(st->n_in, 1);
				ck_assert_str_eq(tname(&m, st->out[0]), g.t[prod->out[0]].name);
				continue;
			}
			ck_assert_uint_eq(st->n_in, 2);
			ck_assert_str_eq(tname(&m, st->out[0]), g.t[n->out[0]].name); /* writes the sum */
			ck_assert_str_eq(tname(&m, st->in[1]), g.t[other].name);
			/* the expected fields, from the Add's own scales and zero points */
			float sc[3];
			int32_t zp[3];
			for (int q = 0; q < 3; q++) { /* inputs: a, sa, za, b, sb, zb, sy, zy */
				uint32_t si = q < 2 ? 1 + 3 * (uint32_t)q : 6;
				memcpy(&sc[q], g.t[n->in[si]].data, sizeof sc[q]);
				zp[q] = *(const int8_t *)g.t[n->in[si + 1]].data;
			}
			int mine = pa > pb ? 0 : 1; /* operand index of the producer's output */
			struct mote_add_mults am = mults(sc[mine], sc[1 - mine], sc[2]);
			const struct ir_attr *relu = ir_attr(n, "mote_relu");
			uint32_t want[MOTE_CMD_WORDS] = {0};
			MOTE_CMD_SET(want, STORE, ADD_MULT_A, am.mult_a);
			MOTE_CMD_SET(want, STORE, ADD_MULT_B, am.mult_b);
			MOTE_CMD_SET(want, STORE, ADD_SHIFT, am.shift);
			MOTE_CMD_SET(want, STORE, ADD_ZP, zp[1 - mine]);
			MOTE_CMD_SET(want, STORE, ADD_OUT_ZP, zp[2]);
			MOTE_CMD_SET(want, STORE, ADD_LO, relu && relu->i ? zp[2] : -128);
			MOTE_CMD_SET(want, STORE, ADD_HI, 127);
			unsigned ns, na;
			stores_of(&m, (uint32_t)k, want, &ns, &na);
			ck_assert_uint_gt(ns, 0);
			ck_assert_uint_eq(na, ns); /* every STORE of the step adds */
			fused_stores += na;
			/* the producer's own output is gone from the file */
			for (uint32_t t = 0; t < m.nt; t++)
				ck_assert_str_ne(tname(&m, (int32_t)t), g.t[prod->out[0]].name);
		}
		ck_assert_uint_eq(adds, 3);
		ck_assert_uint_eq(host_adds, with ? 0 : 3);
		/* no STORE of any other step adds */
		unsigned all_add = 0;
		for (size_t i = 0, off = 0; i < m.ncmd; i++) {
			uint32_t w[MOTE_CMD_WORDS];
			size_t clen = mote_cmd_unpack(w, m.cmds + off, m.cbytes - off);
			ck_assert_uint_gt(clen, 0);
			off += clen;
			all_add += MOTE_CMD_GET(w, HDR, OPCODE) == MOTE_OP_STORE && MOTE_CMD_GET(w, STORE, ADD);
		}
		ck_assert_uint_eq(all_add, fused_stores);
		/* fusing removes exactly the three host ADD steps */
		if (!with)
			unfused_steps = m.ns;
		else
			ck_assert_uint_eq(m.ns + 3, unfused_steps);
		mote_cc_free(m.file);
	}
	ir_graph_free(&g);
	free(onnx);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("add");
	TCase *tc = tcase_create("add");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, mults_by_hand);
	tcase_add_test(tc, mults_random);
	tcase_add_test(tc, sum_ties_and_limits);
	tcase_add_test(tc, kernel_formula);
	tcase_add_test(tc, fuse_resnet8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
