// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/remote_command.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/schema.hpp"
#include "sunbridge/core/text.hpp"

namespace sb::adapters {

using nlohmann::json;

std::string canonical_form(const json& message) {
  json copy = message;
  if (copy.is_object()) copy.erase("hmac");
  // nlohmann's object is a std::map: keys come out sorted by their UTF-8 bytes, which is code
  // point order. error_handler strict: invalid UTF-8 cannot be signed.
  return copy.dump();
}

std::string hmac_sha256_hex(std::span<const std::uint8_t> key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &length) == nullptr) {
    return "";
  }
  return to_hex(std::span<const std::uint8_t>(mac, length));
}

namespace {

std::optional<json> parse_object(std::string_view payload, std::string& reason) {
  // Refused before parsing: the broker may deliver far more than any genuine message needs.
  if (payload.size() > kMaxRemotePayloadBytes) {
    reason = "payload of " + std::to_string(payload.size()) + " bytes is over the " +
             std::to_string(kMaxRemotePayloadBytes) + "-byte limit";
    return std::nullopt;
  }
  schema::Issues issues;
  auto doc = schema::parse_strict(payload, issues);
  if (!doc) {
    reason = "not JSON: " + (issues.empty() ? std::string("empty") : issues.front().message);
    return std::nullopt;
  }
  if (!doc->is_object()) {
    reason = "not a JSON object";
    return std::nullopt;
  }
  return doc;
}

std::string text_field(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The signature, checked in constant time. Empty string: good.
std::string verify_signature(const json& doc, const RemotePolicy& policy, const std::string& role) {
  auto grant = policy.roles.find(role);
  if (role.empty()) return "no role";
  if (grant == policy.roles.end()) return "role '" + role + "' is not configured on this gateway";
  const std::string given = text_field(doc, "hmac");
  if (given.empty()) return "unsigned (no hmac)";
  std::string lower = given;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string canonical = canonical_form(doc);
  auto matches = [&](const std::vector<std::uint8_t>& key) {
    if (key.empty()) return false;
    const std::string expected = hmac_sha256_hex(key, canonical);
    return lower.size() == expected.size() &&
           CRYPTO_memcmp(lower.data(), expected.data(), expected.size()) == 0;
  };
  // The previous key only while a rotation is under way (configured).
  if (matches(grant->second.key) || matches(grant->second.previous_key)) return "";
  return "bad signature (hmac does not match the role's key)";
}

// Shape checks shared by commands and desired configurations: each of `keys` present and a
// string (a missing hmac reads "unsigned"), each of `time_keys` readable as ISO 8601 UTC.
void check_envelope(const json& doc, std::initializer_list<const char*> keys,
                    std::initializer_list<const char*> time_keys,
                    std::vector<std::string>& problems) {
  for (const char* key : keys) {
    if (!doc.contains(key)) {
      problems.push_back(std::string(key) == "hmac" ? "unsigned (no hmac)"
                                                    : std::string("missing ") + key);
    } else if (!doc[key].is_string()) {
      problems.push_back(std::string(key) + " must be a string");
    }
  }
  for (const char* key : time_keys) {
    if (doc.contains(key) && !parse_iso8601_utc(text_field(doc, key))) {
      problems.push_back(std::string(key) + " is not an ISO 8601 UTC time");
    }
  }
}

// Every shape problem as one reason, then the signature: the first refusal, or "" to go on.
std::string shape_then_signature(const json& doc, const std::vector<std::string>& problems,
                                 const RemotePolicy& policy, const std::string& role) {
  std::string reason;
  for (const auto& p : problems)
    reason += (reason.empty() ? "" : "; ") + p;
  if (!reason.empty()) return reason;
  // Who sent it, before anything else is believed.
  return verify_signature(doc, policy, role);
}

}  // namespace

CommandCheck check_command(std::string_view name, std::string_view payload,
                           const std::string& device_id, const RemotePolicy& policy, WallTime now) {
  CommandCheck out;
  auto doc = parse_object(payload, out.reason);
  if (!doc) return out;
  out.id = text_field(*doc, "id");
  out.role = text_field(*doc, "role");
  // Shape first, every problem at once.
  static const std::vector<std::string> kFields = {"id",        "cmd",  "device", "role",
                                                   "issued_at", "args", "hmac",   "expires_at"};
  std::vector<std::string> problems;
  for (const auto& [key, v] : doc->items()) {
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end()) {
      problems.push_back("unknown field '" + key + "'");
    }
  }
  check_envelope(*doc, {"id", "cmd", "device", "role", "issued_at", "expires_at", "hmac"},
                 {"issued_at", "expires_at"}, problems);
  if (doc->contains("args") && !(*doc)["args"].is_object()) {
    problems.push_back("args must be an object");
  }
  if (out.id.size() > 64) problems.push_back("id longer than 64 characters");
  out.reason = shape_then_signature(*doc, problems, policy, out.role);
  if (!out.reason.empty()) return out;
  const auto issued = parse_iso8601_utc(text_field(*doc, "issued_at"));
  const auto expires = parse_iso8601_utc(text_field(*doc, "expires_at"));
  if (text_field(*doc, "cmd") != name) {
    out.reason = "cmd '" + text_field(*doc, "cmd") + "' does not match the topic (cmd/" +
                 std::string(name) + ")";
    return out;
  }
  if (text_field(*doc, "device") != device_id) {
    out.reason =
        "addressed to device '" + text_field(*doc, "device") + "', this is '" + device_id + "'";
    return out;
  }
  if (*expires <= now) {
    out.reason = "expired at " + format_iso8601_utc(*expires);
    return out;
  }
  if (*issued > now + policy.max_clock_ahead) {
    out.reason = "issued_at " + format_iso8601_utc(*issued) +
                 " is in the future (clocks apart by more than " +
                 std::to_string(policy.max_clock_ahead.count()) + " s?)";
    return out;
  }
  if (*expires <= *issued) {
    out.reason = "expires_at is not after issued_at";
    return out;
  }
  if (*expires - *issued > policy.max_validity) {
    out.reason = "valid for longer than " + std::to_string(policy.max_validity.count()) + " s";
    return out;
  }
  const RoleGrant& grant = policy.roles.at(out.role);
  if (grant.commands.count(std::string(name)) == 0) {
    out.reason = "role " + out.role + " may not use command " + std::string(name);
    return out;
  }
  out.command = RemoteCommand{out.id,  std::string(name), out.role,
                              *issued, *expires,          doc->value("args", json::object())};
  return out;
}

