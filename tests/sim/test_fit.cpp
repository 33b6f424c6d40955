// shiftsim fit: the chosen machine stays within every device resource and simulates, the
// cycle model it ranks by equals shiftsim run's counts layer by layer, impossible requests are
// refused naming the problem, the written arch reads back unchanged, and the AlexNet choice
// is at least as fast as the shipped ZCU102 design. Simulations run in child processes.
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/machine_resources.h"
#include "quant/network.h"
#include "sim/arch_config.h"
#include "study/fit_arch_json.h"
#include "study/fit_network.h"
#include "study/fit_passes.h"
#include "study/fit_search.h"
#include "tests/support/cli.h"

using namespace shiftsim;
using namespace shiftsim::test;
using Catch::Matchers::Contains;

namespace {

// AlexNet's feature extractor (configs/nets/alexnet.json without fc6-8): the layers the fit
// optimises, cheap enough to simulate in the suite.
const char* kAlexnetConv = R"({"name": "alexnet_conv", "input": {"shape": [3, 227, 227]}, "layers": [
  {"name": "conv1", "type": "conv", "out_channels": 96, "kernel": 11, "stride": 4, "relu": true},
  {"name": "pool1", "type": "maxpool", "kernel": 3, "stride": 2},
  {"name": "conv2", "type": "conv", "out_channels": 256, "kernel": 5, "pad": 2, "groups": 2, "relu": true},
  {"name": "pool2", "type": "maxpool", "kernel": 3, "stride": 2},
  {"name": "conv3", "type": "conv", "out_channels": 384, "kernel": 3, "pad": 1, "relu": true},
  {"name": "conv4", "type": "conv", "out_channels": 384, "kernel": 3, "pad": 1, "groups": 2, "relu": true},
  {"name": "conv5", "type": "conv", "out_channels": 256, "kernel": 3, "pad": 1, "groups": 2, "relu": true},
  {"name": "pool5", "type": "maxpool", "kernel": 3, "stride": 2}]})";

const std::vector<std::string> kDevices = {"zcu102", "zc706", "ultra96", "kv260"};

CliResult fit(const std::vector<std::string>& extra, const std::string& dir) {
  std::vector<std::string> args = {"fit"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_shiftsim(args, dir);
}

// The fit's cycle model on a network, per layer and in total.
sim::NetworkCycles model_cycles(const std::string& arch_path, const std::string& net_path) {
  const quant::Network net = quant::load_network(net_path);
  const sim::ArchConfig cfg = sim::load_arch(arch_path);
  return sim::network_cycles(sim::fit_passes(net, cfg.arch), net.layers.size(), cfg.arch);
}

void check_cycles_match(const std::string& arch, const std::string& net, const std::string& dir,
                        const std::string& tag) {
  const sim::NetworkCycles m = model_cycles(arch, net);
  REQUIRE(m.problem.empty());
  const nlohmann::json r = run_report(arch, net, dir, tag, false);
  INFO(tag);
  const auto& layers = r["layers"];
  REQUIRE(layers.size() == m.layer_cycles.size());
  // Exact on both DRAM models: fit's passes sit at the mapper's addresses (sim/network_layout.h)
  // and the whole network is replayed back to back, as run simulates it, so the DDR4's banks,
  // rows and refresh see the same requests.
  for (size_t i = 0; i < layers.size(); ++i) {
    INFO("layer " << layers[i]["name"].get<std::string>() << ": run " << layers[i]["cycles"]
                  << ", fit " << m.layer_cycles[i]);
    CHECK(layers[i]["cycles"].get<uint64_t>() == m.layer_cycles[i]);
  }
  INFO("run " << r["cycles"]["total"] << ", fit " << m.total);
  CHECK(r["cycles"]["total"].get<uint64_t>() == m.total);
  CHECK(r["cycles"]["conv_layers"].get<uint64_t>() == m.conv_cycles);
}

}  // namespace

