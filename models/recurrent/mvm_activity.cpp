#include "models/recurrent/mvm_activity.h"

#include "models/recurrent/register_file.h"

namespace shiftsim::models {

void count_tile_fill(const ActivityCounter& count, const RecurrentHeader& h, const WeightLayout& W,
                     const ArchSpec& arch, uint32_t mt, ComponentActions& a) {
  for (uint32_t nt = 0; nt < W.n_tiles(); ++nt) {
    const BlockSize b = block_size(h, W, arch, mt, nt);
    count.weight_fill(b.mc, b.nc, arch.pe_array.kernel, a);
  }
}

void count_mvm_issue(const ActivityCounter& count, bool recurrent, const BlockSize& b, bool last_chunk,
                     ComponentActions& a) {
  count.conv_issues(1.0, b.mc, b.nc, a);
  count.weight_preload(b.mc, b.nc, a);
  if (last_chunk) count_rf_sums(count, recurrent, b.mc, a);
}

}  // namespace shiftsim::models
