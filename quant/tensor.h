#pragma once
// A batch-1 tensor in CHW order; fully connected layers see a C x 1 x 1 view.
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::quant {

struct Shape {
  int c = 0, h = 0, w = 0;
  int64_t elements() const { return int64_t(c) * h * w; }
  bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "3x32x32"
};

template <class T>
struct Tensor {
  Shape shape;
  std::vector<T> data;  // shape.elements() values, CHW
  Tensor() = default;
  explicit Tensor(Shape s, T fill = T()) : shape(s), data(size_t(s.elements()), fill) {}
  T& at(int c, int y, int x) { return data[(size_t(c) * shape.h + y) * shape.w + x]; }
  const T& at(int c, int y, int x) const { return data[(size_t(c) * shape.h + y) * shape.w + x]; }
};

}  // namespace shiftsim::quant
