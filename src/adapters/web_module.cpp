// SPDX-License-Identifier: Apache-2.0
// The dashboard module's entry point (sunbridge-dashboard.so). Everything else in the module is
// hidden (-fvisibility=hidden); what it uses of the daemon (the log, the live feed, the login's
// sessions) it finds in the daemon itself, which exports those symbols for it.
#include <cstring>
#include <exception>

#include "sunbridge/adapters/web/server.hpp"

extern "C" __attribute__((visibility("default"))) sb::adapters::web::Dashboard*
sunbridge_dashboard_start(const char* build, const sb::adapters::HttpConfig& config,
                          sb::adapters::web::WebBackend backend, sb::adapters::web::LiveFeed& feed,
                          sb::Logger& log, std::string& error) {
  if (build == nullptr || std::strcmp(build, SUNBRIDGE_DASHBOARD_BUILD) != 0) {
    error = std::string("the dashboard module is from build ") + SUNBRIDGE_DASHBOARD_BUILD +
            ", the daemon from build " + (build != nullptr ? build : "(none)") +
            ": install both from one package";
    return nullptr;
  }
  // Nothing thrown crosses into the daemon: the reason comes back as text.
  try {
    return new sb::adapters::web::WebServer(config, std::move(backend), feed, log);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "the dashboard failed to start";
  }
  return nullptr;
}
