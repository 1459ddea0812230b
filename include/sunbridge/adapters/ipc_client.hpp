// SPDX-License-Identifier: Apache-2.0
// Blocking client of the daemon's control socket (the CLI, tests).
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/core/result.hpp"

namespace sb::adapters {

// Sends one request and waits for its reply. kDisconnected with a readable message when no
// daemon listens at `socket_path`; kTimeout when it does not answer in time.
Result<nlohmann::json> ipc_call(const std::string& socket_path, const nlohmann::json& request,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sb::adapters
