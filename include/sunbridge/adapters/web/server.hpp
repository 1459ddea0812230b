// SPDX-License-Identifier: Apache-2.0
// The local web dashboard's HTTP server (docs/dashboard.md): the page and its assets, compiled
// in; the JSON API; the live stream (server-sent events); the login for control. It runs on its
// own fixed pool of threads (cpp-httplib), never on the event loop: every question goes to the
// loop through `WebBackend::submit`, the same requests the control socket takes, and its answer
// comes back; live values come from the LiveFeed the loop fills. A slow or vanished browser
// ties up one of the pool's threads until its write times out, never the loop.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/web/live_feed.hpp"
#include "sunbridge/core/log.hpp"

namespace sb::adapters::web {

struct WebBackend {
  // Hands `request` to the event loop; `reply` is called once, on the loop.
  std::function<void(nlohmann::json request, std::function<void(nlohmann::json)> reply)> submit;
};

class WebServer {
 public:
  // Binds http.host:http.port and starts serving; std::runtime_error when it cannot (the
  // address is taken, the certificate does not load). Start-up only.
  WebServer(const HttpConfig& config, WebBackend backend, LiveFeed& feed, Logger& log);
  // Stops: open streams end, the pool's threads are joined.
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // "http://127.0.0.1:8080/"
  [[nodiscard]] std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::adapters::web
