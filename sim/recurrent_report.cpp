#include "sim/recurrent_report.h"

#include "models/pe_array/array_kind.h"
#include "sim/report_sections.h"

namespace shiftsim::sim {

Report build_recurrent_report(const RunMachine& m, const RunRequest& req, const quant::RecurrentQuantizedNetwork& qn,
                              const RecurrentOutcome& out, size_t passes) {
  const models::ArchSpec& a = m.cfg.arch;
  // The first sequence's passes, as a single run.
  RunOutcome first;
  first.sim = out.sim;
  first.sim.layers.resize(std::min(passes, out.sim.layers.size()));
  first.sim.actions.resize(first.sim.layers.size());
  first.sim.total_cycles = out.sim.run_end_cycles.empty() ? out.sim.total_cycles : out.sim.run_end_cycles.front();
  Report r;
  fill_run_header(r, a, req, qn.net.name);
  r.total_cycles = first.sim.total_cycles;
  r.accelerator_cycles = out.sim.accelerator_cycles;
  r.host_cycles = r.total_cycles - r.accelerator_cycles;
  r.dram_model = a.dram.model == models::DramModel::ddr4 ? "ddr4" : "fixed";
  for (const models::LayerStats& s : first.sim.layers) {
    r.dram_read_bytes += s.dram_read_bytes;
    r.dram_write_bytes += s.dram_write_bytes;
  }
  if (out.sim.layers.size() == passes) {  // one sequence: the DRAM's own counts are its
    r.dram_read_bursts = out.sim.dram.read_bursts;
    r.dram_write_bursts = out.sim.dram.write_bursts;
    r.dram_row_hits = out.sim.dram.row_hits;
    r.dram_row_misses = out.sim.dram.row_misses;
    r.dram_row_conflicts = out.sim.dram.row_conflicts;
    r.dram_refreshes = out.sim.dram.refreshes;
  }
  r.bit_exact = out.exact_sequences == out.outputs.size() ? 1 : 0;
  const double peak_per_cycle = double(r.lanes) * r.vector * r.kernel * r.kernel;
  r.layers.resize(qn.net.layers.size());
  for (size_t i = 0; i < qn.net.layers.size(); ++i) {
    LayerReport& l = r.layers[i];
    l.name = qn.net.layers[i].name;
    l.type = quant::to_string(qn.net.layers[i].type);
    l.macs = uint64_t(quant::layer_macs(qn.net.layers[i]));
    l.bit_exact = out.compared.at(0).layer_exact.at(i) ? 1 : 0;
  }
  for (const models::LayerStats& s : first.sim.layers) {
    add_pass(r.layers.at(s.layer_id), s);
  }
  for (LayerReport& l : r.layers) {
    finish_layer(l, peak_per_cycle);
    r.macs += l.macs;
    r.saturations += l.saturations;
  }
  r.seconds = double(r.total_cycles) / (r.clock_mhz * 1e6);
  r.gops = r.seconds > 0 ? 2.0 * double(r.macs) / r.seconds / 1e9 : 0;
  r.pe_utilization = r.accelerator_cycles ? double(r.macs) / (double(r.accelerator_cycles) * peak_per_cycle) : 0;
  r.resources = build_resource_report(m.cfg, req.allow_over_budget);
  Prepared p;
  p.cfg = m.cfg;
  p.energy = m.energy;
  add_energy(r, p, first);
  return r;
}

}  // namespace shiftsim::sim
