/* mote_version.c: the library's version string (mote.h). */
#include "mote/mote.h"

#define MOTE_STR_(x) #x
#define MOTE_STR(x) MOTE_STR_(x)

const char *mote_version(void)
{
	return MOTE_STR(MOTE_VERSION_MAJOR) "." MOTE_STR(MOTE_VERSION_MINOR) "." MOTE_STR(MOTE_VERSION_PATCH);
}
