// Inputs a hostile or careless user can hand shiftsim: JSON nested 100000 deep (a network, an
// arch file, the network inside a .qmodel with a valid checksum), devices and FIFOs instead of
// files, files over the size limit.
// Each must fail with exit 2 and a short message naming the file, never crash or hang.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "common/input_file.h"
#include "quant/binfile.h"
#include "tests/support/cli.h"

using namespace shiftsim::test;

namespace {

const std::string kArch = repo("configs/arch/svpe_zcu102.json");

std::string nested_arrays(int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); }

// A network whose input shape is `shape` (JSON text).
std::string net_with_shape(const std::string& shape) {
  return R"({"name": "n", "input": {"shape": )" + shape +
         R"(}, "layers": [{"name": "c1", "type": "conv", "out_channels": 4, "kernel": 3, "pad": 1}]})";
}

// The failure contract: exit 2, one short message that starts by naming `file` and says
// `fragment`.
void expect_refusal(const CliResult& r, const std::string& file, const std::string& fragment) {
  INFO("stderr: " << r.err.substr(0, 2000));
  CHECK(r.code == 2);
  CHECK(r.err.rfind("shiftsim: error: " + file, 0) == 0);
  CHECK(r.err.find(fragment) != std::string::npos);
  CHECK(r.err.size() < 600);  // an excerpt of the input at most
}

CliResult run_net(const std::string& dir, const std::string& net, const std::string& arch = kArch) {
  return run_shiftsim({"run", "--arch", arch, "--net", net, "--report", dir + "/r.json"}, dir);
}

}  // namespace

TEST_CASE("a network shape nested 100000 deep is refused at parse time and does not crash") {
  const std::string dir = scratch_dir("deep-net");
  const std::string net = dir + "/net.json";
  write_text(net, net_with_shape(nested_arrays(100000)));
  expect_refusal(run_net(dir, net), net, ": JSON nested deeper than 64 levels (at line 1, column 96)");
  CHECK_FALSE(std::filesystem::exists(dir + "/r.json"));
}

TEST_CASE("JSON at the nesting limit is read and the message quotes a short excerpt of it") {
  const std::string dir = scratch_dir("depth-edge");
  const std::string net = dir + "/net.json";
  // { input: { shape: [ is 3 levels: 61 more reach the limit of 64, 62 more pass it.
  write_text(net, net_with_shape("[" + nested_arrays(61) + "]"));
  expect_refusal(run_net(dir, net), net, ": input.shape[0]: must be an integer, found array [[[[[[");
  write_text(net, net_with_shape("[" + nested_arrays(62) + "]"));
  expect_refusal(run_net(dir, net), net, ": JSON nested deeper than 64 levels");
  // 30,000 levels used to print the whole input back.
  write_text(net, net_with_shape("[" + std::string(30000, '[') + "1" + std::string(30000, ']') + "]"));
  expect_refusal(run_net(dir, net), net, "nested deeper than 64 levels");
}

TEST_CASE("an arch file nested 100000 deep is refused naming it") {
  const std::string dir = scratch_dir("deep-arch");
  const std::string arch = dir + "/arch.json";
  write_text(arch, R"({"name": "x", "pe_array": )" + nested_arrays(100000) + "}");
  expect_refusal(run_net(dir, repo("configs/nets/tiny.json"), arch), arch, "JSON nested deeper than 64 levels");
}

TEST_CASE("a quantized model whose embedded network is nested 100000 deep with a valid checksum is refused") {
  const std::string dir = scratch_dir("deep-qmodel");
  const std::string model = dir + "/m.qmodel";
  shiftsim::quant::ByteWriter w;
  w.str(net_with_shape(nested_arrays(100000)));
  shiftsim::quant::write_framed_file(model, "SHSIMQNT", 1, w.data());
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--model", model}, dir);
  expect_refusal(r, model, " (embedded network): JSON nested deeper than 64 levels");
}

TEST_CASE("a --set value nested 30000 deep is refused") {
  // 30000: the whole shell command line must stay under the kernel's 128 KiB per argument.
  const std::string dir = scratch_dir("deep-set");
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", repo("configs/nets/tiny.json"), "--set",
                                    "pe_array.lanes=" + nested_arrays(30000)},
                                   dir);
  INFO(r.err.substr(0, 2000));
  CHECK(r.code == 2);
  CHECK(r.err.find("--set pe_array.lanes=[[[[") != std::string::npos);
  CHECK(r.err.find("the value nests deeper than 64 levels") != std::string::npos);
  CHECK(r.err.size() < 600);
}

TEST_CASE("a malformed JSON file's message quotes a short excerpt and not a huge token") {
  const std::string dir = scratch_dir("long-token");
  const std::string net = dir + "/net.json";
  write_text(net, R"({"name": ")" + std::string(200000, 'x'));  // an unterminated string
  expect_refusal(run_net(dir, net), net, ": malformed JSON: parse error at line 1");
}

