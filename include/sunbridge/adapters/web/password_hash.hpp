// SPDX-License-Identifier: Apache-2.0
// The dashboard password as stored in the configuration: PBKDF2-HMAC-SHA256 with a random salt,
// "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX" (made by `sunbridged --hash-password`). Only the
// format lives here (the configuration checks it); hashing is in web/auth.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::adapters::web {

struct PasswordHash {
  int iterations = 0;
  std::vector<std::uint8_t> salt, hash;
};

// At least this many iterations: fewer make a stolen configuration file cheap to guess from.
inline constexpr int kMinPasswordIterations = 10000;

std::optional<PasswordHash> parse_password_hash(std::string_view text);
std::string format_password_hash(const PasswordHash& h);

}  // namespace sb::adapters::web
