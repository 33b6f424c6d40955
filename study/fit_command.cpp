#include "study/fit_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/atomic_file.h"
#include "common/input_error.h"
#include "common/json_reader.h"
#include "quant/network.h"
#include "sim/arch_config.h"
#include "sim/device.h"
#include "study/config_roots.h"
#include "study/fit_arch_json.h"
#include "models/control/layer_plan.h"
#include "study/fit_passes.h"
#include "study/fit_search.h"

namespace shiftsim::sim {

namespace fs = std::filesystem;

namespace {

// `arg` as a file when it is one; else, when it is a bare name, configs/<dir>/<arg>.json.
std::string resolve(const std::string& arg, const std::string& dir, const std::string& what,
                    const std::string& argv0) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) return arg;
  const bool bare = arg.find('/') == std::string::npos;
  std::string known;
  if (bare) {
    const std::string file = arg.size() > 5 && arg.substr(arg.size() - 5) == ".json" ? arg : arg + ".json";
    for (const fs::path& root : config_roots(argv0)) {
      const fs::path p = root / "configs" / dir / file;
      if (fs::is_regular_file(p, ec)) return p.lexically_normal().string();
      if (known.empty() && fs::is_directory(root / "configs" / dir, ec))
        for (const auto& e : fs::directory_iterator(root / "configs" / dir, ec))
          if (e.path().extension() == ".json") known += (known.empty() ? "" : ", ") + e.path().stem().string();
    }
  }
  throw InputError("unknown " + what + " '" + arg + "': no such file" +
                   (bare ? std::string(", and no configs/") + dir + "/" + arg + ".json" : std::string()) +
                   (known.empty() ? std::string() : " (known: " + known + ")"));
}

std::string pct(double need, double have) {
  char b[32];
  if (have <= 0) return need > 0 ? "inf" : "-";
  std::snprintf(b, sizeof b, "%.1f", 100.0 * need / have);
  return b;
}

// A file (the device, the memory) as the written arch file should name it: relative to the file's directory
// (as load_arch resolves it), absolute when no relative path exists.
std::string device_ref(const std::string& device_file, const std::string& out) {
  const fs::path dev = fs::absolute(device_file).lexically_normal();
  const fs::path dir = fs::absolute(out).parent_path().lexically_normal();
  const fs::path rel = dev.lexically_relative(dir);
  return rel.empty() ? dev.string() : rel.string();
}

}  // namespace

