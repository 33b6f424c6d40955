#include "study/reproduce_published.h"

#include <cmath>
#include <filesystem>

#include "common/json_reader.h"
#include "common/json_text.h"

namespace shiftsim::sim {

namespace {

// No published throughput, power or count here comes near this; a bigger one is a typo.
constexpr double kMaxFigure = 1e7;

std::string resolve(const std::string& file, const std::string& ref) {
  const std::filesystem::path p(ref);
  if (p.is_absolute()) return ref;
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

// A list of non-negative numbers of the expected length (0: any length >= 1).
std::vector<double> numbers(JsonReader& r, const std::string& key, size_t expect,
                            const std::string& description) {
  const nlohmann::json& v = r.raw(key, description);
  if (!v.is_array()) r.fail(key, "must be a list of numbers");
  if (expect && v.size() != expect)
    r.fail(key, "must have " + std::to_string(expect) + " entries (one per layer), found " +
                    std::to_string(v.size()));
  if (v.empty()) r.fail(key, "must not be empty");
  std::vector<double> out;
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string at = key + "[" + std::to_string(i) + "]";
    if (!v[i].is_number()) r.fail(at, "must be a number, found " + json_excerpt(v[i]));
    const double x = v[i].get<double>();
    if (!std::isfinite(x) || x < 0 || x > kMaxFigure)
      r.fail(at, "must be between 0 and " + std::to_string(int64_t(kMaxFigure)) + ", found " + v[i].dump());
    out.push_back(x);
  }
  return out;
}

PublishedClaim claim(JsonReader& parent, const std::string& key, const std::string& what) {
  JsonReader r = parent.child(key, what);
  PublishedClaim c;
  c.value = r.number("value", 0, kMaxFigure, what);
  c.source = r.str("source", "where the paper says it");
  r.finish();
  return c;
}

PublishedDesign design(JsonReader& parent, const std::string& key, size_t layers,
                       const std::string& file) {
  JsonReader r = parent.child(key, "one design point of the paper");
  PublishedDesign d;
  d.key = key;
  d.label = r.str("label", "name in the tables");
  d.arch = resolve(file, r.str("arch", "arch file simulating it, relative to this file"));
  {
    JsonReader s = r.child("shape", "the array as the paper states it");
    d.kind = s.choice("kind", "", {"svpe", "vpe"}, "array kind");
    if (d.kind.empty()) s.fail("kind", "required (svpe or vpe)");
    d.pm = uint32_t(s.integer("pm", 1, 4096, "Pm: output channels in parallel"));
    d.pn = uint32_t(s.integer("pn", 1, 4096, "Pn: input channels in parallel"));
    d.k = uint32_t(s.integer("k", 1, 16, "convolver size k"));
    d.weight_bits = uint32_t(s.integer("weight_bits", 1, 32, "weight width"));
    d.act_bits = uint32_t(s.integer("act_bits", 1, 32, "activation width"));
    s.finish();
  }
  {
    JsonReader t = r.child("table_viii", "whole-design figures on AlexNet's conv layers");
    d.table_viii_source = t.str("source", "table and column");
    d.layer_gops = numbers(t, "layer_gops", layers, "GOP/s per conv layer");
    d.average_gops = t.number("average_gops", 0, kMaxFigure, "average GOP/s");
    d.power_w = t.number("power_w", 0, kMaxFigure, "power, W");
    d.gops_per_w = t.number("gops_per_w", 0, kMaxFigure, "GOP/s/W");
    JsonReader u = t.child("utilization_pct", "share of the device used, %");
    d.dsp_pct = u.number("dsp", 0, 100, "DSP %");
    d.lut_pct = u.number("lut", 0, 100, "LUT %");
    d.ff_pct = u.number("ff", 0, 100, "FF %");
    d.bram_pct = u.number("bram", 0, 100, "BRAM %");
    u.finish();
    t.finish();
  }
  {
    JsonReader t = r.child("table_vii", "one array: power and resources per weight width");
    d.table_vii_source = t.str("source", "table and column");
    const std::vector<double> bits = numbers(t, "weight_bits", 0, "weight widths n");
    for (double b : bits) d.t7_weight_bits.push_back(uint32_t(b));
    d.t7_power_w = numbers(t, "power_w", bits.size(), "total power, W");
    d.t7_lut = numbers(t, "lut", bits.size(), "LUTs");
    d.t7_dsp = numbers(t, "dsp", bits.size(), "DSPs");
    const std::vector<double> ff = numbers(t, "ff_range", 2, "FFs, lowest and highest");
    d.t7_ff_lo = ff[0];
    d.t7_ff_hi = ff[1];
    t.finish();
  }
  r.finish();
  return d;
}

}  // namespace

PublishedFigures load_published_figures(const std::string& path) {
  const nlohmann::json doc = read_json_file(path);
  JsonReader r(doc, path, "");
  PublishedFigures f;
  f.file = path;
  r.expect_schema("shiftsim.published-figures", 1);
  {
    JsonReader p = r.child("paper", "the publication");
    f.citation = p.str("citation", "authors, title, venue");
    p.str("copy", "", "where a copy can be read");
    f.pages = p.str("pages", "where in the paper the tables are");
    p.finish();
  }
  {
    JsonReader s = r.child("setup", "the paper's experimental setup, in its words");
    for (const auto& [k, v] : s.node().items()) {
      if (k == "clock_mhz") continue;
      f.setup[k] = s.str(k, "setup text");
    }
    f.clock_mhz = s.number("clock_mhz", 1, 10000, "clock of both designs, MHz");
    s.finish();
  }
  {
    JsonReader e = r.child("experiment", "what is simulated");
    f.net = resolve(path, e.str("net", "network file, relative to this file"));
    f.layers = e.str_list("layers", "the layers the tables have rows for");
    f.quick_net = resolve(path, e.str("quick_net", "reduced network of --quick"));
    f.quick_layers = e.str_list("quick_layers", "its layers with a row");
    if (f.layers.empty()) e.fail("layers", "must name at least one layer");
    if (f.quick_layers.empty()) e.fail("quick_layers", "must name at least one layer");
    if (f.quick_layers.size() > f.layers.size()) e.fail("quick_layers", "more layers than layers");
    for (size_t i = 0; i < f.quick_layers.size(); ++i)
      if (f.quick_layers[i] != f.layers[i])
        e.fail("quick_layers[" + std::to_string(i) + "]",
               "must be the same as layers[" + std::to_string(i) + "] (" + f.layers[i] +
                   "): the quick run compares with the first published layers");
    e.finish();
  }
  {
    JsonReader d = r.child("designs", "the two design points");
    f.vpe = design(d, "vpe", f.layers.size(), path);
    f.svpe = design(d, "svpe", f.layers.size(), path);
    if (f.vpe.kind != "vpe") d.fail("vpe.shape.kind", "must be vpe");
    if (f.svpe.kind != "svpe") d.fail("svpe.shape.kind", "must be svpe");
    d.finish();
  }
  {
    JsonReader c = r.child("claims", "headline claims");
    f.speedup = claim(c, "speedup", "SVPE over VPE");
    f.analytical_speedup = claim(c, "analytical_speedup", "the paper's model of the speedup");
    f.power_ratio_pct = claim(c, "power_ratio_pct", "SVPE power as % of VPE");
    c.finish();
  }
  r.finish();
  return f;
}

}  // namespace shiftsim::sim
