#include "models/energy/energy.h"

namespace shiftsim::models {

double dynamic_joules(const Actions& a, const EnergyTable& t) {
  const double pj = a.dsp_operand_bits * t.dsp_pj_per_operand_bit + a.lut_logic * t.lut_logic_pj +
                    a.lut_add_bits * t.lut_add_pj_per_bit + a.ff_bits * t.ff_pj_per_bit +
                    a.bram_read_bits * t.bram_read_pj_per_bit +
                    a.bram_write_bits * t.bram_write_pj_per_bit +
                    a.interconnect_bytes * t.interconnect_pj_per_byte +
                    a.dram_bytes * t.dram_pj_per_byte;
  return pj * 1e-12;
}

double static_joules(uint64_t cycles, double clock_mhz, const EnergyTable& t) {
  return t.static_w * double(cycles) / (clock_mhz * 1e6);
}

}  // namespace shiftsim::models
