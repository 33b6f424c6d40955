#include "models/pe_array/pe_array.h"
#include "models/pe_array/svpe_array.h"
#include "models/pe_array/vpe_array.h"

namespace shiftsim::models {

std::unique_ptr<PeArray> make_pe_array(const ArchSpec& arch) {
  if (arch.pe_array.kind == ArrayKind::svpe) return std::make_unique<SvpeArray>(arch);
  return std::make_unique<VpeArray>(arch);
}

}  // namespace shiftsim::models
