/* selftest.h: the checks of `mote selftest`, each through the public API.
 *
 * A check fills its detail line and returns ST_PASS, ST_FAIL (the next checks
 * still mean something) or ST_STOP (they do not: the device cannot be
 * reached, or it is not a mote device; the detail says why).  Every check
 * frees what it allocated and leaves the registers it wrote as it found them.
 */
#ifndef MOTE_CLI_SELFTEST_H
#define MOTE_CLI_SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote.h"

enum st_outcome { ST_PASS = 0, ST_FAIL = 1, ST_STOP = 2 };

struct st_ctx {
	mote_device *dev;
	struct mote_device_info info;
	int quick;     /* bounded memory test */
	uint32_t seed; /* of the compute check's operands */
};

/* A check's line: "PASS name: detail" or "FAIL name: detail". */
#define ST_DETAIL 512
typedef enum st_outcome (*st_check_fn)(struct st_ctx *c, char *detail, size_t n);

enum st_outcome st_identity(struct st_ctx *c, char *detail, size_t n);
enum st_outcome st_registers(struct st_ctx *c, char *detail, size_t n);
enum st_outcome st_memory(struct st_ctx *c, char *detail, size_t n);
enum st_outcome st_compute(struct st_ctx *c, char *detail, size_t n);
enum st_outcome st_errors(struct st_ctx *c, char *detail, size_t n);
enum st_outcome st_perf(struct st_ctx *c, char *detail, size_t n);

/* A driver error RC as a failure: ST_STOP when the device cannot be reached
 * (IO, LOST), else ST_FAIL; writes "WHAT: <error name> (<description>)". */
enum st_outcome st_driver_fail(int rc, const char *what, char *detail, size_t n);

/* Device memory bytes in a short human form ("128 KiB", "16 MiB"). */
void st_bytes(uint64_t v, char *out, size_t n);

#endif
