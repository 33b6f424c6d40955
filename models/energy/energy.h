#pragma once
// Energy = actions x energy per action + static power x time (docs/ENERGY.md). The table is
// read from configs/energy/*.json by sim/energy_spec.*; models/ sees only this struct.
#include "models/energy/activity.h"

namespace shiftsim::models {

// Energy per action in picojoules, static power in watts. One field per kind of action in
// models::Actions.
struct EnergyTable {
  double dsp_pj_per_operand_bit = 0;  // DSP48E2 multiply-add, per operand bit (a + w)
  double lut_logic_pj = 0;            // one LUT evaluating new data
  double lut_add_pj_per_bit = 0;      // one adder bit (LUT + carry chain)
  double ff_pj_per_bit = 0;           // one register bit loaded with new data
  double bram_read_pj_per_bit = 0;
  double bram_write_pj_per_bit = 0;
  double interconnect_pj_per_byte = 0;
  double dram_pj_per_byte = 0;
  double static_w = 0;                // the device's static power
};

// Dynamic energy of a set of actions, in joules.
double dynamic_joules(const Actions& a, const EnergyTable& t);

// Static energy of `cycles` at `clock_mhz`, in joules: static_w x time, nothing else.
double static_joules(uint64_t cycles, double clock_mhz, const EnergyTable& t);

}  // namespace shiftsim::models
