#include "models/pe_array/array_kind.h"

#include "models/pe_array/svpe_kind.h"
#include "models/pe_array/vpe_kind.h"

namespace shiftsim::models {

const ArrayKindModel& array_kind_model(ArrayKind kind) {
  return kind == ArrayKind::svpe ? svpe_kind() : vpe_kind();
}

const std::vector<const ArrayKindModel*>& array_kind_models() {
  static const std::vector<const ArrayKindModel*> all = {&svpe_kind(), &vpe_kind()};
  return all;
}

const ArrayKindModel* find_array_kind(const std::string& name) {
  for (const ArrayKindModel* k : array_kind_models())
    if (name == k->name()) return k;
  return nullptr;
}

std::unique_ptr<PeArray> make_pe_array(const ArchSpec& arch) { return array_kind_model(arch).make_datapath(arch); }

}  // namespace shiftsim::models
