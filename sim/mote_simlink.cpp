// mote_simlink.cpp: the C API of mote_simlink.h over the Verilated
// mote_link_top (8x8, sim/simlink.mk), the memory model of sim_model.h and a
// host UART at the board's bit time.
#include <chrono>
#include <cstdlib>
#include <new>
#include <vector>

#include "Vmote_link_top_8x8.h"
#include "mote_sim.h"
#include "mote_simlink.h"
#include "sim_model.h"
#include "verilated.h"
#include "verilated_fst_c.h"

using namespace mote_sim_impl;

namespace {
const unsigned RESET_CYCLES = 8;
const size_t QUEUE_MAX = (size_t)1 << 20;
const unsigned BUS = 2 * MOTE_SIMLINK_ROWS;
using Clock = std::chrono::steady_clock;
} // namespace

struct mote_simlink {
	VerilatedContext ctx;
	Vmote_link_top_8x8 *top = nullptr;
	VerilatedFstC *tfp = nullptr;
	MemModel mem;
	uint64_t cyc = 0;
	double wall = 0;
	uint64_t timed = 0;
	// host TX: bytes queued, the one on the wire
	std::vector<uint8_t> txq;
	size_t tx_head = 0;
	int tx_bit = -1, tx_cnt = 0;
	unsigned tx_shift = 0;
	// host RX
	int rx_state = 0, rx_cnt = 0, rx_bits = 0;
	unsigned rx_shift = 0;
	std::vector<uint8_t> rxq;
	size_t rx_head = 0;

	~mote_simlink()
	{
		if (top)
			top->final();
		if (tfp) {
			tfp->close();
			delete tfp;
		}
		delete top;
	}

	bool broken() const { return ctx.gotError() || ctx.gotFinish(); }

	// One cycle: the host's TX bit and the memory's answers in, the edge, the
	// memory request taken, the host's RX sampled.
	void cycle()
	{
		Vmote_link_top_8x8 *t = top;
		MemModel &m = mem;
		if (tx_bit < 0 && tx_head < txq.size()) {
			tx_shift = 0x200u | (unsigned)txq[tx_head++] << 1;
			tx_bit = 0;
			tx_cnt = 0;
			if (tx_head == txq.size()) {
				txq.clear();
				tx_head = 0;
			}
		}
		t->i_uart_rx = tx_bit < 0 ? 1 : (tx_shift >> tx_bit) & 1u;
		if (tx_bit >= 0 && ++tx_cnt == (int)MOTE_SIMLINK_BAUD_DIV) {
			tx_cnt = 0;
			if (++tx_bit == 10)
				tx_bit = -1;
		}
		const bool rdy = m.ready();
		t->i_mem_req_ready = rdy;
		const uint8_t *rd = m.resp(cyc);
		t->i_mem_resp_valid = rd != nullptr;
		if (rd)
			std::memcpy(t->i_mem_resp_data.m_storage, rd, BUS);
		t->clk = 0;
		t->eval();
		if (tfp)
			tfp->dump(cyc * 10 + 5);
		const bool acc = rdy && t->o_mem_req_valid;
		uint32_t addr = 0;
		bool wr = false;
		uint64_t strb = 0;
		uint8_t wbuf[BUS];
		if (acc) {
			addr = t->o_mem_req_addr;
			wr = t->o_mem_req_write;
			if (wr) {
				std::memcpy(wbuf, t->o_mem_req_wdata.m_storage, BUS);
				strb = t->o_mem_req_wstrb;
			}
		}
		t->clk = 1;
		t->eval();
		if (tfp)
			tfp->dump(cyc * 10 + 10);
		if (rd)
			m.pop();
		if (acc) {
			if (wr)
				m.accept_write(addr, wbuf, strb);
			else
				m.accept_read(addr, cyc);
		}
		m.tick();
		++cyc;
		// host RX: a falling edge starts a byte, bits sampled mid-bit
		const int line = t->o_uart_tx;
		if (rx_state == 0) {
			if (!line) {
				rx_state = 1;
				rx_cnt = MOTE_SIMLINK_BAUD_DIV / 2;
				rx_bits = 0;
				rx_shift = 0;
			}
		} else if (--rx_cnt == 0) {
			rx_cnt = MOTE_SIMLINK_BAUD_DIV;
			rx_shift |= (unsigned)line << rx_bits;
			if (++rx_bits == 10) {
				rx_state = 0;
				if ((rx_shift & 1u) == 0 && (rx_shift >> 9) == 1) // else a framing error: dropped
					rxq.push_back((uint8_t)(rx_shift >> 1));
			}
		}
	}

	uint64_t run(uint64_t n)
	{
		const Clock::time_point t0 = Clock::now();
		uint64_t i = 0;
		while (i < n && rxq.size() == rx_head) {
			cycle();
			++i;
		}
		wall += std::chrono::duration<double>(Clock::now() - t0).count();
		timed += i;
		return i;
	}
};