TEST_CASE("a device or a FIFO given as a config file is refused without reading it") {
  const std::string dir = scratch_dir("not-regular");
  expect_refusal(run_net(dir, repo("configs/nets/tiny.json"), "/dev/zero"), "/dev/zero",
                 "/dev/zero: cannot read the JSON file: is a character device, not a regular file");
  const std::string fifo = dir + "/arch.fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // Nobody writes to the FIFO: reading it would block forever.
  expect_refusal(run_net(dir, repo("configs/nets/tiny.json"), fifo), fifo,
                 "cannot read the JSON file: is a FIFO, not a regular file");
  expect_refusal(run_net(dir, dir), dir, "cannot read the JSON file: is a directory, not a regular file");
  const CliResult npy = run_shiftsim({"run", "--arch", kArch, "--net", repo("configs/nets/tiny.json"), "--input",
                                      "/dev/zero"}, dir);
  expect_refusal(npy, "/dev/zero", "cannot read the .npy file: is a character device");
  const CliResult model = run_shiftsim({"run", "--arch", kArch, "--model", fifo}, dir);
  expect_refusal(model, fifo, "cannot read the quantized model: is a FIFO");
  // reproduce's own files: said to be "no such file" before.
  const CliResult figures = run_shiftsim({"reproduce", "--quick", "--figures", "/dev/zero", "--out", dir + "/rep"}, dir);
  expect_refusal(figures, "/dev/zero", "cannot read the JSON file: is a character device, not a regular file");
  const CliResult exp2 = run_shiftsim({"reproduce", "--quick", "--experiment2", fifo, "--out", dir + "/rep"}, dir);
  expect_refusal(exp2, fifo, "cannot read the JSON file: is a FIFO, not a regular file");
  CHECK_FALSE(std::filesystem::exists(dir + "/rep"));
  const CliResult missing = run_shiftsim({"reproduce", "--quick", "--figures", dir + "/none.json"}, dir);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("--figures " + dir + "/none.json: no such file") != std::string::npos);
}

TEST_CASE("a JSON file at the size limit is read and one byte over is refused before reading") {
  const std::string dir = scratch_dir("json-size");
  const std::string net = dir + "/net.json";
  // Sparse files: nothing is written to disk. At the limit the file is read and fails as JSON
  // (NUL bytes); over it, it is refused by its size.
  write_text(net, "");
  std::filesystem::resize_file(net, shiftsim::kMaxJsonFileBytes);
  expect_refusal(run_net(dir, net), net, ": malformed JSON");
  std::filesystem::resize_file(net, shiftsim::kMaxJsonFileBytes + 1);
  expect_refusal(run_net(dir, net), net,
                 "cannot read the JSON file: the file has 67108865 bytes, more than the limit of 64 MiB");
}

TEST_CASE("a .npy input over the size limit is refused before reading") {
  const std::string dir = scratch_dir("npy-size");
  const std::string npy = dir + "/x.npy";
  write_text(npy, "");
  std::filesystem::resize_file(npy, shiftsim::kMaxNpyFileBytes + 1);
  const CliResult r = run_shiftsim({"run", "--arch", kArch, "--net", repo("configs/nets/tiny.json"), "--input", npy}, dir);
  expect_refusal(r, npy, "cannot read the .npy file: the file has 1073741825 bytes, more than the limit of 1 GiB");
  // At the limit it is read (and refused for what it holds: zeros are no .npy magic).
  std::filesystem::resize_file(npy, shiftsim::kMaxNpyFileBytes);
  const CliResult at = run_shiftsim({"run", "--arch", kArch, "--net", repo("configs/nets/tiny.json"), "--input", npy}, dir);
  expect_refusal(at, npy, ": not a .npy file (bad magic)");
}

TEST_CASE("huge strings in a network are quoted as excerpts") {
  const std::string dir = scratch_dir("huge-strings");
  const std::string net = dir + "/net.json";
  const std::string huge(100000, 'q');
  write_text(net, R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [{"name": "c1", "type": ")" + huge + R"("}]})");
  expect_refusal(run_net(dir, net), net, ": layers[0].type: must be one of {conv");
  write_text(net, R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [{"name": ")" + huge + R"(", "type": "relu"}]})");
  expect_refusal(run_net(dir, net), net, ": layers[0].name: \"qqqq");
  write_text(net, R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [{"name": "r", "type": "relu", "inputs": [")" + huge + R"("]}]})");
  expect_refusal(run_net(dir, net), net, ": layers[0].inputs[0]: no layer named \"qqqq");
}

TEST_CASE("a number beyond double's range in a network file is malformed JSON with exit 2") {
  const std::string dir = scratch_dir("number-overflow");
  const std::string net = dir + "/net.json";
  write_text(net, net_with_shape("[3, 1e400, 8]"));
  expect_refusal(run_net(dir, net), net, ": malformed JSON: number overflow parsing '1e400'");
}

TEST_CASE("a huge key is quoted as an excerpt of its JSON path") {
  const std::string dir = scratch_dir("huge-key");
  const std::string net = dir + "/net.json";
  const std::string huge(100000, 'k');
  write_text(net, R"({"name": "n", "input": {"shape": [3, 8, 8]}, "layers": [{"name": "r", "type": "relu", ")" + huge + R"(": 1}]})");
  // The path is cut, with its length, and the message still says what is wrong.
  expect_refusal(run_net(dir, net), net, ": layers[0].kkkk");
  expect_refusal(run_net(dir, net), net, "... (100010 characters): unknown key");
}
