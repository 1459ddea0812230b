// SPDX-License-Identifier: Apache-2.0
// Forecast fetches and e-mail through sunbridge-fetch: one short-lived process per request, so
// libcurl, its TLS library and its protocol libraries are mapped only while one runs (and never
// in the daemon), and a fault in any of them cannot take the daemon down.
#include <unistd.h>

#include "sunbridge/adapters/fetch_protocol.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/run_program.hpp"

namespace sb::adapters {

namespace {

constexpr const char* kHelperName = "sunbridge-fetch";
constexpr std::size_t kReplyHeaderBytes = 64u << 10;

class HelperOutbound final : public Outbound {
 public:
  HelperOutbound(std::string helper_path, std::chrono::seconds spare)
      : helper_(std::move(helper_path)), spare_(spare) {}

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

 private:
  Result<std::string> exchange(const std::string& request, std::chrono::seconds timeout,
                               std::size_t max_reply_bytes) {
    if (helper_.empty()) {
      return Error::invalid(std::string(kHelperName) +
                            " (which fetches forecasts and sends e-mail) is not installed "
                            "beside sunbridged or in " +
                            fetch_helper_dir());
    }
    auto run = run_program({helper_}, request, timeout + spare_, max_reply_bytes);
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
};

}  // namespace

std::unique_ptr<Outbound> make_helper_outbound(std::string helper_path,
                                               std::chrono::seconds spare) {
  return std::make_unique<HelperOutbound>(std::move(helper_path), spare);
}

std::string fetch_helper_dir() {
  return SUNBRIDGE_HELPER_DIR;
}

std::string find_fetch_helper() {
  return find_installed_file(kHelperName, fetch_helper_dir(), X_OK);
}

}  // namespace sb::adapters
