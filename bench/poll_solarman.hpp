// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace sb::bench {

struct SolarmanPollOptions {
  int cycles = 5;
  int latency_ms = 400;  // the logger's answer time, as field reports give it
  std::string sim_path;
  bool json = false;
};

// `sunbridge-bench poll --transport solarman`: the daemon's poll cycle through a simulated
// Solarman logger, per block and per cycle, against the least the logger allows.
int run_poll_solarman(const SolarmanPollOptions& options);

}  // namespace sb::bench
