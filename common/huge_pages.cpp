#include "common/huge_pages.h"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <thread>

namespace shiftsim {

void advise_huge_pages(void* p, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end <= begin) return;
  // Advice only: a kernel without transparent huge pages answers EINVAL and small pages remain.
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void populate_pages(void* p, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  constexpr std::uintptr_t kPage = 4096;
  constexpr std::size_t kTwoThreads = std::size_t(32) << 20;
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kPage - 1);
  if (end <= begin) return;
  auto populate = [](std::uintptr_t from, std::uintptr_t to) {
    if (to > from) (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
  };
  if (end - begin < kTwoThreads || std::thread::hardware_concurrency() < 2) {
    populate(begin, end);
    return;
  }
  const std::uintptr_t mid = (begin + (end - begin) / 2) & ~(kPage - 1);
  std::thread other(populate, begin, mid);
  populate(mid, end);
  other.join();
#else
  (void)p;
  (void)bytes;
#endif
}

void keep_freed_blocks_in_heap() {
  // 32 MiB is the largest threshold glibc accepts on 64-bit; the trim threshold lets the heap
  // keep that much free memory at its top.
  constexpr int kBlock = 32 << 20;
  (void)mallopt(M_MMAP_THRESHOLD, kBlock);
  (void)mallopt(M_TRIM_THRESHOLD, 4 * kBlock);
  // Larger blocks from the heap too, and kept there when freed: a run's 151 MB buffer of
  // generated floats is freed before the 122 MB DRAM image is allocated, which then reuses its
  // pages instead of faulting in fresh ones (the first touch of a page costs more than the
  // work done on it here).
  (void)mallopt(M_MMAP_MAX, 0);
  (void)mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace shiftsim
