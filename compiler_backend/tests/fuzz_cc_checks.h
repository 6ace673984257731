/* fuzz_cc_checks.h: what the compiler fuzz targets (fuzz_onnx.c,
 * fuzz_tflite.c) check of every result: a refusal is an enum
 * mote_cc_status with a terminated diagnostic, an accepted model a .mote
 * file whose magic, size and CRC-32 are right; touch() reads every byte of
 * a tensor so that ASan checks its whole range. */
#ifndef MOTE_FUZZ_CC_CHECKS_H
#define MOTE_FUZZ_CC_CHECKS_H

#include <string.h>

#include "fuzz_harness.h"
#include "mote/mote_compiler.h"
#include "mote/mote_model_format.h"

static inline void check_refusal(const char *what, int st, const struct mote_cc_diag *d)
{
	if (st >= 0 || st <= -MOTE_CC_STATUS_COUNT)
		fz_fail("%s returned %d, not an enum mote_cc_status", what, st);
	if (!d->msg[0])
		fz_fail("%s refused the input (%s) without a diagnostic", what, mote_cc_status_name(st));
	if (!memchr(d->msg, 0, sizeof d->msg))
		fz_fail("%s: diagnostic not terminated", what);
}

static inline void check_model(const uint8_t *m, size_t len)
{
	struct mote_mf_header h;
	if (!m || len < sizeof h)
		fz_fail("compiled model of %zu bytes (%s)", len, m ? "short" : "NULL");
	memcpy(&h, m, sizeof h);
	if (h.magic != MOTE_MF_MAGIC || h.version != MOTE_MF_VERSION || h.file_bytes != len)
		fz_fail("compiled model: magic 0x%08x version %u file_bytes %u of %zu", h.magic, h.version,
			h.file_bytes, len);
	uint32_t want = h.crc32;
	h.crc32 = 0;
	uint32_t got = mote_mf_crc32(mote_mf_crc32(0, &h, sizeof h), m + sizeof h, len - sizeof h);
	if (got != want)
		fz_fail("compiled model: CRC 0x%08x, computed 0x%08x", want, got);
}

/* Sum of a tensor's bytes: every byte read, so ASan checks the whole range. */
static inline unsigned touch(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	unsigned s = 0;
	for (size_t i = 0; i < n; i++)
		s += b[i];
	return s;
}

#endif
