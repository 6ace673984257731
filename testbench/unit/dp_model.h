// dp_model.h: C++ reference of the spec's STORE post-processing for one value,
// written from the spec text (exact rounding through a 128-bit division).
#ifndef MOTE_DP_MODEL_H
#define MOTE_DP_MODEL_H

#include <cstdint>

// v = acc + bias (int32 wrap); q = round_half_even(v*mult / 2^(shift&63));
// y = min(max(q + zp, lo), hi).  Returns v when int32, else the low byte of y.
static inline uint32_t dp_requant(uint32_t acc, uint32_t bias, uint32_t mult, uint32_t shift, int16_t zp,
				  int16_t lo, int16_t hi, bool int32)
{
	int32_t v = (int32_t)(acc + bias);
	if (int32)
		return (uint32_t)v;
	int64_t p = (int64_t)v * (int64_t)(int32_t)mult;
	int s = (int)(shift & 63);
	__int128 d = (__int128)1 << s;
	__int128 q = (__int128)p / d; // truncates toward zero
	__int128 r = (__int128)p - q * d;
	if (r < 0) { // floor, with 0 <= r < d
		q -= 1;
		r += d;
	}
	if (2 * r > d || (2 * r == d && (q & 1)))
		q += 1;
	__int128 y = q + zp;
	if (y < lo)
		y = lo;
	if (y > hi)
		y = hi;
	return (uint32_t)((uint64_t)y & 0xff);
}

#endif
