// testb.h: the one Verilator test-bench template (after ZipCPU's TESTB).
// TESTB<Vmodule> owns the model, ticks the clock, resets, and writes an FST
// waveform when the environment variable MOTE_TRACE names a file.  CHECK()
// flushes the waveform before failing so the last cycles are on disk, and
// names the seed (tb_seed.h) that reproduces the run.  MOTE_TRACE_START and
// MOTE_TRACE_END (cycles) keep only that window of a long run in the waveform.
#ifndef MOTE_TESTB_H
#define MOTE_TESTB_H

#include <cstdio>
#include <cstdlib>
#include <verilated.h>
#include <verilated_fst_c.h>

#include "tb_seed.h"

template <class V> class TESTB {
public:
	VerilatedContext *ctx;
	V *m;
	VerilatedFstC *trace = nullptr;
	uint64_t cycle = 0;
	uint64_t trace_from = 0, trace_to = UINT64_MAX; // the cycles the waveform keeps

	TESTB() {
		ctx = new VerilatedContext;
		ctx->randReset(2); // randomized initial values: reset must not matter
		const char *t = getenv("MOTE_TRACE");
		if (t && *t)
			ctx->traceEverOn(true);
		m = new V(ctx);
		if (t && *t) {
			const char *a = getenv("MOTE_TRACE_START"), *b = getenv("MOTE_TRACE_END");
			if (a && *a)
				trace_from = strtoull(a, nullptr, 0);
			if (b && *b)
				trace_to = strtoull(b, nullptr, 0);
			trace = new VerilatedFstC;
			m->trace(trace, 99);
			trace->open(t);
		}
		m->clk = 0;
		m->eval();
	}
	virtual ~TESTB() {
		if (trace) {
			trace->close();
			delete trace;
		}
		m->final();
		delete m;
		delete ctx;
	}
	// One clock period: inputs set before tick() are sampled at the rising edge.
	virtual void tick() {
		const bool dump = trace && cycle >= trace_from && cycle < trace_to;
		m->clk = 0;
		m->eval();
		if (dump)
			trace->dump(2 * cycle);
		m->clk = 1;
		m->eval();
		if (dump)
			trace->dump(2 * cycle + 1);
		cycle++;
	}
	virtual void reset(int cycles = 4) {
		m->rst = 1;
		for (int i = 0; i < cycles; i++)
			tick();
		m->rst = 0;
	}
	void flush() {
		if (trace)
			trace->flush();
	}
};

#define CHECK(tb, cond, ...)                                                            \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: cycle %llu: check failed: %s: ", __FILE__, \
				__LINE__, (unsigned long long)(tb).cycle, #cond);           \
			fprintf(stderr, __VA_ARGS__);                                   \
			fprintf(stderr, " (MOTE_SEED=%llu)\n",                          \
				(unsigned long long)tb_seed_value());                   \
			(tb).flush();                                                   \
			exit(1);                                                        \
		}                                                                       \
	} while (0)

#endif
