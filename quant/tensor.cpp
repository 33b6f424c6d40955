#include "quant/tensor.h"

namespace shiftsim::quant {

std::string Shape::str() const {
  return std::to_string(c) + "x" + std::to_string(h) + "x" + std::to_string(w);
}

}  // namespace shiftsim::quant
