// The machine's resources: the blocks listed, each counting itself beside its model, and
// their sum. docs/RESOURCES.md explains every block's formula and gives its source.
#include "models/machine_resources.h"

#include "models/buffers/buffer_resources.h"
#include "models/control/controller_resources.h"
#include "models/memory/memory_resources.h"
#include "models/pe_array/pe_array_resources.h"
#include "models/pe_array/sequencer_resources.h"
#include "models/postproc/postproc_resources.h"
#include "models/recurrent/register_file.h"
#include "models/recurrent/vector_unit_resources.h"

namespace shiftsim::models {

std::vector<ComponentResources> estimate_resources(const ArchSpec& spec, const ResourceOptions& opt) {
  const char* calibrated = "Yosys-calibrated blocks (products, adder tree, accumulator)";
  std::vector<ComponentResources> parts;
  parts.push_back({"pe_array", pe_array(spec, opt),
                   std::string(calibrated) + " + weight and bias registers" +
                       (opt.dsp_counting == DspCounting::nbqnn_paper
                            ? "; DSPs as the n-BQ-NN paper counts them"
                            : "")});
  parts.push_back({"window", window_unit(spec), "structural (rtl/cu_top.v's window generator)"});
  parts.push_back({"sequencer", issue_sequencer(spec), "structural (rtl/cu_top.v's issue sequencer)"});
  parts.push_back({"input_buffer", input_buffer(spec, opt), "UG573 aspect ratios, k^2 banks"});
  parts.push_back({"weight_buffer", weight_buffer(spec, opt),
                   "UG573 aspect ratios, one array weight set per cycle"});
  parts.push_back({"output_buffer", output_buffer(spec, opt), "UG573 aspect ratios, Tm lanes wide"});
  parts.push_back({"ppu", ppu(spec), "Yosys-calibrated (ppu_lane.v)"});
  parts.push_back({"pool_eltwise", pool_eltwise(spec), "rough structural estimate"});
  parts.push_back({"dma", dma(spec), "structural estimate"});
  parts.push_back({"controller", controller(spec), "rough estimate"});
  parts.push_back({"interconnect", interconnect(spec), "rough estimate"});
  if (opt.recurrent_units) {
    parts.push_back({"activation", activation_unit(spec),
                     "Yosys-calibrated (activation_lane.v, activation_pair.v: ROM in RAMB36, products on DSP48E2)"});
    parts.push_back({"elementwise", elementwise_unit(spec),
                     "Yosys-calibrated (elementwise_lane.v)"});
    parts.push_back({"regfile", register_file(spec).total,
                     "structural: UG573 aspect ratios and UG574 LUTRAM, sized by recurrent.max_rows"});
  }
  return parts;
}

Resources total(const std::vector<ComponentResources>& parts) {
  Resources t;
  for (const ComponentResources& p : parts) t += p.use;
  return t;
}

}  // namespace shiftsim::models
