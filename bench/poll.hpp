// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace sb::bench {

struct PollOptions {
  int cycles = 20;
  int rounds = 5;  // interleaved with the floor; cycles are split between them
  int baud = 9600;
  std::string sim_path;
  bool json = false;
};

int run_poll(const PollOptions& options);

}  // namespace sb::bench
