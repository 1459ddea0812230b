// SPDX-License-Identifier: Apache-2.0
// Builds the BMS source configured in `bms.mode` with the transport it needs: libmodbus on a bus
// of the gateway's own (modbus), a read-write serial port (ascii), or a read-only one (sniff).
#pragma once

#include <memory>
#include <optional>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/device/bms_sources.hpp"
#include "sunbridge/transport/modbus_client.hpp"
#include "sunbridge/transport/port_lock.hpp"
#include "sunbridge/transport/serial_port.hpp"

namespace sb::app {

struct BmsLink {
  std::optional<transport::PortLock> lock;
  std::unique_ptr<transport::ModbusClient> modbus;
  std::unique_ptr<transport::SerialPort> port;
  std::unique_ptr<transport::SerialReader> reader;
  std::unique_ptr<device::BmsSource> source;
};

// Nothing for mode none. Throws std::runtime_error when the port is locked by another process.
BmsLink make_bms_link(const adapters::Config& config, const Clock& clock, Logger& log);

}  // namespace sb::app
