// SPDX-License-Identifier: Apache-2.0
// The remote command names alone, apart from their verification (OpenSSL): the configuration
// schema needs them, and the homeowner CLI reads the configuration without linking OpenSSL.
#include "sunbridge/adapters/remote_command.hpp"

namespace sb::adapters {

const std::vector<std::string>& remote_command_names() {
  static const std::vector<std::string> kNames = {"profile",    "hold",    "param",
                                                  "sync-clock", "refresh", "config"};
  return kNames;
}

}  // namespace sb::adapters