TEST_CASE("fit stays within every resource of each shipped device for both arrays and its choice simulates") {
  const std::string dir = scratch_dir("fit_budget");
  for (const std::string& dev : kDevices)
    for (const std::string array : {"svpe", "vpe"})
      for (const std::string cap : {"80", "100"}) {
        if (cap == "100" && dev != "zcu102" && dev != "ultra96") continue;
        const std::string tag = array + "_" + dev + "_" + cap;
        INFO(tag);
        const std::string out = dir + "/" + tag + ".json";
        const CliResult r =
            fit({"--device", repo("configs/devices/" + dev + ".json"), "--array", array, "--max-util",
                 cap, "--out", out},
                dir);
        INFO(r.err << r.out);
        REQUIRE(r.code == 0);
        // The resource model on the file as run reads it, against the device and the cap.
        const sim::ArchConfig cfg = sim::load_arch(out);
        CHECK(cfg.device.name == sim::load_device(repo("configs/devices/" + dev + ".json")).name);
        // With the buffers' placement the file records (resources.buffers_in_uram).
        const models::Resources use = models::total(models::estimate_resources(cfg.arch, cfg.resources));
        const double c = std::stod(cap) / 100;
        CHECK(use.lut <= c * double(cfg.device.lut));
        CHECK(use.ff <= c * double(cfg.device.ff));
        CHECK(use.dsp <= c * double(cfg.device.dsp));
        CHECK(use.bram36 <= c * double(cfg.device.bram36));
        CHECK(use.uram <= c * double(cfg.device.uram));
        CHECK(sim::over_cap(use, cfg.device, c).empty());
        // run accepts the file unchanged and simulates it, bit-exact against the golden executor.
        run_report(out, repo("configs/nets/tiny.json"), dir, tag + "_run");
      }
}

