// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench memory`: the daemon's own memory while it polls the simulated inverter and
// packs and publishes to a real mosquitto on 127.0.0.1: peak and private RSS, and what the
// resident pages are (per mapped file, heap, stacks).
#pragma once

#include <string>

namespace sb::bench {

struct MemoryOptions {
  int seconds = 30;  // how long the daemon runs before it is measured
  std::string sim_path, daemon_path, cli_path;
  bool json = false;
};

int run_memory(const MemoryOptions& options);

}  // namespace sb::bench
