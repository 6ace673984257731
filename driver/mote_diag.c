/* mote_diag.c: reasons in words for a failed mote_open (mote_open_diag). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote_priv.h"

void mote__diag(char *msg, const char *fmt, ...)
{
	if (!msg || msg[0])
		return; /* nobody asks, or a deeper cause is already there */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, MOTE__DIAG_CAP, fmt, ap);
	va_end(ap);
}

int mote__trace_check(const char *trace, size_t len, char *msg)
{
	char path[4096];
	const char *from = "trace=";
	if (len) {
		if (len >= sizeof path) {
			mote__diag(msg, "trace=: the path is longer than %zu bytes", sizeof path - 1);
			return MOTE_ERROR_IO;
		}
		memcpy(path, trace, len);
		path[len] = '\0';
	} else {
		const char *env = getenv("MOTE_TRACE");
		if (!env || !env[0])
			return 0;
		if (strlen(env) >= sizeof path) {
			mote__diag(msg, "MOTE_TRACE: the path is longer than %zu bytes", sizeof path - 1);
			return MOTE_ERROR_IO;
		}
		strcpy(path, env);
		from = "MOTE_TRACE=";
	}
	/* "a": never truncates what is there; the simulator rewrites it next */
	FILE *f = fopen(path, "a");
	if (!f) {
		int e = errno;
		mote__diag(msg, "cannot write the waveform file %s%s: %s", from, path, strerror(e));
		return MOTE_ERROR_IO;
	}
	fclose(f);
	return 0;
}
