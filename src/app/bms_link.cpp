// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/bms_link.hpp"

#include <stdexcept>

#include "sunbridge/transport/libmodbus_client.hpp"

namespace sb::app {

BmsLink make_bms_link(const adapters::Config& config, const Clock& clock, Logger& log) {
  BmsLink link;
  const adapters::BmsConfig& c = config.bms;
  if (c.options.mode == device::BmsMode::kNone) return link;
  auto lock = transport::PortLock::acquire(config.inverter.lock_dir, c.device);
  if (!lock) throw std::runtime_error(lock.error().describe());
  link.lock = std::move(*lock);
  switch (c.options.mode) {
    case device::BmsMode::kModbus: {
      transport::Endpoint endpoint;
      endpoint.serial = c.line;
      transport::Timing timing;
      timing.response_timeout = c.options.response_timeout;
      timing.byte_timeout = std::min(timing.byte_timeout, c.options.response_timeout);
      link.modbus =
          std::make_unique<transport::LibmodbusClient>(endpoint, c.options.master, timing);
      link.source = std::make_unique<device::BmsModbusPoller>(*link.modbus, c.options, clock, log);
      break;
    }
    case device::BmsMode::kAscii:
      link.port = std::make_unique<transport::ReadWriteSerialPort>(c.line);
      link.source = std::make_unique<device::BmsAsciiPoller>(*link.port, c.options, clock, log);
      break;
    case device::BmsMode::kSniff:
      // Read-only by construction: the sniffer holds no writable port (bms.md section 2).
      link.reader = std::make_unique<transport::ReadOnlySerialPort>(c.line);
      link.source = std::make_unique<device::BmsSniffer>(*link.reader, c.options, clock, log);
      break;
    case device::BmsMode::kNone:
      break;
  }
  return link;
}

}  // namespace sb::app
