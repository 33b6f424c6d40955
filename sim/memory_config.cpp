#include "sim/memory_config.h"

#include <algorithm>
#include <map>

#include "common/json_reader.h"
#include "common/json_text.h"

namespace shiftsim::sim {

namespace {

using models::AddressField;
using models::Ddr4Spec;

// Bounds that only catch typos: no DDR4 timing comes near a million clocks or a millisecond.
constexpr int64_t kMaxNck = 1'000'000;
constexpr double kMaxNs = 1e6;

bool is_pow2(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

void read_source(JsonReader& r) {
  const std::string source = r.str(
      "source", "where the value comes from: standard and table, data sheet, or 'choice:' and why");
  if (source.find_first_not_of(" \t") == std::string::npos)
    r.fail("source", "must name where the value comes from, found an empty string");
}

// {"value": n, "source": "..."}
uint32_t sourced_integer(JsonReader& parent, const std::string& key, int64_t lo, int64_t hi,
                         bool power_of_two, const std::string& description) {
  JsonReader r = parent.child(key, description);
  const int64_t v = r.integer("value", lo, hi, description);
  if (power_of_two && !is_pow2(v))
    r.fail("value", "must be a power of two, found " + std::to_string(v));
  read_source(r);
  r.finish();
  return static_cast<uint32_t>(v);
}

// The timing entries, in file order: key, field, description.
struct TimingKey {
  const char* key;
  uint32_t Ddr4Spec::*field;
  const char* description;
};
const TimingKey kTimings[] = {
    {"CL", &Ddr4Spec::cl, "CAS latency: RD to the first read data"},
    {"CWL", &Ddr4Spec::cwl, "CAS write latency: WR to the first write data"},
    {"tRCD", &Ddr4Spec::trcd, "ACT to RD/WR, same bank"},
    {"tRP", &Ddr4Spec::trp, "PRE or PREA to ACT or REF"},
    {"tRAS", &Ddr4Spec::tras, "ACT to PRE, same bank"},
    {"tRC", &Ddr4Spec::trc, "ACT to ACT, same bank"},
    {"tRRD_S", &Ddr4Spec::trrd_s, "ACT to ACT, different bank group"},
    {"tRRD_L", &Ddr4Spec::trrd_l, "ACT to ACT, same bank group"},
    {"tFAW", &Ddr4Spec::tfaw, "window holding at most four ACTs"},
    {"tWR", &Ddr4Spec::twr, "end of write data to PRE, same bank"},
    {"tWTR_S", &Ddr4Spec::twtr_s, "end of write data to RD, different bank group"},
    {"tWTR_L", &Ddr4Spec::twtr_l, "end of write data to RD, same bank group"},
    {"tRTP", &Ddr4Spec::trtp, "RD to PRE, same bank"},
    {"tCCD_S", &Ddr4Spec::tccd_s, "RD/WR to RD/WR, different bank group"},
    {"tCCD_L", &Ddr4Spec::tccd_l, "RD/WR to RD/WR, same bank group"},
    {"tREFI", &Ddr4Spec::trefi, "refresh interval: one REF due every tREFI"},
    {"tRFC", &Ddr4Spec::trfc, "REF to the next ACT or REF"},
};

// {"nck": n, "ns": t, "source": "..."}, in nCK.
uint32_t read_timing(JsonReader& parent, const TimingKey& k, double tck_ns) {
  JsonReader r = parent.child(k.key, k.description);
  const bool has_nck = r.has("nck"), has_ns = r.has("ns");
  const int64_t nck = r.integer("nck", 0, 0, kMaxNck, "in DRAM clock cycles (nCK)");
  const double ns = r.number("ns", 0.0, 0.0, kMaxNs,
                             "in ns, rounded up to clocks: ceil(ns / tCK - 0.025)");
  if (!has_nck && !has_ns)
    r.fail_here("give \"nck\", \"ns\" or both (then the larger counts, as JEDEC's max(n nCK, t ns))");
  read_source(r);
  r.finish();
  const int64_t from_ns = has_ns ? models::ns_to_nck(ns, tck_ns) : 0;
  return static_cast<uint32_t>(std::max(has_nck ? nck : 0, from_ns));
}

void read_geometry(JsonReader r, Ddr4Spec& s) {
  s.bus_bytes = sourced_integer(r, "bus_bytes", 1, 128, true, "data bus width in bytes (8: 64 bits)");
  s.burst_length = sourced_integer(r, "burst_length", 1, 16, false, "beats per column command");
  if (s.burst_length != 8)
    r.fail("burst_length", "only BL8 is modelled, found " + std::to_string(s.burst_length));
  s.bank_groups = sourced_integer(r, "bank_groups", 1, 4, true, "bank groups (x16 parts: 2)");
  s.banks_per_group = sourced_integer(r, "banks_per_group", 1, 16, true, "banks in each bank group");
  s.ranks = sourced_integer(r, "ranks", 1, 4, false, "ranks on the channel");
  if (s.ranks != 1) r.fail("ranks", "the model covers one rank, found " + std::to_string(s.ranks));
  s.rows = sourced_integer(r, "rows", 1, int64_t{1} << 20, true, "rows per bank");
  s.columns = sourced_integer(r, "columns", 8, int64_t{1} << 16, true,
                              "columns per row, each bus_bytes wide (at least one BL8)");
  r.finish();
}

void read_timings(JsonReader r, Ddr4Spec& s) {
  for (const TimingKey& k : kTimings) s.*k.field = read_timing(r, k, s.tck_ns);
  auto at_least = [&r](const char* key, uint32_t value, uint32_t min, const std::string& why) {
    if (value < min)
      r.fail(key, "must be >= " + std::to_string(min) + " nCK (" + why + "), found " +
                      std::to_string(value));
  };
  at_least("CL", s.cl, 1, "data follows its command");
  at_least("CWL", s.cwl, 1, "data follows its command");
  at_least("tRCD", s.trcd, 1, "a column command follows its ACT");
  const std::string half = "BL/2: shorter would overlap two bursts on the data bus";
  at_least("tCCD_S", s.tccd_s, s.data_cycles(), half);
  at_least("tCCD_L", s.tccd_l, s.data_cycles(), half);
  at_least("tREFI", s.trefi, 1, "refreshes must be spaced");
  if (s.trfc >= s.trefi)
    r.fail("tRFC", "must be shorter than tREFI (" + std::to_string(s.trefi) + " nCK), found " +
                       std::to_string(s.trfc));
  r.finish();
}

void read_address_map(JsonReader r, Ddr4Spec& s) {
  const std::map<std::string, AddressField> by_name = {
      {"offset", AddressField::offset}, {"column", AddressField::column},
      {"bank_group", AddressField::bank_group}, {"bank", AddressField::bank},
      {"row", AddressField::row}};
  const std::vector<std::string> names = r.str_list(
      "value", "address fields from bit 0 up: offset first, then column, bank_group, bank and "
               "row in any order");
  std::vector<bool> seen(by_name.size(), false);
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string key = "value[" + std::to_string(i) + "]";
    const auto it = by_name.find(names[i]);
    if (it == by_name.end())
      r.fail(key, "must be one of offset, column, bank_group, bank, row; found \"" + excerpt(names[i]) + "\"");
    const auto index = static_cast<size_t>(it->second);
    if (seen[index]) r.fail(key, "\"" + names[i] + "\" appears twice");
    seen[index] = true;
    if (i == 0 && it->second != AddressField::offset)
      r.fail(key, "must be \"offset\": the bytes of one BL8 access are the lowest bits");
    s.address_map[i] = it->second;
  }
  for (const auto& [name, field] : by_name)
    if (!seen[static_cast<size_t>(field)])
      r.fail("value", "must list each of offset, column, bank_group, bank, row once; \"" + name +
                          "\" is missing");
  read_source(r);
  r.finish();
}

}  // namespace

Ddr4Spec parse_memory_config(const nlohmann::json& doc, const std::string& file) {
  JsonReader r(doc, file, "");
  r.expect_schema("shiftsim.memory", 1);
  r.str("name", "what this memory is, e.g. the board and speed bin");
  r.str("description", "", "how the values were chosen");
  Ddr4Spec s;
  const uint32_t data_rate = sourced_integer(r, "data_rate_mts", 100, 100'000, false,
                                             "transfers per second per pin in MT/s: DDR4-2400 is 2400");
  s.tck_ns = 2000.0 / data_rate;  // two transfers per clock
  read_geometry(r.child("geometry", "data bus, banks, rows and columns"), s);
  read_timings(r.child("timing", "JEDEC timing parameters, each in nck, ns or both"), s);
  read_address_map(r.child("address_map", "how a physical address splits into DRAM fields"), s);
  r.finish();
  return s;
}

Ddr4Spec load_memory_config(const std::string& path) {
  return parse_memory_config(read_json_file(path), path);
}

}  // namespace shiftsim::sim
