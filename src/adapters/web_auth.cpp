// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/web/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "sunbridge/core/text.hpp"

namespace sb::adapters::web {

namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the system's random number generator failed");
  }
  return out;
}

std::vector<std::uint8_t> pbkdf2(std::string_view password, const std::vector<std::uint8_t>& salt,
                                 int iterations) {
  std::vector<std::uint8_t> out(32);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1) {
    out.clear();
  }
  return out;
}

}  // namespace

std::string hash_password(std::string_view password, int iterations) {
  PasswordHash h;
  h.iterations = iterations;
  h.salt = random_bytes(16);
  h.hash = pbkdf2(password, h.salt, iterations);
  return format_password_hash(h);
}

bool verify_password(std::string_view password, const PasswordHash& stored) {
  const auto hash = pbkdf2(password, stored.salt, stored.iterations);
  return hash.size() == stored.hash.size() && !stored.hash.empty() &&
         CRYPTO_memcmp(hash.data(), stored.hash.data(), hash.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  return to_hex(random_bytes(bytes));
}

Sessions::Session Sessions::open(SteadyTime now) {
  Session s{random_token(), random_token(), now + lifetime_};
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
  }
  while (sessions_.size() >= max_) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.expires < oldest->second.expires) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[s.token] = s;
  return s;
}

std::optional<Sessions::Session> Sessions::find(std::string_view token, SteadyTime now) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Sessions::close(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(token); it != sessions_.end()) sessions_.erase(it);
}

std::chrono::seconds LoginLimiter::wait(const std::string& address, SteadyTime now) {
  std::lock_guard lock(mutex_);
  auto left = [&](const Failures& f, int limit) {
    if (f.count < limit || now - f.first >= window_) return std::chrono::seconds(0);
    return std::chrono::duration_cast<std::chrono::seconds>(window_ - (now - f.first)) +
           std::chrono::seconds(1);
  };
  auto it = by_address_.find(address);
  const auto mine = it == by_address_.end() ? std::chrono::seconds(0) : left(it->second, max_);
  return std::max(mine, left(all_, 4 * max_));
}

void LoginLimiter::failed(const std::string& address, SteadyTime now) {
  std::lock_guard lock(mutex_);
  auto bump = [&](Failures& f) {
    if (f.count == 0 || now - f.first >= window_) f = Failures{0, now};
    ++f.count;
  };
  // Bounded: a flood from many addresses keeps only the newest few hundred.
  if (by_address_.size() > 512) by_address_.clear();
  bump(by_address_[address]);
  bump(all_);
}

void LoginLimiter::succeeded(const std::string& address) {
  std::lock_guard lock(mutex_);
  by_address_.erase(address);
}

}  // namespace sb::adapters::web
