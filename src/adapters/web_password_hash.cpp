// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/web/password_hash.hpp"

#include "sunbridge/core/text.hpp"

namespace sb::adapters::web {

std::optional<PasswordHash> parse_password_hash(std::string_view text) {
  constexpr std::string_view kScheme = "pbkdf2-sha256$";
  if (text.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  text.remove_prefix(kScheme.size());
  const auto d1 = text.find('$');
  if (d1 == std::string_view::npos) return std::nullopt;
  const auto d2 = text.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  PasswordHash h;
  const auto iterations = parse_whole_number<int>(text.substr(0, d1));
  if (!iterations || *iterations < kMinPasswordIterations || *iterations > 10'000'000) {
    return std::nullopt;
  }
  h.iterations = *iterations;
  auto salt = from_hex(text.substr(d1 + 1, d2 - d1 - 1));
  auto hash = from_hex(text.substr(d2 + 1));
  if (!salt || !hash || salt->size() < 16 || hash->size() != 32) return std::nullopt;
  h.salt = std::move(*salt);
  h.hash = std::move(*hash);
  return h;
}

std::string format_password_hash(const PasswordHash& h) {
  return "pbkdf2-sha256$" + std::to_string(h.iterations) + "$" + to_hex(h.salt) + "$" +
         to_hex(h.hash);
}

}  // namespace sb::adapters::web
