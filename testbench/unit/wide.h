// wide.h: byte access to Verilator ports of any width (CData..QData, VlWide).
#ifndef MOTE_WIDE_H
#define MOTE_WIDE_H

#include <cstdint>
#include <verilated.h>

#include "tb_seed.h"

template <std::size_t N> static inline uint8_t wget(const VlWide<N> &w, int byte)
{
	return (uint8_t)(w[byte / 4] >> (8 * (byte % 4)));
}
template <std::size_t N> static inline void wset(VlWide<N> &w, int byte, uint8_t v)
{
	uint32_t &x = w[byte / 4];
	x = (x & ~(0xffu << (8 * (byte % 4)))) | ((uint32_t)v << (8 * (byte % 4)));
}
template <class T> static inline uint8_t wget(const T &w, int byte)
{
	return (uint8_t)((uint64_t)w >> (8 * byte));
}
template <class T> static inline void wset(T &w, int byte, uint8_t v)
{
	uint64_t x = (uint64_t)w;
	x = (x & ~(0xffull << (8 * byte))) | ((uint64_t)v << (8 * byte));
	w = (T)x;
}
// 32-bit word i of a wide port
template <std::size_t N> static inline void wset32(VlWide<N> &w, int i, uint32_t v) { w[i] = v; }
template <std::size_t N> static inline uint32_t wget32(const VlWide<N> &w, int i) { return w[i]; }

// Deterministic pseudo-random generator (xorshift64*), fixed seeds in every bench.
struct Rng {
	uint64_t s;
	explicit Rng(uint64_t seed) : s(tb_seed(seed) ? tb_seed(seed) : 1) {}
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 2685821657736338717ull;
	}
	// uniform in [lo, hi]
	int64_t range(int64_t lo, int64_t hi) { return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1)); }
	bool chance(int pct) { return (int)(next() % 100) < pct; }
};

#endif
