// SPDX-License-Identifier: Apache-2.0
// The rules every settings change must keep, checked on the values the inverter would hold after
// the change (current values merged with the targets). The rules:
// docs/inverter-registers.md ("Rules the settings writer follows") and docs/profiles.md (07
// limits).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sunbridge/domain/profile.hpp"

namespace sb::domain {

struct InterlockLimits {
  double max_charge_current_a = 100.0;  // 07 is PV + AC: 0-100 A
  // The battery bank's charge current limit, when known (BMS or configuration).
  std::optional<double> bank_charge_limit_a;
};

// Every broken rule, as a sentence; empty when the change is acceptable. A rule whose inputs are
// unknown (settings not read yet) is a refusal too: nothing is written on a guess. Only rules
// that involve a parameter in `changing` are checked (all when it is empty): a change to 09 is
// not blocked by how 07 stands today.
std::vector<std::string> check_interlocks(const SettingValues& after, const InterlockLimits& limits,
                                          const std::vector<std::string>& changing = {});

}  // namespace sb::domain
