// SPDX-License-Identifier: Apache-2.0
#include "bench/floor.hpp"

#include <modbus.h>

#include <cerrno>

namespace sb::bench {

FloorPoller::FloorPoller(std::string device, int baud, int slave,
                         std::vector<std::pair<std::uint16_t, std::uint16_t>> blocks)
    : device_(std::move(device)), baud_(baud), slave_(slave), blocks_(std::move(blocks)) {}

FloorPoller::~FloorPoller() {
  close();
}

bool FloorPoller::open() {
  close();
  ctx_ = modbus_new_rtu(device_.c_str(), baud_, 'N', 8, 1);
  if (ctx_ == nullptr || modbus_set_slave(ctx_, slave_) != 0 || modbus_connect(ctx_) != 0) {
    last_error_ = modbus_strerror(errno);
    close();
    return false;
  }
  modbus_set_response_timeout(ctx_, 1, 0);
  return true;
}

void FloorPoller::close() {
  if (ctx_ == nullptr) return;
  modbus_close(ctx_);
  modbus_free(ctx_);
  ctx_ = nullptr;
}

bool FloorPoller::cycle() {
  std::uint16_t words[128];
  for (const auto& [start, count] : blocks_) {
    if (modbus_read_registers(ctx_, start, count, words) != count) {
      last_error_ = modbus_strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace sb::bench
