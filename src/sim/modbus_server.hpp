// SPDX-License-Identifier: Apache-2.0
// Serves the register image as a Modbus RTU slave on a pseudo-terminal it creates (symlinked to a
// stable path), and optionally as Modbus TCP on 127.0.0.1. Requests are parsed by libmodbus and
// normal replies sent by libmodbus. A pty has no baud rate, so replies are held back until the
// request and reply would have crossed the configured serial line (10 bits per byte plus 3.5
// character times per frame) plus the turnaround. Faults can be injected per reply.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sim/pty_endpoint.hpp"
#include "sim/register_image.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/result.hpp"

struct _modbus;

namespace sb::sim {

struct ServeOptions {
  int baud = 9600;
  int bits_per_char = 10;
  bool pacing = true;  // never off for the benchmark
  std::chrono::microseconds turnaround{0};
  std::string link_path;        // symlink to the pty slave, e.g. var/sim/inverter.tty
  std::optional<int> tcp_port;  // Modbus TCP on 127.0.0.1
};

struct FaultPlan {
  int drop_next = 0;     // do not answer the next N requests
  int corrupt_next = 0;  // answer the next N with a wrong CRC
  int noise_next = 0;    // put random bytes on the line before the next N answers
  double drop_rate = 0;
  double corrupt_rate = 0;
  std::chrono::milliseconds extra_delay{0};
};

struct ServeStats {
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t dropped = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t bad_frames = 0;   // requests with a wrong CRC or truncated
  std::uint64_t other_slave = 0;  // requests for another slave id (not answered)
  std::uint64_t writes = 0;       // accepted write requests
};

class ModbusServer {
 public:
  ModbusServer(EventLoop& loop, RegisterImage& image, ServeOptions options, FaultPlan& faults,
               Logger& log, std::uint32_t seed);
  ~ModbusServer();
  ModbusServer(const ModbusServer&) = delete;
  ModbusServer& operator=(const ModbusServer&) = delete;

  // Creates the pty (and the TCP listener). Start-up errors are values.
  Status start();
  // The device vanishes (USB adapter unplugged): pty closed, link removed.
  void disappear();
  // The device comes back on a new pty; the link is updated.
  Status appear();

  [[nodiscard]] bool present() const { return pty_.is_open(); }
  [[nodiscard]] const std::string& pty_path() const { return pty_.path(); }
  [[nodiscard]] const ServeStats& stats() const { return stats_; }
  ServeOptions& options() { return options_; }

 private:
  struct Pending;
  void on_rtu_readable();
  bool new_rtu_context();
  void on_tcp_accept();
  void on_tcp_readable();
  void handle(_modbus* ctx, const std::uint8_t* req, int length, bool rtu);
  void send_reply(_modbus* ctx, std::vector<std::uint8_t> request, int exception,
                  std::vector<std::uint16_t> words, bool rtu);
  void close_tcp_client();

  EventLoop& loop_;
  RegisterImage& image_;
  ServeOptions options_;
  FaultPlan& faults_;
  Logger& log_;
  std::mt19937 rng_;
  ServeStats stats_;
  PtyEndpoint pty_;
  _modbus* rtu_ = nullptr;
  _modbus* tcp_ = nullptr;
  int tcp_listen_fd_ = -1;
  int tcp_client_fd_ = -1;
  std::uint64_t generation_ = 0;  // replies scheduled for a vanished pty are discarded
};

}  // namespace sb::sim
