#include "quant/embedded_network.h"

#include <nlohmann/json.hpp>

#include "common/json_text.h"
#include "quant/network_json_write.h"

namespace shiftsim::quant {

namespace {
constexpr uint64_t kMaxJson = uint64_t(1) << 26;  // a bound for a damaged length field
}

void write_embedded_network(ByteWriter& w, const Network& net) { w.str(network_to_json(net).dump()); }

Network read_embedded_network(ByteReader& r) {
  const std::string where = r.file() + " (embedded network)";
  return parse_network(parse_json_text(r.str(kMaxJson), where), where);
}

}  // namespace shiftsim::quant
