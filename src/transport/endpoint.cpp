// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/transport/endpoint.hpp"

#include <charconv>

namespace sb::transport {

namespace {

bool parse_port(std::string_view text, int& port) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && ptr == text.data() + text.size() && port >= 1 && port <= 65535;
}

}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text, int default_port) {
  HostPort out{"", default_port};
  if (!text.empty() && text.front() == '[') {  // [IPv6] or [IPv6]:port
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view after = text.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || !parse_port(after.substr(1), out.port))) {
      return std::nullopt;
    }
    text = text.substr(1, close - 1);
  } else if (const auto colon = text.rfind(':');
             colon != std::string_view::npos && text.find(':') == colon) {
    if (!parse_port(text.substr(colon + 1), out.port)) return std::nullopt;
    text = text.substr(0, colon);
  }  // more than one colon without brackets: a bare IPv6 address, no port
  if (text.empty()) return std::nullopt;
  out.host = std::string(text);
  return out;
}

namespace {

std::optional<SolarmanEndpoint> parse_solarman(std::string_view rest) {
  SolarmanEndpoint s;
  const auto query = rest.find('?');
  if (query == std::string_view::npos) return std::nullopt;  // the serial is required
  const std::string_view params = rest.substr(query + 1);
  std::string_view address = rest.substr(0, query);
  if (!address.empty() && address.back() == '/') address.remove_suffix(1);
  auto logger = parse_host_port(address, s.port);
  if (!logger) return std::nullopt;
  s.host = std::move(logger->host);
  s.port = logger->port;
  bool have_serial = false;
  for (std::string_view rest_params = params; !rest_params.empty();) {
    const auto amp = rest_params.find('&');
    const std::string_view param = rest_params.substr(0, amp);
    rest_params = amp == std::string_view::npos ? std::string_view{} : rest_params.substr(amp + 1);
    const auto eq = param.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = param.substr(0, eq), value = param.substr(eq + 1);
    if (key == "serial") {
      std::uint64_t serial = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), serial);
      if (ec != std::errc() || ptr != value.data() + value.size() || serial > 0xFFFFFFFFu) {
        return std::nullopt;
      }
      s.serial = static_cast<std::uint32_t>(serial);
      have_serial = true;
    } else if (key == "mute_backoff_s") {
      int seconds = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || ptr != value.data() + value.size() || seconds < 1 ||
          seconds > 3600) {
        return std::nullopt;
      }
      s.mute_backoff = std::chrono::seconds(seconds);
    } else if (key == "discover") {
      if (value == "off") {
        s.discovery = false;
        continue;
      }
      auto ask = parse_host_port(value, s.discovery_port);
      if (!ask) return std::nullopt;
      s.discovery_address = std::move(ask->host);
      s.discovery_port = ask->port;
    } else {
      return std::nullopt;  // an unknown parameter is a mistake, not something to ignore
    }
  }
  if (!have_serial) return std::nullopt;
  return s;
}

}  // namespace

std::optional<Endpoint> parse_endpoint(const std::string& device, const SerialLine& line_template) {
  Endpoint e;
  constexpr std::string_view kSolarman = "solarman://";
  if (device.rfind(kSolarman, 0) == 0) {
    auto s = parse_solarman(std::string_view(device).substr(kSolarman.size()));
    if (!s) return std::nullopt;
    e.solarman = std::move(*s);
    return e;
  }
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
