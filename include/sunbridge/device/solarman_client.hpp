// SPDX-License-Identifier: Apache-2.0
// The inverter's Modbus through a Solarman Wi-Fi stick logger (docs/solarman.md): each RTU
// request goes out in a Solarman V5 frame over one TCP connection, one request in flight, at
// least `frame_gap` between frames (the loggers drop requests that come faster). Replies are
// matched by our sequence byte and the logger's serial; heartbeats, replies to earlier requests
// and the loggers' text in between are skipped. A reply lost with the connection is never
// assumed: the read fails (the link retries it), the write fails (the settings writer reads back,
// nothing here re-sends it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/log.hpp"
#include "sunbridge/protocol/solarman_v5.hpp"
#include "sunbridge/transport/endpoint.hpp"
#include "sunbridge/transport/modbus_client.hpp"
#include "sunbridge/transport/tcp_stream.hpp"

namespace sb::device {

struct SolarmanStats {
  std::uint64_t requests = 0;
  std::uint64_t heartbeats = 0;     // unsolicited frames skipped
  std::uint64_t stale_replies = 0;  // replies to another sequence or serial, skipped
  std::uint64_t skipped_bytes = 0;  // text and damaged frames between frames
  std::uint64_t connects = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t discoveries = 0;         // times the LAN was asked where the logger is
  std::uint64_t silent_connections = 0;  // closed for timeouts without a single reply
  std::uint64_t foreign_replies = 0;     // our sequence number on another client's answer
};

// The loggers that answer the discovery question sent to `address`:`port` (a broadcast address
// reaches the LAN) within `window`; answers that are not a logger's are left out.
Result<std::vector<protocol::v5::DiscoveryReply>> discover_loggers(
    const std::string& address, int port, std::chrono::milliseconds window);

class SolarmanClient final : public transport::ModbusClient {
 public:
  // `log` (may be null) hears when the logger is found at a new address.
  SolarmanClient(transport::SolarmanEndpoint endpoint, int slave, transport::Timing timing,
                 Logger* log = nullptr,
                 std::chrono::milliseconds frame_gap = std::chrono::milliseconds(100));

  Status open() override;
  void close() override;
  [[nodiscard]] bool is_open() const override { return stream_.is_open(); }
  void set_slave(int slave) override { slave_ = slave; }

  Result<std::vector<std::uint16_t>> read_holding(std::uint16_t address,
                                                  std::uint16_t count) override;
  Status write_single(std::uint16_t address, std::uint16_t value) override;
  Status write_multiple(std::uint16_t address, std::span<const std::uint16_t> values) override;
  [[nodiscard]] std::string describe() const override;

  [[nodiscard]] const SolarmanStats& stats() const { return stats_; }
  [[nodiscard]] const std::string& host() const { return endpoint_.host; }
  // The serial in the last reply: with serial 0 configured, the logger's real one.
  [[nodiscard]] std::optional<std::uint32_t> reply_serial() const { return reply_serial_; }

 private:
  // Asks the LAN for the logger by its serial (UDP, no root); its address when it answered.
  std::optional<std::string> rediscover();
  // One RTU request out, its RTU reply back: the first reply with our sequence number and serial
  // that `fits` the request.
  using Fits = std::function<bool(std::span<const std::uint8_t>)>;
  Result<std::vector<std::uint8_t>> transact(const std::vector<std::uint8_t>& rtu,
                                             const Fits& fits);
  void keep_frame_gap();

  transport::SolarmanEndpoint endpoint_;
  int slave_;
  transport::Timing timing_;
  Logger* log_;
  std::chrono::milliseconds frame_gap_;
  std::optional<std::chrono::steady_clock::time_point> last_discovery_;
  transport::TcpStream stream_;
  protocol::v5::StreamParser parser_;
  std::uint8_t seq_ = 0;
  int timeouts_in_a_row_ = 0;
  std::optional<std::uint32_t> reply_serial_;
  bool answered_on_connection_ = false;
  int silent_in_a_row_ = 0;  // connections closed for timeouts without a reply, in a row
  std::optional<std::chrono::steady_clock::time_point> quiet_until_;
  [[nodiscard]] std::string mute_text() const;
  std::optional<std::chrono::steady_clock::time_point> last_frame_;
  SolarmanStats stats_;
};

}  // namespace sb::device
