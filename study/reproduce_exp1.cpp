#include "study/reproduce_exp1.h"

#include <cmath>
#include <cstdio>

#include "common/input_error.h"
#include "study/reproduce_model.h"

namespace shiftsim::sim {

namespace {

const char* kNotModelled = "not modelled yet";

std::string f1(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// Index of `layer` in the published layer list.
size_t published_index(const PublishedFigures& pub, const std::string& layer) {
  for (size_t i = 0; i < pub.layers.size(); ++i)
    if (pub.layers[i] == layer) return i;
  throw InputError(pub.file + ": experiment.layers: has no layer " + layer);
}

double layer_gops(const SimRun& r, const std::string& name, double ops_per_mac) {
  const SimLayer* l = r.layer(name);
  if (!l) throw InputError(r.report_file + ": layers: no layer named " + name);
  return gops(double(l->macs), double(l->cycles), r.clock_mhz, ops_per_mac);
}

double average_gops(const SimRun& r, const std::vector<std::string>& layers, double ops_per_mac) {
  return gops(double(r.conv_macs(layers)), double(r.conv_cycles(layers)), r.clock_mhz, ops_per_mac);
}

void append(std::vector<Cell>& row, const std::vector<Cell>& more) {
  row.insert(row.end(), more.begin(), more.end());
}

// Table VIII, per layer: GOP/s under both conventions.
Table layer_table(const Exp1Input& in) {
  Table t;
  t.name = "exp1_layers";
  t.title = "Experiment 1: per-layer GOP/s, AlexNet conv layers (" + in.pub->vpe.table_viii_source +
            "; " + in.pub->svpe.table_viii_source + ")";
  t.header = {"layer", "design", "published GOP/s", "simulated GOP/s (MAC = 2 ops, ours)", "diff",
              "diff %", "simulated GOP/s (MAC = 4 ops, paper-inferred)", "diff", "diff %",
              "cycles", "MACs", "PE utilisation %"};
  for (const std::string& layer : in.layers) {
    const size_t i = published_index(*in.pub, layer);
    for (const auto& [d, r] : {std::pair{&in.pub->vpe, in.vpe}, std::pair{&in.pub->svpe, in.svpe}}) {
      const SimLayer* l = r->layer(layer);
      const double ours = layer_gops(*r, layer, kOpsPerMacOurs);
      const double paper = layer_gops(*r, layer, kOpsPerMacPaperInferred);
      std::vector<Cell> row = {text_cell(layer), text_cell(d->key), num_cell(d->layer_gops[i], 1),
                               num_cell(ours, 1)};
      append(row, diff_cells(d->layer_gops[i], ours, 1));
      row.push_back(num_cell(paper, 1));
      append(row, diff_cells(d->layer_gops[i], paper, 1));
      row.push_back(num_cell(double(l->cycles), 0));
      row.push_back(num_cell(double(l->macs), 0));
      row.push_back(num_cell(100.0 * l->pe_utilization, 1));
      t.rows.push_back(row);
    }
  }
  const double peak_s = gops(in.svpe->lanes * in.svpe->vector * in.svpe->kernel * in.svpe->kernel,
                             1, in.svpe->clock_mhz, kOpsPerMacOurs);
  const double peak_v = gops(in.vpe->lanes * in.vpe->vector * in.vpe->kernel * in.vpe->kernel, 1,
                             in.vpe->clock_mhz, kOpsPerMacOurs);
  t.notes.push_back("Peaks with one MAC = 2 ops: SVPE " + f1(peak_s) + " GOP/s, VPE " + f1(peak_v) +
                    " GOP/s. The paper-inferred column counts 4 ops per MAC (docs/REPRODUCTION.md, "
                    "\"Counting operations\"); it rescales the same simulated cycles, nothing else.");
  if (in.quick)
    t.notes.push_back("--quick: the layers have AlexNet's kernels and channels on a reduced input "
                      "(configs/reproduce/alexnet_quick.json), so their GOP/s are not the paper's "
                      "conditions; the comparison exercises the tables only.");
  return t;
}

std::optional<double> conv_power(const SimRun& r) {
  if (!r.energy) return std::nullopt;
  return r.energy->conv.average_power_w;
}

// Table VIII, whole design: averages, speedup, power, efficiency, energy per inference.
Table summary_table(const Exp1Input& in) {
  const PublishedFigures& pub = *in.pub;
  Table t;
  t.name = "exp1_summary";
  t.title = "Experiment 1: whole design on AlexNet's conv layers (Table VIII; claims)";
  t.header = {"figure", "design", "published", "simulated", "diff", "diff %", "source / how simulated"};
  auto row = [&](const std::string& fig, const std::string& design, std::optional<double> p,
                 std::optional<double> s, int dec, const std::string& src, const std::string& why_missing = "") {
    std::vector<Cell> r = {text_cell(fig), text_cell(design),
                           p ? num_cell(*p, dec) : missing_cell("not reported"),
                           s ? num_cell(*s, dec) : missing_cell(why_missing.empty() ? kNotModelled : why_missing)};
    append(r, diff_cells(p, s, dec));
    r.push_back(text_cell(src));
    t.rows.push_back(r);
  };
  const auto& L = in.layers;
  for (const auto& [d, r] : {std::pair{&pub.vpe, in.vpe}, std::pair{&pub.svpe, in.svpe}}) {
    row("average GOP/s (MAC = 2 ops, ours)", d->key, d->average_gops, average_gops(*r, L, kOpsPerMacOurs), 1,
        d->table_viii_source + "; simulated: ops of the rows' layers / their cycles");
    row("average GOP/s (MAC = 4 ops, paper-inferred)", d->key, d->average_gops,
        average_gops(*r, L, kOpsPerMacPaperInferred), 1, "the same cycles, 4 ops per MAC");
  }
  const double speedup = double(in.vpe->conv_cycles(L)) / double(in.svpe->conv_cycles(L));
  row("speedup SVPE over VPE (conv-layer time)", "svpe/vpe", pub.speedup.value, speedup, 2,
      pub.speedup.source);
  row("analytical speedup (paper's model)", "svpe/vpe", pub.analytical_speedup.value, std::nullopt, 2,
      pub.analytical_speedup.source, "-");
  for (const auto& [d, r] : {std::pair{&pub.vpe, in.vpe}, std::pair{&pub.svpe, in.svpe}}) {
    const std::optional<double> p = conv_power(*r);
    row("power W (conv layers, whole chip)", d->key, d->power_w, p, 2,
        d->table_viii_source + "; simulated: the run report's energy of the conv layers / their time");
    std::optional<double> eff;
    if (p && *p > 0) eff = average_gops(*r, L, kOpsPerMacOurs) / *p;
    row("GOP/s/W (MAC = 2 ops)", d->key, d->gops_per_w, eff, 2, d->table_viii_source);
    std::optional<double> eff4;
    if (p && *p > 0) eff4 = average_gops(*r, L, kOpsPerMacPaperInferred) / *p;
    row("GOP/s/W (MAC = 4 ops, paper-inferred)", d->key, d->gops_per_w, eff4, 2, d->table_viii_source);
    std::optional<double> mj;
    if (r->energy) mj = 1e3 * r->energy->conv.total_j;
    row("energy per inference mJ (conv layers)", d->key, std::nullopt, mj, 2,
        "the paper gives power, not energy per inference");
  }
  std::optional<double> ratio;
  if (conv_power(*in.svpe) && conv_power(*in.vpe) && *conv_power(*in.vpe) > 0)
    ratio = 100.0 * *conv_power(*in.svpe) / *conv_power(*in.vpe);
  row("SVPE power as % of VPE", "svpe/vpe", pub.power_ratio_pct.value, ratio, 1,
      pub.power_ratio_pct.source + "; simulated: whole-chip conv-layer power ratio");
  return t;
}

// Table VIII, resource use: % of the device under both DSP countings.
Table resource_table(const Exp1Input& in) {
  const PublishedFigures& pub = *in.pub;
  Table t;
  t.name = "exp1_resources";
  t.title = "Experiment 1: resource use, % of the ZCU102 (Table VIII)";
  t.header = {"design", "resource", "published %", "simulated % (synthesis counting)", "diff (points)",
              "diff %", "simulated % (n-BQ-NN DSP counting)", "diff (points)", "diff %", "simulated count (synthesis)"};
  for (const auto& [d, r] : {std::pair{&pub.vpe, in.vpe}, std::pair{&pub.svpe, in.svpe}}) {
    // Synthesis counting: the run report's resource section when it has one (the same model).
    models::Resources synth, budget;
    std::string synth_src;
    if (r->resources && r->resources->dsp_counting == "synthesis") {
      synth = r->resources->total;
      budget = r->resources->budget;
      synth_src = "run report";
    } else {
      const ModelCost c = model_cost(d->arch, {}, models::DspCounting::synthesis);
      synth = c.total;
      budget = c.budget;
      synth_src = "resource model in process";
    }
    const ModelCost paper = model_cost(d->arch, {}, models::DspCounting::nbqnn_paper);
    const std::vector<double> ps = percent_of_device(synth, budget);
    const std::vector<double> pp = percent_of_device(paper.total, paper.budget);
    const std::vector<double> counts = {synth.lut, synth.ff, synth.dsp, synth.bram36};
    const std::vector<std::pair<std::string, double>> published = {
        {"LUT", d->lut_pct}, {"FF", d->ff_pct}, {"DSP", d->dsp_pct}, {"BRAM36", d->bram_pct}};
    for (size_t i = 0; i < 4; ++i) {
      std::vector<Cell> row = {text_cell(d->key), text_cell(published[i].first),
                               num_cell(published[i].second, 0), num_cell(ps[i], 1)};
      append(row, diff_cells(published[i].second, ps[i], 1));
      row.push_back(num_cell(pp[i], 1));
      append(row, diff_cells(published[i].second, pp[i], 1));
      row.push_back(num_cell(counts[i], 0));
      t.rows.push_back(row);
    }
    if (synth_src != "run report")
      t.notes.push_back(d->key + ": the run report has no resource section; the synthesis column "
                        "comes from the same resource model (models/machine_resources.h) evaluated here.");
  }
  t.notes.push_back("Synthesis counting: DSPs as synthesis maps them (one per VPE product, none per "
                    "SVPE shift). n-BQ-NN counting: the paper's (k^2 + k) DSPs per VPE convolver and "
                    "k per SVPE convolver (Eqs. 35, 44), its adders then in DSPs (docs/RESOURCES.md).");
  return t;
}

// Table VII: one array at each weight width. Power from the energy model (PE-array dynamic
// power and whole-chip power over the conv layers); resources of one convolver from the model.
Table table_vii(const Exp1Input& in) {
  const PublishedFigures& pub = *in.pub;
  Table t;
  t.name = "exp1_table_vii";
  t.title = "Experiment 1: one array per weight width (Table VII)";
  t.header = {"design", "weight bits", "published power W", "simulated PE-array dynamic W",
              "simulated whole-chip W (conv layers)", "diff (whole chip)", "diff %",
              "published LUT", "model LUT (n-BQ-NN counting)", "published FF", "model FF",
              "published DSP", "model DSP (n-BQ-NN)", "model DSP (synthesis)", "note"};
  auto add = [&](const PublishedDesign& d, size_t i, const SimRun* run, const std::string& refused) {
    const uint32_t n = d.t7_weight_bits[i];
    std::vector<Cell> row = {text_cell(d.key), num_cell(n, 0), num_cell(d.t7_power_w[i], 2)};
    std::optional<double> chip;
    if (run && run->energy) {
      const double secs = double(run->conv_cycles()) / (run->clock_mhz * 1e6);
      row.push_back(num_cell(run->energy->conv.component("pe_array") / secs, 3));
      chip = run->energy->conv.average_power_w;
      row.push_back(num_cell(*chip, 2));
    } else {
      const std::string why = refused.empty() ? kNotModelled : "not simulated";
      row.push_back(missing_cell(why));
      row.push_back(missing_cell(why));
    }
    append(row, diff_cells(d.t7_power_w[i], chip, 2));
    row.push_back(num_cell(d.t7_lut[i], 0));
    std::string note = refused;
    // The paper's own cells stay whatever the model makes of the row.
    std::optional<models::Resources> paper, synth;
    try {
      paper = model_convolver(d.arch, n, models::DspCounting::nbqnn_paper);
      synth = model_convolver(d.arch, n, models::DspCounting::synthesis);
    } catch (const InputError& e) {
      if (note.empty()) note = e.what();
    }
    auto model = [&](const std::optional<models::Resources>& r, double models::Resources::*field) {
      return r ? num_cell((*r).*field, 0) : missing_cell("-");
    };
    row.push_back(model(paper, &models::Resources::lut));
    const std::string lo = std::to_string(int(d.t7_ff_lo)), hi = std::to_string(int(d.t7_ff_hi));
    row.push_back(text_cell(lo == hi ? lo : lo + ".." + hi));  // the paper gives a range
    row.push_back(model(paper, &models::Resources::ff));
    row.push_back(num_cell(d.t7_dsp[i], 0));
    row.push_back(model(paper, &models::Resources::dsp));
    row.push_back(model(synth, &models::Resources::dsp));
    row.push_back(text_cell(note));
    t.rows.push_back(row);
  };
  for (size_t i = 0; i < pub.vpe.t7_weight_bits.size(); ++i) add(pub.vpe, i, in.vpe, "");
  for (size_t i = 0; i < pub.svpe.t7_weight_bits.size(); ++i) {
    const uint32_t n = pub.svpe.t7_weight_bits[i];
    auto it = in.svpe_by_bits.find(n);
    auto ref = in.svpe_bits_refused.find(n);
    add(pub.svpe, i, it == in.svpe_by_bits.end() ? nullptr : &it->second,
        ref == in.svpe_bits_refused.end() ? "" : ref->second);
  }
  t.notes.push_back("Table VII reports one array of the paper (its LUT/FF/DSP columns are one k x k "
                    "convolver: 3 DSPs SVPE, 12 VPE). The model column is one convolver's lane "
                    "datapath (models::lane_datapath with Tn = 1: k^2 products, their sum, the "
                    "accumulator). Simulated power: the PE array's dynamic power, and the whole "
                    "chip's (every component's dynamic energy plus static power) over the conv "
                    "layers; the paper's per-array power is neither exactly, so the diff is against "
                    "the whole chip and is indicative only.");
  return t;
}

// GSNQ's claim: the shift-based convolution uses no DSP slices.
Table gsnq_table(const Exp1Input& in) {
  Table t;
  t.name = "gsnq_pe_array";
  t.title = "GSNQ's hardware claim: the shift-based convolution array uses no DSPs (synthesis counting)";
  t.header = {"design", "array", "PE array DSP", "PE array LUT", "PE array FF", "whole design DSP",
              "whole design LUT", "whole design FF", "source"};
  for (const auto& [d, r] : {std::pair{&in.pub->vpe, in.vpe}, std::pair{&in.pub->svpe, in.svpe}}) {
    models::Resources pe, total;
    std::string src;
    if (r->resources && r->resources->has_pe_array && r->resources->dsp_counting == "synthesis") {
      pe = r->resources->pe_array;
      total = r->resources->total;
      src = "run report";
    } else {
      const ModelCost c = model_cost(d->arch, {}, models::DspCounting::synthesis);
      pe = c.pe_array;
      total = c.total;
      src = "resource model in process";
    }
    char shape[64];
    std::snprintf(shape, sizeof shape, "%s (%u, %u, %u)", r->kind.c_str(), r->lanes, r->vector, r->kernel);
    t.rows.push_back({text_cell(d->key), text_cell(shape), num_cell(pe.dsp, 0), num_cell(pe.lut, 0),
                      num_cell(pe.ff, 0), num_cell(total.dsp, 0), num_cell(total.lut, 0),
                      num_cell(total.ff, 0), text_cell(src)});
  }
  t.notes.push_back("The SVPE array's products are shifts and sign selects in LUTs, so its PE array "
                    "maps to no DSP48E2; the whole SVPE design still has the pooling unit's DSPs "
                    "(one per lane, for average pooling's division; docs/RESOURCES.md open question 2).");
  return t;
}

}  // namespace

std::vector<Table> exp1_tables(const Exp1Input& in) {
  return {layer_table(in), summary_table(in), resource_table(in), table_vii(in), gsnq_table(in)};
}

}  // namespace shiftsim::sim