int fit_command(const FitRequest& req, const std::string& argv0) {
  const auto t_start = std::chrono::steady_clock::now();
  if (req.array != "svpe" && req.array != "vpe")
    throw InputError("--array must be svpe or vpe, found '" + req.array + "'");
  const bool svpe = req.array == "svpe";
  if (!(req.max_util_pct > 0 && req.max_util_pct <= 100))
    throw InputError("--max-util must be a percentage in (0, 100], found " + std::to_string(req.max_util_pct));
  if (req.top == 0) throw InputError("--top must be at least 1");
  if (req.objective != "network" && req.objective != "conv")
    throw InputError("--objective must be network or conv, found '" + req.objective + "'");
  const bool whole = req.objective == "network";

  const std::string device_file = resolve(req.device, "devices", "device", argv0);
  const DeviceSpec device = load_device(device_file);
  const std::string net_file = resolve(req.net.empty() ? "alexnet" : req.net, "nets", "network", argv0);
  const quant::Network net = quant::load_network(net_file);
  const std::string base_file =
      resolve(req.base.empty() ? (svpe ? "svpe_zcu102" : "vpe16_zcu102") : req.base, "arch", "base arch", argv0);

  // Everything the search does not choose comes from the base file, read as run would.
  nlohmann::json base_doc = read_json_file(base_file);
  if (!base_doc.is_object()) throw InputError(base_file + ": must be a JSON object");
  // A base of the other kind keeps its clock, DRAM, PPU and host but not its product stages
  // and weight width, which take the requested kind's defaults (svpe 1 / 3 bits, vpe 3 / 16).
  const nlohmann::json pe = base_doc.value("pe_array", nlohmann::json::object());
  if (pe.value("kind", std::string("svpe")) != req.array) {
    base_doc["pe_array"].erase("product_stages");
    if (base_doc.contains("numerics")) base_doc["numerics"].erase("weight_bits");
  }
  base_doc["pe_array"]["kind"] = req.array;
  if (req.clock_mhz != 0) base_doc["clock_mhz"] = req.clock_mhz;
  if (req.weight_bits != 0) base_doc["numerics"]["weight_bits"] = req.weight_bits;
  FitOptions opt;
  // The file label names the options that changed the base, so an out-of-range value reads
  // e.g. "svpe_zcu102.json with --array/--clock-mhz/--weight-bits: numerics.weight_bits: must be <= 5".
  ArchExtras base_extras;
  opt.base = parse_arch(base_doc, base_file + " with --array/--clock-mhz/--weight-bits", nullptr,
                        nullptr, &base_extras);
  load_memory(opt.base, base_file, base_extras.memory_ref);
  const std::string memory_file =
      base_extras.memory_ref.empty() ? "" : (fs::path(base_file).parent_path() / base_extras.memory_ref).string();
  std::string dev_stem = fs::path(device_file).stem().string();
  opt.base.name = req.name.empty() ? "fit_" + req.array + "_" + dev_stem : req.name;
  opt.device = device;
  opt.max_util = req.max_util_pct / 100.0;
  opt.top = req.top;
  opt.network_objective = whole;

  // Output entries with the guard bits this network's exact sums need, as a run sizes them (the
  // most over the kernel sizes searched: a folded fully connected layer's sum depends on k).
  for (uint32_t k : opt.space.kernels) {
    models::ArchSpec a = opt.base;
    a.pe_array.kernel = k;
    std::vector<models::Descriptor> shapes;
    for (const FitPass& p : fit_passes(net, a)) shapes.push_back(p.desc);
    opt.base.numerics.acc_guard_bits =
        std::max(opt.base.numerics.acc_guard_bits, models::network_guard_bits(shapes, opt.base));
  }
  const FitResult res = fit_search(net, opt);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  const FitCandidate& win = res.best.front();
  size_t conv_layers = 0;
  for (const quant::Layer& l : net.layers) conv_layers += l.type == quant::LayerType::conv;
  std::printf("fit: %s on %s (%s), %s %s (%zu conv layers, %.2f conv GMAC), %g MHz, %u-bit weights, "
              "at most %g%% of each resource, buffers in BRAM36%s\n",
              req.array.c_str(), device.name.c_str(), device.part.c_str(), net.name.c_str(),
              whole ? "whole network" : "conv layers", conv_layers, double(win.cycles.conv_macs) / 1e9,
              opt.base.clock_mhz, opt.base.numerics.weight_bits, req.max_util_pct,
              device.uram > 0 ? " or URAM288" : "");
  std::printf("searched %zu shapes (%zu fit with their smallest buffers, %zu timed), %zu resource "
              "checks, %zu layer replays, %.2f s\n\n",
              res.shapes, res.shapes_fitting, res.shapes_timed, res.resource_checks, res.timings, seconds);
  std::printf("%-4s %-14s %-22s %12s %12s %8s %6s %6s %6s %6s %6s\n", "rank", "Tm x Tn x k",
              "buffers in/w/out", whole ? "net cycles" : "-", "conv cycles", "GOP/s", "LUT%", "FF%",
              "DSP%", "BRAM%", "URAM%");
  const models::Resources budget = device_budget(device);
  for (size_t i = 0; i < res.best.size(); ++i) {
    const FitCandidate& c = res.best[i];
    const auto& pe = c.arch.pe_array;
    const auto& b = c.arch.buffers;
    char shape[32], bufs[48], tot[32];
    std::snprintf(shape, sizeof shape, "%u x %u x %u", pe.lanes, pe.vector, pe.kernel);
    std::snprintf(bufs, sizeof bufs, "%u/%u/%u KiB %s", b.input_kib, b.weight_kib, b.output_kib,
                  c.resources.buffers_in_uram ? "URAM" : "BRAM");
    if (whole)
      std::snprintf(tot, sizeof tot, "%llu", (unsigned long long)c.cycles.total);
    else
      std::snprintf(tot, sizeof tot, "-");
    std::printf("%-4zu %-14s %-22s %12s %12llu %8.1f %6s %6s %6s %6s %6s\n", i + 1, shape, bufs, tot,
                (unsigned long long)c.cycles.conv_cycles, whole ? c.gops : c.conv_gops,
                pct(c.use.lut, budget.lut).c_str(),
                pct(c.use.ff, budget.ff).c_str(), pct(c.use.dsp, budget.dsp).c_str(),
                pct(c.use.bram36, budget.bram36).c_str(), pct(c.use.uram, budget.uram).c_str());
  }
  std::printf("\n(ranked by %s; GOP/s = 2 x %s MACs / their time; resources: the model of docs/RESOURCES.md, "
              "DSPs as synthesis maps them, buffers where the row says; cycles: the contract's schedule "
              "replayed, as shiftsim run counts them)\n",
              whole ? "the whole network's cycles (run's total)" : "the conv layers' cycles",
              whole ? "all" : "conv");

  if (req.out.empty()) {
    std::printf("no --out: nothing written\n");
    return 0;
  }
  // The two objectives differ only in what was timed and which cycle count it names.
  char cycles[96];
  if (whole)
    std::snprintf(cycles, sizeof cycles, "%llu cycles (%llu in conv layers), %.1f",
                  (unsigned long long)win.cycles.total, (unsigned long long)win.cycles.conv_cycles, win.gops);
  else
    std::snprintf(cycles, sizeof cycles, "%llu conv cycles, %.1f",
                  (unsigned long long)win.cycles.conv_cycles, win.conv_gops);
  char desc[640];
  std::snprintf(desc, sizeof desc,
                "shiftsim fit: the fastest %s array found for %s%s on %s (%s) at %g MHz "
                "within %g%% of every resource: (Tm, Tn, k) = (%u, %u, %u), buffers in %s, %s "
                "GOP/s (one MAC = 2 ops); resources by the model of docs/RESOURCES.md",
                req.array.c_str(), whole ? "the whole of " : "the conv layers of ", net.name.c_str(),
                device.name.c_str(), device.part.c_str(), win.arch.clock_mhz, req.max_util_pct,
                win.arch.pe_array.lanes, win.arch.pe_array.vector, win.arch.pe_array.kernel,
                win.resources.buffers_in_uram ? "URAM288" : "BRAM36", cycles);
  const nlohmann::ordered_json doc =
      arch_to_json(win.arch, desc, device_ref(device_file, req.out), win.resources,
                   memory_file.empty() ? "" : device_ref(memory_file, req.out));
  // What run will read must be what was chosen.
  ArchExtras back;
  models::ArchSpec reread = parse_arch(nlohmann::json::parse(doc.dump()), req.out, nullptr, nullptr, &back);
  load_memory(reread, req.out, back.memory_ref);
  if (!same_arch(reread, win.arch) ||
      back.resources.buffers_in_uram != win.resources.buffers_in_uram ||
      back.resources.dsp_counting != win.resources.dsp_counting)
    throw std::logic_error("fit: the written arch does not read back to the chosen one");
  write_file_atomic(req.out, doc.dump(2) + "\n");
  std::printf("wrote %s (rank 1)\n", req.out.c_str());
  return 0;
}

}  // namespace shiftsim::sim
