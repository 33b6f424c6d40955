#include "study/fit_arch_json.h"

#include "models/pe_array/array_kind.h"

namespace shiftsim::sim {

nlohmann::ordered_json arch_to_json(const models::ArchSpec& a, const std::string& description,
                                    const std::string& device_ref,
                                    const models::ResourceOptions& resources,
                                    const std::string& memory_ref) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["name"] = a.name;
  j["description"] = description;
  j["device"] = device_ref;
  j["clock_mhz"] = a.clock_mhz;
  const bool ddr4 = a.dram.model == models::DramModel::ddr4;
  j["dram"] = ordered_json{{"model", ddr4 ? "ddr4" : "fixed"},
                           {"width_bytes", a.dram.width_bytes},
                           {"peak_gbps", a.dram.peak_gbps},
                           {"latency_ns", a.dram.latency_ns},
                           {"max_burst_bytes", a.dram.max_burst_bytes},
                           {"size_mib", a.dram.size_mib}};
  if (ddr4) {
    j["dram"]["memory"] = memory_ref;
    j["dram"]["controller_latency_ns"] = a.dram.controller_latency_ns;
  }
  j["buffers"] = ordered_json{{"input_kib", a.buffers.input_kib},
                              {"weight_kib", a.buffers.weight_kib},
                              {"output_kib", a.buffers.output_kib},
                              {"input_read_latency", a.buffers.input_read_latency},
                              {"weight_read_latency", a.buffers.weight_read_latency},
                              {"output_read_latency", a.buffers.output_read_latency}};
  j["pe_array"] = ordered_json{{"kind", models::array_kind_model(a).name()},
                               {"lanes", a.pe_array.lanes},
                               {"vector", a.pe_array.vector},
                               {"kernel", a.pe_array.kernel},
                               {"product_stages", a.pe_array.product_stages}};
  j["numerics"] = ordered_json{
      {"act_bits", a.numerics.act_bits},
      {"weight_bits", a.numerics.weight_bits},
      {"acc_bits", a.numerics.acc_bits},
      {"overflow", a.numerics.overflow == models::OverflowPolicy::wrap ? "wrap" : "saturate"}};
  j["ppu"] = ordered_json{{"latency_cycles", a.ppu.latency_cycles}};
  j["dma"] = ordered_json{{"outstanding", a.dma.outstanding}};
  j["host"] = ordered_json{{"reg_access_cycles", a.host.reg_access_cycles}};
  // Written only when it differs from the default, so that a CNN machine's file stays as it was.
  if (a.recurrent.max_rows != models::RecurrentSpec{}.max_rows)
    j["recurrent"] = ordered_json{{"max_rows", a.recurrent.max_rows}};
  j["resources"] = ordered_json{
      {"dsp_counting", resources.dsp_counting == models::DspCounting::nbqnn_paper ? "nbqnn_paper" : "synthesis"},
      {"buffers_in_uram", resources.buffers_in_uram}};
  return j;
}

bool same_arch(const models::ArchSpec& x, const models::ArchSpec& y) {
  return x.name == y.name && x.clock_mhz == y.clock_mhz && x.dram.width_bytes == y.dram.width_bytes &&
         x.dram.peak_gbps == y.dram.peak_gbps && x.dram.latency_ns == y.dram.latency_ns &&
         x.dram.max_burst_bytes == y.dram.max_burst_bytes && x.dram.size_mib == y.dram.size_mib &&
         x.dram.model == y.dram.model && x.dram.controller_latency_ns == y.dram.controller_latency_ns &&
         (x.dram.model != models::DramModel::ddr4 || x.dram.ddr4 == y.dram.ddr4) &&
         x.buffers.input_read_latency == y.buffers.input_read_latency &&
         x.buffers.weight_read_latency == y.buffers.weight_read_latency &&
         x.buffers.output_read_latency == y.buffers.output_read_latency &&
         x.dma.outstanding == y.dma.outstanding &&
         x.buffers.input_kib == y.buffers.input_kib && x.buffers.weight_kib == y.buffers.weight_kib &&
         x.buffers.output_kib == y.buffers.output_kib && x.pe_array.kind == y.pe_array.kind &&
         x.pe_array.lanes == y.pe_array.lanes && x.pe_array.vector == y.pe_array.vector &&
         x.pe_array.kernel == y.pe_array.kernel &&
         x.pe_array.product_stages == y.pe_array.product_stages &&
         x.numerics.act_bits == y.numerics.act_bits && x.numerics.weight_bits == y.numerics.weight_bits &&
         x.numerics.acc_bits == y.numerics.acc_bits && x.numerics.overflow == y.numerics.overflow &&
         x.ppu.latency_cycles == y.ppu.latency_cycles &&
         x.host.reg_access_cycles == y.host.reg_access_cycles && x.recurrent.max_rows == y.recurrent.max_rows;
}

}  // namespace shiftsim::sim
