#include "study/differential_report.h"

#include <cstdio>

namespace shiftsim::sim {

namespace {
// Single quotes when the shell would otherwise split or expand the word.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                       "0123456789_./=:,+-@%") == std::string::npos;
  if (plain) return s;
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

std::string command(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& w : words) line += (line.empty() ? "" : " ") + shell_word(w);
  return line;
}

const char* verdict_word(CaseVerdict::Kind k) {
  switch (k) {
    case CaseVerdict::Kind::agree: return "agree";
    case CaseVerdict::Kind::differ: return "DIFFER";
    case CaseVerdict::Kind::failed: return "FAILED";
  }
  return "?";
}
}  // namespace

void DiffTally::add(const DiffCase& c, const CaseVerdict& v) {
  ++cases;
  switch (v.kind) {
    case CaseVerdict::Kind::agree:
      ++agree;
      cycles += v.cycles;
      break;
    case CaseVerdict::Kind::differ: ++differ; break;
    case CaseVerdict::Kind::failed: ++failed; break;
  }
  if (v.kind != CaseVerdict::Kind::agree) failing_seeds.push_back(c.seed);
  if (c.kinds.empty()) return;  // the case was never drawn
  for (quant::LayerType t : c.kinds) ++layers_of_kind.at(size_t(t));
  ++(c.array == models::ArrayKind::svpe ? svpe : vpe);
  ++(c.overflow == models::OverflowPolicy::saturate ? saturate : wrap);
  ++(c.act_bits <= 8 ? act8 : act16);
  tiles += c.work.tiles;
  steps += c.work.steps;
  multi_tile_passes += c.work.multi_tile_passes;
  multi_step_tiles += c.work.multi_step_tiles;
  row_tiled_passes += c.work.row_tiled_passes;
  column_tiled_passes += c.work.column_tiled_passes;
}

std::string case_line(const DiffCase& c, const CaseVerdict& v) {
  std::string line = "seed " + std::to_string(c.seed) + ": " + verdict_word(v.kind);
  if (v.kind == CaseVerdict::Kind::agree)
    line += ", " + std::to_string(v.cycles) + " cycles, " + std::to_string(c.work.tiles) + " tiles, " +
            std::to_string(c.work.steps) + " steps";
  else
    line += ", " + std::to_string(v.findings.size()) + (v.findings.size() == 1 ? " finding" : " findings");
  return line + " | " + (c.description.empty() ? std::string("(not drawn)") : c.description);
}

std::vector<std::string> replay_commands(const DiffCase& c, const std::string& net_path,
                                         const std::string& dir, const ReplayContext& ctx) {
  std::vector<std::string> lines;
  const std::string stem = dir + "/case-" + std::to_string(c.seed);
  if (!c.net_json.empty())
    for (const char* mode : {"fast", "cycle"}) {
      std::vector<std::string> w = {ctx.shiftsim, "run", "--arch", c.base_arch, "--net", net_path,
                                    "--seed", std::to_string(c.seed), "--allow-over-budget"};
      for (const auto& s : c.sets) {
        w.push_back("--set");
        w.push_back(s);
      }
      for (const char* extra : {"--mode", mode, "--report"}) w.push_back(extra);
      w.push_back(stem + "." + mode + ".json");
      lines.push_back(command(w));
    }
  std::vector<std::string> w = {ctx.shiftsim, "difftest", "--cases", "1", "--seed", std::to_string(c.seed),
                                "--max-cycles", std::to_string(ctx.max_cycles), "--root", ctx.root};
  if (ctx.inject_difference) w.push_back("--inject-difference");
  lines.push_back(command(w));
  return lines;
}

std::string failure_report(const DiffCase& c, const CaseVerdict& v, const std::vector<std::string>& replay) {
  std::string text = case_line(c, v) + "\n";
  for (const auto& f : v.findings) text += "  " + f + "\n";
  text += "  replay (each mode alone, then the case through difftest):\n";
  for (const auto& r : replay) text += "    " + r + "\n";
  return text;
}

void print_summary(std::ostream& out, const DiffTally& t, const RunSummary& s) {
  out << "difftest: " << t.cases << " cases (seeds " << s.first_seed << ".." << s.first_seed + s.cases - 1
      << "), " << s.jobs << " at a time, budget " << s.max_cycles << " cycles: " << t.agree << " agree, "
      << t.differ << " differ, " << t.failed << " failed\n";
  if (s.stopped_after != 0)
    out << "  stopped after " << s.stopped_after << " cases differed or failed (--max-failures)\n";
  out << "  draws refused and redrawn: " << t.rejected.buffer + t.rejected.budget << " (" << t.rejected.buffer
      << " with a buffer below a pass's smallest tile, " << t.rejected.budget << " over the cycle budget)\n";
  out << "  layers:";
  for (size_t k = 0; k < t.layers_of_kind.size(); ++k)
    out << (k ? ", " : " ") << quant::to_string(quant::LayerType(k)) << " " << t.layers_of_kind[k];
  out << "\n  machines: svpe " << t.svpe << ", vpe " << t.vpe << "; overflow saturate " << t.saturate
      << ", wrap " << t.wrap << "; activations 8-bit " << t.act8 << ", 16-bit " << t.act16 << "\n";
  out << "  " << t.tiles << " tiles (" << t.multi_tile_passes << " passes of several; " << t.row_tiled_passes
      << " passes in tiles of rows, " << t.column_tiled_passes << " in tiles of part of a row), " << t.steps
      << " steps (" << t.multi_step_tiles << " tiles of several); " << t.cycles << " cycles in each mode\n";
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.1f", s.wall_s);
  out << "  wall time " << wall << " s\n";
  if (!s.kept_dir.empty())
    out << "  failing cases (networks, findings, cycle-mode output) are in " << s.kept_dir << "\n";
}

}  // namespace shiftsim::sim
