// dp_model.h: C++ reference of the spec's STORE post-processing for one value,
// written from the spec text (exact rounding through a 128-bit division).
#ifndef MOTE_DP_MODEL_H
#define MOTE_DP_MODEL_H

#include <cstdint>

// floor-based round half to even of p / 2^s (0 <= s <= 63), through a 128-bit division
static inline __int128 dp_round_shift(__int128 p, int s)
{
	__int128 d = (__int128)1 << s;
	__int128 q = p / d; // truncates toward zero
	__int128 r = p - q * d;
	if (r < 0) { // floor, with 0 <= r < d
		q -= 1;
		r += d;
	}
	if (2 * r > d || (2 * r == d && (q & 1)))
		q += 1;
	return q;
}

static inline __int128 dp_clamp(__int128 y, int16_t lo, int16_t hi)
{
	if (y < lo)
		y = lo;
	if (y > hi)
		y = hi;
	return y;
}

static inline __int128 dp_floor_div(__int128 a, __int128 d) // d > 0
{
	__int128 q = a / d;
	return (a - q * d < 0) ? q - 1 : q;
}

// STORE ROUND_TFL, as the spec words it: with s = shift & 63,
// l = max(31 - s, 0), r = min(max(s - 31, 0), 31): x = v * 2^l (int32 wrap),
// h = floor((x*mult + 2^30) / 2^31), q = round(h / 2^r) with ties away from zero.
static inline __int128 dp_tfl_round(int32_t v, int32_t mult, int s)
{
	int l = s < 31 ? 31 - s : 0, r = s > 31 ? (s - 31 > 31 ? 31 : s - 31) : 0;
	int32_t x = (int32_t)((uint32_t)v << l);
	__int128 h = dp_floor_div((__int128)x * mult + ((__int128)1 << 30), (__int128)1 << 31);
	if (r == 0)
		return h;
	__int128 d = (__int128)1 << r, a = h < 0 ? -h : h;
	__int128 m = dp_floor_div(2 * a + d, 2 * d); // |h| / 2^r, ties up in magnitude
	return h < 0 ? -m : m;
}

// The clamped value y = min(max(round_half_even(v*mult / 2^(shift&63)) + zp, lo), hi)
// with v = acc + bias (int32 wrap), before its low byte is taken; with tfl, q is
// dp_tfl_round's (STORE ROUND_TFL).
static inline int32_t dp_requant_y(uint32_t acc, uint32_t bias, uint32_t mult, uint32_t shift, int16_t zp,
				   int16_t lo, int16_t hi, bool tfl = false)
{
	int32_t v = (int32_t)(acc + bias);
	if (tfl)
		return (int32_t)dp_clamp(dp_tfl_round(v, (int32_t)mult, (int)(shift & 63)) + zp, lo, hi);
	int64_t p = (int64_t)v * (int64_t)(int32_t)mult;
	return (int32_t)dp_clamp(dp_round_shift(p, (int)(shift & 63)) + zp, lo, hi);
}

// v = acc + bias (int32 wrap); q = round_half_even(v*mult / 2^(shift&63)) (or
// ROUND_TFL's q); y = min(max(q + zp, lo), hi).  Returns v when int32, else
// the low byte of y.
static inline uint32_t dp_requant(uint32_t acc, uint32_t bias, uint32_t mult, uint32_t shift, int16_t zp,
				  int16_t lo, int16_t hi, bool int32, bool tfl = false)
{
	if (int32)
		return acc + bias;
	return (uint32_t)dp_requant_y(acc, bias, mult, shift, zp, lo, hi, tfl) & 0xff;
}

// STORE ADD: y the clamped value, r the operand byte (uint8 when u8, else int8);
// z = (y - zp)*ma + (r - azp)*mb; y2 = min(max(round_half_even(z / 2^sh) + ozp, lo), hi);
// returns the low byte of y2.
static inline uint8_t dp_store_add(int32_t y, int16_t zp, uint8_t r, bool u8, int16_t azp, uint16_t ma, uint16_t mb,
				   int16_t ozp, int16_t lo, int16_t hi, int sh)
{
	int32_t rv = u8 ? (int32_t)r : (int32_t)(int8_t)r;
	__int128 z = (__int128)((int64_t)y - zp) * ma + (__int128)((int64_t)rv - azp) * mb;
	return (uint8_t)((uint64_t)dp_clamp(dp_round_shift(z, sh) + ozp, lo, hi) & 0xff);
}

#endif
