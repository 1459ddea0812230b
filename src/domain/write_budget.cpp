// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/write_budget.hpp"

namespace sb::domain {

std::optional<std::string> check_budget(const BudgetPolicy& policy, const BudgetUsage& used,
                                        const std::vector<std::string>& params) {
  const int total = used.total + static_cast<int>(params.size());
  if (total > policy.total_per_day) {
    return "daily write budget exhausted: " + std::to_string(used.total) + " of " +
           std::to_string(policy.total_per_day) + " writes used today, " +
           std::to_string(params.size()) + " more needed";
  }
  std::map<std::string, int> needed;
  for (const std::string& p : params)
    ++needed[p];
  for (const auto& [p, n] : needed) {
    auto it = used.per_parameter.find(p);
    const int already = it == used.per_parameter.end() ? 0 : it->second;
    if (already + n > policy.per_parameter_per_day) {
      return "write budget for parameter " + p + " exhausted: " + std::to_string(already) + " of " +
             std::to_string(policy.per_parameter_per_day) + " writes used today";
    }
  }
  return std::nullopt;
}

}  // namespace sb::domain
