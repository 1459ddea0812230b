// SPDX-License-Identifier: Apache-2.0
#include "bench/cli.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/run_program.hpp"
#include "testkit/process.hpp"

extern char** environ;

namespace sb::bench {

namespace {

// Starts argv with its output to /dev/null and waits for it (blocking, no polling: nothing of
// the harness is in the figure); its exit status, -1 when it could not start.
int spawn_and_wait(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = argv;
  std::vector<char*> cargs = adapters::exec_argv(args);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, cargs[0], &actions, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Median wall time of `runs` runs of argv, in ms; negative when a run failed.
double median_wall_ms(const std::vector<std::string>& argv, int runs) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const int status = spawn_and_wait(argv);
    const auto t1 = std::chrono::steady_clock::now();
    if (status != 0) return -1;
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// The shared objects the dynamic loader maps for `program` (ld.so lists them and stops when
// LD_TRACE_LOADED_OBJECTS is set), the vDSO left out.
int shared_libraries(const std::string& program) {
  const auto r = testkit::run({"/usr/bin/env", "LD_TRACE_LOADED_OBJECTS=1", program},
                              std::chrono::seconds(10));
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("linux-vdso") != std::string::npos) continue;
    if (line.find('/') != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

int run_cli(const CliOptions& opt) {
  testkit::TempDir dir("sunbridge-bench-cli");
  const std::string link = dir.file("inverter.tty"), socket = dir.file("d.sock");
  testkit::Process sim({opt.sim_path, "--link", link, "--freeze", "--log-level", "error"},
                       dir.file("sim.log"));
  if (!testkit::wait_until([&] { return std::filesystem::exists(link); },
                           std::chrono::seconds(10))) {
    std::fprintf(stderr, "sunbridge-bench: the simulator did not start\n");
    return 1;
  }
  const nlohmann::json config = {{"inverter", {{"device", link}, {"poll_interval", 1}}},
                                 {"storage", {{"path", dir.file("h.db")}}},
                                 {"ipc", {{"socket", socket}}},
                                 {"site", {{"time_source", "trust"}}}};
  testkit::write_file(dir.file("d.json"), config.dump());
  testkit::Process daemon({opt.daemon_path, "--config", dir.file("d.json")}, dir.file("d.log"));
  const std::vector<std::string> status = {opt.cli_path, "--socket", socket, "status", "--json"};
  if (!testkit::wait_until(
          [&] {
            auto r = testkit::run(status, std::chrono::seconds(5));
            return r.status == 0 && r.out.find("\"battery.soc\"") != std::string::npos;
          },
          std::chrono::seconds(20))) {
    std::fprintf(stderr, "sunbridge-bench: the daemon did not answer (%s)\n",
                 testkit::read_file(dir.file("d.log")).c_str());
    return 1;
  }
  const double status_ms = median_wall_ms(status, opt.runs);
  const double version_ms = median_wall_ms({opt.cli_path, "--version"}, opt.runs);
  const double true_ms = median_wall_ms({"/bin/true"}, opt.runs);
  const int libraries = shared_libraries(opt.cli_path);
  daemon.stop(SIGTERM, std::chrono::seconds(10));
  if (status_ms < 0 || version_ms < 0) {
    std::fprintf(stderr, "sunbridge-bench: a CLI run failed\n");
    return 1;
  }
  if (opt.json) {
    const nlohmann::json j = {{"runs", opt.runs},
                              {"status_json_ms", status_ms},
                              {"version_ms", version_ms},
                              {"process_start_ms", true_ms},
                              {"shared_libraries", libraries}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("sunbridge-bench cli: median of %d runs, wall time including fork and exec\n",
              opt.runs);
  std::printf("  sunbridge status --json  %.2f ms  (target <= 3 ms)\n", status_ms);
  std::printf("  sunbridge --version      %.2f ms  (start-up and exit alone)\n", version_ms);
  std::printf("  /bin/true                %.2f ms  (a process, nothing else)\n", true_ms);
  std::printf("  shared libraries mapped  %d\n", libraries);
  return 0;
}

}  // namespace sb::bench
