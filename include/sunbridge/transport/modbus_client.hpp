// SPDX-License-Identifier: Apache-2.0
// A Modbus master on one bus. Every call returns an error value (timeout, CRC, exception N,
// malformed, disconnected) instead of throwing. One owner per bus: an instance is used from one
// thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sunbridge/core/result.hpp"

namespace sb::transport {

class ModbusClient {
 public:
  virtual ~ModbusClient() = default;

  // Opens the port / connection. kDisconnected if the device is absent, kIo(EBUSY) if another
  // process holds it.
  virtual Status open() = 0;
  virtual void close() = 0;
  [[nodiscard]] virtual bool is_open() const = 0;

  // The slave (unit) id the following requests address; a bus of several devices (the packs'
  // own RS485 bus) switches it per request.
  virtual void set_slave(int slave) = 0;

  // FC 0x03.
  virtual Result<std::vector<std::uint16_t>> read_holding(std::uint16_t address,
                                                          std::uint16_t count) = 0;
  // FC 0x03 into `words` (count of them), reusing its buffer: a poller reading the same blocks
  // every cycle then allocates nothing per reply. By default through read_holding().
  virtual Status read_holding_into(std::uint16_t address, std::uint16_t count,
                                   std::vector<std::uint16_t>& words) {
    auto read = read_holding(address, count);
    if (!read) return read.error();
    words = std::move(*read);
    return {};
  }
  // FC 0x06.
  virtual Status write_single(std::uint16_t address, std::uint16_t value) = 0;
  // FC 0x10.
  virtual Status write_multiple(std::uint16_t address, std::span<const std::uint16_t> values) = 0;

  // "rtu:/dev/ttyUSB0 9600 8N1 slave 1" for logs and `doctor`.
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace sb::transport
