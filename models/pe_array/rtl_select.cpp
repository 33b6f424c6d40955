#include "models/pe_array/rtl_select.h"

#include <stdexcept>

#include "models/pe_array/rtl_compute_unit.h"

namespace shiftsim::models {

namespace {
// Everything a Verilated model fixes: the shape, the widths it holds, the pipeline it was
// written for (rtl/cu_top.v: product stages of the kind, read latencies of 1). Its SVPE decode
// has no per-sign exponent offset (GSNQ's two windows), so a machine built with one is refused.
bool fits(const RtlShape& s, const ArchSpec& a) {
  const PeArraySpec& pe = a.pe_array;
  const NumericsSpec& n = a.numerics;
  const bool weights = pe.kind == ArrayKind::svpe ? n.weight_bits == s.weight_bits : n.weight_bits <= s.weight_bits;
  return pe.kind == s.kind && pe.lanes == s.lanes && pe.vector == s.vector && pe.kernel == s.kernel &&
         pe.product_stages == s.product_stages && n.act_bits <= s.act_bits && weights &&
         n.acc_bits + n.acc_guard_bits <= s.acc_bits && n.sign_offset_max == 0 && a.buffers.input_read_latency == 1 &&
         a.buffers.weight_read_latency == 1 && a.buffers.output_read_latency == 1;
}

std::string describe(const RtlShape& s) {
  return s.name() + " with product_stages " + std::to_string(s.product_stages) + ", act_bits <= " +
         std::to_string(s.act_bits) + ", weight_bits " + (s.kind == ArrayKind::svpe ? "" : "<= ") +
         std::to_string(s.weight_bits) + ", acc_bits + guard bits <= " + std::to_string(s.acc_bits);
}
}  // namespace

const RtlShapeEntry* find_rtl_shape(const ArchSpec& arch) {
  for (const RtlShapeEntry& e : rtl_shapes())
    if (fits(e.shape, arch)) return &e;
  return nullptr;
}

std::string rtl_refusal(const ArchSpec& arch) {
  if (find_rtl_shape(arch)) return "";
  const PeArraySpec& pe = arch.pe_array;
  RtlShape want;
  want.kind = pe.kind;
  want.lanes = pe.lanes;
  want.vector = pe.vector;
  want.kernel = pe.kernel;
  std::string msg = "no verilated compute unit for " + want.name() + " with product_stages " +
                    std::to_string(pe.product_stages) + ", act_bits " + std::to_string(arch.numerics.act_bits) +
                    ", weight_bits " + std::to_string(arch.numerics.weight_bits) + ", acc_bits + guard bits " +
                    std::to_string(arch.numerics.acc_bits + arch.numerics.acc_guard_bits) +
                    " and buffer read latencies " + std::to_string(arch.buffers.input_read_latency) + "/" +
                    std::to_string(arch.buffers.weight_read_latency) + "/" +
                    std::to_string(arch.buffers.output_read_latency) +
                    (arch.numerics.sign_offset_max ? ", sign offsets up to " + std::to_string(arch.numerics.sign_offset_max) : "") +
                    "; this build verilated: ";
  if (rtl_shapes().empty()) return msg + "none (built without Verilator)";
  for (size_t i = 0; i < rtl_shapes().size(); ++i)
    msg += (i ? "; " : "") + describe(rtl_shapes()[i].shape);
  return msg + " (all with buffer read latencies 1 and no sign offsets)";
}

std::unique_ptr<ComputeUnitPorts> make_compute_unit(const char* name, UnitEnv& env) {
  if (env.arch.pe_array.impl == ComputeImpl::native) return std::make_unique<ComputeUnit>(name, env);
  const RtlShapeEntry* shape = find_rtl_shape(env.arch);
  if (!shape) throw std::invalid_argument("pe_array.impl rtl: " + rtl_refusal(env.arch));
  return std::make_unique<RtlComputeUnit>(name, env, *shape);
}

}  // namespace shiftsim::models
