// SPDX-License-Identifier: Apache-2.0
#include "harness.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>

#include "sunbridge/adapters/ipc_client.hpp"

namespace sb::it {

Sim::Sim(const testkit::TempDir& dir, std::vector<std::string> extra_args, bool pacing,
         const std::string& name)
    : link_(dir.file(name + ".tty")),
      control_(dir.file(name + ".ctl")),
      log_(dir.file(name + ".log")) {
  std::vector<std::string> argv = {SUNBRIDGE_SIM_PATH, "--link",   link_,         "--control",
                                   control_,           "--freeze", "--log-level", "warning"};
  if (!pacing) argv.push_back("--no-pacing");
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<testkit::Process>(argv, log_);
  bool up = testkit::wait_until(
      [&] {
        return adapters::ipc_call(control_, {{"cmd", "ping"}}, 1s).ok();
      },
      10s);
  INFO(log());
  REQUIRE(up);
}

namespace {

void check_clean_exit(testkit::Process& p, const std::string& what, const std::string& log_path) {
  if (!p.running()) return;  // a test stopped it on purpose and checked it itself
  auto code = p.stop(SIGTERM, 10s);
  INFO(what << " log:\n" << testkit::read_file(log_path));
  CHECK(code.has_value());
  CHECK(code.value_or(-1) == 0);
}

}  // namespace

Sim::~Sim() {
  check_clean_exit(*process_, "simulator", log_);
}

json Sim::control(const json& request) {
  auto reply = adapters::ipc_call(control_, request, 10s);
  INFO(request.dump());
  REQUIRE(reply.ok());
  INFO(reply->dump());
  REQUIRE(reply->value("ok", false));
  return *reply;
}

std::string Sim::log() const {
  return testkit::read_file(log_);
}

json fast_config(const testkit::TempDir& dir, const std::string& device, const std::string& name) {
  return {{"inverter",
           {{"device", device},
            {"poll_interval", 0.2},
            {"settings_interval", 1},
            {"inter_transaction_gap_ms", 0},
            {"response_timeout_ms", 150},
            {"byte_timeout_ms", 50},
            {"retries", 1},
            {"offline_after", 2},
            {"backoff_min_ms", 100},
            {"backoff_max_ms", 400},
            {"lock_dir", dir.path()}}},
          {"storage",
           {{"path", dir.file(name + ".db")}, {"commit_interval_s", 1}, {"sample_interval_s", 1}}},
          {"ipc", {{"socket", dir.file(name + ".sock")}}},
          // Tests that poke settings must not race the profile schedule; the settings tests
          // switch it on.
          {"settings", {{"apply", false}}},
          {"log", {{"level", "info"}}}};
}

Daemon::Daemon(const testkit::TempDir& dir, const std::string& device, const json& overrides,
               const std::string& name) {
  json config = fast_config(dir, device, name);
  if (overrides.is_object()) config.merge_patch(overrides);  // merge_patch(null) would erase it
  start(config, dir, name);
}

Daemon::Daemon(const testkit::TempDir& dir, const json& config, const std::string& name,
               const std::vector<std::string>& env) {
  start(config, dir, name, env);
}

Daemon::~Daemon() {
  check_clean_exit(*process_, "daemon", log_);
}

void Daemon::start(const json& config, const testkit::TempDir& dir, const std::string& name,
                   const std::vector<std::string>& env) {
  config_path_ = dir.file(name + ".json");
  socket_ = config["ipc"]["socket"].get<std::string>();
  log_ = dir.file(name + ".log");
  testkit::write_file(config_path_, config.dump(2));
  std::vector<std::string> argv;
  if (!env.empty()) {
    argv.push_back("/usr/bin/env");
    argv.insert(argv.end(), env.begin(), env.end());
  }
  argv.insert(argv.end(), {SUNBRIDGED_PATH, "--config", config_path_});
  process_ = std::make_unique<testkit::Process>(argv, log_);
  bool up = testkit::wait_until(
      [&] {
        return adapters::ipc_call(socket_, {{"cmd", "ping"}}, 1s).ok();
      },
      15s);
  INFO(log());
  REQUIRE(up);
}

json Daemon::call(const json& request) {
  auto reply = adapters::ipc_call(socket_, request, 30s);
  INFO(request.dump());
  INFO(log());
  REQUIRE(reply.ok());
  return *reply;
}

json Daemon::wait_for(const std::function<bool(const json&)>& ready,
                      std::chrono::milliseconds timeout) {
  json last;
  testkit::wait_until(
      [&] {
        last = status();
        return ready(last);
      },
      timeout);
  return last;
}

std::string Daemon::log() const {
  return testkit::read_file(log_);
}

const json& point(const json& status, const std::string& name) {
  static const json kMissing = {{"quality", "missing"}, {"value", nullptr}};
  const auto& points = status.at("points");
  auto it = points.find(name);
  return it == points.end() ? kMissing : *it;
}

bool fresh(const json& status, const std::string& name) {
  return point(status, name).value("quality", "") == "ok";
}

double number(const json& status, const std::string& name) {
  const json& p = point(status, name);
  INFO(name << " = " << p.dump());
  REQUIRE(p.value("quality", "") == "ok");
  REQUIRE(p["value"].is_number());
  return p["value"].get<double>();
}

std::string link_state(const json& status) {
  return status["daemon"]["link"]["state"].get<std::string>();
}

FakeTime::FakeTime(const testkit::TempDir& dir) : path_(dir.file("faketime")) {
  std::string lib;
  for (const char* candidate : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                                "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                                "/usr/lib/faketime/libfaketime.so.1"}) {
    if (::access(candidate, R_OK) == 0) {
      lib = candidate;
      break;
    }
  }
  INFO("libfaketime is missing: run scripts/setup (Debian package libfaketime)");
  REQUIRE(!lib.empty());
  const char* asan = std::getenv("ASAN_OPTIONS");
  set(std::chrono::system_clock::now());
  env_ = {"LD_PRELOAD=" + lib, "FAKETIME_TIMESTAMP_FILE=" + path_, "FAKETIME_NO_CACHE=1",
          "FAKETIME_DONT_FAKE_MONOTONIC=1",
          // libfaketime is preloaded ahead of the sanitizer runtime of an ASan build.
          std::string("ASAN_OPTIONS=") + (asan != nullptr ? std::string(asan) + ":" : "") +
              "verify_asan_link_order=0"};
}

void FakeTime::set(std::chrono::system_clock::time_point t) {
  const auto offset =
      std::chrono::duration_cast<std::chrono::seconds>(t - std::chrono::system_clock::now());
  // Written whole and renamed: the daemon re-reads the file on every clock call.
  const std::string tmp = path_ + ".tmp";
  testkit::write_file(tmp,
                      (offset.count() >= 0 ? "+" : "") + std::to_string(offset.count()) + "\n");
  REQUIRE(std::rename(tmp.c_str(), path_.c_str()) == 0);
}

testkit::RunResult cli(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {SUNBRIDGE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return testkit::run(argv, timeout);
}

}  // namespace sb::it
