/* cc_status.c: status names and messages, diag formatting, shared validation. */
#include <stdarg.h>
#include <stdio.h>

#include "cc_internal.h"

const char *mote_cc_status_name(int status)
{
	switch (status) {
	case MOTE_CC_OK: return "MOTE_CC_OK";
	case MOTE_CC_EINVAL: return "MOTE_CC_EINVAL";
	case MOTE_CC_ENOMEM: return "MOTE_CC_ENOMEM";
	case MOTE_CC_ERANGE: return "MOTE_CC_ERANGE";
	case MOTE_CC_ENOTSUP: return "MOTE_CC_ENOTSUP";
	case MOTE_CC_ENOSPC: return "MOTE_CC_ENOSPC";
	case MOTE_CC_EINTERNAL: return "MOTE_CC_EINTERNAL";
	case MOTE_CC_EFORMAT: return "MOTE_CC_EFORMAT";
	default: return "MOTE_CC_UNKNOWN";
	}
}

const char *mote_cc_strerror(int status)
{
	switch (status) {
	case MOTE_CC_OK: return "success";
	case MOTE_CC_EINVAL: return "invalid argument";
	case MOTE_CC_ENOMEM: return "out of memory";
	case MOTE_CC_ERANGE: return "value out of range of a command field or the address space";
	case MOTE_CC_ENOTSUP: return "not supported";
	case MOTE_CC_ENOSPC: return "buffer too small";
	case MOTE_CC_EINTERNAL: return "internal error";
	case MOTE_CC_EFORMAT: return "malformed model";
	default: return "unknown status";
	}
}

int cc_fail(struct mote_cc_diag *diag, int status, const char *fmt, ...)
{
	if (diag) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
		va_end(ap);
	}
	return status;
}

int cc_in_range(enum mote_cc_dtype t, int64_t v)
{
	switch (t) {
	case MOTE_CC_INT8: return v >= -128 && v <= 127;
	case MOTE_CC_UINT8: return v >= 0 && v <= 255;
	case MOTE_CC_INT32: return v >= INT32_MIN && v <= INT32_MAX;
	}
	return 0;
}

size_t mote_cc_dtype_size(enum mote_cc_dtype t)
{
	return t == MOTE_CC_INT32 ? 4 : 1;
}
