// SPDX-License-Identifier: Apache-2.0
// Forecast fetches and e-mail through sunbridge-fetch: one short-lived process per request, so
// libcurl, its TLS library and its protocol libraries are mapped only while one runs (and never
// in the daemon), and a fault in any of them cannot take the daemon down.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <string_view>

#include "sunbridge/adapters/fetch_protocol.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/run_program.hpp"

extern char** environ;

namespace sb::adapters {

namespace {

constexpr const char* kHelperName = "sunbridge-fetch";
constexpr std::size_t kReplyHeaderBytes = 64u << 10;

// What libcurl reads (its proxy variables, in both cases where it accepts both), what OpenSSL
// reads (its configuration and certificate locations), PATH, and what a sanitizer build of the
// helper reads, so that a test run's options hold in the helper too.
constexpr std::array<std::string_view, 17> kHelperVariables = {"PATH",
                                                               "http_proxy",
                                                               "https_proxy",
                                                               "HTTPS_PROXY",
                                                               "all_proxy",
                                                               "ALL_PROXY",
                                                               "no_proxy",
                                                               "NO_PROXY",
                                                               "SSL_CERT_FILE",
                                                               "SSL_CERT_DIR",
                                                               "OPENSSL_CONF",
                                                               "OPENSSL_MODULES",
                                                               "ASAN_OPTIONS",
                                                               "UBSAN_OPTIONS",
                                                               "LSAN_OPTIONS",
                                                               "TSAN_OPTIONS",
                                                               "ASAN_SYMBOLIZER_PATH"};

class HelperOutbound final : public Outbound {
 public:
  HelperOutbound(std::string helper_path, std::chrono::seconds spare,
                 std::chrono::milliseconds stop_grace)
      : helper_(std::move(helper_path)), spare_(spare), stop_grace_(stop_grace) {}

  Result<std::string> get(const std::string& url, const HttpOptions& options) override {
    return exchange(encode_fetch_request(FetchGet{url, options}), options.timeout,
                    options.max_bytes + kReplyHeaderBytes);
  }

  Status mail(const EmailConfig& server, const MailMessage& message, WallTime now) override {
    auto reply = exchange(encode_fetch_request(FetchMail{server, message, now}), server.timeout,
                          kReplyHeaderBytes);
    if (!reply) return reply.error();
    return {};
  }

  void stop() override { stopping_ = true; }

 private:
  Result<std::string> exchange(const std::string& request, std::chrono::seconds timeout,
                               std::size_t max_reply_bytes) {
    if (helper_.empty()) {
      return Error::invalid(std::string(kHelperName) +
                            " (which fetches forecasts and sends e-mail) is not installed "
                            "beside sunbridged or in " +
                            fetch_helper_dir());
    }
    if (stopping_) return Error::timeout("not started: the daemon is stopping");
    const std::vector<std::string> environment = helper_environment(environ);
    RunOptions options;
    options.max_output_bytes = max_reply_bytes;
    options.environment = &environment;
    options.stop = &stopping_;
    options.stop_grace = stop_grace_;
    auto run = run_program({helper_}, request, timeout + spare_, options);
    if (!run) return run.error();
    if (run->exit_status != 0) return Error::io(0, describe_failure({helper_}, *run));
    auto reply = decode_fetch_reply(run->output);
    if (!reply && run->output.size() >= max_reply_bytes) {
      return Error::malformed("the reply exceeds " + std::to_string(max_reply_bytes) + " bytes");
    }
    return reply;
  }

  std::string helper_;
  std::chrono::seconds spare_;
  std::chrono::milliseconds stop_grace_;
  std::atomic<bool> stopping_{false};
};

}  // namespace

std::unique_ptr<Outbound> make_helper_outbound(std::string helper_path, std::chrono::seconds spare,
                                               std::chrono::milliseconds stop_grace) {
  return std::make_unique<HelperOutbound>(std::move(helper_path), spare, stop_grace);
}

std::vector<std::string> helper_environment(const char* const* environment) {
  std::vector<std::string> kept;
  for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = text.substr(0, equals);
    if (std::find(kHelperVariables.begin(), kHelperVariables.end(), name) !=
        kHelperVariables.end()) {
      kept.emplace_back(text);
    }
  }
  return kept;
}

std::string fetch_helper_dir() {
  return SUNBRIDGE_HELPER_DIR;
}

std::string find_fetch_helper() {
  return find_installed_file(kHelperName, fetch_helper_dir(), X_OK);
}

}  // namespace sb::adapters
