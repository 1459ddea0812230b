// SPDX-License-Identifier: Apache-2.0
// Child processes and scratch directories for integration tests and benchmarks: start the real
// binaries (simulator, daemon, CLI) exactly as a user would, and always clean up.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sb::testkit {

// A unique directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "sunbridge");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A running child. The destructor sends SIGTERM, waits up to 5 s, then SIGKILLs.
class Process {
 public:
  // Starts argv[0] with stdout and stderr appended to `log_path` ("" = inherit).
  Process(std::vector<std::string> argv, const std::string& log_path = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool running();
  // Sends `sig` and waits for the exit; returns the exit status (128 + signal if killed), or
  // nullopt if it did not exit in time.
  std::optional<int> stop(int sig, std::chrono::milliseconds timeout);
  // Waits for the child to exit by itself.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs a command to completion; returns the exit status and what it printed on stdout/stderr.
struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};
RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// Polls `ready` every 20 ms until it returns true or `timeout` passes.
bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout);

std::string read_file(const std::string& path);

// A TCP port on 127.0.0.1 that was free a moment ago (for a test broker), and whether something
// accepts connections on one.
int free_loopback_port();
bool loopback_port_open(int port);
void write_file(const std::string& path, const std::string& text);

}  // namespace sb::testkit
