// SPDX-License-Identifier: Apache-2.0
// The write budget against wear of the inverter's non-volatile memory (no endurance figure is
// published: inverter-modbus.md section 4). Counts are per local day; the adapters persist them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sb::domain {

struct BudgetPolicy {
  int per_parameter_per_day = 4;
  int total_per_day = 16;
};

struct BudgetUsage {
  std::map<std::string, int> per_parameter;  // LCD id -> writes today
  int total = 0;
};

// Why writing `params` (one write each) now would exceed the budget; nullopt when it fits.
std::optional<std::string> check_budget(const BudgetPolicy& policy, const BudgetUsage& used,
                                        const std::vector<std::string>& params);

}  // namespace sb::domain
