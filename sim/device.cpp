#include "sim/device.h"

#include "common/json_reader.h"

namespace shiftsim::sim {

namespace {
// No FPGA comes near a billion of anything; a bigger figure is a typo.
constexpr int64_t kMaxResource = 1'000'000'000;
}  // namespace

DeviceSpec parse_device(const nlohmann::json& doc, const std::string& file,
                        const std::string& root) {
  JsonReader r(doc, file, root);
  DeviceSpec d;
  d.name = r.str("name", "board name, e.g. ZCU102");
  d.part = r.str("part", "FPGA part number, e.g. XCZU9EG");
  d.source = r.str("source", "data sheet the resource figures come from");
  if (d.source.find_first_not_of(" \t") == std::string::npos)
    r.fail("source", "name the data sheet the figures come from (every figure carries its source)");
  JsonReader res = r.child("resources", "resource budget of the part");
  d.lut = res.integer("lut", 0, kMaxResource, "6-input LUTs");
  d.ff = res.integer("ff", 0, kMaxResource, "flip-flops");
  d.dsp = res.integer("dsp", 0, kMaxResource, "DSP slices (DSP48E1/E2)");
  d.bram36 = res.integer("bram36", 0, kMaxResource, "36 Kb block RAMs");
  d.uram = res.integer("uram", 0, 0, kMaxResource, "288 Kb UltraRAMs (0 when the part has none)");
  res.finish();
  r.finish();
  return d;
}

DeviceSpec load_device(const std::string& path) { return parse_device(read_json_file(path), path); }

}  // namespace shiftsim::sim
