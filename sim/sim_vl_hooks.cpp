// sim_vl_hooks.cpp: Verilator's $finish/$stop/fatal hooks (verilated.cpp is
// compiled with VL_USER_FINISH/STOP/FATAL).  The defaults may exit() or
// abort(); a library must not, so these only mark the calling thread's
// context finished/errored and the harness reports MOTE_SIM_EFATAL.
#include <cstdio>

#include "verilated.h"

void vl_finish(const char *filename, int linenum, const char *hier)
{
	(void)hier;
	std::fprintf(stderr, "mote_sim: %s:%d: $finish\n", filename ? filename : "?", linenum);
	Verilated::threadContextp()->gotFinish(true);
}

void vl_stop(const char *filename, int linenum, const char *hier)
{
	(void)hier;
	std::fprintf(stderr, "mote_sim: %s:%d: $stop\n", filename ? filename : "?", linenum);
	Verilated::threadContextp()->gotError(true);
	Verilated::threadContextp()->gotFinish(true);
}

void vl_fatal(const char *filename, int linenum, const char *hier, const char *msg)
{
	(void)hier;
	std::fprintf(stderr, "mote_sim: %s:%d: fatal: %s\n", filename ? filename : "?", linenum,
		     msg ? msg : "");
	Verilated::threadContextp()->gotError(true);
	Verilated::threadContextp()->gotFinish(true);
}
