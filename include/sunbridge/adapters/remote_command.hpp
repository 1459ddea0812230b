// SPDX-License-Identifier: Apache-2.0
// Signed remote messages from the cloud: commands on {prefix}/{device}/cmd/{name} and the desired
// configuration on {prefix}/{device}/config/desired. Parsing, the HMAC-SHA256 check over the
// canonical form (OpenSSL), time windows and the role allow-lists. Pure apart from the clock
// value passed in; replay memory is the caller's. See docs/mqtt.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/clock.hpp"

namespace sb::adapters {

// The largest command or desired configuration accepted: AWS IoT Core's payload limit, which also
// bounds what one message can make the gateway parse.
inline constexpr std::size_t kMaxRemotePayloadBytes = 128 * 1024;

// The commands a gateway understands (cmd/{name}); "config" stands for config/desired.
const std::vector<std::string>& remote_command_names();

// The signed bytes: the message without "hmac", keys sorted, no insignificant white space,
// UTF-8 as is (what nlohmann::json::dump() writes, and Python's
// json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False)).
std::string canonical_form(const nlohmann::json& message);
// Lower-case hex HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256_hex(std::span<const std::uint8_t> key, std::string_view message);

struct RemoteCommand {
  std::string id;
  std::string name;  // the topic's last level: profile, hold, param, sync-clock, refresh
  std::string role;
  WallTime issued_at{}, expires_at{};
  nlohmann::json args = nlohmann::json::object();
};

// The outcome of a check: the accepted message, or why not (and what could be read of it, so
// a rejection can still name the id and role).
struct CommandCheck {
  std::optional<RemoteCommand> command;
  std::string id;    // as far as it could be read
  std::string role;  // as far as it could be read
  std::string reason;
};

// Parses and authenticates a command: JSON object with exactly id, cmd (= the topic's name),
// device (= ours), role, issued_at, expires_at, args, hmac; the role configured, the HMAC right,
// not expired, not issued in the future, not valid for longer than allowed, the command in the
// role's allow-list. Replays are the caller's check (it keeps the ids).
CommandCheck check_command(std::string_view name, std::string_view payload,
                           const std::string& device_id, const RemotePolicy& policy, WallTime now);

// Whether `role` may set LCD parameter `lcd` (normalised id).
bool role_may_set(const RemotePolicy& policy, const std::string& role, const std::string& lcd);

struct DesiredCheck {
  std::optional<nlohmann::json> document;  // without role/hmac/device: the configuration itself
  std::int64_t version = 0;
  std::string role;
  std::string reason;
};

// Parses and authenticates a desired configuration: an object with version (integer >= 1),
// device, role, issued_at, hmac and the configuration keys; the role must hold "config".
// The configuration's own schema is checked by the caller.
DesiredCheck check_desired(std::string_view payload, const std::string& device_id,
                           const RemotePolicy& policy, WallTime now);

}  // namespace sb::adapters
