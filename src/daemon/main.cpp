// SPDX-License-Identifier: Apache-2.0
// sunbridged: the gateway daemon. See README.md and docs/configuration.md.
#include <malloc.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/outbound.hpp"
#include "sunbridge/adapters/register_map_file.hpp"
#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/adapters/web/auth.hpp"
#include "sunbridge/adapters/web/dashboard.hpp"
#include "sunbridge/app/daemon.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/core/time_sync.hpp"
#include "sunbridge/core/version.hpp"

namespace {

// The profile files, the mode and the register map, read from the loaded configuration or, when
// the file has other problems, from its raw text: every problem is reported in one pass.
std::vector<std::string> check_profiles_and_map(const sb::adapters::ConfigLoad& load,
                                                const std::string& path) {
  std::string mode = "type-b", directory, baseline, map_path;
  sb::adapters::TariffConfig tariff;
  if (load.config) {
    mode = load.config->profiles.mode;
    directory = load.config->profiles.directory;
    baseline = load.config->profiles.baseline_path;
    map_path = load.config->inverter.register_map_path;
    tariff = load.config->tariff;
  } else {
    std::ifstream in(path);
    const auto raw = nlohmann::json::parse(in, nullptr, false);
    if (raw.is_discarded() || !raw.is_object()) return {};  // the syntax error says it all
    auto text_at = [&](const char* section, const char* key, std::string& out) {
      if (raw.contains(section) && raw[section].is_object() && raw[section].contains(key) &&
          raw[section][key].is_string()) {
        out = raw[section][key].get<std::string>();
        return true;
      }
      return false;
    };
    if (!text_at("profiles", "mode", mode)) mode.clear();  // its own issue, if any, says so
    text_at("profiles", "directory", directory);
    text_at("profiles", "baseline", baseline);
    text_at("inverter", "register_map", map_path);
    text_at("tariff", "name", tariff.name);
    text_at("tariff", "directory", tariff.directory);
    const auto dir = std::filesystem::path(path).parent_path();
    auto relative = [&](std::string& p) {
      if (!p.empty() && std::filesystem::path(p).is_relative()) p = (dir / p).string();
    };
    relative(directory);
    relative(baseline);
    relative(map_path);
    relative(tariff.directory);
  }
  std::vector<std::string> problems;
  auto attempt = [&](const auto& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  };
  attempt([&] { (void)sb::adapters::load_register_map(map_path); });
  attempt([&] { (void)sb::app::load_baseline(baseline); });
  attempt([&] {
    auto library = sb::app::load_profile_library(directory);
    if (!mode.empty() && library.find(mode) == nullptr) {
      throw std::runtime_error(path + ": profiles.mode: no profile named '" + mode +
                               "' (available: " + sb::join(library.names(), ", ") + ")");
    }
  });
  attempt([&] {
    try {
      (void)sb::app::TariffService(tariff);
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ": " + e.what());
    }
  });
  return problems;
}

// The installed programs this configuration needs and lacks: the fetch helper (forecasts and
// e-mail go out through it, so the daemon never maps libcurl) and the dashboard's module.
std::vector<std::string> missing_programs(const sb::adapters::Config& config) {
  std::vector<std::string> missing;
  if ((config.email.enabled || sb::adapters::fetched_over_network(config.profiles.weather)) &&
      sb::adapters::find_fetch_helper().empty()) {
    missing.push_back(
        "sunbridge-fetch, which fetches forecasts and sends e-mail, is not installed beside "
        "sunbridged or in " +
        sb::adapters::fetch_helper_dir() + "; reinstall the sunbridge package");
  }
  if (config.http.enabled) {
    if (std::string why = sb::adapters::web::dashboard_module_missing(); !why.empty())
      missing.push_back(std::move(why));
  }
  return missing;
}

