// mote_sim.cpp: the C API of the simulator library (mote_sim.h) over the
// per-geometry models, and the memory model's out-of-line parts.
//
// MOTE_SIM_GEOMS is defined by sim/sim.mk as a list X(R,C) X(R,C) ... of the
// geometries built into the library, MOTE_SIM_BOARDS as B(name, memory bytes,
// bus bytes, memory latency) ... of its boards (fpga/boards.mk).
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mote_sim.h"
#include "sim_model.h"

using namespace mote_sim_impl;

#ifndef MOTE_SIM_GEOMS
#error "MOTE_SIM_GEOMS must list the built geometries, e.g. X(8,8)"
#endif
#ifndef MOTE_SIM_BOARDS
#define MOTE_SIM_BOARDS
#endif

namespace mote_sim_impl {
#define X(r, c) SimModel *mote_sim_make_##r##x##c();
MOTE_SIM_GEOMS
#undef X

#define B(n, mem, bus, lat) SimModel *mote_sim_make_##n();
MOTE_SIM_BOARDS
#undef B

struct GeomEntry {
	unsigned rows, cols;
	SimFactory make;
};
static const GeomEntry k_geoms[] = {
#define X(r, c) {r, c, mote_sim_make_##r##x##c},
	MOTE_SIM_GEOMS
#undef X
};

// A board: its own model (the board's parameters of mote_top) and its memory.
struct BoardEntry {
	const char *name;
	uint64_t mem;
	unsigned bus, latency;
	SimFactory make;
};
static const BoardEntry k_boards[] = {
#define B(n, mem, bus, lat) {#n, mem, bus, lat, mote_sim_make_##n},
	MOTE_SIM_BOARDS
#undef B
	{nullptr, 0, 0, 0, nullptr},
};

static const BoardEntry *find_board(const char *name)
{
	for (const BoardEntry *b = k_boards; name && b->name; b++)
		if (!std::strcmp(b->name, name))
			return b;
	return nullptr;
}

int MemModel::init(uint64_t mem_size, unsigned bus_bytes, unsigned lat, unsigned bytes_per_cycle)
{
	size = mem_size;
	bus = bus_bytes;
	latency = lat;
	bw = bytes_per_cycle;
	full_bw = bw >= bus;
	credits = bus;
	// Enough entries for one response per cycle at this latency.
	cap = 4;
	while (cap < lat + 2)
		cap <<= 1;
	bytes = static_cast<uint8_t *>(std::calloc((size_t)mem_size, 1));
	ring = new (std::nothrow) uint8_t[(size_t)cap * bus]();
	due = new (std::nothrow) uint64_t[cap]();
	return bytes && ring && due ? MOTE_SIM_OK : MOTE_SIM_ENOMEM;
}

void MemModel::check_guards(uint64_t addr, uint64_t strb)
{
	bool hit = false;
	uint64_t first = 0;
	for (unsigned i = 0; i < bus && !hit; i++) {
		if (!((strb >> i) & 1))
			continue;
		for (unsigned g = 0; g < n_guards; g++) {
			if (addr + i >= guards[g].base && addr + i < guards[g].end) {
				hit = true;
				first = addr + i;
				break;
			}
		}
	}
	if (hit && stats.guard_hits++ == 0)
		stats.first_guard_hit = first;
}
} // namespace mote_sim_impl

struct mote_sim {
	SimModel *model = nullptr;
	double wall_seconds = 0; // spent in step/run
	uint64_t timed_cycles = 0;
};

namespace {
using Clock = std::chrono::steady_clock;

// Runs the model and accounts the wall time.  Returns cycles simulated.
uint64_t timed_run(mote_sim *s, uint64_t n, bool stop_on_irq)
{
	const Clock::time_point t0 = Clock::now();
	uint64_t done = s->model->run(n, stop_on_irq);
	s->wall_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
	s->timed_cycles += done;
	return done;
}
} // namespace

