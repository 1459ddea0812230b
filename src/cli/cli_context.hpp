// SPDX-License-Identifier: Apache-2.0
// What every CLI command needs: which daemon to talk to, and one request/reply helper.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"

namespace sb::cli {

struct Context {
  std::string socket;
  std::string config_path;
  adapters::Config config;
  // How long a settings change waits for its answer (--wait).
  std::chrono::milliseconds change_wait{60000};
};

// Sends a request; prints the error and returns nullopt when there is no usable reply.
std::optional<nlohmann::json> call(const Context& ctx, const nlohmann::json& request,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sb::cli
