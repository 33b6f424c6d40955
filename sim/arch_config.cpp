#include "sim/arch_config.h"

#include <algorithm>
#include <filesystem>

#include "common/json_reader.h"
#include "models/pe_array/array_kind.h"
#include "models/pe_array/rtl_select.h"
#include "models/control/program.h"
#include "sim/memory_config.h"
#include "sim/overrides.h"

namespace shiftsim::sim {

namespace {

bool is_pow2(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

// Sections in file order; describe_arch_params() uses them to pick arch entries out of the
// registry that every JsonReader shares.
const std::vector<std::string> kArchKeys = {"name", "description", "device",   "clock_mhz",
                                            "dram", "buffers",     "pe_array", "numerics",
                                            "ppu",  "host",        "recurrent", "resources",
                                            "energy"};
// Root path under which describe_arch_params() registers the device file's parameters, so they
// do not collide with the arch file's own "name".
const std::string kDeviceDocRoot = "<device file>";

models::DramSpec read_dram(JsonReader r, std::string* memory_ref) {
  models::DramSpec d;
  const std::string model = r.choice(
      "model", "fixed", {"fixed", "ddr4"},
      "fixed: every burst waits latency_ns, nothing contends; ddr4: the DDR4 timing model of "
      "the memory file (banks, open rows, refresh, one data bus for reads and writes)");
  d.model = model == "ddr4" ? models::DramModel::ddr4 : models::DramModel::fixed;
  *memory_ref = r.str("memory", "",
                      "DDR4 memory file (configs/memory/*.json), relative to this file's "
                      "directory; required by model ddr4");
  if (d.model == models::DramModel::ddr4 && memory_ref->empty())
    r.fail("memory", "model ddr4 needs a memory file (for example \"../memory/ddr4_2400_zcu102.json\")");
  d.width_bytes = static_cast<uint32_t>(r.integer("width_bytes", d.width_bytes, 1, 128,
                                                  "data bus width in bytes; one beat per cycle"));
  if (!is_pow2(d.width_bytes))
    r.fail("width_bytes", "must be a power of two, found " + std::to_string(d.width_bytes));
  d.peak_gbps = r.number("peak_gbps", d.peak_gbps, 0.001, 10000.0,
                         "DRAM peak bandwidth in GB/s; beats slow down above it");
  d.latency_ns = r.number("latency_ns", d.latency_ns, 0.0, 1e6,
                          "request to first data in ns; paid when a channel starts a new stream of bursts");
  d.controller_latency_ns = r.number(
      "controller_latency_ns", d.controller_latency_ns, 0.0, 1e6,
      "model ddr4: ns from a burst's issue to the DDR4 command scheduler (interconnect, "
      "controller front end, PHY); the DDR4 timing adds the rest");
  d.max_burst_bytes = static_cast<uint32_t>(
      r.integer("max_burst_bytes", d.max_burst_bytes, 1, 4096,
                "longest burst in bytes (AXI4: 256 beats, never crossing 4 KiB); a power of two"));
  if (!is_pow2(d.max_burst_bytes))
    r.fail("max_burst_bytes", "must be a power of two, found " + std::to_string(d.max_burst_bytes));
  // Both are powers of two, so "multiple of" is "at least".
  if (d.max_burst_bytes < d.width_bytes)
    r.fail("max_burst_bytes", "must be a multiple of dram.width_bytes (" +
                                  std::to_string(d.width_bytes) + "), found " +
                                  std::to_string(d.max_burst_bytes));
  // The controller's registers sit at 0xA0000000: DRAM ends below them.
  d.size_mib = static_cast<uint64_t>(r.integer("size_mib", static_cast<int64_t>(d.size_mib), 1,
                                               int64_t(models::kRegBase >> 20),
                                               "DRAM address space in MiB (below the registers)"));
  r.finish();
  return d;
}

models::BufferSpec read_buffers(JsonReader r) {
  models::BufferSpec b;
  constexpr int64_t kMaxKib = int64_t{1} << 20;  // 1 GiB: far beyond any on-chip memory
  b.input_kib = static_cast<uint32_t>(
      r.integer("input_kib", b.input_kib, 1, kMaxKib, "input buffer, one half of two, in KiB"));
  b.weight_kib = static_cast<uint32_t>(
      r.integer("weight_kib", b.weight_kib, 1, kMaxKib, "weight buffer, one half of two, in KiB"));
  b.output_kib = static_cast<uint32_t>(
      r.integer("output_kib", b.output_kib, 1, kMaxKib, "output buffer, one half of two, in KiB"));
  auto latency = [&](const char* key, uint32_t def, const char* what) {
    return static_cast<uint32_t>(r.integer(key, def, 1, 4,
        std::string("cycles from address to data on the ") + what +
            " read port (block RAM: 1; 2 with its output register)"));
  };
  b.input_read_latency = latency("input_read_latency", b.input_read_latency, "input buffer's");
  b.weight_read_latency = latency("weight_read_latency", b.weight_read_latency, "weight buffer's");
  b.output_read_latency = latency("output_read_latency", b.output_read_latency, "output buffer's accumulator");
  r.finish();
  return b;
}

models::PeArraySpec read_pe_array(JsonReader r) {
  models::PeArraySpec p;
  std::vector<std::string> names;
  std::string meaning;
  for (const models::ArrayKindModel* k : models::array_kind_models()) {
    names.push_back(k->name());
    meaning += std::string(meaning.empty() ? "" : "; ") + k->name() + ": " + k->description();
  }
  const models::ArrayKindModel& kind = *models::find_array_kind(r.choice("kind", names.front(), names, meaning));
  p.kind = kind.kind();
  p.lanes = static_cast<uint32_t>(
      r.integer("lanes", p.lanes, 1, 1024, "Tm: output channels computed in parallel"));
  p.vector = static_cast<uint32_t>(
      r.integer("vector", p.vector, 1, 1024, "Tn: input channels computed in parallel"));
  p.kernel = static_cast<uint32_t>(
      r.integer("kernel", p.kernel, 1, 11, "k: each element is a k x k convolver"));
  std::string stage_defaults;
  for (const models::ArrayKindModel* k : models::array_kind_models())
    stage_defaults += std::string(stage_defaults.empty() ? "" : ", ") + std::to_string(k->default_product_stages()) +
                      " for " + k->name();
  p.product_stages = static_cast<uint32_t>(
      r.integer("product_stages", kind.default_product_stages(), 1, 8,
                "pipeline registers in one product (default " + stage_defaults + ")"));
  // The RTL is offered only by a build that verilated it (docs/RTL.md).
  std::vector<std::string> impls = {"native"};
  if (!models::rtl_shapes().empty()) impls.push_back("rtl");
  if (r.choice("impl", "native", impls,
               "cycle mode's compute unit: native (the SystemC model) or rtl (the Verilated RTL of the "
               "shapes this build verilated, docs/RTL.md)") == "rtl")
    p.impl = models::ComputeImpl::rtl;
  r.finish();
  return p;
}

models::NumericsSpec read_numerics(JsonReader r, models::ArrayKind kind) {
  models::NumericsSpec n;
  const models::ArrayKindModel& array = models::array_kind_model(kind);
  n.act_bits = static_cast<uint32_t>(
      r.integer("act_bits", n.act_bits, 2, 16, "signed activation width in bits"));
  std::string widths;
  for (const models::ArrayKindModel* k : models::array_kind_models())
    widths += std::string(widths.empty() ? "" : "; ") + k->name() + " " + std::to_string(k->min_weight_bits()) +
              ".." + std::to_string(k->max_weight_bits()) + ", default " + std::to_string(k->default_weight_bits()) +
              " (" + k->weight_bits_why() + ")";
  uint32_t widest = 0;
  for (const models::ArrayKindModel* k : models::array_kind_models()) widest = std::max(widest, k->max_weight_bits());
  n.weight_bits = static_cast<uint32_t>(
      r.integer("weight_bits", array.default_weight_bits(), 2, widest, "weight width: " + widths));
  if (n.weight_bits < array.min_weight_bits() || n.weight_bits > array.max_weight_bits())
    r.fail("weight_bits", "must be " + std::to_string(array.min_weight_bits()) + ".." +
                              std::to_string(array.max_weight_bits()) + " for pe_array.kind " + array.name() +
                              " (" + array.weight_bits_why() + "), found " + std::to_string(n.weight_bits));
  n.acc_bits =
      static_cast<uint32_t>(r.integer("acc_bits", n.acc_bits, 16, 62, "accumulator width in bits"));
  if (n.acc_bits < 2 * n.act_bits)
    r.fail("acc_bits", "must be >= 2 * numerics.act_bits (" + std::to_string(2 * n.act_bits) +
                           "), found " + std::to_string(n.acc_bits));
  const std::string overflow = r.choice("overflow", "saturate", {"saturate", "wrap"},
                                        "what the accumulator does when a sum leaves its range");
  n.overflow = overflow == "wrap" ? models::OverflowPolicy::wrap : models::OverflowPolicy::saturate;
  // A shift of at most 14 keeps a 16-bit activation's product in the datapath's 32 bits.
  const uint32_t code_shift = (1u << (n.weight_bits - 1)) - 2, offset_room = code_shift <= 14 ? 14 - code_shift : 0;
  n.sign_offset_max = static_cast<uint32_t>(r.integer(
      "sign_offset_max", 0, 0, 14,
      "svpe: largest per-sign exponent offset of a layer's weight code (GSNQ's two sign windows; "
      "0: no offset hardware; code shift + offset <= 14)"));
  if (n.sign_offset_max > 0 && array.weight_code() != models::WeightCode::pow2_sign_magnitude)
    r.fail("sign_offset_max", std::string("must be 0 for pe_array.kind ") + array.name() +
                                  " (its weights are fixed point, not power-of-two codes)");
  if (n.sign_offset_max > offset_room)
    r.fail("sign_offset_max", "must be <= " + std::to_string(offset_room) + " with " +
                                  std::to_string(n.weight_bits) + "-bit codes (largest code shift " +
                                  std::to_string(code_shift) + " + offset <= 14), found " +
                                  std::to_string(n.sign_offset_max));
  r.finish();
  return n;
}

models::PpuSpec read_ppu(JsonReader r) {
  models::PpuSpec p;
  p.latency_cycles = static_cast<uint32_t>(r.integer(
      "latency_cycles", p.latency_cycles, 0, 1000,
      "post-processing pipeline depth: accumulator -> overflow policy -> shift/round -> ReLU/clamp -> out"));
  r.finish();
  return p;
}

models::DmaSpec read_dma(JsonReader r) {
  models::DmaSpec d;
  d.outstanding = static_cast<uint32_t>(r.integer(
      "outstanding", d.outstanding, 1, 64,
      "bursts each DMA engine keeps in flight (AXI outstanding transactions; default 8, the "
      "read and write command acceptance of a Zynq UltraScale+ HP port, UG1085)"));
  r.finish();
  return d;
}

models::HostSpec read_host(JsonReader r) {
  models::HostSpec h;
  h.reg_access_cycles = static_cast<uint32_t>(r.integer(
      "reg_access_cycles", h.reg_access_cycles, 1, 1000, "one AXI-Lite register read or write"));
  r.finish();
  return h;
}

models::RecurrentSpec read_recurrent(JsonReader r) {
  models::RecurrentSpec s;
  s.max_rows = static_cast<uint32_t>(r.integer(
      "max_rows", s.max_rows, 1, 1 << 20,
      "the most rows a recurrent pass may have (an lstm's 4 gate blocks of hidden_size, a gru's 3, "
      "each but the last padded to whole words of pe_array.lanes; a sequence fc's out_features, an "
      "embedding's dim): the recurrent unit's register file is built for it and the mapper refuses "
      "a layer with more"));
  r.finish();
  return s;
}

// The resource model's counting choices (docs/RESOURCES.md): not part of the simulated machine,
// only of what it is said to cost.
models::ResourceOptions read_resources(JsonReader r) {
  models::ResourceOptions o;
  const std::string dsp = r.choice(
      "dsp_counting", "synthesis", {"synthesis", "nbqnn_paper"},
      "synthesis: DSPs as synthesis maps them (VPE products only); nbqnn_paper: the n-BQ-NN "
      "paper's (k^2+k) per VPE and k per SVPE convolver (Eqs. 35, 44)");
  o.dsp_counting = dsp == "nbqnn_paper" ? models::DspCounting::nbqnn_paper
                                        : models::DspCounting::synthesis;
  o.buffers_in_uram = r.flag("buffers_in_uram", false,
                             "map the input, weight and output buffers to URAM288 instead of BRAM36");
  r.finish();
  return o;
}

std::string resolve_device(const std::string& arch_file, const std::string& ref) {
  namespace fs = std::filesystem;
  const fs::path p(ref);
  if (p.is_absolute()) return ref;
  return (fs::path(arch_file).parent_path() / p).lexically_normal().string();
}

}  // namespace

void load_memory(models::ArchSpec& arch, const std::string& arch_file, const std::string& memory_ref) {
  if (arch.dram.model != models::DramModel::ddr4) return;
  const std::string file = resolve_device(arch_file, memory_ref);
  try {
    arch.dram.ddr4 = load_memory_config(file);
  } catch (const InputError& e) {
    throw InputError(arch_file + ": dram.memory: " + e.what());
  }
}

namespace {

// Each device file has an energy table of the same name: configs/devices/zcu102.json ->
// configs/energy/zcu102.json.
std::string default_energy_file(const std::string& device_file) {
  namespace fs = std::filesystem;
  const fs::path d(device_file);
  return (d.parent_path() / ".." / "energy" / d.filename()).lexically_normal().string();
}

}  // namespace

models::ArchSpec parse_arch(const nlohmann::json& doc, const std::string& file,
                            std::string* device_ref, std::string* description,
                            ArchExtras* extras) {
  JsonReader r(doc, file, "");
  models::ArchSpec a;
  a.name = r.str("name", "machine name used in reports");
  const std::string desc = r.str("description", "", "where this design point comes from");
  const std::string dev = r.str("device", "device file, relative to this file's directory");
  // 1 MHz keeps the longest simulations far from SystemC's 2^64 ps horizon.
  a.clock_mhz = r.number("clock_mhz", a.clock_mhz, 1.0, 2000.0, "accelerator clock in MHz");
  std::string memory_ref;
  a.dram = read_dram(r.optional_child("dram", "off-chip memory and its AXI port"), &memory_ref);
  a.buffers = read_buffers(r.optional_child("buffers", "on-chip double buffers"));
  a.pe_array = read_pe_array(r.optional_child("pe_array", "the processing-element array"));
  // Read after pe_array: the weight width's range and default depend on the array kind.
  a.numerics = read_numerics(r.optional_child("numerics", "number formats"), a.pe_array.kind);
  if (a.pe_array.impl == models::ComputeImpl::rtl && !models::rtl_refusal(a).empty())
    throw InputError(file + ": pe_array.impl: rtl: " + models::rtl_refusal(a));
  a.ppu = read_ppu(r.optional_child("ppu", "post-processing unit"));
  a.dma = read_dma(r.optional_child("dma", "the DMA engines between DRAM and the buffers"));
  a.host = read_host(r.optional_child("host", "host CPU driving the accelerator"));
  a.recurrent = read_recurrent(r.optional_child("recurrent", "the recurrent unit's register file"));
  ArchExtras ex;
  ex.resources = read_resources(r.optional_child("resources", "how the resource model counts"));
  ex.energy_ref = r.str("energy", "",
                        "energy table (configs/energy/*.json), relative to this file's "
                        "directory; default: ../energy/<device file name> beside the device file");
  r.finish();
  ex.memory_ref = memory_ref;
  if (extras) *extras = ex;
  if (device_ref) *device_ref = dev;
  if (description) *description = desc;
  return a;
}

ArchConfig load_arch(const std::string& path, const std::vector<std::string>& overrides) {
  const std::vector<Override> ovs = parse_overrides(overrides);
  nlohmann::json doc = read_json_file(path);
  apply_overrides(doc, ovs, path);
  ArchConfig c;
  c.file = path;
  try {
    std::string dev_ref;
    ArchExtras ex;
    c.arch = parse_arch(doc, path, &dev_ref, &c.description, &ex);
    c.device_file = resolve_device(path, dev_ref);
    load_memory(c.arch, path, ex.memory_ref);
    c.resources = ex.resources;
    c.energy_file = ex.energy_ref.empty() ? default_energy_file(c.device_file)
                                          : resolve_device(path, ex.energy_ref);
    try {
      c.device = load_device(c.device_file);
    } catch (const InputError& e) {
      // The device file's own message names it; prefixing the arch file and key says who asked.
      throw InputError(path + ": device: " + e.what());
    }
  } catch (const InputError& e) {
    throw InputError(blame_override(e.what(), ovs, path));
  }
  return c;
}

std::string describe_arch_params() {
  // Reading a minimal machine and device registers every parameter with its default.
  const nlohmann::json arch = {{"name", "example"}, {"device", "example.json"}};
  parse_arch(arch, "(describe)");
  const nlohmann::json dev = {{"name", "example"},
                              {"part", "example"},
                              {"source", "example"},
                              {"resources", {{"lut", 0}, {"ff", 0}, {"dsp", 0}, {"bram36", 0}}}};
  parse_device(dev, "(describe)", kDeviceDocRoot);

  std::vector<ParamDoc> arch_docs, dev_docs;
  for (const auto& d : JsonReader::docs()) {
    const std::string top = d.path.substr(0, d.path.find_first_of(".["));
    if (std::find(kArchKeys.begin(), kArchKeys.end(), top) != kArchKeys.end()) {
      arch_docs.push_back(d);
    } else if (top == kDeviceDocRoot) {
      dev_docs.push_back(d);
      dev_docs.back().path = d.path.substr(kDeviceDocRoot.size() + 1);
    }
  }
  size_t w_path = 0, w_def = 0;
  for (const auto* v : {&arch_docs, &dev_docs})
    for (const auto& d : *v) {
      w_path = std::max(w_path, d.path.size());
      w_def = std::max(w_def, d.required ? 8 : std::max<size_t>(2, d.default_value.size()));
    }
  auto table = [&](const std::vector<ParamDoc>& docs) {
    std::string out;
    for (const auto& d : docs) {
      const std::string def = d.required                ? "required"
                              : d.default_value.empty() ? "\"\""
                                                        : d.default_value;
      out += "  " + d.path + std::string(w_path - d.path.size() + 2, ' ') + def +
             std::string(w_def - def.size() + 2, ' ') + d.description + "\n";
    }
    return out;
  };
  return "Architecture file (configs/arch/*.json); override with --set path=value:\n" +
         table(arch_docs) +
         "\nDevice file (configs/devices/*.json), named by \"device\":\n" +
         table(dev_docs);
}

}  // namespace shiftsim::sim
