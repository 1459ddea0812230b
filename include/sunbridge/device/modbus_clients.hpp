// SPDX-License-Identifier: Apache-2.0
// The Modbus client for an inverter endpoint: libmodbus for RS485 and Modbus TCP, the Solarman
// V5 client for a Wi-Fi stick logger.
#pragma once

#include <memory>

#include "sunbridge/core/log.hpp"
#include "sunbridge/transport/endpoint.hpp"
#include "sunbridge/transport/modbus_client.hpp"

namespace sb::device {

// `log` (may be null): what a client has to say beyond errors (a logger found at a new address).
std::unique_ptr<transport::ModbusClient> make_modbus_client(const transport::Endpoint& endpoint,
                                                            int slave, transport::Timing timing,
                                                            Logger* log = nullptr);

}  // namespace sb::device
