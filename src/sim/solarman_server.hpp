// SPDX-License-Identifier: Apache-2.0
// The simulated inverter behind a Solarman Wi-Fi stick logger: the same register image served in
// Solarman V5 frames on 127.0.0.1 (docs/solarman.md), with the loggers' quirks as options so
// the daemon's client is tested against them rather than against a kind logger.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "sim/register_image.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/result.hpp"
#include "sunbridge/protocol/solarman_v5.hpp"

namespace sb::sim {

struct SolarmanQuirks {
  // Time the logger takes to ask the inverter and answer (field reports: about 0.4 s).
  std::chrono::milliseconds latency{0};
  // An unsolicited heartbeat before every Nth reply (0: none), as loggers interleave them.
  int heartbeat_every = 0;
  bool double_crc = false;  // two 0x00 after the RTU frame's CRC
  // AT-command text before every Nth reply (0: none).
  int junk_every = 0;
  // Drop every connection this often (0: never), as loggers do when their Wi-Fi reconnects.
  std::chrono::seconds reset_every{0};
  bool mute = false;  // accept connections, answer nothing (the firmware or its cloud holds it)
  // A 2-byte "no answer from the inverter" stub instead of every Nth reply (0: never).
  int stub_every = 0;
  // Before every Nth reply, another client's answer carrying the same sequence number (a second
  // client numbering its requests like ours, its reply delivered on our connection) (0: never).
  int thief_every = 0;
};

struct SolarmanStats {
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t wrong_serial = 0;  // requests for another logger: not answered
  std::uint64_t connections = 0;
  std::uint64_t resets = 0;
};

class SolarmanServer {
 public:
  // Listens on `address` (a loopback address: 127.0.0.1, 127.0.0.2, ...) and `port`; answers
  // discovery datagrams on 127.0.0.1:`discovery_port` when it is not 0.
  SolarmanServer(EventLoop& loop, RegisterImage& image, std::string address, int port,
                 std::uint32_t serial, SolarmanQuirks quirks, int discovery_port = 0);
  ~SolarmanServer();
  SolarmanServer(const SolarmanServer&) = delete;
  SolarmanServer& operator=(const SolarmanServer&) = delete;

  Status start();
  // Closes every connection now (control command "solarman-reset").
  void reset_connections();
  // The logger's DHCP lease changed: it listens at `address` from now on (control command
  // "solarman-move"); discovery answers with the new address.
  Status move_to(const std::string& address);
  [[nodiscard]] const std::string& address() const { return address_; }
  SolarmanQuirks& quirks() { return quirks_; }
  [[nodiscard]] const SolarmanStats& stats() const { return stats_; }
  [[nodiscard]] int port() const { return port_; }

 private:
  struct Client {
    int fd = -1;
    protocol::v5::StreamParser parser;
  };
  // Connections by id (not fd: a delayed reply must not reach a later connection that reused
  // the descriptor).
  Status listen();
  void on_discovery();
  void on_accept();
  void on_readable(std::uint64_t id);
  void answer(std::uint64_t id, const protocol::v5::Frame& request);
  void send_to(std::uint64_t id, const std::vector<std::uint8_t>& bytes);
  void drop(std::uint64_t id);
  void schedule_reset();

  EventLoop& loop_;
  RegisterImage& image_;
  std::string address_;
  int port_;
  int discovery_port_;
  int discovery_fd_ = -1;
  std::uint32_t serial_;
  SolarmanQuirks quirks_;
  int listen_fd_ = -1;
  std::map<std::uint64_t, std::unique_ptr<Client>> clients_;
  std::uint64_t next_id_ = 1;
  std::uint8_t logger_seq_ = 0;
  std::uint64_t replies_started_ = 0;
  SolarmanStats stats_;
};

}  // namespace sb::sim
