// SPDX-License-Identifier: Apache-2.0
// sunbridge-fetch: sunbridged's helper for the internet besides MQTT. It reads one request (a
// forecast to fetch or an e-mail to send) on standard input, does it with libcurl, writes the
// outcome on standard output and exits. The daemon runs it for each request so that it never
// maps libcurl itself (adapters/outbound.hpp). Nothing is logged: the request can hold the
// mail server's password.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <variant>

#include "sunbridge/adapters/curl_outbound.hpp"
#include "sunbridge/adapters/fetch_protocol.hpp"
#include "sunbridge/core/version.hpp"

namespace {

bool write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

sb::Result<std::string> read_request() {
  std::string input;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sb::Error::io(errno, "cannot read the request");
    if (n == 0) return input;
    input.append(buffer, static_cast<std::size_t>(n));
    if (input.size() > sb::adapters::kMaxFetchMessageBytes) {
      return sb::Error::malformed("the request is too large");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sb::adapters;
  if (argc > 1) {
    const bool version = std::strcmp(argv[1], "--version") == 0;
    std::printf(version ? "sunbridge-fetch %s\n"
                        : "sunbridge-fetch %s: sunbridged's helper for forecasts and e-mail.\n"
                          "It takes one request on standard input from the daemon; it is not\n"
                          "meant to be run by hand.\n",
                sb::version_string().c_str());
    return version || std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  const auto outcome = [&]() -> sb::Result<std::string> {
    auto input = read_request();
    if (!input) return input.error();
    auto request = decode_fetch_request(*input);
    if (!request) {
      sb::Error e = request.error();
      e.detail = "sunbridge-fetch could not read the request: " + e.detail;
      return e;
    }
    auto outbound = make_curl_outbound();
    if (const auto* get = std::get_if<FetchGet>(&*request)) {
      return outbound->get(get->url, get->options);
    }
    const auto& mail = std::get<FetchMail>(*request);
    if (sb::Status sent = outbound->mail(mail.server, mail.message, mail.now); !sent) {
      return sent.error();
    }
    return std::string();
  }();
  return write_all(encode_fetch_reply(outcome)) ? 0 : 1;
}
