// What a run says about its input and its size before it starts, through the CLI: float inputs
// that were saturated are counted on stderr (and non-finite ones refused with the count); a long
// run prints its work estimate before any work; `describe` says that left-out keys and sections
// take their defaults (docs/LIMITS.md).
#include <catch2/catch.hpp>

#include <limits>

#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {

const std::string kArch = repo("configs/arch/svpe_zcu102.json");
const std::string kNet = repo("configs/nets/tiny.json");  // input 3 x 32 x 32

// A version 1 .npy of float32 values of shape (1, 3, 32, 32).
std::string float_npy(const std::vector<float>& v) {
  std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 32, 32), }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += char(h.size() & 0xff);
  out += char(h.size() >> 8);
  return out + h + std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

}  // namespace

TEST_CASE("run --input: saturated values are counted on stderr and non-finite ones are refused with the count") {
  const std::string dir = scratch_dir("input-values-cli");
  const std::string npy = dir + "/x.npy";
  std::vector<float> v(3 * 32 * 32, 0.25f);
  v[5] = 1e38f;
  v[6] = -1e38f;
  v[700] = 3.0e9f;
  write_text(npy, float_npy(v));
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--input", npy}, dir);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.find("shiftsim: warning: " + npy + ": 3 of 3072 values lie outside the input format's range") !=
        std::string::npos);
  CHECK(r.err.find("were saturated to it (first at index 5: 1e+38)") != std::string::npos);
  // Within range: not a word.
  v[5] = v[6] = v[700] = 0.5f;
  write_text(npy, float_npy(v));
  const CliResult quiet = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--input", npy}, dir);
  CHECK(quiet.code == 0);
  CHECK(quiet.err.find("warning") == std::string::npos);
  // NaN and infinities: refused, all counted.
  v[1] = std::numeric_limits<float>::quiet_NaN();
  v[2] = std::numeric_limits<float>::infinity();
  v[3000] = -std::numeric_limits<float>::infinity();
  write_text(npy, float_npy(v));
  const CliResult bad = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--input", npy}, dir);
  INFO(bad.err);
  CHECK(bad.code == 2);
  CHECK(bad.err.find("shiftsim: error: " + npy + ": 3 of 3072 values are not finite (1 NaN, 2 infinite; first at index 1: nan)") !=
        std::string::npos);
}

TEST_CASE("a long run prints its work estimate before it starts and a short one does not") {
  const std::string dir = scratch_dir("estimate-announced");
  const std::string net = dir + "/net.json";
  // 256 x 256 x 64 outputs of 32 x 3 x 3 MACs: 1.21 G MACs, within the default budget. A bad
  // --input then stops the run right after the estimate, before anything is simulated.
  write_text(net, R"({"name": "big", "input": {"shape": [32, 256, 256]}, "layers": [
    {"name": "c", "type": "conv", "out_channels": 64, "kernel": 3, "pad": 1}]})");
  write_text(dir + "/bad.npy", "not a .npy file");
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", net, "--input", dir + "/bad.npy"}, dir);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.rfind("shiftsim: estimate: 1.21 G MACs, about ", 0) == 0);
  CHECK(r.err.find("\nshiftsim: error: " + dir + "/bad.npy") != std::string::npos);
  const CliResult small = run_shiftsim({"run", "--arch", kArch, "--net", kNet, "--no-check"}, dir);
  CHECK(small.code == 0);
  CHECK(small.err.find("estimate") == std::string::npos);
}

TEST_CASE("describe says that left-out keys and sections take their defaults") {
  const std::string dir = scratch_dir("describe-defaults");
  const CliResult r = run_shiftsim({"describe"}, dir);
  CHECK(r.code == 0);
  CHECK(r.out.find("may be left out, and so may a whole section") != std::string::npos);
  CHECK(r.out.find("An unknown\nkey is an error.") != std::string::npos);
  // And it is so: an arch file of its two required keys runs, on the defaults of every section.
  const std::string arch = dir + "/bare.json";
  write_text(arch, R"({"name": "bare", "device": ")" + repo("configs/devices/zcu102.json") + R"("})");
  const CliResult bare = run_shiftsim({"run", "--arch", arch, "--net", kNet, "--report", dir + "/r.json"}, dir);
  INFO(bare.err);
  CHECK(bare.code == 0);
  CHECK(bare.err.empty());
  CHECK(read_json(dir + "/r.json")["bit_exact"] == true);
}
