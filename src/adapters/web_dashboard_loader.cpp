// SPDX-License-Identifier: Apache-2.0
// Loads the dashboard module when the dashboard is on (why it is a module: dashboard.hpp).
#include <dlfcn.h>
#include <unistd.h>

#include <stdexcept>

#include "sunbridge/adapters/run_program.hpp"
#include "sunbridge/adapters/web/dashboard.hpp"

namespace sb::adapters::web {

std::string dashboard_module_dir() {
  return SUNBRIDGE_MODULE_DIR;
}

namespace {
std::string find_module() {
  return find_installed_file(kDashboardModuleName, dashboard_module_dir(), R_OK);
}

std::string not_installed() {
  return std::string("http.listen: the dashboard (") + kDashboardModuleName +
         ") is not installed beside sunbridged or in " + dashboard_module_dir() +
         "; reinstall the sunbridge package";
}
}  // namespace

std::string dashboard_module_missing() {
  return find_module().empty() ? not_installed() : "";
}

std::unique_ptr<Dashboard> load_dashboard(const HttpConfig& config, WebBackend backend,
                                          LiveFeed& feed, Logger& log) {
  const std::string path = find_module();
  if (path.empty()) throw std::runtime_error(not_installed());
  // Never closed: its threads are gone once the dashboard is destroyed, but the HTTP library's
  // own state lives until the process ends.
  void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module == nullptr) {
    const char* why = ::dlerror();
    throw std::runtime_error("http.listen: cannot load the dashboard " + path + ": " +
                             (why != nullptr ? why : "unknown reason"));
  }
  auto start = reinterpret_cast<StartDashboardFn>(::dlsym(module, kStartDashboardSymbol));
  if (start == nullptr) {
    throw std::runtime_error("http.listen: " + path + " is not a sunbridge dashboard module");
  }
  std::string error;
  std::unique_ptr<Dashboard> dashboard(
      start(SUNBRIDGE_DASHBOARD_BUILD, config, std::move(backend), feed, log, error));
  if (!dashboard) throw std::runtime_error(error);
  return dashboard;
}

}  // namespace sb::adapters::web
