// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench dashboard`: what the web dashboard costs. The page's weight as a browser
// receives it (compressed), and the daemon's CPU and memory polling every second with the
// dashboard off, then on with live views attached, side by side.
#pragma once

#include <string>

namespace sb::bench {

struct DashboardOptions {
  int seconds = 20;  // measured per run, after a settling period
  int clients = 5;   // live views attached in the second run
  std::string sim_path, daemon_path;
  bool json = false;
};

int run_dashboard(const DashboardOptions& options);

}  // namespace sb::bench
