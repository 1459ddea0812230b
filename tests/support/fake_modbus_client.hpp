// SPDX-License-Identifier: Apache-2.0
// An in-memory Modbus device for device-layer tests: registers, holes (exception 02), a
// 32-register limit, and scripted failures. Records every request.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sunbridge/transport/modbus_client.hpp"

namespace sb::test {

class FakeModbusClient final : public transport::ModbusClient {
 public:
  std::map<std::uint16_t, std::uint16_t> registers;
  std::set<std::uint16_t> holes;
  std::deque<Error> next_errors;  // returned (one per request) before anything else
  std::optional<Error> open_error;
  std::vector<std::pair<std::uint16_t, std::uint16_t>> reads;  // (address, count)
  std::vector<std::pair<std::uint16_t, std::vector<std::uint16_t>>> writes;
  int opens = 0;
  std::map<std::uint16_t, Error> write_errors;  // next write to the address fails (once)
  std::set<std::uint16_t> ignore_writes;        // acknowledged but not stored
  std::map<std::uint16_t, int> timeouts_at;     // reads covering the address time out N times
  std::uint16_t max_registers = 32;             // the SPI-10K-U's limit; PACE BMSs allow 125
  int short_replies = 0;                        // the next N reads answer one register too few
  std::function<void()> after_read;             // called as each read is answered
  bool open_ = false;

  Status open() override {
    ++opens;
    if (open_error) return *open_error;
    open_ = true;
    return {};
  }
  void close() override { open_ = false; }
  [[nodiscard]] bool is_open() const override { return open_; }
  int slave = 1;
  void set_slave(int s) override { slave = s; }

  Result<std::vector<std::uint16_t>> read_holding(std::uint16_t address,
                                                  std::uint16_t count) override {
    reads.emplace_back(address, count);
    if (!open_) return Error::disconnected("closed");
    if (!next_errors.empty()) {
      Error e = next_errors.front();
      next_errors.pop_front();
      if (e.kind == ErrorKind::kDisconnected) open_ = false;
      return e;
    }
    if (count > max_registers) return Error::exception(0x0A);
    for (auto& [a, n] : timeouts_at) {
      if (n > 0 && a >= address && a < address + count) {
        --n;
        return Error::timeout("scripted");
      }
    }
    std::vector<std::uint16_t> out;
    for (int a = address; a < address + count; ++a) {
      if (holes.count(static_cast<std::uint16_t>(a)) != 0) return Error::exception(0x02);
      auto it = registers.find(static_cast<std::uint16_t>(a));
      out.push_back(it == registers.end() ? 0 : it->second);
    }
    if (short_replies > 0) {
      --short_replies;
      out.pop_back();
    }
    if (after_read) after_read();
    return out;
  }
  Status write_single(std::uint16_t address, std::uint16_t value) override {
    return write_multiple(address, std::vector<std::uint16_t>{value});
  }
  Status write_multiple(std::uint16_t address, std::span<const std::uint16_t> values) override {
    if (!next_errors.empty()) {
      Error e = next_errors.front();
      next_errors.pop_front();
      return e;
    }
    writes.emplace_back(address, std::vector<std::uint16_t>(values.begin(), values.end()));
    if (auto it = write_errors.find(address); it != write_errors.end()) {
      Error e = it->second;
      write_errors.erase(it);
      return e;
    }
    if (ignore_writes.count(address) != 0) return {};
    for (std::size_t i = 0; i < values.size(); ++i) {
      registers[static_cast<std::uint16_t>(address + i)] = values[i];
    }
    return {};
  }
  [[nodiscard]] std::string describe() const override { return "fake"; }
};

}  // namespace sb::test
