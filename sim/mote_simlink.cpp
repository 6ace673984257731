// mote_simlink.cpp: the C API of mote_simlink.h over a Verilated board
// reached through its UART pins: the 8x8 link board (mote_link_top with the
// memory model of sim_model.h outside it) or a board build's whole top
// (fpga/<board>/mote_<board>.v: PLL, reset, link, mote_top, device memory in
// the FPGA's own RAM cells), with the host's end of the UART wire.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "Vmote_link_top_8x8.h"
#ifdef MOTE_SIMLINK_HAVE_ICEBREAKER
#include "Vmote_icebreaker.h"
#endif
#include "mote_sim.h"
#include "mote_simlink.h"
#include "sim_model.h"
#include "verilated.h"
#include "verilated_fst_c.h"

using namespace mote_sim_impl;

namespace {
const unsigned RESET_CYCLES = 8;
const size_t QUEUE_MAX = (size_t)1 << 20;
using Clock = std::chrono::steady_clock;

// One Verilated board behind its UART pins.
struct BoardModel {
	unsigned baud_div = 0;    // cycles per UART bit
	uint32_t clock_hz = 0;    // nominal clock
	virtual ~BoardModel() {}
	virtual void trace(VerilatedFstC *tfp) = 0;
	// Put the board into its running state (reset, PLL lock).
	virtual void reset(VerilatedFstC *tfp, uint64_t &cyc) = 0;
	// One cycle with RX on the board's receive pin; the board's transmit pin after it.
	virtual int cycle(int rx, VerilatedFstC *tfp, uint64_t cyc) = 0;
	virtual void final_eval() = 0;
	virtual uint8_t *mem(uint64_t *size) = 0;
	virtual int irq() const = 0;
	virtual int leds() const = 0;
};

// rtl/link/mote_link_top, 8x8, its memory the model of sim_model.h.
struct Link8x8 : BoardModel {
	static const unsigned BUS = 2 * MOTE_SIMLINK_ROWS;
	Vmote_link_top_8x8 *top = nullptr;
	MemModel m;

	~Link8x8() override { delete top; }

	int init(VerilatedContext *ctx, unsigned latency, unsigned bytes_per_cycle)
	{
		baud_div = MOTE_SIMLINK_BAUD_DIV;
		clock_hz = MOTE_SIMLINK_CLOCK_HZ;
		int rc = m.init(MOTE_SIMLINK_MEM_SIZE, BUS, latency, bytes_per_cycle);
		if (rc != MOTE_SIM_OK)
			return rc;
		top = new (std::nothrow) Vmote_link_top_8x8(ctx, "mote");
		if (!top)
			return MOTE_SIM_ENOMEM;
		top->i_uart_rx = 1;
		top->i_mem_req_ready = 0;
		top->i_mem_resp_valid = 0;
		return MOTE_SIM_OK;
	}

	void trace(VerilatedFstC *tfp) override { top->trace(tfp, 99); }
	void final_eval() override { top->final(); }

	void reset(VerilatedFstC *tfp, uint64_t &cyc) override
	{
		top->rst = 1;
		for (unsigned i = 0; i < RESET_CYCLES; i++)
			cycle(1, tfp, cyc++);
		top->rst = 0;
		cycle(1, tfp, cyc++);
	}

	// The memory's answers in, the edge, the memory request taken.
	int cycle(int rx, VerilatedFstC *tfp, uint64_t cyc) override
	{
		Vmote_link_top_8x8 *t = top;
		t->i_uart_rx = rx;
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
		return t->o_uart_tx;
	}

	uint8_t *mem(uint64_t *size) override
	{
		if (size)
			*size = m.size;
		return m.bytes;
	}
	int irq() const override { return top->o_irq ? 1 : 0; }
	int leds() const override { return (top->o_busy ? 1 : 0) | (top->o_error ? 2 : 0); }
};

#ifdef MOTE_SIMLINK_HAVE_ICEBREAKER
// fpga/icebreaker/mote_icebreaker.v whole: what goes into the bitstream, with
// Yosys' models of the iCE40 cells it instantiates (SPRAM, SB_MAC16) and the
// PLL twin of testbench/board/SB_PLL40_PAD.v (one simulated cycle is one
// cycle of the PLL's output).  Its memory is inside (the SPRAMs): no
// backdoor.
struct Icebreaker : BoardModel {
	Vmote_icebreaker *top = nullptr;

