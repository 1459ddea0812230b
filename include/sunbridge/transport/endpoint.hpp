// SPDX-License-Identifier: Apache-2.0
// Where a Modbus device is: a serial port (RS485 adapter, or a pseudo-terminal in tests) or a
// Modbus TCP gateway ("tcp://host:port").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::transport {

struct SerialLine {
  std::string device;  // "/dev/ttyUSB0"
  int baud = 9600;
  char parity = 'N';  // 'N', 'E', 'O'
  int data_bits = 8;
  int stop_bits = 1;

  // Bits on the wire per character: start + data + parity + stop (8N1 = 10).
  [[nodiscard]] int bits_per_char() const {
    return 1 + data_bits + (parity == 'N' ? 0 : 1) + stop_bits;
  }
};

struct TcpEndpoint {
  std::string host;
  int port = 502;
};

// A Solarman Wi-Fi stick logger (docs/solarman.md): Modbus RTU wrapped in Solarman V5 frames on
// its TCP port, addressed by the logger's serial number.
struct SolarmanEndpoint {
  std::string host;
  int port = 8899;
  std::uint32_t serial = 0;
  // Where to ask for the logger when its address stops answering (its DHCP lease changed):
  // "discover=ADDRESS[:PORT]" in the URL, "discover=off" to never ask.
  bool discovery = true;
  std::string discovery_address = "255.255.255.255";
  int discovery_port = 48899;
  // A logger that keeps accepting connections without answering is left alone this long after
  // its second silent connection, doubling each time up to 10 minutes ("mute_backoff_s=N").
  std::chrono::seconds mute_backoff{30};
};

struct Endpoint {
  std::optional<SerialLine> serial;
  std::optional<TcpEndpoint> tcp;
  std::optional<SolarmanEndpoint> solarman;
};

struct Timing {
  std::chrono::milliseconds response_timeout{1000};
  // Silence between two bytes of one reply that ends it early (libmodbus byte timeout).
  std::chrono::milliseconds byte_timeout{500};
};

struct HostPort {
  std::string host;
  int port = 0;
};
// "host", "host:port", "[IPv6]" or "[IPv6]:port" (a bare IPv6 address has no port): `default_port`
// when none is given. Nullopt for an empty host or a port outside 1-65535.
std::optional<HostPort> parse_host_port(std::string_view text, int default_port);

// "tcp://127.0.0.1:1502" -> Modbus TCP; "solarman://192.168.1.20:8899?serial=3528830226" (port
// 8899 when left out) -> a Solarman logger; anything else is a serial device path.
// Nullopt for a malformed tcp:// or solarman:// URL.
std::optional<Endpoint> parse_endpoint(const std::string& device, const SerialLine& line_template);

}  // namespace sb::transport
