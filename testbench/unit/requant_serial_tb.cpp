// requant_serial_tb.cpp: mote_requant_serial (the serial store path's lane)
// against dp_model.h: tables filled per column with random and extreme
// multipliers and every shift amount, then values in random column order with
// random and extreme accumulators and biases, random output back-pressure,
// INT32 runs; every output byte checked in order, and the rate measured.
#include "Vmote_requant_serial.h"
#include "dp_bits.h"
#include "dp_model.h"
#include "testb.h"
#include <deque>
#include <vector>

static const int C = TB_COLS;

struct Bench {
	TESTB<Vmote_requant_serial> tb;
	DpRng rng;
	uint32_t mult[C], shift[C];
	std::deque<uint8_t> want;
	int ready_pct = 100;
	long bytes = 0;

	explicit Bench(uint64_t seed) : rng(seed)
	{
		Vmote_requant_serial *m = tb.m;
		m->i_fill_s = m->i_fill_m = m->i_valid = 0;
		m->i_bready = 1;
		tb.reset();
	}

	// one cycle; the output byte (if taken) checked against the model
	void cycle()
	{
		Vmote_requant_serial *m = tb.m;
		m->i_bready = rng.chance(ready_pct);
		m->eval();
		if (m->o_bvalid && m->i_bready) {
			CHECK(tb, !want.empty(), "byte %02x without a value", m->o_byte);
			CHECK(tb, m->o_byte == want.front(), "byte %ld: got %02x want %02x", bytes, m->o_byte, want.front());
			want.pop_front();
			bytes++;
		}
		tb.tick();
	}

	void fill(int col, uint32_t mv, uint32_t sv)
	{
		Vmote_requant_serial *m = tb.m;
		mult[col] = mv;
		shift[col] = sv;
		m->i_fill_col = col;
		m->i_data = sv;
		m->i_fill_s = 1;
		cycle();
		m->i_fill_s = 0;
		m->i_data = mv;
		m->i_fill_m = 1;
		cycle();
		m->i_fill_m = 0;
		int n = 0;
		do
			cycle();
		while (m->o_fill_busy && ++n < 100);
		CHECK(tb, !m->o_fill_busy, "fill of column %d did not end", col);
	}

	// offer a value until taken
	void value(int col, uint32_t acc, uint32_t bias, bool int32, int16_t zp, int16_t lo, int16_t hi)
	{
		Vmote_requant_serial *m = tb.m;
		m->i_valid = 1;
		m->i_acc = acc;
		m->i_data = bias;
		m->i_shift = shift[col] & 63;
		m->i_col = col;
		m->i_int32 = int32;
		m->i_zp = (uint16_t)zp;
		m->i_lo = (uint16_t)lo;
		m->i_hi = (uint16_t)hi;
		m->i_lo_gt_hi = lo > hi;
		int n = 0;
		for (;;) {
			m->i_bready = rng.chance(ready_pct);
			m->eval();
			bool take = m->o_ready;
			if (m->o_bvalid && m->i_bready) {
				CHECK(tb, !want.empty(), "byte without a value");
				CHECK(tb, m->o_byte == want.front(), "byte %ld: got %02x want %02x", bytes, m->o_byte,
				      want.front());
				want.pop_front();
				bytes++;
			}
			tb.tick();
			if (take)
				break;
			CHECK(tb, ++n < 100, "value not taken");
		}
		m->i_valid = 0;
		uint32_t v = dp_requant(acc, bias, mult[col], shift[col], zp, lo, hi, int32);
		for (int b = 0; b < (int32 ? 4 : 1); b++)
			want.push_back((uint8_t)(v >> (8 * b)));
	}

	void drain()
	{
		int n = 0;
		while ((!want.empty() || tb.m->o_busy) && n++ < 1000)
			cycle();
		CHECK(tb, want.empty() && !tb.m->o_busy, "%zu bytes missing", want.size());
	}
};

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	static const uint32_t ext[] = {0x80000000u, 0x7fffffffu, 0u, 0xffffffffu, 1u};
	Bench b(0x5e51a1);
	long vals = 0;
	for (int round = 0; round < 64 * 4; round++) {
		// every shift amount (upper bits random) in some column
		for (int c = 0; c < C; c++) {
			uint32_t mv = b.rng.chance(60) ? (0x40000000u | (b.rng.u32() >> 2)) :
				      b.rng.chance(50) ? ext[b.rng.range(0, 4)] : b.rng.u32();
			uint32_t sv = (uint32_t)((round + 17 * c) % 64) | (b.rng.u32() << 6);
			b.fill(c, mv, sv);
		}
		b.ready_pct = round % 3 == 0 ? 100 : 60;
		bool int32 = round % 11 == 5;
		int16_t zp = (int16_t)b.rng.range(-200, 200);
		int16_t lo = (int16_t)(b.rng.chance(70) ? -128 : b.rng.range(-32768, 32767));
		int16_t hi = (int16_t)(b.rng.chance(70) ? 127 : b.rng.range(-32768, 32767));
		for (int i = 0; i < 40; i++, vals++) {
			uint32_t acc = b.rng.chance(70) ? (uint32_t)b.rng.range(-300000, 300000) :
				       b.rng.chance(50) ? ext[b.rng.range(0, 4)] : b.rng.u32();
			uint32_t bias = b.rng.chance(70) ? (uint32_t)b.rng.range(-5000, 5000) :
					b.rng.chance(50) ? ext[b.rng.range(0, 4)] : b.rng.u32();
			b.value(b.rng.range(0, C - 1), acc, bias, int32, zp, lo, hi);
		}
		b.drain();
	}
	printf("requant_serial C=%d: %ld values, %ld bytes over every shift amount: ok\n", C, vals, b.bytes);

	// rate: one column, shift 40, output always taken
	b.ready_pct = 100;
	for (int c = 0; c < C; c++)
		b.fill(c, 0x50000000u, 40);
	uint64_t t0 = b.tb.cycle;
	for (int i = 0; i < 1000; i++)
		b.value(i % C, (uint32_t)b.rng.range(-100000, 100000), 17, false, 3, -128, 127);
	double cpv = (double)(b.tb.cycle - t0) / 1000.0;
	b.drain();
	CHECK(b.tb, cpv <= 4.01, "%.3f cycles per value, want 4", cpv);
	printf("requant_serial C=%d: %.3f cycles per value (shift 40)\n", C, cpv);
	printf("requant_serial_tb C=%d: PASS\n", C);
	return 0;
}
