#pragma once
// Reads a machine (configs/arch/*.json) into the typed specs models/ consumes, plus the device
// it is built on. JSON never travels past this point.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/arch_spec.h"
#include "models/resources/resources.h"
#include "sim/device.h"

namespace shiftsim::sim {

struct ArchConfig {
  models::ArchSpec arch;
  DeviceSpec device;
  std::string file;         // the arch file as given
  std::string device_file;  // the device file, resolved against the arch file's directory
  std::string description;  // free text: where the design point comes from
  // How the resource model counts this machine ("resources" section; docs/RESOURCES.md).
  models::ResourceOptions resources;
  // The energy table (configs/energy/*.json), resolved like the device file; by default the
  // device's own table: <device dir>/../energy/<device file name>.
  std::string energy_file;
};

// The arch file's settings that are not part of the machine models/ simulates.
struct ArchExtras {
  models::ResourceOptions resources;
  std::string energy_ref;  // as written; empty: chosen by device
  std::string memory_ref;  // dram.memory as written
};

// dram.model ddr4: reads the memory file `memory_ref` (resolved against the arch file's
// directory) into arch.dram.ddr4; nothing for the fixed model.
void load_memory(models::ArchSpec& arch, const std::string& arch_file, const std::string& memory_ref);

// Reads `path`, applies the "--set path=value" overrides, checks every parameter and loads the
// device. Any problem is an InputError naming the file and the JSON path; problems caused by an
// override start with "--set <override>: ".
ArchConfig load_arch(const std::string& path, const std::vector<std::string>& overrides = {});

// Reads an already-parsed arch object without touching the file system; the "device" string is
// returned in `device_ref` unresolved.
models::ArchSpec parse_arch(const nlohmann::json& doc, const std::string& file,
                            std::string* device_ref = nullptr, std::string* description = nullptr,
                            ArchExtras* extras = nullptr);

// Every arch and device parameter, one per line: path, default (or "required"), description.
std::string describe_arch_params();

}  // namespace shiftsim::sim
