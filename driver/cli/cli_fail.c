/* cli_fail.c: the CLI's one error printer (shared with the system tests). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote_model_format.h>

#include "cli.h"

/* The last message, for --json's "error" key (the CLI is one process with
 * one thread: a static is its own). */
static char last_error[1024];

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	fprintf(stderr, "mote: %s\n", last_error);
	return -1;
}

const char *cli_last_error(void)
{
	return last_error[0] ? last_error : "failed";
}

const char *cli_model_device(const void *file, size_t len, char *buf, size_t n)
{
	struct mote_mf_header h;
	if (!file || len < sizeof h || (memcpy(&h, file, sizeof h), h.magic != MOTE_MF_MAGIC) || !h.rows || !h.cols)
		return "sim";
	snprintf(buf, n, "sim:rows=%u,cols=%u", h.rows, h.cols);
	return buf;
}

int cli_open(const char *what, const char *uri, mote_device **dev)
{
	struct mote_open_diag d;
	int rc = mote_open_diag(uri, NULL, dev, &d);
	if (rc)
		cli_fail("cannot open %s '%s': %s", what, uri, d.msg[0] ? d.msg : mote_strerror(rc));
	return rc;
}

unsigned char *cli_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *b = NULL;
	long n;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		*len = (size_t)n;
	fclose(f);
	return b;
}
