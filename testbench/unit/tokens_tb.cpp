// tokens_tb.cpp: mote_tokens against four C++ counters: random pops (only of
// available tokens, as units do) and pushes, same-cycle pop+push, overflow at
// TOKEN_MAX reported as TOKEN with the pushing unit's index, clear.
#include "Vmote_tokens.h"
#include "testb.h"
#include "wide.h"
extern "C" {
#include "mote/mote_hw.h"
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vmote_tokens> tb;
	Rng r(0x70c3);
	auto *m = tb.m;
	m->i_clear = 0;
	m->i_l2c_pop = m->i_c2l_pop = m->i_c2s_pop = m->i_s2c_pop = 0;
	m->i_l2c_push = m->i_c2l_push = m->i_c2s_push = m->i_s2c_push = 0;
	tb.reset();
	int cnt[4] = {0}, errs = 0, both = 0, maxed = 0;
	bool exp_err = false;
	uint32_t exp_idx = 0;
	for (int c = 0; c < 300000; c++) {
		int phase = (c / 3000) % 2; // phase 0 fills towards TOKEN_MAX, phase 1 drains
		bool pop[4], push[4];
		CHECK(tb, m->o_l2c_avail == (cnt[0] > 0) && m->o_c2l_avail == (cnt[1] > 0) &&
			      m->o_c2s_avail == (cnt[2] > 0) && m->o_s2c_avail == (cnt[3] > 0),
		      "avail %d %d %d %d", cnt[0], cnt[1], cnt[2], cnt[3]);
		CHECK(tb, m->o_err_valid == exp_err, "err_valid %d expected %d", m->o_err_valid, exp_err);
		if (exp_err)
			CHECK(tb, m->o_err_code == MOTE_ERR_TOKEN && m->o_err_idx == exp_idx, "err idx %u expected %u",
			      m->o_err_idx, exp_idx);
		for (int k = 0; k < 4; k++) {
			pop[k] = cnt[k] > 0 && r.chance(phase ? 70 : 20);
			push[k] = r.chance(phase ? 20 : 70);
		}
		m->i_l2c_pop = pop[0], m->i_c2l_pop = pop[1], m->i_c2s_pop = pop[2], m->i_s2c_pop = pop[3];
		m->i_l2c_push = push[0], m->i_c2l_push = push[1], m->i_c2s_push = push[2], m->i_s2c_push = push[3];
		m->i_load_idx = (uint32_t)r.next(), m->i_comp_idx = (uint32_t)r.next(), m->i_store_idx = (uint32_t)r.next();
		bool clear = r.chance(1) && r.chance(5);
		m->i_clear = clear;
		// model: overflow when a push finds TOKEN_MAX and no pop
		bool ovf[4];
		for (int k = 0; k < 4; k++) {
			ovf[k] = push[k] && !pop[k] && cnt[k] == (int)MOTE_TOKEN_MAX;
			both += push[k] && pop[k];
			maxed += cnt[k] == (int)MOTE_TOKEN_MAX;
		}
		exp_err = !clear && (ovf[0] || ovf[1] || ovf[2] || ovf[3]);
		exp_idx = ovf[0] ? m->i_load_idx : ovf[3] ? m->i_store_idx : m->i_comp_idx;
		tb.tick();
		for (int k = 0; k < 4; k++) {
			if (clear)
				cnt[k] = 0;
			else if (!ovf[k])
				cnt[k] += (int)push[k] - (int)pop[k];
		}
		errs += exp_err;
	}
	CHECK(tb, errs > 50 && both > 1000 && maxed > 100, "coverage: %d errors, %d pop+push", errs, both);
	printf("tokens: %d overflows, %d same-cycle pop+push: PASS\n", errs, both);
	return 0;
}
