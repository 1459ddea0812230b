// SPDX-License-Identifier: Apache-2.0
// The floor of a poll cycle: the same block reads as the daemon's plan, done with libmodbus
// alone (no decoding, no point store, no link health), so `sunbridge-bench poll` can say how
// far above the cost of the I/O itself the daemon's cycle is.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct _modbus;

namespace sb::bench {

class FloorPoller {
 public:
  // Blocks as (start register, count).
  FloorPoller(std::string device, int baud, int slave,
              std::vector<std::pair<std::uint16_t, std::uint16_t>> blocks);
  ~FloorPoller();
  FloorPoller(const FloorPoller&) = delete;
  FloorPoller& operator=(const FloorPoller&) = delete;

  bool open();
  void close();
  // Reads every block once; false when one failed.
  bool cycle();
  [[nodiscard]] std::string last_error() const { return last_error_; }

 private:
  std::string device_;
  int baud_, slave_;
  std::vector<std::pair<std::uint16_t, std::uint16_t>> blocks_;
  _modbus* ctx_ = nullptr;
  std::string last_error_;
};

}  // namespace sb::bench
