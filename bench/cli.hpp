// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench cli`: how long the homeowner CLI takes to answer `sunbridge status --json`
// from a running daemon (wall time, median of many runs), and how many shared libraries the
// dynamic loader maps for it, against the same program asked only for its version.
#pragma once

#include <string>

namespace sb::bench {

struct CliOptions {
  int runs = 50;
  std::string sim_path, daemon_path, cli_path;
  bool json = false;
};

int run_cli(const CliOptions& options);

}  // namespace sb::bench
