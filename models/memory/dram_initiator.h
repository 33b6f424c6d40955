#pragma once
// Who sends a burst to the DRAM. Requests reaching the DRAM in the same cycle are served in
// this order (docs/ARCHITECTURE.md §4): the controller's descriptor fetch, then the load unit,
// then the store unit. Plain C++: fast mode orders its requests by it too.
#include <cstdint>

namespace shiftsim::models {

enum class DramInitiator : uint32_t { fetch = 0, load = 1, store = 2 };

}  // namespace shiftsim::models
