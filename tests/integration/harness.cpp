// SPDX-License-Identifier: Apache-2.0
#include "harness.hpp"

#include <cmath>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/prctl.h>

#include <filesystem>
#include <map>
#include <optional>

#include "sunbridge/adapters/ipc_client.hpp"

namespace sb::it {

namespace {

// `argv` run through /usr/bin/env with the KEY=VALUE settings `env` (none: argv as it is).
std::vector<std::string> with_env(const std::vector<std::string>& env,
                                  const std::vector<std::string>& argv) {
  if (env.empty()) return argv;
  std::vector<std::string> out = {"/usr/bin/env"};
  out.insert(out.end(), env.begin(), env.end());
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// LD_PRELOAD of libfaketime for a sanitizer build; the caller adds how the time is faked.
std::vector<std::string> faketime_preload() {
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
  return {"LD_PRELOAD=" + lib, "FAKETIME_DONT_FAKE_MONOTONIC=1",
          // libfaketime is preloaded ahead of the sanitizer runtime of an ASan build.
          std::string("ASAN_OPTIONS=") + (asan != nullptr ? std::string(asan) + ":" : "") +
              "verify_asan_link_order=0"};
}

// How far SUNBRIDGE_TEST_DATE is from the real clock, fixed once per test process so that every
// product process it starts shares one fake clock.
std::optional<std::chrono::seconds> default_offset() {
  static const std::optional<std::chrono::seconds> offset =
      []() -> std::optional<std::chrono::seconds> {
    const char* date = std::getenv("SUNBRIDGE_TEST_DATE");
    if (date == nullptr || *date == '\0') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(date, "%d-%u-%u", &y, &m, &d) != 3) {
      FAIL("SUNBRIDGE_TEST_DATE must be YYYY-MM-DD, not '" << date << "'");
    }
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                          std::chrono::day(d)};
    if (!ymd.ok()) FAIL("SUNBRIDGE_TEST_DATE is not a date: '" << date << "'");
    // Noon in Japan (UTC+9, no daylight saving) is 03:00 UTC.
    const auto noon_jst = std::chrono::sys_days(ymd) + std::chrono::hours(3);
    return std::chrono::duration_cast<std::chrono::seconds>(noon_jst -
                                                            std::chrono::system_clock::now());
  }();
  return offset;
}

}  // namespace

std::vector<std::string> default_time_env() {
  const auto offset = default_offset();
  if (!offset) return {};
  std::vector<std::string> env = faketime_preload();
  env.push_back("FAKETIME=" + std::string(offset->count() >= 0 ? "+" : "") +
                std::to_string(offset->count()));
  return env;
}

std::chrono::system_clock::time_point spring_noon() {
  using namespace std::chrono;
  return sys_days(year_month_day{year(2026), month(5), day(10)}) + hours(3);  // 12:00 UTC+9
}

std::chrono::system_clock::time_point product_now() {
  return std::chrono::system_clock::now() + default_offset().value_or(std::chrono::seconds(0));
}