TEST_CASE("the fit cycle model equals shiftsim run layer by layer") {
  const std::string dir = scratch_dir("fit_cycles");
  // Shipped machines, and edits that exercise the other paths of the schedule: partial-row
  // tiles (tiny buffers), a DRAM slower than the bus, short bursts, 8-bit activations, an
  // odd clock and shape.
  nlohmann::json svpe = read_json(repo("configs/arch/svpe_zcu102.json"));
  svpe["device"] = repo("configs/devices/zcu102.json");
  svpe["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  nlohmann::json small = svpe;
  small["pe_array"]["lanes"] = 12;
  small["pe_array"]["vector"] = 6;
  small["pe_array"]["kernel"] = 2;
  small["buffers"] = {{"input_kib", 2}, {"weight_kib", 1}, {"output_kib", 2}};
  small["dram"]["peak_gbps"] = 1.5;
  small["dram"]["max_burst_bytes"] = 256;
  small["clock_mhz"] = 150;
  small["dram"]["model"] = "fixed";
  nlohmann::json vpe = read_json(repo("configs/arch/vpe16_zcu102.json"));
  vpe["device"] = repo("configs/devices/zcu102.json");
  vpe["dram"]["memory"] = repo("configs/memory/ddr4_2400_zcu102.json");
  vpe["numerics"] = {{"act_bits", 8}, {"weight_bits", 8}, {"acc_bits", 32}};
  vpe["pe_array"]["lanes"] = 24;
  vpe["pe_array"]["kernel"] = 1;
  vpe["buffers"] = {{"input_kib", 4}, {"weight_kib", 1}, {"output_kib", 3}};
  vpe["dram"]["latency_ns"] = 97;
  vpe["dram"]["model"] = "fixed";
  const std::vector<std::pair<std::string, nlohmann::json>> archs = {
      {"svpe", svpe}, {"small", small}, {"vpe8", vpe}};
  for (const auto& [name, j] : archs) {
    const std::string path = dir + "/" + name + ".json";
    write_text(path, j.dump(2));
    for (const std::string net : {"tiny", "resnet_fmnist"})
      check_cycles_match(path, repo("configs/nets/" + net + ".json"), dir, name + "_" + net);
  }
}

TEST_CASE("fit on AlexNet conv layers is at least as fast as the shipped ZCU102 design in simulation") {
  const std::string dir = scratch_dir("fit_alexnet");
  const std::string net = dir + "/alexnet_conv.json";
  write_text(net, kAlexnetConv);
  const std::string out = dir + "/fit.json";
  const CliResult r = fit({"--device", "zcu102", "--array", "svpe", "--net", net, "--out", out}, dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  const std::string shipped = repo("configs/arch/svpe_zcu102.json");
  // The ranking's numbers are the simulator's: the chosen and the shipped machine, every layer.
  check_cycles_match(out, net, dir, "fit");
  check_cycles_match(shipped, net, dir, "shipped");
  const uint64_t fit_conv = model_cycles(out, net).conv_cycles;
  const uint64_t shipped_conv = model_cycles(shipped, net).conv_cycles;
  // The search ranks by per-pass replays from idle channels (pass_cycles, memoised); its
  // figure for the winner is the whole network's replay, and so the simulator's.
  // The default objective is the whole network (run's total); the conv-only one must find a
  // machine at least as fast on the conv layers.
  sim::FitOptions opt;
  opt.base = sim::load_arch(out).arch;
  opt.device = sim::load_device(repo("configs/devices/zcu102.json"));
  opt.max_util = 0.8;
  const quant::Network n = quant::load_network(net);
  const sim::FitResult res = sim::fit_search(n, opt);
  const sim::NetworkCycles fit_model = model_cycles(out, net);
  CHECK(res.best.front().cycles.total == fit_model.total);
  CHECK(res.best.front().objective == fit_model.total);
  CHECK(res.best.front().cycles.conv_cycles == fit_conv);
  CHECK(res.best.front().cycles.layer_cycles == fit_model.layer_cycles);
  CHECK(sim::same_arch(res.best.front().arch, opt.base));
  INFO("fit " << fit_model.total << " cycles, shipped " << model_cycles(shipped, net).total);
  CHECK(fit_model.total <= model_cycles(shipped, net).total);
  opt.network_objective = false;
  const sim::FitResult conv = sim::fit_search(n, opt);
  CHECK(conv.best.front().objective == conv.best.front().cycles.conv_cycles);
  // The search ranks shapes by each pass replayed from idle channels and replays only its
  // shortlist back to back on the DDR4, so on the DDR4 it may miss the whole-network winner by
  // a few row misses: within 0.5%.
  CHECK(double(conv.best.front().cycles.conv_cycles) <= 1.005 * double(fit_conv));
  INFO("conv objective " << conv.best.front().cycles.conv_cycles << " conv cycles, shipped " << shipped_conv);
  CHECK(conv.best.front().cycles.conv_cycles <= shipped_conv);
}

TEST_CASE("the fit's whole network figure is run's total on a network with every layer kind") {
  // tiny: conv, add, maxpool, flatten, fc. The search sums per-pass replays from idle channels;
  // run simulates the passes back to back.
  const std::string dir = scratch_dir("fit_whole_net");
  const std::string net = repo("configs/nets/tiny.json");
  for (const std::string array : {"svpe", "vpe"}) {
    const std::string out = dir + "/" + array + ".json";
    const CliResult r = fit({"--device", "ultra96", "--array", array, "--net", net, "--out", out}, dir);
    INFO(r.err << r.out);
    REQUIRE(r.code == 0);
    check_cycles_match(out, net, dir, array);
    sim::FitOptions opt;
    opt.base = sim::load_arch(out).arch;
    opt.device = sim::load_device(repo("configs/devices/ultra96.json"));
    opt.max_util = 0.8;
    const quant::Network n = quant::load_network(net);
    const sim::FitResult res = sim::fit_search(n, opt);
    const nlohmann::json rep = run_report(out, net, dir, array + "_total", false);
    // Exact on both DRAM models: the winner's figures are the whole network replayed at the
    // mapper's addresses (docs/FIT.md).
    CHECK(res.best.front().cycles.total == rep["cycles"]["total"].get<uint64_t>());
    CHECK(res.best.front().cycles.conv_cycles == rep["cycles"]["conv_layers"].get<uint64_t>());
  }
}

TEST_CASE("fit puts the buffers in URAM when that is what fits and run accepts the file") {
  // A device with URAM and too little BRAM36 for any buffers: only the URAM placement fits.
  const std::string dir = scratch_dir("fit_uram");
  std::filesystem::create_directories(dir + "/devices");
  std::filesystem::create_directories(dir + "/energy");
  const std::string dev = dir + "/devices/uram_fpga.json";
  // run prices energy from the table beside the device (../energy/<device file name>).
  nlohmann::json energy = read_json(repo("configs/energy/zcu102.json"));
  energy["device"] = "UramFPGA";
  write_text(dir + "/energy/uram_fpga.json", energy.dump(2));
  write_text(dev, R"({"name": "UramFPGA", "part": "XCU0", "source": "a made-up part", "resources":
      {"lut": 200000, "ff": 400000, "dsp": 1000, "bram36": 2, "uram": 400}})");
  const std::string out = dir + "/fit.json";
  const CliResult r = fit({"--device", dev, "--array", "svpe", "--net", repo("configs/nets/tiny.json"),
                           "--max-util", "100", "--out", out},
                          dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  const nlohmann::json written = read_json(out);
  CHECK(written["resources"]["buffers_in_uram"] == true);
  const sim::ArchConfig cfg = sim::load_arch(out);
  CHECK(cfg.resources.buffers_in_uram);
  const models::Resources use = models::total(models::estimate_resources(cfg.arch, cfg.resources));
  CHECK(use.uram > 0);
  CHECK(sim::over_cap(use, cfg.device, 1.0).empty());
  // run's start check costs the file's placement: it passes, and the simulation is bit-exact.
  run_report(out, repo("configs/nets/tiny.json"), dir, "uram_run");
  // With BRAM only, the same device refuses.
  sim::FitOptions opt;
  opt.base = cfg.arch;
  opt.device = cfg.device;
  opt.try_uram = false;
  const quant::Network n = quant::load_network(repo("configs/nets/tiny.json"));
  CHECK_THROWS(sim::fit_search(n, opt));
}

TEST_CASE("fit refuses a device too small for the smallest array and names the resource") {
  const std::string dir = scratch_dir("fit_tiny_device");
  const std::string dev = dir + "/tiny_fpga.json";
  write_text(dev, R"({"name": "TinyFPGA", "part": "XC0", "source": "a made-up part", "resources":
      {"lut": 100, "ff": 1000, "dsp": 10, "bram36": 10, "uram": 0}})");
  for (const std::string array : {"svpe", "vpe"}) {
    const CliResult r = fit({"--device", dev, "--array", array}, dir);
    INFO(r.err << r.out);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Contains("TinyFPGA") && Contains("too small") && Contains("lut: need"));
    CHECK_THAT(r.err, !Contains("dsp: need"));  // 10 DSPs are enough: only what is short is named
  }
}