extern "C" {

int mote_sim_geometry(unsigned i, unsigned *rows, unsigned *cols)
{
	if (i >= sizeof k_geoms / sizeof k_geoms[0] || !rows || !cols)
		return 0;
	*rows = k_geoms[i].rows;
	*cols = k_geoms[i].cols;
	return 1;
}

int mote_sim_has_geometry(unsigned rows, unsigned cols)
{
	for (const GeomEntry &g : k_geoms)
		if (g.rows == rows && g.cols == cols)
			return 1;
	return 0;
}

static int create(SimFactory make, unsigned bus, uint64_t mem_size, unsigned latency, unsigned bytes_per_cycle,
		  const char *trace_path, mote_sim **out)
{
	if (!trace_path) {
		const char *env = std::getenv("MOTE_TRACE");
		if (env && env[0])
			trace_path = env;
	}
	mote_sim *s = new (std::nothrow) mote_sim;
	if (!s)
		return MOTE_SIM_ENOMEM;
	int rc;
	try {
		s->model = make();
		if (!s->model) {
			rc = MOTE_SIM_ENOMEM;
		} else {
			rc = s->model->mem.init(mem_size, bus, latency, bytes_per_cycle);
			if (rc == MOTE_SIM_OK)
				rc = s->model->start(trace_path);
		}
	} catch (const std::bad_alloc &) {
		rc = MOTE_SIM_ENOMEM;
	}
	if (rc != MOTE_SIM_OK) {
		mote_sim_destroy(s);
		return rc;
	}
	*out = s;
	return MOTE_SIM_OK;
}

int mote_sim_create(unsigned rows, unsigned cols, uint64_t mem_size, unsigned latency,
		    unsigned bytes_per_cycle, const char *trace_path, mote_sim **out)
{
	if (!out)
		return MOTE_SIM_EINVAL;
	*out = nullptr;
	if (mem_size == 0 || mem_size > MOTE_SIM_MEM_MAX || mem_size > SIZE_MAX || latency == 0 ||
	    latency > MOTE_SIM_MAX_LATENCY || bytes_per_cycle == 0)
		return MOTE_SIM_EINVAL;
	SimFactory make = nullptr;
	for (const GeomEntry &g : k_geoms)
		if (g.rows == rows && g.cols == cols)
			make = g.make;
	if (!make)
		return MOTE_SIM_ENOGEOM;
	return create(make, 2 * rows, mem_size, latency, bytes_per_cycle, trace_path, out);
}

int mote_sim_board(const char *name, uint64_t *mem_size)
{
	const BoardEntry *b = find_board(name);
	if (b && mem_size)
		*mem_size = b->mem;
	return b != nullptr;
}

const char *mote_sim_board_name(unsigned i)
{
	return i < sizeof k_boards / sizeof k_boards[0] - 1 ? k_boards[i].name : nullptr;
}

int mote_sim_create_board(const char *name, const char *trace_path, mote_sim **out)
{
	if (!out)
		return MOTE_SIM_EINVAL;
	*out = nullptr;
	const BoardEntry *b = find_board(name);
	if (!b)
		return MOTE_SIM_ENOGEOM;
	return create(b->make, b->bus, b->mem, b->latency, b->bus, trace_path, out);
}

void mote_sim_destroy(mote_sim *sim)
{
	if (!sim)
		return;
	delete sim->model;
	delete sim;
}

unsigned mote_sim_bus_bytes(const mote_sim *sim) { return sim ? sim->model->mem.bus : 0; }

int mote_sim_csr_write(mote_sim *sim, uint32_t addr, uint32_t value)
{
	if (!sim)
		return MOTE_SIM_EINVAL;
	if (sim->model->broken())
		return MOTE_SIM_EFATAL;
	return sim->model->csr(true, addr, value, nullptr);
}

int mote_sim_csr_read(mote_sim *sim, uint32_t addr, uint32_t *value)
{
	if (!sim || !value)
		return MOTE_SIM_EINVAL;
	if (sim->model->broken())
		return MOTE_SIM_EFATAL;
	return sim->model->csr(false, addr, 0, value);
}

static int mem_range(const mote_sim *sim, uint64_t addr, size_t len)
{
	uint64_t end;
	if (__builtin_add_overflow(addr, (uint64_t)len, &end) || end > sim->model->mem.size)
		return MOTE_SIM_ERANGE;
	return MOTE_SIM_OK;
}

int mote_sim_mem_write(mote_sim *sim, uint64_t addr, const void *src, size_t len)
{
	if (!sim || (!src && len))
		return MOTE_SIM_EINVAL;
	int rc = mem_range(sim, addr, len);
	if (rc == MOTE_SIM_OK && len)
		std::memcpy(sim->model->mem.bytes + addr, src, len);
	return rc;
}

int mote_sim_mem_read(mote_sim *sim, uint64_t addr, void *dst, size_t len)
{
	if (!sim || (!dst && len))
		return MOTE_SIM_EINVAL;
	int rc = mem_range(sim, addr, len);
	if (rc == MOTE_SIM_OK && len)
		std::memcpy(dst, sim->model->mem.bytes + addr, len);
	return rc;
}

uint8_t *mote_sim_mem(mote_sim *sim, uint64_t *size)
{
	if (!sim)
		return nullptr;
	if (size)
		*size = sim->model->mem.size;
	return sim->model->mem.bytes;
}

int mote_sim_step(mote_sim *sim, uint64_t n)
{
	if (!sim)
		return MOTE_SIM_EINVAL;
	if (sim->model->broken())
		return MOTE_SIM_EFATAL;
	timed_run(sim, n, false);
	return sim->model->broken() ? MOTE_SIM_EFATAL : MOTE_SIM_OK;
}

int mote_sim_run(mote_sim *sim, uint64_t max_cycles, uint64_t *ran)
{
	if (ran)
		*ran = 0;
	if (!sim)
		return MOTE_SIM_EINVAL;
	if (sim->model->broken())
		return MOTE_SIM_EFATAL;
	uint64_t done = 0;
	if (!sim->model->irq())
		done = timed_run(sim, max_cycles, true);
	if (ran)
		*ran = done;
	if (sim->model->broken())
		return MOTE_SIM_EFATAL;
	return sim->model->irq() ? 1 : 0;
}

int mote_sim_irq(const mote_sim *sim) { return sim && sim->model->irq() ? 1 : 0; }

uint64_t mote_sim_cycles(const mote_sim *sim) { return sim ? sim->model->cyc : 0; }

double mote_sim_cycles_per_second(const mote_sim *sim)
{
	if (!sim || sim->wall_seconds <= 0)
		return 0;
	return (double)sim->timed_cycles / sim->wall_seconds;
}

int mote_sim_guard_add(mote_sim *sim, uint64_t base, uint64_t size)
{
	if (!sim || size == 0)
		return MOTE_SIM_EINVAL;
	uint64_t end;
	if (__builtin_add_overflow(base, size, &end))
		return MOTE_SIM_EINVAL;
	MemModel &m = sim->model->mem;
	if (m.n_guards >= MOTE_SIM_MAX_GUARDS)
		return MOTE_SIM_EFULL;
	m.guards[m.n_guards++] = Guard{base, end};
	return MOTE_SIM_OK;
}

void mote_sim_guard_clear(mote_sim *sim)
{
	if (sim)
		sim->model->mem.n_guards = 0;
}

void mote_sim_get_stats(const mote_sim *sim, struct mote_sim_stats *stats)
{
	if (!stats)
		return;
	if (!sim) {
		*stats = mote_sim_stats{};
		return;
	}
	*stats = sim->model->mem.stats;
}

const char *mote_sim_strerror(int err)
{
	switch (err) {
	case MOTE_SIM_OK: return "success";
	case MOTE_SIM_EINVAL: return "invalid argument";
	case MOTE_SIM_ENOGEOM: return "no simulator model for this geometry";
	case MOTE_SIM_ENOMEM: return "out of memory";
	case MOTE_SIM_ERANGE: return "address range outside the device memory";
	case MOTE_SIM_ETIMEOUT: return "register read not answered";
	case MOTE_SIM_EFATAL: return "the simulated design stopped ($stop/$fatal)";
	case MOTE_SIM_ETRACE: return "cannot open the trace file";
	case MOTE_SIM_EFULL: return "too many guard ranges";
	default: return "unknown simulator error";
	}
}

} // extern "C"
