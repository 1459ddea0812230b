// SPDX-License-Identifier: Apache-2.0
// The local web dashboard's HTTP server (docs/dashboard.md): the page and its assets, compiled
// in; the JSON API; the live stream (server-sent events); the login for control. It runs on its
// own fixed pool of threads (cpp-httplib), never on the event loop: every question goes to the
// loop through `WebBackend::submit`, the same requests the control socket takes, and its answer
// comes back; live values come from the LiveFeed the loop fills. A slow or vanished browser
// ties up one of the pool's threads until its write times out, never the loop.
// Built into the dashboard module only; the daemon reaches it through load_dashboard.
#pragma once

#include <memory>
#include <string>

#include "sunbridge/adapters/web/dashboard.hpp"

namespace sb::adapters::web {

class WebServer final : public Dashboard {
 public:
  // Binds http.host:http.port and starts serving; std::runtime_error when it cannot (the
  // address is taken, the certificate does not load). Start-up only.
  WebServer(const HttpConfig& config, WebBackend backend, LiveFeed& feed, Logger& log);
  // Stops: open streams end, the pool's threads are joined.
  ~WebServer() override;
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  [[nodiscard]] std::string url() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::adapters::web
