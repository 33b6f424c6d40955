// DDR4 memory files (configs/memory/*.json): the shipped ZCU102 part loads with the JEDEC
// figures converted to clocks as docs/MEMORY.md says, and every bad input names its file and
// JSON path.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "models/memory/ddr4_timing.h"
#include "sim/memory_config.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using shiftsim::InputError;
using shiftsim::models::AddressField;
using shiftsim::models::Ddr4Spec;
using shiftsim::models::ns_to_nck;
using shiftsim::sim::load_memory_config;

namespace {

const std::string kZcu102 = std::string(SHIFTSIM_SOURCE_DIR) + "/configs/memory/ddr4_2400_zcu102.json";

fs::path scratch_dir() {
  const char* env = std::getenv("SHIFTSIM_TEST_TMP");
  fs::path dir = fs::path(env && *env ? env : "/tmp") / "test_memory_config";
  fs::create_directories(dir);
  return dir;
}

nlohmann::json shipped_json() {
  std::ifstream in(kZcu102);
  return nlohmann::json::parse(in);
}

std::string write_json(const std::string& name, const nlohmann::json& j) {
  const fs::path p = scratch_dir() / name;
  std::ofstream(p) << j.dump(2);
  return p.string();
}

std::string load_error(const std::string& path) {
  try {
    load_memory_config(path);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError from " << path);
  return "";
}

// One edit of the shipped file (a JSON pointer set to a value, or removed) and the message
// its error must carry after "<file>: ".
struct BadEdit {
  std::string pointer;
  nlohmann::json value;  // null: remove the key
  std::string message;
};

void check_bad_edits(const std::vector<BadEdit>& cases, const std::string& prefix) {
  int n = 0;
  for (const BadEdit& c : cases) {
    nlohmann::json j = shipped_json();
    const nlohmann::json::json_pointer ptr(c.pointer);
    if (c.value.is_null())
      j[ptr.parent_pointer()].erase(ptr.back());
    else
      j[ptr] = c.value;
    const std::string f = write_json(prefix + std::to_string(n++) + ".json", j);
    INFO(c.pointer << " -> " << c.message);
    CHECK_THAT(load_error(f), Contains(f + ": " + c.message));
  }
}

}  // namespace

TEST_CASE("memory config: ns round up to clocks with a 0.025 nCK allowance") {
  const double tck = 2000.0 / 2400;  // 0.8333 ns
  CHECK(ns_to_nck(30.0, tck) == 36);    // exactly 36 clocks: not pushed to 37
  CHECK(ns_to_nck(14.16, tck) == 17);   // 16.99
  CHECK(ns_to_nck(32.0, tck) == 39);    // 38.4
  CHECK(ns_to_nck(5.3, tck) == 7);      // 6.36
  CHECK(ns_to_nck(0.0, tck) == 0);
  CHECK(ns_to_nck(10.02, 1.0) == 10);   // within the allowance
  CHECK(ns_to_nck(10.03, 1.0) == 11);
}

TEST_CASE("memory config: the shipped ZCU102 DDR4-2400 part") {
  const Ddr4Spec s = load_memory_config(kZcu102);
  CHECK(s.tck_ns == Approx(0.8333333));  // 2000 / 2400
  CHECK(s.bus_bytes == 8);
  CHECK(s.burst_length == 8);
  CHECK(s.bank_groups == 2);
  CHECK(s.banks_per_group == 4);
  CHECK(s.ranks == 1);
  CHECK(s.rows == 65536);
  CHECK(s.columns == 1024);
  // In nCK, by hand at tCK = 0.8333 ns (ceil(ns / tCK - 0.025); max with the nCK floor):
  CHECK(s.cl == 17);
  CHECK(s.cwl == 16);
  CHECK(s.trcd == 17);
  CHECK(s.trp == 17);
  CHECK(s.tras == 39);    // 32 ns: 38.4
  CHECK(s.trc == 56);     // 46.16 ns: 55.39
  CHECK(s.trrd_s == 7);   // max(4, 5.3 ns: 6.36)
  CHECK(s.trrd_l == 8);   // max(4, 6.4 ns: 7.68)
  CHECK(s.tfaw == 36);    // max(28, 30 ns: 36.0)
  CHECK(s.twr == 18);     // 15 ns: 18.0
  CHECK(s.twtr_s == 3);   // max(2, 2.5 ns: 3.0)
  CHECK(s.twtr_l == 9);   // max(4, 7.5 ns: 9.0)
  CHECK(s.trtp == 9);     // max(4, 7.5 ns: 9.0)
  CHECK(s.tccd_s == 4);
  CHECK(s.tccd_l == 6);   // max(5, 5 ns: 6.0)
  CHECK(s.trefi == 9360); // 7800 ns: 9360.0
  CHECK(s.trfc == 420);   // 350 ns: 420.0
  CHECK(s.address_map[0] == AddressField::offset);
  CHECK(s.address_map[1] == AddressField::bank_group);
  CHECK(s.address_map[2] == AddressField::column);
  CHECK(s.address_map[3] == AddressField::bank);
  CHECK(s.address_map[4] == AddressField::row);
  // 4 GiB: 6 offset + 1 bank group + 7 column + 2 bank + 16 row bits.
  CHECK(uint64_t{s.access_bytes()} * s.banks() * (s.columns / s.burst_length) * s.rows ==
        uint64_t{4} << 30);
  // The model takes it as it is.
  CHECK_NOTHROW(shiftsim::models::Ddr4Timing(s, 200.0));
}

TEST_CASE("memory config: a timing given as both nck and ns takes the larger") {
  nlohmann::json j = shipped_json();
  j["timing"]["tRRD_S"] = {{"nck", 9}, {"ns", 5.3}, {"source", "test"}};  // 9 > 7
  j["timing"]["tRTP"] = {{"ns", 7.5}, {"source", "test"}};                 // 9, no floor
  j["timing"]["tWR"] = {{"nck", 20}, {"source", "test"}};                  // as given
  const Ddr4Spec s = load_memory_config(write_json("both_units.json", j));
  CHECK(s.trrd_s == 9);
  CHECK(s.trtp == 9);
  CHECK(s.twr == 20);
}

TEST_CASE("memory config: wrong schema, unknown and missing keys are refused") {
  check_bad_edits(
      {
          {"/schema", "shiftsim.arch", "schema: must be \"shiftsim.memory\""},
          {"/version", 2, "version: must be <= 1, found 2"},
          {"/extra", 1, "extra: unknown key"},
          {"/timing/tXP", {{"nck", 4}, {"source", "x"}}, "timing.tXP: unknown key"},
          {"/timing/tRCD/unit", "ns", "timing.tRCD.unit: unknown key"},
          {"/geometry/rows/note", "x", "geometry.rows.note: unknown key"},
          {"/timing/tRCD", nullptr, "timing.tRCD: required object is missing"},
          {"/geometry/bank_groups", nullptr, "geometry.bank_groups: required object is missing"},
          {"/data_rate_mts", nullptr, "data_rate_mts: required object is missing"},
          {"/address_map", nullptr, "address_map: required object is missing"},
          {"/timing/tRFC/source", nullptr, "timing.tRFC.source: required string is missing"},
          {"/timing/tRFC/source", " ", "timing.tRFC.source: must name where the value comes from"},
          {"/geometry/rows/source", nullptr, "geometry.rows.source: required string is missing"},
          {"/timing/tRAS", {{"source", "x"}}, "timing.tRAS: give \"nck\", \"ns\" or both"},
      },
      "bad_keys_");
}

TEST_CASE("memory config: out-of-range and inconsistent values are refused") {
  check_bad_edits(
      {
          {"/timing/CL/nck", -1, "timing.CL.nck: must be >= 0, found -1"},
          {"/timing/CL/nck", 0, "timing.CL: must be >= 1 nCK"},
          {"/timing/tRCD/nck", 2000000, "timing.tRCD.nck: must be <= 1000000"},
          {"/timing/tRAS/ns", -3.0, "timing.tRAS.ns: must be >= 0"},
          {"/timing/tRAS/ns", "32", "timing.tRAS.ns: must be a number"},
          {"/timing/tCCD_S/nck", 3, "timing.tCCD_S: must be >= 4 nCK (BL/2"},
          {"/timing/tRFC/ns", 7800, "timing.tRFC: must be shorter than tREFI (9360 nCK), found 9360"},
          {"/data_rate_mts/value", 50, "data_rate_mts.value: must be >= 100, found 50"},
          {"/geometry/rows/value", 60000, "geometry.rows.value: must be a power of two, found 60000"},
          {"/geometry/columns/value", 4, "geometry.columns.value: must be >= 8, found 4"},
          {"/geometry/burst_length/value", 4, "geometry.burst_length: only BL8 is modelled, found 4"},
          {"/geometry/ranks/value", 2, "geometry.ranks: the model covers one rank, found 2"},
          {"/geometry/bank_groups/value", 8, "geometry.bank_groups.value: must be <= 4, found 8"},
      },
      "bad_values_");
}

TEST_CASE("memory config: the address map lists each field once, offset first") {
  using L = std::vector<std::string>;
  check_bad_edits(
      {
          {"/address_map/value", L{"offset", "column", "bank_group", "bank", "rank"},
           "address_map.value[4]: must be one of offset, column, bank_group, bank, row; found \"rank\""},
          {"/address_map/value", L{"offset", "column", "column", "bank", "row"},
           "address_map.value[2]: \"column\" appears twice"},
          {"/address_map/value", L{"column", "offset", "bank_group", "bank", "row"},
           "address_map.value[0]: must be \"offset\""},
          {"/address_map/value", L{"offset", "column", "bank_group", "row"},
           "address_map.value: must list each of offset, column, bank_group, bank, row once; "
           "\"bank\" is missing"},
          {"/address_map/value", "offset", "address_map.value: must be a list of strings"},
          // an unknown name is quoted as an excerpt (60 characters, then the length)
          {"/address_map/value", L{"offset", "column", "bank_group", "bank", std::string(100000, 'r')},
           "address_map.value[4]: must be one of offset, column, bank_group, bank, row; found \"" +
               std::string(60, 'r') + "... (100000 characters)\""},
      },
      "bad_map_");
}

TEST_CASE("memory config: a missing file or malformed JSON names the file") {
  const std::string missing = (scratch_dir() / "no_such_memory.json").string();
  CHECK_THAT(load_error(missing), Contains(missing + ": cannot open file"));
  const fs::path broken = scratch_dir() / "broken.json";
  std::ofstream(broken) << "{\"schema\": ";
  CHECK_THAT(load_error(broken.string()), Contains(broken.string() + ": malformed JSON"));
}
