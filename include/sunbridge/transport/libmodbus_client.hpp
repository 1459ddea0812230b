// SPDX-License-Identifier: Apache-2.0
// ModbusClient over libmodbus: RTU on a serial port or pseudo-terminal, or Modbus TCP.
// On open the serial port is locked (flock + TIOCEXCL) so a second process gets a clear error
// instead of a bus collision.
#pragma once

#include <string>

#include "sunbridge/transport/endpoint.hpp"
#include "sunbridge/transport/modbus_client.hpp"

struct _modbus;  // libmodbus context (modbus_t)

namespace sb::transport {

class LibmodbusClient final : public ModbusClient {
 public:
  LibmodbusClient(Endpoint endpoint, int slave, Timing timing);
  ~LibmodbusClient() override;
  LibmodbusClient(const LibmodbusClient&) = delete;
  LibmodbusClient& operator=(const LibmodbusClient&) = delete;

  Status open() override;
  void close() override;
  [[nodiscard]] bool is_open() const override { return ctx_ != nullptr; }
  void set_slave(int slave) override;

  Result<std::vector<std::uint16_t>> read_holding(std::uint16_t address,
                                                  std::uint16_t count) override;
  Status read_holding_into(std::uint16_t address, std::uint16_t count,
                           std::vector<std::uint16_t>& words) override;
  Status write_single(std::uint16_t address, std::uint16_t value) override;
  Status write_multiple(std::uint16_t address, std::span<const std::uint16_t> values) override;
  [[nodiscard]] std::string describe() const override;

 private:
  // Turns the errno libmodbus left behind into an error value; closes the port when it is gone.
  Error fail(const std::string& what);
  void discard_input();

  Endpoint endpoint_;
  int slave_;
  Timing timing_;
  _modbus* ctx_ = nullptr;
  bool input_unknown_ = true;  // since the port opened, nothing has been read or discarded
};

}  // namespace sb::transport
