// SPDX-License-Identifier: Apache-2.0
#include "cli/cli_context.hpp"

#include <iostream>

#include "sunbridge/adapters/ipc_client.hpp"

namespace sb::cli {

std::optional<nlohmann::json> call(const Context& ctx, const nlohmann::json& request,
                                   std::chrono::milliseconds timeout) {
  auto reply = adapters::ipc_call(ctx.socket, request, timeout);
  if (!reply) {
    std::cerr << "sunbridge: " << reply.error().detail << "\n";
    return std::nullopt;
  }
  if (!reply->value("ok", false)) {
    std::cerr << "sunbridge: " << reply->value("error", std::string("request failed")) << "\n";
    return std::nullopt;
  }
  return *reply;
}

}  // namespace sb::cli
