// SPDX-License-Identifier: Apache-2.0
// libFuzzer: remote messages from the broker (cmd/{name}, config/desired). Anything may arrive;
// nothing may crash. Inputs that are JSON objects are also signed here with a known key, so the
// checks behind the signature (times, roles, the desired configuration's schema) are reached.
#include <cstdint>
#include <string_view>

#include "sunbridge/adapters/desired_config.hpp"
#include "sunbridge/adapters/remote_command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sb::adapters;
  static const RemotePolicy policy = [] {
    RemotePolicy p;
    p.roles["owner"] = {std::vector<std::uint8_t>(32, 0x5a),
                        {"profile", "hold", "param", "sync-clock", "refresh", "config"},
                        {"07", "58"}};
    return p;
  }();
  const sb::WallTime now{std::chrono::milliseconds(1795000000000)};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = check_command("param", text, "SN1", policy, now);
  if (c.command && c.command->expires_at <= now) __builtin_trap();  // never accept an expired one
  (void)check_desired(text, "SN1", policy, now);

  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return 0;
  doc["hmac"] = hmac_sha256_hex(policy.roles.at("owner").key, canonical_form(doc));
  const std::string signed_text = doc.dump();
  auto sc = check_command("param", signed_text, "SN1", policy, now);
  if (sc.command && sc.command->expires_at <= now) __builtin_trap();
  auto d = check_desired(signed_text, "SN1", policy, now);
  if (d.document) {
    sb::schema::Issues issues;
    auto parsed = parse_desired(*d.document, issues);
    if (parsed && !issues.empty()) __builtin_trap();  // accepted with problems
  }
  return 0;
}
