// SPDX-License-Identifier: Apache-2.0
// The web dashboard as the daemon sees it. Its HTTP server lives in a module of its own
// (sunbridge-dashboard.so, docs/dashboard.md), which the daemon loads only when the dashboard is
// switched on: the HTTP library Debian ships initialises OpenSSL as soon as it is loaded, and a
// daemon that kept it would carry OpenSSL's configuration and error strings (with the library,
// about 2 MB of resident memory, docs/benchmarks.md "Memory") whether or not anyone ever opens
// the page.
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

// A running dashboard; destroying it stops it (open streams end, its threads are joined).
class Dashboard {
 public:
  virtual ~Dashboard() = default;
  // "http://127.0.0.1:8080/"
  [[nodiscard]] virtual std::string url() const = 0;
};

// The module's one entry point, looked up by this name. It starts the dashboard (binds and
// serves), or returns null with the reason in `error`. `build` is the daemon's build
// (SUNBRIDGE_DASHBOARD_BUILD, version and revision): a module from another build is refused
// rather than run against code it was not compiled with.
using StartDashboardFn = Dashboard* (*)(const char* build, const HttpConfig& config,
                                        WebBackend backend, LiveFeed& feed, Logger& log,
                                        std::string& error);
inline constexpr const char* kStartDashboardSymbol = "sunbridge_dashboard_start";
inline constexpr const char* kDashboardModuleName = "sunbridge-dashboard.so";

// Loads the module (beside the running program, as in a build tree, or where the package puts
// it) and starts the dashboard. std::runtime_error with the reason when the module is missing,
// from another build, or the server cannot start (the address is taken, the certificate does
// not load). Start-up only. The module stays loaded until the process ends.
std::unique_ptr<Dashboard> load_dashboard(const HttpConfig& config, WebBackend backend,
                                          LiveFeed& feed, Logger& log);

// Where the package installs the module ("/usr/lib/<architecture>/sunbridge").
std::string dashboard_module_dir();
// Why the dashboard cannot be loaded because its module is not installed; empty when it is
// (`sunbridged --check-config` asks before anything starts).
std::string dashboard_module_missing();

}  // namespace sb::adapters::web
