// sim_model.h: internal C++ pieces of the simulator library: the device-memory
// model (independent of the Verilated class) and the interface each geometry's
// model implements.  Not installed; C users see only mote_sim.h.
#ifndef MOTE_SIM_MODEL_H
#define MOTE_SIM_MODEL_H

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "mote_sim.h"

namespace mote_sim_impl {

struct Guard {
	uint64_t base, end; // [base, end)
};

// Device memory: byte array, bandwidth budget, fixed-latency in-order read
// responses.  All storage is allocated once in init(); the per-cycle methods
// never allocate.
struct MemModel {
	uint8_t *bytes = nullptr;
	uint64_t size = 0;
	unsigned bus = 0;     // bus width in bytes
	unsigned latency = 1; // cycles from accept to response
	unsigned bw = 0;      // bytes of request budget per cycle
	unsigned credits = 0; // budget available now (capped at one bus word)
	bool full_bw = true;  // bw >= bus: the budget never limits

	// Response ring: cap entries of (due cycle, bus bytes).
	uint8_t *ring = nullptr;
	uint64_t *due = nullptr;
	unsigned cap = 0, head = 0, count = 0;

	Guard guards[MOTE_SIM_MAX_GUARDS];
	unsigned n_guards = 0;
	mote_sim_stats stats{};

	~MemModel()
	{
		std::free(bytes);
		delete[] ring;
		delete[] due;
	}

	// Returns MOTE_SIM_OK or MOTE_SIM_ENOMEM.
	int init(uint64_t mem_size, unsigned bus_bytes, unsigned lat, unsigned bytes_per_cycle);

	bool ready() const { return count < cap && (full_bw || credits >= bus); }

	// Data of the response due at cycle cyc, or nullptr.
	const uint8_t *resp(uint64_t cyc) const
	{
		if (count == 0 || due[head] > cyc)
			return nullptr;
		return ring + (size_t)head * bus;
	}

	void pop()
	{
		head = (head + 1) & (cap - 1);
		count--;
	}

	void tick()
	{
		if (!full_bw && credits < bus) {
			credits += bw;
			if (credits > bus)
				credits = bus;
		}
	}

	bool bad_addr(uint64_t addr)
	{
		if ((addr & (bus - 1)) == 0 && addr + bus <= size)
			return false;
		if (stats.bus_errors++ == 0)
			stats.first_bus_error = addr;
		return true;
	}

	void accept_read(uint64_t addr, uint64_t cyc)
	{
		if (!full_bw)
			credits -= bus;
		stats.reads++;
		unsigned slot = (head + count) & (cap - 1);
		uint8_t *dst = ring + (size_t)slot * bus;
		if (bad_addr(addr))
			std::memset(dst, 0, bus);
		else
			std::memcpy(dst, bytes + addr, bus);
		due[slot] = cyc + latency;
		count++;
	}

	void accept_write(uint64_t addr, const uint8_t *data, uint64_t strb)
	{
		if (!full_bw)
			credits -= bus;
		stats.writes++;
		if (strb == 0)
			return;
		if (n_guards)
			check_guards(addr, strb);
		if (bad_addr(addr))
			return;
		if (bus < 64 ? strb == (((uint64_t)1 << bus) - 1) : strb == ~(uint64_t)0) {
			std::memcpy(bytes + addr, data, bus);
			return;
		}
		for (unsigned i = 0; i < bus; i++)
			if ((strb >> i) & 1)
				bytes[addr + i] = data[i];
	}

	void check_guards(uint64_t addr, uint64_t strb);
};

// One geometry's Verilated model behind a virtual interface; the per-cycle
// loop lives inside the implementation, so the virtual call is per step/run.
class SimModel {
public:
	MemModel mem;
	uint64_t cyc = 0;

	virtual ~SimModel() {}
	// Open the trace (path may be NULL) and reset.  MOTE_SIM_OK or an error.
	virtual int start(const char *trace_path) = 0;
	// Simulate up to n cycles; stop early after a cycle that leaves o_irq
	// high when stop_on_irq.  Returns cycles simulated.
	virtual uint64_t run(uint64_t n, bool stop_on_irq) = 0;
	virtual int csr(bool write, uint32_t addr, uint32_t wdata, uint32_t *rdata) = 0;
	virtual bool irq() const = 0;
	virtual bool broken() const = 0;
};

typedef SimModel *(*SimFactory)();

} // namespace mote_sim_impl

#endif
