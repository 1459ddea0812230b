// SPDX-License-Identifier: Apache-2.0
// In-memory serial ports for BMS device tests: a scripted responder for active modes and a
// byte-stream replay for the passive (sniffing) reader.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "sunbridge/transport/serial_port.hpp"

namespace sb::test {

// Answers each written request with whatever `respond` returns (empty: silence).
class FakeSerialPort final : public transport::SerialPort {
 public:
  std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>&)> respond;
  std::vector<std::vector<std::uint8_t>> written;
  bool open_ = false;
  bool fail_open = false;

  Status open() override {
    if (fail_open) return Error::disconnected("no such device", 2);
    open_ = true;
    return {};
  }
  void close() override { open_ = false; }
  [[nodiscard]] bool is_open() const override { return open_; }
  Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds) override {
    if (!open_) return Error::disconnected("closed");
    std::size_t n = 0;
    while (n < buf.size() && !pending_.empty()) {
      buf[n++] = pending_.front();
      pending_.pop_front();
    }
    return n;
  }
  Status write(std::span<const std::uint8_t> bytes) override {
    if (!open_) return Error::disconnected("closed");
    written.emplace_back(bytes.begin(), bytes.end());
    if (respond) {
      auto answer = respond(written.back());
      pending_.insert(pending_.end(), answer.begin(), answer.end());
    }
    return {};
  }
  void discard_input() override { pending_.clear(); }
  [[nodiscard]] std::string describe() const override { return "fake-serial"; }

 private:
  std::deque<std::uint8_t> pending_;
};

// A tap that replays chunks of bytes, one chunk per read; an empty chunk is a silence.
class ReplayReader final : public transport::SerialReader {
 public:
  std::deque<std::vector<std::uint8_t>> chunks;
  bool open_ = false;

  Status open() override {
    open_ = true;
    return {};
  }
  void close() override { open_ = false; }
  [[nodiscard]] bool is_open() const override { return open_; }
  Result<std::size_t> read(std::span<std::uint8_t> buf, std::chrono::milliseconds) override {
    if (chunks.empty()) return std::size_t{0};
    auto chunk = std::move(chunks.front());
    chunks.pop_front();
    std::size_t n = std::min(buf.size(), chunk.size());
    std::copy_n(chunk.begin(), n, buf.begin());
    return n;
  }
  [[nodiscard]] std::string describe() const override { return "replay"; }
};

}  // namespace sb::test
