// cmd_decode_tb.cpp: mote_cmd_decode against a C++ model of the decode rules
// of a command's word 0: every opcode, every token flag combination, every
// LOAD DST / SYNC QUEUE; plus random headers.  (LOAD COUNT, in word 8, is the
// load unit's check: load_unit_tb.)
#include "Vcmd_decode_tb_top.h"
#include "testb.h"
#include "wide.h"
extern "C" {
#include "mote/mote_hw.h"
}

enum { O_LOAD, O_COMP, O_STORE, O_END, O_OPC, O_FIELD };

static int model(const uint32_t *c)
{
	int op = (int)MOTE_CMD_GET(c, HDR, OPCODE);
	bool pp = MOTE_CMD_GET(c, HDR, POP_PREV), pn = MOTE_CMD_GET(c, HDR, POP_NEXT);
	bool up = MOTE_CMD_GET(c, HDR, PUSH_PREV), un = MOTE_CMD_GET(c, HDR, PUSH_NEXT);
	bool load_bad = pp || up, store_bad = pn || un;
	switch (op) {
	case MOTE_OP_LOAD: {
		int dst = (int)MOTE_CMD_GET(c, LOAD, DST);
		return (load_bad || (dst != MOTE_BUF_ACT && dst != MOTE_BUF_WGT && dst != MOTE_BUF_BIAS)) ? O_FIELD
											   : O_LOAD;
	}
	case MOTE_OP_MATMUL: return O_COMP;
	case MOTE_OP_STORE: return store_bad ? O_FIELD : O_STORE;
	case MOTE_OP_SYNC:
		switch ((int)MOTE_CMD_GET(c, SYNC, QUEUE)) {
		case MOTE_QUEUE_LOAD: return load_bad ? O_FIELD : O_LOAD;
		case MOTE_QUEUE_COMPUTE: return O_COMP;
		case MOTE_QUEUE_STORE: return store_bad ? O_FIELD : O_STORE;
		default: return O_FIELD;
		}
	case MOTE_OP_END: return O_END;
	default: return O_OPC;
	}
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	TESTB<Vcmd_decode_tb_top> tb;
	Rng r(0xdec0de);
	auto *m = tb.m;
	int seen[6] = {0};
	auto check = [&](const uint32_t *c) {
		m->i_cmd = c[0];
		m->eval();
		int want = model(c);
		int got = m->o_load + m->o_compute + m->o_store + m->o_end + m->o_err;
		CHECK(tb, got == 1, "%d outcomes for header %08x", got, c[0]);
		int o = m->o_load ? O_LOAD : m->o_compute ? O_COMP : m->o_store ? O_STORE : m->o_end ? O_END
			: m->o_err_code == MOTE_ERR_OPCODE ? O_OPC : O_FIELD;
		CHECK(tb, !m->o_err || m->o_err_code == MOTE_ERR_OPCODE || m->o_err_code == MOTE_ERR_FIELD, "code %d",
		      m->o_err_code);
		CHECK(tb, o == want, "header %08x: outcome %d expected %d", c[0], o, want);
		seen[o]++;
	};
	uint32_t c[16];
	// exhaustive over opcode x flags x DST/QUEUE
	for (int op = 0; op < 256; op++)
		for (int fl = 0; fl < 16; fl++)
			for (int q = 0; q < 4; q++) {
				memset(c, 0, sizeof c);
				MOTE_CMD_SET(c, HDR, OPCODE, op);
				MOTE_CMD_SET(c, HDR, POP_PREV, fl & 1);
				MOTE_CMD_SET(c, HDR, POP_NEXT, (fl >> 1) & 1);
				MOTE_CMD_SET(c, HDR, PUSH_PREV, (fl >> 2) & 1);
				MOTE_CMD_SET(c, HDR, PUSH_NEXT, (fl >> 3) & 1);
				if (op == MOTE_OP_SYNC)
					MOTE_CMD_SET(c, SYNC, QUEUE, q);
				else
					MOTE_CMD_SET(c, LOAD, DST, q);
				check(c);
			}
	// random whole commands
	for (int t = 0; t < 200000; t++) {
		for (int i = 0; i < 16; i++)
			c[i] = (uint32_t)r.next();
		if (r.chance(80))
			MOTE_CMD_SET(c, HDR, OPCODE, r.range(0, 5) == 5 ? 15 : r.range(1, 4));
		check(c);
	}
	for (int o = 0; o < 6; o++)
		CHECK(tb, seen[o] > 60, "outcome %d seen %d times", o, seen[o]);
	printf("cmd_decode: load %d compute %d store %d end %d opcode %d field %d: PASS\n", seen[0], seen[1],
	       seen[2], seen[3], seen[4], seen[5]);
	return 0;
}
