// sim_geometry.cpp: the factory for one Verilated geometry.  Compiled once per
// entry of $(SIM_GEOMETRIES) with -DMOTE_SIM_PREFIX=Vmote_top_<R>x<C> and
// -DMOTE_SIM_FACTORY=mote_sim_make_<R>x<C> (see sim/sim.mk).
#define MOTE_SIM_STR2(x) #x
#define MOTE_SIM_STR(x) MOTE_SIM_STR2(x)
#include MOTE_SIM_STR(MOTE_SIM_PREFIX.h)

#include "sim_model_impl.h"

namespace mote_sim_impl {

SimModel *MOTE_SIM_FACTORY()
{
	return new (std::nothrow) Model<MOTE_SIM_PREFIX>;
}

} // namespace mote_sim_impl
