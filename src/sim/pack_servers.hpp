// SPDX-License-Identifier: Apache-2.0
// The packs on the wire, each on its own pseudo-terminal:
//   PaceModbusServer  - PACE Modbus RTU, one slave per pack address (the gateway's own bus)
//   PaceAsciiServer   - PACE v25 through the master's RS232 console (ADR = master)
//   SniffPlayer       - the inverter <-> master exchange, played onto a pty for a passive tap;
//                       it counts every byte the listener writes back (there must be none)
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/pack_model.hpp"
#include "sim/pty_endpoint.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/protocol/frame_recognizer.hpp"

namespace sb::sim {

struct PackServeOptions {
  int baud = 9600;
  bool pacing = true;
  int master = 1;
  std::chrono::milliseconds turnaround{20};
};

// Per link, so that one link's traffic cannot use up faults meant for another.
struct PackFaults {
  int corrupt_modbus = 0;  // the next N answers on each link carry a wrong checksum
  int corrupt_ascii = 0;
  int corrupt_sniff = 0;
};

struct PackServeStats {
  std::uint64_t requests = 0;
  std::uint64_t answers = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t bytes_from_listener = 0;  // sniff: bytes written by the tapped side
  std::uint64_t exchanges = 0;            // sniff: request/answer pairs played
};

// A server that reads requests from its pty, splits them into frames and answers each one.
class PackRequestServer {
 public:
  PackRequestServer(EventLoop& loop, PackModel& packs, std::string link, PackServeOptions options,
                    PackFaults& faults);
  virtual ~PackRequestServer();
  PackRequestServer(const PackRequestServer&) = delete;
  PackRequestServer& operator=(const PackRequestServer&) = delete;
  Status start();
  [[nodiscard]] const PackServeStats& stats() const { return stats_; }

 protected:
  virtual void answer(const protocol::RecognizedFrame& request) = 0;
  // Sends `bytes` once the request and answer would have crossed the line, plus the turnaround.
  void send_later(std::size_t request_bytes, std::vector<std::uint8_t> bytes);

  PackModel& packs_;
  PackServeOptions options_;
  PackFaults& faults_;
  PackServeStats stats_;

 private:
  void on_readable();
  EventLoop& loop_;
  PtyEndpoint pty_;
  protocol::FrameRecognizer rx_;
};

// PACE Modbus RTU, one slave per pack address (the gateway's own bus).
class PaceModbusServer final : public PackRequestServer {
 public:
  using PackRequestServer::PackRequestServer;

 private:
  void answer(const protocol::RecognizedFrame& request) override;
};

// PACE v25 through the master's RS232 console (ADR = master).
class PaceAsciiServer final : public PackRequestServer {
 public:
  using PackRequestServer::PackRequestServer;

 private:
  void answer(const protocol::RecognizedFrame& request) override;
};

class SniffPlayer {
 public:
  // `ascii`: the inverter speaks PACE v25 to the master; otherwise PACE Modbus.
  SniffPlayer(EventLoop& loop, PackModel& packs, std::string link, bool ascii,
              std::chrono::milliseconds period, PackServeOptions options, PackFaults& faults);
  ~SniffPlayer();
  Status start();
  [[nodiscard]] const PackServeStats& stats() const { return stats_; }

 private:
  void play();
  void emit(const std::vector<std::uint8_t>& bytes);
  EventLoop& loop_;
  PackModel& packs_;
  PtyEndpoint pty_;
  bool ascii_;
  std::chrono::milliseconds period_;
  PackServeOptions options_;
  PackFaults& faults_;
  PackServeStats stats_;
  int next_ = 0;    // index of the next pack asked
  int rounds_ = 0;  // rounds played, for asking strings now and then
};

}  // namespace sb::sim