	~Icebreaker() override { delete top; }

	int init(VerilatedContext *ctx)
	{
		baud_div = MOTE_SIMLINK_ICEBREAKER_BAUD_DIV;
		clock_hz = MOTE_SIMLINK_ICEBREAKER_HZ;
		top = new (std::nothrow) Vmote_icebreaker(ctx, "mote");
		if (!top)
			return MOTE_SIM_ENOMEM;
		top->i_uart_rx = 1;
		top->i_btn_n = 1;
		top->i_clk12 = 0;
		return MOTE_SIM_OK;
	}

	void trace(VerilatedFstC *tfp) override { top->trace(tfp, 99); }
	void final_eval() override { top->final(); }

	// The PLL twin locks after 16 cycles, the reset synchronizer lets go 4
	// cycles later: run until the first cycle after that.
	void reset(VerilatedFstC *tfp, uint64_t &cyc) override
	{
		for (unsigned i = 0; i < 32; i++)
			cycle(1, tfp, cyc++);
	}

	int cycle(int rx, VerilatedFstC *tfp, uint64_t cyc) override
	{
		Vmote_icebreaker *t = top;
		t->i_uart_rx = rx;
		t->i_clk12 = 0;
		t->eval();
		if (tfp)
			tfp->dump(cyc * 10 + 5);
		t->i_clk12 = 1;
		t->eval();
		if (tfp)
			tfp->dump(cyc * 10 + 10);
		return t->o_uart_tx;
	}

	uint8_t *mem(uint64_t *size) override
	{
		if (size)
			*size = 0;
		return nullptr;
	}
	int irq() const override { return -1; } // not a pin of the board
	int leds() const override { return (top->o_led_g_n ? 0 : 1) | (top->o_led_r_n ? 0 : 2); }
};
#endif
} // namespace

struct mote_simlink {
	VerilatedContext ctx;
	std::unique_ptr<BoardModel> board;
	VerilatedFstC *tfp = nullptr;
	uint64_t cyc = 0;
	double wall = 0;
	uint64_t timed = 0;
	// host TX: bytes queued, the one on the wire
	std::vector<uint8_t> txq;
	size_t tx_head = 0;
	int tx_bit = -1;
	unsigned tx_cnt = 0;
	unsigned tx_shift = 0;
	// host RX
	int rx_state = 0, rx_bits = 0;
	unsigned rx_cnt = 0;
	unsigned rx_shift = 0;
	std::vector<uint8_t> rxq;
	size_t rx_head = 0;

	~mote_simlink()
	{
		if (board)
			board->final_eval();
		if (tfp) {
			tfp->close();
			delete tfp;
		}
		board.reset();
	}

	bool broken() const { return ctx.gotError() || ctx.gotFinish(); }

