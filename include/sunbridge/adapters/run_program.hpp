// SPDX-License-Identifier: Apache-2.0
// Runs another program and waits for it, bounded: the chart drawer, a notification hook, a fan
// command. Call it off the event loop: it blocks until the program ends or the time is up.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/result.hpp"

namespace sb::adapters {

struct ProgramRun {
  int exit_status = 0;  // 0: success
  std::string output;   // standard output, at most max_output_bytes (1 MB) kept
  std::string errors;   // standard error, at most 64 KB kept
};

struct RunOptions {
  std::size_t max_output_bytes = std::size_t{1} << 20;  // standard output beyond it is dropped
  // The program's whole environment ("NAME=value" entries); none: it inherits this process's.
  const std::vector<std::string>* environment = nullptr;
  // Once this turns true (another thread: the daemon is stopping), the program has `stop_grace`
  // more to finish before it is killed (a timeout error).
  const std::atomic<bool>* stop = nullptr;
  std::chrono::milliseconds stop_grace{0};
};

// Runs argv[0] (searched in PATH when it has no '/') with `argv`, `input` on its standard input
// (closed after it), and waits at most `timeout` (then kills it: a timeout error). A program that
// cannot be started (or exits 127, "not found") is an invalid error; one that ran and failed is
// a ProgramRun with its exit status (a signal counts as 128 + the signal's number).
Result<ProgramRun> run_program(const std::vector<std::string>& argv, std::string_view input,
                               std::chrono::milliseconds timeout, const RunOptions& options = {});

// "exit status 3: <first line of its standard error>", for messages.
std::string describe_failure(const std::vector<std::string>& argv, const ProgramRun& run);

// `args` as exec and posix_spawn take them: pointers into `args` (which must outlive them), then
// a null pointer.
std::vector<char*> exec_argv(std::vector<std::string>& args);

// The path of program `name` installed beside the running executable (as sunbridge-plot is
// beside sunbridge and sunbridged, in the package and in a build tree); `name` alone, to be
// searched in PATH, when there is none.
std::string program_beside_self(const std::string& name);

// The path of file `name` beside the running executable (a build tree), or else in
// `installed_dir` (where the package puts it), when access(2) grants it `mode` (X_OK, R_OK);
// empty when it is in neither.
std::string find_installed_file(const std::string& name, const std::string& installed_dir,
                                int mode);

}  // namespace sb::adapters
