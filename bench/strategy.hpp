// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench strategy`: a simulated year of the owner's house under each strategy, in yen
// (docs/strategy.md). Deterministic for a seed; prints the model and tariff it used.
#pragma once

#include <cstdint>
#include <string>

namespace sb::bench {

struct StrategyOptions {
  std::uint64_t first_seed = 1;
  int seeds = 1;
  int panels = 6;
  std::string tariff = "shikoku-seasonal-tou";
  std::string slot1 = "both";  // "charges", "none" (as in the field data), "both"
  bool optimum = true;
  double min_saving_yen_per_write = 20;  // automatic mode's threshold
  double soc_step_pct = 2.0;
  int threads = 2;
  std::string meter_csv;  // daily grid import, "date,grid_import_kwh"
  bool json = false;
};

int run_strategy(const StrategyOptions& options);

}  // namespace sb::bench
