// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/modbus_clients.hpp"

#include "sunbridge/device/solarman_client.hpp"
#include "sunbridge/transport/libmodbus_client.hpp"

namespace sb::device {

std::unique_ptr<transport::ModbusClient> make_modbus_client(const transport::Endpoint& endpoint,
                                                            int slave, transport::Timing timing,
                                                            Logger* log) {
  if (endpoint.solarman) {
    return std::make_unique<SolarmanClient>(*endpoint.solarman, slave, timing, log);
  }
  return std::make_unique<transport::LibmodbusClient>(endpoint, slave, timing);
}

}  // namespace sb::device
