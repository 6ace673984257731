/* tfl_malformed.c: malformed copies of a well-formed TFLite model (see
 * tfl_malformed.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/flatbuf.h"
#include "tfl_malformed.h"
#include "import/tflite_read.h"

/* Positions inside a trusted model, found with the flatbuffer accessors. */
struct where {
	struct fb f;
	struct fb_table model, sg;
	struct fb_vec subgraphs, tensors, ops;
};

static void locate(const uint8_t *b, size_t len, struct where *w, struct mote_cc_diag *d)
{
	w->f = (struct fb){.p = b, .len = len, .budget = UINT64_MAX, .diag = d};
	ck_assert_int_eq(fb_root(&w->f, "model", &w->model), 0);
	ck_assert_int_eq(fb_vector(&w->f, &w->model, 2, "subgraphs", 4, &w->subgraphs), 1);
	ck_assert_int_eq(fb_vec_table(&w->f, &w->subgraphs, 0, "subgraphs[0]", &w->sg), 0);
	ck_assert_int_eq(fb_vector(&w->f, &w->sg, 0, "tensors", 4, &w->tensors), 1);
	ck_assert_int_eq(fb_vector(&w->f, &w->sg, 3, "operators", 4, &w->ops), 1);
}

/* Position of field id of table t (present). */
static size_t field_pos(const uint8_t *b, const struct fb_table *t, unsigned id)
{
	uint16_t off = fb_u16(b + t->vt + 4 + 2 * id);
	ck_assert_uint_ne(off, 0);
	return t->pos + off;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A copy of the model with a 4-byte patch at pos; tfl_read must fail with
 * status rc and exactly the message msg. */
static void expect_patch(const uint8_t *b, size_t len, size_t pos, uint32_t v, int rc, const char *msg)
{
	uint8_t *c = malloc(len);
	ck_assert(c != NULL);
	memcpy(c, b, len);
	put_le32(c + pos, v);
	struct tfl_model m;
	struct mote_cc_diag d = {{0}};
	int got = tfl_read(c, len, &m, &d);
	ck_assert_msg(got == rc && strcmp(d.msg, msg) == 0, "patch at %zu: got %s '%s', expected %s '%s'", pos,
		      mote_cc_status_name(got), d.msg, mote_cc_status_name(rc), msg);
	free(c);
}

void tfl_malformed_checks(const uint8_t *b, size_t len)
{
	struct mote_cc_diag d = {{0}};
	struct tfl_model m;
	ck_assert_msg(tfl_read(b, len, &m, &d) == 0, "%s", d.msg);
	const uint32_t n_buffers = m.n_buffers, n_codes = m.n_codes, n_tensors = m.n_tensors;
	ck_assert_uint_ge(m.n_ops, 13);
	ck_assert_uint_ge(m.ops[12].n_in, 1);
	ck_assert_uint_ge(n_tensors, 4);
	tfl_model_free(&m);
	struct where w;
	locate(b, len, &w, &d);
	char msg[192];

	/* truncated: too short, no identifier, then cut inside the data */
	ck_assert_int_eq(tfl_read(b, 7, &m, &d), MOTE_CC_EFORMAT);
	ck_assert_str_eq(d.msg, "tflite: no \"TFL3\" file identifier at bytes 4..7");
	for (size_t cut = 8; cut < len; cut += cut / 3 + 1) {
		int rc = tfl_read(b, cut, &m, &d);
		ck_assert_msg(rc == MOTE_CC_EFORMAT && strstr(d.msg, "past the end"), "cut at %zu: %s '%s'", cut,
			      mote_cc_status_name(rc), d.msg);
	}
	/* the root offset past the end */
	snprintf(msg, sizeof msg, "tflite: root offset 4294967280 points past the end of the buffer (%zu bytes)", len);
	expect_patch(b, len, 0, 0xfffffff0u, MOTE_CC_EFORMAT, msg);
	/* a vector whose length runs past the end */
	struct fb_table op12;
	ck_assert_int_eq(fb_vec_table(&w.f, &w.ops, 12, "operators[12]", &op12), 0);
	size_t in_field = field_pos(b, &op12, 1), in_vec = in_field + fb_u32(b + in_field);
	expect_patch(b, len, in_vec, 0x40000000u, MOTE_CC_EFORMAT,
		     "tflite: operators[12].inputs: vector of 1073741824 elements runs past the end of the buffer");
	/* a cycle: subgraphs[0]'s offset made to wrap back onto the subgraph vector
	 * itself (with 32-bit sums it would point 4 bytes back); summed in 64
	 * bits it points past the end */
	expect_patch(b, len, w.subgraphs.pos, 0xfffffffcu, MOTE_CC_EFORMAT,
		     "tflite: subgraphs[0]: offset points past the end of the buffer");
	/* an operator's offset pointing at its own vector: a table there has a
	 * vtable outside the buffer or is read as one, never looped over */
	expect_patch(b, len, w.ops.pos + 4 * 3, 0x7ffffff0u, MOTE_CC_EFORMAT,
		     "tflite: operators[3]: offset points past the end of the buffer");
	/* a table whose vtable lies outside the buffer */
	struct fb_table t3;
	ck_assert_int_eq(fb_vec_table(&w.f, &w.tensors, 3, "tensors[3]", &t3), 0);
	expect_patch(b, len, t3.pos, 0x80000000u, MOTE_CC_EFORMAT,
		     "tflite: tensors[3]: vtable (soffset -2147483648) lies outside the buffer");
	/* a buffer index out of range */
	snprintf(msg, sizeof msg, "tflite: tensors[3].buffer: index 999, the model has %u buffers", n_buffers);
	expect_patch(b, len, field_pos(b, &t3, 2), 999, MOTE_CC_EFORMAT, msg);
	/* an operator code index out of range */
	snprintf(msg, sizeof msg, "tflite: operators[12].opcode_index: %u, the model has %u operator codes", n_codes,
		 n_codes);
	expect_patch(b, len, field_pos(b, &op12, 0), n_codes, MOTE_CC_EFORMAT, msg);
	/* a tensor index out of range */
	snprintf(msg, sizeof msg, "tflite: operators[12].inputs[0]: tensor index %u, the subgraph has %u tensors",
		 n_tensors, n_tensors);
	expect_patch(b, len, in_vec + 4, n_tensors, MOTE_CC_EFORMAT, msg);
	/* a string without its NUL */
	size_t name_field = field_pos(b, &t3, 3), name = name_field + fb_u32(b + name_field);
	uint32_t name_len = fb_u32(b + name);
	uint8_t *c = malloc(len);
	ck_assert(c != NULL);
	memcpy(c, b, len);
	c[name + 4 + name_len] = 'x';
	ck_assert_int_eq(tfl_read(c, len, &m, &d), MOTE_CC_EFORMAT);
	snprintf(msg, sizeof msg, "tflite: tensors[3].name: string of %u bytes has no NUL terminator", name_len);
	ck_assert_str_eq(d.msg, msg);
	free(c);
	/* a field outside its table: the model's vtable made to say its table
	 * has 4 bytes (the model's vtable is its own; an operator's may be
	 * shared with others of the same layout) */
	snprintf(msg, sizeof msg, "tflite: model.version: field at offset %u lies outside its table of 4 bytes",
		 fb_u16(b + w.model.vt + 4));
	expect_patch(b, len, w.model.vt, (uint32_t)w.model.vsize | 0x0004u << 16, MOTE_CC_EFORMAT, msg);
	/* the schema version */
	expect_patch(b, len, field_pos(b, &w.model, 0), 2, MOTE_CC_ENOTSUP,
		     "tflite: model.version: 2 (this reader takes schema version 3)");
}
