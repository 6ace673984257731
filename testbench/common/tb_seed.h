// tb_seed.h: the benches' seed.  Every bench RNG is constructed from tb_seed(its own
// constant): with MOTE_SEED unset (or 0) the constant itself, so the default run is
// the same every time; MOTE_SEED=N mixes N into every stream for another run.  The
// seed is printed once, and CHECK (testb.h) repeats it on a failure.
#ifndef MOTE_TB_SEED_H
#define MOTE_TB_SEED_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>

static inline uint64_t tb_seed_value()
{
	static int init = 0;
	static uint64_t seed = 0;
	if (!init) {
		init = 1;
		const char *e = getenv("MOTE_SEED");
		if (e && *e)
			seed = strtoull(e, nullptr, 0);
		printf("seed %llu (MOTE_SEED=N for another)\n", (unsigned long long)seed);
	}
	return seed;
}

static inline uint64_t tb_seed(uint64_t d) { return d ^ (tb_seed_value() * 0x9e3779b97f4a7c15ull); }

#endif
