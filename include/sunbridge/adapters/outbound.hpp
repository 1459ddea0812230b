// SPDX-License-Identifier: Apache-2.0
// The daemon's two ways out to the internet besides MQTT: an HTTPS GET (weather forecasts) and
// an e-mail. In sunbridged they run in a short-lived helper process, sunbridge-fetch, so the
// daemon never maps libcurl and the two dozen libraries it brings (docs/benchmarks.md,
// "sunbridge-bench memory"); the helper does them with libcurl. Both are blocking: call them
// from a worker thread. Errors are values, with the kinds the libcurl functions give.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/smtp_mail.hpp"
#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/result.hpp"

namespace sb::adapters {

class Outbound {
 public:
  virtual ~Outbound() = default;
  virtual Result<std::string> get(const std::string& url, const HttpOptions& options) = 0;
  virtual Status mail(const EmailConfig& server, const MailMessage& message, WallTime now) = 0;
  // From any thread, when the daemon is stopping: a request in flight has a short grace to
  // finish, then ends with an error, and later ones fail at once. A stop never waits for a slow
  // server (a forecast may be allowed 300 s, longer than the service manager waits).
  virtual void stop() {}
};

// Runs `helper_path` (sunbridge-fetch) once per call with the request on its standard input.
// A helper that cannot be run is an invalid error naming it; one that does not finish within the
// request's own timeout plus `spare` is stopped (a timeout error), as is one still running
// `stop_grace` after stop().
std::unique_ptr<Outbound> make_helper_outbound(
    std::string helper_path, std::chrono::seconds spare = std::chrono::seconds(15),
    std::chrono::milliseconds stop_grace = std::chrono::seconds(3));

// The environment sunbridge-fetch runs with, taken from `environment` (a null-terminated array
// like environ): only what libcurl and its TLS library read (the proxy settings, OpenSSL's
// configuration and certificate locations), PATH, and the sanitizer options of a test build.
// Nothing else of the daemon's environment reaches it, a preloaded library (LD_PRELOAD) least of
// all: the helper is started on every fetch, with the request's secrets on its input.
std::vector<std::string> helper_environment(const char* const* environment);

// sunbridge-fetch beside the running executable (a build tree), else where the package installs
// it; "" when neither exists.
std::string find_fetch_helper();
// Where the package installs it: /usr/libexec/sunbridge.
std::string fetch_helper_dir();

}  // namespace sb::adapters