	// One cycle: the host's TX bit in, the board's cycle, the host's RX sampled.
	void cycle()
	{
		const unsigned div = board->baud_div;
		if (tx_bit < 0 && tx_head < txq.size()) {
			tx_shift = 0x200u | (unsigned)txq[tx_head++] << 1;
			tx_bit = 0;
			tx_cnt = 0;
			if (tx_head == txq.size()) {
				txq.clear();
				tx_head = 0;
			}
		}
		const int rx_pin = tx_bit < 0 ? 1 : (int)((tx_shift >> tx_bit) & 1u);
		if (tx_bit >= 0 && ++tx_cnt == div) {
			tx_cnt = 0;
			if (++tx_bit == 10)
				tx_bit = -1;
		}
		const int line = board->cycle(rx_pin, tfp, cyc);
		++cyc;
		// host RX: a falling edge starts a byte, bits sampled mid-bit
		if (rx_state == 0) {
			if (!line) {
				rx_state = 1;
				rx_cnt = div / 2;
				rx_bits = 0;
				rx_shift = 0;
			}
		} else if (--rx_cnt == 0) {
			rx_cnt = div;
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

	// The board made (board set): trace, reset.
	int start(const char *trace_path)
	{
		if (!trace_path) {
			const char *env = std::getenv("MOTE_TRACE");
			if (env && env[0])
				trace_path = env;
		}
		if (trace_path) {
			ctx.traceEverOn(true);
			tfp = new (std::nothrow) VerilatedFstC;
			if (!tfp)
				return MOTE_SIM_ENOMEM;
			board->trace(tfp);
			tfp->open(trace_path);
			if (!tfp->isOpen())
				return MOTE_SIM_ETRACE;
		}
		txq.reserve(4096);
		rxq.reserve(4096);
		board->reset(tfp, cyc);
		return broken() ? MOTE_SIM_EFATAL : MOTE_SIM_OK;
	}
};

namespace {
// A handle with its context set up and no board yet.
mote_simlink *new_handle()
{
	mote_simlink *s = new (std::nothrow) mote_simlink;
	if (s) {
		s->ctx.fatalOnError(false);
		s->ctx.fatalOnVpiError(false);
	}
	return s;
}

int finish(mote_simlink *s, int rc, const char *trace_path, mote_simlink **out)
{
	try {
		if (rc == MOTE_SIM_OK)
			rc = s->start(trace_path);
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
} // namespace

extern "C" {

int mote_simlink_create(unsigned latency, unsigned bytes_per_cycle, const char *trace_path, mote_simlink **out)
{
	if (!out)
		return MOTE_SIM_EINVAL;
	*out = nullptr;
	if (latency == 0 || latency > MOTE_SIM_MAX_LATENCY || bytes_per_cycle == 0)
		return MOTE_SIM_EINVAL;
	mote_simlink *s = new_handle();
	if (!s)
		return MOTE_SIM_ENOMEM;
	int rc = MOTE_SIM_OK;
	try {
		Link8x8 *b = new (std::nothrow) Link8x8;
		s->board.reset(b);
		rc = b ? b->init(&s->ctx, latency, bytes_per_cycle) : MOTE_SIM_ENOMEM;
	} catch (const std::bad_alloc &) {
		rc = MOTE_SIM_ENOMEM;
	}
	return finish(s, rc, trace_path, out);
}

int mote_simlink_create_board(const char *name, const char *trace_path, mote_simlink **out)
{
	if (!out || !name)
		return MOTE_SIM_EINVAL;
	*out = nullptr;
#ifdef MOTE_SIMLINK_HAVE_ICEBREAKER
	if (std::strcmp(name, "icebreaker") == 0) {
		mote_simlink *s = new_handle();
		if (!s)
			return MOTE_SIM_ENOMEM;
		int rc = MOTE_SIM_OK;
		try {
			Icebreaker *b = new (std::nothrow) Icebreaker;
			s->board.reset(b);
			rc = b ? b->init(&s->ctx) : MOTE_SIM_ENOMEM;
		} catch (const std::bad_alloc &) {
			rc = MOTE_SIM_ENOMEM;
		}
		return finish(s, rc, trace_path, out);
	}
#else
	(void)trace_path;
#endif
	return MOTE_SIM_ENOGEOM;
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

uint32_t mote_simlink_clock_hz(const mote_simlink *s) { return s ? s->board->clock_hz : 0; }

unsigned mote_simlink_baud_div(const mote_simlink *s) { return s ? s->board->baud_div : 0; }

uint8_t *mote_simlink_mem(mote_simlink *s, uint64_t *size)
{
	if (!s) {
		if (size)
			*size = 0;
		return nullptr;
	}
	return s->board->mem(size);
}

int mote_simlink_irq(const mote_simlink *s) { return s ? s->board->irq() : -1; }

int mote_simlink_leds(const mote_simlink *s) { return s ? s->board->leds() : 0; }

} // extern "C"