Sim::Sim(const testkit::TempDir& dir, std::vector<std::string> extra_args, bool pacing,
         const std::string& name)
    : link_(dir.file(name + ".tty")),
      control_(dir.file(name + ".ctl")),
      log_(dir.file(name + ".log")) {
  std::vector<std::string> argv = {SUNBRIDGE_SIM_PATH, "--link",   link_,         "--control",
                                   control_,           "--freeze", "--log-level", "warning"};
  if (!pacing) argv.push_back("--no-pacing");
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<testkit::Process>(with_env(default_time_env(), argv), log_);
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
          // Test machines (CI included) often run no NTP client: the kernel says "unsynchronised"
          // forever although the time is right. The clock tests choose "kernel" themselves.
          {"site", {{"time_source", "trust"}}},
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
  process_ = std::make_unique<testkit::Process>(
      with_env(env.empty() ? default_time_env() : env, {SUNBRIDGED_PATH, "--config", config_path_}),
      log_);
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
  const bool in_time = testkit::wait_until(
      [&] {
        last = status();
        return ready(last);
      },
      timeout);
  // A wait that ran out is a failure here, with what was seen, not a surprise later.
  INFO("waited " << timeout.count() << " ms for the daemon's status; the last one:\n"
                 << last.dump().substr(0, 4000));
  CHECK(in_time);
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

int check_equals_simulator(const json& status, const json& dump) {
  int compared = 0;
  for (const auto& [name, value] : dump["values"].items()) {
    INFO(name);
    REQUIRE(fresh(status, name));
    CHECK(std::fabs(number(status, name) - value.get<double>()) < 1e-6);
    ++compared;
  }
  return compared;
}

bool fresh(const json& status, const std::string& name) {
  return point(status, name).value("quality", "") == "ok";
}

std::optional<double> maybe_number(const json& status, const std::string& name) {
  const json& p = point(status, name);
  if (p.value("quality", "") != "ok" || !p["value"].is_number()) return std::nullopt;
  return p["value"].get<double>();
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
  set(product_now());
  env_ = faketime_preload();
  env_.insert(env_.end(), {"FAKETIME_TIMESTAMP_FILE=" + path_, "FAKETIME_NO_CACHE=1"});
}

std::vector<std::string> FakeTime::fixed_env() const {
  std::vector<std::string> env = faketime_preload();
  env.push_back("FAKETIME=" + std::string(offset_.count() >= 0 ? "+" : "") +
                std::to_string(offset_.count()));
  return env;
}

void FakeTime::set(std::chrono::system_clock::time_point t) {
  const auto offset =
      std::chrono::duration_cast<std::chrono::seconds>(t - std::chrono::system_clock::now());
  offset_ = offset;
  // Written whole and renamed: the daemon re-reads the file on every clock call.
  const std::string tmp = path_ + ".tmp";
  testkit::write_file(tmp,
                      (offset.count() >= 0 ? "+" : "") + std::to_string(offset.count()) + "\n");
  REQUIRE(std::rename(tmp.c_str(), path_.c_str()) == 0);
}

namespace {
// The parent pid in /proc/<pid>/stat: the field after the state, after the name's ")".
pid_t parent_of(const std::string& stat) {
  const auto end = stat.rfind(") ");
  if (end == std::string::npos || end + 4 >= stat.size()) return 0;
  return static_cast<pid_t>(std::atol(stat.c_str() + end + 4));
}

std::string read_proc(const std::filesystem::path& dir, const char* what) {
  std::string text = testkit::read_file(dir.string() + "/" + what);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0'))
    text.pop_back();
  return text;
}
}  // namespace

void adopt_orphans() {
  REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
}

std::string describe_processes(const std::string& name) {
  struct Entry {
    pid_t parent = 0;
    std::string stat;
    std::filesystem::path dir;
  };
  std::map<pid_t, Entry> processes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_proc(entry.path(), "stat");
    if (stat.empty()) continue;  // it ended meanwhile
    processes[static_cast<pid_t>(std::atol(pid.c_str()))] = {parent_of(stat), std::move(stat),
                                                             entry.path()};
  }
  const pid_t self = ::getpid();
  const auto descends_from_self = [&](pid_t pid) {
    for (int depth = 0; depth < 64 && pid > 1; ++depth) {
      const auto it = processes.find(pid);
      if (it == processes.end()) return false;
      pid = it->second.parent;
      if (pid == self) return true;
    }
    return false;
  };
  std::string out;
  for (const auto& [pid, entry] : processes) {
    if (!descends_from_self(pid) || read_proc(entry.dir, "comm") != name) continue;
    const auto state = entry.stat.rfind(") ");
    const std::string letter = state == std::string::npos ? "?" : entry.stat.substr(state + 2, 1);
    if (letter == "Z") continue;  // ended, not yet reaped: not running
    out += name + " pid " + std::to_string(pid) + ": state " + letter + ", wchan " +
           read_proc(entry.dir, "wchan") + ", syscall " + read_proc(entry.dir, "syscall") + "\n";
  }
  return out.empty() ? name + ": none running" : out;
}

testkit::RunResult cli(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {SUNBRIDGE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return testkit::run(with_env(default_time_env(), argv), timeout);
}

json events_of(Daemon& d, const std::string& kind) {
  json out = json::array();
  const json reply = d.call({{"cmd", "events"}, {"since_s", 300 * 86400}});
  for (const auto& e : reply["events"]) {  // a range-for over a temporary's member would dangle
    if (e.value("kind", "") == kind) out.push_back(e);
  }
  return out;
}

}  // namespace sb::it
