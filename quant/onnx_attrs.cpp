#include "quant/onnx_attrs.h"

#include <algorithm>
#include <sstream>

namespace shiftsim::quant::onnx_import {

namespace {

using AT = onnx::AttributeProto;

// The attribute's value as written in the model, for messages.
std::string value_str(const AT& a) {
  std::ostringstream s;
  if (a.ints_size() > 0) {
    s << dims_str(Dims(a.ints().begin(), a.ints().end()));
  } else if (a.floats_size() > 0) {
    s << "[";
    for (int k = 0; k < a.floats_size(); ++k) s << (k ? ", " : "") << a.floats(k);
    s << "]";
  } else if (a.strings_size() > 0) {
    s << "[";
    for (int k = 0; k < a.strings_size(); ++k) s << (k ? ", " : "") << a.strings(k);
    s << "]";
  } else if (a.has_s()) {
    s << a.s();
  } else if (a.has_f()) {
    s << a.f();
  } else if (a.has_i()) {
    s << a.i();
  } else {
    s << "(" << AT::AttributeType_Name(a.type()) << ")";
  }
  return s.str();
}

// Old models may leave AttributeProto.type unset (UNDEFINED); the filled field tells then.
bool type_matches(const AT& a, AT::AttributeType t) {
  if (a.type() == t) return true;
  if (a.type() != AT::UNDEFINED) return false;
  switch (t) {
    case AT::INT: return a.has_i();
    case AT::FLOAT: return a.has_f();
    case AT::STRING: return a.has_s();
    case AT::TENSOR: return a.has_t();
    case AT::INTS: return a.ints_size() > 0;
    case AT::FLOATS: return a.floats_size() > 0;
    case AT::STRINGS: return a.strings_size() > 0;
    default: return false;
  }
}

}  // namespace

Attrs::Attrs(const Node& n, std::initializer_list<const char*> known) : n_(n) {
  for (const AT& a : n.p.attribute()) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return a.name() == k; }))
      n.fail("attribute " + a.name() + " = " + value_str(a) + " is not one shiftsim reads for " +
             n.op() + " (it could change the result)");
  }
}

const AT* Attrs::find(const char* name, AT::AttributeType t) const {
  for (const AT& a : n_.p.attribute())
    if (a.name() == name) {
      if (!type_matches(a, t))
        fail(name, "expected a value of type " + AT::AttributeType_Name(t));
      return &a;
    }
  return nullptr;
}

std::vector<std::string> Attrs::strings(const char* name) const {
  const AT* a = find(name, AT::STRINGS);
  if (!a) return {};
  return {a->strings().begin(), a->strings().end()};
}

bool Attrs::has(const char* name) const {
  for (const AT& a : n_.p.attribute())
    if (a.name() == name) return true;
  return false;
}

void Attrs::fail(const char* name, const std::string& problem) const {
  for (const AT& a : n_.p.attribute())
    if (a.name() == name) n_.fail("attribute " + a.name() + " = " + value_str(a) + ": " + problem);
  n_.fail(std::string("attribute ") + name + " (absent): " + problem);
}

int64_t Attrs::i(const char* name, int64_t def) const {
  const AT* a = find(name, AT::INT);
  return a ? a->i() : def;
}

double Attrs::f(const char* name, double def) const {
  const AT* a = find(name, AT::FLOAT);
  return a ? double(a->f()) : def;
}

std::string Attrs::s(const char* name, const std::string& def) const {
  const AT* a = find(name, AT::STRING);
  return a ? a->s() : def;
}

Dims Attrs::ints(const char* name, const Dims& def) const {
  const AT* a = find(name, AT::INTS);
  return a ? Dims(a->ints().begin(), a->ints().end()) : def;
}

std::vector<double> Attrs::floats(const char* name) const {
  const AT* a = find(name, AT::FLOATS);
  return a ? std::vector<double>(a->floats().begin(), a->floats().end()) : std::vector<double>{};
}

const onnx::TensorProto* Attrs::tensor(const char* name) const {
  const AT* a = find(name, AT::TENSOR);
  return a ? &a->t() : nullptr;
}

Window resolve_window(const Node& n, const Attrs& a, const Dims& chw, int64_t kh, int64_t kw,
                      bool pool) {
  if (chw.size() != 3)
    n.fail("input is " + dims_str(chw) + " per sample: the IR's " + (pool ? "pools" : "convolutions") +
           " are 2-D, over [N, C, H, W]");
  if (a.has("kernel_shape") && a.ints("kernel_shape", {}) != Dims{kh, kw})
    a.fail("kernel_shape", pool ? "expected two sizes [kH, kW]"
                                : "does not match the weights' " + dims_str({kh, kw}));
  if (kh != kw || kh < 1)
    a.fail("kernel_shape", "the IR has square kernels only (" + std::to_string(kh) + "x" +
                               std::to_string(kw) + ")");
  const Dims strides = a.ints("strides", {1, 1});
  if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1)
    a.fail("strides", "expected two strides >= 1");
  if (strides[0] != strides[1]) a.fail("strides", "the IR has one stride for both axes");
  const Dims dil = a.ints("dilations", {1, 1});
  if (dil.size() != 2 || dil[0] != 1 || dil[1] != 1)
    a.fail("dilations", "the IR has no dilated windows (only 1)");

  const int64_t k = kh, s = strides[0];
  const std::string mode = a.s("auto_pad", "NOTSET");
  Dims pads{0, 0, 0, 0};  // ONNX order: H begin, W begin, H end, W end
  if (mode == "NOTSET") {
    pads = a.ints("pads", pads);
    if (pads.size() != 4 || *std::min_element(pads.begin(), pads.end()) < 0)
      a.fail("pads", "expected four paddings >= 0 [top, left, bottom, right]");
  } else if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
    // Output ceil(in / s); the total padding that needs, the odd pixel at the end (UPPER) or
    // at the beginning (LOWER).
    for (int axis = 0; axis < 2; ++axis) {
      const int64_t in = chw[size_t(1 + axis)], out = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + k - in);
      const int64_t small = total / 2, big = total - small;
      pads[size_t(axis)] = mode == "SAME_UPPER" ? small : big;
      pads[size_t(axis + 2)] = mode == "SAME_UPPER" ? big : small;
    }
  } else if (mode != "VALID") {
    a.fail("auto_pad", "expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
  }
  if (std::count(pads.begin(), pads.end(), pads[0]) != 4)
    a.fail(mode == "NOTSET" ? "pads" : "auto_pad",
           (mode == "NOTSET" ? "" : "on this " + dims_str(chw) + " input it pads " + dims_str(pads) +
                                        ": ") +
               "the IR pads all four sides equally");
  const int64_t p = pads[0];
  if (pool && p >= k)
    a.fail(mode == "NOTSET" ? "pads" : "auto_pad", "padding must be smaller than the kernel");
  if (k > (int64_t(1) << 20) || s > (int64_t(1) << 20) || p > (int64_t(1) << 20))
    n.fail("kernel, stride or padding beyond 2^20");

  if (pool && a.i("ceil_mode", 0) != 0) {
    // The IR rounds the output size down; ceil_mode only imports when rounding up gives the same.
    for (int axis = 0; axis < 2; ++axis) {
      const int64_t span = chw[size_t(1 + axis)] + 2 * p - k;
      if (span >= 0 && span % s != 0)
        a.fail("ceil_mode", "rounding up gives a larger output than the IR's floor rounding "
                            "on this " + dims_str(chw) + " input");
    }
  }
  return {int(k), int(s), int(p)};
}

}  // namespace shiftsim::quant::onnx_import
