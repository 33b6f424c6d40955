#include "study/differential_cases.h"

#include <algorithm>
#include <stdexcept>

#include "common/input_error.h"
#include "models/control/layer_plan.h"
#include "sim/arch_config.h"
#include "sim/layer_passes.h"
#include "study/differential_machine_gen.h"
#include "study/differential_net_gen.h"

namespace shiftsim::sim {

namespace {
// Enough for any budget that admits the smallest networks; a budget below that would
// otherwise draw forever.
constexpr int kMaxDraws = 1000;

ArchConfig load_or_bug(const std::string& base, const std::vector<std::string>& sets) {
  try {
    return load_arch(base, sets);
  } catch (const InputError& e) {
    throw std::logic_error("the difftest generator drew a machine the arch loader refuses: " +
                           std::string(e.what()));
  }
}

struct BufferChoice {
  const char* key;
  uint32_t models::BufferSpec::*member;
};
const BufferChoice kBuffers[] = {{"buffers.input_kib", &models::BufferSpec::input_kib},
                                 {"buffers.weight_kib", &models::BufferSpec::weight_kib},
                                 {"buffers.output_kib", &models::BufferSpec::output_kib}};

// Each buffer from one KiB below the least that holds the smallest tile (there the mapper
// refuses the case: such draws are counted and redrawn, so the refusal is met now and then) to
// the least that holds a whole layer (above it the size changes nothing), octaves equally
// likely, so that most cases have several tiles.
std::string draw_buffers(CaseRng& rng, const std::vector<models::Descriptor>& passes,
                         models::ArchSpec& arch, std::vector<std::string>& sets) {
  std::string text = "buf";
  for (const BufferChoice& b : kBuffers) {
    const BufferBounds bounds = buffer_bounds(passes, arch, b.member);
    const uint32_t lo = std::max<uint32_t>(1, bounds.smallest_tile_kib - 1);
    const uint32_t hi = std::max(bounds.smallest_tile_kib, bounds.whole_layer_kib);
    const uint32_t kib = uint32_t(rng.log_uniform(int(lo), int(hi)));
    arch.buffers.*b.member = kib;
    sets.push_back(std::string(b.key) + "=" + std::to_string(kib));
    text += " " + std::to_string(kib);
  }
  return text + " KiB";
}
}  // namespace

DiffCase draw_case(uint64_t seed, const CaseRanges& ranges, const std::string& arch_dir,
                   Rejections& rejected) {
  CaseRng rng(seed);
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    DrawnMachine m = draw_machine(rng, ranges);
    const DrawnNetwork n = draw_network(rng, ranges, "difftest-" + std::to_string(seed));
    const std::string base = arch_dir + "/" + m.base_file;
    ArchConfig cfg = load_or_bug(base, m.sets);
    std::vector<models::Descriptor> passes = network_pass_shapes(n.net, cfg.arch.pe_array.kernel);
    // The output entries' guard bits, as the run will size them (sim/layer_passes.h).
    cfg.arch.numerics.acc_guard_bits = models::network_guard_bits(passes, cfg.arch);
    const std::string buffers = draw_buffers(rng, passes, cfg.arch, m.sets);
    if (!choose_all_tiles(passes, cfg.arch)) {
      ++rejected.buffer;
      continue;
    }
    const WorkEstimate work = estimate_work(passes, cfg.arch);
    if (work.cycles > ranges.max_cycles) {
      ++rejected.budget;
      continue;
    }
    load_or_bug(base, m.sets);  // the buffer overrides too, as the run will read them
    DiffCase c;
    c.seed = seed;
    c.base_arch = base;
    c.sets = m.sets;
    c.net_json = n.text;
    c.description = m.description + " | " + buffers + " || " + n.description;
    for (const quant::Layer& l : n.net.layers) c.kinds.push_back(l.type);
    c.array = m.array;
    c.overflow = cfg.arch.numerics.overflow;
    c.act_bits = cfg.arch.numerics.act_bits;
    c.work = work;
    return c;
  }
  throw InputError("difftest: seed " + std::to_string(seed) + ": no case within --max-cycles " +
                   std::to_string(ranges.max_cycles) + " in " + std::to_string(kMaxDraws) +
                   " draws (raise --max-cycles)");
}

}  // namespace shiftsim::sim
