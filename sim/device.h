#pragma once
// The FPGA an architecture is built on: its name and resource budget, read from
// configs/devices/*.json. Resource checks elsewhere compare a design's needs against these.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace shiftsim::sim {

struct DeviceSpec {
  std::string name;    // board, e.g. "ZCU102"
  std::string part;    // FPGA part, e.g. "XCZU9EG"
  std::string source;  // data sheet the figures come from
  int64_t lut = 0;
  int64_t ff = 0;
  int64_t dsp = 0;
  int64_t bram36 = 0;  // 36 Kb block RAMs (two BRAM18 each)
  int64_t uram = 0;    // 288 Kb UltraRAMs
};

// Reads a device file; a missing file, malformed JSON, a bad value or an unknown key is an
// InputError naming the file and the JSON path.
DeviceSpec load_device(const std::string& path);

// Reads an already-parsed device object. `root` prefixes every JSON path (empty for a file).
DeviceSpec parse_device(const nlohmann::json& doc, const std::string& file,
                        const std::string& root = "");

}  // namespace shiftsim::sim