bool role_may_set(const RemotePolicy& policy, const std::string& role, const std::string& lcd) {
  auto it = policy.roles.find(role);
  return it != policy.roles.end() && it->second.params.count(lcd) > 0;
}

DesiredCheck check_desired(std::string_view payload, const std::string& device_id,
                           const RemotePolicy& policy, WallTime now) {
  DesiredCheck out;
  auto doc = parse_object(payload, out.reason);
  if (!doc) return out;
  out.role = text_field(*doc, "role");
  std::vector<std::string> problems;
  auto version = doc->find("version");
  if (version == doc->end() || !version->is_number_integer() || version->get<std::int64_t>() < 1) {
    problems.push_back("version must be an integer >= 1");
  } else {
    out.version = version->get<std::int64_t>();
  }
  check_envelope(*doc, {"device", "role", "issued_at", "hmac"}, {"issued_at"}, problems);
  out.reason = shape_then_signature(*doc, problems, policy, out.role);
  if (!out.reason.empty()) return out;
  const auto issued = parse_iso8601_utc(text_field(*doc, "issued_at"));
  if (text_field(*doc, "device") != device_id) {
    out.reason =
        "addressed to device '" + text_field(*doc, "device") + "', this is '" + device_id + "'";
    return out;
  }
  if (*issued > now + policy.max_clock_ahead) {
    out.reason = "issued_at " + format_iso8601_utc(*issued) + " is in the future";
    return out;
  }
  if (policy.roles.at(out.role).commands.count("config") == 0) {
    out.reason = "role " + out.role + " may not set the desired configuration";
    return out;
  }
  json config = *doc;
  for (const char* key : {"device", "role", "hmac"})
    config.erase(key);
  out.document = std::move(config);
  return out;
}

}  // namespace sb::adapters
