// SPDX-License-Identifier: Apache-2.0
// Integration harness: the real simulator and daemon binaries, each in its own process, talking
// over a real pseudo-terminal with real libmodbus on both sides.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "testkit/process.hpp"

namespace sb::it {

using nlohmann::json;
using namespace std::chrono_literals;

class Sim {
 public:
  // Frozen (values change only when a test sets them) and, unless `pacing`, unpaced.
  Sim(const testkit::TempDir& dir, std::vector<std::string> extra_args = {}, bool pacing = false,
      const std::string& name = "sim");
  // Stops it with SIGTERM and checks it exits cleanly (a sanitizer report at exit fails here).
  ~Sim();
  // A control request; the test fails if the simulator refuses it.
  json control(const json& request);
  json dump() { return control({{"cmd", "dump"}}); }
  void set(const std::string& point, double value) {
    control({{"cmd", "set"}, {"name", point}, {"value", value}});
  }
  [[nodiscard]] const std::string& link() const { return link_; }
  [[nodiscard]] std::string log() const;
  testkit::Process& process() { return *process_; }

 private:
  std::string link_;
  std::string control_;
  std::string log_;
  std::unique_ptr<testkit::Process> process_;
};

// Fast timings so that fault tests take seconds, not minutes.
json fast_config(const testkit::TempDir& dir, const std::string& device,
                 const std::string& name = "d");

class Daemon {
 public:
  Daemon(const testkit::TempDir& dir, const std::string& device, const json& overrides = {},
         const std::string& name = "d");
  // `env`: KEY=VALUE settings for the daemon's environment (e.g. libfaketime).
  Daemon(const testkit::TempDir& dir, const json& config, const std::string& name,
         const std::vector<std::string>& env = {});
  // Stops it with SIGTERM and checks it exits with 0 (no crash, no sanitizer report).
  ~Daemon();

  // One request over the control socket; REQUIRE-s that it was answered.
  json call(const json& request);
  json status() { return call({{"cmd", "status"}}); }
  // Polls `status` until `ready(status)`; a timeout is a test failure (CHECK) showing the last
  // status seen, which it returns.
  json wait_for(const std::function<bool(const json&)>& ready,
                std::chrono::milliseconds timeout = 15s);
  [[nodiscard]] const std::string& config_path() const { return config_path_; }
  [[nodiscard]] const std::string& socket() const { return socket_; }
  [[nodiscard]] std::string log() const;
  testkit::Process& process() { return *process_; }

 private:
  void start(const json& config, const testkit::TempDir& dir, const std::string& name,
             const std::vector<std::string>& env = {});
  std::string config_path_;
  std::string socket_;
  std::string log_;
  std::unique_ptr<testkit::Process> process_;
};

// Helpers on a status reply.
const json& point(const json& status, const std::string& name);
bool fresh(const json& status, const std::string& name);
// REQUIRE-s a fresh number: for assertions, never inside a wait condition.
double number(const json& status, const std::string& name);
// Checks that every numeric value of a simulator `dump` is fresh in `status` with exactly that
// value (all are multiples of their register scale); returns how many were compared.
int check_equals_simulator(const json& status, const json& dump);
// The fresh number, if there is one: for wait conditions.
std::optional<double> maybe_number(const json& status, const std::string& name);
std::string link_state(const json& status);
// The recorded events of one kind, oldest first (the last 300 days of the daemon's clock).
json events_of(Daemon& d, const std::string& kind);

// The daemon's wall clock under libfaketime (FAKETIME_TIMESTAMP_FILE, re-read on every call):
// the whole process lives at another date, with no test hook in the product. Monotonic time
// stays real so timers keep their pace.
class FakeTime {
 public:
  explicit FakeTime(const testkit::TempDir& dir);
  // From now on the daemon's clock reads `t` (and runs on from there).
  void set(std::chrono::system_clock::time_point t);
  // What the faked processes' clock reads now.
  [[nodiscard]] std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::now() + offset_;
  }
  [[nodiscard]] const std::vector<std::string>& env() const { return env_; }
  // For a process whose date never moves after start: the offset set last, in the environment
  // instead of a file read on every clock call (much cheaper for Paho's busy timer thread, which
  // matters under ThreadSanitizer).
  [[nodiscard]] std::vector<std::string> fixed_env() const;

 private:
  std::string path_;
  std::chrono::seconds offset_{0};
  std::vector<std::string> env_;
};

// Every running process named `name` that descends from this test process, with what it is
// blocked in (its state, kernel wait channel and system call), or "none running". Other tests
// run beside this one (ctest -j) and have their own; they are not counted.
std::string describe_processes(const std::string& name);

// Makes this test process adopt the processes its children leave behind when they end (Linux's
// child subreaper), so describe_processes still finds, say, a helper a stopped daemon did not end.
void adopt_orphans();

testkit::RunResult cli(const std::vector<std::string>& args,
                       std::chrono::milliseconds timeout = 30s);

// The date every product process (simulator, daemon, CLI) runs at when a test does not pin its
// own: SUNBRIDGE_TEST_DATE=YYYY-MM-DD (noon in Japan) runs the whole suite in another season
// through libfaketime; unset, they run at today's date. The test process itself keeps the real
// clock, so anything it stamps for the daemon (signed commands) takes product_now().
std::vector<std::string> default_time_env();
// 2026-05-10 12:00 in Japan: a spring day, for tests whose expectations are the spring/autumn rows
// (and the simulator's defaults, which are the spring/autumn Type B row).
std::chrono::system_clock::time_point spring_noon();
std::chrono::system_clock::time_point product_now();

}  // namespace sb::it
