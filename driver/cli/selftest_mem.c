/* selftest_mem.c: `mote selftest`'s memory check, through the buffer API.
 *
 * One buffer over the whole device memory the driver hands out (everything
 * but the first WINDOW_ALIGN bytes), or with --quick over its first
 * ST_QUICK_BYTES.  Three passes, each written whole and then read whole, so
 * a location that answers for another (an aliased address line) holds the
 * later write when it is read:
 *   address     each 32-bit word holds its own device address
 *   inverted    each word holds the complement of its address (with the
 *               first pass every data bit is seen at 0 and at 1 everywhere)
 *   walking     the first ST_WALK_BYTES: walking ones, then walking zeros
 *               (a data line shorted to another)
 * The first bad word is reported with the bits that differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest.h"

#define ST_QUICK_BYTES (8u * 1024)
#define ST_WALK_BYTES (4u * 1024)
#define ST_CHUNK (256u * 1024) /* bytes moved per buffer call */

enum pass { PASS_ADDRESS, PASS_INVERTED, PASS_WALKING };
static const char *const pass_name[] = {"address pass", "inverted-address pass", "walking-ones/zeros pass"};

/* The word a pass puts at device address A (word W of the walking block). */
static uint32_t word_for(enum pass p, uint32_t a, uint32_t w)
{
	switch (p) {
	case PASS_ADDRESS: return a;
	case PASS_INVERTED: return ~a;
	case PASS_WALKING: break;
	}
	return w / 32 % 2 ? ~(1u << w % 32) : 1u << w % 32;
}

static void fill(enum pass p, uint32_t base, size_t off, unsigned char *b, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t v = word_for(p, base + (uint32_t)(off + i), (uint32_t)((off + i) / 4));
		b[i] = (unsigned char)v;
		b[i + 1] = (unsigned char)(v >> 8);
		b[i + 2] = (unsigned char)(v >> 16);
		b[i + 3] = (unsigned char)(v >> 24);
	}
}

struct bad {
	uint64_t words;
	uint32_t addr, wrote, read;
};

/* Write pass P over [0, len) of BUF, then read it all back. */
static int run_pass(mote_device *dev, mote_buffer *buf, uint32_t base, size_t len, enum pass p, unsigned char *want,
		    unsigned char *got, struct bad *bad)
{
	int rc;
	for (size_t off = 0; off < len; off += ST_CHUNK) {
		size_t k = len - off < ST_CHUNK ? len - off : ST_CHUNK;
		fill(p, base, off, want, k);
		if ((rc = mote_buffer_write(dev, buf, off, want, k)) < 0)
			return rc;
	}
	for (size_t off = 0; off < len; off += ST_CHUNK) {
		size_t k = len - off < ST_CHUNK ? len - off : ST_CHUNK;
		if ((rc = mote_buffer_read(dev, buf, off, got, k)) < 0)
			return rc;
		fill(p, base, off, want, k);
		if (!memcmp(want, got, k))
			continue;
		for (size_t i = 0; i + 4 <= k; i += 4) {
			uint32_t w, g;
			memcpy(&w, want + i, 4); /* both little-endian bytes: compared as loaded */
			memcpy(&g, got + i, 4);
			if (w == g)
				continue;
			if (bad->words++ == 0) {
				bad->addr = base + (uint32_t)(off + i);
				bad->wrote = word_for(p, bad->addr, (uint32_t)((off + i) / 4));
				bad->read = (uint32_t)got[i] | (uint32_t)got[i + 1] << 8 | (uint32_t)got[i + 2] << 16 |
					    (uint32_t)got[i + 3] << 24;
			}
		}
	}
	return 0;
}

enum st_outcome st_memory(struct st_ctx *c, char *detail, size_t n)
{
	uint64_t whole = c->info.mem_size - MOTE_WINDOW_ALIGN; /* what the driver hands out */
	size_t len = (size_t)(c->quick && whole > ST_QUICK_BYTES ? ST_QUICK_BYTES : whole);
	mote_buffer *buf = NULL;
	uint32_t base = 0;
	int rc = mote_buffer_alloc(c->dev, len, &buf);
	if (rc < 0)
		return st_driver_fail(rc, "allocating the memory under test", detail, n);
	mote_buffer_addr(c->dev, buf, &base, NULL);
	unsigned char *want = malloc(ST_CHUNK), *got = malloc(ST_CHUNK);
	enum st_outcome out = ST_PASS;
	if (!want || !got) {
		snprintf(detail, n, "host memory: out of memory");
		out = ST_FAIL;
	}
	for (int p = PASS_ADDRESS; p <= PASS_WALKING && out == ST_PASS; p++) {
		struct bad bad = {0, 0, 0, 0};
		size_t plen = p == PASS_WALKING && len > ST_WALK_BYTES ? ST_WALK_BYTES : len;
		rc = run_pass(c->dev, buf, base, plen, (enum pass)p, want, got, &bad);
		if (rc < 0) {
			out = st_driver_fail(rc, pass_name[p], detail, n);
		} else if (bad.words) {
			snprintf(detail, n,
				 "%s: at 0x%08x wrote 0x%08x, read 0x%08x (bits 0x%08x differ); %llu of %zu words bad",
				 pass_name[p], bad.addr, bad.wrote, bad.read, bad.wrote ^ bad.read,
				 (unsigned long long)bad.words, plen / 4);
			out = ST_FAIL;
		}
	}
	free(want);
	free(got);
	rc = mote_buffer_free(c->dev, buf);
	if (rc < 0 && out == ST_PASS)
		out = st_driver_fail(rc, "freeing the memory under test", detail, n);
	if (out != ST_PASS)
		return out;
	char sz[32], all[32];
	st_bytes(len, sz, sizeof sz);
	st_bytes(c->info.mem_size, all, sizeof all);
	snprintf(detail, n, "0x%08x..0x%08llx (%s of %s%s) address, inverted-address and walking-ones/zeros patterns "
		 "written whole, read back equal",
		 base, (unsigned long long)base + len, sz, all,
		 len < whole ? ", --quick: higher addresses not tested" : ", all the driver hands out");
	return ST_PASS;
}
