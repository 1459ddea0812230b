// SPDX-License-Identifier: Apache-2.0
// A Modbus client that records what a real one read and then answers the same reads from memory:
// the poll path's own CPU (plan, decode, store) measured without the bus.
#pragma once

#include <functional>
#include <map>
#include <utility>

#include "sunbridge/transport/modbus_client.hpp"

namespace sb::bench {

class ReplayClient : public transport::ModbusClient {
 public:
  // Records while `recording` (every read goes to `real`), replays after stop_recording().
  explicit ReplayClient(transport::ModbusClient& real) : real_(real) {}
  void stop_recording() { recording_ = false; }
  // Runs before each replayed answer, as the bus would run other work between our reads (the
  // benchmark passes a cache eviction; empty: nothing).
  void set_between_reads(std::function<void()> between) { between_ = std::move(between); }

  Status open() override;
  void close() override {}
  [[nodiscard]] bool is_open() const override { return recording_ ? real_.is_open() : true; }
  void set_slave(int slave) override { real_.set_slave(slave); }
  Result<std::vector<std::uint16_t>> read_holding(std::uint16_t address,
                                                  std::uint16_t count) override;
  Status write_single(std::uint16_t address, std::uint16_t value) override;
  Status write_multiple(std::uint16_t address, std::span<const std::uint16_t> values) override;
  [[nodiscard]] std::string describe() const override { return "replay of " + real_.describe(); }

 private:
  transport::ModbusClient& real_;
  bool recording_ = true;
  std::function<void()> between_;
  std::map<std::pair<std::uint16_t, std::uint16_t>, std::vector<std::uint16_t>> answers_;
};

}  // namespace sb::bench
