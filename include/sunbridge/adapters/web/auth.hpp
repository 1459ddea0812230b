// SPDX-License-Identifier: Apache-2.0
// The dashboard's login (docs/dashboard.md "Control"): the password checked against its stored
// PBKDF2 hash, sessions by a random token in an HttpOnly, SameSite=Strict cookie, a CSRF token
// per session that every control request must carry in a header, and a limit on wrong
// passwords per client address. Thread-safe: the server's threads share one of each.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "sunbridge/adapters/web/password_hash.hpp"

namespace sb::adapters::web {

// A new hash of `password` with a random salt (OpenSSL's RAND_bytes and PKCS5_PBKDF2_HMAC).
std::string hash_password(std::string_view password, int iterations = 200000);
// Whether `password` matches `stored` (compared in constant time).
bool verify_password(std::string_view password, const PasswordHash& stored);
// `bytes` random bytes in hexadecimal (session and CSRF tokens).
std::string random_token(std::size_t bytes = 32);

using SteadyTime = std::chrono::steady_clock::time_point;

class Sessions {
 public:
  struct Session {
    std::string token, csrf;
    SteadyTime expires;
  };
  Sessions(std::chrono::seconds lifetime, std::size_t max_sessions = 16)
      : lifetime_(lifetime), max_(max_sessions) {}
  // A new session; the oldest goes when there are too many.
  Session open(SteadyTime now);
  // The live session of `token`, if any.
  std::optional<Session> find(std::string_view token, SteadyTime now);
  void close(std::string_view token);

 private:
  std::chrono::seconds lifetime_;
  std::size_t max_;
  std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;
};

// Wrong passwords: after `max_failures` from one address within `window`, that address waits
// until the window has passed; all addresses together get at most 4x that.
class LoginLimiter {
 public:
  explicit LoginLimiter(int max_failures = 5,
                        std::chrono::seconds window = std::chrono::seconds(300))
      : max_(max_failures), window_(window) {}
  // Zero when `address` may try now; otherwise how long it must wait.
  std::chrono::seconds wait(const std::string& address, SteadyTime now);
  void failed(const std::string& address, SteadyTime now);
  void succeeded(const std::string& address);

 private:
  struct Failures {
    int count = 0;
    SteadyTime first;
  };
  int max_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, Failures> by_address_;
  Failures all_;
};

}  // namespace sb::adapters::web