TEST_CASE("fit refuses an unknown device and a bad array and a bad cap") {
  const std::string dir = scratch_dir("fit_bad_args");
  CliResult r = fit({"--device", "nosuchboard", "--array", "svpe"}, dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("unknown device 'nosuchboard'") && Contains("zcu102"));
  r = fit({"--device", "zcu102", "--array", "tpu"}, dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("--array") && Contains("tpu"));
  r = fit({"--device", "zcu102", "--array", "svpe", "--max-util", "150"}, dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("--max-util"));
  r = fit({"--device", "zcu102", "--array", "svpe", "--weight-bits", "9"}, dir);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Contains("weight_bits"));
}

TEST_CASE("the written arch reads back to the machine fit chose") {
  const std::string dir = scratch_dir("fit_roundtrip");
  const std::string out = dir + "/sub/ultra96_vpe.json";
  std::filesystem::create_directories(dir + "/sub");
  const CliResult r = fit({"--device", "ultra96", "--array", "vpe", "--clock-mhz", "250",
                           "--weight-bits", "8", "--name", "u96", "--out", out},
                          dir);
  INFO(r.err << r.out);
  REQUIRE(r.code == 0);
  const nlohmann::json written = read_json(out);
  const sim::ArchConfig cfg = sim::load_arch(out);
  CHECK(cfg.arch.name == "u96");
  CHECK(cfg.arch.clock_mhz == 250);
  CHECK(cfg.arch.numerics.weight_bits == 8);
  CHECK(cfg.arch.pe_array.kind == models::ArrayKind::vpe);
  CHECK(cfg.device.part == "XCZU3EG");
  // Serialising what was read gives the file back, key for key.
  const nlohmann::json again = nlohmann::json::parse(
      sim::arch_to_json(cfg.arch, written["description"], written["device"], cfg.resources,
                        written["dram"].value("memory", std::string()))
          .dump());
  CHECK(again == written);
  // The table's first row is the written machine.
  const auto& pe = cfg.arch.pe_array;
  CHECK_THAT(r.out, Contains("1    " + std::to_string(pe.lanes) + " x " + std::to_string(pe.vector) +
                             " x " + std::to_string(pe.kernel)));
}
