// Arch and device configuration: the shipped machines load with the paper's figures, --set
// overrides go through the same checks, and every bad input names its file and JSON path.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "common/json_reader.h"
#include "sim/arch_config.h"
#include "sim/device.h"
#include "sim/overrides.h"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using shiftsim::InputError;
using shiftsim::models::ArrayKind;
using shiftsim::models::OverflowPolicy;
using shiftsim::sim::ArchConfig;
using shiftsim::sim::load_arch;
using shiftsim::sim::load_device;

namespace {

std::string repo(const std::string& rel) { return std::string(SHIFTSIM_SOURCE_DIR) + "/" + rel; }
const std::string kSvpe = repo("configs/arch/svpe_zcu102.json");
const std::string kVpe = repo("configs/arch/vpe16_zcu102.json");
const std::string kDevice = repo("configs/devices/zcu102.json");

fs::path scratch_dir() {
  const char* env = std::getenv("SHIFTSIM_TEST_TMP");
  fs::path dir = fs::path(env && *env ? env : "/tmp") / "test_arch_config";
  fs::create_directories(dir);
  return dir;
}

std::string write_text(const std::string& name, const std::string& text) {
  const fs::path p = scratch_dir() / name;
  std::ofstream(p) << text;
  return p.string();
}

// A copy of the shipped SVPE machine, edited, in the scratch directory. The device path is
// made absolute since the copy no longer sits next to configs/devices/.
nlohmann::json svpe_json() {
  std::ifstream in(kSvpe);
  nlohmann::json j = nlohmann::json::parse(in);
  j["device"] = kDevice;
  j["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  return j;
}
std::string write_json(const std::string& name, const nlohmann::json& j) {
  return write_text(name, j.dump(2));
}

// Loads and returns the InputError's message; fails the test when nothing is thrown.
std::string load_error(const std::string& path, const std::vector<std::string>& sets = {}) {
  try {
    load_arch(path, sets);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError from " << path);
  return "";
}

// One bad value: where it goes in the SVPE machine's JSON and the message it must produce.
struct BadValue {
  std::string section, key;  // section "" for a top-level key
  nlohmann::json value;
  std::string message;
};

// Writes each edited machine as <prefix><n>.json and checks its error names the file and path.
void check_bad_values(const std::vector<BadValue>& cases, const std::string& prefix) {
  int n = 0;
  for (const auto& c : cases) {
    nlohmann::json j = svpe_json();
    (c.section.empty() ? j : j[c.section])[c.key] = c.value;
    const std::string f = write_json(prefix + std::to_string(n++) + ".json", j);
    INFO(c.message);
    CHECK_THAT(load_error(f), Contains(f + ": " + c.message));
  }
}

}  // namespace

TEST_CASE("the ZCU102 device file holds the DS891 figures") {
  const auto d = load_device(kDevice);
  CHECK(d.name == "ZCU102");
  CHECK(d.part == "XCZU9EG");
  CHECK_THAT(d.source, Contains("DS891"));
  CHECK(d.lut == 274080);
  CHECK(d.ff == 548160);
  CHECK(d.dsp == 2520);
  CHECK(d.bram36 == 912);
  CHECK(d.uram == 0);
}

TEST_CASE("the SVPE machine loads with the paper's design point") {
  const ArchConfig c = load_arch(kSvpe);
  CHECK(c.file == kSvpe);
  CHECK(c.arch.name == "svpe_zcu102");
  CHECK_THAT(c.description, Contains("TNNLS"));
  CHECK(c.arch.clock_mhz == 200.0);
  CHECK(c.arch.period_ns() == Approx(5.0));
  CHECK(c.arch.dram.width_bytes == 16);
  CHECK(c.arch.dram.peak_gbps == Approx(19.2));
  CHECK(c.arch.dram.latency_ns == 150.0);
  CHECK(c.arch.dram.max_burst_bytes == 4096);
  CHECK(c.arch.dram.size_mib == 2048);
  CHECK(c.arch.buffers.input_kib == 64);
  CHECK(c.arch.buffers.weight_kib == 64);
  CHECK(c.arch.buffers.output_kib == 128);
  CHECK(c.arch.pe_array.kind == ArrayKind::svpe);
  CHECK(c.arch.pe_array.lanes == 32);
  CHECK(c.arch.pe_array.vector == 8);
  CHECK(c.arch.pe_array.kernel == 3);
  CHECK(c.arch.pe_array.product_stages == 1);
  CHECK(c.arch.numerics.act_bits == 16);
  CHECK(c.arch.numerics.weight_bits == 3);
  CHECK(c.arch.numerics.acc_bits == 48);
  CHECK(c.arch.numerics.overflow == OverflowPolicy::saturate);
  CHECK(c.arch.ppu.latency_cycles == 4);
  CHECK(c.arch.host.reg_access_cycles == 4);
  // The device path is relative to the arch file's directory.
  CHECK(fs::equivalent(c.device_file, kDevice));
  CHECK(c.device.dsp == 2520);
}

TEST_CASE("the VPE baseline loads with the paper's design point") {
  const ArchConfig c = load_arch(kVpe);
  CHECK(c.arch.name == "vpe16_zcu102");
  CHECK(c.arch.pe_array.kind == ArrayKind::vpe);
  CHECK(c.arch.pe_array.lanes == 16);
  CHECK(c.arch.pe_array.vector == 4);
  CHECK(c.arch.pe_array.kernel == 3);
  CHECK(c.arch.pe_array.product_stages == 3);
  CHECK(c.arch.numerics.weight_bits == 16);
  CHECK(c.arch.clock_mhz == 200.0);
  CHECK(c.device.name == "ZCU102");
  // Both design points spend 768 DSPs by the paper's counts: k Pn Pm and (k^2 + k) Pn Pm.
  const auto& s = load_arch(kSvpe).arch.pe_array;
  const auto& v = c.arch.pe_array;
  CHECK(s.kernel * s.vector * s.lanes == 768);
  CHECK((v.kernel * v.kernel + v.kernel) * v.vector * v.lanes == 768);
}

TEST_CASE("defaults fill sections a file leaves out, and depend on the array kind") {
  nlohmann::json j = {{"name", "minimal"}, {"device", kDevice}};
  const ArchConfig svpe = load_arch(write_json("minimal_svpe.json", j));
  CHECK(svpe.arch.pe_array.kind == ArrayKind::svpe);
  CHECK(svpe.arch.pe_array.product_stages == 1);
  CHECK(svpe.arch.numerics.weight_bits == 3);
  CHECK(svpe.arch.clock_mhz == 200.0);
  CHECK(svpe.arch.buffers.output_kib == 128);
  j["pe_array"] = {{"kind", "vpe"}};
  const ArchConfig vpe = load_arch(write_json("minimal_vpe.json", j));
  CHECK(vpe.arch.pe_array.product_stages == 3);
  CHECK(vpe.arch.numerics.weight_bits == 16);
}

TEST_CASE("set overrides apply before parameters are checked") {
  const ArchConfig c =
      load_arch(kSvpe, {"pe_array.lanes=16", "pe_array.vector=4", "clock_mhz=250.5"});
  CHECK(c.arch.pe_array.lanes == 16);
  CHECK(c.arch.pe_array.vector == 4);
  CHECK(c.arch.clock_mhz == 250.5);
  CHECK(c.arch.pe_array.kernel == 3);  // untouched

  // Bare words are strings; a missing section is created.
  nlohmann::json j = {{"name", "minimal"}, {"device", kDevice}};
  const std::string path = write_json("minimal_set.json", j);
  const ArchConfig v = load_arch(path, {"pe_array.kind=vpe", "ppu.latency_cycles=9",
                                        "numerics.overflow=\"wrap\"", "name=renamed"});
  CHECK(v.arch.pe_array.kind == ArrayKind::vpe);
  CHECK(v.arch.ppu.latency_cycles == 9);
  CHECK(v.arch.numerics.overflow == OverflowPolicy::wrap);
  CHECK(v.arch.name == "renamed");

  // The last of two overrides of one parameter wins.
  CHECK(load_arch(kSvpe, {"pe_array.lanes=2", "pe_array.lanes=5"}).arch.pe_array.lanes == 5);
}

TEST_CASE("override values keep their JSON type") {
  using shiftsim::sim::parse_override;
  CHECK(parse_override("a=16").value == nlohmann::json(16));
  CHECK(parse_override("a=200.5").value == nlohmann::json(200.5));
  CHECK(parse_override("a=true").value == nlohmann::json(true));
  CHECK(parse_override("a=\"x\"").value == nlohmann::json("x"));
  CHECK(parse_override("a=x").value == nlohmann::json("x"));
  CHECK(parse_override("a=").value == nlohmann::json(""));
  CHECK(parse_override("a=b=c").value == nlohmann::json("b=c"));
  CHECK(parse_override("a.b.c=1").path == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a malformed --set is an error naming it") {
  CHECK_THAT(load_error(kSvpe, {"pe_array.lanes"}),
             Contains("--set pe_array.lanes: ") && Contains("path=value"));
  CHECK_THAT(load_error(kSvpe, {"=4"}), Contains("--set =4: ") && Contains("empty"));
  CHECK_THAT(load_error(kSvpe, {"pe_array..lanes=4"}),
             Contains("--set pe_array..lanes=4: ") && Contains("empty component"));
  CHECK_THAT(load_error(kSvpe, {".lanes=4"}), Contains("--set .lanes=4: "));
  CHECK_THAT(load_error(kSvpe, {"pe_array.=4"}), Contains("--set pe_array.=4: "));
}

TEST_CASE("errors that come from --set say so, with the file and the path") {
  CHECK_THAT(load_error(kSvpe, {"pe_array.lanez=4"}),
             Contains("--set pe_array.lanez=4: " + kSvpe + ": pe_array.lanez: unknown key"));
  CHECK_THAT(load_error(kSvpe, {"bogus.x=1"}),
             Contains("--set bogus.x=1: " + kSvpe + ": bogus: unknown key"));
  CHECK_THAT(
      load_error(kSvpe, {"pe_array.lanes=0"}),
      Contains("--set pe_array.lanes=0: " + kSvpe + ": pe_array.lanes: must be >= 1, found 0"));
  CHECK_THAT(
      load_error(kSvpe, {"pe_array.lanes=abc"}),
      Contains("--set pe_array.lanes=abc: " + kSvpe + ": pe_array.lanes: must be an integer"));
  CHECK_THAT(load_error(kSvpe, {"clock_mhz=0"}),
             Contains("--set clock_mhz=0: " + kSvpe + ": clock_mhz: must be >= 1, found 0"));
  // Walking through a value that is not an object.
  CHECK_THAT(load_error(kSvpe, {"pe_array.lanes.x=1"}),
             Contains("--set pe_array.lanes.x=1: " + kSvpe +
                      ": pe_array.lanes: is a number, not an object"));
  CHECK_THAT(load_error(kSvpe, {"device=nowhere.json"}),
             Contains("--set device=nowhere.json: " + kSvpe + ": device: ") &&
                 Contains("nowhere.json: cannot open file"));
  // An unrelated error is not blamed on an override.
  nlohmann::json j = svpe_json();
  j["pe_array"]["kernel"] = 0;
  const std::string msg = load_error(write_json("kernel0.json", j), {"pe_array.lanes=4"});
  CHECK_THAT(msg, Contains("pe_array.kernel: must be >= 1, found 0"));
  CHECK_THAT(msg, !Contains("--set"));
}

TEST_CASE("a missing file and malformed JSON name the file") {
  const std::string missing = (scratch_dir() / "no_such_arch.json").string();
  CHECK_THAT(load_error(missing), Contains(missing) && Contains("cannot open"));
  const std::string bad = write_text("malformed.json", "{\"name\": \"x\", \"clock_mhz\": }");
  CHECK_THAT(load_error(bad), Contains(bad + ": malformed JSON"));
  const std::string arr = write_text("array.json", "[1, 2]");
  CHECK_THAT(load_error(arr), Contains(arr + ": (top level): must be a JSON object"));
  CHECK_THAT(load_error(arr, {"clock_mhz=100"}), Contains(arr) && Contains("not an object"));
}

TEST_CASE("unknown keys are errors at every level") {
  nlohmann::json top = svpe_json();
  top["clock_mhx"] = 200;
  const std::string f1 = write_json("unknown_top.json", top);
  CHECK_THAT(load_error(f1), Contains(f1 + ": clock_mhx: unknown key"));

  for (const std::string section : {"dram", "buffers", "pe_array", "numerics", "ppu", "host"}) {
    nlohmann::json j = svpe_json();
    j[section]["extra"] = 1;
    const std::string f = write_json("unknown_" + section + ".json", j);
    CHECK_THAT(load_error(f), Contains(f + ": " + section + ".extra: unknown key"));
  }
}

TEST_CASE("zero, negative and out-of-range values name the file and path") {
  check_bad_values({
      {"", "clock_mhz", 0, "clock_mhz: must be >= 1, found 0"},
      {"", "clock_mhz", -5, "clock_mhz: must be >= 1, found -5"},
      {"", "clock_mhz", 2500, "clock_mhz: must be <= 2000"},
      {"pe_array", "lanes", 0, "pe_array.lanes: must be >= 1, found 0"},
      {"pe_array", "vector", -1, "pe_array.vector: must be >= 1, found -1"},
      {"pe_array", "kernel", 12, "pe_array.kernel: must be <= 11, found 12"},
      {"pe_array", "lanes", 2048, "pe_array.lanes: must be <= 1024"},
      {"pe_array", "product_stages", 0, "pe_array.product_stages: must be >= 1"},
      {"dram", "width_bytes", 24, "dram.width_bytes: must be a power of two, found 24"},
      {"dram", "width_bytes", 0, "dram.width_bytes: must be >= 1, found 0"},
      {"dram", "max_burst_bytes", 8192, "dram.max_burst_bytes: must be <= 4096"},
      {"dram", "max_burst_bytes", 1000, "dram.max_burst_bytes: must be a power of two"},
      {"dram", "max_burst_bytes", 8,
       "dram.max_burst_bytes: must be a multiple of dram.width_bytes"},
      {"dram", "latency_ns", -1, "dram.latency_ns: must be >= 0"},
      {"dram", "peak_gbps", 0, "dram.peak_gbps: must be >= 0.001, found 0"},
      {"dram", "size_mib", 4096, "dram.size_mib: must be <= 2560, found 4096"},
      {"dram", "size_mib", -1, "dram.size_mib: must be >= 1, found -1"},
      {"buffers", "input_kib", 0, "buffers.input_kib: must be >= 1, found 0"},
      {"buffers", "weight_kib", -64, "buffers.weight_kib: must be >= 1, found -64"},
      {"buffers", "output_kib", 0, "buffers.output_kib: must be >= 1, found 0"},
      {"numerics", "act_bits", 1, "numerics.act_bits: must be >= 2, found 1"},
      {"numerics", "act_bits", 17, "numerics.act_bits: must be <= 16, found 17"},
      {"numerics", "weight_bits", 6, "numerics.weight_bits: must be 2..5 for pe_array.kind svpe"},
      {"numerics", "acc_bits", 63, "numerics.acc_bits: must be <= 62"},
      {"numerics", "acc_bits", 24, "numerics.acc_bits: must be >= 2 * numerics.act_bits (32)"},
      {"ppu", "latency_cycles", -1, "ppu.latency_cycles: must be >= 0, found -1"},
      {"host", "reg_access_cycles", 0, "host.reg_access_cycles: must be >= 1, found 0"},
  }, "range_");
}

TEST_CASE("the weight width's range depends on the array kind") {
  nlohmann::json j = svpe_json();
  j["pe_array"]["kind"] = "vpe";
  j["numerics"]["weight_bits"] = 16;
  CHECK(load_arch(write_json("vpe_w16.json", j)).arch.numerics.weight_bits == 16);
  j["numerics"]["weight_bits"] = 17;
  const std::string f = write_json("vpe_w17.json", j);
  CHECK_THAT(load_error(f), Contains(f + ": numerics.weight_bits: must be <= 16, found 17"));
}

TEST_CASE("the sign offset is for power-of-two codes, within the 14-bit shift") {
  nlohmann::json j = svpe_json();
  j["numerics"]["weight_bits"] = 3;
  j["numerics"]["sign_offset_max"] = 12;  // 3-bit codes shift by 2 at most: 2 + 12 = 14
  CHECK(load_arch(write_json("offset12.json", j)).arch.numerics.sign_offset_max == 12);
  j["numerics"]["sign_offset_max"] = 13;
  const std::string f = write_json("offset13.json", j);
  CHECK_THAT(load_error(f), Contains(f + ": numerics.sign_offset_max: must be <= 12 with 3-bit codes"));
  j["numerics"]["weight_bits"] = 5;
  j["numerics"]["sign_offset_max"] = 1;
  const std::string g = write_json("offset_w5.json", j);
  CHECK_THAT(load_error(g), Contains(g + ": numerics.sign_offset_max: must be <= 0 with 5-bit codes"));
  j["pe_array"]["kind"] = "vpe";
  j["numerics"]["weight_bits"] = 16;
  const std::string v = write_json("offset_vpe.json", j);
  CHECK_THAT(load_error(v), Contains(v + ": numerics.sign_offset_max: must be 0 for pe_array.kind vpe"));
}

TEST_CASE("wrong types and bad choices name the file and path") {
  check_bad_values({
      {"pe_array", "lanes", "32", "pe_array.lanes: must be an integer, found string"},
      {"pe_array", "lanes", 3.5, "pe_array.lanes: must be an integer"},
      {"pe_array", "kind", "spve", "pe_array.kind: must be one of {svpe, vpe}, found \"spve\""},
      {"pe_array", "kind", 1, "pe_array.kind: must be a string"},
      {"numerics", "overflow", "clip", "numerics.overflow: must be one of {saturate, wrap}"},
      {"dram", "peak_gbps", "fast", "dram.peak_gbps: must be a number, found string"},
      {"", "clock_mhz", true, "clock_mhz: must be a number, found boolean"},
      {"", "name", 7, "name: must be a string"},
      {"", "device", nlohmann::json::array(), "device: must be a string"},
      {"", "pe_array", 5, "pe_array: must be a JSON object, found number"},
  }, "type_");
}

TEST_CASE("required keys are reported when missing") {
  for (const std::string key : {"name", "device"}) {
    nlohmann::json j = svpe_json();
    j.erase(key);
    const std::string f = write_json("missing_" + key + ".json", j);
    CHECK_THAT(load_error(f), Contains(f + ": " + key + ": required string is missing"));
  }
}

TEST_CASE("a missing or bad device file names the device file and the arch path") {
  nlohmann::json j = svpe_json();
  const std::string missing_dev = (scratch_dir() / "no_such_device.json").string();
  j["device"] = missing_dev;
  const std::string f1 = write_json("dev_missing.json", j);
  CHECK_THAT(load_error(f1), Contains(f1 + ": device: " + missing_dev + ": cannot open file"));

  // Relative device paths are resolved against the arch file's directory, not the cwd.
  j["device"] = "no_such_device.json";
  const std::string f2 = write_json("dev_relative.json", j);
  CHECK_THAT(load_error(f2), Contains(f2 + ": device: " + missing_dev));

  nlohmann::json dev = nlohmann::json::parse(std::ifstream(kDevice));
  dev["resources"]["dsp"] = -1;
  const std::string bad_dev = write_json("dev_bad.json", dev);
  j["device"] = bad_dev;
  const std::string f3 = write_json("dev_bad_arch.json", j);
  CHECK_THAT(load_error(f3),
             Contains(f3 + ": device: " + bad_dev + ": resources.dsp: must be >= 0, found -1"));

  dev = nlohmann::json::parse(std::ifstream(kDevice));
  dev["resources"]["luts"] = 1;
  const std::string unk_dev = write_json("dev_unknown.json", dev);
  j["device"] = unk_dev;
  const std::string f4 = write_json("dev_unknown_arch.json", j);
  CHECK_THAT(load_error(f4),
             Contains(f4 + ": device: " + unk_dev + ": resources.luts: unknown key"));

  dev = nlohmann::json::parse(std::ifstream(kDevice));
  dev.erase("source");
  const std::string no_source = write_json("dev_no_source.json", dev);
  j["device"] = no_source;
  const std::string f6 = write_json("dev_no_source_arch.json", j);
  CHECK_THAT(load_error(f6), Contains(f6 + ": device: " + no_source + ": source: required string is missing"));
  dev["source"] = " ";
  write_json("dev_no_source.json", dev);
  CHECK_THAT(load_error(f6), Contains(no_source + ": source: name the data sheet"));

  const std::string garbled = write_text("dev_garbled.json", "{\"name\": ");
  j["device"] = garbled;
  const std::string f5 = write_json("dev_garbled_arch.json", j);
  CHECK_THAT(load_error(f5), Contains(f5 + ": device: " + garbled + ": malformed JSON"));
}

TEST_CASE("describe lists every arch and device parameter with its default") {
  const std::string d = shiftsim::sim::describe_arch_params();
  for (const std::string p :
       {"clock_mhz", "dram.width_bytes", "dram.max_burst_bytes", "buffers.input_kib",
        "pe_array.kind", "pe_array.lanes", "pe_array.product_stages", "numerics.acc_bits",
        "numerics.overflow", "ppu.latency_cycles", "host.reg_access_cycles", "resources.dsp",
        "resources.uram"})
    CHECK_THAT(d, Contains("  " + p + " "));
  CHECK_THAT(d, Contains("required"));
  CHECK_THAT(d, Contains("Tm: output channels computed in parallel"));
  CHECK_THAT(d, Contains("Device file"));
}

// The recurrent unit's register file is built for recurrent.max_rows rows (docs/ARCHITECTURE.md
// §11): its default holds every shipped sequence network; --set and the file go through the same
// range check, which names the file, the path and the value.
TEST_CASE("recurrent.max_rows: default, set, and refused out of range or of the wrong type") {
  CHECK(load_arch(kSvpe).arch.recurrent.max_rows == 5000);
  CHECK(load_arch(kSvpe, {"recurrent.max_rows=1200"}).arch.recurrent.max_rows == 1200);
  nlohmann::json j = svpe_json();
  j["recurrent"] = {{"max_rows", 64}};
  CHECK(load_arch(write_json("rows64.json", j)).arch.recurrent.max_rows == 64);
  check_bad_values({
      {"recurrent", "max_rows", 0, "recurrent.max_rows: must be >= 1, found 0"},
      {"recurrent", "max_rows", 2000000, "recurrent.max_rows: must be <= 1048576, found 2000000"},
      {"recurrent", "max_rows", "many", "recurrent.max_rows: must be an integer, found string"},
      {"recurrent", "max_row", 10, "recurrent.max_row"},
  }, "rows_bad");
  CHECK_THAT(load_error(kSvpe, {"recurrent.max_rows=0"}), Contains("recurrent.max_rows"));
}