extern "C" {

int mote_simlink_create(unsigned latency, unsigned bytes_per_cycle, const char *trace_path, mote_simlink **out)
{
	if (!out)
		return MOTE_SIM_EINVAL;
	*out = nullptr;
	if (latency == 0 || latency > MOTE_SIM_MAX_LATENCY || bytes_per_cycle == 0)
		return MOTE_SIM_EINVAL;
	if (!trace_path) {
		const char *env = std::getenv("MOTE_TRACE");
		if (env && env[0])
			trace_path = env;
	}
	mote_simlink *s = new (std::nothrow) mote_simlink;
	if (!s)
		return MOTE_SIM_ENOMEM;
	int rc = MOTE_SIM_OK;
	try {
		rc = s->mem.init(MOTE_SIMLINK_MEM_SIZE, BUS, latency, bytes_per_cycle);
		s->ctx.fatalOnError(false);
		s->ctx.fatalOnVpiError(false);
		if (trace_path)
			s->ctx.traceEverOn(true);
		if (rc == MOTE_SIM_OK) {
			s->top = new (std::nothrow) Vmote_link_top_8x8(&s->ctx, "mote");
			if (!s->top)
				rc = MOTE_SIM_ENOMEM;
		}
		if (rc == MOTE_SIM_OK && trace_path) {
			s->tfp = new (std::nothrow) VerilatedFstC;
			if (!s->tfp) {
				rc = MOTE_SIM_ENOMEM;
			} else {
				s->top->trace(s->tfp, 99);
				s->tfp->open(trace_path);
				if (!s->tfp->isOpen())
					rc = MOTE_SIM_ETRACE;
			}
		}
		if (rc == MOTE_SIM_OK) {
			s->txq.reserve(4096);
			s->rxq.reserve(4096);
			s->top->i_uart_rx = 1;
			s->top->i_mem_req_ready = 0;
			s->top->i_mem_resp_valid = 0;
			s->top->rst = 1;
			for (unsigned i = 0; i < RESET_CYCLES; i++)
				s->cycle();
			s->top->rst = 0;
			s->cycle();
			if (s->broken())
				rc = MOTE_SIM_EFATAL;
		}
	} catch (const std::bad_alloc &) {
		rc = MOTE_SIM_ENOMEM;
	}
	if (rc != MOTE_SIM_OK) {
		delete s;
		return rc;
	}
	*out = s;
	return MOTE_SIM_OK;
}

void mote_simlink_destroy(mote_simlink *s)
{
	delete s;
}

int mote_simlink_send(mote_simlink *s, const uint8_t *p, size_t n)
{
	if (!s || (!p && n))
		return MOTE_SIM_EINVAL;
	if (s->txq.size() - s->tx_head + n > QUEUE_MAX)
		return MOTE_SIM_ENOMEM;
	try {
		s->txq.insert(s->txq.end(), p, p + n);
	} catch (const std::bad_alloc &) {
		return MOTE_SIM_ENOMEM;
	}
	return MOTE_SIM_OK;
}

int mote_simlink_recv(mote_simlink *s, uint8_t *p, size_t cap, size_t *got, uint64_t max_cycles)
{
	if (!s || !got || (!p && cap))
		return MOTE_SIM_EINVAL;
	*got = 0;
	if (s->broken())
		return MOTE_SIM_EFATAL;
	if (s->rxq.size() == s->rx_head)
		s->run(max_cycles);
	if (s->broken())
		return MOTE_SIM_EFATAL;
	size_t k = s->rxq.size() - s->rx_head;
	if (k > cap)
		k = cap;
	if (k)
		std::memcpy(p, s->rxq.data() + s->rx_head, k);
	s->rx_head += k;
	if (s->rx_head == s->rxq.size()) {
		s->rxq.clear();
		s->rx_head = 0;
	}
	*got = k;
	return MOTE_SIM_OK;
}

uint64_t mote_simlink_cycles(const mote_simlink *s) { return s ? s->cyc : 0; }

double mote_simlink_cycles_per_second(const mote_simlink *s)
{
	return s && s->wall > 0 ? (double)s->timed / s->wall : 0;
}

uint8_t *mote_simlink_mem(mote_simlink *s, uint64_t *size)
{
	if (!s)
		return nullptr;
	if (size)
		*size = s->mem.size;
	return s->mem.bytes;
}

int mote_simlink_irq(const mote_simlink *s) { return s && s->top->o_irq ? 1 : 0; }

int mote_simlink_leds(const mote_simlink *s)
{
	return s ? (s->top->o_busy ? 1 : 0) | (s->top->o_error ? 2 : 0) : 0;
}

} // extern "C"
