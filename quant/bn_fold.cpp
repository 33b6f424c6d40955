#include "quant/bn_fold.h"

#include <cmath>

#include "common/input_error.h"

namespace shiftsim::quant {

void fold_batch_norm(const Layer& l, FloatLayerParams& p, const BatchNorm& bn,
                     const std::string& where) {
  const std::string at = where + ": layer " + l.name + ": batch norm: ";
  if (l.type != LayerType::conv && l.type != LayerType::fc)
    throw InputError(at + "folds only into conv or fc, not " + to_string(l.type));
  const size_t m = size_t(l.out_channels);
  if (p.bias.size() != m || p.weights.size() != size_t(weight_count(l)))
    throw InputError(at + "the layer's weights or bias do not match its shape");
  const std::pair<const char*, const std::vector<float>*> fields[] = {
      {"gamma", &bn.gamma}, {"beta", &bn.beta}, {"mean", &bn.mean}, {"var", &bn.var}};
  for (const auto& [name, v] : fields) {
    if (v->size() != m)
      throw InputError(at + name + " has " + std::to_string(v->size()) + " values for " +
                       std::to_string(m) + " output channels");
    for (size_t i = 0; i < m; ++i)
      if (!std::isfinite((*v)[i]))
        throw InputError(at + name + "[" + std::to_string(i) + "] is not finite");
  }
  if (!(bn.eps >= 0) || !std::isfinite(bn.eps))
    throw InputError(at + "eps must be >= 0, found " + std::to_string(bn.eps));
  const size_t per = p.weights.size() / m;
  for (size_t c = 0; c < m; ++c) {
    const double v = double(bn.var[c]) + bn.eps;
    if (!(v > 0))
      throw InputError(at + "var[" + std::to_string(c) + "] + eps = " + std::to_string(v) +
                       " must be > 0");
    const double s = double(bn.gamma[c]) / std::sqrt(v);
    for (size_t k = c * per; k < (c + 1) * per; ++k) p.weights[k] = float(s * p.weights[k]);
    p.bias[c] = float(s * (double(p.bias[c]) - bn.mean[c]) + bn.beta[c]);
  }
}

}  // namespace shiftsim::quant
