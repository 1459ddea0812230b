// SPDX-License-Identifier: Apache-2.0
// A one-thread HTTP/1.0 server on 127.0.0.1 (ephemeral port) for offline tests of the forecast
// providers: every request gets the configured status and body. Loopback only.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::testkit {

class HttpServer {
 public:
  HttpServer();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void respond(int status, std::string body, std::chrono::milliseconds delay = {});
  [[nodiscard]] std::string url(const std::string& path = "/") const;
  [[nodiscard]] std::vector<std::string> request_lines() const;  // "GET /path HTTP/1.1"

 private:
  void serve();
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  int status_ = 200;
  std::string body_;
  std::chrono::milliseconds delay_{0};
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace sb::testkit