int check_config(const std::string& path) {
  auto load = sb::adapters::load_config_file(path);
  auto more = check_profiles_and_map(load, path);
  // What a valid configuration needs installed: found here rather than when the daemon starts.
  if (load.config) {
    for (auto& m : missing_programs(*load.config))
      more.push_back(path + ": " + m);
  }
  if (!load.config || !more.empty()) {
    std::cerr << sb::schema::format_issues(load.issues, path);
    for (const auto& m : more)
      std::cerr << m << "\n";
    std::cerr << path << ": " << load.issues.size() + more.size()
              << " problem(s); configuration rejected\n";
    return 2;
  }
  for (const auto& w : load.warnings)
    std::cerr << "warning: " << w << "\n";
  std::cout << path << ": OK. Effective configuration (defaults filled in, secrets hidden):\n"
            << sb::adapters::redacted(load.config->effective).dump(2) << "\n";
  return 0;
}

// The dashboard password's hash, for http.password_hash. The password is read from standard
// input (not echoed on a terminal), never from the command line, where other users see it.
int print_password_hash() {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << "dashboard password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (password.size() < 8) {
    std::cerr << "sunbridged: the password needs at least 8 characters\n";
    return 2;
  }
  std::cout << sb::adapters::web::hash_password(password) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena for all threads: the daemon's threads (event loop, one per bus, the MQTT
  // library's) allocate little and rarely at once, and each extra arena kept about 30 kB of
  // written memory resident for nothing (docs/benchmarks.md, memory).
  ::mallopt(M_ARENA_MAX, 1);
  CLI::App app{"sunbridged - edge controller for an SRNE/LVYUAN hybrid inverter"};
  std::string config_path;
  std::string check_path;
  std::string log_level;
  bool version = false;
  app.add_option("--config,-c", config_path,
                 "configuration file (JSON); built-in defaults if omitted")
      ->check(CLI::ExistingFile);
  app.add_option("--check-config", check_path,
                 "check a configuration file, print every problem or the effective settings, exit");
  app.add_option("--log-level", log_level, "override log.level")
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  app.add_flag("--version", version, "print the version and exit");
  bool hash_password = false;
  app.add_flag("--hash-password", hash_password,
               "read the dashboard password from standard input, print the line for "
               "http.password_hash, exit");
  CLI11_PARSE(app, argc, argv);
  if (hash_password) return print_password_hash();

  if (version) {
    std::cout << "sunbridged " << sb::version_string() << "\n";
    return 0;
  }
  if (!check_path.empty()) return check_config(check_path);

  sb::adapters::Config config;
  std::vector<std::string> config_warnings;
  if (config_path.empty()) {
    config = sb::adapters::default_config();
  } else {
    auto load = sb::adapters::load_config_file(config_path);
    if (!load.config) {
      std::cerr << sb::schema::format_issues(load.issues, config_path);
      std::cerr << "sunbridged: " << load.issues.size()
                << " problem(s) in the configuration; not starting\n";
      return 2;
    }
    config = std::move(*load.config);
    config_warnings = std::move(load.warnings);
  }
  if (!log_level.empty()) config.log_level = *sb::parse_log_level(log_level);

  sb::Logger log(config.log_level);
  for (const auto& w : config_warnings)
    log.warn("config", w);
  if (sb::Status tz = sb::set_process_timezone(config.site.timezone); !tz) {
    log.error("sunbridged", tz.error().describe());
    return 2;
  }
  // Before any thread exists: signals are taken by the event loop's signalfd, and every thread
  // inherits this mask. A vanished socket peer must be an error value, not a SIGPIPE.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (const auto missing = missing_programs(config); !missing.empty()) {
    for (const auto& m : missing)
      log.error("sunbridged", "cannot start: " + m);
    return 1;
  }
  const auto outbound = sb::adapters::make_helper_outbound(sb::adapters::find_fetch_helper());

  sb::SystemClock clock;
  const auto time_source = sb::make_time_sync(config.site.time_source);
  try {
    sb::app::Daemon daemon(std::move(config), clock, *time_source, log, *outbound);
    return daemon.run();
  } catch (const std::exception& e) {
    log.error("sunbridged", std::string("cannot start: ") + e.what());
    return 1;
  }
}
