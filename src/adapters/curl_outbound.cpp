// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/curl_outbound.hpp"

namespace sb::adapters {

namespace {

class CurlOutbound final : public Outbound {
 public:
  Result<std::string> get(const std::string& url, const HttpOptions& options) override {
    return http_get(url, options);
  }
  Status mail(const EmailConfig& server, const MailMessage& message, WallTime now) override {
    return send_mail(server, message, now);
  }
};

}  // namespace

std::unique_ptr<Outbound> make_curl_outbound() {
  return std::make_unique<CurlOutbound>();
}

}  // namespace sb::adapters
