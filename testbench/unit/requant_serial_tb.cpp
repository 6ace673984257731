// requant_serial_tb.cpp: mote_requant_serial (the serial store path's lane)
// against dp_model.h: values with random and extreme accumulators, biases and
// multipliers over every shift amount, random output back-pressure, INT32 runs;
// the multiplier is on i_data only until o_mfree (random data after it), every
// output byte checked in order, and the rate measured per shift amount.
#include "Vmote_requant_serial.h"
#include "dp_bits.h"
#include "dp_model.h"
#include "testb.h"
#include <deque>

struct Bench {
	TESTB<Vmote_requant_serial> tb;
	DpRng rng;
	std::deque<uint8_t> want;
	int ready_pct = 100;
	long bytes = 0;
	uint32_t mult = 0;
	bool mult_on = false; // the multiplier is on i_data (until o_mfree)

	explicit Bench(uint64_t seed) : rng(seed)
	{
		Vmote_requant_serial *m = tb.m;
		m->i_load = 0;
		m->i_bready = 1;
		tb.reset();
	}

	// one cycle: the output byte (if taken) checked against the model; the
	// multiplier kept on i_data while the lane needs it
	void cycle()
	{
		Vmote_requant_serial *m = tb.m;
		m->i_bready = rng.chance(ready_pct);
		if (mult_on && m->o_mfree)
			mult_on = false;
		m->i_data = mult_on ? mult : rng.u32();
		m->eval();
		if (m->o_bvalid && m->i_bready) {
			CHECK(tb, !want.empty(), "byte %02x without a value", m->o_byte);
			CHECK(tb, m->o_byte == want.front(), "byte %ld: got %02x want %02x", bytes, m->o_byte, want.front());
			want.pop_front();
			bytes++;
		}
		tb.tick();
	}

	// offer a value until taken; the multiplier follows on i_data
	void value(uint32_t acc, uint32_t bias, uint32_t mv, uint32_t sv, bool int32, int16_t zp, int16_t lo,
		   int16_t hi)
	{
		Vmote_requant_serial *m = tb.m;
		// o_ready: the value may come next cycle (as the store unit reads it then)
		int n = 0;
		for (bool rdy = false; !rdy;) {
			m->i_bready = rng.chance(ready_pct);
			if (mult_on && m->o_mfree)
				mult_on = false;
			m->i_data = mult_on ? mult : rng.u32();
			m->eval();
			rdy = m->o_ready && !mult_on;
			if (m->o_bvalid && m->i_bready) {
				CHECK(tb, !want.empty(), "byte %02x without a value", m->o_byte);
				CHECK(tb, m->o_byte == want.front(), "byte %ld: got %02x want %02x", bytes, m->o_byte,
				      want.front());
				want.pop_front();
				bytes++;
			}
			tb.tick();
			CHECK(tb, ++n < 200, "value not taken");
		}
		m->i_load = 1;
		m->i_acc = acc;
		m->i_shift = sv & 63;
		m->i_int32 = int32;
		m->i_zp = (uint16_t)zp;
		m->i_lo = (uint16_t)lo;
		m->i_hi = (uint16_t)hi;
		m->i_lo_gt_hi = lo > hi;
		m->i_bready = rng.chance(ready_pct);
		m->i_data = bias;
		m->eval();
		if (m->o_bvalid && m->i_bready) {
			CHECK(tb, !want.empty(), "byte without a value");
			CHECK(tb, m->o_byte == want.front(), "byte %ld: got %02x want %02x", bytes, m->o_byte, want.front());
			want.pop_front();
			bytes++;
		}
		tb.tick();
		m->i_load = 0;
		mult = mv;
		mult_on = !int32;
		uint32_t v = dp_requant(acc, bias, mv, sv, zp, lo, hi, int32);
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
	for (int round = 0; round < 64 * 8; round++) {
		b.ready_pct = round % 3 == 0 ? 100 : 60;
		bool int32 = round % 11 == 5;
		int16_t zp = (int16_t)(b.rng.chance(80) ? b.rng.range(-200, 200) : b.rng.range(-32768, 32767));
		int16_t lo = (int16_t)(b.rng.chance(70) ? -128 : b.rng.range(-32768, 32767));
		int16_t hi = (int16_t)(b.rng.chance(70) ? 127 : b.rng.range(-32768, 32767));
		for (int i = 0; i < 24; i++, vals++) {
			// every shift amount (upper bits random), multipliers as the
			// compiler writes them, extreme or random
			uint32_t sv = (uint32_t)((round + 7 * i) % 64) | (b.rng.u32() << 6);
			uint32_t mv = b.rng.chance(60) ? (0x40000000u | (b.rng.u32() >> 2)) :
				      b.rng.chance(50) ? ext[b.rng.range(0, 4)] : b.rng.u32();
			uint32_t acc = b.rng.chance(70) ? (uint32_t)b.rng.range(-300000, 300000) :
				       b.rng.chance(50) ? ext[b.rng.range(0, 4)] : b.rng.u32();
			uint32_t bias = b.rng.chance(70) ? (uint32_t)b.rng.range(-5000, 5000) :
					b.rng.chance(50) ? ext[b.rng.range(0, 4)] : b.rng.u32();
			// small products, so that q falls inside the clamp at every shift
			if (b.rng.chance(25)) {
				int sh = (int)(sv & 63);
				acc = (uint32_t)b.rng.range(-1000, 1000);
				bias = 0;
				mv = sh >= 10 ? (uint32_t)b.rng.range(0, 1 << (sh - 10 > 30 ? 30 : sh - 10)) :
					       (uint32_t)b.rng.range(-3, 3);
			}
			b.value(acc, bias, mv, sv, int32, zp, lo, hi);
		}
		b.drain();
	}
	printf("requant_serial: %ld values, %ld bytes over every shift amount: ok\n", vals, b.bytes);

	// rate per shift amount: values back to back, output always taken
	b.ready_pct = 100;
	static const int shifts[] = {40, 32, 33, 47, 63, 8, -1};
	for (int sp : shifts) {
		bool i32 = sp < 0;
		uint64_t t0 = b.tb.cycle;
		for (int i = 0; i < 500; i++)
			b.value((uint32_t)b.rng.range(-100000, 100000), 17, 0x50000000u, i32 ? 0 : (uint32_t)sp, i32, 3,
				-128, 127);
		b.drain();
		double cpv = (double)(b.tb.cycle - t0) / 500.0;
		int steps = i32 ? 13 : sp >= 32 ? (sp + 1) / 2 : 16 + (sp + 1) / 2;
		CHECK(b.tb, cpv <= steps + 2.01, "%.3f cycles per value, want %d", cpv, steps + 2);
		printf("requant_serial: %.2f cycles per value (%s%s)\n", cpv, i32 ? "INT32" : "shift ",
		       i32 ? "" : std::to_string(sp).c_str());
	}
	printf("requant_serial_tb: PASS\n");
	return 0;
}
