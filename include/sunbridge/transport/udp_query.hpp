// SPDX-License-Identifier: Apache-2.0
// One UDP datagram out (to a broadcast address if asked), every answer that arrives within a
// window back: how Solarman loggers are found on a LAN without root.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sunbridge/core/result.hpp"

namespace sb::transport {

struct UdpAnswer {
  std::string from;  // the sender's address
  std::string text;
};

Result<std::vector<UdpAnswer>> udp_query(const std::string& address, int port,
                                         const std::string& message,
                                         std::chrono::milliseconds window);

}  // namespace sb::transport
