// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/endpoint.hpp"

#include <charconv>

namespace sb::transport {

std::optional<Endpoint> parse_endpoint(const std::string& device, const SerialLine& line_template) {
  Endpoint e;
  constexpr std::string_view kTcp = "tcp://";
  if (device.rfind(kTcp, 0) == 0) {
    std::string rest = device.substr(kTcp.size());
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    int port = 0;
    auto [ptr, ec] = std::from_chars(rest.data() + colon + 1, rest.data() + rest.size(), port);
    if (ec != std::errc() || ptr != rest.data() + rest.size() || port < 1 || port > 65535) {
      return std::nullopt;
    }
    e.tcp = TcpEndpoint{rest.substr(0, colon), port};
    return e;
  }
  if (device.empty()) return std::nullopt;
  SerialLine line = line_template;
  line.device = device;
  e.serial = line;
  return e;
}

}  // namespace sb::transport
