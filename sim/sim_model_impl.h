// sim_model_impl.h: the per-cycle loop around one Verilated mote_top class.
// Included by sim_geometry.cpp, which is compiled once per geometry with
// MOTE_SIM_PREFIX (the Verilated class) and MOTE_SIM_FACTORY (the factory
// function name) defined.
#ifndef MOTE_SIM_MODEL_IMPL_H
#define MOTE_SIM_MODEL_IMPL_H

#include <cstdio>
#include <new>

#include "sim_model.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace mote_sim_impl {

// Bus-word ports are IData, QData or VlWide<N> depending on the width;
// byte i is bits [8i+7:8i], which on a little-endian host is memory order.
static inline void to_port(IData &p, const uint8_t *s, unsigned n) { std::memcpy(&p, s, n); }
static inline void to_port(QData &p, const uint8_t *s, unsigned n) { std::memcpy(&p, s, n); }
template <std::size_t N> static inline void to_port(VlWide<N> &p, const uint8_t *s, unsigned n)
{
	std::memcpy(p.m_storage, s, n);
}
static inline void from_port(const IData &p, uint8_t *d, unsigned n) { std::memcpy(d, &p, n); }
static inline void from_port(const QData &p, uint8_t *d, unsigned n) { std::memcpy(d, &p, n); }
template <std::size_t N> static inline void from_port(const VlWide<N> &p, uint8_t *d, unsigned n)
{
	std::memcpy(d, p.m_storage, n);
}

// Cycles a register read may take to answer before it is reported lost.
static const unsigned CSR_READ_CYCLES = 16;
static const unsigned RESET_CYCLES = 8;

template <class V> class Model final : public SimModel {
	VerilatedContext ctx_;
	V *top_ = nullptr;
	VerilatedFstC *tfp_ = nullptr;

	// One clock cycle: inputs for this posedge are driven, the negedge eval
	// settles them, the request handshake is sampled, then the posedge.
	template <bool TRACE> uint64_t loop(uint64_t n, bool stop_on_irq)
	{
		V *t = top_;
		MemModel &m = mem;
		uint8_t wbuf[64];
		uint64_t i = 0;
		while (i < n) {
			const bool rdy = m.ready();
			t->i_mem_req_ready = rdy;
			const uint8_t *rd = m.resp(cyc);
			t->i_mem_resp_valid = rd != nullptr;
			if (rd)
				to_port(t->i_mem_resp_data, rd, m.bus);
			t->clk = 0;
			t->eval();
			if (TRACE)
				tfp_->dump(cyc * 10 + 5);
			const bool acc = rdy && t->o_mem_req_valid;
			uint32_t addr = 0;
			bool wr = false;
			uint64_t strb = 0;
			if (acc) {
				addr = t->o_mem_req_addr;
				wr = t->o_mem_req_write;
				if (wr) {
					from_port(t->o_mem_req_wdata, wbuf, m.bus);
					strb = t->o_mem_req_wstrb;
				}
			}
			t->clk = 1;
			t->eval();
			if (TRACE)
				tfp_->dump(cyc * 10 + 10);
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
			++i;
			if (stop_on_irq && t->o_irq)
				break;
		}
		return i;
	}

public:
	~Model() override
	{
		if (top_)
			top_->final();
		if (tfp_) {
			tfp_->close();
			delete tfp_;
		}
		delete top_;
	}

	int start(const char *trace_path) override
	{
		ctx_.fatalOnError(false);
		ctx_.fatalOnVpiError(false);
		if (trace_path)
			ctx_.traceEverOn(true);
		top_ = new (std::nothrow) V(&ctx_, "mote");
		if (!top_)
			return MOTE_SIM_ENOMEM;
		if (trace_path) {
			tfp_ = new (std::nothrow) VerilatedFstC;
			if (!tfp_)
				return MOTE_SIM_ENOMEM;
			top_->trace(tfp_, 99);
			tfp_->open(trace_path);
			if (!tfp_->isOpen())
				return MOTE_SIM_ETRACE;
		}
		top_->i_csr_valid = 0;
		top_->i_csr_write = 0;
		top_->i_mem_req_ready = 0;
		top_->i_mem_resp_valid = 0;
		top_->rst = 1;
		run(RESET_CYCLES, false);
		top_->rst = 0;
		run(1, false);
		return broken() ? MOTE_SIM_EFATAL : MOTE_SIM_OK;
	}

	uint64_t run(uint64_t n, bool stop_on_irq) override
	{
		return tfp_ ? loop<true>(n, stop_on_irq) : loop<false>(n, stop_on_irq);
	}

	int csr(bool write, uint32_t addr, uint32_t wdata, uint32_t *rdata) override
	{
		top_->i_csr_valid = 1;
		top_->i_csr_write = write;
		top_->i_csr_addr = addr & 0xfffu;
		top_->i_csr_wdata = wdata;
		run(1, false);
		top_->i_csr_valid = 0;
		top_->i_csr_write = 0;
		if (write)
			return broken() ? MOTE_SIM_EFATAL : MOTE_SIM_OK;
		for (unsigned k = 0; k < CSR_READ_CYCLES; k++) {
			if (broken())
				return MOTE_SIM_EFATAL;
			if (top_->o_csr_rvalid) {
				*rdata = top_->o_csr_rdata;
				return MOTE_SIM_OK;
			}
			run(1, false);
		}
		return MOTE_SIM_ETIMEOUT;
	}

	bool irq() const override { return top_->o_irq; }
	bool broken() const override { return ctx_.gotError() || ctx_.gotFinish(); }
};

} // namespace mote_sim_impl

#endif
