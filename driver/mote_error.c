/* mote_error.c: names and descriptions of enum mote_error. */
#include <mote/mote.h>

struct err_text {
	const char *name, *text;
};

/* Indexed by -code. */
static const struct err_text k_errs[MOTE_ERROR_COUNT] = {
	{"MOTE_SUCCESS", "success"},
	{"MOTE_ERROR_INVALID_ARG", "invalid argument"},
	{"MOTE_ERROR_NO_MEM", "out of host memory"},
	{"MOTE_ERROR_NO_DEVICE_MEM", "out of device memory"},
	{"MOTE_ERROR_NOT_SUPPORTED", "not supported by this build or backend"},
	{"MOTE_ERROR_NOT_FOUND", "not found: no such geometry, buffer, job or USB device"},
	{"MOTE_ERROR_RANGE", "offset or length out of range"},
	{"MOTE_ERROR_BUSY", "a job is already running on the device"},
	{"MOTE_ERROR_TIMEOUT", "timed out; the job is still running"},
	{"MOTE_ERROR_JOB_FAILED", "the job ended with a hardware error"},
	{"MOTE_ERROR_BAD_DEVICE", "device ID or version not recognised"},
	{"MOTE_ERROR_IO", "backend input/output failure (the simulator failed, or the link gave up after its retries)"},
	{"MOTE_ERROR_STATE", "operation not valid in the current state"},
	{"MOTE_ERROR_BAD_MODEL", "model file malformed, corrupt or inconsistent"},
	{"MOTE_ERROR_INCOMPATIBLE", "model built for another device geometry or format version"},
	{"MOTE_ERROR_LOST", "the device stopped answering; buffers of the job it ran stay reserved"},
};

_Static_assert(-MOTE_ERROR_COUNT_ == MOTE_ERROR_COUNT, "error table out of step with the enum");

const char *mote_error_name(int err)
{
	if (err > 0 || err <= MOTE_ERROR_COUNT_)
		return "MOTE_ERROR_UNKNOWN";
	return k_errs[-err].name;
}

const char *mote_strerror(int err)
{
	if (err > 0 || err <= MOTE_ERROR_COUNT_)
		return "unknown error code";
	return k_errs[-err].text;
}

const char *mote_perf_name(unsigned i)
{
	return mote_hw_perf_name(i);
}
