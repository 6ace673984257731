// dp_bits.h: bit-field access to Verilator port values of any width (datapath benches).
#ifndef MOTE_DP_BITS_H
#define MOTE_DP_BITS_H

#include <cstdint>
#include <verilated.h>

#include "tb_seed.h"

// Narrow ports (CData/SData/IData/QData).
template <class T> static inline uint64_t dp_get(const T &s, int lsb, int w)
{
	uint64_t v = (uint64_t)s >> lsb;
	return w >= 64 ? v : (v & ((1ull << w) - 1));
}
template <class T> static inline void dp_set(T &s, int lsb, int w, uint64_t v)
{
	uint64_t m = (w >= 64 ? ~0ull : ((1ull << w) - 1)) << lsb;
	s = (T)(((uint64_t)s & ~m) | ((v << lsb) & m));
}
// Wide ports (VlWide<N>), bit by bit: simple and fast enough for benches.
template <std::size_t N> static inline uint64_t dp_get(const VlWide<N> &s, int lsb, int w)
{
	uint64_t v = 0;
	for (int i = 0; i < w; i++)
		v |= (uint64_t)((s[(lsb + i) / 32] >> ((lsb + i) % 32)) & 1) << i;
	return v;
}
template <std::size_t N> static inline void dp_set(VlWide<N> &s, int lsb, int w, uint64_t v)
{
	for (int i = 0; i < w; i++) {
		int b = lsb + i;
		s[b / 32] = (s[b / 32] & ~(1u << (b % 32))) | ((uint32_t)((v >> i) & 1) << (b % 32));
	}
}

// Deterministic 64-bit generator (xorshift64*), fixed seeds in every bench.
struct DpRng {
	uint64_t s;
	explicit DpRng(uint64_t seed) : s(tb_seed(seed) ? tb_seed(seed) : 1) {}
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 2685821657736338717ull;
	}
	uint32_t u32() { return (uint32_t)(next() >> 32); }
	int range(int lo, int hi) { return lo + (int)(next() % (uint64_t)(hi - lo + 1)); }
	bool chance(int pct) { return (int)(next() % 100) < pct; }
};

#endif
