// Large tensors (AlexNet's 61 M weights, in float, as integers and encoded in the DRAM image)
// are written once, right after they are allocated. With 4 KiB pages the page faults of that
// first touch cost more than the work itself (about 40% of a whole `run` here). Asking for
// transparent huge pages on the fresh allocation cuts the faults 512-fold where the kernel
// allows it (THP "madvise" or "always"); elsewhere the advice is ignored and nothing changes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace shiftsim {

// Advises the 2 MiB-aligned part of [p, p + bytes); too small a range is left alone.
void advise_huge_pages(void* p, std::size_t bytes);
// Faults in [p, p + bytes) ahead of its first write, half on another thread when the range is
// large (32 MiB or more) and the machine has a second core: the kernel's zeroing of fresh pages
// is the dearest part of writing them here (AlexNet's 122 MB of int16 weights and its 151 MB
// buffer of generated floats, in a whole run). Advice only: a kernel without MADV_POPULATE_WRITE leaves the faults to
// the first write.
void populate_pages(void* p, std::size_t bytes);

// Keeps blocks of up to 32 MiB in the process's heap when they are freed. `fit` and the sweep
// model engine time hundreds of thousands of passes, each allocating and freeing step tables
// of a few MiB; glibc would return blocks that large to the kernel and the next pass would pay
// their page faults again (13% of a fit here). Larger blocks (a network's weights) are still
// mapped on their own and returned when freed.
void keep_freed_blocks_in_heap();

// v.resize(n), with any new storage advised before it is first touched. Growth is geometric,
// as std::vector's own, so repeated calls stay linear.
template <class T>
void resize_on_huge_pages(std::vector<T>& v, std::size_t n) {
  static_assert(std::is_trivially_copyable_v<T>, "the old elements are copied as bytes would be");
  if (n > v.capacity()) {
    std::vector<T> grown;
    grown.reserve(std::max(n, 2 * v.capacity()));
    advise_huge_pages(grown.data(), grown.capacity() * sizeof(T));
    populate_pages(grown.data(), n * sizeof(T));
    grown.insert(grown.end(), v.begin(), v.end());
    v.swap(grown);
  }
  v.resize(n);
}

}  // namespace shiftsim
