#pragma once
// Reads a DDR4 memory file (configs/memory/*.json) into the models::Ddr4Spec the DDR4 timing
// model consumes: the clock, the geometry, the JEDEC timings and the address map, every value
// with its source (docs/MEMORY.md). JSON stops here.
#include <string>

#include <nlohmann/json.hpp>

#include "models/memory/ddr4_spec.h"

namespace shiftsim::sim {

// Reads `path` (schema "shiftsim.memory", version 1). Timings are objects with "nck", "ns" or
// both (then the larger, as JEDEC writes max(n nCK, t ns)); ns become clocks by
// models::ns_to_nck. A missing file, bad JSON, a missing or unknown key, a value out of range,
// a missing source or values the model cannot run is an InputError naming the file and the
// JSON path, e.g. "x.json: timing.tRFC: must be shorter than tREFI (9360 nCK), found 9360".
models::Ddr4Spec load_memory_config(const std::string& path);

// The same, from an already-parsed document; `file` only names it in errors.
models::Ddr4Spec parse_memory_config(const nlohmann::json& doc, const std::string& file);

}  // namespace shiftsim::sim
