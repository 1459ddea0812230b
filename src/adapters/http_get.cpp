// SPDX-License-Identifier: Apache-2.0
// libcurl easy interface: one blocking GET on the caller's (network worker) thread.
#include <curl/curl.h>

#include <mutex>

#include "sunbridge/adapters/curl_global.hpp"
#include "sunbridge/adapters/weather.hpp"

namespace sb::adapters {

namespace {

struct Sink {
  std::string body;
  std::size_t max_bytes = 0;
  bool overflow = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->body.size() + n > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer
  }
  sink->body.append(data, n);
  return n;
}

}  // namespace

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::string> http_get(const std::string& url, const HttpOptions& options) {
  curl_global_init_once();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Error::io(0, "libcurl: cannot create a handle");
  Sink sink;
  sink.max_bytes = options.max_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip if offered
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  const std::string what = errbuf[0] != 0 ? std::string(errbuf) : curl_easy_strerror(rc);
  if (sink.overflow) {
    return Error::malformed("response from " + url + " exceeds " +
                            std::to_string(options.max_bytes) + " bytes");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) return Error::timeout("GET " + url + ": " + what);
  if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
      rc == CURLE_COULDNT_RESOLVE_PROXY) {
    return Error::disconnected("GET " + url + ": " + what);
  }
  if (rc != CURLE_OK) return Error::io(0, "GET " + url + ": " + what);
  if (status != 200) {
    return Error::io(0, "GET " + url + ": HTTP " + std::to_string(status));
  }
  return std::move(sink.body);
}

}  // namespace sb::adapters
