#include "quant/embedded_network.h"

#include <nlohmann/json.hpp>

#include "quant/network_json_write.h"

namespace shiftsim::quant {

namespace {
constexpr uint64_t kMaxJson = uint64_t(1) << 26;  // a bound for a damaged length field
}

void write_embedded_network(ByteWriter& w, const Network& net) { w.str(network_to_json(net).dump()); }

Network read_embedded_network(ByteReader& r) {
  const nlohmann::json j = nlohmann::json::parse(r.str(kMaxJson), nullptr, false);
  if (j.is_discarded()) r.fail("the embedded network JSON does not parse");
  return parse_network(j, r.file() + " (embedded network)");
}

}  // namespace shiftsim::quant
